//! Bad input: every case gives an error naming the file, the feature (index, line or id) and the field;
//! `skip_invalid` loads the rest and lists every skipped feature. The expected messages are written out
//! in full from the readers' documented wording.

use std::path::{Path, PathBuf};

use perimeter::crs::Crs;
use perimeter::load::report::SkippedFeature;
use perimeter::load::{
    build, csv, geojson, load_all, shp, Input, LayerKind, LoadError, LoadOptions,
};

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

fn input(path: &Path, layer: LayerKind, crs: Option<Crs>) -> Input {
    Input {
        path: path.to_path_buf(),
        layer,
        crs,
        encoding: None,
    }
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/load")
        .join(name)
}

/// A GeoJSON FeatureCollection of the given features.
fn fc(features: &[&str]) -> Vec<u8> {
    format!(
        r#"{{"type":"FeatureCollection","features":[{}]}}"#,
        features.join(",")
    )
    .into_bytes()
}

const GOOD_SCHOOL: &str = r#"{"type":"Feature","id":"a","properties":{"name":"城关小学"},
  "geometry":{"type":"Polygon","coordinates":[[[112.43,33.49],[112.43,33.491],[112.431,33.491],[112.431,33.49],[112.43,33.49]]]}}"#;
const UNCLOSED: &str = r#"{"type":"Feature","id":"b","properties":{"name":"城南小学"},
  "geometry":{"type":"Polygon","coordinates":[[[112.43,33.49],[112.43,33.491],[112.431,33.491],[112.431,33.49]]]}}"#;
const NULL_GEOMETRY: &str =
    r#"{"type":"Feature","properties":{"name":"城北小学"},"geometry":null}"#;
const NO_NAME: &str = r#"{"type":"Feature","id":"d","properties":{"township":"城关镇"},
  "geometry":{"type":"Point","coordinates":[112.44,33.5]}}"#;
const LAT_95: &str = r#"{"type":"Feature","id":"e","properties":{"name":"北极小学"},
  "geometry":{"type":"Point","coordinates":[112.5,95]}}"#;

fn geojson_err(features: &[&str]) -> (PathBuf, String, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "schools.geojson", &fc(features));
    let err = geojson::read(
        &input(&p, LayerKind::Schools, None),
        &LoadOptions::default(),
    )
    .unwrap_err();
    (p, err.to_string(), dir)
}

#[test]
fn malformed_json() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "bad.geojson",
        br#"{"type":"FeatureCollection","features":["#,
    );
    let err = geojson::read(
        &input(&p, LayerKind::Schools, None),
        &LoadOptions::default(),
    )
    .unwrap_err();
    assert!(matches!(err, LoadError::Malformed { .. }));
    assert_eq!(
        err.to_string(),
        format!(
            "{}: not a valid GeoJSON file: EOF while parsing a list at line 1 column 40",
            p.display()
        )
    );
}

#[test]
fn unclosed_ring() {
    let (p, err, _dir) = geojson_err(&[GOOD_SCHOOL, UNCLOSED]);
    assert_eq!(
        err,
        format!(
            "{}: feature #1 (id b), field 'geometry': ring 0: ring is not closed (first position (112.43, 33.49), last (112.431, 33.49))",
            p.display()
        )
    );
}

#[test]
fn short_ring() {
    let three = r#"{"type":"Feature","properties":{"name":"x"},
      "geometry":{"type":"Polygon","coordinates":[[[112.43,33.49],[112.43,33.491],[112.43,33.49]]]}}"#;
    let (p, err, _dir) = geojson_err(&[three]);
    assert_eq!(
        err,
        format!(
            "{}: feature #0, field 'geometry': ring 0: a ring needs at least 4 positions (first = last), got 3",
            p.display()
        )
    );
}

#[test]
fn out_of_range_latitude() {
    let (p, err, _dir) = geojson_err(&[LAT_95]);
    assert_eq!(
        err,
        format!(
            "{}: feature #0 (id e), field 'geometry': coordinate (112.5, 95) is not a valid longitude/latitude (longitude must be within ±180, latitude within ±90)",
            p.display()
        )
    );
    // In a CSV the column at fault is named, with the row's line number.
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "v.csv",
        "名称,经度,纬度\n甲,112.5,33.5\n乙,112.5,95\n".as_bytes(),
    );
    let err = csv::read(
        &input(&p, LayerKind::Venues, Some(Crs::Wgs84)),
        &LoadOptions::default(),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "{}: feature #1 (line 3), field '纬度': 95 is not a valid latitude (must be within ±90)",
            p.display()
        )
    );
}

