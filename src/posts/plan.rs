//! The whole pipeline: demand → candidates → coverage → components → LSCP or MCLP → gates to posts →
//! one responsible post per school → windows → roster.

use std::time::Instant;

use rayon::prelude::*;
use serde::Serialize;

use super::assign::assign;
use super::candidates::{boundary_candidates, gate_candidates, Candidate};
use super::components::{components, Component, Sub};
use super::config::{PostsConfig, Window};
use super::coverage::{coverage, nearest};
use super::demand::{demand_points, DemandPoint};
use super::maxcover::MaxCover;
use super::setcover::min_cover;
use super::windows::{roster, Duty};
use crate::model::School;

/// Which location model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Model {
    /// Location set covering: the fewest posts covering every gate that can be covered.
    Lscp,
    /// Maximal covering: `p` posts covering the most weight.
    Mclp,
}

impl std::str::FromStr for Model {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "lscp" => Ok(Model::Lscp),
            "mclp" => Ok(Model::Mclp),
            _ => Err(format!("unknown model '{s}' (expected lscp or mclp)")),
        }
    }
}

/// How hard to try.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Solver {
    /// Branch and bound per component, up to a node budget per component (and per `q` for MCLP).
    Exact,
    /// Greedy + local search with bounds, no branching.
    Heuristic,
}

impl std::str::FromStr for Solver {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "exact" => Ok(Solver::Exact),
            "heuristic" => Ok(Solver::Heuristic),
            _ => Err(format!(
                "unknown solver '{s}' (expected exact or heuristic)"
            )),
        }
    }
}

/// Default branch-and-bound node budget per component of the exact solver.
pub const DEFAULT_NODE_BUDGET: u64 = 2_000_000;

/// What to plan.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanParams {
    pub model: Model,
    /// Coverage radius, metres (inclusive).
    pub radius_m: f64,
    /// Number of posts for MCLP (fixed posts included).
    pub p: Option<usize>,
    pub solver: Solver,
    pub node_budget: u64,
    /// Use the gates themselves as candidates.
    pub gate_candidates: bool,
    /// Also place candidates along every campus boundary this many metres apart.
    pub boundary_every_m: Option<f64>,
    /// Candidates supplied by the user (police boxes, crossings), some possibly fixed.
    pub extra_candidates: Vec<Candidate>,
    /// At most this many schools per responsible post.
    pub capacity: Option<usize>,
}

impl Default for PlanParams {
    fn default() -> Self {
        PlanParams {
            model: Model::Lscp,
            radius_m: 300.0,
            p: None,
            solver: Solver::Exact,
            node_budget: DEFAULT_NODE_BUDGET,
            gate_candidates: true,
            boundary_every_m: None,
            extra_candidates: Vec::new(),
            capacity: None,
        }
    }
}

/// Why a plan cannot be made (bad parameters; infeasible gates are not an error).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PlanError {
    #[error("radius must be a positive number of metres up to 100000, not {0}")]
    Radius(f64),
    #[error("the mclp model needs p (the number of posts)")]
    MissingP,
    #[error("p = {p} is fewer than the {fixed} fixed posts")]
    FewerThanFixed { p: usize, fixed: usize },
    #[error("boundary spacing must be at least 1 metre, not {0}")]
    Spacing(f64),
    #[error("capacity must be at least 1 school per post")]
    Capacity,
    #[error("candidate '{id}': {message}")]
    Candidate { id: String, message: String },
}

/// A chosen post.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Post {
    /// `P001`, `P002`, … in candidate order.
    pub id: String,
    /// The candidate's id.
    pub candidate: String,
    pub name: Option<String>,
    pub lon: f64,
    pub lat: f64,
    pub source: &'static str,
    pub fixed: bool,
    /// Demand points (indices into [`Plan::demand`]) this post covers (each point goes to its nearest
    /// covering post).
    pub gates: Vec<usize>,
    /// Schools (dataset indices) with a gate here or responsible to this post.
    pub schools: Vec<usize>,
    pub morning: Window,
    pub afternoon: Window,
    /// The officer (0-based) staffing it.
    pub officer: usize,
}

/// A gate no candidate is within the radius of.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Infeasible {
    pub school_id: String,
    pub school_name: String,
    pub gate: Option<String>,
    pub lon: f64,
    pub lat: f64,
    /// Distance to the nearest candidate, metres (`None` without candidates).
    pub nearest_candidate_m: Option<f64>,
}

