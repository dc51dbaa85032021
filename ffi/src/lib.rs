//! The stable C ABI of Onyx. cbindgen turns this crate into `include/onyx.h`.
//!
//! This layer is thin on purpose: it checks arguments (NULL, UTF-8, lengths),
//! converts handles and buffers, catches panics and turns `onyx_core::Error` into
//! an `onyx_status`. Everything else lives in `onyx-core`.
#![allow(non_camel_case_types)]
#![allow(clippy::missing_safety_doc)]
// These functions are the C ABI: C callers have no `unsafe`, and every pointer is
// checked for NULL (and strings for UTF-8) before use; what cannot be checked
// (lifetimes, lengths) is the contract written in the header.
#![allow(clippy::not_unsafe_ptr_arg_deref)]

// Declared in the order the header presents them.
mod constants;
mod element;
mod status;
mod runtime;
mod session_options;
mod session;
mod tensor;
mod run;
mod value;
mod async_run;
mod operator;

pub use constants::*;
pub use element::*;
pub use async_run::*;
pub use operator::*;
pub use run::*;
pub use runtime::*;
pub use session::*;
pub use session_options::*;
pub use status::*;
pub use tensor::*;
pub use value::*;
