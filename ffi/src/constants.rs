//! Numbers that are part of the ABI. They mirror `onyx_core` (checked by the tests
//! below) because cbindgen can only emit literal values.

/// Major version of the C ABI; wrappers refuse a library with another major.
pub const ONYX_ABI_VERSION_MAJOR: u32 = 1;
/// Minor version of the C ABI; grows when functions are added.
pub const ONYX_ABI_VERSION_MINOR: u32 = 1;

/// The ABI version of the loaded library: `(major << 16) | minor`.
#[no_mangle]
pub extern "C" fn onyx_abi_version() -> u32 {
    (ONYX_ABI_VERSION_MAJOR << 16) | ONYX_ABI_VERSION_MINOR
}

// Error codes (onyx_status_code). Append-only: a value never changes meaning.
/// An argument has a value that is not allowed.
pub const ONYX_ERROR_INVALID_ARGUMENT: u32 = 1;
/// A required pointer or handle was NULL.
pub const ONYX_ERROR_NULL_POINTER: u32 = 2;
/// A string was not valid UTF-8.
pub const ONYX_ERROR_INVALID_UTF8: u32 = 3;
/// ONNX Runtime could not be found, opened, or is too old; the message names the path.
pub const ONYX_ERROR_RUNTIME_LOAD_FAILED: u32 = 4;
/// The model file does not exist.
pub const ONYX_ERROR_MODEL_NOT_FOUND: u32 = 5;
/// The model bytes are not a valid ONNX model.
pub const ONYX_ERROR_INVALID_MODEL: u32 = 6;
/// An input name the model does not have.
pub const ONYX_ERROR_UNKNOWN_INPUT: u32 = 7;
/// A model input was not given.
pub const ONYX_ERROR_MISSING_INPUT: u32 = 8;
/// An output name the model does not have.
pub const ONYX_ERROR_UNKNOWN_OUTPUT: u32 = 9;
/// A tensor's element type is not the one the model expects.
pub const ONYX_ERROR_TYPE_MISMATCH: u32 = 10;
/// A tensor's rank is not the one the model expects.
pub const ONYX_ERROR_RANK_MISMATCH: u32 = 11;
/// A tensor's dimension is not the one the model expects.
pub const ONYX_ERROR_SHAPE_MISMATCH: u32 = 12;
/// A buffer's length does not match the shape and element type.
pub const ONYX_ERROR_BUFFER_SIZE_MISMATCH: u32 = 13;
/// The run was terminated through its run options.
pub const ONYX_ERROR_CANCELLED: u32 = 14;
/// A requested execution provider cannot be used.
pub const ONYX_ERROR_EXECUTION_PROVIDER_UNAVAILABLE: u32 = 15;
/// An index past the end.
pub const ONYX_ERROR_INDEX_OUT_OF_RANGE: u32 = 16;
/// ONNX Runtime failed in a way Onyx has no finer code for.
pub const ONYX_ERROR_RUNTIME_ERROR: u32 = 17;
/// A bug inside Onyx, caught at the boundary.
pub const ONYX_ERROR_PANIC: u32 = 18;
/// A wrapper found an Onyx library of another ABI major (C++, .NET) or version (Java).
pub const ONYX_ERROR_ABI_MISMATCH: u32 = 19;
/// Memory for a size the caller (or the model) asked for could not be allocated; the
/// process and the session go on.
pub const ONYX_ERROR_OUT_OF_MEMORY: u32 = 20;
/// The model uses an operator (or operator types) that neither ONNX Runtime nor a
/// registered custom-op library provides; the message names the operator and its domain.
pub const ONYX_ERROR_UNSUPPORTED_OPERATOR: u32 = 21;
/// An operator kernel written by the caller (onyx_operator_create, or a binding's
/// kernel) failed: the status its callback returned, or the exception it threw; the
/// message names the operator and node and carries the kernel's own.
pub const ONYX_ERROR_KERNEL_FAILED: u32 = 22;

// Attribute kinds of an operator (onyx_operator_create): ONNX's AttributeProto numbers.
pub const ONYX_ATTRIBUTE_FLOAT: u32 = 1;
pub const ONYX_ATTRIBUTE_INT: u32 = 2;
pub const ONYX_ATTRIBUTE_STRING: u32 = 3;

