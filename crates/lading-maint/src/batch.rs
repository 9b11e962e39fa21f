//! Sequencing a batch of parsed events: duplicate ids, clock order within a
//! tolerance, entry size, then consecutive sequence numbers in the
//! canonical (RFC 8785) bytes that are appended to the stream's log.
//!
//! Each event is encoded once, where it is parsed ([`prepare`], on the
//! machine's cores), with sequence 0; numbering splices the number into
//! the canonical bytes, so a refused line costs no re-encoding of the ones
//! after it and a batch holds only the entries, not the parsed events.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use chrono::{DateTime, Utc};
use lading_model::json::canonicalize_locating;
use lading_tlog::tile::MAX_ENTRY_BYTES;

use crate::event::{LineError, Parsed};

/// A parsed event encoded for the log, not yet numbered.
#[derive(Debug, Clone, PartialEq)]
pub struct Prepared {
    /// 1-based line number in the source.
    pub line: usize,
    /// The event's id.
    pub event_id: String,
    /// When it happened.
    pub occurred_at: DateTime<Utc>,
    /// Its canonical JSON with `sequence` 0.
    entry: Vec<u8>,
    /// Where the `sequence` value is in `entry`.
    sequence_at: Range<usize>,
    /// Whether `observed_at` and `meta.created_at` are the time of receipt.
    observed_on_receipt: bool,
}

impl Prepared {
    /// Its canonical JSON with `sequence` 0 (what the log entry will be once numbered).
    pub fn entry(&self) -> &[u8] {
        &self.entry
    }

    /// Whether its `observed_at` and `meta.created_at` are the time the
    /// platform received it (syslog; OTLP without ObservedTimeUnixNano)
    /// rather than values the source gave.
    pub fn observed_on_receipt(&self) -> bool {
        self.observed_on_receipt
    }
}

/// Encodes a parsed event for the log (its `sequence` is assigned later).
pub fn prepare(parsed: Parsed) -> Result<Prepared, LineError> {
    let Parsed { line, mut event, observed_on_receipt } = parsed;
    event.sequence = 0;
    let value = serde_json::to_value(&event).map_err(|e| LineError::new(line, format!("cannot encode: {e}")))?;
    match canonicalize_locating(&value, "sequence") {
        (entry, Some(sequence_at)) => Ok(Prepared {
            line,
            event_id: event.event_id,
            occurred_at: event.occurred_at,
            entry,
            sequence_at,
            observed_on_receipt,
        }),
        (_, None) => Err(LineError::new(line, "internal error: the encoded event has no sequence field")),
    }
}

/// [`prepare`] over a batch, on the machine's cores.
pub fn prepare_all(parsed: Vec<Result<Parsed, LineError>>) -> Vec<Result<Prepared, LineError>> {
    crate::parallel::map_owned(parsed, |p| p.and_then(prepare))
}

/// An event ready to append.
#[derive(Debug, Clone, PartialEq)]
pub struct Sequenced {
    /// 1-based line number in the source.
    pub line: usize,
    /// Its sequence number in the stream.
    pub sequence: u64,
    /// The event's id.
    pub event_id: String,
    /// When it happened.
    pub occurred_at: DateTime<Utc>,
    /// Its canonical JSON, numbered: the log entry.
    pub entry: Vec<u8>,
}

/// What a batch comes to.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Outcome {
    /// Events to append, in order, numbered from the stream's next sequence.
    pub accepted: Vec<Sequenced>,
    /// Lines refused, with why, in line order.
    pub rejected: Vec<LineError>,
}

/// The stream's state a batch is checked against.
#[derive(Debug, Clone, Copy)]
pub struct StreamState {
    /// The sequence number the first accepted event gets (the log's size).
    pub next_sequence: u64,
    /// The latest `occurred_at` already in the stream.
    pub latest_occurred: Option<DateTime<Utc>>,
    /// How far an event may be older than the latest before it is refused.
    pub tolerance: chrono::Duration,
}

