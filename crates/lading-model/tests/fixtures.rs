//! The committed schemas and the Rust types are proven on the same fixtures:
//! `fixtures/valid/*.json` and the patched cases in `fixtures/cases.json`.

use std::path::PathBuf;

use lading_model::inspection::InspectionReport;
use lading_model::maintenance::{MaintenanceEvent, MaintenanceSegment};
use lading_model::release::SaasRelease;
use lading_model::{Kind, schema, validate_value};
use serde_json::Value;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn load(path: PathBuf) -> Value {
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    lading_model::json::parse_strict(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Whether the Rust types alone (serde, no schema, no checks) accept `value`.
fn serde_accepts(kind: Kind, value: &Value) -> bool {
    fn ok<T: serde::de::DeserializeOwned>(v: &Value) -> bool {
        T::deserialize(v).is_ok()
    }
    match kind {
        Kind::InspectionReport => ok::<InspectionReport>(value),
        Kind::MaintenanceEvent => ok::<MaintenanceEvent>(value),
        Kind::MaintenanceSegment => ok::<MaintenanceSegment>(value),
        Kind::SaasRelease => ok::<SaasRelease>(value),
    }
}

#[test]
fn valid_fixtures_pass_schema_types_and_checks() {
    for kind in Kind::ALL {
        let value = load(fixtures().join(format!("valid/{kind}.json")));
        assert_eq!(schema::validate(kind, &value), vec![], "{kind}: schema");
        assert!(serde_accepts(kind, &value), "{kind}: types");
        let doc = validate_value(&value).unwrap_or_else(|p| panic!("{kind}: {p:?}"));
        assert_eq!(doc.kind(), kind);
    }
}

#[test]
fn typed_round_trip_preserves_every_valid_fixture() {
    // Parsing into the types and serialising back loses and adds nothing.
    fn round<T: serde::de::DeserializeOwned + serde::Serialize>(v: &Value) -> Value {
        serde_json::to_value(T::deserialize(v).expect("deserialize")).expect("serialize")
    }
    for kind in Kind::ALL {
        let value = load(fixtures().join(format!("valid/{kind}.json")));
        let again = match kind {
            Kind::InspectionReport => round::<InspectionReport>(&value),
            Kind::MaintenanceEvent => round::<MaintenanceEvent>(&value),
            Kind::MaintenanceSegment => round::<MaintenanceSegment>(&value),
            Kind::SaasRelease => round::<SaasRelease>(&value),
        };
        assert_eq!(again, value, "{kind}");
    }
}

#[test]
fn patched_cases_behave_as_recorded() {
    let cases = load(fixtures().join("cases.json"));
    let cases = cases["cases"].as_array().expect("cases array");
    assert!(cases.len() >= 40, "the case list shrank to {}", cases.len());
    let mut failures = Vec::new();
    for case in cases {
        let name = case["name"].as_str().expect("name");
        let base = case["base"].as_str().expect("base");
        let mut value = load(fixtures().join(format!("valid/{base}.json")));
        let patch: json_patch::Patch = serde_json::from_value(case["patch"].clone()).expect("patch");
        json_patch::patch(&mut value, &patch).unwrap_or_else(|e| panic!("{name}: patch does not apply: {e}"));
        let pointer = case["pointer"].as_str().unwrap_or("");
        let layer = case["layer"].as_str().expect("layer");
        let kind: Option<Kind> = value.pointer("/meta/kind").and_then(Value::as_str).and_then(|k| k.parse().ok());
        let result = validate_value(&value);
        let has_pointer = |problems: &[lading_model::Problem]| problems.iter().any(|p| p.pointer.as_str() == pointer);
        let outcome: Result<(), String> = match layer {
            "valid" => match (&result, kind) {
                (Ok(_), Some(k)) if serde_accepts(k, &value) => Ok(()),
                _ => Err(format!("expected valid, got {result:?}")),
            },
            "kind" => match &result {
                Err(p) if has_pointer(p) => Ok(()),
                _ => Err(format!("expected a kind error at {pointer:?}, got {result:?}")),
            },
            "schema" => {
                let kind = kind.expect("schema cases keep a known kind");
                let schema_problems = schema::validate(kind, &value);
                let serde_expected = case["serde"].as_str() == Some("accepts");
                if !has_pointer(&schema_problems) {
                    Err(format!("schema did not reject at {pointer:?}: {schema_problems:?}"))
                } else if !matches!(&result, Err(p) if has_pointer(p)) {
                    Err(format!("validate_value did not report {pointer:?}: {result:?}"))
                } else if serde_accepts(kind, &value) != serde_expected {
                    Err(format!("types alone: expected serde {}", case["serde"]))
                } else {
                    Ok(())
                }
            }
            "consistency" => {
                let kind = kind.expect("consistency cases keep a known kind");
                if !schema::validate(kind, &value).is_empty() || !serde_accepts(kind, &value) {
                    Err(format!("schema or types rejected a consistency case: {:?}", schema::validate(kind, &value)))
                } else if !matches!(&result, Err(p) if has_pointer(p)) {
                    Err(format!("checks did not report {pointer:?}: {result:?}"))
                } else {
                    Ok(())
                }
            }
            other => Err(format!("unknown layer {other}")),
        };
        if let Err(why) = outcome {
            failures.push(format!("{name}: {why}"));
        }
    }
    assert!(failures.is_empty(), "{} case(s) failed:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn a_nul_anywhere_in_a_document_is_refused_with_its_pointer() {
    // A JSON "\u0000" parses to a string holding U+0000; PostgreSQL text
    // cannot store it, so it is refused the same way for every source.
    for kind in Kind::ALL {
        let mut value = load(fixtures().join(format!("valid/{kind}.json")));
        value["meta"]["provider"]["legal_name"] = Value::from("Example\u{0}Co");
        let problems = validate_value(&value).expect_err("a NUL in a string is refused");
        assert_eq!(problems.len(), 1, "{kind}: {problems:?}");
        assert_eq!(problems[0].pointer.as_str(), "/meta/provider/legal_name", "{kind}");
        assert!(problems[0].message.contains("U+0000"), "{kind}: {}", problems[0].message);

        let mut value = load(fixtures().join(format!("valid/{kind}.json")));
        value["meta"]["extra\u{0}name"] = Value::from("x");
        let problems = validate_value(&value).expect_err("a NUL in a member name is refused");
        assert!(problems[0].message.starts_with("the member name contains U+0000"), "{kind}: {problems:?}");
    }
}
