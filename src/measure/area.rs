//! A campus (or any area) prepared for measurement in its own local frame.

use geo_types::MultiPolygon;

use super::segment::{nearest_on_segment, ray_crosses, segment_intersection};
use super::{densify, Bulge, Candidates, Foot, LonLat, Measured};
use crate::geodesy::LocalFrame;

/// A MultiPolygon (holes honoured) in a local frame centred on its bounding box, with edges densified.
#[derive(Debug, Clone)]
pub struct PreparedArea {
    pub(super) frame: LocalFrame,
    /// Every ring (exteriors and holes), closed, in frame metres.
    rings: Vec<Vec<[f64; 2]>>,
    /// Every edge of every ring, with what the point-distance loop needs precomputed.
    pub(super) edges: Vec<Edge>,
    /// Bounding box in degrees: [min_lon, min_lat, max_lon, max_lat].
    bbox: [f64; 4],
    /// Largest distance (m) of a vertex from the frame origin.
    radius_m: f64,
    /// The area's box in frame metres: [min_x, min_y, max_x, max_y].
    pub(super) frame_box: [f64; 4],
}

/// Areas with at most this many edges are measured by [`PreparedArea::to_point_within`] in two passes
/// over the edges (the nearest, then the edges near it again); larger ones take the one-pass general
/// path.
pub(super) const TWO_PASS_EDGES: usize = 64;

/// A ring edge `a → a + d` with 1/|d|² and dx/dy precomputed (no division in the hot loop).
#[derive(Debug, Clone, Copy)]
pub(super) struct Edge {
    pub(super) a: [f64; 2],
    pub(super) d: [f64; 2],
    pub(super) inv_len2: f64,
    pub(super) dx_per_dy: f64,
    /// The chord-to-geodesic shift (`None` for a zero-length edge).
    bulge: Option<Bulge>,
}

impl Edge {
    fn new(frame: &LocalFrame, a: [f64; 2], b: [f64; 2]) -> Self {
        let d = [b[0] - a[0], b[1] - a[1]];
        let len2 = d[0] * d[0] + d[1] * d[1];
        Edge {
            a,
            d,
            inv_len2: if len2 > 0.0 { 1.0 / len2 } else { 0.0 },
            dx_per_dy: if d[1] != 0.0 { d[0] / d[1] } else { 0.0 },
            // Of the chord as measurements see it: from `a` to `a + d` (not always `b` to the last bit).
            bulge: Bulge::of_chord(frame, a, [a[0] + d[0], a[1] + d[1]]),
        }
    }

    /// The point at parameter `t` of the chord, on the geodesic: what [`super::onto_geodesic`] gives for it.
    #[inline(always)]
    fn on_geodesic(&self, t: f64) -> [f64; 2] {
        let (a, d) = (self.a, self.d);
        let q = [a[0] + t * d[0], a[1] + t * d[1]];
        match self.bulge {
            Some(b) if t > 0.0 && t < 1.0 => b.shift(q, t),
            _ => q,
        }
    }

    /// Does the ray from `q` towards +x cross this edge (half-open in y)? Even–odd containment. (`&`
    /// rather than `&&`: the same answer without a branch, so that loops over points vectorise.)
    #[inline(always)]
    pub(super) fn crossed_by(&self, q: [f64; 2]) -> bool {
        let (a, d) = (self.a, self.d);
        ((a[1] > q[1]) != (a[1] + d[1] > q[1])) & (q[0] - a[0] < (q[1] - a[1]) * self.dx_per_dy)
    }

    /// The squared frame distance from `q` to the edge's chord and the foot's parameter on it.
    #[inline(always)]
    pub(super) fn chord(&self, q: [f64; 2]) -> (f64, f64) {
        let (a, d) = (self.a, self.d);
        let (rx, ry) = (q[0] - a[0], q[1] - a[1]);
        let t = ((rx * d[0] + ry * d[1]) * self.inv_len2).clamp(0.0, 1.0);
        let (ex, ey) = (rx - t * d[0], ry - t * d[1]);
        (ex * ex + ey * ey, t)
    }
}

pub(crate) fn bbox_of<'a>(coords: impl Iterator<Item = &'a LonLat>) -> [f64; 4] {
    let mut b = [
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    ];
    for &(x, y) in coords {
        b[0] = b[0].min(x);
        b[1] = b[1].min(y);
        b[2] = b[2].max(x);
        b[3] = b[3].max(y);
    }
    b
}

