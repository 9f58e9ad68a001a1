//! A direct parser for the common shape of one GeoJSON Feature: bytes → attributes and raw positions,
//! without building a JSON tree.
//!
//! It gives exactly what the general path ([`super::geojson`]: `serde_json::Value`, then the Feature's
//! members) gives, or `None`, and the caller then takes the general path, which also produces the
//! messages for bad features. `None` comes for anything it does not handle: a syntax error, a duplicate
//! member, a nesting deeper than [`MAX_DEPTH`], a `GeometryCollection`, a null or missing geometry, a
//! geometry of the wrong shape. Some pieces are handed to `serde_json` itself so that they come out the
//! same: strings with escapes, numbers that are not short decimals (exponents, more than 15 digits), and
//! attributes that are not strings (numbers, booleans, arrays and objects, turned to text by the general
//! path's rule). Attributes come in key order, as `serde_json`'s map gives them.

use std::borrow::Cow;
use std::cell::RefCell;

use super::geojson::prop_text;
use super::geom::{Pos, RawGeom};
use super::keys::key;
use super::{Key, Text};
use crate::json_bytes::{needs_escape, POW10_U64};

/// A Feature's attributes (key order), raw geometry and `id` member as text.
pub(crate) type Parts = (Vec<(Key, Text)>, RawGeom, Option<String>);

/// Deeper values are left to `serde_json` (whose own recursion limit is 128).
const MAX_DEPTH: usize = 100;

/// Powers of ten that are exact in an f64.
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// One Feature element (the bytes of one member of a `features` array).
pub(crate) fn feature(bytes: &[u8]) -> Option<Parts> {
    // Validated once here; every string is then cut out of it between two quotes (ASCII, so always at
    // character boundaries).
    let mut p = Parser::new(simdutf8::basic::from_utf8(bytes).ok()?);
    let parts = p.feature()?;
    p.ws();
    (p.i == bytes.len()).then_some(parts)
}

/// The attribute names of the last feature a thread read (shared names only, at most
/// [`LastNames::MAX`]; empty when it had others), in file order, and the permutation that puts them in
/// key order: `order[p]` is the file place of the name at key place `p`.
#[derive(Default)]
struct LastNames {
    names: Vec<&'static str>,
    order: Vec<u8>,
}

impl LastNames {
    const MAX: usize = 64;
}

thread_local! {
    static LAST_NAMES: RefCell<LastNames> = RefCell::new(LastNames::default());
}

/// Puts `v` in the order `order`: afterwards `v[p]` is what was at `order[p]` (a permutation of
/// `0..v.len()`, with `v.len()` ≤ 64).
fn permute<T, I: Copy + Into<usize>>(v: &mut [T], order: &[I]) {
    debug_assert!(v.len() == order.len() && v.len() <= 64);
    let mut placed = 0u64;
    for start in 0..v.len() {
        let mut p = start;
        // Follow the cycle through `start`: each swap puts one element in its place.
        while placed & (1 << p) == 0 {
            placed |= 1 << p;
            let q: usize = order[p].into();
            if q == start {
                break;
            }
            v.swap(p, q);
            p = q;
        }
    }
}

/// Eight bytes of text (the first in the lowest byte): how many of them, from the first, are ASCII digits
/// (`k`), and the value of those `k` digits.
///
/// A byte is a digit when its high nibble is 3, and still is after adding 6. Adding 6 carries into a
/// byte only from a byte ≥ 0xfa below it, which is not a digit: so the first non-digit is found exactly
/// (bytes after it may be misjudged, and are not used). The `k` digits, moved to the top with zeros
/// below (leading zeros), are combined in three multiply steps.
#[inline(always)]
fn eight_digits(w: u64) -> (usize, u64) {
    const THREES: u64 = 0x3030_3030_3030_3030;
    const HIGH: u64 = 0xf0f0_f0f0_f0f0_f0f0;
    let odd = ((w & HIGH) ^ THREES) | ((w.wrapping_add(0x0606_0606_0606_0606) & HIGH) ^ THREES);
    let k = (odd.trailing_zeros() / 8) as usize;
    if k == 0 {
        return (0, 0);
    }
    // Digit values; borrows start only at the first non-digit, which the shift drops.
    let v = w.wrapping_sub(THREES) << (8 * (8 - k));
    // Pairs, then fours, then all eight (the first digit is the most significant).
    let v = (v.wrapping_mul(10) + (v >> 8)) & 0x00ff_00ff_00ff_00ff;
    let v = (v.wrapping_mul(100) + (v >> 16)) & 0x0000_ffff_0000_ffff;
    let v = (v.wrapping_mul(10_000) + (v >> 32)) & 0xffff_ffff;
    (k, v)
}

