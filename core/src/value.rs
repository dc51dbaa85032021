//! ONNX values beyond tensors: sequences, maps and optional values, as a run takes
//! and returns them.
//!
//! ONNX Runtime copies what it builds a sequence or a map from, so giving one costs a
//! copy of its tensors (a plain tensor input is still passed without one), and the
//! sequences and maps a run returns are copied out of ONNX Runtime into Onyx tensors.

use std::ptr::NonNull;

use crate::{ort_call, Error, ErrorCode, Result, Tensor, ValueKind, ValueType};

/// An ONNX value: a tensor (numbers or strings), a sequence of values, a map, or an
/// optional value that is present or absent.
#[derive(Debug)]
pub enum Value {
    Tensor(Tensor),
    Sequence(Vec<Value>),
    Map(Map),
    Optional(Option<Box<Value>>),
}

/// An ONNX map, as ONNX Runtime holds one: a 1-D tensor of keys (integers or strings)
/// and a 1-D tensor of as many values.
#[derive(Debug)]
pub struct Map {
    keys: Tensor,
    values: Tensor,
}

impl Map {
    /// INVALID_ARGUMENT when the keys are not a 1-D tensor of integers or strings, or
    /// the values are not a 1-D tensor of as many elements.
    pub fn new(keys: Tensor, values: Tensor) -> Result<Map> {
        use crate::ElementType as E;
        let key_type = keys.element_type();
        if !matches!(key_type, E::String | E::Int8 | E::Int16 | E::Int32 | E::Int64 | E::Uint8 | E::Uint16 | E::Uint32 | E::Uint64) {
            return Err(Error::new(ErrorCode::TypeMismatch, format!("map keys must be integers or strings, not {}", key_type.name())));
        }
        if keys.shape().len() != 1 || values.shape().len() != 1 {
            return Err(Error::new(
                ErrorCode::RankMismatch,
                format!("map keys and values must be 1-D tensors, got keys {} and values {}", keys.describe(), values.describe()),
            ));
        }
        if keys.element_count() != values.element_count() {
            return Err(Error::new(
                ErrorCode::InvalidArgument,
                format!("map has {} keys but {} values: each key needs one value", keys.element_count(), values.element_count()),
            ));
        }
        Ok(Map { keys, values })
    }

    pub fn keys(&self) -> &Tensor {
        &self.keys
    }

    pub fn values(&self) -> &Tensor {
        &self.values
    }

    pub fn len(&self) -> usize {
        self.keys.element_count()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn into_parts(self) -> (Tensor, Tensor) {
        (self.keys, self.values)
    }
}

impl From<Tensor> for Value {
    fn from(tensor: Tensor) -> Value {
        Value::Tensor(tensor)
    }
}

impl Value {
    /// A sequence; TYPE_MISMATCH naming the first item whose type differs from item 0's
    /// (ONNX sequences hold one type).
    pub fn sequence(items: Vec<Value>) -> Result<Value> {
        check_sequence(&items)?;
        Ok(Value::Sequence(items))
    }

    pub fn kind(&self) -> ValueKind {
        match self {
            Self::Tensor(_) => ValueKind::Tensor,
            Self::Sequence(_) => ValueKind::Sequence,
            Self::Map(_) => ValueKind::Map,
            Self::Optional(_) => ValueKind::Optional,
        }
    }

    pub fn as_tensor(&self) -> Option<&Tensor> {
        match self {
            Self::Tensor(t) => Some(t),
            _ => None,
        }
    }

    /// The tensor this value is; TYPE_MISMATCH naming the value's kind otherwise. The
    /// typed reads below are the one rule every binding's readers go through.
    pub fn tensor(&self) -> Result<&Tensor> {
        self.as_tensor().ok_or_else(|| self.not_a("a tensor"))
    }

    /// A sequence's items; TYPE_MISMATCH for another kind.
    pub fn items(&self) -> Result<&[Value]> {
        match self {
            Self::Sequence(items) => Ok(items),
            _ => Err(self.not_a("a sequence")),
        }
    }

    /// A map's keys and values; TYPE_MISMATCH for another kind.
    pub fn map(&self) -> Result<&Map> {
        match self {
            Self::Map(map) => Ok(map),
            _ => Err(self.not_a("a map")),
        }
    }

    /// An optional's item (None when absent); TYPE_MISMATCH for another kind.
    pub fn optional(&self) -> Result<Option<&Value>> {
        match self {
            Self::Optional(item) => Ok(item.as_deref()),
            _ => Err(self.not_a("an optional")),
        }
    }

    fn not_a(&self, what: &str) -> Error {
        Error::new(ErrorCode::TypeMismatch, format!("a {} value is not {what}", self.kind().name()))
    }

    /// The value's own type, as far as it shows: None for an empty sequence or an
    /// absent optional (and a sequence of them), whose item type a value cannot tell.
    pub fn value_type(&self) -> Option<ValueType> {
        Some(match self {
            Self::Tensor(t) => ValueType::Tensor { element_type: t.element_type() as u32 },
            Self::Sequence(items) => ValueType::Sequence(Box::new(items.first()?.value_type()?)),
            Self::Map(m) => ValueType::Map {
                key: m.keys.element_type() as u32,
                value: Box::new(ValueType::Tensor { element_type: m.values.element_type() as u32 }),
            },
            Self::Optional(item) => ValueType::Optional(Box::new(item.as_ref()?.value_type()?)),
        })
    }

