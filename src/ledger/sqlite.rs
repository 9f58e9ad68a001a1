//! The SQLite backend: one file, WAL, `synchronous = FULL` (see [`super::schema`]). Writers take the
//! write lock before reading (`BEGIN IMMEDIATE`), so a version read is still current when written.

use std::collections::BTreeSet;
use std::path::Path;

use rusqlite::{
    params, params_from_iter, Connection, OptionalExtension, Row, Statement, ToSql, Transaction,
    TransactionBehavior,
};

use super::backend::{
    audit_from_row, problem_from_row, record_observations, NewAudit, ScanTx, AUDIT_COLUMNS,
};
use super::schema;
use super::store::PROBLEM_COLUMNS;
use super::store::{
    AuditEntry, Edit, NewScan, Observation, Problem, Scan, ScanOutcome, ValidChange,
};
use super::LedgerError;

pub(crate) struct SqliteStore {
    conn: Connection,
}

/// A problem as stored (`gone` and `overdue` are worked out by the caller).
fn problem_row(r: &Row<'_>) -> rusqlite::Result<Problem> {
    Ok(problem_from_row!(r.get))
}

fn audit(tx: &Transaction<'_>, a: NewAudit<'_>) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO audit (problem_id, at, actor, field, from_value, to_value, note) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![a.problem, a.at, a.actor, a.field, a.from, a.to, a.note],
    )?;
    Ok(())
}

/// What an observation sets on its problem, in the order of the insert's and the update's parameters
/// after the identity (or the id): texts, distance, point, scan and time.
fn observed<'a>(o: &'a Observation, scan: &'a i64, at: &'a &'a str) -> [&'a dyn ToSql; 9] {
    [
        &o.school_name,
        &o.township,
        &o.feature_name,
        &o.category,
        &o.distance_m,
        &o.point.0,
        &o.point.1,
        scan,
        at,
    ]
}

/// A scan's transaction with its statements prepared.
struct ScanStatements<'t> {
    tx: &'t Transaction<'t>,
    find: Statement<'t>,
    insert: Statement<'t>,
    update: Statement<'t>,
    sighting: Statement<'t>,
}

