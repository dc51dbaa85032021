// Classifies the shared suite's three fixture images with ResNet18 through the Onyx
// NuGet package, and checks each top-5 against tests/suite/spec.txt.
//
//   mono OnyxExample.exe [path/to/tests/suite]      (make demo-dotnet does it for you)
//   dotnet run -- [path/to/tests/suite]
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Onyx;

public static class Program
{
    public static int Main(string[] args)
    {
        string suite = args.Length > 0 ? args[0] : Path.Combine("tests", "suite");
        List<Dictionary<string, string>> blocks = ReadSpec(Path.Combine(suite, "spec.txt"));
        string model = Path.Combine(suite, blocks[0]["model"]);

        Console.WriteLine("Onyx C ABI " + OnyxRuntime.AbiVersion + ", ONNX Runtime " + OnyxRuntime.Version + " (" + OnyxRuntime.LibraryPath + ")");
        int mismatches = 0;
        using (var session = new Session(model))
        {
            ValueInfo input = session.Inputs[0], output = session.Outputs[0];
            Console.WriteLine("model " + Path.GetFileName(model) + ": " + input + " -> " + output);
            foreach (Dictionary<string, string> c in blocks.Where(b => b.ContainsKey("kind") && b["kind"] == "classify"))
            {
                float[] pixels = ReadF32(Path.Combine(suite, c["input"]));
                long[] shape = c["shape"].Split(',').Select(long.Parse).ToArray();
                // Zero copy: the tensor reads the pinned array in place.
                using (Tensor image = Tensor.FromArray(pixels, shape))
                using (RunOutputs outputs = session.Run(new Dictionary<string, Tensor> { { input.Name, image } }))
                {
                    float[] logits = outputs[output.Name].ToArray<float>();
                    int[] top5 = Enumerable.Range(0, logits.Length).OrderByDescending(i => logits[i]).Take(5).ToArray();
                    bool ok = string.Join(" ", top5) == c["top5"];
                    if (!ok) mismatches++;
                    Console.WriteLine(string.Format("{0}: top-5 {1} ({2})", Path.GetFileName(c["input"]), string.Join(" ", top5),
                        ok ? "matches spec.txt" : "spec.txt says " + c["top5"]));
                }
            }
        }
        return mismatches == 0 ? 0 : 1;
    }

    // spec.txt: blocks of "key value" lines separated by blank lines, '#' comments.
    private static List<Dictionary<string, string>> ReadSpec(string path)
    {
        var blocks = new List<Dictionary<string, string>> { new Dictionary<string, string>() };
        foreach (string line in File.ReadAllLines(path))
        {
            if (line.StartsWith("#")) continue;
            if (line.Length == 0)
            {
                if (blocks[blocks.Count - 1].Count > 0) blocks.Add(new Dictionary<string, string>());
                continue;
            }
            int space = line.IndexOf(' ');
            string key = space < 0 ? line : line.Substring(0, space);
            if (!blocks[blocks.Count - 1].ContainsKey(key)) blocks[blocks.Count - 1][key] = space < 0 ? "" : line.Substring(space + 1);
        }
        return blocks;
    }

    private static float[] ReadF32(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        var values = new float[bytes.Length / 4];
        Buffer.BlockCopy(bytes, 0, values, 0, bytes.Length);
        return values;
    }
}
