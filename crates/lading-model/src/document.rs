//! Document kinds and the parse → schema → type → consistency pipeline.

use std::fmt;
use std::str::FromStr;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::inspection::InspectionReport;
use crate::json::{self, Pointer};
use crate::maintenance::{MaintenanceEvent, MaintenanceSegment};
use crate::meta::Metadata;
use crate::release::SaasRelease;
use crate::{Problem, check, schema};

/// The kinds of document Lading knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// AI visual quality inspection report.
    InspectionReport,
    /// One remote maintenance event.
    MaintenanceEvent,
    /// A verifiable segment of a maintenance log.
    MaintenanceSegment,
    /// SaaS delivery package manifest.
    SaasRelease,
}

/// A kind name that Lading does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown document kind {0:?}; expected one of inspection-report, maintenance-event, maintenance-segment, saas-release"
)]
pub struct UnknownKind(pub String);

impl Kind {
    /// Every kind, in a stable order.
    pub const ALL: [Kind; 4] =
        [Kind::InspectionReport, Kind::MaintenanceEvent, Kind::MaintenanceSegment, Kind::SaasRelease];

    /// The kind's name as written in `meta.kind`.
    pub const fn name(self) -> &'static str {
        match self {
            Kind::InspectionReport => "inspection-report",
            Kind::MaintenanceEvent => "maintenance-event",
            Kind::MaintenanceSegment => "maintenance-segment",
            Kind::SaasRelease => "saas-release",
        }
    }

    /// The kind's type URI, used as the in-toto `predicateType`.
    pub const fn type_uri(self) -> &'static str {
        match self {
            Kind::InspectionReport => "urn:lading:inspection-report:v1",
            Kind::MaintenanceEvent => "urn:lading:maintenance-event:v1",
            Kind::MaintenanceSegment => "urn:lading:maintenance-segment:v1",
            Kind::SaasRelease => "urn:lading:saas-release:v1",
        }
    }

    /// The kind whose type URI is `uri`.
    pub fn from_type_uri(uri: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.type_uri() == uri)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.name())
    }
}

impl FromStr for Kind {
    type Err = UnknownKind;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Kind::ALL.into_iter().find(|k| k.name() == s).ok_or_else(|| UnknownKind(s.to_owned()))
    }
}

/// A document of any kind that passed its schema and consistency checks.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Document {
    /// An inspection report.
    InspectionReport(Box<InspectionReport>),
    /// A maintenance event.
    MaintenanceEvent(Box<MaintenanceEvent>),
    /// A maintenance log segment.
    MaintenanceSegment(Box<MaintenanceSegment>),
    /// A SaaS release manifest.
    SaasRelease(Box<SaasRelease>),
}

impl Document {
    /// The document's kind.
    pub fn kind(&self) -> Kind {
        self.meta().kind
    }

    /// The metadata envelope.
    pub fn meta(&self) -> &Metadata {
        match self {
            Document::InspectionReport(d) => &d.meta,
            Document::MaintenanceEvent(d) => &d.meta,
            Document::MaintenanceSegment(d) => &d.meta,
            Document::SaasRelease(d) => &d.meta,
        }
    }

    /// Consistency problems the schema cannot express; empty when consistent.
    pub fn consistency_problems(&self) -> Vec<Problem> {
        match self {
            Document::InspectionReport(d) => check::inspection_report(d),
            Document::MaintenanceEvent(d) => check::maintenance_event(d),
            Document::MaintenanceSegment(d) => check::maintenance_segment(d),
            Document::SaasRelease(d) => check::saas_release(d),
        }
    }
}

/// Parses bytes strictly (I-JSON) and validates the document.
///
/// Every problem found is returned, each with the JSON pointer it concerns.
pub fn parse_document(bytes: &[u8]) -> Result<Document, Vec<Problem>> {
    let value = json::parse_strict(bytes).map_err(|e| vec![Problem::new(Pointer::root(), e.to_string())])?;
    validate_value(&value)
}

/// Validates a parsed JSON value: kind, schema, types, then consistency.
pub fn validate_value(value: &Value) -> Result<Document, Vec<Problem>> {
    let kind = kind_of(value)?;
    if has_nul(value) {
        let mut nul = Vec::new();
        nul_problems(value, &Pointer::root(), &mut nul);
        return Err(nul);
    }
    let problems = schema::validate(kind, value);
    if !problems.is_empty() {
        return Err(problems);
    }
    let document = typed(kind, value)?;
    let problems = document.consistency_problems();
    if problems.is_empty() { Ok(document) } else { Err(problems) }
}

/// U+0000 is refused in every string and member name of a document, whatever
/// the source (a JSON `\u0000`, a NUL byte in a syslog line, an OTLP body):
/// PostgreSQL `text` columns cannot hold it, so a document stored on SQLite
/// could not be stored on PostgreSQL, and C tools reading a record stop at it.
fn has_nul(value: &Value) -> bool {
    match value {
        Value::String(s) => s.contains('\0'),
        Value::Array(items) => items.iter().any(has_nul),
        Value::Object(members) => members.iter().any(|(k, v)| k.contains('\0') || has_nul(v)),
        _ => false,
    }
}

fn nul_problems(value: &Value, at: &Pointer, out: &mut Vec<Problem>) {
    const WHY: &str = "contains U+0000 (NUL), which Lading refuses in every string: \
                       PostgreSQL text cannot hold it and C tools stop reading at it";
    match value {
        Value::String(s) if s.contains('\0') => out.push(Problem::new(at.clone(), WHY)),
        Value::Array(items) => items.iter().enumerate().for_each(|(i, v)| nul_problems(v, &at.index(i), out)),
        Value::Object(members) => {
            for (k, v) in members {
                let here = at.key(k);
                if k.contains('\0') {
                    out.push(Problem::new(here.clone(), format!("the member name {WHY}")));
                }
                nul_problems(v, &here, out);
            }
        }
        _ => {}
    }
}

fn kind_of(value: &Value) -> Result<Kind, Vec<Problem>> {
    let at = Pointer::from("/meta/kind");
    let Some(object) = value.as_object() else {
        return Err(vec![Problem::new(Pointer::root(), "a document must be a JSON object")]);
    };
    let Some(meta) = object.get("meta") else {
        return Err(vec![Problem::new(Pointer::from("/meta"), "missing the metadata envelope `meta`")]);
    };
    match meta.get("kind").and_then(Value::as_str) {
        Some(name) => name.parse().map_err(|e: UnknownKind| vec![Problem::new(at, e.to_string())]),
        None => Err(vec![Problem::new(at, "missing or not a string")]),
    }
}

fn typed(kind: Kind, value: &Value) -> Result<Document, Vec<Problem>> {
    fn from<T: serde::de::DeserializeOwned>(value: &Value) -> Result<Box<T>, Vec<Problem>> {
        // The schema has accepted the value, so a failure here is a rule the
        // schema cannot state (for example a calendar date that does not exist).
        T::deserialize(value).map(Box::new).map_err(|e| vec![Problem::new(Pointer::root(), e.to_string())])
    }
    Ok(match kind {
        Kind::InspectionReport => Document::InspectionReport(from(value)?),
        Kind::MaintenanceEvent => Document::MaintenanceEvent(from(value)?),
        Kind::MaintenanceSegment => Document::MaintenanceSegment(from(value)?),
        Kind::SaasRelease => Document::SaasRelease(from(value)?),
    })
}
