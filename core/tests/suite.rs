//! The shared ResNet18 suite, in Rust, through onyx-core. Every expected value
//! comes from tests/suite/spec.txt and its fixtures.

mod values;

use std::{
    path::{Path, PathBuf},
    process::Command,
    sync::{Arc, Mutex},
    time::Duration,
};

use onyx_core::{
    AttributeKind, ElementType, ErrorCode, KernelContext, LogLevel, Operator, OperatorDefinition, OptimizationLevel, RunOptions, Runtime, Session,
    SessionOptions, SharedWeights, Tensor,
};

type Check = Result<(), String>;

/// One block of spec.txt.
struct Case {
    name: String,
    fields: Vec<(String, String)>,
}

impl Case {
    fn get(&self, key: &str) -> Result<&str, String> {
        self.fields.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str()).ok_or_else(|| format!("spec field '{key}' missing"))
    }
    fn all(&self, key: &str) -> Vec<&str> {
        self.fields.iter().filter(|(k, _)| k == key).map(|(_, v)| v.as_str()).collect()
    }
    fn num<T: std::str::FromStr>(&self, key: &str) -> Result<T, String> {
        self.get(key)?.parse().map_err(|_| format!("spec field '{key}' is not a number"))
    }
}

struct Spec {
    dir: PathBuf,
    header: Case,
    cases: Vec<Case>,
}

fn parse_spec(path: &Path) -> Spec {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let mut blocks = vec![];
    let mut current: Vec<(String, String)> = vec![];
    for line in text.lines().chain([""]) {
        if line.starts_with('#') {
            continue;
        }
        if line.is_empty() {
            if !current.is_empty() {
                blocks.push(std::mem::take(&mut current));
            }
            continue;
        }
        let (key, value) = line.split_once(' ').unwrap_or((line, ""));
        current.push((key.to_string(), value.to_string()));
    }
    let mut blocks = blocks.into_iter().map(|fields| Case {
        name: fields.iter().find(|(k, _)| k == "case").map(|(_, v)| v.clone()).unwrap_or_default(),
        fields,
    });
    let header = blocks.next().expect("spec has no header");
    Spec { dir: path.parent().unwrap().to_path_buf(), header, cases: blocks.collect() }
}

fn shape(text: &str) -> Result<Vec<i64>, String> {
    text.split(',').map(|d| d.parse().map_err(|_| format!("bad shape '{text}'"))).collect()
}

fn read_f32(path: &Path) -> Result<Vec<f32>, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    Ok(bytes.chunks_exact(4).map(|c| f32::from_le_bytes(c.try_into().unwrap())).collect())
}

fn within(got: &[f32], expected: &[f32], atol: f32, rtol: f32) -> Check {
    if got.len() != expected.len() {
        return Err(format!("got {} values, expected {}", got.len(), expected.len()));
    }
    for (i, (g, e)) in got.iter().zip(expected).enumerate() {
        if (g - e).abs() > atol + rtol * e.abs() || g.is_nan() {
            return Err(format!("value {i}: got {g}, expected {e} (atol {atol}, rtol {rtol})"));
        }
    }
    Ok(())
}

fn top5(logits: &[f32]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..logits.len()).collect();
    order.sort_by(|&a, &b| logits[b].total_cmp(&logits[a]));
    order.truncate(5);
    order
}

fn expect_code(result: Result<impl Sized, onyx_core::Error>, case: &Case) -> Check {
    let (name, number) = case.get("code")?.split_once(' ').ok_or("bad code field")?;
    let number: u32 = number.parse().map_err(|_| "bad code number")?;
    let error = match result {
        Ok(_) => return Err(format!("succeeded, expected {name}")),
        Err(e) => e,
    };
    if error.code() as u32 != number || error.code().name() != name {
        return Err(format!("got {} ({}) '{}', expected {name} ({number})", error.code().name(), error.code() as u32, error.message()));
    }
    for text in case.all("message_contains") {
        if !error.message().contains(text) {
            return Err(format!("message '{}' does not contain '{text}'", error.message()));
        }
    }
    Ok(())
}

struct Suite {
    spec: Spec,
    session: Arc<Session>,
}

impl Suite {
    fn path(&self, relative: &str) -> PathBuf {
        self.spec.dir.join(relative)
    }

    fn model_path(&self) -> PathBuf {
        self.path(self.spec.header.get("model").unwrap())
    }

    fn case(&self, name: &str) -> &Case {
        self.spec.cases.iter().find(|c| c.name == name).expect("case missing from spec")
    }

    fn logits(&self, session: &Session, input: &[f32], shape: &[i64]) -> Result<Vec<f32>, String> {
        let tensor = Tensor::copy(shape, input).map_err(|e| e.to_string())?;
        let outputs = session.run(&[("input", &tensor)], None, None).map_err(|e| e.to_string())?;
        Ok(outputs[0].as_slice::<f32>().map_err(|e| e.to_string())?.to_vec())
    }