/// A school's responsible post.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SchoolDuty {
    pub school: usize,
    /// Index into [`Plan::posts`]; `None` when every post is full (capacity) or there are no posts.
    pub post: Option<usize>,
    /// From the school's nearest gate to the post, metres.
    pub distance_m: Option<f64>,
    /// Every demand point of the school is covered.
    pub covered: bool,
}

/// A plan and its quality.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    pub model: Model,
    pub solver: Solver,
    pub radius_m: f64,
    pub p: Option<usize>,
    pub posts: Vec<Post>,
    pub covered_weight: f64,
    pub total_weight: f64,
    /// LSCP: the number of posts; MCLP: the covered weight.
    pub objective: f64,
    /// LSCP: a lower bound on the number of posts; MCLP: an upper bound on the covered weight.
    pub bound: f64,
    /// |objective − bound| / max(objective, bound): 0 when proven optimal.
    pub gap: f64,
    pub proven_optimal: bool,
    /// Wall-clock seconds of the planning (no I/O).
    pub seconds: f64,
    pub demand: Vec<DemandPoint>,
    pub candidates: usize,
    pub components: usize,
    pub nodes: u64,
    pub infeasible: Vec<Infeasible>,
    /// Demand points covered by no post.
    pub uncovered: Vec<usize>,
    pub schools: Vec<SchoolDuty>,
    pub officers: usize,
    pub officers_lower_bound: usize,
}

#[derive(Debug, Default)]
struct Solved {
    cols: Vec<u32>,
    bound: f64,
    proven: bool,
    nodes: u64,
}

fn solve_lscp(c: &Component, sub: &Sub, budget: u64) -> Solved {
    let r = min_cover(sub, budget);
    Solved {
        cols: r.chosen.iter().map(|&j| c.cols[j as usize]).collect(),
        bound: r.lower as f64,
        proven: r.proven,
        nodes: r.nodes,
    }
}

/// Per component, for `q = 0..=Q`: achieved value, upper bound and the columns.
struct Profile {
    value: Vec<f64>,
    upper: Vec<f64>,
    sets: Vec<Vec<u32>>,
    nodes: u64,
}

fn mclp_profile(sub: &Sub, qmax: usize, exact: bool, budget: u64) -> Profile {
    let mc = MaxCover::new(sub);
    let g = mc.greedy_profile(qmax);
    let top = g.order.len().min(qmax);
    let mut out = Profile {
        value: vec![0.0],
        upper: vec![0.0],
        sets: vec![Vec::new()],
        nodes: 0,
    };
    for q in 1..=top {
        let inc: Vec<u32> = g.order[..q].to_vec();
        let (v, u, set) = if (g.value[q] - mc.total).abs() <= 1e-9 * mc.total.max(1.0) {
            (g.value[q], g.value[q], inc)
        } else if exact {
            let r = mc.solve(q, budget, inc, g.upper[q]);
            out.nodes += r.nodes;
            (r.value, r.upper, r.chosen)
        } else {
            (g.value[q], g.upper[q], inc)
        };
        out.value.push(v);
        out.upper.push(u);
        out.sets.push(set);
    }
    out
}

/// Best allocation of `p` posts among components: `(value, choice per component)` by dynamic
/// programming over `vals[c][q]`.
fn allocate(vals: &[&[f64]], p: usize) -> (f64, Vec<usize>) {
    let mut f = vec![0.0f64; p + 1];
    let mut choice: Vec<Vec<u32>> = Vec::with_capacity(vals.len());
    for v in vals {
        let mut g = vec![f64::NEG_INFINITY; p + 1];
        let mut ch = vec![0u32; p + 1];
        for k in 0..=p {
            for (q, &x) in v.iter().enumerate().take(k + 1) {
                let cand = f[k - q] + x;
                if cand > g[k] {
                    g[k] = cand;
                    ch[k] = q as u32;
                }
            }
        }
        f = g;
        choice.push(ch);
    }
    let mut k = (0..=p)
        .max_by(|&a, &b| f[a].total_cmp(&f[b]).then(b.cmp(&a)))
        .unwrap_or(0);
    let best = f[k];
    let mut out = vec![0; vals.len()];
    for c in (0..vals.len()).rev() {
        let q = choice[c][k] as usize;
        out[c] = q;
        k -= q;
    }
    (best, out)
}

