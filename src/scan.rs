//! The scan: every prohibited venue and every risk water body within its rule's distance of a school.
//!
//! Filter (R-tree, conservative box) → measure (exact metres, [`crate::measure`]) → classify (d ≤ limit).
//! Schools are scanned in parallel; the output order is deterministic: by school (input order), then
//! venues before water, then distance, feature (input order) and rule.

use rayon::prelude::*;
use rstar::AABB;

use crate::index::{expand_by_metres, Index, PreparedSchool};
use crate::measure::{point_to_paths, point_to_point, LonLat, Measured, PointBatch};
use crate::model::{Category, Dataset, School};
use crate::rules::{Method, Rule, RuleSet};

/// Which layer a finding's feature is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FeatureType {
    Venue,
    Water,
}

impl FeatureType {
    pub fn as_str(self) -> &'static str {
        match self {
            FeatureType::Venue => "venue",
            FeatureType::Water => "water",
        }
    }
}

/// What was actually measured for a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MethodUsed {
    /// The rule's method.
    pub rule: Method,
    /// The straight line measured: from the boundary (or the school's point) or from a gate.
    pub measured: Method,
}

impl MethodUsed {
    /// `boundary`, `gate`, `boundary (no gates)` for a gate rule at a school without gates, and
    /// `walking→gate` / `walking→boundary` for walking rules measured by their straight-line
    /// lower bound.
    pub fn label(self) -> &'static str {
        match (self.rule, self.measured) {
            (Method::Boundary, _) => "boundary",
            (Method::Gate, Method::Gate) => "gate",
            (Method::Gate, _) => "boundary (no gates)",
            (Method::Walking, Method::Gate) => "walking→gate",
            (Method::Walking, _) => "walking→boundary",
        }
    }
}

/// One finding: a feature within a rule's distance of a school.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Finding {
    /// Index into `Dataset::schools`.
    pub school: u32,
    pub feature_type: FeatureType,
    /// Index into `Dataset::venues` or `Dataset::water`.
    pub feature: u32,
    /// Index into `RuleSet::rules`.
    pub rule: u16,
    pub method: MethodUsed,
    /// The measured line: `from` on the school side (boundary point, gate, or the school's point),
    /// `to` on the feature (door, nearest footprint or water-edge point).
    pub measured: Measured,
    /// True when the school is only a point.
    pub approximate: bool,
}

/// A school's measuring geometry for one method: boundary (or its only point), or its gates.
enum From<'a> {
    Area(&'a crate::measure::PreparedArea),
    Points(&'a [LonLat]),
}

fn from_for<'a>(ps: &'a PreparedSchool, method: Method) -> (From<'a>, Method) {
    if method == Method::Gate && !ps.gates.is_empty() {
        return (From::Points(&ps.gates), Method::Gate);
    }
    match &ps.area {
        Some(a) => (From::Area(a), Method::Boundary),
        None => (
            From::Points(std::slice::from_ref(&ps.point)),
            Method::Boundary,
        ),
    }
}

/// Distance from a school (by method) to a point: a venue's door, or a site being checked.
pub fn measure_point(
    ps: &PreparedSchool,
    p: LonLat,
    method: Method,
    reach_m: f64,
) -> (Measured, Method) {
    let (from, used) = from_for(ps, method);
    let m = match from {
        From::Area(a) => a.to_point(p, reach_m),
        From::Points(pts) => pts
            .iter()
            .map(|&g| point_to_point(g, p))
            .reduce(Measured::min)
            .expect("at least one point"),
    };
    (m, used)
}

/// Distance from a school (by method) to a venue's footprint polygon.
fn measure_footprint(
    ps: &PreparedSchool,
    fp: &crate::measure::PreparedPaths,
    method: Method,
    reach_m: f64,
) -> (Measured, Method) {
    let (from, used) = from_for(ps, method);
    let paths = || fp.paths.iter().map(Vec::as_slice);
    let m = match from {
        From::Area(a) => a.to_paths(paths(), &|q| fp.contains(q), reach_m),
        From::Points(pts) => pts
            .iter()
            .map(|&g| point_to_paths(g, paths(), fp.contains(g), reach_m))
            .reduce(Measured::min)
            .expect("at least one point"),
    };
    (m, used)
}

