//! The file readers on the fixtures of tests/data/load (made by tests/data/load/make_fixtures.py).
//!
//! Expected coordinates are the WGS84 originals the fixture script started from (repeated here): the
//! fixtures hold them projected by pyproj (EPSG:4547) or shifted by coord-convert (GCJ-02), so reading
//! them back checks our conversion against independent implementations.

use std::path::{Path, PathBuf};

use geo_types::{Geometry, Point};
use perimeter::crs::Crs;
use perimeter::geodesy::ground_distance_m;
use perimeter::load::{
    build, csv, geojson, load_all, shp, Input, LayerKind, LoadOptions, RawLayer,
};
use perimeter::model::{Category, Footprint, SchoolKind, Site, Venue, WaterGeom, WaterKind};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/load")
        .join(name)
}

fn input(name: &str, layer: LayerKind, crs: Option<Crs>) -> Input {
    Input {
        path: fixture(name),
        layer,
        crs,
        encoding: None,
    }
}

fn close(got: (f64, f64), want: (f64, f64), tol_deg: f64) {
    assert!(
        (got.0 - want.0).abs() < tol_deg && (got.1 - want.1).abs() < tol_deg,
        "{got:?} vs {want:?}"
    );
}

fn first_vertex(g: &Geometry<f64>) -> (f64, f64) {
    match g {
        Geometry::Polygon(p) => p.exterior().0[0].x_y(),
        Geometry::MultiPolygon(m) => m.0[0].exterior().0[0].x_y(),
        Geometry::Point(p) => p.x_y(),
        other => panic!("unexpected {other:?}"),
    }
}

fn names_of(raw: &RawLayer, key: &str) -> Vec<String> {
    raw.features
        .iter()
        .map(|f| f.get(key).unwrap_or("").to_string())
        .collect()
}

const SCHOOL_NAMES: [&str; 3] = [
    "南召县第一初级中学",
    "南召县城关镇中心小学",
    "南召县云阳镇九年一贯制学校",
];

#[test]
fn geojson_legacy_crs_member_epsg_4547_round_trips() {
    let opts = LoadOptions::default();
    let raw = geojson::read(
        &input("schools_4547.geojson", LayerKind::Schools, None),
        &opts,
    )
    .unwrap();
    assert_eq!(raw.crs, Crs::Proj("EPSG:4547".into()));
    assert_eq!(raw.features.len(), 3);
    // WGS84 originals of make_fixtures.py; pyproj projected them, PROJ (through the proj crate) brings
    // them back.
    close(
        first_vertex(&raw.features[0].geometry),
        (112.4300, 33.4900),
        1e-8,
    );
    close(
        first_vertex(&raw.features[1].geometry),
        (112.4400, 33.4950),
        1e-8,
    );
    close(
        first_vertex(&raw.features[2].geometry),
        (112.4250, 33.4870),
        1e-8,
    );
    let Geometry::Polygon(p) = &raw.features[0].geometry else {
        panic!("not a polygon")
    };
    assert_eq!(p.interiors().len(), 1);
    // The hole runs counter-clockwise from its first corner (112.4304, 33.4903) to (112.4308, 33.4903).
    close(p.interiors()[0].0[0].x_y(), (112.4304, 33.4903), 1e-8);
    close(p.interiors()[0].0[1].x_y(), (112.4308, 33.4903), 1e-8);
    // The Feature `id` member becomes the id attribute; numbers become text; null is left out.
    assert_eq!(raw.features[0].get("id"), Some("4113210001"));
    assert_eq!(raw.features[0].get("pupils"), Some("1200"));
    assert_eq!(raw.features[2].get("township"), None);

    let (schools, skipped) = build::schools(&raw, &opts).unwrap();
    assert!(skipped.is_empty());
    let summary: Vec<(&str, &str, SchoolKind, bool, Option<u32>)> = schools
        .iter()
        .map(|s| {
            (
                s.id.as_str(),
                s.name.as_str(),
                s.kind,
                s.approximate(),
                s.pupils,
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            (
                "4113210001",
                "南召县第一初级中学",
                SchoolKind::Junior,
                false,
                Some(1200)
            ),
            (
                "4113210002",
                "南召县城关镇中心小学",
                SchoolKind::Primary,
                false,
                Some(800)
            ),
            (
                "4113210004",
                "南召县城关镇第二幼儿园",
                SchoolKind::Kindergarten,
                true,
                None
            ),
        ]
    );
    assert_eq!(schools[0].township.as_deref(), Some("城关镇"));

    // Declaring the same CRS is fine; declaring another one is an error.
    let same = input(
        "schools_4547.geojson",
        LayerKind::Schools,
        Some("EPSG:4547".parse().unwrap()),
    );
    assert_eq!(geojson::read(&same, &opts).unwrap().features.len(), 3);
    let other = input("schools_4547.geojson", LayerKind::Schools, Some(Crs::Wgs84));
    let err = geojson::read(&other, &opts).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "{}: the file's crs member says EPSG:4547 but --schools-crs says WGS84 (EPSG:4326); remove one of them",
            fixture("schools_4547.geojson").display()
        )
    );
}

