//! Towns (乡镇/街道) and the counties they belong to: where schools and venues cluster.

use super::names;
use super::rng::{cumulative, Rng};
use super::{Extent, Scale};
use crate::geodesy::{ground_distance_m, LocalFrame};

/// A county (县/区/市) of the generated region.
#[derive(Debug, Clone)]
pub struct County {
    pub name: String,
    /// Its 6-digit administrative division code (used in licence numbers).
    pub code: u32,
}

/// A town: a cluster centre with a weight (its relative size) and a core radius.
#[derive(Debug, Clone)]
pub struct Town {
    /// The township's name (城关镇, 皇后乡, …).
    pub name: String,
    /// Index into the counties.
    pub county: usize,
    pub frame: LocalFrame,
    /// Relative size: schools scale with it, venues slightly faster.
    pub weight: f64,
    /// Radius of the built-up core, metres.
    pub radius_m: f64,
}

impl Town {
    /// A point at local offset (x, y) metres from the centre, as lon/lat degrees.
    pub fn at(&self, x: f64, y: f64) -> (f64, f64) {
        self.frame.to_lon_lat(x, y)
    }

    /// A point in the built-up core: normal around the centre with σ = `spread`·radius, cut at 2.5σ.
    /// Schools use a spread of 0.5; shops crowd the centre more (0.35).
    pub fn core_point(&self, rng: &mut Rng, spread: f64) -> (f64, f64) {
        let s = spread * self.radius_m;
        loop {
            let (x, y) = (rng.normal() * s, rng.normal() * s);
            if x.hypot(y) <= 2.5 * s {
                return self.at(x, y);
            }
        }
    }

    /// A point in the countryside around the town (a village): 0.5–5 km beyond the core.
    pub fn village_point(&self, rng: &mut Rng) -> (f64, f64) {
        let r = self.radius_m + rng.range(500.0, 5_000.0);
        let a = rng.range(0.0, std::f64::consts::TAU);
        self.at(r * a.cos(), r * a.sin())
    }
}

/// The layout of one scale: how many towns and counties, where the capital is.
struct Layout {
    towns: usize,
    counties: usize,
    prefectures: usize,
    capital: (f64, f64),
    capital_weight: f64,
}

fn layout(scale: Scale) -> Layout {
    match scale {
        Scale::County => Layout {
            towns: names::COUNTY_TOWNSHIPS.len(),
            counties: 1,
            prefectures: 0,
            capital: (112.43, 33.49),
            capital_weight: 6.0,
        },
        Scale::City => Layout {
            towns: 150,
            counties: 12,
            prefectures: 0,
            capital: (112.53, 33.00),
            capital_weight: 30.0,
        },
        Scale::Province => Layout {
            towns: 2_000,
            counties: 160,
            prefectures: 17,
            capital: (113.65, 34.76),
            capital_weight: 100.0,
        },
    }
}

/// Places the towns of `scale` and names them and their counties. The first town is the capital
/// (the county seat at county scale); towns `0..counties` are county seats.
pub fn place(scale: Scale, rng: &mut Rng) -> (Vec<County>, Vec<Town>) {
    let l = layout(scale);
    let extent = scale.extent();
    let margin_deg = 0.03;
    let mut centres: Vec<(f64, f64)> = vec![l.capital];
    let mut weights: Vec<f64> = vec![l.capital_weight];
    for i in 1..l.towns {
        let (min_gap_m, weight) = if i <= l.prefectures {
            (60_000.0, 25.0)
        } else if i < l.counties {
            (15_000.0, 5.0)
        } else {
            (4_000.0, 0.5 + 3.0 * rng.f64().powi(2))
        };
        let mut gap = min_gap_m;
        let mut attempts = 0;
        let p = loop {
            let p = (
                rng.range(extent.min_lon + margin_deg, extent.max_lon - margin_deg),
                rng.range(extent.min_lat + margin_deg, extent.max_lat - margin_deg),
            );
            if centres.iter().all(|&c| ground_distance_m(c, p) >= gap) {
                break p;
            }
            attempts += 1;
            if attempts % 500 == 0 {
                gap *= 0.8;
            }
        };
        centres.push(p);
        weights.push(weight);
    }

    let counties: Vec<County> = if scale == Scale::County {
        vec![County {
            name: names::COUNTY_NAME.to_string(),
            code: names::COUNTY_CODE,
        }]
    } else {
        let stems = names::place_stems(rng);
        (0..l.counties)
            .map(|k| {
                let suffix = if k <= l.prefectures {
                    "区"
                } else if rng.chance(0.1) {
                    "市"
                } else {
                    "县"
                };
                let code = if scale == Scale::City {
                    411_302 + k as u32
                } else {
                    410_101 + (k as u32 / 30) * 100 + k as u32 % 30
                };
                County {
                    name: format!("{}{suffix}", stems[k]),
                    code,
                }
            })
            .collect()
    };

    let town_stems = if scale == Scale::County {
        Vec::new()
    } else {
        let mut s = names::place_stems(rng);
        // Keep county stems and town stems apart so that no town repeats its county's name.
        s.reverse();
        s
    };
    let towns = centres
        .iter()
        .zip(&weights)
        .enumerate()
        .map(|(i, (&(lon, lat), &weight))| {
            let county = if i < l.counties {
                i
            } else {
                (0..l.counties)
                    .min_by(|&a, &b| {
                        ground_distance_m(centres[a], (lon, lat))
                            .total_cmp(&ground_distance_m(centres[b], (lon, lat)))
                    })
                    .unwrap_or(0)
            };
            let name = if scale == Scale::County {
                names::COUNTY_TOWNSHIPS[i].to_string()
            } else if i < l.counties {
                format!("{}街道", town_stems[i])
            } else if rng.chance(0.7) {
                format!("{}镇", town_stems[i])
            } else {
                format!("{}乡", town_stems[i])
            };
            Town {
                name,
                county,
                frame: LocalFrame::new(lon, lat),
                weight,
                radius_m: 700.0 * weight.sqrt(),
            }
        })
        .collect();
    (counties, towns)
}

/// Running sums of the towns' weights raised to `power`, for weighted picks.
pub fn weights(towns: &[Town], power: f64) -> Vec<f64> {
    cumulative(towns.iter().map(|t| t.weight.powf(power)))
}

/// True when (lon, lat) lies inside `extent`.
pub fn inside(extent: &Extent, (lon, lat): (f64, f64)) -> bool {
    (extent.min_lon..=extent.max_lon).contains(&lon)
        && (extent.min_lat..=extent.max_lat).contains(&lat)
}
