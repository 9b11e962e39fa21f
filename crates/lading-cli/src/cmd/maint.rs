//! `lading maint …`: maintenance streams on the embedded store.
//!
//! A stream is a directory `DATA/streams/NAME` holding its transparency log
//! (the record), `stream.json` (settings and the metadata events and
//! segments carry) and `events.sqlite` (event id and time by sequence,
//! rebuilt from the log when it lags). Writers take an exclusive lock on
//! `stream.lock`, because events carry their sequence numbers and so must be
//! numbered by the one writer that appends them.

use std::collections::HashSet;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Context as _, Result, anyhow, bail};
use chrono::{DateTime, Utc};
use lading_log::{BatchConfig, Log};
use lading_maint::{Context, Format, LineError, Outcome, Prepared, StreamState, Verification};
use lading_model::maintenance::{MaintenanceEvent, STREAM_NAME_PATTERN};
use lading_model::meta::{Classification, Metadata, Provider, SCHEMA_VERSION_V1};
use lading_model::{Kind, bundle::MAX_PACKAGE_BYTES};
use lading_store_sqlite::{EventIndex, IndexedEvent, SqliteStore};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::cli::{
    EventFormatArg, MaintExportArgs, MaintIngestArgs, MaintRetentionArgs, MaintVerifyArgs, StreamCreateArgs,
};
use crate::cmd::log::{create, open_stream_log, read_vkey, runtime};
use crate::{fsio, output};

/// Stream settings file.
const CONFIG_FILE: &str = "stream.json";
/// Event index file.
pub(crate) const INDEX_FILE: &str = "events.sqlite";
/// Writer lock file.
const LOCK_FILE: &str = "stream.lock";
/// The settings format.
const STREAM_FORMAT: &str = "lading-stream/v1";
/// Largest file ingested at once (split larger ones; each file is one batch).
const MAX_INGEST_BYTES: u64 = 256 << 20;
/// Shortest retention: China's Cybersecurity Law (art. 21) requires network
/// logs to be kept for at least six months.
const MIN_RETENTION_DAYS: u32 = 180;

/// `stream.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StreamConfig {
    format: String,
    name: String,
    origin: String,
    created_at: DateTime<Utc>,
    clock_tolerance_ms: u64,
    retention_days: u32,
    /// Metadata for events without their own (syslog) and for segments.
    meta: Metadata,
}

fn check_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 128
        && name
            .bytes()
            .enumerate()
            .all(|(i, b)| b.is_ascii_lowercase() || b.is_ascii_digit() || (i > 0 && matches!(b, b'.' | b'_' | b'-')));
    if ok { Ok(()) } else { bail!("stream name {name:?} must match {STREAM_NAME_PATTERN}") }
}

fn stream_dir(data: &Path, name: &str) -> Result<PathBuf> {
    check_name(name)?;
    Ok(data.join("streams").join(name))
}

fn read_config(dir: &Path) -> Result<StreamConfig> {
    let path = dir.join(CONFIG_FILE);
    if !path.exists() {
        bail!("{} is not a stream (no {CONFIG_FILE}); create it with `lading maint stream create`", dir.display());
    }
    let config: StreamConfig = fsio::read_json(&path, fsio::MAX_KEY_BYTES)?;
    if config.format != STREAM_FORMAT {
        bail!("{}: format {:?}, expected {STREAM_FORMAT:?}", path.display(), config.format);
    }
    Ok(config)
}

/// How long a writer waits for another to release the stream.
const LOCK_WAIT: Duration = Duration::from_secs(5);

/// Holds the stream's writer lock until dropped; waits up to [`LOCK_WAIT`]
/// for another writer (an ingest, or `lading serve` flushing its batches).
fn lock(dir: &Path) -> Result<File> {
    let path = dir.join(LOCK_FILE);
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("opening {}", path.display()))?;
    let deadline = std::time::Instant::now() + LOCK_WAIT;
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(file),
            Err(std::fs::TryLockError::WouldBlock) if std::time::Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(std::fs::TryLockError::WouldBlock) => bail!(
                "another process has been writing to this stream for {} s ({} is locked); \
                 if `lading serve` is taking events for it, send them there or retry when it is idle",
                LOCK_WAIT.as_secs(),
                path.display()
            ),
            Err(std::fs::TryLockError::Error(e)) => bail!("locking {}: {e}", path.display()),
        }
    }
}

