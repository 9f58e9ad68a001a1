//! Shared steps of the subcommands: loading inputs and rules, progress output.

use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

use super::{Failure, InputArgs};
use crate::model::Dataset;
use crate::rules::{RuleError, RuleSet};

/// A spinner on stderr naming the current stage (hidden when stderr is not a terminal).
pub struct Progress {
    bar: ProgressBar,
}

impl Progress {
    pub fn new() -> Self {
        let bar = ProgressBar::new_spinner();
        bar.set_style(
            ProgressStyle::with_template("{spinner} {elapsed:>4} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.enable_steady_tick(Duration::from_millis(120));
        Progress { bar }
    }
    pub fn stage(&self, msg: impl Into<String>) {
        self.bar.set_message(msg.into());
    }
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// `national`, `guangdong`, or a path to a rules file.
pub fn load_rules(spec: &str) -> Result<RuleSet, Failure> {
    if let Some(r) = RuleSet::builtin(spec) {
        return Ok(r);
    }
    let path = std::path::Path::new(spec);
    if !path.exists() {
        return Err(Failure::input(RuleError::UnknownName(spec.to_string())));
    }
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::input(anyhow::anyhow!("{spec}: {e}")))?;
    RuleSet::from_toml(&text, spec).map_err(Failure::input)
}

/// What a command shows of each venue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VenueTexts {
    /// Everything read (the server's venue layer shows address, business scope and status).
    All,
    /// Id, name and licence only: what findings, checks and the ledger show.
    Identity,
}

/// Loads every input into one dataset, printing skipped features.
pub fn load_dataset(
    args: &InputArgs,
    progress: &Progress,
    texts: VenueTexts,
) -> Result<Dataset, Failure> {
    let inputs = args.inputs().map_err(Failure::input)?;
    let mut opts = args.options().map_err(Failure::input)?;
    opts.drop_venue_details = texts == VenueTexts::Identity;
    progress.stage(format!("loading {} file(s)", inputs.len() + args.osm.len()));
    let (ds, report) = crate::load::load_all(&inputs, &args.osm, &opts).map_err(Failure::input)?;
    let skipped = report.skipped_count();
    if skipped > 0 {
        progress.bar.suspend(|| eprintln!("warning: {skipped} invalid feature(s) skipped (run `perimeter load` with the same inputs to list them)"));
    }
    Ok(ds)
}
