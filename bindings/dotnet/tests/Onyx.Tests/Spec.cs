using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;

namespace Onyx.Tests
{
    /// <summary>One block of tests/suite/spec.txt: its fields in order (keys may repeat).</summary>
    public sealed class SpecCase
    {
        public SpecCase(List<KeyValuePair<string, string>> fields)
        {
            Fields = fields;
            Name = Find("case") ?? "";
        }

        public string Name { get; private set; }
        public List<KeyValuePair<string, string>> Fields { get; private set; }

        public string Find(string key)
        {
            foreach (var f in Fields) if (f.Key == key) return f.Value;
            return null;
        }

        public string Get(string key)
        {
            string value = Find(key);
            if (value == null) throw new SpecException("spec field '" + key + "' missing");
            return value;
        }

        public List<string> All(string key)
        {
            return Fields.Where(f => f.Key == key).Select(f => f.Value).ToList();
        }

        public int Int(string key)
        {
            int value;
            if (!int.TryParse(Get(key), NumberStyles.Integer, CultureInfo.InvariantCulture, out value))
                throw new SpecException("spec field '" + key + "' is not a number");
            return value;
        }

        public float Float(string key)
        {
            float value;
            if (!float.TryParse(Get(key), NumberStyles.Float, CultureInfo.InvariantCulture, out value))
                throw new SpecException("spec field '" + key + "' is not a number");
            return value;
        }
    }

    /// <summary>A case the spec describes badly (or that this runner cannot follow): a FAIL.</summary>
    public sealed class SpecException : Exception
    {
        public SpecException(string message) : base(message) { }
    }

    /// <summary>tests/suite/spec.txt, parsed as its README says, and its fixtures.</summary>
    public sealed class Spec
    {
        public Spec(string path)
        {
            Dir = Path.GetDirectoryName(Path.GetFullPath(path));
            var blocks = new List<List<KeyValuePair<string, string>>>();
            var current = new List<KeyValuePair<string, string>>();
            foreach (string line in File.ReadAllLines(path).Concat(new[] { "" }))
            {
                if (line.StartsWith("#", StringComparison.Ordinal)) continue;
                if (line.Length == 0)
                {
                    if (current.Count > 0) blocks.Add(current);
                    current = new List<KeyValuePair<string, string>>();
                    continue;
                }
                int space = line.IndexOf(' ');
                current.Add(space < 0
                    ? new KeyValuePair<string, string>(line, "")
                    : new KeyValuePair<string, string>(line.Substring(0, space), line.Substring(space + 1)));
            }
            Header = new SpecCase(blocks[0]);
            Cases = blocks.Skip(1).Select(b => new SpecCase(b)).ToList();
        }

        public string Dir { get; private set; }
        public SpecCase Header { get; private set; }
        public List<SpecCase> Cases { get; private set; }

        public string PathOf(string relative)
        {
            return Path.Combine(Dir, relative);
        }

        public string ModelPath
        {
            get { return PathOf(Header.Get("model")); }
        }

        public string TinyModelPath
        {
            get { return PathOf(Header.Get("tiny_model")); }
        }

        public SpecCase Case(string name)
        {
            foreach (SpecCase c in Cases) if (c.Name == name) return c;
            throw new SpecException("case '" + name + "' missing from spec");
        }

        /// <summary>A raw little-endian float32 fixture.</summary>
        public float[] ReadF32(string relative)
        {
            byte[] bytes = File.ReadAllBytes(PathOf(relative));
            var values = new float[bytes.Length / 4];
            Buffer.BlockCopy(bytes, 0, values, 0, values.Length * 4);
            return values;
        }

        public static long[] Shape(string text)
        {
            return text.Split(',').Select(d => long.Parse(d, CultureInfo.InvariantCulture)).ToArray();
        }

        /// <summary>spec.txt: $ONYX_SUITE_SPEC, else tests/suite/spec.txt in a folder above
        /// this assembly or the current folder.</summary>
        public static string Locate()
        {
            string fromEnv = Environment.GetEnvironmentVariable("ONYX_SUITE_SPEC");
            if (!string.IsNullOrEmpty(fromEnv)) return fromEnv;
            foreach (string start in new[] { Path.GetDirectoryName(typeof(Spec).Assembly.Location), Directory.GetCurrentDirectory() })
            {
                for (string dir = start; dir != null; dir = Path.GetDirectoryName(dir))
                {
                    string candidate = Path.Combine(dir, "tests", "suite", "spec.txt");
                    if (File.Exists(candidate)) return candidate;
                }
            }
            throw new FileNotFoundException("tests/suite/spec.txt not found: set ONYX_SUITE_SPEC");
        }

        private static Spec shared;
        private static readonly object sharedLock = new object();

        /// <summary>The spec, parsed once per test run.</summary>
        public static Spec Shared
        {
            get
            {
                lock (sharedLock)
                {
                    if (shared == null) shared = new Spec(Locate());
                    return shared;
                }
            }
        }
    }
}
