//! GeoJSON: an RFC 7946 FeatureCollection, a bare JSON array of Features, or a single Feature.
//!
//! - CRS: RFC 7946 GeoJSON is WGS84. The legacy `crs` member (GeoJSON 2008:
//!   `{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::4547"}}`, or `{"type":"EPSG",
//!   "properties":{"code":4547}}`) states another CRS. A declared CRS (`--schools-crs` …) applies when the
//!   file has no `crs` member; when both exist and differ, that is an error.
//! - Positions are validated as written, before any conversion: rings must be closed and have at least
//!   4 positions, lines at least 2, nothing may be empty or null.
//! - Properties: strings as-is, numbers and booleans as text, arrays and objects as JSON text, null and
//!   empty strings left out; in key order. A Feature's `id` member becomes the first attribute, `id`,
//!   unless the properties have one.

use std::fmt;

use rayon::prelude::*;
use serde::de;
use serde_json::{Map, Value};

use super::build::{Builder, Entry, FieldCache, Identified, Rejected};
use super::geom::{Pos, RawGeom};
use super::keys::key;
use super::mapped::FileBytes;
use super::report::{feature_label, reject, Bad};
use super::{fields::Field, Format, Input, LoadError, LoadOptions, RawFeature, RawLayer};
use super::{geojson_feature, split};
use super::{Key, Text};
use crate::crs::{ConvertToWgs84, Crs, ToWgs84};

/// Reads a GeoJSON file.
pub fn read(input: &Input, opts: &LoadOptions) -> Result<RawLayer, LoadError> {
    parse(&FileBytes::open(&input.path)?, input, opts)
}

fn malformed(input: &Input, message: impl Into<String>) -> LoadError {
    LoadError::Malformed {
        path: input.path.clone(),
        format: "GeoJSON",
        message: message.into(),
    }
}

/// The CRS a legacy `crs` member names.
fn crs_member(input: &Input, member: &Value) -> Result<Option<Crs>, LoadError> {
    let err = |message: String| LoadError::Crs {
        path: input.path.clone(),
        message: format!("crs member: {message}"),
    };
    if member.is_null() {
        return Ok(None);
    }
    let kind = member.get("type").and_then(Value::as_str).unwrap_or("");
    let props = member.get("properties");
    let name = match kind.to_ascii_lowercase().as_str() {
        "name" => props
            .and_then(|p| p.get("name"))
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| err("a 'name' crs needs properties.name".into()))?,
        "epsg" => props
            .and_then(|p| p.get("code"))
            .and_then(|c| c.as_u64().map(|n| n.to_string()).or(c.as_str().map(str::to_string)))
            .map(|code| format!("EPSG:{code}"))
            .ok_or_else(|| err("an 'EPSG' crs needs properties.code".into()))?,
        _ => {
            return Err(err(format!(
                "unsupported crs type '{kind}' (expected a 'name' crs such as urn:ogc:def:crs:EPSG::4547)"
            )))
        }
    };
    // urn:ogc:def:crs:EPSG:<version>:<code> → EPSG:<code>
    let parts: Vec<&str> = name.split(':').collect();
    let normalised = if parts.len() >= 6
        && parts[..4]
            .iter()
            .map(|s| s.to_ascii_lowercase())
            .eq(["urn", "ogc", "def", "crs"])
        && parts[4].eq_ignore_ascii_case("epsg")
    {
        format!("EPSG:{}", parts[parts.len() - 1])
    } else {
        name.clone()
    };
    normalised
        .parse::<Crs>()
        .map(Some)
        .map_err(|e| err(e.to_string()))
}

fn position(v: &Value) -> Result<Pos, String> {
    let arr = v.as_array().filter(|a| a.len() >= 2).ok_or_else(|| {
        format!(
            "a position must be an array of 2 or 3 numbers, got {}",
            short(v)
        )
    })?;
    let num = |x: &Value| {
        x.as_f64().ok_or_else(|| {
            format!(
                "a position must be an array of 2 or 3 numbers, got {}",
                short(v)
            )
        })
    };
    Ok([num(&arr[0])?, num(&arr[1])?])
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 40 {
        format!("{}…", s.chars().take(40).collect::<String>())
    } else {
        s
    }
}

fn array<'v>(v: &'v Value, what: &str) -> Result<&'v Vec<Value>, String> {
    v.as_array()
        .ok_or_else(|| format!("{what} must be an array, got {}", short(v)))
}

fn positions(v: &Value) -> Result<Vec<Pos>, String> {
    array(v, "coordinates")?.iter().map(position).collect()
}

fn rings(v: &Value) -> Result<Vec<Vec<Pos>>, String> {
    array(v, "coordinates")?.iter().map(positions).collect()
}

