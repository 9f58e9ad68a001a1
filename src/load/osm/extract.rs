//! [`Store`] → schools, venues, water bodies and gates, following the tag rules of [`super::tags`].
//!
//! Geometry by element type:
//! - nodes: schools become [`Site::Point`] (approximate), venues [`Footprint::Door`], gates gates;
//!   water nodes are ignored (a point is not a water body).
//! - closed ways: [`Site::Area`], [`Footprint::Area`], [`WaterGeom::Area`]; a closed watercourse
//!   (`waterway=river|canal|stream|ditch|drain`) without water-area tags stays a line.
//! - open ways: watercourses become one [`WaterGeom::Line`] each; a venue becomes a
//!   [`Footprint::Door`] at the point halfway along the way (a point that lies on the feature, unlike
//!   a centroid); a school or water area on an open way cannot be a polygon and is reported skipped.
//! - `type=multipolygon` relations: assembled by [`super::assemble`] into areas for schools, venues
//!   and water. `type=waterway` relations are not read: their member ways are already lines.
//!
//! Everything dropped (missing nodes or member ways, rings that do not close) is listed in
//! [`Extracted::skipped`] with the element id; the rest of the file still loads.

use geo_types::{Coord, LineString, MultiLineString, MultiPolygon, Point};

use super::assemble::{self, coords};
use super::elements::{ElementId, Store, Tags};
use super::gates::GateNode;
use super::tags;
use crate::classify::Classifier;
use crate::geodesy::ground_distance_m;
use crate::load::Skipped;
use crate::model::{Footprint, School, Site, Venue, VenueText, WaterBody, WaterGeom};

/// The model features of one store, each kind sorted by element id (node < way < relation, then id).
#[derive(Debug, Clone, Default)]
pub struct Extracted {
    pub schools: Vec<School>,
    pub venues: Vec<Venue>,
    pub water: Vec<WaterBody>,
    pub gates: Vec<GateNode>,
    pub skipped: Vec<Skipped>,
}

/// The shape an element gives.
enum Shape {
    Point(Point<f64>),
    Area(MultiPolygon<f64>),
    /// An open way, as its coordinates.
    Line(Vec<Coord<f64>>),
}

struct Collector<'a> {
    classifier: &'a Classifier,
    schools: Vec<(ElementId, School)>,
    venues: Vec<(ElementId, Venue)>,
    water: Vec<(ElementId, WaterBody)>,
    skipped: Vec<Skipped>,
}

impl Collector<'_> {
    fn skip(&mut self, id: ElementId, field: &str, reason: String) {
        self.skipped.push(Skipped {
            feature: id.to_string(),
            field: field.to_string(),
            reason,
        });
    }

    fn school(&mut self, id: ElementId, t: &Tags, shape: Shape) {
        let site = match shape {
            Shape::Point(p) => Site::Point(p),
            Shape::Area(a) => Site::Area(a),
            Shape::Line(_) => {
                self.skip(
                    id,
                    "geometry",
                    "amenity=school/kindergarten on an open way: no campus polygon".into(),
                );
                return;
            }
        };
        self.schools.push((
            id,
            School {
                id: id.to_string(),
                name: tags::name(t).map_or_else(|| id.to_string(), str::to_string),
                kind: tags::school_kind(t),
                township: tags::township(t),
                site,
                gates: Vec::new(),
                pupils: tags::pupils(t),
            },
        ));
    }

    fn venue(&mut self, id: ElementId, t: &Tags, shape: Shape) {
        let Some(name) = t.get("name") else { return };
        let category = self.classifier.classify(name, |k| t.get(k), None);
        if !tags::keep_venue(t, category) {
            return;
        }
        let footprint = match shape {
            Shape::Point(p) => Footprint::Door(p),
            Shape::Area(a) => Footprint::Area(a),
            Shape::Line(c) => match halfway(&c) {
                Some(p) => Footprint::Door(p),
                None => {
                    self.skip(
                        id,
                        "geometry",
                        "a venue way with fewer than two nodes".into(),
                    );
                    return;
                }
            },
        };
        self.venues.push((
            id,
            Venue::new(
                VenueText {
                    id: id.to_string(),
                    name: name.to_string(),
                    address: tags::address(t),
                    ..VenueText::default()
                },
                category,
                footprint,
            ),
        ));
    }

    fn water_area(&mut self, id: ElementId, t: &Tags, area: MultiPolygon<f64>) {
        self.water.push((
            id,
            WaterBody {
                id: id.to_string(),
                name: tags::name(t).map_or_else(|| id.to_string(), str::to_string),
                kind: tags::water_kind(t),
                geom: WaterGeom::Area(area),
            },
        ));
    }

    fn water_line(&mut self, id: ElementId, t: &Tags, line: Vec<Coord<f64>>) {
        if line.len() < 2 {
            self.skip(
                id,
                "geometry",
                "a waterway with fewer than two nodes".into(),
            );
            return;
        }
        self.water.push((
            id,
            WaterBody {
                id: id.to_string(),
                name: tags::name(t).map_or_else(|| id.to_string(), str::to_string),
                kind: tags::water_kind(t),
                geom: WaterGeom::Line(MultiLineString::new(vec![LineString::new(line)])),
            },
        ));
    }
}

