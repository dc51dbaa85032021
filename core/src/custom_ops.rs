//! Custom-operator libraries: shared libraries exporting ONNX Runtime's
//! `RegisterCustomOps(OrtSessionOptions*, const OrtApiBase*)`.
//!
//! Onyx opens each library itself when it is added to session options, so a bad path
//! is reported at once with its reason (no file, not a shared library, no
//! `RegisterCustomOps`), and never closes it: ONNX Runtime unloads the libraries it
//! registered when the session options go, while sessions' kernels still point into
//! them, and unloading a library loses what it allocated when loaded (1 KiB each time
//! for ONNX Runtime Extensions). So a library, once added, stays loaded until the
//! process exits; adding it again costs nothing more (dlopen counts).

use std::ffi::CStr;
use std::mem::ManuallyDrop;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::{Error, ErrorCode, Result};

/// An open custom-operator library (never closed: see the module's comment).
pub struct CustomOpLibrary {
    path: PathBuf,
    _library: ManuallyDrop<libloading::Library>,
}

const REGISTER: &CStr = c"RegisterCustomOps";

impl CustomOpLibrary {
    pub(crate) fn open(path: &Path) -> Result<Arc<CustomOpLibrary>> {
        crate::check_text("custom-op library path", &path.to_string_lossy())?;
        let fail = |why: String| Error::new(ErrorCode::InvalidArgument, format!("custom-op library {}: {why}", path.display()));
        if !path.exists() {
            return Err(fail("no such file".into()));
        }
        if !path.is_file() {
            return Err(fail("not a file".into()));
        }
        if path.as_os_str().as_encoded_bytes().contains(&0) {
            return Err(fail("the path holds a NUL".into()));
        }
        // Never closed (see the module's comment); symbols stay local to it.
        let opened = crate::platform::open_library(path).map_err(|why| fail(format!("not a loadable shared library ({why})")))?;
        let exports = crate::platform::has_symbol(&opened, REGISTER);
        let library = Arc::new(CustomOpLibrary { path: path.to_path_buf(), _library: ManuallyDrop::new(opened) });
        if !exports {
            return Err(fail("it exports no RegisterCustomOps function, so it is not an ONNX Runtime custom-op library".into()));
        }
        Ok(library)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl std::fmt::Debug for CustomOpLibrary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CustomOpLibrary({})", self.path.display())
    }
}

impl PartialEq for CustomOpLibrary {
    fn eq(&self, other: &Self) -> bool {
        self.path == other.path
    }
}

impl Eq for CustomOpLibrary {}

/// The clear error for a model that uses an operator no one provides, from ONNX
/// Runtime's "Fatal error: <domain>:<op>(<opset>) is not a registered function/op" or
/// "Could not find an implementation for <op>(<opset>) node ..."; None for other messages.
pub(crate) fn unsupported_operator(message: &str) -> Option<Error> {
    let describe = |op: &str, domain: &str, opset: &str| {
        let domain = if domain.is_empty() { "ai.onnx (the default domain)" } else { domain };
        Error::new(
            ErrorCode::UnsupportedOperator,
            format!(
                "the model uses operator {op} of domain {domain} (opset {opset}), which neither ONNX Runtime nor a registered custom-op library provides"
            ),
        )
    };
    if let Some(end) = message.find(" is not a registered function/op") {
        let head = &message[..end];
        let spec = head.rsplit(' ').next().unwrap_or(head);
        let (qualified, opset) = spec.split_once('(').unwrap_or((spec, ")"));
        let (domain, op) = qualified.rsplit_once(':').unwrap_or(("", qualified));
        return Some(describe(op, domain, opset.trim_end_matches(')')));
    }
    if let Some(start) = message.find("Could not find an implementation for ") {
        let rest = &message[start + "Could not find an implementation for ".len()..];
        let spec = rest.split(' ').next().unwrap_or(rest);
        let (op, opset) = spec.split_once('(').unwrap_or((spec, ")"));
        let mut error = describe(op, "", opset.trim_end_matches(')'));
        error = Error::new(error.code(), format!("{} (ONNX Runtime has no kernel for it with these types: {rest})", error.message()));
        return Some(error);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unregistered_and_kernel_less_operators_are_named() {
        let e = unsupported_operator("Fatal error: dev.onyx.test:DoesNotExist(-1) is not a registered function/op").unwrap();
        assert_eq!(e.code(), ErrorCode::UnsupportedOperator);
        assert!(e.message().contains("operator DoesNotExist of domain dev.onyx.test (opset -1)"), "{}", e.message());
        let e = unsupported_operator("Could not find an implementation for Add(14) node with name 'add'").unwrap();
        assert!(e.message().contains("operator Add of domain ai.onnx"), "{}", e.message());
        assert!(unsupported_operator("Type Error: something else").is_none());
    }

    #[test]
    fn a_bad_library_path_names_the_path_and_the_reason() {
        let e = CustomOpLibrary::open(Path::new("/nonexistent/libops.so")).unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidArgument);
        assert!(e.message().contains("/nonexistent/libops.so: no such file"), "{}", e.message());
        let e = CustomOpLibrary::open(Path::new("/etc/hostname")).unwrap_err();
        assert!(e.message().contains("not a loadable shared library"), "{}", e.message());
        let libc = ["/lib/x86_64-linux-gnu/libc.so.6", "/lib/aarch64-linux-gnu/libc.so.6"].into_iter().find(|p| Path::new(p).exists());
        if let Some(libc) = libc {
            let e = CustomOpLibrary::open(Path::new(libc)).unwrap_err();
            assert!(e.message().contains("exports no RegisterCustomOps"), "{}", e.message());
        }
    }
}
