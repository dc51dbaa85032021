//! C ABI behaviour that the shared suite does not reach: NULL everywhere, every
//! element type, execution providers, terminate flags, tensors on the edge.

mod common;

use std::{
    ffi::{CStr, CString},
    ptr,
};

use common::{init, outcome, root};
use onyx::*;

fn code(status: *mut onyx_status) -> u32 {
    outcome(status).0
}

fn message(status: *mut onyx_status) -> String {
    outcome(status).1
}

fn tiny_model() -> CString {
    CString::new(root().join("tests/suite/fixtures/add16.onnx").to_str().unwrap()).unwrap()
}

#[test]
fn null_arguments_are_errors_not_crashes() {
    let mut session = ptr::null_mut();
    let mut tensor = ptr::null_mut();
    let mut info = ptr::null();
    let shape = [1i64];
    assert_eq!(code(onyx_session_create_from_file(ptr::null(), ptr::null(), &mut session)), ONYX_ERROR_NULL_POINTER);
    assert_eq!(code(onyx_session_create_from_file(c"x.onnx".as_ptr(), ptr::null(), ptr::null_mut())), ONYX_ERROR_NULL_POINTER);
    assert_eq!(code(onyx_session_create_from_bytes(ptr::null(), 10, ptr::null(), &mut session)), ONYX_ERROR_NULL_POINTER);
    assert_eq!(code(onyx_session_input_info(ptr::null(), 0, &mut info)), ONYX_ERROR_NULL_POINTER);
    assert_eq!(code(onyx_session_run(ptr::null(), ptr::null(), ptr::null(), ptr::null(), 0, ptr::null(), 0, ptr::null_mut())), ONYX_ERROR_NULL_POINTER);
    assert_eq!(code(onyx_session_run_into(ptr::null(), ptr::null(), ptr::null(), ptr::null(), 0, ptr::null(), 0, ptr::null())), ONYX_ERROR_NULL_POINTER);
    assert_eq!(code(onyx_tensor_create_zeros(ONYX_ELEMENT_FLOAT32, ptr::null(), 1, &mut tensor)), ONYX_ERROR_NULL_POINTER);
    assert_eq!(code(onyx_tensor_create_zeros(ONYX_ELEMENT_FLOAT32, shape.as_ptr(), 1, ptr::null_mut())), ONYX_ERROR_NULL_POINTER);
    assert_eq!(code(onyx_tensor_create_copy(ONYX_ELEMENT_FLOAT32, shape.as_ptr(), 1, ptr::null(), 4, &mut tensor)), ONYX_ERROR_NULL_POINTER);
    assert_eq!(code(onyx_session_options_set_intra_op_threads(ptr::null_mut(), 1)), ONYX_ERROR_NULL_POINTER);
    assert_eq!(code(onyx_session_options_append_execution_provider(ptr::null_mut(), c"CPU".as_ptr())), ONYX_ERROR_NULL_POINTER);
    assert_eq!(code(onyx_run_options_terminate(ptr::null())), ONYX_ERROR_NULL_POINTER);
    assert_eq!(code(onyx_run_options_set_tag(ptr::null_mut(), c"t".as_ptr())), ONYX_ERROR_NULL_POINTER);
    assert_eq!(code(onyx_runtime_version(ptr::null_mut())), ONYX_ERROR_NULL_POINTER);
    assert_eq!(code(onyx_session_options_create(ptr::null_mut())), ONYX_ERROR_NULL_POINTER);
    // Infallible accessors answer NULL / 0 for NULL handles.
    assert!(onyx_tensor_data(ptr::null()).is_null());
    assert_eq!(onyx_tensor_rank(ptr::null()), 0);
    assert_eq!(onyx_session_input_count(ptr::null()), 0);
    assert_eq!(onyx_session_output_count(ptr::null()), 0);
    assert!(onyx_session_metadata(ptr::null()).is_null());
    assert_eq!(onyx_value_info_kind(ptr::null()), 0);
    assert_eq!(unsafe { CStr::from_ptr(onyx_run_options_tag(ptr::null())) }.to_bytes(), b"");
    assert!(onyx_value_info_name(ptr::null()).is_null());
    assert_eq!(onyx_model_metadata_custom_count(ptr::null()), 0);
    assert_eq!(onyx_status_code(ptr::null()), 0);
    // Every _free accepts NULL.
    onyx_session_free(ptr::null_mut());
    onyx_tensor_free(ptr::null_mut());
    onyx_session_options_free(ptr::null_mut());
    onyx_run_options_free(ptr::null_mut());
    onyx_status_free(ptr::null_mut());
}

