//! Where a post may stand.

use serde::Serialize;

use super::demand::DemandPoint;
use crate::geodesy::LocalFrame;
use crate::model::{School, Site};

/// Where a candidate came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CandidateSource {
    /// A school gate (or the point standing for a school without gates).
    Gate,
    /// A point the user supplied (a police box, a crossing).
    User,
    /// A point generated along a campus boundary.
    Boundary,
}

impl CandidateSource {
    pub fn as_str(self) -> &'static str {
        match self {
            CandidateSource::Gate => "gate",
            CandidateSource::User => "user",
            CandidateSource::Boundary => "boundary",
        }
    }
}

/// A candidate post site.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub id: String,
    pub name: Option<String>,
    pub lon: f64,
    pub lat: f64,
    pub source: CandidateSource,
    /// An existing post that is staffed whatever the plan says (it always counts as chosen).
    pub fixed: bool,
}

/// One candidate at each demand point (coinciding points give one candidate), ids `G1`, `G2`, …
pub fn gate_candidates(demand: &[DemandPoint], schools: &[School]) -> Vec<Candidate> {
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for d in demand {
        if !seen.insert((d.lon.to_bits(), d.lat.to_bits())) {
            continue;
        }
        let s = &schools[d.school];
        let name = match &d.gate {
            Some(g) => format!("{} {}", s.name, g),
            None => s.name.clone(),
        };
        out.push(Candidate {
            id: format!("G{}", out.len() + 1),
            name: Some(name),
            lon: d.lon,
            lat: d.lat,
            source: CandidateSource::Gate,
            fixed: false,
        });
    }
    out
}

/// Points along every exterior ring of every campus boundary, `every_m` metres apart along the ring
/// (starting at its first vertex), ids `B1`, `B2`, … Schools given only as points get none; schools
/// of kind not covered get none.
///
/// ```
/// use geo_types::{polygon, MultiPolygon};
/// use perimeter::model::{School, SchoolKind, Site};
/// use perimeter::posts::candidates::boundary_candidates;
/// // A square of about 111 m × 93 m at 33°N: perimeter ≈ 408 m → points at 0, 100, 200, 300, 400 m.
/// let sq = polygon![(x: 112.0, y: 33.0), (x: 112.001, y: 33.0), (x: 112.001, y: 33.001), (x: 112.0, y: 33.001)];
/// let s = School { id: "S".into(), name: "S".into(), kind: SchoolKind::Primary, township: None,
///     site: Site::Area(MultiPolygon(vec![sq])), gates: vec![], pupils: None };
/// let c = boundary_candidates(&[s], 100.0);
/// assert_eq!(c.len(), 5);
/// assert_eq!((c[0].lon, c[0].lat), (112.0, 33.0));
/// ```
pub fn boundary_candidates(schools: &[School], every_m: f64) -> Vec<Candidate> {
    let mut out = Vec::new();
    if !(every_m.is_finite() && every_m > 0.0) {
        return out;
    }
    for s in schools {
        if s.kind == crate::model::SchoolKind::NotCovered {
            continue;
        }
        let Site::Area(mp) = &s.site else { continue };
        for poly in &mp.0 {
            let ring = &poly.exterior().0;
            let Some(first) = ring.first() else { continue };
            let frame = LocalFrame::new(first.x, first.y);
            let mut next = 0.0; // arc length of the next point
            let mut walked = 0.0;
            for seg in ring.windows(2) {
                let a = frame.to_local(seg[0].x, seg[0].y);
                let b = frame.to_local(seg[1].x, seg[1].y);
                let len = ((b.0 - a.0).powi(2) + (b.1 - a.1).powi(2)).sqrt();
                while next <= walked + len && len > 0.0 {
                    let t = (next - walked) / len;
                    let (lon, lat) = if t == 0.0 {
                        (seg[0].x, seg[0].y)
                    } else {
                        frame.to_lon_lat(a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1))
                    };
                    // The ring is closed: its last point repeats the first.
                    if !(next > 0.0 && (lon, lat) == (first.x, first.y)) {
                        out.push(Candidate {
                            id: format!("B{}", out.len() + 1),
                            name: Some(format!("{} boundary", s.name)),
                            lon,
                            lat,
                            source: CandidateSource::Boundary,
                            fixed: false,
                        });
                    }
                    next += every_m;
                }
                walked += len;
            }
        }
    }
    out
}

