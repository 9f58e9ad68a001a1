//! What the two backends (SQLite, PostgreSQL) share: how a scan's observations become problems,
//! sightings and audit entries, and how rows are read into [`Problem`] and [`AuditEntry`]. Each backend
//! keeps its own SQL (placeholders, `RETURNING`, locking); the decisions are made here once.

use super::store::{Edit, Observation, ScanOutcome, ValidChange};
use super::workflow::Status;

/// One audit entry to append.
#[derive(Debug, Clone, Copy)]
pub(crate) struct NewAudit<'a> {
    pub problem: i64,
    pub at: &'a str,
    pub actor: &'a str,
    pub note: Option<&'a str>,
    pub field: &'a str,
    pub from: Option<&'a str>,
    pub to: Option<&'a str>,
}

impl Edit {
    /// The status, dispute reason and closing time to write (all `None` when the status stays).
    pub(crate) fn status_columns(&self) -> (Option<&str>, Option<&str>, Option<&str>) {
        match &self.status {
            Some((s, reason, closed)) => (Some(s.as_str()), reason.as_deref(), closed.as_deref()),
            None => (None, None, None),
        }
    }

    /// The audit entries of this edit of problem `id`, by `v`'s actor with `v`'s note.
    pub(crate) fn audit_entries<'a>(
        &'a self,
        id: i64,
        v: &'a ValidChange,
    ) -> impl Iterator<Item = NewAudit<'a>> + 'a {
        self.audits.iter().map(move |(field, from, to)| NewAudit {
            problem: id,
            at: &self.at,
            actor: &v.actor,
            note: v.note.as_deref(),
            field,
            from: from.as_deref(),
            to: to.as_deref(),
        })
    }
}

/// What recording a scan needs of a backend's open transaction, with its statements prepared.
pub(crate) trait ScanTx {
    type Error;
    /// The id and status of the problem with `o`'s identity (school, feature type, feature, rule).
    fn find(&mut self, o: &Observation) -> Result<Option<(i64, String)>, Self::Error>;
    /// A new problem first and last seen by `scan` at `at`; its id.
    fn insert(&mut self, o: &Observation, scan: i64, at: &str) -> Result<i64, Self::Error>;
    /// Problem `id` seen again: its texts, distance and point as observed, last seen by `scan` at `at`.
    fn update(&mut self, id: i64, o: &Observation, scan: i64, at: &str) -> Result<(), Self::Error>;
    /// Problem `id` back to `open` (closing time cleared, version raised).
    fn reopen(&mut self, id: i64) -> Result<(), Self::Error>;
    fn audit(&mut self, a: NewAudit<'_>) -> Result<(), Self::Error>;
    /// Problem `id` seen by `scan` at `distance_m`.
    fn sighting(&mut self, scan: i64, id: i64, distance_m: f64) -> Result<(), Self::Error>;
}

/// Records scan `scan`'s observations: a problem per new identity, the known ones updated, verified
/// ones found again reopened (with an audit entry), and a sighting each. The counts of what it did
/// (`gone` is left at 0 for the caller, who knows the previous scan).
pub(crate) fn record_observations<T: ScanTx>(
    tx: &mut T,
    scan: i64,
    at: &str,
    observations: &[&Observation],
) -> Result<ScanOutcome, T::Error> {
    let mut out = ScanOutcome {
        scan,
        new: 0,
        persisting: 0,
        gone: 0,
        reopened: 0,
    };
    let actor = format!("scan {scan}");
    for &o in observations {
        let id = match tx.find(o)? {
            None => {
                out.new += 1;
                tx.insert(o, scan, at)?
            }
            Some((id, status)) => {
                tx.update(id, o, scan, at)?;
                out.persisting += 1;
                if status == Status::Verified.as_str() {
                    tx.reopen(id)?;
                    tx.audit(NewAudit {
                        problem: id,
                        at,
                        actor: &actor,
                        note: Some("found again by a scan after it was verified"),
                        field: "status",
                        from: Some(Status::Verified.as_str()),
                        to: Some(Status::Open.as_str()),
                    })?;
                    out.reopened += 1;
                }
                id
            }
        };
        tx.sighting(scan, id, o.distance_m)?;
    }
    Ok(out)
}

/// A [`super::store::Problem`] from a row of [`super::store::PROBLEM_COLUMNS`]: `$r.$get(i)?` reads
/// column `i` (`get` in rusqlite, `try_get` in postgres). `gone` and `overdue` are the caller's.
macro_rules! problem_from_row {
    ($r:ident . $get:ident) => {
        super::store::Problem {
            id: $r.$get(0)?,
            school_id: $r.$get(1)?,
            school_name: $r.$get(2)?,
            township: $r.$get(3)?,
            feature_type: $r.$get(4)?,
            feature_id: $r.$get(5)?,
            feature_name: $r.$get(6)?,
            category: $r.$get(7)?,
            rule_id: $r.$get(8)?,
            distance_m: $r.$get(9)?,
            lon: $r.$get(10)?,
            lat: $r.$get(11)?,
            first_scan: $r.$get(12)?,
            last_scan: $r.$get(13)?,
            first_seen: $r.$get(14)?,
            last_seen: $r.$get(15)?,
            status: $r.$get(16)?,
            unit: $r.$get(17)?,
            measure: $r.$get(18)?,
            deadline: $r.$get(19)?,
            supervised: $r.$get(20)?,
            dispute_reason: $r.$get(21)?,
            closed_at: $r.$get(22)?,
            version: $r.$get(23)?,
            gone: false,
            overdue: false,
        }
    };
}
pub(crate) use problem_from_row;

/// The audit columns in the order [`super::store::AuditEntry`] is read from a row.
pub(crate) const AUDIT_COLUMNS: &str =
    "id, problem_id, at, actor, field, from_value, to_value, note";

/// An [`super::store::AuditEntry`] from a row of [`AUDIT_COLUMNS`] (see [`problem_from_row`]).
macro_rules! audit_from_row {
    ($r:ident . $get:ident) => {
        super::store::AuditEntry {
            id: $r.$get(0)?,
            problem_id: $r.$get(1)?,
            at: $r.$get(2)?,
            actor: $r.$get(3)?,
            field: $r.$get(4)?,
            from: $r.$get(5)?,
            to: $r.$get(6)?,
            note: $r.$get(7)?,
        }
    };
}
pub(crate) use audit_from_row;

#[cfg(test)]
mod tests {
    use super::*;

