//! `SharedWeights`: a group of sessions that share the weights of each model they load.
//! A handle is a boxed onyx-core `SharedWeights` (an `Arc` inside: each session made with
//! it holds what it uses, so freeing the handle while they live is safe).

use jni::{objects::JObject, sys::jlong, JNIEnv};
use onyx_core::SharedWeights;

use crate::{borrow, entry, into_handle};

#[no_mangle]
pub extern "system" fn Java_dev_onyx_Native_sharedWeightsNew<'l>(mut env: JNIEnv<'l>, _class: JObject<'l>) -> jlong {
    entry(&mut env, |_| Ok(into_handle(SharedWeights::new()?)))
}

/// How many models the group holds weights of now (those with a live session).
#[no_mangle]
pub extern "system" fn Java_dev_onyx_Native_sharedWeightsModelCount<'l>(mut env: JNIEnv<'l>, _class: JObject<'l>, handle: jlong) -> jlong {
    entry(&mut env, |_| Ok(jlong::try_from(unsafe { borrow::<SharedWeights>(handle) }?.model_count()).unwrap_or(jlong::MAX)))
}

/// The bytes of weights the group holds now, each counted once.
#[no_mangle]
pub extern "system" fn Java_dev_onyx_Native_sharedWeightsByteLength<'l>(mut env: JNIEnv<'l>, _class: JObject<'l>, handle: jlong) -> jlong {
    entry(&mut env, |_| Ok(jlong::try_from(unsafe { borrow::<SharedWeights>(handle) }?.byte_length()).unwrap_or(jlong::MAX)))
}

crate::free_function!(Java_dev_onyx_Native_sharedWeightsFree, SharedWeights);

/// The group a session is created with: none for handle 0 (core's options take a clone,
/// the same group).
///
/// # Safety
/// As [`borrow`]: the Java side holds the group's handle during the call.
pub(crate) unsafe fn group<'a>(handle: jlong) -> crate::JniResult<Option<&'a SharedWeights>> {
    if handle == 0 {
        return Ok(None);
    }
    Ok(Some(unsafe { borrow::<SharedWeights>(handle) }?))
}