#[test]
fn geojson_bare_array_of_features() {
    let opts = LoadOptions::default();
    let raw = geojson::read(
        &input("venues_array.geojson", LayerKind::Venues, None),
        &opts,
    )
    .unwrap();
    assert_eq!(raw.crs, Crs::Wgs84);
    assert_eq!(raw.features.len(), 3);
    let f1 = &raw.features[1];
    // The `id` member first, then the properties in key order; booleans and numbers as text.
    assert_eq!(
        f1.props,
        vec![
            ("id".into(), "2".into()),
            ("floors".into(), "2".into()),
            ("open".into(), "true".into()),
            ("名称".into(), "星际网络会所".into()),
            ("场所类别".into(), "internet_cafe".into()),
        ]
    );
    assert_eq!(raw.features[2].get("note"), None);
    let (venues, _) = build::venues(&raw, &opts).unwrap();
    let got: Vec<(&str, &str, Category)> = venues
        .iter()
        .map(|v| (v.id(), v.name(), v.category))
        .collect();
    assert_eq!(
        got,
        vec![
            ("1", "麦乐迪KTV", Category::Ktv),
            ("2", "星际网络会所", Category::InternetCafe),
            ("3", "城南加油站", Category::Hazardous),
        ]
    );
    assert_eq!(venues[0].address(), Some("城关镇人民路12号"));
    assert_eq!(
        venues[0].footprint,
        Footprint::Door(Point::new(112.4321, 33.4912))
    );
    assert!(matches!(venues[1].footprint, Footprint::Area(_)));
}

#[test]
fn gbk_shapefile_with_cpg_gives_exact_chinese_names() {
    let opts = LoadOptions::default();
    let raw = shp::read(&input("schools_gbk.shp", LayerKind::Schools, None), &opts).unwrap();
    assert_eq!(raw.encoding.as_deref(), Some("GBK (.cpg)"));
    assert_eq!(raw.crs.name(), "WKT CGCS2000_3_Degree_GK_CM_114E");
    let names = names_of(&raw, "学校名称");
    assert_eq!(names, SCHOOL_NAMES);
    // Byte-exact: the UTF-8 bytes of what pyshp encoded as GBK.
    assert_eq!(names[0].as_bytes(), "南召县第一初级中学".as_bytes());
    assert_eq!(raw.features[0].get("学生数"), Some("1200"));
    // The .prj is ESRI WKT for EPSG:4547; pyproj projected the originals.
    close(
        first_vertex(&raw.features[0].geometry),
        (112.4300, 33.4900),
        1e-8,
    );
    close(
        first_vertex(&raw.features[2].geometry),
        (112.4500, 33.5000),
        1e-8,
    );

    let (schools, _) = build::schools(&raw, &opts).unwrap();
    let kinds: Vec<SchoolKind> = schools.iter().map(|s| s.kind).collect();
    assert_eq!(
        kinds,
        [
            SchoolKind::Junior,
            SchoolKind::Primary,
            SchoolKind::NineYear
        ]
    );
    assert_eq!(schools[0].id, "4113210001");
    assert_eq!(schools[0].township.as_deref(), Some("城关镇"));
    // Ring orientation: S1 is one polygon with one hole; S3 two polygons without holes.
    let Site::Area(s1) = &schools[0].site else {
        panic!("S1 is an area")
    };
    assert_eq!((s1.0.len(), s1.0[0].interiors().len()), (1, 1));
    let Site::Area(s3) = &schools[2].site else {
        panic!("S3 is an area")
    };
    assert_eq!(s3.0.len(), 2);
    assert!(s3.0.iter().all(|p| p.interiors().is_empty()));
}

