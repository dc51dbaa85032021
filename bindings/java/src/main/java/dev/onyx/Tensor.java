package dev.onyx;

import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * A dense tensor in CPU memory: an input to {@link Session#run}, an output of it, or a
 * caller-provided output for {@link Session#runInto}.
 *
 * <p>From a Java array, the tensor holds a native copy. From a <em>direct</em> buffer in
 * native byte order, the tensor uses the buffer's memory without a copy (its
 * {@link #dataAddress()} is the buffer's address; the tensor keeps the buffer reachable
 * until it is freed); from a heap buffer it holds a copy. Getters copy the data back into
 * new Java arrays or buffers.
 *
 * <p>Close tensors (try-with-resources) to free native memory promptly; a forgotten one is
 * freed after it becomes unreachable. Tensors may be read by many threads at once (for
 * example as an input to concurrent runs) but are not synchronised for writing.
 */
public final class Tensor implements AutoCloseable {
    final NativeState state;
    private ElementType elementType; // read once, lazily: outputs are often only read as data
    private long[] shape;

    private Tensor(long handle, Object keepAlive) {
        this.state = new NativeState(this, handle, Native::tensorFree, "tensor", keepAlive);
    }

    /** Wraps a tensor the native side created (a run's output). */
    static Tensor wrap(long handle) {
        return new Tensor(handle, null);
    }

    // --- making tensors -----------------------------------------------------------------

    /**
     * A zero-filled tensor owning its memory, e.g. as a caller-provided output.
     *
     * @param type the element type
     * @param shape the dimensions
     * @return the tensor
     */
    public static Tensor allocate(ElementType type, long... shape) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(shape, "shape");
        NativeLibrary.ensureRuntime();
        return new Tensor(Native.tensorZeros(type.onnxType(), shape), null);
    }

    /**
     * A float tensor holding a copy of {@code data}.
     *
     * @param data the elements, in row-major order
     * @param shape the dimensions; their product must equal {@code data.length}
     * @return the tensor
     * @throws OnyxException {@link ErrorCode#BUFFER_SIZE_MISMATCH} when the lengths differ
     */
    public static Tensor fromArray(float[] data, long... shape) {
        return copy(ElementType.FLOAT32, shape, data, 4);
    }

    /**
     * A double tensor holding a copy of {@code data}.
     *
     * @param data the elements, in row-major order
     * @param shape the dimensions
     * @return the tensor
     */
    public static Tensor fromArray(double[] data, long... shape) {
        return copy(ElementType.FLOAT64, shape, data, 8);
    }

    /**
     * An int64 tensor holding a copy of {@code data}.
     *
     * @param data the elements, in row-major order
     * @param shape the dimensions
     * @return the tensor
     */
    public static Tensor fromArray(long[] data, long... shape) {
        return copy(ElementType.INT64, shape, data, 8);
    }

    /**
     * An int32 tensor holding a copy of {@code data}.
     *
     * @param data the elements, in row-major order
     * @param shape the dimensions
     * @return the tensor
     */
    public static Tensor fromArray(int[] data, long... shape) {
        return copy(ElementType.INT32, shape, data, 4);
    }

    /**
     * A bool tensor holding a copy of {@code data}.
     *
     * @param data the elements, in row-major order
     * @param shape the dimensions
     * @return the tensor
     */
    public static Tensor fromArray(boolean[] data, long... shape) {
        return copy(ElementType.BOOL, shape, data, 1);
    }

    /**
     * A tensor of one-byte elements ({@link ElementType#UINT8}, {@link ElementType#INT8},
     * {@link ElementType#BOOL}) holding a copy of {@code data}.
     *
     * @param data the elements, in row-major order
     * @param type a one-byte element type
     * @param shape the dimensions
     * @return the tensor
     */
    public static Tensor fromArray(byte[] data, ElementType type, long... shape) {
        return copy(type, shape, data, 1);
    }

    /**
     * A tensor of two-byte elements ({@link ElementType#INT16}, {@link ElementType#UINT16},
     * {@link ElementType#FLOAT16}, {@link ElementType#BFLOAT16}, the latter two as raw bits)
     * holding a copy of {@code data}.
     *
     * @param data the elements, in row-major order
     * @param type a two-byte element type
     * @param shape the dimensions
     * @return the tensor
     */
    public static Tensor fromArray(short[] data, ElementType type, long... shape) {
        return copy(type, shape, data, 2);
    }

    /**
     * A float tensor over the buffer's remaining elements: no copy if the buffer is direct
     * (it must then be in native byte order), else a copy.
     *
     * @param data the elements, from its position to its limit
     * @param shape the dimensions
     * @return the tensor
     */
    public static Tensor fromBuffer(FloatBuffer data, long... shape) {
        return borrow(ElementType.FLOAT32, shape, data, 4);
    }

    /**
     * A double tensor over the buffer's remaining elements (no copy if direct).
     *
     * @param data the elements, from its position to its limit
     * @param shape the dimensions
     * @return the tensor
     */
    public static Tensor fromBuffer(DoubleBuffer data, long... shape) {
        return borrow(ElementType.FLOAT64, shape, data, 8);
    }

    /**
     * An int64 tensor over the buffer's remaining elements (no copy if direct).
     *
     * @param data the elements, from its position to its limit
     * @param shape the dimensions
     * @return the tensor
     */
    public static Tensor fromBuffer(LongBuffer data, long... shape) {
        return borrow(ElementType.INT64, shape, data, 8);
    }

    /**
     * An int32 tensor over the buffer's remaining elements (no copy if direct).
     *
     * @param data the elements, from its position to its limit
     * @param shape the dimensions
     * @return the tensor
     */
    public static Tensor fromBuffer(IntBuffer data, long... shape) {
        return borrow(ElementType.INT32, shape, data, 4);
    }

    /**
     * A tensor of a two-byte type over the buffer's remaining elements (no copy if direct).
     *
     * @param data the elements, from its position to its limit
     * @param type a two-byte element type
     * @param shape the dimensions
     * @return the tensor
     */
    public static Tensor fromBuffer(ShortBuffer data, ElementType type, long... shape) {
        return borrow(type, shape, data, 2);
    }

    /**
     * A tensor of any element type over the buffer's remaining bytes (no copy if direct;
     * multi-byte elements must then be in native byte order).
     *
     * @param data the elements' bytes, from its position to its limit
     * @param type the element type
     * @param shape the dimensions
     * @return the tensor
     */
    public static Tensor fromBuffer(ByteBuffer data, ElementType type, long... shape) {
        return borrow(type, shape, data, 1);
    }

    private static Tensor copy(ElementType type, long[] shape, Object array, int componentSize) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(array, "data");
        checkComponent(type, componentSize);
        NativeLibrary.ensureRuntime();
        return new Tensor(Native.tensorFromArray(type.onnxType(), shape, array, componentSize), null);
    }

    private static Tensor borrow(ElementType type, long[] shape, Buffer buffer, int componentSize) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(buffer, "data");
        checkComponent(type, componentSize);
        if (!buffer.isDirect()) {
            buffer = directCopy(buffer, componentSize);
            componentSize = 1;
        } else if (type.size() > 1 && order(buffer) != ByteOrder.nativeOrder()) {
            throw new IllegalArgumentException("a direct buffer for " + type.onnxName() + " elements must be in native byte order ("
                    + ByteOrder.nativeOrder() + "), this one is " + order(buffer));
        }
        NativeLibrary.ensureRuntime();
        long offset = (long) buffer.position() * componentSize;
        long length = (long) buffer.remaining() * componentSize;
        return new Tensor(Native.tensorFromBuffer(type.onnxType(), shape, buffer, offset, length, componentSize), buffer);
    }

    private static void checkComponent(ElementType type, int componentSize) {
        if (componentSize != 1 && componentSize != type.size()) {
            throw new IllegalArgumentException("elements of " + componentSize + " bytes cannot hold " + type.onnxName()
                    + " (" + type.size() + " bytes each)");
        }
    }

    private static ByteOrder order(Buffer buffer) {
        if (buffer instanceof ByteBuffer) {
            return ((ByteBuffer) buffer).order();
        } else if (buffer instanceof FloatBuffer) {
            return ((FloatBuffer) buffer).order();
        } else if (buffer instanceof DoubleBuffer) {
            return ((DoubleBuffer) buffer).order();
        } else if (buffer instanceof LongBuffer) {
            return ((LongBuffer) buffer).order();
        } else if (buffer instanceof IntBuffer) {
            return ((IntBuffer) buffer).order();
        } else if (buffer instanceof ShortBuffer) {
            return ((ShortBuffer) buffer).order();
        }
        throw new IllegalArgumentException("unsupported buffer type " + buffer.getClass().getName());
    }

    /** A native-order direct copy of a heap buffer's remaining elements. */
    private static ByteBuffer directCopy(Buffer buffer, int componentSize) {
        ByteBuffer copy = ByteBuffer.allocateDirect(buffer.remaining() * componentSize).order(ByteOrder.nativeOrder());
        if (buffer instanceof ByteBuffer) {
            copy.put(((ByteBuffer) buffer).duplicate());
        } else if (buffer instanceof FloatBuffer) {
            copy.asFloatBuffer().put(((FloatBuffer) buffer).duplicate());
        } else if (buffer instanceof DoubleBuffer) {
            copy.asDoubleBuffer().put(((DoubleBuffer) buffer).duplicate());
        } else if (buffer instanceof LongBuffer) {
            copy.asLongBuffer().put(((LongBuffer) buffer).duplicate());
        } else if (buffer instanceof IntBuffer) {
            copy.asIntBuffer().put(((IntBuffer) buffer).duplicate());
        } else if (buffer instanceof ShortBuffer) {
            copy.asShortBuffer().put(((ShortBuffer) buffer).duplicate());
        } else {
            throw new IllegalArgumentException("unsupported buffer type " + buffer.getClass().getName());
        }
        copy.clear();
        return copy;
    }

    // --- what it is ---------------------------------------------------------------------

    /** @return the element type */
    public ElementType elementType() {
        ElementType type = elementType;
        if (type == null) {
            long handle = state.acquire();
            try {
                type = ElementType.fromOnnx(Native.tensorElementType(handle));
            } finally {
                state.release();
            }
            elementType = type;
        }
        return type;
    }

    /** @return the dimensions (a copy) */
    public long[] shape() {
        return shapeRef().clone();
    }

    private long[] shapeRef() {
        long[] dims = shape;
        if (dims == null) {
            long handle = state.acquire();
            try {
                dims = Native.tensorShape(handle);
            } finally {
                state.release();
            }
            shape = dims;
        }
        return dims;
    }

    /** @return the number of elements (the product of the dimensions) */
    public long elementCount() {
        long count = 1;
        for (long d : shapeRef()) {
            count *= d;
        }
        return count;
    }

    /** @return the size of the data in bytes */
    public long byteSize() {
        return elementCount() * elementType().size();
    }

    /**
     * The native address of the first element: for a tensor made from a direct buffer, the
     * buffer's own address. For interop and diagnostics; valid until the tensor is closed.
     *
     * @return the address
     */
    public long dataAddress() {
        long handle = state.acquire();
        try {
            return Native.tensorDataAddress(handle);
        } finally {
            state.release();
        }
    }

    // --- reading it back ----------------------------------------------------------------

    /** @return a copy of the elements; the tensor must hold floats */
    public float[] getFloats() {
        float[] out = new float[arrayLength(ElementType.FLOAT32)];
        copyTo(out, 4);
        return out;
    }

    /** @return a copy of the elements; the tensor must hold doubles */
    public double[] getDoubles() {
        double[] out = new double[arrayLength(ElementType.FLOAT64)];
        copyTo(out, 8);
        return out;
    }

    /** @return a copy of the elements; the tensor must hold int64 */
    public long[] getLongs() {
        long[] out = new long[arrayLength(ElementType.INT64)];
        copyTo(out, 8);
        return out;
    }

    /** @return a copy of the elements; the tensor must hold int32 */
    public int[] getInts() {
        int[] out = new int[arrayLength(ElementType.INT32)];
        copyTo(out, 4);
        return out;
    }

    /** @return a copy of the elements; the tensor must hold bools */
    public boolean[] getBooleans() {
        boolean[] out = new boolean[arrayLength(ElementType.BOOL)];
        copyTo(out, 1);
        return out;
    }

    /** @return a copy of the raw bytes of any element type, in native byte order */
    public byte[] getBytes() {
        byte[] out = new byte[toInt(byteSize())];
        copyTo(out, 1);
        return out;
    }

    /** @return a copy of the elements of a two-byte type (int16, uint16, float16 and bfloat16 bits) */
    public short[] getShorts() {
        if (elementType().size() != 2) {
            throw typeMismatch("a two-byte type");
        }
        short[] out = new short[toInt(elementCount())];
        copyTo(out, 2);
        return out;
    }

    /** @return a copy of the raw bytes in a new direct buffer in native byte order */
    public ByteBuffer getByteBuffer() {
        ByteBuffer out = ByteBuffer.allocateDirect(toInt(byteSize())).order(ByteOrder.nativeOrder());
        long handle = state.acquire();
        try {
            Native.tensorCopyToBuffer(handle, out, 0, out.capacity(), 1);
        } finally {
            state.release();
        }
        return out;
    }

    /** @return a copy of the elements in a new direct buffer; the tensor must hold floats */
    public FloatBuffer getFloatBuffer() {
        arrayLength(ElementType.FLOAT32);
        return getByteBuffer().asFloatBuffer();
    }

    /** @return a copy of the elements in a new direct buffer; the tensor must hold doubles */
    public DoubleBuffer getDoubleBuffer() {
        arrayLength(ElementType.FLOAT64);
        return getByteBuffer().asDoubleBuffer();
    }

    /** @return a copy of the elements in a new direct buffer; the tensor must hold int64 */
    public LongBuffer getLongBuffer() {
        arrayLength(ElementType.INT64);
        return getByteBuffer().asLongBuffer();
    }

    /** @return a copy of the elements in a new direct buffer; the tensor must hold int32 */
    public IntBuffer getIntBuffer() {
        arrayLength(ElementType.INT32);
        return getByteBuffer().asIntBuffer();
    }

    /**
     * Overwrites the tensor's elements, e.g. to reuse one input tensor across runs.
     *
     * @param data exactly {@link #elementCount()} floats; the tensor must hold floats
     */
    public void copyFrom(float[] data) {
        arrayLength(ElementType.FLOAT32);
        long handle = state.acquire();
        try {
            Native.tensorCopyFromArray(handle, Objects.requireNonNull(data, "data"), 4);
        } finally {
            state.release();
        }
    }

    private void copyTo(Object array, int componentSize) {
        long handle = state.acquire();
        try {
            Native.tensorCopyToArray(handle, array, componentSize);
        } finally {
            state.release();
        }
    }

    private int arrayLength(ElementType wanted) {
        if (elementType() != wanted) {
            throw typeMismatch(wanted.onnxName());
        }
        return toInt(elementCount());
    }

    private OnyxException typeMismatch(String wanted) {
        ElementType type = elementType();
        return new OnyxException(ErrorCode.TYPE_MISMATCH,
                "tensor holds " + (type == null ? "unsupported" : type.onnxName()) + " elements, not " + wanted);
    }

    private static int toInt(long count) {
        if (count > Integer.MAX_VALUE - 8) {
            throw new OnyxException(ErrorCode.INVALID_ARGUMENT, "tensor of " + count + " elements is too large for a Java array");
        }
        return (int) count;
    }

    /** Frees the native tensor (once no run is using it); a second close does nothing. */
    @Override
    public void close() {
        state.close();
    }

    @Override
    public String toString() {
        if (state.isClosed()) {
            return "Tensor(closed)";
        }
        ElementType type = elementType();
        return "Tensor(" + (type == null ? "?" : type.onnxName()) + " " + Arrays.toString(shapeRef()) + ")";
    }
}
