//! Finding the end of a JSON string eight bytes at a time.
//!
//! Both the splitter and the feature parser spend most of their time inside strings, looking for the
//! closing quote. These look at a whole 64-bit word per step: a byte equal to `c` becomes a zero byte of
//! `word ^ c·0x01…01`, and `(v − 0x01…01) & !v & 0x80…80` has the high bit of the lowest zero byte set
//! (bytes above it may be marked falsely, through the borrow, so only the lowest mark is used).

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

#[inline]
fn zero_bytes(v: u64) -> u64 {
    v.wrapping_sub(ONES) & !v & HIGHS
}

#[inline]
fn equal_bytes(word: u64, c: u8) -> u64 {
    zero_bytes(word ^ (ONES * c as u64))
}

/// Bytes below 0x20 (JSON forbids them raw in strings). Exact for the lowest one: a byte ≥ 0x80 never
/// counts, and below the first byte < 0x20 there is no borrow.
#[inline]
fn control_bytes(word: u64) -> u64 {
    word.wrapping_sub(ONES * 0x20) & !word & HIGHS
}

/// The position of the first `"` or `\` at or after `i`, if any.
#[inline]
pub(crate) fn quote_or_backslash(b: &[u8], mut i: usize) -> Option<usize> {
    while let Some(chunk) = b.get(i..i + 8) {
        let word = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
        let m = equal_bytes(word, b'"') | equal_bytes(word, b'\\');
        if m != 0 {
            return Some(i + (m.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    b.get(i..)?
        .iter()
        .position(|&c| c == b'"' || c == b'\\')
        .map(|k| i + k)
}

/// `b[i]` is `"`: the position just past the closing quote (escapes skipped, not checked).
pub(crate) fn string_end(b: &[u8], mut i: usize) -> Option<usize> {
    i += 1;
    loop {
        i = quote_or_backslash(b, i)?;
        match b[i] {
            b'"' => return Some(i + 1),
            _ => i += 2,
        }
    }
}

/// The position of the first `"`, `\` or byte below 0x20 at or after `i`, if any.
#[inline]
pub(crate) fn string_special(b: &[u8], mut i: usize) -> Option<usize> {
    while let Some(chunk) = b.get(i..i + 8) {
        let word = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
        let m = equal_bytes(word, b'"') | equal_bytes(word, b'\\') | control_bytes(word);
        if m != 0 {
            return Some(i + (m.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    b.get(i..)?
        .iter()
        .position(|&c| c == b'"' || c == b'\\' || c < 0x20)
        .map(|k| i + k)
}

/// The position of the first `"`, `[`, `]`, `{` or `}` at or after `i`, if any: what a scan of JSON
/// outside strings stops at.
#[inline]
pub(crate) fn structural(b: &[u8], mut i: usize) -> Option<usize> {
    while let Some(chunk) = b.get(i..i + 8) {
        let word = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
        let m = equal_bytes(word, b'"')
            | equal_bytes(word, b'[')
            | equal_bytes(word, b']')
            | equal_bytes(word, b'{')
            | equal_bytes(word, b'}');
        if m != 0 {
            return Some(i + (m.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    b.get(i..)?
        .iter()
        .position(|&c| matches!(c, b'"' | b'[' | b']' | b'{' | b'}'))
        .map(|k| i + k)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Equal to a byte-by-byte search on random bytes drawn mostly from the troublesome ones (quotes,
    /// backslashes, control bytes, 0x20, 0x21, 0x7f–0x81, 0xff, multi-byte UTF-8), from every start.
    #[test]
    fn equal_to_a_byte_by_byte_search() {
        let pool: &[u8] = &[
            b'"',
            b'\\',
            0,
            1,
            0x1f,
            0x20,
            0x21,
            b'a',
            b'0',
            0x7f,
            0x80,
            0x81,
            0xe4,
            0xb8,
            0xad,
            0xff,
            0x5b,
            0x5d,
            b'{',
            b'}',
            b'{' ^ 1,
            b'}' ^ 1,
            0x22 ^ 1,
            0x5c ^ 1,
        ];
        let mut rng = crate::gen::rng::Rng::new(0x2545_f491_4f6c_dd1d);
        let mut next = || rng.next_u64();
        for _ in 0..4000 {
            let len = (next() % 40) as usize;
            let rare = next() % 4;
            let b: Vec<u8> = (0..len)
                .map(|_| {
                    let r = next();
                    if r % 8 < rare {
                        pool[(r >> 8) as usize % pool.len()]
                    } else {
                        b'a' + (r >> 8) as u8 % 26
                    }
                })
                .collect();
            for i in 0..=len + 1 {
                let tail = |f: &dyn Fn(u8) -> bool| {
                    b.get(i..)
                        .and_then(|t| t.iter().position(|&c| f(c)))
                        .map(|k| i + k)
                };
                assert_eq!(
                    quote_or_backslash(&b, i),
                    tail(&|c| c == b'"' || c == b'\\'),
                    "{b:?} from {i}"
                );
                assert_eq!(
                    string_special(&b, i),
                    tail(&|c| c == b'"' || c == b'\\' || c < 0x20),
                    "{b:?} from {i}"
                );
                assert_eq!(
                    structural(&b, i),
                    tail(&|c| matches!(c, b'"' | b'[' | b']' | b'{' | b'}')),
                    "{b:?} from {i}"
                );
            }
        }
    }
}
