package dev.onyx;

/**
 * Onyx's stable error codes: the same names and numbers as {@code onyx_core::ErrorCode}
 * and the C ABI's {@code ONYX_ERROR_*}. Numbers are append-only and never reused.
 */
public enum ErrorCode {
    /** An argument has a value that is not allowed (a negative dimension, an unknown option). */
    INVALID_ARGUMENT(1),
    /** A required pointer or handle was null. */
    NULL_POINTER(2),
    /** A string was not valid UTF-8. */
    INVALID_UTF8(3),
    /** ONNX Runtime (or Onyx's own native library) could not be found, opened, or is too old. */
    RUNTIME_LOAD_FAILED(4),
    /** The model file does not exist. */
    MODEL_NOT_FOUND(5),
    /** The model bytes are not a valid ONNX model. */
    INVALID_MODEL(6),
    /** An input name the model does not have. */
    UNKNOWN_INPUT(7),
    /** A model input was not given. */
    MISSING_INPUT(8),
    /** An output name the model does not have. */
    UNKNOWN_OUTPUT(9),
    /** A tensor's element type is not the one the model expects. */
    TYPE_MISMATCH(10),
    /** A tensor's rank is not the one the model expects. */
    RANK_MISMATCH(11),
    /** A tensor's dimension is not the one the model expects. */
    SHAPE_MISMATCH(12),
    /** A buffer's length does not match the tensor's shape and element type. */
    BUFFER_SIZE_MISMATCH(13),
    /** The run was terminated through its {@link RunOptions}. */
    CANCELLED(14),
    /** A requested execution provider is not available in this ONNX Runtime. */
    EXECUTION_PROVIDER_UNAVAILABLE(15),
    /** An index past the end (input, output or metadata key). */
    INDEX_OUT_OF_RANGE(16),
    /** ONNX Runtime reported a failure Onyx has no finer code for. */
    RUNTIME_ERROR(17),
    /** A bug: Onyx's native code panicked. The panic was caught at the boundary. */
    PANIC(18),
    /** The native library is another Onyx version than these Java classes (another ABI). */
    ABI_MISMATCH(19),
    /** Memory for a size the caller or the model asked for could not be allocated. */
    OUT_OF_MEMORY(20),
    /** The model uses an operator no ONNX Runtime kernel or registered custom-op library provides. */
    UNSUPPORTED_OPERATOR(21),
    /** A host-language kernel ({@link Kernel}) failed: its exception's class and message. */
    KERNEL_FAILED(22);

    private final int number;

    ErrorCode(int number) {
        this.number = number;
    }

    /** @return the code's stable number, as in the C ABI */
    public int number() {
        return number;
    }

    /**
     * The code with this number.
     *
     * @param number a code number
     * @return the code, or {@link #RUNTIME_ERROR} for a number this version does not know
     */
    public static ErrorCode fromNumber(int number) {
        for (ErrorCode code : values()) {
            if (code.number == number) {
                return code;
            }
        }
        return RUNTIME_ERROR;
    }
}
