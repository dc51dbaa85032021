use std::ptr::NonNull;

use crate::{ort_call, value_info::describe_dims, Element, ElementType, Error, ErrorCode, Result, Runtime};

/// A dense tensor in CPU memory: numbers (raw bits for the 8-, 4- and 2-bit types) or
/// UTF-8 strings.
///
/// A numeric tensor's data either belongs to the tensor (a copy, or an output ONNX
/// Runtime allocated) or is borrowed from the caller without a copy. A string tensor
/// always holds copies of its strings (ONNX Runtime keeps its own, too). Tensors are not
/// synchronised: share them read-only, or hand them from thread to thread.
pub struct Tensor {
    value: NonNull<ort_sys::OrtValue>,
    element_type: ElementType,
    shape: Vec<i64>,
    element_count: usize,
    data: *mut u8,
    byte_len: usize,
    /// The elements of a string tensor (empty for the other types).
    strings: Vec<String>,
    // Kept only so the memory outlives `value`; dropped after `Drop::drop` released it.
    _storage: Storage,
}

enum Storage {
    /// The caller keeps the memory alive until the tensor is dropped.
    Borrowed,
    /// u64 words keep the data 8-byte aligned for every element type.
    Owned(#[allow(dead_code)] Vec<u64>),
    /// ONNX Runtime allocated the data; it goes with the OrtValue.
    Runtime,
}

// The tensor owns its OrtValue; `&Tensor` only reads (ONNX Runtime reads inputs
// concurrently), writing needs `&mut Tensor`.
unsafe impl Send for Tensor {}
unsafe impl Sync for Tensor {}

impl Tensor {
    /// A zero-filled tensor owning its data (for strings: empty strings).
    pub fn zeros(element_type: ElementType, shape: &[i64]) -> Result<Tensor> {
        if element_type == ElementType::String {
            let count = element_count(shape)?;
            let mut empty = Vec::new();
            empty.try_reserve_exact(count).map_err(|_| Self::allocation_failed(element_type, shape, count.saturating_mul(std::mem::size_of::<String>())))?;
            empty.resize(count, String::new());
            return Self::string_tensor(shape, empty);
        }
        let byte_len = byte_len(element_type, shape)?;
        let mut words = zeroed_words(byte_len.div_ceil(8)).ok_or_else(|| Self::allocation_failed(element_type, shape, byte_len))?;
        let data = words.as_mut_ptr().cast::<u8>();
        unsafe { Self::create(element_type, shape, data, byte_len, Storage::Owned(words)) }
    }

    /// The bytes a tensor of `element_type` and `shape` holds; INVALID_ARGUMENT for a
    /// negative dimension or a size that overflows. For bindings that allocate a
    /// tensor's memory themselves (Node's ArrayBuffers).
    pub fn byte_length_for(element_type: ElementType, shape: &[i64]) -> Result<usize> {
        byte_len(element_type, shape)
    }

    /// The OUT_OF_MEMORY error for a tensor whose `byte_len` bytes could not be allocated.
    pub fn allocation_failed(element_type: ElementType, shape: &[i64], byte_len: usize) -> Error {
        Error::new(
            ErrorCode::OutOfMemory,
            format!("tensor {} of {} needs {byte_len} bytes, which could not be allocated", describe_dims(shape, &[]), element_type.name()),
        )
    }

    /// A tensor owning a copy of `bytes` (native-endian elements; the sub-byte types
    /// packed as ONNX packs them, element 0 in the lowest bits).
    pub fn copy_bytes(element_type: ElementType, shape: &[i64], bytes: &[u8]) -> Result<Tensor> {
        no_raw_strings(element_type)?;
        check_len(element_type, shape, bytes.len())?;
        let mut tensor = Self::zeros(element_type, shape)?;
        tensor.as_bytes_mut().copy_from_slice(bytes);
        Ok(tensor)
    }

    /// A tensor owning a copy of `values`.
    pub fn copy<T: Element>(shape: &[i64], values: &[T]) -> Result<Tensor> {
        let bytes = unsafe { std::slice::from_raw_parts(values.as_ptr().cast::<u8>(), std::mem::size_of_val(values)) };
        Self::copy_bytes(T::TYPE, shape, bytes)
    }

