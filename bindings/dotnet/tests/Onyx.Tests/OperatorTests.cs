using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using NUnit.Framework;

namespace Onyx.Tests
{
    /// <summary>Operators with C# kernels: what the shared cases do not check (the exception's type in
    /// the message, codes kept, use after the call, concurrency, lifetime).</summary>
    [TestFixture]
    public class OperatorTests
    {
        private static Spec Spec { get { return Spec.Shared; } }
        private static SpecCase ScaleShiftCase { get { return Spec.Case("host_kernel_scale_shift"); } }

        private static OperatorDefinition ScaleShiftDefinition(string name = "ScaleShift")
        {
            return new OperatorDefinition("dev.onyx.test", name).Input(ElementType.Float32).Output(ElementType.Float32)
                .Attribute("alpha", AttributeKind.Float).Attribute("beta", AttributeKind.Float);
        }

        private static Session SessionWith(Operator op, string model = "fixtures/customops/scale_shift.onnx")
        {
            using (var options = new SessionOptions())
            {
                options.AddOperator(op);
                return Session.FromFile(Spec.PathOf(model), options);
            }
        }

        private static float[] Input { get { return Spec.ReadF32(ScaleShiftCase.Get("input").Split(' ')[1]); } }
        private static float[] Expected { get { return Spec.ReadF32(ScaleShiftCase.Get("output").Split(' ')[1]); } }

        private static float[] Run(Session session)
        {
            using (Tensor x = Tensor.Copy(Input, 2, 3))
            using (RunOutputs outputs = session.Run(new Dictionary<string, Tensor> { { "x", x } }))
                return outputs[0].ToArray<float>();
        }

        [Test]
        public void AnExceptionFailsTheRunWithItsTypeAndMessageAndTheSessionStaysUsable()
        {
            bool fail = true;
            Kernel kernel = context =>
            {
                if (Volatile.Read(ref fail)) throw new InvalidOperationException(SuiteRunner.HostKernelFailure);
                SuiteRunner.ScaleShift(context);
            };
            using (var op = new Operator(ScaleShiftDefinition(), kernel))
            using (Session session = SessionWith(op))
            {
                var e = Assert.Throws<OnyxException>(() => Run(session));
                Assert.That(e.ErrorCode, Is.EqualTo(ErrorCode.KernelFailed));
                Assert.That(e.ErrorCodeName, Is.EqualTo("KERNEL_FAILED"));
                Assert.That(e.Message.Contains("System.InvalidOperationException: host kernel failed on purpose"), Is.True, e.Message);
                Assert.That(e.Message.Contains("dev.onyx.test::ScaleShift"), Is.True, e.Message);
                Volatile.Write(ref fail, false);
                Assert.That(Run(session), Is.EqualTo(Expected));
            }
        }

        private sealed class BadMessageException : Exception
        {
            public override string Message { get { throw new NotSupportedException("no message"); } }
        }

        [Test]
        public void ExceptionsOfEveryKindNeverCrossIntoNativeCode()
        {
            var throwers = new List<KeyValuePair<Action, string>>
            {
                new KeyValuePair<Action, string>(() => { throw new ArgumentException("bad argument"); }, "System.ArgumentException: bad argument"),
                new KeyValuePair<Action, string>(() => { throw new BadMessageException(); }, "Onyx.Tests.OperatorTests+BadMessageException (its message could not be read)"),
                new KeyValuePair<Action, string>(() => { throw new NullReferenceException(); }, "System.NullReferenceException"),
                new KeyValuePair<Action, string>(() => { int[] none = new int[0]; none[1] = 2; }, "System.IndexOutOfRangeException"),
                new KeyValuePair<Action, string>(() => { throw new Exception("with a \0 NUL"); }, "System.Exception: with a   NUL"),
            };
            int which = 0;
            using (var op = new Operator(ScaleShiftDefinition(), context => throwers[Volatile.Read(ref which)].Key()))
            using (Session session = SessionWith(op))
            {
                for (int i = 0; i < throwers.Count; i++)
                {
                    Volatile.Write(ref which, i);
                    var e = Assert.Throws<OnyxException>(() => Run(session));
                    Assert.That(e.ErrorCode, Is.EqualTo(ErrorCode.KernelFailed), throwers[i].Value);
                    Assert.That(e.Message.Contains(throwers[i].Value), Is.True, e.Message);
                }
            }
        }

