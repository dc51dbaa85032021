//! Operators whose kernels are written in the host language: a Rust closure, a C
//! function, a C++ callable, a Java lambda, a C# delegate, a JavaScript function.
//!
//! An [`Operator`] is a definition (domain, name, opset range, the element type of each
//! input and output, the attributes its kernel reads) and a [`Kernel`]. Added to
//! session options, it is registered with ONNX Runtime as a custom operator (one
//! `OrtCustomOpDomain` per domain, made for each session and kept by it), so a model
//! node `domain::name` runs the kernel. The glue is ONNX Runtime's C custom-op API
//! (`OrtCustomOp`), the same one a custom-op library uses.
//!
//! Rules every binding documents:
//! - The kernel runs on whichever thread runs the node: the thread that called `run`,
//!   one of ONNX Runtime's intra-op threads, or one of Onyx's async workers; for
//!   concurrent runs, on several at once. So a kernel must be thread-safe.
//! - Inputs and outputs are views of ONNX Runtime's memory, valid during the call only.
//! - Attributes are read once per node when the session loads; a declared attribute the
//!   node lacks (or has with another type) fails the load, `INVALID_MODEL`.
//! - A kernel's error fails that run with the kernel's code and message (a binding's
//!   exception: `KERNEL_FAILED`); a panic is caught (`PANIC`); the session stays usable.
//! - A session keeps the operators it was made with (and their kernels) alive.
//!
//! ```no_run
//! use onyx_core::{AttributeKind, ElementType, KernelContext, Operator, OperatorDefinition, Session, SessionOptions, Tensor};
//! # fn main() -> onyx_core::Result<()> {
//! // dev.onyx.test::ScaleShift, y = alpha * x + beta, as the suite's scale_shift.onnx uses it.
//! let definition = OperatorDefinition::new("dev.onyx.test", "ScaleShift")
//!     .input(ElementType::Float32)
//!     .output(ElementType::Float32)
//!     .attribute("alpha", AttributeKind::Float)
//!     .attribute("beta", AttributeKind::Float);
//! let scale_shift = Operator::new(definition, |context: &KernelContext<'_>| {
//!     let (alpha, beta) = (context.attribute_float("alpha")?, context.attribute_float("beta")?);
//!     let x = context.input(0)?;
//!     let mut y = context.output(0, x.shape())?;
//!     for (y, x) in y.as_mut_slice::<f32>()?.iter_mut().zip(x.as_slice::<f32>()?) {
//!         *y = alpha * x + beta;
//!     }
//!     Ok(())
//! })?;
//! let mut options = SessionOptions::new();
//! options.add_operator(&scale_shift)?;
//! let session = Session::from_file("customops/scale_shift.onnx", &options)?;
//! let x = Tensor::copy(&[2, 3], &[1f32, 2., 3., 4., 5., 6.])?;
//! let y = session.run(&[("x", &x)], None, None)?;
//! assert_eq!(y[0].as_slice::<f32>()?[5], 14.0);
//! # Ok(()) }
//! ```

use std::ffi::{c_char, c_void, CStr, CString};
use std::marker::PhantomData;
use std::ptr::{self, NonNull};
use std::sync::Arc;

use ort_sys::{
    ONNXTensorElementDataType, OrtApi, OrtCustomOp, OrtCustomOpDomain, OrtCustomOpInputOutputCharacteristic, OrtErrorCode, OrtKernelContext,
    OrtKernelInfo, OrtMemType, OrtStatusPtr, OrtValue, ORT_API_VERSION,
};

use crate::{ort_call, ElementType, Error, ErrorCode, Result, Tensor};

/// The type of an attribute a kernel reads; the numbers are ONNX's `AttributeProto`
/// types, the same in every language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u32)]
pub enum AttributeKind {
    Float = 1,
    Int = 2,
    String = 3,
}

impl AttributeKind {
    pub const ALL: [AttributeKind; 3] = [Self::Float, Self::Int, Self::String];

    pub fn name(self) -> &'static str {
        match self {
            Self::Float => "FLOAT",
            Self::Int => "INT",
            Self::String => "STRING",
        }
    }

    pub fn from_u32(value: u32) -> Result<AttributeKind> {
        Self::ALL
            .into_iter()
            .find(|k| *k as u32 == value)
            .ok_or_else(|| Error::new(ErrorCode::InvalidArgument, format!("{value} is not an attribute kind (FLOAT 1, INT 2, STRING 3)")))
    }
}

