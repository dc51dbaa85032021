package dev.onyx;

/**
 * Per-run settings: a tag for ONNX Runtime's logs, and a terminate switch another thread
 * may flip while runs that use these options are in progress.
 *
 * <pre>{@code
 * try (RunOptions options = new RunOptions()) {
 *     executor.submit(() -> session.run(inputs, options));
 *     options.terminate(); // the run fails with ErrorCode.CANCELLED
 * }
 * }</pre>
 */
public final class RunOptions implements AutoCloseable {
    final NativeState state;

    /** New options: no tag, not terminated. */
    public RunOptions() {
        NativeLibrary.ensureRuntime();
        state = new NativeState(this, Native.runOptionsNew(), Native::runOptionsFree, "run options", null);
    }

    /**
     * Tags the log lines of runs with these options. Set it before the runs start.
     *
     * @param tag the tag
     * @return this
     */
    public RunOptions setTag(String tag) {
        java.util.Objects.requireNonNull(tag, "tag");
        state.callVoid(h -> Native.runOptionsSetTag(h, tag));
        return this;
    }

    /**
     * Adds a raw ONNX Runtime run config entry (onnxruntime_run_options_config_keys.h, e.g.
     * {@code memory.enable_memory_arena_shrinkage} = {@code cpu:0}). ONNX Runtime reads it at
     * each run, where a value it refuses fails the run with {@link ErrorCode#INVALID_ARGUMENT}.
     *
     * @param key the config key
     * @param value its value
     * @return this
     */
    public RunOptions addConfigEntry(String key, String value) {
        java.util.Objects.requireNonNull(key, "key");
        java.util.Objects.requireNonNull(value, "value");
        state.callVoid(h -> Native.runOptionsAddConfigEntry(h, key, value));
        return this;
    }

    /** @return the run tag ("" when none was set), as onyx-core holds it */
    public String tag() {
        return state.call(Native::runOptionsTag);
    }

    /**
     * Stops runs in progress with these options, and fails later ones with
     * {@link ErrorCode#CANCELLED}, until {@link #resetTerminate()}. Safe from any thread.
     */
    public void terminate() {
        state.callVoid(Native::runOptionsTerminate);
    }

    /** Lets runs with these options proceed again after {@link #terminate()}. */
    public void resetTerminate() {
        state.callVoid(Native::runOptionsResetTerminate);
    }

    /** Frees the native options (once no run is using them); a second close does nothing. */
    @Override
    public void close() {
        state.close();
    }
}
