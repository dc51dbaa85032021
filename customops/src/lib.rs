//! A tiny custom-operator library for the Onyx tests, written against ONNX Runtime's
//! C API (the `ort-sys` structs; nothing is linked: the runtime hands its API table to
//! `RegisterCustomOps`).
//!
//! Domain `dev.onyx.test` (opset versions 1 and later), CPU only:
//! - `ScaleShift`: one float tensor `x`, one float tensor `y` of the same shape,
//!   required float attributes `alpha` and `beta`: `y = alpha * x + beta`, element by
//!   element, in f32 (one rounding for the product and one for the sum, like NumPy's
//!   `alpha * x + beta` on float32 arrays; no fused multiply-add).
//! - `Fail`: one float input, one float output; every run fails with the status
//!   [`FAIL_MESSAGE`] (code `ORT_FAIL`), for the error-path tests.
//!
//! ONNX Runtime loads it with `RegisterCustomOpsLibrary_V2` (the Python binding:
//! `SessionOptions.register_custom_ops_library`). The operator descriptions are statics;
//! the domain is made once per ONNX Runtime API table and reused by every later
//! registration, so registering the library for many sessions allocates nothing more.

use std::ffi::{c_char, c_void, CStr};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;
use std::sync::Mutex;

use ort_sys::{
    ONNXTensorElementDataType, OrtApi, OrtApiBase, OrtCustomOp, OrtErrorCode, OrtKernelContext, OrtKernelInfo,
    OrtSessionOptions, OrtStatus, OrtStatusPtr, OrtValue, ORT_API_VERSION,
};

/// The domain of both operators.
pub const DOMAIN: &CStr = c"dev.onyx.test";
/// The message of the status every `Fail` run returns.
pub const FAIL_MESSAGE: &CStr = c"ScaleShift test library: Fail was called";

const FLOAT: ONNXTensorElementDataType = ONNXTensorElementDataType::ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT;

/// What `CreateKernelV2` makes for one node: the API table and, for ScaleShift, the
/// node's attributes. Immutable after creation, so concurrent runs may share it.
struct Kernel {
    api: *const OrtApi,
    alpha: f32,
    beta: f32,
}

// --- the operator descriptions ------------------------------------------------------

/// One operator: one float input, one float output, CPU, opset versions 1 and later.
///
/// Which entries may be NULL was checked against ONNX Runtime 1.31.1: it calls
/// GetExecutionProviderType, GetInputCharacteristic, GetOutputCharacteristic and
/// GetInputMemoryType without a NULL check (a NULL one crashes session creation), so
/// they are set, as `Ort::CustomOpBase` in onnxruntime_cxx_api.h sets them. The others
/// left NULL are optional: the variadic arities (read only for a variadic input or
/// output), InferOutputShapeFn (no shape inference: the kernel gives the output its
/// shape), GetStartVersion/GetEndVersion (defaults 1 and the latest), and the
/// in-place and alias maps (none).
const fn op(
    name: unsafe extern "system" fn(*const OrtCustomOp) -> *const c_char,
    create: unsafe extern "system" fn(*const OrtCustomOp, *const OrtApi, *const OrtKernelInfo, *mut *mut c_void) -> OrtStatusPtr,
    compute: unsafe extern "system" fn(*mut c_void, *mut OrtKernelContext) -> OrtStatusPtr,
) -> OrtCustomOp {
    OrtCustomOp {
        // The API version these structs were built for (ort-sys with api-23).
        version: ORT_API_VERSION,
        // The V1 kernel entry points stay NULL: with version >= 16 ONNX Runtime uses
        // CreateKernelV2 and KernelComputeV2, which (unlike V1) can return an error
        // status: a missing attribute, Fail's message.
        CreateKernel: None,
        KernelCompute: None,
        CreateKernelV2: Some(create),
        KernelComputeV2: Some(compute),
        KernelDestroy: Some(kernel_destroy),
        GetName: Some(name),
        GetExecutionProviderType: Some(cpu),
        GetInputType: Some(float_type),
        GetInputTypeCount: Some(one),
        GetOutputType: Some(float_type),
        GetOutputTypeCount: Some(one),
        GetInputCharacteristic: Some(required),
        GetOutputCharacteristic: Some(required),
        GetInputMemoryType: Some(default_memory),
        GetVariadicInputMinArity: None,
        GetVariadicInputHomogeneity: None,
        GetVariadicOutputMinArity: None,
        GetVariadicOutputHomogeneity: None,
        InferOutputShapeFn: None,
        GetStartVersion: None,
        GetEndVersion: None,
        GetMayInplace: None,
        ReleaseMayInplace: None,
        GetAliasMap: None,
        ReleaseAliasMap: None,
    }
}

