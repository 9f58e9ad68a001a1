//! Vector tiles and TileJSON over HTTP. Tiles are decoded here by a minimal protocol-buffer reader
//! written for this test (independent of the encoder), and expected tile coordinates come from this
//! file's own Web Mercator formula, y = (1 − asinh(tan φ)/π)/2 · 2^z (the library uses
//! ½ − ln((1 + sin φ)/(1 − sin φ))/4π), rounded to the nearest unit.

mod http_support;

use std::collections::{BTreeSet, HashMap};
use std::f64::consts::PI;
use std::io::Read;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use perimeter::model::{Category, Footprint};
use serde_json::json;

use http_support::*;

// ---- a minimal MVT reader -------------------------------------------------------------------------

struct Reader<'a> {
    b: &'a [u8],
    i: usize,
}

impl<'a> Reader<'a> {
    fn new(b: &'a [u8]) -> Self {
        Reader { b, i: 0 }
    }
    fn done(&self) -> bool {
        self.i >= self.b.len()
    }
    fn varint(&mut self) -> u64 {
        let mut v = 0u64;
        let mut shift = 0;
        loop {
            let byte = self.b[self.i];
            self.i += 1;
            v |= u64::from(byte & 0x7f) << shift;
            if byte < 0x80 {
                return v;
            }
            shift += 7;
        }
    }
    fn key(&mut self) -> (u64, u64) {
        let k = self.varint();
        (k >> 3, k & 7)
    }
    fn bytes(&mut self) -> &'a [u8] {
        let n = self.varint() as usize;
        let s = &self.b[self.i..self.i + n];
        self.i += n;
        s
    }
    fn fixed64(&mut self) -> [u8; 8] {
        let mut a = [0u8; 8];
        a.copy_from_slice(&self.b[self.i..self.i + 8]);
        self.i += 8;
        a
    }
    fn skip(&mut self, wire: u64) {
        match wire {
            0 => {
                self.varint();
            }
            1 => self.i += 8,
            2 => {
                self.bytes();
            }
            5 => self.i += 4,
            w => panic!("wire type {w}"),
        }
    }
    fn packed(&mut self) -> Vec<u32> {
        let mut r = Reader::new(self.bytes());
        let mut out = Vec::new();
        while !r.done() {
            out.push(r.varint() as u32);
        }
        out
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Val {
    S(String),
    D(f64),
    U(u64),
    B(bool),
}

#[derive(Debug)]
struct Feature {
    id: Option<u64>,
    gtype: u64,
    props: HashMap<String, Val>,
    /// Parts: points (one per part for multipoints), lines, or rings (closing point not repeated).
    parts: Vec<Vec<[i32; 2]>>,
}

#[derive(Debug)]
struct Layer {
    name: String,
    version: u64,
    extent: u64,
    features: Vec<Feature>,
}

fn unzig(v: u32) -> i32 {
    ((v >> 1) as i32) ^ -((v & 1) as i32)
}

fn commands(g: &[u32]) -> Vec<Vec<[i32; 2]>> {
    let (mut x, mut y, mut i) = (0i32, 0i32, 0usize);
    let mut parts: Vec<Vec<[i32; 2]>> = Vec::new();
    while i < g.len() {
        let (id, count) = (g[i] & 7, g[i] >> 3);
        i += 1;
        match id {
            1 | 2 => {
                for _ in 0..count {
                    x += unzig(g[i]);
                    y += unzig(g[i + 1]);
                    i += 2;
                    if id == 1 {
                        parts.push(Vec::new());
                    }
                    parts.last_mut().expect("MoveTo first").push([x, y]);
                }
            }
            7 => assert_eq!(count, 1),
            c => panic!("command {c}"),
        }
    }
    parts
}

fn decode(tile: &[u8]) -> Vec<Layer> {
    let mut layers = Vec::new();
    let mut t = Reader::new(tile);
    while !t.done() {
        let (field, wire) = t.key();
        if field != 3 {
            t.skip(wire);
            continue;
        }
        let mut l = Reader::new(t.bytes());
        let (mut name, mut version, mut extent) = (String::new(), 1, 4096);
        let (mut keys, mut values, mut raw) = (Vec::new(), Vec::new(), Vec::new());
        while !l.done() {
            match l.key() {
                (1, 2) => name = String::from_utf8(l.bytes().to_vec()).expect("utf-8"),
                (2, 2) => raw.push(l.bytes()),
                (3, 2) => keys.push(String::from_utf8(l.bytes().to_vec()).expect("utf-8")),
                (4, 2) => {
                    let mut v = Reader::new(l.bytes());
                    while !v.done() {
                        values.push(match v.key() {
                            (1, 2) => Val::S(String::from_utf8(v.bytes().to_vec()).expect("utf-8")),
                            (3, 1) => Val::D(f64::from_le_bytes(v.fixed64())),
                            (5, 0) => Val::U(v.varint()),
                            (7, 0) => Val::B(v.varint() != 0),
                            k => panic!("value field {k:?}"),
                        });
                    }
                }
                (5, 0) => extent = l.varint(),
                (15, 0) => version = l.varint(),
                (_, w) => l.skip(w),
            }
        }
        let features = raw
            .into_iter()
            .map(|bytes| {
                let mut f = Reader::new(bytes);
                let (mut id, mut gtype, mut tags, mut geom) = (None, 0, Vec::new(), Vec::new());
                while !f.done() {
                    match f.key() {
                        (1, 0) => id = Some(f.varint()),
                        (2, 2) => tags = f.packed(),
                        (3, 0) => gtype = f.varint(),
                        (4, 2) => geom = f.packed(),
                        (_, w) => f.skip(w),
                    }
                }
                let props = tags
                    .chunks(2)
                    .map(|kv| (keys[kv[0] as usize].clone(), values[kv[1] as usize].clone()))
                    .collect();
                Feature {
                    id,
                    gtype,
                    props,
                    parts: commands(&geom),
                }
            })
            .collect();
        layers.push(Layer {
            name,
            version,
            extent,
            features,
        });
    }
    layers
}

// ---- expectations ---------------------------------------------------------------------------------

/// (lon, lat) → tile units of tile (z, x, y), unrounded.
fn to_tile(lon: f64, lat: f64, z: u32, x: u32, y: u32) -> (f64, f64) {
    let n = f64::from(1u32 << z);
    let wx = (lon + 180.0) / 360.0 * n;
    let wy = (1.0 - lat.to_radians().tan().asinh() / PI) / 2.0 * n;
    ((wx - f64::from(x)) * 4096.0, (wy - f64::from(y)) * 4096.0)
}

fn rounded(lon: f64, lat: f64, z: u32, x: u32, y: u32) -> [i32; 2] {
    let (a, b) = to_tile(lon, lat, z, x, y);
    [a.round() as i32, b.round() as i32]
}

/// Twice the signed area, tile coordinates (y down): > 0 is clockwise on screen.
fn area2(r: &[[i32; 2]]) -> i64 {
    (0..r.len())
        .map(|i| {
            let (a, b) = (r[i], r[(i + 1) % r.len()]);
            i64::from(a[0]) * i64::from(b[1]) - i64::from(b[0]) * i64::from(a[1])
        })
        .sum()
}

/// True when `got` is `want` starting anywhere (same cyclic order).
fn same_cycle(got: &[[i32; 2]], want: &[[i32; 2]]) -> bool {
    got.len() == want.len()
        && (0..want.len()).any(|s| (0..want.len()).all(|i| got[i] == want[(i + s) % want.len()]))
}

fn layer<'a>(layers: &'a [Layer], name: &str) -> &'a Layer {
    layers
        .iter()
        .find(|l| l.name == name)
        .unwrap_or_else(|| panic!("no layer {name}"))
}

