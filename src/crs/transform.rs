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

    /// Converts one coordinate (x = easting or longitude, y = northing or latitude).
    pub fn convert(&self, x: f64, y: f64) -> Result<(f64, f64), CrsError> {
        if !x.is_finite() || !y.is_finite() {
            return Err(CrsError::NotFinite { x, y });
        }
        let out = match (&self.crs, &self.proj) {
            (Crs::Wgs84 | Crs::Cgcs2000, _) => {
                check_lon_lat(x, y)?;
                (x, y)
            }
            (Crs::Gcj02, _) => {
                check_lon_lat(x, y)?;
                chinese::gcj02_to_wgs84(x, y)
            }
            (Crs::Bd09, _) => {
                check_lon_lat(x, y)?;
                chinese::bd09_to_wgs84(x, y)
            }
            (Crs::Proj(_), Some(p)) => p.convert((x, y)).map_err(|e| CrsError::Convert {
                x,
                y,
                crs: self.crs.name(),
                message: e.to_string(),
            })?,
            (Crs::Proj(_), None) => unreachable!("a PROJ CRS always has its transformation"),
        };
        check_lon_lat(out.0, out.1)?;
        Ok(out)
    }
}
