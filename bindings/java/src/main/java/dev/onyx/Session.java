package dev.onyx;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * A loaded model, ready to run.
 *
 * <pre>{@code
 * try (Session session = Session.fromFile(Paths.get("resnet18.onnx"));
 *      Tensor input = Tensor.copy(pixels, 1, 3, 224, 224);
 *      RunOutputs outputs = session.run(Map.of("input", input))) {
 *     float[] logits = outputs.get("logits").toFloatArray();
 * }
 * }</pre>
 *
 * <p>A session is safe to use from many threads at once, and concurrent runs proceed in
 * parallel. {@link #close()} may be called while other threads are running: later calls
 * throw {@link IllegalStateException}, and the native session is freed when the last run
 * in progress finishes.
 */
public final class Session implements AutoCloseable {
    private final NativeState state;
    private final List<ValueInfo> inputs;
    private final List<ValueInfo> outputs;
    private final List<String> outputNames;
    private final Map<String, Integer> inputIndex = new HashMap<>();
    private final Map<String, Integer> outputIndex = new HashMap<>();
    private final ModelMetadata metadata;

    private Session(long handle) {
        state = new NativeState(this, handle, Native::sessionFree, "session", null);
        try {
            inputs = describe(handle, false, inputIndex);
            outputs = describe(handle, true, outputIndex);
            metadata = Native.sessionMetadata(handle);
        } catch (RuntimeException e) {
            state.close();
            throw e;
        }
        List<String> names = new ArrayList<>();
        for (ValueInfo info : outputs) {
            names.add(info.name());
        }
        outputNames = Collections.unmodifiableList(names);
    }

    private static List<ValueInfo> describe(long handle, boolean outputs, Map<String, Integer> index) {
        int count = Native.sessionValueCount(handle, outputs);
        List<ValueInfo> infos = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            ValueInfo info = Native.sessionValueInfo(handle, outputs, i);
            infos.add(info);
            index.put(info.name(), i);
        }
        return Collections.unmodifiableList(infos);
    }

    /**
     * Loads a model file with default options.
     *
     * @param model the .onnx file
     * @return the session
     * @throws OnyxException {@link ErrorCode#MODEL_NOT_FOUND}, {@link ErrorCode#INVALID_MODEL}, ...
     */
    public static Session fromFile(Path model) {
        return fromFile(model, new SessionOptions());
    }

    /**
     * Loads a model file.
     *
     * @param model the .onnx file
     * @param options session options
     * @return the session
     * @throws OnyxException {@link ErrorCode#MODEL_NOT_FOUND}, {@link ErrorCode#INVALID_MODEL}, ...
     */
    public static Session fromFile(Path model, SessionOptions options) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(options, "options");
        NativeLibrary.ensureRuntime();
        return new Session(options.createSession(model.toString(), null));
    }

    /**
     * Loads a model from its bytes, with default options.
     *
     * @param model the model's bytes (may be reused once this returns)
     * @return the session
     * @throws OnyxException {@link ErrorCode#INVALID_MODEL} when the bytes are not a model
     */
    public static Session fromBytes(byte[] model) {
        return fromBytes(model, new SessionOptions());
    }

    /**
     * Loads a model from its bytes.
     *
     * @param model the model's bytes (may be reused once this returns)
     * @param options session options
     * @return the session
     * @throws OnyxException {@link ErrorCode#INVALID_MODEL} when the bytes are not a model
     */
    public static Session fromBytes(byte[] model, SessionOptions options) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(options, "options");
        NativeLibrary.ensureRuntime();
        return new Session(options.createSession(null, model));
    }

    /**
     * @param index the input's position in the model
     * @return input number {@code index}
     * @throws OnyxException {@link ErrorCode#INDEX_OUT_OF_RANGE} past the end (onyx-core's check)
     */
    public ValueInfo input(int index) {
        return state.call(h -> Native.sessionValueInfo(h, false, index));
    }

    /**
     * @param index the output's position in the model
     * @return output number {@code index}
     * @throws OnyxException {@link ErrorCode#INDEX_OUT_OF_RANGE} past the end (onyx-core's check)
     */
    public ValueInfo output(int index) {
        return state.call(h -> Native.sessionValueInfo(h, true, index));
    }

    /** @return the model's inputs, in model order */
    public List<ValueInfo> inputs() {
        return inputs;
    }

    /** @return the model's outputs, in model order */
    public List<ValueInfo> outputs() {
        return outputs;
    }

    /**
     * Ends profiling (see {@link SessionOptions#enableProfiling}); later runs are not profiled.
     *
     * @return the JSON profile ONNX Runtime wrote
     * @throws OnyxException {@link ErrorCode#INVALID_ARGUMENT} when profiling is not enabled
     */
    public Path endProfiling() {
        return java.nio.file.Paths.get(state.call(Native::sessionEndProfiling));
    }

    /** @return the model's metadata */
    public ModelMetadata metadata() {
        return metadata;
    }

    /**
     * Runs the model and returns every output.
     *
     * @param inputs input tensors by input name
     * @return the outputs, in model order; close it to free them
     * @throws OnyxException {@link ErrorCode#UNKNOWN_INPUT}, {@link ErrorCode#MISSING_INPUT},
     *     {@link ErrorCode#TYPE_MISMATCH}, {@link ErrorCode#SHAPE_MISMATCH}, ...
     */
    public RunOutputs run(Map<String, Tensor> inputs) {
        return run(inputs, null, null);
    }

    /**
     * Runs the model with run options (for example to terminate it from another thread).
     *
     * @param inputs input tensors by input name
     * @param options run options, or null
     * @return the outputs, in model order
     */
    public RunOutputs run(Map<String, Tensor> inputs, RunOptions options) {
        return run(inputs, null, options);
    }

    /**
     * Runs the model and returns the outputs asked for.
     *
     * @param inputs input tensors by input name
     * @param outputNames the outputs wanted, in the order wanted; null for all
     * @param options run options, or null
     * @return the outputs
     * @throws OnyxException {@link ErrorCode#UNKNOWN_OUTPUT} for a name the model lacks, and as {@link #run(Map)}
     */
    public RunOutputs run(Map<String, Tensor> inputs, List<String> outputNames, RunOptions options) {
        Call call = new Call(inputs, 0, options);
        try {
            int[] outIndices = null;
            String[] outNames = null;
            List<String> names = this.outputNames;
            if (outputNames != null) {
                names = Collections.unmodifiableList(new ArrayList<>(outputNames));
                outNames = names.toArray(new String[0]);
                outIndices = call.indices(outNames, outputIndex, "output name");
            }
            long[] handles = call.byName()
                    ? Native.sessionRun(call.session, call.inIndices, call.inNames, call.inHandles, outIndices, outNames, call.options)
                    : Native.sessionRun(call.session, call.inIndices, null, call.inHandles, outIndices, null, call.options);
            List<Tensor> tensors = new ArrayList<>(handles.length);
            for (long handle : handles) {
                tensors.add(Tensor.wrap(handle));
            }
            return new RunOutputs(names, tensors);
        } finally {
            call.release();
        }
    }

    /**
     * Runs the model on values (tensors, string tensors, sequences, maps, optionals) and
     * returns every output as a {@link Value}.
     *
     * <pre>{@code
     * try (Value features = Value.of(Tensor.copy(rows, 4, 4));
     *      ValueOutputs outputs = session.runValues(Map.of("input", features))) {
     *     String[] labels = outputs.get("output_label").tensor().toStringArray();
     *     Map<Object, Object> first = outputs.get("output_probability").items().get(0).toMap();
     * }
     * }</pre>
     *
     * <p>Plain tensor inputs are passed without a copy; ONNX Runtime copies the sequences and
     * maps it is given, and strings are copied in and out. An absent optional
     * ({@code Value.optional(null)}) is the same as leaving the input out.
     *
     * @param inputs input values by input name
     * @return the outputs, in model order; close it to free them
     * @throws OnyxException {@link ErrorCode#MISSING_INPUT} (an absent optional for an input
     *     the model requires), {@link ErrorCode#TYPE_MISMATCH}, {@link ErrorCode#UNKNOWN_INPUT}, ...
     */
    public ValueOutputs runValues(Map<String, Value> inputs) {
        return runValues(inputs, null, null);
    }

    /**
     * As {@link #runValues(Map)}, with run options.
     *
     * @param inputs input values by input name
     * @param options run options, or null
     * @return the outputs, in model order
     */
    public ValueOutputs runValues(Map<String, Value> inputs, RunOptions options) {
        return runValues(inputs, null, options);
    }

    /**
     * As {@link #runValues(Map)}, for the outputs asked for.
     *
     * @param inputs input values by input name
     * @param outputNames the outputs wanted, in the order wanted; null for all
     * @param options run options, or null
     * @return the outputs
     * @throws OnyxException {@link ErrorCode#UNKNOWN_OUTPUT} for a name the model lacks, and as {@link #runValues(Map)}
     */
    public ValueOutputs runValues(Map<String, Value> inputs, List<String> outputNames, RunOptions options) {
        Objects.requireNonNull(inputs, "inputs");
        List<String> names = outputNames == null ? this.outputNames : Collections.unmodifiableList(new ArrayList<>(outputNames));
        String[] outNames = outputNames == null ? null : names.toArray(new String[0]);
        if (outNames != null) {
            for (String name : outNames) {
                Objects.requireNonNull(name, "output name");
            }
        }
        int n = inputs.size();
        String[] inNames = new String[n];
        long[] inHandles = new long[n];
        List<NativeState> held = new ArrayList<>(n + 1);
        long session = state.acquire();
        try {
            int i = 0;
            for (Map.Entry<String, Value> entry : inputs.entrySet()) {
                inNames[i] = Objects.requireNonNull(entry.getKey(), "input name");
                NativeState value = Objects.requireNonNull(entry.getValue(), "input value").state;
                inHandles[i] = value.acquire();
                held.add(value);
                i++;
            }
            long runOptions = 0;
            if (options != null) {
                runOptions = options.state.acquire();
                held.add(options.state);
            }
            long[] handles = Native.sessionRunValues(session, inNames, inHandles, outNames, runOptions);
            List<Value> values = new ArrayList<>(handles.length);
            for (long handle : handles) {
                values.add(Value.wrap(handle, null));
            }
            return new ValueOutputs(names, values);
        } finally {
            for (NativeState object : held) {
                object.release();
            }
            state.release();
        }
    }

    /**
     * Starts a run and returns at once; the run happens on one of Onyx's worker threads.
     *
     * <pre>{@code
     * CompletableFuture<RunOutputs> future = session.runAsync(Map.of("input", input));
     * future.cancel(true);            // true when in time: the run stops, get() throws RunCancelledException
     * try (RunOutputs outputs = future.join()) { ... }
     * }</pre>
     *
     * <p>Every Onyx failure, a bad input included ({@link ErrorCode#SHAPE_MISMATCH},
     * {@link ErrorCode#UNKNOWN_INPUT}, ...), completes the future exceptionally with the
     * {@link OnyxException} {@link #run(Map)} would throw; nothing Onyx reports is thrown
     * here. Only misuse of the Java objects is: a null argument
     * ({@link NullPointerException}), a closed session, tensor or run options
     * ({@link IllegalStateException}).
     *
     * <p>{@link CompletableFuture#cancel cancel} stops the run: when in time it returns true,
     * the future is {@link CompletableFuture#isCancelled() cancelled} at once and
     * {@code get()} / {@code join()} throw {@link RunCancelledException} (code
     * {@link ErrorCode#CANCELLED}); when the result was already decided it returns false and
     * the future completes with that result (as for any {@code CompletableFuture}, cancel
     * returns {@code isCancelled()}: true again on a future already cancelled). A run
     * terminated through its {@link RunOptions} completes the same way as a cancelled one.
     *
     * <p>The run holds the session and the input tensors until it is over, so closing
     * either meanwhile is safe (the native objects are freed when the run ends, even after a
     * cancellation), but do not write into an input tensor before the future completes.
     * The future is completed from {@link CompletableFuture#defaultExecutor()}'s
     * threads (the common pool), never from an Onyx worker, so dependent actions
     * ({@code thenApply}, ...) that block hold up no run. Close the outputs when done.
     *
     * @param inputs input tensors by input name
     * @return the future outputs, in model order
     */
    public CompletableFuture<RunOutputs> runAsync(Map<String, Tensor> inputs) {
        return runAsync(inputs, null, null);
    }

    /**
     * As {@link #runAsync(Map)}, with run options (tag, config entries; terminating them
     * terminates this run too). The run takes its own copy of the options when it starts.
     *
     * @param inputs input tensors by input name
     * @param options run options, or null
     * @return the future outputs, in model order
     */
    public CompletableFuture<RunOutputs> runAsync(Map<String, Tensor> inputs, RunOptions options) {
        return runAsync(inputs, null, options);
    }

    /**
     * As {@link #runAsync(Map)}, for the outputs asked for.
     *
     * @param inputs input tensors by input name
     * @param outputNames the outputs wanted, in the order wanted; null for all
     * @param options run options, or null
     * @return the future outputs; a name the model lacks completes it with {@link ErrorCode#UNKNOWN_OUTPUT}
     */
    public CompletableFuture<RunOutputs> runAsync(Map<String, Tensor> inputs, List<String> outputNames, RunOptions options) {
        List<String> names = outputNames == null ? this.outputNames : Collections.unmodifiableList(new ArrayList<>(outputNames));
        String[] outNames = outputNames == null ? null : names.toArray(new String[0]);
        if (outNames != null) {
            for (String name : outNames) {
                Objects.requireNonNull(name, "output name");
            }
        }
        Call call = new Call(inputs, 0, options); // throws at the call for null or closed objects
        AsyncRunFuture future = new AsyncRunFuture(names, call::release);
        long run;
        try {
            run = Native.sessionRunAsync(call.session, call.inNames, call.inHandles, outNames, call.options, future);
        } catch (OnyxException e) {
            call.release(); // the run never started: done will not be called
            future.completeExceptionally(e);
            return future;
        } catch (RuntimeException | Error e) {
            call.release();
            throw e;
        }
        future.started(run);
        return future;
    }

    /**
     * The future of one {@link #runAsync} call. Its native run is a handle that
     * {@link #cancel} uses and that is freed when the native side reports the end.
     */
    private static final class AsyncRunFuture extends CompletableFuture<RunOutputs> {
        private final List<String> names;
        /** Releases the session, the input tensors and the run options the run holds. */
        private Runnable release;
        /** The native run, until the native side reports the end. */
        private NativeState run;
        private boolean nativeDone;

        AsyncRunFuture(List<String> names, Runnable release) {
            this.names = names;
            this.release = release;
        }

        /** The native run started; its end may already have been reported. */
        synchronized void started(long handle) {
            if (nativeDone) {
                Native.asyncRunFree(handle);
            } else {
                run = new NativeState(this, handle, Native::asyncRunFree, "asynchronous run", null);
            }
        }

        /**
         * Stops the run. True when in time: the future is then cancelled with a
         * {@link RunCancelledException}. {@code mayInterruptIfRunning} makes no difference:
         * a run in progress is always stopped (between two of the model's nodes).
         */
        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            NativeState native_;
            synchronized (this) {
                native_ = run;
            }
            if (native_ != null) {
                boolean inTime;
                try {
                    inTime = native_.call(Native::asyncRunCancel);
                } catch (IllegalStateException over) { // the native side reported the end meanwhile
                    inTime = false;
                }
                if (inTime) {
                    completeExceptionally(new RunCancelledException("the run was cancelled"));
                }
            }
            return isCancelled();
        }

        /**
         * Called once by libonyx_jni.so when the run is over, on an Onyx worker thread:
         * {@code outputs} holds the output handles (now owned here), or is null and
         * {@code code} / {@code message} are the error. Never throws.
         */
        void done(long[] outputs, int code, String message) {
            Object result;
            try {
                if (outputs != null) {
                    List<Tensor> tensors = new ArrayList<>(outputs.length);
                    for (long handle : outputs) {
                        tensors.add(Tensor.wrap(handle));
                    }
                    result = new RunOutputs(names, tensors);
                } else if (code == ErrorCode.CANCELLED.number()) {
                    result = new RunCancelledException(String.valueOf(message));
                } else {
                    result = new OnyxException(code, String.valueOf(message));
                }
            } catch (Throwable t) {
                result = t;
            } finally {
                end();
            }
            Object outcome = result;
            try {
                defaultExecutor().execute(() -> deliver(outcome));
            } catch (Throwable rejected) { // no thread to be had: complete here rather than never
                deliver(outcome);
            }
        }

        /** The native run is over: release what it held, free its handle. */
        private void end() {
            Runnable held;
            NativeState native_;
            synchronized (this) {
                nativeDone = true;
                held = release;
                release = null;
                native_ = run;
            }
            try {
                if (held != null) {
                    held.run();
                }
            } finally {
                if (native_ != null) {
                    native_.close();
                }
            }
        }

        private void deliver(Object outcome) {
            try {
                if (outcome instanceof RunOutputs) {
                    if (!super.complete((RunOutputs) outcome)) {
                        ((RunOutputs) outcome).close(); // cancelled (or completed by hand) meanwhile: nobody will read them
                    }
                } else {
                    completeExceptionally((Throwable) outcome);
                }
            } catch (Throwable ignored) {
                // Dependent actions' failures are theirs: CompletableFuture hands them on already.
            }
        }
    }

    /**
     * Runs the model writing each named output into the caller's tensor, with no
     * allocation and no copy: for example tensors made with {@link Tensor#borrow} over
     * the caller's direct buffers. Each must have the output's element type and shape.
     *
     * @param inputs input tensors by input name
     * @param outputs caller-provided output tensors by output name
     * @throws OnyxException {@link ErrorCode#INVALID_ARGUMENT} when an output tensor is also
     *     an input or another output, and as {@link #run(Map)}
     */
    public void runInto(Map<String, Tensor> inputs, Map<String, Tensor> outputs) {
        runInto(inputs, outputs, null);
    }

    /**
     * As {@link #runInto(Map, Map)}, with run options.
     *
     * @param inputs input tensors by input name
     * @param outputs caller-provided output tensors by output name
     * @param options run options, or null
     */
    public void runInto(Map<String, Tensor> inputs, Map<String, Tensor> outputs, RunOptions options) {
        Objects.requireNonNull(outputs, "outputs");
        Call call = new Call(inputs, outputs.size(), options);
        try {
            int n = outputs.size();
            String[] outNames = new String[n];
            long[] outHandles = new long[n];
            int i = 0;
            for (Map.Entry<String, Tensor> entry : outputs.entrySet()) {
                outNames[i] = entry.getKey();
                Tensor output = Objects.requireNonNull(entry.getValue(), "output tensor");
                output.checkWritable();
                outHandles[i] = call.hold(output.state);
                i++;
            }
            int[] outIndices = call.indices(outNames, outputIndex, "output name");
            if (call.byName()) {
                Native.sessionRunInto(call.session, call.inIndices, call.inNames, call.inHandles, outIndices, outNames, outHandles, call.options);
            } else {
                Native.sessionRunInto(call.session, call.inIndices, null, call.inHandles, outIndices, null, outHandles, call.options);
            }
        } finally {
            call.release();
        }
    }

    /**
     * One run's hold on the session, its tensors and options: each is acquired (so none
     * can be freed during the run) and released when the run ends.
     */
    private final class Call {
        final long session;
        final int[] inIndices;
        final String[] inNames;
        final long[] inHandles;
        long options;
        /** A name the model lacks was given: core's named run then reports it. */
        private boolean unknownName;
        private final NativeState[] held;
        private int heldCount;

        Call(Map<String, Tensor> inputs, int extra, RunOptions runOptions) {
            Objects.requireNonNull(inputs, "inputs");
            int n = inputs.size();
            inNames = new String[n];
            inHandles = new long[n];
            held = new NativeState[n + extra + 1];
            session = state.acquire();
            try {
                int i = 0;
                for (Map.Entry<String, Tensor> entry : inputs.entrySet()) {
                    inNames[i] = entry.getKey();
                    inHandles[i] = hold(Objects.requireNonNull(entry.getValue(), "input tensor").state);
                    i++;
                }
                inIndices = indices(inNames, inputIndex, "input name");
                if (runOptions != null) {
                    options = hold(runOptions.state);
                }
            } catch (RuntimeException e) {
                release();
                throw e;
            }
        }

        /** The model indexes of {@code names} (-1, and {@link #byName}, for a name the model lacks). */
        int[] indices(String[] names, Map<String, Integer> index, String what) {
            int[] indices = new int[names.length];
            for (int i = 0; i < names.length; i++) {
                Integer found = index.get(Objects.requireNonNull(names[i], what));
                unknownName |= found == null;
                indices[i] = found == null ? -1 : found;
            }
            return indices;
        }

        boolean byName() {
            return unknownName;
        }

        long hold(NativeState object) {
            long handle = object.acquire();
            held[heldCount++] = object;
            return handle;
        }

        void release() {
            for (int i = 0; i < heldCount; i++) {
                held[i].release();
            }
            heldCount = 0;
            state.release();
        }
    }

    /**
     * Closes the session. Runs in progress on other threads finish normally and the native
     * session is freed after the last one; later calls throw {@link IllegalStateException}.
     * A second close does nothing.
     */
    @Override
    public void close() {
        state.close();
    }

    @Override
    public String toString() {
        return "Session(inputs " + inputs + ", outputs " + outputs + (state.isClosed() ? ", closed)" : ")");
    }
}
