//! Site checks, school reports, health and metrics over HTTP (in process).
//!
//! The site-check answer must be the library's `check_site` for the same point and category, published
//! the same way (`SiteCheck::record`), and the same as what `perimeter check --json` prints for the same
//! files: the expected values are computed by those two other routes.

mod http_support;

use std::process::Command;

use axum::http::StatusCode;
use perimeter::check::check_site;
use perimeter::crs::chinese::{gcj02_to_wgs84, wgs84_to_gcj02};
use perimeter::index::Index;
use perimeter::load::{load_all, Input, LayerKind, LoadOptions};
use perimeter::model::{Category, Dataset};
use perimeter::rules::RuleSet;
use serde_json::{json, Value};

use http_support::*;

fn library_answer(ds: &Dataset, lon: f64, lat: f64, category: Category) -> Value {
    let index = Index::build(ds);
    let rules = RuleSet::national();
    let a = check_site(ds, &index, &rules, (lon, lat), category);
    serde_json::to_value(a.record(ds, &rules)).expect("serialisable")
}

#[tokio::test]
async fn get_check_agrees_with_check_site() {
    let state = small_state();
    let ds = small_dataset();
    // Next to S1 (refused), inside S2's hole (a courtyard that is not campus: refused, it is within 200 m
    // of the hole's ring), far away (allowed, nearest school named), and an unregulated category.
    let sites = [
        (112.5025, 33.5005, Category::InternetCafe),
        (112.5070, 33.5010, Category::Ktv),
        (112.5500, 33.5500, Category::InternetCafe),
        (112.5025, 33.5005, Category::Other),
        (112.5200, 33.5060, Category::Lottery),
    ];
    for (lon, lat, cat) in sites {
        let r = get(
            &state,
            &format!("/check?lon={lon}&lat={lat}&category={}", cat.as_str()),
        )
        .await;
        assert_eq!(
            r.status,
            StatusCode::OK,
            "{}",
            String::from_utf8_lossy(&r.body)
        );
        assert_eq!(r.content_type(), "application/json");
        assert_eq!(
            r.json(),
            library_answer(&ds, lon, lat, cat),
            "{lon} {lat} {cat}"
        );
    }
    let refused = get(
        &state,
        "/check?lon=112.5025&lat=33.5005&category=internet_cafe",
    )
    .await
    .json();
    assert_eq!(refused["allowed"], false);
    assert_eq!(refused["breaches"][0]["school_id"], "S1");
    assert_eq!(refused["breaches"][0]["rule_id"], "internet_cafe_200");
    let allowed = get(&state, "/check?lon=112.55&lat=33.55&category=internet_cafe")
        .await
        .json();
    assert_eq!(
        (
            allowed["allowed"].as_bool(),
            allowed["breaches"].as_array().map(Vec::len)
        ),
        (Some(true), Some(0))
    );
    // GCJ-02 input: the server converts with the library's inverse, so the answer is the library's at
    // the converted point.
    let (glon, glat) = wgs84_to_gcj02(112.5025, 33.5005);
    let r = get(
        &state,
        &format!("/check?lon={glon}&lat={glat}&crs=gcj02&category=internet_cafe"),
    )
    .await
    .json();
    let (wlon, wlat) = gcj02_to_wgs84(glon, glat);
    assert_eq!(r, library_answer(&ds, wlon, wlat, Category::InternetCafe));
    assert!((wlon - 112.5025).abs() < 1e-9 && (wlat - 33.5005).abs() < 1e-9);
}

#[tokio::test]
async fn post_check_answers_a_batch_in_order() {
    let state = small_state();
    let ds = small_dataset();
    let body = json!([
        {"lon": 112.5025, "lat": 33.5005, "category": "internet_cafe"},
        {"lon": 112.55, "lat": 33.55, "category": "ktv", "crs": "wgs84"},
        {"lon": 112.5200, "lat": 33.5060, "category": "lottery"},
    ]);
    let r = post(&state, "/check", body.to_string()).await;
    assert_eq!(
        r.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&r.body)
    );
    let want = json!([
        library_answer(&ds, 112.5025, 33.5005, Category::InternetCafe),
        library_answer(&ds, 112.55, 33.55, Category::Ktv),
        library_answer(&ds, 112.52, 33.506, Category::Lottery),
    ]);
    assert_eq!(r.json(), want);
    assert_eq!(post(&state, "/check", "[]").await.json(), json!([]));
}

