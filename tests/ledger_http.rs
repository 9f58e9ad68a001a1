//! The ledger's HTTP routes through the router (`oneshot`): who may read and write (401/403), changes
//! with `If-Match` versions (412 on a stale version, 428 without), bad input answered 4xx with nothing
//! written, concurrent writers of one problem (exactly one wins), the OGC collection and the exports.

mod http_support;
mod pg_support;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_support::{get, send, small_state, Reply};
use perimeter::http::AppState;
use perimeter::ledger::roles::hash_token;
use perimeter::ledger::{Ledger, Observation, Tokens};

const ROLES: [&str; 5] = ["viewer", "analyst", "regulator", "police", "admin"];

fn obs(kind: &str, feature: &str, rule: &str) -> Observation {
    Observation {
        school_id: "S1".into(),
        school_name: "S1 学校".into(),
        township: Some("城关镇".into()),
        feature_type: kind.into(),
        feature_id: feature.into(),
        feature_name: format!("{feature} 名称"),
        category: "ktv".into(),
        rule_id: rule.into(),
        distance_m: 42.0,
        point: (112.501, 33.503),
    }
}

/// A state serving a ledger with problem 1 (a venue) and problem 2 (a pond), and one token per role
/// (`ROLE-token`, named `ROLE-desk`).
fn state() -> (tempfile::TempDir, AppState) {
    state_in(None)
}

/// The same state with its ledger in a new PostgreSQL database (tests/pg_support) when `postgres`.
fn state_in(postgres: Option<&str>) -> (tempfile::TempDir, AppState) {
    let dir = tempfile::tempdir().unwrap();
    let path = match postgres {
        Some(name) => std::path::PathBuf::from(pg_support::database(name)),
        None => dir.path().join("ledger.db"),
    };
    // Off the test's async runtime, as the server uses the store (from blocking threads): the PostgreSQL
    // client runs a runtime of its own.
    let at = path.clone();
    let l = std::thread::spawn(move || {
        let mut l = Ledger::open(&at).unwrap();
        l.record_scan(
            "national",
            &[],
            &[
                obs("venue", "V1", "ktv_200"),
                obs("water", "W1", "pond_200"),
            ],
        )
        .unwrap();
        l
    })
    .join()
    .unwrap();
    assert_eq!(l.is_postgres(), postgres.is_some());
    let text: String = ROLES
        .iter()
        .map(|r| {
            format!(
                "[[token]]\nname = \"{r}-desk\"\nrole = \"{r}\"\nsha256 = \"{}\"\n",
                hash_token(&format!("{r}-token"))
            )
        })
        .collect();
    let tokens = Tokens::from_toml(&text, "tokens.toml").unwrap();
    (dir, small_state().with_ledger(l, path, tokens))
}

async fn get_as(state: &AppState, uri: &str, token: Option<&str>) -> Reply {
    let mut r = Request::get(uri).header("host", "test.local");
    if let Some(t) = token {
        r = r.header("authorization", t);
    }
    send(state, r.body(Body::empty()).unwrap()).await
}

async fn patch(
    state: &AppState,
    id: &str,
    token: Option<&str>,
    if_match: Option<&str>,
    body: impl Into<Body>,
) -> Reply {
    let mut r = Request::patch(format!("/ledger/problems/{id}"))
        .header("host", "test.local")
        .header("content-type", "application/json");
    if let Some(t) = token {
        r = r.header("authorization", t);
    }
    if let Some(m) = if_match {
        r = r.header("if-match", m);
    }
    send(state, r.body(body.into()).unwrap()).await
}

const ADMIN: Option<&str> = Some("Bearer admin-token");

async fn version(state: &AppState, id: i64) -> (i64, usize) {
    let r = get_as(state, &format!("/ledger/problems/{id}"), ADMIN).await;
    assert_eq!(r.status, StatusCode::OK);
    let v = r.json();
    let version = v["problem"]["version"].as_i64().unwrap();
    assert_eq!(
        r.headers["etag"].to_str().unwrap(),
        format!("\"{version}\"")
    );
    (version, v["audit"].as_array().unwrap().len())
}

