//! JNI glue of Onyx's Java binding: `libonyx_jni.so`, the native half of the
//! `dev.onyx` package.
//!
//! It sits on onyx-core directly (not on the C ABI), like libsignal's bridge. It is
//! deliberately thin: every `Java_dev_onyx_Native_*` function converts handles and
//! arguments, calls onyx-core, and turns a failure into a Java exception, all inside
//! [`entry`], which also catches panics. What every native boundary does the same way
//! (the panic text, handle boxing and freeing, the output-aliasing check) comes from
//! onyx-boundary. Lifetimes, locking and "use after close" are the Java side's job
//! (see `NativeState.java`): a handle reaching this crate is either 0 or a live object.

use std::{
    panic::{catch_unwind, AssertUnwindSafe},
    sync::atomic::{AtomicI64, Ordering},
};

use jni::{
    objects::{JObject, JString, JThrowable, JValue},
    sys::{jboolean, jfloat, jint, jlong, jobject, jshort},
    JNIEnv, JavaVM,
};
use onyx_core::{Error, ErrorCode};

mod arrays;
mod async_run;
mod elements;
mod operator;
mod run_options;
mod runtime;
mod session;
mod shared_weights;
mod tensor;
mod value;

/// Why an entry point failed: an Onyx error to throw as `OnyxException`, or a JNI
/// failure (usually a Java exception already pending, which is left to propagate).
pub(crate) enum Failure {
    Onyx(Error),
    Jni(jni::errors::Error),
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Failure::Onyx(error)
    }
}

impl From<jni::errors::Error> for Failure {
    fn from(error: jni::errors::Error) -> Self {
        Failure::Jni(error)
    }
}

pub(crate) type JniResult<T> = Result<T, Failure>;

pub(crate) fn fail<T>(code: ErrorCode, message: impl Into<String>) -> JniResult<T> {
    Err(Failure::Onyx(Error::new(code, message)))
}

/// What a native method returns when it threw: Java ignores the value.
pub(crate) trait Fallback {
    fn fallback() -> Self;
}
macro_rules! fallback {
    ($($t:ty => $v:expr),* $(,)?) => { $(impl Fallback for $t { fn fallback() -> Self { $v } })* };
}
// jstring, jlongArray, jobjectArray, ... are all the one pointer type `jobject`.
fallback!(() => (), jlong => 0, jint => 0, jshort => 0, jfloat => 0.0, jboolean => 0, jobject => std::ptr::null_mut());

/// Runs the body of a native method: a panic becomes `OnyxException(PANIC)` with
/// onyx-boundary's one panic text, an Onyx error becomes `OnyxException` with the
/// same code as the C ABI. Nothing unwinds into the JVM.
pub(crate) fn entry<'l, R: Fallback>(env: &mut JNIEnv<'l>, body: impl FnOnce(&mut JNIEnv<'l>) -> JniResult<R>) -> R {
    let failure = match catch_unwind(AssertUnwindSafe(|| body(env))) {
        Ok(Ok(value)) => return value,
        Ok(Err(failure)) => failure,
        Err(payload) => Failure::Onyx(onyx_boundary::panic_error(payload.as_ref())),
    };
    // Throwing must not panic either: a failure here leaves whatever is pending.
    let _ = catch_unwind(AssertUnwindSafe(|| throw(env, failure)));
    R::fallback()
}

fn throw(env: &mut JNIEnv, failure: Failure) {
    if env.exception_check().unwrap_or(true) {
        return; // a Java exception (from a JNI call) is already on its way
    }
    let error = match failure {
        Failure::Onyx(error) => error,
        Failure::Jni(jni::errors::Error::JavaException) => return,
        Failure::Jni(e @ (jni::errors::Error::NullPtr(_) | jni::errors::Error::NullDeref(_))) => {
            Error::new(ErrorCode::NullPointer, format!("a required argument was null ({e})"))
        }
        Failure::Jni(e) => Error::new(ErrorCode::InvalidArgument, format!("JNI call failed: {e}")),
    };
    let thrown = (|| -> jni::errors::Result<()> {
        let message = env.new_string(error.message())?;
        let exception = env.new_object(
            "dev/onyx/OnyxException",
            "(ILjava/lang/String;)V",
            &[JValue::Int(error.code() as jint), JValue::Object(&message)],
        )?;
        env.throw(JThrowable::from(exception))
    })();
    if thrown.is_err() && !env.exception_check().unwrap_or(true) {
        let _ = env.throw_new("java/lang/IllegalStateException", error.to_string());
    }
}

// --- handles: a Java `long` holding a `Box<T>` (onyx-boundary's handles) --------------

/// Native objects alive now (sessions, tensors, run options, shared-weights groups): lets the Java tests
/// prove that closing frees everything.
static LIVE_OBJECTS: AtomicI64 = AtomicI64::new(0);