#[test]
fn empty_and_null_geometries() {
    let empty_polygon = r#"{"type":"Feature","id":"p","properties":{"name":"x"},"geometry":{"type":"Polygon","coordinates":[]}}"#;
    let (p, err, _dir) = geojson_err(&[empty_polygon]);
    assert_eq!(
        err,
        format!(
            "{}: feature #0 (id p), field 'geometry': empty Polygon",
            p.display()
        )
    );
    let empty_point = r#"{"type":"Feature","id":"q","properties":{"name":"x"},"geometry":{"type":"Point","coordinates":[]}}"#;
    let (p, err, _dir) = geojson_err(&[GOOD_SCHOOL, empty_point]);
    assert_eq!(
        err,
        format!(
            "{}: feature #1 (id q), field 'geometry': empty Point",
            p.display()
        )
    );
    let (p, err, _dir) = geojson_err(&[NULL_GEOMETRY]);
    assert_eq!(
        err,
        format!(
            "{}: feature #0, field 'geometry': geometry is null",
            p.display()
        )
    );
}

#[test]
fn nan_and_huge_numbers_in_csv() {
    // GeoJSON cannot carry NaN; a CSV can. 1e400 overflows to infinity.
    let dir = tempfile::tempdir().unwrap();
    let text = "id,name,lon,lat\nV1,甲,112.5,33.5\nV2,乙,112.5,NaN\nV3,丙,1e400,33.5\n";
    let p = write(dir.path(), "v.csv", text.as_bytes());
    let opts = LoadOptions::default();
    let err = csv::read(&input(&p, LayerKind::Venues, Some(Crs::Wgs84)), &opts).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "{}: feature #1 (line 3, id V2), field 'lat': 'NaN' is not a finite number",
            p.display()
        )
    );
    let opts = LoadOptions {
        skip_invalid: true,
        ..LoadOptions::default()
    };
    let raw = csv::read(&input(&p, LayerKind::Venues, Some(Crs::Wgs84)), &opts).unwrap();
    assert_eq!(raw.features.len(), 1);
    let reasons: Vec<(String, String, String)> = raw
        .skipped
        .iter()
        .map(|s| (s.feature.clone(), s.field.clone(), s.reason.clone()))
        .collect();
    assert_eq!(
        reasons,
        vec![
            (
                "#1 (line 3, id V2)".into(),
                "lat".into(),
                "'NaN' is not a finite number".into()
            ),
            (
                "#2 (line 4, id V3)".into(),
                "lon".into(),
                "'1e400' is not a finite number".into()
            ),
        ]
    );
}

#[test]
fn bad_number_names_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    // A quoted field with a line break: line numbers count lines of the file, not rows.
    let text = "name;lng;lat\n\"甲\n(二楼)\";112.5;33.5\n乙;112,5;33.5\n";
    let p = write(dir.path(), "v.csv", text.as_bytes());
    let err = csv::read(
        &input(&p, LayerKind::Venues, Some(Crs::Gcj02)),
        &LoadOptions::default(),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "{}: feature #1 (line 4), field 'lng': '112,5' is not a number",
            p.display()
        )
    );
}

#[test]
fn missing_required_field() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "schools.geojson", &fc(&[GOOD_SCHOOL, NO_NAME]));
    let opts = LoadOptions::default();
    let raw = geojson::read(&input(&p, LayerKind::Schools, None), &opts).unwrap();
    let err = build::schools(&raw, &opts).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "{}: feature #1 (id d), field 'name': the school's name is missing or empty (attribute names recognised: {}; add yours in the --fields config)",
            p.display(),
            "name, 名称, 学校名称, 单位名称, 企业名称, 场所名称, 店名, 名字, mc, xxmc, dwmc, name_zh, title"
        )
    );
    // A gate must name its school.
    let p = write(
        dir.path(),
        "gates.geojson",
        &fc(&[
            r#"{"type":"Feature","properties":{"id":"G1"},"geometry":{"type":"Point","coordinates":[112.43,33.49]}}"#,
        ]),
    );
    let raw = geojson::read(&input(&p, LayerKind::Gates, None), &opts).unwrap();
    let err = build::gates(&raw, &opts).unwrap_err().to_string();
    assert!(
        err.starts_with(&format!(
            "{}: feature #0 (id G1), field 'school_id': the gate's school id is missing or empty",
            p.display()
        )),
        "{err}"
    );
}

