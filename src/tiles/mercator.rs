//! Spherical (Web) Mercator, EPSG:3857, in normalised world coordinates: `x` from 0 (180°W) to 1 (180°E),
//! `y` from 0 (85.0511°N) to 1 (85.0511°S), y down, as tile pyramids use it.

use std::f64::consts::PI;

/// The latitude (degrees) where Web Mercator's square world ends: atan(sinh π).
pub const MAX_LAT: f64 = 85.051_128_779_806_59;

/// Lon/lat degrees → world coordinates in 0…1 (latitude clamped to ±[`MAX_LAT`]).
///
/// ```
/// use perimeter::tiles::mercator::lon_lat_to_world;
/// assert_eq!(lon_lat_to_world(0.0, 0.0), (0.5, 0.5));
/// assert_eq!(lon_lat_to_world(-180.0, 0.0).0, 0.0);
/// ```
#[inline]
pub fn lon_lat_to_world(lon: f64, lat: f64) -> (f64, f64) {
    let x = (lon + 180.0) / 360.0;
    let s = lat.clamp(-MAX_LAT, MAX_LAT).to_radians().sin();
    let y = 0.5 - ((1.0 + s) / (1.0 - s)).ln() / (4.0 * PI);
    (x, y)
}

/// World coordinates (0…1, y down) → lon/lat degrees.
#[inline]
pub fn world_to_lon_lat(x: f64, y: f64) -> (f64, f64) {
    let lon = x * 360.0 - 180.0;
    let lat = (PI * (1.0 - 2.0 * y)).sinh().atan().to_degrees();
    (lon, lat)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        for (lon, lat) in [(112.5, 33.5), (-74.0, 40.7), (0.0, -60.0), (179.9, 85.0)] {
            let (x, y) = lon_lat_to_world(lon, lat);
            let (lo, la) = world_to_lon_lat(x, y);
            assert!(
                (lo - lon).abs() < 1e-12 && (la - lat).abs() < 1e-10,
                "{lon} {lat}"
            );
        }
        // The top edge is MAX_LAT.
        assert!((world_to_lon_lat(0.0, 0.0).1 - MAX_LAT).abs() < 1e-12);
    }
}
