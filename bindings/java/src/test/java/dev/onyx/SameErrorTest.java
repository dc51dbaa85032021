package dev.onyx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Java-only: mistakes beyond the shared suite's give Onyx codes, with onyx-core's
 * messages; misuse of the Java objects themselves gives Java's own exceptions.
 */
class SameErrorTest {
    private final Spec spec = Spec.load();

    private static OnyxException onyx(ErrorCode code, String text, Executable action) {
        OnyxException e = assertThrows(OnyxException.class, action);
        assertEquals(code, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains(text), "'" + e.getMessage() + "' lacks '" + text + "'");
        return e;
    }

    @Test
    void threadCountsAreCheckedByCoreWhereTheyAreSet() {
        onyx(ErrorCode.INVALID_ARGUMENT, "inter_op_threads is -3", () -> new SessionOptions().setInterOpThreads(-3));
        onyx(ErrorCode.INVALID_ARGUMENT, "intra_op_threads is -1", () -> new SessionOptions().setIntraOpThreads(-1));
        SessionOptions options = new SessionOptions().setIntraOpThreads(1).setInterOpThreads(1);
        assertEquals(1, options.intraOpThreads());
    }

    @Test
    void indexesTypesAndNamesGiveOnyxCodes() {
        float[] zeros = new float[16];
        try (Session session = Session.fromFile(spec.tinyModel());
                Tensor a = Tensor.copy(zeros, 16);
                Tensor b = Tensor.copy(zeros, 16);
                RunOutputs outputs = session.run(Map.of("a", a, "b", b))) {
            onyx(ErrorCode.INDEX_OUT_OF_RANGE, "input index 2 is out of range: the model has 2 inputs", () -> session.input(2));
            onyx(ErrorCode.INDEX_OUT_OF_RANGE, "output index", () -> session.output(-1));
            assertEquals("b", session.input(1).name());
            assertEquals(ValueKind.TENSOR, session.output(0).kind());
            assertEquals(ElementType.FLOAT32, session.output(0).elementType().orElseThrow());
            onyx(ErrorCode.UNKNOWN_OUTPUT, "'nope'", () -> outputs.get("nope"));
            onyx(ErrorCode.TYPE_MISMATCH, "tensor holds float elements, not int32", outputs.get(0)::toIntArray);
            onyx(ErrorCode.TYPE_MISMATCH, "not bfloat16", () -> outputs.get(0).toShortArray(ElementType.BFLOAT16));
            onyx(ErrorCode.INVALID_ARGUMENT, "two-byte", () -> outputs.get(0).toShortArray(ElementType.FLOAT32));
            onyx(ErrorCode.TYPE_MISMATCH, "not uint8", () -> outputs.get(0).toArray(ElementType.UINT8));
            assertEquals(16, ((float[]) outputs.get(0).toArray(ElementType.FLOAT32)).length);
            onyx(ErrorCode.TYPE_MISMATCH, "int32", () -> Tensor.copy(new short[8], ElementType.INT32, 4));
            onyx(ErrorCode.UNKNOWN_INPUT, "no input named 'c'", () -> session.run(Map.of("a", a, "c", b)));
            onyx(ErrorCode.INVALID_ARGUMENT, "also used", () -> session.runInto(Map.of("a", a, "b", b), Map.of("sum", a)));
            assertEquals(16, outputs.get("sum").elementCount());
            assertEquals(64, outputs.get("sum").byteLength());
            assertEquals(64, outputs.get("sum").toByteArray().length);
        }
    }

    @Test
    void theRunTagIsCores() {
        try (RunOptions options = new RunOptions()) {
            assertEquals("", options.tag());
            assertEquals("tagged", options.setTag("tagged").tag());
        }
    }

    @Test
    void misuseOfTheJavaObjectsIsJavasOwnException() {
        Tensor tensor = Tensor.zeros(ElementType.FLOAT32, 2);
        tensor.close();
        assertThrows(IllegalStateException.class, tensor::byteLength);
        assertThrows(NullPointerException.class, () -> Tensor.copy((float[]) null, 2));
        assertThrows(NullPointerException.class, () -> Session.fromFile(null));
        assertFalse(tensor.toString().isEmpty());
    }
}
