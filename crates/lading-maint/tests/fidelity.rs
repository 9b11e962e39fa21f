//! Issue 23: what goes into a maintenance event comes out exactly, from what
//! real exporters send (`tests/data/otlp/`, captured from the OpenTelemetry
//! Python SDK; see its README) and from JSON Lines.

use chrono::Utc;
use lading_maint::{Context, Format, otlp, parse, prepare};
use lading_model::maintenance::{MaintenanceEvent, ValueType};
use serde_json::{Value, json};

fn ctx() -> Context {
    let meta =
        lading_model::example(lading_model::Kind::MaintenanceEvent, uuid::Uuid::nil(), Utc::now())["meta"].clone();
    Context { stream: "s".into(), meta: serde_json::from_value(meta).expect("meta"), observed_at: Utc::now() }
}

fn data(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/otlp").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn events(
    request: &opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest,
) -> Vec<MaintenanceEvent> {
    otlp::events(&ctx(), 1, request).into_iter().map(|r| r.expect("every record is accepted").event).collect()
}

/// The SDK's protobuf bytes and protobuf's `MessageToJson` of them give the
/// same events, and every value is kept exactly.
#[test]
fn python_sdk_protobuf_and_message_to_json_keep_every_number_exactly() {
    let from_proto = events(&otlp::decode_protobuf(&data("python-sdk-edge.pb")).expect("protobuf"));
    let from_json = events(&otlp::decode_json(&data("python-sdk-edge.json")).expect("MessageToJson output"));
    assert_eq!(from_proto, from_json);
    let e = &from_proto[0];
    let a = &e.attributes;
    assert_eq!(a["int64.max"], json!("9223372036854775807"));
    assert_eq!(a["int64.min"], json!("-9223372036854775808"));
    assert_eq!(a["beyond.2^53"], json!("9007199254740993"));
    assert_eq!(a["exact.2^53-1"], json!(9_007_199_254_740_991_u64), "within ±(2^53 − 1) a number stays a number");
    assert_eq!(a["nan"], json!("NaN"));
    assert_eq!(a["inf"], json!("Infinity"));
    assert_eq!(a["neg.inf"], json!("-Infinity"));
    assert_eq!(a["tenth"], json!(0.1));
    assert_eq!(a["readings"], json!([1.5, "NaN", 3.25]));
    assert_eq!(a["ints"], json!(["4611686018427387905", 7]));
    let types: Vec<(&str, ValueType)> = e.value_types.iter().map(|(p, t)| (p.as_str(), *t)).collect();
    assert_eq!(
        types,
        [
            ("/attributes/beyond.2^53", ValueType::Int64),
            ("/attributes/inf", ValueType::Double),
            ("/attributes/int64.max", ValueType::Int64),
            ("/attributes/int64.min", ValueType::Int64),
            ("/attributes/ints/0", ValueType::Int64),
            ("/attributes/nan", ValueType::Double),
            ("/attributes/neg.inf", ValueType::Double),
            ("/attributes/readings/1", ValueType::Double),
        ]
    );
    // The log entry (RFC 8785) holds the same digits, and reads back strictly.
    let text = String::from_utf8(data("python-sdk-edge.json")).expect("utf-8");
    let sequenced = lading_maint::sequence_batch(
        prepare(Format::OtlpJson, &ctx(), text.trim()),
        lading_maint::StreamState { next_sequence: 0, latest_occurred: None, tolerance: chrono::Duration::zero() },
        &Default::default(),
    );
    assert!(sequenced.rejected.is_empty(), "{:?}", sequenced.rejected);
    let entry = &sequenced.accepted[0].entry;
    let back: Value = lading_model::json::parse_strict(entry).expect("the entry is strict I-JSON");
    assert_eq!(back["attributes"]["int64.max"], "9223372036854775807");
    assert_eq!(back["value_types"]["/attributes/int64.min"], "int64");
    assert!(lading_model::validate_value(&back).is_ok());
}

/// A record without body (`"body": {}`) or severity is accepted, with
/// severity 0 (unspecified) recorded; EventName and the scope's version are
/// kept.
#[test]
fn python_sdk_records_without_body_or_severity_are_kept_with_event_name_and_scope_version() {
    let events = events(&otlp::decode_json(&data("python-sdk-edge.json")).expect("json"));
    let empty = &events[1];
    assert_eq!(empty.severity_number, 0, "SEVERITY_NUMBER_UNSPECIFIED recorded as such");
    assert!(!empty.attributes.contains_key("message") && !empty.attributes.contains_key("body"));
    assert_eq!(empty.action, "session.open", "the action falls back to the EventName");
    assert_eq!(empty.attributes["event_name"], "session.open");
    assert_eq!(empty.attributes["scope.name"], "lading.interop.edge");
    assert_eq!(empty.attributes["scope.version"], "2.7.1");
    let named = &events[2];
    assert_eq!((named.action.as_str(), named.severity_number), ("drive.reset", 13));
    assert_eq!(named.attributes["event_name"], "drive.fault", "kept beside an explicit action");
    assert_eq!(named.attributes["body"], json!({"code": "F07800", "axis": 3}));
}

