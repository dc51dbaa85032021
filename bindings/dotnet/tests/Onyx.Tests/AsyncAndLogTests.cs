using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using NUnit.Framework;

namespace Onyx.Tests
{
    /// <summary>What only .NET promises about RunAsync (Tasks, CancellationToken, continuations off
    /// Onyx's workers, references held for the run), the log callback (any thread, exceptions
    /// swallowed, never called once replaced) and the external-data options.</summary>
    [TestFixture]
    public class AsyncAndLogTests
    {
        private static Spec Spec { get { return Spec.Shared; } }
        private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

        private static long Live() { return BindingTests.Live(); }

        private static float[] Series(int length, float start, float step) { return BindingTests.Series(length, start, step); }

        private static Dictionary<string, Tensor> TinyInputs(Tensor a, Tensor b)
        {
            return new Dictionary<string, Tensor> { { "a", a }, { "b", b } };
        }

        /// <summary>Waits for the task to end, whatever its outcome.</summary>
        private static void Settle(Task task)
        {
            try
            {
                task.Wait(Timeout);
            }
            catch (AggregateException)
            {
            }
            Assert.That(task.IsCompleted, Is.True, "the task did not complete");
        }

        [Test]
        public void RunAsyncHoldsItsSessionAndBorrowedInputAndContinuesOffOnyxsWorkers()
        {
            SpecCase classify = Spec.Case("classify_0");
            long before = Live();
            var session = Session.FromFile(Spec.ModelPath);
            float[] pixels = Spec.ReadF32(classify.Get("input"));
            var image = Tensor.Borrow(pixels, Spec.Shape(classify.Get("shape")));
            Task<RunOutputs> task = session.RunAsync(new Dictionary<string, Tensor> { { "input", image } });
            // Both may go at once: the run holds the session and the pinned array.
            image.Dispose();
            session.Dispose();
            // ExecuteSynchronously would run the continuation on the thread completing the task; the
            // task completes it asynchronously instead, on the pool (or inline here, were the run
            // already over), never on an Onyx worker.
            int caller = Thread.CurrentThread.ManagedThreadId;
            Task<bool> offWorkers = task.ContinueWith(t => Thread.CurrentThread.IsThreadPoolThread || Thread.CurrentThread.ManagedThreadId == caller,
                                                      TaskContinuationOptions.ExecuteSynchronously);
            using (RunOutputs outputs = task.Result)
            {
                float[] logits = outputs["logits"].ToArray<float>();
                float[] expected = Spec.ReadF32(classify.Get("expected"));
                float atol = classify.Float("atol"), rtol = classify.Float("rtol");
                Assert.That(logits.Length, Is.EqualTo(expected.Length));
                for (int i = 0; i < logits.Length; i++)
                    Assert.That(Math.Abs(logits[i] - expected[i]), Is.LessThanOrEqualTo(atol + rtol * Math.Abs(expected[i])), "logit " + i);
            }
            Assert.That(offWorkers.Result, Is.True, "a continuation ran on an Onyx worker thread");
            Assert.That(Live(), Is.EqualTo(before), "every native object freed once the run and its outputs are gone");
        }

        [Test]
        public void ATokenCancelledBeforeTheCallGivesACanceledTaskAndReleasesTheInputs()
        {
            long before = Live();
            using (var tiny = Session.FromFile(Spec.TinyModelPath))
            using (Tensor a = Tensor.Copy(Series(16, 1, 1), tiny.Inputs[0].Shape))
            using (var cts = new CancellationTokenSource())
            {
                cts.Cancel();
                Task<RunOutputs> task = tiny.RunAsync(TinyInputs(a, a), null, null, cts.Token); // no throw at the call
                Settle(task);
                Assert.That(task.Status, Is.EqualTo(TaskStatus.Canceled));
                var e = Assert.Throws<TaskCanceledException>(() => task.GetAwaiter().GetResult());
                Assert.That(e.CancellationToken, Is.EqualTo(cts.Token));
                // A token never cancelled lets the next run finish.
                using (var live = new CancellationTokenSource())
                using (RunOutputs outputs = tiny.RunAsync(TinyInputs(a, a), null, null, live.Token).Result)
                    Assert.That(outputs[0].ToArray<float>(), Is.EqualTo(Series(16, 2, 2)));
            }
            Assert.That(Live(), Is.EqualTo(before));
        }

