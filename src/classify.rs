//! Venue categories from names, tags and business-scope text.
//!
//! The rules live in a data file (`data/categories.toml`, built in; users pass an edited copy with
//! `--categories FILE`). Precedence: an explicit category field wins; then the name's keywords; then
//! OpenStreetMap tags; then the business scope's keywords; otherwise `other`. So an OSM bar named
//! "Party时代KTV" is a KTV.

use serde::Deserialize;

use crate::model::Category;

/// The built-in keyword rules.
pub const DEFAULT_RULES: &str = include_str!("../data/categories.toml");

/// Errors in a category rules file.
#[derive(Debug, thiserror::Error)]
pub enum ClassifyError {
    #[error("category rules: {0}")]
    Parse(String),
    #[error("category rules: {0}")]
    Category(#[from] crate::model::UnknownName),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesFile {
    #[serde(default)]
    name_ignored_for: Vec<String>,
    category: Vec<CategoryRule>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CategoryRule {
    name: String,
    #[serde(default)]
    keywords: Vec<String>,
    #[serde(default)]
    tags: Vec<String>,
}

/// One tag rule: every `(key, value)` pair must match.
type TagSet = Vec<(String, String)>;

/// Keyword and tag rules, in precedence order.
#[derive(Debug, Clone)]
pub struct Classifier {
    keywords: Vec<(Category, Vec<String>)>,
    /// `(category, [(key, value)…])`: every pair of one entry must match.
    tags: Vec<(Category, Vec<TagSet>)>,
    /// Tags whose features are classified by tags alone, never by name or scope.
    name_ignored_for: TagSet,
}

impl Default for Classifier {
    fn default() -> Self {
        Classifier::from_toml(DEFAULT_RULES).expect("the built-in category rules parse")
    }
}

/// Latin keywords are matched as whole words (so "bar" does not match "barber"); CJK ones as substrings.
fn contains_keyword(haystack_lower: &str, kw: &str) -> bool {
    if !kw.is_ascii() {
        return haystack_lower.contains(kw);
    }
    let bytes = haystack_lower.as_bytes();
    let mut start = 0;
    while let Some(pos) = haystack_lower[start..].find(kw) {
        let i = start + pos;
        let j = i + kw.len();
        let before_ok = i == 0 || !bytes[i - 1].is_ascii_alphanumeric();
        let after_ok = j == bytes.len() || !bytes[j].is_ascii_alphanumeric();
        // "KTV" glued to CJK text ("Party时代KTV") still counts: CJK bytes are not ASCII alphanumerics.
        if before_ok && after_ok {
            return true;
        }
        start = i + 1;
        while !haystack_lower.is_char_boundary(start) {
            start += 1;
        }
    }
    false
}

impl Classifier {
    /// Parses a rules file in the format of `data/categories.toml`.
    pub fn from_toml(text: &str) -> Result<Self, ClassifyError> {
        let file: RulesFile =
            toml::from_str(text).map_err(|e| ClassifyError::Parse(e.to_string()))?;
        let mut keywords = Vec::new();
        let mut tags = Vec::new();
        let mut name_ignored_for = Vec::new();
        for t in &file.name_ignored_for {
            let (k, v) = t.split_once('=').ok_or_else(|| {
                ClassifyError::Parse(format!("name_ignored_for: '{t}' is not key=value"))
            })?;
            name_ignored_for.push((k.trim().to_string(), v.trim().to_string()));
        }
        for rule in file.category {
            let cat: Category = rule.name.parse()?;
            keywords.push((
                cat,
                rule.keywords.iter().map(|k| k.to_lowercase()).collect(),
            ));
            let mut sets = Vec::new();
            for t in &rule.tags {
                let mut set = Vec::new();
                for pair in t.split(';') {
                    let (k, v) = pair.split_once('=').ok_or_else(|| {
                        ClassifyError::Parse(format!(
                            "tag '{t}' of '{}' is not key=value",
                            rule.name
                        ))
                    })?;
                    set.push((k.trim().to_string(), v.trim().to_string()));
                }
                sets.push(set);
            }
            tags.push((cat, sets));
        }
        Ok(Classifier {
            keywords,
            tags,
            name_ignored_for,
        })
    }

    /// The first category whose keyword occurs in `text`.
    pub fn by_keywords(&self, text: &str) -> Option<Category> {
        let lower = text.to_lowercase();
        self.keywords
            .iter()
            .find(|(_, kws)| kws.iter().any(|k| contains_keyword(&lower, k)))
            .map(|(c, _)| *c)
    }

    /// The first category whose tag set matches; `tag(key)` looks a tag up.
    pub fn by_tags<'a>(&self, tag: impl Fn(&str) -> Option<&'a str>) -> Option<Category> {
        self.tags
            .iter()
            .find(|(_, sets)| {
                sets.iter()
                    .any(|set| set.iter().all(|(k, v)| tag(k) == Some(v.as_str())))
            })
            .map(|(c, _)| *c)
    }

    /// Classifies by name, then tags, then business scope; `other` when nothing matches. A feature with a
    /// tag of `name_ignored_for` (a car park, a hairdresser …) is classified by its tags alone.
    ///
    /// ```
    /// use perimeter::classify::Classifier;
    /// use perimeter::model::Category;
    /// let c = Classifier::default();
    /// let bar = |k: &str| (k == "amenity").then_some("bar");
    /// assert_eq!(c.classify("Party时代KTV", bar, None), Category::Ktv);
    /// assert_eq!(c.classify("Blue Note", bar, None), Category::Bar);
    /// assert_eq!(c.classify("便民超市", |_| None, Some("日用百货、卷烟零售")), Category::Tobacco);
    /// assert_eq!(c.classify("Barber Shop", |_| None, None), Category::Other);
    /// ```
    pub fn classify<'a>(
        &self,
        name: &str,
        tag: impl Fn(&str) -> Option<&'a str>,
        scope: Option<&str>,
    ) -> Category {
        if self
            .name_ignored_for
            .iter()
            .any(|(k, v)| tag(k) == Some(v.as_str()))
        {
            return self.by_tags(tag).unwrap_or(Category::Other);
        }
        self.by_keywords(name)
            .or_else(|| self.by_tags(tag))
            .or_else(|| scope.and_then(|s| self.by_keywords(s)))
            .unwrap_or(Category::Other)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keyword_table() {
        let c = Classifier::default();
        let cases = [
            ("星际网咖", Category::InternetCafe),
            ("某某上网服务有限公司", Category::InternetCafe),
            ("麦乐迪KTV", Category::Ktv),
            ("金嗓子练歌房", Category::Ktv),
            ("大富豪夜总会", Category::Ktv),
            ("Jimmy'z Nightclub", Category::Ktv),
            ("电玩城", Category::GameHall),
            ("Fun Arcade", Category::GameHall),
            ("中国福利彩票3201号", Category::Lottery),
            ("体彩投注站", Category::Lottery),
            ("Casino de Monte-Carlo", Category::Lottery),
            ("中石化加油站", Category::Hazardous),
            ("城南加气站", Category::Hazardous),
            ("烟花爆竹批发", Category::Hazardous),
            ("液化气供应站", Category::Hazardous),
            ("名烟名酒", Category::Other),
            ("烟酒商行", Category::Tobacco),
            ("Stars'N'Bars", Category::Other),
            ("The Bar", Category::Bar),
            ("酒吧一条街", Category::Bar),
            ("Barbershop", Category::Other),
        ];
        for (name, want) in cases {
            assert_eq!(c.classify(name, |_| None, None), want, "{name}");
        }
    }

    #[test]
    fn tags_and_scope() {
        let c = Classifier::default();
        let fuel = |k: &str| (k == "amenity").then_some("fuel");
        assert_eq!(c.classify("Esso", fuel, None), Category::Hazardous);
        let parking = |k: &str| (k == "amenity").then_some("parking");
        assert_eq!(
            c.classify("Parking du Casino", parking, None),
            Category::Other
        );
        let hair = |k: &str| (k == "shop").then_some("hairdresser");
        assert_eq!(c.classify("Hair Bar", hair, None), Category::Other);
        assert_eq!(
            c.classify(
                "某某商贸有限公司",
                |_| None,
                Some("互联网上网服务；饮料零售")
            ),
            Category::InternetCafe
        );
    }

    #[test]
    fn bad_rules_are_rejected() {
        let err = Classifier::from_toml("[[category]]\nname = \"karaoke\"\nkeywords=[\"k\"]\n")
            .unwrap_err();
        assert!(
            err.to_string().contains("unknown category 'karaoke'"),
            "{err}"
        );
        let err = Classifier::from_toml("[[category]]\nname = \"ktv\"\ntags=[\"amenity\"]\n")
            .unwrap_err();
        assert!(err.to_string().contains("not key=value"), "{err}");
    }
}
