//! Raw features → schools, venues, water bodies and gates, through the field names of
//! [`super::fields::FieldMap`].
//!
//! Per layer:
//! - **id**: the id attribute; when a layer has none, `<file stem>:<index>` (e.g. `schools:12`). Ids must
//!   be unique within a file (a duplicate is a bad feature). Gates must name their school
//!   (`school_id`); their own id is optional.
//! - **name**: required for schools. A venue needs a name unless it states its category (a record
//!   with neither cannot be classified); water bodies may be unnamed (empty string).
//! - **kind / category**: an explicit attribute wins and must be a known value (an unknown value is
//!   an error naming the attribute and the value; school kinds and water kinds accept their Chinese
//!   words, categories their machine names and Chinese labels). Otherwise schools and water take their
//!   kind from the name (else `other`); venues are classified from name and business scope.
//! - **geometry**: schools: Polygon/MultiPolygon → [`Site::Area`], Point → [`Site::Point`] (approximate);
//!   venues: Point → [`Footprint::Door`], Polygon/MultiPolygon → [`Footprint::Area`]; water:
//!   Polygon/MultiPolygon → area, LineString/MultiLineString → line; gates: Point. A MultiPoint of one
//!   point counts as a Point. Anything else is a bad feature.
//!
//! With `skip_invalid`, bad features go to the returned [`Skipped`] list and the rest load.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use geo_types::{Geometry, MultiLineString, MultiPolygon, Point};

use super::fields::Field;
pub(crate) use super::ids::Identified;
use super::ids::{hash_id, SeenIds};
use super::report::{feature_label, reject, Bad};
use super::{Key, LayerKind, LoadError, LoadOptions, RawFeature, RawLayer, Skipped};
use crate::model::{
    Category, Footprint, Gate, School, SchoolKind, Site, Venue, WaterBody, WaterGeom, WaterKind,
};

/// Position of each field's attribute in a feature's attribute list (`None`: not there), indexed by
/// `field as usize`.
type Resolved = [Option<u16>; Field::ALL.len()];

// `Field::ALL` lists the fields in declaration order, so `field as usize` indexes a `Resolved`.
const _: () = {
    let mut i = 0;
    while i < Field::ALL.len() {
        assert!(Field::ALL[i] as usize == i);
        i += 1;
    }
};

/// Field resolution per distinct attribute-name list: the features of a file almost always share one or
/// a few, so the field map (case folding over every recognised name) runs once per list, not per feature.
#[derive(Default)]
pub(crate) struct FieldCache {
    entries: Vec<(Vec<Key>, Resolved)>,
}

/// Two attribute names equal? Names shared by features (see `keys`) are usually the very same text:
/// then no byte is compared.
#[inline]
fn same_name(a: &str, b: &str) -> bool {
    (a.len() == b.len() && std::ptr::eq(a.as_ptr(), b.as_ptr())) || a == b
}

impl FieldCache {
    const MAX: usize = 32;

    fn resolve(&mut self, feature: &RawFeature, opts: &LoadOptions, layer: LayerKind) -> Resolved {
        let keys = || feature.props.iter().map(|(k, _)| k.as_ref());
        if let Some((_, r)) = self.entries.iter().find(|(names, _)| {
            names.len() == feature.props.len()
                && names.iter().zip(keys()).all(|(a, b)| same_name(a, b))
        }) {
            return *r;
        }
        let mut r: Resolved = [None; Field::ALL.len()];
        for field in Field::ALL {
            r[field as usize] = opts
                .fields
                .resolve(layer, field, keys())
                .and_then(|k| keys().position(|name| name == k))
                .map(|i| i as u16);
        }
        if self.entries.len() == Self::MAX {
            self.entries.clear();
        }
        self.entries
            .push((feature.props.iter().map(|(k, _)| k.clone()).collect(), r));
        r
    }
}

/// A feature's attributes as seen through the field map. Values are moved out as fields are read (a value
/// two fields share is copied instead).
pub(crate) struct Attrs<'a> {
    feature: &'a mut RawFeature,
    resolved: Resolved,
}

