//! Guard posts (护学岗): where police should stand at school gates, and who answers for which school
//! (一校一警). No I/O.
//!
//! - [`demand`]: the points to cover — every gate of every school of minors, weighted by pupils
//!   (spread over the school's gates) or by a default per school kind; a school without gates is
//!   represented by its point or its centroid, flagged approximate.
//! - [`candidates`]: where a post may stand — the gates themselves, points the user supplies
//!   (police boxes 警务室, crossings; some of them fixed, i.e. always staffed) and optional points along
//!   each campus boundary every N metres.
//! - [`coverage`]: which candidates lie within `r` metres (ellipsoidal, inclusive) of each demand point,
//!   found through an R-tree and measured with [`crate::geodesy::ground_distance_m`].
//! - [`components`]: the demand/candidate graph splits into independent connected components.
//! - [`setcover`] (LSCP) and [`maxcover`] (MCLP): exact branch-and-bound per component with reductions
//!   and bounds, or greedy + local search with a bound; every answer carries its bound and gap.
//! - [`assign`]: one responsible post per school, at most `k` schools per post, minimum total distance
//!   (min-cost flow).
//! - [`windows`]: arrival/departure windows per school kind (configurable TOML) and the duty roster.
//! - [`plan()`]: the whole pipeline and its result.

pub mod assign;
pub mod candidates;
pub mod components;
pub mod config;
pub mod coverage;
pub mod demand;
pub mod maxcover;
pub mod plan;
pub mod setcover;
pub mod windows;

pub use candidates::{Candidate, CandidateSource};
pub use config::{PostsConfig, PostsConfigError};
pub use demand::DemandPoint;
pub use plan::{plan, Model, Plan, PlanError, PlanParams, Solver};

/// Is every element of `a` in `b`? Both sorted ascending, without repeats (rows and columns of the
/// coverage matrix, used by the set-cover and max-cover reductions).
pub(crate) fn is_subset(a: &[u32], b: &[u32]) -> bool {
    let mut j = 0;
    for &x in a {
        while j < b.len() && b[j] < x {
            j += 1;
        }
        if j == b.len() || b[j] != x {
            return false;
        }
        j += 1;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::is_subset;

    /// Against a plain membership test, on every pair of subsets of 0..8.
    #[test]
    fn is_subset_equals_membership() {
        let set = |m: u32| -> Vec<u32> { (0..8).filter(|i| m >> i & 1 == 1).collect() };
        for ma in 0..256u32 {
            for mb in 0..256u32 {
                let (a, b) = (set(ma), set(mb));
                let want = a.iter().all(|x| b.contains(x));
                assert_eq!(is_subset(&a, &b), want, "{a:?} ⊆ {b:?}");
            }
        }
    }
}
