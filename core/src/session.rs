use std::{
    collections::HashMap,
    ffi::CString,
    path::{Path, PathBuf},
    ptr::NonNull,
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc,
    },
};

use ort::AsPointer;

use crate::{
    ort_call, value_info::describe_dims, Error, ErrorCode, ModelMetadata, Result, Runtime, SessionOptions, Tensor, Value, ValueInfo,
};

/// A loaded model, ready to run.
///
/// A session is `Sync`: any number of threads may run it at once, and the runs
/// proceed in parallel (ONNX Runtime's `Run` is thread-safe on one session; see
/// docs/decisions.md).
pub struct Session {
    inner: ort::session::Session,
    inputs: Vec<ValueInfo>,
    outputs: Vec<ValueInfo>,
    input_names: Vec<CString>,
    output_names: Vec<CString>,
    output_name_list: Arc<[String]>,
    metadata: ModelMetadata,
    /// Declared after `inner`, so dropped after it: the kernels live in these libraries.
    _custom_op_libraries: Vec<Arc<crate::CustomOpLibrary>>,
    /// Declared after `inner` too: the custom-op domains of the options' operators.
    _operators: crate::operator::OperatorDomains,
    /// External-data files given in memory: ONNX Runtime may point its initializers
    /// into them, so they live as long as the session.
    _external_data: Vec<Arc<Vec<u8>>>,
    /// The shared weights this session runs on in place (see `SharedWeights`).
    _shared_model: Option<Arc<crate::shared_weights::SharedModel>>,
}

impl Session {
    pub fn from_file(path: impl AsRef<Path>, options: &SessionOptions) -> Result<Session> {
        let path = path.as_ref();
        crate::check_text("model path", &path.to_string_lossy())?;
        if !path.exists() {
            return Err(Error::new(ErrorCode::ModelNotFound, format!("model file {} does not exist", path.display())));
        }
        if !path.is_file() {
            return Err(Error::new(ErrorCode::InvalidModel, format!("model path {} is not a file", path.display())));
        }
        let facts = crate::model_proto::from_file(path);
        let folder = path.parent().unwrap_or(Path::new("."));
        let read_by_onyx = external_files_outside(facts.as_ref(), options, folder)?;
        let context = format!("loading model {}", path.display());
        if let Some(group) = options.shared_weights() {
            let bytes = read_fallibly(path).map_err(|e| Error::new(ErrorCode::InvalidModel, format!("{context}: {e}")))?;
            let model = group.model_for(&bytes, options, |optimized| {
                let (mut builder, _operators) = optimizing_builder(options, &read_by_onyx, optimized)?;
                builder.commit_from_file(path).map(drop).map_err(|e| model_error(&context, e))
            })?;
            return Self::from_shared(model, group, facts, options, &context);
        }
        let (mut builder, operators) = builder(options, &read_by_onyx)?;
        let session = builder.commit_from_file(path).map_err(|e| model_error(&context, e))?;
        Self::wrap(session, facts, options, read_by_onyx, operators)
    }

    /// A session of `model`'s optimized graph, on the group's shared weights.
    fn from_shared(
        model: Arc<crate::shared_weights::SharedModel>,
        group: &crate::SharedWeights,
        facts: Option<crate::model_proto::ModelFacts>,
        options: &SessionOptions,
        context: &str,
    ) -> Result<Session> {
        let mut plain = options.clone();
        plain.optimization_level = crate::OptimizationLevel::Disabled; // optimized once already
        let (builder, operators) = builder(&plain, &[])?;
        let mut builder = builder
            .with_prepacked_weights(group.prepacked())
            .map_err(|e| ort_call::from_ort(ErrorCode::RuntimeError, "sharing prepacked weights", e))?;
        model.add_to(&mut builder)?;
        let session = builder.commit_from_file(model.path()).map_err(|e| model_error(context, e))?;
        let mut session = Self::wrap(session, facts, options, Vec::new(), operators)?;
        session._shared_model = Some(model);
        Ok(session)
    }

    /// Loads a model from its bytes; the bytes may be freed once this returns.
    pub fn from_bytes(bytes: &[u8], options: &SessionOptions) -> Result<Session> {
        if bytes.is_empty() {
            return Err(Error::new(ErrorCode::InvalidModel, "model bytes are empty"));
        }
        let facts = crate::model_proto::from_bytes(bytes);
        let caller_named_folder = options.config_entries.iter().any(|(k, _)| k == EXTERNAL_DATA_FOLDER);
        if let Some(facts) = facts.as_ref().filter(|_| !caller_named_folder) {
            if let Some((name, location)) = facts.external_data.iter().find(|(_, l)| !supplied(options, l)) {
                return Err(Error::new(
                    ErrorCode::InvalidModel,
                    format!(
                        "initializer '{name}' keeps its data in the external file '{location}', which a model loaded from bytes cannot read: supply the file's bytes with the session option add_external_data, or load the model from its path"
                    ),
                ));
            }
        }
        // A model given as bytes has no folder, and ONNX Runtime would read its external
        // data relative to the process's working folder (an `.env` there could become an
        // initializer). Point it at a folder that cannot exist, unless the caller named one.
        let no_folder = |builder: ort::session::builder::SessionBuilder| match caller_named_folder {
            true => Ok(builder),
            false => builder
                .with_config_entry(EXTERNAL_DATA_FOLDER, NO_EXTERNAL_DATA_FOLDER)
                .map_err(|e| ort_call::from_ort(ErrorCode::RuntimeError, "setting the external data folder", e)),
        };
        let context = format!("loading a model from {} bytes", bytes.len());
        if let Some(group) = options.shared_weights() {
            let model = group.model_for(bytes, options, |optimized| {
                let (builder, _operators) = optimizing_builder(options, &[], optimized)?;
                no_folder(builder)?.commit_from_memory(bytes).map(drop).map_err(|e| bytes_load_error(&context, e))
            })?;
            return Self::from_shared(model, group, facts, options, &context);
        }
        let (builder, operators) = builder(options, &[])?;
        let session = no_folder(builder)?.commit_from_memory(bytes).map_err(|e| bytes_load_error(&context, e))?;
        Self::wrap(session, facts, options, Vec::new(), operators)
    }

