//! Areas from ways: a closed way is a polygon; a multipolygon relation's `outer` and `inner` member
//! ways are joined end to end into closed rings, and every inner ring becomes a hole of the smallest
//! outer ring that contains it.
//!
//! Joining uses an index of way endpoints, so it is linear in the number of member ways; inner rings
//! find their outer through an R-tree of outer bounding boxes. Whatever cannot be built (a member way
//! or node missing from the extract, a ring that does not close, an inner ring inside no outer ring) is
//! dropped and described in [`Assembled::problems`]; the rest is kept. Exteriors come out
//! counter-clockwise and holes clockwise (the GeoJSON convention).

use std::collections::HashMap;

use geo::orient::{Direction, Orient};
use geo::{Area, BoundingRect, Contains, InteriorPoint};
use geo_types::{Coord, LineString, MultiPolygon, Polygon};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{RTree, AABB};

use super::elements::{ElementType, Relation, Store, Way};

/// What a multipolygon relation gave.
#[derive(Debug, Clone, PartialEq)]
pub struct Assembled {
    /// The polygons built, ordered as their outer rings were found; `None` when none could be.
    pub area: Option<MultiPolygon<f64>>,
    /// One line per thing dropped.
    pub problems: Vec<String>,
}

/// The coordinates of a list of node references; `Err(id)` names the first node the file lacks.
pub fn coords(store: &Store, refs: &[i64]) -> Result<Vec<Coord<f64>>, i64> {
    refs.iter()
        .map(|&r| store.node(r).map(|(x, y)| Coord { x, y }).ok_or(r))
        .collect()
}

/// The polygon of a closed way (see [`Way::is_closed`]); `Err` says why there is none.
pub fn closed_way(store: &Store, way: &Way) -> Result<Polygon<f64>, String> {
    if !way.is_closed() {
        return Err(format!(
            "way is not closed ({} node references, first {:?}, last {:?})",
            way.refs.len(),
            way.refs.first(),
            way.refs.last()
        ));
    }
    let ring =
        coords(store, &way.refs).map_err(|n| format!("node {n} is missing from the file"))?;
    Ok(Polygon::new(LineString::new(ring), vec![]).orient(Direction::Default))
}

/// Joins node-reference chains end to end into closed rings. Returns the rings (first reference equal
/// to the last, at least four references) and the chains that could not be closed.
pub fn join_rings(chains: Vec<Vec<i64>>) -> (Vec<Vec<i64>>, Vec<Vec<i64>>) {
    let mut rings = Vec::new();
    let mut open_pieces: Vec<Vec<i64>> = Vec::new();
    for c in chains {
        if c.len() >= 4 && c.first() == c.last() {
            rings.push(c);
        } else if c.len() >= 2 {
            open_pieces.push(c);
        }
    }
    // endpoint node id → pieces that start or end there
    let mut ends: HashMap<i64, Vec<usize>> = HashMap::new();
    for (i, p) in open_pieces.iter().enumerate() {
        if let (Some(&a), Some(&b)) = (p.first(), p.last()) {
            ends.entry(a).or_default().push(i);
            if b != a {
                ends.entry(b).or_default().push(i);
            }
        }
    }
    let mut used = vec![false; open_pieces.len()];
    let mut open = Vec::new();
    for start in 0..open_pieces.len() {
        if used[start] {
            continue;
        }
        used[start] = true;
        let mut chain = open_pieces[start].clone();
        while let (Some(&first), Some(&last)) = (chain.first(), chain.last()) {
            if first == last && chain.len() >= 4 {
                break;
            }
            let next = ends
                .get(&last)
                .and_then(|cands| cands.iter().copied().find(|&j| !used[j]));
            let Some(j) = next else { break };
            used[j] = true;
            let piece = &open_pieces[j];
            if piece.first() == Some(&last) {
                chain.extend_from_slice(&piece[1..]);
            } else {
                chain.extend(piece.iter().rev().skip(1));
            }
        }
        if chain.len() >= 4 && chain.first() == chain.last() {
            rings.push(chain);
        } else {
            open.push(chain);
        }
    }
    (rings, open)
}