    /// A tensor over caller memory, without a copy (it reads, and as a `run_into`
    /// output writes, `data` in place).
    ///
    /// # Safety
    /// `data` must point to `byte_length` bytes, aligned for `element_type`, that stay
    /// valid (and are not written by others during runs) until the tensor is dropped.
    pub unsafe fn borrow(element_type: ElementType, shape: &[i64], data: *mut u8, byte_length: usize) -> Result<Tensor> {
        no_raw_strings(element_type)?;
        check_len(element_type, shape, byte_length)?;
        // An empty tensor reads nothing: any pointer (NULL too) will do, and it is the one
        // reported back; ONNX Runtime gets an aligned dangling one.
        if byte_length == 0 {
            let mut tensor = unsafe { Self::create(element_type, shape, NonNull::<u64>::dangling().as_ptr().cast(), 0, Storage::Borrowed) }?;
            tensor.data = data;
            return Ok(tensor);
        }
        if data.is_null() {
            return Err(Error::new(ErrorCode::NullPointer, "tensor data is NULL but the shape needs data"));
        }
        if !(data as usize).is_multiple_of(element_type.alignment()) {
            return Err(Error::new(
                ErrorCode::InvalidArgument,
                format!("tensor data at {data:p} is not aligned to {} bytes for {} elements", element_type.alignment(), element_type.name()),
            ));
        }
        unsafe { Self::create(element_type, shape, data, byte_length, Storage::Borrowed) }
    }

    unsafe fn create(element_type: ElementType, shape: &[i64], data: *mut u8, byte_len: usize, storage: Storage) -> Result<Tensor> {
        let runtime = Runtime::get()?;
        let mut value = std::ptr::null_mut();
        ort_call::check(
            unsafe {
                (ort_call::api().CreateTensorWithDataAsOrtValue)(
                    runtime.cpu_memory(),
                    data.cast(),
                    byte_len,
                    shape.as_ptr(),
                    shape.len(),
                    element_type.to_sys(),
                    &mut value,
                )
            },
            ErrorCode::RuntimeError,
            "creating a tensor",
        )?;
        let value = NonNull::new(value).ok_or_else(|| Error::new(ErrorCode::RuntimeError, "ONNX Runtime returned no tensor"))?;
        let element_count = element_count(shape)?;
        Ok(Tensor { value, element_type, shape: shape.to_vec(), element_count, data, byte_len, strings: Vec::new(), _storage: storage })
    }

    /// A string tensor holding copies of `strings` (C order; one per element).
    pub fn from_strings<S: AsRef<str>>(shape: &[i64], strings: &[S]) -> Result<Tensor> {
        let count = element_count(shape)?;
        check_string_count(shape, count, strings.len())?;
        let mut owned = Vec::new();
        owned.try_reserve_exact(count).map_err(|_| Self::allocation_failed(ElementType::String, shape, count.saturating_mul(std::mem::size_of::<String>())))?;
        owned.extend(strings.iter().map(|s| s.as_ref().to_owned()));
        Self::string_tensor(shape, owned)
    }

    /// A string tensor from UTF-8 bytes, one slice per element: INVALID_UTF8 naming the
    /// first element that is not valid UTF-8 (for bindings whose strings are bytes).
    pub fn from_utf8(shape: &[i64], strings: &[&[u8]]) -> Result<Tensor> {
        let count = element_count(shape)?;
        check_string_count(shape, count, strings.len())?;
        let mut owned = Vec::new();
        owned.try_reserve_exact(count).map_err(|_| Self::allocation_failed(ElementType::String, shape, count.saturating_mul(std::mem::size_of::<String>())))?;
        for (i, bytes) in strings.iter().enumerate() {
            let text = std::str::from_utf8(bytes).map_err(|e| {
                Error::new(ErrorCode::InvalidUtf8, format!("string tensor element {i} is not valid UTF-8 (byte {} of {})", e.valid_up_to(), bytes.len()))
            })?;
            owned.push(text.to_owned());
        }
        Self::string_tensor(shape, owned)
    }

