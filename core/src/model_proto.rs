//! What Onyx reads straight from a model's ONNX protobuf, in one pass, because ONNX
//! Runtime's C API cannot give it (well):
//! - the custom metadata (`ModelProto.metadata_props`): the C API copies its whole
//!   custom-metadata map for every key looked up (`ModelMetadataLookupCustomMetadataMap`),
//!   so reading 20,000 entries through it took 50 s here; this takes milliseconds;
//! - which graph inputs declare no shape at all (unknown rank): the C API reports them
//!   with rank 0, like scalars, and Onyx must not refuse a tensor of any rank for them.
//! - where the graph's initializers keep external data (`TensorProto.external_data`), so a
//!   reference outside the model's folder is refused with a clear error before ONNX
//!   Runtime reads anything, or read by Onyx when the caller allowed it.
//!
//! Only the model's top level, the graph's inputs and outputs and the initializers'
//! names and data locations are read: every other field (the nodes, and the weights
//! themselves) is skipped unread, by a seek when the model is a file.
//!
//! The model has already been loaded by ONNX Runtime when this runs, so a model this does
//! not understand (an ONNX-Runtime-format file, say) just gives `None`, and the caller
//! falls back to ONNX Runtime's lookups.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

/// `ModelProto.graph`, `ModelProto.metadata_props` (a repeated `StringStringEntryProto`).
const GRAPH: u64 = 7;
const METADATA_PROPS: u64 = 14;
const KEY: u64 = 1;
const VALUE: u64 = 2;
/// `GraphProto.input` (ValueInfoProto: name 1, type 2); TypeProto.tensor_type 1;
/// TypeProto.Tensor.shape 2.
const GRAPH_INPUT: u64 = 11;
const GRAPH_OUTPUT: u64 = 12;
const NAME: u64 = 1;
const TYPE: u64 = 2;
const TENSOR_TYPE: u64 = 1;
const SHAPE: u64 = 2;
/// `GraphProto.initializer` (TensorProto: name 8, external_data 13, data_location 14).
const GRAPH_INITIALIZER: u64 = 5;
const TENSOR_NAME: u64 = 8;
const TENSOR_EXTERNAL_DATA: u64 = 13;
const TENSOR_DATA_LOCATION: u64 = 14;
const DATA_LOCATION_EXTERNAL: u64 = 1;

/// What was read.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct ModelFacts {
    /// The entries in file order (a later duplicate key wins, as in ONNX Runtime).
    pub metadata_props: Vec<(String, String)>,
    /// Names of the graph inputs and outputs that are tensors declaring no shape.
    pub unshaped: Vec<String>,
    /// (initializer name, `location`) of every top-level initializer kept in an external file.
    pub external_data: Vec<(String, String)>,
}

const VARINT: u64 = 0;
const FIXED64: u64 = 1;
const LENGTH_DELIMITED: u64 = 2;
const FIXED32: u64 = 5;

pub(crate) fn from_bytes(bytes: &[u8]) -> Option<ModelFacts> {
    model(&mut Wire { input: bytes, left: bytes.len() as u64 })
}

pub(crate) fn from_file(path: &Path) -> Option<ModelFacts> {
    let file = File::open(path).ok()?;
    let left = file.metadata().ok()?.len();
    model(&mut Wire { input: BufReader::new(file), left })
}

trait Source {
    fn left(&self) -> u64;
    fn byte(&mut self) -> Option<u8>;
    fn take(&mut self, n: u64) -> Option<Vec<u8>>;
    fn skip(&mut self, n: u64) -> Option<()>;
}

/// A protobuf byte stream with the number of bytes left in it.
struct Wire<R> {
    input: R,
    left: u64,
}

impl<R> Wire<R> {
    fn spend(&mut self, n: u64) -> Option<()> {
        self.left = self.left.checked_sub(n)?;
        Some(())
    }
}

