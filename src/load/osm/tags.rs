//! Which tags make a school, a gate, a water body or a venue, and what they say about it.
//!
//! - School: `amenity=school` or `amenity=kindergarten`.
//! - Gate: `barrier=gate`, or any `entrance=*`.
//! - Water area: `natural=water`, any `water=*`, `waterway=riverbank|dock`, `landuse=reservoir|basin`.
//! - Water line: `waterway=river|canal|stream|ditch|drain`.
//! - Venue candidate: a `name` and one of `amenity`, `shop`, `leisure`, `craft`, `office`, `tourism`,
//!   `landuse`; never a school, never water, never a way or relation that is a road (`highway=*`).

use crate::model::{SchoolKind, WaterKind};

use super::elements::Tags;

/// `amenity=school|kindergarten`.
pub fn is_school(tags: &Tags) -> bool {
    matches!(tags.get("amenity"), Some("school" | "kindergarten"))
}

/// `barrier=gate` or any `entrance=*`.
pub fn is_gate(tags: &Tags) -> bool {
    tags.is("barrier", "gate") || tags.has("entrance")
}

/// Tags that make a closed way or a multipolygon a water area.
pub fn is_water_area(tags: &Tags) -> bool {
    tags.is("natural", "water")
        || tags.has("water")
        || matches!(tags.get("waterway"), Some("riverbank" | "dock"))
        || matches!(tags.get("landuse"), Some("reservoir" | "basin"))
}

/// Tags that make a way a watercourse line.
pub fn is_water_line(tags: &Tags) -> bool {
    matches!(
        tags.get("waterway"),
        Some("river" | "canal" | "stream" | "ditch" | "drain")
    )
}

/// The keys of which one makes a named feature a venue candidate.
pub const VENUE_KEYS: [&str; 7] = [
    "amenity", "shop", "leisure", "craft", "office", "tourism", "landuse",
];

/// A named feature with a venue key that is not a school and not water; `is_node` lets nodes with a
/// `highway` tag through (a named shop mapped on a bus-stop node), while ways and relations with one
/// are roads, never venues.
pub fn is_venue_candidate(tags: &Tags, is_node: bool) -> bool {
    tags.has("name")
        && VENUE_KEYS.iter().any(|k| tags.has(k))
        && !is_school(tags)
        && !is_water_area(tags)
        && !is_water_line(tags)
        && (is_node || !tags.has("highway"))
}

/// A venue is kept when it falls in a category the rules speak of, or when it is an amenity, a shop or
/// a leisure place (context for the map); offices, crafts, tourism and land use of category `other`
/// are dropped.
pub fn keep_venue(tags: &Tags, category: crate::model::Category) -> bool {
    category != crate::model::Category::Other
        || ["amenity", "shop", "leisure"].iter().any(|k| tags.has(k))
}

/// The school's display name: `name`, else `name:zh`, else `name:en`; `None` when it has none.
pub fn name(tags: &Tags) -> Option<&str> {
    ["name", "name:zh", "name:en"]
        .iter()
        .filter_map(|k| tags.get(k))
        .map(str::trim)
        .find(|n| !n.is_empty())
}

/// The school's kind. `amenity=kindergarten` is a kindergarten. Otherwise the first name among `name`,
/// `name:zh`, `name:en` that [`SchoolKind::from_name`] places at a definite level wins; when the names
/// give no level (or only "a school", [`SchoolKind::Other`]) the `isced:level` and `school`/
/// `school:type`/`school:FR`/`school:MC` tags are tried; otherwise [`SchoolKind::Other`].
pub fn school_kind(tags: &Tags) -> SchoolKind {
    if tags.is("amenity", "kindergarten") {
        return SchoolKind::Kindergarten;
    }
    let by_name = ["name", "name:zh", "name:en"]
        .iter()
        .filter_map(|k| tags.get(k))
        .filter_map(SchoolKind::from_name)
        .find(|k| *k != SchoolKind::Other);
    by_name
        .or_else(|| tags.get("isced:level").and_then(kind_from_isced))
        .or_else(|| {
            ["school", "school:type", "school:FR", "school:MC"]
                .iter()
                .filter_map(|k| tags.get(k))
                .find_map(kind_from_school_tag)
        })
        .unwrap_or(SchoolKind::Other)
}

