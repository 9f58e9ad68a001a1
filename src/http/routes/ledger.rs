//! The ledger over HTTP: problems (also the OGC API collection `ledger-problems`), one problem with its
//! audit trail, changes (`PATCH` with `If-Match`), diffs between scans, overdue rectifications,
//! summaries, exports, and recording the served findings as a scan (`POST /ledger/scans`). Every route needs a token (`Authorization: Bearer …`) whose role may read the
//! ledger; changes need a role that may edit the problem's feature type ([`crate::ledger::Role`]).

use axum::body::Bytes;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::Response;
use serde_json::json;

use super::{base_url, blocking, json, param, params, path, respond, Params};
use crate::http::auth::identify;
use crate::http::error::ApiError;
use crate::http::state::LedgerHandle;
use crate::http::AppState;
use crate::ledger::time::{parse_date, today};
use crate::ledger::{self, Change, Identity, Ledger, LedgerError, ProblemFilter, Status};

/// The OGC API collection id of the problem list.
pub const COLLECTION: &str = "ledger-problems";
/// Its title.
const TITLE: &str = "问题隐患清单 (ledger problems)";

const GEOJSON: &str = "application/geo+json";

/// The ledger and the caller, who must be allowed to read it.
fn reader(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<(std::sync::Arc<LedgerHandle>, Identity), ApiError> {
    let who = identify(state, headers)?;
    if !who.role.may_read_ledger() {
        return Err(ApiError::Forbidden(format!(
            "role '{}' may read public layers only, not the ledger",
            who.role.as_str()
        )));
    }
    let l = state
        .ledger
        .clone()
        .ok_or_else(|| ApiError::not_found("no ledger: the server was started without --ledger"))?;
    Ok((l, who))
}

/// Runs `f` on the store in a blocking thread; its error (the ledger's own, or already an API error)
/// becomes the API's.
async fn with_store<T: Send + 'static, E: Into<ApiError>>(
    l: std::sync::Arc<LedgerHandle>,
    f: impl FnOnce(&mut Ledger) -> Result<T, E> + Send + 'static,
) -> Result<T, ApiError> {
    blocking(move || {
        let mut store = l
            .store
            .lock()
            .map_err(|_| ApiError::internal("the ledger lock is poisoned"))?;
        f(&mut store).map_err(Into::into)
    })
    .await
}

fn bool_param(p: &Params, name: &str) -> Result<Option<bool>, ApiError> {
    match param(p, name) {
        None => Ok(None),
        Some("true") | Some("1") => Ok(Some(true)),
        Some("false") | Some("0") => Ok(Some(false)),
        Some(v) => Err(ApiError::bad_request(format!("{name}={v}: true or false"))),
    }
}

fn int_param(p: &Params, name: &str) -> Result<Option<i64>, ApiError> {
    param(p, name)
        .map(|v| {
            v.parse::<i64>()
                .map_err(|_| ApiError::bad_request(format!("{name}={v}: an integer")))
        })
        .transpose()
}

/// The problem filters of a query: `status`, `township`, `unit`, `type`, `overdue`, `gone`.
fn filter(p: &Params) -> Result<ProblemFilter, ApiError> {
    let status = param(p, "status")
        .map(|s| s.parse::<Status>())
        .transpose()
        .map_err(|e| ApiError::bad_request(e.to_string()))?;
    let feature_type = param(p, "type").map(str::to_string);
    if let Some(t) = feature_type
        .as_deref()
        .filter(|t| !["venue", "water"].contains(t))
    {
        return Err(ApiError::bad_request(format!("type={t}: venue or water")));
    }
    Ok(ProblemFilter {
        status,
        township: param(p, "township").map(str::to_string),
        unit: param(p, "unit").map(str::to_string),
        feature_type,
        overdue: bool_param(p, "overdue")?.unwrap_or(false),
        gone: bool_param(p, "gone")?,
    })
}

fn etag(version: i64) -> HeaderValue {
    HeaderValue::from_str(&format!("\"{version}\"")).unwrap_or(HeaderValue::from_static("\"0\""))
}

