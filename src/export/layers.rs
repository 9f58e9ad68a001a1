//! Model layers to files: GeoJSON FeatureCollections (WGS84), a Shapefile of schools in CGCS2000
//! Gauss-Krüger with GBK attributes, and a registry-style venue CSV in GCJ-02. All writers stream
//! (one feature at a time through a buffer), so four million venues need no more memory than one.
//!
//! Coordinates are written rounded: lon/lat to 7 decimals (about 1 cm), projected metres to 3 (1 mm).
//! Property names are the ones the readers recognise by default (`id`, `name`, `kind`, `township`,
//! `pupils`, `category`, `licence`, `address`, `scope`, `status`, `school_id`).

use std::borrow::Borrow;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use geo::Centroid;
use geo_types::{LineString, MultiLineString, MultiPolygon, Point, Polygon};

use super::dbf;
use super::text::digits;
use crate::crs::{chinese, Crs};
use crate::model::{Footprint, School, Site, Venue, WaterBody, WaterGeom};

/// The ESRI WKT of EPSG:4546, CGCS2000 / 3-degree Gauss-Kruger CM 111E (from `projinfo -o WKT1_ESRI
/// EPSG:4546`, PROJ 9.1.1), written as the .prj of the schools Shapefile.
pub const EPSG_4546_ESRI_WKT: &str = "PROJCS[\"CGCS2000_3_Degree_GK_CM_111E\",GEOGCS[\"GCS_China_Geodetic_Coordinate_System_2000\",DATUM[\"D_China_2000\",SPHEROID[\"CGCS2000\",6378137.0,298.257222101]],PRIMEM[\"Greenwich\",0.0],UNIT[\"Degree\",0.0174532925199433]],PROJECTION[\"Gauss_Kruger\"],PARAMETER[\"False_Easting\",500000.0],PARAMETER[\"False_Northing\",0.0],PARAMETER[\"Central_Meridian\",111.0],PARAMETER[\"Scale_Factor\",1.0],PARAMETER[\"Latitude_Of_Origin\",0.0],UNIT[\"Meter\",1.0]]";

/// The EPSG code of the schools Shapefile's projection.
pub const SCHOOLS_SHAPEFILE_CRS: &str = "EPSG:4546";

/// The header of the venue CSV, as a market regulator's registry export has it.
pub const VENUE_CSV_HEADER: [&str; 7] = [
    "名称",
    "统一社会信用代码",
    "地址",
    "经营范围",
    "登记状态",
    "经度",
    "纬度",
];

/// Errors while writing a layer.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("{path}: feature #{index} (id {id}): {message}")]
    Feature {
        path: PathBuf,
        index: usize,
        id: String,
        message: String,
    },
    #[error("{path}: {message}")]
    Format { path: PathBuf, message: String },
}

/// What a writer wrote: each file with its size in bytes, and the number of features.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Written {
    pub files: Vec<(PathBuf, u64)>,
    pub features: usize,
}

impl Written {
    /// Total bytes over all files.
    pub fn bytes(&self) -> u64 {
        self.files.iter().map(|f| f.1).sum()
    }
}