/// A GeoJSON geometry object as raw positions.
fn geometry(v: &Value) -> Result<RawGeom, String> {
    let obj = v
        .as_object()
        .ok_or_else(|| format!("a geometry must be an object, got {}", short(v)))?;
    let kind = obj.get("type").and_then(Value::as_str).unwrap_or("");
    if kind == "GeometryCollection" {
        let members = obj
            .get("geometries")
            .ok_or("a GeometryCollection needs a 'geometries' array")?;
        return array(members, "geometries")?
            .iter()
            .map(geometry)
            .collect::<Result<_, _>>()
            .map(RawGeom::Collection);
    }
    let coords = obj
        .get("coordinates")
        .filter(|c| !c.is_null())
        .ok_or_else(|| format!("the {kind} geometry has no coordinates (empty geometry)"))?;
    Ok(match kind {
        "Point" => {
            if coords.as_array().is_some_and(Vec::is_empty) {
                return Err("empty Point".into());
            }
            RawGeom::Point(position(coords)?)
        }
        "MultiPoint" => RawGeom::MultiPoint(positions(coords)?),
        "LineString" => RawGeom::LineString(positions(coords)?),
        "MultiLineString" => RawGeom::MultiLineString(rings(coords)?),
        "Polygon" => RawGeom::Polygon(rings(coords)?),
        "MultiPolygon" => RawGeom::MultiPolygon(
            array(coords, "coordinates")?
                .iter()
                .map(rings)
                .collect::<Result<_, _>>()?,
        ),
        "" => return Err("the geometry has no 'type'".into()),
        other => return Err(format!("unknown geometry type '{other}'")),
    })
}

pub(crate) fn prop_text(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) if s.trim().is_empty() => None,
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::Array(_) | Value::Object(_) => Some(v.to_string()),
    }
}

/// [`prop_text`] of a value that is ours to take: strings move instead of being copied.
fn prop_text_owned(v: Value) -> Option<String> {
    match v {
        Value::String(s) if s.trim().is_empty() => None,
        Value::String(s) => Some(s),
        other => prop_text(&other),
    }
}

/// A Feature's attributes, its raw geometry and its `id` member (for messages).
type FeatureParts = (Vec<(Key, Text)>, RawGeom, Option<String>);

/// One Feature as attributes and raw geometry; errors carry the field they concern, and give the value
/// back so that the message can name the feature. Everything that can fail is checked before the
/// attributes are moved out.
fn feature(v: Value) -> Result<FeatureParts, (Bad, Value)> {
    let mut obj = match v {
        Value::Object(o) if o.get("type").and_then(Value::as_str) == Some("Feature") => o,
        other => {
            let bad = Bad::new("type", format!("not a GeoJSON Feature: {}", short(&other)));
            return Err((bad, other));
        }
    };
    let problem = match obj.get("properties") {
        None | Some(Value::Null) | Some(Value::Object(_)) => None,
        Some(other) => Some(Bad::new(
            "properties",
            format!("properties must be an object, got {}", short(other)),
        )),
    };
    let geom = match (problem, obj.get("geometry")) {
        (Some(bad), _) => Err(bad),
        (None, None) => Err(Bad::new("geometry", "the feature has no 'geometry' member")),
        (None, Some(Value::Null)) => Err(Bad::new("geometry", "geometry is null")),
        (None, Some(g)) => geometry(g)
            .and_then(|geom| geom.validate().map(|()| geom))
            .map_err(|m| Bad::new("geometry", m)),
    };
    let geom = match geom {
        Ok(g) => g,
        Err(bad) => return Err((bad, Value::Object(obj))),
    };
    let id = obj.remove("id").and_then(prop_text_owned);
    let mut props: Vec<(Key, Text)> = match obj.remove("properties") {
        Some(Value::Object(m)) => m
            .into_iter()
            .filter_map(|(k, v)| prop_text_owned(v).map(|t| (key(&k), t.into())))
            .collect(),
        _ => Vec::new(),
    };
    if let Some(id) = &id {
        if !props.iter().any(|(k, _)| k == "id") {
            props.insert(0, (key("id"), id.as_str().into()));
        }
    }
    Ok((props, geom, id))
}

/// The id used to name a feature in messages: its `id` member, else its id attribute.
fn label_id(v: &Value, input: &Input, opts: &LoadOptions) -> Option<String> {
    if let Some(id) = v.get("id").and_then(prop_text) {
        return Some(id);
    }
    let props: &Map<String, Value> = v.get("properties")?.as_object()?;
    let key = opts
        .fields
        .resolve(input.layer, Field::Id, props.keys().map(String::as_str))?;
    props.get(key).and_then(prop_text)
}

/// One Feature as read: its attributes and raw geometry or what is wrong with it, and the id naming it
/// in messages (worked out only when a message may need it).
struct Parsed {
    label_id: Option<String>,
    result: Result<(Vec<(Key, Text)>, RawGeom), Bad>,
}

