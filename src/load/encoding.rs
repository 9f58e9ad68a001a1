//! Attribute text encodings: code-page names (.cpg files, flags), dBase language-driver bytes, and
//! detection of GBK among bytes that are not valid UTF-8.
//!
//! Note: `encoding_rs`'s GBK decoder is the GB18030 decoder (as the WHATWG Encoding Standard specifies),
//! so every GBK and GB18030 byte sequence decodes correctly through [`encoding_rs::GBK`].

use encoding_rs::Encoding;

/// The encoding a .cpg file (or an `--encoding` value) names: labels such as `UTF-8`, `utf8`, `GBK`,
/// `GB2312`, `GB18030`, and Windows code-page numbers such as `65001`, `936`, `CP936`, `ANSI 936`,
/// `54936`, `1252`. `None` when the name is not known.
///
/// ```
/// use perimeter::load::encoding::from_code_page;
/// assert_eq!(from_code_page("UTF-8\r\n"), Some(encoding_rs::UTF_8));
/// assert_eq!(from_code_page("936"), Some(encoding_rs::GBK));
/// assert_eq!(from_code_page("ANSI 936"), Some(encoding_rs::GBK));
/// assert_eq!(from_code_page("GB18030"), Some(encoding_rs::GB18030));
/// assert_eq!(from_code_page("65001"), Some(encoding_rs::UTF_8));
/// assert_eq!(from_code_page("klingon"), None);
/// ```
pub fn from_code_page(text: &str) -> Option<&'static Encoding> {
    let t = text.trim().trim_start_matches('\u{feff}').trim();
    if t.is_empty() {
        return None;
    }
    let lower = t.to_ascii_lowercase();
    let number = lower
        .trim_start_matches("ansi")
        .trim_start_matches("windows")
        .trim_start_matches("cp")
        .trim_start_matches(['-', '_', ' '])
        .trim();
    if !number.is_empty() && number.chars().all(|c| c.is_ascii_digit()) {
        return match number {
            "65001" => Some(encoding_rs::UTF_8),
            "936" => Some(encoding_rs::GBK),
            "54936" => Some(encoding_rs::GB18030),
            "950" => Some(encoding_rs::BIG5),
            "932" => Some(encoding_rs::SHIFT_JIS),
            "949" => Some(encoding_rs::EUC_KR),
            "1250" => Some(encoding_rs::WINDOWS_1250),
            "1251" => Some(encoding_rs::WINDOWS_1251),
            "1252" => Some(encoding_rs::WINDOWS_1252),
            "1253" => Some(encoding_rs::WINDOWS_1253),
            "1254" => Some(encoding_rs::WINDOWS_1254),
            "28591" | "88591" => Some(encoding_rs::WINDOWS_1252),
            _ => None,
        };
    }
    let label = match lower.as_str() {
        "utf8" => "utf-8",
        "ansi" => return None,
        other => other,
    };
    Encoding::for_label(label.as_bytes())
}

/// The encoding a dBase header's language-driver byte (offset 29) states, for the bytes that state
/// one unambiguously. `0x00` (none) and `0x57` ("ANSI", the writer's locale) give `None`.
///
/// ```
/// use perimeter::load::encoding::from_language_driver;
/// assert_eq!(from_language_driver(0x4d), Some(encoding_rs::GBK));
/// assert_eq!(from_language_driver(0x7a), Some(encoding_rs::GBK));
/// assert_eq!(from_language_driver(0x57), None);
/// ```
pub fn from_language_driver(byte: u8) -> Option<&'static Encoding> {
    match byte {
        // 0x4d: Chinese GBK (PRC), Windows code page 936; 0x7a: PRC GBK, also CP936.
        0x4d | 0x7a => Some(encoding_rs::GBK),
        // 0x78: Chinese Big5 (Taiwan), 950.
        0x78 => Some(encoding_rs::BIG5),
        // 0x79: Korean, 949.
        0x79 => Some(encoding_rs::EUC_KR),
        // 0x7b / 0x13: Japanese Shift-JIS, 932.
        0x7b | 0x13 => Some(encoding_rs::SHIFT_JIS),
        // 0x03: Windows ANSI Latin I, 1252.
        0x03 => Some(encoding_rs::WINDOWS_1252),
        0xc8 => Some(encoding_rs::WINDOWS_1250),
        0xc9 => Some(encoding_rs::WINDOWS_1251),
        0xcb => Some(encoding_rs::WINDOWS_1253),
        0xca => Some(encoding_rs::WINDOWS_1254),
        _ => None,
    }
}

/// UTF-8 when every sample is valid UTF-8, otherwise GBK (the encoding of Chinese data that is not
/// UTF-8).
///
/// ```
/// use perimeter::load::encoding::detect;
/// let gbk = encoding_rs::GBK.encode("南召县").0.into_owned();
/// assert_eq!(detect(["plain".as_bytes(), "南召县".as_bytes()]), encoding_rs::UTF_8);
/// assert_eq!(detect(["plain".as_bytes(), gbk.as_slice()]), encoding_rs::GBK);
/// ```
pub fn detect<'a>(samples: impl IntoIterator<Item = &'a [u8]>) -> &'static Encoding {
    if samples.into_iter().all(|s| std::str::from_utf8(s).is_ok()) {
        encoding_rs::UTF_8
    } else {
        encoding_rs::GBK
    }
}

/// Decodes bytes (no BOM handling), replacing malformed sequences with U+FFFD; returns the text and
/// whether anything was replaced.
pub fn decode(bytes: &[u8], encoding: &'static Encoding) -> (String, bool) {
    let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
    (text.into_owned(), had_errors)
}

/// How an encoding was chosen, for reports: `"GBK (.cpg)"`, `"UTF-8 (detected)"`.
pub fn describe(encoding: &'static Encoding, how: &str) -> String {
    format!("{} ({how})", encoding.name())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_pages() {
        let cases: [(&str, Option<&'static Encoding>); 10] = [
            ("UTF-8", Some(encoding_rs::UTF_8)),
            ("utf8", Some(encoding_rs::UTF_8)),
            ("GBK", Some(encoding_rs::GBK)),
            ("gb2312", Some(encoding_rs::GBK)),
            ("CP936", Some(encoding_rs::GBK)),
            ("Windows-936", Some(encoding_rs::GBK)),
            ("1252", Some(encoding_rs::WINDOWS_1252)),
            ("ISO-8859-1", Some(encoding_rs::WINDOWS_1252)),
            ("", None),
            ("ANSI", None),
        ];
        for (text, want) in cases {
            assert_eq!(from_code_page(text), want, "{text}");
        }
    }

    #[test]
    fn gbk_round_trip_is_byte_exact() {
        let name = "南召县第一初级中学";
        let (bytes, _, _) = encoding_rs::GBK.encode(name);
        // 9 characters, 2 bytes each in GBK.
        assert_eq!(bytes.len(), 18);
        assert_eq!(decode(&bytes, encoding_rs::GBK), (name.to_string(), false));
        assert_eq!(describe(encoding_rs::GBK, ".cpg"), "GBK (.cpg)");
    }
}
