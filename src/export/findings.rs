//! Findings as records with names and legal basis, and their files: `findings.geojson` (one Feature per
//! finding, geometry = the measured line), `findings.csv` (UTF-8 with BOM, so Excel shows Chinese) and
//! `summary.json` (counts per school, township, category and rule).

use std::collections::BTreeMap;
use std::io::{self, Write};

use rayon::prelude::*;
use serde::Serialize;

use super::text;
use crate::model::{Category, Dataset, Venue, WaterKind};
use crate::rules::RuleSet;
use crate::scan::{FeatureType, Finding};

/// The published fields of a finding, in output order.
pub const FIELDS: [&str; 14] = [
    "school_id",
    "school_name",
    "school_kind",
    "township",
    "feature_type",
    "feature_id",
    "feature_name",
    "category",
    "rule_id",
    "method",
    "limit_m",
    "distance_m",
    "legal_basis",
    "approximate",
];

/// A finding with everything a reader needs, borrowed from the dataset and the rules.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FindingRecord<'a> {
    pub school_id: &'a str,
    pub school_name: &'a str,
    pub school_kind: &'static str,
    pub township: Option<&'a str>,
    pub feature_type: &'static str,
    pub feature_id: &'a str,
    pub feature_name: &'a str,
    /// The venue's category, or the water body's kind.
    pub category: &'static str,
    pub rule_id: &'a str,
    pub method: &'static str,
    pub limit_m: f64,
    /// Metres, rounded to 0.01 m (the classification used the unrounded value).
    pub distance_m: f64,
    pub legal_basis: &'a str,
    pub approximate: bool,
}

impl FindingRecord<'_> {
    /// The record as a JSON object: the bytes `serde_json` writes for it, written directly (the writer
    /// writes it in two parts; the tests compare the whole with `serde_json`).
    #[cfg(test)]
    fn write_json(&self, out: &mut Vec<u8>) {
        self.write_json_school(out);
        let (mut id, mut limit, mut basis) = (Vec::new(), Vec::new(), Vec::new());
        text::json_str(&mut id, self.rule_id);
        text::json_f64(&mut limit, self.limit_m);
        text::json_str(&mut basis, self.legal_basis);
        let rule = RuleText {
            id: &id,
            limit: &limit,
            basis: &basis,
        };
        self.write_json_rest(out, rule);
    }

    /// The object's opening and its school members (the same for every finding of a school).
    fn write_json_school(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(b"{\"school_id\":");
        text::json_str(out, self.school_id);
        for (k, v) in [
            ("school_name", self.school_name),
            ("school_kind", self.school_kind),
        ] {
            json_key(out, k);
            text::json_str(out, v);
        }
        json_key(out, "township");
        match self.township {
            Some(t) => text::json_str(out, t),
            None => out.extend_from_slice(b"null"),
        }
    }

    /// The other members and the closing brace; `rule` is the rule's id, limit and legal basis already
    /// written as JSON. Each run of fixed text between two values is one literal (one short copy, no
    /// call), the program's own words included in their quotes.
    fn write_json_rest(&self, out: &mut Vec<u8>, rule: RuleText<'_>) {
        out.extend_from_slice(b",\"feature_type\":\"");
        out.extend_from_slice(word(self.feature_type));
        out.extend_from_slice(b"\",\"feature_id\":");
        text::json_str(out, self.feature_id);
        out.extend_from_slice(b",\"feature_name\":");
        text::json_str(out, self.feature_name);
        out.extend_from_slice(b",\"category\":\"");
        out.extend_from_slice(word(self.category));
        out.extend_from_slice(b"\",\"rule_id\":");
        out.extend_from_slice(rule.id);
        out.extend_from_slice(b",\"method\":\"");
        out.extend_from_slice(word(self.method));
        out.extend_from_slice(b"\",\"limit_m\":");
        out.extend_from_slice(rule.limit);
        out.extend_from_slice(b",\"distance_m\":");
        text::json_cm(out, self.distance_m);
        out.extend_from_slice(b",\"legal_basis\":");
        out.extend_from_slice(rule.basis);
        out.extend_from_slice(if self.approximate {
            b",\"approximate\":true}"
        } else {
            b",\"approximate\":false}"
        });
    }
}

