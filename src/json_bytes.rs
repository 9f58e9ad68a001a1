//! Byte-level facts of JSON text shared by the GeoJSON reader (`load`) and the findings writers
//! (`export`): which strings need an escape, and the powers of ten of decimal numbers.

/// True when `s` has a byte JSON must escape (a quote, a backslash, a control byte).
#[inline]
pub(crate) fn needs_escape(s: &str) -> bool {
    // A fold rather than `any`: no branch per byte (names are short, and almost never escaped).
    s.bytes().fold(false, |acc, b| {
        acc | (b == b'"') | (b == b'\\') | (b < 0x20)
    })
}

/// 10⁰ … 10⁹ as integers.
pub(crate) const POW10_U64: [u64; 10] = [
    1,
    10,
    100,
    1_000,
    10_000,
    100_000,
    1_000_000,
    10_000_000,
    100_000_000,
    1_000_000_000,
];
