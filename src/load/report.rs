//! Loading every input into one [`Dataset`], and the report of what was loaded per file: format, CRS,
//! encoding, counts by kind and category, point-only schools, gates, WGS84 extent, skipped features.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use geo::BoundingRect;
use geo_types::{Point, Rect};
use rayon::prelude::*;
use serde::Serialize;

use super::{
    build, csv, geojson, osm, shp, Format, Input, LayerKind, LoadError, LoadOptions, RawLayer,
    Skipped,
};
use crate::model::{
    Category, Dataset, Footprint, Gate, School, SchoolKind, Site, Venue, WaterBody, WaterGeom,
    WaterKind,
};

/// How many unmatched school ids of a gates file the printed report names (the JSON report has all).
const SHOWN_IDS: usize = 10;

/// How a feature is named in messages: `#12`, `#12 (id S-3)`, `#10 (line 12)`, `#10 (line 12, id V4)`;
/// the number is the 0-based position in the file, the line (CSV) 1-based.
pub(crate) fn feature_label(index: usize, line: Option<u64>, id: Option<&str>) -> String {
    match (line, id) {
        (None, None) => format!("#{index}"),
        (None, Some(id)) => format!("#{index} (id {id})"),
        (Some(l), None) => format!("#{index} (line {l})"),
        (Some(l), Some(id)) => format!("#{index} (line {l}, id {id})"),
    }
}

/// What is wrong with a feature: the field at fault and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Bad {
    pub field: String,
    pub message: String,
}

impl Bad {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Bad {
        Bad {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// Fails with a [`LoadError::Feature`], or under `skip` records the feature as skipped.
pub(crate) fn reject(
    path: &Path,
    skip: bool,
    skipped: &mut Vec<Skipped>,
    feature: String,
    bad: Bad,
) -> Result<(), LoadError> {
    if skip {
        skipped.push(Skipped {
            feature,
            field: bad.field,
            reason: bad.message,
        });
        Ok(())
    } else {
        Err(LoadError::Feature {
            path: path.to_path_buf(),
            feature,
            field: bad.field,
            message: bad.message,
        })
    }
}

/// A WGS84 bounding box in degrees.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct BBox {
    pub min_lon: f64,
    pub min_lat: f64,
    pub max_lon: f64,
    pub max_lat: f64,
}

impl BBox {
    fn add(this: &mut Option<BBox>, r: Rect<f64>) {
        let (lo, hi) = (r.min(), r.max());
        *this = Some(match *this {
            None => BBox {
                min_lon: lo.x,
                min_lat: lo.y,
                max_lon: hi.x,
                max_lat: hi.y,
            },
            Some(b) => BBox {
                min_lon: b.min_lon.min(lo.x),
                min_lat: b.min_lat.min(lo.y),
                max_lon: b.max_lon.max(hi.x),
                max_lat: b.max_lat.max(hi.y),
            },
        });
    }

    fn add_point(this: &mut Option<BBox>, p: Point<f64>) {
        BBox::add(this, Rect::new(p.0, p.0));
    }

    fn add_box(this: &mut Option<BBox>, b: BBox) {
        BBox::add(
            this,
            Rect::new((b.min_lon, b.min_lat), (b.max_lon, b.max_lat)),
        );
    }
}

/// A feature left out, as reported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SkippedFeature {
    pub feature: String,
    pub field: String,
    pub reason: String,
}

impl From<Skipped> for SkippedFeature {
    fn from(s: Skipped) -> Self {
        SkippedFeature {
            feature: s.feature,
            field: s.field,
            reason: s.reason,
        }
    }
}

/// What one file gave.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FileReport {
    pub path: PathBuf,
    /// `GeoJSON`, `Shapefile`, `CSV`, `OSM XML`, `OSM PBF`.
    pub format: &'static str,
    /// `schools`, `venues`, `water`, `gates`, or `osm` (all layers from one OpenStreetMap file).
    pub layer: &'static str,
    pub crs: String,
    /// Attribute encoding and how it was chosen (Shapefile, CSV).
    pub encoding: Option<String>,
    /// Features loaded (schools + venues + water bodies for OSM; gates read for a gates layer).
    pub features: usize,
    pub schools_by_kind: BTreeMap<SchoolKind, usize>,
    /// Schools known only as a point: every measurement from them is approximate.
    pub approximate_schools: usize,
    pub venues_by_category: BTreeMap<Category, usize>,
    pub water_by_kind: BTreeMap<WaterKind, usize>,
    /// Gates read (gates layer) or found (OSM).
    pub gates: usize,
    /// Gates of this file given to a school.
    pub gates_attached: usize,
    /// School ids named by gates of this file that match no loaded school.
    pub gates_unmatched: Vec<String>,
    /// Extent of the loaded features, WGS84 degrees.
    pub bbox: Option<BBox>,
    pub skipped: Vec<SkippedFeature>,
    pub notes: Vec<String>,
}

