// The .NET path's benchmark, with the same settings as bench/ (the anchors): ResNet18
// batch 1 at intra-op 1 and 2 threads, and the per-call cost on the tiny add16 model,
// warmed up, medians. Prints, and appends to <out>/results.txt,
//   bench csharp <metric> <median> <unit> <ratio to ort direct>
// using <out>/anchors.txt when present. Each figure is measured alternating with the same
// C ABI calls made raw from this process (RawC below), so the binding's own overhead can be
// read off even on a noisy machine. Last, a trivial host kernel (C#) against the same operator
// from a native custom-op library: the per-invocation cost of a C# kernel.
//
//   mono OnyxBench.exe <tests/suite> <build/bench>
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using Onyx;

public static class Bench
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private static double TimeMs(Action body)
    {
        long start = Stopwatch.GetTimestamp();
        body();
        return (Stopwatch.GetTimestamp() - start) * 1000.0 / Stopwatch.Frequency;
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }

    /// <summary><paramref name="iterations"/> timings (ms) of <paramref name="body"/> after warm-up.</summary>
    private static List<double> Times(int warmup, int iterations, Action body)
    {
        for (int i = 0; i < warmup; i++) body();
        var times = new List<double>();
        for (int i = 0; i < iterations; i++) times.Add(TimeMs(body));
        return times;
    }

    /// <summary>Medians of <paramref name="iterations"/> timings (ms) of each body, alternating, after warm-up.</summary>
    private static double[] Interleaved(int warmup, int iterations, Action a, Action b)
    {
        for (int i = 0; i < warmup; i++) { a(); b(); }
        var ta = new List<double>();
        var tb = new List<double>();
        for (int i = 0; i < iterations; i++)
        {
            ta.Add(TimeMs(a));
            tb.Add(TimeMs(b));
        }
        return new[] { Median(ta), Median(tb) };
    }

    public static int Main(string[] args)
    {
        if (args.Length != 2)
        {
            Console.Error.WriteLine("usage: OnyxBench.exe <tests/suite> <build/bench>");
            return 2;
        }
        string suite = args[0], outDir = args[1];
        var anchors = new Dictionary<string, double>();
        string anchorsPath = Path.Combine(outDir, "anchors.txt");
        if (File.Exists(anchorsPath))
            foreach (string line in File.ReadAllLines(anchorsPath))
            {
                string[] kv = line.Split(' ');
                if (kv.Length == 2) anchors[kv[0]] = double.Parse(kv[1], Inv);
            }

        byte[] bytes = File.ReadAllBytes(Path.Combine(suite, "fixtures", "input_0.f32"));
        var pixels = new float[bytes.Length / 4];
        Buffer.BlockCopy(bytes, 0, pixels, 0, bytes.Length);
        string resnet = Path.Combine(suite, "fixtures", "resnet18.onnx"), add16 = Path.Combine(suite, "fixtures", "add16.onnx");
        var results = new List<string>();

        foreach (int threads in new[] { 1, 2 })
        {
            // One session alive at a time: two idle ONNX Runtime thread pools would spin against
            // each other on a small machine. So alternate in blocks of 10 runs, 3 rounds each.
            var cs = new List<double>();
            var c = new List<double>();
            for (int round = 0; round < 3; round++)
            {
                using (var options = new SessionOptions { IntraOpThreads = threads })
                using (var session = Session.FromFile(resnet, options))
                {
                    // What a caller does per image: wrap the pixels (zero copy), run, read the logits.
                    cs.AddRange(Times(3, 10, () =>
                    {
                        using (Tensor input = Tensor.Borrow(pixels, 1, 3, 224, 224))
                        using (RunOutputs outputs = session.Run(new Dictionary<string, Tensor> { { "input", input } }))
                            Marshal.ReadInt32(outputs[0].DataPointer);
                    }));
                }
                using (var raw = new RawC(resnet, threads))
                    c.AddRange(Times(3, 10, () => raw.Run(new[] { "input" }, new[] { pixels }, new long[] { 1, 3, 224, 224 })));
            }
            results.Add(Line("resnet18_b1_intra" + threads + "_ms", Median(cs), Median(c), "ms", anchors));
        }

        using (var options = new SessionOptions { IntraOpThreads = 1 })
        using (var tiny = Session.FromFile(add16, options))
        using (var raw = new RawC(add16, 1))
        {
            const int calls = 2000;
            float[] a = Enumerable.Repeat(1f, 16).ToArray(), b = Enumerable.Repeat(2f, 16).ToArray(), sum = new float[16];
            string[] names = { "a", "b" };
            float[][] data = { a, b };
            long[] shape = { 16 };
            // Like bench/'s C figure: borrow both inputs, let Onyx allocate the output, free all.
            double[] ms = Interleaved(3, 15, () =>
            {
                for (int i = 0; i < calls; i++)
                    using (Tensor ta = Tensor.Borrow(a, 16))
                    using (Tensor tb = Tensor.Borrow(b, 16))
                    using (RunOutputs outputs = tiny.Run(new Dictionary<string, Tensor> { { "a", ta }, { "b", tb } }))
                        Marshal.ReadInt32(outputs[0].DataPointer);
            }, () =>
            {
                for (int i = 0; i < calls; i++) raw.Run(names, data, shape);
            });
            results.Add(Line("add16_call_us", ms[0] * 1000 / calls, ms[1] * 1000 / calls, "us", anchors));

            // The fast path: tensors made once, outputs written into a pinned caller array.
            using (Tensor ta = Tensor.Borrow(a, 16))
            using (Tensor tb = Tensor.Borrow(b, 16))
            using (Tensor tsum = Tensor.Borrow(sum, 16))
            {
                var inputs = new Dictionary<string, Tensor> { { "a", ta }, { "b", tb } };
                var outputs = new Dictionary<string, Tensor> { { "sum", tsum } };
                double[] into = Interleaved(3, 15, () =>
                {
                    for (int i = 0; i < calls; i++) tiny.RunInto(inputs, outputs);
                }, () =>
                {
                    for (int i = 0; i < calls; i++) raw.Run(names, data, shape);
                });
                results.Add(Line("add16_run_into_call_us", into[0] * 1000 / calls, into[1] * 1000 / calls, "us", anchors, "add16_call_us"));
            }
        }

        results.AddRange(HostKernel(suite));

        Directory.CreateDirectory(outDir);
        File.AppendAllLines(Path.Combine(outDir, "results.txt"), results.Select(r => r.Split('|')[0]));
        foreach (string r in results) Console.WriteLine(r.Replace("|", "   "));
        return 0;
    }

    /// <summary>y = alpha * x + beta as the README writes a kernel: read the input into an array, fill the output from one.</summary>
    private static void ScaleShiftArrays(KernelContext context)
    {
        float alpha = context.AttributeFloat("alpha"), beta = context.AttributeFloat("beta");
        Tensor x = context.Input(0);
        float[] values = x.ToArray<float>();
        for (int i = 0; i < values.Length; i++) values[i] = (float)((float)(alpha * values[i]) + beta);
        context.Output(0, x.Shape).CopyFrom(values);
    }

    /// <summary>The same through the tensors' data pointers: no managed array (the trampoline's floor).</summary>
    private static unsafe void ScaleShiftPointers(KernelContext context)
    {
        float alpha = context.AttributeFloat("alpha"), beta = context.AttributeFloat("beta");
        Tensor x = context.Input(0);
        long n = x.ElementCount;
        float* from = (float*)x.DataPointer;
        float* to = (float*)context.Output(0, x.Shape).DataPointer;
        for (long i = 0; i < n; i++) to[i] = (float)((float)(alpha * from[i]) + beta);
    }

    /// <summary>
    /// Per invocation of a trivial kernel: one ScaleShift node on 16 floats (scale_shift_16.onnx),
    /// its kernel in C# (an Operator) vs the same operator from the project's native custom-op
    /// library (libonyx_test_customops.so), in one process, intra-op 1, the same Run call
    /// (input borrowed once, output allocated by Onyx). Medians of 21 interleaved blocks of 500
    /// runs; the difference is what the C# kernel costs over the native one.
    /// </summary>
    private static List<string> HostKernel(string suite)
    {
        var lines = new List<string>();
        string model = Path.Combine(suite, "fixtures", "customops", "scale_shift_16.onnx");
        string library = null;
        foreach (string line in File.ReadLines(Path.Combine(suite, "spec.txt")))
            if (line.StartsWith("custom_op_library_own ", StringComparison.Ordinal))
                library = Path.GetFullPath(Path.Combine(suite, line.Substring("custom_op_library_own ".Length)));
        // make bench-dotnet builds both (fixtures, customops): a missing one fails the bench.
        if (library == null) throw new InvalidOperationException("spec.txt names no custom_op_library_own");
        var definition = new OperatorDefinition("dev.onyx.test", "ScaleShift").Input(ElementType.Float32).Output(ElementType.Float32)
            .Attribute("alpha", AttributeKind.Float).Attribute("beta", AttributeKind.Float);
        float[] x = Enumerable.Range(0, 16).Select(i => i * 0.5f - 4f).ToArray();
        const int calls = 500, blocks = 21;
        using (var arrays = new Operator(definition, ScaleShiftArrays))
        using (var pointers = new Operator(definition, ScaleShiftPointers))
        using (var hostOptions = new SessionOptions { IntraOpThreads = 1 })
        using (var pointerOptions = new SessionOptions { IntraOpThreads = 1 })
        using (var libraryOptions = new SessionOptions { IntraOpThreads = 1 })
        using (Tensor input = Tensor.Borrow(x, 16))
        {
            hostOptions.AddOperator(arrays);
            pointerOptions.AddOperator(pointers);
            libraryOptions.AddCustomOpLibrary(library);
            using (Session host = Session.FromFile(model, hostOptions))
            using (Session hostPointers = Session.FromFile(model, pointerOptions))
            using (Session native = Session.FromFile(model, libraryOptions))
            {
                var inputs = new Dictionary<string, Tensor> { { "x", input } };
                Session[] sessions = { host, hostPointers, native };
                float[][] answers = sessions.Select(s => { using (RunOutputs o = s.Run(inputs)) return o[0].ToArray<float>(); }).ToArray();
                if (!answers[0].SequenceEqual(answers[2]) || !answers[1].SequenceEqual(answers[2]))
                    throw new InvalidOperationException("the C# kernels and the library's disagree");
                var times = sessions.Select(s => new List<double>()).ToArray();
                for (int block = -3; block < blocks; block++)
                    for (int k = 0; k < sessions.Length; k++)
                    {
                        Session session = sessions[k];
                        double ms = TimeMs(() =>
                        {
                            for (int i = 0; i < calls; i++)
                                using (RunOutputs outputs = session.Run(inputs))
                                    Marshal.ReadInt32(outputs[0].DataPointer);
                        });
                        if (block >= 0) times[k].Add(ms * 1000 / calls);
                    }
                double hostUs = Median(times[0]), pointerUs = Median(times[1]), libraryUs = Median(times[2]);
                lines.Add(string.Format(Inv, "bench csharp scale_shift_host_kernel_call_us {0:F4} us -|(the same operator from libonyx_test_customops.so {1:F3} us: {2:+0.000;-0.000} us per invocation)", hostUs, libraryUs, hostUs - libraryUs));
                lines.Add(string.Format(Inv, "bench csharp scale_shift_host_kernel_pointers_call_us {0:F4} us -|(through DataPointer, no arrays: {1:+0.000;-0.000} us per invocation over the library)", pointerUs, pointerUs - libraryUs));
                lines.Add(string.Format(Inv, "bench csharp scale_shift_library_call_us {0:F4} us -|(same process, same Run call)", libraryUs));
                lines.Add(string.Format(Inv, "bench csharp scale_shift_host_minus_library_us {0:F4} us -|(per invocation: C# kernel, arrays)", hostUs - libraryUs));
            }
        }
        return lines;
    }

    /// <summary>"bench csharp metric median unit ratio|(comparisons)"; the ratio is against ort direct.</summary>
    private static string Line(string metric, double value, double rawC, string unit, Dictionary<string, double> anchors, string anchorMetric = null)
    {
        anchorMetric = anchorMetric ?? metric;
        double direct, c;
        bool hasDirect = anchors.TryGetValue("ort_" + anchorMetric, out direct);
        bool hasC = anchors.TryGetValue("c_" + anchorMetric, out c);
        string line = string.Format(Inv, "bench csharp {0} {1:F4} {2} {3}", metric, value, unit, hasDirect ? (value / direct).ToString("F4", Inv) : "-");
        string note = string.Format(Inv, "(raw C ABI from this process {0:F3} {1}: {2:+0.000;-0.000} {1}, x{3:F3}", rawC, unit, value - rawC, value / rawC);
        if (hasDirect) note += string.Format(Inv, "; anchors: ort direct {0:F3} {1}", direct, unit);
        if (hasC) note += string.Format(Inv, ", C ABI {0:F3} {1} ({2:+0.000;-0.000})", c, unit, value - c);
        return line + "|" + note + ")";
    }
}