    /// Runs `case`'s input on `session` and checks it against its expected logits.
    fn check_expected(&self, session: &Session, case: &Case) -> Check {
        let got = self.logits(session, &read_f32(&self.path(case.get("input")?))?, &[1, 3, 224, 224])?;
        within(&got, &read_f32(&self.path(case.get("expected")?))?, case.num("atol")?, case.num("rtol")?)
    }

    /// The follow-up check: the shared session still classifies classify_0.
    fn still_usable(&self) -> Check {
        self.check_expected(&self.session, self.case("classify_0")).map_err(|e| format!("session unusable afterwards: {e}"))
    }

    fn run_case(&self, case: &Case) -> Check {
        match case.get("kind")? {
            "runtime_info" => {
                let runtime = Runtime::get().map_err(|e| e.to_string())?;
                if runtime.version() != case.get("ort_version")? {
                    return Err(format!("version {} != {}", runtime.version(), case.get("ort_version")?));
                }
                if !runtime.path().is_absolute() || !runtime.path().is_file() {
                    return Err(format!("path {} is not an absolute existing file", runtime.path().display()));
                }
                Ok(())
            }
            "model_info" => self.model_info(case),
            "classify" => {
                let got = self.logits(&self.session, &read_f32(&self.path(case.get("input")?))?, &shape(case.get("shape")?)?)?;
                within(&got, &read_f32(&self.path(case.get("expected")?))?, case.num("atol")?, case.num("rtol")?)?;
                let want: Vec<usize> = case.get("top5")?.split(' ').map(|c| c.parse().unwrap()).collect();
                if top5(&got) != want {
                    return Err(format!("top5 {:?} != {want:?}", top5(&got)));
                }
                Ok(())
            }
            "batch" => {
                let inputs = case.get("inputs")?.split(' ').map(|p| read_f32(&self.path(p))).collect::<Result<Vec<_>, _>>()?;
                let stacked: Vec<f32> = inputs.concat();
                let got = self.logits(&self.session, &stacked, &[inputs.len() as i64, 3, 224, 224])?;
                for (row, expected) in case.get("expected")?.split(' ').enumerate() {
                    within(&got[row * 1000..(row + 1) * 1000], &read_f32(&self.path(expected))?, case.num("atol")?, case.num("rtol")?)
                        .map_err(|e| format!("row {row}: {e}"))?;
                }
                Ok(())
            }
            "from_bytes" => {
                let bytes = std::fs::read(self.model_path()).map_err(|e| e.to_string())?;
                let from_bytes = Session::from_bytes(&bytes, &SessionOptions::default()).map_err(|e| e.to_string())?;
                let input = read_f32(&self.path(case.get("input")?))?;
                let a = self.logits(&from_bytes, &input, &[1, 3, 224, 224])?;
                let b = self.logits(&self.session, &input, &[1, 3, 224, 224])?;
                if a.iter().map(|f| f.to_bits()).ne(b.iter().map(|f| f.to_bits())) {
                    return Err("session from bytes differs from session from file".into());
                }
                self.check_expected(&from_bytes, case)
            }
            "zero_copy_input" => {
                let mut input = read_f32(&self.path(case.get("input")?))?;
                let tensor = unsafe {
                    Tensor::borrow(ElementType::Float32, &[1, 3, 224, 224], input.as_mut_ptr().cast(), input.len() * 4)
                }
                .map_err(|e| e.to_string())?;
                if tensor.data_ptr() != input.as_ptr().cast() {
                    return Err("borrowed tensor does not point at the caller's memory".into());
                }
                let outputs = self.session.run(&[("input", &tensor)], None, None).map_err(|e| e.to_string())?;
                within(outputs[0].as_slice::<f32>().unwrap(), &read_f32(&self.path(case.get("expected")?))?, case.num("atol")?, case.num("rtol")?)
            }
            "output_into_caller" => {
                let input = Tensor::copy(&[1, 3, 224, 224], &read_f32(&self.path(case.get("input")?))?).map_err(|e| e.to_string())?;
                let out_shape = shape(case.get("output_shape")?)?;
                let mut buffer = vec![f32::NAN; out_shape.iter().product::<i64>() as usize];
                let mut output = unsafe {
                    Tensor::borrow(ElementType::Float32, &out_shape, buffer.as_mut_ptr().cast(), buffer.len() * 4)
                }
                .map_err(|e| e.to_string())?;
                self.session.run_into(&[("input", &input)], &mut [("logits", &mut output)], None).map_err(|e| e.to_string())?;
                if output.data_ptr() != buffer.as_ptr().cast() {
                    return Err("output tensor moved away from the caller's buffer".into());
                }
                drop(output);
                within(&buffer, &read_f32(&self.path(case.get("expected")?))?, case.num("atol")?, case.num("rtol")?)
            }
            "threads" => {
                let input = read_f32(&self.path(case.get("input")?))?;
                let alone = self.logits(&self.session, &input, &[1, 3, 224, 224])?;
                let (threads, runs): (usize, usize) = (case.num("threads")?, case.num("runs")?);
                let results: Vec<Result<Vec<Vec<f32>>, String>> = std::thread::scope(|scope| {
                    let handles: Vec<_> = (0..threads)
                        .map(|_| scope.spawn(|| (0..runs).map(|_| self.logits(&self.session, &input, &[1, 3, 224, 224])).collect()))
                        .collect();
                    handles.into_iter().map(|h| h.join().unwrap()).collect()
                });
                for (t, result) in results.into_iter().enumerate() {
                    for (r, got) in result?.iter().enumerate() {
                        if got.iter().map(|f| f.to_bits()).ne(alone.iter().map(|f| f.to_bits())) {
                            return Err(format!("thread {t} run {r} differs from a run alone"));
                        }
                    }
                }
                Ok(())
            }
            "options" => {
                let mut options = SessionOptions::default();
                if let Ok(threads) = case.num::<i64>("intra_threads") {
                    options.set_intra_op_threads(threads).map_err(|e| e.to_string())?;
                }
                match case.get("optimization") {
                    Ok("disabled") => options.optimization_level = OptimizationLevel::Disabled,
                    Ok("all") => options.optimization_level = OptimizationLevel::All,
                    Ok(other) => return Err(format!("unknown optimization '{other}'")),
                    Err(_) => {}
                }
                if let Ok(arena) = case.get("memory_arena") {
                    options.set_cpu_memory_arena(arena == "on");
                }
                if let Ok(pattern) = case.get("memory_pattern") {
                    options.set_memory_pattern(pattern == "on");
                }
                let session = Session::from_file(self.model_path(), &options).map_err(|e| e.to_string())?;
                self.check_expected(&session, case)
            }
            "float_vectors" => {
                self.check_vectors(case, "bfloat16", |f| onyx_core::Bf16::from_f32(f).0)?;
                self.check_vectors(case, "float16", |f| onyx_core::F16::from_f32(f).0)
            }
            "terminate" => {
                let batch: usize = case.num("batch")?;
                let input = read_f32(&self.path(case.get("input")?))?.repeat(batch);
                let tensor = Tensor::copy(&[batch as i64, 3, 224, 224], &input).map_err(|e| e.to_string())?;
                let options = RunOptions::new().map_err(|e| e.to_string())?;
                let result = std::thread::scope(|scope| {
                    scope.spawn(|| {
                        std::thread::sleep(Duration::from_millis(50));
                        options.terminate().unwrap();
                    });
                    self.session.run(&[("input", &tensor)], None, Some(&options))
                });
                expect_code(result, case)?;
                options.reset_terminate().map_err(|e| e.to_string())?;
                self.still_usable()
            }
            "error" => {
                self.provoke(case)?;
                self.still_usable()
            }
            "hostile_model" => {
                self.hostile_model(case)?;
                self.still_usable()
            }
            "profiling" => {
                let mut options = SessionOptions::new();
                options.enable_profiling(std::env::temp_dir().join(case.get("prefix")?)).map_err(|e| e.to_string())?;
                let session = Session::from_file(self.model_path(), &options).map_err(|e| e.to_string())?;
                self.check_expected(&session, case)?;
                let path = session.end_profiling().map_err(|e| e.to_string())?;
                let text = std::fs::read_to_string(&path).map_err(|e| format!("profile {}: {e}", path.display()))?;
                let _ = std::fs::remove_file(&path);
                let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
                if !(compact.starts_with('[') && compact.ends_with(']')) {
                    return Err(format!("profile {} is not a JSON array", path.display()));
                }
                if !compact.contains(case.get("contains")?) {
                    return Err(format!("profile {} has no {}", path.display(), case.get("contains")?));
                }
                Ok(())
            }
            "async_runs" => self.async_runs(case),
            "async_close" => {
                let session = Arc::new(Session::from_file(self.model_path(), &SessionOptions::default()).map_err(|e| e.to_string())?);
                let image = Tensor::copy(&[1, 3, 224, 224], &read_f32(&self.path(case.get("input")?))?).map_err(|e| e.to_string())?;
                let run = session.run_async(vec![("input".to_string(), image)], None, None);
                drop(session); // while the run is in flight
                let outputs = run.wait().map_err(|e| e.to_string())?;
                within(outputs[0].as_slice::<f32>().map_err(|e| e.to_string())?, &read_f32(&self.path(case.get("expected")?))?, case.num("atol")?, case.num("rtol")?)
            }
            "external_data" => self.external_data(case),
            "external_data_outside" => {
                let mut options = SessionOptions::new();
                options.set_external_data_outside_model_folder(true);
                let session = Session::from_file(self.path(case.get("model")?), &options).map_err(|e| e.to_string())?;
                let fields: Vec<&str> = case.get("input")?.split(' ').collect();
                let x = Tensor::copy(&shape(fields[2])?, &read_f32(&self.path(fields[1]))?).map_err(|e| e.to_string())?;
                let (_, expected) = case.get("output")?.split_once(' ').ok_or("bad output field")?;
                let outputs = session.run(&[(fields[0], &x)], None, None).map_err(|e| e.to_string())?;
                within(outputs[0].as_slice::<f32>().map_err(|e| e.to_string())?, &read_f32(&self.path(expected))?, case.num("atol")?, case.num("rtol")?)
            }
            "log_callback" => self.log_callback(case),
            "shared_weights" => self.shared_weights(case),
            "run_config" => {
                let got = self.run_with_config(case).map_err(|e| e.to_string())?;
                within(&got, &read_f32(&self.path(case.get("expected")?))?, case.num("atol")?, case.num("rtol")?)
            }
            "dimension_override" => {
                let mut options = SessionOptions::new();
                options.add_free_dimension_override(case.get("dimension")?, case.num("value")?).map_err(|e| e.to_string())?;
                let session = Session::from_file(self.model_path(), &options).map_err(|e| e.to_string())?;
                let want: Vec<i64> = case.get("input_shape")?.split(',').map(|d| d.parse().unwrap()).collect();
                if session.inputs()[0].shape != want {
                    return Err(format!("input 0 has shape {:?}, expected {want:?}", session.inputs()[0].shape));
                }
                self.check_expected(&session, case)?;
                let wrong: Vec<i64> = case.get("wrong_shape")?.split(',').map(|d| d.parse().unwrap()).collect();
                let tensor = Tensor::zeros(ElementType::Float32, &wrong).map_err(|e| e.to_string())?;
                expect_code(session.run(&[("input", &tensor)], None, None), case)
            }
            "custom_op" | "host_kernel" => {
                let outputs = self.load_and_run(case)?;
                let wanted = case.all("output");
                if outputs.len() != wanted.len() {
                    return Err(format!("{} outputs, the spec names {}", outputs.len(), wanted.len()));
                }
                for (line, got) in wanted.iter().zip(&outputs) {
                    let (name, file) = line.split_once(' ').ok_or("bad output line")?;
                    let got = got.as_slice::<f32>().map_err(|e| e.to_string())?;
                    within(got, &read_f32(&self.path(file))?, case.num("atol")?, case.num("rtol")?).map_err(|e| format!("output {name}: {e}"))?;
                }
                Ok(())
            }
            "ocr" => {
                let session = Session::from_file(self.path(case.get("model")?), &SessionOptions::default()).map_err(|e| e.to_string())?;
                let pixels = read_f32(&self.path(case.get("input")?))?;
                let input = Tensor::copy(&shape(case.get("shape")?)?, &pixels).map_err(|e| e.to_string())?;
                let got = recognise(&session, &input).map_err(|e| e.to_string())?;
                if got != case.get("text")? {
                    return Err(format!("read {got:?}, ONNX Runtime's Python binding read {:?}", case.get("text")?));
                }
                Ok(())
            }
            "values" => values::run_case(&self.path(case.get("dir")?), &SessionOptions::default()),
            other => Err(format!("unknown case kind '{other}'")),
        }
    }