impl FileReport {
    fn new(
        path: &Path,
        format: Format,
        layer: &'static str,
        crs: String,
        encoding: Option<String>,
    ) -> Self {
        FileReport {
            path: path.to_path_buf(),
            format: format.as_str(),
            layer,
            crs,
            encoding,
            features: 0,
            schools_by_kind: BTreeMap::new(),
            approximate_schools: 0,
            venues_by_category: BTreeMap::new(),
            water_by_kind: BTreeMap::new(),
            gates: 0,
            gates_attached: 0,
            gates_unmatched: Vec::new(),
            bbox: None,
            skipped: Vec::new(),
            notes: Vec::new(),
        }
    }

    fn from_raw(raw: &RawLayer, input: &Input) -> Self {
        let mut r = FileReport::new(
            &raw.path,
            raw.format,
            input.layer.as_str(),
            raw.crs.name(),
            raw.encoding.clone(),
        );
        if raw.format == Format::Shapefile
            && input.crs.is_some()
            && shp::sidecar(&raw.path, "prj").is_some()
        {
            r.notes.push(format!(
                ".prj ignored: the CRS declared with --{}-crs wins",
                input.layer.as_str()
            ));
        }
        r.skipped
            .extend(raw.skipped.iter().cloned().map(SkippedFeature::from));
        r
    }

    fn count_schools(&mut self, schools: &[School]) {
        for s in schools {
            *self.schools_by_kind.entry(s.kind).or_default() += 1;
            match &s.site {
                Site::Area(a) => {
                    if let Some(r) = a.bounding_rect() {
                        BBox::add(&mut self.bbox, r);
                    }
                }
                Site::Point(p) => {
                    self.approximate_schools += 1;
                    BBox::add_point(&mut self.bbox, *p);
                }
            }
            self.gates += s.gates.len();
        }
        self.features += schools.len();
    }

    fn count_venues(&mut self, venues: &[Venue]) {
        // Counted in pieces on every thread (a province has millions), then added up; the box's minima
        // and maxima do not depend on the order.
        const N: usize = Category::ALL.len();
        let piece = |(mut counts, mut bbox): ([usize; N], Option<BBox>), v: &Venue| {
            counts[v.category as usize] += 1;
            match &v.footprint {
                Footprint::Door(p) => BBox::add_point(&mut bbox, *p),
                Footprint::Area(a) => {
                    if let Some(r) = a.bounding_rect() {
                        BBox::add(&mut bbox, r);
                    }
                }
            }
            (counts, bbox)
        };
        let (counts, bbox) = venues
            .par_iter()
            .with_min_len(1 << 14)
            .fold(|| ([0; N], None), piece)
            .reduce(
                || ([0; N], None),
                |(mut counts, mut bbox), (more, other)| {
                    for (c, m) in counts.iter_mut().zip(more) {
                        *c += m;
                    }
                    if let Some(b) = other {
                        BBox::add_box(&mut bbox, b);
                    }
                    (counts, bbox)
                },
            );
        for c in Category::ALL {
            if counts[c as usize] > 0 {
                *self.venues_by_category.entry(c).or_default() += counts[c as usize];
            }
        }
        if let Some(b) = bbox {
            BBox::add_box(&mut self.bbox, b);
        }
        self.features += venues.len();
    }

    fn count_water(&mut self, water: &[WaterBody]) {
        for w in water {
            *self.water_by_kind.entry(w.kind).or_default() += 1;
            let rect = match &w.geom {
                WaterGeom::Area(a) => a.bounding_rect(),
                WaterGeom::Line(l) => l.bounding_rect(),
            };
            if let Some(r) = rect {
                BBox::add(&mut self.bbox, r);
            }
        }
        self.features += water.len();
    }