impl Attrs<'_> {
    /// `(attribute name, trimmed value)` for `field`, when present and not empty.
    fn get(&self, field: Field) -> Option<(&str, &str)> {
        let i = self.resolved[field as usize]?;
        let (key, value) = &self.feature.props[i as usize];
        let value = super::trim::trim(value);
        (!value.is_empty()).then_some((key.as_ref(), value))
    }

    /// The trimmed value for `field`, when present and not empty.
    fn text(&mut self, field: Field) -> Option<String> {
        let i = self.resolved[field as usize]?;
        let shared = self.resolved.iter().filter(|r| **r == Some(i)).count() > 1;
        let value = &mut self.feature.props[i as usize].1;
        let trimmed = super::trim::trim(value);
        if trimmed.is_empty() {
            None
        } else if shared || trimmed.len() != value.len() {
            Some(trimmed.to_string())
        } else {
            Some(std::mem::take(value).into_string())
        }
    }

    fn required(&mut self, field: Field, what: &str) -> Result<String, Bad> {
        self.text(field).ok_or_else(|| Self::missing(field, what))
    }

    /// The fault of a required field that is missing or empty.
    fn missing(field: Field, what: &str) -> Bad {
        Bad::new(
            field.as_str(),
            format!(
                "{what} is missing or empty (attribute names recognised: {}; add yours in the --fields config)",
                field.defaults().join(", ")
            ),
        )
    }

    fn geometry(&self) -> &Geometry<f64> {
        &self.feature.geometry
    }
}

fn point_of(g: &Geometry<f64>) -> Option<Point<f64>> {
    match g {
        Geometry::Point(p) => Some(*p),
        Geometry::MultiPoint(m) if m.0.len() == 1 => Some(m.0[0]),
        _ => None,
    }
}

fn area_of(g: &Geometry<f64>) -> Option<MultiPolygon<f64>> {
    match g {
        Geometry::Polygon(p) => Some(MultiPolygon(vec![p.clone()])),
        Geometry::MultiPolygon(m) => Some(m.clone()),
        _ => None,
    }
}

fn type_name(g: &Geometry<f64>) -> &'static str {
    match g {
        Geometry::Point(_) => "Point",
        Geometry::Line(_) => "Line",
        Geometry::LineString(_) => "LineString",
        Geometry::Polygon(_) => "Polygon",
        Geometry::MultiPoint(_) => "MultiPoint",
        Geometry::MultiLineString(_) => "MultiLineString",
        Geometry::MultiPolygon(_) => "MultiPolygon",
        Geometry::GeometryCollection(_) => "GeometryCollection",
        Geometry::Rect(_) => "Rect",
        Geometry::Triangle(_) => "Triangle",
    }
}

fn wrong_geometry(what: &str, expected: &str, g: &Geometry<f64>) -> Bad {
    Bad::new(
        "geometry",
        format!("{what} must be {expected}, not a {}", type_name(g)),
    )
}

/// Makes one layer item from a feature's attributes and its id.
pub(crate) type Make<T> = fn(&LoadOptions, &mut Attrs<'_>, String) -> Result<T, Bad>;

/// A feature a reader could not read, kept for its place in file order: its index, the label naming it
/// in messages, and what is wrong.
pub(crate) type Rejected = (usize, String, Bad);

/// Builds one layer's items from its features, batch by batch in file order, with ids checked for
/// duplicates across the whole layer; bad features fail or are skipped.
///
/// `make` sees one feature at a time, so it runs in parallel; the duplicate check and the decision to
/// fail or skip then go through the features in order (with the features the reader rejected in their
/// places), so the outcome (the first error, the skipped list) is the same as a serial run's.
pub(crate) struct Builder<'o, T> {
    path: PathBuf,
    stem: String,
    opts: &'o LoadOptions,
    layer: LayerKind,
    make: Make<T>,
    seen: SeenIds,
    out: Vec<T>,
    skipped: Vec<Skipped>,
    /// Asked between batches: should reading stop (see [`Builder::stopping_when`])?
    stop: Option<&'o (dyn Fn() -> bool + Sync)>,
}

/// What the parallel part of a build gives for one feature: its index, the name of its id attribute
/// (when it has one and it is not empty; a name not shared by the reader's key cache is copied), the hash
/// of its id, and the item or the fault with the id.
pub(crate) struct Made<T> {
    index: usize,
    key: Option<Key>,
    hash: u64,
    result: Result<T, (Bad, String)>,
}