/// Allocation of `p` posts by marginal gains (for concave values), for instances too large for the
/// dynamic programme, and the Lagrangian upper bound `min over λ ≥ 0 of λp + Σ max_q (u(q) − λq)`.
fn allocate_large(vals: &[&[f64]], uppers: &[&[f64]], p: usize) -> (f64, Vec<usize>, f64) {
    use std::collections::BinaryHeap;
    #[derive(PartialEq)]
    struct G(f64, usize);
    impl Eq for G {}
    impl PartialOrd for G {
        fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
            Some(self.cmp(o))
        }
    }
    impl Ord for G {
        fn cmp(&self, o: &Self) -> std::cmp::Ordering {
            self.0.total_cmp(&o.0).then(o.1.cmp(&self.1))
        }
    }
    let mut q = vec![0usize; vals.len()];
    let mut heap: BinaryHeap<G> = vals
        .iter()
        .enumerate()
        .filter(|(_, v)| v.len() > 1)
        .map(|(c, v)| G(v[1] - v[0], c))
        .collect();
    let mut left = p;
    let mut total = 0.0;
    while left > 0 {
        let Some(G(g, c)) = heap.pop() else { break };
        if g <= 0.0 {
            break;
        }
        total += g;
        q[c] += 1;
        left -= 1;
        if q[c] + 1 < vals[c].len() {
            heap.push(G(vals[c][q[c] + 1] - vals[c][q[c]], c));
        }
    }
    let ub_at = |lam: f64| -> f64 {
        lam * p as f64
            + uppers
                .iter()
                .map(|u| {
                    u.iter()
                        .enumerate()
                        .map(|(k, &x)| x - lam * k as f64)
                        .fold(f64::NEG_INFINITY, f64::max)
                })
                .sum::<f64>()
    };
    let (mut lo, mut hi) = (
        0.0,
        uppers
            .iter()
            .filter_map(|u| u.get(1))
            .fold(0.0f64, |a, &b| a.max(b)),
    );
    for _ in 0..100 {
        let m1 = lo + (hi - lo) / 3.0;
        let m2 = hi - (hi - lo) / 3.0;
        if ub_at(m1) <= ub_at(m2) {
            hi = m2;
        } else {
            lo = m1;
        }
    }
    let ub = ub_at(lo).min(ub_at(hi)).min(ub_at(0.0));
    (total, q, ub)
}

