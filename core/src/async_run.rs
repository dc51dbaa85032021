//! Asynchronous runs: a run that returns at once and completes later, on one of Onyx's
//! worker threads (see `workers`), with its result delivered exactly once.
//!
//! Every binding's future, task or promise is this one mechanism: bindings translate
//! the delivered result and [`AsyncRun::cancel`], nothing more. Each run has its own
//! copy of the caller's run options, so cancelling one run never stops another.

use std::{
    borrow::Borrow,
    future::Future,
    pin::Pin,
    sync::{Arc, Condvar, Mutex},
    task::{Context, Poll, Waker},
};

use crate::{Error, ErrorCode, Result, RunOptions, RunOutputs, Session, Tensor};

/// A run in flight. Dropping it neither waits for the run nor cancels it.
#[derive(Clone)]
pub struct AsyncRun {
    shared: Arc<Shared>,
}

struct Shared {
    /// This run's own options; None when they could not be made (the run then fails).
    options: Option<Arc<RunOptions>>,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    cancelled: bool,
    /// The result is decided (it may be on its way to the callback).
    decided: bool,
}

impl AsyncRun {
    /// Asks the run to stop. Returns true when the run will complete as `CANCELLED`
    /// (whether it had started or not, and even if ONNX Runtime finished it meanwhile:
    /// its outputs are then dropped), false when its result was already decided.
    pub fn cancel(&self) -> bool {
        let mut state = self.shared.state.lock().unwrap_or_else(|p| p.into_inner());
        if state.decided {
            return false;
        }
        state.cancelled = true;
        if let Some(options) = &self.shared.options {
            let _ = options.terminate(); // stops the run between two nodes if it is running
        }
        true
    }

    fn decide(&self, result: Result<RunOutputs>) -> Result<RunOutputs> {
        let mut state = self.shared.state.lock().unwrap_or_else(|p| p.into_inner());
        state.decided = true;
        match state.cancelled {
            true => Err(cancelled()),
            false => result,
        }
    }

    fn cancelled_before_start(&self) -> bool {
        self.shared.state.lock().unwrap_or_else(|p| p.into_inner()).cancelled
    }
}

fn cancelled() -> Error {
    Error::new(ErrorCode::Cancelled, "the run was cancelled")
}

impl Session {
    /// Starts a run on Onyx's worker threads and returns at once; `done` is called
    /// exactly once, on a worker thread (never the caller's), with the outputs or the
    /// error: every failure, a bad input included, is delivered to `done`, never
    /// returned here. The run holds the session, its inputs and a copy of `options`
    /// (tag and config entries; terminating `options` terminates this run too) until
    /// it is over; the inputs are dropped before `done` is called.
    /// `outputs`: the output names wanted (None: all, in model order).
    pub fn run_async_then<T, F>(self: &Arc<Self>, inputs: Vec<(String, T)>, outputs: Option<Vec<String>>, options: Option<&RunOptions>, done: F) -> AsyncRun
    where
        T: Borrow<Tensor> + Send + 'static,
        F: FnOnce(Result<RunOutputs>) + Send + 'static,
    {
        let (own_options, setup_error) = match RunOptions::copy_for_one_run(options) {
            Ok(o) => (Some(o), None),
            Err(e) => (None, Some(e)),
        };
        let run = AsyncRun { shared: Arc::new(Shared { options: own_options, state: Mutex::new(State::default()) }) };
        let (session, this_run) = (self.clone(), run.clone());
        crate::workers::submit(move || {
            let result = match setup_error {
                Some(e) => Err(e),
                None if this_run.cancelled_before_start() => Err(cancelled()),
                None => crate::catch_panic(|| {
                    let refs: Vec<(&str, &Tensor)> = inputs.iter().map(|(name, tensor)| (name.as_str(), tensor.borrow())).collect();
                    let names: Option<Vec<&str>> = outputs.as_ref().map(|o| o.iter().map(String::as_str).collect());
                    session.run(&refs, names.as_deref(), this_run.shared.options.as_deref())
                }),
            };
            let result = this_run.decide(result);
            drop(inputs);
            drop(session);
            done(result);
        });
        run
    }

    /// [`Session::run_async_then`] as a Rust future (also waitable with
    /// [`RunFuture::wait`] without an executor).
    pub fn run_async<T>(self: &Arc<Self>, inputs: Vec<(String, T)>, outputs: Option<Vec<String>>, options: Option<&RunOptions>) -> RunFuture
    where
        T: Borrow<Tensor> + Send + 'static,
    {
        let slot = Arc::new(Slot { state: Mutex::new((None, None)), ready: Condvar::new() });
        let filled = slot.clone();
        let run = self.run_async_then(inputs, outputs, options, move |result| {
            let mut state = filled.state.lock().unwrap_or_else(|p| p.into_inner());
            state.0 = Some(result);
            if let Some(waker) = state.1.take() {
                waker.wake();
            }
            filled.ready.notify_all();
        });
        RunFuture { run, slot }
    }
}

/// The future of [`Session::run_async`]: resolves to the run's outputs or its error
/// (`CANCELLED` after [`RunFuture::cancel`]).
pub struct RunFuture {
    run: AsyncRun,
    slot: Arc<Slot>,
}

struct Slot {
    state: Mutex<(Option<Result<RunOutputs>>, Option<Waker>)>,
    ready: Condvar,
}

impl RunFuture {
    /// See [`AsyncRun::cancel`].
    pub fn cancel(&self) -> bool {
        self.run.cancel()
    }

    /// Blocks until the run is over.
    pub fn wait(self) -> Result<RunOutputs> {
        let mut state = self.slot.state.lock().unwrap_or_else(|p| p.into_inner());
        loop {
            if let Some(result) = state.0.take() {
                return result;
            }
            state = self.slot.ready.wait(state).unwrap_or_else(|p| p.into_inner());
        }
    }
}

impl Future for RunFuture {
    type Output = Result<RunOutputs>;
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut state = self.slot.state.lock().unwrap_or_else(|p| p.into_inner());
        match state.0.take() {
            Some(result) => Poll::Ready(result),
            None => {
                state.1 = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}
