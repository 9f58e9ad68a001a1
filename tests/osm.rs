//! The OpenStreetMap reader on the two real extracts of `../shared/data/` and on small hand-written
//! files.
//!
//! Every expected count for the real extracts was produced by `tests/data/osm/count_osm.py`, an
//! independent Python implementation of the same tag rules: it parses the XML with the standard
//! library's `xml.etree` and the PBF with pyosmium, joins multipolygon rings with its own (different)
//! algorithm, cross-checks the PBF's multipolygons against libosmium's area assembler, reads the keyword
//! rules from `data/categories.toml` with `tomllib`, and measures gate distances in its own
//! equirectangular frame. Run it as
//! `python3 tests/data/osm/count_osm.py ../shared/data/nanjing_xinjiekou_2021-06-12.osm ../shared/data/monaco_2020-02-25.osm.pbf`.
//!
//! OSM data © OpenStreetMap contributors, ODbL 1.0.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use geo::Area;
use geo::Winding;
use perimeter::geodesy::karney;
use perimeter::load::osm::{self, OsmData};
use perimeter::load::{LoadError, LoadOptions};
use perimeter::model::{Category, Footprint, School, SchoolKind, Site, WaterGeom, WaterKind};

fn shared(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data")
        .join(name)
}

fn nanjing() -> PathBuf {
    shared("nanjing_xinjiekou_2021-06-12.osm")
}

fn monaco() -> PathBuf {
    shared("monaco_2020-02-25.osm.pbf")
}

fn read(path: &Path) -> OsmData {
    osm::read(path, &LoadOptions::default()).unwrap_or_else(|e| panic!("{e}"))
}

fn site(s: &School) -> &'static str {
    match s.site {
        Site::Area(_) => "polygon",
        Site::Point(_) => "point",
    }
}

/// (id, kind, polygon|point) of every school.
fn school_list(d: &OsmData) -> Vec<(String, SchoolKind, &'static str)> {
    d.schools
        .iter()
        .map(|s| (s.id.clone(), s.kind, site(s)))
        .collect()
}

fn venue_counts(d: &OsmData) -> BTreeMap<(Category, &'static str), usize> {
    let mut m = BTreeMap::new();
    for v in &d.venues {
        let g = match v.footprint {
            Footprint::Door(_) => "door",
            Footprint::Area(_) => "area",
        };
        *m.entry((v.category, g)).or_default() += 1;
    }
    m
}

fn water_counts(d: &OsmData) -> BTreeMap<(WaterKind, &'static str), usize> {
    let mut m = BTreeMap::new();
    for w in &d.water {
        let g = match w.geom {
            WaterGeom::Area(_) => "area",
            WaterGeom::Line(_) => "line",
        };
        *m.entry((w.kind, g)).or_default() += 1;
    }
    m
}

/// (venue id, category) of every venue whose category is not `other`.
fn flagged_venues(d: &OsmData) -> Vec<(String, Category)> {
    d.venues
        .iter()
        .filter(|v| v.category != Category::Other)
        .map(|v| (v.id().to_string(), v.category))
        .collect()
}

/// school id → its gate ids, for schools with gates.
fn gates(d: &OsmData) -> BTreeMap<String, Vec<String>> {
    d.schools
        .iter()
        .filter(|s| !s.gates.is_empty())
        .map(|s| {
            (
                s.id.clone(),
                s.gates.iter().filter_map(|g| g.id.clone()).collect(),
            )
        })
        .collect()
}

fn s(id: &str, kind: SchoolKind, site: &'static str) -> (String, SchoolKind, &'static str) {
    (id.to_string(), kind, site)
}

