package dev.onyx;

/**
 * A failure reported by Onyx or ONNX Runtime, with the same {@link ErrorCode} the C ABI
 * and every other Onyx binding reports for it.
 *
 * <p>Unchecked, like {@link IllegalArgumentException}: most Onyx errors are mistakes in
 * the model or the inputs, which a caller rarely recovers from at the call site. Misuse of
 * the Java objects themselves (use after {@code close()}) is an
 * {@link IllegalStateException} instead.
 */
public class OnyxException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What went wrong. */
    private final ErrorCode code;
    /** The code's number as reported, kept even when this version does not know it. */
    private final int codeNumber;
    /** The message without the code name. */
    private final String detail;

    /**
     * An exception with a code and a message.
     *
     * @param code what went wrong
     * @param detail what happened, naming the value, shape or file concerned
     */
    public OnyxException(ErrorCode code, String detail) {
        this(code.number(), detail);
    }

    /** Called by the native library, with the code's number. */
    OnyxException(int codeNumber, String detail) {
        super(ErrorCode.fromNumber(codeNumber).name() + ": " + detail);
        this.code = ErrorCode.fromNumber(codeNumber);
        this.codeNumber = codeNumber;
        this.detail = detail;
    }

    /** @return the error code */
    public ErrorCode code() {
        return code;
    }

    /** @return the code's number as the native library reported it (the C ABI's value) */
    public int codeNumber() {
        return codeNumber;
    }

    /** @return the message without the code name in front */
    public String detail() {
        return detail;
    }
}
