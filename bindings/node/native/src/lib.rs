//! N-API addon of Onyx's Node.js binding: JS objects over onyx-core, nothing more.
//! Errors reach JavaScript as `[ONYX <number> <NAME>] message`, which index.js turns
//! into an `OnyxError` with `.code` and `.number`. Runs happen on Onyx's own worker
//! threads (see `pool`), never on the JavaScript thread nor libuv's pool.

use std::sync::{mpsc, Arc, Mutex, OnceLock, RwLock};

use napi::bindgen_prelude::*;
use napi_derive::napi;
use onyx_core as core;
use onyx_core::{Bf16, ElementType, ErrorCode, OptimizationLevel, F16};

fn js_error(e: core::Error) -> napi::Error {
    napi::Error::from_reason(format!("[ONYX {} {}] {}", e.code() as u32, e.code().name(), e.message()))
}

/// Runs `f` with panics turned into `PANIC` (the boundary module's one text).
fn guard<T>(f: impl FnOnce() -> core::Result<T>) -> napi::Result<T> {
    onyx_boundary::catch(f).map_err(js_error)
}

// --- the worker pool -----------------------------------------------------------------

type Job = Box<dyn FnOnce() + Send>;

/// Onyx's own threads for runs and session loads: as many as the machine has cores,
/// at least 4, started on first use. A blocked job never holds a libuv pool thread.
fn pool() -> &'static Mutex<mpsc::Sender<Job>> {
    static POOL: OnceLock<Mutex<mpsc::Sender<Job>>> = OnceLock::new();
    POOL.get_or_init(|| {
        let (tx, rx) = mpsc::channel::<Job>();
        let rx = Arc::new(Mutex::new(rx));
        let n = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2).max(4);
        for i in 0..n {
            let rx = rx.clone();
            std::thread::Builder::new()
                .name(format!("onyx-node-{i}"))
                .spawn(move || loop {
                    let job = { rx.lock().unwrap().recv() };
                    match job {
                        Ok(job) => job(),
                        Err(_) => break,
                    }
                })
                .expect("spawning an Onyx worker thread");
        }
        Mutex::new(tx)
    })
}

fn submit(job: Job) {
    let _ = pool().lock().unwrap().send(job);
}

/// Runs `work` on the pool; the promise settles with `done(result)` on the JS thread.
fn spawn_promise<'e, R, D>(env: &'e Env, work: impl FnOnce() -> core::Result<R> + Send + 'static, done: impl FnOnce(R) -> D + Send + 'static) -> napi::Result<Object<'e>>
where
    R: Send + 'static,
    D: ToNapiValue + 'static,
{
    let (deferred, promise) = env.create_deferred()?;
    submit(Box::new(move || match onyx_boundary::catch(work) {
        Ok(r) => deferred.resolve(move |_env| Ok(done(r))),
        Err(e) => deferred.reject(js_error(e)),
    }));
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

#[napi]
pub fn error_codes() -> Vec<(String, u32)> {
    ErrorCode::ALL.iter().map(|c| (c.name().to_string(), *c as u32)).collect()
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

/// The address of a TypedArray's first byte (the zero-copy test's reference).
#[napi]
pub fn address_of(data: Uint8Array) -> BigInt {
    BigInt::from(data.as_ptr() as u64)
}

static LIVE: std::sync::atomic::AtomicI64 = std::sync::atomic::AtomicI64::new(0);

/// Native sessions and tensors not yet collected (the GC test's count).
#[napi]
pub fn live_objects() -> i64 {
    LIVE.load(std::sync::atomic::Ordering::SeqCst)
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
}

fn value_info(v: &core::ValueInfo) -> ValueInfoJs {
    ValueInfoJs { name: v.name.clone(), kind: v.kind as u32, element_type: v.onnx_element_type, shape: v.shape.clone(), dim_names: v.dim_names.clone() }
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
    _live: Live,
}

fn wrap_session(s: core::Session) -> NativeSession {
    NativeSession { inner: Arc::new(s), _live: Live::new() }
}

#[napi]
pub fn session_from_file_sync(path: String, options: Option<SessionOptionsJs>) -> napi::Result<NativeSession> {
    guard(|| Ok(wrap_session(core::Session::from_file(&path, &session_options(options)?)?)))
}

#[napi]
pub fn session_from_bytes_sync(bytes: Uint8Array, options: Option<SessionOptionsJs>) -> napi::Result<NativeSession> {
    guard(|| Ok(wrap_session(core::Session::from_bytes(&bytes, &session_options(options)?)?)))
}

#[napi]
pub fn session_from_file<'e>(env: &'e Env, path: String, options: Option<SessionOptionsJs>) -> napi::Result<Object<'e>> {
    let options = guard(|| session_options(options))?;
    spawn_promise(env, move || core::Session::from_file(&path, &options), wrap_session)
}

