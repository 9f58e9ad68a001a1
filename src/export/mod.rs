//! Writers: findings (GeoJSON, CSV, summary JSON), model layers and guard-post plans.

pub mod dbf;
pub mod findings;
pub mod layers;
pub mod posts;
pub mod text;
