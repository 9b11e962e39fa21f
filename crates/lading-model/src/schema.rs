//! JSON Schemas (2020-12), one per kind.
//!
//! The schemas are generated from the Rust types ([`generate`]) and committed
//! under `schemas/` in the repository; a test fails when the committed files
//! and the types drift apart. Validation uses the committed text, so what
//! users read is exactly what is enforced.

use std::sync::OnceLock;

use schemars::generate::SchemaSettings;
use serde_json::{Value, json};

use crate::inspection::InspectionReport;
use crate::maintenance::{MaintenanceEvent, MaintenanceSegment};
use crate::release::SaasRelease;
use crate::{Kind, Pointer, Problem};

const INSPECTION_REPORT: &str = include_str!("../../../schemas/inspection-report.v1.schema.json");
const MAINTENANCE_EVENT: &str = include_str!("../../../schemas/maintenance-event.v1.schema.json");
const MAINTENANCE_SEGMENT: &str = include_str!("../../../schemas/maintenance-segment.v1.schema.json");
const SAAS_RELEASE: &str = include_str!("../../../schemas/saas-release.v1.schema.json");

/// The schema's `$id`, e.g. `urn:lading:schema:inspection-report:v1`.
pub fn schema_id(kind: Kind) -> String {
    format!("urn:lading:schema:{}:v1", kind.name())
}

/// File name of the kind's schema under `schemas/`.
pub fn file_name(kind: Kind) -> String {
    format!("{}.v1.schema.json", kind.name())
}

/// The committed schema text of `kind`.
pub fn committed(kind: Kind) -> &'static str {
    match kind {
        Kind::InspectionReport => INSPECTION_REPORT,
        Kind::MaintenanceEvent => MAINTENANCE_EVENT,
        Kind::MaintenanceSegment => MAINTENANCE_SEGMENT,
        Kind::SaasRelease => SAAS_RELEASE,
    }
}

/// Generates the schema of `kind` from its Rust type.
pub fn generate(kind: Kind) -> Value {
    let generator = SchemaSettings::draft2020_12().into_generator();
    let schema = match kind {
        Kind::InspectionReport => generator.into_root_schema_for::<InspectionReport>(),
        Kind::MaintenanceEvent => generator.into_root_schema_for::<MaintenanceEvent>(),
        Kind::MaintenanceSegment => generator.into_root_schema_for::<MaintenanceSegment>(),
        Kind::SaasRelease => generator.into_root_schema_for::<SaasRelease>(),
    };
    let mut value = schema.to_value();
    tagged_one_of_to_if_then(&mut value);
    if let Some(root) = value.as_object_mut() {
        root.insert("$id".into(), json!(schema_id(kind)));
        root.insert("title".into(), json!(format!("Lading {} v1", kind.name())));
        // The shared metadata type allows every kind; each schema pins its own.
        if let Some(props) = root.get_mut("properties").and_then(Value::as_object_mut) {
            props.insert(
                "meta".into(),
                json!({
                    "allOf": [
                        { "$ref": "#/$defs/Metadata" },
                        { "properties": { "kind": { "const": kind.name() } } }
                    ]
                }),
            );
        }
    }
    value
}

