package dev.onyx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Java-only: ErrorCode has exactly the C ABI's names and numbers (include/onyx.h, generated from the core). */
class ErrorCodeTest {
    @Test
    void sameNamesAndNumbersAsTheCAbi() throws Exception {
        Path header = Spec.load().dir.resolve("../../include/onyx.h").normalize();
        Map<String, Integer> c = new LinkedHashMap<>();
        Matcher m = Pattern.compile("(?m)^#define ONYX_ERROR_([A-Z0-9_]+) (\\d+)$").matcher(Files.readString(header));
        while (m.find()) {
            c.put(m.group(1), Integer.parseInt(m.group(2)));
        }
        Map<String, Integer> java = new LinkedHashMap<>();
        for (ErrorCode code : ErrorCode.values()) {
            java.put(code.name(), code.number());
        }
        assertEquals(c, java);
    }
}