    /// classify_0's input on the shared session, with run options holding the case's config entry.
    fn run_with_config(&self, case: &Case) -> Result<Vec<f32>, onyx_core::Error> {
        let mut options = RunOptions::new()?;
        options.add_config_entry(case.get("key").unwrap(), case.get("value").unwrap())?;
        let input = read_f32(&self.path(self.case("classify_0").get("input").unwrap())).unwrap();
        let tensor = Tensor::copy(&[1, 3, 224, 224], &input)?;
        let outputs = self.session.run(&[("input", &tensor)], None, Some(&options))?;
        Ok(outputs[0].as_slice::<f32>()?.to_vec())
    }

    /// Session options with the case's `libraries` (own, extensions) added in order.
    fn options_with_libraries(&self, case: &Case) -> Result<SessionOptions, onyx_core::Error> {
        let mut options = SessionOptions::new();
        for which in case.get("libraries").unwrap_or("").split_whitespace() {
            let path = self.path(self.spec.header.get(&format!("custom_op_library_{which}")).expect("library in the header"));
            options.add_custom_op_library(path)?;
        }
        if let Some(operator) = host_operator(case)? {
            options.add_operator(&operator)?;
        }
        Ok(options)
    }

    /// Loads the case's model with its libraries and runs it on its `input` lines.
    fn load_and_run(&self, case: &Case) -> Result<Vec<Tensor>, String> {
        self.try_load_and_run(case).map_err(|e| e.to_string())
    }

