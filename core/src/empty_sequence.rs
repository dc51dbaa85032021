//! Empty sequences for run inputs. ONNX Runtime's C API builds a sequence only from at
//! least one item (`CreateValue`), so an empty one comes from running a one-node model,
//! `SequenceEmpty(dtype)`, once per element type asked for.

use std::{
    collections::HashMap,
    ptr::NonNull,
    sync::{Arc, Mutex, OnceLock},
};

use crate::{ElementType, Result, Session, SessionOptions};

/// A new empty `seq(tensor(element_type))` OrtValue, owned by the caller.
pub(crate) fn create(element_type: ElementType) -> Result<NonNull<ort_sys::OrtValue>> {
    static SESSIONS: OnceLock<Mutex<HashMap<u32, Arc<Session>>>> = OnceLock::new();
    let session = {
        let mut sessions = SESSIONS.get_or_init(Default::default).lock().unwrap_or_else(|p| p.into_inner());
        match sessions.get(&(element_type as u32)) {
            Some(s) => s.clone(),
            None => {
                let s = Arc::new(Session::from_bytes(&model(element_type as u32), &SessionOptions::new())?);
                sessions.insert(element_type as u32, s.clone());
                s
            }
        }
    };
    session.run_without_inputs()
}

/// The model `s = SequenceEmpty(dtype = element_type)`, as protobuf bytes.
fn model(element_type: u32) -> Vec<u8> {
    let attribute = [string(1, "dtype"), varint(3, element_type as u64), varint(20, 2 /* INT */)].concat();
    let node = [string(2, "s"), string(4, "SequenceEmpty"), message(5, &attribute)].concat();
    let tensor_type = message(1, &varint(1, element_type as u64));
    let sequence_type = message(4, &message(1, &tensor_type));
    let output = [string(1, "s"), message(2, &sequence_type)].concat();
    let graph = [message(1, &node), string(2, "empty_sequence"), message(12, &output)].concat();
    let opset = varint(2, 11);
    [varint(1, 8), message(7, &graph), message(8, &opset)].concat()
}

fn raw_varint(mut value: u64, out: &mut Vec<u8>) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

fn varint(field: u64, value: u64) -> Vec<u8> {
    let mut out = Vec::new();
    raw_varint(field << 3, &mut out);
    raw_varint(value, &mut out);
    out
}

fn message(field: u64, bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    raw_varint((field << 3) | 2, &mut out);
    raw_varint(bytes.len() as u64, &mut out);
    out.extend_from_slice(bytes);
    out
}

fn string(field: u64, text: &str) -> Vec<u8> {
    message(field, text.as_bytes())
}
