//! No panic on any input: mutated fixtures into every reader and the model builder, on the stable
//! toolchain (the longer runs are the cargo-fuzz targets in fuzz/). Each case must return, Ok or Err.

use std::path::{Path, PathBuf};

use perimeter::crs::Crs;
use perimeter::load::shp::{self, ShapefileParts};
use perimeter::load::{build, csv, geojson, Input, LayerKind, LoadOptions, RawLayer};
use proptest::prelude::*;

fn fixture(name: &str) -> Vec<u8> {
    let p: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/load")
        .join(name);
    std::fs::read(p).unwrap()
}

fn input(name: &str, layer: LayerKind, crs: Option<Crs>) -> Input {
    Input {
        path: name.into(),
        layer,
        crs,
        encoding: None,
    }
}

fn opts(skip_invalid: bool) -> LoadOptions {
    LoadOptions {
        skip_invalid,
        ..LoadOptions::default()
    }
}

/// Edits applied to a file: (position as a fraction of the length, byte) overwrites, then a cut.
fn mutate(mut bytes: Vec<u8>, edits: &[(f64, u8)], keep: f64) -> Vec<u8> {
    for &(at, b) in edits {
        if !bytes.is_empty() {
            let i = ((bytes.len() - 1) as f64 * at) as usize;
            bytes[i] = b;
        }
    }
    let n = (bytes.len() as f64 * keep) as usize;
    bytes.truncate(n);
    bytes
}

fn build_all(raw: &RawLayer, opts: &LoadOptions) {
    let _ = build::schools(raw, opts);
    let _ = build::venues(raw, opts);
    let _ = build::water(raw, opts);
    let _ = build::gates(raw, opts);
}

fn edits() -> impl Strategy<Value = Vec<(f64, u8)>> {
    prop::collection::vec((0.0..1.0f64, any::<u8>()), 0..8)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn geojson_never_panics(
        which in 0usize..3,
        edits in edits(),
        keep in 0.5..=1.0f64,
        skip in any::<bool>(),
    ) {
        let name = ["schools_4547.geojson", "venues_array.geojson", "gates.geojson"][which];
        let bytes = mutate(fixture(name), &edits, keep);
        let opts = opts(skip);
        if let Ok(raw) = geojson::parse(&bytes, &input(name, LayerKind::Schools, None), &opts) {
            build_all(&raw, &opts);
        }
    }

    #[test]
    fn csv_never_panics(
        which in 0usize..3,
        edits in edits(),
        keep in 0.5..=1.0f64,
        skip in any::<bool>(),
    ) {
        let name = ["venues_gcj02_bom.csv", "venues_gbk.csv", "water_wkt.csv"][which];
        let bytes = mutate(fixture(name), &edits, keep);
        let opts = opts(skip);
        for crs in [Some(Crs::Gcj02), Some(Crs::Wgs84), None] {
            if let Ok(raw) = csv::parse(&bytes, &input(name, LayerKind::Venues, crs), &opts) {
                build_all(&raw, &opts);
            }
        }
    }

    #[test]
    fn shapefile_never_panics(
        which in 0usize..4,
        shp_edits in edits(),
        dbf_edits in edits(),
        keep in 0.5..=1.0f64,
        skip in any::<bool>(),
    ) {
        let stem = ["schools_gbk", "water_polygonz", "water_lines_noprj", "venues_polygonm"][which];
        let shp_bytes = mutate(fixture(&format!("{stem}.shp")), &shp_edits, keep);
        let dbf = mutate(fixture(&format!("{stem}.dbf")), &dbf_edits, 1.0);
        let opts = opts(skip);
        let parts = ShapefileParts { shp: &shp_bytes, shx: None, dbf: &dbf, cpg: None, prj: None };
        if let Ok(raw) = shp::parse(parts, &input(stem, LayerKind::Schools, Some(Crs::Wgs84)), &opts) {
            build_all(&raw, &opts);
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let opts = opts(true);
        let _ = geojson::parse(&bytes, &input("x.geojson", LayerKind::Venues, None), &opts);
        let _ = csv::parse(&bytes, &input("x.csv", LayerKind::Venues, Some(Crs::Wgs84)), &opts);
        let (a, b) = bytes.split_at(bytes.len() / 2);
        let parts = ShapefileParts { shp: a, shx: Some(b), dbf: b, cpg: Some("GBK"), prj: None };
        let _ = shp::parse(parts, &input("x.shp", LayerKind::Water, Some(Crs::Wgs84)), &opts);
    }
}