fn parse_feature(v: Value, input: &Input, opts: &LoadOptions) -> Parsed {
    match feature(v) {
        // A feature that fails later (in the CRS conversion) is named by its `id` member, else by its id
        // attribute (see `parse`).
        Ok((props, geom, id)) => Parsed {
            label_id: id,
            result: Ok((props, geom)),
        },
        Err((bad, v)) => Parsed {
            label_id: label_id(&v, input, opts),
            result: Err(bad),
        },
    }
}

/// The top level of a file: its `type`, `crs` and features.
#[derive(Default)]
struct Top {
    /// True for a bare array of Features.
    array: bool,
    kind: Option<Value>,
    crs: Option<Value>,
    features: Option<Vec<Parsed>>,
    /// Other members, kept for a single Feature (its `properties`, `geometry`, `id`).
    rest: Map<String, Value>,
}

/// Deserialises the top level, turning each Feature into a [`Parsed`] as soon as it is read so that a
/// large FeatureCollection is never held as one JSON tree.
#[derive(Clone, Copy)]
struct TopSeed<'a> {
    input: &'a Input,
    opts: &'a LoadOptions,
}

/// Deserialises a `features` array element by element.
#[derive(Clone, Copy)]
struct FeaturesSeed<'a>(TopSeed<'a>);

impl<'de> de::DeserializeSeed<'de> for FeaturesSeed<'_> {
    type Value = Vec<Parsed>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> de::Visitor<'de> for FeaturesSeed<'_> {
    type Value = Vec<Parsed>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of Features")
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1 << 16));
        while let Some(v) = seq.next_element::<Value>()? {
            out.push(parse_feature(v, self.0.input, self.0.opts));
        }
        Ok(out)
    }
}

impl<'de> de::DeserializeSeed<'de> for TopSeed<'_> {
    type Value = Top;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> de::Visitor<'de> for TopSeed<'_> {
    type Value = Top;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a FeatureCollection, a Feature or an array of Features")
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        Ok(Top {
            array: true,
            features: Some(FeaturesSeed(self).visit_seq(seq)?),
            ..Top::default()
        })
    }
    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut top = Top::default();
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "type" => top.kind = Some(map.next_value()?),
                "crs" => top.crs = Some(map.next_value()?),
                "features" => top.features = Some(map.next_value_seed(FeaturesSeed(self))?),
                _ => {
                    let v: Value = map.next_value()?;
                    top.rest.insert(key, v);
                }
            }
        }
        Ok(top)
    }
}

/// One element of a `features` array: by [`geojson_feature`] when it has the common shape and a valid
/// geometry, else through a `serde_json::Value` (which also words the messages for bad features). `None`
/// for a JSON syntax error.
fn parse_element(bytes: &[u8], input: &Input, opts: &LoadOptions) -> Option<Parsed> {
    if let Some((props, geom, id)) = geojson_feature::feature(bytes) {
        if geom.validate().is_ok() {
            return Some(Parsed {
                label_id: id,
                result: Ok((props, geom)),
            });
        }
    }
    serde_json::from_slice::<Value>(bytes)
        .ok()
        .map(|v| parse_feature(v, input, opts))
}

/// The general path's Feature parts (the fast parser's tests compare with it).
#[cfg(test)]
pub(crate) fn feature_parts(v: Value) -> Option<FeatureParts> {
    feature(v).ok()
}

/// Files at least this large have their features parsed in parallel.
const PARALLEL_BYTES: usize = 1 << 20;

/// Parses the top level serially, each Feature as it is read.
fn parse_top(bytes: &[u8], input: &Input, opts: &LoadOptions) -> Result<Top, LoadError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    de::DeserializeSeed::deserialize(TopSeed { input, opts }, &mut de)
        .and_then(|top| de.end().map(|()| top))
        .map_err(|e| malformed(input, e.to_string()))
}

/// Parses a large file's features in parallel: [`split::split_features`] finds each element, every
/// element is parsed on its own, and the top level is parsed with the features array emptied. `None`
/// when anything is unusual (the serial parse then reports the error with its line and column).
fn parse_top_parallel(bytes: &[u8], input: &Input, opts: &LoadOptions) -> Option<Top> {
    let (split, mut top) = split_top(bytes, input, opts)?;
    top.features = Some(parse_batch(bytes, &split.elements, input, opts)?);
    Some(top)
}

/// The features array's elements and the top level without them (its `features` left `None` for a
/// bare array, and as found otherwise). `None` when anything is unusual.
fn split_top(bytes: &[u8], input: &Input, opts: &LoadOptions) -> Option<(split::Split, Top)> {
    let split = split::split_features(bytes)?;
    let (a, b) = split.array;
    let mut rest = Vec::with_capacity(bytes.len() - (b - a) + 2);
    rest.extend_from_slice(&bytes[..a]);
    rest.extend_from_slice(b"[]");
    rest.extend_from_slice(&bytes[b..]);
    let top = parse_top(&rest, input, opts).ok()?;
    // Another `features` member (spelt with escapes) would have been read here: leave it to the serial
    // parse, which keeps the last one as serde_json does.
    if top.features.as_ref().is_some_and(|f| !f.is_empty()) {
        return None;
    }
    Some((split, top))
}