#[napi]
pub fn session_from_bytes<'e>(env: &'e Env, bytes: Uint8Array, options: Option<SessionOptionsJs>) -> napi::Result<Object<'e>> {
    let options = guard(|| session_options(options))?;
    // The Uint8Array holds a reference to the caller's buffer until the load is done.
    spawn_promise(env, move || core::Session::from_bytes(&bytes, &options), wrap_session)
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

    /// Runs on the pool. `input_names` with their tensors; `outputs`: the output names
    /// wanted (None: all). Names are checked by core. Resolves to the output tensors in order.
    #[napi]
    pub fn run<'e>(&self, env: &'e Env, input_names: Vec<String>, tensors: Vec<&NativeTensor>, outputs: Option<Vec<String>>, run_options: Option<&NativeRunOptions>) -> napi::Result<Object<'e>> {
        let session = self.inner.clone();
        let inputs: Vec<(String, Arc<RwLock<core::Tensor>>)> = input_names.into_iter().zip(tensors.iter().map(|t| t.inner.clone())).collect();
        let ro = run_options.map(|r| r.inner.clone());
        spawn_promise(
            env,
            move || {
                let guards: Vec<_> = inputs.iter().map(|(n, t)| (n.as_str(), t.read().unwrap())).collect();
                let refs: Vec<(&str, &core::Tensor)> = guards.iter().map(|(n, g)| (*n, &**g)).collect();
                let names: Option<Vec<&str>> = outputs.as_ref().map(|o| o.iter().map(String::as_str).collect());
                let out = session.run(&refs, names.as_deref(), ro.as_deref())?;
                Ok(out.into_vec())
            },
            |tensors: Vec<core::Tensor>| tensors.into_iter().map(NativeTensor::owned).collect::<Vec<_>>(),
        )
    }

    /// Runs into caller tensors on the pool; resolves to undefined. Names are checked
    /// by core, as in `run`.
    #[napi]
    pub fn run_into<'e>(
        &self,
        env: &'e Env,
        input_names: Vec<String>,
        tensors: Vec<&NativeTensor>,
        output_names: Vec<String>,
        output_tensors: Vec<&NativeTensor>,
        run_options: Option<&NativeRunOptions>,
    ) -> napi::Result<Object<'e>> {
        let session = self.inner.clone();
        let inputs: Vec<(String, Arc<RwLock<core::Tensor>>)> = input_names.into_iter().zip(tensors.iter().map(|t| t.inner.clone())).collect();
        let outputs: Vec<(String, Arc<RwLock<core::Tensor>>)> = output_names.into_iter().zip(output_tensors.iter().map(|t| t.inner.clone())).collect();
        // The boundary's one aliasing check, before any lock is taken (an output that is
        // also an input would otherwise wait on its own read lock).
        {
            let in_ptrs: Vec<*const core::Tensor> = inputs.iter().map(|(_, t)| t.data_ptr_of()).collect();
            let out_ptrs: Vec<*const core::Tensor> = outputs.iter().map(|(_, t)| t.data_ptr_of()).collect();
            guard(|| onyx_boundary::check_no_aliasing(&in_ptrs, &out_ptrs, |k| outputs[k].0.clone()))?;
        }
        let ro = run_options.map(|r| r.inner.clone());
        spawn_promise(
            env,
            move || {
                let in_guards: Vec<_> = inputs.iter().map(|(n, t)| (n.as_str(), t.read().unwrap())).collect();
                let refs: Vec<(&str, &core::Tensor)> = in_guards.iter().map(|(n, g)| (*n, &**g)).collect();
                let mut out_guards: Vec<_> = outputs.iter().map(|(n, t)| (n.as_str(), t.write().unwrap())).collect();
                let mut outs: Vec<(&str, &mut core::Tensor)> = out_guards.iter_mut().map(|(n, g)| (*n, &mut **g)).collect();
                session.run_into(&refs, &mut outs, ro.as_deref())
            },
            |_| (),
        )
    }
}

