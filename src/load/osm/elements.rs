//! The in-memory store of one OSM file: every node's coordinates, the tagged nodes, every way and every
//! relation, each kind sorted by id so that lookups are binary searches (no hashing of millions of ids,
//! no quadratic step). Coordinates are WGS84 longitude/latitude degrees.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::load::{LoadError, Skipped};

/// The three OSM element types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ElementType {
    Node,
    Way,
    Relation,
}

impl ElementType {
    pub fn as_str(self) -> &'static str {
        match self {
            ElementType::Node => "node",
            ElementType::Way => "way",
            ElementType::Relation => "relation",
        }
    }

    /// Parses `node`, `way` or `relation` (the XML `member/@type` values).
    pub fn parse(s: &str) -> Option<ElementType> {
        match s {
            "node" => Some(ElementType::Node),
            "way" => Some(ElementType::Way),
            "relation" => Some(ElementType::Relation),
            _ => None,
        }
    }
}

/// An element's identity; orders as node < way < relation, then by numeric id. Displays as the model's
/// ids: `osm:node/123`, `osm:way/45`, `osm:relation/6`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ElementId {
    pub kind: ElementType,
    pub id: i64,
}

impl ElementId {
    pub fn node(id: i64) -> Self {
        ElementId {
            kind: ElementType::Node,
            id,
        }
    }
    pub fn way(id: i64) -> Self {
        ElementId {
            kind: ElementType::Way,
            id,
        }
    }
    pub fn relation(id: i64) -> Self {
        ElementId {
            kind: ElementType::Relation,
            id,
        }
    }
}

impl fmt::Display for ElementId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "osm:{}/{}", self.kind.as_str(), self.id)
    }
}

/// An element's tags, in file order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tags(Vec<(Box<str>, Box<str>)>);

impl Tags {
    pub fn new() -> Self {
        Tags(Vec::new())
    }

    pub fn push(&mut self, key: &str, value: &str) {
        self.0.push((key.into(), value.into()));
    }

    /// The value of `key`, if the element carries it (the first one if a file repeats a key).
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| &**k == key).map(|(_, v)| &**v)
    }

    pub fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// True when `key` is present with exactly `value`.
    pub fn is(&self, key: &str, value: &str) -> bool {
        self.get(key) == Some(value)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (&**k, &**v))
    }
}

/// A node that carries tags (untagged nodes are kept as coordinates only).
#[derive(Debug, Clone, PartialEq)]
pub struct TaggedNode {
    pub id: i64,
    /// Longitude, degrees.
    pub lon: f64,
    /// Latitude, degrees.
    pub lat: f64,
    pub tags: Tags,
}

/// A way: its node references in order, and its tags.
#[derive(Debug, Clone, PartialEq)]
pub struct Way {
    pub id: i64,
    pub refs: Vec<i64>,
    pub tags: Tags,
}

impl Way {
    /// Closed: at least four references and the last equals the first.
    pub fn is_closed(&self) -> bool {
        self.refs.len() >= 4 && self.refs.first() == self.refs.last()
    }
}

/// A relation member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub kind: ElementType,
    pub id: i64,
    pub role: String,
}

/// A relation: its members in order, and its tags.
#[derive(Debug, Clone, PartialEq)]
pub struct Relation {
    pub id: i64,
    pub members: Vec<Member>,
    pub tags: Tags,
}

/// Every element of one file.
#[derive(Debug, Clone, Default)]
pub struct Store {
    /// `(id, [lon, lat])` of every node with a valid location, sorted by id.
    coords: Vec<(i64, [f64; 2])>,
    /// Nodes with tags, sorted by id.
    pub tagged_nodes: Vec<TaggedNode>,
    /// Every way, sorted by id.
    ways: Vec<Way>,
    /// Every relation, sorted by id.
    pub relations: Vec<Relation>,
}

impl Store {
    /// A node's `(lon, lat)` in degrees, if the file has it.
    pub fn node(&self, id: i64) -> Option<(f64, f64)> {
        self.coords
            .binary_search_by_key(&id, |(i, _)| *i)
            .ok()
            .and_then(|i| self.coords.get(i))
            .map(|(_, [x, y])| (*x, *y))
    }

    /// A way, if the file has it.
    pub fn way(&self, id: i64) -> Option<&Way> {
        self.ways
            .binary_search_by_key(&id, |w| w.id)
            .ok()
            .and_then(|i| self.ways.get(i))
    }

    pub fn ways(&self) -> &[Way] {
        &self.ways
    }

    pub fn node_count(&self) -> usize {
        self.coords.len()
    }
}

/// Collects elements while a parser reads a file, validating coordinates on the way.
#[derive(Debug)]
pub struct StoreBuilder {
    path: PathBuf,
    skip_invalid: bool,
    store: Store,
    /// Elements left out under `skip_invalid`.
    pub skipped: Vec<Skipped>,
}