#[test]
fn out_parameters_are_untouched_on_failure() {
    let marker = 0x5a5a as *mut onyx_session;
    let mut session = marker;
    assert_eq!(code(onyx_session_create_from_file(c"/nonexistent.onnx".as_ptr(), ptr::null(), &mut session)), ONYX_ERROR_MODEL_NOT_FOUND);
    assert_eq!(session, marker);
}

#[test]
fn every_element_type_round_trips() {
    init();
    let sizes = [
        (ONYX_ELEMENT_FLOAT32, 4), (ONYX_ELEMENT_UINT8, 1), (ONYX_ELEMENT_INT8, 1), (ONYX_ELEMENT_UINT16, 2),
        (ONYX_ELEMENT_INT16, 2), (ONYX_ELEMENT_INT32, 4), (ONYX_ELEMENT_INT64, 8), (ONYX_ELEMENT_BOOL, 1),
        (ONYX_ELEMENT_FLOAT16, 2), (ONYX_ELEMENT_FLOAT64, 8), (ONYX_ELEMENT_UINT32, 4), (ONYX_ELEMENT_UINT64, 8),
        (ONYX_ELEMENT_BFLOAT16, 2), (ONYX_ELEMENT_FLOAT8E4M3FN, 1), (ONYX_ELEMENT_FLOAT8E4M3FNUZ, 1),
        (ONYX_ELEMENT_FLOAT8E5M2, 1), (ONYX_ELEMENT_FLOAT8E5M2FNUZ, 1), (ONYX_ELEMENT_FLOAT8E8M0, 1),
    ];
    let shape = [2i64, 3];
    // The 4- and 2-bit types pack: 6 int4 elements in 3 bytes, 6 uint2 in 2.
    for (element_type, bytes) in [(ONYX_ELEMENT_INT4, 3usize), (ONYX_ELEMENT_UINT4, 3), (ONYX_ELEMENT_FLOAT4E2M1, 3), (ONYX_ELEMENT_UINT2, 2), (ONYX_ELEMENT_INT2, 2)] {
        let data = vec![0x5Au8; bytes];
        let mut packed = ptr::null_mut();
        assert_eq!(code(onyx_tensor_create_copy(element_type, shape.as_ptr(), 2, data.as_ptr().cast(), bytes, &mut packed)), 0, "type {element_type}");
        assert_eq!((onyx_tensor_element_count(packed), onyx_tensor_byte_length(packed)), (6, bytes));
        onyx_tensor_free(packed);
        let mut wrong = ptr::null_mut();
        assert_eq!(code(onyx_tensor_create_copy(element_type, shape.as_ptr(), 2, data.as_ptr().cast(), bytes + 1, &mut wrong)), ONYX_ERROR_BUFFER_SIZE_MISMATCH);
        assert_eq!(onyx_element_type_size(element_type), 0, "no whole-byte size");
    }
    for (element_type, size) in sizes {
        let bytes: Vec<u8> = (0..6 * size).map(|i| if element_type == ONYX_ELEMENT_BOOL { (i % 2) as u8 } else { i as u8 }).collect();
        // Owned copy.
        let mut copy = ptr::null_mut();
        assert_eq!(code(onyx_tensor_create_copy(element_type, shape.as_ptr(), 2, bytes.as_ptr().cast(), bytes.len(), &mut copy)), 0);
        assert_eq!(onyx_tensor_element_type(copy), element_type);
        assert_eq!(onyx_tensor_byte_length(copy), 6 * size);
        assert_eq!(onyx_tensor_element_count(copy), 6);
        assert_eq!(unsafe { std::slice::from_raw_parts(onyx_tensor_shape(copy), 2) }, &shape);
        assert_ne!(onyx_tensor_data(copy), bytes.as_ptr().cast());
        assert_eq!(unsafe { std::slice::from_raw_parts(onyx_tensor_data(copy).cast::<u8>(), bytes.len()) }, &bytes[..]);
        onyx_tensor_free(copy);
        // Borrowed: the caller's own memory (u64 words keep it aligned for every type).
        let mut words = vec![0u64; 6];
        let mut borrowed = ptr::null_mut();
        assert_eq!(code(onyx_tensor_create_borrowed(element_type, shape.as_ptr(), 2, words.as_mut_ptr().cast(), 6 * size, &mut borrowed)), 0);
        assert_eq!(onyx_tensor_data(borrowed), words.as_ptr().cast());
        onyx_tensor_free(borrowed);
        // Zeros.
        let mut zeros = ptr::null_mut();
        assert_eq!(code(onyx_tensor_create_zeros(element_type, shape.as_ptr(), 2, &mut zeros)), 0);
        assert!(unsafe { std::slice::from_raw_parts(onyx_tensor_data(zeros).cast::<u8>(), 6 * size) }.iter().all(|b| *b == 0));
        onyx_tensor_free(zeros);
    }
    let mut tensor = ptr::null_mut();
    assert_eq!(code(onyx_tensor_create_zeros(ONYX_ELEMENT_STRING, shape.as_ptr(), 2, &mut tensor)), 0, "zeros of strings: empty strings");
    let (mut data, mut length) = (ptr::null(), 99usize);
    assert_eq!(code(onyx_tensor_string(tensor, 5, &mut data, &mut length)), 0);
    assert_eq!(length, 0);
    assert_eq!(onyx_tensor_data(tensor), ptr::null(), "a string tensor has no raw data");
    assert_eq!(code(onyx_tensor_string(tensor, 6, &mut data, &mut length)), ONYX_ERROR_INDEX_OUT_OF_RANGE);
    onyx_tensor_free(tensor);
    let mut tensor = ptr::null_mut();
    assert_eq!(code(onyx_tensor_create_copy(ONYX_ELEMENT_STRING, shape.as_ptr(), 2, [0u8; 6].as_ptr().cast(), 6, &mut tensor)), ONYX_ERROR_INVALID_ARGUMENT, "strings are not raw bytes");
    let negative = [-1i64];
    assert_eq!(code(onyx_tensor_create_zeros(ONYX_ELEMENT_FLOAT32, negative.as_ptr(), 1, &mut tensor)), ONYX_ERROR_INVALID_ARGUMENT);
    let mut scalar = ptr::null_mut();
    assert_eq!(code(onyx_tensor_create_zeros(ONYX_ELEMENT_FLOAT32, ptr::null(), 0, &mut scalar)), 0, "rank 0 is a scalar");
    assert_eq!(onyx_tensor_element_count(scalar), 1);
    onyx_tensor_free(scalar);
    let mut misaligned = [0u64; 4];
    let odd = unsafe { misaligned.as_mut_ptr().cast::<u8>().add(1) };
    assert_eq!(code(onyx_tensor_create_borrowed(ONYX_ELEMENT_FLOAT32, [2i64].as_ptr(), 1, odd.cast(), 8, &mut tensor)), ONYX_ERROR_INVALID_ARGUMENT);
}

