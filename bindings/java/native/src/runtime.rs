//! `OnyxRuntime`: loading ONNX Runtime and asking what was loaded.

use std::{path::Path, sync::Arc};

use jni::{
    objects::{GlobalRef, JMethodID, JObject, JString},
    signature::{Primitive, ReturnType},
    sys::{jint, jobject, jvalue},
    JNIEnv, JavaVM,
};
use onyx_core::{LogLevel, Runtime};

use crate::{entry, new_string, optional_string};

#[no_mangle]
pub extern "system" fn Java_dev_onyx_Native_runtimeInit<'l>(mut env: JNIEnv<'l>, _class: JObject<'l>, path: JString<'l>) {
    entry(&mut env, |env| {
        let path = optional_string(env, &path)?;
        Runtime::init(path.as_deref().map(Path::new))?;
        Ok(())
    })
}

#[no_mangle]
pub extern "system" fn Java_dev_onyx_Native_runtimeVersion<'l>(mut env: JNIEnv<'l>, _class: JObject<'l>) -> jobject {
    entry(&mut env, |env| new_string(env, Runtime::get()?.version()))
}

#[no_mangle]
pub extern "system" fn Java_dev_onyx_Native_runtimePath<'l>(mut env: JNIEnv<'l>, _class: JObject<'l>) -> jobject {
    entry(&mut env, |env| new_string(env, &Runtime::get()?.path().to_string_lossy()))
}

#[no_mangle]
pub extern "system" fn Java_dev_onyx_Native_setLogLevel<'l>(mut env: JNIEnv<'l>, _class: JObject<'l>, level: jint) {
    entry(&mut env, |_| {
        Runtime::set_log_level(LogLevel::from_u32(level as u32)?);
        Ok(())
    })
}

/// Sends log lines to `sink` (a `dev.onyx.LogSink`, whose `log(int, String, String)`
/// calls the user's `LogCallback` and catches what it throws), or back to stderr when
/// null. The closure core keeps holds a global reference to the sink: core drops the
/// closure it replaces, which deletes that reference, before this returns.
#[no_mangle]
pub extern "system" fn Java_dev_onyx_Native_setLogCallback<'l>(mut env: JNIEnv<'l>, _class: JObject<'l>, sink: JObject<'l>) {
    entry(&mut env, |env| {
        if sink.is_null() {
            return Ok(Runtime::set_log_callback(None)?);
        }
        let class = env.get_object_class(&sink)?;
        let method = env.get_method_id(&class, "log", "(ILjava/lang/String;Ljava/lang/String;)V")?;
        let target = LogTarget { vm: env.get_java_vm()?, sink: env.new_global_ref(&sink)?, method };
        Runtime::set_log_callback(Some(Arc::new(move |level: LogLevel, category: &str, message: &str| target.log(level, category, message))))?;
        Ok(())
    })
}

struct LogTarget {
    vm: JavaVM,
    sink: GlobalRef,
    /// `LogSink.log`, looked up once; valid while the sink (so its class) is alive.
    method: JMethodID,
}

impl LogTarget {
    /// Called by core on any thread (core catches panics around it). A line that cannot
    /// reach Java (no JVM, an exception already pending on this thread) is dropped.
    fn log(&self, level: LogLevel, category: &str, message: &str) {
        let Some(mut env) = crate::attach(&self.vm) else { return };
        if env.exception_check().unwrap_or(true) {
            return; // this thread is inside a native call that already failed: Java cannot be called
        }
        // One local frame per line: a native thread never returns to Java to free them.
        let _ = env.with_local_frame(4, |env| -> jni::errors::Result<()> {
            let category = env.new_string(category)?;
            let message = env.new_string(message)?;
            let args = [jvalue { i: level as jint }, jvalue { l: category.as_raw() }, jvalue { l: message.as_raw() }];
            // SAFETY: `method` is LogSink.log with exactly these argument types.
            unsafe { env.call_method_unchecked(self.sink.as_obj(), self.method, ReturnType::Primitive(Primitive::Void), &args) }?;
            Ok(())
        });
        if env.exception_check().unwrap_or(false) {
            let _ = env.exception_clear(); // LogSink catches everything; this is a JVM error (OOM): the line is lost
        }
    }
}
