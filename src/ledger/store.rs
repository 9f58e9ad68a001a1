//! The store: scans, problems with their rectification fields, sightings (which scan saw which
//! problem), and the audit trail. Every change is one transaction.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use rusqlite::{params, Connection, OptionalExtension, Row, Transaction, TransactionBehavior};
use serde::Serialize;

use super::time::{format_date, now_rfc3339, parse_date};
use super::workflow::{check_step, Status};
use super::{schema, LedgerError, MAX_TEXT_CHARS, MAX_UNIT_CHARS};

/// One input file of a scan and its SHA-256.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct ScanInput {
    pub path: String,
    pub sha256: String,
}

/// A recorded scan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scan {
    pub id: i64,
    /// RFC 3339, UTC.
    pub at: String,
    pub rules: String,
    pub inputs: Vec<ScanInput>,
    pub findings: i64,
}

/// One finding as the ledger keeps it (built from [`crate::export::findings::FindingRecord`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    pub school_id: String,
    pub school_name: String,
    pub township: Option<String>,
    pub feature_type: String,
    pub feature_id: String,
    pub feature_name: String,
    pub category: String,
    pub rule_id: String,
    pub distance_m: f64,
    /// The feature-side end of the measured line (lon, lat), where the problem is drawn.
    pub point: (f64, f64),
}

impl Observation {
    fn key(&self) -> (&str, &str, &str, &str) {
        (
            &self.school_id,
            &self.feature_type,
            &self.feature_id,
            &self.rule_id,
        )
    }
}

/// What recording a scan did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScanOutcome {
    pub scan: i64,
    /// Problems first seen by this scan.
    pub new: usize,
    /// Problems seen by the previous scan too (or earlier, for reopened ones).
    pub persisting: usize,
    /// Problems of the previous scan not seen now (proposed for verification).
    pub gone: usize,
    /// Verified problems found again and reopened.
    pub reopened: usize,
}

/// A problem (问题隐患清单) with its rectification (整改清单) fields.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Problem {
    pub id: i64,
    pub school_id: String,
    pub school_name: String,
    pub township: Option<String>,
    pub feature_type: String,
    pub feature_id: String,
    pub feature_name: String,
    pub category: String,
    pub rule_id: String,
    pub distance_m: f64,
    pub lon: f64,
    pub lat: f64,
    pub first_scan: i64,
    pub last_scan: i64,
    pub first_seen: String,
    pub last_seen: String,
    pub status: String,
    pub unit: Option<String>,
    pub measure: Option<String>,
    pub deadline: Option<String>,
    pub supervised: bool,
    pub dispute_reason: Option<String>,
    pub closed_at: Option<String>,
    pub version: i64,
    /// Not seen by the latest scan: proposed for verification (never closed automatically).
    pub gone: bool,
    /// Still pending and past its deadline (today, UTC).
    pub overdue: bool,
}

impl Problem {
    pub fn status(&self) -> Status {
        self.status.parse().unwrap_or(Status::Open)
    }
}

/// One audit entry: who changed what, when, from → to, with the note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    pub id: i64,
    pub problem_id: i64,
    pub at: String,
    pub actor: String,
    /// `status`, `unit`, `measure`, `deadline` or `supervised`.
    pub field: String,
    pub from: Option<String>,
    pub to: Option<String>,
    pub note: Option<String>,
}

/// A change to one problem: any of assignment (unit, measure, deadline), escalation and status, applied
/// together or not at all.
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Change {
    pub status: Option<String>,
    pub note: Option<String>,
    pub unit: Option<String>,
    pub measure: Option<String>,
    /// `YYYY-MM-DD`.
    pub deadline: Option<String>,
    pub supervised: Option<bool>,
}

/// Which problems to list.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProblemFilter {
    pub status: Option<Status>,
    pub township: Option<String>,
    pub unit: Option<String>,
    pub feature_type: Option<String>,
    pub overdue: bool,
    pub gone: Option<bool>,
}

