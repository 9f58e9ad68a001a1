//! Campus shapes (built in local metres, then placed in lon/lat) and gates on their boundaries.

use geo_types::{Coord, LineString, MultiPolygon, Point, Polygon};

use super::rng::Rng;
use super::round7;
use crate::geodesy::LocalFrame;
use crate::model::Gate;

/// Shortest and longest campus side generated, metres; inside the published 60–250 m with a margin
/// for the metric frame and the 1 cm rounding.
pub const SIDE_MIN_M: f64 = 62.0;
pub const SIDE_MAX_M: f64 = 245.0;

/// A ring in local metres, counter-clockwise, not closed.
pub type LocalRing = Vec<(f64, f64)>;

/// A rectangle `w` × `h` metres centred on (cx, cy), rotated by `angle` radians; counter-clockwise.
pub fn rectangle(w: f64, h: f64, angle: f64, (cx, cy): (f64, f64)) -> LocalRing {
    let (s, c) = angle.sin_cos();
    [(-0.5, -0.5), (0.5, -0.5), (0.5, 0.5), (-0.5, 0.5)]
        .iter()
        .map(|&(u, v)| {
            let (x, y) = (u * w, v * h);
            (cx + x * c - y * s, cy + x * s + y * c)
        })
        .collect()
}

fn side_lengths(ring: &[(f64, f64)]) -> impl Iterator<Item = f64> + '_ {
    (0..ring.len()).map(move |i| {
        let a = ring[i];
        let b = ring[(i + 1) % ring.len()];
        (b.0 - a.0).hypot(b.1 - a.1)
    })
}

/// An irregular star-shaped polygon of `n` vertices (5–8) whose sides all lie within
/// [`SIDE_MIN_M`, `SIDE_MAX_M`]; counter-clockwise around the origin. Vertices sit at increasing
/// angles around the origin, so the polygon is simple.
pub fn irregular(rng: &mut Rng, n: usize, side_m: f64) -> LocalRing {
    let step = std::f64::consts::TAU / n as f64;
    let radius = side_m / (2.0 * (step / 2.0).sin());
    let rotation = rng.range(0.0, step);
    for _ in 0..40 {
        let ring: LocalRing = (0..n)
            .map(|k| {
                let a = rotation + step * (k as f64 + rng.range(-0.25, 0.25));
                let r = radius * rng.range(0.8, 1.2);
                (r * a.cos(), r * a.sin())
            })
            .collect();
        if side_lengths(&ring).all(|s| (SIDE_MIN_M..=SIDE_MAX_M).contains(&s)) {
            return ring;
        }
    }
    // The regular polygon always fits (side_m is chosen inside the range).
    (0..n)
        .map(|k| {
            let a = rotation + step * k as f64;
            (radius * a.cos(), radius * a.sin())
        })
        .collect()
}

/// A polygon in lon/lat (coordinates rounded to 1e-7°) from rings in the frame's metres. The exterior
/// stays counter-clockwise and holes are made clockwise (RFC 7946).
pub fn place(frame: &LocalFrame, exterior: &[(f64, f64)], holes: &[LocalRing]) -> Polygon<f64> {
    let to_ring = |r: &[(f64, f64)], ccw: bool| {
        let mut pts: Vec<Coord<f64>> = r
            .iter()
            .map(|&(x, y)| {
                let (lon, lat) = frame.to_lon_lat(x, y);
                Coord {
                    x: round7(lon),
                    y: round7(lat),
                }
            })
            .collect();
        if (signed_area(r) > 0.0) != ccw {
            pts.reverse();
        }
        LineString::from(pts)
    };
    Polygon::new(
        to_ring(exterior, true),
        holes.iter().map(|h| to_ring(h, false)).collect(),
    )
}

/// Twice the signed area of a ring (positive when counter-clockwise).
pub fn signed_area(r: &[(f64, f64)]) -> f64 {
    (0..r.len())
        .map(|i| {
            let a = r[i];
            let b = r[(i + 1) % r.len()];
            a.0 * b.1 - b.0 * a.1
        })
        .sum()
}

