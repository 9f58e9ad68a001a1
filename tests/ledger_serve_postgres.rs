//! `perimeter serve --ledger postgres://…`: the real binary serves a ledger kept in PostgreSQL (tests/
//! pg_support). The store is used from the server's blocking threads and dropped at shutdown on its
//! async runtime: neither may panic (the PostgreSQL client runs a runtime of its own). A change with a
//! current `If-Match` version is applied once; the same version again is refused with 412; SIGTERM
//! stops the server with exit code 0, and the change is in the database afterwards.

mod pg_support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use perimeter::ledger::{Ledger, Observation};

/// Kills the server if the test fails half-way.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// One request with `Connection: close` as the admin: (status, body).
fn request(
    addr: &str,
    method: &str,
    path: &str,
    if_match: Option<&str>,
    body: &str,
) -> (u16, String) {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(60)))
        .expect("timeout");
    let m = if_match
        .map(|v| format!("If-Match: {v}\r\n"))
        .unwrap_or_default();
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer pg-admin\r\nContent-Type: application/json\r\n{m}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).expect("send");
    let mut raw = String::new();
    s.read_to_string(&mut raw).expect("read");
    let (head, body) = raw.split_once("\r\n\r\n").expect("end of head");
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("status");
    assert!(
        !head.to_lowercase().contains("transfer-encoding: chunked"),
        "{head}"
    );
    (status, body.to_string())
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
    let child = Command::new(env!("CARGO_BIN_EXE_perimeter"))
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--ledger",
            &url,
            "--tokens",
        ])
        .arg(&tokens)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start perimeter serve");
    let mut server = Server(child);
    let stdout = server.0.stdout.take().expect("stdout");
    let mut stderr = server.0.stderr.take().expect("stderr");
    let (tx, rx) = mpsc::channel::<String>();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let errors = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let mut lines = Vec::new();
    let addr = loop {
        let line = rx
            .recv_timeout(Duration::from_secs(180))
            .unwrap_or_else(|_| panic!("no address printed; got {lines:?}"));
        if let Some(a) = line.strip_prefix("listening on http://") {
            break a.trim().to_string();
        }
        lines.push(line);
    };
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
    let pid = server.0.id().to_string();
    assert!(Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill")
        .success());
    let mut stopped = false;
    for _ in 0..100 {
        if let Some(status) = server.0.try_wait().expect("wait") {
            assert!(status.success(), "{status}");
            stopped = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(stopped, "the server did not stop within 10 s of SIGTERM");
    let errors = errors.join().unwrap();
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
