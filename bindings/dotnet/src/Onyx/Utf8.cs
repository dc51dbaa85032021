using System;
using System.Text;

namespace Onyx
{
    /// <summary>UTF-8 strings across the boundary, decoded and encoded by hand.</summary>
    internal static class Utf8
    {
        /// <summary>Decodes a NUL-terminated UTF-8 string Onyx owns; null for a null pointer.</summary>
        internal static unsafe string FromNative(IntPtr text)
        {
            if (text == IntPtr.Zero) return null;
            byte* start = (byte*)text;
            int length = 0;
            while (start[length] != 0) length++;
            return Encoding.UTF8.GetString(start, length);
        }

        /// <summary>Has core refuse <paramref name="text"/> if it holds a NUL character (a C string
        /// would silently end there): <see cref="ErrorCode.InvalidArgument"/>, naming <paramref name="what"/>.</summary>
        internal static unsafe void Check(string text, string what)
        {
            if (text == null || text.IndexOf('\0') < 0) return;
            byte[] bytes = Encoding.UTF8.GetBytes(text);
            fixed (byte* p = bytes)
            {
                Status.Check(Native.onyx_text_check((IntPtr)p, (UIntPtr)bytes.Length, what));
            }
        }

        /// <summary>Bytes needed for <paramref name="text"/> as NUL-terminated UTF-8.</summary>
        internal static int NativeLength(string text)
        {
            return Encoding.UTF8.GetByteCount(text) + 1;
        }

        /// <summary>Writes <paramref name="text"/> as NUL-terminated UTF-8 at <paramref name="buffer"/>,
        /// which holds <see cref="NativeLength"/> bytes.</summary>
        internal static unsafe void Write(string text, byte* buffer, int bufferLength)
        {
            fixed (char* chars = text)
            {
                int written = Encoding.UTF8.GetBytes(chars, text.Length, buffer, bufferLength - 1);
                buffer[written] = 0;
            }
        }
    }
}
