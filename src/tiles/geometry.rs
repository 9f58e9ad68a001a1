//! Geometry in a tile's coordinates: projection from lon/lat, clipping to the tile plus its buffer,
//! simplification (Ramer–Douglas–Peucker, geo's `Simplify`, with a tolerance in tile units) and rounding
//! to integers.
//!
//! Polygon rings come out open (the closing point is implied, as MVT's ClosePath has it), with at least
//! three distinct points and a non-zero area; their orientation is left as projected and is set by the
//! encoder ([`super::mvt`]), which makes exterior rings clockwise on screen.

use geo::Simplify;
use geo_types::{LineString, Polygon};

use super::{TileId, BUFFER, EXTENT};

/// A point in tile units (x right, y down).
pub type TilePoint = [i32; 2];

/// A feature's geometry in tile units.
#[derive(Debug, Clone, PartialEq)]
pub enum TileGeometry {
    /// One or more points.
    Points(Vec<TilePoint>),
    /// One or more lines, each of at least two points with no two consecutive points equal.
    Lines(Vec<Vec<TilePoint>>),
    /// One or more polygons, each a list of open rings: the exterior first, then its holes.
    Polygons(Vec<Vec<Vec<TilePoint>>>),
}

/// Twice the signed area of an open ring by the surveyor's formula, in tile units (y down): positive for
/// a ring that runs clockwise on screen, which MVT calls an exterior ring.
///
/// ```
/// use perimeter::tiles::geometry::ring_area2;
/// // Screen-clockwise (x right, y down): (0,0) → (10,0) → (10,10) → (0,10).
/// assert_eq!(ring_area2(&[[0, 0], [10, 0], [10, 10], [0, 10]]), 200);
/// assert_eq!(ring_area2(&[[0, 0], [0, 10], [10, 10], [10, 0]]), -200);
/// ```
pub fn ring_area2(ring: &[TilePoint]) -> i64 {
    let n = ring.len();
    let mut sum = 0i64;
    for i in 0..n {
        let [x0, y0] = ring[i];
        let [x1, y1] = ring[(i + 1) % n];
        sum += i64::from(x0) * i64::from(y1) - i64::from(x1) * i64::from(y0);
    }
    sum
}

/// Projects, clips, simplifies and rounds geometry into one tile.
#[derive(Debug, Clone, Copy)]
pub struct Projector {
    pub tile: TileId,
    /// Simplification tolerance in tile units (0: none).
    pub tolerance: f64,
    lo: f64,
    hi: f64,
}

type P = (f64, f64);

impl Projector {
    /// A projector for `tile`, clipping to the tile grown by [`BUFFER`] units, simplifying with
    /// `tolerance` tile units.
    pub fn new(tile: TileId, tolerance: f64) -> Self {
        Projector {
            tile,
            tolerance,
            lo: -f64::from(BUFFER),
            hi: f64::from(EXTENT + BUFFER),
        }
    }

    /// A lon/lat point in tile units, not rounded.
    #[inline]
    pub fn project(&self, lon: f64, lat: f64) -> P {
        self.tile.to_tile(lon, lat)
    }

    /// The larger side, in tile units, of a lon/lat box `[west, south, east, north]`.
    pub fn size_units(&self, bbox: [f64; 4]) -> f64 {
        let a = self.project(bbox[0], bbox[3]);
        let b = self.project(bbox[2], bbox[1]);
        (b.0 - a.0).abs().max((b.1 - a.1).abs())
    }

    fn inside(&self, p: P) -> bool {
        p.0 >= self.lo && p.0 <= self.hi && p.1 >= self.lo && p.1 <= self.hi
    }

    /// A point, when it falls in the tile or its buffer.
    pub fn point(&self, lon: f64, lat: f64) -> Option<TileGeometry> {
        let p = self.project(lon, lat);
        self.inside(p).then(|| TileGeometry::Points(vec![round(p)]))
    }