/// <summary>The C ABI called raw, as bench/'s C figures do it: borrow the inputs, let Onyx
/// allocate the output, free everything. No SafeHandles, no checks: the floor for the binding.</summary>
internal sealed unsafe class RawC : IDisposable
{
    [DllImport("onyx")] private static extern IntPtr onyx_session_options_create(out IntPtr options);
    [DllImport("onyx")] private static extern IntPtr onyx_session_options_set_intra_op_threads(IntPtr options, int threads);
    [DllImport("onyx")] private static extern void onyx_session_options_free(IntPtr options);
    [DllImport("onyx")] private static extern IntPtr onyx_session_create_from_file(byte[] path, IntPtr options, out IntPtr session);
    [DllImport("onyx")] private static extern void onyx_session_free(IntPtr session);
    [DllImport("onyx")] private static extern IntPtr onyx_tensor_create_borrowed(uint type, long* shape, UIntPtr rank, void* data, UIntPtr bytes, out IntPtr tensor);
    [DllImport("onyx")] private static extern void onyx_tensor_free(IntPtr tensor);
    [DllImport("onyx")] private static extern IntPtr onyx_tensor_data(IntPtr tensor);
    [DllImport("onyx")] private static extern IntPtr onyx_session_run(IntPtr session, IntPtr runOptions, IntPtr* names, IntPtr* inputs, UIntPtr count, IntPtr* outputNames, UIntPtr outputCount, IntPtr* outputs);

