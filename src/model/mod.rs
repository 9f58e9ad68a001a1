//! The domain model: schools, venues and water bodies, all held in WGS84 longitude/latitude degrees.
//!
//! Every geometry in the model is WGS84 (EPSG:4326) with `x = longitude`, `y = latitude`. Readers convert
//! whatever they are given into this frame (see [`crate::crs`]); metric work happens later, in
//! [`crate::measure`], in frames derived from these coordinates.

mod category;
mod school;
mod venue;
mod water;

pub use category::{Category, UnknownName};
pub use school::{Gate, School, SchoolKind, Site};
pub use venue::{Footprint, Venue, VenueText};
pub use water::{WaterBody, WaterGeom, WaterKind};

/// Everything loaded for one run: the three layers.
#[derive(Debug, Clone, Default)]
pub struct Dataset {
    pub schools: Vec<School>,
    pub venues: Vec<Venue>,
    pub water: Vec<WaterBody>,
}

impl Dataset {
    /// Appends another dataset's layers to this one.
    pub fn extend(&mut self, other: Dataset) {
        self.schools.extend(other.schools);
        self.venues.extend(other.venues);
        self.water.extend(other.water);
    }
}
