//! R-tree indexes (rstar) over schools, venues and water, and the prepared shapes they point to.
//!
//! Trees are in lon/lat degrees; queries expand a box by a distance in metres converted conservatively
//! to degrees ([`expand_by_metres`]), so the filter never drops a feature within the distance. Exactness
//! comes after, in [`crate::measure`].

use rayon::prelude::*;
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{RTree, AABB};

use crate::geodesy::{WGS84_A, WGS84_E2};
use crate::measure::{LonLat, PreparedArea, PreparedPaths};
use crate::model::{Category, Dataset, Footprint, School, Site, WaterGeom};

/// Water shapes are indexed in runs of this many segments.
pub const WATER_CHUNK_SEGMENTS: usize = 32;

/// A venue's door point with (venue index, category), so the scan filters without touching the venue.
type PointEntry = GeomWithData<[f64; 2], (u32, Category)>;
type BoxEntry = GeomWithData<Rectangle<[f64; 2]>, u32>;
/// A water chunk's box with (water index, chunk index).
type ChunkEntry = GeomWithData<Rectangle<[f64; 2]>, (u32, u32)>;

/// A school prepared for measurement.
#[derive(Debug, Clone)]
pub struct PreparedSchool {
    /// The campus, when the boundary is known.
    pub area: Option<PreparedArea>,
    /// The school's point when only a point is known (approximate), else a vertex of the campus.
    pub point: LonLat,
    pub gates: Vec<LonLat>,
    /// Bounding box of campus and gates, degrees.
    pub bbox: [f64; 4],
}

impl PreparedSchool {
    pub fn new(s: &School) -> Self {
        let gates: Vec<LonLat> = s.gates.iter().map(|g| (g.point.x(), g.point.y())).collect();
        let (area, point) = match &s.site {
            Site::Area(mp) => {
                let area = PreparedArea::new(mp);
                let point =
                    mp.0.first()
                        .and_then(|p| p.exterior().0.first())
                        .map(|c| (c.x, c.y))
                        .unwrap_or((0.0, 0.0));
                (area, point)
            }
            Site::Point(p) => (None, (p.x(), p.y())),
        };
        let mut bbox = match &area {
            Some(a) => a.bbox(),
            None => [point.0, point.1, point.0, point.1],
        };
        for &(x, y) in &gates {
            bbox = [
                bbox[0].min(x),
                bbox[1].min(y),
                bbox[2].max(x),
                bbox[3].max(y),
            ];
        }
        PreparedSchool {
            area,
            point,
            gates,
            bbox,
        }
    }
}

/// A venue's footprint polygon, prepared.
#[derive(Debug, Clone)]
pub struct PreparedFootprint {
    pub venue: u32,
    pub shape: PreparedPaths,
}

/// A water body, prepared, with its indexed chunks.
#[derive(Debug, Clone)]
pub struct PreparedWater {
    pub shape: PreparedPaths,
    /// (path, start, end inclusive) runs of at most [`WATER_CHUNK_SEGMENTS`] segments.
    pub chunks: Vec<(usize, usize, usize)>,
}

/// All indexes for one dataset.
#[derive(Debug)]
pub struct Index {
    pub schools: Vec<PreparedSchool>,
    pub school_tree: RTree<BoxEntry>,
    /// Venues measured at their door point.
    pub venue_points: RTree<PointEntry>,
    /// Venues with footprints: data = position in `footprints`.
    pub venue_areas: RTree<BoxEntry>,
    pub footprints: Vec<PreparedFootprint>,
    /// Position in `footprints` per venue (u32::MAX for door points).
    pub footprint_of: Vec<u32>,
    pub water: Vec<PreparedWater>,
    /// Water chunks: data = (water index, chunk index).
    pub water_tree: RTree<ChunkEntry>,
}

fn rect(b: [f64; 4]) -> Rectangle<[f64; 2]> {
    Rectangle::from_corners([b[0], b[1]], [b[2], b[3]])
}

fn bbox_of(pts: &[LonLat]) -> [f64; 4] {
    let mut b = [
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    ];
    for &(x, y) in pts {
        b = [b[0].min(x), b[1].min(y), b[2].max(x), b[3].max(y)];
    }
    b
}

