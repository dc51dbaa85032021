//! `make bench`: ResNet18 and a tiny model through the C ABI, against `ort` called
//! directly. Each side runs in its own process (ONNX Runtime allows one environment
//! per process); `onyx-bench all` alternates the two for several rounds, so machine
//! noise hits both alike, and reports the median of each figure over the rounds.
//!
//! `onyx-bench all <tests/suite> <ort library> <out folder> [rounds]` writes
//! `<out>/anchors.txt` (`<key> <median>` lines, read by the other languages' benches)
//! and `<out>/results.txt`; `onyx-bench ort|c <tests/suite> <ort library>` is one side.

use std::{
    ffi::{c_char, CStr, CString},
    path::Path,
    ptr,
    time::Instant,
};

use onyx::*;


/// Median of `iterations` timings of `f`, in milliseconds, after `warmup` calls.
fn median_ms(warmup: usize, iterations: usize, mut f: impl FnMut()) -> f64 {
    for _ in 0..warmup {
        f();
    }
    let mut times: Vec<f64> = (0..iterations)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

/// Median per-call time in microseconds over batches of `calls` calls.
fn per_call_us(calls: usize, mut f: impl FnMut()) -> f64 {
    median_ms(3, 15, || (0..calls).for_each(|_| f())) * 1e3 / calls as f64
}

fn image(suite: &Path) -> Vec<f32> {
    let bytes = std::fs::read(suite.join("fixtures/input_0.f32")).expect("fixture input_0.f32");
    bytes.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect()
}

fn report(key: &str, value: f64) {
    println!("{key} {value:.4}");
}

// ---- ort, called directly -----------------------------------------------------------

fn bench_ort(suite: &Path, ort_library: &str) {
    use ort::{session::Session, value::TensorRef};
    let env = ort::init_from(ort_library).expect("load ONNX Runtime").with_telemetry(false).build().expect("environment");
    let model = suite.join("fixtures/resnet18.onnx");
    let pixels = image(suite);
    for (threads, batch, key) in [(1, 1, "ort_resnet18_b1_intra1_ms"), (2, 1, "ort_resnet18_b1_intra2_ms"), (2, 8, "ort_resnet18_b8_intra2_ms")] {
        let mut session = Session::builder(&env).unwrap().with_intra_threads(threads).unwrap().commit_from_file(&model).unwrap();
        let input = pixels.repeat(batch);
        let iterations = if batch == 1 { 30 } else { 8 };
        report(key, median_ms(3, iterations, || {
            let tensor = TensorRef::from_array_view(([batch, 3, 224, 224], &input[..])).unwrap();
            let outputs = session.run(ort::inputs!["input" => tensor]).unwrap();
            std::hint::black_box(outputs["logits"].try_extract_tensor::<f32>().unwrap().1[0]);
        }));
    }
    let mut tiny = Session::builder(&env).unwrap().with_intra_threads(1).unwrap().commit_from_file(suite.join("fixtures/add16.onnx")).unwrap();
    let (a, b) = ([1f32; 16], [2f32; 16]);
    report("ort_add16_call_us", per_call_us(2000, || {
        let outputs = tiny
            .run(ort::inputs!["a" => TensorRef::from_array_view(([16], &a[..])).unwrap(), "b" => TensorRef::from_array_view(([16], &b[..])).unwrap()])
            .unwrap();
        std::hint::black_box(outputs["sum"].try_extract_tensor::<f32>().unwrap().1[0]);
    }));
}

// ---- the C ABI ----------------------------------------------------------------------

fn ok(status: *mut onyx_status) {
    if !status.is_null() {
        let message = unsafe { std::ffi::CStr::from_ptr(onyx_status_message(status)) }.to_string_lossy().into_owned();
        panic!("onyx call failed: {message}");
    }
}

struct CSession(*mut onyx_session);
unsafe impl Sync for CSession {}

fn c_session(model: &Path, intra_threads: u32) -> CSession {
    let path = CString::new(model.to_str().unwrap()).unwrap();
    let mut options = ptr::null_mut();
    let mut session = ptr::null_mut();
    ok(onyx_session_options_create(&mut options));
    ok(onyx_session_options_set_intra_op_threads(options, intra_threads));
    ok(onyx_session_create_from_file(path.as_ptr(), options, &mut session));
    onyx_session_options_free(options);
    CSession(session)
}

/// One run the way a C caller does it: borrow the inputs, let Onyx allocate the output.
fn c_run(session: &CSession, names: &[&CStr], data: &[&[f32]], shapes: &[&[i64]]) {
    let inputs: Vec<*mut onyx_tensor> = data
        .iter()
        .zip(shapes)
        .map(|(d, s)| {
            let mut t = ptr::null_mut();
            ok(onyx_tensor_create_borrowed(ONYX_ELEMENT_FLOAT32, s.as_ptr(), s.len(), d.as_ptr() as *mut _, d.len() * 4, &mut t));
            t
        })
        .collect();
    let names: Vec<*const c_char> = names.iter().map(|n| n.as_ptr()).collect();
    let mut output = ptr::null_mut();
    let input_ptrs: Vec<*const onyx_tensor> = inputs.iter().map(|t| t.cast_const()).collect();
    ok(onyx_session_run(session.0, ptr::null(), names.as_ptr(), input_ptrs.as_ptr(), inputs.len(), ptr::null(), 1, &mut output));
    std::hint::black_box(unsafe { *(onyx_tensor_data(output) as *const f32) });
    onyx_tensor_free(output);
    inputs.into_iter().for_each(|t| onyx_tensor_free(t));
}

fn bench_c(suite: &Path, ort_library: &str) {
    let library = CString::new(ort_library).unwrap();
    ok(onyx_runtime_init(library.as_ptr()));
    let model = suite.join("fixtures/resnet18.onnx");
    let pixels = image(suite);
    let input_name = [c"input"];
    for (threads, batch, key) in [(1, 1, "c_resnet18_b1_intra1_ms"), (2, 1, "c_resnet18_b1_intra2_ms"), (2, 8, "c_resnet18_b8_intra2_ms")] {
        let session = c_session(&model, threads);
        let input = pixels.repeat(batch);
        let iterations = if batch == 1 { 30 } else { 8 };
        report(key, median_ms(3, iterations, || c_run(&session, &input_name, &[&input], &[&[batch as i64, 3, 224, 224]])));
        onyx_session_free(session.0);
    }

    // Throughput of one session shared by two threads (intra 1 each) against one thread.
    let session = c_session(&model, 1);
    let runs = 12;
    let run = || c_run(&session, &input_name, &[&pixels], &[&[1, 3, 224, 224]]);
    run();
    let start = Instant::now();
    (0..runs).for_each(|_| run());
    let one = runs as f64 / start.elapsed().as_secs_f64();
    let start = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| (0..runs).for_each(|_| run()));
        }
    });
    let two = (2 * runs) as f64 / start.elapsed().as_secs_f64();
    report("c_resnet18_shared_2threads_speedup", two / one);
    onyx_session_free(session.0);

    let tiny = c_session(&suite.join("fixtures/add16.onnx"), 1);
    let (a, b) = ([1f32; 16], [2f32; 16]);
    let names = [c"a", c"b"];
    report("c_add16_call_us", per_call_us(2000, || c_run(&tiny, &names, &[&a, &b], &[&[16], &[16]])));
    onyx_session_free(tiny.0);
}

