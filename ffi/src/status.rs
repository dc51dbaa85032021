//! Statuses, and the guard every export runs in.

use std::{
    ffi::{c_char, CStr, CString},
    fmt::Display,
    panic::{catch_unwind, AssertUnwindSafe},
    sync::OnceLock,
};

use onyx_core::{Error, ErrorCode, Result};

/// The outcome of a failed call: an error code and a message. NULL means success.
pub struct onyx_status {
    code: u32,
    message: CString,
}

impl onyx_status {
    fn boxed(error: Error) -> *mut onyx_status {
        // Messages are built by Onyx from UTF-8 text; a NUL inside would only cut it short.
        let message = CString::new(error.message().replace('\0', " ")).unwrap_or_default();
        onyx_boundary::into_raw(onyx_status { code: error.code() as u32, message })
    }
}

/// The error a status returned to Onyx carries (a kernel's), freeing the status. An
/// unknown code becomes ONYX_ERROR_KERNEL_FAILED.
pub(crate) unsafe fn take_status(status: *mut onyx_status) -> Error {
    let status = unsafe { Box::from_raw(status) };
    let code = ErrorCode::from_u32(status.code).unwrap_or(ErrorCode::KernelFailed);
    Error::new(code, status.message.to_string_lossy().into_owned())
}

/// Makes a status, for a callback to return to Onyx (an operator kernel's failure):
/// `code` (ONYX_ERROR_*; 0 or an unknown one is ONYX_ERROR_KERNEL_FAILED) and `message`
/// (UTF-8, copied; NULL or invalid UTF-8 is replaced by a note saying so). The receiver
/// frees it; never returns NULL.
#[no_mangle]
pub extern "C" fn onyx_status_create(code: u32, message: *const c_char) -> *mut onyx_status {
    guard_value(std::ptr::null_mut(), || {
        let code = ErrorCode::from_u32(code).unwrap_or(ErrorCode::KernelFailed);
        let message = match utf8(message, "message") {
            Ok(text) => text.to_string(),
            Err(e) => format!("(the status's {})", e.message()),
        };
        onyx_status::boxed(Error::new(code, message))
    })
}

/// A status the receiver owns, for an error delivered to a callback.
pub(crate) fn boxed_status(error: Error) -> *mut onyx_status {
    onyx_status::boxed(error)
}

/// Runs `f`, turning its error or panic into a status. Every fallible export goes
/// through here, so no panic crosses the C boundary.
pub(crate) fn guard(f: impl FnOnce() -> Result<()>) -> *mut onyx_status {
    match onyx_boundary::catch(f) {
        Ok(()) => std::ptr::null_mut(),
        Err(error) => onyx_status::boxed(error),
    }
}

/// For infallible accessors: runs `f`, returning `fallback` if it panics.
pub(crate) fn guard_value<T>(fallback: T, f: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or(fallback)
}

// Argument names are `impl Display` so callers can pass `format_args!` and pay for
// formatting only when the call fails (runs are on the hot path).

/// A required pointer argument, or a NULL_POINTER error naming it.
pub(crate) fn non_null<'a, T>(ptr: *const T, what: impl Display) -> Result<&'a T> {
    // Formatting only on failure: `what` is often `format_args!` on the run path.
    unsafe { ptr.as_ref() }.ok_or_else(|| Error::new(ErrorCode::NullPointer, format!("{what} is NULL")))
}

pub(crate) fn non_null_mut<'a, T>(ptr: *mut T, what: impl Display) -> Result<&'a mut T> {
    unsafe { ptr.as_mut() }.ok_or_else(|| Error::new(ErrorCode::NullPointer, format!("{what} is NULL")))
}

/// Frees a handle made with `onyx_boundary::into_raw`; NULL does nothing. Every
/// `onyx_*_free` is this one call, and none may panic across the boundary.
pub(crate) fn free_handle<T>(handle: *mut T) {
    let _ = catch_unwind(AssertUnwindSafe(|| unsafe { onyx_boundary::free(handle) }));
}