struct Parser<'a> {
    s: &'a str,
    i: usize,
}

impl<'a> Parser<'a> {
    fn new(s: &'a str) -> Self {
        Parser { s, i: 0 }
    }

    fn b(&self) -> &'a [u8] {
        self.s.as_bytes()
    }
}

/// The geometry types read here.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Point,
    MultiPoint,
    LineString,
    MultiLineString,
    Polygon,
    MultiPolygon,
}

impl Kind {
    fn of(name: &str) -> Option<Kind> {
        Some(match name {
            "Point" => Kind::Point,
            "MultiPoint" => Kind::MultiPoint,
            "LineString" => Kind::LineString,
            "MultiLineString" => Kind::MultiLineString,
            "Polygon" => Kind::Polygon,
            "MultiPolygon" => Kind::MultiPolygon,
            _ => return None,
        })
    }
}

impl<'a> Parser<'a> {
    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.b().get(self.i) {
            self.i += 1;
        }
    }

    /// The next byte after whitespace, not consumed.
    fn peek(&mut self) -> Option<u8> {
        self.ws();
        self.b().get(self.i).copied()
    }

    fn eat(&mut self, c: u8) -> Option<()> {
        (self.peek()? == c).then(|| self.i += 1)
    }

    /// `,` (true) or the closing byte `close` (false).
    fn next_or_close(&mut self, close: u8) -> Option<bool> {
        match self.peek()? {
            b',' => {
                self.i += 1;
                Some(true)
            }
            c if c == close => {
                self.i += 1;
                Some(false)
            }
            _ => None,
        }
    }

    fn literal(&mut self, word: &[u8]) -> Option<()> {
        self.ws();
        let end = self.i + word.len();
        (self.b().get(self.i..end)? == word).then(|| self.i = end)
    }

    /// Is the next value the string `plain` (which needs no escape) written as it is? Then it is
    /// consumed: `"` + `plain` + `"` is a whole JSON string whose value is `plain`. Otherwise nothing is
    /// consumed but white space (the same text written with escapes is not recognised here).
    fn plain_string(&mut self, plain: &str) -> bool {
        self.ws();
        let (b, k) = (self.b(), plain.as_bytes());
        let (start, end) = (self.i + 1, self.i + 1 + k.len());
        let found = b.get(self.i) == Some(&b'"')
            && b.get(start..end) == Some(k)
            && b.get(end) == Some(&b'"');
        if found {
            self.i = end + 1;
        }
        found
    }

    /// A string: borrowed when it has no escapes, else decoded by `serde_json`. (Inline: the usual
    /// string is a few words; the escaped one is left out of line.)
    #[inline]
    fn string(&mut self) -> Option<Cow<'a, str>> {
        if self.peek()? != b'"' {
            return None;
        }
        let start = self.i + 1;
        let j = super::bytes::string_special(self.b(), start)?;
        match self.b()[j] {
            b'"' => {
                let s = self.s.get(start..j)?;
                self.i = j + 1;
                Some(Cow::Borrowed(s))
            }
            b'\\' => self.escaped_string(),
            _ => None,
        }
    }

    /// The string at `self.i`, which has an escape: its end found, the whole decoded (and judged) by
    /// `serde_json`.
    #[cold]
    #[inline(never)]
    fn escaped_string(&mut self) -> Option<Cow<'a, str>> {
        let end = super::bytes::string_end(self.b(), self.i)?;
        let s: String = serde_json::from_slice(&self.b()[self.i..end]).ok()?;
        self.i = end;
        Some(Cow::Owned(s))
    }

    /// A JSON number, strictly by the grammar. Integers and decimals of at most 15 significant digits are
    /// computed here (exactly, as `serde_json` computes them); anything else is parsed by `serde_json`.
    fn number(&mut self) -> Option<f64> {
        self.ws();
        let b = self.b();
        let start = self.i;
        let mut j = start;
        let negative = b.get(j) == Some(&b'-');
        if negative {
            j += 1;
        }
        let mut sig: u64 = 0;
        let mut digits = 0usize;
        match *b.get(j)? {
            b'0' => j += 1,
            b'1'..=b'9' => {
                while let Some(&c @ b'0'..=b'9') = b.get(j) {
                    sig = sig.wrapping_mul(10).wrapping_add(u64::from(c - b'0'));
                    digits += 1;
                    j += 1;
                }
            }
            _ => return None,
        }
        let mut frac = 0usize;
        if b.get(j) == Some(&b'.') {
            j += 1;
            // Eight bytes at a time while there are eight: the digits among them, up to the first other
            // byte, taken at once (the same `sig`, `digits` and `frac` as one at a time).
            while let Some(chunk) = b.get(j..j + 8) {
                let (k, value) = eight_digits(u64::from_le_bytes(chunk.try_into().expect("eight")));
                if k == 0 {
                    break;
                }
                sig = sig.wrapping_mul(POW10_U64[k]).wrapping_add(value);
                if digits > 0 {
                    digits += k;
                } else if value > 0 {
                    // Leading zeros do not count: the significant ones are the value's digits.
                    digits += value.ilog10() as usize + 1;
                }
                frac += k;
                j += k;
                if k < 8 {
                    break;
                }
            }
            while let Some(&c @ b'0'..=b'9') = b.get(j) {
                sig = sig.wrapping_mul(10).wrapping_add(u64::from(c - b'0'));
                if digits > 0 || c != b'0' {
                    digits += 1;
                }
                frac += 1;
                j += 1;
            }
            if frac == 0 {
                return None;
            }
        }
        let mut exponent = false;
        if let Some(b'e' | b'E') = b.get(j) {
            exponent = true;
            j += 1;
            if let Some(b'+' | b'-') = b.get(j) {
                j += 1;
            }
            let digits_start = j;
            while let Some(b'0'..=b'9') = b.get(j) {
                j += 1;
            }
            if j == digits_start {
                return None;
            }
        }
        self.i = j;
        if exponent || digits > 15 || frac >= POW10.len() || (negative && sig == 0) {
            return serde_json::from_slice::<f64>(&b[start..j]).ok();
        }
        // sig < 10^15 < 2^53 and 10^frac (frac ≤ 15 + leading zeros ≤ 22) are exact: one rounding.
        let v = sig as f64 / POW10[frac];
        Some(if negative { -v } else { v })
    }

    /// Skips any value, checking its syntax.
    fn skip(&mut self, depth: usize) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        match self.peek()? {
            b'"' => self.string().map(drop),
            b'{' => self.members(|p, _| p.skip(depth + 1)),
            b'[' => self.elements(|p| p.skip(depth + 1)),
            b't' => self.literal(b"true"),
            b'f' => self.literal(b"false"),
            b'n' => self.literal(b"null"),
            _ => self.number().map(drop),
        }
    }

    /// The bytes of the next value (checked).
    fn raw(&mut self, depth: usize) -> Option<&'a [u8]> {
        self.ws();
        let start = self.i;
        self.skip(depth)?;
        Some(&self.b()[start..self.i])
    }

    /// A value as attribute text: strings as they are, null and blank strings as nothing, anything
    /// else by the general path's rule.
    fn text(&mut self) -> Option<Option<Text>> {
        match self.peek()? {
            b'"' => {
                let s = self.string()?;
                Some((!super::trim::trim(&s).is_empty()).then(|| Text::from(s)))
            }
            b'n' => self.literal(b"null").map(|()| None),
            _ => {
                let raw = self.raw(1)?;
                let v: serde_json::Value = serde_json::from_slice(raw).ok()?;
                Some(prop_text(&v).map(Text::from))
            }
        }
    }

    fn feature(&mut self) -> Option<Parts> {
        let (mut kind, mut props, mut geometry, mut id) = (false, None, None, None);
        self.members(|p, key| {
            match &*key {
                "type" => {
                    if kind || p.string()? != "Feature" {
                        return None;
                    }
                    kind = true;
                }
                "properties" if props.is_none() => {
                    props = Some(if p.peek()? == b'n' {
                        p.literal(b"null")?;
                        Vec::new()
                    } else {
                        p.properties()?
                    });
                }
                "geometry" if geometry.is_none() => geometry = Some(p.geometry()?),
                "id" if id.is_none() => id = Some(p.text()?),
                "properties" | "geometry" | "id" => return None,
                _ => p.skip(1)?,
            }
            Some(())
        })?;
        if !kind {
            return None;
        }
        let mut props = props.unwrap_or_default();
        let id = id.flatten();
        if let Some(id) = &id {
            if !props.iter().any(|(k, _)| k == "id") {
                props.insert(0, ("id".into(), id.clone()));
            }
        }
        Some((props, geometry?, id.map(Text::into_string)))
    }

    /// The `properties` object: non-empty attributes in key order; duplicates are left to the general
    /// path.
    ///
    /// The features of a file almost always list the same names in the same order, so each name is first
    /// compared with the one at its place in the thread's last feature, and when all match, the attributes
    /// are put in key order by that feature's permutation (no search, no sort, no duplicate check).
    fn properties(&mut self) -> Option<Vec<(Key, Text)>> {
        LAST_NAMES.with(|last| {
            let mut last = last.borrow_mut();
            // Null and blank values stay as empty texts (a kept value is never empty) until the duplicate
            // check has seen their names.
            let mut all: Vec<(Key, Text)> = Vec::with_capacity(12);
            let mut same = true;
            // Each name first compared as it stands in the file with the one expected.
            self.object(|p| {
                let expected = last.names.get(all.len()).filter(|_| same);
                let k = match expected {
                    Some(&kept) if p.plain_string(kept) => Cow::Borrowed(kept),
                    _ => {
                        let name = p.string()?;
                        match expected {
                            Some(&kept) if kept == name => Cow::Borrowed(kept),
                            _ => {
                                same = false;
                                key(&name)
                            }
                        }
                    }
                };
                p.eat(b':')?;
                all.push((k, p.text()?.unwrap_or_default()));
                Some(())
            })?;
            if same && all.len() == last.names.len() {
                permute(&mut all, &last.order);
            } else if all.len() > LastNames::MAX {
                // Too many to remember (the last layout stays).
                all.sort_by(|a, b| a.0.cmp(&b.0));
                if all.windows(2).any(|w| w[0].0 == w[1].0) {
                    return None;
                }
            } else {
                let mut order: Vec<usize> = (0..all.len()).collect();
                order.sort_by(|&a, &b| all[a].0.cmp(&all[b].0));
                if order.windows(2).any(|w| all[w[0]].0 == all[w[1]].0) {
                    return None;
                }
                // Remembered when every name is a shared one that needs no escape in JSON (so that
                // `plain_string` may compare it with the file's bytes).
                last.names.clear();
                last.order.clear();
                if all
                    .iter()
                    .all(|(k, _)| matches!(k, Cow::Borrowed(n) if !needs_escape(n)))
                {
                    last.names.extend(all.iter().filter_map(|(k, _)| match k {
                        Cow::Borrowed(name) => Some(*name),
                        Cow::Owned(_) => None,
                    }));
                    last.order.extend(order.iter().map(|&i| i as u8));
                }
                permute(&mut all, &order);
            }
            all.retain(|(_, v)| !v.is_empty());
            Some(all)
        })
    }

    fn geometry(&mut self) -> Option<RawGeom> {
        let (mut kind, mut coords): (Option<Kind>, Option<Result<RawGeom, usize>>) = (None, None);
        self.members(|p, key| {
            match &*key {
                "type" if kind.is_none() => kind = Some(Kind::of(&p.string()?)?),
                "coordinates" if coords.is_none() => {
                    coords = Some(match kind {
                        Some(k) => Ok(p.coordinates(k)?),
                        // The type comes later: note where the coordinates are, read them then.
                        None => {
                            p.ws();
                            let at = p.i;
                            p.skip(1)?;
                            Err(at)
                        }
                    });
                }
                "type" | "coordinates" | "geometries" => return None,
                _ => p.skip(1)?,
            }
            Some(())
        })?;
        let kind = kind?;
        match coords? {
            Ok(g) => Some(g),
            Err(at) => {
                let end = self.i;
                self.i = at;
                let g = self.coordinates(kind)?;
                self.i = end;
                Some(g)
            }
        }
    }

    fn coordinates(&mut self, kind: Kind) -> Option<RawGeom> {
        Some(match kind {
            Kind::Point => RawGeom::Point(self.position()?),
            Kind::MultiPoint => RawGeom::MultiPoint(self.list(Self::position)?),
            Kind::LineString => RawGeom::LineString(self.list(Self::position)?),
            Kind::MultiLineString => RawGeom::MultiLineString(self.list(Self::positions)?),
            Kind::Polygon => RawGeom::Polygon(self.list(Self::positions)?),
            Kind::MultiPolygon => RawGeom::MultiPolygon(self.list(|p| p.list(Self::positions))?),
        })
    }

    fn list<T>(&mut self, mut item: impl FnMut(&mut Self) -> Option<T>) -> Option<Vec<T>> {
        let mut out = Vec::new();
        self.elements(|p| {
            out.push(item(p)?);
            Some(())
        })?;
        Some(out)
    }

    /// An object: `member` reads the value of each key in turn.
    fn members(
        &mut self,
        mut member: impl FnMut(&mut Self, Cow<'a, str>) -> Option<()>,
    ) -> Option<()> {
        self.object(|p| {
            let key = p.string()?;
            p.eat(b':')?;
            member(p, key)
        })
    }

    /// An object's braces and commas: `member` reads each whole member (key, colon and value) in turn.
    fn object(&mut self, mut member: impl FnMut(&mut Self) -> Option<()>) -> Option<()> {
        self.eat(b'{')?;
        if self.peek()? == b'}' {
            self.i += 1;
            return Some(());
        }
        loop {
            member(self)?;
            if !self.next_or_close(b'}')? {
                return Some(());
            }
        }
    }

    /// An array: `item` reads each element in turn.
    fn elements(&mut self, mut item: impl FnMut(&mut Self) -> Option<()>) -> Option<()> {
        self.eat(b'[')?;
        if self.peek()? == b']' {
            self.i += 1;
            return Some(());
        }
        loop {
            item(self)?;
            if !self.next_or_close(b']')? {
                return Some(());
            }
        }
    }

    fn positions(&mut self) -> Option<Vec<Pos>> {
        self.list(Self::position)
    }

    /// `[x, y]`, or `[x, y, …]` with further members ignored (as the general path does).
    fn position(&mut self) -> Option<Pos> {
        self.eat(b'[')?;
        let x = self.number()?;
        self.eat(b',')?;
        let y = self.number()?;
        while self.next_or_close(b']')? {
            self.skip(3)?;
        }
        Some([x, y])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The general path's answer for one element: parse as a `serde_json::Value`, then take the Feature
    /// apart as `geojson::feature` does.
    fn general(text: &str) -> Option<Parts> {
        let v: serde_json::Value = serde_json::from_str(text).ok()?;
        super::super::geojson::feature_parts(v)
    }

    #[track_caller]
    fn same(text: &str) {
        let fast = feature(text.as_bytes());
        assert!(fast.is_some(), "the fast path declined {text}");
        assert_eq!(fast, general(text), "{text}");
    }

    #[track_caller]
    fn declined(text: &str) {
        assert_eq!(feature(text.as_bytes()), None, "{text}");
    }

    #[test]
    fn permute_equals_sorting_by_place() {
        let mut rng = crate::gen::rng::Rng::new(7);
        for n in 0..=64usize {
            let mut order: Vec<usize> = (0..n).collect();
            for i in (1..n).rev() {
                order.swap(i, rng.below(i + 1));
            }
            let original: Vec<String> = (0..n).map(|i| format!("v{i}")).collect();
            let mut v = original.clone();
            permute(&mut v, &order);
            let expected: Vec<String> = order.iter().map(|&i| original[i].clone()).collect();
            assert_eq!(v, expected, "{order:?}");
        }
    }

    /// Features read one after the other on one thread, with the same names in the same order, the same
    /// names in another order, fewer, more, duplicated and non-string values, names written with an
    /// escape now and then, and a name that needs one: each equals the general path (the last feature's
    /// names and order are reused only when they fit).
    #[test]
    fn attribute_layouts_in_a_row_equal_the_general_path() {
        // As written in the file: one name with an escaped quote (never remembered).
        let names = [
            "id", "name", "category", "licence", "address", "状态", "zz", "a", r#"q\"x"#,
        ];
        let mut rng = crate::gen::rng::Rng::new(11);
        std::thread::spawn(move || {
            let mut layout: Vec<&str> = names[..5].to_vec();
            for k in 0..3000 {
                match rng.below(10) {
                    0 => layout.reverse(),
                    1 if layout.len() > 1 => {
                        layout.pop();
                    }
                    2 => {
                        if let Some(n) = names.iter().find(|n| !layout.contains(n)) {
                            layout.push(n);
                        }
                    }
                    3 => {
                        let i = rng.below(layout.len());
                        layout.swap(0, i);
                    }
                    _ => {}
                }
                let mut members: Vec<String> = layout
                    .iter()
                    .enumerate()
                    .map(|(i, n)| {
                        // Now and then the same name with its first character escaped.
                        let n = if rng.below(7) == 0 {
                            let c = n.chars().next().unwrap();
                            format!("\\u{:04x}{}", c as u32, &n[c.len_utf8()..])
                        } else {
                            n.to_string()
                        };
                        match (k + i) % 5 {
                            0 => format!(r#""{n}":null"#),
                            1 => format!(r#""{n}":{i}"#),
                            _ => format!(r#""{n}":"v{k}-{i}""#),
                        }
                    })
                    .collect();
                let duplicated = rng.below(50) == 0;
                if duplicated {
                    members.push(format!(r#""{}":"again""#, layout[0]));
                }
                let text = format!(
                    r#"{{"type":"Feature","properties":{{{}}},"geometry":{{"type":"Point","coordinates":[1,2]}}}}"#,
                    members.join(",")
                );
                if duplicated {
                    declined(&text);
                } else {
                    same(&text);
                }
            }
        })
        .join()
        .unwrap();
    }

    /// Fixed sequences on one thread around the remembered layout: a duplicated feature twice, a duplicate
    /// in the middle, features with more names than are remembered, a name too long to be shared, empty
    /// and null properties, and a feature that breaks off inside its properties.
    #[test]
    fn remembered_layouts_around_the_edge_cases() {
        fn feature(members: &[String]) -> String {
            format!(
                r#"{{"type":"Feature","properties":{{{}}},"geometry":{{"type":"Point","coordinates":[1,2]}}}}"#,
                members.join(",")
            )
        }
        let member = |n: &str, v: &str| format!(r#""{n}":"{v}""#);
        let usual = feature(&[member("id", "1"), member("name", "a"), member("kind", "x")]);
        let dup_end = feature(&[member("id", "1"), member("name", "a"), member("id", "2")]);
        let dup_mid = feature(&[member("id", "1"), member("id", "2"), member("name", "a")]);
        let many = feature(
            &(0..70)
                .map(|i| member(&format!("k{:02}", 69 - i), &i.to_string()))
                .collect::<Vec<_>>(),
        );
        let long_name = "n".repeat(65);
        let long = feature(&[member(&long_name, "v"), member("id", "1")]);
        let empty = feature(&[]);
        let null = r#"{"type":"Feature","properties":null,"geometry":{"type":"Point","coordinates":[1,2]}}"#;
        let broken = r#"{"type":"Feature","properties":{"id":"1","name":tru},"geometry":{"type":"Point","coordinates":[1,2]}}"#;
        std::thread::spawn(move || {
            same(&usual);
            declined(&dup_end);
            declined(&dup_end);
            same(&usual);
            declined(&dup_mid);
            declined(&dup_mid);
            same(&usual);
            same(&many);
            same(&many);
            same(&usual);
            same(&long);
            same(&long);
            same(&usual);
            same(&empty);
            same(null);
            same(&empty);
            same(&usual);
            declined(broken);
            same(&usual);
            same(&usual);
        })
        .join()
        .unwrap();
    }

    #[test]
    fn common_features_equal_the_general_path() {
        same(
            r#"{"type":"Feature","properties":{"id":"V1","name":"宏达便利店","category":"other","licence":"92411303MADW71M6FU","status":"在业"},"geometry":{"type":"Point","coordinates":[112.1483054,33.7629603]}}"#,
        );
        same(
            r#" { "geometry" : { "coordinates" : [ [ [ 1 , 2 ] , [ 3.5 , 2 ] , [ 3.5 , 4e0 ] , [ 1 , 2 ] ] ] , "type" : "Polygon" } , "properties" : null , "type" : "Feature" , "id" : 17 } "#,
        );
        same(
            r#"{"type":"Feature","id":"  ","properties":{"z":"1","a":"x\"y\\u4e2d","b":" ","c":null,"n":-12.5e-3,"t":true,"o":{"k":[1,"]"]},"id":"own"},"bbox":[1,2,3,4],"geometry":{"type":"MultiPolygon","bbox":[0],"coordinates":[[[[0,0],[1,0],[1,1],[0,0]],[[0.1,0.1],[0.2,0.1],[0.2,0.2],[0.1,0.1]]],[[[5,5],[6,5],[6,6],[5,5]]]]}}"#,
        );
        same(
            r#"{"type":"Feature","id":7.25,"properties":{},"geometry":{"type":"LineString","coordinates":[[112.123456789012345,-33.1,9],[0.000000000000000000001,-0.0,"z"]]}}"#,
        );
        same(
            r#"{"type":"Feature","properties":{"名称":"网吧"},"geometry":{"type":"MultiLineString","coordinates":[[[1,1],[2,2]],[[3,3],[4,4]]]}}"#,
        );
        same(
            r#"{"type":"Feature","properties":{"a":"b"},"geometry":{"type":"MultiPoint","coordinates":[[1,1]]}}"#,
        );
        // Long and exponent numbers go through serde_json's own parse: the same bits.
        same(
            r#"{"type":"Feature","geometry":{"type":"Point","coordinates":[112.14830541234567891,1.7976931348623157e308]}}"#,
        );
        same(
            r#"{"type":"Feature","geometry":{"type":"Point","coordinates":[-0,123456789012345678901234567890]}}"#,
        );
    }

    /// `eight_digits` against counting and adding one byte at a time, on words of digits mixed with the
    /// bytes around them ('/' and ':'), number ends, and bytes that carry when 6 is added.
    #[test]
    fn eight_digits_equal_one_at_a_time() {
        let pool = b"0123456789/:.,]eE-+ \xfa\xff\x00\x39\x30";
        let mut rng = crate::gen::rng::Rng::new(0x9E37_79B9_7F4A_7C15);
        for _ in 0..200_000 {
            let x = rng.next_u64();
            let digits_first = (x % 9) as usize;
            let bytes: [u8; 8] = std::array::from_fn(|i| {
                let r = (x >> (i * 6)) as usize;
                if i < digits_first {
                    b'0' + (r % 10) as u8
                } else {
                    pool[r % pool.len()]
                }
            });
            let k = bytes.iter().take_while(|c| c.is_ascii_digit()).count();
            let value = bytes[..k]
                .iter()
                .fold(0u64, |v, &c| v * 10 + u64::from(c - b'0'));
            assert_eq!(
                eight_digits(u64::from_le_bytes(bytes)),
                (k, value),
                "{bytes:?}"
            );
        }
    }

    #[test]
    fn numbers_are_the_bits_serde_json_gives() {
        for text in [
            "0",
            "-1",
            "112.1483054",
            "33.7629603",
            "0.1",
            "0.30000000000000004",
            "-179.99999999",
            "1e2",
            "123456789012345",
            "1234567890123456",
            "0.000001",
            "90.0000000000001",
            "5e-324",
            "0.00000000000000000000001",
            "1.00000000000000000000000000",
        ] {
            let mut p = Parser::new(text);
            let want: f64 = serde_json::from_str(text).unwrap();
            assert_eq!(p.number().map(f64::to_bits), Some(want.to_bits()), "{text}");
        }
        // Fractions of every length up to 25 digits, with leading zeros, followed by each byte that can
        // end a number (or by nothing): eight digits at a time and the rest one at a time.
        let mut rng = crate::gen::rng::Rng::new(0x2545_F491_4F6C_DD1D);
        for _ in 0..20_000 {
            let y = rng.next_u64();
            let len = (y % 26) as usize;
            let zeros = ((y >> 8) % 4) as usize;
            let mut fraction: String = "0".repeat(zeros.min(len));
            let mut z = y;
            while fraction.len() < len.max(1) {
                fraction.push(char::from(b'0' + (z % 10) as u8));
                z /= 10;
                if z == 0 {
                    z = y.rotate_left(17) | 1;
                }
            }
            let end = ["", ",", "]", "}", " ", "e3", "E-2"][((y >> 16) % 7) as usize];
            let text = format!(
                "{}{}.{fraction}{end}",
                if y & 1 == 1 { "-" } else { "" },
                (y >> 24) % 200
            );
            let number = text.trim_end_matches([',', ']', '}', ' ']);
            let want: f64 = serde_json::from_str(number).unwrap();
            let mut p = Parser::new(&text);
            assert_eq!(p.number().map(f64::to_bits), Some(want.to_bits()), "{text}");
            assert_eq!(p.i, number.len(), "{text}");
        }
        // Random decimals as a generator writes them.
        for _ in 0..20_000 {
            let x = rng.next_u64();
            let text = format!(
                "{}{}.{:0w$}",
                if x & 1 == 1 { "-" } else { "" },
                (x >> 8) % 180,
                (x >> 20) % 10u64.pow((x % 9) as u32 + 1),
                w = (x % 9) as usize + 1
            );
            let mut p = Parser::new(&text);
            let want: f64 = serde_json::from_str(&text).unwrap();
            assert_eq!(p.number().map(f64::to_bits), Some(want.to_bits()), "{text}");
        }
    }

    #[test]
    fn anything_unusual_is_left_to_the_general_path() {
        for text in [
            r#"{"type":"Feature","properties":{"a":"1","a":"2"},"geometry":{"type":"Point","coordinates":[1,2]}}"#,
            r#"{"type":"Feature","type":"Feature","geometry":{"type":"Point","coordinates":[1,2]}}"#,
            r#"{"type":"Feature","geometry":null}"#,
            r#"{"type":"Feature","properties":{}}"#,
            r#"{"type":"Feat","geometry":{"type":"Point","coordinates":[1,2]}}"#,
            r#"{"geometry":{"type":"Point","coordinates":[1,2]}}"#,
            r#"{"type":"Feature","geometry":{"type":"GeometryCollection","geometries":[]}}"#,
            r#"{"type":"Feature","geometry":{"type":"Point","coordinates":[1]}}"#,
            r#"{"type":"Feature","geometry":{"type":"Point","coordinates":[1,"2"]}}"#,
            r#"{"type":"Feature","geometry":{"type":"Point","coordinates":[01,2]}}"#,
            r#"{"type":"Feature","geometry":{"type":"Point","coordinates":[1.,2]}}"#,
            r#"{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2],}}"#,
            r#"{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]}} x"#,
            r#"{"type":"Feature","geometry":{"type":"Point"}}"#,
            r#"{"type":"Feature","geometry":{"type":"Circle","coordinates":[1,2]}}"#,
            r#"{"type":"Feature","properties":[],"geometry":{"type":"Point","coordinates":[1,2]}}"#,
            "{\"type\":\"Feature\",\"properties\":{\"a\":\"tab\there\"},\"geometry\":{\"type\":\"Point\",\"coordinates\":[1,2]}}",
            r#"{"type":"Feature","properties":{"a":"\x"},"geometry":{"type":"Point","coordinates":[1,2]}}"#,
        ] {
            declined(text);
        }
        let deep = format!(
            r#"{{"type":"Feature","x":{}1{},"geometry":{{"type":"Point","coordinates":[1,2]}}}}"#,
            "[".repeat(200),
            "]".repeat(200)
        );
        declined(&deep);
        // Invalid UTF-8 inside a string.
        let mut bad = br#"{"type":"Feature","properties":{"a":"xx"},"geometry":{"type":"Point","coordinates":[1,2]}}"#.to_vec();
        let at = bad.iter().position(|&c| c == b'x').unwrap();
        bad[at] = 0xff;
        assert_eq!(feature(&bad), None);
    }

    /// Differential test on damaged input: 60 000 mutations (bytes flipped, inserted, deleted, spans
    /// duplicated) of features of every shape. Whenever the fast path answers, the general path must give
    /// the same answer; it may decline anything.
    #[test]
    fn damaged_features_never_disagree() {
        let seeds = [
            r#"{"type":"Feature","id":"V1","properties":{"name":"宏达网吧","category":"internet_cafe","licence":"92411303MADW71M6FU","n":12,"x":null},"geometry":{"type":"Point","coordinates":[112.1483054,33.7629603]}}"#,
            r#"{"type":"Feature","properties":{"a":"x\"y","b":" "},"geometry":{"type":"Polygon","coordinates":[[[1,2],[3.5,2],[3.5,4],[1,2]],[[1.1,2.1],[1.2,2.1],[1.2,2.2],[1.1,2.1]]]}}"#,
            r#"{"geometry":{"coordinates":[[[[0,0],[1,0],[1,1],[0,0]]]],"type":"MultiPolygon"},"type":"Feature","properties":null,"id":7}"#,
            r#"{"type":"Feature","properties":{"k":[1,{"z":"]"}]},"geometry":{"type":"MultiLineString","coordinates":[[[1,1],[2,2,0]],[[3,3],[4,4]]]}}"#,
        ];
        let mut rng = crate::gen::rng::Rng::new(0x0123_4567_89AB_CDEF);
        let mut next = |n: usize| rng.below(n);
        let alphabet = b"{}[]\",:0123456789.-+eE \\ntrufalsFx\xe4\xb8\xad\x01";
        let (mut answered, mut checked) = (0, 0);
        for round in 0..60_000 {
            let mut b = seeds[round % seeds.len()].as_bytes().to_vec();
            for _ in 0..1 + next(3) {
                let at = next(b.len());
                match next(4) {
                    0 => b[at] = alphabet[next(alphabet.len())],
                    1 => b.insert(at, alphabet[next(alphabet.len())]),
                    2 => {
                        b.remove(at);
                    }
                    _ => {
                        let len = next(8).min(b.len() - at);
                        let span = b[at..at + len].to_vec();
                        b.splice(at..at, span);
                    }
                }
                if b.is_empty() {
                    b.push(b'{');
                }
            }
            let Some(fast) = feature(&b) else { continue };
            answered += 1;
            if fast.1.validate().is_err() {
                continue;
            }
            checked += 1;
            let general = serde_json::from_slice::<serde_json::Value>(&b)
                .ok()
                .and_then(super::super::geojson::feature_parts);
            assert_eq!(
                Some(&fast),
                general.as_ref(),
                "{}",
                String::from_utf8_lossy(&b)
            );
        }
        // The mutations leave enough features readable for the comparison to mean something.
        assert!(
            checked > 5_000 && answered >= checked,
            "{answered} {checked}"
        );
    }
}