#[test]
fn gbk_shapefile_without_cpg_is_detected() {
    let opts = LoadOptions::default();
    let raw = shp::read(
        &input("schools_gbk_nocpg.shp", LayerKind::Schools, None),
        &opts,
    )
    .unwrap();
    assert_eq!(raw.encoding.as_deref(), Some("GBK (detected)"));
    assert_eq!(names_of(&raw, "学校名称"), SCHOOL_NAMES);
    // An explicit encoding wins; GB18030 is a superset of GBK, so the names stay exact.
    let mut forced = input("schools_gbk_nocpg.shp", LayerKind::Schools, None);
    forced.encoding = Some(encoding_rs::GB18030);
    let raw = shp::read(&forced, &opts).unwrap();
    assert_eq!(raw.encoding.as_deref(), Some("gb18030 (--encoding)"));
    assert_eq!(names_of(&raw, "学校名称"), SCHOOL_NAMES);
}

#[test]
fn utf8_point_shapefile_with_cpg() {
    let opts = LoadOptions::default();
    let raw = shp::read(
        &input("schools_points_utf8.shp", LayerKind::Schools, None),
        &opts,
    )
    .unwrap();
    assert_eq!(raw.encoding.as_deref(), Some("UTF-8 (.cpg)"));
    assert_eq!(
        raw.crs,
        Crs::Wgs84,
        "GCS_WGS_1984 maps to the built-in WGS84"
    );
    let (schools, _) = build::schools(&raw, &opts).unwrap();
    let got: Vec<(&str, &str, SchoolKind, bool)> = schools
        .iter()
        .map(|s| (s.id.as_str(), s.name.as_str(), s.kind, s.approximate()))
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "P1",
                "南召县皇后乡中心幼儿园",
                SchoolKind::Kindergarten,
                true
            ),
            // The explicit KIND field wins over the name's 小学.
            ("P2", "南召县留山镇希望小学", SchoolKind::NineYear, true),
        ]
    );
    assert_eq!(schools[0].site, Site::Point(Point::new(112.41, 33.48)));
}