    fn wrap(
        inner: ort::session::Session,
        facts: Option<crate::model_proto::ModelFacts>,
        options: &SessionOptions,
        read_by_onyx: Vec<(String, Arc<Vec<u8>>)>,
        operators: crate::operator::OperatorDomains,
    ) -> Result<Session> {
        let mut inputs: Vec<ValueInfo> = inner.inputs().iter().map(ValueInfo::from_outlet).collect();
        let mut outputs: Vec<ValueInfo> = inner.outputs().iter().map(ValueInfo::from_outlet).collect();
        // ONNX Runtime reports a value that declares no shape with rank 0, like a scalar;
        // the model says which are which. Unreadable (an ORT-format model): rank 0 is
        // taken as unknown, and ONNX Runtime checks such inputs itself.
        for info in inputs.iter_mut().chain(outputs.iter_mut()) {
            info.rank_known = match &facts {
                Some(f) => !f.unshaped.contains(&info.name),
                None => !info.shape.is_empty(),
            };
        }
        let c_names = |infos: &[ValueInfo]| -> Vec<CString> {
            // ONNX names come from a protobuf string and cannot hold NUL.
            infos.iter().map(|i| CString::new(i.name.as_str()).unwrap_or_default()).collect()
        };
        let metadata = ModelMetadata::read(&inner, facts.map(|f| f.metadata_props))?;
        Ok(Session {
            input_names: c_names(&inputs),
            output_names: c_names(&outputs),
            output_name_list: outputs.iter().map(|o| o.name.clone()).collect(),
            inputs,
            outputs,
            metadata,
            inner,
            _custom_op_libraries: options.custom_op_libraries().to_vec(),
            _operators: operators,
            _external_data: options.external_data().iter().map(|(_, b)| b.clone()).chain(read_by_onyx.into_iter().map(|(_, b)| b)).collect(),
            _shared_model: None,
        })
    }

    /// Ends profiling (enabled with `SessionOptions::enable_profiling`) and gives the
    /// path of the JSON file ONNX Runtime wrote; INVALID_ARGUMENT when profiling is off.
    /// Runs after this are not profiled.
    pub fn end_profiling(&self) -> Result<PathBuf> {
        let api = ort_call::api();
        let mut allocator = std::ptr::null_mut();
        ort_call::check(unsafe { (api.GetAllocatorWithDefaultOptions)(&mut allocator) }, ErrorCode::RuntimeError, "getting an allocator")?;
        let mut name: *mut std::ffi::c_char = std::ptr::null_mut();
        // ONNX Runtime's profiler locks itself; `&self` is fine as for runs.
        ort_call::check(unsafe { (api.SessionEndProfiling)(self.inner.ptr().cast_mut(), allocator, &mut name) }, ErrorCode::RuntimeError, "ending profiling")?;
        if name.is_null() {
            return Err(Error::new(ErrorCode::RuntimeError, "ONNX Runtime gave no profile file name"));
        }
        let text = unsafe { std::ffi::CStr::from_ptr(name) }.to_string_lossy().into_owned();
        let _ = ort_call::check(unsafe { (api.AllocatorFree)(allocator, name.cast()) }, ErrorCode::RuntimeError, "freeing a string");
        if text.is_empty() {
            return Err(Error::new(ErrorCode::InvalidArgument, "profiling is not enabled for this session: enable it in its session options"));
        }
        Ok(PathBuf::from(text))
    }

    pub fn inputs(&self) -> &[ValueInfo] {
        &self.inputs
    }

    pub fn outputs(&self) -> &[ValueInfo] {
        &self.outputs
    }

    /// Input number `index`; `INDEX_OUT_OF_RANGE` past the end or below 0. Any
    /// integer type, so that a binding's signed index reaches this one check as is.
    pub fn input<I: ValueIndex>(&self, index: I) -> Result<&ValueInfo> {
        info_at(&self.inputs, index, "input")
    }

    /// Output number `index`; `INDEX_OUT_OF_RANGE` past the end or below 0.
    pub fn output<I: ValueIndex>(&self, index: I) -> Result<&ValueInfo> {
        info_at(&self.outputs, index, "output")
    }

    pub fn metadata(&self) -> &ModelMetadata {
        &self.metadata
    }

    /// Runs the model. `outputs` selects outputs by name (None: all, in model
    /// order); the result holds them in the order asked, allocated by ONNX Runtime.
    pub fn run(&self, inputs: &[(&str, &Tensor)], outputs: Option<&[&str]>, options: Option<&crate::RunOptions>) -> Result<RunOutputs> {
        let checked = self.check_inputs(inputs.iter().map(|(name, tensor)| Ok((self.input_index(name)?, Input::Tensor(tensor)))))?;
        let outputs = self.outputs_named(outputs)?;
        self.run_checked(checked, outputs, options)
    }

    /// [`Session::run`] with inputs and outputs given by their index in the model
    /// (for bindings that resolved names once).
    pub fn run_indexed(&self, inputs: &[(usize, &Tensor)], outputs: Option<&[usize]>, options: Option<&crate::RunOptions>) -> Result<RunOutputs> {
        let checked = self.check_inputs(inputs.iter().map(|&(index, tensor)| Ok((index, Input::Tensor(tensor)))))?;
        let outputs = self.outputs_indexed(outputs)?;
        self.run_checked(checked, outputs, options)
    }

    /// Runs checked inputs; `output_indices` are valid indexes (the result keeps them).
    fn run_checked(&self, checked: CheckedInputs, output_indices: Vec<usize>, options: Option<&crate::RunOptions>) -> Result<RunOutputs> {
        if output_indices.is_empty() {
            return Err(no_outputs());
        }
        for &i in &output_indices {
            returnable(&self.outputs[i])?;
        }
        let mut values = vec![std::ptr::null_mut(); output_indices.len()];
        self.raw_run(&checked, &output_indices, &mut values, options)?;
        let mut tensors = Vec::with_capacity(values.len());
        // Wrap every value, even after a failure, so none leaks.
        let mut failure = None;
        for value in values {
            match NonNull::new(value).map(|v| unsafe { Tensor::from_runtime_value(v) }) {
                Some(Ok(t)) => tensors.push(t),
                Some(Err(e)) => failure = failure.or(Some(e)),
                None => failure = failure.or(Some(Error::new(ErrorCode::RuntimeError, "ONNX Runtime returned no value for an output"))),
            }
        }
        match failure {
            Some(e) => Err(e),
            None => Ok(RunOutputs { names: self.output_name_list.clone(), indices: output_indices, tensors }),
        }
    }

