//! Geometries exactly as a file gives them, before any conversion.
//!
//! Readers first build a [`RawGeom`] from the file's positions, [`RawGeom::validate`] it (closed rings,
//! enough positions, finite numbers, nothing empty) and only then convert it to WGS84 `geo_types`: the
//! `geo_types` constructors close rings silently, so an unclosed ring would otherwise go unnoticed.

use geo_types::{
    Coord, Geometry, LineString, MultiLineString, MultiPoint, MultiPolygon, Point, Polygon,
};

use crate::crs::{ConvertToWgs84, CrsError};

/// One position as read: `[x, y]` in the file's CRS (longitude/latitude degrees or projected metres).
pub(crate) type Pos = [f64; 2];

/// A geometry with its positions as read, in the file's CRS.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum RawGeom {
    Point(Pos),
    MultiPoint(Vec<Pos>),
    LineString(Vec<Pos>),
    MultiLineString(Vec<Vec<Pos>>),
    /// Exterior ring first, then holes.
    Polygon(Vec<Vec<Pos>>),
    MultiPolygon(Vec<Vec<Vec<Pos>>>),
    Collection(Vec<RawGeom>),
}

fn fmt_pos(p: Pos) -> String {
    format!("({}, {})", p[0], p[1])
}

fn check_finite(positions: &[Pos], what: &str) -> Result<(), String> {
    for (i, p) in positions.iter().enumerate() {
        if !p[0].is_finite() || !p[1].is_finite() {
            return Err(format!(
                "{what}position {i} {} is not a finite number",
                fmt_pos(*p)
            ));
        }
    }
    Ok(())
}

fn check_line(line: &[Pos], what: &str) -> Result<(), String> {
    match line.len() {
        0 => Err(format!("{what}empty LineString")),
        1 => Err(format!(
            "{what}a LineString needs at least 2 positions, got 1"
        )),
        _ => check_finite(line, what),
    }
}

fn check_polygon(rings: &[Vec<Pos>], what: &str) -> Result<(), String> {
    if rings.is_empty() {
        return Err(format!("{what}empty Polygon"));
    }
    for (r, ring) in rings.iter().enumerate() {
        let at = format!("{what}ring {r}: ");
        if ring.len() < 4 {
            return Err(format!(
                "{at}a ring needs at least 4 positions (first = last), got {}",
                ring.len()
            ));
        }
        check_finite(ring, &at)?;
        let (first, last) = (ring[0], ring[ring.len() - 1]);
        if first != last {
            return Err(format!(
                "{at}ring is not closed (first position {}, last {})",
                fmt_pos(first),
                fmt_pos(last)
            ));
        }
    }
    Ok(())
}

impl RawGeom {
    /// The geometry type's name, as GeoJSON spells it.
    pub fn type_name(&self) -> &'static str {
        match self {
            RawGeom::Point(_) => "Point",
            RawGeom::MultiPoint(_) => "MultiPoint",
            RawGeom::LineString(_) => "LineString",
            RawGeom::MultiLineString(_) => "MultiLineString",
            RawGeom::Polygon(_) => "Polygon",
            RawGeom::MultiPolygon(_) => "MultiPolygon",
            RawGeom::Collection(_) => "GeometryCollection",
        }
    }

    /// Checks the structure: no empty geometry, at least 2 positions per line, rings of at least 4
    /// positions whose first and last are equal, every number finite. The message says where.
    pub fn validate(&self) -> Result<(), String> {
        match self {
            RawGeom::Point(p) => check_finite(&[*p], ""),
            RawGeom::MultiPoint(ps) if ps.is_empty() => Err("empty MultiPoint".into()),
            RawGeom::MultiPoint(ps) => check_finite(ps, ""),
            RawGeom::LineString(l) => check_line(l, ""),
            RawGeom::MultiLineString(ls) if ls.is_empty() => Err("empty MultiLineString".into()),
            RawGeom::MultiLineString(ls) => ls
                .iter()
                .enumerate()
                .try_for_each(|(i, l)| check_line(l, &format!("line {i}: "))),
            RawGeom::Polygon(rings) => check_polygon(rings, ""),
            RawGeom::MultiPolygon(ps) if ps.is_empty() => Err("empty MultiPolygon".into()),
            RawGeom::MultiPolygon(ps) => ps
                .iter()
                .enumerate()
                .try_for_each(|(i, p)| check_polygon(p, &format!("polygon {i}, "))),
            RawGeom::Collection(gs) if gs.is_empty() => Err("empty GeometryCollection".into()),
            RawGeom::Collection(gs) => gs.iter().enumerate().try_for_each(|(i, g)| {
                g.validate()
                    .map_err(|e| format!("member {i} ({}): {e}", g.type_name()))
            }),
        }
    }

    /// The first position, if any (used to tell projected metres from degrees in error hints).
    pub fn first_position(&self) -> Option<Pos> {
        match self {
            RawGeom::Point(p) => Some(*p),
            RawGeom::MultiPoint(ps) | RawGeom::LineString(ps) => ps.first().copied(),
            RawGeom::MultiLineString(ls) | RawGeom::Polygon(ls) => {
                ls.iter().flatten().next().copied()
            }
            RawGeom::MultiPolygon(ps) => ps.iter().flatten().flatten().next().copied(),
            RawGeom::Collection(gs) => gs.iter().find_map(RawGeom::first_position),
        }
    }

    /// Converts every position to WGS84 longitude/latitude. Call [`RawGeom::validate`] first.
    pub fn to_wgs84<T: ConvertToWgs84 + ?Sized>(&self, t: &T) -> Result<Geometry<f64>, CrsError> {
        let pt = |p: &Pos| -> Result<Coord<f64>, CrsError> {
            let (x, y) = t.to_lon_lat(p[0], p[1])?;
            Ok(Coord { x, y })
        };
        let line = |l: &[Pos]| -> Result<LineString<f64>, CrsError> {
            l.iter()
                .map(pt)
                .collect::<Result<Vec<_>, _>>()
                .map(LineString)
        };
        let polygon = |rings: &[Vec<Pos>]| -> Result<Polygon<f64>, CrsError> {
            let mut converted = rings
                .iter()
                .map(|r| line(r))
                .collect::<Result<Vec<_>, _>>()?;
            let exterior = if converted.is_empty() {
                LineString(Vec::new())
            } else {
                converted.remove(0)
            };
            Ok(Polygon::new(exterior, converted))
        };
        Ok(match self {
            RawGeom::Point(p) => Geometry::Point(Point(pt(p)?)),
            RawGeom::MultiPoint(ps) => Geometry::MultiPoint(MultiPoint(
                ps.iter()
                    .map(|p| pt(p).map(Point))
                    .collect::<Result<_, _>>()?,
            )),
            RawGeom::LineString(l) => Geometry::LineString(line(l)?),
            RawGeom::MultiLineString(ls) => Geometry::MultiLineString(MultiLineString(
                ls.iter().map(|l| line(l)).collect::<Result<_, _>>()?,
            )),
            RawGeom::Polygon(rings) => Geometry::Polygon(polygon(rings)?),
            RawGeom::MultiPolygon(ps) => Geometry::MultiPolygon(MultiPolygon(
                ps.iter().map(|p| polygon(p)).collect::<Result<_, _>>()?,
            )),
            RawGeom::Collection(gs) => Geometry::GeometryCollection(geo_types::GeometryCollection(
                gs.iter().map(|g| g.to_wgs84(t)).collect::<Result<_, _>>()?,
            )),
        })
    }
}