pub(crate) fn stream_create(args: &StreamCreateArgs, json_out: bool) -> Result<ExitCode> {
    let (dir, origin, vkey) = create_stream(args)?;
    if json_out {
        output::json_line(&json!({ "ok": true, "stream": args.name, "dir": dir, "origin": origin, "vkey": vkey }))?;
    } else {
        output::line(&vkey)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Creates a stream; returns its directory, origin and vkey.
pub(crate) fn create_stream(args: &StreamCreateArgs) -> Result<(PathBuf, String, String)> {
    let dir = stream_dir(&args.data.data, &args.name)?;
    if dir.exists() {
        bail!("stream {} already exists in {}", args.name, dir.display());
    }
    if args.retention_days < MIN_RETENTION_DAYS {
        bail!(
            "--retention-days {} is below {MIN_RETENTION_DAYS}, the minimum China's Cybersecurity Law sets for network logs",
            args.retention_days
        );
    }
    let now = Utc::now();
    let meta = Metadata {
        id: uuid::Uuid::new_v4(),
        kind: Kind::MaintenanceEvent,
        schema_version: SCHEMA_VERSION_V1.into(),
        provider: Provider {
            legal_name: args.provider.clone(),
            registration_id: args.registration_id.clone(),
            white_list_entry: None,
            pilot_zone: None,
        },
        classification: Classification { ebops_2010: args.ebops.clone(), cpc_2_1: args.cpc.clone() },
        jurisdictions: args.jurisdictions.clone(),
        created_at: now,
        language: "en".into(),
    };
    // The metadata goes into every syslog event: check it as one would be.
    let mut probe = lading_model::example(Kind::MaintenanceEvent, meta.id, now);
    probe["meta"] = serde_json::to_value(&meta)?;
    if let Err(problems) = lading_model::validate_value(&probe) {
        let p: Vec<String> = problems.iter().map(|p| format!("{}: {}", p.pointer, p.message)).collect();
        bail!("the stream's metadata is not valid: {}", p.join("; "));
    }
    let origin = args.origin.clone().unwrap_or_else(|| format!("lading.local/maint/{}", args.name));
    let vkey = create(&dir, &origin, &args.key)?;
    let config = StreamConfig {
        format: STREAM_FORMAT.into(),
        name: args.name.clone(),
        origin: origin.clone(),
        created_at: now,
        clock_tolerance_ms: args.clock_tolerance_ms,
        retention_days: args.retention_days,
        meta,
    };
    fsio::write_new(&dir.join(CONFIG_FILE), &serde_json::to_vec_pretty(&config)?, 0o644, false)?;
    EventIndex::open(&dir.join(INDEX_FILE)).context("creating the event index")?;
    Ok((dir, origin, vkey))
}

/// Brings the event index up to the log (after a crash between the two).
async fn reconcile(log: &Log<SqliteStore>, store: &SqliteStore, index: &mut EventIndex) -> Result<()> {
    let size = log.checkpoint().0;
    let next = index.next_sequence()?;
    if next > size {
        bail!("the event index is ahead of the log ({next} > {size}); delete {INDEX_FILE} to rebuild it from the log");
    }
    let mut at = next;
    while at < size {
        let end = size.min(at + 65_536);
        check_not_pruned(store, at, end, size).context("rebuilding the event index from the log")?;
        let entries = log.entries(at, end).await?;
        let rows = entries
            .iter()
            .zip(at..)
            .map(|(e, i)| {
                let ev: MaintenanceEvent =
                    serde_json::from_slice(e).with_context(|| format!("log entry {i} is not a maintenance event"))?;
                Ok(IndexedEvent { sequence: i, event_id: ev.event_id, occurred_ms: ev.occurred_at.timestamp_millis() })
            })
            .collect::<Result<Vec<_>>>()?;
        index.append(&rows)?;
        at = end;
    }
    Ok(())
}

/// The text of an ingested file, or an error naming the line that is not UTF-8.
fn utf8_text(path: &Path, bytes: Vec<u8>) -> Result<String> {
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let line = e.as_bytes()[..at].iter().filter(|b| **b == b'\n').count() + 1;
        anyhow!("{} line {line}: not UTF-8 (byte offset {at})", path.display())
    })
}

pub(crate) fn ingest(args: &MaintIngestArgs, json_out: bool) -> Result<ExitCode> {
    let dir = stream_dir(&args.data.data, &args.name)?;
    let text = utf8_text(&args.file, fsio::read_limited(&args.file, MAX_INGEST_BYTES)?)?;
    let format = match args.format {
        EventFormatArg::Jsonl => Format::Jsonl,
        EventFormatArg::Syslog => Format::Syslog,
        EventFormatArg::OtlpJson => Format::OtlpJson,
    };
    let (outcome, appended, first) = ingest_text(&dir, format, text, args.per_line)?;
    report_ingest(args, &outcome, appended, first, json_out)
}

/// Ingests `text` into the stream at `dir` as one batch: returns the
/// outcome, how many events were appended and the first sequence number.
pub(crate) fn ingest_text(dir: &Path, format: Format, text: String, per_line: bool) -> Result<Applied> {
    ingest_with(dir, per_line, move |ctx| lading_maint::prepare(format, ctx, &text))
}

/// Ingests the events `produce` makes for the stream at `dir` as one batch;
/// the events are parsed while the stream's log opens.
fn ingest_with(
    dir: &Path,
    per_line: bool,
    produce: impl FnOnce(&Context) -> Vec<Result<Prepared, LineError>> + Send,
) -> Result<Applied> {
    let config = read_config(dir)?;
    let lock = lock(dir)?;
    let ctx = context(&config);
    let rt = runtime()?;
    std::thread::scope(|scope| {
        let parsing = scope.spawn(|| produce(&ctx));
        let opened = rt.block_on(StreamWriter::open(dir, config, lock));
        let prepared = parsing.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        let mut writer = opened?;
        let result = rt.block_on(writer.apply(vec![(prepared, per_line)]));
        let closed = rt.block_on(writer.close());
        let mut applied = result?;
        closed?;
        applied.pop().ok_or_else(|| anyhow!("internal error: no outcome for the batch"))
    })
}

/// What the events of a stream share when they are parsed now.
fn context(config: &StreamConfig) -> Context {
    Context { stream: config.name.clone(), meta: config.meta.clone(), observed_at: Utc::now() }
}

/// A batch's result: the outcome, how many events were appended and the
/// first sequence number (the stream's size when nothing was).
type Applied = (Outcome, usize, u64);

/// A stream open for writing: its lock, log and event index.
struct StreamWriter {
    config: StreamConfig,
    open: crate::cmd::log::OpenLog,
    index: EventIndex,
    _lock: File,
}

impl StreamWriter {
    async fn open(dir: &Path, config: StreamConfig, lock: File) -> Result<Self> {
        let open = open_stream_log(dir, BatchConfig { max_batch: 1, max_wait: Duration::ZERO }).await?;
        let index = async {
            let mut index = EventIndex::open(&dir.join(INDEX_FILE))?;
            reconcile(&open.log, &open.store, &mut index).await?;
            Ok::<_, anyhow::Error>(index)
        }
        .await;
        match index {
            Ok(index) => Ok(Self { config, open, index, _lock: lock }),
            Err(e) => {
                let _ = open.close().await;
                Err(e)
            }
        }
    }

