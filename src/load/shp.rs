//! ESRI Shapefile (.shp + .shx + .dbf, with .prj and .cpg when present).
//!
//! - CRS: a declared CRS wins (the report then says the .prj was ignored); otherwise the .prj's WKT,
//!   with the common geographic WKTs (GCS_WGS_1984, GCS_China_Geodetic_Coordinate_System_2000) mapped
//!   to the built-in WGS84/CGCS2000; no .prj and no declaration is an error.
//! - Attribute encoding: `--encoding` > .cpg > the .dbf language-driver byte (0x4d/0x7a = GBK) > detection
//!   (UTF-8 when every text value is valid UTF-8, otherwise GBK).
//! - Shapes: Point, MultiPoint, PolyLine and Polygon, with or without Z/M (Z and M are dropped).
//!   Polygon rings are grouped by orientation (outer rings clockwise, holes counter-clockwise) and each
//!   hole goes to the outer ring that contains it; a file whose rings are all counter-clockwise is read
//!   as outer rings.

use std::io::Cursor;
use std::path::{Path, PathBuf};

use shapefile::record::traits::HasXY;
use shapefile::{PolygonRing, Shape, ShapeReader};

use super::dbf::Table;
use super::encoding;
use super::geom::{Pos, RawGeom};
use super::keys::key;
use super::report::{feature_label, reject, Bad};
use super::{fields::Field, Format, Input, LoadError, LoadOptions, RawFeature, RawLayer};
use crate::crs::{Crs, ToWgs84};

/// The files of one Shapefile, in memory.
#[derive(Debug, Clone, Copy)]
pub struct ShapefileParts<'a> {
    pub shp: &'a [u8],
    pub shx: Option<&'a [u8]>,
    pub dbf: &'a [u8],
    /// The .cpg text (a code-page name).
    pub cpg: Option<&'a str>,
    /// The .prj text (WKT).
    pub prj: Option<&'a str>,
}

/// The sibling file with extension `ext` (lower or upper case), if it exists.
pub fn sidecar(path: &Path, ext: &str) -> Option<PathBuf> {
    [ext.to_ascii_lowercase(), ext.to_ascii_uppercase()]
        .into_iter()
        .map(|e| path.with_extension(e))
        .find(|p| p.is_file())
}

/// Reads a Shapefile given the path of its .shp.
pub fn read(input: &Input, opts: &LoadOptions) -> Result<RawLayer, LoadError> {
    let path = &input.path;
    let read = |p: &Path| std::fs::read(p).map_err(|e| LoadError::io(p, e));
    let shp = read(path)?;
    let dbf_path = sidecar(path, "dbf").ok_or_else(|| LoadError::Malformed {
        path: path.clone(),
        format: "Shapefile",
        message: "its .dbf file (the attribute table) is missing".into(),
    })?;
    let dbf = read(&dbf_path)?;
    let shx = sidecar(path, "shx").map(|p| read(&p)).transpose()?;
    let text = |ext: &str| -> Result<Option<String>, LoadError> {
        sidecar(path, ext)
            .map(|p| read(&p).map(|b| String::from_utf8_lossy(&b).into_owned()))
            .transpose()
    };
    let cpg = text("cpg")?;
    let prj = text("prj")?;
    parse(
        ShapefileParts {
            shp: &shp,
            shx: shx.as_deref(),
            dbf: &dbf,
            cpg: cpg.as_deref(),
            prj: prj.as_deref(),
        },
        input,
        opts,
    )
}

/// The CRS a .prj file's WKT states.
///
/// ```
/// use perimeter::crs::Crs;
/// use perimeter::load::shp::crs_from_prj;
/// let wgs = r#"GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]"#;
/// assert_eq!(crs_from_prj(wgs).unwrap(), Crs::Wgs84);
/// let cgcs = r#"GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]"#;
/// assert_eq!(crs_from_prj(cgcs).unwrap(), Crs::Cgcs2000);
/// assert!(matches!(crs_from_prj(r#"PROJCS["CGCS2000_3_Degree_GK_CM_114E",GEOGCS[...]]"#).unwrap(), Crs::Proj(_)));
/// assert!(crs_from_prj("nonsense").is_err());
/// ```
pub fn crs_from_prj(wkt: &str) -> Result<Crs, crate::crs::CrsError> {
    let t = wkt.trim().trim_start_matches('\u{feff}').trim();
    let upper = t.to_ascii_uppercase();
    if upper.starts_with("GEOGCS[") || upper.starts_with("GEOGCRS[") {
        let datum = upper.replace([' ', '-'], "_");
        if datum.contains("WGS_1984") || datum.contains("WGS_84") {
            return Ok(Crs::Wgs84);
        }
        if datum.contains("CHINA_GEODETIC_COORDINATE_SYSTEM_2000")
            || datum.contains("CHINA_2000")
            || datum.contains("CGCS2000")
        {
            return Ok(Crs::Cgcs2000);
        }
    }
    t.parse()
}

