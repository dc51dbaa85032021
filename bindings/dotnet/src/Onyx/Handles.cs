using System;
using System.Collections.Generic;
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

        // Set once native code has taken the object over (Surrender): nothing is freed here then.
        private volatile bool surrendered;

        /// <summary>Calls the C _free function; runs once, after the last native call ended.</summary>
        protected override bool ReleaseHandle()
        {
            if (surrendered) return true;
            Free(handle);
            Interlocked.Decrement(ref live);
            return true;
        }

        /// <summary>
        /// Marks the handle released without freeing anything: a C function that takes ownership
        /// of the object (<c>onyx_value_create_*</c>, also when it fails) now owns it. The caller
        /// holds a reference (DangerousAddRef) across the native call and releases it afterwards.
        /// </summary>
        internal void Surrender()
        {
            if (surrendered) return;
            surrendered = true;
            Interlocked.Decrement(ref live);
            SetHandleAsInvalid();
            OnSurrender();
        }

        /// <summary>What a subclass does once native code owns its object (nothing by default).</summary>
        protected virtual void OnSurrender()
        {
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
        private readonly bool lent;
        private volatile bool released;
        // A tensor a value lends (its keys, its values, the tensor it is): that value's handle,
        // on which this handle holds a reference for its whole life, so the value is freed
        // only after every tensor it lent is closed and no call reads it any more.
        private readonly SafeHandle owner;

        /// <summary>A tensor <paramref name="owner"/> (a value's handle) lends: frees nothing itself, and keeps
        /// the owner alive until it is closed.</summary>
        internal TensorHandle(IntPtr pointer, SafeHandle owner) : base(pointer)
        {
            lent = true;
            bool added = false;
            owner.DangerousAddRef(ref added);
            this.owner = owner;
        }

        /// <summary>True for a tensor borrowed from a kernel's context or from a value (not the caller's to give away).</summary>
        internal bool IsLent
        {
            get { return lent; }
        }

        /// <summary>Takes the pin of a borrowed array away from this handle (native code is taking the
        /// tensor over, and the pin must last as long as it does); default when there is none.</summary>
        internal GCHandle TakePin()
        {
            GCHandle taken = pin;
            pin = default(GCHandle);
            return taken;
        }

        internal TensorHandle(IntPtr pointer, GCHandle pin) : base(pointer)
        {
            this.pin = pin;
        }

        /// <summary>A tensor a kernel's context lends for one call (<paramref name="lent"/> true): its
        /// <c>onyx_tensor*</c> belongs to the context, so closing the handle frees nothing.</summary>
        internal TensorHandle(IntPtr pointer, bool lent) : base(pointer)
        {
            this.lent = lent;
        }

        /// <summary>For a lent tensor: true once the handle is closed and no call uses it any more.</summary>
        internal bool Released
        {
            get { return released; }
        }

        protected override void Free(IntPtr pointer)
        {
            if (!lent) Native.onyx_tensor_free(pointer);
            if (pin.IsAllocated) pin.Free();
            if (owner != null) owner.DangerousRelease();
            released = true;
        }
    }

    /// <summary>
    /// Owns an <c>onyx_value*</c> and the pins of the borrowed arrays its tensors read (released
    /// only after the native value is freed); or, for an item of another value, lends it: then
    /// it frees nothing and holds a reference on the owner's handle for its whole life.
    /// </summary>
    internal sealed class ValueHandle : OnyxHandle
    {
        private readonly SafeHandle owner;
        private List<GCHandle> pins;
        private volatile bool released;

        /// <summary>A value the caller owns; <paramref name="pins"/> (may be null) become this handle's.</summary>
        internal ValueHandle(IntPtr pointer, List<GCHandle> pins) : base(pointer)
        {
            this.pins = pins;
        }

        /// <summary>An item <paramref name="owner"/> lends (a sequence's item, an optional's value).</summary>
        internal ValueHandle(IntPtr pointer, SafeHandle owner) : base(pointer)
        {
            bool added = false;
            owner.DangerousAddRef(ref added);
            this.owner = owner;
        }

        internal bool IsLent
        {
            get { return owner != null; }
        }

        /// <summary>True once the handle is closed and no call uses it any more.</summary>
        internal bool Released
        {
            get { return released; }
        }

        /// <summary>Takes the pins away (native code is taking the value over: its new owner keeps them).</summary>
        internal List<GCHandle> TakePins()
        {
            List<GCHandle> taken = pins;
            pins = null;
            return taken;
        }

        protected override void Free(IntPtr pointer)
        {
            if (owner != null) owner.DangerousRelease();
            else Native.onyx_value_free(pointer);
            FreePins(pins);
            pins = null;
            released = true;
        }

        protected override void OnSurrender()
        {
            released = true;
        }

        internal static void FreePins(List<GCHandle> pins)
        {
            if (pins == null) return;
            foreach (GCHandle pin in pins)
                if (pin.IsAllocated) pin.Free();
        }
    }

    /// <summary>
    /// An <c>onyx_kernel_context*</c>, valid during one call of a kernel: the trampoline closes
    /// it when the kernel returns and waits until no call on another thread uses it any more
    /// (<see cref="Released"/>), so a context kept past its call throws
    /// <see cref="ObjectDisposedException"/> instead of reaching freed memory. Frees nothing.
    /// </summary>
    internal sealed class KernelContextHandle : OnyxHandle
    {
        private volatile bool released;

        internal KernelContextHandle(IntPtr pointer) : base(pointer) { }

        internal bool Released
        {
            get { return released; }
        }

        protected override void Free(IntPtr pointer)
        {
            released = true;
        }
    }

    /// <summary>Owns the caller's reference on an <c>onyx_operator*</c> (sessions and options hold their own).</summary>
    internal sealed class OperatorHandle : OnyxHandle
    {
        internal OperatorHandle(IntPtr pointer) : base(pointer) { }
        protected override void Free(IntPtr pointer) { Native.onyx_operator_free(pointer); }
    }
}