/// Plans guard posts for `schools`.
pub fn plan(
    schools: &[School],
    params: &PlanParams,
    config: &PostsConfig,
) -> Result<Plan, PlanError> {
    let t0 = Instant::now();
    let r = params.radius_m;
    if !(r.is_finite() && r > 0.0 && r <= 100_000.0) {
        return Err(PlanError::Radius(r));
    }
    if let Some(s) = params.boundary_every_m {
        if !(s.is_finite() && s >= 1.0) {
            return Err(PlanError::Spacing(s));
        }
    }
    if params.capacity == Some(0) {
        return Err(PlanError::Capacity);
    }
    for c in &params.extra_candidates {
        if !(c.lon.is_finite() && c.lat.is_finite() && c.lon.abs() <= 180.0 && c.lat.abs() <= 90.0)
        {
            return Err(PlanError::Candidate {
                id: c.id.clone(),
                message: format!("({}, {}) is not a WGS84 longitude/latitude", c.lon, c.lat),
            });
        }
    }
    let fixed_count = params.extra_candidates.iter().filter(|c| c.fixed).count();
    let p = match params.model {
        Model::Lscp => None,
        Model::Mclp => {
            let p = params.p.ok_or(PlanError::MissingP)?;
            if p < fixed_count {
                return Err(PlanError::FewerThanFixed {
                    p,
                    fixed: fixed_count,
                });
            }
            Some(p)
        }
    };

    let demand = demand_points(schools, config);
    let mut cands: Vec<Candidate> = Vec::new();
    if params.gate_candidates {
        cands.extend(gate_candidates(&demand, schools));
    }
    if let Some(every) = params.boundary_every_m {
        cands.extend(boundary_candidates(schools, every));
    }
    cands.extend(params.extra_candidates.iter().cloned());
    let dpts: Vec<(f64, f64)> = demand.iter().map(|d| (d.lon, d.lat)).collect();
    let cpts: Vec<(f64, f64)> = cands.iter().map(|c| (c.lon, c.lat)).collect();
    let cov = coverage(&dpts, &cpts, r);
    let weights: Vec<f64> = demand.iter().map(|d| d.weight).collect();
    let total_weight: f64 = weights.iter().sum();

    let infeasible: Vec<Infeasible> = cov
        .rows
        .iter()
        .enumerate()
        .filter(|(_, r)| r.is_empty())
        .map(|(i, _)| {
            let d = &demand[i];
            let s = &schools[d.school];
            Infeasible {
                school_id: s.id.clone(),
                school_name: s.name.clone(),
                gate: d.gate.clone(),
                lon: d.lon,
                lat: d.lat,
                nearest_candidate_m: nearest(&cpts, (d.lon, d.lat)).map(|n| n.1),
            }
        })
        .collect();

    // Fixed posts are chosen; what they cover is done.
    let fixed: Vec<u32> = (0..cands.len() as u32)
        .filter(|&j| cands[j as usize].fixed)
        .collect();
    let by_fixed: Vec<bool> = cov
        .rows
        .iter()
        .map(|r| r.iter().any(|c| cands[*c as usize].fixed))
        .collect();
    let comps = components(&cov.rows, |i| !by_fixed[i]);
    let subs: Vec<Sub> = comps
        .par_iter()
        .map(|c| Sub::from_component(c, &cov.rows, &weights))
        .collect();
    let exact = params.solver == Solver::Exact;
    let budget = if exact { params.node_budget } else { 0 };
    let fixed_weight: f64 = (0..demand.len())
        .filter(|&i| by_fixed[i])
        .map(|i| weights[i])
        .sum();

    let mut chosen: Vec<u32> = fixed.clone();
    let (objective, bound, proven, nodes);
    match params.model {
        Model::Lscp => {
            let solved: Vec<Solved> = comps
                .par_iter()
                .zip(&subs)
                .map(|(c, s)| solve_lscp(c, s, budget))
                .collect();
            for s in &solved {
                chosen.extend_from_slice(&s.cols);
            }
            objective = chosen.len() as f64;
            bound = fixed.len() as f64 + solved.iter().map(|s| s.bound).sum::<f64>();
            proven = solved.iter().all(|s| s.proven);
            nodes = solved.iter().map(|s| s.nodes).sum();
        }
        Model::Mclp => {
            // More posts than candidates in play changes nothing (and p may be huge).
            let in_play: usize = subs.iter().map(|s| s.cols.len()).sum();
            let free = (p.unwrap_or(0) - fixed.len()).min(in_play);
            let profiles: Vec<Profile> = subs
                .par_iter()
                .map(|s| mclp_profile(s, free.min(s.cols.len()), exact, budget))
                .collect();
            let vals: Vec<&[f64]> = profiles.iter().map(|p| p.value.as_slice()).collect();
            let ups: Vec<&[f64]> = profiles.iter().map(|p| p.upper.as_slice()).collect();
            let cells: usize = profiles.len() * (free + 1);
            let (mut value, alloc, ub) = if cells <= 20_000_000 {
                let (v, a) = allocate(&vals, free);
                let (u, _) = allocate(&ups, free);
                (v, a, u)
            } else {
                allocate_large(&vals, &ups, free)
            };
            for (k, &q) in alloc.iter().enumerate() {
                if q == 0 {
                    continue;
                }
                let mut set = profiles[k].sets[q].clone();
                if !exact {
                    let mc = MaxCover::new(&subs[k]);
                    let before = profiles[k].value[q];
                    let after = mc.local_search(&mut set);
                    value += after - before;
                }
                chosen.extend(set.iter().map(|&j| comps[k].cols[j as usize]));
            }
            objective = fixed_weight + value;
            bound = (fixed_weight + ub).max(objective);
            proven = (bound - objective) <= 1e-9 * bound.max(1.0);
            nodes = profiles.iter().map(|p| p.nodes).sum::<u64>();
        }
    }
    chosen.sort_unstable();
    chosen.dedup();

    // Each demand point goes to its nearest chosen post within the radius.
    let slot: std::collections::HashMap<u32, usize> =
        chosen.iter().enumerate().map(|(k, &j)| (j, k)).collect();
    let mut post_gates: Vec<Vec<usize>> = vec![Vec::new(); chosen.len()];
    let mut uncovered = Vec::new();
    let mut covered_weight = 0.0;
    let mut gate_covered = vec![false; demand.len()];
    for (i, (row, dist)) in cov.rows.iter().zip(&cov.dist).enumerate() {
        let best = row
            .iter()
            .zip(dist)
            .filter_map(|(c, d)| slot.get(c).map(|&k| (k, *d)))
            .min_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
        match best {
            Some((k, _)) => {
                post_gates[k].push(i);
                covered_weight += weights[i];
                gate_covered[i] = true;
            }
            None => uncovered.push(i),
        }
    }

    // One responsible post per school.
    let mut school_pts: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut school_of: Vec<usize> = Vec::new();
    let mut school_ok: Vec<bool> = Vec::new();
    for (i, d) in demand.iter().enumerate() {
        if school_of.last() != Some(&d.school) {
            school_of.push(d.school);
            school_pts.push(Vec::new());
            school_ok.push(true);
        }
        if let Some(v) = school_pts.last_mut() {
            v.push((d.lon, d.lat));
        }
        if let Some(ok) = school_ok.last_mut() {
            *ok &= gate_covered[i];
        }
    }
    let post_pts: Vec<(f64, f64)> = chosen.iter().map(|&j| cpts[j as usize]).collect();
    let resp = assign(&school_pts, &post_pts, params.capacity);
    let duties: Vec<SchoolDuty> = resp
        .iter()
        .enumerate()
        .map(|(k, a)| SchoolDuty {
            school: school_of[k],
            post: a.map(|x| x.0 as usize),
            distance_m: a.map(|x| x.1),
            covered: school_ok[k],
        })
        .collect();
    let mut post_schools: Vec<Vec<usize>> = post_gates
        .iter()
        .map(|g| g.iter().map(|&i| demand[i].school).collect())
        .collect();
    for d in &duties {
        if let Some(k) = d.post {
            post_schools[k].push(d.school);
        }
    }
    let other = config.kind(crate::model::SchoolKind::Other);
    let mut posts: Vec<Post> = chosen
        .iter()
        .enumerate()
        .map(|(k, &j)| {
            let c = &cands[j as usize];
            let mut ss = std::mem::take(&mut post_schools[k]);
            ss.sort_unstable();
            ss.dedup();
            let mut morning: Option<Window> = None;
            let mut afternoon: Option<Window> = None;
            for &s in &ss {
                let ks = config.kind(schools[s].kind);
                morning = Some(morning.map_or(ks.morning, |w| w.hull(&ks.morning)));
                afternoon = Some(afternoon.map_or(ks.afternoon, |w| w.hull(&ks.afternoon)));
            }
            Post {
                id: format!("P{:03}", k + 1),
                candidate: c.id.clone(),
                name: c.name.clone(),
                lon: c.lon,
                lat: c.lat,
                source: c.source.as_str(),
                fixed: c.fixed,
                gates: std::mem::take(&mut post_gates[k]),
                schools: ss,
                morning: morning.unwrap_or(other.morning),
                afternoon: afternoon.unwrap_or(other.afternoon),
                officer: 0,
            }
        })
        .collect();
    let duty_list: Vec<Duty> = posts
        .iter()
        .map(|p| Duty {
            lon: p.lon,
            lat: p.lat,
            morning: p.morning,
            afternoon: p.afternoon,
        })
        .collect();
    let ros = roster(&duty_list, config.travel_minutes, config.max_travel_m);
    for (p, &o) in posts.iter_mut().zip(&ros.officer) {
        p.officer = o;
    }
    let gap = if objective.max(bound) > 0.0 {
        (objective - bound).abs() / objective.max(bound)
    } else {
        0.0
    };
    Ok(Plan {
        model: params.model,
        solver: params.solver,
        radius_m: r,
        p,
        covered_weight,
        total_weight,
        objective,
        bound,
        gap: if proven { 0.0 } else { gap },
        proven_optimal: proven,
        seconds: t0.elapsed().as_secs_f64(),
        candidates: cands.len(),
        components: comps.len(),
        nodes,
        infeasible,
        uncovered,
        schools: duties,
        officers: ros.officers,
        officers_lower_bound: ros.lower_bound,
        demand,
        posts,
    })
}
