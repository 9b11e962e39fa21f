//! `lading log …`: transparency logs on the embedded store.

use std::io::{BufRead as _, IsTerminal as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context as _, Result, anyhow, bail};
use lading_crypto::Signer as _;
use lading_log::{BatchConfig, Log};
use lading_store_sqlite::SqliteStore;
use lading_tlog::{Hash, KeyKind, NoteSigner, NoteVerifier, Policy, Receipt, SignedCheckpoint, leaf_hash};
use serde_json::json;

use crate::cli::{
    LogAppendArgs, LogConsistencyArgs, LogDirArgs, LogGetArgs, LogInitArgs, LogProveArgs, LogVerifyConsistencyArgs,
    LogVerifyProofArgs,
};
use crate::{fsio, output};

/// The log's private key inside its directory.
const KEY_FILE: &str = "log.key";
/// The log's vkey inside its directory.
const VKEY_FILE: &str = "log.vkey";
/// The largest receipt, checkpoint or proof file read.
const MAX_NOTE_FILE: u64 = 1 << 20;

pub(crate) fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the async runtime")
}

/// The log's note signer: a key file or a token key, Ed25519.
fn note_signer(origin: &str, key: crate::keys::SharedSigner) -> Result<NoteSigner> {
    if key.algorithm() != lading_crypto::Algorithm::Ed25519 {
        bail!(
            "{}: a log key must be Ed25519 (C2SP checkpoints are signed with Ed25519); this key is {}",
            key.describe(),
            key.algorithm()
        );
    }
    crate::keys::note_signer(origin, KeyKind::Ed25519, key).with_context(|| format!("origin {origin:?}"))
}

/// An open log and its store (kept to flush published files on exit).
pub(crate) struct OpenLog {
    pub(crate) log: Log<SqliteStore>,
    pub(crate) store: SqliteStore,
    /// Its directory (witnesses and the cosigned checkpoint are kept there).
    pub(crate) dir: PathBuf,
}

impl OpenLog {
    pub(crate) async fn close(self) -> Result<()> {
        self.log.shutdown().await;
        self.store.flush().context("publishing the log's files")
    }
}

fn origin_of(dir: &Path) -> Result<String> {
    let vkey = fsio::read_text(&dir.join(VKEY_FILE), fsio::MAX_KEY_BYTES)
        .with_context(|| format!("{} is not a log directory (run `lading log init`)", dir.display()))?;
    Ok(NoteVerifier::from_vkey(vkey.trim())
        .with_context(|| format!("{}/{VKEY_FILE}", dir.display()))?
        .name()
        .to_owned())
}

pub(crate) async fn open_log(dir: &Path, config: BatchConfig) -> Result<OpenLog> {
    open_log_with(dir, config, true).await
}

/// A maintenance stream's log: no leaf index, every entry appended (the
/// stream deduplicates by event id, and its entries carry their sequence
/// numbers, so no two are alike).
pub(crate) async fn open_stream_log(dir: &Path, config: BatchConfig) -> Result<OpenLog> {
    open_log_with(dir, config, false).await
}

async fn open_log_with(dir: &Path, config: BatchConfig, leaf_index: bool) -> Result<OpenLog> {
    let origin = origin_of(dir)?;
    let key = crate::keys::signer(&dir.join(KEY_FILE))?;
    let signer = note_signer(&origin, key)?;
    let context = || format!("opening the log in {}", dir.display());
    let store = match if leaf_index { SqliteStore::open(dir) } else { SqliteStore::open_unindexed(dir) } {
        Ok(store) => store,
        Err(lading_log::StoreError::Locked(detail)) => bail!("{}", locked(dir, &detail)),
        Err(e) => return Err(e).with_context(context),
    };
    let log = if leaf_index {
        Log::open(store.clone(), signer, config).await
    } else {
        Log::open_appending_all(store.clone(), signer, config).await
    }
    .with_context(context)?;
    Ok(OpenLog { log, store, dir: dir.to_owned() })
}

/// What to say when another process holds the log: most often the
/// `lading serve` that serves it, which answers the same questions over HTTP.
fn locked(dir: &Path, detail: &str) -> String {
    let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "LOG".into());
    format!(
        "{detail}: the log is locked, most likely by a running `lading serve`. While it runs, ask it over \
         its HTTP API instead: GET /v1/logs/{name}/checkpoint (the latest checkpoint), \
         GET /v1/logs/{name}/receipts/INDEX (a receipt for entry INDEX), \
         GET /v1/logs/{name}/leaves/LEAF_HASH (find an entry by its leaf hash), \
         POST /v1/logs/{name}/entries (append; see docs/reference/http.md); or stop the server and run this again"
    )
}

