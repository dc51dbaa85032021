using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace Onyx.Tests
{
    /// <summary>
    /// ONNX's backend test suite through the C# API: every case $ONYX_CONFORMANCE/index.txt lists,
    /// run as core/tests/conformance.rs runs it (one process, intra 1 and inter 1 threads), with
    /// its output lines: `[csharp] conformance FAIL &lt;case&gt;: &lt;why&gt;` per failed case and
    /// `[csharp] conformance &lt;group&gt;: N passed, M failed` per group. `mono Onyx.Tests.exe conformance`
    /// (make conformance-csharp); ONYX_CONFORMANCE_FILTER=text runs the cases whose folder holds text.
    /// </summary>
    public static class Conformance
    {
        private const string Lang = SuiteRunner.Lang;

        /// <summary>Runs the sweep; 0 when every case passed, 1 when one failed, 2 when it cannot start.</summary>
        public static int Sweep(TextWriter output)
        {
            string root = Environment.GetEnvironmentVariable("ONYX_CONFORMANCE");
            if (string.IsNullOrEmpty(root))
            {
                Console.Error.WriteLine("[" + Lang + "] conformance: ONYX_CONFORMANCE is not set (make test sets it to .cache/conformance)");
                return 2;
            }
            List<string> cases;
            try
            {
                cases = ReadIndex(root);
            }
            catch (Exception e)
            {
                Console.Error.WriteLine("[" + Lang + "] conformance: " + e.Message);
                return 2;
            }
            string filter = Environment.GetEnvironmentVariable("ONYX_CONFORMANCE_FILTER") ?? "";
            // group -> (passed, failed), groups in byte order as Rust's BTreeMap sorts them
            var counts = new SortedDictionary<string, int[]>(StringComparer.Ordinal);
            using (var options = new SessionOptions())
            {
                options.IntraOpThreads = 1;
                options.InterOpThreads = 1;
                foreach (string c in cases.Where(c => c.Contains(filter)))
                {
                    string group = c.Split('/')[0];
                    string why;
                    try
                    {
                        why = ValueCase.Run(Path.Combine(root, c), options);
                    }
                    catch (OnyxException e)
                    {
                        why = e.ErrorCodeName + ": " + e.Message;
                    }
                    catch (Exception e)
                    {
                        why = e.GetType().Name + ": " + e.Message;
                    }
                    int[] entry;
                    if (!counts.TryGetValue(group, out entry)) counts[group] = entry = new int[2];
                    if (why == null)
                    {
                        entry[0]++;
                    }
                    else
                    {
                        entry[1]++;
                        output.WriteLine("[" + Lang + "] conformance FAIL " + c + ": " + OneLine(why));
                        output.Flush();
                    }
                }
            }
            int failed = 0;
            foreach (var group in counts)
            {
                output.WriteLine("[" + Lang + "] conformance " + group.Key + ": " + group.Value[0] + " passed, " + group.Value[1] + " failed");
                failed += group.Value[1];
            }
            output.Flush();
            return failed > 0 ? 1 : 0;
        }

        private static string OneLine(string text)
        {
            string flat = text.Replace('\n', ' ');
            // 300 characters (Unicode scalar values, as Rust counts them) at most.
            int count = 0;
            for (int i = 0; i < flat.Length; i++)
            {
                if (char.IsHighSurrogate(flat[i]) && i + 1 < flat.Length && char.IsLowSurrogate(flat[i + 1])) i++;
                count++;
                if (count == 300 && i + 1 < flat.Length) return flat.Substring(0, i + 1) + "...";
            }
            return flat;
        }

        /// <summary>The case folders index.txt lists; it ends with `end &lt;count&gt;` once complete.</summary>
        private static List<string> ReadIndex(string root)
        {
            string path = Path.Combine(root, "index.txt");
            string[] lines;
            try
            {
                lines = File.ReadAllLines(path);
            }
            catch (Exception e)
            {
                throw new Exception("cannot read " + path + ": " + e.Message + " (make conformance-fixtures writes it)");
            }
            var cases = new List<string>();
            foreach (string line in lines.Where(l => l.Length > 0))
            {
                if (line.StartsWith("end ", StringComparison.Ordinal))
                {
                    int n;
                    string count = line.Substring(4);
                    if (int.TryParse(count, out n) && n == cases.Count) return cases;
                    throw new Exception(path + " says " + count + " cases but lists " + cases.Count);
                }
                cases.Add(line);
            }
            throw new Exception(path + " has no end line: the generator did not finish");
        }
    }
}