/// The compass word for the outward direction (dx east, dy north).
fn direction_word(dx: f64, dy: f64) -> &'static str {
    if dy.abs() >= dx.abs() {
        if dy >= 0.0 {
            "北"
        } else {
            "南"
        }
    } else if dx >= 0.0 {
        "东"
    } else {
        "西"
    }
}

/// `count` gates on distinct sides of the campus's exterior rings, named by the direction they face
/// (北门, 东门, 南侧门 …) and numbered `<school_id>-G<k>`. Each gate lies on its side: it is the
/// rounded point a fraction 0.2–0.8 along the side's (rounded) end points.
pub fn gates(
    rng: &mut Rng,
    school_id: &str,
    campus: &MultiPolygon<f64>,
    count: usize,
) -> Vec<Gate> {
    let mut sides: Vec<(Coord<f64>, Coord<f64>)> = campus
        .0
        .iter()
        .flat_map(|p| p.exterior().lines().map(|l| (l.start, l.end)))
        .collect();
    let mut out: Vec<Gate> = Vec::with_capacity(count);
    let mut used_words: Vec<&str> = Vec::new();
    for k in 1..=count.min(sides.len()) {
        let (a, b) = sides.swap_remove(rng.below(sides.len()));
        let t = rng.range(0.2, 0.8);
        let (lon, lat) = (round7(a.x + t * (b.x - a.x)), round7(a.y + t * (b.y - a.y)));
        let frame = LocalFrame::new(lon, lat);
        let (ax, ay) = frame.to_local(a.x, a.y);
        let (bx, by) = frame.to_local(b.x, b.y);
        // Counter-clockwise exterior: the outside is to the right of the direction of travel.
        let word = direction_word(by - ay, -(bx - ax));
        let seen = used_words.iter().filter(|w| **w == word).count();
        used_words.push(word);
        let name = match seen {
            0 => format!("{word}门"),
            1 => format!("{word}侧门"),
            n => format!("{word}侧门{n}"),
        };
        out.push(Gate {
            id: Some(format!("{school_id}-G{k}")),
            name: Some(name),
            point: Point::new(lon, lat),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rectangle_sides_and_orientation() {
        let r = rectangle(100.0, 60.0, 0.3, (5.0, 7.0));
        let sides: Vec<f64> = side_lengths(&r).collect();
        for (got, want) in sides.iter().zip([100.0, 60.0, 100.0, 60.0]) {
            assert!((got - want).abs() < 1e-9, "{got} vs {want}");
        }
        // Twice the area of a 100 × 60 rectangle, counter-clockwise.
        assert!((signed_area(&r) - 12_000.0).abs() < 1e-6);
    }

    #[test]
    fn irregular_sides_in_range() {
        let mut rng = Rng::new(5);
        for n in 5..=8 {
            for _ in 0..200 {
                let side = rng.range(80.0, 170.0);
                let r = irregular(&mut rng, n, side);
                assert_eq!(r.len(), n);
                assert!(signed_area(&r) > 0.0);
                for s in side_lengths(&r) {
                    assert!((SIDE_MIN_M..=SIDE_MAX_M).contains(&s), "{s}");
                }
            }
        }
    }

    #[test]
    fn gate_faces_outward() {
        // A 100 m square centred on the frame origin: a gate on its northern side is a 北门 or 北侧门.
        let frame = LocalFrame::new(112.4, 33.5);
        let ring = rectangle(100.0, 100.0, 0.0, (0.0, 0.0));
        let mp = MultiPolygon(vec![place(&frame, &ring, &[])]);
        let mut rng = Rng::new(1);
        let gs = gates(&mut rng, "S1", &mp, 4);
        assert_eq!(gs.len(), 4);
        let mut words: Vec<String> = gs.iter().filter_map(|g| g.name.clone()).collect();
        words.sort();
        assert_eq!(words, vec!["东门", "北门", "南门", "西门"]);
        for g in &gs {
            let (x, y) = frame.to_local(g.point.x(), g.point.y());
            let want = match g.name.as_deref() {
                Some("北门") => y > 49.9,
                Some("南门") => y < -49.9,
                Some("东门") => x > 49.9,
                _ => x < -49.9,
            };
            assert!(want, "{:?} at ({x}, {y})", g.name);
        }
    }
}
