//! GeoJSON (RFC 7946) features of the collections, written straight into a byte buffer: coordinates as
//! `[lon, lat]` in WGS84 degrees with every digit the data has (the shortest text that reads back to the
//! same `f64`), properties through serde.
//!
//! Properties per collection:
//! - `schools`: `id, name, kind, township, approximate, pupils, gates` (count), `findings` (count),
//!   `zone_m` (the zone's distance; absent when no rule applies to the school's kind);
//! - `venues`: `id, name, category, category_zh, licence, address, scope, status`;
//! - `water`: `id, name, kind`;
//! - `findings`: `id` and the fields of `findings.geojson` (`school_id, school_name, school_kind, township,
//!   feature_type, feature_id, feature_name, category, rule_id, method, limit_m, distance_m, legal_basis,
//!   approximate`);
//! - `buffers`: `id, school_id, school_name, school_kind, township, distance_m, approximate`;
//! - `posts`: `id` (P001 …), `kind` (gate, boundary, user), `candidate, name, fixed, gates` (count of
//!   gates covered), `schools`, `school_ids` (the schools with a gate there or responsible to it),
//!   `covered_weight` (pupils at the gates it covers), `officer, morning, afternoon`;
//! - `post_links` (post → gate): `id` (`post:school_id[:gate]`), `post, school_id, school_name, gate,
//!   approximate, weight, distance_m`.

use std::io::Write;

use geo_types::{LineString, Polygon};
use serde::Serialize;

use super::collections::{CollectionId, GeomRef, Published};
use super::guard_posts::link_distance_m;
use crate::export::findings::{record, FindingRecord};
use crate::export::posts::officer_label;

#[derive(Serialize)]
struct SchoolProps<'a> {
    id: &'a str,
    name: &'a str,
    kind: &'static str,
    township: Option<&'a str>,
    approximate: bool,
    pupils: Option<u32>,
    gates: usize,
    findings: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    zone_m: Option<f64>,
}

#[derive(Serialize)]
struct VenueProps<'a> {
    id: &'a str,
    name: &'a str,
    category: &'static str,
    category_zh: &'static str,
    licence: Option<&'a str>,
    address: Option<&'a str>,
    scope: Option<&'a str>,
    status: Option<&'a str>,
}

#[derive(Serialize)]
struct WaterProps<'a> {
    id: &'a str,
    name: &'a str,
    kind: &'static str,
}

#[derive(Serialize)]
struct FindingProps<'a> {
    id: &'a str,
    #[serde(flatten)]
    record: FindingRecord<'a>,
}

#[derive(Serialize)]
struct BufferProps<'a> {
    id: &'a str,
    school_id: &'a str,
    school_name: &'a str,
    school_kind: &'static str,
    township: Option<&'a str>,
    distance_m: f64,
    approximate: bool,
}

#[derive(Serialize)]
struct PostProps<'a> {
    id: &'a str,
    kind: &'static str,
    candidate: &'a str,
    name: Option<&'a str>,
    fixed: bool,
    gates: usize,
    schools: Vec<&'a str>,
    school_ids: Vec<&'a str>,
    covered_weight: f64,
    officer: String,
    morning: String,
    afternoon: String,
}

#[derive(Serialize)]
struct PostLinkProps<'a> {
    id: &'a str,
    post: &'a str,
    school_id: &'a str,
    school_name: &'a str,
    gate: Option<&'a str>,
    approximate: bool,
    weight: f64,
    distance_m: f64,
}

fn num(out: &mut Vec<u8>, v: f64) {
    if v.is_finite() {
        let _ = write!(out, "{v}");
    } else {
        out.extend_from_slice(b"null");
    }
}

fn pos(out: &mut Vec<u8>, x: f64, y: f64) {
    out.push(b'[');
    num(out, x);
    out.push(b',');
    num(out, y);
    out.push(b']');
}

fn line(out: &mut Vec<u8>, l: &LineString<f64>) {
    list(out, &l.0, |out, c| pos(out, c.x, c.y));
}

fn polygon(out: &mut Vec<u8>, p: &Polygon<f64>) {
    out.push(b'[');
    line(out, p.exterior());
    for r in p.interiors() {
        out.push(b',');
        line(out, r);
    }
    out.push(b']');
}

/// `[a,b,…]`, each part written by `write`.
fn list<T>(out: &mut Vec<u8>, parts: &[T], write: fn(&mut Vec<u8>, &T)) {
    out.push(b'[');
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write(out, part);
    }
    out.push(b']');
}

/// Writes a GeoJSON geometry object.
pub fn write_geometry(out: &mut Vec<u8>, g: GeomRef<'_>) {
    match g {
        GeomRef::Point(p) => {
            out.extend_from_slice(b"{\"type\":\"Point\",\"coordinates\":");
            pos(out, p.0, p.1);
        }
        GeomRef::Segment(a, b) => {
            out.extend_from_slice(b"{\"type\":\"LineString\",\"coordinates\":[");
            pos(out, a.0, a.1);
            out.push(b',');
            pos(out, b.0, b.1);
            out.push(b']');
        }
        GeomRef::Polygon(p) => {
            out.extend_from_slice(b"{\"type\":\"Polygon\",\"coordinates\":");
            polygon(out, p);
        }
        GeomRef::MultiPolygon(ps) => {
            out.extend_from_slice(b"{\"type\":\"MultiPolygon\",\"coordinates\":");
            list(out, ps, polygon);
        }
        GeomRef::MultiLineString(ls) => {
            out.extend_from_slice(b"{\"type\":\"MultiLineString\",\"coordinates\":");
            list(out, ls, line);
        }
    }
    out.push(b'}');
}