#[test]
fn missing_execution_provider_fails_unless_fallback_is_allowed() {
    init();
    let mut options = ptr::null_mut();
    assert_eq!(code(onyx_session_options_create(&mut options)), 0);
    assert_eq!(code(onyx_session_options_append_execution_provider(options, c"CUDA".as_ptr())), 0);
    let mut session = ptr::null_mut();
    let status = onyx_session_create_from_file(tiny_model().as_ptr(), options, &mut session);
    assert_eq!(onyx_status_code(status), ONYX_ERROR_EXECUTION_PROVIDER_UNAVAILABLE);
    let text = message(status);
    assert!(text.contains("CUDA") && text.contains("CPUExecutionProvider"), "{text}");
    assert!(session.is_null());

    assert_eq!(code(onyx_session_options_set_allow_provider_fallback(options, true)), 0);
    assert_eq!(code(onyx_session_create_from_file(tiny_model().as_ptr(), options, &mut session)), 0);
    onyx_session_free(session);

    // Naming CPU explicitly is always fine.
    let mut cpu_only = ptr::null_mut();
    assert_eq!(code(onyx_session_options_create(&mut cpu_only)), 0);
    assert_eq!(code(onyx_session_options_append_execution_provider(cpu_only, c"CPUExecutionProvider".as_ptr())), 0);
    assert_eq!(code(onyx_session_options_set_optimization_level(cpu_only, 7)), ONYX_ERROR_INVALID_ARGUMENT);
    assert_eq!(code(onyx_session_options_set_deterministic_compute(cpu_only, true)), 0);
    assert_eq!(code(onyx_session_options_add_config_entry(cpu_only, c"session.use_env_allocators".as_ptr(), c"1".as_ptr())), 0);
    assert_eq!(code(onyx_session_create_from_file(tiny_model().as_ptr(), cpu_only, &mut session)), 0);
    onyx_session_free(session);
    onyx_session_options_free(cpu_only);
    onyx_session_options_free(options);
}

fn run_add(session: *const onyx_session, options: *const onyx_run_options) -> u32 {
    let (a, b) = ([1f32; 16], [2f32; 16]);
    let shape = [16i64];
    let (mut ta, mut tb, mut out) = (ptr::null_mut(), ptr::null_mut(), ptr::null_mut());
    assert_eq!(code(onyx_tensor_create_copy(ONYX_ELEMENT_FLOAT32, shape.as_ptr(), 1, a.as_ptr().cast(), 64, &mut ta)), 0);
    assert_eq!(code(onyx_tensor_create_copy(ONYX_ELEMENT_FLOAT32, shape.as_ptr(), 1, b.as_ptr().cast(), 64, &mut tb)), 0);
    let names = [c"a".as_ptr(), c"b".as_ptr()];
    let inputs = [ta.cast_const(), tb.cast_const()];
    let result = code(onyx_session_run(session, options, names.as_ptr(), inputs.as_ptr(), 2, ptr::null(), 1, &mut out));
    if result == 0 {
        let sum = unsafe { std::slice::from_raw_parts(onyx_tensor_data(out).cast::<f32>(), 16) };
        assert!(sum.iter().all(|v| *v == 3.0));
    }
    onyx_tensor_free(out);
    onyx_tensor_free(ta);
    onyx_tensor_free(tb);
    result
}