fn by_id<'a>(l: &'a Layer, id: &str) -> &'a Feature {
    l.features
        .iter()
        .find(|f| f.props.get("id") == Some(&Val::S(id.into())))
        .unwrap_or_else(|| panic!("no {id} in {}", l.name))
}

// ---- tests ----------------------------------------------------------------------------------------

#[tokio::test]
async fn a_tile_decodes_to_the_expected_features() {
    let state = small_state();
    // S1 and S2 lie wholly in z15 tile (26624, 13144) (checked below).
    let (z, x, y) = (15, 26624, 13144);
    let r = get(
        &state,
        &format!("/tiles/schools,venues,findings/{z}/{x}/{y}"),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.content_type(), "application/vnd.mapbox-vector-tile");
    let layers = decode(&r.body);
    let names: Vec<&str> = layers.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, vec!["schools", "venues", "findings"]);
    assert!(layers.iter().all(|l| l.version == 2 && l.extent == 4096));

    let schools = layer(&layers, "schools");
    // S1: given clockwise in lon/lat, which is already clockwise on screen: the ring comes back as the
    // four projected corners in the input's order, area > 0 (exterior).
    let s1 = by_id(schools, "S1");
    assert_eq!(s1.gtype, 3);
    assert_eq!(s1.id, Some(0));
    let want: Vec<[i32; 2]> = S1_RING
        .iter()
        .map(|&(lo, la)| rounded(lo, la, z, x, y))
        .collect();
    assert!(
        want.iter()
            .all(|p| (0..4096).contains(&p[0]) && (0..4096).contains(&p[1])),
        "{want:?}"
    );
    assert_eq!(s1.parts.len(), 1);
    assert!(
        same_cycle(&s1.parts[0], &want),
        "{:?} vs {want:?}",
        s1.parts[0]
    );
    assert!(area2(&s1.parts[0]) > 0);
    // S2: given counter-clockwise (RFC 7946), so the encoder reverses it; its clockwise hole is reversed
    // too (holes run counter-clockwise on screen, area < 0).
    let s2 = by_id(schools, "S2");
    assert_eq!(s2.parts.len(), 2);
    let ext: Vec<[i32; 2]> = S2_RING
        .iter()
        .rev()
        .map(|&(lo, la)| rounded(lo, la, z, x, y))
        .collect();
    let hole: Vec<[i32; 2]> = S2_HOLE
        .iter()
        .rev()
        .map(|&(lo, la)| rounded(lo, la, z, x, y))
        .collect();
    assert!(
        same_cycle(&s2.parts[0], &ext),
        "{:?} vs {ext:?}",
        s2.parts[0]
    );
    assert!(
        same_cycle(&s2.parts[1], &hole),
        "{:?} vs {hole:?}",
        s2.parts[1]
    );
    assert!(area2(&s2.parts[0]) > 0 && area2(&s2.parts[1]) < 0);
    assert_eq!(s2.props["kind"], Val::S("kindergarten".into()));
    assert_eq!(s2.props["findings"], Val::U(2));
    assert_eq!(s2.props["approximate"], Val::B(false));

    // Venues: V1 at its rounded door; V5's footprint (from z14) as its polygon, given counter-clockwise and
    // so reversed.
    let venues = layer(&layers, "venues");
    let v1 = by_id(venues, "V1");
    assert_eq!(
        (v1.gtype, v1.parts.clone()),
        (1, vec![vec![rounded(112.5032, 33.5005, z, x, y)]])
    );
    assert_eq!(v1.props["category"], Val::S("internet_cafe".into()));
    let v5 = by_id(venues, "V5");
    let v5_ring = [
        (112.5085, 33.5012),
        (112.5087, 33.5012),
        (112.5087, 33.5010),
        (112.5085, 33.5010),
    ];
    let want: Vec<[i32; 2]> = v5_ring
        .iter()
        .map(|&(lo, la)| rounded(lo, la, z, x, y))
        .collect();
    assert_eq!(v5.gtype, 3);
    assert!(
        same_cycle(&v5.parts[0], &want),
        "{:?} vs {want:?}",
        v5.parts[0]
    );
    // V4 (category other) is drawn from z15; V6 is far away; V3 is in the next tile east.
    let ids: BTreeSet<String> = venues
        .features
        .iter()
        .filter_map(|f| {
            if let Some(Val::S(s)) = f.props.get("id") {
                Some(s.clone())
            } else {
                None
            }
        })
        .collect();
    assert_eq!(
        ids,
        ["V1", "V2", "V4", "V5"]
            .iter()
            .map(|s| s.to_string())
            .collect()
    );

    // Findings: the measured line of S1 → V1 runs from S1's east edge to V1's door: its end is V1.
    let findings = layer(&layers, "findings");
    let f = findings
        .features
        .iter()
        .find(|f| {
            f.props.get("school_id") == Some(&Val::S("S1".into()))
                && f.props.get("feature_id") == Some(&Val::S("V1".into()))
        })
        .expect("the finding S1 → V1");
    assert_eq!(f.props["rule_id"], Val::S("internet_cafe_200".into()));
    assert_eq!(f.gtype, 2);
    assert_eq!(
        f.parts[0].last(),
        Some(&rounded(112.5032, 33.5005, z, x, y))
    );
    assert_eq!(f.parts[0][0][0], rounded(112.5018, 33.5005, z, x, y)[0]);
    let Val::D(d) = f.props["distance_m"] else {
        panic!("distance_m is a double")
    };
    assert!((d - 130.0).abs() < 1.0, "{d}");
}

