//! Structure-aware fuzzing of tensor creation and run arguments on add16
//! (tests/suite/fixtures/add16.onnx: sum[16] = a[16] + b[16], float).
//!
//! Each input is decoded (with `arbitrary`) into a plan: a few tensors (zeros, copy,
//! borrowed, misaligned or NULL borrowed; any element type number, any rank, dims
//! from small to 2^62 and negative, byte lengths exact or off), the inputs to pass
//! (known names, raw byte names with invalid UTF-8 or NUL, duplicates, missing
//! ones, NULL tensors), an output selection (all, names, indices, run_into targets,
//! aliasing an input) and run options (tag, terminate). The plan is carried out
//! through onyx-core's Rust API or through the C ABI (onyx-ffi linked as a Rust
//! library, so invalid UTF-8 and NULL reach the checks a C caller reaches).
//!
//! Oracles: no panic (in core: a libFuzzer crash; at the C ABI: ONYX_ERROR_PANIC),
//! no sanitizer report, every error carries a known code and a message, a created
//! tensor reports the shape and length it was made with, a successful run's `sum`
//! is a + b element by element, and after every plan a canary run on the same
//! session still gives the right answer. libFuzzer's -rss_limit_mb bounds memory.
#![no_main]

use std::{
    ffi::{c_char, c_void, CString},
    ptr,
    sync::OnceLock,
};

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use onyx_core::{ElementType, ErrorCode, RunOptions, Session, SessionOptions, Tensor};
use onyx as c; // onyx-ffi: the C ABI, as a Rust library

const ADD16: &[u8] = include_bytes!("../../tests/suite/fixtures/add16.onnx");
/// Largest buffer a plan hands over (copy or borrow); larger shapes get a mismatch.
const MAX_BUFFER: usize = 1 << 16;
const MAX_TENSORS: usize = 6;

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Dim {
    Sixteen,
    Small(u8),
    Zero,
    MinusOne,
    Pow2(u8),
    Raw(i64),
}

