//! The synthetic generator (`perimeter gen`), its writers, and the committed sample in data/sample.
//!
//! Expected values are the published design of the generator (counts per scale, 60–250 m campus sides,
//! every kind and category present) checked by independent means: Karney geodesics for lengths, geo's
//! validity check for polygons, PROJ's inverse for the Shapefile, the GCJ-02 inverse for the CSV, and a
//! byte comparison between runs and against the committed files.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use geo::{BoundingRect, Distance, Euclidean, Intersects, Validation};
use geo_types::{LineString, MultiPolygon, Point};
use perimeter::classify::Classifier;
use perimeter::crs::chinese::gcj02_to_wgs84;
use perimeter::export::layers::{listed_point, EPSG_4546_ESRI_WKT, VENUE_CSV_HEADER};
use perimeter::gen::{generate, Generator, Scale};
use perimeter::geodesy::{karney, LocalFrame};
use perimeter::model::{Category, Dataset, Footprint, SchoolKind, Site, WaterGeom, WaterKind};

fn county() -> &'static Dataset {
    static D: OnceLock<Dataset> = OnceLock::new();
    D.get_or_init(|| generate(Scale::County, 2026))
}

fn sample_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/sample")
}

fn campus(site: &Site) -> Option<&MultiPolygon<f64>> {
    match site {
        Site::Area(mp) => Some(mp),
        Site::Point(_) => None,
    }
}

/// Binomial bounds: `n`·`p` ± 4 standard deviations.
fn plausible(count: usize, n: usize, p: f64) -> bool {
    let mean = n as f64 * p;
    let sd = (n as f64 * p * (1.0 - p)).sqrt();
    (count as f64 - mean).abs() <= 4.0 * sd
}

#[test]
fn scales_have_the_published_counts() {
    let d = county();
    assert_eq!(
        (d.schools.len(), d.venues.len(), d.water.len()),
        (300, 30_000, 200)
    );
    let c = Scale::City.counts();
    assert_eq!((c.schools, c.venues, c.water), (3_000, 300_000, 2_000));
    let p = Scale::Province.counts();
    assert_eq!((p.schools, p.venues, p.water), (40_000, 4_000_000, 20_000));
    assert_eq!("city".parse::<Scale>().unwrap(), Scale::City);
    assert!("country".parse::<Scale>().is_err());
}

#[test]
fn same_seed_same_dataset_other_seed_differs() {
    let again = generate(Scale::County, 2026);
    let d = county();
    assert!(again.schools == d.schools && again.venues == d.venues && again.water == d.water);
    let other = Generator::new(Scale::County, 2027);
    assert_ne!(other.schools(), d.schools.as_slice());
    assert_ne!(other.venue(0), d.venues[0]);
}

#[test]
fn every_kind_and_category_present_and_names_say_which() {
    let d = county();
    let kinds: HashSet<SchoolKind> = d.schools.iter().map(|s| s.kind).collect();
    for k in SchoolKind::ALL {
        assert!(kinds.contains(&k), "no {k} school");
    }
    for s in &d.schools {
        assert_eq!(SchoolKind::from_name(&s.name), Some(s.kind), "{}", s.name);
        assert!(s.township.is_some());
    }
    let names: HashSet<&str> = d.schools.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names.len(), 300, "school names are unique");
    // The twelve townships of the county scale are the ones the schools name.
    let towns: HashSet<&str> = d
        .schools
        .iter()
        .filter_map(|s| s.township.as_deref())
        .collect();
    assert!(towns.len() >= 10 && towns.len() <= 12, "{towns:?}");

    let classifier = Classifier::default();
    let mut per_category = std::collections::BTreeMap::new();
    for v in &d.venues {
        *per_category.entry(v.category).or_insert(0usize) += 1;
        // Registry exports carry no category: name and scope must give it back.
        assert_eq!(
            classifier.classify(v.name(), |_| None, v.scope()),
            v.category,
            "{} / {:?}",
            v.name(),
            v.scope()
        );
        assert!(matches!(v.status(), Some("存续" | "在业")));
    }
    for (c, share) in perimeter::gen::CATEGORY_SHARES {
        let n = per_category.get(&c).copied().unwrap_or(0);
        assert!(plausible(n, 30_000, share), "{c}: {n}");
    }
    assert!(per_category[&Category::Other] > 25_000);

    let licences: HashSet<&str> = d.venues.iter().filter_map(|v| v.licence()).collect();
    assert_eq!(licences.len(), 30_000, "licence numbers are unique");
    for l in licences.iter().take(500) {
        assert_eq!(l.len(), 18);
        assert!(l[2..8] == *"411321", "{l}");
    }
    let ids: HashSet<&str> = d.venues.iter().map(|v| v.id()).collect();
    assert_eq!(ids.len(), 30_000);

    let water_kinds: HashSet<WaterKind> = d.water.iter().map(|w| w.kind).collect();
    for k in [
        WaterKind::River,
        WaterKind::Canal,
        WaterKind::Pond,
        WaterKind::Reservoir,
        WaterKind::Lake,
        WaterKind::Pit,
    ] {
        assert!(water_kinds.contains(&k), "no {k}");
    }
    for w in &d.water {
        assert_eq!(WaterKind::from_name(&w.name), Some(w.kind), "{}", w.name);
    }
}

