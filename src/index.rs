//! Indexes over schools, venues and water, and the prepared shapes they point to: rstar R-trees of
//! campuses, venue footprints and water chunks (boxes with extent), and a strip index of venue door
//! points ([`PointStrips`]).
//!
//! Both are in lon/lat degrees; queries expand a box by a distance in metres converted conservatively
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
    pub category: Category,
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
    /// School indices along a Hilbert curve through their box centres: the order in which the scan
    /// visits schools, so that consecutive schools read nearby venues.
    pub school_order: Vec<u32>,
    pub school_tree: RTree<BoxEntry>,
    /// Venues measured at their door point.
    pub venue_points: PointStrips,
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

/// Position of (x, y) on a Hilbert curve over a 2^16 × 2^16 grid.
fn hilbert_d(mut x: u32, mut y: u32) -> u64 {
    const N: u32 = 1 << 16;
    let mut d: u64 = 0;
    let mut s = N / 2;
    while s > 0 {
        let rx = u32::from(x & s > 0);
        let ry = u32::from(y & s > 0);
        d += u64::from(s) * u64::from(s) * u64::from((3 * rx) ^ ry);
        if ry == 0 {
            if rx == 1 {
                x = N - 1 - x;
                y = N - 1 - y;
            }
            std::mem::swap(&mut x, &mut y);
        }
        s /= 2;
    }
    d
}

/// School indices sorted along a Hilbert curve through their box centres (ties by index).
fn hilbert_order(schools: &[PreparedSchool]) -> Vec<u32> {
    let centres: Vec<LonLat> = schools
        .iter()
        .map(|s| (0.5 * (s.bbox[0] + s.bbox[2]), 0.5 * (s.bbox[1] + s.bbox[3])))
        .collect();
    let ext = bbox_of(&centres);
    let cell = |v: f64, lo: f64, hi: f64| {
        if hi > lo {
            (((v - lo) / (hi - lo)) * 65535.0).clamp(0.0, 65535.0) as u32
        } else {
            0
        }
    };
    let mut keyed: Vec<(u64, u32)> = centres
        .iter()
        .enumerate()
        .map(|(i, &(x, y))| {
            (
                hilbert_d(cell(x, ext[0], ext[2]), cell(y, ext[1], ext[3])),
                i as u32,
            )
        })
        .collect();
    keyed.sort_unstable();
    keyed.into_iter().map(|(_, i)| i).collect()
}

/// A venue's door point, as stored in [`PointStrips`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StripPoint {
    pub lon: f64,
    pub lat: f64,
    pub venue: u32,
    pub category: Category,
}

/// Door points sorted into horizontal strips of [`PointStrips::STRIP_DEG`] of latitude, and by longitude
/// within a strip.
///
/// A box query is one binary search pair per strip, and yields contiguous runs of points: for the scan's
/// boxes (a campus plus 200 m, a few strips high) this is several times cheaper than walking an R-tree,
/// and the points are read in memory order. Footprints, schools and water stay in R-trees (their boxes
/// have extent).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PointStrips {
    /// Latitude of the southern edge of strip 0.
    lat0: f64,
    /// `starts[k]..starts[k + 1]` is strip k's range in the point arrays.
    starts: Vec<u32>,
    /// The points, column by column (the query reads longitudes first, the rest only for hits).
    lons: Vec<f64>,
    lats: Vec<f64>,
    venues: Vec<u32>,
    categories: Vec<Category>,
    /// The longitude of every [`Self::BLOCK`]-th point of each strip (strip k's entries start at
    /// `dir_starts[k]`): a compact directory that the query searches instead of the points themselves.
    dir: Vec<f64>,
    dir_starts: Vec<u32>,
}

impl PointStrips {
    /// Height of a strip, degrees of latitude (about 111 m).
    pub const STRIP_DEG: f64 = 0.001;
    /// Points per directory entry.
    const BLOCK: usize = 32;