/// Expands a lon/lat box by `metres` on every side, conservatively: the degree margins are computed with
/// the smallest metres-per-degree over the box (plus 0.1 %), so any point within `metres` of the box lies
/// inside the result.
pub fn expand_by_metres(b: [f64; 4], metres: f64) -> AABB<[f64; 2]> {
    let rad = std::f64::consts::PI / 180.0;
    // Metres per degree of latitude is smallest at the equator: M(0) = a(1 − e²).
    let m_lat = WGS84_A * (1.0 - WGS84_E2) * rad;
    let dlat = metres / m_lat * 1.001;
    let max_abs_lat = (b[1] - dlat).abs().max((b[3] + dlat).abs()).min(89.9);
    // Metres per degree of longitude is smallest at the highest |latitude|; N(φ) ≥ a.
    let m_lon = WGS84_A * max_abs_lat.to_radians().cos() * rad;
    let dlon = metres / m_lon * 1.001;
    AABB::from_corners([b[0] - dlon, b[1] - dlat], [b[2] + dlon, b[3] + dlat])
}

impl Index {
    /// Prepares every shape and bulk-loads the trees (schools and water in parallel).
    pub fn build(ds: &Dataset) -> Index {
        let schools: Vec<PreparedSchool> = ds.schools.par_iter().map(PreparedSchool::new).collect();
        let school_tree = RTree::bulk_load(
            schools
                .iter()
                .enumerate()
                .map(|(i, s)| BoxEntry::new(rect(s.bbox), i as u32))
                .collect(),
        );
        let mut points = Vec::with_capacity(ds.venues.len());
        let mut footprints = Vec::new();
        let mut footprint_of = vec![u32::MAX; ds.venues.len()];
        for (i, v) in ds.venues.iter().enumerate() {
            match &v.footprint {
                Footprint::Door(p) => {
                    points.push(PointEntry::new([p.x(), p.y()], (i as u32, v.category)))
                }
                Footprint::Area(mp) => {
                    footprint_of[i] = footprints.len() as u32;
                    footprints.push(PreparedFootprint {
                        venue: i as u32,
                        shape: PreparedPaths::from_polygons(mp),
                    });
                }
            }
        }
        let venue_points = RTree::bulk_load(points);
        let venue_areas = RTree::bulk_load(
            footprints
                .iter()
                .enumerate()
                .map(|(i, f)| BoxEntry::new(rect(f.shape.bbox), i as u32))
                .collect(),
        );
        let water: Vec<PreparedWater> = ds
            .water
            .par_iter()
            .map(|w| {
                let shape = match &w.geom {
                    WaterGeom::Area(mp) => PreparedPaths::from_polygons(mp),
                    WaterGeom::Line(ml) => PreparedPaths::from_lines(ml),
                };
                let chunks = shape.chunks(WATER_CHUNK_SEGMENTS);
                PreparedWater { shape, chunks }
            })
            .collect();
        let mut chunk_entries = Vec::new();
        for (wi, w) in water.iter().enumerate() {
            for (ci, &c) in w.chunks.iter().enumerate() {
                let b = bbox_of(w.shape.chunk(c));
                chunk_entries.push(ChunkEntry::new(rect(b), (wi as u32, ci as u32)));
            }
        }
        let water_tree = RTree::bulk_load(chunk_entries);
        Index {
            schools,
            school_tree,
            venue_points,
            venue_areas,
            footprints,
            footprint_of,
            water,
            water_tree,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geodesy::karney;
    use rstar::Envelope;

    #[test]
    fn expansion_is_conservative() {
        for lat in [0.0, 33.5, 60.0, -45.0] {
            let b = [112.0, lat, 112.001, lat + 0.001];
            let e = expand_by_metres(b, 200.0);
            // A point 200 m due north/east/south/west of the box's edges lies inside the expansion.
            for (corner, azi) in [
                ((112.0005, lat + 0.001), 0.0),
                ((112.001, lat + 0.0005), 90.0),
                ((112.0005, lat), 180.0),
                ((112.0, lat + 0.0005), 270.0),
            ] {
                let p = karney::destination(corner, azi, 200.0);
                assert!(e.contains_point(&[p.0, p.1]), "lat {lat} azi {azi}");
            }
        }
    }
}