    /// A transaction kept in memory: what [`record_observations`] asked for, in order.
    #[derive(Default)]
    struct Recorder {
        /// (identity key, id, status) of the stored problems.
        known: Vec<(String, i64, String)>,
        calls: Vec<String>,
    }

    fn key(o: &Observation) -> String {
        format!("{:?}", o.key())
    }

    impl ScanTx for Recorder {
        type Error = ();
        fn find(&mut self, o: &Observation) -> Result<Option<(i64, String)>, ()> {
            let k = key(o);
            Ok(self
                .known
                .iter()
                .find(|(kk, _, _)| *kk == k)
                .map(|(_, id, s)| (*id, s.clone())))
        }
        fn insert(&mut self, o: &Observation, scan: i64, at: &str) -> Result<i64, ()> {
            let id = 100 + self.known.len() as i64;
            self.known.push((key(o), id, "open".into()));
            self.calls
                .push(format!("insert {id} {} {scan} {at}", o.feature_id));
            Ok(id)
        }
        fn update(&mut self, id: i64, o: &Observation, scan: i64, at: &str) -> Result<(), ()> {
            self.calls.push(format!(
                "update {id} {} {} {scan} {at}",
                o.feature_id, o.distance_m
            ));
            Ok(())
        }
        fn reopen(&mut self, id: i64) -> Result<(), ()> {
            self.calls.push(format!("reopen {id}"));
            Ok(())
        }
        fn audit(&mut self, a: NewAudit<'_>) -> Result<(), ()> {
            self.calls.push(format!(
                "audit {} {} {} {:?} {} {:?} {:?}",
                a.problem, a.at, a.actor, a.note, a.field, a.from, a.to
            ));
            Ok(())
        }
        fn sighting(&mut self, scan: i64, id: i64, distance_m: f64) -> Result<(), ()> {
            self.calls
                .push(format!("sighting {scan} {id} {distance_m}"));
            Ok(())
        }
    }

    fn observation(feature: &str, distance_m: f64) -> Observation {
        Observation {
            school_id: "S1".into(),
            school_name: "第一小学".into(),
            township: None,
            feature_type: "venue".into(),
            feature_id: feature.into(),
            feature_name: "网吧".into(),
            category: "internet_cafe".into(),
            rule_id: "r1".into(),
            distance_m,
            point: (112.0, 33.0),
        }
    }

    /// A new identity is inserted, a known one updated, a verified one updated, reopened and audited;
    /// every observation gets one sighting, in input order; the counts say so.
    #[test]
    fn observations_become_problems_sightings_and_reopenings() {
        let mut tx = Recorder {
            known: vec![
                (key(&observation("V2", 0.0)), 7, "rectifying".into()),
                (key(&observation("V3", 0.0)), 8, "verified".into()),
            ],
            calls: Vec::new(),
        };
        let obs = [
            observation("V1", 12.5),
            observation("V2", 40.0),
            observation("V3", 199.99),
        ];
        let refs: Vec<&Observation> = obs.iter().collect();
        let out = record_observations(&mut tx, 5, "2026-11-30T08:00:00Z", &refs).unwrap();
        let at = "2026-11-30T08:00:00Z";
        assert_eq!(
            tx.calls,
            [
                format!("insert 102 V1 5 {at}"),
                "sighting 5 102 12.5".to_string(),
                format!("update 7 V2 40 5 {at}"),
                "sighting 5 7 40".to_string(),
                format!("update 8 V3 199.99 5 {at}"),
                "reopen 8".to_string(),
                format!(
                    "audit 8 {at} scan 5 Some(\"found again by a scan after it was verified\") \
                     status Some(\"verified\") Some(\"open\")"
                ),
                "sighting 5 8 199.99".to_string(),
            ]
        );
        assert_eq!(
            (out.new, out.persisting, out.reopened, out.gone),
            (1, 2, 1, 0)
        );
    }
}