#[test]
fn campuses_are_valid_with_sides_of_60_to_250_m() {
    let d = county();
    let extent = Scale::County.extent();
    let (mut points, mut multi, mut holes) = (0, 0, 0);
    for s in &d.schools {
        let Some(mp) = campus(&s.site) else {
            points += 1;
            continue;
        };
        assert!(mp.is_valid(), "{}: {:?}", s.id, mp.validation_errors());
        if mp.0.len() > 1 {
            multi += 1;
        }
        for p in &mp.0 {
            if !p.interiors().is_empty() {
                holes += 1;
            }
            for ring in std::iter::once(p.exterior()).chain(p.interiors()) {
                assert!(ring.is_closed(), "{}", s.id);
                for l in ring.lines() {
                    let m = karney::distance_m((l.start.x, l.start.y), (l.end.x, l.end.y));
                    assert!((60.0..=250.0).contains(&m), "{}: side of {m} m", s.id);
                    assert!(extent.min_lon <= l.start.x && l.start.x <= extent.max_lon);
                    assert!(extent.min_lat <= l.start.y && l.start.y <= extent.max_lat);
                }
            }
        }
    }
    // Design shares 5 % point-only, 3 % two-part, 5 % with a courtyard (of 300; ±4σ).
    assert!(plausible(points, 300, 0.05), "{points}");
    assert!(multi >= 2 && plausible(multi, 300, 0.03 * 0.7), "{multi}");
    assert!(holes >= 3 && plausible(holes, 300, 0.05), "{holes}");
    // No two campuses overlap.
    let areas: Vec<(&str, &MultiPolygon<f64>)> = d
        .schools
        .iter()
        .filter_map(|s| campus(&s.site).map(|m| (s.id.as_str(), m)))
        .collect();
    for (i, (a, ma)) in areas.iter().enumerate() {
        let ba = ma.bounding_rect().unwrap();
        for (b, mb) in &areas[i + 1..] {
            if ba.intersects(&mb.bounding_rect().unwrap()) {
                assert!(!ma.intersects(*mb), "{a} overlaps {b}");
            }
        }
    }
}

fn min_distance_deg(p: &Point<f64>, rings: &[&LineString<f64>]) -> f64 {
    rings
        .iter()
        .map(|r| Euclidean.distance(p, *r))
        .fold(f64::INFINITY, f64::min)
}

#[test]
fn gates_lie_on_their_campus_boundary() {
    let d = county();
    let mut ids = HashSet::new();
    let (mut none, mut total) = (0, 0);
    for s in &d.schools {
        match &s.site {
            Site::Point(_) => assert!(s.gates.is_empty()),
            Site::Area(mp) => {
                assert!(s.gates.len() <= 3);
                if s.gates.is_empty() {
                    none += 1;
                }
                let rings: Vec<&LineString<f64>> = mp.0.iter().map(|p| p.exterior()).collect();
                for g in &s.gates {
                    total += 1;
                    let dist = min_distance_deg(&g.point, &rings);
                    assert!(
                        dist < 1e-6,
                        "{:?} of {} is {dist}° off its boundary",
                        g.id,
                        s.id
                    );
                    assert!(ids.insert(g.id.clone().unwrap()));
                    let name = g.name.as_deref().unwrap();
                    assert!(name.ends_with('门') || name.contains("侧门"), "{name}");
                }
            }
        }
    }
    // 8 % of polygon schools have no gate; gates average 1.5 per school with gates.
    assert!(plausible(none, 285, 0.08), "{none}");
    assert!((300..=560).contains(&total), "{total}");
}

