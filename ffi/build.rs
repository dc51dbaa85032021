// Gives libonyx.so a SONAME, so programs that link it record `libonyx.so.0` (the
// ABI major) and keep working across minor releases, as C libraries do; and an
// `$ORIGIN` RPATH, so anything it ever links beside itself is found from its own
// folder wherever the package is unpacked.
fn main() {
    println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libonyx.so.0");
    println!("cargo:rustc-cdylib-link-arg=-Wl,-rpath,$ORIGIN");
}
