package dev.onyx;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Options a {@link Session} is created with. Plain data, read once when a session is
 * created: setters return {@code this} so they chain.
 *
 * <pre>{@code
 * SessionOptions options = new SessionOptions().setIntraOpThreads(2).setOptimizationLevel(OptimizationLevel.ALL);
 * }</pre>
 */
public final class SessionOptions {
    private int intraOpThreads;
    private int interOpThreads;
    private OptimizationLevel optimizationLevel = OptimizationLevel.ALL;
    private boolean deterministicCompute;
    private boolean cpuMemoryArena = true;
    private boolean memoryPattern = true;
    private final List<String> executionProviders = new ArrayList<>();
    private boolean allowProviderFallback;
    private final List<String> configEntries = new ArrayList<>();
    private final List<String> customOpLibraries = new ArrayList<>();
    private String profilingPrefix;
    private final java.util.Map<String, Long> freeDimensionOverrides = new java.util.LinkedHashMap<>();
    /** External-data files by name: the caller's byte[] or a slice of the caller's ByteBuffer (not copies). */
    private final java.util.Map<String, Object> externalData = new java.util.LinkedHashMap<>();
    private boolean externalDataOutsideModelFolder;
    private SharedWeights sharedWeights;
    private final List<Operator> operators = new ArrayList<>();

    /** Default options: ONNX Runtime picks thread counts, all optimizations, CPU only. */
    public SessionOptions() {}

    /**
     * @param threads threads inside one operator; 0 lets ONNX Runtime choose (one per core)
     * @return this
     * @throws OnyxException {@link ErrorCode#INVALID_ARGUMENT} for a negative count (onyx-core's check)
     */
    public SessionOptions setIntraOpThreads(int threads) {
        NativeLibrary.ensureLoaded();
        Native.checkThreadCounts(threads, 0);
        this.intraOpThreads = threads;
        return this;
    }

    /**
     * @param threads threads across operators; 0 lets ONNX Runtime choose
     * @return this
     * @throws OnyxException {@link ErrorCode#INVALID_ARGUMENT} for a negative count (onyx-core's check)
     */
    public SessionOptions setInterOpThreads(int threads) {
        NativeLibrary.ensureLoaded();
        Native.checkThreadCounts(0, threads);
        this.interOpThreads = threads;
        return this;
    }

    /**
     * @param level how much ONNX Runtime rewrites the graph
     * @return this
     */
    public SessionOptions setOptimizationLevel(OptimizationLevel level) {
        this.optimizationLevel = java.util.Objects.requireNonNull(level, "level");
        return this;
    }

    /**
     * @param enable ONNX Runtime's CPU memory arena (on by default); off, allocations go to the
     *     system allocator and memory goes back when tensors are freed
     * @return this
     */
    public SessionOptions setCpuMemoryArena(boolean enable) {
        this.cpuMemoryArena = enable;
        return this;
    }

    /**
     * @param enable ONNX Runtime's memory-pattern planning (on by default)
     * @return this
     */
    public SessionOptions setMemoryPattern(boolean enable) {
        this.memoryPattern = enable;
        return this;
    }

    /**
     * @param deterministic ask kernels for reproducible results where they have a choice
     * @return this
     */
    public SessionOptions setDeterministicCompute(boolean deterministic) {
        this.deterministicCompute = deterministic;
        return this;
    }

    /**
     * Appends an execution provider to try, in order of preference ("XNNPACK", "CUDA", ...).
     * The CPU provider is always last and needs no entry.
     *
     * @param name the provider's name
     * @return this
     */
    public SessionOptions appendExecutionProvider(String name) {
        executionProviders.add(java.util.Objects.requireNonNull(name, "name"));
        return this;
    }

    /**
     * @param allow when false (the default), a listed provider that cannot be registered
     *     fails session creation; when true, Onyx logs a warning and goes on without it
     * @return this
     */
    public SessionOptions setAllowProviderFallback(boolean allow) {
        this.allowProviderFallback = allow;
        return this;
    }

    /**
     * Adds a raw ONNX Runtime session config entry.
     *
     * @param key the entry's key
     * @param value its value
     * @return this
     */
    public SessionOptions addConfigEntry(String key, String value) {
        configEntries.add(java.util.Objects.requireNonNull(key, "key"));
        configEntries.add(java.util.Objects.requireNonNull(value, "value"));
        return this;
    }

