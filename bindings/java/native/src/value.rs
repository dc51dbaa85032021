//! `Value` (tensors, sequences, maps, optionals), string tensors, `Session.runValues`
//! and the full ONNX type of an input or output: onyx-core's `Value`, `Map`,
//! `Tensor::from_strings` / `from_utf8` / `strings`, `Session::run_values` and
//! `ValueType`, translated.
//!
//! A value handle is a boxed `Value` the Java side owns (`valueFree`), or a part of one
//! lent to Java (an item, an optional's item, a map's keys or values, a tensor value's
//! tensor): the address of that part inside its owner, which Java keeps open while it
//! uses the part (its `NativeState` holds the owner's). Values are never changed once
//! built, so a part never moves. The `value*` builders take the handles they are given
//! (Java closes them without freeing), also when they fail, as the C ABI's do.

use std::sync::Arc;

use jni::{
    objects::{JLongArray, JObject, JObjectArray, JString, JValue},
    sys::{jint, jlong, jobject},
    JNIEnv,
};
use onyx_core::{ErrorCode, Map, RunOptions, Session, Tensor, Value, ValueType};

use crate::{
    arrays::{longs, new_longs, new_strings, strings},
    borrow, entry, fail, into_handle, take, JniResult,
};

/// A Java `String[]` as onyx-core's string tensor: each element copied. Java strings
/// arrive as modified UTF-8; one holding an unpaired surrogate has no UTF-8 form, so it
/// goes to core as those bytes and core reports `INVALID_UTF8` naming the element.
#[no_mangle]
pub extern "system" fn Java_dev_onyx_Native_tensorFromStrings<'l>(mut env: JNIEnv<'l>, _class: JObject<'l>, shape: JLongArray<'l>, texts: JObjectArray<'l>) -> jlong {
    entry(&mut env, |env| {
        let shape = longs(env, &shape)?;
        if texts.is_null() {
            return fail(ErrorCode::NullPointer, "the strings were null");
        }
        let count = env.get_array_length(&texts)?;
        // Ok: the element's text; Err: its modified UTF-8 bytes, which are not UTF-8.
        let mut elements: Vec<Result<String, Vec<u8>>> = Vec::with_capacity(count as usize);
        for i in 0..count {
            let element = JString::from(env.get_object_array_element(&texts, i)?);
            if element.is_null() {
                return fail(ErrorCode::NullPointer, format!("string {i} was null"));
            }
            let java = env.get_string(&element)?;
            let bytes = java.to_bytes();
            elements.push(cesu8::from_java_cesu8(bytes).map(|text| text.into_owned()).map_err(|_| bytes.to_vec()));
            drop(java);
            env.delete_local_ref(element)?;
        }
        let tensor = if elements.iter().all(Result::is_ok) {
            let texts: Vec<&str> = elements.iter().map(|e| e.as_ref().map_or("", String::as_str)).collect();
            Tensor::from_strings(&shape, &texts)?
        } else {
            let bytes: Vec<&[u8]> = elements.iter().map(|e| e.as_ref().map_or_else(|raw| raw.as_slice(), |text| text.as_bytes())).collect();
            Tensor::from_utf8(&shape, &bytes)?
        };
        Ok(into_handle(tensor))
    })
}

/// A string tensor's elements as a new `String[]` (copies); core's `TYPE_MISMATCH` for
/// another element type.
#[no_mangle]
pub extern "system" fn Java_dev_onyx_Native_tensorStrings<'l>(mut env: JNIEnv<'l>, _class: JObject<'l>, handle: jlong) -> jobject {
    entry(&mut env, |env| {
        let tensor = unsafe { borrow::<Tensor>(handle) }?;
        new_strings(env, tensor.strings()?)
    })
}

// --- building values (each takes the handles it is given) ------------------------------

