//! OGC API – Features, Part 1 Core: `/collections`, `/collections/{collection}`,
//! `/collections/{collection}/items` (bbox, limit, offset, property filters, paging links) and
//! `/collections/{collection}/items/{item}`.

use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::{json, Value as Json};

use super::{
    base_url, blocking, check_format, encode_component, json, param, params, path, respond, Params,
};
use crate::http::collections::{CollectionId, Filter, Filters, Published};
use crate::http::error::ApiError;
use crate::http::geojson::write_feature;
use crate::http::AppState;
use crate::model::{Category, SchoolKind, WaterKind};

/// Items per page when `limit` is not given.
pub const DEFAULT_LIMIT: usize = 100;
/// The largest `limit` accepted.
pub const MAX_LIMIT: usize = 10_000;

/// OGC's URI for WGS84 longitude/latitude.
pub const CRS84: &str = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";

const GEOJSON: &str = "application/geo+json";

/// The collection named in a path, or a 404 listing the collections.
pub fn collection_id(name: &str) -> Result<CollectionId, ApiError> {
    CollectionId::parse(name).ok_or_else(|| {
        let names: Vec<&str> = CollectionId::ALL.iter().map(|c| c.as_str()).collect();
        ApiError::not_found(format!(
            "no collection '{name}' (collections: {})",
            names.join(", ")
        ))
    })
}

/// A collection's description.
pub fn collection_json(p: &Published, c: CollectionId, base: &str) -> Json {
    let bbox = p
        .collection(c)
        .extent
        .unwrap_or([-180.0, -90.0, 180.0, 90.0]);
    let id = c.as_str();
    json!({
        "id": id,
        "title": c.title(),
        "description": c.description(),
        "itemType": "feature",
        "crs": [CRS84],
        "storageCrs": CRS84,
        "extent": {"spatial": {"bbox": [bbox], "crs": CRS84}},
        "links": [
            {"href": format!("{base}/collections/{id}"), "rel": "self", "type": "application/json", "title": c.title()},
            {"href": format!("{base}/collections/{id}/items"), "rel": "items", "type": GEOJSON, "title": "items (GeoJSON)"},
            {"href": format!("{base}/tiles/{id}"), "rel": "tiles", "type": "application/json", "title": "vector tiles (TileJSON)"},
        ],
    })
}

/// `GET /collections`.
pub async fn collections(
    State(state): State<AppState>,
    headers: HeaderMap,
    q: Result<Query<Params>, QueryRejection>,
) -> Result<Response, ApiError> {
    check_format(&params(q)?)?;
    let base = base_url(&headers);
    let p = state.published();
    let mut list: Vec<Json> = CollectionId::ALL
        .iter()
        .map(|&c| collection_json(p, c, &base))
        .collect();
    if state.ledger.is_some() {
        list.push(super::ledger::collection_json(&base));
    }
    json(&json!({
        "links": [
            {"href": format!("{base}/collections"), "rel": "self", "type": "application/json", "title": "collections"},
        ],
        "collections": list,
    }))
}

/// `GET /collections/{collection}`.
pub async fn collection(
    State(state): State<AppState>,
    headers: HeaderMap,
    name: Result<Path<String>, PathRejection>,
    q: Result<Query<Params>, QueryRejection>,
) -> Result<Response, ApiError> {
    check_format(&params(q)?)?;
    let name = path(name)?;
    if name == super::ledger::COLLECTION {
        return super::ledger::collection(&state, &headers);
    }
    let c = collection_id(&name)?;
    json(&collection_json(state.published(), c, &base_url(&headers)))
}

