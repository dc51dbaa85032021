package dev.onyx;

import java.nio.Buffer;

/**
 * The native methods of libonyx_jni.so (bindings/java/native). Handles are {@code long}s
 * holding boxed onyx-core objects; callers guard them with {@link NativeState}. Every
 * method throws {@link OnyxException} on failure and never crashes the JVM. Callers
 * run {@link NativeLibrary#ensureLoaded} first.
 */
final class Native {
    private Native() {}

    static native String version();

    static native long liveObjects();

    static native long bufferAddress(Buffer buffer);

    // runtime
    static native void runtimeInit(String path);

    static native boolean runtimeLoaded();

    static native String runtimeVersion();

    static native String runtimePath();

    static native void setLogLevel(int level);

    // session
    static native long sessionFromFile(String path, int intra, int inter, int optimization, boolean deterministic,
            String[] providers, boolean allowFallback, String[] config);

    static native long sessionFromBytes(byte[] bytes, int intra, int inter, int optimization, boolean deterministic,
            String[] providers, boolean allowFallback, String[] config);

    static native void sessionFree(long session);

    static native int sessionValueCount(long session, boolean outputs);

    static native String sessionValueName(long session, boolean outputs, int index);

    static native int sessionValueType(long session, boolean outputs, int index);

    static native long[] sessionValueShape(long session, boolean outputs, int index);

    static native String[] sessionValueDimNames(long session, boolean outputs, int index);

    static native String[] sessionMetadata(long session);

    static native long[] sessionRun(long session, int[] inputIndices, String[] inputNames, long[] inputTensors,
            int[] outputIndices, String[] outputNames, long runOptions);

    static native void sessionRunInto(long session, int[] inputIndices, String[] inputNames, long[] inputTensors,
            int[] outputIndices, String[] outputNames, long[] outputTensors, long runOptions);

    // tensor
    static native long tensorZeros(int elementType, long[] shape);

    static native long tensorFromArray(int elementType, long[] shape, Object array, int componentSize);

    static native long tensorFromBuffer(int elementType, long[] shape, Buffer buffer, long byteOffset, long byteLength,
            int componentSize);

    static native void tensorFree(long tensor);

    static native int tensorElementType(long tensor);

    static native long[] tensorShape(long tensor);

    static native long tensorDataAddress(long tensor);

    static native void tensorCopyToArray(long tensor, Object array, int componentSize);

    static native void tensorCopyToBuffer(long tensor, Buffer buffer, long byteOffset, long byteLength, int componentSize);

    static native void tensorCopyFromArray(long tensor, Object array, int componentSize);

    // run options
    static native long runOptionsNew();

    static native void runOptionsSetTag(long options, String tag);

    static native void runOptionsTerminate(long options);

    static native void runOptionsResetTerminate(long options);

    static native void runOptionsFree(long options);
}
