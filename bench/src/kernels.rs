//! `onyx-bench kernels <suite> <ort library> <custom-op library> <out>`: what one call of
//! a trivial kernel costs when it is written in Rust (a core `Operator` closure) or in C
//! (`onyx_operator_create`), against the same operator from the project's native
//! custom-op library (customops/, an `OrtCustomOp` written against ONNX Runtime's C API).
//!
//! The model is `scale_shift_16.onnx` (x [16] -> dev.onyx.test::ScaleShift -> y): one
//! node, so a run's time is the run's fixed cost plus one kernel call, and the difference
//! between two sessions of it is the difference between their kernels. The three paths
//! run in alternating blocks through the same C ABI run call; medians in microseconds.

use std::{
    ffi::{c_void, CString},
    path::Path,
    ptr,
};

use onyx::*;
use onyx_core::{AttributeKind, ElementType, KernelContext, Operator, OperatorDefinition, Session, SessionOptions, Tensor};

use crate::{median, ok, CSession};

/// y = alpha * x + beta, the Rust kernel.
fn scale_shift(context: &KernelContext<'_>) -> onyx_core::Result<()> {
    let (alpha, beta) = (context.attribute_float("alpha")?, context.attribute_float("beta")?);
    let x = context.input(0)?;
    let mut y = context.output(0, x.shape())?;
    for (y, x) in y.as_mut_slice::<f32>()?.iter_mut().zip(x.as_slice::<f32>()?) {
        *y = alpha * x + beta;
    }
    Ok(())
}

/// The same kernel as a C function, on the C ABI only.
unsafe extern "C" fn scale_shift_c(_: *mut c_void, context: *mut onyx_kernel_context) -> *mut onyx_status {
    let (mut alpha, mut beta) = (0f32, 0f32);
    let (mut x, mut y) = (ptr::null(), ptr::null_mut());
    for status in [
        onyx_kernel_context_attribute_float(context, c"alpha".as_ptr(), &mut alpha),
        onyx_kernel_context_attribute_float(context, c"beta".as_ptr(), &mut beta),
        onyx_kernel_context_input(context, 0, &mut x),
    ] {
        if !status.is_null() {
            return status;
        }
    }
    let status = onyx_kernel_context_output(context, 0, onyx_tensor_shape(x), onyx_tensor_rank(x), &mut y);
    if !status.is_null() {
        return status;
    }
    let n = onyx_tensor_element_count(x);
    let input = unsafe { std::slice::from_raw_parts(onyx_tensor_data(x) as *const f32, n) };
    let output = unsafe { std::slice::from_raw_parts_mut(onyx_tensor_mutable_data(y) as *mut f32, n) };
    for (y, x) in output.iter_mut().zip(input) {
        *y = alpha * x + beta;
    }
    ptr::null_mut()
}

fn session_with(model: &Path, add: impl FnOnce(*mut onyx_session_options)) -> CSession {
    let path = CString::new(model.to_str().unwrap()).unwrap();
    let (mut options, mut session) = (ptr::null_mut(), ptr::null_mut());
    ok(onyx_session_options_create(&mut options));
    ok(onyx_session_options_set_intra_op_threads(options, 1));
    add(options);
    ok(onyx_session_create_from_file(path.as_ptr(), options, &mut session));
    onyx_session_options_free(options);
    CSession(session)
}

pub fn run(suite: &Path, library_path: &Path) -> Vec<(String, f64)> {
    let model = suite.join("fixtures/customops/scale_shift_16.onnx");
    let library = CString::new(library_path.to_str().unwrap()).unwrap();
    // Rust: onyx-core's API, the library's kernel against a Rust closure.
    let core_session = |add: &dyn Fn(&mut SessionOptions)| {
        let mut options = SessionOptions::default();
        options.set_intra_op_threads(1).unwrap();
        add(&mut options);
        Session::from_file(&model, &options).unwrap()
    };
    let native_rust = core_session(&|o| o.add_custom_op_library(library_path).unwrap());
    let definition = OperatorDefinition::new("dev.onyx.test", "ScaleShift")
        .input(ElementType::Float32)
        .output(ElementType::Float32)
        .attribute("alpha", AttributeKind::Float)
        .attribute("beta", AttributeKind::Float);
    let operator = Operator::new(definition, scale_shift).unwrap();
    let rust = core_session(&|o| o.add_operator(&operator).unwrap());
    // C: the C ABI, the library's kernel against a C function.
    let native_c = session_with(&model, |o| ok(onyx_session_options_add_custom_op_library(o, library.as_ptr())));
    let float = [ONYX_ELEMENT_FLOAT32];
    let names = [c"alpha".as_ptr(), c"beta".as_ptr()];
    let kinds = [ONYX_ATTRIBUTE_FLOAT, ONYX_ATTRIBUTE_FLOAT];
    let mut c_operator = ptr::null_mut();
    ok(onyx_operator_create(
        c"dev.onyx.test".as_ptr(), c"ScaleShift".as_ptr(), 1, 0, float.as_ptr(), 1, float.as_ptr(), 1,
        names.as_ptr(), kinds.as_ptr(), 2, Some(scale_shift_c), ptr::null_mut(), None, &mut c_operator,
    ));
    let c = session_with(&model, |o| ok(onyx_session_options_add_operator(o, c_operator)));
    onyx_operator_free(c_operator);

    let x: Vec<f32> = (0..16).map(|i| i as f32 * 0.5 - 4.0).collect();
    let run_core = |s: &Session| {
        let tensor = Tensor::copy(&[16], &x).unwrap();
        std::hint::black_box(s.run(&[("x", &tensor)], None, None).unwrap());
    };
    let run_c = |s: &CSession| s.run(&[c"x"], &[&x], &[&[16]]);
    let paths: [&dyn Fn(); 4] = [&|| run_core(&native_rust), &|| run_core(&rust), &|| run_c(&native_c), &|| run_c(&c)];
    let (blocks, per_block) = (40, 2000);
    let mut times = vec![Vec::new(); 4];
    for i in 0..blocks {
        for k in 0..4 {
            let path = (i + k) % 4; // each path first in turn
            paths[path]();
            for _ in 0..per_block {
                let start = std::time::Instant::now();
                paths[path]();
                times[path].push(start.elapsed().as_secs_f64() * 1e6);
            }
        }
    }
    let [nr, r, nc, cc] = [0, 1, 2, 3].map(|i| median(std::mem::take(&mut times[i])));
    eprintln!("onyx: [bench] ScaleShift on 16 floats, one run, median us: Rust API: library {nr:.3}, Rust kernel {r:.3}; C ABI: library {nc:.3}, C kernel {cc:.3}");
    eprintln!("onyx: [bench] a kernel call against the native library's: Rust {:+.3} us, C {:+.3} us (target: within 1 us)", r - nr, cc - nc);
    vec![
        ("kernel_library_rust_run_us".into(), nr),
        ("kernel_rust_run_us".into(), r),
        ("kernel_library_c_run_us".into(), nc),
        ("kernel_c_run_us".into(), cc),
        ("kernel_rust_extra_us".into(), r - nr),
        ("kernel_c_extra_us".into(), cc - nc),
    ]
}
