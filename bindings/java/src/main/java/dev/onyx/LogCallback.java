package dev.onyx;

/**
 * Receives Onyx's and ONNX Runtime's log lines instead of stderr (see
 * {@link OnyxRuntime#setLogCallback}). Only lines the level ({@link OnyxRuntime#setLogLevel})
 * lets through arrive.
 *
 * <p>It is called on any thread, ONNX Runtime's own included, possibly on several at once,
 * so it must be thread-safe; it should return soon, since the thread that logs waits for it.
 * An exception it throws loses that line and nothing else.
 */
@FunctionalInterface
public interface LogCallback {
    /**
     * One log line.
     *
     * @param level its severity
     * @param category where it comes from: ONNX Runtime's logger id, or "onyx" for Onyx's own lines
     * @param message the text
     */
    void log(LogLevel level, String category, String message);
}
