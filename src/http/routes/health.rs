//! `GET /health` (JSON: status and what is served) and `GET /metrics` (Prometheus text).

use axum::extract::State;
use axum::response::Response;
use serde_json::json;

use super::{json, respond};
use crate::http::collections::CollectionId;
use crate::http::error::ApiError;
use crate::http::AppState;

/// `GET /health`.
pub async fn health(State(state): State<AppState>) -> Result<Response, ApiError> {
    let p = state.published();
    json(&json!({
        "status": "ok",
        "version": env!("CARGO_PKG_VERSION"),
        "rules": p.rules.id,
        "schools": p.dataset.schools.len(),
        "venues": p.dataset.venues.len(),
        "water": p.dataset.water.len(),
        "findings": p.findings.len(),
    }))
}

/// `GET /metrics`.
pub async fn metrics(State(state): State<AppState>) -> Response {
    let p = state.published();
    let sizes: Vec<(&str, usize)> = CollectionId::ALL
        .iter()
        .map(|&c| (c.as_str(), p.collection(c).len))
        .collect();
    respond(
        state.metrics.render(&sizes),
        "text/plain; version=0.0.4; charset=utf-8",
    )
}
