//! `lading new`, `validate`, `canonicalize`, `schema`.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;
use lading_model::json::{self, JsonError};
use lading_model::{Kind, schema};
use serde_json::{Value, json};

use crate::cli::{CanonicalizeArgs, NewArgs, SchemaArgs, ValidateArgs};
use crate::{fsio, output};

/// The example document itself on stdout; under `--json`, one object
/// `{ok, kind, document}` like every other command.
pub(crate) fn new(args: &NewArgs, json_out: bool) -> Result<ExitCode> {
    let id = args.id.unwrap_or_else(uuid::Uuid::new_v4);
    let now = args.created_at.unwrap_or_else(now_seconds);
    let kind: Kind = args.kind.into();
    let document = lading_model::example(kind, id, now);
    if json_out {
        output::json_line(&json!({ "ok": true, "kind": kind.name(), "document": document }))?;
    } else {
        output::json_pretty(&document)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The current time, truncated to whole seconds.
pub(crate) fn now_seconds() -> chrono::DateTime<chrono::Utc> {
    let now = chrono::Utc::now();
    chrono::DateTime::from_timestamp(now.timestamp(), 0).unwrap_or(now)
}

/// One finding of `validate`: where, and what.
struct Finding {
    pointer: Option<String>,
    line: Option<usize>,
    column: Option<usize>,
    message: String,
}

/// Reads, parses and validates one document file.
fn check_file(path: &Path) -> (Option<Kind>, Vec<Finding>) {
    let bytes = match fsio::read_limited(path, fsio::MAX_DOCUMENT_BYTES) {
        Ok(b) => b,
        Err(e) => return (None, vec![Finding { pointer: None, line: None, column: None, message: format!("{e:#}") }]),
    };
    let value = match json::parse_strict(&bytes) {
        Ok(v) => v,
        Err(JsonError::Syntax { message, line, column }) => {
            return (None, vec![Finding { pointer: None, line: Some(line), column: Some(column), message }]);
        }
        Err(e) => return (None, vec![Finding { pointer: None, line: None, column: None, message: e.to_string() }]),
    };
    match lading_model::validate_value(&value) {
        Ok(doc) => (Some(doc.kind()), Vec::new()),
        Err(problems) => {
            let kind = value.pointer("/meta/kind").and_then(Value::as_str).and_then(|k| k.parse().ok());
            let findings = problems
                .into_iter()
                .map(|p| Finding { pointer: Some(p.pointer.to_string()), line: None, column: None, message: p.message })
                .collect();
            (kind, findings)
        }
    }
}

pub(crate) fn validate(args: &ValidateArgs, json_out: bool) -> Result<ExitCode> {
    let mut all_valid = true;
    let mut results = Vec::new();
    for path in &args.files {
        let (kind, findings) = check_file(path);
        let name = path.display().to_string();
        all_valid &= findings.is_empty();
        if json_out {
            results.push(json!({
                "file": name,
                "valid": findings.is_empty(),
                "kind": kind.map(Kind::name),
                "errors": findings.iter().map(|f| json!({
                    "pointer": f.pointer, "line": f.line, "column": f.column, "message": f.message,
                })).collect::<Vec<_>>(),
            }));
            continue;
        }
        if findings.is_empty() {
            output::line(&format!("{name}: valid {}", kind.map_or("document", Kind::name)))?;
        }
        for f in &findings {
            let place = match (&f.pointer, f.line, f.column) {
                (Some(p), _, _) => format!("{name}: {p}"),
                (None, Some(l), Some(c)) => format!("{name}:{l}:{c}"),
                _ => name.clone(),
            };
            eprintln!("{place}: {}", f.message);
        }
    }
    if json_out {
        output::json_line(&json!({ "ok": all_valid, "files": results }))?;
    }
    Ok(if all_valid { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

/// The canonical bytes on stdout; under `--json`, one object whose
/// `canonical` is those bytes as a JSON string (they are UTF-8 JSON text).
pub(crate) fn canonicalize(args: &CanonicalizeArgs, json_out: bool) -> Result<ExitCode> {
    use std::io::Write as _;
    let bytes = fsio::read_limited(&args.file, fsio::MAX_DOCUMENT_BYTES)?;
    // RFC 8785 reads decimals as the nearest double; records use parse_strict.
    let value = json::parse_rfc8785(&bytes).map_err(|e| anyhow::anyhow!("{}: {e}", args.file.display()))?;
    let canonical = json::canonicalize(&value);
    if json_out {
        let text = String::from_utf8(canonical)?;
        output::json_line(&json!({ "ok": true, "file": args.file, "canonical": text }))?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = std::io::stdout().lock();
    out.write_all(&canonical)?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// The committed JSON Schema on stdout; under `--json`, one object
/// `{ok, kind, schema}`.
pub(crate) fn schema(args: &SchemaArgs, json_out: bool) -> Result<ExitCode> {
    use std::io::Write as _;
    let kind: Kind = args.kind.into();
    let text = schema::committed(kind);
    if json_out {
        let schema: Value = serde_json::from_str(text)?;
        output::json_line(&json!({ "ok": true, "kind": kind.name(), "schema": schema }))?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}