/// What an operator is: its name in the model, and its inputs, outputs and attributes.
#[derive(Debug, Clone)]
pub struct OperatorDefinition {
    domain: String,
    name: String,
    since_version: i32,
    until_version: i32,
    inputs: Vec<ElementType>,
    outputs: Vec<ElementType>,
    attributes: Vec<(String, AttributeKind)>,
}

impl OperatorDefinition {
    /// `domain::name`, for every opset version of the domain, with no inputs, outputs
    /// or attributes yet.
    pub fn new(domain: &str, name: &str) -> Self {
        OperatorDefinition {
            domain: domain.into(),
            name: name.into(),
            since_version: 1,
            until_version: i32::MAX,
            inputs: Vec::new(),
            outputs: Vec::new(),
            attributes: Vec::new(),
        }
    }

    /// The next input, a tensor of this element type.
    pub fn input(mut self, element_type: ElementType) -> Self {
        self.inputs.push(element_type);
        self
    }

    /// The next output, a tensor of this element type.
    pub fn output(mut self, element_type: ElementType) -> Self {
        self.outputs.push(element_type);
        self
    }

    /// An attribute every node of this operator must have, read once per node at load.
    pub fn attribute(mut self, name: &str, kind: AttributeKind) -> Self {
        self.attributes.push((name.into(), kind));
        self
    }

    /// The domain's opset versions this operator is for (default 1 to the latest).
    pub fn versions(mut self, since: i32, until: i32) -> Self {
        self.since_version = since;
        self.until_version = until;
        self
    }
}

/// The code an operator runs. Errors it returns fail the run with their code (use
/// `ErrorCode::KernelFailed` for the kernel's own); see the module's rules.
pub trait Kernel: Send + Sync {
    fn compute(&self, context: &KernelContext<'_>) -> Result<()>;
}

impl<F: Fn(&KernelContext<'_>) -> Result<()> + Send + Sync> Kernel for F {
    fn compute(&self, context: &KernelContext<'_>) -> Result<()> {
        self(context)
    }
}

/// An operator with its kernel, ready to add to session options
/// (`SessionOptions::add_operator`).
#[repr(C)]
pub struct Operator {
    /// First, so the `*const OrtCustomOp` ONNX Runtime passes back is the operator.
    ort: OrtCustomOp,
    domain: CString,
    name: CString,
    definition: OperatorDefinition,
    attribute_names: Vec<CString>,
    kernel: Box<dyn Kernel>,
}

// SAFETY: `ort` holds only function pointers and numbers; the rest is Send + Sync.
unsafe impl Send for Operator {}
unsafe impl Sync for Operator {}

impl Operator {
    /// Checks the definition: a domain other than ONNX's own, names without NUL,
    /// at least one output, distinct attribute names, `1 <= since <= until`.
    pub fn new(definition: OperatorDefinition, kernel: impl Kernel + 'static) -> Result<Arc<Operator>> {
        let invalid = |what: String| Error::new(ErrorCode::InvalidArgument, format!("operator '{}::{}': {what}", definition.domain, definition.name));
        crate::check_text("operator domain", &definition.domain)?;
        crate::check_text("operator name", &definition.name)?;
        if definition.domain.is_empty() || definition.domain == "ai.onnx" || definition.domain == "ai.onnx.ml" {
            return Err(invalid("the domain must be your own (for example 'com.example'), not empty or one of ONNX's".into()));
        }
        if definition.name.is_empty() {
            return Err(invalid("the name is empty".into()));
        }
        if definition.outputs.is_empty() {
            return Err(invalid("an operator needs at least one output".into()));
        }
        if definition.since_version < 1 || definition.until_version < definition.since_version {
            return Err(invalid(format!(
                "opset versions {} to {} are not a range starting at 1 or later",
                definition.since_version, definition.until_version
            )));
        }
        let mut attribute_names = Vec::with_capacity(definition.attributes.len());
        for (i, (name, _)) in definition.attributes.iter().enumerate() {
            crate::check_text("attribute name", name)?;
            if name.is_empty() || definition.attributes[..i].iter().any(|(other, _)| other == name) {
                return Err(invalid(format!("attribute name '{name}' is empty or given twice")));
            }
            attribute_names.push(CString::new(name.as_str()).expect("checked: no NUL"));
        }
        Ok(Arc::new(Operator {
            ort: custom_op(),
            domain: CString::new(definition.domain.as_str()).expect("checked: no NUL"),
            name: CString::new(definition.name.as_str()).expect("checked: no NUL"),
            definition,
            attribute_names,
            kernel: Box::new(kernel),
        }))
    }

