//! What can be done with a stream, over any [`StreamStore`]: create it,
//! ingest a batch, export a segment, read a page, apply retention.

use chrono::{DateTime, Utc};
use lading_maint::{Context, LineError, Prepared};
use lading_model::maintenance::{MaintenanceEvent, MaintenanceSegment};
use serde::Serialize;

use crate::writer::{Applied, BUNDLE, StreamWriter, check_not_pruned};
use crate::{OpenStream, StreamConfig, StreamError, StreamStore, note_signer};

/// Creates the stream `config` describes, its log signed by `key`; returns the log's vkey.
pub async fn create<S: StreamStore>(
    store: &S,
    config: &StreamConfig,
    key: &crate::StreamKey,
) -> Result<String, StreamError> {
    let vkey = note_signer(&config.origin, key)?.verifier().to_vkey();
    store.create(config, key).await?;
    Ok(vkey)
}

/// Ingests the events `produce` makes for stream `name` as one batch
/// (parsed on the blocking pool while the stream opens), observed at
/// `observed_at`: all or nothing unless `per_line`.
pub async fn ingest<S: StreamStore>(
    store: &S,
    name: &str,
    key: &crate::StreamKey,
    per_line: bool,
    observed_at: DateTime<Utc>,
    produce: impl FnOnce(&Context) -> Vec<Result<Prepared, LineError>> + Send + 'static,
) -> Result<Applied, StreamError> {
    let config = store.config(name).await?;
    let ctx = config.context(observed_at);
    let parsing = tokio::task::spawn_blocking(move || produce(&ctx));
    let opened = StreamWriter::open(store, config, key).await;
    let prepared = match parsing.await {
        Ok(p) => p,
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(e) => return Err(StreamError::Unavailable(format!("parsing the events: {e}"))),
    };
    let mut writer = opened?;
    let result = writer.apply(vec![(prepared, per_line)]).await;
    let closed = writer.close().await;
    let mut applied = result?;
    closed?;
    applied.pop().ok_or_else(|| StreamError::Unavailable("internal error: no outcome for the batch".into()))
}

/// One end of a range of events: a sequence number or a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    /// A sequence number.
    Sequence(u64),
    /// A time: from the first event at or after it / up to the last before it.
    Time(DateTime<Utc>),
}

async fn resolve<O: OpenStream>(
    open: &mut O,
    bound: Bound,
    tolerance: i64,
    start: bool,
    size: u64,
) -> Result<u64, StreamError> {
    let ms = match bound {
        Bound::Sequence(n) => return Ok(n),
        Bound::Time(t) => t.timestamp_millis(),
    };
    Ok(if start {
        open.first_at_or_after(ms, tolerance).await?.unwrap_or(size)
    } else {
        open.last_before(ms, tolerance).await?.map_or(0, |s| s + 1)
    })
}

/// A segment package of events `[from, to)` of stream `name` (defaults:
/// the whole stream), signed by `key` (the stream's log key), its document
/// with metadata id `id` made at `now`: the same stream and arguments give
/// the same bytes.
pub async fn export<S: StreamStore>(
    store: &S,
    name: &str,
    key: &crate::StreamKey,
    from: Option<Bound>,
    to: Option<Bound>,
    id: uuid::Uuid,
    now: DateTime<Utc>,
) -> Result<(MaintenanceSegment, Vec<u8>), StreamError> {
    let config = store.config(name).await?;
    let mut writer = StreamWriter::open(store, config.clone(), key).await?;
    let result = async {
        let open = writer.stream();
        let size = open.log().checkpoint().0;
        let tolerance = config.tolerance_ms();
        let from = match from {
            Some(b) => resolve(open, b, tolerance, true, size).await?,
            None => 0,
        };
        let to = match to {
            Some(b) => resolve(open, b, tolerance, false, size).await?,
            None => size,
        };
        if from >= to || to > size {
            return Err(StreamError::Invalid(format!(
                "no events in [{from}, {to}): the stream holds sequences 0..{size}"
            )));
        }
        check_not_pruned(open, from, to, size).await?;
        let entries = open.log().entries(from, to).await?;
        let (proof, checkpoint) = open.log().prove_range(from, to).await?;
        let mut meta = config.meta.clone();
        meta.id = id;
        meta.created_at = now;
        let x = lading_maint::Export {
            meta,
            stream: &config.name,
            first_sequence: from,
            entries: &entries,
            checkpoint: &checkpoint,
            proof: &proof,
            clock_tolerance_ms: config.clock_tolerance_ms,
            retention: chrono::Duration::days(i64::from(config.retention_days)),
            key: key.signer(),
        };
        Ok::<_, StreamError>(lading_maint::export(&x)?)
    }
    .await;
    let closed = writer.close().await;
    let r = result?;
    closed?;
    Ok(r)
}

