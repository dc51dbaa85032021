use std::{
    any::Any,
    panic::{catch_unwind, AssertUnwindSafe},
};

use onyx_core::{Error, ErrorCode, Result};

/// The error a caught panic becomes, in every language (one text).
pub fn panic_error(payload: &(dyn Any + Send)) -> Error {
    let text = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "no message".into());
    Error::new(ErrorCode::Panic, format!("Onyx panicked (a bug; please report it): {text}"))
}

/// Runs `f`; a panic becomes [`panic_error`]. Nothing unwinds past a boundary.
pub fn catch<T>(f: impl FnOnce() -> Result<T>) -> Result<T> {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|payload| Err(panic_error(payload.as_ref())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_the_panic_code_with_its_text() {
        let error = catch::<()>(|| panic!("boom {}", 7)).unwrap_err();
        assert_eq!(error.code(), ErrorCode::Panic);
        assert!(error.message().ends_with(": boom 7"), "{}", error.message());
        let error = catch::<()>(|| std::panic::panic_any(42u8)).unwrap_err();
        assert!(error.message().ends_with(": no message"), "{}", error.message());
    }

    #[test]
    fn an_error_passes_through() {
        let error = catch::<()>(|| Err(Error::new(ErrorCode::ShapeMismatch, "x"))).unwrap_err();
        assert_eq!(error.code(), ErrorCode::ShapeMismatch);
    }
}