    private readonly IntPtr session;
    private readonly Dictionary<string, IntPtr> names = new Dictionary<string, IntPtr>();

    public RawC(string model, int threads)
    {
        IntPtr options;
        Ok(onyx_session_options_create(out options));
        Ok(onyx_session_options_set_intra_op_threads(options, threads));
        Ok(onyx_session_create_from_file(System.Text.Encoding.UTF8.GetBytes(model + "\0"), options, out session));
        onyx_session_options_free(options);
    }

    public void Run(string[] inputNames, float[][] data, long[] shape)
    {
        int n = inputNames.Length;
        IntPtr* namePtrs = stackalloc IntPtr[n];
        IntPtr* tensors = stackalloc IntPtr[n];
        for (int i = 0; i < n; i++)
        {
            IntPtr name;
            if (!names.TryGetValue(inputNames[i], out name)) names[inputNames[i]] = name = Marshal.StringToHGlobalAnsi(inputNames[i]);
            namePtrs[i] = name;
            fixed (long* dims = shape)
            fixed (float* p = data[i])
                Ok(onyx_tensor_create_borrowed(1, dims, (UIntPtr)shape.Length, p, (UIntPtr)(data[i].Length * 4), out tensors[i]));
        }
        IntPtr output;
        Ok(onyx_session_run(session, IntPtr.Zero, namePtrs, tensors, (UIntPtr)n, null, (UIntPtr)1, &output));
        Marshal.ReadInt32(onyx_tensor_data(output));
        onyx_tensor_free(output);
        for (int i = 0; i < n; i++) onyx_tensor_free(tensors[i]);
    }

    public void Dispose()
    {
        onyx_session_free(session);
        foreach (IntPtr p in names.Values) Marshal.FreeHGlobal(p);
    }

    private static void Ok(IntPtr status)
    {
        if (status != IntPtr.Zero) throw new InvalidOperationException("C ABI call failed");
    }
}