/// The version an `If-Match` header names (`"3"`, `3` or `W/"3"`); 428 when missing, 400 when malformed.
fn if_match(headers: &HeaderMap) -> Result<i64, ApiError> {
    let v = headers.get(header::IF_MATCH).ok_or_else(|| {
        ApiError::PreconditionRequired(
            "a change needs If-Match with the problem's version (its ETag), so that concurrent changes are not lost".into(),
        )
    })?;
    v.to_str()
        .ok()
        .map(|s| s.trim().trim_start_matches("W/").trim_matches('"'))
        .and_then(|s| s.parse::<i64>().ok())
        .ok_or_else(|| ApiError::bad_request("If-Match must be the problem's ETag, e.g. \"3\""))
}

/// `GET /ledger/problems`: the problems as GeoJSON (`f=json`: a plain JSON array).
pub async fn problems(
    State(state): State<AppState>,
    headers: HeaderMap,
    q: Result<Query<Params>, QueryRejection>,
) -> Result<Response, ApiError> {
    let (l, _) = reader(&state, &headers)?;
    let q = params(q)?;
    let f = filter(&q)?;
    let plain = match param(&q, "f") {
        None | Some("geojson") => false,
        Some("json") => true,
        Some(other) => return Err(ApiError::bad_request(format!("f={other}: json or geojson"))),
    };
    let list = with_store(l, move |s| s.problems(&f, today())).await?;
    if plain {
        json(&list)
    } else {
        let body =
            serde_json::to_vec(&ledger::export::geojson(&list)).map_err(ApiError::internal)?;
        Ok(respond(body, GEOJSON))
    }
}

