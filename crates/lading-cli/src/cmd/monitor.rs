//! `lading monitor`: follows a C2SP tlog-tiles log (Lading's or any other).
//!
//! Each round fetches the checkpoint and verifies it (log signature, and the
//! witness quorum of `--policy`), downloads the hash tiles holding the last
//! kept checkpoint's tree and the watched leaves, checks every tile against
//! the new root (`lading_tlog::audit`), and reads the old root out of them:
//! equal means the old tree is a prefix of the new one. A log that shrank,
//! or whose tiles hold another history, is reported with both checkpoints,
//! which are also saved under `STATE/evidence/`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context as _, Result, bail};
use lading_tlog::{
    Hash, HashReader as _, NoteVerifier, Policy, SignedCheckpoint, TileId, TileKind, tiles_with_ancestors, tree_hash,
    tree_hash_nodes, verify_tiles,
};
use serde_json::{Value, json};

use super::http_client::Client;
use crate::cli::MonitorArgs;
use crate::{fsio, output};

/// The file in the state directory holding the last verified checkpoint.
const STATE_FILE: &str = "checkpoint";
/// The largest checkpoint read.
const MAX_CHECKPOINT: usize = 1 << 20;
/// Rounds restarted because the log grew while its tiles were read.
const RACE_RETRIES: u32 = 3;

/// What a round found wrong: the log's own data contradicts itself or its past.
struct Problem {
    /// `signature`, `shrank`, `forked`, `tiles`, `watch`.
    kind: &'static str,
    detail: String,
    /// The kept checkpoint, when it is part of the evidence.
    old: Option<String>,
    /// The checkpoint just served.
    new: String,
}

struct Good {
    origin: String,
    size: u64,
    root: Hash,
    old_size: Option<u64>,
    tiles: usize,
    watched: usize,
    cosigners: Vec<String>,
}

/// One watched entry: index and leaf hash.
type Watched = (u64, Hash);

pub(crate) fn run(args: &MonitorArgs, json_out: bool) -> Result<ExitCode> {
    let prefix = match (&args.server, &args.log, &args.prefix) {
        (Some(server), Some(log), None) => format!("{}/v1/logs/{log}", server.trim_end_matches('/')),
        (None, None, Some(prefix)) => prefix.trim_end_matches('/').to_owned(),
        _ => bail!("give --server and --log (a Lading deployment) or --prefix (any tlog-tiles log)"),
    };
    let key = super::log::read_vkey(&args.vkey)?;
    let policy = match &args.policy {
        Some(path) => {
            let text = fsio::read_text(path, MAX_CHECKPOINT as u64)?;
            let policy = Policy::parse(&text).with_context(|| format!("policy {}", path.display()))?;
            if !policy.logs().iter().any(|l| l == &key) {
                bail!("the policy {} does not list the log key {}", path.display(), key.to_vkey());
            }
            Some(policy)
        }
        None => None,
    };
    let watched = match &args.watch {
        Some(path) => read_watch(path)?,
        None => Vec::new(),
    };
    std::fs::create_dir_all(&args.state).with_context(|| format!("creating {}", args.state.display()))?;
    let client = Client::new(&prefix, None, args.retries)?;
    loop {
        let round = check(&client, &key, policy.as_ref(), &watched, &args.state);
        match round {
            Ok(Ok(good)) => {
                report_good(&good, json_out)?;
                if args.interval.is_none() {
                    return Ok(ExitCode::SUCCESS);
                }
            }
            Ok(Err(problem)) => {
                report_problem(&problem, &args.state, json_out)?;
                return Ok(ExitCode::from(1));
            }
            // Could not ask (network, server errors): fatal once, a note when following.
            Err(e) if args.interval.is_some() => eprintln!("note: {prefix}: {e:#}; trying again next interval"),
            Err(e) => return Err(e),
        }
        std::thread::sleep(Duration::from_secs(args.interval.unwrap_or(0).max(1)));
    }
}

fn read_watch(path: &Path) -> Result<Vec<Watched>> {
    let text = fsio::read_text(path, 16 << 20)?;
    let list = lading_tlog::watch::parse_watch_list(&text).with_context(|| format!("{}", path.display()))?;
    Ok(list.into_iter().map(|w| (w.index, w.leaf)).collect())
}

