package dev.onyx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Java-only: {@code Native.java} and libonyx_jni.so agree. Every {@code native} method
 * has its {@code Java_dev_onyx_Native_<name>} export (so none fails with
 * UnsatisfiedLinkError on first call), and the library exports no
 * {@code Java_dev_onyx_Native_*} function that Java does not declare. The library's
 * dynamic symbols come from {@code nm -D --defined-only} (binutils).
 */
class NativeExportsTest {
    private static final String PREFIX = "Java_dev_onyx_Native_";

    @Test
    void everyNativeMethodLinksAndEveryExportIsDeclared() throws Exception {
        Set<String> declared = new TreeSet<>();
        for (Method method : Native.class.getDeclaredMethods()) {
            if (Modifier.isNative(method.getModifiers())) {
                // Short JNI names only: no overloads, no '_' (which JNI would escape as _1).
                assertTrue(declared.add(PREFIX + method.getName()), "overloaded native method " + method.getName());
                assertTrue(method.getName().matches("[A-Za-z0-9]+"), "native method name " + method.getName());
            }
        }
        Set<String> exported = new TreeSet<>();
        for (String symbol : dynamicSymbols(NativeLibrary.libraryPath())) {
            if (symbol.startsWith(PREFIX)) {
                exported.add(symbol);
            }
        }
        Set<String> missing = new TreeSet<>(declared);
        missing.removeAll(exported);
        Set<String> undeclared = new TreeSet<>(exported);
        undeclared.removeAll(declared);
        assertEquals(Set.of(), missing, "native methods without an export in " + NativeLibrary.libraryPath());
        assertEquals(Set.of(), undeclared, "exports without a native declaration in Native.java");
    }

    private static List<String> dynamicSymbols(Path library) throws Exception {
        Process nm = new ProcessBuilder("nm", "-D", "--defined-only", library.toString()).redirectErrorStream(true).start();
        String text;
        try (InputStream out = nm.getInputStream()) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            out.transferTo(bytes);
            text = bytes.toString(StandardCharsets.UTF_8);
        }
        assertEquals(0, nm.waitFor(), "nm failed: " + text);
        List<String> symbols = new ArrayList<>();
        for (String line : text.split("\n")) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length == 3 && parts[1].equals("T")) {
                symbols.add(parts[2]);
            }
        }
        assertTrue(!symbols.isEmpty(), "no exported functions in " + library);
        return symbols;
    }
}