#[test]
fn unknown_category_value() {
    let dir = tempfile::tempdir().unwrap();
    let text = "id,name,category,lon,lat\nV1,星际网咖,internet_cafe,112.5,33.5\nV2,皇家会所,casino_hall,112.5,33.5\n";
    let p = write(dir.path(), "v.csv", text.as_bytes());
    let opts = LoadOptions::default();
    let raw = csv::read(&input(&p, LayerKind::Venues, Some(Crs::Wgs84)), &opts).unwrap();
    let err = build::venues(&raw, &opts).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "{}: feature #1 (id V2), field 'category': unknown category 'casino_hall' (expected one of: internet_cafe, ktv, game_hall, lottery, tobacco, hazardous, bar, other)",
            p.display()
        )
    );
}

#[test]
fn duplicate_ids() {
    let dir = tempfile::tempdir().unwrap();
    let text = "编号,名称,经度,纬度\nV1,甲,112.5,33.5\nV1,乙,112.6,33.5\n";
    let p = write(dir.path(), "v.csv", text.as_bytes());
    let opts = LoadOptions::default();
    let raw = csv::read(&input(&p, LayerKind::Venues, Some(Crs::Wgs84)), &opts).unwrap();
    let err = build::venues(&raw, &opts).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "{}: feature #1 (id V1), field '编号': duplicate id 'V1' (feature #0 has it too)",
            p.display()
        )
    );
}

#[test]
fn unknown_crs() {
    let dir = tempfile::tempdir().unwrap();
    let with_crs = |name: &str| {
        format!(
            r#"{{"type":"FeatureCollection","crs":{{"type":"name","properties":{{"name":"{name}"}}}},"features":[{GOOD_SCHOOL}]}}"#
        )
    };
    let p = write(
        dir.path(),
        "a.geojson",
        with_crs("urn:ogc:def:crs:EPSG::mars").as_bytes(),
    );
    let err = geojson::read(
        &input(&p, LayerKind::Schools, None),
        &LoadOptions::default(),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "{}: crs member: unknown CRS 'EPSG:mars' (expected wgs84, cgcs2000, gcj02, bd09, EPSG:<code>, a PROJ string or WKT)",
            p.display()
        )
    );
    // A well-formed code PROJ does not know.
    let p = write(dir.path(), "b.geojson", with_crs("EPSG:999999").as_bytes());
    let err = geojson::read(
        &input(&p, LayerKind::Schools, None),
        &LoadOptions::default(),
    )
    .unwrap_err();
    let text = err.to_string();
    assert!(
        text.starts_with(&format!(
            "{}: PROJ does not know CRS 'EPSG:999999': ",
            p.display()
        )),
        "{text}"
    );
    // The GeoJSON 2008 'EPSG' form is understood.
    let epsg = format!(
        r#"{{"type":"FeatureCollection","crs":{{"type":"EPSG","properties":{{"code":4326}}}},"features":[{GOOD_SCHOOL}]}}"#
    );
    let p = write(dir.path(), "c.geojson", epsg.as_bytes());
    let raw = geojson::read(
        &input(&p, LayerKind::Schools, None),
        &LoadOptions::default(),
    )
    .unwrap();
    assert_eq!(raw.crs, Crs::Wgs84);
}

#[test]
fn csv_without_declared_crs() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "v.csv", b"name,x,y\nA,354087.635,3708196.633\n");
    let err = csv::read(&input(&p, LayerKind::Venues, None), &LoadOptions::default()).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "{}: a CSV file states no CRS, and its coordinates look projected (x = 354087.635, y = 3708196.633 on line 2): declare the CRS with --venues-crs EPSG:<code>",
            p.display()
        )
    );
    let p = write(dir.path(), "w.csv", b"name,lon,lat\nA,112.43,33.49\n");
    let err = csv::read(&input(&p, LayerKind::Water, None), &LoadOptions::default()).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "{}: a CSV file states no CRS: declare it with --water-crs (wgs84, cgcs2000, gcj02, bd09, EPSG:<code> or a PROJ string)",
            p.display()
        )
    );
    // Declared, the projected values convert: pyproj gives EPSG:4547 (354087.635, 3708196.633) for
    // (112.43, 33.49) (DESIGN C; tests/data/load/make_fixtures.py).
    let raw = csv::read(
        &input(&p, LayerKind::Water, Some(Crs::Wgs84)),
        &LoadOptions::default(),
    )
    .unwrap();
    assert_eq!(raw.features.len(), 1);
    let p = write(
        dir.path(),
        "x.csv",
        b"name,x,y\nA,354087.63526668923,3708196.6330118384\n",
    );
    let raw = csv::read(
        &input(&p, LayerKind::Venues, Some("EPSG:4547".parse().unwrap())),
        &LoadOptions::default(),
    )
    .unwrap();
    let geo_types::Geometry::Point(pt) = raw.features[0].geometry else {
        panic!("point expected")
    };
    assert!(
        (pt.x() - 112.43).abs() < 1e-8 && (pt.y() - 33.49).abs() < 1e-8,
        "{pt:?}"
    );
}

