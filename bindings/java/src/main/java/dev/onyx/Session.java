package dev.onyx;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

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
                outHandles[i] = call.hold(Objects.requireNonNull(entry.getValue(), "output tensor").state);
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
