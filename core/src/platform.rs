//! What differs between the platforms Onyx is built for (linux-x64, linux-arm64,
//! windows-x64; macOS is not built yet but needs nothing more than the Unix branch):
//! the file name of ONNX Runtime, how Onyx finds its own folder, and how a shared
//! library is opened by absolute path. Everything else in core is platform-neutral.
//!
//! Windows: a library is always opened by its absolute path with
//! `LOAD_LIBRARY_SEARCH_DLL_LOAD_DIR | LOAD_LIBRARY_SEARCH_DEFAULT_DIRS`, so the DLLs it
//! depends on come from its own folder and System32, never from the current directory
//! or PATH (the classic DLL search order). See docs/decisions.md, "Platforms".

use std::ffi::c_void;
use std::path::{Path, PathBuf};

/// ONNX Runtime's file names beside the Onyx library, the pinned one first.
#[cfg(not(windows))]
pub(crate) const ORT_FILE_NAMES: [&str; 2] = [concat!("libonnxruntime.so.", env!("ONYX_PINNED_ORT_VERSION")), "libonnxruntime.so"];
/// Microsoft's Windows build has one unversioned name (as in its NuGet package).
#[cfg(windows)]
pub(crate) const ORT_FILE_NAMES: [&str; 1] = ["onnxruntime.dll"];

/// Opens a shared library by path and keeps it open for the process (the handle is
/// never closed). Errors carry the system's reason (dlerror, or Windows' message).
pub(crate) fn open_library(path: &Path) -> Result<libloading::Library, String> {
    #[cfg(unix)]
    let opened = unsafe {
        libloading::os::unix::Library::open(Some(path), libloading::os::unix::RTLD_NOW | libloading::os::unix::RTLD_LOCAL)
    }
    .map(libloading::Library::from);
    #[cfg(windows)]
    let opened = {
        use libloading::os::windows::{Library, LOAD_LIBRARY_SEARCH_DEFAULT_DIRS, LOAD_LIBRARY_SEARCH_DLL_LOAD_DIR};
        // LOAD_LIBRARY_SEARCH_DLL_LOAD_DIR needs a fully qualified path.
        let path = std::path::absolute(path).map_err(|e| format!("cannot make {} absolute: {e}", path.display()))?;
        unsafe { Library::load_with_flags(&path, LOAD_LIBRARY_SEARCH_DLL_LOAD_DIR | LOAD_LIBRARY_SEARCH_DEFAULT_DIRS) }
            .map(libloading::Library::from)
    };
    opened.map_err(|e| match std::error::Error::source(&e) {
        // libloading keeps the system's text (the useful part) in the source.
        Some(cause) => format!("{e}: {cause}"),
        None => e.to_string(),
    })
}

/// Opens ONNX Runtime by path, as `ort` will open it again (on Unix with libloading's
/// default flags; on Windows as [`open_library`] does, so the DLLs it loads come from its
/// folder and System32 and `ort`'s own load of the same path finds it loaded).
pub(crate) fn open_runtime_library(path: &Path) -> Result<libloading::Library, String> {
    #[cfg(unix)]
    return unsafe { libloading::Library::new(path) }.map_err(|e| match std::error::Error::source(&e) {
        Some(cause) => format!("{e}: {cause}"),
        None => e.to_string(),
    });
    #[cfg(windows)]
    return open_library(path);
}

/// Whether an open library exports `name`.
pub(crate) fn has_symbol(library: &libloading::Library, name: &std::ffi::CStr) -> bool {
    unsafe { library.get::<*const c_void>(name.to_bytes_with_nul()) }.is_ok()
}

/// The folder of the module this code is linked into (libonyx.so / onyx.dll,
/// libonyx_jni.so / onyx_jni.dll, the Node addon, or an executable that links Onyx
/// statically), found from the address of this very function.
pub(crate) fn own_library_folder() -> Option<PathBuf> {
    let file = own_module_file()?;
    // Unix: resolve symlinks (libonyx.so -> libonyx.so.1). Windows reports the real
    // path already, and canonicalize would turn it into a \\?\ verbatim path.
    #[cfg(unix)]
    let file = file.canonicalize().unwrap_or(file);
    file.parent().map(Path::to_path_buf)
}

#[cfg(unix)]
fn own_module_file() -> Option<PathBuf> {
    use std::ffi::CStr;
    let mut info: libc::Dl_info = unsafe { std::mem::zeroed() };
    let address = own_library_folder as *const libc::c_void;
    if unsafe { libc::dladdr(address, &mut info) } == 0 || info.dli_fname.is_null() {
        return None;
    }
    Some(PathBuf::from(unsafe { CStr::from_ptr(info.dli_fname) }.to_string_lossy().into_owned()))
}

#[cfg(windows)]
fn own_module_file() -> Option<PathBuf> {
    use std::os::windows::ffi::OsStringExt;
    const GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS: u32 = 0x4;
    const GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT: u32 = 0x2;
    #[link(name = "kernel32")]
    extern "system" {
        fn GetModuleHandleExW(flags: u32, name: *const u16, module: *mut *mut c_void) -> i32;
        fn GetModuleFileNameW(module: *mut c_void, name: *mut u16, size: u32) -> u32;
    }
    let mut module: *mut c_void = std::ptr::null_mut();
    let address = own_library_folder as *const u16;
    let flags = GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS | GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT;
    if unsafe { GetModuleHandleExW(flags, address, &mut module) } == 0 {
        return None;
    }
    // Paths may be longer than MAX_PATH: grow until the name fits.
    let mut buffer = vec![0u16; 512];
    loop {
        let n = unsafe { GetModuleFileNameW(module, buffer.as_mut_ptr(), buffer.len() as u32) } as usize;
        if n == 0 {
            return None;
        }
        if n < buffer.len() {
            return Some(PathBuf::from(std::ffi::OsString::from_wide(&buffer[..n])));
        }
        if buffer.len() >= 1 << 15 {
            return None;
        }
        buffer.resize(buffer.len() * 2, 0);
    }
}