/// A bbox parameter: four numbers `west,south,east,north`, longitudes within ±180, latitudes within ±90,
/// west ≤ east, south ≤ north.
pub fn parse_bbox(s: &str) -> Result<[f64; 4], ApiError> {
    let parts: Vec<&str> = s.split(',').map(str::trim).collect();
    if parts.len() != 4 {
        return Err(ApiError::bad_request(format!(
            "bbox must be four numbers west,south,east,north (got {} value(s))",
            parts.len()
        )));
    }
    let mut b = [0.0; 4];
    for (i, v) in parts.iter().enumerate() {
        b[i] = v
            .parse::<f64>()
            .ok()
            .filter(|x| x.is_finite())
            .ok_or_else(|| ApiError::bad_request(format!("bbox: '{v}' is not a number")))?;
    }
    for lon in [b[0], b[2]] {
        if !(-180.0..=180.0).contains(&lon) {
            return Err(ApiError::bad_request(format!(
                "bbox: longitude {lon} is outside −180…180"
            )));
        }
    }
    for lat in [b[1], b[3]] {
        if !(-90.0..=90.0).contains(&lat) {
            return Err(ApiError::bad_request(format!(
                "bbox: latitude {lat} is outside −90…90"
            )));
        }
    }
    if b[0] > b[2] || b[1] > b[3] {
        return Err(ApiError::bad_request(format!(
            "bbox: west must not exceed east and south must not exceed north (got {},{},{},{})",
            b[0], b[1], b[2], b[3]
        )));
    }
    Ok(b)
}

fn parse_count(p: &Params, name: &str, default: usize) -> Result<usize, ApiError> {
    match param(p, name) {
        None => Ok(default),
        Some(v) => v.trim().parse::<usize>().map_err(|_| {
            ApiError::bad_request(format!("{name} must be a whole number ≥ 0 (got '{v}')"))
        }),
    }
}

/// Normalises one filter value, rejecting values the collection cannot have.
fn filter_value(p: &Published, c: CollectionId, f: Filter, v: &str) -> Result<String, ApiError> {
    let bad = |expected: String| {
        ApiError::bad_request(format!(
            "{}: unknown value '{v}' (expected one of: {expected})",
            f.name()
        ))
    };
    let names = |it: &mut dyn Iterator<Item = &'static str>| it.collect::<Vec<_>>().join(", ");
    match f {
        Filter::Category => {
            if let Ok(cat) = v.parse::<Category>() {
                return Ok(cat.as_str().to_string());
            }
            if c == CollectionId::Findings {
                if let Ok(w) = v.parse::<WaterKind>() {
                    return Ok(w.as_str().to_string());
                }
                let all = Category::ALL
                    .iter()
                    .map(|c| c.as_str())
                    .chain(WaterKind::ALL.iter().map(|w| w.as_str()));
                return Err(bad(names(&mut all.into_iter())));
            }
            Err(bad(names(&mut Category::ALL.iter().map(|c| c.as_str()))))
        }
        Filter::Kind if c == CollectionId::Water => v
            .parse::<WaterKind>()
            .map(|w| w.as_str().to_string())
            .map_err(|_| bad(names(&mut WaterKind::ALL.iter().map(|w| w.as_str())))),
        Filter::Kind => v
            .parse::<SchoolKind>()
            .map(|k| k.as_str().to_string())
            .map_err(|_| bad(names(&mut SchoolKind::ALL.iter().map(|k| k.as_str())))),
        Filter::FeatureType => match v {
            "venue" | "water" => Ok(v.to_string()),
            _ => Err(bad("venue, water".into())),
        },
        Filter::RuleId => {
            if p.rules.rules.iter().any(|r| r.id == v) {
                Ok(v.to_string())
            } else {
                let ids: Vec<&str> = p.rules.rules.iter().map(|r| r.id.as_str()).collect();
                Err(bad(ids.join(", ")))
            }
        }
        Filter::SchoolId | Filter::Township => Ok(v.to_string()),
    }
}

/// The property filters of a query, validated for the collection. A filter that does not apply to the
/// collection is a 400; parameters that are not filters are ignored here.
pub fn parse_filters(p: &Published, c: CollectionId, q: &Params) -> Result<Filters, ApiError> {
    let mut out: Vec<(Filter, Vec<String>)> = Vec::new();
    for (k, v) in q {
        let Some(f) = Filter::parse(k) else {
            continue;
        };
        if !c.filters().contains(&f) {
            let ok: Vec<&str> = c.filters().iter().map(|f| f.name()).collect();
            return Err(ApiError::bad_request(format!(
                "filter '{}' does not apply to collection '{}' (it accepts: {})",
                f.name(),
                c.as_str(),
                ok.join(", ")
            )));
        }
        let mut values = Vec::new();
        for part in v.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            values.push(filter_value(p, c, f, part)?);
        }
        if values.is_empty() {
            return Err(ApiError::bad_request(format!(
                "filter '{}' has no value",
                f.name()
            )));
        }
        match out.iter_mut().find(|(g, _)| *g == f) {
            Some((_, vs)) => vs.extend(values),
            None => out.push((f, values)),
        }
    }
    Ok(Filters(out))
}

