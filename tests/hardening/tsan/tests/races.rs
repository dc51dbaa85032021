//! onyx-core's thread-safety claims, exercised so that ThreadSanitizer can see a
//! race if there is one: a Session is Sync (concurrent runs), Tensor is Sync (inputs
//! shared by runs on several threads) and Send (outputs dropped on other threads),
//! RunOptions is Sync (terminate and reset from any thread while runs use them),
//! and the process-wide runtime and log level may be touched from any thread.
//!
//! Run by `make test-hardening` under -Zsanitizer=thread (ONYX_ORT_LIBRARY set);
//! it passes without TSan too: `cargo test --manifest-path tests/hardening/tsan/Cargo.toml`.

use std::{
    path::PathBuf,
    sync::{
        atomic::{AtomicBool, AtomicUsize, Ordering},
        Barrier,
    },
    thread,
};

use onyx_core::{ErrorCode, LogLevel, RunOptions, Runtime, Session, SessionOptions, Tensor};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../suite/fixtures").join(name)
}

fn init() {
    let path = std::env::var_os(onyx_core::ORT_LIBRARY_ENV).map(PathBuf::from);
    Runtime::init(path.as_deref()).expect("ONNX Runtime loads (set ONYX_ORT_LIBRARY)");
}

fn add16(threads: i64) -> Session {
    let mut options = SessionOptions::default();
    options.set_intra_op_threads(threads).unwrap();
    Session::from_file(fixture("add16.onnx"), &options).expect("add16 loads")
}

fn check_sum(out: &Tensor, a: &[f32], b: &[f32]) {
    let sum: &[f32] = out.as_slice().unwrap();
    for i in 0..16 {
        assert_eq!(sum[i], a[i] + b[i], "sum[{i}]");
    }
}

