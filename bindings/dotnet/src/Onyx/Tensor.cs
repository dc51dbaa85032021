using System;
using System.Runtime.InteropServices;

namespace Onyx
{
    /// <summary>
    /// A dense CPU tensor: an element type, a shape and the data. Three verbs make one, with
    /// the meaning they have in every Onyx language:
    /// <list type="bullet">
    /// <item><see cref="Zeros"/>: Onyx allocates zero-filled memory the tensor owns;</item>
    /// <item><see cref="Copy{T}(T[], long[])"/>: Onyx copies your array, which you may reuse at once;</item>
    /// <item><see cref="Borrow{T}(T[], long[])"/> (a managed array, pinned until <see cref="Dispose"/>) and
    /// <see cref="Borrow(Onyx.ElementType, IntPtr, long, long[])"/> (native memory you manage): no copy, runs
    /// read (and, as a <see cref="Session.RunInto(System.Collections.Generic.IReadOnlyDictionary{string, Tensor}, System.Collections.Generic.IReadOnlyDictionary{string, Tensor}, RunOptions)"/>
    /// output, write) your memory in place.</item>
    /// </list>
    /// Read it back with <see cref="ToArray{T}"/> or <see cref="CopyTo{T}"/>. Everything a tensor
    /// knows about itself (element type, shape, element count, byte length) is read from Onyx.
    /// Not synchronised: one thread writes at a time; any number may read it (including as a run
    /// input) at once.
    /// </summary>
    public sealed class Tensor : IDisposable
    {
        private readonly TensorHandle handle;
        // What the tensor is, and where its data lives: asked of Onyx on first use (a run's
        // inputs and outputs are often never asked). Races between readers are benign: they
        // compute the same values.
        private Layout layout;
        private IntPtr data;
        // A kernel's input (ONNX Runtime's memory, lent for the call) or a value's tensor: never written.
        private readonly bool readOnly;
        // A tensor a value lends (Value.Tensor, Keys, Values): it ends with the value, not on Dispose.
        private readonly bool ofValue;

        /// <summary>Element type, shape and sizes, which never change for a tensor.</summary>
        private sealed class Layout
        {
            internal readonly ElementType ElementType;
            internal readonly long[] Shape;
            internal readonly long ElementCount;
            internal readonly long ByteLength;

            internal Layout(ElementType elementType, long[] shape, long elementCount, long byteLength)
            {
                ElementType = elementType;
                Shape = shape;
                ElementCount = elementCount;
                ByteLength = byteLength;
            }
        }

        /// <summary>Wraps a tensor Onyx made; <paramref name="borrowed"/> is the caller's data pointer
        /// of a borrowed tensor (by the C ABI's contract, its data pointer), else zero.</summary>
        internal Tensor(TensorHandle handle, IntPtr borrowed = default(IntPtr))
        {
            this.handle = handle;
            data = borrowed;
        }

        /// <summary>A view of a tensor a kernel's context lends for one call (no copy); <see cref="EndLent"/> ends it.</summary>
        private Tensor(TensorHandle handle, bool readOnly)
        {
            this.handle = handle;
            this.readOnly = readOnly;
        }

        internal static Tensor Lent(IntPtr tensor, bool readOnly)
        {
            return new Tensor(new TensorHandle(tensor, true), readOnly);
        }

        /// <summary>A tensor a value lends (<paramref name="ofValue"/>); its handle keeps the value's handle alive.</summary>
        private Tensor(TensorHandle handle, bool readOnly, bool ofValue)
        {
            this.handle = handle;
            this.readOnly = readOnly;
            this.ofValue = ofValue;
        }

        internal static Tensor OfValue(IntPtr tensor, SafeHandle owner)
        {
            return new Tensor(new TensorHandle(tensor, owner), true, true);
        }

        /// <summary>Ends a value's view (the value is being disposed or given away); see <see cref="EndLent"/>.</summary>
        internal void EndView()
        {
            EndLent();
        }

        /// <summary>Ends a value's view without waiting (the value is being disposed: the native value
        /// is freed only once this view's handle no longer holds it).</summary>
        internal void EndViewNoWait()
        {
            handle.Dispose();
        }

        /// <summary>Ends a lent view: from now on every use throws <see cref="ObjectDisposedException"/>.
        /// Returns once no call on another thread still reads it (a read that started before this).</summary>
        internal void EndLent()
        {
            handle.Dispose();
            if (handle.Released) return;
            var spin = new System.Threading.SpinWait();
            while (!handle.Released) spin.SpinOnce();
        }

