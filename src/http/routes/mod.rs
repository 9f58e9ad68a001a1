//! Request handlers, one file per group of routes, and what they share: query parsing, the base URL of
//! links, responses of a given content type, running CPU-heavy work off the async workers.

pub mod check;
pub mod features;
pub mod health;
pub mod landing;
pub mod ledger;
pub mod posts;
pub mod report;
pub mod tiles;

use axum::body::Body;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;

use super::error::ApiError;

/// Query parameters in order, repeated names kept.
pub type Params = Vec<(String, String)>;

/// The parameters of a query string, or a 400 when it cannot be decoded.
pub fn params(q: Result<Query<Params>, QueryRejection>) -> Result<Params, ApiError> {
    q.map(|Query(p)| p)
        .map_err(|e| ApiError::bad_request(format!("malformed query string: {}", e.body_text())))
}

/// The last value of a parameter.
pub fn param<'a>(p: &'a Params, name: &str) -> Option<&'a str> {
    p.iter()
        .rev()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// Path parameters, or a 400 naming what was wrong.
pub fn path<T>(p: Result<Path<T>, PathRejection>) -> Result<T, ApiError> {
    p.map(|Path(v)| v)
        .map_err(|e| ApiError::bad_request(format!("bad path: {}", e.body_text())))
}

/// `http://HOST` from the request's Host header (`localhost` when it is missing or not a plain
/// host\[:port\]); `https` when `X-Forwarded-Proto: https`.
pub fn base_url(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.chars()
                    .all(|c| c.is_ascii_alphanumeric() || ".-:[]_".contains(c))
        })
        .unwrap_or("localhost");
    let scheme = match headers
        .get("x-forwarded-proto")
        .and_then(|h| h.to_str().ok())
    {
        Some("https") => "https",
        _ => "http",
    };
    format!("{scheme}://{host}")
}

/// A 200 response with a body and content type.
pub fn respond(body: impl Into<Body>, content_type: &'static str) -> Response {
    let mut r = Response::new(body.into());
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    r
}

/// A JSON response (application/json).
pub fn json(value: &impl serde::Serialize) -> Result<Response, ApiError> {
    let bytes = serde_json::to_vec(value).map_err(ApiError::internal)?;
    Ok(respond(bytes, "application/json"))
}

/// A response with a status and no body.
pub fn status(s: StatusCode) -> Response {
    let mut r = Response::new(Body::empty());
    *r.status_mut() = s;
    r
}

/// Runs CPU-heavy work on tokio's blocking pool.
pub async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| ApiError::internal(format!("worker failed: {e}")))?
}

/// Percent-encodes a query component (RFC 3986 unreserved characters are kept).
pub fn encode_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The "f" parameter: absent, `json` or `geojson`; anything else is a 400.
pub fn check_format(p: &Params) -> Result<(), ApiError> {
    match param(p, "f") {
        None | Some("json") | Some("geojson") => Ok(()),
        Some(other) => Err(ApiError::bad_request(format!(
            "f={other}: only f=json is offered"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls() {
        let mut h = HeaderMap::new();
        assert_eq!(base_url(&h), "http://localhost");
        h.insert(header::HOST, HeaderValue::from_static("127.0.0.1:8080"));
        assert_eq!(base_url(&h), "http://127.0.0.1:8080");
        h.insert(header::HOST, HeaderValue::from_static("evil\"host"));
        assert_eq!(base_url(&h), "http://localhost");
    }

    #[test]
    fn components() {
        assert_eq!(encode_component("112.1,33.2"), "112.1%2C33.2");
        assert_eq!(encode_component("城关镇"), "%E5%9F%8E%E5%85%B3%E9%95%87");
    }
}
