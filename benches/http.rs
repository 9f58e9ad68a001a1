//! Criterion benchmarks of the server on the generated city (seed 2026: 3 000 schools, 300 000 venues,
//! 2 000 water bodies), each next to a baseline measured in the same run:
//!
//! - `tile_z14_all_layers`, `tile_z10_all_layers`: one tile of every layer over the densest part of the
//!   city, generated and MVT-encoded (the library call the tile route makes); baseline
//!   `geojson_same_features_z14` / `_z10`: serialising the same candidate features as GeoJSON (this
//!   crate's writer, the cheapest JSON form; before the per-pixel thinning below z12, so at z10 the
//!   baseline writes more features than the tile holds).
//! - `items_page_1000_http`: one page of 1 000 venues through the router (`oneshot`: routing, query
//!   parsing, selection, writing, links); baseline `items_page_1000_geojson_crate`: the same 1 000 venues
//!   as `geojson::Feature`s serialised by serde_json, the usual way without a server.
//! - `check_http`: a site check through the router (`GET /check`, parse, convert, measure, JSON);
//!   baseline `check_library`: `check_site` on the same sites without HTTP.
//!
//! Tile sizes (bytes, before compression) are printed at start; `PERIMETER_BENCH_PROVINCE=1` also prints
//! the largest z8 tile of the province (4 million venues; needs several GB of memory).

use std::collections::HashMap;
use std::hint::black_box;

use axum::body::{to_bytes, Body};
use axum::http::Request;
use axum::Router;
use criterion::{criterion_group, criterion_main, Criterion};
use perimeter::check::check_site;
use perimeter::gen::{generate, Scale};
use perimeter::http::collections::{CollectionId, Published};
use perimeter::http::geojson::write_feature;
use perimeter::http::tilesets::{render_layer, render_tile, DETAIL_FROM_Z};
use perimeter::http::{app, AppState};
use perimeter::model::{Category, Dataset, Footprint};
use perimeter::rules::RuleSet;
use perimeter::tiles::{encode_tile, TileId};
use rstar::AABB;
use tower::ServiceExt;

/// The data layers (the guard-post layers are left out so that the figures stay comparable with the
/// README's).
const ALL: [CollectionId; 5] = [
    CollectionId::Schools,
    CollectionId::Venues,
    CollectionId::Water,
    CollectionId::Findings,
    CollectionId::Buffers,
];

/// The tile at zoom `z` holding the most venue doors.
fn densest_tile(ds: &Dataset, z: u8) -> TileId {
    let n = f64::from(1u32 << z);
    let mut counts: HashMap<(u32, u32), usize> = HashMap::new();
    for v in &ds.venues {
        if let Footprint::Door(p) = &v.footprint {
            let (wx, wy) = perimeter::tiles::mercator::lon_lat_to_world(p.x(), p.y());
            *counts
                .entry(((wx * n) as u32, (wy * n) as u32))
                .or_insert(0) += 1;
        }
    }
    let ((x, y), _) = counts
        .into_iter()
        .max_by_key(|&(k, c)| (c, k))
        .expect("venues");
    TileId::new(u32::from(z), x, y).expect("a tile in range")
}

/// The same features a tile holds, as GeoJSON (every item of every layer whose box meets the tile).
fn geojson_of_tile(p: &Published, tile: TileId) -> Vec<u8> {
    let b = tile.bounds_lon_lat(64.0);
    let env = AABB::from_corners([b[0], b[1]], [b[2], b[3]]);
    let mut out = Vec::new();
    for c in ALL {
        let mut hits: Vec<u32> = p
            .collection(c)
            .tree
            .locate_in_envelope_intersecting(&env)
            .map(|e| e.data)
            .collect();
        hits.sort_unstable();
        for k in hits {
            if c == CollectionId::Venues
                && tile.z < DETAIL_FROM_Z
                && p.dataset.venues[k as usize].category == Category::Other
            {
                continue;
            }
            write_feature(&mut out, p, c, k as usize).expect("json");
            out.push(b',');
        }
    }
    out
}

fn venue_features_geojson_crate(ds: &Dataset, range: std::ops::Range<usize>) -> Vec<u8> {
    let features: Vec<geojson::Feature> = ds.venues[range]
        .iter()
        .map(|v| {
            let geometry = match &v.footprint {
                Footprint::Door(p) => geojson::Geometry::new(geojson::GeometryValue::from(p)),
                Footprint::Area(mp) => geojson::Geometry::new(geojson::GeometryValue::from(mp)),
            };
            let mut props = serde_json::Map::new();
            props.insert("id".into(), v.id().to_string().into());
            props.insert("name".into(), v.name().to_string().into());
            props.insert("category".into(), v.category.as_str().into());
            props.insert("licence".into(), v.licence().into());
            props.insert("address".into(), v.address().into());
            props.insert("scope".into(), v.scope().into());
            props.insert("status".into(), v.status().into());
            geojson::Feature {
                bbox: None,
                geometry: Some(geometry),
                id: Some(geojson::feature::Id::String(v.id().to_string())),
                properties: Some(props),
                foreign_members: None,
            }
        })
        .collect();
    serde_json::to_vec(&geojson::FeatureCollection {
        bbox: None,
        features,
        foreign_members: None,
    })
    .expect("json")
}

