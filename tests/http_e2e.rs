//! End to end: the real binary serves the sample county (no input arguments) on a free port; a minimal
//! HTTP/1.1 client over `std::net::TcpStream` asks a few questions; SIGTERM stops it gracefully.
//!
//! Expected values: the sample county's counts are those of `perimeter gen --scale county --seed 2026
//! --sample` (300 schools, 30 000 venues, 200 water bodies; data/README.md).

mod serve_support;

use std::process::{Command, Stdio};
use std::time::Duration;

use serve_support::{bearer, Answer, Served};

/// One request asking for JSON: (status, headers in lower case, body).
fn request(addr: &str, method: &str, path: &str, body: &str) -> Answer {
    request_as(addr, method, path, body, None)
}

/// A request with `Authorization: Bearer TOKEN` when a token is given.
fn request_as(addr: &str, method: &str, path: &str, body: &str, token: Option<&str>) -> Answer {
    let mut headers = vec!["Accept: application/json".to_string()];
    headers.extend(token.map(bearer));
    serve_support::request(addr, method, path, &headers, body)
}

fn json(body: &[u8]) -> serde_json::Value {
    serde_json::from_slice(body)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(body)))
}

#[test]
fn serve_the_sample_county() {
    let web = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        web.path().join("index.html"),
        "<!doctype html><title>校园周边</title>",
    )
    .expect("write");
    // One police token (guard-post plans are sensitive).
    let tokens = web.path().join("tokens.toml");
    std::fs::write(
        &tokens,
        format!(
            "[[token]]\nname = \"duty-desk\"\nrole = \"police\"\nsha256 = \"{}\"\n",
            perimeter::ledger::roles::hash_token("e2e-police")
        ),
    )
    .expect("write");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_perimeter"));
    cmd.args(["serve", "--listen", "127.0.0.1:0", "--web"])
        .arg(web.path())
        .arg("--tokens")
        .arg(&tokens)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stderr(Stdio::null());
    let mut server = Served::start(cmd, Duration::from_secs(180));
    let (addr, lines) = (server.addr.clone(), server.before.clone());
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("300 schools, 30000 venues, 200 water bodies")),
        "{lines:?}"
    );
    assert_eq!(
        server.next_line(Duration::from_secs(5)),
        Some(format!("map: http://{addr}/map/"))
    );
    // The guard-post plan made at start-up (as `perimeter posts plan` with its defaults: 226 posts).
    assert!(
        lines.iter().any(|l| l.starts_with(
            "guard posts: 226 posts (lscp, r = 300 m, exact solver, proven optimal) cover 437/437 gates"
        )),
        "{lines:?}"
    );
    let (status, _, _) = request(&addr, "GET", "/collections/posts/items?limit=1", "");
    assert_eq!(status, 401, "the plan needs a token");
    let path = "/collections/posts/items?limit=1";
    let (status, _, body) = request_as(&addr, "GET", path, "", Some("e2e-police"));
    assert_eq!(status, 200);
    assert_eq!(json(&body)["numberMatched"], 226);

    let (status, _, body) = request(&addr, "GET", "/health", "");
    assert_eq!(status, 200);
    let h = json(&body);
    assert_eq!(
        (
            h["schools"].as_u64(),
            h["venues"].as_u64(),
            h["water"].as_u64()
        ),
        (Some(300), Some(30_000), Some(200))
    );
    let findings = h["findings"].as_u64().expect("findings");

    let (status, head, body) = request(&addr, "GET", "/collections/findings/items?limit=7", "");
    assert_eq!(status, 200);
    assert!(
        head.contains("content-type: application/geo+json"),
        "{head}"
    );
    let page = json(&body);
    assert_eq!(
        (
            page["numberMatched"].as_u64(),
            page["numberReturned"].as_u64()
        ),
        (Some(findings), Some(7))
    );
    let next = page["links"]
        .as_array()
        .and_then(|l| l.iter().find(|x| x["rel"] == "next"))
        .and_then(|x| x["href"].as_str())
        .expect("next");
    assert_eq!(
        next,
        format!("http://{addr}/collections/findings/items?limit=7&offset=7")
    );

    // A refused site: the measured end of the first finding of a venue is a venue's door, within 200 m.
    let f = &page["features"][0];
    let (lon, lat) = (
        f["geometry"]["coordinates"][0][0].as_f64().expect("lon"),
        f["geometry"]["coordinates"][0][1].as_f64().expect("lat"),
    );
    let (status, _, body) = request(
        &addr,
        "GET",
        &format!("/check?lon={lon}&lat={lat}&category=internet_cafe"),
        "",
    );
    assert_eq!(status, 200);
    let c = json(&body);
    assert_eq!(c["allowed"], false);
    assert_eq!(
        c["breaches"][0]["distance_m"], 0.0,
        "a point on the campus boundary is at 0 m"
    );

    let (status, _, body) = request(
        &addr,
        "POST",
        "/check",
        r#"[{"lon": 112.4, "lat": 33.5, "category": "ktv"}]"#,
    );
    assert_eq!(status, 200);
    assert_eq!(json(&body).as_array().map(Vec::len), Some(1));
    let (status, _, body) = request(&addr, "POST", "/check", "{oops");
    assert_eq!(
        (status, json(&body)["code"].as_str()),
        (400, Some("bad_request"))
    );

    let (status, head, body) = request(&addr, "GET", "/tiles/schools,venues/12/3327/1643", "");
    assert!(status == 200 || status == 204, "{status}");
    if status == 200 {
        assert!(
            head.contains("content-type: application/vnd.mapbox-vector-tile") && !body.is_empty()
        );
    }
    let (status, _, body) = request(&addr, "GET", "/tiles/schools/40/0/0", "");
    assert_eq!(
        (status, json(&body)["code"].as_str()),
        (400, Some("bad_request"))
    );

    let (status, _, body) = request(&addr, "GET", "/map/", "");
    assert_eq!(status, 200);
    assert!(String::from_utf8_lossy(&body).contains("校园周边"));

    // SIGTERM: a graceful stop, exit code 0.
    let (status, _) = server.stop();
    assert!(status.success(), "{status}");
    assert_eq!(
        server.next_line(Duration::from_secs(5)).as_deref(),
        Some("stopped")
    );
}

/// Bad start-up plan parameters stop `perimeter serve` before anything is loaded: exit code 2 and a
/// message naming the flag.
#[test]
fn bad_posts_flags_are_refused() {
    for (args, want) in [
        (
            vec!["--posts-radius=-5"],
            "--posts-*: radius must be a positive number of metres up to 100000, not -5",
        ),
        (
            vec!["--posts-model", "mclp"],
            "--posts-*: the mclp model needs p (the number of posts)",
        ),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_perimeter"))
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(&args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .expect("run perimeter serve");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(want), "{args:?}: {err}");
        assert!(!String::from_utf8_lossy(&out.stdout).contains("listening"));
    }
}
