//! Operators whose kernel is a C function (onyx-core's `Operator`).

use std::cell::RefCell;
use std::ffi::{c_char, c_void, CString};
use std::sync::Arc;

use onyx_core::{AttributeKind, ElementType, Error, ErrorCode, KernelContext, Operator, OperatorDefinition, Result, Tensor};

use crate::session_options::onyx_session_options;
use crate::status::{array, guard, non_null, non_null_mut, onyx_status, utf8};
use crate::tensor::onyx_tensor;

/// An operator with a C kernel, made by onyx_operator_create.
pub struct onyx_operator {
    inner: Arc<Operator>,
}

/// One call of a kernel: valid only during that call of the compute callback.
pub struct onyx_kernel_context {
    inner: *const KernelContext<'static>,
    /// The tensors and strings handed out during the call, ended when it returns.
    lent: RefCell<Vec<Box<onyx_tensor>>>,
    strings: RefCell<Vec<CString>>,
}

/// A kernel: reads its inputs and attributes from `context`, allocates and fills its
/// outputs, and returns NULL, or a status made with onyx_status_create (Onyx takes it;
/// the run fails with its code and message). Called on any thread, possibly on several
/// at once (see onyx_operator_create).
pub type onyx_kernel_compute = Option<unsafe extern "C" fn(user_data: *mut c_void, context: *mut onyx_kernel_context) -> *mut onyx_status>;

/// Frees an operator's `user_data` once nothing can call its kernel any more.
pub type onyx_user_data_release = Option<unsafe extern "C" fn(user_data: *mut c_void)>;

struct UserData {
    data: *mut c_void,
    release: onyx_user_data_release,
}

// SAFETY: the caller hands `user_data` over for calls on any thread (the contract).
unsafe impl Send for UserData {}
unsafe impl Sync for UserData {}

impl Drop for UserData {
    fn drop(&mut self) {
        if let Some(release) = self.release {
            unsafe { release(self.data) };
        }
    }
}

/// Makes the operator `domain`::`name` (a domain of your own, not ONNX's), for opset
/// versions `since_version` to `until_version` of its domain (0: every later one), with
/// `input_count` inputs and `output_count` outputs (at least one) of the given element
/// types (ONYX_ELEMENT_*), and `attribute_count` attributes every node of it must have
/// (`attribute_kinds`: ONYX_ATTRIBUTE_*), read once per node when a session loads (a
/// node without one: ONYX_ERROR_INVALID_MODEL).
///
/// `compute` runs on whichever thread runs the node (the caller of onyx_session_run,
/// one of ONNX Runtime's threads, or one of Onyx's async workers), on several at once
/// for concurrent runs: it must be thread-safe. `release` (may be NULL) is called with
/// `user_data` once the operator is freed and no session made with it is left; if
/// this call fails, it is not called and `user_data` stays the caller's.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub extern "C" fn onyx_operator_create(
    domain: *const c_char,
    name: *const c_char,
    since_version: i32,
    until_version: i32,
    input_types: *const u32,
    input_count: usize,
    output_types: *const u32,
    output_count: usize,
    attribute_names: *const *const c_char,
    attribute_kinds: *const u32,
    attribute_count: usize,
    compute: onyx_kernel_compute,
    user_data: *mut c_void,
    release: onyx_user_data_release,
    out: *mut *mut onyx_operator,
) -> *mut onyx_status {
    guard(|| {
        let out = non_null_mut(out, "out")?;
        *out = std::ptr::null_mut();
        let compute = compute.ok_or_else(|| Error::new(ErrorCode::NullPointer, "compute is NULL"))?;
        let mut definition = OperatorDefinition::new(utf8(domain, "domain")?, utf8(name, "name")?)
            .versions(since_version, if until_version == 0 { i32::MAX } else { until_version });
        for (i, &t) in array(input_types, input_count, "input_types")?.iter().enumerate() {
            definition = definition.input(element(t, format_args!("input_types[{i}]"))?);
        }
        for (i, &t) in array(output_types, output_count, "output_types")?.iter().enumerate() {
            definition = definition.output(element(t, format_args!("output_types[{i}]"))?);
        }
        let names = array(attribute_names, attribute_count, "attribute_names")?;
        let kinds = array(attribute_kinds, attribute_count, "attribute_kinds")?;
        for (i, (&n, &k)) in names.iter().zip(kinds).enumerate() {
            definition = definition.attribute(utf8(n, format_args!("attribute_names[{i}]"))?, AttributeKind::from_u32(k)?);
        }
        // Checked with a kernel that owns nothing first: a failure leaves `user_data` the
        // caller's, and the real one below passes the same checks.
        Operator::new(definition.clone(), |_: &KernelContext<'_>| Ok(()))?;
        let target = UserData { data: user_data, release };
        let kernel = move |context: &KernelContext<'_>| {
            let target = &target; // the whole wrapper, which is Send + Sync
            call(compute, target.data, context)
        };
        *out = onyx_boundary::into_raw(onyx_operator { inner: Operator::new(definition, kernel)? });
        Ok(())
    })
}

fn element(value: u32, what: std::fmt::Arguments<'_>) -> Result<ElementType> {
    ElementType::from_onnx(value).map_err(|e| Error::new(e.code(), format!("{what}: {}", e.message())))
}

