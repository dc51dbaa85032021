using System;
using System.Globalization;
using System.Runtime.InteropServices;

namespace Onyx
{
    /// <summary>
    /// An IEEE 754 half-precision float as its 16 bits: the element of <see cref="ElementType.Float16"/>
    /// tensors (<c>Tensor.Copy(new Float16[] ...)</c>). Both conversions are Onyx core's
    /// (<c>onyx_float16_from_float32</c>, <c>onyx_float16_to_float32</c>): from a float they round to
    /// nearest even, magnitudes from 65520 up become infinity, and NaN stays NaN. Equal when the bits are.
    /// </summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Float16
    {
        /// <summary>The 16 bits.</summary>
        public ushort Bits { get; }

        private Float16(ushort bits) { Bits = bits; }

        /// <summary>The float16 nearest to <paramref name="value"/> (ties to even).</summary>
        /// <param name="value">The float to convert.</param>
        public Float16(float value) : this(Native.onyx_float16_from_float32(Library.Checked(value))) { }

        /// <summary>The float16 with these bits.</summary>
        /// <param name="bits">Sign, 5 exponent bits, 10 fraction bits.</param>
        public static Float16 FromBits(ushort bits) { return new Float16(bits); }

        /// <summary>The float this value stands for (exact).</summary>
        public float ToFloat32() { return Native.onyx_float16_to_float32(Library.Checked(Bits)); }

        /// <summary>The value, for people.</summary>
        public override string ToString() { return ToFloat32().ToString(CultureInfo.InvariantCulture); }
    }

    /// <summary>
    /// A bfloat16 (the upper half of a float32) as its 16 bits: the element of
    /// <see cref="ElementType.BFloat16"/> tensors. Conversions by Onyx core
    /// (<c>onyx_bfloat16_from_float32</c>, <c>onyx_bfloat16_to_float32</c>), rounding to nearest even
    /// as ONNX Runtime does, so every Onyx language gives the same bits; NaN stays NaN.
    /// </summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct BFloat16
    {
        /// <summary>The 16 bits.</summary>
        public ushort Bits { get; }

        private BFloat16(ushort bits) { Bits = bits; }

        /// <summary>The bfloat16 nearest to <paramref name="value"/> (ties to even).</summary>
        /// <param name="value">The float to convert.</param>
        public BFloat16(float value) : this(Native.onyx_bfloat16_from_float32(Library.Checked(value))) { }

        /// <summary>The bfloat16 with these bits (a float32's upper 16).</summary>
        /// <param name="bits">Sign, 8 exponent bits, 7 fraction bits.</param>
        public static BFloat16 FromBits(ushort bits) { return new BFloat16(bits); }

        /// <summary>The float this value stands for (exact: the bits followed by 16 zeros).</summary>
        public float ToFloat32() { return Native.onyx_bfloat16_to_float32(Library.Checked(Bits)); }

        /// <summary>The value, for people.</summary>
        public override string ToString() { return ToFloat32().ToString(CultureInfo.InvariantCulture); }
    }
}
