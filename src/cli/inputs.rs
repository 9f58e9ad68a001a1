//! The input flags shared by `load`, `scan`, `check` and `serve`.

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;

use crate::classify::Classifier;
use crate::crs::Crs;
use crate::load::{fields::FieldMap, Input, LayerKind, LoadOptions};

#[derive(Debug, Clone, Args)]
pub struct InputArgs {
    /// Schools layer (GeoJSON, Shapefile or CSV).
    #[arg(long)]
    pub schools: Vec<PathBuf>,
    /// Venues layer (GeoJSON, Shapefile or CSV).
    #[arg(long)]
    pub venues: Vec<PathBuf>,
    /// Water layer (GeoJSON, Shapefile or CSV).
    #[arg(long)]
    pub water: Vec<PathBuf>,
    /// School gates: a point layer whose features carry the school's id.
    #[arg(long)]
    pub gates: Vec<PathBuf>,
    /// OpenStreetMap extract (.osm XML or .osm.pbf): schools, gates, venues and water from one file.
    #[arg(long)]
    pub osm: Vec<PathBuf>,
    /// CRS of the schools layer: wgs84, cgcs2000, gcj02, bd09, EPSG:n or a PROJ string.
    #[arg(long, value_name = "CRS")]
    pub schools_crs: Option<String>,
    /// CRS of the venues layer.
    #[arg(long, value_name = "CRS")]
    pub venues_crs: Option<String>,
    /// CRS of the water layer.
    #[arg(long, value_name = "CRS")]
    pub water_crs: Option<String>,
    /// CRS of the gates layer.
    #[arg(long, value_name = "CRS")]
    pub gates_crs: Option<String>,
    /// Attribute encoding for Shapefile and CSV inputs (utf-8, gbk, gb18030), overriding .cpg and detection.
    #[arg(long, value_name = "ENCODING")]
    pub encoding: Option<String>,
    /// Field-name config (TOML) adding attribute names per layer and field.
    #[arg(long, value_name = "FILE")]
    pub fields: Option<PathBuf>,
    /// Category keyword rules (TOML, like data/categories.toml).
    #[arg(long, value_name = "FILE")]
    pub categories: Option<PathBuf>,
    /// Load the valid features and report the invalid ones instead of stopping at the first.
    #[arg(long)]
    pub skip_invalid: bool,
}

fn parse_crs(flag: &str, value: &Option<String>) -> anyhow::Result<Option<Crs>> {
    value
        .as_deref()
        .map(|v| v.parse::<Crs>().with_context(|| format!("--{flag}")))
        .transpose()
}

impl InputArgs {
    /// True when no input at all was given.
    pub fn is_empty(&self) -> bool {
        self.schools.is_empty()
            && self.venues.is_empty()
            && self.water.is_empty()
            && self.gates.is_empty()
            && self.osm.is_empty()
    }

    /// Every input file given (layers, gates and OSM extracts), in flag order.
    pub fn files(&self) -> Vec<&std::path::Path> {
        self.schools
            .iter()
            .chain(&self.venues)
            .chain(&self.water)
            .chain(&self.gates)
            .chain(&self.osm)
            .map(PathBuf::as_path)
            .collect()
    }

    /// The layer inputs (not OSM) with their declared CRS and encoding.
    pub fn inputs(&self) -> anyhow::Result<Vec<Input>> {
        let encoding = match self.encoding.as_deref() {
            None => None,
            Some(label) => Some(
                encoding_rs::Encoding::for_label(label.as_bytes()).with_context(|| {
                    format!("--encoding: unknown encoding '{label}' (try utf-8, gbk, gb18030)")
                })?,
            ),
        };
        let mut out = Vec::new();
        for (paths, layer, flag, crs) in [
            (
                &self.schools,
                LayerKind::Schools,
                "schools-crs",
                &self.schools_crs,
            ),
            (
                &self.venues,
                LayerKind::Venues,
                "venues-crs",
                &self.venues_crs,
            ),
            (&self.water, LayerKind::Water, "water-crs", &self.water_crs),
            (&self.gates, LayerKind::Gates, "gates-crs", &self.gates_crs),
        ] {
            let crs = parse_crs(flag, crs)?;
            for p in paths {
                out.push(Input {
                    path: p.clone(),
                    layer,
                    crs: crs.clone(),
                    encoding,
                });
            }
        }
        Ok(out)
    }

    /// Field map and classifier from the config files, or the defaults.
    pub fn options(&self) -> anyhow::Result<LoadOptions> {
        let fields = match &self.fields {
            None => FieldMap::default(),
            Some(p) => {
                let text =
                    std::fs::read_to_string(p).with_context(|| format!("{}", p.display()))?;
                FieldMap::from_toml(&text).map_err(|e| anyhow::anyhow!("{}: {e}", p.display()))?
            }
        };
        let classifier = match &self.categories {
            None => Classifier::default(),
            Some(p) => {
                let text =
                    std::fs::read_to_string(p).with_context(|| format!("{}", p.display()))?;
                Classifier::from_toml(&text).with_context(|| format!("{}", p.display()))?
            }
        };
        Ok(LoadOptions {
            skip_invalid: self.skip_invalid,
            fields,
            classifier,
            drop_venue_details: false,
        })
    }
}