/// A layer of the model to write as GeoJSON.
#[derive(Debug, Clone, Copy)]
pub enum Layer<'a> {
    Schools(&'a [School]),
    Venues(&'a [Venue]),
    Water(&'a [WaterBody]),
    /// The gates of these schools, one Point feature each, with `school_id`.
    Gates(&'a [School]),
}

fn io_err(path: &Path) -> impl Fn(io::Error) -> ExportError + '_ {
    move |source| ExportError::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn create(path: &Path) -> Result<BufWriter<File>, ExportError> {
    File::create(path)
        .map(|f| BufWriter::with_capacity(1 << 20, f))
        .map_err(io_err(path))
}

fn finish(path: &Path, mut w: BufWriter<File>) -> Result<u64, ExportError> {
    w.flush().map_err(io_err(path))?;
    drop(w);
    std::fs::metadata(path)
        .map(|m| m.len())
        .map_err(io_err(path))
}

/// Appends `x` rounded to `decimals` (≤ 9) places, without trailing zeros; fails on a value that is not
/// finite or too large to be a coordinate.
fn push_number(buf: &mut Vec<u8>, x: f64, decimals: u32) -> Result<(), String> {
    let scale = 10f64.powi(decimals as i32);
    if !x.is_finite() || x.abs() * scale >= 9.0e15 {
        return Err(format!("coordinate {x} cannot be written"));
    }
    let k = (x * scale).round() as i64;
    let unit = 10i64.pow(decimals);
    if k < 0 {
        buf.push(b'-');
    }
    let a = k.unsigned_abs();
    let (int, frac) = (a / unit as u64, a % unit as u64);
    digits(buf, int, 0);
    if frac != 0 {
        // Drop trailing zeros of the fraction, keep its leading ones.
        let mut f = frac;
        let mut width = decimals as usize;
        while f % 10 == 0 {
            f /= 10;
            width -= 1;
        }
        buf.push(b'.');
        digits(buf, f, width);
    }
    Ok(())
}

fn push_pos(buf: &mut Vec<u8>, x: f64, y: f64) -> Result<(), String> {
    buf.push(b'[');
    push_number(buf, x, 7)?;
    buf.push(b',');
    push_number(buf, y, 7)?;
    buf.push(b']');
    Ok(())
}

fn push_line(buf: &mut Vec<u8>, l: &LineString<f64>) -> Result<(), String> {
    buf.push(b'[');
    for (i, c) in l.0.iter().enumerate() {
        if i > 0 {
            buf.push(b',');
        }
        push_pos(buf, c.x, c.y)?;
    }
    buf.push(b']');
    Ok(())
}

fn push_rings(buf: &mut Vec<u8>, p: &Polygon<f64>) -> Result<(), String> {
    buf.push(b'[');
    push_line(buf, p.exterior())?;
    for h in p.interiors() {
        buf.push(b',');
        push_line(buf, h)?;
    }
    buf.push(b']');
    Ok(())
}

fn push_point_geometry(buf: &mut Vec<u8>, p: &Point<f64>) -> Result<(), String> {
    buf.extend_from_slice(b"{\"type\":\"Point\",\"coordinates\":");
    push_pos(buf, p.x(), p.y())?;
    buf.push(b'}');
    Ok(())
}

/// A multi-part geometry: `{"type":SINGLE,…}` when it has one part, `{"type":MULTI,…}` with every part
/// otherwise; an error when it has none.
fn push_parts<T>(
    buf: &mut Vec<u8>,
    parts: &[T],
    (single, multi): (&str, &str),
    push: impl Fn(&mut Vec<u8>, &T) -> Result<(), String>,
) -> Result<(), String> {
    let kind = match parts {
        [] => return Err("empty geometry".into()),
        [_] => single,
        _ => multi,
    };
    buf.extend_from_slice(b"{\"type\":\"");
    buf.extend_from_slice(kind.as_bytes());
    buf.extend_from_slice(b"\",\"coordinates\":");
    if let [one] = parts {
        push(buf, one)?;
    } else {
        buf.push(b'[');
        for (i, part) in parts.iter().enumerate() {
            if i > 0 {
                buf.push(b',');
            }
            push(buf, part)?;
        }
        buf.push(b']');
    }
    buf.push(b'}');
    Ok(())
}

/// A single-part MultiPolygon is written as a Polygon.
fn push_area_geometry(buf: &mut Vec<u8>, mp: &MultiPolygon<f64>) -> Result<(), String> {
    push_parts(buf, &mp.0, ("Polygon", "MultiPolygon"), push_rings)
}

/// A single-part MultiLineString is written as a LineString.
fn push_lines_geometry(buf: &mut Vec<u8>, ml: &MultiLineString<f64>) -> Result<(), String> {
    push_parts(buf, &ml.0, ("LineString", "MultiLineString"), push_line)
}

/// Appends `s` as a JSON string: copied as is when nothing needs escaping (the usual case), else
/// through serde_json's escaping.
fn push_json_str(buf: &mut Vec<u8>, s: &str) {
    // Branch-free over 16-byte chunks, so that the check vectorises.
    let clean = s.as_bytes().chunks(16).all(|c| {
        !c.iter().fold(false, |bad, &b| {
            bad | (b < 0x20) | (b == b'"') | (b == b'\\')
        })
    });
    if clean {
        buf.push(b'"');
        buf.extend_from_slice(s.as_bytes());
        buf.push(b'"');
    } else {
        // Writing a &str into a Vec cannot fail.
        let _ = serde_json::to_writer(&mut *buf, s);
    }
}

/// Properties as (name, value); `None` values are left out.
enum Value<'a> {
    Text(&'a str),
    Int(u64),
}

fn push_properties(buf: &mut Vec<u8>, props: &[(&str, Option<Value<'_>>)]) {
    buf.push(b'{');
    let mut first = true;
    for (k, v) in props {
        let Some(v) = v else { continue };
        if !first {
            buf.push(b',');
        }
        first = false;
        // Keys are ASCII identifiers; values go through serde_json's string escaping.
        buf.push(b'"');
        buf.extend_from_slice(k.as_bytes());
        buf.extend_from_slice(b"\":");
        match v {
            Value::Text(s) => push_json_str(buf, s),
            Value::Int(n) => digits(buf, *n, 0),
        }
    }
    buf.push(b'}');
}

/// Streams features into a FeatureCollection file, one feature per line.
struct FeatureWriter<'p> {
    path: &'p Path,
    out: BufWriter<File>,
    buf: Vec<u8>,
    count: usize,
}

impl<'p> FeatureWriter<'p> {
    fn new(path: &'p Path) -> Result<Self, ExportError> {
        let mut out = create(path)?;
        out.write_all(b"{\"type\":\"FeatureCollection\",\"features\":[\n")
            .map_err(io_err(path))?;
        Ok(FeatureWriter {
            path,
            out,
            buf: Vec::with_capacity(4096),
            count: 0,
        })
    }

    /// Writes one feature: `geometry` appends the geometry object or fails with a message.
    fn feature(
        &mut self,
        index: usize,
        id: &str,
        props: &[(&str, Option<Value<'_>>)],
        geometry: impl FnOnce(&mut Vec<u8>) -> Result<(), String>,
    ) -> Result<(), ExportError> {
        self.buf.clear();
        if self.count > 0 {
            self.buf.extend_from_slice(b",\n");
        }
        self.buf
            .extend_from_slice(b"{\"type\":\"Feature\",\"properties\":");
        push_properties(&mut self.buf, props);
        self.buf.extend_from_slice(b",\"geometry\":");
        geometry(&mut self.buf).map_err(|message| ExportError::Feature {
            path: self.path.to_path_buf(),
            index,
            id: id.to_string(),
            message,
        })?;
        self.buf.push(b'}');
        self.out.write_all(&self.buf).map_err(io_err(self.path))?;
        self.count += 1;
        Ok(())
    }

    fn finish(mut self) -> Result<Written, ExportError> {
        self.out.write_all(b"\n]}\n").map_err(io_err(self.path))?;
        let bytes = finish(self.path, self.out)?;
        Ok(Written {
            files: vec![(self.path.to_path_buf(), bytes)],
            features: self.count,
        })
    }
}

/// Writes a layer as a GeoJSON FeatureCollection (RFC 7946, WGS84, no `crs` member).
pub fn write_geojson(layer: Layer<'_>, path: &Path) -> Result<Written, ExportError> {
    match layer {
        Layer::Schools(s) => write_schools_geojson(s, path),
        Layer::Venues(v) => write_venues_geojson(v, path),
        Layer::Water(w) => write_water_geojson(w, path),
        Layer::Gates(s) => write_gates_geojson(s, path),
    }
}

/// Schools: Polygon/MultiPolygon campuses or Points, with `id`, `name`, `kind`, `township`, `pupils`.
pub fn write_schools_geojson(schools: &[School], path: &Path) -> Result<Written, ExportError> {
    let mut w = FeatureWriter::new(path)?;
    for (i, s) in schools.iter().enumerate() {
        let props = [
            ("id", Some(Value::Text(&s.id))),
            ("name", Some(Value::Text(&s.name))),
            ("kind", Some(Value::Text(s.kind.as_str()))),
            ("township", s.township.as_deref().map(Value::Text)),
            ("pupils", s.pupils.map(|p| Value::Int(u64::from(p)))),
        ];
        w.feature(i, &s.id, &props, |buf| match &s.site {
            Site::Area(mp) => push_area_geometry(buf, mp),
            Site::Point(p) => push_point_geometry(buf, p),
        })?;
    }
    w.finish()
}

/// Gates: one Point per gate with `id`, `name` and the school's id as `school_id`.
pub fn write_gates_geojson(schools: &[School], path: &Path) -> Result<Written, ExportError> {
    let mut w = FeatureWriter::new(path)?;
    let mut index = 0;
    for s in schools {
        for g in &s.gates {
            let id = g.id.as_deref().unwrap_or("");
            let props = [
                ("id", g.id.as_deref().map(Value::Text)),
                ("name", g.name.as_deref().map(Value::Text)),
                ("school_id", Some(Value::Text(&s.id))),
            ];
            w.feature(index, id, &props, |buf| push_point_geometry(buf, &g.point))?;
            index += 1;
        }
    }
    w.finish()
}

/// Venues (any iterator, so that millions can be streamed): door Points or footprint Polygons with
/// `id`, `name`, `category`, `licence`, `address`, `scope`, `status`.
pub fn write_venues_geojson<I>(venues: I, path: &Path) -> Result<Written, ExportError>
where
    I: IntoIterator,
    I::Item: Borrow<Venue>,
{
    let mut w = FeatureWriter::new(path)?;
    for (i, v) in venues.into_iter().enumerate() {
        let v = v.borrow();
        let props = [
            ("id", Some(Value::Text(v.id()))),
            ("name", Some(Value::Text(v.name()))),
            ("category", Some(Value::Text(v.category.as_str()))),
            ("licence", v.licence().map(Value::Text)),
            ("address", v.address().map(Value::Text)),
            ("scope", v.scope().map(Value::Text)),
            ("status", v.status().map(Value::Text)),
        ];
        w.feature(i, v.id(), &props, |buf| match &v.footprint {
            Footprint::Door(p) => push_point_geometry(buf, p),
            Footprint::Area(mp) => push_area_geometry(buf, mp),
        })?;
    }
    w.finish()
}

/// Water: Polygons (ponds, reservoirs, river ribbons …) and LineStrings (streams, canals) with `id`,
/// `name`, `kind`.
pub fn write_water_geojson(water: &[WaterBody], path: &Path) -> Result<Written, ExportError> {
    let mut w = FeatureWriter::new(path)?;
    for (i, b) in water.iter().enumerate() {
        let props = [
            ("id", Some(Value::Text(&b.id))),
            ("name", Some(Value::Text(&b.name))),
            ("kind", Some(Value::Text(b.kind.as_str()))),
        ];
        w.feature(i, &b.id, &props, |buf| match &b.geom {
            WaterGeom::Area(mp) => push_area_geometry(buf, mp),
            WaterGeom::Line(ml) => push_lines_geometry(buf, ml),
        })?;
    }
    w.finish()
}

/// The attribute columns of the schools Shapefile, named as Chinese education bureaus name them (GBK,
/// each ≤ 10 bytes): 学校标识码 (id), 学校名称 (name), 学段 (kind), 乡镇街道 (township), 在校生数 (pupils).
const SCHOOL_COLUMNS: [dbf::Column; 5] = [
    dbf::Column::Text("学校标识码"),
    dbf::Column::Text("学校名称"),
    dbf::Column::Text("学段"),
    dbf::Column::Text("乡镇街道"),
    dbf::Column::Integer("在校生数"),
];

fn school_row(s: &School) -> Vec<Option<String>> {
    vec![
        Some(s.id.clone()),
        Some(s.name.clone()),
        crate::gen::names::kind_label_zh(s.kind).map(str::to_string),
        s.township.clone(),
        s.pupils.map(|p| p.to_string()),
    ]
}

/// WGS84 → EPSG:4546 (x = easting, y = northing, metres), rounded to millimetres.
struct ToGaussKruger(proj::Proj);

impl ToGaussKruger {
    fn new(path: &Path) -> Result<Self, ExportError> {
        proj::Proj::new_known_crs("EPSG:4326", SCHOOLS_SHAPEFILE_CRS, None)
            .map(ToGaussKruger)
            .map_err(|e| ExportError::Format {
                path: path.to_path_buf(),
                message: format!("PROJ cannot build WGS84 → {SCHOOLS_SHAPEFILE_CRS}: {e}"),
            })
    }

    fn point(&self, lon: f64, lat: f64) -> Result<shapefile::Point, String> {
        let (x, y) = self
            .0
            .convert((lon, lat))
            .map_err(|e| format!("({lon}, {lat}) cannot be projected: {e}"))?;
        if !x.is_finite() || !y.is_finite() {
            return Err(format!("({lon}, {lat}) projects to a non-finite point"));
        }
        let mm = |v: f64| (v * 1e3).round() / 1e3;
        Ok(shapefile::Point::new(mm(x), mm(y)))
    }

    /// A ring's points; a ring needs at least three distinct positions (four with the closing one).
    fn ring(&self, l: &LineString<f64>) -> Result<Vec<shapefile::Point>, String> {
        if l.0.len() < 4 {
            return Err(format!(
                "a ring of {} positions (at least 4 needed)",
                l.0.len()
            ));
        }
        l.0.iter().map(|c| self.point(c.x, c.y)).collect()
    }
}

fn shapefile_err(path: &Path) -> impl Fn(shapefile::Error) -> ExportError + '_ {
    move |e| ExportError::Format {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}

/// Writes the .dbf and .prj beside `shp` and returns every file with its size.
fn sidecars(shp: &Path, rows: &[Vec<Option<String>>]) -> Result<Vec<(PathBuf, u64)>, ExportError> {
    let dbf_path = shp.with_extension("dbf");
    let mut out = create(&dbf_path)?;
    dbf::write(&mut out, &SCHOOL_COLUMNS, rows, encoding_rs::GBK).map_err(|e| {
        ExportError::Format {
            path: dbf_path.clone(),
            message: e.to_string(),
        }
    })?;
    finish(&dbf_path, out)?;
    let prj_path = shp.with_extension("prj");
    std::fs::write(&prj_path, EPSG_4546_ESRI_WKT).map_err(io_err(&prj_path))?;
    let mut files = Vec::new();
    for ext in ["shp", "shx", "dbf", "prj"] {
        let p = shp.with_extension(ext);
        let len = std::fs::metadata(&p).map(|m| m.len()).map_err(io_err(&p))?;
        files.push((p, len));
    }
    Ok(files)
}

/// Writes the schools with a campus polygon as a Polygon Shapefile (.shp, .shx, .dbf, .prj) in
/// EPSG:4546 (CGCS2000 / 3-degree Gauss-Kruger CM 111E), attributes in GBK with no .cpg and the dbf
/// language driver unset, as county bureaus' files often are. Point-only schools are left out (see
/// [`write_school_points_shapefile`]). Ring order follows the Shapefile rule: outer rings clockwise,
/// holes counter-clockwise.
pub fn write_schools_shapefile(schools: &[School], path: &Path) -> Result<Written, ExportError> {
    let gk = ToGaussKruger::new(path)?;
    let mut writer = shapefile::ShapeWriter::from_path(path).map_err(shapefile_err(path))?;
    let mut rows = Vec::new();
    for (i, s) in schools.iter().enumerate() {
        let Site::Area(mp) = &s.site else { continue };
        let feature_err = |message: String| ExportError::Feature {
            path: path.to_path_buf(),
            index: i,
            id: s.id.clone(),
            message,
        };
        let mut rings = Vec::new();
        for p in &mp.0 {
            rings.push(shapefile::PolygonRing::Outer(
                gk.ring(p.exterior()).map_err(feature_err)?,
            ));
            for h in p.interiors() {
                rings.push(shapefile::PolygonRing::Inner(
                    gk.ring(h).map_err(feature_err)?,
                ));
            }
        }
        if rings.is_empty() {
            return Err(feature_err("empty campus".into()));
        }
        writer
            .write_shape(&shapefile::Polygon::with_rings(rings))
            .map_err(shapefile_err(path))?;
        rows.push(school_row(s));
    }
    writer.finalize().map_err(shapefile_err(path))?;
    drop(writer);
    let features = rows.len();
    Ok(Written {
        files: sidecars(path, &rows)?,
        features,
    })
}

/// Writes the point-only schools as a Point Shapefile with the same columns, projection and encoding as
/// [`write_schools_shapefile`].
pub fn write_school_points_shapefile(
    schools: &[School],
    path: &Path,
) -> Result<Written, ExportError> {
    let gk = ToGaussKruger::new(path)?;
    let mut writer = shapefile::ShapeWriter::from_path(path).map_err(shapefile_err(path))?;
    let mut rows = Vec::new();
    for (i, s) in schools.iter().enumerate() {
        let Site::Point(p) = &s.site else { continue };
        let pt = gk
            .point(p.x(), p.y())
            .map_err(|message| ExportError::Feature {
                path: path.to_path_buf(),
                index: i,
                id: s.id.clone(),
                message,
            })?;
        writer.write_shape(&pt).map_err(shapefile_err(path))?;
        rows.push(school_row(s));
    }
    writer.finalize().map_err(shapefile_err(path))?;
    drop(writer);
    let features = rows.len();
    Ok(Written {
        files: sidecars(path, &rows)?,
        features,
    })
}

/// The point a venue is listed at in a registry export: its door, or its footprint's centroid.
pub fn listed_point(v: &Venue) -> Option<(f64, f64)> {
    match &v.footprint {
        Footprint::Door(p) => Some((p.x(), p.y())),
        Footprint::Area(mp) => mp.centroid().map(|c| (c.x(), c.y())),
    }
}

/// Writes venues as a registry-style CSV (UTF-8 with BOM, CRLF): 名称, 统一社会信用代码, 地址, 经营范围,
/// 登记状态, 经度, 纬度 — no id and no category column (registries have neither: the category is
/// inferred from name and scope). Coordinates are converted to `crs` (WGS84/CGCS2000, GCJ-02 or BD-09)
/// and written with 7 decimals; a footprint venue is listed at its centroid.
pub fn write_venues_csv<I>(venues: I, path: &Path, crs: &Crs) -> Result<Written, ExportError>
where
    I: IntoIterator,
    I::Item: Borrow<Venue>,
{
    let convert: fn(f64, f64) -> (f64, f64) = match crs {
        Crs::Wgs84 | Crs::Cgcs2000 => |x, y| (x, y),
        Crs::Gcj02 => chinese::wgs84_to_gcj02,
        Crs::Bd09 => chinese::wgs84_to_bd09,
        Crs::Proj(_) => {
            return Err(ExportError::Format {
                path: path.to_path_buf(),
                message: format!(
                    "venue CSVs are written in WGS84, CGCS2000, GCJ-02 or BD-09, not {crs}"
                ),
            })
        }
    };
    let mut out = create(path)?;
    out.write_all("\u{feff}".as_bytes()).map_err(io_err(path))?;
    let mut csv = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    let csv_err = |e: csv::Error| ExportError::Format {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    csv.write_record(VENUE_CSV_HEADER).map_err(csv_err)?;
    let mut count = 0;
    let mut lon_buf = Vec::with_capacity(16);
    let mut lat_buf = Vec::with_capacity(16);
    for (i, v) in venues.into_iter().enumerate() {
        let v = v.borrow();
        let feature_err = |message: String| ExportError::Feature {
            path: path.to_path_buf(),
            index: i,
            id: v.id().to_string(),
            message,
        };
        let (lon, lat) = listed_point(v).ok_or_else(|| feature_err("empty footprint".into()))?;
        let (x, y) = convert(lon, lat);
        lon_buf.clear();
        lat_buf.clear();
        push_number(&mut lon_buf, x, 7).map_err(feature_err)?;
        push_number(&mut lat_buf, y, 7).map_err(feature_err)?;
        csv.write_record([
            v.name().as_bytes(),
            v.licence().unwrap_or("").as_bytes(),
            v.address().unwrap_or("").as_bytes(),
            v.scope().unwrap_or("").as_bytes(),
            v.status().unwrap_or("").as_bytes(),
            &lon_buf,
            &lat_buf,
        ])
        .map_err(csv_err)?;
        count += 1;
    }
    let out = csv.into_inner().map_err(|e| ExportError::Io {
        path: path.to_path_buf(),
        source: io::Error::other(e.to_string()),
    })?;
    let bytes = finish(path, out)?;
    Ok(Written {
        files: vec![(path.to_path_buf(), bytes)],
        features: count,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(x: f64, d: u32) -> String {
        let mut b = Vec::new();
        push_number(&mut b, x, d).unwrap();
        String::from_utf8(b).unwrap()
    }

    #[test]
    fn numbers_are_rounded_and_trimmed() {
        assert_eq!(num(112.43, 7), "112.43");
        assert_eq!(num(112.123_456_78, 7), "112.1234568");
        assert_eq!(num(-0.000_000_04, 7), "0");
        assert_eq!(num(-0.5, 7), "-0.5");
        assert_eq!(num(33.000_000_1, 7), "33.0000001");
        assert_eq!(num(3_706_525.411_4, 3), "3706525.411");
        assert_eq!(num(7.0, 7), "7");
        assert!(push_number(&mut Vec::new(), f64::NAN, 7).is_err());
        assert!(push_number(&mut Vec::new(), 1e300, 7).is_err());
    }

    #[test]
    fn strings_are_escaped_only_when_needed() {
        let mut b = Vec::new();
        push_json_str(&mut b, "南召县\"一中\"\\\n");
        push_json_str(&mut b, "星空网咖");
        // Expected: JSON's escapes for quote, backslash and newline (RFC 8259 §7).
        assert_eq!(
            String::from_utf8(b).unwrap(),
            r#""南召县\"一中\"\\\n""星空网咖""#
        );
    }

    #[test]
    fn written_numbers_read_back_exactly() {
        // A coordinate rounded with round7 and written reads back as the same f64.
        for x in [
            112.123_456_7,
            33.2,
            -0.000_000_1,
            113.999_999_9,
            110.600_000_1,
        ] {
            let r = crate::gen::round7(x);
            assert_eq!(num(r, 7).parse::<f64>().unwrap(), r, "{x}");
        }
    }

    fn school(id: &str, site: Site) -> School {
        School {
            id: id.into(),
            name: format!("南召县{id}小学"),
            kind: crate::model::SchoolKind::Primary,
            township: Some("城关镇".into()),
            site,
            gates: vec![crate::model::Gate {
                id: Some(format!("{id}-G1")),
                name: Some("北门".into()),
                point: Point::new(112.5, 33.5),
            }],
            pupils: Some(640),
        }
    }

    fn square(x: f64, y: f64, d: f64) -> Polygon<f64> {
        Polygon::new(
            LineString::from(vec![(x, y), (x + d, y), (x + d, y + d), (x, y + d), (x, y)]),
            vec![],
        )
    }

    #[test]
    fn geojson_features_by_hand() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.geojson");
        let schools = vec![
            school(
                "S1",
                Site::Area(MultiPolygon(vec![square(112.1, 33.2, 0.001)])),
            ),
            school(
                "S2",
                Site::Area(MultiPolygon(vec![
                    square(112.2, 33.2, 0.001),
                    square(112.3, 33.2, 0.001),
                ])),
            ),
            school("S3", Site::Point(Point::new(112.123_456_78, 33.4))),
        ];
        let w = write_geojson(Layer::Schools(&schools), &path).unwrap();
        assert_eq!(w.features, 3);
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(w.files[0].1, text.len() as u64);
        // The first feature, written out by hand.
        let first = r#"{"type":"Feature","properties":{"id":"S1","name":"南召县S1小学","kind":"primary","township":"城关镇","pupils":640},"geometry":{"type":"Polygon","coordinates":[[[112.1,33.2],[112.101,33.2],[112.101,33.201],[112.1,33.201],[112.1,33.2]]]}}"#;
        assert_eq!(text.lines().nth(1).unwrap(), format!("{first},"));
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["features"][1]["geometry"]["type"], "MultiPolygon");
        assert_eq!(
            v["features"][2]["geometry"]["coordinates"][0].to_string(),
            "112.1234568"
        );
        let gates = dir.path().join("g.geojson");
        write_geojson(Layer::Gates(&schools), &gates).unwrap();
        let g: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&gates).unwrap()).unwrap();
        assert_eq!(g["features"][2]["properties"]["school_id"], "S3");
        assert_eq!(g["features"][2]["properties"]["id"], "S3-G1");
    }

    /// One part is written as the single type, several as the multi type, none is refused.
    #[test]
    fn parts_written_as_single_or_multi() {
        let line = |x: f64| LineString::from(vec![(x, 33.5), (x + 0.5, 33.25)]);
        let write = |parts: Vec<LineString<f64>>| {
            let mut buf = Vec::new();
            push_lines_geometry(&mut buf, &MultiLineString(parts)).map(|()| buf)
        };
        assert_eq!(
            String::from_utf8(write(vec![line(112.0)]).unwrap()).unwrap(),
            r#"{"type":"LineString","coordinates":[[112,33.5],[112.5,33.25]]}"#
        );
        assert_eq!(
            String::from_utf8(write(vec![line(112.0), line(113.0)]).unwrap()).unwrap(),
            r#"{"type":"MultiLineString","coordinates":[[[112,33.5],[112.5,33.25]],[[113,33.5],[113.5,33.25]]]}"#
        );
        assert_eq!(write(vec![]).unwrap_err(), "empty geometry");
        let mut buf = Vec::new();
        let two = MultiPolygon(vec![square(112.0, 33.0, 0.5), square(113.0, 33.0, 0.5)]);
        push_area_geometry(&mut buf, &two).unwrap();
        assert_eq!(
            String::from_utf8(buf).unwrap(),
            r#"{"type":"MultiPolygon","coordinates":[[[[112,33],[112.5,33],[112.5,33.5],[112,33.5],[112,33]]],[[[113,33],[113.5,33],[113.5,33.5],[113,33.5],[113,33]]]]}"#
        );
        let mut buf = Vec::new();
        assert_eq!(
            push_area_geometry(&mut buf, &MultiPolygon(vec![])).unwrap_err(),
            "empty geometry"
        );
    }

    #[test]
    fn bad_features_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let degenerate = Polygon::new(LineString::from(vec![(112.1, 33.2), (112.2, 33.2)]), vec![]);
        let schools = vec![
            school(
                "S1",
                Site::Area(MultiPolygon(vec![square(112.1, 33.2, 0.001)])),
            ),
            school("S2", Site::Area(MultiPolygon(vec![degenerate]))),
        ];
        let err = write_schools_shapefile(&schools, &dir.path().join("s.shp")).unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains("s.shp: feature #1 (id S2)") && msg.contains("at least 4"),
            "{msg}"
        );
        let nan = vec![school("S9", Site::Point(Point::new(f64::NAN, 33.0)))];
        let err = write_geojson(Layer::Schools(&nan), &dir.path().join("n.geojson")).unwrap_err();
        assert!(err.to_string().contains("feature #0 (id S9)"), "{err}");
        let venues: Vec<Venue> = Vec::new();
        let err = write_venues_csv(
            &venues,
            &dir.path().join("v.csv"),
            &Crs::Proj("EPSG:4547".into()),
        )
        .unwrap_err();
        assert!(err.to_string().contains("not EPSG:4547"), "{err}");
    }

    #[test]
    fn gauss_kruger_matches_projinfo() {
        // Reference: `echo "33.49 112.43" | cs2cs -f "%.4f" EPSG:4326 EPSG:4546` (PROJ 9.1.1, EPSG axis
        // order lat/lon → N/E) gives N 3708008.6140, E 632899.9539; pyproj 3.7.2 (its own bundled PROJ)
        // with always_xy agrees to 0.1 mm.
        let gk = ToGaussKruger::new(Path::new("test")).unwrap();
        let p = gk.point(112.43, 33.49).unwrap();
        assert!(
            (p.x - REF_E).abs() < 0.002 && (p.y - REF_N).abs() < 0.002,
            "{p:?}"
        );
    }

    const REF_E: f64 = 632_899.954;
    const REF_N: f64 = 3_708_008.614;
}
