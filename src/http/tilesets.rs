//! The collections as vector tile layers: which features are drawn at which zoom, how, and with which
//! properties; and the TileJSON that describes them.
//!
//! Generalisation, so that tiles stay small (the densest tiles of the generated city — 300 000 venues —
//! are a few hundred kB at z8, z10 and z14; see README):
//! - `schools`: campus polygons from z10; below z10 one point per school (the centre of its bounding box),
//!   without name and township.
//! - `venues`: points (the door, or the centre of a footprint's bounding box); footprints are drawn as
//!   polygons from z14. Venues of category `other` and venue names are in tiles from z15 only, ids from
//!   z10 (below, the MVT feature id still gives the venue's position in its collection).
//! - `water`: lines and polygons; below z10 a polygon smaller than 4 pixels becomes a point, and so does a
//!   shape that vanishes at the zoom (a short ditch).
//! - `findings`: the measured line (school side → feature side); a line shorter than one tile unit is
//!   drawn as a point at the feature's end; `feature_id` from z10.
//!
//! Thinning: below z12 at most one venue per category, one water point per kind and one finding (by its
//! feature's end) is kept per pixel (16 tile units), below z10 per 4 × 4 pixels; the first in item order
//! wins (for findings: by school, venues before water, nearest first).
//! - `buffers`: zone polygons from z10 (below, a 200 m zone is under two pixels).
//! - `posts` (points) and `post_links` (post → gate lines) at every zoom, not thinned: a plan has at most
//!   one post per gate. A post's `schools` are its schools' names joined by `、`, `school_ids` their ids
//!   joined by `,`. Both layers are sensitive ([`super::guard_posts::is_sensitive`]).
//!
//! Lines and polygon rings are simplified (Ramer–Douglas–Peucker) with a tolerance of half a pixel
//! (8 units) below z16 and one unit from z16, then clipped to the tile and its 64-unit buffer. The MVT
//! feature id is the item's position in its collection (as in `/collections/{c}/items`, 0-based).

use std::collections::HashSet;

use rayon::prelude::*;
use rstar::AABB;
use serde_json::{json, Value as Json};

use super::collections::{grow_extent, CollectionId, GeomRef, Published};
use super::guard_posts::link_distance_m;
use crate::export::posts::officer_label;
use crate::model::Category;
use crate::scan::FeatureType;
use crate::tiles::hash::FxBuildHasher;
use crate::tiles::{
    encode_tile, LayerBuilder, Projector, TileGeometry, TileId, Value, BUFFER, EXTENT, MAX_ZOOM,
};

/// Below this zoom campuses are points and small water polygons become points.
pub const POINTS_BELOW_Z: u8 = 10;
/// Below this zoom points are thinned to one per pixel (and category, or kind).
pub const THIN_BELOW_Z: u8 = 12;
/// From this zoom venues of category `other`, and venue names, are in tiles.
pub const DETAIL_FROM_Z: u8 = 15;
/// From this zoom venue footprints are drawn as polygons.
pub const FOOTPRINTS_FROM_Z: u8 = 14;
/// Tile units per pixel of a 256-pixel tile.
const PIXEL: i32 = (EXTENT / 256) as i32;

/// The first zoom a layer has features at.
pub fn minzoom(c: CollectionId) -> u8 {
    match c {
        CollectionId::Buffers => POINTS_BELOW_Z,
        _ => 0,
    }
}

