//! A minimal dBase III (.dbf) table writer with text encoded in a chosen encoding (GBK for Chinese
//! county data), names included, and a fixed header date so that output is reproducible.
//!
//! Layout: a 32-byte header (version 0x03, date YY MM DD, record count, header length, record length,
//! language driver at byte 29), 32-byte field descriptors, 0x0D, records (a space deletion flag, then
//! fixed-width fields: text left-aligned, numbers right-aligned, both padded with spaces), 0x1A.

use std::io::{self, Write};

use encoding_rs::Encoding;

/// The date written in the header (2026-01-01): fixed, so that the same table gives the same bytes.
pub const HEADER_DATE: [u8; 3] = [126, 1, 1];

/// A column of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    /// Text (`C`), as wide as its longest encoded value (1–254 bytes).
    Text(&'static str),
    /// A whole number (`N`, no decimals), as wide as its longest value.
    Integer(&'static str),
}

impl Column {
    fn name(self) -> &'static str {
        match self {
            Column::Text(n) | Column::Integer(n) => n,
        }
    }
}

/// Why a table cannot be written.
#[derive(Debug, thiserror::Error)]
pub enum DbfError {
    #[error("column '{column}': {message}")]
    Column { column: String, message: String },
    #[error("record {record}, column '{column}': {message}")]
    Value {
        record: usize,
        column: String,
        message: String,
    },
    #[error("{0}")]
    Io(#[from] io::Error),
}

fn encode(text: &str, encoding: &'static Encoding) -> Option<Vec<u8>> {
    let (bytes, _, had_errors) = encoding.encode(text);
    (!had_errors).then(|| bytes.into_owned())
}

/// Writes `rows` (one `Option<String>` per column; `None` = empty) as a dBase III table. The language
/// driver byte is left 0 (unspecified), as in most files from Chinese GIS offices: readers must honour
/// a .cpg or detect the encoding.
pub fn write(
    out: &mut impl Write,
    columns: &[Column],
    rows: &[Vec<Option<String>>],
    encoding: &'static Encoding,
) -> Result<(), DbfError> {
    let names: Vec<Vec<u8>> = columns
        .iter()
        .map(|c| {
            let b = encode(c.name(), encoding).ok_or_else(|| DbfError::Column {
                column: c.name().into(),
                message: format!("the name cannot be written in {}", encoding.name()),
            })?;
            if b.is_empty() || b.len() > 10 {
                return Err(DbfError::Column {
                    column: c.name().into(),
                    message: format!(
                        "the name takes {} bytes in {} (1–10 allowed)",
                        b.len(),
                        encoding.name()
                    ),
                });
            }
            Ok(b)
        })
        .collect::<Result<_, _>>()?;
    // Encode every value once, checking it, and size the columns.
    let mut cells: Vec<Vec<Vec<u8>>> = Vec::with_capacity(rows.len());
    let mut widths: Vec<usize> = vec![1; columns.len()];
    for (r, row) in rows.iter().enumerate() {
        let mut encoded = Vec::with_capacity(columns.len());
        for (c, col) in columns.iter().enumerate() {
            let bytes = match (col, row.get(c).and_then(|v| v.as_deref())) {
                (_, None) => Vec::new(),
                (Column::Text(_), Some(v)) => {
                    encode(v, encoding).ok_or_else(|| DbfError::Value {
                        record: r,
                        column: col.name().into(),
                        message: format!("'{v}' cannot be written in {}", encoding.name()),
                    })?
                }
                (Column::Integer(_), Some(v)) => {
                    if v.parse::<i64>().is_err() {
                        return Err(DbfError::Value {
                            record: r,
                            column: col.name().into(),
                            message: format!("'{v}' is not a whole number"),
                        });
                    }
                    v.as_bytes().to_vec()
                }
            };
            if bytes.len() > 254 {
                return Err(DbfError::Value {
                    record: r,
                    column: col.name().into(),
                    message: format!("the value takes {} bytes (254 allowed)", bytes.len()),
                });
            }
            widths[c] = widths[c].max(bytes.len());
            encoded.push(bytes);
        }
        cells.push(encoded);
    }
    let header_len = 32 + 32 * columns.len() + 1;
    let record_len = 1 + widths.iter().sum::<usize>();
    let too_big = |what: &str| DbfError::Column {
        column: String::new(),
        message: format!("the {what} does not fit a dBase III table"),
    };
    let header_len = u16::try_from(header_len).map_err(|_| too_big("header"))?;
    let record_len = u16::try_from(record_len).map_err(|_| too_big("record"))?;
    let count = u32::try_from(rows.len()).map_err(|_| too_big("record count"))?;

    let mut h = [0u8; 32];
    h[0] = 0x03;
    h[1..4].copy_from_slice(&HEADER_DATE);
    h[4..8].copy_from_slice(&count.to_le_bytes());
    h[8..10].copy_from_slice(&header_len.to_le_bytes());
    h[10..12].copy_from_slice(&record_len.to_le_bytes());
    out.write_all(&h)?;
    for ((col, name), &width) in columns.iter().zip(&names).zip(&widths) {
        let mut d = [0u8; 32];
        d[..name.len()].copy_from_slice(name);
        d[11] = match col {
            Column::Text(_) => b'C',
            Column::Integer(_) => b'N',
        };
        d[16] = width as u8;
        out.write_all(&d)?;
    }
    out.write_all(&[0x0D])?;
    for row in &cells {
        out.write_all(b" ")?;
        for ((col, value), &width) in columns.iter().zip(row).zip(&widths) {
            let pad = vec![b' '; width - value.len()];
            match col {
                Column::Text(_) => {
                    out.write_all(value)?;
                    out.write_all(&pad)?;
                }
                Column::Integer(_) => {
                    out.write_all(&pad)?;
                    out.write_all(value)?;
                }
            }
        }
    }
    out.write_all(&[0x1A])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_by_hand() {
        let mut buf = Vec::new();
        let rows = vec![
            vec![Some("南召县".to_string()), Some("42".to_string())],
            vec![None, Some("7".to_string())],
        ];
        write(
            &mut buf,
            &[Column::Text("学校名称"), Column::Integer("在校生数")],
            &rows,
            encoding_rs::GBK,
        )
        .unwrap();
        // Header 32 + 2 descriptors × 32 + terminator = 97; record = flag + 6 (南召县 in GBK) + 2 = 9.
        assert_eq!(&buf[8..10], &97u16.to_le_bytes());
        assert_eq!(&buf[10..12], &9u16.to_le_bytes());
        assert_eq!(&buf[4..8], &2u32.to_le_bytes());
        assert_eq!(buf[29], 0, "language driver left unspecified");
        assert_eq!(&buf[1..4], &HEADER_DATE);
        // 学校名称 in GBK: D1A7 D0A3 C3FB B3C6 (from the GBK table; Python: '学校名称'.encode('gbk')).
        assert_eq!(
            &buf[32..40],
            &[0xD1, 0xA7, 0xD0, 0xA3, 0xC3, 0xFB, 0xB3, 0xC6]
        );
        assert_eq!(buf[32 + 11], b'C');
        assert_eq!(buf[32 + 16], 6);
        assert_eq!(buf[64 + 11], b'N');
        assert_eq!(buf[64 + 16], 2);
        assert_eq!(buf[96], 0x0D);
        // 南召县 in GBK: C4CF D5D9 CFD8 (Python: '南召县'.encode('gbk')).
        assert_eq!(
            &buf[97..106],
            &[b' ', 0xC4, 0xCF, 0xD5, 0xD9, 0xCF, 0xD8, b'4', b'2']
        );
        assert_eq!(&buf[106..115], b"        7");
        assert_eq!(buf[115], 0x1A);
        assert_eq!(buf.len(), 116);
    }

    #[test]
    fn rejects_what_it_cannot_write() {
        let mut buf = Vec::new();
        let err = write(
            &mut buf,
            &[Column::Text("学校名称名称")],
            &[],
            encoding_rs::GBK,
        )
        .unwrap_err();
        assert!(err.to_string().contains("12 bytes"), "{err}");
        let rows = vec![vec![Some("x".to_string())]];
        let err = write(&mut buf, &[Column::Integer("n")], &rows, encoding_rs::GBK).unwrap_err();
        assert!(err.to_string().contains("record 0, column 'n'"), "{err}");
        let rows = vec![vec![Some("😀".to_string())]];
        let err = write(&mut buf, &[Column::Text("t")], &rows, encoding_rs::GBK).unwrap_err();
        assert!(
            err.to_string().contains("cannot be written in GBK"),
            "{err}"
        );
    }
}
