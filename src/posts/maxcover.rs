//! MCLP on one component: `q` columns (posts) covering the most row weight.
//!
//! Columns whose rows are a subset of another column's rows are dropped (weights are never negative, so
//! they never help). Coverage is submodular, so for any set `S` and any `q`,
//! `OPT(q) ≤ f(S) + (sum of the q largest marginal gains w.r.t. S)`; the greedy sequence `S₀ ⊂ S₁ ⊂ …`
//! gives an incumbent for every `q` at once and, minimised over its steps, an upper bound for every
//! `q` ([`MaxCover::greedy_profile`]). Branch and bound ([`MaxCover::solve`]) includes or forbids the
//! column of largest marginal gain, pruned by the same bound.

use super::components::Sub;
use super::is_subset;

/// Values and bounds for `q = 0, 1, …, qmax` from the greedy sequence.
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    /// Greedy order: the first `q` columns are the greedy answer for `q`.
    pub order: Vec<u32>,
    /// `value[q]`: covered weight of the first `q` columns.
    pub value: Vec<f64>,
    /// `upper[q]`: a proven upper bound on the best covered weight with `q` columns.
    pub upper: Vec<f64>,
}

/// One exact (or budget-limited) answer.
#[derive(Debug, Clone, PartialEq)]
pub struct MaxCoverResult {
    pub chosen: Vec<u32>,
    pub value: f64,
    pub upper: f64,
    pub proven: bool,
    pub nodes: u64,
}

/// A component prepared for MCLP.
pub struct MaxCover<'a> {
    sub: &'a Sub,
    /// Undominated columns.
    cols: Vec<u32>,
    pub total: f64,
}

