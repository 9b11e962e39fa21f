//! `lading status-list …`, `lading certify revoke|suspend|reinstate`,
//! `lading statement revoke`, the allocation of fresh indexes when a
//! credential is issued with status, and the status report of `lading
//! credential verify --status-list`, over `lading_trust::status_list`.
//!
//! Allocated indexes are recorded in an issuer-side ledger beside the list
//! file, `LIST.indexes` (JSON Lines: list URL, index, credential id, time),
//! appended under an exclusive file lock and fsynced before the credential
//! is written, so an index is never handed out twice. Indexes are drawn at
//! random (the Recommendation's herd privacy: an index says nothing about
//! when or in what order a credential was issued). The ledger is not
//! published; when `status-list set --out NEW` writes a new file, the
//! ledger is copied beside it unless NEW already has one.

use std::fs::OpenOptions;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, Result, anyhow, bail};
use chrono::{DateTime, Utc};
use lading_trust::status_list::{self, StatusEntry, StatusList, StatusPurpose};
use serde_json::{Value, json};

use crate::cli::{StatusChangeArgs, StatusListNewArgs, StatusListSetArgs, StatusListShowArgs};
use crate::cmd::trust::{ed25519_key, now};
use crate::{fsio, output};

/// Reads a list file as JSON.
fn read_value(path: &Path) -> Result<Value> {
    let bytes = fsio::read_limited(path, fsio::MAX_DOCUMENT_BYTES)?;
    lading_model::json::parse_strict(&bytes).with_context(|| format!("{} is not acceptable JSON", path.display()))
}

/// Reads and verifies a status list at `at`.
pub(crate) fn open(path: &Path, at: DateTime<Utc>) -> Result<StatusList> {
    let value = read_value(path)?;
    StatusList::open(&value, at).with_context(|| format!("{} is not a valid status list", path.display()))
}

/// `LIST.tlog-proof`: the receipt of the version in `LIST`, written by `--log`.
pub(crate) fn receipt_path(list: &Path) -> PathBuf {
    fsio::with_suffix(list, ".tlog-proof")
}

/// Where a version was logged.
#[derive(Debug, serde::Serialize)]
pub(crate) struct Logged {
    /// The entry's index in the log.
    index: u64,
    /// The receipt file written beside the list.
    receipt: PathBuf,
}

/// Writes a signed version of a list issued by `issuer` to `path`. With
/// `log`, the exact bytes are first appended to that log (as a
/// `urn:lading:status-list:v1` registry entry) and the receipt is written
/// to `PATH.tlog-proof`: a version is never published before it is logged.
/// Without, a receipt left beside `path` (of an older version) is removed.
fn write_list(path: &Path, value: &Value, issuer: &str, log: Option<&Path>) -> Result<Option<Logged>> {
    let bytes = (serde_json::to_string_pretty(value)? + "\n").into_bytes();
    let receipt = receipt_path(path);
    let Some(dir) = log else {
        fsio::write_output(path, &bytes)?;
        match std::fs::remove_file(&receipt) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(e).with_context(|| format!("cannot remove the stale receipt {}", receipt.display()));
            }
            _ => {}
        }
        return Ok(None);
    };
    let leaf = lading_trust::verify::status_list_leaf(&bytes, issuer).map_err(|e| anyhow!("{issuer}: {e}"))?;
    let (index, proof) = crate::cmd::log::runtime()?.block_on(async {
        let open = crate::cmd::log::open_log(dir, lading_log::BatchConfig::default()).await?;
        let result = async {
            let landed = open.append_witnessed(vec![leaf]).await?;
            let (index, receipt) = landed.into_iter().next().context("the log appended nothing")?;
            Ok::<_, anyhow::Error>((index, receipt.to_text()))
        }
        .await;
        let closed = open.close().await;
        let r = result.with_context(|| format!("cannot log the new version in {}", dir.display()))?;
        closed?;
        Ok::<_, anyhow::Error>(r)
    })?;
    fsio::write_output(path, &bytes)?;
    fsio::write_output(&receipt, proof.as_bytes())?;
    Ok(Some(Logged { index, receipt }))
}

