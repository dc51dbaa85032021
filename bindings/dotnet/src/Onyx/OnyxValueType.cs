using System;

namespace Onyx
{
    /// <summary>
    /// The full ONNX type of a model's input or output, nested as ONNX nests them:
    /// <c>tensor(float)</c>, <c>seq(map(int64,tensor(float)))</c>, <c>optional(tensor(string))</c>.
    /// <see cref="ToString"/> prints ONNX's notation (core's text). Immutable.
    /// </summary>
    /// <remarks>Not called <c>ValueType</c>, which <see cref="System.ValueType"/> is (as
    /// <see cref="OnyxRuntime"/> is not called <c>Runtime</c>).</remarks>
    public sealed class OnyxValueType
    {
        private readonly string notation;

        private OnyxValueType(ValueKind kind, int elementType, int keyType, OnyxValueType item, string notation)
        {
            Kind = kind;
            ElementTypeNumber = elementType;
            KeyTypeNumber = keyType;
            Item = item;
            this.notation = notation;
        }

        /// <summary>What the type is: a tensor, a sequence, a map or an optional.</summary>
        public ValueKind Kind { get; private set; }

        /// <summary>A tensor type's element type, or a map's value element type; <see cref="Onyx.ElementType.Undefined"/>
        /// for the other kinds (and for element types Onyx cannot hold, such as complex64: see
        /// <see cref="ElementTypeNumber"/>).</summary>
        public ElementType ElementType
        {
            get { return Known(ElementTypeNumber); }
        }

        /// <summary><see cref="ElementType"/> as ONNX's number, also for types Onyx cannot hold (complex64 is 14); 0 for none.</summary>
        public int ElementTypeNumber { get; private set; }

        /// <summary>A map type's key element type (an integer type or string); <see cref="Onyx.ElementType.Undefined"/> for the other kinds.</summary>
        public ElementType KeyType
        {
            get { return Known(KeyTypeNumber); }
        }

        /// <summary><see cref="KeyType"/> as ONNX's number; 0 for the other kinds.</summary>
        public int KeyTypeNumber { get; private set; }

        /// <summary>What a sequence or an optional holds, or a map's values; null for a tensor type.</summary>
        public OnyxValueType Item { get; private set; }

        /// <summary>ONNX's notation: <c>seq(map(int64,tensor(float)))</c>.</summary>
        public override string ToString()
        {
            return notation;
        }

        /// <summary>Same notation, same type.</summary>
        public override bool Equals(object obj)
        {
            var other = obj as OnyxValueType;
            return other != null && other.notation == notation;
        }

        /// <summary>The notation's hash.</summary>
        public override int GetHashCode()
        {
            return notation.GetHashCode();
        }

        private static ElementType Known(int number)
        {
            return Enum.IsDefined(typeof(ElementType), number) ? (ElementType)number : ElementType.Undefined;
        }

        /// <summary>Copies a borrowed <c>onyx_value_type*</c> and its nested types (the caller
        /// keeps its session alive); the notation is core's (<c>onyx_value_type_name</c>).</summary>
        internal static OnyxValueType Read(IntPtr type)
        {
            if (type == IntPtr.Zero) return null;
            var kind = (ValueKind)Native.onyx_value_type_kind(type);
            IntPtr item = Native.onyx_value_type_item(type);
            OnyxValueType itemType = item == IntPtr.Zero ? null : Read(item);
            string notation = Utf8.FromNative(Native.onyx_value_type_name(type));
            return new OnyxValueType(kind, (int)Native.onyx_value_type_element_type(type), (int)Native.onyx_value_type_key_type(type), itemType, notation);
        }
    }
}
