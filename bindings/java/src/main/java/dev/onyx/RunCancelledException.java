package dev.onyx;

import java.util.concurrent.CancellationException;

/**
 * An asynchronous run ({@link Session#runAsync}) that was cancelled: through the future's
 * {@link java.util.concurrent.Future#cancel cancel} in time, or by
 * {@link RunOptions#terminate()}. The future is then {@link
 * java.util.concurrent.Future#isCancelled() cancelled} and {@code get()} / {@code join()}
 * throw this exception. Its {@link #code()} is {@link ErrorCode#CANCELLED}, the code every
 * Onyx language reports for a cancelled run.
 */
public class RunCancelledException extends CancellationException {
    private static final long serialVersionUID = 1L;

    /** The message without the code name. */
    private final String detail;

    /**
     * An exception with Onyx's message for the cancellation.
     *
     * @param detail what happened
     */
    public RunCancelledException(String detail) {
        super(ErrorCode.CANCELLED.name() + ": " + detail);
        this.detail = detail;
    }

    /** @return {@link ErrorCode#CANCELLED} */
    public ErrorCode code() {
        return ErrorCode.CANCELLED;
    }

    /** @return the code's number (the C ABI's {@code ONYX_ERROR_CANCELLED}) */
    public int codeNumber() {
        return ErrorCode.CANCELLED.number();
    }

    /** @return the message without the code name in front */
    public String detail() {
        return detail;
    }
}
