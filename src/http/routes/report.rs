//! `GET /schools/{id}/report`: one school, its zone and every finding with distance and legal basis.

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::response::Response;
use serde::Serialize;

use super::{json, path};
use crate::export::findings::{record, FindingRecord};
use crate::http::collections::{CollectionId, Published};
use crate::http::error::ApiError;
use crate::http::AppState;
use crate::model::Site;
use crate::scan::FeatureType;

#[derive(Serialize)]
struct GateView<'a> {
    id: Option<&'a str>,
    name: Option<&'a str>,
    lon: f64,
    lat: f64,
}

#[derive(Serialize)]
struct SchoolView<'a> {
    id: &'a str,
    name: &'a str,
    kind: &'static str,
    township: Option<&'a str>,
    /// Known only as a point: distances from it are approximate.
    approximate: bool,
    pupils: Option<u32>,
    gates: Vec<GateView<'a>>,
    /// The zone's distance, metres (largest rule distance); `None` when no rule applies.
    zone_m: Option<f64>,
    /// `[west, south, east, north]` of the campus and gates, degrees.
    bbox: Option<[f64; 4]>,
}

#[derive(Serialize)]
struct Counts {
    findings: usize,
    venues: usize,
    water: usize,
}

#[derive(Serialize)]
struct FindingView<'a> {
    id: String,
    #[serde(flatten)]
    record: FindingRecord<'a>,
    /// The measured line, school side first: `[[lon, lat], [lon, lat]]`.
    line: [[f64; 2]; 2],
}

#[derive(Serialize)]
struct RulesView<'a> {
    id: &'a str,
    name: &'a str,
}

#[derive(Serialize)]
struct Report<'a> {
    school: SchoolView<'a>,
    rules: RulesView<'a>,
    counts: Counts,
    findings: Vec<FindingView<'a>>,
}

fn report_of(p: &Published, k: usize) -> Report<'_> {
    let ds = &p.dataset;
    let s = &ds.schools[k];
    let (a, b) = p.findings_of_school[k];
    let range = a as usize..b as usize;
    let findings: Vec<FindingView> = range
        .clone()
        .map(|i| {
            let f = &p.findings[i];
            FindingView {
                id: p.item_id(CollectionId::Findings, i).into_owned(),
                record: record(ds, &p.rules, f),
                line: [
                    [f.measured.from.0, f.measured.from.1],
                    [f.measured.to.0, f.measured.to.1],
                ],
            }
        })
        .collect();
    let venues = p.findings[range]
        .iter()
        .filter(|f| f.feature_type == FeatureType::Venue)
        .count();
    let mut bbox = p.geometry(CollectionId::Schools, k).bbox();
    for g in &s.gates {
        let (x, y) = (g.point.x(), g.point.y());
        bbox = Some(match bbox {
            None => [x, y, x, y],
            Some(e) => [e[0].min(x), e[1].min(y), e[2].max(x), e[3].max(y)],
        });
    }
    Report {
        school: SchoolView {
            id: &s.id,
            name: &s.name,
            kind: s.kind.as_str(),
            township: s.township.as_deref(),
            approximate: matches!(s.site, Site::Point(_)),
            pupils: s.pupils,
            gates: s
                .gates
                .iter()
                .map(|g| GateView {
                    id: g.id.as_deref(),
                    name: g.name.as_deref(),
                    lon: g.point.x(),
                    lat: g.point.y(),
                })
                .collect(),
            zone_m: p.zone_of_school[k].map(|z| p.zones[z as usize].distance_m),
            bbox,
        },
        rules: RulesView {
            id: &p.rules.id,
            name: &p.rules.name,
        },
        counts: Counts {
            findings: findings.len(),
            venues,
            water: findings.len() - venues,
        },
        findings,
    }
}

/// `GET /schools/{id}/report` (the id as published in the `schools` collection).
pub async fn report(
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
) -> Result<Response, ApiError> {
    let id = path(id)?;
    let p = state.published();
    let k = p
        .find(CollectionId::Schools, &id)
        .ok_or_else(|| ApiError::not_found(format!("no school '{id}'")))?;
    json(&report_of(p, k as usize))
}
