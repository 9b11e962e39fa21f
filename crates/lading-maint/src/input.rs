//! Normalising maintenance events from their sources into
//! [`MaintenanceEvent`]s: JSON Lines in Lading's schema and RFC 5424 syslog
//! lines. Every line is parsed on its own; a bad line gives a [`LineError`]
//! with its 1-based line number and, where there is one, the JSON pointer.

use lading_model::json;
use serde_json::Value;

use crate::batch::Prepared;
use crate::event::{Context, LineError, Parsed, typed_event};
use crate::syslog;

/// A source format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One maintenance event per line, in Lading's schema, without
    /// `sequence` (the log assigns it) and with `stream` optional.
    Jsonl,
    /// RFC 5424 syslog lines; see [`crate::syslog`] for the mapping.
    Syslog,
    /// One OTLP ExportLogsServiceRequest in JSON per line (what the
    /// OpenTelemetry Collector's file exporter writes); see [`crate::otlp`].
    OtlpJson,
}

/// Longest source line accepted; a log entry is at most 65,535 bytes.
pub const MAX_LINE_BYTES: usize = 64 * 1024;

/// Reads every non-blank line of `text` in `format`, in line order. Large
/// inputs are split over the machine's cores (lines are independent).
pub fn parse(format: Format, ctx: &Context, text: &str) -> Vec<Result<Parsed, LineError>> {
    over_lines(text, |n, l| parse_line(format, ctx, n, l))
}

/// [`parse`] and [`prepare`](crate::batch::prepare) in one pass over the
/// machine's cores: what [`sequence_batch`](crate::sequence_batch) takes.
pub fn prepare(format: Format, ctx: &Context, text: &str) -> Vec<Result<Prepared, LineError>> {
    over_lines(text, |n, l| {
        parse_line(format, ctx, n, l).into_iter().map(|p| p.and_then(crate::batch::prepare)).collect()
    })
}

/// [`prepare`] over raw bytes: a line that is not UTF-8 is refused on its
/// own (a [`LineError`] naming the byte offset within the line), so that
/// `--per-line` keeps the others; lines end at LF, with a CR before it
/// dropped, exactly as [`str::lines`] splits text.
pub fn prepare_bytes(format: Format, ctx: &Context, bytes: &[u8]) -> Vec<Result<Prepared, LineError>> {
    let mut lines: Vec<(usize, Result<&str, LineError>)> = Vec::new();
    let (body, ends_with_lf) = bytes.strip_suffix(b"\n").map_or((bytes, false), |b| (b, true));
    if !bytes.is_empty() {
        let count = body.split(|b| *b == b'\n').count();
        for (i, raw) in body.split(|b| *b == b'\n').enumerate() {
            // A CR ends a line only before an LF, as in `str::lines`.
            let raw = if i + 1 < count || ends_with_lf { raw.strip_suffix(b"\r").unwrap_or(raw) } else { raw };
            match std::str::from_utf8(raw) {
                Ok(l) if l.trim().is_empty() => {}
                Ok(l) => lines.push((i + 1, Ok(l))),
                Err(e) => lines.push((
                    i + 1,
                    Err(LineError::new(i + 1, format!("not UTF-8 (byte {} of the line)", e.valid_up_to() + 1))),
                )),
            }
        }
    }
    crate::parallel::map(&lines, |(n, l)| match l {
        Ok(l) => parse_line(format, ctx, *n, l).into_iter().map(|p| p.and_then(crate::batch::prepare)).collect(),
        Err(e) => vec![Err(e.clone())],
    })
    .into_iter()
    .flatten()
    .collect()
}

/// One message that is not a line of a file (a syslog frame received over
/// the network) as line `number`: read exactly as a line of a file is, so
/// the same text makes the same event.
pub fn prepare_message(format: Format, ctx: &Context, number: usize, text: &str) -> Vec<Result<Prepared, LineError>> {
    parse_line(format, ctx, number, text).into_iter().map(|p| p.and_then(crate::batch::prepare)).collect()
}

/// `f` over the non-blank lines of `text` (1-based numbers), in order.
fn over_lines<R: Send>(text: &str, f: impl Fn(usize, &str) -> Vec<R> + Sync) -> Vec<R> {
    let lines: Vec<(usize, &str)> =
        text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()).map(|(i, l)| (i + 1, l)).collect();
    crate::parallel::map(&lines, |&(n, l)| f(n, l)).into_iter().flatten().collect()
}

fn parse_line(format: Format, ctx: &Context, line: usize, text: &str) -> Vec<Result<Parsed, LineError>> {
    if format != Format::OtlpJson && text.len() > MAX_LINE_BYTES {
        return vec![Err(LineError::new(line, format!("{} bytes; lines are at most {MAX_LINE_BYTES}", text.len())))];
    }
    let value = match format {
        Format::Jsonl => jsonl_value(ctx, line, text),
        Format::Syslog => syslog::to_value(ctx, line, text),
        Format::OtlpJson => {
            return match crate::otlp::decode_json(text.as_bytes()) {
                Ok(request) => crate::otlp::events(ctx, line, &request),
                Err(e) => vec![Err(LineError::new(line, e))],
            };
        }
    };
    vec![value.and_then(|v| typed_event(line, &v)).map(|event| Parsed::new(ctx, line, event))]
}

/// A JSON Lines line as an event value with `stream` and a placeholder
/// `sequence` filled in.
fn jsonl_value(ctx: &Context, line: usize, text: &str) -> Result<Value, LineError> {
    let value = json::parse_strict(text.as_bytes()).map_err(|e| LineError::new(line, format!("not JSON: {e}")))?;
    let Value::Object(mut object) = value else {
        return Err(LineError::at(line, "", "an event must be a JSON object"));
    };
    if object.contains_key("sequence") {
        return Err(LineError::at(
            line,
            "/sequence",
            "sequence numbers are assigned by the stream's log on ingest; leave the field out",
        ));
    }
    match object.get("stream") {
        None => {
            object.insert("stream".into(), Value::String(ctx.stream.clone()));
        }
        Some(Value::String(s)) if *s == ctx.stream => {}
        Some(other) => {
            return Err(LineError::at(
                line,
                "/stream",
                format!("is {other}, but the events are being ingested into stream {:?}", ctx.stream),
            ));
        }
    }
    object.insert("sequence".into(), Value::from(0u64));
    Ok(Value::Object(object))
}