#[tokio::test]
async fn who_may_read_and_change_what() {
    let (_dir, s) = state();
    // (authorization header, GET /ledger/problems, PATCH venue problem, PATCH water problem)
    let table: [(Option<&str>, u16, u16, u16); 9] = [
        (None, 401, 401, 401),
        (Some("Bearer nobody-token"), 401, 401, 401),
        (Some("Basic YWRtaW4="), 401, 401, 401),
        (Some("Bearer viewer-token"), 403, 403, 403),
        (Some("Bearer analyst-token"), 200, 403, 403),
        (Some("Bearer regulator-token"), 200, 200, 403),
        (Some("Bearer police-token"), 200, 403, 200),
        (Some("Bearer admin-token"), 200, 200, 200),
        (Some("Bearer "), 401, 401, 401),
    ];
    for (auth, read, venue, water) in table {
        let r = get_as(&s, "/ledger/problems", auth).await;
        assert_eq!(r.status.as_u16(), read, "{auth:?} read");
        if read != 200 {
            let code = r.error_code();
            assert_eq!(
                code,
                if read == 401 {
                    "unauthorized"
                } else {
                    "forbidden"
                }
            );
        }
        if read == 401 {
            assert_eq!(r.headers["www-authenticate"], "Bearer");
        }
        for (id, expect) in [(1, venue), (2, water)] {
            let (v, audits) = version(&s, id).await;
            let body = serde_json::json!({"measure": format!("停业整顿 {auth:?}")}).to_string();
            let r = patch(&s, &id.to_string(), auth, Some(&format!("\"{v}\"")), body).await;
            assert_eq!(
                r.status.as_u16(),
                expect,
                "{auth:?} patch {id}: {}",
                String::from_utf8_lossy(&r.body)
            );
            let (v2, audits2) = version(&s, id).await;
            if expect == 200 {
                assert_eq!((v2, audits2), (v + 1, audits + 1));
                // Audited with the token's identity.
                let a = get_as(&s, &format!("/ledger/problems/{id}"), ADMIN)
                    .await
                    .json();
                let role = auth
                    .unwrap()
                    .trim_start_matches("Bearer ")
                    .trim_end_matches("-token");
                assert_eq!(a["audit"][audits]["actor"], format!("{role}-desk"));
            } else {
                assert_eq!((v2, audits2), (v, audits), "a refused write wrote nothing");
            }
        }
    }
    // Public layers need no token; whoami names the caller.
    assert_eq!(
        get(&s, "/collections/schools/items").await.status,
        StatusCode::OK
    );
    let me = get_as(&s, "/ledger/whoami", Some("Bearer police-token"))
        .await
        .json();
    assert_eq!(
        me,
        serde_json::json!({"name": "police-desk", "role": "police"})
    );
    // Every ledger route is sensitive.
    for uri in [
        "/ledger/problems/1",
        "/ledger/diff",
        "/ledger/overdue",
        "/ledger/summary",
        "/ledger/scans",
        "/ledger/export?format=csv",
        "/collections/ledger-problems/items",
    ] {
        assert_eq!(get(&s, uri).await.status, StatusCode::UNAUTHORIZED, "{uri}");
        assert_eq!(
            get_as(&s, uri, Some("Bearer viewer-token")).await.status,
            StatusCode::FORBIDDEN,
            "{uri}"
        );
        assert_eq!(
            get_as(&s, uri, Some("Bearer analyst-token")).await.status,
            StatusCode::OK,
            "{uri}"
        );
    }
}

