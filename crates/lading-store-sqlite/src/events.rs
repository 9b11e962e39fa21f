//! The event index of a maintenance stream: event id and occurrence time by
//! sequence number, beside the stream's log. It is derived data — the log
//! is the record — so [`EventIndex::next_sequence`] lagging the log (a crash
//! between the log's commit and the index's) is repaired by indexing the
//! log's missing tail again.

use std::collections::HashSet;
use std::path::Path;

use lading_log::StoreError;
use rusqlite::{Connection, OptionalExtension as _, params};

pub use lading_stream::IndexedEvent;

/// A stream's event index (`events.sqlite`).
pub struct EventIndex {
    conn: Connection,
}

fn backend(e: rusqlite::Error) -> StoreError {
    StoreError::backend("event index", e)
}

fn seq(v: i64) -> Result<u64, StoreError> {
    u64::try_from(v).map_err(|_| StoreError::Corrupt(format!("event index holds a negative sequence {v}")))
}

impl EventIndex {
    /// Opens (creating) the index at `path`.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        crate::private::precreate(path).map_err(|e| StoreError::backend(format!("creating {}", path.display()), e))?;
        let conn = Connection::open(path).map_err(backend)?;
        conn.execute_batch(
            "PRAGMA journal_mode = WAL;
             PRAGMA synchronous = NORMAL;
             CREATE TABLE IF NOT EXISTS events (
                 sequence INTEGER PRIMARY KEY,
                 event_id TEXT NOT NULL UNIQUE,
                 occurred_ms INTEGER NOT NULL
             );
             CREATE INDEX IF NOT EXISTS events_occurred ON events (occurred_ms);",
        )
        .map_err(backend)?;
        Ok(Self { conn })
    }

    /// The sequence number after the last indexed event.
    pub fn next_sequence(&self) -> Result<u64, StoreError> {
        let max: Option<i64> =
            self.conn.query_row("SELECT MAX(sequence) FROM events", [], |r| r.get(0)).map_err(backend)?;
        match max {
            None => Ok(0),
            Some(m) => Ok(seq(m)? + 1),
        }
    }

    /// The latest occurrence time indexed.
    pub fn latest_occurred_ms(&self) -> Result<Option<i64>, StoreError> {
        self.conn.query_row("SELECT MAX(occurred_ms) FROM events", [], |r| r.get(0)).map_err(backend)
    }

    /// Which of `ids` are indexed.
    pub fn known<'a>(&self, ids: impl IntoIterator<Item = &'a str>) -> Result<HashSet<String>, StoreError> {
        let mut stmt = self.conn.prepare_cached("SELECT 1 FROM events WHERE event_id = ?1").map_err(backend)?;
        let mut out = HashSet::new();
        for id in ids {
            if stmt.query_row([id], |_| Ok(())).optional().map_err(backend)?.is_some() {
                out.insert(id.to_owned());
            }
        }
        Ok(out)
    }

    /// The sequence number of `event_id`, when indexed.
    pub fn sequence_of(&self, event_id: &str) -> Result<Option<u64>, StoreError> {
        let mut stmt = self.conn.prepare_cached("SELECT sequence FROM events WHERE event_id = ?1").map_err(backend)?;
        let seq: Option<i64> = stmt.query_row([event_id], |r| r.get(0)).optional().map_err(backend)?;
        Ok(seq.and_then(|s| u64::try_from(s).ok()))
    }

    /// Indexes events in one transaction; they must continue the index
    /// (`events[0].sequence == next_sequence()`, then consecutive).
    pub fn append(&mut self, events: &[IndexedEvent]) -> Result<(), StoreError> {
        let next = self.next_sequence()?;
        let tx = self.conn.transaction().map_err(backend)?;
        {
            let mut stmt = tx
                .prepare_cached("INSERT INTO events (sequence, event_id, occurred_ms) VALUES (?1, ?2, ?3)")
                .map_err(backend)?;
            for (i, e) in events.iter().enumerate() {
                if e.sequence != next + i as u64 {
                    return Err(StoreError::Conflict { stored: next + i as u64, expected: e.sequence });
                }
                let s = i64::try_from(e.sequence)
                    .map_err(|_| StoreError::backend_msg("event index: sequence too large"))?;
                stmt.execute(params![s, e.event_id, e.occurred_ms]).map_err(|err| match err {
                    rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::ConstraintViolation => {
                        StoreError::Corrupt(format!("event id {:?} is indexed twice", e.event_id))
                    }
                    other => backend(other),
                })?;
            }
        }
        tx.commit().map_err(backend)
    }

    /// The latest occurrence time among sequences `[from, to)`.
    pub fn max_occurred_in(&self, from: u64, to: u64) -> Result<Option<i64>, StoreError> {
        let (a, b) = (i64::try_from(from).unwrap_or(i64::MAX), i64::try_from(to).unwrap_or(i64::MAX));
        self.conn
            .query_row("SELECT MAX(occurred_ms) FROM events WHERE sequence >= ?1 AND sequence < ?2", [a, b], |r| {
                r.get(0)
            })
            .map_err(backend)
    }

    /// How many events in sequences `[from, to)` occurred before `ms`.
    pub fn count_before(&self, ms: i64, from: u64, to: u64) -> Result<u64, StoreError> {
        let (a, b) = (i64::try_from(from).unwrap_or(i64::MAX), i64::try_from(to).unwrap_or(i64::MAX));
        let n: i64 = self
            .conn
            .query_row(
                "SELECT COUNT(*) FROM events WHERE occurred_ms < ?1 AND sequence >= ?2 AND sequence < ?3",
                [ms, a, b],
                |r| r.get(0),
            )
            .map_err(backend)?;
        seq(n)
    }

    /// The first sequence number whose event occurred at or after `ms`.
    ///
    /// A stream takes an event only when it occurred no more than
    /// `tolerance_ms` before the latest one so far, so (with `t`, the
    /// earliest time at or after `ms`) the first such event occurred in
    /// `[t, t + tolerance_ms]`: an index seek and a short range scan
    /// answer exactly, where `MIN(sequence) WHERE occurred_ms >= ms` would
    /// read every later event. `tolerance_ms` must be at least the
    /// tolerance the events were taken with.
    pub fn first_at_or_after(&self, ms: i64, tolerance_ms: i64) -> Result<Option<u64>, StoreError> {
        let v: Option<i64> = self
            .conn
            .query_row(
                "WITH t AS (SELECT MIN(occurred_ms) AS at FROM events WHERE occurred_ms >= ?1)
                 SELECT MIN(sequence) FROM events, t WHERE occurred_ms >= t.at AND occurred_ms <= t.at + ?2",
                [ms, tolerance_ms.max(0)],
                |r| r.get(0),
            )
            .map_err(backend)?;
        v.map(seq).transpose()
    }

    /// The last sequence number whose event occurred before `ms`: by the
    /// same rule, it occurred in `[t - tolerance_ms, t]` where `t` is the
    /// latest time before `ms`.
    pub fn last_before(&self, ms: i64, tolerance_ms: i64) -> Result<Option<u64>, StoreError> {
        let v: Option<i64> = self
            .conn
            .query_row(
                "WITH t AS (SELECT MAX(occurred_ms) AS at FROM events WHERE occurred_ms < ?1)
                 SELECT MAX(sequence) FROM events, t WHERE occurred_ms <= t.at AND occurred_ms >= t.at - ?2",
                [ms, tolerance_ms.max(0)],
                |r| r.get(0),
            )
            .map_err(backend)?;
        v.map(seq).transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(sequence: u64, id: &str, ms: i64) -> IndexedEvent {
        IndexedEvent { sequence, event_id: id.into(), occurred_ms: ms }
    }

    #[test]
    fn appends_continue_and_ids_stay_unique() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut ix = EventIndex::open(&dir.path().join("events.sqlite")).expect("open");
        assert_eq!(ix.next_sequence().expect("next"), 0);
        ix.append(&[ev(0, "a", 10), ev(1, "b", 20), ev(2, "c", 30)]).expect("append");
        assert_eq!(ix.next_sequence().expect("next"), 3);
        assert_eq!(ix.latest_occurred_ms().expect("latest"), Some(30));
        assert_eq!(ix.known(["a", "z", "c"]).expect("known").len(), 2);
        assert_eq!(ix.first_at_or_after(15, 0).expect("q"), Some(1));
        assert_eq!(ix.last_before(30, 0).expect("q"), Some(1));
        // A gap, and a repeated id, are refused whole.
        assert!(matches!(ix.append(&[ev(4, "d", 40)]), Err(StoreError::Conflict { .. })));
        assert!(matches!(ix.append(&[ev(3, "d", 40), ev(4, "a", 50)]), Err(StoreError::Corrupt(_))));
        assert_eq!(ix.next_sequence().expect("next"), 3);
        drop(ix);
        let ix = EventIndex::open(&dir.path().join("events.sqlite")).expect("reopen");
        assert_eq!(ix.next_sequence().expect("next"), 3);
    }

    /// Streams whose events arrive out of order within the tolerance, with
    /// gaps and bursts: the bounded look-ups agree with a full scan.
    #[test]
    fn time_look_ups_agree_with_a_full_scan_within_the_tolerance() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut ix = EventIndex::open(&dir.path().join("events.sqlite")).expect("open");
        let tol = 50;
        let (mut latest, mut rows, mut state) = (0i64, Vec::new(), 0x9e37_79b9_7f4a_7c15u64);
        for i in 0..3_000u64 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let ms = match state % 10 {
                0 => latest + 5_000,                                      // a gap
                1 | 2 => latest - i64::try_from(state % 51).unwrap_or(0), // late, within the tolerance
                3 => latest,                                              // a burst at one time
                _ => latest + i64::try_from(state % 20).unwrap_or(0),
            };
            latest = latest.max(ms);
            rows.push(ev(i, &format!("e{i}"), ms));
        }
        ix.append(&rows).expect("append");
        for probe in (-10..latest + 10).step_by(7) {
            let first = rows.iter().filter(|r| r.occurred_ms >= probe).map(|r| r.sequence).min();
            let last = rows.iter().filter(|r| r.occurred_ms < probe).map(|r| r.sequence).max();
            assert_eq!(ix.first_at_or_after(probe, tol).expect("q"), first, "first at or after {probe}");
            assert_eq!(ix.last_before(probe, tol).expect("q"), last, "last before {probe}");
        }
    }
}
