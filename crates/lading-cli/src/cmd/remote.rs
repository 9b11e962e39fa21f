//! `lading remote …`: a client of a deployment's HTTP API. Everything the
//! server answers is checked before it is printed or saved: receipts against
//! the log's key and the leaf derived here from what was submitted, entries
//! against their receipts.

use std::process::ExitCode;

use anyhow::{Context as _, Result, anyhow, bail};
use lading_tlog::{Hash, NoteVerifier, Policy, Receipt, SignedCheckpoint, TileId, TileKind, leaf_hash};
use serde_json::{Value, json};

use super::http_client::{self, Client};
use crate::cli::{RemoteArgs, RemoteGetArgs, RemoteReceiptArgs, RemoteSearchArgs, RemoteSubmitArgs};
use crate::{fsio, output};

/// The largest file `remote submit` reads (the server's default body limit is smaller).
const MAX_SUBMISSION: u64 = 16 << 20;

pub(crate) fn client(args: &RemoteArgs) -> Result<Client> {
    Client::new(&args.server, http_client::token(args.token_file.as_deref())?, args.retries)
}

/// A log name as it may appear in a URL path.
fn log_path(log: &str) -> Result<String> {
    let ok = !log.is_empty()
        && log.len() <= 64
        && log.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
    if !ok {
        bail!("--log {log:?}: a log name is 1–64 characters of a-z, 0-9, '.', '_' and '-'");
    }
    Ok(format!("/v1/logs/{log}"))
}

/// The log's key: `--vkey`, or the one the server lists (trust on first use, said so).
pub(crate) fn log_key(client: &Client, log: &str, vkey: Option<&str>) -> Result<NoteVerifier> {
    if let Some(v) = vkey {
        return super::log::read_vkey(v);
    }
    let logs = list(client)?;
    let entry = logs["logs"]
        .as_array()
        .and_then(|l| l.iter().find(|l| l["name"] == log))
        .ok_or_else(|| anyhow!("the server lists no log named {log:?}"))?;
    let vkey = entry["vkey"].as_str().ok_or_else(|| anyhow!("the server lists log {log:?} without a vkey"))?;
    eprintln!("note: checking against the vkey the server lists for {log:?} ({vkey}); pin it with --vkey");
    NoteVerifier::from_vkey(vkey).with_context(|| format!("the vkey the server lists for {log:?}"))
}

fn list(client: &Client) -> Result<Value> {
    let reply = client.get("/v1/logs")?;
    if !reply.ok() {
        return Err(reply.error("listing the logs"));
    }
    reply.json("listing the logs")
}

/// What a submitted file is, and the bytes that go to the server.
enum Submission {
    /// A DSSE envelope: its bytes as they are, or as `lading sign` writes the one a bundle carries.
    Envelope(Vec<u8>),
    /// A raw entry.
    Raw(Vec<u8>),
    /// A SCITT signed statement (COSE_Sign1), registered through SCRAPI `POST /entries`.
    Cose(Vec<u8>),
    /// A certificate-bound Sigstore bundle (`lading sign --cert`), logged as it is, chain and
    /// timestamps included: the entry `lading verify` and `bundle create --log` expect.
    CertificateBundle(Vec<u8>),
}