/// Problem ids new, persisting and gone between two scans.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diff {
    /// The earlier scan (`None`: before the first scan).
    pub from: Option<i64>,
    pub to: i64,
    pub new: Vec<i64>,
    pub persisting: Vec<i64>,
    pub gone: Vec<i64>,
}

/// Counts for one township or responsible unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SummaryRow {
    pub key: String,
    /// Pending: open, rectifying or disputed.
    pub open: usize,
    pub overdue: usize,
    /// Verified (销号) on or after the phase's start date.
    pub closed: usize,
}

/// The ledger store.
pub struct Ledger {
    conn: Connection,
}

impl std::fmt::Debug for Ledger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ledger").finish_non_exhaustive()
    }
}

const PROBLEM_COLUMNS: &str = "id, school_id, school_name, township, feature_type, feature_id, \
    feature_name, category, rule_id, distance_m, lon, lat, first_scan, last_scan, first_seen, \
    last_seen, status, unit, measure, deadline, supervised, dispute_reason, closed_at, version";

fn problem_row(r: &Row<'_>, latest: i64, today: i64) -> rusqlite::Result<Problem> {
    let status: String = r.get(16)?;
    let deadline: Option<String> = r.get(19)?;
    let last_scan: i64 = r.get(13)?;
    let pending = status
        .parse::<Status>()
        .map(Status::is_pending)
        .unwrap_or(false);
    let overdue = pending
        && deadline
            .as_deref()
            .and_then(parse_date)
            .is_some_and(|d| d < today);
    Ok(Problem {
        id: r.get(0)?,
        school_id: r.get(1)?,
        school_name: r.get(2)?,
        township: r.get(3)?,
        feature_type: r.get(4)?,
        feature_id: r.get(5)?,
        feature_name: r.get(6)?,
        category: r.get(7)?,
        rule_id: r.get(8)?,
        distance_m: r.get(9)?,
        lon: r.get(10)?,
        lat: r.get(11)?,
        first_scan: r.get(12)?,
        last_scan,
        first_seen: r.get(14)?,
        last_seen: r.get(15)?,
        status,
        unit: r.get(17)?,
        measure: r.get(18)?,
        deadline,
        supervised: r.get(20)?,
        dispute_reason: r.get(21)?,
        closed_at: r.get(22)?,
        version: r.get(23)?,
        gone: last_scan < latest,
        overdue,
    })
}

fn text_field(name: &str, v: &Option<String>, max: usize) -> Result<Option<String>, LedgerError> {
    let Some(s) = v else { return Ok(None) };
    let s = s.trim();
    if s.is_empty() {
        return Err(LedgerError::Invalid(format!("{name} is empty")));
    }
    let n = s.chars().count();
    if n > max {
        return Err(LedgerError::Invalid(format!(
            "{name} is {n} characters long; at most {max} are accepted"
        )));
    }
    Ok(Some(s.to_string()))
}

/// Who made a change, when, with which note: shared by the audit entries of one change.
struct Stamp<'a> {
    at: &'a str,
    actor: &'a str,
    note: Option<&'a str>,
}

fn audit(
    tx: &Transaction<'_>,
    problem: i64,
    stamp: &Stamp<'_>,
    field: &str,
    from: Option<&str>,
    to: Option<&str>,
) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO audit (problem_id, at, actor, field, from_value, to_value, note) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![problem, stamp.at, stamp.actor, field, from, to, stamp.note],
    )?;
    Ok(())
}

impl Ledger {
    /// Opens the store at `path`, creating it (and its directory) on first use and migrating its schema.
    pub fn open(path: &Path) -> Result<Ledger, LedgerError> {
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
        Ok(Ledger { conn })
    }