/// Creates a log in `dir` (which may exist but must hold nothing the log
/// writes) signed by the Ed25519 key at `key`; returns its vkey.
pub(crate) fn create(dir: &Path, origin: &str, key: &Path) -> Result<String> {
    let loaded = crate::keys::load(key)?;
    let signer = note_signer(origin, loaded.signer)?;
    fsio::create_private_dir(dir)?;
    fsio::write_new(&dir.join(KEY_FILE), loaded.stored.as_bytes(), 0o600, false)?;
    let vkey = signer.verifier().to_vkey();
    fsio::write_new(&dir.join(VKEY_FILE), format!("{vkey}\n").as_bytes(), 0o644, false)?;
    let rt = runtime()?;
    rt.block_on(async { open_log(dir, BatchConfig::default()).await?.close().await })?;
    Ok(vkey)
}

pub(crate) fn init(args: &LogInitArgs, json_out: bool) -> Result<ExitCode> {
    let dir = &args.dir;
    if dir.exists() && std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))?.next().is_some() {
        bail!("{} exists and is not empty", dir.display());
    }
    let vkey = create(dir, &args.origin, &args.key)?;
    if json_out {
        output::json_line(&json!({ "ok": true, "dir": dir, "origin": args.origin, "vkey": vkey }))?;
    } else {
        output::line(&vkey)?;
    }
    Ok(ExitCode::SUCCESS)
}

fn progress(total: Option<u64>) -> indicatif::ProgressBar {
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = match total {
        Some(n) => indicatif::ProgressBar::new(n),
        None => indicatif::ProgressBar::new_spinner(),
    };
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} {pos} entries appended ({per_sec}) {wide_bar}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar
}

pub(crate) fn append(args: &LogAppendArgs, json_out: bool) -> Result<ExitCode> {
    if !args.lines && args.files.is_empty() {
        bail!("give FILEs to append, or --lines to read entries from stdin");
    }
    if args.batch == 0 {
        bail!("--batch must be at least 1");
    }
    let config = BatchConfig { max_batch: args.batch, max_wait: Duration::from_millis(args.max_wait_ms) };
    let rt = runtime()?;
    rt.block_on(async {
        // A malformed witnesses file is named before anything is appended.
        let witnesses = super::log_witness::witnesses(&args.dir)?;
        let open = open_log(&args.dir, config).await?;
        let result = if args.lines {
            append_lines(&open.log, args.batch, json_out).await
        } else {
            append_files(&open.log, &args.files, json_out).await
        };
        let result = match result {
            Ok(()) => open.cosign_with(&witnesses).await.map(drop),
            Err(e) => Err(e),
        };
        let closed = open.close().await;
        result.and(closed)
    })?;
    Ok(ExitCode::SUCCESS)
}

fn print_appended(out: &mut impl std::io::Write, json_out: bool, source: &str, a: lading_log::Appended) -> Result<()> {
    if json_out {
        serde_json::to_writer(&mut *out, &json!({ "source": source, "index": a.index, "duplicate": a.duplicate }))?;
        out.write_all(b"\n")?;
    } else if a.duplicate {
        writeln!(out, "{} (duplicate of an existing entry)", a.index)?;
    } else {
        writeln!(out, "{}", a.index)?;
    }
    Ok(())
}

async fn append_files(log: &Log<SqliteStore>, files: &[PathBuf], json_out: bool) -> Result<()> {
    let mut entries = Vec::with_capacity(files.len());
    for f in files {
        let bytes = fsio::read_limited(f, lading_tlog::tile::MAX_ENTRY_BYTES as u64)
            .with_context(|| format!("{} cannot be a log entry (entries are at most 65,535 bytes)", f.display()))?;
        entries.push(bytes);
    }
    let appended = log.append_many(entries).await?;
    let mut out = std::io::stdout().lock();
    for (f, a) in files.iter().zip(appended) {
        print_appended(&mut out, json_out, &f.display().to_string(), a)?;
    }
    out.flush()?;
    Ok(())
}