    /// A single segment a → b (lon/lat), clipped to the buffered tile; `None` when nothing of it is in the
    /// tile or it is shorter than one unit once rounded.
    pub fn segment(&self, a: (f64, f64), b: (f64, f64)) -> Option<TileGeometry> {
        let (pa, pb) = (self.project(a.0, a.1), self.project(b.0, b.1));
        let (p, q, _, _) = clip_segment(pa, pb, self.lo, self.hi)?;
        let (p, q) = (round(p), round(q));
        (p != q).then(|| TileGeometry::Lines(vec![vec![p, q]]))
    }

    /// Lines (each a lon/lat `LineString`), clipped to the buffered tile; `None` when nothing is left.
    pub fn lines<'a>(
        &self,
        lines: impl IntoIterator<Item = &'a LineString<f64>>,
    ) -> Option<TileGeometry> {
        let mut out = Vec::new();
        for line in lines {
            let pts: Vec<P> = line.0.iter().map(|c| self.project(c.x, c.y)).collect();
            for part in clip_line(&pts, self.lo, self.hi) {
                let part = self.simplify(part, false);
                let r = dedup(part.iter().map(|&p| round(p)));
                if r.len() >= 2 {
                    out.push(r);
                }
            }
        }
        (!out.is_empty()).then_some(TileGeometry::Lines(out))
    }

    /// Polygons (lon/lat, holes honoured), clipped to the buffered tile; rings that vanish at this zoom
    /// (fewer than three distinct points, or no area) are dropped, and so is a polygon whose exterior
    /// vanishes. `None` when nothing is left.
    pub fn polygons<'a>(
        &self,
        polygons: impl IntoIterator<Item = &'a Polygon<f64>>,
    ) -> Option<TileGeometry> {
        let mut out = Vec::new();
        for poly in polygons {
            let Some(exterior) = self.ring(poly.exterior()) else {
                continue;
            };
            let mut rings = vec![exterior];
            rings.extend(poly.interiors().iter().filter_map(|r| self.ring(r)));
            out.push(rings);
        }
        (!out.is_empty()).then_some(TileGeometry::Polygons(out))
    }

    fn ring(&self, ring: &LineString<f64>) -> Option<Vec<TilePoint>> {
        let mut pts: Vec<P> = ring.0.iter().map(|c| self.project(c.x, c.y)).collect();
        if pts.len() > 1 && pts.first() == pts.last() {
            pts.pop();
        }
        let clipped = clip_ring(pts, self.lo, self.hi);
        if clipped.len() < 3 {
            return None;
        }
        let simplified = self.simplify(clipped, true);
        let mut r = dedup(simplified.iter().map(|&p| round(p)));
        if r.len() > 1 && r.first() == r.last() {
            r.pop();
        }
        (r.len() >= 3 && ring_area2(&r) != 0).then_some(r)
    }

    /// Ramer–Douglas–Peucker with the projector's tolerance; a ring is closed for the purpose and opened
    /// again.
    fn simplify(&self, mut pts: Vec<P>, ring: bool) -> Vec<P> {
        if self.tolerance <= 0.0 || pts.len() < 3 {
            return pts;
        }
        if ring {
            pts.push(pts[0]);
        }
        let ls: LineString<f64> = pts.into_iter().collect();
        let mut out: Vec<P> = ls
            .simplify(self.tolerance)
            .0
            .into_iter()
            .map(|c| (c.x, c.y))
            .collect();
        if ring {
            out.pop();
        }
        out
    }
}

#[inline]
fn round(p: P) -> TilePoint {
    [p.0.round() as i32, p.1.round() as i32]
}

fn dedup(pts: impl Iterator<Item = TilePoint>) -> Vec<TilePoint> {
    let mut out: Vec<TilePoint> = Vec::new();
    for p in pts {
        if out.last() != Some(&p) {
            out.push(p);
        }
    }
    out
}