/// A required NUL-terminated UTF-8 string argument.
pub(crate) fn utf8<'a>(ptr: *const c_char, what: impl Display) -> Result<&'a str> {
    if ptr.is_null() {
        return Err(Error::new(ErrorCode::NullPointer, format!("{what} is NULL")));
    }
    let bytes = unsafe { CStr::from_ptr(ptr) }.to_bytes();
    std::str::from_utf8(bytes).map_err(|e| {
        Error::new(ErrorCode::InvalidUtf8, format!("{what} is not valid UTF-8 (invalid byte at offset {})", e.valid_up_to()))
    })
}

/// A `(pointer, count)` array argument; NULL is fine when `count` is 0.
pub(crate) fn array<'a, T>(ptr: *const T, count: usize, what: impl Display) -> Result<&'a [T]> {
    if count == 0 {
        return Ok(&[]);
    }
    if ptr.is_null() {
        return Err(Error::new(ErrorCode::NullPointer, format!("{what} is NULL but its count is {count}")));
    }
    Ok(unsafe { std::slice::from_raw_parts(ptr, count) })
}

/// Writes `value` through a required out-parameter. Call it last, after everything
/// that can fail, so a failing call leaves out-parameters untouched.
pub(crate) fn write_out<T>(out: *mut T, value: T) {
    unsafe { out.write(value) };
}

pub(crate) fn check_out<T>(out: *mut T, what: impl Display) -> Result<()> {
    if out.is_null() {
        return Err(Error::new(ErrorCode::NullPointer, format!("{what} is NULL")));
    }
    Ok(())
}

/// The status's error code (one of ONYX_ERROR_*); 0 for a NULL status (success).
///
/// Thread safety: a status may be read from any thread.
#[no_mangle]
pub extern "C" fn onyx_status_code(status: *const onyx_status) -> u32 {
    unsafe { status.as_ref() }.map_or(0, |s| s.code)
}

/// The status's message, UTF-8. Borrowed: valid until `onyx_status_free(status)`.
/// Returns "" for a NULL status.
#[no_mangle]
pub extern "C" fn onyx_status_message(status: *const onyx_status) -> *const c_char {
    unsafe { status.as_ref() }.map_or(c"".as_ptr(), |s| s.message.as_ptr())
}

/// Frees a status. NULL is allowed and does nothing.
#[no_mangle]
pub extern "C" fn onyx_status_free(status: *mut onyx_status) {
    free_handle(status)
}

/// The stable name of an error code ("SHAPE_MISMATCH", ...), or "UNKNOWN" for a
/// value this version of Onyx does not define. Static storage: never free it.
#[no_mangle]
pub extern "C" fn onyx_error_code_name(code: u32) -> *const c_char {
    static NAMES: OnceLock<Vec<(u32, CString)>> = OnceLock::new();
    let names = NAMES.get_or_init(|| ErrorCode::ALL.iter().map(|c| (*c as u32, CString::new(c.name()).unwrap_or_default())).collect());
    names.iter().find(|(value, _)| *value == code).map_or(c"UNKNOWN".as_ptr(), |(_, name)| name.as_ptr())
}

/// Checks text that a wrapper is about to pass as a C string: `length` bytes of UTF-8
/// at `text` (not NUL-terminated; it may hold NUL). ONYX_ERROR_INVALID_ARGUMENT when it
/// holds a NUL character, which every C string would silently cut it at;
/// ONYX_ERROR_INVALID_UTF8 when it is not UTF-8. `what` names it in the message
/// ("input name", "model path"). For wrappers whose strings can hold NUL (C++
/// `std::string`, .NET `string`); NULL when the text is fine.
#[no_mangle]
pub extern "C" fn onyx_text_check(text: *const c_char, length: usize, what: *const c_char) -> *mut onyx_status {
    guard(|| {
        let what = utf8(what, "what")?;
        let bytes = array(text.cast::<u8>(), length, "text")?;
        let text = std::str::from_utf8(bytes)
            .map_err(|e| Error::new(ErrorCode::InvalidUtf8, format!("{what} is not valid UTF-8 (invalid byte at offset {})", e.valid_up_to())))?;
        onyx_core::check_text(what, text)
    })
}
