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