/// Reads GeoJSON from memory (the entry point of [`read`], and of fuzzing).
pub fn parse(bytes: &[u8], input: &Input, opts: &LoadOptions) -> Result<RawLayer, LoadError> {
    parse_with(bytes, input, opts, PARALLEL_BYTES)
}

/// [`parse`], parsing features in parallel when the file has at least `parallel_bytes` bytes.
fn parse_with(
    bytes: &[u8],
    input: &Input,
    opts: &LoadOptions,
    parallel_bytes: usize,
) -> Result<RawLayer, LoadError> {
    let (mut layer, rejected) = parse_features(bytes, input, opts, parallel_bytes)?;
    for (_, label, bad) in rejected {
        reject(
            &input.path,
            opts.skip_invalid,
            &mut layer.skipped,
            label,
            bad,
        )?;
    }
    Ok(layer)
}

/// Every feature of a file in memory, converted to WGS84, and the features rejected (in file order); the
/// layer's `skipped` is left empty.
fn parse_features(
    bytes: &[u8],
    input: &Input,
    opts: &LoadOptions,
    parallel_bytes: usize,
) -> Result<(RawLayer, Vec<Rejected>), LoadError> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let top = match (bytes.len() >= parallel_bytes)
        .then(|| parse_top_parallel(bytes, input, opts))
        .flatten()
    {
        Some(top) => top,
        None => parse_top(bytes, input, opts)?,
    };
    let (crs, to_wgs84) = layer_crs(&top, input)?;
    let items = top_items(top, input, opts)?;
    let (features, rejected) = apart(
        items
            .into_iter()
            .enumerate()
            .map(|(index, item)| convert(index, item, &to_wgs84, input, opts))
            .collect(),
    );
    let layer = RawLayer {
        path: input.path.clone(),
        format: Format::GeoJson,
        crs,
        encoding: None,
        features,
        skipped: Vec::new(),
    };
    Ok((layer, rejected))
}

/// The features of a parsed top level (a FeatureCollection, a bare array or a single Feature).
fn top_items(top: Top, input: &Input, opts: &LoadOptions) -> Result<Vec<Parsed>, LoadError> {
    let kind = top.kind.as_ref().map(|k| k.as_str().unwrap_or(""));
    Ok(match (kind, top.features) {
        (None, Some(features)) if top.array => features,
        (Some("FeatureCollection"), Some(features)) => features,
        (Some("FeatureCollection"), None) => {
            return Err(malformed(
                input,
                "a FeatureCollection needs a 'features' array",
            ))
        }
        (Some("Feature"), _) => {
            let mut obj = top.rest;
            obj.insert("type".into(), Value::from("Feature"));
            vec![parse_feature(Value::Object(obj), input, opts)]
        }
        (Some(t), _) => {
            return Err(malformed(
                input,
                format!(
                "expected a FeatureCollection, a Feature or an array of Features, got type '{t}'"
            ),
            ))
        }
        (None, _) => return Err(malformed(input, "the top-level object has no 'type'")),
    })
}

/// The layer's CRS: the file's `crs` member or the declared one (both, differing: an error), else WGS84.
fn layer_crs(top: &Top, input: &Input) -> Result<(Crs, ToWgs84), LoadError> {
    let file_crs = top
        .crs
        .as_ref()
        .map(|c| crs_member(input, c))
        .transpose()?
        .flatten();
    let crs = match (file_crs, &input.crs) {
        (Some(f), Some(d)) if f != *d => {
            return Err(LoadError::Crs {
                path: input.path.clone(),
                message: format!(
                    "the file's crs member says {f} but --{}-crs says {d}; remove one of them",
                    input.layer.as_str()
                ),
            })
        }
        (Some(f), _) => f,
        (None, Some(d)) => d.clone(),
        (None, None) => Crs::Wgs84,
    };
    let to_wgs84 = ToWgs84::new(&crs).map_err(|e| LoadError::Crs {
        path: input.path.clone(),
        message: e.to_string(),
    })?;
    Ok((crs, to_wgs84))
}

