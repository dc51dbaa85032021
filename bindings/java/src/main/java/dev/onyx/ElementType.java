package dev.onyx;

/** Tensor element types, numbered as ONNX's {@code TensorProto.DataType}. */
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
    BFLOAT16(16, 2, "bfloat16");

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

    /** @return the size of one element in bytes */
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
     * @return the type, or null when it is not a numeric type Onyx supports
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
