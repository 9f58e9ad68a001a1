//! The one error shape of the API: `{"code": "...", "message": "..."}` with the matching HTTP status.
//! Client errors (4xx) say what was wrong with the request; server errors (5xx) say only that something
//! failed, and the detail goes to the server's log (stderr).

use axum::body::Body;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::ledger::LedgerError;

/// An API error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    /// 400: a parameter or body is malformed or out of range.
    #[error("{0}")]
    BadRequest(String),
    /// 401: a token is required and was missing or unknown.
    #[error("{0}")]
    Unauthorized(String),
    /// 403: the token's role may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// 404: no such resource.
    #[error("{0}")]
    NotFound(String),
    /// 405: the route exists but not with this method.
    #[error("{0}")]
    MethodNotAllowed(String),
    /// 406: the requested format is not offered.
    #[error("{0}")]
    NotAcceptable(String),
    /// 409: the change conflicts with the resource's state (e.g. a step the workflow does not allow).
    #[error("{0}")]
    Conflict(String),
    /// 412: `If-Match` names a version that is no longer current.
    #[error("{0}")]
    PreconditionFailed(String),
    /// 428: a write without `If-Match`.
    #[error("{0}")]
    PreconditionRequired(String),
    /// 413: the request body is larger than the limit.
    #[error("{0}")]
    PayloadTooLarge(String),
    /// 503: the request took longer than the server allows.
    #[error("{0}")]
    Timeout(String),
    /// 500: the detail is logged, never sent.
    #[error("internal error: {0}")]
    Internal(String),
}

/// A ledger error as the API answers it: unknown problem or scan 404, stale version 412, a step the
/// workflow does not allow 409, an invalid change 400, anything else 500.
impl From<LedgerError> for ApiError {
    fn from(e: LedgerError) -> ApiError {
        match e {
            LedgerError::NotFound(_) | LedgerError::ScanNotFound(_) => {
                ApiError::not_found(e.to_string())
            }
            LedgerError::VersionConflict { .. } => ApiError::PreconditionFailed(e.to_string()),
            LedgerError::Step(_) => ApiError::Conflict(e.to_string()),
            LedgerError::Invalid(_) => ApiError::bad_request(e.to_string()),
            _ => ApiError::internal(e),
        }
    }
}

#[derive(Serialize)]
struct Body_<'a> {
    code: &'a str,
    message: &'a str,
}

impl ApiError {
    pub fn bad_request(message: impl Into<String>) -> Self {
        ApiError::BadRequest(message.into())
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        ApiError::NotFound(message.into())
    }

    pub fn internal(detail: impl std::fmt::Display) -> Self {
        ApiError::Internal(detail.to_string())
    }

    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::PreconditionFailed(_) => StatusCode::PRECONDITION_FAILED,
            ApiError::PreconditionRequired(_) => StatusCode::PRECONDITION_REQUIRED,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::NotAcceptable(_) => StatusCode::NOT_ACCEPTABLE,
            ApiError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::Timeout(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The machine-readable code: `bad_request`, `unauthorized`, `forbidden`, `conflict`,
    /// `precondition_failed`, `precondition_required`, `not_found`, `method_not_allowed`, `not_acceptable`,
    /// `payload_too_large`, `timeout`, `internal`.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::BadRequest(_) => "bad_request",
            ApiError::Unauthorized(_) => "unauthorized",
            ApiError::Forbidden(_) => "forbidden",
            ApiError::Conflict(_) => "conflict",
            ApiError::PreconditionFailed(_) => "precondition_failed",
            ApiError::PreconditionRequired(_) => "precondition_required",
            ApiError::NotFound(_) => "not_found",
            ApiError::MethodNotAllowed(_) => "method_not_allowed",
            ApiError::NotAcceptable(_) => "not_acceptable",
            ApiError::PayloadTooLarge(_) => "payload_too_large",
            ApiError::Timeout(_) => "timeout",
            ApiError::Internal(_) => "internal",
        }
    }

    /// The message sent to the client (server errors hide their detail).
    pub fn public_message(&self) -> &str {
        match self {
            ApiError::BadRequest(m)
            | ApiError::Unauthorized(m)
            | ApiError::Forbidden(m)
            | ApiError::Conflict(m)
            | ApiError::PreconditionFailed(m)
            | ApiError::PreconditionRequired(m)
            | ApiError::NotFound(m)
            | ApiError::MethodNotAllowed(m)
            | ApiError::NotAcceptable(m)
            | ApiError::PayloadTooLarge(m)
            | ApiError::Timeout(m) => m,
            ApiError::Internal(_) => "internal server error",
        }
    }

    /// The error for a bare status produced outside a handler (a layer's 404, 405, 413 or timeout).
    pub fn from_status(status: StatusCode) -> Self {
        match status {
            StatusCode::NOT_FOUND => ApiError::not_found("no such resource"),
            StatusCode::METHOD_NOT_ALLOWED => {
                ApiError::MethodNotAllowed("method not allowed on this resource".into())
            }
            StatusCode::PAYLOAD_TOO_LARGE => {
                ApiError::PayloadTooLarge("request body too large".into())
            }
            StatusCode::SERVICE_UNAVAILABLE
            | StatusCode::REQUEST_TIMEOUT
            | StatusCode::GATEWAY_TIMEOUT => ApiError::Timeout("the request took too long".into()),
            s if s.is_client_error() => {
                ApiError::BadRequest(s.canonical_reason().unwrap_or("bad request").to_string())
            }
            s => ApiError::Internal(format!("status {s}")),
        }
    }

    /// The error for an extractor's rejection (body too large, unreadable body, bad path), keeping its
    /// status and text.
    pub fn from_rejection(status: StatusCode, text: String) -> Self {
        match status {
            StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge(text),
            s if s.is_server_error() => ApiError::Internal(text),
            StatusCode::NOT_FOUND => ApiError::NotFound(text),
            _ => ApiError::BadRequest(text),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let ApiError::Internal(detail) = &self {
            eprintln!("error: {detail}");
        }
        let body = Body_ {
            code: self.code(),
            message: self.public_message(),
        };
        let bytes = serde_json::to_vec(&body).unwrap_or_else(|_| {
            b"{\"code\":\"internal\",\"message\":\"internal server error\"}".to_vec()
        });
        let mut resp = Response::new(Body::from(bytes));
        *resp.status_mut() = self.status();
        resp.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        if matches!(self, ApiError::Unauthorized(_)) {
            resp.headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        resp
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_and_statuses() {
        let e = ApiError::bad_request("limit must be at most 10000");
        assert_eq!(
            (e.status(), e.code(), e.public_message()),
            (
                StatusCode::BAD_REQUEST,
                "bad_request",
                "limit must be at most 10000"
            )
        );
        let e = ApiError::internal("/secret/path: permission denied");
        assert_eq!(
            (e.status(), e.public_message()),
            (StatusCode::INTERNAL_SERVER_ERROR, "internal server error")
        );
        assert_eq!(
            ApiError::from_status(StatusCode::METHOD_NOT_ALLOWED).code(),
            "method_not_allowed"
        );
        assert_eq!(
            ApiError::from_rejection(
                StatusCode::PAYLOAD_TOO_LARGE,
                "length limit exceeded".into()
            )
            .code(),
            "payload_too_large"
        );
    }
}
