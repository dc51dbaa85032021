use std::ffi::c_char;

use onyx_core::{Error, ErrorCode, RunOptions, Tensor};

use crate::{
    session::onyx_session,
    status::{array, check_out, guard, non_null, non_null_mut, utf8, onyx_status},
    tensor::{boxed, onyx_tensor},
};

/// Per-run settings: a log tag and a terminate switch. Thread safety:
/// onyx_run_options_terminate and _reset_terminate may be called from any thread
/// while runs use the options; the other functions need exclusive use.
pub struct onyx_run_options {
    pub(crate) inner: RunOptions,
}

/// Creates run options. Free with onyx_run_options_free.
#[no_mangle]
pub extern "C" fn onyx_run_options_create(out: *mut *mut onyx_run_options) -> *mut onyx_status {
    guard(|| {
        check_out(out, "out")?;
        let inner = RunOptions::new()?;
        crate::status::write_out(out, onyx_boundary::into_raw(onyx_run_options { inner }));
        Ok(())
    })
}

/// Frees run options. NULL is allowed. No run may be using them.
#[no_mangle]
pub extern "C" fn onyx_run_options_free(options: *mut onyx_run_options) {
    crate::status::free_handle(options)
}

/// Tags log lines of runs that use these options. The string is copied.
#[no_mangle]
pub extern "C" fn onyx_run_options_set_tag(options: *mut onyx_run_options, tag: *const c_char) -> *mut onyx_status {
    guard(|| {
        let options = non_null_mut(options, "options")?;
        options.inner.set_tag(utf8(tag, "tag")?)
    })
}

/// Adds a raw ONNX Runtime run config entry (onnxruntime_run_options_config_keys.h,
/// e.g. "memory.enable_memory_arena_shrinkage" = "cpu:0"); both strings are copied.
/// ONNX Runtime reads it at each run, where a value it refuses fails the run with
/// ONYX_ERROR_INVALID_ARGUMENT.
#[no_mangle]
pub extern "C" fn onyx_run_options_add_config_entry(options: *mut onyx_run_options, key: *const c_char, value: *const c_char) -> *mut onyx_status {
    guard(|| {
        let options = non_null_mut(options, "options")?;
        options.inner.add_config_entry(utf8(key, "key")?, utf8(value, "value")?)
    })
}

/// The tag set by onyx_run_options_set_tag ("" if none or `options` is NULL).
/// Borrowed: valid until the tag is set again or the options are freed.
#[no_mangle]
pub extern "C" fn onyx_run_options_tag(options: *const onyx_run_options) -> *const c_char {
    crate::status::guard_value(c"".as_ptr(), || unsafe { options.as_ref() }.map_or(c"".as_ptr(), |o| o.inner.tag_c_str().as_ptr()))
}

/// Stops runs in progress that use these options (they fail with
/// ONYX_ERROR_CANCELLED within milliseconds), and makes later runs with them fail
/// the same way until onyx_run_options_reset_terminate. Any thread.
#[no_mangle]
pub extern "C" fn onyx_run_options_terminate(options: *const onyx_run_options) -> *mut onyx_status {
    guard(|| non_null(options, "options")?.inner.terminate())
}

/// Lets runs with these options proceed again. Any thread.
#[no_mangle]
pub extern "C" fn onyx_run_options_reset_terminate(options: *const onyx_run_options) -> *mut onyx_status {
    guard(|| non_null(options, "options")?.inner.reset_terminate())
}

pub(crate) fn named_inputs<'a>(
    names: *const *const c_char,
    tensors: *const *const onyx_tensor,
    count: usize,
) -> onyx_core::Result<Vec<(&'a str, &'a Tensor)>> {
    Ok(named_handles(names, tensors, count)?.into_iter().map(|(name, tensor)| (name, &tensor.inner)).collect())
}

/// `count` input names and handles (tensors or values), checked for NULL and UTF-8.
pub(crate) fn named_handles<'a, H>(names: *const *const c_char, handles: *const *const H, count: usize) -> onyx_core::Result<Vec<(&'a str, &'a H)>> {
    let names = array(names, count, "input_names")?;
    let handles = array(handles, count, "inputs")?;
    names
        .iter()
        .zip(handles)
        .enumerate()
        .map(|(i, (&name, &handle))| {
            let name = utf8(name, format_args!("input_names[{i}]"))?;
            Ok((name, non_null(handle, format_args!("inputs[{i}] ('{name}')"))?))
        })
        .collect()
}

pub(crate) fn names_of_outputs<'a>(names: *const *const c_char, count: usize) -> onyx_core::Result<Vec<&'a str>> {
    array(names, count, "output_names")?.iter().enumerate().map(|(i, &n)| utf8(n, format_args!("output_names[{i}]"))).collect()
}

