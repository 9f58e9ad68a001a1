//! Rules as data: which features are forbidden or flagged around which schools, within how many metres,
//! measured how, on what legal basis. Rule sets are TOML files (`data/rules/*.toml`); `national` and
//! `guangdong` are built in.

mod parse;

use std::fmt;

use crate::model::{Category, SchoolKind, WaterKind};

pub use parse::RuleError;

/// How a distance is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// Straight line from any point of the campus boundary; 0 when inside.
    Boundary,
    /// Straight line from any school gate.
    Gate,
    /// Shortest lawful walking route between entrances (needs a footway network; not yet supported).
    Walking,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Boundary => "boundary",
            Method::Gate => "gate",
            Method::Walking => "walking",
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a rule is about.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    /// Venues of these categories.
    Venues(Vec<Category>),
    /// Water bodies of these kinds (empty: all kinds).
    Water(Vec<WaterKind>),
}

/// One rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub id: String,
    pub target: Target,
    pub school_kinds: Vec<SchoolKind>,
    /// The limit in metres: a feature at distance d is within when d ≤ limit_m.
    pub limit_m: f64,
    /// The method the rule prescribes.
    pub method: Method,
    /// What is measured while `method` is not supported (walking → gate or boundary).
    pub fallback: Option<Method>,
    /// Legal basis text (Chinese, with article number).
    pub basis: String,
    /// Line of the rule in its file (for messages).
    pub line: usize,
}

impl Rule {
    /// The straight-line method measured (validated when the rule set was built).
    #[inline]
    pub fn measures(&self) -> Method {
        match (self.method, self.fallback) {
            (Method::Walking, Some(m)) => m,
            (m, _) => m,
        }
    }

    /// The straight-line method actually measured: the rule's own, or its fallback for walking.
    pub fn measured_method(&self) -> Result<Method, RuleError> {
        if self.method == Method::Walking && self.fallback.is_none() {
            return Err(RuleError::Unsupported {
                rule: self.id.clone(),
                line: self.line,
                message: "method 'walking' is not yet supported (it needs a footway network); set fallback = \"gate\" or \"boundary\" to measure the straight line, a lower bound of the walking distance".into(),
            });
        }
        Ok(self.measures())
    }
}

/// A named set of rules with lookup tables by (category or water kind) × school kind.
#[derive(Debug, Clone)]
pub struct RuleSet {
    pub id: String,
    pub name: String,
    pub description: String,
    pub rules: Vec<Rule>,
    venue_table: Vec<Vec<Vec<u16>>>,
    water_table: Vec<Vec<Vec<u16>>>,
}

// The enums' declaration order is their `ALL` order, so the discriminant is the table index.
#[inline]
fn kind_index(k: SchoolKind) -> usize {
    k as usize
}
#[inline]
fn category_index(c: Category) -> usize {
    c as usize
}
#[inline]
fn water_index(w: WaterKind) -> usize {
    w as usize
}

/// The built-in rule sets' names.
pub const BUILTIN: [&str; 2] = ["national", "guangdong"];

impl RuleSet {
    /// Builds the lookup tables. Fails if a rule's method cannot be measured yet.
    pub(crate) fn new(
        id: String,
        name: String,
        description: String,
        rules: Vec<Rule>,
    ) -> Result<Self, RuleError> {
        let mut venue_table = vec![vec![Vec::new(); SchoolKind::ALL.len()]; Category::ALL.len()];
        let mut water_table = vec![vec![Vec::new(); SchoolKind::ALL.len()]; WaterKind::ALL.len()];
        for (i, rule) in rules.iter().enumerate() {
            rule.measured_method()?;
            for &k in &rule.school_kinds {
                match &rule.target {
                    Target::Venues(cats) => {
                        for &c in cats {
                            venue_table[category_index(c)][kind_index(k)].push(i as u16);
                        }
                    }
                    Target::Water(kinds) => {
                        let all = WaterKind::ALL.to_vec();
                        for &w in if kinds.is_empty() { &all } else { kinds } {
                            water_table[water_index(w)][kind_index(k)].push(i as u16);
                        }
                    }
                }
            }
        }
        Ok(RuleSet {
            id,
            name,
            description,
            rules,
            venue_table,
            water_table,
        })
    }

    /// A built-in rule set by name (`national`, `guangdong`).
    pub fn builtin(name: &str) -> Option<RuleSet> {
        let text = match name {
            "national" => include_str!("../../data/rules/national.toml"),
            "guangdong" => include_str!("../../data/rules/guangdong.toml"),
            _ => return None,
        };
        Some(
            RuleSet::from_toml(text, &format!("data/rules/{name}.toml"))
                .expect("built-in rule sets are valid"),
        )
    }

    /// The national default.
    pub fn national() -> RuleSet {
        RuleSet::builtin("national").expect("national is built in")
    }

    /// Indices of the rules for a venue category around a school kind.
    #[inline]
    pub fn venue_rules(&self, category: Category, kind: SchoolKind) -> &[u16] {
        &self.venue_table[category_index(category)][kind_index(kind)]
    }

    /// Indices of the rules for a water kind around a school kind.
    #[inline]
    pub fn water_rules(&self, water: WaterKind, kind: SchoolKind) -> &[u16] {
        &self.water_table[water_index(water)][kind_index(kind)]
    }

    /// The largest venue limit (m) for any category around this school kind (0 when none applies).
    pub fn max_venue_limit(&self, kind: SchoolKind) -> f64 {
        self.max_limit(kind, true)
    }

    /// The largest water limit (m) around this school kind (0 when none applies).
    pub fn max_water_limit(&self, kind: SchoolKind) -> f64 {
        self.max_limit(kind, false)
    }

    fn max_limit(&self, kind: SchoolKind, venues: bool) -> f64 {
        self.rules
            .iter()
            .filter(|r| {
                r.school_kinds.contains(&kind) && matches!(r.target, Target::Venues(_)) == venues
            })
            .map(|r| r.limit_m)
            .fold(0.0, f64::max)
    }

    /// The largest limit (m) of any venue rule for `category`, over all school kinds.
    pub fn max_limit_for_category(&self, category: Category) -> f64 {
        self.rules
            .iter()
            .filter(|r| matches!(&r.target, Target::Venues(c) if c.contains(&category)))
            .map(|r| r.limit_m)
            .fold(0.0, f64::max)
    }
}
