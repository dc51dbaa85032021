//! N-API addon of Onyx's Node.js binding: JS objects over onyx-core, nothing more.
//! Errors reach JavaScript as `[ONYX <number> <NAME>] message`, which index.js turns
//! into an `OnyxError` with `.code` and `.number`. Runs happen on core's worker threads
//! (`onyx_core::workers`, the same threads for every binding), never on libuv's pool; a
//! run is core's asynchronous run (`Session::run_async_then`), a tiny one inline (see `Pace`).
//!
//! A tensor's memory is a JavaScript ArrayBuffer (index.js holds it with the element
//! type and shape, checked here by core when the tensor is made); a run borrows it in
//! place. So no tensor needs a native handle or a GC finalizer, which cost more than a
//! tiny model's whole run.

use std::borrow::Borrow;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use napi::bindgen_prelude::*;
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi_derive::napi;
use onyx_core as core;
use onyx_core::{Bf16, ElementType, ErrorCode, OptimizationLevel, F16};

mod operator;
mod values;

fn js_error(e: core::Error) -> napi::Error {
    napi::Error::from_reason(format!("[ONYX {} {}] {}", e.code() as u32, e.code().name(), e.message()))
}

/// Runs `f` with panics turned into `PANIC` (the boundary module's one text).
fn guard<T>(f: impl FnOnce() -> core::Result<T>) -> napi::Result<T> {
    onyx_boundary::catch(f).map_err(js_error)
}

// --- core's worker threads ------------------------------------------------------------

/// Runs `work` on core's worker threads; the promise settles with `done(env, result)` on
/// the JS thread.
fn spawn_promise<'e, R, D>(env: &'e Env, work: impl FnOnce() -> core::Result<R> + Send + 'static, done: impl FnOnce(Env, R) -> napi::Result<D> + Send + 'static) -> napi::Result<Object<'e>>
where
    R: Send + 'static,
    D: ToNapiValue + 'static,
{
    let (deferred, promise) = env.create_deferred()?;
    core::workers::submit(move || match onyx_boundary::catch(work) {
        Ok(r) => deferred.resolve(move |env| done(env, r)),
        Err(e) => deferred.reject(js_error(e)),
    });
    Ok(promise)
}

// --- runtime -----------------------------------------------------------------------

#[napi]
pub fn ort_version() -> napi::Result<String> {
    guard(|| Ok(core::Runtime::get()?.version().to_string()))
}

#[napi]
pub fn ort_path() -> napi::Result<String> {
    guard(|| Ok(core::Runtime::get()?.path().display().to_string()))
}

/// Which log lines get through (0 verbose to 4 fatal; core's levels).
#[napi]
pub fn set_log_level(level: u32) -> napi::Result<()> {
    guard(|| {
        core::Runtime::set_log_level(core::LogLevel::from_u32(level)?);
        Ok(())
    })
}

// --- the log callback ---------------------------------------------------------------

/// A log line on its way to JavaScript, as the dispatcher's three arguments: level (-1
/// marks a flush), category, message.
type LogLine = FnArgs<(i32, String, String)>;

/// The JavaScript dispatcher (index.js) behind a threadsafe function: called on the JS
/// thread, in the order the lines were queued; unref'd (weak), so it never keeps the
/// process alive.
type LogFunction = ThreadsafeFunction<LogLine, (), LogLine, Status, false, true, 0>;

struct LogTarget {
    function: Arc<LogFunction>,
    /// The env (JS thread) that set it; its flushes are the only ones it can answer.
    env: usize,
}

static LOG_TARGET: Mutex<Option<LogTarget>> = Mutex::new(None);
/// Envs whose teardown hook is registered (once per env).
static LOG_ENVS: Mutex<Vec<usize>> = Mutex::new(Vec::new());

fn log_target() -> std::sync::MutexGuard<'static, Option<LogTarget>> {
    LOG_TARGET.lock().unwrap_or_else(|p| p.into_inner())
}

