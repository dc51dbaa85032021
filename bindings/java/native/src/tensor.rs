//! `Tensor`: zeros, copies of Java arrays and buffers, borrows of direct buffers; read
//! back into new Java arrays and buffers. Element counts, byte lengths and the
//! element-type rule of a typed read are onyx-core's.

use jni::{
    objects::{JLongArray, JObject},
    sys::{jboolean, jint, jlong, jobject},
    JNIEnv,
};
use onyx_core::{ElementType, ErrorCode, Runtime, Tensor};

use crate::{
    arrays::{direct_buffer, longs, new_longs, with_primitive_array},
    borrow, borrow_mut, entry, fail, into_handle, JniResult,
};

fn element_type(value: jint) -> JniResult<ElementType> {
    Ok(ElementType::from_onnx(value as u32)?)
}

/// The element type a typed read or write asks for; 0 means "the raw bytes, any type".
fn expect(tensor: &Tensor, wanted: jint) -> JniResult<()> {
    if wanted != 0 {
        tensor.expect_element_type(element_type(wanted)?)?;
    }
    Ok(())
}

fn same_length(tensor: &Tensor, given: usize, what: &str) -> JniResult<()> {
    if given != tensor.byte_length() {
        return fail(
            ErrorCode::BufferSizeMismatch,
            format!(
                "{what} of {given} bytes does not match the tensor's {} bytes ({} {} elements)",
                tensor.byte_length(),
                tensor.element_count(),
                tensor.element_type().name()
            ),
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
pub extern "system" fn Java_dev_onyx_Native_tensorCopyArray<'l>(
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
        let tensor = with_primitive_array(env, &array, component_size, false, |bytes| Tensor::copy_bytes(element, &shape, bytes))??;
        Ok(into_handle(tensor))
    })
}

/// A tensor over a direct buffer: `borrow` uses its memory without a copy (the Java
/// tensor keeps a reference to the buffer so the memory lives until the native tensor
/// is freed), else the tensor owns a copy of it. A heap buffer is `INVALID_ARGUMENT`
/// here (the JVM may move it): never a silent copy.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub extern "system" fn Java_dev_onyx_Native_tensorFromBuffer<'l>(
    mut env: JNIEnv<'l>,
    _class: JObject<'l>,
    element: jint,
    shape: JLongArray<'l>,
    buffer: JObject<'l>,
    byte_offset: jlong,
    byte_length: jlong,
    component_size: jint,
    borrow: jboolean,
) -> jlong {
    entry(&mut env, |env| {
        let shape = longs(env, &shape)?;
        let what = if borrow != 0 { "Tensor.borrow" } else { "Tensor.copy" };
        let data = direct_buffer(env, &buffer, byte_offset, byte_length, component_size, what)?;
        let element = element_type(element)?;
        let tensor = if borrow != 0 {
            unsafe { Tensor::borrow(element, &shape, data, byte_length as usize) }?
        } else {
            Tensor::copy_bytes(element, &shape, unsafe { std::slice::from_raw_parts(data, byte_length as usize) })?
        };
        Ok(into_handle(tensor))
    })
}

crate::free_function!(Java_dev_onyx_Native_tensorFree, Tensor);

#[no_mangle]
pub extern "system" fn Java_dev_onyx_Native_tensorElementType<'l>(mut env: JNIEnv<'l>, _class: JObject<'l>, handle: jlong) -> jint {
    entry(&mut env, |_| Ok(unsafe { borrow::<Tensor>(handle) }?.element_type() as jint))
}

#[no_mangle]
pub extern "system" fn Java_dev_onyx_Native_tensorShape<'l>(mut env: JNIEnv<'l>, _class: JObject<'l>, handle: jlong) -> jobject {
    entry(&mut env, |env| new_longs(env, unsafe { borrow::<Tensor>(handle) }?.shape()))
}

#[no_mangle]
pub extern "system" fn Java_dev_onyx_Native_tensorElementCount<'l>(mut env: JNIEnv<'l>, _class: JObject<'l>, handle: jlong) -> jlong {
    entry(&mut env, |_| Ok(unsafe { borrow::<Tensor>(handle) }?.element_count() as jlong))
}

#[no_mangle]
pub extern "system" fn Java_dev_onyx_Native_tensorByteLength<'l>(mut env: JNIEnv<'l>, _class: JObject<'l>, handle: jlong) -> jlong {
    entry(&mut env, |_| Ok(unsafe { borrow::<Tensor>(handle) }?.byte_length() as jlong))
}

