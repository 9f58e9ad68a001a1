//! `perimeter posts plan`: guard posts (护学岗) for the schools of the inputs, written to a directory.

use std::fs::File;
use std::io::BufWriter;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Subcommand};

use super::common::{load_dataset, Progress, VenueTexts};
use super::{Failure, InputArgs};
use crate::crs::{Crs, ToWgs84};
use crate::export::posts as out;
use crate::posts::candidates::from_geojson;
use crate::posts::plan::DEFAULT_NODE_BUDGET;
use crate::posts::{Model, PlanParams, PostsConfig, Solver};

#[derive(Debug, Args)]
pub struct PostsArgs {
    #[command(subcommand)]
    pub command: PostsCommand,
}

#[derive(Debug, Subcommand)]
pub enum PostsCommand {
    /// Choose guard posts (LSCP: fewest posts covering every gate; MCLP: p posts covering the most
    /// pupils), give each school a responsible post and build the duty roster.
    Plan(PlanArgs),
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    #[command(flatten)]
    pub inputs: InputArgs,
    /// lscp (fewest posts covering every gate) or mclp (p posts covering the most weight).
    #[arg(long, default_value = "lscp")]
    pub model: Model,
    /// Coverage radius in metres (a gate within this distance of a post is covered).
    #[arg(long, default_value_t = 300.0)]
    pub radius: f64,
    /// Number of posts for mclp (fixed posts included).
    #[arg(long)]
    pub p: Option<usize>,
    /// exact (branch and bound, proves optimality within the node budget) or heuristic (greedy + local
    /// search with a bound).
    #[arg(long, default_value = "exact")]
    pub solver: Solver,
    /// Branch-and-bound nodes per component for the exact solver.
    #[arg(long, default_value_t = DEFAULT_NODE_BUDGET)]
    pub node_budget: u64,
    /// Extra candidate sites: GeoJSON points (properties id, name, fixed = an existing post).
    #[arg(long, value_name = "FILE")]
    pub candidates: Vec<PathBuf>,
    /// CRS of the candidates file (wgs84 by default).
    #[arg(long, value_name = "CRS")]
    pub candidates_crs: Option<String>,
    /// Do not use the gates themselves as candidate sites.
    #[arg(long)]
    pub no_gate_candidates: bool,
    /// Also place candidates along every campus boundary this many metres apart.
    #[arg(long, value_name = "METRES")]
    pub boundary_every: Option<f64>,
    /// At most this many schools per responsible post (一校一警 assignment).
    #[arg(long)]
    pub capacity: Option<usize>,
    /// Weights and windows per school kind, roster settings (TOML like data/posts/posts.toml).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Output directory for posts.geojson, assignment.csv, roster.csv and plan.json.
    #[arg(long)]
    pub out: PathBuf,
}

pub fn run(args: PostsArgs) -> Result<(), Failure> {
    match args.command {
        PostsCommand::Plan(a) => plan(a),
    }
}