impl Source for Wire<&[u8]> {
    fn left(&self) -> u64 {
        self.left
    }
    fn byte(&mut self) -> Option<u8> {
        let (&b, rest) = self.input.split_first()?;
        self.input = rest;
        self.spend(1)?;
        Some(b)
    }
    fn take(&mut self, n: u64) -> Option<Vec<u8>> {
        self.spend(n)?;
        let (head, rest) = self.input.split_at_checked(usize::try_from(n).ok()?)?;
        self.input = rest;
        Some(head.to_vec())
    }
    fn skip(&mut self, n: u64) -> Option<()> {
        self.spend(n)?;
        self.input = self.input.get(usize::try_from(n).ok()?..)?;
        Some(())
    }
}

impl Source for Wire<BufReader<File>> {
    fn left(&self) -> u64 {
        self.left
    }
    fn byte(&mut self) -> Option<u8> {
        self.spend(1)?;
        let mut b = [0u8; 1];
        self.input.read_exact(&mut b).ok()?;
        Some(b[0])
    }
    fn take(&mut self, n: u64) -> Option<Vec<u8>> {
        // `left` bounds `n` by the file's size, so a hostile length cannot ask for more.
        self.spend(n)?;
        let mut buf = Vec::new();
        buf.try_reserve_exact(usize::try_from(n).ok()?).ok()?;
        (&mut self.input).take(n).read_to_end(&mut buf).ok()?;
        (buf.len() as u64 == n).then_some(buf)
    }
    fn skip(&mut self, n: u64) -> Option<()> {
        self.spend(n)?;
        self.input.seek_relative(i64::try_from(n).ok()?).ok()
    }
}

fn varint(wire: &mut impl Source) -> Option<u64> {
    let mut value = 0u64;
    for shift in (0..64).step_by(7) {
        let b = wire.byte()?;
        value |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return Some(value);
        }
    }
    None
}

/// Skips one field's payload of `wire_type`; None for the obsolete group types.
fn skip_field(wire: &mut impl Source, wire_type: u64) -> Option<()> {
    match wire_type {
        VARINT => varint(wire).map(|_| ()),
        FIXED64 => wire.skip(8),
        LENGTH_DELIMITED => {
            let n = varint(wire)?;
            wire.skip(n)
        }
        FIXED32 => wire.skip(4),
        _ => None,
    }
}

fn model(wire: &mut impl Source) -> Option<ModelFacts> {
    let mut facts = ModelFacts::default();
    while wire.left() > 0 {
        let tag = varint(wire)?;
        match (tag >> 3, tag & 7) {
            (METADATA_PROPS, LENGTH_DELIMITED) => {
                let n = varint(wire)?;
                let entry = wire.take(n)?;
                // An entry that is not UTF-8 is left to ONNX Runtime's own lookup.
                if let Some(entry) = entry_of(&entry) {
                    facts.metadata_props.push(entry);
                }
            }
            (GRAPH, LENGTH_DELIMITED) => {
                let n = varint(wire)?;
                graph_values(wire, n, &mut facts)?;
            }
            (_, wire_type) => skip_field(wire, wire_type)?,
        }
    }
    Some(facts)
}

/// Walks the `n` bytes of a GraphProto, reading only its inputs, outputs and initializers.
fn graph_values(wire: &mut impl Source, n: u64, facts: &mut ModelFacts) -> Option<()> {
    let end = wire.left().checked_sub(n)?;
    while wire.left() > end {
        let tag = varint(wire)?;
        match (tag >> 3, tag & 7) {
            (GRAPH_INPUT | GRAPH_OUTPUT, LENGTH_DELIMITED) => {
                let len = varint(wire)?;
                let input = wire.take(len)?;
                if let Some(name) = unshaped_tensor(&input)? {
                    facts.unshaped.push(name);
                }
            }
            (GRAPH_INITIALIZER, LENGTH_DELIMITED) => {
                let len = varint(wire)?;
                if let Some(external) = initializer_location(wire, len)? {
                    facts.external_data.push(external);
                }
            }
            (_, wire_type) => skip_field(wire, wire_type)?,
        }
    }
    (wire.left() == end).then_some(())
}

