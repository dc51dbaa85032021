package dev.onyx;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The shared ResNet18 suite (tests/suite/spec.txt) through the Java API: one test per
 * case, in spec order, each printing the line every runner prints
 * ({@code [java] PASS <case>}, ...), and the closing {@code N passed, N failed, N skipped}.
 * Every expected value comes from spec.txt and its fixtures.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SuiteTest {
    private static final String LANG = "java";
    private static final long[] IMAGE = {1, 3, 224, 224};

    private Spec spec;
    private Session session;
    private int passed;
    private int failed;
    private int skipped;

    @BeforeAll
    void setUp() {
        spec = Spec.load();
        session = Session.fromFile(spec.model());
    }

    @AfterAll
    void tearDown() {
        System.out.println(passed + " passed, " + failed + " failed, " + skipped + " skipped");
        System.out.flush();
        session.close();
    }

    Stream<Spec.Case> cases() {
        return Spec.load().cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void suiteCase(Spec.Case c) {
        List<String> langs = c.all("langs");
        if (!langs.isEmpty() && !Arrays.asList(String.join(" ", langs).split(" ")).contains(LANG)) {
            System.out.println("[" + LANG + "] SKIP " + c.name + ": only for " + String.join(" ", langs));
            skipped++;
            Assumptions.abort("only for " + String.join(" ", langs));
        }
        try {
            runCase(c);
        } catch (Throwable t) {
            String why = t instanceof AssertionError ? t.getMessage() : t.toString();
            System.out.println("[" + LANG + "] FAIL " + c.name + ": " + why.replace('\n', ' '));
            failed++;
            fail(why, t);
        }
        System.out.println("[" + LANG + "] PASS " + c.name);
        passed++;
    }

    // --- helpers ------------------------------------------------------------------------

    private static void check(boolean ok, String why) {
        if (!ok) {
            throw new AssertionError(why);
        }
    }

    private static void within(float[] got, int from, float[] expected, float atol, float rtol) {
        for (int i = 0; i < expected.length; i++) {
            float g = got[from + i];
            float e = expected[i];
            if (Math.abs(g - e) > atol + rtol * Math.abs(e) || Float.isNaN(g)) {
                throw new AssertionError("value " + i + ": got " + g + ", expected " + e + " (atol " + atol + ", rtol " + rtol + ")");
            }
        }
    }

    private void within(float[] got, Spec.Case c) {
        float[] expected = spec.floats(c.get("expected"));
        check(got.length == expected.length, "got " + got.length + " values, expected " + expected.length);
        within(got, 0, expected, c.number("atol"), c.number("rtol"));
    }

    private static List<Integer> top5(float[] logits) {
        Integer[] order = new Integer[logits.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Float.compare(logits[b], logits[a])); // stable
        return Arrays.asList(order).subList(0, 5);
    }

    private static float[] logits(Session on, float[] input, long... shape) {
        try (Tensor tensor = Tensor.copy(input, shape); RunOutputs outputs = on.run(Map.of("input", tensor))) {
            return outputs.get(0).toFloatArray();
        }
    }

    /** Runs the case's input on {@code on} and checks it against its expected logits. */
    private void checkExpected(Session on, Spec.Case c) {
        within(logits(on, spec.floats(c.get("input")), IMAGE), c);
    }

    /** The follow-up check: the shared session still classifies classify_0. */
    private void stillUsable() {
        try {
            checkExpected(session, spec.find("classify_0"));
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError("session unusable afterwards: " + e.getMessage(), e);
        }
    }

    private interface Action {
        void run() throws Exception;
    }

    /** The action must fail with the case's code, and its message contain each message_contains. */
    private static void expectCode(Spec.Case c, Action action) throws Exception {
        String[] code = c.get("code").split(" ");
        try {
            action.run();
        } catch (OnyxException e) {
            check(e.code().name().equals(code[0]) && e.codeNumber() == Integer.parseInt(code[1]),
                    "got " + e.code() + " (" + e.codeNumber() + ") '" + e.detail() + "', expected " + code[0] + " (" + code[1] + ")");
            for (String text : c.all("message_contains")) {
                check(e.getMessage().contains(text), "message '" + e.getMessage() + "' does not contain '" + text + "'");
            }
            return;
        }
        throw new AssertionError("succeeded, expected " + code[0]);
    }

    // --- the cases ------------------------------------------------------------------------

    private void runCase(Spec.Case c) throws Exception {
        switch (c.get("kind")) {
            case "runtime_info": {
                check(OnyxRuntime.version().equals(c.get("ort_version")), "version " + OnyxRuntime.version() + " != " + c.get("ort_version"));
                Path path = OnyxRuntime.path();
                check(path.isAbsolute() && Files.isRegularFile(path), "path " + path + " is not an absolute existing file");
                return;
            }
            case "model_info":
                modelInfo(c);
                return;
            case "classify": {
                float[] got = logits(session, spec.floats(c.get("input")), Spec.shape(c.get("shape")));
                within(got, c);
                List<Integer> want = new ArrayList<>();
                for (String index : c.get("top5").split(" ")) {
                    want.add(Integer.parseInt(index));
                }
                check(top5(got).equals(want), "top5 " + top5(got) + " != " + want);
                return;
            }
            case "batch": {
                String[] inputs = c.get("inputs").split(" ");
                String[] expected = c.get("expected").split(" ");
                float[] first = spec.floats(inputs[0]);
                float[] stacked = new float[first.length * inputs.length];
                for (int i = 0; i < inputs.length; i++) {
                    System.arraycopy(spec.floats(inputs[i]), 0, stacked, i * first.length, first.length);
                }
                float[] got = logits(session, stacked, inputs.length, 3, 224, 224);
                for (int row = 0; row < expected.length; row++) {
                    float[] want = spec.floats(expected[row]);
                    try {
                        within(got, row * want.length, want, c.number("atol"), c.number("rtol"));
                    } catch (AssertionError e) {
                        throw new AssertionError("row " + row + ": " + e.getMessage());
                    }
                }
                return;
            }
            case "from_bytes": {
                byte[] bytes = Files.readAllBytes(spec.model());
                try (Session fromBytes = Session.fromBytes(bytes)) {
                    float[] input = spec.floats(c.get("input"));
                    float[] a = logits(fromBytes, input, IMAGE);
                    float[] b = logits(session, input, IMAGE);
                    for (int i = 0; i < a.length; i++) {
                        check(Float.floatToRawIntBits(a[i]) == Float.floatToRawIntBits(b[i]), "session from bytes differs from session from file");
                    }
                    checkExpected(fromBytes, c);
                }
                return;
            }
            case "zero_copy_input": {
                float[] input = spec.floats(c.get("input"));
                ByteBuffer memory = ByteBuffer.allocateDirect(input.length * 4).order(ByteOrder.nativeOrder());
                FloatBuffer floats = memory.asFloatBuffer().put(input);
                floats.flip();
                try (Tensor tensor = Tensor.borrow(floats, IMAGE)) {
                    check(tensor.dataAddress() == Native.bufferAddress(memory), "borrowed tensor does not point at the caller's memory");
                    try (RunOutputs outputs = session.run(Map.of("input", tensor))) {
                        within(outputs.get(0).toFloatArray(), c);
                    }
                }
                return;
            }
            case "output_into_caller": {
                long[] outShape = Spec.shape(c.get("output_shape"));
                long count = Arrays.stream(outShape).reduce(1, (x, y) -> x * y);
                FloatBuffer buffer = ByteBuffer.allocateDirect((int) count * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
                while (buffer.hasRemaining()) {
                    buffer.put(Float.NaN);
                }
                buffer.flip();
                try (Tensor input = Tensor.copy(spec.floats(c.get("input")), IMAGE); Tensor output = Tensor.borrow(buffer, outShape)) {
                    session.runInto(Map.of("input", input), Map.of("logits", output));
                    check(output.dataAddress() == Native.bufferAddress(buffer), "output tensor moved away from the caller's buffer");
                }
                float[] got = new float[(int) count];
                buffer.get(got);
                within(got, c);
                return;
            }
            case "threads":
                threads(c);
                return;
            case "options": {
                SessionOptions options = new SessionOptions();
                if (c.has("intra_threads")) {
                    options.setIntraOpThreads(c.integer("intra_threads"));
                }
                if (c.has("memory_arena")) {
                    options.setCpuMemoryArena(c.get("memory_arena").equals("on"));
                }
                if (c.has("memory_pattern")) {
                    options.setMemoryPattern(c.get("memory_pattern").equals("on"));
                }
                if (c.has("optimization")) {
                    switch (c.get("optimization")) {
                        case "disabled":
                            options.setOptimizationLevel(OptimizationLevel.DISABLED);
                            break;
                        case "all":
                            options.setOptimizationLevel(OptimizationLevel.ALL);
                            break;
                        default:
                            throw new AssertionError("unknown optimization '" + c.get("optimization") + "'");
                    }
                }
                try (Session withOptions = Session.fromFile(spec.model(), options)) {
                    checkExpected(withOptions, c);
                }
                return;
            }
            case "terminate":
                terminate(c);
                return;
            case "float_vectors":
                floatVectors(c);
                return;
            case "error":
                provoke(c);
                stillUsable();
                return;
            case "hostile_model":
                hostileModel(c);
                stillUsable();
                return;
            case "custom_op":
            case "host_kernel":
                customOp(c);
                return;
            case "profiling":
                profiling(c);
                return;
            case "run_config":
                within(runWithConfig(c), c);
                return;
            case "dimension_override":
                dimensionOverride(c);
                return;
            case "async_runs":
                asyncRuns(c);
                stillUsable();
                return;
            case "async_close":
                asyncClose(c);
                return;
            case "external_data":
                externalData(c);
                return;
            case "external_data_outside":
                externalDataOutside(c);
                return;
            case "log_callback":
                logCallback(c);
                return;
            case "shared_weights":
                sharedWeights(c);
                return;
            case "ocr":
                ocr(c);
                return;
            case "values":
                try {
                    ValueCases.run(spec.path(c.get("dir")), new SessionOptions());
                } catch (ValueCases.Mismatch e) {
                    throw new AssertionError(e.getMessage(), e);
                }
                return;
            default:
                throw new AssertionError("unknown case kind '" + c.get("kind") + "'");
        }
    }

    /** The OCR model reads the case's rendered line: greedy CTC decoding must give {@code text}. */
    private void ocr(Spec.Case c) {
        try (Session s = Session.fromFile(spec.path(c.get("model")));
                Tensor input = Tensor.copy(spec.floats(c.get("input")), Spec.shape(c.get("shape")));
                RunOutputs outputs = s.run(Map.of(s.inputs().get(0).name(), input))) {
            String got = recognise(outputs.get(0), s.metadata().custom().getOrDefault("character", ""));
            check(got.equals(c.get("text")), "read '" + got + "', ONNX Runtime's Python binding read '" + c.get("text") + "'");
        }
    }

    /**
     * Greedy CTC decoding of [1, steps, classes] probabilities: the best class per step,
     * repeats collapsed, blanks (class 0) dropped; class i is {@code dictionary} line i - 1,
     * the last class a space.
     */
    static String recognise(Tensor probabilities, String dictionary) {
        long[] shape = probabilities.shape();
        int classes = (int) shape[shape.length - 1];
        String[] characters = dictionary.split("\n", -1);
        float[] p = probabilities.toFloatArray();
        StringBuilder text = new StringBuilder();
        int previous = 0;
        for (int step = 0; step + classes <= p.length; step += classes) {
            int best = 0;
            for (int i = 1; i < classes; i++) {
                if (p[step + i] > p[step + best]) {
                    best = i;
                }
            }
            if (best != 0 && best != previous) {
                text.append(best <= characters.length ? characters[best - 1] : " ");
            }
            previous = best;
        }
        return text.toString();
    }

    /** Session options with the case's {@code libraries} (own, extensions) added in order. */
    private SessionOptions optionsWithLibraries(Spec.Case c) {
        SessionOptions options = new SessionOptions();
        if (c.has("libraries")) {
            for (String which : c.get("libraries").split(" ")) {
                options.addCustomOpLibrary(spec.path(spec.header.get("custom_op_library_" + which)));
            }
        }
        return options;
    }

    /** Loads the case's model with its libraries, runs it on its input lines, and hands the outputs to {@code check}. */
    private void loadAndRun(Spec.Case c, java.util.function.Consumer<RunOutputs> check) {
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        SessionOptions options = optionsWithLibraries(c);
        Operator operator = hostOperator(c);
        Session loaded;
        // The session keeps the operator's kernel alive: the Java handle can go once it is made.
        try {
            loaded = Session.fromFile(spec.path(c.get("model")), operator == null ? options : options.addOperator(operator));
        } finally {
            if (operator != null) {
                operator.close();
            }
        }
        try (Session s = loaded) {
            for (String line : c.all("input")) {
                String[] f = line.split(" ");
                inputs.put(f[0], Tensor.copy(spec.floats(f[1]), Spec.shape(f[2])));
            }
            try (RunOutputs outputs = s.run(inputs)) {
                check.accept(outputs);
            }
        } finally {
            inputs.values().forEach(Tensor::close);
        }
    }

    private void profiling(Spec.Case c) throws Exception {
        SessionOptions options = new SessionOptions().enableProfiling(Paths.get(System.getProperty("java.io.tmpdir"), c.get("prefix")));
        try (Session s = Session.fromFile(spec.model(), options)) {
            checkExpected(s, c);
            Path file = s.endProfiling();
            String compact = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).replaceAll("\\s", "");
            Files.deleteIfExists(file);
            check(compact.startsWith("[") && compact.endsWith("]"), "profile " + file + " is not a JSON array");
            check(compact.contains(c.get("contains")), "profile " + file + " has no " + c.get("contains"));
        }
    }

    /** classify_0's input on the shared session, with run options holding the case's config entry. */
    private float[] runWithConfig(Spec.Case c) {
        float[] input = spec.floats(spec.find("classify_0").get("input"));
        try (RunOptions options = new RunOptions().addConfigEntry(c.get("key"), c.get("value"));
                Tensor tensor = Tensor.copy(input, IMAGE);
                RunOutputs outputs = session.run(Map.of("input", tensor), options)) {
            return outputs.get(0).toFloatArray();
        }
    }

    private void dimensionOverride(Spec.Case c) throws Exception {
        SessionOptions options = new SessionOptions().addFreeDimensionOverride(c.get("dimension"), Long.parseLong(c.get("value")));
        try (Session s = Session.fromFile(spec.model(), options)) {
            long[] want = Spec.shape(c.get("input_shape"));
            check(Arrays.equals(s.input(0).shape(), want), "input 0 has shape " + Arrays.toString(s.input(0).shape()));
            checkExpected(s, c);
            try (Tensor wrong = Tensor.zeros(ElementType.FLOAT32, Spec.shape(c.get("wrong_shape")))) {
                expectCode(c, () -> s.run(Map.of("input", wrong)).close());
            }
        }
    }

    /** The message of the suite's failing host kernel. */
    static final String HOST_KERNEL_FAILURE = "host kernel failed on purpose";

    /**
     * The case's {@code operator <domain> <name>} written in Java: ScaleShift (FLOAT alpha,
     * beta: y = alpha * x + beta, one float32 rounding per step) or Fail (throws); plus any
     * {@code declare_attribute <name> <KIND>}. Null when the case names none.
     */
    static Operator hostOperator(Spec.Case c) {
        if (!c.has("operator")) {
            return null;
        }
        String[] f = c.get("operator").split(" ");
        OperatorDefinition definition = new OperatorDefinition(f[0], f[1]).input(ElementType.FLOAT32).output(ElementType.FLOAT32);
        if (f[1].equals("ScaleShift")) {
            definition.attribute("alpha", AttributeKind.FLOAT).attribute("beta", AttributeKind.FLOAT);
        }
        for (String extra : c.all("declare_attribute")) {
            String[] a = extra.split(" ");
            definition.attribute(a[0], AttributeKind.valueOf(a[1]));
        }
        switch (f[1]) {
            case "ScaleShift":
                return new Operator(definition, SuiteTest::scaleShift);
            case "Fail":
                return new Operator(definition, context -> {
                    throw new IllegalStateException(HOST_KERNEL_FAILURE);
                });
            default:
                throw new AssertionError("the suite has no host kernel " + f[1]);
        }
    }

    /** y[i] = alpha * x[i] + beta in float32. */
    static void scaleShift(KernelContext context) {
        float alpha = context.attributeFloat("alpha");
        float beta = context.attributeFloat("beta");
        Tensor x = context.input(0);
        float[] y = x.toFloatArray();
        for (int i = 0; i < y.length; i++) {
            float product = alpha * y[i];
            y[i] = product + beta;
        }
        context.output(0, x.shape()).copyFrom(y);
    }

    private void customOp(Spec.Case c) {
        loadAndRun(c, outputs -> {
            List<String> wanted = c.all("output");
            check(outputs.size() == wanted.size(), outputs.size() + " outputs, the spec names " + wanted.size());
            for (int i = 0; i < wanted.size(); i++) {
                String[] f = wanted.get(i).split(" ");
                float[] got = outputs.get(i).toFloatArray();
                float[] expected = spec.floats(f[1]);
                check(got.length == expected.length, "output " + f[0] + ": " + got.length + " values, expected " + expected.length);
                within(got, 0, expected, c.number("atol"), c.number("rtol"));
            }
        });
    }

    /** Loads a model of the hostile corpus by path or from its bytes; checks code and time. */
    private void hostileModel(Spec.Case c) throws Exception {
        Path model = spec.path(c.get("model")); // an absolute path stays as it is
        byte[] bytes = c.get("load").equals("bytes") ? Files.readAllBytes(model) : null;
        long start = System.nanoTime();
        Action load = () -> {
            try (Session s = bytes != null ? Session.fromBytes(bytes) : Session.fromFile(model)) {
                if (c.has("custom_count")) {
                    int got = s.metadata().custom().size();
                    check(String.valueOf(got).equals(c.get("custom_count")), got + " custom metadata entries, expected " + c.get("custom_count"));
                }
            }
        };
        if (c.get("code").equals("OK")) {
            try {
                load.run();
            } catch (OnyxException e) {
                throw new AssertionError("load: " + e.getMessage(), e);
            }
        } else {
            expectCode(c, load);
        }
        double took = (System.nanoTime() - start) / 1e9;
        check(took <= Double.parseDouble(c.get("seconds")), String.format("the load took %.2f s, more than %s s", took, c.get("seconds")));
    }

    private void modelInfo(Spec.Case c) {
        List<String> inputs = new ArrayList<>();
        for (ValueInfo info : session.inputs()) {
            inputs.add(describe(info));
        }
        List<String> outputs = new ArrayList<>();
        for (ValueInfo info : session.outputs()) {
            outputs.add(describe(info));
        }
        check(inputs.equals(c.all("input")), "inputs " + inputs + " != " + c.all("input"));
        check(outputs.equals(c.all("output")), "outputs " + outputs + " != " + c.all("output"));
        ModelMetadata meta = session.metadata();
        for (String line : c.all("meta")) {
            String[] kv = line.split(" ", 2);
            String want = kv.length > 1 ? kv[1] : "";
            String got;
            switch (kv[0]) {
                case "producer":
                    got = meta.producer();
                    break;
                case "graph_name":
                    got = meta.graphName();
                    break;
                case "domain":
                    got = meta.domain();
                    break;
                case "description":
                    got = meta.description();
                    break;
                case "version":
                    got = meta.version().isPresent() ? Long.toString(meta.version().getAsLong()) : "";
                    break;
                default:
                    throw new AssertionError("unknown meta key '" + kv[0] + "'");
            }
            check(got.equals(want), "meta " + kv[0] + ": '" + got + "' != '" + want + "'");
        }
        List<String> custom = c.all("custom");
        check(meta.custom().size() == custom.size(), meta.custom().size() + " custom entries, expected " + custom.size());
        for (String line : custom) {
            String[] kv = line.split(" ", 2);
            String want = kv.length > 1 ? kv[1] : "";
            check(want.equals(meta.custom().get(kv[0])), "custom " + kv[0] + ": '" + meta.custom().get(kv[0]) + "' != '" + want + "'");
        }
    }

    private static String describe(ValueInfo info) {
        StringBuilder shape = new StringBuilder();
        for (long d : info.shape()) {
            shape.append(shape.length() > 0 ? "," : "").append(d);
        }
        return info.name() + " " + info.onnxElementType() + " " + shape + " " + String.join(",", info.dimensionNames());
    }

    private void threads(Spec.Case c) throws Exception {
        float[] input = spec.floats(c.get("input"));
        float[] alone = logits(session, input, IMAGE);
        int threads = c.integer("threads");
        int runs = c.integer("runs");
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<List<float[]>>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    List<float[]> results = new ArrayList<>();
                    for (int r = 0; r < runs; r++) {
                        results.add(logits(session, input, IMAGE));
                    }
                    return results;
                }));
            }
            for (int t = 0; t < threads; t++) {
                List<float[]> results = futures.get(t).get();
                for (int r = 0; r < results.size(); r++) {
                    float[] got = results.get(r);
                    for (int i = 0; i < got.length; i++) {
                        check(Float.floatToRawIntBits(got[i]) == Float.floatToRawIntBits(alone[i]), "thread " + t + " run " + r + " differs from a run alone");
                    }
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private void terminate(Spec.Case c) throws Exception {
        int batch = c.integer("batch");
        float[] one = spec.floats(c.get("input"));
        float[] input = new float[one.length * batch];
        for (int i = 0; i < batch; i++) {
            System.arraycopy(one, 0, input, i * one.length, one.length);
        }
        try (Tensor tensor = Tensor.copy(input, batch, 3, 224, 224); RunOptions options = new RunOptions()) {
            Thread stopper = new Thread(() -> {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                options.terminate();
            });
            stopper.start();
            try {
                expectCode(c, () -> session.run(Map.of("input", tensor), options).close());
            } finally {
                stopper.join();
            }
            options.resetTerminate();
        }
        stillUsable();
    }

    private void provoke(Spec.Case c) throws Exception {
        float[] input = spec.floats(spec.find("classify_0").get("input"));
        try (Tensor good = Tensor.copy(input, IMAGE)) {
            switch (c.get("trigger")) {
                case "missing_model_file":
                    expectCode(c, () -> Session.fromFile(spec.path(c.get("path"))).close());
                    return;
                case "end_profiling":
                    expectCode(c, () -> session.endProfiling());
                    return;
                case "run_config_value":
                    expectCode(c, () -> runWithConfig(c));
                    return;
                case "free_dimension_override":
                    expectCode(c, () -> new SessionOptions().addFreeDimensionOverride(c.get("dimension"), Long.parseLong(c.get("value"))));
                    return;
                case "async_bad_input": {
                    long[] shape = Spec.shape(c.get("shape"));
                    try (Tensor tensor = Tensor.zeros(ElementType.FLOAT32, shape)) {
                        CompletableFuture<RunOutputs> future;
                        try {
                            future = session.runAsync(Map.of("input", tensor));
                        } catch (RuntimeException e) {
                            throw new AssertionError("runAsync threw at the call (the mistake must reach the future): " + e, e);
                        }
                        expectCode(c, () -> awaitOutputs(future).close());
                    }
                    return;
                }
                case "external_data_outside":
                    expectCode(c, () -> Session.fromFile(spec.path(c.get("model"))).close());
                    return;
                case "load_and_run":
                case "host_kernel":
                    expectCode(c, () -> loadAndRun(c, outputs -> { }));
                    return;
                case "custom_op_library":
                    expectCode(c, () -> new SessionOptions().addCustomOpLibrary(spec.path(c.get("library"))));
                    return;
                case "corrupt_bytes": {
                    byte[] bytes = Arrays.copyOf(Files.readAllBytes(spec.model()), 1000);
                    for (int i = 0; i < bytes.length; i++) {
                        bytes[i] ^= 0x5A;
                    }
                    expectCode(c, () -> Session.fromBytes(bytes).close());
                    return;
                }
                case "empty_bytes":
                    expectCode(c, () -> Session.fromBytes(new byte[0]).close());
                    return;
                case "input_shape": {
                    long[] shape = Spec.shape(c.get("shape"));
                    long count = Arrays.stream(shape).reduce(1, (x, y) -> x * y);
                    try (Tensor tensor = Tensor.copy(new float[(int) count], shape)) {
                        expectCode(c, () -> session.run(Map.of("input", tensor)).close());
                    }
                    return;
                }
                case "buffer_length":
                    expectCode(c, () -> Tensor.copy(new float[c.integer("elements")], Spec.shape(c.get("shape"))).close());
                    return;
                case "element_type": {
                    ElementType type = ElementType.fromOnnx(c.integer("elem_type"));
                    check(type != null, "element type " + c.get("elem_type") + " is unknown to Onyx");
                    try (Tensor tensor = Tensor.zeros(type, IMAGE)) {
                        expectCode(c, () -> session.run(Map.of("input", tensor)).close());
                    }
                    return;
                }
                case "unknown_input": {
                    Map<String, Tensor> inputs = new LinkedHashMap<>();
                    inputs.put("input", good);
                    inputs.put(c.get("input_name"), good);
                    expectCode(c, () -> session.run(inputs).close());
                    return;
                }
                case "missing_input":
                    expectCode(c, () -> session.run(new HashMap<>()).close());
                    return;
                case "no_outputs":
                    expectCode(c, () -> session.run(Map.of("input", good), List.of(), null).close());
                    return;
                case "unknown_output":
                    expectCode(c, () -> session.run(Map.of("input", good), List.of(c.get("output_name")), null).close());
                    return;
                case "output_shape":
                    try (Tensor output = Tensor.zeros(ElementType.FLOAT32, Spec.shape(c.get("output_shape")))) {
                        expectCode(c, () -> session.runInto(Map.of("input", good), Map.of("logits", output)));
                    }
                    return;
                case "read_as": {
                    ElementType type = ElementType.fromOnnx(c.integer("elem_type"));
                    check(type != null, "element type " + c.get("elem_type") + " is unknown to Onyx");
                    try (RunOutputs outputs = session.run(Map.of("input", good))) {
                        expectCode(c, () -> readAs(outputs.get("logits"), type));
                    }
                    return;
                }
                case "output_aliases_input":
                    expectCode(c, () -> session.runInto(Map.of("input", good), Map.of("logits", good)));
                    return;
                case "intra_threads":
                    expectCode(c, () -> {
                        SessionOptions options = new SessionOptions().setIntraOpThreads(c.integer("threads"));
                        Session.fromFile(spec.model(), options).close();
                    });
                    return;
                case "input_index":
                    expectCode(c, () -> session.input(c.integer("index")));
                    return;
                case "abi_major":
                    // The loader's own check, fed a library version of that major.
                    expectCode(c, () -> NativeLibrary.checkVersion(c.integer("major") + ".0.0"));
                    return;
                case "runtime_path_missing":
                    runtimePathMissing(c);
                    return;
                default:
                    throw new AssertionError("unknown trigger '" + c.get("trigger") + "'");
            }
        }
    }

    // --- asynchronous runs, external data, the log callback -------------------------------

    /**
     * The future's outputs: a failure surfaces as the exception itself (the OnyxException
     * that completed it, or the RunCancelledException of a cancelled future), as a
     * synchronous run would throw it.
     */
    private static RunOutputs awaitOutputs(CompletableFuture<RunOutputs> future) throws Exception {
        try {
            return future.get(120, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception) {
                throw (Exception) cause;
            }
            throw new AssertionError(cause);
        } catch (TimeoutException e) {
            throw new AssertionError("the asynchronous run did not complete within 120 s");
        }
    }

    /** The three images as three concurrent asynchronous runs; run {@code cancel} is cancelled at once. */
    private void asyncRuns(Spec.Case c) throws Exception {
        String[] inputs = c.get("inputs").split(" ");
        String[] expected = c.get("expected").split(" ");
        check(inputs.length == 3 && expected.length == 3, "the case needs 3 inputs and 3 expected outputs");
        int cancel = c.integer("cancel");
        String[] code = c.get("code").split(" ");
        List<Tensor> tensors = new ArrayList<>();
        try {
            for (String input : inputs) {
                tensors.add(Tensor.copy(spec.floats(input), IMAGE));
            }
            List<CompletableFuture<RunOutputs>> futures = new ArrayList<>();
            for (Tensor tensor : tensors) {
                futures.add(session.runAsync(Map.of("input", tensor)));
            }
            boolean inTime = futures.get(cancel).cancel(true);
            check(inTime, "cancel came too late: run " + cancel + " had already finished");
            check(futures.get(cancel).isCancelled(), "the cancelled future does not report isCancelled()");
            for (int i = 0; i < futures.size(); i++) {
                if (i == cancel) {
                    try {
                        awaitOutputs(futures.get(i)).close();
                        throw new AssertionError("run " + i + " succeeded, expected " + code[0]);
                    } catch (RunCancelledException e) {
                        check(e.code().name().equals(code[0]) && e.codeNumber() == Integer.parseInt(code[1]),
                                "run " + i + ": got " + e.code() + " (" + e.codeNumber() + "), expected " + code[0] + " (" + code[1] + ")");
                    }
                    continue;
                }
                try (RunOutputs outputs = awaitOutputs(futures.get(i))) {
                    float[] got = outputs.get(0).toFloatArray();
                    float[] want = spec.floats(expected[i]);
                    check(got.length == want.length, "run " + i + ": got " + got.length + " values, expected " + want.length);
                    within(got, 0, want, c.number("atol"), c.number("rtol"));
                } catch (OnyxException e) {
                    throw new AssertionError("run " + i + " failed: " + e.getMessage(), e);
                } catch (AssertionError e) {
                    throw new AssertionError("run " + i + ": " + e.getMessage(), e);
                }
            }
        } finally {
            tensors.forEach(Tensor::close);
        }
    }

    /** A new session closed while its asynchronous run is in flight: the run still completes. */
    private void asyncClose(Spec.Case c) throws Exception {
        try (Tensor input = Tensor.copy(spec.floats(c.get("input")), IMAGE)) {
            Session fresh = Session.fromFile(spec.model());
            CompletableFuture<RunOutputs> future = fresh.runAsync(Map.of("input", input));
            fresh.close(); // while the run is in flight
            try (RunOutputs outputs = awaitOutputs(future)) {
                within(outputs.get(0).toFloatArray(), c);
            } catch (OnyxException e) {
                throw new AssertionError("the run failed: " + e.getMessage(), e);
            }
        }
    }

    /** Loaded from its path (the data file beside it), then from bytes with the data in memory: the same logits. */
    private void externalData(Spec.Case c) throws Exception {
        Path model = spec.path(c.get("model"));
        float[] input = spec.floats(c.get("input"));
        float[] byFile;
        try (Session fromFile = Session.fromFile(model)) {
            byFile = logits(fromFile, input, IMAGE);
        }
        within(byFile, c);
        SessionOptions options = new SessionOptions().addExternalData(c.get("data_file"), Files.readAllBytes(spec.path(c.get("data"))));
        try (Session fromMemory = Session.fromBytes(Files.readAllBytes(model), options)) {
            float[] byMemory = logits(fromMemory, input, IMAGE);
            check(byMemory.length == byFile.length, "the session from memory gives " + byMemory.length + " values");
            for (int i = 0; i < byFile.length; i++) {
                check(Float.floatToRawIntBits(byMemory[i]) == Float.floatToRawIntBits(byFile[i]),
                        "the logits from memory differ from those from the path at " + i);
            }
        }
    }

    /** With the opt-in, the model whose data lies outside its folder loads and gives its output. */
    private void externalDataOutside(Spec.Case c) throws Exception {
        String[] in = c.get("input").split(" ");
        String[] out = c.get("output").split(" ");
        SessionOptions options = new SessionOptions().setExternalDataOutsideModelFolder(true);
        try (Session s = Session.fromFile(spec.path(c.get("model")), options);
                Tensor x = Tensor.copy(spec.floats(in[1]), Spec.shape(in[2]));
                RunOutputs outputs = s.run(Map.of(in[0], x), List.of(out[0]), null)) {
            float[] want = spec.floats(out[1]);
            float[] got = outputs.get(out[0]).toFloatArray();
            check(got.length == want.length, "got " + got.length + " values, expected " + want.length);
            within(got, 0, want, c.number("atol"), c.number("rtol"));
        }
    }

    /**
     * {@code sessions} sessions of the suite's model on one group: each within tolerance and
     * bit-identical to the shared session's logits; the group then holds one model of at least
     * {@code min_shared_bytes}, and none once the sessions are closed.
     */
    private void sharedWeights(Spec.Case c) {
        int count = Integer.parseInt(c.get("sessions"));
        check(count >= 2 && count <= 8, "sessions " + count + " is not 2 to 8");
        long minBytes = Long.parseLong(c.get("min_shared_bytes"));
        float[] input = spec.floats(c.get("input"));
        float[] plain = logits(session, input, IMAGE);
        List<Session> sessions = new ArrayList<>();
        try (SharedWeights group = new SharedWeights()) {
            try {
                SessionOptions options = new SessionOptions().setSharedWeights(group);
                for (int i = 0; i < count; i++) {
                    sessions.add(Session.fromFile(spec.model(), options));
                    float[] got = logits(sessions.get(i), input, IMAGE);
                    try {
                        within(got, c);
                    } catch (AssertionError e) {
                        throw new AssertionError("session " + i + ": " + e.getMessage(), e);
                    }
                    for (int j = 0; j < plain.length; j++) {
                        check(Float.floatToRawIntBits(got[j]) == Float.floatToRawIntBits(plain[j]),
                                "session " + i + ": the logits differ from an unshared session's");
                    }
                }
                int models = group.modelCount();
                long bytes = group.byteLength();
                check(models == 1 && bytes >= minBytes,
                        "the group holds " + models + " models and " + bytes + " bytes, expected 1 model and at least " + minBytes + " bytes");
            } finally {
                sessions.forEach(Session::close);
            }
            check(group.modelCount() == 0, "the group still holds a model after its sessions were closed");
        }
    }

    /** A level as the spec writes it ("VERBOSE 0"): the name, checked against its number. */
    private static LogLevel level(String text) {
        String[] parts = text.split(" ");
        LogLevel level = LogLevel.valueOf(parts[0]);
        check(level.number() == Integer.parseInt(parts[1]), parts[0] + " is " + level.number() + " in Java, " + parts[1] + " in the spec");
        return level;
    }

    private void logCallback(Spec.Case c) {
        LogLevel low = level(c.get("level"));
        LogLevel high = level(c.get("quiet_level"));
        String contains = c.get("message_contains");
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        List<String> below = Collections.synchronizedList(new ArrayList<>());
        int loud;
        int quiet;
        boolean matching;
        try {
            OnyxRuntime.setLogCallback((level, category, message) -> {
                lines.add("[" + category + "] " + message);
                if (level.number() < low.number()) {
                    below.add(level + " " + message);
                }
            });
            OnyxRuntime.setLogLevel(low);
            Session.fromFile(spec.tinyModel()).close();
            synchronized (lines) {
                loud = lines.size();
                matching = lines.stream().anyMatch(line -> line.contains(contains));
            }
            String first = loud > 0 ? lines.get(0) : "";
            lines.clear();
            OnyxRuntime.setLogLevel(high);
            Session.fromFile(spec.tinyModel()).close();
            quiet = lines.size();
            check(loud > 0, "no log line reached the callback at level " + low);
            check(below.isEmpty(), below.size() + " lines below level " + low + " reached the callback, such as " + (below.isEmpty() ? "" : below.get(0)));
            check(matching, "no line contains '" + contains + "' (first line: " + first + ")");
            check(quiet == 0, quiet + " lines reached the callback at level " + high + ", such as " + (quiet > 0 ? lines.get(0) : ""));
        } finally {
            OnyxRuntime.setLogLevel(LogLevel.WARNING);
            OnyxRuntime.setLogCallback(null);
        }
    }

    /** Reads the tensor with the public typed read for {@code type} (toArray for those without their own). */
    private static Object readAs(Tensor tensor, ElementType type) {
        switch (type) {
            case FLOAT32:
                return tensor.toFloatArray();
            case FLOAT64:
                return tensor.toDoubleArray();
            case INT64:
                return tensor.toLongArray();
            case INT32:
                return tensor.toIntArray();
            case BOOL:
                return tensor.toBooleanArray();
            default:
                return tensor.toArray(type);
        }
    }

    /** Each line: f32 bits, then the 16-bit result, in hex; every line is compared. */
    private void floatVectors(Spec.Case c) throws Exception {
        int checked = 0;
        for (String format : new String[] {"bfloat16", "float16"}) {
            List<String> lines = Files.readAllLines(spec.path(c.get(format)), StandardCharsets.UTF_8);
            int count = 0;
            for (String line : lines) {
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String[] parts = line.trim().split("\\s+");
                float value = Float.intBitsToFloat(Integer.parseUnsignedInt(parts[0], 16));
                int want = Integer.parseInt(parts[1], 16);
                int got = (format.equals("bfloat16") ? BFloat16.fromFloat(value) : Float16.fromFloat(value)) & 0xFFFF;
                check(got == want, format + " of " + parts[0] + ": got " + String.format("%04x", got) + ", expected " + parts[1]);
                count++;
            }
            check(count > 0, c.get(format) + " has no vectors");
            checked += count;
        }
        check(checked > 0, "no vectors");
    }

    /** A process loads ONNX Runtime once, so this runs in a child JVM (RuntimePathProbe). */
    private static void runtimePathMissing(Spec.Case c) throws Exception {
        Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "-cp", System.getProperty("java.class.path")));
        String nativePath = System.getProperty(NativeLibrary.NATIVE_PATH_PROPERTY);
        if (nativePath != null) {
            command.add("-D" + NativeLibrary.NATIVE_PATH_PROPERTY + "=" + nativePath);
        }
        command.addAll(List.of(RuntimePathProbe.class.getName(), c.get("path")));
        Process child = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String text;
        try (InputStream out = child.getInputStream()) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            out.transferTo(bytes);
            text = bytes.toString(StandardCharsets.UTF_8).trim();
        }
        child.waitFor();
        String[] parts = text.split(" ", 2);
        int number;
        try {
            number = Integer.parseInt(parts[0]);
        } catch (NumberFormatException e) {
            throw new AssertionError("child printed '" + text + "'");
        }
        String message = parts.length > 1 ? parts[1] : "";
        expectCode(c, () -> {
            if (number != 0) {
                throw new OnyxException(number, message);
            }
        });
    }
}