    /// The underlying connection (for checks such as `PRAGMA integrity_check`).
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    /// The latest scan's id (0 when there is none).
    pub fn latest_scan(&self) -> Result<i64, LedgerError> {
        Ok(self
            .conn
            .query_row("SELECT COALESCE(MAX(id), 0) FROM scans", [], |r| r.get(0))?)
    }

    /// Records a scan and its findings: new problems are added, known ones updated (last seen, distance);
    /// verified problems found again are reopened (audited as `scan N`). Problems not found are left as
    /// they are — gone, proposed for verification.
    pub fn record_scan(
        &mut self,
        rules: &str,
        inputs: &[ScanInput],
        observations: &[Observation],
    ) -> Result<ScanOutcome, LedgerError> {
        let at = now_rfc3339();
        // One observation per identity: the nearest.
        let mut unique: BTreeMap<(&str, &str, &str, &str), &Observation> = BTreeMap::new();
        for o in observations {
            unique
                .entry(o.key())
                .and_modify(|e| {
                    if o.distance_m < e.distance_m {
                        *e = o;
                    }
                })
                .or_insert(o);
        }
        // IMMEDIATE: the write lock is taken before anything is read, so a version read here is still
        // current when the change is written, whichever process writes (others wait: busy timeout).
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let previous: i64 =
            tx.query_row("SELECT COALESCE(MAX(id), 0) FROM scans", [], |r| r.get(0))?;
        tx.execute(
            "INSERT INTO scans (at, rules, inputs, findings) VALUES (?1, ?2, ?3, ?4)",
            params![
                at,
                rules,
                serde_json::to_string(inputs).map_err(|e| LedgerError::Invalid(e.to_string()))?,
                unique.len() as i64
            ],
        )?;
        let scan = tx.last_insert_rowid();
        let actor = format!("scan {scan}");
        let mut out = ScanOutcome {
            scan,
            new: 0,
            persisting: 0,
            gone: 0,
            reopened: 0,
        };
        {
            let mut find = tx.prepare(
                "SELECT id, status, version FROM problems WHERE school_id = ?1 AND feature_type = ?2 AND feature_id = ?3 AND rule_id = ?4",
            )?;
            let mut insert = tx.prepare(
                "INSERT INTO problems (school_id, feature_type, feature_id, rule_id, school_name, township, feature_name, category, distance_m, lon, lat, first_scan, last_scan, first_seen, last_seen) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12, ?13, ?13)",
            )?;
            let mut update = tx.prepare(
                "UPDATE problems SET school_name = ?2, township = ?3, feature_name = ?4, category = ?5, distance_m = ?6, lon = ?7, lat = ?8, last_scan = ?9, last_seen = ?10 WHERE id = ?1",
            )?;
            let mut sighting = tx.prepare(
                "INSERT INTO sightings (scan_id, problem_id, distance_m) VALUES (?1, ?2, ?3)",
            )?;
            for o in unique.values() {
                let known: Option<(i64, String)> = find
                    .query_row(
                        params![o.school_id, o.feature_type, o.feature_id, o.rule_id],
                        |r| Ok((r.get(0)?, r.get(1)?)),
                    )
                    .optional()?;
                let id = match known {
                    None => {
                        insert.execute(params![
                            o.school_id,
                            o.feature_type,
                            o.feature_id,
                            o.rule_id,
                            o.school_name,
                            o.township,
                            o.feature_name,
                            o.category,
                            o.distance_m,
                            o.point.0,
                            o.point.1,
                            scan,
                            at
                        ])?;
                        out.new += 1;
                        tx.last_insert_rowid()
                    }
                    Some((id, status)) => {
                        update.execute(params![
                            id,
                            o.school_name,
                            o.township,
                            o.feature_name,
                            o.category,
                            o.distance_m,
                            o.point.0,
                            o.point.1,
                            scan,
                            at
                        ])?;
                        out.persisting += 1;
                        if status == Status::Verified.as_str() {
                            tx.execute(
                                "UPDATE problems SET status = 'open', closed_at = NULL, version = version + 1 WHERE id = ?1",
                                [id],
                            )?;
                            let stamp = Stamp {
                                at: &at,
                                actor: &actor,
                                note: Some("found again by a scan after it was verified"),
                            };
                            audit(&tx, id, &stamp, "status", Some("verified"), Some("open"))?;
                            out.reopened += 1;
                        }
                        id
                    }
                };
                sighting.execute(params![scan, id, o.distance_m])?;
            }
            out.gone = tx.query_row(
                "SELECT COUNT(*) FROM sightings WHERE scan_id = ?1 AND problem_id NOT IN (SELECT problem_id FROM sightings WHERE scan_id = ?2)",
                params![previous, scan],
                |r| r.get::<_, i64>(0),
            )? as usize;
        }
        tx.commit()?;
        Ok(out)
    }

