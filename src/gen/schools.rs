//! Schools: kinds in realistic proportion, clustered in towns (village schools around them), campus
//! polygons that never overlap, gates, names that imply the kind.

use std::collections::{HashMap, HashSet};

use geo::BoundingRect;
use geo_types::{MultiPolygon, Point, Polygon, Rect};

use super::campus::{self, LocalRing, SIDE_MAX_M, SIDE_MIN_M};
use super::grid::{grow, point_box, Grid};
use super::names;
use super::rng::Rng;
use super::towns::{self, County, Town};
use super::{round7, Extent};
use crate::geodesy::LocalFrame;
use crate::model::{School, SchoolKind, Site};

/// Share of each kind among generated schools (kindergartens and primary schools most).
pub const KIND_SHARES: [(SchoolKind, f64); 10] = [
    (SchoolKind::Kindergarten, 0.30),
    (SchoolKind::Primary, 0.39),
    (SchoolKind::Junior, 0.11),
    (SchoolKind::Senior, 0.03),
    (SchoolKind::NineYear, 0.07),
    (SchoolKind::CompleteSecondary, 0.03),
    (SchoolKind::Vocational, 0.02),
    (SchoolKind::Special, 0.01),
    (SchoolKind::Other, 0.02),
    (SchoolKind::NotCovered, 0.02),
];

/// Cell size of the campus grid, degrees (about 500 m).
const CELL_DEG: f64 = 0.005;

/// Spread of schools around a town centre, as a fraction of the town's radius.
const SCHOOL_SPREAD: f64 = 0.5;

/// Share of schools known only as a point.
pub const POINT_SHARE: f64 = 0.05;
/// Share of campuses made of two parts (两个校区).
pub const MULTI_SHARE: f64 = 0.03;
/// Share of campuses with an inner courtyard that is not campus (a hole).
pub const HOLE_SHARE: f64 = 0.05;
/// Share of irregular 5–8-gon campuses.
pub const IRREGULAR_SHARE: f64 = 0.15;

/// The generated schools, the town each belongs to, and their campus boxes.
pub struct Placed {
    pub schools: Vec<School>,
    pub town_of: Vec<usize>,
    pub grid: Grid,
}

/// The number of schools of each kind among `n`: every kind at least once, the rest to primary.
pub fn quotas(n: usize) -> Vec<(SchoolKind, usize)> {
    let mut q: Vec<(SchoolKind, usize)> = KIND_SHARES
        .iter()
        .map(|&(k, s)| (k, ((s * n as f64).floor() as usize).max(1)))
        .collect();
    let total: usize = q.iter().map(|x| x.1).sum();
    if let Some(primary) = q.iter_mut().find(|x| x.0 == SchoolKind::Primary) {
        if total <= n {
            primary.1 += n - total;
        } else {
            primary.1 = primary.1.saturating_sub(total - n);
        }
    }
    q
}

/// Long-side range (metres) of a campus by kind.
fn side_range(kind: SchoolKind) -> (f64, f64) {
    match kind {
        SchoolKind::Kindergarten => (SIDE_MIN_M, 120.0),
        SchoolKind::Primary => (80.0, 200.0),
        SchoolKind::Special => (SIDE_MIN_M, 140.0),
        SchoolKind::Senior | SchoolKind::Vocational => (150.0, SIDE_MAX_M),
        SchoolKind::NotCovered => (80.0, SIDE_MAX_M),
        _ => (110.0, SIDE_MAX_M),
    }
}

fn pupils(rng: &mut Rng, kind: SchoolKind, small: bool) -> u32 {
    let (lo, hi) = match kind {
        SchoolKind::Kindergarten => (60, 450),
        SchoolKind::Primary => (150, 2200),
        SchoolKind::Junior => (400, 2600),
        SchoolKind::Senior => (900, 4200),
        SchoolKind::NineYear => (300, 2000),
        SchoolKind::CompleteSecondary => (800, 3500),
        SchoolKind::Vocational => (500, 3000),
        SchoolKind::Special => (40, 200),
        SchoolKind::Other => (200, 1500),
        SchoolKind::NotCovered => (50, 800),
    };
    let p = rng.int(lo, hi) as f64;
    (if small { p * 0.4 } else { p }).round() as u32
}

/// Which shape a campus gets.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Shape {
    Point,
    Multi,
    Hole,
    Irregular,
    Rectangle,
}

