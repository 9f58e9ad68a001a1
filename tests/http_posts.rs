//! `POST /posts/plan` (in process): the answer is the library's plan for the served schools with the
//! same parameters, in the shapes the command line writes; bad requests get 400 with the field named.

mod http_support;

use axum::http::StatusCode;
use perimeter::http::AppState;
use perimeter::posts::{plan, Model, PlanParams, PostsConfig, Solver};
use serde_json::{json, Value};

use http_support::*;

/// The county served with a token per role; plans are asked for with the police token.
fn posts_state() -> AppState {
    county_state().clone().with_tokens(role_tokens())
}

async fn post(state: &AppState, uri: &str, body: String) -> Reply {
    post_as(state, uri, body, Some("police-secret")).await
}

/// Guard-post plans say where and when police stand: police, analysts and admins may see them; other
/// roles get 403 and callers without a known token 401 (with the API's error shape), and nothing is
/// planned for them.
#[tokio::test]
async fn plans_need_a_police_analyst_or_admin_token() {
    let state = posts_state();
    let body = json!({}).to_string();
    for (token, status) in [
        (None, StatusCode::UNAUTHORIZED),
        (Some("nobody-secret"), StatusCode::UNAUTHORIZED),
        (Some("viewer-secret"), StatusCode::FORBIDDEN),
        (Some("regulator-secret"), StatusCode::FORBIDDEN),
        (Some("police-secret"), StatusCode::OK),
        (Some("analyst-secret"), StatusCode::OK),
        (Some("admin-secret"), StatusCode::OK),
    ] {
        let r = post_as(&state, "/posts/plan", body.clone(), token).await;
        assert_eq!(r.status, status, "{token:?}");
        if status == StatusCode::OK {
            assert_eq!(r.json()["plan"]["posts"], 226, "{token:?}");
        } else {
            let code = r.error_code();
            assert!(code == "unauthorized" || code == "forbidden", "{code}");
        }
    }
    // A server without tokens configured refuses plans too.
    let r = post_as(county_state(), "/posts/plan", body, Some("police-secret")).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn plan_agrees_with_the_library() {
    let state = posts_state();
    let ds = county();
    for (body, params) in [
        (json!({}), PlanParams::default()),
        (
            json!({"model": "mclp", "p": 40, "radius_m": 250}),
            PlanParams {
                model: Model::Mclp,
                p: Some(40),
                radius_m: 250.0,
                node_budget: 200_000,
                ..PlanParams::default()
            },
        ),
        (
            json!({"model": "lscp", "solver": "heuristic", "capacity": 2,
                   "candidates": [{"lon": 112.45, "lat": 33.5, "fixed": true, "id": "警务室1"}]}),
            PlanParams {
                solver: Solver::Heuristic,
                capacity: Some(2),
                extra_candidates: vec![perimeter::posts::Candidate {
                    id: "警务室1".into(),
                    name: None,
                    lon: 112.45,
                    lat: 33.5,
                    source: perimeter::posts::CandidateSource::User,
                    fixed: true,
                }],
                ..PlanParams::default()
            },
        ),
    ] {
        let r = post(&state, "/posts/plan", body.to_string()).await;
        assert_eq!(
            r.status,
            StatusCode::OK,
            "{}",
            String::from_utf8_lossy(&r.body)
        );
        assert_eq!(r.content_type(), "application/json");
        let v = r.json();
        let want = plan(&ds.schools, &params, &PostsConfig::default()).unwrap();
        let s = &v["plan"];
        assert_eq!(
            s["posts"].as_u64().unwrap() as usize,
            want.posts.len(),
            "{body}"
        );
        assert_eq!(s["objective"].as_f64().unwrap(), want.objective);
        assert_eq!(s["bound"].as_f64().unwrap(), want.bound);
        assert_eq!(s["proven_optimal"].as_bool().unwrap(), want.proven_optimal);
        assert_eq!(
            s["model"],
            json!(if params.model == Model::Lscp {
                "lscp"
            } else {
                "mclp"
            })
        );
        let feats = v["posts"]["features"].as_array().unwrap();
        let points = feats
            .iter()
            .filter(|f| f["properties"]["kind"] == "post")
            .count();
        let lines = feats
            .iter()
            .filter(|f| f["properties"]["kind"] == "cover")
            .count();
        assert_eq!(points, want.posts.len());
        assert_eq!(lines, want.demand.len() - want.uncovered.len());
        assert_eq!(
            v["assignment"].as_array().unwrap().len(),
            want.schools.len()
        );
        assert_eq!(v["roster"].as_array().unwrap().len(), want.posts.len());
        if params.capacity == Some(2) {
            let mut load = std::collections::HashMap::new();
            for a in v["assignment"].as_array().unwrap() {
                if let Some(p) = a["post"].as_str() {
                    *load.entry(p.to_string()).or_insert(0) += 1;
                }
            }
            assert!(load.values().all(|&n| n <= 2));
            assert!(feats
                .iter()
                .any(|f| f["properties"]["candidate"] == "警务室1"
                    && f["properties"]["fixed"] == true));
        }
    }
}

#[tokio::test]
async fn bad_requests_are_400_naming_the_field() {
    let state = small_state().with_tokens(role_tokens());
    let many: Vec<Value> = (0..10_001)
        .map(|_| json!({"lon": 112.5, "lat": 33.5}))
        .collect();
    for (body, words) in [
        ("{".to_string(), "malformed JSON"),
        (json!({"model": "pmedian"}).to_string(), "model: unknown model 'pmedian'"),
        (json!({"radius_m": 0}).to_string(), "radius_m must be"),
        (json!({"radius_m": 50_000}).to_string(), "radius_m must be"),
        (json!({"model": "mclp"}).to_string(), "p (the number of posts) is required"),
        (json!({"solver": "fast"}).to_string(), "solver: unknown solver 'fast'"),
        (json!({"boundary_every_m": 1}).to_string(), "boundary_every_m must be at least 10"),
        (json!({"capacity": 0}).to_string(), "capacity must be at least 1"),
        (json!({"radius": 300}).to_string(), "unknown field `radius`"),
        (json!({"candidates": [{"lon": 112.5, "lat": 33.5, "crs": "EPSG:99999999"}]}).to_string(), "candidates[0].crs"),
        (json!({"candidates": [{"lon": 500.0, "lat": 33.5}]}).to_string(), "candidates[0]"),
        (json!({"candidates": many}).to_string(), "at most 10000 candidates"),
        (
            json!({"model": "mclp", "p": 0, "candidates": [{"lon": 112.5, "lat": 33.5, "fixed": true}]}).to_string(),
            "p = 0 is fewer than the 1 fixed posts",
        ),
    ] {
        let r = post(&state, "/posts/plan", body.clone()).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", &body[..body.len().min(80)]);
        assert_eq!(r.error_code(), "bad_request");
        let msg = r.json()["message"].as_str().unwrap().to_string();
        assert!(msg.contains(words), "{msg} lacks {words}");
    }
    let r = get(&state, "/posts/plan").await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn infeasible_gates_are_named_in_the_answer() {
    let state = small_state().with_tokens(role_tokens());
    // No gate candidates and one user point far away: every gate is infeasible, and named.
    let body = json!({"gate_candidates": false, "candidates": [{"lon": 113.0, "lat": 34.0}]});
    let r = post(&state, "/posts/plan", body.to_string()).await;
    assert_eq!(
        r.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&r.body)
    );
    let v = r.json();
    let inf = v["plan"]["infeasible_gates"].as_array().unwrap();
    let ids: Vec<&str> = inf
        .iter()
        .map(|g| g["school_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["S1", "S2", "S3"]);
    assert_eq!(inf[0]["gate"], "G1");
    assert!(inf[0]["nearest_candidate_m"].as_f64().unwrap() > 300.0);
    assert_eq!(v["plan"]["posts"], 0);
    assert_eq!(v["plan"]["covered_weight"], 0.0);
}

#[tokio::test]
async fn a_huge_p_is_answered_not_allocated() {
    let state = small_state().with_tokens(role_tokens());
    let body = json!({"model": "mclp", "p": 1_000_000_000_000u64});
    let r = post(&state, "/posts/plan", body.to_string()).await;
    assert_eq!(
        r.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&r.body)
    );
    let v = r.json();
    // Three planned schools (S4 is not covered): S1's gate and the points standing for S2 and S3,
    // each its own candidate; every one covered.
    assert_eq!(v["plan"]["gates"], 3);
    assert_eq!(v["plan"]["covered_gates"], 3);
    assert_eq!(v["plan"]["proven_optimal"], true);
    assert_eq!(v["plan"]["covered_weight"], v["plan"]["total_weight"]);
}