    fn string_tensor(shape: &[i64], strings: Vec<String>) -> Result<Tensor> {
        Runtime::get()?;
        let api = ort_call::api();
        let mut allocator = std::ptr::null_mut();
        ort_call::check(unsafe { (api.GetAllocatorWithDefaultOptions)(&mut allocator) }, ErrorCode::RuntimeError, "getting ONNX Runtime's allocator")?;
        let mut value = std::ptr::null_mut();
        ort_call::check(
            unsafe { (api.CreateTensorAsOrtValue)(allocator, shape.as_ptr(), shape.len(), ElementType::String.to_sys(), &mut value) },
            ErrorCode::RuntimeError,
            "creating a string tensor",
        )?;
        let value = NonNull::new(value).ok_or_else(|| Error::new(ErrorCode::RuntimeError, "ONNX Runtime returned no tensor"))?;
        let tensor = Tensor {
            value,
            element_type: ElementType::String,
            shape: shape.to_vec(),
            element_count: strings.len(),
            data: std::ptr::null_mut(),
            byte_len: 0,
            strings,
            _storage: Storage::Runtime,
        };
        // Byte buffers sized per element, so a string may hold any UTF-8, NUL included.
        for (i, text) in tensor.strings.iter().enumerate() {
            let mut buffer = std::ptr::null_mut();
            ort_call::check(
                unsafe { (api.GetResizedStringTensorElementBuffer)(value.as_ptr(), i, text.len(), &mut buffer) },
                ErrorCode::OutOfMemory,
                "storing a string tensor element",
            )?;
            if !text.is_empty() {
                unsafe { std::ptr::copy_nonoverlapping(text.as_ptr(), buffer.cast::<u8>(), text.len()) };
            }
        }
        Ok(tensor)
    }

    /// The elements of a string tensor, in C order; TYPE_MISMATCH for another type.
    pub fn strings(&self) -> Result<&[String]> {
        self.expect_element_type(ElementType::String)?;
        Ok(&self.strings)
    }

    /// Takes ownership of an OrtValue that ONNX Runtime allocated (a run's output).
    pub(crate) unsafe fn from_runtime_value(value: NonNull<ort_sys::OrtValue>) -> Result<Tensor> {
        // Own it first so any failure below still releases it.
        let release = ReleaseOnDrop(value);
        let tensor = unsafe { Self::view_runtime_value(value) }?;
        std::mem::forget(release);
        Ok(tensor)
    }

    /// A tensor over an OrtValue ONNX Runtime keeps owning (an operator kernel's input or
    /// output): it must end with `end_lent`, never be dropped.
    pub(crate) unsafe fn view_runtime_value(value: NonNull<ort_sys::OrtValue>) -> Result<Tensor> {
        let api = ort_call::api();
        let mut info = std::ptr::null_mut();
        ort_call::check(unsafe { (api.GetTensorTypeAndShape)(value.as_ptr(), &mut info) }, ErrorCode::RuntimeError, "reading an output's type")?;
        let (raw_type, shape) = unsafe {
            let mut raw_type = ort_sys::ONNXTensorElementDataType::ONNX_TENSOR_ELEMENT_DATA_TYPE_UNDEFINED;
            let mut rank = 0usize;
            let results = [
                (api.GetTensorElementType)(info, &mut raw_type),
                (api.GetDimensionsCount)(info, &mut rank),
            ];
            let mut shape = vec![0i64; rank];
            let dims = (api.GetDimensions)(info, shape.as_mut_ptr(), rank);
            (api.ReleaseTensorTypeAndShapeInfo)(info);
            for status in results.into_iter().chain([dims]) {
                ort_call::check(status, ErrorCode::RuntimeError, "reading an output's shape")?;
            }
            (raw_type, shape)
        };
        let element_type = ElementType::from_sys(raw_type)
            .map_err(|_| Error::new(ErrorCode::RuntimeError, format!("the model produced an output of ONNX type {}, which Onyx does not support yet", crate::element::onnx_number_of(raw_type))))?;
        let element_count = element_count(&shape)?;
        if element_type == ElementType::String {
            let strings = unsafe { read_strings(value, element_count) }?;
            return Ok(Tensor { value, element_type, shape, element_count, data: std::ptr::null_mut(), byte_len: 0, strings, _storage: Storage::Runtime });
        }
        let byte_len = byte_len(element_type, &shape)?;
        let mut data = std::ptr::null_mut();
        ort_call::check(unsafe { (api.GetTensorMutableData)(value.as_ptr(), &mut data) }, ErrorCode::RuntimeError, "reading an output's data")?;
        Ok(Tensor { value, element_type, shape, element_count, data: data.cast(), byte_len, strings: Vec::new(), _storage: Storage::Runtime })
    }

    /// Ends a tensor lent by ONNX Runtime (`KernelContext::input_lent`) without releasing
    /// its OrtValue.
    ///
    /// # Safety
    /// Only for such a tensor: any other would leak.
    pub unsafe fn end_lent(self) {
        let mut this = std::mem::ManuallyDrop::new(self);
        // Everything but the OrtValue is the tensor's own.
        unsafe {
            std::ptr::drop_in_place(&mut this.shape);
            std::ptr::drop_in_place(&mut this.strings);
            std::ptr::drop_in_place(&mut this._storage);
        }
    }