#[test]
fn terminate_stays_until_reset() {
    init();
    let mut session = ptr::null_mut();
    assert_eq!(code(onyx_session_create_from_file(tiny_model().as_ptr(), ptr::null(), &mut session)), 0);
    let mut options = ptr::null_mut();
    assert_eq!(code(onyx_run_options_create(&mut options)), 0);
    assert_eq!(code(onyx_run_options_set_tag(options, c"abi-test".as_ptr())), 0);
    assert_eq!(run_add(session, options), 0);
    assert_eq!(code(onyx_run_options_terminate(options)), 0);
    assert_eq!(run_add(session, options), ONYX_ERROR_CANCELLED);
    assert_eq!(run_add(session, ptr::null()), 0, "other runs are not affected");
    assert_eq!(code(onyx_run_options_reset_terminate(options)), 0);
    assert_eq!(run_add(session, options), 0);
    onyx_run_options_free(options);
    onyx_session_free(session);
}

#[test]
fn outputs_may_not_alias_inputs() {
    init();
    let mut session = ptr::null_mut();
    assert_eq!(code(onyx_session_create_from_file(tiny_model().as_ptr(), ptr::null(), &mut session)), 0);
    let mut t = ptr::null_mut();
    assert_eq!(code(onyx_tensor_create_zeros(ONYX_ELEMENT_FLOAT32, [16i64].as_ptr(), 1, &mut t)), 0);
    let names = [c"a".as_ptr(), c"b".as_ptr()];
    let inputs = [t.cast_const(), t.cast_const()];
    let out_names = [c"sum".as_ptr()];
    let outputs = [t];
    let status = onyx_session_run_into(session, ptr::null(), names.as_ptr(), inputs.as_ptr(), 2, out_names.as_ptr(), 1, outputs.as_ptr());
    assert_eq!(code(status), ONYX_ERROR_INVALID_ARGUMENT);
    onyx_tensor_free(t);
    onyx_session_free(session);
}

#[test]
fn error_code_names_are_stable() {
    let name = |c| unsafe { CStr::from_ptr(onyx_error_code_name(c)) }.to_str().unwrap().to_string();
    assert_eq!(name(ONYX_ERROR_SHAPE_MISMATCH), "SHAPE_MISMATCH");
    assert_eq!(name(ONYX_ERROR_PANIC), "PANIC");
    assert_eq!(name(0), "UNKNOWN");
    assert_eq!(name(9999), "UNKNOWN");
    assert_eq!(onyx_abi_version() >> 16, ONYX_ABI_VERSION_MAJOR);
}

#[test]
fn log_level_is_checked() {
    assert_eq!(code(onyx_set_log_level(ONYX_LOG_ERROR)), 0);
    assert_eq!(code(onyx_set_log_level(42)), ONYX_ERROR_INVALID_ARGUMENT);
    assert_eq!(code(onyx_set_log_level(ONYX_LOG_WARNING)), 0);
}

#[test]
fn output_named_dimension_must_agree_with_the_inputs() {
    init();
    let model = CString::new(root().join("tests/suite/fixtures/resnet18.onnx").to_str().unwrap()).unwrap();
    let mut session = ptr::null_mut();
    assert_eq!(code(onyx_session_create_from_file(model.as_ptr(), ptr::null(), &mut session)), 0);
    let (mut input, mut output) = (ptr::null_mut(), ptr::null_mut());
    assert_eq!(code(onyx_tensor_create_zeros(ONYX_ELEMENT_FLOAT32, [1i64, 3, 224, 224].as_ptr(), 4, &mut input)), 0);
    // `logits` is [batch, 1000]; the input set batch = 1, the caller's buffer says 2.
    assert_eq!(code(onyx_tensor_create_zeros(ONYX_ELEMENT_FLOAT32, [2i64, 1000].as_ptr(), 2, &mut output)), 0);
    let (names, out_names) = ([c"input".as_ptr()], [c"logits".as_ptr()]);
    let status = onyx_session_run_into(session, ptr::null(), names.as_ptr(), [input.cast_const()].as_ptr(), 1, out_names.as_ptr(), 1, [output].as_ptr());
    assert_eq!(onyx_status_code(status), ONYX_ERROR_SHAPE_MISMATCH);
    let text = message(status);
    assert!(text.contains("logits") && text.contains("'batch'") && text.contains("expected 1") && text.contains("got 2"), "{text}");
    onyx_tensor_free(output);
    onyx_tensor_free(input);
    onyx_session_free(session);
}

