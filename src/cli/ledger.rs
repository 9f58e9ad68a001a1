//! `perimeter ledger …`: the problem and rectification lists (两个清单) from the command line, and
//! recording a scan in the ledger (`perimeter scan --ledger PATH`).

use std::path::{Path, PathBuf};

use anyhow::anyhow;
use clap::{Args, Subcommand, ValueEnum};

use super::{Failure, InputArgs};
use crate::ledger::time::{format_date, parse_date, today};
use crate::ledger::{
    self, Change, Ledger, LedgerError, Problem, ProblemFilter, ScanOutcome, Status, DEFAULT_PATH,
};
use crate::model::Dataset;
use crate::rules::RuleSet;
use crate::scan::Finding;

#[derive(Debug, Args)]
pub struct LedgerArgs {
    #[command(subcommand)]
    pub command: LedgerCommand,
}

#[derive(Debug, Clone, Args)]
pub struct StoreArgs {
    /// The ledger file (SQLite), relative to the working directory, or a PostgreSQL database's URL
    /// (`postgres://user:pass@host:port/db`, no TLS).
    #[arg(long, value_name = "PATH", default_value = DEFAULT_PATH, global = true)]
    pub ledger: PathBuf,
    /// Machine-readable output (JSON).
    #[arg(long, global = true)]
    pub json: bool,
}

#[derive(Debug, Clone, Args)]
pub struct ActorArgs {
    /// Who makes the change (recorded in the audit trail); default: the OS user.
    #[arg(long, value_name = "NAME")]
    pub by: Option<String>,
    /// A note recorded with the change (the reason, for `disputed`).
    #[arg(long)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ExportFormat {
    Csv,
    Xlsx,
    Geojson,
}

#[derive(Debug, Subcommand)]
pub enum LedgerCommand {
    /// List problems (filters combine).
    List {
        #[command(flatten)]
        store: StoreArgs,
        /// open, rectifying, rectified, verified or disputed.
        #[arg(long)]
        status: Option<String>,
        #[arg(long)]
        township: Option<String>,
        /// Responsible unit.
        #[arg(long)]
        unit: Option<String>,
        /// venue or water.
        #[arg(long = "type")]
        feature_type: Option<String>,
        /// Only overdue rectifications.
        #[arg(long)]
        overdue: bool,
        /// Only problems the latest scan no longer found (proposed for verification).
        #[arg(long)]
        gone: bool,
        /// Today's date for deciding what is overdue (YYYY-MM-DD; default: today, UTC).
        #[arg(long)]
        today: Option<String>,
    },
    /// One problem with its audit trail.
    Show {
        #[command(flatten)]
        store: StoreArgs,
        id: i64,
    },
    /// Assign a responsible unit, the measure required and a deadline; escalate (挂牌督办).
    Assign {
        #[command(flatten)]
        store: StoreArgs,
        #[command(flatten)]
        actor: ActorArgs,
        id: i64,
        /// Responsible unit (e.g. 市场监管局, 文广旅局, 公安).
        #[arg(long)]
        unit: Option<String>,
        /// Measure required.
        #[arg(long)]
        measure: Option<String>,
        /// Deadline, YYYY-MM-DD.
        #[arg(long)]
        deadline: Option<String>,
        /// Supervised (挂牌督办): true or false.
        #[arg(long)]
        supervised: Option<bool>,
    },
    /// Move a problem to the next status of the workflow.
    Status {
        #[command(flatten)]
        store: StoreArgs,
        #[command(flatten)]
        actor: ActorArgs,
        id: i64,
        /// open, rectifying, rectified, verified or disputed.
        status: String,
    },
    /// Problems new, persisting and gone between two scans (default: the last two).
    Diff {
        #[command(flatten)]
        store: StoreArgs,
        #[arg(long)]
        from: Option<i64>,
        #[arg(long)]
        to: Option<i64>,
    },
    /// Pending rectifications past their deadline.
    Overdue {
        #[command(flatten)]
        store: StoreArgs,
        /// Today's date (YYYY-MM-DD; default: today, UTC).
        #[arg(long)]
        today: Option<String>,
    },
    /// Counts per township and responsible unit: open, overdue, closed since a date.
    Summary {
        #[command(flatten)]
        store: StoreArgs,
        /// Start of the phase (YYYY-MM-DD) for "closed"; default: ever.
        #[arg(long)]
        since: Option<String>,
        #[arg(long)]
        today: Option<String>,
    },
    /// The recorded scans with their inputs' checksums.
    Scans {
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Write the lists: csv (problems), xlsx (问题隐患清单, 整改清单, 审计记录), geojson.
    Export {
        #[command(flatten)]
        store: StoreArgs,
        #[arg(long, value_enum)]
        format: ExportFormat,
        /// Output file.
        #[arg(long)]
        out: PathBuf,
    },
    /// Print the SHA-256 of a token read from standard input (for the tokens file).
    HashToken,
}

fn fail(e: LedgerError) -> Failure {
    match e {
        LedgerError::Sqlite(_)
        | LedgerError::Postgres(_)
        | LedgerError::Open { .. }
        | LedgerError::OpenPostgres { .. }
        | LedgerError::CreateDir { .. } => Failure::internal(e),
        _ => Failure::input(e),
    }
}

/// Opens an existing ledger (reading commands do not create one).
fn open_existing(path: &Path) -> Result<Ledger, Failure> {
    if ledger::postgres::url_of(path).is_none() && !path.is_file() {
        return Err(Failure::input(anyhow!(
            "no ledger at {} (record a scan first: perimeter scan … --ledger {})",
            path.display(),
            path.display()
        )));
    }
    Ledger::open(path).map_err(fail)
}

fn day(flag: &str, v: &Option<String>) -> Result<i64, Failure> {
    match v {
        None => Ok(today()),
        Some(s) => parse_date(s).ok_or_else(|| {
            Failure::input(anyhow!("--{flag} '{s}' is not a date written YYYY-MM-DD"))
        }),
    }
}

fn actor(a: &ActorArgs) -> String {
    a.by.clone()
        .or_else(|| std::env::var("USER").ok())
        .or_else(|| std::env::var("LOGNAME").ok())
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| "unknown".into())
}

