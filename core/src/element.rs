use crate::{Error, ErrorCode, Result};

/// Tensor element types, numbered as ONNX's `TensorProto.DataType` so that no
/// binding needs a translation table.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ElementType {
    Float32 = 1,
    Uint8 = 2,
    Int8 = 3,
    Uint16 = 4,
    Int16 = 5,
    Int32 = 6,
    Int64 = 7,
    /// UTF-8 strings: a string tensor holds them, not raw bytes (see `Tensor::strings`).
    String = 8,
    Bool = 9,
    Float16 = 10,
    Float64 = 11,
    Uint32 = 12,
    Uint64 = 13,
    Bfloat16 = 16,
    // The 8-, 4- and 2-bit types are raw bits: Onyx moves them, it does no arithmetic.
    Float8E4M3FN = 17,
    Float8E4M3FNUZ = 18,
    Float8E5M2 = 19,
    Float8E5M2FNUZ = 20,
    /// Two per byte, element 0 in the low nibble (as ONNX packs them).
    Uint4 = 21,
    Int4 = 22,
    Float4E2M1 = 23,
    Float8E8M0 = 24,
    /// Four per byte, element 0 in the lowest two bits.
    Uint2 = 25,
    Int2 = 26,
}

impl ElementType {
    pub const ALL: [ElementType; 24] = [
        Self::Float32,
        Self::Uint8,
        Self::Int8,
        Self::Uint16,
        Self::Int16,
        Self::Int32,
        Self::Int64,
        Self::String,
        Self::Bool,
        Self::Float16,
        Self::Float64,
        Self::Uint32,
        Self::Uint64,
        Self::Bfloat16,
        Self::Float8E4M3FN,
        Self::Float8E4M3FNUZ,
        Self::Float8E5M2,
        Self::Float8E5M2FNUZ,
        Self::Uint4,
        Self::Int4,
        Self::Float4E2M1,
        Self::Float8E8M0,
        Self::Uint2,
        Self::Int2,
    ];

    pub fn from_onnx(value: u32) -> Result<ElementType> {
        Self::ALL.iter().copied().find(|t| *t as u32 == value).ok_or_else(|| {
            Error::new(
                ErrorCode::InvalidArgument,
                format!("element type {value} is not an ONNX tensor type Onyx supports"),
            )
        })
    }

    /// Bits one element takes in a tensor's data; 0 for strings (which have no raw data).
    pub fn bits(self) -> usize {
        match self {
            Self::String => 0,
            Self::Uint2 | Self::Int2 => 2,
            Self::Uint4 | Self::Int4 | Self::Float4E2M1 => 4,
            Self::Uint8 | Self::Int8 | Self::Bool => 8,
            Self::Float8E4M3FN | Self::Float8E4M3FNUZ | Self::Float8E5M2 | Self::Float8E5M2FNUZ | Self::Float8E8M0 => 8,
            Self::Uint16 | Self::Int16 | Self::Float16 | Self::Bfloat16 => 16,
            Self::Float32 | Self::Int32 | Self::Uint32 => 32,
            Self::Float64 | Self::Int64 | Self::Uint64 => 64,
        }
    }

    /// Size of one element in bytes; 0 for strings and the types smaller than a byte
    /// (use [`ElementType::byte_length`]).
    pub fn size(self) -> usize {
        match self.bits() {
            bits if bits % 8 == 0 => bits / 8,
            _ => 0,
        }
    }

    /// Bytes `count` elements take in a tensor's data (sub-byte types packed, the last
    /// byte padded); None on overflow. 0 for strings.
    pub fn byte_length(self, count: usize) -> Option<usize> {
        match self.bits() {
            0 => Some(0),
            bits if bits % 8 == 0 => count.checked_mul(bits / 8),
            bits => Some(count.div_ceil(8 / bits)),
        }
    }

    /// The alignment a borrowed buffer needs (1 for byte and sub-byte types).
    pub fn alignment(self) -> usize {
        self.size().max(1)
    }

