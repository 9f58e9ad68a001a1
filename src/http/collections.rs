//! The feature collections the server publishes — `schools`, `venues`, `water`, `findings`, `buffers`,
//! `posts`, `post_links` — over the dataset, the findings of one scan, the schools' zones and the
//! start-up guard-post plan; their item ids, R-trees, property filters and selection (bbox, filters,
//! paging).
//!
//! Items are numbered 0.. in their source's order (input order; findings in scan order). Item `k` of
//! `schools`, `venues` and `water` is `Dataset::{schools, venues, water}[k]`, of `findings` the scan's
//! k-th finding, of `buffers` the k-th zone (schools with no rule have none), of `posts` the plan's k-th
//! post, of `post_links` the k-th (post, covered gate) pair in post order. `posts` and `post_links` are
//! sensitive ([`super::guard_posts::is_sensitive`]).
//!
//! **bbox semantics**: an item matches a `bbox` when the bounding box of its geometry intersects the
//! query box, boundaries included (closed intervals). A point on the box's edge matches; a polygon whose
//! bounding box touches the query box matches even if the polygon itself does not.

use std::borrow::Cow;
use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use geo_types::{LineString, Polygon};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{RTree, AABB};

use super::guard_posts::ServedPosts;
use super::zones::Zone;
use crate::measure::LonLat;
use crate::model::{Dataset, Footprint, Site, WaterGeom};
use crate::posts::plan::Post;
use crate::posts::{DemandPoint, Plan};
use crate::rules::RuleSet;
use crate::scan::{FeatureType, Finding};

/// A collection's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CollectionId {
    Schools,
    Venues,
    Water,
    Findings,
    Buffers,
    /// Guard posts (sensitive).
    Posts,
    /// Lines from each guard post to the gates it covers (sensitive).
    PostLinks,
}

impl CollectionId {
    pub const ALL: [CollectionId; 7] = [
        CollectionId::Schools,
        CollectionId::Venues,
        CollectionId::Water,
        CollectionId::Findings,
        CollectionId::Buffers,
        CollectionId::Posts,
        CollectionId::PostLinks,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CollectionId::Schools => "schools",
            CollectionId::Venues => "venues",
            CollectionId::Water => "water",
            CollectionId::Findings => "findings",
            CollectionId::Buffers => "buffers",
            CollectionId::Posts => "posts",
            CollectionId::PostLinks => "post_links",
        }
    }

    /// `schools`, `venues`, `water`, `findings`, `buffers`, `posts` or `post_links`.
    pub fn parse(s: &str) -> Option<CollectionId> {
        CollectionId::ALL.into_iter().find(|c| c.as_str() == s)
    }

    pub fn title(self) -> &'static str {
        match self {
            CollectionId::Schools => "学校 Schools",
            CollectionId::Venues => "场所 Venues",
            CollectionId::Water => "水域 Water bodies",
            CollectionId::Findings => "问题隐患 Findings",
            CollectionId::Buffers => "周边范围 School zones",
            CollectionId::Posts => "护学岗 Guard posts",
            CollectionId::PostLinks => "护学岗覆盖 Guard post coverage",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            CollectionId::Schools => "School campuses (polygons) or, when only a point is known, points (approximate: true).",
            CollectionId::Venues => "Registered businesses and mapped venues with their category: door points or footprints.",
            CollectionId::Water => "Rivers and canals (lines); ponds, reservoirs, lakes and pits (polygons).",
            CollectionId::Findings => "Every venue or water body within its rule's distance of a school: the measured line (school side → feature side) with distance in metres and legal basis.",
            CollectionId::Buffers => "Per school, the zone within its largest rule distance of the campus (geodesic offset of the campus's convex hull in 128 directions; for display, findings are measured exactly).",
            CollectionId::Posts => "Guard posts (护学岗) of the plan made at start-up (LSCP, 300 m unless configured): the post's site, kind (gate, boundary, user), gates covered, schools, covered weight, officer and windows. Empty when no plan was made.",
            CollectionId::PostLinks => "A line from each guard post to every gate it covers, with the distance in metres.",
        }
    }

    /// The property filters this collection accepts.
    pub fn filters(self) -> &'static [Filter] {
        match self {
            CollectionId::Schools => &[Filter::SchoolId, Filter::Township, Filter::Kind],
            CollectionId::Venues => &[Filter::Category],
            CollectionId::Water => &[Filter::Kind],
            CollectionId::Findings => &[
                Filter::Category,
                Filter::SchoolId,
                Filter::Township,
                Filter::RuleId,
                Filter::Kind,
                Filter::FeatureType,
            ],
            CollectionId::Buffers => &[Filter::SchoolId, Filter::Township, Filter::Kind],
            CollectionId::Posts => &[],
            CollectionId::PostLinks => &[Filter::SchoolId],
        }
    }
}