#[tokio::test]
async fn bad_input_is_refused_and_writes_nothing() {
    let (_dir, s) = state();
    let m = Some("\"1\"");
    let big_note = format!(
        "{{\"note\": \"{}\", \"status\": \"disputed\"}}",
        "x".repeat(10 << 20)
    );
    let long_note = format!(
        "{{\"note\": \"{}\", \"status\": \"disputed\"}}",
        "异".repeat(3000)
    );
    let cases: Vec<(&str, Option<&str>, String, u16, &str)> = vec![
        ("1", m, r#"{"status": "closed"}"#.into(), 400, "unknown status 'closed' (statuses: open, rectifying, rectified, verified, disputed)"),
        ("1", m, r#"{"deadline": "2026/12/01", "unit": "市场监管局"}"#.into(), 400, "deadline '2026/12/01' is not a date written YYYY-MM-DD"),
        ("1", m, r#"{"deadline": "2026-11-31", "unit": "市场监管局"}"#.into(), 400, "deadline '2026-11-31' is not a date written YYYY-MM-DD"),
        ("999", m, r#"{"unit": "市场监管局"}"#.into(), 404, "no problem 999 in the ledger"),
        ("abc", m, r#"{"unit": "市场监管局"}"#.into(), 400, ""),
        ("1", m, big_note, 413, ""),
        ("1", m, long_note, 400, "note is 3000 characters long; at most 2000 are accepted"),
        ("1", None, r#"{"unit": "市场监管局"}"#.into(), 428, ""),
        ("1", Some("version one"), r#"{"unit": "市场监管局"}"#.into(), 400, "If-Match must be the problem's ETag, e.g. \"3\""),
        ("1", Some("\"7\""), r#"{"unit": "市场监管局"}"#.into(), 412, "problem 1 is at version 1, not 7: it was changed meanwhile; reload and retry"),
        ("1", m, r#"{"unit": "市场监管局", "status": "verified"}"#.into(), 409, "open → verified is not a step of the workflow (from open the next steps are: rectifying, disputed)"),
        ("1", m, r#"{"unit": "市场监管局", "colour": "red"}"#.into(), 400, ""),
        ("1", m, "not json".into(), 400, ""),
        ("1", m, r#"{"supervised": "yes"}"#.into(), 400, ""),
        ("1", m, "{}".into(), 400, "nothing to change: give status, unit, measure, deadline or supervised"),
    ];
    for (id, if_match, body, expect, message) in cases {
        let r = patch(&s, id, ADMIN, if_match, body).await;
        assert_eq!(
            r.status.as_u16(),
            expect,
            "{id} {if_match:?}: {}",
            String::from_utf8_lossy(&r.body)
        );
        r.error_code();
        if !message.is_empty() {
            assert_eq!(r.json()["message"], message);
        }
        assert_eq!(version(&s, 1).await, (1, 0), "nothing written");
    }
    for (uri, expect) in [
        ("/ledger/diff?from=abc", 400),
        ("/ledger/diff?from=9", 404),
        ("/ledger/export?format=pdf", 400),
        ("/ledger/problems?status=closed", 400),
        ("/ledger/problems?overdue=maybe", 400),
        ("/ledger/problems?type=road", 400),
        ("/ledger/summary?since=yesterday", 400),
        ("/ledger/problems/0", 404),
    ] {
        let r = get_as(&s, uri, ADMIN).await;
        assert_eq!(r.status.as_u16(), expect, "{uri}");
        r.error_code();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writers_get_a_conflict_not_a_lost_update() {
    let (_dir, s) = state();
    concurrent_writers_on(s).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writers_get_a_conflict_not_a_lost_update_postgres() {
    let (_dir, s) = state_in(Some("http_concurrent"));
    concurrent_writers_on(s).await;
}

async fn concurrent_writers_on(s: AppState) {
    for round in 0..5 {
        let (v, audits) = version(&s, 1).await;
        let tag = format!("\"{v}\"");
        let tasks: Vec<_> = (0..6)
            .map(|k| {
                let s = s.clone();
                let tag = tag.clone();
                tokio::spawn(async move {
                    let body = format!("{{\"measure\": \"round {round} writer {k}\"}}");
                    (k, patch(&s, "1", ADMIN, Some(&tag), body).await.status)
                })
            })
            .collect();
        let mut winners = Vec::new();
        for t in tasks {
            let (k, status) = t.await.unwrap();
            match status {
                StatusCode::OK => winners.push(k),
                StatusCode::PRECONDITION_FAILED => {}
                other => panic!("unexpected {other}"),
            }
        }
        assert_eq!(winners.len(), 1, "round {round}: exactly one writer wins");
        assert_eq!(version(&s, 1).await, (v + 1, audits + 1));
        let p = get_as(&s, "/ledger/problems/1", ADMIN).await.json();
        assert_eq!(
            p["problem"]["measure"],
            format!("round {round} writer {}", winners[0])
        );
    }
}

#[tokio::test]
async fn a_server_side_scan_is_recorded_by_analysts_and_admins() {
    let (_dir, s) = state();
    server_side_scan_on(s).await;
}

#[tokio::test]
async fn a_server_side_scan_is_recorded_by_analysts_and_admins_postgres() {
    let (_dir, s) = state_in(Some("http_scan"));
    server_side_scan_on(s).await;
}

async fn server_side_scan_on(s: AppState) {
    let post = |token: Option<&'static str>| {
        let s = s.clone();
        async move {
            let mut r = Request::post("/ledger/scans").header("host", "test.local");
            if let Some(t) = token {
                r = r.header("authorization", t);
            }
            send(&s, r.body(Body::empty()).unwrap()).await
        }
    };
    assert_eq!(post(None).await.status, StatusCode::UNAUTHORIZED);
    for refused in [
        "Bearer viewer-token",
        "Bearer regulator-token",
        "Bearer police-token",
    ] {
        let r = post(Some(refused)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{refused}");
    }
    assert_eq!(
        get_as(&s, "/ledger/scans", ADMIN)
            .await
            .json()
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // The served findings (the small county's) become the problems of scan 2; the two problems of
    // scan 1 (rule ids the national rules do not have) are gone.
    let served = get(&s, "/collections/findings/items?limit=1").await.json()["numberMatched"]
        .as_u64()
        .unwrap();
    assert!(served > 0);
    let r = post(Some("Bearer analyst-token")).await;
    assert_eq!(r.status, StatusCode::CREATED);
    assert_eq!(
        r.json(),
        serde_json::json!({"scan": 2, "new": served, "persisting": 0, "gone": 2, "reopened": 0})
    );
    let d = get_as(&s, "/ledger/diff", ADMIN).await.json();
    assert_eq!(d["gone"], serde_json::json!([1, 2]));
    assert_eq!(d["new"].as_array().unwrap().len() as u64, served);
    // Again, by an admin: everything persists.
    let r = post(ADMIN).await.json();
    assert_eq!(
        (
            r["scan"].as_u64(),
            r["new"].as_u64(),
            r["persisting"].as_u64(),
            r["gone"].as_u64()
        ),
        (Some(3), Some(0), Some(served), Some(0))
    );
}

#[tokio::test]
async fn collection_diff_and_exports() {
    let (_dir, s) = state();
    let r = get(&s, "/collections").await.json();
    let ids: Vec<&str> = r["collections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"ledger-problems"), "{ids:?}");
    let items = get_as(&s, "/collections/ledger-problems/items", ADMIN).await;
    assert_eq!(items.content_type(), "application/geo+json");
    let fc = items.json();
    assert_eq!(fc["features"].as_array().unwrap().len(), 2);
    assert_eq!(fc["features"][0]["properties"]["status"], "open");
    assert_eq!(
        fc["features"][0]["geometry"]["coordinates"],
        serde_json::json!([112.501, 33.503])
    );
    assert_eq!(
        (fc["numberMatched"].clone(), fc["numberReturned"].clone()),
        (2.into(), 2.into())
    );
    // OGC paging: one item per page, the next link leads to the other; bbox selects by the point.
    let all: Vec<serde_json::Value> = fc["features"].as_array().unwrap().clone();
    let page1 = get_as(&s, "/collections/ledger-problems/items?limit=1", ADMIN)
        .await
        .json();
    assert_eq!(
        (
            page1["numberMatched"].clone(),
            page1["numberReturned"].clone()
        ),
        (2.into(), 1.into())
    );
    assert_eq!(page1["features"][0]["id"], all[0]["id"]);
    let next = page1["links"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["rel"] == "next")
        .and_then(|l| l["href"].as_str())
        .expect("a next link")
        .to_string();
    let next = next
        .split_once("/collections/")
        .map(|(_, r)| format!("/collections/{r}"))
        .unwrap();
    let page2 = get_as(&s, &next, ADMIN).await.json();
    assert_eq!(page2["features"][0]["id"], all[1]["id"]);
    assert!(page2["links"]
        .as_array()
        .unwrap()
        .iter()
        .all(|l| l["rel"] != "next"));
    let b = [112.5005, 33.5025, 112.5015, 33.5035];
    let want = all
        .iter()
        .filter(|f| {
            let c = &f["geometry"]["coordinates"];
            let (x, y) = (c[0].as_f64().unwrap(), c[1].as_f64().unwrap());
            x >= b[0] && x <= b[2] && y >= b[1] && y <= b[3]
        })
        .count();
    assert!(want >= 1);
    let uri = format!(
        "/collections/ledger-problems/items?bbox={},{},{},{}",
        b[0], b[1], b[2], b[3]
    );
    assert_eq!(get_as(&s, &uri, ADMIN).await.json()["numberMatched"], want);
    let far = get_as(&s, "/collections/ledger-problems/items?bbox=0,0,1,1", ADMIN)
        .await
        .json();
    assert_eq!(far["numberMatched"], 0);
    for bad in ["limit=0", "limit=10001", "offset=-1", "bbox=1,2,3"] {
        let r = get_as(
            &s,
            &format!("/collections/ledger-problems/items?{bad}"),
            ADMIN,
        )
        .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad}");
    }
    let water = get_as(&s, "/ledger/problems?type=water&f=json", ADMIN)
        .await
        .json();
    assert_eq!(water.as_array().unwrap().len(), 1);
    assert_eq!(water[0]["id"], 2);

    // The API document describes the ledger's routes and their security.
    let api = get(&s, "/api").await.json();
    assert_eq!(
        api["paths"]["/ledger/problems/{id}"]["patch"]["operationId"],
        "patchLedgerProblem"
    );
    assert_eq!(
        api["paths"]["/ledger/problems/{id}"]["patch"]["responses"]["412"]["description"],
        "If-Match names a version that is no longer current"
    );
    assert_eq!(
        api["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );

    let d = get_as(&s, "/ledger/diff", ADMIN).await.json();
    assert_eq!(
        d,
        serde_json::json!({"from": null, "to": 1, "new": [1, 2], "persisting": [], "gone": []})
    );

    let csv = get_as(&s, "/ledger/export?format=csv", ADMIN).await;
    assert_eq!(csv.content_type(), "text/csv; charset=utf-8");
    let text = String::from_utf8(csv.body.clone()).unwrap();
    assert!(text.starts_with("\u{feff}编号,学校编号,学校名称,乡镇,类型,场所/水体编号"));
    assert_eq!(text.lines().count(), 3);
    let x = get_as(&s, "/ledger/export?format=xlsx", ADMIN).await;
    assert_eq!(x.status, StatusCode::OK);
    assert_eq!(&x.body[..2], b"PK", "an XLSX is a zip archive");
    assert_eq!(
        x.headers["content-disposition"],
        "attachment; filename=\"ledger.xlsx\""
    );
    let g = get_as(&s, "/ledger/export?format=geojson", ADMIN)
        .await
        .json();
    assert_eq!(g["features"].as_array().unwrap().len(), 2);
}