    /// Sorts the points into strips. Coordinates must be finite (the loaders guarantee it).
    pub fn build(points: Vec<StripPoint>) -> PointStrips {
        if points.is_empty() {
            return PointStrips::default();
        }
        let (lat0, lat1) = points
            .par_iter()
            .with_min_len(1 << 14)
            .map(|p| (p.lat, p.lat))
            .reduce(
                || (f64::INFINITY, f64::NEG_INFINITY),
                |a, b| (a.0.min(b.0), a.1.max(b.1)),
            );
        let n_strips = ((lat1 - lat0) / Self::STRIP_DEG) as usize + 1;
        let strip = |lat: f64| (((lat - lat0) / Self::STRIP_DEG) as usize).min(n_strips - 1);
        // Counting sort into strips, then each strip by longitude (and venue, for a stable layout).
        let keys: Vec<u32> = points
            .par_iter()
            .with_min_len(1 << 14)
            .map(|p| strip(p.lat) as u32)
            .collect();
        let mut starts = vec![0u32; n_strips + 1];
        for &k in &keys {
            starts[k as usize + 1] += 1;
        }
        for k in 1..starts.len() {
            starts[k] += starts[k - 1];
        }
        let mut sorted = vec![
            StripPoint {
                lon: 0.0,
                lat: 0.0,
                venue: 0,
                category: Category::Other,
            };
            points.len()
        ];
        // The strips in as many runs of about equal size as there are threads (at most 8): each thread
        // reads every key (4 bytes a point) and copies only its own run's points, so that the writes are
        // disjoint and each strip's points keep their order.
        let parts = rayon::current_num_threads().clamp(1, 8);
        let mut bounds = vec![0usize];
        for t in 1..parts {
            let k = starts.partition_point(|&s| s < (points.len() * t / parts) as u32);
            if k > bounds[bounds.len() - 1] && k < n_strips {
                bounds.push(k);
            }
        }
        bounds.push(n_strips);
        let runs = split_at_strips(&mut sorted, &starts, &bounds);
        runs.into_par_iter()
            .zip(bounds.par_windows(2))
            .for_each(|(run, w)| {
                let (first, end) = (w[0], w[1]);
                let base = starts[first];
                let mut next: Vec<u32> = starts[first..end].iter().map(|s| s - base).collect();
                for (p, &k) in points.iter().zip(&keys) {
                    let k = k as usize;
                    if (first..end).contains(&k) {
                        let at = &mut next[k - first];
                        run[*at as usize] = *p;
                        *at += 1;
                    }
                }
            });
        let every_strip: Vec<usize> = (0..=n_strips).collect();
        split_at_strips(&mut sorted, &starts, &every_strip)
            .into_par_iter()
            .with_min_len(64)
            .for_each(|run| {
                run.sort_unstable_by(|a, b| a.lon.total_cmp(&b.lon).then(a.venue.cmp(&b.venue)))
            });
        let points = sorted;
        let lons = column(&points, |p| p.lon);
        let mut dir = Vec::with_capacity(points.len() / Self::BLOCK + n_strips);
        let mut dir_starts = Vec::with_capacity(n_strips + 1);
        for k in 0..n_strips {
            dir_starts.push(dir.len() as u32);
            let run = &lons[starts[k] as usize..starts[k + 1] as usize];
            dir.extend(run.iter().step_by(Self::BLOCK));
        }
        dir_starts.push(dir.len() as u32);
        PointStrips {
            lat0,
            starts,
            lats: column(&points, |p| p.lat),
            venues: column(&points, |p| p.venue),
            categories: column(&points, |p| p.category),
            lons,
            dir,
            dir_starts,
        }
    }

    pub fn len(&self) -> usize {
        self.lons.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lons.is_empty()
    }

    /// Every point inside the box (edges included), strip by strip, west to east within a strip.
    #[inline]
    pub fn for_each_in(&self, env: &AABB<[f64; 2]>, mut f: impl FnMut(StripPoint)) {
        if self.lons.is_empty() {
            return;
        }
        let (lo, hi) = (env.lower(), env.upper());
        let n_strips = self.starts.len() - 1;
        let first = (lo[1] - self.lat0) / Self::STRIP_DEG;
        let last = (hi[1] - self.lat0) / Self::STRIP_DEG;
        if last < 0.0 || first >= n_strips as f64 {
            return;
        }
        let first = first.max(0.0) as usize;
        let last = (last as usize).min(n_strips - 1);
        for k in first..=last {
            let (start, end) = (self.starts[k] as usize, self.starts[k + 1] as usize);
            let dir = &self.dir[self.dir_starts[k] as usize..self.dir_starts[k + 1] as usize];
            // Blocks before `j` start west of the box; the first point inside is in block j − 1 or later.
            let j = dir.partition_point(|&lon| lon < lo[0]);
            let from = start + j.saturating_sub(1) * Self::BLOCK;
            for (i, &lon) in self.lons[from..end].iter().enumerate() {
                if lon > hi[0] {
                    break;
                }
                let i = from + i;
                let lat = self.lats[i];
                if lon >= lo[0] && lat >= lo[1] && lat <= hi[1] {
                    f(StripPoint {
                        lon,
                        lat,
                        venue: self.venues[i],
                        category: self.categories[i],
                    });
                }
            }
        }
    }
}