/// `GET /ledger/problems/{id}`: a problem and its audit trail, with its version as ETag.
pub async fn problem(
    State(state): State<AppState>,
    headers: HeaderMap,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Response, ApiError> {
    let (l, _) = reader(&state, &headers)?;
    let id = path(id)?;
    let (p, audit) = with_store(l, move |s| {
        let p = s.problem(id, today())?;
        Ok::<_, LedgerError>((p, s.audit(id)?))
    })
    .await?;
    let mut r = json(&json!({"problem": p, "audit": audit}))?;
    r.headers_mut().insert(header::ETAG, etag(p.version));
    Ok(r)
}

/// `PATCH /ledger/problems/{id}`: a JSON [`Change`] (`status`, `note`, `unit`, `measure`, `deadline`,
/// `supervised`), applied as a whole or not at all, with `If-Match: "VERSION"`.
pub async fn patch(
    State(state): State<AppState>,
    headers: HeaderMap,
    id: Result<Path<i64>, PathRejection>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let (l, who) = reader(&state, &headers)?;
    if !who.role.may_edit_some() {
        return Err(ApiError::Forbidden(format!(
            "role '{}' may not change the ledger",
            who.role.as_str()
        )));
    }
    let id = path(id)?;
    let change: Change =
        serde_json::from_slice(&body).map_err(|e| ApiError::bad_request(format!("body: {e}")))?;
    let expected = if_match(&headers)?;
    let p = with_store(l, move |s| {
        let current = s.problem(id, today())?;
        if !who.role.may_edit(&current.feature_type) {
            return Err(ApiError::Forbidden(format!(
                "role '{}' may not change {} problems",
                who.role.as_str(),
                current.feature_type
            )));
        }
        Ok(s.change(id, Some(expected), &change, &who.name)?)
    })
    .await?;
    let mut r = json(&p)?;
    r.headers_mut().insert(header::ETAG, etag(p.version));
    Ok(r)
}

/// `GET /ledger/diff?from=&to=`: problem ids new, persisting and gone between two scans (default: the
/// last two).
pub async fn diff(
    State(state): State<AppState>,
    headers: HeaderMap,
    q: Result<Query<Params>, QueryRejection>,
) -> Result<Response, ApiError> {
    let (l, _) = reader(&state, &headers)?;
    let q = params(q)?;
    let (from, to) = (int_param(&q, "from")?, int_param(&q, "to")?);
    let d = with_store(l, move |s| s.diff(from, to)).await?;
    json(&d)
}

/// `GET /ledger/overdue`: pending rectifications past their deadline.
pub async fn overdue(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let (l, _) = reader(&state, &headers)?;
    let f = ProblemFilter {
        overdue: true,
        ..ProblemFilter::default()
    };
    let list = with_store(l, move |s| s.problems(&f, today())).await?;
    json(&list)
}

/// `GET /ledger/summary?since=YYYY-MM-DD`: per township and responsible unit, open, overdue and closed
/// since the phase's start.
pub async fn summary(
    State(state): State<AppState>,
    headers: HeaderMap,
    q: Result<Query<Params>, QueryRejection>,
) -> Result<Response, ApiError> {
    let (l, _) = reader(&state, &headers)?;
    let q = params(q)?;
    let since = param(&q, "since").map(str::to_string);
    if let Some(s) = since.as_deref().filter(|s| parse_date(s).is_none()) {
        return Err(ApiError::bad_request(format!(
            "since={s}: a date written YYYY-MM-DD"
        )));
    }
    let (towns, units) = with_store(l, move |s| s.summary(today(), since.as_deref())).await?;
    json(&json!({"townships": towns, "units": units}))
}

/// `GET /ledger/scans`: the recorded scans with their inputs' checksums.
pub async fn scans(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let (l, _) = reader(&state, &headers)?;
    let list = with_store(l, |s| s.scans()).await?;
    json(&list)
}

/// `POST /ledger/scans`: records the served findings (the scan made at start-up of the served inputs) as
/// a scan of the ledger — analysts and admins only. Answers 201 with what changed.
pub async fn record_scan(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let (l, who) = reader(&state, &headers)?;
    if !who.role.may_record_scans() {
        return Err(ApiError::Forbidden(format!(
            "role '{}' may not run scans",
            who.role.as_str()
        )));
    }
    let data = state.data.clone();
    let inputs = l.inputs.clone();
    let outcome = with_store(l, move |s| {
        let p = &data.published;
        let obs = ledger::observations(&p.dataset, &p.rules, &p.findings);
        s.record_scan(&p.rules.id, &inputs, &obs)
    })
    .await?;
    let mut r = json(&outcome)?;
    *r.status_mut() = axum::http::StatusCode::CREATED;
    Ok(r)
}

/// `GET /ledger/whoami`: the caller's name and role.
pub async fn whoami(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let who = identify(&state, &headers)?;
    json(&json!({"name": who.name, "role": who.role.as_str()}))
}

/// `GET /ledger/export?format=csv|xlsx|geojson`.
pub async fn export(
    State(state): State<AppState>,
    headers: HeaderMap,
    q: Result<Query<Params>, QueryRejection>,
) -> Result<Response, ApiError> {
    let (l, _) = reader(&state, &headers)?;
    let q = params(q)?;
    let format = param(&q, "format").unwrap_or("").to_string();
    let (ct, name): (&'static str, &str) = match format.as_str() {
        "csv" => ("text/csv; charset=utf-8", "ledger.csv"),
        "xlsx" => (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "ledger.xlsx",
        ),
        "geojson" => (GEOJSON, "ledger.geojson"),
        other => {
            return Err(ApiError::bad_request(format!(
                "format={other}: csv, xlsx or geojson"
            )))
        }
    };
    let bytes = with_store(l, move |s| {
        let list = s.problems(&ProblemFilter::default(), today())?;
        match format.as_str() {
            "csv" => {
                let mut v = Vec::new();
                ledger::export::write_csv(&mut v, &list).map_err(ApiError::internal)?;
                Ok(v)
            }
            "xlsx" => {
                let audit = s.audit_all()?;
                ledger::export::xlsx(&list, &audit).map_err(ApiError::internal)
            }
            _ => serde_json::to_vec(&ledger::export::geojson(&list)).map_err(ApiError::internal),
        }
    })
    .await?;
    let mut r = respond(bytes, ct);
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        r.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(r)
}

/// The `ledger-problems` collection's description (listed in `/collections` when a ledger is served).
pub fn collection_json(base: &str) -> serde_json::Value {
    json!({
        "id": COLLECTION,
        "title": TITLE,
        "description": "Problems on the ledger, drawn at the feature, with their status (needs a token)",
        "itemType": "feature",
        "crs": ["http://www.opengis.net/def/crs/OGC/1.3/CRS84"],
        "links": [
            {"href": format!("{base}/collections/{COLLECTION}"), "rel": "self", "type": "application/json"},
            {"href": format!("{base}/collections/{COLLECTION}/items"), "rel": "items", "type": GEOJSON},
        ],
    })
}

/// `GET /collections/ledger-problems`.
pub fn collection(state: &AppState, headers: &HeaderMap) -> Result<Response, ApiError> {
    state
        .ledger
        .as_ref()
        .ok_or_else(|| ApiError::not_found("no ledger: the server was started without --ledger"))?;
    json(&collection_json(&base_url(headers)))
}

/// `GET /collections/ledger-problems/items`: the same as `/ledger/problems` (all problems; filters as
/// there).
///
/// An OGC API page: the filters of `/ledger/problems`, `bbox` (on the problem's point), `limit` (1…10 000,
/// default 100) and `offset`, with `numberMatched`, `numberReturned` and `self`/`next`/`prev` links.
pub async fn items(
    state: AppState,
    headers: HeaderMap,
    q: Result<Query<Params>, QueryRejection>,
) -> Result<Response, ApiError> {
    use super::features::{page_links, parse_bbox, parse_page};
    let (l, _) = reader(&state, &headers)?;
    let q = params(q)?;
    let f = filter(&q)?;
    if let Some(other) = param(&q, "f").filter(|f| *f != "geojson" && *f != "json") {
        return Err(ApiError::bad_request(format!("f={other}: json or geojson")));
    }
    let (limit, offset) = parse_page(&q)?;
    let bbox = param(&q, "bbox").map(parse_bbox).transpose()?;
    let list = with_store(l, move |s| s.problems(&f, today())).await?;
    let inside = |p: &ledger::Problem| {
        bbox.is_none_or(|b| p.lon >= b[0] && p.lon <= b[2] && p.lat >= b[1] && p.lat <= b[3])
    };
    let matched: Vec<ledger::Problem> = list.into_iter().filter(inside).collect();
    let total = matched.len();
    let page: Vec<ledger::Problem> = matched.into_iter().skip(offset).take(limit).collect();
    let links = page_links(
        &base_url(&headers),
        COLLECTION,
        TITLE,
        &q,
        limit,
        offset,
        page.len(),
        total,
    );
    let mut fc = ledger::export::geojson(&page);
    fc["numberMatched"] = json!(total);
    fc["numberReturned"] = json!(page.len());
    fc["links"] = json!(links);
    let body = serde_json::to_vec(&fc).map_err(ApiError::internal)?;
    Ok(respond(body, GEOJSON))
}

/// `GET /collections/ledger-problems/items/{id}`: one problem as a GeoJSON Feature, its version as ETag.
pub async fn item(state: AppState, headers: HeaderMap, item: String) -> Result<Response, ApiError> {
    let (l, _) = reader(&state, &headers)?;
    let id: i64 = item.parse().map_err(|_| {
        ApiError::not_found(format!("no item '{item}' in collection '{COLLECTION}'"))
    })?;
    let p = with_store(l, move |s| s.problem(id, today())).await?;
    let version = p.version;
    let fc = ledger::export::geojson(std::slice::from_ref(&p));
    let body = serde_json::to_vec(&fc["features"][0]).map_err(ApiError::internal)?;
    let mut r = respond(body, GEOJSON);
    r.headers_mut().insert(header::ETAG, etag(version));
    Ok(r)
}
