//! Model bytes: whatever bytes reach Session::from_bytes must give a session or an
//! error, in bounded time and memory (libFuzzer's -timeout and -rss_limit_mb).
//!
//! A model that loads is introspected (inputs, outputs, metadata) and, when every
//! input is a small numeric tensor, run once on zeros (free dimensions set to 1).
//! Seeds: the suite's models and the small hostile models under fuzz/seeds/model_bytes
//! (see tests/hardening/make_seeds.py). The fuzzer runs in a scratch folder under
//! build/, since ONNX Runtime resolves a relative external-data path of a model
//! given as bytes against the working folder.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use onyx_core::{ElementType, ErrorCode, LogLevel, Runtime, Session, SessionOptions, Tensor, ValueKind};

/// Inputs larger than this many elements are not run (the point is loading).
const MAX_RUN_ELEMENTS: usize = 1 << 16;

fn options() -> &'static SessionOptions {
    static OPTIONS: OnceLock<SessionOptions> = OnceLock::new();
    OPTIONS.get_or_init(|| {
        // ONNX Runtime logs every refused model at ERROR level: keep stderr for findings.
        Runtime::set_log_level(LogLevel::Fatal);
        let mut options = SessionOptions::default();
        // One thread each: every input builds a session, and thread pools cost more than the load.
        options.set_intra_op_threads(1).expect("intra-op threads");
        options.set_inter_op_threads(1).expect("inter-op threads");
        options
    })
}

fn check<T>(result: onyx_core::Result<T>, what: &str) -> Option<T> {
    match result {
        Ok(v) => Some(v),
        Err(e) => {
            assert!(e.code() != ErrorCode::Panic, "{what}: PANIC: {}", e.message());
            assert!(!e.message().is_empty(), "{what}: empty message for {:?}", e.code());
            None
        }
    }
}

fuzz_target!(|bytes: &[u8]| {
    let Some(session) = check(Session::from_bytes(bytes, options()), "from_bytes") else { return };
    let metadata = session.metadata();
    let _ = format!("{metadata:?}").len();
    let mut inputs = Vec::new();
    for info in session.inputs() {
        let _ = (info.name.len(), info.dim_names.len(), info.onnx_element_type);
        if info.kind != ValueKind::Tensor {
            return;
        }
        let Some(element_type) = info.element_type else { return };
        let shape: Vec<i64> = info.shape.iter().map(|&d| if d < 0 { 1 } else { d }).collect();
        let count = shape.iter().try_fold(1usize, |n, &d| n.checked_mul(d as usize));
        if count.is_none_or(|n| n > MAX_RUN_ELEMENTS) {
            return;
        }
        let Some(tensor) = check(Tensor::zeros(element_type, &shape), "input tensor") else { return };
        inputs.push((info.name.clone(), tensor));
    }
    for info in session.outputs() {
        let _ = (info.name.len(), info.shape.len(), info.kind);
    }
    let named: Vec<(&str, &Tensor)> = inputs.iter().map(|(n, t)| (n.as_str(), t)).collect();
    if let Some(outputs) = check(session.run(&named, None, None), "run") {
        for t in outputs.iter() {
            assert_eq!(t.byte_length(), t.element_count() * t.element_type().size(), "output length");
            let _ = t.as_bytes().iter().fold(0u8, |a, b| a ^ b);
            // Finding F1 (docs/reliability.md, fixed): an empty output has a NULL data
            // pointer; typed reads of it must give an empty slice.
            if t.element_type() == ElementType::Float32 {
                let _ = t.as_slice::<f32>().expect("a float output reads as f32").iter().sum::<f32>();
            }
        }
    }
});