/// Sends core's log lines to `dispatch(level, category, message)` on this JS thread, or
/// (None) back to stderr. Lines are queued without blocking from whatever thread logs
/// them (this one included: a line logged during `createSync` arrives on a later tick).
/// Once core returns, the replaced function gets no more lines from core; lines already
/// queued still reach it, and index.js drops them.
#[napi]
pub fn set_log_callback(env: Env, dispatch: Option<Function<LogLine, ()>>) -> napi::Result<()> {
    let function = match dispatch {
        Some(f) => Some(Arc::new(f.build_threadsafe_function::<LogLine>().weak::<true>().callee_handled::<false>().build()?)),
        None => None,
    };
    let callback: Option<core::LogCallback> = function.clone().map(|f| {
        Arc::new(move |level: core::LogLevel, category: &str, message: &str| {
            // Non-blocking, into an unbounded queue: fails only while the env shuts down.
            let _ = f.call((level as i32, category.to_string(), message.to_string()).into(), ThreadsafeFunctionCallMode::NonBlocking);
        }) as core::LogCallback
    });
    guard(|| core::Runtime::set_log_callback(callback))?;
    let this_env = env.raw() as usize;
    let replaced = std::mem::replace(&mut *log_target(), function.map(|function| LogTarget { function, env: this_env }));
    drop(replaced); // releases the old threadsafe function (its queue still drains)
    let mut envs = LOG_ENVS.lock().unwrap_or_else(|p| p.into_inner());
    if !envs.contains(&this_env) {
        // When this env (a worker thread's, say) goes away, lines go back to stderr
        // instead of into a closed queue.
        env.add_env_cleanup_hook(this_env, |gone| {
            LOG_ENVS.lock().unwrap_or_else(|p| p.into_inner()).retain(|e| *e != gone);
            let mut target = log_target();
            if target.as_ref().is_some_and(|t| t.env == gone) {
                let _ = core::Runtime::set_log_callback(None);
                *target = None;
            }
        })?;
        envs.push(this_env);
    }
    Ok(())
}

/// Queues flush marker `id` behind every line queued so far; false when there is no
/// callback of this JS thread to queue it on (nothing to wait for).
#[napi]
pub fn log_flush(env: Env, id: u32) -> bool {
    let target = log_target();
    match target.as_ref() {
        Some(t) if t.env == env.raw() as usize => t.function.call((-1, String::new(), id.to_string()).into(), ThreadsafeFunctionCallMode::NonBlocking) == Status::Ok,
        _ => false,
    }
}

#[napi]
pub fn error_codes() -> Vec<(String, u32)> {
    ErrorCode::ALL.iter().map(|c| (c.name().to_string(), *c as u32)).collect()
}

/// Core's log levels (name, number), so index.js holds no copy of the table.
#[napi]
pub fn log_levels() -> Vec<(String, u32)> {
    core::LogLevel::ALL.iter().map(|l| (l.name().to_string(), *l as u32)).collect()
}

#[napi]
pub fn f32_to_bf16(value: f64) -> u32 {
    Bf16::from_f32(value as f32).0 as u32
}
#[napi]
pub fn bf16_to_f32(bits: u32) -> f64 {
    Bf16(bits as u16).to_f32() as f64
}
#[napi]
pub fn f32_to_f16(value: f64) -> u32 {
    F16::from_f32(value as f32).0 as u32
}
#[napi]
pub fn f16_to_f32(bits: u32) -> f64 {
    F16(bits as u16).to_f32() as f64
}
/// f32 bits → bits, exact (no round trip through a JS number of another width).
#[napi]
pub fn f32_bits_to_bf16(bits: u32) -> u32 {
    Bf16::from_f32(f32::from_bits(bits)).0 as u32
}
#[napi]
pub fn f32_bits_to_f16(bits: u32) -> u32 {
    F16::from_f32(f32::from_bits(bits)).0 as u32
}

/// The address of a TypedArray's first byte (a tensor's `dataAddress`).
#[napi]
pub fn address_of(data: Uint8ArraySlice) -> BigInt {
    BigInt::from(data.as_ptr() as u64)
}

static LIVE: std::sync::atomic::AtomicI64 = std::sync::atomic::AtomicI64::new(0);

/// Native sessions and zero-copy output buffers not yet collected (the GC test's count).
#[napi]
pub fn live_objects() -> i64 {
    LIVE.load(std::sync::atomic::Ordering::SeqCst)
}

/// The most runs this process ever had inside ONNX Runtime at once (core's count: the
/// parallelism test's evidence, which needs no clock).
#[napi]
pub fn most_runs_in_flight() -> f64 {
    core::Session::most_runs_at_once() as f64
}

struct Live;
impl Live {
    fn new() -> Live {
        LIVE.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Live
    }
}
impl Drop for Live {
    fn drop(&mut self) {
        LIVE.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
    }
}

// --- session options ---------------------------------------------------------------

