//! Criterion benchmarks for guard-post planning on the seeded synthetic county (300 schools): LSCP and
//! MCLP (p = 50) solved exactly, with the gates as candidates and with boundary points every 50 m
//! added; the province (40 000 schools) with the heuristic when `PERIMETER_BENCH_PROVINCE=1`.
//!
//! Each county instance is also written to `target/posts-bench/<name>.json` (demand points with
//! weights, candidates, radius, p) together with this run's median time and objective, so that
//! `benches/peers/posts_spopt.sh` can solve the very same instances with spopt (PuLP + CBC) in the same
//! run and print the ratio.

use std::time::Instant;

use criterion::{criterion_group, criterion_main, Criterion};
use perimeter::gen::{generate, Scale};
use perimeter::model::School;
use perimeter::posts::candidates::{boundary_candidates, gate_candidates};
use perimeter::posts::demand::demand_points;
use perimeter::posts::{plan, Model, Plan, PlanParams, PostsConfig, Solver};
use serde_json::json;
use std::hint::black_box;

fn params(model: Model, p: Option<usize>, boundary: Option<f64>, solver: Solver) -> PlanParams {
    PlanParams {
        model,
        p,
        solver,
        boundary_every_m: boundary,
        ..PlanParams::default()
    }
}

/// Median wall time of `n` plans, and the last plan.
fn timed(schools: &[School], pp: &PlanParams, n: usize) -> (f64, Plan) {
    let config = PostsConfig::default();
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..n {
        let t = Instant::now();
        let r = plan(schools, pp, &config).expect("valid parameters");
        times.push(t.elapsed().as_secs_f64());
        last = Some(r);
    }
    times.sort_by(|a, b| a.total_cmp(b));
    (times[n / 2], last.expect("n > 0"))
}

fn export(name: &str, schools: &[School], pp: &PlanParams, secs: f64, result: &Plan) {
    let config = PostsConfig::default();
    let demand = demand_points(schools, &config);
    let mut cands = gate_candidates(&demand, schools);
    if let Some(b) = pp.boundary_every_m {
        cands.extend(boundary_candidates(schools, b));
    }
    let doc = json!({
        "name": name,
        "model": match pp.model { Model::Lscp => "lscp", Model::Mclp => "mclp" },
        "radius_m": pp.radius_m,
        "p": pp.p,
        "demand": demand.iter().map(|d| [d.lon, d.lat, d.weight]).collect::<Vec<_>>(),
        "candidates": cands.iter().map(|c| [c.lon, c.lat]).collect::<Vec<_>>(),
        "perimeter": {
            "seconds": secs,
            "objective": result.objective,
            "posts": result.posts.len(),
            "proven_optimal": result.proven_optimal,
        },
    });
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/posts-bench");
    std::fs::create_dir_all(&dir).expect("target/posts-bench");
    std::fs::write(dir.join(format!("{name}.json")), doc.to_string()).expect("write instance");
}

fn county(c: &mut Criterion) {
    let ds = generate(Scale::County, 2026);
    let config = PostsConfig::default();
    let mut g = c.benchmark_group("posts_county");
    g.sample_size(10);
    for (name, pp) in [
        ("lscp_gates", params(Model::Lscp, None, None, Solver::Exact)),
        (
            "mclp50_gates",
            params(Model::Mclp, Some(50), None, Solver::Exact),
        ),
        (
            "lscp_boundary50",
            params(Model::Lscp, None, Some(50.0), Solver::Exact),
        ),
        (
            "mclp50_boundary50",
            params(Model::Mclp, Some(50), Some(50.0), Solver::Exact),
        ),
    ] {
        let (secs, r) = timed(&ds.schools, &pp, 5);
        eprintln!(
            "county {name}: {} gates, {} candidates, {} components → {} posts, objective {:.1}, bound {:.1}, gap {:.4} %, proven {}, {} nodes, median {:.3} s",
            r.demand.len(),
            r.candidates,
            r.components,
            r.posts.len(),
            r.objective,
            r.bound,
            100.0 * r.gap,
            r.proven_optimal,
            r.nodes,
            secs
        );
        export(name, &ds.schools, &pp, secs, &r);
        g.bench_function(name, |b| {
            b.iter(|| black_box(plan(&ds.schools, &pp, &config).expect("valid")))
        });
    }
    g.finish();
}

fn province(c: &mut Criterion) {
    if std::env::var("PERIMETER_BENCH_PROVINCE").as_deref() != Ok("1") {
        return;
    }
    let ds = generate(Scale::Province, 2026);
    let mut g = c.benchmark_group("posts_province");
    g.sample_size(10);
    let config = PostsConfig::default();
    for (name, pp) in [
        (
            "lscp_heuristic",
            params(Model::Lscp, None, None, Solver::Heuristic),
        ),
        ("lscp_exact", params(Model::Lscp, None, None, Solver::Exact)),
        (
            "mclp5000_heuristic",
            params(Model::Mclp, Some(5000), None, Solver::Heuristic),
        ),
    ] {
        let (secs, r) = timed(&ds.schools, &pp, 1);
        eprintln!(
            "province {name}: {} schools, {} gates, {} candidates, {} components → {} posts, objective {:.1}, bound {:.1}, gap {:.4} %, proven {}, officers {} (≥ {}), {:.2} s",
            ds.schools.len(),
            r.demand.len(),
            r.candidates,
            r.components,
            r.posts.len(),
            r.objective,
            r.bound,
            100.0 * r.gap,
            r.proven_optimal,
            r.officers,
            r.officers_lower_bound,
            secs
        );
        g.bench_function(name, |b| {
            b.iter(|| black_box(plan(&ds.schools, &pp, &config).expect("valid")))
        });
    }
    g.finish();
}

criterion_group!(benches, county, province);
criterion_main!(benches);