/// A rule's texts as they are written in a findings file.
#[derive(Clone, Copy)]
struct RuleText<'a> {
    id: &'a [u8],
    limit: &'a [u8],
    basis: &'a [u8],
}

/// One of the program's own words (a feature type, category, water kind or method label: letters,
/// digits, spaces, `_`, `-`, `(`, `)` and `→`), to be written as it is inside JSON quotes or as a CSV
/// field: there is nothing to escape or quote, so no check.
fn word(w: &'static str) -> &'static [u8] {
    debug_assert!(
        !w.contains(|c: char| matches!(c, '"' | '\\' | ',') || c.is_control()),
        "{w}"
    );
    w.as_bytes()
}

/// `,"key":`
fn json_key(out: &mut Vec<u8>, k: &str) {
    out.extend_from_slice(b",\"");
    out.extend_from_slice(k.as_bytes());
    out.extend_from_slice(b"\":");
}

/// Text written once and reused: the school part of the last finding's record (findings come school by
/// school), and each rule's id and legal basis.
struct Fragments {
    school: Option<u32>,
    school_text: Vec<u8>,
    rule_id: Vec<Vec<u8>>,
    /// Each rule's limit as a number (JSON) or as `Display` writes it (CSV, as the csv crate does).
    limit: Vec<Vec<u8>>,
    basis: Vec<Vec<u8>>,
}

impl Fragments {
    /// `write` writes a text (JSON string or CSV field), `number` a rule's limit.
    fn new(
        rules: &RuleSet,
        write: impl Fn(&mut Vec<u8>, &str),
        number: impl Fn(&mut Vec<u8>, f64),
    ) -> Self {
        // Each rule's piece, written once.
        let each = |piece: &dyn Fn(&mut Vec<u8>, &crate::rules::Rule)| {
            rules
                .rules
                .iter()
                .map(|r| {
                    let mut b = Vec::new();
                    piece(&mut b, r);
                    b
                })
                .collect()
        };
        Fragments {
            school: None,
            school_text: Vec::new(),
            rule_id: each(&|b, r| write(b, &r.id)),
            limit: each(&|b, r| number(b, r.limit_m)),
            basis: each(&|b, r| write(b, &r.basis)),
        }
    }

    /// Rule `i`'s texts.
    fn rule(&self, i: usize) -> RuleText<'_> {
        RuleText {
            id: &self.rule_id[i],
            limit: &self.limit[i],
            basis: &self.basis[i],
        }
    }

    /// The school part for finding `f`, written by `write` when the school changes.
    fn school(&mut self, f: &Finding, write: impl FnOnce(&mut Vec<u8>)) -> &[u8] {
        if self.school != Some(f.school) {
            self.school = Some(f.school);
            self.school_text.clear();
            write(&mut self.school_text);
        }
        &self.school_text
    }
}

/// Rounds metres to centimetres.
pub fn round_cm(m: f64) -> f64 {
    (m * 100.0).round() / 100.0
}

/// Builds the record of one finding.
pub fn record<'a>(ds: &'a Dataset, rules: &'a RuleSet, f: &Finding) -> FindingRecord<'a> {
    let school = &ds.schools[f.school as usize];
    let rule = &rules.rules[f.rule as usize];
    let (feature_id, feature_name, category) = match f.feature_type {
        FeatureType::Venue => {
            let v = &ds.venues[f.feature as usize];
            (v.id(), v.name(), v.category.as_str())
        }
        FeatureType::Water => {
            let w = &ds.water[f.feature as usize];
            (w.id.as_str(), w.name.as_str(), w.kind.as_str())
        }
    };
    FindingRecord {
        school_id: &school.id,
        school_name: &school.name,
        school_kind: school.kind.as_str(),
        township: school.township.as_deref(),
        feature_type: f.feature_type.as_str(),
        feature_id,
        feature_name,
        category,
        rule_id: &rule.id,
        method: f.method.label(),
        limit_m: rule.limit_m,
        distance_m: round_cm(f.measured.metres),
        legal_basis: &rule.basis,
        approximate: f.approximate,
    }
}