#[test]
fn nanjing_xml_loads_with_exact_counts() {
    use SchoolKind::*;
    let d = read(&nanjing());
    // elements as in ../shared/data/README.md
    assert_eq!(
        (d.stats.nodes, d.stats.ways, d.stats.relations),
        (12_975, 1_920, 54)
    );
    // 18 schools: 14 polygons and 4 points (count_osm.py lists them with these kinds)
    assert_eq!(
        school_list(&d),
        vec![
            s("osm:node/1058331313", CompleteSecondary, "point"), // 人民中学
            s("osm:node/1494967465", Other, "point"),             // 南京五中: no level word
            s("osm:node/4745751722", Primary, "point"),           // Changjiang Road Primary School
            s("osm:node/6110227439", Other, "point"), // 南京外国语学校国际部及初三年级校区
            s("osm:way/88780395", CompleteSecondary, "polygon"), // 金陵中学
            s("osm:way/147399444", Primary, "polygon"), // 石鼓路小学
            s("osm:way/147399449", Primary, "polygon"), // 汉中门小学
            s("osm:way/166717323", Junior, "polygon"), // 南京市第三高级中学文昌初中
            s("osm:way/223942597", Primary, "polygon"), // 南京市五老村小学
            s("osm:way/318173790", Primary, "polygon"), // 南京市三条巷小学
            s("osm:way/318197098", Kindergarten, "polygon"), // 五老村幼儿园 (tagged amenity=school)
            s("osm:way/321791623", Other, "polygon"), // 南京三中金銮校区
            s("osm:way/442891977", NotCovered, "polygon"), // 秦淮区教师进修学校
            s("osm:way/442891978", NotCovered, "polygon"), // 秦淮区委党校
            s("osm:way/444227092", CompleteSecondary, "polygon"), // 南京市第九中学
            s("osm:way/445000100", CompleteSecondary, "polygon"), // 南京市第五中学
            s("osm:way/445000811", Other, "polygon"), // 南京幼儿高等师范学校
            s("osm:way/863056908", Junior, "polygon"), // 南京市第九初级中学
        ]
    );
    // the teacher-training school is tagged amenity=school but is not a 中小学
    let training = d
        .schools
        .iter()
        .find(|s| s.name == "秦淮区教师进修学校")
        .expect("present");
    assert_eq!(training.kind, SchoolKind::NotCovered);
    assert!(!training.approximate());
    assert!(d
        .schools
        .iter()
        .filter(|s| s.approximate())
        .all(|s| matches!(s.site, Site::Point(_))));
    let cj = d
        .schools
        .iter()
        .find(|s| s.id == "osm:node/4745751722")
        .expect("present");
    assert_eq!(cj.township.as_deref(), Some("玄武区")); // addr:district

    // venues: count_osm.py gives 203 (bar door 4, ktv door 1, other area 42, other door 156)
    assert_eq!(d.venues.len(), 203);
    assert_eq!(
        venue_counts(&d),
        BTreeMap::from([
            ((Category::Ktv, "door"), 1),
            ((Category::Bar, "door"), 4),
            ((Category::Other, "door"), 156),
            ((Category::Other, "area"), 42),
        ])
    );
    assert_eq!(
        flagged_venues(&d),
        vec![
            ("osm:node/1492963343".to_string(), Category::Ktv), // Party时代KTV, tagged amenity=bar
            ("osm:node/4403647164".to_string(), Category::Bar), // Beer Hero
            ("osm:node/4771298525".to_string(), Category::Bar), // Ananas Dessert Bar
            ("osm:node/7985408452".to_string(), Category::Bar), // Commune
            ("osm:node/7987839258".to_string(), Category::Bar), // Helen's
        ]
    );
    let ktv = d
        .venues
        .iter()
        .find(|v| v.name() == "Party时代KTV")
        .expect("present");
    assert_eq!(ktv.category, Category::Ktv);

    // water: 5 areas (natural=water ways) and 4 waterway=river lines
    assert_eq!(
        water_counts(&d),
        BTreeMap::from([
            ((WaterKind::River, "line"), 4),
            ((WaterKind::River, "area"), 1),
            ((WaterKind::Pond, "area"), 2),
            ((WaterKind::Other, "area"), 2),
        ])
    );

    // 15 gate/entrance nodes; 4 lie on a campus boundary (count_osm.py: all at 0.000 m), none other
    // within 10 m of one
    assert_eq!((d.stats.gate_nodes, d.stats.gates_attached), (15, 4));
    assert_eq!(
        gates(&d),
        BTreeMap::from([
            (
                "osm:way/321791623".to_string(),
                vec!["osm:node/4405428347".to_string()]
            ),
            (
                "osm:way/88780395".to_string(),
                vec![
                    "osm:node/7972776970".to_string(),
                    "osm:node/8016390803".to_string(),
                    "osm:node/8016391258".to_string(),
                ]
            ),
        ])
    );
    // nothing of interest is cut at the extract's edge (count_osm.py: skipped 0)
    assert_eq!(d.skipped, vec![]);
}