fn classify(name: &str, bytes: Vec<u8>, raw: bool) -> Result<Submission> {
    if raw {
        return Ok(Submission::Raw(bytes));
    }
    // A COSE_Sign1 (tag 18, or an untagged 4-array): a SCITT signed statement.
    if matches!(bytes.first(), Some(0xd2 | 0x84)) {
        return Ok(Submission::Cose(bytes));
    }
    if bytes.first() != Some(&b'{') {
        return Ok(Submission::Raw(bytes));
    }
    let value = lading_model::json::parse_strict(&bytes).with_context(|| name.to_owned())?;
    if lading_pki::bundle::CertificateBundle::is_bundle(&value) {
        if lading_pki::bundle::CertificateBundle::is_certificate_bound(&value) {
            lading_pki::bundle::CertificateBundle::from_json(&value).with_context(|| name.to_owned())?;
            return Ok(Submission::CertificateBundle(bytes));
        }
        return match value.get("dsseEnvelope") {
            Some(dsse) => {
                let envelope = lading_crypto::Envelope::from_json(dsse)
                    .with_context(|| format!("{name}: the bundle's dsseEnvelope"))?;
                // The same bytes `lading log verify-proof --envelope BUNDLE` derives the entry from.
                Ok(Submission::Envelope(super::sign::envelope_text(&envelope).into_bytes()))
            }
            // A message-signature bundle (`lading sign-blob`) is logged as it is.
            None => Ok(Submission::Raw(bytes)),
        };
    }
    if value.get("payloadType").is_some() && value.get("signatures").is_some() {
        lading_crypto::Envelope::from_json_bytes(&bytes).with_context(|| format!("{name}: not a DSSE envelope"))?;
        return Ok(Submission::Envelope(bytes));
    }
    Ok(Submission::Raw(bytes))
}

/// The leaf hashes a submission can have: the raw entry's, or the registry
/// entry's for each signer key id of an envelope of predicate type `kind`.
fn expected_leaves(submission: &Submission, kind: Option<&str>) -> Result<Vec<Hash>> {
    match submission {
        Submission::Raw(bytes) => Ok(vec![leaf_hash(bytes)]),
        Submission::Cose(_) => bail!("a COSE statement's leaf comes from its receipt (SCRAPI)"),
        Submission::CertificateBundle(bytes) => {
            let kind = kind.ok_or_else(|| anyhow!("the server did not say which kind it logged the statement as"))?;
            let value = lading_model::json::parse_strict(bytes)?;
            let bundle = lading_pki::bundle::CertificateBundle::from_json(&value)?;
            Ok(bundle
                .envelope
                .signatures
                .iter()
                .map(|s| leaf_hash(&lading_crypto::registry_leaf(kind, bytes, &s.keyid)))
                .collect())
        }
        Submission::Envelope(bytes) => {
            let kind = kind.ok_or_else(|| anyhow!("the server did not say which kind it logged the statement as"))?;
            let envelope = lading_crypto::Envelope::from_json_bytes(bytes)?;
            Ok(envelope
                .signatures
                .iter()
                .map(|s| leaf_hash(&lading_crypto::registry_leaf(kind, bytes, &s.keyid)))
                .collect())
        }
    }
}