    /**
     * Has ONNX Runtime profile the runs of sessions made with these options into a JSON file
     * (Chrome's trace format) whose name starts with {@code prefix};
     * {@link Session#endProfiling()} ends it and gives the file.
     *
     * @param prefix the file name's start, with or without folders
     * @return this
     */
    public SessionOptions enableProfiling(Path prefix) {
        this.profilingPrefix = java.util.Objects.requireNonNull(prefix, "prefix").toString();
        return this;
    }

    /**
     * Fixes the model's free dimension {@code name} ("batch") to {@code value} in every input
     * and output: the session reports it, and a run with another value is
     * {@link ErrorCode#SHAPE_MISMATCH}. A name the model does not use is ignored.
     *
     * @param name the dimension's name
     * @param value its value, 0 or more ({@link ErrorCode#INVALID_ARGUMENT} otherwise, from core)
     * @return this
     */
    public SessionOptions addFreeDimensionOverride(String name, long value) {
        java.util.Objects.requireNonNull(name, "name");
        Native.checkFreeDimensionOverride(name, value);
        freeDimensionOverrides.put(name, value);
        return this;
    }

    /**
     * Adds a custom-operator library: a shared library exporting ONNX Runtime's
     * {@code RegisterCustomOps} (ONNX Runtime Extensions, or your own). Several may be added;
     * each stays loaded until the process exits. A model using an
     * operator no library provides fails to load with {@link ErrorCode#UNSUPPORTED_OPERATOR}.
     *
     * @param library the library's path
     * @return this
     * @throws OnyxException {@link ErrorCode#INVALID_ARGUMENT}, naming the path and the reason,
     *     when the file is missing, is not a shared library, or exports no {@code RegisterCustomOps}
     */
    public SessionOptions addCustomOpLibrary(Path library) {
        String path = java.util.Objects.requireNonNull(library, "library").toAbsolutePath().toString();
        Native.checkCustomOpLibrary(path);
        customOpLibraries.add(path);
        return this;
    }

    /**
     * Adds an operator whose kernel is Java code (see {@link Operator}): a model node
     * {@code domain::name} runs it. The options keep the Java object; each session made with
     * them keeps the native operator (and so the kernel) alive until the session is closed.
     * Adding the same operator again does nothing.
     *
     * @param operator the operator
     * @return this
     * @throws OnyxException {@link ErrorCode#INVALID_ARGUMENT} when another operator with the
     *     same domain and name was added (onyx-core's check)
     * @throws IllegalStateException when the operator is closed
     */
    public SessionOptions addOperator(Operator operator) {
        java.util.Objects.requireNonNull(operator, "operator");
        if (operators.contains(operator)) {
            return this;
        }
        List<Operator> all = new ArrayList<>(operators);
        all.add(operator);
        withOperators(all, handles -> {
            Native.checkOperators(handles);
            return null;
        });
        operators.add(operator);
        return this;
    }

    /** Calls {@code body} with the operators' handles, holding each during the call. */
    private static <R> R withOperators(List<Operator> operators, java.util.function.Function<long[], R> body) {
        long[] handles = new long[operators.size()];
        int held = 0;
        try {
            for (; held < handles.length; held++) {
                handles[held] = operators.get(held).state.acquire();
            }
            return body.apply(handles);
        } finally {
            for (int i = 0; i < held; i++) {
                operators.get(i).state.release();
            }
        }
    }

    /**
     * Supplies an external-data file from memory: a model whose initializers keep their data
     * in a file named {@code fileName} (the {@code location} the model gives, such as
     * {@code "model.onnx.data"}) reads them from {@code bytes} instead of the disk, whether
     * it is loaded from a path or with {@link Session#fromBytes}. Adding a name again
     * replaces it.
     *
     * <p>The array is copied here, as in every language: later changes to it do not matter.
     *
     * @param fileName the file's name, as the model's {@code location} names it
     * @param bytes the file's bytes
     * @return this
     * @throws OnyxException {@link ErrorCode#INVALID_ARGUMENT} for an empty name (onyx-core's check)
     */
    public SessionOptions addExternalData(String fileName, byte[] bytes) {
        java.util.Objects.requireNonNull(fileName, "fileName");
        java.util.Objects.requireNonNull(bytes, "bytes");
        NativeLibrary.ensureLoaded();
        Native.checkExternalDataName(fileName);
        externalData.put(fileName, bytes.clone());
        return this;
    }

