package dev.onyx;

import java.nio.file.Paths;

/**
 * Run in a child JVM by the suite's runtime_path_missing case (a process loads ONNX
 * Runtime once): loads ONNX Runtime from args[0] and prints "code message" ("0 loaded"
 * on success).
 */
public final class RuntimePathProbe {
    private RuntimePathProbe() {}

    /**
     * @param args the ONNX Runtime library path to try
     */
    public static void main(String[] args) {
        try {
            OnyxRuntime.init(Paths.get(args[0]));
            System.out.println("0 loaded");
        } catch (OnyxException e) {
            System.out.println(e.codeNumber() + " " + e.detail());
        }
    }
}
