//! Values beyond tensors (sequences, maps, optionals), string tensors, and the full
//! ONNX type of a model's inputs and outputs.

use std::ffi::c_char;

use onyx_core::{Error, ErrorCode, Map, Tensor, Value, ValueType};

use crate::{
    session::{onyx_session, onyx_value_info},
    status::{array, check_out, guard, non_null, write_out, onyx_status},
    tensor::{boxed, onyx_tensor},
};

/// An ONNX value: a tensor, a sequence of values, a map or an optional value. Made with
/// the onyx_value_create_* functions or returned by onyx_session_run_values; the
/// caller frees it with onyx_value_free. Not synchronised, like a tensor.
pub struct onyx_value {
    pub(crate) inner: Value,
}

/// The ONNX type of a model input or output (`seq(map(int64,tensor(float)))`, ...), or
/// of what such a type holds. Borrowed from its session.
pub struct onyx_value_type {
    inner: ValueType,
    name: std::ffi::CString,
    item: Option<Box<onyx_value_type>>,
}

impl onyx_value_type {
    pub(crate) fn new(value_type: &ValueType) -> onyx_value_type {
        onyx_value_type {
            inner: value_type.clone(),
            // ONNX notation has no NUL.
            name: std::ffi::CString::new(value_type.to_string()).unwrap_or_default(),
            item: value_type.item().map(|item| Box::new(onyx_value_type::new(item))),
        }
    }

    pub(crate) fn name(&self) -> &std::ffi::CStr {
        &self.name
    }
}

// Items of a value are lent as handles: each handle is its one field, at the same
// address (checked here), so `&Value` can be lent as an onyx_value.
const _: () = {
    assert!(std::mem::offset_of!(onyx_value, inner) == 0 && size_of::<onyx_value>() == size_of::<Value>());
    assert!(std::mem::offset_of!(onyx_tensor, inner) == 0 && size_of::<onyx_tensor>() == size_of::<Tensor>());
};

fn lend_value(value: &Value) -> *const onyx_value {
    (value as *const Value).cast()
}

fn lend_tensor(tensor: &Tensor) -> *const onyx_tensor {
    (tensor as *const Tensor).cast()
}

fn boxed_value(value: Value) -> *mut onyx_value {
    onyx_boundary::into_raw(onyx_value { inner: value })
}

/// Takes a handle the caller gave away: it is freed with this call whatever happens.
fn take<T>(handle: *mut T) -> Option<T> {
    unsafe { onyx_boundary::take(handle) }
}

/// Creates a string tensor holding copies of `count` UTF-8 strings (C order, `count`
/// equal to the shape's element count, ONYX_ERROR_BUFFER_SIZE_MISMATCH otherwise).
/// `lengths[i]` is the byte length of `strings[i]`, which may then hold NUL; with
/// `lengths` NULL each string is NUL-terminated. Invalid UTF-8 fails with
/// ONYX_ERROR_INVALID_UTF8, naming the element.
#[no_mangle]
pub extern "C" fn onyx_tensor_create_strings(
    shape: *const i64,
    rank: usize,
    strings: *const *const c_char,
    lengths: *const usize,
    count: usize,
    out: *mut *mut onyx_tensor,
) -> *mut onyx_status {
    guard(|| {
        let shape = array(shape, rank, "shape")?;
        let pointers = array(strings, count, "strings")?;
        let lengths = if lengths.is_null() { None } else { Some(array(lengths, count, "lengths")?) };
        let mut texts: Vec<&[u8]> = Vec::new();
        texts.try_reserve_exact(count).map_err(|_| Error::new(ErrorCode::OutOfMemory, format!("{count} strings could not be allocated")))?;
        for (i, &pointer) in pointers.iter().enumerate() {
            texts.push(match lengths {
                Some(lengths) => array(pointer.cast::<u8>(), lengths[i], format_args!("strings[{i}]"))?,
                None if pointer.is_null() => return Err(Error::new(ErrorCode::NullPointer, format!("strings[{i}] is NULL"))),
                None => unsafe { std::ffi::CStr::from_ptr(pointer) }.to_bytes(),
            });
        }
        check_out(out, "out")?;
        write_out(out, boxed(Tensor::from_utf8(shape, &texts)?));
        Ok(())
    })
}