/// Rewrites `oneOf` over string constants into `enum`, and `oneOf` over
/// internally tagged alternatives (each an object whose
/// tag property is a `const`) into `if`/`then` per tag value.
///
/// Both forms accept the same documents, but with `oneOf` a validator can
/// only say "matches none of the alternatives" about the whole object; with
/// `if`/`then` it names the offending field inside the chosen alternative.
fn tagged_one_of_to_if_then(value: &mut Value) {
    match value {
        Value::Array(items) => items.iter_mut().for_each(tagged_one_of_to_if_then),
        Value::Object(map) => {
            map.values_mut().for_each(tagged_one_of_to_if_then);
            let Some(Value::Array(alternatives)) = map.get("oneOf") else { return };
            if let Some(values) = unit_consts(alternatives) {
                // A plain enum: `enum` makes the validator list the allowed values.
                let descriptions: Vec<String> = alternatives
                    .iter()
                    .filter_map(|a| {
                        Some(format!("`{}`: {}", a.get("const")?.as_str()?, a.get("description")?.as_str()?))
                    })
                    .collect();
                map.remove("oneOf");
                map.insert("type".into(), json!("string"));
                map.insert("enum".into(), Value::Array(values));
                if !descriptions.is_empty() {
                    let head =
                        map.get("description").and_then(Value::as_str).map(|d| format!("{d} ")).unwrap_or_default();
                    map.insert("description".into(), json!(format!("{head}{}", descriptions.join("; "))));
                }
                return;
            }
            let Some(tag) = common_const_tag(alternatives) else { return };
            let tags: Vec<Value> =
                alternatives.iter().filter_map(|a| a.pointer(&format!("/properties/{tag}/const")).cloned()).collect();
            let mut all_of = vec![json!({
                "type": "object",
                "required": [tag],
                "properties": { tag.clone(): { "enum": tags } }
            })];
            for alternative in alternatives {
                let tag_value = alternative.pointer(&format!("/properties/{tag}/const")).cloned();
                all_of.push(json!({
                    "if": { "properties": { tag.clone(): { "const": tag_value } }, "required": [tag] },
                    "then": alternative
                }));
            }
            map.remove("oneOf");
            map.insert("allOf".into(), Value::Array(all_of));
        }
        _ => {}
    }
}

/// The values of `oneOf` alternatives that are each a lone string `const`.
fn unit_consts(alternatives: &[Value]) -> Option<Vec<Value>> {
    alternatives
        .iter()
        .map(|a| {
            let object = a.as_object()?;
            let only_const = object.keys().all(|k| matches!(k.as_str(), "const" | "description" | "type"));
            let value = object.get("const")?;
            (only_const && value.is_string()).then(|| value.clone())
        })
        .collect()
}

/// The property name that every alternative pins with a `const`, if any.
fn common_const_tag(alternatives: &[Value]) -> Option<String> {
    let first = alternatives.first()?.get("properties")?.as_object()?;
    first
        .iter()
        .filter(|(_, schema)| schema.get("const").is_some())
        .map(|(name, _)| name.clone())
        .find(|name| alternatives.iter().all(|a| a.pointer(&format!("/properties/{name}/const")).is_some()))
}

/// Pretty JSON text of a generated schema, as committed (with a final newline).
pub fn generate_text(kind: Kind) -> String {
    // Serialising a `Value` to a String cannot fail.
    let mut text = serde_json::to_string_pretty(&generate(kind)).unwrap_or_default();
    text.push('\n');
    text
}

fn validator(kind: Kind) -> &'static jsonschema::Validator {
    static VALIDATORS: [OnceLock<jsonschema::Validator>; 4] =
        [OnceLock::new(), OnceLock::new(), OnceLock::new(), OnceLock::new()];
    let slot = match kind {
        Kind::InspectionReport => &VALIDATORS[0],
        Kind::MaintenanceEvent => &VALIDATORS[1],
        Kind::MaintenanceSegment => &VALIDATORS[2],
        Kind::SaasRelease => &VALIDATORS[3],
    };
    slot.get_or_init(|| {
        // The committed schemas are checked by this crate's tests; a schema
        // that does not compile is a build defect, not an input error.
        #[allow(clippy::expect_used)]
        let schema: Value = serde_json::from_str(committed(kind)).expect("committed schema is JSON");
        #[allow(clippy::expect_used)]
        jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .should_validate_formats(true)
            .build(&schema)
            .expect("committed schema compiles")
    })
}

/// Validates `value` against the committed schema of `kind`.
pub fn validate(kind: Kind, value: &Value) -> Vec<Problem> {
    validator(kind)
        .iter_errors(value)
        .map(|e| Problem::new(Pointer::from(e.instance_path().as_str()), shorten(e.to_string())))
        .collect()
}

/// Keeps messages readable: a validator error quotes the offending instance,
/// which may be a whole sub-document.
fn shorten(message: String) -> String {
    const LIMIT: usize = 300;
    if message.chars().count() <= LIMIT {
        return message;
    }
    let mut short: String = message.chars().take(LIMIT).collect();
    short.push('…');
    short
}
