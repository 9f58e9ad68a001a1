//! GCJ-02 (国测局 "Mars" coordinates) and BD-09 (Baidu), with exact iterative inverses.
//!
//! The forward transforms are the public formulas (as in eviltransform and PRCoords). Outside China
//! GCJ-02 adds no offset. The inverses solve `forward(w) = g` by fixed-point iteration; the residual is
//! driven below 1e-11 degrees (about a micrometre), far inside the 1 cm the scan needs.

use std::f64::consts::PI;

/// Krasovsky 1940 semi-major axis used by the GCJ-02 formula.
const GCJ_A: f64 = 6_378_245.0;
/// Krasovsky 1940 first eccentricity squared.
const GCJ_EE: f64 = 0.006_693_421_622_965_943;
const BD_X_PI: f64 = PI * 3000.0 / 180.0;

/// True where GCJ-02 applies no offset (the usual mainland bounding box test).
pub fn outside_china(lon: f64, lat: f64) -> bool {
    !(72.004..=137.8347).contains(&lon) || !(0.8293..=55.8271).contains(&lat)
}

fn transform_lat(x: f64, y: f64) -> f64 {
    let mut r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * x.abs().sqrt();
    r += (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0;
    r += (20.0 * (y * PI).sin() + 40.0 * (y / 3.0 * PI).sin()) * 2.0 / 3.0;
    r += (160.0 * (y / 12.0 * PI).sin() + 320.0 * (y * PI / 30.0).sin()) * 2.0 / 3.0;
    r
}

fn transform_lon(x: f64, y: f64) -> f64 {
    let mut r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * x.abs().sqrt();
    r += (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0;
    r += (20.0 * (x * PI).sin() + 40.0 * (x / 3.0 * PI).sin()) * 2.0 / 3.0;
    r += (150.0 * (x / 12.0 * PI).sin() + 300.0 * (x / 30.0 * PI).sin()) * 2.0 / 3.0;
    r
}

/// WGS84 → GCJ-02 (the public forward formula).
pub fn wgs84_to_gcj02(lon: f64, lat: f64) -> (f64, f64) {
    if outside_china(lon, lat) {
        return (lon, lat);
    }
    let mut dlat = transform_lat(lon - 105.0, lat - 35.0);
    let mut dlon = transform_lon(lon - 105.0, lat - 35.0);
    let rad_lat = lat / 180.0 * PI;
    let magic = 1.0 - GCJ_EE * rad_lat.sin().powi(2);
    let sqrt_magic = magic.sqrt();
    dlat = (dlat * 180.0) / ((GCJ_A * (1.0 - GCJ_EE)) / (magic * sqrt_magic) * PI);
    dlon = (dlon * 180.0) / (GCJ_A / sqrt_magic * rad_lat.cos() * PI);
    (lon + dlon, lat + dlat)
}

/// GCJ-02 → BD-09 (the public forward formula).
pub fn gcj02_to_bd09(lon: f64, lat: f64) -> (f64, f64) {
    let z = (lon * lon + lat * lat).sqrt() + 0.00002 * (lat * BD_X_PI).sin();
    let theta = lat.atan2(lon) + 0.000003 * (lon * BD_X_PI).cos();
    (z * theta.cos() + 0.0065, z * theta.sin() + 0.006)
}

/// WGS84 → BD-09.
pub fn wgs84_to_bd09(lon: f64, lat: f64) -> (f64, f64) {
    let (g_lon, g_lat) = wgs84_to_gcj02(lon, lat);
    gcj02_to_bd09(g_lon, g_lat)
}

/// Solves `forward(w) = target` for `w` by fixed-point iteration `w ← w − (forward(w) − target)`.
/// Both offsets vary slowly (their Jacobian is within 1e-4 of the identity), so it contracts fast.
fn invert(target: (f64, f64), forward: impl Fn(f64, f64) -> (f64, f64)) -> (f64, f64) {
    let mut w = target;
    for _ in 0..30 {
        let f = forward(w.0, w.1);
        let (ex, ey) = (f.0 - target.0, f.1 - target.1);
        w = (w.0 - ex, w.1 - ey);
        if ex.abs() < 1e-12 && ey.abs() < 1e-12 {
            break;
        }
    }
    w
}

/// GCJ-02 → WGS84, exact to well below a millimetre.
///
/// ```
/// use perimeter::crs::chinese::{gcj02_to_wgs84, wgs84_to_gcj02};
/// let (g_lon, g_lat) = wgs84_to_gcj02(118.7781, 32.0436);
/// let (lon, lat) = gcj02_to_wgs84(g_lon, g_lat);
/// assert!((lon - 118.7781).abs() < 1e-10 && (lat - 32.0436).abs() < 1e-10);
/// ```
pub fn gcj02_to_wgs84(lon: f64, lat: f64) -> (f64, f64) {
    if outside_china(lon, lat) {
        return (lon, lat);
    }
    invert((lon, lat), wgs84_to_gcj02)
}

/// BD-09 → GCJ-02, exact (iterative).
pub fn bd09_to_gcj02(lon: f64, lat: f64) -> (f64, f64) {
    invert((lon, lat), gcj02_to_bd09)
}

/// BD-09 → WGS84, exact (iterative, through GCJ-02).
pub fn bd09_to_wgs84(lon: f64, lat: f64) -> (f64, f64) {
    let (g_lon, g_lat) = bd09_to_gcj02(lon, lat);
    gcj02_to_wgs84(g_lon, g_lat)
}
