using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;

namespace Onyx
{
    /// <summary>The type of an attribute a kernel reads; the numbers are ONNX's (and the C ABI's
    /// <c>ONYX_ATTRIBUTE_*</c>), the same in every language.</summary>
    public enum AttributeKind
    {
        /// <summary>A float32 (<see cref="KernelContext.AttributeFloat"/>).</summary>
        Float = 1,
        /// <summary>An int64 (<see cref="KernelContext.AttributeInt"/>).</summary>
        Int = 2,
        /// <summary>A UTF-8 string (<see cref="KernelContext.AttributeString"/>).</summary>
        String = 3,
    }

    /// <summary>
    /// An operator's kernel, written in C#: reads its inputs and attributes from
    /// <paramref name="context"/>, allocates its outputs there and fills them. An exception it throws
    /// fails the run with <see cref="ErrorCode.KernelFailed"/> (the message carries the exception's
    /// type and message; an <see cref="OnyxException"/> keeps its own code); the session stays usable.
    /// It runs on whichever thread runs the node, on several at once for concurrent runs: it must
    /// be thread-safe. See <see cref="Operator"/>.
    /// </summary>
    /// <param name="context">The call: valid only until the kernel returns, like the tensors it gives.</param>
    public delegate void Kernel(KernelContext context);

    /// <summary>
    /// What an operator is: its domain and name in the model, the opset versions of its domain it
    /// serves, the element type of each input and output, and the attributes its kernel reads. A
    /// builder: each method returns this definition.
    /// <code>
    /// var definition = new OperatorDefinition("com.example", "ScaleShift")
    ///     .Input(ElementType.Float32).Output(ElementType.Float32)
    ///     .Attribute("alpha", AttributeKind.Float).Attribute("beta", AttributeKind.Float);
    /// </code>
    /// </summary>
    public sealed class OperatorDefinition
    {
        private readonly List<ElementType> inputs = new List<ElementType>();
        private readonly List<ElementType> outputs = new List<ElementType>();
        private readonly List<KeyValuePair<string, AttributeKind>> attributes = new List<KeyValuePair<string, AttributeKind>>();

        /// <summary><paramref name="domain"/>::<paramref name="name"/> (a domain of your own, not ONNX's), for every
        /// opset version of the domain, with no inputs, outputs or attributes yet.</summary>
        public OperatorDefinition(string domain, string name)
        {
            if (domain == null) throw new ArgumentNullException(nameof(domain));
            if (name == null) throw new ArgumentNullException(nameof(name));
            Domain = domain;
            Name = name;
            SinceVersion = 1;
            UntilVersion = int.MaxValue;
        }

        /// <summary>The operator's domain.</summary>
        public string Domain { get; private set; }

        /// <summary>The operator's name (its nodes' <c>op_type</c>).</summary>
        public string Name { get; private set; }

        /// <summary>The first opset version of the domain served (default 1).</summary>
        public int SinceVersion { get; private set; }

        /// <summary>The last opset version of the domain served (default <see cref="int.MaxValue"/>: every later one).</summary>
        public int UntilVersion { get; private set; }

        /// <summary>Adds an input of element type <paramref name="elementType"/>.</summary>
        public OperatorDefinition Input(ElementType elementType)
        {
            inputs.Add(elementType);
            return this;
        }

        /// <summary>Adds an output of element type <paramref name="elementType"/> (an operator has at least one).</summary>
        public OperatorDefinition Output(ElementType elementType)
        {
            outputs.Add(elementType);
            return this;
        }

        /// <summary>Declares attribute <paramref name="name"/> of kind <paramref name="kind"/>: every node of
        /// the operator must have it (read once per node when a session loads; a node without it fails
        /// the load with <see cref="ErrorCode.InvalidModel"/>).</summary>
        public OperatorDefinition Attribute(string name, AttributeKind kind)
        {
            if (name == null) throw new ArgumentNullException(nameof(name));
            attributes.Add(new KeyValuePair<string, AttributeKind>(name, kind));
            return this;
        }

        /// <summary>Serves opset versions <paramref name="since"/> to <paramref name="until"/> of the domain
        /// (<paramref name="until"/> 0 or <see cref="int.MaxValue"/>: every later one).</summary>
        public OperatorDefinition Versions(int since, int until)
        {
            SinceVersion = since;
            UntilVersion = until == 0 ? int.MaxValue : until;
            return this;
        }

