//! The guard-post plan (护学岗) the server publishes: planned once at start-up for the served schools
//! and shown as two collections and tile layers, `posts` (one point per post) and `post_links` (a line
//! from each post to every gate it covers).
//!
//! **Sensitive.** A plan says where police stand and when. [`ServedPosts`] holds the published plan
//! (read through `Published::post` and `Published::post_link`), and [`is_sensitive`] names the
//! collections and tile layers that carry it: an access check in the collection and tile handlers
//! needs only to ask it. (`POST /posts/plan` is a route of its own, `routes/posts.rs`.)
//!
//! **Size.** At county size the plan takes milliseconds; the generated province (40 000 schools) about
//! 1.5 s with the heuristic. It is computed beside the scan (in parallel), exact up to [`EXACT_MAX_SCHOOLS`] schools, with
//! the heuristic up to [`PLAN_MAX_SCHOOLS`], and skipped above (the collections are then empty); the
//! start-up log says which.

use crate::geodesy::ground_distance_m;
use crate::model::School;
use crate::posts::plan::Post;
use crate::posts::{DemandPoint, Model, Plan, PlanParams, PostsConfig, Solver};

use super::collections::CollectionId;

/// Up to this many schools the default plan is solved exactly (branch and bound, node budget of
/// `POST /posts/plan`).
pub const EXACT_MAX_SCHOOLS: usize = 20_000;
/// Up to this many schools the default plan is made with the heuristic; above, no plan is made.
pub const PLAN_MAX_SCHOOLS: usize = 200_000;

/// True for the collections and tile layers that show the guard-post plan (`posts`, `post_links`).
pub fn is_sensitive(c: CollectionId) -> bool {
    matches!(c, CollectionId::Posts | CollectionId::PostLinks)
}

/// The access check for sensitive collections and tile layers: reading any of `layers` that shows the
/// plan needs a token whose role may see guard-post plans (police, analyst, admin); 401/403 otherwise.
pub fn check_access(
    state: &super::AppState,
    headers: &axum::http::HeaderMap,
    layers: &[CollectionId],
) -> Result<(), super::error::ApiError> {
    if layers.iter().any(|&c| is_sensitive(c)) {
        super::auth::require(
            state,
            headers,
            crate::ledger::Role::may_plan_posts,
            "see guard-post plans (police, analyst and admin only)",
        )?;
    }
    Ok(())
}

/// The plan the server makes when started without other instructions: LSCP, r = 300 m, the gates as
/// candidates (as `perimeter posts plan`), with the node budget of `POST /posts/plan`.
pub fn default_params() -> PlanParams {
    PlanParams {
        node_budget: super::routes::posts::NODE_BUDGET,
        ..PlanParams::default()
    }
}

/// What became of the start-up plan.
#[derive(Debug, Clone, PartialEq)]
pub enum PostsStatus {
    /// Planned with this solver in this many seconds; `heuristic_for_size`: the heuristic was used
    /// because there are more than [`EXACT_MAX_SCHOOLS`] schools.
    Planned {
        solver: Solver,
        seconds: f64,
        heuristic_for_size: bool,
    },
    /// Not asked for (`--no-posts`).
    Disabled,
    /// More schools than `limit`.
    Skipped { schools: usize, limit: usize },
    /// The parameters were refused.
    Failed(String),
}

/// A line of `post_links`: post `post` (index into [`Plan::posts`]) covers demand point `gate` (index
/// into [`Plan::demand`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Link {
    pub post: u32,
    pub gate: u32,
}

/// The published plan: the plan, its links in post order (each post's gates in its order), and each
/// post's covered weight.
#[derive(Debug)]
pub struct ServedPosts {
    pub status: PostsStatus,
    /// The plan; without posts when none was made.
    pub plan: Plan,
    pub links: Vec<Link>,
    pub covered_weight: Vec<f64>,
}

impl ServedPosts {
    /// No plan.
    pub fn none(status: PostsStatus) -> ServedPosts {
        ServedPosts {
            status,
            plan: empty_plan(),
            links: Vec::new(),
            covered_weight: Vec::new(),
        }
    }

    /// Plans for `schools` with `params` (`None`: no plan), under the size limits of the module.
    pub fn plan(schools: &[School], params: Option<&PlanParams>) -> ServedPosts {
        ServedPosts::plan_within(schools, params, EXACT_MAX_SCHOOLS, PLAN_MAX_SCHOOLS)
    }

    /// As [`ServedPosts::plan`]: exact up to `exact_max` schools, heuristic up to `plan_max`, none above.
    pub fn plan_within(
        schools: &[School],
        params: Option<&PlanParams>,
        exact_max: usize,
        plan_max: usize,
    ) -> ServedPosts {
        let Some(params) = params else {
            return ServedPosts::none(PostsStatus::Disabled);
        };
        let n = schools.len();
        if n > plan_max {
            return ServedPosts::none(PostsStatus::Skipped {
                schools: n,
                limit: plan_max,
            });
        }
        let mut params = params.clone();
        let for_size = n > exact_max && params.solver == Solver::Exact;
        if for_size {
            params.solver = Solver::Heuristic;
        }
        match crate::posts::plan(schools, &params, &PostsConfig::default()) {
            Ok(plan) => {
                let mut served = ServedPosts::from_plan(plan);
                if let PostsStatus::Planned {
                    heuristic_for_size, ..
                } = &mut served.status
                {
                    *heuristic_for_size = for_size;
                }
                served
            }
            Err(e) => ServedPosts::none(PostsStatus::Failed(e.to_string())),
        }
    }