    /// Runs the model on values of any kind (tensors, sequences, maps, optionals) and
    /// returns every kind: what a model with string, sequence, map or optional inputs or
    /// outputs needs. An absent optional input is the same as leaving it out. Plain
    /// tensor inputs are passed without a copy; sequences and maps are copied once.
    pub fn run_values(&self, inputs: &[(&str, &Value)], outputs: Option<&[&str]>, options: Option<&crate::RunOptions>) -> Result<RunOutputs<Value>> {
        let checked = self.check_inputs(inputs.iter().map(|(name, value)| Ok((self.input_index(name)?, Input::Value(value)))))?;
        let outputs = self.outputs_named(outputs)?;
        self.run_values_checked(checked, outputs, options)
    }

    /// [`Session::run_values`] with inputs and outputs given by their index in the model.
    pub fn run_values_indexed(&self, inputs: &[(usize, &Value)], outputs: Option<&[usize]>, options: Option<&crate::RunOptions>) -> Result<RunOutputs<Value>> {
        let checked = self.check_inputs(inputs.iter().map(|&(index, value)| Ok((index, Input::Value(value)))))?;
        let outputs = self.outputs_indexed(outputs)?;
        self.run_values_checked(checked, outputs, options)
    }

    /// Runs a model that has no inputs and one output, giving ONNX Runtime's value as is
    /// (for `empty_sequence`).
    pub(crate) fn run_without_inputs(&self) -> Result<NonNull<ort_sys::OrtValue>> {
        let checked = self.check_inputs(std::iter::empty())?;
        let mut raw = [std::ptr::null_mut()];
        self.raw_run(&checked, &[0], &mut raw, None)?;
        NonNull::new(raw[0]).ok_or_else(|| Error::new(ErrorCode::RuntimeError, "ONNX Runtime returned no value"))
    }

    fn run_values_checked(&self, checked: CheckedInputs, output_indices: Vec<usize>, options: Option<&crate::RunOptions>) -> Result<RunOutputs<Value>> {
        if output_indices.is_empty() {
            return Err(no_outputs());
        }
        for &i in &output_indices {
            returnable_value(&self.outputs[i])?;
        }
        let mut raw = vec![std::ptr::null_mut(); output_indices.len()];
        self.raw_run(&checked, &output_indices, &mut raw, options)?;
        let mut values = Vec::with_capacity(raw.len());
        let mut failure = None;
        for (value, &index) in raw.into_iter().zip(&output_indices) {
            let info = &self.outputs[index];
            let read = NonNull::new(value)
                .ok_or_else(|| Error::new(ErrorCode::RuntimeError, "ONNX Runtime returned no value for an output"))
                .and_then(|v| unsafe { Value::from_runtime_value(v, &info.value_type) })
                .map_err(|e| Error::new(e.code(), format!("output '{}' ({}): {}", info.name, info.value_type, e.message())));
            match read {
                Ok(v) => values.push(v),
                Err(e) => failure = failure.or(Some(e)),
            }
        }
        match failure {
            Some(e) => Err(e),
            None => Ok(RunOutputs { names: self.output_name_list.clone(), indices: output_indices, tensors: values }),
        }
    }

    /// Runs the model writing each named output into the caller's tensor, with no
    /// allocation and no copy. Each tensor must have the output's type and shape.
    pub fn run_into(&self, inputs: &[(&str, &Tensor)], outputs: &mut [(&str, &mut Tensor)], options: Option<&crate::RunOptions>) -> Result<()> {
        let checked = self.check_inputs(inputs.iter().map(|(name, tensor)| Ok((self.input_index(name)?, Input::Tensor(tensor)))))?;
        let mut targets = Vec::with_capacity(outputs.len());
        for (name, tensor) in outputs.iter_mut() {
            targets.push((self.output_index(name)?, &mut **tensor));
        }
        self.run_into_checked(checked, &mut targets, options)
    }

    /// [`Session::run_into`] with inputs and outputs given by their index in the model.
    pub fn run_into_indexed(&self, inputs: &[(usize, &Tensor)], outputs: &mut [(usize, &mut Tensor)], options: Option<&crate::RunOptions>) -> Result<()> {
        let checked = self.check_inputs(inputs.iter().map(|&(index, tensor)| Ok((index, Input::Tensor(tensor)))))?;
        self.run_into_checked(checked, outputs, options)
    }

    fn run_into_checked(&self, checked: CheckedInputs, outputs: &mut [(usize, &mut Tensor)], options: Option<&crate::RunOptions>) -> Result<()> {
        if outputs.is_empty() {
            return Err(no_outputs());
        }
        let mut indices = Vec::with_capacity(outputs.len());
        let mut values = Vec::with_capacity(outputs.len());
        for (index, tensor) in outputs.iter() {
            let info = info_at(&self.outputs, *index, "output")?;
            if indices.contains(index) {
                return Err(Error::new(ErrorCode::InvalidArgument, format!("output '{}' is given twice", info.name)));
            }
            check_tensor("output", info, tensor, &checked.symbols)?;
            indices.push(*index);
            values.push(tensor.ort_value());
        }
        let expected = values.clone();
        self.raw_run(&checked, &indices, &mut values, options)?;
        if values != expected {
            // ONNX Runtime is documented to write into pre-allocated outputs; if it
            // ever replaces one, release the replacement rather than leak it.
            for (v, e) in values.iter().zip(&expected) {
                if v != e && !v.is_null() {
                    unsafe { (ort_call::api().ReleaseValue)(*v) };
                }
            }
            return Err(Error::new(ErrorCode::RuntimeError, "ONNX Runtime did not write into the caller's output tensor"));
        }
        Ok(())
    }