fn shape_for(rng: &mut Rng, kind: SchoolKind) -> Shape {
    let x = rng.f64();
    let mut acc = POINT_SHARE;
    if x < acc {
        return Shape::Point;
    }
    acc += MULTI_SHARE;
    if x < acc {
        return if kind == SchoolKind::Kindergarten {
            Shape::Rectangle
        } else {
            Shape::Multi
        };
    }
    acc += HOLE_SHARE;
    if x < acc {
        return Shape::Hole;
    }
    acc += IRREGULAR_SHARE;
    if x < acc {
        return Shape::Irregular;
    }
    Shape::Rectangle
}

fn rect_ring(rng: &mut Rng, lo: f64, hi: f64, centre: (f64, f64), angle: f64) -> LocalRing {
    let long = rng.range(lo, hi);
    let short = (long * rng.range(0.55, 1.0)).max(SIDE_MIN_M);
    campus::rectangle(long, short, angle, centre)
}

/// The campus of one school in lon/lat around `centre`.
fn build_site(rng: &mut Rng, shape: Shape, kind: SchoolKind, centre: (f64, f64)) -> Site {
    let frame = LocalFrame::new(centre.0, centre.1);
    let (lo, hi) = side_range(kind);
    let angle = rng.range(0.0, std::f64::consts::PI);
    let polygons: Vec<Polygon<f64>> = match shape {
        Shape::Point => return Site::Point(Point::new(round7(centre.0), round7(centre.1))),
        Shape::Rectangle => vec![campus::place(
            &frame,
            &rect_ring(rng, lo, hi, (0.0, 0.0), angle),
            &[],
        )],
        Shape::Irregular => {
            let n = rng.int(5, 8);
            let side = rng.range(lo.max(70.0), hi.min(170.0));
            vec![campus::place(&frame, &campus::irregular(rng, n, side), &[])]
        }
        Shape::Hole => {
            let long = rng.range(190.0, SIDE_MAX_M);
            let short = rng.range(170.0, long);
            let outer = campus::rectangle(long, short, angle, (0.0, 0.0));
            let hw = rng.range(SIDE_MIN_M, long - 100.0);
            let hh = rng.range(SIDE_MIN_M, short - 100.0);
            // Offset the courtyard within the campus, keeping at least 45 m of campus around it.
            let ox = rng.range(-1.0, 1.0) * ((long - hw) / 2.0 - 45.0);
            let oy = rng.range(-1.0, 1.0) * ((short - hh) / 2.0 - 45.0);
            let (s, c) = angle.sin_cos();
            let hole = campus::rectangle(hw, hh, angle, (ox * c - oy * s, ox * s + oy * c));
            vec![campus::place(&frame, &outer, &[hole])]
        }
        Shape::Multi => {
            let a = rect_ring(rng, lo, hi, (0.0, 0.0), angle);
            let d = rng.range(300.0, 600.0);
            let phi = rng.range(0.0, std::f64::consts::TAU);
            let b = rect_ring(
                rng,
                SIDE_MIN_M.max(lo * 0.7),
                hi * 0.8,
                (d * phi.cos(), d * phi.sin()),
                angle,
            );
            vec![
                campus::place(&frame, &a, &[]),
                campus::place(&frame, &b, &[]),
            ]
        }
    };
    Site::Area(MultiPolygon(polygons))
}

/// The boxes a site occupies.
fn boxes(site: &Site) -> Vec<Rect<f64>> {
    match site {
        Site::Point(p) => vec![point_box(p.x(), p.y(), 30.0)],
        Site::Area(mp) => mp.0.iter().filter_map(|p| p.bounding_rect()).collect(),
    }
}

fn within(extent: &Extent, r: &Rect<f64>) -> bool {
    towns::inside(extent, (r.min().x, r.min().y)) && towns::inside(extent, (r.max().x, r.max().y))
}