/// A parsed feature converted to WGS84, or why it is rejected (named by its `id` member, else its id
/// attribute).
fn convert<C: ConvertToWgs84 + ?Sized>(
    index: usize,
    item: Parsed,
    to_wgs84: &C,
    input: &Input,
    opts: &LoadOptions,
) -> Result<RawFeature, Rejected> {
    let (bad, label_id) = match item.result {
        Ok((props, g)) => match g.to_wgs84(to_wgs84) {
            Ok(geometry) => {
                return Ok(RawFeature {
                    index,
                    props,
                    geometry,
                })
            }
            Err(e) => {
                let label_id = item.label_id.or_else(|| {
                    let keys = props.iter().map(|(k, _)| k.as_ref());
                    let key = opts.fields.resolve(input.layer, Field::Id, keys)?;
                    props
                        .iter()
                        .find(|(k, _)| k == key)
                        .map(|(_, v)| v.to_string())
                });
                (Bad::new("geometry", e.to_string()), label_id)
            }
        },
        Err(bad) => (bad, item.label_id),
    };
    Err((index, feature_label(index, None, label_id.as_deref()), bad))
}

/// Features per batch of [`read_batches`].
const BATCH: usize = 1 << 13;

/// Reads a GeoJSON file batch by batch into `builder`: the features of every batch, converted to WGS84,
/// and the features rejected in it, in file order; the returned layer has no features and no skipped
/// ones (the rejected features are the builder's to report, in file order with its own). A large file
/// is mapped rather than read, its features are parsed in parallel, and the pages of the mapping a batch
/// has used are given back to the system, so that memory holds one batch of raw features instead of all
/// of them, and less and less of the file. Anything unusual (a small file, a single Feature, an escaped
/// key at the top level…) is parsed whole, its faults still handed to the builder in file order.
pub(crate) fn read_batches<T: Send + Identified>(
    input: &Input,
    opts: &LoadOptions,
    builder: &mut Builder<'_, T>,
) -> Result<RawLayer, LoadError> {
    read_batches_with(input, opts, builder, PARALLEL_BYTES, BATCH)
}

/// [`read_batches`] with the size from which files are split, and the batch size, as parameters.
fn read_batches_with<T: Send + Identified>(
    input: &Input,
    opts: &LoadOptions,
    builder: &mut Builder<'_, T>,
    parallel_bytes: usize,
    batch: usize,
) -> Result<RawLayer, LoadError> {
    let file = FileBytes::open(&input.path)?;
    let bytes: &[u8] = &file;
    let bom = if bytes.starts_with(b"\xef\xbb\xbf") {
        3
    } else {
        0
    };
    let bytes = &bytes[bom..];
    // Anything unusual: the whole file at once, its faults still reported in file order.
    let whole = |builder: &mut Builder<'_, T>| {
        let (mut raw, rejected) = parse_features(&file, input, opts, PARALLEL_BYTES)?;
        builder.add_layer(&mut raw, rejected)?;
        Ok(raw)
    };
    let Some((split, top)) = (bytes.len() >= parallel_bytes)
        .then(|| split_top(bytes, input, opts))
        .flatten()
    else {
        return whole(builder);
    };
    // Only a FeatureCollection or a bare array is read here; the general path words anything else.
    match (top.kind.as_ref().map(Value::as_str), top.array) {
        (None, true) | (Some(Some("FeatureCollection")), false) => {}
        _ => return whole(builder),
    }
    let (crs, to_wgs84) = layer_crs(&top, input)?;
    builder.reserve(split.elements.len());
    let syntax_error = || {
        // The serial parse words it, with its line and column.
        parse_top(bytes, input, opts)
            .err()
            .unwrap_or_else(|| malformed(input, "unreadable feature"))
    };
    let formula = to_wgs84.formula();
    let maker = builder.maker();
    // With a formula CRS, while one batch is being parsed (each feature converted and its item made right
    // away, on every thread), the one before it is being checked (ids, the decisions to fail or skip:
    // feature by feature). With PROJ, whose transformation serves one thread, the steps run one after the
    // other: the check of the batch before, the parse (in parallel), the conversion (serial), the items
    // (in parallel).
    let mut pending: Option<Vec<Entry<T>>> = None;
    let mut done = 0;
    for (n, chunk) in split.elements.chunks(batch).enumerate() {
        builder.go_on()?;
        let first = n * batch;
        let (next, added) = match formula {
            Some(f) => rayon::join(
                || {
                    made_batch(bytes, chunk, input, opts, |cache, i, parsed| {
                        convert(first + i, parsed, &f, input, opts)
                            .map(|mut raw| maker.make(cache, &mut raw))
                    })
                },
                || add_batch(builder, pending.take()),
            ),
            None => {
                let added = add_batch(builder, pending.take());
                let next = parse_batch(bytes, chunk, input, opts).map(|parsed| {
                    let converted: Vec<_> = parsed
                        .into_iter()
                        .enumerate()
                        .map(|(i, item)| convert(first + i, item, &to_wgs84, input, opts))
                        .collect();
                    converted
                        .into_par_iter()
                        .with_min_len(256)
                        .map_init(FieldCache::default, |cache, c| {
                            c.map(|mut raw| maker.make(cache, &mut raw))
                        })
                        .collect()
                });
                (next, added)
            }
        };
        added?;
        pending = Some(next.ok_or_else(syntax_error)?);
        let end = bom + chunk.last().map_or(done, |&(_, b)| b);
        file.release(done, end);
        done = end;
    }
    add_batch(builder, pending)?;
    Ok(RawLayer {
        path: input.path.clone(),
        format: Format::GeoJson,
        crs,
        encoding: None,
        features: Vec::new(),
        skipped: Vec::new(),
    })
}

