use geo_types::{MultiPolygon, Point};

use super::Category;

/// Where a venue is measured to.
#[derive(Debug, Clone, PartialEq)]
pub enum Footprint {
    /// Its door (or its geocoded address) as a point.
    Door(Point<f64>),
    /// Its premises' footprint: distance is to the nearest edge.
    Area(MultiPolygon<f64>),
}

/// A registered business or a mapped venue.
#[derive(Debug, Clone, PartialEq)]
pub struct Venue {
    pub id: String,
    pub name: String,
    pub category: Category,
    /// 统一社会信用代码 / licence number.
    pub licence: Option<String>,
    pub address: Option<String>,
    /// 经营范围: the business-scope text.
    pub scope: Option<String>,
    /// Registry status (存续, 在业, 注销 …), as given.
    pub status: Option<String>,
    pub footprint: Footprint,
}
