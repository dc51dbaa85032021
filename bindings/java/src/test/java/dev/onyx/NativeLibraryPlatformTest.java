package dev.onyx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Java-only: the loader picks the jar's platform folder from {@code os.name} and
 * {@code os.arch} (each platform simulated by setting the properties), refuses the rest
 * with a message naming the platform, and the jar (the test class path, which Maven fills
 * from the same staging folder) carries each platform's JNI library and ONNX Runtime for
 * the right CPU and format, once each.
 */
class NativeLibraryPlatformTest {
    /** os.name, os.arch as real JVMs report them, and the folder the loader must pick. */
    private static final String[][] KNOWN = {
        {"Linux", "amd64", "linux-x86_64"},
        {"Linux", "x86_64", "linux-x86_64"},
        {"Linux", "aarch64", "linux-aarch64"},
        {"Windows 11", "amd64", "windows-x86_64"},
        {"Windows Server 2022", "amd64", "windows-x86_64"},
        {"Windows 10", "x86_64", "windows-x86_64"},
    };

    /** Runs {@code body} with os.name and os.arch set as another JVM would report them. */
    private static <T> T simulated(String osName, String osArch, Callable<T> body) throws Exception {
        String name = System.getProperty("os.name");
        String arch = System.getProperty("os.arch");
        System.setProperty("os.name", osName);
        System.setProperty("os.arch", osArch);
        try {
            return body.call();
        } finally {
            System.setProperty("os.name", name);
            System.setProperty("os.arch", arch);
        }
    }

    interface Callable<T> {
        T call() throws Exception;
    }

    @Test
    void eachBuiltPlatformIsPickedFromTheSystemProperties() throws Exception {
        for (String[] known : KNOWN) {
            assertEquals(known[2], simulated(known[0], known[1], NativeLibrary::currentPlatform), known[0] + " " + known[1]);
        }
    }

    @Test
    void aPlatformWithoutNativesIsRefusedByName() throws Exception {
        Map<String, String> missing = Map.of(
                "Mac OS X/aarch64", "macos-aarch64",
                "Mac OS X/x86_64", "macos-x86_64",
                "Linux/arm", "linux-arm",
                "Windows 11/aarch64", "windows-aarch64",
                "FreeBSD/amd64", "freebsd-x86_64");
        for (Map.Entry<String, String> entry : missing.entrySet()) {
            String[] parts = entry.getKey().split("/");
            IOException e = assertThrows(IOException.class, () -> simulated(parts[0], parts[1], NativeLibrary::currentPlatform));
            String message = e.getMessage();
            assertTrue(message.contains(parts[0] + " " + parts[1]) && message.contains("(platform " + entry.getValue() + ")"), message);
            assertTrue(message.contains("it carries linux-x86_64, linux-aarch64, windows-x86_64"), message);
        }
        IOException mac = assertThrows(IOException.class, () -> NativeLibrary.platform("Mac OS X", "aarch64"));
        assertTrue(mac.getMessage().contains("macOS is not built yet"), mac.getMessage());
    }

    @Test
    void theJarCarriesEachPlatformsNativesOnceForItsCpu() throws Exception {
        List<String> listing = new ArrayList<>();
        for (String platform : NativeLibrary.PLATFORMS) {
            for (String file : List.of(NativeLibrary.jniFile(platform), NativeLibrary.ortFile(platform),
                    "LICENSE-onnxruntime.txt", "ThirdPartyNotices-onnxruntime.txt")) {
                String resource = "native/" + platform + "/" + file;
                try (InputStream in = NativeLibrary.class.getResourceAsStream(resource)) {
                    assertNotNull(in, "the jar has no dev/onyx/" + resource);
                    byte[] head = in.readNBytes(4096);
                    if (file.endsWith(".so") || file.contains(".so.") || file.endsWith(".dll")) {
                        assertEquals(platform, binaryPlatform(head), "dev/onyx/" + resource + " is built for another platform");
                    }
                    listing.add("dev/onyx/" + resource);
                }
            }
            // Only this platform's two libraries (and the licences) in its folder: no copy of another's.
            String other = platform.startsWith("windows-") ? "native/" + platform + "/" + NativeLibrary.JNI_FILE
                    : "native/" + platform + "/onyx_jni.dll";
            assertEquals(null, NativeLibrary.class.getResource(other), "dev/onyx/" + other + " belongs to another platform");
        }
        System.out.println("[java] jar natives: " + String.join(" ", listing));
    }

    /** The platform an ELF or PE file's header says it is for ("linux-aarch64", ...). */
    private static String binaryPlatform(byte[] head) {
        if (head.length > 20 && head[0] == 0x7f && head[1] == 'E' && head[2] == 'L' && head[3] == 'F') {
            int machine = (head[18] & 0xff) | (head[19] & 0xff) << 8; // little-endian e_machine
            return machine == 62 ? "linux-x86_64" : machine == 183 ? "linux-aarch64" : "linux-machine-" + machine;
        }
        if (head.length > 0x40 && head[0] == 'M' && head[1] == 'Z') {
            int pe = (head[0x3c] & 0xff) | (head[0x3d] & 0xff) << 8 | (head[0x3e] & 0xff) << 16 | (head[0x3f] & 0xff) << 24;
            if (pe + 6 <= head.length && head[pe] == 'P' && head[pe + 1] == 'E') {
                int machine = (head[pe + 4] & 0xff) | (head[pe + 5] & 0xff) << 8;
                return machine == 0x8664 ? "windows-x86_64" : machine == 0xaa64 ? "windows-aarch64" : "windows-machine-" + machine;
            }
        }
        return "unknown";
    }
}
