use std::ffi::{c_char, CStr, CString};

use onyx_core::{ModelMetadata, Session, SessionOptions, ValueInfo};

use crate::{
    session_options::onyx_session_options,
    status::{array, check_out, guard, guard_value, non_null, utf8, write_out, onyx_status},
};

/// A loaded model. Thread safety: any number of threads may use one session at
/// once (runs, introspection); concurrent runs proceed in parallel. Freeing it
/// while another thread uses it is undefined: join those threads first.
pub struct onyx_session {
    pub(crate) inner: std::sync::Arc<Session>,
    inputs: Vec<onyx_value_info>,
    outputs: Vec<onyx_value_info>,
    metadata: onyx_model_metadata,
    /// The last profile file's path, lent by onyx_session_end_profiling.
    profile_path: std::sync::Mutex<CString>,
}

/// Description of one model input or output. Borrowed from its session.
pub struct onyx_value_info {
    name: CString,
    kind: u32,
    value_type: crate::value::onyx_value_type,
    element_type: u32,
    shape: Vec<i64>,
    dim_names: Vec<CString>,
}

/// The model's metadata. Borrowed from its session.
pub struct onyx_model_metadata {
    producer: CString,
    graph_name: CString,
    domain: CString,
    description: CString,
    graph_description: CString,
    version: Option<i64>,
    custom: Vec<(CString, CString)>,
}

fn c_string(s: &str) -> CString {
    CString::new(s.replace('\0', " ")).unwrap_or_default()
}

impl onyx_value_info {
    pub(crate) fn value_type(&self) -> &crate::value::onyx_value_type {
        &self.value_type
    }

    fn new(info: &ValueInfo) -> Self {
        onyx_value_info {
            name: c_string(&info.name),
            kind: info.kind as u32,
            value_type: crate::value::onyx_value_type::new(&info.value_type),
            element_type: info.element_type.map_or(0, |t| t as u32),
            shape: info.shape.clone(),
            dim_names: info.dim_names.iter().map(|n| c_string(n)).collect(),
        }
    }
}

impl onyx_model_metadata {
    fn new(meta: &ModelMetadata) -> Self {
        onyx_model_metadata {
            producer: c_string(&meta.producer),
            graph_name: c_string(&meta.graph_name),
            domain: c_string(&meta.domain),
            description: c_string(&meta.description),
            graph_description: c_string(&meta.graph_description),
            version: meta.version,
            custom: meta.custom.iter().map(|(k, v)| (c_string(k), c_string(v))).collect(),
        }
    }
}

fn finish(session: onyx_core::Result<Session>, out: *mut *mut onyx_session) -> onyx_core::Result<()> {
    let inner = session?;
    let handle = onyx_session {
        inputs: inner.inputs().iter().map(onyx_value_info::new).collect(),
        outputs: inner.outputs().iter().map(onyx_value_info::new).collect(),
        metadata: onyx_model_metadata::new(inner.metadata()),
        inner: std::sync::Arc::new(inner),
        profile_path: std::sync::Mutex::new(CString::default()),
    };
    write_out(out, onyx_boundary::into_raw(handle));
    Ok(())
}

fn options_or_default(options: *const onyx_session_options, default: &SessionOptions) -> &SessionOptions {
    unsafe { options.as_ref() }.map_or(default, |o| &o.inner)
}

/// Loads a model from a file. `options` may be NULL (defaults). Free the session
/// with onyx_session_free. Errors: ONYX_ERROR_MODEL_NOT_FOUND (no such file),
/// ONYX_ERROR_INVALID_MODEL (not an ONNX model), ONYX_ERROR_INVALID_UTF8 (path),
/// ONYX_ERROR_EXECUTION_PROVIDER_UNAVAILABLE, ONYX_ERROR_RUNTIME_LOAD_FAILED.
#[no_mangle]
pub extern "C" fn onyx_session_create_from_file(
    path: *const c_char,
    options: *const onyx_session_options,
    out: *mut *mut onyx_session,
) -> *mut onyx_status {
    guard(|| {
        let path = utf8(path, "path")?;
        check_out(out, "out")?;
        let default = SessionOptions::default();
        finish(Session::from_file(path, options_or_default(options, &default)), out)
    })
}

