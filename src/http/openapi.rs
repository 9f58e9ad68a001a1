//! The OpenAPI 3.0 document of every endpoint (`GET /api`), written by hand.

use serde_json::{json, Value};

use super::collections::{CollectionId, Filter};
use super::routes::check::MAX_BATCH;
use super::routes::features::{DEFAULT_LIMIT, MAX_LIMIT};
use crate::model::Category;
use crate::tiles::MAX_ZOOM;

/// The content type of the document.
pub const CONTENT_TYPE: &str = "application/vnd.oai.openapi+json;version=3.0";

fn error_response(description: &str) -> Value {
    json!({"description": description, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}})
}

fn json_response(description: &str, schema: Value) -> Value {
    json!({"description": description, "content": {"application/json": {"schema": schema}}})
}

fn filter_description(f: Filter) -> &'static str {
    match f {
        Filter::Category => "Venue category (venues), or venue category / water kind (findings). Comma-separated values match any.",
        Filter::SchoolId => "School id. Comma-separated values match any.",
        Filter::Township => "Township (乡镇/街道) of the school. Comma-separated values match any.",
        Filter::RuleId => "Rule id (findings). Comma-separated values match any.",
        Filter::Kind => "School kind (schools, findings, buffers) or water kind (water). Comma-separated values match any.",
        Filter::FeatureType => "venue or water (findings).",
    }
}

/// The ledger's routes (all need a bearer token; see `routes::ledger`).
fn ledger_paths() -> Value {
    let secured = json!([{"bearer": []}]);
    let auth = |mut responses: Value| {
        responses["401"] = error_response("no token, or an unknown one");
        responses["403"] = error_response("the token's role may not do this");
        responses
    };
    let id = json!({"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}});
    let filters: Vec<Value> = [
        ("status", "open, rectifying, rectified, verified or disputed"),
        ("township", "township of the school"),
        ("unit", "responsible unit"),
        ("type", "venue or water"),
        ("overdue", "true: only pending rectifications past their deadline"),
        ("gone", "true: only problems the latest scan did not find (proposed for verification)"),
        ("f", "geojson (default) or json (a plain list)"),
    ]
    .iter()
    .map(|(n, d)| json!({"name": n, "in": "query", "required": false, "description": d, "schema": {"type": "string"}}))
    .collect();
    json!({
        "/ledger/problems": {"get": {
            "summary": "Problems on the ledger (问题隐患清单)", "operationId": "getLedgerProblems", "security": secured,
            "parameters": filters,
            "responses": auth(json!({"200": {"description": "GeoJSON points with every field as properties", "content": {"application/geo+json": {"schema": {"type": "object"}}}}, "400": error_response("bad filter")})),
        }},
        "/ledger/problems/{id}": {
            "get": {
                "summary": "One problem and its audit trail", "operationId": "getLedgerProblem", "security": secured,
                "parameters": [id],
                "responses": auth(json!({"200": json_response("{problem, audit}; the version is the ETag", json!({"type": "object"})), "404": error_response("no such problem")})),
            },
            "patch": {
                "summary": "Assign, escalate or move a problem to the next status", "operationId": "patchLedgerProblem", "security": secured,
                "description": "Applied whole or not at all; one audit entry per changed field, with the token's name. Regulators change venue problems, police water problems, admins any.",
                "parameters": [id, {"name": "If-Match", "in": "header", "required": true, "description": "the problem's ETag (its version), e.g. \"3\"", "schema": {"type": "string"}}],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "additionalProperties": false, "properties": {
                    "status": {"type": "string", "enum": ["open", "rectifying", "rectified", "verified", "disputed"]},
                    "note": {"type": "string", "maxLength": 2000}, "unit": {"type": "string", "maxLength": 100},
                    "measure": {"type": "string", "maxLength": 2000}, "deadline": {"type": "string", "format": "date"},
                    "supervised": {"type": "boolean"},
                }}}}},
                "responses": auth(json!({
                    "200": json_response("the changed problem; its new version is the ETag", json!({"type": "object"})),
                    "400": error_response("unknown status, bad deadline, note too long, unknown field, malformed JSON or If-Match"),
                    "404": error_response("no such problem"),
                    "409": error_response("the workflow does not allow this step"),
                    "412": error_response("If-Match names a version that is no longer current"),
                    "413": error_response("body above the limit"),
                    "428": error_response("If-Match missing"),
                })),
            },
        },
        "/ledger/diff": {"get": {
            "summary": "Problems new, persisting and gone between two scans", "operationId": "getLedgerDiff", "security": secured,
            "parameters": [
                {"name": "from", "in": "query", "required": false, "schema": {"type": "integer"}},
                {"name": "to", "in": "query", "required": false, "schema": {"type": "integer"}},
            ],
            "responses": auth(json!({"200": json_response("{from, to, new, persisting, gone} (problem ids)", json!({"type": "object"})), "404": error_response("no such scan")})),
        }},
        "/ledger/overdue": {"get": {"summary": "Overdue rectifications", "operationId": "getLedgerOverdue", "security": secured, "responses": auth(json!({"200": json_response("problems", json!({"type": "array"}))}))}},
        "/ledger/summary": {"get": {"summary": "Open, overdue and closed per township and unit", "operationId": "getLedgerSummary", "security": secured,
            "parameters": [{"name": "since", "in": "query", "required": false, "description": "start of the phase, YYYY-MM-DD", "schema": {"type": "string", "format": "date"}}],
            "responses": auth(json!({"200": json_response("{townships, units}", json!({"type": "object"}))}))}},
        "/ledger/scans": {
            "get": {"summary": "Recorded scans with input checksums", "operationId": "getLedgerScans", "security": secured, "responses": auth(json!({"200": json_response("scans", json!({"type": "array"}))}))},
            "post": {"summary": "Record the served findings as the next scan (analyst, admin)", "operationId": "postLedgerScan", "security": secured, "responses": auth(json!({"201": json_response("{scan, new, persisting, gone, reopened}", json!({"type": "object"}))}))},
        },
        "/ledger/whoami": {"get": {"summary": "The token's name and role", "operationId": "getLedgerWhoami", "security": secured, "responses": auth(json!({"200": json_response("{name, role}", json!({"type": "object"}))}))}},
        "/ledger/export": {"get": {"summary": "The lists as CSV, XLSX or GeoJSON", "operationId": "getLedgerExport", "security": secured,
            "parameters": [{"name": "format", "in": "query", "required": true, "schema": {"type": "string", "enum": ["csv", "xlsx", "geojson"]}}],
            "responses": auth(json!({"200": {"description": "the file (attachment)"}, "400": error_response("unknown format")}))}},
    })
}

