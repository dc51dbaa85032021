use std::{
    any::Any,
    cell::{Cell, RefCell},
    panic::{catch_unwind, AssertUnwindSafe},
    sync::Once,
};

use crate::{Error, ErrorCode, Result};

thread_local! {
    /// How many `catch` calls this thread is inside.
    static CATCHING: Cell<u32> = const { Cell::new(0) };
    /// Where the last caught panic on this thread happened.
    static LOCATION: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// The error a caught panic becomes, in every language (one text).
pub fn panic_error(payload: &(dyn Any + Send)) -> Error {
    Error::new(ErrorCode::Panic, format!("Onyx panicked (a bug; please report it): {}", panic_text(payload)))
}

/// A panic's message and, when the hook saw it, where it happened.
fn panic_text(payload: &(dyn Any + Send)) -> String {
    let text = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "no message".into());
    let at = LOCATION.with(|l| l.borrow_mut().take()).map(|l| format!(" (at {l})")).unwrap_or_default();
    format!("{text}{at}")
}

/// A panic that a `catch` will turn into an error is reported through that error, not
/// printed on the host's stderr; any other panic goes to the hook that was there before.
/// Each boundary library has its own copy of std, so this hook is that library's alone.
fn quiet_caught_panics() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if CATCHING.with(Cell::get) > 0 {
                let at = info.location().map(|l| format!("{}:{}", l.file(), l.line()));
                LOCATION.with(|l| *l.borrow_mut() = at);
            } else {
                previous(info);
            }
        }));
    });
}

/// Runs `f`; a panic becomes [`panic_error`]. Nothing unwinds past a boundary (a
/// binding's entry point, or one of core's worker threads).
pub fn catch_panic<T>(f: impl FnOnce() -> Result<T>) -> Result<T> {
    catch_quietly(f).unwrap_or_else(|payload| Err(panic_error(payload.as_ref())))
}

/// Runs `f`, turning a panic into the panic's text ("message (at file:line)") without
/// printing it: for code that is not Onyx's own (a host-language kernel's), whose panic
/// is not an Onyx bug.
pub(crate) fn catch_panic_text<T>(f: impl FnOnce() -> T) -> std::result::Result<T, String> {
    catch_quietly(f).map_err(|payload| panic_text(payload.as_ref()))
}

fn catch_quietly<T>(f: impl FnOnce() -> T) -> std::thread::Result<T> {
    quiet_caught_panics();
    CATCHING.with(|c| c.set(c.get() + 1));
    let result = catch_unwind(AssertUnwindSafe(f));
    CATCHING.with(|c| c.set(c.get() - 1));
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_the_panic_code_with_its_text() {
        let error = catch_panic::<()>(|| panic!("boom {}", 7)).unwrap_err();
        assert_eq!(error.code(), ErrorCode::Panic);
        assert!(error.message().contains(": boom 7 (at core/src/panic.rs:"), "{}", error.message());
        let error = catch_panic::<()>(|| std::panic::panic_any(42u8)).unwrap_err();
        assert!(error.message().contains(": no message (at "), "{}", error.message());
    }

    #[test]
    fn an_error_passes_through() {
        let error = catch_panic::<()>(|| Err(Error::new(ErrorCode::ShapeMismatch, "x"))).unwrap_err();
        assert_eq!(error.code(), ErrorCode::ShapeMismatch);
    }
}
