use std::ffi::c_char;

use onyx_core::{OptimizationLevel, SessionOptions};

use crate::status::{check_out, guard, non_null_mut, utf8, write_out, onyx_status};

/// Options for creating sessions. Not synchronised: one thread at a time. A
/// session copies what it needs, so options may be freed or reused right after.
pub struct onyx_session_options {
    pub(crate) inner: SessionOptions,
}

/// Creates options with ONNX Runtime's defaults (all optimizations, threads
/// chosen by ONNX Runtime, CPU only). Free with onyx_session_options_free.
#[no_mangle]
pub extern "C" fn onyx_session_options_create(out: *mut *mut onyx_session_options) -> *mut onyx_status {
    guard(|| {
        check_out(out, "out")?;
        write_out(out, onyx_boundary::into_raw(onyx_session_options { inner: SessionOptions::default() }));
        Ok(())
    })
}

/// Frees options. NULL is allowed.
#[no_mangle]
pub extern "C" fn onyx_session_options_free(options: *mut onyx_session_options) {
    crate::status::free_handle(options)
}

fn with_options(options: *mut onyx_session_options, f: impl FnOnce(&mut SessionOptions) -> onyx_core::Result<()>) -> *mut onyx_status {
    guard(|| f(&mut non_null_mut(options, "options")?.inner))
}

/// Threads used inside one operator; 0 lets ONNX Runtime choose (one per core).
/// A negative count fails with ONYX_ERROR_INVALID_ARGUMENT.
#[no_mangle]
pub extern "C" fn onyx_session_options_set_intra_op_threads(options: *mut onyx_session_options, threads: i32) -> *mut onyx_status {
    with_options(options, |o| o.set_intra_op_threads(threads.into()))
}

/// Threads used across operators; 0 lets ONNX Runtime choose.
#[no_mangle]
pub extern "C" fn onyx_session_options_set_inter_op_threads(options: *mut onyx_session_options, threads: i32) -> *mut onyx_status {
    with_options(options, |o| o.set_inter_op_threads(threads.into()))
}

/// One of ONYX_OPTIMIZATION_*; other values fail with ONYX_ERROR_INVALID_ARGUMENT.
#[no_mangle]
pub extern "C" fn onyx_session_options_set_optimization_level(options: *mut onyx_session_options, level: u32) -> *mut onyx_status {
    with_options(options, |o| {
        o.optimization_level = OptimizationLevel::from_u32(level)?;
        Ok(())
    })
}

/// Adds an execution provider to try, in order of preference ("XNNPACK",
/// "OpenVINO", ... or the full "XNNPACKExecutionProvider"). CPU is always last.
/// Creating a session fails with ONYX_ERROR_EXECUTION_PROVIDER_UNAVAILABLE when a
/// listed provider cannot be registered, unless fallback is allowed.
#[no_mangle]
pub extern "C" fn onyx_session_options_append_execution_provider(options: *mut onyx_session_options, name: *const c_char) -> *mut onyx_status {
    with_options(options, |o| {
        o.append_execution_provider(utf8(name, "name")?);
        Ok(())
    })
}

/// When true, a listed execution provider that cannot be registered is skipped
/// with a warning instead of failing session creation. Default false.
#[no_mangle]
pub extern "C" fn onyx_session_options_set_allow_provider_fallback(options: *mut onyx_session_options, allow: bool) -> *mut onyx_status {
    with_options(options, |o| {
        o.allow_provider_fallback = allow;
        Ok(())
    })
}

/// Asks kernels for reproducible results where they have a choice. Default false.
#[no_mangle]
pub extern "C" fn onyx_session_options_set_deterministic_compute(options: *mut onyx_session_options, enable: bool) -> *mut onyx_status {
    with_options(options, |o| {
        o.deterministic_compute = enable;
        Ok(())
    })
}

/// Turns ONNX Runtime's CPU memory arena on (the default) or off: off, every allocation
/// goes to the system allocator and memory goes back when tensors are freed.
#[no_mangle]
pub extern "C" fn onyx_session_options_set_cpu_memory_arena(options: *mut onyx_session_options, enable: bool) -> *mut onyx_status {
    with_options(options, |o| {
        o.set_cpu_memory_arena(enable);
        Ok(())
    })
}

/// Turns ONNX Runtime's memory-pattern planning on (the default) or off.
#[no_mangle]
pub extern "C" fn onyx_session_options_set_memory_pattern(options: *mut onyx_session_options, enable: bool) -> *mut onyx_status {
    with_options(options, |o| {
        o.set_memory_pattern(enable);
        Ok(())
    })
}

/// Has ONNX Runtime profile the runs of sessions made with these options into a JSON
/// file whose name starts with `prefix` (a path); onyx_session_end_profiling ends it and
/// gives the file's path.
#[no_mangle]
pub extern "C" fn onyx_session_options_enable_profiling(options: *mut onyx_session_options, prefix: *const c_char) -> *mut onyx_status {
    with_options(options, |o| o.enable_profiling(utf8(prefix, "prefix")?))
}