    /// ONNX's own name for the type, as used in error messages.
    pub fn name(self) -> &'static str {
        match self {
            Self::Float32 => "float",
            Self::Uint8 => "uint8",
            Self::Int8 => "int8",
            Self::Uint16 => "uint16",
            Self::Int16 => "int16",
            Self::Int32 => "int32",
            Self::Int64 => "int64",
            Self::String => "string",
            Self::Bool => "bool",
            Self::Float16 => "float16",
            Self::Float64 => "double",
            Self::Uint32 => "uint32",
            Self::Uint64 => "uint64",
            Self::Bfloat16 => "bfloat16",
            Self::Float8E4M3FN => "float8e4m3fn",
            Self::Float8E4M3FNUZ => "float8e4m3fnuz",
            Self::Float8E5M2 => "float8e5m2",
            Self::Float8E5M2FNUZ => "float8e5m2fnuz",
            Self::Uint4 => "uint4",
            Self::Int4 => "int4",
            Self::Float4E2M1 => "float4e2m1",
            Self::Float8E8M0 => "float8e8m0",
            Self::Uint2 => "uint2",
            Self::Int2 => "int2",
        }
    }

    pub(crate) fn to_sys(self) -> ort_sys::ONNXTensorElementDataType {
        use ort_sys::ONNXTensorElementDataType as T;
        match self {
            Self::Float32 => T::ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT,
            Self::Uint8 => T::ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8,
            Self::Int8 => T::ONNX_TENSOR_ELEMENT_DATA_TYPE_INT8,
            Self::Uint16 => T::ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT16,
            Self::Int16 => T::ONNX_TENSOR_ELEMENT_DATA_TYPE_INT16,
            Self::Int32 => T::ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32,
            Self::Int64 => T::ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64,
            Self::String => T::ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING,
            Self::Bool => T::ONNX_TENSOR_ELEMENT_DATA_TYPE_BOOL,
            Self::Float16 => T::ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16,
            Self::Float64 => T::ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE,
            Self::Uint32 => T::ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT32,
            Self::Uint64 => T::ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT64,
            Self::Bfloat16 => T::ONNX_TENSOR_ELEMENT_DATA_TYPE_BFLOAT16,
            Self::Float8E4M3FN => T::ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT8E4M3FN,
            Self::Float8E4M3FNUZ => T::ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT8E4M3FNUZ,
            Self::Float8E5M2 => T::ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT8E5M2,
            Self::Float8E5M2FNUZ => T::ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT8E5M2FNUZ,
            Self::Uint4 => T::ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT4,
            Self::Int4 => T::ONNX_TENSOR_ELEMENT_DATA_TYPE_INT4,
            Self::Float4E2M1 => T::ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT4E2M1,
            // ONNX Runtime's numbers for the last three differ from ONNX's (see onnx_number_of).
            Self::Float8E8M0 => T::ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT8E8M0,
            Self::Uint2 => T::ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT2,
            Self::Int2 => T::ONNX_TENSOR_ELEMENT_DATA_TYPE_INT2,
        }
    }

    pub(crate) fn from_sys(value: ort_sys::ONNXTensorElementDataType) -> Result<ElementType> {
        Self::from_onnx(onnx_number_of(value))
    }
}

/// ONNX's `TensorProto.DataType` number for ONNX Runtime's C enum value. They agree up
/// to 23; after that ONNX Runtime numbered UINT2, INT2, FLOAT8E8M0 as 24, 25, 26, which
/// ONNX numbers FLOAT8E8M0 = 24, UINT2 = 25, INT2 = 26.
pub(crate) fn onnx_number_of(value: ort_sys::ONNXTensorElementDataType) -> u32 {
    use ort_sys::ONNXTensorElementDataType as T;
    match value {
        T::ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT2 => 25,
        T::ONNX_TENSOR_ELEMENT_DATA_TYPE_INT2 => 26,
        T::ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT8E8M0 => 24,
        other => other as u32,
    }
}

/// IEEE 754 half precision, stored as its bits.
#[repr(transparent)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct F16(pub u16);

impl F16 {
    /// Rounds to nearest even, as ONNX Runtime does; NaN stays NaN, overflow is infinity.
    pub fn from_f32(value: f32) -> Self {
        let x = value.to_bits();
        let sign = ((x >> 16) & 0x8000) as u16;
        let magnitude = x & 0x7FFF_FFFF;
        if magnitude >= 0x7F80_0000 {
            // Infinity, or NaN with its top payload bits kept and the quiet bit set.
            let nan = if magnitude > 0x7F80_0000 { 0x0200 | ((magnitude >> 13) & 0x03FF) as u16 } else { 0 };
            return F16(sign | 0x7C00 | nan);
        }
        if magnitude >= 0x4780_0000 {
            return F16(sign | 0x7C00); // at or past 65520 rounds to infinity
        }
        if magnitude < 0x3880_0000 {
            // Subnormal or zero in half precision: scale so the integer rounding is exact.
            let rounded = (f32::from_bits(magnitude) * f32::from_bits(0x4B80_0000)).round_ties_even();
            return F16(sign | rounded as u16);
        }
        let mantissa_odd = (magnitude >> 13) & 1;
        let rounded = magnitude.wrapping_add(0xC800_0FFF).wrapping_add(mantissa_odd);
        F16(sign | (rounded >> 13) as u16)
    }