        /// <summary>True for a kernel's input (<see cref="KernelContext.Input"/>: ONNX Runtime's memory, read in
        /// place) and for a tensor that belongs to a <see cref="Value"/> (<see cref="Value.Tensor"/>,
        /// <see cref="Value.Keys"/>, <see cref="Value.Values"/>), which <see cref="CopyFrom{T}"/> refuses to write
        /// (and which must not be written through <see cref="DataPointer"/> either).</summary>
        public bool IsReadOnly
        {
            get { return readOnly; }
        }

        /// <summary>Makes a zero-filled tensor that owns its data (for example to receive a run's output).</summary>
        /// <param name="elementType">The element type.</param>
        /// <param name="shape">The dimensions, each 0 or more; none for a scalar.</param>
        public static unsafe Tensor Zeros(ElementType elementType, params long[] shape)
        {
            if (shape == null) throw new ArgumentNullException(nameof(shape));
            Library.EnsureCompatible();
            IntPtr tensor;
            IntPtr status;
            fixed (long* dims = shape)
            {
                status = Native.onyx_tensor_create_zeros((uint)elementType, dims, (UIntPtr)shape.Length, out tensor);
            }
            Status.Check(status);
            return new Tensor(new TensorHandle(tensor, default(GCHandle)));
        }

        /// <summary>Makes a tensor that owns a copy of <paramref name="data"/>; the array is only read during the call.</summary>
        /// <typeparam name="T">float, double, sbyte, byte, short, ushort, int, uint, long, ulong, bool, <see cref="Float16"/> or <see cref="BFloat16"/>.</typeparam>
        /// <param name="data">The elements, in row-major order.</param>
        /// <param name="shape">The dimensions; none for a scalar.</param>
        /// <exception cref="OnyxException"><see cref="ErrorCode.BufferSizeMismatch"/> when the array's length is not the shape's.</exception>
        public static Tensor Copy<T>(T[] data, params long[] shape) where T : struct
        {
            return FromManagedArray(ElementTypeOf<T>.Value, data, shape, false);
        }

        /// <summary>Makes a tensor of <paramref name="elementType"/> that owns a copy of <paramref name="data"/>
        /// (for example float16 bits in a <see cref="ushort"/> array).</summary>
        /// <typeparam name="T">The element type's .NET type, or <see cref="ushort"/> for 16-bit floats.</typeparam>
        /// <param name="elementType">The element type the array holds.</param>
        /// <param name="data">The elements, in row-major order.</param>
        /// <param name="shape">The dimensions; none for a scalar.</param>
        public static Tensor Copy<T>(ElementType elementType, T[] data, params long[] shape) where T : struct
        {
            return FromManagedArray(elementType, data, shape, false);
        }

        /// <summary>
        /// Borrows <paramref name="data"/> without copying. The array is pinned until the tensor is
        /// disposed, and the tensor's <see cref="DataPointer"/> is the array's first element: runs
        /// read it in place, and a run into this tensor writes into the array. Keep the array
        /// unchanged while a run reads it.
        /// </summary>
        /// <typeparam name="T">float, double, sbyte, byte, short, ushort, int, uint, long, ulong, bool, <see cref="Float16"/> or <see cref="BFloat16"/>.</typeparam>
        /// <param name="data">The elements, in row-major order.</param>
        /// <param name="shape">The dimensions; none for a scalar.</param>
        /// <exception cref="OnyxException"><see cref="ErrorCode.BufferSizeMismatch"/> when the array's length is not the shape's.</exception>
        public static Tensor Borrow<T>(T[] data, params long[] shape) where T : struct
        {
            return FromManagedArray(ElementTypeOf<T>.Value, data, shape, true);
        }

        /// <summary>
        /// Borrows <paramref name="data"/> without copying, as elements of <paramref name="elementType"/>
        /// (for example float16 bits in a <see cref="ushort"/> array). See <see cref="Borrow{T}(T[], long[])"/>.
        /// </summary>
        /// <typeparam name="T">The element type's .NET type, or <see cref="ushort"/> for 16-bit floats.</typeparam>
        /// <param name="elementType">The element type the array holds.</param>
        /// <param name="data">The elements, in row-major order.</param>
        /// <param name="shape">The dimensions; none for a scalar.</param>
        public static Tensor Borrow<T>(ElementType elementType, T[] data, params long[] shape) where T : struct
        {
            return FromManagedArray(elementType, data, shape, true);
        }

