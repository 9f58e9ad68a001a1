//! Writing values as JSON and CSV text straight into a byte buffer, with the same bytes as
//! `serde_json`, the `csv` crate (default settings) and `format!("{:.N}")`, without building a record or
//! a formatter per value.

use std::io::Write as _;

use crate::json_bytes::{needs_escape, POW10_U64};

/// `s` as a JSON string, as `serde_json` writes it.
pub fn json_str(out: &mut Vec<u8>, s: &str) {
    if needs_escape(s) {
        // Rare: serde_json's own escaping.
        let _ = serde_json::to_writer(&mut *out, s);
    } else {
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    }
}

/// An f64 as `serde_json` writes it (its own formatter: shortest round-trip form, `200.0`, `1.43`,
/// `1e+16`); non-finite values as `null`, as `serde_json` does.
pub fn json_f64(out: &mut Vec<u8>, v: f64) {
    use serde_json::ser::Formatter;
    if v.is_finite() {
        let _ = serde_json::ser::CompactFormatter.write_f64(out, v);
    } else {
        out.extend_from_slice(b"null");
    }
}

/// A distance rounded to centimetres (`n / 100` for a whole `n`, as `round_cm` gives it) as
/// `serde_json` writes it (`47.0`, `1.43`, `0.5`), without the general formatter: below 10⁷ the
/// shortest decimal that reads back as the nearest f64 to `n / 100` is `n / 100` itself, trailing zeros
/// dropped. Anything else (not such a value, negative, −0, beyond 10⁷) goes to [`json_f64`].
pub fn json_cm(out: &mut Vec<u8>, v: f64) {
    if (v > 0.0 || v.to_bits() == 0) && v < 1e7 {
        // Within 10⁻⁸ of a whole number when v is n / 100; `+ 0.5` and truncation round it.
        let n = (v * 100.0 + 0.5) as i64;
        if n as f64 / 100.0 == v {
            digits(out, (n / 100) as u64, 1);
            let cents = (n % 100) as usize;
            match (cents / 10, cents % 10) {
                (tenths, 0) => out.extend_from_slice(&[b'.', b'0' + tenths as u8]),
                _ => {
                    out.push(b'.');
                    out.extend_from_slice(&PAIRS[2 * cents..2 * cents + 2]);
                }
            }
            return;
        }
    }
    json_f64(out, v);
}

/// `s` as a CSV field as the `csv` crate writes it by default: quoted (quotes doubled) when it holds a
/// comma, a quote, CR or LF.
pub fn csv_field(out: &mut Vec<u8>, s: &str) {
    if s.bytes().fold(false, |acc, b| {
        acc | matches!(b, b',' | b'"' | b'\r' | b'\n')
    }) {
        out.push(b'"');
        for b in s.bytes() {
            if b == b'"' {
                out.push(b'"');
            }
            out.push(b);
        }
        out.push(b'"');
    } else {
        out.extend_from_slice(s.as_bytes());
    }
}

const POW10: [f64; 10] = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];

/// The two-digit decimal forms of 0..100, back to back.
static PAIRS: [u8; 200] = {
    let mut t = [0u8; 200];
    let mut i = 0;
    while i < 100 {
        t[2 * i] = b'0' + (i / 10) as u8;
        t[2 * i + 1] = b'0' + (i % 10) as u8;
        i += 1;
    }
    t
};

/// Room for the longest number these writers produce: 20 digits of a u64, or 10 digits, a point and 9.
const ROOM: usize = 24;

/// A number's scratch space: its text is put together ending at `ROOM`, and the `ROOM` bytes after it
/// are padding for [`append_digits`].
type Scratch = [u8; 2 * ROOM];

/// Appends `tmp[start..ROOM]`: `ROOM` bytes from `start` (a copy of a constant size, which the compiler
/// inlines, where a copy of a variable length is a library call), then the padding dropped again.
#[inline(always)]
fn append_digits(out: &mut Vec<u8>, tmp: &Scratch, start: usize) {
    let start = start.min(ROOM);
    out.extend_from_slice(&tmp[start..start + ROOM]);
    out.truncate(out.len() - start);
}

/// The eight decimal digits of `x` (below 10⁸, zeros in front) in ASCII, most significant first. All
/// at once in one 64-bit word instead of a division chain: the two halves of four digits in 32-bit
/// lanes, each split into two pairs (`v / 100 = v · 10486 >> 20` below 10⁴) in 16-bit lanes, each pair
/// into two digits (`v / 10 = v · 103 >> 10` below 100) in bytes, every lane in the same steps.
#[inline(always)]
fn eight_digits(x: u32) -> [u8; 8] {
    debug_assert!(x < 100_000_000);
    let x = u64::from(x);
    // Little-endian: the lane of the first digits is the low one, so that they come first in memory.
    let halves = (x / 10_000) | ((x % 10_000) << 32);
    let hundreds = ((halves * 10_486) >> 20) & 0x0000_007f_0000_007f;
    let pairs = hundreds | ((halves - 100 * hundreds) << 16);
    let tens = ((pairs * 103) >> 10) & 0x000f_000f_000f_000f;
    let digits = tens | ((pairs - 10 * tens) << 8);
    (digits + 0x3030_3030_3030_3030).to_le_bytes()
}