    /// Checks and numbers `batches` in order against the stream and each
    /// other, then appends every accepted event in one durable commit. A
    /// batch with a bad line appends nothing unless it is per-line.
    async fn apply(&mut self, batches: Vec<(Vec<Result<Prepared, LineError>>, bool)>) -> Result<Vec<Applied>> {
        let size = self.open.log.checkpoint().0;
        let tolerance = chrono::Duration::milliseconds(tolerance_ms(&self.config));
        let mut latest = self.index.latest_occurred_ms()?.and_then(DateTime::from_timestamp_millis);
        let mut next = size;
        let mut staged: HashSet<String> = HashSet::new();
        let mut outcomes = Vec::with_capacity(batches.len());
        for (prepared, per_line) in batches {
            let ids = prepared.iter().flatten().map(|p| p.event_id.as_str());
            let mut known = self.index.known(ids)?;
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
                    latest = Some(latest.map_or(s.occurred_at, |l| l.max(s.occurred_at)));
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
            let landed = self.open.log.append_many(entries).await.context("appending to the stream's log")?;
            let accepted = outcomes.iter().filter(|o| o.1).flat_map(|o| &o.0.accepted);
            let mut rows = Vec::with_capacity(landed.len());
            for (a, s) in landed.iter().zip(accepted) {
                if a.index != s.sequence || a.duplicate {
                    bail!(
                        "the log placed line {} at index {} but it was numbered {}; the stream was written concurrently",
                        s.line,
                        a.index,
                        s.sequence
                    );
                }
                rows.push(IndexedEvent {
                    sequence: s.sequence,
                    event_id: s.event_id.clone(),
                    occurred_ms: s.occurred_at.timestamp_millis(),
                });
            }
            self.index.append(&rows)?;
        }
        Ok(outcomes
            .into_iter()
            .map(|(outcome, taken, first)| {
                let appended = if taken { outcome.accepted.len() } else { 0 };
                (outcome, appended, first)
            })
            .collect())
    }

    async fn close(self) -> Result<()> {
        self.open.close().await
    }
}

