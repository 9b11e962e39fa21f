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
        let entry = match canonicalize_serialize(&event) {
            Ok(e) => e,
            Err(e) => {
                out.rejected.push(LineError::new(line, format!("cannot canonicalise: {e}")));
                continue;
            }
        };
        if entry.len() > MAX_ENTRY_BYTES {
            out.rejected.push(LineError::new(
                line,
                format!("the event is {} bytes as canonical JSON; at most {MAX_ENTRY_BYTES}", entry.len()),
            ));
            continue;
        }
        seen.insert(event.event_id.clone(), line);
        latest = Some(latest.map_or(event.occurred_at, |l| l.max(event.occurred_at)));
        next += 1;
        out.accepted.push(Sequenced { line, event, entry });
    }
    out.rejected.sort_by_key(|e| e.line);
    out
}
