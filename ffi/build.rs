// Gives libonyx.so a SONAME, so programs that link it record `libonyx.so.<ABI major>`
// and keep working across minor releases, as C libraries do; and an `$ORIGIN` RPATH,
// so anything it ever links beside itself is found from its own folder wherever the
// package is unpacked. The major is read from src/constants.rs, its one source.
fn main() {
    println!("cargo:rerun-if-changed=src/constants.rs");
    let constants = std::fs::read_to_string("src/constants.rs").expect("ffi/src/constants.rs");
    let major = constants
        .lines()
        .find_map(|l| l.strip_prefix("pub const ONYX_ABI_VERSION_MAJOR: u32 = "))
        .and_then(|rest| rest.strip_suffix(';'))
        .expect("ffi/src/constants.rs defines ONYX_ABI_VERSION_MAJOR");
    // ELF only: a Windows DLL has neither (onyx.dll finds ONNX Runtime by absolute path),
    // and macOS would use -install_name and @loader_path.
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if !matches!(os.as_str(), "windows" | "macos" | "ios") {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libonyx.so.{major}");
        println!("cargo:rustc-cdylib-link-arg=-Wl,-rpath,$ORIGIN");
    }
}
