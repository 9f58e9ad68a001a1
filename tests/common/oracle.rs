//! An independent brute-force oracle: Karney geodesics (geographiclib-rs) only, no local frames.
//!
//! Distance from a point to a geodesic segment = minimum over the segment's arc length of the geodesic
//! inverse distance, found by golden-section search (the function is unimodal along a short segment),
//! to 1e-7 m. Containment by a ray test in lon/lat.

#![allow(dead_code)]

use geographiclib_rs::{DirectGeodesic, Geodesic, InverseGeodesic};

pub type LL = (f64, f64);

pub fn geod() -> Geodesic {
    Geodesic::wgs84()
}

pub fn dist(g: &Geodesic, a: LL, b: LL) -> f64 {
    let s: f64 = g.inverse(a.1, a.0, b.1, b.0);
    s
}

pub fn point_to_segment(g: &Geodesic, p: LL, a: LL, b: LL) -> f64 {
    let (len, azi, _, _): (f64, f64, f64, f64) = g.inverse(a.1, a.0, b.1, b.0);
    let at = |s: f64| -> f64 {
        let (lat, lon): (f64, f64) = g.direct(a.1, a.0, azi, s);
        dist(g, p, (lon, lat))
    };
    let phi = (5f64.sqrt() - 1.0) / 2.0;
    let (mut lo, mut hi) = (0.0, len);
    let mut x1 = hi - phi * (hi - lo);
    let mut x2 = lo + phi * (hi - lo);
    let (mut f1, mut f2) = (at(x1), at(x2));
    while hi - lo > 1e-7 {
        if f1 < f2 {
            hi = x2;
            x2 = x1;
            f2 = f1;
            x1 = hi - phi * (hi - lo);
            f1 = at(x1);
        } else {
            lo = x1;
            x1 = x2;
            f1 = f2;
            x2 = lo + phi * (hi - lo);
            f2 = at(x2);
        }
    }
    at(0.5 * (lo + hi)).min(dist(g, p, a)).min(dist(g, p, b))
}

/// Even–odd containment over every ring (exteriors and holes).
pub fn inside(rings: &[Vec<LL>], p: LL) -> bool {
    let mut c = false;
    for r in rings {
        for w in r.windows(2) {
            let (a, b) = (w[0], w[1]);
            if (a.1 > p.1) != (b.1 > p.1) && p.0 < a.0 + (p.1 - a.1) * (b.0 - a.0) / (b.1 - a.1) {
                c = !c;
            }
        }
    }
    c
}

/// Boundary distance from a set of rings to a point: 0 inside.
pub fn rings_to_point(g: &Geodesic, rings: &[Vec<LL>], p: LL) -> f64 {
    if inside(rings, p) {
        return 0.0;
    }
    let mut best = f64::INFINITY;
    for r in rings {
        for w in r.windows(2) {
            best = best.min(point_to_segment(g, p, w[0], w[1]));
        }
    }
    best
}
