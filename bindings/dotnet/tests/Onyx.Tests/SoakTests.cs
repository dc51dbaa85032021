using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using NUnit.Framework;

namespace Onyx.Tests
{
    /// <summary>Memory stays flat over many runs, failing runs and session cycles: RSS after a
    /// warm-up and a full GC, against RSS at the end. ONYX_SOAK_SCALE multiplies the counts
    /// (make soak).</summary>
    [TestFixture]
    public class SoakTests
    {
        private const long Bound = 16L << 20;

        private static int Scale
        {
            get
            {
                int scale;
                return int.TryParse(Environment.GetEnvironmentVariable("ONYX_SOAK_SCALE"), out scale) && scale > 0 ? scale : 1;
            }
        }

        private static long Rss()
        {
            for (int i = 0; i < 3; i++)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }
            string[] statm = File.ReadAllText("/proc/self/statm").Trim().Split(' ');
            return long.Parse(statm[1], CultureInfo.InvariantCulture) * 4096;
        }

        private static void Report(string phase, long count, long warm, long end)
        {
            Console.WriteLine("[soak] csharp {0}: {1}, RSS {2:F1} -> {3:F1} MiB (growth {4:+0.00;-0.00} MiB, bound {5} MiB)",
                phase, count, warm / 1048576.0, end / 1048576.0, (end - warm) / 1048576.0, Bound >> 20);
            Assert.That(end - warm, Is.LessThanOrEqualTo(Bound), phase + ": RSS grew");
        }

        [Test]
        public void MemoryStaysFlatOverRunsFailuresAndSessionCycles()
        {
            string tiny = Spec.Shared.TinyModelPath;
            long live = OnyxHandle.LiveCount;
            int runs = 200000 * Scale;
            using (Session session = Session.FromFile(tiny))
            using (Tensor a = Tensor.Copy(new float[16], 16))
            {
                var feeds = new Dictionary<string, Tensor> { { "a", a }, { "b", a } };
                for (int i = 0; i < 20000; i++) session.Run(feeds).Dispose();
                long warm = Rss();
                for (int i = 0; i < runs; i++)
                {
                    using (RunOutputs outputs = session.Run(feeds))
                        if (outputs[0].ElementCount != 16) Assert.Fail("run " + i);
                }
                Report("runs", runs, warm, Rss());

                var bad = new Dictionary<string, Tensor> { { "a", a }, { "nope", a } };
                warm = Rss();
                for (int i = 0; i < runs / 2; i++)
                {
                    try
                    {
                        session.Run(bad).Dispose();
                        Assert.Fail("an unknown input ran");
                    }
                    catch (OnyxException e)
                    {
                        if (e.ErrorCode != ErrorCode.UnknownInput) throw;
                    }
                }
                Report("failing runs", runs / 2, warm, Rss());
            }
            for (int i = 0; i < 50; i++) Session.FromFile(tiny).Dispose();
            long before = Rss();
            int cycles = 2000 * Scale;
            for (int i = 0; i < cycles; i++) Session.FromFile(tiny).Dispose();
            Report("session create/dispose cycles", cycles, before, Rss());
            GC.Collect();
            GC.WaitForPendingFinalizers();
            Assert.That(OnyxHandle.LiveCount, Is.EqualTo(live), "live native objects back where they were");
        }
    }
}
