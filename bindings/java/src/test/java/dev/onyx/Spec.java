package dev.onyx;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/** tests/suite/spec.txt, parsed as its README describes, and the fixtures it names. */
final class Spec {
    /** One block of spec.txt: key, value pairs in order (keys may repeat). */
    static final class Case {
        final String name;
        final List<String[]> fields;

        Case(List<String[]> fields) {
            this.fields = fields;
            String found = "";
            for (String[] kv : fields) {
                if (kv[0].equals("case")) {
                    found = kv[1];
                }
            }
            this.name = found;
        }

        String get(String key) {
            for (String[] kv : fields) {
                if (kv[0].equals(key)) {
                    return kv[1];
                }
            }
            throw new AssertionError("spec field '" + key + "' missing");
        }

        boolean has(String key) {
            return !all(key).isEmpty();
        }

        List<String> all(String key) {
            List<String> values = new ArrayList<>();
            for (String[] kv : fields) {
                if (kv[0].equals(key)) {
                    values.add(kv[1]);
                }
            }
            return values;
        }

        int integer(String key) {
            return Integer.parseInt(get(key));
        }

        float number(String key) {
            return Float.parseFloat(get(key));
        }

        @Override
        public String toString() {
            return name;
        }
    }

    final Path dir;
    final Case header;
    final List<Case> cases = new ArrayList<>();

    private Spec(Path dir, Case header) {
        this.dir = dir;
        this.header = header;
    }

    /** The suite folder: the onyx.suite.dir property (set by the pom), else the checkout's. */
    static Spec load() {
        Path dir = Paths.get(System.getProperty("onyx.suite.dir", "../../tests/suite")).toAbsolutePath().normalize();
        List<List<String[]>> blocks = new ArrayList<>();
        List<String[]> current = new ArrayList<>();
        List<String> lines;
        try {
            lines = new ArrayList<>(Files.readAllLines(dir.resolve("spec.txt"), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        lines.add("");
        for (String line : lines) {
            if (line.startsWith("#")) {
                continue;
            }
            if (line.isEmpty()) {
                if (!current.isEmpty()) {
                    blocks.add(current);
                    current = new ArrayList<>();
                }
                continue;
            }
            int space = line.indexOf(' ');
            current.add(space < 0 ? new String[] {line, ""} : new String[] {line.substring(0, space), line.substring(space + 1)});
        }
        Spec spec = new Spec(dir, new Case(blocks.get(0)));
        for (List<String[]> block : blocks.subList(1, blocks.size())) {
            spec.cases.add(new Case(block));
        }
        return spec;
    }

    Path path(String relative) {
        return dir.resolve(relative);
    }

    Path model() {
        return path(header.get("model"));
    }

    Path tinyModel() {
        return path(header.get("tiny_model"));
    }

    Case find(String name) {
        for (Case c : cases) {
            if (c.name.equals(name)) {
                return c;
            }
        }
        throw new AssertionError("case " + name + " missing from spec");
    }

    static long[] shape(String text) {
        String[] parts = text.split(",");
        long[] dims = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            dims[i] = Long.parseLong(parts[i]);
        }
        return dims;
    }

    /** A .f32 fixture: raw little-endian float32. */
    float[] floats(String relative) {
        try {
            byte[] bytes = Files.readAllBytes(path(relative));
            float[] values = new float[bytes.length / 4];
            ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
            return values;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
