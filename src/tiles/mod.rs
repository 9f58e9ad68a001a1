//! Vector tiles: Web Mercator tile maths ([`TileId`], [`mercator`]), geometry in tile coordinates
//! (projection, simplification, clipping: [`geometry`]) and the Mapbox Vector Tile encoding ([`mvt`]).
//!
//! Pure functions, no I/O. Tile coordinates are integers in `0..EXTENT` across the tile, x to the east and
//! **y down** (south), as the MVT 2.1 specification has them; geometry may reach [`BUFFER`] units beyond
//! the tile on every side, so that lines and polygons continue seamlessly across tile edges.

pub mod geometry;
pub mod hash;
pub mod mercator;
pub mod mvt;

pub use geometry::{Projector, TileGeometry, TilePoint};
pub use mvt::{encode_tile, LayerBuilder, Value};

/// Tile coordinate units across a tile (4096, the usual MVT extent: 16 units per pixel of a 256-pixel
/// tile).
pub const EXTENT: u32 = 4096;

/// Units of geometry kept beyond each edge of the tile (64 = 4 pixels of a 256-pixel tile).
pub const BUFFER: u32 = 64;

/// The highest zoom level served.
pub const MAX_ZOOM: u8 = 22;

/// A tile address on the Web Mercator quad tree (XYZ scheme: y = 0 is the northernmost row).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TileId {
    pub z: u8,
    pub x: u32,
    pub y: u32,
}

/// Why a tile address is not valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TileError {
    #[error("zoom {z} is above the highest zoom served ({max})", max = MAX_ZOOM)]
    ZoomTooHigh { z: u32 },
    #[error("tile {x}/{y} does not exist at zoom {z} (x and y must be below {n})", n = 1u64 << z)]
    OutOfRange { z: u8, x: u32, y: u32 },
}

impl TileId {
    /// A checked tile address: `z ≤ MAX_ZOOM`, `x, y < 2^z`.
    ///
    /// ```
    /// use perimeter::tiles::TileId;
    /// assert!(TileId::new(0, 0, 0).is_ok());
    /// assert!(TileId::new(3, 7, 7).is_ok());
    /// assert!(TileId::new(3, 8, 0).is_err());
    /// assert!(TileId::new(23, 0, 0).is_err());
    /// ```
    pub fn new(z: u32, x: u32, y: u32) -> Result<TileId, TileError> {
        if z > u32::from(MAX_ZOOM) {
            return Err(TileError::ZoomTooHigh { z });
        }
        let z = z as u8;
        let n = 1u64 << z;
        if u64::from(x) >= n || u64::from(y) >= n {
            return Err(TileError::OutOfRange { z, x, y });
        }
        Ok(TileId { z, x, y })
    }

    /// Number of tiles along each axis at this zoom (2^z).
    pub fn tiles_per_axis(&self) -> f64 {
        (1u64 << self.z) as f64
    }

    /// The tile's bounds in WGS84 degrees, `[west, south, east, north]`, grown by `margin` tile units
    /// (of [`EXTENT`]) on every side.
    pub fn bounds_lon_lat(&self, margin: f64) -> [f64; 4] {
        let n = self.tiles_per_axis();
        let e = f64::from(EXTENT);
        let x0 = (f64::from(self.x) - margin / e) / n;
        let x1 = (f64::from(self.x) + 1.0 + margin / e) / n;
        let y0 = (f64::from(self.y) - margin / e) / n;
        let y1 = (f64::from(self.y) + 1.0 + margin / e) / n;
        let (west, north) = mercator::world_to_lon_lat(x0, y0.max(0.0));
        let (east, south) = mercator::world_to_lon_lat(x1, y1.min(1.0));
        [west, south, east, north]
    }

    /// A lon/lat point in this tile's coordinates (units of [`EXTENT`], y down; not rounded, not clipped).
    #[inline]
    pub fn to_tile(&self, lon: f64, lat: f64) -> (f64, f64) {
        let (wx, wy) = mercator::lon_lat_to_world(lon, lat);
        let n = self.tiles_per_axis();
        let e = f64::from(EXTENT);
        (
            (wx * n - f64::from(self.x)) * e,
            (wy * n - f64::from(self.y)) * e,
        )
    }

    /// Ground metres per tile unit at latitude `lat` (for choosing tolerances).
    pub fn metres_per_unit(&self, lat: f64) -> f64 {
        let circumference = 2.0 * std::f64::consts::PI * crate::geodesy::WGS84_A;
        circumference * lat.to_radians().cos() / (self.tiles_per_axis() * f64::from(EXTENT))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_checked() {
        assert_eq!(TileId::new(22, (1 << 22) - 1, 0).map(|t| t.z), Ok(22));
        assert_eq!(TileId::new(40, 0, 0), Err(TileError::ZoomTooHigh { z: 40 }));
        assert_eq!(
            TileId::new(2, 0, 4),
            Err(TileError::OutOfRange { z: 2, x: 0, y: 4 })
        );
        assert_eq!(
            TileId::new(2, 0, 4).unwrap_err().to_string(),
            "tile 0/4 does not exist at zoom 2 (x and y must be below 4)"
        );
    }

    #[test]
    fn bounds_of_known_tiles() {
        // z0 covers the whole Mercator square: ±180°, ±85.0511287798066° (atan(sinh π)).
        let b = TileId::new(0, 0, 0).unwrap().bounds_lon_lat(0.0);
        assert_eq!((b[0], b[2]), (-180.0, 180.0));
        assert!(
            (b[3] - 85.051_128_779_806_6).abs() < 1e-12
                && (b[1] + 85.051_128_779_806_6).abs() < 1e-12
        );
        // z1 tile (1, 0) is the north-east quarter: lon 0…180, lat 0…85.05.
        let b = TileId::new(1, 1, 0).unwrap().bounds_lon_lat(0.0);
        assert_eq!((b[0], b[2]), (0.0, 180.0));
        assert!(b[1].abs() < 1e-12);
    }

    #[test]
    fn points_in_tile_units() {
        // The centre of the world is the top-left corner of z1 tile (1, 1).
        let t = TileId::new(1, 1, 1).unwrap();
        let (x, y) = t.to_tile(0.0, 0.0);
        assert!(x.abs() < 1e-9 && y.abs() < 1e-9);
        // 116.397°E 39.908°N at z10, by hand (Python, math.asinh): x = (116.397 + 180)/360·1024
        // = 843.0848, y = (1 − asinh(tan φ)/π)/2·1024 = 388.006438 → tile (843, 388), in-tile
        // (0.0848·4096, 0.006438·4096) = (347.3408, 26.3714).
        let t = TileId::new(10, 843, 388).unwrap();
        let (x, y) = t.to_tile(116.397, 39.908);
        assert!((x - 347.3408).abs() < 1e-6, "{x}");
        assert!((y - 26.371_397).abs() < 1e-5, "{y}");
    }
}
