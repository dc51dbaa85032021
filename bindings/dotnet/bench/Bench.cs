// The .NET path's benchmark, with the same settings as bench/ (the anchors): ResNet18
// batch 1 at intra-op 1 and 2 threads, and the per-call cost on the tiny add16 model,
// warmed up, medians. Prints, and appends to <out>/results.txt,
//   bench csharp <metric> <median> <unit> <ratio to ort direct>
// using <out>/anchors.txt when present.
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

    /// <summary>Median of <paramref name="iterations"/> timings of <paramref name="body"/> in ms, after <paramref name="warmup"/> calls.</summary>
    private static double MedianMs(int warmup, int iterations, Action body)
    {
        for (int i = 0; i < warmup; i++) body();
        var times = new double[iterations];
        for (int i = 0; i < iterations; i++)
        {
            long start = Stopwatch.GetTimestamp();
            body();
            times[i] = (Stopwatch.GetTimestamp() - start) * 1000.0 / Stopwatch.Frequency;
        }
        Array.Sort(times);
        return times[iterations / 2];
    }

    /// <summary>Median per-call time in µs over batches of <paramref name="calls"/> calls (as bench/ does).</summary>
    private static double PerCallUs(int calls, Action body)
    {
        return MedianMs(3, 15, () => { for (int i = 0; i < calls; i++) body(); }) * 1000.0 / calls;
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
        var results = new List<string>();

        foreach (int threads in new[] { 1, 2 })
        {
            using (var options = new SessionOptions { IntraOpThreads = threads })
            using (var session = new Session(Path.Combine(suite, "fixtures", "resnet18.onnx"), options))
            {
                // What a caller does per image: wrap the pixels (zero copy), run, read the logits.
                double ms = MedianMs(3, 30, () =>
                {
                    using (Tensor input = Tensor.FromArray(pixels, 1, 3, 224, 224))
                    using (RunOutputs outputs = session.Run(new Dictionary<string, Tensor> { { "input", input } }))
                        Marshal.ReadInt32(outputs[0].DataPointer);
                });
                results.Add(Line("resnet18_b1_intra" + threads + "_ms", ms, "ms", anchors));
            }
        }

        using (var options = new SessionOptions { IntraOpThreads = 1 })
        using (var tiny = new Session(Path.Combine(suite, "fixtures", "add16.onnx"), options))
        {
            float[] a = Enumerable.Repeat(1f, 16).ToArray(), b = Enumerable.Repeat(2f, 16).ToArray(), sum = new float[16];
            // Like bench/'s C figure: borrow both inputs, let Onyx allocate the output, free all.
            double us = PerCallUs(2000, () =>
            {
                using (Tensor ta = Tensor.FromArray(a, 16))
                using (Tensor tb = Tensor.FromArray(b, 16))
                using (RunOutputs outputs = tiny.Run(new Dictionary<string, Tensor> { { "a", ta }, { "b", tb } }))
                    Marshal.ReadInt32(outputs[0].DataPointer);
            });
            results.Add(Line("add16_call_us", us, "us", anchors));

            // The fast path: tensors made once, outputs written into a pinned caller array.
            using (Tensor ta = Tensor.FromArray(a, 16))
            using (Tensor tb = Tensor.FromArray(b, 16))
            using (Tensor tsum = Tensor.FromArray(sum, 16))
            {
                var inputs = new Dictionary<string, Tensor> { { "a", ta }, { "b", tb } };
                var outputs = new Dictionary<string, Tensor> { { "sum", tsum } };
                double intoUs = PerCallUs(2000, () => tiny.RunInto(inputs, outputs));
                results.Add(Line("add16_run_into_call_us", intoUs, "us", anchors, "add16_call_us"));
            }
        }

        Directory.CreateDirectory(outDir);
        File.AppendAllLines(Path.Combine(outDir, "results.txt"), results.Select(r => r.Split('|')[0]));
        foreach (string r in results) Console.WriteLine(r.Replace("|", "   "));
        return 0;
    }

    /// <summary>"bench csharp metric median unit ratio|(comparison)"; the ratio is against ort direct.</summary>
    private static string Line(string metric, double value, string unit, Dictionary<string, double> anchors, string anchorMetric = null)
    {
        anchorMetric = anchorMetric ?? metric;
        double direct, c;
        bool hasDirect = anchors.TryGetValue("ort_" + anchorMetric, out direct);
        bool hasC = anchors.TryGetValue("c_" + anchorMetric, out c);
        string line = string.Format(Inv, "bench csharp {0} {1:F4} {2} {3}", metric, value, unit, hasDirect ? (value / direct).ToString("F4", Inv) : "-");
        string note = hasDirect
            ? string.Format(Inv, "(ort direct {0:F3} {1}, diff {2:+0.000;-0.000} {1}", direct, unit, value - direct) +
              (hasC ? string.Format(Inv, "; C ABI {0:F3} {1}, diff {2:+0.000;-0.000} {1})", c, unit, value - c) : ")")
            : "(no anchors: run `make bench` for ratios)";
        return line + "|" + note;
    }
}
