use std::{
    ffi::CStr,
    path::{Path, PathBuf},
    sync::{Arc, Mutex, OnceLock, RwLock},
};

use crate::{ort_call, Error, ErrorCode, Result};

/// The ONNX Runtime release Onyx is built and tested against (versions.env).
pub const PINNED_ORT_VERSION: &str = env!("ONYX_PINNED_ORT_VERSION");
/// The file name of the pinned runtime, as shipped beside the Onyx library.
pub const PINNED_ORT_FILE_NAME: &str = crate::platform::ORT_FILE_NAMES[0];
/// Environment variable naming the ONNX Runtime library to load.
pub const ORT_LIBRARY_ENV: &str = "ONYX_ORT_LIBRARY";

/// Severity of ONNX Runtime's own log lines that Onyx lets through to stderr.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum LogLevel {
    Verbose = 0,
    Info = 1,
    Warning = 2,
    Error = 3,
    Fatal = 4,
}

impl LogLevel {
    /// Every level, in numeric order.
    pub const ALL: [LogLevel; 5] = [Self::Verbose, Self::Info, Self::Warning, Self::Error, Self::Fatal];

    /// The level's name as every binding spells it (`VERBOSE` ... `FATAL`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Verbose => "VERBOSE",
            Self::Info => "INFO",
            Self::Warning => "WARNING",
            Self::Error => "ERROR",
            Self::Fatal => "FATAL",
        }
    }

    pub fn from_u32(value: u32) -> Result<LogLevel> {
        Self::ALL
            .into_iter()
            .find(|l| *l as u32 == value)
            .ok_or_else(|| Error::new(ErrorCode::InvalidArgument, format!("log level {value} is not one of 0 (verbose) to 4 (fatal)")))
    }

    fn to_ort(self) -> ort::logging::LogLevel {
        use ort::logging::LogLevel as L;
        match self {
            Self::Verbose => L::Verbose,
            Self::Info => L::Info,
            Self::Warning => L::Warning,
            Self::Error => L::Error,
            Self::Fatal => L::Fatal,
        }
    }
}

/// The loaded ONNX Runtime. There is one per process: ONNX Runtime allows a single
/// environment, and a shared library, once opened, stays for the life of the process.
pub struct Runtime {
    path: PathBuf,
    version: String,
    environment: ort::environment::Environment,
    cpu_memory: CpuMemoryInfo,
}

pub(crate) struct CpuMemoryInfo(pub(crate) *mut ort_sys::OrtMemoryInfo);
// The memory info is created once and only read by ONNX Runtime afterwards.
unsafe impl Send for CpuMemoryInfo {}
unsafe impl Sync for CpuMemoryInfo {}

static RUNTIME: OnceLock<Runtime> = OnceLock::new();
static INIT: Mutex<()> = Mutex::new(());
static LOG_LEVEL: Mutex<LogLevel> = Mutex::new(LogLevel::Warning);

