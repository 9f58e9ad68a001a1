//! Arbitrary bytes into the CSV reader (WGS84 and GCJ-02 declared, and undeclared), then the model
//! builder: it must return, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use perimeter::crs::Crs;
use perimeter::load::{build, csv, Input, LayerKind, LoadOptions};

fuzz_target!(|data: &[u8]| {
    for crs in [Some(Crs::Wgs84), Some(Crs::Gcj02), None] {
        let input = Input {
            path: "fuzz.csv".into(),
            layer: LayerKind::Venues,
            crs,
            encoding: None,
        };
        let opts = LoadOptions {
            skip_invalid: true,
            ..LoadOptions::default()
        };
        if let Ok(raw) = csv::parse(data, &input, &opts) {
            let _ = build::venues(&raw, &opts);
            let _ = build::water(&raw, &opts);
        }
    }
});