/// One round: `Ok(Err(problem))` when the log is caught out, `Err` when it could not be asked.
fn check(
    client: &Client,
    key: &NoteVerifier,
    policy: Option<&Policy>,
    watched: &[Watched],
    state: &Path,
) -> Result<std::result::Result<Good, Problem>> {
    let state_file = state.join(STATE_FILE);
    let old_text = match std::fs::read(&state_file) {
        Ok(bytes) => Some(String::from_utf8(bytes).with_context(|| format!("{} is not UTF-8", state_file.display()))?),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(e).with_context(|| format!("reading {}", state_file.display())),
    };
    let old = match &old_text {
        Some(text) => Some(
            SignedCheckpoint::verify(text.as_bytes(), key, &[])
                .with_context(|| format!("{} is not a checkpoint of this log", state_file.display()))?
                .checkpoint,
        ),
        None => None,
    };
    let mut attempt = 0;
    loop {
        let reply = client.get("/checkpoint")?;
        if !reply.ok() {
            return Err(reply.error("the checkpoint"));
        }
        if reply.body.len() > MAX_CHECKPOINT {
            bail!("the checkpoint is larger than {MAX_CHECKPOINT} bytes");
        }
        let new_text = String::from_utf8_lossy(&reply.body).into_owned();
        let problem = |kind, detail: String, with_old: bool| Problem {
            kind,
            detail,
            old: if with_old { old_text.clone() } else { None },
            new: new_text.clone(),
        };
        let verified = match policy {
            Some(p) => p.verify_checkpoint(&reply.body).map_err(|e| e.to_string()),
            None => SignedCheckpoint::verify(&reply.body, key, &[]).map_err(|e| e.to_string()),
        };
        let signed = match verified {
            Ok(s) => s,
            Err(e) => return Ok(Err(problem("signature", format!("the checkpoint does not verify: {e}"), false))),
        };
        let new = &signed.checkpoint;
        if let Some(old) = &old
            && new.size < old.size
        {
            let detail = format!("the log shrank from size {} to {}", old.size, new.size);
            return Ok(Err(problem("shrank", detail, true)));
        }
        let mut nodes = old.as_ref().map(|o| tree_hash_nodes(o.size)).unwrap_or_default();
        for &(index, _) in watched {
            if index >= new.size {
                let detail = format!("watched entry {index} is beyond the log's size {}", new.size);
                return Ok(Err(problem("watch", detail, true)));
            }
            nodes.push((0, index));
        }
        let ids = tiles_with_ancestors(&nodes, new.size);
        let mut tiles = BTreeMap::new();
        let mut gone = None;
        for id in &ids {
            match fetch_tile(client, *id)? {
                Some(bytes) => {
                    tiles.insert(*id, bytes);
                }
                None => {
                    gone = Some(*id);
                    break;
                }
            }
        }
        if let Some(id) = gone {
            // The log may have grown past this partial tile since the checkpoint was read.
            attempt += 1;
            if attempt <= RACE_RETRIES {
                continue;
            }
            bail!("tile {id} of the tree of size {} is not served", new.size);
        }
        let set = match verify_tiles(new.size, &new.root, &tiles) {
            Ok(set) => set,
            Err(e) => {
                return Ok(Err(problem("tiles", format!("the log's tiles contradict its checkpoint: {e}"), false)));
            }
        };
        if let Some(old) = &old {
            let old_root = tree_hash(&set, old.size).context("reading the old root from the verified tiles")?;
            if old_root != old.root {
                let detail = format!(
                    "the tree of size {} holds another history than the checkpoint of size {} kept: its first {} \
                     entries hash to {}, the kept checkpoint says {} (a fork or a rewrite)",
                    new.size, old.size, old.size, old_root, old.root
                );
                return Ok(Err(problem("forked", detail, true)));
            }
        }
        for &(index, leaf) in watched {
            let held = set.node_hash(0, index).context("reading a watched leaf from the verified tiles")?;
            if held != leaf {
                let detail = format!("watched entry {index} is no longer {leaf} (the tree holds {held})");
                return Ok(Err(problem("watch", detail, true)));
            }
        }
        fsio::write_new(&state.join(STATE_FILE), &reply.body, 0o644, true)?;
        let cosigners = signed.verified.iter().filter(|v| v.timestamp.is_some()).map(|v| v.name.clone()).collect();
        return Ok(Ok(Good {
            origin: new.origin.clone(),
            size: new.size,
            root: new.root,
            old_size: old.as_ref().map(|o| o.size),
            tiles: tiles.len(),
            watched: watched.len(),
            cosigners,
        }));
    }
}

