using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Runtime.InteropServices;

namespace Onyx
{
    /// <summary>What a model's input or output is (the C ABI's <c>ONYX_VALUE_KIND_*</c>).</summary>
    public enum ValueKind
    {
        /// <summary>A kind this version of Onyx does not know.</summary>
        Unknown = 0,
        /// <summary>A tensor.</summary>
        Tensor = 1,
        /// <summary>A sequence of values.</summary>
        Sequence = 2,
        /// <summary>A map from keys to values.</summary>
        Map = 3,
        /// <summary>A value that may be absent.</summary>
        Optional = 4,
    }

    /// <summary>Describes one input or output of a model. Immutable; read once when the session is created.</summary>
    public sealed class ValueInfo
    {
        private readonly long[] shape;

        private ValueInfo(string name, ValueKind kind, ElementType elementType, long[] shape, IReadOnlyList<string> dimensionNames, OnyxValueType valueType)
        {
            ValueType = valueType;
            Name = name;
            Kind = kind;
            ElementType = elementType;
            this.shape = shape;
            DimensionNames = dimensionNames;
        }

        /// <summary>The input's or output's name.</summary>
        public string Name { get; private set; }

        /// <summary>What the value is: a tensor, a sequence, a map or an optional (as Onyx reports it).</summary>
        public ValueKind Kind { get; private set; }

        /// <summary>Its full ONNX type (<c>seq(map(string,tensor(float)))</c>, ...): <see cref="OnyxValueType.ToString"/>
        /// prints ONNX's notation.</summary>
        public OnyxValueType ValueType { get; private set; }

        /// <summary>Its element type; <see cref="Onyx.ElementType.Undefined"/> when it is not a tensor of
        /// an element type Onyx supports (see <see cref="Kind"/>).</summary>
        public ElementType ElementType { get; private set; }

        /// <summary>Its dimensions, -1 where the model leaves one free (a new copy on each read).</summary>
        public long[] Shape
        {
            get { return Shapes.Copy(shape); }
        }

        /// <summary>Number of dimensions.</summary>
        public int Rank
        {
            get { return shape.Length; }
        }

        /// <summary>The dimensions' symbolic names ("batch", ...), "" where a dimension has none.</summary>
        public IReadOnlyList<string> DimensionNames { get; private set; }

        /// <summary>Name, type and shape, for people.</summary>
        public override string ToString()
        {
            if (Kind != ValueKind.Tensor) return Name + " " + ValueType;
            return Name + " " + ElementType + "[" + string.Join(",", shape) + "]";
        }

        /// <summary>Copies a borrowed <c>onyx_value_info*</c>; the caller keeps its session alive.</summary>
        internal static unsafe ValueInfo Read(IntPtr info)
        {
            int rank = checked((int)(ulong)Native.onyx_value_info_rank(info));
            var shape = new long[rank];
            if (rank > 0) Marshal.Copy(Native.onyx_value_info_shape(info), shape, 0, rank);
            var names = new string[rank];
            for (int i = 0; i < rank; i++) names[i] = Utf8.FromNative(Native.onyx_value_info_dim_name(info, (UIntPtr)i)) ?? "";
            return new ValueInfo(
                Utf8.FromNative(Native.onyx_value_info_name(info)),
                (ValueKind)Native.onyx_value_info_kind(info),
                (ElementType)Native.onyx_value_info_element_type(info),
                shape,
                new ReadOnlyCollection<string>(names),
                OnyxValueType.Read(Native.onyx_value_info_type(info)));
        }
    }
}
