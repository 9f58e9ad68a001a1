//! The points a post must cover: every gate of every school of minors.

use geo::Centroid;
use serde::Serialize;

use super::config::PostsConfig;
use crate::model::{School, SchoolKind, Site};

/// One demand point.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DemandPoint {
    /// Index of the school in the dataset.
    pub school: usize,
    /// The gate's id or name (`None` when the school has no gate).
    pub gate: Option<String>,
    pub lon: f64,
    pub lat: f64,
    /// The school's pupils (or its kind's default) divided evenly among its gates.
    pub weight: f64,
    /// True when the school has no gate: the point stands for the school (its point, or its
    /// centroid).
    pub approximate: bool,
}

/// Demand points of every school except those of kind [`SchoolKind::NotCovered`], in school order,
/// gates in their given order.
///
/// ```
/// use geo_types::Point;
/// use perimeter::model::{Gate, School, SchoolKind, Site};
/// use perimeter::posts::{demand::demand_points, PostsConfig};
/// let school = School {
///     id: "S1".into(), name: "一小".into(), kind: SchoolKind::Primary, township: None,
///     site: Site::Point(Point::new(112.0, 33.0)), pupils: Some(900),
///     gates: vec![
///         Gate { id: Some("G1".into()), name: None, point: Point::new(112.001, 33.0) },
///         Gate { id: None, name: Some("南门".into()), point: Point::new(112.0, 32.999) },
///     ],
/// };
/// let d = demand_points(&[school], &PostsConfig::default());
/// assert_eq!(d.len(), 2);
/// assert_eq!((d[0].gate.as_deref(), d[0].weight), (Some("G1"), 450.0));
/// assert_eq!((d[1].gate.as_deref(), d[1].approximate), (Some("南门"), false));
/// ```
pub fn demand_points(schools: &[School], config: &PostsConfig) -> Vec<DemandPoint> {
    let mut out = Vec::new();
    for (i, s) in schools.iter().enumerate() {
        if s.kind == SchoolKind::NotCovered {
            continue;
        }
        let pupils = s.pupils.unwrap_or_else(|| config.kind(s.kind).pupils) as f64;
        if s.gates.is_empty() {
            let p = match &s.site {
                Site::Point(p) => Some(*p),
                Site::Area(mp) => mp.centroid(),
            };
            if let Some(p) = p {
                out.push(DemandPoint {
                    school: i,
                    gate: None,
                    lon: p.x(),
                    lat: p.y(),
                    weight: pupils,
                    approximate: true,
                });
            }
            continue;
        }
        let w = pupils / s.gates.len() as f64;
        for (k, g) in s.gates.iter().enumerate() {
            let label =
                g.id.clone()
                    .or_else(|| g.name.clone())
                    .unwrap_or_else(|| format!("gate {}", k + 1));
            out.push(DemandPoint {
                school: i,
                gate: Some(label),
                lon: g.point.x(),
                lat: g.point.y(),
                weight: w,
                approximate: false,
            });
        }
    }
    out
}
