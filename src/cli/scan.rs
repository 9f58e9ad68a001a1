//! `perimeter scan`: findings for every school, written to a directory.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use clap::Args;

use super::common::{load_dataset, load_rules, Progress, VenueTexts};
use super::{Failure, InputArgs};
use crate::export::findings::{self, Summary};
use crate::index::Index;

#[derive(Debug, Args)]
pub struct ScanArgs {
    #[command(flatten)]
    pub inputs: InputArgs,
    /// Rule set: national, guangdong, or a path to a rules .toml file.
    #[arg(long, default_value = "national")]
    pub rules: String,
    /// Output directory for findings.geojson, findings.csv and summary.json.
    #[arg(long)]
    pub out: PathBuf,
    /// How many schools the printed table shows (worst first).
    #[arg(long, default_value_t = 15)]
    pub top: usize,
    /// Record this scan in the ledger at this path (created on first use; see `perimeter ledger`), or in
    /// the PostgreSQL database at this URL (`postgres://user:pass@host:port/db`).
    #[arg(long, value_name = "PATH")]
    pub ledger: Option<PathBuf>,
}

pub fn run(args: ScanArgs) -> Result<(), Failure> {
    if args.inputs.is_empty() {
        return Err(Failure::input(anyhow::anyhow!(
            "no inputs: give --schools/--venues/--water (and --gates), or --osm"
        )));
    }
    let rules = load_rules(&args.rules)?;
    let progress = Progress::new();
    let t0 = Instant::now();
    let ds = load_dataset(&args.inputs, &progress, VenueTexts::Identity)?;
    let t_load = t0.elapsed();
    progress.stage("indexing");
    let t1 = Instant::now();
    let index = Index::build(&ds);
    let t_index = t1.elapsed();
    progress.stage("scanning");
    let t2 = Instant::now();
    let found = crate::scan::scan(&ds, &index, &rules);
    let t_scan = t2.elapsed();
    progress.stage("writing");
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))
        .map_err(Failure::input)?;
    let t3 = Instant::now();
    let geo = Staged::create(&args.out, "findings.geojson").map_err(Failure::internal)?;
    let csv = Staged::create(&args.out, "findings.csv").map_err(Failure::internal)?;
    let json = Staged::create(&args.out, "summary.json").map_err(Failure::internal)?;
    // Both findings files in one pass (each finding looked up once), the summary alongside; each file
    // is written beside its final name and renamed over it only when all three are written, so a scan
    // that fails before then (input, a write, a full disk) leaves the previous scan's files whole. The
    // renames themselves can hardly fail in one directory; if one did, the summary is not replaced.
    let write = || -> anyhow::Result<Summary> {
        let (written, summary) = rayon::join(
            || -> anyhow::Result<()> {
                findings::write_findings(
                    Some(BufWriter::new(&geo.file)),
                    Some(BufWriter::new(&csv.file)),
                    &ds,
                    &rules,
                    &found,
                )
                .map_err(|(which, e)| {
                    let path = match which {
                        findings::Output::GeoJson => &geo.partial,
                        findings::Output::Csv => &csv.partial,
                    };
                    anyhow::Error::new(e).context(path.display().to_string())
                })
            },
            || findings::summarise(&ds, &rules, &found),
        );
        written?;
        let mut w = BufWriter::new(&json.file);
        serde_json::to_writer_pretty(&mut w, &summary)
            .map_err(std::io::Error::from)
            .and_then(|()| w.flush())
            .with_context(|| json.partial.display().to_string())?;
        Ok(summary)
    };
    let summary = write().map_err(Failure::internal)?;
    // The previous files' pages are freed as they are replaced: both findings files at once, then the
    // summary.
    let (a, b) = rayon::join(move || geo.commit(), move || csv.commit());
    a.and(b)
        .and_then(|()| json.commit())
        .map_err(Failure::internal)?;
    let t_write = t3.elapsed();
    let recorded = match &args.ledger {
        Some(path) => {
            progress.stage("recording in the ledger");
            Some(super::ledger::record(
                path,
                &args.inputs,
                &ds,
                &rules,
                &found,
            )?)
        }
        None => None,
    };
    progress.finish();
    print_table(&summary, args.top);
    outln!(
        "rules: {} | load {:.2} s, index {:.3} s, scan {:.3} s, write {:.2} s | wrote {}/findings.geojson, findings.csv, summary.json",
        rules.id,
        t_load.as_secs_f64(),
        t_index.as_secs_f64(),
        t_scan.as_secs_f64(),
        t_write.as_secs_f64(),
        args.out.display()
    );
    if let (Some(path), Some(o)) = (&args.ledger, recorded) {
        outln!(
            "ledger {}: scan {} — {} new, {} persisting, {} gone (proposed for verification), {} reopened",
            crate::ledger::postgres::shown(path),
            o.scan,
            o.new,
            o.persisting,
            o.gone,
            o.reopened
        );
    }
    // The command ends here: handing millions of small allocations back one by one would only delay the
    // exit, and the process's memory goes back whole.
    std::mem::forget((ds, index, found));
    Ok(())
}

