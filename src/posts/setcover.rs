//! LSCP on one component: the fewest columns (posts) covering every row (demand point).
//!
//! 1. Reductions, repeated until nothing changes: a row with a single column forces that column; a row
//!    whose columns include all the columns of another row is covered whenever that row is, so it is
//!    dropped; a column whose rows are a subset of another column's rows is never needed, so it is
//!    dropped (of two equal columns the lower index stays).
//! 2. An incumbent: greedy (most uncovered rows first, lowest index on ties), then local search —
//!    drop redundant columns, replace two columns by one.
//! 3. A lower bound: rows whose column sets are pairwise disjoint each need a column of their own, so a
//!    greedy packing of such rows (fewest columns first) bounds the optimum from below.
//! 4. Branch and bound (when the node budget allows): branch on the uncovered row with the fewest
//!    allowed columns, one child per column (siblings tried earlier are forbidden), pruned by the
//!    packing bound. Finishing within the budget proves the incumbent optimal.

use super::components::Sub;
use super::is_subset;

/// The answer for one component.
#[derive(Debug, Clone, PartialEq)]
pub struct CoverResult {
    /// Chosen columns (local numbering), sorted.
    pub chosen: Vec<u32>,
    /// A proven lower bound on the fewest columns.
    pub lower: usize,
    /// True when `chosen.len() == lower`, i.e. optimal.
    pub proven: bool,
    /// Branch-and-bound nodes visited.
    pub nodes: u64,
}

/// Rows left after the reductions (each a sorted set of surviving columns) and the forced columns.
fn reduce(sub: &Sub) -> (Vec<u32>, Vec<Vec<u32>>) {
    let mut rows: Vec<Vec<u32>> = sub.rows.clone();
    let mut forced: Vec<u32> = Vec::new();
    loop {
        let mut changed = false;
        // Forced columns.
        let mut now: Vec<u32> = rows.iter().filter(|r| r.len() == 1).map(|r| r[0]).collect();
        now.sort_unstable();
        now.dedup();
        if !now.is_empty() {
            rows.retain(|r| !r.iter().any(|c| now.binary_search(c).is_ok()));
            forced.extend_from_slice(&now);
            changed = true;
        }
        if rows.is_empty() {
            break;
        }
        // Dominated rows (supersets of another row).
        rows.sort_by(|a, b| a.len().cmp(&b.len()).then_with(|| a.cmp(b)));
        let before = rows.len();
        rows.dedup();
        changed |= rows.len() != before;
        let mut by_col: std::collections::HashMap<u32, Vec<usize>> = Default::default();
        for (i, r) in rows.iter().enumerate() {
            for &c in r {
                by_col.entry(c).or_default().push(i);
            }
        }
        let mut keep = vec![true; rows.len()];
        for i in 0..rows.len() {
            if !keep[i] {
                continue;
            }
            for &k in &by_col[&rows[i][0]] {
                if k != i
                    && keep[k]
                    && rows[k].len() > rows[i].len()
                    && is_subset(&rows[i], &rows[k])
                {
                    keep[k] = false;
                    changed = true;
                }
            }
        }
        let mut it = keep.iter();
        rows.retain(|_| *it.next().unwrap_or(&true));
        // Dominated columns.
        let mut col_rows: std::collections::BTreeMap<u32, Vec<u32>> = Default::default();
        for (i, r) in rows.iter().enumerate() {
            for &c in r {
                col_rows.entry(c).or_default().push(i as u32);
            }
        }
        let mut dropped: Vec<u32> = Vec::new();
        for (&j, rj) in &col_rows {
            let dominated = rows[rj[0] as usize].iter().any(|&k| {
                if k == j {
                    return false;
                }
                let rk = &col_rows[&k];
                (rk.len() > rj.len() || (rk.len() == rj.len() && k < j)) && is_subset(rj, rk)
            });
            if dominated {
                dropped.push(j);
            }
        }
        if !dropped.is_empty() {
            changed = true;
            for r in &mut rows {
                r.retain(|c| dropped.binary_search(c).is_err());
            }
        }
        if !changed {
            break;
        }
    }
    forced.sort_unstable();
    (forced, rows)
}