/// Findings rendered per batch: every chunk of a batch is rendered to bytes on its own thread, and the
/// chunks are written in order, so the output is the same as a serial writer's while memory stays at
/// one batch.
const RENDER_CHUNK: usize = 2048;
const RENDER_BATCH: usize = 8 * RENDER_CHUNK;

/// Which findings file an error came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    GeoJson,
    Csv,
}

/// Writes a GeoJSON FeatureCollection, one Feature per finding; geometry = the measured line
/// (school side → feature side), coordinates in WGS84 to 1e-7° (1 cm).
pub fn write_geojson(
    w: impl Write + Send,
    ds: &Dataset,
    rules: &RuleSet,
    findings: &[Finding],
) -> io::Result<()> {
    write_findings(Some(w), None::<io::Sink>, ds, rules, findings).map_err(|(_, e)| e)
}

/// Writes the findings as CSV (UTF-8 with BOM), columns [`FIELDS`] plus the measured line's ends.
pub fn write_csv(
    w: impl Write + Send,
    ds: &Dataset,
    rules: &RuleSet,
    findings: &[Finding],
) -> io::Result<()> {
    write_findings(None::<io::Sink>, Some(w), ds, rules, findings).map_err(|(_, e)| e)
}

/// Writes the findings files asked for ([`write_geojson`]'s and [`write_csv`]'s): each finding's record
/// is looked up once for both, chunks are rendered on every thread and the two files written side by
/// side.
pub fn write_findings<G: Write + Send, C: Write + Send>(
    mut geojson: Option<G>,
    mut csv: Option<C>,
    ds: &Dataset,
    rules: &RuleSet,
    findings: &[Finding],
) -> Result<(), (Output, io::Error)> {
    let geo_err = |e| (Output::GeoJson, e);
    let csv_err = |e| (Output::Csv, e);
    if let Some(w) = geojson.as_mut() {
        w.write_all(b"{\"type\":\"FeatureCollection\",\"features\":[\n")
            .map_err(geo_err)?;
    }
    if let Some(w) = csv.as_mut() {
        w.write_all("\u{feff}".as_bytes()).map_err(csv_err)?;
        let mut header: Vec<&str> = FIELDS.to_vec();
        header.extend(["from_lon", "from_lat", "to_lon", "to_lat"]);
        let mut cw = ::csv::Writer::from_writer(&mut *w);
        cw.write_record(&header).map_err(|e| csv_err(e.into()))?;
        cw.flush().map_err(csv_err)?;
    }
    let (want_geo, want_csv) = (geojson.is_some(), csv.is_some());
    for (b, batch) in findings.chunks(RENDER_BATCH).enumerate() {
        let buffers: Vec<(Vec<u8>, Vec<u8>)> = batch
            .par_chunks(RENDER_CHUNK)
            .enumerate()
            .map(|(c, chunk)| {
                let first = b * RENDER_BATCH + c * RENDER_CHUNK;
                let size = |want: bool| if want { chunk.len() * 512 } else { 0 };
                let (mut g, mut v) = (
                    Vec::with_capacity(size(want_geo)),
                    Vec::with_capacity(size(want_csv)),
                );
                let mut g_frag = Fragments::new(rules, text::json_str, text::json_f64);
                // The limit as the csv crate writes a number: `Display`.
                let mut v_frag = Fragments::new(rules, text::csv_field, |b, v| {
                    let _ = write!(b, "{v}");
                });
                let mut line = LineText::default();
                for (i, f) in chunk.iter().enumerate() {
                    prefetch_ahead(ds, chunk, i);
                    let r = record(ds, rules, f);
                    line.set(f);
                    if want_geo {
                        render_geojson(&mut g, &mut g_frag, &r, f, &line, first + i > 0);
                    }
                    if want_csv {
                        render_csv(&mut v, &mut v_frag, &r, f, &line);
                    }
                }
                (g, v)
            })
            .collect();
        let (geo_done, csv_done) = rayon::join(
            || -> io::Result<()> {
                if let Some(w) = geojson.as_mut() {
                    for (g, _) in &buffers {
                        w.write_all(g)?;
                    }
                }
                Ok(())
            },
            || -> io::Result<()> {
                if let Some(w) = csv.as_mut() {
                    for (_, v) in &buffers {
                        w.write_all(v)?;
                    }
                }
                Ok(())
            },
        );
        geo_done.map_err(geo_err)?;
        csv_done.map_err(csv_err)?;
    }
    if let Some(w) = geojson.as_mut() {
        w.write_all(b"\n]}\n")
            .and_then(|()| w.flush())
            .map_err(geo_err)?;
    }
    if let Some(w) = csv.as_mut() {
        w.flush().map_err(csv_err)?;
    }
    Ok(())
}