#[napi(object)]
pub struct SessionOptionsJs {
    pub intra_op_threads: Option<i64>,
    pub inter_op_threads: Option<i64>,
    pub optimization: Option<u32>,
    /// ONNX Runtime session config entries (key, value).
    pub config: Option<Vec<Vec<String>>>,
    /// Custom-operator libraries (paths), opened by core in order.
    pub custom_op_libraries: Option<Vec<String>>,
    /// ONNX Runtime's CPU memory arena and memory patterns (both on by default).
    pub cpu_memory_arena: Option<bool>,
    pub memory_pattern: Option<bool>,
    /// Profile file prefix: runs are profiled when set.
    pub profiling_prefix: Option<String>,
    /// Free dimensions fixed by name: [name, value] pairs.
    pub free_dimension_overrides: Option<Vec<(String, i64)>>,
    /// External-data files in memory: [file name as the model names it, bytes] pairs,
    /// copied into the options (the caller may reuse its buffers at once).
    pub external_data: Option<Vec<(String, Uint8Array)>>,
    /// Lets a model loaded from a path read external data outside its folder.
    pub external_data_outside_model_folder: Option<bool>,
    /// Operators with JavaScript kernels, by `NativeOperator.id`.
    pub operators: Option<Vec<u32>>,
}

fn session_options(o: Option<SessionOptionsJs>) -> core::Result<core::SessionOptions> {
    let mut options = core::SessionOptions::new();
    if let Some(o) = o {
        if let Some(n) = o.intra_op_threads {
            options.set_intra_op_threads(n)?;
        }
        if let Some(n) = o.inter_op_threads {
            options.set_inter_op_threads(n)?;
        }
        if let Some(level) = o.optimization {
            options.optimization_level = OptimizationLevel::from_u32(level)?;
        }
        for entry in o.config.unwrap_or_default() {
            if entry.len() != 2 {
                return Err(core::Error::new(ErrorCode::InvalidArgument, "a config entry is a [key, value] pair"));
            }
            options.add_config_entry(&entry[0], &entry[1]);
        }
        if let Some(enable) = o.cpu_memory_arena {
            options.set_cpu_memory_arena(enable);
        }
        if let Some(enable) = o.memory_pattern {
            options.set_memory_pattern(enable);
        }
        if let Some(prefix) = o.profiling_prefix {
            options.enable_profiling(prefix)?;
        }
        for (name, value) in o.free_dimension_overrides.unwrap_or_default() {
            options.add_free_dimension_override(&name, value)?;
        }
        for (name, bytes) in o.external_data.unwrap_or_default() {
            options.add_external_data_copy(&name, &bytes)?;
        }
        if let Some(allow) = o.external_data_outside_model_folder {
            options.set_external_data_outside_model_folder(allow);
        }
        for library in o.custom_op_libraries.unwrap_or_default() {
            options.add_custom_op_library(&library)?;
        }
        for id in o.operators.unwrap_or_default() {
            options.add_operator(&operator::operator(id)?)?;
        }
    }
    Ok(options)
}

// --- value info ---------------------------------------------------------------------

#[napi(object)]
pub struct ValueInfoJs {
    pub name: String,
    pub kind: u32,
    pub element_type: u32,
    pub shape: Vec<i64>,
    pub dim_names: Vec<String>,
    /// The full type in ONNX's notation (core's `ValueType` display).
    pub value_type: String,
}

fn value_info(v: &core::ValueInfo) -> ValueInfoJs {
    ValueInfoJs {
        name: v.name.clone(),
        kind: v.kind as u32,
        element_type: v.onnx_element_type,
        shape: v.shape.clone(),
        dim_names: v.dim_names.clone(),
        value_type: v.value_type.to_string(),
    }
}

#[napi(object)]
pub struct MetadataJs {
    pub producer: String,
    pub graph_name: String,
    pub domain: String,
    pub description: String,
    pub graph_description: String,
    pub version: Option<i64>,
    pub custom: Vec<Vec<String>>,
}

// --- session -------------------------------------------------------------------------

#[napi]
pub struct NativeSession {
    inner: Arc<core::Session>,
    pace: Arc<Pace>,
    _live: Live,
}

/// A session with JavaScript kernels never runs inline: its kernels must run off the JS
/// thread, which is free meanwhile (see operator.rs).
fn wrap_session(s: core::Session, host_operators: bool) -> NativeSession {
    NativeSession { inner: Arc::new(s), pace: Arc::new(Pace::new(!host_operators)), _live: Live::new() }
}

/// A group of sessions that share each model's weights (core's `SharedWeights`).
#[napi]
pub struct NativeSharedWeights {
    inner: core::SharedWeights,
}

#[napi]
impl NativeSharedWeights {
    #[napi(constructor)]
    pub fn new() -> napi::Result<Self> {
        guard(|| Ok(NativeSharedWeights { inner: core::SharedWeights::new()? }))
    }
    #[napi]
    pub fn model_count(&self) -> u32 {
        self.inner.model_count() as u32
    }
    #[napi]
    pub fn byte_length(&self) -> f64 {
        self.inner.byte_length() as f64
    }
}