    fn raw_run(
        &self,
        inputs: &CheckedInputs,
        output_indices: &[usize],
        output_values: &mut [*mut ort_sys::OrtValue],
        options: Option<&crate::RunOptions>,
    ) -> Result<()> {
        let (input_names, input_values) = (&inputs.names, &inputs.values);
        let output_names: Vec<_> = output_indices.iter().map(|&i| self.output_names[i].as_ptr()).collect();
        // Read before the run: the count first, then the flag (terminate bumps the count
        // before it sets either flag), so no terminate that ONNX Runtime sees is missed.
        let before = options.map(|o| (o.terminations(), o.is_terminated()));
        let _counted = RunCounter::enter();
        // Run through the C API on `&self`: ONNX Runtime documents `Run` as safe to
        // call concurrently on one session, which `ort`'s `&mut self` API hides.
        let status = unsafe {
            (ort_call::api().Run)(
                self.inner.ptr().cast_mut(),
                options.map_or(std::ptr::null(), |o| o.as_ptr()),
                input_names.as_ptr(),
                input_values.as_ptr(),
                input_values.len(),
                output_names.as_ptr(),
                output_names.len(),
                output_values.as_mut_ptr(),
            )
        };
        // Terminated if the flag was set at the start, is set now, or was set (and maybe
        // reset by another thread) in between.
        let terminated = match (options, before) {
            (Some(o), Some((count, flag))) => flag || o.is_terminated() || o.terminations() != count,
            _ => false,
        };
        // Core checked the inputs; what ONNX Runtime still calls invalid at run time is the
        // caller's (a run config entry's value, say), the rest is a runtime failure.
        let code = |ort: ort_sys::OrtErrorCode| match ort {
            ort_sys::OrtErrorCode::ORT_INVALID_ARGUMENT => ErrorCode::InvalidArgument,
            _ => ErrorCode::RuntimeError,
        };
        ort_call::check_by(status, code, "running the model").map_err(|e| match terminated {
            true => Error::new(ErrorCode::Cancelled, "the run was cancelled: terminate was called on its run options"),
            false => crate::operator::operator_error("running the model", e.message()).unwrap_or(e),
        })
    }

    /// The model indexes of the outputs a run asks for by name (None: all, in order).
    fn outputs_named(&self, names: Option<&[&str]>) -> Result<Vec<usize>> {
        match names {
            None => Ok((0..self.outputs.len()).collect()),
            Some(names) => names.iter().map(|n| self.output_index(n)).collect(),
        }
    }

    /// The outputs a run asks for by index, checked (None: all, in order).
    fn outputs_indexed(&self, indices: Option<&[usize]>) -> Result<Vec<usize>> {
        match indices {
            None => Ok((0..self.outputs.len()).collect()),
            Some(indices) => indices.iter().map(|&i| info_at(&self.outputs, i, "output").map(|_| i)).collect(),
        }
    }

    fn input_index(&self, name: &str) -> Result<usize> {
        match self.inputs.iter().position(|i| i.name == name) {
            Some(index) => Ok(index),
            None => {
                crate::check_text("input name", name)?;
                Err(Error::new(ErrorCode::UnknownInput, format!("the model has no input named '{name}'; its inputs are: {}", names(&self.inputs))))
            }
        }
    }

    fn output_index(&self, name: &str) -> Result<usize> {
        match self.outputs.iter().position(|o| o.name == name) {
            Some(index) => Ok(index),
            None => {
                crate::check_text("output name", name)?;
                Err(Error::new(ErrorCode::UnknownOutput, format!("the model has no output named '{name}'; its outputs are: {}", names(&self.outputs))))
            }
        }
    }

    /// Checks names, presence, types, ranks and dims before ONNX Runtime sees them
    /// (it does not check missing inputs up front, and its codes vary by version).
    /// Returns what the run passes to ONNX Runtime, and the value each named
    /// dimension took, to check outputs against.
    fn check_inputs<'a, 't>(&'a self, inputs: impl ExactSizeIterator<Item = Result<(usize, Input<'t>)>>) -> Result<CheckedInputs<'a>> {
        let mut given = vec![false; self.inputs.len()];
        let mut checked = CheckedInputs {
            names: Vec::with_capacity(inputs.len()),
            values: Vec::with_capacity(inputs.len()),
            symbols: HashMap::new(),
            built: Vec::new(),
        };
        for input in inputs {
            let (index, input) = input?;
            let info = info_at(&self.inputs, index, "input")?;
            let name = info.name.as_str();
            if given[index] {
                return Err(Error::new(ErrorCode::InvalidArgument, format!("input '{name}' is given twice")));
            }
            given[index] = true;
            let tensor = match input.tensor() {
                Some(tensor) => tensor,
                None => {
                    // A sequence, a map or an optional: kinds and element types here,
                    // the rest in ONNX Runtime.
                    let Input::Value(value) = input else { unreachable!("a tensor input is a tensor") };
                    let what = format!("input '{name}'");
                    crate::value::check_against(value, &info.value_type, &what)?;
                    if let Some(run_value) = crate::value::to_run_value(value, &info.value_type, &what)? {
                        checked.names.push(self.input_names[index].as_ptr());
                        checked.values.push(run_value.value);
                        checked.built.extend(run_value.built);
                    }
                    continue;
                }
            };
            check_tensor("input", info, tensor, &checked.symbols)?;
            for (dim, symbol) in info.dim_names.iter().enumerate() {
                if !symbol.is_empty() && info.shape[dim] < 0 {
                    checked.symbols.entry(symbol.as_str()).or_insert((tensor.shape()[dim], name));
                }
            }
            checked.names.push(self.input_names[index].as_ptr());
            checked.values.push(tensor.ort_value().cast_const());
        }
        // An optional input may be left out (it is then absent).
        if let Some(missing) = self.inputs.iter().zip(&given).find(|(info, g)| !**g && info.kind != crate::ValueKind::Optional) {
            let info = missing.0;
            return Err(Error::new(
                ErrorCode::MissingInput,
                format!("input '{}' ({} {}) was not given", info.name, info.describe_type(), info.describe_shape()),
            ));
        }
        Ok(checked)
    }
}

static RUNS_NOW: AtomicUsize = AtomicUsize::new(0);
static MOST_RUNS: AtomicUsize = AtomicUsize::new(0);

/// Counts the runs inside ONNX Runtime at this moment, for [`Session::most_runs_at_once`].
struct RunCounter;

impl RunCounter {
    fn enter() -> RunCounter {
        let now = RUNS_NOW.fetch_add(1, Ordering::SeqCst) + 1;
        MOST_RUNS.fetch_max(now, Ordering::SeqCst);
        RunCounter
    }
}

