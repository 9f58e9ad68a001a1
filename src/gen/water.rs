//! Water bodies: ponds and pits near villages, reservoirs and lakes in the countryside, long river
//! ribbons (polygons several km long, 20–80 m wide, along a meandering centreline), and streams and
//! canals as lines. None crosses a campus.

use geo::BoundingRect;
#[cfg(test)]
use geo_types::Polygon;
use geo_types::{Coord, LineString, MultiLineString, MultiPolygon};

use super::campus::{self, LocalRing};
use super::grid::{grow, point_box, Grid};
use super::names;
use super::rng::{cumulative, Rng};
use super::towns::{self, Town};
use super::{round7, Extent};
use crate::geodesy::LocalFrame;
use crate::model::{School, Site, WaterBody, WaterGeom, WaterKind};

/// What is generated, and its share.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Body {
    Pond,
    Pit,
    Reservoir,
    Lake,
    River,
    Stream,
    Canal,
}

const SHARES: [(Body, f64); 7] = [
    (Body::Pond, 0.45),
    (Body::Pit, 0.15),
    (Body::Reservoir, 0.05),
    (Body::Lake, 0.02),
    (Body::River, 0.15),
    (Body::Stream, 0.10),
    (Body::Canal, 0.08),
];

/// Share of ponds and pits placed close to a school (as village ponds next to village schools are).
pub const NEAR_SCHOOL_SHARE: f64 = 0.35;

/// A point 60–400 m from the middle of school `s`'s campus (or its point), in a random direction.
fn near(rng: &mut Rng, s: &School) -> (f64, f64) {
    let (c, reach) = match &s.site {
        Site::Area(mp) => match mp.bounding_rect() {
            Some(b) => {
                let c = b.center();
                let frame = LocalFrame::new(c.x, c.y);
                let (x, y) = frame.to_local(b.max().x, b.max().y);
                ((c.x, c.y), x.hypot(y))
            }
            // Unreachable for generated campuses; a point outside every extent makes the caller retry.
            None => return (0.0, 0.0),
        },
        Site::Point(p) => ((p.x(), p.y()), 0.0),
    };
    let d = reach + rng.range(60.0, 400.0);
    let a = rng.range(0.0, std::f64::consts::TAU);
    LocalFrame::new(c.0, c.1).to_lon_lat(d * a.cos(), d * a.sin())
}

/// A closed blob: `n` (drawn from `vertices`) vertices at increasing angles, radius `r` metres (drawn
/// from `radius_m`) jittered by ±`jitter` of itself.
fn blob(rng: &mut Rng, vertices: (usize, usize), radius_m: (f64, f64), jitter: f64) -> LocalRing {
    let n = rng.int(vertices.0, vertices.1);
    let r = rng.range(radius_m.0, radius_m.1);
    let step = std::f64::consts::TAU / n as f64;
    let rot = rng.range(0.0, step);
    (0..n)
        .map(|k| {
            let a = rot + step * (k as f64 + rng.range(-0.3, 0.3));
            let rr = r * rng.range(1.0 - jitter, 1.0 + jitter);
            (rr * a.cos(), rr * a.sin())
        })
        .collect()
}

/// A meandering centreline in local metres: `len_m` long, vertices every `step_m`, heading kept within
/// ±1.1 rad of a base direction (so it never turns back on itself) and turning at most `amp`·2π·step/λ
/// per step (radius of curvature ≥ a few hundred metres, far above half a river's width).
fn centreline(rng: &mut Rng, len_range_m: (f64, f64), step_m: f64, amp: f64) -> Vec<(f64, f64)> {
    let len_m = rng.range(len_range_m.0, len_range_m.1);
    let base = rng.range(0.0, std::f64::consts::TAU);
    let wavelength = rng.range(1_500.0, 4_000.0);
    let phase = rng.range(0.0, std::f64::consts::TAU);
    let n = (len_m / step_m).ceil() as usize;
    let mut drift = 0.0f64;
    let mut p = (0.0, 0.0);
    let mut out = Vec::with_capacity(n + 1);
    out.push(p);
    for i in 0..n {
        let s = i as f64 * step_m;
        drift = (drift + rng.range(-0.02, 0.02)).clamp(-0.3, 0.3);
        let h = base
            + (amp * (std::f64::consts::TAU * s / wavelength + phase).sin() + drift)
                .clamp(-1.1, 1.1);
        p = (p.0 + step_m * h.cos(), p.1 + step_m * h.sin());
        out.push(p);
    }
    out
}

