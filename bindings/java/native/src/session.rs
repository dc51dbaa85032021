//! `Session`: creating, describing and running a model.

use std::sync::Arc;

use jni::{
    objects::{JByteArray, JIntArray, JLongArray, JObject, JObjectArray, JString, JValue},
    sys::{jboolean, jint, jlong, jobject},
    JNIEnv,
};
use onyx_core::{Error, ErrorCode, OptimizationLevel, RunOptions, Session, SessionOptions, Tensor, ValueInfo};

use crate::{
    arrays::{direct_buffer, ints, longs, new_longs, new_strings, strings, with_primitive_array},
    borrow, borrow_mut, entry, fail, into_handle, optional_string, JniResult,
};

/// Session options arrive as plain values (Java's `SessionOptions` is plain data,
/// as onyx-core's is); `config` is flattened key, value, key, value. Thread counts go
/// through onyx-core's setters, which refuse negative counts.
#[allow(clippy::too_many_arguments)]
fn options(
    env: &mut JNIEnv,
    intra: jlong,
    inter: jlong,
    optimization: jint,
    deterministic: jboolean,
    providers: &JObjectArray,
    allow_fallback: jboolean,
    config: &JObjectArray,
    libraries: &JObjectArray,
    dim_names: &JObjectArray,
    dim_values: &JLongArray,
    profiling: &JString,
    memory: [jboolean; 2],
    external: &ExternalData,
    shared_weights: jlong,
    operators: &JLongArray,
) -> JniResult<SessionOptions> {
    let mut options = SessionOptions::new();
    options.set_intra_op_threads(intra)?;
    options.set_inter_op_threads(inter)?;
    options.optimization_level = OptimizationLevel::from_u32(optimization as u32)?;
    options.deterministic_compute = deterministic != 0;
    for provider in strings(env, providers)? {
        options.append_execution_provider(&provider);
    }
    options.allow_provider_fallback = allow_fallback != 0;
    for kv in strings(env, config)?.chunks_exact(2) {
        options.add_config_entry(&kv[0], &kv[1]);
    }
    for library in strings(env, libraries)? {
        options.add_custom_op_library(&library)?;
    }
    for (name, value) in strings(env, dim_names)?.iter().zip(longs(env, dim_values)?) {
        options.add_free_dimension_override(name, value)?;
    }
    options.set_cpu_memory_arena(memory[0] != 0);
    options.set_memory_pattern(memory[1] != 0);
    if let Some(prefix) = optional_string(env, profiling)? {
        options.enable_profiling(prefix)?;
    }
    external.add_to(env, &mut options)?;
    options.set_shared_weights(unsafe { crate::shared_weights::group(shared_weights) }?);
    crate::operator::add_operators(env, &mut options, operators)?;
    Ok(options)
}

/// External-data files given in memory: names, and for each a `byte[]` or a direct
/// `ByteBuffer` with the byte range to read (Java's `SessionOptions` keeps the caller's
/// arrays and buffers; onyx-core copies them here, once per session created).
struct ExternalData<'a, 'l> {
    names: &'a JObjectArray<'l>,
    data: &'a JObjectArray<'l>,
    offsets: &'a JLongArray<'l>,
    lengths: &'a JLongArray<'l>,
    outside_model_folder: jboolean,
}

