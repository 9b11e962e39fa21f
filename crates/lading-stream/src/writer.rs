//! The writer: numbers events by the log's own indices (sequence = log
//! index), checks duplicates and clock order against the stream and the
//! batches before them, and appends every accepted event in one durable
//! commit before the event index follows.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use lading_maint::{LineError, Outcome, Prepared, StreamState};
use lading_model::maintenance::MaintenanceEvent;

use crate::{IndexedEvent, OpenStream, StreamConfig, StreamError, StreamStore};

/// Events per entry bundle: pruning removes whole bundles.
pub const BUNDLE: u64 = 256;

/// A batch's result: the outcome, how many events were appended and the
/// first sequence number (the stream's size when nothing was).
pub type Applied = (Outcome, usize, u64);

/// A batch for [`StreamWriter::apply`]: the prepared lines and whether a
/// bad line refuses only itself (per line) instead of the whole batch.
pub type Request = (Vec<Result<Prepared, LineError>>, bool);

/// A stream open for writing, its event index brought up to its log.
pub struct StreamWriter<O: OpenStream> {
    config: StreamConfig,
    open: O,
}

impl<O: OpenStream> StreamWriter<O> {
    /// Opens the stream `config` names in `store`, signing with `key`, and
    /// reindexes what a crash left unindexed.
    pub async fn open<S: StreamStore<Open = O>>(
        store: &S,
        config: StreamConfig,
        key: &crate::StreamKey,
    ) -> Result<Self, StreamError> {
        let mut open = store.open(&config, key).await?;
        match reconcile(&mut open).await {
            Ok(()) => Ok(Self { config, open }),
            Err(e) => {
                let _ = open.close().await;
                Err(e)
            }
        }
    }

    /// The stream's settings.
    pub fn config(&self) -> &StreamConfig {
        &self.config
    }

    /// The open stream (its log and index).
    pub fn stream(&mut self) -> &mut O {
        &mut self.open
    }

    /// Checks and numbers `batches` in order against the stream and each
    /// other, then appends every accepted event in one durable commit. A
    /// batch with a bad line appends nothing unless it is per line.
    pub async fn apply(&mut self, batches: Vec<Request>) -> Result<Vec<Applied>, StreamError> {
        let size = self.open.log().checkpoint().0;
        let tolerance = chrono::Duration::milliseconds(self.config.tolerance_ms());
        let mut latest = self.open.latest_occurred_ms().await?.and_then(DateTime::from_timestamp_millis);
        let mut next = size;
        let mut staged: HashSet<String> = HashSet::new();
        let mut outcomes = Vec::with_capacity(batches.len());
        for (prepared, per_line) in batches {
            let ids = prepared.iter().flatten().map(|p| p.event_id.clone()).collect();
            let mut known = self.open.known(ids).await?;
            // A batch sent again (a client retrying after a lost answer or a 503 whose commit
            // had in fact landed) is answered as stored, the stored records untouched.
            if let Some(first) = self.replayed(&prepared, &known, &staged, size).await? {
                outcomes.push((Outcome::default(), false, first));
                continue;
            }
            known
                .extend(prepared.iter().flatten().filter(|p| staged.contains(&p.event_id)).map(|p| p.event_id.clone()));
            let state = StreamState { next_sequence: next, latest_occurred: latest, tolerance };
            let outcome = lading_maint::sequence_batch(prepared, state, &known);
            let first = next;
            let taken = !outcome.accepted.is_empty() && (outcome.rejected.is_empty() || per_line);
            if taken {
                next += outcome.accepted.len() as u64;
                for s in &outcome.accepted {
                    staged.insert(s.event_id.clone());
                    latest = Some(latest.map_or(s.occurred_at, |l: DateTime<Utc>| l.max(s.occurred_at)));
                }
            }
            outcomes.push((outcome, taken, first));
        }
        let mut entries = Vec::with_capacity(usize::try_from(next - size).unwrap_or(0));
        for (outcome, taken, _) in &mut outcomes {
            if *taken {
                entries.extend(outcome.accepted.iter_mut().map(|s| std::mem::take(&mut s.entry)));
            }
        }
        if !entries.is_empty() {
            let landed = self.open.log().append_many(entries).await?;
            let accepted = outcomes.iter().filter(|o| o.1).flat_map(|o| &o.0.accepted);
            let mut rows = Vec::with_capacity(landed.len());
            for (a, s) in landed.iter().zip(accepted) {
                if a.index != s.sequence || a.duplicate {
                    return Err(StreamError::Concurrent { line: s.line, index: a.index, sequence: s.sequence });
                }
                rows.push(IndexedEvent {
                    sequence: s.sequence,
                    event_id: s.event_id.clone(),
                    occurred_ms: s.occurred_at.timestamp_millis(),
                });
            }
            self.open.index_events(rows).await?;
        }
        Ok(outcomes
            .into_iter()
            .map(|(outcome, taken, first)| {
                let appended = if taken { outcome.accepted.len() } else { 0 };
                (outcome, appended, first)
            })
            .collect())
    }