/// Session options with the group (if any) whose sessions share weights.
fn options_with(o: Option<SessionOptionsJs>, shared: Option<&NativeSharedWeights>) -> core::Result<core::SessionOptions> {
    let mut options = session_options(o)?;
    options.set_shared_weights(shared.map(|s| &s.inner));
    Ok(options)
}

#[napi]
pub fn session_from_file_sync(path: String, options: Option<SessionOptionsJs>, shared: Option<&NativeSharedWeights>) -> napi::Result<NativeSession> {
    guard(|| {
        let options = options_with(options, shared)?;
        Ok(wrap_session(core::Session::from_file(&path, &options)?, !options.operators().is_empty()))
    })
}

#[napi]
pub fn session_from_bytes_sync(bytes: Uint8Array, options: Option<SessionOptionsJs>, shared: Option<&NativeSharedWeights>) -> napi::Result<NativeSession> {
    guard(|| {
        let options = options_with(options, shared)?;
        Ok(wrap_session(core::Session::from_bytes(&bytes, &options)?, !options.operators().is_empty()))
    })
}

#[napi]
pub fn session_from_file<'e>(env: &'e Env, path: String, options: Option<SessionOptionsJs>, shared: Option<&NativeSharedWeights>) -> napi::Result<Object<'e>> {
    let options = guard(|| options_with(options, shared))?;
    let host = !options.operators().is_empty();
    spawn_promise(env, move || core::Session::from_file(&path, &options), move |_, s| Ok(wrap_session(s, host)))
}

#[napi]
pub fn session_from_bytes<'e>(env: &'e Env, bytes: Uint8Array, options: Option<SessionOptionsJs>, shared: Option<&NativeSharedWeights>) -> napi::Result<Object<'e>> {
    let options = guard(|| options_with(options, shared))?;
    let host = !options.operators().is_empty();
    // The Uint8Array holds a reference to the caller's buffer until the load is done.
    spawn_promise(env, move || core::Session::from_bytes(&bytes, &options), move |_, s| Ok(wrap_session(s, host)))
}

#[napi(object)]
pub struct RunOptionsArg {
    pub outputs: Option<Vec<u32>>,
}

#[napi]
impl NativeSession {
    #[napi]
    pub fn inputs(&self) -> Vec<ValueInfoJs> {
        self.inner.inputs().iter().map(value_info).collect()
    }
    #[napi]
    pub fn outputs(&self) -> Vec<ValueInfoJs> {
        self.inner.outputs().iter().map(value_info).collect()
    }
    #[napi]
    pub fn input(&self, index: i64) -> napi::Result<ValueInfoJs> {
        guard(|| Ok(value_info(self.inner.input(index)?)))
    }
    #[napi]
    pub fn output(&self, index: i64) -> napi::Result<ValueInfoJs> {
        guard(|| Ok(value_info(self.inner.output(index)?)))
    }
    #[napi]
    pub fn end_profiling(&self) -> napi::Result<String> {
        guard(|| Ok(self.inner.end_profiling()?.to_string_lossy().into_owned()))
    }
    #[napi]
    pub fn metadata(&self) -> MetadataJs {
        let m = self.inner.metadata();
        MetadataJs {
            producer: m.producer.clone(),
            graph_name: m.graph_name.clone(),
            domain: m.domain.clone(),
            description: m.description.clone(),
            graph_description: m.graph_description.clone(),
            version: m.version,
            custom: m.custom.iter().map(|(k, v)| vec![k.clone(), v.clone()]).collect(),
        }
    }

