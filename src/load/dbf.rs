//! The dBase (.dbf) attribute table of a Shapefile, read as raw bytes so that the text encoding is
//! chosen by us (flag, .cpg, language driver, detection) and Chinese names decode byte-exact.
//!
//! Layout (dBase III+): a 32-byte header (record count at 4, header length at 8, record length at 10,
//! language driver at 29), 32-byte field descriptors up to a 0x0D terminator, then fixed-width records,
//! each starting with a deletion flag (`*` = deleted).

use encoding_rs::Encoding;

use super::encoding;

/// One column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Column {
    /// The name's bytes as stored (up to the first NUL).
    pub name: Vec<u8>,
    /// dBase type code: `C` text, `N`/`F` number, `L` logical, `D` date, `I` int32, `O`/`B` double …
    pub kind: u8,
    /// Byte offset within a record (the deletion flag is byte 0).
    pub offset: usize,
    pub len: usize,
}

/// A parsed table borrowing the file's bytes.
#[derive(Debug)]
pub(crate) struct Table<'a> {
    pub language_driver: u8,
    pub columns: Vec<Column>,
    records: Vec<&'a [u8]>,
}

fn u16_at(b: &[u8], at: usize) -> usize {
    usize::from(u16::from_le_bytes([b[at], b[at + 1]]))
}

impl<'a> Table<'a> {
    /// Parses the header and slices the records; fails on a header that does not fit the file.
    pub fn parse(bytes: &'a [u8]) -> Result<Table<'a>, String> {
        if bytes.len() < 32 {
            return Err(format!(
                "the .dbf has {} bytes, less than its 32-byte header",
                bytes.len()
            ));
        }
        let count = u32::from_le_bytes([bytes[4], bytes[5], bytes[6], bytes[7]]) as usize;
        let header_len = u16_at(bytes, 8);
        let record_len = u16_at(bytes, 10);
        let language_driver = bytes[29];
        if header_len < 33 || header_len > bytes.len() {
            return Err(format!(
                "the .dbf header length {header_len} does not fit the file ({} bytes)",
                bytes.len()
            ));
        }
        let mut columns = Vec::new();
        let mut offset = 1;
        let mut at = 32;
        while at + 32 <= header_len && bytes[at] != 0x0d {
            let d = &bytes[at..at + 32];
            let name_end = d[..11].iter().position(|&b| b == 0).unwrap_or(11);
            let len = usize::from(d[16]);
            columns.push(Column {
                name: d[..name_end].to_vec(),
                kind: d[11].to_ascii_uppercase(),
                offset,
                len,
            });
            offset += len;
            at += 32;
        }
        if offset > record_len {
            return Err(format!(
                "the .dbf fields need {offset} bytes per record but records have {record_len}"
            ));
        }
        let available = (bytes.len() - header_len) / record_len.max(1);
        if count > available {
            return Err(format!(
                "the .dbf is truncated: its header promises {count} records, the file holds {available}"
            ));
        }
        let records = (0..count)
            .map(|i| {
                let start = header_len + i * record_len;
                &bytes[start..start + record_len]
            })
            .collect();
        Ok(Table {
            language_driver,
            columns,
            records,
        })
    }

    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// True when record `i` carries the deletion flag.
    pub fn deleted(&self, i: usize) -> bool {
        self.records
            .get(i)
            .is_some_and(|r| r.first() == Some(&b'*'))
    }

    /// The raw bytes of column `c` of record `i`.
    pub fn raw(&self, i: usize, c: usize) -> &'a [u8] {
        match (self.records.get(i), self.columns.get(c)) {
            (Some(r), Some(col)) => r.get(col.offset..col.offset + col.len).unwrap_or(&[]),
            _ => &[],
        }
    }

    /// Every byte string whose encoding matters: column names and text values.
    pub fn text_samples(&self) -> impl Iterator<Item = &[u8]> + '_ {
        let names = self.columns.iter().map(|c| c.name.as_slice());
        let values = (0..self.len()).flat_map(move |i| {
            self.columns
                .iter()
                .enumerate()
                .filter(|(_, c)| c.kind == b'C')
                .map(move |(c, _)| trim(self.raw(i, c)))
        });
        names.chain(values)
    }

    /// Column `c`'s name, decoded.
    pub fn column_name(&self, c: usize, enc: &'static Encoding) -> String {
        let raw = self
            .columns
            .get(c)
            .map(|col| col.name.as_slice())
            .unwrap_or(&[]);
        encoding::decode(trim(raw), enc).0
    }

    /// Record `i`, column `c` as text: text decoded and trimmed, numbers as written, logicals as
    /// `true`/`false`, dates as `YYYY-MM-DD`. `None` for empty values and for types that hold no text
    /// (memo pointers, binary).
    pub fn value(&self, i: usize, c: usize, enc: &'static Encoding) -> Option<String> {
        let col = self.columns.get(c)?;
        let raw = self.raw(i, c);
        let text = match col.kind {
            b'C' | b'V' => encoding::decode(trim(raw), enc).0,
            b'N' | b'F' => {
                let t = String::from_utf8_lossy(trim(raw)).into_owned();
                if t.chars().all(|ch| ch == '*') {
                    return None;
                }
                t
            }
            b'L' => match trim(raw).first() {
                Some(b'T' | b't' | b'Y' | b'y') => "true".into(),
                Some(b'F' | b'f' | b'N' | b'n') => "false".into(),
                _ => return None,
            },
            b'D' => {
                let t = trim(raw);
                if t.len() == 8 && t.iter().all(u8::is_ascii_digit) {
                    if t.iter().all(|&b| b == b'0') {
                        return None;
                    }
                    let s = String::from_utf8_lossy(t);
                    format!("{}-{}-{}", &s[0..4], &s[4..6], &s[6..8])
                } else {
                    String::from_utf8_lossy(t).into_owned()
                }
            }
            b'I' if raw.len() == 4 => {
                i32::from_le_bytes([raw[0], raw[1], raw[2], raw[3]]).to_string()
            }
            b'O' | b'B' if raw.len() == 8 => {
                let v = f64::from_le_bytes([
                    raw[0], raw[1], raw[2], raw[3], raw[4], raw[5], raw[6], raw[7],
                ]);
                if !v.is_finite() {
                    return None;
                }
                v.to_string()
            }
            _ => return None,
        };
        (!text.is_empty()).then_some(text)
    }
}

