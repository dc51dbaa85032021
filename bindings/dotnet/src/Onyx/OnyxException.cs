using System;

namespace Onyx
{
    /// <summary>
    /// An Onyx call failed. <see cref="ErrorCode"/> is the stable code (the C ABI's
    /// <c>ONYX_ERROR_*</c>) to branch on; <see cref="Exception.Message"/> is Onyx's
    /// human-readable text (not stable: do not parse it).
    /// </summary>
    [Serializable]
    public class OnyxException : Exception
    {
        /// <summary>Creates an exception with a code and a message.</summary>
        /// <param name="errorCode">Why the call failed.</param>
        /// <param name="message">What happened, for people.</param>
        public OnyxException(ErrorCode errorCode, string message) : base(message)
        {
            ErrorCode = errorCode;
        }

        /// <summary>Why the call failed.</summary>
        public ErrorCode ErrorCode { get; private set; }

        /// <summary>The code's stable C name, as in every Onyx language: "SHAPE_MISMATCH", ...,
        /// or "UNKNOWN" for a code newer than this library's libonyx.</summary>
        public string ErrorCodeName
        {
            get { return Utf8.FromNative(Native.onyx_error_code_name((uint)ErrorCode)); }
        }

        /// <summary>The code name and the message.</summary>
        public override string ToString()
        {
            return "Onyx.OnyxException (" + ErrorCode + " " + (int)ErrorCode + "): " + base.ToString();
        }
    }

    /// <summary>Turns C statuses into exceptions.</summary>
    internal static class Status
    {
        /// <summary>A C function whose one argument is its out-parameter (a create or a getter).</summary>
        internal delegate IntPtr OutCall(out IntPtr value);

        /// <summary>Checks libonyx, calls <paramref name="call"/>, throws on failure and returns what it wrote.</summary>
        internal static IntPtr Out(OutCall call)
        {
            Library.EnsureCompatible();
            IntPtr value;
            Check(call(out value));
            return value;
        }

        /// <summary>Does nothing for success (null); otherwise reads the status, frees it and
        /// throws the matching <see cref="OnyxException"/>.</summary>
        internal static void Check(IntPtr status)
        {
            if (status == IntPtr.Zero) return;
            throw ToException(status);
        }

        /// <summary>Reads a failed status into an exception, freeing the status whatever happens.</summary>
        internal static OnyxException ToException(IntPtr status)
        {
            try
            {
                uint code = Native.onyx_status_code(status);
                string message = Utf8.FromNative(Native.onyx_status_message(status));
                return new OnyxException((ErrorCode)code, message);
            }
            finally
            {
                Native.onyx_status_free(status);
            }
        }
    }
}