    /**
     * As {@link #addExternalData(String, byte[])}, with the buffer's remaining bytes (from its
     * position to its limit, as they are now; later changes to its position do not matter).
     * A direct buffer, such as a {@link java.nio.MappedByteBuffer} of the file, is read
     * without a copy on the Java heap: unlike the array form, the buffer is lent, not copied, and
     * its bytes are read each time a session is created, so keep them unchanged until then.
     *
     * @param fileName the file's name, as the model's {@code location} names it
     * @param bytes the file's bytes
     * @return this
     * @throws OnyxException {@link ErrorCode#INVALID_ARGUMENT} for an empty name (onyx-core's check)
     */
    public SessionOptions addExternalData(String fileName, java.nio.ByteBuffer bytes) {
        java.util.Objects.requireNonNull(fileName, "fileName");
        java.util.Objects.requireNonNull(bytes, "bytes");
        NativeLibrary.ensureLoaded();
        Native.checkExternalDataName(fileName);
        externalData.put(fileName, bytes.slice());
        return this;
    }

    /**
     * Lets a model loaded from a path read external data outside its own folder (a
     * {@code location} that is absolute or goes up with {@code ..}). Off by default: such a
     * model fails to load with {@link ErrorCode#INVALID_MODEL} naming the initializer and the
     * location, since a model from elsewhere could otherwise read any file.
     *
     * @param allow true to let Onyx read such files
     * @return this
     */
    public SessionOptions setExternalDataOutsideModelFolder(boolean allow) {
        this.externalDataOutsideModelFolder = allow;
        return this;
    }

    /**
     * Sessions made with these options share each model's weights with the other sessions of
     * {@code group} (see {@link SharedWeights}): the second and later sessions of a model cost a
     * fraction of the first, with bit-identical answers. The options keep the Java object, not
     * a copy: a session created after the group is closed is an {@link IllegalStateException}.
     *
     * @param group the group, or null to share nothing (the default)
     * @return this
     */
    public SessionOptions setSharedWeights(SharedWeights group) {
        this.sharedWeights = group;
        return this;
    }

    /** @return the group set by {@link #setSharedWeights}, or null */
    public SharedWeights sharedWeights() {
        return sharedWeights;
    }

    /** @return threads inside one operator (0: ONNX Runtime chooses) */
    public int intraOpThreads() {
        return intraOpThreads;
    }

    /** @return threads across operators (0: ONNX Runtime chooses) */
    public int interOpThreads() {
        return interOpThreads;
    }

    /** @return the graph optimization level */
    public OptimizationLevel optimizationLevel() {
        return optimizationLevel;
    }

    long createSession(String path, byte[] bytes) {
        String[] providers = executionProviders.toArray(new String[0]);
        String[] config = configEntries.toArray(new String[0]);
        int level = optimizationLevel.number();
        String[] libraries = customOpLibraries.toArray(new String[0]);
        String[] dimNames = freeDimensionOverrides.keySet().toArray(new String[0]);
        long[] dimValues = freeDimensionOverrides.values().stream().mapToLong(Long::longValue).toArray();
        int n = externalData.size();
        String[] externalNames = new String[n];
        Object[] data = new Object[n];
        long[] offsets = new long[n];
        long[] lengths = new long[n];
        int i = 0;
        for (java.util.Map.Entry<String, Object> entry : externalData.entrySet()) {
            externalNames[i] = entry.getKey();
            Object value = entry.getValue();
            if (value instanceof java.nio.ByteBuffer) {
                java.nio.ByteBuffer buffer = (java.nio.ByteBuffer) value; // a slice: position 0, limit its length
                lengths[i] = buffer.capacity();
                if (buffer.isDirect()) {
                    data[i] = buffer;
                } else if (buffer.hasArray()) {
                    data[i] = buffer.array();
                    offsets[i] = buffer.arrayOffset();
                } else { // a read-only heap buffer: its array is out of reach
                    byte[] copy = new byte[buffer.capacity()];
                    buffer.duplicate().get(copy);
                    data[i] = copy;
                }
            } else {
                data[i] = value;
                lengths[i] = ((byte[]) value).length;
            }
            i++;
        }
        java.util.function.LongFunction<Long> create = group -> withOperators(operators, handles -> Native.sessionCreate(path, bytes,
                intraOpThreads, interOpThreads, level, deterministicCompute, providers, allowProviderFallback, config, libraries, dimNames,
                dimValues, profilingPrefix, cpuMemoryArena, memoryPattern, externalNames, data, offsets, lengths,
                externalDataOutsideModelFolder, group, handles));
        SharedWeights group = sharedWeights;
        // The group is held during the call, so closing it meanwhile cannot free it under core.
        return group == null ? create.apply(0) : group.state.call(create);
    }
}
