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

        /// <summary>Decodes <paramref name="length"/> bytes of UTF-8 at <paramref name="data"/> (core checked them) into a new string.</summary>
        internal static unsafe string Decode(IntPtr data, int length)
        {
            if (length == 0) return "";
            return Encoding.UTF8.GetString((byte*)data, length);
        }

        /// <summary>
        /// <paramref name="text"/> as UTF-8 bytes, for core to check. A .NET string can hold a lone
        /// surrogate, which has no UTF-8 form: instead of letting the encoder replace it silently,
        /// it is written as its 3-byte pattern (as WTF-8 does), which core refuses with
        /// <see cref="ErrorCode.InvalidUtf8"/>, naming the element.
        /// </summary>
        internal static byte[] Encode(string text)
        {
            bool surrogates = false;
            foreach (char c in text)
                if (char.IsSurrogate(c)) { surrogates = true; break; }
            if (!surrogates) return Encoding.UTF8.GetBytes(text);
            var bytes = new System.Collections.Generic.List<byte>(text.Length * 3);
            for (int i = 0; i < text.Length; i++)
            {
                int code = text[i];
                if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                {
                    code = char.ConvertToUtf32(text[i], text[i + 1]);
                    i++;
                }
                if (code < 0x80) bytes.Add((byte)code);
                else if (code < 0x800)
                {
                    bytes.Add((byte)(0xC0 | (code >> 6)));
                    bytes.Add((byte)(0x80 | (code & 0x3F)));
                }
                else if (code < 0x10000)
                {
                    bytes.Add((byte)(0xE0 | (code >> 12)));
                    bytes.Add((byte)(0x80 | ((code >> 6) & 0x3F)));
                    bytes.Add((byte)(0x80 | (code & 0x3F)));
                }
                else
                {
                    bytes.Add((byte)(0xF0 | (code >> 18)));
                    bytes.Add((byte)(0x80 | ((code >> 12) & 0x3F)));
                    bytes.Add((byte)(0x80 | ((code >> 6) & 0x3F)));
                    bytes.Add((byte)(0x80 | (code & 0x3F)));
                }
            }
            return bytes.ToArray();
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
