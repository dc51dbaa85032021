//! Onyx core: a safe Rust API over ONNX Runtime.
//!
//! This crate knows nothing of C, Java or .NET. Everything a binding can do goes
//! through here, so every language gets the same checks, the same error codes and
//! the same answers.
//!
//! ```no_run
//! use onyx_core::{Runtime, Session, SessionOptions, Tensor};
//! # fn main() -> onyx_core::Result<()> {
//! Runtime::init(None)?; // or let the first session find ONNX Runtime itself
//! let session = Session::from_file("resnet18.onnx", &SessionOptions::default())?;
//! let pixels = vec![0f32; 3 * 224 * 224];
//! let input = Tensor::copy(&[1, 3, 224, 224], &pixels)?;
//! let outputs = session.run(&[("input", &input)], None, None)?;
//! let logits: &[f32] = outputs[0].as_slice()?;
//! # Ok(()) }
//! ```

mod async_run;
mod custom_ops;
mod element;
mod empty_sequence;
mod error;
mod model_proto;
mod operator;
mod ort_call;
mod panic;
mod platform;
mod run_options;
mod runtime;
mod session;
mod session_options;
mod shared_weights;
mod tensor;
mod value;
mod value_info;
mod value_type;
pub mod workers;

pub use async_run::{AsyncRun, RunFuture};
pub use custom_ops::CustomOpLibrary;
pub use element::{Bf16, Element, ElementType, F16};
pub use error::{check_text, Error, ErrorCode, Result};
pub use panic::{catch_panic, panic_error};
pub use operator::{AttributeKind, Kernel, KernelContext, KernelTensor, Operator, OperatorDefinition};
pub use run_options::RunOptions;
pub use runtime::{LogCallback, LogLevel, Runtime, ORT_LIBRARY_ENV, PINNED_ORT_FILE_NAME, PINNED_ORT_VERSION};
pub use session::{RunOutputs, Session, ValueIndex};
pub use session_options::{OptimizationLevel, SessionOptions};
pub use shared_weights::SharedWeights;
pub use tensor::Tensor;
pub use value::{Map, Value};
pub use value_info::{ModelMetadata, ValueInfo, ValueKind};
pub use value_type::{element_name, ValueType};