// ---- the driver ---------------------------------------------------------------------

fn run_side(mode: &str, suite: &str, ort_library: &str) -> Vec<(String, f64)> {
    let out = std::process::Command::new(std::env::current_exe().unwrap()).args([mode, suite, ort_library]).output().expect("run bench side");
    assert!(out.status.success(), "bench {mode} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_once(' ').map(|(k, v)| (k.to_string(), v.parse().unwrap())))
        .collect()
}

fn drive(suite: &str, ort_library: &str, out_dir: &Path, rounds: usize) {
    let mut samples: std::collections::BTreeMap<String, Vec<f64>> = Default::default();
    for round in 0..rounds {
        let order = if round % 2 == 0 { ["ort", "c"] } else { ["c", "ort"] };
        for mode in order {
            eprintln!("onyx: bench round {}/{rounds}: {mode}", round + 1);
            for (key, value) in run_side(mode, suite, ort_library) {
                samples.entry(key).or_default().push(value);
            }
        }
    }
    let median = |v: &Vec<f64>| {
        let mut v = v.clone();
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let medians: std::collections::BTreeMap<String, f64> = samples.iter().map(|(k, v)| (k.clone(), median(v))).collect();
    std::fs::create_dir_all(out_dir).unwrap();
    let anchors: String = medians.iter().map(|(k, v)| format!("{k} {v:.4}\n")).collect();
    std::fs::write(out_dir.join("anchors.txt"), anchors).unwrap();

    let mut results = String::new();
    println!("| metric | ort direct | Onyx C ABI | C / direct |\n| --- | --- | --- | --- |");
    for (metric, unit) in [("resnet18_b1_intra1_ms", "ms"), ("resnet18_b1_intra2_ms", "ms"), ("resnet18_b8_intra2_ms", "ms"), ("add16_call_us", "us")] {
        let (direct, c) = (medians[&format!("ort_{metric}")], medians[&format!("c_{metric}")]);
        println!("| {metric} | {direct:.3} {unit} | {c:.3} {unit} | {:.3} (diff {:+.3} {unit}) |", c / direct, c - direct);
        results += &format!("bench c {metric} {c:.4} {unit} {:.4}\n", c / direct);
    }
    let speedup = medians["c_resnet18_shared_2threads_speedup"];
    println!("| one session, 2 threads vs 1 (intra 1 each) | | {speedup:.2}x throughput | |");
    results += &format!("bench c resnet18_shared_2threads_speedup {speedup:.4} x 1\n");
    let mut file = std::fs::OpenOptions::new().create(true).append(true).open(out_dir.join("results.txt")).unwrap();
    std::io::Write::write_all(&mut file, results.as_bytes()).unwrap();
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match &args[1..] {
        [mode, suite, ort_library] if mode == "ort" => bench_ort(Path::new(suite), ort_library),
        [mode, suite, ort_library] if mode == "c" => bench_c(Path::new(suite), ort_library),
        [mode, suite, ort_library, out, rest @ ..] if mode == "all" => {
            drive(suite, ort_library, Path::new(out), rest.first().map_or(3, |r| r.parse().expect("rounds")))
        }
        _ => {
            eprintln!("usage: onyx-bench all <tests/suite> <libonnxruntime> <out folder> [rounds] | ort|c <tests/suite> <libonnxruntime>");
            std::process::exit(2);
        }
    }
}
