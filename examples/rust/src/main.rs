//! Classifies the suite's three images with ResNet18 through onyx-core.
//! Usage: classify <tests/suite folder>

use std::{path::PathBuf, time::Instant};

use onyx_core::{Runtime, Session, SessionOptions, Tensor};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let suite = PathBuf::from(std::env::args().nth(1).ok_or("usage: classify <tests/suite folder>")?);
    let model = suite.join("fixtures/resnet18.onnx");
    let session = Session::from_file(&model, &SessionOptions::default())?;
    println!("Onyx Rust, ONNX Runtime {}, model {}", Runtime::get()?.version(), model.display());
    for (role, info) in [("input", &session.inputs()[0]), ("output", &session.outputs()[0])] {
        let dims: Vec<String> = info
            .shape
            .iter()
            .zip(&info.dim_names)
            .map(|(d, name)| if name.is_empty() { d.to_string() } else { name.clone() })
            .collect();
        println!("  {role} {}: element type {}, shape [{}]", info.name, info.onnx_element_type, dims.join(","));
    }

    for image in 0..3 {
        let bytes = std::fs::read(suite.join(format!("fixtures/input_{image}.f32")))?;
        let pixels: Vec<f32> = bytes.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect();
        let input = Tensor::copy(&[1, 3, 224, 224], &pixels)?;
        let start = Instant::now();
        let outputs = session.run(&[("input", &input)], None, None)?;
        let elapsed = start.elapsed();
        let logits = outputs[0].as_slice::<f32>()?;
        let mut order: Vec<usize> = (0..logits.len()).collect();
        order.sort_by(|&a, &b| logits[b].total_cmp(&logits[a]));
        let top5: Vec<String> = order[..5].iter().map(usize::to_string).collect();
        println!("input_{image}: top5 {} ({:.1} ms)", top5.join(" "), elapsed.as_secs_f64() * 1e3);
    }
    println!("reads: {}", read_text_line(&suite)?);
    Ok(())
}

/// Reads the suite's rendered text line (fixtures/ocr_0.f32, a [1,3,48,width] image) with
/// the PP-OCRv4 recogniser: the best class per time step, repeats merged, blanks (class
/// 0) dropped; the symbols are the model's metadata `character`, one per line, and the
/// last class is a space.
fn read_text_line(suite: &std::path::Path) -> Result<String, Box<dyn std::error::Error>> {
    let session = Session::from_file(suite.join("../../.cache/models/ch_PP-OCRv4_rec_infer.onnx"), &SessionOptions::default())?;
    let bytes = std::fs::read(suite.join("fixtures/ocr_0.f32"))?;
    let pixels: Vec<f32> = bytes.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect();
    let image = Tensor::copy(&[1, 3, 48, (pixels.len() / (3 * 48)) as i64], &pixels)?;
    let outputs = session.run(&[("x", &image)], None, None)?;
    let symbols: Vec<&str> = session.metadata().custom.get("character").map_or("", String::as_str).split('\n').collect();
    let classes = *outputs[0].shape().last().unwrap_or(&1) as usize;
    let (mut text, mut previous) = (String::new(), 0);
    for step in outputs[0].as_slice::<f32>()?.chunks(classes) {
        let best = (0..step.len()).fold(0, |best, i| if step[i] > step[best] { i } else { best });
        if best != 0 && best != previous {
            text.push_str(symbols.get(best - 1).copied().unwrap_or(" "));
        }
        previous = best;
    }
    Ok(text)
}
