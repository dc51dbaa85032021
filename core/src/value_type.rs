//! The full ONNX type of a model's input or output: `tensor(float)`,
//! `seq(map(int64,tensor(float)))`, `optional(tensor(float))`, ...

use crate::{ElementType, ValueKind};

/// An ONNX type, nested as ONNX nests them. Element types are ONNX's
/// `TensorProto.DataType` numbers, also for types Onyx cannot hold (complex64 = 14).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ValueType {
    Tensor { element_type: u32 },
    Sequence(Box<ValueType>),
    /// Keys are a tensor element type (integers or string); values a tensor or a sequence.
    Map { key: u32, value: Box<ValueType> },
    Optional(Box<ValueType>),
}

impl ValueType {
    pub fn kind(&self) -> ValueKind {
        match self {
            Self::Tensor { .. } => ValueKind::Tensor,
            Self::Sequence(_) => ValueKind::Sequence,
            Self::Map { .. } => ValueKind::Map,
            Self::Optional(_) => ValueKind::Optional,
        }
    }

    /// A tensor's element type, or a map's value element type; 0 for the others.
    pub fn element_type(&self) -> u32 {
        match self {
            Self::Tensor { element_type } => *element_type,
            Self::Map { value, .. } => value.element_type(),
            _ => 0,
        }
    }

    /// What a sequence or optional holds, or a map's values.
    pub fn item(&self) -> Option<&ValueType> {
        match self {
            Self::Tensor { .. } => None,
            Self::Sequence(item) | Self::Optional(item) => Some(item),
            Self::Map { value, .. } => Some(value),
        }
    }

    pub(crate) fn from_ort(value: &ort::value::ValueType) -> ValueType {
        use ort::value::ValueType as V;
        let number = |ty: &ort::value::TensorElementType| crate::element::onnx_number_of((*ty).into());
        match value {
            V::Tensor { ty, .. } => Self::Tensor { element_type: number(ty) },
            V::Sequence(item) => Self::Sequence(Box::new(Self::from_ort(item))),
            V::Map { key, value } => Self::Map { key: number(key), value: Box::new(Self::Tensor { element_type: number(value) }) },
            V::Optional(item) => Self::Optional(Box::new(Self::from_ort(item))),
        }
    }
}

/// ONNX's name of element type `number`, also for the ones Onyx does not hold.
pub fn element_name(number: u32) -> String {
    match (ElementType::from_onnx(number), number) {
        (Ok(t), _) => t.name().to_string(),
        (_, 14) => "complex64".into(),
        (_, 15) => "complex128".into(),
        _ => format!("element type {number}"),
    }
}

impl std::fmt::Display for ValueType {
    /// ONNX's notation (as `onnx.helper.printable_type` writes it).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Tensor { element_type } => write!(f, "tensor({})", element_name(*element_type)),
            Self::Sequence(item) => write!(f, "seq({item})"),
            Self::Map { key, value } => write!(f, "map({},{value})", element_name(*key)),
            Self::Optional(item) => write!(f, "optional({item})"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ValueType as T;

    #[test]
    fn types_print_in_onnx_notation() {
        let probabilities = T::Sequence(Box::new(T::Map { key: 7, value: Box::new(T::Tensor { element_type: 1 }) }));
        assert_eq!(probabilities.to_string(), "seq(map(int64,tensor(float)))");
        assert_eq!(T::Optional(Box::new(T::Tensor { element_type: 8 })).to_string(), "optional(tensor(string))");
        assert_eq!(T::Tensor { element_type: 14 }.to_string(), "tensor(complex64)");
        assert_eq!(probabilities.item().unwrap().element_type(), 1);
    }
}
