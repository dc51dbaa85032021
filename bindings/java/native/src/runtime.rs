//! `OnyxRuntime`: loading ONNX Runtime and asking what was loaded.

use std::path::Path;

use jni::{
    objects::{JObject, JString},
    sys::{jint, jobject},
    JNIEnv,
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
