//! What every source shares once a line is read: the ingestion's
//! [`Context`], a line's [`Parsed`] event or its [`LineError`], and the
//! schema check that turns a value into a typed event. Its own module so
//! that the sources ([`crate::input`], [`crate::syslog`], [`crate::otlp`])
//! and [`crate::batch`] depend on it rather than on each other.

use chrono::{DateTime, Utc};
use lading_model::maintenance::MaintenanceEvent;
use lading_model::meta::Metadata;
use lading_model::{Document, Kind, Pointer, validate_value};
use serde_json::{Map, Value};

/// What every event of an ingestion shares.
#[derive(Debug, Clone)]
pub struct Context {
    /// The stream the events go to.
    pub stream: String,
    /// Metadata for events whose source carries none (syslog); `meta.id`
    /// is replaced per event and `meta.kind` is `maintenance-event`.
    pub meta: Metadata,
    /// When the platform received the events.
    pub observed_at: DateTime<Utc>,
}

/// A line that could not be made into an event.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}{}: {message}", pointer.as_ref().map(|p| format!(" at {p}")).unwrap_or_default())]
pub struct LineError {
    /// 1-based line number in the source.
    pub line: usize,
    /// JSON pointer of the offending field, when the problem is in one.
    pub pointer: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl LineError {
    pub(crate) fn new(line: usize, message: impl Into<String>) -> Self {
        Self { line, pointer: None, message: message.into() }
    }

    pub(crate) fn at(line: usize, pointer: &str, message: impl Into<String>) -> Self {
        Self { line, pointer: Some(pointer.to_owned()), message: message.into() }
    }
}

/// An event read from one line, not yet sequenced (`sequence` is 0).
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    /// 1-based line number in the source.
    pub line: usize,
    /// The event.
    pub event: MaintenanceEvent,
    /// Whether its `observed_at` (and so `meta.created_at`) is the time the
    /// platform received it rather than a value the source gave.
    pub observed_on_receipt: bool,
}

impl Parsed {
    /// `event` from `line`, received at `ctx.observed_at`.
    pub(crate) fn new(ctx: &Context, line: usize, event: MaintenanceEvent) -> Self {
        let observed_on_receipt = event.observed_at == ctx.observed_at;
        Self { line, event, observed_on_receipt }
    }
}

/// Validates an event value against the schema and the kind's checks.
pub(crate) fn typed_event(line: usize, value: &Value) -> Result<MaintenanceEvent, LineError> {
    match validate_value(value) {
        Ok(Document::MaintenanceEvent(e)) => Ok(*e),
        Ok(other) => {
            Err(LineError::at(line, "/meta/kind", format!("is {}, expected {}", other.kind(), Kind::MaintenanceEvent)))
        }
        Err(problems) => {
            let pointer = problems.first().map(|p| p.pointer.as_str().to_owned());
            let message = match problems.as_slice() {
                [only] => only.message.clone(),
                _ => problems
                    .iter()
                    .map(|p| {
                        if p.pointer == Pointer::root() {
                            p.message.clone()
                        } else {
                            format!("{}: {}", p.pointer, p.message)
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("; "),
            };
            Err(LineError { line, pointer, message })
        }
    }
}

/// An object with string values, for building events from key/value sources.
pub(crate) fn object(pairs: impl IntoIterator<Item = (&'static str, Value)>) -> Value {
    Value::Object(pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect::<Map<_, _>>())
}
