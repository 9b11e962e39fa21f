//! OTLP/JSON (the protobuf JSON mapping with OTLP's two exceptions: trace
//! and span ids in hex, enums as integers) into the `opentelemetry-proto`
//! types, with every error naming its JSON pointer.
//!
//! Written here rather than through `opentelemetry-proto`'s serde mapping,
//! which refuses what real exporters send and what the protobuf JSON
//! mapping allows: an empty `AnyValue` (`"body": {}`, as OpenTelemetry's
//! JSON exporters and protobuf's `MessageToJson` write a record without
//! body), the doubles `"NaN"`, `"Infinity"` and `"-Infinity"`, numbers
//! sent as strings, and enum names (`"SEVERITY_NUMBER_INFO"`, what
//! `MessageToJson` writes by default). It also refuses what that mapping
//! let through silently: duplicate keys, two values in one `AnyValue`, and
//! decimals with more digits than a double holds (see
//! [`lading_model::json::parse_strict_exact_integers`]). Unknown fields are
//! ignored, as the OTLP specification asks of receivers; both the JSON
//! (`timeUnixNano`) and the proto (`time_unix_nano`) field names are read.

use base64::Engine as _;
use lading_model::Pointer;
use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::common::v1::{
    AnyValue, ArrayValue, InstrumentationScope, KeyValue, KeyValueList, any_value,
};
use opentelemetry_proto::tonic::logs::v1::{LogRecord, ResourceLogs, ScopeLogs, SeverityNumber};
use opentelemetry_proto::tonic::resource::v1::Resource;
use serde_json::{Map, Value};

/// Deepest nesting of arrays and key/value lists in one `AnyValue`.
const MAX_DEPTH: usize = 64;

/// Decodes an OTLP/JSON `ExportLogsServiceRequest`.
pub(crate) fn decode(bytes: &[u8]) -> Result<ExportLogsServiceRequest, String> {
    let value = lading_model::json::parse_strict_exact_integers(bytes).map_err(|e| e.to_string())?;
    let root = Pointer::root();
    let object = object(&value, &root)?;
    let resource_logs = list(object, "resourceLogs", "resource_logs", &root, resource_logs)?;
    Ok(ExportLogsServiceRequest { resource_logs })
}

type Decoded<T> = Result<T, String>;

fn fail<T>(at: &Pointer, message: impl std::fmt::Display) -> Decoded<T> {
    Err(format!("{at}: {message}"))
}

fn object<'a>(value: &'a Value, at: &Pointer) -> Decoded<&'a Map<String, Value>> {
    match value {
        Value::Object(map) => Ok(map),
        other => fail(at, format!("expected an object, found {}", kind(other))),
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The member under its JSON name or its proto name, with its pointer;
/// `null` counts as absent (the protobuf JSON mapping's default).
fn member<'a>(object: &'a Map<String, Value>, json: &str, proto: &str, at: &Pointer) -> Option<(&'a Value, Pointer)> {
    for name in [json, proto] {
        match object.get(name) {
            Some(Value::Null) | None => {}
            Some(v) => return Some((v, at.key(name))),
        }
    }
    None
}

fn list<T>(
    object: &Map<String, Value>,
    json: &str,
    proto: &str,
    at: &Pointer,
    each: impl Fn(&Value, &Pointer) -> Decoded<T>,
) -> Decoded<Vec<T>> {
    let Some((value, at)) = member(object, json, proto, at) else { return Ok(Vec::new()) };
    let Value::Array(items) = value else { return fail(&at, format!("expected an array, found {}", kind(value))) };
    items.iter().enumerate().map(|(i, item)| each(item, &at.index(i))).collect()
}

fn string(object: &Map<String, Value>, json: &str, proto: &str, at: &Pointer) -> Decoded<String> {
    match member(object, json, proto, at) {
        None => Ok(String::new()),
        Some((Value::String(s), _)) => Ok(s.clone()),
        Some((other, at)) => fail(&at, format!("expected a string, found {}", kind(other))),
    }
}

/// An integer field: a JSON number or a string of decimal digits (the
/// protobuf JSON mapping writes 64-bit integers as strings).
fn integer<T: TryFrom<i128> + Default>(
    object: &Map<String, Value>,
    json: &str,
    proto: &str,
    at: &Pointer,
) -> Decoded<T> {
    match member(object, json, proto, at) {
        None => Ok(T::default()),
        Some((value, at)) => integer_value(value, &at),
    }
}

