//! Remote maintenance events (`urn:lading:maintenance-event:v1`) and log
//! segments (`urn:lading:maintenance-segment:v1`).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::Sha256Digest;
use crate::meta::Metadata;

/// Pattern of a maintenance stream name.
pub const STREAM_NAME_PATTERN: &str = r"^[a-z0-9][a-z0-9._-]{0,127}$";

/// One remote maintenance action on one asset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MaintenanceEvent {
    /// The metadata envelope.
    pub meta: Metadata,
    /// Event id, unique within the stream.
    #[schemars(length(min = 1, max = 128))]
    pub event_id: String,
    /// The stream (one transparency log) the event belongs to.
    #[schemars(regex(pattern = r"^[a-z0-9][a-z0-9._-]{0,127}$"))]
    pub stream: String,
    /// Consecutive sequence number within the stream, from 0.
    pub sequence: u64,
    /// When the action happened, by the asset's or operator's clock.
    pub occurred_at: DateTime<Utc>,
    /// When the platform recorded it.
    pub observed_at: DateTime<Utc>,
    /// Where `occurred_at` came from.
    pub clock_source: ClockSource,
    /// Who acted.
    pub actor: Actor,
    /// The remote session the action was taken in.
    pub session: Session,
    /// The equipment acted on.
    pub asset: Asset,
    /// IEC 62443-3-3 SR 2.8 auditable event category.
    pub category: EventCategory,
    /// What was done, e.g. `firmware.update`.
    #[schemars(length(min = 1, max = 256))]
    pub action: String,
    /// What it was done to, e.g. a parameter or file.
    pub target: String,
    /// Outcome.
    pub result: EventResult,
    /// OpenTelemetry severity number, 1 (TRACE) to 24 (FATAL4); 0
    /// (SEVERITY_NUMBER_UNSPECIFIED) when the source gave none.
    #[schemars(range(min = 0, max = 24))]
    pub severity_number: u8,
    /// Work-order reference in the provider's or client's system.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub work_order: Option<String>,
    /// Further attributes, kept as given.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, serde_json::Value>,
    /// Attribute values kept as strings because a JSON number (an IEEE 754
    /// double, RFC 8785) cannot hold them exactly: the JSON pointer of each
    /// such string, from the event's root and under `/attributes`, to the
    /// type the source gave it (an int64 beyond ±(2^53 − 1), a NaN or
    /// infinite double).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub value_types: BTreeMap<String, ValueType>,
}

/// The source type of a value kept as a string (see
/// [`MaintenanceEvent::value_types`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ValueType {
    /// A signed 64-bit integer, as its decimal digits (`-9223372036854775808`).
    Int64,
    /// An IEEE 754 double that JSON has no number for: `NaN`, `Infinity` or
    /// `-Infinity`.
    Double,
}

impl ValueType {
    /// Whether `text` is this type's string form: the canonical decimal of
    /// an `i64`, or one of `NaN`, `Infinity`, `-Infinity`.
    pub fn accepts(self, text: &str) -> bool {
        match self {
            ValueType::Int64 => text.parse::<i64>().is_ok_and(|i| i.to_string() == text),
            ValueType::Double => matches!(text, "NaN" | "Infinity" | "-Infinity"),
        }
    }
}

/// Source of an event's clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ClockSource {
    /// NTP-synchronised.
    Ntp,
    /// PTP (IEEE 1588)-synchronised.
    Ptp,
    /// GNSS receiver.
    Gnss,
    /// The device's free-running clock.
    DeviceLocal,
    /// The platform's clock at ingestion.
    Platform,
    /// Not known.
    Unknown,
}

/// The person or system that acted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Actor {
    /// Actor id.
    #[schemars(length(min = 1, max = 256))]
    pub id: String,
    /// Role, e.g. `field-engineer`.
    pub role: String,
    /// Organisation the actor works for.
    pub organisation: String,
    /// How the actor authenticated.
    pub auth_method: AuthMethod,
}

/// Authentication method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum AuthMethod {
    /// Password only.
    Password,
    /// Multi-factor.
    Mfa,
    /// Client certificate.
    Certificate,
    /// API token.
    Token,
    /// Single sign-on.
    Sso,
    /// Service account key.
    ServiceAccount,
}

/// A remote session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Session {
    /// Session id.
    pub id: String,
    /// How the session reached the asset.
    pub access_path: AccessPath,
}

/// Route of remote access.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum AccessPath {
    /// Through a VPN.
    Vpn,
    /// Through a jump host.
    JumpHost,
    /// Through the cloud platform's console.
    CloudConsole,
    /// Through the platform's API.
    Api,
    /// On site.
    Local,
}

/// A piece of equipment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Asset {
    /// Asset id.
    #[schemars(length(min = 1, max = 256))]
    pub id: String,
    /// Serial number.
    pub serial: String,
    /// Equipment model.
    pub model: String,
    /// Firmware before the action.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 128))]
    pub firmware_before: Option<String>,
    /// Firmware after the action.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 128))]
    pub firmware_after: Option<String>,
    /// Site.
    pub site: String,
}

/// IEC 62443-3-3 SR 2.8 auditable event categories.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum EventCategory {
    /// Access control.
    AccessControl,
    /// Request errors.
    RequestErrors,
    /// Control system events.
    ControlSystemEvents,
    /// Backup and restore.
    BackupRestore,
    /// Configuration changes.
    ConfigurationChanges,
    /// Audit log events.
    AuditLogEvents,
}

/// Outcome of an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum EventResult {
    /// Succeeded.
    Success,
    /// Failed.
    Failure,
    /// Partly succeeded.
    Partial,
    /// Not known.
    Unknown,
}

/// A contiguous run of a stream's events, `[first_sequence, last_sequence]`,
/// with the log checkpoint that proves it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MaintenanceSegment {
    /// The metadata envelope.
    pub meta: Metadata,
    /// The stream.
    #[schemars(regex(pattern = r"^[a-z0-9][a-z0-9._-]{0,127}$"))]
    pub stream: String,
    /// Sequence number of the first event.
    pub first_sequence: u64,
    /// Sequence number of the last event.
    pub last_sequence: u64,
    /// Number of events, `last_sequence - first_sequence + 1`.
    #[schemars(range(min = 1))]
    pub event_count: u64,
    /// Earliest and latest occurrence time among the segment's events.
    pub time_range: TimeRange,
    /// How far, in milliseconds, an event's `occurred_at` may fall behind the
    /// latest earlier one in the segment (clocks of different assets drift).
    pub clock_tolerance_ms: u64,
    /// RFC 9162 Merkle root over the segment's events (leaves in order).
    pub merkle_root: Sha256Digest,
    /// The log checkpoint the segment is proven against.
    pub checkpoint: CheckpointRef,
    /// Earliest date the events may be deleted.
    pub retention_until: DateTime<Utc>,
}

/// A time range, both ends inclusive.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TimeRange {
    /// Start.
    pub from: DateTime<Utc>,
    /// End.
    pub to: DateTime<Utc>,
}

/// A reference to a signed log checkpoint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckpointRef {
    /// The log's origin line.
    #[schemars(length(min = 1, max = 256))]
    pub origin: String,
    /// Tree size of the checkpoint.
    pub tree_size: u64,
    /// Root hash of the checkpoint.
    pub root_hash: Sha256Digest,
    /// SHA-256 of the checkpoint's signed-note text.
    pub note_sha256: Sha256Digest,
}