// Element types: ONNX's own TensorProto.DataType numbers.
pub const ONYX_ELEMENT_FLOAT32: u32 = 1;
pub const ONYX_ELEMENT_UINT8: u32 = 2;
pub const ONYX_ELEMENT_INT8: u32 = 3;
pub const ONYX_ELEMENT_UINT16: u32 = 4;
pub const ONYX_ELEMENT_INT16: u32 = 5;
pub const ONYX_ELEMENT_INT32: u32 = 6;
pub const ONYX_ELEMENT_INT64: u32 = 7;
/// UTF-8 strings (onyx_tensor_create_strings, onyx_tensor_string); no raw data.
pub const ONYX_ELEMENT_STRING: u32 = 8;
pub const ONYX_ELEMENT_BOOL: u32 = 9;
pub const ONYX_ELEMENT_FLOAT16: u32 = 10;
pub const ONYX_ELEMENT_FLOAT64: u32 = 11;
pub const ONYX_ELEMENT_UINT32: u32 = 12;
pub const ONYX_ELEMENT_UINT64: u32 = 13;
pub const ONYX_ELEMENT_BFLOAT16: u32 = 16;
// The 8-, 4- and 2-bit types are raw bits (onyx_element_type_size is 0 for the
// sub-byte ones: 4-bit elements pack two per byte, 2-bit four, element 0 lowest).
pub const ONYX_ELEMENT_FLOAT8E4M3FN: u32 = 17;
pub const ONYX_ELEMENT_FLOAT8E4M3FNUZ: u32 = 18;
pub const ONYX_ELEMENT_FLOAT8E5M2: u32 = 19;
pub const ONYX_ELEMENT_FLOAT8E5M2FNUZ: u32 = 20;
pub const ONYX_ELEMENT_UINT4: u32 = 21;
pub const ONYX_ELEMENT_INT4: u32 = 22;
pub const ONYX_ELEMENT_FLOAT4E2M1: u32 = 23;
pub const ONYX_ELEMENT_FLOAT8E8M0: u32 = 24;
pub const ONYX_ELEMENT_UINT2: u32 = 25;
pub const ONYX_ELEMENT_INT2: u32 = 26;

// Kinds of model inputs and outputs (onyx_value_info_kind); 0 is unknown.
pub const ONYX_VALUE_KIND_TENSOR: u32 = 1;
pub const ONYX_VALUE_KIND_SEQUENCE: u32 = 2;
pub const ONYX_VALUE_KIND_MAP: u32 = 3;
pub const ONYX_VALUE_KIND_OPTIONAL: u32 = 4;

// Graph optimization levels (onyx_session_options_set_optimization_level).
pub const ONYX_OPTIMIZATION_DISABLED: u32 = 0;
pub const ONYX_OPTIMIZATION_BASIC: u32 = 1;
pub const ONYX_OPTIMIZATION_EXTENDED: u32 = 2;
pub const ONYX_OPTIMIZATION_ALL: u32 = 99;

// Log levels for ONNX Runtime's own messages (onyx_set_log_level).
pub const ONYX_LOG_VERBOSE: u32 = 0;
pub const ONYX_LOG_INFO: u32 = 1;
pub const ONYX_LOG_WARNING: u32 = 2;
pub const ONYX_LOG_ERROR: u32 = 3;
pub const ONYX_LOG_FATAL: u32 = 4;

#[cfg(test)]
mod tests {
    use onyx_core::{ElementType, ErrorCode, LogLevel, OptimizationLevel, ValueKind};

    use super::*;