#[test]
fn monaco_pbf_loads_with_exact_counts() {
    use SchoolKind::*;
    let d = read(&monaco());
    assert_eq!(
        (d.stats.nodes, d.stats.ways, d.stats.relations),
        (47_757, 3_824, 214)
    );
    assert_eq!(
        school_list(&d),
        vec![
            s("osm:node/280489204", Primary, "point"), // École Saint-Charles
            s("osm:node/1867162684", Primary, "point"), // École de la Condamine
            s("osm:node/1872391440", Primary, "point"), // École des Carmes
            s("osm:node/4056395693", Kindergarten, "point"), // amenity=kindergarten
            s("osm:node/5104801422", NotCovered, "point"), // International University of Monaco
            s("osm:node/6460987741", Primary, "point"), // École du Parc
            s("osm:way/104863462", Senior, "polygon"), // Lycée Albert-1er
            s("osm:way/176131190", Primary, "polygon"), // École de Fontvieille
        ]
    );
    let uni = d
        .schools
        .iter()
        .find(|s| s.name == "International University of Monaco")
        .expect("present");
    assert_eq!(uni.kind, SchoolKind::NotCovered);

    // count_osm.py: 369 venues; the 5 multipolygon venues (palace, 2 hotels, 2 marinas) are assembled
    // identically by libosmium
    assert_eq!(d.venues.len(), 369);
    assert_eq!(
        venue_counts(&d),
        BTreeMap::from([
            ((Category::Ktv, "door"), 3),
            ((Category::Lottery, "door"), 3),
            ((Category::Lottery, "area"), 1),
            ((Category::Hazardous, "door"), 3),
            ((Category::Bar, "door"), 15),
            ((Category::Other, "door"), 298),
            ((Category::Other, "area"), 46),
        ])
    );
    let by_id: BTreeMap<String, Category> = flagged_venues(&d).into_iter().collect();
    assert_eq!(by_id.get("osm:node/2391676637"), Some(&Category::Ktv)); // Jimmy'z, amenity=nightclub
    assert_eq!(by_id.get("osm:node/4416197079"), Some(&Category::Lottery)); // Casino de Monte Carlo
    assert_eq!(by_id.get("osm:node/25230434"), Some(&Category::Hazardous)); // Esso, amenity=fuel
    assert_eq!(by_id.get("osm:way/159175442"), Some(&Category::Lottery)); // Sporting Club and Casino
                                                                          // "Parking du Casino" (amenity=parking) and "Hair Bar" (shop=hairdresser) are classified by their
                                                                          // tags alone (data/categories.toml, name_ignored_for): other.
    assert_eq!(by_id.len(), 25);

    // 14 water areas, 66 waterway lines (43 river + 22 stream + 1 ditch, all River)
    assert_eq!(
        water_counts(&d),
        BTreeMap::from([
            ((WaterKind::River, "line"), 66),
            ((WaterKind::Pond, "area"), 4),
            ((WaterKind::Reservoir, "area"), 1),
            ((WaterKind::Lake, "area"), 1),
            ((WaterKind::Other, "area"), 8),
        ])
    );
    // 76 gate/entrance nodes, none within 10 m of the two campus polygons (count_osm.py)
    assert_eq!((d.stats.gate_nodes, d.stats.gates_attached), (76, 0));
    assert!(gates(&d).is_empty());
    assert_eq!(d.skipped, vec![]);
}