/// Walks the `n` bytes of a TensorProto: its name and external `location` when its data
/// is external. The data fields are skipped, never read.
fn initializer_location(wire: &mut impl Source, n: u64) -> Option<Option<(String, String)>> {
    let end = wire.left().checked_sub(n)?;
    let (mut name, mut location, mut external) = (String::new(), None, false);
    while wire.left() > end {
        let tag = varint(wire)?;
        match (tag >> 3, tag & 7) {
            (TENSOR_NAME, LENGTH_DELIMITED) => {
                let len = varint(wire)?;
                name = String::from_utf8_lossy(&wire.take(len)?).into_owned();
            }
            (TENSOR_EXTERNAL_DATA, LENGTH_DELIMITED) => {
                let len = varint(wire)?;
                if let Some((key, value)) = entry_of(&wire.take(len)?) {
                    if key == "location" {
                        location = Some(value);
                    }
                }
            }
            (TENSOR_DATA_LOCATION, VARINT) => external = varint(wire)? == DATA_LOCATION_EXTERNAL,
            (_, wire_type) => skip_field(wire, wire_type)?,
        }
    }
    (wire.left() == end).then_some(())?;
    Some(location.filter(|_| external).map(|location| (name, location)))
}

/// A top-level initializer whose data is inline as `raw_data`: where its bytes are in the
/// model (for [`SharedWeights`](crate::SharedWeights), which shares them between sessions).
#[derive(Debug, PartialEq)]
pub(crate) struct InlineInitializer {
    pub name: String,
    pub data_type: u32,
    pub dims: Vec<i64>,
    /// Offset and length of `raw_data` in the model's bytes.
    pub raw: (usize, usize),
}

const TENSOR_DIMS: u64 = 1;
const TENSOR_DATA_TYPE: u64 = 2;
const TENSOR_RAW_DATA: u64 = 9;

/// Every top-level initializer of `model` kept inline as `raw_data`; None when the bytes
/// are not a model this reader understands.
pub(crate) fn inline_initializers(model: &[u8]) -> Option<Vec<InlineInitializer>> {
    let mut wire = Wire { input: model, left: model.len() as u64 };
    let mut found = Vec::new();
    while wire.left() > 0 {
        let tag = varint(&mut wire)?;
        match (tag >> 3, tag & 7) {
            (GRAPH, LENGTH_DELIMITED) => {
                let n = varint(&mut wire)?;
                let end = wire.left().checked_sub(n)?;
                while wire.left() > end {
                    let tag = varint(&mut wire)?;
                    match (tag >> 3, tag & 7) {
                        (GRAPH_INITIALIZER, LENGTH_DELIMITED) => {
                            let len = varint(&mut wire)?;
                            let start = model.len() - wire.left() as usize;
                            let tensor = model.get(start..start.checked_add(usize::try_from(len).ok()?)?)?;
                            wire.skip(len)?;
                            if let Some(mut initializer) = inline_initializer(tensor)? {
                                initializer.raw.0 += start;
                                found.push(initializer);
                            }
                        }
                        (_, wire_type) => skip_field(&mut wire, wire_type)?,
                    }
                }
                (wire.left() == end).then_some(())?;
            }
            (_, wire_type) => skip_field(&mut wire, wire_type)?,
        }
    }
    Some(found)
}