/// Even–odd containment of `p` in a set of closed rings.
#[inline]
pub(crate) fn rings_contain(rings: &[Vec<[f64; 2]>], p: [f64; 2]) -> bool {
    let mut inside = false;
    for ring in rings {
        for w in ring.windows(2) {
            if ray_crosses(p, w[0], w[1]) {
                inside = !inside;
            }
        }
    }
    inside
}

/// Squared frame distances up to this may belong to the nearest edge when the smallest is `best2`.
#[inline(always)]
pub(super) fn keep_within(best2: f64, eps: f64) -> f64 {
    best2 * (1.0 + eps) * (1.0 + eps) + 1e-6
}

impl PreparedArea {
    /// Prepares a MultiPolygon given in lon/lat degrees. `None` when it has no ring with an area.
    pub fn new(mp: &MultiPolygon<f64>) -> Option<Self> {
        let mut lonlat_rings: Vec<Vec<LonLat>> = Vec::new();
        for poly in &mp.0 {
            for ring in std::iter::once(poly.exterior()).chain(poly.interiors()) {
                let mut pts: Vec<LonLat> = ring.0.iter().map(|c| (c.x, c.y)).collect();
                if pts.len() < 3 {
                    continue;
                }
                if pts.first() != pts.last() {
                    pts.push(pts[0]);
                }
                lonlat_rings.push(densify(&pts));
            }
        }
        if lonlat_rings.is_empty() {
            return None;
        }
        let bbox = bbox_of(lonlat_rings.iter().flatten());
        let frame = LocalFrame::new(0.5 * (bbox[0] + bbox[2]), 0.5 * (bbox[1] + bbox[3]));
        let mut radius_m: f64 = 0.0;
        let rings: Vec<Vec<[f64; 2]>> = lonlat_rings
            .iter()
            .map(|r| {
                r.iter()
                    .map(|&(x, y)| {
                        let (lx, ly) = frame.to_local(x, y);
                        radius_m = radius_m.max(lx.hypot(ly));
                        [lx, ly]
                    })
                    .collect()
            })
            .collect();
        let edges = rings
            .iter()
            .flat_map(|r| r.windows(2).map(|w| Edge::new(&frame, w[0], w[1])))
            .collect();
        let frame_box = rings.iter().flatten().fold(
            [
                f64::INFINITY,
                f64::INFINITY,
                f64::NEG_INFINITY,
                f64::NEG_INFINITY,
            ],
            |b, &[x, y]| [b[0].min(x), b[1].min(y), b[2].max(x), b[3].max(y)],
        );
        Some(PreparedArea {
            frame,
            rings,
            edges,
            bbox,
            radius_m,
            frame_box,
        })
    }

    pub fn frame(&self) -> &LocalFrame {
        &self.frame
    }

    /// Bounding box in degrees: [min_lon, min_lat, max_lon, max_lat].
    pub fn bbox(&self) -> [f64; 4] {
        self.bbox
    }

    /// The area's box in frame metres.
    fn local_box(&self) -> ([f64; 2], [f64; 2]) {
        let (x0, y0) = self.frame.to_local(self.bbox[0], self.bbox[1]);
        let (x1, y1) = self.frame.to_local(self.bbox[2], self.bbox[3]);
        ([x0, y0], [x1, y1])
    }

    /// The frame's relative error bound for points up to `reach_m` beyond the area.
    fn eps(&self, reach_m: f64) -> f64 {
        self.frame.relative_error_bound(self.radius_m + reach_m)
    }

    /// Is the point inside the area (not in a hole)? Points exactly on an edge may go either way; their
    /// distance is 0 regardless.
    pub fn contains(&self, p: LonLat) -> bool {
        let (x, y) = self.frame.to_local(p.0, p.1);
        rings_contain(&self.rings, [x, y])
    }

