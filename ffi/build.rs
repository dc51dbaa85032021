// Gives libonyx.so a SONAME, so programs that link it record `libonyx.so.0` (the
// ABI major) and keep working across minor releases, as C libraries do.
fn main() {
    println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libonyx.so.0");
}
