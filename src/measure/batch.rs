//! Many points measured against one area at once: the scan's hot path.
//!
//! [`PreparedArea::to_points_within`] answers exactly what [`PreparedArea::to_point_within`] answers for
//! each point, but runs its two passes over the edges with the points in the inner loop (columns of
//! frame coordinates, no branches), so that the compiler keeps several points in one vector register.
//! The first pass finds each point's containment and nearest chord; the second marks, in one bit per
//! edge, the edges within the frame's error bound of it; only those are then measured exactly, point by
//! point.

use super::area::{keep_within, Edge, TWO_PASS_EDGES};
use super::{LonLat, Measured, PreparedArea};

/// Column buffers reused from call to call (one per thread).
#[derive(Debug, Default)]
pub struct PointBatch {
    /// Frame coordinates of the points.
    qx: Vec<f64>,
    qy: Vec<f64>,
    /// Smallest squared chord distance so far.
    best: Vec<f64>,
    /// The second pass's bound from `best`.
    keep: Vec<f64>,
    /// Parity of the ray crossings (odd: inside).
    inside: Vec<u64>,
    /// Bit k set: edge k is within the error bound of the nearest.
    near: Vec<u64>,
}

/// The first pass over one edge: crossing parity and nearest squared chord distance of every point.
/// `FIRST`: this is the first edge, whose answers start the columns (no reset of the buffers before).
#[inline(always)]
fn first_pass<const FIRST: bool>(
    e: &Edge,
    qx: &[f64],
    qy: &[f64],
    best: &mut [f64],
    inside: &mut [u64],
) {
    for (((&x, &y), b), ins) in qx.iter().zip(qy).zip(best).zip(inside) {
        let q = [x, y];
        let crossed = e.crossed_by(q) as u64;
        let d2 = e.chord(q).0;
        if FIRST {
            *ins = crossed;
            *b = d2;
        } else {
            *ins ^= crossed;
            // `f64::min` without its NaN branch (`d2` is never NaN for finite input).
            *b = if d2 < *b { d2 } else { *b };
        }
    }
}

/// The second pass over edge `k`: marks the points for which it is within their bound `keep` (edge 0
/// starts the marks).
#[inline(always)]
fn second_pass(k: usize, e: &Edge, qx: &[f64], qy: &[f64], keep: &[f64], near: &mut [u64]) {
    let earlier = if k == 0 { 0 } else { u64::MAX };
    for (((&x, &y), &kp), n) in qx.iter().zip(qy).zip(keep).zip(near) {
        let d2 = e.chord([x, y]).0;
        let bit = ((d2 <= kp) as u64) << k;
        *n = (*n & earlier) | bit;
    }
}

/// Both passes over every edge (at least one), on buffers sized by the caller: the first edge's
/// answers start every column, so nothing needs resetting.
#[inline(always)]
fn passes(edges: &[Edge], eps: f64, b: &mut PointBatch) {
    let (qx, qy) = (&b.qx[..], &b.qy[..]);
    let Some((first, rest)) = edges.split_first() else {
        return;
    };
    first_pass::<true>(first, qx, qy, &mut b.best, &mut b.inside);
    for e in rest {
        first_pass::<false>(e, qx, qy, &mut b.best, &mut b.inside);
    }
    for (k, &v) in b.keep.iter_mut().zip(&b.best) {
        *k = keep_within(v, eps);
    }
    for (k, e) in edges.iter().enumerate() {
        second_pass(k, e, qx, qy, &b.keep, &mut b.near);
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
/// [`passes`] compiled for AVX2 (four points per instruction instead of two). No fused multiply-add
/// is enabled, so every result has the same bits as the baseline build's.
///
/// # Safety
/// The CPU must support AVX2.
unsafe fn passes_avx2(edges: &[Edge], eps: f64, b: &mut PointBatch) {
    passes(edges, eps, b)
}

fn passes_dispatch(edges: &[Edge], eps: f64, b: &mut PointBatch) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU supports AVX2 (checked just above).
        unsafe { passes_avx2(edges, eps, b) };
        return;
    }
    passes(edges, eps, b)
}

