//! Finds the elements of a GeoJSON file's `features` array without parsing them, so that they can be
//! parsed in parallel.
//!
//! A byte scan that knows only JSON's strings, brackets, commas and colons: it returns the byte span of
//! the `features` array (or of a bare top-level array) and of each element in it. Anything it does not
//! recognise (an escaped key, two `features` members, unbalanced brackets, a truncated file) makes it
//! return `None`, and the caller parses the file serially, which reports the error with its position.
//! UTF-8 never puts ASCII bytes inside a multi-byte character, so scanning bytes is safe. The array's
//! elements are themselves found on every thread, in pieces whose starts are guessed and then confirmed
//! (see [`split_in_parallel`]).

use super::bytes::{string_end, structural};

/// The `features` array's span (from `[` to just past `]`) and each element's span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Split {
    pub array: (usize, usize),
    pub elements: Vec<(usize, usize)>,
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\n' | b'\r') {
        i += 1;
    }
    i
}

/// `b[i]` is `[` or `{`: the position just past the matching bracket.
///
/// Sixty-four bytes at a time: quotes, backslashes and brackets become bit masks, the running parity of
/// the quotes marks the bytes inside strings, and only the brackets outside them are visited. A block
/// with a backslash (an escape) hands the whole container to [`skip_container_bytes`].
fn skip_container(b: &[u8], start: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = start;
    // All ones while inside a string at the end of the previous block.
    let mut carry = 0u64;
    while i < b.len() {
        // A whole block is read in place; only the file's last, short one is copied (padded with
        // spaces, which are none of the bytes looked for).
        let m = match b.get(i..i + 64) {
            Some(whole) => Masks::of(whole.try_into().expect("64 bytes")),
            None => {
                let mut block = [b' '; 64];
                block[..b.len() - i].copy_from_slice(&b[i..]);
                Masks::of(&block)
            }
        };
        if m.backslash != 0 {
            return skip_container_bytes(b, start);
        }
        let inside = prefix_xor(m.quote) ^ carry;
        let mut brackets = (m.open | m.close) & !inside;
        while brackets != 0 {
            let k = brackets.trailing_zeros();
            brackets &= brackets - 1;
            if m.open >> k & 1 == 1 {
                depth += 1;
            } else {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i + k as usize + 1);
                }
            }
        }
        carry = 0u64.wrapping_sub((inside >> 63) & 1);
        i += 64;
    }
    None
}

/// Bit k of each mask: byte k of a 64-byte block is a quote, a backslash, an opening or a closing
/// bracket.
struct Masks {
    quote: u64,
    backslash: u64,
    open: u64,
    close: u64,
}

impl Masks {
    #[cfg(target_arch = "x86_64")]
    #[inline]
    fn of(block: &[u8; 64]) -> Masks {
        use std::arch::x86_64::*;
        let mut m = Masks {
            quote: 0,
            backslash: 0,
            open: 0,
            close: 0,
        };
        for k in 0..4 {
            // SAFETY: SSE2 is part of every x86_64 CPU, and the load reads bytes 16k..16k + 16 of the
            // 64-byte block (an unaligned load).
            unsafe {
                let v = _mm_loadu_si128(block.as_ptr().add(16 * k).cast());
                // (The compiler turns each pair of bracket comparisons into one: `[` and `{`, `]` and
                // `}` differ only in bit 0x20.)
                let eq = |c: u8| {
                    _mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(c as i8))) as u16 as u64
                };
                m.quote |= eq(b'"') << (16 * k);
                m.backslash |= eq(b'\\') << (16 * k);
                m.open |= (eq(b'{') | eq(b'[')) << (16 * k);
                m.close |= (eq(b'}') | eq(b']')) << (16 * k);
            }
        }
        m
    }

    #[cfg(not(target_arch = "x86_64"))]
    fn of(block: &[u8; 64]) -> Masks {
        let bits = |f: &dyn Fn(u8) -> bool| {
            block
                .iter()
                .enumerate()
                .fold(0u64, |m, (k, &c)| m | ((f(c) as u64) << k))
        };
        Masks {
            quote: bits(&|c| c == b'"'),
            backslash: bits(&|c| c == b'\\'),
            open: bits(&|c| c == b'{' || c == b'['),
            close: bits(&|c| c == b'}' || c == b']'),
        }
    }
}

