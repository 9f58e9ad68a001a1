//! Findings as records with names and legal basis, and their files: `findings.geojson` (one Feature per
//! finding, geometry = the measured line), `findings.csv` (UTF-8 with BOM, so Excel shows Chinese) and
//! `summary.json` (counts per school, township, category and rule).

use std::collections::BTreeMap;
use std::io::{self, Write};

use rayon::prelude::*;
use serde::Serialize;

use super::text;
use crate::model::Dataset;
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
        self.write_json_rest(out, None);
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

    /// The other members and the closing brace; `basis` is the legal basis already written as JSON.
    fn write_json_rest(&self, out: &mut Vec<u8>, basis: Option<&[u8]>) {
        for (k, v) in [
            ("feature_type", self.feature_type),
            ("feature_id", self.feature_id),
            ("feature_name", self.feature_name),
            ("category", self.category),
            ("rule_id", self.rule_id),
            ("method", self.method),
        ] {
            json_key(out, k);
            text::json_str(out, v);
        }
        json_key(out, "limit_m");
        text::json_f64(out, self.limit_m);
        json_key(out, "distance_m");
        text::json_f64(out, self.distance_m);
        json_key(out, "legal_basis");
        match basis {
            Some(b) => out.extend_from_slice(b),
            None => text::json_str(out, self.legal_basis),
        }
        json_key(out, "approximate");
        out.extend_from_slice(if self.approximate {
            b"true}"
        } else {
            b"false}"
        });
    }
}

/// `,"key":`
fn json_key(out: &mut Vec<u8>, k: &str) {
    out.extend_from_slice(b",\"");
    out.extend_from_slice(k.as_bytes());
    out.extend_from_slice(b"\":");
}

/// Text written once and reused: the school part of the last finding's record (findings come school by
/// school), and each rule's legal basis.
struct Fragments {
    school: Option<u32>,
    school_text: Vec<u8>,
    basis: Vec<Vec<u8>>,
}

