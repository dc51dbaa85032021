package example;

import dev.onyx.OnyxRuntime;
import dev.onyx.RunOutputs;
import dev.onyx.Session;
import dev.onyx.Tensor;
import dev.onyx.ValueInfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Classifies the suite's three images with ResNet18 through Onyx, then reads the suite's
 * rendered text line with PP-OCRv4 ({@code reads: Hello 0nyx 2026}). Usage: Classify <tests/suite folder>
 */
public final class Classify {
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: Classify <tests/suite folder>");
            System.exit(2);
        }
        Path suite = Paths.get(args[0]);
        Path model = suite.resolve("fixtures/resnet18.onnx");
        try (Session session = Session.fromFile(model)) {
            System.out.println("Onyx Java, ONNX Runtime " + OnyxRuntime.version() + ", model " + model);
            describe("input", session.input(0));
            describe("output", session.output(0));
            for (int image = 0; image < 3; image++) {
                float[] pixels = readFloats(suite.resolve("fixtures/input_" + image + ".f32"));
                long start = System.nanoTime();
                try (Tensor input = Tensor.copy(pixels, 1, 3, 224, 224);
                        RunOutputs outputs = session.run(Map.of("input", input))) {
                    float[] logits = outputs.get("logits").toFloatArray();
                    double ms = (System.nanoTime() - start) / 1e6;
                    System.out.printf("input_%d: top5 %s (%.1f ms)%n", image, top5(logits), ms);
                }
            }
        }
        System.out.println("reads: " + readTextLine(suite));
    }

    /**
     * The text line of spec.txt's case ocr_hello (its model, input file and shape), read
     * by greedy CTC decoding: the best class per time step, repeats collapsed, blanks
     * (class 0) dropped; class i is line i - 1 of the model's "character" metadata, the
     * last class a space.
     */
    private static String readTextLine(Path suite) throws IOException {
        Map<String, String> ocr = specCase(suite.resolve("spec.txt"), "ocr_hello");
        long[] shape = Arrays.stream(ocr.get("shape").split(",")).mapToLong(Long::parseLong).toArray();
        try (Session session = Session.fromFile(suite.resolve(ocr.get("model")));
                Tensor image = Tensor.copy(readFloats(suite.resolve(ocr.get("input"))), shape);
                RunOutputs outputs = session.run(Map.of(session.input(0).name(), image))) {
            String[] symbols = session.metadata().custom().getOrDefault("character", "").split("\n", -1);
            long[] dims = outputs.get(0).shape();
            int classes = (int) dims[dims.length - 1];
            float[] probabilities = outputs.get(0).toFloatArray();
            StringBuilder text = new StringBuilder();
            int previous = 0;
            for (int step = 0; step < probabilities.length; step += classes) {
                int best = 0;
                for (int i = 1; i < classes; i++) {
                    if (probabilities[step + i] > probabilities[step + best]) {
                        best = i;
                    }
                }
                if (best != 0 && best != previous) {
                    text.append(best <= symbols.length ? symbols[best - 1] : " ");
                }
                previous = best;
            }
            return text.toString();
        }
    }

    /** The fields of case {@code name} in spec.txt (blank-line separated blocks of "key value" lines). */
    private static Map<String, String> specCase(Path spec, String name) throws IOException {
        Map<String, String> fields = new java.util.HashMap<>();
        for (String line : Files.readAllLines(spec)) {
            if (line.isEmpty()) {
                if (name.equals(fields.get("case"))) {
                    return fields;
                }
                fields.clear();
            } else if (!line.startsWith("#")) {
                int space = line.indexOf(' ');
                fields.putIfAbsent(space < 0 ? line : line.substring(0, space), space < 0 ? "" : line.substring(space + 1));
            }
        }
        if (name.equals(fields.get("case"))) {
            return fields;
        }
        throw new IOException("spec.txt has no case " + name);
    }

    private static void describe(String role, ValueInfo info) {
        long[] shape = info.shape();
        String dims = "";
        for (int i = 0; i < shape.length; i++) {
            String name = info.dimensionNames().get(i);
            dims += (i > 0 ? "," : "") + (name.isEmpty() ? Long.toString(shape[i]) : name);
        }
        System.out.println("  " + role + " " + info.name() + ": element type " + info.onnxElementType() + ", shape [" + dims + "]");
    }

    /** Raw little-endian float32, as the suite's fixtures are stored. */
    private static float[] readFloats(Path file) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        float[] values = new float[bytes.remaining() / 4];
        bytes.asFloatBuffer().get(values);
        return values;
    }

    private static String top5(float[] logits) {
        Integer[] order = new Integer[logits.length];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, (a, b) -> Float.compare(logits[b], logits[a]));
        return Arrays.stream(order).limit(5).map(String::valueOf).collect(Collectors.joining(" "));
    }
}
