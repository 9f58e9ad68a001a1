//! Mapbox Vector Tile 2.1 encoding, written directly as protocol buffers (the format is five small
//! messages; no code generator needed).
//!
//! ```text
//! Tile    { repeated Layer layers = 3; }
//! Layer   { required uint32 version = 15; required string name = 1; repeated Feature features = 2;
//!           repeated string keys = 3; repeated Value values = 4; optional uint32 extent = 5; }
//! Feature { optional uint64 id = 1; repeated uint32 tags = 2 [packed]; optional GeomType type = 3;
//!           repeated uint32 geometry = 4 [packed]; }
//! Value   { string_value = 1; float_value = 2; double_value = 3; int_value = 4; uint_value = 5;
//!           sint_value = 6; bool_value = 7; }
//! ```
//!
//! Geometry is a command stream (MoveTo = 1, LineTo = 2, ClosePath = 7; `command = id | count << 3`)
//! with zig-zag encoded deltas from a cursor that carries over between parts. Polygon exterior rings are
//! written with a positive surveyor's-formula area in tile coordinates (clockwise on screen, y down) and
//! holes with a negative one, whatever the orientation of the input: rings are reversed as needed.

use std::borrow::Cow;
use std::collections::hash_map::Entry;
use std::collections::HashMap;

use super::geometry::{ring_area2, TileGeometry, TilePoint};
use super::hash::FxBuildHasher;

/// A property value; strings may be borrowed from the data the tile is made of.
#[derive(Debug, Clone, PartialEq)]
pub enum Value<'a> {
    String(Cow<'a, str>),
    Double(f64),
    Uint(u64),
    Sint(i64),
    Bool(bool),
}

impl<'a> From<&'a str> for Value<'a> {
    fn from(s: &'a str) -> Self {
        Value::String(Cow::Borrowed(s))
    }
}

impl From<String> for Value<'_> {
    fn from(s: String) -> Self {
        Value::String(Cow::Owned(s))
    }
}

impl From<f64> for Value<'_> {
    fn from(v: f64) -> Self {
        Value::Double(v)
    }
}

impl From<bool> for Value<'_> {
    fn from(v: bool) -> Self {
        Value::Bool(v)
    }
}

impl From<u64> for Value<'_> {
    fn from(v: u64) -> Self {
        Value::Uint(v)
    }
}

/// A value's identity for de-duplication (doubles by their bits).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum ValueKey<'a> {
    String(Cow<'a, str>),
    Double(u64),
    Uint(u64),
    Sint(i64),
    Bool(bool),
}

impl<'a> From<Value<'a>> for ValueKey<'a> {
    fn from(v: Value<'a>) -> Self {
        match v {
            Value::String(s) => ValueKey::String(s),
            Value::Double(d) => ValueKey::Double(d.to_bits()),
            Value::Uint(u) => ValueKey::Uint(u),
            Value::Sint(i) => ValueKey::Sint(i),
            Value::Bool(b) => ValueKey::Bool(b),
        }
    }
}

const WIRE_VARINT: u8 = 0;
const WIRE_FIXED64: u8 = 1;
const WIRE_LEN: u8 = 2;

fn put_varint(buf: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        buf.push((v as u8) | 0x80);
        v >>= 7;
    }
    buf.push(v as u8);
}

fn put_tag(buf: &mut Vec<u8>, field: u32, wire: u8) {
    put_varint(buf, (u64::from(field) << 3) | u64::from(wire));
}

fn put_bytes(buf: &mut Vec<u8>, field: u32, bytes: &[u8]) {
    put_tag(buf, field, WIRE_LEN);
    put_varint(buf, bytes.len() as u64);
    buf.extend_from_slice(bytes);
}

fn put_packed(buf: &mut Vec<u8>, field: u32, values: &[u32], scratch: &mut Vec<u8>) {
    scratch.clear();
    for &v in values {
        put_varint(scratch, u64::from(v));
    }
    put_bytes(buf, field, scratch);
}

