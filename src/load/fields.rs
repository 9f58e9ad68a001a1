//! Which attribute holds which model field. The defaults cover the common Chinese and English names
//! found in county data and registry exports; a small TOML config prepends names of its own:
//!
//! ```toml
//! [schools]
//! name = ["XXMC"]
//! [venues]
//! licence = ["XKZH"]
//! ```

use std::collections::BTreeMap;

use serde::Deserialize;

/// A logical field of the model that an attribute can fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    Id,
    Name,
    Kind,
    Township,
    Pupils,
    SchoolId,
    Category,
    Licence,
    Address,
    Scope,
    Status,
    Lon,
    Lat,
    Wkt,
}

impl Field {
    pub const ALL: [Field; 14] = [
        Field::Id,
        Field::Name,
        Field::Kind,
        Field::Township,
        Field::Pupils,
        Field::SchoolId,
        Field::Category,
        Field::Licence,
        Field::Address,
        Field::Scope,
        Field::Status,
        Field::Lon,
        Field::Lat,
        Field::Wkt,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Field::Id => "id",
            Field::Name => "name",
            Field::Kind => "kind",
            Field::Township => "township",
            Field::Pupils => "pupils",
            Field::SchoolId => "school_id",
            Field::Category => "category",
            Field::Licence => "licence",
            Field::Address => "address",
            Field::Scope => "scope",
            Field::Status => "status",
            Field::Lon => "lon",
            Field::Lat => "lat",
            Field::Wkt => "wkt",
        }
    }

    /// Default attribute names, matched case-insensitively, first match wins.
    pub fn defaults(self) -> &'static [&'static str] {
        match self {
            Field::Id => &[
                "id",
                "fid",
                "编号",
                "代码",
                "学校代码",
                "学校标识码",
                "标识码",
                "objectid",
                "osm_id",
                "uid",
                "bh",
                "dm",
            ],
            Field::Name => &[
                "name",
                "名称",
                "学校名称",
                "单位名称",
                "企业名称",
                "场所名称",
                "店名",
                "名字",
                "mc",
                "xxmc",
                "dwmc",
                "name_zh",
                "title",
            ],
            Field::Kind => &[
                "kind",
                "type",
                "类型",
                "学校类型",
                "办学类型",
                "学段",
                "类别",
                "school_kind",
                "lx",
            ],
            Field::Township => &[
                "township",
                "乡镇",
                "乡镇街道",
                "乡镇（街道）",
                "乡镇(街道)",
                "街道",
                "所属乡镇",
                "town",
                "xzmc",
                "xzqmc",
            ],
            Field::Pupils => &[
                "pupils",
                "students",
                "学生数",
                "在校生数",
                "在校学生数",
                "人数",
                "xss",
            ],
            Field::SchoolId => &[
                "school_id",
                "学校编号",
                "学校代码",
                "学校id",
                "school",
                "xxdm",
            ],
            Field::Category => &[
                "category",
                "场所类别",
                "场所类型",
                "行业类别",
                "业态",
                "cat",
            ],
            Field::Licence => &[
                "licence",
                "license",
                "统一社会信用代码",
                "信用代码",
                "许可证号",
                "营业执照号",
                "注册号",
                "uscc",
                "credit_code",
            ],
            Field::Address => &[
                "address",
                "地址",
                "住所",
                "经营场所",
                "经营地址",
                "addr",
                "dz",
            ],
            Field::Scope => &["scope", "经营范围", "business_scope", "jyfw"],
            Field::Status => &["status", "状态", "登记状态", "经营状态", "zt"],
            Field::Lon => &[
                "lon",
                "lng",
                "longitude",
                "经度",
                "x",
                "long",
                "gcj_lng",
                "gcj_lon",
                "wgs_lng",
                "wgs_lon",
                "bd_lng",
                "lon_gcj",
                "point_x",
            ],
            Field::Lat => &[
                "lat", "latitude", "纬度", "y", "gcj_lat", "wgs_lat", "bd_lat", "lat_gcj",
                "point_y",
            ],
            Field::Wkt => &["wkt", "geometry", "geom", "the_geom", "shape", "wkt_geom"],
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FieldConfig {
    #[serde(default)]
    schools: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    venues: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    water: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    gates: BTreeMap<String, Vec<String>>,
}

/// Attribute names per layer and field: the user's names first, then the defaults.
#[derive(Debug, Clone, Default)]
pub struct FieldMap {
    /// (layer, field) → extra names, tried before the defaults.
    extra: BTreeMap<(super::LayerKind, Field), Vec<String>>,
}

impl PartialOrd for super::LayerKind {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for super::LayerKind {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (*self as u8).cmp(&(*other as u8))
    }
}

impl FieldMap {
    /// Parses a field config (TOML, tables `[schools]`, `[venues]`, `[water]`, `[gates]`, each
    /// `field = ["attribute", …]`). Unknown tables or fields are errors.
    pub fn from_toml(text: &str) -> Result<FieldMap, String> {
        use super::LayerKind as L;
        let cfg: FieldConfig = toml::from_str(text).map_err(|e| e.to_string())?;
        let mut extra = BTreeMap::new();
        for (layer, table) in [
            (L::Schools, cfg.schools),
            (L::Venues, cfg.venues),
            (L::Water, cfg.water),
            (L::Gates, cfg.gates),
        ] {
            for (name, attrs) in table {
                let field = Field::ALL
                    .into_iter()
                    .find(|f| f.as_str() == name)
                    .ok_or_else(|| {
                        format!(
                            "[{}] {name}: unknown field (expected one of: {})",
                            layer.as_str(),
                            Field::ALL.map(|f| f.as_str()).join(", ")
                        )
                    })?;
                extra.insert((layer, field), attrs);
            }
        }
        Ok(FieldMap { extra })
    }

    /// The attribute (among `keys`, as the file spells them) that holds `field` for `layer`.
    ///
    /// ```
    /// use perimeter::load::{fields::{Field, FieldMap}, LayerKind};
    /// let keys = ["OBJECTID", "学校名称", "经度"];
    /// let m = FieldMap::default();
    /// assert_eq!(m.resolve(LayerKind::Schools, Field::Name, keys), Some("学校名称"));
    /// assert_eq!(m.resolve(LayerKind::Schools, Field::Id, keys), Some("OBJECTID"));
    /// assert_eq!(m.resolve(LayerKind::Schools, Field::Township, keys), None);
    /// ```
    pub fn resolve<'k, I>(&self, layer: super::LayerKind, field: Field, keys: I) -> Option<&'k str>
    where
        I: IntoIterator<Item = &'k str>,
        I::IntoIter: Clone,
    {
        let keys = keys.into_iter();
        let user = self.extra.get(&(layer, field));
        let candidates = user
            .into_iter()
            .flatten()
            .map(String::as_str)
            .chain(field.defaults().iter().copied());
        // Case-insensitive without allocating: ASCII names fold case, others (Chinese) compare exactly.
        for cand in candidates {
            if let Some(k) = keys.clone().find(|k| k.trim().eq_ignore_ascii_case(cand)) {
                return Some(k);
            }
        }
        None
    }
}
