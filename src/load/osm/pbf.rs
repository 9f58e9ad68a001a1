//! OSM PBF (`.osm.pbf`) → [`super::elements::Store`], with the `osmpbf` crate, block by block.
//!
//! Coordinates are taken in nanodegrees and divided by 10⁹, so a PBF node lands on exactly the same
//! `f64` as the 7-decimal text of the same node in OSM XML. A decoding error, or a panic inside the
//! decoder on a corrupt block (it is caught here), is [`LoadError::Malformed`].

use std::fs::File;
use std::io::BufReader;
use std::panic::{catch_unwind, AssertUnwindSafe};

use osmpbf::{Element, ElementReader, RelMemberType};

use super::elements::{ElementType, Member, StoreBuilder, Tags};
use crate::load::LoadError;

const FORMAT: &str = "OSM PBF";

/// Reads the PBF file at `builder.path()` into `builder`.
pub fn parse(builder: &mut StoreBuilder) -> Result<(), LoadError> {
    let path = builder.path().to_path_buf();
    let file = File::open(&path).map_err(|e| LoadError::io(&path, e))?;
    let reader = ElementReader::new(BufReader::new(file));
    let mut index = 0usize;
    let mut first_error: Option<LoadError> = None;
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        reader.for_each(|element| {
            if first_error.is_some() {
                return;
            }
            let this = index;
            index += 1;
            if let Err(e) = add(builder, this, element) {
                first_error = Some(e);
            }
        })
    }));
    let malformed = |message: String| LoadError::Malformed {
        path: path.clone(),
        format: FORMAT,
        message,
    };
    match outcome {
        Err(_) => Err(malformed("the decoder failed on a corrupt block".into())),
        Ok(Err(e)) => Err(malformed(e.to_string())),
        Ok(Ok(())) => match first_error {
            Some(e) => Err(e),
            None if index == 0 => Err(malformed("the file holds no OSM elements".into())),
            None => Ok(()),
        },
    }
}

fn tags<'a>(it: impl Iterator<Item = (&'a str, &'a str)>) -> Tags {
    let mut t = Tags::new();
    for (k, v) in it {
        t.push(k, v);
    }
    t
}

/// Nanodegrees → degrees, correctly rounded.
fn degrees(nano: i64) -> f64 {
    nano as f64 / 1e9
}

fn add(builder: &mut StoreBuilder, index: usize, element: Element<'_>) -> Result<(), LoadError> {
    match element {
        Element::Node(n) => builder.node(
            index,
            n.id(),
            degrees(n.nano_lon()),
            degrees(n.nano_lat()),
            tags(n.tags()),
        ),
        Element::DenseNode(n) => builder.node(
            index,
            n.id(),
            degrees(n.nano_lon()),
            degrees(n.nano_lat()),
            tags(n.tags()),
        ),
        Element::Way(w) => {
            builder.way(w.id(), w.refs().collect(), tags(w.tags()));
            Ok(())
        }
        Element::Relation(r) => {
            let members = r
                .members()
                .map(|m| Member {
                    kind: match m.member_type {
                        RelMemberType::Node => ElementType::Node,
                        RelMemberType::Way => ElementType::Way,
                        RelMemberType::Relation => ElementType::Relation,
                    },
                    id: m.member_id,
                    role: m.role().unwrap_or("").to_string(),
                })
                .collect();
            builder.relation(r.id(), members, tags(r.tags()));
            Ok(())
        }
    }
}