    /// When every event of `prepared` is already in the stream as one run,
    /// in order and with the same content — all but the sequence and, where
    /// the receiver set them, the time of receipt (`meta.created_at`,
    /// `observed_at`) —, the first
    /// sequence of that run. Anything else (a bad line, one event new,
    /// another content under a known id) is not a replay, and the batch is
    /// judged as usual (duplicates refused).
    async fn replayed(
        &mut self,
        prepared: &[Result<Prepared, LineError>],
        known: &HashSet<String>,
        staged: &HashSet<String>,
        size: u64,
    ) -> Result<Option<u64>, StreamError> {
        let mut events = Vec::with_capacity(prepared.len());
        for p in prepared {
            match p {
                Ok(p) if known.contains(&p.event_id) && !staged.contains(&p.event_id) => events.push(p),
                _ => return Ok(None),
            }
        }
        let Some(head) = events.first() else { return Ok(None) };
        let Some(first) = self.open.sequence_of(head.event_id.clone()).await? else { return Ok(None) };
        let end = first + events.len() as u64;
        if end > size {
            return Ok(None);
        }
        // Pruned bodies cannot be compared: then it is judged as a duplicate, as before pruning.
        if check_not_pruned(&self.open, first, end, size).await.is_err() {
            return Ok(None);
        }
        let stored = self.open.log().entries(first, end).await?;
        let same = stored.len() == events.len()
            && stored
                .iter()
                .zip(&events)
                .all(|(s, p)| same_but_receipt(s, p.entry(), p.observed_on_receipt()).unwrap_or(false));
        Ok(same.then_some(first))
    }

    /// Closes the stream.
    pub async fn close(self) -> Result<(), StreamError> {
        self.open.close().await
    }
}

/// Whether two encoded events are the same but for the sequence number
/// and, when `on_receipt` (the receiver set them, not the source), the time
/// of receipt (`meta.created_at`, `observed_at`): a value a source gave
/// must match too.
fn same_but_receipt(stored: &[u8], sent: &[u8], on_receipt: bool) -> Option<bool> {
    let strip = |bytes: &[u8]| -> Option<serde_json::Value> {
        let mut v: serde_json::Value = serde_json::from_slice(bytes).ok()?;
        let o = v.as_object_mut()?;
        o.remove("sequence");
        if on_receipt {
            o.remove("observed_at");
            o.get_mut("meta")?.as_object_mut()?.remove("created_at");
        }
        Some(v)
    };
    Some(strip(stored)? == strip(sent)?)
}

/// Brings the event index up to the log (after a crash between the two).
pub(crate) async fn reconcile<O: OpenStream>(open: &mut O) -> Result<(), StreamError> {
    let size = open.log().checkpoint().0;
    let next = open.next_indexed().await?;
    if next > size {
        return Err(StreamError::IndexAhead {
            next,
            size,
            remedy: "delete the event index (events.sqlite in the embedded layout) to rebuild it from the log".into(),
        });
    }
    let mut at = next;
    while at < size {
        let end = size.min(at + 65_536);
        check_not_pruned(open, at, end, size).await.map_err(|e| StreamError::Reindex(Box::new(e)))?;
        let entries = open.log().entries(at, end).await?;
        let rows = entries
            .iter()
            .zip(at..)
            .map(|(e, i)| {
                let ev: MaintenanceEvent = serde_json::from_slice(e)
                    .map_err(|err| StreamError::Corrupt(format!("log entry {i} is not a maintenance event: {err}")))?;
                Ok(IndexedEvent { sequence: i, event_id: ev.event_id, occurred_ms: ev.occurred_at.timestamp_millis() })
            })
            .collect::<Result<Vec<_>, StreamError>>()?;
        open.index_events(rows).await?;
        at = end;
    }
    Ok(())
}

/// Refuses to read events whose bodies were pruned.
pub async fn check_not_pruned<O: OpenStream>(open: &O, from: u64, to: u64, size: u64) -> Result<(), StreamError> {
    for bundle in from / BUNDLE..to.div_ceil(BUNDLE) {
        if (bundle + 1) * BUNDLE <= size && !open.has_entry_bundle(bundle).await? {
            return Err(StreamError::Pruned { from: bundle * BUNDLE, to: (bundle + 1) * BUNDLE });
        }
    }
    Ok(())
}