/// A property filter (query parameter of `/items`): an item matches when its value is one of the given
/// values (comma-separated or repeated parameters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Filter {
    /// Venue category (`venues`), or the finding's category: venue category or water kind (`findings`).
    Category,
    /// The school's id.
    SchoolId,
    /// The school's township (乡镇/街道).
    Township,
    /// The rule's id (`findings`).
    RuleId,
    /// School kind (`schools`, `findings`, `buffers`) or water kind (`water`).
    Kind,
    /// `venue` or `water` (`findings`).
    FeatureType,
}

impl Filter {
    pub const ALL: [Filter; 6] = [
        Filter::Category,
        Filter::SchoolId,
        Filter::Township,
        Filter::RuleId,
        Filter::Kind,
        Filter::FeatureType,
    ];

    /// The query parameter's name.
    pub fn name(self) -> &'static str {
        match self {
            Filter::Category => "category",
            Filter::SchoolId => "school_id",
            Filter::Township => "township",
            Filter::RuleId => "rule_id",
            Filter::Kind => "kind",
            Filter::FeatureType => "feature_type",
        }
    }

    pub fn parse(name: &str) -> Option<Filter> {
        Filter::ALL.into_iter().find(|f| f.name() == name)
    }
}

/// Widens `extent` (`[min_lon, min_lat, max_lon, max_lat]`, `None`: empty) to cover the box `b`.
pub(crate) fn grow_extent(extent: &mut Option<[f64; 4]>, b: [f64; 4]) {
    *extent = Some(match *extent {
        None => b,
        Some(e) => [
            e[0].min(b[0]),
            e[1].min(b[1]),
            e[2].max(b[2]),
            e[3].max(b[3]),
        ],
    });
}

/// Parsed property filters: every listed filter must match (AND), any of its values (OR).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filters(pub Vec<(Filter, Vec<String>)>);

