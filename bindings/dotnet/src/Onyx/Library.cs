using System;

namespace Onyx
{
    /// <summary>
    /// The check made once, before the first handle is created, that the libonyx found
    /// speaks the C ABI major version this assembly was written for.
    /// </summary>
    internal static class Library
    {
        /// <summary>The C ABI major version this assembly calls.</summary>
        internal const uint AbiMajor = 1;

        private static volatile bool checkedOk;

        /// <summary>Throws a clear exception when libonyx is missing or of another ABI major.</summary>
        internal static void EnsureCompatible()
        {
            if (checkedOk) return;
            uint version;
            try
            {
                version = Native.onyx_abi_version();
            }
            catch (DllNotFoundException e)
            {
                throw new DllNotFoundException(
                    "Onyx: the native library libonyx.so was not found. It ships in the Onyx package under " +
                    "runtimes/linux-x64/native/; put it (with libonnxruntime.so.1.31.1) beside your application " +
                    "or on LD_LIBRARY_PATH. (" + e.Message + ")", e);
            }
            if (version >> 16 != AbiMajor)
            {
                throw new NotSupportedException(string.Format(
                    "Onyx: the native libonyx has C ABI version {0}.{1}, but this Onyx assembly needs major version {2}. " +
                    "Use the libonyx.so from the same Onyx package as Onyx.dll.", version >> 16, version & 0xFFFF, AbiMajor));
            }
            checkedOk = true;
        }
    }
}