/// The reduced problem in its own numbering.
struct Core {
    rows: Vec<Vec<u32>>,
    cols: Vec<Vec<u32>>,
    /// core column → sub column
    back: Vec<u32>,
}

impl Core {
    fn new(rows: Vec<Vec<u32>>) -> Core {
        let mut back: Vec<u32> = rows.iter().flatten().copied().collect();
        back.sort_unstable();
        back.dedup();
        let rows: Vec<Vec<u32>> = rows
            .into_iter()
            .map(|r| {
                r.iter()
                    .map(|c| back.binary_search(c).unwrap_or(0) as u32)
                    .collect()
            })
            .collect();
        let mut cols = vec![Vec::new(); back.len()];
        for (i, r) in rows.iter().enumerate() {
            for &c in r {
                cols[c as usize].push(i as u32);
            }
        }
        Core { rows, cols, back }
    }

    fn greedy(&self) -> Vec<u32> {
        let mut covered = vec![false; self.rows.len()];
        let mut left = self.rows.len();
        let mut gain: Vec<usize> = self.cols.iter().map(|c| c.len()).collect();
        let mut out = Vec::new();
        while left > 0 {
            let (best, _) = gain
                .iter()
                .enumerate()
                .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(&a.0)))
                .expect("an uncovered row has a column");
            out.push(best as u32);
            for &r in &self.cols[best] {
                if !covered[r as usize] {
                    covered[r as usize] = true;
                    left -= 1;
                    for &c in &self.rows[r as usize] {
                        gain[c as usize] -= 1;
                    }
                }
            }
        }
        out
    }

    /// Drops redundant columns and replaces pairs by one column until neither helps.
    fn improve(&self, sol: &mut Vec<u32>) {
        let n = self.cols.len();
        let mut count = vec![0u32; self.rows.len()];
        let mut inside = vec![false; n];
        for &c in sol.iter() {
            inside[c as usize] = true;
            for &r in &self.cols[c as usize] {
                count[r as usize] += 1;
            }
        }
        let mut mark = vec![false; self.rows.len()];
        'outer: loop {
            // Redundant columns.
            for k in 0..sol.len() {
                let c = sol[k] as usize;
                if self.cols[c].iter().all(|&r| count[r as usize] >= 2) {
                    for &r in &self.cols[c] {
                        count[r as usize] -= 1;
                    }
                    inside[c] = false;
                    sol.swap_remove(k);
                    continue 'outer;
                }
            }
            // Two for one.
            for c in 0..n {
                if inside[c] {
                    continue;
                }
                let mut near: Vec<u32> = Vec::new();
                for &r in &self.cols[c] {
                    mark[r as usize] = true;
                    for &d in &self.rows[r as usize] {
                        if inside[d as usize] {
                            near.push(d);
                        }
                    }
                }
                near.sort_unstable();
                near.dedup();
                let mut found = None;
                'pairs: for (x, &a) in near.iter().enumerate() {
                    for &b in &near[x + 1..] {
                        let lost_ok = |col: u32, other: u32| {
                            self.cols[col as usize].iter().all(|&r| {
                                let by_other = self.cols[other as usize].binary_search(&r).is_ok();
                                let left = count[r as usize] - 1 - u32::from(by_other);
                                left > 0 || mark[r as usize]
                            })
                        };
                        if lost_ok(a, b) && lost_ok(b, a) {
                            found = Some((a, b));
                            break 'pairs;
                        }
                    }
                }
                for &r in &self.cols[c] {
                    mark[r as usize] = false;
                }
                if let Some((a, b)) = found {
                    for d in [a, b] {
                        inside[d as usize] = false;
                        for &r in &self.cols[d as usize] {
                            count[r as usize] -= 1;
                        }
                    }
                    sol.retain(|&d| d != a && d != b);
                    inside[c] = true;
                    for &r in &self.cols[c] {
                        count[r as usize] += 1;
                    }
                    sol.push(c as u32);
                    continue 'outer;
                }
            }
            break;
        }
    }
}

