package dev.onyx;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Finds and loads {@code libonyx_jni.so}, then ONNX Runtime.
 *
 * <p>The jar carries both libraries (and ONNX Runtime's licence files) under
 * {@code dev/onyx/native/linux-x86_64/}. At first use they are extracted together into a
 * private temporary folder (owner-only permissions, deleted at exit) and the JNI library
 * is loaded by absolute path; onyx-core then finds ONNX Runtime beside it. System
 * properties override both: {@code onyx.native.path} (the JNI library file) and
 * {@code onyx.ort.path} (the ONNX Runtime library file). The environment variable
 * {@code ONYX_ORT_LIBRARY}, read by onyx-core, comes between the property and the
 * bundled copy.
 */
final class NativeLibrary {
    static final String NATIVE_PATH_PROPERTY = "onyx.native.path";
    static final String ORT_PATH_PROPERTY = "onyx.ort.path";
    static final String JNI_FILE = "libonyx_jni.so";
    static final String ORT_FILE = "libonnxruntime.so.1.31.1";
    /** Extracted with the libraries so the licences travel with the code they cover. */
    private static final String[] NOTICES = {
        "LICENSE-onnxruntime.txt", "ThirdPartyNotices-onnxruntime.txt", "LICENSE-MIT-onyx.txt", "LICENSE-APACHE-onyx.txt"};

    private static volatile boolean loaded;
    private static volatile boolean runtimeReady;
    private static OnyxException failure;
    private static Path libraryPath;

    private NativeLibrary() {}

    /** Loads libonyx_jni.so once; throws the same failure on every later call. */
    static void ensureLoaded() {
        if (!loaded) {
            load();
        }
    }

    /** Loads the JNI library and ONNX Runtime (by the default lookup) if not done yet. */
    static void ensureRuntime() {
        ensureLoaded();
        if (!runtimeReady) {
            initRuntime(null);
        }
    }

    /** Loads ONNX Runtime: {@code explicit} wins, then {@code onyx.ort.path}, then onyx-core's lookup. */
    static synchronized void initRuntime(Path explicit) {
        ensureLoaded();
        String path = explicit != null ? explicit.toAbsolutePath().toString() : System.getProperty(ORT_PATH_PROPERTY);
        Native.runtimeInit(path);
        runtimeReady = true;
    }

    /** The JNI library file loaded (loads it first); the tests read its exports. */
    static synchronized Path libraryPath() {
        ensureLoaded();
        return libraryPath;
    }

    /**
     * Refuses a JNI library of another Onyx version: the Java classes and the native
     * methods change together, so only the exact version is known to match.
     *
     * @param nativeVersion the version the loaded library reports
     * @throws OnyxException {@link ErrorCode#ABI_MISMATCH} naming both versions and the library's major
     */
    static void checkVersion(String nativeVersion) {
        if (!OnyxRuntime.VERSION.equals(nativeVersion)) {
            String major = nativeVersion.split("\\.", 2)[0];
            throw new OnyxException(ErrorCode.ABI_MISMATCH, JNI_FILE + " is Onyx " + nativeVersion + " (major " + major
                    + ") but these Java classes are Onyx " + OnyxRuntime.VERSION + " and need exactly that version");
        }
    }

    private static synchronized void load() {
        if (loaded) {
            return;
        }
        if (failure != null) {
            throw failure;
        }
        Path library = null;
        String source = null;
        try {
            String override = System.getProperty(NATIVE_PATH_PROPERTY);
            if (override != null && !override.isEmpty()) {
                library = Paths.get(override).toAbsolutePath();
                source = "from the " + NATIVE_PATH_PROPERTY + " system property";
                if (!Files.isRegularFile(library)) {
                    throw new IOException("no such file");
                }
            } else {
                source = "extracted from the Onyx jar";
                library = extract();
            }
            System.load(library.toString());
            String nativeVersion;
            try {
                nativeVersion = Native.version();
            } catch (UnsatisfiedLinkError e) {
                throw new IOException("it is not an Onyx " + OnyxRuntime.VERSION + " JNI library (" + e.getMessage() + " is missing)", e);
            }
            try {
                checkVersion(nativeVersion);
            } catch (OnyxException e) {
                failure = new OnyxException(ErrorCode.ABI_MISMATCH, e.detail() + " (" + library + ", " + source + ")");
                throw failure;
            }
            libraryPath = library;
            loaded = true;
        } catch (IOException | UnsatisfiedLinkError | SecurityException e) {
            String where = library == null ? "" : " " + library;
            failure = new OnyxException(ErrorCode.RUNTIME_LOAD_FAILED,
                    "cannot load the Onyx native library " + JNI_FILE + where + " (" + source + "): " + e.getMessage()
                            + "; set -D" + NATIVE_PATH_PROPERTY + "=/path/to/" + JNI_FILE + " to use another copy");
            failure.initCause(e);
            throw failure;
        }
    }

    /** Copies the jar's native files into a fresh private folder; returns the JNI library's path. */
    private static Path extract() throws IOException {
        String platform = platform();
        String folder = "native/" + platform + "/";
        if (NativeLibrary.class.getResource(folder + JNI_FILE) == null) {
            throw new IOException("the jar has no dev/onyx/" + folder + JNI_FILE + " (this machine is "
                    + System.getProperty("os.name") + " " + System.getProperty("os.arch") + "; the jar carries linux-x86_64)");
        }
        Path target = Files.createTempDirectory("onyx-native-"); // rwx------ on POSIX
        target.toFile().deleteOnExit(); // registered first, so deleted last
        List<String> files = new ArrayList<>(List.of(JNI_FILE, ORT_FILE));
        files.addAll(List.of(NOTICES));
        for (String name : files) {
            try (InputStream in = NativeLibrary.class.getResourceAsStream(folder + name)) {
                if (in == null) {
                    continue; // ONNX Runtime may be left out of a jar on purpose: onyx-core then looks elsewhere
                }
                Path file = target.resolve(name);
                file.toFile().deleteOnExit();
                Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw new IOException("extracting " + name + " to " + target + ": " + e.getMessage(), e);
            }
        }
        return target.resolve(JNI_FILE);
    }

    private static String platform() throws IOException {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        if (os.startsWith("linux") && (arch.equals("amd64") || arch.equals("x86_64"))) {
            return "linux-x86_64";
        }
        throw new IOException("no native library for " + System.getProperty("os.name") + " " + System.getProperty("os.arch")
                + " in the jar (it carries linux-x86_64)");
    }
}