/// Like [`measure_point`], but `None` as soon as the distance is certainly beyond `limit_m` (the scan's
/// filter for door points). `area` is the area's answer when it was measured for many points at once
/// ([`crate::measure::PreparedArea::to_points_within`] with the same limit).
fn measure_point_within(
    ps: &PreparedSchool,
    p: LonLat,
    method: Method,
    limit_m: f64,
    area: Option<Option<Measured>>,
) -> Option<(Measured, Method)> {
    let (from, used) = from_for(ps, method);
    let m = match from {
        From::Area(a) => area.unwrap_or_else(|| a.to_point_within(p, limit_m))?,
        From::Points(pts) => pts
            .iter()
            .map(|&g| point_to_point(g, p))
            .reduce(Measured::min)
            .filter(|m| m.metres <= limit_m)?,
    };
    Some((m, used))
}

/// Does a rule measured by `method` measure from the school's area?
fn measures_area(ps: &PreparedSchool, method: Method) -> bool {
    matches!(from_for(ps, method).0, From::Area(_))
}

/// The order of findings within a school: venues before water, then distance, feature and rule, packed
/// into one integer (distances are ≥ 0, so their bit patterns sort as the numbers do).
#[inline]
fn order_key(f: &Finding) -> u128 {
    let metres = if f.measured.metres > 0.0 {
        f.measured.metres.to_bits()
    } else {
        0
    };
    ((f.feature_type as u128) << 112)
        | ((metres as u128) << 48)
        | ((f.feature as u128) << 16)
        | f.rule as u128
}

/// Measures one feature against every applicable rule, caching one measurement (of type `T`) per
/// method.
struct PerMethod<T> {
    cache: [Option<T>; 3],
}

impl<T: Copy> PerMethod<T> {
    fn new() -> Self {
        PerMethod { cache: [None; 3] }
    }
    fn get(&mut self, rule: &Rule, f: impl FnOnce(Method) -> T) -> T {
        let m = rule.measures();
        let slot = match m {
            Method::Boundary => 0,
            Method::Gate => 1,
            Method::Walking => 2,
        };
        *self.cache[slot].get_or_insert_with(|| f(m))
    }
}

/// Per-thread buffers reused from school to school.
#[derive(Default)]
struct Scratch {
    found: Vec<Finding>,
    /// [`sort_order`]'s buffers and result.
    sort: SortBuffers,
    /// The door points found in the school's box with at least one applicable rule, their venues and
    /// categories, and (when the school's area measures them) their distances from it.
    points: Vec<LonLat>,
    venues: Vec<(u32, Category)>,
    from_area: Vec<Option<Measured>>,
    batch: PointBatch,
}

