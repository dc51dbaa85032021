// Classifies the suite's three images with ResNet18 through the Onyx NuGet package, then
// reads a line of text with the PP-OCRv4 recogniser (the suite's case ocr_hello).
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
        return ReadLine(args[0]);
    }

    /// The OCR case of tests/suite/spec.txt: its model, its rendered line (raw float32) and shape.
    private static int ReadLine(string suite)
    {
        Dictionary<string, string> ocr = SpecCase(Path.Combine(suite, "spec.txt"), "ocr_hello");
        string model = Path.Combine(suite, ocr["model"]);
        if (!File.Exists(model))
        {
            Console.Error.WriteLine("OCR model " + model + " is missing (scripts/fetch-ocr-model.sh fetches it)");
            return 1;
        }
        long[] shape = ocr["shape"].Split(',').Select(long.Parse).ToArray();
        using (var session = Session.FromFile(model))
        using (Tensor image = Tensor.Copy(ReadFloats(Path.Combine(suite, ocr["input"])), shape))
        using (RunOutputs outputs = session.Run(new Dictionary<string, Tensor> { { session.Inputs[0].Name, image } }))
        {
            // Greedy CTC decoding: the likeliest class per step; 0 is the blank, class i is
            // dictionary[i-1] (the model's metadata entry "character"), the last class a space,
            // and a class repeated over steps counts once.
            string character;
            string[] dictionary = session.Metadata.Custom.TryGetValue("character", out character) ? character.Split('\n') : new string[0];
            long[] dims = outputs[0].Shape;
            int classes = (int)dims[dims.Length - 1];
            float[] probabilities = outputs[0].ToArray<float>();
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
            Console.WriteLine("reads: " + text);
        }
        return 0;
    }

    /// The fields of one `case <name>` block of spec.txt (first value of each key).
    private static Dictionary<string, string> SpecCase(string spec, string name)
    {
        var fields = new Dictionary<string, string>();
        bool inCase = false;
        foreach (string line in File.ReadAllLines(spec))
        {
            if (line.StartsWith("#")) continue;
            if (line.Length == 0) { if (inCase) break; continue; }
            int space = line.IndexOf(' ');
            string key = space < 0 ? line : line.Substring(0, space);
            string value = space < 0 ? "" : line.Substring(space + 1);
            if (key == "case") inCase = value == name;
            if (inCase && !fields.ContainsKey(key)) fields[key] = value;
        }
        if (fields.Count == 0) throw new InvalidDataException("no case " + name + " in " + spec);
        return fields;
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