#[test]
fn reading_twice_gives_identical_sorted_output() {
    for path in [nanjing(), monaco()] {
        let a = read(&path);
        let b = read(&path);
        assert_eq!(a, b, "{}", path.display());
        // ids are sorted: nodes, then ways, then relations, each by number
        let key = |id: &str| -> (u8, i64) {
            let (kind, n) = id
                .trim_start_matches("osm:")
                .split_once('/')
                .expect("osm id");
            let rank = match kind {
                "node" => 0,
                "way" => 1,
                _ => 2,
            };
            (rank, n.parse().expect("numeric"))
        };
        for ids in [
            a.schools.iter().map(|s| key(&s.id)).collect::<Vec<_>>(),
            a.venues.iter().map(|v| key(v.id())).collect(),
            a.water.iter().map(|w| key(&w.id)).collect(),
        ] {
            assert!(ids.windows(2).all(|w| w[0] < w[1]), "{}", path.display());
        }
    }
}

// ------------------------------------------------------------------------------------------------
// hand-written files

fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> PathBuf {
    let p = dir.path().join(name);
    std::fs::write(&p, text).expect("write fixture");
    p
}

/// One `<node>` element; coordinates printed with Rust's shortest round-trip formatting, so the reader
/// gets back the same f64.
fn node(id: i64, lon: f64, lat: f64, tags: &str) -> String {
    format!("<node id=\"{id}\" lon=\"{lon}\" lat=\"{lat}\">{tags}</node>\n")
}

fn way(id: i64, refs: &[i64], tags: &str) -> String {
    let nds: String = refs.iter().map(|r| format!("<nd ref=\"{r}\"/>")).collect();
    format!("<way id=\"{id}\">{nds}{tags}</way>\n")
}

fn osm(body: &str) -> String {
    format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<osm version=\"0.6\">\n{body}</osm>\n")
}

const SCHOOL: &str = r#"<tag k="amenity" v="school"/><tag k="name" v="测试小学"/>"#;

/// Outer square 118.000–118.002 × 32.000–32.002 with a hole 118.0005–118.0015 × 32.0005–32.0015.
fn square_with_hole_nodes() -> String {
    let corners = [
        (1, 118.000, 32.000),
        (2, 118.002, 32.000),
        (3, 118.002, 32.002),
        (4, 118.000, 32.002),
        (11, 118.0005, 32.0005),
        (12, 118.0015, 32.0005),
        (13, 118.0015, 32.0015),
        (14, 118.0005, 32.0015),
    ];
    corners.iter().map(|&(i, x, y)| node(i, x, y, "")).collect()
}

#[test]
fn multipolygon_with_a_hole_from_three_unordered_ways() {
    let dir = tempfile::tempdir().expect("tempdir");
    // outer ring split in two ways listed out of order, the second one reversed; the inner ring is a
    // closed way listed first
    let body = square_with_hole_nodes()
        + &way(101, &[3, 4, 1], "")
        + &way(102, &[3, 2, 1], "")
        + &way(103, &[11, 12, 13, 14, 11], "")
        + r#"<relation id="7"><member type="way" ref="103" role="inner"/><member type="way" ref="101" role="outer"/><member type="way" ref="102" role="outer"/>
<tag k="type" v="multipolygon"/><tag k="amenity" v="school"/><tag k="name" v="测试小学"/></relation>
"#;
    let d = read(&write(&dir, "mp.osm", &osm(&body)));
    assert_eq!(d.skipped, vec![]);
    assert_eq!(d.schools.len(), 1);
    let school = &d.schools[0];
    assert_eq!(
        (school.id.as_str(), school.name.as_str()),
        ("osm:relation/7", "测试小学")
    );
    assert_eq!(school.kind, SchoolKind::Primary);
    let Site::Area(mp) = &school.site else {
        panic!("expected a campus polygon")
    };
    assert_eq!(mp.0.len(), 1);
    let poly = &mp.0[0];
    assert_eq!(poly.exterior().0.len(), 5);
    assert_eq!(poly.interiors().len(), 1);
    assert_eq!(poly.interiors()[0].0.len(), 5);
    // by hand: 0.002² − 0.001² = 3e-6 square degrees
    assert!(
        (poly.unsigned_area() - 3e-6).abs() < 1e-15,
        "{}",
        poly.unsigned_area()
    );
    // GeoJSON orientation: exterior counter-clockwise, hole clockwise
    assert!(poly.exterior().is_ccw());
    assert!(poly.interiors()[0].is_cw());
}