/// `points` cut at the strips `bounds` (increasing, from 0 to the number of strips): one slice per pair of
/// neighbouring bounds, covering those strips (`starts[k]` is where strip k begins).
fn split_at_strips<'a>(
    mut points: &'a mut [StripPoint],
    starts: &[u32],
    bounds: &[usize],
) -> Vec<&'a mut [StripPoint]> {
    let mut runs = Vec::with_capacity(bounds.len());
    for w in bounds.windows(2) {
        let (run, rest) = points.split_at_mut((starts[w[1]] - starts[w[0]]) as usize);
        runs.push(run);
        points = rest;
    }
    runs
}

/// One field of every point, in order, gathered on every thread.
fn column<T: Send>(
    points: &[StripPoint],
    field: impl Fn(&StripPoint) -> T + Sync + Send,
) -> Vec<T> {
    points.par_iter().with_min_len(1 << 14).map(field).collect()
}

impl Index {
    /// Prepares every shape and bulk-loads the trees: schools, venues and water side by side, each in
    /// parallel.
    pub fn build(ds: &Dataset) -> Index {
        let (
            (schools, school_tree, school_order),
            ((venue_points, venue_areas, footprints, footprint_of), (water, water_tree)),
        ) = rayon::join(
            || Self::schools(ds),
            || rayon::join(|| Self::venues(ds), || Self::water(ds)),
        );
        Index {
            schools,
            school_order,
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

type SchoolParts = (Vec<PreparedSchool>, RTree<BoxEntry>, Vec<u32>);
type VenueParts = (
    PointStrips,
    RTree<BoxEntry>,
    Vec<PreparedFootprint>,
    Vec<u32>,
);
type WaterParts = (Vec<PreparedWater>, RTree<ChunkEntry>);

impl Index {
    fn schools(ds: &Dataset) -> SchoolParts {
        let schools: Vec<PreparedSchool> = ds.schools.par_iter().map(PreparedSchool::new).collect();
        let school_tree = RTree::bulk_load(
            schools
                .iter()
                .enumerate()
                .map(|(i, s)| BoxEntry::new(rect(s.bbox), i as u32))
                .collect(),
        );
        let school_order = hilbert_order(&schools);
        (schools, school_tree, school_order)
    }

    fn venues(ds: &Dataset) -> VenueParts {
        // The venues with a footprint (few), then the door points in venue order (collected straight
        // into place: a venue with a footprint leaves a placeholder, removed after when there are any).
        let areas: Vec<u32> = ds
            .venues
            .par_iter()
            .with_min_len(1 << 12)
            .enumerate()
            .filter_map(|(i, v)| matches!(v.footprint, Footprint::Area(_)).then_some(i as u32))
            .collect();
        let mut points: Vec<StripPoint> = ds
            .venues
            .par_iter()
            .with_min_len(1 << 12)
            .enumerate()
            .map(|(i, v)| match &v.footprint {
                Footprint::Door(p) => StripPoint {
                    lon: p.x(),
                    lat: p.y(),
                    venue: i as u32,
                    category: v.category,
                },
                Footprint::Area(_) => StripPoint {
                    lon: 0.0,
                    lat: 0.0,
                    venue: u32::MAX,
                    category: v.category,
                },
            })
            .collect();
        if !areas.is_empty() {
            points.retain(|p| p.venue != u32::MAX);
        }
        let footprints: Vec<PreparedFootprint> = areas
            .par_iter()
            .map(|&i| {
                let v = &ds.venues[i as usize];
                let Footprint::Area(mp) = &v.footprint else {
                    unreachable!("partitioned as a footprint")
                };
                PreparedFootprint {
                    venue: i,
                    category: v.category,
                    shape: PreparedPaths::from_polygons(mp),
                }
            })
            .collect();
        let mut footprint_of = vec![u32::MAX; ds.venues.len()];
        for (k, &i) in areas.iter().enumerate() {
            footprint_of[i as usize] = k as u32;
        }
        let venue_points = PointStrips::build(points);
        let venue_areas = RTree::bulk_load(
            footprints
                .iter()
                .enumerate()
                .map(|(i, f)| BoxEntry::new(rect(f.shape.bbox), i as u32))
                .collect(),
        );
        (venue_points, venue_areas, footprints, footprint_of)
    }

    fn water(ds: &Dataset) -> WaterParts {
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
        (water, water_tree)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geodesy::karney;
    use rstar::Envelope;

    /// The strip query returns exactly the points a brute-force box test returns, including points on the
    /// box's edges, strip boundaries and runs longer than a directory block.
    #[test]
    fn strips_equal_brute_force() {
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed >> 11) as f64 / (1u64 << 53) as f64
        };
        let mut pts = Vec::new();
        for i in 0..5000u32 {
            // Clustered in a few places, some on exact multiples of the strip height.
            let (cx, cy) = [(112.40, 33.50), (112.41, 33.503), (112.45, 33.52)][i as usize % 3];
            let lat = if i % 17 == 0 {
                33.5 + (i % 40) as f64 * PointStrips::STRIP_DEG
            } else {
                cy + next() * 0.01
            };
            pts.push(StripPoint {
                lon: cx + next() * 0.01,
                lat,
                venue: i,
                category: Category::ALL[i as usize % Category::ALL.len()],
            });
        }
        // Duplicate longitudes within a strip.
        pts.push(StripPoint {
            lon: pts[5].lon,
            lat: pts[5].lat,
            venue: 5000,
            category: Category::Ktv,
        });
        let strips = PointStrips::build(pts.clone());
        assert_eq!(strips.len(), pts.len());
        for q in 0..300 {
            let (x, y) = (112.395 + next() * 0.06, 33.495 + next() * 0.03);
            let (w, h) = (next() * 0.01, next() * 0.01);
            let env = AABB::from_corners([x, y], [x + w, y + h]);
            let mut got = Vec::new();
            strips.for_each_in(&env, |p| got.push(p.venue));
            got.sort_unstable();
            let mut want: Vec<u32> = pts
                .iter()
                .filter(|p| env.contains_point(&[p.lon, p.lat]))
                .map(|p| p.venue)
                .collect();
            want.sort_unstable();
            assert_eq!(got, want, "query {q}");
        }
        // A box whose edges pass exactly through a point.
        let p = pts[34];
        let env = AABB::from_corners([p.lon, p.lat], [p.lon, p.lat]);
        let mut got = Vec::new();
        strips.for_each_in(&env, |q| got.push(q.venue));
        assert!(got.contains(&34), "{got:?}");
        // Nothing outside the extent.
        let far = AABB::from_corners([0.0, 0.0], [1.0, 1.0]);
        strips.for_each_in(&far, |_| panic!("no point is near (0, 0)"));
        assert_layout(&pts, &strips);
    }

    /// The layout of the strips built from `pts`, `built` and again on pools of 1 to 16 threads: strip by
    /// strip, then by longitude and venue (a plain sort; the scatter splits the strips among threads).
    fn assert_layout(pts: &[StripPoint], built: &PointStrips) {
        let lat0 = pts.iter().map(|p| p.lat).fold(f64::INFINITY, f64::min);
        let strip_of = |p: &StripPoint| ((p.lat - lat0) / PointStrips::STRIP_DEG) as usize;
        let mut want = pts.to_vec();
        want.sort_by(|a, b| {
            strip_of(a)
                .cmp(&strip_of(b))
                .then(a.lon.total_cmp(&b.lon))
                .then(a.venue.cmp(&b.venue))
        });
        let column = |f: fn(&StripPoint) -> f64| want.iter().map(f).collect::<Vec<_>>();
        assert_eq!(
            built.venues,
            want.iter().map(|p| p.venue).collect::<Vec<_>>()
        );
        assert_eq!(built.lons, column(|p| p.lon));
        assert_eq!(built.lats, column(|p| p.lat));
        assert_eq!(
            built.categories,
            want.iter().map(|p| p.category).collect::<Vec<_>>()
        );
        assert_eq!(built.starts.len(), strip_of(&want[want.len() - 1]) + 2);
        for threads in [1, 2, 3, 5, 8, 16] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let again = pool.install(|| PointStrips::build(pts.to_vec()));
            assert!(again == *built, "{threads} threads");
        }
    }

    /// Enough points that the parallel passes of the build (bounds, keys, columns) split into several
    /// pieces: the same layout as a plain sort by (strip, lon, venue), on any number of threads.
    #[test]
    fn strips_layout_is_the_same_on_any_number_of_threads() {
        let mut rng = crate::gen::rng::Rng::new(2026);
        let pts: Vec<StripPoint> = (0..60_000u32)
            .map(|i| StripPoint {
                lon: 112.3 + rng.range(0.0, 0.2),
                // Half of them crowded into a few strips.
                lat: if i % 2 == 0 {
                    33.5 + rng.range(0.0, 0.003)
                } else {
                    33.4 + rng.range(0.0, 0.2)
                },
                venue: i,
                category: Category::ALL[i as usize % Category::ALL.len()],
            })
            .collect();
        assert_layout(&pts, &PointStrips::build(pts.clone()));
    }

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
