//! The ledger from the command line on the sample county across two scans: the second with one venue in
//! ten closed (dropped from the registry extract) and five opened (new licences at the doors of venues
//! the first scan found). The expected new / persisting / gone sets are worked out here from the two
//! scans' findings.csv files and the two registry extracts by set arithmetic, independently of the
//! ledger's code.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

mod pg_support;

type Key = (String, String, String, String);

fn perimeter(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_perimeter"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run perimeter")
}

fn ok(out: Output) -> String {
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

fn json(s: &str) -> Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("not JSON ({e}): {s}"))
}

/// Data rows of a registry CSV (after the header), as raw lines.
fn rows(text: &str) -> Vec<String> {
    text.trim_start_matches('\u{feff}')
        .lines()
        .skip(1)
        .map(str::to_string)
        .collect()
}

/// The finding keys of a findings.csv, venues keyed by the licence of their registry row
/// (`venues:INDEX` → column 2 of data row INDEX).
fn finding_keys(findings_csv: &Path, venue_rows: &[String]) -> BTreeSet<Key> {
    let text = std::fs::read_to_string(findings_csv).expect("findings.csv");
    let mut r = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let h = r.headers().expect("headers").clone();
    let col = |name: &str| h.iter().position(|c| c == name).expect(name);
    let (s, t, f, ru) = (
        col("school_id"),
        col("feature_type"),
        col("feature_id"),
        col("rule_id"),
    );
    r.records()
        .map(|rec| {
            let rec = rec.expect("record");
            let mut feature = rec[f].to_string();
            if &rec[t] == "venue" {
                let index: usize = feature
                    .strip_prefix("venues:")
                    .expect("row-numbered venue id")
                    .parse()
                    .expect("index");
                feature = venue_rows[index]
                    .split(',')
                    .nth(1)
                    .expect("licence")
                    .to_string();
            }
            (
                rec[s].to_string(),
                rec[t].to_string(),
                feature,
                rec[ru].to_string(),
            )
        })
        .collect()
}

fn scan(dir: &Path, sample: &Path, venues: &Path, out: &str, ledger: &str) {
    let s = |f: &str| sample.join(f).display().to_string();
    ok(perimeter(
        &[
            "scan",
            "--schools",
            &s("schools.shp"),
            "--schools",
            &s("school_points.shp"),
            "--gates",
            &s("gates.geojson"),
            "--venues",
            &venues.display().to_string(),
            "--venues-crs",
            "gcj02",
            "--water",
            &s("water.geojson"),
            "--out",
            out,
            "--ledger",
            ledger,
        ],
        dir,
    ));
}

#[test]
fn two_scans_of_the_sample_county() {
    two_scans_of_the_sample_county_in("ledger.db");
}

/// The same on PostgreSQL: `--ledger postgres://…` for `scan` and every `ledger` command.
#[test]
fn two_scans_of_the_sample_county_postgres() {
    two_scans_of_the_sample_county_in(&pg_support::database("cli"));
}

