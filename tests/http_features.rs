//! OGC API – Features over HTTP (in process, `oneshot`): landing, conformance, API document, collections,
//! paging, bbox, property filters, single items and the 4xx answers.
//!
//! Expected values come from the data, not from the server: ids in input order from the dataset, matched
//! counts and bbox selections from a brute-force pass over every item (the bounding box of each geometry
//! computed here from its coordinates, intersected with closed intervals), findings from the library's
//! scan.

mod http_support;

use std::collections::HashSet;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use perimeter::http::collections::CollectionId;
use perimeter::http::{AppState, ServeConfig};
use perimeter::index::Index;
use perimeter::model::{Category, Footprint, Site, WaterGeom};
use perimeter::rules::RuleSet;
use perimeter::scan::scan;
use serde_json::Value;

use http_support::*;

/// Follows `next` links from `first` (as QGIS does) and returns every page's JSON. The requests carry
/// a police token, which the guard-post collections need (public ones ignore it).
async fn all_pages(state: &AppState, first: &str) -> Vec<Value> {
    let mut pages = Vec::new();
    let mut uri = first.to_string();
    loop {
        let r = get_as(state, &uri, "police-secret").await;
        assert_eq!(
            r.status,
            StatusCode::OK,
            "{uri}: {}",
            String::from_utf8_lossy(&r.body)
        );
        assert_eq!(r.content_type(), "application/geo+json");
        let v = r.json();
        let next = v["links"]
            .as_array()
            .and_then(|ls| ls.iter().find(|l| l["rel"] == "next"))
            .and_then(|l| l["href"].as_str())
            .map(|h| {
                h.strip_prefix("http://test.local")
                    .expect("links use the Host header")
                    .to_string()
            });
        pages.push(v);
        match next {
            Some(n) => uri = n,
            None => return pages,
        }
        assert!(pages.len() < 10_000, "paging does not end");
    }
}

fn ids_of(pages: &[Value]) -> Vec<String> {
    pages
        .iter()
        .flat_map(|p| p["features"].as_array().cloned().unwrap_or_default())
        .map(|f| f["id"].as_str().expect("string id").to_string())
        .collect()
}

/// Every [lon, lat] in a GeoJSON coordinates array, however nested.
fn positions(v: &Value, out: &mut Vec<(f64, f64)>) {
    match v.as_array() {
        Some(a) if a.len() >= 2 && a[0].is_number() => out.push((
            a[0].as_f64().unwrap_or(f64::NAN),
            a[1].as_f64().unwrap_or(f64::NAN),
        )),
        Some(a) => a.iter().for_each(|x| positions(x, out)),
        None => {}
    }
}

fn bbox_of_feature(f: &Value) -> [f64; 4] {
    let mut pts = Vec::new();
    positions(&f["geometry"]["coordinates"], &mut pts);
    let mut b = [
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    ];
    for (x, y) in pts {
        b = [b[0].min(x), b[1].min(y), b[2].max(x), b[3].max(y)];
    }
    b
}

fn intersects(a: [f64; 4], q: [f64; 4]) -> bool {
    a[0] <= q[2] && a[2] >= q[0] && a[1] <= q[3] && a[3] >= q[1]
}