        /// <summary>
        /// Borrows native memory you manage, without copying; the tensor's <see cref="DataPointer"/> is
        /// <paramref name="data"/>. Keep the memory valid (and unchanged while runs read it) until the
        /// tensor is disposed. It must be aligned for the element type.
        /// </summary>
        /// <param name="elementType">The type of the elements at <paramref name="data"/>.</param>
        /// <param name="data">The first element.</param>
        /// <param name="byteLength">Size of the memory in bytes; must match the shape.</param>
        /// <param name="shape">The dimensions; none for a scalar.</param>
        /// <exception cref="OnyxException"><see cref="ErrorCode.BufferSizeMismatch"/> when the length is not the shape's.</exception>
        public static unsafe Tensor Borrow(ElementType elementType, IntPtr data, long byteLength, params long[] shape)
        {
            if (shape == null) throw new ArgumentNullException(nameof(shape));
            if (byteLength < 0) throw new ArgumentOutOfRangeException(nameof(byteLength), byteLength, "a byte length is 0 or more");
            Library.EnsureCompatible();
            return Create(elementType, shape, data, (ulong)byteLength, true, default(GCHandle));
        }

        /// <summary>
        /// Makes a string tensor (<see cref="Onyx.ElementType.String"/>) holding copies of
        /// <paramref name="strings"/>, in row-major order, encoded as UTF-8; the array may be reused at once.
        /// A string may hold NUL characters. Read it back with <see cref="ToStringArray"/>.
        /// </summary>
        /// <param name="shape">The dimensions; empty for a scalar.</param>
        /// <param name="strings">As many strings as the shape has elements (none may be null).</param>
        /// <exception cref="OnyxException"><see cref="ErrorCode.BufferSizeMismatch"/> when the count is not the
        /// shape's; <see cref="ErrorCode.InvalidUtf8"/>, naming the element, for a string holding a lone
        /// surrogate (which has no UTF-8 form).</exception>
        public static unsafe Tensor FromStrings(long[] shape, string[] strings)
        {
            if (shape == null) throw new ArgumentNullException(nameof(shape));
            if (strings == null) throw new ArgumentNullException(nameof(strings));
            Library.EnsureCompatible();
            int count = strings.Length;
            var starts = new int[count];
            var lengths = new UIntPtr[count + 1];
            var encoded = new byte[count][];
            long total = 0;
            for (int i = 0; i < count; i++)
            {
                if (strings[i] == null) throw new ArgumentException("strings[" + i + "] is null", nameof(strings));
                encoded[i] = Utf8.Encode(strings[i]);
                total += encoded[i].Length;
            }
            // One buffer for every string, pinned only for the call (Onyx copies them).
            var buffer = new byte[checked((int)total) + 1];
            int at = 0;
            for (int i = 0; i < count; i++)
            {
                starts[i] = at;
                lengths[i] = (UIntPtr)encoded[i].Length;
                Buffer.BlockCopy(encoded[i], 0, buffer, at, encoded[i].Length);
                at += encoded[i].Length;
            }
            var pointers = new IntPtr[count + 1];
            IntPtr tensor;
            IntPtr status;
            fixed (byte* bytes = buffer)
            fixed (IntPtr* strs = pointers)
            fixed (UIntPtr* lens = lengths)
            fixed (long* dims = shape)
            {
                for (int i = 0; i < count; i++) strs[i] = (IntPtr)(bytes + starts[i]);
                status = Native.onyx_tensor_create_strings(dims, (UIntPtr)shape.Length, strs, lens, (UIntPtr)count, out tensor);
            }
            Status.Check(status);
            return new Tensor(new TensorHandle(tensor, default(GCHandle)));
        }

