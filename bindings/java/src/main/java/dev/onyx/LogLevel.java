package dev.onyx;

/** Severity of ONNX Runtime's own log lines that Onyx lets through to stderr. */
public enum LogLevel {
    /** Everything. */
    VERBOSE(0),
    /** Informational and up. */
    INFO(1),
    /** Warnings and up (the default). */
    WARNING(2),
    /** Errors and up. */
    ERROR(3),
    /** Fatal errors only. */
    FATAL(4);

    private final int number;

    LogLevel(int number) {
        this.number = number;
    }

    /** @return the level's number, as the C ABI's {@code ONYX_LOG_*} */
    public int number() {
        return number;
    }
}
