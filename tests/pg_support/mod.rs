//! A throwaway PostgreSQL cluster for tests: one per test binary, started on first use with the
//! PostgreSQL 15 binaries (`/usr/lib/postgresql/15/bin`, installed by `.ci/setup`), running as the
//! `postgres` system user, trusting local connections as `perimeter`, listening on 127.0.0.1 on a free
//! port. Each test gets a database of its own ([`database`]). The cluster is stopped (`pg_ctl stop -m
//! immediate`) and its directory removed when the test process ends: a watchdog waits for the process's
//! end of its stdin pipe to close. Missing binaries fail the test with a message; they are not skipped.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

const BIN: &str = "/usr/lib/postgresql/15/bin";

pub struct Cluster {
    pub dir: PathBuf,
    pub port: u16,
    /// Closing the watchdog's stdin (dropping it, or the process ending) stops the cluster.
    watchdog: Mutex<Option<Child>>,
}

impl Drop for Cluster {
    fn drop(&mut self) {
        if let Some(mut w) = self.watchdog.lock().unwrap().take() {
            drop(w.stdin.take());
            let _ = w.wait();
        }
    }
}

fn run(what: &str, cmd: &mut Command) {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("{what}: cannot run: {e}"));
    assert!(
        out.status.success(),
        "{what} failed ({:?}):\n{}\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// True when the tests run as root: PostgreSQL refuses to run as root, so its tools then run as the
/// `postgres` user (`runuser`); any other user runs them as itself.
fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

fn as_postgres(tool: &str) -> Command {
    if !is_root() {
        return Command::new(Path::new(BIN).join(tool));
    }
    let mut c = Command::new("runuser");
    c.args(["-u", "postgres", "--"])
        .arg(Path::new(BIN).join(tool));
    c
}

fn start() -> Cluster {
    for tool in ["initdb", "pg_ctl", "postgres"] {
        assert!(
            Path::new(BIN).join(tool).is_file(),
            "PostgreSQL 15 is needed for the ledger's PostgreSQL tests: {BIN}/{tool} is missing \
             (install the `postgresql` package; .ci/setup does)"
        );
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let dir = std::env::temp_dir().join(format!("perimeter-pg-{}-{port}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("cluster directory");
    if is_root() {
        run(
            "chown the cluster directory to postgres",
            Command::new("chown").arg("postgres:postgres").arg(&dir),
        );
    }
    let data = dir.join("data");
    run(
        "initdb",
        as_postgres("initdb").arg("-D").arg(&data).args([
            "-A",
            "trust",
            "-U",
            "perimeter",
            "-E",
            "UTF8",
            "--no-locale",
            "-N",
        ]),
    );
    let opts = format!(
        "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off",
        dir.display()
    );
    run(
        "pg_ctl start",
        as_postgres("pg_ctl")
            .arg("-D")
            .arg(&data)
            .args(["-o", &opts, "-l"])
            .arg(dir.join("log"))
            .args(["-w", "start"]),
    );
    let as_owner = if is_root() {
        "runuser -u postgres -- "
    } else {
        ""
    };
    let script = format!(
        "cat >/dev/null; {as_owner}{BIN}/pg_ctl -D '{}' -m immediate stop >/dev/null 2>&1; rm -rf '{}'",
        data.display(),
        dir.display()
    );
    let watchdog = Command::new("sh")
        .args(["-c", &script])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the cluster's watchdog");
    Cluster {
        dir,
        port,
        watchdog: Mutex::new(Some(watchdog)),
    }
}

/// The test binary's cluster, started on first use.
pub fn cluster() -> &'static Cluster {
    static CLUSTER: OnceLock<Cluster> = OnceLock::new();
    CLUSTER.get_or_init(start)
}

/// The URL of a new, empty database in the cluster (named after `name` and a counter).
pub fn database(name: &str) -> String {
    static N: AtomicUsize = AtomicUsize::new(0);
    let c = cluster();
    let db = format!(
        "{}_{}",
        name.replace(|ch: char| !ch.is_ascii_alphanumeric(), "_"),
        N.fetch_add(1, Ordering::SeqCst)
    );
    let admin = format!("postgres://perimeter@127.0.0.1:{}/postgres", c.port);
    let create = format!("CREATE DATABASE \"{db}\"");
    // On a thread of its own: the client runs its own runtime, which cannot start inside a test's.
    std::thread::spawn(move || {
        let mut client =
            postgres::Client::connect(&admin, postgres::NoTls).expect("connect to the cluster");
        client.batch_execute(&create).expect("create database");
    })
    .join()
    .expect("create a test database");
    format!("postgres://perimeter@127.0.0.1:{}/{db}", c.port)
}
