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
    /// <summary>What only the .NET binding promises (IDisposable and SafeHandle behaviour,
    /// pinned zero copy, Tasks, CancellationToken), that its tables are the C ABI's, and that
    /// the rules it leaves to core reach .NET with core's codes.</summary>
    [TestFixture]
    public class BindingTests
    {
        private static Spec Spec { get { return Spec.Shared; } }

        /// <summary>Live native objects once every unreachable one has been finalised.</summary>
        internal static long Live()
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            return OnyxHandle.LiveCount;
        }

        internal static float[] Series(int length, float start, float step)
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
            using (var tiny = Session.FromFile(Spec.TinyModelPath, options))
            {
                int n = TinyLength(tiny);
                long[] shape = tiny.Inputs[0].Shape;
                using (Tensor a = Tensor.Copy(Series(n, 0, 1), shape))
                using (Tensor b = Tensor.Borrow(Series(n, 1, 1), shape))
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
            long made = 0;
            var maker = new Thread(() => made = MakeGarbage());
            maker.Start();
            maker.Join();
            Assert.That(made, Is.EqualTo(3), "live native objects while the garbage was reachable");
            Assert.That(Live(), Is.EqualTo(before));
        }

        private static long MakeGarbage()
        {
            long before = OnyxHandle.LiveCount;
            Tensor.Zeros(ElementType.Float32, 4, 4);
            new RunOptions();
            new SessionOptions();
            return OnyxHandle.LiveCount - before;
        }

        [Test]
        public void UseAfterDisposeThrowsAndASecondDisposeDoesNothing()
        {
            var tiny = Session.FromFile(Spec.TinyModelPath);
            long[] shape = tiny.Inputs[0].Shape;
            int n = TinyLength(tiny);
            Tensor a = Tensor.Copy(Series(n, 0, 1), shape);
            Tensor b = Tensor.Copy(Series(n, 0, 1), shape);
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
            Assert.Throws<ObjectDisposedException>(() => Session.FromFile(Spec.TinyModelPath, options));

            var runOptions = new RunOptions();
            runOptions.Dispose();
            runOptions.Dispose();
            Assert.Throws<ObjectDisposedException>(() => runOptions.Terminate());
        }

        [Test]
        public void ConcurrentRunsFromTasksShareOneSession()
        {
            using (var tiny = Session.FromFile(Spec.TinyModelPath))
            {
                long[] shape = tiny.Inputs[0].Shape;
                int n = TinyLength(tiny);
                Task<string>[] tasks = Enumerable.Range(0, 8).Select(t => Task.Run(() =>
                {
                    float[] a = Series(n, t, 1), b = Series(n, 100 * t, 0.5f);
                    using (Tensor ta = Tensor.Borrow(a, shape))
                    using (Tensor tb = Tensor.Borrow(b, shape))
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
            using (var tiny = Session.FromFile(Spec.TinyModelPath))
            {
                long[] shape = tiny.Inputs[0].Shape;
                int n = TinyLength(tiny);
                float[] a = Series(n, 1, 1), b = Series(n, 10, 10), sum = new float[n];
                using (Tensor ta = Tensor.Borrow(a, shape))
                using (Tensor tb = Tensor.Borrow(b, shape))
                using (Tensor tsum = Tensor.Borrow(sum, shape))
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
                using (Tensor t = Tensor.Borrow(ElementType.Float64, memory, 4 * sizeof(double), 2, 2))
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
            using (Tensor t = Tensor.Copy(longs, 3))
            {
                Assert.That(t.ElementType, Is.EqualTo(ElementType.Int64));
                Assert.That(t.Shape, Is.EqualTo(new long[] { 3 }));
                Assert.That(t.ByteLength, Is.EqualTo(3 * sizeof(long)));
                Assert.That(t.ToArray<long>(), Is.EqualTo(longs));
                var destination = new long[5];
                t.CopyTo(destination, 2);
                Assert.That(destination.Skip(2).ToArray(), Is.EqualTo(longs));
                Assert.Throws<ArgumentException>(() => t.CopyTo(new long[4], 2));
                Assert.That(Assert.Throws<OnyxException>(() => t.ToArray<float>()).ErrorCode, Is.EqualTo(ErrorCode.TypeMismatch));
            }
            bool[] flags = { true, false, true, true };
            using (Tensor t = Tensor.Copy(flags, 2, 2))
            {
                Assert.That(t.ElementType, Is.EqualTo(ElementType.Bool));
                Assert.That(t.ToArray<bool>(), Is.EqualTo(flags));
            }
            using (Tensor t = Tensor.Zeros(ElementType.UInt8, 2, 3))
            {
                Assert.That(t.ToArray<byte>(), Is.EqualTo(new byte[6]));
            }
            ushort[] halves = { 0x3C00, 0xC000 }; // 1.0 and -2.0 as IEEE half bits
            using (Tensor t = Tensor.Borrow(ElementType.Float16, halves, 2))
            {
                Assert.That(t.ElementType, Is.EqualTo(ElementType.Float16));
                Assert.That(t.ToArray<ushort>(), Is.EqualTo(halves));
            }
            // Which .NET array holds which element type is the binding's rule: misuse, ArgumentException.
            Assert.Throws<ArgumentException>(() => Tensor.Borrow(new decimal[1], 1));
            Assert.Throws<ArgumentException>(() => Tensor.Copy(ElementType.Float64, new float[1], 1));
            Assert.Throws<ArgumentNullException>(() => Tensor.Copy((float[])null, 1));
            // A length that does not fit the shape is core's rule.
            Assert.That(Assert.Throws<OnyxException>(() => Tensor.Copy(new float[3], 2, 2)).ErrorCode, Is.EqualTo(ErrorCode.BufferSizeMismatch));
            using (Tensor scalar = Tensor.Copy(new[] { 42 }))
            {
                Assert.That(scalar.Shape, Is.Empty);
                Assert.That(scalar.ToArray<int>(), Is.EqualTo(new[] { 42 }));
            }
        }

        [Test]
        public void CancellationTokenStopsARun()
        {
            using (var session = Session.FromFile(Spec.ModelPath))
            using (Tensor input = Tensor.Borrow(Classify0Batch(16), 16, 3, 224, 224))
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
                using (Tensor one = Tensor.Borrow(Classify0Batch(1), 1, 3, 224, 224))
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
            var session = Session.FromFile(Spec.ModelPath);
            using (Tensor input = Tensor.Borrow(Classify0Batch(4), 4, 3, 224, 224))
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
        public void DisposeRefusesNewRunsAtOnceWhileOtherRunsOverlap()
        {
            long before = Live();
            var session = Session.FromFile(Spec.TinyModelPath);
            var a = Tensor.Copy(Series(16, 1, 0), 16);
            var stop = new ManualResetEventSlim();
            long afterDispose = 0, refused = 0;
            var disposedAt = new DateTime[1];
            var disposed = new ManualResetEventSlim();
            Task[] runners = Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
            {
                while (!stop.IsSet)
                {
                    bool wasDisposed = disposed.IsSet;
                    try
                    {
                        session.Run(TinyInputs(a, a)).Dispose();
                        if (wasDisposed) Interlocked.Increment(ref afterDispose);
                    }
                    catch (ObjectDisposedException)
                    {
                        Interlocked.Increment(ref refused);
                        return;
                    }
                }
            })).ToArray();
            Thread.Sleep(100);
            session.Dispose();
            disposed.Set();
            bool allRefused = Task.WaitAll(runners, 2000);
            stop.Set();
            Task.WaitAll(runners);
            a.Dispose();
            Assert.That(allRefused, Is.True, "runners still running 2 s after Dispose");
            Assert.That(afterDispose, Is.EqualTo(0), "runs that started after Dispose returned and succeeded");
            Assert.That(refused, Is.EqualTo(8));
            Assert.That(Live(), Is.EqualTo(before), "every native object freed");
        }

        [Test]
        public void AStringWithANulIsInvalidArgumentFromCore()
        {
            using (Session tiny = Session.FromFile(Spec.TinyModelPath))
            using (Tensor a = Tensor.Copy(Series(16, 1, 0), 16))
            {
                var e = Assert.Throws<OnyxException>(() => tiny.Run(new Dictionary<string, Tensor> { { "a", a }, { "b\0junk", a } }).Dispose());
                Assert.That(e.ErrorCode, Is.EqualTo(ErrorCode.InvalidArgument));
                Assert.That(e.Message, Contains.Substring("input name 'b\\0junk' holds a NUL character at byte 1"));
                e = Assert.Throws<OnyxException>(() => Session.FromFile(Spec.TinyModelPath + "\0.ignored").Dispose());
                Assert.That(e.ErrorCode, Is.EqualTo(ErrorCode.InvalidArgument));
                Assert.That(e.Message, Contains.Substring("model path"));
                using (var options = new SessionOptions())
                {
                    e = Assert.Throws<OnyxException>(() => options.AddConfigEntry("session.x\0y", "1"));
                    Assert.That(e.ErrorCode, Is.EqualTo(ErrorCode.InvalidArgument));
                }
                using (var run = new RunOptions())
                {
                    e = Assert.Throws<OnyxException>(() => run.Tag = "tag\0more");
                    Assert.That(e.ErrorCode, Is.EqualTo(ErrorCode.InvalidArgument));
                }
            }
        }

        private static string Header()
        {
            return File.ReadAllText(Path.Combine(Spec.Dir, "..", "..", "include", "onyx.h"));
        }

        /// <summary>Every <c>#define PREFIX_NAME number</c> of the header is a member of
        /// <paramref name="enumType"/> with that number and that name (case and underscores aside),
        /// and the enum has no other members (but <paramref name="extra"/>). Returns the defines.</summary>
        private static List<KeyValuePair<string, int>> CheckAgainstHeader(Type enumType, string prefix, params string[] extra)
        {
            var defines = Regex.Matches(Header(), @"#define " + prefix + @"(\w+) (\d+)\b").Cast<Match>()
                .Select(m => new KeyValuePair<string, int>(m.Groups[1].Value, int.Parse(m.Groups[2].Value))).ToList();
            Assert.That(defines, Is.Not.Empty, prefix);
            foreach (var define in defines)
            {
                string name = Enum.GetNames(enumType).FirstOrDefault(n => n.ToUpperInvariant() == define.Key.Replace("_", ""));
                Assert.That(name, Is.Not.Null, enumType.Name + " has no member for " + prefix + define.Key);
                Assert.That(Convert.ToInt32(Enum.Parse(enumType, name)), Is.EqualTo(define.Value), prefix + define.Key);
            }
            Assert.That(Enum.GetNames(enumType).Except(extra).Count(), Is.EqualTo(defines.Count), enumType.Name + " members besides " + string.Join(",", extra));
            return defines;
        }

        [Test]
        public void ErrorCodesMatchTheHeaderAndTheLibrary()
        {
            foreach (var define in CheckAgainstHeader(typeof(ErrorCode), "ONYX_ERROR_"))
                Assert.That(new OnyxException((ErrorCode)define.Value, "").ErrorCodeName, Is.EqualTo(define.Key));
            int past = Enum.GetValues(typeof(ErrorCode)).Cast<int>().Max() + 1;
            Assert.That(new OnyxException((ErrorCode)past, "").ErrorCodeName, Is.EqualTo("UNKNOWN"));
        }

        [Test]
        public void ElementTypesMatchTheHeaderAndTheLibraryInNumberNameAndSize()
        {
            foreach (var define in CheckAgainstHeader(typeof(ElementType), "ONYX_ELEMENT_", "Undefined"))
            {
                var type = (ElementType)define.Value;
                uint number = (uint)define.Value;
                Assert.That(Utf8.FromNative(Native.onyx_element_type_name(number)), Is.Not.EqualTo("unknown"), define.Key);
                Type clr = ElementTypes.ClrType(type);
                Assert.That(clr, Is.Not.Null, define.Key);
                int coreSize = (int)(ulong)Native.onyx_element_type_size(number);
                if (ElementTypes.IsRawBytes(type))
                {
                    // float8, 4-bit and 2-bit types travel as raw bytes in byte arrays: 1 byte, or
                    // 0 (sub-byte, packed) as core sizes them.
                    Assert.That(clr, Is.EqualTo(typeof(byte)), define.Key);
                    Assert.That(coreSize, Is.EqualTo(1).Or.EqualTo(0), define.Key);
                    continue;
                }
                Assert.That(ElementTypes.Of(clr), Is.EqualTo(type), define.Key);
                if (type == ElementType.String)
                {
                    // .NET strings, copied in and out: core holds no raw data for them.
                    Assert.That(clr, Is.EqualTo(typeof(string)));
                    Assert.That(coreSize, Is.EqualTo(0));
                    continue;
                }
                // The .NET type that holds the element is exactly as large as core's element.
                Assert.That(ElementTypes.ManagedSize(clr), Is.EqualTo(coreSize), define.Key);
            }
            Assert.That((ulong)Native.onyx_element_type_size(0), Is.EqualTo(0));
            Assert.That(Utf8.FromNative(Native.onyx_element_type_name(0)), Is.EqualTo("unknown"));
            Assert.That(Utf8.FromNative(Native.onyx_element_type_name((uint)ElementType.Float32)), Is.EqualTo("float"));
            Assert.That(Utf8.FromNative(Native.onyx_element_type_name((uint)ElementType.Int64)), Is.EqualTo("int64"));
        }

        [Test]
        public void KindsAndLevelsMatchTheHeader()
        {
            CheckAgainstHeader(typeof(ValueKind), "ONYX_VALUE_KIND_", "Unknown");
            CheckAgainstHeader(typeof(LogLevel), "ONYX_LOG_");
            CheckAgainstHeader(typeof(OptimizationLevel), "ONYX_OPTIMIZATION_");
            CheckAgainstHeader(typeof(AttributeKind), "ONYX_ATTRIBUTE_");
            string major = Regex.Match(Header(), @"#define ONYX_ABI_VERSION_MAJOR (\d+)").Groups[1].Value;
            Assert.That(Library.AbiMajor, Is.EqualTo(uint.Parse(major)));
            Assert.That(OnyxRuntime.AbiVersion.Major, Is.EqualTo(int.Parse(major)));
        }

        [Test]
        public void TheAbiCheckRefusesAnotherMajorWithAbiMismatch()
        {
            Library.CheckAbiVersion(Library.AbiMajor << 16);
            Library.CheckAbiVersion((Library.AbiMajor << 16) | 7); // a newer minor is fine
            foreach (uint major in new uint[] { 0, 2, 65535 })
            {
                var e = Assert.Throws<OnyxException>(() => Library.CheckAbiVersion(major << 16));
                Assert.That(e.ErrorCode, Is.EqualTo(ErrorCode.AbiMismatch));
                Assert.That(e.ErrorCodeName, Is.EqualTo("ABI_MISMATCH"));
                Assert.That(e.Message, Contains.Substring("major " + major));
            }
        }

        [Test]
        public void ReadingAnotherElementTypeIsTypeMismatchFromCore()
        {
            using (Tensor t = Tensor.Copy(new[] { 1.5f, 2.5f }, 2))
            {
                var e = Assert.Throws<OnyxException>(() => t.ToArray<long>());
                Assert.That(e.ErrorCode, Is.EqualTo(ErrorCode.TypeMismatch));
                Assert.That(e.Message, Contains.Substring("float"));
                Assert.That(e.Message, Contains.Substring("int64"));
                Assert.That(Assert.Throws<OnyxException>(() => t.CopyTo(new int[2])).ErrorCode, Is.EqualTo(ErrorCode.TypeMismatch));
                // ushort reads float16 and bfloat16 bits, not another 2-byte type's.
                Assert.That(Assert.Throws<OnyxException>(() => t.ToArray<ushort>()).ErrorCode, Is.EqualTo(ErrorCode.TypeMismatch));
            }
            using (Tensor t = Tensor.Zeros(ElementType.Int16, 2))
                Assert.That(Assert.Throws<OnyxException>(() => t.ToArray<Float16>()).ErrorCode, Is.EqualTo(ErrorCode.TypeMismatch));
        }

        [Test]
        public void AnOutputThatIsAnInputIsInvalidArgumentFromCore()
        {
            using (var tiny = Session.FromFile(Spec.TinyModelPath))
            using (Tensor a = Tensor.Zeros(ElementType.Float32, tiny.Inputs[0].Shape))
            using (Tensor b = Tensor.Zeros(ElementType.Float32, tiny.Inputs[0].Shape))
            {
                var e = Assert.Throws<OnyxException>(() => tiny.RunInto(TinyInputs(a, b), new Dictionary<string, Tensor> { { "sum", b } }));
                Assert.That(e.ErrorCode, Is.EqualTo(ErrorCode.InvalidArgument));
                Assert.That(e.Message, Contains.Substring("also used"));
            }
        }

        [Test]
        public void NegativeThreadCountsAreInvalidArgumentFromCore()
        {
            using (var options = new SessionOptions())
            {
                var intra = Assert.Throws<OnyxException>(() => options.IntraOpThreads = -1);
                Assert.That(intra.ErrorCode, Is.EqualTo(ErrorCode.InvalidArgument));
                Assert.That(intra.Message, Contains.Substring("intra_op_threads"));
                Assert.That(intra.Message, Contains.Substring("-1"));
                var inter = Assert.Throws<OnyxException>(() => options.InterOpThreads = -3);
                Assert.That(inter.ErrorCode, Is.EqualTo(ErrorCode.InvalidArgument));
                Assert.That(inter.Message, Contains.Substring("inter_op_threads"));
                Assert.That(options.IntraOpThreads, Is.EqualTo(0), "a refused count is not kept");
                options.IntraOpThreads = 2;
                Assert.That(options.IntraOpThreads, Is.EqualTo(2));
            }
        }

        [Test]
        public void AnIndexPastTheEndIsIndexOutOfRangeFromCore()
        {
            using (var tiny = Session.FromFile(Spec.TinyModelPath))
            {
                Assert.That(tiny.Input(1), Is.SameAs(tiny.Inputs[1]));
                Assert.That(tiny.Output(0).Name, Is.EqualTo("sum"));
                foreach (int index in new[] { 2, -1, int.MaxValue })
                {
                    var e = Assert.Throws<OnyxException>(() => tiny.Input(index));
                    Assert.That(e.ErrorCode, Is.EqualTo(ErrorCode.IndexOutOfRange), "input " + index);
                }
                var output = Assert.Throws<OnyxException>(() => tiny.Output(1));
                Assert.That(output.ErrorCode, Is.EqualTo(ErrorCode.IndexOutOfRange));
                Assert.That(output.Message, Contains.Substring("index 1"));
            }
        }

        [Test]
        public void ValueKindsTagsCountsAndLengthsAreReadFromCore()
        {
            using (var tiny = Session.FromFile(Spec.TinyModelPath))
            using (var runOptions = new RunOptions())
            {
                Assert.That(tiny.Inputs.Select(i => i.Kind), Is.All.EqualTo(ValueKind.Tensor));
                Assert.That(tiny.Outputs[0].Kind, Is.EqualTo(ValueKind.Tensor));
                Assert.That(runOptions.Tag, Is.EqualTo(""));
                runOptions.Tag = "tag-名前";
                Assert.That(runOptions.Tag, Is.EqualTo("tag-名前"));
                using (Tensor a = Tensor.Zeros(ElementType.Float32, tiny.Inputs[0].Shape))
                using (RunOutputs outputs = tiny.Run(TinyInputs(a, a), null, runOptions))
                {
                    Assert.That(outputs[0].ElementCount, Is.EqualTo(TinyLength(tiny)));
                    Assert.That(outputs[0].ByteLength, Is.EqualTo(TinyLength(tiny) * sizeof(float)));
                }
            }
            using (Tensor empty = Tensor.Zeros(ElementType.Float64, 3, 0))
            {
                Assert.That(empty.ElementCount, Is.EqualTo(0));
                Assert.That(empty.ByteLength, Is.EqualTo(0));
                Assert.That(empty.ToArray<double>(), Is.Empty);
            }
        }

        [Test]
        public void HalfFloatsConvertThroughCore()
        {
            Assert.That(new BFloat16(1.0f).Bits, Is.EqualTo(0x3F80));
            Assert.That(new Float16(1.0f).Bits, Is.EqualTo(0x3C00));
            Assert.That(new Float16(-2.0f).Bits, Is.EqualTo(0xC000));
            // Ties to even: 1 + 2^-8 lies halfway between two bfloat16 values; the even one is 1.
            Assert.That(new BFloat16(1.00390625f).Bits, Is.EqualTo(0x3F80));
            Assert.That(new BFloat16(1.01171875f).Bits, Is.EqualTo(0x3F82));
            Assert.That(new Float16(70000f).Bits, Is.EqualTo(0x7C00));
            Assert.That(float.IsNaN(new BFloat16(float.NaN).ToFloat32()), Is.True);
            Assert.That(float.IsNaN(new Float16(float.NaN).ToFloat32()), Is.True);
            Assert.That(Float16.FromBits(0x3555).ToFloat32(), Is.EqualTo(0.333251953125f));
            Assert.That(BFloat16.FromBits(0xC0A0).ToFloat32(), Is.EqualTo(-5.0f));
            Assert.That(new BFloat16(3.0f), Is.EqualTo(BFloat16.FromBits(0x4040)));
            Assert.That(new Float16(0.0f), Is.Not.EqualTo(new Float16(-0.0f)));
        }

        [Test]
        public void HalfFloatTensorsHoldTheirStructsOrTheirBits()
        {
            Float16[] halves = { new Float16(1.0f), new Float16(-2.0f) };
            using (Tensor t = Tensor.Copy(halves, 2))
            {
                Assert.That(t.ElementType, Is.EqualTo(ElementType.Float16));
                Assert.That(t.ByteLength, Is.EqualTo(4));
                Assert.That(t.ToArray<Float16>(), Is.EqualTo(halves));
                Assert.That(t.ToArray<ushort>(), Is.EqualTo(new ushort[] { 0x3C00, 0xC000 }));
            }
            ushort[] bits = { 0x3F80, 0xC0A0 };
            using (Tensor t = Tensor.Borrow(ElementType.BFloat16, bits, 2))
            {
                Assert.That(t.ElementType, Is.EqualTo(ElementType.BFloat16));
                Assert.That(t.ToArray<BFloat16>().Select(b => b.ToFloat32()), Is.EqualTo(new[] { 1.0f, -5.0f }));
            }
        }

        [Test]
        public void CopyTakesACopyAndBorrowDoesNot()
        {
            float[] data = { 1, 2, 3, 4 };
            using (Tensor copy = Tensor.Copy(data, 2, 2))
            using (Tensor borrowed = Tensor.Borrow(data, 2, 2))
            {
                data[0] = 100;
                Assert.That(copy.ToArray<float>(), Is.EqualTo(new float[] { 1, 2, 3, 4 }));
                Assert.That(borrowed.ToArray<float>(), Is.EqualTo(new float[] { 100, 2, 3, 4 }));
                Assert.That(copy.DataPointer, Is.Not.EqualTo(borrowed.DataPointer));
            }
        }

        [Test]
        public void Utf8NamesAndPathsComeBackUnchangedInErrors()
        {
            // An unknown name comes back inside the error message unchanged.
            using (var tiny = Session.FromFile(Spec.TinyModelPath))
            using (Tensor a = Tensor.Zeros(ElementType.Float32, tiny.Inputs[0].Shape))
            {
                string name = "nöpe-名前-✓";
                var inputs = TinyInputs(a, a);
                inputs[name] = a;
                var e = Assert.Throws<OnyxException>(() => tiny.Run(inputs));
                Assert.That(e.ErrorCode, Is.EqualTo(ErrorCode.UnknownInput));
                Assert.That(e.Message, Contains.Substring(name));
                var missing = Assert.Throws<OnyxException>(() => Session.FromFile(Path.Combine(Spec.Dir, "fixtures", "nöpe-名前.onnx")));
                Assert.That(missing.ErrorCode, Is.EqualTo(ErrorCode.ModelNotFound));
                Assert.That(missing.Message, Contains.Substring("nöpe-名前.onnx"));
            }
        }
    }
}