    pub fn to_f32(self) -> f32 {
        let sign = ((self.0 & 0x8000) as u32) << 16;
        let exponent = ((self.0 >> 10) & 0x1F) as u32;
        let mantissa = (self.0 & 0x03FF) as u32;
        match exponent {
            // Subnormal: mantissa units of 2^-24, exact in f32.
            0 => f32::from_bits(sign | (mantissa as f32 * f32::from_bits(0x3380_0000)).to_bits()),
            0x1F => f32::from_bits(sign | 0x7F80_0000 | (mantissa << 13)),
            _ => f32::from_bits(sign | ((exponent + 112) << 23) | (mantissa << 13)),
        }
    }
}

/// bfloat16 (the top half of an f32), stored as its bits.
#[repr(transparent)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct Bf16(pub u16);

impl Bf16 {
    /// Rounds to nearest even, as ONNX Runtime does; NaN stays NaN.
    pub fn from_f32(value: f32) -> Self {
        let x = value.to_bits();
        if value.is_nan() {
            return Bf16(((x >> 16) | 0x0040) as u16); // quiet NaN, sign and top payload kept
        }
        let rounded = x.wrapping_add(0x7FFF + ((x >> 16) & 1));
        Bf16((rounded >> 16) as u16)
    }

    pub fn to_f32(self) -> f32 {
        f32::from_bits((self.0 as u32) << 16)
    }
}

/// Rust types that are tensor elements.
///
/// # Safety
/// `TYPE.size()` must equal `size_of::<Self>()` and every bit pattern of that size
/// written by ONNX Runtime must be a valid `Self`.
pub unsafe trait Element: Copy + 'static {
    const TYPE: ElementType;
}

macro_rules! element {
    ($($t:ty => $e:ident),* $(,)?) => {
        $(unsafe impl Element for $t { const TYPE: ElementType = ElementType::$e; })*
    };
}
element!(f32 => Float32, f64 => Float64, u8 => Uint8, i8 => Int8, u16 => Uint16, i16 => Int16,
    i32 => Int32, i64 => Int64, u32 => Uint32, u64 => Uint64, F16 => Float16, Bf16 => Bfloat16);
// bool: ONNX Runtime writes only 0 or 1 into bool tensors.
unsafe impl Element for bool {
    const TYPE: ElementType = ElementType::Bool;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn size_of<T: Element>() -> (ElementType, usize) {
        (T::TYPE, std::mem::size_of::<T>())
    }

    /// `Element`'s safety contract: the table's size is the Rust type's size.
    #[test]
    fn each_element_size_is_its_rust_type_size() {
        let all = [
            size_of::<f32>(), size_of::<f64>(), size_of::<u8>(), size_of::<i8>(), size_of::<u16>(), size_of::<i16>(),
            size_of::<i32>(), size_of::<i64>(), size_of::<u32>(), size_of::<u64>(), size_of::<F16>(), size_of::<Bf16>(),
            size_of::<bool>(),
        ];
        let with_rust_type = ElementType::ALL.iter().filter(|t| t.size() > 0 && !t.name().starts_with("float8")).count();
        assert_eq!(all.len(), with_rust_type, "every numeric element type has a Rust type");
        for (element_type, size) in all {
            assert_eq!(element_type.size(), size, "{}", element_type.name());
        }
    }
}

#[cfg(test)]
mod onnx_numbers {
    use super::onnx_number_of;
    use ort_sys::ONNXTensorElementDataType as T;

    #[test]
    fn the_types_after_23_get_onnx_numbers() {
        assert_eq!(onnx_number_of(T::ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT8E8M0), 24);
        assert_eq!(onnx_number_of(T::ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT2), 25);
        assert_eq!(onnx_number_of(T::ONNX_TENSOR_ELEMENT_DATA_TYPE_INT2), 26);
        assert_eq!(onnx_number_of(T::ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING), 8);
        assert_eq!(onnx_number_of(T::ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT4E2M1), 23);
    }

    #[test]
    fn every_type_goes_to_onnx_runtime_and_back() {
        for t in super::ElementType::ALL {
            assert_eq!(super::ElementType::from_sys(t.to_sys()).unwrap(), t, "{}", t.name());
        }
    }

    #[test]
    fn sub_byte_types_pack_into_whole_bytes() {
        use super::ElementType as E;
        assert_eq!(E::Int4.byte_length(3), Some(2));
        assert_eq!(E::Uint2.byte_length(5), Some(2));
        assert_eq!(E::Float32.byte_length(3), Some(12));
        assert_eq!(E::String.byte_length(3), Some(0));
        assert_eq!(E::Int4.size(), 0);
        assert_eq!(E::Int4.alignment(), 1);
    }
}