fn plan(args: PlanArgs) -> Result<(), Failure> {
    if args.inputs.schools.is_empty() && args.inputs.osm.is_empty() {
        return Err(Failure::input(anyhow::anyhow!(
            "no schools: give --schools (and --gates), or --osm"
        )));
    }
    let config = match &args.config {
        None => PostsConfig::default(),
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .with_context(|| p.display().to_string())
                .map_err(Failure::input)?;
            PostsConfig::from_toml(&text)
                .with_context(|| p.display().to_string())
                .map_err(Failure::input)?
        }
    };
    let convert = match &args.candidates_crs {
        None => None,
        Some(c) => {
            let crs: Crs = c
                .parse()
                .context("--candidates-crs")
                .map_err(Failure::input)?;
            Some(
                ToWgs84::new(&crs)
                    .context("--candidates-crs")
                    .map_err(Failure::input)?,
            )
        }
    };
    let mut extra = Vec::new();
    for p in &args.candidates {
        let text = std::fs::read_to_string(p)
            .with_context(|| p.display().to_string())
            .map_err(Failure::input)?;
        let mut got = from_geojson(&text, |x, y| match &convert {
            None => Ok((x, y)),
            Some(t) => t.convert(x, y).map_err(|e| e.to_string()),
        })
        .with_context(|| p.display().to_string())
        .map_err(Failure::input)?;
        if args.candidates.len() > 1 {
            let stem = p
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            for c in &mut got {
                c.id = format!("{stem}:{}", c.id);
            }
        }
        extra.extend(got);
    }
    let params = PlanParams {
        model: args.model,
        radius_m: args.radius,
        p: args.p,
        solver: args.solver,
        node_budget: args.node_budget,
        gate_candidates: !args.no_gate_candidates,
        boundary_every_m: args.boundary_every,
        extra_candidates: extra,
        capacity: args.capacity,
    };
    let progress = Progress::new();
    let ds = load_dataset(&args.inputs, &progress, VenueTexts::Identity)?;
    progress.stage("planning");
    let plan = crate::posts::plan(&ds.schools, &params, &config).map_err(Failure::input)?;
    progress.stage("writing");
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))
        .map_err(Failure::input)?;
    let write = || -> anyhow::Result<()> {
        let path = |name: &str| args.out.join(name);
        let create = |name: &str| -> anyhow::Result<BufWriter<File>> {
            let p = path(name);
            Ok(BufWriter::new(
                File::create(&p).with_context(|| p.display().to_string())?,
            ))
        };
        out::write_geojson(create("posts.geojson")?, &ds.schools, &plan)
            .context("posts.geojson")?;
        out::write_assignment_csv(create("assignment.csv")?, &ds.schools, &plan, &config)
            .context("assignment.csv")?;
        out::write_roster_csv(create("roster.csv")?, &ds.schools, &plan).context("roster.csv")?;
        serde_json::to_writer_pretty(create("plan.json")?, &out::summary(&plan))
            .context("plan.json")?;
        Ok(())
    };
    write().map_err(Failure::internal)?;
    progress.finish();
    print_summary(&plan, &args.out);
    Ok(())
}

fn print_summary(plan: &crate::posts::Plan, dir: &std::path::Path) {
    let gates = plan.demand.len();
    let covered = gates - plan.uncovered.len();
    let pct = |a: f64, b: f64| if b > 0.0 { 100.0 * a / b } else { 100.0 };
    outln!(
        "{} posts ({} model, r = {} m, {} solver) for {} schools: {covered}/{gates} gates covered ({:.1} %), weight {:.0}/{:.0} ({:.1} %)",
        plan.posts.len(),
        match plan.model {
            Model::Lscp => "lscp",
            Model::Mclp => "mclp",
        },
        plan.radius_m,
        match plan.solver {
            Solver::Exact => "exact",
            Solver::Heuristic => "heuristic",
        },
        plan.schools.len(),
        pct(covered as f64, gates as f64),
        plan.covered_weight,
        plan.total_weight,
        pct(plan.covered_weight, plan.total_weight),
    );
    outln!(
        "objective {} | bound {} | gap {:.2} % | {} | {} components, {} nodes, {:.3} s",
        fmt_num(plan.objective),
        fmt_num(plan.bound),
        100.0 * plan.gap,
        if plan.proven_optimal {
            "proven optimal"
        } else {
            "not proven optimal"
        },
        plan.components,
        plan.nodes,
        plan.seconds
    );
    outln!(
        "officers: {} (no roster can use fewer than {})",
        plan.officers,
        plan.officers_lower_bound
    );
    if !plan.infeasible.is_empty() {
        outln!(
            "{} gate(s) farther than {} m from every candidate:",
            plan.infeasible.len(),
            plan.radius_m
        );
        for g in plan.infeasible.iter().take(20) {
            outln!(
                "  {} {} {}: nearest candidate {}",
                g.school_id,
                g.school_name,
                g.gate.as_deref().unwrap_or("(no gate)"),
                g.nearest_candidate_m
                    .map_or("none".to_string(), |m| format!("{m:.1} m"))
            );
        }
        if plan.infeasible.len() > 20 {
            outln!(
                "  … and {} more (see plan.json)",
                plan.infeasible.len() - 20
            );
        }
    }
    outln!(
        "wrote {}/posts.geojson, assignment.csv, roster.csv, plan.json",
        dir.display()
    );
}

fn fmt_num(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{x:.0}")
    } else {
        format!("{x:.1}")
    }
}
