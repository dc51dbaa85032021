//! Facts about element types and the half-precision conversions, from core, so
//! that no binding keeps its own copy of a rule.

use std::ffi::{c_char, CString};
use std::sync::OnceLock;

use onyx_core::{Bf16, ElementType, F16};

use crate::status::guard_value;

/// Size in bytes of one element of ONNX type `element_type` (ONYX_ELEMENT_*);
/// 0 for a number Onyx does not support.
#[no_mangle]
pub extern "C" fn onyx_element_type_size(element_type: u32) -> usize {
    ElementType::from_onnx(element_type).map_or(0, |t| t.size())
}

/// ONNX's name of element type `element_type` ("float", "int64", ...), or
/// "unknown". Static storage: never free it.
#[no_mangle]
pub extern "C" fn onyx_element_type_name(element_type: u32) -> *const c_char {
    static NAMES: OnceLock<Vec<(u32, CString)>> = OnceLock::new();
    guard_value(c"unknown".as_ptr(), || {
        let names = NAMES.get_or_init(|| ElementType::ALL.iter().map(|t| (*t as u32, CString::new(t.name()).unwrap_or_default())).collect());
        names.iter().find(|(n, _)| *n == element_type).map_or(c"unknown".as_ptr(), |(_, name)| name.as_ptr())
    })
}

/// The bfloat16 nearest to `value` (ties to even, as ONNX Runtime rounds), as bits.
/// NaN stays NaN.
#[no_mangle]
pub extern "C" fn onyx_bfloat16_from_float32(value: f32) -> u16 {
    Bf16::from_f32(value).0
}

/// The float that bfloat16 `bits` stand for (exact).
#[no_mangle]
pub extern "C" fn onyx_bfloat16_to_float32(bits: u16) -> f32 {
    Bf16(bits).to_f32()
}

/// The IEEE half-precision value nearest to `value` (ties to even), as bits.
/// NaN stays NaN; magnitudes from 65520 up become infinity.
#[no_mangle]
pub extern "C" fn onyx_float16_from_float32(value: f32) -> u16 {
    F16::from_f32(value).0
}

/// The float that float16 `bits` stand for (exact).
#[no_mangle]
pub extern "C" fn onyx_float16_to_float32(bits: u16) -> f32 {
    F16(bits).to_f32()
}
