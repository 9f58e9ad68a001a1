//! The zone drawn around a school: everything within its largest rule distance of the campus, as a
//! polygon for display (the `buffers` collection and tile layer).
//!
//! Construction (no polygon union needed): in each of [`ZONE_DIRECTIONS`] azimuths θ, the vertex of the
//! campus's convex hull farthest out in that direction (its support point, found in a local metric frame)
//! is moved `distance_m` along the geodesic of azimuth θ (Karney's direct problem,
//! [`crate::geodesy::karney::destination`]); so are both ends of every hull edge along the edge's outward
//! normal (where the offset's straight parts meet the corners' arcs). The zone is the convex hull of these
//! points: the offset of the campus's convex hull, with each corner's arc sampled at least every
//! 360°/128, so that it falls short of the true offset by at most d·(1 − cos(π/128)), 6 cm at 200 m; a
//! concave campus's bays are covered in full. It is a display approximation: findings never come from it,
//! they are measured exactly.

use geo::ConvexHull;
use geo_types::{MultiPoint, Point, Polygon};

use crate::geodesy::{karney, LocalFrame};
use crate::measure::LonLat;
use crate::model::{School, Site};

/// Azimuths sampled around a campus.
pub const ZONE_DIRECTIONS: usize = 128;

/// A school's display zone.
#[derive(Debug, Clone, PartialEq)]
pub struct Zone {
    /// Index into `Dataset::schools`.
    pub school: u32,
    /// The zone's distance from the campus, metres (the largest rule distance for the school's kind).
    pub distance_m: f64,
    /// WGS84 lon/lat, exterior counter-clockwise (RFC 7946).
    pub polygon: Polygon<f64>,
}

/// The vertices a zone is built from: every exterior vertex of the campus, or the school's point.
fn campus_vertices(school: &School) -> Vec<LonLat> {
    match &school.site {
        Site::Area(mp) => {
            mp.0.iter()
                .flat_map(|p| p.exterior().0.iter().map(|c| (c.x, c.y)))
                .collect()
        }
        Site::Point(p) => vec![(p.x(), p.y())],
    }
}

/// The zone within `distance_m` metres of the school's campus (or point); `None` without vertices or for
/// a non-positive distance.
pub fn zone_polygon(school: &School, distance_m: f64) -> Option<Polygon<f64>> {
    let verts = campus_vertices(school);
    if verts.is_empty() || distance_m.is_nan() || distance_m <= 0.0 {
        return None;
    }
    let n = verts.len() as f64;
    let (sx, sy) = verts.iter().fold((0.0, 0.0), |a, v| (a.0 + v.0, a.1 + v.1));
    let frame = LocalFrame::new(sx / n, sy / n);
    // The campus's convex hull in the local frame (metres east, north; counter-clockwise).
    let local: MultiPoint<f64> = verts
        .iter()
        .map(|v| Point::from(frame.to_local(v.0, v.1)))
        .collect();
    let hull: Vec<(f64, f64)> = {
        let mut h: Vec<(f64, f64)> = local
            .convex_hull()
            .exterior()
            .0
            .iter()
            .map(|c| (c.x, c.y))
            .collect();
        if h.len() > 1 && h.first() == h.last() {
            h.pop();
        }
        h
    };
    let from = |p: (f64, f64)| frame.to_lon_lat(p.0, p.1);
    let mut pts: Vec<Point<f64>> = Vec::with_capacity(ZONE_DIRECTIONS + 2 * hull.len());
    for i in 0..ZONE_DIRECTIONS {
        let azi = 360.0 * i as f64 / ZONE_DIRECTIONS as f64;
        let (e, nn) = (azi.to_radians().sin(), azi.to_radians().cos());
        let mut best = (0.0, 0.0);
        let mut best_dot = f64::NEG_INFINITY;
        for &l in &hull {
            let dot = l.0 * e + l.1 * nn;
            if dot > best_dot {
                best_dot = dot;
                best = l;
            }
        }
        let (lon, lat) = karney::destination(from(best), azi, distance_m);
        pts.push(Point::new(lon, lat));
    }
    // Both ends of every hull edge moved along the edge's outward normal: where the offset's straight part
    // meets the corners' arcs, so that no chord of the result cuts across a corner.
    if hull.len() >= 2 {
        for i in 0..hull.len() {
            let (a, b) = (hull[i], hull[(i + 1) % hull.len()]);
            let (dx, dy) = (b.0 - a.0, b.1 - a.1);
            if dx == 0.0 && dy == 0.0 {
                continue;
            }
            // Counter-clockwise ring: the outward normal of (dx, dy) is (dy, −dx); azimuth = atan2(east, north).
            let azi = dy.atan2(-dx).to_degrees();
            for p in [a, b] {
                let (lon, lat) = karney::destination(from(p), azi, distance_m);
                pts.push(Point::new(lon, lat));
            }
        }
    }
    Some(MultiPoint(pts).convex_hull())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SchoolKind;
    use geo::Contains;
    use geo_types::{LineString, MultiPolygon};

    fn school(site: Site) -> School {
        School {
            id: "S".into(),
            name: "小学".into(),
            kind: SchoolKind::Primary,
            township: None,
            site,
            gates: vec![],
            pupils: None,
        }
    }

    #[test]
    fn a_point_school_gets_a_geodesic_circle() {
        let s = school(Site::Point(Point::new(112.5, 33.5)));
        let z = zone_polygon(&s, 200.0).unwrap();
        // 128 distinct vertices (+ the closing one), each 200 m from the point by Karney's inverse.
        assert_eq!(z.exterior().0.len(), ZONE_DIRECTIONS + 1);
        for c in &z.exterior().0 {
            let d = karney::distance_m((112.5, 33.5), (c.x, c.y));
            assert!((d - 200.0).abs() < 1e-6, "{d}");
        }
    }

    #[test]
    fn a_campus_zone_covers_its_offset() {
        // A 150 m × 100 m campus given clockwise (as Shapefiles have it).
        let (lon0, lat0) = (112.5, 33.5);
        let (dx, dy) = (150.0 / 92_900.0, 100.0 / 110_900.0);
        let ring = vec![
            (lon0, lat0),
            (lon0, lat0 + dy),
            (lon0 + dx, lat0 + dy),
            (lon0 + dx, lat0),
            (lon0, lat0),
        ];
        let campus = Polygon::new(LineString::from(ring.clone()), vec![]);
        let s = school(Site::Area(MultiPolygon(vec![campus])));
        let z = zone_polygon(&s, 200.0).unwrap();
        // Every point 199.9 m from a campus corner, in every whole degree, is inside (the sampling loses at
        // most 6 cm); every point 200.1 m out from a corner along the corner's outward diagonal is not.
        for &(lon, lat) in &ring[..4] {
            for deg in 0..360 {
                let p = karney::destination((lon, lat), f64::from(deg), 199.9);
                assert!(z.contains(&Point::new(p.0, p.1)), "{lon} {lat} {deg}");
            }
        }
        for (corner, azi) in [
            (ring[0], 225.0),
            (ring[1], 315.0),
            (ring[2], 45.0),
            (ring[3], 135.0),
        ] {
            let p = karney::destination(corner, azi, 200.1);
            assert!(!z.contains(&Point::new(p.0, p.1)), "{azi}");
        }
        assert!(zone_polygon(&s, 0.0).is_none());
    }
}
