//! A stream's settings: its name, log origin, clock tolerance, retention and
//! the metadata its events and segments carry.

use chrono::{DateTime, Utc};
use lading_maint::Context;
use lading_model::Kind;
use lading_model::meta::{Classification, Metadata, Provider, SCHEMA_VERSION_V1};
use serde::{Deserialize, Serialize};

use crate::StreamError;

/// The settings format.
pub const STREAM_FORMAT: &str = "lading-stream/v1";
/// Shortest retention: China's Cybersecurity Law (art. 21) requires network
/// logs to be kept for at least six months.
pub const MIN_RETENTION_DAYS: u32 = 180;

/// A stream's settings (`stream.json` in the embedded layout).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StreamConfig {
    /// [`STREAM_FORMAT`].
    pub format: String,
    /// The stream's name.
    pub name: String,
    /// Its log's checkpoint origin.
    pub origin: String,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// How far an event's `occurred_at` may fall behind the latest one.
    pub clock_tolerance_ms: u64,
    /// Days events are kept before they may be pruned.
    pub retention_days: u32,
    /// Metadata for events without their own (syslog) and for segments.
    pub meta: Metadata,
}

/// What a new stream is made of.
#[derive(Debug, Clone)]
pub struct NewStream {
    /// Its name.
    pub name: String,
    /// Checkpoint origin; default `lading.local/maint/NAME`.
    pub origin: Option<String>,
    /// The provider its events and segments name.
    pub provider: Provider,
    /// The service's classification.
    pub classification: Classification,
    /// ISO 3166-1 alpha-2 codes of the client jurisdictions.
    pub jurisdictions: Vec<String>,
    /// See [`StreamConfig::clock_tolerance_ms`].
    pub clock_tolerance_ms: u64,
    /// See [`StreamConfig::retention_days`]; at least [`MIN_RETENTION_DAYS`].
    pub retention_days: u32,
}

/// Refuses a name that is not a valid stream name (it names a directory,
/// a log and rows, so it is kept to a safe alphabet).
pub fn check_name(name: &str) -> Result<(), StreamError> {
    let ok = !name.is_empty()
        && name.len() <= 128
        && name
            .bytes()
            .enumerate()
            .all(|(i, b)| b.is_ascii_lowercase() || b.is_ascii_digit() || (i > 0 && matches!(b, b'.' | b'_' | b'-')));
    if ok { Ok(()) } else { Err(StreamError::BadName(name.to_owned())) }
}

impl StreamConfig {
    /// The settings of a new stream created at `now` with metadata id `id`:
    /// the name, the retention and the metadata (as every syslog event
    /// will carry it) are checked first.
    pub fn new(new: NewStream, id: uuid::Uuid, now: DateTime<Utc>) -> Result<Self, StreamError> {
        check_name(&new.name)?;
        if new.retention_days < MIN_RETENTION_DAYS {
            return Err(StreamError::Invalid(format!(
                "--retention-days {} is below {MIN_RETENTION_DAYS}, the minimum China's Cybersecurity Law sets for network logs",
                new.retention_days
            )));
        }
        let meta = Metadata {
            id,
            kind: Kind::MaintenanceEvent,
            schema_version: SCHEMA_VERSION_V1.into(),
            provider: new.provider,
            classification: new.classification,
            jurisdictions: new.jurisdictions,
            created_at: now,
            language: "en".into(),
        };
        let mut probe = lading_model::example(Kind::MaintenanceEvent, meta.id, now);
        probe["meta"] = serde_json::to_value(&meta).map_err(|e| StreamError::Invalid(e.to_string()))?;
        if let Err(problems) = lading_model::validate_value(&probe) {
            let p: Vec<String> = problems.iter().map(|p| format!("{}: {}", p.pointer, p.message)).collect();
            return Err(StreamError::Invalid(format!("the stream's metadata is not valid: {}", p.join("; "))));
        }
        let origin = new.origin.unwrap_or_else(|| format!("lading.local/maint/{}", new.name));
        Ok(Self {
            format: STREAM_FORMAT.into(),
            name: new.name,
            origin,
            created_at: now,
            clock_tolerance_ms: new.clock_tolerance_ms,
            retention_days: new.retention_days,
            meta,
        })
    }

    /// Parses stored settings (`what` names the file or row in errors).
    pub fn parse(bytes: &[u8], what: &str) -> Result<Self, StreamError> {
        let value =
            lading_model::json::parse_strict(bytes).map_err(|e| StreamError::Corrupt(format!("{what}: {e}")))?;
        let config: Self = serde_json::from_value(value).map_err(|e| StreamError::Corrupt(format!("{what}: {e}")))?;
        if config.format != STREAM_FORMAT {
            return Err(StreamError::Corrupt(format!(
                "{what}: format {:?}, expected {STREAM_FORMAT:?}",
                config.format
            )));
        }
        Ok(config)
    }

    /// The settings as stored (pretty JSON, as `stream.json` always held).
    pub fn to_bytes(&self) -> Vec<u8> {
        // Serialising plain data with string keys cannot fail.
        serde_json::to_vec_pretty(self).unwrap_or_default()
    }

    /// What the stream's events share when they are parsed at `observed_at`.
    pub fn context(&self, observed_at: DateTime<Utc>) -> Context {
        Context { stream: self.name.clone(), meta: self.meta.clone(), observed_at }
    }

    /// The clock tolerance in milliseconds, as the event index's time
    /// look-ups take it.
    pub fn tolerance_ms(&self) -> i64 {
        i64::try_from(self.clock_tolerance_ms).unwrap_or(i64::MAX)
    }
}