impl ExternalData<'_, '_> {
    fn add_to(&self, env: &mut JNIEnv, options: &mut SessionOptions) -> JniResult<()> {
        let names = strings(env, self.names)?;
        let (offsets, lengths) = (longs(env, self.offsets)?, longs(env, self.lengths)?);
        if offsets.len() != names.len() || lengths.len() != names.len() {
            return fail(ErrorCode::InvalidArgument, "as many external-data offsets and lengths as names are needed");
        }
        for (i, name) in names.iter().enumerate() {
            let data = env.get_object_array_element(self.data, i as jint)?;
            let (offset, length) = (offsets[i], lengths[i]);
            if data.is_null() {
                return fail(ErrorCode::NullPointer, format!("the bytes of external data file '{name}' were null"));
            }
            if env.is_instance_of(&data, "[B")? {
                let added = with_primitive_array(env, &data, 1, false, |bytes| {
                    let range = usize::try_from(offset).ok().zip(usize::try_from(length).ok()).and_then(|(o, l)| Some(o..o.checked_add(l)?));
                    match range.and_then(|r| bytes.get(r)) {
                        Some(bytes) => options.add_external_data_copy(name, bytes),
                        None => Err(Error::new(ErrorCode::InvalidArgument, format!("bytes {offset}..+{length} lie outside the array of {} bytes", bytes.len()))),
                    }
                })?;
                added?;
            } else {
                let start = direct_buffer(env, &data, offset, length, 1, "addExternalData")?;
                options.add_external_data_copy(name, unsafe { std::slice::from_raw_parts(start, length as usize) })?;
            }
            env.delete_local_ref(data)?;
        }
        options.set_external_data_outside_model_folder(self.outside_model_folder != 0);
        Ok(())
    }
}

/// onyx-core's check of an external-data file name, for `addExternalData` (so a bad
/// name fails where it is added; session creation checks again).
#[no_mangle]
pub extern "system" fn Java_dev_onyx_Native_checkExternalDataName<'l>(mut env: JNIEnv<'l>, _class: JObject<'l>, name: JString<'l>) {
    entry(&mut env, |env| {
        let name = crate::string(env, &name)?;
        SessionOptions::new().add_external_data(&name, Vec::new())?;
        Ok(())
    })
}

/// onyx-core's check of a free-dimension override, for `addFreeDimensionOverride`.
#[no_mangle]
pub extern "system" fn Java_dev_onyx_Native_checkFreeDimensionOverride<'l>(mut env: JNIEnv<'l>, _class: JObject<'l>, name: JString<'l>, value: jlong) {
    entry(&mut env, |env| {
        let name: String = env.get_string(&name)?.into();
        SessionOptions::new().add_free_dimension_override(&name, value)?;
        Ok(())
    })
}

/// onyx-core's check of a custom-op library (it opens it, and closes it again), for
/// `addCustomOpLibrary`: a bad path fails where it is added.
#[no_mangle]
pub extern "system" fn Java_dev_onyx_Native_checkCustomOpLibrary<'l>(mut env: JNIEnv<'l>, _class: JObject<'l>, path: JString<'l>) {
    entry(&mut env, |env| {
        let path: String = env.get_string(&path)?.into();
        SessionOptions::new().add_custom_op_library(&path)?;
        Ok(())
    })
}

/// onyx-core's check of a thread count, for Java's setters (so a negative count fails
/// where it is set; session creation checks again).
#[no_mangle]
pub extern "system" fn Java_dev_onyx_Native_checkThreadCounts<'l>(mut env: JNIEnv<'l>, _class: JObject<'l>, intra: jlong, inter: jlong) {
    entry(&mut env, |_| {
        let mut options = SessionOptions::new();
        options.set_intra_op_threads(intra)?;
        options.set_inter_op_threads(inter)?;
        Ok(())
    })
}

