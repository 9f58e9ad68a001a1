//! Which candidates lie within `r` metres of each demand point.

use rayon::prelude::*;
use rstar::primitives::GeomWithData;
use rstar::RTree;

use crate::geodesy::ground_distance_m;
use crate::index::expand_by_metres;

/// Sparse coverage: for each demand point, the candidates within the radius and their distances.
#[derive(Debug, Clone, PartialEq)]
pub struct Coverage {
    /// `rows[i]`: candidate indices within the radius of demand point `i`, ascending.
    pub rows: Vec<Vec<u32>>,
    /// `dist[i][k]`: metres from demand point `i` to candidate `rows[i][k]`.
    pub dist: Vec<Vec<f64>>,
}

/// Builds the coverage of `demand` by `candidates` (both lon/lat degrees) at `radius_m` metres, inclusive:
/// a candidate exactly `radius_m` away covers. Candidates are found through an R-tree and measured with
/// [`ground_distance_m`].
///
/// ```
/// use perimeter::posts::coverage::coverage;
/// use perimeter::geodesy::ground_distance_m;
/// let d = [(112.0, 33.0)];
/// let far = (112.0, 33.0 + 300.5 / 110_900.0);
/// let c = coverage(&d, &[(112.001, 33.0), far], 300.0);
/// assert_eq!(c.rows[0], vec![0]);
/// assert!(ground_distance_m(d[0], far) > 300.0);
/// ```
pub fn coverage(demand: &[(f64, f64)], candidates: &[(f64, f64)], radius_m: f64) -> Coverage {
    let tree = RTree::bulk_load(
        candidates
            .iter()
            .enumerate()
            .map(|(j, &(x, y))| GeomWithData::new([x, y], j as u32))
            .collect(),
    );
    let pairs: Vec<(Vec<u32>, Vec<f64>)> = demand
        .par_iter()
        .map(|&p| {
            let env = expand_by_metres([p.0, p.1, p.0, p.1], radius_m);
            let mut hits: Vec<(u32, f64)> = tree
                .locate_in_envelope(&env)
                .filter_map(|e| {
                    let c = e.geom();
                    let d = ground_distance_m(p, (c[0], c[1]));
                    (d <= radius_m).then_some((e.data, d))
                })
                .collect();
            hits.sort_unstable_by_key(|h| h.0);
            hits.into_iter().unzip()
        })
        .collect();
    let (rows, dist) = pairs.into_iter().unzip();
    Coverage { rows, dist }
}

/// The nearest candidate to a point and its distance (metres), if there is any candidate.
pub fn nearest(candidates: &[(f64, f64)], p: (f64, f64)) -> Option<(usize, f64)> {
    candidates
        .iter()
        .enumerate()
        .map(|(j, &c)| (j, ground_distance_m(p, c)))
        .min_by(|a, b| a.1.total_cmp(&b.1))
}