#[tokio::test]
async fn footprints_are_polygons_from_z14_and_campuses_points_below_z10() {
    let state = small_state();
    // z14 tile of V5's centre: its footprint is a polygon (clockwise on screen after reversal).
    let (z, x, y) = (14, 13312, 6572);
    let (tx, ty) = to_tile(112.5086, 33.5011, z, x, y);
    assert!((0.0..4096.0).contains(&tx) && (0.0..4096.0).contains(&ty));
    let layers = decode(
        &get(&state, &format!("/tiles/venues/{z}/{x}/{y}"))
            .await
            .body,
    );
    let v5 = by_id(layer(&layers, "venues"), "V5");
    assert_eq!(v5.gtype, 3);
    assert!(area2(&v5.parts[0]) > 0);
    // At z13 it is the centre of its box.
    let (z, x, y) = (13, 6656, 3286);
    let layers = decode(
        &get(&state, &format!("/tiles/venues/{z}/{x}/{y}"))
            .await
            .body,
    );
    let v5 = by_id(layer(&layers, "venues"), "V5");
    assert_eq!(
        (v5.gtype, v5.parts.clone()),
        (1, vec![vec![rounded(112.5086, 33.5011, z, x, y)]])
    );
    // z9: S1 is one point at the centre of its bounding box.
    let (z, x, y) = (9, 416, 205);
    let layers = decode(
        &get(&state, &format!("/tiles/schools/{z}/{x}/{y}"))
            .await
            .body,
    );
    let s1 = by_id(layer(&layers, "schools"), "S1");
    assert_eq!(
        (s1.gtype, s1.parts.clone()),
        (1, vec![vec![rounded(112.501, 33.5005, z, x, y)]])
    );
    // Buffers start at z10: nothing at z9, the three zones at z12.
    assert_eq!(
        get(&state, &format!("/tiles/buffers/{z}/{x}/{y}"))
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    let r = get(&state, "/tiles/buffers/12/3328/1643").await;
    let decoded = decode(&r.body);
    let zones = &layer(&decoded, "buffers").features;
    assert_eq!(zones.len(), 3);
    assert!(zones.iter().all(|f| f.gtype == 3 && area2(&f.parts[0]) > 0));
}

#[tokio::test]
async fn venues_in_a_tile_equal_brute_force() {
    let state = county_state();
    let ds = county();
    // z15, z14 and z11 tiles over the county seat (112.43°E 33.49°N).
    for (z, x, y) in [
        (15u32, 26617u32, 13145u32),
        (14, 13308, 6572),
        (11, 1663, 821),
    ] {
        let r = get(state, &format!("/tiles/venues/{z}/{x}/{y}")).await;
        assert_eq!(r.status, StatusCode::OK);
        let decoded = decode(&r.body);
        let got = &layer(&decoded, "venues").features;
        let ids: BTreeSet<u64> = got.iter().filter_map(|f| f.id).collect();
        assert_eq!(ids.len(), got.len(), "each venue once");
        // Brute force: every venue whose drawn point (door, or footprint box centre) falls within the tile
        // and its 64-unit buffer; below z15 without category `other`.
        let want: BTreeSet<u64> = ds
            .venues
            .iter()
            .enumerate()
            .filter(|(_, v)| z >= 15 || v.category != Category::Other)
            .filter_map(|(k, v)| {
                let (lon, lat) = match &v.footprint {
                    Footprint::Door(p) => (p.x(), p.y()),
                    Footprint::Area(mp) => {
                        let cs: Vec<_> =
                            mp.0.iter()
                                .flat_map(|p| p.exterior().0.iter().copied())
                                .collect();
                        let (x0, x1) =
                            cs.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |a, c| {
                                (a.0.min(c.x), a.1.max(c.x))
                            });
                        let (y0, y1) =
                            cs.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |a, c| {
                                (a.0.min(c.y), a.1.max(c.y))
                            });
                        (0.5 * (x0 + x1), 0.5 * (y0 + y1))
                    }
                };
                let (tx, ty) = to_tile(lon, lat, z, x, y);
                ((-64.0..=4160.0).contains(&tx) && (-64.0..=4160.0).contains(&ty))
                    .then_some(k as u64)
            })
            .collect();
        if z >= 12 {
            // Door venues exactly; footprints (polygons from z14, clipped) are checked by their box centre
            // only when it is well inside (a polygon may reach in from outside the buffer).
            let door = |k: &u64| matches!(ds.venues[*k as usize].footprint, Footprint::Door(_));
            let got_doors: BTreeSet<u64> = ids.iter().copied().filter(door).collect();
            let want_doors: BTreeSet<u64> = want.iter().copied().filter(door).collect();
            assert_eq!(got_doors, want_doors, "z{z}");
            assert!(
                want.iter().filter(|k| !door(k)).all(|k| ids.contains(k)),
                "z{z}"
            );
            assert!(want.len() > 50, "a dense tile: {}", want.len());
            let names = got.iter().filter(|f| f.props.contains_key("name")).count();
            assert_eq!(
                names,
                if z >= 15 { got.len() } else { 0 },
                "venue names from z15"
            );
        } else {
            // Below z12 at most one venue per category and pixel (16 units) is kept: every kept venue is in
            // the brute-force set, and every brute-force venue has a kept one of its category in its pixel.
            assert!(ids.is_subset(&want), "z{z}");
            let kept: BTreeSet<(i32, i32, String)> = got
                .iter()
                .map(|f| {
                    let p = f.parts[0][0];
                    let Val::S(c) = &f.props["category"] else {
                        panic!("category")
                    };
                    (p[0].div_euclid(16), p[1].div_euclid(16), c.clone())
                })
                .collect();
            assert_eq!(kept.len(), got.len(), "one per category and pixel");
            for k in &want {
                let v = &ds.venues[*k as usize];
                let Footprint::Door(p) = &v.footprint else {
                    continue;
                };
                let q = rounded(p.x(), p.y(), z, x, y);
                assert!(
                    kept.contains(&(
                        q[0].div_euclid(16),
                        q[1].div_euclid(16),
                        v.category.as_str().to_string()
                    )),
                    "{}",
                    v.id()
                );
            }
            assert!(
                ids.len() < want.len(),
                "thinning kept {} of {}",
                ids.len(),
                want.len()
            );
        }
    }
}

