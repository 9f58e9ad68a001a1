//! `POST /posts/plan`: a guard-post plan (护学岗) for the served schools. The body takes the same
//! parameters as `perimeter posts plan`; the answer holds what the command writes: `plan` (plan.json),
//! `posts` (posts.geojson), `assignment` and `roster` (the CSV rows as objects).
//!
//! Plans say where police stand and when: this route lives in its own file so that it can be wrapped
//! by an access check on its own.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;
use serde_json::{json, Value};

use super::blocking;
use crate::crs::{Crs, ToWgs84};
use crate::export::posts::{officer_label, summary, write_geojson};
use crate::http::error::ApiError;
use crate::http::AppState;
use crate::posts::{Candidate, CandidateSource, Model, PlanParams, PostsConfig, Solver};

/// The most user candidates one request may carry.
pub const MAX_CANDIDATES: usize = 10_000;
/// The largest radius a request may ask for, metres.
pub const MAX_RADIUS_M: f64 = 5_000.0;
/// The smallest boundary spacing a request may ask for, metres.
pub const MIN_BOUNDARY_EVERY_M: f64 = 10.0;
/// Branch-and-bound nodes per component for requests (the command line allows more).
pub const NODE_BUDGET: u64 = 200_000;

/// A user candidate in a request.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CandidateRequest {
    pub lon: f64,
    pub lat: f64,
    #[serde(default)]
    pub crs: Option<String>,
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub fixed: bool,
}

/// The request body.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanRequest {
    /// `lscp` (default) or `mclp`.
    #[serde(default)]
    pub model: Option<String>,
    /// Default 300.
    #[serde(default)]
    pub radius_m: Option<f64>,
    #[serde(default)]
    pub p: Option<usize>,
    /// `exact` (default) or `heuristic`.
    #[serde(default)]
    pub solver: Option<String>,
    #[serde(default)]
    pub boundary_every_m: Option<f64>,
    /// Default true.
    #[serde(default)]
    pub gate_candidates: Option<bool>,
    #[serde(default)]
    pub capacity: Option<usize>,
    #[serde(default)]
    pub candidates: Vec<CandidateRequest>,
}

fn bad(msg: impl Into<String>) -> ApiError {
    ApiError::bad_request(msg)
}

/// Checks a request and turns it into plan parameters.
pub fn params(req: &PlanRequest) -> Result<PlanParams, ApiError> {
    let model: Model = match &req.model {
        None => Model::Lscp,
        Some(m) => m.parse().map_err(|e: String| bad(format!("model: {e}")))?,
    };
    let solver: Solver = match &req.solver {
        None => Solver::Exact,
        Some(s) => s.parse().map_err(|e: String| bad(format!("solver: {e}")))?,
    };
    let radius_m = req.radius_m.unwrap_or(300.0);
    if !(radius_m.is_finite() && radius_m > 0.0 && radius_m <= MAX_RADIUS_M) {
        return Err(bad(format!(
            "radius_m must be a number of metres in (0, {MAX_RADIUS_M}] (got {radius_m})"
        )));
    }
    if let Some(b) = req.boundary_every_m {
        if !(b.is_finite() && b >= MIN_BOUNDARY_EVERY_M) {
            return Err(bad(format!(
                "boundary_every_m must be at least {MIN_BOUNDARY_EVERY_M} metres (got {b})"
            )));
        }
    }
    if model == Model::Mclp && req.p.is_none() {
        return Err(bad(
            "p (the number of posts) is required for the mclp model",
        ));
    }
    if req.capacity == Some(0) {
        return Err(bad("capacity must be at least 1 school per post"));
    }
    if req.candidates.len() > MAX_CANDIDATES {
        return Err(bad(format!(
            "at most {MAX_CANDIDATES} candidates per request (got {})",
            req.candidates.len()
        )));
    }
    let mut converters: std::collections::HashMap<String, ToWgs84> = Default::default();
    let mut extra = Vec::with_capacity(req.candidates.len());
    for (i, c) in req.candidates.iter().enumerate() {
        let crs = c.crs.as_deref().unwrap_or("wgs84");
        if !converters.contains_key(crs) {
            let parsed: Crs = crs
                .parse()
                .map_err(|e| bad(format!("candidates[{i}].crs: {e}")))?;
            let t = ToWgs84::new(&parsed).map_err(|e| bad(format!("candidates[{i}].crs: {e}")))?;
            converters.insert(crs.to_string(), t);
        }
        let (lon, lat) = converters[crs]
            .convert(c.lon, c.lat)
            .map_err(|e| bad(format!("candidates[{i}]: {e}")))?;
        extra.push(Candidate {
            id: c.id.clone().unwrap_or_else(|| format!("U{}", i + 1)),
            name: c.name.clone(),
            lon,
            lat,
            source: CandidateSource::User,
            fixed: c.fixed,
        });
    }
    Ok(PlanParams {
        model,
        radius_m,
        p: req.p,
        solver,
        node_budget: NODE_BUDGET,
        gate_candidates: req.gate_candidates.unwrap_or(true),
        boundary_every_m: req.boundary_every_m,
        extra_candidates: extra,
        capacity: req.capacity,
    })
}

/// `POST /posts/plan`.
pub async fn plan(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    crate::http::auth::require(
        &state,
        &headers,
        crate::ledger::Role::may_plan_posts,
        "see guard-post plans (police, analyst and admin only)",
    )?;
    let body = body.map_err(|e| ApiError::from_rejection(e.status(), e.body_text()))?;
    let req: PlanRequest =
        serde_json::from_slice(&body).map_err(|e| bad(format!("malformed JSON body: {e}")))?;
    let pp = params(&req)?;
    let out = blocking(move || {
        let schools = &state.data.published.dataset.schools;
        let config = PostsConfig::default();
        let plan = crate::posts::plan(schools, &pp, &config).map_err(|e| bad(e.to_string()))?;
        let mut geo = Vec::new();
        write_geojson(&mut geo, schools, &plan).map_err(ApiError::internal)?;
        let geo: Value = serde_json::from_slice(&geo).map_err(ApiError::internal)?;
        let assignment: Vec<Value> = plan
            .schools
            .iter()
            .map(|d| {
                let s = &schools[d.school];
                let post = d.post.map(|k| &plan.posts[k]);
                json!({
                    "school_id": s.id,
                    "school_name": s.name,
                    "kind": s.kind.as_str(),
                    "post": post.map(|p| p.id.clone()),
                    "officer": post.map(|p| officer_label(p.officer)),
                    "distance_m": d.distance_m,
                    "gates_covered": d.covered,
                })
            })
            .collect();
        let roster: Vec<Value> = plan
            .posts
            .iter()
            .map(|p| {
                json!({
                    "officer": officer_label(p.officer),
                    "post": p.id,
                    "morning": p.morning.to_string(),
                    "afternoon": p.afternoon.to_string(),
                    "school_ids": p.schools.iter().map(|&s| schools[s].id.as_str()).collect::<Vec<_>>(),
                })
            })
            .collect();
        let doc = json!({
            "plan": summary(&plan),
            "posts": geo,
            "assignment": assignment,
            "roster": roster,
        });
        serde_json::to_vec(&doc).map_err(ApiError::internal)
    })
    .await?;
    Ok(super::respond(out, "application/json"))
}
