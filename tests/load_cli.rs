//! `perimeter load` as a user runs it: exit code 0 and the report on good input, 2 on bad input.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/load")
        .join(name)
}

fn perimeter(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_perimeter"))
        .args(args)
        .output()
        .expect("the perimeter binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn load_prints_the_report() {
    let schools = fixture("schools_gbk.shp");
    let venues = fixture("venues_gcj02_bom.csv");
    let gates = fixture("gates.geojson");
    let out = perimeter(&[
        "load",
        "--schools",
        schools.to_str().unwrap(),
        "--venues",
        venues.to_str().unwrap(),
        "--venues-crs",
        "gcj02",
        "--gates",
        gates.to_str().unwrap(),
    ]);
    let stdout = text(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}\n{}",
        text(&out.stderr)
    );
    for line in [
        format!("schools — {}\n", schools.display()),
        "  format     Shapefile\n".into(),
        "  CRS        WKT CGCS2000_3_Degree_GK_CM_114E\n".into(),
        "  encoding   GBK (.cpg)\n".into(),
        "  schools    primary 1, junior 1, nine-year 1\n".into(),
        format!("venues — {}\n", venues.display()),
        "  CRS        GCJ-02\n".into(),
        "  encoding   UTF-8 (BOM)\n".into(),
        "  venues     internet_cafe (网吧) 1, ktv (歌舞娱乐场所) 1, lottery (彩票销售网点) 1, tobacco (烟草零售) 1, hazardous (危险场所) 1\n".into(),
        "  gates      4 read, 3 attached; no such school: 4113219999\n".into(),
        "total: 3 schools (0 approximate), 5 venues, 0 water bodies, 3 gates; 0 features skipped\n".into(),
    ] {
        assert!(stdout.contains(&line), "missing {line:?} in\n{stdout}");
    }
}

#[test]
fn load_json() {
    let schools = fixture("schools_points_utf8.shp");
    let out = perimeter(&["load", "--schools", schools.to_str().unwrap(), "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["schools"], 2);
    assert_eq!(v["approximate_schools"], 2);
    assert_eq!(v["files"][0]["encoding"], "UTF-8 (.cpg)");
    assert_eq!(v["files"][0]["schools_by_kind"]["kindergarten"], 1);
    assert_eq!(v["files"][0]["bbox"]["max_lon"], 112.415);
}

#[test]
fn bad_input_exits_with_2() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.geojson");
    std::fs::write(
        &bad,
        r#"[{"type":"Feature","properties":{"name":"x"},"geometry":{"type":"LineString","coordinates":[[112.4,33.5]]}}]"#,
    )
    .unwrap();
    let out = perimeter(&["load", "--water", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        format!(
            "error: {}: feature #0, field 'geometry': a LineString needs at least 2 positions, got 1\n",
            bad.display()
        )
    );
    // --skip-invalid loads the rest (here: nothing) and lists the feature.
    let out = perimeter(&["load", "--water", bad.to_str().unwrap(), "--skip-invalid"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stdout).contains(
        "  skipped    1\n    #0, field 'geometry': a LineString needs at least 2 positions, got 1\n"
    ));

    let venues = fixture("venues_gbk.csv");
    let out = perimeter(&[
        "load",
        "--venues",
        venues.to_str().unwrap(),
        "--venues-crs",
        "EPSG-four",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).starts_with("error: --venues-crs: unknown CRS 'EPSG-four'"),
        "{}",
        text(&out.stderr)
    );

    let out = perimeter(&["load"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        "error: no inputs: give at least one of --schools, --venues, --water, --gates or --osm\n"
    );
}

/// Output piped into a reader that has gone (`perimeter load … | head -0`): the command ends quietly with
/// exit code 0, without a panic message.
#[test]
fn a_closed_stdout_ends_the_command_quietly() {
    use std::process::Stdio;
    let schools = fixture("schools_gbk.shp");
    let mut child = Command::new(env!("CARGO_BIN_EXE_perimeter"))
        .args(["load", "--schools", schools.to_str().unwrap()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the perimeter binary runs");
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = text(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(0), "{:?} {stderr}", out.status);
}
