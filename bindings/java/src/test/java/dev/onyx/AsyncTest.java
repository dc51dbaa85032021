package dev.onyx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Java-only: Session.runAsync's CompletableFuture (cancellation races, threads, what is held, what fails where). */
class AsyncTest {
    private final Spec spec = Spec.load();

    private static float[] ramp(int n, float start) {
        return LifecycleTest.ramp(n, start);
    }

    /** Waits (bounded) until the native objects alive are back to {@code before}: runs release what they held when they end. */
    private static void awaitLive(long before, String why) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (Native.liveObjects() != before && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(before, Native.liveObjects(), why);
    }

    private static void spin(long nanos) {
        long end = System.nanoTime() + nanos;
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
    }

    /**
     * Cancel races completion: each run ends exactly one way. In time, the future is
     * cancelled and throws RunCancelledException; too late, it holds the correct sum. Cancels
     * after completion are always too late. Everything the runs held is freed afterwards.
     */
    @Test
    void cancellationRacingCompletionEndsEachRunOneWay() throws Exception {
        OnyxRuntime.init();
        long before = Native.liveObjects();
        int runs = 400;
        int inTime = 0;
        int tooLate = 0;
        java.util.Random random = new java.util.Random(7);
        try (Session session = Session.fromFile(spec.tinyModel()); Tensor b = Tensor.copy(ramp(16, 0), 16)) {
            List<Tensor> inputs = new ArrayList<>();
            List<CompletableFuture<RunOutputs>> futures = new ArrayList<>();
            List<Boolean> cancelled = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                Tensor a = Tensor.copy(ramp(16, 1000 * i), 16);
                inputs.add(a);
                CompletableFuture<RunOutputs> future = session.runAsync(Map.of("a", a, "b", b));
                futures.add(future);
                if (i % 4 == 3) {
                    future.join(); // over: the cancel below must be too late
                } else {
                    spin(random.nextInt(300_000)); // 0 to 0.3 ms: before, during or after the run
                }
                a.close(); // the run holds the tensor: closing it now is safe
                cancelled.add(future.cancel(true));
            }
            for (int i = 0; i < runs; i++) {
                CompletableFuture<RunOutputs> future = futures.get(i);
                if (cancelled.get(i)) {
                    inTime++;
                    assertTrue(i % 4 != 3, "run " + i + ": a cancel after completion reported it was in time");
                    assertTrue(future.isCancelled() && future.isCompletedExceptionally(), "run " + i + " is not cancelled");
                    RunCancelledException e = assertThrows(RunCancelledException.class, future::join, "run " + i);
                    assertEquals(ErrorCode.CANCELLED, e.code());
                    assertThrows(RunCancelledException.class, () -> future.get(), "get() throws it too, unwrapped");
                } else {
                    tooLate++;
                    assertFalse(future.isCancelled(), "run " + i + ": cancel returned false but the future is cancelled");
                    try (RunOutputs outputs = future.get(60, TimeUnit.SECONDS)) {
                        float[] sum = outputs.get("sum").toFloatArray();
                        for (int k = 0; k < 16; k++) {
                            assertEquals(1000f * i + 2 * k, sum[k], "run " + i + " sum[" + k + "]");
                        }
                    }
                }
            }
            assertEquals(runs, inTime + tooLate);
            assertTrue(tooLate >= runs / 4, "every cancel after completion is too late");
            System.out.println("[java] AsyncTest: " + inTime + " cancels in time, " + tooLate + " too late of " + runs);
        }
        awaitLive(before, "the session, the inputs and every native run are freed once the runs end, cancelled or not");
    }

    /** The future completes off the Onyx workers, so dependent actions never run on one. */
    @Test
    void dependentActionsRunOffTheOnyxWorkers() throws Exception {
        Thread caller = Thread.currentThread();
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        try (Session session = Session.fromFile(spec.model());
                Tensor input = Tensor.copy(spec.floats(spec.find("classify_0").get("input")), 1, 3, 224, 224)) {
            CompletableFuture<RunOutputs> future = session.runAsync(Map.of("input", input));
            CompletableFuture<Void> dependent = future.thenAccept(outputs -> {
                ranOn.set(Thread.currentThread());
                outputs.close();
            });
            assertFalse(future.isDone(), "a ResNet18 run is not over yet: the dependent action waits for the completion");
            dependent.get(60, TimeUnit.SECONDS);
        }
        List<String> workers = new ArrayList<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().startsWith("onyx-worker-")) {
                workers.add(thread.getName());
                assertTrue(thread.isDaemon(), thread.getName() + " is attached as a daemon");
            }
        }
        assertFalse(workers.isEmpty(), "the worker that completed the run is attached to the JVM under its own name");
        String name = ranOn.get().getName();
        assertFalse(name.startsWith("onyx-worker-"), "the dependent action ran on " + name);
        assertTrue(ranOn.get() != caller, "the dependent action ran on the caller's thread");
    }

    /** A run terminated through its RunOptions ends like a cancelled one. */
    @Test
    void terminatingTheRunOptionsCancelsTheFuture() throws Exception {
        float[] image = spec.floats(spec.find("classify_0").get("input"));
        float[] batch = new float[image.length * 4];
        for (int i = 0; i < 4; i++) {
            System.arraycopy(image, 0, batch, i * image.length, image.length);
        }
        try (Session session = Session.fromFile(spec.model());
                Tensor input = Tensor.copy(batch, 4, 3, 224, 224);
                RunOptions options = new RunOptions()) {
            CompletableFuture<RunOutputs> future = session.runAsync(Map.of("input", input), options);
            options.terminate();
            RunCancelledException e = assertThrows(RunCancelledException.class, () -> future.get(60, TimeUnit.SECONDS));
            assertEquals(ErrorCode.CANCELLED, e.code());
            assertTrue(future.isCancelled(), "a terminated run's future is cancelled");
            assertTrue(future.cancel(true), "a cancelled future stays cancelled (CompletableFuture's contract: cancel returns isCancelled())");
        }
    }

    /** Onyx's errors reach the future; only Java misuse (null, closed objects) throws at the call. */
    @Test
    void onyxErrorsReachTheFutureMisuseThrowsAtTheCall() throws Exception {
        Session session = Session.fromFile(spec.tinyModel());
        try (Tensor a = Tensor.copy(ramp(16, 0), 16)) {
            ExecutionException unknown = assertThrows(ExecutionException.class, () -> session.runAsync(Map.of("a", a, "nope", a)).get());
            assertEquals(ErrorCode.UNKNOWN_INPUT, ((OnyxException) unknown.getCause()).code());
            ExecutionException missing = assertThrows(ExecutionException.class, () -> session.runAsync(Map.of("a", a)).get());
            assertEquals(ErrorCode.MISSING_INPUT, ((OnyxException) missing.getCause()).code());
            ExecutionException output = assertThrows(ExecutionException.class,
                    () -> session.runAsync(Map.of("a", a, "b", a), List.of("nope"), null).get());
            assertEquals(ErrorCode.UNKNOWN_OUTPUT, ((OnyxException) output.getCause()).code());
            try (RunOutputs outputs = session.runAsync(Map.of("a", a, "b", a), List.of("sum"), null).get()) {
                assertEquals(List.of("sum"), outputs.names());
                assertEquals(2f * 15, outputs.get("sum").toFloatArray()[15]);
            }
            assertThrows(NullPointerException.class, () -> session.runAsync(null));
            Tensor closed = Tensor.copy(ramp(16, 0), 16);
            closed.close();
            assertThrows(IllegalStateException.class, () -> session.runAsync(Map.of("a", a, "b", closed)));
            session.close();
            assertThrows(IllegalStateException.class, () -> session.runAsync(Map.of("a", a, "b", a)));
        }
    }
}
