//! GCJ-02 and BD-09 against published pairs (tests/data/crs/gcj02_vectors.json: each entry names its
//! source repository, file and commit) and an independent Python implementation (`independent.exact`,
//! written by tests/data/crs/make_gcj02_vectors.py with prcoords and an exact iterative inverse).

use perimeter::crs::chinese::{
    bd09_to_gcj02, gcj02_to_bd09, gcj02_to_wgs84, wgs84_to_bd09, wgs84_to_gcj02,
};
use perimeter::geodesy::ground_distance_m;
use serde_json::Value;

fn entries() -> Vec<Value> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/crs/gcj02_vectors.json"
    );
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    doc["entries"].as_array().unwrap().clone()
}

fn pair(v: &Value) -> (f64, f64) {
    (v[0].as_f64().unwrap(), v[1].as_f64().unwrap())
}

fn convert(from: &str, to: &str, p: (f64, f64)) -> Option<(f64, f64)> {
    Some(match (from, to) {
        ("wgs84", "gcj02") => wgs84_to_gcj02(p.0, p.1),
        ("gcj02", "bd09") => gcj02_to_bd09(p.0, p.1),
        ("wgs84", "bd09") => wgs84_to_bd09(p.0, p.1),
        ("gcj02", "wgs84") => gcj02_to_wgs84(p.0, p.1),
        ("bd09", "gcj02") => bd09_to_gcj02(p.0, p.1),
        _ => return None,
    })
}

#[test]
fn forward_pairs_reproduce_the_published_values() {
    let mut n = 0;
    for e in entries().iter().filter(|e| e["method"] == "forward") {
        let (from, to) = (e["from"].as_str().unwrap(), e["to"].as_str().unwrap());
        let got = convert(from, to, pair(&e["input"])).unwrap();
        let want = pair(&e["independent"]["exact"]);
        // The independent implementation, to floating-point noise.
        assert!(
            (got.0 - want.0).abs() < 1e-9 && (got.1 - want.1).abs() < 1e-9,
            "{}: {got:?} vs {want:?}",
            e["name"]
        );
        // The published value, within the tolerance the source itself asserts (or 1e-7°, 1 cm, when it
        // publishes 7–8 decimals and asserts nothing); china-cities WGS84 columns carry a known 0.7 m
        // systematic offset and assert 5e-5°.
        let tol = e["source_tolerance_deg"].as_f64().unwrap_or(1e-7);
        let published = pair(&e["published"]);
        assert!(
            (got.0 - published.0).abs() <= tol && (got.1 - published.1).abs() <= tol,
            "{}: {got:?} vs published {published:?}",
            e["name"]
        );
        n += 1;
    }
    assert_eq!(n, 125);
}

#[test]
fn inverses_are_exact() {
    let mut n = 0;
    for e in entries()
        .iter()
        .filter(|e| e["method"].as_str().unwrap().starts_with("exact inverse"))
    {
        let (from, to) = (e["from"].as_str().unwrap(), e["to"].as_str().unwrap());
        let got = convert(from, to, pair(&e["input"])).unwrap();
        let want = pair(&e["independent"]["exact"]);
        // Within a millimetre of the independent exact inverse (well inside the 1 cm the scan needs).
        assert!(
            ground_distance_m(got, want) < 1e-3,
            "{}: {got:?} vs {want:?}",
            e["name"]
        );
        n += 1;
    }
    assert_eq!(n, 78);
}

#[test]
fn round_trips_stay_within_a_millimetre_across_china() {
    // A grid over mainland China: WGS84 → GCJ-02 → WGS84 and → BD-09 → WGS84.
    let mut worst: f64 = 0.0;
    for i in 0..=20 {
        for j in 0..=20 {
            let p = (73.5 + 61.0 * i as f64 / 20.0, 18.2 + 35.0 * j as f64 / 20.0);
            let g = wgs84_to_gcj02(p.0, p.1);
            worst = worst.max(ground_distance_m(p, gcj02_to_wgs84(g.0, g.1)));
            let b = wgs84_to_bd09(p.0, p.1);
            worst = worst.max(ground_distance_m(
                p,
                perimeter::crs::chinese::bd09_to_wgs84(b.0, b.1),
            ));
        }
    }
    assert!(worst < 1e-3, "worst round trip {worst} m");
}