/// Element `index` of a string tensor: `*data` points to `*length` bytes of UTF-8, not
/// NUL-terminated, borrowed until the tensor is freed. ONYX_ERROR_TYPE_MISMATCH for a
/// tensor of another type, ONYX_ERROR_INDEX_OUT_OF_RANGE past the end.
#[no_mangle]
pub extern "C" fn onyx_tensor_string(tensor: *const onyx_tensor, index: usize, data: *mut *const c_char, length: *mut usize) -> *mut onyx_status {
    guard(|| {
        let strings = non_null(tensor, "tensor")?.inner.strings()?;
        let text = strings.get(index).ok_or_else(|| {
            Error::new(ErrorCode::IndexOutOfRange, format!("string index {index} is out of range: the tensor holds {}", strings.len()))
        })?;
        check_out(data, "data")?;
        check_out(length, "length")?;
        write_out(data, text.as_ptr().cast());
        write_out(length, text.len());
        Ok(())
    })
}

/// Makes a tensor value. Takes ownership of `tensor`, also on failure: do not free it.
#[no_mangle]
pub extern "C" fn onyx_value_create_tensor(tensor: *mut onyx_tensor, out: *mut *mut onyx_value) -> *mut onyx_status {
    guard(|| {
        let tensor = take(tensor).ok_or_else(|| Error::new(ErrorCode::NullPointer, "tensor is NULL"))?;
        check_out(out, "out")?;
        write_out(out, boxed_value(Value::Tensor(tensor.inner)));
        Ok(())
    })
}

/// Makes a sequence of `count` values (0 for an empty one), all of one type
/// (ONYX_ERROR_TYPE_MISMATCH naming the first that differs). Takes ownership of every
/// item, also on failure: do not free them (only `items` NULL with `count` > 0, an
/// ONYX_ERROR_NULL_POINTER, takes nothing, as there is nothing to take).
#[no_mangle]
pub extern "C" fn onyx_value_create_sequence(items: *const *mut onyx_value, count: usize, out: *mut *mut onyx_value) -> *mut onyx_status {
    guard(|| {
        let handles = array(items, count, "items")?;
        // Take every item first, so none leaks whatever fails below.
        let taken: Vec<Option<onyx_value>> = handles.iter().map(|&h| take(h)).collect();
        let mut values = Vec::with_capacity(count);
        for (i, item) in taken.into_iter().enumerate() {
            values.push(item.ok_or_else(|| Error::new(ErrorCode::NullPointer, format!("items[{i}] is NULL")))?.inner);
        }
        let sequence = Value::sequence(values)?;
        check_out(out, "out")?;
        write_out(out, boxed_value(sequence));
        Ok(())
    })
}

/// Makes a map from a 1-D tensor of keys (integers or strings) and a 1-D tensor of as
/// many values (ONYX_ERROR_INVALID_ARGUMENT when the counts differ). Takes ownership of
/// both tensors, also on failure: do not free them.
#[no_mangle]
pub extern "C" fn onyx_value_create_map(keys: *mut onyx_tensor, values: *mut onyx_tensor, out: *mut *mut onyx_value) -> *mut onyx_status {
    guard(|| {
        let (keys, values) = (take(keys), take(values));
        let keys = keys.ok_or_else(|| Error::new(ErrorCode::NullPointer, "keys is NULL"))?;
        let values = values.ok_or_else(|| Error::new(ErrorCode::NullPointer, "values is NULL"))?;
        let map = Map::new(keys.inner, values.inner)?;
        check_out(out, "out")?;
        write_out(out, boxed_value(Value::Map(map)));
        Ok(())
    })
}

/// Makes an optional value holding `item`, or an absent one when `item` is NULL (an
/// absent optional input is the same as leaving the input out). Takes ownership of
/// `item`, also on failure: do not free it.
#[no_mangle]
pub extern "C" fn onyx_value_create_optional(item: *mut onyx_value, out: *mut *mut onyx_value) -> *mut onyx_status {
    guard(|| {
        let item = take(item).map(|v| Box::new(v.inner));
        check_out(out, "out")?;
        write_out(out, boxed_value(Value::Optional(item)));
        Ok(())
    })
}

