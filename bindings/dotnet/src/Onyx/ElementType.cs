using System;

namespace Onyx
{
    /// <summary>
    /// The type of a tensor's elements, numbered as ONNX numbers them
    /// (<c>TensorProto.DataType</c>, the C ABI's <c>ONYX_ELEMENT_*</c>).
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
        /// <summary>Boolean, one byte per element (<see cref="bool"/>).</summary>
        Bool = 9,
        /// <summary>IEEE half float; use <see cref="ushort"/> arrays holding the bits.</summary>
        Float16 = 10,
        /// <summary>64-bit float (<see cref="double"/>).</summary>
        Float64 = 11,
        /// <summary>32-bit unsigned integer (<see cref="uint"/>).</summary>
        UInt32 = 12,
        /// <summary>64-bit unsigned integer (<see cref="ulong"/>).</summary>
        UInt64 = 13,
        /// <summary>bfloat16; use <see cref="ushort"/> arrays holding the bits.</summary>
        BFloat16 = 16,
    }

    /// <summary>Sizes of element types and the mapping from .NET types.</summary>
    internal static class ElementTypes
    {
        /// <summary>Bytes per element, or 0 for an unknown type.</summary>
        internal static int SizeOf(ElementType type)
        {
            switch (type)
            {
                case ElementType.UInt8:
                case ElementType.Int8:
                case ElementType.Bool:
                    return 1;
                case ElementType.UInt16:
                case ElementType.Int16:
                case ElementType.Float16:
                case ElementType.BFloat16:
                    return 2;
                case ElementType.Float32:
                case ElementType.Int32:
                case ElementType.UInt32:
                    return 4;
                case ElementType.Int64:
                case ElementType.Float64:
                case ElementType.UInt64:
                    return 8;
                default:
                    return 0;
            }
        }

        /// <summary>The element type an array of <paramref name="t"/> holds, or Undefined.</summary>
        internal static ElementType Of(Type t)
        {
            if (t == typeof(float)) return ElementType.Float32;
            if (t == typeof(byte)) return ElementType.UInt8;
            if (t == typeof(sbyte)) return ElementType.Int8;
            if (t == typeof(ushort)) return ElementType.UInt16;
            if (t == typeof(short)) return ElementType.Int16;
            if (t == typeof(int)) return ElementType.Int32;
            if (t == typeof(long)) return ElementType.Int64;
            if (t == typeof(bool)) return ElementType.Bool;
            if (t == typeof(double)) return ElementType.Float64;
            if (t == typeof(uint)) return ElementType.UInt32;
            if (t == typeof(ulong)) return ElementType.UInt64;
            return ElementType.Undefined;
        }

        /// <summary>Whether an array of <paramref name="t"/> may hold elements of <paramref name="type"/>:
        /// its own type, or 16-bit floats held as their <see cref="ushort"/> bits.</summary>
        internal static bool Fits(Type t, ElementType type)
        {
            ElementType own = Of(t);
            if (own == type) return true;
            return own == ElementType.UInt16 && (type == ElementType.Float16 || type == ElementType.BFloat16);
        }
    }

    /// <summary>The element type of <typeparamref name="T"/>, computed once per type.</summary>
    internal static class ElementTypeOf<T>
    {
        internal static readonly ElementType Value = ElementTypes.Of(typeof(T));
    }
}