/// The point halfway along a line, by length on the ellipsoid.
fn halfway(c: &[Coord<f64>]) -> Option<Point<f64>> {
    let seg_len = |a: &Coord<f64>, b: &Coord<f64>| ground_distance_m((a.x, a.y), (b.x, b.y));
    let total: f64 = c.windows(2).map(|w| seg_len(&w[0], &w[1])).sum();
    let first = *c.first()?;
    if c.len() < 2 {
        return None;
    }
    if total <= 0.0 {
        return Some(first.into());
    }
    let mut left = total / 2.0;
    for w in c.windows(2) {
        let l = seg_len(&w[0], &w[1]);
        if l >= left && l > 0.0 {
            let t = left / l;
            return Some(Point::new(
                w[0].x + t * (w[1].x - w[0].x),
                w[0].y + t * (w[1].y - w[0].y),
            ));
        }
        left -= l;
    }
    c.last().map(|&p| p.into())
}

/// Turns a store into model features.
pub fn extract(store: &Store, classifier: &Classifier) -> Extracted {
    let mut col = Collector {
        classifier,
        schools: Vec::new(),
        venues: Vec::new(),
        water: Vec::new(),
        skipped: Vec::new(),
    };
    let mut gates = Vec::new();

    for n in &store.tagged_nodes {
        let id = ElementId::node(n.id);
        let p = Point::new(n.lon, n.lat);
        if tags::is_gate(&n.tags) {
            gates.push(GateNode {
                id: n.id,
                name: n.tags.get("name").map(str::to_string),
                point: p,
            });
        }
        if tags::is_school(&n.tags) {
            col.school(id, &n.tags, Shape::Point(p));
        } else if tags::is_venue_candidate(&n.tags, true) {
            col.venue(id, &n.tags, Shape::Point(p));
        }
    }

    for w in store.ways() {
        let t = &w.tags;
        let school = tags::is_school(t);
        let water_area = tags::is_water_area(t);
        let water_line = tags::is_water_line(t);
        let venue = tags::is_venue_candidate(t, false);
        if !(school || water_area || water_line || venue) {
            continue;
        }
        let id = ElementId::way(w.id);
        let line = match coords(store, &w.refs) {
            Ok(c) => c,
            Err(n) => {
                col.skip(id, "geometry", format!("node {n} is missing from the file"));
                continue;
            }
        };
        let closed = w.is_closed();
        let shape = if closed {
            match assemble::closed_way(store, w) {
                Ok(p) => Shape::Area(MultiPolygon::new(vec![p])),
                Err(e) => {
                    col.skip(id, "geometry", e);
                    continue;
                }
            }
        } else {
            Shape::Line(line.clone())
        };
        if school {
            col.school(id, t, shape);
        } else if water_area && closed {
            if let Shape::Area(a) = shape {
                col.water_area(id, t, a);
            }
        } else if water_line {
            col.water_line(id, t, line);
        } else if water_area {
            col.skip(
                id,
                "geometry",
                "water area tags on an open way: no polygon".into(),
            );
        } else {
            col.venue(id, t, shape);
        }
    }

    for r in &store.relations {
        let t = &r.tags;
        if !t.is("type", "multipolygon") {
            continue;
        }
        let school = tags::is_school(t);
        let water = tags::is_water_area(t);
        let venue = tags::is_venue_candidate(t, false);
        if !(school || water || venue) {
            continue;
        }
        let id = ElementId::relation(r.id);
        let built = assemble::multipolygon(store, r);
        for p in built.problems {
            col.skip(id, "members", p);
        }
        let Some(area) = built.area else {
            col.skip(
                id,
                "geometry",
                "no complete outer ring: relation dropped".into(),
            );
            continue;
        };
        if school {
            col.school(id, t, Shape::Area(area));
        } else if water {
            col.water_area(id, t, area);
        } else {
            col.venue(id, t, Shape::Area(area));
        }
    }

    col.schools.sort_by_key(|(id, _)| *id);
    col.venues.sort_by_key(|(id, _)| *id);
    col.water.sort_by_key(|(id, _)| *id);
    gates.sort_by_key(|g: &GateNode| g.id);
    Extracted {
        schools: col.schools.into_iter().map(|(_, s)| s).collect(),
        venues: col.venues.into_iter().map(|(_, v)| v).collect(),
        water: col.water.into_iter().map(|(_, w)| w).collect(),
        gates,
        skipped: col.skipped,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn halfway_along_a_bent_line() {
        // at 60°N, 0.001° east (≈ 55.8 m) then 0.001° north (≈ 111.4 m): the halfway point is on the
        // second leg, (leg1 + leg2) / 2 − leg1 ≈ 27.8 m north of the corner
        let c = [
            Coord { x: 0.0, y: 60.0 },
            Coord { x: 0.001, y: 60.0 },
            Coord {
                x: 0.001,
                y: 60.001,
            },
        ];
        let leg1 = ground_distance_m((0.0, 60.0), (0.001, 60.0));
        let leg2 = ground_distance_m((0.001, 60.0), (0.001, 60.001));
        assert!(
            (leg1 - 55.8).abs() < 0.1 && (leg2 - 111.4).abs() < 0.1,
            "{leg1} {leg2}"
        );
        let p = halfway(&c).unwrap();
        let along = (leg1 + leg2) / 2.0 - leg1;
        assert_eq!(p.x(), 0.001);
        let got = ground_distance_m((0.001, 60.0), (p.x(), p.y()));
        // linear interpolation in degrees: the metres per degree of latitude change by ≈ 4e-8 between
        // the leg's and the sub-leg's mid-latitudes, a few micrometres here
        assert!((got - along).abs() < 1e-5, "{got} vs {along}");
        assert_eq!(halfway(&c[..1]), None);
    }
}