pub(crate) fn submit(args: &RemoteSubmitArgs, json_out: bool) -> Result<ExitCode> {
    let name = if args.file.as_os_str() == "-" { "standard input".to_owned() } else { args.file.display().to_string() };
    let path = log_path(&args.log)?;
    let client = client(&args.remote)?;
    let bytes = fsio::read_limited(&args.file, MAX_SUBMISSION)?;
    let submission = classify(&name, bytes, args.raw)?;
    if let Submission::Cose(statement) = submission {
        return super::remote_scitt::submit_statement(args, &client, &name, statement, json_out);
    }
    let (content_type, body) = match &submission {
        Submission::Envelope(b) => ("application/vnd.dsse.envelope.v1+json", b.clone()),
        Submission::CertificateBundle(b) => (lading_server::SIGSTORE_BUNDLE_MEDIA_TYPES[0], b.clone()),
        Submission::Raw(b) => {
            if b.len() > lading_tlog::tile::MAX_ENTRY_BYTES {
                bail!("{name} is {} bytes; a raw entry is at most 65,535 bytes", b.len());
            }
            ("application/octet-stream", b.clone())
        }
        Submission::Cose(_) => bail!("a COSE statement is registered through SCRAPI"),
    };
    if !client.has_token() {
        bail!("submitting needs an API token: give --token-file FILE or set LADING_TOKEN");
    }
    let key = log_key(&client, &args.log, args.vkey.as_deref())?;
    let reply = client.post(&format!("{path}/entries?wait=receipt"), content_type, body)?;
    if !reply.ok() {
        return Err(reply.error(&format!("submitting {name} to log {:?}", args.log)));
    }
    let answer = reply.json("submitting")?;
    let index = answer["index"].as_u64().ok_or_else(|| anyhow!("the server's answer has no index: {answer}"))?;
    let leaf_hex = answer["leaf_hash"].as_str().unwrap_or_default();
    let expected = expected_leaves(&submission, answer["kind"].as_str())?;
    let leaf = *expected.iter().find(|h| h.to_hex() == leaf_hex).ok_or_else(|| {
        anyhow!("the server logged leaf hash {leaf_hex:?}, which is not the entry {name} makes (refusing its receipt)")
    })?;
    let text = answer["receipt"].as_str().ok_or_else(|| anyhow!("the server sent no receipt"))?;
    let receipt = Receipt::parse(text).context("the server's receipt")?;
    if receipt.index != index {
        bail!("the server's receipt is for entry {}, not {index}", receipt.index);
    }
    let signed = receipt
        .verify(&leaf, &Policy::single_log(key))
        .context("the server's receipt does not verify against the log's key and the submitted entry")?;
    if let Some(out) = &args.out {
        fsio::write_output(out, text.as_bytes())?;
    }
    let duplicate = answer["duplicate"].as_bool().unwrap_or(false);
    if json_out {
        output::json_line(&json!({
            "ok": true, "log": args.log, "index": index, "leaf_hash": leaf.to_hex(), "duplicate": duplicate,
            "kind": answer["kind"], "size": signed.checkpoint.size, "receipt": args.out,
        }))?;
    } else {
        // `INDEX LEAF_HASH`: the line `lading monitor --watch` reads.
        output::line(&format!("{index} {}", leaf.to_hex()))?;
        if duplicate {
            eprintln!("note: {name} was already in log {:?}", args.log);
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn receipt(args: &RemoteReceiptArgs, json_out: bool) -> Result<ExitCode> {
    let path = log_path(&args.log)?;
    let client = client(&args.remote)?;
    let (what, text) = match (&args.index, &args.leaf) {
        (Some(index), _) => {
            let what = format!("the receipt of entry {index} of {:?}", args.log);
            let reply = client.get(&format!("{path}/receipts/{index}"))?;
            if !reply.ok() {
                return Err(reply.error(&what));
            }
            (what.clone(), reply.text(&what)?)
        }
        (None, Some(leaf)) => {
            let hash = Hash::from_slice(&hex::decode(leaf).unwrap_or_default())
                .map_err(|_| anyhow!("--leaf {leaf:?} is not 64 hex digits"))?;
            let what = format!("the entry with leaf hash {} in {:?}", hash.to_hex(), args.log);
            let reply = client.get(&format!("{path}/leaves/{}", hash.to_hex()))?;
            if !reply.ok() {
                return Err(reply.error(&what));
            }
            let answer = reply.json(&what)?;
            let text = answer["receipt"].as_str().ok_or_else(|| anyhow!("{what}: no receipt in the answer"))?;
            (what, text.to_owned())
        }
        (None, None) => bail!("give --index or --leaf"),
    };
    let receipt = Receipt::parse(&text).with_context(|| format!("{what}: not a tlog-proof receipt"))?;
    match &args.out {
        Some(out) => {
            fsio::write_output(out, text.as_bytes())?;
            if json_out {
                output::json_line(&json!({ "ok": true, "index": receipt.index, "receipt": out }))?;
            }
        }
        None if json_out => output::json_line(&json!({ "ok": true, "index": receipt.index, "receipt": text }))?,
        None => print!("{text}"),
    }
    Ok(ExitCode::SUCCESS)
}

/// The entry bundle holding entry `index` in a tree of `size` leaves.
pub(crate) fn bundle_of(index: u64, size: u64) -> TileId {
    let start = index / 256 * 256;
    TileId { kind: TileKind::Entries, index: index / 256, width: (size - start).min(256) as u16 }
}

pub(crate) fn get(args: &RemoteGetArgs, json_out: bool) -> Result<ExitCode> {
    let path = log_path(&args.log)?;
    let client = client(&args.remote)?;
    let key = log_key(&client, &args.log, args.vkey.as_deref())?;
    let reply = client.get(&format!("{path}/checkpoint"))?;
    if !reply.ok() {
        return Err(reply.error("the checkpoint"));
    }
    let checkpoint =
        SignedCheckpoint::verify(&reply.body, &key, &[]).context("the log's checkpoint does not verify")?.checkpoint;
    if args.index >= checkpoint.size {
        bail!("entry {} is beyond the log's latest checkpoint (size {})", args.index, checkpoint.size);
    }
    let tile = bundle_of(args.index, checkpoint.size);
    let reply = client.get(&format!("{path}/{}", tile.path()))?;
    if !reply.ok() {
        return Err(reply.error(&format!("entry bundle {tile}")));
    }
    let entries = lading_tlog::tile::decode_bundle(&reply.body, usize::from(tile.width))
        .with_context(|| format!("entry bundle {tile}"))?;
    let entry = entries[(args.index % 256) as usize].to_vec();
    let what = format!("the receipt of entry {}", args.index);
    let reply = client.get(&format!("{path}/receipts/{}", args.index))?;
    if !reply.ok() {
        return Err(reply.error(&what));
    }
    let receipt = Receipt::parse(&reply.text(&what)?).with_context(|| what.clone())?;
    if receipt.index != args.index {
        bail!("{what} is for entry {}", receipt.index);
    }
    receipt
        .verify(&leaf_hash(&entry), &Policy::single_log(key))
        .with_context(|| format!("entry {} as served is not the one the log's tree holds", args.index))?;
    if let Some(out) = &args.out {
        fsio::write_output(out, &entry)?;
    }
    if json_out {
        use base64::Engine as _;
        let mut v = json!({
            "ok": true, "index": args.index, "leaf_hash": leaf_hash(&entry).to_hex(), "size": entry.len(),
            "out": args.out,
        });
        if args.out.is_none() {
            v["entry_base64"] = json!(base64::engine::general_purpose::STANDARD.encode(&entry));
            if let Ok(text) = std::str::from_utf8(&entry) {
                v["entry"] = json!(text);
            }
        }
        output::json_line(&v)?;
    } else if args.out.is_none() {
        use std::io::Write as _;
        std::io::stdout().lock().write_all(&entry)?;
    }
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn search(args: &RemoteSearchArgs, json_out: bool) -> Result<ExitCode> {
    let path = log_path(&args.log)?;
    let (param, value) = match (&args.digest, &args.document) {
        (Some(d), _) => ("digest", d),
        (None, Some(id)) => ("document", id),
        (None, None) => bail!("give --digest or --document"),
    };
    let client = client(&args.remote)?;
    let query: String = form_urlencoded::Serializer::new(String::new()).append_pair(param, value).finish();
    let reply = client.get(&format!("{path}/search?{query}"))?;
    if !reply.ok() {
        return Err(reply.error(&format!("searching {:?} for {param} {value}", args.log)));
    }
    let answer = reply.json("searching")?;
    let indices: Vec<u64> = answer["indices"]
        .as_array()
        .ok_or_else(|| anyhow!("the server's answer has no indices"))?
        .iter()
        .map(|i| i.as_u64().ok_or_else(|| anyhow!("the server's answer has an index that is not a number")))
        .collect::<Result<_>>()?;
    if json_out {
        output::json_line(&json!({
            "ok": true, "log": args.log, "key": answer["key"], "indices": indices, "truncated": answer["truncated"],
        }))?;
    } else {
        for i in &indices {
            output::line(&i.to_string())?;
        }
        if indices.is_empty() {
            eprintln!("no entry of {:?} matches {param} {value}", args.log);
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn logs(args: &RemoteArgs, json_out: bool) -> Result<ExitCode> {
    let client = client(args)?;
    let answer = list(&client)?;
    if json_out {
        let mut answer = answer;
        answer["ok"] = json!(true);
        output::json_line(&answer)?;
    } else {
        for log in answer["logs"].as_array().map(Vec::as_slice).unwrap_or_default() {
            output::line(&format!(
                "{}\t{}\tsize {}\t{}",
                log["name"].as_str().unwrap_or("?"),
                log["origin"].as_str().unwrap_or("?"),
                log["size"],
                log["vkey"].as_str().unwrap_or("?")
            ))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