fn check_crs(q: &Params) -> Result<(), ApiError> {
    for name in ["bbox-crs", "crs"] {
        if let Some(v) = param(q, name) {
            if v != CRS84 {
                return Err(ApiError::bad_request(format!(
                    "{name}: only {CRS84} is offered (got '{v}')"
                )));
            }
        }
    }
    Ok(())
}

/// A validated items query.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemsQuery {
    pub bbox: Option<[f64; 4]>,
    pub limit: usize,
    pub offset: usize,
    pub filters: Filters,
}

/// Validates an items query: `limit` 1…10 000 (default 100), `offset` ≥ 0, `bbox`, filters, `f`, and
/// `bbox-crs`/`crs` (CRS84 only).
pub fn parse_items_query(
    p: &Published,
    c: CollectionId,
    q: &Params,
) -> Result<ItemsQuery, ApiError> {
    check_format(q)?;
    check_crs(q)?;
    let (limit, offset) = parse_page(q)?;
    let bbox = param(q, "bbox").map(parse_bbox).transpose()?;
    let filters = parse_filters(p, c, q)?;
    Ok(ItemsQuery {
        bbox,
        limit,
        offset,
        filters,
    })
}

/// The query string of a page link: the request's own parameters with `limit` and `offset` replaced.
fn page_query(q: &Params, limit: usize, offset: usize) -> String {
    let mut parts: Vec<String> = q
        .iter()
        .filter(|(k, _)| k != "limit" && k != "offset")
        .map(|(k, v)| format!("{}={}", encode_component(k), encode_component(v)))
        .collect();
    parts.push(format!("limit={limit}"));
    parts.push(format!("offset={offset}"));
    parts.join("&")
}

/// The `self`, `collection`, `next` and `prev` links of one page of `returned` items out of `matched`,
/// starting at `offset`, in collection `id` (titled `title`). The page queries keep the request's other
/// parameters.
#[allow(clippy::too_many_arguments)]
pub(crate) fn page_links(
    base: &str,
    id: &str,
    title: &str,
    raw: &Params,
    limit: usize,
    offset: usize,
    returned: usize,
    matched: usize,
) -> Vec<Json> {
    let href = |offset: usize| {
        format!(
            "{base}/collections/{id}/items?{}",
            page_query(raw, limit, offset)
        )
    };
    let mut links = vec![
        json!({"href": href(offset), "rel": "self", "type": GEOJSON, "title": "this page"}),
        json!({"href": format!("{base}/collections/{id}"), "rel": "collection", "type": "application/json", "title": title}),
    ];
    if offset.saturating_add(returned) < matched {
        links.push(json!({"href": href(offset + returned), "rel": "next", "type": GEOJSON, "title": "next page"}));
    }
    if offset > 0 {
        let prev = offset.saturating_sub(limit).min(matched.saturating_sub(1));
        links.push(
            json!({"href": href(prev), "rel": "prev", "type": GEOJSON, "title": "previous page"}),
        );
    }
    links
}

/// `limit` (1…10 000, default 100) and `offset` (default 0) of an items query.
pub(crate) fn parse_page(q: &Params) -> Result<(usize, usize), ApiError> {
    let limit = parse_count(q, "limit", DEFAULT_LIMIT)?;
    if limit == 0 || limit > MAX_LIMIT {
        return Err(ApiError::bad_request(format!(
            "limit must be between 1 and {MAX_LIMIT} (got {limit})"
        )));
    }
    Ok((limit, parse_count(q, "offset", 0)?))
}

