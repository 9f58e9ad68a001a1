use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A venue category the rules speak of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// 互联网上网服务营业场所: 网吧、网咖.
    InternetCafe,
    /// 歌舞娱乐场所: KTV、歌舞厅、夜总会.
    Ktv,
    /// 游艺娱乐场所: 游戏厅、电玩城.
    GameHall,
    /// 彩票销售网点 (and gambling venues).
    Lottery,
    /// 烟草零售.
    Tobacco,
    /// 存在安全隐患的场所: 加油/加气站、烟花爆竹、危险化学品.
    Hazardous,
    /// 酒吧.
    Bar,
    /// Anything else.
    Other,
}

/// The error for a name that is not one of a closed list.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} '{name}' (expected one of: {expected})")]
pub struct UnknownName {
    pub what: &'static str,
    pub name: String,
    pub expected: String,
}

impl Category {
    pub const ALL: [Category; 8] = [
        Category::InternetCafe,
        Category::Ktv,
        Category::GameHall,
        Category::Lottery,
        Category::Tobacco,
        Category::Hazardous,
        Category::Bar,
        Category::Other,
    ];

    /// The stable machine name, as used in rule files and outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::InternetCafe => "internet_cafe",
            Category::Ktv => "ktv",
            Category::GameHall => "game_hall",
            Category::Lottery => "lottery",
            Category::Tobacco => "tobacco",
            Category::Hazardous => "hazardous",
            Category::Bar => "bar",
            Category::Other => "other",
        }
    }

    /// The Chinese label shown to officials.
    pub fn label_zh(self) -> &'static str {
        match self {
            Category::InternetCafe => "网吧",
            Category::Ktv => "歌舞娱乐场所",
            Category::GameHall => "游艺娱乐场所",
            Category::Lottery => "彩票销售网点",
            Category::Tobacco => "烟草零售",
            Category::Hazardous => "危险场所",
            Category::Bar => "酒吧",
            Category::Other => "其他",
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Category {
    type Err = UnknownName;
    /// Accepts the machine name (`internet_cafe`, `ktv` …), case-insensitively, with `-` for `_`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        // Compared byte by byte as normalised (ASCII lower case, `-` as `_`): no copy of the text.
        let t = s.trim().as_bytes();
        let norm = |b: &u8| match b {
            b'-' => b'_',
            b => b.to_ascii_lowercase(),
        };
        Category::ALL
            .into_iter()
            .find(|c| c.as_str().len() == t.len() && c.as_str().bytes().eq(t.iter().map(norm)))
            .ok_or_else(|| UnknownName {
                what: "category",
                name: s.to_string(),
                expected: Category::ALL.map(|c| c.as_str()).join(", "),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for c in Category::ALL {
            assert_eq!(c.as_str().parse::<Category>().unwrap(), c);
        }
        assert_eq!("Game-Hall".parse::<Category>().unwrap(), Category::GameHall);
        assert_eq!(
            " Internet-CAFE\t".parse::<Category>().unwrap(),
            Category::InternetCafe
        );
        for wrong in ["ktv_", "kt", "internet cafe", "ｋｔｖ", ""] {
            assert!(wrong.parse::<Category>().is_err(), "{wrong:?}");
        }
        let err = "casino_hall".parse::<Category>().unwrap_err();
        assert_eq!(err.name, "casino_hall");
        assert!(err.to_string().contains("internet_cafe, ktv"));
    }
}
