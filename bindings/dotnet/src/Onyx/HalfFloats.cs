using System;
using System.Runtime.InteropServices;

namespace Onyx
{
    /// <summary>
    /// An IEEE 754 half-precision float as its 16 bits: the element of <see cref="ElementType.Float16"/> tensors
    /// (<c>Tensor.Copy(new Float16[] ...)</c>). Conversions are Onyx core's (onyx_float16_from_float32 and
    /// onyx_float16_to_float32): from a float they round to nearest even, as ONNX Runtime does, and NaN stays NaN.
    /// </summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Float16 : IEquatable<Float16>
    {
        private readonly ushort bits;

        /// <summary>The float16 nearest to <paramref name="value"/> (ties to even).</summary>
        /// <param name="value">The float to convert.</param>
        public Float16(float value)
        {
            Library.EnsureCompatible();
            bits = Native.onyx_float16_from_float32(value);
        }

        private Float16(ushort bits, bool unused)
        {
            this.bits = bits;
        }

        /// <summary>The value with these bits.</summary>
        /// <param name="bits">The 16 bits of a float16.</param>
        public static Float16 FromBits(ushort bits)
        {
            return new Float16(bits, false);
        }

        /// <summary>Its 16 bits.</summary>
        public ushort Bits
        {
            get { return bits; }
        }

        /// <summary>The float this value stands for (exact).</summary>
        public float ToFloat32()
        {
            Library.EnsureCompatible();
            return Native.onyx_float16_to_float32(bits);
        }

        /// <summary>The float16 nearest to <paramref name="value"/> (ties to even).</summary>
        /// <param name="value">The float to convert.</param>
        public static explicit operator Float16(float value)
        {
            return new Float16(value);
        }

        /// <summary>The float <paramref name="value"/> stands for (exact).</summary>
        /// <param name="value">The float16.</param>
        public static implicit operator float(Float16 value)
        {
            return value.ToFloat32();
        }

        /// <summary>Whether both have the same bits (so a NaN equals itself, and 0 does not equal -0).</summary>
        /// <param name="other">The other value.</param>
        public bool Equals(Float16 other)
        {
            return bits == other.bits;
        }

        /// <summary>Whether <paramref name="obj"/> is a Float16 with the same bits.</summary>
        /// <param name="obj">The other object.</param>
        public override bool Equals(object obj)
        {
            return obj is Float16 && Equals((Float16)obj);
        }

        /// <summary>The bits.</summary>
        public override int GetHashCode()
        {
            return bits;
        }

        /// <summary>The float value, for people.</summary>
        public override string ToString()
        {
            return ToFloat32().ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    /// <summary>
    /// A bfloat16 (the upper half of a float32) as its 16 bits: the element of <see cref="ElementType.BFloat16"/> tensors
    /// (<c>Tensor.Copy(new BFloat16[] ...)</c>). Conversions are Onyx core's (onyx_bfloat16_from_float32 and
    /// onyx_bfloat16_to_float32): from a float they round to nearest even, as ONNX Runtime does, and NaN stays NaN.
    /// </summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct BFloat16 : IEquatable<BFloat16>
    {
        private readonly ushort bits;

        /// <summary>The bfloat16 nearest to <paramref name="value"/> (ties to even).</summary>
        /// <param name="value">The float to convert.</param>
        public BFloat16(float value)
        {
            Library.EnsureCompatible();
            bits = Native.onyx_bfloat16_from_float32(value);
        }

        private BFloat16(ushort bits, bool unused)
        {
            this.bits = bits;
        }

        /// <summary>The value with these bits.</summary>
        /// <param name="bits">The 16 bits of a bfloat16.</param>
        public static BFloat16 FromBits(ushort bits)
        {
            return new BFloat16(bits, false);
        }

        /// <summary>Its 16 bits.</summary>
        public ushort Bits
        {
            get { return bits; }
        }

        /// <summary>The float this value stands for (exact).</summary>
        public float ToFloat32()
        {
            Library.EnsureCompatible();
            return Native.onyx_bfloat16_to_float32(bits);
        }

        /// <summary>The bfloat16 nearest to <paramref name="value"/> (ties to even).</summary>
        /// <param name="value">The float to convert.</param>
        public static explicit operator BFloat16(float value)
        {
            return new BFloat16(value);
        }

        /// <summary>The float <paramref name="value"/> stands for (exact).</summary>
        /// <param name="value">The bfloat16.</param>
        public static implicit operator float(BFloat16 value)
        {
            return value.ToFloat32();
        }

        /// <summary>Whether both have the same bits (so a NaN equals itself, and 0 does not equal -0).</summary>
        /// <param name="other">The other value.</param>
        public bool Equals(BFloat16 other)
        {
            return bits == other.bits;
        }

        /// <summary>Whether <paramref name="obj"/> is a BFloat16 with the same bits.</summary>
        /// <param name="obj">The other object.</param>
        public override bool Equals(object obj)
        {
            return obj is BFloat16 && Equals((BFloat16)obj);
        }

        /// <summary>The bits.</summary>
        public override int GetHashCode()
        {
            return bits;
        }

        /// <summary>The float value, for people.</summary>
        public override string ToString()
        {
            return ToFloat32().ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}