    /// Reads a value ONNX Runtime returned, taking ownership of it. `declared` is the
    /// model's type for it (an optional output may come back absent).
    pub(crate) unsafe fn from_runtime_value(value: NonNull<ort_sys::OrtValue>, declared: &ValueType) -> Result<Value> {
        let owned = Owned(value);
        let api = ort_call::api();
        if let ValueType::Optional(inner) = declared {
            let mut present = 0;
            ort_call::check(unsafe { (api.HasValue)(value.as_ptr(), &mut present) }, ErrorCode::RuntimeError, "reading an optional value")?;
            if present == 0 {
                return Ok(Value::Optional(None));
            }
            let item = unsafe { Self::from_runtime_value(owned.release(), inner) }?;
            return Ok(Value::Optional(Some(Box::new(item))));
        }
        let mut kind = ort_sys::ONNXType::ONNX_TYPE_UNKNOWN;
        ort_call::check(unsafe { (api.GetValueType)(value.as_ptr(), &mut kind) }, ErrorCode::RuntimeError, "reading a value's kind")?;
        match kind {
            ort_sys::ONNXType::ONNX_TYPE_TENSOR => Ok(Value::Tensor(unsafe { Tensor::from_runtime_value(owned.release()) }?)),
            ort_sys::ONNXType::ONNX_TYPE_SEQUENCE => {
                let item_type = declared.item().cloned().unwrap_or(ValueType::Tensor { element_type: 0 });
                let count = unsafe { value_count(value) }?;
                let mut items = Vec::new();
                items.try_reserve_exact(count).map_err(|_| Error::new(ErrorCode::OutOfMemory, format!("a sequence of {count} values could not be allocated")))?;
                for i in 0..count {
                    let item = unsafe { item_at(value, i) }?;
                    items.push(unsafe { Self::from_runtime_value(item, &item_type) }?);
                }
                Ok(Value::Sequence(items))
            }
            ort_sys::ONNXType::ONNX_TYPE_MAP => {
                let keys = unsafe { Tensor::from_runtime_value(item_at(value, 0)?) }?;
                let values = unsafe { Tensor::from_runtime_value(item_at(value, 1)?) }?;
                Ok(Value::Map(Map { keys, values }))
            }
            other => Err(Error::new(ErrorCode::RuntimeError, format!("ONNX Runtime returned a value of kind {other:?}, which Onyx cannot read"))),
        }
    }
}

/// TYPE_MISMATCH unless every item has item 0's type.
fn check_sequence(items: &[Value]) -> Result<()> {
    let Some(first) = items.first() else { return Ok(()) };
    let want = first.value_type();
    for (i, item) in items.iter().enumerate().skip(1) {
        let got = item.value_type();
        if got != want {
            let show = |t: &Option<ValueType>| t.as_ref().map_or("a value of unknown type".to_string(), |t| t.to_string());
            return Err(Error::new(
                ErrorCode::TypeMismatch,
                format!("sequence item {i} is {}, but item 0 is {}: the items of a sequence have one type", show(&got), show(&want)),
            ));
        }
    }
    Ok(())
}

/// What ONNX Runtime's `Run` gets for a value, and the values built for it (released
/// after the run).
pub(crate) struct RunValue {
    pub(crate) value: *const ort_sys::OrtValue,
    pub(crate) built: Vec<Owned>,
}

/// Builds the OrtValue for `value` (None: an absent optional, left out of the run).
/// `what` names the input in errors ("input 'x'").
/// `declared` is the model's type for it (an empty sequence takes its item type).
pub(crate) fn to_run_value(value: &Value, declared: &ValueType, what: &str) -> Result<Option<RunValue>> {
    let mut built = Vec::new();
    let raw = build(value, Some(declared), what, &mut built)?;
    Ok(raw.map(|value| RunValue { value, built }))
}

fn build(value: &Value, declared: Option<&ValueType>, what: &str, built: &mut Vec<Owned>) -> Result<Option<*const ort_sys::OrtValue>> {
    // An optional's item has the optional's item type.
    let declared = match (declared, value) {
        (Some(ValueType::Optional(inner)), _) => Some(&**inner),
        (d, _) => d,
    };
    let api = ort_call::api();
    let create = |parts: &[*const ort_sys::OrtValue], kind, built: &mut Vec<Owned>| -> Result<*const ort_sys::OrtValue> {
        let mut out = std::ptr::null_mut();
        ort_call::check_by(
            unsafe { (api.CreateValue)(parts.as_ptr(), parts.len(), kind, &mut out) },
            |_| ErrorCode::InvalidArgument,
            &format!("building {what}"),
        )?;
        let out = NonNull::new(out).ok_or_else(|| Error::new(ErrorCode::RuntimeError, "ONNX Runtime built no value"))?;
        built.push(Owned(out));
        Ok(out.as_ptr().cast_const())
    };
    match value {
        Value::Tensor(t) => Ok(Some(t.ort_value().cast_const())),
        Value::Optional(None) => Ok(None),
        Value::Optional(Some(item)) => build(item, declared, what, built),
        Value::Map(m) => create(&[m.keys.ort_value().cast_const(), m.values.ort_value().cast_const()], ort_sys::ONNXType::ONNX_TYPE_MAP, built).map(Some),
        // `check_against` checked the items have one type.
        Value::Sequence(items) => {
            let item_type = match declared {
                Some(ValueType::Sequence(item)) => Some(&**item),
                _ => None,
            };
            if items.is_empty() {
                let Some(ValueType::Tensor { element_type }) = item_type else {
                    return Err(Error::new(
                        ErrorCode::InvalidArgument,
                        format!("{what} is an empty sequence, which Onyx can give only where the model declares a sequence of tensors"),
                    ));
                };
                let empty = crate::empty_sequence::create(crate::ElementType::from_onnx(*element_type)?)?;
                built.push(Owned(empty));
                return Ok(Some(empty.as_ptr().cast_const()));
            }
            let mut parts = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                match build(item, item_type, &format!("{what} item {i}"), built)? {
                    Some(raw) => parts.push(raw),
                    None => return Err(Error::new(ErrorCode::InvalidArgument, format!("{what} item {i} is an absent optional: a sequence holds tensors or maps"))),
                }
            }
            create(&parts, ort_sys::ONNXType::ONNX_TYPE_SEQUENCE, built).map(Some)
        }
    }
}

