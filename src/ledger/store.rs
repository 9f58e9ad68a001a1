//! The store: scans, problems with their rectification fields, sightings (which scan saw which
//! problem), and the audit trail. Every change is one transaction.
//!
//! [`Ledger`] holds one of two backends — an SQLite file (`ledger/sqlite.rs`) or a PostgreSQL database
//! ([`super::postgres`]) — which do the storing; validation, the workflow's checks, filters, diffs and
//! summaries are shared here, so both behave the same.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use serde::Serialize;

use super::postgres::{self as pg, PgStore};
use super::sqlite::SqliteStore;
use super::time::{format_date, now_rfc3339, parse_date};
use super::workflow::{check_step, Status};
use super::{LedgerError, MAX_TEXT_CHARS, MAX_UNIT_CHARS};

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
    pub(crate) fn key(&self) -> (&str, &str, &str, &str) {
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
    backend: Backend,
}

enum Backend {
    Sqlite(SqliteStore),
    Postgres(Box<PgStore>),
}

impl std::fmt::Debug for Ledger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ledger").finish_non_exhaustive()
    }
}

/// The problem columns in the order [`Problem`] is read from a row, the same in both backends.
pub(crate) const PROBLEM_COLUMNS: &str = "id, school_id, school_name, township, feature_type, \
    feature_id, feature_name, category, rule_id, distance_m, lon, lat, first_scan, last_scan, \
    first_seen, last_seen, status, unit, measure, deadline, supervised, dispute_reason, closed_at, \
    version";