        internal List<ElementType> Inputs { get { return inputs; } }
        internal List<ElementType> Outputs { get { return outputs; } }
        internal List<KeyValuePair<string, AttributeKind>> Attributes { get { return attributes; } }
    }

    /// <summary>
    /// An operator whose kernel is a C# <see cref="Kernel"/> delegate. Add it to
    /// <see cref="SessionOptions.AddOperator"/>: sessions made with those options run the kernel for
    /// the model's nodes of the operator's domain and name.
    /// <list type="bullet">
    /// <item>Threads: the kernel runs on the thread that called <c>Session.Run</c>, on one of ONNX
    /// Runtime's threads, or on one of Onyx's workers (<c>Session.RunAsync</c>),
    /// on several at once for concurrent runs.</item>
    /// <item>Lifetime: the options and every session made with them keep the operator and its
    /// delegate alive; disposing this object only drops your reference. The delegate is released
    /// once the last of them is freed.</item>
    /// <item>The context and the tensors it gives are views of ONNX Runtime's memory (no copy),
    /// valid only during the call: used afterwards they throw <see cref="ObjectDisposedException"/>.</item>
    /// </list>
    /// </summary>
    public sealed class Operator : IDisposable
    {
        private readonly OperatorHandle handle;

        // The function pointers native code calls: static delegates, alive for the process.
        private static readonly Native.NativeKernelCompute ComputeDelegate = Compute;
        private static readonly Native.NativeUserDataRelease ReleaseDelegate = Release;
        private static readonly IntPtr ComputePointer = Marshal.GetFunctionPointerForDelegate(ComputeDelegate);
        private static readonly IntPtr ReleasePointer = Marshal.GetFunctionPointerForDelegate(ReleaseDelegate);

        /// <summary>Makes the operator <paramref name="definition"/> describes, computed by <paramref name="kernel"/>.</summary>
        /// <exception cref="OnyxException"><see cref="ErrorCode.InvalidArgument"/> for a definition Onyx refuses (no
        /// output, an empty or ONNX's own domain, two attributes with one name, versions out of order, ...).</exception>
        public unsafe Operator(OperatorDefinition definition, Kernel kernel)
        {
            if (definition == null) throw new ArgumentNullException(nameof(definition));
            if (kernel == null) throw new ArgumentNullException(nameof(kernel));
            Library.EnsureCompatible();
            Utf8.Check(definition.Domain, "operator domain");
            Utf8.Check(definition.Name, "operator name");
            Domain = definition.Domain;
            Name = definition.Name;
            uint[] inputTypes = ToNumbers(definition.Inputs);
            uint[] outputTypes = ToNumbers(definition.Outputs);
            var attributes = definition.Attributes;
            var kinds = new uint[attributes.Count];
            var names = new IntPtr[attributes.Count];
            GCHandle target = GCHandle.Alloc(kernel);
            bool taken = false;
            try
            {
                for (int i = 0; i < attributes.Count; i++)
                {
                    Utf8.Check(attributes[i].Key, "attribute name");
                    kinds[i] = (uint)attributes[i].Value;
                    int length = Utf8.NativeLength(attributes[i].Key);
                    names[i] = Marshal.AllocHGlobal(length);
                    Utf8.Write(attributes[i].Key, (byte*)names[i], length);
                }
                IntPtr op;
                IntPtr status;
                // `fixed` on an empty array gives null, which Onyx accepts with a count of 0.
                fixed (uint* inputs = inputTypes)
                fixed (uint* outputs = outputTypes)
                fixed (uint* kindPointer = kinds)
                fixed (IntPtr* namePointer = names)
                {
                    status = Native.onyx_operator_create(definition.Domain, definition.Name, definition.SinceVersion, definition.UntilVersion,
                        inputs, (UIntPtr)inputTypes.Length, outputs, (UIntPtr)outputTypes.Length, namePointer, kindPointer, (UIntPtr)kinds.Length,
                        ComputePointer, GCHandle.ToIntPtr(target), ReleasePointer, out op);
                }
                // On failure Onyx never calls `release`: the handle is still ours to free.
                Status.Check(status);
                taken = true;
                handle = new OperatorHandle(op);
            }
            finally
            {
                foreach (IntPtr name in names)
                    if (name != IntPtr.Zero) Marshal.FreeHGlobal(name);
                if (!taken) target.Free();
            }
        }

        private static uint[] ToNumbers(List<ElementType> types)
        {
            var numbers = new uint[types.Count];
            for (int i = 0; i < numbers.Length; i++) numbers[i] = (uint)types[i];
            return numbers;
        }