/// Clips a polyline to the square `lo..=hi` (Liang–Barsky per segment), splitting it where it leaves and
/// re-enters.
pub(crate) fn clip_line(pts: &[P], lo: f64, hi: f64) -> Vec<Vec<P>> {
    let mut parts = Vec::new();
    let mut cur: Vec<P> = Vec::new();
    for w in pts.windows(2) {
        match clip_segment(w[0], w[1], lo, hi) {
            Some((p, q, start_moved, end_moved)) => {
                if cur.is_empty() || start_moved {
                    if !cur.is_empty() {
                        parts.push(std::mem::take(&mut cur));
                    }
                    cur.push(p);
                }
                cur.push(q);
                if end_moved {
                    parts.push(std::mem::take(&mut cur));
                }
            }
            None => {
                if !cur.is_empty() {
                    parts.push(std::mem::take(&mut cur));
                }
            }
        }
    }
    if !cur.is_empty() {
        parts.push(cur);
    }
    parts.retain(|p| p.len() >= 2);
    parts
}

/// Liang–Barsky: the part of segment a→b inside the square, and whether each end was moved.
fn clip_segment(a: P, b: P, lo: f64, hi: f64) -> Option<(P, P, bool, bool)> {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let mut t0 = 0.0f64;
    let mut t1 = 1.0f64;
    for (p, q) in [
        (-dx, a.0 - lo),
        (dx, hi - a.0),
        (-dy, a.1 - lo),
        (dy, hi - a.1),
    ] {
        if p == 0.0 {
            if q < 0.0 {
                return None;
            }
        } else {
            let r = q / p;
            if p < 0.0 {
                if r > t1 {
                    return None;
                }
                t0 = t0.max(r);
            } else {
                if r < t0 {
                    return None;
                }
                t1 = t1.min(r);
            }
        }
    }
    let at = |t: f64| (a.0 + t * dx, a.1 + t * dy);
    let p = if t0 > 0.0 { at(t0) } else { a };
    let q = if t1 < 1.0 { at(t1) } else { b };
    Some((p, q, t0 > 0.0, t1 < 1.0))
}