/// Assembles a multipolygon relation. Members with role `outer` or an empty role are outer ways, those
/// with role `inner` inner ways; node and relation members, and other roles, are ignored.
pub fn multipolygon(store: &Store, rel: &Relation) -> Assembled {
    let mut problems = Vec::new();
    let mut outer_chains = Vec::new();
    let mut inner_chains = Vec::new();
    for m in rel.members.iter().filter(|m| m.kind == ElementType::Way) {
        let inner = match m.role.as_str() {
            "outer" | "" => false,
            "inner" => true,
            _ => continue,
        };
        match store.way(m.id) {
            Some(w) if inner => inner_chains.push(w.refs.clone()),
            Some(w) => outer_chains.push(w.refs.clone()),
            None => problems.push(format!("member way {} is missing from the file", m.id)),
        }
    }
    let outers = rings_to_coords(store, outer_chains, "outer", &mut problems);
    let inners = rings_to_coords(store, inner_chains, "inner", &mut problems);
    if outers.is_empty() {
        if !inners.is_empty() {
            problems.push(format!(
                "{} inner ring(s) dropped: no outer ring",
                inners.len()
            ));
        }
        return Assembled {
            area: None,
            problems,
        };
    }

    let outer_polys: Vec<Polygon<f64>> = outers
        .into_iter()
        .map(|r| Polygon::new(LineString::new(r), vec![]))
        .collect();
    let areas: Vec<f64> = outer_polys.iter().map(|p| p.unsigned_area()).collect();
    let tree: RTree<GeomWithData<Rectangle<[f64; 2]>, usize>> = RTree::bulk_load(
        outer_polys
            .iter()
            .enumerate()
            .filter_map(|(i, p)| {
                p.bounding_rect().map(|r| {
                    GeomWithData::new(Rectangle::from_corners(r.min().into(), r.max().into()), i)
                })
            })
            .collect(),
    );
    let mut holes: Vec<Vec<LineString<f64>>> = vec![Vec::new(); outer_polys.len()];
    for ring in inners {
        let hole = Polygon::new(LineString::new(ring), vec![]);
        let (Some(bb), Some(inside)) = (hole.bounding_rect(), hole.interior_point()) else {
            problems.push("an inner ring is degenerate, dropped".into());
            continue;
        };
        let hole_area = hole.unsigned_area();
        let env = AABB::from_corners(bb.min().into(), bb.max().into());
        // the smallest outer that contains the hole; an island inside the hole is smaller than the hole
        let owner = tree
            .locate_in_envelope_intersecting(&env)
            .map(|g| g.data)
            .filter(|&i| {
                let (Some(p), Some(a)) = (outer_polys.get(i), areas.get(i)) else {
                    return false;
                };
                *a > hole_area && p.contains(&inside)
            })
            .min_by(|&a, &b| areas[a].total_cmp(&areas[b]).then(a.cmp(&b)));
        match owner {
            Some(i) => holes[i].push(hole.into_inner().0),
            None => problems.push("an inner ring lies in no outer ring, dropped".into()),
        }
    }
    let polys: Vec<Polygon<f64>> = outer_polys
        .into_iter()
        .zip(holes)
        .map(|(p, h)| Polygon::new(p.into_inner().0, h).orient(Direction::Default))
        .collect();
    Assembled {
        area: Some(MultiPolygon::new(polys)),
        problems,
    }
}

/// Joins chains into rings and looks their nodes up; records what had to be dropped.
fn rings_to_coords(
    store: &Store,
    chains: Vec<Vec<i64>>,
    role: &str,
    problems: &mut Vec<String>,
) -> Vec<Vec<Coord<f64>>> {
    let (rings, open) = join_rings(chains);
    for chain in &open {
        problems.push(format!(
            "an {role} ring does not close (from node {} to node {}), dropped",
            chain.first().copied().unwrap_or_default(),
            chain.last().copied().unwrap_or_default()
        ));
    }
    let mut out = Vec::new();
    for ring in rings {
        match coords(store, &ring) {
            Ok(c) => out.push(c),
            Err(n) => problems.push(format!(
                "an {role} ring has node {n} missing from the file, dropped"
            )),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_unordered_and_reversed_chains() {
        // ring 1-2-3-4-1 given as [3,4], [2,3] reversed as [3,2], [4,1,2]
        let (rings, open) = join_rings(vec![vec![3, 4], vec![3, 2], vec![4, 1, 2]]);
        assert!(open.is_empty());
        assert_eq!(rings, vec![vec![3, 4, 1, 2, 3]]);
    }

    #[test]
    fn keeps_closed_and_reports_open() {
        let (rings, open) = join_rings(vec![vec![1, 2, 3, 1], vec![7, 8], vec![8, 9], vec![5]]);
        assert_eq!(rings, vec![vec![1, 2, 3, 1]]);
        assert_eq!(open, vec![vec![7, 8, 9]]);
        // two chains that meet at both ends but have only three distinct nodes still close
        let (rings, open) = join_rings(vec![vec![1, 2], vec![2, 3, 1]]);
        assert_eq!(rings, vec![vec![1, 2, 3, 1]]);
        assert!(open.is_empty());
    }
}
