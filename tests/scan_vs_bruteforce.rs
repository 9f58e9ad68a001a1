//! Property test: the indexed scan equals a brute-force geodesic scan (Karney, see common/oracle.rs) on
//! random campuses and venues, for the boundary and the gate method, including venues placed within a
//! few centimetres of the limit.

mod common;

use common::oracle::{self, LL};
use geo_types::{Coord, LineString, MultiPolygon, Point, Polygon};
use perimeter::geodesy::karney;
use perimeter::index::Index;
use perimeter::model::{
    Category, Dataset, Footprint, Gate, School, SchoolKind, Site, Venue, VenueText,
};
use perimeter::rules::RuleSet;
use perimeter::scan::scan;
use proptest::prelude::*;

const RULES: &str = r#"id = "t"
name = "test"
[[rule]]
id = "b200"
feature = "venue"
categories = ["internet_cafe"]
schools = ["primary"]
distance_m = 200.0
method = "boundary"
basis = "test"
[[rule]]
id = "g150"
feature = "venue"
categories = ["ktv"]
schools = ["primary"]
distance_m = 150.0
method = "gate"
basis = "test"
"#;

/// A rotated rectangle campus: centre, half sides (m), angle (deg).
fn campus(c: LL, hw: f64, hh: f64, angle: f64) -> Vec<LL> {
    let corners = [(-hw, -hh), (hw, -hh), (hw, hh), (-hw, hh)];
    let mut ring: Vec<LL> = corners
        .iter()
        .map(|&(x, y)| {
            let d = x.hypot(y);
            let az = angle + x.atan2(y).to_degrees();
            karney::destination(c, az, d)
        })
        .collect();
    ring.push(ring[0]);
    ring
}

#[derive(Debug, Clone)]
struct Case {
    schools: Vec<(Vec<LL>, Vec<LL>)>,
    venues: Vec<(LL, Category)>,
}

fn case() -> impl Strategy<Value = Case> {
    let school = (
        -0.01f64..0.01,
        -0.01f64..0.01,
        30.0f64..125.0,
        30.0f64..125.0,
        0.0f64..180.0,
        0usize..3,
    );
    let venue = (-0.014f64..0.014, -0.014f64..0.014, prop::bool::ANY);
    // Near-limit venues: school index, edge, position along it, offset from the limit (m).
    let near = (
        0usize..4,
        0usize..4,
        0.05f64..0.95,
        -0.05f64..0.05,
        prop::bool::ANY,
    );
    (
        prop::collection::vec(school, 1..5),
        prop::collection::vec(venue, 20..120),
        prop::collection::vec(near, 0..12),
    )
        .prop_map(|(ss, vs, ns)| {
            let base = (112.4, 33.5);
            let schools: Vec<(Vec<LL>, Vec<LL>)> = ss
                .iter()
                .map(|&(dx, dy, hw, hh, ang, ngates)| {
                    let ring = campus((base.0 + dx, base.1 + dy), hw, hh, ang);
                    let gates = (0..ngates).map(|k| ring[k]).collect();
                    (ring, gates)
                })
                .collect();
            let mut venues: Vec<(LL, Category)> = vs
                .iter()
                .map(|&(dx, dy, ktv)| {
                    (
                        (base.0 + dx, base.1 + dy),
                        if ktv {
                            Category::Ktv
                        } else {
                            Category::InternetCafe
                        },
                    )
                })
                .collect();
            for &(si, edge, t, off, ktv) in &ns {
                let (ring, _) = &schools[si % schools.len()];
                let (a, b) = (ring[edge], ring[edge + 1]);
                let (len, azi) = karney::distance_azimuth(a, b);
                let on_edge = karney::destination(a, azi, len * t);
                // Outward normal of a counter-clockwise... the ring's orientation depends on the angle; try
                // both normals and keep the one farther from the centre.
                let out1 = karney::destination(on_edge, azi + 90.0, 200.0 + off);
                let out2 = karney::destination(on_edge, azi - 90.0, 200.0 + off);
                let c = ring[0];
                let far = if karney::distance_m(c, out1) > karney::distance_m(c, out2) {
                    out1
                } else {
                    out2
                };
                venues.push((
                    far,
                    if ktv {
                        Category::Ktv
                    } else {
                        Category::InternetCafe
                    },
                ));
            }
            Case { schools, venues }
        })
}

fn dataset(c: &Case) -> Dataset {
    let schools = c
        .schools
        .iter()
        .enumerate()
        .map(|(i, (ring, gates))| School {
            id: format!("s{i}"),
            name: format!("第{i}小学"),
            kind: SchoolKind::Primary,
            township: None,
            site: Site::Area(MultiPolygon(vec![Polygon::new(
                LineString(ring.iter().map(|&(x, y)| Coord { x, y }).collect()),
                vec![],
            )])),
            gates: gates
                .iter()
                .map(|&(x, y)| Gate {
                    id: None,
                    name: None,
                    point: Point::new(x, y),
                })
                .collect(),
            pupils: None,
        })
        .collect();
    let venues = c
        .venues
        .iter()
        .enumerate()
        .map(|(i, &((x, y), cat))| {
            let text = VenueText {
                id: format!("v{i}"),
                name: format!("v{i}"),
                ..VenueText::default()
            };
            Venue::new(text, cat, Footprint::Door(Point::new(x, y)))
        })
        .collect();
    Dataset {
        schools,
        venues,
        water: vec![],
    }
}

/// Brute force: every school × every venue with the oracle.
fn brute(c: &Case) -> Vec<(usize, usize, f64)> {
    let g = oracle::geod();
    let mut out = Vec::new();
    for (si, (ring, gates)) in c.schools.iter().enumerate() {
        for (vi, &(p, cat)) in c.venues.iter().enumerate() {
            let d = match cat {
                Category::InternetCafe => oracle::rings_to_point(&g, std::slice::from_ref(ring), p),
                _ if gates.is_empty() => oracle::rings_to_point(&g, std::slice::from_ref(ring), p),
                _ => gates
                    .iter()
                    .map(|&q| oracle::dist(&g, q, p))
                    .fold(f64::INFINITY, f64::min),
            };
            out.push((si, vi, d));
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn indexed_scan_equals_brute_force(c in case()) {
        let ds = dataset(&c);
        let rules = RuleSet::from_toml(RULES, "t.toml").unwrap();
        let index = Index::build(&ds);
        let found = scan(&ds, &index, &rules);
        for (si, vi, d) in brute(&c) {
            let limit = match c.venues[vi].1 { Category::InternetCafe => 200.0, _ => 150.0 };
            let hit = found.iter().find(|f| f.school as usize == si && f.feature as usize == vi);
            if (d - limit).abs() > 0.01 {
                prop_assert_eq!(hit.is_some(), d <= limit, "school {} venue {} oracle {} m", si, vi, d);
            }
            if let Some(f) = hit {
                prop_assert!((f.measured.metres - d).abs() < 1e-4, "school {} venue {}: scan {} vs oracle {}", si, vi, f.measured.metres, d);
            }
        }
        // No finding the oracle does not also put within (or within 1 cm of) the limit.
        for f in &found {
            let limit = rules.rules[f.rule as usize].limit_m;
            prop_assert!(f.measured.metres <= limit);
        }
    }
}