    /// Runs the model on the inputs `names[k]` = tensor (`types[k]`, `shapes[k]`,
    /// `data[k]`); `outputs`: the output names wanted (None: all). Names and layouts are
    /// checked by core. Gives `[type, shape, bytes, count]` per output, in order: at once when
    /// the run was done inline (see `Pace`), else through a Promise settled by core's
    /// asynchronous run, which `handle` (when given) can cancel.
    #[napi(ts_return_type = "Array<unknown> | Promise<Array<unknown>>")]
    #[allow(clippy::too_many_arguments)]
    pub fn run<'e>(
        &self,
        env: &'e Env,
        names: Vec<String>,
        types: Vec<u32>,
        shapes: Vec<Vec<i64>>,
        data: Vec<Uint8ArraySlice<'e>>,
        outputs: Option<Vec<String>>,
        run_options: Option<&NativeRunOptions>,
        handle: Option<&NativeRunHandle>,
    ) -> napi::Result<Either<Array<'e>, Object<'e>>> {
        let input_bytes = data.iter().map(|d| d.len() as u64).sum::<u64>();
        let ro = run_options.map(|r| r.inner.as_ref());
        if self.pace.runs_inline(input_bytes) {
            let layouts = layouts(names, types, shapes, data.iter().map(|d| (d.as_ptr() as *mut u8, d.len())).collect());
            let out = guard(|| self.pace.timed(input_bytes, || run_outputs(&self.inner, &layouts, outputs.as_deref(), ro)))?;
            return outputs_to_js(env, out).map(Either::A);
        }
        let (layouts, keep) = held(env, names, types, shapes, &data)?;
        let (inputs, clock) = guard(|| layouts.timed_inputs())?;
        let (deferred, promise) = env.create_deferred()?;
        let pace = self.pace.clone();
        let run = self.inner.run_async_then(inputs, outputs, ro, move |result| {
            // Called on a worker once the run is over (its inputs already dropped).
            if let (Ok(_), Some(started)) = (&result, clock.get()) {
                pace.record(input_bytes, started.elapsed());
            }
            deferred.resolve(move |env| {
                drop(keep); // the inputs' arrays, released on the JS thread
                let tensors = result.map_err(js_error)?.into_vec();
                outputs_to_js(&env, tensors).map(|a| a.raw())
            });
        });
        if let Some(handle) = handle {
            *handle.run.lock().unwrap_or_else(|p| p.into_inner()) = Some(run);
        }
        Ok(Either::B(promise))
    }

    /// Runs the model on values (`values::ValueIn`, by input name) on core's worker
    /// threads; resolves to the outputs asked for (None: all), in order, as
    /// `values::ValueOut`s. Numeric tensors are borrowed in place until the run is over;
    /// core builds (copies) sequences, maps and strings. `run_options` (when given) can
    /// terminate it (CANCELLED). `tensors`: the inputs are all tensors and the run is
    /// core's tensor run (`run`, which gives tensors only): index.js's `run` with string
    /// tensors, which cannot be borrowed in place.
    #[napi(ts_return_type = "Promise<Array<unknown>>")]
    pub fn run_values<'e>(
        &self,
        env: &'e Env,
        names: Vec<String>,
        inputs: Vec<values::ValueIn>,
        outputs: Option<Vec<String>>,
        run_options: Option<&NativeRunOptions>,
        tensors: Option<bool>,
    ) -> napi::Result<Object<'e>> {
        let tensors = tensors.unwrap_or(false);
        let mut keep = Vec::new();
        let built = guard(|| {
            let mut built = Vec::with_capacity(inputs.len());
            for (name, input) in names.into_iter().zip(inputs) {
                let declared = self.inner.inputs().iter().find(|i| i.name == name).map(|i| &i.value_type);
                let value = values::to_value(input, declared, &format!("input '{name}'"), &mut keep)?;
                built.push((name, value));
            }
            Ok(built)
        });
        let keep = values::Keep(keep);
        let built = match built {
            Ok(b) => b,
            Err(e) => {
                drop(keep);
                return Err(e);
            }
        };
        let session = self.inner.clone();
        let ro = run_options.map(|r| r.inner.clone());
        let (deferred, promise) = env.create_deferred()?;
        core::workers::submit(move || {
            let result = onyx_boundary::catch(|| {
                let refs: Vec<(&str, &core::Value)> = built.iter().map(|(n, v)| (n.as_str(), v)).collect();
                let names: Option<Vec<&str>> = outputs.as_ref().map(|o| o.iter().map(String::as_str).collect());
                if tensors {
                    let mut plain = Vec::with_capacity(refs.len());
                    for (name, value) in &refs {
                        let tensor = value.as_tensor().ok_or_else(|| core::Error::new(ErrorCode::InvalidArgument, format!("input '{name}' is not a tensor")))?;
                        plain.push((*name, tensor));
                    }
                    let out = session.run(&plain, names.as_deref(), ro.as_deref())?;
                    return out.into_vec().into_iter().map(|t| values::to_js(&core::Value::Tensor(t))).collect::<core::Result<Vec<_>>>();
                }
                let out = session.run_values(&refs, names.as_deref(), ro.as_deref())?;
                out.into_vec().iter().map(values::to_js).collect::<core::Result<Vec<_>>>()
            });
            drop(built); // core's tensors, before the arrays they borrow
            deferred.resolve(move |_| {
                drop(keep); // released on the JS thread
                result.map_err(js_error)
            });
        });
        Ok(promise)
    }

    /// Runs writing each output into the caller's tensor memory (`out_*` as the inputs'),
    /// on the pool; resolves to undefined. Names and layouts are checked by core.
    #[napi]
    #[allow(clippy::too_many_arguments)]
    pub fn run_into<'e>(
        &self,
        env: &'e Env,
        names: Vec<String>,
        types: Vec<u32>,
        shapes: Vec<Vec<i64>>,
        data: Vec<Uint8ArraySlice<'e>>,
        out_names: Vec<String>,
        out_types: Vec<u32>,
        out_shapes: Vec<Vec<i64>>,
        out_data: Vec<Uint8ArraySlice<'e>>,
        run_options: Option<&NativeRunOptions>,
    ) -> napi::Result<Object<'e>> {
        // The boundary's one aliasing check, on the memory itself (two tensors over one
        // array are one tensor to ONNX Runtime). Empty tensors hold no memory to share.
        {
            let at = |d: &Uint8ArraySlice| if d.is_empty() { std::ptr::null() } else { d.as_ptr() };
            let ins: Vec<*const u8> = data.iter().map(at).collect();
            let outs: Vec<*const u8> = out_data.iter().map(at).collect();
            guard(|| onyx_boundary::check_no_aliasing(&ins, &outs, |k| out_names.get(k).cloned().unwrap_or_default()))?;
        }
        let (inputs, keep_in) = held(env, names, types, shapes, &data)?;
        let (outputs, keep_out) = held(env, out_names, out_types, out_shapes, &out_data)?;
        let session = self.inner.clone();
        let ro = run_options.map(|r| r.inner.clone());
        spawn_promise(
            env,
            move || {
                let ins = inputs.tensors()?;
                let refs: Vec<(&str, &core::Tensor)> = ins.iter().map(|(n, t)| (*n, t)).collect();
                let mut outs = outputs.tensors()?;
                let mut out_refs: Vec<(&str, &mut core::Tensor)> = outs.iter_mut().map(|(n, t)| (*n, t)).collect();
                session.run_into(&refs, &mut out_refs, ro.as_deref())
            },
            move |_, ()| {
                drop((keep_in, keep_out));
                Ok(())
            },
        )
    }
}

