//! The value model through the C ABI: string tensors, sequences, maps, optionals, full
//! types, and the errors each mistake gives. The models are the suite's scikit-learn
//! fixtures (tests/suite/fixtures/sklearn, written by `make fixtures`).

mod common;

use std::{
    ffi::{CStr, CString},
    ptr,
};

use common::{init, outcome, root};
use onyx::*;

fn session(name: &str) -> *mut onyx_session {
    let path = CString::new(root().join(format!("tests/suite/fixtures/sklearn/{name}/model.onnx")).to_str().unwrap()).unwrap();
    let mut session = ptr::null_mut();
    assert_eq!(outcome(onyx_session_create_from_file(path.as_ptr(), ptr::null(), &mut session)).0, 0, "make fixtures writes {name}");
    session
}

fn strings(shape: &[i64], texts: &[&[u8]]) -> Result<*mut onyx_tensor, (u32, String)> {
    let pointers: Vec<*const std::ffi::c_char> = texts.iter().map(|t| t.as_ptr().cast()).collect();
    let lengths: Vec<usize> = texts.iter().map(|t| t.len()).collect();
    let mut tensor = ptr::null_mut();
    match outcome(onyx_tensor_create_strings(shape.as_ptr(), shape.len(), pointers.as_ptr(), lengths.as_ptr(), texts.len(), &mut tensor)) {
        (0, _) => Ok(tensor),
        failure => Err(failure),
    }
}

fn read_string(tensor: *const onyx_tensor, index: usize) -> Vec<u8> {
    let (mut data, mut length) = (ptr::null(), 0);
    assert_eq!(outcome(onyx_tensor_string(tensor, index, &mut data, &mut length)).0, 0);
    unsafe { std::slice::from_raw_parts(data.cast::<u8>(), length) }.to_vec()
}

fn floats(values: &[f32]) -> *mut onyx_tensor {
    let mut tensor = ptr::null_mut();
    let shape = [values.len() as i64];
    assert_eq!(outcome(onyx_tensor_create_copy(ONYX_ELEMENT_FLOAT32, shape.as_ptr(), 1, values.as_ptr().cast(), values.len() * 4, &mut tensor)).0, 0);
    tensor
}

/// The tensor a tensor value lends.
fn tensor_of(value: *const onyx_value) -> *const onyx_tensor {
    let mut tensor = ptr::null();
    assert_eq!(outcome(onyx_value_tensor(value, &mut tensor)).0, 0);
    tensor
}

/// Item 0 of a sequence.
fn item_tensor_value_of(sequence: *const onyx_value) -> *const onyx_value {
    let mut item = ptr::null();
    assert_eq!(outcome(onyx_value_item(sequence, 0, &mut item)).0, 0);
    item
}

fn tensor_value(tensor: *mut onyx_tensor) -> *mut onyx_value {
    let mut value = ptr::null_mut();
    assert_eq!(outcome(onyx_value_create_tensor(tensor, &mut value)).0, 0);
    value
}

