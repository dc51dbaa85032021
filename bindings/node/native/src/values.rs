//! Values beyond numeric tensors for `Session.runValues`: string tensors, sequences,
//! maps and optionals, between JavaScript's own values and core's `Value`.
//!
//! index.js turns each JavaScript value into a `ValueIn` (a plain object): a `Tensor`
//! (its bytes, borrowed in place, or its strings), an `Array` (a sequence), a `Map`
//! (its keys and values as two arrays; the key and value tensors are built here) or
//! `null` (an absent optional). A run's values come back as `ValueOut`s, which index.js
//! turns into `Tensor`s, Arrays, Maps and nulls. Core checks every rule (types, counts,
//! UTF-8); this module only translates.

use napi::bindgen_prelude::*;
use napi_derive::napi;
use onyx_core as core;
use onyx_core::{ElementType, ErrorCode, Value, ValueType};

/// What a `ValueIn` / `ValueOut` is (core's `ValueKind` numbers; 0 = an absent optional).
pub const ABSENT: u32 = 0;
pub const TENSOR: u32 = 1;
pub const SEQUENCE: u32 = 2;
pub const MAP: u32 = 3;

/// A JavaScript value on its way into a run (index.js makes it).
#[napi(object)]
pub struct ValueIn {
    pub kind: u32,
    /// A tensor's element type (ONNX number), shape and bytes (numeric) or strings (8).
    pub element_type: Option<u32>,
    pub shape: Option<Vec<i64>>,
    pub data: Option<Uint8Array>,
    pub strings: Option<Vec<String>>,
    /// A sequence's items.
    pub items: Option<Vec<ValueIn>>,
    /// A map's keys (strings or BigInts) and values (numbers), in the Map's order.
    pub keys: Option<Vec<Either<String, BigInt>>>,
    pub values: Option<Vec<f64>>,
}

/// A value a run gave, for index.js. A map is `items` [keys tensor, values tensor].
#[napi(object)]
pub struct ValueOut {
    pub kind: u32,
    pub element_type: u32,
    pub shape: Vec<i64>,
    pub count: f64,
    pub data: Option<Uint8Array>,
    pub strings: Option<Vec<String>>,
    pub items: Option<Vec<ValueOut>>,
}