/// `LIST.indexes`: the ledger of the indexes handed out from the list at `list`.
pub(crate) fn ledger_path(list: &Path) -> PathBuf {
    fsio::with_suffix(list, ".indexes")
}

fn describe(list: &StatusList) -> String {
    format!(
        "{} list {} of {}, version {}, issued {}",
        list.purpose,
        list.id,
        list.issuer,
        list.sequence.map_or_else(|| "unnumbered".to_owned(), |s| s.to_string()),
        list.issued.to_rfc3339()
    )
}

pub(crate) fn new(args: &StatusListNewArgs, json_out: bool) -> Result<ExitCode> {
    let key = ed25519_key(&args.key)?;
    let purpose: StatusPurpose = args.purpose.parse().map_err(|e: String| anyhow!("--purpose: {e}"))?;
    let value = status_list::new_list(&args.url, purpose, args.size, &key, now()).map_err(|e| anyhow!("{e}"))?;
    let list = StatusList::open(&value, now()).map_err(|e| anyhow!("{e}"))?;
    let logged = write_list(&args.out, &value, &list.issuer, args.log.as_deref())?;
    if json_out {
        output::json_line(&json!({
            "ok": true, "out": args.out, "id": list.id, "issuer": list.issuer, "purpose": list.purpose,
            "entries": list.bits.len(), "sequence_number": list.sequence, "logged": logged,
        }))?;
    } else {
        output::line(&format!("{}: {} ({} entries)", args.out.display(), describe(&list), list.bits.len()))?;
        say_logged(logged.as_ref())?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Says where a version was logged.
fn say_logged(logged: Option<&Logged>) -> Result<()> {
    match logged {
        Some(l) => output::line(&format!("logged at index {}; receipt {}", l.index, l.receipt.display())),
        None => Ok(()),
    }
}

/// Writes the next version of the list at `path` to `out` (logged first
/// when `log`); returns it.
#[allow(clippy::too_many_arguments)]
fn next_version(
    path: &Path,
    list: &StatusList,
    index: u64,
    value: bool,
    reason: &str,
    key: &Path,
    out: &Path,
    log: Option<&Path>,
) -> Result<(StatusList, Option<Logged>)> {
    let key = ed25519_key(key)?;
    let at = now().max(list.issued);
    let next = list
        .next_version(index, value, reason, &key, at)
        .with_context(|| format!("{}: cannot set index {index} to {}", path.display(), u8::from(value)))?;
    let opened = StatusList::open(&next, at).map_err(|e| anyhow!("{e}"))?;
    let logged = write_list(out, &next, &opened.issuer, log)?;
    let (from, to) = (ledger_path(path), ledger_path(out));
    if from != to && from.exists() && !to.exists() {
        std::fs::copy(&from, &to).with_context(|| format!("cannot copy {} to {}", from.display(), to.display()))?;
    }
    Ok((opened, logged))
}

pub(crate) fn set(args: &StatusListSetArgs, json_out: bool) -> Result<ExitCode> {
    let list = open(&args.list, now())?;
    let (next, logged) = next_version(
        &args.list,
        &list,
        args.index,
        args.value == 1,
        &args.reason,
        &args.key,
        &args.out,
        args.log.as_deref(),
    )?;
    if json_out {
        output::json_line(&json!({
            "ok": true, "out": args.out, "id": next.id, "index": args.index, "value": args.value,
            "sequence_number": next.sequence, "issued": next.issued, "logged": logged,
        }))?;
    } else {
        output::line(&format!("{}: index {} = {}; {}", args.out.display(), args.index, args.value, describe(&next)))?;
        say_logged(logged.as_ref())?;
    }
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn show(args: &StatusListShowArgs, json_out: bool) -> Result<ExitCode> {
    let at = now();
    let list = open(&args.list, at)?;
    let age = (at - list.issued).num_seconds();
    let entry = args
        .index
        .map(|i| {
            let value = list.get(i).with_context(|| args.list.display().to_string())?;
            let changes: Vec<_> = list.history.iter().flatten().filter(|c| c.index == i).cloned().collect();
            Ok::<_, anyhow::Error>((i, value, changes))
        })
        .transpose()?;
    if json_out {
        let mut out = json!({
            "ok": true, "id": list.id, "issuer": list.issuer, "purpose": list.purpose, "entries": list.bits.len(),
            "set": list.bits.count_set(), "sequence_number": list.sequence, "issued": list.issued,
            "valid_until": list.valid_until, "age_seconds": age,
        });
        if let Some((index, value, changes)) = &entry {
            out["index"] = json!({ "index": index, "value": u8::from(*value), "changes": changes });
        }
        output::json_line(&out)?;
    } else {
        output::line(&format!(
            "{} ({} entries, {} set; {age} s old)",
            describe(&list),
            list.bits.len(),
            list.bits.count_set()
        ))?;
        if let Some((index, value, changes)) = &entry {
            output::line(&format!("index {index}: {}", if *value { list.purpose.set_word() } else { "clear" }))?;
            for c in changes {
                output::line(&format!("  {} set to {}: {}", c.at.to_rfc3339(), u8::from(c.value), c.reason))?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A fresh index of the `purpose` list at `path` for the credential
/// `credential_id` issued by `issuer`, recorded in the list's ledger before
/// it is returned. Refuses a list of another purpose or issuer.
pub(crate) fn allocate(path: &Path, purpose: StatusPurpose, issuer: &str, credential_id: &str) -> Result<StatusEntry> {
    let list = open(path, now())?;
    if list.purpose != purpose {
        bail!("{} is a {} list; a {purpose} list is needed here", path.display(), list.purpose);
    }
    if list.issuer != issuer {
        bail!(
            "{} is issued by {}, not by the credential's issuer {issuer} (whose key was given)",
            path.display(),
            list.issuer
        );
    }
    let ledger = ledger_path(path);
    let mut file = OpenOptions::new()
        .read(true)
        .append(true)
        .create(true)
        .open(&ledger)
        .with_context(|| format!("cannot open the index ledger {}", ledger.display()))?;
    file.lock().with_context(|| format!("cannot lock {}", ledger.display()))?;
    let text = std::fs::read_to_string(&ledger).with_context(|| format!("cannot read {}", ledger.display()))?;
    let mut used = std::collections::HashSet::new();
    for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let v: Value =
            serde_json::from_str(line).with_context(|| format!("{} line {}: not JSON", ledger.display(), n + 1))?;
        if v["list"].as_str() != Some(list.id.as_str()) {
            bail!("{} line {}: an index of another list ({}), not of {}", ledger.display(), n + 1, v["list"], list.id);
        }
        let index = v["index"].as_u64().ok_or_else(|| anyhow!("{} line {}: no index", ledger.display(), n + 1))?;
        used.insert(index);
    }
    used.extend(list.bits.set_indexes());
    used.extend(list.history.iter().flatten().map(|c| c.index));
    let entries = list.bits.len();
    if used.len() as u64 >= entries {
        bail!("{}: every one of its {entries} indexes is taken; start a new list", path.display());
    }
    let index = loop {
        let mut b = [0u8; 8];
        getrandom::fill(&mut b).map_err(|e| anyhow!("no randomness for a status index: {e}"))?;
        let candidate = u64::from_le_bytes(b) % entries;
        if !used.contains(&candidate) {
            break candidate;
        }
    };
    let record = json!({ "list": list.id, "index": index, "credential": credential_id, "at": now() });
    file.write_all(format!("{record}\n").as_bytes())
        .and_then(|()| file.sync_all())
        .with_context(|| format!("cannot record index {index} in {}", ledger.display()))?;
    Ok(StatusEntry::new(&list.id, list.purpose, index))
}

/// What `certify revoke|suspend|reinstate` and `statement revoke` do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Change {
    /// A certificate's revocation bit set.
    Revoke,
    /// A certificate's suspension bit set.
    Suspend,
    /// A certificate's suspension bit cleared.
    Reinstate,
    /// A statement's revocation bit set.
    RevokeStatement,
}

pub(crate) fn change(args: &StatusChangeArgs, what: Change, json_out: bool) -> Result<ExitCode> {
    use lading_trust::verify::{CERTIFICATE_TYPE, STATEMENT_CREDENTIAL_TYPE};
    let name = args.credential.display().to_string();
    let value = read_value(&args.credential)?;
    let shape = lading_trust::credential::shape(&value).with_context(|| name.clone())?;
    let (kind, purpose, bit) = match what {
        Change::Revoke => (CERTIFICATE_TYPE, StatusPurpose::Revocation, true),
        Change::Suspend => (CERTIFICATE_TYPE, StatusPurpose::Suspension, true),
        Change::Reinstate => (CERTIFICATE_TYPE, StatusPurpose::Suspension, false),
        Change::RevokeStatement => (STATEMENT_CREDENTIAL_TYPE, StatusPurpose::Revocation, true),
    };
    if !shape.types.iter().any(|t| t == kind) {
        bail!("{name} is not a {kind}");
    }
    let entries = status_list::entries(&value).with_context(|| name.clone())?;
    let entry = entries.iter().find(|e| e.purpose == purpose).ok_or_else(|| {
        anyhow!("{name} has no {purpose} entry in its credentialStatus (it was issued without a {purpose} list)")
    })?;
    let list = open(&args.status_list, now())?;
    list.check(entry, &shape.issuer).with_context(|| format!("{name} against {}", args.status_list.display()))?;
    let out = args.out.as_deref().unwrap_or(&args.status_list);
    let (next, logged) =
        next_version(&args.status_list, &list, entry.index, bit, &args.reason, &args.key, out, args.log.as_deref())?;
    let word = match what {
        Change::Revoke | Change::RevokeStatement => "revoked",
        Change::Suspend => "suspended",
        Change::Reinstate => "reinstated",
    };
    if json_out {
        output::json_line(&json!({
            "ok": true, "credential": shape.id, "status": word, "list": next.id, "index": entry.index,
            "out": out, "sequence_number": next.sequence, "at": next.issued, "logged": logged,
        }))?;
    } else {
        output::line(&format!(
            "{name} {word} at {} (index {} of {}, version {} written to {})",
            next.issued.to_rfc3339(),
            entry.index,
            next.id,
            next.sequence.unwrap_or(0),
            out.display()
        ))?;
        say_logged(logged.as_ref())?;
    }
    Ok(ExitCode::SUCCESS)
}

/// One credentialStatus entry checked against a list given on the command line.
#[derive(Debug, Clone, serde::Serialize)]
pub(crate) struct EntryStatus {
    /// The entry's purpose.
    pub(crate) purpose: StatusPurpose,
    /// Its index.
    pub(crate) index: u64,
    /// The list's URL.
    pub(crate) list: String,
    /// `valid`, `revoked` or `suspended`.
    pub(crate) status: &'static str,
    /// The list's issuer.
    pub(crate) list_issuer: String,
    /// The list's version.
    pub(crate) version: Option<u64>,
    /// When the list was issued.
    pub(crate) issued: DateTime<Utc>,
    /// How old the list is, in seconds.
    pub(crate) age_seconds: i64,
    /// When the entry was set, as the list records it.
    pub(crate) since: Option<DateTime<Utc>>,
    /// Why, as the list records it.
    pub(crate) reason: Option<String>,
    /// Where the list came from: `file`, `fetched`, `revalidated` (304) or `cached`.
    pub(crate) source: &'static str,
}

/// Where status lists fetched online are kept, and for how long by default.
pub(crate) struct Online {
    /// The cache directory.
    pub(crate) cache: PathBuf,
}

/// The largest status list fetched (a 16 MiB bitstring of random bits, GZIP and base64, fits).
const MAX_FETCHED_LIST_BYTES: usize = 32 << 20;
/// How long a fetched list is used without asking again when the server gives no max-age.
const DEFAULT_CACHE_SECONDS: u64 = 300;
/// The longest a fetched list is used without asking again, whatever the server says.
const MAX_CACHE_SECONDS: u64 = 86_400;

impl Online {
    /// `--cache DIR`, else `$XDG_CACHE_HOME/lading/status-lists`, else `~/.cache/lading/status-lists`.
    pub(crate) fn new(cache: Option<&Path>) -> Result<Self> {
        let cache = match cache {
            Some(c) => c.to_path_buf(),
            None => std::env::var_os("XDG_CACHE_HOME")
                .map(PathBuf::from)
                .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
                .ok_or_else(|| anyhow!("no cache directory: give --cache DIR"))?
                .join("lading/status-lists"),
        };
        Ok(Self { cache })
    }

    /// The list at `url`: from the cache while it is fresh, else fetched
    /// (revalidated with its ETag when cached), verified at `at`, and cached.
    fn list(&self, url: &str, at: DateTime<Utc>) -> Result<(StatusList, &'static str)> {
        let key = lading_model::Sha256Digest::of(url.as_bytes()).to_hex();
        let (body_path, meta_path) =
            (self.cache.join(format!("{key}.json")), self.cache.join(format!("{key}.meta.json")));
        let meta: Option<Value> = std::fs::read(&meta_path).ok().and_then(|b| serde_json::from_slice(&b).ok());
        let meta = meta.filter(|m| m["url"] == url);
        let cached = meta.as_ref().and_then(|_| read_value(&body_path).ok());
        let now_secs = u64::try_from(Utc::now().timestamp()).unwrap_or(0);
        if let (Some(m), Some(v)) = (&meta, &cached) {
            let fresh = m["fetched_at"].as_u64().zip(m["max_age"].as_u64()).is_some_and(|(t, a)| now_secs < t + a);
            if fresh {
                let list = StatusList::open(v, at).with_context(|| format!("the cached copy of {url}"))?;
                return Ok((list, "cached"));
            }
        }
        let etag = cached.as_ref().and(meta.as_ref()).and_then(|m| m["etag"].as_str().map(str::to_owned));
        let fetched = crate::cmd::log::runtime()?.block_on(lading_server::status::fetch(
            url,
            etag.as_deref(),
            MAX_FETCHED_LIST_BYTES,
            std::time::Duration::from_secs(30),
        ))?;
        let max_age = fetched.max_age.unwrap_or(DEFAULT_CACHE_SECONDS).min(MAX_CACHE_SECONDS);
        let (value, source) = match (fetched.bytes, cached) {
            (Some(bytes), _) => {
                let value = lading_model::json::parse_strict(&bytes)
                    .with_context(|| format!("{url} did not answer with acceptable JSON"))?;
                std::fs::create_dir_all(&self.cache)
                    .with_context(|| format!("cannot create {}", self.cache.display()))?;
                fsio::write_output(&body_path, &bytes)?;
                (value, "fetched")
            }
            (None, Some(v)) => (v, "revalidated"),
            (None, None) => bail!("{url} answered 304 Not Modified to a request that had no cached copy"),
        };
        let list = StatusList::open(&value, at).with_context(|| format!("the status list fetched from {url}"))?;
        if list.id != url {
            bail!("{url} answered with the status list {}, not the one at that URL", list.id);
        }
        let meta = json!({ "url": url, "fetched_at": now_secs, "max_age": max_age, "etag": fetched.etag });
        fsio::write_output(&meta_path, meta.to_string().as_bytes())?;
        Ok((list, source))
    }
}

/// Checks every credentialStatus entry of `credential` (issued by `issuer`)
/// against the lists in `paths` (verified at `at`; the newest version of
/// each list is used), fetching a list no file gives when `online`. An
/// entry without a list, or a list that does not fit its entry, is an error.
pub(crate) fn check_entries(
    credential: &Value,
    issuer: &str,
    paths: &[PathBuf],
    online: Option<&Online>,
    at: DateTime<Utc>,
) -> Result<Vec<EntryStatus>> {
    let entries = status_list::entries(credential).context("credentialStatus")?;
    let mut lists: Vec<(StatusList, &'static str)> = Vec::new();
    for p in paths {
        lists.push((open(p, at)?, "file"));
    }
    let mut out = Vec::new();
    for e in &entries {
        if let Some(o) = online
            && !lists.iter().any(|(l, _)| l.id == e.list)
        {
            lists.push(o.list(&e.list, at)?);
        }
        let (list, source) =
            lists
                .iter()
                .filter(|(l, _)| l.id == e.list)
                .max_by_key(|(l, _)| (l.sequence, l.issued))
                .ok_or_else(|| anyhow!("no --status-list given is {} (the credential's {} list)", e.list, e.purpose))?;
        let set = list.check(e, issuer).with_context(|| format!("the {} entry (index {})", e.purpose, e.index))?;
        let change = list.last_change(e.index).filter(|_| set);
        out.push(EntryStatus {
            purpose: e.purpose,
            index: e.index,
            list: list.id.clone(),
            status: if set { e.purpose.set_word() } else { "valid" },
            list_issuer: list.issuer.clone(),
            version: list.sequence,
            issued: list.issued,
            age_seconds: (at - list.issued).num_seconds(),
            since: change.map(|c| c.at),
            reason: change.map(|c| c.reason.clone()),
            source,
        });
    }
    Ok(out)
}

/// The status lists `lading serve --status-list` publishes: files re-read
/// on every request, each served only while it is still a valid list with
/// the same `id` and a version not older than one already served (a file
/// rolled back to an old version is refused, not published).
pub(crate) struct PublishedLists {
    /// URL path → (file, highest sequence number served).
    lists: std::collections::BTreeMap<String, (PathBuf, std::sync::Mutex<Option<u64>>)>,
}

/// The path of a URL (`https://host/a/b` → `/a/b`).
fn url_path(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    rest.find('/').map(|i| &rest[i..]).map(|p| p.split(['?', '#']).next().unwrap_or(p))
}

impl PublishedLists {
    /// Opens every list; refuses one whose URL path is not under `/status/`, or two at one path.
    pub(crate) fn open(paths: &[PathBuf]) -> Result<Self> {
        let mut lists: std::collections::BTreeMap<String, (PathBuf, std::sync::Mutex<Option<u64>>)> =
            std::collections::BTreeMap::new();
        for file in paths {
            let list = open(file, now())?;
            let path = url_path(&list.id)
                .filter(|p| p.starts_with("/status/") && p.len() > "/status/".len())
                .ok_or_else(|| {
                    anyhow!(
                        "{}: its URL {} has no path under /status/, where lading serve publishes status lists",
                        file.display(),
                        list.id
                    )
                })?
                .to_owned();
            if let Some((other, _)) = lists.get(&path) {
                bail!("{} and {} are both published at {path}", other.display(), file.display());
            }
            lists.insert(path, (file.clone(), std::sync::Mutex::new(list.sequence)));
        }
        Ok(Self { lists })
    }
}

impl lading_server::status::StatusListSource for PublishedLists {
    fn paths(&self) -> Vec<String> {
        self.lists.keys().cloned().collect()
    }

    fn current(&self, path: &str) -> Result<Vec<u8>, String> {
        let (file, served) = self.lists.get(path).ok_or("not published here")?;
        let bytes = fsio::read_limited(file, fsio::MAX_DOCUMENT_BYTES).map_err(|e| format!("{e:#}"))?;
        let value = lading_model::json::parse_strict(&bytes).map_err(|e| e.to_string())?;
        let list = StatusList::open(&value, now()).map_err(|e| e.to_string())?;
        if url_path(&list.id) != Some(path) {
            return Err(format!("the file now holds the list {}", list.id));
        }
        let mut highest = served.lock().map_err(|e| e.to_string())?;
        if list.sequence < *highest {
            return Err(format!(
                "the file holds version {:?}, older than version {:?} already published",
                list.sequence, *highest
            ));
        }
        *highest = list.sequence;
        Ok(bytes)
    }
}
