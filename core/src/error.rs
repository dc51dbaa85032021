use std::fmt;

/// Stable Onyx error codes. The same numbers reach C, C++, Java and .NET.
///
/// Values are explicit and append-only: never renumber, never reuse.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    /// An argument has a value that is not allowed (a negative dimension, an unknown option).
    InvalidArgument = 1,
    /// A required pointer or handle was NULL.
    NullPointer = 2,
    /// A string was not valid UTF-8.
    InvalidUtf8 = 3,
    /// ONNX Runtime could not be found, opened, or is too old.
    RuntimeLoadFailed = 4,
    /// The model file does not exist.
    ModelNotFound = 5,
    /// The model bytes are not a valid ONNX model.
    InvalidModel = 6,
    /// An input name the model does not have.
    UnknownInput = 7,
    /// A model input was not given.
    MissingInput = 8,
    /// An output name the model does not have.
    UnknownOutput = 9,
    /// A tensor's element type is not the one the model expects.
    TypeMismatch = 10,
    /// A tensor's rank is not the one the model expects.
    RankMismatch = 11,
    /// A tensor's dimension is not the one the model expects.
    ShapeMismatch = 12,
    /// A buffer's length does not match the tensor's shape and element type.
    BufferSizeMismatch = 13,
    /// The run was terminated through its run options.
    Cancelled = 14,
    /// A requested execution provider is not available in this ONNX Runtime.
    ExecutionProviderUnavailable = 15,
    /// An index past the end (input, output or metadata key).
    IndexOutOfRange = 16,
    /// ONNX Runtime reported a failure Onyx has no finer code for.
    RuntimeError = 17,
    /// A bug: Onyx panicked. The panic was caught at the boundary.
    Panic = 18,
    /// A wrapper found an Onyx native library of another ABI major (or version).
    AbiMismatch = 19,
    /// Memory for a size a caller or a model asked for could not be allocated.
    OutOfMemory = 20,
    /// The model uses an operator (or types for it) that neither ONNX Runtime nor a
    /// registered custom-op library provides; the model itself may be valid.
    UnsupportedOperator = 21,
    /// An operator kernel written in the host language (an `Operator`) reported an
    /// error or threw; the message carries the kernel's own. A panicking Rust kernel is
    /// `Panic` instead.
    KernelFailed = 22,
}

impl ErrorCode {
    /// Every code, in numeric order.
    pub const ALL: [ErrorCode; 22] = [
        Self::InvalidArgument,
        Self::NullPointer,
        Self::InvalidUtf8,
        Self::RuntimeLoadFailed,
        Self::ModelNotFound,
        Self::InvalidModel,
        Self::UnknownInput,
        Self::MissingInput,
        Self::UnknownOutput,
        Self::TypeMismatch,
        Self::RankMismatch,
        Self::ShapeMismatch,
        Self::BufferSizeMismatch,
        Self::Cancelled,
        Self::ExecutionProviderUnavailable,
        Self::IndexOutOfRange,
        Self::RuntimeError,
        Self::Panic,
        Self::AbiMismatch,
        Self::OutOfMemory,
        Self::UnsupportedOperator,
        Self::KernelFailed,
    ];

    /// The SCREAMING_CASE name every language uses for this code.
    pub fn name(self) -> &'static str {
        match self {
            Self::InvalidArgument => "INVALID_ARGUMENT",
            Self::NullPointer => "NULL_POINTER",
            Self::InvalidUtf8 => "INVALID_UTF8",
            Self::RuntimeLoadFailed => "RUNTIME_LOAD_FAILED",
            Self::ModelNotFound => "MODEL_NOT_FOUND",
            Self::InvalidModel => "INVALID_MODEL",
            Self::UnknownInput => "UNKNOWN_INPUT",
            Self::MissingInput => "MISSING_INPUT",
            Self::UnknownOutput => "UNKNOWN_OUTPUT",
            Self::TypeMismatch => "TYPE_MISMATCH",
            Self::RankMismatch => "RANK_MISMATCH",
            Self::ShapeMismatch => "SHAPE_MISMATCH",
            Self::BufferSizeMismatch => "BUFFER_SIZE_MISMATCH",
            Self::Cancelled => "CANCELLED",
            Self::ExecutionProviderUnavailable => "EXECUTION_PROVIDER_UNAVAILABLE",
            Self::IndexOutOfRange => "INDEX_OUT_OF_RANGE",
            Self::RuntimeError => "RUNTIME_ERROR",
            Self::Panic => "PANIC",
            Self::AbiMismatch => "ABI_MISMATCH",
            Self::OutOfMemory => "OUT_OF_MEMORY",
            Self::UnsupportedOperator => "UNSUPPORTED_OPERATOR",
            Self::KernelFailed => "KERNEL_FAILED",
        }
    }

    pub fn from_u32(value: u32) -> Option<ErrorCode> {
        Self::ALL.iter().copied().find(|c| *c as u32 == value)
    }
}

/// An Onyx error: a stable code and a message that names what went wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    code: ErrorCode,
    message: String,
}

/// Messages echo names and values that come from callers and models; a hostile one
/// (a 1 MiB input name) must not make a 1 MiB message. Longer ones are cut here.
pub const MAX_MESSAGE_BYTES: usize = 4096;

impl Error {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        let mut message = message.into();
        if message.len() > MAX_MESSAGE_BYTES {
            let mut end = MAX_MESSAGE_BYTES;
            while !message.is_char_boundary(end) {
                end -= 1;
            }
            let cut = message.len() - end;
            message.truncate(end);
            message.push_str(&format!(" [... {cut} more bytes]"));
        }
        Self { code, message }
    }

    pub fn code(&self) -> ErrorCode {
        self.code
    }

    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code.name(), self.message)
    }
}

impl std::error::Error for Error {}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// INVALID_ARGUMENT when `text` (a name, path or option of kind `what`) holds a NUL
/// character, which no C string can carry: ONNX Runtime, and the C ABI, would silently
/// read only the part before it. Bindings whose strings become C strings before they
/// reach core (C#, C++) check through `onyx_text_check`.
pub fn check_text(what: &str, text: &str) -> Result<()> {
    match text.find('\0') {
        None => Ok(()),
        Some(at) => Err(Error::new(
            ErrorCode::InvalidArgument,
            format!("{what} '{}' holds a NUL character at byte {at}; names, paths and options cannot contain NUL", text.replace('\0', "\\0")),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_message_is_cut_on_a_char_boundary() {
        let name = "é".repeat(1 << 19); // 1 MiB
        let error = Error::new(ErrorCode::UnknownInput, format!("unknown input '{name}'"));
        assert!(error.message().len() < MAX_MESSAGE_BYTES + 40, "{}", error.message().len());
        assert!(error.message().starts_with("unknown input 'éé"));
        assert!(error.message().ends_with("more bytes]"), "{}", &error.message()[error.message().len() - 30..]);
    }
}
