use geo_types::{MultiPolygon, Point};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

use super::UnknownName;

/// What kind of school; decides which rules apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SchoolKind {
    /// 幼儿园.
    Kindergarten,
    /// 小学.
    Primary,
    /// 初中 / 初级中学.
    Junior,
    /// 高中 / 高级中学.
    Senior,
    /// 九年一贯制学校.
    NineYear,
    /// 完全中学, or a 中学 of unknown level.
    CompleteSecondary,
    /// 职业学校 / 中专.
    Vocational,
    /// 特殊教育学校.
    Special,
    /// A school of unknown level.
    Other,
    /// Not a school of minors: universities, colleges, teacher training, adult schools.
    NotCovered,
}

impl SchoolKind {
    pub const ALL: [SchoolKind; 10] = [
        SchoolKind::Kindergarten,
        SchoolKind::Primary,
        SchoolKind::Junior,
        SchoolKind::Senior,
        SchoolKind::NineYear,
        SchoolKind::CompleteSecondary,
        SchoolKind::Vocational,
        SchoolKind::Special,
        SchoolKind::Other,
        SchoolKind::NotCovered,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SchoolKind::Kindergarten => "kindergarten",
            SchoolKind::Primary => "primary",
            SchoolKind::Junior => "junior",
            SchoolKind::Senior => "senior",
            SchoolKind::NineYear => "nine-year",
            SchoolKind::CompleteSecondary => "complete-secondary",
            SchoolKind::Vocational => "vocational",
            SchoolKind::Special => "special",
            SchoolKind::Other => "other",
            SchoolKind::NotCovered => "not-covered",
        }
    }

    /// Infers the kind from a school's name. Exclusions (大学, 学院, 教师进修 …) win over everything;
    /// a name with no school word at all gives `None`.
    ///
    /// ```
    /// use perimeter::model::SchoolKind;
    /// assert_eq!(SchoolKind::from_name("南京市第一中学"), Some(SchoolKind::CompleteSecondary));
    /// assert_eq!(SchoolKind::from_name("金陵中学初中部"), Some(SchoolKind::Junior));
    /// assert_eq!(SchoolKind::from_name("南京市教师进修学校"), Some(SchoolKind::NotCovered));
    /// assert_eq!(SchoolKind::from_name("游府西街小学"), Some(SchoolKind::Primary));
    /// assert_eq!(SchoolKind::from_name("Party时代KTV"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<SchoolKind> {
        let n = name.to_lowercase();
        let has = |words: &[&str]| words.iter().any(|w| n.contains(w));
        if has(&[
            "大学",
            "学院",
            "教师进修",
            "进修学校",
            "培训",
            "老年",
            "党校",
            "成人",
            "夜校",
            "驾校",
            "university",
            "college",
            "training",
        ]) {
            return Some(SchoolKind::NotCovered);
        }
        if has(&["特殊教育", "特教", "培智", "聋哑", "盲校", "启智"]) {
            return Some(SchoolKind::Special);
        }
        if has(&["幼儿园", "幼稚园", "托儿所", "kindergarten", "nursery"]) {
            return Some(SchoolKind::Kindergarten);
        }
        if has(&["九年一贯", "九年制"]) {
            return Some(SchoolKind::NineYear);
        }
        if has(&["职业", "职教", "中专", "技校", "技工", "vocational"]) {
            return Some(SchoolKind::Vocational);
        }
        if has(&["完全中学"]) {
            return Some(SchoolKind::CompleteSecondary);
        }
        if has(&["初中", "初级中学", "junior"]) {
            return Some(SchoolKind::Junior);
        }
        if has(&[
            "高中",
            "高级中学",
            "senior high",
            "high school",
            "lycée",
            "lycee",
        ]) {
            return Some(SchoolKind::Senior);
        }
        if has(&["中学", "secondary", "collège", "college-"]) {
            return Some(SchoolKind::CompleteSecondary);
        }
        if has(&["小学", "primary", "elementary", "école", "ecole"]) {
            return Some(SchoolKind::Primary);
        }
        if has(&["学校", "school", "学堂"]) {
            return Some(SchoolKind::Other);
        }
        None
    }
}

