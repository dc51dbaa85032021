using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;

namespace Onyx.Tests
{
    /// <summary>
    /// A value as the language-neutral case format writes it (tests/conformance/README.md), read
    /// into plain .NET data: <see cref="ToValue"/> builds the Onyx value to feed a run, and
    /// <see cref="ValueCase.Compare"/> checks a run's value against it. Mirrors core/tests/values/mod.rs.
    /// </summary>
    public sealed class CaseValue
    {
        public ValueKind Kind;
        // tensor
        public ElementType ElementType;
        public long[] Shape;
        public byte[] Bytes;
        public string[] Strings;
        // sequence (and an optional's item, when present: one item)
        public List<CaseValue> Items = new List<CaseValue>();
        // map
        public CaseValue Keys;
        public CaseValue Values;

        /// <summary>A new Onyx value holding this one (the caller disposes it).</summary>
        public Value ToValue()
        {
            switch (Kind)
            {
                case ValueKind.Tensor: return Value.Of(ToTensor());
                case ValueKind.Sequence: return Value.Sequence(Items.Select(i => i.ToValue()).ToList());
                case ValueKind.Map: return Value.Map(Keys.ToTensor(), Values.ToTensor());
                case ValueKind.Optional: return Value.Optional(Items.Count == 0 ? null : Items[0].ToValue());
                default: throw new SpecException("cannot build a " + Kind);
            }
        }

        public Tensor ToTensor()
        {
            if (Kind != ValueKind.Tensor) throw new SpecException("map keys and values must be tensors");
            if (ElementType == ElementType.String) return Tensor.FromStrings(Shape, Strings);
            return ValueCase.TensorFromBytes(ElementType, Bytes, Shape);
        }
    }

    /// <summary>One case folder: case.txt and the raw files it names.</summary>
    public sealed class ValueCase
    {
        public string Model;
        public string Expect = "";
        public List<KeyValuePair<string, CaseValue>> Inputs = new List<KeyValuePair<string, CaseValue>>();
        public List<KeyValuePair<string, CaseValue>> Outputs = new List<KeyValuePair<string, CaseValue>>();

        public static ValueCase Read(string dir)
        {
            string path = Path.Combine(dir, "case.txt");
            string text;
            try
            {
                text = File.ReadAllText(path, Encoding.UTF8);
            }
            catch (Exception e)
            {
                throw new SpecException("cannot read case.txt: " + e.Message);
            }
            var c = new ValueCase();
            foreach (string line in text.Split('\n'))
            {
                if (line.Length == 0 || line.StartsWith("#", StringComparison.Ordinal)) continue;
                int space = line.IndexOf(' ');
                string key = space < 0 ? line : line.Substring(0, space);
                string rest = space < 0 ? "" : line.Substring(space + 1);
                switch (key)
                {
                    case "model": c.Model = Path.Combine(dir, rest); break;
                    case "expect": c.Expect = rest; break;
                    case "input":
                    case "output":
                        string[] words = rest.Split(' ');
                        int at = 0;
                        if (words.Length == 0 || words[0].Length == 0) throw new SpecException("a value line without a name");
                        string name = words[at++];
                        CaseValue value = Parse(words, ref at, dir);
                        (key == "input" ? c.Inputs : c.Outputs).Add(new KeyValuePair<string, CaseValue>(name, value));
                        break;
                }
            }
            return c;
        }

        private static string Next(string[] words, ref int at)
        {
            if (at >= words.Length) throw new SpecException("a value ends too early");
            return words[at++];
        }