/// Writes the decimal digits of `n` ending just before `tmp[end]`, two at a time, at least `width`
/// of them (zeros in front); returns where they start.
#[inline(always)]
fn digits_back(tmp: &mut Scratch, mut end: usize, mut n: u64, width: usize) -> usize {
    let stop = end.saturating_sub(width);
    while n >= 100 {
        let d = (n % 100) as usize * 2;
        n /= 100;
        end -= 2;
        tmp[end..end + 2].copy_from_slice(&PAIRS[d..d + 2]);
    }
    if n >= 10 {
        let d = n as usize * 2;
        end -= 2;
        tmp[end..end + 2].copy_from_slice(&PAIRS[d..d + 2]);
    } else {
        end -= 1;
        tmp[end] = b'0' + n as u8;
    }
    while end > stop {
        end -= 1;
        tmp[end] = b'0';
    }
    end
}

/// `v` with `decimals` digits after the point, the bytes of `format!("{v:.decimals$}")`.
///
/// Fast path, for up to 9 decimals: `v · 10^decimals` split into its integer part and fraction, used only when `v` is
/// positive, the scaled value is below 2^32 (so its own rounding error is below 5·10⁻⁷) and its fraction
/// is not within 10⁻⁶ of one half, so that rounding it to the nearest integer gives the correctly rounded
/// decimal; anything else is formatted by the standard library. The digits are put together on the
/// stack and appended at once.
pub fn fixed(out: &mut Vec<u8>, v: f64, decimals: usize) {
    // One copy per width, each with its digit loops unrolled.
    match decimals {
        0 => fixed_to::<0>(out, v),
        1 => fixed_to::<1>(out, v),
        2 => fixed_to::<2>(out, v),
        3 => fixed_to::<3>(out, v),
        4 => fixed_to::<4>(out, v),
        5 => fixed_to::<5>(out, v),
        6 => fixed_to::<6>(out, v),
        7 => fixed_to::<7>(out, v),
        8 => fixed_to::<8>(out, v),
        9 => fixed_to::<9>(out, v),
        _ => {
            let _ = write!(out, "{v:.decimals$}");
        }
    }
}

/// The fast path's nearest integer to `v · 10^decimals`, or `None` where it does not apply. Truncation
/// and a comparison stand in for `round` and `floor`, which are library calls on baseline x86-64.
#[inline(always)]
fn scaled_int(v: f64, decimals: usize) -> Option<u64> {
    let scaled = v * POW10[decimals];
    if !(v > 0.0 && scaled < (1u64 << 32) as f64) {
        return None;
    }
    // Through i64: one instruction each way (u64's conversions take several), exact below 2^32.
    let whole = scaled as i64;
    let frac = scaled - whole as f64;
    ((frac - 0.5).abs() > 1e-6).then_some(whole as u64 + (frac > 0.5) as u64)
}

/// [`fixed`] for `D` decimals.
#[inline(always)]
fn fixed_to<const D: usize>(out: &mut Vec<u8>, v: f64) {
    let Some(n) = scaled_int(v, D) else {
        let _ = write!(out, "{v:.D$}");
        return;
    };
    let unit = POW10_U64[D];
    let mut tmp: Scratch = [0; 2 * ROOM];
    let mut end = ROOM;
    if D > 0 {
        // The fraction's last eight digits (zeros in front) at once, a ninth apart; the point then
        // overwrites the digit before the fraction's first, and the integer part goes before it.
        let frac = n % unit;
        tmp[ROOM - 8..ROOM].copy_from_slice(&eight_digits((frac % 100_000_000) as u32));
        if D == 9 {
            tmp[ROOM - 9] = b'0' + (frac / 100_000_000) as u8;
        }
        end = ROOM - D - 1;
        tmp[end] = b'.';
    }
    let start = digits_back(&mut tmp, end, n / unit, 1);
    append_digits(out, &tmp, start);
}

