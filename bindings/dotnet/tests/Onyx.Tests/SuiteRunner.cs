using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;

namespace Onyx.Tests
{
    /// <summary>
    /// The shared ResNet18 suite through the C# API, mirroring core/tests/suite.rs case by case.
    /// Prints one `[csharp] PASS|FAIL|SKIP case` line per case of spec.txt and the closing counts.
    /// </summary>
    public sealed class SuiteRunner : IDisposable
    {
        public const string Lang = "csharp";
        /// <summary>Set in the child process of runtime_path_missing: the ONNX Runtime path to load.</summary>
        public const string ChildEnv = "ONYX_SUITE_LOAD_RUNTIME_FROM";

        private static readonly long[] ImageShape = { 1, 3, 224, 224 };
        private readonly Spec spec;
        private readonly Session session;

        public SuiteRunner(Spec spec)
        {
            this.spec = spec;
            session = Session.FromFile(spec.ModelPath);
        }

        public int Passed { get; private set; }
        public int Failed { get; private set; }
        public int Skipped { get; private set; }
        public List<string> Failures = new List<string>();

        public void Dispose()
        {
            session.Dispose();
        }

        public void RunAll(TextWriter output)
        {
            foreach (SpecCase c in spec.Cases)
            {
                List<string> langs = c.All("langs");
                if (langs.Count > 0 && !langs.SelectMany(l => l.Split(' ')).Contains(Lang))
                {
                    output.WriteLine("[" + Lang + "] SKIP " + c.Name + ": only for " + string.Join(" ", langs));
                    Skipped++;
                    continue;
                }
                string why;
                try
                {
                    why = RunCase(c);
                }
                catch (Exception e)
                {
                    why = e.GetType().Name + ": " + e.Message;
                }
                if (why == null)
                {
                    output.WriteLine("[" + Lang + "] PASS " + c.Name);
                    Passed++;
                }
                else
                {
                    string line = "[" + Lang + "] FAIL " + c.Name + ": " + why.Replace('\n', ' ');
                    output.WriteLine(line);
                    Failures.Add(line);
                    Failed++;
                }
                output.Flush();
            }
            output.WriteLine(Passed + " passed, " + Failed + " failed, " + Skipped + " skipped");
            output.Flush();
        }

        // Each check returns null when it passes, or why it failed.

        private string RunCase(SpecCase c)
        {
            switch (c.Get("kind"))
            {
                case "runtime_info": return RuntimeInfo(c);
                case "model_info": return ModelInfo(c);
                case "classify": return Classify(c);
                case "batch": return Batch(c);
                case "from_bytes": return FromBytes(c);
                case "zero_copy_input": return ZeroCopyInput(c);
                case "output_into_caller": return OutputIntoCaller(c);
                case "threads": return Threads(c);
                case "options": return Options(c);
                case "terminate": return Terminate(c);
                case "float_vectors": return FloatVectors(c);
                case "error": return Provoke(c) ?? StillUsable();
                case "hostile_model": return HostileModel(c) ?? StillUsable();
                case "custom_op": return CustomOp(c);
                case "host_kernel": return CustomOp(c);
                case "dimension_override": return DimensionOverride(c);
                case "profiling": return Profiling(c);
                case "run_config": return Within(RunWithConfig(c), spec.ReadF32(c.Get("expected")), c);
                case "async_runs": return AsyncRuns(c) ?? StillUsable();
                case "async_close": return AsyncClose(c);
                case "external_data": return ExternalData(c);
                case "external_data_outside": return ExternalDataOutside(c);
                case "log_callback": return LogCallbackCase(c);
                case "shared_weights": return SharedWeightsCase(c);
                case "ocr": return Ocr(c);
                case "values":
                    using (var options = new SessionOptions()) return ValueCase.Run(spec.PathOf(c.Get("dir")), options);
                default: return "unknown case kind '" + c.Get("kind") + "'";
            }
        }

        private string Ocr(SpecCase c)
        {
            using (Session ocr = Session.FromFile(spec.PathOf(c.Get("model"))))
            using (Tensor input = Tensor.Copy(spec.ReadF32(c.Get("input")), Spec.Shape(c.Get("shape"))))
            {
                string got = Recognise(ocr, input);
                return got == c.Get("text") ? null : "read \"" + got + "\", ONNX Runtime's Python binding read \"" + c.Get("text") + "\"";
            }
        }

        /// <summary>Greedy CTC decoding of a PP-OCR recogniser's output: per step the most likely class;
        /// class 0 is the blank, class i (1..=len) is dictionary[i-1], the last class a space; a class
        /// repeated over steps counts once. The dictionary is the model's metadata entry "character".</summary>
        public static string Recognise(Session ocr, Tensor image)
        {
            using (RunOutputs outputs = ocr.Run(new Dictionary<string, Tensor> { { ocr.Inputs[0].Name, image } }))
            {
                long[] shape = outputs[0].Shape;
                int classes = shape.Length == 0 ? 1 : (int)shape[shape.Length - 1];
                float[] probabilities = outputs[0].ToArray<float>();
                string character;
                if (!ocr.Metadata.Custom.TryGetValue("character", out character)) character = "";
                string[] dictionary = character.Split('\n');
                var text = new System.Text.StringBuilder();
                int previous = 0;
                for (int step = 0; step + classes <= probabilities.Length; step += classes)
                {
                    int best = 0;
                    for (int i = 1; i < classes; i++)
                        if (probabilities[step + i] > probabilities[step + best]) best = i;
                    if (best != 0 && best != previous) text.Append(best <= dictionary.Length ? dictionary[best - 1] : " ");
                    previous = best;
                }
                return text.ToString();
            }
        }