/// Parses a batch of elements in parallel; `None` for a JSON syntax error.
fn parse_batch(
    bytes: &[u8],
    chunk: &[(usize, usize)],
    input: &Input,
    opts: &LoadOptions,
) -> Option<Vec<Parsed>> {
    chunk
        .par_iter()
        .with_min_len(256)
        .map(|&(a, b)| parse_element(&bytes[a..b], input, opts))
        .collect()
}

/// Parses a batch of elements and hands each (with its place in the batch) to `make`, in parallel, each
/// rayon job with its own field cache; `None` for a JSON syntax error.
fn made_batch<T: Send>(
    bytes: &[u8],
    chunk: &[(usize, usize)],
    input: &Input,
    opts: &LoadOptions,
    make: impl Fn(&mut FieldCache, usize, Parsed) -> Entry<T> + Sync + Send,
) -> Option<Vec<Entry<T>>> {
    chunk
        .par_iter()
        .with_min_len(256)
        .enumerate()
        .map_init(FieldCache::default, |cache, (i, &(a, b))| {
            let parsed = parse_element(&bytes[a..b], input, opts)?;
            Some(make(cache, i, parsed))
        })
        .collect()
}

/// Converted features and rejected ones, apart (each in file order).
fn apart(all: Vec<Result<RawFeature, Rejected>>) -> (Vec<RawFeature>, Vec<Rejected>) {
    let mut features = Vec::with_capacity(all.len());
    let mut rejected = Vec::new();
    for c in all {
        match c {
            Ok(f) => features.push(f),
            Err(r) => rejected.push(r),
        }
    }
    (features, rejected)
}

