//! `perimeter gen`: a deterministic synthetic dataset, written as GeoJSON (WGS84), or with `--sample`
//! in the forms real inputs come in (a GBK Shapefile in CGCS2000 Gauss-Krüger, a GCJ-02 registry CSV).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};

use super::Failure;
use crate::crs::Crs;
use crate::export::layers::{self, Written};
use crate::gen::{Generator, Scale};
use crate::model::{Site, Venue};

#[derive(Debug, Args)]
pub struct GenArgs {
    /// county (300 schools, 30 000 venues, 200 water bodies), city (×10) or province (×130 venues).
    #[arg(long, default_value = "county")]
    pub scale: String,
    /// Random seed: the same seed gives the same bytes.
    #[arg(long, default_value_t = 2026)]
    pub seed: u64,
    /// Output directory (created if missing).
    #[arg(long)]
    pub out: PathBuf,
    /// Write the sample forms instead: schools.shp (+ school_points.shp; GBK, EPSG:4546), venues.csv
    /// (GCJ-02), water.geojson and gates.geojson.
    #[arg(long)]
    pub sample: bool,
}

/// Venues generated per parallel batch while streaming to a file.
const BATCH: usize = 65_536;

fn human(bytes: u64) -> String {
    if bytes >= 1 << 20 {
        format!("{:.1} MiB", bytes as f64 / f64::from(1 << 20))
    } else if bytes >= 1 << 10 {
        format!("{:.1} KiB", bytes as f64 / 1024.0)
    } else {
        format!("{bytes} B")
    }
}

fn report(w: &Written, what: &str) {
    for (path, bytes) in &w.files {
        eprintln!("  wrote {} ({})", path.display(), human(*bytes));
    }
    eprintln!("  {} {what}", w.features);
}

/// Streams every venue through `write`: a producer thread generates batches in parallel while the
/// writer consumes the previous one. Shows a progress bar and counts categories.
fn stream_venues<F>(
    g: &Generator,
    counts: &mut BTreeMap<&'static str, usize>,
    write: F,
) -> anyhow::Result<Written>
where
    F: FnOnce(&mut dyn Iterator<Item = Venue>) -> anyhow::Result<Written>,
{
    let n = g.venue_count();
    let bar = ProgressBar::new(n as u64);
    if let Ok(style) = ProgressStyle::with_template("  venues {bar:40} {pos}/{len} ({eta})") {
        bar.set_style(style);
    }
    let written = std::thread::scope(|scope| {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Venue>>(2);
        scope.spawn(move || {
            for start in (0..n).step_by(BATCH) {
                // A closed channel means the writer stopped (an error): stop generating.
                if tx.send(g.venues(start..(start + BATCH).min(n))).is_err() {
                    break;
                }
            }
        });
        let mut iter = rx
            .into_iter()
            .flat_map(|batch| {
                bar.inc(batch.len() as u64);
                batch
            })
            .inspect(|v| *counts.entry(v.category.as_str()).or_insert(0) += 1);
        write(&mut iter)
    })?;
    bar.finish_and_clear();
    Ok(written)
}

fn run_inner(args: &GenArgs, scale: Scale) -> anyhow::Result<()> {
    let t0 = Instant::now();
    let counts = scale.counts();
    eprintln!(
        "generating {scale} (seed {}): {} schools, {} venues, {} water bodies",
        args.seed, counts.schools, counts.venues, counts.water
    );
    let g = Generator::new(scale, args.seed);
    eprintln!(
        "  towns, schools and water placed in {:.2} s",
        t0.elapsed().as_secs_f64()
    );
    let out: &Path = &args.out;
    let mut files: Vec<Written> = Vec::new();
    let mut categories: BTreeMap<&'static str, usize> = BTreeMap::new();
    if args.sample {
        let w = layers::write_schools_shapefile(g.schools(), &out.join("schools.shp"))?;
        report(&w, "schools with campus polygons (EPSG:4546, GBK)");
        files.push(w);
        if g.schools().iter().any(|s| matches!(s.site, Site::Point(_))) {
            let w =
                layers::write_school_points_shapefile(g.schools(), &out.join("school_points.shp"))?;
            report(&w, "point-only schools (EPSG:4546, GBK)");
            files.push(w);
        }
        let path = out.join("venues.csv");
        let w = stream_venues(&g, &mut categories, |it| {
            Ok(layers::write_venues_csv(it, &path, &Crs::Gcj02)?)
        })?;
        report(&w, "venues (GCJ-02 CSV)");
        files.push(w);
    } else {
        let w = layers::write_schools_geojson(g.schools(), &out.join("schools.geojson"))?;
        report(&w, "schools");
        files.push(w);
        let path = out.join("venues.geojson");
        let w = stream_venues(&g, &mut categories, |it| {
            Ok(layers::write_venues_geojson(it, &path)?)
        })?;
        report(&w, "venues");
        files.push(w);
    }
    let w = layers::write_water_geojson(g.water(), &out.join("water.geojson"))?;
    report(&w, "water bodies");
    files.push(w);
    let w = layers::write_gates_geojson(g.schools(), &out.join("gates.geojson"))?;
    report(&w, "gates");
    files.push(w);

    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    let mut sites: BTreeMap<&str, usize> = BTreeMap::new();
    for s in g.schools() {
        *kinds.entry(s.kind.as_str()).or_insert(0) += 1;
        let site = match &s.site {
            Site::Point(_) => "point-only",
            Site::Area(mp) if mp.0.len() > 1 => "multipolygon",
            Site::Area(mp) if mp.0.iter().any(|p| !p.interiors().is_empty()) => "with hole",
            Site::Area(_) => "polygon",
        };
        *sites.entry(site).or_insert(0) += 1;
    }
    let mut water: BTreeMap<&str, usize> = BTreeMap::new();
    for b in g.water() {
        *water.entry(b.kind.as_str()).or_insert(0) += 1;
    }
    let gates: usize = g.schools().iter().map(|s| s.gates.len()).sum();
    let join = |m: &BTreeMap<&str, usize>| {
        m.iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    outln!(
        "perimeter gen --scale {scale} --seed {}{}",
        args.seed,
        if args.sample { " --sample" } else { "" }
    );
    outln!("schools  {:>9}  {}", g.schools().len(), join(&kinds));
    outln!("         {:>9}  {}", "", join(&sites));
    outln!("gates    {gates:>9}");
    outln!("venues   {:>9}  {}", g.venue_count(), join(&categories));
    outln!("water    {:>9}  {}", g.water().len(), join(&water));
    let total: u64 = files.iter().map(Written::bytes).sum();
    for w in &files {
        for (path, bytes) in &w.files {
            outln!("  {:<40} {:>12} bytes", path.display(), bytes);
        }
    }
    outln!("total {total} bytes in {:.2} s", t0.elapsed().as_secs_f64());
    Ok(())
}

pub fn run(args: GenArgs) -> Result<(), Failure> {
    let scale: Scale = args.scale.parse().map_err(Failure::input)?;
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create the output directory {}", args.out.display()))
        .map_err(Failure::input)?;
    run_inner(&args, scale).map_err(Failure::internal)
}
