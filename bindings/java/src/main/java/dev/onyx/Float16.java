package dev.onyx;

/**
 * Conversions between {@code float} and IEEE half precision (float16) bits, as held in a {@code short} (the
 * elements of an {@link ElementType#FLOAT16} tensor). They are onyx-core's, so every
 * Onyx language gives the same bits: round to nearest even, as ONNX Runtime does; NaN
 * stays NaN.
 */
public final class Float16 {
    private Float16() {}

    /**
     * @param value a float
     * @return the nearest float16 value's bits (ties to even)
     */
    public static short fromFloat(float value) {
        NativeLibrary.ensureLoaded();
        return Native.float16FromFloat(value);
    }

    /**
     * @param bits a float16 value's bits
     * @return the same number as a float (exact)
     */
    public static float toFloat(short bits) {
        NativeLibrary.ensureLoaded();
        return Native.float16ToFloat(bits);
    }
}
