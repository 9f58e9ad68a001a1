//! `perimeter serve --ledger postgres://…`: the real binary serves a ledger kept in PostgreSQL (tests/
//! pg_support). The store is used from the server's blocking threads and dropped at shutdown on its
//! async runtime: neither may panic (the PostgreSQL client runs a runtime of its own). A change with a
//! current `If-Match` version is applied once; the same version again is refused with 412; SIGTERM
//! stops the server with exit code 0, and the change is in the database afterwards.

mod pg_support;

mod serve_support;

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

use perimeter::ledger::{Ledger, Observation};
use serve_support::{bearer, Served};

/// One request as the admin, with `If-Match` when given: (status, body). The answers are never chunked.
fn request(
    addr: &str,
    method: &str,
    path: &str,
    if_match: Option<&str>,
    body: &str,
) -> (u16, String) {
    let mut headers = vec![bearer("pg-admin")];
    headers.extend(if_match.map(|v| format!("If-Match: {v}")));
    let (status, head, body) = serve_support::request(addr, method, path, &headers, body);
    assert!(!head.contains("transfer-encoding: chunked"), "{head}");
    (status, String::from_utf8(body).expect("UTF-8"))
}

#[test]
fn serve_a_ledger_kept_in_postgres() {
    let url = pg_support::database("serve");
    let mut l = Ledger::open(&PathBuf::from(&url)).unwrap();
    l.record_scan(
        "national",
        &[],
        &[Observation {
            school_id: "S1".into(),
            school_name: "S1 学校".into(),
            township: Some("城关镇".into()),
            feature_type: "venue".into(),
            feature_id: "V1".into(),
            feature_name: "V1 网吧".into(),
            category: "internet_cafe".into(),
            rule_id: "internet_cafe_200".into(),
            distance_m: 42.0,
            point: (112.501, 33.503),
        }],
    )
    .unwrap();
    drop(l);

    let dir = tempfile::tempdir().expect("tempdir");
    let tokens = dir.path().join("tokens.toml");
    std::fs::write(
        &tokens,
        format!(
            "[[token]]\nname = \"pg-desk\"\nrole = \"admin\"\nsha256 = \"{}\"\n",
            perimeter::ledger::roles::hash_token("pg-admin")
        ),
    )
    .expect("write");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_perimeter"));
    cmd.args([
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--ledger",
        &url,
        "--tokens",
    ])
    .arg(&tokens)
    .current_dir(env!("CARGO_MANIFEST_DIR"))
    .stderr(Stdio::piped());
    let mut server = Served::start(cmd, Duration::from_secs(180));
    let (addr, lines) = (server.addr.clone(), server.before.clone());
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("ledger postgres://perimeter@127.0.0.1:")),
        "{lines:?}"
    );

    let (status, body) = request(&addr, "GET", "/ledger/problems/1", None, "");
    assert_eq!(status, 200, "{body}");
    let p: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!(
        (
            p["problem"]["version"].as_i64(),
            p["problem"]["status"].as_str()
        ),
        (Some(1), Some("open"))
    );
    let change = r#"{"measure": "停业整改"}"#;
    let (status, body) = request(&addr, "PATCH", "/ledger/problems/1", Some("\"1\""), change);
    assert_eq!(status, 200, "{body}");
    let (status, body) = request(&addr, "PATCH", "/ledger/problems/1", Some("\"1\""), change);
    assert_eq!(status, 412, "{body}");
    let (status, body) = request(&addr, "GET", "/ledger/problems/9", None, "");
    assert_eq!(status, 404, "{body}");

    // SIGTERM: a graceful stop, exit code 0, no panic while the store is closed.
    let (status, errors) = server.stop();
    assert!(status.success(), "{status}");
    assert!(!errors.contains("panicked"), "{errors}");

    let l = Ledger::open(&PathBuf::from(&url)).unwrap();
    let p = l.problem(1, 0).unwrap();
    assert_eq!((p.version, p.measure.as_deref()), (2, Some("停业整改")));
    let audit = l.audit(1).unwrap();
    assert_eq!(audit.len(), 1);
    assert_eq!(
        (
            audit[0].actor.as_str(),
            audit[0].field.as_str(),
            audit[0].to.as_deref()
        ),
        ("pg-desk", "measure", Some("停业整改"))
    );
}