impl Filters {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// A borrowed view of an item's geometry (WGS84 lon/lat).
#[derive(Debug, Clone, Copy)]
pub enum GeomRef<'a> {
    Point(LonLat),
    /// The measured line of a finding.
    Segment(LonLat, LonLat),
    Polygon(&'a Polygon<f64>),
    MultiPolygon(&'a [Polygon<f64>]),
    MultiLineString(&'a [LineString<f64>]),
}

impl GeomRef<'_> {
    /// The bounding box `[west, south, east, north]` (degrees); `None` for an empty geometry.
    pub fn bbox(&self) -> Option<[f64; 4]> {
        let mut b = [
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ];
        let mut add = |x: f64, y: f64| {
            b = [b[0].min(x), b[1].min(y), b[2].max(x), b[3].max(y)];
        };
        match *self {
            GeomRef::Point(p) => add(p.0, p.1),
            GeomRef::Segment(a, c) => {
                add(a.0, a.1);
                add(c.0, c.1);
            }
            GeomRef::Polygon(p) => p.exterior().0.iter().for_each(|c| add(c.x, c.y)),
            GeomRef::MultiPolygon(ps) => ps
                .iter()
                .flat_map(|p| p.exterior().0.iter())
                .for_each(|c| add(c.x, c.y)),
            GeomRef::MultiLineString(ls) => ls
                .iter()
                .flat_map(|l| l.0.iter())
                .for_each(|c| add(c.x, c.y)),
        }
        (b[0] <= b[2] && b[1] <= b[3]).then_some(b)
    }
}

type Entry = GeomWithData<Rectangle<[f64; 2]>, u32>;

fn hash_id(s: &str) -> u64 {
    let mut h = DefaultHasher::new();
    s.hash(&mut h);
    h.finish()
}

/// One collection's index: an R-tree of item bounding boxes and the id lookup.
#[derive(Debug)]
pub struct Collection {
    pub id: CollectionId,
    /// Number of items.
    pub len: usize,
    pub tree: RTree<Entry>,
    /// Extent of every item, `[west, south, east, north]`; `None` when empty.
    pub extent: Option<[f64; 4]>,
    /// (hash of the item id, item), sorted.
    id_hashes: Vec<(u64, u32)>,
    /// Ids given to items whose source id repeats an earlier item's: `{id}~{n}`, n = 2, 3, …
    overrides: HashMap<u32, String>,
}

/// Which items a query selected, in item order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    /// Every item `0..n`.
    All(usize),
    Some(Vec<u32>),
}

impl Selection {
    pub fn len(&self) -> usize {
        match self {
            Selection::All(n) => *n,
            Selection::Some(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The items of the page `offset .. offset + limit`.
    pub fn page(&self, offset: usize, limit: usize) -> Vec<u32> {
        let end = offset.saturating_add(limit).min(self.len());
        if offset >= end {
            return Vec::new();
        }
        match self {
            Selection::All(_) => (offset as u32..end as u32).collect(),
            Selection::Some(v) => v[offset..end].to_vec(),
        }
    }
}

/// Everything the server publishes, built once at start-up.
#[derive(Debug)]
pub struct Published {
    pub dataset: Dataset,
    pub rules: RuleSet,
    pub findings: Vec<Finding>,
    pub zones: Vec<Zone>,
    /// Per school: `start..end` of its findings in `findings` (the scan groups them by school).
    pub findings_of_school: Vec<(u32, u32)>,
    /// Per school: its zone's position in `zones`.
    pub zone_of_school: Vec<Option<u32>>,
    /// The guard-post plan (sensitive: see [`super::guard_posts`]).
    pub guard_posts: ServedPosts,
    collections: Vec<Collection>,
}

impl Published {
    /// Indexes the collections over a dataset, its findings and zones, and a guard-post plan of its
    /// schools.
    pub fn new(
        dataset: Dataset,
        rules: RuleSet,
        findings: Vec<Finding>,
        zones: Vec<Zone>,
        guard_posts: ServedPosts,
    ) -> Published {
        let mut findings_of_school = vec![(0u32, 0u32); dataset.schools.len()];
        let mut start = 0usize;
        while start < findings.len() {
            let s = findings[start].school;
            let mut end = start;
            while end < findings.len() && findings[end].school == s {
                end += 1;
            }
            if let Some(slot) = findings_of_school.get_mut(s as usize) {
                *slot = (start as u32, end as u32);
            }
            start = end;
        }
        let mut zone_of_school = vec![None; dataset.schools.len()];
        for (i, z) in zones.iter().enumerate() {
            if let Some(slot) = zone_of_school.get_mut(z.school as usize) {
                *slot = Some(i as u32);
            }
        }
        let mut p = Published {
            dataset,
            rules,
            findings,
            zones,
            findings_of_school,
            zone_of_school,
            guard_posts,
            collections: Vec::new(),
        };
        let collections = CollectionId::ALL.map(|c| p.build_collection(c));
        p.collections = collections.into();
        p
    }

    fn build_collection(&self, id: CollectionId) -> Collection {
        let len = self.len_of(id);
        let mut entries = Vec::with_capacity(len);
        let mut extent: Option<[f64; 4]> = None;
        for k in 0..len {
            if let Some(b) = self.geometry(id, k).bbox() {
                entries.push(Entry::new(
                    Rectangle::from_corners([b[0], b[1]], [b[2], b[3]]),
                    k as u32,
                ));
                grow_extent(&mut extent, b);
            }
        }
        let tree = RTree::bulk_load(entries);
        let mut id_hashes: Vec<(u64, u32)> = (0..len)
            .map(|k| (hash_id(&self.source_id(id, k)), k as u32))
            .collect();
        id_hashes.sort_unstable();
        // Items whose source id repeats an earlier one get `{id}~{n}`.
        let mut overrides = HashMap::new();
        let mut i = 0;
        while i < id_hashes.len() {
            let mut j = i + 1;
            while j < id_hashes.len() && id_hashes[j].0 == id_hashes[i].0 {
                j += 1;
            }
            if j - i > 1 {
                let mut seen: HashMap<String, u32> = HashMap::new();
                for &(_, k) in &id_hashes[i..j] {
                    let sid = self.source_id(id, k as usize).into_owned();
                    let n = seen.entry(sid.clone()).or_insert(0);
                    *n += 1;
                    if *n > 1 {
                        overrides.insert(k, format!("{sid}~{n}"));
                    }
                }
            }
            i = j;
        }
        if !overrides.is_empty() {
            for entry in id_hashes.iter_mut() {
                if let Some(o) = overrides.get(&entry.1) {
                    entry.0 = hash_id(o);
                }
            }
            id_hashes.sort_unstable();
        }
        Collection {
            id,
            len,
            tree,
            extent,
            id_hashes,
            overrides,
        }
    }

    fn len_of(&self, id: CollectionId) -> usize {
        match id {
            CollectionId::Schools => self.dataset.schools.len(),
            CollectionId::Venues => self.dataset.venues.len(),
            CollectionId::Water => self.dataset.water.len(),
            CollectionId::Findings => self.findings.len(),
            CollectionId::Buffers => self.zones.len(),
            CollectionId::Posts => self.guard_posts.posts(),
            CollectionId::PostLinks => self.guard_posts.links.len(),
        }
    }

    /// The plan behind `posts` and `post_links` (without posts when none was made).
    fn plan(&self) -> &Plan {
        &self.guard_posts.plan
    }

    /// Post `k` of `posts`.
    pub fn post(&self, k: usize) -> &Post {
        &self.plan().posts[k]
    }

    /// Link `k` of `post_links`: its post and the gate (demand point) it covers.
    pub fn post_link(&self, k: usize) -> (&Post, &DemandPoint) {
        let l = self.guard_posts.links[k];
        let plan = self.plan();
        (&plan.posts[l.post as usize], &plan.demand[l.gate as usize])
    }

    pub fn collection(&self, id: CollectionId) -> &Collection {
        &self.collections[id as usize]
    }

    /// The id of item `k` as its source has it (a finding's is `school_id:feature_id:rule_id`).
    fn source_id(&self, id: CollectionId, k: usize) -> Cow<'_, str> {
        let ds = &self.dataset;
        match id {
            CollectionId::Schools => Cow::Borrowed(&ds.schools[k].id),
            CollectionId::Venues => Cow::Borrowed(ds.venues[k].id()),
            CollectionId::Water => Cow::Borrowed(&ds.water[k].id),
            CollectionId::Findings => {
                let f = &self.findings[k];
                let feature = match f.feature_type {
                    FeatureType::Venue => ds.venues[f.feature as usize].id(),
                    FeatureType::Water => ds.water[f.feature as usize].id.as_str(),
                };
                Cow::Owned(format!(
                    "{}:{}:{}",
                    ds.schools[f.school as usize].id, feature, self.rules.rules[f.rule as usize].id
                ))
            }
            CollectionId::Buffers => Cow::Borrowed(&ds.schools[self.zones[k].school as usize].id),
            CollectionId::Posts => Cow::Borrowed(&self.post(k).id),
            CollectionId::PostLinks => {
                let (post, gate) = self.post_link(k);
                let school = &ds.schools[gate.school].id;
                Cow::Owned(match &gate.gate {
                    Some(g) => format!("{}:{school}:{g}", post.id),
                    None => format!("{}:{school}", post.id),
                })
            }
        }
    }

    /// The published id of item `k` (unique within its collection).
    pub fn item_id(&self, id: CollectionId, k: usize) -> Cow<'_, str> {
        match self.collection(id).overrides.get(&(k as u32)) {
            Some(o) => Cow::Borrowed(o.as_str()),
            None => self.source_id(id, k),
        }
    }

    /// The item with this published id.
    pub fn find(&self, id: CollectionId, item_id: &str) -> Option<u32> {
        let c = self.collection(id);
        let h = hash_id(item_id);
        let start = c.id_hashes.partition_point(|e| e.0 < h);
        c.id_hashes[start..]
            .iter()
            .take_while(|e| e.0 == h)
            .map(|e| e.1)
            .find(|&k| self.item_id(id, k as usize) == item_id)
    }

    /// Item `k`'s geometry.
    pub fn geometry(&self, id: CollectionId, k: usize) -> GeomRef<'_> {
        let ds = &self.dataset;
        match id {
            CollectionId::Schools => match &ds.schools[k].site {
                Site::Area(mp) => GeomRef::MultiPolygon(&mp.0),
                Site::Point(p) => GeomRef::Point((p.x(), p.y())),
            },
            CollectionId::Venues => match &ds.venues[k].footprint {
                Footprint::Door(p) => GeomRef::Point((p.x(), p.y())),
                Footprint::Area(mp) => GeomRef::MultiPolygon(&mp.0),
            },
            CollectionId::Water => match &ds.water[k].geom {
                WaterGeom::Area(mp) => GeomRef::MultiPolygon(&mp.0),
                WaterGeom::Line(ml) => GeomRef::MultiLineString(&ml.0),
            },
            CollectionId::Findings => {
                let m = &self.findings[k].measured;
                GeomRef::Segment(m.from, m.to)
            }
            CollectionId::Buffers => GeomRef::Polygon(&self.zones[k].polygon),
            CollectionId::Posts => {
                let p = self.post(k);
                GeomRef::Point((p.lon, p.lat))
            }
            CollectionId::PostLinks => {
                let (p, g) = self.post_link(k);
                GeomRef::Segment((p.lon, p.lat), (g.lon, g.lat))
            }
        }
    }