#[test]
fn strings_round_trip_with_nul_and_non_ascii_and_bad_utf8_names_the_element() {
    init();
    let texts: [&[u8]; 3] = [b"plain", "caf\u{e9} \u{1F600}".as_bytes(), b"a\0b"];
    let tensor = strings(&[3], &texts).unwrap();
    assert_eq!(onyx_tensor_element_type(tensor), ONYX_ELEMENT_STRING);
    assert_eq!(onyx_tensor_element_count(tensor), 3);
    for (i, text) in texts.iter().enumerate() {
        assert_eq!(read_string(tensor, i), *text);
    }
    let (mut data, mut length) = (ptr::null(), 0);
    assert_eq!(outcome(onyx_tensor_string(tensor, 3, &mut data, &mut length)).0, ONYX_ERROR_INDEX_OUT_OF_RANGE);
    onyx_tensor_free(tensor);

    let (code, text) = strings(&[2], &[b"ok", b"\xff\xfe"]).unwrap_err();
    assert_eq!(code, ONYX_ERROR_INVALID_UTF8);
    assert!(text.contains("element 1"), "{text}");
    let (code, text) = strings(&[3], &[b"one", b"two"]).unwrap_err();
    assert_eq!(code, ONYX_ERROR_BUFFER_SIZE_MISMATCH);
    assert!(text.contains("2 strings") && text.contains("needs 3"), "{text}");
    let strings_tensor = strings(&[1], &[b"x"]).unwrap();
    let mut raw = ptr::null();
    let (code, text) = outcome(onyx_tensor_data_as(strings_tensor, ONYX_ELEMENT_STRING, &mut raw));
    assert_eq!((code, text.as_str()), (ONYX_ERROR_TYPE_MISMATCH, "a string tensor has no raw data: read its strings"));
    onyx_tensor_free(strings_tensor);
    let floats = floats(&[1.0]);
    assert_eq!(outcome(onyx_tensor_string(floats, 0, &mut data, &mut length)).0, ONYX_ERROR_TYPE_MISMATCH);
    onyx_tensor_free(floats);
}

#[test]
fn maps_and_sequences_refuse_what_onnx_cannot_hold() {
    init();
    let keys = strings(&[2], &[b"a", b"b"]).unwrap();
    let mut map = ptr::null_mut();
    let (code, text) = outcome(onyx_value_create_map(keys, floats(&[1.0, 2.0, 3.0]), &mut map));
    assert_eq!(code, ONYX_ERROR_INVALID_ARGUMENT, "{text}");
    assert!(text.contains("2 keys but 3 values"), "{text}");
    assert!(map.is_null());
    let (code, _) = outcome(onyx_value_create_map(floats(&[1.0]), floats(&[1.0]), &mut map));
    assert_eq!(code, ONYX_ERROR_TYPE_MISMATCH, "float keys");

    let keys = strings(&[2], &[b"a", b"b"]).unwrap();
    assert_eq!(outcome(onyx_value_create_map(keys, floats(&[0.25, 0.75]), &mut map)).0, 0);
    assert_eq!(onyx_value_kind(map), ONYX_VALUE_KIND_MAP);
    assert_eq!(onyx_value_count(map), 2);
    let (mut k, mut v) = (ptr::null(), ptr::null());
    assert_eq!(outcome(onyx_value_map(map, &mut k, &mut v)).0, 0);
    assert_eq!(read_string(k, 1), b"b");
    assert_eq!(unsafe { *onyx_tensor_data(v).cast::<f32>().add(1) }, 0.75);

    let mixed = [tensor_value(floats(&[1.0])), tensor_value(strings(&[1], &[b"x"]).unwrap())];
    let mut sequence = ptr::null_mut();
    let (code, text) = outcome(onyx_value_create_sequence(mixed.as_ptr(), 2, &mut sequence));
    assert_eq!(code, ONYX_ERROR_TYPE_MISMATCH);
    assert!(text.contains("item 1 is tensor(string), but item 0 is tensor(float)"), "{text}");

    let items = [map, tensor_value(floats(&[2.0]))];
    let (code, _) = outcome(onyx_value_create_sequence(items.as_ptr(), 2, &mut sequence));
    assert_eq!(code, ONYX_ERROR_TYPE_MISMATCH, "a map and a tensor");
    let one = [tensor_value(floats(&[1.0, 2.0]))];
    assert_eq!(outcome(onyx_value_create_sequence(one.as_ptr(), 1, &mut sequence)).0, 0);
    let mut item = ptr::null();
    assert_eq!(outcome(onyx_value_item(sequence, 0, &mut item)).0, 0);
    assert_eq!(onyx_tensor_element_count(tensor_of(item)), 2);
    assert_eq!(outcome(onyx_value_item(sequence, 1, &mut item)).0, ONYX_ERROR_INDEX_OUT_OF_RANGE);

    // Reading a value as another kind: core's TYPE_MISMATCH, naming both kinds.
    let mut lent = ptr::null();
    let (code, text) = outcome(onyx_value_tensor(sequence, &mut lent));
    assert_eq!((code, text.as_str()), (ONYX_ERROR_TYPE_MISMATCH, "a sequence value is not a tensor"));
    let (code, text) = outcome(onyx_value_map(sequence, ptr::null_mut(), ptr::null_mut()));
    assert_eq!((code, text.as_str()), (ONYX_ERROR_TYPE_MISMATCH, "a sequence value is not a map"));
    let (code, text) = outcome(onyx_value_optional(sequence, &mut item));
    assert_eq!((code, text.as_str()), (ONYX_ERROR_TYPE_MISMATCH, "a sequence value is not an optional"));
    let (code, text) = outcome(onyx_value_item(item_tensor_value_of(sequence), 0, &mut item));
    assert_eq!((code, text.as_str()), (ONYX_ERROR_TYPE_MISMATCH, "a tensor value is not a sequence"));
    onyx_value_free(sequence);

    let mut absent = ptr::null_mut();
    assert_eq!(outcome(onyx_value_create_optional(ptr::null_mut(), &mut absent)).0, 0);
    assert_eq!((onyx_value_kind(absent), onyx_value_count(absent)), (ONYX_VALUE_KIND_OPTIONAL, 0));
    assert_eq!(outcome(onyx_value_item(absent, 0, &mut item)).0, ONYX_ERROR_INDEX_OUT_OF_RANGE);
    item = ptr::dangling();
    assert_eq!(outcome(onyx_value_optional(absent, &mut item)).0, 0);
    assert!(item.is_null(), "an absent optional has no item");
    onyx_value_free(absent);
}