        /// <summary>The operator's domain.</summary>
        public string Domain { get; private set; }

        /// <summary>The operator's name.</summary>
        public string Name { get; private set; }

        internal OperatorHandle Handle
        {
            get { handle.ThrowIfClosed(nameof(Operator)); return handle; }
        }

        /// <summary>Drops your reference: options and sessions it was added to keep theirs (and the
        /// kernel). A second call does nothing.</summary>
        public void Dispose()
        {
            handle.Dispose();
        }

        /// <summary>onyx_kernel_compute, on any thread. Nothing may escape into native code: every
        /// exception becomes the status the run fails with.</summary>
        [MonoPInvokeCallback(typeof(Native.NativeKernelCompute))]
        private static IntPtr Compute(IntPtr userData, IntPtr context)
        {
            ForeignThreads.Visiting();
            KernelContext call = null;
            try
            {
                var kernel = (Kernel)GCHandle.FromIntPtr(userData).Target;
                call = new KernelContext(context);
                kernel(call);
                return IntPtr.Zero;
            }
            catch (ThreadAbortException e)
            {
                // Mono raises it again at the end of this block unless reset: it would cross into native code.
                IntPtr status = Failure(e);
                try { Thread.ResetAbort(); } catch (Exception) { }
                return status;
            }
            catch (Exception e)
            {
                return Failure(e);
            }
            finally
            {
                if (call != null) call.End();
            }
        }

        /// <summary>The status a kernel's exception becomes: an <see cref="OnyxException"/> (a context call
        /// that failed, or one the kernel threw) keeps its code; anything else is KERNEL_FAILED with
        /// "Full.Type.Name: message". Never throws.</summary>
        private static IntPtr Failure(Exception e)
        {
            uint code = (uint)ErrorCode.KernelFailed;
            string message;
            try
            {
                var onyx = e as OnyxException;
                if (onyx != null) code = (uint)onyx.ErrorCode;
                message = onyx != null ? onyx.Message : e.GetType().FullName + ": " + e.Message;
            }
            catch (Exception)
            {
                // A Message getter that throws: the type is still worth reporting.
                message = SafeTypeName(e) + " (its message could not be read)";
            }
            return StatusOf(code, message);
        }

        private static string SafeTypeName(Exception e)
        {
            try { return e.GetType().FullName; } catch (Exception) { return "an exception"; }
        }

        private static unsafe IntPtr StatusOf(uint code, string message)
        {
            try
            {
                byte[] bytes = Encoding.UTF8.GetBytes((message ?? "").Replace('\0', ' ') + "\0");
                fixed (byte* text = bytes)
                {
                    return Native.onyx_status_create(code, text);
                }
            }
            catch (Exception)
            {
                // Out of memory, say: Onyx replaces a NULL message with a note saying so.
                try { return Native.onyx_status_create(code, null); } catch (Exception) { return IntPtr.Zero; }
            }
        }

        /// <summary>onyx_user_data_release: the last option set or session holding the operator is gone.</summary>
        [MonoPInvokeCallback(typeof(Native.NativeUserDataRelease))]
        private static void Release(IntPtr userData)
        {
            ForeignThreads.Visiting();
            try
            {
                GCHandle.FromIntPtr(userData).Free();
            }
            catch (Exception)
            {
            }
        }
    }

    /// <summary>
    /// One call of a <see cref="Kernel"/>: the node's inputs (read-only views of ONNX Runtime's
    /// memory, no copy), its outputs (allocated by ONNX Runtime with the shape you give, for the
    /// kernel to fill) and its attributes. The context and every tensor it gives are valid only
    /// until the kernel returns; after that, any use throws <see cref="ObjectDisposedException"/>
    /// (a raw <see cref="Tensor.DataPointer"/> kept past the call is dangling). Do not dispose the
    /// tensors (it does nothing harmful, but they become unusable); do not use the context from
    /// another thread than the kernel's without waiting for that thread before the kernel returns.
    /// </summary>
    public sealed class KernelContext
    {
        private readonly KernelContextHandle handle;
        private List<Tensor> lent;

        internal KernelContext(IntPtr context)
        {
            handle = new KernelContextHandle(context);
        }

        private KernelContextHandle Handle
        {
            get { handle.ThrowIfClosed(nameof(KernelContext)); return handle; }
        }

        /// <summary>How many inputs the operator has.</summary>
        public int InputCount
        {
            get { return checked((int)(ulong)Native.onyx_kernel_context_input_count(Handle)); }
        }

