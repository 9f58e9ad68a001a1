//! Venues: registered businesses clustered in towns, many close to schools (as shops are), a sparse
//! rural background; every category, most of them `other`; door points, a few footprints.

use geo::{BoundingRect, Contains, Intersects};
use geo_types::{MultiPolygon, Point, Polygon};

use super::campus;
use super::names;
use super::rng::{cumulative, Rng};
use super::{round7, Generator};
use crate::geodesy::LocalFrame;
use crate::model::{Category, Footprint, Site, Venue, VenueText};

/// Share of each category (every prohibited one 1–3 %, most venues `other`).
pub const CATEGORY_SHARES: [(Category, f64); 8] = [
    (Category::InternetCafe, 0.015),
    (Category::Ktv, 0.015),
    (Category::GameHall, 0.010),
    (Category::Lottery, 0.025),
    (Category::Tobacco, 0.030),
    (Category::Hazardous, 0.015),
    (Category::Bar, 0.010),
    (Category::Other, 0.880),
];
/// Share of venues placed on purpose near a school (0–400 m from its boundary).
pub const NEAR_SCHOOL_SHARE: f64 = 0.45;
/// Spread of venues around a town centre, as a fraction of the town's radius (tighter than schools).
pub const VENUE_SPREAD: f64 = 0.27;
/// Share of venues in the countryside (villages).
pub const RURAL_SHARE: f64 = 0.09;
/// Share of venues given a footprint polygon instead of a door point.
pub const FOOTPRINT_SHARE: f64 = 0.02;
/// Random stream of the venues.
const STREAM: u64 = 4;

/// Precomputed weights for venue placement.
#[derive(Debug, Clone)]
pub struct VenueWeights {
    categories: Vec<f64>,
    towns: Vec<f64>,
}

impl VenueWeights {
    pub fn new(towns: &[super::towns::Town]) -> VenueWeights {
        VenueWeights {
            categories: cumulative(CATEGORY_SHARES.iter().map(|c| c.1)),
            towns: super::towns::weights(towns, 1.15),
        }
    }
}

/// True when (x, y) is inside `poly` or within 1e-8° (about 1 mm) of its boundary: crossing number
/// over every ring (holes included), plus a distance test for points on a side.
fn covers(poly: &Polygon<f64>, x: f64, y: f64) -> bool {
    let mut inside = false;
    for ring in std::iter::once(poly.exterior()).chain(poly.interiors()) {
        for l in ring.lines() {
            let (a, b) = (l.start, l.end);
            let (dx, dy) = (b.x - a.x, b.y - a.y);
            let len2 = dx * dx + dy * dy;
            let t = if len2 > 0.0 {
                (((x - a.x) * dx + (y - a.y) * dy) / len2).clamp(0.0, 1.0)
            } else {
                0.0
            };
            let (ex, ey) = (a.x + t * dx - x, a.y + t * dy - y);
            if ex * ex + ey * ey < 1e-16 {
                return true;
            }
            if (a.y > y) != (b.y > y) && x < a.x + dx * (y - a.y) / dy {
                inside = !inside;
            }
        }
    }
    inside
}

/// True when (lon, lat) is inside a campus polygon or on its boundary.
fn inside_campus(g: &Generator, lon: f64, lat: f64) -> bool {
    g.grid
        .parts_at(lon, lat)
        .any(|(i, part)| match &g.schools[i as usize].site {
            Site::Area(mp) => {
                mp.0.get(usize::from(part))
                    .is_some_and(|p| covers(p, lon, lat))
            }
            Site::Point(_) => false,
        })
}

/// A point 0–400 m outside school `s`'s boundary (its point, for a point-only school).
fn near_school(rng: &mut Rng, g: &Generator, s: usize) -> (f64, f64) {
    // Skewed towards the boundary: d = 1 + 349·u^1.5 metres.
    let d = 1.0 + 349.0 * rng.f64().powf(1.5);
    match &g.schools[s].site {
        Site::Area(mp) => {
            let part = &mp.0[rng.below(mp.0.len())];
            let ring = &part.exterior().0;
            let e = rng.below(ring.len().saturating_sub(1));
            let (a, b) = (ring[e], ring[(e + 1).min(ring.len() - 1)]);
            let t = rng.f64();
            let p = (a.x + t * (b.x - a.x), a.y + t * (b.y - a.y));
            let frame = LocalFrame::new(p.0, p.1);
            let (ax, ay) = frame.to_local(a.x, a.y);
            let (bx, by) = frame.to_local(b.x, b.y);
            let len = (bx - ax).hypot(by - ay).max(1e-9);
            let (ux, uy) = ((bx - ax) / len, (by - ay) / len);
            // Counter-clockwise exterior: outward is to the right of travel.
            let (nx, ny) = (uy, -ux);
            let j = rng.range(-20.0, 20.0);
            frame.to_lon_lat(nx * d + ux * j, ny * d + uy * j)
        }
        Site::Point(p) => {
            let a = rng.range(0.0, std::f64::consts::TAU);
            LocalFrame::new(p.x(), p.y()).to_lon_lat(d * a.cos(), d * a.sin())
        }
    }
}

