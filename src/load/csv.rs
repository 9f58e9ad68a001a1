//! CSV (and tab-separated text): one feature per row, located by longitude/latitude columns or by a WKT
//! column.
//!
//! - Delimiter: sniffed from the header line (`,`, `;` or tab, whichever occurs most outside quotes).
//! - Encoding: a byte-order mark wins (UTF-8, UTF-16); then `--encoding`; then detection (valid UTF-8 →
//!   UTF-8, otherwise GBK). The BOM wins over the flag because `--encoding` applies to every input and a
//!   BOM is unambiguous.
//! - Columns: longitude/latitude through the field map (经度/纬度, lng/lat, x/y …); when there is no such
//!   pair, a WKT column (wkt, geometry …). The WKT column is not kept as an attribute.
//! - CRS: a CSV states none, so it must be declared (`--venues-crs` …); the error says when the values
//!   look projected (|x| > 180).
//! - Rows are named by their 1-based line number in the file ("line 12").

use std::str::FromStr;

use super::encoding;
use super::geom::{looks_projected, Pos, RawGeom};
use super::keys::key;
use super::report::{feature_label, reject, Bad};
use super::{fields::Field, Format, Input, LoadError, LoadOptions, RawFeature, RawLayer};
use super::{Key, Text};
use crate::crs::{Crs, ToWgs84};

/// Reads a CSV file.
pub fn read(input: &Input, opts: &LoadOptions) -> Result<RawLayer, LoadError> {
    let bytes = std::fs::read(&input.path).map_err(|e| LoadError::io(&input.path, e))?;
    parse(&bytes, input, opts)
}

fn malformed(input: &Input, message: impl Into<String>) -> LoadError {
    LoadError::Malformed {
        path: input.path.clone(),
        format: "CSV",
        message: message.into(),
    }
}

/// The delimiter occurring most often outside quotes in the first line (`,` on ties or none).
fn sniff_delimiter(text: &str) -> u8 {
    let mut counts = [(b',', 0usize), (b';', 0), (b'\t', 0)];
    let mut quoted = false;
    for ch in text.chars() {
        match ch {
            '"' => quoted = !quoted,
            '\n' | '\r' if !quoted => break,
            _ if !quoted => {
                if let Some(c) = counts.iter_mut().find(|(d, _)| char::from(*d) == ch) {
                    c.1 += 1;
                }
            }
            _ => {}
        }
    }
    counts
        .iter()
        .fold(
            (b',', 0),
            |best, &(d, n)| if n > best.1 { (d, n) } else { best },
        )
        .0
}

/// How a row's geometry is given.
enum Locate {
    LonLat { lon: usize, lat: usize },
    Wkt(usize),
}

/// A WKT geometry's positions.
fn wkt_geom(w: &wkt::Wkt<f64>) -> Result<RawGeom, String> {
    use wkt::Wkt;
    let line = |l: &wkt::types::LineString<f64>| -> Vec<Pos> {
        l.coords().iter().map(|c| [c.x, c.y]).collect()
    };
    let polygon =
        |p: &wkt::types::Polygon<f64>| -> Vec<Vec<Pos>> { p.rings().iter().map(line).collect() };
    Ok(match w {
        Wkt::Point(p) => match p.coord() {
            Some(c) => RawGeom::Point([c.x, c.y]),
            None => return Err("empty Point".into()),
        },
        Wkt::LineString(l) => RawGeom::LineString(line(l)),
        Wkt::Polygon(p) => RawGeom::Polygon(polygon(p)),
        Wkt::MultiPoint(m) => RawGeom::MultiPoint(
            m.points()
                .iter()
                .map(|p| {
                    p.coord()
                        .map(|c| [c.x, c.y])
                        .ok_or("MultiPoint with an empty point")
                })
                .collect::<Result<_, _>>()?,
        ),
        Wkt::MultiLineString(m) => {
            RawGeom::MultiLineString(m.line_strings().iter().map(line).collect())
        }
        Wkt::MultiPolygon(m) => RawGeom::MultiPolygon(m.polygons().iter().map(polygon).collect()),
        Wkt::GeometryCollection(c) => RawGeom::Collection(
            c.geometries()
                .iter()
                .map(wkt_geom)
                .collect::<Result<_, _>>()?,
        ),
    })
}

