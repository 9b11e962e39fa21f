//! Witnesses of a local log (`lading log add-witness`, `lading log witness`):
//! after an append through the CLI, the log's configured C2SP witnesses are
//! asked to cosign the new checkpoint, as `lading serve` does for its logs,
//! and receipts are written under the cosigned note, so a provider's embedded
//! log gives witnessed time too.
//!
//! In the log directory: `witnesses` (one `URL VKEY` line per witness, what
//! `log add-witness` wrote) and `checkpoint.cosigned` (the latest checkpoint
//! note with the cosignatures that verified; receipts for the entries it
//! covers are proved under it).

use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context as _, Result, bail};
use lading_server::{WitnessClient, Witnessed};
use lading_tlog::{Checkpoint, KeyKind, Note, NoteVerifier, Receipt};
use serde_json::json;

use super::log::{OpenLog, open_log, runtime};
use crate::cli::{LogAddWitnessArgs, LogDirArgs};
use crate::{fsio, output};

/// The witnesses a local log asks, one `URL VKEY` line each.
const WITNESSES_FILE: &str = "witnesses";
/// The latest cosigned checkpoint note.
const COSIGNED_FILE: &str = "checkpoint.cosigned";
/// How long one witness may take to answer.
const WITNESS_TIMEOUT: Duration = Duration::from_secs(10);

/// The witnesses configured for the log in `dir` (none when the file is absent).
pub(super) fn witnesses(dir: &Path) -> Result<Vec<WitnessClient>> {
    let path = dir.join(WITNESSES_FILE);
    if !path.exists() {
        return Ok(Vec::new());
    }
    let text = fsio::read_text(&path, fsio::MAX_KEY_BYTES)?;
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let at = || format!("{} line {}", path.display(), n + 1);
        let mut fields = line.split_whitespace();
        let (Some(url), Some(vkey), None) = (fields.next(), fields.next(), fields.next()) else {
            bail!("{}: expected `URL VKEY`", at());
        };
        out.push(witness_client(url, vkey).with_context(at)?);
    }
    Ok(out)
}

fn witness_client(url: &str, vkey: &str) -> Result<WitnessClient> {
    let verifier = NoteVerifier::from_vkey(vkey.trim()).context("the witness vkey")?;
    if verifier.kind() != KeyKind::Cosignature {
        bail!("the witness vkey must be a cosignature (type 0x04) vkey, as `lading witness show` prints");
    }
    if !url.starts_with("http://") && !url.starts_with("https://") {
        bail!("the witness URL must be an http:// or https:// submission prefix (it serves URL/add-checkpoint)");
    }
    Ok(WitnessClient { url: url.trim_end_matches('/').to_owned(), verifier })
}