/// One ring with its orientation as the Shapefile gives it.
fn ring_points<P: HasXY>(ring: &PolygonRing<P>) -> (bool, Vec<Pos>) {
    let outer = matches!(ring, PolygonRing::Outer(_));
    (
        outer,
        ring.points().iter().map(|p| [p.x(), p.y()]).collect(),
    )
}

/// Even-odd point-in-ring test on raw coordinates.
fn ring_contains(ring: &[Pos], p: Pos) -> bool {
    let mut inside = false;
    let n = ring.len();
    if n == 0 {
        return false;
    }
    let mut j = n - 1;
    for i in 0..n {
        let (a, b) = (ring[i], ring[j]);
        if (a[1] > p[1]) != (b[1] > p[1]) {
            let x = (b[0] - a[0]) * (p[1] - a[1]) / (b[1] - a[1]) + a[0];
            if p[0] < x {
                inside = !inside;
            }
        }
        j = i;
    }
    inside
}

/// Groups rings into polygons: each outer ring starts a polygon, each hole joins the first outer ring
/// that contains its first vertex; a hole no outer ring contains becomes an outer ring itself.
fn group_rings(rings: Vec<(bool, Vec<Pos>)>) -> RawGeom {
    let any_outer = rings.iter().any(|(outer, _)| *outer);
    let mut polygons: Vec<Vec<Vec<Pos>>> = Vec::new();
    let mut holes = Vec::new();
    for (outer, pts) in rings {
        if outer || !any_outer {
            polygons.push(vec![pts]);
        } else {
            holes.push(pts);
        }
    }
    for hole in holes {
        let host = hole
            .first()
            .and_then(|&p| polygons.iter().position(|poly| ring_contains(&poly[0], p)));
        match host {
            Some(i) => polygons[i].push(hole),
            None => polygons.push(vec![hole]),
        }
    }
    if polygons.len() == 1 {
        RawGeom::Polygon(polygons.remove(0))
    } else {
        RawGeom::MultiPolygon(polygons)
    }
}

fn xy<P: HasXY>(points: &[P]) -> Vec<Pos> {
    points.iter().map(|p| [p.x(), p.y()]).collect()
}

fn lines(parts: Vec<Vec<Pos>>) -> RawGeom {
    if parts.len() == 1 {
        RawGeom::LineString(parts.into_iter().flatten().collect())
    } else {
        RawGeom::MultiLineString(parts)
    }
}

/// A shape's positions, or why it has none.
fn raw_geom(shape: &Shape) -> Result<RawGeom, String> {
    Ok(match shape {
        Shape::NullShape => return Err("null shape (the feature has no geometry)".into()),
        Shape::Point(p) => RawGeom::Point([p.x, p.y]),
        Shape::PointM(p) => RawGeom::Point([p.x, p.y]),
        Shape::PointZ(p) => RawGeom::Point([p.x, p.y]),
        Shape::Multipoint(m) => RawGeom::MultiPoint(xy(m.points())),
        Shape::MultipointM(m) => RawGeom::MultiPoint(xy(m.points())),
        Shape::MultipointZ(m) => RawGeom::MultiPoint(xy(m.points())),
        Shape::Polyline(l) => lines(l.parts().iter().map(|p| xy(p)).collect()),
        Shape::PolylineM(l) => lines(l.parts().iter().map(|p| xy(p)).collect()),
        Shape::PolylineZ(l) => lines(l.parts().iter().map(|p| xy(p)).collect()),
        Shape::Polygon(p) => group_rings(p.rings().iter().map(ring_points).collect()),
        Shape::PolygonM(p) => group_rings(p.rings().iter().map(ring_points).collect()),
        Shape::PolygonZ(p) => group_rings(p.rings().iter().map(ring_points).collect()),
        Shape::Multipatch(_) => {
            return Err("Multipatch shapes (3-D surfaces) are not supported".into())
        }
    })
}

fn malformed(input: &Input, message: String) -> LoadError {
    LoadError::Malformed {
        path: input.path.clone(),
        format: "Shapefile",
        message,
    }
}