/// One TensorProto's name, type, dims and `raw_data` position (relative to `tensor`).
fn inline_initializer(tensor: &[u8]) -> Option<Option<InlineInitializer>> {
    let mut wire = Wire { input: tensor, left: tensor.len() as u64 };
    let (mut name, mut data_type, mut dims, mut raw) = (String::new(), 0u32, Vec::new(), None);
    while wire.left() > 0 {
        let tag = varint(&mut wire)?;
        match (tag >> 3, tag & 7) {
            (TENSOR_NAME, LENGTH_DELIMITED) => {
                let len = varint(&mut wire)?;
                name = String::from_utf8_lossy(&wire.take(len)?).into_owned();
            }
            (TENSOR_DATA_TYPE, VARINT) => data_type = u32::try_from(varint(&mut wire)?).ok()?,
            (TENSOR_DIMS, VARINT) => dims.push(varint(&mut wire)? as i64),
            (TENSOR_DIMS, LENGTH_DELIMITED) => {
                let len = varint(&mut wire)?;
                let end = wire.left().checked_sub(len)?;
                while wire.left() > end {
                    dims.push(varint(&mut wire)? as i64);
                }
            }
            (TENSOR_RAW_DATA, LENGTH_DELIMITED) => {
                let len = varint(&mut wire)?;
                raw = Some((tensor.len() - wire.left() as usize, usize::try_from(len).ok()?));
                wire.skip(len)?;
            }
            (TENSOR_DATA_LOCATION, VARINT) if varint(&mut wire)? == DATA_LOCATION_EXTERNAL => return Some(None),
            (_, wire_type) => skip_field(&mut wire, wire_type)?,
        }
    }
    Some(raw.map(|raw| InlineInitializer { name, data_type, dims, raw }))
}

/// A ValueInfoProto's name when it is a tensor without a shape.
fn unshaped_tensor(bytes: &[u8]) -> Option<Option<String>> {
    let (mut name, mut tensor_type) = (Vec::new(), None);
    for (field, payload) in fields(bytes)? {
        match field {
            NAME => name = payload,
            TYPE => {
                for (field, payload) in fields(&payload)? {
                    if field == TENSOR_TYPE {
                        tensor_type = Some(payload);
                    }
                }
            }
            _ => {}
        }
    }
    let Some(tensor_type) = tensor_type else { return Some(None) };
    let has_shape = fields(&tensor_type)?.iter().any(|(field, _)| *field == SHAPE);
    Some((!has_shape).then(|| String::from_utf8(name).ok()).flatten())
}

/// The length-delimited fields of a small message, in order (others skipped).
fn fields(bytes: &[u8]) -> Option<Vec<(u64, Vec<u8>)>> {
    let mut wire = Wire { input: bytes, left: bytes.len() as u64 };
    let mut out = Vec::new();
    while wire.left() > 0 {
        let tag = varint(&mut wire)?;
        match (tag >> 3, tag & 7) {
            (field, LENGTH_DELIMITED) => {
                let n = varint(&mut wire)?;
                out.push((field, wire.take(n)?));
            }
            (_, wire_type) => skip_field(&mut wire, wire_type)?,
        }
    }
    Some(out)
}