    pub fn domain(&self) -> &str {
        &self.definition.domain
    }

    pub fn name(&self) -> &str {
        &self.definition.name
    }

    pub fn definition(&self) -> &OperatorDefinition {
        &self.definition
    }

    fn describe(&self) -> String {
        format!("{}::{}", self.definition.domain, self.definition.name)
    }
}

/// By identity: two operators with one definition may have different kernels.
impl PartialEq for Operator {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self, other)
    }
}

impl Eq for Operator {}

impl std::fmt::Debug for Operator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Operator({})", self.describe())
    }
}

/// A node's attribute value, as its kernel reads it.
#[derive(Debug, Clone, PartialEq)]
enum AttributeValue {
    Float(f32),
    Int(i64),
    String(String),
}

/// What ONNX Runtime's CreateKernelV2 makes for one node. Immutable after creation:
/// concurrent runs share it.
struct NodeKernel {
    operator: *const Operator,
    node: String,
    attributes: Vec<AttributeValue>,
}

/// One call of a kernel: its node's attributes, its inputs and its outputs.
pub struct KernelContext<'a> {
    raw: *mut OrtKernelContext,
    node: &'a NodeKernel,
    _call: PhantomData<&'a ()>,
}

/// A tensor ONNX Runtime owns, lent to a kernel for one call.
pub struct KernelTensor<'a> {
    tensor: std::mem::ManuallyDrop<Tensor>,
    _call: PhantomData<&'a ()>,
}

impl std::ops::Deref for KernelTensor<'_> {
    type Target = Tensor;
    fn deref(&self) -> &Tensor {
        &self.tensor
    }
}

impl std::ops::DerefMut for KernelTensor<'_> {
    fn deref_mut(&mut self) -> &mut Tensor {
        &mut self.tensor
    }
}

impl Drop for KernelTensor<'_> {
    fn drop(&mut self) {
        // The OrtValue is ONNX Runtime's: forget the wrapper without releasing it.
        unsafe { std::mem::ManuallyDrop::take(&mut self.tensor).end_lent() };
    }
}

