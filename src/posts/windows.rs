//! The duty roster: one officer may staff several posts when their windows, widened by the travel
//! time, do not overlap, in the morning and in the afternoon, and the posts are close enough.
//!
//! Officers are given greedily: posts in order of their morning start, each to the compatible officer
//! whose latest morning duty ends last (best fit), or to a new officer. Posts whose windows overlap at
//! one instant need distinct officers, so the largest number of windows open at once (morning or
//! afternoon) is a lower bound on the officers needed; the roster reports it.

use rstar::primitives::GeomWithData;
use rstar::RTree;

use super::config::Window;
use crate::geodesy::ground_distance_m;
use crate::index::expand_by_metres;

/// One post's duty: where and when.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Duty {
    pub lon: f64,
    pub lat: f64,
    pub morning: Window,
    pub afternoon: Window,
}

/// Officers for posts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Roster {
    /// `officer[p]`: the officer (0-based) staffing post `p`.
    pub officer: Vec<usize>,
    pub officers: usize,
    /// No roster can do with fewer officers.
    pub lower_bound: usize,
}

/// The most windows open at one instant.
fn max_overlap(ws: impl Iterator<Item = Window>) -> usize {
    let mut ev: Vec<(u16, i32)> = Vec::new();
    for w in ws {
        ev.push((w.start, 1));
        ev.push((w.end, -1));
    }
    // a window ending at t and one starting at t do not overlap: ends first
    ev.sort_unstable();
    let (mut cur, mut best) = (0i32, 0i32);
    for (_, d) in ev {
        cur += d;
        best = best.max(cur);
    }
    best as usize
}

/// Builds the roster.
///
/// ```
/// use perimeter::posts::config::Window;
/// use perimeter::posts::windows::{roster, Duty};
/// let w = |s: &str| Window::parse(s).unwrap();
/// let senior = Duty { lon: 112.0, lat: 33.0, morning: w("06:30-07:10"), afternoon: w("17:50-18:30") };
/// let primary = Duty { lon: 112.005, lat: 33.0, morning: w("07:20-08:00"), afternoon: w("16:00-16:50") };
/// // 10 minutes between posts: one officer takes both.
/// let r = roster(&[senior, primary], 10, 3000.0);
/// assert_eq!((r.officers, r.lower_bound, r.officer.clone()), (1, 1, vec![0, 0]));
/// // 11 minutes: the morning windows are too close.
/// assert_eq!(roster(&[senior, primary], 11, 3000.0).officers, 2);
/// // Too far apart (about 467 m): two officers.
/// assert_eq!(roster(&[senior, primary], 10, 400.0).officers, 2);
/// ```
pub fn roster(duties: &[Duty], travel_minutes: u16, max_travel_m: f64) -> Roster {
    let mut order: Vec<usize> = (0..duties.len()).collect();
    order.sort_by_key(|&p| (duties[p].morning, duties[p].afternoon, p));
    let mut officer = vec![usize::MAX; duties.len()];
    let mut posts_of: Vec<Vec<usize>> = Vec::new();
    let mut last_end: Vec<u16> = Vec::new();
    let mut tree: RTree<GeomWithData<[f64; 2], usize>> = RTree::new();
    for &p in &order {
        let d = duties[p];
        let env = expand_by_metres([d.lon, d.lat, d.lon, d.lat], max_travel_m);
        let mut cands: Vec<usize> = tree.locate_in_envelope(&env).map(|e| e.data).collect();
        cands.sort_unstable();
        cands.dedup();
        let fits = |o: usize| {
            posts_of[o].iter().all(|&q| {
                let e = duties[q];
                !d.morning.conflicts(&e.morning, travel_minutes)
                    && !d.afternoon.conflicts(&e.afternoon, travel_minutes)
                    && ground_distance_m((d.lon, d.lat), (e.lon, e.lat)) <= max_travel_m
            })
        };
        let best = cands
            .into_iter()
            .filter(|&o| fits(o))
            .max_by_key(|&o| (last_end[o], usize::MAX - o));
        let o = match best {
            Some(o) => o,
            None => {
                posts_of.push(Vec::new());
                last_end.push(0);
                posts_of.len() - 1
            }
        };
        posts_of[o].push(p);
        last_end[o] = last_end[o].max(d.morning.end);
        officer[p] = o;
        tree.insert(GeomWithData::new([d.lon, d.lat], o));
    }
    let lower_bound = max_overlap(duties.iter().map(|d| d.morning))
        .max(max_overlap(duties.iter().map(|d| d.afternoon)));
    Roster {
        officer,
        officers: posts_of.len(),
        lower_bound,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlap_counts_touching_windows_apart() {
        let w = |s: &str| Window::parse(s).unwrap();
        assert_eq!(
            max_overlap([w("07:00-08:00"), w("08:00-09:00"), w("07:30-08:30")].into_iter()),
            2
        );
    }

    #[test]
    fn every_officers_posts_are_compatible() {
        let mut rng = crate::gen::rng::Rng::new(5);
        let kinds = ["06:30-07:10", "07:20-08:00", "07:50-08:30", "06:50-07:30"];
        let pm = ["17:50-18:30", "16:00-16:50", "16:30-17:20", "17:30-18:10"];
        let duties: Vec<Duty> = (0..200)
            .map(|_| {
                let k = rng.below(4);
                Duty {
                    lon: 112.0 + rng.f64() * 0.1,
                    lat: 33.0 + rng.f64() * 0.1,
                    morning: Window::parse(kinds[k]).unwrap(),
                    afternoon: Window::parse(pm[k]).unwrap(),
                }
            })
            .collect();
        let r = roster(&duties, 10, 3000.0);
        assert!(r.officers >= r.lower_bound && r.officers < duties.len());
        for a in 0..duties.len() {
            for b in a + 1..duties.len() {
                if r.officer[a] == r.officer[b] {
                    let (x, y) = (duties[a], duties[b]);
                    assert!(!x.morning.conflicts(&y.morning, 10));
                    assert!(!x.afternoon.conflicts(&y.afternoon, 10));
                    assert!(ground_distance_m((x.lon, x.lat), (y.lon, y.lat)) <= 3000.0);
                }
            }
        }
    }
}