    #[test]
    fn error_codes_match_core() {
        let abi = [
            ONYX_ERROR_INVALID_ARGUMENT, ONYX_ERROR_NULL_POINTER, ONYX_ERROR_INVALID_UTF8, ONYX_ERROR_RUNTIME_LOAD_FAILED,
            ONYX_ERROR_MODEL_NOT_FOUND, ONYX_ERROR_INVALID_MODEL, ONYX_ERROR_UNKNOWN_INPUT, ONYX_ERROR_MISSING_INPUT,
            ONYX_ERROR_UNKNOWN_OUTPUT, ONYX_ERROR_TYPE_MISMATCH, ONYX_ERROR_RANK_MISMATCH, ONYX_ERROR_SHAPE_MISMATCH,
            ONYX_ERROR_BUFFER_SIZE_MISMATCH, ONYX_ERROR_CANCELLED, ONYX_ERROR_EXECUTION_PROVIDER_UNAVAILABLE,
            ONYX_ERROR_INDEX_OUT_OF_RANGE, ONYX_ERROR_RUNTIME_ERROR, ONYX_ERROR_PANIC, ONYX_ERROR_ABI_MISMATCH,
            ONYX_ERROR_OUT_OF_MEMORY, ONYX_ERROR_UNSUPPORTED_OPERATOR, ONYX_ERROR_KERNEL_FAILED,
        ];
        let core: Vec<u32> = ErrorCode::ALL.iter().map(|c| *c as u32).collect();
        assert_eq!(abi.to_vec(), core);
    }

    #[test]
    fn attribute_kinds_match_core() {
        let abi = [ONYX_ATTRIBUTE_FLOAT, ONYX_ATTRIBUTE_INT, ONYX_ATTRIBUTE_STRING];
        let core: Vec<u32> = onyx_core::AttributeKind::ALL.iter().map(|k| *k as u32).collect();
        assert_eq!(abi.to_vec(), core);
    }

    #[test]
    fn element_types_match_core() {
        let abi = [
            ONYX_ELEMENT_FLOAT32, ONYX_ELEMENT_UINT8, ONYX_ELEMENT_INT8, ONYX_ELEMENT_UINT16, ONYX_ELEMENT_INT16,
            ONYX_ELEMENT_INT32, ONYX_ELEMENT_INT64, ONYX_ELEMENT_STRING, ONYX_ELEMENT_BOOL, ONYX_ELEMENT_FLOAT16,
            ONYX_ELEMENT_FLOAT64, ONYX_ELEMENT_UINT32, ONYX_ELEMENT_UINT64, ONYX_ELEMENT_BFLOAT16, ONYX_ELEMENT_FLOAT8E4M3FN,
            ONYX_ELEMENT_FLOAT8E4M3FNUZ, ONYX_ELEMENT_FLOAT8E5M2, ONYX_ELEMENT_FLOAT8E5M2FNUZ, ONYX_ELEMENT_UINT4,
            ONYX_ELEMENT_INT4, ONYX_ELEMENT_FLOAT4E2M1, ONYX_ELEMENT_FLOAT8E8M0, ONYX_ELEMENT_UINT2, ONYX_ELEMENT_INT2,
        ];
        let core: Vec<u32> = ElementType::ALL.iter().map(|t| *t as u32).collect();
        assert_eq!(abi.to_vec(), core);
    }

    #[test]
    fn value_kinds_match_core() {
        for (abi, core) in [
            (ONYX_VALUE_KIND_TENSOR, ValueKind::Tensor),
            (ONYX_VALUE_KIND_SEQUENCE, ValueKind::Sequence),
            (ONYX_VALUE_KIND_MAP, ValueKind::Map),
            (ONYX_VALUE_KIND_OPTIONAL, ValueKind::Optional),
        ] {
            assert_eq!(abi, core as u32);
        }
    }

    #[test]
    fn levels_match_core() {
        for (abi, core) in [
            (ONYX_OPTIMIZATION_DISABLED, OptimizationLevel::Disabled),
            (ONYX_OPTIMIZATION_BASIC, OptimizationLevel::Basic),
            (ONYX_OPTIMIZATION_EXTENDED, OptimizationLevel::Extended),
            (ONYX_OPTIMIZATION_ALL, OptimizationLevel::All),
        ] {
            assert_eq!(OptimizationLevel::from_u32(abi).unwrap(), core);
        }
        for (abi, core) in [
            (ONYX_LOG_VERBOSE, LogLevel::Verbose),
            (ONYX_LOG_INFO, LogLevel::Info),
            (ONYX_LOG_WARNING, LogLevel::Warning),
            (ONYX_LOG_ERROR, LogLevel::Error),
            (ONYX_LOG_FATAL, LogLevel::Fatal),
        ] {
            assert_eq!(LogLevel::from_u32(abi).unwrap(), core);
        }
    }
}
