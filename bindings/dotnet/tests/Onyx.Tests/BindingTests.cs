using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using NUnit.Framework;

namespace Onyx.Tests
{
    /// <summary>What only the .NET binding promises: IDisposable and SafeHandle behaviour,
    /// pinned zero copy, Tasks, CancellationToken, and codes equal to the C ABI's.</summary>
    [TestFixture]
    public class BindingTests
    {
        private static Spec Spec { get { return Spec.Shared; } }

        /// <summary>Live native objects once every unreachable one has been finalised.</summary>
        private static long Live()
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            return OnyxHandle.LiveCount;
        }

        private static float[] Series(int length, float start, float step)
        {
            return Enumerable.Range(0, length).Select(i => start + step * i).ToArray();
        }

        /// <summary>The tiny model's element count per input (its shape comes from the model).</summary>
        private static int TinyLength(Session tiny)
        {
            return (int)tiny.Inputs[0].Shape.Aggregate(1L, (x, y) => x * y);
        }

        private static Dictionary<string, Tensor> TinyInputs(Tensor a, Tensor b)
        {
            return new Dictionary<string, Tensor> { { "a", a }, { "b", b } };
        }

        private static float[] Classify0Batch(int batch)
        {
            float[] one = Spec.ReadF32(Spec.Case("classify_0").Get("input"));
            var input = new float[one.Length * batch];
            for (int i = 0; i < batch; i++) Array.Copy(one, 0, input, i * one.Length, one.Length);
            return input;
        }

        [Test]
        public void UsingFreesEveryNativeObject()
        {
            long before = Live();
            using (var options = new SessionOptions { IntraOpThreads = 1 })
            using (var tiny = new Session(Spec.TinyModelPath, options))
            {
                int n = TinyLength(tiny);
                long[] shape = tiny.Inputs[0].Shape;
                using (Tensor a = Tensor.CopyFrom(Series(n, 0, 1), shape))
                using (Tensor b = Tensor.FromArray(Series(n, 1, 1), shape))
                using (var runOptions = new RunOptions())
                using (RunOutputs outputs = tiny.Run(TinyInputs(a, b), null, runOptions))
                {
                    // options, session, two inputs, run options and one output
                    Assert.That(OnyxHandle.LiveCount - before, Is.EqualTo(6));
                    Assert.That(outputs.Count, Is.EqualTo(1));
                }
            }
            Assert.That(OnyxHandle.LiveCount, Is.EqualTo(before));
        }

        [Test]
        public void FinalizersFreeWhatWasNeverDisposed()
        {
            long before = Live();
            // On a thread of its own, so no stale stack slot (Mono scans stacks conservatively) keeps them reachable.
            var maker = new Thread(MakeGarbage);
            maker.Start();
            maker.Join();
            Assert.That(Live(), Is.EqualTo(before));
        }

        private static void MakeGarbage()
        {
            Tensor.Zeros(ElementType.Float32, 4, 4);
            new RunOptions();
            new SessionOptions();
        }