impl Runtime {
    /// Loads ONNX Runtime. `path` wins; without it, `ONYX_ORT_LIBRARY`, then the
    /// folder that holds the Onyx library. Calling it again with no path or the same
    /// path returns the runtime already loaded; another path is an error.
    pub fn init(path: Option<&Path>) -> Result<&'static Runtime> {
        let _guard = INIT.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(runtime) = RUNTIME.get() {
            if let Some(asked) = path {
                let asked = absolute(asked)?;
                if !same_file(&asked, &runtime.path) {
                    return Err(Error::new(
                        ErrorCode::RuntimeLoadFailed,
                        format!(
                            "ONNX Runtime is already loaded from {} in this process; cannot load {} as well",
                            runtime.path.display(),
                            asked.display()
                        ),
                    ));
                }
            }
            return Ok(runtime);
        }
        let (path, source) = locate(path)?;
        let runtime = load(path, &source)?;
        Ok(RUNTIME.get_or_init(|| runtime))
    }

    /// The loaded runtime, loading it by the default lookup if nobody did yet.
    pub fn get() -> Result<&'static Runtime> {
        match RUNTIME.get() {
            Some(runtime) => Ok(runtime),
            None => Self::init(None),
        }
    }

    /// The runtime if it is loaded, without trying to load it.
    pub fn loaded() -> Option<&'static Runtime> {
        RUNTIME.get()
    }

    /// Absolute path of the library actually loaded.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// ONNX Runtime's own version string, e.g. "1.31.1".
    pub fn version(&self) -> &str {
        &self.version
    }

    /// Sets which ONNX Runtime log lines reach stderr (default: warnings and up).
    /// Works before and after the runtime is loaded.
    pub fn set_log_level(level: LogLevel) {
        *LOG_LEVEL.lock().unwrap_or_else(|p| p.into_inner()) = level;
        if let Some(runtime) = RUNTIME.get() {
            runtime.environment.set_log_level(level.to_ort());
        }
    }

    /// Sends log lines (those the level lets through) to `callback` instead of stderr;
    /// None goes back to stderr. Works before and after the runtime is loaded. When this
    /// returns, the callback it replaced is not running and will not be called again.
    /// A callback may not call this (INVALID_ARGUMENT): it would wait for itself.
    pub fn set_log_callback(callback: Option<LogCallback>) -> Result<()> {
        if IN_LOG_CALLBACK.with(|c| c.get()) {
            return Err(Error::new(ErrorCode::InvalidArgument, "the log callback cannot be changed from inside the log callback"));
        }
        *LOG_CALLBACK.write().unwrap_or_else(|p| p.into_inner()) = callback;
        Ok(())
    }

    pub fn log_level() -> LogLevel {
        *LOG_LEVEL.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The `ort` environment Onyx created, for Rust code that mixes Onyx with `ort`
    /// in one process (ONNX Runtime allows a single environment per process).
    pub fn ort_environment(&self) -> &ort::environment::Environment {
        &self.environment
    }

    pub(crate) fn cpu_memory(&self) -> *const ort_sys::OrtMemoryInfo {
        self.cpu_memory.0
    }
}

/// Picks the library file by the documented lookup order. Returns the path and
/// where it came from, for error messages.
fn locate(explicit: Option<&Path>) -> Result<(PathBuf, String)> {
    if let Some(path) = explicit {
        return Ok((absolute(path)?, "the path given to init".into()));
    }
    if let Some(value) = std::env::var_os(ORT_LIBRARY_ENV).filter(|v| !v.is_empty()) {
        return Ok((absolute(Path::new(&value))?, format!("the {ORT_LIBRARY_ENV} environment variable")));
    }
    let Some(folder) = crate::platform::own_library_folder() else {
        return Err(Error::new(
            ErrorCode::RuntimeLoadFailed,
            format!("ONNX Runtime was not given and the folder of the Onyx library is unknown; pass a path or set {ORT_LIBRARY_ENV}"),
        ));
    };
    let candidates = crate::platform::ORT_FILE_NAMES.map(|name| folder.join(name));
    match candidates.iter().find(|p| p.is_file()) {
        Some(found) => Ok((found.clone(), "the folder of the Onyx library".into())),
        None => Err(Error::new(
            ErrorCode::RuntimeLoadFailed,
            format!(
                "ONNX Runtime not found: tried {} (beside the Onyx library); pass a path or set {ORT_LIBRARY_ENV}",
                candidates.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(" and ")
            ),
        )),
    }
}

fn load(path: PathBuf, source: &str) -> Result<Runtime> {
    let fail = |why: String| Error::new(ErrorCode::RuntimeLoadFailed, format!("cannot load ONNX Runtime from {} ({source}): {why}", path.display()));
    if !path.exists() {
        return Err(fail("no such file".into()));
    }
    if !path.is_file() {
        return Err(fail("not a file".into()));
    }
    let version = read_version(&path).map_err(fail)?;
    let builder = ort::init_from(&path).map_err(|e| fail(e.to_string()))?;
    let environment = builder
        .with_name("onyx")
        .with_telemetry(false)
        .with_logger(Arc::new(log_line))
        .build()
        .map_err(|e| fail(e.message().to_string()))?;
    environment.set_log_level(Runtime::log_level().to_ort());

    let mut memory = std::ptr::null_mut();
    ort_call::check(
        unsafe {
            (ort_call::api().CreateCpuMemoryInfo)(
                ort_sys::OrtAllocatorType::OrtDeviceAllocator,
                ort_sys::OrtMemType::OrtMemTypeDefault,
                &mut memory,
            )
        },
        ErrorCode::RuntimeError,
        "creating CPU memory info",
    )?;
    Ok(Runtime { path, version, environment, cpu_memory: CpuMemoryInfo(memory) })
}

