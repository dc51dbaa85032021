package bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.onyx.AttributeKind;
import dev.onyx.ElementType;
import dev.onyx.KernelContext;
import dev.onyx.OnyxRuntime;
import dev.onyx.Operator;
import dev.onyx.OperatorDefinition;
import dev.onyx.Session;
import dev.onyx.SessionOptions;
import dev.onyx.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Onyx Java against ONNX Runtime's own Java binding, in one warmed harness: the same
 * models, inputs and session options (intra-op threads, default optimization), measured in
 * alternating rounds so drift on a shared machine hits both alike. Medians; ratios against
 * the `ort` crate called directly (build/bench/anchors.txt) when present.
 *
 * <p>Usage: Bench &lt;tests/suite folder&gt; &lt;build/bench folder&gt; [rounds]
 */
public final class Bench {
    private interface Call {
        void run() throws Exception;
    }

    private static final List<String> LINES = new ArrayList<>();
    private static Map<String, Double> anchors = new HashMap<>();

    public static void main(String[] args) throws Exception {
        Path suite = Paths.get(args[0]);
        Path out = Paths.get(args[1]);
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        anchors = readAnchors(out.resolve("anchors.txt"));
        Path model = suite.resolve("fixtures/resnet18.onnx");
        Path tiny = suite.resolve("fixtures/add16.onnx");

        // The binding's own runtime first: its JNI library binds to whichever
        // libonnxruntime.so.1 is loaded already and needs its exact symbol version.
        // Onyx then opens its pinned copy by absolute path, privately.
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OnyxRuntime.init();
        System.out.println("onyx: [java] Onyx Java " + OnyxRuntime.VERSION + " on ONNX Runtime " + OnyxRuntime.version()
                + "; ONNX Runtime Java binding " + OrtEnvironment.class.getPackage().getImplementationVersion()
                + " (runtime " + env.getVersion() + ")");

        float[] image = readFloats(suite.resolve("fixtures/input_0.f32"));
        FloatBuffer pixels = ByteBuffer.allocateDirect(image.length * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
        pixels.put(image).flip();
        long[] shape = {1, 3, 224, 224};

        for (int threads = 1; threads <= 2; threads++) {
            try (Session onyx = Session.fromFile(model, new SessionOptions().setIntraOpThreads(threads));
                    Tensor input = Tensor.borrow(pixels, shape);
                    OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
                options.setIntraOpNumThreads(threads);
                try (OrtSession ort = env.createSession(model.toString(), options);
                        OnnxTensor ortInput = OnnxTensor.createTensor(env, pixels, shape)) {
                    Map<String, Tensor> onyxInputs = Map.of("input", input);
                    Map<String, OnnxTensor> ortInputs = Map.of("input", ortInput);
                    compare("resnet18_b1_intra" + threads + "_ms", "ms", 1e-6, rounds, 10, 1,
                            () -> onyx.run(onyxInputs).close(), () -> ort.run(ortInputs).close());
                }
            }
        }

        float[] a = new float[16];
        float[] b = new float[16];
        for (int i = 0; i < 16; i++) {
            a[i] = i;
            b[i] = 1;
        }
        try (Session onyx = Session.fromFile(tiny, new SessionOptions().setIntraOpThreads(1));
                Tensor ta = Tensor.copy(a, 16);
                Tensor tb = Tensor.copy(b, 16);
                OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            try (OrtSession ort = env.createSession(tiny.toString(), options);
                    OnnxTensor oa = OnnxTensor.createTensor(env, a);
                    OnnxTensor ob = OnnxTensor.createTensor(env, b)) {
                Map<String, Tensor> onyxInputs = Map.of("a", ta, "b", tb);
                Map<String, OnnxTensor> ortInputs = Map.of("a", oa, "b", ob);
                compare("add16_call_us", "us", 1e-3, rounds, 3, 20000,
                        () -> onyx.run(onyxInputs).close(), () -> ort.run(ortInputs).close());
            }
        }

        hostKernel(suite, rounds);

        Files.createDirectories(out);
        Files.write(out.resolve("results.txt"), LINES, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /** y = alpha * x + beta, the suite's ScaleShift, written in Java. */
    private static void scaleShift(KernelContext context) {
        float alpha = context.attributeFloat("alpha");
        float beta = context.attributeFloat("beta");
        Tensor x = context.input(0);
        float[] y = x.toFloatArray();
        for (int i = 0; i < y.length; i++) {
            y[i] = alpha * y[i] + beta;
        }
        context.output(0, x.shape()).copyFrom(y);
    }

    /**
     * Onyx only: one ScaleShift node on 16 floats (scale_shift_16.onnx), its kernel in Java
     * against the same operator from the project's native library (libonyx_test_customops.so;
     * make bench-java builds both), alternating in one JVM; the per-invocation cost of a Java
     * kernel is the difference of the two medians (a run is one kernel invocation).
     */
    private static void hostKernel(Path suite, int rounds) throws Exception {
        Path model = suite.resolve("fixtures/customops/scale_shift_16.onnx");
        long[] shape = {16};
        float[] values = new float[16];
        for (int i = 0; i < values.length; i++) {
            values[i] = i - 4;
        }
        Path library = suite.resolve("../../target/release/libonyx_test_customops.so").normalize();
        OperatorDefinition definition = new OperatorDefinition("dev.onyx.test", "ScaleShift").input(ElementType.FLOAT32)
                .output(ElementType.FLOAT32).attribute("alpha", AttributeKind.FLOAT).attribute("beta", AttributeKind.FLOAT);
        try (Operator op = new Operator(definition, Bench::scaleShift);
                Session host = Session.fromFile(model, new SessionOptions().setIntraOpThreads(1).addOperator(op));
                Session native_ = Session.fromFile(model, new SessionOptions().setIntraOpThreads(1).addCustomOpLibrary(library));
                Tensor x = Tensor.copy(values, shape)) {
            Map<String, Tensor> inputs = Map.of("x", x);
            Call javaKernel = () -> host.run(inputs).close();
            Call libraryKernel = () -> native_.run(inputs).close();
            int calls = 20000;
            for (int i = 0; i < calls; i++) {
                javaKernel.run();
                libraryKernel.run();
            }
            List<Double> javaTimes = new ArrayList<>();
            List<Double> libraryTimes = new ArrayList<>();
            for (int round = 0; round < rounds * 3; round++) {
                sample(javaKernel, 3, calls, 1e-3, javaTimes);
                sample(libraryKernel, 3, calls, 1e-3, libraryTimes);
            }
            double javaMedian = median(javaTimes);
            double libraryMedian = median(libraryTimes);
            report("java", "scale_shift_" + values.length + "_java_kernel_call_us", javaMedian, "us");
            report("java", "scale_shift_" + values.length + "_library_kernel_call_us", libraryMedian, "us");
            report("java", "host_kernel_overhead_us", javaMedian - libraryMedian, "us");
            System.out.printf(Locale.ROOT, "onyx: [java] ScaleShift %s (%s) per run: Java kernel %.2f us, native library %.2f us:"
                    + " a Java kernel costs %.2f us per invocation more (target: within 5 us)%n", java.util.Arrays.toString(shape),
                    model.getFileName(), javaMedian, libraryMedian,
                    javaMedian - libraryMedian);
        }
    }

    /**
     * Warms both, then in each round times {@code samples} samples of {@code calls} calls for
     * Onyx, then for the ONNX Runtime binding; prints the medians (per call).
     */
    private static void compare(String key, String unit, double scale, int rounds, int samples, int calls, Call onyx, Call ort)
            throws Exception {
        for (int i = 0; i < Math.max(3, calls); i++) {
            onyx.run();
            ort.run();
        }
        List<Double> onyxTimes = new ArrayList<>();
        List<Double> ortTimes = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            sample(onyx, samples, calls, scale, onyxTimes);
            sample(ort, samples, calls, scale, ortTimes);
        }
        double onyxMedian = median(onyxTimes);
        double ortMedian = median(ortTimes);
        report("java", key, onyxMedian, unit);
        report("ort-java", key, ortMedian, unit);
        System.out.printf(Locale.ROOT, "onyx: [java] %s: Onyx Java / ONNX Runtime Java = %.3f%n", key, onyxMedian / ortMedian);
    }

    private static void sample(Call call, int samples, int calls, double scale, List<Double> times) throws Exception {
        for (int s = 0; s < samples; s++) {
            long start = System.nanoTime();
            for (int c = 0; c < calls; c++) {
                call.run();
            }
            times.add((System.nanoTime() - start) * scale / calls);
        }
    }

    private static void report(String lang, String key, double median, String unit) {
        Double anchor = anchors.get("ort_" + key);
        String ratio = anchor == null ? "-" : String.format(Locale.ROOT, "%.4f", median / anchor);
        String line = String.format(Locale.ROOT, "bench %s %s %.4f %s %s", lang, key, median, unit, ratio);
        System.out.println(line);
        LINES.add(line);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static Map<String, Double> readAnchors(Path file) throws IOException {
        Map<String, Double> values = new HashMap<>();
        if (Files.isRegularFile(file)) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String[] parts = line.trim().split("\\s+");
                if (parts.length == 2) {
                    values.put(parts[0], Double.parseDouble(parts[1]));
                }
            }
        } else {
            System.out.println("onyx: [java] no " + file + " (run `make bench` for the ort-direct anchors): ratios shown as -");
        }
        return values;
    }

    private static float[] readFloats(Path file) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        float[] values = new float[bytes.remaining() / 4];
        bytes.asFloatBuffer().get(values);
        return values;
    }
}