    /// The three images as three concurrent async runs, one cancelled at once.
    fn async_runs(&self, case: &Case) -> Check {
        let inputs: Vec<&str> = case.get("inputs")?.split(' ').collect();
        let expected: Vec<&str> = case.get("expected")?.split(' ').collect();
        let cancel: usize = case.num("cancel")?;
        let mut runs = Vec::new();
        for input in &inputs {
            let image = Tensor::copy(&[1, 3, 224, 224], &read_f32(&self.path(input))?).map_err(|e| e.to_string())?;
            runs.push(self.session.run_async(vec![("input".to_string(), image)], None, None));
        }
        let in_time = runs[cancel].cancel();
        let results: Vec<_> = runs.into_iter().map(|r| r.wait()).collect();
        if !in_time {
            return Err(format!("cancel came too late: run {cancel} had already finished"));
        }
        for (i, result) in results.into_iter().enumerate() {
            if i == cancel {
                expect_code(result, case).map_err(|e| format!("run {i}: {e}"))?;
                continue;
            }
            let outputs = result.map_err(|e| format!("run {i} failed: {e}"))?;
            within(outputs[0].as_slice::<f32>().map_err(|e| e.to_string())?, &read_f32(&self.path(expected[i]))?, case.num("atol")?, case.num("rtol")?)
                .map_err(|e| format!("run {i}: {e}"))?;
        }
        self.still_usable()
    }

