//! What the C ABI tests share: loading ONNX Runtime and reading statuses.

use std::{
    ffi::{CStr, CString},
    path::PathBuf,
};

use onyx::*;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

pub fn init() {
    let path = std::env::var(onyx_core::ORT_LIBRARY_ENV)
        .map(PathBuf::from)
        .unwrap_or_else(|_| root().join(".cache/onnxruntime").join(onyx_core::PINNED_ORT_VERSION).join(onyx_core::PINNED_ORT_FILE_NAME));
    let path = CString::new(path.to_str().unwrap()).unwrap();
    assert!(onyx_runtime_init(path.as_ptr()).is_null());
}

/// (code, message) of a status, freeing it; (0, "") for success.
pub fn outcome(status: *mut onyx_status) -> (u32, String) {
    let result = (onyx_status_code(status), unsafe { CStr::from_ptr(onyx_status_message(status)) }.to_string_lossy().into_owned());
    onyx_status_free(status);
    result
}