#[test]
fn otlp_json_that_would_lose_data_is_refused_with_its_pointer() {
    let record = |extra: &str| {
        format!(
            r#"{{"resourceLogs":[{{"scopeLogs":[{{"logRecords":[{{"timeUnixNano":"1795000000000000000",{extra}}}]}}]}}]}}"#
        )
    };
    for (extra, expected) in [
        (
            r#""attributes":[{"key":"x","value":{"stringValue":"a","intValue":"1"}}]"#,
            "/attributes/0/value: more than one value",
        ),
        (
            r#""attributes":[{"key":"x","value":{"intValue":"9223372036854775808"}}]"#,
            "/intValue: 9223372036854775808 is out of range",
        ),
        (
            r#""attributes":[{"key":"x","value":{"doubleValue":0.10000000000000000001}}]"#,
            "more digits than a double holds",
        ),
        (r#""attributes":[{"key":"x","value":{"doubleValue":"nan"}}]"#, "is not a double"),
        (r#""severityNumber":"SEVERITY_NUMBER_LOUD""#, "is not a SeverityNumber name"),
        (r#""body":{"stringValue":"a"},"body":{}"#, "duplicate object key"),
        (r#""traceId":"AAECAwQFBgcICQoLDA0ODw==""#, "is not hex"),
    ] {
        let e = otlp::decode_json(record(extra).as_bytes()).expect_err(extra);
        assert!(e.contains(expected), "{extra}: {e}");
        assert!(e.contains("/resourceLogs/0/scopeLogs/0/logRecords/0") || e.contains("duplicate"), "{e}");
    }
    // intValue as a JSON number keeps every int64 too.
    let ok =
        otlp::decode_json(record(r#""attributes":[{"key":"x","value":{"intValue":-9223372036854775808}}]"#).as_bytes())
            .expect("a number");
    let value = ok.resource_logs[0].scope_logs[0].log_records[0].attributes[0].value.clone().expect("value");
    assert_eq!(value.value, Some(opentelemetry_proto::tonic::common::v1::any_value::Value::IntValue(i64::MIN)));
}

/// JSON Lines are events in Lading's schema: a number a double cannot hold
/// is refused naming line and field; the exact form is a string typed in
/// `value_types`, which is checked.
#[test]
fn json_lines_numbers_beyond_a_double_are_refused_or_kept_as_typed_strings() {
    let line = include_str!("../../../samples/maint/events.jsonl").lines().next().expect("a sample line");
    let mut event: Value = serde_json::from_str(line).expect("json");
    event.as_object_mut().expect("object").remove("stream");
    let with = |attributes: &str, types: &str| {
        let text = serde_json::to_string(&event).expect("json");
        let mut text = text.trim_end_matches('}').to_owned();
        text.push_str(&format!(r#","attributes":{attributes}{types}}}"#));
        text
    };
    let refused = [
        with(r#"{"counter":9223372036854775807}"#, ""),
        with(r#"{"pi":3.14159265358979323846}"#, ""),
        with(r#"{"tiny":1e-400}"#, ""),
    ];
    let text = format!("\n{}\n", refused.join("\n"));
    for (i, result) in parse(Format::Jsonl, &ctx(), &text).into_iter().enumerate() {
        let e = result.expect_err("refused");
        assert_eq!(e.line, i + 2);
        let field = ["/attributes/counter", "/attributes/pi", "/attributes/tiny"][i];
        assert!(e.message.contains(field), "{e}");
    }
    let kept = with(
        r#"{"counter":"9223372036854775807","r":[0.1,"NaN"]}"#,
        r#","value_types":{"/attributes/counter":"int64","/attributes/r/1":"double"}"#,
    );
    let parsed = parse(Format::Jsonl, &ctx(), &kept).pop().expect("one").expect("kept");
    assert_eq!(parsed.event.attributes["counter"], "9223372036854775807");
    assert_eq!(parsed.event.value_types["/attributes/r/1"], ValueType::Double);
    let mistyped = with(r#"{"counter":"9e18"}"#, r#","value_types":{"/attributes/counter":"int64"}"#);
    let e = parse(Format::Jsonl, &ctx(), &mistyped).pop().expect("one").expect_err("refused");
    assert!(e.to_string().contains("/value_types/~1attributes~1counter"), "{e}");
}
