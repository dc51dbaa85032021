//! `make bench`: ResNet18 and a tiny model through the C ABI against `ort` called
//! directly, in one process on one ONNX Runtime environment. The two paths run in
//! alternating blocks, so machine noise (this is a shared 2-core VM) hits both
//! alike; each figure is the median over all blocks.
//!
//! Usage: `onyx-bench <tests/suite folder> <libonnxruntime path> <out folder>`.
//! Writes `<out>/anchors.txt` (`<key> <median>` lines, read by the other languages'
//! benches for their ratios) and appends `bench c ...` lines to `<out>/results.txt`.

use std::{
    collections::BTreeMap,
    ffi::{c_char, CStr, CString},
    path::Path,
    ptr,
    time::Instant,
};

mod kernels;
mod memory;
mod values;

use onyx::*;
use ort::{session::Session as OrtSession, value::TensorRef};

/// Alternates blocks of `a` and `b` (`per_block` timed calls each, after a first
/// untimed call so the other path's idle threads have settled) and returns the
/// median milliseconds of each.
fn interleaved(blocks: usize, per_block: usize, mut a: impl FnMut(), mut b: impl FnMut()) -> (f64, f64) {
    let (mut times_a, mut times_b) = (vec![], vec![]);
    let block = |f: &mut dyn FnMut(), into: &mut Vec<f64>| {
        f();
        for _ in 0..per_block {
            let start = Instant::now();
            f();
            into.push(start.elapsed().as_secs_f64() * 1e3);
        }
    };
    for i in 0..blocks {
        if i % 2 == 0 {
            block(&mut a, &mut times_a);
            block(&mut b, &mut times_b);
        } else {
            block(&mut b, &mut times_b);
            block(&mut a, &mut times_a);
        }
    }
    (median(times_a), median(times_b))
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn ok(status: *mut onyx_status) {
    if !status.is_null() {
        let message = unsafe { CStr::from_ptr(onyx_status_message(status)) }.to_string_lossy().into_owned();
        panic!("onyx call failed: {message}");
    }
}

struct CSession(*mut onyx_session);
// The C ABI documents sessions as shareable between threads.
unsafe impl Sync for CSession {}

impl CSession {
    fn open(model: &Path, intra_threads: i32) -> CSession {
        let path = CString::new(model.to_str().unwrap()).unwrap();
        let (mut options, mut session) = (ptr::null_mut(), ptr::null_mut());
        ok(onyx_session_options_create(&mut options));
        ok(onyx_session_options_set_intra_op_threads(options, intra_threads));
        ok(onyx_session_create_from_file(path.as_ptr(), options, &mut session));
        onyx_session_options_free(options);
        CSession(session)
    }

    /// One run the way a C caller writes it: borrow the inputs, let Onyx allocate the output.
    fn run(&self, names: &[&CStr], data: &[&[f32]], shapes: &[&[i64]]) {
        let inputs: Vec<*const onyx_tensor> = data
            .iter()
            .zip(shapes)
            .map(|(d, s)| {
                let mut t = ptr::null_mut();
                ok(onyx_tensor_create_borrowed(ONYX_ELEMENT_FLOAT32, s.as_ptr(), s.len(), d.as_ptr() as *mut _, d.len() * 4, &mut t));
                t.cast_const()
            })
            .collect();
        let names: Vec<*const c_char> = names.iter().map(|n| n.as_ptr()).collect();
        let mut output = ptr::null_mut();
        ok(onyx_session_run(self.0, ptr::null(), names.as_ptr(), inputs.as_ptr(), inputs.len(), ptr::null(), 1, &mut output));
        std::hint::black_box(unsafe { *(onyx_tensor_data(output) as *const f32) });
        onyx_tensor_free(output);
        inputs.into_iter().for_each(|t| onyx_tensor_free(t.cast_mut()));
    }
}

impl Drop for CSession {
    fn drop(&mut self) {
        onyx_session_free(self.0);
    }
}

fn ort_session(env: &ort::environment::Environment, model: &Path, intra_threads: usize) -> OrtSession {
    OrtSession::builder(env).unwrap().with_intra_threads(intra_threads).unwrap().commit_from_file(model).unwrap()
}

/// `onyx-bench count ort|c <suite> <ort library> <calls>`: makes `calls` add16 calls
/// on one path, each inside `one_call_*`, for `valgrind --tool=callgrind
/// --toggle-collect='*one_call_*'` to count the instructions of the calls alone
/// (repeatable where wall time on this machine is not).
fn count_calls(path: &str, suite: &Path, ort_library: &CStr, calls: usize) {
    ok(onyx_runtime_init(ort_library.as_ptr()));
    let env = onyx_core::Runtime::get().unwrap().ort_environment();
    let model = suite.join("fixtures/add16.onnx");
    let (a, b) = ([1f32; 16], [2f32; 16]);
    if path == "ort" {
        let mut session = ort_session(env, &model, 1);
        (0..calls).for_each(|_| one_call_ort(&mut session, &a, &b));
    } else {
        let session = CSession::open(&model, 1);
        (0..calls).for_each(|_| one_call_c(&session, &a, &b));
    }
}

#[inline(never)]
fn one_call_ort(session: &mut OrtSession, a: &[f32], b: &[f32]) {
    let inputs = ort::inputs![
        "a" => TensorRef::from_array_view(([16], a)).unwrap(),
        "b" => TensorRef::from_array_view(([16], b)).unwrap()
    ];
    let outputs = session.run(inputs).unwrap();
    std::hint::black_box(outputs["sum"].try_extract_tensor::<f32>().unwrap().1[0]);
}

#[inline(never)]
fn one_call_c(session: &CSession, a: &[f32], b: &[f32]) {
    session.run(&[c"a", c"b"], &[a, b], &[&[16], &[16]]);
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let [_, command, suite, ort_library, mode, sessions] = &args[..] {
        if command == "memory" {
            return memory::measure(Path::new(suite), Path::new(ort_library), mode, sessions.parse().expect("sessions"));
        }
    }
    if let [_, command, suite, ort_library, custom_ops, out] = &args[..] {
        if command == "kernels" {
            let library = CString::new(ort_library.as_str()).unwrap();
            ok(onyx_runtime_init(library.as_ptr()));
            let figures = kernels::run(Path::new(suite), Path::new(custom_ops));
            let lines: String = figures.iter().map(|(k, v)| format!("bench {} {k} {v:.4} us 1\n", if k.contains("rust") { "rust" } else { "c" })).collect();
            let mut file = std::fs::OpenOptions::new().create(true).append(true).open(Path::new(out).join("results.txt")).unwrap();
            std::io::Write::write_all(&mut file, lines.as_bytes()).unwrap();
            return;
        }
    }
    if let [_, command, suite, ort_library] = &args[..] {
        if command == "values" {
            let library = CString::new(ort_library.as_str()).unwrap();
            ok(onyx_runtime_init(library.as_ptr()));
            return println!("{:.3}", values::measure(Path::new(suite), 5, 2000));
        }
    }
    if let [_, mode, path, suite, ort_library, calls] = &args[..] {
        if mode == "count" {
            let library = CString::new(ort_library.as_str()).unwrap();
            return count_calls(path, Path::new(suite), &library, calls.parse().expect("calls"));
        }
    }
    let [_, suite, ort_library, out] = &args[..] else {
        eprintln!("usage: onyx-bench <tests/suite folder> <libonnxruntime path> <out folder>");
        eprintln!("       onyx-bench count ort|c <tests/suite folder> <libonnxruntime path> <calls>");
        eprintln!("       onyx-bench memory <tests/suite folder> <libonnxruntime path> plain|shared <sessions>");
        eprintln!("       onyx-bench kernels <tests/suite folder> <libonnxruntime path> <custom-op library> <out folder>");
        eprintln!("       onyx-bench values <tests/suite folder> <libonnxruntime path>");
        std::process::exit(2);
    };
    let (suite, out) = (Path::new(suite), Path::new(out));
    let library = CString::new(ort_library.as_str()).unwrap();
    ok(onyx_runtime_init(library.as_ptr()));
    let env = onyx_core::Runtime::get().unwrap().ort_environment();
    let model = suite.join("fixtures/resnet18.onnx");
    let bytes = std::fs::read(suite.join("fixtures/input_0.f32")).expect("fixture input_0.f32");
    let pixels: Vec<f32> = bytes.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect();

    let mut figures: BTreeMap<String, f64> = BTreeMap::new();
    let mut rows = vec![];
    for (intra, batch, blocks, metric) in [(1, 1, 10, "resnet18_b1_intra1_ms"), (2, 1, 10, "resnet18_b1_intra2_ms"), (2, 8, 6, "resnet18_b8_intra2_ms")] {
        eprintln!("onyx: [bench] {metric}: ort direct and the C ABI in alternating blocks");
        let mut direct = ort_session(env, &model, intra);
        let onyx = CSession::open(&model, intra as i32);
        let input = pixels.repeat(batch);
        let shape = [batch as i64, 3, 224, 224];
        let (d, c) = interleaved(
            blocks,
            if batch == 1 { 5 } else { 2 },
            || {
                let tensor = TensorRef::from_array_view((shape, &input[..])).unwrap();
                let outputs = direct.run(ort::inputs!["input" => tensor]).unwrap();
                std::hint::black_box(outputs["logits"].try_extract_tensor::<f32>().unwrap().1[0]);
            },
            || onyx.run(&[c"input"], &[&input], &[&shape]),
        );
        figures.insert(format!("ort_{metric}"), d);
        figures.insert(format!("c_{metric}"), c);
        rows.push((metric, "ms", d, c));
    }

    eprintln!("onyx: [bench] add16 per call: ort direct and the C ABI in alternating blocks");
    let mut tiny_direct = ort_session(env, &suite.join("fixtures/add16.onnx"), 1);
    let tiny = CSession::open(&suite.join("fixtures/add16.onnx"), 1);
    let (a, b) = ([1f32; 16], [2f32; 16]);
    const CALLS: usize = 1000;
    let (d, c) = interleaved(
        10,
        3,
        || {
            for _ in 0..CALLS {
                let inputs = ort::inputs![
                    "a" => TensorRef::from_array_view(([16], &a[..])).unwrap(),
                    "b" => TensorRef::from_array_view(([16], &b[..])).unwrap()
                ];
                let outputs = tiny_direct.run(inputs).unwrap();
                std::hint::black_box(outputs["sum"].try_extract_tensor::<f32>().unwrap().1[0]);
            }
        },
        || (0..CALLS).for_each(|_| tiny.run(&[c"a", c"b"], &[&a, &b], &[&[16], &[16]])),
    );
    let (d, c) = (d * 1e3 / CALLS as f64, c * 1e3 / CALLS as f64);
    figures.insert("ort_add16_call_us".into(), d);
    figures.insert("c_add16_call_us".into(), c);
    rows.push(("add16_call_us", "us", d, c));

    eprintln!("onyx: [bench] one session shared by two threads (intra 1 each) against one thread");
    let shared = CSession::open(&model, 1);
    let run = || shared.run(&[c"input"], &[&pixels], &[&[1, 3, 224, 224]]);
    run();
    let runs = 16;
    let start = Instant::now();
    (0..runs).for_each(|_| run());
    let one = runs as f64 / start.elapsed().as_secs_f64();
    let start = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| (0..runs).for_each(|_| run()));
        }
    });
    let speedup = (2 * runs) as f64 / start.elapsed().as_secs_f64() / one;
    figures.insert("c_resnet18_shared_2threads_speedup".into(), speedup);

    std::fs::create_dir_all(out).unwrap();
    let anchors: String = figures.iter().map(|(k, v)| format!("{k} {v:.4}\n")).collect();
    std::fs::write(out.join("anchors.txt"), anchors).unwrap();
    let mut results = String::new();
    println!("| metric | ort direct | Onyx C ABI | C / direct |\n| --- | --- | --- | --- |");
    for (metric, unit, d, c) in rows {
        println!("| {metric} | {d:.3} {unit} | {c:.3} {unit} | {:.3} ({:+.3} {unit}) |", c / d, c - d);
        results += &format!("bench c {metric} {c:.4} {unit} {:.4}\n", c / d);
    }
    println!("| ResNet18 throughput, one session, 2 threads vs 1 (intra 1 each) | | {speedup:.2}x | |");
    results += &format!("bench c resnet18_shared_2threads_speedup {speedup:.4} x 1\n");
    let mut file = std::fs::OpenOptions::new().create(true).append(true).open(out.join("results.txt")).unwrap();
    std::io::Write::write_all(&mut file, results.as_bytes()).unwrap();
}
