//! Java arrays and direct buffers, to and from Rust.

use jni::{
    objects::{JByteBuffer, JIntArray, JLongArray, JObject, JObjectArray, JString},
    sys::{jint, jlong, jobject, JNI_ABORT},
    JNIEnv,
};
use onyx_core::ErrorCode;

use crate::{fail, JniResult};

pub(crate) fn longs(env: &mut JNIEnv, array: &JLongArray) -> JniResult<Vec<i64>> {
    if array.is_null() {
        return fail(ErrorCode::NullPointer, "a long[] argument was null");
    }
    let mut values = vec![0; env.get_array_length(array)? as usize];
    env.get_long_array_region(array, 0, &mut values)?;
    Ok(values)
}

pub(crate) fn ints(env: &mut JNIEnv, array: &JIntArray) -> JniResult<Vec<i32>> {
    if array.is_null() {
        return fail(ErrorCode::NullPointer, "an int[] argument was null");
    }
    let mut values = vec![0; env.get_array_length(array)? as usize];
    env.get_int_array_region(array, 0, &mut values)?;
    Ok(values)
}

pub(crate) fn new_longs(env: &mut JNIEnv, values: &[i64]) -> JniResult<jobject> {
    let array = env.new_long_array(values.len() as jint)?;
    env.set_long_array_region(&array, 0, values)?;
    Ok(array.into_raw())
}

/// A `String[]` (null is an empty list: "none given").
pub(crate) fn strings(env: &mut JNIEnv, array: &JObjectArray) -> JniResult<Vec<String>> {
    if array.is_null() {
        return Ok(Vec::new());
    }
    let length = env.get_array_length(array)?;
    (0..length).map(|i| string_at(env, array, i)).collect()
}

pub(crate) fn string_at(env: &mut JNIEnv, array: &JObjectArray, index: jint) -> JniResult<String> {
    let element = JString::from(env.get_object_array_element(array, index)?);
    let value = crate::string(env, &element);
    env.delete_local_ref(element)?;
    value
}

pub(crate) fn new_strings<S: AsRef<str>>(env: &mut JNIEnv, values: &[S]) -> JniResult<jobject> {
    let array = env.new_object_array(values.len() as jint, "java/lang/String", JObject::null())?;
    for (i, value) in values.iter().enumerate() {
        let element = env.new_string(value.as_ref())?;
        env.set_object_array_element(&array, i as jint, &element)?;
        env.delete_local_ref(element)?;
    }
    Ok(array.into_raw())
}

/// Gives `body` the bytes of a Java primitive array (`float[]`, `long[]`, ...) whose
/// elements are `component_size` bytes, without a copy. `body` must not call JNI:
/// the array is pinned in a JNI critical section. `write_back` keeps `body`'s writes.
pub(crate) fn with_primitive_array<R>(
    env: &mut JNIEnv,
    array: &JObject,
    component_size: jint,
    write_back: bool,
    body: impl FnOnce(&mut [u8]) -> R,
) -> JniResult<R> {
    if array.is_null() {
        return fail(ErrorCode::NullPointer, "an array argument was null");
    }
    if !(1..=8).contains(&component_size) {
        return fail(ErrorCode::InvalidArgument, format!("bad array component size {component_size}"));
    }
    let raw = env.get_native_interface();
    // SAFETY: the Java side passes only primitive arrays here (Native.java's callers
    // are typed overloads); every pointer comes from the JVM and is released below.
    unsafe {
        let functions = &**raw;
        let (Some(length_of), Some(pin), Some(unpin)) =
            (functions.GetArrayLength, functions.GetPrimitiveArrayCritical, functions.ReleasePrimitiveArrayCritical)
        else {
            return fail(ErrorCode::RuntimeError, "the JVM lacks array functions");
        };
        let length = length_of(raw, array.as_raw()) as usize;
        let data = pin(raw, array.as_raw(), std::ptr::null_mut());
        if data.is_null() {
            return Err(jni::errors::Error::JavaException.into()); // OutOfMemoryError pending
        }
        // Unpin even if `body` panics.
        struct Unpin<F: FnMut()>(F);
        impl<F: FnMut()> Drop for Unpin<F> {
            fn drop(&mut self) {
                (self.0)()
            }
        }
        let mode = if write_back { 0 } else { JNI_ABORT };
        let _unpin = Unpin(|| unpin(raw, array.as_raw(), data, mode));
        let bytes = std::slice::from_raw_parts_mut(data.cast::<u8>(), length * component_size as usize);
        Ok(body(bytes))
    }
}

/// The address of `byte_length` bytes starting `byte_offset` bytes into a direct
/// buffer of `component_size`-byte elements, checked against its capacity. `what`
/// names the call for the heap-buffer message.
pub(crate) fn direct_buffer(
    env: &mut JNIEnv,
    buffer: &JObject,
    byte_offset: jlong,
    byte_length: jlong,
    component_size: jint,
    what: &str,
) -> JniResult<*mut u8> {
    if buffer.is_null() {
        return fail(ErrorCode::NullPointer, "the buffer was null");
    }
    // GetDirectBufferAddress accepts any java.nio.Buffer; jni-rs only types it for ByteBuffer.
    let buffer = unsafe { JByteBuffer::from_raw(buffer.as_raw()) };
    let Ok(base) = env.get_direct_buffer_address(&buffer) else {
        return fail(
            ErrorCode::InvalidArgument,
            format!("{what} needs a direct buffer (ByteBuffer.allocateDirect); this one is a heap buffer, whose memory the JVM may move: copy it with Tensor.copy"),
        );
    };
    let capacity = env.get_direct_buffer_capacity(&buffer)? as i64 * component_size as i64;
    let end = byte_offset.checked_add(byte_length);
    if byte_offset < 0 || byte_length < 0 || end.is_none_or(|end| end > capacity) {
        return fail(
            ErrorCode::InvalidArgument,
            format!("bytes {byte_offset}..{} lie outside the buffer's {capacity} bytes", byte_offset.saturating_add(byte_length)),
        );
    }
    Ok(unsafe { base.add(byte_offset as usize) })
}

#[no_mangle]
pub extern "system" fn Java_dev_onyx_Native_bufferAddress<'l>(mut env: JNIEnv<'l>, _class: JObject<'l>, buffer: JObject<'l>) -> jlong {
    crate::entry(&mut env, |env| Ok(direct_buffer(env, &buffer, 0, 0, 1, "bufferAddress")? as jlong))
}
