//! Pre-licence site check: may a venue of this category open at this point?
//!
//! The same measurement as the scan, from the other side: the schools near the point are found in the
//! school R-tree, each applicable rule is measured, and the answer lists every rule broken — or, when the
//! site is allowed, the nearest school it was measured against.

use serde::Serialize;

use crate::export::findings::round_cm;
use crate::index::{expand_by_metres, Index};
use crate::measure::{LonLat, Measured};
use crate::model::{Category, Dataset};
use crate::rules::RuleSet;
use crate::scan::{measure_point, MethodUsed};

/// A rule the site would break.
#[derive(Debug, Clone, PartialEq)]
pub struct Breach {
    /// Index into `Dataset::schools`.
    pub school: u32,
    /// Index into `RuleSet::rules`.
    pub rule: u16,
    pub method: MethodUsed,
    pub measured: Measured,
    pub approximate: bool,
}

/// The answer of a site check.
#[derive(Debug, Clone, PartialEq)]
pub struct SiteCheck {
    pub point: LonLat,
    pub category: Category,
    /// No rule is broken.
    pub allowed: bool,
    /// Every rule broken, nearest first.
    pub breaches: Vec<Breach>,
    /// The nearest school a rule for this category applies to (index, measurement by that rule's method),
    /// searched up to `search_m`; `None` when there is none that near.
    pub nearest: Option<(u32, Measured)>,
    /// True when no rule of the set concerns this category at all.
    pub unregulated: bool,
}

/// How far the check looks for the nearest school when the site is allowed (metres).
pub const NEAREST_SEARCH_M: f64 = 5_000.0;

/// Checks one site (WGS84 lon/lat) for one category.
pub fn check_site(
    ds: &Dataset,
    index: &Index,
    rules: &RuleSet,
    point: LonLat,
    category: Category,
) -> SiteCheck {
    let limit = rules.max_limit_for_category(category);
    let mut breaches = Vec::new();
    let mut nearest: Option<(u32, Measured)> = None;
    let unregulated = !rules
        .rules
        .iter()
        .any(|r| matches!(&r.target, crate::rules::Target::Venues(c) if c.contains(&category)));
    if !unregulated {
        // Look within the rule distance first; widen only when nothing applicable is that near.
        let mut radius = limit.max(1.0);
        loop {
            let env = expand_by_metres([point.0, point.1, point.0, point.1], radius);
            for e in index.school_tree.locate_in_envelope_intersecting(&env) {
                let si = e.data as usize;
                let school = &ds.schools[si];
                let applicable = rules.venue_rules(category, school.kind);
                let ps = &index.schools[si];
                for &ri in applicable {
                    let rule = &rules.rules[ri as usize];
                    let method = rule.measures();
                    let (m, used) = measure_point(ps, point, method, radius + 1.0);
                    if m.metres <= rule.limit_m && radius <= limit.max(1.0) {
                        breaches.push(Breach {
                            school: si as u32,
                            rule: ri,
                            method: MethodUsed {
                                rule: rule.method,
                                measured: used,
                            },
                            measured: m,
                            approximate: school.approximate(),
                        });
                    }
                    if nearest.is_none_or(|(_, n)| m.metres < n.metres) {
                        nearest = Some((si as u32, m));
                    }
                }
            }
            let found_within = nearest.is_some_and(|(_, n)| n.metres <= radius);
            if found_within || radius >= NEAREST_SEARCH_M {
                break;
            }
            radius = (radius * 4.0).min(NEAREST_SEARCH_M);
            nearest = None;
        }
        if nearest.is_some_and(|(_, n)| n.metres > NEAREST_SEARCH_M) {
            nearest = None;
        }
    }
    breaches.sort_by(|a, b| {
        (a.measured.metres, a.school, a.rule)
            .partial_cmp(&(b.measured.metres, b.school, b.rule))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    SiteCheck {
        point,
        category,
        allowed: breaches.is_empty(),
        breaches,
        nearest,
        unregulated,
    }
}

/// The published form of a site check: what `perimeter check --json` prints and the server's `/check`
/// answers, so both give the same answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SiteCheckRecord<'a> {
    /// The site, WGS84 degrees.
    pub lon: f64,
    pub lat: f64,
    pub category: &'static str,
    /// The rule set's id.
    pub rules: &'a str,
    pub allowed: bool,
    /// True when no rule of the set concerns this category at all.
    pub unregulated: bool,
    /// Every rule broken, nearest first.
    pub breaches: Vec<BreachRecord<'a>>,
    /// The nearest school a rule for this category applies to, within [`NEAREST_SEARCH_M`].
    pub nearest_school: Option<NearestSchool<'a>>,
}

/// A rule the site would break, with names and legal basis.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BreachRecord<'a> {
    pub school_id: &'a str,
    pub school_name: &'a str,
    pub school_kind: &'static str,
    pub rule_id: &'a str,
    /// What was measured (see [`MethodUsed::label`]).
    pub method: &'static str,
    /// The rule's limit, metres.
    pub limit_m: f64,
    /// Metres, rounded to 0.01 m (the decision used the unrounded value).
    pub distance_m: f64,
    pub legal_basis: &'a str,
    /// True when the school is known only as a point.
    pub approximate: bool,
    /// The measured line, school side first, `[[lon, lat], [lon, lat]]` in WGS84 degrees.
    pub line: [[f64; 2]; 2],
}

/// The nearest school to an allowed site.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NearestSchool<'a> {
    pub school_id: &'a str,
    pub school_name: &'a str,
    /// Metres, rounded to 0.01 m.
    pub distance_m: f64,
}

impl SiteCheck {
    /// The published form of this answer, with names and legal basis from the dataset and rules it was
    /// computed with.
    pub fn record<'a>(&self, ds: &'a Dataset, rules: &'a RuleSet) -> SiteCheckRecord<'a> {
        let breaches = self
            .breaches
            .iter()
            .map(|b| {
                let s = &ds.schools[b.school as usize];
                let r = &rules.rules[b.rule as usize];
                BreachRecord {
                    school_id: &s.id,
                    school_name: &s.name,
                    school_kind: s.kind.as_str(),
                    rule_id: &r.id,
                    method: b.method.label(),
                    limit_m: r.limit_m,
                    distance_m: round_cm(b.measured.metres),
                    legal_basis: &r.basis,
                    approximate: b.approximate,
                    line: [
                        [b.measured.from.0, b.measured.from.1],
                        [b.measured.to.0, b.measured.to.1],
                    ],
                }
            })
            .collect();
        let nearest_school = self.nearest.map(|(si, m)| {
            let s = &ds.schools[si as usize];
            NearestSchool {
                school_id: &s.id,
                school_name: &s.name,
                distance_m: round_cm(m.metres),
            }
        });
        SiteCheckRecord {
            lon: self.point.0,
            lat: self.point.1,
            category: self.category.as_str(),
            rules: &rules.id,
            allowed: self.allowed,
            unregulated: self.unregulated,
            breaches,
            nearest_school,
        }
    }
}
