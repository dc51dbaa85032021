package dev.onyx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Memory stays flat over many runs, session cycles and failing calls. The heap is fixed
 * and touched up front (surefire's -Xms = -Xmx, -XX:+AlwaysPreTouch), so the RSS growth
 * measured after a warm-up and a GC is native memory. Counts: -Donyx.soak.scale (make soak).
 */
class SoakTest {
    private static final long BOUND = 16L << 20;
    private static final int SCALE = Integer.getInteger("onyx.soak.scale", 1);
    private final Spec spec = Spec.load();

    private static long rss() throws IOException, InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(20); // the Cleaner frees what the GC found
        }
        String[] statm = new String(Files.readAllBytes(Paths.get("/proc/self/statm"))).trim().split(" ");
        return Long.parseLong(statm[1]) * 4096;
    }

    private static void report(String phase, long count, long warm, long end) {
        System.out.printf("[soak] java %s: %d, RSS %.1f -> %.1f MiB (growth %+.2f MiB, bound %d MiB)%n",
                phase, count, warm / 1048576.0, end / 1048576.0, (end - warm) / 1048576.0, BOUND >> 20);
        assertTrue(end - warm <= BOUND, phase + ": RSS grew by " + (end - warm) + " bytes");
    }

    @Test
    void memoryStaysFlatOverRunsFailuresAndSessionCycles() throws Exception {
        OnyxRuntime.init();
        long live = Native.liveObjects();
        int runs = 200_000 * SCALE;
        try (Session session = Session.fromFile(spec.tinyModel()); Tensor a = Tensor.copy(new float[16], 16)) {
            Map<String, Tensor> feeds = Map.of("a", a, "b", a);
            for (int i = 0; i < 20_000; i++) {
                session.run(feeds).close();
            }
            long warm = rss();
            for (int i = 0; i < runs; i++) {
                try (RunOutputs outputs = session.run(feeds)) {
                    if (outputs.get(0).elementCount() != 16) {
                        throw new AssertionError("run " + i);
                    }
                }
            }
            report("runs", runs, warm, rss());

            Map<String, Tensor> bad = Map.of("a", a, "nope", a);
            warm = rss();
            for (int i = 0; i < runs / 2; i++) {
                try {
                    session.run(bad).close();
                    throw new AssertionError("an unknown input ran");
                } catch (OnyxException e) {
                    assertEquals(ErrorCode.UNKNOWN_INPUT, e.code());
                }
            }
            report("failing runs", runs / 2, warm, rss());
        }
        int cycles = 2000 * SCALE;
        for (int i = 0; i < 50; i++) {
            Session.fromFile(spec.tinyModel()).close();
        }
        long before = rss();
        for (int i = 0; i < cycles; i++) {
            Session.fromFile(spec.tinyModel()).close();
        }
        report("session create/close cycles", cycles, before, rss());
        assertEquals(live, Native.liveObjects(), "live native objects back where they were");
    }
}