#[test]
fn csv_without_coordinate_columns() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "v.csv", "名称,地址\n甲,城关镇\n".as_bytes());
    let err = csv::read(
        &input(&p, LayerKind::Venues, Some(Crs::Wgs84)),
        &LoadOptions::default(),
    )
    .unwrap_err();
    let text = err.to_string();
    assert!(
        text.starts_with(&format!(
            "{}: not a valid CSV file: no coordinate columns: expected a longitude and a latitude column (lon, lng, longitude, 经度",
            p.display()
        )),
        "{text}"
    );
    assert!(text.ends_with("the header has: 名称, 地址"), "{text}");
}

#[test]
fn shapefile_without_prj_or_declaration() {
    let input = input(&fixture("water_lines_noprj.shp"), LayerKind::Water, None);
    let err = shp::read(&input, &LoadOptions::default()).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "{}: no .prj file and no declared CRS: declare it with --water-crs (wgs84, cgcs2000, gcj02, bd09, EPSG:<code> or a PROJ string)",
            fixture("water_lines_noprj.shp").display()
        )
    );
}

#[test]
fn truncated_shapefile() {
    // schools_gbk.shp without its last 40 bytes (make_fixtures.py): the third record is cut.
    let path = fixture("schools_truncated.shp");
    let err = shp::read(
        &input(&path, LayerKind::Schools, None),
        &LoadOptions::default(),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "{}: not a valid Shapefile file: shape record 2: failed to fill whole buffer (the .shp is truncated or corrupt)",
            path.display()
        )
    );
    // A missing .dbf is named too.
    let dir = tempfile::tempdir().unwrap();
    let lone = dir.path().join("lone.shp");
    std::fs::copy(fixture("schools_gbk.shp"), &lone).unwrap();
    let err = shp::read(
        &input(&lone, LayerKind::Schools, Some(Crs::Wgs84)),
        &LoadOptions::default(),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "{}: not a valid Shapefile file: its .dbf file (the attribute table) is missing",
            lone.display()
        )
    );
}

#[test]
fn skip_invalid_loads_the_rest_and_lists_every_skipped_feature() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "schools.geojson",
        &fc(&[
            GOOD_SCHOOL,
            UNCLOSED,
            NULL_GEOMETRY,
            NO_NAME,
            LAT_95,
            r#"{"type":"Fea"}"#,
        ]),
    );
    let opts = LoadOptions {
        skip_invalid: true,
        ..LoadOptions::default()
    };
    let (ds, report) = load_all(&[input(&p, LayerKind::Schools, None)], &[], &opts).unwrap();
    assert_eq!(ds.schools.len(), 1);
    assert_eq!(ds.schools[0].name, "城关小学");
    let skipped = &report.files[0].skipped;
    let sk = |feature: &str, field: &str, reason: &str| SkippedFeature {
        feature: feature.into(),
        field: field.into(),
        reason: reason.into(),
    };
    assert_eq!(
        skipped,
        &vec![
            sk(
                "#1 (id b)",
                "geometry",
                "ring 0: ring is not closed (first position (112.43, 33.49), last (112.431, 33.49))"
            ),
            sk("#2", "geometry", "geometry is null"),
            // The name is checked when the school is built, after reading; a GeoJSON file's faults are
            // still listed in file order.
            sk(
                "#3 (id d)",
                "name",
                "the school's name is missing or empty (attribute names recognised: name, 名称, 学校名称, 单位名称, 企业名称, 场所名称, 店名, 名字, mc, xxmc, dwmc, name_zh, title; add yours in the --fields config)"
            ),
            sk(
                "#4 (id e)",
                "geometry",
                "coordinate (112.5, 95) is not a valid longitude/latitude (longitude must be within ±180, latitude within ±90)"
            ),
            sk("#5", "type", r#"not a GeoJSON Feature: {"type":"Fea"}"#),
        ]
    );
    assert_eq!(report.skipped_count(), 5);
    let text = report.to_string();
    assert!(
        text.contains(
            "  skipped    5\n    #1 (id b), field 'geometry': ring 0: ring is not closed"
        ),
        "{text}"
    );
}