/// One call of the C kernel: a context for it, and the status it returns as an error.
fn call(compute: unsafe extern "C" fn(*mut c_void, *mut onyx_kernel_context) -> *mut onyx_status, data: *mut c_void, context: &KernelContext<'_>) -> Result<()> {
    let mut c_context = onyx_kernel_context {
        inner: (context as *const KernelContext<'_>).cast(),
        lent: RefCell::new(Vec::new()),
        strings: RefCell::new(Vec::new()),
    };
    let status = unsafe { compute(data, &mut c_context) };
    for tensor in c_context.lent.take() {
        unsafe { tensor.inner.end_lent() };
    }
    if status.is_null() {
        return Ok(());
    }
    Err(unsafe { crate::status::take_status(status) })
}

/// Frees the caller's reference; sessions made with the operator keep theirs. NULL
/// does nothing.
#[no_mangle]
pub extern "C" fn onyx_operator_free(operator: *mut onyx_operator) {
    crate::status::free_handle(operator)
}

/// Adds `operator` to these options: sessions made with them run its kernel for the
/// model's `domain::name` nodes and keep it alive. Adding it again does nothing;
/// another operator with its domain and name is ONYX_ERROR_INVALID_ARGUMENT.
#[no_mangle]
pub extern "C" fn onyx_session_options_add_operator(options: *mut onyx_session_options, operator: *const onyx_operator) -> *mut onyx_status {
    guard(|| {
        let operator = non_null(operator, "operator")?;
        non_null_mut(options, "options")?.inner.add_operator(&operator.inner)
    })
}

fn context<'a>(context: *const onyx_kernel_context) -> Result<(&'a onyx_kernel_context, &'a KernelContext<'a>)> {
    let c = non_null(context, "context")?;
    Ok((c, unsafe { &*c.inner.cast::<KernelContext<'a>>() }))
}

/// How many inputs the operator has; 0 if `context` is NULL.
#[no_mangle]
pub extern "C" fn onyx_kernel_context_input_count(context: *const onyx_kernel_context) -> usize {
    crate::status::guard_value(0, || self::context(context).map_or(0, |(_, k)| k.input_count()))
}

/// How many outputs the operator has; 0 if `context` is NULL.
#[no_mangle]
pub extern "C" fn onyx_kernel_context_output_count(context: *const onyx_kernel_context) -> usize {
    crate::status::guard_value(0, || self::context(context).map_or(0, |(_, k)| k.output_count()))
}

/// Input `index` (ONYX_ERROR_INDEX_OUT_OF_RANGE past the last): ONNX Runtime's memory,
/// read in place. `*out` belongs to the context, is valid until the kernel returns and
/// must not be freed.
#[no_mangle]
pub extern "C" fn onyx_kernel_context_input(context: *mut onyx_kernel_context, index: usize, out: *mut *const onyx_tensor) -> *mut onyx_status {
    guard(|| {
        let out = non_null_mut(out, "out")?;
        *out = std::ptr::null();
        let (c, k) = self::context(context)?;
        *out = lend(c, unsafe { k.input_lent(index) }?);
        Ok(())
    })
}

/// Output `index` with shape `shape` (`rank` dimensions), allocated by ONNX Runtime, for
/// the kernel to fill (onyx_tensor_mutable_data). `*out` belongs to the context, as for
/// onyx_kernel_context_input.
#[no_mangle]
pub extern "C" fn onyx_kernel_context_output(
    context: *mut onyx_kernel_context,
    index: usize,
    shape: *const i64,
    rank: usize,
    out: *mut *mut onyx_tensor,
) -> *mut onyx_status {
    guard(|| {
        let out = non_null_mut(out, "out")?;
        *out = std::ptr::null_mut();
        let (c, k) = self::context(context)?;
        let shape = array(shape, rank, "shape")?;
        *out = lend(c, unsafe { k.output_lent(index, shape) }?).cast_mut();
        Ok(())
    })
}

fn lend(context: &onyx_kernel_context, tensor: Tensor) -> *const onyx_tensor {
    let boxed = Box::new(crate::tensor::onyx_tensor_of(tensor));
    let pointer: *const onyx_tensor = &*boxed;
    context.lent.borrow_mut().push(boxed);
    pointer
}

/// The node's FLOAT attribute `name` (one the operator declares).
#[no_mangle]
pub extern "C" fn onyx_kernel_context_attribute_float(context: *const onyx_kernel_context, name: *const c_char, out: *mut f32) -> *mut onyx_status {
    guard(|| {
        let out = non_null_mut(out, "out")?;
        *out = self::context(context)?.1.attribute_float(utf8(name, "name")?)?;
        Ok(())
    })
}

/// The node's INT attribute `name`.
#[no_mangle]
pub extern "C" fn onyx_kernel_context_attribute_int(context: *const onyx_kernel_context, name: *const c_char, out: *mut i64) -> *mut onyx_status {
    guard(|| {
        let out = non_null_mut(out, "out")?;
        *out = self::context(context)?.1.attribute_int(utf8(name, "name")?)?;
        Ok(())
    })
}

/// The node's STRING attribute `name`, UTF-8 and NUL-terminated; `*out` is valid until
/// the kernel returns.
#[no_mangle]
pub extern "C" fn onyx_kernel_context_attribute_string(context: *const onyx_kernel_context, name: *const c_char, out: *mut *const c_char) -> *mut onyx_status {
    guard(|| {
        let out = non_null_mut(out, "out")?;
        *out = std::ptr::null();
        let (c, k) = self::context(context)?;
        let text = CString::new(k.attribute_string(utf8(name, "name")?)?.replace('\0', " ")).expect("NULs replaced");
        *out = text.as_ptr();
        c.strings.borrow_mut().push(text);
        Ok(())
    })
}