    /// ResNet18 with external weights, from its path and from memory: same logits, bit for bit.
    fn external_data(&self, case: &Case) -> Check {
        let model = self.path(case.get("model")?);
        let from_path = Session::from_file(&model, &SessionOptions::new()).map_err(|e| e.to_string())?;
        self.check_expected(&from_path, case)?;
        let mut options = SessionOptions::new();
        let data = std::fs::read(self.path(case.get("data")?)).map_err(|e| e.to_string())?;
        options.add_external_data(case.get("data_file")?, data).map_err(|e| e.to_string())?;
        let bytes = std::fs::read(&model).map_err(|e| e.to_string())?;
        let from_memory = Session::from_bytes(&bytes, &options).map_err(|e| e.to_string())?;
        drop(options); // the session keeps what it needs
        let input = read_f32(&self.path(case.get("input")?))?;
        let a = self.logits(&from_path, &input, &[1, 3, 224, 224])?;
        let b = self.logits(&from_memory, &input, &[1, 3, 224, 224])?;
        if a.iter().map(|f| f.to_bits()).ne(b.iter().map(|f| f.to_bits())) {
            return Err("the logits from memory differ from those from the path".into());
        }
        Ok(())
    }

    /// `sessions` sessions on one group: the model's weights held once, the same logits.
    fn shared_weights(&self, case: &Case) -> Check {
        let group = SharedWeights::new().map_err(|e| e.to_string())?;
        let mut options = SessionOptions::new();
        options.set_shared_weights(Some(&group));
        let input = read_f32(&self.path(case.get("input")?))?;
        let plain = self.logits(&self.session, &input, &[1, 3, 224, 224])?;
        let mut sessions = Vec::new();
        for i in 0..case.num::<usize>("sessions")? {
            let session = Session::from_file(self.model_path(), &options).map_err(|e| e.to_string())?;
            let got = self.logits(&session, &input, &[1, 3, 224, 224])?;
            within(&got, &read_f32(&self.path(case.get("expected")?))?, case.num("atol")?, case.num("rtol")?)?;
            if got.iter().map(|f| f.to_bits()).ne(plain.iter().map(|f| f.to_bits())) {
                return Err(format!("session {i}: the logits differ from an unshared session's"));
            }
            sessions.push(session);
        }
        let (models, bytes, min_bytes) = (group.model_count(), group.byte_length(), case.num::<usize>("min_shared_bytes")?);
        if models != 1 || bytes < min_bytes {
            return Err(format!("the group holds {models} models and {bytes} bytes, expected 1 model and at least {min_bytes} bytes"));
        }
        drop(sessions);
        if group.model_count() != 0 {
            return Err("the group still holds a model after its sessions were dropped".into());
        }
        Ok(())
    }

    /// Lines reach the callback at `level` and none at `quiet_level`.
    fn log_callback(&self, case: &Case) -> Check {
        let level_of = |key: &str| -> Result<LogLevel, String> {
            let number = case.get(key)?.split(' ').nth(1).ok_or("bad level")?;
            LogLevel::from_u32(number.parse().map_err(|_| "bad level")?).map_err(|e| e.to_string())
        };
        let (loud, quiet) = (level_of("level")?, level_of("quiet_level")?);
        let lines: Arc<Mutex<Vec<(LogLevel, String)>>> = Arc::default();
        let sink = lines.clone();
        Runtime::set_log_callback(Some(Arc::new(move |level, _category: &str, message: &str| {
            sink.lock().unwrap().push((level, message.to_string()));
        })))
        .map_err(|e| e.to_string())?;
        let tiny = self.path(self.spec.header.get("tiny_model").unwrap());
        Runtime::set_log_level(loud);
        let first = Session::from_file(&tiny, &SessionOptions::new()).map(drop);
        let heard = std::mem::take(&mut *lines.lock().unwrap());
        Runtime::set_log_level(quiet);
        let second = Session::from_file(&tiny, &SessionOptions::new()).map(drop);
        let heard_quietly = lines.lock().unwrap().len();
        Runtime::set_log_level(LogLevel::Warning);
        Runtime::set_log_callback(None).map_err(|e| e.to_string())?;
        first.and(second).map_err(|e| e.to_string())?;
        let contains = case.get("message_contains")?;
        if heard.is_empty() {
            return Err(format!("no log line reached the callback at {loud:?}"));
        }
        if let Some((level, message)) = heard.iter().find(|(level, _)| *level < loud) {
            return Err(format!("a {level:?} line reached the callback at {loud:?}: {message}"));
        }
        if !heard.iter().any(|(_, message)| message.contains(contains)) {
            return Err(format!("no line contains '{contains}' (first: {})", heard[0].1));
        }
        if heard_quietly > 0 {
            return Err(format!("{heard_quietly} lines reached the callback at {quiet:?}"));
        }
        Ok(())
    }