/// How many findings ahead the render loop asks for a venue's record, and for its texts (read from the
/// record, which must be in cache by then). Findings visit venues in no memory order, so each record and
/// its texts would otherwise be a cache miss.
const PREFETCH_RECORD: usize = 16;
const PREFETCH_TEXT: usize = 8;

/// The venue of finding `k`, if there is one and it is a venue's.
fn venue_at<'a>(ds: &'a Dataset, findings: &[Finding], k: usize) -> Option<&'a Venue> {
    findings
        .get(k)
        .filter(|f| f.feature_type == FeatureType::Venue)
        .and_then(|f| ds.venues.get(f.feature as usize))
}

fn prefetch_ahead(ds: &Dataset, chunk: &[Finding], i: usize) {
    if let Some(v) = venue_at(ds, chunk, i + PREFETCH_RECORD) {
        crate::mem::prefetch(v);
    }
    if let Some(v) = venue_at(ds, chunk, i + PREFETCH_TEXT) {
        let text = v.text_bytes();
        crate::mem::prefetch(text);
        if let Some(rest) = text.get(64..) {
            crate::mem::prefetch(rest);
        }
    }
}

/// A finding's measured line as text, written once for both files: `lon,lat` of its school-side end,
/// then of its feature-side end, to 1e-7°.
#[derive(Default)]
struct LineText {
    text: Vec<u8>,
    split: usize,
}

impl LineText {
    fn set(&mut self, f: &Finding) {
        let (a, b) = (f.measured.from, f.measured.to);
        self.text.clear();
        for (k, v) in [a.0, a.1, b.0, b.1].into_iter().enumerate() {
            match k {
                1 | 3 => self.text.push(b','),
                2 => self.split = self.text.len(),
                _ => {}
            }
            text::fixed(&mut self.text, v, 7);
        }
    }

    fn from(&self) -> &[u8] {
        &self.text[..self.split]
    }

    fn to(&self) -> &[u8] {
        &self.text[self.split..]
    }
}

/// One finding as a GeoJSON Feature (`comma`: a feature came before it).
fn render_geojson(
    out: &mut Vec<u8>,
    frag: &mut Fragments,
    r: &FindingRecord<'_>,
    f: &Finding,
    line: &LineText,
    comma: bool,
) {
    if comma {
        out.extend_from_slice(b",\n");
    }
    out.extend_from_slice(
        b"{\"type\":\"Feature\",\"geometry\":{\"type\":\"LineString\",\"coordinates\":[[",
    );
    out.extend_from_slice(line.from());
    out.extend_from_slice(b"],[");
    out.extend_from_slice(line.to());
    out.extend_from_slice(b"]]},\"properties\":");
    out.extend_from_slice(frag.school(f, |b| r.write_json_school(b)));
    let rule = f.rule as usize;
    r.write_json_rest(out, frag.rule(rule));
    out.push(b'}');
}

