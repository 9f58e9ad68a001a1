//! Gates to schools: a gate node belongs to the school whose campus it lies on, inside, or within
//! [`GATE_REACH_M`] metres of (measured on the WGS84 ellipsoid); the nearest such school when several
//! qualify. Schools known only as a point take no gates.
//!
//! Candidates come from an R-tree of campus bounding boxes widened by the reach, so the work grows with
//! gates × nearby campuses, never gates × all schools.

use geo::Intersects;
use geo_types::{MultiPolygon, Point};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::RTree;

use crate::geodesy::{ground_distance_m, metres_per_degree, LocalFrame};
use crate::model::{Gate, School, Site};

/// How far outside a campus boundary a gate may lie and still belong to it, in metres.
pub const GATE_REACH_M: f64 = 5.0;

/// A gate node found in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct GateNode {
    pub id: i64,
    pub name: Option<String>,
    /// Longitude/latitude, degrees.
    pub point: Point<f64>,
}

/// Distance in metres from `p` (lon/lat degrees) to a campus: 0 when `p` is inside or on it (a point in
/// a hole is outside), else the ellipsoidal distance to the nearest point of any of its rings.
///
/// The nearest point of each segment is found in a [`LocalFrame`] centred on `p`, then re-measured
/// with [`ground_distance_m`].
pub fn distance_to_area_m(p: Point<f64>, area: &MultiPolygon<f64>) -> f64 {
    if area.intersects(&p) {
        return 0.0;
    }
    let frame = LocalFrame::new(p.x(), p.y());
    let mut best = f64::INFINITY;
    for poly in area {
        for ring in std::iter::once(poly.exterior()).chain(poly.interiors()) {
            for seg in ring.lines() {
                let a = frame.to_local(seg.start.x, seg.start.y);
                let b = frame.to_local(seg.end.x, seg.end.y);
                let (dx, dy) = (b.0 - a.0, b.1 - a.1);
                let len2 = dx * dx + dy * dy;
                let t = if len2 > 0.0 {
                    ((-a.0 * dx - a.1 * dy) / len2).clamp(0.0, 1.0)
                } else {
                    0.0
                };
                let q = frame.to_lon_lat(a.0 + t * dx, a.1 + t * dy);
                best = best.min(ground_distance_m((p.x(), p.y()), q));
            }
        }
    }
    best
}

/// Attaches each gate to the nearest school campus within [`GATE_REACH_M`] (ties: the school that
/// comes first in `schools`); returns how many gates were attached. Each school's gates end up
/// sorted by node id.
pub fn attach(schools: &mut [School], gates: &[GateNode]) -> usize {
    let boxes: Vec<GeomWithData<Rectangle<[f64; 2]>, usize>> = schools
        .iter()
        .enumerate()
        .filter_map(|(i, s)| match &s.site {
            Site::Area(mp) => widened_box(mp).map(|r| GeomWithData::new(r, i)),
            Site::Point(_) => None,
        })
        .collect();
    let tree = RTree::bulk_load(boxes);
    let mut placed: Vec<(usize, &GateNode)> = Vec::new();
    for g in gates {
        let best = tree
            .locate_all_at_point(&[g.point.x(), g.point.y()])
            .filter_map(|c| match schools.get(c.data).map(|s| &s.site) {
                Some(Site::Area(mp)) => Some((c.data, distance_to_area_m(g.point, mp))),
                _ => None,
            })
            .filter(|(_, d)| *d <= GATE_REACH_M)
            .min_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
        if let Some((i, _)) = best {
            placed.push((i, g));
        }
    }
    placed.sort_by_key(|(i, g)| (*i, g.id));
    for (i, g) in &placed {
        if let Some(s) = schools.get_mut(*i) {
            s.gates.push(Gate {
                id: Some(super::elements::ElementId::node(g.id).to_string()),
                name: g.name.clone(),
                point: g.point,
            });
        }
    }
    placed.len()
}

/// The campus bounding box widened by the reach (plus a margin for the frame's error), in degrees.
fn widened_box(mp: &MultiPolygon<f64>) -> Option<Rectangle<[f64; 2]>> {
    use geo::BoundingRect;
    let r = mp.bounding_rect()?;
    let lat = r.max().y.abs().max(r.min().y.abs()).min(89.0);
    let (m_lat, m_lon) = metres_per_degree(lat);
    let reach = GATE_REACH_M * 1.01 + 0.01;
    let (dx, dy) = (reach / m_lon, reach / m_lat);
    Some(Rectangle::from_corners(
        [r.min().x - dx, r.min().y - dy],
        [r.max().x + dx, r.max().y + dy],
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geodesy::karney;
    use geo_types::polygon;

    #[test]
    fn distance_inside_hole_and_outside() {
        // a 0.001° square with a 0.0002° hole in the middle, at 32°N
        let sq: MultiPolygon<f64> = polygon!(
            exterior: [(x: 118.0, y: 32.0), (x: 118.001, y: 32.0), (x: 118.001, y: 32.001), (x: 118.0, y: 32.001), (x: 118.0, y: 32.0)],
            interiors: [[(x: 118.0004, y: 32.0004), (x: 118.0006, y: 32.0004), (x: 118.0006, y: 32.0006), (x: 118.0004, y: 32.0006), (x: 118.0004, y: 32.0004)]],
        )
        .into();
        assert_eq!(distance_to_area_m(Point::new(118.0002, 32.0002), &sq), 0.0);
        assert_eq!(distance_to_area_m(Point::new(118.001, 32.0005), &sq), 0.0);
        // centre of the hole: 0.0001° of longitude to its nearest edge, checked against Karney
        let c = Point::new(118.0005, 32.0005);
        let want = karney::distance_m((118.0005, 32.0005), (118.0004, 32.0005));
        assert!((distance_to_area_m(c, &sq) - want).abs() < 1e-3, "{want}");
        // due north of the square
        let n = Point::new(118.0005, 32.00105);
        let want = karney::distance_m((118.0005, 32.00105), (118.0005, 32.001));
        assert!((distance_to_area_m(n, &sq) - want).abs() < 1e-6, "{want}");
    }
}
