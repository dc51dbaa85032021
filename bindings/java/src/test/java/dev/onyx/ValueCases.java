package dev.onyx;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The language-neutral value format (tests/conformance/README.md, tests/suite/README.md
 * "Case folders"): reads a case folder ({@code case.txt} and its raw files), runs it through
 * {@link Session#runValues} and compares, as core/tests/values/mod.rs does. Shared by the
 * conformance runner and the suite's {@code values} cases.
 */
final class ValueCases {
    private ValueCases() {}

    /** A case that does not hold: the reason. */
    static final class Mismatch extends Exception {
        private static final long serialVersionUID = 1L;

        Mismatch(String why) {
            super(why);
        }
    }

    /** One case.txt: the model, the expectation, the input and output values by name. */
    static final class Case implements AutoCloseable {
        Path model;
        String expect = "";
        final Map<String, Value> inputs = new LinkedHashMap<>();
        final Map<String, Value> outputs = new LinkedHashMap<>();

        @Override
        public void close() {
            inputs.values().forEach(Value::close);
            outputs.values().forEach(Value::close);
        }
    }

    static Case read(Path dir) throws Mismatch {
        List<String> lines;
        try {
            lines = Files.readAllLines(dir.resolve("case.txt"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new Mismatch("cannot read case.txt: " + e);
        }
        Case c = new Case();
        try {
            for (String line : lines) {
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                int space = line.indexOf(' ');
                String key = space < 0 ? line : line.substring(0, space);
                String rest = space < 0 ? "" : line.substring(space + 1);
                switch (key) {
                    case "model":
                        c.model = dir.resolve(rest);
                        break;
                    case "expect":
                        c.expect = rest;
                        break;
                    case "input":
                    case "output": {
                        Tokens tokens = new Tokens(rest.split(" "));
                        String name = next(tokens);
                        Value value = parseValue(tokens, dir);
                        // Repeated names would replace (and leak) an earlier value: never in the format.
                        Value old = (key.equals("input") ? c.inputs : c.outputs).put(name, value);
                        if (old != null) {
                            old.close();
                        }
                        break;
                    }
                    default:
                        break;
                }
            }
        } catch (Mismatch | RuntimeException e) {
            c.close();
            throw e instanceof Mismatch ? (Mismatch) e : new Mismatch(e.toString());
        }
        return c;
    }

    /** The space-separated tokens of a value line. */
    private static final class Tokens {
        private final String[] tokens;
        private int at;

        Tokens(String[] tokens) {
            this.tokens = tokens;
        }

        String peek() {
            return at < tokens.length ? tokens[at] : null;
        }
    }

    private static String next(Tokens tokens) throws Mismatch {
        if (tokens.at >= tokens.tokens.length) {
            throw new Mismatch("a value ends too early");
        }
        return tokens.tokens[tokens.at++];
    }

    /** A value in prefix form (see the class comment's READMEs). */
    private static Value parseValue(Tokens tokens, Path dir) throws Mismatch {
        String kind = next(tokens);
        switch (kind) {
            case "tensor":
                return Value.of(parseTensor(tokens, dir));
            case "sequence": {
                int n = Integer.parseInt(next(tokens));
                if (n == 0) {
                    next(tokens); // the element type an empty sequence would hold
                    return Value.sequence(List.of());
                }
                List<Value> items = new ArrayList<>(n);
                try {
                    for (int i = 0; i < n; i++) {
                        items.add(parseValue(tokens, dir));
                    }
                } catch (Mismatch | RuntimeException e) {
                    items.forEach(Value::close);
                    throw e;
                }
                return Value.sequence(items);
            }
            case "map": {
                if (!next(tokens).equals("tensor")) {
                    throw new Mismatch("map keys and values must be tensors");
                }
                Tensor keys = parseTensor(tokens, dir);
                try {
                    if (!next(tokens).equals("tensor")) {
                        throw new Mismatch("map keys and values must be tensors");
                    }
                } catch (Mismatch e) {
                    keys.close();
                    throw e;
                }
                Tensor values;
                try {
                    values = parseTensor(tokens, dir);
                } catch (Mismatch | RuntimeException e) {
                    keys.close();
                    throw e;
                }
                return Value.map(keys, values);
            }
            case "optional": {
                if ("none".equals(tokens.peek())) {
                    next(tokens);
                    return Value.optional(null);
                }
                return Value.optional(parseValue(tokens, dir));
            }
            default:
                throw new Mismatch("unknown value kind '" + kind + "'");
        }
    }

    private static Tensor parseTensor(Tokens tokens, Path dir) throws Mismatch {
        int number = Integer.parseInt(next(tokens));
        ElementType type = ElementType.fromOnnx(number);
        if (type == null) {
            throw new Mismatch("element type " + number + " is not one Onyx supports");
        }
        String dims = next(tokens).replace("[", "").replace("]", "");
        long[] shape = dims.isEmpty() ? new long[0] : Spec.shape(dims);
        Path file = dir.resolve(next(tokens));
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new Mismatch("cannot read " + file + ": " + e);
        }
        if (type == ElementType.STRING) {
            List<String> strings = new ArrayList<>();
            ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            while (in.hasRemaining()) {
                if (in.remaining() < 4) {
                    throw new Mismatch(file + ": truncated string file");
                }
                int length = in.getInt();
                if (length < 0 || length > in.remaining()) {
                    throw new Mismatch(file + ": truncated string file");
                }
                ByteBuffer text = in.slice();
                text.limit(length);
                in.position(in.position() + length);
                try {
                    strings.add(StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT).decode(text).toString());
                } catch (CharacterCodingException e) {
                    throw new Mismatch(file + ": string " + strings.size() + " is not valid UTF-8");
                }
            }
            return Tensor.fromStrings(shape, strings.toArray(new String[0]));
        }
        return Tensor.copy(ByteBuffer.wrap(bytes), type, shape);
    }

    /**
     * Runs the case folder {@code dir} with {@code options}: a session from its model, its
     * inputs by name, its outputs compared (or, for {@code expect error}, any Onyx error).
     *
     * @throws Mismatch why the case does not hold
     */
    static void run(Path dir, SessionOptions options) throws Mismatch {
        try (Case c = read(dir)) {
            List<String> names = new ArrayList<>(c.outputs.keySet());
            ValueOutputs got;
            try (Session session = Session.fromFile(c.model, options)) {
                got = session.runValues(c.inputs, names.isEmpty() ? null : names, null);
            } catch (OnyxException e) {
                if (c.expect.equals("error")) {
                    return;
                }
                throw new Mismatch(e.getMessage());
            }
            try (ValueOutputs outputs = got) {
                switch (c.expect) {
                    case "error":
                        throw new Mismatch("ONNX Runtime's Python binding fails on this case, but Onyx ran it");
                    case "pass":
                    case "ort_values":
                    case "unstable":
                        for (int i = 0; i < names.size(); i++) {
                            try {
                                compare(outputs.get(i), c.outputs.get(names.get(i)), c.expect.equals("unstable"));
                            } catch (Mismatch e) {
                                throw new Mismatch("output '" + names.get(i) + "': " + e.getMessage());
                            }
                        }
                        return;
                    default:
                        throw new Mismatch("unknown expectation '" + c.expect + "'");
                }
            }
        }
    }

    /** Kinds, element types and shapes must match; values too unless {@code shapeOnly}. */
    static void compare(Value got, Value want, boolean shapeOnly) throws Mismatch {
        ValueKind g = got.kind();
        ValueKind w = want.kind();
        if (g == ValueKind.TENSOR && w == ValueKind.TENSOR) {
            compareTensors(got.tensor(), want.tensor(), shapeOnly);
        } else if (g == ValueKind.SEQUENCE && w == ValueKind.SEQUENCE) {
            List<Value> gi = got.items();
            List<Value> wi = want.items();
            if (gi.size() != wi.size()) {
                throw new Mismatch("sequence of " + gi.size() + " items, expected " + wi.size());
            }
            for (int i = 0; i < gi.size(); i++) {
                try {
                    compare(gi.get(i), wi.get(i), shapeOnly);
                } catch (Mismatch e) {
                    throw new Mismatch("item " + i + ": " + e.getMessage());
                }
            }
        } else if (g == ValueKind.MAP && w == ValueKind.MAP) {
            try {
                compareTensors(got.keys(), want.keys(), shapeOnly);
            } catch (Mismatch e) {
                throw new Mismatch("map keys: " + e.getMessage());
            }
            try {
                compareTensors(got.values(), want.values(), shapeOnly);
            } catch (Mismatch e) {
                throw new Mismatch("map values: " + e.getMessage());
            }
        } else if (g == ValueKind.OPTIONAL && w == ValueKind.OPTIONAL) {
            java.util.Optional<Value> gv = got.toOptional();
            java.util.Optional<Value> wv = want.toOptional();
            if (gv.isPresent() && wv.isPresent()) {
                compare(gv.get(), wv.get(), shapeOnly);
            } else if (gv.isPresent() != wv.isPresent()) {
                throw new Mismatch("optional is " + (gv.isPresent() ? "present" : "absent") + ", expected "
                        + (wv.isPresent() ? "present" : "absent"));
            }
        } else if (g == ValueKind.OPTIONAL && got.toOptional().isPresent()) {
            // An optional output comes back as an optional; the reference may list its item.
            compare(got.toOptional().get(), want, shapeOnly);
        } else {
            throw new Mismatch("got a " + g + ", expected a " + w);
        }
    }

    private static void compareTensors(Tensor got, Tensor want, boolean shapeOnly) throws Mismatch {
        ElementType gt = got.elementType();
        ElementType wt = want.elementType();
        if (gt != wt) {
            throw new Mismatch(gt.onnxName() + " elements, expected " + wt.onnxName());
        }
        if (!Arrays.equals(got.shape(), want.shape())) {
            throw new Mismatch("shape " + Arrays.toString(got.shape()) + ", expected " + Arrays.toString(want.shape()));
        }
        if (shapeOnly) {
            return;
        }
        double[] g = floats(got);
        if (g != null) {
            double[] w = floats(want);
            for (int i = 0; i < g.length; i++) {
                boolean close = (Double.isNaN(g[i]) && Double.isNaN(w[i])) || g[i] == w[i] || Math.abs(g[i] - w[i]) <= 1e-5 + 1e-3 * Math.abs(w[i]);
                if (!close) {
                    throw new Mismatch("element " + i + " is " + g[i] + ", expected " + w[i] + " (atol 1e-5, rtol 1e-3)");
                }
            }
            return;
        }
        if (gt == ElementType.STRING) {
            String[] gs = got.toStringArray();
            String[] ws = want.toStringArray();
            for (int i = 0; i < Math.min(gs.length, ws.length); i++) {
                if (!gs[i].equals(ws[i])) {
                    throw new Mismatch("string " + i + " is \"" + gs[i] + "\", expected \"" + ws[i] + "\"");
                }
            }
            return;
        }
        byte[] gb = got.toByteArray();
        byte[] wb = want.toByteArray();
        for (int i = 0; i < Math.min(gb.length, wb.length); i++) {
            if (gb[i] != wb[i]) {
                throw new Mismatch("byte " + i + " is " + (gb[i] & 0xff) + ", expected " + (wb[i] & 0xff) + " (" + gt.onnxName()
                        + " elements compare exactly)");
            }
        }
    }

    /** The elements of a float type (float, double, float16, bfloat16) as doubles; null for the others. */
    private static double[] floats(Tensor t) {
        switch (t.elementType()) {
            case FLOAT32: {
                float[] v = t.toFloatArray();
                double[] out = new double[v.length];
                for (int i = 0; i < v.length; i++) {
                    out[i] = v[i];
                }
                return out;
            }
            case FLOAT64:
                return t.toDoubleArray();
            case FLOAT16:
            case BFLOAT16: {
                boolean half = t.elementType() == ElementType.FLOAT16;
                short[] v = t.toShortArray(t.elementType());
                double[] out = new double[v.length];
                for (int i = 0; i < v.length; i++) {
                    out[i] = half ? Float16.toFloat(v[i]) : BFloat16.toFloat(v[i]);
                }
                return out;
            }
            default:
                return null;
        }
    }
}