fn two_scans_of_the_sample_county_in(ledger: &str) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/sample");
    let original = std::fs::read_to_string(sample.join("venues.csv")).expect("venues.csv");
    let header = original.lines().next().expect("header").to_string();
    let rows1 = rows(&original);
    std::fs::create_dir_all(dir.join("v1")).unwrap();
    std::fs::create_dir_all(dir.join("v2")).unwrap();
    std::fs::write(dir.join("v1/venues.csv"), &original).unwrap();

    scan(dir, &sample, &dir.join("v1/venues.csv"), "out1", ledger);
    let keys1 = finding_keys(&dir.join("out1/findings.csv"), &rows1);

    // Second extract: every tenth venue closed; five opened at the doors of venues found in scan 1.
    let found_venue_rows: BTreeSet<usize> = {
        let text = std::fs::read_to_string(dir.join("out1/findings.csv")).unwrap();
        text.lines()
            .filter_map(|l| l.split(",venues:").nth(1))
            .filter_map(|rest| rest.split(',').next()?.parse().ok())
            .collect()
    };
    let closed = |i: usize| i % 10 == 3;
    let mut rows2: Vec<String> = rows1
        .iter()
        .enumerate()
        .filter(|(i, _)| !closed(*i))
        .map(|(_, r)| r.clone())
        .collect();
    let opened_from: Vec<usize> = found_venue_rows
        .iter()
        .copied()
        .filter(|&i| !closed(i))
        .take(5)
        .collect();
    assert_eq!(opened_from.len(), 5);
    let mut new_licences = BTreeSet::new();
    for (n, &i) in opened_from.iter().enumerate() {
        let mut cells: Vec<String> = rows1[i].split(',').map(str::to_string).collect();
        cells[1] = format!("92411321NEW{n:07}");
        new_licences.insert(cells[1].clone());
        rows2.push(cells.join(","));
    }
    let text2 = format!("{header}\n{}\n", rows2.join("\n"));
    std::fs::write(dir.join("v2/venues.csv"), text2).unwrap();

    scan(dir, &sample, &dir.join("v2/venues.csv"), "out2", ledger);
    let keys2 = finding_keys(&dir.join("out2/findings.csv"), &rows2);

    let expect_new: BTreeSet<Key> = keys2.difference(&keys1).cloned().collect();
    let expect_gone: BTreeSet<Key> = keys1.difference(&keys2).cloned().collect();
    let expect_persisting: BTreeSet<Key> = keys1.intersection(&keys2).cloned().collect();
    // The edit is visible in the expected sets themselves.
    assert!(expect_new.iter().all(|k| new_licences.contains(&k.2)));
    assert!(expect_new.len() >= 5, "{}", expect_new.len());
    assert!(!expect_gone.is_empty());
    assert!(expect_gone.iter().all(|k| k.1 == "venue"));

    // The ledger's ids → keys.
    let list = json(&ok(perimeter(
        &["ledger", "list", "--ledger", ledger, "--json"],
        dir,
    )));
    let by_id: BTreeMap<i64, Key> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let s = |k: &str| p[k].as_str().unwrap().to_string();
            (
                p["id"].as_i64().unwrap(),
                (
                    s("school_id"),
                    s("feature_type"),
                    s("feature_id"),
                    s("rule_id"),
                ),
            )
        })
        .collect();
    assert_eq!(by_id.len(), keys1.union(&keys2).count());

    let diff = json(&ok(perimeter(
        &["ledger", "diff", "--ledger", ledger, "--json"],
        dir,
    )));
    let keys_of = |name: &str| -> BTreeSet<Key> {
        diff[name]
            .as_array()
            .unwrap()
            .iter()
            .map(|id| by_id[&id.as_i64().unwrap()].clone())
            .collect()
    };
    assert_eq!(keys_of("new"), expect_new);
    assert_eq!(keys_of("gone"), expect_gone);
    assert_eq!(keys_of("persisting"), expect_persisting);
    assert_eq!(diff.as_object().unwrap().len(), 3);
    eprintln!(
        "scan 1: {} findings, scan 2: {} → {} new, {} persisting, {} gone",
        keys1.len(),
        keys2.len(),
        expect_new.len(),
        expect_persisting.len(),
        expect_gone.len()
    );

    // --from/--to the other way round swaps new and gone; from scan 1 to itself nothing changes.
    let back = json(&ok(perimeter(
        &[
            "ledger", "diff", "--ledger", ledger, "--json", "--from", "2", "--to", "1",
        ],
        dir,
    )));
    assert_eq!(back["new"], diff["gone"]);
    assert_eq!(back["gone"], diff["new"]);
    let same = json(&ok(perimeter(
        &[
            "ledger", "diff", "--ledger", ledger, "--json", "--from", "1", "--to", "1",
        ],
        dir,
    )));
    assert_eq!(same["new"].as_array().unwrap().len(), 0);
    assert_eq!(same["gone"].as_array().unwrap().len(), 0);

    // Gone problems are proposed for verification, still open.
    let gone = json(&ok(perimeter(
        &["ledger", "list", "--ledger", ledger, "--json", "--gone"],
        dir,
    )));
    assert_eq!(gone.as_array().unwrap().len(), expect_gone.len());
    assert!(gone
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p["status"] == "open" && p["gone"] == true));

    // Scans are recorded with their inputs' checksums (the two venue extracts differ).
    let scans = json(&ok(perimeter(
        &["ledger", "scans", "--ledger", ledger, "--json"],
        dir,
    )));
    let sha_of = |s: &Value| -> String {
        s["inputs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["path"].as_str().unwrap().ends_with("venues.csv"))
            .unwrap()["sha256"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(scans.as_array().unwrap().len(), 2);
    assert_eq!(scans[0]["rules"], "national");
    assert_eq!(scans[0]["findings"].as_u64().unwrap() as usize, keys1.len());
    assert_ne!(sha_of(&scans[0]), sha_of(&scans[1]));
    // schools.shp brings its .shx, .dbf, .prj (and .cpg) along.
    assert!(scans[0]["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .any(|i| i["path"].as_str().unwrap().ends_with("schools.dbf")));

    // The workflow on one new problem, from the command line.
    let id = diff["new"][0].as_i64().unwrap().to_string();
    let run = |args: &[&str]| perimeter(&[&["ledger"], args, &["--ledger", ledger]].concat(), dir);
    let refused = run(&["status", &id, "verified", "--by", "inspector"]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr)
        .contains("open → verified is not a step of the workflow"));
    let no_unit = run(&["status", &id, "rectifying", "--by", "inspector"]);
    assert_eq!(no_unit.status.code(), Some(2));
    let bad_date = run(&[
        "assign",
        &id,
        "--unit",
        "市场监管局",
        "--deadline",
        "2026-02-30",
    ]);
    assert_eq!(bad_date.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad_date.stderr)
        .contains("deadline '2026-02-30' is not a date written YYYY-MM-DD"));
    ok(run(&[
        "assign",
        &id,
        "--unit",
        "市场监管局",
        "--measure",
        "停业整顿",
        "--deadline",
        "2026-12-31",
        "--by",
        "county-office",
    ]));
    ok(run(&[
        "status",
        &id,
        "rectifying",
        "--by",
        "county-office",
        "--note",
        "已下达整改通知书",
    ]));
    ok(run(&[
        "assign",
        &id,
        "--supervised",
        "true",
        "--by",
        "county-office",
    ]));
    let overdue = json(&ok(run(&["overdue", "--json", "--today", "2027-01-01"])));
    assert_eq!(overdue.as_array().unwrap().len(), 1);
    assert_eq!(overdue[0]["id"].as_i64().unwrap().to_string(), id);
    assert_eq!(
        json(&ok(run(&["overdue", "--json", "--today", "2026-12-31"])))
            .as_array()
            .unwrap()
            .len(),
        0
    );
    ok(run(&["status", &id, "rectified", "--by", "county-office"]));
    ok(run(&[
        "status",
        &id,
        "verified",
        "--by",
        "inspector",
        "--note",
        "现场核查已关停",
    ]));
    let shown = json(&ok(run(&["show", &id, "--json"])));
    assert_eq!(shown["problem"]["status"], "verified");
    // One version per change (the assignment of three fields is one change).
    assert_eq!(shown["problem"]["version"], 6);
    let trail: Vec<(String, String, String, String)> = shown["audit"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            let s = |k: &str| a[k].as_str().unwrap_or("-").to_string();
            (s("actor"), s("field"), s("from"), s("to"))
        })
        .collect();
    let t = |a: &str, f: &str, x: &str, y: &str| {
        (a.to_string(), f.to_string(), x.to_string(), y.to_string())
    };
    assert_eq!(
        trail,
        vec![
            t("county-office", "unit", "-", "市场监管局"),
            t("county-office", "measure", "-", "停业整顿"),
            t("county-office", "deadline", "-", "2026-12-31"),
            t("county-office", "status", "open", "rectifying"),
            t("county-office", "supervised", "false", "true"),
            t("county-office", "status", "rectifying", "rectified"),
            t("inspector", "status", "rectified", "verified"),
        ]
    );
    assert_eq!(shown["audit"][3]["note"], "已下达整改通知书");

    // Summary: the township of the verified problem counts one closed.
    let town = shown["problem"]["township"].as_str().unwrap().to_string();
    let summary = json(&ok(run(&["summary", "--json"])));
    let row = summary["townships"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["key"] == town.as_str())
        .unwrap();
    assert_eq!(row["closed"], 1);
    let unit_row = summary["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["key"] == "市场监管局")
        .unwrap();
    assert_eq!(
        (unit_row["open"].as_u64(), unit_row["closed"].as_u64()),
        (Some(0), Some(1))
    );

    // Exports.
    ok(run(&["export", "--format", "csv", "--out", "l.csv"]));
    let csv_text = std::fs::read_to_string(dir.join("l.csv")).unwrap();
    assert!(csv_text.starts_with("\u{feff}编号,学校编号,学校名称,乡镇,类型"));
    assert_eq!(csv_text.lines().count(), by_id.len() + 1);
    ok(run(&[
        "export",
        "--format",
        "geojson",
        "--out",
        "l.geojson",
    ]));
    let gj = json(&std::fs::read_to_string(dir.join("l.geojson")).unwrap());
    assert_eq!(gj["features"].as_array().unwrap().len(), by_id.len());

    // Reading a ledger that does not exist is an input error, and creates nothing.
    let missing = perimeter(&["ledger", "list", "--ledger", "nope.db"], dir);
    assert_eq!(missing.status.code(), Some(2));
    assert!(!dir.join("nope.db").exists());
}