impl Drop for RunCounter {
    fn drop(&mut self) {
        RUNS_NOW.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Session {
    /// The most runs this process had inside ONNX Runtime at one moment: lets a test
    /// prove runs overlapped (structurally, not by timing).
    pub fn most_runs_at_once() -> usize {
        MOST_RUNS.load(Ordering::SeqCst)
    }
}

/// An integer a caller may pass as an input or output index (`usize`, or a
/// binding's signed `i32` / `i64`).
pub trait ValueIndex: Copy + std::fmt::Display + TryInto<usize> {}
impl<T: Copy + std::fmt::Display + TryInto<usize>> ValueIndex for T {}

/// Entry `index` of a model's inputs or outputs, or the one index error.
fn info_at<'a, I: ValueIndex>(list: &'a [ValueInfo], index: I, role: &str) -> Result<&'a ValueInfo> {
    index.try_into().ok().and_then(|i| list.get(i)).ok_or_else(|| {
        let plural = if list.len() == 1 { "" } else { "s" };
        Error::new(ErrorCode::IndexOutOfRange, format!("{role} index {index} is out of range: the model has {} {role}{plural}", list.len()))
    })
}

/// A run's outputs, in the order they were asked for, with their names.
#[derive(Debug)]
pub struct RunOutputs<T = Tensor> {
    /// Every output name of the session (shared, so a run allocates no strings).
    names: Arc<[String]>,
    /// Model index of each tensor's output.
    indices: Vec<usize>,
    tensors: Vec<T>,
}

impl<T> RunOutputs<T> {
    /// The name of output `i` of this run.
    pub fn name(&self, i: usize) -> Option<&str> {
        self.indices.get(i).map(|&index| self.names[index].as_str())
    }

    /// The names, in the order of the tensors.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.indices.iter().map(|&index| self.names[index].as_str())
    }

    /// The output called `name`; `UNKNOWN_OUTPUT` when the run did not produce it.
    pub fn get(&self, name: &str) -> Result<&T> {
        self.names().position(|n| n == name).map(|i| &self.tensors[i]).ok_or_else(|| {
            Error::new(ErrorCode::UnknownOutput, format!("the run has no output named '{name}'; it produced: {}", self.names().collect::<Vec<_>>().join(", ")))
        })
    }

    pub fn into_vec(self) -> Vec<T> {
        self.tensors
    }
}

impl<T> std::ops::Deref for RunOutputs<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        &self.tensors
    }
}

impl<T> IntoIterator for RunOutputs<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;
    fn into_iter(self) -> Self::IntoIter {
        self.tensors.into_iter()
    }
}

/// Inputs that passed `check_inputs`, in the form ONNX Runtime's `Run` takes them.
struct CheckedInputs<'a> {
    names: Vec<*const std::ffi::c_char>,
    values: Vec<*const ort_sys::OrtValue>,
    /// Named dimension -> (its value, the input that set it).
    symbols: HashMap<&'a str, (i64, &'a str)>,
    /// Sequences and maps built for this run, released after it.
    built: Vec<crate::value::Owned>,
}

/// A run input as a caller gives it.
#[derive(Clone, Copy)]
enum Input<'t> {
    Tensor(&'t Tensor),
    Value(&'t Value),
}

impl<'t> Input<'t> {
    /// The plain tensor this input is (a tensor value, or a present optional holding
    /// one), checked like any tensor input and passed without a copy.
    fn tensor(self) -> Option<&'t Tensor> {
        match self {
            Input::Tensor(t) | Input::Value(Value::Tensor(t)) => Some(t),
            Input::Value(Value::Optional(Some(item))) => Input::Value(item).tensor(),
            Input::Value(_) => None,
        }
    }
}

/// Checks one tensor against what the model declares for it. `symbols` holds the
/// value each named dimension already took (from inputs checked before).
fn check_tensor(role: &str, info: &ValueInfo, tensor: &Tensor, symbols: &HashMap<&str, (i64, &str)>) -> Result<()> {
    check_value(role, info, tensor.element_type(), tensor.shape(), symbols)
}

/// [`check_tensor`] on a tensor's element type and shape.
fn check_value(
    role: &str,
    info: &ValueInfo,
    element_type: crate::ElementType,
    shape: &[i64],
    symbols: &HashMap<&str, (i64, &str)>,
) -> Result<()> {
    let name = &info.name;
    match (info.kind, info.value_type.item()) {
        (crate::ValueKind::Tensor, _) => {}
        // An optional(tensor) takes a plain tensor, of its element type.
        (crate::ValueKind::Optional, Some(crate::ValueType::Tensor { element_type: want })) if *want == element_type as u32 => return Ok(()),
        _ => {
            return Err(Error::new(
                ErrorCode::TypeMismatch,
                format!("{role} '{name}' expects {}, got tensor({})", info.value_type, element_type.name()),
            ))
        }
    }
    if info.element_type != Some(element_type) {
        return Err(Error::new(
            ErrorCode::TypeMismatch,
            format!("{role} '{name}' expects {} elements, got {}", info.describe_type(), element_type.name()),
        ));
    }
    if !info.rank_known {
        return Ok(()); // the model declares no shape: any rank, any dimensions
    }
    if shape.len() != info.shape.len() {
        return Err(Error::new(
            ErrorCode::RankMismatch,
            format!(
                "{role} '{name}' expects rank {} {}, got {} dimensions {}",
                info.shape.len(),
                info.describe_shape(),
                shape.len(),
                describe_dims(shape, &[])
            ),
        ));
    }
    for (dim, (&want, &got)) in info.shape.iter().zip(shape).enumerate() {
        let symbol = info.dim_names.get(dim).filter(|s| !s.is_empty());
        if want >= 0 && want != got {
            return Err(Error::new(
                ErrorCode::ShapeMismatch,
                format!(
                    "{role} '{name}' dimension {dim} expected {want}, got {got} (model shape {}, tensor shape {})",
                    info.describe_shape(),
                    describe_dims(shape, &[])
                ),
            ));
        }
        if let Some((value, from)) = symbol.and_then(|s| symbols.get(s.as_str())) {
            if want < 0 && *value != got {
                return Err(Error::new(
                    ErrorCode::ShapeMismatch,
                    format!(
                        "{role} '{name}' dimension {dim} ('{}') expected {value} as set by input '{from}', got {got}",
                        symbol.map(String::as_str).unwrap_or_default()
                    ),
                ));
            }
        }
    }
    Ok(())
}

fn names(infos: &[ValueInfo]) -> String {
    infos.iter().map(|i| format!("'{}'", i.name)).collect::<Vec<_>>().join(", ")
}

