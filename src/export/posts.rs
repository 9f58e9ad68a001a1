//! Guard-post plan files: `posts.geojson` (posts as points, and a line from each covered gate to its
//! post), `assignment.csv` (each school's responsible post and officer), `roster.csv` (each officer's
//! duties by session) — both CSV files UTF-8 with BOM, so Excel shows Chinese — and `plan.json`.

use std::io::{self, Write};

use serde::Serialize;

use crate::geodesy::ground_distance_m;
use crate::model::School;
use crate::posts::plan::Infeasible;
use crate::posts::{Model, Plan, Solver};

/// Officer label from its 0-based number: `O001`, `O002`, …
pub fn officer_label(o: usize) -> String {
    format!("O{:03}", o + 1)
}

/// What `plan.json` holds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanSummary<'a> {
    pub model: Model,
    pub radius_m: f64,
    /// Number of posts (fixed ones included).
    pub posts: usize,
    pub covered_weight: f64,
    pub total_weight: f64,
    pub objective: f64,
    pub bound: f64,
    pub gap: f64,
    pub proven_optimal: bool,
    pub seconds: f64,
    pub solver: Solver,
    pub p: Option<usize>,
    pub fixed_posts: usize,
    pub gates: usize,
    pub covered_gates: usize,
    pub approximate_gates: usize,
    pub candidates: usize,
    pub components: usize,
    pub nodes: u64,
    pub officers: usize,
    pub officers_lower_bound: usize,
    pub unassigned_schools: usize,
    /// Gates no candidate is within the radius of.
    pub infeasible_gates: &'a [Infeasible],
}

/// The summary of a plan.
pub fn summary(plan: &Plan) -> PlanSummary<'_> {
    PlanSummary {
        model: plan.model,
        radius_m: plan.radius_m,
        posts: plan.posts.len(),
        covered_weight: plan.covered_weight,
        total_weight: plan.total_weight,
        objective: plan.objective,
        bound: plan.bound,
        gap: plan.gap,
        proven_optimal: plan.proven_optimal,
        seconds: plan.seconds,
        solver: plan.solver,
        p: plan.p,
        fixed_posts: plan.posts.iter().filter(|p| p.fixed).count(),
        gates: plan.demand.len(),
        covered_gates: plan.demand.len() - plan.uncovered.len(),
        approximate_gates: plan.demand.iter().filter(|d| d.approximate).count(),
        candidates: plan.candidates,
        components: plan.components,
        nodes: plan.nodes,
        officers: plan.officers,
        officers_lower_bound: plan.officers_lower_bound,
        unassigned_schools: plan.schools.iter().filter(|s| s.post.is_none()).count(),
        infeasible_gates: &plan.infeasible,
    }
}

#[derive(Serialize)]
struct PostProps<'a> {
    kind: &'static str,
    id: &'a str,
    candidate: &'a str,
    name: Option<&'a str>,
    source: &'static str,
    fixed: bool,
    officer: String,
    morning: String,
    afternoon: String,
    gates: usize,
    schools: Vec<&'a str>,
}

#[derive(Serialize)]
struct CoverProps<'a> {
    kind: &'static str,
    post: &'a str,
    school_id: &'a str,
    school_name: &'a str,
    gate: Option<&'a str>,
    approximate: bool,
    distance_m: f64,
}

/// Writes `posts.geojson`: one Point feature per post (`kind: "post"`), then one LineString per
/// covered gate from the gate to its post (`kind: "cover"`, with the distance in metres).
pub fn write_geojson(mut w: impl Write, schools: &[School], plan: &Plan) -> io::Result<()> {
    w.write_all(b"{\"type\":\"FeatureCollection\",\"features\":[\n")?;
    let mut first = true;
    let mut sep = |w: &mut dyn Write| -> io::Result<()> {
        if !first {
            w.write_all(b",\n")?;
        }
        first = false;
        Ok(())
    };
    for p in &plan.posts {
        sep(&mut w)?;
        let props = PostProps {
            kind: "post",
            id: &p.id,
            candidate: &p.candidate,
            name: p.name.as_deref(),
            source: p.source,
            fixed: p.fixed,
            officer: officer_label(p.officer),
            morning: p.morning.to_string(),
            afternoon: p.afternoon.to_string(),
            gates: p.gates.len(),
            schools: p
                .schools
                .iter()
                .map(|&s| schools[s].name.as_str())
                .collect(),
        };
        write!(
            w,
            "{{\"type\":\"Feature\",\"geometry\":{{\"type\":\"Point\",\"coordinates\":[{:.7},{:.7}]}},\"properties\":",
            p.lon, p.lat
        )?;
        serde_json::to_writer(&mut w, &props)?;
        w.write_all(b"}")?;
    }
    for p in &plan.posts {
        for &g in &p.gates {
            sep(&mut w)?;
            let d = &plan.demand[g];
            let s = &schools[d.school];
            let props = CoverProps {
                kind: "cover",
                post: &p.id,
                school_id: &s.id,
                school_name: &s.name,
                gate: d.gate.as_deref(),
                approximate: d.approximate,
                distance_m: (ground_distance_m((d.lon, d.lat), (p.lon, p.lat)) * 100.0).round()
                    / 100.0,
            };
            write!(
                w,
                "{{\"type\":\"Feature\",\"geometry\":{{\"type\":\"LineString\",\"coordinates\":[[{:.7},{:.7}],[{:.7},{:.7}]]}},\"properties\":",
                d.lon, d.lat, p.lon, p.lat
            )?;
            serde_json::to_writer(&mut w, &props)?;
            w.write_all(b"}")?;
        }
    }
    w.write_all(b"\n]}\n")?;
    Ok(())
}