    /// Distance from the area to a point: 0 inside, else to the nearest point of any ring (holes included).
    ///
    /// `reach_m` is how far from the area the point may be; it sizes the refinement band (any value at
    /// least the true distance is safe; larger values only cost time).
    pub fn to_point(&self, p: LonLat, reach_m: f64) -> Measured {
        let q = self.frame.to_local(p.0, p.1);
        let q = [q.0, q.1];
        let mut inside = false;
        let mut cands = Candidates::new(self.eps(reach_m));
        for e in &self.edges {
            if e.crossed_by(q) {
                inside = !inside;
            }
            let (d2, t) = e.chord(q);
            if cands.wants(d2) {
                let (a, d) = (e.a, e.d);
                let b = [a[0] + d[0], a[1] + d[1]];
                let n = [a[0] + t * d[0], a[1] + t * d[1]];
                cands.offer(
                    d2,
                    n,
                    q,
                    Some(Foot {
                        a,
                        b,
                        t,
                        is_from: true,
                    }),
                );
            }
        }
        if inside {
            return Measured::touching(p);
        }
        let m = cands
            .resolve(&self.frame)
            .unwrap_or_else(|| Measured::touching(p));
        // Report the feature end exactly as given.
        Measured { to: p, ..m }
    }

    /// Distance from the area to a point when it may be within `limit_m`; `None` when it is certainly
    /// farther. Equal to [`Self::to_point`] whenever it returns a value (the scan's hot path: a box test
    /// first, then one pass over the edges for the nearest chord, and a second re-measuring only the edges
    /// within the frame's error bound of it).
    pub fn to_point_within(&self, p: LonLat, limit_m: f64) -> Option<Measured> {
        if self.edges.len() > TWO_PASS_EDGES {
            let m = self.to_point(p, limit_m + 1.0);
            return (m.metres <= limit_m).then_some(m);
        }
        let q = self.frame.to_local(p.0, p.1);
        let q = [q.0, q.1];
        let (eps, bound2) = self.within_bounds(limit_m);
        if self.box_excludes(q, bound2) {
            return None;
        }
        let mut best = f64::INFINITY;
        let mut inside = false;
        for e in &self.edges {
            if e.crossed_by(q) {
                inside = !inside;
            }
            best = best.min(e.chord(q).0);
        }
        if inside {
            return Some(Measured::touching(p));
        }
        if best > bound2 {
            return None;
        }
        let keep = keep_within(best, eps);
        let near = self
            .edges
            .iter()
            .enumerate()
            .filter(|(_, e)| e.chord(q).0 <= keep)
            .fold(0u64, |near, (k, _)| near | 1 << k);
        self.nearest_of(near, q, p).filter(|m| m.metres <= limit_m)
    }

    /// The frame's relative error bound for [`Self::to_point_within`] and the squared frame distance
    /// beyond which a point is certainly farther than `limit_m`. Frame distances understate ground
    /// distances by at most the relative `eps`; the chord of an edge lies within a few millimetres of its
    /// geodesic (edges ≤ MAX_EDGE_M).
    #[inline]
    pub(super) fn within_bounds(&self, limit_m: f64) -> (f64, f64) {
        let eps = self.eps(limit_m + 1.0);
        let bound = limit_m * (1.0 + eps) + 0.01;
        (eps, bound * bound)
    }

    /// Is the frame point `q` farther than `sqrt(bound2)` from the area's box?
    #[inline(always)]
    fn box_excludes(&self, q: [f64; 2], bound2: f64) -> bool {
        let b = &self.frame_box;
        let bx = (b[0] - q[0]).max(q[0] - b[2]).max(0.0);
        let by = (b[1] - q[1]).max(q[1] - b[3]).max(0.0);
        bx * bx + by * by > bound2
    }

    /// The exact measurement to `p` (`q` in the frame) from the edges marked in `near` (bit k: edge k;
    /// at most [`TWO_PASS_EDGES`] edges), the first on ties: each marked edge's chord foot moved onto
    /// the geodesic and measured, only the winner's turned back into lon/lat.
    pub(super) fn nearest_of(&self, mut near: u64, q: [f64; 2], p: LonLat) -> Option<Measured> {
        let mut out: Option<(f64, [f64; 2])> = None;
        while near != 0 {
            let e = &self.edges[near.trailing_zeros() as usize];
            near &= near - 1;
            let f = e.on_geodesic(e.chord(q).1);
            let metres = self.frame.distance_m(f, q);
            if out.is_none_or(|(best, _)| metres < best) {
                out = Some((metres, f));
            }
        }
        out.map(|(metres, f)| Measured {
            metres,
            from: self.frame.to_lon_lat(f[0], f[1]),
            to: p,
        })
    }