#[tokio::test]
async fn tile_sizes_stay_small_at_low_zoom() {
    let state = county_state();
    // The county (112.0–112.9°E, 33.2–33.8°N) lies in z8 tiles x = 207…208 (by the formula above:
    // 207.64…208.28), y = 102 (102.44…102.95); every layer.
    let mut schools = BTreeSet::new();
    for x in [207, 208] {
        let r = get(
            state,
            &format!("/tiles/schools,venues,water,findings,buffers/8/{x}/102"),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.body.len() < 500_000, "{} bytes", r.body.len());
        let layers = decode(&r.body);
        let names: Vec<&str> = layers.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(
            names,
            vec!["schools", "venues", "water", "findings"],
            "no buffers below z10"
        );
        assert!(
            layer(&layers, "schools")
                .features
                .iter()
                .all(|f| f.gtype == 1),
            "campuses are points below z10"
        );
        // Below z10: venues carry only their category (and the MVT id), at most one per category in each
        // 4 × 4-pixel cell (64 units).
        let venues = &layer(&layers, "venues").features;
        assert!(venues
            .iter()
            .all(|f| f.props.len() == 1 && f.props.contains_key("category")));
        let cells: BTreeSet<(i32, i32, String)> = venues
            .iter()
            .map(|f| {
                let p = f.parts[0][0];
                let Val::S(c) = &f.props["category"] else {
                    panic!("category")
                };
                (p[0].div_euclid(64), p[1].div_euclid(64), c.clone())
            })
            .collect();
        assert_eq!(cells.len(), venues.len());
        schools.extend(
            layer(&layers, "schools")
                .features
                .iter()
                .filter_map(|f| f.id),
        );
    }
    assert_eq!(schools.len(), 300);
}