/// A run's tensors as the caller described them: name, element type, shape, and the
/// address and length of their bytes in JavaScript memory.
struct Layouts(Vec<(String, u32, Vec<i64>, *mut u8, usize)>);

// SAFETY: the addresses point into ArrayBuffers that `Keep` holds until the run is over;
// only the run reads (or, for run_into outputs, writes) them meanwhile.
unsafe impl Send for Layouts {}

fn layouts(names: Vec<String>, types: Vec<u32>, shapes: Vec<Vec<i64>>, data: Vec<(*mut u8, usize)>) -> Layouts {
    Layouts(names.into_iter().zip(types).zip(shapes).zip(data).map(|(((n, t), s), (p, l))| (n, t, s, p, l)).collect())
}

impl Layouts {
    /// Core tensors over the caller's memory, checked by core (type, shape, length, alignment).
    fn tensors(&self) -> core::Result<Vec<(&str, core::Tensor)>> {
        self.0
            .iter()
            .map(|(name, t, shape, ptr, len)| {
                // SAFETY: see `Layouts`: the memory outlives the tensor, which lives for the run.
                let tensor = unsafe { core::Tensor::borrow(element_type(*t)?, shape, *ptr, *len) }?;
                Ok((name.as_str(), tensor))
            })
            .collect()
    }

    /// Core tensors over the caller's memory for an asynchronous run, made (and checked)
    /// here on the JS thread; the first one notes when the run starts reading its inputs.
    fn timed_inputs(self) -> core::Result<(Vec<(String, Input)>, RunClock)> {
        let clock = Arc::new(OnceLock::new());
        let mut inputs = Vec::with_capacity(self.0.len());
        for (k, (name, t, shape, ptr, len)) in self.0.into_iter().enumerate() {
            // SAFETY: see `Layouts`: `Keep` holds the memory until the run's promise settles,
            // after core dropped the tensors.
            let tensor = unsafe { core::Tensor::borrow(element_type(t)?, &shape, ptr, len) }?;
            inputs.push((name, Input { tensor, clock: (k == 0).then(|| clock.clone()) }));
        }
        Ok((inputs, clock))
    }
}

/// When an asynchronous run started reading its inputs (see `Input`).
type RunClock = Arc<OnceLock<Instant>>;

/// An input of an asynchronous run. Core borrows each input as a `&Tensor` on the worker
/// right before it hands them to ONNX Runtime, so the first borrow is when the run itself
/// starts (after any wait in the workers' queue): `Pace` times the run from there, as it
/// timed the run inside the job before core's asynchronous runs existed.
struct Input {
    tensor: core::Tensor,
    clock: Option<RunClock>,
}

impl Borrow<core::Tensor> for Input {
    fn borrow(&self) -> &core::Tensor {
        if let Some(clock) = &self.clock {
            clock.get_or_init(Instant::now);
        }
        &self.tensor
    }
}

