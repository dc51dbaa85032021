namespace Onyx
{
    /// <summary>
    /// Why an Onyx call failed. The numbers are the C ABI's <c>ONYX_ERROR_*</c> codes
    /// (the same in every language Onyx supports); they are stable and only ever added.
    /// A test checks every member against include/onyx.h and the native library.
    /// </summary>
    public enum ErrorCode
    {
        /// <summary>An argument has a value that is not allowed.</summary>
        InvalidArgument = 1,
        /// <summary>A required pointer or handle was null.</summary>
        NullPointer = 2,
        /// <summary>A string was not valid UTF-8.</summary>
        InvalidUtf8 = 3,
        /// <summary>ONNX Runtime could not be found, opened, or is too old; the message names the path.</summary>
        RuntimeLoadFailed = 4,
        /// <summary>The model file does not exist.</summary>
        ModelNotFound = 5,
        /// <summary>The model bytes are not a valid ONNX model.</summary>
        InvalidModel = 6,
        /// <summary>An input name the model does not have.</summary>
        UnknownInput = 7,
        /// <summary>A model input was not given.</summary>
        MissingInput = 8,
        /// <summary>An output name the model does not have.</summary>
        UnknownOutput = 9,
        /// <summary>A tensor's element type is not the one the model (or a typed read) expects.</summary>
        TypeMismatch = 10,
        /// <summary>A tensor's rank is not the one the model expects.</summary>
        RankMismatch = 11,
        /// <summary>A tensor's dimension is not the one the model expects.</summary>
        ShapeMismatch = 12,
        /// <summary>A buffer's length does not match the shape and element type.</summary>
        BufferSizeMismatch = 13,
        /// <summary>The run was terminated through its run options.</summary>
        Cancelled = 14,
        /// <summary>A requested execution provider cannot be used.</summary>
        ExecutionProviderUnavailable = 15,
        /// <summary>An index past the end.</summary>
        IndexOutOfRange = 16,
        /// <summary>ONNX Runtime failed in a way Onyx has no finer code for.</summary>
        RuntimeError = 17,
        /// <summary>A bug inside Onyx, caught at the boundary.</summary>
        Panic = 18,
        /// <summary>The native libonyx found has another C ABI major version than this assembly needs.</summary>
        AbiMismatch = 19,
        /// <summary>Memory for a size the caller or the model asked for could not be allocated.</summary>
        OutOfMemory = 20,
        /// <summary>The model uses an operator no ONNX Runtime kernel or registered custom-op library provides.</summary>
        UnsupportedOperator = 21,
        /// <summary>An operator kernel written in C# (or another host language) failed: the exception it
        /// threw (its type's full name and message), with the operator and node named.</summary>
        KernelFailed = 22,
    }
}
