//! The language-neutral value format of tests/conformance/README.md: reading a case
//! folder (`case.txt` and its raw files) and comparing a run's values with it. Shared by
//! the conformance runner and the shared suite's `values` cases.

use std::path::{Path, PathBuf};

use onyx_core::{Bf16, ElementType, Map, Session, SessionOptions, Tensor, Value, F16};

pub type Check = Result<(), String>;

/// One case.txt.
pub struct Case {
    model: PathBuf,
    expect: String,
    inputs: Vec<(String, Value)>,
    outputs: Vec<(String, Value)>,
}

fn read_case(dir: &Path) -> Result<Case, String> {
    let text = std::fs::read_to_string(dir.join("case.txt")).map_err(|e| format!("cannot read case.txt: {e}"))?;
    let mut case = Case { model: PathBuf::new(), expect: String::new(), inputs: vec![], outputs: vec![] };
    for line in text.lines().filter(|l| !l.is_empty() && !l.starts_with('#')) {
        let (key, rest) = line.split_once(' ').unwrap_or((line, ""));
        match key {
            "model" => case.model = dir.join(rest),
            "expect" => case.expect = rest.to_string(),
            "input" | "output" => {
                let words: Vec<&str> = rest.split(' ').collect();
                let mut tokens = words.iter();
                let name = tokens.next().ok_or("a value line without a name")?.to_string();
                let value = parse_value(&mut tokens, dir)?;
                if key == "input" { &mut case.inputs } else { &mut case.outputs }.push((name, value));
            }
            _ => {}
        }
    }
    Ok(case)
}

type Tokens<'a, 'b> = std::slice::Iter<'b, &'a str>;

fn next<'a>(tokens: &mut Tokens<'a, '_>) -> Result<&'a str, String> {
    tokens.next().copied().ok_or_else(|| "a value ends too early".to_string())
}

/// A value in prefix form: `tensor <elem> [d,...] <file>`, `sequence <n> <value>*n`
/// (`sequence 0 <elem>` when empty), `map <keys> <values>`, `optional none|<value>`.
fn parse_value(tokens: &mut Tokens, dir: &Path) -> Result<Value, String> {
    match next(tokens)? {
        "tensor" => Ok(Value::Tensor(parse_tensor(tokens, dir)?)),
        "sequence" => {
            let n: usize = next(tokens)?.parse().map_err(|_| "bad sequence length")?;
            if n == 0 {
                next(tokens)?; // the element type an empty sequence would hold
                return Ok(Value::Sequence(vec![]));
            }
            let items = (0..n).map(|_| parse_value(tokens, dir)).collect::<Result<Vec<_>, _>>()?;
            Value::sequence(items).map_err(|e| e.to_string())
        }
        "map" => {
            let (Value::Tensor(keys), Value::Tensor(values)) = (parse_value(tokens, dir)?, parse_value(tokens, dir)?) else {
                return Err("map keys and values must be tensors".into());
            };
            Ok(Value::Map(Map::new(keys, values).map_err(|e| e.to_string())?))
        }
        "optional" => {
            if tokens.as_slice().first() == Some(&"none") {
                tokens.next();
                return Ok(Value::Optional(None));
            }
            Ok(Value::Optional(Some(Box::new(parse_value(tokens, dir)?))))
        }
        other => Err(format!("unknown value kind '{other}'")),
    }
}