fn integer_value<T: TryFrom<i128>>(value: &Value, at: &Pointer) -> Decoded<T> {
    let wide: Option<i128> = match value {
        Value::Number(n) => n.as_i64().map(i128::from).or_else(|| n.as_u64().map(i128::from)),
        Value::String(s) => s.parse::<i128>().ok(),
        _ => None,
    };
    let Some(wide) = wide else {
        return fail(at, format!("expected an integer (a number or a string of digits), found {value}"));
    };
    T::try_from(wide).or_else(|_| fail(at, format!("{wide} is out of range for the field's type")))
}

fn bytes_hex(object: &Map<String, Value>, json: &str, proto: &str, at: &Pointer) -> Decoded<Vec<u8>> {
    match member(object, json, proto, at) {
        None => Ok(Vec::new()),
        Some((Value::String(s), at)) => hex::decode(s)
            .or_else(|_| fail(&at, format!("{s:?} is not hex (OTLP/JSON writes trace and span ids in hex)"))),
        Some((other, at)) => fail(&at, format!("expected a hex string, found {}", kind(other))),
    }
}

fn resource_logs(value: &Value, at: &Pointer) -> Decoded<ResourceLogs> {
    let o = object(value, at)?;
    let resource = match member(o, "resource", "resource", at) {
        None => None,
        Some((value, at)) => {
            let r = object(value, &at)?;
            Some(Resource {
                attributes: list(r, "attributes", "attributes", &at, key_value)?,
                dropped_attributes_count: integer(r, "droppedAttributesCount", "dropped_attributes_count", &at)?,
                ..Resource::default()
            })
        }
    };
    Ok(ResourceLogs {
        resource,
        scope_logs: list(o, "scopeLogs", "scope_logs", at, scope_logs)?,
        schema_url: string(o, "schemaUrl", "schema_url", at)?,
    })
}

fn scope_logs(value: &Value, at: &Pointer) -> Decoded<ScopeLogs> {
    let o = object(value, at)?;
    let scope = match member(o, "scope", "scope", at) {
        None => None,
        Some((value, at)) => {
            let s = object(value, &at)?;
            Some(InstrumentationScope {
                name: string(s, "name", "name", &at)?,
                version: string(s, "version", "version", &at)?,
                attributes: list(s, "attributes", "attributes", &at, key_value)?,
                dropped_attributes_count: integer(s, "droppedAttributesCount", "dropped_attributes_count", &at)?,
            })
        }
    };
    Ok(ScopeLogs {
        scope,
        log_records: list(o, "logRecords", "log_records", at, log_record)?,
        schema_url: string(o, "schemaUrl", "schema_url", at)?,
    })
}

fn log_record(value: &Value, at: &Pointer) -> Decoded<LogRecord> {
    let o = object(value, at)?;
    let severity_number = match member(o, "severityNumber", "severity_number", at) {
        None => 0,
        Some((Value::String(name), at)) if !name.starts_with(|c: char| c.is_ascii_digit() || c == '-') => {
            match SeverityNumber::from_str_name(name) {
                Some(s) => s as i32,
                None => return fail(&at, format!("{name:?} is not a SeverityNumber name")),
            }
        }
        Some((value, at)) => integer_value(value, &at)?,
    };
    let body = match member(o, "body", "body", at) {
        None => None,
        Some((value, at)) => Some(any_value(value, &at, 0)?),
    };
    Ok(LogRecord {
        time_unix_nano: integer(o, "timeUnixNano", "time_unix_nano", at)?,
        observed_time_unix_nano: integer(o, "observedTimeUnixNano", "observed_time_unix_nano", at)?,
        severity_number,
        severity_text: string(o, "severityText", "severity_text", at)?,
        body,
        attributes: list(o, "attributes", "attributes", at, key_value)?,
        dropped_attributes_count: integer(o, "droppedAttributesCount", "dropped_attributes_count", at)?,
        flags: integer(o, "flags", "flags", at)?,
        trace_id: bytes_hex(o, "traceId", "trace_id", at)?,
        span_id: bytes_hex(o, "spanId", "span_id", at)?,
        event_name: string(o, "eventName", "event_name", at)?,
    })
}