#[test]
fn polygonz_polyline_multipoint_and_polygonm_shapes() {
    let opts = LoadOptions::default();
    let raw = shp::read(&input("water_polygonz.shp", LayerKind::Water, None), &opts).unwrap();
    assert_eq!(raw.encoding.as_deref(), Some("UTF-8 (detected)"));
    let (water, _) = build::water(&raw, &opts).unwrap();
    let got: Vec<(&str, &str, WaterKind)> = water
        .iter()
        .map(|w| (w.id.as_str(), w.name.as_str(), w.kind))
        .collect();
    // No id attribute: ids are <file stem>:<index>. Kinds from the names (坑塘 → pond, 水库 → reservoir).
    assert_eq!(
        got,
        vec![
            ("water_polygonz:0", "东湾坑塘", WaterKind::Pond),
            ("water_polygonz:1", "鸭河口水库", WaterKind::Reservoir),
        ]
    );
    assert!(water.iter().all(|w| matches!(w.geom, WaterGeom::Area(_))));

    let lines = input("water_lines_noprj.shp", LayerKind::Water, Some(Crs::Wgs84));
    let raw = shp::read(&lines, &opts).unwrap();
    let (water, _) = build::water(&raw, &opts).unwrap();
    let parts: Vec<(&str, WaterKind, usize)> = water
        .iter()
        .map(|w| match &w.geom {
            WaterGeom::Line(l) => (w.name.as_str(), w.kind, l.0.len()),
            WaterGeom::Area(_) => panic!("lines expected"),
        })
        .collect();
    assert_eq!(
        parts,
        vec![
            ("白河", WaterKind::River, 1),
            ("东干渠", WaterKind::Canal, 2)
        ]
    );

    let raw = shp::read(
        &input("venues_multipoint.shp", LayerKind::Venues, None),
        &opts,
    )
    .unwrap();
    let (venues, _) = build::venues(&raw, &opts).unwrap();
    assert_eq!(venues[0].category, Category::Lottery);
    assert_eq!(
        venues[0].footprint,
        Footprint::Door(Point::new(112.431, 33.4915))
    );

    let raw = shp::read(
        &input("venues_polygonm.shp", LayerKind::Venues, None),
        &opts,
    )
    .unwrap();
    let (venues, _) = build::venues(&raw, &opts).unwrap();
    assert_eq!(venues[0].category, Category::Hazardous);
    let Footprint::Area(a) = &venues[0].footprint else {
        panic!("footprint expected")
    };
    assert_eq!(
        a.0[0].exterior().0[0],
        geo_types::coord! { x: 112.428, y: 33.488 }
    );
}

/// WGS84 originals of the CSV venues (make_fixtures.py CSV_VENUES).
const VENUES_WGS84: [(f64, f64); 5] = [
    (112.4322, 33.4921),
    (112.4291, 33.4897),
    (112.4412, 33.4961),
    (112.4305, 33.4889),
    (112.4290, 33.4880),
];

#[test]
fn csv_with_bom_in_gcj02_lands_within_a_centimetre() {
    let opts = LoadOptions::default();
    let raw = csv::read(
        &input("venues_gcj02_bom.csv", LayerKind::Venues, Some(Crs::Gcj02)),
        &opts,
    )
    .unwrap();
    assert_eq!(raw.encoding.as_deref(), Some("UTF-8 (BOM)"));
    let (venues, _) = build::venues(&raw, &opts).unwrap();
    assert_eq!(venues.len(), 5);
    // The GCJ-02 values were made by coord-convert (PyPI) from these WGS84 originals; our iterative
    // inverse must bring every one back within 1 cm.
    let mut worst = 0.0f64;
    for (v, want) in venues.iter().zip(VENUES_WGS84) {
        let Footprint::Door(p) = v.footprint else {
            panic!("door expected")
        };
        let d = ground_distance_m(p.x_y(), want);
        worst = worst.max(d);
        assert!(d < 0.01, "{}: {d} m", v.name());
    }
    eprintln!("worst GCJ-02 round trip: {worst:.2e} m");
    let got: Vec<(&str, &str, Category)> = venues
        .iter()
        .map(|v| (v.id(), v.name(), v.category))
        .collect();
    assert_eq!(
        got,
        vec![
            ("V001", "星际网咖", Category::InternetCafe),
            ("V002", "金嗓子练歌房", Category::Ktv),
            ("V003", "中国福利彩票4113210号", Category::Lottery),
            // 便民超市 says nothing; its business scope 卷烟零售 makes it a tobacco retailer.
            ("V004", "便民超市", Category::Tobacco),
            ("V005", "城南加油站", Category::Hazardous),
        ]
    );
    assert_eq!(venues[3].scope(), Some("日用百货、卷烟零售"));
    assert_eq!(venues[0].address(), Some("城关镇人民路18号"));
}

