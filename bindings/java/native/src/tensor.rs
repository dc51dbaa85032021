//! `Tensor`: made from Java arrays (a copy) or direct buffers (no copy), read back
//! into arrays and buffers.

use jni::{
    objects::{JLongArray, JObject},
    sys::{jint, jlong, jobject},
    JNIEnv,
};
use onyx_core::{ElementType, ErrorCode, Runtime, Tensor};

use crate::{
    arrays::{direct_buffer, longs, new_longs, with_primitive_array},
    borrow, entry, fail, free, into_handle, JniResult,
};

fn element_type(value: jint) -> JniResult<ElementType> {
    Ok(ElementType::from_onnx(value as u32)?)
}

fn same_length(tensor: &Tensor, given: usize, what: &str) -> JniResult<()> {
    if given != tensor.byte_len() {
        return fail(
            ErrorCode::BufferSizeMismatch,
            format!("{what} of {given} bytes does not match the tensor's {} bytes ({} {} elements)", tensor.byte_len(), tensor.element_count(), tensor.element_type().name()),
        );
    }
    Ok(())
}

#[no_mangle]
pub extern "system" fn Java_dev_onyx_Native_tensorZeros<'l>(mut env: JNIEnv<'l>, _class: JObject<'l>, element: jint, shape: JLongArray<'l>) -> jlong {
    entry(&mut env, |env| {
        let shape = longs(env, &shape)?;
        Ok(into_handle(Tensor::zeros(element_type(element)?, &shape)?))
    })
}

/// A tensor owning a copy of a Java primitive array.
#[no_mangle]
pub extern "system" fn Java_dev_onyx_Native_tensorFromArray<'l>(
    mut env: JNIEnv<'l>,
    _class: JObject<'l>,
    element: jint,
    shape: JLongArray<'l>,
    array: JObject<'l>,
    component_size: jint,
) -> jlong {
    entry(&mut env, |env| {
        let shape = longs(env, &shape)?;
        let element = element_type(element)?;
        Runtime::get()?; // loads ONNX Runtime, if needed, before the array is pinned
        let tensor = with_primitive_array(env, &array, component_size, false, |bytes| Tensor::from_bytes(element, &shape, bytes))??;
        Ok(into_handle(tensor))
    })
}

/// A tensor over a direct buffer's memory, without a copy. The Java tensor keeps a
/// reference to the buffer so the memory lives until the native tensor is freed.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub extern "system" fn Java_dev_onyx_Native_tensorFromBuffer<'l>(
    mut env: JNIEnv<'l>,
    _class: JObject<'l>,
    element: jint,
    shape: JLongArray<'l>,
    buffer: JObject<'l>,
    byte_offset: jlong,
    byte_len: jlong,
    component_size: jint,
) -> jlong {
    entry(&mut env, |env| {
        let shape = longs(env, &shape)?;
        let data = direct_buffer(env, &buffer, byte_offset, byte_len, component_size)?;
        let tensor = unsafe { Tensor::from_raw_parts(element_type(element)?, &shape, data, byte_len as usize) }?;
        Ok(into_handle(tensor))
    })
}

#[no_mangle]
pub extern "system" fn Java_dev_onyx_Native_tensorFree<'l>(mut env: JNIEnv<'l>, _class: JObject<'l>, handle: jlong) {
    entry(&mut env, |_| {
        unsafe { free::<Tensor>(handle) };
        Ok(())
    })
}

#[no_mangle]
pub extern "system" fn Java_dev_onyx_Native_tensorElementType<'l>(mut env: JNIEnv<'l>, _class: JObject<'l>, handle: jlong) -> jint {
    entry(&mut env, |_| Ok(unsafe { borrow::<Tensor>(handle) }?.element_type() as jint))
}

#[no_mangle]
pub extern "system" fn Java_dev_onyx_Native_tensorShape<'l>(mut env: JNIEnv<'l>, _class: JObject<'l>, handle: jlong) -> jobject {
    entry(&mut env, |env| new_longs(env, unsafe { borrow::<Tensor>(handle) }?.shape()))
}

#[no_mangle]
pub extern "system" fn Java_dev_onyx_Native_tensorDataAddress<'l>(mut env: JNIEnv<'l>, _class: JObject<'l>, handle: jlong) -> jlong {
    entry(&mut env, |_| Ok(unsafe { borrow::<Tensor>(handle) }?.data_ptr() as jlong))
}

/// Copies the tensor into a Java primitive array of exactly its size in bytes.
#[no_mangle]
pub extern "system" fn Java_dev_onyx_Native_tensorCopyToArray<'l>(
    mut env: JNIEnv<'l>,
    _class: JObject<'l>,
    handle: jlong,
    array: JObject<'l>,
    component_size: jint,
) {
    entry(&mut env, |env| {
        let tensor = unsafe { borrow::<Tensor>(handle) }?;
        let source = tensor.as_bytes();
        with_primitive_array(env, &array, component_size, true, |bytes| {
            same_length(tensor, bytes.len(), "array")?;
            bytes.copy_from_slice(source);
            Ok::<_, crate::Failure>(())
        })?
    })
}

/// Copies the tensor into `byte_len` bytes of a direct buffer.
#[no_mangle]
pub extern "system" fn Java_dev_onyx_Native_tensorCopyToBuffer<'l>(
    mut env: JNIEnv<'l>,
    _class: JObject<'l>,
    handle: jlong,
    buffer: JObject<'l>,
    byte_offset: jlong,
    byte_len: jlong,
    component_size: jint,
) {
    entry(&mut env, |env| {
        let tensor = unsafe { borrow::<Tensor>(handle) }?;
        same_length(tensor, byte_len as usize, "buffer")?;
        let data = direct_buffer(env, &buffer, byte_offset, byte_len, component_size)?;
        // The buffer may be the tensor's own memory (a zero-copy tensor read back).
        unsafe { std::ptr::copy(tensor.data_ptr(), data, tensor.byte_len()) };
        Ok(())
    })
}

/// Copies a Java primitive array of exactly the tensor's size into the tensor.
#[no_mangle]
pub extern "system" fn Java_dev_onyx_Native_tensorCopyFromArray<'l>(
    mut env: JNIEnv<'l>,
    _class: JObject<'l>,
    handle: jlong,
    array: JObject<'l>,
    component_size: jint,
) {
    entry(&mut env, |env| {
        let tensor = unsafe { crate::borrow_mut::<Tensor>(handle) }?;
        with_primitive_array(env, &array, component_size, false, |bytes| {
            same_length(tensor, bytes.len(), "array")?;
            tensor.as_bytes_mut().copy_from_slice(bytes);
            Ok::<_, crate::Failure>(())
        })?
    })
}

