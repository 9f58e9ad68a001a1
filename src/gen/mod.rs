//! A deterministic synthetic region: schools, venues and water around towns, for demos, tests and
//! benchmarks. No I/O.
//!
//! Same scale and seed → the same [`Dataset`], to the bit: the generator uses its own seeded PRNG
//! ([`rng`]), and every venue is drawn from its own stream (seed, index), so venues may be generated in
//! any order or in parallel with the same result. (Trigonometric functions come from the platform's
//! math library; coordinates are rounded to 1e-7°, so results agree across platforms except, in
//! principle, on an exact rounding tie.)
//!
//! All coordinates are WGS84 lon/lat degrees rounded to 7 decimals (about 1 cm), so a layer written
//! with 7 decimals reads back equal to the generated one.
//!
//! ```
//! use perimeter::gen::{generate, Scale};
//! let d = generate(Scale::County, 2026);
//! assert_eq!((d.schools.len(), d.venues.len(), d.water.len()), (300, 30_000, 200));
//! ```

mod campus;
mod grid;
pub mod names;
pub mod rng;
mod schools;
mod towns;
mod venues;
mod water;

use std::fmt;
use std::ops::Range;
use std::str::FromStr;

use rayon::prelude::*;

use crate::model::{Dataset, School, Venue, WaterBody};

pub use schools::{HOLE_SHARE, IRREGULAR_SHARE, KIND_SHARES, MULTI_SHARE, POINT_SHARE};
pub use venues::{CATEGORY_SHARES, FOOTPRINT_SHARE, NEAR_SCHOOL_SHARE, RURAL_SHARE, VENUE_SPREAD};

/// Rounds degrees to 7 decimals (about 1 cm), the precision of generated and written coordinates.
#[inline]
pub fn round7(x: f64) -> f64 {
    (x * 1e7).round() / 1e7
}

/// A lon/lat box, degrees.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Extent {
    pub min_lon: f64,
    pub min_lat: f64,
    pub max_lon: f64,
    pub max_lat: f64,
}

/// How big a region to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scale {
    /// A county around 南召县 (Nanzhao, Henan): 12 townships.
    County,
    /// A prefecture-sized city like 南阳 (Nanyang): 12 counties, 150 towns.
    City,
    /// A province-sized region like 河南 (Henan): 160 counties, 2 000 towns.
    Province,
}

/// How many features of each layer a scale has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub schools: usize,
    pub venues: usize,
    pub water: usize,
}

impl Scale {
    pub const ALL: [Scale; 3] = [Scale::County, Scale::City, Scale::Province];

    pub fn as_str(self) -> &'static str {
        match self {
            Scale::County => "county",
            Scale::City => "city",
            Scale::Province => "province",
        }
    }

    /// Schools, venues and water bodies: county 300 / 30 000 / 200, city 3 000 / 300 000 / 2 000,
    /// province 40 000 / 4 000 000 / 20 000.
    pub fn counts(self) -> Counts {
        match self {
            Scale::County => Counts {
                schools: 300,
                venues: 30_000,
                water: 200,
            },
            Scale::City => Counts {
                schools: 3_000,
                venues: 300_000,
                water: 2_000,
            },
            Scale::Province => Counts {
                schools: 40_000,
                venues: 4_000_000,
                water: 20_000,
            },
        }
    }

    /// The region, WGS84 degrees: county lon 112.0–112.9, lat 33.2–33.8; city lon 110.6–113.8,
    /// lat 32.2–33.8; province lon 110.3–116.7, lat 31.4–36.4.
    pub fn extent(self) -> Extent {
        let (min_lon, min_lat, max_lon, max_lat) = match self {
            Scale::County => (112.0, 33.2, 112.9, 33.8),
            Scale::City => (110.6, 32.2, 113.8, 33.8),
            Scale::Province => (110.3, 31.4, 116.7, 36.4),
        };
        Extent {
            min_lon,
            min_lat,
            max_lon,
            max_lat,
        }
    }
}

impl fmt::Display for Scale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Scale {
    type Err = crate::model::UnknownName;
    /// `county`, `city` or `province` (case-insensitive).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let norm = s.trim().to_ascii_lowercase();
        Scale::ALL
            .into_iter()
            .find(|k| k.as_str() == norm)
            .ok_or_else(|| crate::model::UnknownName {
                what: "scale",
                name: s.to_string(),
                expected: "county, city, province".into(),
            })
    }
}