/// One school's findings, in their final order. Kept out of line (one call per school costs nothing) so
/// that profilers can count it: `valgrind --tool=callgrind --toggle-collect=perimeter::scan::scan_school`.
#[inline(never)]
fn scan_school(
    ds: &Dataset,
    index: &Index,
    rules: &RuleSet,
    si: usize,
    scratch: &mut Scratch,
) -> Vec<Finding> {
    scratch.found.clear();
    let out = &mut scratch.found;
    let school: &School = &ds.schools[si];
    let ps = &index.schools[si];
    let approximate = school.approximate();
    let vmax = rules.max_venue_limit(school.kind);
    if vmax > 0.0 {
        let reach = vmax + 1.0;
        let env: AABB<[f64; 2]> = expand_by_metres(ps.bbox, vmax);
        let table: [&[u16]; Category::ALL.len()] =
            Category::ALL.map(|c| rules.venue_rules(c, school.kind));
        let mut push = |vi: u32, ri: u16, rule: &Rule, (m, used): (Measured, Method)| {
            if m.metres <= rule.limit_m {
                out.push(Finding {
                    school: si as u32,
                    feature_type: FeatureType::Venue,
                    feature: vi,
                    rule: ri,
                    method: MethodUsed {
                        rule: rule.method,
                        measured: used,
                    },
                    measured: m,
                    approximate,
                });
            }
        };
        scratch.points.clear();
        scratch.venues.clear();
        index.venue_points.for_each_in(&env, |v| {
            if !table[v.category as usize].is_empty() {
                scratch.points.push((v.lon, v.lat));
                scratch.venues.push((v.venue, v.category));
            }
        });
        // The area's distances to every door point at once, when some rule measures from it.
        let rule_ids = || table.iter().flat_map(|r| r.iter());
        let from_area = |ri: &u16| measures_area(ps, rules.rules[*ri as usize].measures());
        let batched = match &ps.area {
            Some(a) if rule_ids().any(from_area) => {
                a.to_points_within(
                    &scratch.points,
                    vmax,
                    &mut scratch.batch,
                    &mut scratch.from_area,
                );
                true
            }
            _ => false,
        };
        let points = scratch.points.iter().zip(&scratch.venues);
        if batched && rule_ids().all(from_area) {
            // Every rule measures from the area: its answer is the measurement.
            for ((_, &(vi, category)), m) in points.zip(&scratch.from_area) {
                if let Some(m) = *m {
                    for &ri in table[category as usize] {
                        push(vi, ri, &rules.rules[ri as usize], (m, Method::Boundary));
                    }
                }
            }
        } else {
            for (k, (&p, &(vi, category))) in points.enumerate() {
                let area = batched.then(|| scratch.from_area[k]);
                let mut cache = PerMethod::new();
                for &ri in table[category as usize] {
                    let rule = &rules.rules[ri as usize];
                    let measured = cache.get(rule, |method| {
                        measure_point_within(ps, p, method, vmax, area)
                    });
                    if let Some(mu) = measured {
                        push(vi, ri, rule, mu);
                    }
                }
            }
        }
        for e in index.venue_areas.locate_in_envelope_intersecting(&env) {
            let fi = e.data as usize;
            let (vi, category) = (index.footprints[fi].venue, index.footprints[fi].category);
            let applicable = table[category as usize];
            if applicable.is_empty() {
                continue;
            }
            let mut cache = PerMethod::new();
            for &ri in applicable {
                let rule = &rules.rules[ri as usize];
                let mu = cache.get(rule, |method| {
                    measure_footprint(ps, &index.footprints[fi].shape, method, reach)
                });
                push(vi, ri, rule, mu);
            }
        }
    }
    let wmax = rules.max_water_limit(school.kind);
    if wmax > 0.0 {
        let reach = wmax + 1.0;
        let env = expand_by_metres(ps.bbox, wmax);
        let mut hits: Vec<(u32, u32)> = index
            .water_tree
            .locate_in_envelope_intersecting(&env)
            .map(|e| e.data)
            .collect();
        hits.sort_unstable();
        for group in hits.chunk_by(|a, b| a.0 == b.0) {
            let wi = group[0].0 as usize;
            let water = &ds.water[wi];
            let applicable = rules.water_rules(water.kind, school.kind);
            if applicable.is_empty() {
                continue;
            }
            let pw = &index.water[wi];
            let chunks = || {
                group
                    .iter()
                    .map(|&(_, ci)| pw.shape.chunk(pw.chunks[ci as usize]))
            };
            let mut cache = PerMethod::new();
            for &ri in applicable {
                let rule = &rules.rules[ri as usize];
                let (m, used) = cache.get(rule, |method| {
                    let (from, used) = from_for(ps, method);
                    let m = match from {
                        From::Area(a) => a.to_paths(chunks(), &|q| pw.shape.contains(q), reach),
                        From::Points(pts) => pts
                            .iter()
                            .map(|&g| point_to_paths(g, chunks(), pw.shape.contains(g), reach))
                            .reduce(Measured::min)
                            .expect("at least one point"),
                    };
                    (m, used)
                });
                if m.metres <= rule.limit_m {
                    out.push(Finding {
                        school: si as u32,
                        feature_type: FeatureType::Water,
                        feature: wi as u32,
                        rule: ri,
                        method: MethodUsed {
                            rule: rule.method,
                            measured: used,
                        },
                        measured: m,
                        approximate,
                    });
                }
            }
        }
    }
    sort_order(&scratch.found, vmax.max(wmax) + 1.0, &mut scratch.sort);
    let found = &scratch.found;
    scratch
        .sort
        .order
        .iter()
        .map(|&i| found[i as usize])
        .collect()
}

/// The most distance buckets per feature type of [`sort_order`]'s counting sort.
const MAX_BUCKETS: usize = 256;

/// [`sort_order`]'s buffers, reused from school to school.
#[derive(Default)]
struct SortBuffers {
    /// Each finding's bucket.
    slots: Vec<u16>,
    /// Findings per bucket, then where each bucket ends.
    counts: Vec<u32>,
    /// The result: positions in `found`, in order.
    order: Vec<u32>,
}