pub(crate) fn into_handle<T>(value: T) -> jlong {
    LIVE_OBJECTS.fetch_add(1, Ordering::Relaxed);
    onyx_boundary::into_raw(value) as jlong
}

/// # Safety
/// `handle` is 0 or came from [`into_handle::<T>`] and is not freed yet; the Java
/// side guarantees this (it frees a handle exactly once, after its last call).
pub(crate) unsafe fn borrow<'a, T>(handle: jlong) -> JniResult<&'a T> {
    Ok(unsafe { onyx_boundary::borrow(handle as *const T, "native handle") }?)
}

/// # Safety
/// As [`borrow`], and nobody else uses the object during the call.
pub(crate) unsafe fn borrow_mut<'a, T>(handle: jlong) -> JniResult<&'a mut T> {
    Ok(unsafe { onyx_boundary::borrow_mut(handle as *mut T, "native handle") }?)
}

/// # Safety
/// As [`borrow`]; the handle is not used again.
pub(crate) unsafe fn free<T>(handle: jlong) {
    if unsafe { onyx_boundary::free(handle as *mut T) } {
        LIVE_OBJECTS.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Takes back a handle Java gave away (moved into a value): the object, no longer counted.
///
/// # Safety
/// As [`borrow`]; the Java side never uses the handle again (its state is closed).
pub(crate) unsafe fn take<T>(handle: jlong) -> JniResult<T> {
    match unsafe { onyx_boundary::take(handle as *mut T) } {
        Some(value) => {
            LIVE_OBJECTS.fetch_sub(1, Ordering::Relaxed);
            Ok(value)
        }
        None => fail(ErrorCode::NullPointer, "native handle is NULL"),
    }
}

/// The native method that frees a handle of type `$t` (0 does nothing).
#[macro_export]
macro_rules! free_function {
    ($name:ident, $t:ty) => {
        #[no_mangle]
        pub extern "system" fn $name<'l>(mut env: jni::JNIEnv<'l>, _class: jni::objects::JObject<'l>, handle: jni::sys::jlong) {
            $crate::entry(&mut env, |_| {
                unsafe { $crate::free::<$t>(handle) };
                Ok(())
            })
        }
    };
}

#[no_mangle]
pub extern "system" fn Java_dev_onyx_Native_liveObjects<'l>(mut env: JNIEnv<'l>, _class: JObject<'l>) -> jlong {
    entry(&mut env, |_| Ok(LIVE_OBJECTS.load(Ordering::Relaxed)))
}

// --- strings ----------------------------------------------------------------------

/// A Java String (declared `String` on the Java side, so only null needs a check).
pub(crate) fn string(env: &mut JNIEnv, value: &JString) -> JniResult<String> {
    if value.is_null() {
        return fail(ErrorCode::NullPointer, "a string argument was null");
    }
    Ok(unsafe { env.get_string_unchecked(value) }?.into())
}

pub(crate) fn optional_string(env: &mut JNIEnv, value: &JString) -> JniResult<Option<String>> {
    if value.is_null() {
        Ok(None)
    } else {
        string(env, value).map(Some)
    }
}

pub(crate) fn new_string(env: &mut JNIEnv, value: &str) -> JniResult<jobject> {
    Ok(env.new_string(value)?.into_raw())
}

/// The crate's version: the Java side refuses a JNI library of another version
/// (`ABI_MISMATCH`).
#[no_mangle]
pub extern "system" fn Java_dev_onyx_Native_version<'l>(mut env: JNIEnv<'l>, _class: JObject<'l>) -> jobject {
    entry(&mut env, |env| new_string(env, env!("CARGO_PKG_VERSION")))
}

// --- threads that call into Java -------------------------------------------------------

/// The JNIEnv of this thread, attaching it to the JVM first if it is a native thread
/// (one of onyx-core's workers, or one of ONNX Runtime's). A native thread is attached
/// as a daemon, so it never keeps the JVM from exiting, and stays attached until it
/// ends (jni detaches it then); the Java thread takes the native thread's name
/// (`onyx-worker-N`) so thread dumps tell them apart. None when the JVM cannot take
/// the thread (it is shutting down).
pub(crate) fn attach(vm: &JavaVM) -> Option<JNIEnv<'_>> {
    if let Ok(env) = vm.get_env() {
        return Some(env);
    }
    let mut env = vm.attach_current_thread_as_daemon().ok()?;
    if let Some(name) = std::thread::current().name() {
        let named = env.with_local_frame(4, |env| -> jni::errors::Result<()> {
            let thread = env.call_static_method("java/lang/Thread", "currentThread", "()Ljava/lang/Thread;", &[])?.l()?;
            let name = env.new_string(name)?;
            env.call_method(&thread, "setName", "(Ljava/lang/String;)V", &[JValue::Object(&name)])?;
            Ok(())
        });
        if named.is_err() && env.exception_check().unwrap_or(false) {
            let _ = env.exception_clear();
        }
    }
    Some(env)
}
