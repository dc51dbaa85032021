//! ONNX's backend test suite, in Rust, through onyx-core: every case the generator
//! wrote under $ONYX_CONFORMANCE (tests/conformance/README.md has the format). Where
//! ONNX Runtime's Python binding passes, Onyx must pass; where it gives its own values,
//! Onyx must give them; where it fails, Onyx must fail cleanly with an Onyx error.
//!
//! Prints one line per group (`[rust] conformance node: 1402 passed, 0 failed`) and a
//! line per failed case; exits 1 when a case failed. `ONYX_CONFORMANCE_FILTER=text`
//! runs only the cases whose folder contains `text`.

mod values;

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
};

use onyx_core::SessionOptions;
use values::run_case;

const LANG: &str = "rust";

fn main() {
    let Some(root) = std::env::var_os("ONYX_CONFORMANCE").map(PathBuf::from) else {
        eprintln!("[{LANG}] conformance: ONYX_CONFORMANCE is not set (make test sets it to .cache/conformance)");
        std::process::exit(2);
    };
    let cases = match read_index(&root) {
        Ok(cases) => cases,
        Err(e) => {
            eprintln!("[{LANG}] conformance: {e}");
            std::process::exit(2);
        }
    };
    // A quarter of the cases fail on purpose: ONNX Runtime's own log of each is noise.
    onyx_core::Runtime::set_log_level(onyx_core::LogLevel::Fatal);
    let filter = std::env::var("ONYX_CONFORMANCE_FILTER").unwrap_or_default();
    let mut options = SessionOptions::new();
    options.set_intra_op_threads(1).and_then(|_| options.set_inter_op_threads(1)).expect("thread options");
    // group -> (passed, failed)
    let mut counts: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for case in cases.iter().filter(|c| c.contains(&filter)) {
        let group = case.split('/').next().unwrap_or_default().to_string();
        let result = run_case(&root.join(case), &options);
        let entry = counts.entry(group).or_default();
        match result {
            Ok(()) => entry.0 += 1,
            Err(why) => {
                entry.1 += 1;
                println!("[{LANG}] conformance FAIL {case}: {}", one_line(&why));
            }
        }
    }
    let mut failed = 0;
    for (group, (pass, fail)) in &counts {
        println!("[{LANG}] conformance {group}: {pass} passed, {fail} failed");
        failed += fail;
    }
    std::process::exit(i32::from(failed > 0));
}

fn one_line(text: &str) -> String {
    let flat = text.replace('\n', " ");
    if flat.chars().count() > 300 {
        flat.chars().take(300).collect::<String>() + "..."
    } else {
        flat
    }
}

/// The case folders `index.txt` lists; it ends with `end <count>` once complete.
fn read_index(root: &Path) -> Result<Vec<String>, String> {
    let path = root.join("index.txt");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e} (make conformance-fixtures writes it)", path.display()))?;
    let mut cases: Vec<String> = Vec::new();
    for line in text.lines().filter(|l| !l.is_empty()) {
        if let Some(count) = line.strip_prefix("end ") {
            return match count.parse::<usize>() {
                Ok(n) if n == cases.len() => Ok(cases),
                _ => Err(format!("{} says {count} cases but lists {}", path.display(), cases.len())),
            };
        }
        cases.push(line.to_string());
    }
    Err(format!("{} has no end line: the generator did not finish", path.display()))
}

