// Classifies the suite's three images with ResNet18 through the Onyx NuGet package.
//
//   mono OnyxExample.exe <tests/suite folder>       (make demo-dotnet does it for you)
//   dotnet run -- <tests/suite folder>
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Onyx;

public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length != 1)
        {
            Console.Error.WriteLine("usage: OnyxExample <tests/suite folder>");
            return 2;
        }
        string model = Path.Combine(args[0], "fixtures", "resnet18.onnx");
        using (var session = Session.FromFile(model))
        {
            Console.WriteLine("Onyx C#, ONNX Runtime " + OnyxRuntime.Version + ", model " + model);
            Describe("input", session.Inputs[0]);
            Describe("output", session.Outputs[0]);
            for (int image = 0; image < 3; image++)
            {
                float[] pixels = ReadFloats(Path.Combine(args[0], "fixtures", "input_" + image + ".f32"));
                var watch = Stopwatch.StartNew();
                // Zero copy: the tensor reads the pinned array in place.
                using (Tensor input = Tensor.Borrow(pixels, 1, 3, 224, 224))
                using (RunOutputs outputs = session.Run(new Dictionary<string, Tensor> { { "input", input } }))
                {
                    float[] logits = outputs["logits"].ToArray<float>();
                    double ms = watch.Elapsed.TotalMilliseconds;
                    IEnumerable<int> top5 = Enumerable.Range(0, logits.Length).OrderByDescending(i => logits[i]).Take(5);
                    Console.WriteLine(string.Format("input_{0}: top5 {1} ({2:F1} ms)", image, string.Join(" ", top5), ms));
                }
            }
        }
        return 0;
    }

    private static void Describe(string role, ValueInfo info)
    {
        IEnumerable<string> dims = info.Shape.Select((d, i) => info.DimensionNames[i].Length > 0 ? info.DimensionNames[i] : d.ToString());
        Console.WriteLine("  " + role + " " + info.Name + ": element type " + (int)info.ElementType + ", shape [" + string.Join(",", dims) + "]");
    }

    /// Raw little-endian float32, as the suite's fixtures are stored.
    private static float[] ReadFloats(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        var values = new float[bytes.Length / 4];
        Buffer.BlockCopy(bytes, 0, values, 0, bytes.Length);
        return values;
    }
}