#[test]
fn top_level_forms() {
    let dir = tempfile::tempdir().unwrap();
    let opts = LoadOptions::default();
    let read = |name: &str, text: &str| {
        let p = write(dir.path(), name, text.as_bytes());
        (
            geojson::read(&input(&p, LayerKind::Schools, None), &opts),
            p,
        )
    };
    // A single Feature, with the crs member before or after it.
    let single = GOOD_SCHOOL.replacen(
        '{',
        r#"{"crs":{"type":"name","properties":{"name":"EPSG:4326"}},"#,
        1,
    );
    let (raw, _) = read("single.geojson", &single);
    let raw = raw.unwrap();
    assert_eq!((raw.features.len(), raw.crs.clone()), (1, Crs::Wgs84));
    assert_eq!(raw.features[0].get("name"), Some("城关小学"));
    // An object with features but no type, a geometry at the top level, trailing text and features
    // that are not an array are not accepted. (GOOD_SCHOOL's second line has 129 characters; then
    // "] x": the x is column 132.)
    for (name, text, message) in [
        (
            "untyped.geojson",
            format!(r#"{{"features":[{GOOD_SCHOOL}]}}"#),
            "the top-level object has no 'type'",
        ),
        (
            "point.geojson",
            r#"{"type":"Point","coordinates":[112.4,33.5]}"#.to_string(),
            "expected a FeatureCollection, a Feature or an array of Features, got type 'Point'",
        ),
        (
            "trailing.geojson",
            format!("[{GOOD_SCHOOL}] x"),
            "trailing characters at line 2 column 132",
        ),
        (
            "fc.geojson",
            r#"{"type":"FeatureCollection","features":{}}"#.to_string(),
            "invalid type: map, expected an array of Features at line 1 column 39",
        ),
    ] {
        let (err, p) = read(name, &text);
        assert_eq!(
            err.unwrap_err().to_string(),
            format!("{}: not a valid GeoJSON file: {message}", p.display())
        );
    }
}

/// The layer files are read side by side, but the error reported is that of the first bad file in
/// input order — here a large schools file broken at its end, which finishes after the small broken
/// water file that follows it — and the same on every run.
#[test]
fn the_first_bad_file_in_input_order_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let mut schools: Vec<String> = (0..30_000)
        .map(|i| GOOD_SCHOOL.replace("\"id\":\"a\"", &format!("\"id\":\"s{i}\"")))
        .collect();
    schools.push(UNCLOSED.to_string());
    let refs: Vec<&str> = schools.iter().map(String::as_str).collect();
    let s = write(dir.path(), "schools.geojson", &fc(&refs));
    let w = write(
        dir.path(),
        "water.geojson",
        b"{\"type\": \"FeatureCollection\"",
    );
    let inputs = [
        input(&s, LayerKind::Schools, None),
        input(&w, LayerKind::Water, None),
    ];
    let want = format!(
        "{}: feature #30000 (id b), field 'geometry': ring 0: ring is not closed (first position (112.43, 33.49), last (112.431, 33.49))",
        s.display()
    );
    for _ in 0..3 {
        let err = load_all(&inputs, &[], &LoadOptions::default()).unwrap_err();
        assert_eq!(err.to_string(), want);
    }
    // A broken small file listed first stops the large good one listed after it: its error is the one.
    let good: Vec<String> = (0..30_000)
        .map(|i| GOOD_SCHOOL.replace("\"id\":\"a\"", &format!("\"id\":\"g{i}\"")))
        .collect();
    let refs: Vec<&str> = good.iter().map(String::as_str).collect();
    let g = write(dir.path(), "good.geojson", &fc(&refs));
    let first_bad = [
        input(&w, LayerKind::Water, None),
        input(&g, LayerKind::Schools, None),
    ];
    let err = load_all(&first_bad, &[], &LoadOptions::default()).unwrap_err();
    assert!(
        err.to_string().starts_with(&format!("{}: ", w.display())),
        "{err}"
    );
    // Alone, the water file's own error.
    let err = load_all(&inputs[1..], &[], &LoadOptions::default()).unwrap_err();
    assert!(
        err.to_string().starts_with(&format!("{}: ", w.display())),
        "{err}"
    );
}