#[test]
fn a_classifier_takes_floats_and_gives_string_labels_and_zipmap_probabilities() {
    init();
    let session = session("classifier");
    let mut info = ptr::null();
    assert_eq!(outcome(onyx_session_output_info(session, 1, &mut info)).0, 0);
    let type_name = unsafe { CStr::from_ptr(onyx_value_info_type_name(info)) }.to_str().unwrap();
    assert_eq!(type_name, "seq(map(string,tensor(float)))");
    let value_type = onyx_value_info_type(info);
    assert_eq!(onyx_value_type_kind(value_type), ONYX_VALUE_KIND_SEQUENCE);
    let map_type = onyx_value_type_item(value_type);
    assert_eq!(unsafe { CStr::from_ptr(onyx_value_type_name(map_type)) }.to_str().unwrap(), "map(string,tensor(float))");
    assert_eq!(unsafe { CStr::from_ptr(onyx_value_type_name(onyx_value_type_item(map_type))) }.to_str().unwrap(), "tensor(float)");
    assert!(onyx_value_type_item(onyx_value_type_item(map_type)).is_null(), "a tensor type holds nothing");
    assert_eq!((onyx_value_type_kind(map_type), onyx_value_type_key_type(map_type), onyx_value_type_element_type(map_type)), (ONYX_VALUE_KIND_MAP, ONYX_ELEMENT_STRING, ONYX_ELEMENT_FLOAT32));

    let rows = [0.0f32; 8];
    let mut input = ptr::null_mut();
    assert_eq!(outcome(onyx_tensor_create_copy(ONYX_ELEMENT_FLOAT32, [2i64, 4].as_ptr(), 2, rows.as_ptr().cast(), 32, &mut input)).0, 0);
    let input = tensor_value(input);
    let names = [c"input".as_ptr()];
    let mut outputs = [ptr::null_mut(); 2];
    assert_eq!(outcome(onyx_session_run_values(session, ptr::null(), names.as_ptr(), [input.cast_const()].as_ptr(), 1, ptr::null(), 2, outputs.as_mut_ptr())).0, 0);
    let labels = tensor_of(outputs[0]);
    assert_eq!((onyx_tensor_element_type(labels), onyx_tensor_element_count(labels)), (ONYX_ELEMENT_STRING, 2));
    assert_eq!(onyx_value_count(outputs[1]), 2, "one map per row");
    let mut row = ptr::null();
    assert_eq!(outcome(onyx_value_item(outputs[1], 0, &mut row)).0, 0);
    let (mut keys, mut values) = (ptr::null(), ptr::null());
    assert_eq!(outcome(onyx_value_map(row, &mut keys, &mut values)).0, 0);
    let probabilities = unsafe { std::slice::from_raw_parts(onyx_tensor_data(values).cast::<f32>(), onyx_tensor_element_count(values)) };
    assert!((probabilities.iter().sum::<f32>() - 1.0).abs() < 1e-5, "{probabilities:?}");
    // The label is the most probable class.
    let best = (0..probabilities.len()).fold(0, |b, i| if probabilities[i] > probabilities[b] { i } else { b });
    assert_eq!(read_string(labels, 0), read_string(keys, best));
    outputs.iter().for_each(|v| onyx_value_free(*v));

    // A required input given as an absent optional: MISSING_INPUT, and the session goes on.
    let mut absent = ptr::null_mut();
    assert_eq!(outcome(onyx_value_create_optional(ptr::null_mut(), &mut absent)).0, 0);
    let (code, text) = outcome(onyx_session_run_values(session, ptr::null(), names.as_ptr(), [absent.cast_const()].as_ptr(), 1, ptr::null(), 2, outputs.as_mut_ptr()));
    assert_eq!(code, ONYX_ERROR_MISSING_INPUT, "{text}");
    assert!(text.contains("'input'"), "{text}");
    let strings_input = tensor_value(strings(&[2, 4], &[b"a".as_slice(); 8]).unwrap());
    let (code, text) = outcome(onyx_session_run_values(session, ptr::null(), names.as_ptr(), [strings_input.cast_const()].as_ptr(), 1, ptr::null(), 2, outputs.as_mut_ptr()));
    assert_eq!(code, ONYX_ERROR_TYPE_MISMATCH, "{text}");
    // The tensor-only run refuses the sequence output before running, naming it.
    let mut tensors = [ptr::null_mut(); 2];
    let (code, text) = outcome(onyx_session_run(session, ptr::null(), names.as_ptr(), [tensor_of(input)].as_ptr(), 1, ptr::null(), 2, tensors.as_mut_ptr()));
    assert_eq!(code, ONYX_ERROR_TYPE_MISMATCH);
    assert!(text.contains("output 'output_probability' is a sequence (seq(map(string,tensor(float))))"), "{text}");
    assert_eq!(outcome(onyx_session_run_values(session, ptr::null(), names.as_ptr(), [input.cast_const()].as_ptr(), 1, ptr::null(), 2, outputs.as_mut_ptr())).0, 0, "still usable");
    outputs.iter().for_each(|v| onyx_value_free(*v));
    [input, absent, strings_input].iter().for_each(|v| onyx_value_free(*v));
    onyx_session_free(session);
}

#[test]
fn a_text_model_takes_a_string_tensor() {
    init();
    let session = session("text");
    let mut info = ptr::null();
    assert_eq!(outcome(onyx_session_input_info(session, 0, &mut info)).0, 0);
    assert_eq!(unsafe { CStr::from_ptr(onyx_value_info_type_name(info)) }.to_str().unwrap(), "tensor(string)");
    assert_eq!(onyx_value_info_element_type(info), ONYX_ELEMENT_STRING);
    let input = tensor_value(strings(&[2, 1], &[b"the cat sat", b"a bird flew"]).unwrap());
    let names = [c"text".as_ptr()];
    let mut outputs = [ptr::null_mut(); 2];
    let (code, text) = outcome(onyx_session_run_values(session, ptr::null(), names.as_ptr(), [input.cast_const()].as_ptr(), 1, ptr::null(), 2, outputs.as_mut_ptr()));
    assert_eq!(code, 0, "{text}");
    assert_eq!(onyx_tensor_element_count(tensor_of(outputs[0])), 2);
    outputs.iter().for_each(|v| onyx_value_free(*v));
    onyx_value_free(input);
    onyx_session_free(session);
}