#[test]
fn element_facts_come_from_core() {
    for t in onyx_core::ElementType::ALL {
        assert_eq!(onyx_element_type_size(t as u32), t.size());
        assert_eq!(unsafe { CStr::from_ptr(onyx_element_type_name(t as u32)) }.to_str().unwrap(), t.name());
    }
    assert_eq!(onyx_element_type_size(8), 0, "strings have no fixed size");
    assert_eq!(unsafe { CStr::from_ptr(onyx_element_type_name(999)) }.to_bytes(), b"unknown");
}

#[test]
fn run_options_lend_their_tag() {
    init();
    let mut options = ptr::null_mut();
    assert_eq!(code(onyx_run_options_create(&mut options)), 0);
    assert_eq!(unsafe { CStr::from_ptr(onyx_run_options_tag(options)) }.to_bytes(), b"");
    assert_eq!(code(onyx_run_options_set_tag(options, c"batch-7".as_ptr())), 0);
    assert_eq!(unsafe { CStr::from_ptr(onyx_run_options_tag(options)) }.to_bytes(), b"batch-7");
    onyx_run_options_free(options);
}

#[test]
fn thread_counts_are_checked_by_core() {
    let mut options = ptr::null_mut();
    assert_eq!(code(onyx_session_options_create(&mut options)), 0);
    assert_eq!(code(onyx_session_options_set_intra_op_threads(options, 0)), 0);
    assert_eq!(code(onyx_session_options_set_inter_op_threads(options, 3)), 0);
    let text = message(onyx_session_options_set_inter_op_threads(options, -2));
    assert!(text.contains("inter_op_threads") && text.contains("-2"), "{text}");
    assert_eq!(code(onyx_session_options_set_intra_op_threads(options, i32::MIN)), ONYX_ERROR_INVALID_ARGUMENT);
    onyx_session_options_free(options);
}

/// A run terminated while it ran is CANCELLED even when another thread resets the
/// flag before the run looks at it (a terminate/reset loop, as a server's cancel
/// button might drive it). Every failure must be CANCELLED, never RUNTIME_ERROR.
#[test]
fn a_run_terminated_and_reset_during_it_is_still_cancelled() {
    use std::sync::atomic::{AtomicBool, Ordering};
    init();
    let model = CString::new(root().join("tests/suite/fixtures/resnet18.onnx").to_str().unwrap()).unwrap();
    let (mut session, mut options, mut input) = (ptr::null_mut(), ptr::null_mut(), ptr::null_mut());
    assert_eq!(code(onyx_session_create_from_file(model.as_ptr(), ptr::null(), &mut session)), 0);
    assert_eq!(code(onyx_run_options_create(&mut options)), 0);
    assert_eq!(code(onyx_tensor_create_zeros(ONYX_ELEMENT_FLOAT32, [1i64, 3, 224, 224].as_ptr(), 4, &mut input)), 0);
    struct Shared(*const onyx_run_options);
    unsafe impl Send for Shared {}
    unsafe impl Sync for Shared {}
    let shared = Shared(options);
    let stop = AtomicBool::new(false);
    let (mut cancelled, mut other) = (0, vec![]);
    std::thread::scope(|scope| {
        scope.spawn(|| {
            let options = &shared;
            while !stop.load(Ordering::Relaxed) {
                assert_eq!(code(onyx_run_options_terminate(options.0)), 0);
                assert_eq!(code(onyx_run_options_reset_terminate(options.0)), 0);
            }
        });
        for _ in 0..80 {
            let mut output = ptr::null_mut();
            let status = onyx_session_run(session, options, [c"input".as_ptr()].as_ptr(), [input.cast_const()].as_ptr(), 1, ptr::null(), 1, &mut output);
            match onyx_status_code(status) {
                0 => {}
                ONYX_ERROR_CANCELLED => cancelled += 1,
                _ => other.push(message(status)),
            }
            if onyx_status_code(status) == ONYX_ERROR_CANCELLED {
                onyx_status_free(status);
            }
            onyx_tensor_free(output);
        }
        stop.store(true, Ordering::Relaxed);
    });
    assert!(other.is_empty(), "{} runs failed with another code: {:?}", other.len(), other.first());
    assert!(cancelled > 0, "no run was cancelled: the loop did not reach a run");
    onyx_tensor_free(input);
    onyx_run_options_free(options);
    onyx_session_free(session);
}