/// The properties of a layer's tile features, as TileJSON `fields` (name → `String`, `Number`,
/// `Boolean`).
pub fn fields(c: CollectionId) -> &'static [(&'static str, &'static str)] {
    match c {
        CollectionId::Schools => &[
            ("id", "String"),
            ("name", "String"),
            ("kind", "String"),
            ("township", "String"),
            ("approximate", "Boolean"),
            ("findings", "Number"),
        ],
        CollectionId::Venues => &[("id", "String"), ("name", "String"), ("category", "String")],
        CollectionId::Water => &[("id", "String"), ("name", "String"), ("kind", "String")],
        CollectionId::Findings => &[
            ("school_id", "String"),
            ("feature_id", "String"),
            ("feature_type", "String"),
            ("category", "String"),
            ("rule_id", "String"),
            ("method", "String"),
            ("limit_m", "Number"),
            ("distance_m", "Number"),
        ],
        CollectionId::Buffers => &[
            ("school_id", "String"),
            ("school_name", "String"),
            ("distance_m", "Number"),
        ],
        CollectionId::Posts => &[
            ("id", "String"),
            ("kind", "String"),
            ("fixed", "Boolean"),
            ("gates", "Number"),
            ("schools", "String"),
            ("school_ids", "String"),
            ("covered_weight", "Number"),
            ("officer", "String"),
            ("morning", "String"),
            ("afternoon", "String"),
        ],
        CollectionId::PostLinks => &[
            ("post", "String"),
            ("school_id", "String"),
            ("gate", "String"),
            ("distance_m", "Number"),
        ],
    }
}

fn tolerance(z: u8) -> f64 {
    if z >= 16 {
        1.0
    } else {
        f64::from(PIXEL) / 2.0
    }
}

fn bbox_centre(b: [f64; 4]) -> (f64, f64) {
    (0.5 * (b[0] + b[2]), 0.5 * (b[1] + b[3]))
}

/// The geometry of item `k` in the tile, as the layer draws it at this zoom.
fn draw(p: &Published, c: CollectionId, k: usize, proj: &Projector) -> Option<TileGeometry> {
    let z = proj.tile.z;
    let g = p.geometry(c, k);
    match (c, g) {
        (_, GeomRef::Point(pt)) => proj.point(pt.0, pt.1),
        (CollectionId::Findings, GeomRef::Segment(a, b)) => {
            proj.segment(a, b).or_else(|| proj.point(b.0, b.1))
        }
        (CollectionId::Schools, GeomRef::MultiPolygon(_)) if z < POINTS_BELOW_Z => {
            let (x, y) = bbox_centre(g.bbox()?);
            proj.point(x, y)
        }
        (CollectionId::Venues, GeomRef::MultiPolygon(ps)) => {
            if z >= FOOTPRINTS_FROM_Z {
                proj.polygons(ps.iter())
            } else {
                let (x, y) = bbox_centre(g.bbox()?);
                proj.point(x, y)
            }
        }
        (CollectionId::Water, _) if z < POINTS_BELOW_Z => {
            let b = g.bbox()?;
            let drawn = if proj.size_units(b) < f64::from(4 * PIXEL) {
                None
            } else {
                match g {
                    GeomRef::MultiPolygon(ps) => proj.polygons(ps.iter()),
                    GeomRef::MultiLineString(ls) => proj.lines(ls.iter()),
                    _ => None,
                }
            };
            drawn.or_else(|| {
                let (x, y) = bbox_centre(b);
                proj.point(x, y)
            })
        }
        (_, GeomRef::MultiPolygon(ps)) => proj.polygons(ps.iter()),
        (_, GeomRef::Polygon(poly)) => proj.polygons(std::iter::once(poly)),
        (_, GeomRef::MultiLineString(ls)) => proj.lines(ls.iter()),
        (_, GeomRef::Segment(a, b)) => proj.segment(a, b),
    }
}