    /// Item `k`'s value for a filter (`None` when it has none, e.g. an unknown township).
    pub fn filter_value(&self, id: CollectionId, k: usize, filter: Filter) -> Option<&str> {
        let ds = &self.dataset;
        let school_of = |si: usize, f: Filter| -> Option<&str> {
            let s = &ds.schools[si];
            match f {
                Filter::SchoolId => Some(&s.id),
                Filter::Township => s.township.as_deref(),
                Filter::Kind => Some(s.kind.as_str()),
                _ => None,
            }
        };
        match id {
            CollectionId::Schools => school_of(k, filter),
            CollectionId::Venues => match filter {
                Filter::Category => Some(ds.venues[k].category.as_str()),
                _ => None,
            },
            CollectionId::Water => match filter {
                Filter::Kind => Some(ds.water[k].kind.as_str()),
                _ => None,
            },
            CollectionId::Findings => {
                let f = &self.findings[k];
                match filter {
                    Filter::Category => Some(match f.feature_type {
                        FeatureType::Venue => ds.venues[f.feature as usize].category.as_str(),
                        FeatureType::Water => ds.water[f.feature as usize].kind.as_str(),
                    }),
                    Filter::RuleId => Some(&self.rules.rules[f.rule as usize].id),
                    Filter::FeatureType => Some(f.feature_type.as_str()),
                    other => school_of(f.school as usize, other),
                }
            }
            CollectionId::Buffers => school_of(self.zones[k].school as usize, filter),
            CollectionId::Posts => None,
            CollectionId::PostLinks => match filter {
                Filter::SchoolId => school_of(self.post_link(k).1.school, filter),
                _ => None,
            },
        }
    }

