//! Planning defaults per school kind (weight when pupils are unknown, arrival and departure windows)
//! and roster settings, from a TOML file like `data/posts/posts.toml` (built in as the default).

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::model::SchoolKind;

/// The built-in defaults, `data/posts/posts.toml`.
pub const DEFAULT_TOML: &str = include_str!("../../data/posts/posts.toml");

/// A daily window in minutes after midnight, `start < end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Window {
    pub start: u16,
    pub end: u16,
}

impl Window {
    /// Parses `"HH:MM-HH:MM"`.
    ///
    /// ```
    /// use perimeter::posts::config::Window;
    /// let w = Window::parse("07:20-08:00").unwrap();
    /// assert_eq!((w.start, w.end), (440, 480));
    /// assert_eq!(w.to_string(), "07:20-08:00");
    /// assert!(Window::parse("08:00-07:20").is_err());
    /// assert!(Window::parse("7h").is_err());
    /// ```
    pub fn parse(s: &str) -> Result<Window, String> {
        let clock = |t: &str| -> Result<u16, String> {
            let (h, m) = t
                .trim()
                .split_once(':')
                .ok_or_else(|| format!("'{t}' is not HH:MM"))?;
            let h: u16 = h.parse().map_err(|_| format!("'{t}' is not HH:MM"))?;
            let m: u16 = m.parse().map_err(|_| format!("'{t}' is not HH:MM"))?;
            if h > 23 || m > 59 {
                return Err(format!("'{t}' is not a time of day"));
            }
            Ok(h * 60 + m)
        };
        let (a, b) = s
            .split_once('-')
            .ok_or_else(|| format!("'{s}' is not HH:MM-HH:MM"))?;
        let (start, end) = (clock(a)?, clock(b)?);
        if start >= end {
            return Err(format!("'{s}' ends before it starts"));
        }
        Ok(Window { start, end })
    }

    /// True when the two windows, each widened by `gap` minutes at its end, share a minute.
    pub fn conflicts(&self, other: &Window, gap: u16) -> bool {
        let g = u32::from(gap);
        u32::from(self.start) < u32::from(other.end) + g
            && u32::from(other.start) < u32::from(self.end) + g
    }

    /// The smallest window holding both.
    pub fn hull(&self, other: &Window) -> Window {
        Window {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

impl serde::Serialize for Window {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl std::fmt::Display for Window {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:02}:{:02}-{:02}:{:02}",
            self.start / 60,
            self.start % 60,
            self.end / 60,
            self.end % 60
        )
    }
}

/// Settings for one school kind.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KindSettings {
    /// Weight of a school of this kind whose pupil count is unknown.
    pub pupils: u32,
    /// Arrival (上学) window.
    pub morning: Window,
    /// Departure (放学) window.
    pub afternoon: Window,
}

/// The whole configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct PostsConfig {
    pub kinds: BTreeMap<SchoolKind, KindSettings>,
    /// Minutes an officer needs between two posts.
    pub travel_minutes: u16,
    /// Posts further apart than this are never given to one officer.
    pub max_travel_m: f64,
}