/// Metres from `p` to the nearest side of `mp` (0 inside), in a local frame at `p` (good to well under
/// a millimetre at these distances: an independent check, not the scan's code).
fn boundary_distance_m(p: (f64, f64), mp: &MultiPolygon<f64>) -> f64 {
    let f = LocalFrame::new(p.0, p.1);
    let pt = Point::new(p.0, p.1);
    if mp.intersects(&pt) {
        return 0.0;
    }
    let mut best = f64::INFINITY;
    for poly in &mp.0 {
        for ring in std::iter::once(poly.exterior()).chain(poly.interiors()) {
            for l in ring.lines() {
                let a = f.to_local(l.start.x, l.start.y);
                let b = f.to_local(l.end.x, l.end.y);
                let (dx, dy) = (b.0 - a.0, b.1 - a.1);
                let t = (-(a.0 * dx + a.1 * dy) / (dx * dx + dy * dy)).clamp(0.0, 1.0);
                best = best.min((a.0 + t * dx).hypot(a.1 + t * dy));
            }
        }
    }
    best
}

#[test]
fn venues_avoid_campuses_and_crowd_around_schools() {
    let d = county();
    let boxes: Vec<_> = d
        .schools
        .iter()
        .filter_map(|s| campus(&s.site).map(|m| (m, m.bounding_rect().unwrap())))
        .collect();
    // Within 200 m of a campus boundary; 0.0025° of latitude ≈ 277 m, of longitude at 33.8° ≈ 231 m.
    let (mut pairs, mut prohibited) = (0usize, 0usize);
    let mut footprints = 0;
    for v in &d.venues {
        if matches!(v.footprint, Footprint::Area(_)) {
            footprints += 1;
        }
        let p = listed_point(v).unwrap();
        for (mp, b) in &boxes {
            if p.0 < b.min().x - 0.0025
                || p.0 > b.max().x + 0.0025
                || p.1 < b.min().y - 0.0025
                || p.1 > b.max().y + 0.0025
            {
                continue;
            }
            let dist = boundary_distance_m(p, mp);
            if let Footprint::Door(door) = &v.footprint {
                assert!(!mp.intersects(door), "{} is on a campus", v.id());
            }
            if dist <= 200.0 {
                pairs += 1;
                if v.category != Category::Other {
                    prohibited += 1;
                }
            }
        }
    }
    // Designed for about 1.2 venue–campus pairs within 200 m per venue (point-only schools left out
    // here), about 12 % of them prohibited categories: scans have thousands of findings to show.
    assert!((20_000..=50_000).contains(&pairs), "{pairs}");
    assert!((2_000..=7_000).contains(&prohibited), "{prohibited}");
    assert!(plausible(footprints, 30_000, 0.02), "{footprints}");
}

#[test]
fn water_is_valid_and_off_campus() {
    let d = county();
    let campuses: Vec<&MultiPolygon<f64>> =
        d.schools.iter().filter_map(|s| campus(&s.site)).collect();
    let (mut ribbons, mut lines) = (0, 0);
    for w in &d.water {
        match &w.geom {
            WaterGeom::Area(mp) => {
                assert!(mp.is_valid(), "{}: {:?}", w.id, mp.validation_errors());
                for c in &campuses {
                    assert!(!mp.intersects(*c), "{} crosses a campus", w.id);
                }
                if w.kind == WaterKind::River {
                    ribbons += 1;
                    let b = mp.bounding_rect().unwrap();
                    let span = karney::distance_m((b.min().x, b.min().y), (b.max().x, b.max().y));
                    assert!(span > 1_000.0, "{}: river only {span} m long", w.id);
                }
            }
            WaterGeom::Line(ml) => {
                lines += 1;
                assert!(matches!(w.kind, WaterKind::River | WaterKind::Canal));
                for c in &campuses {
                    assert!(!ml.intersects(*c), "{} crosses a campus", w.id);
                }
            }
        }
    }
    assert!(plausible(ribbons, 200, 0.15), "{ribbons}");
    assert!(plausible(lines, 200, 0.18), "{lines}");
}