impl StoreBuilder {
    pub fn new(path: &Path, skip_invalid: bool) -> Self {
        StoreBuilder {
            path: path.to_path_buf(),
            skip_invalid,
            store: Store::default(),
            skipped: Vec::new(),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Reports a bad element: an error, or (under `skip_invalid`) a [`Skipped`] entry.
    /// `feature` reads like `#12 (osm:node/5)`: the 0-based element index in the file, then the id.
    pub fn bad_element(
        &mut self,
        feature: String,
        field: &str,
        message: String,
    ) -> Result<(), LoadError> {
        if self.skip_invalid {
            self.skipped.push(Skipped {
                feature,
                field: field.to_string(),
                reason: message,
            });
            Ok(())
        } else {
            Err(LoadError::Feature {
                path: self.path.clone(),
                feature,
                field: field.to_string(),
                message,
            })
        }
    }

    /// Adds a node at (`lon`, `lat`) degrees; `index` is its 0-based position among the file's elements.
    /// A coordinate that fails [`crate::crs::check_lon_lat`] is an error (or skipped).
    pub fn node(
        &mut self,
        index: usize,
        id: i64,
        lon: f64,
        lat: f64,
        tags: Tags,
    ) -> Result<(), LoadError> {
        if let Err(source) = crate::crs::check_lon_lat(lon, lat) {
            let feature = format!("#{index} ({})", ElementId::node(id));
            if self.skip_invalid {
                self.skipped.push(Skipped {
                    feature,
                    field: "lat/lon".into(),
                    reason: source.to_string(),
                });
                return Ok(());
            }
            return Err(LoadError::Coordinate {
                path: self.path.clone(),
                feature,
                source,
            });
        }
        self.store.coords.push((id, [lon, lat]));
        if !tags.is_empty() {
            self.store
                .tagged_nodes
                .push(TaggedNode { id, lon, lat, tags });
        }
        Ok(())
    }

    pub fn way(&mut self, id: i64, refs: Vec<i64>, tags: Tags) {
        self.store.ways.push(Way { id, refs, tags });
    }

    pub fn relation(&mut self, id: i64, members: Vec<Member>, tags: Tags) {
        self.store.relations.push(Relation { id, members, tags });
    }

    /// Sorts every kind by id (a file may list an id twice: the first one is kept) and returns the store
    /// with the skipped elements.
    pub fn finish(self) -> (Store, Vec<Skipped>) {
        let mut s = self.store;
        s.coords.sort_by_key(|(id, _)| *id);
        s.coords.dedup_by_key(|(id, _)| *id);
        s.tagged_nodes.sort_by_key(|n| n.id);
        s.tagged_nodes.dedup_by_key(|n| n.id);
        s.ways.sort_by_key(|w| w.id);
        s.ways.dedup_by_key(|w| w.id);
        s.relations.sort_by_key(|r| r.id);
        s.relations.dedup_by_key(|r| r.id);
        (s, self.skipped)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_display_and_order() {
        assert_eq!(ElementId::way(45).to_string(), "osm:way/45");
        let mut ids = [
            ElementId::relation(1),
            ElementId::way(9),
            ElementId::node(100),
            ElementId::node(7),
        ];
        ids.sort();
        assert_eq!(
            ids.iter().map(|i| i.to_string()).collect::<Vec<_>>(),
            ["osm:node/7", "osm:node/100", "osm:way/9", "osm:relation/1"]
        );
    }

    #[test]
    fn builder_sorts_and_rejects_bad_coordinates() {
        let mut b = StoreBuilder::new(Path::new("x.osm"), false);
        b.node(0, 5, 1.0, 2.0, Tags::new()).unwrap();
        b.node(1, 3, 3.0, 4.0, Tags::new()).unwrap();
        let err = b.node(2, 4, 200.0, 0.0, Tags::new()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "x.osm: feature #2 (osm:node/4): coordinate (200, 0) is not a valid longitude/latitude \
             (longitude must be within ±180, latitude within ±90)"
        );
        let (s, skipped) = b.finish();
        assert_eq!(s.node(3), Some((3.0, 4.0)));
        assert_eq!(s.node(5), Some((1.0, 2.0)));
        assert_eq!(s.node(4), None);
        assert!(skipped.is_empty());

        let mut b = StoreBuilder::new(Path::new("x.osm"), true);
        b.node(0, 1, f64::NAN, 0.0, Tags::new()).unwrap();
        let (s, skipped) = b.finish();
        assert_eq!(s.node_count(), 0);
        assert_eq!(skipped.len(), 1);
        assert_eq!(skipped[0].feature, "#0 (osm:node/1)");
    }
}