fn properties(p: &Published, c: CollectionId, k: usize, z: u8) -> Vec<(&'static str, Value<'_>)> {
    let ds = &p.dataset;
    match c {
        CollectionId::Schools => {
            let s = &ds.schools[k];
            let (a, b) = p.findings_of_school[k];
            let mut v = vec![("id", Value::String(p.item_id(c, k)))];
            if z >= POINTS_BELOW_Z {
                v.push(("name", Value::from(s.name.as_str())));
            }
            v.push(("kind", Value::from(s.kind.as_str())));
            if let (Some(t), true) = (&s.township, z >= POINTS_BELOW_Z) {
                v.push(("township", Value::from(t.as_str())));
            }
            v.push(("approximate", Value::Bool(s.approximate())));
            v.push(("findings", Value::Uint(u64::from(b - a))));
            v
        }
        CollectionId::Venues => {
            let ven = &ds.venues[k];
            let mut v = Vec::with_capacity(3);
            if z >= POINTS_BELOW_Z {
                v.push(("id", Value::String(p.item_id(c, k))));
            }
            if z >= DETAIL_FROM_Z {
                v.push(("name", Value::from(ven.name())));
            }
            v.push(("category", Value::from(ven.category.as_str())));
            v
        }
        CollectionId::Water => {
            let w = &ds.water[k];
            vec![
                ("id", Value::String(p.item_id(c, k))),
                ("name", Value::from(w.name.as_str())),
                ("kind", Value::from(w.kind.as_str())),
            ]
        }
        CollectionId::Findings => {
            let f = &p.findings[k];
            let rule = &p.rules.rules[f.rule as usize];
            let (feature_id, category) = match f.feature_type {
                FeatureType::Venue => {
                    let v = &ds.venues[f.feature as usize];
                    (v.id(), v.category.as_str())
                }
                FeatureType::Water => {
                    let w = &ds.water[f.feature as usize];
                    (w.id.as_str(), w.kind.as_str())
                }
            };
            let mut v = vec![
                (
                    "school_id",
                    Value::from(ds.schools[f.school as usize].id.as_str()),
                ),
                ("feature_type", Value::from(f.feature_type.as_str())),
                ("category", Value::from(category)),
                ("rule_id", Value::from(rule.id.as_str())),
                ("method", Value::from(f.method.label())),
                ("limit_m", Value::Double(rule.limit_m)),
                (
                    "distance_m",
                    Value::Double(crate::export::findings::round_cm(f.measured.metres)),
                ),
            ];
            if z >= POINTS_BELOW_Z {
                v.push(("feature_id", Value::from(feature_id)));
            }
            v
        }
        CollectionId::Buffers => {
            let zn = &p.zones[k];
            let s = &ds.schools[zn.school as usize];
            vec![
                ("school_id", Value::from(s.id.as_str())),
                ("school_name", Value::from(s.name.as_str())),
                ("distance_m", Value::Double(zn.distance_m)),
            ]
        }
        CollectionId::Posts => {
            let post = p.post(k);
            let names: Vec<&str> = post
                .schools
                .iter()
                .map(|&s| ds.schools[s].name.as_str())
                .collect();
            let ids: Vec<&str> = post
                .schools
                .iter()
                .map(|&s| ds.schools[s].id.as_str())
                .collect();
            vec![
                ("id", Value::from(post.id.as_str())),
                ("kind", Value::from(post.source)),
                ("fixed", Value::Bool(post.fixed)),
                ("gates", Value::Uint(post.gates.len() as u64)),
                ("schools", Value::from(names.join("、"))),
                ("school_ids", Value::from(ids.join(","))),
                (
                    "covered_weight",
                    Value::Double(p.guard_posts.covered_weight[k]),
                ),
                ("officer", Value::from(officer_label(post.officer))),
                ("morning", Value::from(post.morning.to_string())),
                ("afternoon", Value::from(post.afternoon.to_string())),
            ]
        }
        CollectionId::PostLinks => {
            let (post, gate) = p.post_link(k);
            let mut v = vec![
                ("post", Value::from(post.id.as_str())),
                (
                    "school_id",
                    Value::from(ds.schools[gate.school].id.as_str()),
                ),
            ];
            if let Some(g) = &gate.gate {
                v.push(("gate", Value::from(g.as_str())));
            }
            v.push(("distance_m", Value::Double(link_distance_m(post, gate))));
            v
        }
    }
}

/// The thinning key of item `k` below [`THIN_BELOW_Z`]: items with the same key and pixel are drawn once.
fn thin_key(p: &Published, c: CollectionId, k: usize) -> u32 {
    match c {
        CollectionId::Venues => p.dataset.venues[k].category as u32,
        CollectionId::Water => p.dataset.water[k].kind as u32,
        _ => 0,
    }
}