fn run_gen(args: &[&str], out: &Path) {
    let status = Command::new(env!("CARGO_BIN_EXE_perimeter"))
        .arg("gen")
        .args(args)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
}

fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn cli_same_seed_same_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b, c) = (
        tmp.path().join("a"),
        tmp.path().join("b"),
        tmp.path().join("c"),
    );
    run_gen(&["--scale", "county", "--seed", "7"], &a);
    run_gen(&["--scale", "county", "--seed", "7"], &b);
    run_gen(&["--scale", "county", "--seed", "8"], &c);
    let (fa, fb, fc) = (files(&a), files(&b), files(&c));
    let names: Vec<&str> = fa.iter().map(|f| f.0.as_str()).collect();
    assert_eq!(
        names,
        [
            "gates.geojson",
            "schools.geojson",
            "venues.geojson",
            "water.geojson"
        ]
    );
    assert_eq!(fa, fb, "same seed, same bytes");
    for (x, y) in fa.iter().zip(&fc) {
        assert_ne!(x.1, y.1, "{} does not depend on the seed", x.0);
    }
    // The WGS84 GeoJSON holds exactly the generated coordinates (7 decimals).
    let text = String::from_utf8(fa[3].1.clone()).unwrap();
    assert!(
        text.starts_with("{\"type\":\"FeatureCollection\",\"features\":[\n{\"type\":\"Feature\"")
    );
    let parsed: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(parsed["features"].as_array().unwrap().len(), 200);

    // Read back through the GeoJSON reader, the files are the generated dataset exactly.
    use perimeter::load::{load_all, Input, LayerKind, LoadOptions};
    let input = |name: &str, layer| Input {
        path: a.join(name),
        layer,
        crs: None,
        encoding: None,
    };
    let inputs = [
        input("schools.geojson", LayerKind::Schools),
        input("venues.geojson", LayerKind::Venues),
        input("water.geojson", LayerKind::Water),
        input("gates.geojson", LayerKind::Gates),
    ];
    let (loaded, _) = load_all(&inputs, &[], &LoadOptions::default()).unwrap();
    let d = generate(Scale::County, 7);
    assert!(loaded.schools == d.schools, "schools differ");
    assert!(loaded.venues == d.venues, "venues differ");
    assert!(loaded.water == d.water, "water differs");
}

#[test]
fn committed_sample_is_what_the_command_makes() {
    let tmp = tempfile::tempdir().unwrap();
    run_gen(
        &["--scale", "county", "--seed", "2026", "--sample"],
        tmp.path(),
    );
    let fresh = files(tmp.path());
    let committed: Vec<(String, Vec<u8>)> = files(&sample_dir());
    let names: Vec<&str> = fresh.iter().map(|f| f.0.as_str()).collect();
    assert_eq!(
        names,
        [
            "gates.geojson",
            "school_points.dbf",
            "school_points.prj",
            "school_points.shp",
            "school_points.shx",
            "schools.dbf",
            "schools.prj",
            "schools.shp",
            "schools.shx",
            "venues.csv",
            "water.geojson"
        ]
    );
    assert_eq!(
        fresh.len(),
        committed.len(),
        "data/sample holds other files"
    );
    for (f, c) in fresh.iter().zip(&committed) {
        assert_eq!(f.0, c.0);
        assert!(
            f.1 == c.1,
            "data/sample/{} is stale: regenerate it (see data/README.md)",
            f.0
        );
    }
    let total: usize = committed.iter().map(|f| f.1.len()).sum();
    assert!(total < 5 << 20, "{total} bytes");
}