        [Test]
        public void TerminatedRunOptionsCancelTheTaskAndMistakesFailItNotTheCall()
        {
            using (var tiny = Session.FromFile(Spec.TinyModelPath))
            using (Tensor a = Tensor.Copy(Series(16, 1, 0), tiny.Inputs[0].Shape))
            using (var runOptions = new RunOptions())
            {
                runOptions.Terminate();
                Task<RunOutputs> terminated = tiny.RunAsync(TinyInputs(a, a), null, runOptions);
                Settle(terminated);
                Assert.That(terminated.IsCanceled, Is.True, "a run terminated through its RunOptions is Canceled, not " + terminated.Status);
                Assert.Throws<TaskCanceledException>(() => terminated.GetAwaiter().GetResult());
                runOptions.ResetTerminate();
                using (RunOutputs outputs = tiny.RunAsync(TinyInputs(a, a), new[] { "sum" }, runOptions).Result)
                    Assert.That(outputs["sum"].ToArray<float>(), Is.EqualTo(Series(16, 2, 0)));

                // Onyx's checks fail the task with the code Run would throw, never the call.
                var inputs = TinyInputs(a, a);
                inputs["nope"] = a;
                Task<RunOutputs> unknown = tiny.RunAsync(inputs);
                Settle(unknown);
                Assert.That(unknown.IsFaulted, Is.True);
                Assert.That(Assert.Throws<OnyxException>(() => unknown.GetAwaiter().GetResult()).ErrorCode, Is.EqualTo(ErrorCode.UnknownInput));
                Task<RunOutputs> nul = tiny.RunAsync(TinyInputs(a, a), new[] { "s\0um" });
                Settle(nul);
                Assert.That(Assert.Throws<OnyxException>(() => nul.GetAwaiter().GetResult()).ErrorCode, Is.EqualTo(ErrorCode.InvalidArgument));

                // .NET's own misuse checks throw at the call, as for Run.
                Assert.Throws<ArgumentNullException>(() => tiny.RunAsync(null));
                Assert.Throws<ArgumentException>(() => tiny.RunAsync(new Dictionary<string, Tensor> { { "a", a }, { "b", null } }));
            }
            var closed = Session.FromFile(Spec.TinyModelPath);
            closed.Dispose();
            using (Tensor a = Tensor.Zeros(ElementType.Float32, 16))
                Assert.Throws<ObjectDisposedException>(() => closed.RunAsync(TinyInputs(a, a)));
        }

        [Test]
        public void TheLogCallbackTakesLinesFromSeveralThreadsAndItsExceptionsAreSwallowed()
        {
            const int loaders = 4;
            var lock_ = new object();
            var threadsWithInit = new HashSet<int>();
            int lines = 0;
            var fromInside = new List<ErrorCode>();
            OnyxRuntime.SetLogCallback((level, category, message) =>
            {
                lock (lock_)
                {
                    lines++;
                    if (message.Contains("Initializing session")) threadsWithInit.Add(Thread.CurrentThread.ManagedThreadId);
                }
                bool first;
                lock (lock_) first = fromInside.Count == 0;
                if (first)
                {
                    ErrorCode got = 0;
                    try
                    {
                        OnyxRuntime.SetLogCallback(null);
                    }
                    catch (OnyxException e)
                    {
                        got = e.ErrorCode;
                    }
                    lock (lock_) fromInside.Add(got);
                }
                throw new InvalidOperationException("a callback that throws on every line");
            });
            var loaderThreads = new int[loaders];
            int after;
            try
            {
                OnyxRuntime.SetLogLevel(LogLevel.Verbose);
                using (var start = new Barrier(loaders))
                {
                    Task[] loads = Enumerable.Range(0, loaders).Select(i => Task.Factory.StartNew(() =>
                    {
                        loaderThreads[i] = Thread.CurrentThread.ManagedThreadId;
                        start.SignalAndWait();
                        Session.FromFile(Spec.TinyModelPath).Dispose();
                    }, TaskCreationOptions.LongRunning)).ToArray();
                    Assert.That(Task.WaitAll(loads, Timeout), Is.True, "the loads did not finish");
                }
            }
            finally
            {
                OnyxRuntime.SetLogCallback(null);
                OnyxRuntime.SetLogLevel(LogLevel.Warning);
            }
            lock (lock_) after = lines;
            Assert.That(fromInside, Is.Not.Empty);
            Assert.That(fromInside, Has.All.EqualTo(ErrorCode.InvalidArgument), "SetLogCallback from inside the callback");
            Assert.That(loaderThreads.Distinct().Count(), Is.EqualTo(loaders));
            Assert.That(loaderThreads, Is.SubsetOf(threadsWithInit), "each loading thread's lines reached the callback on that thread");
            Assert.That(after, Is.GreaterThan(0));

            // Replaced: the old callback is never called again, the new one gets the lines.
            int second = 0;
            OnyxRuntime.SetLogCallback((level, category, message) => Interlocked.Increment(ref second));
            try
            {
                OnyxRuntime.SetLogLevel(LogLevel.Verbose);
                Session.FromFile(Spec.TinyModelPath).Dispose();
            }
            finally
            {
                OnyxRuntime.SetLogCallback(null);
                OnyxRuntime.SetLogLevel(LogLevel.Warning);
            }
            lock (lock_) Assert.That(lines, Is.EqualTo(after), "the removed callback was called again");
            Assert.That(second, Is.GreaterThan(0), "the new callback got no line");
        }

        [Test]
        public void ExternalDataOptionsRefuseNullsAndKeepTheSwitch()
        {
            using (var options = new SessionOptions())
            {
                Assert.That(options.ExternalDataOutsideModelFolder, Is.False);
                options.ExternalDataOutsideModelFolder = true;
                Assert.That(options.ExternalDataOutsideModelFolder, Is.True);
                Assert.Throws<ArgumentNullException>(() => options.AddExternalData(null, new byte[1]));
                Assert.Throws<ArgumentNullException>(() => options.AddExternalData("w.bin", null));
                options.AddExternalData("w.bin", new byte[0]); // empty data is a file like any other
                // An empty name is core's rule.
                Assert.That(Assert.Throws<OnyxException>(() => options.AddExternalData("", new byte[1])).ErrorCode, Is.EqualTo(ErrorCode.InvalidArgument));
            }
        }
    }
}
