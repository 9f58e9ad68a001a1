//! The scan on the real central-Nanjing OpenStreetMap extract (../shared/data, © OpenStreetMap
//! contributors, ODbL 1.0), national rules.
//!
//! Every distance below was verified independently by tests/data/osm/verify_nanjing.py: it parses the XML
//! with Python's standard library and measures with the geographiclib oracle of tests/data/scan (Karney's
//! geodesics). That script printed 158.9779, 159.4877, 0, 0, 86.9606, 183.586 and 147.8876 m.

use std::path::PathBuf;

use perimeter::export::findings::record;
use perimeter::index::Index;
use perimeter::load::{load_all, LoadOptions};
use perimeter::rules::RuleSet;
use perimeter::scan::scan;

#[test]
fn nanjing_findings_under_national_rules() {
    let osm = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data/nanjing_xinjiekou_2021-06-12.osm");
    let (ds, _) = load_all(&[], &[osm], &LoadOptions::default()).unwrap();
    let index = Index::build(&ds);
    let rules = RuleSet::national();
    let found = scan(&ds, &index, &rules);
    let mut got: Vec<(String, String, String, String, f64, bool)> = found
        .iter()
        .map(|f| {
            let r = record(&ds, &rules, f);
            (
                r.school_id.into(),
                r.feature_id.into(),
                r.category.into(),
                r.rule_id.into(),
                r.distance_m,
                r.approximate,
            )
        })
        .collect();
    got.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let row = |s: &str, f: &str, c: &str, r: &str, d: f64, a: bool| {
        (
            s.to_string(),
            f.to_string(),
            c.to_string(),
            r.to_string(),
            d,
            a,
        )
    };
    let want = vec![
        // 南京外国语学校国际部 is an OSM node: a point-only school, so approximate.
        row(
            "osm:node/6110227439",
            "osm:way/532885964",
            "other",
            "water_200",
            159.49,
            true,
        ),
        row(
            "osm:node/6110227439",
            "osm:way/532885965",
            "other",
            "water_200",
            158.98,
            true,
        ),
        // 南京市三条巷小学 and 内秦淮河东段(杨吴城濠).
        row(
            "osm:way/318173790",
            "osm:way/237043958",
            "river",
            "water_200",
            86.96,
            false,
        ),
        // 南京市第九中学 and “Party时代KTV”, tagged amenity=bar: a KTV 183.59 m from the campus.
        row(
            "osm:way/444227092",
            "osm:node/1492963343",
            "ktv",
            "entertainment_200",
            183.59,
            false,
        ),
        // 南京市第九初级中学 and a river.
        row(
            "osm:way/863056908",
            "osm:way/237175230",
            "river",
            "water_200",
            147.89,
            false,
        ),
        // 金陵中学: two ponds (碧池 among them) inside the campus.
        row(
            "osm:way/88780395",
            "osm:way/854857365",
            "pond",
            "water_200",
            0.0,
            false,
        ),
        row(
            "osm:way/88780395",
            "osm:way/854857373",
            "pond",
            "water_200",
            0.0,
            false,
        ),
    ];
    let mut want = want;
    want.sort_by(|a, b| a.partial_cmp(b).unwrap());
    assert_eq!(got, want);
}