/// With `drop_venue_details` (what `perimeter scan`, `check` and `posts plan` load) a venue keeps its
/// id, name, licence, category and position — the business scope still classifies it — but not its
/// address, scope or status.
#[test]
fn venue_details_dropped_keep_identity_and_category() {
    let keep = LoadOptions::default();
    let drop = LoadOptions {
        drop_venue_details: true,
        ..LoadOptions::default()
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("venues.csv");
    std::fs::write(
        &path,
        "id,name,lon,lat,licence,address,scope,status\n\
         V1,星际网咖,112.43,33.49,92411303MA00000001,城关镇人民路18号,互联网上网服务,存续\n\
         V2,便民超市,112.44,33.50,92411303MA00000002,城关镇解放街3号,日用百货、卷烟零售,在业\n",
    )
    .unwrap();
    let file = Input {
        path,
        layer: LayerKind::Venues,
        crs: Some(Crs::Wgs84),
        encoding: None,
    };
    let raw = csv::read(&file, &keep).unwrap();
    let (full, _) = build::venues(&raw, &keep).unwrap();
    let (lean, _) = build::venues(&raw, &drop).unwrap();
    fn texts(v: &Venue) -> (Option<&str>, Option<&str>, Option<&str>) {
        (v.address(), v.scope(), v.status())
    }
    type Identity<'a> = (&'a str, &'a str, Option<&'a str>, Category, Footprint);
    fn identity(v: &Venue) -> Identity<'_> {
        (
            v.id(),
            v.name(),
            v.licence(),
            v.category,
            v.footprint.clone(),
        )
    }
    assert_eq!(
        full.iter().map(texts).collect::<Vec<_>>(),
        [
            (
                Some("城关镇人民路18号"),
                Some("互联网上网服务"),
                Some("存续")
            ),
            (
                Some("城关镇解放街3号"),
                Some("日用百货、卷烟零售"),
                Some("在业")
            ),
        ]
    );
    assert_eq!(
        lean.iter().map(texts).collect::<Vec<_>>(),
        [(None, None, None), (None, None, None)]
    );
    assert_eq!(
        lean.iter().map(identity).collect::<Vec<_>>(),
        full.iter().map(identity).collect::<Vec<_>>()
    );
    assert_eq!(
        lean.iter()
            .map(|v| (v.licence(), v.category))
            .collect::<Vec<_>>(),
        [
            (Some("92411303MA00000001"), Category::InternetCafe),
            (Some("92411303MA00000002"), Category::Tobacco),
        ]
    );
}

#[test]
fn gbk_csv_without_bom_is_detected() {
    let opts = LoadOptions::default();
    let raw = csv::read(
        &input("venues_gbk.csv", LayerKind::Venues, Some(Crs::Wgs84)),
        &opts,
    )
    .unwrap();
    assert_eq!(raw.encoding.as_deref(), Some("GBK (detected)"));
    assert_eq!(
        names_of(&raw, "名称"),
        [
            "星际网咖",
            "金嗓子练歌房",
            "中国福利彩票4113210号",
            "便民超市",
            "城南加油站"
        ]
    );
    let (venues, _) = build::venues(&raw, &opts).unwrap();
    assert_eq!(venues[2].id(), "venues_gbk:2");
    assert_eq!(venues[2].category, Category::Lottery);
    // WGS84 declared: the positions are the file's numbers.
    for (v, want) in venues.iter().zip(VENUES_WGS84) {
        assert_eq!(v.footprint, Footprint::Door(Point::new(want.0, want.1)));
    }
}