/// The document; `base` is the server's URL (`http://host:port`).
pub fn document(base: &str) -> Value {
    let mut doc = document_core(base);
    if let (Some(paths), Value::Object(ledger)) = (doc["paths"].as_object_mut(), ledger_paths()) {
        paths.extend(ledger);
    }
    doc["components"]["securitySchemes"] = json!({"bearer": {"type": "http", "scheme": "bearer", "description": "API token (see README: roles)"}});
    doc
}

fn document_core(base: &str) -> Value {
    let collections: Vec<&str> = CollectionId::ALL.iter().map(|c| c.as_str()).collect();
    let categories: Vec<&str> = Category::ALL.iter().map(|c| c.as_str()).collect();
    let mut filter_params: Vec<Value> = Filter::ALL
        .iter()
        .map(|&f| {
            let applies: Vec<&str> = CollectionId::ALL.iter().filter(|c| c.filters().contains(&f)).map(|c| c.as_str()).collect();
            json!({
                "name": f.name(), "in": "query", "required": false, "style": "form", "explode": false,
                "description": format!("{} Applies to: {}; elsewhere 400.", filter_description(f), applies.join(", ")),
                "schema": {"type": "array", "items": {"type": "string"}},
            })
        })
        .collect();
    let mut items_params = vec![
        json!({"$ref": "#/components/parameters/collectionId"}),
        json!({
            "name": "bbox", "in": "query", "required": false, "style": "form", "explode": false,
            "description": "west,south,east,north in WGS84 degrees (longitudes within ±180, latitudes within ±90, west ≤ east, south ≤ north). An item matches when the bounding box of its geometry intersects this box, edges included.",
            "schema": {"type": "array", "minItems": 4, "maxItems": 4, "items": {"type": "number"}},
        }),
        json!({
            "name": "limit", "in": "query", "required": false, "style": "form", "explode": false,
            "description": format!("Items per page, 1…{MAX_LIMIT} (above: 400)."),
            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
        }),
        json!({
            "name": "offset", "in": "query", "required": false,
            "description": "Items to skip (the `next` link carries it).",
            "schema": {"type": "integer", "minimum": 0, "default": 0},
        }),
        json!({"$ref": "#/components/parameters/f"}),
    ];
    items_params.append(&mut filter_params);
    let tile_params = json!([
        {"$ref": "#/components/parameters/layers"},
        {"name": "z", "in": "path", "required": true, "schema": {"type": "integer", "minimum": 0, "maximum": MAX_ZOOM}},
        {"name": "x", "in": "path", "required": true, "description": "0 ≤ x < 2^z", "schema": {"type": "integer", "minimum": 0}},
        {"name": "y", "in": "path", "required": true, "description": "0 ≤ y < 2^z (XYZ scheme; may end in .mvt or .pbf)", "schema": {"type": "string"}},
    ]);
    let site_check = json!({"$ref": "#/components/schemas/SiteCheck"});
    let posts_request = json!({"type": "object", "additionalProperties": false, "properties": {
        "model": {"type": "string", "enum": ["lscp", "mclp"], "default": "lscp"},
        "radius_m": {"type": "number", "exclusiveMinimum": 0, "maximum": 5000, "default": 300},
        "p": {"type": "integer", "minimum": 0, "description": "number of posts (mclp; fixed posts included)"},
        "solver": {"type": "string", "enum": ["exact", "heuristic"], "default": "exact"},
        "boundary_every_m": {"type": "number", "minimum": 10},
        "gate_candidates": {"type": "boolean", "default": true},
        "capacity": {"type": "integer", "minimum": 1, "description": "at most this many schools per responsible post"},
        "candidates": {"type": "array", "maxItems": 10000, "items": {"type": "object", "required": ["lon", "lat"], "properties": {
            "lon": {"type": "number"}, "lat": {"type": "number"}, "crs": {"type": "string", "default": "wgs84"},
            "id": {"type": "string"}, "name": {"type": "string"}, "fixed": {"type": "boolean", "default": false}}}},
    }});
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "perimeter",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "The 200-metre perimeter around schools (校园周边200米): OGC API – Features (Part 1 Core) over schools, venues, water bodies, findings and school zones; vector tiles; pre-licence site checks; per-school reports. Coordinates are WGS84 longitude/latitude (CRS84).",
            "license": {"name": "MIT OR Apache-2.0"},
        },
        "servers": [{"url": base}],
        "paths": {
            "/": {"get": {
                "summary": "Landing page", "operationId": "getLandingPage",
                "description": "Links to the API definition (service-desc), conformance and data. A request accepting text/html without f is redirected (303) to the web map when it is built.",
                "parameters": [{"$ref": "#/components/parameters/f"}],
                "responses": {"200": json_response("links", json!({"type": "object"})), "303": {"description": "to /map/"}, "400": error_response("bad f")},
            }},
            "/conformance": {"get": {
                "summary": "Conformance classes", "operationId": "getConformanceDeclaration",
                "parameters": [{"$ref": "#/components/parameters/f"}],
                "responses": {"200": json_response("conformsTo", json!({"type": "object", "properties": {"conformsTo": {"type": "array", "items": {"type": "string"}}}}))},
            }},
            "/api": {"get": {
                "summary": "This document", "operationId": "getApi",
                "responses": {"200": {"description": "OpenAPI 3.0", "content": {CONTENT_TYPE: {"schema": {"type": "object"}}}}},
            }},
            "/collections": {"get": {
                "summary": "The feature collections", "operationId": "getCollections",
                "parameters": [{"$ref": "#/components/parameters/f"}],
                "responses": {"200": json_response("collections and links", json!({"type": "object"}))},
            }},
            "/collections/{collectionId}": {"get": {
                "summary": "One collection's description", "operationId": "describeCollection",
                "parameters": [{"$ref": "#/components/parameters/collectionId"}, {"$ref": "#/components/parameters/f"}],
                "responses": {"200": json_response("the collection", json!({"type": "object"})), "404": error_response("no such collection")},
            }},
            "/collections/{collectionId}/items": {"get": {
                "summary": "Items of a collection, a page at a time", "operationId": "getFeatures",
                "description": "A GeoJSON FeatureCollection with numberMatched, numberReturned and links self, collection, next (when more items match) and prev (when offset > 0). Items are in input order (findings: by school, venues before water, nearest first).",
                "parameters": items_params,
                "responses": {
                    "200": {"description": "GeoJSON FeatureCollection", "content": {"application/geo+json": {"schema": {"type": "object"}}}},
                    "400": error_response("bad bbox, limit, offset, filter or f"),
                    "404": error_response("no such collection"),
                },
            }},
            "/collections/{collectionId}/items/{featureId}": {"get": {
                "summary": "One item", "operationId": "getFeature",
                "description": "Ids: schools, venues and water as in the input (a repeated id gets ~2, ~3 …); findings school_id:feature_id:rule_id; buffers the school's id; posts P001, P002 …; post_links post:school_id:gate (post:school_id for a school without gates).",
                "parameters": [
                    {"$ref": "#/components/parameters/collectionId"},
                    {"name": "featureId", "in": "path", "required": true, "schema": {"type": "string"}},
                    {"$ref": "#/components/parameters/f"},
                ],
                "responses": {
                    "200": {"description": "GeoJSON Feature", "content": {"application/geo+json": {"schema": {"type": "object"}}}},
                    "404": error_response("no such collection or item"),
                },
            }},
            "/tiles/{layers}": {"get": {
                "summary": "TileJSON 3.0.0 of one or more layers", "operationId": "getTileJson",
                "parameters": [{"$ref": "#/components/parameters/layers"}],
                "responses": {"200": json_response("TileJSON", json!({"type": "object"})), "404": error_response("unknown layer")},
            }},
            "/tiles/{layers}/{z}/{x}/{y}": {"get": {
                "summary": "A vector tile (Mapbox Vector Tile 2.1, extent 4096)", "operationId": "getTile",
                "description": "One MVT layer per requested collection. Gzip-compressed when the request accepts gzip. Features are thinned and simplified at low zooms (see README).",
                "parameters": tile_params,
                "responses": {
                    "200": {"description": "the tile", "content": {"application/vnd.mapbox-vector-tile": {"schema": {"type": "string", "format": "binary"}}}},
                    "204": {"description": "nothing to draw in this tile"},
                    "400": error_response("z above the maximum or x/y out of range"),
                    "404": error_response("unknown layer"),
                },
            }},
            "/check": {
                "get": {
                    "summary": "Pre-licence site check", "operationId": "checkSite",
                    "description": "May a venue of this category open here? The same answer as `perimeter check --json`.",
                    "parameters": [
                        {"name": "lon", "in": "query", "required": true, "schema": {"type": "number"}, "description": "longitude (or easting) in crs"},
                        {"name": "lat", "in": "query", "required": true, "schema": {"type": "number"}, "description": "latitude (or northing) in crs"},
                        {"name": "crs", "in": "query", "required": false, "schema": {"type": "string", "default": "wgs84"}, "description": "wgs84, cgcs2000, gcj02, bd09, EPSG:n or a PROJ string"},
                        {"name": "category", "in": "query", "required": true, "schema": {"type": "string", "enum": categories}},
                    ],
                    "responses": {"200": json_response("the answer", site_check.clone()), "400": error_response("missing or bad parameter")},
                },
                "post": {
                    "summary": "Site checks in a batch", "operationId": "checkSites",
                    "description": format!("A JSON list of at most {MAX_BATCH} sites; the answers in the same order. Body limit 1 MiB."),
                    "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "array", "maxItems": MAX_BATCH, "items": {"$ref": "#/components/schemas/SiteRequest"}}}}},
                    "responses": {
                        "200": json_response("the answers", json!({"type": "array", "items": site_check})),
                        "400": error_response("malformed JSON, a bad site (named by its 0-based position) or too many sites"),
                        "413": error_response("body larger than the limit"),
                    },
                },
            },
            "/posts/plan": {"post": {
                "summary": "Guard-post plan (护学岗)", "operationId": "planPosts",
                "description": "LSCP (fewest posts covering every gate within radius_m) or MCLP (p posts covering the most pupils) over the served schools' gates, solved exactly per component (branch and bound, node budget 200 000 per component) or by greedy + local search; every school gets a responsible post and officer, and posts share officers when their arrival/departure windows allow. Answer: plan (as plan.json: objective, bound, gap, proven_optimal, infeasible_gates …), posts (GeoJSON as posts.geojson), assignment, roster.",
                "security": [{"bearer": []}],
                "requestBody": {"required": true, "content": {"application/json": {"schema": posts_request}}},
                "responses": {
                    "200": json_response("the plan", json!({"type": "object", "properties": {"plan": {"type": "object"}, "posts": {"type": "object"}, "assignment": {"type": "array"}, "roster": {"type": "array"}}})),
                    "400": error_response("malformed JSON or a bad parameter (named)"),
                    "401": error_response("no token, or an unknown one"),
                    "403": error_response("the token's role may not see guard-post plans (police, analyst and admin may)"),
                    "413": error_response("body larger than the limit"),
                },
            }},
            "/schools/{schoolId}/report": {"get": {
                "summary": "One school's report", "operationId": "getSchoolReport",
                "description": "The school (kind, township, gates, zone distance), the rule set, counts and every finding with distance, method, legal basis and measured line.",
                "parameters": [{"name": "schoolId", "in": "path", "required": true, "schema": {"type": "string"}}],
                "responses": {"200": json_response("the report", json!({"type": "object"})), "404": error_response("no such school")},
            }},
            "/health": {"get": {
                "summary": "Liveness and what is served", "operationId": "getHealth",
                "responses": {"200": json_response("status, version, rules and counts", json!({"type": "object"}))},
            }},
            "/metrics": {"get": {
                "summary": "Prometheus metrics", "operationId": "getMetrics",
                "responses": {"200": {"description": "text exposition format 0.0.4", "content": {"text/plain": {"schema": {"type": "string"}}}}},
            }},
        },
        "components": {
            "parameters": {
                "collectionId": {"name": "collectionId", "in": "path", "required": true, "description": "posts and post_links are the guard-post plan made at start-up (LSCP, 300 m unless `perimeter serve --posts-*` says otherwise; empty with --no-posts)", "schema": {"type": "string", "enum": collections}},
                "layers": {"name": "layers", "in": "path", "required": true, "description": format!("one layer or a comma-separated list of: {}", collections.join(", ")), "schema": {"type": "string"}},
                "f": {"name": "f", "in": "query", "required": false, "description": "only json (the default) is offered", "schema": {"type": "string", "enum": ["json"]}},
            },
            "schemas": {
                "Error": {"type": "object", "required": ["code", "message"], "properties": {
                    "code": {"type": "string", "enum": ["bad_request", "unauthorized", "forbidden", "not_found", "method_not_allowed", "not_acceptable", "conflict", "precondition_failed", "payload_too_large", "precondition_required", "timeout", "internal"]},
                    "message": {"type": "string"},
                }},
                "SiteRequest": {"type": "object", "required": ["lon", "lat", "category"], "additionalProperties": false, "properties": {
                    "lon": {"type": "number"}, "lat": {"type": "number"},
                    "crs": {"type": "string", "default": "wgs84"},
                    "category": {"type": "string", "enum": categories},
                }},
                "Breach": {"type": "object", "properties": {
                    "school_id": {"type": "string"}, "school_name": {"type": "string"}, "school_kind": {"type": "string"},
                    "rule_id": {"type": "string"}, "method": {"type": "string"},
                    "limit_m": {"type": "number"}, "distance_m": {"type": "number", "description": "metres, rounded to 0.01"},
                    "legal_basis": {"type": "string"}, "approximate": {"type": "boolean"},
                    "line": {"type": "array", "items": {"type": "array", "items": {"type": "number"}}, "description": "[[lon, lat] school side, [lon, lat] site]"},
                }},
                "SiteCheck": {"type": "object", "properties": {
                    "lon": {"type": "number"}, "lat": {"type": "number"}, "category": {"type": "string"}, "rules": {"type": "string"},
                    "allowed": {"type": "boolean"}, "unregulated": {"type": "boolean"},
                    "breaches": {"type": "array", "items": {"$ref": "#/components/schemas/Breach"}},
                    "nearest_school": {"type": "object", "nullable": true, "properties": {
                        "school_id": {"type": "string"}, "school_name": {"type": "string"}, "distance_m": {"type": "number"},
                    }},
                }},
            },
        },
    })
}