    fn try_load_and_run(&self, case: &Case) -> Result<Vec<Tensor>, onyx_core::Error> {
        let options = self.options_with_libraries(case)?;
        let session = Session::from_file(self.path(case.get("model").expect("model")), &options)?;
        let mut inputs = Vec::new();
        for line in case.all("input") {
            let fields: Vec<&str> = line.split(' ').collect();
            let shape: Vec<i64> = fields[2].split(',').map(|d| d.parse().unwrap()).collect();
            let values = read_f32(&self.path(fields[1])).expect("input file");
            inputs.push((fields[0], Tensor::copy(&shape, &values)?));
        }
        let refs: Vec<(&str, &Tensor)> = inputs.iter().map(|(n, t)| (*n, t)).collect();
        Ok(session.run(&refs, None, None)?.into_vec())
    }

    /// Loads a model of the hostile corpus by path or from its bytes; checks code and time.
    fn hostile_model(&self, case: &Case) -> Check {
        let path = self.path(case.get("model")?); // an absolute model path stays as it is
        let options = SessionOptions::new();
        let bytes = match case.get("load")? {
            "bytes" => Some(std::fs::read(&path).map_err(|e| format!("reading {}: {e}", path.display()))?),
            _ => None,
        };
        let start = std::time::Instant::now();
        let result = match &bytes {
            Some(bytes) => Session::from_bytes(bytes, &options),
            None => Session::from_file(&path, &options),
        };
        let took = start.elapsed().as_secs_f64();
        if case.get("code")? == "OK" {
            let session = result.map_err(|e| format!("load: {e}"))?;
            if let Ok(count) = case.get("custom_count") {
                let got = session.metadata().custom.len();
                if got.to_string() != count {
                    return Err(format!("{got} custom metadata entries, expected {count}"));
                }
            }
        } else {
            expect_code(result, case)?;
        }
        let bound: f64 = case.num("seconds")?;
        if took > bound {
            return Err(format!("the load took {took:.2} s, more than {bound} s"));
        }
        Ok(())
    }

    fn model_info(&self, case: &Case) -> Check {
        let describe = |info: &onyx_core::ValueInfo| {
            let shape: Vec<String> = info.shape.iter().map(i64::to_string).collect();
            format!("{} {} {} {}", info.name, info.onnx_element_type, shape.join(","), info.dim_names.join(","))
        };
        let got_inputs: Vec<String> = self.session.inputs().iter().map(describe).collect();
        let got_outputs: Vec<String> = self.session.outputs().iter().map(describe).collect();
        if got_inputs != case.all("input") {
            return Err(format!("inputs {got_inputs:?} != {:?}", case.all("input")));
        }
        if got_outputs != case.all("output") {
            return Err(format!("outputs {got_outputs:?} != {:?}", case.all("output")));
        }
        let meta = self.session.metadata();
        for line in case.all("meta") {
            let (key, want) = line.split_once(' ').unwrap_or((line, ""));
            let got = match key {
                "producer" => meta.producer.clone(),
                "graph_name" => meta.graph_name.clone(),
                "domain" => meta.domain.clone(),
                "description" => meta.description.clone(),
                "version" => meta.version.map(|v| v.to_string()).unwrap_or_default(),
                other => return Err(format!("unknown meta key '{other}'")),
            };
            if got != want {
                return Err(format!("meta {key}: '{got}' != '{want}'"));
            }
        }
        let custom = case.all("custom");
        if meta.custom.len() != custom.len() {
            return Err(format!("{} custom entries, expected {}", meta.custom.len(), custom.len()));
        }
        for line in custom {
            let (key, want) = line.split_once(' ').unwrap_or((line, ""));
            if meta.custom.get(key).map(String::as_str) != Some(want) {
                return Err(format!("custom {key}: {:?} != '{want}'", meta.custom.get(key)));
            }
        }
        Ok(())
    }

    /// Each line of the vector file: f32 bits, then the 16-bit result, in hex.
    fn check_vectors(&self, case: &Case, key: &str, convert: impl Fn(f32) -> u16) -> Check {
        let path = self.path(case.get(key)?);
        let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let mut checked = 0;
        for line in text.lines().filter(|l| !l.starts_with('#') && !l.is_empty()) {
            let parsed = line.split_once(' ').and_then(|(a, b)| Some((u32::from_str_radix(a, 16).ok()?, u16::from_str_radix(b, 16).ok()?)));
            let (bits, want) = parsed.ok_or(format!("{key}: bad line '{line}'"))?;
            let got = convert(f32::from_bits(bits));
            if got != want {
                return Err(format!("{key} of f32 bits {bits:08x}: got {got:04x}, expected {want:04x}"));
            }
            checked += 1;
        }
        if checked == 0 {
            return Err(format!("{key}: no vectors in {}", path.display()));
        }
        Ok(())
    }

