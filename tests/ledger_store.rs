//! The ledger store through the library: scans and stable identities, the workflow and its refusals,
//! atomic changes, the append-only audit trail, reopening, diffs, overdue lists, summaries, migrations.

use perimeter::ledger::time::parse_date;
use std::path::PathBuf;

use perimeter::ledger::{Change, Ledger, LedgerError, Observation, ProblemFilter, StepError};

mod pg_support;

fn obs(school: &str, kind: &str, feature: &str, rule: &str, d: f64) -> Observation {
    Observation {
        school_id: school.into(),
        school_name: format!("{school} 小学"),
        township: Some(
            if school == "S1" {
                "城关镇"
            } else {
                "云阳镇"
            }
            .into(),
        ),
        feature_type: kind.into(),
        feature_id: feature.into(),
        feature_name: format!("{feature} 场所"),
        category: "ktv".into(),
        rule_id: rule.into(),
        distance_m: d,
        point: (112.5, 33.5),
    }
}

fn day(s: &str) -> i64 {
    parse_date(s).unwrap()
}

fn ch(status: Option<&str>, note: Option<&str>) -> Change {
    Change {
        status: status.map(str::to_string),
        note: note.map(str::to_string),
        ..Change::default()
    }
}

/// Where a test's store is: a file in a directory of its own, or a new PostgreSQL database (see
/// tests/pg_support). The core cases run on both.
enum Store {
    File(tempfile::TempDir),
    Postgres(String),
}

impl Store {
    fn sqlite() -> Store {
        Store::File(tempfile::tempdir().unwrap())
    }

    fn postgres(name: &str) -> Store {
        Store::Postgres(pg_support::database(name))
    }

    /// The location as `--ledger` takes it: a path, or a URL.
    fn location(&self) -> PathBuf {
        match self {
            Store::File(dir) => dir.path().join("sub/ledger.db"),
            Store::Postgres(url) => PathBuf::from(url),
        }
    }

    fn open(&self) -> Ledger {
        let l = Ledger::open(&self.location()).unwrap();
        assert_eq!(l.is_postgres(), matches!(self, Store::Postgres(_)));
        l
    }

    /// SQL making the store look as if a newer program (schema version 7) wrote it.
    fn newer_schema_sql(&self) -> &'static str {
        match self {
            Store::File(_) => "PRAGMA user_version = 7",
            Store::Postgres(_) => {
                "UPDATE perimeter_meta SET value = 7 WHERE key = 'schema_version'"
            }
        }
    }
}