struct Search<'a> {
    core: &'a Core,
    covered: Vec<u32>,
    forbidden: Vec<bool>,
    chosen: Vec<u32>,
    best: Vec<u32>,
    nodes: u64,
    budget: u64,
    aborted: bool,
    mark: Vec<u32>,
    epoch: u32,
}

impl Search<'_> {
    /// Uncovered rows with their allowed-column counts, fewest first.
    fn open_rows(&self) -> Vec<(usize, u32)> {
        let mut open: Vec<(usize, u32)> = (0..self.core.rows.len())
            .filter(|&r| self.covered[r] == 0)
            .map(|r| {
                let d = self.core.rows[r]
                    .iter()
                    .filter(|&&c| !self.forbidden[c as usize])
                    .count();
                (d, r as u32)
            })
            .collect();
        open.sort_unstable();
        open
    }

    /// Rows with pairwise disjoint allowed columns (greedy, fewest columns first).
    fn packing(&mut self, open: &[(usize, u32)]) -> usize {
        self.epoch += 1;
        let e = self.epoch;
        let mut n = 0;
        for &(_, r) in open {
            let cols = &self.core.rows[r as usize];
            if cols
                .iter()
                .any(|&c| !self.forbidden[c as usize] && self.mark[c as usize] == e)
            {
                continue;
            }
            n += 1;
            for &c in cols {
                self.mark[c as usize] = e;
            }
        }
        n
    }

    fn dfs(&mut self) {
        if self.aborted {
            return;
        }
        self.nodes += 1;
        if self.nodes > self.budget {
            self.aborted = true;
            return;
        }
        let open = self.open_rows();
        if open.is_empty() {
            if self.chosen.len() < self.best.len() {
                self.best = self.chosen.clone();
            }
            return;
        }
        if open[0].0 == 0 || self.chosen.len() + 1 >= self.best.len() {
            return;
        }
        let lb = self.packing(&open);
        if self.chosen.len() + lb >= self.best.len() {
            return;
        }
        let row = open[0].1 as usize;
        let mut branch: Vec<(usize, u32)> = self.core.rows[row]
            .iter()
            .filter(|&&c| !self.forbidden[c as usize])
            .map(|&c| {
                let g = self.core.cols[c as usize]
                    .iter()
                    .filter(|&&r| self.covered[r as usize] == 0)
                    .count();
                (usize::MAX - g, c)
            })
            .collect();
        branch.sort_unstable();
        let mut forbade = Vec::new();
        for (_, c) in branch {
            for &r in &self.core.cols[c as usize] {
                self.covered[r as usize] += 1;
            }
            self.chosen.push(c);
            self.dfs();
            self.chosen.pop();
            for &r in &self.core.cols[c as usize] {
                self.covered[r as usize] -= 1;
            }
            self.forbidden[c as usize] = true;
            forbade.push(c);
            if self.aborted {
                break;
            }
        }
        for c in forbade {
            self.forbidden[c as usize] = false;
        }
    }
}