    fn provoke(&self, case: &Case) -> Check {
        let input = read_f32(&self.path(self.case("classify_0").get("input")?))?;
        let good = Tensor::copy(&[1, 3, 224, 224], &input).map_err(|e| e.to_string())?;
        let defaults = SessionOptions::default();
        match case.get("trigger")? {
            "missing_model_file" => expect_code(Session::from_file(self.path(case.get("path")?), &defaults), case),
            "corrupt_bytes" => {
                let bytes = std::fs::read(self.model_path()).map_err(|e| e.to_string())?;
                let corrupt: Vec<u8> = bytes[..1000].iter().map(|b| b ^ 0x5A).collect();
                expect_code(Session::from_bytes(&corrupt, &defaults), case)
            }
            "empty_bytes" => expect_code(Session::from_bytes(&[], &defaults), case),
            "load_and_run" | "host_kernel" => expect_code(self.try_load_and_run(case), case),
            "run_config_value" => expect_code(self.run_with_config(case), case),
            "end_profiling" => expect_code(self.session.end_profiling(), case),
            "async_bad_input" => {
                let shape = shape(case.get("shape")?)?;
                let tensor = Tensor::zeros(ElementType::Float32, &shape).map_err(|e| e.to_string())?;
                // Returns a future, never an error: the mistake arrives through it.
                expect_code(self.session.run_async(vec![("input".to_string(), tensor)], None, None).wait(), case)
            }
            "external_data_outside" => expect_code(Session::from_file(self.path(case.get("model")?), &defaults), case),
            "free_dimension_override" => expect_code(SessionOptions::new().add_free_dimension_override(case.get("dimension")?, case.num("value")?), case),
            "custom_op_library" => expect_code(SessionOptions::new().add_custom_op_library(self.path(case.get("library")?)), case),
            "input_shape" => {
                let shape = shape(case.get("shape")?)?;
                let zeros = vec![0f32; shape.iter().product::<i64>() as usize];
                let tensor = Tensor::copy(&shape, &zeros).map_err(|e| e.to_string())?;
                expect_code(self.session.run(&[("input", &tensor)], None, None), case)
            }
            "buffer_length" => {
                let buffer = vec![0f32; case.num("elements")?];
                expect_code(Tensor::copy(&shape(case.get("shape")?)?, &buffer), case)
            }
            "element_type" => {
                let element_type = ElementType::from_onnx(case.num("elem_type")?).map_err(|e| e.to_string())?;
                let tensor = Tensor::zeros(element_type, &[1, 3, 224, 224]).map_err(|e| e.to_string())?;
                expect_code(self.session.run(&[("input", &tensor)], None, None), case)
            }
            "unknown_input" => expect_code(self.session.run(&[("input", &good), (case.get("input_name")?, &good)], None, None), case),
            "missing_input" => expect_code(self.session.run(&[], None, None), case),
            "no_outputs" => expect_code(self.session.run(&[("input", &good)], Some(&[]), None), case),
            "unknown_output" => expect_code(self.session.run(&[("input", &good)], Some(&[case.get("output_name")?]), None), case),
            "output_shape" => {
                let mut output = Tensor::zeros(ElementType::Float32, &shape(case.get("output_shape")?)?).map_err(|e| e.to_string())?;
                expect_code(self.session.run_into(&[("input", &good)], &mut [("logits", &mut output)], None), case)
            }
            "read_as" => {
                let outputs = self.session.run(&[("input", &good)], None, None).map_err(|e| e.to_string())?;
                let logits = outputs.get("logits").map_err(|e| e.to_string())?;
                let wanted = ElementType::from_onnx(case.num("elem_type")?).map_err(|e| e.to_string())?;
                expect_code(logits.expect_element_type(wanted), case)
            }
            "intra_threads" => {
                let mut options = SessionOptions::default();
                let result = options.set_intra_op_threads(case.num("threads")?);
                match result {
                    Err(e) => expect_code(Err::<(), _>(e), case),
                    Ok(()) => expect_code(Session::from_file(self.model_path(), &options), case),
                }
            }
            "input_index" => expect_code(self.session.input(case.num::<i64>("index")?), case),
            "runtime_path_missing" => {
                // A process loads ONNX Runtime once, so this needs a fresh process.
                let out = Command::new(std::env::current_exe().unwrap())
                    .env(CHILD_ENV, case.get("path")?)
                    .output()
                    .map_err(|e| e.to_string())?;
                let text = String::from_utf8_lossy(&out.stdout);
                let (code, message) = text.trim().split_once(' ').ok_or(format!("child printed '{text}'"))?;
                let code = ErrorCode::from_u32(code.parse().map_err(|_| format!("child printed '{text}'"))?).ok_or("bad code")?;
                expect_code(Err::<(), _>(onyx_core::Error::new(code, message)), case)
            }
            other => Err(format!("unknown trigger '{other}'")),
        }
    }
}

const CHILD_ENV: &str = "ONYX_SUITE_LOAD_RUNTIME_FROM";

