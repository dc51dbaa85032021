//! `onyx-bench memory <tests/suite folder> <libonnxruntime path> plain|shared <sessions>`:
//! resident memory of ResNet18 sessions, each run once (so its activations are
//! allocated too), in a process of its own. Prints `<sessions made> <MiB above the
//! base>` after each session; the base is taken with ONNX Runtime loaded and the input
//! read, before any session. Resident memory is the process's (VmRSS): what the
//! machine gives up, whoever allocated it.

use std::path::Path;

use onyx_core::{Runtime, Session, SessionOptions, SharedWeights, Tensor};

fn resident_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let kib: f64 = status.lines().find_map(|l| l.strip_prefix("VmRSS:")).and_then(|v| v.split_whitespace().next()?.parse().ok()).expect("VmRSS");
    kib / 1024.0
}

pub fn measure(suite: &Path, ort_library: &Path, mode: &str, sessions: usize) {
    Runtime::init(Some(ort_library)).expect("ONNX Runtime");
    let model = suite.join("fixtures/resnet18.onnx");
    let bytes = std::fs::read(suite.join("fixtures/input_0.f32")).expect("fixture input_0.f32");
    let pixels: Vec<f32> = bytes.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect();
    let input = Tensor::copy(&[1, 3, 224, 224], &pixels).expect("input");
    let mut options = SessionOptions::new();
    options.set_intra_op_threads(1).expect("threads");
    let group = SharedWeights::new().expect("group");
    match mode {
        "plain" => {}
        "shared" => options.set_shared_weights(Some(&group)),
        other => panic!("mode {other} is not plain or shared"),
    }
    let base = resident_mib();
    let mut kept = Vec::new();
    for made in 1..=sessions {
        let session = Session::from_file(&model, &options).expect("session");
        session.run(&[("input", &input)], None, None).expect("run");
        kept.push(session);
        println!("{made} {:.1}", resident_mib() - base);
    }
}