/// Onyx returns tensors of the element types it supports; asking for another output
/// fails before the run, naming it (the value model for sequences, maps, optionals and
/// strings is still to come).
fn returnable(info: &ValueInfo) -> Result<()> {
    let what = match (info.kind, info.element_type) {
        (crate::ValueKind::Tensor, Some(_)) => return Ok(()),
        (crate::ValueKind::Tensor, None) => format!("a tensor of {}", info.describe_type()),
        _ => format!("a {} ({})", info.kind.name(), info.value_type),
    };
    Err(Error::new(ErrorCode::TypeMismatch, format!("output '{}' is {what}, which a tensor run cannot return: run with values (run_values)", info.name)))
}

/// Every value kind can be returned; only tensors of element types Onyx does not hold
/// (complex numbers) cannot.
fn returnable_value(info: &ValueInfo) -> Result<()> {
    let mut t = &info.value_type;
    loop {
        match t {
            crate::ValueType::Tensor { element_type } => {
                if crate::ElementType::from_onnx(*element_type).is_err() {
                    return Err(Error::new(
                        ErrorCode::TypeMismatch,
                        format!("output '{}' is {}, which holds {} elements Onyx cannot return", info.name, info.value_type, crate::value_type::element_name(*element_type)),
                    ));
                }
                return Ok(());
            }
            crate::ValueType::Map { key, value } => {
                if crate::ElementType::from_onnx(*key).is_err() {
                    return Err(Error::new(ErrorCode::TypeMismatch, format!("output '{}' is {}, whose keys Onyx cannot return", info.name, info.value_type)));
                }
                t = value;
            }
            crate::ValueType::Sequence(item) | crate::ValueType::Optional(item) => t = item,
        }
    }
}

fn no_outputs() -> Error {
    Error::new(ErrorCode::InvalidArgument, "the run asks for no outputs: name at least one (run without output names for all of them)")
}

/// ONNX Runtime's session config key for the folder external data of a model loaded
/// from memory is read from.
const EXTERNAL_DATA_FOLDER: &str = "session.model_external_initializers_file_folder_path";
const NO_EXTERNAL_DATA_FOLDER: &str = "/nonexistent/onyx-model-from-bytes-has-no-external-data-folder";

/// A failure while ONNX Runtime loads a model is the model's fault (INVALID_MODEL:
/// bad protobuf, missing or future opsets and IR versions, shape inference, bad
/// initializers, refused external data), unless it is about memory or an execution
/// provider. ONNX Runtime reports most of these as a generic failure.
fn model_error<R>(context: &str, e: ort::Error<R>) -> Error {
    use ort::ErrorCode as E;
    let text = e.message();
    if let Some(error) = crate::operator::operator_error(context, text) {
        return error;
    }
    if let Some(error) = crate::custom_ops::unsupported_operator(text) {
        return error;
    }
    let code = if text.contains("bad_alloc") || text.contains("Failed to allocate") {
        ErrorCode::OutOfMemory
    } else if e.code() == E::ExecutionProviderFailure {
        ErrorCode::RuntimeError
    } else {
        ErrorCode::InvalidModel
    };
    ort_call::from_ort(code, context, e)
}

fn supplied(options: &SessionOptions, location: &str) -> bool {
    options.external_data().iter().any(|(name, _)| name == location)
}

/// Whether an external-data `location` leaves the model's folder: absolute (a Unix or
/// Windows form) or with a `..` component.
fn leaves_folder(location: &str) -> bool {
    let bytes = location.as_bytes();
    location.starts_with(['/', '\\']) || (bytes.len() > 1 && bytes[1] == b':') || location.split(['/', '\\']).any(|part| part == "..")
}

/// The external files outside the model's folder that Onyx reads itself (the caller
/// allowed them), or the INVALID_MODEL error naming the first one when not allowed.
fn external_files_outside(facts: Option<&crate::model_proto::ModelFacts>, options: &SessionOptions, folder: &Path) -> Result<Vec<(String, Arc<Vec<u8>>)>> {
    let mut read: Vec<(String, Arc<Vec<u8>>)> = Vec::new();
    let Some(facts) = facts else { return Ok(read) };
    for (name, location) in &facts.external_data {
        if !leaves_folder(location) || supplied(options, location) || read.iter().any(|(l, _)| l == location) {
            continue;
        }
        if !options.external_data_outside_model_folder() {
            return Err(Error::new(
                ErrorCode::InvalidModel,
                format!(
                    "initializer '{name}' keeps its data in '{location}', outside the model's folder {}: refused (allow it with the session option external_data_outside_model_folder, or supply the file with add_external_data)",
                    folder.display()
                ),
            ));
        }
        let file = folder.join(location); // an absolute location replaces the folder
        let unreadable = |e: String| Error::new(ErrorCode::InvalidModel, format!("initializer '{name}' keeps its data in {}, which cannot be read: {e}", file.display()));
        let bytes = read_fallibly(&file).map_err(unreadable)?;
        read.push((location.clone(), Arc::new(bytes)));
    }
    Ok(read)
}

/// A file's bytes, its size allocated fallibly (it comes from a model).
fn read_fallibly(file: &Path) -> std::result::Result<Vec<u8>, String> {
    use std::io::Read;
    let mut handle = std::fs::File::open(file).map_err(|e| e.to_string())?;
    let size = handle.metadata().map_err(|e| e.to_string())?.len();
    let mut bytes = Vec::new();
    bytes.try_reserve_exact(usize::try_from(size).unwrap_or(usize::MAX)).map_err(|_| format!("cannot allocate {size} bytes for it"))?;
    handle.read_to_end(&mut bytes).map_err(|e| e.to_string())?;
    Ok(bytes)
}