/// The ribbon around a centreline, `width_m` wide: left side forward, right side back.
fn ribbon(line: &[(f64, f64)], width_m: f64) -> LocalRing {
    let half = width_m / 2.0;
    let n = line.len();
    let normal = |i: usize| {
        let a = line[i.saturating_sub(1)];
        let b = line[(i + 1).min(n - 1)];
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let len = dx.hypot(dy).max(1e-9);
        (-dy / len, dx / len)
    };
    let mut left = Vec::with_capacity(n);
    let mut right = Vec::with_capacity(n);
    for (i, &(x, y)) in line.iter().enumerate() {
        let (nx, ny) = normal(i);
        left.push((x + nx * half, y + ny * half));
        right.push((x - nx * half, y - ny * half));
    }
    right.reverse();
    left.extend(right);
    left
}

fn to_line(frame: &LocalFrame, line: &[(f64, f64)]) -> LineString<f64> {
    LineString::from(
        line.iter()
            .map(|&(x, y)| {
                let (lon, lat) = frame.to_lon_lat(x, y);
                Coord {
                    x: round7(lon),
                    y: round7(lat),
                }
            })
            .collect::<Vec<_>>(),
    )
}

/// True when every vertex is inside the extent and clear of campuses by `margin_m` metres.
fn clear(
    extent: &Extent,
    campuses: &Grid,
    coords: impl Iterator<Item = Coord<f64>>,
    margin_m: f64,
) -> bool {
    coords.into_iter().all(|c| {
        towns::inside(extent, (c.x, c.y)) && !campuses.overlaps(&point_box(c.x, c.y, margin_m))
    })
}