/// Whether a problem is gone and overdue, from its stored fields.
pub(crate) fn finish_problem(mut p: Problem, latest: i64, today: i64) -> Problem {
    let pending = p
        .status
        .parse::<Status>()
        .map(Status::is_pending)
        .unwrap_or(false);
    p.overdue = pending
        && p.deadline
            .as_deref()
            .and_then(parse_date)
            .is_some_and(|d| d < today);
    p.gone = p.last_scan < latest;
    p
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

/// A [`Change`] checked and normalised, before it meets the stored problem.
#[derive(Debug, Clone)]
pub(crate) struct ValidChange {
    pub status: Option<Status>,
    pub note: Option<String>,
    pub unit: Option<String>,
    pub measure: Option<String>,
    pub deadline: Option<String>,
    pub supervised: Option<bool>,
    pub actor: String,
    pub expected_version: Option<i64>,
}

/// What a change does to one stored problem: the new values (`None`: unchanged) and one audit entry per
/// changed field, in the order they are written. Empty `audits`: nothing changes (the version stays).
#[derive(Debug, Clone, Default)]
pub(crate) struct Edit {
    pub unit: Option<String>,
    pub measure: Option<String>,
    pub deadline: Option<String>,
    pub supervised: Option<bool>,
    /// The new status, with the dispute reason to keep (`None`: the old one) and `closed_at`.
    pub status: Option<(Status, Option<String>, Option<String>)>,
    pub at: String,
    pub audits: Vec<(&'static str, Option<String>, Option<String>)>,
}

impl ValidChange {
    /// Checks the version and the workflow step against the problem as stored (read under the write
    /// lock) and works out the edit.
    pub(crate) fn edit(&self, current: &Problem) -> Result<Edit, LedgerError> {
        if let Some(expected) = self.expected_version {
            if expected != current.version {
                return Err(LedgerError::VersionConflict {
                    id: current.id,
                    expected,
                    current: current.version,
                });
            }
        }
        let from_status = current.status();
        let has_unit = self.unit.is_some() || current.unit.is_some();
        if let Some(to) = self.status {
            check_step(from_status, to, self.note.as_deref(), has_unit)?;
        }
        let at = now_rfc3339();
        let mut e = Edit {
            at: at.clone(),
            ..Edit::default()
        };
        let fields = [
            ("unit", &current.unit, &self.unit, &mut e.unit),
            ("measure", &current.measure, &self.measure, &mut e.measure),
            (
                "deadline",
                &current.deadline,
                &self.deadline,
                &mut e.deadline,
            ),
        ];
        for (field, old, new, slot) in fields {
            let Some(new) = new else { continue };
            if old.as_deref() == Some(new.as_str()) {
                continue;
            }
            *slot = Some(new.clone());
            e.audits.push((field, old.clone(), Some(new.clone())));
        }
        if let Some(s) = self.supervised.filter(|&s| s != current.supervised) {
            e.supervised = Some(s);
            e.audits.push((
                "supervised",
                Some(current.supervised.to_string()),
                Some(s.to_string()),
            ));
        }
        if let Some(to) = self.status {
            let reason = (to == Status::Disputed)
                .then(|| self.note.clone())
                .flatten();
            let closed = (to == Status::Verified).then(|| at.clone());
            e.status = Some((to, reason, closed));
            e.audits.push((
                "status",
                Some(from_status.as_str().to_string()),
                Some(to.as_str().to_string()),
            ));
        }
        Ok(e)
    }
}

/// A scan to record: its time, rules, inputs (JSON) and one observation per identity (the nearest).
pub(crate) struct NewScan<'a> {
    pub at: String,
    pub rules: &'a str,
    pub inputs_json: String,
    pub observations: Vec<&'a Observation>,
}

impl Ledger {
    /// Opens the store at `path`, creating it (and its directory) on first use and migrating its schema.
    /// A `path` written `postgres://user:pass@host:port/db` (or `postgresql://…`) opens that PostgreSQL
    /// database instead (see [`pg::url_of`]).
    pub fn open(path: &Path) -> Result<Ledger, LedgerError> {
        if let Some(url) = pg::url_of(path) {
            return Ledger::open_postgres(url);
        }
        Ok(Ledger {
            backend: Backend::Sqlite(SqliteStore::open(path)?),
        })
    }

    /// Opens the PostgreSQL database at `url` (no TLS), creating and migrating the ledger's tables.
    pub fn open_postgres(url: &str) -> Result<Ledger, LedgerError> {
        Ok(Ledger {
            backend: Backend::Postgres(Box::new(PgStore::open(url)?)),
        })
    }

    /// The SQLite connection (for checks such as `PRAGMA integrity_check`); `None` on PostgreSQL.
    pub fn connection(&self) -> Option<&rusqlite::Connection> {
        match &self.backend {
            Backend::Sqlite(s) => Some(s.connection()),
            Backend::Postgres(_) => None,
        }
    }

    /// Whether the store is a PostgreSQL database.
    pub fn is_postgres(&self) -> bool {
        matches!(self.backend, Backend::Postgres(_))
    }

    /// Runs one SQL statement directly on the store, returning the rows it changed (maintenance and
    /// checks: the triggers keeping the audit trail append-only refuse it there too).
    pub fn execute_sql(&mut self, sql: &str) -> Result<u64, LedgerError> {
        match &mut self.backend {
            Backend::Sqlite(s) => s.execute_sql(sql),
            Backend::Postgres(p) => p.execute_sql(sql),
        }
    }

    /// The schema version the store is at (`PRAGMA user_version` in SQLite, the `schema_version` row of
    /// `perimeter_meta` in PostgreSQL).
    pub fn schema_version(&self) -> Result<i64, LedgerError> {
        match &self.backend {
            Backend::Sqlite(s) => s.schema_version(),
            Backend::Postgres(p) => p.schema_version(),
        }
    }

    /// The latest scan's id (0 when there is none).
    pub fn latest_scan(&self) -> Result<i64, LedgerError> {
        match &self.backend {
            Backend::Sqlite(s) => s.latest_scan(),
            Backend::Postgres(p) => p.latest_scan(),
        }
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
        let scan = NewScan {
            at: now_rfc3339(),
            rules,
            inputs_json: serde_json::to_string(inputs)
                .map_err(|e| LedgerError::Invalid(e.to_string()))?,
            observations: unique.into_values().collect(),
        };
        match &mut self.backend {
            Backend::Sqlite(s) => s.record_scan(&scan),
            Backend::Postgres(p) => p.record_scan(&scan),
        }
    }

    /// Every scan, oldest first.
    pub fn scans(&self) -> Result<Vec<Scan>, LedgerError> {
        match &self.backend {
            Backend::Sqlite(s) => s.scans(),
            Backend::Postgres(p) => p.scans(),
        }
    }

    /// Problems matching `filter`, by id; `today` (a day number) decides what is overdue.
    pub fn problems(
        &self,
        filter: &ProblemFilter,
        today: i64,
    ) -> Result<Vec<Problem>, LedgerError> {
        let latest = self.latest_scan()?;
        let all = match &self.backend {
            Backend::Sqlite(s) => s.problems()?,
            Backend::Postgres(p) => p.problems()?,
        };
        Ok(all
            .into_iter()
            .map(|p| finish_problem(p, latest, today))
            .filter(|p| {
                filter.status.is_none_or(|s| p.status == s.as_str())
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
                    && filter.gone.is_none_or(|g| p.gone == g)
            })
            .collect())
    }

    /// One problem.
    pub fn problem(&self, id: i64, today: i64) -> Result<Problem, LedgerError> {
        let latest = self.latest_scan()?;
        let p = match &self.backend {
            Backend::Sqlite(s) => s.problem(id)?,
            Backend::Postgres(p) => p.problem(id)?,
        };
        p.map(|p| finish_problem(p, latest, today))
            .ok_or(LedgerError::NotFound(id))
    }

    /// A problem's audit trail, oldest first.
    pub fn audit(&self, id: i64) -> Result<Vec<AuditEntry>, LedgerError> {
        match &self.backend {
            Backend::Sqlite(s) => s.audit(Some(id)),
            Backend::Postgres(p) => p.audit(Some(id)),
        }
    }

    /// The whole audit trail, oldest first.
    pub fn audit_all(&self) -> Result<Vec<AuditEntry>, LedgerError> {
        match &self.backend {
            Backend::Sqlite(s) => s.audit(None),
            Backend::Postgres(p) => p.audit(None),
        }
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
        let valid = ValidChange {
            status,
            note,
            unit,
            measure,
            deadline,
            supervised: change.supervised,
            actor: actor.to_string(),
            expected_version,
        };
        let (p, latest) = match &mut self.backend {
            Backend::Sqlite(s) => s.change(id, &valid)?,
            Backend::Postgres(p) => p.change(id, &valid)?,
        };
        Ok(finish_problem(p, latest, super::time::today()))
    }

    fn sightings(&self, scan: i64) -> Result<BTreeSet<i64>, LedgerError> {
        match &self.backend {
            Backend::Sqlite(s) => s.sightings(scan),
            Backend::Postgres(p) => p.sightings(scan),
        }
    }

    fn check_scan(&self, scan: i64) -> Result<(), LedgerError> {
        let exists = match &self.backend {
            Backend::Sqlite(s) => s.scan_exists(scan)?,
            Backend::Postgres(p) => p.scan_exists(scan)?,
        };
        if !exists {
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
            None => match &self.backend {
                Backend::Sqlite(s) => s.scan_before(to)?,
                Backend::Postgres(p) => p.scan_before(to)?,
            },
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
