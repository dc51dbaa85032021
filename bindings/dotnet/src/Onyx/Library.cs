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

        /// <summary>Throws a clear exception when libonyx is missing (<see cref="DllNotFoundException"/>)
        /// or of another ABI major (<see cref="OnyxException"/> with <see cref="ErrorCode.AbiMismatch"/>).</summary>
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
            CheckAbiVersion(version);
            checkedOk = true;
        }

        /// <summary>Checks libonyx (<see cref="EnsureCompatible"/>) and returns <paramref name="value"/>,
        /// for a native call made in an expression.</summary>
        internal static T Checked<T>(T value)
        {
            EnsureCompatible();
            return value;
        }

        /// <summary>
        /// The check itself, on a version as <c>onyx_abi_version()</c> returns it
        /// (<c>(major &lt;&lt; 16) | minor</c>); the tests call it with a fake loaded version.
        /// </summary>
        /// <exception cref="OnyxException"><see cref="ErrorCode.AbiMismatch"/> for another major.</exception>
        internal static void CheckAbiVersion(uint loaded)
        {
            uint major = loaded >> 16;
            if (major == AbiMajor) return;
            throw new OnyxException(ErrorCode.AbiMismatch, string.Format(
                "libonyx has ABI major {0} (C ABI version {0}.{1}); this binding needs {2}. " +
                "Use the libonyx.so from the same Onyx package as Onyx.dll.", major, loaded & 0xFFFF, AbiMajor));
        }
    }
}
