use std::path::Path;
use std::sync::Arc;

use crate::{CustomOpLibrary, Error, ErrorCode, Result, SharedWeights};

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
    intra_op_threads: usize,
    inter_op_threads: usize,
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
    /// Custom-operator libraries, opened when added (see `add_custom_op_library`).
    custom_op_libraries: Vec<Arc<CustomOpLibrary>>,
    /// Operators with host-language kernels (see `add_operator`).
    operators: Vec<Arc<crate::Operator>>,
    /// Free dimensions fixed by name (`batch` = 1), see `add_free_dimension_override`.
    free_dimension_overrides: Vec<(String, i64)>,
    /// Where ONNX Runtime writes its profile, when profiling is on (see `enable_profiling`).
    profiling_prefix: Option<std::path::PathBuf>,
    /// ONNX Runtime's CPU memory arena and memory-pattern planning, both on by default
    /// (stored negated so `Default` is ONNX Runtime's default).
    no_cpu_memory_arena: bool,
    no_memory_pattern: bool,
    /// External-data files the caller supplied in memory: (file name as the model's
    /// `location` names it, its bytes). Shared, so cloning options copies no weights.
    external_data: Vec<(String, Arc<Vec<u8>>)>,
    /// Lets a model loaded from a path read external data outside its own folder.
    external_data_outside_model_folder: bool,
    /// The group whose sessions share each model's weights (see `set_shared_weights`).
    shared_weights: Option<SharedWeights>,
}

impl SessionOptions {
    pub fn new() -> Self {
        Self::default()
    }

    /// Threads inside one operator; 0 lets ONNX Runtime choose (one per core).
    /// Negative counts are `INVALID_ARGUMENT`.
    pub fn set_intra_op_threads(&mut self, threads: i64) -> Result<()> {
        self.intra_op_threads = thread_count("intra_op_threads", threads)?;
        Ok(())
    }

    /// Threads across operators; 0 lets ONNX Runtime choose.
    pub fn set_inter_op_threads(&mut self, threads: i64) -> Result<()> {
        self.inter_op_threads = thread_count("inter_op_threads", threads)?;
        Ok(())
    }

    /// Adds an execution provider to try, after those added before ("XNNPACK", ...).
    pub fn append_execution_provider(&mut self, name: &str) {
        self.execution_providers.push(name.to_string());
    }

    /// Adds a raw ONNX Runtime session config entry; ONNX Runtime checks it when the
    /// session is created.
    pub fn add_config_entry(&mut self, key: &str, value: &str) {
        self.config_entries.push((key.to_string(), value.to_string()));
    }

    /// Adds a custom-operator library (a shared library exporting ONNX Runtime's
    /// `RegisterCustomOps`); several may be added. It is opened now, so a path that is
    /// missing, not a shared library, or without `RegisterCustomOps` is INVALID_ARGUMENT
    /// naming the path and the reason; it stays loaded until the process exits.
    pub fn add_custom_op_library(&mut self, path: impl AsRef<Path>) -> Result<()> {
        let library = CustomOpLibrary::open(path.as_ref())?;
        // ONNX Runtime refuses a library's domain registered twice ("Domain already set in
        // registry"): adding the same library again is a no-op.
        if !self.custom_op_libraries.iter().any(|l| l.path() == library.path()) {
            self.custom_op_libraries.push(library);
        }
        Ok(())
    }

    /// Adds an operator whose kernel is host-language code (see `Operator`); sessions
    /// made with these options keep it alive. Adding the same operator again is a
    /// no-op; another operator with the same domain and name is INVALID_ARGUMENT. Its
    /// domain must not also come from a custom-op library (ONNX Runtime takes one
    /// registration per domain).
    pub fn add_operator(&mut self, operator: &Arc<crate::Operator>) -> Result<()> {
        if self.operators.iter().any(|o| Arc::ptr_eq(o, operator)) {
            return Ok(());
        }
        if self.operators.iter().any(|o| o.domain() == operator.domain() && o.name() == operator.name()) {
            return Err(Error::new(
                ErrorCode::InvalidArgument,
                format!("another operator {}::{} was already added to these options", operator.domain(), operator.name()),
            ));
        }
        self.operators.push(operator.clone());
        Ok(())
    }

    pub fn operators(&self) -> &[Arc<crate::Operator>] {
        &self.operators
    }

    /// Fixes the model's free dimension `name` (a `dim_param`, e.g. `batch`) to `value`
    /// in every input and output that has it: the session then reports that value in its
    /// shapes, and a run with another one is SHAPE_MISMATCH. A negative value is
    /// INVALID_ARGUMENT; a name the model does not use is ignored, as in ONNX Runtime.
    pub fn add_free_dimension_override(&mut self, name: &str, value: i64) -> Result<()> {
        crate::check_text("free dimension name", name)?;
        if value < 0 {
            return Err(Error::new(ErrorCode::InvalidArgument, format!("free dimension '{name}' cannot be fixed to {value}: dimensions are 0 or more")));
        }
        self.free_dimension_overrides.retain(|(n, _)| n != name);
        self.free_dimension_overrides.push((name.to_string(), value));
        Ok(())
    }

