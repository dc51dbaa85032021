package dev.onyx;

/**
 * What the native side calls for each log line: it turns the level's number into a
 * {@link LogLevel} and calls the user's {@link LogCallback}, and nothing it throws goes back
 * into native code (the line is lost instead).
 */
final class LogSink {
    private static final LogLevel[] LEVELS = LogLevel.values();
    private final LogCallback callback;

    LogSink(LogCallback callback) {
        this.callback = callback;
    }

    /** Called by libonyx_jni.so, on any thread. Never throws. */
    void log(int level, String category, String message) {
        try {
            callback.log(LEVELS[Math.max(0, Math.min(level, LEVELS.length - 1))], category, message);
        } catch (Throwable lost) {
            // The callback's own failure: this line is lost, the next one is delivered as usual.
        }
    }
}
