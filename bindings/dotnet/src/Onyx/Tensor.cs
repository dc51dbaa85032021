using System;
using System.Runtime.InteropServices;

namespace Onyx
{
    /// <summary>
    /// A dense CPU tensor: an element type, a shape and the data. Three ways to make one:
    /// <list type="bullet">
    /// <item><see cref="FromArray{T}(T[], long[])"/> wraps a managed array without copying: the array
    /// stays pinned for the tensor's lifetime (until <see cref="Dispose"/>) and runs read it in place;</item>
    /// <item><see cref="FromNativeMemory"/> wraps memory you manage yourself, also without copying;</item>
    /// <item><see cref="CopyFrom{T}(T[], long[])"/> and <see cref="Zeros"/> make a tensor that owns its data.</item>
    /// </list>
    /// Read it back with <see cref="ToArray{T}"/> or <see cref="CopyTo{T}"/>. Not synchronised: one thread
    /// writes at a time; any number may read it (including as a run input) at once.
    /// </summary>
    public sealed class Tensor : IDisposable
    {
        private readonly TensorHandle handle;
        // What the tensor is and where its data lives. Known at once for tensors made here;
        // for a run's output, asked of Onyx on first use (a run's outputs are often not all
        // read). Races between readers are benign: they compute the same values.
        private Layout layout;
        private IntPtr data;

        /// <summary>Element type, shape and size, which never change for a tensor.</summary>
        private sealed class Layout
        {
            internal readonly ElementType ElementType;
            internal readonly long[] Shape;
            internal readonly long ByteLength;

            internal Layout(ElementType elementType, long[] shape, long byteLength)
            {
                ElementType = elementType;
                Shape = shape;
                ByteLength = byteLength;
            }
        }

        /// <summary>Wraps a tensor Onyx made (a run's output); its layout is read when first needed.</summary>
        internal Tensor(TensorHandle handle)
        {
            this.handle = handle;
        }

        private Tensor(TensorHandle handle, Layout layout, IntPtr data)
        {
            this.handle = handle;
            this.layout = layout;
            this.data = data;
        }

        /// <summary>Wraps a tensor just created from our own arguments, so only an owned tensor's
        /// data pointer needs asking (a borrowed tensor's is the caller's, by the C ABI's contract).</summary>
        private static Tensor Created(TensorHandle handle, ElementType elementType, long[] shape, long byteLength, IntPtr borrowed)
        {
            IntPtr data = borrowed != IntPtr.Zero ? borrowed : Native.onyx_tensor_mutable_data(handle.DangerousGetHandle());
            return new Tensor(handle, new Layout(elementType, Shapes.Copy(shape), byteLength), data);
        }

        /// <summary>
        /// Wraps <paramref name="data"/> without copying. The array is pinned until the tensor is
        /// disposed, and the tensor's <see cref="DataPointer"/> is the array's first element: runs
        /// read it in place, and a run into this tensor writes into the array. Keep the array
        /// unchanged while a run reads it.
        /// </summary>
        /// <typeparam name="T">float, double, sbyte, byte, short, ushort, int, uint, long, ulong or bool.</typeparam>
        /// <param name="data">The elements, in row-major order.</param>
        /// <param name="shape">The dimensions; none for a scalar.</param>
        /// <exception cref="OnyxException"><see cref="ErrorCode.BufferSizeMismatch"/> when the array's length is not the shape's.</exception>
        public static Tensor FromArray<T>(T[] data, params long[] shape) where T : struct
        {
            return FromArray(ElementTypeOf<T>.Value, data, shape);
        }

