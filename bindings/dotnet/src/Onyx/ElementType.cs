using System;
using System.Runtime.InteropServices;

namespace Onyx
{
    /// <summary>
    /// The type of a tensor's elements, numbered as ONNX numbers them
    /// (<c>TensorProto.DataType</c>, the C ABI's <c>ONYX_ELEMENT_*</c>). A test checks every member
    /// against include/onyx.h and the native library.
    /// </summary>
    public enum ElementType
    {
        /// <summary>Not a tensor, or a type Onyx does not know.</summary>
        Undefined = 0,
        /// <summary>32-bit float (<see cref="float"/>).</summary>
        Float32 = 1,
        /// <summary>8-bit unsigned integer (<see cref="byte"/>).</summary>
        UInt8 = 2,
        /// <summary>8-bit signed integer (<see cref="sbyte"/>).</summary>
        Int8 = 3,
        /// <summary>16-bit unsigned integer (<see cref="ushort"/>).</summary>
        UInt16 = 4,
        /// <summary>16-bit signed integer (<see cref="short"/>).</summary>
        Int16 = 5,
        /// <summary>32-bit signed integer (<see cref="int"/>).</summary>
        Int32 = 6,
        /// <summary>64-bit signed integer (<see cref="long"/>).</summary>
        Int64 = 7,
        /// <summary>UTF-8 strings (<see cref="string"/>): made with <see cref="Tensor.FromStrings"/>, read with
        /// <see cref="Tensor.ToStringArray"/> (both copy); such a tensor has no raw data.</summary>
        String = 8,
        /// <summary>Boolean, one byte per element (<see cref="bool"/>).</summary>
        Bool = 9,
        /// <summary>IEEE half float (<see cref="Onyx.Float16"/>, or <see cref="ushort"/> arrays holding the bits).</summary>
        Float16 = 10,
        /// <summary>64-bit float (<see cref="double"/>).</summary>
        Float64 = 11,
        /// <summary>32-bit unsigned integer (<see cref="uint"/>).</summary>
        UInt32 = 12,
        /// <summary>64-bit unsigned integer (<see cref="ulong"/>).</summary>
        UInt64 = 13,
        /// <summary>bfloat16 (<see cref="Onyx.BFloat16"/>, or <see cref="ushort"/> arrays holding the bits).</summary>
        BFloat16 = 16,
        /// <summary>8-bit float, 4 exponent and 3 mantissa bits, finite only (raw bytes: <see cref="byte"/> arrays).</summary>
        Float8E4M3FN = 17,
        /// <summary>8-bit float E4M3, finite only, no negative zero (raw bytes).</summary>
        Float8E4M3FNUZ = 18,
        /// <summary>8-bit float, 5 exponent and 2 mantissa bits (raw bytes).</summary>
        Float8E5M2 = 19,
        /// <summary>8-bit float E5M2, finite only, no negative zero (raw bytes).</summary>
        Float8E5M2FNUZ = 20,
        /// <summary>4-bit unsigned integer, two per byte, low nibble first (raw bytes).</summary>
        UInt4 = 21,
        /// <summary>4-bit signed integer, two per byte, low nibble first (raw bytes).</summary>
        Int4 = 22,
        /// <summary>4-bit float E2M1, two per byte, low nibble first (raw bytes).</summary>
        Float4E2M1 = 23,
        /// <summary>8-bit exponent-only float E8M0 (raw bytes).</summary>
        Float8E8M0 = 24,
        /// <summary>2-bit unsigned integer, four per byte, lowest bits first (raw bytes).</summary>
        UInt2 = 25,
        /// <summary>2-bit signed integer, four per byte, lowest bits first (raw bytes).</summary>
        Int2 = 26,
    }

    /// <summary>
    /// Which .NET type holds which element type. Sizes, names and every other fact about an
    /// element type are core's (<c>onyx_element_type_size</c>, <c>onyx_element_type_name</c>);
    /// a test checks that each .NET type here is as large as core's element.
    /// </summary>
    internal static class ElementTypes
    {
        /// <summary>The .NET type of an element, or null for <see cref="ElementType.Undefined"/>.</summary>
        internal static Type ClrType(ElementType type)
        {
            switch (type)
            {
                case ElementType.Float32: return typeof(float);
                case ElementType.UInt8: return typeof(byte);
                case ElementType.Int8: return typeof(sbyte);
                case ElementType.UInt16: return typeof(ushort);
                case ElementType.Int16: return typeof(short);
                case ElementType.Int32: return typeof(int);
                case ElementType.Int64: return typeof(long);
                case ElementType.Bool: return typeof(bool);
                case ElementType.Float16: return typeof(Float16);
                case ElementType.Float64: return typeof(double);
                case ElementType.UInt32: return typeof(uint);
                case ElementType.UInt64: return typeof(ulong);
                case ElementType.BFloat16: return typeof(BFloat16);
                case ElementType.String: return typeof(string);
                default: return IsRawBytes(type) ? typeof(byte) : null;
            }
        }

        /// <summary>The types a <see cref="byte"/> array holds as raw bytes (float8, 4-bit and 2-bit types;
        /// the sub-byte ones packed, as core's byte length counts them).</summary>
        internal static bool IsRawBytes(ElementType type)
        {
            return type >= ElementType.Float8E4M3FN && type <= ElementType.Int2;
        }

        /// <summary>The element type an array of <paramref name="t"/> holds, or Undefined.</summary>
        internal static ElementType Of(Type t)
        {
            foreach (ElementType type in Enum.GetValues(typeof(ElementType)))
                if (type != ElementType.Undefined && ClrType(type) == t) return type;
            return ElementType.Undefined;
        }

        /// <summary>Whether an array whose own element type is <paramref name="own"/> may hold elements
        /// of <paramref name="type"/>: its own type, 16-bit floats held as their <see cref="ushort"/> bits, or
        /// the raw-byte types (float8, 4-bit, 2-bit) in a <see cref="byte"/> array.</summary>
        internal static bool Fits(ElementType own, ElementType type)
        {
            if (own == type) return true;
            if (own == ElementType.UInt8 && IsRawBytes(type)) return true;
            return own == ElementType.UInt16 && (type == ElementType.Float16 || type == ElementType.BFloat16);
        }

        /// <summary>Bytes one element of <paramref name="t"/> takes in a managed array (the distance
        /// between two pinned elements: what native code reads, unlike Marshal.SizeOf); 0 for a type
        /// that cannot be pinned.</summary>
        internal static int ManagedSize(Type t)
        {
            Array pair = Array.CreateInstance(t, 2);
            GCHandle pin;
            try
            {
                pin = GCHandle.Alloc(pair, GCHandleType.Pinned);
            }
            catch (ArgumentException)
            {
                return 0; // not blittable: no element type's .NET type
            }
            try
            {
                return checked((int)((long)Marshal.UnsafeAddrOfPinnedArrayElement(pair, 1) - (long)Marshal.UnsafeAddrOfPinnedArrayElement(pair, 0)));
            }
            finally
            {
                pin.Free();
            }
        }
    }

    /// <summary>The element type of <typeparamref name="T"/> and its size in an array, computed once per
    /// type (so the per-call path does no lookups).</summary>
    internal static class ElementTypeOf<T>
    {
        internal static readonly ElementType Value = ElementTypes.Of(typeof(T));
        internal static readonly int Size = ElementTypes.ManagedSize(typeof(T));
    }
}