        [Test]
        public void AnOnyxErrorInsideTheKernelKeepsItsCode()
        {
            var cases = new List<KeyValuePair<Action<KernelContext>, ErrorCode>>
            {
                new KeyValuePair<Action<KernelContext>, ErrorCode>(c => c.Input(1), ErrorCode.IndexOutOfRange),
                new KeyValuePair<Action<KernelContext>, ErrorCode>(c => c.Input(-1), ErrorCode.IndexOutOfRange),
                new KeyValuePair<Action<KernelContext>, ErrorCode>(c => c.Output(3, 2, 3), ErrorCode.IndexOutOfRange),
                new KeyValuePair<Action<KernelContext>, ErrorCode>(c => c.Input(0).ToArray<long>(), ErrorCode.TypeMismatch),
                new KeyValuePair<Action<KernelContext>, ErrorCode>(c => { throw new OnyxException(ErrorCode.ShapeMismatch, "mine"); }, ErrorCode.ShapeMismatch),
            };
            int which = 0;
            using (var op = new Operator(ScaleShiftDefinition(), context => cases[Volatile.Read(ref which)].Key(context)))
            using (Session session = SessionWith(op))
            {
                for (int i = 0; i < cases.Count; i++)
                {
                    Volatile.Write(ref which, i);
                    var e = Assert.Throws<OnyxException>(() => Run(session));
                    Assert.That(e.ErrorCode, Is.EqualTo(cases[i].Value), e.Message);
                }
            }
        }

        [Test]
        public void TheContextGivesCountsAttributesAndReadOnlyInputs()
        {
            int inputs = -1, outputs = -1;
            bool readOnly = false, outputWritable = false;
            string refused = null;
            OnyxException missing = null;
            using (var op = new Operator(ScaleShiftDefinition(), context =>
            {
                inputs = context.InputCount;
                outputs = context.OutputCount;
                readOnly = context.Input(0).IsReadOnly;
                try { context.Input(0).CopyFrom(new float[6]); } catch (InvalidOperationException e) { refused = e.Message; }
                try { context.AttributeInt("alpha"); } catch (OnyxException e) { missing = e; }
                SuiteRunner.ScaleShift(context);
                outputWritable = !context.Output(0, 2, 3).IsReadOnly;
            }))
            using (Session session = SessionWith(op))
            {
                Assert.That(Run(session), Is.EqualTo(Expected));
            }
            Assert.That(inputs, Is.EqualTo(1));
            Assert.That(outputs, Is.EqualTo(1));
            Assert.That(readOnly, Is.True);
            Assert.That(outputWritable, Is.True);
            Assert.That(refused, Is.Not.Null);
            Assert.That(refused.Contains("read-only"), Is.True, refused);
            Assert.That(missing, Is.Not.Null);
        }

        [Test]
        public void TheContextAndItsTensorsThrowObjectDisposedExceptionAfterTheCall()
        {
            KernelContext kept = null;
            Tensor input = null, output = null;
            using (var op = new Operator(ScaleShiftDefinition(), context =>
            {
                SuiteRunner.ScaleShift(context);
                kept = context;
                input = context.Input(0);
                output = context.Output(0, 2, 3);
                output.CopyFrom(Expected);
            }))
            using (Session session = SessionWith(op))
            {
                Assert.That(Run(session), Is.EqualTo(Expected));
            }
            Assert.Throws<ObjectDisposedException>(() => kept.Input(0));
            Assert.Throws<ObjectDisposedException>(() => kept.Output(0, 2, 3));
            Assert.Throws<ObjectDisposedException>(() => { int n = kept.InputCount; });
            Assert.Throws<ObjectDisposedException>(() => kept.AttributeFloat("alpha"));
            Assert.Throws<ObjectDisposedException>(() => input.ToArray<float>());
            Assert.Throws<ObjectDisposedException>(() => { long[] s = input.Shape; });
            Assert.Throws<ObjectDisposedException>(() => { IntPtr p = input.DataPointer; });
            Assert.Throws<ObjectDisposedException>(() => output.CopyFrom(new float[6]));
            Assert.That(input.ToString(), Is.EqualTo("Tensor (disposed)"));
        }