impl Dim {
    fn value(self) -> i64 {
        match self {
            Dim::Sixteen => 16,
            Dim::Small(n) => i64::from(n % 20),
            Dim::Zero => 0,
            Dim::MinusOne => -1,
            Dim::Pow2(n) => 1i64.wrapping_shl(u32::from(n % 64)),
            Dim::Raw(v) => v,
        }
    }
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Elem {
    Float,
    Known(u8),
    Raw(u32),
}

impl Elem {
    fn value(self) -> u32 {
        match self {
            Elem::Float => 1,
            Elem::Known(n) => u32::from(n % 26),
            Elem::Raw(v) => v,
        }
    }
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Make {
    Zeros,
    Copy,
    Borrow,
    BorrowMisaligned,
    BorrowNull,
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Len {
    Exact,
    Delta(i16),
    Raw(u16),
}

#[derive(Arbitrary, Debug)]
struct TensorSpec {
    make: Make,
    elem: Elem,
    /// None: the shape [16] add16 wants.
    shape: Option<Vec<Dim>>,
    len: Len,
    fill: Vec<u8>,
    /// C ABI only: pass a NULL shape pointer with this rank.
    null_shape: bool,
}

#[derive(Arbitrary, Debug, Clone)]
enum Name {
    A,
    B,
    Sum,
    Bytes(Vec<u8>),
    /// C ABI: a NULL name pointer (core: the empty name).
    Null,
}

#[derive(Arbitrary, Debug)]
struct Input {
    name: Name,
    tensor: u8,
    /// C ABI: a NULL tensor pointer.
    null_tensor: bool,
}

#[derive(Arbitrary, Debug)]
enum Outputs {
    All,
    /// C ABI: output_names NULL with this output_count.
    AllWithCount(u8),
    Names(Vec<Name>),
    Indices(Vec<u16>),
    /// run_into: (output name, tensor index); the C ABI may alias inputs and repeat.
    Into(Vec<(Name, u8)>),
}

#[derive(Arbitrary, Debug)]
struct Options {
    tag: Vec<u8>,
    terminate: bool,
    reset: bool,
}

#[derive(Arbitrary, Debug)]
struct Plan {
    via_c_abi: bool,
    tensors: Vec<TensorSpec>,
    inputs: Vec<Input>,
    outputs: Outputs,
    options: Option<Options>,
}

struct Sessions {
    core: Session,
    c: *mut c::onyx_session,
}
// The C session is only shared as `*const`, which the ABI allows from any thread.
unsafe impl Send for Sessions {}
unsafe impl Sync for Sessions {}

fn sessions() -> &'static Sessions {
    static SESSIONS: OnceLock<Sessions> = OnceLock::new();
    SESSIONS.get_or_init(|| {
        let mut options = SessionOptions::default();
        options.set_intra_op_threads(1).expect("intra-op threads");
        options.set_inter_op_threads(1).expect("inter-op threads");
        let core = Session::from_bytes(ADD16, &options).unwrap_or_else(|e| panic!("add16 does not load: {e}"));
        let mut session = ptr::null_mut();
        let status = c::onyx_session_create_from_bytes(ADD16.as_ptr(), ADD16.len(), ptr::null(), &mut session);
        assert!(status.is_null(), "add16 does not load through the C ABI: {}", c_message(status));
        Sessions { core, c: session }
    })
}

fn c_message(status: *mut c::onyx_status) -> String {
    let text = unsafe { std::ffi::CStr::from_ptr(c::onyx_status_message(status)) }.to_string_lossy().into_owned();
    c::onyx_status_free(status);
    text
}

/// A C ABI status: Ok, or (code, message) after checking the code is known and not PANIC.
fn c_result(status: *mut c::onyx_status, what: &str) -> Result<(), u32> {
    if status.is_null() {
        return Ok(());
    }
    let code = c::onyx_status_code(status);
    let message = c_message(status);
    check_error(code, &message, what);
    Err(code)
}

fn check_error(code: u32, message: &str, what: &str) {
    assert!(code != ErrorCode::Panic as u32, "{what}: Onyx panicked (ONYX_ERROR_PANIC): {message}");
    assert!(ErrorCode::from_u32(code).is_some(), "{what}: unknown error code {code}: {message}");
    assert!(!message.is_empty(), "{what}: error {code} has an empty message");
}

fn core_result<T>(result: onyx_core::Result<T>, what: &str) -> Option<T> {
    match result {
        Ok(v) => Some(v),
        Err(e) => {
            check_error(e.code() as u32, e.message(), what);
            None
        }
    }
}

/// 8-byte aligned memory that outlives every tensor borrowing it.
struct Buffer {
    words: Vec<u64>,
}

impl Buffer {
    fn new(fill: &[u8], len: usize) -> Buffer {
        let mut words = vec![0u64; len.div_ceil(8) + 1];
        let bytes = unsafe { std::slice::from_raw_parts_mut(words.as_mut_ptr().cast::<u8>(), words.len() * 8) };
        if !fill.is_empty() {
            for (i, b) in bytes.iter_mut().enumerate() {
                *b = fill[i % fill.len()];
            }
        }
        Buffer { words }
    }
    fn ptr(&mut self) -> *mut u8 {
        self.words.as_mut_ptr().cast()
    }
}

/// The bytes a shape needs, as arithmetic says (a 0 dimension makes 0, whatever the
/// others); None for a negative dimension, an unknown type or more than usize.
/// Elements of a shape (None for a negative dimension or an overflow; 0 with a 0 in it).
fn element_count(shape: &[i64]) -> Option<usize> {
    if shape.iter().any(|&d| d < 0) {
        return None;
    }
    if shape.contains(&0) {
        return Some(0);
    }
    shape.iter().try_fold(1usize, |n, &d| n.checked_mul(d as usize))
}

/// Bytes of data a tensor of `elem` and `shape` holds: ONNX packs the 4-bit types
/// (21-23) two per byte and the 2-bit ones (25, 26) four; strings (8) have none.
fn needed_bytes(elem: u32, shape: &[i64]) -> Option<usize> {
    let size = ElementType::from_onnx(elem).ok()?.size();
    let count = element_count(shape)?;
    match elem {
        21..=23 => Some(count.div_ceil(2)),
        25 | 26 => Some(count.div_ceil(4)),
        _ => count.checked_mul(size),
    }
}

/// Shape, element type, byte length and memory for one tensor of the plan.
struct Prepared {
    make: Make,
    elem: u32,
    shape: Vec<i64>,
    length: usize,
    buffer: Buffer,
    null_shape: bool,
}

fn prepare(spec: &TensorSpec) -> Prepared {
    let shape: Vec<i64> = match &spec.shape {
        None => vec![16],
        Some(dims) => dims.iter().map(|d| d.value()).collect(),
    };
    let elem = spec.elem.value();
    let needed = needed_bytes(elem, &shape);
    let length = match spec.len {
        Len::Exact => needed.unwrap_or(0),
        Len::Delta(d) => needed.unwrap_or(0).saturating_add_signed(isize::from(d)),
        Len::Raw(n) => usize::from(n),
    }
    .min(MAX_BUFFER);
    let buffer = Buffer::new(&spec.fill, length);
    // A string tensor's elements are memory Onyx and ONNX Runtime write (not calloc's
    // untouched pages): bound them as buffers are bounded, making an oversized one by copy
    // instead (which refuses strings).
    let oversized_strings = elem == 8 && element_count(&shape).is_none_or(|n| n > MAX_BUFFER);
    let make = if oversized_strings && matches!(spec.make, Make::Zeros) { Make::Copy } else { spec.make };
    Prepared { make, elem, shape, length, buffer, null_shape: spec.null_shape }
}

/// What a tensor must report once created.
fn check_tensor(p: &Prepared, elem: u32, shape: &[i64], bytes: usize, count: usize, what: &str) {
    assert_eq!(elem, p.elem, "{what}: element type");
    assert_eq!(shape, &p.shape[..], "{what}: shape");
    assert_eq!(Some(bytes), needed_bytes(elem, &p.shape), "{what}: byte length");
    assert_eq!(Some(count), element_count(&p.shape), "{what}: element count");
    if !matches!(p.make, Make::Zeros) {
        assert!(bytes <= p.length, "{what}: a copied or borrowed tensor holds more than it was given");
    }
}

fn name_bytes(name: &Name) -> Option<Vec<u8>> {
    match name {
        Name::A => Some(b"a".to_vec()),
        Name::B => Some(b"b".to_vec()),
        Name::Sum => Some(b"sum".to_vec()),
        Name::Bytes(b) => Some(b.clone()),
        Name::Null => None,
    }
}

fn name_str(name: &Name) -> String {
    String::from_utf8_lossy(&name_bytes(name).unwrap_or_default()).into_owned()
}

/// A C string as a C caller would pass it: cut at the first NUL.
fn name_c(name: &Name) -> Option<CString> {
    name_bytes(name).map(|mut b| {
        if let Some(nul) = b.iter().position(|&c| c == 0) {
            b.truncate(nul);
        }
        CString::new(b).expect("no NUL left")
    })
}

fn f32s(bytes: &[u8]) -> Vec<f32> {
    bytes.chunks_exact(4).map(|c| f32::from_ne_bytes(c.try_into().unwrap())).collect()
}

/// sum == a + b, element by element (NaN == NaN here).
fn check_sum(a: &[u8], b: &[u8], sum: &[u8], what: &str) {
    let (a, b, sum) = (f32s(a), f32s(b), f32s(sum));
    assert_eq!((a.len(), b.len(), sum.len()), (16, 16, 16), "{what}: add16 works on 16 floats");
    for i in 0..16 {
        let want = a[i] + b[i];
        assert!(sum[i] == want || (sum[i].is_nan() && want.is_nan()), "{what}: sum[{i}] = {} but a + b = {want}", sum[i]);
    }
}

/// A run with the right inputs must still work after whatever the plan did.
fn canary() {
    let s = sessions();
    let a: Vec<f32> = (0..16).map(|i| i as f32).collect();
    let b: Vec<f32> = (0..16).map(|i| 100.0 * i as f32).collect();
    let ta = Tensor::copy(&[16], &a).expect("canary tensor");
    let tb = Tensor::copy(&[16], &b).expect("canary tensor");
    let out = s.core.run(&[("a", &ta), ("b", &tb)], None, None).expect("the canary run after a plan failed");
    check_sum(ta.as_bytes(), tb.as_bytes(), out[0].as_bytes(), "canary (core)");

    let (na, nb) = (c"a", c"b");
    let names = [na.as_ptr(), nb.as_ptr()];
    let mut ca = ptr::null_mut();
    let mut cb = ptr::null_mut();
    let shape = [16i64];
    assert!(c::onyx_tensor_create_copy(1, shape.as_ptr(), 1, a.as_ptr().cast(), 64, &mut ca).is_null());
    assert!(c::onyx_tensor_create_copy(1, shape.as_ptr(), 1, b.as_ptr().cast(), 64, &mut cb).is_null());
    let inputs = [ca.cast_const(), cb.cast_const()];
    let mut output = ptr::null_mut();
    let status = c::onyx_session_run(s.c, ptr::null(), names.as_ptr(), inputs.as_ptr(), 2, ptr::null(), 1, &mut output);
    assert!(status.is_null(), "the canary run (C ABI) after a plan failed: {}", c_message(status));
    let sum = unsafe { std::slice::from_raw_parts(c::onyx_tensor_data(output).cast::<u8>(), c::onyx_tensor_byte_length(output)) };
    check_sum(ta.as_bytes(), tb.as_bytes(), sum, "canary (C ABI)");
    c::onyx_tensor_free(output);
    c::onyx_tensor_free(ca);
    c::onyx_tensor_free(cb);
}

fuzz_target!(|plan: Plan| {
    let mut prepared: Vec<Prepared> = plan.tensors.iter().take(MAX_TENSORS).map(prepare).collect();
    if plan.via_c_abi {
        run_c(&plan, &mut prepared);
    } else {
        run_core(&plan, &mut prepared);
    }
    canary();
});

fn run_core(plan: &Plan, prepared: &mut [Prepared]) {
    let s = sessions();
    let mut tensors: Vec<Option<Tensor>> = Vec::new();
    for (i, p) in prepared.iter_mut().enumerate() {
        let what = format!("core tensor {i} ({:?} type {} shape {:?} length {})", p.make, p.elem, p.shape, p.length);
        let tensor = match ElementType::from_onnx(p.elem) {
            Err(e) => {
                check_error(e.code() as u32, e.message(), &what);
                None
            }
            Ok(t) => {
                let made = match p.make {
                    Make::Zeros => Tensor::zeros(t, &p.shape),
                    Make::Copy => {
                        let bytes = unsafe { std::slice::from_raw_parts(p.buffer.ptr(), p.length) };
                        Tensor::copy_bytes(t, &p.shape, bytes)
                    }
                    Make::Borrow => unsafe { Tensor::borrow(t, &p.shape, p.buffer.ptr(), p.length) },
                    Make::BorrowMisaligned => unsafe { Tensor::borrow(t, &p.shape, p.buffer.ptr().add(1), p.length) },
                    Make::BorrowNull => unsafe { Tensor::borrow(t, &p.shape, ptr::null_mut(), p.length) },
                };
                core_result(made, &what)
            }
        };
        if let Some(t) = &tensor {
            check_tensor(p, t.element_type() as u32, t.shape(), t.byte_length(), t.element_count(), &what);
        }
        tensors.push(tensor);
    }

    let mut options = plan.options.as_ref().and_then(|o| core_result(RunOptions::new(), "run options").map(|r| (r, o)));
    if let Some((run_options, o)) = &mut options {
        let tag = String::from_utf8_lossy(&o.tag).into_owned();
        let _ = core_result(run_options.set_tag(&tag), "set_tag");
        if o.terminate {
            core_result(run_options.terminate(), "terminate").expect("terminate never fails");
        }
        if o.reset {
            core_result(run_options.reset_terminate(), "reset").expect("reset never fails");
        }
    }
    let options = options.as_ref().map(|(r, _)| r);

    // Inputs by name; a missing tensor index is skipped (the input is then missing).
    let count = tensors.len();
    let pick = |i: u8| if count == 0 { None } else { Some(i as usize % count) };
    let mut input_slots = Vec::new();
    for input in &plan.inputs {
        if let Some(slot) = pick(input.tensor).filter(|&k| tensors[k].is_some()) {
            input_slots.push((name_str(&input.name), slot));
        }
    }

    match &plan.outputs {
        Outputs::Into(targets) => {
            // Core's run_into takes each output tensor by &mut: distinct tensors only,
            // none of them an input (the borrow checker's rule; the C ABI checks it).
            let used: Vec<usize> = input_slots.iter().map(|(_, k)| *k).collect();
            let mut outs: Vec<(String, Tensor)> = Vec::new();
            for (name, t) in targets {
                if let Some(k) = pick(*t).filter(|k| !used.contains(k)) {
                    if let Some(tensor) = tensors[k].take() {
                        outs.push((name_str(name), tensor));
                    }
                }
            }
            let inputs: Vec<(&str, &Tensor)> = input_slots.iter().filter_map(|(n, k)| tensors[*k].as_ref().map(|t| (n.as_str(), t))).collect();
            let mut targets: Vec<(&str, &mut Tensor)> = outs.iter_mut().map(|(n, t)| (n.as_str(), t)).collect();
            let ok = core_result(s.core.run_into(&inputs, &mut targets, options), "core run_into").is_some();
            if ok {
                check_success(&inputs, targets.iter().map(|(n, t)| (*n, t.as_bytes())), "core run_into");
            }
        }
        selection => {
            let inputs: Vec<(&str, &Tensor)> = input_slots.iter().filter_map(|(n, k)| tensors[*k].as_ref().map(|t| (n.as_str(), t))).collect();
            let result = match selection {
                Outputs::All | Outputs::AllWithCount(_) => s.core.run(&inputs, None, options),
                Outputs::Names(names) => {
                    let names: Vec<String> = names.iter().map(name_str).collect();
                    let names: Vec<&str> = names.iter().map(String::as_str).collect();
                    s.core.run(&inputs, Some(&names), options)
                }
                Outputs::Indices(indices) => {
                    // By index, with the inputs resolved to indices the same way a binding does.
                    let by_index: Option<Vec<(usize, &Tensor)>> =
                        inputs.iter().map(|(n, t)| s.core.inputs().iter().position(|i| i.name == *n).map(|i| (i, *t))).collect();
                    let indices: Vec<usize> = indices.iter().map(|&i| usize::from(i)).collect();
                    match by_index {
                        Some(by_index) => s.core.run_indexed(&by_index, Some(&indices), options),
                        None => s.core.run(&inputs, Some(&[]), options),
                    }
                }
                Outputs::Into(_) => unreachable!(),
            };
            if let Some(outputs) = core_result(result, "core run") {
                let produced: Vec<(&str, &[u8])> = outputs.iter().enumerate().map(|(i, t)| (outputs.name(i).unwrap(), t.as_bytes())).collect();
                for (i, t) in outputs.iter().enumerate() {
                    assert_eq!((t.element_type(), t.shape()), (ElementType::Float32, &[16i64][..]), "core run output {i}");
                }
                check_success(&inputs, produced.into_iter(), "core run");
            }
        }
    }
}

/// After a successful run: exactly a and b were given, untouched by the run, and
/// every `sum` produced is a + b.
fn check_success<'a>(inputs: &[(&str, &Tensor)], produced: impl Iterator<Item = (&'a str, &'a [u8])>, what: &str) {
    let mut names: Vec<&str> = inputs.iter().map(|(n, _)| *n).collect();
    names.sort_unstable();
    assert_eq!(names, ["a", "b"], "{what}: a run succeeded with inputs {names:?}");
    let a = inputs.iter().find(|(n, _)| *n == "a").unwrap().1;
    let b = inputs.iter().find(|(n, _)| *n == "b").unwrap().1;
    for (name, bytes) in produced {
        assert_eq!(name, "sum", "{what}: add16 has no output '{name}'");
        check_sum(a.as_bytes(), b.as_bytes(), bytes, what);
    }
}

fn run_c(plan: &Plan, prepared: &mut [Prepared]) {
    let s = sessions();
    let mut tensors: Vec<*mut c::onyx_tensor> = Vec::new();
    for (i, p) in prepared.iter_mut().enumerate() {
        let what = format!("C tensor {i} ({:?} type {} shape {:?} length {})", p.make, p.elem, p.shape, p.length);
        let (shape, rank) = if p.null_shape { (ptr::null(), p.shape.len()) } else { (p.shape.as_ptr(), p.shape.len()) };
        let data: *mut c_void = p.buffer.ptr().cast();
        let mut out = ptr::null_mut();
        let status = match p.make {
            Make::Zeros => c::onyx_tensor_create_zeros(p.elem, shape, rank, &mut out),
            Make::Copy => c::onyx_tensor_create_copy(p.elem, shape, rank, data, p.length, &mut out),
            Make::Borrow => c::onyx_tensor_create_borrowed(p.elem, shape, rank, data, p.length, &mut out),
            Make::BorrowMisaligned => {
                c::onyx_tensor_create_borrowed(p.elem, shape, rank, unsafe { data.cast::<u8>().add(1) }.cast(), p.length, &mut out)
            }
            Make::BorrowNull => c::onyx_tensor_create_borrowed(p.elem, shape, rank, ptr::null_mut(), p.length, &mut out),
        };
        if c_result(status, &what).is_ok() {
            assert!(!out.is_null(), "{what}: success but no tensor");
            let rank = c::onyx_tensor_rank(out);
            let dims = if rank == 0 { &[][..] } else { unsafe { std::slice::from_raw_parts(c::onyx_tensor_shape(out), rank) } };
            check_tensor(p, c::onyx_tensor_element_type(out), dims, c::onyx_tensor_byte_length(out), c::onyx_tensor_element_count(out), &what);
            tensors.push(out);
        } else {
            assert!(out.is_null(), "{what}: the out-parameter was written on failure");
            tensors.push(ptr::null_mut());
        }
    }

    let mut options = ptr::null_mut();
    if let Some(o) = &plan.options {
        c_result(c::onyx_run_options_create(&mut options), "run options").expect("run options");
        let mut tag = o.tag.clone();
        if let Some(nul) = tag.iter().position(|&b| b == 0) {
            tag.truncate(nul);
        }
        let tag = CString::new(tag).unwrap();
        let _ = c_result(c::onyx_run_options_set_tag(options, tag.as_ptr()), "set_tag");
        if o.terminate {
            c_result(c::onyx_run_options_terminate(options), "terminate").expect("terminate never fails");
        }
        if o.reset {
            c_result(c::onyx_run_options_reset_terminate(options), "reset").expect("reset never fails");
        }
    }

    let pick = |i: u8| if tensors.is_empty() { ptr::null_mut() } else { tensors[i as usize % tensors.len()] };
    let input_names: Vec<Option<CString>> = plan.inputs.iter().map(|i| name_c(&i.name)).collect();
    let input_name_ptrs: Vec<*const c_char> = input_names.iter().map(|n| n.as_ref().map_or(ptr::null(), |n| n.as_ptr())).collect();
    let input_ptrs: Vec<*const c::onyx_tensor> =
        plan.inputs.iter().map(|i| if i.null_tensor { ptr::null() } else { pick(i.tensor).cast_const() }).collect();
    let inputs_of = |name: &[u8]| -> Vec<*const c::onyx_tensor> {
        input_names.iter().zip(&input_ptrs).filter(|(n, _)| n.as_ref().map(|n| n.as_bytes()) == Some(name)).map(|(_, t)| *t).collect()
    };
    let data_of = |t: *const c::onyx_tensor| unsafe { std::slice::from_raw_parts(c::onyx_tensor_data(t).cast::<u8>(), c::onyx_tensor_byte_length(t)) };
    // On success exactly one `a` and one `b` were given; check each `sum` against them.
    let check = |sums: &[*const c::onyx_tensor], names: &[&[u8]], what: &str| {
        let (a, b) = (inputs_of(b"a"), inputs_of(b"b"));
        assert_eq!((a.len(), b.len(), input_ptrs.len()), (1, 1, 2), "{what}: a run succeeded with other inputs than a and b");
        for (sum, name) in sums.iter().zip(names) {
            assert_eq!(*name, b"sum", "{what}: add16 has no output {name:?}");
            check_sum(data_of(a[0]), data_of(b[0]), data_of(*sum), what);
        }
    };

    match &plan.outputs {
        Outputs::Into(targets) => {
            let names: Vec<Option<CString>> = targets.iter().map(|(n, _)| name_c(n)).collect();
            let name_ptrs: Vec<*const c_char> = names.iter().map(|n| n.as_ref().map_or(ptr::null(), |n| n.as_ptr())).collect();
            let outs: Vec<*mut c::onyx_tensor> = targets.iter().map(|(_, t)| pick(*t)).collect();
            let status = c::onyx_session_run_into(
                s.c, options, input_name_ptrs.as_ptr(), input_ptrs.as_ptr(), input_ptrs.len(), name_ptrs.as_ptr(), outs.len(), outs.as_ptr(),
            );
            if c_result(status, "C run_into").is_ok() {
                let outs: Vec<*const c::onyx_tensor> = outs.iter().map(|t| t.cast_const()).collect();
                let names: Vec<&[u8]> = names.iter().map(|n| n.as_ref().unwrap().as_bytes()).collect();
                for &o in &outs {
                    assert!(!input_ptrs.contains(&o), "C run_into: an output aliased an input and the run succeeded");
                }
                check(&outs, &names, "C run_into");
            }
        }
        selection => {
            let (names, count): (Option<Vec<Option<CString>>>, usize) = match selection {
                Outputs::All => (None, 1),
                Outputs::AllWithCount(n) => (None, usize::from(*n % 4)),
                Outputs::Names(names) => (Some(names.iter().map(name_c).collect()), names.len()),
                // The C ABI has no run by index: indices become names where they exist.
                Outputs::Indices(indices) => (Some(indices.iter().map(|&i| if i == 0 { name_c(&Name::Sum) } else { None }).collect()), indices.len()),
                Outputs::Into(_) => unreachable!(),
            };
            let name_ptrs: Option<Vec<*const c_char>> =
                names.as_ref().map(|v| v.iter().map(|n| n.as_ref().map_or(ptr::null(), |n| n.as_ptr())).collect());
            // Room for `count` outputs, plus a guard slot the run must not touch.
            let mut outs = vec![ptr::null_mut::<c::onyx_tensor>(); count + 1];
            let status = c::onyx_session_run(
                s.c,
                options,
                input_name_ptrs.as_ptr(),
                input_ptrs.as_ptr(),
                input_ptrs.len(),
                name_ptrs.as_ref().map_or(ptr::null(), |v| v.as_ptr()),
                count,
                outs.as_mut_ptr(),
            );
            let ok = c_result(status, "C run").is_ok();
            assert!(outs[count].is_null(), "C run wrote past output_count");
            if ok {
                assert!(outs[..count].iter().all(|o| !o.is_null()), "C run: success but an output is NULL");
                let out_names: Vec<&[u8]> = match &names {
                    None => vec![b"sum".as_slice(); count],
                    Some(v) => v.iter().map(|n| n.as_ref().unwrap().as_bytes()).collect(),
                };
                let sums: Vec<*const c::onyx_tensor> = outs[..count].iter().map(|t| t.cast_const()).collect();
                check(&sums, &out_names, "C run");
            } else {
                assert!(outs.iter().all(|o| o.is_null()), "C run: outputs written on failure");
            }
            for o in outs {
                c::onyx_tensor_free(o);
            }
        }
    }
    c::onyx_run_options_free(options);
    for t in tensors {
        c::onyx_tensor_free(t);
    }
}