/// Parses a coordinate cell.
fn number(cell: &str) -> Result<f64, String> {
    let t = cell.trim();
    if t.is_empty() {
        return Err("empty (a coordinate is required)".into());
    }
    let v: f64 = t.parse().map_err(|_| format!("'{t}' is not a number"))?;
    if !v.is_finite() {
        return Err(format!("'{t}' is not a finite number"));
    }
    Ok(v)
}

/// One row after parsing, before CRS conversion.
struct Row {
    index: usize,
    line: u64,
    id: Option<String>,
    props: Vec<(Key, Text)>,
    geom: Result<RawGeom, Bad>,
}

/// Reads CSV from memory (the entry point of [`read`], and of fuzzing).
pub fn parse(bytes: &[u8], input: &Input, opts: &LoadOptions) -> Result<RawLayer, LoadError> {
    let (enc, how, body) = match encoding_rs::Encoding::for_bom(bytes) {
        Some((e, bom_len)) => (e, "BOM", &bytes[bom_len..]),
        None => match input.encoding {
            Some(e) => (e, "--encoding", bytes),
            None => (encoding::detect([bytes]), "detected", bytes),
        },
    };
    let (text, _) = encoding::decode(body, enc);
    let delimiter = sniff_delimiter(&text);
    let mut reader = ::csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| malformed(input, e.to_string()))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    let keys = || headers.iter().map(String::as_str);
    let column = |field: Field| {
        opts.fields
            .resolve(input.layer, field, keys())
            .and_then(|k| headers.iter().position(|h| h == k))
    };
    let locate = match (column(Field::Lon), column(Field::Lat), column(Field::Wkt)) {
        (Some(lon), Some(lat), _) if lon != lat => Locate::LonLat { lon, lat },
        (_, _, Some(w)) => Locate::Wkt(w),
        _ => {
            return Err(malformed(
                input,
                format!(
                    "no coordinate columns: expected a longitude and a latitude column ({} / {}) or a WKT column ({}); the header has: {}",
                    Field::Lon.defaults().join(", "),
                    Field::Lat.defaults().join(", "),
                    Field::Wkt.defaults().join(", "),
                    headers.join(", ")
                ),
            ))
        }
    };
    let id_column = column(Field::Id);

    let mut rows = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let record = record.map_err(|e| malformed(input, e.to_string()))?;
        let line = record.position().map_or(index as u64 + 2, |p| p.line());
        let cell = |c: usize| record.get(c).unwrap_or("");
        let props = headers
            .iter()
            .enumerate()
            .filter(|(c, _)| !matches!(locate, Locate::Wkt(w) if w == *c))
            .filter_map(|(c, h)| {
                let v = super::trim::trim(cell(c));
                (!v.is_empty()).then(|| (key(h), Text::from(v)))
            })
            .collect();
        let geom = match locate {
            Locate::LonLat { lon, lat } => number(cell(lon))
                .map_err(|m| Bad::new(&headers[lon], m))
                .and_then(|x| {
                    number(cell(lat))
                        .map(|y| RawGeom::Point([x, y]))
                        .map_err(|m| Bad::new(&headers[lat], m))
                }),
            Locate::Wkt(w) => {
                let t = cell(w).trim();
                if t.is_empty() {
                    Err(Bad::new(&headers[w], "empty (a WKT geometry is required)"))
                } else {
                    wkt::Wkt::<f64>::from_str(t)
                        .map_err(|e| format!("invalid WKT: {e}"))
                        .and_then(|g| wkt_geom(&g))
                        .and_then(|g| g.validate().map(|()| g))
                        .map_err(|m| Bad::new(&headers[w], m))
                }
            }
        };
        let id = id_column
            .map(cell)
            .map(super::trim::trim)
            .filter(|s| !s.is_empty());
        rows.push(Row {
            index,
            line,
            id: id.map(str::to_string),
            props,
            geom,
        });
    }

    let flag = format!("--{}-crs", input.layer.as_str());
    let crs = match &input.crs {
        Some(c) => c.clone(),
        None => {
            let first = rows.iter().find_map(|r| {
                r.geom
                    .as_ref()
                    .ok()
                    .and_then(|g| g.first_position())
                    .map(|p| (r.line, p))
            });
            let message = match first {
                Some((line, p)) if looks_projected(p) => format!(
                    "a CSV file states no CRS, and its coordinates look projected (x = {}, y = {} on line {line}): declare the CRS with {flag} EPSG:<code>",
                    p[0], p[1]
                ),
                _ => format!(
                    "a CSV file states no CRS: declare it with {flag} (wgs84, cgcs2000, gcj02, bd09, EPSG:<code> or a PROJ string)"
                ),
            };
            return Err(LoadError::Crs {
                path: input.path.clone(),
                message,
            });
        }
    };
    let to_wgs84 = ToWgs84::new(&crs).map_err(|e| LoadError::Crs {
        path: input.path.clone(),
        message: e.to_string(),
    })?;

    let mut features = Vec::with_capacity(rows.len());
    let mut skipped = Vec::new();
    for row in rows {
        let converted = row
            .geom
            .and_then(|g| convert(&g, &to_wgs84, &crs, &headers, &locate));
        match converted {
            Ok(geometry) => features.push(RawFeature {
                index: row.index,
                props: row.props,
                geometry,
            }),
            Err(bad) => {
                let label = feature_label(row.index, Some(row.line), row.id.as_deref());
                reject(&input.path, opts.skip_invalid, &mut skipped, label, bad)?;
            }
        }
    }
    Ok(RawLayer {
        path: input.path.clone(),
        format: Format::Csv,
        crs,
        encoding: Some(encoding::describe(enc, how)),
        features,
        skipped,
    })
}