fn add_batch<T: Send + Identified>(
    builder: &mut Builder<'_, T>,
    batch: Option<Vec<Entry<T>>>,
) -> Result<(), LoadError> {
    match batch {
        Some(entries) => builder.check(entries),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{LayerKind, Skipped};

    fn input() -> Input {
        Input {
            path: "big.geojson".into(),
            layer: LayerKind::Venues,
            crs: None,
            encoding: None,
        }
    }

    /// Features of every shape the reader accepts: ids as members and attributes, nulls, empty strings,
    /// numbers, nested values, escapes and brackets inside strings, points and polygons.
    fn features(n: usize) -> Vec<String> {
        (0..n)
            .map(|i| {
                let id = match i % 3 {
                    0 => format!(r#""id": {i}, "#),
                    1 => format!(r#""id": "v-{i}", "#),
                    _ => String::new(),
                };
                let geometry = if i % 5 == 0 {
                    let (x, y) = (112.0 + i as f64 * 1e-5, 33.5);
                    format!(
                        r#"{{"type":"Polygon","coordinates":[[[{x},{y}],[{},{y}],[{},{}],[{x},{y}]]]}}"#,
                        x + 1e-4,
                        x + 1e-4,
                        y + 1e-4
                    )
                } else {
                    format!(r#"{{"type":"Point","coordinates":[{}, 33.5]}}"#, 112.0 + i as f64 * 1e-5)
                };
                format!(
                    r#"{{"type":"Feature", {id}"properties":{{"名称":"网吧\"{i}\" ]}},[","编号":"n{i}","note":null,"empty":" ","n":{i}.5,"tags":{{"a":[1,{{"b":"}}"}}]}},"ok":true}},"geometry":{geometry}}}"#
                )
            })
            .collect()
    }

    fn collection(features: &[String]) -> String {
        format!(
            "\u{feff}{{\"type\": \"FeatureCollection\", \"name\": \"x\",\n\"features\": [\n{}\n], \"crs\": {{\"type\":\"name\",\"properties\":{{\"name\":\"EPSG:4326\"}}}}}}\n",
            features.join(",\n")
        )
    }

    fn both(text: &str, opts: &LoadOptions) -> (String, String) {
        let show = |r: Result<RawLayer, LoadError>| match r {
            Ok(layer) => format!(
                "{:?} {:?} {:?}",
                layer.crs,
                layer.features,
                layer.skipped.len()
            ),
            Err(e) => format!("error: {e}"),
        };
        (
            show(parse_with(text.as_bytes(), &input(), opts, 0)),
            show(parse_with(text.as_bytes(), &input(), opts, usize::MAX)),
        )
    }

    #[test]
    fn parallel_parse_equals_serial_parse() {
        let opts = LoadOptions::default();
        let text = collection(&features(3000));
        assert!(split::split_features(text.trim_start_matches('\u{feff}').as_bytes()).is_some());
        let (parallel, serial) = both(&text, &opts);
        assert!(!parallel.starts_with("error"), "{}", &parallel[..300]);
        assert!(parallel == serial, "parallel and serial parses differ");
        let layer = parse_with(text.as_bytes(), &input(), &opts, 0).unwrap();
        assert_eq!(layer.features.len(), 3000);
        assert_eq!(layer.features[1].get("id"), Some("v-1"));
        assert_eq!(layer.features[1].get("名称"), Some("网吧\"1\" ]},["));
        assert_eq!(layer.features[2].get("id"), None);
        assert_eq!(layer.features[3].get("id"), Some("3"));
        assert_eq!(
            layer.features[0].get("tags"),
            Some(r#"{"a":[1,{"b":"}"}]}"#)
        );
        assert_eq!(layer.features[0].get("empty"), None);
        // A bare array too.
        let bare = format!("[{}]", features(500).join(","));
        let (parallel, serial) = both(&bare, &opts);
        assert!(parallel == serial && parallel.len() > 10_000);
    }

    #[test]
    fn parallel_parse_reports_the_same_errors() {
        let mut opts = LoadOptions::default();
        let mut fs = features(2000);
        // An open ring (feature 1500, id "v-1500" as its member) and a JSON syntax error.
        fs[1500] = r#"{"type":"Feature","id":"v-1500","properties":{},"geometry":{"type":"Polygon","coordinates":[[[112,33],[112.1,33],[112.1,33.1],[112,33.1]]]}}"#.to_string();
        let text = collection(&fs);
        let (parallel, serial) = both(&text, &opts);
        assert!(
            parallel.starts_with("error") && parallel.contains("v-1500"),
            "{}",
            &parallel[..parallel.len().min(300)]
        );
        assert_eq!(parallel, serial);
        opts.skip_invalid = true;
        let (parallel, serial) = both(&text, &opts);
        assert!(
            parallel.ends_with(" 1"),
            "{}",
            &parallel[parallel.len() - 20..]
        );
        assert!(parallel == serial, "skipping differs");
        fs[700].push_str(" ]");
        let (parallel, serial) = both(&collection(&fs), &opts);
        assert!(
            parallel.starts_with("error") && parallel.contains("line"),
            "{}",
            &parallel[..parallel.len().min(300)]
        );
        assert_eq!(parallel, serial);
    }

    type Venues = Result<Vec<crate::model::Venue>, String>;

    /// Venues and skipped features of one way of loading.
    struct Loaded {
        venues: Venues,
        skipped: Vec<Skipped>,
    }

    /// Venues read three ways: batch by batch (the load's path for large files), through the load's
    /// whole-file path (small or unusual files), and read with `parse` then built (the general path).
    fn venues_three_ways(text: &str, opts: &LoadOptions, batch: usize) -> [Loaded; 3] {
        use crate::load::build;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("venues.geojson");
        std::fs::write(&path, text).unwrap();
        let input = Input {
            path: path.clone(),
            ..input()
        };
        let load = |parallel_bytes: usize| {
            let mut builder = Builder::new(&path, opts, LayerKind::Venues, build::venue);
            let r = read_batches_with(&input, opts, &mut builder, parallel_bytes, batch);
            let (venues, skipped) = builder.finish();
            Loaded {
                venues: r.map(|_| venues).map_err(|e| e.to_string()),
                skipped,
            }
        };
        let general = parse_with(text.as_bytes(), &input, opts, usize::MAX).and_then(|raw| {
            let (venues, skipped) = build::venues(&raw, opts)?;
            let mut all = raw.skipped.clone();
            all.extend(skipped);
            Ok((venues, all))
        });
        let general = match general {
            Ok((v, s)) => Loaded {
                venues: Ok(v),
                skipped: s,
            },
            Err(e) => Loaded {
                venues: Err(e.to_string()),
                skipped: Vec::new(),
            },
        };
        [load(0), load(usize::MAX), general]
    }

    #[test]
    fn batched_load_equals_whole_load() {
        let opts = LoadOptions::default();
        // Large enough (over 1 MiB) to be mapped and given back batch by batch.
        let text = collection(&features(6000));
        assert!(text.len() > PARALLEL_BYTES, "{}", text.len());
        for batch in [1, 7, 256, 10_000] {
            let [batched, whole, general] = venues_three_ways(&text, &opts, batch);
            let venues = batched.venues.unwrap();
            assert_eq!(venues.len(), 6000);
            assert!(Ok(&venues) == whole.venues.as_ref(), "batch {batch}");
            assert!(Ok(&venues) == general.venues.as_ref(), "batch {batch}");
            assert!(batched.skipped.is_empty() && whole.skipped.is_empty());
            // Values were moved out of the parsed attributes, not lost.
            assert_eq!(venues[1].id(), "v-1");
            assert_eq!(venues[1].name(), "网吧\"1\" ]},[");
            assert_eq!(venues[2].id(), "n2");
        }
        // Another top-level type is left to the general path, which says what is wrong with it.
        for odd in [
            text.replacen("FeatureCollection", "Feature", 1),
            text.replacen("FeatureCollection", "Topology", 1),
        ] {
            let [batched, _, general] = venues_three_ways(&odd, &opts, 7);
            assert!(
                batched.venues.is_err() && batched.venues == general.venues,
                "{:?}",
                batched.venues
            );
        }
        // A doubled byte-order mark is refused, as `read` refuses it.
        let doubled = format!("\u{feff}{text}");
        let [batched, whole, general] = venues_three_ways(&doubled, &opts, 7);
        assert!(general.venues.is_err());
        assert_eq!(batched.venues, general.venues);
        assert_eq!(whole.venues, general.venues);
    }

    #[test]
    fn batched_load_reports_bad_features_in_file_order() {
        let line = |id: &str, name: &str, geometry: &str| {
            format!(
                r#"{{"type":"Feature","properties":{{"id":"{id}","name":"{name}"}},"geometry":{geometry}}}"#
            )
        };
        let point = r#"{"type":"Point","coordinates":[112.5,33.5]}"#;
        let mut fs: Vec<String> = (0..16)
            .map(|i| line(&format!("v{i}"), "宏达网吧", point))
            .collect();
        fs[3] = line(
            "v3",
            "网吧",
            r#"{"type":"Polygon","coordinates":[[[112,33],[112.1,33],[112.1,33.1],[112,33.1]]]}"#,
        );
        fs[5] = line("v1", "网吧", point);
        fs[9] = line("v9", "", point);
        fs[12] = line(
            "v12",
            "网吧",
            r#"{"type":"Point","coordinates":[112.5,95]}"#,
        );
        let text = collection(&fs);
        let mut opts = LoadOptions {
            skip_invalid: true,
            ..LoadOptions::default()
        };
        for batch in [1, 4, 16] {
            let [batched, whole, _] = venues_three_ways(&text, &opts, batch);
            // The load's two paths report the same features, in file order.
            assert_eq!(batched.skipped, whole.skipped, "batch {batch}");
            assert_eq!(whole.venues.map(|v| v.len()), Ok(12));
            assert_eq!(batched.venues.unwrap().len(), 12);
            let skipped = batched.skipped;
            let got: Vec<(&str, &str)> = skipped
                .iter()
                .map(|s| (s.feature.as_str(), s.field.as_str()))
                .collect();
            assert_eq!(
                got,
                [
                    ("#3 (id v3)", "geometry"),
                    ("#5 (id v1)", "id"),
                    ("#9 (id v9)", "name"),
                    ("#12 (id v12)", "geometry")
                ],
                "batch {batch}"
            );
            assert_eq!(
                skipped[1].reason,
                "duplicate id 'v1' (feature #1 has it too)"
            );
            assert!(
                skipped[0].reason.contains("ring is not closed"),
                "{}",
                skipped[0].reason
            );
            assert!(skipped[3].reason.contains("95"), "{}", skipped[3].reason);
        }
        // Without skipping, the first bad feature in the file stops the load.
        opts.skip_invalid = false;
        for batch in [1, 4, 16] {
            for loaded in venues_three_ways(&text, &opts, batch) {
                let err = loaded.venues.unwrap_err();
                assert!(
                    err.contains("feature #3 (id v3), field 'geometry'"),
                    "{err}"
                );
            }
        }
        // A duplicate id before the first geometry fault: the load's two paths name it (file order);
        // `parse` then build, the general path, names the geometry fault its reading met first.
        let mut early = fs.clone();
        early[2] = line("v1", "网吧", point);
        let [batched, whole, general] = venues_three_ways(&collection(&early), &opts, 4);
        for loaded in [batched, whole] {
            let err = loaded.venues.unwrap_err();
            assert!(err.contains("feature #2 (id v1), field 'id'"), "{err}");
        }
        let err = general.venues.unwrap_err();
        assert!(err.contains("feature #3 (id v3)"), "{err}");
        // A JSON syntax error is reported with its line, as the serial parse words it.
        let broken = text.replace(r#""name":"宏达网吧"}"#, r#""name":"宏达网吧"]"#);
        let [batched, whole, _] = venues_three_ways(&broken, &opts, 4);
        for loaded in [batched, whole] {
            let err = loaded.venues.unwrap_err();
            assert!(err.contains("line"), "{err}");
        }
    }
}
