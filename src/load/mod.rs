//! Files → model. Every reader turns a file into [`RawFeature`]s (attributes as text, geometry already
//! converted to WGS84), and [`build`] maps those to schools, venues, water bodies and gates with the field
//! names of [`fields::FieldMap`]. OpenStreetMap files are read by [`osm`] straight into the model.
//!
//! Errors name the file, the feature (index, or id when known) and the field. Without `skip_invalid` the
//! first bad feature stops the load; with it, every bad feature is reported in [`RawLayer::skipped`].

pub mod build;
mod bytes;
pub mod csv;
mod dbf;
pub mod encoding;
pub mod fields;
pub mod geojson;
mod geojson_feature;
mod geom;
mod ids;
mod keys;
mod mapped;
pub mod osm;
pub mod report;
pub mod shp;
mod split;
mod trim;

pub use report::{load_all, LoadReport};

use std::path::{Path, PathBuf};

use geo_types::Geometry;

use crate::crs::{Crs, CrsError};

/// Which layer a file feeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LayerKind {
    Schools,
    Venues,
    Water,
    Gates,
}

impl LayerKind {
    pub fn as_str(self) -> &'static str {
        match self {
            LayerKind::Schools => "schools",
            LayerKind::Venues => "venues",
            LayerKind::Water => "water",
            LayerKind::Gates => "gates",
        }
    }
}

/// A file's format, from its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    GeoJson,
    Shapefile,
    Csv,
    OsmXml,
    OsmPbf,
}

impl Format {
    /// `.geojson`/`.json`, `.shp`, `.csv`/`.txt`, `.osm`/`.xml`, `.pbf`/`.osm.pbf`.
    pub fn from_path(path: &Path) -> Result<Format, LoadError> {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        let f = if name.ends_with(".pbf") {
            Format::OsmPbf
        } else if name.ends_with(".osm") || name.ends_with(".osm.xml") || name.ends_with(".xml") {
            Format::OsmXml
        } else if name.ends_with(".geojson") || name.ends_with(".json") {
            Format::GeoJson
        } else if name.ends_with(".shp") {
            Format::Shapefile
        } else if name.ends_with(".csv") || name.ends_with(".txt") || name.ends_with(".tsv") {
            Format::Csv
        } else {
            return Err(LoadError::UnsupportedFormat {
                path: path.to_path_buf(),
            });
        };
        Ok(f)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Format::GeoJson => "GeoJSON",
            Format::Shapefile => "Shapefile",
            Format::Csv => "CSV",
            Format::OsmXml => "OSM XML",
            Format::OsmPbf => "OSM PBF",
        }
    }
}

/// One input file and what the user declared about it.
#[derive(Debug, Clone)]
pub struct Input {
    pub path: PathBuf,
    pub layer: LayerKind,
    /// The declared CRS (flag or config); `None` = take it from the file (.prj, GeoJSON `crs`) or the
    /// format's default (WGS84 for GeoJSON and OSM). A CSV or a Shapefile without .prj must declare it.
    pub crs: Option<Crs>,
    /// Forced attribute encoding (`utf-8`, `gbk`, `gb18030`); `None` = .cpg, then detection.
    pub encoding: Option<&'static encoding_rs::Encoding>,
}

/// How to load.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Skip bad features (and report them) instead of failing on the first.
    pub skip_invalid: bool,
    pub fields: fields::FieldMap,
    pub classifier: crate::classify::Classifier,
    /// Keep only each venue's id, name and licence, not its address, business scope and registry
    /// status (the scan's outputs and the ledger never show them; the server's venue layer does). The
    /// scope still classifies the venue. A province of four million venues then allocates, fills and
    /// copies about a quarter of a gigabyte less. Venue layer files only: venues from OpenStreetMap
    /// keep their address.
    pub drop_venue_details: bool,
}

/// An attribute's name: borrowed when it is one of the names a reader keeps for the whole run (shared by
/// every feature that has it), else owned.
pub type Key = std::borrow::Cow<'static, str>;

/// An attribute's value: kept inline up to 24 bytes (most attribute values), so that reading a feature
/// does not allocate once per attribute.
pub type Text = compact_str::CompactString;

/// A feature as read from a file: attributes as text, geometry in WGS84 lon/lat.
#[derive(Debug, Clone, PartialEq)]
pub struct RawFeature {
    /// 0-based position in the file.
    pub index: usize,
    /// Attribute name → value as text (empty/null attributes are left out).
    pub props: Vec<(Key, Text)>,
    pub geometry: Geometry<f64>,
}

impl RawFeature {
    /// Looks an attribute up by exact name.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.props
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// A feature left out under `skip_invalid`, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// "#12" (0-based index) or "#12 (id X)".
    pub feature: String,
    pub field: String,
    pub reason: String,
}

/// What a reader produced.
#[derive(Debug, Clone)]
pub struct RawLayer {
    pub path: PathBuf,
    pub format: Format,
    pub crs: Crs,
    /// Attribute encoding used, when the format has a choice (Shapefile, CSV).
    pub encoding: Option<String>,
    pub features: Vec<RawFeature>,
    pub skipped: Vec<Skipped>,
}

/// Errors while loading a file.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "{path}: unsupported file type (expected .geojson/.json, .shp, .csv, .osm or .osm.pbf)"
    )]
    UnsupportedFormat { path: PathBuf },
    #[error("{path}: not a valid {format} file: {message}")]
    Malformed {
        path: PathBuf,
        format: &'static str,
        message: String,
    },
    #[error("{path}: feature {feature}, field '{field}': {message}")]
    Feature {
        path: PathBuf,
        feature: String,
        field: String,
        message: String,
    },
    #[error("{path}: {message}")]
    Crs { path: PathBuf, message: String },
    #[error("{path}: feature {feature}: {source}")]
    Coordinate {
        path: PathBuf,
        feature: String,
        #[source]
        source: CrsError,
    },
    #[error("{path}: {message}")]
    Config { path: PathBuf, message: String },
    /// Reading stopped early because an input listed before this one failed (whose error is the one
    /// reported: see [`report::load_all`]).
    #[error("{path}: not read to the end: an input listed before it failed")]
    Stopped { path: PathBuf },
}

impl LoadError {
    pub fn io(path: &Path, source: std::io::Error) -> Self {
        LoadError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}
