//! `Session`: creating, describing and running a model.

use std::borrow::Cow;

use jni::{
    objects::{JByteArray, JIntArray, JLongArray, JObject, JObjectArray, JString},
    sys::{jboolean, jint, jlong, jobject},
    JNIEnv,
};
use onyx_core::{ErrorCode, OptimizationLevel, RunOptions, Session, SessionOptions, Tensor, ValueInfo};

use crate::{
    arrays::{ints, longs, new_longs, new_strings, string_at, strings},
    borrow, borrow_mut, entry, fail, free, into_handle, new_string, string, JniResult,
};

/// Session options arrive as plain values (Java's `SessionOptions` is plain data,
/// as onyx-core's is); `config` is flattened key, value, key, value.
#[allow(clippy::too_many_arguments)]
fn options(
    env: &mut JNIEnv,
    intra: jint,
    inter: jint,
    optimization: jint,
    deterministic: jboolean,
    providers: &JObjectArray,
    allow_fallback: jboolean,
    config: &JObjectArray,
) -> JniResult<SessionOptions> {
    if intra < 0 || inter < 0 {
        return fail(ErrorCode::InvalidArgument, format!("thread counts must be 0 or more, got intra {intra}, inter {inter}"));
    }
    let config = strings(env, config)?;
    Ok(SessionOptions {
        intra_op_threads: intra as usize,
        inter_op_threads: inter as usize,
        optimization_level: OptimizationLevel::from_u32(optimization as u32)?,
        deterministic_compute: deterministic != 0,
        execution_providers: strings(env, providers)?,
        allow_provider_fallback: allow_fallback != 0,
        config_entries: config.chunks_exact(2).map(|kv| (kv[0].clone(), kv[1].clone())).collect(),
    })
}

#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub extern "system" fn Java_dev_onyx_Native_sessionFromFile<'l>(
    mut env: JNIEnv<'l>,
    _class: JObject<'l>,
    path: JString<'l>,
    intra: jint,
    inter: jint,
    optimization: jint,
    deterministic: jboolean,
    providers: JObjectArray<'l>,
    allow_fallback: jboolean,
    config: JObjectArray<'l>,
) -> jlong {
    entry(&mut env, |env| {
        let options = options(env, intra, inter, optimization, deterministic, &providers, allow_fallback, &config)?;
        let path = string(env, &path)?;
        Ok(into_handle(Session::from_file(path, &options)?))
    })
}

#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub extern "system" fn Java_dev_onyx_Native_sessionFromBytes<'l>(
    mut env: JNIEnv<'l>,
    _class: JObject<'l>,
    bytes: JByteArray<'l>,
    intra: jint,
    inter: jint,
    optimization: jint,
    deterministic: jboolean,
    providers: JObjectArray<'l>,
    allow_fallback: jboolean,
    config: JObjectArray<'l>,
) -> jlong {
    entry(&mut env, |env| {
        let options = options(env, intra, inter, optimization, deterministic, &providers, allow_fallback, &config)?;
        // A copy, not a pinned array: parsing a large model must not hold off the GC.
        let bytes = env.convert_byte_array(&bytes)?;
        Ok(into_handle(Session::from_bytes(&bytes, &options)?))
    })
}

#[no_mangle]
pub extern "system" fn Java_dev_onyx_Native_sessionFree<'l>(mut env: JNIEnv<'l>, _class: JObject<'l>, handle: jlong) {
    entry(&mut env, |_| {
        unsafe { free::<Session>(handle) };
        Ok(())
    })
}

fn values(session: &Session, outputs: jboolean) -> &[ValueInfo] {
    if outputs != 0 {
        session.outputs()
    } else {
        session.inputs()
    }
}

fn value(session: &Session, outputs: jboolean, index: jint) -> JniResult<&ValueInfo> {
    match values(session, outputs).get(index as usize) {
        Some(info) if index >= 0 => Ok(info),
        _ => fail(ErrorCode::IndexOutOfRange, format!("no value at index {index}")),
    }
}

#[no_mangle]
pub extern "system" fn Java_dev_onyx_Native_sessionValueCount<'l>(mut env: JNIEnv<'l>, _class: JObject<'l>, handle: jlong, outputs: jboolean) -> jint {
    entry(&mut env, |_| Ok(values(unsafe { borrow::<Session>(handle) }?, outputs).len() as jint))
}

#[no_mangle]
pub extern "system" fn Java_dev_onyx_Native_sessionValueName<'l>(
    mut env: JNIEnv<'l>,
    _class: JObject<'l>,
    handle: jlong,
    outputs: jboolean,
    index: jint,
) -> jobject {
    entry(&mut env, |env| new_string(env, &value(unsafe { borrow::<Session>(handle) }?, outputs, index)?.name))
}

#[no_mangle]
pub extern "system" fn Java_dev_onyx_Native_sessionValueType<'l>(
    mut env: JNIEnv<'l>,
    _class: JObject<'l>,
    handle: jlong,
    outputs: jboolean,
    index: jint,
) -> jint {
    entry(&mut env, |_| Ok(value(unsafe { borrow::<Session>(handle) }?, outputs, index)?.onnx_type as jint))
}

#[no_mangle]
pub extern "system" fn Java_dev_onyx_Native_sessionValueShape<'l>(
    mut env: JNIEnv<'l>,
    _class: JObject<'l>,
    handle: jlong,
    outputs: jboolean,
    index: jint,
) -> jobject {
    entry(&mut env, |env| new_longs(env, &value(unsafe { borrow::<Session>(handle) }?, outputs, index)?.shape))
}

