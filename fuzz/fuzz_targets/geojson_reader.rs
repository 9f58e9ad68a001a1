//! Arbitrary bytes into the GeoJSON reader, then the model builder: it must return, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use perimeter::load::{build, geojson, Input, LayerKind, LoadOptions};

fuzz_target!(|data: &[u8]| {
    for (layer, skip_invalid) in [(LayerKind::Schools, false), (LayerKind::Venues, true)] {
        let input = Input {
            path: "fuzz.geojson".into(),
            layer,
            crs: None,
            encoding: None,
        };
        let opts = LoadOptions {
            skip_invalid,
            ..LoadOptions::default()
        };
        if let Ok(raw) = geojson::parse(data, &input, &opts) {
            let _ = build::schools(&raw, &opts);
            let _ = build::venues(&raw, &opts);
            let _ = build::water(&raw, &opts);
            let _ = build::gates(&raw, &opts);
        }
    }
});