impl<'a> MaxCover<'a> {
    pub fn new(sub: &'a Sub) -> MaxCover<'a> {
        let mut cols = Vec::new();
        for (j, rj) in sub.cols.iter().enumerate() {
            if rj.is_empty() {
                continue;
            }
            let dominated = sub.rows[rj[0] as usize].iter().any(|&k| {
                let k = k as usize;
                let rk = &sub.cols[k];
                k != j
                    && (rk.len() > rj.len() || (rk.len() == rj.len() && k < j))
                    && is_subset(rj, rk)
            });
            if !dominated {
                cols.push(j as u32);
            }
        }
        MaxCover {
            sub,
            cols,
            total: sub.weights.iter().sum(),
        }
    }

    fn eps(&self) -> f64 {
        1e-9 * self.total.max(1.0)
    }

    fn gain(&self, c: u32, covered: &[u32]) -> f64 {
        self.sub.cols[c as usize]
            .iter()
            .filter(|&&r| covered[r as usize] == 0)
            .map(|&r| self.sub.weights[r as usize])
            .sum()
    }

    /// Covered weight of a set of columns.
    pub fn value(&self, set: &[u32]) -> f64 {
        let mut covered = vec![false; self.sub.rows.len()];
        for &c in set {
            for &r in &self.sub.cols[c as usize] {
                covered[r as usize] = true;
            }
        }
        covered
            .iter()
            .zip(&self.sub.weights)
            .filter(|p| *p.0)
            .map(|p| p.1)
            .sum()
    }

    /// The greedy sequence up to `qmax` columns (it stops early once everything is covered), with the
    /// submodular upper bound for every `q ≤ qmax`.
    pub fn greedy_profile(&self, qmax: usize) -> Profile {
        let mut covered = vec![0u32; self.sub.rows.len()];
        let mut order = Vec::new();
        let mut value = vec![0.0];
        let mut upper = vec![0.0; qmax + 1];
        let mut f = 0.0;
        for q in upper.iter_mut().skip(1) {
            *q = self.total;
        }
        loop {
            let mut gains: Vec<(f64, u32)> = self
                .cols
                .iter()
                .filter(|&&c| !order.contains(&c))
                .map(|&c| (self.gain(c, &covered), c))
                .collect();
            gains.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            let mut acc = f;
            for (q, u) in upper.iter_mut().enumerate().skip(1) {
                if let Some(g) = gains.get(q - 1) {
                    acc += g.0;
                }
                if acc < *u {
                    *u = acc;
                }
            }
            if order.len() >= qmax || gains.is_empty() || gains[0].0 <= self.eps() {
                break;
            }
            let c = gains[0].1;
            f += gains[0].0;
            for &r in &self.sub.cols[c as usize] {
                covered[r as usize] += 1;
            }
            order.push(c);
            value.push(f);
        }
        while value.len() <= qmax {
            value.push(f);
        }
        for q in 0..=qmax {
            upper[q] = upper[q].max(value[q]).min(self.total);
        }
        Profile {
            order,
            value,
            upper,
        }
    }

    /// Swap one chosen column for an unchosen one while that raises the covered weight; returns the
    /// final weight.
    pub fn local_search(&self, set: &mut [u32]) -> f64 {
        let mut count = vec![0u32; self.sub.rows.len()];
        for &c in set.iter() {
            for &r in &self.sub.cols[c as usize] {
                count[r as usize] += 1;
            }
        }
        let eps = self.eps();
        loop {
            let mut improved = false;
            for k in 0..set.len() {
                let a = set[k];
                let loss: f64 = self.sub.cols[a as usize]
                    .iter()
                    .filter(|&&r| count[r as usize] == 1)
                    .map(|&r| self.sub.weights[r as usize])
                    .sum();
                for &r in &self.sub.cols[a as usize] {
                    count[r as usize] -= 1;
                }
                let mut best = (loss + eps, a);
                for &b in &self.cols {
                    if set.contains(&b) {
                        continue;
                    }
                    let g = self.gain(b, &count);
                    if g > best.0 {
                        best = (g, b);
                    }
                }
                let c = best.1;
                for &r in &self.sub.cols[c as usize] {
                    count[r as usize] += 1;
                }
                if c != a {
                    set[k] = c;
                    improved = true;
                }
            }
            if !improved {
                break;
            }
        }
        self.value(set)
    }

    /// The best `q` columns by branch and bound, starting from `incumbent`, visiting at most
    /// `node_budget` nodes; `upper` is a valid bound even when the budget runs out.
    pub fn solve(
        &self,
        q: usize,
        node_budget: u64,
        incumbent: Vec<u32>,
        upper: f64,
    ) -> MaxCoverResult {
        let mut s = Search {
            mc: self,
            q,
            covered: vec![0; self.sub.rows.len()],
            forbidden: vec![false; self.sub.cols.len()],
            chosen: Vec::new(),
            value: 0.0,
            best_value: self.value(&incumbent),
            best: incumbent,
            nodes: 0,
            budget: node_budget,
            aborted: false,
        };
        if s.best_value + self.eps() < upper {
            s.dfs();
        }
        let proven = !s.aborted;
        let mut chosen = s.best;
        chosen.sort_unstable();
        MaxCoverResult {
            value: s.best_value,
            upper: if proven { s.best_value } else { upper },
            proven,
            chosen,
            nodes: s.nodes,
        }
    }
}

struct Search<'a, 'b> {
    mc: &'b MaxCover<'a>,
    q: usize,
    covered: Vec<u32>,
    forbidden: Vec<bool>,
    chosen: Vec<u32>,
    value: f64,
    best: Vec<u32>,
    best_value: f64,
    nodes: u64,
    budget: u64,
    aborted: bool,
}

impl Search<'_, '_> {
    fn dfs(&mut self) {
        if self.aborted {
            return;
        }
        self.nodes += 1;
        if self.nodes > self.budget {
            self.aborted = true;
            return;
        }
        let eps = self.mc.eps();
        if self.value > self.best_value + eps {
            self.best_value = self.value;
            self.best = self.chosen.clone();
        }
        let k = self.q - self.chosen.len();
        if k == 0 {
            return;
        }
        let mut gains: Vec<(f64, u32)> = self
            .mc
            .cols
            .iter()
            .filter(|&&c| !self.forbidden[c as usize] && !self.chosen.contains(&c))
            .map(|&c| (self.mc.gain(c, &self.covered), c))
            .filter(|g| g.0 > 0.0)
            .collect();
        if gains.is_empty() {
            return;
        }
        gains.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let bound: f64 = self.value + gains.iter().take(k).map(|g| g.0).sum::<f64>();
        if bound <= self.best_value + eps {
            return;
        }
        let (g, c) = gains[0];
        for &r in &self.mc.sub.cols[c as usize] {
            self.covered[r as usize] += 1;
        }
        self.chosen.push(c);
        self.value += g;
        self.dfs();
        self.value -= g;
        self.chosen.pop();
        for &r in &self.mc.sub.cols[c as usize] {
            self.covered[r as usize] -= 1;
        }
        self.forbidden[c as usize] = true;
        self.dfs();
        self.forbidden[c as usize] = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn brute(sub: &Sub, q: usize) -> f64 {
        let n = sub.cols.len();
        let mc = MaxCover::new(sub);
        let mut best: f64 = 0.0;
        for mask in 0u32..(1 << n) {
            if mask.count_ones() as usize <= q {
                let set: Vec<u32> = (0..n as u32).filter(|c| mask & (1 << c) != 0).collect();
                best = best.max(mc.value(&set));
            }
        }
        best
    }

    #[test]
    fn matches_brute_force_on_random_instances() {
        let mut rng = crate::gen::rng::Rng::new(11);
        for case in 0..200 {
            let ncols = 2 + rng.below(11);
            let nrows = 1 + rng.below(20);
            let rows: Vec<Vec<u32>> = (0..nrows)
                .map(|_| {
                    let mut r: Vec<u32> = (0..ncols as u32).filter(|_| rng.chance(0.3)).collect();
                    if r.is_empty() {
                        r.push(rng.below(ncols) as u32);
                    }
                    r
                })
                .collect();
            let w: Vec<f64> = (0..nrows).map(|_| 1.0 + rng.below(100) as f64).collect();
            let sub = Sub::from_rows(rows, ncols, w);
            let mc = MaxCover::new(&sub);
            let qmax = 4.min(ncols);
            let prof = mc.greedy_profile(qmax);
            for q in 1..=qmax {
                let want = brute(&sub, q);
                let inc: Vec<u32> = prof.order.iter().take(q).copied().collect();
                let r = mc.solve(q, u64::MAX, inc, prof.upper[q]);
                assert!(r.proven, "case {case} q {q}");
                assert!(
                    (r.value - want).abs() < 1e-6,
                    "case {case} q {q}: {} vs {want}",
                    r.value
                );
                assert!((mc.value(&r.chosen) - want).abs() < 1e-6);
                assert!(r.chosen.len() <= q);
                assert!(
                    prof.value[q] <= want + 1e-6 && want <= prof.upper[q] + 1e-6,
                    "case {case} q {q}"
                );
                let mut ls = inc_clone(&prof, q);
                let v = mc.local_search(&mut ls);
                assert!(v >= prof.value[q] - 1e-6 && v <= want + 1e-6);
            }
        }
    }

    fn inc_clone(p: &Profile, q: usize) -> Vec<u32> {
        p.order.iter().take(q).copied().collect()
    }
}