        private static string RuntimeInfo(SpecCase c)
        {
            if (OnyxRuntime.Version != c.Get("ort_version"))
                return "version " + OnyxRuntime.Version + " != " + c.Get("ort_version");
            string path = OnyxRuntime.Path;
            if (!Path.IsPathRooted(path) || !File.Exists(path)) return "path " + path + " is not an absolute existing file";
            return null;
        }

        private static string Describe(ValueInfo info)
        {
            return info.Name + " " + (int)info.ElementType + " " + string.Join(",", info.Shape) + " " + string.Join(",", info.DimensionNames);
        }

        private string ModelInfo(SpecCase c)
        {
            List<string> gotInputs = session.Inputs.Select(Describe).ToList();
            List<string> gotOutputs = session.Outputs.Select(Describe).ToList();
            if (!gotInputs.SequenceEqual(c.All("input"))) return "inputs [" + string.Join("; ", gotInputs) + "] != [" + string.Join("; ", c.All("input")) + "]";
            if (!gotOutputs.SequenceEqual(c.All("output"))) return "outputs [" + string.Join("; ", gotOutputs) + "] != [" + string.Join("; ", c.All("output")) + "]";
            ModelMetadata meta = session.Metadata;
            foreach (string line in c.All("meta"))
            {
                string key = Before(line), want = After(line), got;
                switch (key)
                {
                    case "producer": got = meta.Producer; break;
                    case "graph_name": got = meta.GraphName; break;
                    case "domain": got = meta.Domain; break;
                    case "description": got = meta.Description; break;
                    case "version": got = meta.Version.HasValue ? meta.Version.Value.ToString(CultureInfo.InvariantCulture) : ""; break;
                    default: return "unknown meta key '" + key + "'";
                }
                if (got != want) return "meta " + key + ": '" + got + "' != '" + want + "'";
            }
            List<string> custom = c.All("custom");
            if (meta.Custom.Count != custom.Count) return meta.Custom.Count + " custom entries, expected " + custom.Count;
            foreach (string line in custom)
            {
                string got;
                if (!meta.Custom.TryGetValue(Before(line), out got) || got != After(line))
                    return "custom " + Before(line) + ": '" + got + "' != '" + After(line) + "'";
            }
            return null;
        }

        private string Classify(SpecCase c)
        {
            float[] got = Logits(session, spec.ReadF32(c.Get("input")), Spec.Shape(c.Get("shape")));
            string why = Within(got, spec.ReadF32(c.Get("expected")), c);
            if (why != null) return why;
            int[] want = c.Get("top5").Split(' ').Select(int.Parse).ToArray();
            int[] top = Top5(got);
            if (!top.SequenceEqual(want)) return "top5 [" + string.Join(" ", top) + "] != [" + string.Join(" ", want) + "]";
            return null;
        }

        private string Batch(SpecCase c)
        {
            List<float[]> inputs = c.Get("inputs").Split(' ').Select(spec.ReadF32).ToList();
            float[] stacked = inputs.SelectMany(x => x).ToArray();
            float[] got = Logits(session, stacked, new long[] { inputs.Count, 3, 224, 224 });
            string[] expected = c.Get("expected").Split(' ');
            int rowLength = got.Length / inputs.Count;
            for (int row = 0; row < expected.Length; row++)
            {
                float[] slice = new float[rowLength];
                Array.Copy(got, row * rowLength, slice, 0, rowLength);
                string why = Within(slice, spec.ReadF32(expected[row]), c);
                if (why != null) return "row " + row + ": " + why;
            }
            return null;
        }

        private string FromBytes(SpecCase c)
        {
            using (var fromBytes = Session.FromBytes(File.ReadAllBytes(spec.ModelPath)))
            {
                float[] input = spec.ReadF32(c.Get("input"));
                float[] a = Logits(fromBytes, input, ImageShape);
                float[] b = Logits(session, input, ImageShape);
                if (!BitEqual(a, b)) return "session from bytes differs from session from file";
                return Within(a, spec.ReadF32(c.Get("expected")), c);
            }
        }

        private string ZeroCopyInput(SpecCase c)
        {
            float[] input = spec.ReadF32(c.Get("input"));
            using (Tensor tensor = Tensor.Borrow(input, ImageShape))
            {
                // Borrow pins the array, so its address is stable while the tensor lives.
                if (tensor.DataPointer != Marshal.UnsafeAddrOfPinnedArrayElement(input, 0))
                    return "borrowed tensor does not point at the caller's array";
                using (RunOutputs outputs = session.Run(Inputs(tensor)))
                {
                    return Within(outputs[0].ToArray<float>(), spec.ReadF32(c.Get("expected")), c);
                }
            }
        }

        private string OutputIntoCaller(SpecCase c)
        {
            long[] outShape = Spec.Shape(c.Get("output_shape"));
            float[] buffer = Enumerable.Repeat(float.NaN, (int)outShape.Aggregate(1L, (x, y) => x * y)).ToArray();
            using (Tensor input = Tensor.Copy(spec.ReadF32(c.Get("input")), ImageShape))
            using (Tensor output = Tensor.Borrow(buffer, outShape))
            {
                session.RunInto(Inputs(input), new Dictionary<string, Tensor> { { "logits", output } });
                if (output.DataPointer != Marshal.UnsafeAddrOfPinnedArrayElement(buffer, 0))
                    return "output tensor moved away from the caller's array";
            }
            return Within(buffer, spec.ReadF32(c.Get("expected")), c);
        }