/// A run's cancel handle, made by index.js for a run with an AbortSignal: holds core's
/// asynchronous run (none for a run done inline, which cannot be cancelled).
#[napi]
pub struct NativeRunHandle {
    run: Mutex<Option<core::AsyncRun>>,
}

#[napi]
impl NativeRunHandle {
    #[napi(constructor)]
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        NativeRunHandle { run: Mutex::new(None) }
    }
    /// Core's cancel: true when the run will reject with CANCELLED, false when its result
    /// was already decided (or it ran inline).
    #[napi]
    pub fn cancel(&self) -> bool {
        self.run.lock().unwrap_or_else(|p| p.into_inner()).as_ref().is_some_and(|r| r.cancel())
    }
}

/// References that keep a pool run's arrays alive (and their memory in place) until it is over.
struct Keep(#[allow(dead_code)] Vec<Uint8Array>);

fn held(env: &Env, names: Vec<String>, types: Vec<u32>, shapes: Vec<Vec<i64>>, data: &[Uint8ArraySlice]) -> napi::Result<(Layouts, Keep)> {
    let mut keep = Vec::with_capacity(data.len());
    for d in data {
        // SAFETY: the value is a live Uint8Array of this env (it was just one).
        keep.push(unsafe { Uint8Array::from_napi_value(env.raw(), d.raw()) }?);
    }
    let spans = keep.iter().map(|a| (a.as_ptr() as *mut u8, a.len())).collect();
    Ok((layouts(names, types, shapes, spans), Keep(keep)))
}

fn run_outputs(session: &core::Session, inputs: &Layouts, outputs: Option<&[String]>, ro: Option<&core::RunOptions>) -> core::Result<Vec<core::Tensor>> {
    let tensors = inputs.tensors()?;
    let refs: Vec<(&str, &core::Tensor)> = tensors.iter().map(|(n, t)| (*n, t)).collect();
    let names: Option<Vec<&str>> = outputs.map(|o| o.iter().map(String::as_str).collect());
    Ok(session.run(&refs, names.as_deref(), ro)?.into_vec())
}

/// Outputs up to this size are copied into a fresh ArrayBuffer; larger ones are handed
/// to JavaScript in place, released by the buffer's finalizer. A copy of a few KiB is
/// cheaper than a finalizer; a large one is not, and V8 aborts the process when a
/// native-created ArrayBuffer cannot be allocated.
const COPY_OUTPUTS_UP_TO: usize = 64 * 1024;

/// `[type, shape, bytes, element count, ...]`, four entries per output.
fn outputs_to_js(env: &Env, tensors: Vec<core::Tensor>) -> napi::Result<Array<'_>> {
    let mut out = env.create_array((tensors.len() * 4) as u32)?;
    for (k, mut tensor) in tensors.into_iter().enumerate() {
        let k = (k * 4) as u32;
        out.set(k, tensor.element_type() as u32)?;
        out.set(k + 1, tensor.shape().to_vec())?;
        out.set(k + 3, tensor.element_count() as f64)?;
        if tensor.element_type() == ElementType::String {
            // A string output: its strings (copied), no bytes.
            out.set(k + 2, guard(|| Ok(tensor.strings()?.to_vec()))?)?;
            continue;
        }
        let len = tensor.byte_length();
        if len <= COPY_OUTPUTS_UP_TO {
            out.set(k + 2, Uint8ArraySlice::copy_from(env, tensor.as_bytes())?)?;
        } else {
            let ptr = tensor.data_ptr_mut();
            // SAFETY: the tensor owns `len` bytes at `ptr` and is moved into the finalizer,
            // so the memory lives exactly as long as the ArrayBuffer.
            let bytes = unsafe { Uint8ArraySlice::from_external(env, ptr, len, (tensor, Live::new()), |_, kept| drop(kept)) }?;
            out.set(k + 2, bytes)?;
        }
    }
    Ok(out)
}

/// Where a session's next run goes. Handing a run to a worker and its result back costs
/// tens of microseconds of thread wake-ups, more than a tiny model takes to run; so a
/// run whose last run on this session took under `INLINE_BELOW`, with no more input
/// bytes than that one, runs on the JavaScript thread (the loop stalls for at most about
/// that long). Every other run, and the first, goes to the workers. See docs/decisions.md.
struct Pace {
    last_nanos: AtomicU64,
    last_input_bytes: AtomicU64,
    /// False for a session with JavaScript kernels.
    may_inline: bool,
}

const INLINE_BELOW: Duration = Duration::from_micros(100);

