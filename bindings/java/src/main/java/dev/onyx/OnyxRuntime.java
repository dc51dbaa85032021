package dev.onyx;

import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * The runtime: which ONNX Runtime library is loaded, and from where. (Called
 * {@code OnyxRuntime} because {@code java.lang.Runtime} takes the plain name.)
 *
 * <p>Calling {@link #init} is optional: the first session, tensor or run options load
 * ONNX Runtime by the default lookup, which is: the {@code onyx.ort.path} system property,
 * then the {@code ONYX_ORT_LIBRARY} environment variable, then the copy carried in the
 * Onyx jar. A process loads one ONNX Runtime for its whole life.
 */
public final class OnyxRuntime {
    /** The version of this Onyx binding (and of the native library it needs). */
    public static final String VERSION = "0.1.0";

    private OnyxRuntime() {}

    /**
     * Loads ONNX Runtime by the default lookup, if no one has yet.
     *
     * @throws OnyxException {@link ErrorCode#RUNTIME_LOAD_FAILED} naming the file tried and why it failed
     */
    public static void init() {
        NativeLibrary.ensureRuntime();
    }

    /**
     * Loads ONNX Runtime from this file. Once a runtime is loaded, asking for another file
     * is an error.
     *
     * @param ortLibrary the ONNX Runtime shared library, e.g. {@code libonnxruntime.so.1.31.1}
     * @throws OnyxException {@link ErrorCode#RUNTIME_LOAD_FAILED} naming the file and why
     */
    public static void init(Path ortLibrary) {
        if (ortLibrary == null) {
            throw new NullPointerException("ortLibrary");
        }
        NativeLibrary.initRuntime(ortLibrary);
    }

    /**
     * @return the loaded ONNX Runtime's version, e.g. "1.31.1" (loads it first if needed)
     */
    public static String version() {
        NativeLibrary.ensureRuntime();
        return Native.runtimeVersion();
    }

    /**
     * @return the absolute path of the ONNX Runtime library actually loaded (loads it first if needed)
     */
    public static Path path() {
        NativeLibrary.ensureRuntime();
        return Paths.get(Native.runtimePath());
    }

    /**
     * Sets which log lines reach stderr, or the {@link #setLogCallback log callback} (default: warnings and up).
     *
     * @param level the lowest severity shown
     */
    public static void setLogLevel(LogLevel level) {
        NativeLibrary.ensureLoaded();
        Native.setLogLevel(java.util.Objects.requireNonNull(level, "level").number());
    }

    /**
     * Sends the log lines the level lets through ({@link #setLogLevel}) to {@code callback}
     * instead of stderr; null goes back to stderr. The callback is called on any thread,
     * ONNX Runtime's included, possibly on several at once (see {@link LogCallback}). When
     * this returns, the callback it replaced is not running and will not be called again.
     *
     * <pre>{@code
     * OnyxRuntime.setLogCallback((level, category, message) -> logger.info(level + " " + message));
     * }</pre>
     *
     * @param callback the callback, or null for stderr
     * @throws OnyxException {@link ErrorCode#INVALID_ARGUMENT} when called from inside the log
     *     callback (it would wait for itself)
     */
    public static void setLogCallback(LogCallback callback) {
        NativeLibrary.ensureLoaded();
        Native.setLogCallback(callback == null ? null : new LogSink(callback));
    }
}
