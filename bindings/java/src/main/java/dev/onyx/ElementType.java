package dev.onyx;

/**
 * Tensor element types, numbered as ONNX's {@code TensorProto.DataType}.
 *
 * <p>{@link #STRING} tensors hold Java strings ({@link Tensor#fromStrings},
 * {@link Tensor#toStringArray}). The 8-bit float types and the 4- and 2-bit types are raw
 * bits: make and read them as bytes ({@link Tensor#copy(java.nio.ByteBuffer, ElementType, long...)},
 * {@link Tensor#toByteArray()}), the 4-bit types packed two to a byte and the 2-bit types four
 * to a byte, element 0 in the lowest bits, as ONNX packs them.
 */
public enum ElementType {
    /** 32-bit IEEE float ({@code float}). */
    FLOAT32(1, 4, "float"),
    /** Unsigned 8-bit integer. */
    UINT8(2, 1, "uint8"),
    /** Signed 8-bit integer ({@code byte}). */
    INT8(3, 1, "int8"),
    /** Unsigned 16-bit integer. */
    UINT16(4, 2, "uint16"),
    /** Signed 16-bit integer ({@code short}). */
    INT16(5, 2, "int16"),
    /** Signed 32-bit integer ({@code int}). */
    INT32(6, 4, "int32"),
    /** Signed 64-bit integer ({@code long}). */
    INT64(7, 8, "int64"),
    /** UTF-8 text, one Java {@code String} per element (copied in and out); no raw data. */
    STRING(8, 0, "string"),
    /** Boolean, one byte holding 0 or 1. */
    BOOL(9, 1, "bool"),
    /** IEEE half precision, as its 16 bits. */
    FLOAT16(10, 2, "float16"),
    /** 64-bit IEEE float ({@code double}). */
    FLOAT64(11, 8, "double"),
    /** Unsigned 32-bit integer. */
    UINT32(12, 4, "uint32"),
    /** Unsigned 64-bit integer. */
    UINT64(13, 8, "uint64"),
    /** bfloat16, as its 16 bits. */
    BFLOAT16(16, 2, "bfloat16"),
    /** 8-bit float E4M3, without infinities, as its bits. */
    FLOAT8E4M3FN(17, 1, "float8e4m3fn"),
    /** 8-bit float E4M3, without infinities or negative zero, as its bits. */
    FLOAT8E4M3FNUZ(18, 1, "float8e4m3fnuz"),
    /** 8-bit float E5M2, as its bits. */
    FLOAT8E5M2(19, 1, "float8e5m2"),
    /** 8-bit float E5M2, without infinities or negative zero, as its bits. */
    FLOAT8E5M2FNUZ(20, 1, "float8e5m2fnuz"),
    /** Unsigned 4-bit integer, two to a byte. */
    UINT4(21, 0, "uint4"),
    /** Signed 4-bit integer, two to a byte. */
    INT4(22, 0, "int4"),
    /** 4-bit float E2M1, two to a byte. */
    FLOAT4E2M1(23, 0, "float4e2m1"),
    /** 8-bit exponent-only float E8M0 (a scale), as its bits. */
    FLOAT8E8M0(24, 1, "float8e8m0"),
    /** Unsigned 2-bit integer, four to a byte. */
    UINT2(25, 0, "uint2"),
    /** Signed 2-bit integer, four to a byte. */
    INT2(26, 0, "int2");

    private final int onnx;
    private final int size;
    private final String onnxName;

    ElementType(int onnx, int size, String onnxName) {
        this.onnx = onnx;
        this.size = size;
        this.onnxName = onnxName;
    }

    /** @return ONNX's number for the type (1 for float) */
    public int onnxType() {
        return onnx;
    }

    /** @return the size of one element in bytes; 0 for {@link #STRING} and the 4- and 2-bit types (as onyx-core) */
    public int size() {
        return size;
    }

    /** @return ONNX's own name for the type ("float", "double", "int64", ...) */
    public String onnxName() {
        return onnxName;
    }

    /**
     * The type with this ONNX number.
     *
     * @param onnxType ONNX's number
     * @return the type, or null when it is not a type Onyx supports
     */
    public static ElementType fromOnnx(int onnxType) {
        for (ElementType type : values()) {
            if (type.onnx == onnxType) {
                return type;
            }
        }
        return null;
    }
}
