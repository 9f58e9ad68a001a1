//! `perimeter scan` as a user runs it: the three files appear whole, and a scan that fails (bad input,
//! or an output it cannot write) leaves the previous scan's files as they were.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/scan")
        .join(name)
        .display()
        .to_string()
}

fn scan(venues: &str, out: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_perimeter"))
        .args(["scan", "--schools", &fixture("schools.geojson")])
        .args(["--gates", &fixture("gates.geojson")])
        .args(["--venues", venues])
        .args(["--water", &fixture("water.geojson")])
        .arg("--out")
        .arg(out)
        .output()
        .expect("the perimeter binary runs")
}

const FILES: [&str; 3] = ["findings.geojson", "findings.csv", "summary.json"];

/// The output directory's entries, sorted, and the three files' bytes.
fn snapshot(out: &Path) -> (Vec<String>, Vec<Vec<u8>>) {
    let mut names: Vec<String> = std::fs::read_dir(out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let bytes = FILES
        .iter()
        .map(|f| std::fs::read(out.join(f)).unwrap())
        .collect();
    (names, bytes)
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn a_failed_scan_leaves_the_previous_files_whole() {
    let tmp = tempfile::tempdir().unwrap();
    let out: PathBuf = tmp.path().join("out");
    let first = scan(&fixture("venues.geojson"), &out);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let (names, before) = snapshot(&out);
    assert_eq!(names, ["findings.csv", "findings.geojson", "summary.json"]);
    let summary: serde_json::Value = serde_json::from_slice(&before[2]).unwrap();
    let findings: serde_json::Value = serde_json::from_slice(&before[0]).unwrap();
    assert_eq!(
        summary["findings"].as_u64(),
        Some(findings["features"].as_array().unwrap().len() as u64)
    );
    assert!(summary["findings"].as_u64().unwrap() > 0);

    // Bad input: refused before anything is written.
    let broken = tmp.path().join("broken.geojson");
    std::fs::write(
        &broken,
        br#"{"type":"FeatureCollection","features":[{"type":"Feature""#,
    )
    .unwrap();
    let bad = scan(&broken.display().to_string(), &out);
    assert_eq!(bad.status.code(), Some(2), "{}", stderr(&bad));
    assert!(stderr(&bad).contains("broken.geojson"), "{}", stderr(&bad));
    assert_eq!(snapshot(&out), (names.clone(), before.clone()));

    // An output that cannot be written (its temporary name is taken by a directory): exit 1 naming it,
    // the files of the first scan untouched, no temporary file left behind.
    let blocker = out.join("findings.csv.partial");
    std::fs::create_dir(&blocker).unwrap();
    let failed = scan(&fixture("venues.geojson"), &out);
    assert_eq!(failed.status.code(), Some(1), "{}", stderr(&failed));
    assert!(
        stderr(&failed).contains(&blocker.display().to_string()),
        "{}",
        stderr(&failed)
    );
    std::fs::remove_dir(&blocker).unwrap();
    assert_eq!(snapshot(&out), (names.clone(), before.clone()));

    // The same scan again replaces the files with the same bytes.
    let again = scan(&fixture("venues.geojson"), &out);
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert_eq!(snapshot(&out), (names, before));
}