/// Reads stdin on a thread and appends whatever has arrived, up to a batch
/// at a time, printing each index as soon as its batch is durable.
async fn append_lines(log: &Log<SqliteStore>, batch: usize, json_out: bool) -> Result<()> {
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Result<(u64, Vec<u8>)>>(batch.max(1024) * 4);
    std::thread::spawn(move || {
        let mut stdin = std::io::stdin().lock();
        let mut line_no = 0u64;
        loop {
            let mut line = Vec::new();
            match stdin.read_until(b'\n', &mut line) {
                Ok(0) => return,
                Ok(_) => {
                    line_no += 1;
                    if line.last() == Some(&b'\n') {
                        line.pop();
                    }
                    let item = if line.len() > lading_tlog::tile::MAX_ENTRY_BYTES {
                        Err(anyhow!("stdin line {line_no} is {} bytes; entries are at most 65,535 bytes", line.len()))
                    } else {
                        Ok((line_no, line))
                    };
                    if tx.blocking_send(item).is_err() {
                        return;
                    }
                }
                Err(e) => {
                    let _ = tx.blocking_send(Err(anyhow!("reading stdin after line {line_no}: {e}")));
                    return;
                }
            }
        }
    });
    let bar = progress(None);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    while let Some(first) = rx.recv().await {
        let mut chunk = vec![first?];
        while chunk.len() < batch {
            match rx.try_recv() {
                Ok(item) => chunk.push(item?),
                Err(_) => break,
            }
        }
        let (lines, entries): (Vec<u64>, Vec<Vec<u8>>) = chunk.into_iter().unzip();
        let appended = log.append_many(entries).await?;
        for (line, a) in lines.iter().zip(appended) {
            print_appended(&mut out, json_out, &format!("line {line}"), a)?;
        }
        // Acknowledge promptly: these indices are durable now.
        out.flush()?;
        bar.inc(lines.len() as u64);
    }
    bar.finish_and_clear();
    Ok(())
}