#[tokio::test]
async fn tilejson_follows_martin() {
    let state = small_state();
    let r = get(&state, "/tiles/schools,venues").await;
    assert_eq!(r.status, StatusCode::OK);
    let v = r.json();
    assert_eq!(v["tilejson"], "3.0.0");
    assert_eq!(
        v["tiles"],
        json!(["http://test.local/tiles/schools,venues/{z}/{x}/{y}"])
    );
    assert_eq!(
        (v["minzoom"].as_u64(), v["maxzoom"].as_u64()),
        (Some(0), Some(22))
    );
    // Bounds: min/max over schools and venues (S1's west edge … V6 at 112.6°E 33.6°N).
    assert_eq!(v["bounds"], json!([112.5002, 33.5, 112.6, 33.6]));
    assert_eq!(v["vector_layers"][0]["id"], "schools");
    assert_eq!(
        v["vector_layers"][0]["fields"],
        json!({"id": "String", "name": "String", "kind": "String", "township": "String", "approximate": "Boolean", "findings": "Number"})
    );
    assert_eq!(
        v["vector_layers"][1]["fields"],
        json!({"id": "String", "name": "String", "category": "String"})
    );
    let b = get(&state, "/tiles/buffers").await.json();
    assert_eq!(
        (
            b["minzoom"].as_u64(),
            b["vector_layers"][0]["minzoom"].as_u64()
        ),
        (Some(10), Some(10))
    );
    assert_eq!(
        get(&state, "/tiles/roads").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn gzip_when_asked() {
    let state = small_state();
    let uri = "/tiles/schools,venues,findings/15/26624/13144";
    let plain = get(&state, uri).await.body;
    let req = Request::get(uri)
        .header("accept-encoding", "gzip")
        .body(Body::empty())
        .expect("request");
    let r = send(&state, req).await;
    assert_eq!(
        r.headers
            .get("content-encoding")
            .and_then(|v| v.to_str().ok()),
        Some("gzip")
    );
    let mut unzipped = Vec::new();
    flate2::read::GzDecoder::new(&r.body[..])
        .read_to_end(&mut unzipped)
        .expect("gzip");
    assert_eq!(unzipped, plain);
}

#[tokio::test]
async fn bad_tile_requests() {
    let state = small_state();
    // Nothing there: 204 with no body.
    let r = get(&state, "/tiles/schools/10/0/0").await;
    assert_eq!((r.status, r.body.len()), (StatusCode::NO_CONTENT, 0));
    for (uri, status, code) in [
        ("/tiles/schools/40/0/0", 400, "bad_request"),
        ("/tiles/schools/23/0/0", 400, "bad_request"),
        ("/tiles/schools/2/4/0", 400, "bad_request"),
        ("/tiles/schools/2/0/4", 400, "bad_request"),
        ("/tiles/schools/a/0/0", 400, "bad_request"),
        ("/tiles/schools/1/-1/0", 400, "bad_request"),
        ("/tiles/roads/1/0/0", 404, "not_found"),
        ("/tiles/schools,roads/1/0/0", 404, "not_found"),
    ] {
        let r = get(&state, uri).await;
        assert_eq!(r.status.as_u16(), status, "{uri}");
        assert_eq!(r.error_code(), code, "{uri}");
    }
    assert_eq!(
        get(&state, "/tiles/schools/40/0/0").await.json()["message"],
        "zoom 40 is above the highest zoom served (22)"
    );
    // .mvt / .pbf suffixes are accepted.
    assert_eq!(
        get(&state, "/tiles/schools/15/26624/13144.mvt")
            .await
            .status,
        StatusCode::OK
    );
}

/// The guard-post layers. At r = 600 m the small county's S1 gate G1 (112.5010, 33.5000) and S2's
/// campus centroid (112.5070, 33.5010), 568.46 m apart, share one post (either may be chosen: both
/// cover both); S3's post (112.5200, 33.5050) lies outside z15 tile (26624, 13144), which holds S1 and
/// S2. So the tile has one post and one line from that post to the other point (the post's own gate is
/// a zero-length line and is not drawn).
#[tokio::test]
async fn guard_post_layers() {
    use perimeter::http::{guard_posts, AppState, ServeConfig};
    let config = ServeConfig {
        posts: Some(perimeter::posts::PlanParams {
            radius_m: 600.0,
            ..guard_posts::default_params()
        }),
        ..ServeConfig::default()
    };
    let state = AppState::with_config(
        small_dataset(),
        perimeter::rules::RuleSet::national(),
        config,
    )
    .with_tokens(role_tokens());
    // The plan is sensitive: no token, no tile (and no TileJSON).
    let r = get(&state, "/tiles/posts,post_links/15/26624/13144").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = get(&state, "/tiles/schools,posts").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = get_as(&state, "/tiles/posts", "regulator-secret").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let (z, x, y) = (15, 26624, 13144);
    let r = get_as(
        &state,
        &format!("/tiles/posts,post_links/{z}/{x}/{y}"),
        "police-secret",
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    let layers = decode(&r.body);
    let names: Vec<&str> = layers.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, ["posts", "post_links"]);
    let g1 = rounded(112.5010, 33.5000, z, x, y);
    let s2 = rounded(112.5070, 33.5010, z, x, y);

    let posts = layer(&layers, "posts");
    assert_eq!(posts.features.len(), 1);
    let p = &posts.features[0];
    assert_eq!(p.gtype, 1);
    assert_eq!(p.id, Some(0));
    let at = p.parts[0][0];
    assert!(at == g1 || at == s2, "{at:?}");
    assert_eq!(p.props["id"], Val::S("P001".into()));
    assert_eq!(p.props["kind"], Val::S("gate".into()));
    assert_eq!(p.props["fixed"], Val::B(false));
    assert_eq!(p.props["gates"], Val::U(2));
    assert_eq!(p.props["schools"], Val::S("S1 学校、S2 学校".into()));
    assert_eq!(p.props["school_ids"], Val::S("S1,S2".into()));
    assert_eq!(p.props["covered_weight"], Val::D(1200.0));
    assert_eq!(p.props["morning"], Val::S("07:20-08:30".into()));
    assert_eq!(p.props["afternoon"], Val::S("16:00-17:20".into()));
    assert!(matches!(&p.props["officer"], Val::S(o) if o.starts_with('O')));

    let links = layer(&layers, "post_links");
    assert_eq!(links.features.len(), 1);
    let l = &links.features[0];
    assert_eq!(l.gtype, 2);
    let other = if at == g1 { s2 } else { g1 };
    assert_eq!(l.parts, vec![vec![at, other]]);
    assert_eq!(l.props["post"], Val::S("P001".into()));
    assert_eq!(l.props["distance_m"], Val::D(568.46));
    let school = if at == g1 { "S2" } else { "S1" };
    assert_eq!(l.props["school_id"], Val::S(school.into()));

    // TileJSON describes both layers.
    let v = get_as(&state, "/tiles/posts,post_links", "police-secret")
        .await
        .json();
    assert_eq!(v["vector_layers"][0]["id"], "posts");
    assert_eq!(v["vector_layers"][0]["fields"]["officer"], "String");
    assert_eq!(v["vector_layers"][1]["id"], "post_links");
    assert_eq!(v["vector_layers"][1]["fields"]["distance_m"], "Number");
}