/// Reads a Shapefile from its parts in memory (the entry point of [`read`], and of fuzzing).
pub fn parse(
    parts: ShapefileParts<'_>,
    input: &Input,
    opts: &LoadOptions,
) -> Result<RawLayer, LoadError> {
    let path = &input.path;
    let crs = match (&input.crs, parts.prj) {
        (Some(declared), _) => declared.clone(),
        (None, Some(prj)) => crs_from_prj(prj).map_err(|e| LoadError::Crs {
            path: path.clone(),
            message: format!(".prj: {e}"),
        })?,
        (None, None) => {
            return Err(LoadError::Crs {
                path: path.clone(),
                message: format!(
                    "no .prj file and no declared CRS: declare it with --{}-crs (wgs84, cgcs2000, gcj02, bd09, EPSG:<code> or a PROJ string)",
                    input.layer.as_str()
                ),
            })
        }
    };
    let to_wgs84 = ToWgs84::new(&crs).map_err(|e| LoadError::Crs {
        path: path.clone(),
        message: e.to_string(),
    })?;

    let table = Table::parse(parts.dbf).map_err(|m| malformed(input, m))?;
    let (enc, how) = if let Some(e) = input.encoding {
        (e, "--encoding".to_string())
    } else if let Some(cpg) = parts.cpg.filter(|c| !c.trim().is_empty()) {
        let e = encoding::from_code_page(cpg).ok_or_else(|| {
            malformed(
                input,
                format!(
                    "the .cpg names an unknown code page '{}': pass --encoding (utf-8, gbk, gb18030)",
                    cpg.trim()
                ),
            )
        })?;
        (e, ".cpg".to_string())
    } else if let Some(e) = encoding::from_language_driver(table.language_driver) {
        (
            e,
            format!("language driver 0x{:02x}", table.language_driver),
        )
    } else {
        (
            encoding::detect(table.text_samples()),
            "detected".to_string(),
        )
    };
    let names: Vec<String> = (0..table.columns.len())
        .map(|c| table.column_name(c, enc))
        .collect();
    let id_column = opts
        .fields
        .resolve(input.layer, Field::Id, names.iter().map(String::as_str))
        .and_then(|k| names.iter().position(|n| n == k));

    let reader = match parts.shx {
        Some(shx) => ShapeReader::with_shx(Cursor::new(parts.shp), Cursor::new(shx)),
        None => ShapeReader::new(Cursor::new(parts.shp)),
    }
    .map_err(|e| malformed(input, format!("the .shp header cannot be read: {e}")))?;
    let mut reader = reader;
    let mut shapes = Vec::new();
    for (i, shape) in reader.iter_shapes().enumerate() {
        let shape = shape.map_err(|e| {
            malformed(
                input,
                format!("shape record {i}: {e} (the .shp is truncated or corrupt)"),
            )
        })?;
        shapes.push(shape);
    }
    if shapes.len() != table.len() {
        return Err(malformed(
            input,
            format!(
                "the .shp has {} shapes but the .dbf has {} records",
                shapes.len(),
                table.len()
            ),
        ));
    }

    let mut features = Vec::with_capacity(shapes.len());
    let mut skipped = Vec::new();
    for (index, shape) in shapes.iter().enumerate() {
        let id = id_column.and_then(|c| table.value(index, c, enc));
        let label = feature_label(index, None, id.as_deref());
        if table.deleted(index) {
            skipped.push(super::Skipped {
                feature: label,
                field: "(record)".into(),
                reason: "marked deleted in the .dbf".into(),
            });
            continue;
        }
        let geometry = raw_geom(shape)
            .and_then(|g| g.validate().map(|()| g))
            .and_then(|g| g.to_wgs84(&to_wgs84).map_err(|e| e.to_string()));
        let geometry = match geometry {
            Ok(g) => g,
            Err(message) => {
                let bad = Bad::new("geometry", message);
                reject(path, opts.skip_invalid, &mut skipped, label, bad)?;
                continue;
            }
        };
        let props = names
            .iter()
            .enumerate()
            .filter_map(|(c, n)| table.value(index, c, enc).map(|v| (key(n), v.into())))
            .collect();
        features.push(RawFeature {
            index,
            props,
            geometry,
        });
    }
    Ok(RawLayer {
        path: path.clone(),
        format: Format::Shapefile,
        crs,
        encoding: Some(encoding::describe(enc, &how)),
        features,
        skipped,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holes_join_the_ring_that_contains_them() {
        let outer_a = vec![
            [0.0, 0.0],
            [0.0, 10.0],
            [10.0, 10.0],
            [10.0, 0.0],
            [0.0, 0.0],
        ];
        let outer_b = vec![
            [20.0, 0.0],
            [20.0, 10.0],
            [30.0, 10.0],
            [30.0, 0.0],
            [20.0, 0.0],
        ];
        let hole_b = vec![
            [22.0, 2.0],
            [28.0, 2.0],
            [28.0, 8.0],
            [22.0, 8.0],
            [22.0, 2.0],
        ];
        let g = group_rings(vec![
            (true, outer_a.clone()),
            (true, outer_b.clone()),
            (false, hole_b.clone()),
        ]);
        assert_eq!(
            g,
            RawGeom::MultiPolygon(vec![vec![outer_a.clone()], vec![outer_b, hole_b]])
        );
        // Every ring counter-clockwise: a mis-oriented writer; read them as outer rings.
        assert_eq!(
            group_rings(vec![(false, outer_a.clone())]),
            RawGeom::Polygon(vec![outer_a])
        );
    }
}