        /// <summary>
        /// Wraps <paramref name="data"/> without copying, as elements of <paramref name="elementType"/>
        /// (for example <see cref="Onyx.ElementType.Float16"/> bits in a <see cref="ushort"/> array).
        /// See <see cref="FromArray{T}(T[], long[])"/>.
        /// </summary>
        /// <typeparam name="T">A .NET type of the element type's size (<see cref="ushort"/> for 16-bit floats).</typeparam>
        /// <param name="elementType">The element type the array holds.</param>
        /// <param name="data">The elements, in row-major order.</param>
        /// <param name="shape">The dimensions; none for a scalar.</param>
        public static unsafe Tensor FromArray<T>(ElementType elementType, T[] data, params long[] shape) where T : struct
        {
            CheckArray(elementType, data, shape);
            GCHandle pin = GCHandle.Alloc(data, GCHandleType.Pinned);
            TensorHandle owner = null;
            try
            {
                IntPtr tensor;
                IntPtr status;
                IntPtr address = pin.AddrOfPinnedObject();
                ulong byteLength = ByteLengthOf(elementType, data);
                fixed (long* dims = shape)
                {
                    status = Native.onyx_tensor_create_borrowed((uint)elementType, dims, (UIntPtr)shape.Length,
                        (void*)address, (UIntPtr)byteLength, out tensor);
                }
                Status.Check(status);
                owner = new TensorHandle(tensor, pin);
                return Created(owner, elementType, shape, (long)byteLength, address);
            }
            finally
            {
                // Until a handle owns the pin, a failure must release it here.
                if (owner == null) pin.Free();
            }
        }

        /// <summary>Makes a tensor that owns a copy of <paramref name="data"/>; the array is only read during the call.</summary>
        /// <typeparam name="T">float, double, sbyte, byte, short, ushort, int, uint, long, ulong or bool.</typeparam>
        /// <param name="data">The elements, in row-major order.</param>
        /// <param name="shape">The dimensions; none for a scalar.</param>
        /// <exception cref="OnyxException"><see cref="ErrorCode.BufferSizeMismatch"/> when the array's length is not the shape's.</exception>
        public static Tensor CopyFrom<T>(T[] data, params long[] shape) where T : struct
        {
            return CopyFrom(ElementTypeOf<T>.Value, data, shape);
        }

        /// <summary>Makes a tensor of <paramref name="elementType"/> that owns a copy of <paramref name="data"/>.</summary>
        /// <typeparam name="T">A .NET type of the element type's size (<see cref="ushort"/> for 16-bit floats).</typeparam>
        /// <param name="elementType">The element type the array holds.</param>
        /// <param name="data">The elements, in row-major order.</param>
        /// <param name="shape">The dimensions; none for a scalar.</param>
        public static unsafe Tensor CopyFrom<T>(ElementType elementType, T[] data, params long[] shape) where T : struct
        {
            CheckArray(elementType, data, shape);
            GCHandle pin = GCHandle.Alloc(data, GCHandleType.Pinned);
            try
            {
                IntPtr tensor;
                IntPtr status;
                ulong byteLength = ByteLengthOf(elementType, data);
                fixed (long* dims = shape)
                {
                    status = Native.onyx_tensor_create_copy((uint)elementType, dims, (UIntPtr)shape.Length,
                        (void*)pin.AddrOfPinnedObject(), (UIntPtr)byteLength, out tensor);
                }
                Status.Check(status);
                return Created(new TensorHandle(tensor, default(GCHandle)), elementType, shape, (long)byteLength, IntPtr.Zero);
            }
            finally
            {
                pin.Free();
            }
        }

        /// <summary>
        /// Wraps native memory you manage, without copying; the tensor's <see cref="DataPointer"/> is
        /// <paramref name="data"/>. Keep the memory valid (and unchanged while runs read it) until the
        /// tensor is disposed. It must be aligned for the element type.
        /// </summary>
        /// <param name="elementType">The type of the elements at <paramref name="data"/>.</param>
        /// <param name="data">The first element.</param>
        /// <param name="byteLength">Size of the memory in bytes; must match the shape.</param>
        /// <param name="shape">The dimensions; none for a scalar.</param>
        public static unsafe Tensor FromNativeMemory(ElementType elementType, IntPtr data, long byteLength, params long[] shape)
        {
            if (shape == null) throw new ArgumentNullException(nameof(shape));
            if (byteLength < 0) throw new ArgumentOutOfRangeException(nameof(byteLength));
            Library.EnsureCompatible();
            IntPtr tensor;
            IntPtr status;
            fixed (long* dims = shape)
            {
                status = Native.onyx_tensor_create_borrowed((uint)elementType, dims, (UIntPtr)shape.Length,
                    (void*)data, (UIntPtr)(ulong)byteLength, out tensor);
            }
            Status.Check(status);
            // A zero-length tensor may be given a null pointer; ask Onyx for what it uses then.
            return Created(new TensorHandle(tensor, default(GCHandle)), elementType, shape, byteLength, data);
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
                status = Native.onyx_tensor_create((uint)elementType, dims, (UIntPtr)shape.Length, out tensor);
            }
            Status.Check(status);
            return new Tensor(new TensorHandle(tensor, default(GCHandle)));
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