impl ScanTx for ScanStatements<'_> {
    type Error = rusqlite::Error;

    fn find(&mut self, o: &Observation) -> rusqlite::Result<Option<(i64, String)>> {
        self.find
            .query_row(
                params![o.school_id, o.feature_type, o.feature_id, o.rule_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
    }

    fn insert(&mut self, o: &Observation, scan: i64, at: &str) -> rusqlite::Result<i64> {
        let key: [&dyn ToSql; 4] = [&o.school_id, &o.feature_type, &o.feature_id, &o.rule_id];
        let values = key.into_iter().chain(observed(o, &scan, &at));
        self.insert.execute(params_from_iter(values))?;
        Ok(self.tx.last_insert_rowid())
    }

    fn update(&mut self, id: i64, o: &Observation, scan: i64, at: &str) -> rusqlite::Result<()> {
        let values = std::iter::once(&id as &dyn ToSql).chain(observed(o, &scan, &at));
        self.update.execute(params_from_iter(values))?;
        Ok(())
    }

    fn reopen(&mut self, id: i64) -> rusqlite::Result<()> {
        self.tx.execute(
            "UPDATE problems SET status = 'open', closed_at = NULL, version = version + 1 WHERE id = ?1",
            [id],
        )?;
        Ok(())
    }

    fn audit(&mut self, a: NewAudit<'_>) -> rusqlite::Result<()> {
        audit(self.tx, a)
    }

    fn sighting(&mut self, scan: i64, id: i64, distance_m: f64) -> rusqlite::Result<()> {
        self.sighting.execute(params![scan, id, distance_m])?;
        Ok(())
    }
}

impl SqliteStore {
    pub(crate) fn open(path: &Path) -> Result<SqliteStore, LedgerError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| LedgerError::CreateDir {
                path: path.display().to_string(),
                source,
            })?;
        }
        let mut conn = Connection::open(path).map_err(|source| LedgerError::Open {
            path: path.display().to_string(),
            source,
        })?;
        schema::prepare(&mut conn).map_err(|e| match e {
            LedgerError::Sqlite(source) => LedgerError::Open {
                path: path.display().to_string(),
                source,
            },
            e => e,
        })?;
        Ok(SqliteStore { conn })
    }

    pub(crate) fn connection(&self) -> &Connection {
        &self.conn
    }

    pub(crate) fn execute_sql(&mut self, sql: &str) -> Result<u64, LedgerError> {
        Ok(self.conn.execute(sql, [])? as u64)
    }

    pub(crate) fn schema_version(&self) -> Result<i64, LedgerError> {
        Ok(self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))?)
    }

    pub(crate) fn latest_scan(&self) -> Result<i64, LedgerError> {
        Ok(self
            .conn
            .query_row("SELECT COALESCE(MAX(id), 0) FROM scans", [], |r| r.get(0))?)
    }

    pub(crate) fn record_scan(&mut self, s: &NewScan<'_>) -> Result<ScanOutcome, LedgerError> {
        let at = &s.at;
        // IMMEDIATE: the write lock is taken before anything is read, so a version read here is still
        // current when the change is written, whichever process writes (others wait: busy timeout).
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let previous: i64 =
            tx.query_row("SELECT COALESCE(MAX(id), 0) FROM scans", [], |r| r.get(0))?;
        tx.execute(
            "INSERT INTO scans (at, rules, inputs, findings) VALUES (?1, ?2, ?3, ?4)",
            params![at, s.rules, s.inputs_json, s.observations.len() as i64],
        )?;
        let scan = tx.last_insert_rowid();
        // The statements borrow the transaction: they are dropped before it commits.
        let mut out = {
            let mut st = ScanStatements {
                tx: &tx,
                find: tx.prepare(
                    "SELECT id, status FROM problems WHERE school_id = ?1 AND feature_type = ?2 AND feature_id = ?3 AND rule_id = ?4",
                )?,
                insert: tx.prepare(
                    "INSERT INTO problems (school_id, feature_type, feature_id, rule_id, school_name, township, feature_name, category, distance_m, lon, lat, first_scan, last_scan, first_seen, last_seen) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12, ?13, ?13)",
                )?,
                update: tx.prepare(
                    "UPDATE problems SET school_name = ?2, township = ?3, feature_name = ?4, category = ?5, distance_m = ?6, lon = ?7, lat = ?8, last_scan = ?9, last_seen = ?10 WHERE id = ?1",
                )?,
                sighting: tx.prepare(
                    "INSERT INTO sightings (scan_id, problem_id, distance_m) VALUES (?1, ?2, ?3)",
                )?,
            };
            record_observations(&mut st, scan, at, &s.observations)?
        };
        out.gone = tx.query_row(
            "SELECT COUNT(*) FROM sightings WHERE scan_id = ?1 AND problem_id NOT IN (SELECT problem_id FROM sightings WHERE scan_id = ?2)",
            params![previous, scan],
            |r| r.get::<_, i64>(0),
        )? as usize;
        tx.commit()?;
        Ok(out)
    }

    pub(crate) fn scans(&self) -> Result<Vec<Scan>, LedgerError> {
        let mut st = self
            .conn
            .prepare("SELECT id, at, rules, inputs, findings FROM scans ORDER BY id")?;
        let rows = st.query_map([], |r| {
            let inputs: String = r.get(3)?;
            Ok(Scan {
                id: r.get(0)?,
                at: r.get(1)?,
                rules: r.get(2)?,
                inputs: serde_json::from_str(&inputs).unwrap_or_default(),
                findings: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub(crate) fn problems(&self) -> Result<Vec<Problem>, LedgerError> {
        let mut st = self.conn.prepare(&format!(
            "SELECT {PROBLEM_COLUMNS} FROM problems ORDER BY id"
        ))?;
        let rows = st.query_map([], problem_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub(crate) fn problem(&self, id: i64) -> Result<Option<Problem>, LedgerError> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT {PROBLEM_COLUMNS} FROM problems WHERE id = ?1"),
                [id],
                problem_row,
            )
            .optional()?)
    }

    pub(crate) fn audit(&self, id: Option<i64>) -> Result<Vec<AuditEntry>, LedgerError> {
        let cond = if id.is_some() {
            "WHERE problem_id = ?1"
        } else {
            "WHERE ?1 = ?1"
        };
        let mut st = self.conn.prepare(&format!(
            "SELECT {AUDIT_COLUMNS} FROM audit {cond} ORDER BY id"
        ))?;
        let rows = st.query_map([id.unwrap_or(0)], |r| Ok(audit_from_row!(r.get)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Applies a checked change; returns the problem after it and the latest scan.
    pub(crate) fn change(
        &mut self,
        id: i64,
        v: &ValidChange,
    ) -> Result<(Problem, i64), LedgerError> {
        // IMMEDIATE: the write lock is taken before anything is read, so a version read here is still
        // current when the change is written, whichever process writes (others wait: busy timeout).
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let latest: i64 =
            tx.query_row("SELECT COALESCE(MAX(id), 0) FROM scans", [], |r| r.get(0))?;
        let select = format!("SELECT {PROBLEM_COLUMNS} FROM problems WHERE id = ?1");
        let current = tx
            .query_row(&select, [id], problem_row)
            .optional()?
            .ok_or(LedgerError::NotFound(id))?;
        let e: Edit = v.edit(&current)?;
        if !e.audits.is_empty() {
            let (status, reason, closed) = e.status_columns();
            tx.execute(
                "UPDATE problems SET unit = COALESCE(?2, unit), measure = COALESCE(?3, measure), \
                 deadline = COALESCE(?4, deadline), supervised = COALESCE(?5, supervised), \
                 status = COALESCE(?6, status), dispute_reason = COALESCE(?7, dispute_reason), \
                 closed_at = CASE WHEN ?6 IS NULL THEN closed_at ELSE ?8 END, version = version + 1 \
                 WHERE id = ?1",
                params![id, e.unit, e.measure, e.deadline, e.supervised, status, reason, closed],
            )?;
            for a in e.audit_entries(id, v) {
                audit(&tx, a)?;
            }
        }
        let after = tx.query_row(&select, [id], problem_row)?;
        tx.commit()?;
        Ok((after, latest))
    }

    pub(crate) fn sightings(&self, scan: i64) -> Result<BTreeSet<i64>, LedgerError> {
        let mut st = self
            .conn
            .prepare("SELECT problem_id FROM sightings WHERE scan_id = ?1")?;
        let rows = st.query_map([scan], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub(crate) fn scan_exists(&self, scan: i64) -> Result<bool, LedgerError> {
        let n: i64 =
            self.conn
                .query_row("SELECT COUNT(*) FROM scans WHERE id = ?1", [scan], |r| {
                    r.get(0)
                })?;
        Ok(n > 0)
    }

    pub(crate) fn scan_before(&self, to: i64) -> Result<Option<i64>, LedgerError> {
        Ok(self
            .conn
            .query_row("SELECT MAX(id) FROM scans WHERE id < ?1", [to], |r| {
                r.get(0)
            })?)
    }
}
