//! Arbitrary bytes split into a .shp and a .dbf (the first two bytes give the .shp's length), into
//! the Shapefile reader and the model builder: it must return, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use perimeter::crs::Crs;
use perimeter::load::shp::{self, ShapefileParts};
use perimeter::load::{build, Input, LayerKind, LoadOptions};

fuzz_target!(|data: &[u8]| {
    if data.len() < 2 {
        return;
    }
    let rest = &data[2..];
    let n = usize::from(u16::from_le_bytes([data[0], data[1]])) % (rest.len() + 1);
    let (shp_bytes, dbf) = rest.split_at(n);
    let input = Input {
        path: "fuzz.shp".into(),
        layer: LayerKind::Schools,
        crs: Some(Crs::Wgs84),
        encoding: None,
    };
    for skip_invalid in [false, true] {
        let opts = LoadOptions {
            skip_invalid,
            ..LoadOptions::default()
        };
        let parts = ShapefileParts {
            shp: shp_bytes,
            shx: None,
            dbf,
            cpg: None,
            prj: None,
        };
        if let Ok(raw) = shp::parse(parts, &input, &opts) {
            let _ = build::schools(&raw, &opts);
            let _ = build::water(&raw, &opts);
        }
    }
});
