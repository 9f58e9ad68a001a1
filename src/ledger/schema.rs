//! The SQLite store's schema and its versioned migrations (`PRAGMA user_version` holds the version reached;
//! the PostgreSQL store's are in [`super::postgres`]).
//!
//! Connections run in WAL mode with `synchronous = FULL`: a transaction is on disk when its commit
//! returns, so an acknowledged write survives the process being killed (and a power cut), and readers
//! never see half a transaction. Foreign keys are enforced; the audit trail refuses updates and deletes
//! by trigger.

use rusqlite::Connection;

use super::LedgerError;

/// Migrations in order: `MIGRATIONS[i]` takes the schema from version `i` to `i + 1`.
pub const MIGRATIONS: &[&str] = &[r#"
CREATE TABLE scans (
    id       INTEGER PRIMARY KEY,
    at       TEXT    NOT NULL,
    rules    TEXT    NOT NULL,
    inputs   TEXT    NOT NULL,          -- JSON: [{"path": …, "sha256": …}]
    findings INTEGER NOT NULL
);
CREATE TABLE problems (
    id             INTEGER PRIMARY KEY,
    school_id      TEXT    NOT NULL,
    feature_type   TEXT    NOT NULL CHECK (feature_type IN ('venue', 'water')),
    feature_id     TEXT    NOT NULL,
    rule_id        TEXT    NOT NULL,
    school_name    TEXT    NOT NULL,
    township       TEXT,
    feature_name   TEXT    NOT NULL,
    category       TEXT    NOT NULL,
    distance_m     REAL    NOT NULL,
    lon            REAL    NOT NULL,
    lat            REAL    NOT NULL,
    first_scan     INTEGER NOT NULL REFERENCES scans(id),
    last_scan      INTEGER NOT NULL REFERENCES scans(id),
    first_seen     TEXT    NOT NULL,
    last_seen      TEXT    NOT NULL,
    status         TEXT    NOT NULL DEFAULT 'open'
                   CHECK (status IN ('open', 'rectifying', 'rectified', 'verified', 'disputed')),
    unit           TEXT,
    measure        TEXT,
    deadline       TEXT,
    supervised     INTEGER NOT NULL DEFAULT 0,
    dispute_reason TEXT,
    closed_at      TEXT,
    version        INTEGER NOT NULL DEFAULT 1,
    UNIQUE (school_id, feature_type, feature_id, rule_id)
);
CREATE TABLE sightings (
    scan_id    INTEGER NOT NULL REFERENCES scans(id),
    problem_id INTEGER NOT NULL REFERENCES problems(id),
    distance_m REAL    NOT NULL,
    PRIMARY KEY (scan_id, problem_id)
) WITHOUT ROWID;
CREATE TABLE audit (
    id         INTEGER PRIMARY KEY,
    problem_id INTEGER NOT NULL REFERENCES problems(id),
    at         TEXT    NOT NULL,
    actor      TEXT    NOT NULL,
    field      TEXT    NOT NULL,
    from_value TEXT,
    to_value   TEXT,
    note       TEXT
);
CREATE INDEX audit_by_problem ON audit(problem_id);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
"#];

/// Sets the connection's pragmas and brings the schema up to date. A store written by a newer version of
/// this program (a higher `user_version`) is refused rather than misread.
pub fn prepare(conn: &mut Connection) -> Result<(), LedgerError> {
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    let found: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    let known = MIGRATIONS.len() as i64;
    if found > known {
        return Err(LedgerError::NewerSchema { found, known });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", i as i64 + 1)?;
        tx.commit()?;
    }
    Ok(())
}
