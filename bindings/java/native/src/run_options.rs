//! `RunOptions`: a run's tag and its terminate switch.

use jni::{
    objects::{JObject, JString},
    sys::{jlong, jobject},
    JNIEnv,
};
use onyx_core::RunOptions;

use crate::{borrow, borrow_mut, entry, into_handle, new_string, string};

#[no_mangle]
pub extern "system" fn Java_dev_onyx_Native_runOptionsNew<'l>(mut env: JNIEnv<'l>, _class: JObject<'l>) -> jlong {
    entry(&mut env, |_| Ok(into_handle(RunOptions::new()?)))
}

#[no_mangle]
pub extern "system" fn Java_dev_onyx_Native_runOptionsSetTag<'l>(mut env: JNIEnv<'l>, _class: JObject<'l>, handle: jlong, tag: JString<'l>) {
    entry(&mut env, |env| {
        let tag = string(env, &tag)?;
        Ok(unsafe { borrow_mut::<RunOptions>(handle) }?.set_tag(&tag)?)
    })
}

#[no_mangle]
pub extern "system" fn Java_dev_onyx_Native_runOptionsAddConfigEntry<'l>(mut env: JNIEnv<'l>, _class: JObject<'l>, handle: jlong, key: JString<'l>, value: JString<'l>) {
    entry(&mut env, |env| {
        let (key, value) = (string(env, &key)?, string(env, &value)?);
        Ok(unsafe { borrow_mut::<RunOptions>(handle) }?.add_config_entry(&key, &value)?)
    })
}

/// The tag, read from onyx-core (Java keeps no copy).
#[no_mangle]
pub extern "system" fn Java_dev_onyx_Native_runOptionsTag<'l>(mut env: JNIEnv<'l>, _class: JObject<'l>, handle: jlong) -> jobject {
    entry(&mut env, |env| {
        let tag = unsafe { borrow::<RunOptions>(handle) }?.tag().to_string();
        new_string(env, &tag)
    })
}

/// Safe from any thread, during runs that use these options (the flag is atomic).
#[no_mangle]
pub extern "system" fn Java_dev_onyx_Native_runOptionsTerminate<'l>(mut env: JNIEnv<'l>, _class: JObject<'l>, handle: jlong) {
    entry(&mut env, |_| Ok(unsafe { borrow::<RunOptions>(handle) }?.terminate()?))
}

#[no_mangle]
pub extern "system" fn Java_dev_onyx_Native_runOptionsResetTerminate<'l>(mut env: JNIEnv<'l>, _class: JObject<'l>, handle: jlong) {
    entry(&mut env, |_| Ok(unsafe { borrow::<RunOptions>(handle) }?.reset_terminate()?))
}

crate::free_function!(Java_dev_onyx_Native_runOptionsFree, RunOptions);
