//! Karney's geodesics on WGS84 (geographiclib-rs): the ground truth.

use geographiclib_rs::{DirectGeodesic, Geodesic, InverseGeodesic};
use std::sync::OnceLock;

fn wgs84() -> &'static Geodesic {
    static G: OnceLock<Geodesic> = OnceLock::new();
    G.get_or_init(Geodesic::wgs84)
}

/// Geodesic distance in metres between two lon/lat points.
pub fn distance_m(a: (f64, f64), b: (f64, f64)) -> f64 {
    let s: f64 = wgs84().inverse(a.1, a.0, b.1, b.0);
    s
}

/// Distance (m) and forward azimuth at `a` (degrees clockwise from north).
pub fn distance_azimuth(a: (f64, f64), b: (f64, f64)) -> (f64, f64) {
    let (s, azi1, _azi2, _a12): (f64, f64, f64, f64) = wgs84().inverse(a.1, a.0, b.1, b.0);
    (s, azi1)
}

/// The point `s_m` metres from `a` along azimuth `azi_deg`.
pub fn destination(a: (f64, f64), azi_deg: f64, s_m: f64) -> (f64, f64) {
    let (lat, lon): (f64, f64) = wgs84().direct(a.1, a.0, azi_deg, s_m);
    (lon, lat)
}

/// Points along the geodesic from `a` to `b` so that no piece is longer than `max_step_m`; excludes `a`,
/// includes `b`.
pub fn densify(a: (f64, f64), b: (f64, f64), max_step_m: f64) -> Vec<(f64, f64)> {
    let (s, azi) = distance_azimuth(a, b);
    let n = (s / max_step_m).ceil().max(1.0) as usize;
    let mut out = Vec::with_capacity(n);
    for i in 1..n {
        out.push(destination(a, azi, s * i as f64 / n as f64));
    }
    out.push(b);
    out
}
