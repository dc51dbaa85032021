use std::ffi::c_void;

use onyx_core::{ElementType, Tensor};

use crate::status::{array, check_out, guard, non_null, write_out, onyx_status};

/// A dense CPU tensor. Not synchronised: one thread writes at a time; several
/// threads may read it (including as a run input) at once.
pub struct onyx_tensor {
    pub(crate) inner: Tensor,
}

pub(crate) fn onyx_tensor_of(tensor: Tensor) -> onyx_tensor {
    onyx_tensor { inner: tensor }
}

pub(crate) fn boxed(tensor: Tensor) -> *mut onyx_tensor {
    onyx_boundary::into_raw(onyx_tensor { inner: tensor })
}

fn dims<'a>(shape: *const i64, rank: usize) -> onyx_core::Result<&'a [i64]> {
    array(shape, rank, "shape")
}

/// Creates a zero-filled tensor that owns its data (for example to receive a
/// run's output). `shape` has `rank` entries, each >= 0; rank 0 is a scalar.
#[no_mangle]
pub extern "C" fn onyx_tensor_create_zeros(element_type: u32, shape: *const i64, rank: usize, out: *mut *mut onyx_tensor) -> *mut onyx_status {
    guard(|| {
        let element_type = ElementType::from_onnx(element_type)?;
        let shape = dims(shape, rank)?;
        check_out(out, "out")?;
        write_out(out, boxed(Tensor::zeros(element_type, shape)?));
        Ok(())
    })
}

/// Creates a tensor holding a copy of `data` (`byte_length` bytes, native-endian
/// elements). `data` is only read during the call.
/// Errors: ONYX_ERROR_BUFFER_SIZE_MISMATCH when `byte_length` is not the shape's size.
#[no_mangle]
pub extern "C" fn onyx_tensor_create_copy(
    element_type: u32,
    shape: *const i64,
    rank: usize,
    data: *const c_void,
    byte_length: usize,
    out: *mut *mut onyx_tensor,
) -> *mut onyx_status {
    guard(|| {
        let element_type = ElementType::from_onnx(element_type)?;
        let shape = dims(shape, rank)?;
        let bytes = array(data.cast::<u8>(), byte_length, "data")?;
        check_out(out, "out")?;
        write_out(out, boxed(Tensor::copy_bytes(element_type, shape, bytes)?));
        Ok(())
    })
}

/// Creates a tensor over the caller's memory, without a copy: the tensor's data
/// pointer is `data`. The caller keeps `data` alive and unchanged while runs use
/// the tensor, and valid until onyx_tensor_free. `data` must be aligned for the
/// element type. Runs may also write into it when the tensor is a run_into output.
#[no_mangle]
pub extern "C" fn onyx_tensor_create_borrowed(
    element_type: u32,
    shape: *const i64,
    rank: usize,
    data: *mut c_void,
    byte_length: usize,
    out: *mut *mut onyx_tensor,
) -> *mut onyx_status {
    guard(|| {
        let element_type = ElementType::from_onnx(element_type)?;
        let shape = dims(shape, rank)?;
        check_out(out, "out")?;
        let tensor = unsafe { Tensor::borrow(element_type, shape, data.cast(), byte_length)? };
        write_out(out, boxed(tensor));
        Ok(())
    })
}

/// Frees a tensor (never the caller memory a borrowed tensor points to). NULL is allowed.
#[no_mangle]
pub extern "C" fn onyx_tensor_free(tensor: *mut onyx_tensor) {
    crate::status::free_handle(tensor)
}

/// Element type (ONYX_ELEMENT_*); 0 if `tensor` is NULL.
#[no_mangle]
pub extern "C" fn onyx_tensor_element_type(tensor: *const onyx_tensor) -> u32 {
    unsafe { tensor.as_ref() }.map_or(0, |t| t.inner.element_type() as u32)
}

/// Number of dimensions; 0 if `tensor` is NULL.
#[no_mangle]
pub extern "C" fn onyx_tensor_rank(tensor: *const onyx_tensor) -> usize {
    unsafe { tensor.as_ref() }.map_or(0, |t| t.inner.shape().len())
}

/// The dimensions (`rank` values). Borrowed: valid until the tensor is freed.
#[no_mangle]
pub extern "C" fn onyx_tensor_shape(tensor: *const onyx_tensor) -> *const i64 {
    unsafe { tensor.as_ref() }.map_or(std::ptr::null(), |t| t.inner.shape().as_ptr())
}

/// Number of elements (product of the dimensions); 0 if `tensor` is NULL.
#[no_mangle]
pub extern "C" fn onyx_tensor_element_count(tensor: *const onyx_tensor) -> usize {
    unsafe { tensor.as_ref() }.map_or(0, |t| t.inner.element_count())
}

/// Size of the data in bytes; 0 if `tensor` is NULL.
#[no_mangle]
pub extern "C" fn onyx_tensor_byte_length(tensor: *const onyx_tensor) -> usize {
    unsafe { tensor.as_ref() }.map_or(0, |t| t.inner.byte_length())
}

/// The data, for reading. For a borrowed tensor this is the caller's pointer.
/// Valid until the tensor is freed; NULL if `tensor` is NULL.
#[no_mangle]
pub extern "C" fn onyx_tensor_data(tensor: *const onyx_tensor) -> *const c_void {
    unsafe { tensor.as_ref() }.map_or(std::ptr::null(), |t| t.inner.data_ptr().cast())
}

/// The data, for writing. Valid until the tensor is freed; NULL if `tensor` is NULL.
#[no_mangle]
pub extern "C" fn onyx_tensor_mutable_data(tensor: *mut onyx_tensor) -> *mut c_void {
    unsafe { tensor.as_mut() }.map_or(std::ptr::null_mut(), |t| t.inner.data_ptr_mut().cast())
}

/// The data, for reading as `element_type` elements: fails with
/// ONYX_ERROR_TYPE_MISMATCH when the tensor holds another type, so a typed read in
/// any language checks the same rule. `*out` is valid until the tensor is freed.
#[no_mangle]
pub extern "C" fn onyx_tensor_data_as(tensor: *const onyx_tensor, element_type: u32, out: *mut *const c_void) -> *mut onyx_status {
    guard(|| {
        let tensor = &non_null(tensor, "tensor")?.inner;
        let wanted = ElementType::from_onnx(element_type)?;
        check_out(out, "out")?;
        tensor.expect_element_type(wanted)?;
        Tensor::check_raw_data(wanted)?;
        write_out(out, tensor.data_ptr().cast());
        Ok(())
    })
}