static SCALE_SHIFT: OrtCustomOp = op(scale_shift_name, scale_shift_create, scale_shift_compute);
static FAIL: OrtCustomOp = op(fail_name, fail_create, fail_compute);

unsafe extern "system" fn scale_shift_name(_: *const OrtCustomOp) -> *const c_char {
    c"ScaleShift".as_ptr()
}

unsafe extern "system" fn fail_name(_: *const OrtCustomOp) -> *const c_char {
    c"Fail".as_ptr()
}

/// NULL: the CPU execution provider (the entry itself must not be NULL).
unsafe extern "system" fn cpu(_: *const OrtCustomOp) -> *const c_char {
    ptr::null()
}

/// Inputs in the execution provider's default (CPU) memory.
unsafe extern "system" fn default_memory(_: *const OrtCustomOp, _index: usize) -> ort_sys::OrtMemType {
    ort_sys::OrtMemType::OrtMemTypeDefault
}

unsafe extern "system" fn float_type(_: *const OrtCustomOp, _index: usize) -> ONNXTensorElementDataType {
    FLOAT
}

unsafe extern "system" fn required(_: *const OrtCustomOp, _index: usize) -> ort_sys::OrtCustomOpInputOutputCharacteristic {
    ort_sys::OrtCustomOpInputOutputCharacteristic::INPUT_OUTPUT_REQUIRED
}

unsafe extern "system" fn one(_: *const OrtCustomOp) -> usize {
    1
}

unsafe extern "system" fn kernel_destroy(kernel: *mut c_void) {
    if !kernel.is_null() {
        drop(unsafe { Box::from_raw(kernel.cast::<Kernel>()) });
    }
}

// --- kernels ------------------------------------------------------------------------

/// Turns an `Err` (or a panic) into a status made by ONNX Runtime.
unsafe fn guarded(api: *const OrtApi, body: impl FnOnce() -> Result<(), Error>) -> OrtStatusPtr {
    let result = catch_unwind(AssertUnwindSafe(body)).unwrap_or_else(|_| {
        Err(Error::Message(OrtErrorCode::ORT_FAIL, "ScaleShift test library: a kernel panicked".into()))
    });
    match result {
        Ok(()) => OrtStatusPtr(ptr::null_mut()),
        Err(Error::Status(status)) => status,
        Err(Error::Message(code, text)) => unsafe { status(api, code, &text) },
    }
}

enum Error {
    /// A status ONNX Runtime returned, passed on as it is.
    Status(OrtStatusPtr),
    Message(OrtErrorCode, String),
}

/// `?` on an ONNX Runtime call.
fn check(status: OrtStatusPtr) -> Result<(), Error> {
    if status.0.is_null() { Ok(()) } else { Err(Error::Status(status)) }
}

unsafe fn status(api: *const OrtApi, code: OrtErrorCode, text: &str) -> OrtStatusPtr {
    let mut bytes: Vec<u8> = text.bytes().filter(|&b| b != 0).collect();
    bytes.push(0);
    unsafe { ((*api).CreateStatus)(code, bytes.as_ptr().cast()) }
}

unsafe fn float_attribute(api: *const OrtApi, info: *const OrtKernelInfo, name: &CStr) -> Result<f32, Error> {
    let mut value = 0f32;
    let status = unsafe { ((*api).KernelInfoGetAttribute_float)(info, name.as_ptr(), &mut value) };
    if !status.0.is_null() {
        let reason = unsafe { CStr::from_ptr(((*api).GetErrorMessage)(status.0)) }.to_string_lossy().into_owned();
        unsafe { ((*api).ReleaseStatus)(status.0) };
        return Err(Error::Message(
            OrtErrorCode::ORT_INVALID_ARGUMENT,
            format!("ScaleShift test library: ScaleShift needs the float attribute '{}': {reason}", name.to_string_lossy()),
        ));
    }
    Ok(value)
}

unsafe fn create(api: *const OrtApi, kernel: *mut *mut c_void, alpha: f32, beta: f32) {
    unsafe { *kernel = Box::into_raw(Box::new(Kernel { api, alpha, beta })).cast() };
}

unsafe extern "system" fn scale_shift_create(
    _: *const OrtCustomOp,
    api: *const OrtApi,
    info: *const OrtKernelInfo,
    kernel: *mut *mut c_void,
) -> OrtStatusPtr {
    unsafe {
        guarded(api, || {
            let alpha = float_attribute(api, info, c"alpha")?;
            let beta = float_attribute(api, info, c"beta")?;
            create(api, kernel, alpha, beta);
            Ok(())
        })
    }
}

unsafe extern "system" fn fail_create(
    _: *const OrtCustomOp,
    api: *const OrtApi,
    _info: *const OrtKernelInfo,
    kernel: *mut *mut c_void,
) -> OrtStatusPtr {
    unsafe {
        guarded(api, || {
            create(api, kernel, 0.0, 0.0);
            Ok(())
        })
    }
}

