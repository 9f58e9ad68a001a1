//! Planar primitives in a local metric frame.

/// The point of segment `a`–`b` nearest to `p`, its squared distance, and its parameter t ∈ [0, 1].
#[inline]
pub(crate) fn nearest_on_segment(p: [f64; 2], a: [f64; 2], b: [f64; 2]) -> ([f64; 2], f64, f64) {
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 {
        (((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let q = [a[0] + t * dx, a[1] + t * dy];
    let (ex, ey) = (p[0] - q[0], p[1] - q[1]);
    (q, ex * ex + ey * ey, t)
}

/// Squared distance from `p` to segment `a`–`b` (no nearest point).
#[inline]
pub(crate) fn dist2_to_segment(p: [f64; 2], a: [f64; 2], b: [f64; 2]) -> f64 {
    nearest_on_segment(p, a, b).1
}

/// Does the horizontal ray from `p` to +x cross edge `a`–`b`? (Even–odd rule, half-open in y.)
#[inline]
pub(crate) fn ray_crosses(p: [f64; 2], a: [f64; 2], b: [f64; 2]) -> bool {
    if (a[1] > p[1]) != (b[1] > p[1]) {
        let x = a[0] + (p[1] - a[1]) * (b[0] - a[0]) / (b[1] - a[1]);
        p[0] < x
    } else {
        false
    }
}

fn orient(a: [f64; 2], b: [f64; 2], c: [f64; 2]) -> f64 {
    (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
}

/// The intersection point of segments `p1`–`p2` and `q1`–`q2`, if they cross or touch.
pub(crate) fn segment_intersection(
    p1: [f64; 2],
    p2: [f64; 2],
    q1: [f64; 2],
    q2: [f64; 2],
) -> Option<[f64; 2]> {
    let d1 = orient(q1, q2, p1);
    let d2 = orient(q1, q2, p2);
    let d3 = orient(p1, p2, q1);
    let d4 = orient(p1, p2, q2);
    if ((d1 > 0.0 && d2 < 0.0) || (d1 < 0.0 && d2 > 0.0))
        && ((d3 > 0.0 && d4 < 0.0) || (d3 < 0.0 && d4 > 0.0))
    {
        let t = d1 / (d1 - d2);
        return Some([p1[0] + t * (p2[0] - p1[0]), p1[1] + t * (p2[1] - p1[1])]);
    }
    // Touching or collinear cases: an endpoint on the other segment.
    for (p, a, b) in [(p1, q1, q2), (p2, q1, q2), (q1, p1, p2), (q2, p1, p2)] {
        if dist2_to_segment(p, a, b) == 0.0 {
            return Some(p);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_point_cases() {
        // Perpendicular foot inside the segment.
        let (q, d2, t) = nearest_on_segment([1.0, 2.0], [0.0, 0.0], [4.0, 0.0]);
        assert_eq!((q, d2, t), ([1.0, 0.0], 4.0, 0.25));
        // Beyond the end: the endpoint.
        let (q, d2, t) = nearest_on_segment([7.0, 4.0], [0.0, 0.0], [4.0, 0.0]);
        assert_eq!((q, d2, t), ([4.0, 0.0], 25.0, 1.0));
        // Degenerate segment.
        let (q, d2, t) = nearest_on_segment([3.0, 4.0], [0.0, 0.0], [0.0, 0.0]);
        assert_eq!((q, d2, t), ([0.0, 0.0], 25.0, 0.0));
    }

    #[test]
    fn crossings() {
        assert_eq!(
            segment_intersection([0.0, 0.0], [2.0, 2.0], [0.0, 2.0], [2.0, 0.0]),
            Some([1.0, 1.0])
        );
        assert_eq!(
            segment_intersection([0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]),
            None
        );
        // T-junction: an endpoint on the other segment.
        assert_eq!(
            segment_intersection([1.0, 0.0], [1.0, 1.0], [0.0, 0.0], [2.0, 0.0]),
            Some([1.0, 0.0])
        );
        assert!(ray_crosses([0.0, 0.5], [1.0, 0.0], [1.0, 1.0]));
        assert!(!ray_crosses([2.0, 0.5], [1.0, 0.0], [1.0, 1.0]));
    }
}