/// A tile's size, with features and bytes per layer.
fn describe(p: &Published, t: TileId) -> String {
    let bytes = render_tile(p, &ALL, t);
    let per_layer: Vec<String> = ALL
        .iter()
        .map(|&c| {
            let l = render_layer(p, c, t);
            format!(
                "{} {} features {} bytes",
                c.as_str(),
                l.len(),
                encode_tile(&[l]).len()
            )
        })
        .collect();
    format!(
        "z{}/{}/{}: {} bytes ({})",
        t.z,
        t.x,
        t.y,
        bytes.len(),
        per_layer.join(", ")
    )
}

async fn call(router: &Router, uri: &str) -> usize {
    let resp = router
        .clone()
        .oneshot(
            Request::get(uri)
                .header("host", "bench")
                .body(Body::empty())
                .expect("request"),
        )
        .await
        .expect("infallible");
    to_bytes(resp.into_body(), usize::MAX)
        .await
        .expect("body")
        .len()
}

fn benches(c: &mut Criterion) {
    let ds = generate(Scale::City, 2026);
    let state = AppState::new(ds.clone(), RuleSet::national());
    let p = state.published();
    let router = app(state.clone());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");

    let z14 = densest_tile(&ds, 14);
    let z10 = densest_tile(&ds, 10);
    let z8 = densest_tile(&ds, 8);
    for t in [z8, z10, z14] {
        eprintln!("city tile {}", describe(p, t));
    }
    if std::env::var_os("PERIMETER_BENCH_PROVINCE").is_some() {
        let prov = generate(Scale::Province, 2026);
        let t = densest_tile(&prov, 8);
        let st = AppState::new(prov, RuleSet::national());
        eprintln!("province tile {}", describe(st.published(), t));
    }

    let mut g = c.benchmark_group("http_city");
    g.sample_size(20);
    g.bench_function("tile_z14_all_layers", |b| {
        b.iter(|| black_box(render_tile(p, &ALL, z14)))
    });
    g.bench_function("geojson_same_features_z14", |b| {
        b.iter(|| black_box(geojson_of_tile(p, z14)))
    });
    g.bench_function("tile_z10_all_layers", |b| {
        b.iter(|| black_box(render_tile(p, &ALL, z10)))
    });
    g.bench_function("geojson_same_features_z10", |b| {
        b.iter(|| black_box(geojson_of_tile(p, z10)))
    });
    let tile_uri = format!(
        "/tiles/schools,venues,water,findings,buffers/{}/{}/{}",
        z14.z, z14.x, z14.y
    );
    g.bench_function("tile_z14_http", |b| {
        b.iter(|| black_box(rt.block_on(call(&router, &tile_uri))))
    });

    let mut page = 0usize;
    g.bench_function("items_page_1000_http", |b| {
        b.iter(|| {
            page = (page + 1) % 300;
            black_box(rt.block_on(call(
                &router,
                &format!(
                    "/collections/venues/items?limit=1000&offset={}",
                    page * 1000
                ),
            )))
        })
    });
    let mut page = 0usize;
    g.bench_function("items_page_1000_geojson_crate", |b| {
        b.iter(|| {
            page = (page + 1) % 300;
            black_box(venue_features_geojson_crate(
                &ds,
                page * 1000..page * 1000 + 1000,
            ))
        })
    });

    // Site checks at 1 000 venue doors (many near schools), cycled.
    let sites: Vec<(f64, f64)> = ds
        .venues
        .iter()
        .filter_map(|v| match &v.footprint {
            Footprint::Door(p) => Some((p.x(), p.y())),
            Footprint::Area(_) => None,
        })
        .step_by(250)
        .take(1000)
        .collect();
    let uris: Vec<String> = sites
        .iter()
        .map(|(x, y)| format!("/check?lon={x}&lat={y}&category=internet_cafe"))
        .collect();
    let mut i = 0usize;
    g.bench_function("check_http", |b| {
        b.iter(|| {
            i = (i + 1) % uris.len();
            black_box(rt.block_on(call(&router, &uris[i])))
        })
    });
    let data = &state.data;
    let mut i = 0usize;
    g.bench_function("check_library", |b| {
        b.iter(|| {
            i = (i + 1) % sites.len();
            black_box(check_site(
                &p.dataset,
                &data.index,
                &p.rules,
                sites[i],
                Category::InternetCafe,
            ))
        })
    });
    g.finish();
}

criterion_group!(http, benches);
criterion_main!(http);