#[test]
fn wkt_column_csv() {
    let opts = LoadOptions::default();
    let raw = csv::read(
        &input("water_wkt.csv", LayerKind::Water, Some(Crs::Wgs84)),
        &opts,
    )
    .unwrap();
    // Tab-separated; the WKT column is not kept as an attribute.
    assert_eq!(
        raw.features[0].props,
        vec![
            ("id".into(), "W1".into()),
            ("name".into(), "东湾坑塘".into())
        ]
    );
    let (water, _) = build::water(&raw, &opts).unwrap();
    let got: Vec<(&str, WaterKind, bool)> = water
        .iter()
        .map(|w| (w.id.as_str(), w.kind, matches!(w.geom, WaterGeom::Area(_))))
        .collect();
    assert_eq!(
        got,
        vec![
            ("W1", WaterKind::Pond, true),
            ("W2", WaterKind::River, false),
            ("W3", WaterKind::Reservoir, true),
        ]
    );
}

#[test]
fn load_all_attaches_gates_and_reports() {
    let opts = LoadOptions::default();
    let inputs = vec![
        input("schools_gbk.shp", LayerKind::Schools, None),
        input("schools_points_utf8.shp", LayerKind::Schools, None),
        input("venues_gcj02_bom.csv", LayerKind::Venues, Some(Crs::Gcj02)),
        input("water_wkt.csv", LayerKind::Water, Some(Crs::Wgs84)),
        input("gates.geojson", LayerKind::Gates, None),
    ];
    let (ds, report) = load_all(&inputs, &[], &opts).unwrap();
    assert_eq!(
        (ds.schools.len(), ds.venues.len(), ds.water.len()),
        (5, 5, 3)
    );
    // gates.geojson: G1, G2 → 4113210001, G3 → 4113210002, G9 → a school that does not exist.
    let gates: Vec<usize> = ds.schools.iter().map(|s| s.gates.len()).collect();
    assert_eq!(gates, [2, 1, 0, 0, 0]);
    assert_eq!(ds.schools[0].gates[1].name.as_deref(), Some("北门"));
    let g = &report.files[4];
    assert_eq!((g.layer, g.gates, g.gates_attached), ("gates", 4, 3));
    assert_eq!(g.gates_unmatched, ["4113219999"]);
    assert_eq!(
        (report.schools, report.approximate_schools, report.gates),
        (5, 2, 3)
    );

    let s = &report.files[0];
    assert_eq!(s.encoding.as_deref(), Some("GBK (.cpg)"));
    let kinds: Vec<(SchoolKind, usize)> = s.schools_by_kind.iter().map(|(k, n)| (*k, *n)).collect();
    assert_eq!(
        kinds,
        [
            (SchoolKind::Primary, 1),
            (SchoolKind::Junior, 1),
            (SchoolKind::NineYear, 1)
        ]
    );
    // Extent of the three campuses: the originals' corners (make_fixtures.py), back from EPSG:4547.
    let b = s.bbox.unwrap();
    close((b.min_lon, b.min_lat), (112.4300, 33.4900), 1e-8);
    close((b.max_lon, b.max_lat), (112.4526, 33.5008), 1e-8);
    let v = &report.files[2];
    assert_eq!(v.venues_by_category.len(), 5);
    assert!(v.venues_by_category.values().all(|n| *n == 1));

    let text = report.to_string();
    for line in [
        "  encoding   GBK (.cpg)\n",
        "  CRS        WKT CGCS2000_3_Degree_GK_CM_114E\n",
        "  schools    primary 1, junior 1, nine-year 1\n",
        "  approximate 2 (point only; distances from them are approximate)\n",
        "  gates      4 read, 3 attached; no such school: 4113219999\n",
        "  extent     lon 112.430000 … 112.452600, lat 33.490000 … 33.500800 (WGS84)\n",
        "total: 5 schools (2 approximate), 5 venues, 3 water bodies, 3 gates; 0 features skipped\n",
    ] {
        assert!(text.contains(line), "missing {line:?} in\n{text}");
    }
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["files"][0]["schools_by_kind"]["nine-year"], 1);
    assert_eq!(json["files"][2]["venues_by_category"]["internet_cafe"], 1);
    assert_eq!(json["files"][4]["gates_unmatched"][0], "4113219999");
}