        private string Threads(SpecCase c)
        {
            float[] input = spec.ReadF32(c.Get("input"));
            float[] alone = Logits(session, input, ImageShape);
            int threads = c.Int("threads"), runs = c.Int("runs");
            var results = new string[threads];
            var workers = new Thread[threads];
            for (int t = 0; t < threads; t++)
            {
                int index = t;
                workers[t] = new Thread(() =>
                {
                    try
                    {
                        for (int r = 0; r < runs && results[index] == null; r++)
                            if (!BitEqual(Logits(session, input, ImageShape), alone)) results[index] = "thread " + index + " run " + r + " differs from a run alone";
                    }
                    catch (Exception e)
                    {
                        results[index] = "thread " + index + ": " + e.Message;
                    }
                });
                workers[t].Start();
            }
            foreach (Thread w in workers) w.Join();
            return results.FirstOrDefault(r => r != null);
        }

        private string Options(SpecCase c)
        {
            using (var options = new SessionOptions())
            {
                if (c.Find("intra_threads") != null) options.IntraOpThreads = c.Int("intra_threads");
                if (c.Find("memory_arena") != null) options.CpuMemoryArena = c.Get("memory_arena") == "on";
                if (c.Find("memory_pattern") != null) options.MemoryPattern = c.Get("memory_pattern") == "on";
                string optimization = c.Find("optimization");
                if (optimization == "disabled") options.OptimizationLevel = OptimizationLevel.Disabled;
                else if (optimization == "all") options.OptimizationLevel = OptimizationLevel.All;
                else if (optimization != null) return "unknown optimization '" + optimization + "'";
                using (var withOptions = Session.FromFile(spec.ModelPath, options))
                {
                    return CheckExpected(withOptions, c);
                }
            }
        }

        private string Terminate(SpecCase c)
        {
            int batch = c.Int("batch");
            float[] one = spec.ReadF32(c.Get("input"));
            var input = new float[one.Length * batch];
            for (int b = 0; b < batch; b++) Array.Copy(one, 0, input, b * one.Length, one.Length);
            using (Tensor tensor = Tensor.Borrow(input, batch, 3, 224, 224))
            using (var options = new RunOptions())
            {
                var terminator = new Thread(() =>
                {
                    Thread.Sleep(50);
                    options.Terminate();
                });
                terminator.Start();
                string why = ExpectCode(() => session.Run(Inputs(tensor), null, options).Dispose(), c);
                terminator.Join();
                if (why != null) return why;
                options.ResetTerminate();
            }
            return StillUsable();
        }

        private string Provoke(SpecCase c)
        {
            float[] input = spec.ReadF32(spec.Case("classify_0").Get("input"));
            using (Tensor good = Tensor.Copy(input, ImageShape))
            {
                switch (c.Get("trigger"))
                {
                    case "missing_model_file":
                        return ExpectCode(() => Session.FromFile(spec.PathOf(c.Get("path"))).Dispose(), c);
                    case "end_profiling":
                        return ExpectCode(() => session.EndProfiling(), c);
                    case "run_config_value":
                        return ExpectCode(() => RunWithConfig(c), c);
                    case "free_dimension_override":
                        return ExpectCode(() => { using (var options = new SessionOptions()) options.AddFreeDimensionOverride(c.Get("dimension"), long.Parse(c.Get("value"), CultureInfo.InvariantCulture)); }, c);
                    case "load_and_run":
                    case "host_kernel":
                        return ExpectCode(() => LoadAndRun(c, outputs => null), c);
                    case "custom_op_library":
                        return ExpectCode(() => { using (var options = new SessionOptions()) options.AddCustomOpLibrary(spec.PathOf(c.Get("library"))); }, c);
                    case "corrupt_bytes":
                        {
                            byte[] corrupt = File.ReadAllBytes(spec.ModelPath).Take(1000).Select(b => (byte)(b ^ 0x5A)).ToArray();
                            return ExpectCode(() => Session.FromBytes(corrupt).Dispose(), c);
                        }
                    case "empty_bytes":
                        return ExpectCode(() => Session.FromBytes(new byte[0]).Dispose(), c);
                    case "input_shape":
                        {
                            long[] shape = Spec.Shape(c.Get("shape"));
                            var zeros = new float[shape.Aggregate(1L, (x, y) => x * y)];
                            using (Tensor tensor = Tensor.Copy(zeros, shape))
                                return ExpectCode(() => session.Run(Inputs(tensor)).Dispose(), c);
                        }
                    case "buffer_length":
                        return ExpectCode(() => Tensor.Borrow(new float[c.Int("elements")], Spec.Shape(c.Get("shape"))).Dispose(), c);
                    case "element_type":
                        using (Tensor tensor = Tensor.Zeros((ElementType)c.Int("elem_type"), ImageShape))
                            return ExpectCode(() => session.Run(Inputs(tensor)).Dispose(), c);
                    case "unknown_input":
                        return ExpectCode(() => session.Run(new Dictionary<string, Tensor> { { "input", good }, { c.Get("input_name"), good } }).Dispose(), c);
                    case "missing_input":
                        return ExpectCode(() => session.Run(new Dictionary<string, Tensor>()).Dispose(), c);
                    case "no_outputs":
                        return ExpectCode(() => session.Run(Inputs(good), new string[0]).Dispose(), c);
                    case "unknown_output":
                        return ExpectCode(() => session.Run(Inputs(good), new[] { c.Get("output_name") }).Dispose(), c);
                    case "output_shape":
                        using (Tensor output = Tensor.Zeros(ElementType.Float32, Spec.Shape(c.Get("output_shape"))))
                            return ExpectCode(() => session.RunInto(Inputs(good), new Dictionary<string, Tensor> { { "logits", output } }), c);
                    case "runtime_path_missing":
                        return RuntimePathMissing(c);
                    case "read_as":
                        using (RunOutputs outputs = session.Run(Inputs(good)))
                            return ExpectCode(() => ReadAs(outputs["logits"], (ElementType)c.Int("elem_type")), c);
                    case "output_aliases_input":
                        return ExpectCode(() => session.RunInto(Inputs(good), new Dictionary<string, Tensor> { { "logits", good } }), c);
                    case "intra_threads":
                        using (var options = new SessionOptions())
                        {
                            return ExpectCode(() =>
                            {
                                options.IntraOpThreads = c.Int("threads");
                                Session.FromFile(spec.ModelPath, options).Dispose();
                            }, c);
                        }
                    case "input_index":
                        return ExpectCode(() => session.Input(c.Int("index")), c);
                    case "async_bad_input":
                        return AsyncBadInput(c);
                    case "external_data_outside":
                        return ExpectCode(() => LoadEscaping(c, false).Dispose(), c);
                    case "abi_major":
                        // The load-time check, fed a library version of that major (minor 0).
                        return ExpectCode(() => Library.CheckAbiVersion((uint)c.Int("major") << 16), c);
                    default:
                        return "unknown trigger '" + c.Get("trigger") + "'";
                }
            }
        }

