//! OSM XML (API 0.6, as written by the OSM API, Overpass, osmium and JOSM) → [`super::elements::Store`].
//!
//! `<node>`, `<way>` and `<relation>` children of the `<osm>` root are read; `<bounds>`, `<note>`,
//! `<meta>` and anything else are ignored, as are elements marked `visible="false"` or
//! `action="delete"` (JOSM files). The whole document is parsed with `roxmltree`; an unreadable
//! document (truncated, not XML, wrong root) is [`LoadError::Malformed`].

use std::path::Path;

use roxmltree::{Document, Node, ParsingOptions};

use super::elements::{ElementId, ElementType, Member, StoreBuilder, Tags};
use crate::load::LoadError;

const FORMAT: &str = "OSM XML";

fn malformed(path: &Path, message: String) -> LoadError {
    LoadError::Malformed {
        path: path.to_path_buf(),
        format: FORMAT,
        message,
    }
}

/// Parses an OSM XML document held in `bytes` into `builder`.
pub fn parse(bytes: &[u8], builder: &mut StoreBuilder) -> Result<(), LoadError> {
    let path = builder.path().to_path_buf();
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes)
        .map_err(|e| malformed(&path, format!("the file is not UTF-8 text ({e})")))?;
    let options = ParsingOptions {
        allow_dtd: true,
        ..ParsingOptions::default()
    };
    let doc =
        Document::parse_with_options(text, options).map_err(|e| malformed(&path, e.to_string()))?;
    let root = doc.root_element();
    if root.tag_name().name() != "osm" {
        return Err(malformed(
            &path,
            format!(
                "the root element is <{}>, expected <osm>",
                root.tag_name().name()
            ),
        ));
    }
    let mut index = 0usize;
    for el in root.children().filter(Node::is_element) {
        let kind = match ElementType::parse(el.tag_name().name()) {
            Some(k) => k,
            None => continue,
        };
        let this = index;
        index += 1;
        if el.attribute("visible") == Some("false") || el.attribute("action") == Some("delete") {
            continue;
        }
        let Some(id) = parse_attr::<i64>(el, "id") else {
            builder.bad_element(
                format!("#{this} (<{}>)", kind.as_str()),
                "id",
                format!(
                    "missing or non-integer id {:?}",
                    el.attribute("id").unwrap_or("")
                ),
            )?;
            continue;
        };
        let feature = || format!("#{this} ({})", ElementId { kind, id });
        let tags = read_tags(el);
        match kind {
            ElementType::Node => {
                let (Some(lat), Some(lon)) =
                    (parse_attr::<f64>(el, "lat"), parse_attr::<f64>(el, "lon"))
                else {
                    builder.bad_element(
                        feature(),
                        "lat/lon",
                        format!(
                            "missing or non-numeric coordinates lat={:?} lon={:?}",
                            el.attribute("lat").unwrap_or(""),
                            el.attribute("lon").unwrap_or("")
                        ),
                    )?;
                    continue;
                };
                builder.node(this, id, lon, lat, tags)?;
            }
            ElementType::Way => {
                let mut refs = Vec::new();
                let mut bad = None;
                for nd in el.children().filter(|c| c.has_tag_name("nd")) {
                    match parse_attr::<i64>(nd, "ref") {
                        Some(r) => refs.push(r),
                        None => bad = Some(nd.attribute("ref").unwrap_or("").to_string()),
                    }
                }
                if let Some(b) = bad {
                    builder.bad_element(
                        feature(),
                        "nd/ref",
                        format!("non-integer node reference {b:?}"),
                    )?;
                    continue;
                }
                builder.way(id, refs, tags);
            }
            ElementType::Relation => {
                let mut members = Vec::new();
                let mut bad = None;
                for m in el.children().filter(|c| c.has_tag_name("member")) {
                    let t = m.attribute("type").and_then(ElementType::parse);
                    let r = parse_attr::<i64>(m, "ref");
                    match (t, r) {
                        (Some(kind), Some(id)) => members.push(Member {
                            kind,
                            id,
                            role: m.attribute("role").unwrap_or("").to_string(),
                        }),
                        _ => {
                            bad = Some(format!(
                                "type={:?} ref={:?}",
                                m.attribute("type").unwrap_or(""),
                                m.attribute("ref").unwrap_or("")
                            ))
                        }
                    }
                }
                if let Some(b) = bad {
                    builder.bad_element(feature(), "member", format!("unreadable member {b}"))?;
                    continue;
                }
                builder.relation(id, members, tags);
            }
        }
    }
    Ok(())
}

