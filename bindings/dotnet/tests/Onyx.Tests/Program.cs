using System;

namespace Onyx.Tests
{
    /// <summary>
    /// The test assembly's entry point: `conformance` runs ONNX's backend test suite (make
    /// conformance-csharp, one process for every case); otherwise it is the child process of the
    /// suite's runtime_path_missing case (ONNX Runtime loads once per process): it loads ONNX Runtime
    /// from $ONYX_SUITE_LOAD_RUNTIME_FROM and prints "0 loaded" or "code message".
    /// </summary>
    public static class Program
    {
        public static int Main(string[] args)
        {
            if (args.Length == 1 && args[0] == "conformance") return Conformance.Sweep(Console.Out);
            string path = Environment.GetEnvironmentVariable(SuiteRunner.ChildEnv);
            if (string.IsNullOrEmpty(path))
            {
                Console.Error.WriteLine("Onyx.Tests is an NUnit test assembly; run it with nunit-console or dotnet test.");
                return 2;
            }
            try
            {
                OnyxRuntime.Init(path);
                Console.WriteLine("0 loaded");
            }
            catch (OnyxException e)
            {
                Console.WriteLine((int)e.ErrorCode + " " + e.Message.Replace('\n', ' '));
            }
            return 0;
        }
    }
}
