//! OpenTelemetry logs (OTLP) to maintenance events. Requests are decoded
//! into the maintained `opentelemetry-proto` types: protobuf by prost,
//! JSON by [`json`] (the protobuf JSON mapping, 64-bit integers as strings
//! or numbers, hex ids, `{}` for an empty value, `"NaN"`).
//!
//! Mapping (documented in docs/maintenance.md): one event per LogRecord;
//! `occurred_at` ← TimeUnixNano (must be set), `observed_at` ←
//! ObservedTimeUnixNano (else the ingestion time), `severity_number` ←
//! SeverityNumber (0, UNSPECIFIED, when the record has none). Event fields
//! come from log record attributes first, then resource attributes, by the
//! keys in [`KEYS`] (Lading's `maint.*` keys, then OpenTelemetry
//! semantic-convention keys such as `device.id`, `host.name`, `user.id`,
//! `session.id`, `log.record.uid`); `action` falls back to the record's
//! EventName. The body is kept as `attributes.message` (a string) or
//! `attributes.body`; every other attribute is kept (resource ones as
//! `resource.KEY`), with SeverityText, TraceId, SpanId, EventName and the
//! scope's name and version.
//!
//! Values are kept exactly: an int64 beyond ±(2^53 − 1) and a NaN or
//! infinite double have no exact JSON number (RFC 8785 writes doubles), so
//! they are kept as strings (`"9223372036854775807"`, `"NaN"`) and the
//! event's `value_types` records their JSON pointer and type.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::common::v1::{AnyValue, InstrumentationScope, KeyValue, any_value};
use opentelemetry_proto::tonic::logs::v1::LogRecord;
use prost::Message as _;
use serde_json::{Map, Value};

use lading_model::Pointer;
use lading_model::maintenance::ValueType;

use crate::event::{Context, LineError, Parsed, typed_event};
use crate::fields::{Fields, event_value};

mod json;

/// Attribute keys giving each event field, in order of preference.
pub const KEYS: [(&str, &[&str]); 19] = [
    ("event_id", &["maint.event_id", "log.record.uid"]),
    ("actor", &["maint.actor.id", "user.id", "enduser.id"]),
    ("role", &["maint.actor.role"]),
    ("org", &["maint.actor.organisation"]),
    ("auth", &["maint.auth"]),
    ("session", &["maint.session.id", "session.id"]),
    ("access", &["maint.access"]),
    ("asset", &["maint.asset.id", "device.id", "host.name"]),
    ("serial", &["maint.asset.serial"]),
    ("model", &["maint.asset.model", "device.model.name", "device.model.identifier"]),
    ("site", &["maint.site"]),
    ("fw_before", &["maint.firmware.before"]),
    ("fw_after", &["maint.firmware.after"]),
    ("category", &["maint.category"]),
    ("action", &["maint.action"]),
    ("target", &["maint.target"]),
    ("result", &["maint.result"]),
    ("work_order", &["maint.work_order"]),
    ("clock", &["maint.clock"]),
];

/// Decodes an OTLP/HTTP JSON request body.
pub fn decode_json(bytes: &[u8]) -> Result<ExportLogsServiceRequest, String> {
    json::decode(bytes).map_err(|e| format!("not an OTLP ExportLogsServiceRequest in JSON: {e}"))
}

/// Decodes an OTLP/HTTP protobuf request body.
pub fn decode_protobuf(bytes: &[u8]) -> Result<ExportLogsServiceRequest, String> {
    ExportLogsServiceRequest::decode(bytes)
        .map_err(|e| format!("not an OTLP ExportLogsServiceRequest in protobuf: {e}"))
}

/// The events of a request, one per log record, in order; `line` is the
/// source line (1 for an HTTP request). Errors point at the record.
pub fn events(ctx: &Context, line: usize, request: &ExportLogsServiceRequest) -> Vec<Result<Parsed, LineError>> {
    let mut out = Vec::new();
    for (i, rl) in request.resource_logs.iter().enumerate() {
        let resource = rl.resource.as_ref().map(|r| r.attributes.as_slice()).unwrap_or_default();
        for (j, sl) in rl.scope_logs.iter().enumerate() {
            let scope = sl.scope.as_ref();
            for (k, record) in sl.log_records.iter().enumerate() {
                let at = format!("/resourceLogs/{i}/scopeLogs/{j}/logRecords/{k}");
                let event = record_value(ctx, line, resource, scope, record)
                    .and_then(|v| typed_event(line, &v))
                    .map(|event| Parsed::new(ctx, line, event))
                    .map_err(|e| {
                        let inner = e.pointer.map(|p| format!("event {p}: ")).unwrap_or_default();
                        LineError { line, pointer: Some(at.clone()), message: format!("{inner}{}", e.message) }
                    });
                out.push(event);
            }
        }
    }
    out
}

fn time(nanos: u64) -> Option<DateTime<Utc>> {
    if nanos == 0 {
        return None;
    }
    let secs = i64::try_from(nanos / 1_000_000_000).ok()?;
    DateTime::from_timestamp(secs, (nanos % 1_000_000_000) as u32)
}