    fn count_gates(&mut self, gates: &[(String, Gate)]) {
        for (_, g) in gates {
            BBox::add_point(&mut self.bbox, g.point);
        }
        self.gates += gates.len();
        self.features += gates.len();
    }
}

/// What every input gave.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct LoadReport {
    pub files: Vec<FileReport>,
    pub schools: usize,
    pub approximate_schools: usize,
    pub venues: usize,
    pub water: usize,
    /// Gates given to schools (from gate layers and OSM).
    pub gates: usize,
}

impl LoadReport {
    /// Features skipped in every file.
    pub fn skipped_count(&self) -> usize {
        self.files.iter().map(|f| f.skipped.len()).sum()
    }

    /// True when any input was an OpenStreetMap file (its attribution must be shown).
    pub fn uses_osm(&self) -> bool {
        self.files.iter().any(|f| f.layer == "osm")
    }
}

fn join_counts<K: fmt::Display>(m: &BTreeMap<K, usize>) -> String {
    m.iter()
        .map(|(k, n)| format!("{k} {n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl fmt::Display for FileReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} — {}", self.layer, self.path.display())?;
        writeln!(f, "  format     {}", self.format)?;
        writeln!(f, "  CRS        {}", self.crs)?;
        if let Some(e) = &self.encoding {
            writeln!(f, "  encoding   {e}")?;
        }
        writeln!(f, "  features   {}", self.features)?;
        if !self.schools_by_kind.is_empty() {
            writeln!(f, "  schools    {}", join_counts(&self.schools_by_kind))?;
            writeln!(
                f,
                "  approximate {} (point only; distances from them are approximate)",
                self.approximate_schools
            )?;
        }
        if !self.venues_by_category.is_empty() {
            let cats = self
                .venues_by_category
                .iter()
                .map(|(c, n)| format!("{c} ({}) {n}", c.label_zh()))
                .collect::<Vec<_>>()
                .join(", ");
            writeln!(f, "  venues     {cats}")?;
        }
        if !self.water_by_kind.is_empty() {
            writeln!(f, "  water      {}", join_counts(&self.water_by_kind))?;
        }
        if self.layer == "gates" {
            write!(
                f,
                "  gates      {} read, {} attached",
                self.gates, self.gates_attached
            )?;
            if self.gates_unmatched.is_empty() {
                writeln!(f)?;
            } else {
                let shown = &self.gates_unmatched[..self.gates_unmatched.len().min(SHOWN_IDS)];
                write!(f, "; no such school: {}", shown.join(", "))?;
                match self.gates_unmatched.len() - shown.len() {
                    0 => writeln!(f)?,
                    more => writeln!(f, " … and {more} more")?,
                }
            }
        } else if self.gates > 0 {
            writeln!(f, "  gates      {}", self.gates)?;
        }
        match &self.bbox {
            Some(b) => writeln!(
                f,
                "  extent     lon {:.6} … {:.6}, lat {:.6} … {:.6} (WGS84)",
                b.min_lon, b.max_lon, b.min_lat, b.max_lat
            )?,
            None => writeln!(f, "  extent     (empty)")?,
        }
        writeln!(f, "  skipped    {}", self.skipped.len())?;
        for s in &self.skipped {
            writeln!(f, "    {}, field '{}': {}", s.feature, s.field, s.reason)?;
        }
        for n in &self.notes {
            writeln!(f, "  note       {n}")?;
        }
        Ok(())
    }
}

impl fmt::Display for LoadReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for file in &self.files {
            writeln!(f, "{file}")?;
        }
        writeln!(
            f,
            "total: {} schools ({} approximate), {} venues, {} water bodies, {} gates; {} features skipped",
            self.schools,
            self.approximate_schools,
            self.venues,
            self.water,
            self.gates,
            self.skipped_count()
        )?;
        if self.uses_osm() {
            writeln!(
                f,
                "OpenStreetMap data © OpenStreetMap contributors, ODbL 1.0"
            )?;
        }
        Ok(())
    }
}

