package dev.onyx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Java-only: native objects are freed exactly once, at close or by the cleaner, never while in use. */
class LifecycleTest {
    private final Spec spec = Spec.load();

    /** start, start + 1, ... (n values). */
    static float[] ramp(int n, float start) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = start + i;
        }
        return values;
    }

    @Test
    void tryWithResourcesFreesEverything() {
        OnyxRuntime.init();
        long before = Native.liveObjects();
        try (Session session = Session.fromFile(spec.tinyModel());
                Tensor a = Tensor.copy(ramp(16, 0), 16);
                Tensor b = Tensor.copy(ramp(16, 100), 16);
                RunOptions options = new RunOptions().setTag("lifecycle");
                RunOutputs outputs = session.run(Map.of("a", a, "b", b), options)) {
            assertEquals(before + 5, Native.liveObjects(), "session, two inputs, run options and one output are alive");
            float[] sum = outputs.get("sum").toFloatArray();
            for (int i = 0; i < 16; i++) {
                assertEquals(100 + 2 * i, sum[i]);
            }
        }
        assertEquals(before, Native.liveObjects(), "closing frees every native object");
    }

    @Test
    void useAfterCloseThrowsAndSecondCloseDoesNothing() {
        Session session = Session.fromFile(spec.tinyModel());
        Tensor a = Tensor.copy(ramp(16, 0), 16);
        Tensor b = Tensor.copy(ramp(16, 0), 16);
        RunOptions options = new RunOptions();
        a.close();
        a.close();
        assertThrows(IllegalStateException.class, a::toFloatArray);
        assertThrows(IllegalStateException.class, () -> session.run(Map.of("a", a, "b", b)));
        options.close();
        assertThrows(IllegalStateException.class, options::terminate);
        session.close();
        session.close();
        IllegalStateException closed = assertThrows(IllegalStateException.class, () -> session.run(Map.of("a", b, "b", b)));
        assertTrue(closed.getMessage().contains("session is closed"), closed.getMessage());
        assertArrayEquals(ramp(16, 0), b.toFloatArray(), "other objects are unaffected");
        b.close();
    }

    @Test
    void closingASessionDuringARunLetsThatRunFinish() throws Exception {
        OnyxRuntime.init();
        long before = Native.liveObjects();
        Session session = Session.fromFile(spec.model());
        float[] image = spec.floats(spec.find("classify_0").get("input"));
        float[] batch = new float[image.length * 8];
        for (int i = 0; i < 8; i++) {
            System.arraycopy(image, 0, batch, i * image.length, image.length);
        }
        AtomicReference<Object> outcome = new AtomicReference<>();
        try (Tensor input = Tensor.copy(batch, 8, 3, 224, 224)) {
            Thread runner = new Thread(() -> {
                try (RunOutputs outputs = session.run(Map.of("input", input))) {
                    outcome.set(outputs.get(0).shape());
                } catch (Throwable t) {
                    outcome.set(t);
                }
            });
            runner.start();
            Thread.sleep(100); // the batch of 8 takes far longer than this
            session.close();
            assertThrows(IllegalStateException.class, () -> session.run(Map.of("input", input)));
            runner.join();
        }
        assertArrayEquals(new long[] {8, 1000}, (long[]) outcome.get(), "the run in progress finished normally: " + outcome.get());
        assertEquals(before, Native.liveObjects(), "the session was freed once the run ended");
    }

    @Test
    void aSharedWeightsGroupMayCloseBeforeItsSessions() {
        OnyxRuntime.init();
        long before = Native.liveObjects();
        float[] image = spec.floats(spec.find("classify_0").get("input"));
        float[] plain;
        try (Session unshared = Session.fromFile(spec.model())) {
            plain = runImage(unshared, image);
        }
        SharedWeights group = new SharedWeights();
        SessionOptions options = new SessionOptions().setSharedWeights(group);
        try (Session first = Session.fromFile(spec.model(), options); Session second = Session.fromFile(spec.model(), options)) {
            assertEquals(1, group.modelCount());
            assertTrue(group.byteLength() > 0);
            group.close();
            group.close();
            assertThrows(IllegalStateException.class, group::modelCount);
            IllegalStateException closed = assertThrows(IllegalStateException.class, () -> Session.fromFile(spec.model(), options));
            assertTrue(closed.getMessage().contains("shared weights group is closed"), closed.getMessage());
            first.close(); // the second session alone keeps the weights
            assertArrayEquals(plain, runImage(second, image), "the session runs on after its group and the first session closed");
        }
        assertEquals(before, Native.liveObjects(), "the group and its sessions are freed");
    }

    private static float[] runImage(Session session, float[] image) {
        try (Tensor input = Tensor.copy(image, 1, 3, 224, 224); RunOutputs outputs = session.run(Map.of("input", input))) {
            return outputs.get(0).toFloatArray();
        }
    }

    @Test
    void theCleanerFreesWhatWasNotClosed() throws Exception {
        OnyxRuntime.init();
        long before = Native.liveObjects();
        for (int i = 0; i < 100; i++) {
            Tensor.copy(ramp(16, i), 16); // dropped without close
        }
        assertTrue(Native.liveObjects() >= before + 1);
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (Native.liveObjects() > before && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(20);
        }
        assertEquals(before, Native.liveObjects(), "the cleaner freed the forgotten tensors");
    }

    @Test
    void failuresAreOnyxExceptionsWithTheirCodes() {
        OnyxException missing = assertThrows(OnyxException.class, () -> Session.fromFile(spec.path("no-such-model.onnx")));
        assertEquals(ErrorCode.MODEL_NOT_FOUND, missing.code());
        assertEquals(5, missing.codeNumber());
        try (Session session = Session.fromFile(spec.tinyModel()); Tensor a = Tensor.copy(ramp(16, 0), 16)) {
            OnyxException absent = assertThrows(OnyxException.class, () -> session.run(Map.of("a", a)));
            assertEquals(ErrorCode.MISSING_INPUT, absent.code());
            assertTrue(absent.getMessage().contains("'b'"), absent.getMessage());
            OnyxException type = assertThrows(OnyxException.class, a::toLongArray);
            assertEquals(ErrorCode.TYPE_MISMATCH, type.code());
        }
    }
}