/// Hands ONNX Runtime the external files held in memory, in one call (the caller's,
/// then `more`, read by Onyx). ONNX Runtime takes file names in its path encoding.
fn add_external_files(builder: &mut ort::session::builder::SessionBuilder, files: Vec<&(String, Arc<Vec<u8>>)>) -> Result<()> {
    use ort::AsPointer;
    if files.is_empty() {
        return Ok(());
    }
    #[cfg(windows)]
    let names: Vec<Vec<u16>> = files.iter().map(|(n, _)| n.encode_utf16().chain([0]).collect()).collect();
    #[cfg(not(windows))]
    let names: Vec<CString> = files.iter().map(|(n, _)| CString::new(n.as_str()).unwrap_or_default()).collect(); // checked: no NUL
    let name_ptrs: Vec<*const ort_sys::os_char> = names.iter().map(|n| n.as_ptr().cast()).collect();
    // ONNX Runtime only reads the buffers; the C API just lacks the `const`.
    let buffers: Vec<*mut std::ffi::c_char> = files.iter().map(|(_, b)| b.as_ptr().cast_mut().cast()).collect();
    let lengths: Vec<usize> = files.iter().map(|(_, b)| b.len()).collect();
    let status = unsafe {
        (ort_call::api().AddExternalInitializersFromMemory)(builder.ptr_mut(), name_ptrs.as_ptr(), buffers.as_ptr(), lengths.as_ptr(), files.len())
    };
    ort_call::check(status, ErrorCode::InvalidArgument, "adding external data files from memory")
}

/// A failed load from bytes; one that tried to read external data from disk says so.
fn bytes_load_error<R>(context: &str, e: ort::Error<R>) -> Error {
    let error = model_error(context, e);
    // By the folder's name: ONNX Runtime on Windows writes the path with backslashes.
    if error.message().contains(NO_EXTERNAL_DATA_FOLDER.rsplit('/').next().unwrap_or(NO_EXTERNAL_DATA_FOLDER)) {
        return Error::new(
            ErrorCode::InvalidModel,
            format!(
                "the model keeps data in an external file, which a model loaded from bytes may not read: load it from its path, or name the folder with the session config entry {EXTERNAL_DATA_FOLDER}"
            ),
        );
    }
    error
}

/// The builder of the load that writes a model's optimized graph to `optimized`, once
/// per model for a `SharedWeights` group. ONNX Runtime warns that a graph optimized
/// for this machine is not portable: it is only used here, so that line is not shown.
fn optimizing_builder(options: &SessionOptions, read_by_onyx: &[(String, Arc<Vec<u8>>)], optimized: &Path) -> Result<(ort::session::builder::SessionBuilder, crate::operator::OperatorDomains)> {
    let (builder, operators) = builder(options, read_by_onyx)?;
    let mut builder = builder
        .with_optimized_model_path(optimized)
        .map_err(|e| ort_call::from_ort(ErrorCode::RuntimeError, "naming the optimized model file", e))?;
    ort_call::check(unsafe { (ort_call::api().SetSessionLogSeverityLevel)(builder.ptr_mut(), 3) }, ErrorCode::RuntimeError, "quieting the optimizing load")?;
    Ok((builder, operators))
}

/// ONNX Runtime's session options from Onyx's, and the custom-op domains of the options'
/// operators, which must outlive the session made with them.
fn builder(
    options: &SessionOptions,
    read_by_onyx: &[(String, Arc<Vec<u8>>)],
) -> Result<(ort::session::builder::SessionBuilder, crate::operator::OperatorDomains)> {
    let runtime = Runtime::get()?;
    let fail = |what: &str| {
        let what = what.to_string();
        move |e: ort::Error<ort::session::builder::SessionBuilder>| ort_call::from_ort(ErrorCode::InvalidArgument, &what, e)
    };
    let mut builder = ort::session::Session::builder(runtime.ort_environment())
        .map_err(|e| ort_call::from_ort(ErrorCode::RuntimeError, "creating session options", e))?
        .with_optimization_level(options.optimization_level.to_ort())
        .map_err(fail("setting the optimization level"))?
        .with_deterministic_compute(options.deterministic_compute)
        .map_err(fail("setting deterministic compute"))?;
    if options.intra_op_threads() > 0 {
        builder = builder.with_intra_threads(options.intra_op_threads()).map_err(fail("setting intra-op threads"))?;
    }
    if options.inter_op_threads() > 0 {
        builder = builder.with_inter_threads(options.inter_op_threads()).map_err(fail("setting inter-op threads"))?;
    }
    for (key, value) in &options.config_entries {
        crate::check_text("session config key", key)?;
        crate::check_text(&format!("session config entry '{key}' value"), value)?;
        builder = builder.with_config_entry(key, value).map_err(fail(&format!("setting config entry '{key}'")))?;
    }
    if !options.memory_pattern() {
        builder = builder.with_memory_pattern(false).map_err(fail("turning memory patterns off"))?;
    }
    if !options.cpu_memory_arena() {
        use ort::AsPointer;
        ort_call::check(unsafe { (ort_call::api().DisableCpuMemArena)(builder.ptr_mut()) }, ErrorCode::InvalidArgument, "turning the CPU memory arena off")?;
    }
    if let Some(prefix) = options.profiling_prefix() {
        builder = builder.with_profiling(prefix).map_err(fail("enabling profiling"))?;
    }
    for (name, value) in options.free_dimension_overrides() {
        builder = builder.with_dimension_override(name, *value).map_err(fail(&format!("fixing free dimension '{name}'")))?;
    }
    add_external_files(&mut builder, options.external_data().iter().chain(read_by_onyx).collect())?;
    for library in options.custom_op_libraries() {
        builder = builder
            .with_operator_library(library.path())
            .map_err(fail(&format!("registering custom-op library {}", library.path().display())))?;
    }
    for provider in &options.execution_providers {
        crate::check_text("execution provider name", provider)?;
        if let Err(e) = append_provider(&mut builder, provider) {
            if !options.allow_provider_fallback {
                return Err(e);
            }
            crate::runtime::log_warning(&format!("{}; going on without it", e.message()));
        }
    }
    use ort::AsPointer;
    let operators = crate::operator::OperatorDomains::register(builder.ptr_mut(), options.operators())?;
    Ok((builder, operators))
}

/// Registers an execution provider by name through ONNX Runtime's generic entry
/// point, after checking that this build of ONNX Runtime has it at all.
fn append_provider(builder: &mut ort::session::builder::SessionBuilder, name: &str) -> Result<()> {
    let short = name.strip_suffix("ExecutionProvider").unwrap_or(name);
    if short.eq_ignore_ascii_case("cpu") {
        return Ok(()); // always present, always last
    }
    let available = available_providers()?;
    let canonical = available.iter().find(|p| p.strip_suffix("ExecutionProvider").unwrap_or(p).eq_ignore_ascii_case(short));
    let unavailable = |why: String| {
        Error::new(
            ErrorCode::ExecutionProviderUnavailable,
            format!("execution provider '{name}' {why}; this ONNX Runtime has: {}", available.join(", ")),
        )
    };
    let Some(canonical) = canonical else {
        return Err(unavailable("is not in this ONNX Runtime build".into()));
    };
    let short = CString::new(canonical.strip_suffix("ExecutionProvider").unwrap_or(canonical)).unwrap_or_default();
    let status = unsafe {
        (ort_call::api().SessionOptionsAppendExecutionProvider)(builder.ptr_mut(), short.as_ptr(), std::ptr::null(), std::ptr::null(), 0)
    };
    ort_call::check(status, ErrorCode::ExecutionProviderUnavailable, "registering").map_err(|e| unavailable(format!("could not be registered ({})", e.message())))
}

