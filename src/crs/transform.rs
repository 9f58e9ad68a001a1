use super::{check_lon_lat, chinese, Crs, CrsError};

/// Converts coordinates of one declared CRS to WGS84 longitude/latitude.
///
/// Built once per input (creating a PROJ transformation is the expensive part), then applied to every
/// coordinate. The output is checked: finite, longitude within ±180, latitude within ±90.
pub struct ToWgs84 {
    crs: Crs,
    proj: Option<proj::Proj>,
}

impl std::fmt::Debug for ToWgs84 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ToWgs84").field("crs", &self.crs).finish()
    }
}

impl ToWgs84 {
    pub fn new(crs: &Crs) -> Result<Self, CrsError> {
        let proj = match crs {
            Crs::Proj(def) => Some(proj::Proj::new_known_crs(def, "EPSG:4326", None).map_err(
                |e| CrsError::Proj {
                    definition: crs.name(),
                    message: e.to_string(),
                },
            )?),
            _ => None,
        };
        Ok(ToWgs84 {
            crs: crs.clone(),
            proj,
        })
    }

    pub fn crs(&self) -> &Crs {
        &self.crs
    }

    /// The conversion as a formula that threads can share, when it needs no PROJ (WGS84, CGCS2000,
    /// GCJ-02, BD-09).
    pub fn formula(&self) -> Option<Formula> {
        Formula::of(&self.crs)
    }

    /// Converts one coordinate (x = easting or longitude, y = northing or latitude).
    pub fn convert(&self, x: f64, y: f64) -> Result<(f64, f64), CrsError> {
        if let Some(f) = Formula::of(&self.crs) {
            return f.convert(x, y);
        }
        if !x.is_finite() || !y.is_finite() {
            return Err(CrsError::NotFinite { x, y });
        }
        let out = match &self.proj {
            Some(p) => p.convert((x, y)).map_err(|e| CrsError::Convert {
                x,
                y,
                crs: self.crs.name(),
                message: e.to_string(),
            })?,
            None => unreachable!("a PROJ CRS always has its transformation"),
        };
        check_lon_lat(out.0, out.1)?;
        Ok(out)
    }
}

/// A conversion to WGS84 that is a formula (no PROJ): `Copy`, and shared freely between threads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Formula {
    /// WGS84 and CGCS2000 (the same to well under a metre): checked, not moved.
    Identity,
    Gcj02,
    Bd09,
}

impl Formula {
    fn of(crs: &Crs) -> Option<Formula> {
        match crs {
            Crs::Wgs84 | Crs::Cgcs2000 => Some(Formula::Identity),
            Crs::Gcj02 => Some(Formula::Gcj02),
            Crs::Bd09 => Some(Formula::Bd09),
            Crs::Proj(_) => None,
        }
    }

    /// Converts one coordinate, checked as [`ToWgs84::convert`] checks it.
    pub fn convert(self, x: f64, y: f64) -> Result<(f64, f64), CrsError> {
        if !x.is_finite() || !y.is_finite() {
            return Err(CrsError::NotFinite { x, y });
        }
        check_lon_lat(x, y)?;
        let out = match self {
            Formula::Identity => (x, y),
            Formula::Gcj02 => chinese::gcj02_to_wgs84(x, y),
            Formula::Bd09 => chinese::bd09_to_wgs84(x, y),
        };
        check_lon_lat(out.0, out.1)?;
        Ok(out)
    }
}

/// Anything that converts one coordinate to WGS84 longitude/latitude.
pub trait ConvertToWgs84 {
    fn to_lon_lat(&self, x: f64, y: f64) -> Result<(f64, f64), CrsError>;
}

impl ConvertToWgs84 for ToWgs84 {
    fn to_lon_lat(&self, x: f64, y: f64) -> Result<(f64, f64), CrsError> {
        self.convert(x, y)
    }
}

impl ConvertToWgs84 for Formula {
    fn to_lon_lat(&self, x: f64, y: f64) -> Result<(f64, f64), CrsError> {
        self.convert(x, y)
    }
}