/// What is wrong with a candidates file.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CandidateFileError {
    #[error("not GeoJSON: {0}")]
    Json(String),
    #[error("expected a FeatureCollection")]
    NotCollection,
    #[error("feature {index}: {message}")]
    Feature { index: usize, message: String },
}

/// Reads user candidates from a GeoJSON FeatureCollection of Points. Properties: `id` (default
/// `U1`, `U2`, … by position), `name`, `fixed` (true, 1, "true", "yes", "是" mark an existing post that
/// is always staffed). `convert` maps the file's coordinates to WGS84 lon/lat.
///
/// ```
/// use perimeter::posts::candidates::from_geojson;
/// let text = r#"{"type":"FeatureCollection","features":[
///   {"type":"Feature","properties":{"name":"城关警务室","fixed":true},"geometry":{"type":"Point","coordinates":[112.4,33.5]}}]}"#;
/// let c = from_geojson(text, |x, y| Ok((x, y))).unwrap();
/// assert_eq!((c[0].id.as_str(), c[0].fixed, c[0].lon), ("U1", true, 112.4));
/// ```
pub fn from_geojson(
    text: &str,
    convert: impl Fn(f64, f64) -> Result<(f64, f64), String>,
) -> Result<Vec<Candidate>, CandidateFileError> {
    let v: serde_json::Value =
        serde_json::from_str(text).map_err(|e| CandidateFileError::Json(e.to_string()))?;
    let feats = v
        .get("features")
        .and_then(|f| f.as_array())
        .filter(|_| v.get("type").and_then(|t| t.as_str()) == Some("FeatureCollection"))
        .ok_or(CandidateFileError::NotCollection)?;
    let mut out = Vec::with_capacity(feats.len());
    for (index, f) in feats.iter().enumerate() {
        let err = |message: String| CandidateFileError::Feature { index, message };
        let geom = f.get("geometry").ok_or_else(|| err("no geometry".into()))?;
        if geom.get("type").and_then(|t| t.as_str()) != Some("Point") {
            return Err(err("geometry is not a Point".into()));
        }
        let xy = geom
            .get("coordinates")
            .and_then(|c| c.as_array())
            .filter(|c| c.len() >= 2)
            .and_then(|c| Some((c[0].as_f64()?, c[1].as_f64()?)))
            .ok_or_else(|| err("coordinates are not [x, y] numbers".into()))?;
        let (lon, lat) = convert(xy.0, xy.1).map_err(err)?;
        if !(lon.is_finite() && lat.is_finite() && lon.abs() <= 180.0 && lat.abs() <= 90.0) {
            return Err(err(format!("({lon}, {lat}) is not a longitude/latitude")));
        }
        let props = f.get("properties");
        let get = |k: &str| props.and_then(|p| p.get(k));
        let text_of = |v: &serde_json::Value| match v {
            serde_json::Value::String(s) => Some(s.clone()),
            serde_json::Value::Number(n) => Some(n.to_string()),
            _ => None,
        };
        let fixed = match get("fixed") {
            None | Some(serde_json::Value::Null) => false,
            Some(serde_json::Value::Bool(b)) => *b,
            Some(serde_json::Value::Number(n)) => n.as_f64() == Some(1.0),
            Some(serde_json::Value::String(s)) => {
                matches!(
                    s.trim().to_lowercase().as_str(),
                    "true" | "yes" | "1" | "是"
                )
            }
            Some(other) => return Err(err(format!("fixed: '{other}' is not true or false"))),
        };
        out.push(Candidate {
            id: get("id")
                .and_then(text_of)
                .unwrap_or_else(|| format!("U{}", index + 1)),
            name: get("name").and_then(text_of),
            lon,
            lat,
            source: CandidateSource::User,
            fixed,
        });
    }
    Ok(out)
}
