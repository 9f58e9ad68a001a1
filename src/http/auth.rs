//! Who is calling: API tokens (`Authorization: Bearer …`, configured with `perimeter serve --tokens`) and
//! the roles they carry ([`crate::ledger::Role`]). Public layers need no token; the ledger and
//! guard-post plans (where and when police stand, officers' names) do.

use axum::http::{header, HeaderMap};

use crate::http::error::ApiError;
use crate::http::AppState;
use crate::ledger::{Identity, Role};

/// The caller's identity from `Authorization: Bearer TOKEN`: 401 when missing or unknown.
pub fn identify(state: &AppState, headers: &HeaderMap) -> Result<Identity, ApiError> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Err(ApiError::Unauthorized(
            "this resource needs a token: send Authorization: Bearer TOKEN".into(),
        ));
    };
    let token = value
        .to_str()
        .ok()
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| {
            ApiError::Unauthorized("the Authorization header must be 'Bearer TOKEN'".into())
        })?;
    state
        .tokens
        .identify(token)
        .cloned()
        .ok_or_else(|| ApiError::Unauthorized("unknown token".into()))
}

/// The caller, who must hold a role that `allowed` accepts: 401 without a known token, 403 otherwise.
pub fn require(
    state: &AppState,
    headers: &HeaderMap,
    allowed: fn(Role) -> bool,
    what: &str,
) -> Result<Identity, ApiError> {
    let who = identify(state, headers)?;
    if !allowed(who.role) {
        return Err(ApiError::Forbidden(format!(
            "role '{}' may not {what}",
            who.role.as_str()
        )));
    }
    Ok(who)
}