        [Test]
        public void UseAfterDisposeThrowsAndASecondDisposeDoesNothing()
        {
            var tiny = new Session(Spec.TinyModelPath);
            long[] shape = tiny.Inputs[0].Shape;
            int n = TinyLength(tiny);
            Tensor a = Tensor.CopyFrom(Series(n, 0, 1), shape);
            Tensor b = Tensor.CopyFrom(Series(n, 0, 1), shape);
            RunOutputs outputs = tiny.Run(TinyInputs(a, b));

            outputs.Dispose();
            outputs.Dispose();
            Assert.Throws<ObjectDisposedException>(() => outputs[0].ToArray<float>());

            b.Dispose();
            b.Dispose();
            Assert.Throws<ObjectDisposedException>(() => b.ToArray<float>());
            Assert.Throws<ObjectDisposedException>(() => { var unused = b.DataPointer; });
            Assert.Throws<ObjectDisposedException>(() => { var unused = b.Shape; });
            // A disposed tensor as a run input is refused before it reaches native code.
            Assert.Throws<ObjectDisposedException>(() => tiny.Run(TinyInputs(a, b)));

            tiny.Dispose();
            tiny.Dispose();
            Assert.Throws<ObjectDisposedException>(() => tiny.Run(TinyInputs(a, a)));
            Assert.Throws<ObjectDisposedException>(() => { var unused = tiny.Inputs; });
            a.Dispose();

            var options = new SessionOptions();
            options.Dispose();
            options.Dispose();
            Assert.Throws<ObjectDisposedException>(() => options.IntraOpThreads = 1);
            Assert.Throws<ObjectDisposedException>(() => new Session(Spec.TinyModelPath, options));

            var runOptions = new RunOptions();
            runOptions.Dispose();
            runOptions.Dispose();
            Assert.Throws<ObjectDisposedException>(() => runOptions.Terminate());
        }

        [Test]
        public void ConcurrentRunsFromTasksShareOneSession()
        {
            using (var tiny = new Session(Spec.TinyModelPath))
            {
                long[] shape = tiny.Inputs[0].Shape;
                int n = TinyLength(tiny);
                Task<string>[] tasks = Enumerable.Range(0, 8).Select(t => Task.Run(() =>
                {
                    float[] a = Series(n, t, 1), b = Series(n, 100 * t, 0.5f);
                    using (Tensor ta = Tensor.FromArray(a, shape))
                    using (Tensor tb = Tensor.FromArray(b, shape))
                    {
                        for (int run = 0; run < 200; run++)
                        {
                            using (RunOutputs outputs = tiny.Run(TinyInputs(ta, tb)))
                            {
                                float[] sum = outputs["sum"].ToArray<float>();
                                for (int i = 0; i < n; i++)
                                    if (sum[i] != a[i] + b[i]) return "task " + t + " run " + run + ": sum[" + i + "] = " + sum[i];
                            }
                        }
                    }
                    return null;
                })).ToArray();
                Task.WaitAll(tasks);
                Assert.That(tasks.Select(t => t.Result).Where(r => r != null), Is.Empty);
            }
        }

        [Test]
        public unsafe void ZeroCopyTensorsUseThePinnedArrayInPlace()
        {
            using (var tiny = new Session(Spec.TinyModelPath))
            {
                long[] shape = tiny.Inputs[0].Shape;
                int n = TinyLength(tiny);
                float[] a = Series(n, 1, 1), b = Series(n, 10, 10), sum = new float[n];
                using (Tensor ta = Tensor.FromArray(a, shape))
                using (Tensor tb = Tensor.FromArray(b, shape))
                using (Tensor tsum = Tensor.FromArray(sum, shape))
                {
                    fixed (float* pa = a)
                    fixed (float* psum = sum)
                    {
                        Assert.That(ta.DataPointer, Is.EqualTo((IntPtr)pa));
                        Assert.That(tsum.DataPointer, Is.EqualTo((IntPtr)psum));
                    }
                    // No copy was taken: a change to the array after wrapping reaches the run.
                    a[0] = 1000;
                    tiny.RunInto(TinyInputs(ta, tb), new Dictionary<string, Tensor> { { "sum", tsum } });
                    for (int i = 0; i < n; i++) Assert.That(sum[i], Is.EqualTo(a[i] + b[i]));
                }
            }
        }

        [Test]
        public void NativeMemoryTensorsBorrowThePointer()
        {
            IntPtr memory = Marshal.AllocHGlobal(4 * sizeof(double));
            try
            {
                Marshal.Copy(new[] { 1.5, -2.5, 3.5, 0.0 }, 0, memory, 4);
                using (Tensor t = Tensor.FromNativeMemory(ElementType.Float64, memory, 4 * sizeof(double), 2, 2))
                {
                    Assert.That(t.DataPointer, Is.EqualTo(memory));
                    Assert.That(t.ToArray<double>(), Is.EqualTo(new[] { 1.5, -2.5, 3.5, 0.0 }));
                }
            }
            finally
            {
                Marshal.FreeHGlobal(memory);
            }
        }