/// Columns of `assignment.csv`.
pub const ASSIGNMENT_FIELDS: [&str; 11] = [
    "school_id",
    "school_name",
    "kind",
    "township",
    "post",
    "officer",
    "distance_m",
    "gates_covered",
    "morning",
    "afternoon",
    "note",
];

/// Writes `assignment.csv` (UTF-8 with BOM): one row per planned school, its responsible post and
/// officer, the distance from its nearest gate to the post, whether all its gates are covered, and its
/// kind's windows.
pub fn write_assignment_csv(
    mut w: impl Write,
    schools: &[School],
    plan: &Plan,
    config: &crate::posts::PostsConfig,
) -> io::Result<()> {
    w.write_all("\u{feff}".as_bytes())?;
    let mut cw = csv::Writer::from_writer(w);
    cw.write_record(ASSIGNMENT_FIELDS)?;
    for d in &plan.schools {
        let s = &schools[d.school];
        let ks = config.kind(s.kind);
        let (post, officer) = match d.post {
            Some(k) => (
                plan.posts[k].id.clone(),
                officer_label(plan.posts[k].officer),
            ),
            None => (String::new(), String::new()),
        };
        let approx = plan
            .demand
            .iter()
            .any(|g| g.school == d.school && g.approximate);
        let note = match (d.post.is_none(), approx) {
            (true, _) => "no post with room",
            (false, true) => "no gate: school point used (approximate)",
            _ => "",
        };
        cw.write_record([
            s.id.as_str(),
            s.name.as_str(),
            s.kind.as_str(),
            s.township.as_deref().unwrap_or(""),
            &post,
            &officer,
            &d.distance_m.map_or(String::new(), |m| format!("{m:.2}")),
            if d.covered { "yes" } else { "no" },
            &ks.morning.to_string(),
            &ks.afternoon.to_string(),
            note,
        ])?;
    }
    cw.flush()?;
    Ok(())
}

/// Columns of `roster.csv`.
pub const ROSTER_FIELDS: [&str; 8] = [
    "officer",
    "session",
    "window",
    "post",
    "lon",
    "lat",
    "schools",
    "school_ids",
];

/// Writes `roster.csv` (UTF-8 with BOM): per officer, per session (`morning` 上学, `afternoon` 放学),
/// each post in the order of its window, with the schools it serves.
pub fn write_roster_csv(mut w: impl Write, schools: &[School], plan: &Plan) -> io::Result<()> {
    w.write_all("\u{feff}".as_bytes())?;
    let mut cw = csv::Writer::from_writer(w);
    cw.write_record(ROSTER_FIELDS)?;
    let mut rows: Vec<(usize, u8, crate::posts::config::Window, usize)> = Vec::new();
    for (k, p) in plan.posts.iter().enumerate() {
        rows.push((p.officer, 0, p.morning, k));
        rows.push((p.officer, 1, p.afternoon, k));
    }
    rows.sort();
    for (o, session, window, k) in rows {
        let p = &plan.posts[k];
        let names: Vec<&str> = p
            .schools
            .iter()
            .map(|&s| schools[s].name.as_str())
            .collect();
        let ids: Vec<&str> = p.schools.iter().map(|&s| schools[s].id.as_str()).collect();
        cw.write_record([
            officer_label(o).as_str(),
            if session == 0 { "morning" } else { "afternoon" },
            &window.to_string(),
            &p.id,
            &format!("{:.7}", p.lon),
            &format!("{:.7}", p.lat),
            &names.join(";"),
            &ids.join(";"),
        ])?;
    }
    cw.flush()?;
    Ok(())
}