    /// Has ONNX Runtime profile every run of sessions made with these options, into a
    /// JSON file (Chrome's trace format) whose name starts with `prefix` (a path, with
    /// or without folders); `Session::end_profiling` ends it and gives the file's path.
    pub fn enable_profiling(&mut self, prefix: impl AsRef<Path>) -> Result<()> {
        let prefix = prefix.as_ref();
        crate::check_text("profiling prefix", &prefix.to_string_lossy())?;
        if prefix.as_os_str().is_empty() {
            return Err(Error::new(ErrorCode::InvalidArgument, "the profiling prefix is empty"));
        }
        self.profiling_prefix = Some(prefix.to_path_buf());
        Ok(())
    }

    /// Supplies an external-data file from memory: a model whose initializers name
    /// `file_name` as their `location` reads them from `bytes` instead of the disk
    /// (loaded from a path or from bytes alike). Adding a name again replaces it. The
    /// bytes are shared, not copied, and kept as long as sessions made with them live.
    pub fn add_external_data(&mut self, file_name: &str, bytes: Vec<u8>) -> Result<()> {
        crate::check_text("external data file name", file_name)?;
        if file_name.is_empty() {
            return Err(Error::new(ErrorCode::InvalidArgument, "the external data file name is empty"));
        }
        self.external_data.retain(|(n, _)| n != file_name);
        self.external_data.push((file_name.to_string(), Arc::new(bytes)));
        Ok(())
    }

    /// [`SessionOptions::add_external_data`] with a copy of `bytes` (allocated
    /// fallibly: OUT_OF_MEMORY names the file), for bindings lending their own buffers.
    pub fn add_external_data_copy(&mut self, file_name: &str, bytes: &[u8]) -> Result<()> {
        let mut copy = Vec::new();
        copy.try_reserve_exact(bytes.len()).map_err(|_| {
            Error::new(ErrorCode::OutOfMemory, format!("cannot allocate {} bytes for external data file '{file_name}'", bytes.len()))
        })?;
        copy.extend_from_slice(bytes);
        self.add_external_data(file_name, copy)
    }

    pub fn external_data(&self) -> &[(String, Arc<Vec<u8>>)] {
        &self.external_data
    }

    /// Off by default: a model (loaded from a path) whose external data lies outside its
    /// own folder (an absolute `location`, or one with `..`) is INVALID_MODEL, since a
    /// model from elsewhere could otherwise read any file. On, Onyx reads such files.
    pub fn set_external_data_outside_model_folder(&mut self, allow: bool) {
        self.external_data_outside_model_folder = allow;
    }

    pub fn external_data_outside_model_folder(&self) -> bool {
        self.external_data_outside_model_folder
    }

    /// Sessions made with these options share each model's weights with the other
    /// sessions of `group` (see [`SharedWeights`]); None (the default) shares nothing.
    pub fn set_shared_weights(&mut self, group: Option<&SharedWeights>) {
        self.shared_weights = group.cloned();
    }

    pub fn shared_weights(&self) -> Option<&SharedWeights> {
        self.shared_weights.as_ref()
    }

    /// ONNX Runtime's CPU memory arena (on by default): off, each allocation goes to the
    /// system allocator and memory goes back when tensors are freed.
    pub fn set_cpu_memory_arena(&mut self, enable: bool) {
        self.no_cpu_memory_arena = !enable;
    }

    pub fn cpu_memory_arena(&self) -> bool {
        !self.no_cpu_memory_arena
    }

    /// ONNX Runtime's memory-pattern planning (on by default; it helps fixed-shape inputs).
    pub fn set_memory_pattern(&mut self, enable: bool) {
        self.no_memory_pattern = !enable;
    }

    pub fn memory_pattern(&self) -> bool {
        !self.no_memory_pattern
    }

    pub fn profiling_prefix(&self) -> Option<&Path> {
        self.profiling_prefix.as_deref()
    }

    pub fn free_dimension_overrides(&self) -> &[(String, i64)] {
        &self.free_dimension_overrides
    }

    pub fn custom_op_libraries(&self) -> &[Arc<CustomOpLibrary>] {
        &self.custom_op_libraries
    }

    pub fn intra_op_threads(&self) -> usize {
        self.intra_op_threads
    }

    pub fn inter_op_threads(&self) -> usize {
        self.inter_op_threads
    }
}

fn thread_count(what: &str, threads: i64) -> Result<usize> {
    // ONNX Runtime takes an int; larger counts would wrap there.
    if !(0..=i32::MAX as i64).contains(&threads) {
        return Err(Error::new(
            ErrorCode::InvalidArgument,
            format!("{what} is {threads}; use 0 (ONNX Runtime chooses) or a positive count up to {}", i32::MAX),
        ));
    }
    Ok(threads as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thread_counts_from_zero_to_i32_max() {
        let mut options = SessionOptions::new();
        options.set_intra_op_threads(0).unwrap();
        options.set_inter_op_threads(i32::MAX as i64).unwrap();
        assert_eq!(options.inter_op_threads(), i32::MAX as usize);
        for bad in [-1, i64::MIN, i32::MAX as i64 + 1] {
            let error = options.set_intra_op_threads(bad).unwrap_err();
            assert_eq!(error.code(), ErrorCode::InvalidArgument);
            assert!(error.message().starts_with(&format!("intra_op_threads is {bad};")), "{}", error.message());
        }
        assert_eq!(options.intra_op_threads(), 0, "a refused count leaves the option as it was");
    }

    #[test]
    fn levels_by_number() {
        assert_eq!(OptimizationLevel::from_u32(99).unwrap(), OptimizationLevel::All);
        assert_eq!(OptimizationLevel::from_u32(3).unwrap_err().code(), ErrorCode::InvalidArgument);
    }
}
