//! `lading maint …`: arguments and printing. The streams themselves —
//! layout, writer, numbering, holds, retention, tokens — are
//! `lading-stream` over the embedded backend `lading_store_sqlite::SqliteStreams`
//! (`DATA/streams/NAME`).

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context as _, Result, anyhow, bail};
use chrono::{DateTime, Utc};
use lading_log::BatchConfig;
use lading_maint::{Format, Outcome, Verification};
use lading_model::meta::{Classification, Provider};
use lading_model::{Kind, bundle::MAX_PACKAGE_BYTES};
use lading_store_postgres::PostgresStreams;
use lading_store_sqlite::SqliteStreams;
use lading_store_sqlite::streams::KEY_FILE;
use lading_stream::ops::{self, Bound, PageQuery};
use lading_stream::{Hold, MIN_RETENTION_DAYS, NewStream, StreamConfig, StreamKey, StreamStore, StreamToken};
use serde_json::json;

use crate::cli::{
    EventFormatArg, MaintExportArgs, MaintIngestArgs, MaintRetentionArgs, MaintVerifyArgs, StreamCreateArgs,
};
use crate::cmd::log::{open_stream_log, read_vkey, runtime};
use crate::{fsio, output};

/// How often `lading serve` checks for streams created and tokens added
/// or revoked by another front-end or the CLI.
const WATCH_EVERY: Duration = Duration::from_millis(250);
/// Largest file ingested at once (split larger ones; each file is one batch).
const MAX_INGEST_BYTES: u64 = 256 << 20;

/// The embedded streams under `data` and the directory of stream `name`.
fn embedded(data: &Path, name: &str) -> Result<(SqliteStreams, PathBuf)> {
    let streams = SqliteStreams::new(data);
    let dir = streams.dir(name)?;
    Ok((streams, dir))
}

fn stream_key(dir: &Path) -> Result<StreamKey> {
    crate::keys::stream_key(&dir.join(KEY_FILE))
}

/// The streams and name of the stream directory `dir` (`DATA/streams/NAME`).
fn at_dir(dir: &Path) -> Result<(SqliteStreams, String)> {
    let name = dir.file_name().and_then(|n| n.to_str()).ok_or_else(|| anyhow!("{} names no stream", dir.display()))?;
    let data =
        dir.parent().and_then(Path::parent).ok_or_else(|| anyhow!("{} is not DATA/streams/NAME", dir.display()))?;
    Ok((SqliteStreams::new(data), name.to_owned()))
}

/// Reads the stream's config first, so a missing stream is reported as
/// such before its key is looked for.
fn config_and_key(streams: &SqliteStreams, dir: &Path, name: &str) -> Result<(StreamConfig, StreamKey)> {
    let rt = runtime()?;
    let config = rt.block_on(streams.config(name))?;
    Ok((config, stream_key(dir)?))
}

/// Where a deployment keeps its streams' private keys: beside each
/// embedded stream's log, or `KEYS/streams/NAME.key` for PostgreSQL (never
/// in the database).
#[derive(Clone)]
enum KeyDir {
    Embedded(SqliteStreams),
    Dir(PathBuf),
}

impl KeyDir {
    fn path(&self, name: &str) -> Result<PathBuf> {
        Ok(match self {
            KeyDir::Embedded(s) => s.dir(name)?.join(KEY_FILE),
            KeyDir::Dir(keys) => {
                lading_stream::check_name(name)?;
                keys.join("streams").join(format!("{name}.key"))
            }
        })
    }

    /// A key source for the server's writers. A token key is opened once
    /// and kept (one logged-in session per stream for the server's life);
    /// a key file is read at each writer start, as before.
    fn source(&self) -> lading_stream::KeySource {
        let keys = self.clone();
        let opened: Arc<std::sync::Mutex<HashMap<String, StreamKey>>> = Arc::default();
        Arc::new(move |name: &str| {
            let cached = opened.lock().unwrap_or_else(std::sync::PoisonError::into_inner).get(name).cloned();
            if let Some(key) = cached {
                return Ok(key);
            }
            let key = keys
                .path(name)
                .and_then(|p| crate::keys::stream_key(&p))
                .map_err(|e| lading_stream::StreamError::Unavailable(format!("{e:#}")))?;
            if matches!(key, StreamKey::Reference { .. }) {
                opened.lock().unwrap_or_else(std::sync::PoisonError::into_inner).insert(name.to_owned(), key.clone());
            }
            Ok(key)
        })
    }
}