impl<'a> KernelContext<'a> {
    fn operator(&self) -> &'a Operator {
        unsafe { &*self.node.operator }
    }

    /// The model's name for this node.
    pub fn node_name(&self) -> &str {
        &self.node.node
    }

    pub fn input_count(&self) -> usize {
        self.operator().definition.inputs.len()
    }

    pub fn output_count(&self) -> usize {
        self.operator().definition.outputs.len()
    }

    /// Input `index`, ONNX Runtime's memory seen in place.
    pub fn input(&self, index: usize) -> Result<KernelTensor<'_>> {
        Ok(lend(unsafe { self.input_lent(index) }?))
    }

    /// Output `index` with this shape, allocated by ONNX Runtime, for the kernel to fill.
    pub fn output(&self, index: usize, shape: &[i64]) -> Result<KernelTensor<'_>> {
        Ok(lend(unsafe { self.output_lent(index, shape) }?))
    }

    /// As [`input`](Self::input), as a plain `Tensor`, for a binding that hands it to
    /// another language.
    ///
    /// # Safety
    /// The tensor is used only during this call of the kernel and ends with
    /// [`Tensor::end_lent`], never dropped (the memory and its OrtValue are ONNX Runtime's).
    pub unsafe fn input_lent(&self, index: usize) -> Result<Tensor> {
        self.check_index("input", index, self.input_count())?;
        let mut value: *const OrtValue = ptr::null();
        ort_call::check(unsafe { (ort_call::api().KernelContext_GetInput)(self.raw, index, &mut value) }, ErrorCode::RuntimeError, "reading a kernel input")?;
        let value = NonNull::new(value.cast_mut()).ok_or_else(|| Error::new(ErrorCode::RuntimeError, format!("input {index} of {} is absent", self.describe())))?;
        unsafe { Tensor::view_runtime_value(value) }
    }

    /// As [`output`](Self::output), as a plain `Tensor`.
    ///
    /// # Safety
    /// As [`input_lent`](Self::input_lent).
    pub unsafe fn output_lent(&self, index: usize, shape: &[i64]) -> Result<Tensor> {
        self.check_index("output", index, self.output_count())?;
        let element_type = self.operator().definition.outputs[index];
        // The same checks (and fallible size arithmetic) as any tensor of that shape.
        Tensor::byte_length_for(element_type, shape).map_err(|e| Error::new(e.code(), format!("output {index} of {}: {}", self.describe(), e.message())))?;
        let mut value: *mut OrtValue = ptr::null_mut();
        ort_call::check(
            unsafe { (ort_call::api().KernelContext_GetOutput)(self.raw, index, shape.as_ptr(), shape.len(), &mut value) },
            ErrorCode::OutOfMemory,
            &format!("allocating output {index} of {}", self.describe()),
        )?;
        let value = NonNull::new(value).ok_or_else(|| Error::new(ErrorCode::RuntimeError, format!("ONNX Runtime gave no output {index}")))?;
        unsafe { Tensor::view_runtime_value(value) }
    }

    /// The node's float attribute `name` (declared FLOAT).
    pub fn attribute_float(&self, name: &str) -> Result<f32> {
        match self.attribute(name, AttributeKind::Float)? {
            AttributeValue::Float(v) => Ok(*v),
            _ => unreachable!("declared kinds are checked at load"),
        }
    }

    /// The node's integer attribute `name` (declared INT).
    pub fn attribute_int(&self, name: &str) -> Result<i64> {
        match self.attribute(name, AttributeKind::Int)? {
            AttributeValue::Int(v) => Ok(*v),
            _ => unreachable!("declared kinds are checked at load"),
        }
    }

    /// The node's string attribute `name` (declared STRING).
    pub fn attribute_string(&self, name: &str) -> Result<&str> {
        match self.attribute(name, AttributeKind::String)? {
            AttributeValue::String(v) => Ok(v),
            _ => unreachable!("declared kinds are checked at load"),
        }
    }

    fn attribute(&self, name: &str, kind: AttributeKind) -> Result<&AttributeValue> {
        let declared = &self.operator().definition.attributes;
        match declared.iter().position(|(n, _)| n == name) {
            Some(i) if declared[i].1 == kind => Ok(&self.node.attributes[i]),
            Some(i) => Err(Error::new(
                ErrorCode::TypeMismatch,
                format!("attribute '{name}' of {} is declared {}, not {}", self.describe(), declared[i].1.name(), kind.name()),
            )),
            None => Err(Error::new(
                ErrorCode::InvalidArgument,
                format!(
                    "{} declares no attribute '{name}'; it declares: {}",
                    self.describe(),
                    if declared.is_empty() { "none".into() } else { declared.iter().map(|(n, k)| format!("{n} ({})", k.name())).collect::<Vec<_>>().join(", ") }
                ),
            )),
        }
    }

    fn check_index(&self, what: &str, index: usize, count: usize) -> Result<()> {
        if index < count {
            return Ok(());
        }
        Err(Error::new(ErrorCode::IndexOutOfRange, format!("{what} index {index} is out of range: {} has {count} {what}s", self.describe())))
    }

    fn describe(&self) -> String {
        format!("operator {} (node '{}')", self.operator().describe(), self.node.node)
    }
}

fn lend<'a>(tensor: Tensor) -> KernelTensor<'a> {
    KernelTensor { tensor: std::mem::ManuallyDrop::new(tensor), _call: PhantomData }
}

// --- registration -------------------------------------------------------------------

/// The custom-op domains made for one session from its options' operators; ONNX
/// Runtime uses them (and the operators) as long as the session lives.
pub(crate) struct OperatorDomains {
    domains: Vec<NonNull<OrtCustomOpDomain>>,
    _operators: Vec<Arc<Operator>>,
}

// SAFETY: the domains are only released, once, on drop.
unsafe impl Send for OperatorDomains {}
unsafe impl Sync for OperatorDomains {}