#[no_mangle]
pub extern "system" fn Java_dev_onyx_Native_tensorDataAddress<'l>(mut env: JNIEnv<'l>, _class: JObject<'l>, handle: jlong) -> jlong {
    entry(&mut env, |_| Ok(unsafe { borrow::<Tensor>(handle) }?.data_ptr() as jlong))
}

/// The largest Java array (some JVMs reserve a few header words).
const MAX_ARRAY: usize = i32::MAX as usize - 8;

/// A new Java array holding a copy of the tensor, read as `wanted` (onyx-core's
/// `TYPE_MISMATCH` when the tensor holds another type; 0: the raw bytes as `byte[]`).
/// The array's Java type follows the element type: `float[]`, `double[]`, `long[]`
/// (int64, uint64), `int[]` (int32, uint32), `short[]` (the two-byte types),
/// `boolean[]` (bool), `byte[]` (uint8, int8).
#[no_mangle]
pub extern "system" fn Java_dev_onyx_Native_tensorToArray<'l>(mut env: JNIEnv<'l>, _class: JObject<'l>, handle: jlong, wanted: jint) -> jobject {
    entry(&mut env, |env| {
        let tensor = unsafe { borrow::<Tensor>(handle) }?;
        expect(tensor, wanted)?;
        Tensor::check_raw_data(tensor.element_type())?;
        use ElementType as E;
        // The 8-, 4- and 2-bit types are raw bits: their bytes, as for `wanted` 0.
        let typed = match (wanted != 0).then(|| tensor.element_type()) {
            Some(t) if t.size() == 0 || t.name().starts_with("float8") => None,
            other => other,
        };
        let (length, size) = match typed {
            None => (tensor.byte_length(), 1),
            Some(t) => (tensor.element_count(), t.size()),
        };
        if length > MAX_ARRAY {
            return fail(ErrorCode::InvalidArgument, format!("a tensor of {length} elements is too large for a Java array"));
        }
        let n = length as jint;
        let array: JObject = match typed {
            None | Some(E::Uint8 | E::Int8) => env.new_byte_array(n)?.into(),
            Some(E::Bool) => env.new_boolean_array(n)?.into(),
            Some(E::Int16 | E::Uint16 | E::Float16 | E::Bfloat16) => env.new_short_array(n)?.into(),
            Some(E::Float32) => env.new_float_array(n)?.into(),
            Some(E::Int32 | E::Uint32) => env.new_int_array(n)?.into(),
            Some(E::Float64) => env.new_double_array(n)?.into(),
            Some(E::Int64 | E::Uint64) => env.new_long_array(n)?.into(),
            Some(other) => return fail(ErrorCode::TypeMismatch, format!("{} elements have no Java array type", other.name())),
        };
        let source = tensor.as_bytes();
        with_primitive_array(env, &array, size as jint, true, |bytes| bytes.copy_from_slice(source))?;
        Ok(array.into_raw())
    })
}

/// Copies the tensor, read as `wanted` (0: any type), into `byte_length` bytes of a
/// direct buffer, which must be exactly the tensor's byte length.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub extern "system" fn Java_dev_onyx_Native_tensorToBuffer<'l>(
    mut env: JNIEnv<'l>,
    _class: JObject<'l>,
    handle: jlong,
    wanted: jint,
    buffer: JObject<'l>,
    byte_offset: jlong,
    byte_length: jlong,
) {
    entry(&mut env, |env| {
        let tensor = unsafe { borrow::<Tensor>(handle) }?;
        expect(tensor, wanted)?;
        Tensor::check_raw_data(tensor.element_type())?;
        same_length(tensor, byte_length as usize, "buffer")?;
        let data = direct_buffer(env, &buffer, byte_offset, byte_length, 1, "a tensor read")?;
        // The buffer may be the tensor's own memory (a borrowed tensor read back).
        unsafe { std::ptr::copy(tensor.data_ptr(), data, tensor.byte_length()) };
        Ok(())
    })
}

/// Overwrites the tensor's elements, read as `wanted`, from a Java primitive array of
/// exactly the tensor's byte length.
#[no_mangle]
pub extern "system" fn Java_dev_onyx_Native_tensorWriteArray<'l>(
    mut env: JNIEnv<'l>,
    _class: JObject<'l>,
    handle: jlong,
    wanted: jint,
    array: JObject<'l>,
    component_size: jint,
) {
    entry(&mut env, |env| {
        let tensor = unsafe { borrow_mut::<Tensor>(handle) }?;
        expect(tensor, wanted)?;
        with_primitive_array(env, &array, component_size, false, |bytes| {
            same_length(tensor, bytes.len(), "array")?;
            tensor.as_bytes_mut().copy_from_slice(bytes);
            Ok::<_, crate::Failure>(())
        })?
    })
}