fn print_json(v: &impl serde::Serialize) -> Result<(), Failure> {
    let s = serde_json::to_string_pretty(v).map_err(Failure::internal)?;
    outln!("{s}");
    Ok(())
}

fn print_problems(list: &[Problem]) {
    use super::scan::pad;
    outln!(
        "{:>6}  {:<10}  {}  {}  {}  {:>8}  {:<10}  {}  flags",
        "id",
        "status",
        pad("township", 12),
        pad("school", 20),
        pad("feature", 20),
        "metres",
        "deadline",
        pad("unit", 12)
    );
    for p in list {
        let mut flags = Vec::new();
        if p.overdue {
            flags.push("overdue");
        }
        if p.supervised {
            flags.push("supervised");
        }
        if p.gone {
            flags.push("gone");
        }
        let cut = |s: &str, n: usize| s.chars().take(n).collect::<String>();
        outln!(
            "{:>6}  {:<10}  {}  {}  {}  {:>8.2}  {:<10}  {}  {}",
            p.id,
            p.status,
            pad(&cut(p.township.as_deref().unwrap_or("-"), 6), 12),
            pad(&cut(&p.school_name, 10), 20),
            pad(&cut(&p.feature_name, 10), 20),
            p.distance_m,
            p.deadline.as_deref().unwrap_or("-"),
            pad(&cut(p.unit.as_deref().unwrap_or("-"), 6), 12),
            flags.join(",")
        );
    }
    outln!("{} problem(s)", list.len());
}

fn change(store: &StoreArgs, id: i64, c: Change, by: &str) -> Result<(), Failure> {
    let mut l = open_existing(&store.ledger)?;
    let p = l.change(id, None, &c, by).map_err(fail)?;
    if store.json {
        print_json(&p)
    } else {
        outln!(
            "problem {} is now {} (version {}), unit {}, deadline {}",
            p.id,
            p.status,
            p.version,
            p.unit.as_deref().unwrap_or("-"),
            p.deadline.as_deref().unwrap_or("-")
        );
        Ok(())
    }
}

