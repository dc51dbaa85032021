//! A model's custom metadata (`ModelProto.metadata_props`) read straight from its ONNX
//! protobuf, in one pass. ONNX Runtime's C API copies its whole custom-metadata map for
//! every key looked up (`ModelMetadataLookupCustomMetadataMap`), so reading 20,000 entries
//! through it took 50 s here; this takes milliseconds. Only the top level of the model is
//! walked: every other field (the graph, which holds the weights) is skipped unread, by a
//! seek when the model is a file.
//!
//! The model has already been loaded by ONNX Runtime when this runs, so a model this does
//! not understand (an ONNX-Runtime-format file, say) just gives `None`, and the caller
//! falls back to ONNX Runtime's lookups.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

/// `ModelProto.metadata_props` (a repeated `StringStringEntryProto`).
const METADATA_PROPS: u64 = 14;
const KEY: u64 = 1;
const VALUE: u64 = 2;

const VARINT: u64 = 0;
const FIXED64: u64 = 1;
const LENGTH_DELIMITED: u64 = 2;
const FIXED32: u64 = 5;

/// The entries in file order (a later duplicate key wins, as in ONNX Runtime).
pub(crate) fn from_bytes(bytes: &[u8]) -> Option<Vec<(String, String)>> {
    entries(&mut Wire { input: bytes, left: bytes.len() as u64 })
}

pub(crate) fn from_file(path: &Path) -> Option<Vec<(String, String)>> {
    let file = File::open(path).ok()?;
    let left = file.metadata().ok()?.len();
    entries(&mut Wire { input: BufReader::new(file), left })
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

fn entries(wire: &mut impl Source) -> Option<Vec<(String, String)>> {
    let mut out = Vec::new();
    while wire.left() > 0 {
        let tag = varint(wire)?;
        let (field, wire_type) = (tag >> 3, tag & 7);
        if field == METADATA_PROPS && wire_type == LENGTH_DELIMITED {
            let n = varint(wire)?;
            let entry = wire.take(n)?;
            out.push(entry_of(&entry)?);
        } else {
            skip_field(wire, wire_type)?;
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
        let got = from_bytes(&model).unwrap();
        assert_eq!(got, vec![("a".into(), "1".into()), ("b".into(), "".into()), ("a".into(), "2".into())]);
    }

    #[test]
    fn a_truncated_or_foreign_model_gives_none() {
        let model = entry("key", "value");
        assert_eq!(from_bytes(&model[..model.len() - 1]), None);
        assert_eq!(from_bytes(&[0x0b]), None, "a group (wire type 3) is not ONNX");
        assert_eq!(from_bytes(&[0x0a, 0xff]), None, "a length past the end");
    }
}