/// A session from a file (`path`) or from a model's bytes (`bytes`, when `path` is null);
/// `shared_weights` is a `SharedWeights` handle the Java side holds during the call, or 0;
/// `operators` are `Operator` handles it holds during the call (the session keeps the
/// Rust operators, and so their Java kernels, alive).
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub extern "system" fn Java_dev_onyx_Native_sessionCreate<'l>(
    mut env: JNIEnv<'l>,
    _class: JObject<'l>,
    path: JString<'l>,
    bytes: JByteArray<'l>,
    intra: jlong,
    inter: jlong,
    optimization: jint,
    deterministic: jboolean,
    providers: JObjectArray<'l>,
    allow_fallback: jboolean,
    config: JObjectArray<'l>,
    libraries: JObjectArray<'l>,
    dim_names: JObjectArray<'l>,
    dim_values: JLongArray<'l>,
    profiling: JString<'l>,
    cpu_memory_arena: jboolean,
    memory_pattern: jboolean,
    external_names: JObjectArray<'l>,
    external_data: JObjectArray<'l>,
    external_offsets: JLongArray<'l>,
    external_lengths: JLongArray<'l>,
    external_data_outside_model_folder: jboolean,
    shared_weights: jlong,
    operators: JLongArray<'l>,
) -> jlong {
    entry(&mut env, |env| {
        let memory = [cpu_memory_arena, memory_pattern];
        let external = ExternalData {
            names: &external_names,
            data: &external_data,
            offsets: &external_offsets,
            lengths: &external_lengths,
            outside_model_folder: external_data_outside_model_folder,
        };
        let options = options(
            env, intra, inter, optimization, deterministic, &providers, allow_fallback, &config, &libraries, &dim_names, &dim_values, &profiling, memory, &external,
            shared_weights, &operators,
        )?;
        let session = match optional_string(env, &path)? {
            Some(path) => Session::from_file(path, &options)?,
            // A copy, not a pinned array: parsing a large model must not hold off the GC.
            None => Session::from_bytes(&env.convert_byte_array(&bytes)?, &options)?,
        };
        // An Arc: an asynchronous run holds the session while it is in flight.
        Ok(into_handle(Arc::new(session)))
    })
}

crate::free_function!(Java_dev_onyx_Native_sessionFree, Arc<Session>);

#[no_mangle]
pub extern "system" fn Java_dev_onyx_Native_sessionValueCount<'l>(mut env: JNIEnv<'l>, _class: JObject<'l>, handle: jlong, outputs: jboolean) -> jint {
    entry(&mut env, |_| {
        let session = unsafe { borrow::<Arc<Session>>(handle) }?;
        Ok(if outputs != 0 { session.outputs().len() } else { session.inputs().len() } as jint)
    })
}

/// A Java index as onyx-core's: a negative one is past every end (`usize::MAX`), so
/// core's one index error reports it.
fn index(value: jint) -> usize {
    usize::try_from(value).unwrap_or(usize::MAX)
}

/// Input or output number `index` as a `dev.onyx.ValueInfo` (with its full type); onyx-core's
/// `INDEX_OUT_OF_RANGE` past the end.
#[no_mangle]
pub extern "system" fn Java_dev_onyx_Native_sessionValueInfo<'l>(
    mut env: JNIEnv<'l>,
    _class: JObject<'l>,
    handle: jlong,
    outputs: jboolean,
    at: jint,
) -> jobject {
    entry(&mut env, |env| {
        let session = unsafe { borrow::<Arc<Session>>(handle) }?;
        let info: &ValueInfo = if outputs != 0 { session.output(at)? } else { session.input(at)? };
        let name = env.new_string(&info.name)?;
        let shape = unsafe { JObject::from_raw(new_longs(env, &info.shape)?) };
        let dims = unsafe { JObject::from_raw(new_strings(env, &info.dim_names)?) };
        let value_type = crate::value::new_value_type(env, &info.value_type)?;
        let object = env.new_object(
            "dev/onyx/ValueInfo",
            "(Ljava/lang/String;II[J[Ljava/lang/String;Ldev/onyx/ValueType;)V",
            &[
                JValue::Object(&name),
                JValue::Int(info.kind as jint),
                JValue::Int(info.onnx_element_type as jint),
                JValue::Object(&shape),
                JValue::Object(&dims),
                JValue::Object(&value_type),
            ],
        )?;
        Ok(object.into_raw())
    })
}

/// Ends profiling; the profile file's path.
#[no_mangle]
pub extern "system" fn Java_dev_onyx_Native_sessionEndProfiling<'l>(mut env: JNIEnv<'l>, _class: JObject<'l>, handle: jlong) -> jobject {
    entry(&mut env, |env| {
        let path = unsafe { borrow::<Arc<Session>>(handle) }?.end_profiling()?;
        crate::new_string(env, &path.to_string_lossy())
    })
}