/// ISCED 2011 levels: 0 pre-primary, 1 primary, 2 lower secondary, 3 upper secondary, 4+ beyond school.
/// Several levels (`1;2`, `1-2`, `2;3`) give the combined kinds.
pub fn kind_from_isced(value: &str) -> Option<SchoolKind> {
    let mut levels: Vec<u32> = value
        .split([';', ',', '-', ' '])
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    levels.sort_unstable();
    levels.dedup();
    let (&lo, &hi) = (levels.first()?, levels.last()?);
    Some(match (lo, hi) {
        (0, 0) => SchoolKind::Kindergarten,
        (1, 1) => SchoolKind::Primary,
        (2, 2) => SchoolKind::Junior,
        (3, 3) => SchoolKind::Senior,
        (1, 2) => SchoolKind::NineYear,
        (2, 3) => SchoolKind::CompleteSecondary,
        (l, _) if l >= 4 => SchoolKind::NotCovered,
        _ => SchoolKind::Other,
    })
}

/// The values of `school=*` and the national `school:XX=*` keys.
pub fn kind_from_school_tag(value: &str) -> Option<SchoolKind> {
    let v = value.trim().to_lowercase();
    Some(match v.as_str() {
        "kindergarten" | "preschool" | "pre_school" | "maternelle" | "nursery" => {
            SchoolKind::Kindergarten
        }
        "primary" | "elementary" | "primaire" | "élémentaire" | "elementaire" => {
            SchoolKind::Primary
        }
        "junior" | "middle" | "lower_secondary" | "collège" | "college" => SchoolKind::Junior,
        "senior" | "high" | "upper_secondary" | "lycée" | "lycee" => SchoolKind::Senior,
        "secondary" => SchoolKind::CompleteSecondary,
        "vocational" | "professional" | "lycée_professionnel" => SchoolKind::Vocational,
        "special" | "special_education" | "special_needs" => SchoolKind::Special,
        "university" | "higher_education" | "adult" | "tertiary" => SchoolKind::NotCovered,
        _ => return None,
    })
}

/// 乡镇/街道: `addr:township`, else `addr:suburb`, else `addr:district`.
pub fn township(tags: &Tags) -> Option<String> {
    ["addr:township", "addr:suburb", "addr:district"]
        .iter()
        .filter_map(|k| tags.get(k))
        .map(str::trim)
        .find(|v| !v.is_empty())
        .map(str::to_string)
}

/// Pupils from `capacity`, else `students`, when it is a whole number.
pub fn pupils(tags: &Tags) -> Option<u32> {
    ["capacity", "students"]
        .iter()
        .filter_map(|k| tags.get(k))
        .find_map(|v| v.trim().parse().ok())
}

/// The address: `addr:full` when present, else the `addr:*` parts from the largest to the smallest
/// (province, city, district, township/suburb, street, housenumber) joined with spaces.
pub fn address(tags: &Tags) -> Option<String> {
    if let Some(full) = tags
        .get("addr:full")
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        return Some(full.to_string());
    }
    let parts: Vec<&str> = [
        "addr:province",
        "addr:city",
        "addr:district",
        "addr:township",
        "addr:suburb",
        "addr:street",
        "addr:housenumber",
    ]
    .iter()
    .filter_map(|k| tags.get(k))
    .map(str::trim)
    .filter(|s| !s.is_empty())
    .collect();
    (!parts.is_empty()).then(|| parts.join(" "))
}

/// A tag value as a water kind: the model's names (river, canal, pond, reservoir, lake, pit, `basin`,
/// `stream`, `ditch`, `drain` …) plus `riverbank`, `oxbow`, `lagoon`, `moat` and `reflecting_pool`.
fn kind_from_water_value(value: &str) -> Option<WaterKind> {
    match value {
        "riverbank" => Some(WaterKind::River),
        "oxbow" | "lagoon" => Some(WaterKind::Lake),
        "moat" => Some(WaterKind::Canal),
        "reflecting_pool" => Some(WaterKind::Pond),
        other => other.parse().ok(),
    }
}

