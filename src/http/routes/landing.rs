//! The landing page `/` (JSON links; a browser asking for HTML is sent to the web map), `/conformance`,
//! `/api` (the OpenAPI 3.0 document) and the web page's files under `/map/`.

use axum::body::Body;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, Request, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;
use tower::ServiceExt;
use tower_http::services::ServeDir;

use super::{base_url, check_format, json, param, params, respond, Params};
use crate::http::collections::CollectionId;
use crate::http::error::ApiError;
use crate::http::openapi;
use crate::http::AppState;

/// The conformance classes of OGC API – Features Part 1 this server implements.
pub const CONFORMS_TO: [&str; 3] = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
];

/// `GET /`: links to the API definition, conformance and data; `303 → /map/` for a browser (Accept:
/// text/html, no `f`) when the web page is built.
pub async fn landing(
    State(state): State<AppState>,
    headers: HeaderMap,
    q: Result<Query<Params>, QueryRejection>,
) -> Result<Response, ApiError> {
    let q = params(q)?;
    let wants_html = param(&q, "f").is_none()
        && headers
            .get(header::ACCEPT)
            .and_then(|a| a.to_str().ok())
            .is_some_and(|a| a.contains("text/html"));
    let web = state.config.web_index().is_some();
    if wants_html && web {
        return Ok(Redirect::to("/map/").into_response());
    }
    check_format(&q)?;
    let base = base_url(&headers);
    let names: Vec<&str> = CollectionId::ALL.iter().map(|c| c.as_str()).collect();
    let mut links = vec![
        json!({"href": format!("{base}/"), "rel": "self", "type": "application/json", "title": "this document"}),
        json!({"href": format!("{base}/api"), "rel": "service-desc", "type": openapi::CONTENT_TYPE, "title": "the API definition (OpenAPI 3.0)"}),
        json!({"href": format!("{base}/conformance"), "rel": "conformance", "type": "application/json", "title": "conformance classes"}),
        json!({"href": format!("{base}/collections"), "rel": "data", "type": "application/json", "title": format!("collections: {}", names.join(", "))}),
        json!({"href": format!("{base}/tiles/{}", names.join(",")), "rel": "tiles", "type": "application/json", "title": "vector tiles of every layer (TileJSON)"}),
    ];
    if web {
        links.push(json!({"href": format!("{base}/map/"), "rel": "alternate", "type": "text/html", "title": "web map"}));
    }
    json(&json!({
        "title": "perimeter — 校园周边200米",
        "description": "Schools, venues and water bodies, and every prohibited venue or risk water body within its rule's distance of a school, measured in metres on the WGS84 ellipsoid.",
        "links": links,
    }))
}

/// `GET /conformance`.
pub async fn conformance(q: Result<Query<Params>, QueryRejection>) -> Result<Response, ApiError> {
    check_format(&params(q)?)?;
    json(&json!({"conformsTo": CONFORMS_TO}))
}

/// `GET /api`: the OpenAPI 3.0 document.
pub async fn api(headers: HeaderMap) -> Result<Response, ApiError> {
    let doc = openapi::document(&base_url(&headers));
    let bytes = serde_json::to_vec(&doc).map_err(ApiError::internal)?;
    Ok(respond(bytes, openapi::CONTENT_TYPE))
}

/// `GET /map` → `/map/`.
pub async fn map_redirect() -> Response {
    Redirect::permanent("/map/").into_response()
}

/// `GET /map/…`: the built web page's files (404 when the page is not built).
pub async fn map_files(State(state): State<AppState>, req: Request) -> Result<Response, ApiError> {
    let Some(dir) = state.config.web_dir.clone().filter(|d| d.is_dir()) else {
        return Err(ApiError::not_found(
            "the web page is not built (see README: build web/ into web/dist)",
        ));
    };
    let full = req.uri().path();
    let rest = full.strip_prefix("/map").unwrap_or(full);
    let rest = if rest.is_empty() { "/" } else { rest };
    let target = match req.uri().query() {
        Some(q) => format!("{rest}?{q}"),
        None => rest.to_string(),
    };
    let (mut parts, body) = req.into_parts();
    parts.uri = target
        .parse()
        .map_err(|_| ApiError::bad_request("malformed path"))?;
    let req = Request::from_parts(parts, body);
    let resp = ServeDir::new(dir)
        .append_index_html_on_directories(true)
        .oneshot(req)
        .await
        .map_err(ApiError::internal)?;
    Ok(resp.map(Body::new))
}