/// A feature's outcome in file order: made (or not) by [`Maker::make`], or rejected by its reader.
pub(crate) type Entry<T> = Result<Made<T>, Rejected>;

/// The part of a [`Builder`] that makes items from features: shared by the threads, so that readers can
/// make a feature's item right where they parse it.
pub(crate) struct Maker<'o, T> {
    stem: String,
    opts: &'o LoadOptions,
    layer: LayerKind,
    make: Make<T>,
}

impl<T> Maker<'_, T> {
    /// Makes one feature's item, taking the values it uses out of `feature`. `cache` is the thread's own.
    pub(crate) fn make(&self, cache: &mut FieldCache, feature: &mut RawFeature) -> Made<T> {
        let (opts, stem) = (self.opts, self.stem.as_str());
        let resolved = cache.resolve(feature, opts, self.layer);
        let mut attrs = Attrs { feature, resolved };
        let id_of = |attrs: &Attrs<'_>| match attrs.get(Field::Id) {
            Some((_, v)) => v.to_string(),
            None => format!("{stem}:{}", attrs.feature.index),
        };
        let id = id_of(&attrs);
        let key = attrs
            .get(Field::Id)
            .and(resolved[Field::Id as usize])
            .map(|i| attrs.feature.props[i as usize].0.clone());
        let hash = hash_id(&id);
        // The id attribute is never moved out (`text` copies a value two fields share), so on a fault it
        // is read again rather than copied for every feature.
        let result = (self.make)(opts, &mut attrs, id).map_err(|bad| (bad, id_of(&attrs)));
        Made {
            index: attrs.feature.index,
            key,
            hash,
            result,
        }
    }
}