/// Sizes come from callers: a shape too large to allocate is an error the caller can
/// handle, never an abort, and the process goes on making tensors.
#[test]
fn a_tensor_too_large_to_allocate_is_out_of_memory() {
    init();
    let mut tensor = ptr::null_mut();
    // 2^48 bytes is past any x86-64 or arm64 user address space, even with overcommit.
    let huge = [1i64 << 46];
    let text = message(onyx_tensor_create_zeros(ONYX_ELEMENT_FLOAT32, huge.as_ptr(), 1, &mut tensor));
    assert!(text.contains("[70368744177664]") && text.contains("281474976710656 bytes"), "{text}");
    assert_eq!(code(onyx_tensor_create_zeros(ONYX_ELEMENT_FLOAT32, huge.as_ptr(), 1, &mut tensor)), ONYX_ERROR_OUT_OF_MEMORY);
    // More bytes than a pointer can address: refused before asking the allocator.
    assert_eq!(code(onyx_tensor_create_zeros(ONYX_ELEMENT_FLOAT32, [1i64 << 61].as_ptr(), 1, &mut tensor)), ONYX_ERROR_OUT_OF_MEMORY);
    assert_eq!(code(onyx_tensor_create_zeros(ONYX_ELEMENT_FLOAT32, [1i64 << 62].as_ptr(), 1, &mut tensor)), ONYX_ERROR_INVALID_ARGUMENT);
    assert!(tensor.is_null(), "no tensor was written");
    assert_eq!(code(onyx_tensor_create_zeros(ONYX_ELEMENT_FLOAT32, [4i64].as_ptr(), 1, &mut tensor)), 0);
    onyx_tensor_free(tensor);
}

#[test]
fn an_empty_tensor_reports_the_pointer_it_was_given() {
    init();
    let mut tensor = ptr::null_mut();
    let empty = [0i64, 4];
    assert_eq!(code(onyx_tensor_create_borrowed(ONYX_ELEMENT_FLOAT32, empty.as_ptr(), 2, ptr::null_mut(), 0, &mut tensor)), 0);
    assert!(onyx_tensor_data(tensor).is_null(), "NULL in, NULL out (not a dangling 0x8)");
    assert_eq!(onyx_tensor_byte_length(tensor), 0);
    onyx_tensor_free(tensor);
    // An empty buffer need not be aligned: it holds nothing to read.
    let odd = 1usize as *mut std::ffi::c_void;
    assert_eq!(code(onyx_tensor_create_borrowed(ONYX_ELEMENT_FLOAT32, empty.as_ptr(), 2, odd, 0, &mut tensor)), 0);
    assert_eq!(onyx_tensor_data(tensor) as usize, 1);
    onyx_tensor_free(tensor);
}

#[test]
fn a_long_hostile_name_gives_a_bounded_message() {
    init();
    let mut session = ptr::null_mut();
    assert_eq!(code(onyx_session_create_from_file(tiny_model().as_ptr(), ptr::null(), &mut session)), 0);
    let mut a = ptr::null_mut();
    assert_eq!(code(onyx_tensor_create_zeros(ONYX_ELEMENT_FLOAT32, [16i64].as_ptr(), 1, &mut a)), 0);
    let long = CString::new("n".repeat(1 << 20)).unwrap();
    let names = [c"a".as_ptr(), c"b".as_ptr(), long.as_ptr()];
    let inputs = [a as *const onyx_tensor, a, a];
    let mut out = ptr::null_mut();
    let status = onyx_session_run(session, ptr::null(), names.as_ptr(), inputs.as_ptr(), 3, ptr::null(), 1, &mut out);
    assert_eq!(onyx_status_code(status), ONYX_ERROR_UNKNOWN_INPUT);
    let text = message(status);
    assert!(text.len() < 5000, "a 1 MiB name made a {} byte message", text.len());
    onyx_tensor_free(a);
    onyx_session_free(session);
}

/// What the async callbacks of one test saw: (status code, sum of the first output).
type Seen = std::sync::Mutex<Vec<(u32, f32)>>;

unsafe extern "C" fn record_run(user_data: *mut std::ffi::c_void, status: *mut onyx_status, outputs: *const *mut onyx_tensor, count: usize) {
    let seen = unsafe { &*(user_data as *const Seen) };
    let entry = if status.is_null() {
        let out = unsafe { *outputs };
        let first = unsafe { *onyx_tensor_data(out).cast::<f32>() };
        for i in 0..count {
            onyx_tensor_free(unsafe { *outputs.add(i) });
        }
        (0, first)
    } else {
        (code(status), f32::NAN)
    };
    seen.lock().unwrap().push(entry);
}

