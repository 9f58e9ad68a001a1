//! 一校一警: one responsible post per school, at most `k` schools per post, minimum total distance.
//!
//! A school's distance to a post is the distance from the nearest of its demand points (gates). Without
//! a capacity every school takes its nearest post. With a capacity the assignment is a min-cost flow
//! (successive shortest paths with Dijkstra and potentials) from the schools to the posts, each school
//! linked to its [`NEAREST`] nearest posts; schools left over when every reachable post is full stay
//! unassigned.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use rstar::primitives::GeomWithData;
use rstar::RTree;

use crate::geodesy::ground_distance_m;

/// How many nearest posts (by scaled degrees, then measured exactly) each school may be assigned to.
pub const NEAREST: usize = 16;

/// For each school: its points' nearest posts as `(post, metres)`, nearest first, at most [`NEAREST`]
/// (or every post when there are no more than [`NEAREST`]).
pub fn school_edges(schools: &[Vec<(f64, f64)>], posts: &[(f64, f64)]) -> Vec<Vec<(u32, f64)>> {
    if posts.is_empty() {
        return vec![Vec::new(); schools.len()];
    }
    let lat0 = posts.iter().map(|p| p.1).sum::<f64>() / posts.len() as f64;
    let k = lat0.to_radians().cos();
    let tree = RTree::bulk_load(
        posts
            .iter()
            .enumerate()
            .map(|(j, p)| GeomWithData::new([p.0 * k, p.1], j as u32))
            .collect(),
    );
    schools
        .iter()
        .map(|pts| {
            let mut best: Vec<(u32, f64)> = Vec::new();
            for &p in pts {
                for e in tree.nearest_neighbor_iter(&[p.0 * k, p.1]).take(NEAREST) {
                    let q = posts[e.data as usize];
                    let d = ground_distance_m(p, q);
                    match best.iter_mut().find(|b| b.0 == e.data) {
                        Some(b) => b.1 = b.1.min(d),
                        None => best.push((e.data, d)),
                    }
                }
            }
            best.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
            best.truncate(NEAREST);
            best
        })
        .collect()
}

#[derive(Clone, Copy, PartialEq)]
struct State {
    dist: f64,
    node: usize,
}
impl Eq for State {}
impl Ord for State {
    fn cmp(&self, o: &Self) -> Ordering {
        o.dist.total_cmp(&self.dist).then(o.node.cmp(&self.node))
    }
}
impl PartialOrd for State {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

struct Flow {
    adj: Vec<Vec<usize>>,
    to: Vec<usize>,
    cap: Vec<i64>,
    cost: Vec<f64>,
}

impl Flow {
    fn edge(&mut self, u: usize, v: usize, cap: i64, cost: f64) {
        self.adj[u].push(self.to.len());
        self.to.push(v);
        self.cap.push(cap);
        self.cost.push(cost);
        self.adj[v].push(self.to.len());
        self.to.push(u);
        self.cap.push(0);
        self.cost.push(-cost);
    }