/// `lading log add-witness DIR --url URL --vkey VKEY`.
pub(crate) fn add_witness(args: &LogAddWitnessArgs, json_out: bool) -> Result<ExitCode> {
    let witness = witness_client(&args.url, &args.vkey)?;
    // The directory must be a log (its vkey readable) and the file well formed before it grows.
    runtime()?.block_on(async { open_log(&args.dir, lading_log::BatchConfig::default()).await?.close().await })?;
    let mut known = witnesses(&args.dir)?;
    if known.iter().any(|w| w.verifier.to_vkey() == witness.verifier.to_vkey()) {
        bail!("{} already asks the witness {}", args.dir.display(), witness.verifier.name());
    }
    known.push(witness);
    let text: String = known.iter().map(|w| format!("{} {}\n", w.url, w.verifier.to_vkey())).collect();
    fsio::write_output(&args.dir.join(WITNESSES_FILE), text.as_bytes())?;
    let name = known.last().map(|w| w.verifier.name().to_owned()).unwrap_or_default();
    if json_out {
        output::json_line(&json!({ "ok": true, "dir": args.dir, "witness": name, "url": args.url }))?;
    } else {
        output::line(&format!(
            "{} will ask {name} ({}) to cosign its checkpoint after every append",
            args.dir.display(),
            args.url
        ))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// `lading log witness DIR`: ask the witnesses now (after an outage, or for
/// entries appended before they were added).
pub(crate) fn witness_now(args: &LogDirArgs, json_out: bool) -> Result<ExitCode> {
    let witnessed = runtime()?.block_on(async {
        let open = open_log(&args.dir, lading_log::BatchConfig::default()).await?;
        let result = open.cosign().await;
        let closed = open.close().await;
        let w = result?;
        closed?;
        Ok::<_, anyhow::Error>(w)
    })?;
    let Some(w) = witnessed else {
        bail!("{} has no witnesses (add one with `lading log add-witness`)", args.dir.display());
    };
    if json_out {
        output::json_line(&json!({ "ok": true, "size": w.checkpoint.size, "cosigners": w.cosigners }))?;
    } else {
        output::line(&format!("checkpoint of size {} cosigned by {} witness(es)", w.checkpoint.size, w.cosigners))?;
    }
    Ok(ExitCode::SUCCESS)
}

impl OpenLog {
    /// Asks the log's witnesses to cosign its latest checkpoint and keeps the
    /// cosigned note; `None` when the log has no witnesses. An error when no
    /// witness cosigned (each named); a warning on stderr for each that did
    /// not when others did.
    pub(crate) async fn cosign(&self) -> Result<Option<Witnessed>> {
        self.cosign_with(&witnesses(&self.dir)?).await
    }

    /// [`Self::cosign`] with the witnesses already read.
    pub(crate) async fn cosign_with(&self, witnesses: &[WitnessClient]) -> Result<Option<Witnessed>> {
        if witnesses.is_empty() {
            return Ok(None);
        }
        let client = lading_server::http_client::builder()
            .timeout(WITNESS_TIMEOUT)
            .build()
            .context("building the HTTP client")?;
        let mut known = vec![0; witnesses.len()];
        let (witnessed, errors) = lading_server::cosign_latest(&client, &self.log, witnesses, &mut known).await;
        let Some(w) = witnessed else {
            bail!(
                "no witness cosigned the checkpoint of size {} ({}); the entries are logged, \
                 run `lading log witness {}` when a witness answers",
                self.log.checkpoint().0,
                errors.join("; "),
                self.dir.display()
            );
        };
        for e in &errors {
            eprintln!("warning: a witness did not cosign: {e}");
        }
        fsio::write_output(&self.dir.join(COSIGNED_FILE), w.note.as_bytes())?;
        Ok(Some(w))
    }

    /// A receipt for entry `index`: under the latest cosigned checkpoint when
    /// it covers the entry, else under the latest checkpoint. A cosigned note
    /// that cannot be used (unreadable, or not of this log's tree: the proof
    /// under it is checked against the tiles) is said on stderr and passed
    /// over — the receipt is then unwitnessed, never wrong.
    pub(crate) async fn prove_witnessed(&self, index: u64) -> Result<Receipt> {
        let cosigned = self.cosigned();
        self.prove_under_cosigned(index, cosigned.as_ref()).await
    }

    /// The kept cosigned checkpoint and its note, if there is a usable one
    /// (one that does not parse is said on stderr and passed over).
    fn cosigned(&self) -> Option<(Checkpoint, String)> {
        let path = self.dir.join(COSIGNED_FILE);
        if !path.exists() {
            return None;
        }
        let read = fsio::read_text(&path, fsio::MAX_KEY_BYTES).and_then(|note| {
            let n = Note::parse(note.as_bytes()).ok().context("not a checkpoint note")?;
            let checkpoint = Checkpoint::parse_text(&n.text).ok().context("not a checkpoint note")?;
            Ok((checkpoint, note))
        });
        read.map_err(|e| self.passed_over(&e)).ok()
    }

    fn passed_over(&self, e: &anyhow::Error) {
        eprintln!(
            "warning: {} cannot be used ({e:#}); receipts are proved under the latest checkpoint, \
             without cosignatures (`lading log witness {}` asks again)",
            self.dir.join(COSIGNED_FILE).display(),
            self.dir.display()
        );
    }

    /// A receipt for `index` under `cosigned` when it covers the entry and
    /// the proof under it holds against the tiles, else under the latest.
    async fn prove_under_cosigned(&self, index: u64, cosigned: Option<&(Checkpoint, String)>) -> Result<Receipt> {
        if let Some((checkpoint, note)) = cosigned.filter(|(c, _)| index < c.size) {
            match self.log.prove_under(index, checkpoint, note.clone()).await {
                Ok(receipt) => return Ok(receipt),
                Err(e) => self.passed_over(&e.into()),
            }
        }
        self.log.prove(index).await.with_context(|| format!("proving entry {index}"))
    }

    /// Appends `entries` (an entry already logged keeps its index), asks the
    /// witnesses to cosign, and returns a receipt for each, under the
    /// checkpoint they cosigned.
    pub(crate) async fn append_witnessed(&self, entries: Vec<Vec<u8>>) -> Result<Vec<(u64, Receipt)>> {
        // Read (and a malformed file named) before anything is appended.
        let witnesses = witnesses(&self.dir)?;
        let landed = self.log.append_many(entries).await?;
        let cosigned = match self.cosign_with(&witnesses).await? {
            Some(w) => Some((w.checkpoint, w.note)),
            None => self.cosigned(),
        };
        let mut out = Vec::with_capacity(landed.len());
        for a in landed {
            out.push((a.index, self.prove_under_cosigned(a.index, cosigned.as_ref()).await?));
        }
        Ok(out)
    }
}