pub fn run(args: LedgerArgs) -> Result<(), Failure> {
    match args.command {
        LedgerCommand::List {
            store,
            status,
            township,
            unit,
            feature_type,
            overdue,
            gone,
            today,
        } => {
            let status = status
                .map(|s| s.parse::<Status>())
                .transpose()
                .map_err(Failure::input)?;
            if let Some(t) = feature_type
                .as_deref()
                .filter(|t| !["venue", "water"].contains(t))
            {
                return Err(Failure::input(anyhow!("--type '{t}': venue or water")));
            }
            let filter = ProblemFilter {
                status,
                township,
                unit,
                feature_type,
                overdue,
                gone: gone.then_some(true),
            };
            let l = open_existing(&store.ledger)?;
            let list = l.problems(&filter, day("today", &today)?).map_err(fail)?;
            if store.json {
                print_json(&list)
            } else {
                print_problems(&list);
                Ok(())
            }
        }
        LedgerCommand::Show { store, id } => {
            let l = open_existing(&store.ledger)?;
            let p = l.problem(id, today()).map_err(fail)?;
            let audit = l.audit(id).map_err(fail)?;
            if store.json {
                return print_json(&serde_json::json!({"problem": p, "audit": audit}));
            }
            outln!(
                "problem {}: {} — {} {} ({}, rule {}) at {:.2} m",
                p.id,
                p.school_name,
                p.feature_type,
                p.feature_name,
                p.category,
                p.rule_id,
                p.distance_m
            );
            outln!(
                "status {} (version {}), unit {}, measure {}, deadline {}{}{}",
                p.status,
                p.version,
                p.unit.as_deref().unwrap_or("-"),
                p.measure.as_deref().unwrap_or("-"),
                p.deadline.as_deref().unwrap_or("-"),
                if p.supervised {
                    ", supervised (挂牌督办)"
                } else {
                    ""
                },
                if p.gone {
                    ", gone from the latest scan: verify"
                } else {
                    ""
                }
            );
            outln!(
                "first seen {} (scan {}), last seen {} (scan {})",
                p.first_seen,
                p.first_scan,
                p.last_seen,
                p.last_scan
            );
            for a in audit {
                outln!(
                    "  {} {} {}: {} → {}{}",
                    a.at,
                    a.actor,
                    a.field,
                    a.from.as_deref().unwrap_or("-"),
                    a.to.as_deref().unwrap_or("-"),
                    a.note.map(|n| format!(" ({n})")).unwrap_or_default()
                );
            }
            Ok(())
        }
        LedgerCommand::Assign {
            store,
            actor: a,
            id,
            unit,
            measure,
            deadline,
            supervised,
        } => change(
            &store,
            id,
            Change {
                status: None,
                note: a.note.clone(),
                unit,
                measure,
                deadline,
                supervised,
            },
            &actor(&a),
        ),
        LedgerCommand::Status {
            store,
            actor: a,
            id,
            status,
        } => change(
            &store,
            id,
            Change {
                status: Some(status),
                note: a.note.clone(),
                ..Change::default()
            },
            &actor(&a),
        ),
        LedgerCommand::Diff { store, from, to } => {
            let l = open_existing(&store.ledger)?;
            let d = l.diff(from, to).map_err(fail)?;
            if store.json {
                return print_json(
                    &serde_json::json!({"new": d.new, "persisting": d.persisting, "gone": d.gone}),
                );
            }
            outln!(
                "scan {} → scan {}: {} new, {} persisting, {} gone (proposed for verification)",
                d.from.map(|f| f.to_string()).unwrap_or_else(|| "-".into()),
                d.to,
                d.new.len(),
                d.persisting.len(),
                d.gone.len()
            );
            let ids = |v: &[i64]| v.iter().map(i64::to_string).collect::<Vec<_>>().join(" ");
            outln!("new: {}\ngone: {}", ids(&d.new), ids(&d.gone));
            Ok(())
        }
        LedgerCommand::Overdue { store, today } => {
            let l = open_existing(&store.ledger)?;
            let t = day("today", &today)?;
            let list = l
                .problems(
                    &ProblemFilter {
                        overdue: true,
                        ..ProblemFilter::default()
                    },
                    t,
                )
                .map_err(fail)?;
            if store.json {
                print_json(&list)
            } else {
                outln!("overdue on {}:", format_date(t));
                print_problems(&list);
                Ok(())
            }
        }
        LedgerCommand::Summary {
            store,
            since,
            today,
        } => {
            if let Some(s) = since.as_deref() {
                day("since", &Some(s.to_string()))?;
            }
            let l = open_existing(&store.ledger)?;
            let (towns, units) = l
                .summary(day("today", &today)?, since.as_deref())
                .map_err(fail)?;
            if store.json {
                return print_json(&serde_json::json!({"townships": towns, "units": units}));
            }
            for (title, rows) in [("township", towns), ("unit", units)] {
                outln!("{title:<16} {:>6} {:>8} {:>7}", "open", "overdue", "closed");
                for r in rows {
                    outln!(
                        "{:<16} {:>6} {:>8} {:>7}",
                        r.key,
                        r.open,
                        r.overdue,
                        r.closed
                    );
                }
                outln!();
            }
            Ok(())
        }
        LedgerCommand::Scans { store } => {
            let l = open_existing(&store.ledger)?;
            let scans = l.scans().map_err(fail)?;
            if store.json {
                return print_json(&scans);
            }
            for s in scans {
                outln!(
                    "scan {} at {} rules {}: {} findings, {} input file(s)",
                    s.id,
                    s.at,
                    s.rules,
                    s.findings,
                    s.inputs.len()
                );
                for i in s.inputs {
                    outln!("  {}  {}", i.sha256, i.path);
                }
            }
            Ok(())
        }
        LedgerCommand::Export { store, format, out } => {
            let l = open_existing(&store.ledger)?;
            let problems = l
                .problems(&ProblemFilter::default(), today())
                .map_err(fail)?;
            let bytes = match format {
                ExportFormat::Csv => {
                    let mut v = Vec::new();
                    ledger::export::write_csv(&mut v, &problems).map_err(Failure::internal)?;
                    v
                }
                ExportFormat::Geojson => serde_json::to_vec(&ledger::export::geojson(&problems))
                    .map_err(Failure::internal)?,
                ExportFormat::Xlsx => {
                    let audit = l.audit_all().map_err(fail)?;
                    ledger::export::xlsx(&problems, &audit).map_err(Failure::internal)?
                }
            };
            std::fs::write(&out, bytes)
                .map_err(|e| Failure::input(anyhow!("{}: {e}", out.display())))?;
            outln!("wrote {} problem(s) to {}", problems.len(), out.display());
            Ok(())
        }
        LedgerCommand::HashToken => {
            let mut token = String::new();
            std::io::stdin()
                .read_line(&mut token)
                .map_err(Failure::internal)?;
            let token = token.trim_end_matches(['\r', '\n']);
            if token.is_empty() {
                return Err(Failure::input(anyhow!("no token on standard input")));
            }
            outln!("{}", ledger::roles::hash_token(token));
            Ok(())
        }
    }
}

/// Records a scan's findings in the ledger at `path` (created on first use).
pub fn record(
    path: &Path,
    inputs: &InputArgs,
    ds: &Dataset,
    rules: &RuleSet,
    found: &[Finding],
) -> Result<ScanOutcome, Failure> {
    let checksums = ledger::input_checksums(&inputs.files()).map_err(Failure::input)?;
    let mut l = Ledger::open(path).map_err(fail)?;
    l.record_scan(
        &rules.id,
        &checksums,
        &ledger::observations(ds, rules, found),
    )
    .map_err(fail)
}
