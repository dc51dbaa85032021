package dev.onyx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * ONNX's backend test suite through the Java API, as core/tests/conformance.rs runs it: every
 * case the generator wrote under {@code $ONYX_CONFORMANCE} (tests/conformance/README.md),
 * sessions with intra 1 and inter 1 threads, in this one JVM. Prints
 * {@code [java] conformance FAIL <case>: <why>} per failed case and
 * {@code [java] conformance <group>: N passed, M failed} per group (sorted), and fails when a
 * case failed. {@code ONYX_CONFORMANCE_FILTER=text} runs only the cases whose folder contains
 * {@code text}.
 *
 * <p>Runs only when the {@code onyx.conformance} property is true ({@code make conformance-java}
 * sets it); {@code mvn verify} skips it.
 */
class ConformanceTest {
    private static final String LANG = "java";

    @Test
    void conformance() throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("onyx.conformance"), "the sweep runs with -Donyx.conformance=true (make conformance-java)");
        String dir = System.getenv("ONYX_CONFORMANCE");
        if (dir == null || dir.isEmpty()) {
            throw new AssertionError("[" + LANG + "] conformance: ONYX_CONFORMANCE is not set (make conformance-java sets it to .cache/conformance)");
        }
        Path root = Paths.get(dir);
        List<String> cases = readIndex(root);
        String filter = System.getenv().getOrDefault("ONYX_CONFORMANCE_FILTER", "");
        SessionOptions options = new SessionOptions().setIntraOpThreads(1).setInterOpThreads(1);
        Map<String, int[]> counts = new TreeMap<>(); // group -> {passed, failed}
        for (String c : cases) {
            if (!c.contains(filter)) {
                continue;
            }
            int slash = c.indexOf('/');
            String group = slash < 0 ? c : c.substring(0, slash);
            int[] count = counts.computeIfAbsent(group, g -> new int[2]);
            String why = null;
            try {
                ValueCases.run(root.resolve(c), options);
            } catch (ValueCases.Mismatch e) {
                why = e.getMessage();
            } catch (RuntimeException | AssertionError e) {
                why = e.toString();
            }
            if (why == null) {
                count[0]++;
            } else {
                count[1]++;
                System.out.println("[" + LANG + "] conformance FAIL " + c + ": " + oneLine(why));
            }
        }
        int failed = 0;
        for (Map.Entry<String, int[]> entry : counts.entrySet()) {
            System.out.println("[" + LANG + "] conformance " + entry.getKey() + ": " + entry.getValue()[0] + " passed, " + entry.getValue()[1] + " failed");
            failed += entry.getValue()[1];
        }
        System.out.flush();
        assertEquals(0, failed, failed + " conformance cases failed");
    }

    private static String oneLine(String text) {
        String flat = String.valueOf(text).replace('\n', ' ');
        return flat.codePointCount(0, flat.length()) > 300 ? flat.substring(0, flat.offsetByCodePoints(0, 300)) + "..." : flat;
    }

    /** The case folders index.txt lists; it ends with {@code end <count>} once complete. */
    private static List<String> readIndex(Path root) throws IOException {
        Path path = root.resolve("index.txt");
        List<String> cases = new ArrayList<>();
        for (String line : Files.readAllLines(path, StandardCharsets.UTF_8)) {
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("end ")) {
                String count = line.substring(4);
                if (!count.equals(Integer.toString(cases.size()))) {
                    throw new AssertionError(path + " says " + count + " cases but lists " + cases.size());
                }
                return cases;
            }
            cases.add(line);
        }
        throw new AssertionError(path + " has no end line: the generator did not finish");
    }
}
