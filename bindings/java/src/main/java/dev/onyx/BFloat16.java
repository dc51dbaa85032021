package dev.onyx;

/**
 * Conversions between {@code float} and bfloat16 (the top half of a float32) bits, as held in a {@code short} (the
 * elements of an {@link ElementType#BFLOAT16} tensor). They are onyx-core's, so every
 * Onyx language gives the same bits: round to nearest even, as ONNX Runtime does; NaN
 * stays NaN.
 */
public final class BFloat16 {
    private BFloat16() {}

    /**
     * @param value a float
     * @return the nearest bfloat16 value's bits (ties to even)
     */
    public static short fromFloat(float value) {
        NativeLibrary.ensureLoaded();
        return Native.bfloat16FromFloat(value);
    }

    /**
     * @param bits a bfloat16 value's bits
     * @return the same number as a float (exact)
     */
    public static float toFloat(short bits) {
        NativeLibrary.ensureLoaded();
        return Native.bfloat16ToFloat(bits);
    }
}
