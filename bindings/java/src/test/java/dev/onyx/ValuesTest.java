package dev.onyx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Java-only: the value API (string tensors, sequences, maps, optionals, runValues, full
 * types) on the suite's scikit-learn case folders (tests/suite/fixtures/sklearn), whose
 * expected values are ONNX Runtime's own, read from the folders' files.
 */
class ValuesTest {
    private static final Path SKLEARN = Spec.load().path("fixtures/sklearn");

    // --- fixtures: the case folders' raw files ---------------------------------------------

    private static byte[] bytes(Path file) throws IOException {
        return Files.readAllBytes(file);
    }

    /** A string file: per element a u32 LE byte length, then the UTF-8 bytes. */
    private static String[] strings(Path file) throws IOException {
        ByteBuffer in = ByteBuffer.wrap(bytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        List<String> out = new ArrayList<>();
        while (in.hasRemaining()) {
            byte[] text = new byte[in.getInt()];
            in.get(text);
            out.add(new String(text, StandardCharsets.UTF_8));
        }
        return out.toArray(new String[0]);
    }

    private static float[] floats(Path file) throws IOException {
        ByteBuffer in = ByteBuffer.wrap(bytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[in.remaining() / 4];
        in.asFloatBuffer().get(out);
        return out;
    }

    private static void expectCode(ErrorCode code, Runnable action, String... contains) {
        OnyxException e = assertThrows(OnyxException.class, action::run);
        assertEquals(code, e.code(), e.getMessage());
        for (String text : contains) {
            assertTrue(e.getMessage().contains(text), "'" + e.getMessage() + "' lacks '" + text + "'");
        }
    }

    /** Each row's probabilities (a map) equal the case folder's keys and values. */
    private static void checkProbabilities(Path folder, Value probabilities) throws IOException {
        assertEquals(ValueKind.SEQUENCE, probabilities.kind());
        List<Value> rows = probabilities.items();
        assertEquals(4, rows.size());
        for (int i = 0; i < rows.size(); i++) {
            Value row = rows.get(i);
            assertEquals(ValueKind.MAP, row.kind());
            String[] keys = strings(folder.resolve("output_probability_" + i + "_keys.bin"));
            float[] values = floats(folder.resolve("output_probability_" + i + "_values.bin"));
            assertArrayEquals(keys, row.keys().toStringArray(), "row " + i + " keys, in ONNX Runtime's order");
            assertArrayEquals(values, row.values().toFloatArray(), 1e-5f, "row " + i);
            Map<Object, Object> map = row.toMap();
            assertEquals(List.of(keys), new ArrayList<>(map.keySet()), "toMap keeps the map's order");
            for (int k = 0; k < keys.length; k++) {
                assertEquals(values[k], (Float) map.get(keys[k]), 1e-5f, keys[k]);
            }
        }
    }

    // --- runs on the scikit-learn models ---------------------------------------------------

    @Test
    void classifierGivesStringLabelsAndZipMapProbabilities() throws IOException {
        Path folder = SKLEARN.resolve("classifier");
        try (Session session = Session.fromFile(folder.resolve("model.onnx"));
                Value input = Value.of(Tensor.copy(floats(folder.resolve("input.bin")), 4, 4));
                ValueOutputs outputs = session.runValues(Map.of("input", input))) {
            assertEquals(List.of("output_label", "output_probability"), outputs.names());
            Tensor labels = outputs.get("output_label").tensor();
            assertEquals(ElementType.STRING, labels.elementType());
            assertArrayEquals(new long[] {4}, labels.shape());
            assertArrayEquals(strings(folder.resolve("output_label.bin")), labels.toStringArray());
            checkProbabilities(folder, outputs.get("output_probability"));
        }
    }

    @Test
    void textModelTakesAStringTensor() throws IOException {
        Path folder = SKLEARN.resolve("text");
        String[] sentences = strings(folder.resolve("text.bin"));
        try (Session session = Session.fromFile(folder.resolve("model.onnx"));
                Value text = Value.of(Tensor.fromStrings(new long[] {4, 1}, sentences));
                ValueOutputs outputs = session.runValues(Map.of("text", text), List.of("output_probability", "output_label"), null)) {
            assertEquals(List.of("output_probability", "output_label"), outputs.names());
            assertArrayEquals(strings(folder.resolve("output_label.bin")), outputs.get(1).tensor().toStringArray());
            checkProbabilities(folder, outputs.get(0));
        }
    }

    @Test
    void valueInfoGivesTheFullTypeInOnnxNotation() {
        try (Session session = Session.fromFile(SKLEARN.resolve("classifier/model.onnx"))) {
            assertEquals("tensor(float)", session.input(0).valueType().toString());
            assertEquals("tensor(string)", session.output(0).valueType().toString());
            ValueType probabilities = session.output(1).valueType();
            assertEquals("seq(map(string,tensor(float)))", probabilities.toString());
            assertEquals(ValueKind.SEQUENCE, probabilities.kind());
            ValueType map = probabilities.item().orElseThrow();
            assertEquals(ValueKind.MAP, map.kind());
            assertEquals(ElementType.STRING.onnxType(), map.onnxKeyType());
            assertEquals(ElementType.FLOAT32, map.elementType().orElseThrow());
            assertEquals("tensor(float)", map.item().orElseThrow().toString());
            assertFalse(map.item().orElseThrow().item().isPresent());
        }
        try (Session session = Session.fromFile(SKLEARN.resolve("text/model.onnx"))) {
            assertEquals(ElementType.STRING, session.input(0).elementType().orElseThrow());
        }
    }

    @Test
    void anAbsentOptionalForARequiredInputIsMissingInput() {
        try (Session session = Session.fromFile(SKLEARN.resolve("classifier/model.onnx"));
                Value absent = Value.optional(null)) {
            assertEquals(ValueKind.OPTIONAL, absent.kind());
            assertFalse(absent.toOptional().isPresent());
            expectCode(ErrorCode.MISSING_INPUT, () -> session.runValues(Map.of("input", absent)).close(), "input");
        }
    }

    // --- building and reading values -------------------------------------------------------

    @Test
    void stringTensorsCopyJavaStringsBothWays() {
        String[] texts = {"", "plain", "naïve 日本語", "emoji \uD83D\uDE00", "nul\u0000inside"};
        try (Tensor t = Tensor.fromStrings(new long[] {5}, texts)) {
            assertEquals(ElementType.STRING, t.elementType());
            assertEquals(5, t.elementCount());
            assertEquals(0, t.byteLength(), "a string tensor has no raw data");
            String[] back = t.toStringArray();
            assertArrayEquals(texts, back);
            back[1] = "changed";
            assertEquals("plain", t.toStringArray()[1], "a copy each time");
            expectCode(ErrorCode.TYPE_MISMATCH, t::toFloatArray);
        }
        try (Tensor numbers = Tensor.copy(new float[] {1, 2}, 2)) {
            expectCode(ErrorCode.TYPE_MISMATCH, numbers::toStringArray);
        }
    }

    @Test
    void stringMistakesHaveCoresCodes() {
        expectCode(ErrorCode.INVALID_UTF8, () -> Tensor.fromStrings(new long[] {2}, new String[] {"fine", "lone \uD800 surrogate"}).close(), "element 1");
        expectCode(ErrorCode.BUFFER_SIZE_MISMATCH, () -> Tensor.fromStrings(new long[] {3}, new String[] {"a", "b"}).close());
        assertThrows(NullPointerException.class, () -> Tensor.fromStrings(new long[] {1}, new String[] {null}));
    }

    @Test
    void mapsSequencesAndOptionals() {
        try (Value map = Value.map(Tensor.copy(new long[] {7, -3}, 2), Tensor.copy(new double[] {0.5, 2.25}, 2))) {
            assertEquals(ValueKind.MAP, map.kind());
            Map<Object, Object> java = map.toMap();
            assertEquals(Map.of(7L, 0.5, -3L, 2.25), java);
            assertEquals("Value(map(int64,tensor(double)))", map.toString());
        }
        Value first = Value.of(Tensor.fromStrings(new long[] {1}, new String[] {"x"}));
        Value second = Value.of(Tensor.fromStrings(new long[] {2}, new String[] {"y", "z"}));
        try (Value sequence = Value.sequence(List.of(first, second)); Value optional = Value.optional(Value.of(Tensor.copy(new int[] {4}, 1)))) {
            assertEquals(ValueKind.SEQUENCE, sequence.kind());
            List<Value> items = sequence.items();
            assertEquals(2, items.size());
            assertArrayEquals(new String[] {"y", "z"}, items.get(1).tensor().toStringArray());
            assertEquals("Value(seq(tensor(string)))", sequence.toString());
            Value inside = optional.toOptional().orElseThrow();
            assertArrayEquals(new int[] {4}, inside.tensor().toIntArray());
            expectCode(ErrorCode.TYPE_MISMATCH, sequence::keys);
            expectCode(ErrorCode.TYPE_MISMATCH, sequence::tensor);
            expectCode(ErrorCode.TYPE_MISMATCH, optional::items);
        }
        try (Value empty = Value.sequence(List.of())) {
            assertEquals(0, empty.items().size());
        }
    }

    @Test
    void valueMistakesHaveCoresCodes() {
        expectCode(ErrorCode.INVALID_ARGUMENT, () -> Value.map(Tensor.copy(new long[] {1, 2, 3}, 3), Tensor.copy(new float[] {1, 2}, 2)).close(), "3 keys");
        Value floats = Value.of(Tensor.copy(new float[] {1}, 1));
        Value longs = Value.of(Tensor.copy(new long[] {1}, 1));
        expectCode(ErrorCode.TYPE_MISMATCH, () -> Value.sequence(List.of(floats, longs)).close(), "item 1");
        assertThrows(IllegalStateException.class, floats::kind, "the sequence took its items, also when it failed");
    }

    @Test
    void valuesOwnTheirTensorsAndViewsEndWithThem() {
        long before = Native.liveObjects();
        Tensor tensor = Tensor.copy(new float[] {1, 2, 3}, 3);
        Value value = Value.of(tensor);
        IllegalStateException moved = assertThrows(IllegalStateException.class, tensor::elementType);
        assertTrue(moved.getMessage().contains("moved into a Value"), moved.getMessage());
        tensor.close(); // does nothing now
        Tensor view = value.tensor();
        assertArrayEquals(new float[] {1, 2, 3}, view.toFloatArray());
        assertThrows(IllegalStateException.class, () -> view.copyFrom(new float[] {4, 5, 6}), "a value's tensor is read-only");
        assertThrows(IllegalStateException.class, () -> Value.of(view), "a view cannot be moved");
        view.close(); // a view's close leaves the value alone
        assertArrayEquals(new float[] {1, 2, 3}, value.tensor().toFloatArray());
        Tensor again = value.tensor();
        assertEquals(before + 1, Native.liveObjects(), "one native object: the value holding its tensor");
        value.close();
        assertThrows(IllegalStateException.class, again::toFloatArray, "a view ends with its value");
        assertEquals(before, Native.liveObjects(), "closing the value freed it and its tensor");

        Value item = Value.of(Tensor.copy(new long[] {1}, 1));
        assertThrows(IllegalArgumentException.class, () -> Value.sequence(List.of(item, item)));
        item.close();
        assertThrows(IllegalStateException.class, () -> Value.optional(item), "a closed value cannot be moved");
        assertEquals(before, Native.liveObjects());
    }

    @Test
    void theNewElementTypesAreRawBits() {
        assertEquals(0, ElementType.STRING.size());
        assertEquals(1, ElementType.FLOAT8E4M3FN.size());
        assertEquals(0, ElementType.INT4.size());
        assertEquals(ElementType.UINT2, ElementType.fromOnnx(25));
        try (Tensor int4 = Tensor.zeros(ElementType.INT4, 3); Tensor int2 = Tensor.zeros(ElementType.INT2, 5)) {
            assertEquals(2, int4.byteLength(), "two 4-bit elements to a byte, the last one padded");
            assertEquals(2, int2.byteLength(), "four 2-bit elements to a byte");
        }
        byte[] bits = {0x00, 0x38, (byte) 0xc0, 0x7e};
        try (Tensor f8 = Tensor.copy(ByteBuffer.wrap(bits), ElementType.FLOAT8E4M3FN, 2, 2)) {
            assertEquals(ElementType.FLOAT8E4M3FN, f8.elementType());
            assertArrayEquals(bits, f8.toByteArray());
            assertArrayEquals(bits, (byte[]) f8.toArray(ElementType.FLOAT8E4M3FN));
        }
    }
}