        [Test]
        public void TheKernelRunsOnSeveralThreadsAtOnceSynchronouslyAndAsynchronously()
        {
            int inside = 0, most = 0, calls = 0;
            var threads = new HashSet<int>();
            using (var op = new Operator(ScaleShiftDefinition(), context =>
            {
                int now = Interlocked.Increment(ref inside);
                int seen;
                while (now > (seen = Volatile.Read(ref most)) && Interlocked.CompareExchange(ref most, now, seen) != seen) { }
                lock (threads) threads.Add(Thread.CurrentThread.ManagedThreadId);
                Thread.Sleep(1);
                SuiteRunner.ScaleShift(context);
                Interlocked.Increment(ref calls);
                Interlocked.Decrement(ref inside);
            }))
            using (Session session = SessionWith(op))
            {
                float[] expected = Expected;
                var failures = new List<string>();
                var workers = Enumerable.Range(0, 6).Select(t => new Thread(() =>
                {
                    for (int i = 0; i < 20; i++)
                    {
                        try
                        {
                            if (!Run(session).SequenceEqual(expected)) lock (failures) failures.Add("wrong output");
                        }
                        catch (Exception e)
                        {
                            lock (failures) failures.Add(e.ToString());
                        }
                    }
                })).ToList();
                workers.ForEach(w => w.Start());
                // Meanwhile, asynchronous runs: the kernel on Onyx's worker threads (not .NET's).
                var tensors = Enumerable.Range(0, 16).Select(i => Tensor.Copy(Input, 2, 3)).ToList();
                try
                {
                    var tasks = tensors.Select(x => session.RunAsync(new Dictionary<string, Tensor> { { "x", x } })).ToList();
                    foreach (var task in tasks)
                        using (RunOutputs outputs = task.Result)
                            Assert.That(outputs[0].ToArray<float>(), Is.EqualTo(expected));
                }
                finally
                {
                    tensors.ForEach(x => x.Dispose());
                }
                workers.ForEach(w => w.Join());
                Assert.That(failures, Is.Empty);
                Assert.That(Run(session), Is.EqualTo(expected));
            }
            Assert.That(calls, Is.EqualTo(6 * 20 + 16 + 1));
            Assert.That(most, Is.GreaterThan(1), "never two calls at once");
            Assert.That(threads.Count, Is.GreaterThan(6), "the kernel ran on the 6 callers' threads and on workers");
        }

        private sealed class Marker { }

        /// <summary>The kernel (and what it captures) stays alive for the sessions, and is released
        /// once the operator, the options and the sessions are all gone.</summary>
        [Test]
        public void SessionsKeepTheKernelAliveAndReleaseItAtTheEnd()
        {
            long before = BindingTests.Live();
            WeakReference captured;
            Session session = MakeSessionWithACapturingKernel(out captured);
            GC.Collect();
            GC.WaitForPendingFinalizers();
            Assert.That(captured.IsAlive, Is.True);
            Assert.That(Run(session), Is.EqualTo(Expected));
            session.Dispose();
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            Assert.That(captured.IsAlive, Is.False, "the kernel was not released");
            Assert.That(BindingTests.Live(), Is.EqualTo(before));
        }

        private static Session MakeSessionWithACapturingKernel(out WeakReference captured)
        {
            var marker = new Marker();
            captured = new WeakReference(marker);
            using (var op = new Operator(ScaleShiftDefinition(), context =>
            {
                GC.KeepAlive(marker);
                SuiteRunner.ScaleShift(context);
            }))
            {
                return SessionWith(op); // the operator and the options are disposed here
            }
        }

        [Test]
        public void OnyxChecksTheDefinitionAndTheOptionsRefuseASecondOperatorOfTheSameName()
        {
            Kernel nothing = context => { };
            var e = Assert.Throws<OnyxException>(() => new Operator(new OperatorDefinition("dev.onyx.test", "NoOutput").Input(ElementType.Float32), nothing));
            Assert.That(e.ErrorCode, Is.EqualTo(ErrorCode.InvalidArgument));
            e = Assert.Throws<OnyxException>(() => new Operator(ScaleShiftDefinition().Attribute("alpha", AttributeKind.Int), nothing));
            Assert.That(e.ErrorCode, Is.EqualTo(ErrorCode.InvalidArgument));
            e = Assert.Throws<OnyxException>(() => new Operator(ScaleShiftDefinition().Versions(3, 2), nothing));
            Assert.That(e.ErrorCode, Is.EqualTo(ErrorCode.InvalidArgument));
            e = Assert.Throws<OnyxException>(() => new Operator(new OperatorDefinition("dev.onyx\0test", "X").Output(ElementType.Float32), nothing));
            Assert.That(e.ErrorCode, Is.EqualTo(ErrorCode.InvalidArgument));
            Assert.Throws<ArgumentNullException>(() => new Operator(ScaleShiftDefinition(), null));
            Assert.Throws<ArgumentNullException>(() => new Operator(null, nothing));
            using (var first = new Operator(ScaleShiftDefinition(), nothing))
            using (var second = new Operator(ScaleShiftDefinition(), nothing))
            using (var options = new SessionOptions())
            {
                Assert.That(first.Domain, Is.EqualTo("dev.onyx.test"));
                Assert.That(first.Name, Is.EqualTo("ScaleShift"));
                options.AddOperator(first);
                options.AddOperator(first); // again: nothing
                e = Assert.Throws<OnyxException>(() => options.AddOperator(second));
                Assert.That(e.ErrorCode, Is.EqualTo(ErrorCode.InvalidArgument));
                Assert.Throws<ArgumentNullException>(() => options.AddOperator(null));
                first.Dispose();
                Assert.Throws<ObjectDisposedException>(() => options.AddOperator(first));
            }
        }
    }
}
