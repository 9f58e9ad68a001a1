//! The TOML rule-set format, validated with the line of every mistake.

use serde::Deserialize;
use toml::Spanned;

use super::{Method, Rule, RuleSet, Target};
use crate::model::{Category, SchoolKind, WaterKind};

/// Errors in a rule set.
#[derive(Debug, thiserror::Error)]
pub enum RuleError {
    #[error("{file}:{line}: {message}")]
    Invalid {
        file: String,
        line: usize,
        message: String,
    },
    #[error("{file}: {message}")]
    Syntax { file: String, message: String },
    #[error("rule '{rule}' (line {line}): {message}")]
    Unsupported {
        rule: String,
        line: usize,
        message: String,
    },
    #[error(
        "unknown rule set '{0}' (built in: national, guangdong; or give a path to a .toml file)"
    )]
    UnknownName(String),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileToml {
    id: String,
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    rule: Vec<Spanned<RuleToml>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleToml {
    id: Spanned<String>,
    feature: Spanned<String>,
    #[serde(default)]
    categories: Vec<Spanned<String>>,
    #[serde(default)]
    water_kinds: Vec<Spanned<String>>,
    schools: Vec<Spanned<String>>,
    distance_m: Spanned<f64>,
    method: Spanned<String>,
    #[serde(default)]
    fallback: Option<Spanned<String>>,
    basis: Spanned<String>,
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())]
        .bytes()
        .filter(|&b| b == b'\n')
        .count()
        + 1
}

fn parse_method(s: &str) -> Option<Method> {
    match s {
        "boundary" => Some(Method::Boundary),
        "gate" => Some(Method::Gate),
        "walking" => Some(Method::Walking),
        _ => None,
    }
}