#[test]
fn runtime_init_from_many_threads_at_once_gives_one_runtime() {
    let barrier = Barrier::new(8);
    let paths: Vec<usize> = thread::scope(|s| {
        let handles: Vec<_> = (0..8)
            .map(|_| {
                s.spawn(|| {
                    barrier.wait();
                    init();
                    Runtime::get().unwrap() as *const Runtime as usize
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert!(paths.windows(2).all(|w| w[0] == w[1]), "one runtime for the process");
}

/// Session: Sync. Tensor: Sync (the same input tensors in every thread).
#[test]
fn one_session_runs_on_many_threads_with_shared_inputs() {
    init();
    let session = add16(1);
    let a: Vec<f32> = (0..16).map(|i| i as f32).collect();
    let b: Vec<f32> = (0..16).map(|i| (i * i) as f32).collect();
    let (ta, tb) = (Tensor::copy(&[16], &a).unwrap(), Tensor::copy(&[16], &b).unwrap());
    let runs = AtomicUsize::new(0);
    thread::scope(|s| {
        for t in 0..4 {
            let (session, ta, tb, a, b, runs) = (&session, &ta, &tb, &a, &b, &runs);
            s.spawn(move || {
                for i in 0..150 {
                    // Alternate the three ways to run: by name, by index, into a caller tensor.
                    match (t + i) % 3 {
                        0 => check_sum(&session.run(&[("a", ta), ("b", tb)], None, None).unwrap()[0], a, b),
                        1 => check_sum(&session.run_indexed(&[(1, tb), (0, ta)], Some(&[0]), None).unwrap()[0], a, b),
                        _ => {
                            let mut out = Tensor::zeros(onyx_core::ElementType::Float32, &[16]).unwrap();
                            session.run_into(&[("a", ta), ("b", tb)], &mut [("sum", &mut out)], None).unwrap();
                            check_sum(&out, a, b);
                        }
                    }
                    runs.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
    });
    assert_eq!(runs.load(Ordering::Relaxed), 600);
}

/// ResNet18 with a two-thread intra-op pool, run from two threads at once: ONNX
/// Runtime's own threads write outputs that Onyx then reads on the caller's thread.
#[test]
fn resnet18_runs_concurrently_and_agrees_with_itself() {
    init();
    let mut options = SessionOptions::default();
    options.set_intra_op_threads(2).unwrap();
    let session = Session::from_file(fixture("resnet18.onnx"), &options).expect("resnet18 loads");
    let pixels: Vec<f32> = (0..3 * 224 * 224).map(|i| ((i % 255) as f32) / 255.0).collect();
    let input = Tensor::copy(&[1, 3, 224, 224], &pixels).unwrap();
    let first = session.run(&[("input", &input)], None, None).unwrap().into_vec().remove(0);
    let want: Vec<f32> = first.as_slice::<f32>().unwrap().to_vec();
    thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                for _ in 0..3 {
                    let out = session.run(&[("input", &input)], None, None).unwrap();
                    let got: &[f32] = out[0].as_slice().unwrap();
                    assert!(got.iter().zip(&want).all(|(g, w)| (g - w).abs() <= 1e-4), "a concurrent run gave other logits");
                }
            });
        }
    });
}

/// RunOptions: Sync. One thread flips terminate and reset in a loop while two
/// threads run ResNet18 with the same options: every failed run is CANCELLED.
#[test]
fn terminate_and_reset_from_another_thread_cancel_cleanly() {
    init();
    let mut options = SessionOptions::default();
    options.set_intra_op_threads(1).unwrap();
    let session = Session::from_file(fixture("resnet18.onnx"), &options).expect("resnet18 loads");
    let input = Tensor::zeros(onyx_core::ElementType::Float32, &[1, 3, 224, 224]).unwrap();
    let mut run_options = RunOptions::new().unwrap();
    run_options.set_tag("tsan").unwrap();
    let stop = AtomicBool::new(false);
    let (cancelled, succeeded) = (AtomicUsize::new(0), AtomicUsize::new(0));
    thread::scope(|s| {
        s.spawn(|| {
            while !stop.load(Ordering::Relaxed) {
                // Set for a fifth of the time, so some runs are cancelled and some finish.
                run_options.terminate().unwrap();
                let _ = run_options.is_terminated();
                thread::sleep(std::time::Duration::from_micros(300));
                run_options.reset_terminate().unwrap();
                thread::sleep(std::time::Duration::from_micros(1200));
            }
        });
        let runners: Vec<_> = (0..2)
            .map(|_| {
                s.spawn(|| {
                    for _ in 0..12 {
                        match session.run(&[("input", &input)], None, Some(&run_options)) {
                            Ok(out) => {
                                assert_eq!(out[0].shape(), &[1, 1000]);
                                succeeded.fetch_add(1, Ordering::Relaxed);
                            }
                            Err(e) if e.code() == ErrorCode::Cancelled => {
                                cancelled.fetch_add(1, Ordering::Relaxed);
                            }
                            Err(e) => panic!("a terminated run failed with {:?}, not CANCELLED: {}", e.code(), e.message()),
                        }
                    }
                })
            })
            .collect();
        for r in runners {
            r.join().unwrap();
        }
        stop.store(true, Ordering::Relaxed);
    });
    assert_eq!(cancelled.load(Ordering::Relaxed) + succeeded.load(Ordering::Relaxed), 24);
    assert!(cancelled.load(Ordering::Relaxed) > 0, "no run was cancelled");
    // The options work again once reset.
    run_options.reset_terminate().unwrap();
    session.run(&[("input", &input)], None, Some(&run_options)).unwrap();
}

/// Tensor and RunOutputs: Send. Outputs made on one thread are read and dropped on
/// another; sessions are created and dropped on several threads at once.
#[test]
fn sessions_and_outputs_cross_threads() {
    init();
    let (tx, rx) = std::sync::mpsc::channel::<(Vec<f32>, onyx_core::RunOutputs)>();
    thread::scope(|s| {
        for t in 0..3 {
            let tx = tx.clone();
            s.spawn(move || {
                for i in 0..15 {
                    let session = add16(1);
                    let a: Vec<f32> = (0..16).map(|k| (t * 100 + i + k) as f32).collect();
                    let ta = Tensor::copy(&[16], &a).unwrap();
                    let out = session.run(&[("a", &ta), ("b", &ta)], None, None).unwrap();
                    drop(session); // the outputs outlive their session
                    tx.send((a, out)).unwrap();
                }
            });
        }
        drop(tx);
        s.spawn(move || {
            let mut n = 0;
            for (a, out) in rx {
                check_sum(&out[0], &a, &a);
                assert_eq!(out.name(0), Some("sum"));
                n += 1;
            }
            assert_eq!(n, 45);
        });
    });
}

/// The process-wide log level, set from several threads while runs go on.
#[test]
fn log_level_changes_while_runs_go_on() {
    init();
    let session = add16(1);
    let ta = Tensor::copy(&[16], &[1f32; 16]).unwrap();
    let stop = AtomicBool::new(false);
    thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                let levels = [LogLevel::Error, LogLevel::Warning, LogLevel::Fatal];
                let mut i = 0;
                while !stop.load(Ordering::Relaxed) {
                    Runtime::set_log_level(levels[i % 3]);
                    let _ = Runtime::log_level();
                    i += 1;
                    thread::yield_now();
                }
            });
        }
        for _ in 0..200 {
            let out = session.run(&[("a", &ta), ("b", &ta)], None, None).unwrap();
            assert_eq!(out[0].as_slice::<f32>().unwrap(), &[2f32; 16]);
        }
        stop.store(true, Ordering::Relaxed);
    });
    Runtime::set_log_level(LogLevel::Warning);
}
