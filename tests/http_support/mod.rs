//! Shared by the HTTP tests: a small hand-made county, the generated county (seed 2026), and requests
//! through the router with `oneshot` (no network).

#![allow(dead_code)]

use std::sync::OnceLock;

use axum::body::{to_bytes, Body};
use axum::http::{HeaderMap, Request, StatusCode};
use geo_types::{LineString, MultiLineString, MultiPolygon, Point, Polygon};
use perimeter::gen::{generate, Scale};
use perimeter::http::{app, AppState};
use perimeter::model::{
    Category, Dataset, Footprint, Gate, School, SchoolKind, Site, Venue, VenueText, WaterBody,
    WaterGeom, WaterKind,
};
use perimeter::rules::RuleSet;
use tower::ServiceExt;

pub fn school(id: &str, kind: SchoolKind, township: &str, site: Site) -> School {
    School {
        id: id.into(),
        name: format!("{id} 学校"),
        kind,
        township: Some(township.into()),
        site,
        gates: vec![],
        pupils: Some(600),
    }
}

pub fn venue(id: &str, category: Category, footprint: Footprint) -> Venue {
    let text = VenueText {
        id: id.into(),
        name: format!("{id} 场所"),
        ..VenueText::default()
    };
    Venue::new(text, category, footprint)
}

fn poly(ring: &[(f64, f64)], holes: &[&[(f64, f64)]]) -> Polygon<f64> {
    let close = |r: &[(f64, f64)]| {
        let mut v = r.to_vec();
        v.push(r[0]);
        LineString::from(v)
    };
    Polygon::new(close(ring), holes.iter().map(|h| close(h)).collect())
}

/// S1's campus, given **clockwise** in lon/lat (as Shapefiles store outer rings): 0.0016° × 0.0010°
/// (about 149 m × 111 m) near 112.5°E 33.5°N; S1 and S2 lie wholly inside z15 tile (26624, 13144).
pub const S1_RING: [(f64, f64); 4] = [
    (112.5002, 33.5000),
    (112.5002, 33.5010),
    (112.5018, 33.5010),
    (112.5018, 33.5000),
];
/// S2's campus, counter-clockwise (RFC 7946), with a clockwise hole.
pub const S2_RING: [(f64, f64); 4] = [
    (112.5060, 33.5000),
    (112.5080, 33.5000),
    (112.5080, 33.5020),
    (112.5060, 33.5020),
];
pub const S2_HOLE: [(f64, f64); 4] = [
    (112.5065, 33.5005),
    (112.5065, 33.5015),
    (112.5075, 33.5015),
    (112.5075, 33.5005),
];

/// A small county: four schools (clockwise campus, campus with a hole, point-only, university), six
/// venues (door points and a footprint), a pond and a river.
pub fn small_dataset() -> Dataset {
    let mut s1 = school(
        "S1",
        SchoolKind::Primary,
        "城关镇",
        Site::Area(MultiPolygon(vec![poly(&S1_RING, &[])])),
    );
    s1.gates.push(Gate {
        id: Some("G1".into()),
        name: Some("南门".into()),
        point: Point::new(112.5010, 33.5000),
    });
    let s2 = school(
        "S2",
        SchoolKind::Kindergarten,
        "云阳镇",
        Site::Area(MultiPolygon(vec![poly(&S2_RING, &[&S2_HOLE])])),
    );
    let s3 = school(
        "S3",
        SchoolKind::Junior,
        "城关镇",
        Site::Point(Point::new(112.5200, 33.5050)),
    );
    let s4 = school(
        "S4",
        SchoolKind::NotCovered,
        "城关镇",
        Site::Area(MultiPolygon(vec![poly(
            &[
                (112.5300, 33.5000),
                (112.5310, 33.5000),
                (112.5310, 33.5010),
                (112.5300, 33.5010),
            ],
            &[],
        )])),
    );
    let door = |x, y| Footprint::Door(Point::new(x, y));
    let venues = vec![
        venue("V1", Category::InternetCafe, door(112.5032, 33.5005)),
        venue("V2", Category::Ktv, door(112.5048, 33.5005)),
        venue("V3", Category::Lottery, door(112.5210, 33.5050)),
        venue("V4", Category::Other, door(112.5010, 33.5030)),
        venue(
            "V5",
            Category::Hazardous,
            Footprint::Area(MultiPolygon(vec![poly(
                &[
                    (112.5085, 33.5010),
                    (112.5087, 33.5010),
                    (112.5087, 33.5012),
                    (112.5085, 33.5012),
                ],
                &[],
            )])),
        ),
        venue("V6", Category::Bar, door(112.6000, 33.6000)),
    ];
    let water = vec![
        WaterBody {
            id: "W1".into(),
            name: "东塘".into(),
            kind: WaterKind::Pond,
            geom: WaterGeom::Area(MultiPolygon(vec![poly(
                &[
                    (112.4992, 33.5000),
                    (112.4997, 33.5000),
                    (112.4997, 33.5005),
                    (112.4992, 33.5005),
                ],
                &[],
            )])),
        },
        WaterBody {
            id: "W2".into(),
            name: "白河".into(),
            kind: WaterKind::River,
            geom: WaterGeom::Line(MultiLineString(vec![LineString::from(vec![
                (112.49, 33.49),
                (112.515, 33.4905),
                (112.54, 33.49),
            ])])),
        },
    ];
    Dataset {
        schools: vec![s1, s2, s3, s4],
        venues,
        water,
    }
}