#[inline]
fn zigzag(n: i32) -> u32 {
    ((n << 1) ^ (n >> 31)) as u32
}

#[inline]
fn command(id: u32, count: usize) -> u32 {
    (id & 0x7) | ((count as u32) << 3)
}

const MOVE_TO: u32 = 1;
const LINE_TO: u32 = 2;
const CLOSE_PATH: u32 = 7;

/// The MVT geometry type of a geometry (1 point, 2 line string, 3 polygon).
pub fn geom_type(g: &TileGeometry) -> u32 {
    match g {
        TileGeometry::Points(_) => 1,
        TileGeometry::Lines(_) => 2,
        TileGeometry::Polygons(_) => 3,
    }
}

/// Encodes a geometry as MVT commands. Rings are oriented here (exterior: positive area in tile
/// coordinates; holes: negative); rings of zero area and polygons whose exterior has none are left out.
/// Returns an empty list when nothing is left.
///
/// ```
/// use perimeter::tiles::{mvt::encode_geometry, TileGeometry};
/// // The specification's examples (MVT 2.1, §4.3.5): a point at (25, 17), and a line (2,2) (2,10) (10,10).
/// assert_eq!(encode_geometry(&TileGeometry::Points(vec![[25, 17]])), vec![9, 50, 34]);
/// assert_eq!(
///     encode_geometry(&TileGeometry::Lines(vec![vec![[2, 2], [2, 10], [10, 10]]])),
///     vec![9, 4, 4, 18, 0, 16, 16, 0]
/// );
/// ```
pub fn encode_geometry(g: &TileGeometry) -> Vec<u32> {
    let mut out = Vec::new();
    let mut cursor = [0i32, 0i32];
    let mut step = |out: &mut Vec<u32>, p: TilePoint| {
        out.push(zigzag(p[0].wrapping_sub(cursor[0])));
        out.push(zigzag(p[1].wrapping_sub(cursor[1])));
        cursor = p;
    };
    match g {
        TileGeometry::Points(pts) => {
            if !pts.is_empty() {
                out.push(command(MOVE_TO, pts.len()));
                for &p in pts {
                    step(&mut out, p);
                }
            }
        }
        TileGeometry::Lines(lines) => {
            for line in lines.iter().filter(|l| l.len() >= 2) {
                out.push(command(MOVE_TO, 1));
                step(&mut out, line[0]);
                out.push(command(LINE_TO, line.len() - 1));
                for &p in &line[1..] {
                    step(&mut out, p);
                }
            }
        }
        TileGeometry::Polygons(polys) => {
            for rings in polys {
                for (i, ring) in rings.iter().enumerate() {
                    let area = ring_area2(ring);
                    if ring.len() < 3 || area == 0 {
                        if i == 0 {
                            break;
                        }
                        continue;
                    }
                    let exterior = i == 0;
                    let reversed: Vec<TilePoint>;
                    let ring: &[TilePoint] = if (area > 0) == exterior {
                        ring
                    } else {
                        reversed = ring.iter().rev().copied().collect();
                        &reversed
                    };
                    out.push(command(MOVE_TO, 1));
                    step(&mut out, ring[0]);
                    out.push(command(LINE_TO, ring.len() - 1));
                    for &p in &ring[1..] {
                        step(&mut out, p);
                    }
                    out.push(command(CLOSE_PATH, 1));
                }
            }
        }
    }
    out
}

/// One layer of a tile being built: features with their properties, keys and values de-duplicated.
#[derive(Debug, Clone)]
pub struct LayerBuilder<'a> {
    name: String,
    extent: u32,
    keys: Vec<&'a str>,
    values: HashMap<ValueKey<'a>, u32, FxBuildHasher>,
    /// Encoded `features` fields (tag + length + message), in order.
    features: Vec<u8>,
    count: usize,
    tags: Vec<u32>,
    scratch: Vec<u8>,
    message: Vec<u8>,
}

