using System;
using System.Runtime.InteropServices;

namespace Onyx
{
    /// <summary>
    /// Receives a log line (see <see cref="OnyxRuntime.SetLogCallback(LogCallback)"/>): its level, its category
    /// (ONNX Runtime's, such as "onnxruntime", or "onyx" for Onyx's own lines) and the message.
    /// </summary>
    /// <param name="level">How severe the line is.</param>
    /// <param name="category">Who logged it.</param>
    /// <param name="message">The text.</param>
    public delegate void LogCallback(LogLevel level, string category, string message);

    /// <summary>Which of ONNX Runtime's own log lines reach stderr (or the <see cref="LogCallback"/>).</summary>
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

        /// <summary>Sets which of ONNX Runtime's log lines reach stderr, or the <see cref="LogCallback"/>
        /// (default <see cref="Onyx.LogLevel.Warning"/>).</summary>
        /// <param name="level">The least severe level shown.</param>
        public static void SetLogLevel(LogLevel level)
        {
            Library.EnsureCompatible();
            Status.Check(Native.onyx_set_log_level((uint)level));
        }

        // The one native entry point for log lines, alive as long as the process; each
        // callback set reaches it as a GCHandle in user_data.
        private static readonly Native.NativeLogCallback LogTrampoline = ForwardLogLine;
        private static readonly IntPtr LogTrampolinePointer = Marshal.GetFunctionPointerForDelegate(LogTrampoline);
        private static readonly object logLock = new object();
        private static GCHandle currentLog;   // under logLock: the callback Onyx calls now
        private static bool exitHooked;       // under logLock
        [ThreadStatic] private static bool inLogCallback;

        /// <summary>
        /// Sends the log lines the level lets through (<see cref="SetLogLevel"/>) to
        /// <paramref name="callback"/> instead of stderr, ONNX Runtime's and Onyx's alike; null goes
        /// back to stderr. The callback is called on any thread (ONNX Runtime's own, Onyx's workers,
        /// the thread loading a session), possibly on several at once: make it thread-safe and quick.
        /// An exception it throws is swallowed (that line is lost); it never reaches native code.
        /// When this returns, the callback it replaced is not running and will not be called again.
        /// The callback must not wait for a thread that is calling this method.
        /// </summary>
        /// <param name="callback">The receiver, or null for stderr.</param>
        /// <exception cref="OnyxException"><see cref="ErrorCode.InvalidArgument"/> when called from
        /// inside the log callback (Onyx's rule: it would wait for itself).</exception>
        public static void SetLogCallback(LogCallback callback)
        {
            Library.EnsureCompatible();
            GCHandle next = callback == null ? default(GCHandle) : GCHandle.Alloc(callback);
            if (inLogCallback)
            {
                // Onyx refuses this; taking the lock could wait for a setter that waits for us.
                // Were it ever accepted, `next` stays allocated: leaked, never dangling.
                IntPtr refused = SetNative(next);
                if (refused != IntPtr.Zero)
                {
                    if (next.IsAllocated) next.Free();
                    throw Status.ToException(refused);
                }
                return;
            }
            lock (logLock)
            {
                IntPtr status;
                try
                {
                    status = SetNative(next);
                }
                catch
                {
                    if (next.IsAllocated) next.Free();
                    throw;
                }
                if (status != IntPtr.Zero)
                {
                    if (next.IsAllocated) next.Free();
                    throw Status.ToException(status);
                }
                // Onyx no longer runs, and never again calls, the callback this replaced.
                if (currentLog.IsAllocated) currentLog.Free();
                currentLog = next;
                if (next.IsAllocated && !exitHooked)
                {
                    // Lines logged while the process ends (or once this AppDomain is unloaded, on
                    // runtimes that have them) go to stderr, not into managed code that is gone.
                    AppDomain.CurrentDomain.ProcessExit += RestoreStderrAtExit;
                    AppDomain.CurrentDomain.DomainUnload += RestoreStderrAtExit;
                    exitHooked = true;
                }
            }
        }

        private static IntPtr SetNative(GCHandle target)
        {
            return target.IsAllocated
                ? Native.onyx_set_log_callback(LogTrampolinePointer, GCHandle.ToIntPtr(target))
                : Native.onyx_set_log_callback(IntPtr.Zero, IntPtr.Zero);
        }

        private static void RestoreStderrAtExit(object sender, EventArgs e)
        {
            try
            {
                IntPtr status = Native.onyx_set_log_callback(IntPtr.Zero, IntPtr.Zero);
                if (status != IntPtr.Zero) Native.onyx_status_free(status);
            }
            catch (Exception)
            {
            }
        }

        /// <summary>onyx_log_callback, on any thread. Nothing may escape into native code.</summary>
        [MonoPInvokeCallback(typeof(Native.NativeLogCallback))]
        private static void ForwardLogLine(IntPtr userData, uint level, IntPtr category, IntPtr message)
        {
            inLogCallback = true;
            try
            {
                ForeignThreads.Visiting();
                var callback = GCHandle.FromIntPtr(userData).Target as LogCallback;
                if (callback != null) callback((LogLevel)level, Utf8.FromNative(category), Utf8.FromNative(message));
            }
            catch (Exception)
            {
                // The user's exception (or a bad line): the line is lost, native code never sees it.
            }
            finally
            {
                inLogCallback = false;
            }
        }
    }
}
