//! The HTTP server's application: `app(state)` → an axum [`Router`] serving OGC API – Features, vector
//! tiles, site checks, school reports, health and metrics, and the web page under `/map/`.
//!
//! Routes:
//!
//! | route | what |
//! |---|---|
//! | `GET /` | landing page (links `service-desc`, `conformance`, `data`); a browser is sent to `/map/` |
//! | `GET /conformance`, `GET /api` | conformance classes; the OpenAPI 3.0 document |
//! | `GET /collections[/{c}]` | `schools`, `venues`, `water`, `findings`, `buffers`, `posts`, `post_links` |
//! | `GET /collections/{c}/items` | GeoJSON pages: `bbox`, `limit` (≤ 10 000), `offset`, property filters |
//! | `GET /collections/{c}/items/{id}` | one feature |
//! | `GET /tiles/{layers}` | TileJSON 3.0.0 (`{layers}`: one collection or a comma-separated list) |
//! | `GET /tiles/{layers}/{z}/{x}/{y}` | Mapbox Vector Tile; 204 when empty |
//! | `GET /check`, `POST /check` | site check, one or a batch (same JSON as `perimeter check --json`) |
//! | `GET /schools/{id}/report` | one school with its findings and legal basis |
//! | `POST /posts/plan` | a guard-post plan (LSCP/MCLP, assignment, roster) for the served schools |
//! | `GET /ledger/problems`, `GET\|PATCH /ledger/problems/{id}` | the ledger (token needed; see [`routes::ledger`]) |
//! | `GET /ledger/{diff,overdue,summary,scans,export,whoami}` | diffs between scans, overdue list, summaries, exports |
//! | `GET /health`, `GET /metrics` | status; Prometheus text |
//!
//! Every error is JSON `{code, message}` ([`error::ApiError`]), including the ones produced by layers
//! (unknown route, wrong method, body too large, timeout). No handler unwraps request data; a panic would
//! still be caught and answered 500.

pub mod auth;
pub mod collections;
pub mod error;
pub mod geojson;
pub mod guard_posts;
pub mod metrics;
pub mod openapi;
pub mod routes;
pub mod state;
pub mod tilesets;
pub mod zones;

use std::time::Instant;

use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post};
use axum::Router;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::timeout::TimeoutLayer;

pub use error::ApiError;
pub use state::{AppState, ServeConfig, ServerData};

use routes::{check, features, health, landing, ledger, posts, report, tiles};

/// Records every request's route, method, status and latency.
async fn track(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_string())
        .unwrap_or_else(|| "unmatched".to_string());
    let method = req.method().as_str().to_string();
    let t = Instant::now();
    let resp = next.run(req).await;
    state
        .metrics
        .record_request(&route, &method, resp.status().as_u16(), t.elapsed());
    resp
}

/// Turns an error response that is not JSON (from a layer: 404, 405, 413, timeout) into the API's shape,
/// keeping its status and `Allow` header.
async fn json_errors(req: Request, next: Next) -> Response {
    let resp = next.run(req).await;
    let status = resp.status();
    let is_json = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return resp;
    }
    let allow = resp.headers().get(header::ALLOW).cloned();
    let mut out = ApiError::from_status(status).into_response();
    *out.status_mut() = status;
    if let Some(a) = allow {
        out.headers_mut().insert(header::ALLOW, a);
    }
    out
}

async fn not_found() -> ApiError {
    ApiError::not_found("no such route (see /api for the list)")
}

fn cors(origins: &[String]) -> Option<CorsLayer> {
    if origins.is_empty() {
        return None;
    }
    let allow = if origins.iter().any(|o| o == "*") {
        AllowOrigin::any()
    } else {
        AllowOrigin::list(origins.iter().filter_map(|o| HeaderValue::from_str(o).ok()))
    };
    Some(
        CorsLayer::new()
            .allow_origin(allow)
            .allow_methods([
                Method::GET,
                Method::HEAD,
                Method::POST,
                Method::PATCH,
                Method::OPTIONS,
            ])
            .allow_headers([
                header::CONTENT_TYPE,
                header::ACCEPT,
                header::AUTHORIZATION,
                header::IF_MATCH,
            ])
            .expose_headers([header::ETAG]),
    )
}

/// The application: every route, with body limit, timeout, compression (gzip when the request accepts
/// it), CORS (when origins are configured), panic catching and metrics.
pub fn app(state: AppState) -> Router {
    let config = state.config.clone();
    let router = Router::new()
        .route("/", get(landing::landing))
        .route("/conformance", get(landing::conformance))
        .route("/api", get(landing::api))
        .route("/collections", get(features::collections))
        .route("/collections/{collection}", get(features::collection))
        .route("/collections/{collection}/items", get(features::items))
        .route(
            "/collections/{collection}/items/{item}",
            get(features::item),
        )
        .route("/tiles/{layers}", get(tiles::tilejson))
        .route("/tiles/{layers}/{z}/{x}/{y}", get(tiles::tile))
        .route("/check", get(check::check_get).post(check::check_post))
        .route("/posts/plan", post(posts::plan))
        .route("/schools/{id}/report", get(report::report))
        .route("/ledger/problems", get(ledger::problems))
        .route(
            "/ledger/problems/{id}",
            get(ledger::problem).merge(patch(ledger::patch)),
        )
        .route("/ledger/diff", get(ledger::diff))
        .route("/ledger/overdue", get(ledger::overdue))
        .route("/ledger/summary", get(ledger::summary))
        .route(
            "/ledger/scans",
            get(ledger::scans).merge(axum::routing::post(ledger::record_scan)),
        )
        .route("/ledger/export", get(ledger::export))
        .route("/ledger/whoami", get(ledger::whoami))
        .route("/health", get(health::health))
        .route("/metrics", get(health::metrics))
        .route("/map", get(landing::map_redirect))
        .route("/map/", get(landing::map_files))
        .route("/map/{*path}", get(landing::map_files))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(config.body_limit_bytes))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            config.request_timeout,
        ))
        .layer(middleware::from_fn(json_errors))
        .layer(CompressionLayer::new());
    let router = match cors(&config.cors_origins) {
        Some(c) => router.layer(c),
        None => router,
    };
    router
        .layer(CatchPanicLayer::custom(
            |_panic: Box<dyn std::any::Any + Send>| {
                ApiError::internal("a request handler panicked").into_response()
            },
        ))
        .layer(middleware::from_fn_with_state(state.clone(), track))
        .with_state(state)
}
