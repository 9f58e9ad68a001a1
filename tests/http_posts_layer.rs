//! The start-up guard-post plan as collections (`posts`, `post_links`): items equal the library's plan
//! for the served schools, worked out by hand on the small county, and empty with no plan.

mod http_support;

use std::collections::{BTreeMap, BTreeSet};

use axum::http::StatusCode;
use perimeter::http::collections::CollectionId;
use perimeter::http::guard_posts::{self, is_sensitive};
use perimeter::http::{AppState, ServeConfig};
use perimeter::posts::{plan, PlanParams, PostsConfig};
use perimeter::rules::RuleSet;
use serde_json::{json, Value};

use http_support::*;

/// True when a GeoJSON position is (lon, lat) to within 1e-12° (serde_json's default float parsing may
/// be one unit in the last place off).
fn at(pos: &Value, lon: f64, lat: f64) -> bool {
    let c = |i: usize| pos[i].as_f64().unwrap_or(f64::NAN);
    (c(0) - lon).abs() < 1e-12 && (c(1) - lat).abs() < 1e-12
}

/// Items of a collection, asked for with a police token (the plan is sensitive).
async fn items(state: &AppState, collection: &str, query: &str) -> Value {
    let r = get_as(
        state,
        &format!("/collections/{collection}/items?limit=10000{query}"),
        "police-secret",
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&r.body)
    );
    assert_eq!(r.content_type(), "application/geo+json");
    r.json()
}

fn small_with(posts: Option<PlanParams>) -> AppState {
    let config = ServeConfig {
        posts,
        ..ServeConfig::default()
    };
    AppState::with_config(small_dataset(), RuleSet::national(), config).with_tokens(role_tokens())
}