fn report_ingest(
    args: &MaintIngestArgs,
    outcome: &Outcome,
    appended: usize,
    first: u64,
    json_out: bool,
) -> Result<ExitCode> {
    let refused_whole = appended == 0 && !outcome.rejected.is_empty() && !args.per_line;
    let rejected: Vec<_> =
        outcome.rejected.iter().map(|e| json!({ "line": e.line, "pointer": e.pointer, "reason": e.message })).collect();
    if json_out {
        output::json_line(&json!({
            "ok": outcome.rejected.is_empty(),
            "stream": args.name,
            "accepted": appended,
            "rejected": outcome.rejected.len(),
            "batch_refused": refused_whole,
            "first_sequence": (appended > 0).then_some(first),
            "last_sequence": (appended > 0).then(|| first + appended as u64 - 1),
            "errors": rejected,
        }))?;
    } else {
        for e in &outcome.rejected {
            eprintln!("{}: {e}", args.file.display());
        }
        if refused_whole {
            output::line(&format!(
                "refused: {} of {} lines are bad, so nothing was appended (fix them, or use --per-line)",
                outcome.rejected.len(),
                outcome.rejected.len() + outcome.accepted.len()
            ))?;
        } else if appended > 0 {
            output::line(&format!(
                "accepted {appended}, rejected {}; sequences {first}..={}",
                outcome.rejected.len(),
                first + appended as u64 - 1
            ))?;
        } else {
            output::line(&format!("accepted 0, rejected {}", outcome.rejected.len()))?;
        }
    }
    Ok(if outcome.rejected.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

/// The stream's clock tolerance in milliseconds, as the event index's time
/// look-ups take it.
fn tolerance_ms(config: &StreamConfig) -> i64 {
    i64::try_from(config.clock_tolerance_ms).unwrap_or(i64::MAX)
}

/// A `--from`/`--to` bound: a sequence number or an RFC 3339 time.
fn bound(arg: &str, flag: &str, index: &EventIndex, tolerance: i64, start: bool, size: u64) -> Result<u64> {
    if let Ok(n) = arg.parse::<u64>() {
        return Ok(n);
    }
    let t = DateTime::parse_from_rfc3339(arg)
        .with_context(|| format!("{flag} {arg:?} is neither a sequence number nor an RFC 3339 time"))?;
    let ms = t.timestamp_millis();
    Ok(if start {
        index.first_at_or_after(ms, tolerance)?.unwrap_or(size)
    } else {
        index.last_before(ms, tolerance)?.map_or(0, |s| s + 1)
    })
}

pub(crate) fn export(args: &MaintExportArgs, json_out: bool) -> Result<ExitCode> {
    let dir = stream_dir(&args.data.data, &args.name)?;
    let (segment, bytes) = export_segment(&dir, args.from.as_deref(), args.to.as_deref())?;
    fsio::write_output(&args.out, &bytes)?;
    if json_out {
        output::json_line(&json!({
            "ok": true,
            "out": args.out,
            "stream": segment.stream,
            "first_sequence": segment.first_sequence,
            "last_sequence": segment.last_sequence,
            "event_count": segment.event_count,
            "tree_size": segment.checkpoint.tree_size,
            "bytes": bytes.len(),
        }))?;
    } else {
        output::line(&format!(
            "wrote {}: {} events, sequences {}..={}, proven against checkpoint size {}",
            args.out.display(),
            segment.event_count,
            segment.first_sequence,
            segment.last_sequence,
            segment.checkpoint.tree_size
        ))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// A segment package of the stream at `dir` for `[from, to)` (sequence
/// numbers or RFC 3339 times; defaults: the whole stream).
pub(crate) fn export_segment(
    dir: &Path,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<(lading_model::maintenance::MaintenanceSegment, Vec<u8>)> {
    let config = read_config(dir)?;
    let _lock = lock(dir)?;
    // The stream's log key also signs the segment document (DSSE, a
    // different format and domain from the checkpoint's signed note).
    let key = crate::keys::signer(&dir.join("log.key"))?;
    let rt = runtime()?;
    rt.block_on(async {
        let open = open_stream_log(dir, BatchConfig::default()).await?;
        let result = async {
            let mut index = EventIndex::open(&dir.join(INDEX_FILE))?;
            reconcile(&open.log, &open.store, &mut index).await?;
            let size = open.log.checkpoint().0;
            let tolerance = tolerance_ms(&config);
            let from = from.map_or(Ok(0), |a| bound(a, "--from", &index, tolerance, true, size))?;
            let to = to.map_or(Ok(size), |a| bound(a, "--to", &index, tolerance, false, size))?;
            if from >= to || to > size {
                bail!("no events in [{from}, {to}): the stream holds sequences 0..{size}");
            }
            check_not_pruned(&open.store, from, to, size)?;
            let entries = open.log.entries(from, to).await?;
            let (proof, checkpoint) = open.log.prove_range(from, to).await?;
            let mut meta = config.meta.clone();
            meta.id = uuid::Uuid::new_v4();
            meta.created_at = Utc::now();
            let x = lading_maint::Export {
                meta,
                stream: &config.name,
                first_sequence: from,
                entries: &entries,
                checkpoint: &checkpoint,
                proof: &proof,
                clock_tolerance_ms: config.clock_tolerance_ms,
                retention: chrono::Duration::days(i64::from(config.retention_days)),
                key: &key,
            };
            Ok(lading_maint::export(&x)?)
        }
        .await;
        let closed = open.close().await;
        let r = result?;
        closed?;
        Ok::<_, anyhow::Error>(r)
    })
}

pub(crate) fn verify(args: &MaintVerifyArgs, json_out: bool) -> Result<ExitCode> {
    let bytes = fsio::read_limited(&args.segment, MAX_PACKAGE_BYTES)?;
    let vkey = read_vkey(&args.vkey)?;
    let v = lading_maint::verify(&bytes, &vkey);
    if json_out {
        output::json_pretty(&verification_json(&v))?;
    } else {
        print_verification(args, &v)?;
    }
    Ok(if v.ok() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

fn verification_json(v: &Verification) -> serde_json::Value {
    json!({
        "ok": v.ok(),
        "segment": v.segment.as_ref().map(|s| json!({
            "stream": s.stream,
            "first_sequence": s.first_sequence,
            "last_sequence": s.last_sequence,
            "event_count": s.event_count,
            "checkpoint": s.checkpoint,
        })),
        "checks": v.checks.iter().map(|c| json!({ "name": c.name, "status": c.status.to_string(), "detail": c.detail })).collect::<Vec<_>>(),
        "timeline": v.timeline.iter().map(|r| json!({
            "sequence": r.sequence,
            "occurred_at": r.occurred_at,
            "asset": r.asset,
            "actor": r.actor,
            "action": r.action,
            "result": r.result,
        })).collect::<Vec<_>>(),
    })
}

fn print_verification(args: &MaintVerifyArgs, v: &Verification) -> Result<()> {
    let mut text = String::new();
    for c in &v.checks {
        text.push_str(&format!("{:<15} {:<21} {}\n", c.status.to_string(), c.name, c.detail));
    }
    if !v.timeline.is_empty() {
        text.push_str("\ntimeline\n");
        let n = v.timeline.len();
        let shown: HashSet<usize> =
            if args.full_timeline || n <= 20 { (0..n).collect() } else { (0..10).chain(n - 10..n).collect() };
        for (i, r) in v.timeline.iter().enumerate() {
            if !shown.contains(&i) {
                if i == 10 {
                    text.push_str(&format!("  … {} more (--full-timeline shows all)\n", n - 20));
                }
                continue;
            }
            text.push_str(&format!(
                "  {:>8}  {}  {:<16} {:<20} {:<28} {}\n",
                r.sequence,
                r.occurred_at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
                r.asset,
                r.actor,
                r.action,
                r.result
            ));
        }
    }
    text.push_str(if v.ok() { "\nVERIFIED: the segment is complete, intact and signed\n" } else { "\nNOT VERIFIED\n" });
    output::line(text.trim_end())
}

/// Legal holds file.
const HOLDS_FILE: &str = "holds.json";
/// The holds format.
const HOLDS_FORMAT: &str = "lading-holds/v1";
/// Events per entry bundle: pruning removes whole bundles.
const BUNDLE: u64 = 256;

/// `holds.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Holds {
    format: String,
    holds: Vec<Hold>,
}

/// One legal hold on sequences `[from, to)`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Hold {
    id: String,
    from: u64,
    /// Exclusive end; `None` holds every later event too.
    to: Option<u64>,
    reason: String,
    placed_at: DateTime<Utc>,
    released_at: Option<DateTime<Utc>>,
}

impl Hold {
    fn active(&self) -> bool {
        self.released_at.is_none()
    }

    fn overlaps(&self, from: u64, to: u64) -> bool {
        self.active() && self.from < to && self.to.is_none_or(|end| end > from)
    }
}

fn read_holds(dir: &Path) -> Result<Holds> {
    let path = dir.join(HOLDS_FILE);
    if !path.exists() {
        return Ok(Holds { format: HOLDS_FORMAT.into(), holds: Vec::new() });
    }
    let holds: Holds = fsio::read_json(&path, fsio::MAX_DOCUMENT_BYTES)?;
    if holds.format != HOLDS_FORMAT {
        bail!("{}: format {:?}, expected {HOLDS_FORMAT:?}", path.display(), holds.format);
    }
    Ok(holds)
}

fn write_holds(dir: &Path, holds: &Holds) -> Result<()> {
    fsio::write_new(&dir.join(HOLDS_FILE), &serde_json::to_vec_pretty(holds)?, 0o644, true)
}

fn hold_json(h: &Hold) -> serde_json::Value {
    json!({ "id": h.id, "from": h.from, "to": h.to, "reason": h.reason, "placed_at": h.placed_at,
            "released_at": h.released_at, "active": h.active() })
}

pub(crate) fn hold_add(args: &crate::cli::HoldAddArgs, json_out: bool) -> Result<ExitCode> {
    let dir = stream_dir(&args.data.data, &args.name)?;
    read_config(&dir)?;
    let _lock = lock(&dir)?;
    if args.id.trim().is_empty() || args.reason.trim().is_empty() {
        bail!("--id and --reason must not be empty");
    }
    if args.to.is_some_and(|to| to <= args.from) {
        bail!("--to must be above --from");
    }
    let mut holds = read_holds(&dir)?;
    if holds.holds.iter().any(|h| h.id == args.id) {
        bail!("a hold with id {:?} already exists on stream {}", args.id, args.name);
    }
    let hold = Hold {
        id: args.id.clone(),
        from: args.from,
        to: args.to,
        reason: args.reason.clone(),
        placed_at: Utc::now(),
        released_at: None,
    };
    holds.holds.push(hold.clone());
    write_holds(&dir, &holds)?;
    if json_out {
        output::json_line(&json!({ "ok": true, "hold": hold_json(&hold) }))?;
    } else {
        let end = hold.to.map_or_else(|| "…".to_owned(), |t| t.to_string());
        output::line(&format!("hold {} placed on sequences [{}, {end})", hold.id, hold.from))?;
    }
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn hold_release(args: &crate::cli::HoldReleaseArgs, json_out: bool) -> Result<ExitCode> {
    let dir = stream_dir(&args.data.data, &args.name)?;
    read_config(&dir)?;
    let _lock = lock(&dir)?;
    let mut holds = read_holds(&dir)?;
    let Some(hold) = holds.holds.iter_mut().find(|h| h.id == args.id) else {
        bail!("stream {} has no hold {:?}", args.name, args.id);
    };
    if !hold.active() {
        bail!("hold {:?} was already released", args.id);
    }
    hold.released_at = Some(Utc::now());
    let released = hold.clone();
    write_holds(&dir, &holds)?;
    if json_out {
        output::json_line(&json!({ "ok": true, "hold": hold_json(&released) }))?;
    } else {
        output::line(&format!("hold {} released", released.id))?;
    }
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn hold_list(args: &crate::cli::HoldListArgs, json_out: bool) -> Result<ExitCode> {
    let dir = stream_dir(&args.data.data, &args.name)?;
    read_config(&dir)?;
    let holds = read_holds(&dir)?;
    if json_out {
        output::json_line(&json!({ "ok": true, "holds": holds.holds.iter().map(hold_json).collect::<Vec<_>>() }))?;
    } else {
        for h in &holds.holds {
            let end = h.to.map_or_else(|| "…".to_owned(), |t| t.to_string());
            let state = h.released_at.map_or_else(|| "active".to_owned(), |t| format!("released {}", t.to_rfc3339()));
            output::line(&format!("{}  [{}, {end})  {state}  {}", h.id, h.from, h.reason))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// What the retention policy makes of a stream.
#[derive(Debug, Default, Serialize)]
struct RetentionReport {
    events: u64,
    within_retention: u64,
    past_retention: u64,
    held: u64,
    prunable: u64,
    pruned: u64,
    pruned_now: u64,
}

pub(crate) fn retention(args: &MaintRetentionArgs, json_out: bool) -> Result<ExitCode> {
    let dir = stream_dir(&args.data.data, &args.name)?;
    let config = read_config(&dir)?;
    let _lock = lock(&dir)?;
    let now = match &args.now {
        Some(t) => DateTime::parse_from_rfc3339(t).with_context(|| format!("--now {t:?}"))?.with_timezone(&Utc),
        None => Utc::now(),
    };
    let cutoff = now - chrono::Duration::days(i64::from(config.retention_days));
    let cutoff_ms = cutoff.timestamp_millis();
    let holds = read_holds(&dir)?;
    let rt = runtime()?;
    let report = rt.block_on(async {
        let open = open_stream_log(&dir, BatchConfig::default()).await?;
        let result = async {
            let mut index = EventIndex::open(&dir.join(INDEX_FILE))?;
            reconcile(&open.log, &open.store, &mut index).await?;
            let size = open.log.checkpoint().0;
            let mut r = RetentionReport { events: size, ..RetentionReport::default() };
            r.past_retention = index.count_before(cutoff_ms, 0, size)?;
            r.within_retention = size - r.past_retention;
            // Held events past retention, over the union of active holds.
            let mut ranges: Vec<(u64, u64)> = holds
                .holds
                .iter()
                .filter(|h| h.active())
                .map(|h| (h.from, h.to.unwrap_or(u64::MAX).min(size)))
                .collect();
            ranges.sort_unstable();
            let mut merged: Vec<(u64, u64)> = Vec::new();
            for (a, b) in ranges {
                match merged.last_mut() {
                    Some(last) if a <= last.1 => last.1 = last.1.max(b),
                    _ => merged.push((a, b)),
                }
            }
            for (a, b) in merged.into_iter().filter(|(a, b)| a < b) {
                r.held += index.count_before(cutoff_ms, a, b)?;
            }
            for bundle in 0..size / BUNDLE {
                let (a, b) = (bundle * BUNDLE, bundle * BUNDLE + BUNDLE);
                if !open.store.has_entry_bundle(bundle) {
                    r.pruned += BUNDLE;
                    continue;
                }
                let old = index.max_occurred_in(a, b)?.is_some_and(|ms| ms < cutoff_ms);
                if !old || holds.holds.iter().any(|h| h.overlaps(a, b)) {
                    continue;
                }
                if args.prune {
                    if open.store.prune_entry_bundle(bundle, size)? {
                        r.pruned_now += BUNDLE;
                        r.pruned += BUNDLE;
                    }
                } else {
                    r.prunable += BUNDLE;
                }
            }
            Ok::<_, anyhow::Error>(r)
        }
        .await;
        let closed = open.close().await;
        let r = result?;
        closed?;
        Ok::<_, anyhow::Error>(r)
    })?;
    if json_out {
        let mut v = serde_json::to_value(&report)?;
        v["ok"] = json!(true);
        v["stream"] = json!(args.name);
        v["retention_days"] = json!(config.retention_days);
        v["cutoff"] = json!(cutoff);
        output::json_line(&v)?;
    } else {
        output::line(&format!(
            "stream {}: {} events; retention {} days (cutoff {})\n  within retention  {}\n  past retention    {} (held {})\n  prunable          {}\n  pruned            {}{}",
            args.name,
            report.events,
            config.retention_days,
            cutoff.to_rfc3339(),
            report.within_retention,
            report.past_retention,
            report.held,
            report.prunable,
            report.pruned,
            if args.prune { format!(" ({} now)", report.pruned_now) } else { String::new() }
        ))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Refuses to read events whose bodies were pruned.
fn check_not_pruned(store: &SqliteStore, from: u64, to: u64, size: u64) -> Result<()> {
    for bundle in from / BUNDLE..to.div_ceil(BUNDLE) {
        if (bundle + 1) * BUNDLE <= size && !store.has_entry_bundle(bundle) {
            bail!(
                "events [{}, {}) were pruned under the retention policy; their leaf hashes remain in the log",
                bundle * BUNDLE,
                (bundle + 1) * BUNDLE
            );
        }
    }
    Ok(())
}

/// Stream tokens file: SHA-256 hashes only, never the tokens.
const TOKENS_FILE: &str = "tokens.json";

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StreamToken {
    id: String,
    sha256: String,
    label: String,
    created_at: DateTime<Utc>,
}

pub(crate) fn token(args: &crate::cli::MaintTokenArgs, json_out: bool) -> Result<ExitCode> {
    let dir = stream_dir(&args.data.data, &args.name)?;
    read_config(&dir)?;
    let _lock = lock(&dir)?;
    let path = dir.join(TOKENS_FILE);
    let mut tokens: Vec<StreamToken> =
        if path.exists() { fsio::read_json(&path, fsio::MAX_DOCUMENT_BYTES)? } else { Vec::new() };
    let minted = lading_server::mint(&args.name, lading_log::Scope::Submit, &args.label, Utc::now().timestamp())
        .map_err(|e| anyhow!("minting a token: {e}"))?;
    tokens.push(StreamToken {
        id: minted.record.id.clone(),
        sha256: hex::encode(minted.record.hash),
        label: args.label.clone(),
        created_at: Utc::now(),
    });
    fsio::write_new(&path, &serde_json::to_vec_pretty(&tokens)?, 0o600, true)?;
    if json_out {
        output::json_line(&json!({ "ok": true, "stream": args.name, "id": minted.record.id, "token": minted.token }))?;
    } else {
        output::line(&minted.token)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The embedded deployment's maintenance streams as an OTLP sink for
/// `lading serve`. Requests are parsed on the blocking pool as they arrive;
/// each stream has one writer thread that holds the stream open while
/// requests keep coming, checks queued requests in order (each all or
/// nothing) and appends them in one durable commit, and closes the stream
/// after [`WRITER_IDLE`] without requests, so CLI commands can take it.
pub(crate) struct StreamSink {
    data: PathBuf,
    tokens: std::collections::HashMap<[u8; 32], String>,
    /// Each stream's settings, read once at start-up (events are parsed with its metadata).
    configs: std::collections::HashMap<String, Arc<StreamConfig>>,
    writers: Arc<Mutex<Writers>>,
}

/// A request for a stream's writer: its events, and where the result goes.
type Job = (Vec<Result<Prepared, LineError>>, tokio::sync::oneshot::Sender<Result<Applied, String>>);

/// Running writers by stream, each with a generation so an exiting writer
/// removes only itself.
#[derive(Default)]
struct Writers {
    next_generation: u64,
    running: std::collections::HashMap<String, (u64, std::sync::mpsc::SyncSender<Job>)>,
}

/// How long a stream's writer keeps it open without requests.
const WRITER_IDLE: Duration = Duration::from_millis(500);
/// Requests queued for one stream before more are answered 503.
const WRITER_QUEUE: usize = 256;
/// Events appended in one commit at most (a request is never split).
const WRITER_GROUP_EVENTS: usize = 65_536;

impl StreamSink {
    /// Loads every stream's token hashes under `data/streams`; `None` when there are no streams.
    pub(crate) fn load(data: &Path) -> Result<Option<Self>> {
        let root = data.join("streams");
        if !root.is_dir() {
            return Ok(None);
        }
        let mut tokens = std::collections::HashMap::new();
        let mut configs = std::collections::HashMap::new();
        for entry in std::fs::read_dir(&root).with_context(|| format!("reading {}", root.display()))? {
            let dir = entry?.path();
            if !dir.join(CONFIG_FILE).exists() {
                continue;
            }
            let config = read_config(&dir)?;
            let path = dir.join(TOKENS_FILE);
            let list: Vec<StreamToken> =
                if path.exists() { fsio::read_json(&path, fsio::MAX_DOCUMENT_BYTES)? } else { Vec::new() };
            for t in list {
                let mut hash = [0u8; 32];
                hex::decode_to_slice(&t.sha256, &mut hash)
                    .with_context(|| format!("{}: token {}", path.display(), t.id))?;
                tokens.insert(hash, config.name.clone());
            }
            configs.insert(config.name.clone(), Arc::new(config));
        }
        Ok(Some(Self { data: data.to_owned(), tokens, configs, writers: Arc::default() }))
    }
}

/// Hands `job` to the stream's writer, starting one when none runs.
fn submit(writers: &Arc<Mutex<Writers>>, dir: &Path, stream: &str, job: Job) -> Result<(), String> {
    let mut w = writers.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let job = match w.running.get(stream) {
        Some((_, tx)) => match tx.try_send(job) {
            Ok(()) => return Ok(()),
            Err(std::sync::mpsc::TrySendError::Full(_)) => {
                return Err(format!("stream {stream} has {WRITER_QUEUE} requests queued; retry later"));
            }
            Err(std::sync::mpsc::TrySendError::Disconnected(job)) => job,
        },
        None => job,
    };
    let (tx, rx) = std::sync::mpsc::sync_channel(WRITER_QUEUE);
    let generation = w.next_generation;
    w.next_generation += 1;
    let (dir, name, registry) = (dir.to_owned(), stream.to_owned(), Arc::clone(writers));
    std::thread::Builder::new()
        .name(format!("stream-{stream}"))
        .spawn(move || run_writer(&dir, &name, generation, &rx, &registry))
        .map_err(|e| format!("starting the writer of stream {stream}: {e}"))?;
    tx.try_send(job).map_err(|_| format!("the writer of stream {stream} stopped"))?;
    w.running.insert(stream.to_owned(), (generation, tx));
    Ok(())
}

/// A stream's writer thread: open, apply queued jobs in groups, close when idle.
fn run_writer(
    dir: &Path,
    stream: &str,
    generation: u64,
    rx: &std::sync::mpsc::Receiver<Job>,
    registry: &Mutex<Writers>,
) {
    let retire = || {
        let mut w = registry.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if w.running.get(stream).is_some_and(|(g, _)| *g == generation) {
            w.running.remove(stream);
        }
    };
    let opened = runtime().and_then(|rt| {
        let config = read_config(dir)?;
        let lock = lock(dir)?;
        let writer = rt.block_on(StreamWriter::open(dir, config, lock))?;
        Ok((rt, writer))
    });
    let (rt, mut writer) = match opened {
        Ok(x) => x,
        Err(e) => {
            retire();
            let why = format!("stream {stream}: {e:#}");
            while let Ok((_, reply)) = rx.try_recv() {
                let _ = reply.send(Err(why.clone()));
            }
            return;
        }
    };
    let mut failed: Option<String> = None;
    loop {
        let first = match rx.recv_timeout(WRITER_IDLE) {
            Ok(job) => job,
            Err(_) => {
                // Stop taking jobs, then finish the ones already queued.
                retire();
                match rx.try_recv() {
                    Ok(job) => job,
                    Err(_) => break,
                }
            }
        };
        let mut group = vec![first];
        let mut events = group[0].0.len();
        while events < WRITER_GROUP_EVENTS {
            match rx.try_recv() {
                Ok(job) => {
                    events += job.0.len();
                    group.push(job);
                }
                Err(_) => break,
            }
        }
        let (batches, replies): (Vec<_>, Vec<_>) = group.into_iter().map(|(p, r)| ((p, false), r)).unzip();
        let result = match &failed {
            Some(why) => Err(anyhow!("{why}")),
            None => rt.block_on(writer.apply(batches)),
        };
        match result {
            Ok(applied) => {
                for (reply, a) in replies.into_iter().zip(applied) {
                    let _ = reply.send(Ok(a));
                }
            }
            Err(e) => {
                // The log refuses appends after a failed commit; so does this writer.
                let why = format!("stream {stream}: {e:#}");
                failed = Some(why.clone());
                retire();
                for reply in replies {
                    let _ = reply.send(Err(why.clone()));
                }
            }
        }
    }
    if let Err(e) = rt.block_on(writer.close()) {
        eprintln!("lading serve: closing stream {stream}: {e:#}");
    }
}

impl lading_server::otlp::LogSink for StreamSink {
    fn stream_for(&self, token_hash: [u8; 32]) -> Option<(String, [u8; 32])> {
        self.tokens.get(&token_hash).map(|s| (s.clone(), token_hash))
    }

    fn ingest(
        &self,
        stream: String,
        request: opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest,
    ) -> lading_server::otlp::SinkFuture {
        use lading_server::otlp::{Ingested, SinkError};
        let dir = self.data.join("streams").join(&stream);
        let writers = Arc::clone(&self.writers);
        let config = self.configs.get(&stream).cloned();
        Box::pin(async move {
            let config = config.ok_or_else(|| SinkError::Unavailable(format!("stream {stream} is not loaded")))?;
            let prepared = tokio::task::spawn_blocking(move || {
                lading_maint::prepare_all(lading_maint::otlp::events(&context(&config), 1, &request))
            })
            .await
            .map_err(|e| SinkError::Unavailable(format!("parsing the request: {e}")))?;
            let (tx, rx) = tokio::sync::oneshot::channel();
            submit(&writers, &dir, &stream, (prepared, tx)).map_err(SinkError::Unavailable)?;
            match rx.await {
                Ok(Ok((outcome, appended, first))) if outcome.rejected.is_empty() => {
                    Ok(Ingested { accepted: appended as u64, first_sequence: first })
                }
                Ok(Ok((outcome, ..))) => {
                    Err(SinkError::Rejected(outcome.rejected.iter().map(ToString::to_string).collect()))
                }
                Ok(Err(why)) => Err(SinkError::Unavailable(why)),
                Err(_) => Err(SinkError::Unavailable("the stream writer stopped".into())),
            }
        })
    }
}

/// `lading bench maint`: JSON Lines batches through the ingest path into a
/// fresh stream, and — the baseline, in the same run — durable appends of
/// the same canonical entries to a fresh log.
pub(crate) fn bench(args: &crate::cli::BenchMaintArgs, json_out: bool) -> Result<ExitCode> {
    if args.events == 0 || args.batches == 0 {
        bail!("--events and --batches must be at least 1");
    }
    let (base, _temp) = crate::cmd::bench::work_dir(args.dir.as_deref())?;
    let say = |s: String| if json_out { Ok(()) } else { output::line(&s) };
    let key = base.join("bench-stream");
    crate::cmd::key::generate_to(lading_crypto::Algorithm::Ed25519, &key, true)?;
    let create = StreamCreateArgs {
        name: "bench".into(),
        data: crate::cli::MaintDataArgs { data: base.join("data") },
        key: crate::cmd::key::key_paths(&key).0,
        origin: None,
        provider: "Bench Co".into(),
        registration_id: "9132".into(),
        ebops: vec!["SB".into()],
        cpc: vec!["8715".into()],
        jurisdictions: Vec::new(),
        clock_tolerance_ms: 5_000,
        retention_days: MIN_RETENTION_DAYS,
    };
    let (dir, ..) = create_stream(&create)?;
    // The example event, one id and one time (100 ms apart) per event.
    let mut template = lading_model::example(Kind::MaintenanceEvent, uuid::Uuid::nil(), Utc::now());
    if let Some(o) = template.as_object_mut() {
        o.remove("sequence");
        o.remove("stream");
    }
    let t0 = DateTime::<Utc>::from_timestamp(1_767_225_600, 0).unwrap_or_default();
    let batches: Vec<String> = (0..args.batches)
        .map(|b| {
            (0..args.events)
                .map(|i| {
                    let n = b * args.events + i;
                    template["event_id"] = json!(format!("bench-{n:010}"));
                    template["occurred_at"] = json!((t0 + chrono::Duration::milliseconds(100 * n as i64)).to_rfc3339());
                    template.to_string()
                })
                .collect::<Vec<_>>()
                .join("\n")
        })
        .collect();
    let total = args.events * args.batches;
    say(format!("lading bench maint: {} batches of {} events under {}", args.batches, args.events, base.display()))?;
    let started = std::time::Instant::now();
    for text in &batches {
        let (outcome, appended, _) = ingest_text(&dir, Format::Jsonl, text.clone(), false)?;
        if appended as u64 != args.events {
            bail!("a benchmark batch was refused: {:?}", outcome.rejected.first());
        }
    }
    let ingest = total as f64 / started.elapsed().as_secs_f64();
    // Baseline: the stream's own entries, appended raw to a fresh log in the same batch sizes.
    let raw_dir = base.join("raw");
    crate::cmd::log::create(&raw_dir, "bench.lading.invalid/raw", &crate::cmd::key::key_paths(&key).0)?;
    let rt = runtime()?;
    let raw = rt.block_on(async {
        let stream = open_stream_log(&dir, BatchConfig::default()).await?;
        let entries = stream.log.entries(0, total).await;
        stream.close().await?;
        let entries = entries?;
        let open = open_stream_log(&raw_dir, BatchConfig { max_batch: 1, max_wait: Duration::ZERO }).await?;
        let started = std::time::Instant::now();
        let mut result = Ok(());
        for chunk in entries.chunks(usize::try_from(args.events).unwrap_or(usize::MAX)) {
            if let Err(e) = open.log.append_many(chunk.to_vec()).await {
                result = Err(e);
                break;
            }
        }
        let secs = started.elapsed().as_secs_f64();
        open.close().await?;
        result?;
        Ok::<_, anyhow::Error>(total as f64 / secs)
    })?;
    if json_out {
        output::json_line(&json!({
            "ok": true,
            "events": total,
            "batches": args.batches,
            "ingest_events_per_s": ingest.round(),
            "baseline_raw_append_per_s": raw.round(),
            "ratio": (ingest / raw * 100.0).round() / 100.0,
        }))?;
    } else {
        say(format!("baseline: durable appends of the same canonical entries: {raw:.0} entries/s"))?;
        say(format!(
            "ingest (parse, schema, checks, RFC 8785, append, index): {ingest:.0} events/s ({:.2}× the baseline)",
            ingest / raw
        ))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The embedded deployment's streams as the web console reads them: the
/// same lock, log and event index as `lading maint export`, so a page waits
/// (up to the lock's timeout) while a writer holds the stream.
impl lading_console::StreamBrowser for StreamSink {
    fn list(&self) -> Result<Vec<lading_console::streams::StreamInfo>, StreamError> {
        let mut names: Vec<&String> = self.configs.keys().collect();
        names.sort();
        names
            .into_iter()
            .map(|name| {
                let dir = self.data.join("streams").join(name);
                let index = EventIndex::open(&dir.join(INDEX_FILE)).map_err(|e| unavailable(&e))?;
                Ok(lading_console::streams::StreamInfo {
                    name: name.clone(),
                    events: index.next_sequence().map_err(|e| unavailable(&e))?,
                    latest: index
                        .latest_occurred_ms()
                        .map_err(|e| unavailable(&e))?
                        .and_then(DateTime::<Utc>::from_timestamp_millis),
                })
            })
            .collect()
    }

    fn read(
        &self,
        stream: &str,
        query: &lading_console::streams::StreamQuery,
    ) -> Result<lading_console::streams::StreamRead, StreamError> {
        let dir = self.known(stream)?;
        let _lock = lock(&dir).map_err(|e| unavailable(&e))?;
        // Called on the server's blocking pool: its runtime drives the reads.
        let rt = tokio::runtime::Handle::try_current().map_err(|e| unavailable(&e))?;
        rt.block_on(async {
            let open = open_stream_log(&dir, BatchConfig::default()).await.map_err(|e| unavailable(&e))?;
            let result = async {
                let mut index = EventIndex::open(&dir.join(INDEX_FILE))?;
                reconcile(&open.log, &open.store, &mut index).await?;
                let size = open.log.checkpoint().0;
                // The sequences the time filter admits (events are roughly, not
                // strictly, in time order: the page filters each event exactly).
                let tolerance = self.configs.get(stream).map_or(i64::MAX, |c| tolerance_ms(c));
                let floor = match query.from {
                    Some(t) => index.first_at_or_after(t.timestamp_millis(), tolerance)?.unwrap_or(size),
                    None => 0,
                };
                let mut end = match query.to {
                    Some(t) => index.last_before(t.timestamp_millis(), tolerance)?.map_or(0, |s| s + 1),
                    None => size,
                };
                if let Some(before) = query.before {
                    end = end.min(before);
                }
                let end = end.min(size);
                let start = end.saturating_sub(query.scan.max(1)).max(floor).min(end);
                let events = if start < end {
                    check_not_pruned(&open.store, start, end, size)?;
                    open.log
                        .entries(start, end)
                        .await?
                        .iter()
                        .map(|b| serde_json::from_slice::<MaintenanceEvent>(b))
                        .collect::<Result<Vec<_>, _>>()?
                } else {
                    Vec::new()
                };
                Ok::<_, anyhow::Error>(lading_console::streams::StreamRead { size, range: (start, end), floor, events })
            }
            .await;
            let closed = open.close().await;
            let read = result.map_err(|e| unavailable(&e))?;
            closed.map_err(|e| unavailable(&e))?;
            Ok(read)
        })
    }

    fn export(&self, stream: &str, from: u64, to: u64) -> Result<Vec<u8>, StreamError> {
        let dir = self.known(stream)?;
        let size =
            EventIndex::open(&dir.join(INDEX_FILE)).and_then(|i| i.next_sequence()).map_err(|e| unavailable(&e))?;
        if from >= to || to > size {
            return Err(StreamError::BadRequest(format!("[{from}, {to}): the stream holds sequences 0..{size}")));
        }
        export_segment(&dir, Some(&from.to_string()), Some(&to.to_string()))
            .map(|(_, bytes)| bytes)
            .map_err(|e| unavailable(&e))
    }
}

use lading_console::streams::StreamError;

fn unavailable(e: &dyn std::fmt::Display) -> StreamError {
    StreamError::Unavailable(format!("{e:#}"))
}

impl StreamSink {
    /// The directory of a stream this deployment serves.
    fn known(&self, stream: &str) -> Result<PathBuf, StreamError> {
        if self.configs.contains_key(stream) {
            Ok(self.data.join("streams").join(stream))
        } else {
            Err(StreamError::NotFound(stream.to_owned()))
        }
    }
}