fn parse_attr<T: std::str::FromStr>(el: Node, name: &str) -> Option<T> {
    el.attribute(name).and_then(|v| v.trim().parse().ok())
}

fn read_tags(el: Node) -> Tags {
    let mut tags = Tags::new();
    for t in el.children().filter(|c| c.has_tag_name("tag")) {
        if let (Some(k), Some(v)) = (t.attribute("k"), t.attribute("v")) {
            tags.push(k, v);
        }
    }
    tags
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(
        xml: &str,
        skip: bool,
    ) -> Result<(super::super::elements::Store, Vec<crate::load::Skipped>), LoadError> {
        let mut b = StoreBuilder::new(Path::new("t.osm"), skip);
        parse(xml.as_bytes(), &mut b)?;
        Ok(b.finish())
    }

    #[test]
    fn reads_elements() {
        let xml = r#"<?xml version="1.0"?><osm version="0.6"><bounds minlat="0" minlon="0" maxlat="1" maxlon="1"/>
            <node id="2" lat="32.5" lon="118.25"><tag k="name" v="校门 &amp; 1"/></node>
            <node id="1" lat="-1.0" lon="2.0"/>
            <node id="3" lat="0" lon="0" visible="false"/>
            <way id="10"><nd ref="1"/><nd ref="2"/><tag k="highway" v="path"/></way>
            <relation id="7"><member type="way" ref="10" role="outer"/><member type="node" ref="1" role=""/></relation>
            </osm>"#;
        let (s, skipped) = load(xml, false).unwrap();
        assert!(skipped.is_empty());
        assert_eq!(s.node(1), Some((2.0, -1.0)));
        assert_eq!(s.node(2), Some((118.25, 32.5)));
        assert_eq!(s.node(3), None);
        assert_eq!(s.tagged_nodes.len(), 1);
        assert_eq!(s.tagged_nodes[0].tags.get("name"), Some("校门 & 1"));
        assert_eq!(s.way(10).map(|w| w.refs.clone()), Some(vec![1, 2]));
        assert_eq!(s.relations[0].members.len(), 2);
        assert_eq!(s.relations[0].members[0].role, "outer");
        assert_eq!(s.relations[0].members[1].kind, ElementType::Node);
    }

    #[test]
    fn bad_elements_name_index_id_and_field() {
        let xml = r#"<osm><node id="1" lat="1" lon="1"/><node id="2" lat="north" lon="1"/></osm>"#;
        let err = load(xml, false).unwrap_err().to_string();
        assert_eq!(
            err,
            "t.osm: feature #1 (osm:node/2), field 'lat/lon': missing or non-numeric coordinates lat=\"north\" lon=\"1\""
        );
        let (s, skipped) = load(xml, true).unwrap();
        assert_eq!(s.node_count(), 1);
        assert_eq!(skipped.len(), 1);

        let xml = r#"<osm><way id="5"><nd ref="x"/></way></osm>"#;
        let err = load(xml, false).unwrap_err().to_string();
        assert!(err.contains("#0 (osm:way/5), field 'nd/ref'"), "{err}");
        let xml = r#"<osm><relation id="5"><member type="area" ref="1"/></relation></osm>"#;
        let err = load(xml, false).unwrap_err().to_string();
        assert!(err.contains("#0 (osm:relation/5), field 'member'"), "{err}");
    }

    #[test]
    fn wrong_root_or_broken_xml_is_malformed() {
        let err = load("<gpx></gpx>", false).unwrap_err().to_string();
        assert_eq!(
            err,
            "t.osm: not a valid OSM XML file: the root element is <gpx>, expected <osm>"
        );
        let err = load("<osm><node id=\"1\"", false).unwrap_err();
        assert!(matches!(err, LoadError::Malformed { .. }), "{err}");
    }
}
