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

/** Classifies the suite's three images with ResNet18 through Onyx. Usage: Classify <tests/suite folder> */
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