        /// <summary>Copies the strings of a string tensor (<see cref="Onyx.ElementType.String"/>) into a new
        /// array, in row-major order, decoded from UTF-8.</summary>
        /// <exception cref="OnyxException"><see cref="ErrorCode.TypeMismatch"/> for a tensor of another element type.</exception>
        public unsafe string[] ToStringArray()
        {
            Layout known = GetLayout();
            bool added = false;
            try
            {
                handle.DangerousAddRef(ref added);
                IntPtr raw = handle.DangerousGetHandle();
                var result = new string[known.ElementCount];
                // Element 0 is asked for even of an empty tensor: Onyx checks the element type
                // (TYPE_MISMATCH) before the index (INDEX_OUT_OF_RANGE, which means "no strings" here).
                long asked = Math.Max(known.ElementCount, 1);
                for (long i = 0; i < asked; i++)
                {
                    IntPtr data;
                    UIntPtr length;
                    IntPtr status = Native.onyx_tensor_string(raw, (UIntPtr)(ulong)i, out data, out length);
                    if (status != IntPtr.Zero)
                    {
                        OnyxException e = Status.ToException(status);
                        if (known.ElementCount == 0 && e.ErrorCode == ErrorCode.IndexOutOfRange) return result;
                        throw e;
                    }
                    result[i] = Utf8.Decode(data, checked((int)(ulong)length));
                }
                return result;
            }
            finally
            {
                if (added) handle.DangerousRelease();
            }
        }

        /// <summary>Copy and Borrow of a managed array: pins it for the call (a copy) or for the
        /// tensor's life (a borrow, the pin then owned by the tensor's handle).</summary>
        private static Tensor FromManagedArray<T>(ElementType elementType, T[] data, long[] shape, bool borrow) where T : struct
        {
            if (data == null) throw new ArgumentNullException(nameof(data));
            if (shape == null) throw new ArgumentNullException(nameof(shape));
            // Which .NET type holds which element type is the binding's to say; everything
            // about the element type itself (its size, the shape's byte length) is core's.
            if (elementType == ElementType.Undefined || !ElementTypes.Fits(ElementTypeOf<T>.Value, elementType))
                throw new ArgumentException("a " + typeof(T).Name + " array cannot hold " + elementType + " elements", nameof(data));
            Library.EnsureCompatible();
            // The array's own size, for Onyx to check against the shape.
            ulong byteLength = checked((ulong)data.LongLength * (ulong)ElementTypeOf<T>.Size);
            GCHandle pin = GCHandle.Alloc(data, GCHandleType.Pinned);
            bool owned = false;
            try
            {
                Tensor tensor = Create(elementType, shape, pin.AddrOfPinnedObject(), byteLength, borrow, borrow ? pin : default(GCHandle));
                owned = borrow;
                return tensor;
            }
            finally
            {
                // A copy needs the pin only for the call; a borrow's pin belongs to its handle
                // once one exists, and must be released here if none was made.
                if (!owned) pin.Free();
            }
        }

        private static unsafe Tensor Create(ElementType elementType, long[] shape, IntPtr data, ulong byteLength, bool borrow, GCHandle pin)
        {
            IntPtr tensor;
            IntPtr status;
            fixed (long* dims = shape)
            {
                status = borrow
                    ? Native.onyx_tensor_create_borrowed((uint)elementType, dims, (UIntPtr)shape.Length, (void*)data, (UIntPtr)byteLength, out tensor)
                    : Native.onyx_tensor_create_copy((uint)elementType, dims, (UIntPtr)shape.Length, (void*)data, (UIntPtr)byteLength, out tensor);
            }
            Status.Check(status);
            // A zero-length borrow may be given a null pointer; then Onyx is asked for the one it uses.
            return new Tensor(new TensorHandle(tensor, pin), borrow ? data : IntPtr.Zero);
        }

        /// <summary>The element type.</summary>
        public ElementType ElementType
        {
            get { return GetLayout().ElementType; }
        }

        /// <summary>The dimensions (a new copy on each read).</summary>
        public long[] Shape
        {
            get { return Shapes.Copy(GetLayout().Shape); }
        }

        /// <summary>Number of elements (the product of the dimensions), as Onyx counts them.</summary>
        public long ElementCount
        {
            get { return GetLayout().ElementCount; }
        }

        /// <summary>Size of the data in bytes, as Onyx counts them.</summary>
        public long ByteLength
        {
            get { return GetLayout().ByteLength; }
        }

        /// <summary>
        /// Address of the first element. For a tensor that borrows, the pinned array's or the
        /// caller's pointer. Valid until <see cref="Dispose"/>.
        /// </summary>
        public IntPtr DataPointer
        {
            get
            {
                handle.ThrowIfClosed(nameof(Tensor));
                IntPtr known = data;
                if (known != IntPtr.Zero) return known;
                bool added = false;
                try
                {
                    handle.DangerousAddRef(ref added);
                    return data = Native.onyx_tensor_mutable_data(handle.DangerousGetHandle());
                }
                finally
                {
                    if (added) handle.DangerousRelease();
                }
            }
        }