/// Reads one layer file with the reader its format needs.
pub fn read_layer(input: &Input, opts: &LoadOptions) -> Result<RawLayer, LoadError> {
    match Format::from_path(&input.path)? {
        Format::GeoJson => geojson::read(input, opts),
        Format::Shapefile => shp::read(input, opts),
        Format::Csv => csv::read(input, opts),
        Format::OsmXml | Format::OsmPbf => Err(LoadError::Config {
            path: input.path.clone(),
            message: format!(
                "an OpenStreetMap file goes with --osm, not --{}",
                input.layer.as_str()
            ),
        }),
    }
}

/// Appends `items` to `to`, moving the vector when `to` is empty (the usual case: one file per layer).
fn append<T>(to: &mut Vec<T>, mut items: Vec<T>) {
    if to.is_empty() {
        std::mem::swap(to, &mut items);
    } else {
        to.append(&mut items);
    }
}

/// Reads one layer file and builds its items: a GeoJSON file batch by batch (see
/// [`geojson::read_batches`]), other formats whole. The report lists the features skipped.
fn read_built<T: Send + build::Identified>(
    input: &Input,
    opts: &LoadOptions,
    make: build::Make<T>,
    stop: &(dyn Fn() -> bool + Sync),
) -> Result<(FileReport, Vec<T>), LoadError> {
    let mut builder = build::Builder::new(&input.path, opts, input.layer, make).stopping_when(stop);
    builder.go_on()?;
    let raw = match Format::from_path(&input.path)? {
        Format::GeoJson => geojson::read_batches(input, opts, &mut builder)?,
        _ => {
            let mut raw = read_layer(input, opts)?;
            builder.add_layer(&mut raw, Vec::new())?;
            raw
        }
    };
    let mut report = FileReport::from_raw(&raw, input);
    let (items, skipped) = builder.finish();
    report
        .skipped
        .extend(skipped.into_iter().map(SkippedFeature::from));
    Ok((report, items))
}

/// One layer file's items.
enum Items {
    Schools(Vec<School>),
    Venues(Vec<Venue>),
    Water(Vec<WaterBody>),
    Gates(Vec<(String, Gate)>),
}

/// What reading one layer file gave.
type FileRead = Result<(FileReport, Items), LoadError>;

/// Reads one layer file: its report (counts included) and its items. `stop`: asked between batches;
/// true once reading this file is of no use.
fn read_input(input: &Input, opts: &LoadOptions, stop: &(dyn Fn() -> bool + Sync)) -> FileRead {
    Ok(match input.layer {
        LayerKind::Schools => {
            let (mut report, schools) = read_built(input, opts, build::school, stop)?;
            report.count_schools(&schools);
            (report, Items::Schools(schools))
        }
        LayerKind::Venues => {
            let (mut report, venues) = read_built(input, opts, build::venue, stop)?;
            report.count_venues(&venues);
            (report, Items::Venues(venues))
        }
        LayerKind::Water => {
            let (mut report, water) = read_built(input, opts, build::water_body, stop)?;
            report.count_water(&water);
            (report, Items::Water(water))
        }
        LayerKind::Gates => {
            let (mut report, gates) = read_built(input, opts, build::gate, stop)?;
            report.count_gates(&gates);
            (report, Items::Gates(gates))
        }
    })
}

