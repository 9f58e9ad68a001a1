//! `perimeter check`: may a venue of a category open at this point?

use clap::Args;

use super::common::{load_dataset, load_rules, Progress, VenueTexts};
use super::{Failure, InputArgs};
use crate::check::{check_site, SiteCheck};
use crate::crs::{Crs, ToWgs84};
use crate::index::Index;
use crate::model::{Category, Dataset};
use crate::rules::RuleSet;

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Longitude (or easting) of the site.
    #[arg(long, allow_hyphen_values = true)]
    pub lon: f64,
    /// Latitude (or northing) of the site.
    #[arg(long, allow_hyphen_values = true)]
    pub lat: f64,
    /// CRS of --lon/--lat: wgs84 (default), cgcs2000, gcj02, bd09, EPSG:n.
    #[arg(long, default_value = "wgs84")]
    pub crs: String,
    /// Venue category: internet_cafe, ktv, game_hall, lottery, tobacco, hazardous, bar, other.
    #[arg(long)]
    pub category: String,
    /// Rule set: national, guangdong, or a path to a rules .toml file.
    #[arg(long, default_value = "national")]
    pub rules: String,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub inputs: InputArgs,
}

pub fn run(args: CheckArgs) -> Result<(), Failure> {
    let category: Category = args
        .category
        .parse()
        .map_err(|e| Failure::input(anyhow::anyhow!("--category: {e}")))?;
    let crs: Crs = args
        .crs
        .parse()
        .map_err(|e| Failure::input(anyhow::anyhow!("--crs: {e}")))?;
    let point = ToWgs84::new(&crs)
        .and_then(|t| t.convert(args.lon, args.lat))
        .map_err(|e| Failure::input(anyhow::anyhow!("--lon/--lat: {e}")))?;
    if args.inputs.schools.is_empty() && args.inputs.osm.is_empty() {
        return Err(Failure::input(anyhow::anyhow!(
            "no schools: give --schools (and --gates) or --osm"
        )));
    }
    let rules = load_rules(&args.rules)?;
    let progress = Progress::new();
    let ds = load_dataset(&args.inputs, &progress, VenueTexts::Identity)?;
    progress.stage("indexing");
    let index = Index::build(&ds);
    progress.finish();
    let answer = check_site(&ds, &index, &rules, point, category);
    if args.json {
        outln!(
            "{}",
            serde_json::to_string_pretty(&answer.record(&ds, &rules)).map_err(Failure::internal)?
        );
    } else {
        print_text(&ds, &rules, &answer);
    }
    Ok(())
}

fn print_text(ds: &Dataset, rules: &RuleSet, a: &SiteCheck) {
    let cat = a.category;
    if a.allowed {
        outln!(
            "可以 / ALLOWED: a {} ({}) may open at ({:.7}, {:.7}) under rules '{}'.",
            cat,
            cat.label_zh(),
            a.point.0,
            a.point.1,
            rules.id
        );
        if a.unregulated {
            outln!("  no rule of this set concerns category '{cat}'.");
        }
        match a.nearest {
            Some((si, m)) => {
                let s = &ds.schools[si as usize];
                outln!(
                    "  nearest school: {} ({}) at {:.2} m",
                    s.name,
                    s.id,
                    m.metres
                );
            }
            None if !a.unregulated => {
                outln!("  no school within {} m", crate::check::NEAREST_SEARCH_M)
            }
            None => {}
        }
        return;
    }
    outln!(
        "不可以 / REFUSED: a {} ({}) may not open at ({:.7}, {:.7}) under rules '{}':",
        cat,
        cat.label_zh(),
        a.point.0,
        a.point.1,
        rules.id
    );
    for b in &a.breaches {
        let s = &ds.schools[b.school as usize];
        let r = &rules.rules[b.rule as usize];
        outln!(
            "  - {} ({}, {}): {:.2} m ≤ {} m by {}{}\n    rule {}: {}",
            s.name,
            s.id,
            s.kind,
            b.measured.metres,
            r.limit_m,
            b.method.label(),
            if b.approximate {
                " (approximate: school known only as a point)"
            } else {
                ""
            },
            r.id,
            r.basis
        );
    }
}