    pub fn element_type(&self) -> ElementType {
        self.element_type
    }

    pub fn shape(&self) -> &[i64] {
        &self.shape
    }

    pub fn element_count(&self) -> usize {
        self.element_count
    }

    /// Bytes of raw data; 0 for a string tensor, which has none.
    pub fn byte_length(&self) -> usize {
        self.byte_len
    }

    /// Address of the first element: the caller's own pointer for a borrowed tensor;
    /// NULL for a string tensor.
    pub fn data_ptr(&self) -> *const u8 {
        self.data
    }

    pub fn data_ptr_mut(&mut self) -> *mut u8 {
        self.data
    }

    pub fn as_bytes(&self) -> &[u8] {
        if self.byte_len == 0 {
            return &[]; // `data` may be NULL or unaligned (see `borrow`)
        }
        unsafe { std::slice::from_raw_parts(self.data, self.byte_len) }
    }

    pub fn as_bytes_mut(&mut self) -> &mut [u8] {
        if self.byte_len == 0 {
            return &mut [];
        }
        unsafe { std::slice::from_raw_parts_mut(self.data, self.byte_len) }
    }

    /// The elements as `T`; `TYPE_MISMATCH` when `T` is not the element type.
    pub fn as_slice<T: Element>(&self) -> Result<&[T]> {
        self.expect_type::<T>()?;
        if self.byte_len == 0 {
            return Ok(&[]); // ONNX Runtime gives NULL data for an empty output
        }
        Ok(unsafe { std::slice::from_raw_parts(self.data.cast::<T>(), self.element_count()) })
    }

    pub fn as_mut_slice<T: Element>(&mut self) -> Result<&mut [T]> {
        self.expect_type::<T>()?;
        if self.byte_len == 0 {
            return Ok(&mut []);
        }
        Ok(unsafe { std::slice::from_raw_parts_mut(self.data.cast::<T>(), self.element_count()) })
    }

    /// The element type check of a typed view; for `bool`, also that every byte is 0 or
    /// 1 (a caller's bytes or a pass-through operator can hold others, and a Rust `bool`
    /// may not): INVALID_ARGUMENT naming the first that is not.
    fn expect_type<T: Element>(&self) -> Result<()> {
        self.expect_element_type(T::TYPE)?;
        if T::TYPE == ElementType::Bool {
            if let Some((i, b)) = self.as_bytes().iter().enumerate().find(|(_, b)| **b > 1) {
                return Err(Error::new(ErrorCode::InvalidArgument, format!("tensor element {i} holds byte {b}, which is not a bool (0 or 1)")));
            }
        }
        Ok(())
    }

    /// `TYPE_MISMATCH` unless the tensor holds `wanted` elements: the one rule every
    /// binding's typed read goes through.
    pub fn expect_element_type(&self, wanted: ElementType) -> Result<()> {
        Self::check_element_type(self.element_type, wanted)
    }

    /// TYPE_MISMATCH for a string tensor, which has no raw data: the rule for every read
    /// of a tensor's bytes (its strings are read with `strings`).
    pub fn check_raw_data(held: ElementType) -> Result<()> {
        match held {
            ElementType::String => Err(Error::new(ErrorCode::TypeMismatch, "a string tensor has no raw data: read its strings")),
            _ => Ok(()),
        }
    }

    /// TYPE_MISMATCH unless a tensor holding `held` elements may be read as `wanted`.
    pub fn check_element_type(held: ElementType, wanted: ElementType) -> Result<()> {
        if wanted != held {
            return Err(Error::new(ErrorCode::TypeMismatch, format!("tensor holds {} elements, not {}", held.name(), wanted.name())));
        }
        Ok(())
    }

    pub(crate) fn ort_value(&self) -> *mut ort_sys::OrtValue {
        self.value.as_ptr()
    }

    pub(crate) fn describe(&self) -> String {
        describe_dims(&self.shape, &[])
    }
}

impl Drop for Tensor {
    fn drop(&mut self) {
        unsafe { (ort_call::api().ReleaseValue)(self.value.as_ptr()) };
    }
}

impl std::fmt::Debug for Tensor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Tensor({} {})", self.element_type.name(), self.describe())
    }
}

struct ReleaseOnDrop(NonNull<ort_sys::OrtValue>);
impl Drop for ReleaseOnDrop {
    fn drop(&mut self) {
        unsafe { (ort_call::api().ReleaseValue)(self.0.as_ptr()) };
    }
}

