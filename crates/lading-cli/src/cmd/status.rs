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

fn write_list(path: &Path, value: &Value) -> Result<()> {
    fsio::write_output(path, (serde_json::to_string_pretty(value)? + "\n").as_bytes())
}

/// `LIST.indexes`: the ledger of the indexes handed out from the list at `list`.
pub(crate) fn ledger_path(list: &Path) -> PathBuf {
    let mut name = list.as_os_str().to_owned();
    name.push(".indexes");
    PathBuf::from(name)
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
    write_list(&args.out, &value)?;
    let list = StatusList::open(&value, now()).map_err(|e| anyhow!("{e}"))?;
    if json_out {
        output::json_line(&json!({
            "ok": true, "out": args.out, "id": list.id, "issuer": list.issuer, "purpose": list.purpose,
            "entries": list.bits.len(), "sequence_number": list.sequence,
        }))?;
    } else {
        output::line(&format!("{}: {} ({} entries)", args.out.display(), describe(&list), list.bits.len()))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes the next version of the list at `path` to `out`; returns it.
fn next_version(
    path: &Path,
    list: &StatusList,
    index: u64,
    value: bool,
    reason: &str,
    key: &Path,
    out: &Path,
) -> Result<StatusList> {
    let key = ed25519_key(key)?;
    let at = now().max(list.issued);
    let next = list
        .next_version(index, value, reason, &key, at)
        .with_context(|| format!("{}: cannot set index {index} to {}", path.display(), u8::from(value)))?;
    let opened = StatusList::open(&next, at).map_err(|e| anyhow!("{e}"))?;
    write_list(out, &next)?;
    let (from, to) = (ledger_path(path), ledger_path(out));
    if from != to && from.exists() && !to.exists() {
        std::fs::copy(&from, &to).with_context(|| format!("cannot copy {} to {}", from.display(), to.display()))?;
    }
    Ok(opened)
}

pub(crate) fn set(args: &StatusListSetArgs, json_out: bool) -> Result<ExitCode> {
    let list = open(&args.list, now())?;
    let next = next_version(&args.list, &list, args.index, args.value == 1, &args.reason, &args.key, &args.out)?;
    if json_out {
        output::json_line(&json!({
            "ok": true, "out": args.out, "id": next.id, "index": args.index, "value": args.value,
            "sequence_number": next.sequence, "issued": next.issued,
        }))?;
    } else {
        output::line(&format!("{}: index {} = {}; {}", args.out.display(), args.index, args.value, describe(&next)))?;
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
    let next = next_version(&args.status_list, &list, entry.index, bit, &args.reason, &args.key, out)?;
    let word = match what {
        Change::Revoke | Change::RevokeStatement => "revoked",
        Change::Suspend => "suspended",
        Change::Reinstate => "reinstated",
    };
    if json_out {
        output::json_line(&json!({
            "ok": true, "credential": shape.id, "status": word, "list": next.id, "index": entry.index,
            "out": out, "sequence_number": next.sequence, "at": next.issued,
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
}

/// Checks every credentialStatus entry of `credential` (issued by `issuer`)
/// against the lists in `paths` (verified at `at`; the newest version of
/// each list is used). An entry without a list given, or a list that does
/// not fit its entry, is an error.
pub(crate) fn check_entries(
    credential: &Value,
    issuer: &str,
    paths: &[PathBuf],
    at: DateTime<Utc>,
) -> Result<Vec<EntryStatus>> {
    let entries = status_list::entries(credential).context("credentialStatus")?;
    let mut lists: Vec<StatusList> = Vec::new();
    for p in paths {
        lists.push(open(p, at)?);
    }
    let mut out = Vec::new();
    for e in &entries {
        let list = lists
            .iter()
            .filter(|l| l.id == e.list)
            .max_by_key(|l| (l.sequence, l.issued))
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
        });
    }
    Ok(out)
}