#[no_mangle]
pub extern "system" fn Java_dev_onyx_Native_valueFromTensor<'l>(mut env: JNIEnv<'l>, _class: JObject<'l>, tensor: jlong) -> jlong {
    entry(&mut env, |_| {
        let tensor = unsafe { take::<Tensor>(tensor) }?;
        Ok(into_handle(Value::Tensor(tensor)))
    })
}

/// A sequence of the values `items` (taken, all of them, before anything can fail);
/// core's `TYPE_MISMATCH` naming the first item whose type differs.
#[no_mangle]
pub extern "system" fn Java_dev_onyx_Native_valueSequence<'l>(mut env: JNIEnv<'l>, _class: JObject<'l>, items: JLongArray<'l>) -> jlong {
    entry(&mut env, |env| {
        let handles = longs(env, &items)?;
        let taken: Vec<JniResult<Value>> = handles.iter().map(|&h| unsafe { take::<Value>(h) }).collect();
        let items = taken.into_iter().collect::<JniResult<Vec<Value>>>()?;
        Ok(into_handle(Value::sequence(items)?))
    })
}

/// A map of `keys` and `values` (both taken); core's `INVALID_ARGUMENT` when their
/// counts differ.
#[no_mangle]
pub extern "system" fn Java_dev_onyx_Native_valueMap<'l>(mut env: JNIEnv<'l>, _class: JObject<'l>, keys: jlong, values: jlong) -> jlong {
    entry(&mut env, |_| {
        let (keys, values) = (unsafe { take::<Tensor>(keys) }, unsafe { take::<Tensor>(values) });
        Ok(into_handle(Value::Map(Map::new(keys?, values?)?)))
    })
}

/// An optional holding `item` (taken), or an absent one for 0.
#[no_mangle]
pub extern "system" fn Java_dev_onyx_Native_valueOptional<'l>(mut env: JNIEnv<'l>, _class: JObject<'l>, item: jlong) -> jlong {
    entry(&mut env, |_| {
        let item = if item == 0 { None } else { Some(Box::new(unsafe { take::<Value>(item) }?)) };
        Ok(into_handle(Value::Optional(item)))
    })
}

crate::free_function!(Java_dev_onyx_Native_valueFree, Value);

// --- reading values (parts are lent: see the module comment) ----------------------------

fn value<'a>(handle: jlong) -> JniResult<&'a Value> {
    unsafe { borrow::<Value>(handle) }
}

fn lend<T>(part: &T) -> jlong {
    part as *const T as jlong
}

#[no_mangle]
pub extern "system" fn Java_dev_onyx_Native_valueKind<'l>(mut env: JNIEnv<'l>, _class: JObject<'l>, handle: jlong) -> jint {
    entry(&mut env, |_| Ok(value(handle)?.kind() as jint))
}

/// A tensor value's tensor, lent.
#[no_mangle]
pub extern "system" fn Java_dev_onyx_Native_valueTensor<'l>(mut env: JNIEnv<'l>, _class: JObject<'l>, handle: jlong) -> jlong {
    entry(&mut env, |_| {
        Ok(lend(value(handle)?.tensor()?))
    })
}

/// A sequence's items, lent, as handles in order.
#[no_mangle]
pub extern "system" fn Java_dev_onyx_Native_valueItems<'l>(mut env: JNIEnv<'l>, _class: JObject<'l>, handle: jlong) -> jobject {
    entry(&mut env, |env| {
        let handles: Vec<jlong> = value(handle)?.items()?.iter().map(lend).collect();
        new_longs(env, &handles)
    })
}

/// A map's keys (`values` false) or values tensor, lent.
#[no_mangle]
pub extern "system" fn Java_dev_onyx_Native_valueMapPart<'l>(mut env: JNIEnv<'l>, _class: JObject<'l>, handle: jlong, values: jni::sys::jboolean) -> jlong {
    entry(&mut env, |_| {
        let map = value(handle)?.map()?;
        Ok(lend(if values != 0 { map.values() } else { map.keys() }))
    })
}

