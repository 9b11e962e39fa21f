//! Sequencing a batch of parsed events: duplicate ids, clock order within a
//! tolerance, entry size, then consecutive sequence numbers and the
//! canonical (RFC 8785) bytes that are appended to the stream's log.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use lading_model::json::canonicalize_serialize;
use lading_model::maintenance::MaintenanceEvent;
use lading_tlog::tile::MAX_ENTRY_BYTES;

use crate::input::{LineError, Parsed};

/// An event ready to append.
#[derive(Debug, Clone, PartialEq)]
pub struct Sequenced {
    /// 1-based line number in the source.
    pub line: usize,
    /// The event, with its sequence number.
    pub event: MaintenanceEvent,
    /// Its canonical JSON: the log entry.
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

/// Checks `parsed` (with the errors of lines that did not parse) and
/// numbers the events that pass. `known` holds the ids among the batch's
/// that the stream already has.
pub fn sequence_batch(parsed: Vec<Result<Parsed, LineError>>, state: StreamState, known: &HashSet<String>) -> Outcome {
    let mut out = Outcome::default();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut latest = state.latest_occurred;
    let mut next = state.next_sequence;
    for item in parsed {
        let Parsed { line, mut event } = match item {
            Ok(p) => p,
            Err(e) => {
                out.rejected.push(e);
                continue;
            }
        };
        if known.contains(&event.event_id) {
            out.rejected.push(LineError::at(
                line,
                "/event_id",
                format!("{:?} is already in the stream (duplicate event)", event.event_id),
            ));
            continue;
        }
        if let Some(first) = seen.get(&event.event_id) {
            out.rejected.push(LineError::at(
                line,
                "/event_id",
                format!("{:?} repeats the event on line {first} (duplicate event)", event.event_id),
            ));
            continue;
        }
        if let Some(l) = latest
            && event.occurred_at + state.tolerance < l
        {
            out.rejected.push(LineError::at(
                line,
                "/occurred_at",
                format!(
                    "{} is {} ms before the latest event so far ({}); the stream's clock tolerance is {} ms",
                    event.occurred_at.to_rfc3339(),
                    (l - event.occurred_at).num_milliseconds(),
                    l.to_rfc3339(),
                    state.tolerance.num_milliseconds()
                ),
            ));
            continue;
        }
        event.sequence = next;
        seen.insert(event.event_id.clone(), line);
        latest = Some(latest.map_or(event.occurred_at, |l| l.max(event.occurred_at)));
        next += 1;
        out.accepted.push(Sequenced { line, event, entry: Vec::new() });
    }
    // Canonical bytes, over the machine's cores. An entry over the size
    // limit is refused and the events after it renumbered and encoded
    // again; renumbering only shortens entries, so one more pass suffices.
    let mut from = 0;
    while from < out.accepted.len() {
        let mut encoded = canonicalize_all(&out.accepted[from..]).into_iter();
        let mut first_refused = None;
        let mut kept = Vec::with_capacity(out.accepted.len());
        for (i, mut s) in out.accepted.drain(..).enumerate() {
            let bytes = if i < from {
                Ok(std::mem::take(&mut s.entry))
            } else {
                encoded.next().unwrap_or_else(|| Err("internal error: an event was not encoded".into()))
            };
            let problem = match bytes {
                Ok(b) if b.len() <= MAX_ENTRY_BYTES => {
                    s.entry = b;
                    kept.push(s);
                    continue;
                }
                Ok(b) => format!("the event is {} bytes as canonical JSON; at most {MAX_ENTRY_BYTES}", b.len()),
                Err(e) => e,
            };
            first_refused = first_refused.or(Some(s.line));
            out.rejected.push(LineError::new(s.line, problem));
        }
        out.accepted = kept;
        let Some(first_refused) = first_refused else { break };
        from = out.accepted.iter().position(|s| s.line > first_refused).unwrap_or(out.accepted.len());
        for (i, s) in out.accepted.iter_mut().enumerate().skip(from) {
            s.event.sequence = state.next_sequence + i as u64;
        }
    }
    out.rejected.sort_by_key(|e| e.line);
    out
}

fn canonicalize_all(events: &[Sequenced]) -> Vec<Result<Vec<u8>, String>> {
    crate::parallel::map(events, |s| canonicalize_serialize(&s.event).map_err(|e| format!("cannot canonicalise: {e}")))
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone as _;

    use super::*;
    use crate::input::{Context, Format, parse};

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
        let parsed = parse(Format::Syslog, &ctx(), &text);
        let state = StreamState { next_sequence: 100, latest_occurred: None, tolerance: chrono::Duration::seconds(5) };
        let out = sequence_batch(parsed, state, &HashSet::from(["known".to_owned()]));
        let seqs: Vec<(usize, u64, &str)> =
            out.accepted.iter().map(|s| (s.line, s.event.sequence, s.event.event_id.as_str())).collect();
        assert_eq!(seqs, [(1, 100, "a"), (2, 101, "b"), (4, 102, "c")]);
        let rejected: Vec<(usize, &str)> = out.rejected.iter().map(|e| (e.line, e.message.as_str())).collect();
        assert_eq!(rejected.len(), 3, "{rejected:?}");
        assert!(rejected[0].0 == 3 && rejected[0].1.contains("repeats the event on line 1"), "{rejected:?}");
        assert!(rejected[1].0 == 5 && rejected[1].1.contains("9000 ms before"), "{rejected:?}");
        assert!(rejected[2].0 == 6 && rejected[2].1.contains("already in the stream"), "{rejected:?}");
        // The entry is the canonical JSON of the numbered event.
        let first = &out.accepted[0];
        assert_eq!(first.entry, lading_model::json::canonicalize_serialize(&first.event).expect("jcs"));
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