impl RuleSet {
    /// Parses and validates a rule set; `file` names it in messages. Unknown keys, categories, school
    /// kinds, water kinds or methods, a negative or non-finite distance, a duplicate rule id or a rule with
    /// nothing to apply to are rejected with the line that is wrong.
    pub fn from_toml(text: &str, file: &str) -> Result<RuleSet, RuleError> {
        let parsed: FileToml = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| line_of(text, s.start));
            match line {
                Some(line) => RuleError::Invalid {
                    file: file.to_string(),
                    line,
                    message: e.message().to_string(),
                },
                None => RuleError::Syntax {
                    file: file.to_string(),
                    message: e.to_string(),
                },
            }
        })?;
        let err = |span: std::ops::Range<usize>, message: String| RuleError::Invalid {
            file: file.to_string(),
            line: line_of(text, span.start),
            message,
        };
        let mut rules = Vec::new();
        for r in parsed.rule {
            let line = line_of(text, r.span().start);
            let r = r.into_inner();
            let id = r.id.get_ref().trim().to_string();
            if id.is_empty() {
                return Err(err(r.id.span(), "rule id is empty".into()));
            }
            if rules.iter().any(|x: &Rule| x.id == id) {
                return Err(err(r.id.span(), format!("duplicate rule id '{id}'")));
            }
            let target = match r.feature.get_ref().as_str() {
                "venue" => {
                    if !r.water_kinds.is_empty() {
                        return Err(err(
                            r.water_kinds[0].span(),
                            "water_kinds given on a venue rule".into(),
                        ));
                    }
                    if r.categories.is_empty() {
                        return Err(err(
                            r.feature.span(),
                            format!("rule '{id}': a venue rule needs categories"),
                        ));
                    }
                    let mut cats = Vec::new();
                    for c in &r.categories {
                        let cat: Category = c
                            .get_ref()
                            .parse()
                            .map_err(|e: crate::model::UnknownName| err(c.span(), e.to_string()))?;
                        cats.push(cat);
                    }
                    Target::Venues(cats)
                }
                "water" => {
                    if !r.categories.is_empty() {
                        return Err(err(
                            r.categories[0].span(),
                            "categories given on a water rule".into(),
                        ));
                    }
                    let mut kinds = Vec::new();
                    for w in &r.water_kinds {
                        let k: WaterKind = w
                            .get_ref()
                            .parse()
                            .map_err(|e: crate::model::UnknownName| err(w.span(), e.to_string()))?;
                        kinds.push(k);
                    }
                    Target::Water(kinds)
                }
                other => {
                    return Err(err(
                        r.feature.span(),
                        format!("unknown feature '{other}' (expected venue or water)"),
                    ));
                }
            };
            if r.schools.is_empty() {
                return Err(err(r.id.span(), format!("rule '{id}': schools is empty")));
            }
            let mut kinds = Vec::new();
            for s in &r.schools {
                let k: SchoolKind = s
                    .get_ref()
                    .parse()
                    .map_err(|e: crate::model::UnknownName| err(s.span(), e.to_string()))?;
                kinds.push(k);
            }
            let d = *r.distance_m.get_ref();
            if !d.is_finite() || d < 0.0 {
                return Err(err(
                    r.distance_m.span(),
                    format!("distance_m must be a non-negative number of metres, got {d}"),
                ));
            }
            if d > 50_000.0 {
                return Err(err(
                    r.distance_m.span(),
                    format!("distance_m {d} is over 50 km: not a perimeter rule"),
                ));
            }
            let method = parse_method(r.method.get_ref()).ok_or_else(|| {
                err(
                    r.method.span(),
                    format!(
                        "unknown method '{}' (expected boundary, gate or walking)",
                        r.method.get_ref()
                    ),
                )
            })?;
            let fallback = match &r.fallback {
                None => None,
                Some(f) => {
                    let m = parse_method(f.get_ref())
                        .filter(|m| *m != Method::Walking)
                        .ok_or_else(|| {
                            err(
                                f.span(),
                                format!(
                                    "unknown fallback '{}' (expected boundary or gate)",
                                    f.get_ref()
                                ),
                            )
                        })?;
                    Some(m)
                }
            };
            if r.basis.get_ref().trim().is_empty() {
                return Err(err(
                    r.basis.span(),
                    format!("rule '{id}': basis (the legal text) is empty"),
                ));
            }
            rules.push(Rule {
                id,
                target,
                school_kinds: kinds,
                limit_m: d,
                method,
                fallback,
                basis: r.basis.into_inner(),
                line,
            });
        }
        RuleSet::new(parsed.id, parsed.name, parsed.description, rules).map_err(|e| match e {
            RuleError::Unsupported {
                rule,
                line,
                message,
            } => RuleError::Invalid {
                file: file.to_string(),
                line,
                message: format!("rule '{rule}': {message}"),
            },
            other => other,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"id = "t"
name = "test"

[[rule]]
id = "a"
feature = "venue"
categories = ["internet_cafe"]
schools = ["primary"]
distance_m = 200.0
method = "boundary"
basis = "第九条"
"#;

    fn bad(replace: &str, with: &str) -> String {
        let text = GOOD.replace(replace, with);
        RuleSet::from_toml(&text, "t.toml").unwrap_err().to_string()
    }

    #[test]
    fn builtins_parse() {
        let n = RuleSet::national();
        assert_eq!(n.rules.len(), 6);
        assert_eq!(
            n.venue_rules(Category::InternetCafe, SchoolKind::Primary)
                .len(),
            1
        );
        assert_eq!(
            n.venue_rules(Category::InternetCafe, SchoolKind::Kindergarten)
                .len(),
            1
        );
        assert_eq!(
            n.venue_rules(Category::Ktv, SchoolKind::Kindergarten).len(),
            1
        );
        assert!(n
            .venue_rules(Category::InternetCafe, SchoolKind::NotCovered)
            .is_empty());
        assert!(n.venue_rules(Category::Bar, SchoolKind::Primary).is_empty());
        assert_eq!(
            n.water_rules(WaterKind::Pond, SchoolKind::Kindergarten)
                .len(),
            1
        );
        assert_eq!(n.max_venue_limit(SchoolKind::Primary), 200.0);
        assert_eq!(n.max_venue_limit(SchoolKind::NotCovered), 0.0);
        let g = RuleSet::builtin("guangdong").unwrap();
        let ktv_kg = g.venue_rules(Category::Ktv, SchoolKind::Kindergarten);
        assert_eq!(ktv_kg.len(), 1);
        let r = &g.rules[ktv_kg[0] as usize];
        assert_eq!(
            (r.limit_m, r.method, r.measured_method().unwrap()),
            (100.0, Method::Walking, Method::Gate)
        );
    }

    #[test]
    fn mistakes_name_their_line() {
        assert_eq!(bad("\"internet_cafe\"", "\"cyber\""), "t.toml:7: unknown category 'cyber' (expected one of: internet_cafe, ktv, game_hall, lottery, tobacco, hazardous, bar, other)");
        assert_eq!(
            bad("200.0", "-5.0"),
            "t.toml:9: distance_m must be a non-negative number of metres, got -5"
        );
        assert_eq!(
            bad("\"boundary\"", "\"crow\""),
            "t.toml:10: unknown method 'crow' (expected boundary, gate or walking)"
        );
        assert!(bad("\"primary\"", "\"university\"")
            .starts_with("t.toml:8: unknown school kind 'university'"));
        assert!(bad("method = \"boundary\"", "method = \"walking\"")
            .starts_with("t.toml:4: rule 'a': method 'walking' is not yet supported"));
        assert!(
            bad("basis", "basics").starts_with("t.toml:"),
            "{}",
            bad("basis", "basics")
        );
        assert!(bad("distance_m = 200.0", "distance_m = \"200\"").starts_with("t.toml:9:"));
    }
}
