//! The ledger (两个清单): durable problem and rectification lists, the scans that fed them, an
//! append-only audit trail, diffs between scans, and API tokens with roles.
//!
//! The store is one SQLite file ([`Ledger::open`], default [`DEFAULT_PATH`]), or a PostgreSQL database
//! given by URL (`postgres://user:pass@host:port/db`) for a shared deployment. Problems are keyed by a
//! stable identity — school id, feature type, feature id, rule id — so the same hazard found by later
//! scans is the same problem; a problem missing from the latest scan is *gone* (proposed for
//! verification) but never closed by a scan. Status changes follow [`workflow`].
//!
//! This module does I/O (the store, the tokens file), so it lives beside [`crate::load`] and
//! [`crate::export`], outside the pure domain core.

mod backend;
pub mod export;
pub mod postgres;
pub mod roles;
pub mod schema;
mod sqlite;
pub mod store;
pub mod time;
pub mod workflow;

pub use roles::{Identity, Role, Tokens};
pub use store::{
    AuditEntry, Change, Diff, Ledger, Observation, Problem, ProblemFilter, Scan, ScanInput,
    ScanOutcome, SummaryRow,
};
pub use workflow::{Status, StepError};

/// Where the store is when no path is given: relative to the working directory.
pub const DEFAULT_PATH: &str = "data/ledger.db";

/// Longest note, measure or reason accepted, in characters.
pub const MAX_TEXT_CHARS: usize = 2000;
/// Longest responsible unit name accepted, in characters.
pub const MAX_UNIT_CHARS: usize = 100;

/// What can go wrong with the ledger.
#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    #[error("ledger {path}: {source}")]
    Open {
        path: String,
        source: rusqlite::Error,
    },
    /// The PostgreSQL error is in the message with its causes (so it is not also a `source`).
    #[error("ledger {url}: {}", pg_message(error))]
    OpenPostgres {
        /// The URL with its password masked.
        url: String,
        error: ::postgres::Error,
    },
    #[error("ledger {path}: cannot create its directory: {source}")]
    CreateDir {
        path: String,
        source: std::io::Error,
    },
    #[error("the ledger's schema is version {found}, newer than this program knows ({known})")]
    NewerSchema { found: i64, known: i64 },
    #[error("no problem {0} in the ledger")]
    NotFound(i64),
    #[error("no scan {0} in the ledger")]
    ScanNotFound(i64),
    #[error("problem {id} is at version {current}, not {expected}: it was changed meanwhile; reload and retry")]
    VersionConflict {
        id: i64,
        expected: i64,
        current: i64,
    },
    #[error(transparent)]
    Step(#[from] StepError),
    #[error("{0}")]
    Invalid(String),
    #[error("ledger storage: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The PostgreSQL error is in the message with its causes (so it is not also a `source`).
    #[error("ledger storage: {}", pg_message(.0))]
    Postgres(::postgres::Error),
}

impl From<::postgres::Error> for LedgerError {
    fn from(e: ::postgres::Error) -> LedgerError {
        LedgerError::Postgres(e)
    }
}

/// A PostgreSQL error with its causes (the client's own message for an error of the server is only
/// "db error"), each said once.
fn pg_message(e: &::postgres::Error) -> String {
    let mut s = e.to_string();
    let mut cause = std::error::Error::source(e);
    while let Some(c) = cause {
        let text = c.to_string();
        if !s.contains(&text) {
            s.push_str(": ");
            s.push_str(&text);
        }
        cause = c.source();
    }
    s
}

/// The ledger's view of a scan's findings. A venue is identified by its licence (统一社会信用代码) when
/// it has one — stable across registry extracts, where a row number is not — and by its id otherwise.
pub fn observations(
    ds: &crate::model::Dataset,
    rules: &crate::rules::RuleSet,
    findings: &[crate::scan::Finding],
) -> Vec<Observation> {
    findings
        .iter()
        .map(|f| {
            let r = crate::export::findings::record(ds, rules, f);
            let feature_id = match f.feature_type {
                crate::scan::FeatureType::Venue => ds.venues[f.feature as usize]
                    .licence()
                    .filter(|l| !l.trim().is_empty())
                    .unwrap_or(r.feature_id),
                crate::scan::FeatureType::Water => r.feature_id,
            };
            Observation {
                school_id: r.school_id.to_string(),
                school_name: r.school_name.to_string(),
                township: r.township.map(str::to_string),
                feature_type: r.feature_type.to_string(),
                feature_id: feature_id.to_string(),
                feature_name: r.feature_name.to_string(),
                category: r.category.to_string(),
                rule_id: r.rule_id.to_string(),
                distance_m: r.distance_m,
                point: f.measured.to,
            }
        })
        .collect()
}

/// The SHA-256 of each input file, and of a Shapefile's companion files (.shx, .dbf, .prj, .cpg) when
/// present, in the order given.
pub fn input_checksums(paths: &[&std::path::Path]) -> std::io::Result<Vec<ScanInput>> {
    use sha2::{Digest, Sha256};
    let mut files = Vec::new();
    for p in paths {
        files.push(p.to_path_buf());
        if p.extension().is_some_and(|e| e.eq_ignore_ascii_case("shp")) {
            for ext in ["shx", "dbf", "prj", "cpg"] {
                let c = p.with_extension(ext);
                if c.is_file() {
                    files.push(c);
                }
            }
        }
    }
    files
        .into_iter()
        .map(|f| {
            let mut h = Sha256::new();
            let mut file = std::fs::File::open(&f)
                .map_err(|e| std::io::Error::new(e.kind(), format!("{}: {e}", f.display())))?;
            std::io::copy(&mut file, &mut h)?;
            Ok(ScanInput {
                path: f.display().to_string(),
                sha256: h.finalize().iter().map(|b| format!("{b:02x}")).collect(),
            })
        })
        .collect()
}