/// Checks `prepared` (with the errors of lines that did not parse) and
/// numbers the events that pass. `known` holds the ids among the batch's
/// that the stream already has.
pub fn sequence_batch(
    prepared: Vec<Result<Prepared, LineError>>,
    state: StreamState,
    known: &HashSet<String>,
) -> Outcome {
    let mut out = Outcome::default();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut latest = state.latest_occurred;
    let mut next = state.next_sequence;
    for item in prepared {
        let Prepared { line, event_id, occurred_at, mut entry, sequence_at, .. } = match item {
            Ok(p) => p,
            Err(e) => {
                out.rejected.push(e);
                continue;
            }
        };
        if known.contains(&event_id) {
            out.rejected.push(LineError::at(
                line,
                "/event_id",
                format!("{event_id:?} is already in the stream (duplicate event)"),
            ));
            continue;
        }
        if let Some(first) = seen.get(&event_id) {
            out.rejected.push(LineError::at(
                line,
                "/event_id",
                format!("{event_id:?} repeats the event on line {first} (duplicate event)"),
            ));
            continue;
        }
        if let Some(l) = latest
            && occurred_at + state.tolerance < l
        {
            out.rejected.push(LineError::at(
                line,
                "/occurred_at",
                format!(
                    "{} is {} ms before the latest event so far ({}); the stream's clock tolerance is {} ms",
                    occurred_at.to_rfc3339(),
                    (l - occurred_at).num_milliseconds(),
                    l.to_rfc3339(),
                    state.tolerance.num_milliseconds()
                ),
            ));
            continue;
        }
        entry.splice(sequence_at, itoa::Buffer::new().format(next).bytes());
        if entry.len() > MAX_ENTRY_BYTES {
            out.rejected.push(LineError::new(
                line,
                format!("the event is {} bytes as canonical JSON; at most {MAX_ENTRY_BYTES}", entry.len()),
            ));
            continue;
        }
        seen.insert(event_id.clone(), line);
        latest = Some(latest.map_or(occurred_at, |l| l.max(occurred_at)));
        out.accepted.push(Sequenced { line, sequence: next, event_id, occurred_at, entry });
        next += 1;
    }
    out.rejected.sort_by_key(|e| e.line);
    out
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone as _;

    use super::*;
    use crate::event::Context;
    use crate::input::{Format, parse, prepare as prepare_text};

    fn ctx() -> Context {
        let meta =
            lading_model::example(lading_model::Kind::MaintenanceEvent, uuid::Uuid::nil(), Utc::now())["meta"].clone();
        Context {
            stream: "s".into(),
            meta: serde_json::from_value(meta).expect("meta"),
            observed_at: Utc.with_ymd_and_hms(2026, 11, 27, 0, 0, 0).single().expect("time"),
        }
    }

    fn line(id: &str, at: &str) -> String {
        format!(
            "<134>1 {at} cnc-1 agent 42 SET [maint@32473 event_id=\"{id}\" actor=\"eng-1\" auth=\"mfa\" access=\"vpn\" category=\"configuration-changes\" result=\"success\"] set"
        )
    }

    #[test]
    fn numbers_accepted_events_and_names_duplicates_and_late_events() {
        let text = [
            line("a", "2026-11-20T08:00:00Z"),
            line("b", "2026-11-20T08:00:10Z"),
            line("a", "2026-11-20T08:00:20Z"),
            line("c", "2026-11-20T08:00:07Z"), // 3 s behind b: within 5 s
            line("d", "2026-11-20T08:00:01Z"), // 9 s behind b: refused
            line("known", "2026-11-20T08:00:30Z"),
        ]
        .join("\n");
        let prepared = prepare_text(Format::Syslog, &ctx(), &text);
        let state = StreamState { next_sequence: 100, latest_occurred: None, tolerance: chrono::Duration::seconds(5) };
        let out = sequence_batch(prepared, state, &HashSet::from(["known".to_owned()]));
        let seqs: Vec<(usize, u64, &str)> =
            out.accepted.iter().map(|s| (s.line, s.sequence, s.event_id.as_str())).collect();
        assert_eq!(seqs, [(1, 100, "a"), (2, 101, "b"), (4, 102, "c")]);
        let rejected: Vec<(usize, &str)> = out.rejected.iter().map(|e| (e.line, e.message.as_str())).collect();
        assert_eq!(rejected.len(), 3, "{rejected:?}");
        assert!(rejected[0].0 == 3 && rejected[0].1.contains("repeats the event on line 1"), "{rejected:?}");
        assert!(rejected[1].0 == 5 && rejected[1].1.contains("9000 ms before"), "{rejected:?}");
        assert!(rejected[2].0 == 6 && rejected[2].1.contains("already in the stream"), "{rejected:?}");
        // Each entry is the canonical JSON of its numbered event.
        let events: Vec<_> = parse(Format::Syslog, &ctx(), &text).into_iter().flatten().collect();
        for (s, line) in out.accepted.iter().zip([1, 2, 4]) {
            let mut event = events.iter().find(|p| p.line == line).expect("parsed").event.clone();
            event.sequence = s.sequence;
            assert_eq!(s.entry, lading_model::json::canonicalize_serialize(&event).expect("jcs"));
        }
    }

    #[test]
    fn an_event_too_large_for_the_log_is_refused_and_the_next_one_takes_its_number() {
        let big = format!("{} {}", line("big", "2026-11-20T08:00:01Z"), "x".repeat(65_000));
        let text = [line("a", "2026-11-20T08:00:00Z"), big, line("big", "2026-11-20T08:00:02Z")].join("\n");
        let state = StreamState { next_sequence: 7, latest_occurred: None, tolerance: chrono::Duration::seconds(5) };
        let out = sequence_batch(prepare_text(Format::Syslog, &ctx(), &text), state, &HashSet::new());
        let seqs: Vec<(usize, u64)> = out.accepted.iter().map(|s| (s.line, s.sequence)).collect();
        // Line 3 reuses the refused event's id: it is not a duplicate, since line 2 never landed.
        assert_eq!(seqs, [(1, 7), (3, 8)]);
        assert_eq!(out.rejected.len(), 1);
        assert_eq!(out.rejected[0].line, 2);
        assert!(out.rejected[0].message.contains("bytes as canonical JSON; at most 65535"), "{}", out.rejected[0]);
        let second: serde_json::Value = serde_json::from_slice(&out.accepted[1].entry).expect("json");
        assert_eq!(second["sequence"], 8);
    }

    #[test]
    fn syslog_maps_to_the_event_schema() {
        let parsed = parse(Format::Syslog, &ctx(), &line("x", "2026-11-20T08:00:00.250+08:00"));
        let e = &parsed[0].as_ref().expect("parsed").event;
        assert_eq!(
            e.occurred_at,
            Utc.with_ymd_and_hms(2026, 11, 20, 0, 0, 0).single().expect("t") + chrono::Duration::milliseconds(250)
        );
        assert_eq!(e.severity_number, 9, "informational is OTel INFO");
        assert_eq!((e.asset.id.as_str(), e.action.as_str(), e.session.id.as_str()), ("cnc-1", "SET", "42"));
        assert_eq!(e.attributes["message"], "set");
        assert_eq!(e.attributes["syslog.facility"], 16);
        // A missing required field names the parameter to add.
        let bad = line("y", "2026-11-20T08:00:00Z").replace(" auth=\"mfa\"", "");
        let err = parse(Format::Syslog, &ctx(), &bad).remove(0).expect_err("no auth");
        assert!(err.message.contains("auth=\""), "{err}");
        let bad = line("y", "2026-11-20T08:00:00Z").replace("result=", "reslut=");
        let err = parse(Format::Syslog, &ctx(), &bad).remove(0).expect_err("typo");
        assert!(err.message.contains("unknown parameter \"reslut\""), "{err}");
    }
}