/// Writes item `k` of a collection as a GeoJSON Feature.
pub fn write_feature(
    out: &mut Vec<u8>,
    p: &Published,
    c: CollectionId,
    k: usize,
) -> serde_json::Result<()> {
    let id = p.item_id(c, k);
    out.extend_from_slice(b"{\"type\":\"Feature\",\"id\":");
    serde_json::to_writer(&mut *out, id.as_ref())?;
    out.extend_from_slice(b",\"geometry\":");
    write_geometry(out, p.geometry(c, k));
    out.extend_from_slice(b",\"properties\":");
    let ds = &p.dataset;
    match c {
        CollectionId::Schools => {
            let s = &ds.schools[k];
            let (a, b) = p.findings_of_school[k];
            let props = SchoolProps {
                id: &id,
                name: &s.name,
                kind: s.kind.as_str(),
                township: s.township.as_deref(),
                approximate: s.approximate(),
                pupils: s.pupils,
                gates: s.gates.len(),
                findings: b - a,
                zone_m: p.zone_of_school[k].map(|z| p.zones[z as usize].distance_m),
            };
            serde_json::to_writer(&mut *out, &props)?;
        }
        CollectionId::Venues => {
            let v = &ds.venues[k];
            let props = VenueProps {
                id: &id,
                name: v.name(),
                category: v.category.as_str(),
                category_zh: v.category.label_zh(),
                licence: v.licence(),
                address: v.address(),
                scope: v.scope(),
                status: v.status(),
            };
            serde_json::to_writer(&mut *out, &props)?;
        }
        CollectionId::Water => {
            let w = &ds.water[k];
            let props = WaterProps {
                id: &id,
                name: &w.name,
                kind: w.kind.as_str(),
            };
            serde_json::to_writer(&mut *out, &props)?;
        }
        CollectionId::Findings => {
            let props = FindingProps {
                id: &id,
                record: record(ds, &p.rules, &p.findings[k]),
            };
            serde_json::to_writer(&mut *out, &props)?;
        }
        CollectionId::Buffers => {
            let z = &p.zones[k];
            let s = &ds.schools[z.school as usize];
            let props = BufferProps {
                id: &id,
                school_id: &s.id,
                school_name: &s.name,
                school_kind: s.kind.as_str(),
                township: s.township.as_deref(),
                distance_m: z.distance_m,
                approximate: s.approximate(),
            };
            serde_json::to_writer(&mut *out, &props)?;
        }
        CollectionId::Posts => {
            let post = p.post(k);
            let props = PostProps {
                id: &id,
                kind: post.source,
                candidate: &post.candidate,
                name: post.name.as_deref(),
                fixed: post.fixed,
                gates: post.gates.len(),
                schools: post
                    .schools
                    .iter()
                    .map(|&s| ds.schools[s].name.as_str())
                    .collect(),
                school_ids: post
                    .schools
                    .iter()
                    .map(|&s| ds.schools[s].id.as_str())
                    .collect(),
                covered_weight: p.guard_posts.covered_weight[k],
                officer: officer_label(post.officer),
                morning: post.morning.to_string(),
                afternoon: post.afternoon.to_string(),
            };
            serde_json::to_writer(&mut *out, &props)?;
        }
        CollectionId::PostLinks => {
            let (post, gate) = p.post_link(k);
            let s = &ds.schools[gate.school];
            let props = PostLinkProps {
                id: &id,
                post: &post.id,
                school_id: &s.id,
                school_name: &s.name,
                gate: gate.gate.as_deref(),
                approximate: gate.approximate,
                weight: gate.weight,
                distance_m: link_distance_m(post, gate),
            };
            serde_json::to_writer(&mut *out, &props)?;
        }
    }
    out.push(b'}');
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn geometries() {
        let mut out = Vec::new();
        write_geometry(
            &mut out,
            GeomRef::Segment((112.5, 33.25), (112.0000001, -0.5)),
        );
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r#"{"type":"LineString","coordinates":[[112.5,33.25],[112.0000001,-0.5]]}"#
        );
        let poly = Polygon::new(
            LineString::from(vec![(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 0.0)]),
            vec![],
        );
        let mut out = Vec::new();
        write_geometry(&mut out, GeomRef::MultiPolygon(std::slice::from_ref(&poly)));
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r#"{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]]]}"#
        );
        let mut out = Vec::new();
        write_geometry(&mut out, GeomRef::MultiPolygon(&[poly.clone(), poly]));
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r#"{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]],[[[0,0],[1,0],[1,1],[0,0]]]]}"#
        );
        let lines = [
            LineString::from(vec![(112.5, 33.5), (112.25, 33.75)]),
            LineString::from(vec![(113.0, 34.0), (113.5, 34.5), (114.0, 34.0)]),
        ];
        let mut out = Vec::new();
        write_geometry(&mut out, GeomRef::MultiLineString(&lines));
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r#"{"type":"MultiLineString","coordinates":[[[112.5,33.5],[112.25,33.75]],[[113,34],[113.5,34.5],[114,34]]]}"#
        );
        let mut out = Vec::new();
        write_geometry(&mut out, GeomRef::MultiLineString(&[]));
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r#"{"type":"MultiLineString","coordinates":[]}"#
        );
        let mut out = Vec::new();
        num(&mut out, 1e-7);
        assert_eq!(out, b"0.0000001");
    }
}