/// One finding as a CSV row.
fn render_csv(
    out: &mut Vec<u8>,
    frag: &mut Fragments,
    r: &FindingRecord<'_>,
    f: &Finding,
    line: &LineText,
) {
    out.extend_from_slice(frag.school(f, |b| {
        for s in [
            r.school_id,
            r.school_name,
            r.school_kind,
            r.township.unwrap_or(""),
        ] {
            text::csv_field(b, s);
            b.push(b',');
        }
    }));
    out.extend_from_slice(word(r.feature_type));
    out.push(b',');
    for s in [r.feature_id, r.feature_name] {
        text::csv_field(out, s);
        out.push(b',');
    }
    let rule = frag.rule(f.rule as usize);
    for field in [word(r.category), rule.id, word(r.method), rule.limit] {
        out.extend_from_slice(field);
        out.push(b',');
    }
    text::fixed(out, r.distance_m, 2);
    out.push(b',');
    out.extend_from_slice(rule.basis);
    out.extend_from_slice(if r.approximate { b",true," } else { b",false," });
    out.extend_from_slice(line.from());
    out.push(b',');
    out.extend_from_slice(line.to());
    out.push(b'\n');
}

/// Per-school counts.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SchoolCount {
    pub school_id: String,
    pub school_name: String,
    pub school_kind: &'static str,
    pub township: Option<String>,
    pub findings: usize,
    pub venues: usize,
    pub water: usize,
    /// The nearest finding's distance (m, 0.01).
    pub nearest_m: f64,
    pub approximate: bool,
}

/// Counts per school (worst first), township, category and rule.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Summary {
    pub rules: String,
    pub schools: usize,
    pub venues: usize,
    pub water: usize,
    pub findings: usize,
    pub schools_with_findings: usize,
    pub by_school: Vec<SchoolCount>,
    pub by_township: BTreeMap<String, usize>,
    pub by_category: BTreeMap<String, usize>,
    pub by_rule: BTreeMap<String, usize>,
}