/// Strips spaces and NULs at both ends.
fn trim(b: &[u8]) -> &[u8] {
    let pad = |c: &u8| *c == b' ' || *c == 0;
    let start = b.iter().position(|c| !pad(c)).unwrap_or(b.len());
    let end = b.iter().rposition(|c| !pad(c)).map_or(start, |e| e + 1);
    &b[start..end]
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Builds a dBase III table: `fields` = (name bytes, type, width), `rows` = values as bytes.
    pub(crate) fn table_bytes(
        fields: &[(&[u8], u8, u8)],
        rows: &[(bool, Vec<&[u8]>)],
        language_driver: u8,
    ) -> Vec<u8> {
        let header_len = 32 + 32 * fields.len() + 1;
        let record_len = 1 + fields.iter().map(|f| usize::from(f.2)).sum::<usize>();
        let mut b = vec![0u8; 32];
        b[0] = 0x03;
        b[4..8].copy_from_slice(&(rows.len() as u32).to_le_bytes());
        b[8..10].copy_from_slice(&(header_len as u16).to_le_bytes());
        b[10..12].copy_from_slice(&(record_len as u16).to_le_bytes());
        b[29] = language_driver;
        for (name, kind, width) in fields {
            let mut d = [0u8; 32];
            d[..name.len()].copy_from_slice(name);
            d[11] = *kind;
            d[16] = *width;
            b.extend_from_slice(&d);
        }
        b.push(0x0d);
        for (deleted, values) in rows {
            b.push(if *deleted { b'*' } else { b' ' });
            for ((_, _, width), v) in fields.iter().zip(values) {
                let mut cell = v.to_vec();
                cell.resize(usize::from(*width), b' ');
                b.extend_from_slice(&cell);
            }
        }
        b.push(0x1a);
        b
    }

    #[test]
    fn reads_gbk_text_numbers_logicals_and_dates() {
        let name = encoding_rs::GBK.encode("名称").0.into_owned();
        let school = encoding_rs::GBK.encode("南召县第一初级中学").0.into_owned();
        let bytes = table_bytes(
            &[
                (&name, b'C', 30),
                (b"PUPILS", b'N', 6),
                (b"OPEN", b'L', 1),
                (b"SINCE", b'D', 8),
            ],
            &[
                (false, vec![&school, b"  1200", b"T", b"19580901"]),
                (true, vec![b"x", b"******", b"?", b"        "]),
            ],
            0x4d,
        );
        let t = Table::parse(&bytes).unwrap();
        assert_eq!(t.len(), 2);
        assert_eq!(t.language_driver, 0x4d);
        assert_eq!(encoding::detect(t.text_samples()), encoding_rs::GBK);
        let gbk = encoding_rs::GBK;
        assert_eq!(t.column_name(0, gbk), "名称");
        assert_eq!(t.value(0, 0, gbk).as_deref(), Some("南召县第一初级中学"));
        assert_eq!(t.value(0, 1, gbk).as_deref(), Some("1200"));
        assert_eq!(t.value(0, 2, gbk).as_deref(), Some("true"));
        assert_eq!(t.value(0, 3, gbk).as_deref(), Some("1958-09-01"));
        assert!(!t.deleted(0));
        assert!(t.deleted(1));
        assert_eq!(t.value(1, 1, gbk), None);
        assert_eq!(t.value(1, 2, gbk), None);
        assert_eq!(t.value(1, 3, gbk), None);
    }

    #[test]
    fn truncated_and_short_tables_are_errors() {
        let bytes = table_bytes(
            &[(b"NAME", b'C', 10)],
            &[(false, vec![b"a"]), (false, vec![b"b"])],
            0,
        );
        assert_eq!(
            Table::parse(&bytes[..bytes.len() - 12]).unwrap_err(),
            "the .dbf is truncated: its header promises 2 records, the file holds 1"
        );
        assert_eq!(
            Table::parse(&bytes[..20]).unwrap_err(),
            "the .dbf has 20 bytes, less than its 32-byte header"
        );
    }
}
