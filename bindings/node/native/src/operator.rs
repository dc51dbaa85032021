//! Operators whose kernels are JavaScript functions (core's `Operator`).
//!
//! A JavaScript function runs only on its own JS thread, while ONNX Runtime calls a
//! kernel on whichever thread runs the node: for Node that is one of core's worker
//! threads (every run with host operators goes there, never inline), several at once
//! for concurrent runs. So the kernel queues the call on a threadsafe function and
//! blocks that thread until the JS function has returned; the JS thread is free
//! meanwhile (it only awaits the run). Called on the JS thread itself (a load done by
//! `createSync`, should ONNX Runtime ever run the node then), it calls the function
//! directly: queuing would deadlock.
//!
//! The function is index.js's adapter around the user's kernel: it gets the node's name,
//! the inputs (copies) and the attribute values, and answers with the outputs' bytes,
//! copied here into ONNX Runtime's memory on the JS thread while the calling thread
//! waits, or with `"<code number> <message>"` for a failure (an exception: KERNEL_FAILED
//! with `<name>: <message>`). The adapter catches every exception itself.
//!
//! Lifetime: the threadsafe function (and a reference, for the direct calls) keep the
//! adapter alive as long as core's operator lives; dropping it releases both. The
//! threadsafe function is unreferenced, so it never keeps the process alive (a run in
//! flight does, through its promise).

use std::ffi::c_void;
use std::ptr;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::mpsc::{sync_channel, SyncSender};
use std::sync::{Arc, Mutex, RwLock, Weak};
use std::thread::{self, ThreadId};

use napi::bindgen_prelude::*;
use napi::sys;
use napi_derive::napi;
use onyx_core as core;
use onyx_core::{AttributeKind, ErrorCode};

/// What the threadsafe function and its finalizer share with the kernel.
struct Shared {
    tsfn: std::sync::atomic::AtomicPtr<sys::napi_threadsafe_function__>,
    /// False once the threadsafe function was released or Node finalized it (its env
    /// ended): it may not be called then.
    alive: RwLock<bool>,
}

// SAFETY: the threadsafe function is made to be called from any thread; `alive` guards it.
unsafe impl Send for Shared {}
unsafe impl Sync for Shared {}

/// A JavaScript kernel: the adapter function behind a threadsafe function.
struct JsKernel {
    shared: Arc<Shared>,
    /// The env and JS thread the function belongs to, and a reference to it, for the
    /// direct calls on that thread. The reference is deleted by the threadsafe function's
    /// finalizer, on that thread.
    env: sys::napi_env,
    thread: ThreadId,
    function: sys::napi_ref,
    /// The declared attributes, in the order the adapter gets their values.
    attributes: Vec<(String, AttributeKind)>,
    describe: String,
}

// SAFETY: `env` and `function` are used only on `thread`; see `Shared`.
unsafe impl Send for JsKernel {}
unsafe impl Sync for JsKernel {}

/// One call queued on the threadsafe function: the waiting thread's kernel context and
/// where the result goes.
struct Pending {
    context: *const c_void,
    kernel: *const JsKernel,
    done: SyncSender<core::Result<()>>,
}

/// Made, with the reference it deletes, for the threadsafe function's finalizer.
struct Finalize {
    shared: Arc<Shared>,
    function: sys::napi_ref,
}

fn runtime_error(what: &str) -> core::Error {
    core::Error::new(ErrorCode::RuntimeError, what.to_string())
}

fn napi_failed(what: &str, e: napi::Error) -> core::Error {
    core::Error::new(ErrorCode::RuntimeError, format!("{what}: {}", e.reason))
}