/// Fixes the model's free dimension `name` (a named dynamic dimension such as "batch")
/// to `value` in every input and output that has it: the session reports that value,
/// and a run with another is ONYX_ERROR_SHAPE_MISMATCH. A negative value is
/// ONYX_ERROR_INVALID_ARGUMENT; a name the model does not use is ignored. Adding the
/// same name again replaces its value.
#[no_mangle]
pub extern "C" fn onyx_session_options_add_free_dimension_override(options: *mut onyx_session_options, name: *const c_char, value: i64) -> *mut onyx_status {
    with_options(options, |o| o.add_free_dimension_override(utf8(name, "name")?, value))
}

/// Adds a custom-operator library: a shared library exporting ONNX Runtime's
/// `RegisterCustomOps` (ONNX Runtime Extensions, or your own). Several may be added.
/// It is opened now: ONYX_ERROR_INVALID_ARGUMENT, naming the path and the reason, when
/// the file is missing, is not a shared library, or exports no `RegisterCustomOps`. It
/// stays loaded until the process exits (unloading leaks what it allocated). A model using an
/// operator no library provides fails to load with ONYX_ERROR_UNSUPPORTED_OPERATOR.
#[no_mangle]
pub extern "C" fn onyx_session_options_add_custom_op_library(options: *mut onyx_session_options, path: *const c_char) -> *mut onyx_status {
    with_options(options, |o| o.add_custom_op_library(utf8(path, "path")?))
}

/// Adds a raw ONNX Runtime session config entry (see ONNX Runtime's
/// onnxruntime_session_options_config_keys.h). Both strings are copied.
#[no_mangle]
pub extern "C" fn onyx_session_options_add_config_entry(
    options: *mut onyx_session_options,
    key: *const c_char,
    value: *const c_char,
) -> *mut onyx_status {
    with_options(options, |o| {
        o.add_config_entry(utf8(key, "key")?, utf8(value, "value")?);
        Ok(())
    })
}

/// Supplies an external-data file from memory: a model whose initializers name
/// `file_name` as their external `location` reads them from these `length` bytes
/// instead of the disk, whether it is loaded from a path or from bytes. The bytes are
/// copied; adding a name again replaces it.
#[no_mangle]
pub extern "C" fn onyx_session_options_add_external_data(
    options: *mut onyx_session_options,
    file_name: *const c_char,
    data: *const u8,
    length: usize,
) -> *mut onyx_status {
    with_options(options, |o| {
        let name = utf8(file_name, "file_name")?;
        let bytes = crate::status::array(data, length, "data")?;
        o.add_external_data_copy(name, bytes)
    })
}

/// Lets a model loaded from a path read external data outside its own folder (an
/// absolute location, or one with ".."); off by default, when such a model is
/// ONYX_ERROR_INVALID_MODEL.
#[no_mangle]
pub extern "C" fn onyx_session_options_set_external_data_outside_model_folder(options: *mut onyx_session_options, allow: bool) -> *mut onyx_status {
    with_options(options, |o| {
        o.set_external_data_outside_model_folder(allow);
        Ok(())
    })
}

/// A group of sessions that share the weights of each model they load (see
/// onyx_session_options_set_shared_weights). Free with onyx_shared_weights_free; the
/// sessions made with it keep what they use.
pub struct onyx_shared_weights {
    inner: onyx_core::SharedWeights,
}

/// Creates an empty group.
#[no_mangle]
pub extern "C" fn onyx_shared_weights_create(out: *mut *mut onyx_shared_weights) -> *mut onyx_status {
    guard(|| {
        check_out(out, "out")?;
        let inner = onyx_core::SharedWeights::new()?;
        write_out(out, onyx_boundary::into_raw(onyx_shared_weights { inner }));
        Ok(())
    })
}

/// Frees the group (NULL is allowed). Sessions made with it go on sharing what they use.
#[no_mangle]
pub extern "C" fn onyx_shared_weights_free(group: *mut onyx_shared_weights) {
    crate::status::free_handle(group)
}

/// How many models the group holds weights of now (those with a live session); 0 for NULL.
#[no_mangle]
pub extern "C" fn onyx_shared_weights_model_count(group: *const onyx_shared_weights) -> usize {
    crate::status::guard_value(0, || unsafe { group.as_ref() }.map_or(0, |g| g.inner.model_count()))
}

/// The bytes of weights the group holds now, each counted once; 0 for NULL.
#[no_mangle]
pub extern "C" fn onyx_shared_weights_byte_length(group: *const onyx_shared_weights) -> usize {
    crate::status::guard_value(0, || unsafe { group.as_ref() }.map_or(0, |g| g.inner.byte_length()))
}

/// Sessions made with these options share each model's weights with the other sessions
/// of `group` (NULL: share nothing, the default): the second and later sessions of a
/// model cost a fraction of the first, and give bit-identical answers. The first session
/// of a model in a group loads it twice (once to let ONNX Runtime optimize it).
#[no_mangle]
pub extern "C" fn onyx_session_options_set_shared_weights(options: *mut onyx_session_options, group: *const onyx_shared_weights) -> *mut onyx_status {
    with_options(options, |o| {
        o.set_shared_weights(unsafe { group.as_ref() }.map(|g| &g.inner));
        Ok(())
    })
}
