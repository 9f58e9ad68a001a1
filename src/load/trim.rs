//! Trimming attribute values: `str::trim` with an answer in a few byte comparisons for the usual value,
//! which neither starts nor ends with white space (every attribute of every feature is trimmed).

/// Equal to `s.trim()`.
#[inline]
pub(crate) fn trim(s: &str) -> &str {
    let b = s.as_bytes();
    if !b.is_empty() && plain_first(b[0]) && plain_last(b) {
        s
    } else {
        s.trim()
    }
}

/// Can no white-space character start with this byte? (Unicode white space: U+0009–000D, U+0020,
/// U+0085, U+00A0, U+1680, U+2000–200A, U+2028, U+2029, U+202F, U+205F, U+3000; their first bytes are
/// 0x09–0x0D, 0x20, 0xC2, 0xE1, 0xE2 and 0xE3.) Conservative: `false` sends the value to `str::trim`.
#[inline]
fn plain_first(a: u8) -> bool {
    (0x21..0x80).contains(&a) || (a >= 0xC3 && !(0xE1..=0xE3).contains(&a))
}

/// Is the last character certainly not white space? Its first byte decides (see [`plain_first`]).
#[inline]
fn plain_last(b: &[u8]) -> bool {
    let n = b.len();
    let z = b[n - 1];
    if z < 0x80 {
        return z > 0x20;
    }
    // The last character's first byte: the last byte before the end that is not a continuation byte.
    b[..n - 1]
        .iter()
        .rev()
        .take(3)
        .find(|&&c| c & 0xC0 != 0x80)
        .is_some_and(|&c| plain_first(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every Unicode scalar value at either end, alone, beside ASCII and beside a Chinese character, and
    /// between spaces: the same as `str::trim`.
    #[test]
    fn equals_str_trim_for_every_character_at_either_end() {
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            for s in [
                format!("{c}"),
                format!("a{c}"),
                format!("{c}a"),
                format!("中{c}"),
                format!("{c}中"),
                format!(" {c} "),
                format!("{c}{c}"),
            ] {
                assert_eq!(trim(&s), s.trim(), "{:?}", s);
            }
        }
        assert_eq!(trim(""), "");
        assert_eq!(trim("\u{3000}网吧\u{a0}"), "网吧");
        assert_eq!(trim("\t彩票 "), "彩票");
        // The usual values take the short way.
        for v in [
            "网吧",
            "V00012",
            "91410100MA44",
            "彩票销售网点（体彩）",
            "𠀀x",
            "é",
        ] {
            assert!(
                plain_first(v.as_bytes()[0]) && plain_last(v.as_bytes()),
                "{v}"
            );
        }
    }
}