/// Which events a page of a stream shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageQuery {
    /// Events at or after this time.
    pub from: Option<DateTime<Utc>>,
    /// Events before this time.
    pub to: Option<DateTime<Utc>>,
    /// Sequences before this one (paging backwards).
    pub before: Option<u64>,
    /// How many sequences to read at most.
    pub scan: u64,
    /// Only events with these field values (each empty: any), of which
    /// only the newest `newest` are parsed and returned.
    pub select: Option<Select>,
}

/// Events picked by field values (`""`: any value), tested on a partial,
/// borrowed parse of each entry so that only the events kept are parsed in
/// full.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Select {
    /// `asset.id`.
    pub asset: String,
    /// `category`, as serialised (`configuration-change`, …).
    pub category: String,
    /// `result`, as serialised (`success`, …).
    pub result: String,
    /// How many of the newest matches to return.
    pub newest: usize,
}

/// The fields a [`Select`] tests, borrowed from the entry's JSON.
#[derive(serde::Deserialize)]
struct Probe<'a> {
    #[serde(borrow)]
    asset: ProbeAsset<'a>,
    #[serde(borrow)]
    category: std::borrow::Cow<'a, str>,
    #[serde(borrow)]
    result: std::borrow::Cow<'a, str>,
}

#[derive(serde::Deserialize)]
struct ProbeAsset<'a> {
    #[serde(borrow)]
    id: std::borrow::Cow<'a, str>,
}

impl Select {
    fn admits(&self, entry: &[u8], sequence: u64) -> Result<bool, StreamError> {
        let p: Probe<'_> = serde_json::from_slice(entry)
            .map_err(|e| StreamError::Corrupt(format!("log entry {sequence} is not a maintenance event: {e}")))?;
        let is = |want: &str, got: &str| want.is_empty() || want == got;
        Ok(is(&self.asset, &p.asset.id) && is(&self.category, &p.category) && is(&self.result, &p.result))
    }
}

/// A page of a stream.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// The stream's size.
    pub size: u64,
    /// The sequences read, `[start, end)`.
    pub range: (u64, u64),
    /// The first sequence the time filter admits.
    pub floor: u64,
    /// The events of `range`, in sequence order (with a [`Select`]: its
    /// newest matches).
    pub events: Vec<MaintenanceEvent>,
    /// How many events of `range` matched (all of them without a [`Select`]).
    pub matched: u64,
}