/// Converts a row's geometry; for longitude/latitude columns in a geographic CRS the range error names
/// the column at fault.
fn convert(
    g: &RawGeom,
    t: &ToWgs84,
    crs: &Crs,
    headers: &[String],
    locate: &Locate,
) -> Result<geo_types::Geometry<f64>, Bad> {
    let field = match locate {
        Locate::LonLat { lon, lat } => {
            if let (RawGeom::Point([x, y]), true) = (g, crs.is_geographic_builtin()) {
                if !(-180.0..=180.0).contains(x) {
                    return Err(Bad::new(
                        &headers[*lon],
                        format!("{x} is not a valid longitude (must be within ±180)"),
                    ));
                }
                if !(-90.0..=90.0).contains(y) {
                    return Err(Bad::new(
                        &headers[*lat],
                        format!("{y} is not a valid latitude (must be within ±90)"),
                    ));
                }
            }
            format!("{}/{}", headers[*lon], headers[*lat])
        }
        Locate::Wkt(w) => headers[*w].clone(),
    };
    g.to_wgs84(t).map_err(|e| Bad::new(&field, e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delimiters() {
        assert_eq!(sniff_delimiter("名称,经度,纬度\n"), b',');
        assert_eq!(sniff_delimiter("name;lon;lat\r\na,b;c"), b';');
        assert_eq!(sniff_delimiter("name\tlon\tlat"), b'\t');
        assert_eq!(sniff_delimiter("\"a;b;c\",lon"), b',');
        assert_eq!(sniff_delimiter("single"), b',');
    }

    #[test]
    fn numbers() {
        assert_eq!(number(" 112.5 "), Ok(112.5));
        assert_eq!(number("NaN"), Err("'NaN' is not a finite number".into()));
        assert_eq!(
            number("1e400"),
            Err("'1e400' is not a finite number".into())
        );
        assert_eq!(number("33,5"), Err("'33,5' is not a number".into()));
        assert_eq!(number(""), Err("empty (a coordinate is required)".into()));
    }
}
