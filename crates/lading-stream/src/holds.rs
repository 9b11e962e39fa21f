//! Legal holds: ranges of sequences that retention never prunes while the
//! hold is active. A released hold stays on record with its release time.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::StreamError;

/// The holds format.
pub const HOLDS_FORMAT: &str = "lading-holds/v1";

/// A stream's holds (`holds.json` in the embedded layout).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Holds {
    /// [`HOLDS_FORMAT`].
    pub format: String,
    /// Every hold ever placed, in placing order.
    pub holds: Vec<Hold>,
}

impl Default for Holds {
    fn default() -> Self {
        Self { format: HOLDS_FORMAT.into(), holds: Vec::new() }
    }
}

/// One legal hold on sequences `[from, to)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Hold {
    /// Hold id, e.g. a case number.
    pub id: String,
    /// First sequence held.
    pub from: u64,
    /// Exclusive end; `None` holds every later event too.
    pub to: Option<u64>,
    /// Why.
    pub reason: String,
    /// When it was placed.
    pub placed_at: DateTime<Utc>,
    /// When it was released, if it was.
    pub released_at: Option<DateTime<Utc>>,
}

impl Hold {
    /// Whether the hold still holds.
    pub fn active(&self) -> bool {
        self.released_at.is_none()
    }

    /// Whether the hold is active and covers any of `[from, to)`.
    pub fn overlaps(&self, from: u64, to: u64) -> bool {
        self.active() && self.from < to && self.to.is_none_or(|end| end > from)
    }
}

impl Holds {
    /// Parses stored holds (`what` names the file or row in errors).
    pub fn parse(bytes: &[u8], what: &str) -> Result<Self, StreamError> {
        let value =
            lading_model::json::parse_strict(bytes).map_err(|e| StreamError::Corrupt(format!("{what}: {e}")))?;
        let holds: Self = serde_json::from_value(value).map_err(|e| StreamError::Corrupt(format!("{what}: {e}")))?;
        if holds.format != HOLDS_FORMAT {
            return Err(StreamError::Corrupt(format!("{what}: format {:?}, expected {HOLDS_FORMAT:?}", holds.format)));
        }
        Ok(holds)
    }

    /// The holds as stored (pretty JSON).
    pub fn to_bytes(&self) -> Vec<u8> {
        // Serialising plain data with string keys cannot fail.
        serde_json::to_vec_pretty(self).unwrap_or_default()
    }

    /// Places `hold` on `stream`; refuses an empty id or reason, an empty
    /// range and an id in use.
    pub fn place(&mut self, stream: &str, hold: Hold) -> Result<(), StreamError> {
        if hold.id.trim().is_empty() || hold.reason.trim().is_empty() {
            return Err(StreamError::Invalid("--id and --reason must not be empty".into()));
        }
        if hold.to.is_some_and(|to| to <= hold.from) {
            return Err(StreamError::Invalid("--to must be above --from".into()));
        }
        if self.holds.iter().any(|h| h.id == hold.id) {
            return Err(StreamError::Invalid(format!(
                "a hold with id {:?} already exists on stream {stream}",
                hold.id
            )));
        }
        self.holds.push(hold);
        Ok(())
    }

    /// Releases hold `id` of `stream` at `at`; returns it as released.
    pub fn release(&mut self, stream: &str, id: &str, at: DateTime<Utc>) -> Result<Hold, StreamError> {
        let Some(hold) = self.holds.iter_mut().find(|h| h.id == id) else {
            return Err(StreamError::Invalid(format!("stream {stream} has no hold {id:?}")));
        };
        if !hold.active() {
            return Err(StreamError::Invalid(format!("hold {id:?} was already released")));
        }
        hold.released_at = Some(at);
        Ok(hold.clone())
    }

    /// The union of the active holds over a stream of `size` events, as
    /// disjoint sorted ranges.
    pub fn active_ranges(&self, size: u64) -> Vec<(u64, u64)> {
        let mut ranges: Vec<(u64, u64)> =
            self.holds.iter().filter(|h| h.active()).map(|h| (h.from, h.to.unwrap_or(u64::MAX).min(size))).collect();
        ranges.sort_unstable();
        let mut merged: Vec<(u64, u64)> = Vec::new();
        for (a, b) in ranges {
            match merged.last_mut() {
                Some(last) if a <= last.1 => last.1 = last.1.max(b),
                _ => merged.push((a, b)),
            }
        }
        merged.into_iter().filter(|(a, b)| a < b).collect()
    }

    /// Whether any active hold covers any of `[from, to)`.
    pub fn holds_any(&self, from: u64, to: u64) -> bool {
        self.holds.iter().any(|h| h.overlaps(from, to))
    }
}

/// A token allowed to write to a stream: only its SHA-256 is stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StreamToken {
    /// Token id (public).
    pub id: String,
    /// Lowercase hex SHA-256 of the token's text.
    pub sha256: String,
    /// Who it is for.
    pub label: String,
    /// When it was minted.
    pub created_at: DateTime<Utc>,
}

impl StreamToken {
    /// The token's hash as bytes.
    pub fn hash(&self) -> Result<[u8; 32], StreamError> {
        let mut hash = [0u8; 32];
        hex::decode_to_slice(&self.sha256, &mut hash)
            .map_err(|e| StreamError::Corrupt(format!("token {}: sha256: {e}", self.id)))?;
        Ok(hash)
    }
}

/// Parses a stored token list (`what` names the file or row in errors).
pub fn parse_tokens(bytes: &[u8], what: &str) -> Result<Vec<StreamToken>, StreamError> {
    let value = lading_model::json::parse_strict(bytes).map_err(|e| StreamError::Corrupt(format!("{what}: {e}")))?;
    serde_json::from_value(value).map_err(|e| StreamError::Corrupt(format!("{what}: {e}")))
}

/// A token list as stored (pretty JSON).
pub fn tokens_to_bytes(tokens: &[StreamToken]) -> Vec<u8> {
    // Serialising plain data with string keys cannot fail.
    serde_json::to_vec_pretty(tokens).unwrap_or_default()
}
