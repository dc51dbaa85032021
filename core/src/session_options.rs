use crate::{Error, ErrorCode, Result};

/// How much ONNX Runtime rewrites the graph before running it.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OptimizationLevel {
    Disabled = 0,
    Basic = 1,
    Extended = 2,
    #[default]
    All = 99,
}

impl OptimizationLevel {
    pub fn from_u32(value: u32) -> Result<OptimizationLevel> {
        [Self::Disabled, Self::Basic, Self::Extended, Self::All]
            .into_iter()
            .find(|l| *l as u32 == value)
            .ok_or_else(|| Error::new(ErrorCode::InvalidArgument, format!("optimization level {value} is not one of 0, 1, 2, 99")))
    }

    pub(crate) fn to_ort(self) -> ort::session::builder::GraphOptimizationLevel {
        use ort::session::builder::GraphOptimizationLevel as G;
        match self {
            Self::Disabled => G::Disable,
            Self::Basic => G::Level1,
            Self::Extended => G::Level2,
            Self::All => G::All,
        }
    }
}

/// Options a session is created with. Plain data: cheap to clone, read once when a
/// session is created, and not used by the session afterwards.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SessionOptions {
    /// Threads inside one operator; 0 lets ONNX Runtime choose (one per core).
    pub intra_op_threads: usize,
    /// Threads across operators; 0 lets ONNX Runtime choose.
    pub inter_op_threads: usize,
    pub optimization_level: OptimizationLevel,
    /// Execution providers to try, in order of preference ("XNNPACK", "CUDA", ...).
    /// The CPU provider is always last and needs no entry.
    pub execution_providers: Vec<String>,
    /// When false (the default), a listed provider that cannot be registered is an
    /// error; when true, Onyx logs a warning and goes on without it.
    pub allow_provider_fallback: bool,
    /// Ask kernels for bit-reproducible results where they have a choice.
    pub deterministic_compute: bool,
    /// Raw ONNX Runtime session config entries (key, value).
    pub config_entries: Vec<(String, String)>,
}

impl SessionOptions {
    pub fn new() -> Self {
        Self::default()
    }
}