unsafe extern "system" fn scale_shift_compute(kernel: *mut c_void, context: *mut OrtKernelContext) -> OrtStatusPtr {
    let kernel = unsafe { &*kernel.cast::<Kernel>() };
    let api = kernel.api;
    unsafe {
        guarded(api, || {
            let a = &*api;
            let mut input: *const OrtValue = ptr::null();
            check((a.KernelContext_GetInput)(context, 0, &mut input))?;
            let mut info = ptr::null_mut();
            check((a.GetTensorTypeAndShape)(input, &mut info))?;
            let mut rank = 0usize;
            let mut count = 0usize;
            let mut shape = Vec::new();
            let got = (|| {
                check((a.GetDimensionsCount)(info, &mut rank))?;
                shape.resize(rank, 0i64);
                check((a.GetDimensions)(info, shape.as_mut_ptr(), rank))?;
                check((a.GetTensorShapeElementCount)(info, &mut count))
            })();
            (a.ReleaseTensorTypeAndShapeInfo)(info);
            got?;
            let mut output: *mut OrtValue = ptr::null_mut();
            check((a.KernelContext_GetOutput)(context, 0, shape.as_ptr(), rank, &mut output))?;
            if count == 0 {
                return Ok(());
            }
            let mut x: *const c_void = ptr::null();
            check((a.GetTensorData)(input, &mut x))?;
            let mut y: *mut c_void = ptr::null_mut();
            check((a.GetTensorMutableData)(output, &mut y))?;
            let x = std::slice::from_raw_parts(x.cast::<f32>(), count);
            let y = std::slice::from_raw_parts_mut(y.cast::<f32>(), count);
            let (alpha, beta) = (kernel.alpha, kernel.beta);
            for (y, &x) in y.iter_mut().zip(x) {
                *y = alpha * x + beta;
            }
            Ok(())
        })
    }
}

unsafe extern "system" fn fail_compute(kernel: *mut c_void, _context: *mut OrtKernelContext) -> OrtStatusPtr {
    let api = unsafe { &*kernel.cast::<Kernel>() }.api;
    unsafe { ((*api).CreateStatus)(OrtErrorCode::ORT_FAIL, FAIL_MESSAGE.as_ptr()) }
}

// --- registration -------------------------------------------------------------------

/// (API table, domain) pairs made so far, as addresses. One per ONNX Runtime in the
/// process (normally one); a domain is never released: sessions made from any
/// options it was added to may still use it.
static DOMAINS: Mutex<Vec<(usize, usize)>> = Mutex::new(Vec::new());

unsafe fn domain_for(api: *const OrtApi) -> Result<*mut ort_sys::OrtCustomOpDomain, Error> {
    let mut domains = DOMAINS.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(&(_, domain)) = domains.iter().find(|(a, _)| *a == api as usize) {
        return Ok(domain as *mut _);
    }
    let a = unsafe { &*api };
    let mut domain = ptr::null_mut();
    check(unsafe { (a.CreateCustomOpDomain)(DOMAIN.as_ptr(), &mut domain) })?;
    for op in [&SCALE_SHIFT, &FAIL] {
        if let Err(e) = check(unsafe { (a.CustomOpDomain_Add)(domain, op) }) {
            unsafe { (a.ReleaseCustomOpDomain)(domain) };
            return Err(e);
        }
    }
    domains.push((api as usize, domain as usize));
    Ok(domain)
}

/// The entry point ONNX Runtime looks up: adds the `dev.onyx.test` domain to `options`.
///
/// # Safety
/// Called by ONNX Runtime with valid session options and its own API base.
#[no_mangle]
pub unsafe extern "C" fn RegisterCustomOps(options: *mut OrtSessionOptions, api_base: *const OrtApiBase) -> *mut OrtStatus {
    if api_base.is_null() {
        return ptr::null_mut();
    }
    let api = unsafe { ((*api_base).GetApi)(ORT_API_VERSION) };
    if api.is_null() {
        // A runtime older than this library's API version: report it with the oldest
        // API table, whose CreateStatus every runtime has.
        let v1 = unsafe { ((*api_base).GetApi)(1) };
        if v1.is_null() {
            return ptr::null_mut();
        }
        let version = unsafe { CStr::from_ptr(((*api_base).GetVersionString)()) }.to_string_lossy().into_owned();
        let text = format!(
            "ScaleShift test library: ONNX Runtime {version} does not provide C API version {ORT_API_VERSION} (1.{ORT_API_VERSION} or later is needed)"
        );
        return unsafe { status(v1, OrtErrorCode::ORT_FAIL, &text) }.0;
    }
    unsafe {
        guarded(api, || {
            let domain = domain_for(api)?;
            check(((*api).AddCustomOpDomain)(options, domain))
        })
    }
    .0
}