/// The JSON of an OTLP value at `at` (a pointer from the event's root).
/// What a JSON number cannot hold exactly is kept as a string and its type
/// recorded in `types`.
fn json_of(v: &AnyValue, at: &Pointer, types: &mut BTreeMap<String, ValueType>) -> Value {
    let mut typed = |ty: ValueType, text: String| {
        types.insert(at.as_str().to_owned(), ty);
        Value::String(text)
    };
    match &v.value {
        None => Value::Null,
        Some(any_value::Value::StringValue(s)) => Value::String(s.clone()),
        Some(any_value::Value::BoolValue(b)) => Value::Bool(*b),
        Some(any_value::Value::IntValue(i)) if i.unsigned_abs() > lading_model::json::MAX_EXACT_INTEGER => {
            typed(ValueType::Int64, i.to_string())
        }
        Some(any_value::Value::IntValue(i)) => Value::from(*i),
        Some(any_value::Value::DoubleValue(d)) => match serde_json::Number::from_f64(*d) {
            Some(n) => Value::Number(n),
            None if d.is_nan() => typed(ValueType::Double, "NaN".into()),
            None if *d > 0.0 => typed(ValueType::Double, "Infinity".into()),
            None => typed(ValueType::Double, "-Infinity".into()),
        },
        Some(any_value::Value::ArrayValue(a)) => {
            Value::Array(a.values.iter().enumerate().map(|(i, v)| json_of(v, &at.index(i), types)).collect())
        }
        Some(any_value::Value::KvlistValue(kv)) => Value::Object(
            kv.values
                .iter()
                .map(|p| (p.key.clone(), p.value.as_ref().map_or(Value::Null, |v| json_of(v, &at.key(&p.key), types))))
                .collect(),
        ),
        Some(any_value::Value::BytesValue(b)) => Value::String(hex::encode(b)),
        // A string-table index only means something in the profiles signal.
        Some(any_value::Value::StringValueStrindex(_)) => Value::Null,
    }
}

fn text_of(v: &AnyValue) -> Option<String> {
    match &v.value {
        Some(any_value::Value::StringValue(s)) => Some(s.clone()),
        Some(any_value::Value::IntValue(i)) => Some(i.to_string()),
        Some(any_value::Value::BoolValue(b)) => Some(b.to_string()),
        _ => None,
    }
}