trait PtrOf {
    fn data_ptr_of(&self) -> *const core::Tensor;
}
impl PtrOf for Arc<RwLock<core::Tensor>> {
    /// Identity of the tensor object (aliasing means the same tensor, or the same memory).
    fn data_ptr_of(&self) -> *const core::Tensor {
        Arc::as_ptr(self) as *const RwLock<core::Tensor> as *const core::Tensor
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
}

// --- tensors ---------------------------------------------------------------------

#[napi]
pub struct NativeTensor {
    inner: Arc<RwLock<core::Tensor>>,
    /// A borrowed tensor's TypedArray bytes: the reference keeps them alive as long
    /// as the tensor exists.
    _borrowed: Option<Uint8Array>,
    _live: Live,
}

impl NativeTensor {
    fn owned(t: core::Tensor) -> NativeTensor {
        NativeTensor { inner: Arc::new(RwLock::new(t)), _borrowed: None, _live: Live::new() }
    }
}

fn element_type(t: u32) -> core::Result<ElementType> {
    ElementType::from_onnx(t)
}

#[napi]
pub fn tensor_zeros(elem_type: u32, shape: Vec<i64>) -> napi::Result<NativeTensor> {
    guard(|| Ok(NativeTensor::owned(core::Tensor::zeros(element_type(elem_type)?, &shape)?)))
}

#[napi]
pub fn tensor_copy(elem_type: u32, shape: Vec<i64>, bytes: Uint8Array) -> napi::Result<NativeTensor> {
    guard(|| Ok(NativeTensor::owned(core::Tensor::copy_bytes(element_type(elem_type)?, &shape, &bytes)?)))
}

#[napi]
pub fn tensor_borrow(elem_type: u32, shape: Vec<i64>, bytes: Uint8Array) -> napi::Result<NativeTensor> {
    let ptr = bytes.as_ptr() as *mut u8;
    let len = bytes.len();
    // SAFETY: `bytes` (a reference to the caller's TypedArray) is kept in the tensor,
    // so the memory outlives it.
    let t = guard(|| unsafe { core::Tensor::borrow(element_type(elem_type)?, &shape, ptr, len) })?;
    Ok(NativeTensor { inner: Arc::new(RwLock::new(t)), _borrowed: Some(bytes), _live: Live::new() })
}

#[napi]
impl NativeTensor {
    #[napi]
    pub fn element_type(&self) -> u32 {
        self.inner.read().unwrap().element_type() as u32
    }
    #[napi]
    pub fn shape(&self) -> Vec<i64> {
        self.inner.read().unwrap().shape().to_vec()
    }
    /// A JS number (exact to 2^53 bytes), never a u32 that would wrap past 4 GiB.
    #[napi]
    pub fn byte_length(&self) -> f64 {
        self.inner.read().unwrap().byte_length() as f64
    }
    #[napi]
    pub fn element_count(&self) -> f64 {
        self.inner.read().unwrap().element_count() as f64
    }
    #[napi]
    pub fn data_address(&self) -> BigInt {
        BigInt::from(self.inner.read().unwrap().data_ptr() as u64)
    }
    /// A copy of the bytes, read as `elem_type` (core's check: TYPE_MISMATCH otherwise).
    #[napi]
    pub fn read(&self, elem_type: u32) -> napi::Result<Buffer> {
        let t = self.inner.read().unwrap();
        guard(|| {
            t.expect_element_type(element_type(elem_type)?)?;
            Ok(Buffer::from(t.as_bytes().to_vec()))
        })
    }
}