impl Pace {
    fn new(may_inline: bool) -> Pace {
        Pace { last_nanos: AtomicU64::new(u64::MAX), last_input_bytes: AtomicU64::new(0), may_inline }
    }
    fn runs_inline(&self, input_bytes: u64) -> bool {
        self.may_inline
            && self.last_nanos.load(Ordering::Relaxed) < INLINE_BELOW.as_nanos() as u64 && input_bytes <= self.last_input_bytes.load(Ordering::Relaxed)
    }
    fn timed<T>(&self, input_bytes: u64, run: impl FnOnce() -> core::Result<T>) -> core::Result<T> {
        let start = Instant::now();
        let result = run();
        // Failed runs say nothing about the model's pace.
        if result.is_ok() {
            self.record(input_bytes, start.elapsed());
        }
        result
    }
    /// A successful run of `input_bytes` took `took` (from reading its inputs to its end).
    fn record(&self, input_bytes: u64, took: Duration) {
        self.last_input_bytes.store(input_bytes, Ordering::Relaxed);
        self.last_nanos.store(took.as_nanos().min(u64::MAX as u128 - 1) as u64, Ordering::Relaxed);
    }
}

// --- run options -----------------------------------------------------------------

#[napi]
pub struct NativeRunOptions {
    inner: Arc<core::RunOptions>,
}

#[napi]
impl NativeRunOptions {
    #[napi(constructor)]
    pub fn new() -> napi::Result<Self> {
        guard(|| Ok(NativeRunOptions { inner: Arc::new(core::RunOptions::new()?) }))
    }
    #[napi]
    pub fn terminate(&self) -> napi::Result<()> {
        guard(|| self.inner.terminate())
    }
    /// Before the options are handed to a run (they are not shared yet).
    #[napi]
    pub fn add_config_entry(&mut self, key: String, value: String) -> napi::Result<()> {
        guard(|| match Arc::get_mut(&mut self.inner) {
            Some(options) => options.add_config_entry(&key, &value),
            None => Err(core::Error::new(ErrorCode::InvalidArgument, "run options already in use")),
        })
    }
}

// --- tensors ---------------------------------------------------------------------

fn element_type(t: u32) -> core::Result<ElementType> {
    ElementType::from_onnx(t)
}

/// Checks a tensor over `data` the way a run will (type, shape, length, alignment);
/// gives its element count.
#[napi]
pub fn tensor_check(elem_type: u32, shape: Vec<i64>, data: Uint8ArraySlice) -> napi::Result<f64> {
    // SAFETY: the tensor is dropped before `data` goes out of scope and never written.
    guard(|| unsafe { core::Tensor::borrow(element_type(elem_type)?, &shape, data.as_ptr() as *mut u8, data.len()) }.map(|t| t.element_count() as f64))
}

/// The address core's tensor over `data` reads (what a run reads): the zero-copy tests
/// compare it with the TypedArray's own address.
#[napi]
pub fn tensor_data_address(elem_type: u32, shape: Vec<i64>, data: Uint8ArraySlice) -> napi::Result<BigInt> {
    // SAFETY: the tensor is dropped before `data` goes out of scope and never written.
    guard(|| unsafe { core::Tensor::borrow(element_type(elem_type)?, &shape, data.as_ptr() as *mut u8, data.len()) }.map(|t| BigInt::from(t.data_ptr() as u64)))
}

/// The bytes a zero-filled tensor of this type and shape needs (core's size checks).
#[napi]
pub fn tensor_byte_length(elem_type: u32, shape: Vec<i64>) -> napi::Result<f64> {
    guard(|| core::Tensor::byte_length_for(element_type(elem_type)?, &shape).map(|n| n as f64))
}

/// Core's OUT_OF_MEMORY error for a tensor JavaScript could not allocate.
#[napi]
pub fn tensor_allocation_failed(elem_type: u32, shape: Vec<i64>) -> napi::Result<()> {
    guard(|| {
        let t = element_type(elem_type)?;
        let bytes = core::Tensor::byte_length_for(t, &shape)?;
        Err(core::Tensor::allocation_failed(t, &shape, bytes))
    })
}

/// Core's TYPE_MISMATCH rule for reading a tensor of `held` elements as `wanted`.
#[napi]
pub fn tensor_check_read(held: u32, wanted: u32) -> napi::Result<()> {
    guard(|| core::Tensor::check_element_type(element_type(held)?, element_type(wanted)?))
}

/// Core's TYPE_MISMATCH rule for reading the raw bytes of a tensor of `held` elements.
#[napi]
pub fn tensor_check_raw_data(held: u32) -> napi::Result<()> {
    guard(|| core::Tensor::check_raw_data(element_type(held)?))
}