/// The positions of `found` in [`order_key`] order, in `buf.order`. A counting sort by feature type and
/// distance bucket (`metres / range` in as many buckets as findings, up to [`MAX_BUCKETS`]: monotone in
/// the distance; distances beyond `range` share the last), then each bucket holding more than one
/// finding sorted by the whole key. (`feature`, `rule`) is unique within a school, so the order is
/// fully determined.
fn sort_order(found: &[Finding], range: f64, buf: &mut SortBuffers) {
    let buckets = found.len().next_power_of_two().clamp(8, MAX_BUCKETS);
    let scale = buckets as f64 / range;
    let SortBuffers {
        slots,
        counts,
        order,
    } = buf;
    // Each finding's bucket, computed once (the float-to-integer conversion is the costly part).
    slots.clear();
    slots.extend(found.iter().map(|f| {
        let b = ((f.measured.metres.max(0.0) * scale) as usize).min(buckets - 1);
        (b + f.feature_type as usize * buckets) as u16
    }));
    counts.clear();
    counts.resize(2 * buckets + 1, 0);
    for &s in slots.iter() {
        counts[s as usize + 1] += 1;
    }
    for i in 1..counts.len() {
        counts[i] += counts[i - 1];
    }
    // Placing each finding at its bucket's next free position leaves counts[b] at the end of bucket b.
    order.clear();
    order.resize(found.len(), 0);
    for (i, &s) in slots.iter().enumerate() {
        let c = &mut counts[s as usize];
        order[*c as usize] = i as u32;
        *c += 1;
    }
    let mut start = 0;
    for &end in &counts[..2 * buckets] {
        let end = end as usize;
        if end - start > 1 {
            order[start..end].sort_unstable_by_key(|&i| order_key(&found[i as usize]));
        }
        start = end;
    }
}

/// Scans every school. The index must have been built from the same dataset.
pub fn scan(ds: &Dataset, index: &Index, rules: &RuleSet) -> Vec<Finding> {
    // Schools are visited in the index's spatial order (neighbours share cached venues) and the
    // results put back in school order.
    let order = &index.school_order;
    let per_visit: Vec<Vec<Finding>> = order
        .par_iter()
        .with_min_len(16)
        .map_init(Scratch::default, |scratch, &si| {
            scan_school(ds, index, rules, si as usize, scratch)
        })
        .collect();
    let mut visit_of = vec![0u32; order.len()];
    for (pos, &si) in order.iter().enumerate() {
        visit_of[si as usize] = pos as u32;
    }
    let parts: Vec<&[Finding]> = visit_of
        .iter()
        .map(|&pos| per_visit[pos as usize].as_slice())
        .collect();
    crate::mem::concat_in_parallel(&parts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gen::rng::Rng;

    /// The counting sort gives the order of a plain sort by the whole key: findings of both types,
    /// many at 0 m (inside the campus), repeated distances, several rules per feature, distances beyond
    /// the range (they share the last bucket), and from none to more findings than there are buckets.
    #[test]
    fn sort_order_equals_sorting_by_key() {
        let mut rng = Rng::new(7);
        let mut buf = SortBuffers::default();
        for case in 0..300 {
            let n = rng.int(0, 700);
            let repeated = [0.0, 12.5, 199.99, 200.0];
            let found: Vec<Finding> = (0..n)
                .map(|i| {
                    let metres = match rng.below(4) {
                        0 => repeated[rng.below(repeated.len())],
                        1 => rng.range(0.0, 260.0),
                        _ => rng.range(0.0, 200.0),
                    };
                    let at = (112.0, 33.0);
                    Finding {
                        school: 0,
                        feature_type: if rng.below(5) == 0 {
                            FeatureType::Water
                        } else {
                            FeatureType::Venue
                        },
                        // Two rules for some features: (feature, rule) stays unique.
                        feature: (i / 2) as u32,
                        rule: (i % 2) as u16,
                        method: MethodUsed {
                            rule: Method::Boundary,
                            measured: Method::Boundary,
                        },
                        measured: Measured {
                            metres,
                            from: at,
                            to: at,
                        },
                        approximate: false,
                    }
                })
                .collect();
            sort_order(&found, 201.0, &mut buf);
            let mut want: Vec<u32> = (0..n as u32).collect();
            want.sort_by_key(|&i| order_key(&found[i as usize]));
            assert_eq!(buf.order, want, "case {case}");
        }
    }
}