fn key_value(value: &Value, at: &Pointer) -> Decoded<KeyValue> {
    key_value_at(value, at, 0)
}

fn key_value_at(value: &Value, at: &Pointer, depth: usize) -> Decoded<KeyValue> {
    let o = object(value, at)?;
    let value = match member(o, "value", "value", at) {
        None => None,
        Some((value, at)) => Some(any_value(value, &at, depth)?),
    };
    Ok(KeyValue { key: string(o, "key", "key", at)?, value, ..KeyValue::default() })
}

/// An `AnyValue`; `{}` is the empty value (no field set).
fn any_value(value: &Value, at: &Pointer, depth: usize) -> Decoded<AnyValue> {
    if depth > MAX_DEPTH {
        return fail(at, format!("values nest deeper than {MAX_DEPTH} levels"));
    }
    let o = object(value, at)?;
    let mut found: Option<any_value::Value> = None;
    for (name, value) in o {
        if value.is_null() {
            continue;
        }
        let here = at.key(name);
        let decoded = match name.as_str() {
            "stringValue" | "string_value" => match value {
                Value::String(s) => any_value::Value::StringValue(s.clone()),
                other => return fail(&here, format!("expected a string, found {}", kind(other))),
            },
            "boolValue" | "bool_value" => match value {
                Value::Bool(b) => any_value::Value::BoolValue(*b),
                other => return fail(&here, format!("expected true or false, found {}", kind(other))),
            },
            "intValue" | "int_value" => any_value::Value::IntValue(integer_value(value, &here)?),
            "doubleValue" | "double_value" => any_value::Value::DoubleValue(double(value, &here)?),
            "bytesValue" | "bytes_value" => any_value::Value::BytesValue(base64_bytes(value, &here)?),
            "arrayValue" | "array_value" => {
                let a = object(value, &here)?;
                let values = list(a, "values", "values", &here, |v, at| any_value(v, at, depth + 1))?;
                any_value::Value::ArrayValue(ArrayValue { values })
            }
            "kvlistValue" | "kvlist_value" => {
                let kv = object(value, &here)?;
                let values = list(kv, "values", "values", &here, |v, at| key_value_at(v, at, depth + 1))?;
                any_value::Value::KvlistValue(KeyValueList { values })
            }
            // Unknown fields are ignored (OTLP: receivers must ignore them).
            _ => continue,
        };
        if found.is_some() {
            return fail(at, "more than one value is set; an AnyValue holds one");
        }
        found = Some(decoded);
    }
    Ok(AnyValue { value: found })
}

/// A double: a JSON number, or a string holding one or `NaN`, `Infinity`,
/// `-Infinity` (the protobuf JSON mapping's spellings).
fn double(value: &Value, at: &Pointer) -> Decoded<f64> {
    match value {
        Value::Number(n) => match n.as_f64() {
            Some(f) if n.is_f64() || f.abs() <= 9_007_199_254_740_992.0 => Ok(f),
            _ => fail(at, format!("{n} is an integer beyond what a double holds exactly")),
        },
        Value::String(s) => match s.as_str() {
            "NaN" => Ok(f64::NAN),
            "Infinity" => Ok(f64::INFINITY),
            "-Infinity" => Ok(f64::NEG_INFINITY),
            text => match lading_model::json::parse_strict(text.as_bytes()) {
                Ok(Value::Number(n)) => n.as_f64().map_or_else(|| fail(at, "not a double"), Ok),
                _ => fail(at, format!("{text:?} is not a double (a number, \"NaN\", \"Infinity\" or \"-Infinity\")")),
            },
        },
        other => fail(at, format!("expected a number, found {}", kind(other))),
    }
}

/// Bytes in base64, standard or URL-safe, padded or not (all four are
/// accepted by the protobuf JSON mapping).
fn base64_bytes(value: &Value, at: &Pointer) -> Decoded<Vec<u8>> {
    let Value::String(s) = value else { return fail(at, format!("expected a base64 string, found {}", kind(value))) };
    let unpadded = s.trim_end_matches('=');
    let standard = base64::engine::general_purpose::STANDARD_NO_PAD.decode(unpadded);
    standard
        .or_else(|_| base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(unpadded))
        .or_else(|_| fail(at, format!("{s:?} is not base64")))
}