impl fmt::Display for SchoolKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for SchoolKind {
    type Err = UnknownName;
    /// Accepts the machine names (`primary`, `nine-year` …, `_` for `-` too) and the Chinese words
    /// (小学, 初中, 高中, 九年一贯制, 完全中学, 中学, 幼儿园, 职业学校, 特殊教育 …).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let norm = s.trim().to_lowercase().replace('_', "-");
        if let Some(k) = SchoolKind::ALL.into_iter().find(|k| k.as_str() == norm) {
            return Ok(k);
        }
        let zh = match norm.as_str() {
            "幼儿园" => Some(SchoolKind::Kindergarten),
            "小学" => Some(SchoolKind::Primary),
            "初中" | "初级中学" => Some(SchoolKind::Junior),
            "高中" | "高级中学" => Some(SchoolKind::Senior),
            "九年一贯制" | "九年一贯制学校" => Some(SchoolKind::NineYear),
            "完全中学" | "中学" => Some(SchoolKind::CompleteSecondary),
            "职业学校" | "中职" | "中专" => Some(SchoolKind::Vocational),
            "特殊教育" | "特殊教育学校" | "特教" => Some(SchoolKind::Special),
            "其他" => Some(SchoolKind::Other),
            _ => None,
        };
        zh.ok_or_else(|| UnknownName {
            what: "school kind",
            name: s.to_string(),
            expected: SchoolKind::ALL.map(|k| k.as_str()).join(", "),
        })
    }
}

/// Where a school is: its campus boundary, or only a point.
#[derive(Debug, Clone, PartialEq)]
pub enum Site {
    /// The campus boundary (holes honoured). Measurements from it are exact.
    Area(MultiPolygon<f64>),
    /// Only a point is known: every measurement from it is approximate.
    Point(Point<f64>),
}

/// A school gate (校门).
#[derive(Debug, Clone, PartialEq)]
pub struct Gate {
    pub id: Option<String>,
    pub name: Option<String>,
    pub point: Point<f64>,
}

/// A school: its identity, kind and where it is.
#[derive(Debug, Clone, PartialEq)]
pub struct School {
    pub id: String,
    pub name: String,
    pub kind: SchoolKind,
    /// 乡镇/街道, when known.
    pub township: Option<String>,
    pub site: Site,
    pub gates: Vec<Gate>,
    /// Number of pupils, when known.
    pub pupils: Option<u32>,
}

impl School {
    /// True when only a point is known: findings from it must say so.
    pub fn approximate(&self) -> bool {
        matches!(self.site, Site::Point(_))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_from_names() {
        let cases = [
            ("南京市游府西街小学", Some(SchoolKind::Primary)),
            ("南京市第二十九中学初中部", Some(SchoolKind::Junior)),
            ("南京市第十三中学", Some(SchoolKind::CompleteSecondary)),
            ("金陵高级中学", Some(SchoolKind::Senior)),
            ("北京东路小学九年一贯制学校", Some(SchoolKind::NineYear)),
            ("南京市鼓楼幼儿园", Some(SchoolKind::Kindergarten)),
            ("南京市职业教育中心", Some(SchoolKind::Vocational)),
            ("南京市聋人学校特殊教育", Some(SchoolKind::Special)),
            ("南京大学", Some(SchoolKind::NotCovered)),
            ("南京市玄武区教师进修学校", Some(SchoolKind::NotCovered)),
            ("老年大学", Some(SchoolKind::NotCovered)),
            ("新东方培训学校", Some(SchoolKind::NotCovered)),
            ("International School", Some(SchoolKind::Other)),
            ("Lycée Albert 1er", Some(SchoolKind::Senior)),
            ("Université Internationale de Monaco", None),
            ("新街口百货", None),
        ];
        for (name, want) in cases {
            assert_eq!(SchoolKind::from_name(name), want, "{name}");
        }
    }

    #[test]
    fn kinds_parse() {
        assert_eq!(
            "nine_year".parse::<SchoolKind>().unwrap(),
            SchoolKind::NineYear
        );
        assert_eq!(
            "初级中学".parse::<SchoolKind>().unwrap(),
            SchoolKind::Junior
        );
        assert!("university".parse::<SchoolKind>().is_err());
    }
}