/// A hash tile's bytes; a partial tile the log no longer serves is cut from
/// the full one (C2SP tlog-tiles lets logs drop partial tiles once full).
/// `None` when neither is served.
fn fetch_tile(client: &Client, id: TileId) -> Result<Option<Vec<u8>>> {
    let reply = client.get(&format!("/{}", id.path()))?;
    if reply.ok() {
        return Ok(Some(reply.body));
    }
    if reply.status != 404 {
        return Err(reply.error(&format!("tile {id}")));
    }
    if id.is_full() {
        return Ok(None);
    }
    let full = TileId { kind: id.kind, index: id.index, width: 256 };
    let reply = client.get(&format!("/{}", full.path()))?;
    if reply.status == 404 {
        return Ok(None);
    }
    if !reply.ok() {
        return Err(reply.error(&format!("tile {full}")));
    }
    let want = match id.kind {
        TileKind::Hashes(_) => usize::from(id.width) * 32,
        TileKind::Entries => return Ok(Some(reply.body)),
    };
    let mut body = reply.body;
    body.truncate(want);
    Ok(Some(body))
}

fn report_good(good: &Good, json_out: bool) -> Result<()> {
    if json_out {
        return output::json_line(&json!({
            "ok": true, "origin": good.origin, "size": good.size, "root": good.root.to_base64(),
            "old_size": good.old_size, "tiles_verified": good.tiles, "watched": good.watched,
            "cosigners": good.cosigners,
        }));
    }
    let since = match good.old_size {
        Some(old) => format!("consistent with the kept checkpoint of size {old}"),
        None => "first checkpoint kept".to_owned(),
    };
    let cosigned =
        if good.cosigners.is_empty() { String::new() } else { format!(", cosigned by {}", good.cosigners.join(", ")) };
    output::line(&format!(
        "OK: {} at size {}: {since}; {} tile(s) verified against the root{cosigned}; {} watched entr{} included",
        good.origin,
        good.size,
        good.tiles,
        good.watched,
        if good.watched == 1 { "y" } else { "ies" }
    ))
}

/// Saves the evidence (both checkpoints) and reports it.
fn report_problem(problem: &Problem, state: &Path, json_out: bool) -> Result<()> {
    let saved = save_evidence(problem, state)?;
    if json_out {
        let mut v = json!({
            "ok": false, "problem": problem.kind, "reason": problem.detail,
            "evidence": { "new_checkpoint": problem.new, "saved": saved },
        });
        if let Some(old) = &problem.old {
            v["evidence"]["old_checkpoint"] = Value::from(old.as_str());
        }
        output::json_line(&v)?;
    }
    eprintln!("FAIL: {}", problem.detail);
    if !json_out {
        if let Some(old) = &problem.old {
            eprintln!("--- the checkpoint kept ({}/{STATE_FILE}):\n{}", state.display(), old.trim_end());
        }
        eprintln!("--- the checkpoint served now:\n{}", problem.new.trim_end());
        eprintln!("evidence saved in {}", saved.display());
    }
    Ok(())
}

fn save_evidence(problem: &Problem, state: &Path) -> Result<PathBuf> {
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S%.3fZ");
    let dir = state.join("evidence").join(format!("{stamp}-{}", problem.kind));
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    if let Some(old) = &problem.old {
        fsio::write_new(&dir.join("old.checkpoint"), old.as_bytes(), 0o644, true)?;
    }
    fsio::write_new(&dir.join("new.checkpoint"), problem.new.as_bytes(), 0o644, true)?;
    fsio::write_new(&dir.join("reason.txt"), format!("{}\n", problem.detail).as_bytes(), 0o644, true)?;
    Ok(dir)
}
