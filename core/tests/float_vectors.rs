//! Core's half-precision rounding against the shared vectors (ml_dtypes and NumPy
//! made them; see tests/suite/generate.py), plus what the vectors leave out (NaN).

use onyx_core::{Bf16, F16};

fn vectors(name: &str) -> Vec<(u32, u16)> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/suite/fixtures").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let rows: Vec<(u32, u16)> = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| {
            let (a, b) = l.split_once(' ').unwrap();
            (u32::from_str_radix(a, 16).unwrap(), u16::from_str_radix(b, 16).unwrap())
        })
        .collect();
    assert!(rows.len() > 100, "{name} has only {} vectors", rows.len());
    rows
}

#[test]
fn bfloat16_rounds_to_nearest_even() {
    for (f, want) in vectors("bfloat16.txt") {
        assert_eq!(Bf16::from_f32(f32::from_bits(f)).0, want, "f32 bits {f:08x}");
    }
}

#[test]
fn float16_rounds_to_nearest_even() {
    for (f, want) in vectors("float16.txt") {
        assert_eq!(F16::from_f32(f32::from_bits(f)).0, want, "f32 bits {f:08x}");
    }
}

#[test]
fn back_to_float_is_exact() {
    for (_, h) in vectors("float16.txt") {
        assert_eq!(F16::from_f32(F16(h).to_f32()).0, h, "float16 bits {h:04x}");
    }
    for (_, h) in vectors("bfloat16.txt") {
        assert_eq!(Bf16::from_f32(Bf16(h).to_f32()).0, h, "bfloat16 bits {h:04x}");
    }
}

#[test]
fn nan_stays_nan() {
    for bits in [0x7FC0_0000u32, 0xFFC0_0000, 0x7F80_0001, 0x7FFF_FFFF, 0xFF80_0001] {
        let nan = f32::from_bits(bits);
        assert!(Bf16::from_f32(nan).to_f32().is_nan(), "{bits:08x}");
        assert!(F16::from_f32(nan).to_f32().is_nan(), "{bits:08x}");
    }
}