    /// Publishes a plan.
    pub fn from_plan(plan: Plan) -> ServedPosts {
        let mut links = Vec::new();
        let mut covered_weight = Vec::with_capacity(plan.posts.len());
        for (k, p) in plan.posts.iter().enumerate() {
            covered_weight.push(p.gates.iter().map(|&g| plan.demand[g].weight).sum());
            links.extend(p.gates.iter().map(|&g| Link {
                post: k as u32,
                gate: g as u32,
            }));
        }
        ServedPosts {
            status: PostsStatus::Planned {
                solver: plan.solver,
                seconds: plan.seconds,
                heuristic_for_size: false,
            },
            plan,
            links,
            covered_weight,
        }
    }

    /// Number of posts.
    pub fn posts(&self) -> usize {
        self.plan.posts.len()
    }

    /// One line for the start-up log.
    pub fn summary(&self) -> String {
        let p = &self.plan;
        match &self.status {
            PostsStatus::Planned {
                solver,
                seconds,
                heuristic_for_size,
            } => {
                let gates = p.demand.len();
                format!(
                    "guard posts: {} posts ({}, r = {} m, {} solver{}{}) cover {}/{} gates, {} officers, {:.3} s",
                    p.posts.len(),
                    match p.model {
                        Model::Lscp => "lscp",
                        Model::Mclp => "mclp",
                    },
                    p.radius_m,
                    match solver {
                        Solver::Exact => "exact",
                        Solver::Heuristic => "heuristic",
                    },
                    if *heuristic_for_size {
                        " as there are too many schools for the exact one".to_string()
                    } else {
                        String::new()
                    },
                    if p.proven_optimal { ", proven optimal" } else { "" },
                    gates - p.uncovered.len(),
                    gates,
                    p.officers,
                    seconds
                )
            }
            PostsStatus::Disabled => {
                "guard posts: not planned (--no-posts); the posts layers are empty".to_string()
            }
            PostsStatus::Skipped { schools, limit } => format!(
                "guard posts: not planned at start-up for {schools} schools (more than {limit}); the posts layers are empty — use `perimeter posts plan`"
            ),
            PostsStatus::Failed(e) => {
                format!("guard posts: not planned ({e}); the posts layers are empty")
            }
        }
    }
}

/// A plan with nothing in it (no plan was made).
fn empty_plan() -> Plan {
    Plan {
        model: Model::Lscp,
        solver: Solver::Exact,
        radius_m: 0.0,
        p: None,
        posts: Vec::new(),
        covered_weight: 0.0,
        total_weight: 0.0,
        objective: 0.0,
        bound: 0.0,
        gap: 0.0,
        proven_optimal: false,
        seconds: 0.0,
        demand: Vec::new(),
        candidates: 0,
        components: 0,
        nodes: 0,
        infeasible: Vec::new(),
        uncovered: Vec::new(),
        schools: Vec::new(),
        officers: 0,
        officers_lower_bound: 0,
    }
}

/// The ellipsoidal distance from a post to a gate it covers, metres rounded to the centimetre (as in
/// `posts.geojson`).
pub fn link_distance_m(post: &Post, gate: &DemandPoint) -> f64 {
    (ground_distance_m((gate.lon, gate.lat), (post.lon, post.lat)) * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{SchoolKind, Site};
    use geo_types::Point;

    fn schools(n: usize) -> Vec<School> {
        (0..n)
            .map(|i| School {
                id: format!("S{i}"),
                name: format!("学校{i}"),
                kind: SchoolKind::Primary,
                township: None,
                // 0.01° of longitude apart: about 930 m at 33.5°N, so one post per school at 300 m.
                site: Site::Point(Point::new(112.5 + 0.01 * i as f64, 33.5)),
                gates: vec![],
                pupils: Some(100 + i as u32),
            })
            .collect()
    }

    #[test]
    fn size_limits() {
        let ss = schools(3);
        let p = default_params();
        let exact = ServedPosts::plan_within(&ss, Some(&p), 3, 3);
        assert_eq!(exact.posts(), 3);
        assert_eq!(exact.links.len(), 3);
        assert_eq!(exact.covered_weight, [100.0, 101.0, 102.0]);
        assert!(matches!(
            exact.status,
            PostsStatus::Planned {
                solver: Solver::Exact,
                heuristic_for_size: false,
                ..
            }
        ));
        let heuristic = ServedPosts::plan_within(&ss, Some(&p), 2, 3);
        assert_eq!(heuristic.posts(), 3);
        assert_eq!(heuristic.plan.solver, Solver::Heuristic);
        assert!(heuristic
            .summary()
            .contains("heuristic solver as there are too many schools for the exact one"));
        let skipped = ServedPosts::plan_within(&ss, Some(&p), 1, 2);
        assert_eq!(skipped.posts(), 0);
        assert!(skipped.links.is_empty());
        assert_eq!(
            skipped.summary(),
            "guard posts: not planned at start-up for 3 schools (more than 2); the posts layers are empty — use `perimeter posts plan`"
        );
        let off = ServedPosts::plan_within(&ss, None, 3, 3);
        assert_eq!((off.posts(), off.status), (0, PostsStatus::Disabled));
        let bad = PlanParams {
            radius_m: 0.0,
            ..default_params()
        };
        let failed = ServedPosts::plan_within(&ss, Some(&bad), 3, 3);
        assert_eq!(failed.posts(), 0);
        assert!(failed
            .summary()
            .starts_with("guard posts: not planned (radius must be"));
    }
}