        [Test]
        public void TensorsCopyTypedDataInAndOut()
        {
            long[] longs = { 1, -2, long.MaxValue };
            using (Tensor t = Tensor.CopyFrom(longs, 3))
            {
                Assert.That(t.ElementType, Is.EqualTo(ElementType.Int64));
                Assert.That(t.Shape, Is.EqualTo(new long[] { 3 }));
                Assert.That(t.ByteLength, Is.EqualTo(3 * sizeof(long)));
                Assert.That(t.ToArray<long>(), Is.EqualTo(longs));
                var destination = new long[5];
                t.CopyTo(destination, 2);
                Assert.That(destination.Skip(2).ToArray(), Is.EqualTo(longs));
                Assert.Throws<ArgumentException>(() => t.CopyTo(new long[4], 2));
                Assert.Throws<InvalidCastException>(() => t.ToArray<float>());
            }
            bool[] flags = { true, false, true, true };
            using (Tensor t = Tensor.CopyFrom(flags, 2, 2))
            {
                Assert.That(t.ElementType, Is.EqualTo(ElementType.Bool));
                Assert.That(t.ToArray<bool>(), Is.EqualTo(flags));
            }
            using (Tensor t = Tensor.Zeros(ElementType.UInt8, 2, 3))
            {
                Assert.That(t.ToArray<byte>(), Is.EqualTo(new byte[6]));
            }
            ushort[] halves = { 0x3C00, 0xC000 }; // 1.0 and -2.0 as IEEE half bits
            using (Tensor t = Tensor.FromArray(ElementType.Float16, halves, 2))
            {
                Assert.That(t.ElementType, Is.EqualTo(ElementType.Float16));
                Assert.That(t.ToArray<ushort>(), Is.EqualTo(halves));
            }
            Assert.Throws<ArgumentException>(() => Tensor.FromArray(new decimal[1], 1));
            Assert.Throws<ArgumentException>(() => Tensor.CopyFrom(ElementType.Float64, new float[1], 1));
            using (Tensor scalar = Tensor.CopyFrom(new[] { 42 }))
            {
                Assert.That(scalar.Shape, Is.Empty);
                Assert.That(scalar.ToArray<int>(), Is.EqualTo(new[] { 42 }));
            }
        }

        [Test]
        public void CancellationTokenStopsARun()
        {
            using (var session = new Session(Spec.ModelPath))
            using (Tensor input = Tensor.FromArray(Classify0Batch(16), 16, 3, 224, 224))
            {
                var inputs = new Dictionary<string, Tensor> { { "input", input } };
                using (var cts = new CancellationTokenSource())
                {
                    cts.CancelAfter(50);
                    var e = Assert.Throws<OperationCanceledException>(() => session.Run(inputs, cts.Token).Dispose());
                    Assert.That(e.CancellationToken, Is.EqualTo(cts.Token));
                    Assert.That(e.InnerException, Is.InstanceOf<OnyxException>());
                    Assert.That(((OnyxException)e.InnerException).ErrorCode, Is.EqualTo(ErrorCode.Cancelled));
                    // An already cancelled token stops the run before it starts.
                    Assert.Throws<OperationCanceledException>(() => session.Run(inputs, cts.Token).Dispose());
                }
                // A token that is never cancelled lets the run finish, and the session still works.
                using (var cts = new CancellationTokenSource())
                using (Tensor one = Tensor.FromArray(Classify0Batch(1), 1, 3, 224, 224))
                using (RunOutputs outputs = session.Run(new Dictionary<string, Tensor> { { "input", one } }, cts.Token))
                {
                    Assert.That(outputs[0].Shape[0], Is.EqualTo(1));
                }
            }
        }