impl<'o, T: Send + Identified> Builder<'o, T> {
    pub(crate) fn new(path: &Path, opts: &'o LoadOptions, layer: LayerKind, make: Make<T>) -> Self {
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| layer.as_str().to_string());
        Builder {
            path: path.to_path_buf(),
            stem,
            opts,
            layer,
            make,
            seen: SeenIds::default(),
            out: Vec::new(),
            skipped: Vec::new(),
            stop: None,
        }
    }

    /// Reading stops at the next batch once `stop` says so (another input's failure made this one's
    /// items useless).
    pub(crate) fn stopping_when(mut self, stop: &'o (dyn Fn() -> bool + Sync)) -> Self {
        self.stop = Some(stop);
        self
    }

    /// `Err(Stopped)` when reading should stop.
    pub(crate) fn go_on(&self) -> Result<(), LoadError> {
        match self.stop {
            Some(stop) if stop() => Err(LoadError::Stopped {
                path: self.path.clone(),
            }),
            _ => Ok(()),
        }
    }

    /// Makes room for `n` more items (a reader that knows how many features follow says so).
    pub(crate) fn reserve(&mut self, n: usize) {
        self.out.reserve(n);
        self.seen.reserve(n);
    }

    /// What makes this builder's items, for readers that make them as they parse.
    pub(crate) fn maker(&self) -> Maker<'o, T> {
        Maker {
            stem: self.stem.clone(),
            opts: self.opts,
            layer: self.layer,
            make: self.make,
        }
    }

    /// Adds a batch: `features` and the features the reader `rejected`, each in file order. The features'
    /// values are moved into the items made, and what is left of each feature (names, values not taken,
    /// geometry) is freed in the same parallel pass.
    pub(crate) fn add(
        &mut self,
        features: &mut [RawFeature],
        rejected: Vec<Rejected>,
    ) -> Result<(), LoadError> {
        let maker = self.maker();
        let made: Vec<Made<T>> = features
            .par_iter_mut()
            .with_min_len(512)
            .map_init(FieldCache::default, |cache, feature| {
                let made = maker.make(cache, feature);
                feature.props = Vec::new();
                feature.geometry = Geometry::Point(Point::new(0.0, 0.0));
                made
            })
            .collect();
        // The reader's rejects in their places.
        let mut entries = Vec::with_capacity(made.len() + rejected.len());
        let mut rejected = rejected.into_iter().peekable();
        for m in made {
            entries.extend(std::iter::from_fn(|| {
                rejected.next_if(|r| r.0 < m.index).map(Err)
            }));
            entries.push(Ok(m));
        }
        entries.extend(rejected.map(Err));
        self.check(entries)
    }

    /// The serial part of a build: goes through a batch's outcomes in file order, checks ids for
    /// duplicates, fails on or skips the bad features and keeps the items.
    pub(crate) fn check(&mut self, entries: Vec<Entry<T>>) -> Result<(), LoadError> {
        let opts = self.opts;
        // The items kept, in order; moved into `out` at the end, in parallel (most of `out` is memory
        // touched for the first time, which is slow to fault in on one thread).
        let mut kept: Vec<T> = Vec::with_capacity(entries.len());
        let checked = self.layer != LayerKind::Gates;
        let mut entries = entries.into_iter();
        loop {
            // The check's table is read a few features ahead (see `SeenIds::prefetch`).
            if let (true, Some(Ok(ahead))) = (checked, entries.as_slice().get(PREFETCH_IDS)) {
                self.seen.prefetch(ahead.hash);
            }
            let Some(entry) = entries.next() else { break };
            let made = match entry {
                Ok(made) => made,
                Err((_, label, bad)) => {
                    reject(&self.path, opts.skip_invalid, &mut self.skipped, label, bad)?;
                    continue;
                }
            };
            let id = match &made.result {
                Ok(item) => item.id(),
                Err((_, id)) => id.as_str(),
            };
            let first = if checked {
                let (out, kept) = (&self.out, &kept);
                let item = made.result.is_ok().then(|| out.len() + kept.len());
                self.seen.check(id, made.hash, item, made.index, |i| {
                    out.get(i)
                        .or_else(|| kept.get(i - out.len()))
                        .map(Identified::id)
                })
            } else {
                None
            };
            let fault = match (&made.key, first) {
                (Some(key), Some(first)) => {
                    let bad = Bad::new(
                        key.as_ref(),
                        format!("duplicate id '{id}' (feature #{first} has it too)"),
                    );
                    (bad, id.to_string())
                }
                _ => match made.result {
                    Ok(item) => {
                        kept.push(item);
                        continue;
                    }
                    Err(fault) => fault,
                },
            };
            let (bad, id) = fault;
            let label = feature_label(made.index, None, made.key.as_ref().map(|_| id.as_str()));
            reject(&self.path, opts.skip_invalid, &mut self.skipped, label, bad)?;
        }
        crate::mem::append_in_parallel(&mut self.out, kept);
        Ok(())
    }

    /// Adds every feature of a layer read whole (they are taken out of it), with the features its reader
    /// `rejected`.
    pub(crate) fn add_layer(
        &mut self,
        raw: &mut RawLayer,
        rejected: Vec<Rejected>,
    ) -> Result<(), LoadError> {
        let mut features = std::mem::take(&mut raw.features);
        self.reserve(features.len() + rejected.len());
        self.add(&mut features, rejected)
    }

    /// The items made and the features skipped.
    pub(crate) fn finish(self) -> (Vec<T>, Vec<Skipped>) {
        (self.out, self.skipped)
    }
}

/// How many features ahead the duplicate-id check asks for its table's memory.
const PREFETCH_IDS: usize = 8;

/// Runs `make` over every feature of `raw` (see [`Builder`]).
fn each<T: Send + Identified>(
    raw: &RawLayer,
    opts: &LoadOptions,
    layer: LayerKind,
    make: Make<T>,
) -> Result<(Vec<T>, Vec<Skipped>), LoadError> {
    let mut builder = Builder::new(&raw.path, opts, layer, make);
    builder.add_layer(&mut raw.clone(), Vec::new())?;
    Ok(builder.finish())
}

/// Schools from a raw layer.
pub fn schools(
    raw: &RawLayer,
    opts: &LoadOptions,
) -> Result<(Vec<School>, Vec<Skipped>), LoadError> {
    each(raw, opts, LayerKind::Schools, school)
}

/// One school.
pub(crate) fn school(_: &LoadOptions, a: &mut Attrs<'_>, id: String) -> Result<School, Bad> {
    let name = a.required(Field::Name, "the school's name")?;
    let kind = match a.get(Field::Kind) {
        Some((key, value)) => value
            .parse::<SchoolKind>()
            .map_err(|e| Bad::new(key, e.to_string()))?,
        None => SchoolKind::from_name(&name).unwrap_or(SchoolKind::Other),
    };
    let pupils = match a.get(Field::Pupils) {
        None => None,
        Some((key, value)) => Some(parse_count(value).map_err(|m| Bad::new(key, m))?),
    };
    let g = a.geometry();
    let site = match (area_of(g), point_of(g)) {
        (Some(area), _) => Site::Area(area),
        (None, Some(p)) => Site::Point(p),
        _ => {
            return Err(wrong_geometry(
                "a school",
                "a Polygon, a MultiPolygon or a Point",
                g,
            ))
        }
    };
    Ok(School {
        id,
        name,
        kind,
        township: a.text(Field::Township),
        site,
        gates: Vec::new(),
        pupils,
    })
}

