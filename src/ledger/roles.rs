//! API tokens and roles. The tokens file (TOML) keeps only each token's SHA-256, never the token:
//!
//! ```toml
//! [[token]]
//! name = "county-market-regulation"   # recorded as the actor of every write made with it
//! role = "regulator"                  # viewer | analyst | regulator | police | admin
//! sha256 = "…64 hex digits…"          # `perimeter ledger hash-token` prints it
//! ```
//!
//! | role | may |
//! |---|---|
//! | none (no token) | read public layers only |
//! | `viewer` | read public layers |
//! | `analyst` | read everything, including the ledger and its exports |
//! | `regulator` | as analyst; change venue problems (assign, status) |
//! | `police` | as analyst; change water problems |
//! | `admin` | everything |

use std::path::Path;

use serde::Deserialize;
use sha2::{Digest, Sha256};

/// A token's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Viewer,
    Analyst,
    Regulator,
    Police,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Analyst => "analyst",
            Role::Regulator => "regulator",
            Role::Police => "police",
            Role::Admin => "admin",
        }
    }

    /// May see guard-post plans (where and when police stand, and who): police, analysts, admins.
    pub fn may_plan_posts(self) -> bool {
        matches!(self, Role::Police | Role::Analyst | Role::Admin)
    }

    /// May read the ledger (problems, audit, diffs, exports).
    pub fn may_read_ledger(self) -> bool {
        !matches!(self, Role::Viewer)
    }

    /// May change some problems (of at least one feature type): regulators, police, admins.
    pub fn may_edit_some(self) -> bool {
        ["venue", "water"].iter().any(|t| self.may_edit(t))
    }

    /// May record a scan of the served findings on the ledger: analysts and admins.
    pub fn may_record_scans(self) -> bool {
        matches!(self, Role::Analyst | Role::Admin)
    }

    /// May change problems about features of this type (`venue` or `water`).
    pub fn may_edit(self, feature_type: &str) -> bool {
        match self {
            Role::Admin => true,
            Role::Regulator => feature_type == "venue",
            Role::Police => feature_type == "water",
            Role::Viewer | Role::Analyst => false,
        }
    }
}

/// Who a token belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub name: String,
    pub role: Role,
}

/// The SHA-256 of a token, lower-case hex.
///
/// ```
/// assert_eq!(
///     perimeter::ledger::roles::hash_token("abc"),
///     "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
/// );
/// ```
pub fn hash_token(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    name: String,
    role: Role,
    sha256: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    token: Vec<Entry>,
}

/// A tokens file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("{path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Parse { path: String, message: String },
}

/// The configured tokens (none: every sensitive route answers 401).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tokens {
    entries: Vec<(String, Identity)>,
}

impl Tokens {
    /// Parses a tokens file's text; `origin` names it in errors.
    pub fn from_toml(text: &str, origin: &str) -> Result<Tokens, TokenError> {
        let err = |message: String| TokenError::Parse {
            path: origin.to_string(),
            message,
        };
        let file: File = toml::from_str(text).map_err(|e| err(e.to_string()))?;
        let mut entries = Vec::new();
        for (i, e) in file.token.into_iter().enumerate() {
            let hash = e.sha256.trim().to_ascii_lowercase();
            if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(err(format!(
                    "token {} ('{}'): sha256 must be 64 hex digits",
                    i + 1,
                    e.name
                )));
            }
            if e.name.trim().is_empty() {
                return Err(err(format!("token {}: name is empty", i + 1)));
            }
            if entries.iter().any(|(h, _)| *h == hash) {
                return Err(err(format!(
                    "token {} ('{}'): duplicate sha256",
                    i + 1,
                    e.name
                )));
            }
            entries.push((
                hash,
                Identity {
                    name: e.name,
                    role: e.role,
                },
            ));
        }
        Ok(Tokens { entries })
    }

    /// Reads a tokens file.
    pub fn load(path: &Path) -> Result<Tokens, TokenError> {
        let text = std::fs::read_to_string(path).map_err(|source| TokenError::Read {
            path: path.display().to_string(),
            source,
        })?;
        Tokens::from_toml(&text, &path.display().to_string())
    }

    /// Whose token this is, if anyone's.
    pub fn identify(&self, token: &str) -> Option<&Identity> {
        let h = hash_token(token);
        self.entries.iter().find(|(e, _)| *e == h).map(|(_, i)| i)
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The role table of the module's documentation, row by row.
    #[test]
    fn role_table() {
        let all = [
            Role::Viewer,
            Role::Analyst,
            Role::Regulator,
            Role::Police,
            Role::Admin,
        ];
        let rows: Vec<(&str, bool, bool, bool, bool, bool)> = all
            .iter()
            .map(|&r| {
                (
                    r.as_str(),
                    r.may_read_ledger(),
                    r.may_edit("venue"),
                    r.may_edit("water"),
                    r.may_edit_some(),
                    r.may_record_scans(),
                )
            })
            .collect();
        assert_eq!(
            rows,
            [
                ("viewer", false, false, false, false, false),
                ("analyst", true, false, false, false, true),
                ("regulator", true, true, false, true, false),
                ("police", true, false, true, true, false),
                ("admin", true, true, true, true, true),
            ]
        );
    }

    #[test]
    fn file_and_lookup() {
        let text = format!(
            "[[token]]\nname = \"reg\"\nrole = \"regulator\"\nsha256 = \"{}\"\n[[token]]\nname = \"pol\"\nrole = \"police\"\nsha256 = \"{}\"\n",
            hash_token("r-secret"),
            hash_token("p-secret").to_uppercase()
        );
        let t = Tokens::from_toml(&text, "tokens.toml").unwrap();
        assert_eq!(t.len(), 2);
        assert_eq!(
            t.identify("r-secret").map(|i| i.role),
            Some(Role::Regulator)
        );
        assert_eq!(t.identify("p-secret").map(|i| i.name.as_str()), Some("pol"));
        assert_eq!(t.identify("r-secreT"), None);
        let bad = Tokens::from_toml(
            "[[token]]\nname = \"x\"\nrole = \"mayor\"\nsha256 = \"00\"\n",
            "t.toml",
        );
        assert!(bad.unwrap_err().to_string().starts_with("t.toml: "));
        let short = Tokens::from_toml(
            "[[token]]\nname = \"x\"\nrole = \"admin\"\nsha256 = \"00\"\n",
            "t.toml",
        );
        assert_eq!(
            short.unwrap_err().to_string(),
            "t.toml: token 1 ('x'): sha256 must be 64 hex digits"
        );
        assert!(Role::Regulator.may_edit("venue") && !Role::Regulator.may_edit("water"));
        assert!(Role::Police.may_edit("water") && !Role::Police.may_edit("venue"));
        assert!(!Role::Analyst.may_edit("venue") && Role::Analyst.may_read_ledger());
        assert!(!Role::Viewer.may_read_ledger());
    }
}