        /// <summary>Reads <paramref name="tensor"/> with the typed read of <paramref name="type"/>'s .NET type
        /// (ToArray&lt;long&gt;() for int64, ...).</summary>
        private static void ReadAs(Tensor tensor, ElementType type)
        {
            Type clr = ElementTypes.ClrType(type);
            if (clr == null) throw new SpecException("no typed read for element type " + (int)type);
            try
            {
                typeof(Tensor).GetMethod("ToArray").MakeGenericMethod(clr).Invoke(tensor, null);
            }
            catch (TargetInvocationException e)
            {
                throw e.InnerException;
            }
        }

        /// <summary>Every line of each vector file: float32 bits in, the 16-bit result through the
        /// public conversion (new BFloat16(f).Bits, new Float16(f).Bits).</summary>
        private string FloatVectors(SpecCase c)
        {
            int lines = 0;
            foreach (string format in new[] { "bfloat16", "float16" })
            {
                string file = c.Get(format);
                foreach (string line in File.ReadAllLines(spec.PathOf(file)))
                {
                    if (line.Length == 0 || line.StartsWith("#", StringComparison.Ordinal)) continue;
                    string[] parts = line.Split(' ');
                    if (parts.Length != 2 || parts[0].Length != 8 || parts[1].Length != 4) return file + ": bad line '" + line + "'";
                    uint bits = uint.Parse(parts[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                    ushort want = ushort.Parse(parts[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                    float value = BitConverter.ToSingle(BitConverter.GetBytes(bits), 0);
                    ushort got = format == "bfloat16" ? new BFloat16(value).Bits : new Float16(value).Bits;
                    if (got != want) return format + " of " + parts[0] + ": got " + got.ToString("x4") + ", expected " + parts[1];
                    lines++;
                }
            }
            return lines == 0 ? "no vectors in the fixtures" : null;
        }

        /// <summary>A process loads ONNX Runtime once, so this runs in a fresh process: this
        /// assembly's own entry point (Program.Main), which prints "code message".</summary>
        private static string RuntimePathMissing(SpecCase c)
        {
            string assembly = typeof(SuiteRunner).Assembly.Location;
            bool mono = Type.GetType("Mono.Runtime") != null;
            var start = new ProcessStartInfo(mono ? "mono" : "dotnet", "\"" + assembly + "\"")
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            start.EnvironmentVariables[ChildEnv] = c.Get("path");
            string text, errors;
            using (Process child = Process.Start(start))
            {
                errors = child.StandardError.ReadToEndAsync().Result;
                text = child.StandardOutput.ReadToEnd().Trim();
                child.WaitForExit();
            }
            int space = text.IndexOf(' ');
            int code;
            if (space < 0 || !int.TryParse(text.Substring(0, space), out code))
                return "child printed '" + text + "' (stderr: " + errors.Trim() + ")";
            var error = new OnyxException((ErrorCode)code, text.Substring(space + 1));
            return ExpectCode(() => { throw error; }, c);
        }

        /// <summary>Runs <paramref name="action"/>, which must fail with the case's code and message texts.</summary>
        /// <summary>Session options with the case's host operator (<c>operator</c>, a C# kernel) and its
        /// <c>libraries</c> (own, extensions) added in order.</summary>
        private SessionOptions OptionsWithLibraries(SpecCase c)
        {
            var options = new SessionOptions();
            try
            {
                using (Operator op = HostOperator(c))
                    if (op != null) options.AddOperator(op); // the options keep it
            }
            catch
            {
                options.Dispose();
                throw;
            }
            string libraries = c.Find("libraries");
            if (libraries != null)
                foreach (string which in libraries.Split(' '))
                    options.AddCustomOpLibrary(spec.PathOf(spec.Header.Get("custom_op_library_" + which)));
            return options;
        }

        public const string HostKernelFailure = "host kernel failed on purpose";

        /// <summary>The case's <c>operator domain name</c> written in C#: ScaleShift (one float32 in and
        /// out, FLOAT attributes alpha and beta, y = alpha * x + beta in float32) or Fail (throws
        /// InvalidOperationException), with the case's <c>declare_attribute</c> lines added; null without one.</summary>
        public static Operator HostOperator(SpecCase c)
        {
            string line = c.Find("operator");
            if (line == null) return null;
            string[] f = line.Split(' ');
            var definition = new OperatorDefinition(f[0], f[1]).Input(ElementType.Float32).Output(ElementType.Float32);
            if (f[1] == "ScaleShift") definition.Attribute("alpha", AttributeKind.Float).Attribute("beta", AttributeKind.Float);
            foreach (string extra in c.All("declare_attribute"))
            {
                string[] a = extra.Split(' ');
                definition.Attribute(a[0], (AttributeKind)Enum.Parse(typeof(AttributeKind), a[1], true));
            }
            switch (f[1])
            {
                case "ScaleShift": return new Operator(definition, ScaleShift);
                case "Fail": return new Operator(definition, context => { throw new InvalidOperationException(HostKernelFailure); });
                default: throw new SpecException("the suite has no host kernel " + f[1]);
            }
        }

        /// <summary>y[i] = alpha * x[i] + beta, rounded to float32 after the product and after the sum.</summary>
        public static void ScaleShift(KernelContext context)
        {
            float alpha = context.AttributeFloat("alpha"), beta = context.AttributeFloat("beta");
            Tensor x = context.Input(0);
            float[] values = x.ToArray<float>();
            for (int i = 0; i < values.Length; i++) values[i] = (float)((float)(alpha * values[i]) + beta);
            context.Output(0, x.Shape).CopyFrom(values);
        }

        /// <summary>Loads the case's model with its libraries, runs it on its input lines, and
        /// returns what <paramref name="check"/> says of the outputs.</summary>
        private string LoadAndRun(SpecCase c, Func<RunOutputs, string> check)
        {
            var inputs = new Dictionary<string, Tensor>();
            try
            {
                using (SessionOptions options = OptionsWithLibraries(c))
                using (Session s = Session.FromFile(spec.PathOf(c.Get("model")), options))
                {
                    foreach (string line in c.All("input"))
                    {
                        string[] f = line.Split(' ');
                        inputs[f[0]] = Tensor.Copy(spec.ReadF32(f[1]), Spec.Shape(f[2]));
                    }
                    using (RunOutputs outputs = s.Run(inputs))
                        return check(outputs);
                }
            }
            finally
            {
                foreach (Tensor t in inputs.Values) t.Dispose();
            }
        }

        private string Profiling(SpecCase c)
        {
            using (var options = new SessionOptions())
            {
                options.EnableProfiling(Path.Combine(Path.GetTempPath(), c.Get("prefix")));
                using (Session s = Session.FromFile(spec.ModelPath, options))
                {
                    string why = CheckExpected(s, c);
                    if (why != null) return why;
                    string file = s.EndProfiling();
                    string compact = new string(File.ReadAllText(file).Where(ch => !char.IsWhiteSpace(ch)).ToArray());
                    File.Delete(file);
                    if (!(compact.StartsWith("[", StringComparison.Ordinal) && compact.EndsWith("]", StringComparison.Ordinal))) return "profile " + file + " is not a JSON array";
                    if (!compact.Contains(c.Get("contains"))) return "profile " + file + " has no " + c.Get("contains");
                    return null;
                }
            }
        }

        /// <summary>classify_0's input on the shared session, with run options holding the case's config entry.</summary>
        private float[] RunWithConfig(SpecCase c)
        {
            using (var options = new RunOptions())
            using (Tensor input = Tensor.Copy(spec.ReadF32(spec.Case("classify_0").Get("input")), ImageShape))
            {
                options.AddConfigEntry(c.Get("key"), c.Get("value"));
                using (RunOutputs outputs = session.Run(Inputs(input), null, options))
                    return outputs[0].ToArray<float>();
            }
        }

        private string DimensionOverride(SpecCase c)
        {
            using (var options = new SessionOptions())
            {
                options.AddFreeDimensionOverride(c.Get("dimension"), long.Parse(c.Get("value"), CultureInfo.InvariantCulture));
                using (Session s = Session.FromFile(spec.ModelPath, options))
                {
                    long[] want = Spec.Shape(c.Get("input_shape"));
                    if (!s.Inputs[0].Shape.SequenceEqual(want)) return "input 0 has shape " + string.Join(",", s.Inputs[0].Shape);
                    string why = CheckExpected(s, c);
                    if (why != null) return why;
                    using (Tensor wrong = Tensor.Zeros(ElementType.Float32, Spec.Shape(c.Get("wrong_shape"))))
                        return ExpectCode(() => s.Run(Inputs(wrong)).Dispose(), c);
                }
            }
        }

        private string CustomOp(SpecCase c)
        {
            return LoadAndRun(c, outputs =>
            {
                List<string> wanted = c.All("output");
                if (outputs.Count != wanted.Count) return outputs.Count + " outputs, the spec names " + wanted.Count;
                for (int i = 0; i < wanted.Count; i++)
                {
                    string[] f = wanted[i].Split(' ');
                    string why = Within(outputs[i].ToArray<float>(), spec.ReadF32(f[1]), c);
                    if (why != null) return "output " + f[0] + ": " + why;
                }
                return null;
            });
        }

        /// <summary>Loads a model of the hostile corpus by path or from its bytes; checks code and time.</summary>
        private string HostileModel(SpecCase c)
        {
            string model = spec.PathOf(c.Get("model")); // an absolute path stays as it is
            byte[] bytes = c.Get("load") == "bytes" ? File.ReadAllBytes(model) : null;
            string countWrong = null;
            Action load = () =>
            {
                using (Session s = bytes != null ? Session.FromBytes(bytes) : Session.FromFile(model))
                {
                    string want = c.Find("custom_count");
                    if (want != null && s.Metadata.Custom.Count.ToString(CultureInfo.InvariantCulture) != want)
                        countWrong = s.Metadata.Custom.Count + " custom metadata entries, expected " + want;
                }
            };
            Stopwatch clock = Stopwatch.StartNew();
            string why;
            if (c.Get("code") == "OK")
            {
                why = null;
                try { load(); }
                catch (OnyxException e) { why = "load: " + e.Message; }
                why = why ?? countWrong;
            }
            else
            {
                why = ExpectCode(load, c);
            }
            double took = clock.Elapsed.TotalSeconds;
            double bound = double.Parse(c.Get("seconds"), CultureInfo.InvariantCulture);
            if (why == null && took > bound)
                why = "the load took " + took.ToString("F2", CultureInfo.InvariantCulture) + " s, more than " + c.Get("seconds") + " s";
            return why;
        }

        // --- asynchronous runs -------------------------------------------------------------

        /// <summary>How long a test waits for a task before calling it lost (the runs take well under a second).</summary>
        private static readonly TimeSpan TaskTimeout = TimeSpan.FromSeconds(120);

        /// <summary>Waits for <paramref name="task"/> and returns its result, or throws what awaiting it
        /// throws (the OnyxException itself, TaskCanceledException), as <c>await</c> would.</summary>
        private static T Await<T>(Task<T> task)
        {
            try
            {
                task.Wait(TaskTimeout);
            }
            catch (AggregateException)
            {
            }
            if (!task.IsCompleted) throw new SpecException("the task did not complete within " + TaskTimeout.TotalSeconds + " s");
            return task.GetAwaiter().GetResult();
        }

        /// <summary>A cancelled run is a Canceled task in C#: the case's code must be CANCELLED, the
        /// one code that idiom stands for (name and number as Onyx has them).</summary>
        private static string ExpectCancelledCode(SpecCase c)
        {
            string[] code = c.Get("code").Split(' ');
            var cancelled = new OnyxException(ErrorCode.Cancelled, "");
            if (code[0] != cancelled.ErrorCodeName || int.Parse(code[1], CultureInfo.InvariantCulture) != (int)ErrorCode.Cancelled)
                return "the case expects " + c.Get("code") + "; a cancelled run is a Canceled task, which is " + cancelled.ErrorCodeName + " " + (int)ErrorCode.Cancelled;
            return null;
        }

        /// <summary>The images as concurrent async runs on the shared session; run <c>cancel</c> is
        /// cancelled (through its token) right after all have started.</summary>
        private string AsyncRuns(SpecCase c)
        {
            string[] files = c.Get("inputs").Split(' '), expected = c.Get("expected").Split(' ');
            int cancel = c.Int("cancel");
            if (files.Length != expected.Length || files.Length < 2) return "the case needs as many inputs as expected outputs, at least 2";
            if (cancel < 0 || cancel >= files.Length) return "cancel " + cancel + " is not one of the runs";
            string why = ExpectCancelledCode(c);
            if (why != null) return why;
            int runs = files.Length;
            var tensors = new Tensor[runs];
            var tokens = new CancellationTokenSource[runs];
            var tasks = new Task<RunOutputs>[runs];
            try
            {
                for (int i = 0; i < runs; i++)
                {
                    tensors[i] = Tensor.Copy(spec.ReadF32(files[i]), ImageShape);
                    tokens[i] = new CancellationTokenSource();
                }
                for (int i = 0; i < runs; i++) tasks[i] = session.RunAsync(Inputs(tensors[i]), null, null, tokens[i].Token);
                tokens[cancel].Cancel();
                for (int i = 0; i < runs && why == null; i++)
                {
                    if (i == cancel)
                    {
                        try
                        {
                            Await(tasks[i]).Dispose();
                            why = "cancel came too late: run " + i + " had already finished";
                        }
                        catch (TaskCanceledException e)
                        {
                            if (!tasks[i].IsCanceled) why = "run " + i + " threw TaskCanceledException but is " + tasks[i].Status;
                            else if (e.CancellationToken != tokens[i].Token) why = "run " + i + ": the TaskCanceledException does not carry the run's token";
                        }
                        catch (Exception e)
                        {
                            why = "run " + i + " failed with " + e.GetType().Name + " '" + e.Message + "', expected a Canceled task (CANCELLED)";
                        }
                        continue;
                    }
                    try
                    {
                        using (RunOutputs outputs = Await(tasks[i]))
                            why = Within(outputs[0].ToArray<float>(), spec.ReadF32(expected[i]), c);
                        if (why != null) why = "run " + i + ": " + why;
                    }
                    catch (Exception e)
                    {
                        why = "run " + i + " failed: " + e.GetType().Name + " " + e.Message;
                    }
                }
            }
            finally
            {
                // Every run is over before its input goes (they hold it anyway).
                foreach (Task<RunOutputs> t in tasks)
                {
                    if (t == null) continue;
                    try { Await(t).Dispose(); }
                    catch (Exception) { }
                }
                foreach (Tensor t in tensors) if (t != null) t.Dispose();
                foreach (CancellationTokenSource t in tokens) if (t != null) t.Dispose();
            }
            return why;
        }

        /// <summary>A new session disposed right after its async run started: the run still completes.</summary>
        private string AsyncClose(SpecCase c)
        {
            Task<RunOutputs> task;
            using (Tensor input = Tensor.Copy(spec.ReadF32(c.Get("input")), ImageShape))
            {
                var s = Session.FromFile(spec.ModelPath);
                try
                {
                    task = s.RunAsync(Inputs(input));
                }
                finally
                {
                    s.Dispose(); // while the run is in flight
                }
            }
            using (RunOutputs outputs = Await(task))
                return Within(outputs[0].ToArray<float>(), spec.ReadF32(c.Get("expected")), c);
        }

        /// <summary>A wrongly shaped input: the call succeeds, the task fails with the code.</summary>
        private string AsyncBadInput(SpecCase c)
        {
            long[] shape = Spec.Shape(c.Get("shape"));
            using (Tensor tensor = Tensor.Zeros(ElementType.Float32, shape))
            {
                Task<RunOutputs> task;
                try
                {
                    task = session.RunAsync(Inputs(tensor));
                }
                catch (Exception e)
                {
                    return "RunAsync threw " + e.GetType().Name + " at the call (the mistake must reach the task): " + e.Message;
                }
                string why = ExpectCode(() => Await(task).Dispose(), c);
                if (why == null && !task.IsFaulted) why = "the task is " + task.Status + ", expected Faulted";
                return why;
            }
        }

        // --- external data -------------------------------------------------------------------

        /// <summary>The model from its path (data beside it), then from its bytes with the data in memory.</summary>
        private string ExternalData(SpecCase c)
        {
            string model = spec.PathOf(c.Get("model"));
            float[] input = spec.ReadF32(c.Get("input"));
            float[] byFile, byMemory;
            using (Session fromFile = Session.FromFile(model))
                byFile = Logits(fromFile, input, ImageShape);
            string why = Within(byFile, spec.ReadF32(c.Get("expected")), c);
            if (why != null) return "from the path: " + why;
            using (var options = new SessionOptions())
            {
                options.AddExternalData(c.Get("data_file"), File.ReadAllBytes(spec.PathOf(c.Get("data"))));
                using (Session fromMemory = Session.FromBytes(File.ReadAllBytes(model), options))
                    byMemory = Logits(fromMemory, input, ImageShape);
            }
            return BitEqual(byFile, byMemory) ? null : "the logits from memory differ from those from the path";
        }

        /// <summary>The case's model, whose external data lies outside its folder, loaded from its path.</summary>
        private Session LoadEscaping(SpecCase c, bool allow)
        {
            using (var options = new SessionOptions())
            {
                if (allow) options.ExternalDataOutsideModelFolder = true;
                return Session.FromFile(spec.PathOf(c.Get("model")), options);
            }
        }

        private string ExternalDataOutside(SpecCase c)
        {
            string[] input = c.Get("input").Split(' '), output = c.Get("output").Split(' ');
            using (Session s = LoadEscaping(c, true))
            using (Tensor x = Tensor.Copy(spec.ReadF32(input[1]), Spec.Shape(input[2])))
            using (RunOutputs outputs = s.Run(new Dictionary<string, Tensor> { { input[0], x } }, new[] { output[0] }))
                return Within(outputs[output[0]].ToArray<float>(), spec.ReadF32(output[1]), c);
        }

        // --- shared weights -----------------------------------------------------------------

        /// <summary><c>sessions</c> sessions on one group: the model's weights held once, the same logits.</summary>
        private string SharedWeightsCase(SpecCase c)
        {
            float[] input = spec.ReadF32(c.Get("input"));
            float[] plain = Logits(session, input, ImageShape);
            int count = int.Parse(c.Get("sessions"), CultureInfo.InvariantCulture);
            long minBytes = long.Parse(c.Get("min_shared_bytes"), CultureInfo.InvariantCulture);
            var sessions = new List<Session>();
            using (var group = new SharedWeights())
            {
                try
                {
                    using (var options = new SessionOptions())
                    {
                        options.SharedWeights = group;
                        for (int i = 0; i < count; i++)
                        {
                            sessions.Add(Session.FromFile(spec.ModelPath, options));
                            float[] got = Logits(sessions[i], input, ImageShape);
                            string why = Within(got, spec.ReadF32(c.Get("expected")), c);
                            if (why != null) return "session " + i + ": " + why;
                            if (!BitEqual(got, plain)) return "session " + i + ": the logits differ from an unshared session's";
                        }
                    }
                    if (group.ModelCount != 1 || group.ByteLength < minBytes)
                        return "the group holds " + group.ModelCount + " models and " + group.ByteLength + " bytes, expected 1 model and at least " + minBytes + " bytes";
                }
                finally
                {
                    foreach (Session s in sessions) s.Dispose();
                }
                return group.ModelCount == 0 ? null : "the group still holds a model after its sessions were disposed";
            }
        }

        // --- log callback -------------------------------------------------------------------

        /// <summary>What the callback saw, counted under its own lock (lines come from any thread).</summary>
        private sealed class LogRecord
        {
            internal int Lines, BelowLevel, Matching;
            internal string First;
        }

        /// <summary>A level field ("VERBOSE 0"): the number, checked against the name of that LogLevel.</summary>
        private static LogLevel LevelOf(SpecCase c, string key)
        {
            string[] field = c.Get(key).Split(' ');
            var level = (LogLevel)int.Parse(field[1], CultureInfo.InvariantCulture);
            if (level.ToString().ToUpperInvariant() != field[0]) throw new SpecException(key + " " + c.Get(key) + " is LogLevel." + level + " here");
            return level;
        }

        private string LogCallbackCase(SpecCase c)
        {
            LogLevel low = LevelOf(c, "level"), high = LevelOf(c, "quiet_level");
            string contains = c.Get("message_contains");
            var record = new LogRecord();
            int loud, below, matching, quiet;
            OnyxRuntime.SetLogCallback((level, category, message) =>
            {
                lock (record)
                {
                    record.Lines++;
                    if (level < low) record.BelowLevel++;
                    if (message.Contains(contains)) record.Matching++;
                    if (record.First == null) record.First = "[" + category + "] " + message;
                }
            });
            try
            {
                OnyxRuntime.SetLogLevel(low);
                Session.FromFile(spec.TinyModelPath).Dispose();
                lock (record)
                {
                    loud = record.Lines;
                    below = record.BelowLevel;
                    matching = record.Matching;
                    record.Lines = 0;
                }
                OnyxRuntime.SetLogLevel(high);
                Session.FromFile(spec.TinyModelPath).Dispose();
                lock (record) quiet = record.Lines;
            }
            finally
            {
                OnyxRuntime.SetLogLevel(LogLevel.Warning);
                OnyxRuntime.SetLogCallback(null);
            }
            if (loud == 0) return "no log line reached the callback at level " + low;
            if (below != 0) return below + " lines below level " + low + " reached the callback";
            if (matching == 0) return "no line contains '" + contains + "' (first line: " + record.First + ")";
            if (quiet != 0) return quiet + " lines reached the callback at level " + high;
            return null;
        }

        private static string ExpectCode(Action action, SpecCase c)
        {
            string[] code = c.Get("code").Split(' ');
            string name = code[0];
            int number = int.Parse(code[1], CultureInfo.InvariantCulture);
            OnyxException error = null;
            try
            {
                action();
            }
            catch (OnyxException e)
            {
                error = e;
            }
            if (error == null) return "succeeded, expected " + name;
            if ((int)error.ErrorCode != number || error.ErrorCodeName != name)
                return "got " + error.ErrorCodeName + " (" + (int)error.ErrorCode + ") '" + error.Message + "', expected " + name + " (" + number + ")";
            foreach (string text in c.All("message_contains"))
                if (!error.Message.Contains(text)) return "message '" + error.Message + "' does not contain '" + text + "'";
            return null;
        }

        private string CheckExpected(Session s, SpecCase c)
        {
            return Within(Logits(s, spec.ReadF32(c.Get("input")), ImageShape), spec.ReadF32(c.Get("expected")), c);
        }

        /// <summary>The follow-up check: the shared session still classifies classify_0.</summary>
        private string StillUsable()
        {
            string why = CheckExpected(session, spec.Case("classify_0"));
            return why == null ? null : "session unusable afterwards: " + why;
        }

        private static Dictionary<string, Tensor> Inputs(Tensor input)
        {
            return new Dictionary<string, Tensor> { { "input", input } };
        }

        private static float[] Logits(Session s, float[] input, long[] shape)
        {
            using (Tensor tensor = Tensor.Copy(input, shape))
            using (RunOutputs outputs = s.Run(Inputs(tensor)))
            {
                return outputs[0].ToArray<float>();
            }
        }

        private static string Within(float[] got, float[] expected, SpecCase c)
        {
            float atol = c.Float("atol"), rtol = c.Float("rtol");
            if (got.Length != expected.Length) return "got " + got.Length + " values, expected " + expected.Length;
            for (int i = 0; i < got.Length; i++)
            {
                if (Math.Abs(got[i] - expected[i]) > atol + rtol * Math.Abs(expected[i]) || float.IsNaN(got[i]))
                    return "value " + i + ": got " + got[i].ToString("R", CultureInfo.InvariantCulture) + ", expected " +
                           expected[i].ToString("R", CultureInfo.InvariantCulture) + " (atol " + atol + ", rtol " + rtol + ")";
            }
            return null;
        }

        private static bool BitEqual(float[] a, float[] b)
        {
            if (a.Length != b.Length) return false;
            for (int i = 0; i < a.Length; i++)
                if (BitConverter.ToInt32(BitConverter.GetBytes(a[i]), 0) != BitConverter.ToInt32(BitConverter.GetBytes(b[i]), 0)) return false;
            return true;
        }

        /// <summary>Indices of the five largest logits, best first.</summary>
        public static int[] Top5(float[] logits)
        {
            int[] order = Enumerable.Range(0, logits.Length).ToArray();
            Array.Sort(order, (x, y) => logits[y].CompareTo(logits[x]));
            return order.Take(5).ToArray();
        }

        private static string Before(string line)
        {
            int space = line.IndexOf(' ');
            return space < 0 ? line : line.Substring(0, space);
        }

        private static string After(string line)
        {
            int space = line.IndexOf(' ');
            return space < 0 ? "" : line.Substring(space + 1);
        }
    }
}