/// Appends the decimal digits of `n`, left-padded with zeros to at least `min_width`, without
/// allocating.
pub fn digits(buf: &mut Vec<u8>, n: u64, min_width: usize) {
    let mut tmp: Scratch = [0; 2 * ROOM];
    // A u64 has at most 20 digits: zeros beyond that width go in front first.
    buf.extend(std::iter::repeat_n(b'0', min_width.saturating_sub(20)));
    let start = digits_back(&mut tmp, ROOM, n, min_width.min(20));
    append_digits(buf, &tmp, start);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(f: impl FnOnce(&mut Vec<u8>)) -> String {
        let mut out = Vec::new();
        f(&mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn fixed_equals_the_standard_formatter() {
        let mut values = vec![
            0.0,
            -0.0,
            1.0,
            0.5,
            0.05,
            0.005,
            1.005,
            2.675,
            199.995,
            200.0,
            1e-9,
            123.456_789_05,
            112.148_305_45,
            33.762_960_35,
            0.000_000_05,
            0.000_000_15,
            -112.5,
            1e15,
            9e15,
            f64::NAN,
            f64::INFINITY,
            4.35,
            0.125,
            0.375,
            1e-7,
            99.999_999_95,
            // Just below 2^32 once scaled by 10^7, rounding up past it.
            429.496_729_57,
            429.496_729_6,
        ];
        let mut rng = crate::gen::rng::Rng::new(0x2545_F491_4F6C_DD1D);
        for _ in 0..200_000 {
            let x = rng.next_u64();
            let v = match x % 4 {
                0 => 70.0 + (x >> 11) as f64 / (1u64 << 53) as f64 * 70.0,
                1 => (x >> 11) as f64 / (1u64 << 53) as f64 * 300.0,
                2 => ((x >> 20) % 100_000_000) as f64 / 1e7 + 100.0,
                _ => ((x >> 20) % 1_000_000) as f64 / 200.0,
            };
            values.push(v);
        }
        for v in values {
            for d in 0..=11 {
                assert_eq!(s(|o| fixed(o, v, d)), format!("{v:.d$}"), "{v:e} to {d}");
            }
        }
    }

    /// Every value below 10⁶ and from 10⁸ − 10⁶ on, and every 7 919th between: the bytes of
    /// `format!("{x:08}")`.
    #[test]
    fn eight_digits_equal_the_standard_formatter() {
        let values = (0..1_000_000)
            .chain((1_000_000..99_000_000).step_by(7_919))
            .chain(99_000_000..100_000_000);
        for x in values {
            assert_eq!(eight_digits(x), format!("{x:08}").as_bytes(), "{x}");
        }
    }

    /// The numbers are appended after what the buffer holds, whatever its spare room (the copy of a
    /// constant size reaches past the number and is then cut back).
    #[test]
    fn numbers_are_appended_after_what_is_there() {
        for room in [0, 1, 5, 30, 100] {
            let mut out = Vec::with_capacity(room);
            out.extend_from_slice(b"x,");
            fixed(&mut out, 112.148_305_6, 7);
            out.push(b',');
            digits(&mut out, 42, 3);
            out.push(b',');
            fixed(&mut out, 0.4, 0);
            assert_eq!(out, b"x,112.1483056,042,0");
        }
    }

    #[test]
    fn digits_equal_the_standard_formatter() {
        let mut values = vec![
            0,
            1,
            9,
            10,
            99,
            100,
            101,
            999,
            1000,
            u32::MAX as u64,
            u64::MAX,
        ];
        let mut rng = crate::gen::rng::Rng::new(0x9E37_79B9_7F4A_7C15);
        for _ in 0..20_000 {
            let x = rng.next_u64();
            // Every length from 1 to 20 digits.
            values.push(x >> (x % 64));
        }
        for n in values {
            for w in [0, 1, 2, 7, 9, 12, 20, 21, 25] {
                assert_eq!(s(|o| digits(o, n, w)), format!("{n:0w$}"), "{n} width {w}");
            }
        }
    }

    /// Every centimetre from 0 to 10 km, and values that are not whole centimetres, negative, −0,
    /// large or not finite: the bytes of `serde_json`.
    #[test]
    fn centimetres_equal_serde_json() {
        let mut values: Vec<f64> = (0..=1_000_000).map(|n| n as f64 / 100.0).collect();
        values.extend([
            -0.0,
            -1.5,
            0.005,
            1.4300000000000002,
            123.456,
            9_999_999.99,
            1e7,
            12_345_678.9,
            1e300,
            f64::NAN,
            f64::INFINITY,
            5e-324,
        ]);
        let mut rng = crate::gen::rng::Rng::new(0x2545_F491_4F6C_DD1D);
        for _ in 0..100_000 {
            let x = rng.next_u64();
            values.push(((x >> 20) % 1_000_000_000) as f64 / 100.0);
            values.push((x >> 11) as f64 / (1u64 << 53) as f64 * 300.0);
        }
        for v in values {
            assert_eq!(
                s(|o| json_cm(o, v)),
                serde_json::to_string(&v).unwrap(),
                "{v:e}"
            );
        }
    }

    #[test]
    fn strings_and_numbers_equal_serde_json_and_csv() {
        for text in [
            "",
            "泉庄县金岭街道谢家湾小学",
            "a\"b",
            "back\\slash",
            "tab\there",
            "nl\n\r",
            "\u{1}\u{1f}\u{7f}",
            "《中华人民共和国未成年人保护法》第五十八条",
            "comma, here",
            "quote \"here\"",
        ] {
            assert_eq!(
                s(|o| json_str(o, text)),
                serde_json::to_string(text).unwrap()
            );
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record([text, "x"]).unwrap();
            let want = String::from_utf8(w.into_inner().unwrap()).unwrap();
            assert_eq!(
                s(|o| {
                    csv_field(o, text);
                    o.extend_from_slice(b",x\n");
                }),
                want,
                "{text:?}"
            );
        }
        for v in [
            200.0,
            1.43,
            0.0,
            199.99,
            1e-7,
            123456789.25,
            1e16,
            1.5e300,
            -2.5e-300,
            f64::NAN,
        ] {
            assert_eq!(s(|o| json_f64(o, v)), serde_json::to_string(&v).unwrap());
        }
    }
}
