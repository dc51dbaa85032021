using System;
using System.Runtime.InteropServices;
using System.Threading;

namespace Onyx
{
    /// <summary>
    /// Base of the SafeHandles that own one Onyx C object each. SafeHandle gives what the
    /// binding promises: the native object is freed exactly once (on Dispose, or by the
    /// finalizer if the owner forgot), and never while a native call is using it, because
    /// every call holds a reference (DangerousAddRef/DangerousRelease, which P/Invoke does
    /// by itself for SafeHandle parameters). Disposing a session while another thread runs
    /// on it therefore only marks it closed; the free happens when that run returns.
    /// </summary>
    internal abstract class OnyxHandle : SafeHandle
    {
        private static long live;

        /// <summary>Native objects created by this assembly and not yet freed (for tests and leak hunts).</summary>
        internal static long LiveCount
        {
            get { return Interlocked.Read(ref live); }
        }

        /// <summary>Takes ownership of <paramref name="pointer"/>, a non-null object just created.</summary>
        protected OnyxHandle(IntPtr pointer) : base(IntPtr.Zero, true)
        {
            SetHandle(pointer);
            Interlocked.Increment(ref live);
        }

        /// <summary>True for a null pointer (never freed).</summary>
        public override bool IsInvalid
        {
            get { return handle == IntPtr.Zero; }
        }

        /// <summary>Calls the C _free function; runs once, after the last native call ended.</summary>
        protected override bool ReleaseHandle()
        {
            Free(handle);
            Interlocked.Decrement(ref live);
            return true;
        }

        /// <summary>The C _free function of this handle type.</summary>
        protected abstract void Free(IntPtr pointer);

        private volatile bool disposed;

        /// <summary>True from the moment Dispose is called, even while earlier calls still hold the
        /// handle: Mono's SafeHandle keeps granting DangerousAddRef until the last of those calls ends,
        /// so under overlapping runs it would never refuse a new one (.NET refuses at once).</summary>
        internal bool Disposed
        {
            get { return disposed || IsClosed; }
        }

        protected override void Dispose(bool disposing)
        {
            disposed = true;
            base.Dispose(disposing);
        }

        /// <summary>Throws <see cref="ObjectDisposedException"/> naming <paramref name="owner"/> once disposed.</summary>
        internal void ThrowIfClosed(string owner)
        {
            if (Disposed) throw new ObjectDisposedException(owner);
        }
    }

    /// <summary>Owns an <c>onyx_session_options*</c>.</summary>
    internal sealed class SessionOptionsHandle : OnyxHandle
    {
        internal SessionOptionsHandle(IntPtr pointer) : base(pointer) { }
        protected override void Free(IntPtr pointer) { Native.onyx_session_options_free(pointer); }
    }

    /// <summary>Owns an <c>onyx_session*</c> (and, with it, the value infos and metadata borrowed from it).</summary>
    internal sealed class SessionHandle : OnyxHandle
    {
        internal SessionHandle(IntPtr pointer) : base(pointer) { }
        protected override void Free(IntPtr pointer) { Native.onyx_session_free(pointer); }
    }

    /// <summary>Owns an <c>onyx_shared_weights*</c>.</summary>
    internal sealed class SharedWeightsHandle : OnyxHandle
    {
        internal SharedWeightsHandle(IntPtr pointer) : base(pointer) { }
        protected override void Free(IntPtr pointer) { Native.onyx_shared_weights_free(pointer); }
    }

    /// <summary>Owns an <c>onyx_run_options*</c>.</summary>
    internal sealed class RunOptionsHandle : OnyxHandle
    {
        internal RunOptionsHandle(IntPtr pointer) : base(pointer) { }
        protected override void Free(IntPtr pointer) { Native.onyx_run_options_free(pointer); }
    }

    /// <summary>
    /// Owns an <c>onyx_tensor*</c>, and for a tensor over a managed array, the pin that keeps
    /// the array in place: it is released only after the native tensor is freed, so the
    /// GC cannot move the array while any run still reads or writes it.
    /// </summary>
    internal sealed class TensorHandle : OnyxHandle
    {
        private GCHandle pin;

        internal TensorHandle(IntPtr pointer, GCHandle pin) : base(pointer)
        {
            this.pin = pin;
        }

        protected override void Free(IntPtr pointer)
        {
            Native.onyx_tensor_free(pointer);
            if (pin.IsAllocated) pin.Free();
        }
    }
}
