use std::ffi::{c_char, c_void};

use onyx_core::{AsyncRun, Tensor};

use crate::{
    run::onyx_run_options,
    session::onyx_session,
    status::{check_out, guard, non_null, write_out, onyx_status},
    tensor::{boxed, onyx_tensor},
};

/// Called once when an asynchronous run is over, on one of Onyx's worker threads
/// (never the thread that started the run). On success `status` is NULL and
/// `outputs` holds `output_count` new tensors, which the callback owns (free each with
/// onyx_tensor_free); the array itself is only valid during the call. On failure
/// `status` is the error, which the callback owns (onyx_status_free), and `outputs`
/// is NULL. The callback should return soon: other runs' callbacks wait for a worker.
pub type onyx_run_callback =
    Option<unsafe extern "C" fn(user_data: *mut c_void, status: *mut onyx_status, outputs: *const *mut onyx_tensor, output_count: usize)>;

/// An asynchronous run in flight (onyx_session_run_async). Freeing it neither waits
/// for the run nor cancels it.
pub struct onyx_async_run {
    inner: AsyncRun,
}

/// An input the caller lends until the callback: the contract of onyx_session_run_async.
struct LentTensor(*const Tensor);
// SAFETY: the caller keeps the tensor alive and unchanged until the callback (the
// header's contract), and core only reads it, on one worker thread.
unsafe impl Send for LentTensor {}
impl std::borrow::Borrow<Tensor> for LentTensor {
    fn borrow(&self) -> &Tensor {
        unsafe { &*self.0 }
    }
}

struct UserData(*mut c_void);
// SAFETY: handed back to the caller's callback, which is documented to run on a worker.
unsafe impl Send for UserData {}

/// Starts a run and returns at once; `callback(user_data, ...)` is called exactly once
/// when it is over (see onyx_run_callback). Arguments as onyx_session_run, except the
/// outputs, which the callback receives (`output_names` NULL: all outputs in model
/// order, `output_count` then ignored). Names and run options (tag, config entries) are
/// copied here; the input tensors are borrowed and must stay alive and unchanged until
/// the callback is called. The run holds the session: it may be freed meanwhile.
///
/// Only arguments this call cannot read (NULL pointers, bad UTF-8) fail here, and then
/// the callback is never called. Every other failure, a bad input included, reaches the
/// callback with its code. Terminating `run_options` also terminates this run;
/// onyx_async_run_cancel cancels this run alone. `out_run` receives the handle of the
/// run (free it with onyx_async_run_free).
#[no_mangle]
pub extern "C" fn onyx_session_run_async(
    session: *const onyx_session,
    run_options: *const onyx_run_options,
    input_names: *const *const c_char,
    inputs: *const *const onyx_tensor,
    input_count: usize,
    output_names: *const *const c_char,
    output_count: usize,
    callback: onyx_run_callback,
    user_data: *mut c_void,
    out_run: *mut *mut onyx_async_run,
) -> *mut onyx_status {
    guard(|| {
        let session = non_null(session, "session")?;
        let Some(callback) = callback else {
            return Err(onyx_core::Error::new(onyx_core::ErrorCode::NullPointer, "callback is NULL"));
        };
        check_out(out_run, "out_run")?;
        let lent: Vec<(String, LentTensor)> = crate::run::named_inputs(input_names, inputs, input_count)?
            .into_iter()
            .map(|(name, tensor)| (name.to_string(), LentTensor(tensor)))
            .collect();
        let outputs = match output_names.is_null() {
            true => None,
            false => Some(crate::run::names_of_outputs(output_names, output_count)?.into_iter().map(str::to_string).collect()),
        };
        let options = unsafe { run_options.as_ref() }.map(|o| &o.inner);
        let user_data = UserData(user_data);
        let run = session.inner.run_async_then(lent, outputs, options, move |result| {
            let user_data = user_data;
            match result {
                Ok(outputs) => {
                    let handles: Vec<*mut onyx_tensor> = outputs.into_iter().map(boxed).collect();
                    unsafe { callback(user_data.0, std::ptr::null_mut(), handles.as_ptr(), handles.len()) };
                }
                Err(error) => unsafe { callback(user_data.0, crate::status::boxed_status(error), std::ptr::null(), 0) },
            }
        });
        write_out(out_run, onyx_boundary::into_raw(onyx_async_run { inner: run }));
        Ok(())
    })
}

/// Cancels the run: it completes (or has completed) with ONYX_ERROR_CANCELLED unless
/// its result was already decided. Writes whether the cancellation was in time to
/// `out_cancelled` (may be NULL). Any thread, any time before onyx_async_run_free.
#[no_mangle]
pub extern "C" fn onyx_async_run_cancel(run: *const onyx_async_run, out_cancelled: *mut bool) -> *mut onyx_status {
    guard(|| {
        let cancelled = non_null(run, "run")?.inner.cancel();
        if !out_cancelled.is_null() {
            write_out(out_cancelled, cancelled);
        }
        Ok(())
    })
}

/// Frees the handle of an asynchronous run (NULL is allowed). The run goes on, and its
/// callback is still called.
#[no_mangle]
pub extern "C" fn onyx_async_run_free(run: *mut onyx_async_run) {
    crate::status::free_handle(run)
}
