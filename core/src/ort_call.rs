//! Calls into ONNX Runtime's C API for what `ort` does not expose the way Onyx needs
//! (concurrent runs on one session, tensors over caller memory, caller-owned outputs).

use std::ffi::CStr;

use crate::{Error, ErrorCode, Result};

pub(crate) fn api() -> &'static ort_sys::OrtApi {
    ort::api()
}

/// Turns an ORT status into an Onyx error with the given code, freeing the status.
pub(crate) fn check(status: ort_sys::OrtStatusPtr, code: ErrorCode, context: &str) -> Result<()> {
    if status.0.is_null() {
        return Ok(());
    }
    let message = unsafe {
        let text = CStr::from_ptr((api().GetErrorMessage)(status.0)).to_string_lossy().into_owned();
        (api().ReleaseStatus)(status.0);
        text
    };
    Err(Error::new(code, format!("{context}: {message}")))
}

/// Maps an `ort` error to Onyx, keeping ORT's text after Onyx's own context.
pub(crate) fn from_ort<R>(code: ErrorCode, context: &str, error: ort::Error<R>) -> Error {
    Error::new(code, format!("{context}: {}", error.message()))
}
