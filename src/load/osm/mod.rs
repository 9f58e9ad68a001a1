//! OpenStreetMap XML and PBF → schools (with gates), venues and water.
//!
//! The file is read whole into an in-memory [`elements::Store`] (node coordinates, tagged nodes, ways
//! and relations, each sorted by id), then [`extract`] applies the tag rules of [`tags`], builds areas
//! with [`assemble`] and attaches gates with [`gates`]. OSM coordinates are WGS84 by definition; every
//! node is checked with [`crate::crs::check_lon_lat`].
//!
//! An extract often cuts relations and ways at its edge: whatever cannot be built from what the file
//! holds is dropped and listed in [`OsmData::skipped`], and the rest loads. Only a file that cannot be
//! read at all is an error ([`LoadError::Malformed`], naming the path); a bad element (unreadable
//! coordinates or references) is an error too unless `skip_invalid` is set.
//!
//! Memory: the store takes about 120 bytes per node of the file (coordinates, tags, way references).
//! XML is parsed as one document tree, which peaks at about 8.5 × the file size (a 105 MB file with
//! 830 000 nodes: 0.88 GB resident, 8.6 s in a debug build); PBF is decoded block by block (the same
//! data as a 7.3 MB PBF: 0.10 GB, 1.8 s). Prefer PBF for large extracts.
//!
//! OSM data is © OpenStreetMap contributors, ODbL 1.0: keep the attribution wherever it is shown.

pub mod assemble;
pub mod elements;
pub mod extract;
pub mod gates;
pub mod pbf;
pub mod tags;
pub mod xml;

use std::io::Read;
use std::path::Path;

use crate::load::Skipped;
use crate::model::{School, Venue, WaterBody};

use super::{LoadError, LoadOptions};

/// What an OSM file gave. Every list is sorted by element id (nodes, then ways, then relations; by
/// numeric id within each), so the same file always gives the same value.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OsmData {
    pub schools: Vec<School>,
    pub venues: Vec<Venue>,
    pub water: Vec<WaterBody>,
    /// What could not be built (elements missing from the extract, rings that do not close) or was
    /// left out under `skip_invalid`; `feature` is the element id (`osm:way/45`) or its position in the
    /// file (`#12 (osm:node/5)`).
    pub skipped: Vec<Skipped>,
    pub stats: OsmStats,
}

/// Counts of what the file held.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OsmStats {
    /// Nodes with a valid location.
    pub nodes: usize,
    pub ways: usize,
    pub relations: usize,
    /// Nodes tagged `barrier=gate` or `entrance=*`.
    pub gate_nodes: usize,
    /// Gate nodes attached to a school.
    pub gates_attached: usize,
}

/// Which of the two encodings a file uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Xml,
    Pbf,
}

/// Decides XML or PBF from the first bytes (`<` after an optional BOM and blanks → XML; a PBF blob
/// header naming `OSMHeader` → PBF), falling back to the extension (`.pbf` → PBF, `.osm`/`.xml` → XML).
/// A gzip or bzip2 file is refused with a hint.
pub fn detect(path: &Path) -> Result<Encoding, LoadError> {
    let mut head = [0u8; 64];
    let mut file = std::fs::File::open(path).map_err(|e| LoadError::io(path, e))?;
    let mut n = 0;
    while n < head.len() {
        match file.read(&mut head[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(LoadError::io(path, e)),
        }
    }
    let head = &head[..n];
    let malformed = |message: &str| LoadError::Malformed {
        path: path.to_path_buf(),
        format: "OSM",
        message: message.to_string(),
    };
    if head.starts_with(&[0x1f, 0x8b]) || head.starts_with(b"BZh") {
        return Err(malformed(
            "the file is compressed (gzip/bzip2); decompress it first",
        ));
    }
    let text = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    if text.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'<') {
        return Ok(Encoding::Xml);
    }
    if head.windows(9).any(|w| w == b"OSMHeader") {
        return Ok(Encoding::Pbf);
    }
    if head.is_empty() {
        return Err(malformed("the file is empty"));
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    if name.ends_with(".pbf") {
        Ok(Encoding::Pbf)
    } else if name.ends_with(".osm") || name.ends_with(".xml") {
        Ok(Encoding::Xml)
    } else {
        Err(malformed("neither OSM XML nor OSM PBF"))
    }
}

/// Reads an OSM XML (`.osm`) or PBF (`.osm.pbf`) file.
pub fn read(path: &Path, opts: &LoadOptions) -> Result<OsmData, LoadError> {
    let mut builder = elements::StoreBuilder::new(path, opts.skip_invalid);
    match detect(path)? {
        Encoding::Xml => {
            let bytes = std::fs::read(path).map_err(|e| LoadError::io(path, e))?;
            xml::parse(&bytes, &mut builder)?;
        }
        Encoding::Pbf => pbf::parse(&mut builder)?,
    }
    let (store, mut skipped) = builder.finish();
    let mut ex = extract::extract(&store, &opts.classifier);
    let gates_attached = gates::attach(&mut ex.schools, &ex.gates);
    skipped.append(&mut ex.skipped);
    Ok(OsmData {
        schools: ex.schools,
        venues: ex.venues,
        water: ex.water,
        skipped,
        stats: OsmStats {
            nodes: store.node_count(),
            ways: store.ways().len(),
            relations: store.relations.len(),
            gate_nodes: ex.gates.len(),
            gates_attached,
        },
    })
}