impl OperatorDomains {
    /// Registers `operators` on ONNX Runtime session options, one domain per domain name.
    pub(crate) fn register(session_options: *mut ort_sys::OrtSessionOptions, operators: &[Arc<Operator>]) -> Result<OperatorDomains> {
        let api = ort_call::api();
        let mut made = OperatorDomains { domains: Vec::new(), _operators: operators.to_vec() };
        let mut names: Vec<&CStr> = Vec::new();
        for operator in operators {
            if !names.contains(&operator.domain.as_c_str()) {
                names.push(&operator.domain);
            }
        }
        for name in names {
            let mut domain = ptr::null_mut();
            ort_call::check(unsafe { (api.CreateCustomOpDomain)(name.as_ptr(), &mut domain) }, ErrorCode::RuntimeError, "creating a custom-op domain")?;
            let domain = NonNull::new(domain).ok_or_else(|| Error::new(ErrorCode::RuntimeError, "ONNX Runtime made no custom-op domain"))?;
            made.domains.push(domain);
            for operator in operators.iter().filter(|o| o.domain.as_c_str() == name) {
                ort_call::check(
                    unsafe { (api.CustomOpDomain_Add)(domain.as_ptr(), &operator.ort) },
                    ErrorCode::InvalidArgument,
                    &format!("adding operator {}", operator.describe()),
                )?;
            }
            ort_call::check(
                unsafe { (api.AddCustomOpDomain)(session_options, domain.as_ptr()) },
                ErrorCode::InvalidArgument,
                &format!("registering operator domain {}", name.to_string_lossy()),
            )?;
        }
        Ok(made)
    }
}

impl Drop for OperatorDomains {
    fn drop(&mut self) {
        for domain in &self.domains {
            unsafe { (ort_call::api().ReleaseCustomOpDomain)(domain.as_ptr()) };
        }
    }
}

/// Marks a status this module made, so the run's (or load's) error keeps the kernel's
/// code and message rather than ONNX Runtime's generic wrapping of it.
const MARKER: &str = "[onyx operator] ";

/// The Onyx error a failed run or load carries when it came from an operator of this
/// module: `context: <the kernel's message>` with the kernel's code.
pub(crate) fn operator_error(context: &str, runtime_message: &str) -> Option<Error> {
    let at = runtime_message.find(MARKER)?;
    let rest = &runtime_message[at + MARKER.len()..];
    let (code, message) = rest.split_once(' ')?;
    let code = ErrorCode::ALL.into_iter().find(|c| c.name() == code)?;
    Some(Error::new(code, format!("{context}: {message}")))
}

unsafe fn status(api: &OrtApi, error: &Error) -> OrtStatusPtr {
    let text = CString::new(format!("{MARKER}{} {}", error.code().name(), error.message()).replace('\0', " ")).expect("NULs replaced");
    unsafe { (api.CreateStatus)(OrtErrorCode::ORT_FAIL, text.as_ptr()) }
}

// --- the OrtCustomOp entry points ----------------------------------------------------

/// Which entries may be NULL was checked against ONNX Runtime 1.31.1 (see customops/,
/// the test library): GetExecutionProviderType, GetInputCharacteristic,
/// GetOutputCharacteristic and GetInputMemoryType are called without a NULL check.
fn custom_op() -> OrtCustomOp {
    OrtCustomOp {
        version: ORT_API_VERSION,
        // V2 entry points only: unlike V1 they can fail with a status.
        CreateKernel: None,
        KernelCompute: None,
        CreateKernelV2: Some(create_kernel),
        KernelComputeV2: Some(compute),
        KernelDestroy: Some(destroy_kernel),
        GetName: Some(name),
        GetExecutionProviderType: Some(cpu),
        GetInputType: Some(input_type),
        GetInputTypeCount: Some(input_count),
        GetOutputType: Some(output_type),
        GetOutputTypeCount: Some(output_count),
        GetInputCharacteristic: Some(required),
        GetOutputCharacteristic: Some(required),
        GetInputMemoryType: Some(default_memory),
        GetVariadicInputMinArity: None,
        GetVariadicInputHomogeneity: None,
        GetVariadicOutputMinArity: None,
        GetVariadicOutputHomogeneity: None,
        InferOutputShapeFn: None,
        GetStartVersion: Some(since_version),
        GetEndVersion: Some(until_version),
        GetMayInplace: None,
        ReleaseMayInplace: None,
        GetAliasMap: None,
        ReleaseAliasMap: None,
    }
}

