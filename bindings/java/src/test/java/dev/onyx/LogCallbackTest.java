package dev.onyx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Java-only: the log callback from several threads at once, one that throws, and replacing it. */
class LogCallbackTest {
    private final Spec spec = Spec.load();

    @AfterEach
    void restore() {
        OnyxRuntime.setLogLevel(LogLevel.WARNING);
        OnyxRuntime.setLogCallback(null);
    }

    /** Loads and runs the tiny model on {@code threads} threads at once (all released together). */
    private void loadOnThreads(int threads) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> started = new ArrayList<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int t = 0; t < threads; t++) {
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                    try (Session session = Session.fromFile(spec.tinyModel());
                            Tensor a = Tensor.copy(new float[16], 16);
                            RunOutputs outputs = session.runAsync(Map.of("a", a, "b", a)).get()) {
                        assertEquals(16, outputs.get("sum").elementCount());
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "log-loader-" + t);
            thread.start();
            started.add(thread);
        }
        start.countDown();
        for (Thread thread : started) {
            thread.join();
        }
        if (failure.get() != null) {
            throw new AssertionError("a loader failed: " + failure.get(), failure.get());
        }
    }

    @Test
    void linesFromSeveralThreadsAndAThrowingCallbackLosesOnlyItsLines() throws Exception {
        Set<String> threads = ConcurrentHashMap.newKeySet();
        AtomicInteger calls = new AtomicInteger();
        OnyxRuntime.setLogCallback((level, category, message) -> {
            threads.add(Thread.currentThread().getName());
            if (calls.incrementAndGet() % 2 == 0) {
                throw new IllegalStateException("a callback that throws"); // loses this line only
            }
        });
        OnyxRuntime.setLogLevel(LogLevel.VERBOSE);
        loadOnThreads(4);
        assertTrue(calls.get() > 0, "no line reached the callback");
        long loaders = threads.stream().filter(name -> name.startsWith("log-loader-")).count();
        assertTrue(loaders >= 2, "lines came from " + threads + ", expected several of the 4 loading threads");
    }

    @Test
    void aReplacedCallbackIsNeverCalledAgain() throws Exception {
        AtomicInteger first = new AtomicInteger();
        AtomicInteger second = new AtomicInteger();
        OnyxRuntime.setLogLevel(LogLevel.VERBOSE);
        OnyxRuntime.setLogCallback((level, category, message) -> first.incrementAndGet());
        loadOnThreads(2);
        assertTrue(first.get() > 0, "the first callback got no line");
        OnyxRuntime.setLogCallback((level, category, message) -> second.incrementAndGet());
        int firstCount = first.get();
        loadOnThreads(2);
        assertEquals(firstCount, first.get(), "the replaced callback was called after setLogCallback returned");
        assertTrue(second.get() > 0, "the new callback got no line");
    }

    @Test
    void settingTheCallbackFromInsideItIsInvalidArgument() throws Exception {
        AtomicReference<Throwable> inside = new AtomicReference<>();
        OnyxRuntime.setLogLevel(LogLevel.VERBOSE);
        OnyxRuntime.setLogCallback((level, category, message) -> {
            if (inside.get() == null) {
                inside.set(assertThrows(OnyxException.class, () -> OnyxRuntime.setLogCallback(null)));
            }
        });
        Session.fromFile(spec.tinyModel()).close();
        assertTrue(inside.get() instanceof OnyxException, "no line reached the callback, or setting it inside did not fail: " + inside.get());
        assertEquals(ErrorCode.INVALID_ARGUMENT, ((OnyxException) inside.get()).code());
    }
}
