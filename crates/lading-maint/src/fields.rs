//! The event fields a key/value source (syslog SD parameters, OTLP
//! attributes) supplies, and the one place they become an event value.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use lading_model::Kind;
use serde_json::{Map, Value, json};
use sha2::{Digest as _, Sha256};

use crate::event::{Context, LineError, object};

/// The event fields by their short names.
pub(crate) const NAMES: [&str; 19] = [
    "event_id",
    "actor",
    "role",
    "org",
    "auth",
    "session",
    "access",
    "asset",
    "serial",
    "model",
    "site",
    "fw_before",
    "fw_after",
    "category",
    "action",
    "target",
    "result",
    "work_order",
    "clock",
];

/// What a source gives for one event.
pub(crate) struct Fields {
    /// Values by short name (see [`NAMES`]).
    pub(crate) values: BTreeMap<&'static str, String>,
    /// Values the source's own header gives when `values` has none
    /// (`asset`, `session`, `action`), with how to name them in errors.
    pub(crate) fallbacks: BTreeMap<&'static str, String>,
    /// When the action happened.
    pub(crate) occurred_at: DateTime<Utc>,
    /// When the platform recorded it (default: the ingestion time).
    pub(crate) observed_at: Option<DateTime<Utc>>,
    /// OpenTelemetry severity number.
    pub(crate) severity_number: u8,
    /// Everything else the source carried.
    pub(crate) attributes: Map<String, Value>,
    /// JSON pointers of values in `attributes` kept as strings, with their
    /// source type (see `MaintenanceEvent::value_types`).
    pub(crate) value_types: BTreeMap<String, lading_model::maintenance::ValueType>,
    /// Prefix of a derived event id (`syslog`, `otlp`).
    pub(crate) id_prefix: &'static str,
    /// Bytes a derived event id is the SHA-256 of.
    pub(crate) id_source: Vec<u8>,
}

/// The event value (not yet schema-validated). `name_of` says how the
/// source spells a field, for errors.
pub(crate) fn event_value(
    ctx: &Context,
    line: usize,
    f: Fields,
    name_of: &dyn Fn(&str) -> String,
) -> Result<Value, LineError> {
    let get = |name: &str| f.values.get(name).or_else(|| f.fallbacks.get(name)).cloned();
    let need = |name: &str, what: &str| -> Result<String, LineError> {
        get(name).ok_or_else(|| LineError::new(line, format!("no {what}: give {}", name_of(name))))
    };
    let or = |name: &str, default: &str| get(name).unwrap_or_else(|| default.to_owned());
    let event_id = match get("event_id") {
        Some(id) => id,
        None => format!("{}-{}", f.id_prefix, &hex::encode(Sha256::digest(&f.id_source))[..32]),
    };
    let mut meta = serde_json::to_value(&ctx.meta).map_err(|e| LineError::new(line, e.to_string()))?;
    meta["kind"] = Value::String(Kind::MaintenanceEvent.name().to_owned());
    // The document is created when the platform records the event.
    meta["created_at"] =
        Value::String(f.observed_at.unwrap_or(ctx.observed_at).to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true));
    meta["id"] = Value::String(
        uuid::Uuid::new_v5(
            &uuid::Uuid::NAMESPACE_URL,
            format!("urn:lading:maint:{}:{event_id}", ctx.stream).as_bytes(),
        )
        .to_string(),
    );
    let mut asset = object([
        ("id", Value::String(need("asset", "asset")?)),
        ("serial", Value::String(or("serial", ""))),
        ("model", Value::String(or("model", ""))),
        ("site", Value::String(or("site", ""))),
    ]);
    for (key, name) in [("firmware_before", "fw_before"), ("firmware_after", "fw_after")] {
        if let Some(v) = get(name) {
            asset[key] = Value::String(v);
        }
    }
    let time = |t: DateTime<Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true);
    let mut event = json!({
        "meta": meta,
        "event_id": event_id,
        "stream": ctx.stream,
        "sequence": 0,
        "occurred_at": time(f.occurred_at),
        "observed_at": time(f.observed_at.unwrap_or(ctx.observed_at)),
        "clock_source": or("clock", "unknown"),
        "actor": {
            "id": need("actor", "actor")?,
            "role": or("role", "unspecified"),
            "organisation": or("org", "unspecified"),
            "auth_method": need("auth", "authentication method")?,
        },
        "session": { "id": need("session", "session")?, "access_path": need("access", "access path")? },
        "asset": asset,
        "category": need("category", "IEC 62443 event category")?,
        "action": need("action", "action")?,
        "target": or("target", ""),
        "result": or("result", "unknown"),
        "severity_number": f.severity_number,
        "attributes": Value::Object(f.attributes),
    });
    if let Some(w) = get("work_order") {
        event["work_order"] = Value::String(w);
    }
    if !f.value_types.is_empty() {
        event["value_types"] = serde_json::to_value(&f.value_types).map_err(|e| LineError::new(line, e.to_string()))?;
    }
    Ok(event)
}
