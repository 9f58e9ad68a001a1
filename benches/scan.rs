//! Criterion benchmarks: loading, index build, scan and site check at county and city scale (province with
//! `PERIMETER_BENCH_PROVINCE=1`), on data from `perimeter::gen` (seeded, so every run measures the same
//! data), with the binary's allocator and its settings.
//!
//! Baseline in the same run: `planar_baseline` answers the same join with the same R-tree candidates but
//! a plain planar distance in degrees per candidate (geo's Euclidean, no exactness at all): the cheapest
//! possible refine step. The ratio scan / baseline is the price of exact metres. For loading,
//! `load_baseline` reads the same four GeoJSON files and parses them with the `geojson` crate (serde) into
//! its FeatureCollection, building nothing: the ratio load / baseline is the price of validated, converted,
//! classified and id-checked layers. For writing, `write_baseline` writes the same findings' records
//! with `serde_json` (a Feature per finding) and the `csv` crate (`serialize`), rendered on every thread
//! in the same chunks: the ratio write_findings / baseline is what the hand-written writer saves. Both
//! write into `io::sink()`: the kernel's copy into the page cache is not counted.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};

/// The allocator of the `perimeter` binary (see `src/main.rs`), so that the figures are the binary's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use geo::{Distance, Euclidean};
use geo_types::Point;
use perimeter::check::check_site;
use perimeter::gen::{generate, Scale};
use perimeter::index::{expand_by_metres, Index};
use perimeter::model::{Category, Dataset, Footprint, Site};
use perimeter::rules::RuleSet;
use perimeter::scan::scan;
use rstar::RTree;
use std::hint::black_box;

fn all_venues() -> RuleSet {
    RuleSet::from_toml(
        include_str!("peers/all_venues_200.toml"),
        "all_venues_200.toml",
    )
    .unwrap()
}

/// The baseline's own R-tree of door points (rstar, bulk-loaded; built outside the timed loop).
fn door_tree(ds: &Dataset) -> RTree<[f64; 2]> {
    RTree::bulk_load(
        ds.venues
            .iter()
            .filter_map(|v| match &v.footprint {
                Footprint::Door(p) => Some([p.x(), p.y()]),
                Footprint::Area(_) => None,
            })
            .collect(),
    )
}

/// Planar join, one thread: the R-tree's candidates, planar degrees (wrong near the limit, for timing
/// only). The limit in degrees is taken at the school's latitude.
fn planar_baseline(ds: &Dataset, index: &Index, tree: &RTree<[f64; 2]>) -> usize {
    let mut n = 0;
    for (si, s) in ds.schools.iter().enumerate() {
        let ps = &index.schools[si];
        let env = expand_by_metres(ps.bbox, 200.0);
        let deg = 200.0 / 111_000.0;
        for e in tree.locate_in_envelope_intersecting(&env) {
            let p = Point::new(e[0], e[1]);
            let d = match &s.site {
                Site::Area(mp) => Euclidean.distance(&p, mp),
                Site::Point(q) => Euclidean.distance(&p, q),
            };
            if d <= deg {
                n += 1;
            }
        }
    }
    n
}

fn scale_benches(c: &mut Criterion, scale: Scale) {
    let name = scale.as_str();
    let ds = generate(scale, 2026);
    let national = RuleSet::national();
    let all = all_venues();
    let mut g = c.benchmark_group(name);
    g.sample_size(if scale == Scale::County { 30 } else { 10 });
    g.bench_function("index_build", |b| b.iter(|| black_box(Index::build(&ds))));
    let index = Index::build(&ds);
    eprintln!(
        "{name}: {} schools, {} venues, {} water; findings: national {}, every venue {}",
        ds.schools.len(),
        ds.venues.len(),
        ds.water.len(),
        scan(&ds, &index, &national).len(),
        scan(&ds, &index, &all).len()
    );
    g.bench_function("scan_national", |b| {
        b.iter(|| black_box(scan(&ds, &index, &national)))
    });
    g.bench_function("scan_every_venue", |b| {
        b.iter(|| black_box(scan(&ds, &index, &all)))
    });
    let tree = door_tree(&ds);
    g.bench_function("planar_baseline", |b| {
        b.iter(|| black_box(planar_baseline(&ds, &index, &tree)))
    });
    let findings = scan(&ds, &index, &all);
    g.bench_function("write_findings", |b| {
        b.iter(|| {
            perimeter::export::findings::write_findings(
                Some(std::io::sink()),
                Some(std::io::sink()),
                &ds,
                &all,
                &findings,
            )
            .unwrap()
        })
    });
    g.bench_function("write_baseline", |b| {
        b.iter(|| write_baseline(&ds, &all, &findings))
    });
    // Site checks at venue positions (many are near schools), cycling through 1 000 of them.
    let sites: Vec<(f64, f64)> = ds
        .venues
        .iter()
        .step_by((ds.venues.len() / 1000).max(1))
        .map(|v| match &v.footprint {
            perimeter::model::Footprint::Door(p) => (p.x(), p.y()),
            perimeter::model::Footprint::Area(mp) => mp.0[0].exterior().0[0].x_y(),
        })
        .collect();
    let mut k = 0;
    g.bench_with_input(
        BenchmarkId::new("site_check", "internet_cafe"),
        &sites,
        |b, sites| {
            b.iter(|| {
                k = (k + 1) % sites.len();
                black_box(check_site(
                    &ds,
                    &index,
                    &national,
                    sites[k],
                    Category::InternetCafe,
                ))
            })
        },
    );
    g.finish();
}