/// Reads the version before `ort` takes the library, so a wrong file is reported
/// by Onyx with the path, rather than by a panic deeper down.
fn read_version(path: &Path) -> std::result::Result<String, String> {
    let library = crate::platform::open_runtime_library(path)?;
    let get_base: libloading::Symbol<unsafe extern "C" fn() -> *const ort_sys::OrtApiBase> =
        unsafe { library.get(b"OrtGetApiBase") }.map_err(|_| "the file does not export OrtGetApiBase: not ONNX Runtime".to_string())?;
    let base = unsafe { get_base() };
    if base.is_null() {
        return Err("OrtGetApiBase returned NULL".into());
    }
    let version = unsafe { CStr::from_ptr(((*base).GetVersionString)()) }.to_string_lossy().into_owned();
    let minor: u32 = version.split('.').nth(1).and_then(|m| m.parse().ok()).unwrap_or(0);
    if !version.starts_with("1.") || minor < ort::MINOR_VERSION {
        return Err(format!("found ONNX Runtime {version}, Onyx needs 1.{} or newer (tested with {PINNED_ORT_VERSION})", ort::MINOR_VERSION));
    }
    // The library stays open: `ort` holds its own handle for the process lifetime.
    std::mem::forget(library);
    Ok(version)
}

fn log_line(level: ort::logging::LogLevel, category: &str, _id: &str, location: &str, message: &str) {
    use ort::logging::LogLevel as L;
    let rank = match level {
        L::Verbose => LogLevel::Verbose,
        L::Info => LogLevel::Info,
        L::Warning => LogLevel::Warning,
        L::Error => LogLevel::Error,
        L::Fatal => LogLevel::Fatal,
    };
    let tag = rank.name();
    if rank >= Runtime::log_level() && !to_callback(rank, category, message) {
        write_log_line(&format!("onnxruntime {tag} [{category}] {location}: {message}"));
    }
}

/// Onyx's own warnings, through the same level, callback and line format as ONNX Runtime's.
pub(crate) fn log_warning(message: &str) {
    if LogLevel::Warning >= Runtime::log_level() && !to_callback(LogLevel::Warning, "onyx", message) {
        write_log_line(&format!("onyx WARNING: {message}"));
    }
}

/// Receives log lines instead of stderr: severity, category (ONNX Runtime's, e.g.
/// "onnxruntime", or "onyx" for Onyx's own) and message. Called on any thread,
/// ONNX Runtime's included, possibly on several at once.
pub type LogCallback = Arc<dyn Fn(LogLevel, &str, &str) + Send + Sync>;

/// Read-locked while a callback runs, so that once `set_log_callback` returns the old
/// callback is never called again (a binding may free what it points to).
static LOG_CALLBACK: RwLock<Option<LogCallback>> = RwLock::new(None);

thread_local! {
    static IN_LOG_CALLBACK: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Hands a line to the callback, if one is set; false when there is none.
fn to_callback(level: LogLevel, category: &str, message: &str) -> bool {
    if IN_LOG_CALLBACK.with(|c| c.get()) {
        return true; // a line logged by the callback itself: dropped, never recursed into
    }
    let callback = LOG_CALLBACK.read().unwrap_or_else(|p| p.into_inner());
    let Some(callback) = callback.as_ref() else {
        return false;
    };
    IN_LOG_CALLBACK.with(|c| c.set(true));
    // A panicking callback loses its line; it never unwinds into ONNX Runtime.
    let _ = crate::catch_panic(|| {
        callback(level, category, message);
        Ok(())
    });
    IN_LOG_CALLBACK.with(|c| c.set(false));
    true
}

/// The one place Onyx writes a log line (stderr, one line, "onyx: " first).
fn write_log_line(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr().lock(), "onyx: {line}");
}

fn absolute(path: &Path) -> Result<PathBuf> {
    std::path::absolute(path)
        .map_err(|e| Error::new(ErrorCode::InvalidArgument, format!("cannot make {} absolute: {e}", path.display())))
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

