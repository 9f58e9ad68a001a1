//! Coordinate reference systems: what an input declares, and the conversion of its coordinates to WGS84.
//!
//! PROJ (through the `proj` crate) handles every EPSG code, PROJ string and WKT definition; the two
//! Chinese obfuscated systems that PROJ does not know, GCJ-02 and BD-09, are in [`chinese`].

pub mod chinese;
mod transform;

pub use transform::{ConvertToWgs84, Formula, ToWgs84};

use std::fmt;
use std::str::FromStr;

/// A declared coordinate reference system.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Crs {
    /// WGS84 longitude/latitude (EPSG:4326): GPS, OpenStreetMap, GeoJSON.
    Wgs84,
    /// CGCS2000 longitude/latitude (EPSG:4490): equal to WGS84 to centimetres, taken as identical.
    Cgcs2000,
    /// GCJ-02 (火星坐标): Amap/Gaode, Tencent and most geocoded Chinese addresses.
    Gcj02,
    /// BD-09: Baidu maps.
    Bd09,
    /// Anything PROJ understands: `EPSG:n`, a PROJ string, or WKT (as in a .prj file).
    Proj(String),
}

/// Errors about coordinate reference systems.
#[derive(Debug, thiserror::Error)]
pub enum CrsError {
    #[error("unknown CRS '{0}' (expected wgs84, cgcs2000, gcj02, bd09, EPSG:<code>, a PROJ string or WKT)")]
    Unknown(String),
    #[error("PROJ does not know CRS '{definition}': {message}")]
    Proj { definition: String, message: String },
    #[error("coordinate ({x}, {y}) could not be converted from {crs} to WGS84: {message}")]
    Convert {
        x: f64,
        y: f64,
        crs: String,
        message: String,
    },
    #[error("coordinate ({x}, {y}) is not a valid longitude/latitude (longitude must be within ±180, latitude within ±90)")]
    OutOfRange { x: f64, y: f64 },
    #[error("coordinate ({x}, {y}) is not a finite number")]
    NotFinite { x: f64, y: f64 },
}

impl Crs {
    /// True for longitude/latitude systems whose coordinates need no PROJ step.
    pub fn is_geographic_builtin(&self) -> bool {
        matches!(self, Crs::Wgs84 | Crs::Cgcs2000 | Crs::Gcj02 | Crs::Bd09)
    }

    /// A short name for reports.
    pub fn name(&self) -> String {
        match self {
            Crs::Wgs84 => "WGS84 (EPSG:4326)".into(),
            Crs::Cgcs2000 => "CGCS2000 (EPSG:4490)".into(),
            Crs::Gcj02 => "GCJ-02".into(),
            Crs::Bd09 => "BD-09".into(),
            Crs::Proj(def) => {
                let one_line: String = def.split_whitespace().collect::<Vec<_>>().join(" ");
                if one_line.len() > 60 {
                    // WKT: show its name, e.g. PROJCS["CGCS2000_3_Degree_GK_CM_111E", ...
                    let name = one_line.split('"').nth(1).unwrap_or("custom").to_string();
                    format!("WKT {name}")
                } else {
                    one_line
                }
            }
        }
    }
}

impl fmt::Display for Crs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
    }
}

impl FromStr for Crs {
    type Err = CrsError;
    /// Parses a declaration: `wgs84`, `cgcs2000`, `gcj02`, `bd09` (case-insensitive, `-`/`_` ignored),
    /// `EPSG:n` (EPSG:4326 and EPSG:4490 map to the built-ins), a PROJ string (`+proj=…`) or WKT.
    ///
    /// ```
    /// use perimeter::crs::Crs;
    /// assert_eq!("GCJ-02".parse::<Crs>().unwrap(), Crs::Gcj02);
    /// assert_eq!("epsg:4490".parse::<Crs>().unwrap(), Crs::Cgcs2000);
    /// assert_eq!("EPSG:4547".parse::<Crs>().unwrap(), Crs::Proj("EPSG:4547".into()));
    /// assert!("EPSG:four".parse::<Crs>().is_err());
    /// ```
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        let key: String = t
            .chars()
            .filter(|c| !matches!(c, '-' | '_' | ' '))
            .collect::<String>()
            .to_ascii_lowercase();
        match key.as_str() {
            "wgs84"
            | "epsg:4326"
            | "4326"
            | "crs84"
            | "ogc:crs84"
            | "urn:ogc:def:crs:ogc:1.3:crs84"
            | "urn:ogc:def:crs:epsg::4326" => return Ok(Crs::Wgs84),
            "cgcs2000" | "epsg:4490" | "4490" | "urn:ogc:def:crs:epsg::4490" => {
                return Ok(Crs::Cgcs2000)
            }
            "gcj02" | "gcj" | "amap" | "gaode" | "mars" => return Ok(Crs::Gcj02),
            "bd09" | "bd09ll" | "baidu" => return Ok(Crs::Bd09),
            _ => {}
        }
        if let Some(code) = key
            .strip_prefix("epsg:")
            .or_else(|| key.strip_prefix("urn:ogc:def:crs:epsg::"))
        {
            if !code.is_empty() && code.chars().all(|c| c.is_ascii_digit()) {
                return Ok(Crs::Proj(format!("EPSG:{code}")));
            }
        }
        let upper = t.to_ascii_uppercase();
        let is_wkt = [
            "PROJCS[",
            "GEOGCS[",
            "PROJCRS[",
            "GEOGCRS[",
            "GEODCRS[",
            "COMPD_CS[",
        ]
        .iter()
        .any(|p| upper.starts_with(p));
        if t.starts_with("+proj=") || is_wkt {
            return Ok(Crs::Proj(t.to_string()));
        }
        Err(CrsError::Unknown(t.to_string()))
    }
}

/// Checks that a WGS84 coordinate is finite and within range.
pub fn check_lon_lat(x: f64, y: f64) -> Result<(), CrsError> {
    if !x.is_finite() || !y.is_finite() {
        return Err(CrsError::NotFinite { x, y });
    }
    if !(-180.0..=180.0).contains(&x) || !(-90.0..=90.0).contains(&y) {
        return Err(CrsError::OutOfRange { x, y });
    }
    Ok(())
}