        /// <summary>Number of elements (the product of the dimensions).</summary>
        public long ElementCount
        {
            get { return Shapes.ElementCount(GetLayout().Shape); }
        }

        /// <summary>Size of the data in bytes.</summary>
        public long ByteLength
        {
            get { return GetLayout().ByteLength; }
        }

        /// <summary>
        /// Address of the first element. For <see cref="FromArray{T}(T[], long[])"/> it is the pinned
        /// array's, for <see cref="FromNativeMemory"/> the caller's pointer. Valid until <see cref="Dispose"/>.
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
        /// <typeparam name="T">The .NET type of the elements (<see cref="ushort"/> for 16-bit floats).</typeparam>
        /// <exception cref="InvalidCastException">When <typeparamref name="T"/> does not hold this tensor's element type.</exception>
        public T[] ToArray<T>() where T : struct
        {
            Layout known = CheckType<T>();
            var result = new T[known.ByteLength / ElementTypes.SizeOf(known.ElementType)];
            CopyTo(result, 0);
            return result;
        }

        /// <summary>Copies the elements into <paramref name="destination"/>, starting at <paramref name="destinationIndex"/>.</summary>
        /// <typeparam name="T">The .NET type of the elements (<see cref="ushort"/> for 16-bit floats).</typeparam>
        /// <param name="destination">An array with room for <see cref="ElementCount"/> elements from the index on.</param>
        /// <param name="destinationIndex">Where the first element goes.</param>
        public unsafe void CopyTo<T>(T[] destination, int destinationIndex = 0) where T : struct
        {
            if (destination == null) throw new ArgumentNullException(nameof(destination));
            Layout known = CheckType<T>();
            IntPtr source = DataPointer;
            int size = ElementTypes.SizeOf(known.ElementType);
            long count = known.ByteLength / size;
            if (destinationIndex < 0 || destination.Length - (long)destinationIndex < count)
                throw new ArgumentException("the destination has no room for " + count + " elements from index " + destinationIndex, nameof(destination));
            GCHandle pin = GCHandle.Alloc(destination, GCHandleType.Pinned);
            bool added = false;
            try
            {
                // Holding a reference keeps the native data alive if another thread disposes the tensor meanwhile.
                handle.DangerousAddRef(ref added);
                byte* target = (byte*)pin.AddrOfPinnedObject() + (long)destinationIndex * size;
                Buffer.MemoryCopy((void*)source, target, (destination.Length - (long)destinationIndex) * size, known.ByteLength);
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
            handle.Dispose();
        }

        /// <summary>Element type and shape, for people.</summary>
        public override string ToString()
        {
            if (handle.IsClosed) return "Tensor (disposed)";
            Layout known = GetLayout();
            return "Tensor " + known.ElementType + "[" + string.Join(",", known.Shape) + "]";
        }

        internal TensorHandle Handle
        {
            get { handle.ThrowIfClosed(nameof(Tensor)); return handle; }
        }

        private Layout CheckType<T>()
        {
            Layout known = GetLayout();
            if (known.ElementType != ElementTypeOf<T>.Value && !ElementTypes.Fits(typeof(T), known.ElementType))
                throw new InvalidCastException("the tensor holds " + known.ElementType + " elements, which a " + typeof(T).Name + " array cannot hold");
            return known;
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
                known = new Layout(elementType, shape, checked((long)(ulong)Native.onyx_tensor_byte_length(raw)));
            }
            finally
            {
                if (added) handle.DangerousRelease();
            }
            return layout = known;
        }

        private static void CheckArray<T>(ElementType elementType, T[] data, long[] shape)
        {
            if (data == null) throw new ArgumentNullException(nameof(data));
            if (shape == null) throw new ArgumentNullException(nameof(shape));
            if (elementType == ElementType.Undefined || (elementType != ElementTypeOf<T>.Value && !ElementTypes.Fits(typeof(T), elementType)))
                throw new ArgumentException("a " + typeof(T).Name + " array cannot hold " + elementType + " elements", nameof(data));
            Library.EnsureCompatible();
        }

        private static ulong ByteLengthOf<T>(ElementType elementType, T[] data)
        {
            return (ulong)data.LongLength * (ulong)ElementTypes.SizeOf(elementType);
        }
    }
}
