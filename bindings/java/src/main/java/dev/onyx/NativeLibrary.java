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
 * <p>The jar carries both libraries (and ONNX Runtime's licence files) for each platform
 * Onyx is built for, under {@code dev/onyx/native/<platform>/}: {@code linux-x86_64} and
 * {@code linux-aarch64} ({@code libonyx_jni.so}, {@code libonnxruntime.so.1.31.1}) and
 * {@code windows-x86_64} ({@code onyx_jni.dll}, {@code onnxruntime.dll}); the platform is
 * picked from {@code os.name} and {@code os.arch}. At first use they are extracted together into a
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
    /** The platforms the jar carries natives for, as {@code dev/onyx/native/<platform>/}. */
    static final List<String> PLATFORMS = List.of("linux-x86_64", "linux-aarch64", "windows-x86_64");
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
        String platform = currentPlatform();
        String folder = "native/" + platform + "/";
        String jniFile = jniFile(platform);
        if (NativeLibrary.class.getResource(folder + jniFile) == null) {
            throw new IOException("the jar has no dev/onyx/" + folder + jniFile + " (this machine is "
                    + System.getProperty("os.name") + " " + System.getProperty("os.arch") + ", platform " + platform + ")");
        }
        Path target = Files.createTempDirectory("onyx-native-"); // rwx------ on POSIX
        target.toFile().deleteOnExit(); // registered first, so deleted last
        List<String> files = new ArrayList<>(List.of(jniFile, ortFile(platform)));
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
        return target.resolve(jniFile);
    }

    /** The jar's platform folder for this JVM's {@code os.name} and {@code os.arch}. */
    static String currentPlatform() throws IOException {
        return platform(System.getProperty("os.name"), System.getProperty("os.arch"));
    }

    /**
     * The jar's platform folder for these {@code os.name} and {@code os.arch} values, e.g.
     * {@code linux-aarch64} for "Linux" and "aarch64", {@code windows-x86_64} for "Windows 11"
     * and "amd64".
     *
     * @throws IOException naming the platform when the jar carries nothing for it (macOS,
     *     32-bit, other CPUs), with the list of platforms it does carry
     */
    static String platform(String osName, String osArch) throws IOException {
        String os = osName == null ? "" : osName.toLowerCase(Locale.ROOT);
        String arch = osArch == null ? "" : osArch.toLowerCase(Locale.ROOT);
        String osPart = os.startsWith("linux") ? "linux"
                : os.startsWith("windows") ? "windows"
                : os.startsWith("mac") || os.startsWith("darwin") ? "macos"
                : os.replaceAll("[^a-z0-9]+", "");
        String archPart = arch.equals("amd64") || arch.equals("x86_64") || arch.equals("x64") ? "x86_64"
                : arch.equals("aarch64") || arch.equals("arm64") ? "aarch64"
                : arch.replaceAll("[^a-z0-9_]+", "");
        String platform = osPart + "-" + archPart;
        if (!PLATFORMS.contains(platform)) {
            throw new IOException("the Onyx jar has no native library for " + osName + " " + osArch + " (platform " + platform
                    + "); it carries " + String.join(", ", PLATFORMS)
                    + (osPart.equals("macos") ? " (macOS is not built yet)" : ""));
        }
        return platform;
    }

    /** The JNI library's file name on a platform of {@link #PLATFORMS}. */
    static String jniFile(String platform) {
        return platform.startsWith("windows-") ? "onyx_jni.dll" : JNI_FILE;
    }

    /** ONNX Runtime's file name on a platform of {@link #PLATFORMS}, as Microsoft ships it. */
    static String ortFile(String platform) {
        return platform.startsWith("windows-") ? "onnxruntime.dll" : ORT_FILE;
    }
}
