//! The custom-operator artifacts through ONNX Runtime's C API itself (what Onyx calls):
//! `RegisterCustomOpsLibrary_V2`, `CreateSession`, `Run`, with no Onyx and no Python.
//! Runs the fixtures of tests/suite/customops.py with both libraries and compares the
//! outputs with NumPy's bytes, then prints the status code and message ONNX Runtime
//! gives for every failure the tests provoke (`make test-customops-artifacts`).
//!
//!     c_api_check <libonnxruntime.so> <libonyx_test_customops.so> <extensions .so> <fixtures/customops>

use std::ffi::{c_char, c_void, CStr, CString};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::ptr;

use ort_sys::*;

struct Ort {
    api: &'static OrtApi,
    env: *mut OrtEnv,
}

/// An ONNX Runtime status as (OrtErrorCode, message), or None for success.
type Outcome = Option<(OrtErrorCode, String)>;
/// A failure and the call that gave it.
type Failure = (&'static str, OrtErrorCode, String);

impl Ort {
    unsafe fn take(&self, status: OrtStatusPtr) -> Outcome {
        if status.0.is_null() {
            return None;
        }
        let code = unsafe { (self.api.GetErrorCode)(status.0) };
        let message = unsafe { CStr::from_ptr((self.api.GetErrorMessage)(status.0)) }.to_string_lossy().into_owned();
        unsafe { (self.api.ReleaseStatus)(status.0) };
        Some((code, message))
    }

    /// Session options with each library registered in turn; the first failure, if any.
    unsafe fn options(&self, libraries: &[&Path]) -> (*mut OrtSessionOptions, Outcome) {
        let mut options = ptr::null_mut();
        assert!(unsafe { self.take((self.api.CreateSessionOptions)(&mut options)) }.is_none());
        // Quiet: the failures are printed here, not by ONNX Runtime's logger.
        unsafe { self.take((self.api.SetSessionLogSeverityLevel)(options, 4)) };
        for library in libraries {
            let path = CString::new(library.as_os_str().as_encoded_bytes()).unwrap();
            if let Some(failure) = unsafe { self.take((self.api.RegisterCustomOpsLibrary_V2)(options, path.as_ptr())) } {
                return (options, Some(failure));
            }
        }
        (options, None)
    }

    unsafe fn session(&self, model: &Path, libraries: &[&Path]) -> Result<*mut OrtSession, Failure> {
        let (options, failure) = unsafe { self.options(libraries) };
        if let Some((code, message)) = failure {
            unsafe { (self.api.ReleaseSessionOptions)(options) };
            return Err(("RegisterCustomOpsLibrary_V2", code, message));
        }
        let path = CString::new(model.as_os_str().as_encoded_bytes()).unwrap();
        let mut session = ptr::null_mut();
        let failure = unsafe { self.take((self.api.CreateSession)(self.env, path.as_ptr(), options, &mut session)) };
        unsafe { (self.api.ReleaseSessionOptions)(options) };
        match failure {
            None => Ok(session),
            Some((code, message)) => Err(("CreateSession", code, message)),
        }
    }

    /// One run: float input `x` of `shape`; the outputs' data as f32.
    unsafe fn run(&self, session: *mut OrtSession, x: &mut [f32], shape: &[i64], outputs: &[&str]) -> Result<Vec<Vec<f32>>, Failure> {
        let api = self.api;
        let mut memory = ptr::null_mut();
        assert!(unsafe { self.take((api.CreateCpuMemoryInfo)(OrtAllocatorType::OrtArenaAllocator, OrtMemType::OrtMemTypeDefault, &mut memory)) }.is_none());
        let mut input = ptr::null_mut();
        let made = unsafe {
            (api.CreateTensorWithDataAsOrtValue)(memory, x.as_mut_ptr().cast(), size_of_val(x), shape.as_ptr(), shape.len(),
                ONNXTensorElementDataType::ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT, &mut input)
        };
        assert!(unsafe { self.take(made) }.is_none());
        let names: Vec<CString> = outputs.iter().map(|n| CString::new(*n).unwrap()).collect();
        let name_ptrs: Vec<*const c_char> = names.iter().map(|n| n.as_ptr()).collect();
        let input_name = c"x".as_ptr();
        let mut values: Vec<*mut OrtValue> = vec![ptr::null_mut(); outputs.len()];
        let inputs = [input.cast_const()];
        let failure = unsafe {
            self.take((api.Run)(session, ptr::null(), &input_name, inputs.as_ptr(), 1, name_ptrs.as_ptr(), outputs.len(), values.as_mut_ptr()))
        };
        unsafe { (api.ReleaseValue)(input) };
        unsafe { (api.ReleaseMemoryInfo)(memory) };
        if let Some((code, message)) = failure {
            return Err(("Run", code, message));
        }
        let mut got = Vec::new();
        for value in values {
            let mut info = ptr::null_mut();
            let mut count = 0usize;
            let mut data: *mut c_void = ptr::null_mut();
            unsafe {
                assert!(self.take((api.GetTensorTypeAndShape)(value, &mut info)).is_none());
                assert!(self.take((api.GetTensorShapeElementCount)(info, &mut count)).is_none());
                (api.ReleaseTensorTypeAndShapeInfo)(info);
                assert!(self.take((api.GetTensorMutableData)(value, &mut data)).is_none());
                got.push(std::slice::from_raw_parts(data.cast::<f32>(), count).to_vec());
                (api.ReleaseValue)(value);
            }
        }
        Ok(got)
    }
}

fn read_f32(path: &Path) -> Vec<f32> {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    bytes.chunks_exact(4).map(|c| f32::from_le_bytes(c.try_into().unwrap())).collect()
}

fn describe(outcome: &Option<Failure>) -> String {
    match outcome {
        None => "OK".into(),
        Some((call, code, message)) => format!("{call} -> {code:?} ({}): {message}", *code as i32),
    }
}

fn main() -> ExitCode {
    let args: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let [ort_path, project, extensions, fixtures] = &args[..] else {
        eprintln!("usage: c_api_check <libonnxruntime.so> <libonyx_test_customops.so> <extensions .so> <fixtures/customops>");
        return ExitCode::from(2);
    };
    let library = unsafe { libloading::Library::new(ort_path) }.expect("cannot open ONNX Runtime");
    let get_api_base: libloading::Symbol<unsafe extern "C" fn() -> *const OrtApiBase> =
        unsafe { library.get(b"OrtGetApiBase") }.expect("no OrtGetApiBase");
    let base = unsafe { &*get_api_base() };
    let version = unsafe { CStr::from_ptr((base.GetVersionString)()) }.to_string_lossy().into_owned();
    let api = unsafe { (base.GetApi)(ORT_API_VERSION) };
    assert!(!api.is_null(), "ONNX Runtime {version} has no API version {ORT_API_VERSION}");
    let mut ort = Ort { api: unsafe { &*api }, env: ptr::null_mut() };
    let mut env = ptr::null_mut();
    assert!(unsafe { ort.take((ort.api.CreateEnv)(OrtLoggingLevel::ORT_LOGGING_LEVEL_FATAL, c"c_api_check".as_ptr(), &mut env)) }.is_none());
    ort.env = env;
    println!("c-api: ONNX Runtime {version}, C API version {ORT_API_VERSION}");

    let model = |stem: &str| fixtures.join(format!("{stem}.onnx"));
    let mut failed = false;

    // Outputs: each model with its library, bit-identical to NumPy's.
    let runs: [(&str, &Path, &[i64], &[&str]); 3] = [
        ("scale_shift", project, &[2, 3], &["y"]),
        ("scale_shift_mixed", project, &[2, 3], &["y"]),
        ("negpos", extensions, &[4], &["neg", "pos"]),
    ];
    for (stem, lib, shape, outputs) in runs {
        let mut x = read_f32(&fixtures.join(format!("{stem}_x.f32")));
        let result = unsafe { ort.session(&model(stem), &[lib]) }
            .and_then(|s| unsafe { ort.run(s, &mut x, shape, outputs) });
        let line = match result {
            Err(failure) => Err(describe(&Some(failure))),
            Ok(got) => outputs.iter().zip(&got).try_for_each(|(name, got)| {
                let expected = read_f32(&fixtures.join(format!("{stem}_{name}.f32")));
                let same = got.len() == expected.len() && got.iter().zip(&expected).all(|(a, b)| a.to_bits() == b.to_bits());
                if same { Ok(()) } else { Err(format!("{name} {got:?}, NumPy {expected:?}")) }
            }),
        };
        match line {
            Ok(()) => println!("c-api: PASS {stem}.onnx with {}: {} bit-identical to NumPy", lib.file_name().unwrap().to_string_lossy(), outputs.join(", ")),
            Err(why) => {
                failed = true;
                println!("c-api: FAIL {stem}.onnx with {}: {why}", lib.file_name().unwrap().to_string_lossy());
            }
        }
    }

    // Both libraries on one session options, each model still runs; the same library twice.
    for (what, libs) in [
        ("both libraries", vec![project.as_path(), extensions.as_path()]),
        ("the project's library twice", vec![project.as_path(), project.as_path()]),
        ("the Extensions library twice", vec![extensions.as_path(), extensions.as_path()]),
    ] {
        let mut x = read_f32(&fixtures.join("scale_shift_x.f32"));
        let outcome = unsafe { ort.session(&model("scale_shift"), &libs) }.and_then(|s| unsafe { ort.run(s, &mut x, &[2, 3], &["y"]) });
        println!("c-api: scale_shift.onnx with {what}: {}", describe(&outcome.err()));
    }

    // The failures: (what, library paths, model, run?).
    let text_file = fixtures.join("scale_shift_x.f32");
    let not_elf = fixtures.join("scale_shift.onnx");
    let libc = PathBuf::from("/lib/x86_64-linux-gnu/libc.so.6");
    let missing = fixtures.join("no-such-library.so");
    let cases: Vec<(&str, Vec<&Path>, &str, bool)> = vec![
        ("(a) unknown_op.onnx (DoesNotExist), no library", vec![], "unknown_op", false),
        ("(a') unknown_op.onnx, the project's library", vec![project], "unknown_op", false),
        ("scale_shift.onnx, no library", vec![], "scale_shift", false),
        ("negpos.onnx, the project's library only", vec![project], "negpos", false),
        ("(b) a library path that does not exist", vec![&missing], "scale_shift", false),
        ("(c) a file that is not a shared library (24-byte .f32)", vec![&text_file], "scale_shift", false),
        ("(c') a file that is not a shared library (an .onnx model)", vec![&not_elf], "scale_shift", false),
        ("(c'') a directory", vec![fixtures], "scale_shift", false),
        ("(d) a shared library without RegisterCustomOps (libc.so.6)", vec![&libc], "scale_shift", false),
        ("fail.onnx run, the project's library", vec![project], "fail", true),
    ];
    for (what, libs, stem, run) in cases {
        let mut outcome = match unsafe { ort.session(&model(stem), &libs) } {
            Err(failure) => Some(failure),
            Ok(session) if run => {
                let mut x = read_f32(&fixtures.join(format!("{stem}_x.f32")));
                let first = unsafe { ort.run(session, &mut x, &[2, 3], &["y"]) }.err();
                // The session stays usable: the same failure again.
                let again = unsafe { ort.run(session, &mut x, &[2, 3], &["y"]) }.err();
                if first.as_ref().map(|f| &f.1) != again.as_ref().map(|f| &f.1) {
                    failed = true;
                    println!("c-api: FAIL {what}: a second run gave {}", describe(&again));
                }
                first
            }
            Ok(_) => None,
        };
        if outcome.is_none() {
            failed = true;
            outcome = Some(("everything", OrtErrorCode::ORT_OK, "unexpectedly succeeded".into()));
        }
        println!("c-api: {what}: {}", describe(&outcome));
    }
    if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS }
}
