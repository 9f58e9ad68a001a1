//! Vector tiles: `GET /tiles/{layers}/{z}/{x}/{y}` (Mapbox Vector Tile; `{layers}` is one collection or a
//! comma-separated list) and `GET /tiles/{layers}` (TileJSON 3.0.0).

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use super::{base_url, blocking, json, path, respond, status};
use crate::http::collections::CollectionId;
use crate::http::error::ApiError;
use crate::http::tilesets::{render_tile, tilejson as tilejson_doc};
use crate::http::AppState;
use crate::tiles::TileId;

/// The content type of a vector tile.
pub const MVT: &str = "application/vnd.mapbox-vector-tile";

/// The layers of a `{layers}` path segment: known collection names, comma-separated, each once; an
/// unknown name is a 404.
pub fn parse_layers(s: &str) -> Result<Vec<CollectionId>, ApiError> {
    let mut out = Vec::new();
    for name in s.split(',') {
        let c = CollectionId::parse(name.trim()).ok_or_else(|| {
            let names: Vec<&str> = CollectionId::ALL.iter().map(|c| c.as_str()).collect();
            ApiError::not_found(format!(
                "no tile layer '{name}' (layers: {})",
                names.join(", ")
            ))
        })?;
        if !out.contains(&c) {
            out.push(c);
        }
    }
    Ok(out)
}

fn coordinate(name: &str, v: &str) -> Result<u32, ApiError> {
    v.parse::<u32>().map_err(|_| {
        ApiError::bad_request(format!(
            "tile {name} must be a whole number ≥ 0 (got '{v}')"
        ))
    })
}

/// The tile address of a `{z}/{x}/{y}` path (`y` may end in `.mvt` or `.pbf`); out of range is a 400.
pub fn parse_tile(z: &str, x: &str, y: &str) -> Result<TileId, ApiError> {
    let y = y
        .strip_suffix(".mvt")
        .or_else(|| y.strip_suffix(".pbf"))
        .unwrap_or(y);
    let (z, x, y) = (
        coordinate("z", z)?,
        coordinate("x", x)?,
        coordinate("y", y)?,
    );
    TileId::new(z, x, y).map_err(|e| ApiError::bad_request(e.to_string()))
}

/// `GET /tiles/{layers}/{z}/{x}/{y}`: the tile, 204 when it is empty.
pub async fn tile(
    State(state): State<AppState>,
    headers: HeaderMap,
    p: Result<Path<(String, String, String, String)>, PathRejection>,
) -> Result<Response, ApiError> {
    let (layers, z, x, y) = path(p)?;
    let layers = parse_layers(&layers)?;
    crate::http::guard_posts::check_access(&state, &headers, &layers)?;
    let tile = parse_tile(&z, &x, &y)?;
    let st = state.clone();
    let ls = layers.clone();
    let bytes = blocking(move || Ok(render_tile(st.published(), &ls, tile))).await?;
    let names: Vec<&str> = layers.iter().map(|c| c.as_str()).collect();
    state.metrics.record_tile(&names, bytes.len());
    if bytes.is_empty() {
        return Ok(status(StatusCode::NO_CONTENT));
    }
    Ok(respond(bytes, MVT))
}

/// `GET /tiles/{layers}`: TileJSON.
pub async fn tilejson(
    State(state): State<AppState>,
    headers: HeaderMap,
    p: Result<Path<String>, PathRejection>,
) -> Result<Response, ApiError> {
    let layers = parse_layers(&path(p)?)?;
    crate::http::guard_posts::check_access(&state, &headers, &layers)?;
    let doc = tilejson_doc(
        state.published(),
        &layers,
        &base_url(&headers),
        state.config.attribution.as_deref(),
    );
    json(&doc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses() {
        assert_eq!(
            parse_tile("14", "13300", "6500.mvt").unwrap(),
            TileId {
                z: 14,
                x: 13300,
                y: 6500
            }
        );
        assert_eq!(
            parse_tile("40", "0", "0").unwrap_err().code(),
            "bad_request"
        );
        assert_eq!(parse_tile("2", "4", "0").unwrap_err().code(), "bad_request");
        assert_eq!(
            parse_tile("2", "-1", "0").unwrap_err().code(),
            "bad_request"
        );
        assert_eq!(
            parse_layers("schools,venues,schools").unwrap(),
            vec![CollectionId::Schools, CollectionId::Venues]
        );
        assert_eq!(
            parse_layers("schools,roads").unwrap_err().code(),
            "not_found"
        );
    }
}
