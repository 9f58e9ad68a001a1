//! Guard-post plans against optima from an independent exact solver.
//!
//! `tests/data/posts/instances.json` was written by `tests/data/posts/make_expected.py`: seeded towns of
//! schools with 1–3 gates and user candidate points; distances are Karney geodesics (Python
//! geographiclib); LSCP and MCLP were solved by spopt 0.7.0 (PuLP 3.3 + CBC) from that cost matrix
//! with coverage `d <= r`. The exact solver must reach those optima and prove them; the heuristic must
//! bracket them with its bound; gates no candidate reaches must be named.

use geo_types::Point;
use perimeter::geodesy::karney;
use perimeter::model::{Gate, School, SchoolKind, Site};
use perimeter::posts::{
    plan, Candidate, CandidateSource, Model, Plan, PlanParams, PostsConfig, Solver,
};
use serde_json::Value;

struct Instance {
    name: String,
    radius: f64,
    gate_candidates: bool,
    schools: Vec<School>,
    user: Vec<Candidate>,
    lscp: usize,
    mclp: Vec<(usize, f64)>,
    infeasible: Vec<String>,
    gates: usize,
}

fn instances() -> Vec<Instance> {
    let text = include_str!("data/posts/instances.json");
    let v: Vec<Value> = serde_json::from_str(text).unwrap();
    v.iter()
        .map(|o| {
            let schools = o["schools"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| {
                    let id = s["id"].as_str().unwrap().to_string();
                    let gates: Vec<Gate> = s["gates"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .enumerate()
                        .map(|(k, g)| Gate {
                            id: Some(format!("{id}-G{}", k + 1)),
                            name: None,
                            point: Point::new(g[0].as_f64().unwrap(), g[1].as_f64().unwrap()),
                        })
                        .collect();
                    School {
                        name: format!("{id}小学"),
                        kind: SchoolKind::Primary,
                        township: None,
                        site: Site::Point(gates[0].point),
                        pupils: Some(s["pupils"].as_u64().unwrap() as u32),
                        gates,
                        id,
                    }
                })
                .collect();
            let user = o["user_candidates"]
                .as_array()
                .unwrap()
                .iter()
                .enumerate()
                .map(|(k, u)| Candidate {
                    id: format!("U{}", k + 1),
                    name: None,
                    lon: u[0].as_f64().unwrap(),
                    lat: u[1].as_f64().unwrap(),
                    source: CandidateSource::User,
                    fixed: false,
                })
                .collect();
            let mut mclp: Vec<(usize, f64)> = o["mclp_covered"]
                .as_object()
                .unwrap()
                .iter()
                .map(|(p, w)| (p.parse().unwrap(), w.as_f64().unwrap()))
                .collect();
            mclp.sort_by_key(|m| m.0);
            Instance {
                name: o["name"].as_str().unwrap().to_string(),
                radius: o["radius_m"].as_f64().unwrap(),
                gate_candidates: o["gate_candidates"].as_bool().unwrap(),
                schools,
                user,
                lscp: o["lscp_posts"].as_u64().unwrap() as usize,
                mclp,
                infeasible: o["infeasible"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|s| s.as_str().unwrap().to_string())
                    .collect(),
                gates: o["gates"].as_u64().unwrap() as usize,
            }
        })
        .collect()
}

fn run(inst: &Instance, model: Model, p: Option<usize>, solver: Solver) -> Plan {
    let params = PlanParams {
        model,
        radius_m: inst.radius,
        p,
        solver,
        gate_candidates: inst.gate_candidates,
        extra_candidates: inst.user.clone(),
        ..PlanParams::default()
    };
    plan(&inst.schools, &params, &PostsConfig::default()).unwrap()
}

/// Every gate a post claims is within the radius by Karney's geodesic, and the covered weight adds up.
fn check_coverage(inst: &Instance, plan: &Plan) {
    let mut w = 0.0;
    for post in &plan.posts {
        for &g in &post.gates {
            let d = &plan.demand[g];
            let m = karney::distance_m((d.lon, d.lat), (post.lon, post.lat));
            assert!(m <= inst.radius, "{}: gate {g} at {m} m", inst.name);
            w += d.weight;
        }
    }
    assert!((w - plan.covered_weight).abs() < 1e-6);
}

#[test]
fn exact_lscp_matches_spopt_and_proves_it() {
    for inst in instances() {
        let plan = run(&inst, Model::Lscp, None, Solver::Exact);
        assert_eq!(plan.demand.len(), inst.gates, "{}", inst.name);
        assert_eq!(plan.posts.len(), inst.lscp, "{}", inst.name);
        assert_eq!(plan.objective, inst.lscp as f64);
        assert_eq!(plan.bound, inst.lscp as f64);
        assert!(plan.proven_optimal && plan.gap == 0.0, "{}", inst.name);
        assert_eq!(
            plan.uncovered.len(),
            inst.infeasible.len(),
            "{}: every coverable gate is covered",
            inst.name
        );
        check_coverage(&inst, &plan);
    }
}

#[test]
fn heuristic_lscp_brackets_the_optimum() {
    for inst in instances() {
        let plan = run(&inst, Model::Lscp, None, Solver::Heuristic);
        let opt = inst.lscp as f64;
        assert!(plan.bound <= opt && opt <= plan.objective, "{}", inst.name);
        let gap = (plan.objective - plan.bound) / plan.objective;
        assert!((plan.gap - gap).abs() < 1e-12);
        assert_eq!(plan.proven_optimal, plan.objective == plan.bound);
        assert_eq!(plan.uncovered.len(), inst.infeasible.len());
        check_coverage(&inst, &plan);
    }
}

#[test]
fn exact_mclp_matches_spopt_and_proves_it() {
    for inst in instances() {
        for &(p, want) in &inst.mclp {
            let plan = run(&inst, Model::Mclp, Some(p), Solver::Exact);
            assert!(plan.posts.len() <= p);
            assert!(
                (plan.objective - want).abs() < 1e-4,
                "{} p={p}: {} vs spopt {want}",
                inst.name,
                plan.objective
            );
            assert!((plan.covered_weight - plan.objective).abs() < 1e-6);
            assert!(
                plan.proven_optimal && plan.gap == 0.0,
                "{} p={p}",
                inst.name
            );
            check_coverage(&inst, &plan);
        }
    }
}

#[test]
fn heuristic_mclp_brackets_the_optimum() {
    for inst in instances() {
        for &(p, want) in &inst.mclp {
            let plan = run(&inst, Model::Mclp, Some(p), Solver::Heuristic);
            assert!(plan.posts.len() <= p);
            assert!(
                plan.objective <= want + 1e-4 && want <= plan.bound + 1e-4,
                "{} p={p}: {} ≤ {want} ≤ {}",
                inst.name,
                plan.objective,
                plan.bound
            );
            assert!((plan.gap - (plan.bound - plan.objective) / plan.bound).abs() < 1e-9);
            check_coverage(&inst, &plan);
        }
    }
}

#[test]
fn infeasible_gates_are_named_not_a_failure() {
    let inst = instances()
        .into_iter()
        .find(|i| i.name == "user_only")
        .unwrap();
    assert!(!inst.infeasible.is_empty());
    for model in [Model::Lscp, Model::Mclp] {
        let plan = run(&inst, model, Some(4), Solver::Exact);
        let mut named: Vec<String> = plan
            .infeasible
            .iter()
            .map(|g| g.gate.clone().unwrap())
            .collect();
        named.sort();
        let mut want = inst.infeasible.clone();
        want.sort();
        assert_eq!(named, want);
        for g in &plan.infeasible {
            let m = g.nearest_candidate_m.unwrap();
            assert!(m > inst.radius, "{}: {m}", g.gate.as_deref().unwrap());
            assert!(g.gate.as_deref().unwrap().starts_with(&g.school_id));
        }
    }
}

#[test]
fn fixed_posts_are_kept_and_count_towards_p() {
    let mut inst = instances().into_iter().next().unwrap();
    inst.user[0].fixed = true;
    let lscp = run(&inst, Model::Lscp, None, Solver::Exact);
    assert!(lscp.posts.iter().any(|p| p.fixed && p.candidate == "U1"));
    assert!(lscp.proven_optimal);
    // Forcing a post can only cost posts: at most one more than the free optimum.
    assert!(lscp.posts.len() >= inst.lscp && lscp.posts.len() <= inst.lscp + 1);
    let mclp = run(&inst, Model::Mclp, Some(3), Solver::Exact);
    assert_eq!(mclp.posts.iter().filter(|p| p.fixed).count(), 1);
    assert!(mclp.posts.len() <= 3);
    assert!(mclp.objective <= inst.mclp[0].1 + 1e-6);
    let err = plan(
        &inst.schools,
        &PlanParams {
            model: Model::Mclp,
            p: Some(0),
            extra_candidates: inst.user.clone(),
            ..PlanParams::default()
        },
        &PostsConfig::default(),
    )
    .unwrap_err();
    assert_eq!(err.to_string(), "p = 0 is fewer than the 1 fixed posts");
}