/// The text a CTC text recogniser reads: the best class per time step, repeats merged,
/// blanks dropped. Its dictionary is the model's metadata `character` (one symbol per
/// line), after the blank (class 0) and before a space (the last class).
fn recognise(session: &Session, image: &Tensor) -> onyx_core::Result<String> {
    let outputs = session.run(&[(session.inputs()[0].name.as_str(), image)], None, None)?;
    let probabilities = &outputs[0];
    let classes = *probabilities.shape().last().unwrap_or(&1) as usize;
    let custom = &session.metadata().custom;
    let dictionary: Vec<&str> = custom.get("character").map_or("", String::as_str).split('\n').collect();
    let mut text = String::new();
    let mut previous = 0;
    for step in probabilities.as_slice::<f32>()?.chunks(classes) {
        let best = step.iter().enumerate().fold(0, |best, (i, p)| if *p > step[best] { i } else { best });
        if best != 0 && best != previous {
            text.push_str(match best {
                b if b <= dictionary.len() => dictionary[b - 1],
                _ => " ",
            });
        }
        previous = best;
    }
    Ok(text)
}

fn main() {
    if let Ok(path) = std::env::var(CHILD_ENV) {
        match Runtime::init(Some(Path::new(&path))) {
            Ok(_) => println!("0 loaded"),
            Err(e) => println!("{} {}", e.code() as u32, e.message()),
        }
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf();
    if std::env::var_os(onyx_core::ORT_LIBRARY_ENV).is_none() {
        // `cargo test` straight from a checkout: use the runtime `make` fetched.
        std::env::set_var(onyx_core::ORT_LIBRARY_ENV, root.join(".cache/onnxruntime").join(onyx_core::PINNED_ORT_VERSION).join(onyx_core::PINNED_ORT_FILE_NAME));
    }
    // ONYX_SUITE_SPEC: a copy of the suite as another platform reads it (tests/platforms).
    let spec = parse_spec(&std::env::var_os("ONYX_SUITE_SPEC").map_or_else(|| root.join("tests/suite/spec.txt"), PathBuf::from));
    let model = spec.dir.join(spec.header.get("model").unwrap());
    let session = Session::from_file(&model, &SessionOptions::default()).unwrap_or_else(|e| panic!("cannot load {}: {e}", model.display()));
    let suite = Suite { spec, session: Arc::new(session) };
    let (mut passed, mut failed, mut skipped) = (0, 0, 0);
    for case in &suite.spec.cases {
        let langs = case.all("langs");
        if !langs.is_empty() && !langs.iter().any(|l| l.split(' ').any(|l| l == "rust")) {
            println!("[rust] SKIP {}: only for {}", case.name, langs.join(" "));
            skipped += 1;
            continue;
        }
        match suite.run_case(case) {
            Ok(()) => {
                println!("[rust] PASS {}", case.name);
                passed += 1;
            }
            Err(why) => {
                println!("[rust] FAIL {}: {why}", case.name);
                failed += 1;
            }
        }
    }
    println!("{passed} passed, {failed} failed, {skipped} skipped");
    std::process::exit(if failed == 0 { 0 } else { 1 });
}

/// The case's `operator <domain> <name>`: one of the suite's two kernels, written in Rust
/// (ScaleShift: y = alpha * x + beta in f32; Fail: always the suite's error), with any
/// `declare_attribute <name> <KIND>` lines added to its definition.
fn host_operator(case: &Case) -> Result<Option<std::sync::Arc<Operator>>, onyx_core::Error> {
    let Ok(line) = case.get("operator") else { return Ok(None) };
    let (domain, name) = line.split_once(' ').expect("operator <domain> <name>");
    let mut definition = OperatorDefinition::new(domain, name).input(ElementType::Float32).output(ElementType::Float32);
    if name == "ScaleShift" {
        definition = definition.attribute("alpha", AttributeKind::Float).attribute("beta", AttributeKind::Float);
    }
    for extra in case.all("declare_attribute") {
        let (attribute, kind) = extra.split_once(' ').expect("declare_attribute <name> <KIND>");
        let kind = AttributeKind::ALL.into_iter().find(|k| k.name() == kind).expect("an attribute kind");
        definition = definition.attribute(attribute, kind);
    }
    Ok(Some(match name {
        "ScaleShift" => Operator::new(definition, scale_shift)?,
        "Fail" => Operator::new(definition, |_: &KernelContext<'_>| Err(onyx_core::Error::new(ErrorCode::KernelFailed, HOST_KERNEL_FAILURE)))?,
        other => panic!("the suite has no host kernel {other}"),
    }))
}

const HOST_KERNEL_FAILURE: &str = "host kernel failed on purpose";

fn scale_shift(context: &KernelContext<'_>) -> onyx_core::Result<()> {
    let (alpha, beta) = (context.attribute_float("alpha")?, context.attribute_float("beta")?);
    let x = context.input(0)?;
    let mut y = context.output(0, x.shape())?;
    for (y, x) in y.as_mut_slice::<f32>()?.iter_mut().zip(x.as_slice::<f32>()?) {
        *y = alpha * x + beta;
    }
    Ok(())
}