/// Names of the execution providers compiled into the loaded ONNX Runtime.
pub(crate) fn available_providers() -> Result<Vec<String>> {
    let api = ort_call::api();
    let mut list = std::ptr::null_mut();
    let mut count = 0;
    ort_call::check(unsafe { (api.GetAvailableProviders)(&mut list, &mut count) }, ErrorCode::RuntimeError, "listing execution providers")?;
    let names = (0..count as usize)
        .map(|i| unsafe { std::ffi::CStr::from_ptr(*list.add(i)) }.to_string_lossy().into_owned())
        .collect();
    ort_call::check(unsafe { (api.ReleaseAvailableProviders)(list, count) }, ErrorCode::RuntimeError, "releasing the provider list")?;
    Ok(names)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ElementType, ValueKind};

    fn image_input() -> ValueInfo {
        ValueInfo {
            name: "input".into(),
            kind: ValueKind::Tensor,
            value_type: crate::ValueType::Tensor { element_type: 1 },
            element_type: Some(ElementType::Float32),
            onnx_element_type: 1,
            shape: vec![-1, 3, 224, 224],
            dim_names: vec!["batch".into(), String::new(), String::new(), String::new()],
            rank_known: true,
        }
    }

    #[test]
    fn an_input_of_unknown_rank_takes_any_rank_but_not_another_type() {
        let info = ValueInfo { shape: vec![], dim_names: vec![], rank_known: false, ..image_input() };
        let none = HashMap::new();
        assert!(check_value("input", &info, ElementType::Float32, &[2, 3], &none).is_ok());
        assert!(check_value("input", &info, ElementType::Float32, &[], &none).is_ok());
        assert_eq!(check_value("input", &info, ElementType::Int64, &[2], &none).unwrap_err().code(), ErrorCode::TypeMismatch);
    }

    fn check(element_type: ElementType, shape: &[i64], symbols: &HashMap<&str, (i64, &str)>) -> Result<()> {
        check_value("input", &image_input(), element_type, shape, symbols)
    }

    fn message_of(result: Result<()>, code: ErrorCode) -> String {
        let error = result.unwrap_err();
        assert_eq!(error.code(), code, "{}", error.message());
        error.message().to_string()
    }

    #[test]
    fn a_matching_tensor_passes_with_any_free_dimension() {
        assert!(check(ElementType::Float32, &[1, 3, 224, 224], &HashMap::new()).is_ok());
        assert!(check(ElementType::Float32, &[7, 3, 224, 224], &HashMap::new()).is_ok());
    }

    #[test]
    fn each_mismatch_has_its_code_and_names_what_was_expected() {
        let text = message_of(check(ElementType::Float64, &[1, 3, 224, 224], &HashMap::new()), ErrorCode::TypeMismatch);
        assert_eq!(text, "input 'input' expects float elements, got double");
        let text = message_of(check(ElementType::Float32, &[3, 224, 224], &HashMap::new()), ErrorCode::RankMismatch);
        assert_eq!(text, "input 'input' expects rank 4 [batch,3,224,224], got 3 dimensions [3,224,224]");
        let text = message_of(check(ElementType::Float32, &[1, 4, 224, 224], &HashMap::new()), ErrorCode::ShapeMismatch);
        assert!(text.starts_with("input 'input' dimension 1 expected 3, got 4"), "{text}");
    }

    #[test]
    fn a_named_dimension_must_agree_with_the_input_that_set_it() {
        let symbols = HashMap::from([("batch", (2, "other"))]);
        assert!(check(ElementType::Float32, &[2, 3, 224, 224], &symbols).is_ok());
        let text = message_of(check(ElementType::Float32, &[5, 3, 224, 224], &symbols), ErrorCode::ShapeMismatch);
        assert_eq!(text, "input 'input' dimension 0 ('batch') expected 2 as set by input 'other', got 5");
    }

    #[test]
    fn a_value_that_is_not_a_supported_tensor_is_named_by_its_kind() {
        let mut info = image_input();
        info.kind = ValueKind::Sequence;
        info.value_type = crate::ValueType::Sequence(Box::new(crate::ValueType::Tensor { element_type: 1 }));
        info.element_type = None;
        let text = message_of(check_value("input", &info, ElementType::Float32, &[1], &HashMap::new()), ErrorCode::TypeMismatch);
        assert_eq!(text, "input 'input' expects seq(tensor(float)), got tensor(float)");
        info.kind = ValueKind::Optional;
        info.value_type = crate::ValueType::Optional(Box::new(crate::ValueType::Tensor { element_type: 1 }));
        assert!(check_value("input", &info, ElementType::Float32, &[1], &HashMap::new()).is_ok(), "an optional(tensor) takes a tensor");
        let text = message_of(check_value("input", &info, ElementType::Int64, &[1], &HashMap::new()), ErrorCode::TypeMismatch);
        assert_eq!(text, "input 'input' expects optional(tensor(float)), got tensor(int64)");
    }

    #[test]
    fn an_index_past_the_end_names_the_count() {
        let infos = vec![image_input()];
        assert_eq!(info_at(&infos, 0, "input").unwrap().name, "input");
        let error = info_at(&infos, 1, "input").unwrap_err();
        assert_eq!(error.code(), ErrorCode::IndexOutOfRange);
        assert_eq!(error.message(), "input index 1 is out of range: the model has 1 input");
        assert!(info_at(&infos, 3, "output").unwrap_err().message().ends_with("1 output"));
        assert!(info_at(&[], 0, "output").unwrap_err().message().ends_with("0 outputs"));
        let error = info_at(&infos, -1i32, "input").unwrap_err();
        assert_eq!(error.message(), "input index -1 is out of range: the model has 1 input");
    }
}