/// Bit k of the result: the parity of bits 0..=k of `x`.
#[inline]
fn prefix_xor(mut x: u64) -> u64 {
    for shift in [1, 2, 4, 8, 16, 32] {
        x ^= x << shift;
    }
    x
}

/// [`skip_container`] for containers with escapes: string by string and bracket by bracket.
fn skip_container_bytes(b: &[u8], mut i: usize) -> Option<usize> {
    let mut depth = 0usize;
    loop {
        // Only strings and brackets matter; the bytes between are passed over eight at a time.
        i = structural(b, i)?;
        match b[i] {
            b'"' => {
                i = string_end(b, i)?;
                continue;
            }
            b'[' | b'{' => depth += 1,
            _ => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
        }
        i += 1;
    }
}

/// Any value starting at `b[i]`: the position just past it.
fn skip_value(b: &[u8], i: usize) -> Option<usize> {
    match *b.get(i)? {
        b'"' => string_end(b, i),
        b'[' | b'{' => skip_container(b, i),
        _ => {
            let mut j = i;
            while j < b.len() && !matches!(b[j], b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r')
            {
                j += 1;
            }
            (j > i).then_some(j)
        }
    }
}

/// `b[i]` is `[`: the array's end and its elements.
fn split_array(b: &[u8], i: usize) -> Option<(usize, Vec<(usize, usize)>)> {
    let first = skip_ws(b, i + 1);
    if *b.get(first)? == b']' {
        return Some((first + 1, Vec::new()));
    }
    split_in_parallel(b, first, PIECE_BYTES)
}

/// What one piece of the scan found: the elements from its start on, and where it stopped — at the start
/// of the next element at or after its planned end (`Open`), or just past the array's `]` (`Closed`).
struct Piece {
    elements: Vec<(usize, usize)>,
    end: End,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum End {
    Open(usize),
    Closed(usize),
}

/// Scans elements from `i` (the start of an element) until the array closes or the next element starts
/// at or after `stop`. `None` on a syntax error.
fn scan_elements(b: &[u8], mut i: usize, stop: usize) -> Option<Piece> {
    // Room for one element per 64 bytes up front (features are longer; memory reserved and not written
    // costs nothing), so that the list is rarely copied while it grows.
    let mut elements = Vec::with_capacity((stop.min(b.len()) - i.min(b.len())) / 64 + 16);
    loop {
        let start = i;
        i = skip_value(b, i)?;
        elements.push((start, i));
        i = skip_ws(b, i);
        match *b.get(i)? {
            b',' => {
                i = skip_ws(b, i + 1);
                if i >= stop {
                    return Some(Piece {
                        elements,
                        end: End::Open(i),
                    });
                }
            }
            b']' => {
                return Some(Piece {
                    elements,
                    end: End::Closed(i + 1),
                })
            }
            _ => return None,
        }
    }
}

/// Bytes per piece below which the scan stays on one thread.
const PIECE_BYTES: usize = 1 << 20;

/// Where the pieces of a parallel scan start: `first`, then, for each later piece, the first `{` that
/// follows a line break after the piece's share of the bytes. A raw line break is never inside a JSON
/// string, so these are likely element starts (one feature per line is the usual layout); each is only a
/// guess, confirmed when the scan of the piece before it ends exactly there.
fn piece_starts(b: &[u8], first: usize, pieces: usize) -> Vec<usize> {
    let mut starts = vec![first];
    let share = (b.len() - first) / pieces;
    for k in 1..pieces {
        let from = (first + k * share).max(*starts.last().expect("first") + 1);
        let Some(nl) = b
            .get(from..)
            .and_then(|r| r.iter().position(|&c| c == b'\n'))
        else {
            break;
        };
        let q = skip_ws(b, from + nl);
        if b.get(q) == Some(&b'{') {
            starts.push(q);
        }
    }
    starts
}

/// The elements of the array whose first element starts at `first`, scanned in pieces on every thread
/// and put together in order. A piece is kept only when the piece before it (itself kept) stopped exactly
/// where it starts; otherwise the scan goes on from where that piece stopped, on one thread, so the
/// answer is always the serial scan's.
fn split_in_parallel(
    b: &[u8],
    first: usize,
    piece_bytes: usize,
) -> Option<(usize, Vec<(usize, usize)>)> {
    use rayon::prelude::*;
    let pieces = (rayon::current_num_threads() * 4).min((b.len() - first) / piece_bytes);
    let starts = if pieces > 1 {
        piece_starts(b, first, pieces)
    } else {
        vec![first]
    };
    let found: Vec<Option<Piece>> = (0..starts.len())
        .into_par_iter()
        .map(|k| {
            scan_elements(
                b,
                starts[k],
                starts.get(k + 1).copied().unwrap_or(usize::MAX),
            )
        })
        .collect();
    let mut elements = Vec::with_capacity(found.iter().flatten().map(|p| p.elements.len()).sum());
    let mut at = first;
    for (k, piece) in found.into_iter().enumerate() {
        if at != starts[k] {
            // The piece before stopped elsewhere: this guess was wrong (or the array had closed).
            break;
        }
        let piece = piece?;
        elements.extend_from_slice(&piece.elements);
        match piece.end {
            End::Closed(end) => return Some((end, elements)),
            End::Open(next) => at = next,
        }
    }
    // Whatever the pieces did not settle, serially.
    let rest = scan_elements(b, at, usize::MAX)?;
    elements.extend_from_slice(&rest.elements);
    match rest.end {
        End::Closed(end) => Some((end, elements)),
        End::Open(_) => None,
    }
}

/// Splits a FeatureCollection's `features` array, or a bare array, into its elements.
pub(crate) fn split_features(b: &[u8]) -> Option<Split> {
    let mut i = skip_ws(b, 0);
    match *b.get(i)? {
        b'[' => {
            let (end, elements) = split_array(b, i)?;
            (skip_ws(b, end) == b.len()).then_some(Split {
                array: (i, end),
                elements,
            })
        }
        b'{' => {
            let mut found = None;
            i = skip_ws(b, i + 1);
            if *b.get(i)? == b'}' {
                return None;
            }
            loop {
                if *b.get(i)? != b'"' {
                    return None;
                }
                let key_start = i + 1;
                i = string_end(b, i)?;
                let key = &b[key_start..i - 1];
                if key.contains(&b'\\') {
                    // An escaped key may spell `features`: the parser decides.
                    return None;
                }
                i = skip_ws(b, i);
                if *b.get(i)? != b':' {
                    return None;
                }
                i = skip_ws(b, i + 1);
                if key == b"features" {
                    if found.is_some() || *b.get(i)? != b'[' {
                        return None;
                    }
                    let (end, elements) = split_array(b, i)?;
                    found = Some(Split {
                        array: (i, end),
                        elements,
                    });
                    i = end;
                } else {
                    i = skip_value(b, i)?;
                }
                i = skip_ws(b, i);
                match *b.get(i)? {
                    b',' => i = skip_ws(b, i + 1),
                    b'}' => {
                        i += 1;
                        break;
                    }
                    _ => return None,
                }
            }
            if skip_ws(b, i) != b.len() {
                return None;
            }
            found
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts<'a>(b: &'a str, s: &Split) -> Vec<&'a str> {
        s.elements.iter().map(|&(x, y)| &b[x..y]).collect()
    }

    #[test]
    fn finds_elements_of_a_collection() {
        let b = r#" {"type": "FeatureCollection", "name": "a]}\"[", "features" : [ {"a": "x,]}"}, {"b":[1,{"c":"\\"}]} ,3 ], "crs": {"x": [1]} } "#;
        let s = split_features(b.as_bytes()).unwrap();
        assert_eq!(
            texts(b, &s),
            vec![r#"{"a": "x,]}"}"#, r#"{"b":[1,{"c":"\\"}]}"#, "3"]
        );
        assert_eq!(
            &b[s.array.0..s.array.1],
            r#"[ {"a": "x,]}"}, {"b":[1,{"c":"\\"}]} ,3 ]"#
        );
    }

    #[test]
    fn bare_arrays_and_empty_collections() {
        let b = "[{\"type\":\"Feature\"},\n{\"type\":\"Feature\"}]\n";
        assert_eq!(split_features(b.as_bytes()).unwrap().elements.len(), 2);
        let s = split_features(br#"{"type":"FeatureCollection","features":[]}"#).unwrap();
        assert!(s.elements.is_empty());
    }

    /// A random array of features laid out one per line, pretty-printed (nested objects opening lines,
    /// so that the pieces' guesses often fall inside an element), or all on one line; strings hold
    /// brackets, commas, escaped quotes and escaped line breaks. With `broken`, one byte is damaged.
    fn random_array(seed: u64, layout: u8, broken: bool) -> Vec<u8> {
        let mut rng = crate::gen::rng::Rng::new(seed);
        let mut next = |n: u64| rng.next_u64() % n;
        let (nl, ind) = match layout {
            0 => ("\n", ""),
            1 => ("\n", "  "),
            _ => ("", ""),
        };
        let mut out = String::from("[");
        let n = 1 + next(400);
        for i in 0..n {
            let name = ["a", "x,]}", "q\\\"{", "l\\n{", "中文"][next(5) as usize];
            let el = match (layout, next(4)) {
                (1, _) => format!(
                    "{nl}{ind}{{{nl}{ind}{ind}\"type\": \"Feature\",{nl}{ind}{ind}\"properties\":{nl}{ind}{ind}{{\"n\": \"{name}\", \"i\": {i}}},{nl}{ind}{ind}\"geometry\": {{\"coordinates\": [{nl}{ind}[1.5, 2]]}}{nl}{ind}}}"
                ),
                (_, 0) => format!("{nl}{}", next(1000)),
                (_, 1) => format!("{nl}[{{\"n\":\"{name}\"}},{nl}{{}}]"),
                _ => format!(
                    "{nl}{{\"type\":\"Feature\",\"properties\":{{\"n\":\"{name}\",\"i\":{i}}},\"geometry\":{{\"type\":\"Point\",\"coordinates\":[{i}.5,2]}}}}"
                ),
            };
            out.push_str(&el);
            out.push_str(if i + 1 < n { "," } else { "" });
        }
        out.push_str(nl);
        out.push(']');
        let mut bytes = out.into_bytes();
        if broken {
            let at = 1 + next(bytes.len() as u64 - 2) as usize;
            bytes[at] = [b',', b'{', b']', b'"', b'x'][next(5) as usize];
        }
        bytes
    }

    /// The pieces put together give exactly the one-thread scan (elements, end, or failure), whatever
    /// the layout, the piece size and wherever the guesses fall.
    #[test]
    fn pieces_put_together_equal_the_serial_scan() {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(4)
            .build()
            .unwrap();
        let mut kept_pieces = 0;
        for seed in 0..600u64 {
            let b = random_array(seed, (seed % 3) as u8, seed % 5 == 4);
            let first = skip_ws(&b, 1);
            let serial = scan_elements(&b, first, usize::MAX).and_then(|p| match p.end {
                End::Closed(end) => Some((end, p.elements)),
                End::Open(_) => None,
            });
            for piece_bytes in [16, 97, 1000] {
                let parallel = pool.install(|| split_in_parallel(&b, first, piece_bytes));
                assert_eq!(parallel, serial, "seed {seed}, pieces of {piece_bytes}");
            }
            if serial.is_some() && seed % 3 == 0 {
                kept_pieces += piece_starts(&b, first, 16).len();
            }
        }
        assert!(
            kept_pieces > 1000,
            "the guesses were exercised: {kept_pieces}"
        );
    }

    #[test]
    fn anything_unusual_is_left_to_the_parser() {
        for b in [
            "",
            "{}",
            r#"{"type":"FeatureCollection"}"#,
            r#"{"features":[1],"features":[2]}"#,
            r#"{"features":[1,2"#,
            r#"{"features":[1 2]}"#,
            r#"{"features":[{"a":"b}]}"#,
            r#"{"features":[1]} x"#,
            r#"{"features":{}}"#,
            r#"{"type" "x","features":[1]}"#,
            r#"[1,]"#,
            r#"{"features":[}]}"#,
            r#"{"features":[1,2],"featur\u0065s":[]}"#,
        ] {
            assert_eq!(split_features(b.as_bytes()), None, "{b}");
        }
    }

    /// The container skip (eight bytes at a time between strings and brackets) ends where a byte-by-byte
    /// walk ends, or fails where it fails: random bracket, quote, backslash, letter and multi-byte soup
    /// starting with `{` or `[`, most of it unbalanced or unterminated.
    #[test]
    fn container_skip_equals_a_byte_walk() {
        fn walk(b: &[u8], mut i: usize) -> Option<usize> {
            let mut depth = 0usize;
            while i < b.len() {
                match b[i] {
                    b'"' => {
                        i += 1;
                        loop {
                            match *b.get(i)? {
                                b'"' => break,
                                b'\\' => i += 2,
                                _ => i += 1,
                            }
                        }
                    }
                    b'[' | b'{' => depth += 1,
                    b']' | b'}' => {
                        depth = depth.checked_sub(1)?;
                        if depth == 0 {
                            return Some(i + 1);
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
            None
        }
        let pool: &[u8] = b"{}[]\"\\\\a1 ,:\xe4\xb8\xad";
        let mut rng = crate::gen::rng::Rng::new(0x9e37_79b9_7f4a_7c15);
        let mut next = || rng.next_u64();
        let (mut ended, mut failed) = (0, 0);
        for case in 0..20000 {
            // Short and long (several 64-byte blocks); half of them without backslashes, so that the
            // bit-mask path answers alone.
            let len = 1 + (next() % if case % 2 == 0 { 60 } else { 300 }) as usize;
            let letters = next() % 3;
            let pool = if case % 4 < 2 { pool } else { &pool[..5] };
            let mut b: Vec<u8> = (0..len)
                .map(|_| {
                    let r = next();
                    if r % 4 < letters {
                        b'a'
                    } else {
                        pool[(r >> 8) as usize % pool.len()]
                    }
                })
                .collect();
            b[0] = if next() % 2 == 0 { b'{' } else { b'[' };
            let got = skip_container(&b, 0);
            assert_eq!(got, walk(&b, 0), "{:?}", String::from_utf8_lossy(&b));
            assert_eq!(skip_container_bytes(&b, 0), got);
            if got.is_some() {
                ended += 1;
            } else {
                failed += 1;
            }
        }
        assert!(
            ended > 1000 && failed > 1000,
            "{ended} ended, {failed} failed"
        );
        // Features whose strings hold brackets and quotes across 64-byte blocks, with and without an
        // escape, followed by more bytes.
        for pad in 0..140 {
            let name = format!("{}{{[名]}}{}", "x".repeat(pad), "y".repeat(140 - pad));
            for escape in ["", "\\\"", "\\\\"] {
                let f = format!(
                    r#"{{"type":"Feature","properties":{{"name":"{name}{escape}","tags":[["a"],{{}}]}},"geometry":null}}"#
                );
                let b = format!("{f},\n{f}]");
                assert_eq!(skip_container(b.as_bytes(), 0), Some(f.len()), "{f}");
                assert_eq!(walk(b.as_bytes(), 0), Some(f.len()));
            }
        }
    }
}