#[tokio::test]
async fn bad_checks_get_their_4xx() {
    let state = small_state();
    for (uri, needle) in [
        (
            "/check?lat=33.5&category=ktv",
            "missing query parameter 'lon'",
        ),
        (
            "/check?lon=112.5&lat=abc&category=ktv",
            "lat must be a number",
        ),
        ("/check?lon=112.5&lat=95&category=ktv", "lon/lat"),
        ("/check?lon=112.5&lat=33.5&category=casino", "category"),
        (
            "/check?lon=112.5&lat=33.5",
            "missing query parameter 'category'",
        ),
        (
            "/check?lon=112.5&lat=33.5&category=ktv&crs=EPSG:nope",
            "crs",
        ),
    ] {
        let r = get(&state, uri).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{uri}");
        assert_eq!(r.error_code(), "bad_request");
        assert!(
            r.json()["message"].as_str().unwrap_or("").contains(needle),
            "{uri}: {}",
            r.json()
        );
    }
    for (body, needle) in [
        ("{not json", "malformed JSON body"),
        (r#"{"lon": 1}"#, "malformed JSON body"),
        (
            r#"[{"lon": 112.5, "lat": 33.5}]"#,
            "missing field `category`",
        ),
        (
            r#"[{"lon": 112.5, "lat": 33.5, "category": "ktv", "colour": "red"}]"#,
            "unknown field `colour`",
        ),
        (
            r#"[{"lon": 112.5, "lat": 33.5, "category": "ktv"}, {"lon": 112.5, "lat": 33.5, "category": "casino"}]"#,
            "site #1: category",
        ),
    ] {
        let r = post(&state, "/check", body).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{body}");
        assert!(
            r.json()["message"].as_str().unwrap_or("").contains(needle),
            "{body}: {}",
            r.json()
        );
    }
    // 10 001 sites (about 600 kB, under the body limit): too many.
    let many: Vec<Value> = (0..10_001)
        .map(|_| json!({"lon": 112.5, "lat": 33.5, "category": "ktv"}))
        .collect();
    let body = serde_json::to_string(&many).expect("json");
    assert!(body.len() < 1 << 20);
    let r = post(&state, "/check", body).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        r.json()["message"],
        "at most 10000 sites per request (got 10001)"
    );
    // A 2 MB body: 413 in the API's shape.
    let huge = format!("[{}]", " ".repeat(2 << 20));
    let r = post(&state, "/check", huge).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(r.error_code(), "payload_too_large");
}