        /// <summary>Copies the elements into a new array.</summary>
        /// <typeparam name="T">The .NET type of the elements (<see cref="ushort"/> also reads 16-bit floats as bits).</typeparam>
        /// <exception cref="OnyxException"><see cref="ErrorCode.TypeMismatch"/> when the tensor holds another element type.</exception>
        public T[] ToArray<T>() where T : struct
        {
            Layout known = GetLayout();
            // Onyx's type check first, so a wrong type allocates nothing.
            bool added = false;
            try
            {
                handle.DangerousAddRef(ref added);
                IntPtr unused;
                Status.Check(Native.onyx_tensor_data_as(handle, (uint)AskedType<T>(known), out unused));
            }
            finally
            {
                if (added) handle.DangerousRelease();
            }
            var result = new T[ArrayLength<T>(known)];
            CopyTo(result, 0);
            return result;
        }

        /// <summary>Copies the elements into <paramref name="destination"/>, starting at <paramref name="destinationIndex"/>.</summary>
        /// <typeparam name="T">The .NET type of the elements (<see cref="ushort"/> also reads 16-bit floats as bits).</typeparam>
        /// <param name="destination">An array with room for <see cref="ElementCount"/> elements from the index on.</param>
        /// <param name="destinationIndex">Where the first element goes.</param>
        /// <exception cref="OnyxException"><see cref="ErrorCode.TypeMismatch"/> when the tensor holds another element type.</exception>
        /// <exception cref="ArgumentException">When the destination has no room for the elements.</exception>
        public unsafe void CopyTo<T>(T[] destination, int destinationIndex = 0) where T : struct
        {
            if (destination == null) throw new ArgumentNullException(nameof(destination));
            Layout known = GetLayout();
            ElementType asked = AskedType<T>(known);
            long needed = ArrayLength<T>(known);
            if (destinationIndex < 0 || destination.Length - (long)destinationIndex < needed)
                throw new ArgumentException("the destination has no room for " + needed + " elements from index " + destinationIndex, nameof(destination));
            GCHandle pin = GCHandle.Alloc(destination, GCHandleType.Pinned);
            bool added = false;
            try
            {
                // Holding a reference keeps the native data alive if another thread disposes the tensor meanwhile.
                handle.DangerousAddRef(ref added);
                IntPtr source;
                Status.Check(Native.onyx_tensor_data_as(handle, (uint)asked, out source));
                int size = ElementTypeOf<T>.Size;
                byte* target = (byte*)pin.AddrOfPinnedObject() + (long)destinationIndex * size;
                // The room is the caller's array's; Onyx's byte length is what is copied.
                long room = checked((destination.Length - (long)destinationIndex) * size);
                Buffer.MemoryCopy((void*)source, target, room, known.ByteLength);
            }
            finally
            {
                if (added) handle.DangerousRelease();
                pin.Free();
            }
        }

        /// <summary>Copies <see cref="ElementCount"/> elements from <paramref name="source"/>, starting at
        /// <paramref name="sourceIndex"/>, into the tensor's data (for example a kernel's output, from
        /// <see cref="KernelContext.Output"/>; into a borrowed array's tensor, it writes that array).</summary>
        /// <typeparam name="T">The .NET type of the elements (<see cref="ushort"/> also writes 16-bit floats as bits).</typeparam>
        /// <param name="source">An array holding at least <see cref="ElementCount"/> elements from the index on.</param>
        /// <param name="sourceIndex">Where the first element is.</param>
        /// <exception cref="OnyxException"><see cref="ErrorCode.TypeMismatch"/> when the tensor holds another element type.</exception>
        /// <exception cref="ArgumentException">When the source holds too few elements.</exception>
        /// <exception cref="InvalidOperationException">For a kernel's input (<see cref="IsReadOnly"/>).</exception>
        public unsafe void CopyFrom<T>(T[] source, int sourceIndex = 0) where T : struct
        {
            if (source == null) throw new ArgumentNullException(nameof(source));
            Layout known = GetLayout();
            if (readOnly) throw new InvalidOperationException("a kernel's input is read-only: write its outputs (KernelContext.Output)");
            ElementType asked = AskedType<T>(known);
            long needed = ArrayLength<T>(known);
            if (sourceIndex < 0 || source.Length - (long)sourceIndex < needed
                || (source.Length - (long)sourceIndex) * ElementTypeOf<T>.Size < known.ByteLength)
                throw new ArgumentException("the source holds fewer than " + needed + " elements from index " + sourceIndex, nameof(source));
            GCHandle pin = GCHandle.Alloc(source, GCHandleType.Pinned);
            bool added = false;
            try
            {
                handle.DangerousAddRef(ref added);
                IntPtr unused;
                Status.Check(Native.onyx_tensor_data_as(handle, (uint)asked, out unused));
                IntPtr target = Native.onyx_tensor_mutable_data(handle.DangerousGetHandle());
                byte* from = (byte*)pin.AddrOfPinnedObject() + (long)sourceIndex * ElementTypeOf<T>.Size;
                Buffer.MemoryCopy(from, (void*)target, known.ByteLength, known.ByteLength);
            }
            finally
            {
                if (added) handle.DangerousRelease();
                pin.Free();
            }
        }