/// Reads a page of stream `name` (newest first within the filter).
pub async fn read_page<S: StreamStore>(
    store: &S,
    name: &str,
    key: &crate::StreamKey,
    query: PageQuery,
) -> Result<Page, StreamError> {
    let config = store.config(name).await?;
    let mut writer = StreamWriter::open(store, config.clone(), key).await?;
    let result = async {
        let open = writer.stream();
        let size = open.log().checkpoint().0;
        // The sequences the time filter admits (events are roughly, not
        // strictly, in time order: the page filters each event exactly).
        let tolerance = config.tolerance_ms();
        let floor = match query.from {
            Some(t) => open.first_at_or_after(t.timestamp_millis(), tolerance).await?.unwrap_or(size),
            None => 0,
        };
        let mut end = match query.to {
            Some(t) => open.last_before(t.timestamp_millis(), tolerance).await?.map_or(0, |s| s + 1),
            None => size,
        };
        if let Some(before) = query.before {
            end = end.min(before);
        }
        let end = end.min(size);
        let start = end.saturating_sub(query.scan.max(1)).max(floor).min(end);
        let (matched, events) = if start < end {
            // Read first; only a read that fails asks whether pruning is why (one query per bundle).
            let entries = match open.log().entries(start, end).await {
                Ok(entries) => entries,
                Err(e) => {
                    check_not_pruned(open, start, end, size).await?;
                    return Err(e.into());
                }
            };
            let parse = |(b, i): (&Vec<u8>, u64)| {
                serde_json::from_slice::<MaintenanceEvent>(b)
                    .map_err(|e| StreamError::Corrupt(format!("log entry {i} is not a maintenance event: {e}")))
            };
            match &query.select {
                None => {
                    let events = entries.iter().zip(start..).map(parse).collect::<Result<Vec<_>, _>>()?;
                    (events.len() as u64, events)
                }
                Some(select) => {
                    let mut hits = Vec::new();
                    for (b, i) in entries.iter().zip(start..) {
                        if select.admits(b, i)? {
                            hits.push((b, i));
                        }
                    }
                    let skip = hits.len().saturating_sub(select.newest);
                    let events = hits.iter().skip(skip).map(|&(b, i)| parse((b, i))).collect::<Result<Vec<_>, _>>()?;
                    (hits.len() as u64, events)
                }
            }
        } else {
            (0, Vec::new())
        };
        Ok::<_, StreamError>(Page { size, range: (start, end), floor, events, matched })
    }
    .await;
    let closed = writer.close().await;
    let page = result?;
    closed?;
    Ok(page)
}

/// What the retention policy makes of a stream.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
pub struct RetentionReport {
    /// Events in the stream.
    pub events: u64,
    /// Events that occurred after the cutoff.
    pub within_retention: u64,
    /// Events that occurred before the cutoff.
    pub past_retention: u64,
    /// Of those, events under an active hold.
    pub held: u64,
    /// Events in bundles that may be pruned (not pruned now).
    pub prunable: u64,
    /// Events whose bodies are pruned (now or before).
    pub pruned: u64,
    /// Events pruned by this call.
    pub pruned_now: u64,
}

/// Judges stream `name` against its retention as of `now`, and with
/// `prune` deletes the bodies of whole bundles past retention and under no
/// active hold. Returns the cutoff and the report.
pub async fn retention<S: StreamStore>(
    store: &S,
    name: &str,
    key: &crate::StreamKey,
    now: DateTime<Utc>,
    prune: bool,
) -> Result<(DateTime<Utc>, RetentionReport), StreamError> {
    let config = store.config(name).await?;
    let cutoff = now - chrono::Duration::days(i64::from(config.retention_days));
    let cutoff_ms = cutoff.timestamp_millis();
    let mut writer = StreamWriter::open(store, config, key).await?;
    let result = async {
        let holds = store.holds(name).await?;
        let open = writer.stream();
        let size = open.log().checkpoint().0;
        let mut r = RetentionReport { events: size, ..RetentionReport::default() };
        r.past_retention = open.count_before(cutoff_ms, 0, size).await?;
        r.within_retention = size - r.past_retention;
        for (a, b) in holds.active_ranges(size) {
            r.held += open.count_before(cutoff_ms, a, b).await?;
        }
        for bundle in 0..size / BUNDLE {
            let (a, b) = (bundle * BUNDLE, bundle * BUNDLE + BUNDLE);
            if !open.has_entry_bundle(bundle).await? {
                r.pruned += BUNDLE;
                continue;
            }
            let old = open.max_occurred_in(a, b).await?.is_some_and(|ms| ms < cutoff_ms);
            if !old || holds.holds_any(a, b) {
                continue;
            }
            if prune {
                if open.prune_entry_bundle(bundle, size).await? {
                    r.pruned_now += BUNDLE;
                    r.pruned += BUNDLE;
                }
            } else {
                r.prunable += BUNDLE;
            }
        }
        Ok::<_, StreamError>(r)
    }
    .await;
    let closed = writer.close().await;
    let r = result?;
    closed?;
    Ok((cutoff, r))
}