/// A head count: a non-negative whole number (`1200`, `1200.0`).
fn parse_count(text: &str) -> Result<u32, String> {
    let v: f64 = text
        .parse()
        .map_err(|_| format!("'{text}' is not a number"))?;
    if v.is_finite() && v >= 0.0 && v.fract() == 0.0 && v <= f64::from(u32::MAX) {
        Ok(v as u32)
    } else {
        Err(format!("'{text}' is not a whole number of pupils"))
    }
}

/// A category from an attribute: its machine name (`internet_cafe`) or its Chinese label (网吧).
fn parse_category(value: &str) -> Result<Category, String> {
    value
        .parse::<Category>()
        .or_else(|e| {
            Category::ALL
                .into_iter()
                .find(|c| c.label_zh() == value.trim())
                .ok_or(e)
        })
        .map_err(|e| e.to_string())
}

/// Venues from a raw layer.
pub fn venues(raw: &RawLayer, opts: &LoadOptions) -> Result<(Vec<Venue>, Vec<Skipped>), LoadError> {
    each(raw, opts, LayerKind::Venues, venue)
}

/// One venue.
pub(crate) fn venue(opts: &LoadOptions, a: &mut Attrs<'_>, id: String) -> Result<Venue, Bad> {
    let explicit = match a.get(Field::Category) {
        None => None,
        Some((key, value)) => Some(parse_category(value).map_err(|m| Bad::new(key, m))?),
    };
    let text = |field| a.get(field).map(|(_, value)| value);
    let name = match (explicit, text(Field::Name)) {
        (_, Some(name)) => name,
        (Some(_), None) => "",
        (None, None) => {
            return Err(Attrs::missing(
                Field::Name,
                "the venue's name (needed to classify it when no category is given)",
            ))
        }
    };
    let scope = text(Field::Scope);
    let category = explicit.unwrap_or_else(|| opts.classifier.classify(name, |_| None, scope));
    let g = a.geometry();
    let footprint = match (point_of(g), area_of(g)) {
        (Some(p), _) => Footprint::Door(p),
        (None, Some(area)) => Footprint::Area(area),
        _ => return Err(wrong_geometry("a venue", "a Point or a Polygon", g)),
    };
    // The texts are copied into the venue's one allocation straight from the attributes.
    let optional = if opts.drop_venue_details {
        [text(Field::Licence), None, None, None]
    } else {
        [
            text(Field::Licence),
            text(Field::Address),
            scope,
            text(Field::Status),
        ]
    };
    Ok(Venue::from_parts(&id, name, optional, category, footprint))
}

/// Water bodies from a raw layer.
pub fn water(
    raw: &RawLayer,
    opts: &LoadOptions,
) -> Result<(Vec<WaterBody>, Vec<Skipped>), LoadError> {
    each(raw, opts, LayerKind::Water, water_body)
}

/// One water body.
pub(crate) fn water_body(_: &LoadOptions, a: &mut Attrs<'_>, id: String) -> Result<WaterBody, Bad> {
    let name = a.text(Field::Name).unwrap_or_default();
    let kind = match a.get(Field::Kind) {
        Some((key, value)) => value
            .parse::<WaterKind>()
            .map_err(|e| Bad::new(key, e.to_string()))?,
        None => WaterKind::from_name(&name).unwrap_or(WaterKind::Other),
    };
    let g = a.geometry();
    let geom = match g {
        Geometry::Polygon(_) | Geometry::MultiPolygon(_) => match area_of(g) {
            Some(area) => WaterGeom::Area(area),
            None => {
                return Err(wrong_geometry(
                    "a water body",
                    "a Polygon or a LineString",
                    g,
                ))
            }
        },
        Geometry::LineString(l) => WaterGeom::Line(MultiLineString(vec![l.clone()])),
        Geometry::MultiLineString(m) => WaterGeom::Line(m.clone()),
        _ => {
            return Err(wrong_geometry(
                "a water body",
                "a Polygon, a MultiPolygon, a LineString or a MultiLineString",
                g,
            ))
        }
    };
    Ok(WaterBody {
        id,
        name,
        kind,
        geom,
    })
}