/// Loads a model from its bytes. The bytes are only read during the call.
#[no_mangle]
pub extern "C" fn onyx_session_create_from_bytes(
    data: *const u8,
    length: usize,
    options: *const onyx_session_options,
    out: *mut *mut onyx_session,
) -> *mut onyx_status {
    guard(|| {
        let bytes = array(data, length, "data")?;
        check_out(out, "out")?;
        let default = SessionOptions::default();
        finish(Session::from_bytes(bytes, options_or_default(options, &default)), out)
    })
}

/// Frees a session and everything borrowed from it. NULL is allowed. Asynchronous
/// runs in flight keep what they need: the model is released when the last one ends.
#[no_mangle]
pub extern "C" fn onyx_session_free(session: *mut onyx_session) {
    crate::status::free_handle(session)
}

/// Number of model inputs; 0 if `session` is NULL.
#[no_mangle]
pub extern "C" fn onyx_session_input_count(session: *const onyx_session) -> usize {
    unsafe { session.as_ref() }.map_or(0, |s| s.inputs.len())
}

/// Number of model outputs; 0 if `session` is NULL.
#[no_mangle]
pub extern "C" fn onyx_session_output_count(session: *const onyx_session) -> usize {
    unsafe { session.as_ref() }.map_or(0, |s| s.outputs.len())
}

/// Describes input `index`. `*out` is borrowed: valid until the session is freed.
/// An index past the end fails with ONYX_ERROR_INDEX_OUT_OF_RANGE.
#[no_mangle]
pub extern "C" fn onyx_session_input_info(session: *const onyx_session, index: usize, out: *mut *const onyx_value_info) -> *mut onyx_status {
    guard(|| {
        let session = non_null(session, "session")?;
        check_out(out, "out")?;
        session.inner.input(index)?; // core's index rule and message
        write_out(out, &session.inputs[index] as *const onyx_value_info);
        Ok(())
    })
}

/// Describes output `index`. `*out` is borrowed: valid until the session is freed.
/// An index past the end fails with ONYX_ERROR_INDEX_OUT_OF_RANGE.
#[no_mangle]
pub extern "C" fn onyx_session_output_info(session: *const onyx_session, index: usize, out: *mut *const onyx_value_info) -> *mut onyx_status {
    guard(|| {
        let session = non_null(session, "session")?;
        check_out(out, "out")?;
        session.inner.output(index)?;
        write_out(out, &session.outputs[index] as *const onyx_value_info);
        Ok(())
    })
}

/// The model's metadata, borrowed: valid until the session is freed. NULL if
/// `session` is NULL.
#[no_mangle]
pub extern "C" fn onyx_session_metadata(session: *const onyx_session) -> *const onyx_model_metadata {
    unsafe { session.as_ref() }.map_or(std::ptr::null(), |s| &s.metadata as *const onyx_model_metadata)
}

fn borrowed_str<T>(handle: *const T, field: impl FnOnce(&T) -> &CStr) -> *const c_char {
    guard_value(std::ptr::null(), || unsafe { handle.as_ref() }.map_or(std::ptr::null(), |h| field(h).as_ptr()))
}

/// The value's name. NULL if `info` is NULL. Borrowed from the session.
#[no_mangle]
pub extern "C" fn onyx_value_info_name(info: *const onyx_value_info) -> *const c_char {
    borrowed_str(info, |i| &i.name)
}

/// What the value is: ONYX_VALUE_KIND_TENSOR, _SEQUENCE, _MAP or _OPTIONAL; 0 if
/// `info` is NULL.
#[no_mangle]
pub extern "C" fn onyx_value_info_kind(info: *const onyx_value_info) -> u32 {
    unsafe { info.as_ref() }.map_or(0, |i| i.kind)
}

/// The element type (ONYX_ELEMENT_*, ONNX numbering); 0 when the value is not a
/// tensor of a type Onyx supports, or `info` is NULL.
#[no_mangle]
pub extern "C" fn onyx_value_info_element_type(info: *const onyx_value_info) -> u32 {
    unsafe { info.as_ref() }.map_or(0, |i| i.element_type)
}

/// Number of dimensions; 0 if `info` is NULL.
#[no_mangle]
pub extern "C" fn onyx_value_info_rank(info: *const onyx_value_info) -> usize {
    unsafe { info.as_ref() }.map_or(0, |i| i.shape.len())
}

/// The dimensions (`rank` values), -1 where the model leaves a dimension free.
/// Borrowed from the session; NULL if `info` is NULL.
#[no_mangle]
pub extern "C" fn onyx_value_info_shape(info: *const onyx_value_info) -> *const i64 {
    unsafe { info.as_ref() }.map_or(std::ptr::null(), |i| i.shape.as_ptr())
}