unsafe fn operator<'a>(op: *const OrtCustomOp) -> &'a Operator {
    unsafe { &*op.cast::<Operator>() }
}

unsafe extern "system" fn name(op: *const OrtCustomOp) -> *const c_char {
    unsafe { operator(op) }.name.as_ptr()
}

unsafe extern "system" fn cpu(_: *const OrtCustomOp) -> *const c_char {
    ptr::null()
}

unsafe extern "system" fn input_type(op: *const OrtCustomOp, index: usize) -> ONNXTensorElementDataType {
    let inputs = &unsafe { operator(op) }.definition.inputs;
    inputs.get(index).map_or(ONNXTensorElementDataType::ONNX_TENSOR_ELEMENT_DATA_TYPE_UNDEFINED, |t| t.to_sys())
}

unsafe extern "system" fn input_count(op: *const OrtCustomOp) -> usize {
    unsafe { operator(op) }.definition.inputs.len()
}

unsafe extern "system" fn output_type(op: *const OrtCustomOp, index: usize) -> ONNXTensorElementDataType {
    let outputs = &unsafe { operator(op) }.definition.outputs;
    outputs.get(index).map_or(ONNXTensorElementDataType::ONNX_TENSOR_ELEMENT_DATA_TYPE_UNDEFINED, |t| t.to_sys())
}

unsafe extern "system" fn output_count(op: *const OrtCustomOp) -> usize {
    unsafe { operator(op) }.definition.outputs.len()
}

unsafe extern "system" fn required(_: *const OrtCustomOp, _: usize) -> OrtCustomOpInputOutputCharacteristic {
    OrtCustomOpInputOutputCharacteristic::INPUT_OUTPUT_REQUIRED
}

unsafe extern "system" fn default_memory(_: *const OrtCustomOp, _: usize) -> OrtMemType {
    OrtMemType::OrtMemTypeDefault
}

unsafe extern "system" fn since_version(op: *const OrtCustomOp) -> std::ffi::c_int {
    unsafe { operator(op) }.definition.since_version
}

unsafe extern "system" fn until_version(op: *const OrtCustomOp) -> std::ffi::c_int {
    unsafe { operator(op) }.definition.until_version
}

unsafe extern "system" fn create_kernel(op: *const OrtCustomOp, api: *const OrtApi, info: *const OrtKernelInfo, kernel: *mut *mut c_void) -> OrtStatusPtr {
    let api = unsafe { &*api };
    let operator = unsafe { operator(op) };
    let made = crate::panic::catch_panic(|| unsafe { node_kernel(api, operator, info) });
    match made {
        Ok(node) => {
            unsafe { *kernel = Box::into_raw(Box::new(node)).cast() };
            OrtStatusPtr(ptr::null_mut())
        }
        Err(error) => unsafe { status(api, &error) },
    }
}

/// Reads the node's name and its declared attributes.
unsafe fn node_kernel(api: &OrtApi, operator: &Operator, info: *const OrtKernelInfo) -> Result<NodeKernel> {
    let node = unsafe { kernel_info_string(|out, size| (api.KernelInfo_GetNodeName)(info, out, size)) }.unwrap_or_default();
    let mut attributes = Vec::with_capacity(operator.attribute_names.len());
    for (name, (text, kind)) in operator.attribute_names.iter().zip(&operator.definition.attributes) {
        let missing = || {
            Error::new(
                ErrorCode::InvalidModel,
                format!("node '{node}' of operator {} has no {} attribute '{text}', which the operator declares", operator.describe(), kind.name()),
            )
        };
        let value = match kind {
            AttributeKind::Float => {
                let mut v = 0f32;
                ort_call::check(unsafe { (api.KernelInfoGetAttribute_float)(info, name.as_ptr(), &mut v) }, ErrorCode::InvalidModel, "").map_err(|_| missing())?;
                AttributeValue::Float(v)
            }
            AttributeKind::Int => {
                let mut v = 0i64;
                ort_call::check(unsafe { (api.KernelInfoGetAttribute_int64)(info, name.as_ptr(), &mut v) }, ErrorCode::InvalidModel, "").map_err(|_| missing())?;
                AttributeValue::Int(v)
            }
            AttributeKind::String => {
                let bytes = unsafe { kernel_info_string(|out, size| (api.KernelInfoGetAttribute_string)(info, name.as_ptr(), out, size)) }.ok_or_else(missing)?;
                AttributeValue::String(bytes)
            }
        };
        attributes.push(value);
    }
    Ok(NodeKernel { operator, node, attributes })
}