/// An optional's item, lent, or 0 when it is absent.
#[no_mangle]
pub extern "system" fn Java_dev_onyx_Native_valueOptionalItem<'l>(mut env: JNIEnv<'l>, _class: JObject<'l>, handle: jlong) -> jlong {
    entry(&mut env, |_| {
        Ok(value(handle)?.optional()?.map_or(0, lend))
    })
}

/// The value's own type in ONNX's notation, as far as it shows (null for an empty
/// sequence or an absent optional).
#[no_mangle]
pub extern "system" fn Java_dev_onyx_Native_valueTypeName<'l>(mut env: JNIEnv<'l>, _class: JObject<'l>, handle: jlong) -> jobject {
    entry(&mut env, |env| match value(handle)?.value_type() {
        Some(t) => crate::new_string(env, &t.to_string()),
        None => Ok(std::ptr::null_mut()),
    })
}

// --- running on values -----------------------------------------------------------------

/// Runs the model on values by input name; returns the output values' handles (owned
/// by Java now), in the order asked (`output_names` null: every output, model order).
/// Java holds the session, the input values and the run options during the call.
#[no_mangle]
pub extern "system" fn Java_dev_onyx_Native_sessionRunValues<'l>(
    mut env: JNIEnv<'l>,
    _class: JObject<'l>,
    handle: jlong,
    input_names: JObjectArray<'l>,
    input_values: JLongArray<'l>,
    output_names: JObjectArray<'l>,
    options: jlong,
) -> jobject {
    entry(&mut env, |env| {
        let session = unsafe { borrow::<Arc<Session>>(handle) }?;
        let names = strings(env, &input_names)?;
        let handles = longs(env, &input_values)?;
        if names.len() != handles.len() {
            return fail(ErrorCode::InvalidArgument, format!("{} input names but {} values", names.len(), handles.len()));
        }
        let values = handles.iter().map(|&h| value(h)).collect::<JniResult<Vec<_>>>()?;
        let inputs: Vec<(&str, &Value)> = names.iter().map(String::as_str).zip(values).collect();
        let wanted = if output_names.is_null() { None } else { Some(strings(env, &output_names)?) };
        let wanted: Option<Vec<&str>> = wanted.as_ref().map(|w| w.iter().map(String::as_str).collect());
        let options = crate::session::run_options(options)?;
        let outputs = session.run_values(&inputs, wanted.as_deref(), options)?;
        let handles: Vec<jlong> = outputs.into_iter().map(into_handle).collect();
        match new_longs(env, &handles) {
            Ok(array) => Ok(array),
            Err(failure) => {
                // Java never saw them: they are still ours to free.
                handles.iter().for_each(|&h| unsafe { crate::free::<Value>(h) });
                Err(failure)
            }
        }
    })
}

/// onyx-core's `ValueType` as a `dev.onyx.ValueType` (nested), with core's own text
/// in ONNX's notation.
pub(crate) fn new_value_type<'l>(env: &mut JNIEnv<'l>, value_type: &ValueType) -> JniResult<JObject<'l>> {
    let item = match value_type {
        ValueType::Tensor { .. } => JObject::null(),
        ValueType::Map { value, .. } => new_value_type(env, value)?,
        ValueType::Sequence(item) | ValueType::Optional(item) => new_value_type(env, item)?,
    };
    let key = match value_type {
        ValueType::Map { key, .. } => *key,
        _ => 0,
    };
    let element = match value_type {
        ValueType::Tensor { element_type } => *element_type,
        _ => 0,
    };
    let text = env.new_string(value_type.to_string())?;
    let object = env.new_object(
        "dev/onyx/ValueType",
        "(IIILdev/onyx/ValueType;Ljava/lang/String;)V",
        &[
            JValue::Int(value_type.kind() as jint),
            JValue::Int(element as jint),
            JValue::Int(key as jint),
            JValue::Object(&item),
            JValue::Object(&text),
        ],
    )?;
    env.delete_local_ref(text)?;
    if !item.is_null() {
        env.delete_local_ref(item)?;
    }
    Ok(object)
}