#[no_mangle]
pub extern "system" fn Java_dev_onyx_Native_sessionValueDimNames<'l>(
    mut env: JNIEnv<'l>,
    _class: JObject<'l>,
    handle: jlong,
    outputs: jboolean,
    index: jint,
) -> jobject {
    entry(&mut env, |env| new_strings(env, &value(unsafe { borrow::<Session>(handle) }?, outputs, index)?.dim_names))
}

/// producer, graph name, domain, description, graph description, version ("" when
/// the model has none), then custom key, value, key, value (sorted by key).
#[no_mangle]
pub extern "system" fn Java_dev_onyx_Native_sessionMetadata<'l>(mut env: JNIEnv<'l>, _class: JObject<'l>, handle: jlong) -> jobject {
    entry(&mut env, |env| {
        let meta = unsafe { borrow::<Session>(handle) }?.metadata();
        let version = meta.version.map(|v| v.to_string()).unwrap_or_default();
        let mut fields: Vec<&str> =
            vec![&meta.producer, &meta.graph_name, &meta.domain, &meta.description, &meta.graph_description, &version];
        for (key, value) in &meta.custom {
            fields.extend([key.as_str(), value.as_str()]);
        }
        new_strings(env, &fields)
    })
}

/// The names of a run's values. Java resolves names it knows to indices (no string
/// crosses JNI on the common path); index -1 means "read the name itself", so an
/// unknown name reaches onyx-core and fails there with its own error.
fn names<'a>(env: &mut JNIEnv, infos: &'a [ValueInfo], indices: &JIntArray, names: &JObjectArray) -> JniResult<Vec<Cow<'a, str>>> {
    let indices = ints(env, indices)?;
    let mut result = Vec::with_capacity(indices.len());
    for (i, &index) in indices.iter().enumerate() {
        match infos.get(index as usize) {
            Some(info) if index >= 0 => result.push(Cow::Borrowed(info.name.as_str())),
            _ => result.push(Cow::Owned(string_at(env, names, i as jint)?)),
        }
    }
    Ok(result)
}

fn tensors<'a>(env: &mut JNIEnv, handles: &JLongArray, count: usize) -> JniResult<Vec<&'a Tensor>> {
    let handles = longs(env, handles)?;
    if handles.len() != count {
        return fail(ErrorCode::InvalidArgument, format!("{} names but {} tensors", count, handles.len()));
    }
    handles.into_iter().map(|h| unsafe { borrow::<Tensor>(h) }).collect()
}

fn run_options<'a>(handle: jlong) -> JniResult<Option<&'a RunOptions>> {
    if handle == 0 {
        Ok(None)
    } else {
        unsafe { borrow::<RunOptions>(handle) }.map(Some)
    }
}

/// Runs the model; returns handles of the output tensors, in the order asked
/// (`output_indices` null: every output in model order).
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub extern "system" fn Java_dev_onyx_Native_sessionRun<'l>(
    mut env: JNIEnv<'l>,
    _class: JObject<'l>,
    handle: jlong,
    input_indices: JIntArray<'l>,
    input_names: JObjectArray<'l>,
    input_tensors: JLongArray<'l>,
    output_indices: JIntArray<'l>,
    output_names: JObjectArray<'l>,
    options: jlong,
) -> jobject {
    entry(&mut env, |env| {
        let session = unsafe { borrow::<Session>(handle) }?;
        let in_names = names(env, session.inputs(), &input_indices, &input_names)?;
        let in_tensors = tensors(env, &input_tensors, in_names.len())?;
        let inputs: Vec<(&str, &Tensor)> = in_names.iter().map(|n| n.as_ref()).zip(in_tensors).collect();
        let out_names = match output_indices.is_null() {
            true => None,
            false => Some(names(env, session.outputs(), &output_indices, &output_names)?),
        };
        let out_refs: Option<Vec<&str>> = out_names.as_ref().map(|n| n.iter().map(|s| s.as_ref()).collect());
        let outputs = session.run(&inputs, out_refs.as_deref(), run_options(options)?)?;
        let handles: Vec<i64> = outputs.into_iter().map(into_handle).collect();
        new_longs(env, &handles)
    })
}

/// Runs the model writing into the caller's output tensors. Java has checked that no
/// tensor appears twice among inputs and outputs, so the `&mut` borrows are unique.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub extern "system" fn Java_dev_onyx_Native_sessionRunInto<'l>(
    mut env: JNIEnv<'l>,
    _class: JObject<'l>,
    handle: jlong,
    input_indices: JIntArray<'l>,
    input_names: JObjectArray<'l>,
    input_tensors: JLongArray<'l>,
    output_indices: JIntArray<'l>,
    output_names: JObjectArray<'l>,
    output_tensors: JLongArray<'l>,
    options: jlong,
) {
    entry(&mut env, |env| {
        let session = unsafe { borrow::<Session>(handle) }?;
        let in_names = names(env, session.inputs(), &input_indices, &input_names)?;
        let in_tensors = tensors(env, &input_tensors, in_names.len())?;
        let inputs: Vec<(&str, &Tensor)> = in_names.iter().map(|n| n.as_ref()).zip(in_tensors).collect();
        let out_names = names(env, session.outputs(), &output_indices, &output_names)?;
        let out_handles = longs(env, &output_tensors)?;
        if out_handles.len() != out_names.len() {
            return fail(ErrorCode::InvalidArgument, format!("{} output names but {} tensors", out_names.len(), out_handles.len()));
        }
        let mut outputs = Vec::with_capacity(out_names.len());
        for (name, handle) in out_names.iter().zip(out_handles) {
            outputs.push((name.as_ref(), unsafe { borrow_mut::<Tensor>(handle) }?));
        }
        Ok(session.run_into(&inputs, &mut outputs, run_options(options)?)?)
    })
}
