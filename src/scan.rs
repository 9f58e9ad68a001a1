//! The scan: every prohibited venue and every risk water body within its rule's distance of a school.
//!
//! Filter (R-tree, conservative box) → measure (exact metres, [`crate::measure`]) → classify (d ≤ limit).
//! Schools are scanned in parallel; the output order is deterministic: by school (input order), then
//! venues before water, then distance, feature (input order) and rule.

use rayon::prelude::*;
use rstar::AABB;

use crate::index::{expand_by_metres, Index, PreparedSchool};
use crate::measure::{point_to_paths, point_to_point, LonLat, Measured};
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
    /// `walking→gate` / `walking→boundary (no gates)` for walking rules measured by their straight-line
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
/// filter for door points).
fn measure_point_within(
    ps: &PreparedSchool,
    p: LonLat,
    method: Method,
    limit_m: f64,
) -> Option<(Measured, Method)> {
    let (from, used) = from_for(ps, method);
    let m = match from {
        From::Area(a) => a.to_point_within(p, limit_m)?,
        From::Points(pts) => pts
            .iter()
            .map(|&g| point_to_point(g, p))
            .reduce(Measured::min)
            .filter(|m| m.metres <= limit_m)?,
    };
    Some((m, used))
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
    keys: Vec<(u128, u32)>,
}

/// One school's findings, in their final order.
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
        index.venue_points.for_each_in(&env, |v| {
            let applicable = table[v.category as usize];
            if applicable.is_empty() {
                return;
            }
            let p = (v.lon, v.lat);
            let mut cache = PerMethod::new();
            for &ri in applicable {
                let rule = &rules.rules[ri as usize];
                let measured = cache.get(rule, |method| measure_point_within(ps, p, method, vmax));
                if let Some(mu) = measured {
                    push(v.venue, ri, rule, mu);
                }
            }
        });
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
    // (feature, rule) is unique within a school, so an unstable sort is deterministic. Sorting (key,
    // position) pairs and then moving each finding once is cheaper than sorting the findings.
    let found = &scratch.found;
    let keys = &mut scratch.keys;
    keys.clear();
    keys.extend(
        found
            .iter()
            .enumerate()
            .map(|(i, f)| (order_key(f), i as u32)),
    );
    keys.sort_unstable();
    keys.iter().map(|&(_, i)| found[i as usize]).collect()
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