/// The arrays whose memory a run's tensors borrow, released on the JS thread after it.
pub struct Keep(#[allow(dead_code)] pub Vec<Uint8Array>);

fn error(code: ErrorCode, message: String) -> core::Error {
    core::Error::new(code, message)
}

/// What a declared optional holds (a present value is given as itself).
fn unwrap_optional(declared: Option<&ValueType>) -> Option<&ValueType> {
    match declared {
        Some(ValueType::Optional(inner)) => unwrap_optional(Some(inner)),
        other => other,
    }
}

/// Core's value for `v`; `declared` is the model's type for it where known (it picks the
/// element types of a map's key and value tensors), `what` names it in messages.
pub fn to_value(v: ValueIn, declared: Option<&ValueType>, what: &str, keep: &mut Vec<Uint8Array>) -> core::Result<Value> {
    let declared = unwrap_optional(declared);
    match v.kind {
        ABSENT => Ok(Value::Optional(None)),
        TENSOR => {
            let element_type = ElementType::from_onnx(v.element_type.unwrap_or(0))?;
            let shape = v.shape.unwrap_or_default();
            if element_type == ElementType::String {
                return Ok(Value::Tensor(core::Tensor::from_strings(&shape, &v.strings.unwrap_or_default())?));
            }
            let data = v.data.ok_or_else(|| error(ErrorCode::InvalidArgument, format!("{what}: a tensor without data")))?;
            // SAFETY: `keep` holds the array (so its memory stays in place) until the run
            // is over and its tensors dropped; only the run reads it meanwhile.
            let tensor = unsafe { core::Tensor::borrow(element_type, &shape, data.as_ptr() as *mut u8, data.len()) }?;
            keep.push(data);
            Ok(Value::Tensor(tensor))
        }
        SEQUENCE => {
            let item_type = match declared {
                Some(ValueType::Sequence(item)) => Some(&**item),
                _ => None,
            };
            let items = v.items.unwrap_or_default();
            let mut values = Vec::with_capacity(items.len());
            for (i, item) in items.into_iter().enumerate() {
                values.push(to_value(item, item_type, &format!("{what} item {i}"), keep)?);
            }
            // Unchecked here: core checks the items (naming the input) when the run starts.
            Ok(Value::Sequence(values))
        }
        MAP => to_map(v.keys.unwrap_or_default(), v.values.unwrap_or_default(), declared, what),
        other => Err(error(ErrorCode::InvalidArgument, format!("{what}: unknown value kind {other}"))),
    }
}

/// A map's key tensor (string or int64, as the model declares, else as the first key is)
/// and value tensor (float, or the double / int64 the model declares).
fn to_map(keys: Vec<Either<String, BigInt>>, values: Vec<f64>, declared: Option<&ValueType>, what: &str) -> core::Result<Value> {
    let (key_type, value_type) = match declared {
        Some(ValueType::Map { key, value }) => (Some(*key), Some(value.element_type())),
        _ => (None, None),
    };
    let string_keys = match key_type {
        Some(8) => true,
        Some(_) => false,
        None => matches!(keys.first(), Some(Either::A(_)) | None),
    };
    let n = keys.len() as i64;
    let keys = if string_keys {
        let mut texts = Vec::with_capacity(keys.len());
        for (i, k) in keys.into_iter().enumerate() {
            match k {
                Either::A(s) => texts.push(s),
                Either::B(_) => return Err(error(ErrorCode::TypeMismatch, format!("{what}: map key {i} is a BigInt, but the map's keys are strings"))),
            }
        }
        core::Tensor::from_strings(&[n], &texts)?
    } else {
        let mut ints = Vec::with_capacity(keys.len());
        for (i, k) in keys.into_iter().enumerate() {
            match k {
                Either::B(b) => {
                    let (value, lossless) = b.get_i64();
                    if !lossless {
                        return Err(error(ErrorCode::InvalidArgument, format!("{what}: map key {i} does not fit in an int64")));
                    }
                    ints.push(value);
                }
                Either::A(_) => return Err(error(ErrorCode::TypeMismatch, format!("{what}: map key {i} is a string, but the map's keys are int64 (BigInt)"))),
            }
        }
        core::Tensor::copy(&[n], &ints)?
    };
    let count = values.len() as i64;
    let values = match value_type {
        Some(11) => core::Tensor::copy(&[count], &values)?,
        Some(7) => core::Tensor::copy(&[count], &values.iter().map(|&x| x as i64).collect::<Vec<i64>>())?,
        _ => core::Tensor::copy(&[count], &values.iter().map(|&x| x as f32).collect::<Vec<f32>>())?,
    };
    Ok(Value::Map(core::Map::new(keys, values)?))
}

fn tensor_out(t: &core::Tensor) -> core::Result<ValueOut> {
    let (data, strings) = if t.element_type() == ElementType::String {
        (None, Some(t.strings()?.to_vec()))
    } else {
        (Some(Uint8Array::new(t.as_bytes().to_vec())), None)
    };
    Ok(ValueOut { kind: TENSOR, element_type: t.element_type() as u32, shape: t.shape().to_vec(), count: t.element_count() as f64, data, strings, items: None })
}

/// A run's value for index.js (copied: strings and every tensor of a sequence or map).
pub fn to_js(v: &Value) -> core::Result<ValueOut> {
    let node = |kind, items| ValueOut { kind, element_type: 0, shape: Vec::new(), count: 0.0, data: None, strings: None, items: Some(items) };
    match v {
        Value::Tensor(t) => tensor_out(t),
        Value::Sequence(items) => Ok(node(SEQUENCE, items.iter().map(to_js).collect::<core::Result<_>>()?)),
        Value::Map(m) => Ok(node(MAP, vec![tensor_out(m.keys())?, tensor_out(m.values())?])),
        Value::Optional(None) => Ok(ValueOut { kind: ABSENT, element_type: 0, shape: Vec::new(), count: 0.0, data: None, strings: None, items: None }),
        Value::Optional(Some(item)) => to_js(item),
    }
}

// --- string tensors ------------------------------------------------------------

/// The strings of a string tensor of `shape` made by core from `items` (JavaScript
/// strings, or Uint8Arrays of UTF-8: INVALID_UTF8 naming the first that is not), as
/// JavaScript strings; core checks their count against the shape.
#[napi]
pub fn tensor_from_strings(shape: Vec<i64>, items: Vec<Either<String, Uint8Array>>) -> napi::Result<Vec<String>> {
    crate::guard(|| {
        let bytes: Vec<&[u8]> = items.iter().map(|i| match i {
            Either::A(s) => s.as_bytes(),
            Either::B(b) => &b[..],
        }).collect();
        Ok(core::Tensor::from_utf8(&shape, &bytes)?.strings()?.to_vec())
    })
}

/// A string tensor of empty strings (core's zeros for strings).
#[napi]
pub fn tensor_zeros_strings(shape: Vec<i64>) -> napi::Result<Vec<String>> {
    crate::guard(|| Ok(core::Tensor::zeros(ElementType::String, &shape)?.strings()?.to_vec()))
}