/// A string ONNX Runtime writes in two calls (size, then text); None when it fails.
unsafe fn kernel_info_string(read: impl Fn(*mut c_char, *mut usize) -> OrtStatusPtr) -> Option<String> {
    let mut size = 0usize;
    ort_call::check(read(ptr::null_mut(), &mut size), ErrorCode::RuntimeError, "").ok()?;
    let mut buffer = Vec::new();
    buffer.try_reserve_exact(size).ok()?;
    buffer.resize(size, 0u8);
    ort_call::check(read(buffer.as_mut_ptr().cast(), &mut size), ErrorCode::RuntimeError, "").ok()?;
    let text = CStr::from_bytes_until_nul(&buffer).ok()?;
    Some(text.to_string_lossy().into_owned())
}

unsafe extern "system" fn compute(kernel: *mut c_void, raw: *mut OrtKernelContext) -> OrtStatusPtr {
    let node = unsafe { &*kernel.cast::<NodeKernel>() };
    let context = KernelContext { raw, node, _call: PhantomData };
    let operator = context.operator();
    let result = match crate::panic::catch_panic_text(|| operator.kernel.compute(&context)) {
        Ok(Ok(())) => return OrtStatusPtr(ptr::null_mut()),
        Ok(Err(error)) => Error::new(error.code(), format!("{} failed: {}", context.describe(), error.message())),
        Err(panic) => Error::new(ErrorCode::Panic, format!("the kernel of {} panicked: {panic}", context.describe())),
    };
    unsafe { status(ort_call::api(), &result) }
}

unsafe extern "system" fn destroy_kernel(kernel: *mut c_void) {
    if !kernel.is_null() {
        drop(unsafe { Box::from_raw(kernel.cast::<NodeKernel>()) });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn definitions_are_checked() {
        let ok = |_: &KernelContext<'_>| Ok(());
        let def = |domain: &str| OperatorDefinition::new(domain, "Op").input(ElementType::Float32).output(ElementType::Float32);
        for domain in ["", "ai.onnx", "ai.onnx.ml"] {
            assert_eq!(Operator::new(def(domain), ok).unwrap_err().code(), ErrorCode::InvalidArgument);
        }
        let e = Operator::new(OperatorDefinition::new("x.y", "Op"), ok).unwrap_err();
        assert!(e.message().contains("at least one output"), "{}", e.message());
        let e = Operator::new(def("x.y").versions(3, 2), ok).unwrap_err();
        assert!(e.message().contains("opset versions 3 to 2"), "{}", e.message());
        let twice = def("x.y").attribute("a", AttributeKind::Float).attribute("a", AttributeKind::Int);
        assert!(Operator::new(twice, ok).unwrap_err().message().contains("'a' is empty or given twice"));
        assert_eq!(Operator::new(def("x\0y"), ok).unwrap_err().code(), ErrorCode::InvalidArgument);
        assert!(Operator::new(def("x.y").attribute("alpha", AttributeKind::Float), ok).is_ok());
    }

    #[test]
    fn marked_statuses_keep_code_and_message() {
        let e = operator_error("running the model", "Non-zero status code returned while running Op node. Name:'n' Status Message: [onyx operator] KERNEL_FAILED operator x::Op (node 'n') failed: boom").unwrap();
        assert_eq!(e.code(), ErrorCode::KernelFailed);
        assert_eq!(e.message(), "running the model: operator x::Op (node 'n') failed: boom");
        assert!(operator_error("x", "some other failure").is_none());
        assert_eq!(AttributeKind::from_u32(2).unwrap(), AttributeKind::Int);
        assert!(AttributeKind::from_u32(7).is_err());
    }
}