/// True when (x, y) cannot be longitude/latitude degrees (|x| > 180 or |y| > 90): a projected CRS.
pub(crate) fn looks_projected(p: Pos) -> bool {
    p[0].abs() > 180.0 || p[1].abs() > 90.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crs::Crs;

    fn square(closed: bool) -> Vec<Pos> {
        let mut r = vec![[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]];
        if closed {
            r.push([0.0, 0.0]);
        }
        r
    }

    #[test]
    fn validation_messages_say_where() {
        assert_eq!(RawGeom::Polygon(vec![square(true)]).validate(), Ok(()));
        assert_eq!(
            RawGeom::Polygon(vec![square(false)]).validate(),
            Err("ring 0: ring is not closed (first position (0, 0), last (0, 1))".into())
        );
        assert_eq!(
            RawGeom::MultiPolygon(vec![
                vec![square(true)],
                vec![square(true), vec![[0.0, 0.0]; 3]]
            ])
            .validate(),
            Err(
                "polygon 1, ring 1: a ring needs at least 4 positions (first = last), got 3".into()
            )
        );
        assert_eq!(
            RawGeom::LineString(vec![[0.0, 0.0], [f64::NAN, 1.0]]).validate(),
            Err("position 1 (NaN, 1) is not a finite number".into())
        );
        assert_eq!(
            RawGeom::MultiPolygon(vec![]).validate(),
            Err("empty MultiPolygon".into())
        );
        assert_eq!(
            RawGeom::MultiLineString(vec![vec![[0.0, 0.0]]]).validate(),
            Err("line 0: a LineString needs at least 2 positions, got 1".into())
        );
        assert_eq!(
            RawGeom::Collection(vec![RawGeom::Point([f64::INFINITY, 0.0])]).validate(),
            Err("member 0 (Point): position 0 (inf, 0) is not a finite number".into())
        );
    }

    #[test]
    fn wgs84_conversion_keeps_positions_and_holes() {
        let t = crate::crs::ToWgs84::new(&Crs::Wgs84).unwrap();
        let hole = vec![[0.2, 0.2], [0.2, 0.4], [0.4, 0.4], [0.4, 0.2], [0.2, 0.2]];
        let g = RawGeom::Polygon(vec![square(true), hole])
            .to_wgs84(&t)
            .unwrap();
        let Geometry::Polygon(p) = g else {
            panic!("not a polygon: {g:?}")
        };
        assert_eq!(p.exterior().0.len(), 5);
        assert_eq!(p.interiors().len(), 1);
        assert_eq!(p.interiors()[0].0[1], Coord { x: 0.2, y: 0.4 });
        assert!(looks_projected([354087.6, 3708196.6]));
        assert!(!looks_projected([112.4, 33.5]));
    }
}