/// The streams a `lading maint` command works on: `--data DIR` or
/// `--postgres URL --keys DIR`.
enum Streams {
    Embedded(SqliteStreams),
    Postgres(PostgresStreams, PathBuf),
}

/// `$body` with `$s` bound to the backend of `$streams` (generic code, once per backend).
macro_rules! on_streams {
    ($streams:expr, $s:ident => $body:expr) => {
        match $streams {
            Streams::Embedded($s) => $body,
            Streams::Postgres($s, _) => $body,
        }
    };
}

impl Streams {
    async fn open(args: &crate::cli::MaintDataArgs) -> Result<Self> {
        match (&args.postgres, &args.keys) {
            (None, _) => Ok(Streams::Embedded(SqliteStreams::new(&args.data))),
            (Some(url), Some(keys)) => {
                let pool = lading_store_postgres::connect(url).await.context("connecting to PostgreSQL")?;
                Ok(Streams::Postgres(PostgresStreams::new(pool), keys.clone()))
            }
            (Some(_), None) => bail!("--postgres needs --keys DIR for the streams' private keys"),
        }
    }

    fn keys(&self) -> KeyDir {
        match self {
            Streams::Embedded(s) => KeyDir::Embedded(s.clone()),
            Streams::Postgres(_, keys) => KeyDir::Dir(keys.clone()),
        }
    }

    /// The stream's settings and signing key (the settings first, so a
    /// missing stream is reported as such before its key is looked for).
    async fn config_and_key(&self, name: &str) -> Result<(StreamConfig, StreamKey)> {
        let config = on_streams!(self, s => s.config(name).await)?;
        Ok((config, crate::keys::stream_key(&self.keys().path(name)?)?))
    }
}