        /// <summary>How many outputs the operator has.</summary>
        public int OutputCount
        {
            get { return checked((int)(ulong)Native.onyx_kernel_context_output_count(Handle)); }
        }

        /// <summary>Input <paramref name="index"/>: a read-only view of ONNX Runtime's memory (no copy;
        /// <see cref="Tensor.IsReadOnly"/>), valid until the kernel returns. Read it with
        /// <see cref="Tensor.ToArray{T}"/>, <see cref="Tensor.CopyTo{T}"/> or <see cref="Tensor.DataPointer"/>.</summary>
        /// <exception cref="OnyxException"><see cref="ErrorCode.IndexOutOfRange"/> past the last input.</exception>
        public Tensor Input(int index)
        {
            IntPtr tensor;
            // A negative index reaches Onyx as a huge one, which it refuses the same way.
            Status.Check(Native.onyx_kernel_context_input(Handle, (UIntPtr)unchecked((ulong)(long)index), out tensor));
            return Keep(Tensor.Lent(tensor, true));
        }

        /// <summary>Output <paramref name="index"/> with shape <paramref name="shape"/>, allocated by ONNX Runtime
        /// for the kernel to fill (<see cref="Tensor.CopyFrom{T}"/>, or through <see cref="Tensor.DataPointer"/>);
        /// valid until the kernel returns. Its contents start undefined: write every element.</summary>
        /// <exception cref="OnyxException"><see cref="ErrorCode.IndexOutOfRange"/> past the last output.</exception>
        public unsafe Tensor Output(int index, params long[] shape)
        {
            if (shape == null) throw new ArgumentNullException(nameof(shape));
            IntPtr tensor;
            IntPtr status;
            fixed (long* dims = shape)
            {
                status = Native.onyx_kernel_context_output(Handle, (UIntPtr)unchecked((ulong)(long)index), dims, (UIntPtr)shape.Length, out tensor);
            }
            Status.Check(status);
            return Keep(Tensor.Lent(tensor, false));
        }

        /// <summary>The node's FLOAT attribute <paramref name="name"/> (one the operator declares).</summary>
        /// <exception cref="OnyxException">When the operator declares no FLOAT attribute of that name.</exception>
        public float AttributeFloat(string name)
        {
            CheckName(name);
            float value;
            Status.Check(Native.onyx_kernel_context_attribute_float(Handle, name, out value));
            return value;
        }

        /// <summary>The node's INT attribute <paramref name="name"/> (one the operator declares).</summary>
        /// <exception cref="OnyxException">When the operator declares no INT attribute of that name.</exception>
        public long AttributeInt(string name)
        {
            CheckName(name);
            long value;
            Status.Check(Native.onyx_kernel_context_attribute_int(Handle, name, out value));
            return value;
        }

        /// <summary>The node's STRING attribute <paramref name="name"/> (one the operator declares).</summary>
        /// <exception cref="OnyxException">When the operator declares no STRING attribute of that name.</exception>
        public string AttributeString(string name)
        {
            CheckName(name);
            KernelContextHandle h = Handle;
            bool added = false;
            try
            {
                // The string lives as long as the context: decoded while the context is held.
                h.DangerousAddRef(ref added);
                IntPtr value;
                Status.Check(Native.onyx_kernel_context_attribute_string(h, name, out value));
                return Utf8.FromNative(value);
            }
            finally
            {
                if (added) h.DangerousRelease();
            }
        }

        private static void CheckName(string name)
        {
            if (name == null) throw new ArgumentNullException(nameof(name));
            Utf8.Check(name, "attribute name");
        }

        private Tensor Keep(Tensor tensor)
        {
            lock (handle)
            {
                if (lent == null) lent = new List<Tensor>(2);
                lent.Add(tensor);
                if (handle.Disposed)
                {
                    // The call ended while this one was in flight (a context used from another thread).
                    tensor.EndLent();
                    throw new ObjectDisposedException(nameof(KernelContext));
                }
            }
            return tensor;
        }

        /// <summary>Ends the call: closes the context and its tensors, and returns once no other thread
        /// is inside a call on them (after which Onyx may free them).</summary>
        internal void End()
        {
            List<Tensor> views;
            lock (handle)
            {
                handle.Dispose();
                views = lent;
                lent = null;
            }
            if (!handle.Released)
            {
                var spin = new SpinWait();
                while (!handle.Released) spin.SpinOnce();
            }
            if (views != null)
                foreach (Tensor view in views) view.EndLent();
        }
    }
}
