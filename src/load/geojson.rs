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

use serde::de;
use serde_json::{Map, Value};

use super::geom::{Pos, RawGeom};
use super::report::{feature_label, reject, Bad};
use super::{fields::Field, Format, Input, LoadError, LoadOptions, RawFeature, RawLayer};
use crate::crs::{Crs, ToWgs84};

/// Reads a GeoJSON file.
pub fn read(input: &Input, opts: &LoadOptions) -> Result<RawLayer, LoadError> {
    let bytes = std::fs::read(&input.path).map_err(|e| LoadError::io(&input.path, e))?;
    parse(&bytes, input, opts)
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

fn prop_text(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) if s.trim().is_empty() => None,
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::Array(_) | Value::Object(_) => Some(v.to_string()),
    }
}

/// One Feature as attributes and raw geometry; errors carry the field they concern.
fn feature(v: &Value) -> Result<(Vec<(String, String)>, RawGeom), Bad> {
    let obj = v
        .as_object()
        .filter(|o| o.get("type").and_then(Value::as_str) == Some("Feature"))
        .ok_or_else(|| Bad::new("type", format!("not a GeoJSON Feature: {}", short(v))))?;
    let mut props: Vec<(String, String)> = match obj.get("properties") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Object(m)) => m
            .iter()
            .filter_map(|(k, v)| prop_text(v).map(|t| (k.clone(), t)))
            .collect(),
        Some(other) => {
            return Err(Bad::new(
                "properties",
                format!("properties must be an object, got {}", short(other)),
            ))
        }
    };
    if let Some(id) = obj.get("id").and_then(prop_text) {
        if !props.iter().any(|(k, _)| k == "id") {
            props.insert(0, ("id".into(), id));
        }
    }
    let geom = match obj.get("geometry") {
        None => return Err(Bad::new("geometry", "the feature has no 'geometry' member")),
        Some(Value::Null) => return Err(Bad::new("geometry", "geometry is null")),
        Some(g) => geometry(g).map_err(|m| Bad::new("geometry", m))?,
    };
    geom.validate().map_err(|m| Bad::new("geometry", m))?;
    Ok((props, geom))
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

/// One Feature as read: the id naming it in messages, and its attributes and raw geometry or what is
/// wrong with it.
struct Parsed {
    label_id: Option<String>,
    result: Result<(Vec<(String, String)>, RawGeom), Bad>,
}

fn parse_feature(v: &Value, input: &Input, opts: &LoadOptions) -> Parsed {
    Parsed {
        label_id: label_id(v, input, opts),
        result: feature(v),
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
            out.push(parse_feature(&v, self.0.input, self.0.opts));
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

/// Reads GeoJSON from memory (the entry point of [`read`], and of fuzzing).
pub fn parse(bytes: &[u8], input: &Input, opts: &LoadOptions) -> Result<RawLayer, LoadError> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let top = de::DeserializeSeed::deserialize(TopSeed { input, opts }, &mut de)
        .and_then(|top| de.end().map(|()| top))
        .map_err(|e| malformed(input, e.to_string()))?;
    let kind = top.kind.as_ref().map(|k| k.as_str().unwrap_or(""));
    let items = match (kind, top.features) {
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
            vec![parse_feature(&Value::Object(obj), input, opts)]
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
    };
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

    let mut features = Vec::with_capacity(items.len());
    let mut skipped = Vec::new();
    for (index, item) in items.into_iter().enumerate() {
        let converted = item.result.and_then(|(props, g)| {
            g.to_wgs84(&to_wgs84)
                .map(|geometry| RawFeature {
                    index,
                    props,
                    geometry,
                })
                .map_err(|e| Bad::new("geometry", e.to_string()))
        });
        match converted {
            Ok(f) => features.push(f),
            Err(bad) => {
                let label = feature_label(index, None, item.label_id.as_deref());
                reject(&input.path, opts.skip_invalid, &mut skipped, label, bad)?
            }
        }
    }
    Ok(RawLayer {
        path: input.path.clone(),
        format: Format::GeoJson,
        crs,
        encoding: None,
        features,
        skipped,
    })
}