pub(crate) fn stream_create(args: &StreamCreateArgs, json_out: bool) -> Result<ExitCode> {
    if let (Some(url), Some(keys)) = (&args.data.postgres, &args.data.keys) {
        let (origin, vkey) = runtime()?.block_on(create_postgres_stream(args, url, keys))?;
        if json_out {
            output::json_line(
                &json!({ "ok": true, "stream": args.name, "postgres": true, "origin": origin, "vkey": vkey }),
            )?;
        } else {
            output::line(&vkey)?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    if args.data.postgres.is_some() {
        bail!("--postgres needs --keys DIR for the streams' private keys");
    }
    let (dir, origin, vkey) = create_stream(args)?;
    if json_out {
        output::json_line(&json!({ "ok": true, "stream": args.name, "dir": dir, "origin": origin, "vkey": vkey }))?;
    } else {
        output::line(&vkey)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The settings of the stream `args` describes.
fn new_config(args: &StreamCreateArgs) -> Result<StreamConfig> {
    let new = NewStream {
        name: args.name.clone(),
        origin: args.origin.clone(),
        provider: Provider {
            legal_name: args.provider.clone(),
            registration_id: args.registration_id.clone(),
            white_list_entry: None,
            pilot_zone: None,
        },
        classification: Classification { ebops_2010: args.ebops.clone(), cpc_2_1: args.cpc.clone() },
        jurisdictions: args.jurisdictions.clone(),
        clock_tolerance_ms: args.clock_tolerance_ms,
        retention_days: args.retention_days,
    };
    Ok(StreamConfig::new(new, uuid::Uuid::new_v4(), Utc::now())?)
}

/// Creates an embedded stream; returns its directory, origin and vkey.
pub(crate) fn create_stream(args: &StreamCreateArgs) -> Result<(PathBuf, String, String)> {
    let (streams, dir) = embedded(&args.data.data, &args.name)?;
    if dir.exists() {
        bail!("stream {} already exists in {}", args.name, dir.display());
    }
    let config = new_config(args)?;
    let key = crate::keys::stream_key(&args.key)?;
    let vkey = runtime()?.block_on(ops::create(&streams, &config, &key))?;
    Ok((dir, config.origin, vkey))
}

/// Creates a stream on PostgreSQL, its key copied to `KEYS/streams/NAME.key`
/// first (and removed again when the stream cannot be created); returns
/// its origin and vkey.
async fn create_postgres_stream(args: &StreamCreateArgs, url: &str, keys: &Path) -> Result<(String, String)> {
    let config = new_config(args)?;
    let key = crate::keys::stream_key(&args.key)?;
    let pool = lading_store_postgres::connect(url).await.context("connecting to PostgreSQL")?;
    let streams = PostgresStreams::new(pool);
    let path = KeyDir::Dir(keys.to_owned()).path(&args.name)?;
    if let Some(parent) = path.parent() {
        fsio::create_private_dir(parent)?;
    }
    // The key's PEM, or only the URI of a key in a token.
    fsio::write_new(&path, key.stored()?.as_bytes(), 0o600, false)?;
    match ops::create(&streams, &config, &key).await {
        Ok(vkey) => Ok((config.origin, vkey)),
        Err(e) => {
            let _ = std::fs::remove_file(&path);
            Err(e.into())
        }
    }
}

pub(crate) fn ingest(args: &MaintIngestArgs, json_out: bool) -> Result<ExitCode> {
    lading_stream::check_name(&args.name)?;
    // Bytes, not text: a line that is not UTF-8 is refused on its own (so
    // `--per-line` keeps the others), never the whole file unread.
    let bytes = fsio::read_limited(&args.file, MAX_INGEST_BYTES)?;
    let format = match args.format {
        EventFormatArg::Jsonl => Format::Jsonl,
        EventFormatArg::Syslog => Format::Syslog,
        EventFormatArg::OtlpJson => Format::OtlpJson,
    };
    let (outcome, appended, first) = runtime()?.block_on(async {
        let streams = Streams::open(&args.data).await?;
        let (_, key) = streams.config_and_key(&args.name).await?;
        let produce = move |ctx: &lading_maint::Context| lading_maint::prepare_bytes(format, ctx, &bytes);
        Ok::<_, anyhow::Error>(on_streams!(&streams, s => {
            ops::ingest(s, &args.name, &key, args.per_line, Utc::now(), produce).await?
        }))
    })?;
    report_ingest(args, &outcome, appended, first, json_out)
}

/// One stream of either backend, for `lading bench console`: its indexed
/// size and latest time, the time of one of its events, and ingestion of
/// JSON Lines batches through the same path as `lading maint ingest`.
pub(crate) struct AnyStream {
    streams: Streams,
    name: String,
}

impl AnyStream {
    pub(crate) async fn open(data: &crate::cli::MaintDataArgs, name: &str) -> Result<Self> {
        let streams = Streams::open(data).await?;
        on_streams!(&streams, s => s.config(name).await)?;
        Ok(AnyStream { streams, name: name.to_owned() })
    }

    /// The size of its event index and its latest occurrence time (ms).
    pub(crate) async fn indexed(&self) -> Result<(u64, Option<i64>)> {
        Ok(on_streams!(&self.streams, s => s.indexed(&self.name).await)?)
    }

    /// When the event at `sequence` occurred (ms).
    pub(crate) async fn occurred_ms(&self, sequence: u64) -> Result<Option<i64>> {
        let (config, key) = self.streams.config_and_key(&self.name).await?;
        on_streams!(&self.streams, s => {
            let mut writer = lading_stream::StreamWriter::open(s, config, &key).await?;
            let found = lading_stream::OpenStream::max_occurred_in(writer.stream(), sequence, sequence + 1).await;
            writer.close().await?;
            Ok(found?)
        })
    }

    /// Ingests JSON Lines as one all-or-nothing batch.
    pub(crate) async fn ingest_jsonl(&self, text: String) -> Result<lading_stream::Applied> {
        let (_, key) = self.streams.config_and_key(&self.name).await?;
        let produce = move |ctx: &lading_maint::Context| lading_maint::prepare(Format::Jsonl, ctx, &text);
        Ok(on_streams!(&self.streams, s => ops::ingest(s, &self.name, &key, false, Utc::now(), produce).await)?)
    }
}

/// Ingests `text` into the stream at `dir` (`DATA/streams/NAME`) as one
/// batch: returns the outcome, how many events were appended and the first
/// sequence number.
pub(crate) fn ingest_text(dir: &Path, format: Format, text: String, per_line: bool) -> Result<lading_stream::Applied> {
    let (streams, name) = at_dir(dir)?;
    let (_, key) = config_and_key(&streams, dir, &name)?;
    let rt = runtime()?;
    Ok(rt.block_on(ops::ingest(&streams, &name, &key, per_line, Utc::now(), move |ctx| {
        lading_maint::prepare(format, ctx, &text)
    }))?)
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

/// A `--from`/`--to` bound: a sequence number or an RFC 3339 time.
fn bound(arg: &str, flag: &str) -> Result<Bound> {
    if let Ok(n) = arg.parse::<u64>() {
        return Ok(Bound::Sequence(n));
    }
    let t = DateTime::parse_from_rfc3339(arg)
        .with_context(|| format!("{flag} {arg:?} is neither a sequence number nor an RFC 3339 time"))?;
    Ok(Bound::Time(t.with_timezone(&Utc)))
}

pub(crate) fn export(args: &MaintExportArgs, json_out: bool) -> Result<ExitCode> {
    lading_stream::check_name(&args.name)?;
    let (segment, bytes) = runtime()?.block_on(async {
        let streams = Streams::open(&args.data).await?;
        let (_, key) = streams.config_and_key(&args.name).await?;
        let from = args.from.as_deref().map(|a| bound(a, "--from")).transpose()?;
        let to = args.to.as_deref().map(|a| bound(a, "--to")).transpose()?;
        let (id, now) = (uuid::Uuid::new_v4(), Utc::now());
        Ok::<_, anyhow::Error>(on_streams!(&streams, s => ops::export(s, &args.name, &key, from, to, id, now).await?))
    })?;
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
/// numbers or RFC 3339 times; defaults: the whole stream), signed with the
/// stream's log key (DSSE, a different format and domain from the
/// checkpoint's signed note).
pub(crate) fn export_segment(
    dir: &Path,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<(lading_model::maintenance::MaintenanceSegment, Vec<u8>)> {
    let (streams, name) = at_dir(dir)?;
    let (_, key) = config_and_key(&streams, dir, &name)?;
    let from = from.map(|a| bound(a, "--from")).transpose()?;
    let to = to.map(|a| bound(a, "--to")).transpose()?;
    let rt = runtime()?;
    Ok(rt.block_on(ops::export(&streams, &name, &key, from, to, uuid::Uuid::new_v4(), Utc::now()))?)
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

fn hold_json(h: &Hold) -> serde_json::Value {
    json!({ "id": h.id, "from": h.from, "to": h.to, "reason": h.reason, "placed_at": h.placed_at,
            "released_at": h.released_at, "active": h.active() })
}

pub(crate) fn hold_add(args: &crate::cli::HoldAddArgs, json_out: bool) -> Result<ExitCode> {
    lading_stream::check_name(&args.name)?;
    let hold = Hold {
        id: args.id.clone(),
        from: args.from,
        to: args.to,
        reason: args.reason.clone(),
        placed_at: Utc::now(),
        released_at: None,
    };
    let (name, placed) = (args.name.clone(), hold.clone());
    runtime()?.block_on(async {
        let streams = Streams::open(&args.data).await?;
        let change = move |holds: &mut lading_stream::Holds| holds.place(&name, placed);
        on_streams!(&streams, s => s.update_holds(&args.name, change).await?);
        Ok::<_, anyhow::Error>(())
    })?;
    if json_out {
        output::json_line(&json!({ "ok": true, "hold": hold_json(&hold) }))?;
    } else {
        let end = hold.to.map_or_else(|| "…".to_owned(), |t| t.to_string());
        output::line(&format!("hold {} placed on sequences [{}, {end})", hold.id, hold.from))?;
    }
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn hold_release(args: &crate::cli::HoldReleaseArgs, json_out: bool) -> Result<ExitCode> {
    lading_stream::check_name(&args.name)?;
    let (name, id) = (args.name.clone(), args.id.clone());
    let released = runtime()?.block_on(async {
        let streams = Streams::open(&args.data).await?;
        let change = move |holds: &mut lading_stream::Holds| holds.release(&name, &id, Utc::now());
        Ok::<_, anyhow::Error>(on_streams!(&streams, s => s.update_holds(&args.name, change).await?))
    })?;
    if json_out {
        output::json_line(&json!({ "ok": true, "hold": hold_json(&released) }))?;
    } else {
        output::line(&format!("hold {} released", released.id))?;
    }
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn hold_list(args: &crate::cli::HoldListArgs, json_out: bool) -> Result<ExitCode> {
    lading_stream::check_name(&args.name)?;
    let holds = runtime()?.block_on(async {
        let streams = Streams::open(&args.data).await?;
        Ok::<_, anyhow::Error>(on_streams!(&streams, s => s.holds(&args.name).await?))
    })?;
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

pub(crate) fn retention(args: &MaintRetentionArgs, json_out: bool) -> Result<ExitCode> {
    lading_stream::check_name(&args.name)?;
    let (config, cutoff, report) = runtime()?.block_on(async {
        let streams = Streams::open(&args.data).await?;
        let (config, key) = streams.config_and_key(&args.name).await?;
        let now = match &args.now {
            Some(t) => DateTime::parse_from_rfc3339(t).with_context(|| format!("--now {t:?}"))?.with_timezone(&Utc),
            None => Utc::now(),
        };
        let (cutoff, report) = on_streams!(&streams, s => ops::retention(s, &args.name, &key, now, args.prune).await?);
        Ok::<_, anyhow::Error>((config, cutoff, report))
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

pub(crate) fn token(args: &crate::cli::MaintTokenArgs, json_out: bool) -> Result<ExitCode> {
    lading_stream::check_name(&args.name)?;
    let rt = runtime()?;
    let streams = rt.block_on(Streams::open(&args.data))?;
    rt.block_on(async { on_streams!(&streams, s => s.config(&args.name).await) })?;
    if let Some(id) = &args.revoke {
        let revoked = rt.block_on(async { on_streams!(&streams, s => s.revoke_token(&args.name, id).await) })?;
        if !revoked {
            bail!("stream {} has no token {id:?}", args.name);
        }
        if json_out {
            output::json_line(&json!({ "ok": true, "stream": args.name, "revoked": id }))?;
        } else {
            output::line(&format!("token {id} of stream {} revoked", args.name))?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    let minted = lading_server::mint(&args.name, lading_log::Scope::Submit, &args.label, Utc::now().timestamp())
        .map_err(|e| anyhow!("minting a token: {e}"))?;
    let record = StreamToken {
        id: minted.record.id.clone(),
        sha256: hex::encode(minted.record.hash),
        label: args.label.clone(),
        created_at: Utc::now(),
    };
    rt.block_on(async { on_streams!(&streams, s => s.add_token(&args.name, record).await) })?;
    if json_out {
        output::json_line(&json!({ "ok": true, "stream": args.name, "id": minted.record.id, "token": minted.token }))?;
    } else {
        output::line(&minted.token)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// A deployment's maintenance streams as `lading serve` serves them: the
/// OTLP sink and the console's stream pages, over `lading-stream`'s
/// [`Sink`](lading_stream::Sink).
pub(crate) struct StreamSink<S: StreamStore> {
    sink: Arc<lading_stream::Sink<S>>,
}

/// The syslog sink of stream `name` of the deployment `data` names (for
/// `lading maint listen`).
pub(crate) async fn syslog_sink(
    data: &crate::cli::MaintDataArgs,
    name: &str,
) -> Result<Arc<dyn lading_server::syslog::SyslogSink>> {
    let streams = Streams::open(data).await?;
    let keys = streams.keys().source();
    match streams {
        Streams::Embedded(s) => {
            crate::cmd::listen::stream_syslog(Arc::new(lading_stream::Sink::load(s, keys).await?), name)
        }
        Streams::Postgres(s, _) => {
            crate::cmd::listen::stream_syslog(Arc::new(lading_stream::Sink::load(s, keys).await?), name)
        }
    }
}

/// What `lading serve` serves of the deployment's maintenance streams.
pub(crate) struct ServedStreams {
    /// The OTLP receiver's sink (POST /v1/logs).
    pub(crate) otlp: Arc<dyn lading_server::otlp::LogSink>,
    /// The console's stream pages.
    pub(crate) browser: Arc<dyn lading_console::StreamBrowser>,
    /// The syslog listener's sink, when `--syslog-stream` names a stream.
    pub(crate) syslog: Option<Arc<dyn lading_server::syslog::SyslogSink>>,
}

/// The streams `lading serve` serves: the embedded ones under `DATA/streams`
/// (none when there is no such directory), or every stream of the
/// PostgreSQL deployment; as the OTLP sink, the console's browser and, for
/// `syslog_stream`, the syslog listener's sink (one writer for all three).
pub(crate) async fn served_streams(
    deployment: &crate::backend::Deployment,
    syslog_stream: Option<&str>,
) -> Result<Option<ServedStreams>> {
    fn all<S: StreamStore>(sink: lading_stream::Sink<S>, syslog_stream: Option<&str>) -> Result<ServedStreams> {
        let sink = Arc::new(sink);
        // Streams created and tokens revoked anywhere are served within a second.
        sink.watch(WATCH_EVERY);
        let syslog = match syslog_stream {
            Some(name) => Some(crate::cmd::listen::stream_syslog(Arc::clone(&sink), name)?),
            None => None,
        };
        let served = Arc::new(StreamSink { sink });
        Ok(ServedStreams {
            otlp: Arc::clone(&served) as Arc<dyn lading_server::otlp::LogSink>,
            browser: served as Arc<dyn lading_console::StreamBrowser>,
            syslog,
        })
    }
    match deployment {
        crate::backend::Deployment::Embedded { data } => {
            if !data.join("streams").is_dir() {
                if let Some(name) = syslog_stream {
                    bail!(
                        "--syslog-stream {name}: {} has no maintenance streams (create it with `lading maint stream create`)",
                        data.display()
                    );
                }
                return Ok(None);
            }
            let streams = SqliteStreams::new(data);
            let keys = KeyDir::Embedded(streams.clone()).source();
            Ok(Some(all(lading_stream::Sink::load(streams, keys).await?, syslog_stream)?))
        }
        crate::backend::Deployment::Postgres { pool, keys } => {
            let keys = KeyDir::Dir(keys.clone()).source();
            Ok(Some(all(lading_stream::Sink::load(PostgresStreams::new(pool.clone()), keys).await?, syslog_stream)?))
        }
    }
}

impl<S: StreamStore> lading_server::otlp::LogSink for StreamSink<S> {
    fn stream_for(&self, token_hash: [u8; 32]) -> Option<(String, [u8; 32])> {
        self.sink.stream_for(token_hash)
    }

    fn ingest(
        &self,
        stream: String,
        request: opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest,
    ) -> lading_server::otlp::SinkFuture {
        use lading_server::otlp::{Ingested, SinkError};
        let sink = Arc::clone(&self.sink);
        Box::pin(async move {
            match sink.ingest_otlp(stream, request).await {
                Ok((accepted, first_sequence)) => Ok(Ingested { accepted, first_sequence }),
                Err(lading_stream::IngestError::Rejected(reasons)) => Err(SinkError::Rejected(reasons)),
                Err(e) => Err(SinkError::Unavailable(e.to_string())),
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
        data: crate::cli::MaintDataArgs { data: base.join("data"), postgres: None, keys: None },
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
impl<S: StreamStore> lading_console::StreamBrowser for StreamSink<S> {
    fn list(&self) -> Result<Vec<lading_console::streams::StreamInfo>, StreamError> {
        let rt = tokio::runtime::Handle::try_current().map_err(|e| unavailable(&e))?;
        self.sink
            .names()
            .into_iter()
            .map(|name| {
                let (events, latest) = rt.block_on(self.sink.store().indexed(&name)).map_err(|e| unavailable(&e))?;
                Ok(lading_console::streams::StreamInfo {
                    name,
                    events,
                    latest: latest.and_then(DateTime::<Utc>::from_timestamp_millis),
                })
            })
            .collect()
    }

    fn read(
        &self,
        stream: &str,
        query: &lading_console::streams::StreamQuery,
    ) -> Result<lading_console::streams::StreamRead, StreamError> {
        self.known(stream)?;
        let key = self.sink.key(stream).map_err(|e| unavailable(&e))?;
        // Called on the server's blocking pool: its runtime drives the reads.
        let rt = tokio::runtime::Handle::try_current().map_err(|e| unavailable(&e))?;
        let select = query.select.clone().map(|(asset, category, result, newest)| ops::Select {
            asset,
            category,
            result,
            newest,
        });
        let q = PageQuery { from: query.from, to: query.to, before: query.before, scan: query.scan, select };
        let page = rt.block_on(ops::read_page(self.sink.store(), stream, &key, q)).map_err(|e| unavailable(&e))?;
        Ok(lading_console::streams::StreamRead {
            size: page.size,
            range: page.range,
            floor: page.floor,
            events: page.events,
            matched: page.matched,
        })
    }

    fn export(&self, stream: &str, from: u64, to: u64) -> Result<Vec<u8>, StreamError> {
        self.known(stream)?;
        let rt = tokio::runtime::Handle::try_current().map_err(|e| unavailable(&e))?;
        let (size, _) = rt.block_on(self.sink.store().indexed(stream)).map_err(|e| unavailable(&e))?;
        if from >= to || to > size {
            return Err(StreamError::BadRequest(format!("[{from}, {to}): the stream holds sequences 0..{size}")));
        }
        let key = self.sink.key(stream).map_err(|e| unavailable(&e))?;
        let (from, to) = (Some(Bound::Sequence(from)), Some(Bound::Sequence(to)));
        rt.block_on(ops::export(self.sink.store(), stream, &key, from, to, uuid::Uuid::new_v4(), Utc::now()))
            .map(|(_, bytes)| bytes)
            .map_err(|e| unavailable(&e))
    }
}

use lading_console::streams::StreamError;

fn unavailable(e: &(dyn std::error::Error + 'static)) -> StreamError {
    StreamError::Unavailable(lading_log::error_chain(e))
}

impl<S: StreamStore> StreamSink<S> {
    /// Refuses a stream this deployment does not serve.
    fn known(&self, stream: &str) -> Result<(), StreamError> {
        if self.sink.config(stream).is_some() { Ok(()) } else { Err(StreamError::NotFound(stream.to_owned())) }
    }
}

/// `lading maint migrate`: copies an embedded stream into PostgreSQL, its
/// records byte for byte (appended to the PostgreSQL log as they are, never
/// re-serialised), then its holds and tokens, and proves the two logs' roots
/// equal at the copied size. Resumable: a copy interrupted half-way is
/// continued from its size once its root is proven equal to the source's
/// at that size; a copy that disagrees is refused, never extended.
pub(crate) fn migrate(args: &crate::cli::MaintMigrateArgs, json_out: bool) -> Result<ExitCode> {
    let (source, dir) = embedded(&args.from_data, &args.name)?;
    let (config, key) = config_and_key(&source, &dir, &args.name)?;
    let rt = runtime()?;
    let (size, copied, root) = rt.block_on(async {
        let pool = lading_store_postgres::connect(&args.to_postgres).await.context("connecting to PostgreSQL")?;
        let target = PostgresStreams::new(pool);
        let key_path = KeyDir::Dir(args.keys.clone()).path(&args.name)?;
        match target.config(&args.name).await {
            Ok(existing) => {
                if existing != config {
                    bail!(
                        "stream {} exists in PostgreSQL with other settings; it is not a copy of {}",
                        args.name,
                        dir.display()
                    );
                }
            }
            Err(lading_stream::StreamError::NotFound { .. }) => {
                if let Some(parent) = key_path.parent() {
                    fsio::create_private_dir(parent)?;
                }
                if !key_path.exists() {
                    fsio::write_new(&key_path, key.stored()?.as_bytes(), 0o600, false)?;
                }
                ops::create(&target, &config, &key).await?;
            }
            Err(e) => return Err(e.into()),
        }
        let mut from = lading_stream::StreamWriter::open(&source, config.clone(), &key).await?;
        let mut to = lading_stream::StreamWriter::open(&target, config.clone(), &key).await?;
        let result = copy_stream(from.stream(), to.stream()).await;
        let closed = (to.close().await, from.close().await);
        let copied = result?;
        closed.0?;
        closed.1?;
        let holds = source.holds(&args.name).await?;
        target
            .update_holds(&args.name, move |h| {
                *h = holds;
                Ok(())
            })
            .await?;
        let have: HashSet<String> = target.tokens(&args.name).await?.into_iter().map(|t| t.id).collect();
        for t in source.tokens(&args.name).await? {
            if !have.contains(&t.id) {
                target.add_token(&args.name, t).await?;
            }
        }
        Ok::<_, anyhow::Error>(copied)
    })?;
    if json_out {
        output::json_line(&json!({
            "ok": true, "stream": args.name, "events": size, "copied_now": copied, "root": root_text(&root),
        }))?;
    } else {
        output::line(&format!(
            "stream {}: {size} events in PostgreSQL ({copied} copied now); both logs have root {} at size {size}",
            args.name,
            root_text(&root)
        ))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// A root hash as checkpoints write it (standard base64).
fn root_text(root: &lading_tlog::Hash) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(root.0)
}

/// Copies the records `to` lacks from `from`, in chunks, each chunk one
/// durable commit followed by its index rows; returns the size, how many
/// records were copied and the root both logs share at that size.
async fn copy_stream<A: lading_stream::OpenStream, B: lading_stream::OpenStream>(
    from: &mut A,
    to: &mut B,
) -> Result<(u64, u64, lading_tlog::Hash)> {
    let size = from.log().checkpoint().0;
    let start = to.log().checkpoint().0;
    if start > size {
        bail!("the PostgreSQL copy holds {start} events but the source only {size}: they are not the same stream");
    }
    if start > 0 && from.log().root_at(start).await? != to.log().root_at(start).await? {
        bail!("the PostgreSQL copy disagrees with the source at size {start}; refusing to extend it");
    }
    let mut at = start;
    while at < size {
        let end = size.min(at + 4_096);
        lading_stream::writer::check_not_pruned(from, at, end, size)
            .await
            .context("events pruned under the retention policy cannot be copied")?;
        let entries = from.log().entries(at, end).await?;
        let rows = entries
            .iter()
            .zip(at..)
            .map(|(e, i)| {
                let ev: lading_model::maintenance::MaintenanceEvent =
                    serde_json::from_slice(e).with_context(|| format!("log entry {i} is not a maintenance event"))?;
                Ok(lading_stream::IndexedEvent {
                    sequence: i,
                    event_id: ev.event_id,
                    occurred_ms: ev.occurred_at.timestamp_millis(),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let landed = to.log().append_many(entries).await?;
        if landed.iter().zip(at..).any(|(a, i)| a.index != i || a.duplicate) {
            bail!("the PostgreSQL log placed records elsewhere than at {at}..{end}: another writer?");
        }
        to.index_events(rows).await?;
        at = end;
    }
    let (a, b) = (from.log().root_at(size).await?, to.log().root_at(size).await?);
    if a != b {
        bail!(
            "after copying, the roots at size {size} differ: {} (source) and {} (PostgreSQL)",
            hex::encode(a.0),
            hex::encode(b.0)
        );
    }
    Ok((size, size - start, a))
}