/// Number of elements a shape holds, checking for negative dims and overflow.
pub(crate) fn element_count(shape: &[i64]) -> Result<usize> {
    // The product of the non-zero dimensions must fit whatever the order: [0, 2^62, 2^62]
    // is refused like [2^62, 2^62, 0] (ONNX Runtime multiplies them out too).
    let mut product: usize = 1;
    let mut empty = false;
    for (i, &dim) in shape.iter().enumerate() {
        if dim < 0 {
            return Err(Error::new(
                ErrorCode::InvalidArgument,
                format!("tensor shape {} has dimension {i} = {dim}; dimensions must be 0 or more", describe_dims(shape, &[])),
            ));
        }
        if dim == 0 {
            empty = true;
            continue;
        }
        product = product
            .checked_mul(dim as usize)
            .ok_or_else(|| Error::new(ErrorCode::InvalidArgument, format!("tensor shape {} is too large", describe_dims(shape, &[]))))?;
    }
    Ok(if empty { 0 } else { product })
}

/// `count` zeroed u64 words, or None when the allocator refuses: sizes come from
/// callers and models, so a refusal is an error, not the abort `vec!` would make.
/// calloc underneath, so untouched pages of a large tensor cost nothing yet.
fn zeroed_words(count: usize) -> Option<Vec<u64>> {
    if count == 0 {
        return Some(Vec::new());
    }
    let layout = std::alloc::Layout::array::<u64>(count).ok()?;
    let ptr = unsafe { std::alloc::alloc_zeroed(layout) }.cast::<u64>();
    if ptr.is_null() {
        return None;
    }
    // Same allocator and layout as a Vec<u64> of `count` elements; zero is a valid u64.
    Some(unsafe { Vec::from_raw_parts(ptr, count, count) })
}

fn byte_len(element_type: ElementType, shape: &[i64]) -> Result<usize> {
    element_type
        .byte_length(element_count(shape)?)
        .ok_or_else(|| Error::new(ErrorCode::InvalidArgument, format!("tensor shape {} is too large", describe_dims(shape, &[]))))
}

fn check_len(element_type: ElementType, shape: &[i64], given: usize) -> Result<()> {
    let needed = byte_len(element_type, shape)?;
    if needed != given && element_type.size() == 0 {
        return Err(Error::new(
            ErrorCode::BufferSizeMismatch,
            format!(
                "buffer of {given} bytes does not match shape {}: its {} {} elements take {needed} bytes ({} bits each, packed)",
                describe_dims(shape, &[]),
                element_count(shape)?,
                element_type.name(),
                element_type.bits()
            ),
        ));
    }
    if needed != given {
        let size = element_type.size();
        let whole = if given.is_multiple_of(size) { format!("{} {} elements", given / size, element_type.name()) } else { "a partial element".into() };
        return Err(Error::new(
            ErrorCode::BufferSizeMismatch,
            format!(
                "buffer of {given} bytes ({whole}) does not match shape {}: it needs {} {} elements ({needed} bytes)",
                describe_dims(shape, &[]),
                needed / size,
                element_type.name()
            ),
        ));
    }
    Ok(())
}

/// String tensors are made from strings, not bytes.
fn no_raw_strings(element_type: ElementType) -> Result<()> {
    match element_type {
        ElementType::String => Err(Error::new(ErrorCode::InvalidArgument, "a string tensor is made from strings (from_strings), not from raw bytes")),
        _ => Ok(()),
    }
}

fn check_string_count(shape: &[i64], count: usize, given: usize) -> Result<()> {
    if count != given {
        return Err(Error::new(
            ErrorCode::BufferSizeMismatch,
            format!("{given} strings do not match shape {}: it needs {count}", describe_dims(shape, &[])),
        ));
    }
    Ok(())
}