/// Generates `n` water bodies, none on a campus.
pub fn generate(
    rng: &mut Rng,
    extent: Extent,
    towns: &[Town],
    schools: &[School],
    campuses: &Grid,
    n: usize,
) -> Vec<WaterBody> {
    let shares = cumulative(SHARES.iter().map(|s| s.1));
    let by_size = towns::weights(towns, 1.0);
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let body = SHARES[rng.weighted(&shares).unwrap_or(0)].0;
        let mut attempt = 0;
        let geom = loop {
            attempt += 1;
            let town = &towns[rng.weighted(&by_size).unwrap_or(0)];
            let near_village = rng.chance(0.6);
            let near_school = rng.chance(NEAR_SCHOOL_SHARE) && !schools.is_empty();
            let centre = match body {
                Body::Pond | Body::Pit if near_school => {
                    let s = &schools[rng.below(schools.len())];
                    near(rng, s)
                }
                Body::Pond | Body::Pit if near_village => {
                    let r = rng.range(0.3 * town.radius_m, town.radius_m + 3_000.0);
                    let a = rng.range(0.0, std::f64::consts::TAU);
                    town.at(r * a.cos(), r * a.sin())
                }
                Body::Reservoir | Body::Lake => {
                    let r = town.radius_m + rng.range(3_000.0, 12_000.0);
                    let a = rng.range(0.0, std::f64::consts::TAU);
                    town.at(r * a.cos(), r * a.sin())
                }
                Body::River | Body::Stream if near_village => town.village_point(rng),
                _ => (
                    rng.range(extent.min_lon, extent.max_lon),
                    rng.range(extent.min_lat, extent.max_lat),
                ),
            };
            let frame = LocalFrame::new(centre.0, centre.1);
            let geom = match body {
                Body::Pond => {
                    let ring = blob(rng, (6, 12), (15.0, 60.0), 0.25);
                    WaterGeom::Area(MultiPolygon(vec![campus::place(&frame, &ring, &[])]))
                }
                Body::Pit => {
                    let ring = blob(rng, (5, 8), (10.0, 35.0), 0.3);
                    WaterGeom::Area(MultiPolygon(vec![campus::place(&frame, &ring, &[])]))
                }
                Body::Reservoir => {
                    let ring = blob(rng, (16, 32), (300.0, 1_500.0), 0.3);
                    WaterGeom::Area(MultiPolygon(vec![campus::place(&frame, &ring, &[])]))
                }
                Body::Lake => {
                    let ring = blob(rng, (12, 24), (200.0, 600.0), 0.2);
                    WaterGeom::Area(MultiPolygon(vec![campus::place(&frame, &ring, &[])]))
                }
                Body::River => {
                    let line = centreline(rng, (3_000.0, 12_000.0), 100.0, 0.6);
                    let ring = ribbon(&line, rng.range(20.0, 80.0));
                    WaterGeom::Area(MultiPolygon(vec![campus::place(&frame, &ring, &[])]))
                }
                Body::Stream => {
                    let line = centreline(rng, (2_000.0, 8_000.0), 100.0, 0.7);
                    WaterGeom::Line(MultiLineString(vec![to_line(&frame, &line)]))
                }
                Body::Canal => {
                    let line = centreline(rng, (3_000.0, 10_000.0), 100.0, 0.1);
                    WaterGeom::Line(MultiLineString(vec![to_line(&frame, &line)]))
                }
            };
            let ok = match &geom {
                WaterGeom::Area(mp) => {
                    // Small bodies: their box must be clear; long ribbons: every vertex (with half the
                    // width as margin) must be.
                    let small =
                        matches!(body, Body::Pond | Body::Pit | Body::Reservoir | Body::Lake);
                    if small {
                        mp.bounding_rect().is_some_and(|b| {
                            towns::inside(&extent, (b.min().x, b.min().y))
                                && towns::inside(&extent, (b.max().x, b.max().y))
                                && !campuses.overlaps(&grow(b, 10.0))
                        })
                    } else {
                        mp.0.iter()
                            .all(|p| clear(&extent, campuses, p.exterior().coords().copied(), 50.0))
                    }
                }
                WaterGeom::Line(ml) => {
                    ml.0.iter()
                        .all(|l| clear(&extent, campuses, l.coords().copied(), 60.0))
                }
            };
            if ok || attempt >= 500 {
                break geom;
            }
        };
        let (kind, line) = match body {
            Body::Pond => (WaterKind::Pond, false),
            Body::Pit => (WaterKind::Pit, false),
            Body::Reservoir => (WaterKind::Reservoir, false),
            Body::Lake => (WaterKind::Lake, false),
            Body::River => (WaterKind::River, false),
            Body::Stream => (WaterKind::River, true),
            Body::Canal => (WaterKind::Canal, true),
        };
        out.push(WaterBody {
            id: format!("W{:05}", i + 1),
            name: names::water(rng, kind, line),
            kind,
            geom,
        });
    }
    out
}

/// The polygon of a ribbon, for tests: exposed so that validity can be checked on many samples.
#[cfg(test)]
fn sample_ribbon(seed: u64) -> Polygon<f64> {
    let mut rng = Rng::new(seed);
    let line = centreline(&mut rng, (3_000.0, 12_000.0), 100.0, 0.6);
    let ring = ribbon(&line, rng.range(20.0, 80.0));
    campus::place(&LocalFrame::new(112.4, 33.5), &ring, &[])
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::Validation;

    #[test]
    fn ribbons_are_valid_and_long() {
        for seed in 0..200 {
            let p = sample_ribbon(seed);
            assert!(p.is_valid(), "seed {seed}: {:?}", p.validation_errors());
            let ext = p.exterior();
            let first = ext.0[0];
            let last_left = ext.0[ext.0.len() / 2 - 1];
            let d =
                crate::geodesy::karney::distance_m((first.x, first.y), (last_left.x, last_left.y));
            // Heading within ±1.1 rad of the base: the centreline's ends are at least
            // cos(1.1)·3 km = 1 360 m apart, less at most 80 m for the offsets to the left bank.
            assert!(d > 1_280.0, "seed {seed}: {d}");
        }
    }
}