        [Test]
        public void DisposingASessionWhileAnotherThreadRunsIsSafe()
        {
            long before = Live();
            var session = new Session(Spec.ModelPath);
            using (Tensor input = Tensor.FromArray(Classify0Batch(4), 4, 3, 224, 224))
            {
                var started = new ManualResetEventSlim();
                Task<int> run = Task.Run(() =>
                {
                    started.Set();
                    using (RunOutputs outputs = session.Run(new Dictionary<string, Tensor> { { "input", input } }))
                        return outputs[0].ToArray<float>().Length;
                });
                started.Wait();
                Thread.Sleep(20);
                session.Dispose();
                try
                {
                    // The run holds the session: it finishes normally...
                    Assert.That(run.Result, Is.EqualTo(4 * 1000));
                }
                catch (AggregateException e)
                {
                    // ...unless Dispose won the race, and then the run is refused cleanly.
                    Assert.That(e.InnerException, Is.InstanceOf<ObjectDisposedException>());
                }
            }
            Assert.That(Live(), Is.EqualTo(before));
        }

        [Test]
        public void CodesAndElementTypesAreTheCAbiNumbers()
        {
            string header = File.ReadAllText(Path.Combine(Spec.Dir, "..", "..", "include", "onyx.h"));
            var errors = Regex.Matches(header, @"#define ONYX_ERROR_(\w+) (\d+)").Cast<Match>().ToList();
            Assert.That(errors, Is.Not.Empty);
            foreach (Match m in errors)
            {
                string cName = m.Groups[1].Value;
                string pascal = string.Concat(cName.Split('_').Select(w => w.Substring(0, 1) + w.Substring(1).ToLowerInvariant()));
                var code = (ErrorCode)Enum.Parse(typeof(ErrorCode), pascal);
                Assert.That((int)code, Is.EqualTo(int.Parse(m.Groups[2].Value)), cName);
                Assert.That(new OnyxException(code, "").ErrorCodeName, Is.EqualTo(cName));
            }
            Assert.That(Enum.GetValues(typeof(ErrorCode)).Length, Is.EqualTo(errors.Count));

            var elements = Regex.Matches(header, @"#define ONYX_ELEMENT_(\w+) (\d+)").Cast<Match>().ToList();
            foreach (Match m in elements)
                Assert.That(Enum.IsDefined(typeof(ElementType), int.Parse(m.Groups[2].Value)), m.Groups[1].Value);
            Assert.That(Enum.GetValues(typeof(ElementType)).Length - 1, Is.EqualTo(elements.Count)); // minus Undefined

            string major = Regex.Match(header, @"#define ONYX_ABI_VERSION_MAJOR (\d+)").Groups[1].Value;
            Assert.That(OnyxRuntime.AbiVersion.Major, Is.EqualTo(int.Parse(major)));
        }

        [Test]
        public void StringsCrossAsUtf8()
        {
            // An unknown name comes back inside the error message unchanged.
            using (var tiny = new Session(Spec.TinyModelPath))
            using (Tensor a = Tensor.Zeros(ElementType.Float32, tiny.Inputs[0].Shape))
            {
                string name = "nöpe-名前-✓";
                var inputs = TinyInputs(a, a);
                inputs[name] = a;
                var e = Assert.Throws<OnyxException>(() => tiny.Run(inputs));
                Assert.That(e.ErrorCode, Is.EqualTo(ErrorCode.UnknownInput));
                Assert.That(e.Message, Contains.Substring(name));
                var missing = Assert.Throws<OnyxException>(() => new Session(Path.Combine(Spec.Dir, "fixtures", "nöpe-名前.onnx")));
                Assert.That(missing.ErrorCode, Is.EqualTo(ErrorCode.ModelNotFound));
                Assert.That(missing.Message, Contains.Substring("nöpe-名前.onnx"));
            }
        }
    }
}