#[test]
fn relation_with_a_missing_member_keeps_what_closes() {
    let dir = tempfile::tempdir().expect("tempdir");
    // relation 8: a complete outer (way 103, a closed way) and an outer made of way 101 and way 999,
    // which the extract does not hold; relation 9: only the incomplete outer
    let body = square_with_hole_nodes()
        + &way(101, &[3, 4, 1], "")
        + &way(103, &[11, 12, 13, 14, 11], "")
        + r#"<relation id="8"><member type="way" ref="101" role="outer"/><member type="way" ref="999" role="outer"/><member type="way" ref="103" role="outer"/><member type="node" ref="12345" role="admin_centre"/>
<tag k="type" v="multipolygon"/><tag k="natural" v="water"/><tag k="name" v="月牙塘"/></relation>
<relation id="9"><member type="way" ref="101" role="outer"/><member type="way" ref="999" role="outer"/>
<tag k="type" v="multipolygon"/><tag k="natural" v="water"/><tag k="water" v="reservoir"/></relation>
"#;
    let d = read(&write(&dir, "missing.osm", &osm(&body)));
    assert_eq!(d.water.len(), 1);
    let w = &d.water[0];
    assert_eq!(
        (w.id.as_str(), w.name.as_str(), w.kind),
        ("osm:relation/8", "月牙塘", WaterKind::Pond)
    );
    let WaterGeom::Area(mp) = &w.geom else {
        panic!("expected an area")
    };
    assert_eq!(mp.0.len(), 1);
    assert!((mp.unsigned_area() - 1e-6).abs() < 1e-15); // the 0.001° square of way 103
    let got: Vec<(&str, &str, &str)> = d
        .skipped
        .iter()
        .map(|s| (s.feature.as_str(), s.field.as_str(), s.reason.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "osm:relation/8",
                "members",
                "member way 999 is missing from the file"
            ),
            (
                "osm:relation/8",
                "members",
                "an outer ring does not close (from node 3 to node 1), dropped"
            ),
            (
                "osm:relation/9",
                "members",
                "member way 999 is missing from the file"
            ),
            (
                "osm:relation/9",
                "members",
                "an outer ring does not close (from node 3 to node 1), dropped"
            ),
            (
                "osm:relation/9",
                "geometry",
                "no complete outer ring: relation dropped"
            ),
        ]
    );
}

