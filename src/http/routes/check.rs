//! Site check: `GET /check?lon=&lat=&crs=&category=` and `POST /check` with a JSON list of sites. The
//! answer is the same JSON as `perimeter check --json` ([`crate::check::SiteCheckRecord`]); a batch answers
//! a list in the order asked.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;

use super::{blocking, json, param, params, Params};
use crate::check::check_site;
use crate::crs::{Crs, ToWgs84};
use crate::http::error::ApiError;
use crate::http::AppState;
use crate::model::Category;

/// The most sites one `POST /check` may ask about.
pub const MAX_BATCH: usize = 10_000;

/// One site of a batch.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SiteRequest {
    /// Longitude (or easting) in `crs`.
    pub lon: f64,
    /// Latitude (or northing) in `crs`.
    pub lat: f64,
    /// `wgs84` (default), `cgcs2000`, `gcj02`, `bd09`, `EPSG:n` or a PROJ string.
    #[serde(default)]
    pub crs: Option<String>,
    /// Venue category: internet_cafe, ktv, game_hall, lottery, tobacco, hazardous, bar, other.
    pub category: String,
}

/// Converters by CRS text, so a batch creates each PROJ transformation once.
#[derive(Default)]
struct Converters(HashMap<String, ToWgs84>);

impl Converters {
    /// A site in WGS84 with its category, or what is wrong with it.
    fn site(
        &mut self,
        lon: f64,
        lat: f64,
        crs: &str,
        category: &str,
    ) -> Result<((f64, f64), Category), String> {
        let category: Category = category.parse().map_err(|e| format!("category: {e}"))?;
        if !self.0.contains_key(crs) {
            let parsed: Crs = crs.parse().map_err(|e| format!("crs: {e}"))?;
            let t = ToWgs84::new(&parsed).map_err(|e| format!("crs: {e}"))?;
            self.0.insert(crs.to_string(), t);
        }
        let t = self
            .0
            .get(crs)
            .ok_or_else(|| format!("crs: '{crs}' could not be set up"))?;
        let point = t.convert(lon, lat).map_err(|e| format!("lon/lat: {e}"))?;
        Ok((point, category))
    }
}

fn number(q: &Params, name: &str) -> Result<f64, ApiError> {
    let v = param(q, name)
        .ok_or_else(|| ApiError::bad_request(format!("missing query parameter '{name}'")))?;
    v.trim()
        .parse::<f64>()
        .ok()
        .filter(|x| x.is_finite())
        .ok_or_else(|| ApiError::bad_request(format!("{name} must be a number (got '{v}')")))
}

/// `GET /check?lon=&lat=&crs=&category=`.
pub async fn check_get(
    State(state): State<AppState>,
    q: Result<Query<Params>, QueryRejection>,
) -> Result<Response, ApiError> {
    let q = params(q)?;
    super::check_format(&q)?;
    let lon = number(&q, "lon")?;
    let lat = number(&q, "lat")?;
    let category = param(&q, "category")
        .ok_or_else(|| ApiError::bad_request("missing query parameter 'category'"))?;
    let crs = param(&q, "crs").unwrap_or("wgs84");
    let (point, category) = Converters::default()
        .site(lon, lat, crs, category)
        .map_err(ApiError::bad_request)?;
    let data = &state.data;
    let p = &data.published;
    let answer = check_site(&p.dataset, &data.index, &p.rules, point, category);
    json(&answer.record(&p.dataset, &p.rules))
}

/// `POST /check`: a JSON list of `{lon, lat, crs?, category}`, at most [`MAX_BATCH`].
pub async fn check_post(
    State(state): State<AppState>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let body = body.map_err(|e| ApiError::from_rejection(e.status(), e.body_text()))?;
    let sites: Vec<SiteRequest> = serde_json::from_slice(&body).map_err(|e| {
        ApiError::bad_request(format!("malformed JSON body: {e} (expected a list of {{\"lon\", \"lat\", \"crs\"?, \"category\"}})"))
    })?;
    if sites.len() > MAX_BATCH {
        return Err(ApiError::bad_request(format!(
            "at most {MAX_BATCH} sites per request (got {})",
            sites.len()
        )));
    }
    let out = blocking(move || {
        let data = &state.data;
        let p = &data.published;
        let mut points = Vec::with_capacity(sites.len());
        let mut converters = Converters::default();
        for (i, s) in sites.iter().enumerate() {
            let crs = s.crs.as_deref().unwrap_or("wgs84");
            let pc = converters
                .site(s.lon, s.lat, crs, &s.category)
                .map_err(|e| ApiError::bad_request(format!("site #{i}: {e}")))?;
            points.push(pc);
        }
        let answers: Vec<_> = points
            .into_iter()
            .map(|(point, category)| check_site(&p.dataset, &data.index, &p.rules, point, category))
            .collect();
        let records: Vec<_> = answers
            .iter()
            .map(|a| a.record(&p.dataset, &p.rules))
            .collect();
        serde_json::to_vec(&records).map_err(ApiError::internal)
    })
    .await?;
    Ok(super::respond(out, "application/json"))
}