        /// <summary>Frees the native tensor and, for a tensor over a managed array, unpins the array
        /// (once no run uses the tensor any more). A second call does nothing.</summary>
        public void Dispose()
        {
            // A value's tensor belongs to the value: it ends when the value is disposed.
            if (ofValue) return;
            handle.Dispose();
        }

        /// <summary>
        /// Hands the native tensor over to a C function that takes ownership of it (<c>onyx_value_create_*</c>,
        /// which frees it even when it fails): marks this tensor disposed without freeing it and returns
        /// the pointer to pass. <paramref name="pin"/> receives the pin of a borrowed array, which must
        /// now last as long as the native tensor does (default when there is none).
        /// </summary>
        internal IntPtr GiveAway(out GCHandle pin)
        {
            handle.ThrowIfClosed(nameof(Tensor));
            if (handle.IsLent)
                throw new ArgumentException("this tensor belongs to a value or a kernel's context and cannot be given to a value: copy it (Tensor.Copy) first");
            bool added = false;
            try
            {
                handle.DangerousAddRef(ref added);
                if (handle.Disposed) throw new ObjectDisposedException(nameof(Tensor));
                IntPtr raw = handle.DangerousGetHandle();
                pin = handle.TakePin();
                handle.Surrender();
                return raw;
            }
            finally
            {
                if (added) handle.DangerousRelease();
            }
        }

        /// <summary>Element type and shape, for people.</summary>
        public override string ToString()
        {
            if (handle.Disposed) return "Tensor (disposed)";
            Layout known = GetLayout();
            return "Tensor " + known.ElementType + "[" + string.Join(",", known.Shape) + "]";
        }

        /// <summary>How many <typeparamref name="T"/> elements hold the data: the element count, except for the
        /// packed 4-bit and 2-bit types, whose bytes (as core counts them) a byte array holds.</summary>
        private static long ArrayLength<T>(Layout known)
        {
            if (ElementTypes.IsRawBytes(known.ElementType) && ElementTypeOf<T>.Value == ElementType.UInt8) return known.ByteLength;
            return known.ElementCount;
        }

        /// <summary>The element type a read into a <typeparamref name="T"/> array asks Onyx for. Onyx
        /// checks it (the same TYPE_MISMATCH as in every language); the one choice made here is
        /// the binding's own: a ushort array also holds 16-bit floats' bits.</summary>
        private static ElementType AskedType<T>(Layout known)
        {
            ElementType asked = ElementTypeOf<T>.Value;
            if (ElementTypes.Fits(asked, known.ElementType)) return known.ElementType;
            return asked;
        }

        internal TensorHandle Handle
        {
            get { handle.ThrowIfClosed(nameof(Tensor)); return handle; }
        }

        private unsafe Layout GetLayout()
        {
            handle.ThrowIfClosed(nameof(Tensor));
            Layout known = layout;
            if (known != null) return known;
            bool added = false;
            try
            {
                handle.DangerousAddRef(ref added);
                IntPtr raw = handle.DangerousGetHandle();
                var elementType = (ElementType)Native.onyx_tensor_element_type(raw);
                int rank = checked((int)(ulong)Native.onyx_tensor_rank(raw));
                long* dims = (long*)Native.onyx_tensor_shape(raw);
                var shape = new long[rank];
                for (int i = 0; i < rank; i++) shape[i] = dims[i];
                known = new Layout(elementType, shape,
                    checked((long)(ulong)Native.onyx_tensor_element_count(raw)),
                    checked((long)(ulong)Native.onyx_tensor_byte_length(raw)));
            }
            finally
            {
                if (added) handle.DangerousRelease();
            }
            return layout = known;
        }
    }
}