/// Builds one layer of a tile.
pub fn render_layer(p: &Published, c: CollectionId, tile: TileId) -> LayerBuilder<'_> {
    let mut layer = LayerBuilder::new(c.as_str(), EXTENT);
    let z = tile.z;
    if z < minzoom(c) {
        return layer;
    }
    let b = tile.bounds_lon_lat(f64::from(BUFFER));
    let env = AABB::from_corners([b[0], b[1]], [b[2], b[3]]);
    let mut hits: Vec<u32> = p
        .collection(c)
        .tree
        .locate_in_envelope_intersecting(&env)
        .map(|e| e.data)
        .collect();
    hits.sort_unstable();
    let proj = Projector::new(tile, tolerance(z));
    let thin = match c {
        CollectionId::Venues | CollectionId::Water | CollectionId::Findings => z < THIN_BELOW_Z,
        _ => false,
    };
    let mut seen: HashSet<(i32, i32, u32), FxBuildHasher> = HashSet::default();
    for k in hits {
        let k = k as usize;
        if c == CollectionId::Venues
            && z < DETAIL_FROM_Z
            && p.dataset.venues[k].category == Category::Other
        {
            continue;
        }
        let Some(geom) = draw(p, c, k, &proj) else {
            continue;
        };
        if thin {
            let anchor = match &geom {
                TileGeometry::Points(pts) => pts.first().copied(),
                TileGeometry::Lines(ls) => ls.last().and_then(|l| l.last()).copied(),
                TileGeometry::Polygons(_) => None,
            };
            if let Some([x, y]) = anchor {
                let cell = if z < POINTS_BELOW_Z { 4 * PIXEL } else { PIXEL };
                if !seen.insert((x.div_euclid(cell), y.div_euclid(cell), thin_key(p, c, k))) {
                    continue;
                }
            }
        }
        layer.add(Some(k as u64), &geom, properties(p, c, k, z));
    }
    layer
}

/// Encodes the layers of one tile; empty when no layer has a feature.
pub fn render_tile(p: &Published, layers: &[CollectionId], tile: TileId) -> Vec<u8> {
    let built: Vec<LayerBuilder> = layers
        .par_iter()
        .map(|&c| render_layer(p, c, tile))
        .collect();
    encode_tile(&built)
}

/// TileJSON 3.0.0 for one or more layers, as Martin publishes it: `tiles` URL template, `vector_layers`
/// with `fields`, `minzoom`/`maxzoom`, `bounds` and `center`.
pub fn tilejson(
    p: &Published,
    layers: &[CollectionId],
    base: &str,
    attribution: Option<&str>,
) -> Json {
    let names: Vec<&str> = layers.iter().map(|c| c.as_str()).collect();
    let joined = names.join(",");
    let mut extent: Option<[f64; 4]> = None;
    for &c in layers {
        if let Some(b) = p.collection(c).extent {
            grow_extent(&mut extent, b);
        }
    }
    let bounds = extent.unwrap_or([-180.0, -85.051_128_779_806_59, 180.0, 85.051_128_779_806_59]);
    let span = (bounds[2] - bounds[0]).max(bounds[3] - bounds[1]).max(1e-6);
    // The zoom at which the bounds span about four tiles.
    let zoom = ((360.0 / span).log2() + 2.0).floor().clamp(0.0, 16.0);
    let vector_layers: Vec<Json> = layers
        .iter()
        .map(|&c| {
            let f: serde_json::Map<String, Json> = fields(c)
                .iter()
                .map(|(k, t)| ((*k).to_string(), json!(t)))
                .collect();
            json!({
                "id": c.as_str(),
                "description": c.description(),
                "fields": f,
                "minzoom": minzoom(c),
                "maxzoom": MAX_ZOOM,
            })
        })
        .collect();
    let mut doc = json!({
        "tilejson": "3.0.0",
        "name": joined,
        "description": format!("perimeter vector tiles: {joined}"),
        "scheme": "xyz",
        "tiles": [format!("{base}/tiles/{joined}/{{z}}/{{x}}/{{y}}")],
        "minzoom": layers.iter().map(|&c| minzoom(c)).min().unwrap_or(0),
        "maxzoom": MAX_ZOOM,
        "bounds": bounds,
        "center": [0.5 * (bounds[0] + bounds[2]), 0.5 * (bounds[1] + bounds[3]), zoom],
        "vector_layers": vector_layers,
    });
    if let (Some(a), Some(obj)) = (attribution, doc.as_object_mut()) {
        obj.insert("attribution".into(), json!(a));
    }
    doc
}
