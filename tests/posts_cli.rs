//! `perimeter posts plan` on the sample county (data/sample) as a user runs it: the files it writes,
//! their shapes, and the optima.
//!
//! data/sample is `perimeter gen --scale county --seed 2026 --sample` written to Shapefile/GeoJSON.
//! spopt 0.7.0 (PuLP + CBC) on that generated county, gates as candidates, r = 300 m
//! (`benches/peers/posts_spopt.sh`, instances `lscp_gates` and `mclp50_gates`), found 226 posts for LSCP
//! and a covered weight of 151 652.33 for MCLP with p = 50: the CLI must reach both and prove them.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use perimeter::geodesy::karney;
use serde_json::Value;

fn sample(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("data/sample")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

fn perimeter(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_perimeter"))
        .args(args)
        .output()
        .expect("the perimeter binary runs")
}

fn plan(out: &Path, extra: &[&str]) -> Output {
    let (s, p, g) = (
        sample("schools.shp"),
        sample("school_points.shp"),
        sample("gates.geojson"),
    );
    let o = out.to_string_lossy().into_owned();
    let mut args = vec![
        "posts",
        "plan",
        "--schools",
        &s,
        "--schools",
        &p,
        "--gates",
        &g,
        "--out",
        &o,
    ];
    args.extend_from_slice(extra);
    perimeter(&args)
}

fn read_json(p: PathBuf) -> Value {
    serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap()
}

#[test]
fn lscp_on_the_sample_county() {
    let dir = tempfile::tempdir().unwrap();
    let out = plan(dir.path(), &["--model", "lscp", "--radius", "300"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.starts_with("226 posts (lscp model, r = 300 m, exact solver) for 294 schools: 437/437 gates covered (100.0 %)"), "{stdout}");
    assert!(stdout.contains("gap 0.00 % | proven optimal"), "{stdout}");

    let plan = read_json(dir.path().join("plan.json"));
    for key in [
        "model",
        "radius_m",
        "posts",
        "covered_weight",
        "total_weight",
        "objective",
        "bound",
        "gap",
        "proven_optimal",
        "seconds",
    ] {
        assert!(plan.get(key).is_some(), "plan.json lacks {key}");
    }
    assert_eq!(plan["model"], "lscp");
    assert_eq!(plan["radius_m"], 300.0);
    assert_eq!(plan["posts"], 226);
    assert_eq!(plan["objective"], 226.0);
    assert_eq!(plan["bound"], 226.0);
    assert_eq!(plan["gap"], 0.0);
    assert_eq!(plan["proven_optimal"], true);
    assert_eq!(plan["gates"], 437);
    assert_eq!(plan["infeasible_gates"], Value::Array(vec![]));
    assert_eq!(plan["covered_weight"], plan["total_weight"]);

    // Every gate is covered exactly once, by a post within 300 m (Karney).
    let geo = read_json(dir.path().join("posts.geojson"));
    let feats = geo["features"].as_array().unwrap();
    let posts: HashMap<&str, (f64, f64)> = feats
        .iter()
        .filter(|f| f["properties"]["kind"] == "post")
        .map(|f| {
            let c = &f["geometry"]["coordinates"];
            (
                f["properties"]["id"].as_str().unwrap(),
                (c[0].as_f64().unwrap(), c[1].as_f64().unwrap()),
            )
        })
        .collect();
    assert_eq!(posts.len(), 226);
    let lines: Vec<&Value> = feats
        .iter()
        .filter(|f| f["properties"]["kind"] == "cover")
        .collect();
    assert_eq!(lines.len(), 437);
    for l in &lines {
        let c = &l["geometry"]["coordinates"];
        let gate = (c[0][0].as_f64().unwrap(), c[0][1].as_f64().unwrap());
        let post = posts[l["properties"]["post"].as_str().unwrap()];
        assert_eq!((c[1][0].as_f64().unwrap(), c[1][1].as_f64().unwrap()), post);
        assert!(karney::distance_m(gate, post) <= 300.0 + 1e-6);
    }
    let gates = read_json(PathBuf::from(sample("gates.geojson")));
    let mut named: Vec<&str> = lines
        .iter()
        .filter_map(|l| l["properties"]["gate"].as_str())
        .filter(|g| g.contains("-G"))
        .collect();
    named.sort();
    // Schools not covered (universities, training schools) are not planned for: their gates are left
    // out. assignment.csv lists the planned schools.
    let assignment = std::fs::read_to_string(dir.path().join("assignment.csv")).unwrap();
    let planned: std::collections::HashSet<&str> = assignment
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    let all = gates["features"].as_array().unwrap();
    let mut want: Vec<&str> = all
        .iter()
        .filter(|f| planned.contains(f["properties"]["school_id"].as_str().unwrap()))
        .map(|f| f["properties"]["id"].as_str().unwrap())
        .collect();
    want.sort();
    assert_eq!(all.len() - want.len(), 5, "gates of schools not covered");
    assert_eq!(named, want, "every gate of a planned school once");

    // CSVs: UTF-8 with BOM, one row per planned school (300 minus the 6 not covered).
    let csv = std::fs::read(dir.path().join("assignment.csv")).unwrap();
    assert!(csv.starts_with("\u{feff}school_id,school_name,kind,township,post,officer,distance_m,gates_covered,morning,afternoon,note\n".as_bytes()));
    let text = String::from_utf8(csv).unwrap();
    assert_eq!(text.lines().count(), 1 + 294);
    assert!(text.lines().skip(1).all(|l| l.contains(",yes,")));
    let roster = std::fs::read(dir.path().join("roster.csv")).unwrap();
    assert!(roster.starts_with(
        "\u{feff}officer,session,window,post,lon,lat,schools,school_ids\n".as_bytes()
    ));
    // Two rows (morning, afternoon) per post.
    assert_eq!(
        String::from_utf8(roster).unwrap().lines().count(),
        1 + 2 * 226
    );
}

#[test]
fn mclp_on_the_sample_county() {
    let dir = tempfile::tempdir().unwrap();
    let out = plan(dir.path(), &["--model", "mclp", "--p", "50"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let plan = read_json(dir.path().join("plan.json"));
    assert_eq!(plan["model"], "mclp");
    assert_eq!(plan["posts"], 50);
    let obj = plan["objective"].as_f64().unwrap();
    assert!((obj - 151_652.333_333).abs() < 1e-3, "{obj}");
    assert_eq!(plan["proven_optimal"], true);
    assert_eq!(plan["bound"], plan["objective"]);
    let heur = tempfile::tempdir().unwrap();
    let out = plan_heuristic(heur.path());
    assert!(out.status.success());
    let h = read_json(heur.path().join("plan.json"));
    let (ho, hb) = (
        h["objective"].as_f64().unwrap(),
        h["bound"].as_f64().unwrap(),
    );
    assert!(ho <= obj + 1e-6 && obj <= hb + 1e-6, "{ho} ≤ {obj} ≤ {hb}");
}

fn plan_heuristic(dir: &Path) -> Output {
    plan(
        dir,
        &["--model", "mclp", "--p", "50", "--solver", "heuristic"],
    )
}

#[test]
fn bad_input_exits_2_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let out = plan(dir.path(), &["--model", "mclp"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("the mclp model needs p"));

    let bad = dir.path().join("bad.geojson");
    std::fs::write(
        &bad,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"LineString","coordinates":[[112,33],[112.1,33]]}}]}"#,
    )
    .unwrap();
    let out = plan(dir.path(), &["--candidates", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.geojson") && err.contains("feature 0: geometry is not a Point"),
        "{err}"
    );

    let out = perimeter(&["posts", "plan", "--out", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no schools"));
}

#[test]
fn user_only_candidates_name_the_gates_they_cannot_reach() {
    let dir = tempfile::tempdir().unwrap();
    let cands = dir.path().join("boxes.geojson");
    // One police box at S00001's gate (北门, 112.27859, 33.4145755): only that school is reachable.
    std::fs::write(
        &cands,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"JW1","name":"太山庙警务室","fixed":"是"},"geometry":{"type":"Point","coordinates":[112.27859,33.4145755]}}]}"#,
    )
    .unwrap();
    let out = plan(
        dir.path(),
        &[
            "--no-gate-candidates",
            "--candidates",
            cands.to_str().unwrap(),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("436 gate(s) farther than 300 m from every candidate"),
        "{stdout}"
    );
    let plan = read_json(dir.path().join("plan.json"));
    assert_eq!(plan["posts"], 1);
    assert_eq!(plan["fixed_posts"], 1);
    assert_eq!(plan["covered_gates"], 1);
    let inf = plan["infeasible_gates"].as_array().unwrap();
    assert_eq!(inf.len(), 436);
    assert!(inf.iter().all(|g| g["school_id"] != "S00001"));
    assert!(inf
        .iter()
        .all(|g| g["nearest_candidate_m"].as_f64().unwrap() > 300.0));
}
