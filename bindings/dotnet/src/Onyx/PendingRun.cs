using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;

namespace Onyx
{
    /// <summary>
    /// One <see cref="Session.RunAsync"/> in flight: its task, the references it holds and
    /// the native run handle. Native code gets a GCHandle to it as the callback's
    /// <c>user_data</c>; the callback (on one of Onyx's worker threads) frees that handle.
    ///
    /// What it holds until the callback: a reference (DangerousAddRef) on the session's
    /// SafeHandle and on every input tensor's, so Dispose on any of them meanwhile only
    /// marks it closed and the native free (and, for a borrowed array, the unpin) happens
    /// when the run releases it here. The C ABI copies names and run options at the call,
    /// so those are held for the call only (by <see cref="Session.RunAsync"/>).
    ///
    /// The native run handle (<c>onyx_async_run</c>) may be written after the callback
    /// already ran (the run can finish before <c>onyx_session_run_async</c> returns):
    /// whichever of <see cref="Started"/> and the callback comes second frees it, and
    /// the token's cancel reads it under the same lock, so it is never used once freed.
    /// </summary>
    internal sealed class PendingRun
    {
        // One delegate for every run, alive as long as the process: native code may call
        // it at any time while a run is in flight.
        private static readonly Native.NativeRunCallback Callback = OnRunDone;
        internal static readonly IntPtr CallbackPointer = Marshal.GetFunctionPointerForDelegate(Callback);
        private static readonly Action<object> CancelFromToken = CancelRun;