    /// Sends as many units as possible from `s` to `t` at least cost.
    fn run(&mut self, s: usize, t: usize) {
        let n = self.adj.len();
        let mut h = vec![0.0; n];
        loop {
            let mut dist = vec![f64::INFINITY; n];
            let mut prev = vec![usize::MAX; n];
            let mut heap = BinaryHeap::new();
            dist[s] = 0.0;
            heap.push(State { dist: 0.0, node: s });
            while let Some(State { dist: d, node: u }) = heap.pop() {
                if d > dist[u] {
                    continue;
                }
                for &e in &self.adj[u] {
                    if self.cap[e] <= 0 {
                        continue;
                    }
                    let v = self.to[e];
                    let nd = d + (self.cost[e] + h[u] - h[v]).max(0.0);
                    if nd < dist[v] {
                        dist[v] = nd;
                        prev[v] = e;
                        heap.push(State { dist: nd, node: v });
                    }
                }
            }
            if !dist[t].is_finite() {
                break;
            }
            for v in 0..n {
                if dist[v].is_finite() {
                    h[v] += dist[v];
                }
            }
            let mut v = t;
            while v != s {
                let e = prev[v];
                self.cap[e] -= 1;
                self.cap[e ^ 1] += 1;
                v = self.to[e ^ 1];
            }
        }
    }
}

/// The responsible post of each school and its distance (metres); `None` when no post could take it.
///
/// ```
/// use perimeter::posts::assign::assign;
/// // Two schools, both nearest post 0; with capacity 1 the one with the smaller extra distance moves.
/// let schools = vec![vec![(112.0, 33.0)], vec![(112.002, 33.0)]];
/// let posts = [(112.001, 33.0), (112.004, 33.0)];
/// let free = assign(&schools, &posts, None);
/// assert_eq!((free[0].unwrap().0, free[1].unwrap().0), (0, 0));
/// let cap = assign(&schools, &posts, Some(1));
/// assert_eq!((cap[0].unwrap().0, cap[1].unwrap().0), (0, 1));
/// ```
pub fn assign(
    schools: &[Vec<(f64, f64)>],
    posts: &[(f64, f64)],
    capacity: Option<usize>,
) -> Vec<Option<(u32, f64)>> {
    let edges = school_edges(schools, posts);
    let Some(k) = capacity else {
        return edges.iter().map(|e| e.first().copied()).collect();
    };
    let (n, m) = (schools.len(), posts.len());
    let (s, t) = (n + m, n + m + 1);
    let mut f = Flow {
        adj: vec![Vec::new(); n + m + 2],
        to: Vec::new(),
        cap: Vec::new(),
        cost: Vec::new(),
    };
    for (i, es) in edges.iter().enumerate() {
        f.edge(s, i, 1, 0.0);
        for &(j, d) in es {
            f.edge(i, n + j as usize, 1, d);
        }
    }
    for j in 0..m {
        f.edge(n + j, t, k.min(n) as i64, 0.0);
    }
    f.run(s, t);
    (0..n)
        .map(|i| {
            f.adj[i].iter().find_map(|&e| {
                let v = f.to[e];
                (v >= n && v < n + m && e % 2 == 0 && f.cap[e] == 0).then(|| {
                    let j = (v - n) as u32;
                    let d = edges[i].iter().find(|x| x.0 == j).map_or(0.0, |x| x.1);
                    (j, d)
                })
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every assignment respecting the capacity, by brute force: the least total distance.
    fn brute(cost: &[Vec<f64>], k: usize) -> f64 {
        fn go(i: usize, cost: &[Vec<f64>], load: &mut [usize], k: usize) -> f64 {
            if i == cost.len() {
                return 0.0;
            }
            let mut best = f64::INFINITY;
            for j in 0..load.len() {
                if load[j] < k {
                    load[j] += 1;
                    best = best.min(cost[i][j] + go(i + 1, cost, load, k));
                    load[j] -= 1;
                }
            }
            best
        }
        go(0, cost, &mut vec![0; cost[0].len()], k)
    }

    #[test]
    fn capacity_assignment_is_least_total_distance() {
        let mut rng = crate::gen::rng::Rng::new(3);
        for case in 0..60 {
            let n = 2 + rng.below(6);
            let m = 2 + rng.below(3);
            let k = n.div_ceil(m) + rng.below(2);
            let pt = |rng: &mut crate::gen::rng::Rng| {
                (112.0 + rng.f64() * 0.02, 33.0 + rng.f64() * 0.02)
            };
            let schools: Vec<Vec<(f64, f64)>> = (0..n).map(|_| vec![pt(&mut rng)]).collect();
            let posts: Vec<(f64, f64)> = (0..m).map(|_| pt(&mut rng)).collect();
            let cost: Vec<Vec<f64>> = schools
                .iter()
                .map(|s| posts.iter().map(|&p| ground_distance_m(s[0], p)).collect())
                .collect();
            let got = assign(&schools, &posts, Some(k));
            let mut load = vec![0; m];
            let mut total = 0.0;
            for (i, g) in got.iter().enumerate() {
                let (j, d) = g.expect("enough capacity");
                load[j as usize] += 1;
                assert!((d - cost[i][j as usize]).abs() < 1e-9);
                total += d;
            }
            assert!(load.iter().all(|&l| l <= k), "case {case}");
            let want = brute(&cost, k);
            assert!(
                (total - want).abs() < 1e-6,
                "case {case}: {total} vs {want}"
            );
        }
    }

    #[test]
    fn schools_beyond_capacity_stay_unassigned() {
        let schools = vec![
            vec![(112.0, 33.0)],
            vec![(112.001, 33.0)],
            vec![(112.002, 33.0)],
        ];
        let got = assign(&schools, &[(112.001, 33.0)], Some(2));
        assert_eq!(got.iter().filter(|g| g.is_none()).count(), 1);
        assert_eq!(got[1].unwrap(), (0, 0.0));
    }
}
