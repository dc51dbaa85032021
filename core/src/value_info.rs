use std::collections::BTreeMap;

use crate::{ElementType, ValueType};

/// What kind of ONNX value an input or output is.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ValueKind {
    Tensor = 1,
    Sequence = 2,
    Map = 3,
    Optional = 4,
}

impl ValueKind {
    /// The kind's name in messages ("tensor", "sequence", "map", "optional").
    pub fn name(self) -> &'static str {
        match self {
            Self::Tensor => "tensor",
            Self::Sequence => "sequence",
            Self::Map => "map",
            Self::Optional => "optional",
        }
    }
}

/// What a model says about one of its inputs or outputs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueInfo {
    pub name: String,
    pub kind: ValueKind,
    /// The full ONNX type (`seq(map(int64,tensor(float)))`, ...).
    pub value_type: ValueType,
    /// The element type, for a tensor of a type Onyx supports.
    pub element_type: Option<ElementType>,
    /// ONNX's `TensorProto.DataType` number of a tensor's elements, also when Onyx
    /// does not support the type (8 = string); 0 for a value that is not a tensor.
    pub onnx_element_type: u32,
    /// Dimensions, -1 where the model leaves a dimension free.
    pub shape: Vec<i64>,
    /// Names of the dimensions ("" where unnamed), one per dimension.
    pub dim_names: Vec<String>,
    /// False when the model declares no shape at all (unknown rank): `shape` is then
    /// empty and a tensor of any rank is accepted.
    pub rank_known: bool,
}

impl ValueInfo {
    pub(crate) fn from_outlet(outlet: &ort::value::Outlet) -> ValueInfo {
        use ort::value::ValueType as V;
        let name = outlet.name().to_string();
        let value_type = ValueType::from_ort(outlet.dtype());
        let other = |kind| ValueInfo {
            name: name.clone(),
            kind,
            value_type: value_type.clone(),
            element_type: None,
            onnx_element_type: 0,
            shape: Vec::new(),
            dim_names: Vec::new(),
            rank_known: false,
        };
        match outlet.dtype() {
            V::Tensor { ty, shape, dimension_symbols } => {
                let raw: ort_sys::ONNXTensorElementDataType = (*ty).into();
                let element_type = ElementType::from_sys(raw).ok();
                ValueInfo {
                    name,
                    kind: ValueKind::Tensor,
                    value_type: value_type.clone(),
                    element_type,
                    onnx_element_type: element_type.map_or(crate::element::onnx_number_of(raw), |t| t as u32),
                    shape: shape.to_vec(),
                    // Some exporters name a free dimension "?": it is as unnamed as "".
                    dim_names: dimension_symbols.iter().map(|s| if s == "?" { String::new() } else { s.clone() }).collect(),
                    rank_known: true,
                }
            }
            V::Sequence(_) => other(ValueKind::Sequence),
            V::Map { .. } => other(ValueKind::Map),
            V::Optional(_) => other(ValueKind::Optional),
        }
    }

    /// ONNX's name for what the value holds, for messages ("float", "seq(tensor(float))", ...).
    pub(crate) fn describe_type(&self) -> String {
        match self.kind {
            ValueKind::Tensor => crate::value_type::element_name(self.onnx_element_type),
            _ => self.value_type.to_string(),
        }
    }

    /// "input [batch,3,224,224]" style description for messages.
    pub(crate) fn describe_shape(&self) -> String {
        describe_dims(&self.shape, &self.dim_names)
    }
}

pub(crate) fn describe_dims(shape: &[i64], names: &[String]) -> String {
    let dims: Vec<String> = shape
        .iter()
        .enumerate()
        .map(|(i, d)| match (d, names.get(i)) {
            // A model's free dimension: its name, or `?` when unnamed. A tensor's shape
            // (no names) shows every number as it is, -1 included.
            (-1, Some(name)) if !name.is_empty() => name.clone(),
            (-1, Some(_)) => "?".into(),
            (d, _) => d.to_string(),
        })
        .collect();
    format!("[{}]", dims.join(","))
}

/// Model metadata, copied out of ONNX Runtime once when the session is created.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ModelMetadata {
    pub producer: String,
    pub graph_name: String,
    pub domain: String,
    pub description: String,
    pub graph_description: String,
    /// The model version, or None when the model does not set one.
    pub version: Option<i64>,
    /// Custom key/value pairs (`metadata_props`), sorted by key.
    pub custom: BTreeMap<String, String>,
}

/// Entries copied by ONNX Runtime's custom-metadata lookups, at most, per model load
/// (about 0.1 s here).
const LOOKUP_BUDGET: usize = 2_000_000;

impl ModelMetadata {
    /// `props`: the model's `metadata_props` as read from its protobuf (see
    /// `metadata_props`), None when they could not be read that way. ONNX Runtime's key
    /// list stays the truth; a key missing from `props` is looked up through it.
    pub(crate) fn read(session: &ort::session::Session, props: Option<Vec<(String, String)>>) -> crate::Result<ModelMetadata> {
        let meta = session
            .metadata()
            .map_err(|e| crate::ort_call::from_ort(crate::ErrorCode::RuntimeError, "reading model metadata", e))?;
        // Later duplicates win, as in ONNX Runtime's own map.
        let from_props: std::collections::HashMap<String, String> = props.unwrap_or_default().into_iter().collect();
        let keys = meta.custom_keys().map_err(|e| crate::ort_call::from_ort(crate::ErrorCode::RuntimeError, "reading metadata keys", e))?;
        // Each ONNX Runtime lookup copies its whole map: bound their total cost, so a
        // hostile model Onyx cannot read itself (ONNX Runtime format) cannot stall the load.
        let mut lookups_left = (LOOKUP_BUDGET / keys.len().max(1)).max(1);
        let mut skipped = 0usize;
        let mut custom = BTreeMap::new();
        for key in keys {
            let value = match from_props.get(&key) {
                Some(v) => v.clone(),
                None if lookups_left > 0 => {
                    lookups_left -= 1;
                    meta.custom(&key).unwrap_or_default()
                }
                None => {
                    skipped += 1;
                    continue;
                }
            };
            custom.insert(key, value);
        }
        if skipped > 0 {
            crate::runtime::log_warning(&format!(
                "model metadata: {skipped} of {} custom entries were not read (ONNX Runtime reads each in time proportional to all of them)",
                custom.len() + skipped
            ));
        }
        Ok(ModelMetadata {
            producer: meta.producer().unwrap_or_default(),
            graph_name: meta.name().unwrap_or_default(),
            domain: meta.domain().unwrap_or_default(),
            description: meta.description().unwrap_or_default(),
            graph_description: meta.graph_description().unwrap_or_default(),
            // ONNX Runtime reports a model without a version as i64::MAX.
            version: meta.version().filter(|v| *v != i64::MAX),
            custom,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dims_show_names_for_free_dims_and_numbers_otherwise() {
        let names = ["batch".to_string(), String::new(), "ignored".to_string()];
        assert_eq!(describe_dims(&[-1, -1, 224], &names), "[batch,?,224]");
        assert_eq!(describe_dims(&[1, 3], &[]), "[1,3]");
        assert_eq!(describe_dims(&[2, -1], &[]), "[2,-1]", "a tensor's shape, not a model's");
        assert_eq!(describe_dims(&[], &[]), "[]");
    }
}