#[test]
fn cli_json_equals_the_server_answer() {
    // The scan fixtures (tests/data/scan), loaded by the CLI and by the library for the server.
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/scan");
    let input = |name: &str, layer| Input {
        path: dir.join(name),
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
    let (ds, _) = load_all(&inputs, &[], &LoadOptions::default()).expect("fixtures load");
    let state = perimeter::http::AppState::new(ds, RuleSet::national());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let first = &state.published().dataset.schools[0];
    let p = match &first.site {
        perimeter::model::Site::Area(mp) => mp.0[0].exterior().0[0],
        perimeter::model::Site::Point(p) => p.0,
    };
    for (lon, lat, cat) in [
        (p.x + 0.0005, p.y, "internet_cafe"),
        (p.x + 0.0030, p.y, "ktv"),
        (p.x, p.y, "lottery"),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_perimeter"))
            .args([
                "check",
                "--json",
                "--category",
                cat,
                "--lon",
                &lon.to_string(),
                "--lat",
                &lat.to_string(),
            ])
            .args(["--schools", &dir.join("schools.geojson").to_string_lossy()])
            .args(["--venues", &dir.join("venues.geojson").to_string_lossy()])
            .args(["--water", &dir.join("water.geojson").to_string_lossy()])
            .args(["--gates", &dir.join("gates.geojson").to_string_lossy()])
            .output()
            .expect("run perimeter check");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let cli: Value = serde_json::from_slice(&out.stdout).expect("CLI JSON");
        let server = rt
            .block_on(get(
                &state,
                &format!("/check?lon={lon}&lat={lat}&category={cat}"),
            ))
            .json();
        assert_eq!(cli, server, "{lon} {lat} {cat}");
    }
}

#[tokio::test]
async fn school_report() {
    let state = small_state();
    let r = get(&state, "/schools/S2/report").await;
    assert_eq!(r.status, StatusCode::OK);
    let v = r.json();
    assert_eq!(v["school"]["id"], "S2");
    assert_eq!(v["school"]["kind"], "kindergarten");
    assert_eq!(v["school"]["zone_m"], 200.0);
    assert_eq!(v["school"]["bbox"], json!([112.506, 33.5, 112.508, 33.502]));
    assert_eq!(v["rules"]["id"], "national");
    assert_eq!(v["counts"], json!({"findings": 2, "venues": 2, "water": 0}));
    // The same findings as the findings collection, nearest first, each with its legal basis and line.
    let ids: Vec<&str> = v["findings"]
        .as_array()
        .map(|a| a.iter().filter_map(|f| f["id"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(ids, vec!["S2:V5:hazardous_200", "S2:V2:entertainment_200"]);
    for f in v["findings"].as_array().into_iter().flatten() {
        assert!(f["legal_basis"].as_str().is_some_and(|b| !b.is_empty()));
        assert!(f["distance_m"].as_f64().is_some_and(|d| d <= 200.0));
        assert_eq!(f["line"].as_array().map(Vec::len), Some(2));
    }
    let s1 = get(&state, "/schools/S1/report").await.json();
    assert_eq!(
        s1["school"]["gates"],
        json!([{"id": "G1", "name": "南门", "lon": 112.501, "lat": 33.5}])
    );
    let r = get(&state, "/schools/S404/report").await;
    assert_eq!(
        (r.status, r.error_code().as_str()),
        (StatusCode::NOT_FOUND, "not_found")
    );
}

#[tokio::test]
async fn health_and_metrics() {
    let state = small_state();
    let h = get(&state, "/health").await.json();
    assert_eq!(
        h,
        json!({"status": "ok", "version": env!("CARGO_PKG_VERSION"), "rules": "national", "schools": 4, "venues": 6, "water": 2, "findings": 5})
    );
    get(&state, "/health").await;
    get(&state, "/tiles/schools/15/26624/13144").await;
    get(&state, "/tiles/schools/10/0/0").await;
    get(&state, "/collections/nowhere/items").await;
    let r = get(&state, "/metrics").await;
    assert_eq!(r.content_type(), "text/plain; version=0.0.4; charset=utf-8");
    let text = String::from_utf8(r.body).expect("utf-8");
    for line in [
        "perimeter_http_requests_total{route=\"/health\",method=\"GET\",status=\"200\"} 2",
        "perimeter_http_requests_total{route=\"/tiles/{layers}/{z}/{x}/{y}\",method=\"GET\",status=\"200\"} 1",
        "perimeter_http_requests_total{route=\"/tiles/{layers}/{z}/{x}/{y}\",method=\"GET\",status=\"204\"} 1",
        "perimeter_http_requests_total{route=\"/collections/{collection}/items\",method=\"GET\",status=\"404\"} 1",
        "perimeter_http_request_duration_seconds_count{route=\"/health\"} 2",
        "perimeter_tiles_served_total{layer=\"schools\"} 2",
        "perimeter_tiles_empty_total 1",
        "perimeter_features{collection=\"findings\"} 5",
    ] {
        assert!(text.lines().any(|l| l == line), "missing: {line}\n{text}");
    }
}
