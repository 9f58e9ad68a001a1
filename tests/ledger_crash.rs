//! Nothing acknowledged is lost: the real server takes a burst of ledger writes from two clients and is
//! killed with SIGKILL in the middle of it, several times over. After each kill the store must pass
//! `PRAGMA integrity_check`, hold every change the server acknowledged (its version and its audit
//! entry), and be consistent: one audit entry per version step, at most one unacknowledged write (the
//! one in flight) per problem.

mod serve_support;

use std::collections::HashMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serve_support::{bearer, try_request, Served};

use perimeter::ledger::roles::hash_token;
use perimeter::ledger::{Ledger, Observation, ProblemFilter};

const PROBLEMS: i64 = 24;
const ROUNDS: usize = 10;

/// One PATCH; `None` when the server is gone or the answer is cut short. An answer without a length
/// counts as cut short: with `Connection: close` a body read to the end of the connection cannot be
/// told apart from one the kill interrupted.
fn patch(addr: &str, id: i64, version: i64, body: &str) -> Option<(u16, String)> {
    let headers = [bearer("crash-admin"), format!("If-Match: \"{version}\"")];
    let path = format!("/ledger/problems/{id}");
    let timeout = Duration::from_secs(10);
    let (status, head, body) = try_request(addr, "PATCH", &path, &headers, body, timeout).ok()?;
    let sized = head.contains("content-length:") || head.contains("transfer-encoding: chunked");
    sized.then(|| (status, String::from_utf8_lossy(&body).into_owned()))
}

fn start(dir: &Path) -> Served {
    let schools =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/load/schools_4547.geojson");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_perimeter"));
    cmd.args([
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--web",
        "none",
        "--schools",
    ])
    .arg(schools)
    .arg("--ledger")
    .arg(dir.join("ledger.db"))
    .arg("--tokens")
    .arg(dir.join("tokens.toml"))
    .stderr(Stdio::null());
    Served::start(cmd, Duration::from_secs(60))
}

/// An acknowledged write: problem, the version the server answered, the measure written.
type Ack = (i64, i64, String);

#[test]
fn acknowledged_writes_survive_sigkill() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    {
        let mut l = Ledger::open(&dir.join("ledger.db")).unwrap();
        let obs: Vec<Observation> = (0..PROBLEMS)
            .map(|i| Observation {
                school_id: format!("S{}", i % 3),
                school_name: "学校".into(),
                township: Some("城关镇".into()),
                feature_type: if i % 4 == 0 { "water" } else { "venue" }.into(),
                feature_id: format!("F{i}"),
                feature_name: format!("场所 {i}"),
                category: "ktv".into(),
                rule_id: "r".into(),
                distance_m: i as f64,
                point: (112.5, 33.5),
            })
            .collect();
        l.record_scan("national", &[], &obs).unwrap();
    }
    std::fs::write(
        dir.join("tokens.toml"),
        format!(
            "[[token]]\nname = \"crash-test\"\nrole = \"admin\"\nsha256 = \"{}\"\n",
            hash_token("crash-admin")
        ),
    )
    .unwrap();

    let mut all_acks: Vec<Ack> = Vec::new();
    // Writes committed whose answer the kill cut off (counted, not required: it depends on timing).
    let mut in_flight_committed = 0;
    let t0 = Instant::now();
    for round in 0..ROUNDS {
        // The versions as the store holds them now.
        let versions: HashMap<i64, i64> = Ledger::open(&dir.join("ledger.db"))
            .unwrap()
            .problems(&ProblemFilter::default(), 0)
            .unwrap()
            .iter()
            .map(|p| (p.id, p.version))
            .collect();
        let server = start(dir);
        let addr = server.addr.clone();
        let acks = Arc::new(Mutex::new(Vec::<Ack>::new()));
        let count = Arc::new(AtomicUsize::new(0));
        let writers: Vec<_> = (0..2i64)
            .map(|w| {
                let (addr, acks, count) = (addr.clone(), acks.clone(), count.clone());
                let mut versions = versions.clone();
                std::thread::spawn(move || {
                    let mine: Vec<i64> = (1..=PROBLEMS).filter(|id| id % 2 == w).collect();
                    for n in 0.. {
                        let id = mine[n % mine.len()];
                        let v = versions[&id];
                        let measure = format!("round {round} writer {w} write {n}");
                        let body = format!("{{\"measure\": \"{measure}\"}}");
                        let Some((status, text)) = patch(&addr, id, v, &body) else {
                            return; // the server is gone
                        };
                        assert_eq!(status, 200, "{text}");
                        let p: serde_json::Value = serde_json::from_str(&text).unwrap();
                        let nv = p["version"].as_i64().unwrap();
                        assert_eq!(nv, v + 1);
                        versions.insert(id, nv);
                        acks.lock().unwrap().push((id, nv, measure));
                        count.fetch_add(1, Ordering::SeqCst);
                    }
                })
            })
            .collect();
        // Kill mid-burst, after a number of acknowledged writes that differs from round to round.
        let target = 20 + 13 * round;
        let deadline = Instant::now() + Duration::from_secs(30);
        while count.load(Ordering::SeqCst) < target && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(1));
        }
        server.kill();
        for w in writers {
            w.join().expect("writer");
        }
        let acks = std::mem::take(&mut *acks.lock().unwrap());
        assert!(
            acks.len() >= target,
            "round {round}: only {} writes acknowledged",
            acks.len()
        );
        all_acks.extend(acks);

        // The store after the kill.
        let l = Ledger::open(&dir.join("ledger.db")).unwrap();
        let check: String = l
            .connection()
            .expect("a SQLite store")
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(check, "ok", "round {round}");
        let problems = l.problems(&ProblemFilter::default(), 0).unwrap();
        assert_eq!(problems.len(), PROBLEMS as usize);
        in_flight_committed = 0;
        let mut last_ack: HashMap<i64, i64> = HashMap::new();
        for (id, v, _) in &all_acks {
            let e = last_ack.entry(*id).or_insert(*v);
            *e = (*e).max(*v);
        }
        for p in &problems {
            let audit = l.audit(p.id).unwrap();
            // One audit entry per change, numbered by version.
            assert_eq!(audit.len() as i64, p.version - 1, "problem {}", p.id);
            let acked = last_ack.get(&p.id).copied().unwrap_or(1);
            assert!(
                p.version == acked || p.version == acked + 1,
                "problem {}: version {} but {} acknowledged",
                p.id,
                p.version,
                acked
            );
            in_flight_committed += usize::from(p.version == acked + 1);
        }
        for (id, v, measure) in &all_acks {
            let audit = l.audit(*id).unwrap();
            let entry = &audit[(*v - 2) as usize];
            assert_eq!(
                (
                    entry.field.as_str(),
                    entry.to.as_deref(),
                    entry.actor.as_str()
                ),
                ("measure", Some(measure.as_str()), "crash-test"),
                "acknowledged write lost: problem {id} version {v}"
            );
        }
    }
    eprintln!(
        "{ROUNDS} kills, {} acknowledged writes, all present; {in_flight_committed} unacknowledged write(s) committed (in total after the last round), in {:.1} s",
        all_acks.len(),
        t0.elapsed().as_secs_f64()
    );
}