#[test]
fn sample_csv_is_gcj02_within_1_cm_of_the_venues() {
    let d = county();
    let bytes = std::fs::read(sample_dir().join("venues.csv")).unwrap();
    assert_eq!(&bytes[..3], &[0xEF, 0xBB, 0xBF], "UTF-8 BOM");
    let mut rdr = csv::Reader::from_reader(&bytes[3..]);
    let header: Vec<String> = rdr.headers().unwrap().iter().map(str::to_string).collect();
    assert_eq!(header, VENUE_CSV_HEADER);
    let mut n = 0;
    let mut max_shift = 0.0f64;
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec.unwrap();
        let v = &d.venues[i];
        assert_eq!(&rec[0], v.name());
        assert_eq!(Some(&rec[1]), v.licence());
        assert_eq!(Some(&rec[2]), v.address());
        assert_eq!(Some(&rec[3]), v.scope());
        assert_eq!(Some(&rec[4]), v.status());
        let g: (f64, f64) = (rec[5].parse().unwrap(), rec[6].parse().unwrap());
        let want = listed_point(v).unwrap();
        // GCJ-02 moves points by hundreds of metres in Henan: the file really is shifted.
        max_shift = max_shift.max(karney::distance_m(g, want));
        let back = gcj02_to_wgs84(g.0, g.1);
        let err = karney::distance_m(back, want);
        assert!(err < 0.01, "{}: {err} m", v.id());
        n += 1;
    }
    assert_eq!(n, 30_000);
    assert!((300.0..900.0).contains(&max_shift), "{max_shift}");
}

#[test]
fn sample_shapefile_is_gbk_in_gauss_kruger() {
    use shapefile::dbase;
    let d = county();
    let dir = sample_dir();
    assert!(
        !dir.join("schools.cpg").exists(),
        "no .cpg: the encoding must be detected"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("schools.prj")).unwrap(),
        EPSG_4546_ESRI_WKT
    );
    let dbf_bytes = std::fs::read(dir.join("schools.dbf")).unwrap();
    assert_eq!(dbf_bytes[29], 0, "language driver unset");
    assert!(
        std::str::from_utf8(&dbf_bytes[32..]).is_err(),
        "GBK text is not valid UTF-8"
    );

    let areas: Vec<_> = d
        .schools
        .iter()
        .filter(|s| matches!(s.site, Site::Area(_)))
        .collect();
    let mut reader = dbase::ReaderBuilder::new()
        .with_encoding(dbase::encoding::EncodingRs::from(encoding_rs::GBK))
        .build(std::io::BufReader::new(
            std::fs::File::open(dir.join("schools.dbf")).unwrap(),
        ))
        .unwrap();
    let records = reader.read().unwrap();
    assert_eq!(records.len(), areas.len());
    for (r, s) in records.iter().zip(&areas) {
        let text = |k: &str| match r.get(k) {
            Some(dbase::FieldValue::Character(v)) => v.clone(),
            other => panic!("{k}: {other:?}"),
        };
        assert_eq!(text("学校标识码").as_deref(), Some(s.id.as_str()));
        assert_eq!(text("学校名称").as_deref(), Some(s.name.as_str()));
        assert_eq!(text("乡镇街道"), s.township);
        let kind = text("学段");
        match kind {
            Some(k) => assert_eq!(k.parse::<SchoolKind>().unwrap(), s.kind),
            None => assert_eq!(s.kind, SchoolKind::NotCovered),
        }
    }

    // Vertices back through PROJ's inverse (EPSG:4546 → WGS84) land within 1 cm of the campus.
    let inverse = proj::Proj::new_known_crs("EPSG:4546", "EPSG:4326", None).unwrap();
    let shapes =
        shapefile::read_shapes_as::<_, shapefile::Polygon>(dir.join("schools.shp")).unwrap();
    assert_eq!(shapes.len(), areas.len());
    for (shape, s) in shapes.iter().zip(&areas) {
        let Site::Area(mp) = &s.site else {
            unreachable!()
        };
        let model: Vec<(f64, f64)> =
            mp.0.iter()
                .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
                .flat_map(|r| r.coords().map(|c| (c.x, c.y)))
                .collect();
        let ring_count: usize = mp.0.iter().map(|p| 1 + p.interiors().len()).sum();
        assert_eq!(shape.rings().len(), ring_count, "{}", s.id);
        for ring in shape.rings() {
            for pt in ring.points() {
                let (lon, lat) = inverse.convert((pt.x, pt.y)).unwrap();
                let nearest = model
                    .iter()
                    .map(|&m| karney::distance_m(m, (lon, lat)))
                    .fold(f64::INFINITY, f64::min);
                assert!(nearest < 0.01, "{}: {nearest} m", s.id);
            }
        }
    }
    let points =
        shapefile::read_shapes_as::<_, shapefile::Point>(dir.join("school_points.shp")).unwrap();
    let point_schools = d
        .schools
        .iter()
        .filter(|s| matches!(s.site, Site::Point(_)))
        .count();
    assert_eq!(points.len(), point_schools);
}