#[test]
fn gates_within_five_metres_attach_to_the_nearest_campus() {
    let dir = tempfile::tempdir().expect("tempdir");
    // campus A: 118.000–118.002 × 32.000–32.002; campus B: the same width, its south edge 7 m north of
    // A's north edge. Gates are placed with Karney's direct geodesic due north of A's north edge, so
    // their distance to that edge (a parallel) is exactly the distance travelled.
    let north = |s_m: f64| karney::destination((118.001, 32.002), 0.0, s_m);
    let (_, b_south) = north(7.0);
    let (g3x, g3y) = north(3.0); // 3 m from A, 4 m from B → A
    let (g2x, g2y) = north(2.0); // 2 m from A, 5 m from B → A
    let (g5x, g5y) = north(5.5); // 5.5 m from A, 1.5 m from B → B
    let (g8x, g8y) = karney::destination((118.001, 32.000), 180.0, 8.0); // 8 m south of A: none
    let body = square_with_hole_nodes()
        + &node(21, 118.000, b_south, "")
        + &node(22, 118.002, b_south, "")
        + &node(23, 118.002, b_south + 0.002, "")
        + &node(24, 118.000, b_south + 0.002, "")
        + &way(201, &[1, 2, 3, 4, 1], SCHOOL)
        + &way(202, &[21, 22, 23, 24, 21], r#"<tag k="amenity" v="kindergarten"/><tag k="name" v="B"/>"#)
        + &node(31, g3x, g3y, r#"<tag k="barrier" v="gate"/><tag k="name" v="北门"/>"#)
        + &node(32, g2x, g2y, r#"<tag k="entrance" v="yes"/>"#)
        + &node(33, g5x, g5y, r#"<tag k="barrier" v="gate"/>"#)
        + &node(34, g8x, g8y, r#"<tag k="barrier" v="gate"/>"#)
        + &node(35, 118.001, 32.001, r#"<tag k="entrance" v="main"/>"#) // inside A
        + &node(36, 118.0, 32.0, r#"<tag k="barrier" v="gate"/>"#) // on A's corner
        + &node(37, 118.001, 32.0, r#"<tag k="barrier" v="lift_gate"/>"#); // not a gate tag
    let d = read(&write(&dir, "gates.osm", &osm(&body)));
    assert_eq!(d.schools.len(), 2);
    let ids = |s: &School| {
        s.gates
            .iter()
            .filter_map(|g| g.id.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        ids(&d.schools[0]),
        ["osm:node/31", "osm:node/32", "osm:node/35", "osm:node/36"]
    );
    assert_eq!(ids(&d.schools[1]), ["osm:node/33"]);
    let g = &d.schools[0].gates[0];
    assert_eq!(g.name.as_deref(), Some("北门"));
    assert_eq!((g.point.x(), g.point.y()), (g3x, g3y));
    assert_eq!((d.stats.gate_nodes, d.stats.gates_attached), (6, 5));

    // the 3 m / 8 m pair on its own: 3 m outside attached, 8 m outside not
    let body = square_with_hole_nodes()
        + &way(201, &[1, 2, 3, 4, 1], SCHOOL)
        + &node(31, g3x, g3y, r#"<tag k="barrier" v="gate"/>"#)
        + &node(34, g8x, g8y, r#"<tag k="barrier" v="gate"/>"#);
    let d = read(&write(&dir, "gates2.osm", &osm(&body)));
    assert_eq!(ids(&d.schools[0]), ["osm:node/31"]);

    // a school known only as a point takes no gates, however close
    let (px, py) = karney::destination((118.001, 32.001), 90.0, 1.0);
    let body =
        node(1, 118.001, 32.001, SCHOOL) + &node(2, px, py, r#"<tag k="barrier" v="gate"/>"#);
    let d = read(&write(&dir, "gates3.osm", &osm(&body)));
    assert!(d.schools[0].approximate());
    assert!(d.schools[0].gates.is_empty());
}

#[test]
fn ways_give_venues_water_and_reported_gaps() {
    let dir = tempfile::tempdir().expect("tempdir");
    let body = square_with_hole_nodes()
        // a closed named bar → area venue; an open named way with leisure → door halfway along it
        + &way(301, &[11, 12, 13, 14, 11], r#"<tag k="amenity" v="bar"/><tag k="name" v="星光KTV"/>"#)
        + &way(302, &[1, 2], r#"<tag k="leisure" v="track"/><tag k="name" v="跑道"/>"#)
        // a named office of category other → dropped; a named road with an amenity → not a venue
        + &way(303, &[2, 3], r#"<tag k="office" v="company"/><tag k="name" v="某公司"/>"#)
        + &way(304, &[3, 4], r#"<tag k="highway" v="pedestrian"/><tag k="amenity" v="marketplace"/><tag k="name" v="街"/>"#)
        // a river line, a pond polygon and a water area on an open way (reported)
        + &way(305, &[1, 2, 3], r#"<tag k="waterway" v="river"/><tag k="name" v="秦淮河"/>"#)
        + &way(306, &[1, 2, 3, 4, 1], r#"<tag k="natural" v="water"/><tag k="name" v="莲花塘"/>"#)
        + &way(307, &[1, 4], r#"<tag k="natural" v="water"/>"#)
        // a school on an open way, a school whose node is outside the extract
        + &way(308, &[11, 12], SCHOOL)
        + &way(309, &[11, 12, 13, 888, 11], SCHOOL)
        // a named shop node with an address
        + &node(40, 118.0001, 32.0001, r#"<tag k="shop" v="convenience"/><tag k="name" v="烟酒商行"/><tag k="addr:street" v="中山路"/><tag k="addr:housenumber" v="1"/>"#);
    let d = read(&write(&dir, "ways.osm", &osm(&body)));
    let venues: Vec<(&str, &str, Category)> = d
        .venues
        .iter()
        .map(|v| (v.id(), v.name(), v.category))
        .collect();
    assert_eq!(
        venues,
        vec![
            ("osm:node/40", "烟酒商行", Category::Tobacco),
            ("osm:way/301", "星光KTV", Category::Ktv),
            ("osm:way/302", "跑道", Category::Other),
        ]
    );
    assert_eq!(d.venues[0].address(), Some("中山路 1"));
    assert!(matches!(d.venues[1].footprint, Footprint::Area(_)));
    // halfway along the 0.002° segment from node 1 to node 2 (a parallel): its midpoint
    match d.venues[2].footprint {
        Footprint::Door(p) => assert!((p.x() - 118.001).abs() < 1e-12 && p.y() == 32.0, "{p:?}"),
        _ => panic!("expected a door"),
    }
    let water: Vec<(&str, WaterKind, bool)> = d
        .water
        .iter()
        .map(|w| (w.id.as_str(), w.kind, matches!(w.geom, WaterGeom::Line(_))))
        .collect();
    assert_eq!(
        water,
        vec![
            ("osm:way/305", WaterKind::River, true),
            ("osm:way/306", WaterKind::Pond, false)
        ]
    );
    assert!(d.schools.is_empty());
    let got: Vec<(&str, &str)> = d
        .skipped
        .iter()
        .map(|s| (s.feature.as_str(), s.reason.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            ("osm:way/307", "water area tags on an open way: no polygon"),
            (
                "osm:way/308",
                "amenity=school/kindergarten on an open way: no campus polygon"
            ),
            ("osm:way/309", "node 888 is missing from the file"),
        ]
    );
}

#[test]
fn truncated_or_foreign_files_are_errors_naming_the_path() {
    let dir = tempfile::tempdir().expect("tempdir");
    let full = osm(&(square_with_hole_nodes() + &way(201, &[1, 2, 3, 4, 1], SCHOOL)));
    let cut = &full[..full.len() / 2];
    let path = write(&dir, "cut.osm", cut);
    let err = osm::read(&path, &LoadOptions::default()).unwrap_err();
    assert!(
        matches!(
            err,
            LoadError::Malformed {
                format: "OSM XML",
                ..
            }
        ),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .starts_with(&format!("{}: not a valid OSM XML file:", path.display())),
        "{err}"
    );

    // a PBF cut after 100 kB
    let bytes = std::fs::read(monaco()).expect("monaco");
    let path = dir.path().join("cut.osm.pbf");
    std::fs::write(&path, &bytes[..100_000]).expect("write");
    let err = osm::read(&path, &LoadOptions::default()).unwrap_err();
    assert!(
        matches!(
            err,
            LoadError::Malformed {
                format: "OSM PBF",
                ..
            }
        ),
        "{err:?}"
    );
    assert!(
        err.to_string().starts_with(&path.display().to_string()),
        "{err}"
    );

    // not OSM at all, an empty file, a gzip file
    for (name, content, msg) in [
        (
            "x.json",
            &b"{\"type\": \"FeatureCollection\"}"[..],
            "neither OSM XML nor OSM PBF",
        ),
        ("e.osm", &b""[..], "the file is empty"),
        ("z.osm.gz", &[0x1f, 0x8b, 8, 0][..], "decompress it first"),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, content).expect("write");
        let err = osm::read(&path, &LoadOptions::default())
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with(&path.display().to_string()) && err.contains(msg),
            "{err}"
        );
    }
    let err = osm::read(&dir.path().join("absent.osm"), &LoadOptions::default()).unwrap_err();
    assert!(matches!(err, LoadError::Io { .. }), "{err:?}");
}

#[test]
fn bad_coordinates_fail_or_are_skipped() {
    let dir = tempfile::tempdir().expect("tempdir");
    let body = node(1, 118.0, 32.0, SCHOOL) + &node(2, 118.0, 95.0, SCHOOL);
    let path = write(&dir, "bad.osm", &osm(&body));
    let err = osm::read(&path, &LoadOptions::default())
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        format!(
            "{}: feature #1 (osm:node/2): coordinate (118, 95) is not a valid longitude/latitude \
             (longitude must be within ±180, latitude within ±90)",
            path.display()
        )
    );
    let opts = LoadOptions {
        skip_invalid: true,
        ..LoadOptions::default()
    };
    let d = osm::read(&path, &opts).expect("skips");
    assert_eq!(d.schools.len(), 1);
    assert_eq!(d.skipped.len(), 1);
    assert_eq!(d.skipped[0].feature, "#1 (osm:node/2)");
}

#[test]
fn content_decides_the_encoding_not_the_extension() {
    let dir = tempfile::tempdir().expect("tempdir");
    let xml = write(&dir, "school.txt", &osm(&node(1, 118.0, 32.0, SCHOOL)));
    assert_eq!(read(&xml).schools.len(), 1);
    let pbf = dir.path().join("monaco.osm");
    std::fs::copy(monaco(), &pbf).expect("copy");
    assert_eq!(read(&pbf).schools.len(), 8);
}

// ------------------------------------------------------------------------------------------------
// no panic on damaged input

mod damaged {
    use super::*;
    use proptest::prelude::*;

    /// Reads damaged bytes under both settings of `skip_invalid`: any error must name the file.
    fn read_damaged(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).expect("write");
        for skip_invalid in [false, true] {
            let opts = LoadOptions {
                skip_invalid,
                ..LoadOptions::default()
            };
            if let Err(e) = osm::read(&path, &opts) {
                assert!(
                    e.to_string().starts_with(&path.display().to_string()),
                    "{e}"
                );
            }
        }
    }

    fn damage(mut bytes: Vec<u8>, cut: usize, flips: &[(usize, u8)]) -> Vec<u8> {
        let len = bytes.len();
        for &(pos, b) in flips {
            if let Some(x) = bytes.get_mut(pos % len) {
                *x = b;
            }
        }
        bytes.truncate(cut % (len + 1));
        bytes
    }

    fn fixture() -> Vec<u8> {
        let body = square_with_hole_nodes()
            + &way(101, &[3, 4, 1], "")
            + &way(102, &[3, 2, 1], "")
            + &way(
                103,
                &[11, 12, 13, 14, 11],
                r#"<tag k="natural" v="water"/>"#,
            )
            + &way(
                104,
                &[1, 2, 3],
                r#"<tag k="waterway" v="river"/><tag k="name" v="河"/>"#,
            )
            + &node(31, 118.001, 32.002, r#"<tag k="barrier" v="gate"/>"#)
            + &node(
                40,
                118.0001,
                32.0001,
                r#"<tag k="amenity" v="bar"/><tag k="name" v="KTV"/>"#,
            )
            + r#"<relation id="7"><member type="way" ref="103" role="inner"/><member type="way" ref="101" role="outer"/><member type="way" ref="102" role="outer"/>
<tag k="type" v="multipolygon"/><tag k="amenity" v="school"/></relation>
"#;
        osm(&body).into_bytes()
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]
        #[test]
        fn damaged_xml_never_panics(cut in 0usize..4000, flips in proptest::collection::vec((0usize..4000, any::<u8>()), 0..6)) {
            let dir = tempfile::tempdir().expect("tempdir");
            let base = fixture();
            let full = base.len();
            // half the cases keep the whole file and only flip bytes
            let cut = if cut % 2 == 0 { full } else { cut };
            read_damaged(&dir, "d.osm", &damage(base, cut, &flips));
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]
        #[test]
        fn damaged_pbf_never_panics(cut in 0usize..600_000, flips in proptest::collection::vec((0usize..600_000, any::<u8>()), 0..4)) {
            let dir = tempfile::tempdir().expect("tempdir");
            let base = std::fs::read(monaco()).expect("monaco");
            let full = base.len();
            let cut = if cut % 2 == 0 { full } else { cut };
            read_damaged(&dir, "d.osm.pbf", &damage(base, cut, &flips));
        }
    }
}
