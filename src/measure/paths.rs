//! Features measured to: venue footprints and water bodies, as rings or polylines in lon/lat.

use geo_types::{MultiLineString, MultiPolygon};

use super::area::bbox_of;
use super::segment::nearest_on_segment;
use super::{densify, Candidates, Foot, LonLat, Measured};
use crate::geodesy::LocalFrame;

/// A feature's shape prepared for measurement: densified rings (an area, holes honoured) or polylines.
#[derive(Debug, Clone)]
pub struct PreparedPaths {
    /// Closed rings when `area`, else open polylines; lon/lat degrees.
    pub paths: Vec<Vec<LonLat>>,
    pub area: bool,
    /// [min_lon, min_lat, max_lon, max_lat].
    pub bbox: [f64; 4],
}

impl PreparedPaths {
    pub fn from_polygons(mp: &MultiPolygon<f64>) -> Self {
        let mut paths = Vec::new();
        for poly in &mp.0 {
            for ring in std::iter::once(poly.exterior()).chain(poly.interiors()) {
                let mut pts: Vec<LonLat> = ring.0.iter().map(|c| (c.x, c.y)).collect();
                if pts.is_empty() {
                    continue;
                }
                if pts.first() != pts.last() {
                    pts.push(pts[0]);
                }
                paths.push(densify(&pts));
            }
        }
        let bbox = bbox_of(paths.iter().flatten());
        PreparedPaths {
            paths,
            area: true,
            bbox,
        }
    }

    pub fn from_lines(ml: &MultiLineString<f64>) -> Self {
        let paths: Vec<Vec<LonLat>> =
            ml.0.iter()
                .filter(|l| !l.0.is_empty())
                .map(|l| densify(&l.0.iter().map(|c| (c.x, c.y)).collect::<Vec<_>>()))
                .collect();
        let bbox = bbox_of(paths.iter().flatten());
        PreparedPaths {
            paths,
            area: false,
            bbox,
        }
    }

    /// Is the point inside the area (never, for lines)?
    pub fn contains(&self, p: LonLat) -> bool {
        if !self.area {
            return false;
        }
        // Even–odd in lon/lat degrees: an affine image of any local frame, so the same answer.
        let mut inside = false;
        let q = [p.0, p.1];
        for ring in &self.paths {
            for w in ring.windows(2) {
                if super::segment::ray_crosses(q, [w[0].0, w[0].1], [w[1].0, w[1].1]) {
                    inside = !inside;
                }
            }
        }
        inside
    }

    /// Splits the paths into runs of at most `max_segments` segments (sharing end vertices), for indexing
    /// long rivers and large lakes piecewise. Returns (path index, start, end) with `end` inclusive.
    pub fn chunks(&self, max_segments: usize) -> Vec<(usize, usize, usize)> {
        let step = max_segments.max(1);
        let mut out = Vec::new();
        for (i, p) in self.paths.iter().enumerate() {
            if p.len() <= 1 {
                out.push((i, 0, 0));
                continue;
            }
            let mut s = 0;
            while s < p.len() - 1 {
                let e = (s + step).min(p.len() - 1);
                out.push((i, s, e));
                s = e;
            }
        }
        out
    }

    /// The slice of one chunk.
    pub fn chunk(&self, c: (usize, usize, usize)) -> &[LonLat] {
        &self.paths[c.0][c.1..=c.2]
    }
}

/// Distance from a point (a gate, a point-only school) to paths; `inside` says the point lies within
/// the other shape's area (then the distance is 0).
pub fn point_to_paths<'a>(
    p: LonLat,
    paths: impl Iterator<Item = &'a [LonLat]>,
    inside: bool,
    reach_m: f64,
) -> Measured {
    if inside {
        return Measured::touching(p);
    }
    let frame = LocalFrame::new(p.0, p.1);
    let mut cands = Candidates::new(frame.relative_error_bound(reach_m));
    let origin = [0.0, 0.0];
    for path in paths {
        let local: Vec<[f64; 2]> = path
            .iter()
            .map(|&(x, y)| {
                let (lx, ly) = frame.to_local(x, y);
                [lx, ly]
            })
            .collect();
        if local.len() == 1 {
            let v = local[0];
            cands.offer(v[0] * v[0] + v[1] * v[1], origin, v, None);
        }
        for w in local.windows(2) {
            let (n, d2, t) = nearest_on_segment(origin, w[0], w[1]);
            cands.offer(
                d2,
                origin,
                n,
                Some(Foot {
                    a: w[0],
                    b: w[1],
                    t,
                    is_from: false,
                }),
            );
        }
    }
    match cands.resolve(&frame) {
        Some(m) => Measured { from: p, ..m },
        None => Measured {
            metres: f64::INFINITY,
            from: p,
            to: p,
        },
    }
}