/// The name of dimension `dim` ("" when unnamed); NULL if `dim` is out of range.
#[no_mangle]
pub extern "C" fn onyx_value_info_dim_name(info: *const onyx_value_info, dim: usize) -> *const c_char {
    guard_value(std::ptr::null(), || {
        unsafe { info.as_ref() }.and_then(|i| i.dim_names.get(dim)).map_or(std::ptr::null(), |n| n.as_ptr())
    })
}

/// Producer name ("" when absent). Borrowed from the session.
#[no_mangle]
pub extern "C" fn onyx_model_metadata_producer(meta: *const onyx_model_metadata) -> *const c_char {
    borrowed_str(meta, |m| &m.producer)
}

/// Graph name ("" when absent). Borrowed from the session.
#[no_mangle]
pub extern "C" fn onyx_model_metadata_graph_name(meta: *const onyx_model_metadata) -> *const c_char {
    borrowed_str(meta, |m| &m.graph_name)
}

/// Model domain ("" when absent). Borrowed from the session.
#[no_mangle]
pub extern "C" fn onyx_model_metadata_domain(meta: *const onyx_model_metadata) -> *const c_char {
    borrowed_str(meta, |m| &m.domain)
}

/// Model description (doc_string, "" when absent). Borrowed from the session.
#[no_mangle]
pub extern "C" fn onyx_model_metadata_description(meta: *const onyx_model_metadata) -> *const c_char {
    borrowed_str(meta, |m| &m.description)
}

/// Graph description ("" when absent). Borrowed from the session.
#[no_mangle]
pub extern "C" fn onyx_model_metadata_graph_description(meta: *const onyx_model_metadata) -> *const c_char {
    borrowed_str(meta, |m| &m.graph_description)
}

/// Writes the model version to `*out` and returns true, or returns false (and
/// leaves `*out` alone) when the model has no version.
#[no_mangle]
pub extern "C" fn onyx_model_metadata_version(meta: *const onyx_model_metadata, out: *mut i64) -> bool {
    match (unsafe { meta.as_ref() }.and_then(|m| m.version), out.is_null()) {
        (Some(version), false) => {
            write_out(out, version);
            true
        }
        _ => false,
    }
}

/// Number of custom metadata entries (metadata_props).
#[no_mangle]
pub extern "C" fn onyx_model_metadata_custom_count(meta: *const onyx_model_metadata) -> usize {
    unsafe { meta.as_ref() }.map_or(0, |m| m.custom.len())
}

/// Key of custom entry `index` (sorted by key); NULL when out of range.
#[no_mangle]
pub extern "C" fn onyx_model_metadata_custom_key(meta: *const onyx_model_metadata, index: usize) -> *const c_char {
    unsafe { meta.as_ref() }.and_then(|m| m.custom.get(index)).map_or(std::ptr::null(), |(k, _)| k.as_ptr())
}

/// Value of the custom entry `key`; NULL when there is none (or `key` is NULL
/// or not UTF-8). Borrowed from the session.
#[no_mangle]
pub extern "C" fn onyx_model_metadata_custom_value(meta: *const onyx_model_metadata, key: *const c_char) -> *const c_char {
    guard_value(std::ptr::null(), || {
        let (Some(meta), Ok(key)) = (unsafe { meta.as_ref() }, utf8(key, "key")) else {
            return std::ptr::null();
        };
        meta.custom.iter().find(|(k, _)| k.to_bytes() == key.as_bytes()).map_or(std::ptr::null(), |(_, v)| v.as_ptr())
    })
}

/// Ends profiling (enabled with onyx_session_options_enable_profiling) and writes the
/// path of the JSON file ONNX Runtime wrote (Chrome's trace format) to `*path`,
/// borrowed: valid until the next call on this session or onyx_session_free.
/// ONYX_ERROR_INVALID_ARGUMENT when profiling is not enabled. Later runs are not profiled.
#[no_mangle]
pub extern "C" fn onyx_session_end_profiling(session: *const onyx_session, path: *mut *const c_char) -> *mut onyx_status {
    guard(|| {
        let session = non_null(session, "session")?;
        check_out(path, "path")?;
        let file = session.inner.end_profiling()?;
        let mut held = session.profile_path.lock().unwrap_or_else(|e| e.into_inner());
        *held = CString::new(file.as_os_str().as_encoded_bytes()).unwrap_or_default();
        write_out(path, held.as_ptr());
        Ok(())
    })
}