/// The water kind: from `water=*`, then `waterway=*`, then `landuse=*`; else from the name
/// ([`WaterKind::from_name`] on `name`, `name:zh`, `name:en`); else [`WaterKind::Other`].
pub fn water_kind(tags: &Tags) -> WaterKind {
    ["water", "waterway", "landuse"]
        .iter()
        .filter_map(|k| tags.get(k))
        .find_map(kind_from_water_value)
        .or_else(|| {
            ["name", "name:zh", "name:en"]
                .iter()
                .filter_map(|k| tags.get(k))
                .find_map(WaterKind::from_name)
        })
        .unwrap_or(WaterKind::Other)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Category;

    fn t(pairs: &[(&str, &str)]) -> Tags {
        let mut tags = Tags::new();
        for (k, v) in pairs {
            tags.push(k, v);
        }
        tags
    }

    #[test]
    fn school_kinds() {
        let cases = [
            (
                t(&[("amenity", "kindergarten"), ("name", "Crèche")]),
                SchoolKind::Kindergarten,
            ),
            (
                t(&[("amenity", "school"), ("name", "秦淮区教师进修学校")]),
                SchoolKind::NotCovered,
            ),
            (
                t(&[("amenity", "school"), ("name", "南京五中")]),
                SchoolKind::Other,
            ),
            (
                t(&[
                    ("amenity", "school"),
                    ("name", "南京五中"),
                    ("name:en", "Nanjing No.5 Middle School"),
                ]),
                SchoolKind::Other,
            ),
            (
                t(&[
                    ("amenity", "school"),
                    ("name", "International School"),
                    ("isced:level", "1;2"),
                ]),
                SchoolKind::NineYear,
            ),
            (
                t(&[("amenity", "school"), ("isced:level", "2")]),
                SchoolKind::Junior,
            ),
            (
                t(&[("amenity", "school"), ("isced:level", "5")]),
                SchoolKind::NotCovered,
            ),
            (
                t(&[("amenity", "school"), ("school:FR", "lycée")]),
                SchoolKind::Senior,
            ),
            (
                t(&[
                    ("amenity", "school"),
                    ("name", "Foo"),
                    ("name:zh", "某某小学"),
                ]),
                SchoolKind::Primary,
            ),
        ];
        for (tags, want) in cases {
            assert_eq!(school_kind(&tags), want, "{tags:?}");
        }
    }

    #[test]
    fn school_attributes() {
        let tags = t(&[
            ("name", " "),
            ("name:en", "X School"),
            ("addr:suburb", "新街口街道"),
            ("addr:district", "玄武区"),
            ("capacity", "abc"),
            ("students", " 1200 "),
        ]);
        assert_eq!(name(&tags), Some("X School"));
        assert_eq!(township(&tags).as_deref(), Some("新街口街道"));
        assert_eq!(pupils(&tags), Some(1200));
        assert_eq!(pupils(&t(&[("capacity", "-3")])), None);
    }

    #[test]
    fn water_tags_and_kinds() {
        assert!(is_water_area(&t(&[("natural", "water")])));
        assert!(is_water_area(&t(&[("landuse", "basin")])));
        assert!(!is_water_area(&t(&[("natural", "wetland")])));
        assert!(is_water_line(&t(&[("waterway", "drain")])));
        assert!(!is_water_line(&t(&[("waterway", "weir")])));
        assert_eq!(
            water_kind(&t(&[("natural", "water"), ("water", "pond")])),
            WaterKind::Pond
        );
        assert_eq!(water_kind(&t(&[("waterway", "stream")])), WaterKind::River);
        assert_eq!(
            water_kind(&t(&[("landuse", "reservoir")])),
            WaterKind::Reservoir
        );
        assert_eq!(
            water_kind(&t(&[("natural", "water"), ("name", "玄武湖")])),
            WaterKind::Lake
        );
        assert_eq!(
            water_kind(&t(&[("natural", "water"), ("water", "oxbow")])),
            WaterKind::Lake
        );
        assert_eq!(water_kind(&t(&[("natural", "water")])), WaterKind::Other);
    }

    #[test]
    fn venue_rules() {
        let bar = t(&[("amenity", "bar"), ("name", "Party时代KTV")]);
        assert!(is_venue_candidate(&bar, true));
        assert!(!is_venue_candidate(&t(&[("amenity", "bar")]), true));
        assert!(!is_venue_candidate(
            &t(&[("amenity", "school"), ("name", "小学")]),
            false
        ));
        assert!(!is_venue_candidate(
            &t(&[("landuse", "reservoir"), ("name", "水库")]),
            false
        ));
        let road = t(&[
            ("highway", "pedestrian"),
            ("amenity", "marketplace"),
            ("name", "夫子庙"),
        ]);
        assert!(!is_venue_candidate(&road, false));
        assert!(is_venue_candidate(&road, true));
        assert!(keep_venue(&bar, Category::Other));
        assert!(!keep_venue(&t(&[("office", "company")]), Category::Other));
        assert!(keep_venue(&t(&[("office", "lottery")]), Category::Lottery));
    }

    #[test]
    fn addresses() {
        let tags = t(&[
            ("addr:street", "长江路"),
            ("addr:housenumber", "260"),
            ("addr:city", "南京"),
            ("addr:province", "江苏"),
        ]);
        assert_eq!(address(&tags).as_deref(), Some("江苏 南京 长江路 260"));
        assert_eq!(
            address(&t(&[("addr:full", "中山路178号")])).as_deref(),
            Some("中山路178号")
        );
        assert_eq!(address(&t(&[("name", "x")])), None);
    }
}