/// An output file written under a temporary name beside its final one (`NAME.partial`) and renamed
/// over it by [`Staged::commit`]; removed when dropped uncommitted.
struct Staged {
    file: File,
    partial: PathBuf,
    path: PathBuf,
    committed: bool,
}

impl Staged {
    fn create(dir: &std::path::Path, name: &str) -> anyhow::Result<Staged> {
        let path = dir.join(name);
        let partial = dir.join(format!("{name}.partial"));
        let file = File::create(&partial).with_context(|| partial.display().to_string())?;
        Ok(Staged {
            file,
            partial,
            path,
            committed: false,
        })
    }

    fn commit(mut self) -> anyhow::Result<()> {
        std::fs::rename(&self.partial, &self.path).with_context(|| {
            format!(
                "cannot replace {} with {}",
                self.path.display(),
                self.partial.display()
            )
        })?;
        self.committed = true;
        Ok(())
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_file(&self.partial);
        }
    }
}

fn print_table(s: &Summary, top: usize) {
    outln!(
        "{} schools, {} venues, {} water bodies → {} findings at {} schools",
        s.schools,
        s.venues,
        s.water,
        s.findings,
        s.schools_with_findings
    );
    if !s.by_category.is_empty() {
        let cats: Vec<String> = s
            .by_category
            .iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect();
        outln!("by category: {}", cats.join(", "));
    }
    if s.by_school.is_empty() {
        return;
    }
    outln!();
    outln!(
        "{:<4} {:<28} {:<18} {:<12} {:>8} {:>6} {:>6} {:>10}",
        "#",
        "school",
        "kind",
        "township",
        "findings",
        "venues",
        "water",
        "nearest m"
    );
    for (i, c) in s.by_school.iter().take(top).enumerate() {
        let name: String = c.school_name.chars().take(14).collect();
        let town: String = c
            .township
            .as_deref()
            .unwrap_or("-")
            .chars()
            .take(6)
            .collect();
        outln!(
            "{:<4} {} {:<18} {} {:>8} {:>6} {:>6} {:>10.2}{}",
            i + 1,
            pad(&name, 28),
            c.school_kind,
            pad(&town, 12),
            c.findings,
            c.venues,
            c.water,
            c.nearest_m,
            if c.approximate {
                "  (approximate: point only)"
            } else {
                ""
            }
        );
    }
    if s.by_school.len() > top {
        outln!(
            "… and {} more schools (see summary.json)",
            s.by_school.len() - top
        );
    }
}

/// Pads to a display width, counting CJK characters as two columns.
pub(super) fn pad(s: &str, width: usize) -> String {
    let w: usize = s.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum();
    let mut out = s.to_string();
    out.extend(std::iter::repeat_n(' ', width.saturating_sub(w)));
    out
}