impl JsKernel {
    fn compute(&self, context: &core::KernelContext<'_>) -> core::Result<()> {
        if thread::current().id() == self.thread {
            // On the JS thread (inside a synchronous call): call it directly.
            let alive = self.shared.alive.read().unwrap_or_else(|p| p.into_inner());
            if !*alive {
                return Err(runtime_error("the JavaScript environment of this kernel has ended"));
            }
            unsafe {
                let mut scope = ptr::null_mut();
                if sys::napi_open_handle_scope(self.env, &mut scope) != sys::Status::napi_ok {
                    return Err(runtime_error("opening a handle scope for a JavaScript kernel"));
                }
                let mut function = ptr::null_mut();
                let result = if sys::napi_get_reference_value(self.env, self.function, &mut function) == sys::Status::napi_ok && !function.is_null() {
                    invoke(self.env, function, context, self)
                } else {
                    Err(runtime_error("the JavaScript kernel function is gone"))
                };
                sys::napi_close_handle_scope(self.env, scope);
                return result;
            }
        }
        let (done, result) = sync_channel(1);
        let pending = Box::into_raw(Box::new(Pending { context: (context as *const core::KernelContext<'_>).cast(), kernel: self, done }));
        let status = {
            let alive = self.shared.alive.read().unwrap_or_else(|p| p.into_inner());
            if *alive {
                unsafe { sys::napi_call_threadsafe_function(self.shared.tsfn.load(Ordering::Acquire), pending.cast(), sys::ThreadsafeFunctionCallMode::blocking) }
            } else {
                sys::Status::napi_closing
            }
        };
        if status != sys::Status::napi_ok {
            drop(unsafe { Box::from_raw(pending) });
            return Err(runtime_error("the JavaScript environment of this kernel has ended (or is ending): its kernel cannot run"));
        }
        // Dropped unanswered (the env ended before the call ran): an error, not a hang.
        result.recv().unwrap_or_else(|_| Err(runtime_error("the JavaScript environment of this kernel ended before the kernel ran")))
    }
}

impl Drop for JsKernel {
    fn drop(&mut self) {
        let mut alive = self.shared.alive.write().unwrap_or_else(|p| p.into_inner());
        if *alive {
            // Thread-safe; Node then finalizes it on its JS thread (deleting the reference).
            unsafe { sys::napi_release_threadsafe_function(self.shared.tsfn.load(Ordering::Acquire), sys::ThreadsafeFunctionReleaseMode::release) };
            *alive = false;
        }
    }
}

unsafe extern "C" fn call_js(env: sys::napi_env, function: sys::napi_value, _context: *mut c_void, data: *mut c_void) {
    let pending = unsafe { Box::from_raw(data.cast::<Pending>()) };
    if env.is_null() || function.is_null() {
        return; // the env is going away: dropping `pending` answers the waiting thread
    }
    // SAFETY: the thread that queued the call waits for this answer, so its kernel
    // context (and the kernel) are alive and nobody else touches them meanwhile.
    let context = unsafe { &*pending.context.cast::<core::KernelContext<'_>>() };
    let kernel = unsafe { &*pending.kernel };
    let result = unsafe { invoke(env, function, context, kernel) };
    let _ = pending.done.send(result);
}

unsafe extern "C" fn finalize(env: sys::napi_env, data: *mut c_void, _hint: *mut c_void) {
    let finalize = unsafe { Box::from_raw(data.cast::<Finalize>()) };
    *finalize.shared.alive.write().unwrap_or_else(|p| p.into_inner()) = false;
    if !env.is_null() {
        unsafe { sys::napi_delete_reference(env, finalize.function) };
    }
}

/// Calls the adapter on its JS thread: `adapter(nodeName, [type, dims, ArrayBuffer, ...],
/// [attribute values])`, then copies the outputs it answers into ONNX Runtime's memory.
unsafe fn invoke(raw: sys::napi_env, function: sys::napi_value, context: &core::KernelContext<'_>, kernel: &JsKernel) -> core::Result<()> {
    let env = Env::from_raw(raw);
    let napi = |e: napi::Error| napi_failed(&format!("passing the inputs to the kernel of {}", kernel.describe), e);
    let count = context.input_count();
    let mut inputs = env.create_array((count * 3) as u32).map_err(napi)?;
    for i in 0..count {
        let tensor = context.input(i)?;
        let k = (i * 3) as u32;
        inputs.set(k, tensor.element_type() as u32).map_err(napi)?;
        inputs.set(k + 1, tensor.shape().to_vec()).map_err(napi)?;
        inputs.set(k + 2, ArrayBuffer::copy_from(&env, tensor.as_bytes()).map_err(napi)?).map_err(napi)?;
    }
    let mut values = env.create_array(kernel.attributes.len() as u32).map_err(napi)?;
    for (k, (name, kind)) in kernel.attributes.iter().enumerate() {
        let k = k as u32;
        match kind {
            AttributeKind::Float => values.set(k, context.attribute_float(name)? as f64),
            AttributeKind::Int => values.set(k, BigInt::from(context.attribute_int(name)?)),
            AttributeKind::String => values.set(k, context.attribute_string(name)?),
        }
        .map_err(napi)?;
    }
    let name = unsafe { String::to_napi_value(raw, context.node_name().to_string()) }.map_err(napi)?;
    let args = [name, inputs.raw(), values.raw()];
    let mut undefined = ptr::null_mut();
    let mut answer = ptr::null_mut();
    // The context the adapter's `attribute` asks core about, for names it has no value of.
    let outer = CURRENT.with(|c| c.replace((context as *const core::KernelContext<'_>).cast()));
    let status = unsafe {
        sys::napi_get_undefined(raw, &mut undefined);
        sys::napi_call_function(raw, undefined, function, args.len(), args.as_ptr(), &mut answer)
    };
    CURRENT.with(|c| c.set(outer));
    if status != sys::Status::napi_ok {
        // The adapter catches the kernel's exceptions; this is one of its own (a stack
        // overflow, say), or the env is ending.
        let mut exception = ptr::null_mut();
        unsafe { sys::napi_get_and_clear_last_exception(raw, &mut exception) };
        let text = if exception.is_null() { String::new() } else { unsafe { String::from_napi_value(raw, coerce(raw, exception)) }.unwrap_or_default() };
        return Err(core::Error::new(ErrorCode::KernelFailed, format!("the JavaScript kernel could not be called ({text})")));
    }
    unsafe { outputs(raw, answer, context, kernel) }
}

thread_local! {
    /// The kernel context of the call the adapter is in on this JS thread (null outside one).
    static CURRENT: std::cell::Cell<*const c_void> = const { std::cell::Cell::new(ptr::null()) };
}

/// Core's answer for attribute `name` of the kernel call in progress on this thread: the
/// adapter asks for the names the operator does not declare (it has the declared ones'
/// values), so this is core's error for them (INVALID_ARGUMENT, naming the declared ones).
#[napi]
pub fn kernel_attribute(name: String) -> napi::Result<f64> {
    let context = CURRENT.with(|c| c.get());
    if context.is_null() {
        return Err(crate::js_error(core::Error::new(ErrorCode::InvalidArgument, "no kernel call is in progress: a kernel's context is valid during its call only")));
    }
    // SAFETY: set by `invoke` for the duration of the adapter's call, on this thread.
    let context = unsafe { &*context.cast::<core::KernelContext<'_>>() };
    crate::guard(|| context.attribute_float(&name).map(f64::from))
}

unsafe fn coerce(raw: sys::napi_env, value: sys::napi_value) -> sys::napi_value {
    let mut text = ptr::null_mut();
    if unsafe { sys::napi_coerce_to_string(raw, value, &mut text) } != sys::Status::napi_ok {
        let mut ignored = ptr::null_mut();
        unsafe { sys::napi_get_and_clear_last_exception(raw, &mut ignored) };
    }
    text
}

/// The adapter's answer: `[index, dims, Uint8Array, ...]`, or `"<code> <message>"`.
unsafe fn outputs(raw: sys::napi_env, answer: sys::napi_value, context: &core::KernelContext<'_>, kernel: &JsKernel) -> core::Result<()> {
    let bad = |e: napi::Error| napi_failed(&format!("reading the outputs of the kernel of {}", kernel.describe), e);
    let mut kind = 0;
    unsafe { sys::napi_typeof(raw, answer, &mut kind) };
    if kind == sys::ValueType::napi_string {
        let text = unsafe { String::from_napi_value(raw, answer) }.map_err(bad)?;
        let (code, message) = text.split_once(' ').unwrap_or(("", &text));
        let code = code.parse().ok().and_then(ErrorCode::from_u32).unwrap_or(ErrorCode::KernelFailed);
        return Err(core::Error::new(code, message.to_string()));
    }
    let flat = unsafe { Array::from_napi_value(raw, answer) }.map_err(bad)?;
    for k in (0..flat.len()).step_by(3) {
        let index: u32 = flat.get(k).map_err(bad)?.unwrap_or(u32::MAX);
        let dims: Vec<i64> = flat.get(k + 1).map_err(bad)?.unwrap_or_default();
        let data: Uint8ArraySlice = flat.get(k + 2).map_err(bad)?.ok_or_else(|| runtime_error("an output without data"))?;
        let mut tensor = context.output(index as usize, &dims)?;
        let target = tensor.as_bytes_mut();
        if target.len() != data.len() {
            return Err(core::Error::new(
                ErrorCode::BufferSizeMismatch,
                format!("output {index} of {}: {} bytes for {} bytes of tensor", kernel.describe, data.len(), target.len()),
            ));
        }
        target.copy_from_slice(&data);
    }
    Ok(())
}

// --- the operator object index.js holds -------------------------------------------

/// Live operators by id: session options (a plain JS object) name them by id.
static OPERATORS: Mutex<Vec<(u32, Weak<core::Operator>)>> = Mutex::new(Vec::new());
static NEXT_ID: AtomicU32 = AtomicU32::new(1);

/// An operator with a JavaScript kernel (index.js's `Operator` holds it).
#[napi]
pub struct NativeOperator {
    /// Keeps the operator alive while JavaScript holds it (sessions hold their own).
    _operator: Arc<core::Operator>,
    id: u32,
}

#[napi]
impl NativeOperator {
    #[napi(getter)]
    pub fn id(&self) -> u32 {
        self.id
    }
}

impl Drop for NativeOperator {
    fn drop(&mut self) {
        OPERATORS.lock().unwrap_or_else(|p| p.into_inner()).retain(|(id, _)| *id != self.id);
    }
}

/// The operator `id` names, for session options.
pub fn operator(id: u32) -> core::Result<Arc<core::Operator>> {
    let operators = OPERATORS.lock().unwrap_or_else(|p| p.into_inner());
    operators
        .iter()
        .find(|(i, _)| *i == id)
        .and_then(|(_, o)| o.upgrade())
        .ok_or_else(|| core::Error::new(ErrorCode::InvalidArgument, format!("operator {id} is not a live Operator")))
}

/// `domain::name` with these input and output element types (ONNX numbers), attributes
/// (names, and kinds FLOAT 1, INT 2, STRING 3) and opset range, whose kernel is `kernel`
/// (index.js's adapter). Made on the JS thread the kernel belongs to.
#[napi]
#[allow(clippy::too_many_arguments)]
pub fn operator_new(
    env: &Env,
    domain: String,
    name: String,
    inputs: Vec<u32>,
    outputs: Vec<u32>,
    attribute_names: Vec<String>,
    attribute_kinds: Vec<u32>,
    since_version: Option<i32>,
    until_version: Option<i32>,
    kernel: Unknown<'_>,
) -> napi::Result<NativeOperator> {
    let raw = env.raw();
    let (definition, attributes) = crate::guard(|| {
        let mut definition = core::OperatorDefinition::new(&domain, &name);
        for t in &inputs {
            definition = definition.input(core::ElementType::from_onnx(*t)?);
        }
        for t in &outputs {
            definition = definition.output(core::ElementType::from_onnx(*t)?);
        }
        if attribute_names.len() != attribute_kinds.len() {
            return Err(core::Error::new(ErrorCode::InvalidArgument, "one kind per attribute name"));
        }
        let mut attributes = Vec::new();
        for (n, k) in attribute_names.iter().zip(&attribute_kinds) {
            let kind = AttributeKind::from_u32(*k)?;
            definition = definition.attribute(n, kind);
            attributes.push((n.clone(), kind));
        }
        if since_version.is_some() || until_version.is_some() {
            definition = definition.versions(since_version.unwrap_or(1), until_version.unwrap_or(i32::MAX));
        }
        Ok((definition, attributes))
    })?;
    if kernel.get_type()? != ValueType::Function {
        return Err(napi::Error::from_reason(format!("[ONYX {} INVALID_ARGUMENT] the kernel must be a function", ErrorCode::InvalidArgument as u32)));
    }
    let function = kernel.raw();
    let describe = format!("{domain}::{name}");
    unsafe {
        let mut reference = ptr::null_mut();
        napi::check_status!(sys::napi_create_reference(raw, function, 1, &mut reference))?;
        let resource = String::to_napi_value(raw, format!("onyx kernel {describe}"))?;
        let shared = Arc::new(Shared { tsfn: std::sync::atomic::AtomicPtr::new(ptr::null_mut()), alive: RwLock::new(true) });
        // The finalizer needs the Arc; the tsfn pointer is set right after creation,
        // before anything can read it.
        let finalize_data = Box::into_raw(Box::new(Finalize { shared: shared.clone(), function: reference }));
        let mut tsfn = ptr::null_mut();
        let status = sys::napi_create_threadsafe_function(raw, function, ptr::null_mut(), resource, 0, 1, finalize_data.cast(), Some(finalize), ptr::null_mut(), Some(call_js), &mut tsfn);
        if status != sys::Status::napi_ok {
            drop(Box::from_raw(finalize_data));
            sys::napi_delete_reference(raw, reference);
            napi::check_status!(status)?;
        }
        // Never keeps the process alive.
        sys::napi_unref_threadsafe_function(raw, tsfn);
        shared.tsfn.store(tsfn, Ordering::Release);
        let kernel = Arc::new(JsKernel { shared, env: raw, thread: thread::current().id(), function: reference, attributes, describe });
        let operator = crate::guard(move || core::Operator::new(definition, move |context: &core::KernelContext<'_>| kernel.compute(context)))?;
        let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
        OPERATORS.lock().unwrap_or_else(|p| p.into_inner()).push((id, Arc::downgrade(&operator)));
        Ok(NativeOperator { _operator: operator, id })
    }
}