/// The fewest columns covering every row of `sub` (every row must have a column). With
/// `node_budget == 0` only the incumbent and the bound are computed (the heuristic); otherwise branch and
/// bound runs until it proves the incumbent optimal or visits `node_budget` nodes.
///
/// ```
/// use perimeter::posts::components::Sub;
/// use perimeter::posts::setcover::min_cover;
/// // A 5-cycle: rows {0,1} {1,2} {2,3} {3,4} {4,0} (columns = vertices) need 3 columns.
/// let rows = vec![vec![0, 1], vec![1, 2], vec![2, 3], vec![3, 4], vec![0, 4]];
/// let r = min_cover(&Sub::from_rows(rows, 5, vec![1.0; 5]), 1_000);
/// assert_eq!((r.chosen.len(), r.lower, r.proven), (3, 3, true));
/// ```
pub fn min_cover(sub: &Sub, node_budget: u64) -> CoverResult {
    let (forced, rows) = reduce(sub);
    if rows.is_empty() {
        return CoverResult {
            lower: forced.len(),
            chosen: forced,
            proven: true,
            nodes: 0,
        };
    }
    let core = Core::new(rows);
    let mut inc = core.greedy();
    core.improve(&mut inc);
    let ncols = core.cols.len();
    let mut s = Search {
        core: &core,
        covered: vec![0; core.rows.len()],
        forbidden: vec![false; ncols],
        chosen: Vec::new(),
        best: inc,
        nodes: 0,
        budget: node_budget,
        aborted: false,
        mark: vec![0; ncols],
        epoch: 0,
    };
    let open = s.open_rows();
    let root_lb = s.packing(&open);
    let mut lower = root_lb;
    if root_lb < s.best.len() && node_budget > 0 {
        s.dfs();
        if !s.aborted {
            lower = s.best.len();
        }
    }
    let mut chosen: Vec<u32> = s.best.iter().map(|&c| core.back[c as usize]).collect();
    chosen.extend_from_slice(&forced);
    chosen.sort_unstable();
    let lower = lower + forced.len();
    CoverResult {
        proven: lower == chosen.len(),
        lower,
        chosen,
        nodes: s.nodes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every subset, smallest first: the brute-force optimum.
    fn brute(sub: &Sub) -> usize {
        let n = sub.cols.len();
        let mut best = n;
        for mask in 0u32..(1 << n) {
            let k = mask.count_ones() as usize;
            if k < best
                && sub
                    .rows
                    .iter()
                    .all(|r| r.iter().any(|&c| mask & (1 << c) != 0))
            {
                best = k;
            }
        }
        best
    }

    fn covers(sub: &Sub, chosen: &[u32]) -> bool {
        sub.rows
            .iter()
            .all(|r| r.iter().any(|c| chosen.contains(c)))
    }

    #[test]
    fn matches_brute_force_on_random_instances() {
        let mut rng = crate::gen::rng::Rng::new(7);
        for case in 0..300 {
            let ncols = 3 + (rng.f64() * 12.0) as usize;
            let nrows = 1 + (rng.f64() * 25.0) as usize;
            let rows: Vec<Vec<u32>> = (0..nrows)
                .map(|_| {
                    let mut r: Vec<u32> = (0..ncols as u32).filter(|_| rng.f64() < 0.25).collect();
                    if r.is_empty() {
                        r.push((rng.f64() * ncols as f64) as u32 % ncols as u32);
                    }
                    r
                })
                .collect();
            let sub = Sub::from_rows(rows, ncols, vec![1.0; nrows]);
            let want = brute(&sub);
            let exact = min_cover(&sub, u64::MAX);
            assert!(covers(&sub, &exact.chosen), "case {case}");
            assert_eq!(exact.chosen.len(), want, "case {case}");
            assert!(exact.proven, "case {case}");
            let heur = min_cover(&sub, 0);
            assert!(covers(&sub, &heur.chosen), "case {case}");
            assert!(
                heur.lower <= want && want <= heur.chosen.len(),
                "case {case}"
            );
        }
    }

    #[test]
    fn reductions_force_and_drop() {
        // Row 0 has only column 2 (forced); column 0 covers a subset of column 1's rows.
        let rows = vec![vec![2], vec![0, 1], vec![1]];
        let (forced, rest) = reduce(&Sub::from_rows(rows.clone(), 3, vec![1.0; 3]));
        assert_eq!(forced, vec![1, 2]);
        assert!(rest.is_empty());
        let r = min_cover(&Sub::from_rows(rows, 3, vec![1.0; 3]), 10);
        assert_eq!((r.chosen, r.lower, r.nodes), (vec![1, 2], 2, 0));
    }
}