/// The outputs a run asks for: `output_count` names, or all (None) when `output_names`
/// is NULL, in which case `output_count` must be the model's output count.
pub(crate) fn wanted_outputs<'a>(session: &onyx_session, output_names: *const *const c_char, output_count: usize) -> onyx_core::Result<Option<Vec<&'a str>>> {
    if !output_names.is_null() {
        return names_of_outputs(output_names, output_count).map(Some);
    }
    let all = session.inner.outputs().len();
    if output_count != all {
        return Err(Error::new(
            ErrorCode::InvalidArgument,
            format!("output_names is NULL (all outputs) but output_count is {output_count}; the model has {all} outputs"),
        ));
    }
    Ok(None)
}

/// Runs the model. Inputs are given by name (`input_count` names and tensors;
/// every model input must be given). Outputs: `output_names` selects
/// `output_count` outputs by name, or, when NULL, all outputs in model order
/// (then `output_count` must equal onyx_session_output_count). On success
/// `outputs[i]` receives a new tensor the caller frees with onyx_tensor_free.
/// `run_options` may be NULL.
///
/// Onyx checks, before ONNX Runtime sees them, input names (ONYX_ERROR_UNKNOWN_INPUT,
/// ONYX_ERROR_MISSING_INPUT), element types (ONYX_ERROR_TYPE_MISMATCH), ranks
/// (ONYX_ERROR_RANK_MISMATCH) and fixed dimensions (ONYX_ERROR_SHAPE_MISMATCH), and
/// output names (ONYX_ERROR_UNKNOWN_OUTPUT). A terminated run fails with
/// ONYX_ERROR_CANCELLED. The session stays usable after any error.
///
/// Thread safety: any number of threads may run one session at once.
#[no_mangle]
pub extern "C" fn onyx_session_run(
    session: *const onyx_session,
    run_options: *const onyx_run_options,
    input_names: *const *const c_char,
    inputs: *const *const onyx_tensor,
    input_count: usize,
    output_names: *const *const c_char,
    output_count: usize,
    outputs: *mut *mut onyx_tensor,
) -> *mut onyx_status {
    guard(|| {
        let session = non_null(session, "session")?;
        let inputs = named_inputs(input_names, inputs, input_count)?;
        let names = wanted_outputs(session, output_names, output_count)?;
        check_out(outputs, "outputs")?;
        let options = unsafe { run_options.as_ref() }.map(|o| &o.inner);
        let results = session.inner.run(&inputs, names.as_deref(), options)?;
        for (i, tensor) in results.into_iter().enumerate() {
            unsafe { outputs.add(i).write(boxed(tensor)) };
        }
        Ok(())
    })
}

/// Runs the model writing outputs into the caller's tensors, with no allocation
/// and no copy. Arguments in the order of onyx_session_run: `outputs[i]`
/// (`output_count` of them) receives output `output_names[i]`, and must have that
/// output's element type and shape (ONYX_ERROR_TYPE_MISMATCH, _RANK_MISMATCH,
/// _SHAPE_MISMATCH otherwise). Use a borrowed tensor to write into your own buffer.
/// Inputs and run options as in onyx_session_run. An output tensor must not be
/// used by another thread during the run, nor be one of this run's inputs or
/// another of its outputs (ONYX_ERROR_INVALID_ARGUMENT).
#[no_mangle]
pub extern "C" fn onyx_session_run_into(
    session: *const onyx_session,
    run_options: *const onyx_run_options,
    input_names: *const *const c_char,
    inputs: *const *const onyx_tensor,
    input_count: usize,
    output_names: *const *const c_char,
    output_count: usize,
    outputs: *const *mut onyx_tensor,
) -> *mut onyx_status {
    guard(|| {
        let session = non_null(session, "session")?;
        let inputs = named_inputs(input_names, inputs, input_count)?;
        let names = names_of_outputs(output_names, output_count)?;
        let tensors = array(outputs, output_count, "outputs")?;
        let input_ptrs: Vec<*const Tensor> = inputs.iter().map(|(_, t)| *t as *const Tensor).collect();
        let output_ptrs: Vec<*const Tensor> =
            tensors.iter().map(|&t| if t.is_null() { std::ptr::null() } else { unsafe { std::ptr::addr_of!((*t).inner) } }).collect();
        onyx_boundary::check_no_aliasing(&input_ptrs, &output_ptrs, |i| names[i].to_string())?;
        let mut targets = Vec::with_capacity(output_count);
        for (i, (&name, &tensor)) in names.iter().zip(tensors).enumerate() {
            targets.push((name, &mut non_null_mut(tensor, format_args!("outputs[{i}] ('{name}')"))?.inner));
        }
        let options = unsafe { run_options.as_ref() }.map(|o| &o.inner);
        session.inner.run_into(&inputs, &mut targets, options)
    })
}