#[test]
fn sample_loads_through_the_readers() {
    use perimeter::crs::Crs;
    use perimeter::load::{load_all, Input, LayerKind, LoadOptions};
    let dir = sample_dir();
    let input = |name: &str, layer: LayerKind, crs: Option<Crs>| Input {
        path: dir.join(name),
        layer,
        crs,
        encoding: None,
    };
    let inputs = [
        input("schools.shp", LayerKind::Schools, None),
        input("school_points.shp", LayerKind::Schools, None),
        input("venues.csv", LayerKind::Venues, Some(Crs::Gcj02)),
        input("water.geojson", LayerKind::Water, None),
        input("gates.geojson", LayerKind::Gates, None),
    ];
    let (loaded, report) = load_all(&inputs, &[], &LoadOptions::default()).unwrap();
    assert_eq!(report.skipped_count(), 0);
    let d = county();
    assert_eq!(
        (
            loaded.schools.len(),
            loaded.venues.len(),
            loaded.water.len()
        ),
        (300, 30_000, 200)
    );
    assert_eq!(report.approximate_schools, 15);
    assert_eq!(report.gates, 407);

    // Schools: polygon ones first, then point-only ones, each in generation order.
    let mut want: Vec<_> = d
        .schools
        .iter()
        .filter(|s| campus(&s.site).is_some())
        .collect();
    want.extend(d.schools.iter().filter(|s| campus(&s.site).is_none()));
    for (got, want) in loaded.schools.iter().zip(&want) {
        assert_eq!(got.id, want.id);
        assert_eq!(got.name, want.name, "GBK names byte-exact");
        assert_eq!(got.kind, want.kind, "{}", want.name);
        assert_eq!(got.township, want.township);
        assert_eq!(got.pupils, want.pupils);
        assert_eq!(got.gates.len(), want.gates.len(), "{}", want.id);
        for (g, w) in got.gates.iter().zip(&want.gates) {
            assert_eq!(
                g.point, w.point,
                "gates come from WGS84 GeoJSON with 7 decimals"
            );
        }
        match (&got.site, &want.site) {
            (Site::Area(g), Site::Area(w)) => {
                let model: Vec<(f64, f64)> =
                    w.0.iter()
                        .flat_map(|p| {
                            p.exterior()
                                .coords()
                                .chain(p.interiors().iter().flat_map(|h| h.coords()))
                        })
                        .map(|c| (c.x, c.y))
                        .collect();
                for p in &g.0 {
                    for c in p
                        .exterior()
                        .coords()
                        .chain(p.interiors().iter().flat_map(|h| h.coords()))
                    {
                        let nearest = model
                            .iter()
                            .map(|&m| karney::distance_m(m, (c.x, c.y)))
                            .fold(f64::INFINITY, f64::min);
                        assert!(nearest < 0.01, "{}: {nearest} m", want.id);
                    }
                }
            }
            (Site::Point(g), Site::Point(w)) => {
                assert!(karney::distance_m((g.x(), g.y()), (w.x(), w.y())) < 0.01);
            }
            _ => panic!("{}: site kind changed", want.id),
        }
    }
    // Venues: the category inferred from name and scope, the position back from GCJ-02 within 1 cm.
    for (got, want) in loaded.venues.iter().zip(&d.venues) {
        assert_eq!(got.name(), want.name());
        assert_eq!(got.category, want.category, "{}", want.name());
        assert_eq!(got.licence(), want.licence());
        let Footprint::Door(p) = &got.footprint else {
            panic!("{}: a CSV row is a point", want.id())
        };
        let err = karney::distance_m((p.x(), p.y()), listed_point(want).unwrap());
        assert!(err < 0.01, "{}: {err} m", want.id());
    }
    // Water: WGS84 GeoJSON, equal to the generated bodies.
    for (got, want) in loaded.water.iter().zip(&d.water) {
        assert_eq!(
            (&got.id, &got.name, got.kind),
            (&want.id, &want.name, want.kind)
        );
        assert_eq!(got.geom, want.geom, "{}", want.id);
    }
}