impl<'a> LayerBuilder<'a> {
    pub fn new(name: impl Into<String>, extent: u32) -> Self {
        LayerBuilder {
            name: name.into(),
            extent,
            keys: Vec::new(),
            values: HashMap::default(),
            features: Vec::new(),
            count: 0,
            tags: Vec::new(),
            scratch: Vec::new(),
            message: Vec::new(),
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// Features added so far.
    pub fn len(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Adds a feature; returns false (and adds nothing) when its geometry encodes to nothing.
    pub fn add(
        &mut self,
        id: Option<u64>,
        geometry: &TileGeometry,
        properties: impl IntoIterator<Item = (&'a str, Value<'a>)>,
    ) -> bool {
        let geom = encode_geometry(geometry);
        if geom.is_empty() {
            return false;
        }
        self.tags.clear();
        for (k, v) in properties {
            let ki = match self.keys.iter().position(|&x| x == k) {
                Some(i) => i as u32,
                None => {
                    self.keys.push(k);
                    (self.keys.len() - 1) as u32
                }
            };
            let next = self.values.len() as u32;
            let vi = match self.values.entry(ValueKey::from(v)) {
                Entry::Occupied(e) => *e.get(),
                Entry::Vacant(e) => *e.insert(next),
            };
            self.tags.push(ki);
            self.tags.push(vi);
        }
        let msg = &mut self.message;
        msg.clear();
        if let Some(id) = id {
            put_tag(msg, 1, WIRE_VARINT);
            put_varint(msg, id);
        }
        if !self.tags.is_empty() {
            put_packed(msg, 2, &self.tags, &mut self.scratch);
        }
        put_tag(msg, 3, WIRE_VARINT);
        put_varint(msg, u64::from(geom_type(geometry)));
        put_packed(msg, 4, &geom, &mut self.scratch);
        put_bytes(&mut self.features, 2, msg);
        self.count += 1;
        true
    }

    fn encode(&self, buf: &mut Vec<u8>) {
        put_tag(buf, 15, WIRE_VARINT);
        put_varint(buf, 2);
        put_bytes(buf, 1, self.name.as_bytes());
        buf.extend_from_slice(&self.features);
        for k in &self.keys {
            put_bytes(buf, 3, k.as_bytes());
        }
        let mut values: Vec<(&ValueKey, u32)> = self.values.iter().map(|(k, &i)| (k, i)).collect();
        values.sort_unstable_by_key(|&(_, i)| i);
        let mut v = Vec::new();
        for (value, _) in values {
            v.clear();
            match value {
                ValueKey::String(s) => put_bytes(&mut v, 1, s.as_bytes()),
                ValueKey::Double(bits) => {
                    put_tag(&mut v, 3, WIRE_FIXED64);
                    v.extend_from_slice(&f64::from_bits(*bits).to_le_bytes());
                }
                ValueKey::Uint(u) => {
                    put_tag(&mut v, 5, WIRE_VARINT);
                    put_varint(&mut v, *u);
                }
                ValueKey::Sint(i) => {
                    put_tag(&mut v, 6, WIRE_VARINT);
                    put_varint(&mut v, ((i << 1) ^ (i >> 63)) as u64);
                }
                ValueKey::Bool(b) => {
                    put_tag(&mut v, 7, WIRE_VARINT);
                    put_varint(&mut v, u64::from(*b));
                }
            }
            put_bytes(buf, 4, &v);
        }
        put_tag(buf, 5, WIRE_VARINT);
        put_varint(buf, u64::from(self.extent));
    }
}

/// Encodes the non-empty layers as one tile (empty when every layer is).
pub fn encode_tile(layers: &[LayerBuilder]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut layer = Vec::new();
    for l in layers.iter().filter(|l| !l.is_empty()) {
        layer.clear();
        l.encode(&mut layer);
        put_bytes(&mut out, 3, &layer);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_and_zigzag() {
        // Protocol Buffers encoding guide: 150 → 96 01; 300 → ac 02.
        let mut b = Vec::new();
        put_varint(&mut b, 150);
        put_varint(&mut b, 300);
        assert_eq!(b, vec![0x96, 0x01, 0xac, 0x02]);
        assert_eq!(
            [
                zigzag(0),
                zigzag(-1),
                zigzag(1),
                zigzag(-2),
                zigzag(2147483647),
                zigzag(-2147483648)
            ],
            [0, 1, 2, 3, 4294967294, 4294967295]
        );
    }

    #[test]
    fn polygon_from_the_specification() {
        // MVT 2.1 §4.3.5.3: the ring (3,6) (8,12) (20,34) is an exterior ring (area > 0) and encodes as
        // [9, 6, 12, 18, 10, 12, 24, 44, 15].
        let g = TileGeometry::Polygons(vec![vec![vec![[3, 6], [8, 12], [20, 34]]]]);
        assert_eq!(encode_geometry(&g), vec![9, 6, 12, 18, 10, 12, 24, 44, 15]);
        // The same ring given the other way round is reversed to the same orientation (starting at the
        // last vertex): (20,34) (8,12) (3,6) → reversed (3,6) (8,12) (20,34).
        let g = TileGeometry::Polygons(vec![vec![vec![[20, 34], [8, 12], [3, 6]]]]);
        assert_eq!(encode_geometry(&g), vec![9, 6, 12, 18, 10, 12, 24, 44, 15]);
    }

    #[test]
    fn holes_are_counter_clockwise() {
        // Exterior given counter-clockwise on screen, hole given clockwise: both are flipped.
        let ext = vec![[0, 0], [0, 10], [10, 10], [10, 0]];
        let hole = vec![[2, 2], [4, 2], [4, 4], [2, 4]];
        let g = TileGeometry::Polygons(vec![vec![ext, hole]]);
        let cmds = encode_geometry(&g);
        // Decode by hand: each ring reversed, exterior (10,0) (10,10) (0,10) (0,0); hole (2,4) (4,4) (4,2) (2,2).
        let unzig = |v: u32| ((v >> 1) as i32) ^ -((v & 1) as i32);
        let mut pts = Vec::new();
        let (mut x, mut y) = (0, 0);
        let mut i = 0;
        while i < cmds.len() {
            let (id, count) = (cmds[i] & 7, cmds[i] >> 3);
            i += 1;
            if id == 7 {
                pts.push(None);
                continue;
            }
            for _ in 0..count {
                x += unzig(cmds[i]);
                y += unzig(cmds[i + 1]);
                i += 2;
                pts.push(Some([x, y]));
            }
        }
        let rings: Vec<Vec<TilePoint>> = pts
            .split(|p| p.is_none())
            .filter(|r| !r.is_empty())
            .map(|r| r.iter().flatten().copied().collect())
            .collect();
        assert_eq!(rings[0], vec![[10, 0], [10, 10], [0, 10], [0, 0]]);
        assert_eq!(rings[1], vec![[2, 4], [4, 4], [4, 2], [2, 2]]);
        assert!(ring_area2(&rings[0]) > 0 && ring_area2(&rings[1]) < 0);
    }

    #[test]
    fn layer_bytes() {
        // One point feature with one property, checked byte by byte against the message layout.
        let mut l = LayerBuilder::new("a", 4096);
        assert!(l.add(
            Some(1),
            &TileGeometry::Points(vec![[25, 17]]),
            [("k", Value::Bool(true))]
        ));
        let tile = encode_tile(&[l]);
        let feature = [
            0x08, 0x01, 0x12, 0x02, 0x00, 0x00, 0x18, 0x01, 0x22, 0x03, 9, 50, 34,
        ];
        let mut layer = vec![0x78, 0x02, 0x0a, 0x01, b'a', 0x12, feature.len() as u8];
        layer.extend_from_slice(&feature);
        layer.extend_from_slice(&[0x1a, 0x01, b'k', 0x22, 0x02, 0x38, 0x01, 0x28, 0x80, 0x20]);
        let mut want = vec![0x1a, layer.len() as u8];
        want.extend_from_slice(&layer);
        assert_eq!(tile, want);
        // Empty layers are left out.
        assert!(encode_tile(&[LayerBuilder::new("b", 4096)]).is_empty());
    }
}
