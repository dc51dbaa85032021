//! Reads the ONNX Runtime pin from versions.env (the one source of every pin) into
//! the constants `PINNED_ORT_VERSION` and `PINNED_ORT_FILE_NAME`.

fn main() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../versions.env");
    println!("cargo:rerun-if-changed={}", path.display());
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let version = text
        .lines()
        .find_map(|line| line.strip_prefix("ORT_VERSION="))
        .unwrap_or_else(|| panic!("{} has no ORT_VERSION= line", path.display()));
    println!("cargo:rustc-env=ONYX_PINNED_ORT_VERSION={}", version.trim());
}