#[test]
fn identities_diffs_and_reopening() {
    let store = Store::sqlite();
    // The file runs in WAL mode with synchronous = FULL.
    let l = store.open();
    let mode: String = l
        .connection()
        .unwrap()
        .pragma_query_value(None, "journal_mode", |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    let sync: i64 = l
        .connection()
        .unwrap()
        .pragma_query_value(None, "synchronous", |r| r.get(0))
        .unwrap();
    assert_eq!(sync, 2, "synchronous = FULL");
    drop(l);
    identities_diffs_and_reopening_on(&store);
}

#[test]
fn identities_diffs_and_reopening_postgres() {
    identities_diffs_and_reopening_on(&Store::postgres("identities"));
}

fn identities_diffs_and_reopening_on(store: &Store) {
    let mut l = store.open();
    let scan1 = vec![
        obs("S1", "venue", "V1", "ktv_200", 120.0),
        obs("S1", "venue", "V2", "ktv_200", 80.0),
        obs("S2", "water", "W1", "pond_200", 30.0),
        // The same identity twice in one scan: one problem, the nearer distance.
        obs("S2", "venue", "V1", "ktv_200", 150.0),
        obs("S2", "venue", "V1", "ktv_200", 140.0),
    ];
    let o = l.record_scan("national", &[], &scan1).unwrap();
    assert_eq!(
        (o.scan, o.new, o.persisting, o.gone, o.reopened),
        (1, 4, 0, 0, 0)
    );
    let all = l
        .problems(&ProblemFilter::default(), day("2026-11-29"))
        .unwrap();
    assert_eq!(all.len(), 4);
    let id_of = |l: &Ledger, s: &str, f: &str| {
        l.problems(&ProblemFilter::default(), 0)
            .unwrap()
            .into_iter()
            .find(|p| p.school_id == s && p.feature_id == f)
            .unwrap()
            .id
    };
    let (s1v1, s1v2, s2w1, s2v1) = (
        id_of(&l, "S1", "V1"),
        id_of(&l, "S1", "V2"),
        id_of(&l, "S2", "W1"),
        id_of(&l, "S2", "V1"),
    );
    assert_eq!(l.problem(s2v1, 0).unwrap().distance_m, 140.0);

    // Close S1/V2 through the whole workflow.
    l.change(
        s1v2,
        None,
        &Change {
            unit: Some("文广旅局".into()),
            status: Some("rectifying".into()),
            ..Change::default()
        },
        "a",
    )
    .unwrap();
    l.change(s1v2, None, &ch(Some("rectified"), None), "a")
        .unwrap();
    let v = l
        .change(s1v2, None, &ch(Some("verified"), Some("已关停")), "b")
        .unwrap();
    assert_eq!((v.status.as_str(), v.version), ("verified", 4));
    assert!(v.closed_at.is_some());

    // Scan 2: S1/V1 moved closer, S1/V2 found again (reopened), S2/W1 gone, S2/V1 gone, S1/V3 new.
    let scan2 = vec![
        obs("S1", "venue", "V1", "ktv_200", 60.0),
        obs("S1", "venue", "V2", "ktv_200", 80.0),
        obs("S1", "venue", "V3", "ktv_200", 10.0),
    ];
    let o = l.record_scan("national", &[], &scan2).unwrap();
    assert_eq!(
        (o.scan, o.new, o.persisting, o.gone, o.reopened),
        (2, 1, 2, 2, 1)
    );
    let s1v3 = id_of(&l, "S1", "V3");
    let d = l.diff(None, None).unwrap();
    assert_eq!((d.from, d.to), (Some(1), 2));
    assert_eq!(d.new, vec![s1v3]);
    let mut persisting = vec![s1v1, s1v2];
    persisting.sort();
    assert_eq!(d.persisting, persisting);
    let mut gone = vec![s2w1, s2v1];
    gone.sort();
    assert_eq!(d.gone, gone);
    // Before the first scan, everything of scan 1 is new.
    let d1 = l.diff(None, Some(1)).unwrap();
    assert_eq!((d1.from, d1.new.len(), d1.gone.len()), (None, 4, 0));
    assert!(matches!(
        l.diff(Some(9), None),
        Err(LedgerError::ScanNotFound(9))
    ));

    let p = l.problem(s1v1, 0).unwrap();
    assert_eq!(
        (p.distance_m, p.first_scan, p.last_scan, p.gone),
        (60.0, 1, 2, false)
    );
    // Gone: proposed for verification, never closed by the scan.
    let w = l.problem(s2w1, 0).unwrap();
    assert_eq!((w.status.as_str(), w.gone, w.version), ("open", true, 1));
    let gone_list = l
        .problems(
            &ProblemFilter {
                gone: Some(true),
                ..ProblemFilter::default()
            },
            0,
        )
        .unwrap();
    assert_eq!(gone_list.iter().map(|p| p.id).collect::<Vec<_>>(), gone);
    // Reopened, audited as the scan.
    let r = l.problem(s1v2, 0).unwrap();
    assert_eq!(
        (r.status.as_str(), r.version, r.closed_at.clone()),
        ("open", 5, None)
    );
    let last = l.audit(s1v2).unwrap().pop().unwrap();
    assert_eq!(
        (
            last.actor.as_str(),
            last.from.as_deref(),
            last.to.as_deref()
        ),
        ("scan 2", Some("verified"), Some("open"))
    );

    // Reopening the store keeps everything; the schema is at version 1.
    drop(l);
    let mut l = store.open();
    assert_eq!(l.scans().unwrap().len(), 2);
    assert_eq!(l.schema_version().unwrap(), 1);
    // A store from a newer program is refused.
    l.execute_sql(store.newer_schema_sql()).unwrap();
    drop(l);
    let e = Ledger::open(&store.location()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "the ledger's schema is version 7, newer than this program knows (1)"
    );
}

#[test]
fn workflow_refusals_are_atomic_and_audited() {
    workflow_refusals_are_atomic_and_audited_on(&Store::sqlite());
}

#[test]
fn workflow_refusals_are_atomic_and_audited_postgres() {
    workflow_refusals_are_atomic_and_audited_on(&Store::postgres("workflow"));
}

fn workflow_refusals_are_atomic_and_audited_on(store: &Store) {
    let mut l = store.open();
    l.record_scan(
        "national",
        &[],
        &[obs("S1", "venue", "V1", "ktv_200", 50.0)],
    )
    .unwrap();
    let id = 1;
    let untouched = |l: &Ledger| {
        let p = l.problem(id, 0).unwrap();
        assert_eq!(
            (
                p.status.as_str(),
                p.version,
                p.unit.clone(),
                p.deadline.clone()
            ),
            ("open", 1, None, None)
        );
        assert!(l.audit(id).unwrap().is_empty());
    };
    // Steps skipped, reasons missing, bad values: refused, nothing written — not even the valid
    // assignment that came with the refused status.
    let with_unit = |status: &str| Change {
        unit: Some("市场监管局".into()),
        deadline: Some("2026-12-01".into()),
        status: Some(status.into()),
        ..Change::default()
    };
    for (change, expect) in [
        (with_unit("rectified"), "open → rectified is not a step of the workflow (from open the next steps are: rectifying, disputed)"),
        (with_unit("verified"), "open → verified is not a step of the workflow (from open the next steps are: rectifying, disputed)"),
        (with_unit("open"), "open → open is not a step of the workflow (from open the next steps are: rectifying, disputed)"),
        (with_unit("disputed"), "disputed needs a reason (note)"),
        (with_unit("closed"), "unknown status 'closed' (statuses: open, rectifying, rectified, verified, disputed)"),
        (ch(Some("rectifying"), None), "rectifying needs a responsible unit: assign one first (or in the same change)"),
        (Change { deadline: Some("2026-13-01".into()), ..Change::default() }, "deadline '2026-13-01' is not a date written YYYY-MM-DD"),
        (Change { deadline: Some("01/12/2026".into()), ..Change::default() }, "deadline '01/12/2026' is not a date written YYYY-MM-DD"),
        (Change { unit: Some("市场监管局".into()), note: Some("注".repeat(2001)), ..Change::default() }, "note is 2001 characters long; at most 2000 are accepted"),
        (Change { unit: Some("  ".into()), ..Change::default() }, "unit is empty"),
        (ch(None, Some("only a note")), "nothing to change: give status, unit, measure, deadline or supervised"),
    ] {
        let e = l.change(id, None, &change, "tester").unwrap_err();
        assert_eq!(e.to_string(), expect);
        untouched(&l);
    }
    assert!(matches!(
        l.change(99, None, &ch(Some("disputed"), Some("x")), "t"),
        Err(LedgerError::NotFound(99))
    ));
    assert!(matches!(
        l.change(id, Some(3), &with_unit("rectifying"), "t"),
        Err(LedgerError::VersionConflict {
            id: 1,
            expected: 3,
            current: 1
        })
    ));
    untouched(&l);

    // Disputed with a reason, back to open, then the full path; the step error is typed.
    let p = l
        .change(
            id,
            Some(1),
            &ch(Some("disputed"), Some("场所已于上月注销")),
            "owner-rep",
        )
        .unwrap();
    assert_eq!(
        (p.status.as_str(), p.dispute_reason.as_deref(), p.version),
        ("disputed", Some("场所已于上月注销"), 2)
    );
    assert!(matches!(
        l.change(id, None, &ch(Some("rectified"), None), "t"),
        Err(LedgerError::Step(StepError::Skipped { .. }))
    ));
    l.change(
        id,
        Some(2),
        &ch(Some("open"), Some("核查仍在营业")),
        "inspector",
    )
    .unwrap();
    let p = l
        .change(id, Some(3), &with_unit("rectifying"), "regulator")
        .unwrap();
    assert_eq!(
        (
            p.status.as_str(),
            p.unit.as_deref(),
            p.deadline.as_deref(),
            p.version
        ),
        ("rectifying", Some("市场监管局"), Some("2026-12-01"), 4)
    );
    // Overdue: pending and past the deadline (the deadline day itself is not overdue).
    let overdue = |l: &Ledger, today: &str| {
        l.problems(
            &ProblemFilter {
                overdue: true,
                ..ProblemFilter::default()
            },
            day(today),
        )
        .unwrap()
        .len()
    };
    assert_eq!(
        (overdue(&l, "2026-12-01"), overdue(&l, "2026-12-02")),
        (0, 1)
    );
    let (towns, units) = l.summary(day("2026-12-02"), None).unwrap();
    assert_eq!(
        serde_json::to_value(&towns).unwrap(),
        serde_json::json!([{"key": "城关镇", "open": 1, "overdue": 1, "closed": 0}])
    );
    assert_eq!(units[0].key, "市场监管局");
    l.change(id, Some(4), &ch(Some("rectified"), None), "regulator")
        .unwrap();
    assert_eq!(
        overdue(&l, "2026-12-02"),
        0,
        "rectified is no longer pending"
    );
    // Verification failed: back to rectifying is a legal step.
    l.change(
        id,
        Some(5),
        &ch(Some("rectifying"), Some("复查未达标")),
        "inspector",
    )
    .unwrap();
    l.change(id, Some(6), &ch(Some("rectified"), None), "regulator")
        .unwrap();
    let p = l
        .change(id, Some(7), &ch(Some("verified"), None), "inspector")
        .unwrap();
    assert_eq!(p.version, 8);
    assert!(
        l.change(id, None, &ch(Some("open"), None), "t").is_err(),
        "verified is closed"
    );
    let (_, units) = l.summary(day("2026-12-02"), Some("2000-01-01")).unwrap();
    assert_eq!((units[0].open, units[0].closed), (0, 1));
    let (_, units) = l.summary(day("2026-12-02"), Some("2999-01-01")).unwrap();
    assert_eq!(units[0].closed, 0, "closed before the phase began");

    let trail: Vec<String> = l
        .audit(id)
        .unwrap()
        .iter()
        .map(|a| {
            format!(
                "{} {} {}→{}",
                a.actor,
                a.field,
                a.from.as_deref().unwrap_or("-"),
                a.to.as_deref().unwrap_or("-")
            )
        })
        .collect();
    assert_eq!(
        trail,
        [
            "owner-rep status open→disputed",
            "inspector status disputed→open",
            "regulator unit -→市场监管局",
            "regulator deadline -→2026-12-01",
            "regulator status open→rectifying",
            "regulator status rectifying→rectified",
            "inspector status rectified→rectifying",
            "regulator status rectifying→rectified",
            "inspector status rectified→verified",
        ]
    );
    // Append-only: the store itself refuses to rewrite or delete history.
    for sql in [
        "UPDATE audit SET actor = 'someone else'",
        "DELETE FROM audit",
    ] {
        let e = l.execute_sql(sql).unwrap_err();
        assert!(e.to_string().contains("append-only"), "{sql}: {e}");
    }
    if l.is_postgres() {
        let e = l.execute_sql("TRUNCATE audit").unwrap_err();
        assert!(e.to_string().contains("append-only"), "TRUNCATE: {e}");
    }
    assert_eq!(l.audit_all().unwrap().len(), 9);
}

#[test]
fn two_connections_to_one_file_never_lose_an_update() {
    two_connections_never_lose_an_update(&Store::sqlite());
}

#[test]
fn two_connections_to_one_database_never_lose_an_update() {
    two_connections_never_lose_an_update(&Store::postgres("concurrent"));
}

fn two_connections_never_lose_an_update(store: &Store) {
    // As when the command line writes while the server runs: separate connections, separate threads.
    let path = store.location();
    let mut l = store.open();
    l.record_scan(
        "national",
        &[],
        &[obs("S1", "venue", "V1", "ktv_200", 50.0)],
    )
    .unwrap();
    for round in 0..20i64 {
        let expected = round + 1;
        let barrier = std::sync::Arc::new(std::sync::Barrier::new(2));
        let handles: Vec<_> = (0..2)
            .map(|k| {
                let (path, barrier) = (path.clone(), barrier.clone());
                std::thread::spawn(move || {
                    let mut mine = Ledger::open(&path).unwrap();
                    barrier.wait();
                    let c = Change {
                        measure: Some(format!("round {round} connection {k}")),
                        ..Change::default()
                    };
                    mine.change(1, Some(expected), &c, &format!("c{k}"))
                })
            })
            .collect();
        let results: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
        let wins = results.iter().filter(|r| r.is_ok()).count();
        assert_eq!(wins, 1, "round {round}: {results:?}");
        assert!(results.iter().any(|r| matches!(
            r,
            Err(LedgerError::VersionConflict { expected: e, .. }) if *e == expected
        )));
    }
    let p = l.problem(1, 0).unwrap();
    assert_eq!(p.version, 21);
    assert_eq!(l.audit(1).unwrap().len(), 20);
}

#[test]
fn an_unreachable_database_is_named_without_its_password() {
    let e = Ledger::open(&PathBuf::from(
        "postgres://ledger:s3cret@127.0.0.1:1/perimeter",
    ))
    .unwrap_err();
    let m = e.to_string();
    assert!(
        m.starts_with(
            "ledger postgres://ledger:***@127.0.0.1:1/perimeter: error connecting to server"
        ),
        "{m}"
    );
    assert!(!m.contains("s3cret"), "{m}");
}
