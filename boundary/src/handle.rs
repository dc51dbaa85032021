//! A handle is a `Box<T>` behind a raw pointer (a C pointer, or a Java `long`).
//! The caller of these functions owns the contract the pointer came with.

use onyx_core::{Error, ErrorCode, Result};

/// Moves `value` to the heap and returns the handle that owns it.
pub fn into_raw<T>(value: T) -> *mut T {
    Box::into_raw(Box::new(value))
}

/// # Safety
/// `handle` is NULL or came from [`into_raw::<T>`] and is not freed yet.
pub unsafe fn borrow<'a, T>(handle: *const T, what: &str) -> Result<&'a T> {
    unsafe { handle.as_ref() }.ok_or_else(|| Error::new(ErrorCode::NullPointer, format!("{what} is NULL")))
}

/// # Safety
/// As [`borrow`], and nobody else uses the object during the call.
pub unsafe fn borrow_mut<'a, T>(handle: *mut T, what: &str) -> Result<&'a mut T> {
    unsafe { handle.as_mut() }.ok_or_else(|| Error::new(ErrorCode::NullPointer, format!("{what} is NULL")))
}

/// Frees what `handle` owns; NULL does nothing. Returns whether something was freed.
///
/// # Safety
/// As [`borrow`]; the handle is not used again.
pub unsafe fn free<T>(handle: *mut T) -> bool {
    if handle.is_null() {
        return false;
    }
    drop(unsafe { Box::from_raw(handle) });
    true
}

/// Takes back a handle whose owner gave it away (a function documented to take
/// ownership): the value, or None for NULL.
///
/// # Safety
/// `handle` is NULL or came from [`into_raw::<T>`], is not freed yet, and is not used
/// by the caller again.
pub unsafe fn take<T>(handle: *mut T) -> Option<T> {
    (!handle.is_null()).then(|| *unsafe { Box::from_raw(handle) })
}