fn record_value(
    ctx: &Context,
    line: usize,
    resource: &[KeyValue],
    scope: Option<&InstrumentationScope>,
    record: &LogRecord,
) -> Result<Value, LineError> {
    fn find<'a>(attrs: &'a [KeyValue], key: &str) -> Option<&'a AnyValue> {
        attrs.iter().find(|a| a.key == key).and_then(|a| a.value.as_ref())
    }
    let mut values = BTreeMap::new();
    let mut used: Vec<&str> = Vec::new();
    for (name, keys) in KEYS {
        let found = keys
            .iter()
            .find_map(|k| find(&record.attributes, k).map(|v| (*k, v)).or_else(|| find(resource, k).map(|v| (*k, v))));
        if let Some((key, v)) = found {
            let Some(text) = text_of(v) else {
                return Err(LineError::new(line, format!("attribute {key} must be a string")));
            };
            values.insert(name, text);
            used.push(key);
        }
    }
    let Some(occurred_at) = time(record.time_unix_nano) else {
        return Err(LineError::new(line, "timeUnixNano is unset; a maintenance event needs the time it occurred"));
    };
    // 0 is SEVERITY_NUMBER_UNSPECIFIED: exporters send it for a record
    // logged without a level, and it is recorded as such.
    let severity_number = u8::try_from(record.severity_number).ok().filter(|n| *n <= 24).ok_or_else(|| {
        LineError::new(line, format!("severityNumber {} is not 0 (unspecified) to 24", record.severity_number))
    })?;
    let mut attributes = Map::new();
    let mut types = BTreeMap::new();
    let attributes_at = Pointer::from("/attributes");
    let mut keep = |attributes: &mut Map<String, Value>, key: String, value: Option<&AnyValue>| {
        let at = attributes_at.key(&key);
        attributes.insert(key, value.map_or(Value::Null, |v| json_of(v, &at, &mut types)));
    };
    for a in &record.attributes {
        if !used.contains(&a.key.as_str()) {
            keep(&mut attributes, a.key.clone(), a.value.as_ref());
        }
    }
    for a in resource {
        if !used.contains(&a.key.as_str()) {
            keep(&mut attributes, format!("resource.{}", a.key), a.value.as_ref());
        }
    }
    match &record.body {
        Some(AnyValue { value: Some(any_value::Value::StringValue(s)) }) => {
            attributes.insert("message".into(), Value::String(s.clone()));
        }
        // An empty body (`"body": {}`) or none: nothing to keep.
        Some(AnyValue { value: None }) | None => {}
        Some(other) => keep(&mut attributes, "body".into(), Some(other)),
    }
    for (key, value) in [
        ("severity_text", record.severity_text.clone()),
        ("trace_id", hex::encode(&record.trace_id)),
        ("span_id", hex::encode(&record.span_id)),
        ("event_name", record.event_name.clone()),
        ("scope.name", scope.map(|s| s.name.clone()).unwrap_or_default()),
        ("scope.version", scope.map(|s| s.version.clone()).unwrap_or_default()),
    ] {
        if !value.is_empty() {
            attributes.insert(key.into(), Value::String(value));
        }
    }
    let mut fallbacks = BTreeMap::new();
    if !record.event_name.is_empty() {
        fallbacks.insert("action", record.event_name.clone());
    }
    let fields = Fields {
        values,
        fallbacks,
        occurred_at,
        observed_at: time(record.observed_time_unix_nano),
        severity_number,
        attributes,
        value_types: types,
        id_prefix: "otlp",
        id_source: record.encode_to_vec(),
    };
    let name_of = |name: &str| {
        let keys = KEYS.iter().find(|(n, _)| *n == name).map(|(_, k)| k.join(" or ")).unwrap_or_default();
        format!("a log or resource attribute {keys}")
    };
    event_value(ctx, line, fields, &name_of)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> Context {
        let meta =
            lading_model::example(lading_model::Kind::MaintenanceEvent, uuid::Uuid::nil(), Utc::now())["meta"].clone();
        Context { stream: "s".into(), meta: serde_json::from_value(meta).expect("meta"), observed_at: Utc::now() }
    }

    fn sample() -> ExportLogsServiceRequest {
        let text = include_str!("../../../../samples/maint/otlp.jsonl");
        decode_json(text.trim().as_bytes()).expect("the sample decodes")
    }

    #[test]
    fn the_sample_maps_record_and_resource_attributes() {
        let events: Vec<_> = events(&ctx(), 1, &sample()).into_iter().map(|r| r.expect("event").event).collect();
        assert_eq!(events.len(), 4);
        let e = &events[2];
        assert_eq!(e.event_id, "otlp-0003");
        assert_eq!(e.occurred_at.to_rfc3339(), "2026-11-22T09:20:00+00:00");
        assert_eq!(e.observed_at.timestamp_subsec_millis(), 150);
        assert_eq!(
            (e.asset.id.as_str(), e.asset.model.as_str(), e.actor.id.as_str()),
            ("robot-0023", "KR-210", "eng-2040")
        );
        assert_eq!((e.action.as_str(), e.severity_number), ("drive.reset", 17));
        assert_eq!(e.attributes["message"], "drive fault F07800 not cleared");
        assert_eq!(e.attributes["resource.service.name"], "remote-maintenance-gateway");
        assert_eq!(e.attributes["trace_id"], "5b8efff798038103d269b633813fc60c");
        assert!(!e.attributes.contains_key("maint.category"), "mapped attributes are not repeated");
    }

    #[test]
    fn protobuf_and_json_encodings_give_the_same_events() {
        let request = sample();
        let bytes = request.encode_to_vec();
        let from_proto = decode_protobuf(&bytes).expect("protobuf");
        let ctx = ctx();
        let a: Vec<_> = events(&ctx, 1, &request).into_iter().map(|r| r.expect("json").event).collect();
        let b: Vec<_> = events(&ctx, 1, &from_proto).into_iter().map(|r| r.expect("proto").event).collect();
        assert_eq!(a, b);
        assert!(decode_protobuf(&bytes[..bytes.len() - 3]).is_err(), "a truncated body is refused");
        assert!(decode_json(b"{\"resourceLogs\": 7}").is_err());
    }

    #[test]
    fn bad_records_name_the_record_and_what_is_missing() {
        let mut request = sample();
        let records = &mut request.resource_logs[0].scope_logs[0].log_records;
        records[0].time_unix_nano = 0;
        records[1].severity_number = 25;
        records[2].attributes.retain(|a| a.key != "maint.category");
        records[3].attributes.push(KeyValue {
            key: "maint.result".into(),
            value: Some(AnyValue { value: Some(any_value::Value::IntValue(3)) }),
            ..KeyValue::default()
        });
        records[3]
            .attributes
            .retain(|a| !(a.key == "maint.result" && text_of(a.value.as_ref().expect("v")) == Some("success".into())));
        let out = events(&ctx(), 7, &request);
        let errs: Vec<LineError> = out.into_iter().map(|r| r.expect_err("refused")).collect();
        assert_eq!(errs[0].pointer.as_deref(), Some("/resourceLogs/0/scopeLogs/0/logRecords/0"));
        assert!(errs[0].message.contains("timeUnixNano is unset"), "{}", errs[0]);
        assert!(errs[1].message.contains("severityNumber 25 is not 0 (unspecified) to 24"), "{}", errs[1]);
        assert!(errs[2].message.contains("maint.category"), "{}", errs[2]);
        assert!(errs[3].message.contains("event /result"), "{}", errs[3]);
        assert!(errs.iter().all(|e| e.line == 7));
    }
}
