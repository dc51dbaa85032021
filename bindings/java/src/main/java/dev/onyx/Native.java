package dev.onyx;

import java.nio.Buffer;

/**
 * The native methods of libonyx_jni.so (bindings/java/native). Handles are {@code long}s
 * holding boxed onyx-core objects; callers guard them with {@link NativeState}. Every
 * method throws {@link OnyxException} on failure and never crashes the JVM. Callers
 * run {@link NativeLibrary#ensureLoaded} first. {@code NativeExportsTest} checks that
 * this list and the library's {@code Java_dev_onyx_Native_*} exports are the same.
 */
final class Native {
    private Native() {}

    static native String version();

    static native long liveObjects();

    static native long bufferAddress(Buffer buffer);

    // runtime
    static native void runtimeInit(String path);

    static native String runtimeVersion();

    static native String runtimePath();

    static native void setLogLevel(int level);

    /** A {@link LogSink}, or null for stderr. */
    static native void setLogCallback(LogSink sink);

    // element facts and conversions (onyx-core's)
    static native long elementTypeSize(int elementType);

    static native String elementTypeName(int elementType);

    static native short bfloat16FromFloat(float value);

    static native float bfloat16ToFloat(short bits);

    static native short float16FromFloat(float value);

    static native float float16ToFloat(short bits);

    // session
    static native void checkThreadCounts(long intra, long inter);

    static native void checkCustomOpLibrary(String path);

    static native void checkFreeDimensionOverride(String name, long value);

    static native void checkExternalDataName(String name);

    /**
     * From the file at {@code path}, or from {@code bytes} when {@code path} is null.
     * {@code externalData[i]} is a {@code byte[]} or a direct {@code ByteBuffer}, read from
     * {@code externalOffsets[i]} for {@code externalLengths[i]} bytes. {@code sharedWeights} is
     * a {@link SharedWeights} handle held by the caller during the call, or 0.
     */
    static native long sessionCreate(String path, byte[] bytes, long intra, long inter, int optimization, boolean deterministic,
            String[] providers, boolean allowFallback, String[] config, String[] libraries, String[] dimNames, long[] dimValues,
            String profilingPrefix, boolean cpuMemoryArena, boolean memoryPattern, String[] externalNames, Object[] externalData,
            long[] externalOffsets, long[] externalLengths, boolean externalDataOutsideModelFolder, long sharedWeights,
            long[] operators);

    static native String sessionEndProfiling(long session);

    static native void sessionFree(long session);

    static native int sessionValueCount(long session, boolean outputs);

    static native ValueInfo sessionValueInfo(long session, boolean outputs, int index);

    static native ModelMetadata sessionMetadata(long session);

    /** Names are null unless Java met a name the model lacks: then core's named run reports it. */
    static native long[] sessionRun(long session, int[] inputIndices, String[] inputNames, long[] inputTensors,
            int[] outputIndices, String[] outputNames, long runOptions);

    /**
     * Starts an asynchronous run (inputs and outputs by name; output names null: all) and
     * returns its handle. {@code future.done(long[] outputs, int code, String message)} is
     * called exactly once, on an Onyx worker thread, unless this throws.
     */
    static native long sessionRunAsync(long session, String[] inputNames, long[] inputTensors, String[] outputNames, long runOptions,
            Object future);

    /** @return true when the run will complete as CANCELLED */
    static native boolean asyncRunCancel(long run);

    static native void asyncRunFree(long run);

    static native void sessionRunInto(long session, int[] inputIndices, String[] inputNames, long[] inputTensors,
            int[] outputIndices, String[] outputNames, long[] outputTensors, long runOptions);

    // tensor
    static native long tensorZeros(int elementType, long[] shape);

    static native long tensorCopyArray(int elementType, long[] shape, Object array, int componentSize);

    /** Over a direct buffer's memory ({@code borrow}), or a copy of it. */
    static native long tensorFromBuffer(int elementType, long[] shape, Buffer buffer, long byteOffset, long byteLength,
            int componentSize, boolean borrow);

    static native void tensorFree(long tensor);

    static native int tensorElementType(long tensor);

    static native long[] tensorShape(long tensor);

    static native long tensorElementCount(long tensor);

    static native long tensorByteLength(long tensor);

    static native long tensorDataAddress(long tensor);

    /** A new Java array of the tensor read as {@code elementType} (0: the raw bytes). */
    static native Object tensorToArray(long tensor, int elementType);

    static native void tensorToBuffer(long tensor, int elementType, Buffer buffer, long byteOffset, long byteLength);

    static native void tensorWriteArray(long tensor, int elementType, Object array, int componentSize);

    // strings and values (a value handle is owned, or a part of one lent: see value.rs)
    static native long tensorFromStrings(long[] shape, String[] strings);

    static native String[] tensorStrings(long tensor);

    /** Takes the tensor handle. */
    static native long valueFromTensor(long tensor);

    /** Takes every item handle, also on failure. */
    static native long valueSequence(long[] items);

    /** Takes both tensor handles, also on failure. */
    static native long valueMap(long keys, long values);

    /** Takes the item handle; 0: an absent optional. */
    static native long valueOptional(long item);

    static native void valueFree(long value);

    static native int valueKind(long value);

    /** The lent tensor of a tensor value. */
    static native long valueTensor(long value);

    /** The lent items of a sequence. */
    static native long[] valueItems(long value);

    /** The lent keys ({@code values} false) or values tensor of a map. */
    static native long valueMapPart(long value, boolean values);

    /** The lent item of an optional, 0 when absent. */
    static native long valueOptionalItem(long value);

    /** The value's own type in ONNX's notation, null when it does not show (an empty sequence). */
    static native String valueTypeName(long value);

    /** Inputs by name; output names null: all. Returns owned value handles. */
    static native long[] sessionRunValues(long session, String[] inputNames, long[] inputValues, String[] outputNames, long runOptions);

    // operators (host-language kernels)
    static native long operatorNew(String domain, String name, int[] inputs, int[] outputs, String[] attributeNames,
            int[] attributeKinds, int since, int until, Kernel kernel);

    static native void operatorFree(long operator);

    /** onyx-core's check of these operators together in one session's options. */
    static native void checkOperators(long[] operators);

    // a kernel's call ({@code call}: the address KernelContext.invoke was given, during that call)
    static native String kernelNodeName(long call);

    /** A tensor handle valid during the call; never freed. */
    static native long kernelInput(long call, int index);

    static native long kernelOutput(long call, int index, long[] shape);

    static native float kernelAttributeFloat(long call, String name);

    static native long kernelAttributeInt(long call, String name);

    static native String kernelAttributeString(long call, String name);

    // shared weights
    static native long sharedWeightsNew();

    static native long sharedWeightsModelCount(long group);

    static native long sharedWeightsByteLength(long group);

    static native void sharedWeightsFree(long group);

    // run options
    static native long runOptionsNew();

    static native void runOptionsSetTag(long options, String tag);

    static native void runOptionsAddConfigEntry(long options, String key, String value);

    static native String runOptionsTag(long options);

    static native void runOptionsTerminate(long options);

    static native void runOptionsResetTerminate(long options);

    static native void runOptionsFree(long options);
}
