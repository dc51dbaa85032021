package dev.onyx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Java-only: one session shared by an ExecutorService's threads, and closed under them. */
class ConcurrencyTest {
    private final Spec spec = Spec.load();

    /** Runs add16 with inputs derived from {@code seed} and checks the sum; returns true on success. */
    private static boolean addAndCheck(Session session, int seed) {
        float[] a = new float[16];
        float[] b = new float[16];
        for (int i = 0; i < 16; i++) {
            a[i] = seed;
            b[i] = i;
        }
        try (Tensor ta = Tensor.copy(a, 16); Tensor tb = Tensor.copy(b, 16); RunOutputs outputs = session.run(Map.of("a", ta, "b", tb))) {
            float[] sum = outputs.get(0).toFloatArray();
            for (int i = 0; i < 16; i++) {
                if (sum[i] != seed + i) {
                    throw new AssertionError("run " + seed + ": sum[" + i + "] = " + sum[i]);
                }
            }
            return true;
        }
    }

    @Test
    void concurrentRunsOnOneSession() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (Session session = Session.fromFile(spec.tinyModel())) {
            List<Future<Boolean>> futures = new ArrayList<>();
            for (int seed = 0; seed < 2000; seed++) {
                int s = seed;
                futures.add(pool.submit(() -> addAndCheck(session, s)));
            }
            for (Future<Boolean> future : futures) {
                assertTrue(future.get());
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void closingWhileThreadsRunNeitherCrashesNorLeaks() throws Exception {
        OnyxRuntime.init();
        long before = Native.liveObjects();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        Session session = Session.fromFile(spec.tinyModel());
        List<Future<Boolean>> futures = new ArrayList<>();
        for (int seed = 0; seed < 4000; seed++) {
            int s = seed;
            futures.add(pool.submit(() -> addAndCheck(session, s)));
            if (seed == 2000) {
                session.close();
            }
        }
        int succeeded = 0;
        int refused = 0;
        for (Future<Boolean> future : futures) {
            try {
                future.get();
                succeeded++;
            } catch (ExecutionException e) {
                assertTrue(e.getCause() instanceof IllegalStateException, "only 'closed' failures: " + e.getCause());
                refused++;
            }
        }
        pool.shutdown();
        assertEquals(4000, succeeded + refused);
        assertTrue(refused > 0, "runs after close were refused");
        assertEquals(before, Native.liveObjects(), "everything freed once the last run ended");
    }
}