/// Random streams of the generator's stages.
const STREAM_TOWNS: u64 = 1;
const STREAM_SCHOOLS: u64 = 2;
const STREAM_WATER: u64 = 3;

/// The generator after its plan is made (towns, schools, water); venues are drawn on demand, one at a
/// time or in ranges, so that a province's four million venues can be streamed to a file without being
/// held in memory.
pub struct Generator {
    scale: Scale,
    seed: u64,
    extent: Extent,
    counties: Vec<towns::County>,
    towns: Vec<towns::Town>,
    schools: Vec<School>,
    town_of: Vec<usize>,
    grid: grid::Grid,
    water: Vec<WaterBody>,
    venue_weights: venues::VenueWeights,
}

impl Generator {
    /// Places the towns, schools and water of `scale` for `seed`.
    pub fn new(scale: Scale, seed: u64) -> Generator {
        let extent = scale.extent();
        let counts = scale.counts();
        let mut rng = rng::Rng::derive(seed, STREAM_TOWNS, 0);
        let (counties, towns) = towns::place(scale, &mut rng);
        let mut rng = rng::Rng::derive(seed, STREAM_SCHOOLS, 0);
        let placed = schools::generate(&mut rng, extent, &counties, &towns, counts.schools);
        let mut rng = rng::Rng::derive(seed, STREAM_WATER, 0);
        let water = water::generate(
            &mut rng,
            extent,
            &towns,
            &placed.schools,
            &placed.grid,
            counts.water,
        );
        let mut grid = placed.grid;
        grid.freeze();
        let venue_weights = venues::VenueWeights::new(&towns);
        Generator {
            scale,
            seed,
            extent,
            counties,
            towns,
            schools: placed.schools,
            town_of: placed.town_of,
            grid,
            water,
            venue_weights,
        }
    }

    pub fn scale(&self) -> Scale {
        self.scale
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    pub fn schools(&self) -> &[School] {
        &self.schools
    }

    pub fn water(&self) -> &[WaterBody] {
        &self.water
    }

    /// The township (乡镇/街道) names, the county seat first.
    pub fn townships(&self) -> Vec<&str> {
        self.towns.iter().map(|t| t.name.as_str()).collect()
    }

    pub fn venue_count(&self) -> usize {
        self.scale.counts().venues
    }

    /// Venue `index` (0-based, below [`Self::venue_count`]).
    pub fn venue(&self, index: usize) -> Venue {
        venues::venue(self, index)
    }

    /// Venues `range`, generated in parallel; equal to calling [`Self::venue`] for each index in order.
    pub fn venues(&self, range: Range<usize>) -> Vec<Venue> {
        range.into_par_iter().map(|i| self.venue(i)).collect()
    }

    /// Every layer in memory (the province's venues take a few GB: stream them with
    /// [`Self::venues`] in ranges instead).
    pub fn into_dataset(self) -> Dataset {
        let venues = self.venues(0..self.venue_count());
        Dataset {
            schools: self.schools,
            venues,
            water: self.water,
        }
    }
}

/// The whole dataset of `scale` for `seed`: same inputs, same dataset.
pub fn generate(scale: Scale, seed: u64) -> Dataset {
    Generator::new(scale, seed).into_dataset()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scale_names() {
        for s in Scale::ALL {
            assert_eq!(s.as_str().parse::<Scale>().unwrap(), s);
        }
        assert_eq!("Province".parse::<Scale>().unwrap(), Scale::Province);
        let err = "state".parse::<Scale>().unwrap_err();
        assert!(err.to_string().contains("county, city, province"), "{err}");
    }

    #[test]
    fn rounding_is_to_seven_decimals() {
        assert_eq!(round7(112.123_456_749), 112.123_456_7);
        assert_eq!(round7(112.123_456_76), 112.123_456_8);
        assert_eq!(round7(-0.000_000_04), -0.0);
    }

    #[test]
    fn venues_in_any_order() {
        let g = Generator::new(Scale::County, 9);
        let a = g.venues(100..110);
        let b: Vec<Venue> = (100..110).rev().map(|i| g.venue(i)).rev().collect();
        assert_eq!(a, b);
    }
}