        private readonly TaskCompletionSource<RunOutputs> completion =
            new TaskCompletionSource<RunOutputs>(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly IReadOnlyList<string> outputNames;
        private readonly CancellationToken token;
        private readonly object gate = new object();

        /// <summary>The references held for the whole run (session and inputs); filled by
        /// <see cref="Session"/> through its Hold helper.</summary>
        internal readonly SafeHandle[] Held;
        internal int HeldCount;

        private GCHandle self;
        private IntPtr run;            // under gate: the native handle, until freed
        private bool done;             // under gate: the callback ran
        private bool released;         // the references were given back
        private bool hasRegistration;  // under gate
        private CancellationTokenRegistration registration;

        internal PendingRun(IReadOnlyList<string> outputNames, CancellationToken token, int holds)
        {
            this.outputNames = outputNames;
            this.token = token;
            Held = new SafeHandle[holds];
        }

        internal Task<RunOutputs> Task
        {
            get { return completion.Task; }
        }

        /// <summary>The callback's <c>user_data</c>: a GCHandle keeping this object reachable
        /// while native code has it (made on first use, freed by the callback or <see cref="Abandon"/>).</summary>
        internal IntPtr UserData
        {
            get
            {
                if (!self.IsAllocated) self = GCHandle.Alloc(this);
                return GCHandle.ToIntPtr(self);
            }
        }

        /// <summary>The run never started (the call failed or threw first): the callback will
        /// never come, so give everything back here.</summary>
        internal void Abandon()
        {
            if (self.IsAllocated) self.Free();
            Release();
        }

        /// <summary>The call succeeded: keep the run's handle (or free it if the run is already
        /// over) and let the token cancel it from now on.</summary>
        internal void Started(IntPtr runHandle)
        {
            bool over;
            lock (gate)
            {
                over = done;
                if (!over) run = runHandle;
            }
            if (over)
            {
                Native.onyx_async_run_free(runHandle);
                return;
            }
            if (!token.CanBeCanceled) return;
            // Outside the lock: a token already cancelled calls CancelRun right here.
            CancellationTokenRegistration added = token.Register(CancelFromToken, this);
            lock (gate)
            {
                over = done;
                if (!over)
                {
                    registration = added;
                    hasRegistration = true;
                }
            }
            if (over) added.Dispose();
        }

        /// <summary>The token's callback, on whichever thread cancels it: asks Onyx to cancel the
        /// run (it then completes as CANCELLED, unless its result was already decided). Never throws.</summary>
        private static void CancelRun(object state)
        {
            try
            {
                var pending = (PendingRun)state;
                lock (pending.gate)
                {
                    if (pending.run == IntPtr.Zero) return;
                    bool inTime;
                    IntPtr status = Native.onyx_async_run_cancel(pending.run, out inTime);
                    if (status != IntPtr.Zero) Native.onyx_status_free(status);
                }
            }
            catch (Exception)
            {
                // An exception here would come out of CancellationTokenSource.Cancel.
            }
        }

        /// <summary>onyx_run_callback, on an Onyx worker thread. Nothing may escape into native code.</summary>
        [MonoPInvokeCallback(typeof(Native.NativeRunCallback))]
        private static void OnRunDone(IntPtr userData, IntPtr status, IntPtr outputs, UIntPtr outputCount)
        {
            try { ForeignThreads.Visiting(); }
            catch (Exception) { }
            PendingRun pending = null;
            try
            {
                GCHandle handle = GCHandle.FromIntPtr(userData);
                pending = (PendingRun)handle.Target;
                handle.Free();
            }
            catch (Exception)
            {
                // Not a run of ours (cannot happen): free what the callback owns and return.
                FreeNative(status, outputs, outputCount, 0);
                return;
            }
            try
            {
                pending.Complete(status, outputs, outputCount);
            }
            catch (Exception e)
            {
                try { pending.completion.TrySetException(e); }
                catch (Exception) { }
            }
        }

        private void Complete(IntPtr status, IntPtr outputs, UIntPtr outputCount)
        {
            RunOutputs result = null;
            Exception error = null;
            bool cancelled = false;
            try
            {
                if (status != IntPtr.Zero)
                {
                    OnyxException e = Status.ToException(status); // frees the status
                    if (e.ErrorCode == ErrorCode.Cancelled) cancelled = true;
                    else error = e;
                }
                else
                {
                    result = Wrap(outputs, outputCount);
                }
            }
            catch (Exception e)
            {
                error = e;
            }
            finally
            {
                Finish();
            }
            if (cancelled)
                completion.TrySetCanceled(token.IsCancellationRequested ? token : CancellationToken.None);
            else if (error != null)
                completion.TrySetException(error);
            else if (!completion.TrySetResult(result))
                result.Dispose();
        }

        /// <summary>The run is over: references back, native handle freed, token let go.</summary>
        private void Finish()
        {
            Release();
            IntPtr toFree;
            bool dispose;
            lock (gate)
            {
                done = true;
                toFree = run;
                run = IntPtr.Zero;
                dispose = hasRegistration;
                hasRegistration = false;
            }
            if (toFree != IntPtr.Zero) Native.onyx_async_run_free(toFree);
            // Waits for a CancelRun in progress on another thread, which only takes the lock.
            if (dispose) registration.Dispose();
        }

        private void Release()
        {
            if (released) return;
            released = true;
            for (int i = 0; i < HeldCount; i++) Held[i].DangerousRelease();
            HeldCount = 0;
        }

        /// <summary>The output tensors, owned from here on; any not wrapped when something fails is freed.</summary>
        private RunOutputs Wrap(IntPtr outputs, UIntPtr outputCount)
        {
            int count = checked((int)(ulong)outputCount);
            var tensors = new Tensor[count];
            int wrapped = 0;
            try
            {
                for (; wrapped < count; wrapped++)
                {
                    IntPtr raw = Marshal.ReadIntPtr(outputs, wrapped * IntPtr.Size);
                    tensors[wrapped] = new Tensor(new TensorHandle(raw, default(GCHandle)));
                }
                return new RunOutputs(outputNames, tensors);
            }
            catch
            {
                for (int i = 0; i < wrapped; i++) tensors[i].Dispose();
                FreeNative(IntPtr.Zero, outputs, outputCount, wrapped);
                throw;
            }
        }

        private static void FreeNative(IntPtr status, IntPtr outputs, UIntPtr outputCount, int from)
        {
            try
            {
                if (status != IntPtr.Zero) Native.onyx_status_free(status);
                if (outputs == IntPtr.Zero) return;
                for (long i = from; i < (long)(ulong)outputCount; i++)
                    Native.onyx_tensor_free(Marshal.ReadIntPtr(outputs, (int)i * IntPtr.Size));
            }
            catch (Exception)
            {
            }
        }
    }
}