        private static CaseValue Parse(string[] words, ref int at, string dir)
        {
            string kind = Next(words, ref at);
            switch (kind)
            {
                case "tensor": return ParseTensor(words, ref at, dir);
                case "sequence":
                {
                    int n;
                    if (!int.TryParse(Next(words, ref at), NumberStyles.None, CultureInfo.InvariantCulture, out n)) throw new SpecException("bad sequence length");
                    var seq = new CaseValue { Kind = ValueKind.Sequence };
                    if (n == 0)
                    {
                        Next(words, ref at); // the element type an empty sequence would hold
                        return seq;
                    }
                    for (int i = 0; i < n; i++) seq.Items.Add(Parse(words, ref at, dir));
                    return seq;
                }
                case "map":
                    return new CaseValue { Kind = ValueKind.Map, Keys = Parse(words, ref at, dir), Values = Parse(words, ref at, dir) };
                case "optional":
                {
                    var opt = new CaseValue { Kind = ValueKind.Optional };
                    if (at < words.Length && words[at] == "none")
                    {
                        at++;
                        return opt;
                    }
                    opt.Items.Add(Parse(words, ref at, dir));
                    return opt;
                }
                default: throw new SpecException("unknown value kind '" + kind + "'");
            }
        }

        private static CaseValue ParseTensor(string[] words, ref int at, string dir)
        {
            int number;
            if (!int.TryParse(Next(words, ref at), NumberStyles.None, CultureInfo.InvariantCulture, out number)) throw new SpecException("bad element type");
            if (!Enum.IsDefined(typeof(ElementType), number) || number == 0) throw new SpecException("element type " + number + " is not one Onyx holds");
            string dims = Next(words, ref at).TrimStart('[').TrimEnd(']');
            long[] shape = dims.Length == 0 ? new long[0] : dims.Split(',').Select(d => long.Parse(d, CultureInfo.InvariantCulture)).ToArray();
            string file = Path.Combine(dir, Next(words, ref at));
            byte[] bytes;
            try
            {
                bytes = File.ReadAllBytes(file);
            }
            catch (Exception e)
            {
                throw new SpecException("cannot read " + file + ": " + e.Message);
            }
            var t = new CaseValue { Kind = ValueKind.Tensor, ElementType = (ElementType)number, Shape = shape };
            if (t.ElementType == ElementType.String)
            {
                var strings = new List<string>();
                // Strict decoding: the files hold valid UTF-8, as the format says.
                var utf8 = new UTF8Encoding(false, true);
                int p = 0;
                while (p < bytes.Length)
                {
                    if (p + 4 > bytes.Length) throw new SpecException("truncated string file");
                    int len = (int)BitConverter.ToUInt32(bytes, p);
                    if (p + 4 + len > bytes.Length) throw new SpecException("truncated string file");
                    strings.Add(utf8.GetString(bytes, p + 4, len));
                    p += 4 + len;
                }
                t.Strings = strings.ToArray();
            }
            else
            {
                t.Bytes = bytes;
            }
            return t;
        }

        /// <summary>A tensor of <paramref name="type"/> copied from raw little-endian bytes (the .NET array
        /// type is the binding's choice for each element type; the byte length check is core's).</summary>
        public static Tensor TensorFromBytes(ElementType type, byte[] bytes, long[] shape)
        {
            switch (type)
            {
                case ElementType.Float32: return Tensor.Copy(Cast<float>(bytes, 4), shape);
                case ElementType.Float64: return Tensor.Copy(Cast<double>(bytes, 8), shape);
                case ElementType.Int8: return Tensor.Copy(Cast<sbyte>(bytes, 1), shape);
                case ElementType.Int16: return Tensor.Copy(Cast<short>(bytes, 2), shape);
                case ElementType.Int32: return Tensor.Copy(Cast<int>(bytes, 4), shape);
                case ElementType.Int64: return Tensor.Copy(Cast<long>(bytes, 8), shape);
                case ElementType.UInt16: return Tensor.Copy(Cast<ushort>(bytes, 2), shape);
                case ElementType.UInt32: return Tensor.Copy(Cast<uint>(bytes, 4), shape);
                case ElementType.UInt64: return Tensor.Copy(Cast<ulong>(bytes, 8), shape);
                case ElementType.Bool: return Tensor.Copy(Cast<bool>(bytes, 1), shape);
                case ElementType.Float16:
                case ElementType.BFloat16: return Tensor.Copy(type, Cast<ushort>(bytes, 2), shape);
                default: return Tensor.Copy(type, bytes, shape); // uint8 and the raw-byte types
            }
        }