/// Loads every layer input and OSM file into one dataset, gives the schools their gates, and reports
/// what each file gave. The layer files are read side by side (a small file's one-thread steps overlap
/// the large one's); their items are put together in input order. The first error in input order stops
/// the load (unless `opts.skip_invalid`, which skips bad features and lists them in the report): once a
/// file has failed, the files listed after it stop — a GeoJSON file read in batches at its next batch,
/// any other before it is read (it is read whole) — while those listed before it are read on (one of
/// them may fail too, and its error would come first). The stop saves work when it can; it never
/// changes which error is reported. OSM files are read after the layer files, one by one.
pub fn load_all(
    inputs: &[Input],
    osm_files: &[PathBuf],
    opts: &LoadOptions,
) -> Result<(Dataset, LoadReport), LoadError> {
    let mut ds = Dataset::default();
    let mut files = Vec::new();
    let mut gate_files: Vec<(usize, Vec<(String, Gate)>)> = Vec::new();
    // The position of the first input known to have failed.
    let failed = AtomicUsize::new(usize::MAX);
    // The largest file first: its thread starts on it at once, and the small files are left for the
    // other threads to take, filling the gaps of the large file's one-thread steps (mapping it, the
    // table of its ids) instead of delaying its start.
    let mut order: Vec<usize> = (0..inputs.len()).collect();
    order.sort_by_key(|&i| {
        std::cmp::Reverse(std::fs::metadata(&inputs[i].path).map_or(0, |m| m.len()))
    });
    let mut read: Vec<(usize, FileRead)> = order
        .into_par_iter()
        .with_max_len(1)
        .map(|i| {
            let read = read_input(&inputs[i], opts, &|| failed.load(Ordering::Relaxed) < i);
            if read.is_err() {
                failed.fetch_min(i, Ordering::Relaxed);
            }
            (i, read)
        })
        .collect();
    read.sort_by_key(|&(i, _)| i);
    for (_, r) in read {
        let (report, items) = r?;
        match items {
            Items::Schools(schools) => append(&mut ds.schools, schools),
            Items::Venues(venues) => append(&mut ds.venues, venues),
            Items::Water(water) => append(&mut ds.water, water),
            Items::Gates(gates) => gate_files.push((files.len(), gates)),
        }
        files.push(report);
    }
    for path in osm_files {
        let format = Format::from_path(path)?;
        let data = osm::read(path, opts)?;
        let mut report = FileReport::new(
            path,
            format,
            "osm",
            crate::crs::Crs::Wgs84.name(),
            Some("UTF-8".into()),
        );
        report.count_schools(&data.schools);
        report.count_venues(&data.venues);
        report.count_water(&data.water);
        report
            .skipped
            .extend(data.skipped.into_iter().map(SkippedFeature::from));
        ds.schools.extend(data.schools);
        ds.venues.extend(data.venues);
        ds.water.extend(data.water);
        files.push(report);
    }
    for (file, gates) in gate_files {
        let (attached, unmatched) = build::attach_gates(&mut ds.schools, gates);
        let report = &mut files[file];
        report.gates_attached = attached;
        report.gates_unmatched = unmatched;
    }
    let report = LoadReport {
        schools: ds.schools.len(),
        approximate_schools: ds.schools.iter().filter(|s| s.approximate()).count(),
        venues: ds.venues.len(),
        water: ds.water.len(),
        gates: ds.schools.iter().map(|s| s.gates.len()).sum(),
        files,
    };
    Ok((ds, report))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    /// A GeoJSON venues file of `n` features, one per line (large enough to be read in batches).
    fn venues_file(dir: &Path, n: usize) -> Input {
        let mut text = String::from("{\"type\":\"FeatureCollection\",\"features\":[\n");
        for i in 0..n {
            if i > 0 {
                text.push_str(",\n");
            }
            text.push_str(&format!(
                r#"{{"type":"Feature","properties":{{"id":"V{i}","name":"网吧{i}","category":"internet_cafe","address":"城关镇人民路{i}号"}},"geometry":{{"type":"Point","coordinates":[112.{i:06},33.5]}}}}"#
            ));
        }
        text.push_str("\n]}\n");
        let path = dir.join("venues.geojson");
        std::fs::write(&path, text).unwrap();
        Input {
            path,
            layer: LayerKind::Venues,
            crs: None,
            encoding: None,
        }
    }

    /// Reading stops with `Stopped` when asked to, before the first batch or between batches, and reads
    /// the whole file when never asked.
    #[test]
    fn reading_stops_between_batches_when_asked() {
        let dir = tempfile::tempdir().unwrap();
        let input = venues_file(dir.path(), 20_000);
        let opts = LoadOptions::default();
        let Ok((report, Items::Venues(venues))) = read_input(&input, &opts, &|| false) else {
            panic!("venues expected");
        };
        assert_eq!(venues.len(), 20_000);
        assert_eq!(
            report.venues_by_category.get(&Category::InternetCafe),
            Some(&20_000)
        );
        let want = format!(
            "{}: not read to the end: an input listed before it failed",
            input.path.display()
        );
        let Err(err) = read_input(&input, &opts, &|| true) else {
            panic!("stopped expected");
        };
        assert_eq!(err.to_string(), want);
        // Asked once before reading and once before each batch (three here): stopping at the second
        // question stops the read before its first batch, at the third after its first batch.
        for after in [1, 2] {
            let asked = AtomicUsize::new(0);
            let stop = || asked.fetch_add(1, Ordering::Relaxed) >= after;
            let Err(err) = read_input(&input, &opts, &stop) else {
                panic!("stopped expected");
            };
            assert_eq!(err.to_string(), want);
            assert_eq!(asked.load(Ordering::Relaxed), after + 1);
        }
    }

    /// The counts per category and the box, counted in pieces on several threads, equal a plain count in
    /// order (a generated county: 30 000 venues, door points and footprints).
    #[test]
    fn venue_counts_equal_a_plain_count() {
        let ds = crate::gen::generate(crate::gen::Scale::County, 7);
        let mut want: BTreeMap<Category, usize> = BTreeMap::new();
        let mut b = [
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ];
        let mut footprints = 0;
        for v in &ds.venues {
            *want.entry(v.category).or_default() += 1;
            let r = match &v.footprint {
                Footprint::Door(p) => Rect::new(p.0, p.0),
                Footprint::Area(a) => {
                    footprints += 1;
                    a.bounding_rect().unwrap()
                }
            };
            b = [
                b[0].min(r.min().x),
                b[1].min(r.min().y),
                b[2].max(r.max().x),
                b[3].max(r.max().y),
            ];
        }
        assert!(footprints > 0 && want.len() > 3, "{footprints} {want:?}");
        for threads in [1, 4] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let mut r = FileReport::new(
                Path::new("venues.geojson"),
                Format::GeoJson,
                "venues",
                "EPSG:4326".into(),
                None,
            );
            pool.install(|| r.count_venues(&ds.venues));
            assert_eq!(r.venues_by_category, want);
            let got = r.bbox.unwrap();
            assert_eq!(
                [got.min_lon, got.min_lat, got.max_lon, got.max_lat],
                b,
                "{threads} threads"
            );
            assert_eq!(r.features, ds.venues.len());
        }
    }

    #[test]
    fn labels() {
        assert_eq!(feature_label(3, None, None), "#3");
        assert_eq!(feature_label(3, None, Some("S-3")), "#3 (id S-3)");
        assert_eq!(feature_label(10, Some(12), None), "#10 (line 12)");
        assert_eq!(
            feature_label(10, Some(12), Some("V4")),
            "#10 (line 12, id V4)"
        );
    }

    /// The printed report names the first ten unknown schools of a gates file and counts the rest.
    #[test]
    fn unmatched_gates_are_named_up_to_ten() {
        let mut r = FileReport::new(
            Path::new("gates.geojson"),
            Format::GeoJson,
            "gates",
            "EPSG:4326".into(),
            None,
        );
        r.gates = 30;
        r.gates_attached = 12;
        r.gates_unmatched = (1..=10).map(|i| format!("S{i}")).collect();
        let ten = r.to_string();
        assert!(
            ten.contains("  gates      30 read, 12 attached; no such school: S1, S2, S3, S4, S5, S6, S7, S8, S9, S10\n"),
            "{ten}"
        );
        r.gates_unmatched
            .extend(["S11".to_string(), "S12".to_string()]);
        let twelve = r.to_string();
        assert!(
            twelve.contains(
                "; no such school: S1, S2, S3, S4, S5, S6, S7, S8, S9, S10 … and 2 more\n"
            ),
            "{twelve}"
        );
    }

    #[test]
    fn reject_fails_or_skips() {
        let mut skipped = Vec::new();
        let err = reject(
            Path::new("a.geojson"),
            false,
            &mut skipped,
            "#1".into(),
            Bad::new("name", "missing"),
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "a.geojson: feature #1, field 'name': missing"
        );
        reject(
            Path::new("a.geojson"),
            true,
            &mut skipped,
            "#1".into(),
            Bad::new("name", "missing"),
        )
        .unwrap();
        assert_eq!(
            skipped,
            vec![Skipped {
                feature: "#1".into(),
                field: "name".into(),
                reason: "missing".into()
            }]
        );
    }
}