    fn matches(&self, id: CollectionId, k: usize, filters: &Filters) -> bool {
        filters.0.iter().all(|(f, values)| {
            let v = self.filter_value(id, k, *f);
            values.iter().any(|want| v == Some(want.as_str()))
        })
    }

    /// The items intersecting `bbox` (see the module's bbox semantics) and matching every filter, in item
    /// order.
    pub fn select(&self, id: CollectionId, bbox: Option<[f64; 4]>, filters: &Filters) -> Selection {
        let c = self.collection(id);
        match bbox {
            None if filters.is_empty() => Selection::All(c.len),
            None => Selection::Some(
                (0..c.len)
                    .filter(|&k| self.matches(id, k, filters))
                    .map(|k| k as u32)
                    .collect(),
            ),
            Some(b) => {
                let env = AABB::from_corners([b[0], b[1]], [b[2], b[3]]);
                let mut hits: Vec<u32> = c
                    .tree
                    .locate_in_envelope_intersecting(&env)
                    .map(|e| e.data)
                    .filter(|&k| self.matches(id, k as usize, filters))
                    .collect();
                hits.sort_unstable();
                Selection::Some(hits)
            }
        }
    }

    /// The rule distance a school's zone is drawn at: its largest venue or water rule limit (metres).
    pub fn zone_distance_m(rules: &RuleSet, kind: crate::model::SchoolKind) -> f64 {
        rules.max_venue_limit(kind).max(rules.max_water_limit(kind))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages() {
        let s = Selection::Some(vec![3, 5, 8, 13]);
        assert_eq!(s.page(1, 2), vec![5, 8]);
        assert_eq!(s.page(3, 10), vec![13]);
        assert!(s.page(4, 10).is_empty());
        assert!(s.page(usize::MAX, usize::MAX).is_empty());
        assert_eq!(Selection::All(5).page(3, usize::MAX), vec![3, 4]);
    }
}