/// The model's metadata as a `dev.onyx.ModelMetadata`.
#[no_mangle]
pub extern "system" fn Java_dev_onyx_Native_sessionMetadata<'l>(mut env: JNIEnv<'l>, _class: JObject<'l>, handle: jlong) -> jobject {
    entry(&mut env, |env| {
        let meta = unsafe { borrow::<Arc<Session>>(handle) }?.metadata();
        let mut fields = Vec::new();
        for text in [&meta.producer, &meta.graph_name, &meta.domain, &meta.description, &meta.graph_description] {
            fields.push(JObject::from(env.new_string(text)?));
        }
        let keys: Vec<&str> = meta.custom.keys().map(String::as_str).collect();
        let values: Vec<&str> = meta.custom.values().map(String::as_str).collect();
        let keys = unsafe { JObject::from_raw(new_strings(env, &keys)?) };
        let values = unsafe { JObject::from_raw(new_strings(env, &values)?) };
        let object = env.new_object(
            "dev/onyx/ModelMetadata",
            "(Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;ZJ[Ljava/lang/String;[Ljava/lang/String;)V",
            &[
                JValue::Object(&fields[0]),
                JValue::Object(&fields[1]),
                JValue::Object(&fields[2]),
                JValue::Object(&fields[3]),
                JValue::Object(&fields[4]),
                JValue::Bool(meta.version.is_some() as jboolean),
                JValue::Long(meta.version.unwrap_or(0)),
                JValue::Object(&keys),
                JValue::Object(&values),
            ],
        )?;
        Ok(object.into_raw())
    })
}

fn tensors<'a>(env: &mut JNIEnv, handles: &JLongArray, count: usize) -> JniResult<(Vec<jlong>, Vec<&'a Tensor>)> {
    let handles = longs(env, handles)?;
    if handles.len() != count {
        return Err(Error::new(ErrorCode::InvalidArgument, format!("{count} indices but {} tensors", handles.len())).into());
    }
    let tensors = handles.iter().map(|&h| unsafe { borrow::<Tensor>(h) }).collect::<JniResult<_>>()?;
    Ok((handles, tensors))
}

pub(crate) fn run_options<'a>(handle: jlong) -> JniResult<Option<&'a RunOptions>> {
    if handle == 0 {
        Ok(None)
    } else {
        unsafe { borrow::<RunOptions>(handle) }.map(Some)
    }
}

/// How a run names its values. Java resolves names it knows to model indexes once
/// (`run_indexed`, no name crosses JNI). When Java meets a name the model lacks it
/// passes that side's names instead, so onyx-core's named run reports the error
/// (`UNKNOWN_INPUT`, `UNKNOWN_OUTPUT`) in its own words.
struct Names {
    inputs: Option<Vec<String>>,
    outputs: Option<Vec<String>>,
}

impl Names {
    fn read(env: &mut JNIEnv, inputs: &JObjectArray, outputs: &JObjectArray) -> JniResult<Names> {
        let read = |env: &mut JNIEnv, array: &JObjectArray| -> JniResult<Option<Vec<String>>> {
            if array.is_null() {
                Ok(None)
            } else {
                strings(env, array).map(Some)
            }
        };
        Ok(Names { inputs: read(env, inputs)?, outputs: read(env, outputs)? })
    }

    fn by_index(&self) -> bool {
        self.inputs.is_none() && self.outputs.is_none()
    }

    /// The names of one side: those given, else the model's names at `indices`.
    fn side<'a>(given: &'a Option<Vec<String>>, session: &'a Session, outputs: bool, indices: &[usize]) -> JniResult<Vec<&'a str>> {
        match given {
            Some(names) => Ok(names.iter().map(String::as_str).collect()),
            None => indices
                .iter()
                .map(|&i| Ok(if outputs { session.output(i)? } else { session.input(i)? }.name.as_str()))
                .collect(),
        }
    }
}