/// A small rotated rectangle (12–40 m × 10–30 m) around the door, if it touches no campus.
fn footprint(rng: &mut Rng, g: &Generator, (lon, lat): (f64, f64)) -> Option<MultiPolygon<f64>> {
    let frame = LocalFrame::new(lon, lat);
    let ring = campus::rectangle(
        rng.range(12.0, 40.0),
        rng.range(10.0, 30.0),
        rng.range(0.0, std::f64::consts::PI),
        (0.0, 0.0),
    );
    let poly = campus::place(&frame, &ring, &[]);
    let bbox = poly.bounding_rect()?;
    let touches = g
        .grid
        .owners_overlapping(&bbox)
        .any(|i| match &g.schools[i as usize].site {
            Site::Area(mp) => mp.intersects(&poly),
            Site::Point(p) => poly.contains(p),
        });
    (!touches).then(|| MultiPolygon(vec![poly]))
}

/// Venue number `index` (0-based): a pure function of the generator's seed, plan and `index`.
pub fn venue(g: &Generator, index: usize) -> Venue {
    let mut rng = Rng::derive(g.seed, STREAM, index as u64);
    let w = &g.venue_weights;
    let category = CATEGORY_SHARES[rng.weighted(&w.categories).unwrap_or(7)].0;
    let mut point = None;
    let mut town_idx = 0;
    let mut rural = false;
    for _ in 0..8 {
        let x = rng.f64();
        let (p, t, r) = if x < NEAR_SCHOOL_SHARE && !g.schools.is_empty() {
            // Stratified over the schools (venue i goes to a school near position i·S/N in the list,
            // ±8): every school gets its share, and neighbouring venues touch neighbouring schools,
            // which keeps memory access local when millions are generated.
            let n_s = g.schools.len();
            let base = (index as u128 * n_s as u128 / g.venue_count().max(1) as u128) as usize;
            let s = (base + rng.below(17) + n_s - 8) % n_s;
            (near_school(&mut rng, g, s), g.town_of[s], false)
        } else if x < NEAR_SCHOOL_SHARE + RURAL_SHARE {
            let t = rng.weighted(&w.towns).unwrap_or(0);
            (g.towns[t].village_point(&mut rng), t, true)
        } else {
            let t = rng.weighted(&w.towns).unwrap_or(0);
            (g.towns[t].core_point(&mut rng, VENUE_SPREAD), t, false)
        };
        let p = (round7(p.0), round7(p.1));
        town_idx = t;
        rural = r;
        let inside_extent = super::towns::inside(&g.extent, p);
        if inside_extent && !inside_campus(g, p.0, p.1) {
            point = Some(p);
            break;
        }
    }
    let (lon, lat) = match point {
        Some(p) => p,
        None => {
            // Eight draws all fell on campuses or outside the extent (rare): widen around the town's
            // centre until a free point turns up.
            let t = &g.towns[town_idx];
            let mut p = t.frame.to_lon_lat(0.0, 0.0);
            for k in 1..=200 {
                let r = 50.0 * f64::from(k);
                let q = t.at(rng.range(-r, r), rng.range(-r, r));
                p = (round7(q.0), round7(q.1));
                if super::towns::inside(&g.extent, p) && !inside_campus(g, p.0, p.1) {
                    break;
                }
            }
            p
        }
    };
    let town = &g.towns[town_idx];
    let county = &g.counties[town.county.min(g.counties.len().saturating_sub(1))];
    let (name, scope) = names::venue(&mut rng, category, &town.name);
    let licence = names::credit_code(&mut rng, county.code, index as u64);
    let address = names::address(&mut rng, &county.name, &town.name, rural);
    let status = if rng.chance(0.85) { "存续" } else { "在业" };
    let fp = if rng.chance(FOOTPRINT_SHARE) {
        footprint(&mut rng, g, (lon, lat))
    } else {
        None
    };
    let footprint = match fp {
        Some(mp) => Footprint::Area(mp),
        None => Footprint::Door(Point::new(lon, lat)),
    };
    let text = VenueText {
        id: format!("V{:07}", index + 1),
        name,
        licence: Some(licence),
        address: Some(address),
        scope: Some(scope.to_string()),
        status: Some(status.to_string()),
    };
    Venue::new(text, category, footprint)
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::Intersects;

    #[test]
    fn covers_agrees_with_geo() {
        // A 100 m square with a 40 m courtyard, tested on a 2 m lattice against geo's Intersects
        // (inside or on the boundary), except within 1 mm of a side where `covers` says inside.
        let frame = LocalFrame::new(112.4, 33.5);
        let outer = campus::rectangle(100.0, 100.0, 0.4, (0.0, 0.0));
        let hole = campus::rectangle(40.0, 40.0, 0.4, (5.0, 5.0));
        let poly = campus::place(&frame, &outer, &[hole]);
        let mut n_in = 0;
        for i in -40..=40 {
            for j in -40..=40 {
                let (lon, lat) = frame.to_lon_lat(f64::from(i) * 2.0, f64::from(j) * 2.0);
                let want = poly.intersects(&Point::new(lon, lat));
                assert_eq!(covers(&poly, lon, lat), want, "({i}, {j})");
                n_in += usize::from(want);
            }
        }
        // About (100² − 40²) / 2² = 2 100 lattice points are on campus.
        assert!((1_950..=2_250).contains(&n_in), "{n_in}");
        // A vertex itself is covered.
        let v = poly.exterior().0[0];
        assert!(covers(&poly, v.x, v.y));
    }
}