/// Generates `n` schools over the towns.
pub fn generate(
    rng: &mut Rng,
    extent: Extent,
    counties: &[County],
    towns: &[Town],
    n: usize,
) -> Placed {
    let mut kinds: Vec<SchoolKind> = quotas(n)
        .into_iter()
        .flat_map(|(k, c)| std::iter::repeat_n(k, c))
        .collect();
    for i in (1..kinds.len()).rev() {
        let j = rng.below(i + 1);
        kinds.swap(i, j);
    }
    let by_size = towns::weights(towns, 1.0);
    let by_rank = towns::weights(towns, 2.0);
    let mut grid = Grid::new(extent, CELL_DEG);
    let mut schools = Vec::with_capacity(n);
    let mut town_of = Vec::with_capacity(n);
    let mut town_ordinal: HashMap<(usize, SchoolKind), usize> = HashMap::new();
    let mut county_ordinal: HashMap<(usize, SchoolKind), usize> = HashMap::new();
    let mut used_names: HashSet<String> = HashSet::with_capacity(n);

    for (i, &kind) in kinds.iter().enumerate() {
        let seat_kind = matches!(
            kind,
            SchoolKind::Senior
                | SchoolKind::Vocational
                | SchoolKind::Special
                | SchoolKind::NotCovered
                | SchoolKind::CompleteSecondary
        );
        let rural_p = match kind {
            SchoolKind::Kindergarten => 0.35,
            SchoolKind::Primary => 0.45,
            SchoolKind::NineYear => 0.5,
            SchoolKind::Junior => 0.15,
            SchoolKind::Other => 0.1,
            _ => 0.0,
        };
        let shape = shape_for(rng, kind);
        let mut rural = rng.chance(rural_p);
        let mut t = rng
            .weighted(if seat_kind { &by_rank } else { &by_size })
            .unwrap_or(0);
        let mut attempt = 0;
        let site = loop {
            attempt += 1;
            if attempt == 60 {
                // A crowded town: move to the countryside of another one.
                rural = true;
            }
            if attempt >= 60 {
                t = rng.weighted(&by_size).unwrap_or(0);
            }
            let town = &towns[t];
            let centre = if rural {
                town.village_point(rng)
            } else {
                town.core_point(rng, SCHOOL_SPREAD)
            };
            let site = build_site(rng, shape, kind, centre);
            let bx = boxes(&site);
            let free = bx
                .iter()
                .all(|b| within(&extent, b) && !grid.overlaps(&grow(*b, 15.0)));
            if free || attempt >= 400 {
                break site;
            }
        };
        for (part, b) in boxes(&site).into_iter().enumerate() {
            grid.insert(i as u32, part as u16, b);
        }
        let town = &towns[t];
        let county = &counties[town.county.min(counties.len().saturating_sub(1))];
        let village = rural.then(|| names::village(rng));
        let name = loop {
            let o = town_ordinal.entry((t, kind)).or_insert(0);
            *o += 1;
            let o = *o;
            let co = county_ordinal.entry((town.county, kind)).or_insert(0);
            *co += 1;
            let co = *co;
            let candidates = names::school_candidates(
                rng,
                kind,
                &county.name,
                &town.name,
                village.as_deref(),
                o,
                co,
            );
            if let Some(free) = candidates.into_iter().find(|c| !used_names.contains(c)) {
                break free;
            }
        };
        used_names.insert(name.clone());
        let id = format!("S{:05}", i + 1);
        let gates = match &site {
            Site::Area(mp) => {
                let x = rng.f64();
                let count = if x < 0.08 {
                    0
                } else if x < 0.53 {
                    1
                } else if x < 0.88 {
                    2
                } else {
                    3
                };
                campus::gates(rng, &id, mp, count)
            }
            Site::Point(_) => Vec::new(),
        };
        let small = rural || matches!(site, Site::Point(_));
        schools.push(School {
            id,
            name,
            kind,
            township: Some(town.name.clone()),
            site,
            gates,
            pupils: Some(pupils(rng, kind, small)),
        });
        town_of.push(t);
    }
    Placed {
        schools,
        town_of,
        grid,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotas_add_up() {
        // 300 schools: floor(0.30·300) = 90 kindergartens, … special floor(3) = 3; primary takes the rest.
        let q = quotas(300);
        let get = |k| q.iter().find(|x| x.0 == k).map(|x| x.1).unwrap();
        assert_eq!(q.iter().map(|x| x.1).sum::<usize>(), 300);
        assert_eq!(get(SchoolKind::Kindergarten), 90);
        assert_eq!(get(SchoolKind::Special), 3);
        assert_eq!(get(SchoolKind::NotCovered), 6);
        assert_eq!(get(SchoolKind::Primary), 117);
        // Tiny counts still give every kind once.
        let q = quotas(12);
        assert!(q.iter().all(|x| x.1 >= 1));
        assert_eq!(q.iter().map(|x| x.1).sum::<usize>(), 12);
    }
}
