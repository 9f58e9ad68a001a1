//! The scan: every prohibited venue and every risk water body within its rule's distance of a school.
//!
//! Filter (R-tree, conservative box) → measure (exact metres, [`crate::measure`]) → classify (d ≤ limit).
//! Schools are scanned in parallel; the output order is deterministic: by school (input order), then
//! venues before water, then distance, feature (input order) and rule.

use rayon::prelude::*;
use rstar::AABB;

use crate::index::{expand_by_metres, Index, PreparedSchool};
use crate::measure::{point_to_paths, point_to_point, LonLat, Measured};
use crate::model::{Dataset, School};
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

/// Measures one feature against every applicable rule, caching one measurement per method.
struct PerMethod {
    cache: [Option<(Measured, Method)>; 3],
}

impl PerMethod {
    fn new() -> Self {
        PerMethod { cache: [None; 3] }
    }
    fn get(
        &mut self,
        rule: &Rule,
        f: impl FnOnce(Method) -> (Measured, Method),
    ) -> (Measured, Method) {
        let m = rule.measures();
        let slot = match m {
            Method::Boundary => 0,
            Method::Gate => 1,
            Method::Walking => 2,
        };
        *self.cache[slot].get_or_insert_with(|| f(m))
    }
}

fn scan_school(ds: &Dataset, index: &Index, rules: &RuleSet, si: usize, out: &mut Vec<Finding>) {
    let school: &School = &ds.schools[si];
    let ps = &index.schools[si];
    let approximate = school.approximate();
    let vmax = rules.max_venue_limit(school.kind);
    let start = out.len();
    if vmax > 0.0 {
        let reach = vmax + 1.0;
        let env: AABB<[f64; 2]> = expand_by_metres(ps.bbox, vmax);
        let mut visit = |vi: usize, category: crate::model::Category, door: Option<LonLat>| {
            let applicable = rules.venue_rules(category, school.kind);
            if applicable.is_empty() {
                return;
            }
            let mut cache = PerMethod::new();
            for &ri in applicable {
                let rule = &rules.rules[ri as usize];
                let (m, used) = cache.get(rule, |method| match door {
                    Some(p) => measure_point(ps, p, method, reach),
                    None => measure_footprint(
                        ps,
                        &index.footprints[index.footprint_of[vi] as usize].shape,
                        method,
                        reach,
                    ),
                });
                if m.metres <= rule.limit_m {
                    out.push(Finding {
                        school: si as u32,
                        feature_type: FeatureType::Venue,
                        feature: vi as u32,
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
        };
        for e in index.venue_points.locate_in_envelope_intersecting(&env) {
            let p = e.geom();
            visit(e.data.0 as usize, e.data.1, Some((p[0], p[1])));
        }
        for e in index.venue_areas.locate_in_envelope_intersecting(&env) {
            let vi = index.footprints[e.data as usize].venue as usize;
            visit(vi, ds.venues[vi].category, None);
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
    // (feature, rule) is unique within a school, so an unstable sort is deterministic.
    out[start..].sort_unstable_by(|a, b| {
        a.feature_type
            .cmp(&b.feature_type)
            .then(a.measured.metres.total_cmp(&b.measured.metres))
            .then(a.feature.cmp(&b.feature))
            .then(a.rule.cmp(&b.rule))
    });
}

/// Scans every school. The index must have been built from the same dataset.
pub fn scan(ds: &Dataset, index: &Index, rules: &RuleSet) -> Vec<Finding> {
    let per_school: Vec<Vec<Finding>> = (0..ds.schools.len())
        .into_par_iter()
        .with_min_len(16)
        .map(|si| {
            let mut out = Vec::new();
            scan_school(ds, index, rules, si, &mut out);
            out
        })
        .collect();
    let total = per_school.iter().map(Vec::len).sum();
    let mut all = Vec::with_capacity(total);
    for v in per_school {
        all.extend(v);
    }
    all
}