fn parse_tensor(tokens: &mut Tokens, dir: &Path) -> Result<Tensor, String> {
    let number: u32 = next(tokens)?.parse().map_err(|_| "bad element type")?;
    let element_type = ElementType::from_onnx(number).map_err(|e| e.to_string())?;
    let dims = next(tokens)?.trim_start_matches('[').trim_end_matches(']');
    let shape: Vec<i64> = if dims.is_empty() { vec![] } else { dims.split(',').map(|d| d.parse().map_err(|_| format!("bad shape [{dims}]"))).collect::<Result<_, _>>()? };
    let file = dir.join(next(tokens)?);
    let bytes = std::fs::read(&file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let tensor = if element_type == ElementType::String {
        let mut strings: Vec<&[u8]> = vec![];
        let mut at = 0;
        while at < bytes.len() {
            let len = u32::from_le_bytes(bytes.get(at..at + 4).ok_or("truncated string file")?.try_into().unwrap()) as usize;
            strings.push(bytes.get(at + 4..at + 4 + len).ok_or("truncated string file")?);
            at += 4 + len;
        }
        Tensor::from_utf8(&shape, &strings)
    } else {
        Tensor::copy_bytes(element_type, &shape, &bytes)
    };
    tensor.map_err(|e| format!("{}: {e}", file.display()))
}

pub fn run_case(dir: &Path, options: &SessionOptions) -> Check {
    let case = read_case(dir)?;
    let outcome = Session::from_file(&case.model, options).and_then(|session| {
        let inputs: Vec<(&str, &Value)> = case.inputs.iter().map(|(n, v)| (n.as_str(), v)).collect();
        let names: Vec<&str> = case.outputs.iter().map(|(n, _)| n.as_str()).collect();
        session.run_values(&inputs, if names.is_empty() { None } else { Some(&names) }, None)
    });
    match (case.expect.as_str(), outcome) {
        ("error", Err(_)) => Ok(()),
        ("error", Ok(_)) => Err("ONNX Runtime's Python binding fails on this case, but Onyx ran it".into()),
        (_, Err(e)) => Err(format!("{e}")),
        (expect @ ("pass" | "ort_values" | "unstable"), Ok(got)) => {
            for ((name, want), got) in case.outputs.iter().zip(got.iter()) {
                compare(got, want, expect == "unstable").map_err(|e| format!("output '{name}': {e}"))?;
            }
            Ok(())
        }
        (other, _) => Err(format!("unknown expectation '{other}'")),
    }
}

/// Kinds, element types and shapes must match; values too unless `shape_only`.
fn compare(got: &Value, want: &Value, shape_only: bool) -> Check {
    match (got, want) {
        (Value::Tensor(g), Value::Tensor(w)) => compare_tensors(g, w, shape_only),
        (Value::Sequence(g), Value::Sequence(w)) => {
            if g.len() != w.len() {
                return Err(format!("sequence of {} items, expected {}", g.len(), w.len()));
            }
            g.iter().zip(w).enumerate().try_for_each(|(i, (g, w))| compare(g, w, shape_only).map_err(|e| format!("item {i}: {e}")))
        }
        (Value::Map(g), Value::Map(w)) => {
            compare_tensors(g.keys(), w.keys(), shape_only).map_err(|e| format!("map keys: {e}"))?;
            compare_tensors(g.values(), w.values(), shape_only).map_err(|e| format!("map values: {e}"))
        }
        (Value::Optional(g), Value::Optional(w)) => match (g, w) {
            (None, None) => Ok(()),
            (Some(g), Some(w)) => compare(g, w, shape_only),
            (g, _) => Err(format!("optional is {}, expected {}", present(g), present(w))),
        },
        // An optional output comes back as an optional; the reference may list its item.
        (Value::Optional(Some(g)), w) => compare(g, w, shape_only),
        (g, w) => Err(format!("got a {:?}, expected a {:?}", g.kind(), w.kind())),
    }
}

fn present(v: &Option<Box<Value>>) -> &'static str {
    if v.is_some() {
        "present"
    } else {
        "absent"
    }
}

fn compare_tensors(got: &Tensor, want: &Tensor, shape_only: bool) -> Check {
    if got.element_type() != want.element_type() {
        return Err(format!("{} elements, expected {}", got.element_type().name(), want.element_type().name()));
    }
    if got.shape() != want.shape() {
        return Err(format!("shape {:?}, expected {:?}", got.shape(), want.shape()));
    }
    if shape_only {
        return Ok(());
    }
    let floats = |t: &Tensor| -> Option<Vec<f64>> {
        Some(match t.element_type() {
            ElementType::Float32 => t.as_slice::<f32>().ok()?.iter().map(|&x| x as f64).collect(),
            ElementType::Float64 => t.as_slice::<f64>().ok()?.to_vec(),
            ElementType::Float16 => t.as_slice::<F16>().ok()?.iter().map(|x| x.to_f32() as f64).collect(),
            ElementType::Bfloat16 => t.as_slice::<Bf16>().ok()?.iter().map(|x| x.to_f32() as f64).collect(),
            _ => return None,
        })
    };
    if let (Some(g), Some(w)) = (floats(got), floats(want)) {
        for (i, (g, w)) in g.iter().zip(&w).enumerate() {
            let close = (g.is_nan() && w.is_nan()) || g == w || (g - w).abs() <= 1e-5 + 1e-3 * w.abs();
            if !close {
                return Err(format!("element {i} is {g}, expected {w} (atol 1e-5, rtol 1e-3)"));
            }
        }
        return Ok(());
    }
    if got.element_type() == ElementType::String {
        let (g, w) = (got.strings().map_err(|e| e.to_string())?, want.strings().map_err(|e| e.to_string())?);
        return match g.iter().zip(w).position(|(g, w)| g != w) {
            Some(i) => Err(format!("string {i} is {:?}, expected {:?}", g[i], w[i])),
            None => Ok(()),
        };
    }
    match got.as_bytes().iter().zip(want.as_bytes()).position(|(g, w)| g != w) {
        Some(i) => Err(format!("byte {i} is {}, expected {} ({} elements compare exactly)", got.as_bytes()[i], want.as_bytes()[i], got.element_type().name())),
        None => Ok(()),
    }
}