    /// Distance from the area to a set of paths (rings of an area, or polylines), given in lon/lat.
    /// `other_contains` tells whether a lon/lat point lies inside the other shape (always false for lines).
    pub fn to_paths<'a>(
        &self,
        paths: impl Iterator<Item = &'a [LonLat]> + Clone,
        other_contains: &dyn Fn(LonLat) -> bool,
        reach_m: f64,
    ) -> Measured {
        let local: Vec<Vec<[f64; 2]>> = paths
            .map(|p| {
                p.iter()
                    .map(|&(x, y)| {
                        let (lx, ly) = self.frame.to_local(x, y);
                        [lx, ly]
                    })
                    .collect()
            })
            .collect();
        // 1. A vertex of the other shape inside this area.
        for path in &local {
            if let Some(&v) = path.first() {
                if rings_contain(&self.rings, v) {
                    let at = self.frame.to_lon_lat(v[0], v[1]);
                    return Measured::touching(at);
                }
            }
        }
        // 2. This area inside the other shape.
        for ring in &self.rings {
            if let Some(&v) = ring.first() {
                let at = self.frame.to_lon_lat(v[0], v[1]);
                if other_contains(at) {
                    return Measured::touching(at);
                }
            }
        }
        // 3. Crossing edges (only edges that reach into the area's box can cross it).
        let (lo, hi) = self.local_box();
        for path in &local {
            for e in path.windows(2) {
                if e[0][0].max(e[1][0]) < lo[0]
                    || e[0][0].min(e[1][0]) > hi[0]
                    || e[0][1].max(e[1][1]) < lo[1]
                    || e[0][1].min(e[1][1]) > hi[1]
                {
                    continue;
                }
                for ring in &self.rings {
                    for w in ring.windows(2) {
                        if let Some(x) = segment_intersection(w[0], w[1], e[0], e[1]) {
                            return Measured::touching(self.frame.to_lon_lat(x[0], x[1]));
                        }
                    }
                }
            }
        }
        // 4. Nearest points: other's vertices to our edges, our vertices to other's edges.
        let mut cands = Candidates::new(self.eps(reach_m));
        for path in &local {
            for &v in path {
                for ring in &self.rings {
                    for w in ring.windows(2) {
                        let (n, d2, t) = nearest_on_segment(v, w[0], w[1]);
                        cands.offer(
                            d2,
                            n,
                            v,
                            Some(Foot {
                                a: w[0],
                                b: w[1],
                                t,
                                is_from: true,
                            }),
                        );
                    }
                }
            }
            for e in path.windows(2) {
                if e[0][0].max(e[1][0]) < lo[0] - reach_m
                    || e[0][0].min(e[1][0]) > hi[0] + reach_m
                    || e[0][1].max(e[1][1]) < lo[1] - reach_m
                    || e[0][1].min(e[1][1]) > hi[1] + reach_m
                {
                    continue;
                }
                for ring in &self.rings {
                    for &v in ring {
                        let (n, d2, t) = nearest_on_segment(v, e[0], e[1]);
                        cands.offer(
                            d2,
                            v,
                            n,
                            Some(Foot {
                                a: e[0],
                                b: e[1],
                                t,
                                is_from: false,
                            }),
                        );
                    }
                }
            }
        }
        if cands.is_empty() {
            let c = self.frame.to_lon_lat(0.0, 0.0);
            return Measured {
                metres: f64::INFINITY,
                from: c,
                to: c,
            };
        }
        cands
            .resolve(&self.frame)
            .expect("candidates are not empty")
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::geodesy::karney;
    use geo_types::{polygon, MultiPolygon};

    /// An L-shaped campus (400 m × 220–440 m) with a triangular hole: 12 edges, concave, one corner
    /// convex towards the south-east.
    pub(in crate::measure) fn l_shaped_campus() -> geo_types::Polygon<f64> {
        let mut poly = geo_types::Polygon::new(
            geo_types::LineString::from(vec![
                (112.400, 33.500),
                (112.404, 33.500),
                (112.404, 33.502),
                (112.402, 33.502),
                (112.402, 33.504),
                (112.400, 33.504),
                (112.400, 33.500),
            ]),
            vec![],
        );
        poly.interiors_push(vec![
            (112.4005, 33.5005),
            (112.4015, 33.5005),
            (112.4015, 33.5015),
            (112.4005, 33.5005),
        ]);
        poly
    }

    fn square(lon: f64, lat: f64, d: f64) -> MultiPolygon<f64> {
        MultiPolygon(vec![polygon![
            (x: lon, y: lat), (x: lon + d, y: lat), (x: lon + d, y: lat + d), (x: lon, y: lat + d), (x: lon, y: lat)
        ]])
    }

    #[test]
    fn point_due_east_of_an_edge_matches_karney() {
        let a = PreparedArea::new(&square(112.4, 33.5, 0.001)).unwrap();
        // A point due east of the middle of the east edge: the nearest boundary point is on that edge at
        // (nearly) the same latitude.
        let p = (112.4 + 0.001 + 0.002, 33.5005);
        let m = a.to_point(p, 300.0);
        let truth = karney::distance_m(m.from, p);
        assert!((m.metres - truth).abs() < 1e-6, "{} vs {truth}", m.metres);
        assert!((m.from.0 - 112.401).abs() < 1e-12);
        // The measured distance is the true minimum: points along the edge are all farther.
        for k in 0..=100 {
            let q = (112.401, 33.5 + 0.001 * k as f64 / 100.0);
            assert!(karney::distance_m(q, p) >= m.metres - 1e-6);
        }
    }

    #[test]
    fn inside_is_zero_and_holes_are_outside() {
        let outer = square(112.4, 33.5, 0.004);
        let mut poly = outer.0[0].clone();
        poly.interiors_push(vec![
            (112.401, 33.501),
            (112.403, 33.501),
            (112.403, 33.503),
            (112.401, 33.503),
            (112.401, 33.501),
        ]);
        let a = PreparedArea::new(&MultiPolygon(vec![poly])).unwrap();
        assert_eq!(a.to_point((112.4005, 33.5005), 300.0).metres, 0.0);
        // The centre of the hole is 0.001° from each hole edge: its distance is to the hole ring.
        let m = a.to_point((112.402, 33.502), 300.0);
        assert!(m.metres > 90.0 && m.metres < 112.0, "{}", m.metres);
        assert!(!a.contains((112.402, 33.502)));
        assert!(a.contains((112.4005, 33.5005)));
    }

    /// The scan's fast path returns exactly what the general path returns, and `None` only beyond the
    /// limit: points on a grid around an L-shaped campus with a hole, many within a few cm of 200 m.
    #[test]
    fn to_point_within_equals_to_point() {
        let a = PreparedArea::new(&MultiPolygon(vec![l_shaped_campus()])).unwrap();
        let (mut within, mut beyond, mut near) = (0, 0, 0);
        for i in 0..120 {
            for j in 0..120 {
                let p = (112.397 + i as f64 * 0.0001, 33.497 + j as f64 * 0.0001);
                let full = a.to_point(p, 201.0);
                match a.to_point_within(p, 200.0) {
                    Some(m) => {
                        assert_eq!(m, full, "{p:?}");
                        assert!(m.metres <= 200.0);
                        within += 1;
                    }
                    None => {
                        assert!(full.metres > 200.0, "{p:?}: {}", full.metres);
                        beyond += 1;
                    }
                }
                if (full.metres - 200.0).abs() < 5.0 {
                    near += 1;
                }
            }
        }
        assert!(
            within > 1000 && beyond > 1000 && near > 50,
            "{within} {beyond} {near}"
        );
        // At the limit: a point 200 m south-east of the convex south-east corner (Karney) measures 200 m
        // to a tenth of a millimetre; 1 mm inside is within, 5 cm beyond is not.
        let corner = (112.404, 33.500);
        let p = karney::destination(corner, 135.0, 200.0);
        assert!((a.to_point(p, 201.0).metres - 200.0).abs() < 1e-4);
        let p = karney::destination(corner, 135.0, 199.999);
        let m = a.to_point_within(p, 200.0).expect("199.999 m is within");
        assert!((m.metres - 199.999).abs() < 1e-4, "{}", m.metres);
        assert_eq!(m.from, corner);
        let p = karney::destination(corner, 135.0, 200.05);
        assert_eq!(a.to_point_within(p, 200.0), None);
        let p = karney::destination(corner, 135.0, 199.95);
        assert!(a.to_point_within(p, 200.0).is_some());
    }
}