#[tokio::test]
async fn paging_visits_every_item_exactly_once() {
    let state = county_state();
    let ds = county();
    // Venues: 30 000 in pages of 997 (the last page short), in input order, each once.
    let pages = all_pages(state, "/collections/venues/items?limit=997").await;
    assert_eq!(pages.len(), 31); // ceil(30000 / 997)
    for (i, p) in pages.iter().enumerate() {
        assert_eq!(p["numberMatched"], 30_000);
        let returned = p["features"].as_array().map_or(0, Vec::len);
        assert_eq!(p["numberReturned"], returned);
        assert_eq!(returned, if i < 30 { 997 } else { 30_000 - 30 * 997 });
        let has_prev = p["links"]
            .as_array()
            .is_some_and(|ls| ls.iter().any(|l| l["rel"] == "prev"));
        assert_eq!(has_prev, i > 0);
    }
    let ids = ids_of(&pages);
    let want: Vec<String> = ds.venues.iter().map(|v| v.id().to_string()).collect();
    assert_eq!(
        want.iter().collect::<HashSet<_>>().len(),
        want.len(),
        "generated ids are unique"
    );
    assert_eq!(ids, want);

    // Findings at the default limit (100), a filtered selection: every finding of the rule, in scan order.
    let index = Index::build(ds);
    let rules = RuleSet::national();
    let found = scan(ds, &index, &rules);
    let rule = "internet_cafe_200";
    let want: Vec<String> = found
        .iter()
        .filter(|f| rules.rules[f.rule as usize].id == rule)
        .map(|f| {
            let fid = match f.feature_type {
                perimeter::scan::FeatureType::Venue => ds.venues[f.feature as usize].id(),
                perimeter::scan::FeatureType::Water => ds.water[f.feature as usize].id.as_str(),
            };
            format!("{}:{}:{}", ds.schools[f.school as usize].id, fid, rule)
        })
        .collect();
    assert!(want.len() > 100, "more than one page: {}", want.len());
    let pages = all_pages(
        state,
        &format!("/collections/findings/items?rule_id={rule}"),
    )
    .await;
    assert_eq!(pages[0]["numberMatched"], want.len());
    assert_eq!(ids_of(&pages), want);

    // An offset past the end: an empty page with a prev link and no next.
    let r = get(state, "/collections/schools/items?offset=5000")
        .await
        .json();
    assert_eq!(
        (r["numberMatched"].as_u64(), r["numberReturned"].as_u64()),
        (Some(300), Some(0))
    );
    let rels: Vec<&str> = r["links"]
        .as_array()
        .map(|l| l.iter().filter_map(|x| x["rel"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(rels, vec!["self", "collection", "prev"]);
}

#[tokio::test]
async fn bbox_selection_equals_brute_force() {
    let state = &county_state().clone().with_tokens(role_tokens());
    let boxes = [
        [112.40, 33.45, 112.50, 33.52],
        [112.0, 33.2, 112.9, 33.8],
        [112.6, 33.3, 112.61, 33.31],
        [-180.0, -90.0, 180.0, 90.0],
        [0.0, 0.0, 1.0, 1.0],
    ];
    for c in CollectionId::ALL {
        let name = c.as_str();
        let all: Vec<Value> = all_pages(state, &format!("/collections/{name}/items?limit=10000"))
            .await
            .iter()
            .flat_map(|p| p["features"].as_array().cloned().unwrap_or_default())
            .collect();
        assert!(!all.is_empty(), "{name}");
        for q in boxes {
            let want: Vec<&str> = all
                .iter()
                .filter(|f| intersects(bbox_of_feature(f), q))
                .filter_map(|f| f["id"].as_str())
                .collect();
            let uri = format!(
                "/collections/{name}/items?limit=10000&bbox={},{},{},{}",
                q[0], q[1], q[2], q[3]
            );
            let pages = all_pages(state, &uri).await;
            assert_eq!(pages[0]["numberMatched"], want.len(), "{name} {q:?}");
            assert_eq!(ids_of(&pages), want, "{name} {q:?}");
        }
    }
    // A degenerate box on a venue's door includes it (closed intervals).
    let ds = county();
    let (k, p) = ds
        .venues
        .iter()
        .enumerate()
        .find_map(|(k, v)| match &v.footprint {
            Footprint::Door(p) => Some((k, *p)),
            Footprint::Area(_) => None,
        })
        .expect("a door venue");
    let r = get(
        state,
        &format!(
            "/collections/venues/items?bbox={x},{y},{x},{y}",
            x = p.x(),
            y = p.y()
        ),
    )
    .await
    .json();
    let ids: Vec<&str> = r["features"]
        .as_array()
        .map(|a| a.iter().filter_map(|f| f["id"].as_str()).collect())
        .unwrap_or_default();
    assert!(ids.contains(&ds.venues[k].id()), "{ids:?}");
}

#[tokio::test]
async fn property_filters_match_brute_force() {
    let state = county_state();
    let ds = county();
    // Venues by category (two values: either matches).
    let want = ds
        .venues
        .iter()
        .filter(|v| matches!(v.category, Category::InternetCafe | Category::Ktv))
        .count();
    let r = get(
        state,
        "/collections/venues/items?category=internet_cafe,ktv&limit=1",
    )
    .await
    .json();
    assert_eq!(r["numberMatched"], want);
    // The same as a repeated parameter, with a bbox: AND of bbox and filter.
    let q = [112.3, 33.4, 112.6, 33.6];
    let want: Vec<&str> = ds
        .venues
        .iter()
        .filter(|v| matches!(v.category, Category::InternetCafe | Category::Ktv))
        .filter(|v| match &v.footprint {
            Footprint::Door(p) => intersects([p.x(), p.y(), p.x(), p.y()], q),
            Footprint::Area(mp) => {
                let mut pts = Vec::new();
                for poly in &mp.0 {
                    pts.extend(poly.exterior().0.iter().map(|c| (c.x, c.y)));
                }
                let b = pts.iter().fold(
                    [
                        f64::INFINITY,
                        f64::INFINITY,
                        f64::NEG_INFINITY,
                        f64::NEG_INFINITY,
                    ],
                    |b, &(x, y)| [b[0].min(x), b[1].min(y), b[2].max(x), b[3].max(y)],
                );
                intersects(b, q)
            }
        })
        .map(|v| v.id())
        .collect();
    let pages = all_pages(state, "/collections/venues/items?category=internet_cafe&category=ktv&bbox=112.3,33.4,112.6,33.6&limit=500").await;
    assert_eq!(ids_of(&pages), want);
    // Schools by township and kind (Chinese kind names are accepted: 小学 = primary).
    let town = ds.schools[0]
        .township
        .clone()
        .expect("generated schools have townships");
    let want: Vec<&str> = ds
        .schools
        .iter()
        .filter(|s| {
            s.township.as_deref() == Some(town.as_str())
                && s.kind == perimeter::model::SchoolKind::Primary
        })
        .map(|s| s.id.as_str())
        .collect();
    let uri = format!(
        "/collections/schools/items?township={}&kind=%E5%B0%8F%E5%AD%A6",
        perimeter_encode(&town)
    );
    assert_eq!(ids_of(&all_pages(state, &uri).await), want);
    // Water by kind.
    let want = ds
        .water
        .iter()
        .filter(|w| w.kind == perimeter::model::WaterKind::Pond)
        .count();
    assert_eq!(
        get(state, "/collections/water/items?kind=pond")
            .await
            .json()["numberMatched"],
        want
    );
    // Bad values and filters that do not apply are 400s that say why.
    for (uri, needle) in [
        (
            "/collections/venues/items?category=casino",
            "category: unknown value 'casino'",
        ),
        (
            "/collections/venues/items?rule_id=x",
            "filter 'rule_id' does not apply to collection 'venues'",
        ),
        (
            "/collections/findings/items?rule_id=no_such_rule",
            "rule_id: unknown value 'no_such_rule'",
        ),
        (
            "/collections/water/items?kind=sea",
            "kind: unknown value 'sea'",
        ),
        (
            "/collections/schools/items?kind=",
            "filter 'kind' has no value",
        ),
    ] {
        let r = get(state, uri).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{uri}");
        assert_eq!(r.error_code(), "bad_request");
        assert!(
            r.json()["message"].as_str().unwrap_or("").contains(needle),
            "{uri}: {}",
            r.json()
        );
    }
}

fn perimeter_encode(s: &str) -> String {
    s.bytes().map(|b| format!("%{b:02X}")).collect()
}

#[tokio::test]
async fn small_county_items_and_ids() {
    let state = small_state();
    // Findings of the small county, worked out by hand from the layout (each distance well away from
    // 200 m): S1 — V1 internet café ≈ 130 m east, W1 pond ≈ 46 m west; S2 (kindergarten) — V2 KTV ≈ 111 m
    // west, V5 hazardous footprint ≈ 46 m east; S3 (point) — V3 lottery ≈ 93 m east. S4 is a university.
    let r = get(&state, "/collections/findings/items").await.json();
    let ids: Vec<&str> = r["features"]
        .as_array()
        .map(|a| a.iter().filter_map(|f| f["id"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(
        ids,
        vec![
            "S1:V1:internet_cafe_200",
            "S1:W1:water_200",
            "S2:V5:hazardous_200",
            "S2:V2:entertainment_200",
            "S3:V3:lottery_200"
        ]
    );
    let f = &r["features"][0];
    assert_eq!(f["geometry"]["type"], "LineString");
    assert_eq!(f["properties"]["school_id"], "S1");
    assert_eq!(f["properties"]["category"], "internet_cafe");
    assert!(f["properties"]["legal_basis"]
        .as_str()
        .is_some_and(|b| b.contains("第九条")));
    // Buffers: one per school with a rule (not the university). S1's zone ring: 128 sampled directions,
    // plus, for each of the rectangle's 4 edges, the second end moved along the edge's normal (0°, 90°,
    // 180°, 270° — sampled directions, where the first end is already the support point): 132 distinct
    // positions and the closing one.
    let r = get(&state, "/collections/buffers/items").await.json();
    assert_eq!(r["numberMatched"], 3);
    assert_eq!(r["features"][0]["geometry"]["type"], "Polygon");
    assert_eq!(
        r["features"][0]["geometry"]["coordinates"][0]
            .as_array()
            .map(Vec::len),
        Some(133)
    );
    assert_eq!(r["features"][0]["properties"]["distance_m"], 200.0);
    // One school: its properties, its links.
    let r = get(&state, "/collections/schools/items/S1").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.content_type(), "application/geo+json");
    let v = r.json();
    assert_eq!(v["type"], "Feature");
    assert_eq!(v["id"], "S1");
    assert_eq!(v["geometry"]["type"], "MultiPolygon");
    let p = &v["properties"];
    assert_eq!(
        (
            p["kind"].as_str(),
            p["township"].as_str(),
            p["findings"].as_u64(),
            p["gates"].as_u64()
        ),
        (Some("primary"), Some("城关镇"), Some(2), Some(1))
    );
    assert_eq!(
        v["links"][0]["href"],
        "http://test.local/collections/schools/items/S1"
    );
    let r = get(&state, "/collections/schools/items/S3").await.json();
    assert_eq!(
        (
            r["geometry"]["type"].as_str(),
            r["properties"]["approximate"].as_bool()
        ),
        (Some("Point"), Some(true))
    );
    // A finding by its id (the colon is fine in a path segment).
    let r = get(&state, "/collections/findings/items/S3:V3:lottery_200").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["properties"]["rule_id"], "lottery_200");
    // Unknown item and collection: 404 in the API's shape.
    let r = get(&state, "/collections/schools/items/S99").await;
    assert_eq!(
        (r.status, r.error_code().as_str()),
        (StatusCode::NOT_FOUND, "not_found")
    );
    let r = get(&state, "/collections/roads/items").await;
    assert_eq!(
        (r.status, r.error_code().as_str()),
        (StatusCode::NOT_FOUND, "not_found")
    );
}

#[tokio::test]
async fn repeated_ids_are_made_unique() {
    let mut ds = small_dataset();
    for k in [1, 2] {
        let mut t = ds.venues[k].text();
        t.id = "V1".into();
        ds.venues[k].set_text(t);
    }
    let state = AppState::new(ds, RuleSet::national());
    let r = get(&state, "/collections/venues/items").await.json();
    let ids: Vec<&str> = r["features"]
        .as_array()
        .map(|a| a.iter().filter_map(|f| f["id"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(ids, vec!["V1", "V1~2", "V1~3", "V4", "V5", "V6"]);
    let r = get(&state, "/collections/venues/items/V1~3").await.json();
    assert_eq!(r["properties"]["category"], "lottery");
}

#[tokio::test]
async fn landing_conformance_collections_and_api() {
    let state = small_state();
    let r = get(&state, "/").await;
    assert_eq!(r.status, StatusCode::OK);
    let v = r.json();
    let rel = |name: &str| {
        v["links"]
            .as_array()
            .and_then(|ls| ls.iter().find(|l| l["rel"] == name))
            .map(|l| l["href"].clone())
    };
    assert_eq!(
        rel("service-desc"),
        Some(Value::from("http://test.local/api"))
    );
    assert_eq!(
        rel("conformance"),
        Some(Value::from("http://test.local/conformance"))
    );
    assert_eq!(
        rel("data"),
        Some(Value::from("http://test.local/collections"))
    );
    let c = get(&state, "/conformance").await.json();
    assert_eq!(
        c["conformsTo"],
        serde_json::json!([
            "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
            "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
            "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson"
        ])
    );
    let cs = get(&state, "/collections").await.json();
    let names: Vec<&str> = cs["collections"]
        .as_array()
        .map(|a| a.iter().filter_map(|c| c["id"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(
        names,
        vec![
            "schools",
            "venues",
            "water",
            "findings",
            "buffers",
            "posts",
            "post_links"
        ]
    );
    // The schools' extent is the min/max of their coordinates (S1 west edge … S4 east edge, S3's point north).
    assert_eq!(
        cs["collections"][0]["extent"]["spatial"]["bbox"][0],
        serde_json::json!([112.5002, 33.5, 112.531, 33.505])
    );
    // The API document lists every route.
    let r = get(&state, "/api").await;
    assert_eq!(
        r.content_type(),
        "application/vnd.oai.openapi+json;version=3.0"
    );
    let api = r.json();
    assert_eq!(api["openapi"], "3.0.3");
    for path in [
        "/",
        "/conformance",
        "/api",
        "/collections",
        "/collections/{collectionId}",
        "/collections/{collectionId}/items",
        "/collections/{collectionId}/items/{featureId}",
        "/tiles/{layers}",
        "/tiles/{layers}/{z}/{x}/{y}",
        "/check",
        "/schools/{schoolId}/report",
        "/health",
        "/metrics",
    ] {
        assert!(api["paths"][path].is_object(), "{path}");
    }
    assert!(api["paths"]["/check"]["post"].is_object());
    // Without a built page a browser gets the JSON; with one, a redirect to /map/ and the page itself.
    let browser = |uri: &str| {
        Request::get(uri)
            .header("accept", "text/html,application/xhtml+xml")
            .body(Body::empty())
            .expect("request")
    };
    assert_eq!(send(&state, browser("/")).await.status, StatusCode::OK);
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("index.html"),
        "<!doctype html><title>map</title>",
    )
    .expect("write");
    let config = ServeConfig {
        web_dir: Some(dir.path().to_path_buf()),
        ..ServeConfig::default()
    };
    let with_page = AppState::with_config(small_dataset(), RuleSet::national(), config);
    let r = send(&with_page, browser("/")).await;
    assert_eq!(
        (
            r.status,
            r.headers.get("location").and_then(|v| v.to_str().ok())
        ),
        (StatusCode::SEE_OTHER, Some("/map/"))
    );
    let r = get(&with_page, "/map/").await;
    assert_eq!(
        (
            r.status,
            String::from_utf8_lossy(&r.body).contains("<title>map</title>")
        ),
        (StatusCode::OK, true)
    );
    let r = get(&with_page, "/map").await;
    assert_eq!(
        (
            r.status,
            r.headers.get("location").and_then(|v| v.to_str().ok())
        ),
        (StatusCode::PERMANENT_REDIRECT, Some("/map/"))
    );
    let r = get(&with_page, "/map/../Cargo.toml").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // f=json wins over Accept.
    assert_eq!(
        send(&with_page, browser("/?f=json")).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn bad_requests_get_their_4xx() {
    let state = small_state();
    for (uri, status, code) in [
        (
            "/collections/schools/items?bbox=112,33,113,91",
            400,
            "bad_request",
        ),
        (
            "/collections/schools/items?bbox=-181,33,113,34",
            400,
            "bad_request",
        ),
        (
            "/collections/schools/items?bbox=113,33,112,34",
            400,
            "bad_request",
        ),
        ("/collections/schools/items?bbox=1,2,3", 400, "bad_request"),
        (
            "/collections/schools/items?bbox=a,b,c,d",
            400,
            "bad_request",
        ),
        (
            "/collections/schools/items?limit=1000000000",
            400,
            "bad_request",
        ),
        ("/collections/schools/items?limit=10001", 400, "bad_request"),
        ("/collections/schools/items?limit=0", 400, "bad_request"),
        ("/collections/schools/items?limit=-5", 400, "bad_request"),
        ("/collections/schools/items?offset=x", 400, "bad_request"),
        ("/collections/schools/items?f=xml", 400, "bad_request"),
        (
            "/collections/schools/items?bbox-crs=EPSG:3857",
            400,
            "bad_request",
        ),
        ("/collections/nowhere", 404, "not_found"),
        ("/nowhere", 404, "not_found"),
    ] {
        let r = get(&state, uri).await;
        assert_eq!(
            r.status.as_u16(),
            status,
            "{uri}: {}",
            String::from_utf8_lossy(&r.body)
        );
        assert_eq!(r.error_code(), code, "{uri}");
    }
    // limit 10 000 itself is fine.
    assert_eq!(
        get(&state, "/collections/schools/items?limit=10000")
            .await
            .status,
        StatusCode::OK
    );
    // A method the route does not have: 405 in the API's shape, with Allow.
    let r = send(
        &state,
        Request::delete("/collections")
            .body(Body::empty())
            .expect("request"),
    )
    .await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(r.error_code(), "method_not_allowed");
    assert!(r.headers.get("allow").is_some());
    // Messages explain.
    let m = get(&state, "/collections/schools/items?limit=1000000000")
        .await
        .json();
    assert_eq!(
        m["message"],
        "limit must be between 1 and 10000 (got 1000000000)"
    );
    // Schools of every shape are served (point, polygon with a hole).
    let ds = small_dataset();
    assert!(
        matches!(ds.schools[2].site, Site::Point(_))
            && matches!(ds.water[1].geom, WaterGeom::Line(_))
    );
}