/// Summarises findings. Schools are ordered worst first: most findings, then nearest, then id.
///
/// One pass counts by index (school, rule, category or water kind: one look at each feature, for its
/// category); the names are put on at the end.
pub fn summarise(ds: &Dataset, rules: &RuleSet, findings: &[Finding]) -> Summary {
    let mut per: Vec<Option<SchoolCount>> = vec![None; ds.schools.len()];
    let mut venue_categories = [0usize; Category::ALL.len()];
    let mut water_kinds = [0usize; WaterKind::ALL.len()];
    let mut per_rule = vec![0usize; rules.rules.len()];
    for (i, f) in findings.iter().enumerate() {
        // Venues are met in no memory order: ask for the record a few findings ahead.
        if let Some(v) = venue_at(ds, findings, i + PREFETCH_RECORD) {
            crate::mem::prefetch(v);
        }
        let e = per[f.school as usize].get_or_insert_with(|| {
            let school = &ds.schools[f.school as usize];
            SchoolCount {
                school_id: school.id.clone(),
                school_name: school.name.clone(),
                school_kind: school.kind.as_str(),
                township: school.township.clone(),
                findings: 0,
                venues: 0,
                water: 0,
                nearest_m: f64::INFINITY,
                approximate: f.approximate,
            }
        });
        e.findings += 1;
        match f.feature_type {
            FeatureType::Venue => {
                e.venues += 1;
                venue_categories[ds.venues[f.feature as usize].category as usize] += 1;
            }
            FeatureType::Water => {
                e.water += 1;
                water_kinds[ds.water[f.feature as usize].kind as usize] += 1;
            }
        }
        // Unrounded here, rounded once below (rounding keeps the order, so it is the same minimum).
        e.nearest_m = e.nearest_m.min(f.measured.metres);
        per_rule[f.rule as usize] += 1;
    }
    for c in per.iter_mut().flatten() {
        c.nearest_m = round_cm(c.nearest_m);
    }
    let mut by_township = BTreeMap::new();
    for c in per.iter().flatten() {
        let town = c.township.as_deref().unwrap_or("(unknown)");
        *by_township.entry(town.to_string()).or_insert(0) += c.findings;
    }
    let mut by_category = BTreeMap::new();
    for c in Category::ALL {
        if venue_categories[c as usize] > 0 {
            by_category.insert(c.as_str().to_string(), venue_categories[c as usize]);
        }
    }
    for k in WaterKind::ALL {
        if water_kinds[k as usize] > 0 {
            by_category.insert(format!("water:{}", k.as_str()), water_kinds[k as usize]);
        }
    }
    let mut by_rule = BTreeMap::new();
    for (rule, &n) in rules.rules.iter().zip(&per_rule) {
        if n > 0 {
            *by_rule.entry(rule.id.clone()).or_insert(0) += n;
        }
    }
    let mut by_school: Vec<SchoolCount> = per.into_iter().flatten().collect();
    by_school.sort_by(|a, b| {
        b.findings
            .cmp(&a.findings)
            .then(a.nearest_m.total_cmp(&b.nearest_m))
            .then(a.school_id.cmp(&b.school_id))
    });
    Summary {
        rules: rules.id.clone(),
        schools: ds.schools.len(),
        venues: ds.venues.len(),
        water: ds.water.len(),
        findings: findings.len(),
        schools_with_findings: by_school.len(),
        by_school,
        by_township,
        by_category,
        by_rule,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_write_the_json_serde_writes() {
        let mut rec = FindingRecord {
            school_id: "S1",
            school_name: "城关\"一\"小\\",
            school_kind: "primary",
            township: None,
            feature_type: "venue",
            feature_id: "V\n9",
            feature_name: "网吧",
            category: "internet_cafe",
            rule_id: "cafe",
            method: "boundary",
            limit_m: 200.0,
            distance_m: 199.95,
            legal_basis: "《互联网上网服务营业场所管理条例》第九条",
            approximate: false,
        };
        for (township, distance, approximate) in [
            (None, 199.95, false),
            (Some("城关镇"), 0.0, true),
            (Some(""), 1e-7, false),
        ] {
            rec.township = township;
            rec.distance_m = distance;
            rec.approximate = approximate;
            let mut out = Vec::new();
            rec.write_json(&mut out);
            assert_eq!(
                String::from_utf8(out).unwrap(),
                serde_json::to_string(&rec).unwrap()
            );
        }
    }

    /// The generated county (seed), rules read from TOML text, and the scan's findings.
    fn county_findings(
        seed: u64,
        rules_toml: &str,
        name: &str,
    ) -> (Dataset, RuleSet, Vec<Finding>) {
        let ds = crate::gen::generate(crate::gen::Scale::County, seed);
        let rules = RuleSet::from_toml(rules_toml, name).unwrap();
        let index = crate::index::Index::build(&ds);
        let found = crate::scan::scan(&ds, &index, &rules);
        (ds, rules, found)
    }

    /// The findings of the generated county (every venue: tens of thousands of findings, several render
    /// batches) read back with `serde_json` and the `csv` crate equal each finding's record, with the
    /// measured line's ends to 1e-7°; the files written together are the files written one at a time.
    #[test]
    fn both_files_read_back_as_the_records() {
        let (ds, rules, found) = county_findings(
            7,
            include_str!("../../benches/peers/all_venues_200.toml"),
            "all_venues_200.toml",
        );
        assert!(found.len() > 2 * RENDER_BATCH, "{}", found.len());
        let (mut geo, mut csv) = (Vec::new(), Vec::new());
        write_findings(Some(&mut geo), Some(&mut csv), &ds, &rules, &found).unwrap();
        let (mut geo_alone, mut csv_alone) = (Vec::new(), Vec::new());
        write_geojson(&mut geo_alone, &ds, &rules, &found).unwrap();
        write_csv(&mut csv_alone, &ds, &rules, &found).unwrap();
        assert!(geo == geo_alone && csv == csv_alone);

        let seven = |v: f64| format!("{v:.7}").parse::<f64>().unwrap();
        let collection: serde_json::Value = serde_json::from_slice(&geo).unwrap();
        let features = collection["features"].as_array().unwrap();
        assert_eq!(features.len(), found.len());
        let csv_text = std::str::from_utf8(&csv)
            .unwrap()
            .strip_prefix('\u{feff}')
            .unwrap();
        let mut reader = ::csv::Reader::from_reader(csv_text.as_bytes());
        let header: Vec<String> = reader
            .headers()
            .unwrap()
            .iter()
            .map(str::to_string)
            .collect();
        assert_eq!(header[..14], FIELDS.map(str::to_string));
        let rows: Vec<::csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), found.len());
        for ((f, feature), row) in found.iter().zip(features).zip(&rows) {
            let r = record(&ds, &rules, f);
            assert_eq!(feature["properties"], serde_json::to_value(&r).unwrap());
            let (a, b) = (f.measured.from, f.measured.to);
            let want = serde_json::json!([[seven(a.0), seven(a.1)], [seven(b.0), seven(b.1)]]);
            assert_eq!(feature["geometry"]["coordinates"], want);
            let expected: Vec<String> = [
                r.school_id,
                r.school_name,
                r.school_kind,
                r.township.unwrap_or(""),
                r.feature_type,
                r.feature_id,
                r.feature_name,
                r.category,
                r.rule_id,
                r.method,
            ]
            .map(str::to_string)
            .into_iter()
            .chain([
                r.limit_m.to_string(),
                format!("{:.2}", r.distance_m),
                r.legal_basis.to_string(),
                r.approximate.to_string(),
            ])
            .chain([a.0, a.1, b.0, b.1].map(|v| format!("{v:.7}")))
            .collect();
            assert_eq!(row.iter().collect::<Vec<_>>(), expected);
        }
    }

    /// The summary equals one counted the plain way from every finding's record (maps keyed by the
    /// record's strings), for the county's findings under the national rules (venues of several
    /// categories and water) in scan order and reversed.
    #[test]
    fn summary_equals_counting_the_records() {
        let (ds, rules, mut found) = county_findings(
            11,
            include_str!("../../data/rules/national.toml"),
            "national.toml",
        );
        assert!(found.iter().any(|f| f.feature_type == FeatureType::Water));
        for _ in 0..2 {
            let mut schools: BTreeMap<&str, (usize, usize, usize, f64)> = BTreeMap::new();
            let (mut towns, mut cats, mut by_rule) =
                (BTreeMap::new(), BTreeMap::new(), BTreeMap::new());
            for f in &found {
                let r = record(&ds, &rules, f);
                let e = schools
                    .entry(r.school_id)
                    .or_insert((0, 0, 0, f64::INFINITY));
                e.0 += 1;
                match f.feature_type {
                    FeatureType::Venue => e.1 += 1,
                    FeatureType::Water => e.2 += 1,
                }
                e.3 = e.3.min(r.distance_m);
                *towns
                    .entry(r.township.unwrap_or("(unknown)").to_string())
                    .or_insert(0) += 1;
                let cat = match f.feature_type {
                    FeatureType::Venue => r.category.to_string(),
                    FeatureType::Water => format!("water:{}", r.category),
                };
                *cats.entry(cat).or_insert(0) += 1;
                *by_rule.entry(r.rule_id.to_string()).or_insert(0) += 1;
            }
            let s = summarise(&ds, &rules, &found);
            assert_eq!(
                (s.findings, s.schools_with_findings),
                (found.len(), schools.len())
            );
            assert_eq!(
                (&s.by_township, &s.by_category, &s.by_rule),
                (&towns, &cats, &by_rule)
            );
            for c in &s.by_school {
                let &(n, v, w, nearest) = &schools[c.school_id.as_str()];
                assert_eq!(
                    (c.findings, c.venues, c.water, c.nearest_m),
                    (n, v, w, nearest)
                );
            }
            assert!(s.by_school.windows(2).all(|p| p[0].findings > p[1].findings
                || (p[0].findings == p[1].findings && p[0].nearest_m <= p[1].nearest_m)));
            found.reverse();
        }
    }
}
