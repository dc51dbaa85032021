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
 * <p>Three verbs make one, with the same meaning in every Onyx language:
 * {@link #zeros} (Onyx allocates zero-filled memory), {@code copy} (Onyx copies a Java
 * array or buffer; reuse it at once) and {@code borrow} (no copy: the tensor reads, and as
 * a {@link Session#runInto} output writes, a <em>direct</em> buffer's memory; its
 * {@link #dataAddress()} is the buffer's address and it keeps the buffer reachable until
 * it is freed). A heap array or heap buffer cannot be borrowed (the JVM moves them):
 * {@code borrow} refuses a heap buffer with {@link ErrorCode#INVALID_ARGUMENT} rather than
 * copying it silently. The {@code to...} reads copy the data into new Java arrays or
 * buffers; reading a tensor as another element type is {@link ErrorCode#TYPE_MISMATCH}
 * (onyx-core's check).
 *
 * <p>Close tensors (try-with-resources) to free native memory promptly; a forgotten one is
 * freed after it becomes unreachable. Tensors may be read by many threads at once (for
 * example as an input to concurrent runs) but are not synchronised for writing.
 */
public final class Tensor implements AutoCloseable {
    final NativeState state;
    private ElementType elementType; // read once, lazily: outputs are often only read as data
    private long[] shape;

    /** A kernel's input: reading only. */
    private final boolean readOnly;
    /** A kernel's view: what is cached is refused too once the call is over. */
    private final boolean view;

    private Tensor(long handle, Object keepAlive) {
        this.state = new NativeState(this, handle, Native::tensorFree, "tensor", keepAlive);
        this.readOnly = false;
        this.view = false;
    }

    private Tensor(NativeState state, boolean readOnly, boolean view) {
        this.state = state;
        this.readOnly = readOnly;
        this.view = view;
    }

    /**
     * A read-only view of a tensor inside a {@link Value} ({@code handle} is lent by the
     * value): usable while the value is open, never freed itself.
     */
    static Tensor partOf(Value owner, long handle) {
        return new Tensor(NativeState.view(owner.state, handle, "tensor (part of a Value)", owner), true, false);
    }

    /**
     * A kernel's view of ONNX Runtime's tensor for one call: never freed here; closed by its
     * {@link KernelContext} when the call ends, after which {@code released} runs.
     */
    static Tensor kernelView(long handle, boolean readOnly, java.util.function.LongConsumer released) {
        return new Tensor(new NativeState(null, handle, released, "kernel tensor (valid only during Kernel.compute)", null), readOnly, true);
    }

    /** Throws unless the tensor may be written. */
    void checkWritable() {
        if (readOnly) {
            throw new IllegalStateException("a kernel's input tensor is read-only");
        }
    }

    /** Wraps a tensor the native side created (a run's output). */
    static Tensor wrap(long handle) {
        return new Tensor(handle, null);
    }

    // --- zeros ----------------------------------------------------------------------------

    /**
     * A zero-filled tensor owning its memory, e.g. as a caller-provided output.
     *
     * @param type the element type
     * @param shape the dimensions
     * @return the tensor
     */
    public static Tensor zeros(ElementType type, long... shape) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(shape, "shape");
        NativeLibrary.ensureRuntime();
        return new Tensor(Native.tensorZeros(type.onnxType(), shape), null);
    }

    // --- copy: Java arrays ----------------------------------------------------------------

    /**
     * A float tensor holding a copy of {@code data}.
     *
     * @param data the elements, in row-major order
     * @param shape the dimensions; their product must equal {@code data.length}
     * @return the tensor
     * @throws OnyxException {@link ErrorCode#BUFFER_SIZE_MISMATCH} when the lengths differ
     */
    public static Tensor copy(float[] data, long... shape) {
        return copyArray(ElementType.FLOAT32, shape, data, 4);
    }

    /**
     * A double tensor holding a copy of {@code data}.
     *
     * @param data the elements, in row-major order
     * @param shape the dimensions
     * @return the tensor
     */
    public static Tensor copy(double[] data, long... shape) {
        return copyArray(ElementType.FLOAT64, shape, data, 8);
    }

    /**
     * An int64 tensor holding a copy of {@code data}.
     *
     * @param data the elements, in row-major order
     * @param shape the dimensions
     * @return the tensor
     */
    public static Tensor copy(long[] data, long... shape) {
        return copyArray(ElementType.INT64, shape, data, 8);
    }

    /**
     * An int32 tensor holding a copy of {@code data}.
     *
     * @param data the elements, in row-major order
     * @param shape the dimensions
     * @return the tensor
     */
    public static Tensor copy(int[] data, long... shape) {
        return copyArray(ElementType.INT32, shape, data, 4);
    }

    /**
     * A bool tensor holding a copy of {@code data}.
     *
     * @param data the elements, in row-major order
     * @param shape the dimensions
     * @return the tensor
     */
    public static Tensor copy(boolean[] data, long... shape) {
        return copyArray(ElementType.BOOL, shape, data, 1);
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
    public static Tensor copy(byte[] data, ElementType type, long... shape) {
        return copyArray(type, shape, data, 1);
    }

    /**
     * A tensor of two-byte elements ({@link ElementType#INT16}, {@link ElementType#UINT16},
     * {@link ElementType#FLOAT16}, {@link ElementType#BFLOAT16}, the latter two as their bits,
     * see {@link Float16} and {@link BFloat16}) holding a copy of {@code data}.
     *
     * @param data the elements, in row-major order
     * @param type a two-byte element type
     * @param shape the dimensions
     * @return the tensor
     */
    public static Tensor copy(short[] data, ElementType type, long... shape) {
        return copyArray(type, shape, data, 2);
    }

    // --- strings ------------------------------------------------------------------------

    /**
     * A string tensor holding copies of {@code strings} (UTF-8 inside; ONNX Runtime keeps its
     * own copy too), in row-major order.
     *
     * @param shape the dimensions; their product must equal {@code strings.length}
     * @param strings the elements, none null
     * @return the tensor
     * @throws OnyxException {@link ErrorCode#INVALID_UTF8} naming the first element that has no
     *     UTF-8 form (a Java string holding an unpaired surrogate), {@link ErrorCode#BUFFER_SIZE_MISMATCH}
     *     when the counts differ (onyx-core's checks)
     */
    public static Tensor fromStrings(long[] shape, String[] strings) {
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(strings, "strings");
        for (int i = 0; i < strings.length; i++) {
            Objects.requireNonNull(strings[i], "strings[" + i + "]");
        }
        NativeLibrary.ensureRuntime();
        return new Tensor(Native.tensorFromStrings(shape, strings), null);
    }

    /**
     * The elements of a string tensor, copied into new Java strings, in row-major order.
     *
     * @return a copy of the elements
     * @throws OnyxException {@link ErrorCode#TYPE_MISMATCH} unless the tensor holds strings (onyx-core's check)
     */
    public String[] toStringArray() {
        return state.call(Native::tensorStrings);
    }

    // --- copy: buffers --------------------------------------------------------------------

    /**
     * A float tensor holding a copy of the buffer's remaining elements (heap or direct; a
     * direct one must be in native byte order).
     *
     * @param data the elements, from its position to its limit
     * @param shape the dimensions
     * @return the tensor
     */
    public static Tensor copy(FloatBuffer data, long... shape) {
        return copyBuffer(ElementType.FLOAT32, shape, data, 4);
    }

    /**
     * A double tensor holding a copy of the buffer's remaining elements.
     *
     * @param data the elements, from its position to its limit
     * @param shape the dimensions
     * @return the tensor
     */
    public static Tensor copy(DoubleBuffer data, long... shape) {
        return copyBuffer(ElementType.FLOAT64, shape, data, 8);
    }

    /**
     * An int64 tensor holding a copy of the buffer's remaining elements.
     *
     * @param data the elements, from its position to its limit
     * @param shape the dimensions
     * @return the tensor
     */
    public static Tensor copy(LongBuffer data, long... shape) {
        return copyBuffer(ElementType.INT64, shape, data, 8);
    }

    /**
     * An int32 tensor holding a copy of the buffer's remaining elements.
     *
     * @param data the elements, from its position to its limit
     * @param shape the dimensions
     * @return the tensor
     */
    public static Tensor copy(IntBuffer data, long... shape) {
        return copyBuffer(ElementType.INT32, shape, data, 4);
    }

    /**
     * A tensor of a two-byte type holding a copy of the buffer's remaining elements.
     *
     * @param data the elements, from its position to its limit
     * @param type a two-byte element type
     * @param shape the dimensions
     * @return the tensor
     */
    public static Tensor copy(ShortBuffer data, ElementType type, long... shape) {
        return copyBuffer(type, shape, data, 2);
    }

    /**
     * A tensor of any element type holding a copy of the buffer's remaining bytes
     * (multi-byte elements in native byte order).
     *
     * @param data the elements' bytes, from its position to its limit
     * @param type the element type
     * @param shape the dimensions
     * @return the tensor
     */
    public static Tensor copy(ByteBuffer data, ElementType type, long... shape) {
        return copyBuffer(type, shape, data, 1);
    }

    // --- borrow: direct buffers -----------------------------------------------------------

    /**
     * A float tensor over a direct buffer's remaining elements, without a copy. The buffer
     * must be direct and in native byte order.
     *
     * @param data the elements, from its position to its limit
     * @param shape the dimensions
     * @return the tensor
     * @throws OnyxException {@link ErrorCode#INVALID_ARGUMENT} for a heap buffer or another byte order
     */
    public static Tensor borrow(FloatBuffer data, long... shape) {
        return borrowBuffer(ElementType.FLOAT32, shape, data, 4);
    }

    /**
     * A double tensor over a direct buffer's remaining elements, without a copy.
     *
     * @param data the elements, from its position to its limit
     * @param shape the dimensions
     * @return the tensor
     * @throws OnyxException {@link ErrorCode#INVALID_ARGUMENT} for a heap buffer or another byte order
     */
    public static Tensor borrow(DoubleBuffer data, long... shape) {
        return borrowBuffer(ElementType.FLOAT64, shape, data, 8);
    }

    /**
     * An int64 tensor over a direct buffer's remaining elements, without a copy.
     *
     * @param data the elements, from its position to its limit
     * @param shape the dimensions
     * @return the tensor
     * @throws OnyxException {@link ErrorCode#INVALID_ARGUMENT} for a heap buffer or another byte order
     */
    public static Tensor borrow(LongBuffer data, long... shape) {
        return borrowBuffer(ElementType.INT64, shape, data, 8);
    }

    /**
     * An int32 tensor over a direct buffer's remaining elements, without a copy.
     *
     * @param data the elements, from its position to its limit
     * @param shape the dimensions
     * @return the tensor
     * @throws OnyxException {@link ErrorCode#INVALID_ARGUMENT} for a heap buffer or another byte order
     */
    public static Tensor borrow(IntBuffer data, long... shape) {
        return borrowBuffer(ElementType.INT32, shape, data, 4);
    }

    /**
     * A tensor of a two-byte type over a direct buffer's remaining elements, without a copy.
     *
     * @param data the elements, from its position to its limit
     * @param type a two-byte element type
     * @param shape the dimensions
     * @return the tensor
     * @throws OnyxException {@link ErrorCode#INVALID_ARGUMENT} for a heap buffer or another byte order
     */
    public static Tensor borrow(ShortBuffer data, ElementType type, long... shape) {
        return borrowBuffer(type, shape, data, 2);
    }

    /**
     * A tensor of any element type over a direct buffer's remaining bytes, without a copy
     * (multi-byte elements in native byte order).
     *
     * @param data the elements' bytes, from its position to its limit
     * @param type the element type
     * @param shape the dimensions
     * @return the tensor
     * @throws OnyxException {@link ErrorCode#INVALID_ARGUMENT} for a heap buffer or another byte order
     */
    public static Tensor borrow(ByteBuffer data, ElementType type, long... shape) {
        return borrowBuffer(type, shape, data, 1);
    }

    private static Tensor copyArray(ElementType type, long[] shape, Object array, int componentSize) {
        check(type, shape, array, componentSize);
        NativeLibrary.ensureRuntime();
        return new Tensor(Native.tensorCopyArray(type.onnxType(), shape, array, componentSize), null);
    }

    private static Tensor copyBuffer(ElementType type, long[] shape, Buffer buffer, int componentSize) {
        if (!Objects.requireNonNull(buffer, "data").isDirect()) {
            // The JVM may move heap memory: copy the elements out in Java's own order.
            return copyArray(type, shape, heapElements(buffer), componentSize);
        }
        return overBuffer(type, shape, buffer, componentSize, false);
    }

    private static Tensor borrowBuffer(ElementType type, long[] shape, Buffer buffer, int componentSize) {
        return overBuffer(type, shape, buffer, componentSize, true); // a heap buffer: the native side refuses it
    }

    private static Tensor overBuffer(ElementType type, long[] shape, Buffer buffer, int componentSize, boolean borrow) {
        check(type, shape, buffer, componentSize);
        if (buffer.isDirect()) {
            checkOrder(type, buffer);
        }
        NativeLibrary.ensureRuntime();
        long offset = (long) buffer.position() * componentSize;
        long length = (long) buffer.remaining() * componentSize;
        long handle = Native.tensorFromBuffer(type.onnxType(), shape, buffer, offset, length, componentSize, borrow);
        return new Tensor(handle, borrow ? buffer : null);
    }

    private static void check(ElementType type, long[] shape, Object data, int componentSize) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(data, "data");
        if (componentSize != 1 && componentSize != type.size()) {
            throw new OnyxException(ErrorCode.TYPE_MISMATCH, "Java elements of " + componentSize + " bytes cannot hold "
                    + type.onnxName() + " elements (" + type.size() + " bytes each)");
        }
    }

    private static void checkOrder(ElementType type, Buffer buffer) {
        ByteOrder order = order(buffer);
        if (type.size() > 1 && order != ByteOrder.nativeOrder()) {
            throw new OnyxException(ErrorCode.INVALID_ARGUMENT, "a direct buffer of " + type.onnxName()
                    + " elements must be in native byte order (" + ByteOrder.nativeOrder() + "); this one is " + order);
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
        } else {
            return ((ShortBuffer) buffer).order(); // the overloads take no other buffer type
        }
    }

    /** A heap buffer's remaining elements as a new Java array. */
    private static Object heapElements(Buffer buffer) {
        if (buffer instanceof ByteBuffer) {
            byte[] out = new byte[buffer.remaining()];
            ((ByteBuffer) buffer).duplicate().get(out);
            return out;
        } else if (buffer instanceof FloatBuffer) {
            float[] out = new float[buffer.remaining()];
            ((FloatBuffer) buffer).duplicate().get(out);
            return out;
        } else if (buffer instanceof DoubleBuffer) {
            double[] out = new double[buffer.remaining()];
            ((DoubleBuffer) buffer).duplicate().get(out);
            return out;
        } else if (buffer instanceof LongBuffer) {
            long[] out = new long[buffer.remaining()];
            ((LongBuffer) buffer).duplicate().get(out);
            return out;
        } else if (buffer instanceof IntBuffer) {
            int[] out = new int[buffer.remaining()];
            ((IntBuffer) buffer).duplicate().get(out);
            return out;
        } else {
            short[] out = new short[buffer.remaining()];
            ((ShortBuffer) buffer).duplicate().get(out);
            return out;
        }
    }

    // --- what it is (onyx-core's answers) -------------------------------------------------

    /** @return the element type */
    public ElementType elementType() {
        ElementType type = elementType;
        if (type == null || view) {
            type = ElementType.fromOnnx(state.call(h -> Native.tensorElementType(h)));
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
        if (dims == null || view) {
            dims = state.call(Native::tensorShape);
            shape = dims;
        }
        return dims;
    }

    /** @return the number of elements (the product of the dimensions) */
    public long elementCount() {
        return state.call(h -> Native.tensorElementCount(h));
    }

    /** @return the size of the data in bytes */
    public long byteLength() {
        return state.call(h -> Native.tensorByteLength(h));
    }

    /**
     * The native address of the first element: for a borrowed tensor, the buffer's own
     * address. For interop and diagnostics; valid until the tensor is closed.
     *
     * @return the address
     */
    public long dataAddress() {
        return state.call(h -> Native.tensorDataAddress(h));
    }

    // --- reading it back ------------------------------------------------------------------

    /**
     * The elements, read as {@code type}, in a new Java array of the matching primitive type:
     * {@code float[]} (float), {@code double[]} (double), {@code long[]} (int64, uint64),
     * {@code int[]} (int32, uint32), {@code short[]} (int16, uint16, float16 and bfloat16
     * bits), {@code byte[]} (int8, uint8), {@code boolean[]} (bool). Unsigned values keep
     * their bits. The typed reads below are this with the cast done.
     *
     * @param type the element type the tensor holds
     * @return a copy of the elements
     * @throws OnyxException {@link ErrorCode#TYPE_MISMATCH} unless the tensor holds {@code type} (onyx-core's check)
     */
    public Object toArray(ElementType type) {
        Objects.requireNonNull(type, "type");
        return state.call(h -> Native.tensorToArray(h, type.onnxType()));
    }

    /** @return a copy of the elements; {@link ErrorCode#TYPE_MISMATCH} unless the tensor holds floats */
    public float[] toFloatArray() {
        return (float[]) read(ElementType.FLOAT32);
    }

    /** @return a copy of the elements; {@link ErrorCode#TYPE_MISMATCH} unless the tensor holds doubles */
    public double[] toDoubleArray() {
        return (double[]) read(ElementType.FLOAT64);
    }

    /** @return a copy of the elements; {@link ErrorCode#TYPE_MISMATCH} unless the tensor holds int64 */
    public long[] toLongArray() {
        return (long[]) read(ElementType.INT64);
    }

    /** @return a copy of the elements; {@link ErrorCode#TYPE_MISMATCH} unless the tensor holds int32 */
    public int[] toIntArray() {
        return (int[]) read(ElementType.INT32);
    }

    /** @return a copy of the elements; {@link ErrorCode#TYPE_MISMATCH} unless the tensor holds bools */
    public boolean[] toBooleanArray() {
        return (boolean[]) read(ElementType.BOOL);
    }

    /**
     * The elements of a two-byte type, as {@code short}s (float16 and bfloat16 as their bits).
     *
     * @param type the two-byte type the tensor holds
     * @return a copy of the elements; {@link ErrorCode#TYPE_MISMATCH} unless the tensor holds {@code type}
     */
    public short[] toShortArray(ElementType type) {
        if (Objects.requireNonNull(type, "type").size() != 2) {
            throw new OnyxException(ErrorCode.INVALID_ARGUMENT, "toShortArray reads two-byte types; " + type.onnxName()
                    + " elements are " + type.size() + " bytes");
        }
        return (short[]) read(type);
    }

    /** @return a copy of the raw bytes of any element type, in native byte order */
    public byte[] toByteArray() {
        return (byte[]) state.call(h -> Native.tensorToArray(h, 0));
    }

    /** @return a copy of the raw bytes of any element type in a new direct buffer, in native byte order */
    public ByteBuffer toByteBuffer() {
        return readBuffer(0);
    }

    /** @return a copy of the elements in a new direct buffer; the tensor must hold floats */
    public FloatBuffer toFloatBuffer() {
        return readBuffer(ElementType.FLOAT32.onnxType()).asFloatBuffer();
    }

    /** @return a copy of the elements in a new direct buffer; the tensor must hold doubles */
    public DoubleBuffer toDoubleBuffer() {
        return readBuffer(ElementType.FLOAT64.onnxType()).asDoubleBuffer();
    }

    /** @return a copy of the elements in a new direct buffer; the tensor must hold int64 */
    public LongBuffer toLongBuffer() {
        return readBuffer(ElementType.INT64.onnxType()).asLongBuffer();
    }

    /** @return a copy of the elements in a new direct buffer; the tensor must hold int32 */
    public IntBuffer toIntBuffer() {
        return readBuffer(ElementType.INT32.onnxType()).asIntBuffer();
    }

    /**
     * Overwrites the tensor's elements, e.g. to reuse one input tensor across runs.
     *
     * @param data exactly {@link #elementCount()} floats; the tensor must hold floats
     * @throws IllegalStateException for a kernel's input (read-only), or a closed tensor
     */
    public void copyFrom(float[] data) {
        Objects.requireNonNull(data, "data");
        checkWritable();
        state.callVoid(h -> Native.tensorWriteArray(h, ElementType.FLOAT32.onnxType(), data, 4));
    }

    private Object read(ElementType type) {
        return toArray(type);
    }

    private ByteBuffer readBuffer(int type) {
        return state.call(h -> {
            long length = Native.tensorByteLength(h);
            if (length > Integer.MAX_VALUE) {
                throw new OnyxException(ErrorCode.INVALID_ARGUMENT, "a tensor of " + length + " bytes is too large for a Java buffer");
            }
            ByteBuffer out = ByteBuffer.allocateDirect((int) length).order(ByteOrder.nativeOrder());
            Native.tensorToBuffer(h, type, out, 0, length);
            return out;
        });
    }

    /**
     * Frees the native tensor (once no run is using it); a second close does nothing. After
     * {@link Value#of} or {@link Value#map} took the tensor, closing it does nothing either.
     * A tensor read from a {@link Value} is a view: closing it leaves the value alone.
     */
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