        private static T[] Cast<T>(byte[] bytes, int size) where T : struct
        {
            var result = new T[bytes.Length / size];
            if (bytes.Length % size != 0) throw new SpecException(bytes.Length + " bytes are no whole number of " + size + "-byte elements");
            Buffer.BlockCopy(bytes, 0, result, 0, bytes.Length);
            return result;
        }

        /// <summary>Runs the case as core/tests/values/mod.rs does; null when it passes, else why.</summary>
        public static string Run(string dir, SessionOptions options)
        {
            ValueCase c = Read(dir);
            var inputs = new Dictionary<string, Value>();
            try
            {
                RunOutputs<Value> got = null;
                OnyxException failure = null;
                // A case whose inputs cannot be built is a broken case, whatever it expects.
                foreach (var input in c.Inputs) inputs[input.Key] = input.Value.ToValue();
                try
                {
                    using (Session session = Session.FromFile(c.Model, options))
                    {
                        List<string> names = c.Outputs.Select(o => o.Key).ToList();
                        got = session.RunValues(inputs, names.Count == 0 ? null : names);
                    }
                }
                catch (OnyxException e)
                {
                    failure = e;
                }
                using (got)
                {
                    if (c.Expect == "error")
                        return failure != null ? null : "ONNX Runtime's Python binding fails on this case, but Onyx ran it";
                    if (failure != null) return failure.ErrorCodeName + ": " + failure.Message;
                    if (c.Expect != "pass" && c.Expect != "ort_values" && c.Expect != "unstable") return "unknown expectation '" + c.Expect + "'";
                    for (int i = 0; i < c.Outputs.Count && i < got.Count; i++)
                    {
                        string why = Compare(got[i], c.Outputs[i].Value, c.Expect == "unstable");
                        if (why != null) return "output '" + c.Outputs[i].Key + "': " + why;
                    }
                    return null;
                }
            }
            finally
            {
                foreach (Value v in inputs.Values) v.Dispose();
            }
        }

        /// <summary>Kinds, element types and shapes must match; values too unless <paramref name="shapeOnly"/>.</summary>
        public static string Compare(Value got, CaseValue want, bool shapeOnly)
        {
            ValueKind kind = got.Kind;
            if (kind == ValueKind.Tensor && want.Kind == ValueKind.Tensor) return CompareTensors(got.Tensor, want, shapeOnly);
            if (kind == ValueKind.Sequence && want.Kind == ValueKind.Sequence)
            {
                IReadOnlyList<Value> items = got.Items;
                if (items.Count != want.Items.Count) return "sequence of " + items.Count + " items, expected " + want.Items.Count;
                for (int i = 0; i < items.Count; i++)
                {
                    string why = Compare(items[i], want.Items[i], shapeOnly);
                    if (why != null) return "item " + i + ": " + why;
                }
                return null;
            }
            if (kind == ValueKind.Map && want.Kind == ValueKind.Map)
            {
                string why = CompareTensors(got.Keys, want.Keys, shapeOnly);
                if (why != null) return "map keys: " + why;
                why = CompareTensors(got.Values, want.Values, shapeOnly);
                return why == null ? null : "map values: " + why;
            }
            if (kind == ValueKind.Optional && want.Kind == ValueKind.Optional)
            {
                Value item = got.Item;
                bool wantPresent = want.Items.Count > 0;
                if (item == null && !wantPresent) return null;
                if (item != null && wantPresent) return Compare(item, want.Items[0], shapeOnly);
                return "optional is " + (item != null ? "present" : "absent") + ", expected " + (wantPresent ? "present" : "absent");
            }
            // An optional output comes back as an optional; the reference may list its item.
            if (kind == ValueKind.Optional && got.Item != null) return Compare(got.Item, want, shapeOnly);
            return "got a " + kind + ", expected a " + want.Kind;
        }