/// A gate and the id of the school it belongs to.
pub type SchoolGate = (String, Gate);

impl Identified for School {
    fn id(&self) -> &str {
        &self.id
    }
}

impl Identified for Venue {
    fn id(&self) -> &str {
        Venue::id(self)
    }
}

impl Identified for WaterBody {
    fn id(&self) -> &str {
        &self.id
    }
}

/// Gates are not checked for duplicates (a gate's own id is optional).
impl Identified for SchoolGate {
    fn id(&self) -> &str {
        self.1.id.as_deref().unwrap_or("")
    }
}

/// Gates from a point layer: `(school id, gate)` pairs.
pub fn gates(
    raw: &RawLayer,
    opts: &LoadOptions,
) -> Result<(Vec<SchoolGate>, Vec<Skipped>), LoadError> {
    each(raw, opts, LayerKind::Gates, gate)
}

/// One gate and its school's id.
pub(crate) fn gate(_: &LoadOptions, a: &mut Attrs<'_>, _: String) -> Result<SchoolGate, Bad> {
    let school = a.required(Field::SchoolId, "the gate's school id")?;
    let point =
        point_of(a.geometry()).ok_or_else(|| wrong_geometry("a gate", "a Point", a.geometry()))?;
    Ok((
        school,
        Gate {
            id: a.text(Field::Id),
            name: a.text(Field::Name),
            point,
        },
    ))
}

/// Gives each school its gates; returns how many gates were attached and the school ids that matched no
/// school, once each, in the order first met.
///
/// ```
/// use geo_types::Point;
/// use perimeter::load::build::attach_gates;
/// use perimeter::model::{Gate, School, SchoolKind, Site};
/// let mut schools = vec![School {
///     id: "S1".into(), name: "城关小学".into(), kind: SchoolKind::Primary, township: None,
///     site: Site::Point(Point::new(112.4, 33.5)), gates: vec![], pupils: None,
/// }];
/// let gate = |s: &str| (s.to_string(), Gate { id: None, name: None, point: Point::new(112.4, 33.5) });
/// let gates = vec![gate("S1"), gate("S9"), gate("S1"), gate("S8"), gate("S9")];
/// let (attached, unmatched) = attach_gates(&mut schools, gates);
/// assert_eq!(schools[0].gates.len(), 2);
/// assert_eq!(attached, 2);
/// assert_eq!(unmatched, vec!["S9".to_string(), "S8".to_string()]);
/// ```
pub fn attach_gates(schools: &mut [School], gates: Vec<SchoolGate>) -> (usize, Vec<String>) {
    let mut by_id: HashMap<String, usize> = HashMap::new();
    for (i, s) in schools.iter().enumerate() {
        by_id.entry(s.id.clone()).or_insert(i);
    }
    // Unmatched school ids once each, in the order first met.
    let mut unmatched: Vec<String> = Vec::new();
    let mut reported: std::collections::HashSet<String> = std::collections::HashSet::new();
    let mut attached = 0;
    for (school, gate) in gates {
        match by_id.get(&school) {
            Some(&i) => {
                schools[i].gates.push(gate);
                attached += 1;
            }
            None => {
                if reported.insert(school.clone()) {
                    unmatched.push(school);
                }
            }
        }
    }
    (attached, unmatched)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_categories() {
        assert_eq!(parse_count("1200"), Ok(1200));
        assert_eq!(parse_count("1200.0"), Ok(1200));
        assert_eq!(
            parse_count("12.5"),
            Err("'12.5' is not a whole number of pupils".into())
        );
        assert_eq!(parse_count("many"), Err("'many' is not a number".into()));
        assert_eq!(parse_category("网吧"), Ok(Category::InternetCafe));
        assert_eq!(parse_category("KTV"), Ok(Category::Ktv));
        assert!(parse_category("casino_hall")
            .unwrap_err()
            .starts_with("unknown category 'casino_hall'"));
    }
}