pub(crate) fn checkpoint(args: &LogDirArgs, json_out: bool) -> Result<ExitCode> {
    let rt = runtime()?;
    let (size, text) = rt.block_on(async {
        let open = open_log(&args.dir, BatchConfig::default()).await?;
        let cp = open.log.checkpoint();
        open.close().await?;
        Ok::<_, anyhow::Error>(cp)
    })?;
    if json_out {
        output::json_line(&json!({ "ok": true, "size": size, "checkpoint": text }))?;
    } else {
        print!("{text}");
    }
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn prove(args: &LogProveArgs, json_out: bool) -> Result<ExitCode> {
    let rt = runtime()?;
    let receipt = rt.block_on(async {
        let open = open_log(&args.dir, BatchConfig::default()).await?;
        let receipt = open.prove_witnessed(args.index).await;
        open.close().await?;
        receipt
    })?;
    let text = receipt.to_text();
    match &args.out {
        Some(path) => {
            fsio::write_output(path, text.as_bytes())?;
            if json_out {
                output::json_line(&json!({ "ok": true, "index": args.index, "receipt": path }))?;
            }
        }
        None if json_out => output::json_line(&json!({ "ok": true, "index": args.index, "receipt": text }))?,
        None => print!("{text}"),
    }
    Ok(ExitCode::SUCCESS)
}

/// The entry's bytes, exactly, on stdout; under `--json` one object with the
/// bytes in base64 (and as text too when they are UTF-8).
pub(crate) fn get(args: &LogGetArgs, json_out: bool) -> Result<ExitCode> {
    let rt = runtime()?;
    let entry = rt.block_on(async {
        let open = open_log(&args.dir, BatchConfig::default()).await?;
        let entry = open.log.entry(args.index).await;
        open.close().await?;
        entry.with_context(|| format!("reading entry {}", args.index))
    })?;
    if json_out {
        use base64::Engine as _;
        let mut v = json!({
            "ok": true, "index": args.index, "size": entry.len(),
            "entry_base64": base64::engine::general_purpose::STANDARD.encode(&entry),
        });
        if let Ok(text) = std::str::from_utf8(&entry) {
            v["entry"] = json!(text);
        }
        output::json_line(&v)?;
        return Ok(ExitCode::SUCCESS);
    }
    std::io::stdout().lock().write_all(&entry)?;
    Ok(ExitCode::SUCCESS)
}

/// A vkey given inline or as a file.
pub(crate) fn read_vkey(arg: &str) -> Result<NoteVerifier> {
    let text =
        if Path::new(arg).is_file() { fsio::read_text(Path::new(arg), fsio::MAX_KEY_BYTES)? } else { arg.to_owned() };
    NoteVerifier::from_vkey(text.trim()).with_context(|| format!("--vkey {arg}"))
}

fn verdict(
    json_out: bool,
    ok: bool,
    what: &str,
    detail: serde_json::Value,
    reason: Option<String>,
) -> Result<ExitCode> {
    if json_out {
        let mut v = json!({ "ok": ok, "valid": ok });
        if let (Some(obj), Some(d)) = (v.as_object_mut(), detail.as_object()) {
            obj.extend(d.clone());
        }
        if let Some(r) = &reason {
            v["reason"] = json!(r);
        }
        output::json_line(&v)?;
    }
    match reason {
        None => {
            if !json_out {
                output::line(&format!("OK: {what}"))?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Some(r) => {
            eprintln!("FAIL: {r}");
            Ok(ExitCode::from(1))
        }
    }
}

pub(crate) fn verify_proof(args: &LogVerifyProofArgs, json_out: bool) -> Result<ExitCode> {
    let log_key = read_vkey(&args.vkey)?;
    let policy = match &args.policy {
        Some(path) => {
            let text = fsio::read_text(path, MAX_NOTE_FILE)?;
            let policy = Policy::parse(&text).with_context(|| format!("policy {}", path.display()))?;
            if !policy.logs().iter().any(|l| l == &log_key) {
                bail!("the policy {} does not list the log key {}", path.display(), log_key.to_vkey());
            }
            policy
        }
        None => Policy::single_log(log_key),
    };
    let text = fsio::read_text(&args.receipt, MAX_NOTE_FILE)?;
    let name = args.receipt.display().to_string();
    // The entries the receipt may be for: the one given, or the registry
    // entries an envelope can have (one per signer's key id).
    let candidates: Vec<(Vec<u8>, serde_json::Value)> = match (&args.entry, &args.envelope) {
        (Some(entry), _) => vec![(fsio::read_limited(entry, lading_tlog::tile::MAX_ENTRY_BYTES as u64)?, json!(null))],
        (None, Some(envelope)) => registry_leaves(envelope)?,
        (None, None) => bail!("give --entry or --envelope"),
    };
    let receipt = match Receipt::parse(&text) {
        Ok(r) => r,
        Err(e) => return verdict(json_out, false, "", json!({ "receipt": name }), Some(format!("{name}: {e}"))),
    };
    let mut result = Err(None);
    for (entry, leaf) in &candidates {
        match receipt.verify(&leaf_hash(entry), &policy) {
            Ok(cp) => {
                result = Ok((receipt.index, cp, leaf.clone()));
                break;
            }
            Err(e) => {
                if result.as_ref().is_err_and(Option::is_none) {
                    result = Err(Some(e));
                }
            }
        }
    }
    let result = result.map_err(|e| {
        let e = e.map(|e| e.to_string()).unwrap_or_default();
        match &args.envelope {
            Some(path) if candidates.len() > 1 || !e.is_empty() => format!(
                "{e} (tried the registry entries of {} for its {} signer key id(s))",
                path.display(),
                candidates.len()
            ),
            _ => e,
        }
    });
    match result {
        Ok((index, signed, leaf)) => {
            let cp = signed.checkpoint;
            let cosigners: Vec<&str> =
                signed.verified.iter().filter(|v| v.timestamp.is_some()).map(|v| v.name.as_str()).collect();
            verdict(
                json_out,
                true,
                &format!(
                    "{name}: entry {index} is included in {} at size {} (cosigned by {})",
                    cp.origin,
                    cp.size,
                    if cosigners.is_empty() { "no witness".into() } else { cosigners.join(", ") }
                ),
                json!({
                    "receipt": name, "index": index, "origin": cp.origin, "size": cp.size, "cosigners": cosigners,
                    "entry": leaf,
                }),
                None,
            )
        }
        Err(e) => verdict(json_out, false, "", json!({ "receipt": name }), Some(format!("{name}: {e}"))),
    }
}

/// The registry entries (`lading_crypto::registry_leaf`, what the server
/// logs for a submitted statement) a signed statement can have: one per
/// key id among its signatures, each with its fields for the report.
/// `path` holds the envelope exactly as submitted, a Sigstore bundle of it
/// (the envelope is rewritten as `lading sign` writes envelopes), a
/// certificate-bound Sigstore bundle (logged as it is, chain included), or
/// a `.lading` package holding an envelope.
fn registry_leaves(path: &Path) -> Result<Vec<(Vec<u8>, serde_json::Value)>> {
    let bytes = fsio::read_limited(path, lading_release::package::MAX_PACKAGE_BYTES)?;
    let name = path.display();
    // What was logged, and the envelope in it.
    let (envelope_bytes, envelope) = if bytes.starts_with(b"PK") {
        let package = lading_release::Package::from_zip(&bytes).with_context(|| format!("{name}"))?;
        let (_, member) = package.member("envelope").ok_or_else(|| anyhow!("{name}: the package holds no envelope"))?;
        let envelope = lading_crypto::Envelope::from_json_bytes(member).with_context(|| format!("{name}"))?;
        (member.to_vec(), envelope)
    } else {
        let value = lading_model::json::parse_strict(&bytes).with_context(|| format!("{name}"))?;
        let is_bundle = lading_pki::bundle::CertificateBundle::is_bundle(&value);
        match value.get("dsseEnvelope") {
            Some(_) if lading_pki::bundle::CertificateBundle::is_certificate_bound(&value) => {
                let bundle =
                    lading_pki::bundle::CertificateBundle::from_json(&value).with_context(|| format!("{name}"))?;
                (bytes, bundle.envelope)
            }
            Some(dsse) if is_bundle => {
                let envelope = lading_crypto::Envelope::from_json(dsse)
                    .with_context(|| format!("{name}: the bundle's dsseEnvelope"))?;
                (crate::cmd::sign::envelope_text(&envelope).into_bytes(), envelope)
            }
            _ => {
                let envelope = lading_crypto::Envelope::from_json_bytes(&bytes).with_context(|| format!("{name}"))?;
                (bytes, envelope)
            }
        }
    };
    if envelope.payload_type != lading_crypto::IN_TOTO_PAYLOAD_TYPE {
        bail!("{name}: payload type {:?} is not an in-toto statement", envelope.payload_type);
    }
    let statement = lading_model::json::parse_strict(&envelope.payload)
        .with_context(|| format!("{name}: the envelope's payload"))?;
    let kind =
        statement["predicateType"].as_str().ok_or_else(|| anyhow!("{name}: the statement has no predicateType"))?;
    let mut keyids: Vec<&str> =
        envelope.signatures.iter().map(|s| s.keyid.as_str()).filter(|k| !k.is_empty()).collect();
    keyids.dedup();
    if keyids.is_empty() {
        bail!("{name}: no signature names its key id, so the registry entry cannot be derived");
    }
    let digest = lading_model::Sha256Digest::of(&envelope_bytes).to_hex();
    Ok(keyids
        .into_iter()
        .map(|keyid| {
            let leaf = lading_crypto::registry_leaf(kind, &envelope_bytes, keyid);
            (leaf, json!({ "kind": kind, "envelope_sha256": digest, "keyid": keyid }))
        })
        .collect())
}

pub(crate) fn consistency(args: &LogConsistencyArgs, json_out: bool) -> Result<ExitCode> {
    let rt = runtime()?;
    let (to, proof) = rt.block_on(async {
        let open = open_log(&args.dir, BatchConfig::default()).await?;
        let to = args.to.unwrap_or(open.log.checkpoint().0);
        let proof = open.log.consistency(args.from, to).await;
        open.close().await?;
        Ok::<_, anyhow::Error>((to, proof.with_context(|| format!("proving consistency from {} to {to}", args.from))?))
    })?;
    if json_out {
        let hashes: Vec<String> = proof.iter().map(Hash::to_base64).collect();
        output::json_line(&json!({ "ok": true, "from": args.from, "to": to, "proof": hashes }))?;
    } else {
        let mut out = std::io::stdout().lock();
        for h in &proof {
            writeln!(out, "{}", h.to_base64())?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn verify_consistency(args: &LogVerifyConsistencyArgs, json_out: bool) -> Result<ExitCode> {
    let key = read_vkey(&args.vkey)?;
    let read_cp = |path: &Path| -> Result<std::result::Result<SignedCheckpoint, String>> {
        let text = fsio::read_text(path, MAX_NOTE_FILE)?;
        Ok(SignedCheckpoint::verify(text.as_bytes(), &key, &[]).map_err(|e| format!("{}: {e}", path.display())))
    };
    let proof_text = fsio::read_text(&args.proof, MAX_NOTE_FILE)?;
    let mut proof = Vec::new();
    for (i, line) in proof_text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        proof.push(Hash::from_base64(line.trim()).with_context(|| format!("{} line {}", args.proof.display(), i + 1))?);
    }
    let result = (|| {
        let old = read_cp(&args.old)?.map_err(anyhow::Error::msg)?;
        let new = read_cp(&args.new)?.map_err(anyhow::Error::msg)?;
        let (o, n) = (&old.checkpoint, &new.checkpoint);
        lading_tlog::verify_consistency(o.size, n.size, &proof, &o.root, &n.root)
            .map_err(|e| anyhow!("sizes {} → {}: {e}", o.size, n.size))?;
        Ok::<_, anyhow::Error>((o.size, n.size))
    })();
    match result {
        Ok((old, new)) => verdict(
            json_out,
            true,
            &format!("the checkpoint of size {new} is consistent with the one of size {old}"),
            json!({ "old_size": old, "new_size": new }),
            None,
        ),
        Err(e) => verdict(json_out, false, "", json!({}), Some(format!("{e:#}"))),
    }
}
