//! `Session.runAsync`: onyx-core's asynchronous run, completed into a Java object.
//!
//! The run happens on onyx-core's worker threads. When it is over, core calls the
//! completion below on a worker, which attaches to the JVM as a daemon (once; the worker
//! stays attached) and calls `done(long[] outputs, int code, String message)` on the
//! Java object `runAsync` passed (its `CompletableFuture`). The Java side holds the
//! session and the input tensors (`NativeState.acquire`) until that call, so the raw
//! tensor pointers lent to core stay valid for the whole run.

use std::{
    borrow::Borrow,
    panic::{catch_unwind, AssertUnwindSafe},
    sync::Arc,
};

use jni::{
    objects::{GlobalRef, JLongArray, JObject, JObjectArray, JValue},
    sys::{jboolean, jint, jlong},
    JNIEnv, JavaVM,
};
use onyx_core::{AsyncRun, Error, ErrorCode, RunOptions, RunOutputs, Session, Tensor};

use crate::{
    arrays::{longs, strings},
    borrow, entry, fail, into_handle, JniResult,
};

/// An input tensor Java lends to the run.
struct LentTensor(*const Tensor);
// SAFETY: Java holds the tensor (its NativeState is acquired) until `done` is called,
// which is after core has dropped the run's inputs; Tensor is Sync and core only reads it.
unsafe impl Send for LentTensor {}
impl Borrow<Tensor> for LentTensor {
    fn borrow(&self) -> &Tensor {
        unsafe { &*self.0 }
    }
}

/// Where the result goes: the Java future, through its `done` method.
struct Completion {
    vm: JavaVM,
    future: GlobalRef,
}

impl Completion {
    /// Hands the result to Java. Never unwinds and never leaves a Java exception
    /// pending on the worker (the future's `done` catches everything itself).
    fn deliver(self, result: onyx_core::Result<RunOutputs>) {
        let Completion { vm, future } = self;
        let delivered = catch_unwind(AssertUnwindSafe(|| {
            // Without a JVM (it is shutting down) nobody waits: the outputs are dropped.
            let Some(mut env) = crate::attach(&vm) else { return };
            // This thread never returns to Java, so its local references would pile up.
            let _ = env.with_local_frame(8, |env| -> JniResult<()> {
                match result {
                    Ok(outputs) => {
                        let handles: Vec<jlong> = outputs.into_iter().map(into_handle).collect();
                        let array = match crate::arrays::new_longs(env, &handles) {
                            Ok(array) => unsafe { JObject::from_raw(array) },
                            Err(failure) => {
                                // Java never saw them: they are still ours to free.
                                handles.iter().for_each(|&h| unsafe { crate::free::<Tensor>(h) });
                                return Err(failure);
                            }
                        };
                        let none = JObject::null();
                        env.call_method(future.as_obj(), "done", DONE, &[JValue::Object(&array), JValue::Int(0), JValue::Object(&none)])?;
                    }
                    Err(error) => {
                        let message = env.new_string(error.message())?;
                        let none = JObject::null();
                        let code = JValue::Int(error.code() as jint);
                        env.call_method(future.as_obj(), "done", DONE, &[JValue::Object(&none), code, JValue::Object(&message)])?;
                    }
                }
                Ok(())
            });
            if env.exception_check().unwrap_or(false) {
                let _ = env.exception_clear();
            }
            drop(future); // deletes the global reference while attached
        }));
        let _ = delivered; // a panic here only loses the result; it never reaches core's worker
    }
}

const DONE: &str = "([JILjava/lang/String;)V";

/// Starts an asynchronous run of the session `handle` with inputs by name, the
/// outputs named (null: all, in model order) and run options (0: none); `future`'s
/// `done` receives the result. Returns the run's handle (`asyncRunCancel`,
/// `asyncRunFree`). Only arguments JNI cannot read fail here (and then `done` is never
/// called); every Onyx failure, a bad input included, reaches `done`.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub extern "system" fn Java_dev_onyx_Native_sessionRunAsync<'l>(
    mut env: JNIEnv<'l>,
    _class: JObject<'l>,
    handle: jlong,
    input_names: JObjectArray<'l>,
    input_tensors: JLongArray<'l>,
    output_names: JObjectArray<'l>,
    options: jlong,
    future: JObject<'l>,
) -> jlong {
    entry(&mut env, |env| {
        let session = unsafe { borrow::<Arc<Session>>(handle) }?;
        if input_names.is_null() || future.is_null() {
            return fail(ErrorCode::NullPointer, "the input names and the future are required");
        }
        let names = strings(env, &input_names)?;
        let handles = longs(env, &input_tensors)?;
        if names.len() != handles.len() {
            return Err(Error::new(ErrorCode::InvalidArgument, format!("{} input names but {} tensors", names.len(), handles.len())).into());
        }
        let mut inputs = Vec::with_capacity(names.len());
        for (name, h) in names.into_iter().zip(handles) {
            let tensor: &Tensor = unsafe { borrow::<Tensor>(h) }?;
            inputs.push((name, LentTensor(tensor)));
        }
        let outputs = if output_names.is_null() { None } else { Some(strings(env, &output_names)?) };
        let options = if options == 0 { None } else { Some(unsafe { borrow::<RunOptions>(options) }?) };
        let completion = Completion { vm: env.get_java_vm()?, future: env.new_global_ref(&future)? };
        // Nothing fallible after this: once started, the run reports only through `done`.
        let run = session.run_async_then(inputs, outputs, options, move |result| completion.deliver(result));
        Ok(into_handle(run))
    })
}

/// Cancels the run; true when it will complete as CANCELLED (in time), false when its
/// result was already decided.
#[no_mangle]
pub extern "system" fn Java_dev_onyx_Native_asyncRunCancel<'l>(mut env: JNIEnv<'l>, _class: JObject<'l>, handle: jlong) -> jboolean {
    entry(&mut env, |_| Ok(unsafe { borrow::<AsyncRun>(handle) }?.cancel() as jboolean))
}

crate::free_function!(Java_dev_onyx_Native_asyncRunFree, AsyncRun);