pub fn small_state() -> AppState {
    AppState::new(small_dataset(), RuleSet::national())
}

/// The generated county (seed 2026: 300 schools, 30 000 venues, 200 water bodies).
pub fn county() -> &'static Dataset {
    static D: OnceLock<Dataset> = OnceLock::new();
    D.get_or_init(|| generate(Scale::County, 2026))
}

pub fn county_state() -> &'static AppState {
    static S: OnceLock<AppState> = OnceLock::new();
    S.get_or_init(|| AppState::new(county().clone(), RuleSet::national()))
}

/// A response: status, headers, body.
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    pub fn content_type(&self) -> &str {
        self.headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// Asserts the API's error shape and returns its code.
    pub fn error_code(&self) -> String {
        assert_eq!(
            self.content_type(),
            "application/json",
            "{}",
            String::from_utf8_lossy(&self.body)
        );
        let v = self.json();
        assert!(v["message"].as_str().is_some_and(|m| !m.is_empty()), "{v}");
        v["code"].as_str().unwrap_or("").to_string()
    }
}

pub async fn send(state: &AppState, req: Request<Body>) -> Reply {
    let resp = app(state.clone())
        .oneshot(req)
        .await
        .expect("the router is infallible");
    let status = resp.status();
    let headers = resp.headers().clone();
    let body = to_bytes(resp.into_body(), usize::MAX)
        .await
        .expect("body")
        .to_vec();
    Reply {
        status,
        headers,
        body,
    }
}

/// A GET with `Authorization: Bearer TOKEN`.
pub async fn get_as(state: &AppState, uri: &str, token: &str) -> Reply {
    send(
        state,
        Request::get(uri)
            .header("host", "test.local")
            .header("authorization", format!("Bearer {token}"))
            .body(Body::empty())
            .expect("request"),
    )
    .await
}

pub async fn get(state: &AppState, uri: &str) -> Reply {
    send(
        state,
        Request::get(uri)
            .header("host", "test.local")
            .body(Body::empty())
            .expect("request"),
    )
    .await
}

/// Tokens `{role}-secret` for every role, each named after its role.
pub fn role_tokens() -> perimeter::ledger::Tokens {
    let text: String = ["viewer", "analyst", "regulator", "police", "admin"]
        .iter()
        .map(|r| {
            format!(
                "[[token]]\nname = \"{r}\"\nrole = \"{r}\"\nsha256 = \"{}\"\n",
                perimeter::ledger::roles::hash_token(&format!("{r}-secret"))
            )
        })
        .collect();
    perimeter::ledger::Tokens::from_toml(&text, "tokens.toml").expect("tokens")
}

/// A JSON POST with `Authorization: Bearer TOKEN` when a token is given.
pub async fn post_as(
    state: &AppState,
    uri: &str,
    body: impl Into<Body>,
    token: Option<&str>,
) -> Reply {
    let mut req = Request::post(uri)
        .header("host", "test.local")
        .header("content-type", "application/json");
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    send(state, req.body(body.into()).expect("request")).await
}

pub async fn post(state: &AppState, uri: &str, body: impl Into<Body>) -> Reply {
    send(
        state,
        Request::post(uri)
            .header("host", "test.local")
            .header("content-type", "application/json")
            .body(body.into())
            .expect("request"),
    )
    .await
}
