//! Finds the elements of a GeoJSON file's `features` array without parsing them, so that they can be
//! parsed in parallel.
//!
//! A byte scan that knows only JSON's strings, brackets, commas and colons: it returns the byte span of
//! the `features` array (or of a bare top-level array) and of each element in it. Anything it does not
//! recognise (an escaped key, two `features` members, unbalanced brackets, a truncated file) makes it
//! return `None`, and the caller parses the file serially, which reports the error with its position.
//! UTF-8 never puts ASCII bytes inside a multi-byte character, so scanning bytes is safe.

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

/// `b[i]` is `"`: the position just past the closing quote.
fn skip_string(b: &[u8], mut i: usize) -> Option<usize> {
    i += 1;
    while i < b.len() {
        match b[i] {
            b'"' => return Some(i + 1),
            b'\\' => i += 2,
            _ => i += 1,
        }
    }
    None
}

/// `b[i]` is `[` or `{`: the position just past the matching bracket.
fn skip_container(b: &[u8], mut i: usize) -> Option<usize> {
    let mut depth = 0usize;
    while i < b.len() {
        match b[i] {
            b'"' => {
                i = skip_string(b, i)?;
                continue;
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

/// Any value starting at `b[i]`: the position just past it.
fn skip_value(b: &[u8], i: usize) -> Option<usize> {
    match *b.get(i)? {
        b'"' => skip_string(b, i),
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
fn split_array(b: &[u8], mut i: usize) -> Option<(usize, Vec<(usize, usize)>)> {
    let mut elements = Vec::new();
    i = skip_ws(b, i + 1);
    if *b.get(i)? == b']' {
        return Some((i + 1, elements));
    }
    loop {
        let start = i;
        i = skip_value(b, i)?;
        elements.push((start, i));
        i = skip_ws(b, i);
        match *b.get(i)? {
            b',' => i = skip_ws(b, i + 1),
            b']' => return Some((i + 1, elements)),
            _ => return None,
        }
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
                i = skip_string(b, i)?;
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
}
