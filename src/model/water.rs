use geo_types::{MultiLineString, MultiPolygon};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

use super::UnknownName;

/// What kind of water.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WaterKind {
    River,
    Canal,
    Pond,
    Reservoir,
    Lake,
    /// 坑塘、矿坑: pits and quarry ponds.
    Pit,
    Other,
}

impl WaterKind {
    pub const ALL: [WaterKind; 7] = [
        WaterKind::River,
        WaterKind::Canal,
        WaterKind::Pond,
        WaterKind::Reservoir,
        WaterKind::Lake,
        WaterKind::Pit,
        WaterKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            WaterKind::River => "river",
            WaterKind::Canal => "canal",
            WaterKind::Pond => "pond",
            WaterKind::Reservoir => "reservoir",
            WaterKind::Lake => "lake",
            WaterKind::Pit => "pit",
            WaterKind::Other => "other",
        }
    }

    /// Infers the kind from a name: 河/江/溪 → river, 渠 → canal, 塘/池 → pond, 水库 → reservoir,
    /// 湖 → lake, 坑 → pit.
    pub fn from_name(name: &str) -> Option<WaterKind> {
        let has = |w: &[&str]| w.iter().any(|x| name.contains(x));
        if has(&["水库"]) {
            Some(WaterKind::Reservoir)
        } else if has(&["渠", "运河", "canal"]) {
            Some(WaterKind::Canal)
        } else if has(&["河", "江", "溪", "river", "stream"]) {
            Some(WaterKind::River)
        } else if has(&["湖", "lake"]) {
            Some(WaterKind::Lake)
        } else if has(&["坑塘", "塘", "池", "pond"]) {
            // 坑塘 is the land-survey word for ponds.
            Some(WaterKind::Pond)
        } else if has(&["坑"]) {
            Some(WaterKind::Pit)
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_from_names() {
        let cases = [
            ("白河", Some(WaterKind::River)),
            ("东湾坑塘", Some(WaterKind::Pond)),
            ("采砂坑", Some(WaterKind::Pit)),
            ("鸭河口水库", Some(WaterKind::Reservoir)),
            ("引丹渠", Some(WaterKind::Canal)),
            ("玄武湖", Some(WaterKind::Lake)),
            ("碧池", Some(WaterKind::Pond)),
            ("广场", None),
        ];
        for (name, want) in cases {
            assert_eq!(WaterKind::from_name(name), want, "{name}");
        }
    }
}

impl fmt::Display for WaterKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for WaterKind {
    type Err = UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let norm = s.trim().to_lowercase();
        if let Some(k) = WaterKind::ALL.into_iter().find(|k| k.as_str() == norm) {
            return Ok(k);
        }
        let zh = match norm.as_str() {
            "河流" | "河" | "江" | "溪" | "stream" | "ditch" | "drain" => {
                Some(WaterKind::River)
            }
            "沟渠" | "渠" | "运河" => Some(WaterKind::Canal),
            "坑塘" | "池塘" | "塘" | "basin" => Some(WaterKind::Pond),
            "水库" => Some(WaterKind::Reservoir),
            "湖泊" | "湖" => Some(WaterKind::Lake),
            "矿坑" | "坑" => Some(WaterKind::Pit),
            "其他" => Some(WaterKind::Other),
            _ => None,
        };
        zh.ok_or_else(|| UnknownName {
            what: "water kind",
            name: s.to_string(),
            expected: WaterKind::ALL.map(|k| k.as_str()).join(", "),
        })
    }
}

/// A water body's shape.
#[derive(Debug, Clone, PartialEq)]
pub enum WaterGeom {
    Area(MultiPolygon<f64>),
    Line(MultiLineString<f64>),
}

/// A river, canal, pond, reservoir, lake or pit.
#[derive(Debug, Clone, PartialEq)]
pub struct WaterBody {
    pub id: String,
    pub name: String,
    pub kind: WaterKind,
    pub geom: WaterGeom,
}