fn wait_for(seen: &Seen, n: usize) {
    let start = std::time::Instant::now();
    while seen.lock().unwrap().len() < n {
        assert!(start.elapsed().as_secs() < 60, "callbacks did not arrive");
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
}

#[test]
fn async_runs_call_back_exactly_once_and_refuse_what_they_cannot_read() {
    init();
    let mut session = ptr::null_mut();
    assert_eq!(code(onyx_session_create_from_file(tiny_model().as_ptr(), ptr::null(), &mut session)), 0);
    let (a, shape) = ([1.5f32; 16], [16i64]);
    let mut ta = ptr::null_mut();
    assert_eq!(code(onyx_tensor_create_copy(ONYX_ELEMENT_FLOAT32, shape.as_ptr(), 1, a.as_ptr().cast(), 64, &mut ta)), 0);
    let names = [c"a".as_ptr(), c"b".as_ptr()];
    let inputs = [ta.cast_const(), ta.cast_const()];
    let seen: Seen = Default::default();
    let user = &seen as *const Seen as *mut std::ffi::c_void;
    let mut run = ptr::null_mut();
    // What the call cannot read fails at the call, and the callback never comes.
    assert_eq!(code(onyx_session_run_async(ptr::null(), ptr::null(), names.as_ptr(), inputs.as_ptr(), 2, ptr::null(), 0, Some(record_run), user, &mut run)), ONYX_ERROR_NULL_POINTER);
    assert_eq!(code(onyx_session_run_async(session, ptr::null(), names.as_ptr(), inputs.as_ptr(), 2, ptr::null(), 0, None, user, &mut run)), ONYX_ERROR_NULL_POINTER);
    assert_eq!(code(onyx_session_run_async(session, ptr::null(), names.as_ptr(), inputs.as_ptr(), 2, ptr::null(), 0, Some(record_run), user, ptr::null_mut())), ONYX_ERROR_NULL_POINTER);
    assert!(run.is_null());
    // Many at once: each calls back once, with 1.5 + 1.5.
    const RUNS: usize = 200;
    for _ in 0..RUNS {
        let mut run = ptr::null_mut();
        assert_eq!(code(onyx_session_run_async(session, ptr::null(), names.as_ptr(), inputs.as_ptr(), 2, ptr::null(), 0, Some(record_run), user, &mut run)), 0);
        onyx_async_run_free(run); // the run goes on
    }
    wait_for(&seen, RUNS);
    std::thread::sleep(std::time::Duration::from_millis(20));
    assert_eq!(seen.lock().unwrap().len(), RUNS);
    assert!(seen.lock().unwrap().iter().all(|&(c, v)| c == 0 && v == 3.0));
    // Terminated run options reach the run through its own copy; a missing input is
    // reported through the callback, not the call.
    seen.lock().unwrap().clear();
    let mut options = ptr::null_mut();
    assert_eq!(code(onyx_run_options_create(&mut options)), 0);
    assert_eq!(code(onyx_run_options_terminate(options)), 0);
    let mut terminated = ptr::null_mut();
    assert_eq!(code(onyx_session_run_async(session, options, names.as_ptr(), inputs.as_ptr(), 2, ptr::null(), 0, Some(record_run), user, &mut terminated)), 0);
    onyx_run_options_free(options); // copied by the call
    let mut missing = ptr::null_mut();
    assert_eq!(code(onyx_session_run_async(session, ptr::null(), names.as_ptr(), inputs.as_ptr(), 1, ptr::null(), 0, Some(record_run), user, &mut missing)), 0);
    wait_for(&seen, 2);
    let mut codes: Vec<u32> = seen.lock().unwrap().iter().map(|e| e.0).collect();
    codes.sort();
    assert_eq!(codes, vec![ONYX_ERROR_MISSING_INPUT, ONYX_ERROR_CANCELLED]);
    // A run whose result is decided can no longer be cancelled.
    let mut in_time = true;
    assert_eq!(code(onyx_async_run_cancel(missing, &mut in_time)), 0);
    assert!(!in_time);
    assert_eq!(code(onyx_async_run_cancel(ptr::null(), &mut in_time)), ONYX_ERROR_NULL_POINTER);
    onyx_async_run_free(terminated);
    onyx_async_run_free(missing);
    onyx_async_run_free(ptr::null_mut());
    onyx_tensor_free(ta);
    onyx_session_free(session);
}

static INSIDE_SET: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(u32::MAX);

unsafe extern "C" fn try_to_replace_itself(_: *mut std::ffi::c_void, _: u32, _: *const std::ffi::c_char, _: *const std::ffi::c_char) {
    INSIDE_SET.store(code(onyx_set_log_callback(None, ptr::null_mut())), std::sync::atomic::Ordering::SeqCst);
}

#[test]
fn a_log_callback_cannot_replace_itself() {
    init();
    assert_eq!(code(onyx_set_log_callback(Some(try_to_replace_itself), ptr::null_mut())), 0);
    assert_eq!(code(onyx_set_log_level(ONYX_LOG_VERBOSE)), 0);
    let mut session = ptr::null_mut();
    assert_eq!(code(onyx_session_create_from_file(tiny_model().as_ptr(), ptr::null(), &mut session)), 0);
    assert_eq!(code(onyx_set_log_level(ONYX_LOG_WARNING)), 0);
    assert_eq!(code(onyx_set_log_callback(None, ptr::null_mut())), 0);
    onyx_session_free(session);
    assert_eq!(INSIDE_SET.load(std::sync::atomic::Ordering::SeqCst), ONYX_ERROR_INVALID_ARGUMENT);
}

unsafe extern "C" fn count_release(user_data: *mut std::ffi::c_void) {
    unsafe { &*user_data.cast::<std::sync::atomic::AtomicUsize>() }.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
}

unsafe extern "C" fn unknown_code_kernel(_: *mut std::ffi::c_void, _: *mut onyx_kernel_context) -> *mut onyx_status {
    onyx_status_create(9999, ptr::null())
}

#[test]
fn an_operator_releases_its_user_data_once_after_its_last_session_and_never_when_refused() {
    init();
    use std::sync::atomic::{AtomicUsize, Ordering};
    let released = AtomicUsize::new(0);
    let data = (&released as *const AtomicUsize).cast_mut().cast();
    let float = [ONYX_ELEMENT_FLOAT32];
    let (domain, name) = (c"dev.onyx.test", c"ScaleShift");
    let mut op = ptr::null_mut();
    // Refused (no outputs; then an unknown attribute kind): the caller keeps user_data.
    let none: [u32; 0] = [];
    let status = onyx_operator_create(domain.as_ptr(), name.as_ptr(), 1, 0, float.as_ptr(), 1, none.as_ptr(), 0, ptr::null(), ptr::null(), 0, Some(unknown_code_kernel), data, Some(count_release), &mut op);
    assert_eq!(code(status), ONYX_ERROR_INVALID_ARGUMENT);
    let names = [c"alpha".as_ptr()];
    let status = onyx_operator_create(domain.as_ptr(), name.as_ptr(), 1, 0, float.as_ptr(), 1, float.as_ptr(), 1, names.as_ptr(), [7u32].as_ptr(), 1, Some(unknown_code_kernel), data, Some(count_release), &mut op);
    assert_eq!(code(status), ONYX_ERROR_INVALID_ARGUMENT);
    assert!(op.is_null());
    assert_eq!(released.load(Ordering::SeqCst), 0);
    // Made, then used by a session that outlives it.
    let names = [c"alpha".as_ptr(), c"beta".as_ptr()];
    let kinds = [ONYX_ATTRIBUTE_FLOAT, ONYX_ATTRIBUTE_FLOAT];
    assert!(onyx_operator_create(domain.as_ptr(), name.as_ptr(), 1, 0, float.as_ptr(), 1, float.as_ptr(), 1, names.as_ptr(), kinds.as_ptr(), 2, Some(unknown_code_kernel), data, Some(count_release), &mut op).is_null());
    let mut options = ptr::null_mut();
    assert!(onyx_session_options_create(&mut options).is_null());
    assert!(onyx_session_options_add_operator(options, op).is_null());
    assert!(onyx_session_options_add_operator(options, op).is_null(), "the same operator again is a no-op");
    let model = CString::new(root().join("tests/suite/fixtures/customops/scale_shift.onnx").to_str().unwrap()).unwrap();
    let mut session = ptr::null_mut();
    assert!(onyx_session_create_from_file(model.as_ptr(), options, &mut session).is_null());
    onyx_session_options_free(options);
    onyx_operator_free(op);
    assert_eq!(released.load(Ordering::SeqCst), 0, "the session still uses it");
    // A status with an unknown code and no message: KERNEL_FAILED, and a message saying so.
    let x = [1f32; 6];
    let mut input = ptr::null_mut();
    assert!(onyx_tensor_create_copy(ONYX_ELEMENT_FLOAT32, [2i64, 3].as_ptr(), 2, x.as_ptr().cast(), 24, &mut input).is_null());
    let (input_names, output) = ([c"x".as_ptr()], &mut [ptr::null_mut(); 1]);
    let status = onyx_session_run(session, ptr::null(), input_names.as_ptr(), [input as *const onyx_tensor].as_ptr(), 1, ptr::null(), 1, output.as_mut_ptr());
    assert_eq!(onyx_status_code(status), ONYX_ERROR_KERNEL_FAILED);
    assert!(message(status).contains("message is NULL"));
    onyx_tensor_free(input);
    onyx_session_free(session);
    assert_eq!(released.load(Ordering::SeqCst), 1);
}