impl Fragments {
    fn new(rules: &RuleSet, basis: impl Fn(&mut Vec<u8>, &str)) -> Self {
        Fragments {
            school: None,
            school_text: Vec::new(),
            basis: rules
                .rules
                .iter()
                .map(|r| {
                    let mut b = Vec::new();
                    basis(&mut b, &r.basis);
                    b
                })
                .collect(),
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

/// Renders `findings` chunk by chunk with `render(index of the chunk's first finding, chunk, buffer)`
/// and writes the buffers in order.
fn write_rendered(
    w: &mut impl Write,
    findings: &[Finding],
    render: impl Fn(usize, &[Finding], &mut Vec<u8>) -> io::Result<()> + Sync,
) -> io::Result<()> {
    for (b, batch) in findings.chunks(RENDER_BATCH).enumerate() {
        let buffers: Vec<Vec<u8>> = batch
            .par_chunks(RENDER_CHUNK)
            .enumerate()
            .map(|(c, chunk)| {
                let mut out = Vec::with_capacity(chunk.len() * 512);
                render(b * RENDER_BATCH + c * RENDER_CHUNK, chunk, &mut out)?;
                Ok(out)
            })
            .collect::<io::Result<_>>()?;
        for buf in buffers {
            w.write_all(&buf)?;
        }
    }
    Ok(())
}

/// Writes a GeoJSON FeatureCollection, one Feature per finding; geometry = the measured line
/// (school side → feature side), coordinates in WGS84 to 1e-7° (1 cm).
pub fn write_geojson(
    mut w: impl Write,
    ds: &Dataset,
    rules: &RuleSet,
    findings: &[Finding],
) -> io::Result<()> {
    w.write_all(b"{\"type\":\"FeatureCollection\",\"features\":[\n")?;
    write_rendered(&mut w, findings, |first, chunk, out| {
        let mut frag = Fragments::new(rules, text::json_str);
        for (i, f) in chunk.iter().enumerate() {
            if first + i > 0 {
                out.extend_from_slice(b",\n");
            }
            let (a, b) = (f.measured.from, f.measured.to);
            out.extend_from_slice(
                b"{\"type\":\"Feature\",\"geometry\":{\"type\":\"LineString\",\"coordinates\":[[",
            );
            text::fixed(out, a.0, 7);
            out.push(b',');
            text::fixed(out, a.1, 7);
            out.extend_from_slice(b"],[");
            text::fixed(out, b.0, 7);
            out.push(b',');
            text::fixed(out, b.1, 7);
            out.extend_from_slice(b"]]},\"properties\":");
            let r = record(ds, rules, f);
            out.extend_from_slice(frag.school(f, |b| r.write_json_school(b)));
            r.write_json_rest(out, Some(&frag.basis[f.rule as usize]));
            out.push(b'}');
        }
        Ok(())
    })?;
    w.write_all(b"\n]}\n")?;
    Ok(())
}

/// Writes the findings as CSV (UTF-8 with BOM), columns [`FIELDS`] plus the measured line's ends.
pub fn write_csv(
    mut w: impl Write,
    ds: &Dataset,
    rules: &RuleSet,
    findings: &[Finding],
) -> io::Result<()> {
    w.write_all("\u{feff}".as_bytes())?;
    let mut header: Vec<&str> = FIELDS.to_vec();
    header.extend(["from_lon", "from_lat", "to_lon", "to_lat"]);
    let mut cw = csv::Writer::from_writer(&mut w);
    cw.write_record(&header)?;
    cw.flush()?;
    drop(cw);
    // Each rule's limit as CSV text (`Display`, as the csv crate writes it).
    let limits: Vec<String> = rules.rules.iter().map(|r| r.limit_m.to_string()).collect();
    write_rendered(&mut w, findings, |_, chunk, out| {
        let mut frag = Fragments::new(rules, text::csv_field);
        for f in chunk {
            let r = record(ds, rules, f);
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
            for s in [
                r.feature_type,
                r.feature_id,
                r.feature_name,
                r.category,
                r.rule_id,
                r.method,
                &limits[f.rule as usize],
            ] {
                text::csv_field(out, s);
                out.push(b',');
            }
            text::fixed(out, r.distance_m, 2);
            out.push(b',');
            out.extend_from_slice(&frag.basis[f.rule as usize]);
            out.extend_from_slice(if r.approximate { b",true," } else { b",false," });
            for (k, v) in [
                f.measured.from.0,
                f.measured.from.1,
                f.measured.to.0,
                f.measured.to.1,
            ]
            .into_iter()
            .enumerate()
            {
                if k > 0 {
                    out.push(b',');
                }
                text::fixed(out, v, 7);
            }
            out.push(b'\n');
        }
        Ok(())
    })?;
    w.flush()?;
    Ok(())
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

/// Counts one more under `key`, allocating the key only the first time.
fn bump(map: &mut BTreeMap<String, usize>, key: &str) {
    match map.get_mut(key) {
        Some(n) => *n += 1,
        None => {
            map.insert(key.to_string(), 1);
        }
    }
}

/// Summarises findings. Schools are ordered worst first: most findings, then nearest, then id.
pub fn summarise(ds: &Dataset, rules: &RuleSet, findings: &[Finding]) -> Summary {
    let mut per: BTreeMap<u32, SchoolCount> = BTreeMap::new();
    let mut by_township = BTreeMap::new();
    let mut by_category = BTreeMap::new();
    let mut by_rule = BTreeMap::new();
    for f in findings {
        let r = record(ds, rules, f);
        let e = per.entry(f.school).or_insert_with(|| SchoolCount {
            school_id: r.school_id.to_string(),
            school_name: r.school_name.to_string(),
            school_kind: r.school_kind,
            township: r.township.map(str::to_string),
            findings: 0,
            venues: 0,
            water: 0,
            nearest_m: f64::INFINITY,
            approximate: r.approximate,
        });
        e.findings += 1;
        match f.feature_type {
            FeatureType::Venue => e.venues += 1,
            FeatureType::Water => e.water += 1,
        }
        e.nearest_m = e.nearest_m.min(r.distance_m);
        bump(&mut by_township, r.township.unwrap_or("(unknown)"));
        match f.feature_type {
            FeatureType::Venue => bump(&mut by_category, r.category),
            FeatureType::Water => bump(&mut by_category, &format!("water:{}", r.category)),
        }
        bump(&mut by_rule, r.rule_id);
    }
    let mut by_school: Vec<SchoolCount> = per.into_values().collect();
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
}