/// One `StringStringEntryProto`: key and value, either may be absent (empty).
fn entry_of(bytes: &[u8]) -> Option<(String, String)> {
    let mut wire = Wire { input: bytes, left: bytes.len() as u64 };
    let (mut key, mut value) = (Vec::new(), Vec::new());
    while wire.left() > 0 {
        let tag = varint(&mut wire)?;
        match (tag >> 3, tag & 7) {
            (KEY, LENGTH_DELIMITED) => {
                let n = varint(&mut wire)?;
                key = wire.take(n)?;
            }
            (VALUE, LENGTH_DELIMITED) => {
                let n = varint(&mut wire)?;
                value = wire.take(n)?;
            }
            (_, wire_type) => skip_field(&mut wire, wire_type)?,
        }
    }
    Some((String::from_utf8(key).ok()?, String::from_utf8(value).ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(number: u64, payload: &[u8]) -> Vec<u8> {
        let mut out = vec![((number << 3) | LENGTH_DELIMITED) as u8, payload.len() as u8];
        out.extend_from_slice(payload);
        out
    }

    fn entry(key: &str, value: &str) -> Vec<u8> {
        field(METADATA_PROPS, &[field(KEY, key.as_bytes()), field(VALUE, value.as_bytes())].concat())
    }

    #[test]
    fn reads_entries_between_other_fields_in_order() {
        let ir_version = [0x08, 0x0a]; // field 1, varint 10
        let graph = field(7, &[0u8; 20]);
        let model = [&ir_version[..], &entry("a", "1"), &graph, &entry("b", ""), &entry("a", "2")].concat();
        let got = from_bytes(&model).unwrap().metadata_props;
        assert_eq!(got, vec![("a".into(), "1".into()), ("b".into(), "".into()), ("a".into(), "2".into())]);
    }

    #[test]
    fn graph_inputs_without_a_shape_are_found() {
        let tensor = |shape: Option<&[u8]>| {
            let mut t = vec![0x08, 0x01]; // elem_type 1
            if let Some(s) = shape {
                t.extend(field(SHAPE, s));
            }
            field(TYPE, &field(TENSOR_TYPE, &t))
        };
        let input = |name: &str, shape: Option<&[u8]>| field(GRAPH_INPUT, &[field(NAME, name.as_bytes()), tensor(shape)].concat());
        let graph = [field(1, b"a node"), input("x", None), input("s", Some(&[])), field(5, &[0u8; 30])].concat();
        let facts = from_bytes(&[field(GRAPH, &graph), entry("k", "v")].concat()).unwrap();
        assert_eq!(facts.unshaped, vec!["x".to_string()], "s declares a shape (a scalar), x none");
        assert_eq!(facts.metadata_props, vec![("k".into(), "v".into())]);
    }

    #[test]
    fn initializers_kept_outside_name_their_location() {
        let location = |key: &str, value: &str| field(TENSOR_EXTERNAL_DATA, &[field(KEY, key.as_bytes()), field(VALUE, value.as_bytes())].concat());
        let external = [&field(TENSOR_NAME, b"w")[..], &location("offset", "0"), &location("location", "../w.bin"), &[0x70, 0x01]].concat();
        let inline = [&field(TENSOR_NAME, b"b")[..], &field(9, &[0u8; 16]), &location("location", "ignored")].concat();
        let graph = [field(GRAPH_INITIALIZER, &external), field(GRAPH_INITIALIZER, &inline)].concat();
        let facts = from_bytes(&field(GRAPH, &graph)).unwrap();
        assert_eq!(facts.external_data, vec![("w".to_string(), "../w.bin".to_string())], "b's data is inline (no data_location)");
    }

    #[test]
    fn inline_initializers_give_where_their_bytes_are() {
        let raw = [1u8, 2, 3, 4, 5, 6, 7, 8];
        let tensor = [&[0x08, 0x02, 0x08, 0x01, 0x10, 0x01][..], &field(TENSOR_NAME, b"w"), &field(TENSOR_RAW_DATA, &raw)].concat();
        let external = [&field(TENSOR_NAME, b"e")[..], &[0x70, 0x01]].concat();
        let graph = [field(1, b"a node"), field(GRAPH_INITIALIZER, &tensor), field(GRAPH_INITIALIZER, &external)].concat();
        let model = [&[0x08, 0x0a][..], &field(GRAPH, &graph)].concat();
        let found = inline_initializers(&model).unwrap();
        assert_eq!(found.len(), 1, "e is external");
        let w = &found[0];
        assert_eq!((w.name.as_str(), w.data_type, w.dims.as_slice()), ("w", 1, &[2i64, 1][..]));
        assert_eq!(&model[w.raw.0..w.raw.0 + w.raw.1], &raw);
        assert_eq!(inline_initializers(&model[..model.len() - 2]), None);
    }

    #[test]
    fn a_truncated_or_foreign_model_gives_none() {
        let model = entry("key", "value");
        assert_eq!(from_bytes(&model[..model.len() - 1]), None);
        assert_eq!(from_bytes(&[0x0b]), None, "a group (wire type 3) is not ONNX");
        assert_eq!(from_bytes(&[0x0a, 0xff]), None, "a length past the end");
    }
}
