//! What every native boundary of Onyx does the same way: the C ABI (`ffi/`), the
//! JNI crate and every later native binding. Rules about models and values live in
//! onyx-core; this crate holds only what is about crossing a boundary.

mod aliasing;
mod handle;

pub use aliasing::check_no_aliasing;
pub use handle::{borrow, borrow_mut, free, into_raw, take};
/// Panics are caught by core's one function (core's worker threads catch them too).
pub use onyx_core::{catch_panic as catch, panic_error};