/// Frees a value and everything it holds. NULL is allowed.
#[no_mangle]
pub extern "C" fn onyx_value_free(value: *mut onyx_value) {
    crate::status::free_handle(value)
}

/// What the value is: ONYX_VALUE_KIND_TENSOR, _SEQUENCE, _MAP or _OPTIONAL; 0 if
/// `value` is NULL.
#[no_mangle]
pub extern "C" fn onyx_value_kind(value: *const onyx_value) -> u32 {
    unsafe { value.as_ref() }.map_or(0, |v| v.inner.kind() as u32)
}

/// The tensor a tensor value is, borrowed until the value is freed;
/// ONYX_ERROR_TYPE_MISMATCH for another kind.
#[no_mangle]
pub extern "C" fn onyx_value_tensor(value: *const onyx_value, out: *mut *const onyx_tensor) -> *mut onyx_status {
    guard(|| {
        let tensor = non_null(value, "value")?.inner.tensor()?;
        check_out(out, "out")?;
        write_out(out, lend_tensor(tensor));
        Ok(())
    })
}

/// Items of a sequence, entries of a map, 1 for a present optional, 0 for an absent
/// one, 1 for a tensor; 0 if `value` is NULL.
#[no_mangle]
pub extern "C" fn onyx_value_count(value: *const onyx_value) -> usize {
    unsafe { value.as_ref() }.map_or(0, |v| match &v.inner {
        Value::Tensor(_) => 1,
        Value::Sequence(items) => items.len(),
        Value::Map(m) => m.len(),
        Value::Optional(item) => item.is_some() as usize,
    })
}

/// Item `index` of a sequence, or the item of a present optional (`index` 0), borrowed
/// until `value` is freed. ONYX_ERROR_INDEX_OUT_OF_RANGE past the end (an absent
/// optional has none), ONYX_ERROR_TYPE_MISMATCH for a tensor or a map (core's "is not a
/// sequence").
#[no_mangle]
pub extern "C" fn onyx_value_item(value: *const onyx_value, index: usize, out: *mut *const onyx_value) -> *mut onyx_status {
    guard(|| {
        let value = &non_null(value, "value")?.inner;
        let items: &[Value] = match value.optional() {
            Ok(item) => item.map_or(&[], std::slice::from_ref),
            Err(_) => value.items()?,
        };
        let item = items.get(index).ok_or_else(|| {
            Error::new(ErrorCode::IndexOutOfRange, format!("item index {index} is out of range: the {} holds {}", value.kind().name(), items.len()))
        })?;
        check_out(out, "out")?;
        write_out(out, lend_value(item));
        Ok(())
    })
}

/// The item of an optional value, borrowed until `value` is freed, or NULL when it is
/// absent; ONYX_ERROR_TYPE_MISMATCH for another kind.
#[no_mangle]
pub extern "C" fn onyx_value_optional(value: *const onyx_value, out: *mut *const onyx_value) -> *mut onyx_status {
    guard(|| {
        let item = non_null(value, "value")?.inner.optional()?;
        check_out(out, "out")?;
        write_out(out, item.map_or(std::ptr::null(), lend_value));
        Ok(())
    })
}

/// The keys (`*keys`) and values (`*values`) of a map, two 1-D tensors of one length,
/// borrowed until `value` is freed; ONYX_ERROR_TYPE_MISMATCH for another kind. Either
/// out-parameter may be NULL.
#[no_mangle]
pub extern "C" fn onyx_value_map(value: *const onyx_value, keys: *mut *const onyx_tensor, values: *mut *const onyx_tensor) -> *mut onyx_status {
    guard(|| {
        let map = non_null(value, "value")?.inner.map()?;
        if !keys.is_null() {
            write_out(keys, lend_tensor(map.keys()));
        }
        if !values.is_null() {
            write_out(values, lend_tensor(map.values()));
        }
        Ok(())
    })
}