#[test]
fn declared_crs_wins_over_prj_and_the_report_says_so() {
    let opts = LoadOptions::default();
    // The .prj says GCS_WGS_1984; declaring WGS84 too gives the same positions and a note.
    let inputs = vec![input(
        "schools_points_utf8.shp",
        LayerKind::Schools,
        Some(Crs::Wgs84),
    )];
    let (ds, report) = load_all(&inputs, &[], &opts).unwrap();
    assert_eq!(ds.schools[1].site, Site::Point(Point::new(112.415, 33.482)));
    assert_eq!(
        report.files[0].notes,
        [".prj ignored: the CRS declared with --schools-crs wins"]
    );
}

#[test]
fn encoding_flag_language_driver_and_deleted_records() {
    let opts = LoadOptions::default();
    // CSV: the flag applies when there is no BOM; a BOM wins over the flag.
    let mut gbk = input("venues_gbk.csv", LayerKind::Venues, Some(Crs::Wgs84));
    gbk.encoding = Some(encoding_rs::GBK);
    let raw = csv::read(&gbk, &opts).unwrap();
    assert_eq!(raw.encoding.as_deref(), Some("GBK (--encoding)"));
    assert_eq!(raw.features[0].get("名称"), Some("星际网咖"));
    let mut bom = input("venues_gcj02_bom.csv", LayerKind::Venues, Some(Crs::Gcj02));
    bom.encoding = Some(encoding_rs::GBK);
    let raw = csv::read(&bom, &opts).unwrap();
    assert_eq!(raw.encoding.as_deref(), Some("UTF-8 (BOM)"));
    assert_eq!(raw.features[0].get("名称"), Some("星际网咖"));

    // Shapefile: no .cpg but the dBase language driver byte (offset 29) says 0x4d = GBK.
    let dir = tempfile::tempdir().unwrap();
    for ext in ["shp", "shx", "prj"] {
        std::fs::copy(
            fixture(&format!("schools_gbk_nocpg.{ext}")),
            dir.path().join(format!("s.{ext}")),
        )
        .unwrap();
    }
    let mut dbf = std::fs::read(fixture("schools_gbk_nocpg.dbf")).unwrap();
    dbf[29] = 0x4d;
    // Mark the second record deleted: records start at the header length (bytes 8-9), each
    // record_len (bytes 10-11) long, with the deletion flag first.
    let header_len = usize::from(u16::from_le_bytes([dbf[8], dbf[9]]));
    let record_len = usize::from(u16::from_le_bytes([dbf[10], dbf[11]]));
    dbf[header_len + record_len] = b'*';
    std::fs::write(dir.path().join("s.dbf"), &dbf).unwrap();
    let s = Input {
        path: dir.path().join("s.shp"),
        layer: LayerKind::Schools,
        crs: None,
        encoding: None,
    };
    let raw = shp::read(&s, &opts).unwrap();
    assert_eq!(raw.encoding.as_deref(), Some("GBK (language driver 0x4d)"));
    assert_eq!(
        names_of(&raw, "学校名称"),
        ["南召县第一初级中学", "南召县云阳镇九年一贯制学校"]
    );
    let skipped: Vec<(&str, &str, &str)> = raw
        .skipped
        .iter()
        .map(|s| (s.feature.as_str(), s.field.as_str(), s.reason.as_str()))
        .collect();
    assert_eq!(
        skipped,
        [(
            "#1 (id 4113210002)",
            "(record)",
            "marked deleted in the .dbf"
        )]
    );

    // A .cpg naming an unknown code page is an error that says what to do.
    std::fs::write(dir.path().join("s.cpg"), "klingon").unwrap();
    let err = shp::read(&s, &opts).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "{}: not a valid Shapefile file: the .cpg names an unknown code page 'klingon': pass --encoding (utf-8, gbk, gb18030)",
            s.path.display()
        )
    );
}