/// What is wrong with a configuration file.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PostsConfigError {
    #[error("not valid TOML: {0}")]
    Toml(String),
    #[error("kinds.{kind}: {message}")]
    Kind { kind: String, message: String },
    #[error("the kind 'other' is required (it is the fallback)")]
    NoOther,
    #[error("roster.{field}: {message}")]
    Roster {
        field: &'static str,
        message: String,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawKind {
    pupils: u32,
    morning: String,
    afternoon: String,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawRoster {
    travel_minutes: Option<u16>,
    max_travel_m: Option<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    roster: RawRoster,
    kinds: BTreeMap<String, RawKind>,
}

impl PostsConfig {
    /// Parses a configuration file's text.
    pub fn from_toml(text: &str) -> Result<PostsConfig, PostsConfigError> {
        let raw: RawConfig =
            toml::from_str(text).map_err(|e| PostsConfigError::Toml(e.message().to_string()))?;
        let mut kinds = BTreeMap::new();
        for (name, k) in raw.kinds {
            let err = |message: String| PostsConfigError::Kind {
                kind: name.clone(),
                message,
            };
            let kind: SchoolKind = name.parse().map_err(|e| err(format!("{e}")))?;
            if kind == SchoolKind::NotCovered {
                return Err(err("schools of this kind are not planned for".into()));
            }
            if k.pupils == 0 {
                return Err(err("pupils must be at least 1".into()));
            }
            let morning = Window::parse(&k.morning).map_err(|e| err(format!("morning: {e}")))?;
            let afternoon =
                Window::parse(&k.afternoon).map_err(|e| err(format!("afternoon: {e}")))?;
            kinds.insert(
                kind,
                KindSettings {
                    pupils: k.pupils,
                    morning,
                    afternoon,
                },
            );
        }
        if !kinds.contains_key(&SchoolKind::Other) {
            return Err(PostsConfigError::NoOther);
        }
        let max_travel_m = raw.roster.max_travel_m.unwrap_or(3000.0);
        if !(max_travel_m.is_finite() && max_travel_m >= 0.0) {
            return Err(PostsConfigError::Roster {
                field: "max_travel_m",
                message: format!("{max_travel_m} is not a distance in metres"),
            });
        }
        let travel_minutes = raw.roster.travel_minutes.unwrap_or(10);
        if travel_minutes > 24 * 60 {
            return Err(PostsConfigError::Roster {
                field: "travel_minutes",
                message: format!("{travel_minutes} is more than a day"),
            });
        }
        Ok(PostsConfig {
            kinds,
            travel_minutes,
            max_travel_m,
        })
    }

    /// The settings for a kind (falling back to `other`).
    pub fn kind(&self, kind: SchoolKind) -> KindSettings {
        self.kinds
            .get(&kind)
            .or_else(|| self.kinds.get(&SchoolKind::Other))
            .copied()
            .unwrap_or(KindSettings {
                pupils: 500,
                morning: Window {
                    start: 440,
                    end: 480,
                },
                afternoon: Window {
                    start: 990,
                    end: 1040,
                },
            })
    }
}

impl Default for PostsConfig {
    fn default() -> Self {
        PostsConfig::from_toml(DEFAULT_TOML).expect("the built-in posts.toml is valid")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_config_parses() {
        let c = PostsConfig::default();
        assert_eq!(c.kinds.len(), 9);
        assert_eq!(c.kind(SchoolKind::Primary).pupils, 800);
        assert_eq!(
            c.kind(SchoolKind::Primary).morning.to_string(),
            "07:20-08:00"
        );
        assert_eq!(c.travel_minutes, 10);
        assert_eq!(c.max_travel_m, 3000.0);
    }

    #[test]
    fn bad_config_names_the_field() {
        let e = PostsConfig::from_toml(
            "[kinds.other]\npupils = 5\nmorning = \"08:00-07:00\"\nafternoon = \"16:00-17:00\"\n",
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "kinds.other: morning: '08:00-07:00' ends before it starts"
        );
        let e = PostsConfig::from_toml(
            "[kinds.primary]\npupils = 5\nmorning = \"07:00-08:00\"\nafternoon = \"16:00-17:00\"\n",
        )
        .unwrap_err();
        assert_eq!(e, PostsConfigError::NoOther);
        assert!(PostsConfig::from_toml(
            "[kinds.bogus]\npupils=1\nmorning=\"07:00-08:00\"\nafternoon=\"16:00-17:00\"\n"
        )
        .unwrap_err()
        .to_string()
        .starts_with("kinds.bogus: unknown school kind"));
    }

    #[test]
    fn roster_settings_are_checked() {
        let kinds =
            "[kinds.other]\npupils = 5\nmorning = \"07:00-08:00\"\nafternoon = \"16:00-17:00\"\n";
        let e = PostsConfig::from_toml(&format!("[roster]\ntravel_minutes = 2000\n{kinds}"))
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "roster.travel_minutes: 2000 is more than a day"
        );
        let c =
            PostsConfig::from_toml(&format!("[roster]\ntravel_minutes = 1440\n{kinds}")).unwrap();
        let w = Window::parse("23:00-23:59").unwrap();
        assert!(w.conflicts(&w, c.travel_minutes));
    }

    #[test]
    fn windows_conflict_with_travel_time() {
        let a = Window::parse("07:20-08:00").unwrap();
        let b = Window::parse("08:05-08:30").unwrap();
        assert!(!a.conflicts(&b, 5));
        assert!(a.conflicts(&b, 6));
        assert!(b.conflicts(&a, 6));
        assert_eq!(a.hull(&b).to_string(), "07:20-08:30");
    }
}
