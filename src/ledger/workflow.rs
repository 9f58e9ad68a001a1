//! The rectification workflow: `open → rectifying → rectified → verified (销号)`, `disputed` with a
//! reason, and the steps that are allowed between them.
//!
//! | from | may go to |
//! |---|---|
//! | `open` | `rectifying` (needs a responsible unit), `disputed` (needs a reason) |
//! | `rectifying` | `rectified`, `disputed` (needs a reason) |
//! | `rectified` | `verified` (销号), `rectifying` (verification failed: back to work) |
//! | `disputed` | `open` (dispute rejected), `verified` (dispute upheld: closed) |
//! | `verified` | nothing by hand (a later scan that finds the hazard again reopens it) |
//!
//! Anything else — `open → rectified`, `open → verified`, `rectifying → verified`, a status to itself —
//! skips or repeats a step and is refused with [`StepError`].

use std::fmt;
use std::str::FromStr;

/// A problem's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Status {
    Open,
    Rectifying,
    Rectified,
    Verified,
    Disputed,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::Open,
        Status::Rectifying,
        Status::Rectified,
        Status::Verified,
        Status::Disputed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Rectifying => "rectifying",
            Status::Rectified => "rectified",
            Status::Verified => "verified",
            Status::Disputed => "disputed",
        }
    }

    /// The Chinese term used on the lists.
    pub fn label_zh(self) -> &'static str {
        match self {
            Status::Open => "待整改",
            Status::Rectifying => "整改中",
            Status::Rectified => "已整改",
            Status::Verified => "已销号",
            Status::Disputed => "有异议",
        }
    }

    /// Statuses a problem may move to from this one.
    pub fn next(self) -> &'static [Status] {
        match self {
            Status::Open => &[Status::Rectifying, Status::Disputed],
            Status::Rectifying => &[Status::Rectified, Status::Disputed],
            Status::Rectified => &[Status::Verified, Status::Rectifying],
            Status::Disputed => &[Status::Open, Status::Verified],
            Status::Verified => &[],
        }
    }

    /// Still to be rectified (counts towards "open" and can be overdue).
    pub fn is_pending(self) -> bool {
        matches!(self, Status::Open | Status::Rectifying | Status::Disputed)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A status name that is not one of the five.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown status '{0}' (statuses: open, rectifying, rectified, verified, disputed)")]
pub struct UnknownStatus(pub String);

impl FromStr for Status {
    type Err = UnknownStatus;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Status::ALL
            .into_iter()
            .find(|st| st.as_str() == s)
            .ok_or_else(|| UnknownStatus(s.to_string()))
    }
}

/// A refused status change.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StepError {
    #[error(
        "{from} → {to} is not a step of the workflow (from {from} the next steps are: {allowed})"
    )]
    Skipped {
        from: Status,
        to: Status,
        allowed: String,
    },
    #[error("{to} needs a reason (note)")]
    NeedsReason { to: Status },
    #[error("rectifying needs a responsible unit: assign one first (or in the same change)")]
    NeedsUnit,
}

/// Checks one status change: `note` is the change's note, `has_unit` whether a responsible unit is
/// assigned (after the change's own assignment).
pub fn check_step(
    from: Status,
    to: Status,
    note: Option<&str>,
    has_unit: bool,
) -> Result<(), StepError> {
    if !from.next().contains(&to) {
        let allowed: Vec<&str> = from.next().iter().map(|s| s.as_str()).collect();
        return Err(StepError::Skipped {
            from,
            to,
            allowed: if allowed.is_empty() {
                "none (closed)".into()
            } else {
                allowed.join(", ")
            },
        });
    }
    if to == Status::Disputed && note.is_none_or(|n| n.trim().is_empty()) {
        return Err(StepError::NeedsReason { to });
    }
    if to == Status::Rectifying && !has_unit {
        return Err(StepError::NeedsUnit);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use Status::*;

    #[test]
    fn every_pair() {
        let allowed = [
            (Open, Rectifying),
            (Open, Disputed),
            (Rectifying, Rectified),
            (Rectifying, Disputed),
            (Rectified, Verified),
            (Rectified, Rectifying),
            (Disputed, Open),
            (Disputed, Verified),
        ];
        for from in Status::ALL {
            for to in Status::ALL {
                let ok = check_step(from, to, Some("reason"), true).is_ok();
                assert_eq!(ok, allowed.contains(&(from, to)), "{from} → {to}");
            }
        }
        assert_eq!(
            check_step(Open, Disputed, Some("  "), true),
            Err(StepError::NeedsReason { to: Disputed })
        );
        assert_eq!(
            check_step(Open, Rectifying, None, false),
            Err(StepError::NeedsUnit)
        );
        assert_eq!(
            check_step(Open, Verified, None, true).unwrap_err().to_string(),
            "open → verified is not a step of the workflow (from open the next steps are: rectifying, disputed)"
        );
        assert_eq!(
            "closed".parse::<Status>(),
            Err(UnknownStatus("closed".into()))
        );
    }
}