        private static string CompareTensors(Tensor got, CaseValue want, bool shapeOnly)
        {
            if (want.Kind != ValueKind.Tensor) return "expected a " + want.Kind + " where a tensor is";
            if (got.ElementType != want.ElementType) return Name(got.ElementType) + " elements, expected " + Name(want.ElementType);
            if (!got.Shape.SequenceEqual(want.Shape))
                return "shape [" + string.Join(", ", got.Shape) + "], expected [" + string.Join(", ", want.Shape) + "]";
            if (shapeOnly) return null;
            double[] g = Floats(got.ElementType, Raw(got));
            if (g != null)
            {
                double[] w = Floats(want.ElementType, want.Bytes);
                for (int i = 0; i < g.Length && i < w.Length; i++)
                {
                    bool close = (double.IsNaN(g[i]) && double.IsNaN(w[i])) || g[i] == w[i] || Math.Abs(g[i] - w[i]) <= 1e-5 + 1e-3 * Math.Abs(w[i]);
                    if (!close)
                        return "element " + i + " is " + g[i].ToString("R", CultureInfo.InvariantCulture) + ", expected " + w[i].ToString("R", CultureInfo.InvariantCulture) + " (atol 1e-5, rtol 1e-3)";
                }
                return null;
            }
            if (got.ElementType == ElementType.String)
            {
                string[] gs = got.ToStringArray();
                for (int i = 0; i < gs.Length && i < want.Strings.Length; i++)
                    if (gs[i] != want.Strings[i]) return "string " + i + " is \"" + gs[i] + "\", expected \"" + want.Strings[i] + "\"";
                return null;
            }
            byte[] gb = Raw(got);
            for (int i = 0; i < gb.Length && i < want.Bytes.Length; i++)
                if (gb[i] != want.Bytes[i]) return "byte " + i + " is " + gb[i] + ", expected " + want.Bytes[i] + " (" + Name(got.ElementType) + " elements compare exactly)";
            return null;
        }

        private static string Name(ElementType type)
        {
            return Utf8.FromNative(Native.onyx_element_type_name((uint)type));
        }

        /// <summary>The tensor's data as core holds it (its byte length).</summary>
        private static byte[] Raw(Tensor t)
        {
            var bytes = new byte[t.ByteLength];
            if (bytes.Length > 0) Marshal.Copy(t.DataPointer, bytes, 0, bytes.Length);
            return bytes;
        }

        /// <summary>Float elements as doubles (float32, float64, float16, bfloat16); null for other types.</summary>
        private static double[] Floats(ElementType type, byte[] bytes)
        {
            switch (type)
            {
                case ElementType.Float32:
                {
                    var r = new double[bytes.Length / 4];
                    for (int i = 0; i < r.Length; i++) r[i] = BitConverter.ToSingle(bytes, 4 * i);
                    return r;
                }
                case ElementType.Float64:
                {
                    var r = new double[bytes.Length / 8];
                    for (int i = 0; i < r.Length; i++) r[i] = BitConverter.ToDouble(bytes, 8 * i);
                    return r;
                }
                case ElementType.Float16:
                {
                    var r = new double[bytes.Length / 2];
                    for (int i = 0; i < r.Length; i++) r[i] = Float16.FromBits(BitConverter.ToUInt16(bytes, 2 * i)).ToFloat32();
                    return r;
                }
                case ElementType.BFloat16:
                {
                    var r = new double[bytes.Length / 2];
                    for (int i = 0; i < r.Length; i++) r[i] = BFloat16.FromBits(BitConverter.ToUInt16(bytes, 2 * i)).ToFloat32();
                    return r;
                }
                default: return null;
            }
        }
    }
}
