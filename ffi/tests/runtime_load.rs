//! Loading ONNX Runtime: every failure names the file tried and what was wrong, and
//! a failed load leaves the process free to load the right file afterwards. Its own
//! test binary (so its own process): nothing else may load the runtime first.

use std::{
    ffi::{CStr, CString},
    path::PathBuf,
};

use onyx::*;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// (code, message) of loading from `path`; (0, "") on success.
fn init(path: &str) -> (u32, String) {
    let c_path = CString::new(path).unwrap();
    let status = onyx_runtime_init(c_path.as_ptr());
    let result = (onyx_status_code(status), unsafe { CStr::from_ptr(onyx_status_message(status)) }.to_string_lossy().into_owned());
    onyx_status_free(status);
    result
}

#[test]
fn failures_name_the_file_and_the_reason_then_the_right_file_loads() {
    let missing = "/nonexistent/libonnxruntime.so.1.31.1"; // any absent path
    let (code, message) = init(missing);
    assert_eq!(code, ONYX_ERROR_RUNTIME_LOAD_FAILED);
    assert!(message.contains(missing) && message.contains("no such file"), "{message}");

    let not_a_library = root().join("tests/suite/spec.txt");
    let (code, message) = init(not_a_library.to_str().unwrap());
    assert_eq!(code, ONYX_ERROR_RUNTIME_LOAD_FAILED);
    assert!(message.contains("spec.txt") && message.contains("invalid ELF header"), "{message}");

    // A real shared library that is not ONNX Runtime.
    let libc = "/lib/x86_64-linux-gnu/libc.so.6";
    if std::path::Path::new(libc).exists() {
        let (code, message) = init(libc);
        assert_eq!(code, ONYX_ERROR_RUNTIME_LOAD_FAILED);
        assert!(message.contains(libc) && message.contains("OrtGetApiBase"), "{message}");
    }

    let (code, message) = init("relative/libonnxruntime.so");
    let absolute = std::env::current_dir().unwrap().join("relative/libonnxruntime.so");
    assert_eq!(code, ONYX_ERROR_RUNTIME_LOAD_FAILED);
    assert!(message.contains(absolute.to_str().unwrap()), "a relative path is made absolute: {message}");

    // A release older than Onyx accepts (1.23): `make test-rust` fetches it. Absent, the
    // test fails ("no such file"), never passes without checking.
    let too_old = pin("ORT_TOO_OLD_VERSION");
    let old = std::env::var("ONYX_TEST_OLD_ORT_LIBRARY").unwrap_or_else(|_| {
        root().join(format!(".cache/onnxruntime/{too_old}/libonnxruntime.so.{too_old}")).to_string_lossy().into_owned()
    });
    let (code, message) = init(&old);
    assert_eq!(code, ONYX_ERROR_RUNTIME_LOAD_FAILED);
    assert!(message.contains(&old) && message.contains(&format!("found ONNX Runtime {too_old}")) && message.contains("1.23"), "{message}");

    let right = root().join(".cache/onnxruntime").join(onyx_core::PINNED_ORT_VERSION).join(onyx_core::PINNED_ORT_FILE_NAME);
    assert_eq!(init(right.to_str().unwrap()), (0, String::new()));
    assert_eq!(init(right.to_str().unwrap()).0, 0, "the same path again is fine");
    assert_eq!(onyx_status_code(onyx_runtime_init(std::ptr::null())), 0, "NULL means: whatever is loaded");

    // Another file once one is loaded: refused, naming both.
    let (code, message) = init(missing);
    assert_eq!(code, ONYX_ERROR_RUNTIME_LOAD_FAILED);
    assert!(message.contains(missing) && message.contains("already loaded"), "{message}");

    let mut version = std::ptr::null();
    assert_eq!(onyx_status_code(onyx_runtime_version(&mut version)), 0);
    assert_eq!(unsafe { CStr::from_ptr(version) }.to_str().unwrap(), pin("ORT_VERSION"));
}

/// A pin from versions.env.
fn pin(key: &str) -> String {
    let text = std::fs::read_to_string(root().join("versions.env")).unwrap();
    let prefix = format!("{key}=");
    text.lines().find_map(|l| l.strip_prefix(&prefix)).unwrap_or_else(|| panic!("versions.env has no {key}")).trim().to_string()
}
