//! Onyx's own worker threads, where asynchronous runs (and the Node binding's session
//! loads) happen. They are not ONNX Runtime's threads: a run on a worker still uses the
//! session's intra-op threads, and a callback that blocks a worker delays other jobs,
//! never ONNX Runtime.

use std::sync::{mpsc, Arc, Mutex, OnceLock};

type Job = Box<dyn FnOnce() + Send>;

/// How many workers there are: as many as the machine has cores, at least 4, so that a
/// few runs in flight never wait for each other on a small machine.
pub fn worker_count() -> usize {
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2).max(4)
}

/// Runs `job` on one of Onyx's worker threads (started on first use, named
/// `onyx-worker-N`, living as long as the process). A panic in a job is caught and the
/// worker goes on; jobs report their own failures.
pub fn submit(job: impl FnOnce() + Send + 'static) {
    static QUEUE: OnceLock<Mutex<mpsc::Sender<Job>>> = OnceLock::new();
    let queue = QUEUE.get_or_init(|| {
        let (sender, receiver) = mpsc::channel::<Job>();
        let receiver = Arc::new(Mutex::new(receiver));
        for i in 0..worker_count() {
            let receiver = receiver.clone();
            let spawned = std::thread::Builder::new().name(format!("onyx-worker-{i}")).spawn(move || loop {
                let job = receiver.lock().unwrap_or_else(|p| p.into_inner()).recv();
                match job {
                    Ok(job) => {
                        let _ = crate::catch_panic(|| {
                            job();
                            Ok(())
                        });
                    }
                    Err(_) => break,
                }
            });
            // Without threads nothing would ever run: that is not a state to go on in.
            spawned.expect("Onyx could not start its worker threads");
        }
        Mutex::new(sender)
    });
    let _ = queue.lock().unwrap_or_else(|p| p.into_inner()).send(Box::new(job));
}
