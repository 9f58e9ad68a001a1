//! Writers: findings (GeoJSON, CSV, summary JSON) and model layers.

pub mod dbf;
pub mod findings;
pub mod layers;
