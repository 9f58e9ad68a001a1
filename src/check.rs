//! Pre-licence site check: may a venue of this category open at this point?
//!
//! The same measurement as the scan, from the other side: the schools near the point are found in the
//! school R-tree, each applicable rule is measured, and the answer lists every rule broken — or, when the
//! site is allowed, the nearest school it was measured against.

use crate::index::{expand_by_metres, Index};
use crate::measure::{LonLat, Measured};
use crate::model::{Category, Dataset};
use crate::rules::RuleSet;
use crate::scan::{measure_venue, MethodUsed};

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
pub fn check_site(ds: &Dataset, index: &Index, rules: &RuleSet, point: LonLat, category: Category) -> SiteCheck {
    let limit = rules.max_limit_for_category(category);
    let mut breaches = Vec::new();
    let mut nearest: Option<(u32, Measured)> = None;
    let unregulated = limit <= 0.0 && !rules.rules.iter().any(|r| matches!(&r.target, crate::rules::Target::Venues(c) if c.contains(&category)));
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
                    let (m, used) = measure_venue(index, ps, 0, Some(point), method, radius + 1.0);
                    if m.metres <= rule.limit_m && radius <= limit.max(1.0) {
                        breaches.push(Breach {
                            school: si as u32,
                            rule: ri,
                            method: MethodUsed { rule: rule.method, measured: used },
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
