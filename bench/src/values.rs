//! A run with string and ZipMap outputs: the suite's scikit-learn classifier (4 rows in,
//! 4 labels and 4 probability maps out) through onyx-core's `run_values`, per run, for
//! `make bench-values` to put beside ONNX Runtime's Python binding on the same model.

use std::{path::Path, time::Instant};

use onyx_core::{ElementType, Session, SessionOptions, Tensor, Value};

/// Median microseconds per run over `blocks` blocks of `runs` runs.
pub fn measure(suite: &Path, blocks: usize, runs: usize) -> f64 {
    let dir = suite.join("fixtures/sklearn/classifier");
    let mut options = SessionOptions::new();
    options.set_intra_op_threads(1).unwrap();
    let session = Session::from_file(dir.join("model.onnx"), &options).expect("the classifier (make fixtures writes it)");
    let bytes = std::fs::read(dir.join("input.bin")).expect("its input");
    let input = Value::Tensor(Tensor::copy_bytes(ElementType::Float32, &[4, 4], &bytes).unwrap());
    let mut times = Vec::with_capacity(blocks);
    for _ in 0..=blocks {
        let start = Instant::now();
        for _ in 0..runs {
            let outputs = session.run_values(&[("input", &input)], None, None).unwrap();
            std::hint::black_box(outputs.len());
        }
        times.push(start.elapsed().as_secs_f64() * 1e6 / runs as f64);
    }
    times.remove(0); // the warm-up block
    crate::median(times)
}