/// Checks that `value` can be given where the model declares `declared` (kinds and
/// element types; ONNX Runtime checks the rest). `what` names the input.
pub(crate) fn check_against(value: &Value, declared: &ValueType, what: &str) -> Result<()> {
    let mismatch = |got: String| Error::new(ErrorCode::TypeMismatch, format!("{what} expects {declared}, got {got}"));
    match (declared, value) {
        // An optional takes its item (present) or an absent optional.
        (ValueType::Optional(_), Value::Optional(None)) => Ok(()),
        (ValueType::Optional(inner), Value::Optional(Some(item))) => check_against(item, inner, what),
        (ValueType::Optional(inner), other) => check_against(other, inner, what),
        (_, Value::Optional(Some(item))) => check_against(item, declared, what),
        (_, Value::Optional(None)) => Err(Error::new(ErrorCode::MissingInput, format!("{what} is an absent optional value, but the model requires {declared}"))),
        (ValueType::Tensor { element_type }, Value::Tensor(t)) if *element_type == t.element_type() as u32 => Ok(()),
        (ValueType::Sequence(item_type), Value::Sequence(items)) => {
            check_sequence(items).map_err(|e| Error::new(e.code(), format!("{what}: {}", e.message())))?;
            items.first().map_or(Ok(()), |item| check_against(item, item_type, &format!("{what} item 0")))
        }
        (ValueType::Map { .. }, Value::Map(_)) if value.value_type().as_ref() == Some(declared) => Ok(()),
        (_, other) => Err(mismatch(other.value_type().map_or_else(|| format!("an empty {}", other.kind().name()), |t| t.to_string()))),
    }
}

/// Number of items in a sequence or map OrtValue.
unsafe fn value_count(value: NonNull<ort_sys::OrtValue>) -> Result<usize> {
    let mut count = 0usize;
    ort_call::check(unsafe { (ort_call::api().GetValueCount)(value.as_ptr(), &mut count) }, ErrorCode::RuntimeError, "reading a value's item count")?;
    Ok(count)
}

/// Item `index` of a sequence (or 0 = keys, 1 = values of a map), owned by the caller.
unsafe fn item_at(value: NonNull<ort_sys::OrtValue>, index: usize) -> Result<NonNull<ort_sys::OrtValue>> {
    let api = ort_call::api();
    let mut allocator = std::ptr::null_mut();
    ort_call::check(unsafe { (api.GetAllocatorWithDefaultOptions)(&mut allocator) }, ErrorCode::RuntimeError, "getting ONNX Runtime's allocator")?;
    let index = i32::try_from(index).map_err(|_| Error::new(ErrorCode::OutOfMemory, "a sequence longer than 2^31 items"))?;
    let mut item = std::ptr::null_mut();
    ort_call::check(unsafe { (api.GetValue)(value.as_ptr(), index, allocator, &mut item) }, ErrorCode::RuntimeError, "reading a sequence or map item")?;
    NonNull::new(item).ok_or_else(|| Error::new(ErrorCode::RuntimeError, "ONNX Runtime returned no item"))
}

/// An OrtValue released on drop.
pub(crate) struct Owned(NonNull<ort_sys::OrtValue>);

impl Owned {
    fn release(self) -> NonNull<ort_sys::OrtValue> {
        let value = self.0;
        std::mem::forget(self);
        value
    }
}

impl Drop for Owned {
    fn drop(&mut self) {
        unsafe { (ort_call::api().ReleaseValue)(self.0.as_ptr()) };
    }
}
