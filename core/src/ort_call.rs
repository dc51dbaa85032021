//! Calls into ONNX Runtime's C API for what `ort` does not expose the way Onyx needs
//! (concurrent runs on one session, tensors over caller memory, caller-owned outputs).

use std::ffi::CStr;

use crate::{Error, ErrorCode, Result};

pub(crate) fn api() -> &'static ort_sys::OrtApi {
    ort::api()
}

/// Turns an ORT status into an Onyx error with the given code, freeing the status.
pub(crate) fn check(status: ort_sys::OrtStatusPtr, code: ErrorCode, context: &str) -> Result<()> {
    check_by(status, |_| code, context)
}

/// As [`check`], with the code chosen from ONNX Runtime's own error code.
pub(crate) fn check_by(status: ort_sys::OrtStatusPtr, code: impl FnOnce(ort_sys::OrtErrorCode) -> ErrorCode, context: &str) -> Result<()> {
    if status.0.is_null() {
        return Ok(());
    }
    let (ort_code, message) = unsafe {
        let ort_code = (api().GetErrorCode)(status.0);
        let text = CStr::from_ptr((api().GetErrorMessage)(status.0)).to_string_lossy().into_owned();
        (api().ReleaseStatus)(status.0);
        (ort_code, text)
    };
    Err(Error::new(code(ort_code), format!("{context}: {}", runtime_text(&message))))
}

/// Maps an `ort` error to Onyx, keeping ORT's text after Onyx's own context.
pub(crate) fn from_ort<R>(code: ErrorCode, context: &str, error: ort::Error<R>) -> Error {
    Error::new(code, format!("{context}: {}", runtime_text(error.message())))
}

/// ONNX Runtime's text without what only its own developers need: the C++ source
/// location and function signature it puts before the cause
/// (`/onnxruntime_src/.../model.cc:256 onnxruntime::Model::Model(...) Unsupported ...`),
/// and its "Load model from <path> failed:" (Onyx's context already names the model),
/// which pushed the cause hundreds of characters back.
pub(crate) fn runtime_text(message: &str) -> String {
    let mut text = message.trim().to_string();
    if let Some(rest) = text.strip_prefix("Load model from ") {
        if let Some(at) = rest.find(" failed:") {
            text = rest[at + " failed:".len()..].trim_start().to_string();
        }
    }
    while let Some((start, end)) = source_frame(&text) {
        text.replace_range(start..end, "");
    }
    text.trim().to_string()
}

/// The byte range of a `path.cc:123 signature(...) ` frame in `text`, if it has one.
fn source_frame(text: &str) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    // The location: a token ending in .cc/.h/.cpp, a colon and a line number.
    let mut location_end = None;
    for ext in [".cc:", ".h:", ".cpp:"] {
        let mut from = 0;
        while let Some(at) = text[from..].find(ext).map(|i| i + from) {
            let digits = text[at + ext.len()..].bytes().take_while(u8::is_ascii_digit).count();
            if digits > 0 {
                let start = text[..at].rfind(|c: char| c.is_whitespace() || c == ':').map_or(0, |i| i + 1);
                let end = at + ext.len() + digits;
                if location_end.is_none_or(|(s, _)| start < s) {
                    location_end = Some((start, end));
                }
                break;
            }
            from = at + ext.len();
        }
    }
    let (start, mut end) = location_end?;
    // The signature: up to the `)` that closes its parameter list, then " const". Only a
    // qualified C++ name (with `::`) before the `(` is one; a cause's own brackets stay.
    let is_signature = text[end..].find('(').is_some_and(|open| text[end..end + open].contains("::"));
    let mut depth = if is_signature { 0i32 } else { i32::MIN / 2 };
    let mut closed = None;
    for (i, &b) in bytes.iter().enumerate().skip(end) {
        match b {
            b'(' => depth += 1,
            b')' => {
                depth -= 1;
                if depth == 0 {
                    closed = Some(i + 1);
                    break;
                }
            }
            _ => {}
        }
    }
    if let Some(after) = closed {
        end = after;
        if text[end..].starts_with(" const") {
            end += " const".len();
        }
    }
    while end < bytes.len() && bytes[end] == b' ' {
        end += 1;
    }
    Some((start, end))
}

#[cfg(test)]
mod tests {
    use super::runtime_text;

    #[test]
    fn source_locations_and_the_repeated_path_are_dropped() {
        let ort = "Load model from /m/future_ir.onnx failed:/onnxruntime_src/onnxruntime/core/graph/model.cc:256 onnxruntime::Model::Model(onnx::ModelProto&&, const onnxruntime::PathString&, const onnxruntime::logging::Logger&) Unsupported model IR version: 99, max supported IR version: 13";
        assert_eq!(runtime_text(ort), "Unsupported model IR version: 99, max supported IR version: 13");
        let ort = "Exception during initialization: /onnxruntime_src/onnxruntime/core/common/safeint.h:17 static void SafeIntExceptionHandler<onnxruntime::OnnxRuntimeException>::SafeIntOnOverflow() Integer overflow";
        assert_eq!(runtime_text(ort), "Exception during initialization: Integer overflow");
        let ort = "External data path validation failed for initializer: w. Error: tensorprotoutils.cc:434 ValidateExternalDataPathFromDir Absolute path not allowed";
        assert_eq!(runtime_text(ort), "External data path validation failed for initializer: w. Error: ValidateExternalDataPathFromDir Absolute path not allowed");
        assert_eq!(runtime_text("Got invalid dimensions for input: x"), "Got invalid dimensions for input: x");
        let ort = "tensorprotoutils.cc:434 ValidatePath Absolute path (here: /etc/x) not allowed";
        assert_eq!(runtime_text(ort), "ValidatePath Absolute path (here: /etc/x) not allowed");
    }
}
