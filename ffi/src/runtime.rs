use std::{
    ffi::{c_char, c_void, CString},
    path::Path,
    sync::{Arc, OnceLock},
};

use onyx_core::{LogLevel, Runtime};

use crate::status::{check_out, guard, utf8, write_out, onyx_status};

/// Loads ONNX Runtime. `ort_library_path` (absolute, or relative to the current
/// folder) wins; when NULL, Onyx tries the ONYX_ORT_LIBRARY environment variable,
/// then `libonnxruntime.so.1.31.1` in the folder that holds libonyx.so.
///
/// Optional: the first call that needs the runtime loads it by that lookup. Once
/// loaded, the runtime stays for the life of the process; calling again with NULL
/// or the same path succeeds, another path fails with ONYX_ERROR_RUNTIME_LOAD_FAILED.
/// A missing file, a file that is not ONNX Runtime, or a version older than 1.23
/// fails with ONYX_ERROR_RUNTIME_LOAD_FAILED and a message naming the path tried.
///
/// Thread safety: may be called from any thread; concurrent calls are serialised.
#[no_mangle]
pub extern "C" fn onyx_runtime_init(ort_library_path: *const c_char) -> *mut onyx_status {
    guard(|| {
        let path = if ort_library_path.is_null() { None } else { Some(utf8(ort_library_path, "ort_library_path")?) };
        Runtime::init(path.map(Path::new)).map(|_| ())
    })
}

struct RuntimeStrings {
    version: CString,
    path: CString,
}

fn runtime_strings() -> onyx_core::Result<&'static RuntimeStrings> {
    static STRINGS: OnceLock<RuntimeStrings> = OnceLock::new();
    if let Some(strings) = STRINGS.get() {
        return Ok(strings);
    }
    let runtime = Runtime::get()?;
    Ok(STRINGS.get_or_init(|| RuntimeStrings {
        version: CString::new(runtime.version()).unwrap_or_default(),
        path: CString::new(runtime.path().to_string_lossy().as_bytes()).unwrap_or_default(),
    }))
}

/// The loaded ONNX Runtime's version ("1.31.1"), loading it by the default lookup
/// if needed. `*out` has static storage: never free it.
#[no_mangle]
pub extern "C" fn onyx_runtime_version(out: *mut *const c_char) -> *mut onyx_status {
    guard(|| {
        check_out(out, "out")?;
        let strings = runtime_strings()?;
        write_out(out, strings.version.as_ptr());
        Ok(())
    })
}

/// Absolute path of the ONNX Runtime library loaded, loading it by the default
/// lookup if needed. `*out` has static storage: never free it.
#[no_mangle]
pub extern "C" fn onyx_runtime_path(out: *mut *const c_char) -> *mut onyx_status {
    guard(|| {
        check_out(out, "out")?;
        let strings = runtime_strings()?;
        write_out(out, strings.path.as_ptr());
        Ok(())
    })
}

/// Sets which of ONNX Runtime's own log lines reach stderr: ONYX_LOG_* (default
/// ONYX_LOG_WARNING). Lines carry no colour codes. Any thread, any time.
#[no_mangle]
pub extern "C" fn onyx_set_log_level(level: u32) -> *mut onyx_status {
    guard(|| {
        Runtime::set_log_level(LogLevel::from_u32(level)?);
        Ok(())
    })
}

/// Receives a log line instead of stderr: `level` (ONYX_LOG_*), `category` (ONNX
/// Runtime's, or "onyx" for Onyx's own lines) and `message`, both borrowed for the
/// call. Called on any thread, ONNX Runtime's included, possibly on several at once.
pub type onyx_log_callback = Option<unsafe extern "C" fn(user_data: *mut c_void, level: u32, category: *const c_char, message: *const c_char)>;

struct LogTarget(*mut c_void);
// SAFETY: the caller hands `user_data` over for calls on any thread (the contract above).
unsafe impl Send for LogTarget {}
unsafe impl Sync for LogTarget {}

/// Sends the log lines the level lets through (onyx_set_log_level) to `callback`
/// instead of stderr; NULL goes back to stderr. When this returns, the callback it
/// replaced is not running and will not be called again, so its `user_data` may be
/// freed. The callback must not call this function (ONYX_ERROR_INVALID_ARGUMENT); a
/// line Onyx logs while the callback runs on that thread is dropped.
#[no_mangle]
pub extern "C" fn onyx_set_log_callback(callback: onyx_log_callback, user_data: *mut c_void) -> *mut onyx_status {
    guard(|| {
        let Some(callback) = callback else { return Runtime::set_log_callback(None) };
        let target = LogTarget(user_data);
        Runtime::set_log_callback(Some(Arc::new(move |level: LogLevel, category: &str, message: &str| {
            let (category, message) = (c_text(category), c_text(message));
            let target = &target; // the whole wrapper, which is Send, not its raw field
            unsafe { callback(target.0, level as u32, category.as_ptr(), message.as_ptr()) };
        })))
    })
}

/// Log text as C text (a NUL inside would only cut it short).
fn c_text(text: &str) -> CString {
    CString::new(text.replace('\0', " ")).unwrap_or_default()
}