#[derive(serde::Serialize)]
struct Feature<'a> {
    r#type: &'static str,
    geometry: Line,
    properties: &'a perimeter::export::findings::FindingRecord<'a>,
}

#[derive(serde::Serialize)]
struct Line {
    r#type: &'static str,
    coordinates: [[f64; 2]; 2],
}

/// The findings files written the plain way: per chunk of 2 048 findings (on every thread), each
/// record as a GeoJSON Feature by `serde_json` (derived `Serialize`) and as a CSV row by the `csv` crate; then the chunks in
/// order into the sinks.
fn write_baseline(ds: &Dataset, rules: &RuleSet, findings: &[perimeter::scan::Finding]) {
    use perimeter::export::findings::record;
    use rayon::prelude::*;
    use std::io::Write;
    let chunks: Vec<(Vec<u8>, Vec<u8>)> = findings
        .par_chunks(2048)
        .map(|chunk| {
            let mut g = Vec::new();
            let mut c = csv::WriterBuilder::new()
                .has_headers(false)
                .from_writer(Vec::new());
            for f in chunk {
                let r = record(ds, rules, f);
                let (a, b) = (f.measured.from, f.measured.to);
                let feature = Feature {
                    r#type: "Feature",
                    geometry: Line {
                        r#type: "LineString",
                        coordinates: [[a.0, a.1], [b.0, b.1]],
                    },
                    properties: &r,
                };
                serde_json::to_writer(&mut g, &feature).unwrap();
                g.extend_from_slice(b",\n");
                c.serialize((&r, a.0, a.1, b.0, b.1)).unwrap();
            }
            (g, c.into_inner().unwrap())
        })
        .collect();
    let (mut gs, mut cs) = (std::io::sink(), std::io::sink());
    for (g, c) in &chunks {
        gs.write_all(g).unwrap();
        cs.write_all(c).unwrap();
    }
}

/// Loading the four GeoJSON files `perimeter gen` writes (schools, gates, venues, water) into a dataset,
/// against reading and parsing them with the `geojson` crate.
fn load_benches(c: &mut Criterion, scale: Scale) {
    use perimeter::load::{load_all, Input, LayerKind, LoadOptions};
    let dir = tempfile::tempdir().unwrap();
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_perimeter"))
        .args(["gen", "--scale", scale.as_str(), "--seed", "2026", "--out"])
        .arg(dir.path())
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    let layers = [
        ("schools", LayerKind::Schools),
        ("gates", LayerKind::Gates),
        ("venues", LayerKind::Venues),
        ("water", LayerKind::Water),
    ];
    let inputs: Vec<Input> = layers
        .iter()
        .map(|&(name, layer)| Input {
            path: dir.path().join(format!("{name}.geojson")),
            layer,
            crs: None,
            encoding: None,
        })
        .collect();
    let opts = LoadOptions::default();
    let (ds, _) = load_all(&inputs, &[], &opts).unwrap();
    let bytes: u64 = inputs
        .iter()
        .map(|i| std::fs::metadata(&i.path).unwrap().len())
        .sum();
    eprintln!(
        "{}: load {} MB of GeoJSON: {} schools, {} venues, {} water",
        scale.as_str(),
        bytes / 1_000_000,
        ds.schools.len(),
        ds.venues.len(),
        ds.water.len()
    );
    let mut g = c.benchmark_group(scale.as_str());
    g.sample_size(10);
    g.bench_function("load", |b| {
        b.iter(|| black_box(load_all(&inputs, &[], &opts).unwrap()))
    });
    g.bench_function("load_baseline", |b| {
        b.iter(|| {
            for i in &inputs {
                let text = std::fs::read(&i.path).unwrap();
                black_box(serde_json::from_slice::<geojson::FeatureCollection>(&text).unwrap());
            }
        })
    });
    g.finish();
}

fn benches(c: &mut Criterion) {
    // As the binary's one-shot commands do: freed memory is kept for reuse (mimalloc.h:
    // mi_option_purge_delay = 15, -1 = never give it back).
    // SAFETY: sets a process-wide option before anything depends on it.
    unsafe { libmimalloc_sys::mi_option_set(15, -1) };
    load_benches(c, Scale::County);
    load_benches(c, Scale::City);
    scale_benches(c, Scale::County);
    scale_benches(c, Scale::City);
    if std::env::var_os("PERIMETER_BENCH_PROVINCE").is_some() {
        scale_benches(c, Scale::Province);
    }
}

criterion_group!(scan_benches, benches);
criterion_main!(scan_benches);