fn indices(env: &mut JNIEnv, array: &JIntArray) -> JniResult<Vec<usize>> {
    Ok(ints(env, array)?.into_iter().map(index).collect())
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
        let session = unsafe { borrow::<Arc<Session>>(handle) }?;
        let in_indices = indices(env, &input_indices)?;
        let (_, in_tensors) = tensors(env, &input_tensors, in_indices.len())?;
        let out_indices = if output_indices.is_null() { None } else { Some(indices(env, &output_indices)?) };
        let names = Names::read(env, &input_names, &output_names)?;
        let options = run_options(options)?;
        let outputs = if names.by_index() {
            let inputs: Vec<(usize, &Tensor)> = in_indices.into_iter().zip(in_tensors).collect();
            session.run_indexed(&inputs, out_indices.as_deref(), options)?
        } else {
            let in_names = Names::side(&names.inputs, session, false, &in_indices)?;
            let inputs: Vec<(&str, &Tensor)> = in_names.into_iter().zip(in_tensors).collect();
            let out_names = match (&names.outputs, &out_indices) {
                (None, None) => None,
                (_, indices) => Some(Names::side(&names.outputs, session, true, indices.as_deref().unwrap_or(&[]))?),
            };
            session.run(&inputs, out_names.as_deref(), options)?
        };
        let handles: Vec<i64> = outputs.into_iter().map(into_handle).collect();
        new_longs(env, &handles)
    })
}

/// Runs the model writing into the caller's output tensors. onyx-boundary's aliasing
/// check comes first: the `&mut` borrows of the outputs are unique only if no tensor
/// is also an input or another output.
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
        let session = unsafe { borrow::<Arc<Session>>(handle) }?;
        let in_indices = indices(env, &input_indices)?;
        let in_handles = longs(env, &input_tensors)?;
        let out_indices = indices(env, &output_indices)?;
        let out_handles = longs(env, &output_tensors)?;
        let names = Names::read(env, &input_names, &output_names)?;
        if in_handles.len() != in_indices.len() || out_handles.len() != out_indices.len() {
            return Err(Error::new(ErrorCode::InvalidArgument, "as many indices as tensors are needed").into());
        }
        let as_ptrs = |handles: &[jlong]| handles.iter().map(|&h| h as *const Tensor).collect::<Vec<_>>();
        onyx_boundary::check_no_aliasing(&as_ptrs(&in_handles), &as_ptrs(&out_handles), |i| match &names.outputs {
            Some(names) => names[i].clone(),
            None => session.output(out_indices[i]).map(|v| v.name.clone()).unwrap_or_default(),
        })?;
        let in_tensors = in_handles.iter().map(|&h| unsafe { borrow::<Tensor>(h) }).collect::<JniResult<Vec<_>>>()?;
        let mut out_tensors = Vec::with_capacity(out_handles.len());
        for &h in &out_handles {
            out_tensors.push(unsafe { borrow_mut::<Tensor>(h) }?);
        }
        let options = run_options(options)?;
        if names.by_index() {
            let inputs: Vec<(usize, &Tensor)> = in_indices.into_iter().zip(in_tensors).collect();
            let mut outputs: Vec<(usize, &mut Tensor)> = out_indices.into_iter().zip(out_tensors).collect();
            Ok(session.run_into_indexed(&inputs, &mut outputs, options)?)
        } else {
            let in_names = Names::side(&names.inputs, session, false, &in_indices)?;
            let out_names = Names::side(&names.outputs, session, true, &out_indices)?;
            let inputs: Vec<(&str, &Tensor)> = in_names.into_iter().zip(in_tensors).collect();
            let mut outputs: Vec<(&str, &mut Tensor)> = out_names.into_iter().zip(out_tensors).collect();
            Ok(session.run_into(&inputs, &mut outputs, options)?)
        }
    })
}