impl PreparedArea {
    /// For every point of `pts`, what [`Self::to_point_within`]`(p, limit_m)` returns, in `out`
    /// (cleared first; `out[i]` belongs to `pts[i]`).
    pub fn to_points_within(
        &self,
        pts: &[LonLat],
        limit_m: f64,
        batch: &mut PointBatch,
        out: &mut Vec<Option<Measured>>,
    ) {
        out.clear();
        if self.edges.len() > TWO_PASS_EDGES || self.edges.is_empty() {
            out.extend(pts.iter().map(|&p| self.to_point_within(p, limit_m)));
            return;
        }
        let (eps, bound2) = self.within_bounds(limit_m);
        let b = batch;
        // No box test first (the one-point path's early exit): a point beyond the bound from the box is
        // beyond it from every edge, and the first pass finds that as well.
        b.qx.clear();
        b.qy.clear();
        for p in pts {
            let (x, y) = self.frame.to_local(p.0, p.1);
            b.qx.push(x);
            b.qy.push(y);
        }
        // Sized, not reset: the first edge's passes write every entry.
        let n = pts.len();
        b.best.resize(n, 0.0);
        b.keep.resize(n, 0.0);
        b.inside.resize(n, 0);
        b.near.resize(n, 0);
        passes_dispatch(&self.edges, eps, b);
        out.resize(n, None);
        for (i, (o, &p)) in out.iter_mut().zip(pts).enumerate() {
            *o = if b.inside[i] & 1 == 1 {
                Some(Measured::touching(p))
            } else if b.best[i] > bound2 {
                None
            } else {
                self.nearest_of(b.near[i], [b.qx[i], b.qy[i]], p)
                    .filter(|m| m.metres <= limit_m)
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geodesy::karney;
    use crate::measure::area::tests::l_shaped_campus;
    use geo_types::{LineString, MultiPolygon, Polygon};

    /// An L-shaped campus with a triangular hole (12 edges), and a 100-gon (beyond the two-pass size).
    fn campuses() -> Vec<PreparedArea> {
        let l = l_shaped_campus();
        let ring: Vec<(f64, f64)> = (0..=100)
            .map(|k| {
                let a = std::f64::consts::TAU * (k % 100) as f64 / 100.0;
                (112.402 + 0.0015 * a.cos(), 33.502 + 0.0012 * a.sin())
            })
            .collect();
        let round = Polygon::new(LineString::from(ring), vec![]);
        [l, round]
            .into_iter()
            .map(|p| PreparedArea::new(&MultiPolygon(vec![p])).unwrap())
            .collect()
    }

    /// The batch answers exactly what the one-point path answers, point by point: a grid around the
    /// campus (inside, in the hole, near and beyond the limit), points within a few millimetres of 200 m
    /// from a corner and from an edge's middle, and the batch buffers reused from call to call.
    #[test]
    fn batch_equals_one_point_at_a_time() {
        let mut pts: Vec<LonLat> = Vec::new();
        for i in 0..90 {
            for j in 0..90 {
                pts.push((112.397 + i as f64 * 0.000133, 33.497 + j as f64 * 0.000133));
            }
        }
        for d in [199.995, 199.999, 200.0, 200.001, 200.005] {
            pts.push(karney::destination((112.404, 33.500), 135.0, d));
            pts.push(karney::destination((112.404, 33.501), 90.0, d));
        }
        let mut batch = PointBatch::default();
        let mut out = Vec::new();
        for a in campuses() {
            let (mut within, mut inside) = (0, 0);
            // Whole, then in pieces of varying length (the buffers shrink and grow).
            let mut start = 0;
            for len in [pts.len(), 1, 0, 37, 500, 4000, usize::MAX] {
                let piece = &pts[start.min(pts.len())..(start.saturating_add(len)).min(pts.len())];
                a.to_points_within(piece, 200.0, &mut batch, &mut out);
                assert_eq!(out.len(), piece.len());
                for (&p, got) in piece.iter().zip(&out) {
                    assert_eq!(*got, a.to_point_within(p, 200.0), "{p:?}");
                    within += got.is_some() as usize;
                    inside += got.is_some_and(|m| m.metres == 0.0) as usize;
                }
                start = if len == pts.len() {
                    0
                } else {
                    start.saturating_add(len)
                };
            }
            assert!(
                within > 3000 && inside > 300,
                "{within} within, {inside} inside"
            );
        }
    }
}