    /// Every scan, oldest first.
    pub fn scans(&self) -> Result<Vec<Scan>, LedgerError> {
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

    /// Problems matching `filter`, by id; `today` (a day number) decides what is overdue.
    pub fn problems(
        &self,
        filter: &ProblemFilter,
        today: i64,
    ) -> Result<Vec<Problem>, LedgerError> {
        let latest = self.latest_scan()?;
        let mut st = self.conn.prepare(&format!(
            "SELECT {PROBLEM_COLUMNS} FROM problems ORDER BY id"
        ))?;
        let rows = st.query_map([], |r| problem_row(r, latest, today))?;
        let mut out = Vec::new();
        for p in rows {
            let p = p?;
            let keep = filter.status.is_none_or(|s| p.status == s.as_str())
                && filter
                    .township
                    .as_deref()
                    .is_none_or(|t| p.township.as_deref() == Some(t))
                && filter
                    .unit
                    .as_deref()
                    .is_none_or(|u| p.unit.as_deref() == Some(u))
                && filter
                    .feature_type
                    .as_deref()
                    .is_none_or(|f| p.feature_type == f)
                && (!filter.overdue || p.overdue)
                && filter.gone.is_none_or(|g| p.gone == g);
            if keep {
                out.push(p);
            }
        }
        Ok(out)
    }

    /// One problem.
    pub fn problem(&self, id: i64, today: i64) -> Result<Problem, LedgerError> {
        let latest = self.latest_scan()?;
        self.conn
            .query_row(
                &format!("SELECT {PROBLEM_COLUMNS} FROM problems WHERE id = ?1"),
                [id],
                |r| problem_row(r, latest, today),
            )
            .optional()?
            .ok_or(LedgerError::NotFound(id))
    }

    /// A problem's audit trail, oldest first.
    pub fn audit(&self, id: i64) -> Result<Vec<AuditEntry>, LedgerError> {
        self.audit_where("WHERE problem_id = ?1", id)
    }

    /// The whole audit trail, oldest first.
    pub fn audit_all(&self) -> Result<Vec<AuditEntry>, LedgerError> {
        self.audit_where("WHERE ?1 = ?1", 0)
    }

    fn audit_where(&self, cond: &str, id: i64) -> Result<Vec<AuditEntry>, LedgerError> {
        let mut st = self.conn.prepare(&format!(
            "SELECT id, problem_id, at, actor, field, from_value, to_value, note FROM audit {cond} ORDER BY id"
        ))?;
        let rows = st.query_map([id], |r| {
            Ok(AuditEntry {
                id: r.get(0)?,
                problem_id: r.get(1)?,
                at: r.get(2)?,
                actor: r.get(3)?,
                field: r.get(4)?,
                from: r.get(5)?,
                to: r.get(6)?,
                note: r.get(7)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Applies a change to problem `id` as `actor`, in one transaction with one audit entry per changed
    /// field. With `expected_version`, a problem changed meanwhile is a [`LedgerError::VersionConflict`].
    /// Everything is validated first: on any error nothing is written.
    pub fn change(
        &mut self,
        id: i64,
        expected_version: Option<i64>,
        change: &Change,
        actor: &str,
    ) -> Result<Problem, LedgerError> {
        let status = change
            .status
            .as_deref()
            .map(|s| s.parse::<Status>())
            .transpose()
            .map_err(|e| LedgerError::Invalid(e.to_string()))?;
        let note = text_field("note", &change.note, MAX_TEXT_CHARS)?;
        let unit = text_field("unit", &change.unit, MAX_UNIT_CHARS)?;
        let measure = text_field("measure", &change.measure, MAX_TEXT_CHARS)?;
        let deadline = match change.deadline.as_deref() {
            None => None,
            Some(d) => Some(parse_date(d.trim()).map(format_date).ok_or_else(|| {
                LedgerError::Invalid(format!("deadline '{d}' is not a date written YYYY-MM-DD"))
            })?),
        };
        if status.is_none()
            && unit.is_none()
            && measure.is_none()
            && deadline.is_none()
            && change.supervised.is_none()
        {
            return Err(LedgerError::Invalid(
                "nothing to change: give status, unit, measure, deadline or supervised".into(),
            ));
        }
        if actor.trim().is_empty() {
            return Err(LedgerError::Invalid("the actor's name is empty".into()));
        }
        let today = super::time::today();
        // IMMEDIATE: the write lock is taken before anything is read, so a version read here is still
        // current when the change is written, whichever process writes (others wait: busy timeout).
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let latest: i64 =
            tx.query_row("SELECT COALESCE(MAX(id), 0) FROM scans", [], |r| r.get(0))?;
        let current = tx
            .query_row(
                &format!("SELECT {PROBLEM_COLUMNS} FROM problems WHERE id = ?1"),
                [id],
                |r| problem_row(r, latest, today),
            )
            .optional()?
            .ok_or(LedgerError::NotFound(id))?;
        if let Some(expected) = expected_version {
            if expected != current.version {
                return Err(LedgerError::VersionConflict {
                    id,
                    expected,
                    current: current.version,
                });
            }
        }
        let from_status = current.status();
        let has_unit = unit.is_some() || current.unit.is_some();
        if let Some(to) = status {
            check_step(from_status, to, note.as_deref(), has_unit)?;
        }
        let at = now_rfc3339();
        let note_ref = note.as_deref();
        let stamp = Stamp {
            at: &at,
            actor,
            note: note_ref,
        };
        let mut changed = false;
        let fields: [(&str, Option<String>, Option<String>); 3] = [
            ("unit", current.unit.clone(), unit),
            ("measure", current.measure.clone(), measure),
            ("deadline", current.deadline.clone(), deadline),
        ];
        for (field, old, new) in fields {
            let Some(new) = new else { continue };
            if old.as_deref() == Some(new.as_str()) {
                continue;
            }
            tx.execute(
                &format!("UPDATE problems SET {field} = ?2 WHERE id = ?1"),
                params![id, new],
            )?;
            audit(&tx, id, &stamp, field, old.as_deref(), Some(&new))?;
            changed = true;
        }
        if let Some(s) = change.supervised.filter(|&s| s != current.supervised) {
            tx.execute(
                "UPDATE problems SET supervised = ?2 WHERE id = ?1",
                params![id, s],
            )?;
            audit(
                &tx,
                id,
                &stamp,
                "supervised",
                Some(if current.supervised { "true" } else { "false" }),
                Some(if s { "true" } else { "false" }),
            )?;
            changed = true;
        }
        if let Some(to) = status {
            let reason = (to == Status::Disputed).then_some(note_ref).flatten();
            let closed = (to == Status::Verified).then(|| at.clone());
            tx.execute(
                "UPDATE problems SET status = ?2, dispute_reason = COALESCE(?3, dispute_reason), closed_at = ?4 WHERE id = ?1",
                params![id, to.as_str(), reason, closed],
            )?;
            audit(
                &tx,
                id,
                &stamp,
                "status",
                Some(from_status.as_str()),
                Some(to.as_str()),
            )?;
            changed = true;
        }
        if changed {
            tx.execute(
                "UPDATE problems SET version = version + 1 WHERE id = ?1",
                [id],
            )?;
        }
        let after = tx.query_row(
            &format!("SELECT {PROBLEM_COLUMNS} FROM problems WHERE id = ?1"),
            [id],
            |r| problem_row(r, latest, today),
        )?;
        tx.commit()?;
        Ok(after)
    }

    fn sightings(&self, scan: i64) -> Result<BTreeSet<i64>, LedgerError> {
        let mut st = self
            .conn
            .prepare("SELECT problem_id FROM sightings WHERE scan_id = ?1")?;
        let rows = st.query_map([scan], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn check_scan(&self, scan: i64) -> Result<(), LedgerError> {
        let n: i64 =
            self.conn
                .query_row("SELECT COUNT(*) FROM scans WHERE id = ?1", [scan], |r| {
                    r.get(0)
                })?;
        if n == 0 {
            return Err(LedgerError::ScanNotFound(scan));
        }
        Ok(())
    }

    /// Problems new, persisting and gone from scan `from` to scan `to`. Defaults: `to` the latest scan,
    /// `from` the scan before `to` (none before the first scan: everything is new).
    pub fn diff(&self, from: Option<i64>, to: Option<i64>) -> Result<Diff, LedgerError> {
        let to = match to {
            Some(t) => t,
            None => match self.latest_scan()? {
                0 => return Err(LedgerError::Invalid("the ledger has no scan yet".into())),
                t => t,
            },
        };
        self.check_scan(to)?;
        let from = match from {
            Some(f) => {
                self.check_scan(f)?;
                Some(f)
            }
            None => self
                .conn
                .query_row("SELECT MAX(id) FROM scans WHERE id < ?1", [to], |r| {
                    r.get::<_, Option<i64>>(0)
                })?,
        };
        let a = match from {
            Some(f) => self.sightings(f)?,
            None => BTreeSet::new(),
        };
        let b = self.sightings(to)?;
        Ok(Diff {
            from,
            to,
            new: b.difference(&a).copied().collect(),
            persisting: b.intersection(&a).copied().collect(),
            gone: a.difference(&b).copied().collect(),
        })
    }

    /// Counts per township and per responsible unit: pending, overdue, and verified on or after `since`
    /// (`YYYY-MM-DD`; `None`: ever).
    pub fn summary(
        &self,
        today: i64,
        since: Option<&str>,
    ) -> Result<(Vec<SummaryRow>, Vec<SummaryRow>), LedgerError> {
        let all = self.problems(&ProblemFilter::default(), today)?;
        let mut by_town: HashMap<String, SummaryRow> = HashMap::new();
        let mut by_unit: HashMap<String, SummaryRow> = HashMap::new();
        for p in &all {
            let closed = p.status() == Status::Verified
                && since.is_none_or(|s| p.closed_at.as_deref().is_some_and(|c| c >= s));
            for (map, key) in [
                (
                    &mut by_town,
                    p.township.clone().unwrap_or_else(|| "-".into()),
                ),
                (
                    &mut by_unit,
                    p.unit.clone().unwrap_or_else(|| "(unassigned)".into()),
                ),
            ] {
                let row = map.entry(key.clone()).or_insert(SummaryRow {
                    key,
                    open: 0,
                    overdue: 0,
                    closed: 0,
                });
                row.open += usize::from(p.status().is_pending());
                row.overdue += usize::from(p.overdue);
                row.closed += usize::from(closed);
            }
        }
        let sorted = |m: HashMap<String, SummaryRow>| {
            let mut v: Vec<SummaryRow> = m.into_values().collect();
            v.sort_by(|a, b| a.key.cmp(&b.key));
            v
        };
        Ok((sorted(by_town), sorted(by_unit)))
    }
}