/// The small county at r = 300 m: S1's gate G1 (112.5010, 33.5000), S2's campus centroid (112.5070,
/// 33.5010; no gates, so approximate) and S3's point (112.5200, 33.5050) are 568.46 m, 1 286.85 m and
/// 1 850.53 m apart (pyproj.Geod WGS84), all more than 300 m: three posts, each on its own point, each
/// covering its school's 600 pupils; S4 (university) is not planned for. Windows from
/// data/posts/posts.toml: primary 07:20-08:00 / 16:00-16:50, kindergarten 07:50-08:30 / 16:30-17:20,
/// junior 06:50-07:30 / 17:30-18:10. Officers (travel 10 min, within 3 km): P003 (S3) and P002 (S2) can
/// be one officer (07:30 + 10 ≤ 07:50 and 17:20 + 10 ≤ 17:30); P001 (S1) overlaps both in the morning.
#[tokio::test]
async fn small_county_posts_by_hand() {
    let state = small_state().with_tokens(role_tokens());
    let posts = items(&state, "posts", "").await;
    assert_eq!(posts["numberMatched"], 3);
    let f = posts["features"].as_array().unwrap();
    let want = [
        (
            "P001",
            [112.5010, 33.5000],
            "S1",
            "07:20-08:00",
            "16:00-16:50",
        ),
        (
            "P002",
            [112.5070, 33.5010],
            "S2",
            "07:50-08:30",
            "16:30-17:20",
        ),
        (
            "P003",
            [112.5200, 33.5050],
            "S3",
            "06:50-07:30",
            "17:30-18:10",
        ),
    ];
    for (got, (id, at, school, morning, afternoon)) in f.iter().zip(want) {
        assert_eq!(got["id"], id);
        assert_eq!(got["geometry"]["type"], "Point");
        for i in 0..2 {
            let c = got["geometry"]["coordinates"][i].as_f64().unwrap();
            assert!((c - at[i]).abs() < 1e-9, "{id}: {c} vs {}", at[i]);
        }
        let p = &got["properties"];
        assert_eq!(p["kind"], "gate", "{id}");
        assert_eq!(p["fixed"], false);
        assert_eq!(p["gates"], 1);
        assert_eq!(p["school_ids"], json!([school]));
        assert_eq!(p["schools"], json!([format!("{school} 学校")]));
        assert_eq!(p["covered_weight"], 600.0);
        assert_eq!(
            (p["morning"].as_str(), p["afternoon"].as_str()),
            (Some(morning), Some(afternoon))
        );
    }
    let officer = |k: usize| f[k]["properties"]["officer"].as_str().unwrap().to_string();
    assert_eq!(officer(1), officer(2));
    assert_ne!(officer(0), officer(1));
    assert!(officer(0).starts_with('O') && officer(0).len() == 4);

    let links = items(&state, "post_links", "").await;
    assert_eq!(links["numberMatched"], 3);
    let ids: Vec<&str> = links["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["P001:S1:G1", "P002:S2", "P003:S3"]);
    let l0 = &links["features"][0];
    assert_eq!(l0["geometry"]["type"], "LineString");
    assert_eq!(
        l0["properties"],
        json!({"id": "P001:S1:G1", "post": "P001", "school_id": "S1", "school_name": "S1 学校",
               "gate": "G1", "approximate": false, "weight": 600.0, "distance_m": 0.0})
    );
    assert_eq!(links["features"][1]["properties"]["approximate"], true);
    assert_eq!(links["features"][1]["properties"]["gate"], Value::Null);

    // One item by id; a school filter on the links.
    let r = get_as(
        &state,
        "/collections/post_links/items/P003:S3",
        "police-secret",
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["properties"]["post"], "P003");
    let s2 = items(&state, "post_links", "&school_id=S2").await;
    assert_eq!(s2["numberMatched"], 1);
    let r = get_as(
        &state,
        "/collections/posts/items?school_id=S2",
        "police-secret",
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
}

/// At r = 600 m S1's gate and S2's centroid (568.46 m apart) share a post; S3 keeps its own: two posts,
/// three links, one of them 568.46 m long.
#[tokio::test]
async fn the_radius_is_the_configured_one() {
    let state = small_with(Some(PlanParams {
        radius_m: 600.0,
        ..guard_posts::default_params()
    }));
    let posts = items(&state, "posts", "").await;
    assert_eq!(posts["numberMatched"], 2);
    let links = items(&state, "post_links", "").await;
    let mut d: Vec<f64> = links["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["properties"]["distance_m"].as_f64().unwrap())
        .collect();
    d.sort_by(f64::total_cmp);
    assert_eq!(d, [0.0, 0.0, 568.46]);
    let shared = posts["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["properties"]["gates"] == 2)
        .expect("a post covering two gates");
    assert_eq!(shared["properties"]["school_ids"], json!(["S1", "S2"]));
    assert_eq!(shared["properties"]["covered_weight"], 1200.0);
    // Its windows span both schools' (primary and kindergarten).
    assert_eq!(shared["properties"]["morning"], "07:20-08:30");
    assert_eq!(shared["properties"]["afternoon"], "16:00-17:20");
}

#[tokio::test]
async fn no_plan_means_empty_layers() {
    let state = small_with(None);
    assert_eq!(items(&state, "posts", "").await["numberMatched"], 0);
    assert_eq!(items(&state, "post_links", "").await["numberMatched"], 0);
    let r = get_as(&state, "/collections/posts", "police-secret").await;
    assert_eq!(r.status, StatusCode::OK);
    // S1's tile has schools but no posts.
    let r = get_as(
        &state,
        "/tiles/posts,post_links/15/26624/13144",
        "police-secret",
    )
    .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert!(state
        .published()
        .guard_posts
        .summary()
        .contains("--no-posts"));
}

/// On the generated county the collections hold exactly the library's plan (LSCP, 300 m, the node budget
/// of the HTTP routes), item by item.
#[tokio::test]
async fn county_collections_are_the_library_plan() {
    let state = &county_state().clone().with_tokens(role_tokens());
    let ds = county();
    let want = plan(
        &ds.schools,
        &guard_posts::default_params(),
        &PostsConfig::default(),
    )
    .unwrap();
    let posts = items(state, "posts", "").await;
    let links = items(state, "post_links", "").await;
    assert_eq!(
        posts["numberMatched"].as_u64().unwrap() as usize,
        want.posts.len()
    );
    let gates: usize = want.posts.iter().map(|p| p.gates.len()).sum();
    assert_eq!(links["numberMatched"].as_u64().unwrap() as usize, gates);
    // Every gate is covered at 300 m in the county (the plan reports 437 of 437), so the links are the gates.
    assert_eq!(gates, want.demand.len() - want.uncovered.len());
    let mut total = 0.0;
    for (got, p) in posts["features"]
        .as_array()
        .unwrap()
        .iter()
        .zip(&want.posts)
    {
        let g = &got["properties"];
        assert_eq!(got["id"], p.id.as_str());
        assert!(
            at(&got["geometry"]["coordinates"], p.lon, p.lat),
            "{}",
            p.id
        );
        assert_eq!(g["kind"], p.source);
        assert_eq!(g["gates"].as_u64().unwrap() as usize, p.gates.len());
        let ids: Vec<&str> = p
            .schools
            .iter()
            .map(|&s| ds.schools[s].id.as_str())
            .collect();
        assert_eq!(g["school_ids"], json!(ids));
        assert_eq!(g["officer"], format!("O{:03}", p.officer + 1));
        assert_eq!(g["morning"], p.morning.to_string());
        let w: f64 = p.gates.iter().map(|&i| want.demand[i].weight).sum();
        assert_eq!(g["covered_weight"].as_f64().unwrap(), w);
        total += w;
    }
    assert!((total - want.covered_weight).abs() < 1e-6);
    // Links in post order, each from its post to a gate of the school it names, each gate once.
    let mut seen = BTreeSet::new();
    let mut per_post: BTreeMap<String, usize> = BTreeMap::new();
    for l in links["features"].as_array().unwrap() {
        let lp = &l["properties"];
        let post = want
            .posts
            .iter()
            .find(|p| p.id == lp["post"].as_str().unwrap())
            .unwrap();
        let c = &l["geometry"]["coordinates"];
        assert!(at(&c[0], post.lon, post.lat));
        let d = want
            .demand
            .iter()
            .find(|d| at(&c[1], d.lon, d.lat) && ds.schools[d.school].id == lp["school_id"])
            .expect("a link ends at a gate");
        assert!(lp["distance_m"].as_f64().unwrap() <= 300.0);
        assert!(seen.insert((d.school, d.gate.clone())));
        *per_post.entry(post.id.clone()).or_default() += 1;
    }
    for p in &want.posts {
        assert_eq!(per_post.get(&p.id).copied().unwrap_or(0), p.gates.len());
    }
    assert!(state
        .published()
        .guard_posts
        .summary()
        .starts_with(&format!(
            "guard posts: {} posts (lscp, r = 300 m, exact solver, proven optimal)",
            want.posts.len()
        )));
}

#[test]
fn only_the_plan_is_sensitive() {
    let sensitive: Vec<&str> = CollectionId::ALL
        .iter()
        .filter(|&&c| is_sensitive(c))
        .map(|c| c.as_str())
        .collect();
    assert_eq!(sensitive, ["posts", "post_links"]);
}

/// The plan's collections need a police, analyst or admin token: 401 without a known token, 403 for
/// other roles, for the item lists and single items alike; the collections' metadata stays listed.
#[tokio::test]
async fn the_plan_needs_a_token() {
    let state = small_state().with_tokens(role_tokens());
    for uri in [
        "/collections/posts/items",
        "/collections/post_links/items",
        "/collections/posts/items/P001",
    ] {
        assert_eq!(
            get(&state, uri).await.status,
            StatusCode::UNAUTHORIZED,
            "{uri}"
        );
        for (token, status) in [
            ("nobody-secret", StatusCode::UNAUTHORIZED),
            ("viewer-secret", StatusCode::FORBIDDEN),
            ("regulator-secret", StatusCode::FORBIDDEN),
            ("police-secret", StatusCode::OK),
            ("analyst-secret", StatusCode::OK),
            ("admin-secret", StatusCode::OK),
        ] {
            assert_eq!(
                get_as(&state, uri, token).await.status,
                status,
                "{uri} {token}"
            );
        }
    }
    assert_eq!(
        get(&state, "/collections/posts").await.status,
        StatusCode::OK
    );
    assert_eq!(
        get(&state, "/collections/schools/items").await.status,
        StatusCode::OK
    );
}