/// Copies the `count` strings of a string OrtValue out of ONNX Runtime (fallibly: the
/// sizes come from a model).
unsafe fn read_strings(value: NonNull<ort_sys::OrtValue>, count: usize) -> Result<Vec<String>> {
    let api = ort_call::api();
    let mut total = 0usize;
    ort_call::check(unsafe { (api.GetStringTensorDataLength)(value.as_ptr(), &mut total) }, ErrorCode::RuntimeError, "reading a string tensor's length")?;
    let too_big = || Error::new(ErrorCode::OutOfMemory, format!("a string tensor of {count} elements and {total} bytes could not be allocated"));
    let mut bytes: Vec<u8> = Vec::new();
    bytes.try_reserve_exact(total.max(1)).map_err(|_| too_big())?;
    bytes.resize(total, 0);
    let mut offsets: Vec<usize> = Vec::new();
    offsets.try_reserve_exact(count.max(1)).map_err(|_| too_big())?;
    offsets.resize(count, 0);
    if count > 0 {
        ort_call::check(
            unsafe { (api.GetStringTensorContent)(value.as_ptr(), bytes.as_mut_ptr().cast(), total, offsets.as_mut_ptr(), count) },
            ErrorCode::RuntimeError,
            "reading a string tensor",
        )?;
    }
    let mut strings = Vec::new();
    strings.try_reserve_exact(count).map_err(|_| too_big())?;
    for i in 0..count {
        let end = offsets.get(i + 1).copied().unwrap_or(total);
        let piece = bytes.get(offsets[i]..end).ok_or_else(|| Error::new(ErrorCode::RuntimeError, "ONNX Runtime gave string offsets out of order"))?;
        // A model may make bytes that are not UTF-8; keep them visible rather than fail the run.
        strings.push(String::from_utf8_lossy(piece).into_owned());
    }
    Ok(strings)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn element_count_multiplies_and_refuses_negative_dims() {
        assert_eq!(element_count(&[]).unwrap(), 1, "a scalar holds one element");
        assert_eq!(element_count(&[2, 3, 4]).unwrap(), 24);
        assert_eq!(element_count(&[5, 0, 7]).unwrap(), 0);
        let error = element_count(&[2, -1, 3]).unwrap_err();
        assert_eq!(error.code(), ErrorCode::InvalidArgument);
        assert!(error.message().contains("dimension 1 = -1"), "{}", error.message());
    }

    #[test]
    fn element_count_and_byte_length_overflow_is_an_error() {
        let huge = [i64::MAX, i64::MAX];
        assert_eq!(element_count(&huge).unwrap_err().code(), ErrorCode::InvalidArgument);
        // Fits as a count, overflows once multiplied by the element size.
        let count = i64::MAX;
        assert!(element_count(&[count]).is_ok());
        let error = byte_len(ElementType::Float32, &[count]).unwrap_err();
        assert!(error.message().contains("too large"), "{}", error.message());
    }

    #[test]
    fn typed_views_of_empty_and_of_non_bool_bytes() {
        let empty = unsafe { Tensor::borrow(ElementType::Float32, &[0], std::ptr::null_mut(), 0) };
        if let Ok(empty) = empty {
            // Needs a loaded ONNX Runtime; the suite's tests cover it when one is.
            assert!(empty.as_slice::<f32>().unwrap().is_empty());
        }
        if let Ok(t) = Tensor::copy_bytes(ElementType::Bool, &[2], &[1, 2]) {
            let e = t.as_slice::<bool>().unwrap_err();
            assert_eq!(e.code(), ErrorCode::InvalidArgument);
            assert!(e.message().contains("element 1 holds byte 2"), "{}", e.message());
        }
    }

    #[test]
    fn overflow_is_refused_whatever_the_order_of_the_dimensions() {
        let big = 1i64 << 62;
        for shape in [[big, big, 0], [0, big, big], [big, 0, big]] {
            let error = element_count(&shape).unwrap_err();
            assert_eq!(error.code(), ErrorCode::InvalidArgument, "{shape:?}");
        }
        assert_eq!(element_count(&[0, big]).unwrap(), 0);
    }

    #[test]
    fn zeroed_words_are_zero_and_a_refused_size_is_none() {
        assert_eq!(zeroed_words(3).unwrap(), vec![0, 0, 0]);
        assert!(zeroed_words(0).unwrap().is_empty());
        assert!(zeroed_words(usize::MAX / 8).is_none(), "more than isize::MAX bytes");
    }

    #[test]
    fn buffer_length_mismatch_names_both_sizes() {
        let error = check_len(ElementType::Float32, &[1, 3, 224, 224], 4000).unwrap_err();
        assert_eq!(error.code(), ErrorCode::BufferSizeMismatch);
        for text in ["4000 bytes", "1000 float elements", "150528 float elements", "602112 bytes"] {
            assert!(error.message().contains(text), "{} lacks {text}", error.message());
        }
        let error = check_len(ElementType::Float32, &[2], 7).unwrap_err();
        assert!(error.message().contains("a partial element"), "{}", error.message());
        assert!(check_len(ElementType::Int64, &[2], 16).is_ok());
    }
}