/// Clips an open ring to the square `lo..=hi` (Sutherland–Hodgman). The result may run along the square's
/// edges where the ring left it; it is empty when the ring lies wholly outside.
pub(crate) fn clip_ring(ring: Vec<P>, lo: f64, hi: f64) -> Vec<P> {
    let (mut minx, mut miny, mut maxx, mut maxy) = (
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    );
    for &(x, y) in &ring {
        minx = minx.min(x);
        miny = miny.min(y);
        maxx = maxx.max(x);
        maxy = maxy.max(y);
    }
    if minx >= lo && maxx <= hi && miny >= lo && maxy <= hi {
        return ring;
    }
    if maxx < lo || minx > hi || maxy < lo || miny > hi {
        return Vec::new();
    }
    let mut out = ring;
    // Each pass keeps one half-plane: x ≥ lo, x ≤ hi, y ≥ lo, y ≤ hi.
    for edge in 0..4 {
        let input = std::mem::take(&mut out);
        let Some(&last) = input.last() else {
            break;
        };
        let keep = |p: P| match edge {
            0 => p.0 >= lo,
            1 => p.0 <= hi,
            2 => p.1 >= lo,
            _ => p.1 <= hi,
        };
        let cross = |a: P, b: P| {
            let t = match edge {
                0 => (lo - a.0) / (b.0 - a.0),
                1 => (hi - a.0) / (b.0 - a.0),
                2 => (lo - a.1) / (b.1 - a.1),
                _ => (hi - a.1) / (b.1 - a.1),
            };
            let mut p = (a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1));
            // Put the crossing exactly on the edge (t's rounding may leave it a hair outside).
            match edge {
                0 => p.0 = lo,
                1 => p.0 = hi,
                2 => p.1 = lo,
                _ => p.1 = hi,
            }
            p
        };
        let mut prev = last;
        for &cur in &input {
            match (keep(prev), keep(cur)) {
                (true, true) => out.push(cur),
                (true, false) => out.push(cross(prev, cur)),
                (false, true) => {
                    out.push(cross(prev, cur));
                    out.push(cur);
                }
                (false, false) => {}
            }
            prev = cur;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_clip_to_the_square() {
        // A horizontal line from x = −100 to 200 at y = 50 through the square 0..=100: kept from 0 to 100.
        let parts = clip_line(&[(-100.0, 50.0), (200.0, 50.0)], 0.0, 100.0);
        assert_eq!(parts, vec![vec![(0.0, 50.0), (100.0, 50.0)]]);
        // A line that leaves and comes back is split in two.
        let parts = clip_line(
            &[(10.0, 10.0), (10.0, 150.0), (20.0, 150.0), (20.0, 10.0)],
            0.0,
            100.0,
        );
        assert_eq!(
            parts,
            vec![
                vec![(10.0, 10.0), (10.0, 100.0)],
                vec![(20.0, 100.0), (20.0, 10.0)]
            ]
        );
        // Wholly outside.
        assert!(clip_line(&[(-10.0, -10.0), (-5.0, 200.0)], 0.0, 100.0).is_empty());
    }

    #[test]
    fn rings_clip_to_the_square() {
        // A square 50..150 clipped to 0..100 is the square 50..100; by hand through the passes
        // (x ≤ 100, then y ≤ 100) it starts where the last pass re-enters, at (50, 100).
        let ring = vec![(50.0, 50.0), (150.0, 50.0), (150.0, 150.0), (50.0, 150.0)];
        let mut out = clip_ring(ring, 0.0, 100.0);
        out.dedup();
        assert_eq!(
            out,
            vec![(50.0, 100.0), (50.0, 50.0), (100.0, 50.0), (100.0, 100.0)]
        );
        // A ring enclosing the square becomes the square's outline.
        let big = vec![
            (-10.0, -10.0),
            (110.0, -10.0),
            (110.0, 110.0),
            (-10.0, 110.0),
        ];
        let out = clip_ring(big, 0.0, 100.0);
        let r: Vec<TilePoint> = dedup(out.into_iter().map(round));
        assert_eq!(ring_area2(&r).abs(), 2 * 100 * 100);
    }

    #[test]
    fn segments() {
        // z1 tile (1, 1) is the south-east quarter: lon 0 → x 0, lon 90 → x 2048, lat 0 → y 0.
        let proj = Projector::new(TileId::new(1, 1, 1).unwrap(), 0.0);
        assert_eq!(
            proj.segment((0.0, 0.0), (90.0, 0.0)),
            Some(TileGeometry::Lines(vec![vec![[0, 0], [2048, 0]]]))
        );
        // From lon −90 (x −2048) it is clipped at the buffer's edge, x = −64.
        assert_eq!(
            proj.segment((-90.0, 0.0), (90.0, 0.0)),
            Some(TileGeometry::Lines(vec![vec![[-64, 0], [2048, 0]]]))
        );
        // Shorter than a unit: nothing; wholly outside: nothing.
        assert_eq!(proj.segment((10.0, -10.0), (10.000001, -10.0)), None);
        assert_eq!(proj.segment((-90.0, 10.0), (-80.0, 10.0)), None);
    }

    #[test]
    fn polygons_round_and_drop_what_vanishes() {
        let t = TileId::new(0, 0, 0).unwrap();
        let proj = Projector::new(t, 0.0);
        // A polygon much smaller than one unit at z0 has no area once rounded.
        let tiny = Polygon::new(
            LineString::from(vec![
                (112.0, 33.0),
                (112.0001, 33.0),
                (112.0001, 33.0001),
                (112.0, 33.0),
            ]),
            vec![],
        );
        assert_eq!(proj.polygons([&tiny]), None);
        // Half the world: lon −180…0, lat ±60 → x 0…2048, y from 2048∓(asinh(tan 60°)/2π)·4096.
        let half = Polygon::new(
            LineString::from(vec![
                (-180.0, -60.0),
                (0.0, -60.0),
                (0.0, 60.0),
                (-180.0, 60.0),
                (-180.0, -60.0),
            ]),
            vec![],
        );
        let y_north = (2048.0
            - (60f64.to_radians().tan().asinh() / (2.0 * std::f64::consts::PI)) * 4096.0)
            .round() as i32;
        let y_south = 4096 - y_north;
        assert_eq!(
            proj.polygons([&half]),
            Some(TileGeometry::Polygons(vec![vec![vec![
                [0, y_south],
                [2048, y_south],
                [2048, y_north],
                [0, y_north]
            ]]]))
        );
    }
}