/// Runs the model on values of any kind and returns every kind of output: arguments as
/// in onyx_session_run, with values for tensors. A plain tensor input is passed without
/// a copy; ONNX Runtime copies sequences and maps. An absent optional input is the same
/// as leaving it out (ONYX_ERROR_MISSING_INPUT when the model requires the input).
/// On success `outputs[i]` receives a new value the caller frees with onyx_value_free.
#[no_mangle]
pub extern "C" fn onyx_session_run_values(
    session: *const onyx_session,
    run_options: *const crate::run::onyx_run_options,
    input_names: *const *const c_char,
    inputs: *const *const onyx_value,
    input_count: usize,
    output_names: *const *const c_char,
    output_count: usize,
    outputs: *mut *mut onyx_value,
) -> *mut onyx_status {
    guard(|| {
        let session = non_null(session, "session")?;
        let named: Vec<(&str, &Value)> =
            crate::run::named_handles(input_names, inputs, input_count)?.into_iter().map(|(name, value)| (name, &value.inner)).collect();
        let wanted = crate::run::wanted_outputs(session, output_names, output_count)?;
        check_out(outputs, "outputs")?;
        let options = unsafe { run_options.as_ref() }.map(|o| &o.inner);
        let results = session.inner.run_values(&named, wanted.as_deref(), options)?;
        for (i, value) in results.into_iter().enumerate() {
            unsafe { outputs.add(i).write(boxed_value(value)) };
        }
        Ok(())
    })
}

/// The full ONNX type of an input or output, borrowed from the session; NULL if `info`
/// is NULL.
#[no_mangle]
pub extern "C" fn onyx_value_info_type(info: *const onyx_value_info) -> *const onyx_value_type {
    unsafe { info.as_ref() }.map_or(std::ptr::null(), |i| i.value_type() as *const onyx_value_type)
}

/// The type in ONNX's notation ("tensor(float)", "seq(map(int64,tensor(float)))",
/// "optional(tensor(string))"), borrowed from the session; "" if `info` is NULL.
#[no_mangle]
pub extern "C" fn onyx_value_info_type_name(info: *const onyx_value_info) -> *const c_char {
    crate::status::guard_value(c"".as_ptr(), || unsafe { info.as_ref() }.map_or(c"".as_ptr(), |i| i.value_type().name().as_ptr()))
}

/// The type in ONNX's notation ("seq(tensor(float))"), borrowed like `value_type`; "" if
/// `value_type` is NULL.
#[no_mangle]
pub extern "C" fn onyx_value_type_name(value_type: *const onyx_value_type) -> *const c_char {
    unsafe { value_type.as_ref() }.map_or(c"".as_ptr(), |t| t.name.as_ptr())
}

/// ONYX_VALUE_KIND_* of the type; 0 if `value_type` is NULL.
#[no_mangle]
pub extern "C" fn onyx_value_type_kind(value_type: *const onyx_value_type) -> u32 {
    unsafe { value_type.as_ref() }.map_or(0, |t| t.inner.kind() as u32)
}

/// A tensor type's element type (ONNX numbering, also for types Onyx cannot hold), or a
/// map's value element type; 0 for the other kinds or a NULL `value_type`.
#[no_mangle]
pub extern "C" fn onyx_value_type_element_type(value_type: *const onyx_value_type) -> u32 {
    unsafe { value_type.as_ref() }.map_or(0, |t| t.inner.element_type())
}

/// A map type's key element type; 0 for the other kinds or a NULL `value_type`.
#[no_mangle]
pub extern "C" fn onyx_value_type_key_type(value_type: *const onyx_value_type) -> u32 {
    unsafe { value_type.as_ref() }.map_or(0, |t| match &t.inner {
        ValueType::Map { key, .. } => *key,
        _ => 0,
    })
}

/// What a sequence or optional type holds, or a map type's values; NULL for a tensor
/// type or a NULL `value_type`. Borrowed like `value_type`.
#[no_mangle]
pub extern "C" fn onyx_value_type_item(value_type: *const onyx_value_type) -> *const onyx_value_type {
    unsafe { value_type.as_ref() }.and_then(|t| t.item.as_deref()).map_or(std::ptr::null(), |t| t as *const onyx_value_type)
}
