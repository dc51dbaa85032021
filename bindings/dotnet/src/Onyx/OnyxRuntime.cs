using System;

namespace Onyx
{
    /// <summary>Which of ONNX Runtime's own log lines reach stderr.</summary>
    public enum LogLevel
    {
        /// <summary>Everything.</summary>
        Verbose = 0,
        /// <summary>Informational lines and worse.</summary>
        Info = 1,
        /// <summary>Warnings and worse (the default).</summary>
        Warning = 2,
        /// <summary>Errors and worse.</summary>
        Error = 3,
        /// <summary>Fatal errors only.</summary>
        Fatal = 4,
    }

    /// <summary>
    /// The ONNX Runtime library Onyx runs on. Loading it is optional: the first session
    /// loads it by the default lookup (the <c>ONYX_ORT_LIBRARY</c> environment variable,
    /// then <c>libonnxruntime.so.1.31.1</c> beside libonyx.so, which is where the Onyx
    /// package puts it). Once loaded it stays for the life of the process.
    /// </summary>
    public static class OnyxRuntime
    {
        /// <summary>
        /// Loads ONNX Runtime from <paramref name="ortLibraryPath"/> (absolute, or relative to
        /// the current folder), or by the default lookup when null. Calling again with null
        /// or the same path does nothing; another path fails.
        /// </summary>
        /// <param name="ortLibraryPath">Path of libonnxruntime.so, or null for the default lookup.</param>
        /// <exception cref="OnyxException"><see cref="ErrorCode.RuntimeLoadFailed"/>, naming the path tried.</exception>
        public static void Init(string ortLibraryPath = null)
        {
            Library.EnsureCompatible();
            Utf8.Check(ortLibraryPath, "ONNX Runtime library path");
            Status.Check(Native.onyx_runtime_init(ortLibraryPath));
        }

        /// <summary>The loaded ONNX Runtime's version ("1.31.1"); loads it by the default lookup if needed.</summary>
        /// <exception cref="OnyxException"><see cref="ErrorCode.RuntimeLoadFailed"/> when it cannot be loaded.</exception>
        public static string Version
        {
            get { return Utf8.FromNative(Status.Out(Native.onyx_runtime_version)); }
        }

        /// <summary>Absolute path of the ONNX Runtime library loaded; loads it by the default lookup if needed.</summary>
        /// <exception cref="OnyxException"><see cref="ErrorCode.RuntimeLoadFailed"/> when it cannot be loaded.</exception>
        public static string Path
        {
            get { return Utf8.FromNative(Status.Out(Native.onyx_runtime_path)); }
        }

        /// <summary>The C ABI version of the loaded libonyx (major, minor).</summary>
        public static Version AbiVersion
        {
            get
            {
                Library.EnsureCompatible();
                uint v = Native.onyx_abi_version();
                return new Version((int)(v >> 16), (int)(v & 0xFFFF));
            }
        }

        /// <summary>Sets which of ONNX Runtime's log lines reach stderr (default <see cref="Onyx.LogLevel.Warning"/>).</summary>
        /// <param name="level">The least severe level shown.</param>
        public static void SetLogLevel(LogLevel level)
        {
            Library.EnsureCompatible();
            Status.Check(Native.onyx_set_log_level((uint)level));
        }
    }
}
