package dev.onyx;

/** Severity of the log lines (ONNX Runtime's and Onyx's) that Onyx lets through to stderr or the {@link LogCallback}. */
public enum LogLevel {
    /** Everything. */
    VERBOSE,
    /** Informational and up. */
    INFO,
    /** Warnings and up (the default). */
    WARNING,
    /** Errors and up. */
    ERROR,
    /** Fatal errors only. */
    FATAL;

    /** @return the level's number, as the C ABI's {@code ONYX_LOG_*} (its position: 0 for VERBOSE) */
    public int number() {
        return ordinal();
    }
}