/// Writes one page of items as a GeoJSON FeatureCollection with `numberMatched`, `numberReturned` and
/// `self`/`next`/`prev`/`collection` links.
pub fn items_page(
    p: &Published,
    c: CollectionId,
    query: &ItemsQuery,
    raw: &Params,
    base: &str,
) -> Result<Vec<u8>, ApiError> {
    let selection = p.select(c, query.bbox, &query.filters);
    let matched = selection.len();
    let page = selection.page(query.offset, query.limit);
    let links = page_links(
        base,
        c.as_str(),
        c.title(),
        raw,
        query.limit,
        query.offset,
        page.len(),
        matched,
    );
    let mut out = Vec::with_capacity(256 + page.len() * 256);
    out.extend_from_slice(b"{\"type\":\"FeatureCollection\",\"numberMatched\":");
    out.extend_from_slice(matched.to_string().as_bytes());
    out.extend_from_slice(b",\"numberReturned\":");
    out.extend_from_slice(page.len().to_string().as_bytes());
    out.extend_from_slice(b",\"links\":");
    serde_json::to_writer(&mut out, &links).map_err(ApiError::internal)?;
    out.extend_from_slice(b",\"features\":[");
    for (i, &k) in page.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_feature(&mut out, p, c, k as usize).map_err(ApiError::internal)?;
    }
    out.extend_from_slice(b"]}");
    Ok(out)
}

/// `GET /collections/{collection}/items`.
pub async fn items(
    State(state): State<AppState>,
    headers: HeaderMap,
    name: Result<Path<String>, PathRejection>,
    q: Result<Query<Params>, QueryRejection>,
) -> Result<Response, ApiError> {
    let name = path(name)?;
    if name == super::ledger::COLLECTION {
        return super::ledger::items(state, headers, q).await;
    }
    let c = collection_id(&name)?;
    crate::http::guard_posts::check_access(&state, &headers, &[c])?;
    let raw = params(q)?;
    let query = parse_items_query(state.published(), c, &raw)?;
    let base = base_url(&headers);
    let body = blocking(move || items_page(state.published(), c, &query, &raw, &base)).await?;
    Ok(respond(body, GEOJSON))
}

/// `GET /collections/{collection}/items/{item}`.
pub async fn item(
    State(state): State<AppState>,
    headers: HeaderMap,
    names: Result<Path<(String, String)>, PathRejection>,
    q: Result<Query<Params>, QueryRejection>,
) -> Result<Response, ApiError> {
    check_format(&params(q)?)?;
    let (name, item) = path(names)?;
    if name == super::ledger::COLLECTION {
        return super::ledger::item(state, headers, item).await;
    }
    let c = collection_id(&name)?;
    crate::http::guard_posts::check_access(&state, &headers, &[c])?;
    let p = state.published();
    let k = p.find(c, &item).ok_or_else(|| {
        ApiError::not_found(format!("no item '{item}' in collection '{}'", c.as_str()))
    })?;
    let base = base_url(&headers);
    let mut out = Vec::new();
    write_feature(&mut out, p, c, k as usize).map_err(ApiError::internal)?;
    out.pop();
    let links = json!([
        {"href": format!("{base}/collections/{}/items/{}", c.as_str(), encode_component(&item)), "rel": "self", "type": GEOJSON},
        {"href": format!("{base}/collections/{}", c.as_str()), "rel": "collection", "type": "application/json"},
    ]);
    out.extend_from_slice(b",\"links\":");
    serde_json::to_writer(&mut out, &links).map_err(ApiError::internal)?;
    out.push(b'}');
    Ok(respond(out, GEOJSON))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bboxes() {
        assert_eq!(
            parse_bbox("112,33.2, 112.9,33.8").unwrap(),
            [112.0, 33.2, 112.9, 33.8]
        );
        assert_eq!(
            parse_bbox("-180,-90,180,90").unwrap(),
            [-180.0, -90.0, 180.0, 90.0]
        );
        for bad in [
            "1,2,3",
            "1,2,3,4,5,6",
            "a,2,3,4",
            "181,0,182,1",
            "0,-91,1,0",
            "2,0,1,1",
            "0,2,1,1",
            "NaN,0,1,1",
            "inf,0,1,1",
        ] {
            let e = parse_bbox(bad).unwrap_err();
            assert_eq!(e.code(), "bad_request", "{bad}");
        }
        assert_eq!(
            parse_bbox("0,-91,1,0").unwrap_err().public_message(),
            "bbox: latitude -91 is outside −90…90"
        );
    }

    #[test]
    fn page_links_keep_the_query() {
        let q: Params = vec![
            ("bbox".into(), "1,2,3,4".into()),
            ("limit".into(), "5".into()),
            ("township".into(), "城关镇".into()),
        ];
        assert_eq!(
            page_query(&q, 5, 10),
            "bbox=1%2C2%2C3%2C4&township=%E5%9F%8E%E5%85%B3%E9%95%87&limit=5&offset=10"
        );
    }
}
