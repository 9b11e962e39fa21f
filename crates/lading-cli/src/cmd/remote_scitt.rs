//! `lading remote submit S.cose`: a SCITT signed statement registered
//! through SCRAPI (draft-ietf-scitt-scrapi) `POST /entries` as
//! `application/cose`. The service answers 201 with the COSE receipt, 200
//! when the statement was already registered, or 303/202 with a location
//! polled (with backoff, honouring Retry-After) until it gives the receipt.
//! The receipt is checked against the statement's leaf and the log's key
//! before it is saved; RFC 9290 problem details become the error.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, anyhow, bail};
use lading_crypto::VerifyingKey;
use lading_scitt::{Receipt, SignedStatement, media};
use serde_json::json;

use super::http_client::{self, Client, Reply};
use crate::cli::RemoteSubmitArgs;
use crate::{fsio, output};

/// The log SCRAPI registers statements in (`lading serve`'s SCITT log).
const SCITT_LOG: &str = "registry";

pub(crate) fn submit_statement(
    args: &RemoteSubmitArgs,
    client: &Client,
    name: &str,
    bytes: Vec<u8>,
    json_out: bool,
) -> Result<ExitCode> {
    if args.log != SCITT_LOG {
        bail!(
            "{name} is a COSE signed statement: SCRAPI registers statements in log {SCITT_LOG:?}, not {:?} \
             (use --log {SCITT_LOG}, or --raw to log its bytes as a raw entry)",
            args.log
        );
    }
    // Parsed here first: a malformed statement is named before anything is sent, and its leaf is known.
    let statement = SignedStatement::parse(&bytes).with_context(|| format!("{name}: not a SCITT signed statement"))?;
    let leaf = statement.leaf_hash();
    if !client.has_token() {
        bail!("submitting needs an API token: give --token-file FILE or set LADING_TOKEN");
    }
    let note_key = super::remote::log_key(client, &args.log, args.vkey.as_deref())?;
    let origin = note_key.name().to_owned();
    let key = VerifyingKey::Ed25519(*note_key.public_key());

    let headers: &[(&'static str, &str)] = if args.prefer_async { &[("prefer", "respond-async")] } else { &[] };
    let what = format!("registering {name} (POST /entries)");
    let reply = client.post_manual("/entries", media::COSE, bytes, headers)?;
    let (reply, duplicate, polled) = match reply.status {
        201 => (reply, false, false),
        200 => (reply, true, false),
        202 | 302 | 303 => (poll(client, &reply, &what, Duration::from_secs(args.poll_timeout))?, false, true),
        _ => return Err(reply.error(&what)),
    };
    if reply.content_type != media::COSE {
        bail!("{what}: the receipt came as {:?}, not {}", reply.content_type, media::COSE);
    }
    let receipt = Receipt::parse(&reply.body).with_context(|| format!("{what}: the service's receipt"))?;
    let verified = receipt
        .verify(&leaf, &key, Some(&origin))
        .with_context(|| format!("{what}: the service's receipt does not verify for {name} under the log's key"))?;
    if let Some(out) = &args.out {
        fsio::write_output(out, &reply.body)?;
    }
    let index = verified.proof.leaf_index;
    if json_out {
        output::json_line(&json!({
            "ok": true, "log": args.log, "index": index, "leaf_hash": leaf.to_hex(), "duplicate": duplicate,
            "kind": "scitt-statement", "size": verified.proof.tree_size, "receipt": args.out, "polled": polled,
            "issuer": statement.claims.issuer, "subject": statement.claims.subject,
        }))?;
    } else {
        output::line(&format!("{index} {}", leaf.to_hex()))?;
        if duplicate {
            eprintln!("note: {name} was already registered in log {:?}", args.log);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Polls the location of an asynchronous registration until the service
/// answers 200 with the receipt (202/302/303 mean "not yet").
fn poll(client: &Client, first: &Reply, what: &str, timeout: Duration) -> Result<Reply> {
    let location = first
        .location
        .clone()
        .ok_or_else(|| anyhow!("{what}: the service answered {} without a Location", first.status))?;
    let deadline = Instant::now() + timeout;
    let mut retry_after = first.retry_after.clone();
    let mut attempt = 0u32;
    loop {
        let wait = http_client::retry_after_wait(&retry_after).unwrap_or_else(|| http_client::backoff(attempt));
        if Instant::now() + wait > deadline {
            bail!("{what}: no receipt at {location} after {} s (--poll-timeout)", timeout.as_secs());
        }
        std::thread::sleep(wait);
        attempt += 1;
        let reply = client.get_manual(&location)?;
        match reply.status {
            200 => return Ok(reply),
            202 | 302 | 303 => retry_after = reply.retry_after.clone(),
            _ => return Err(reply.error(&format!("{what}: polling {location}"))),
        }
    }
}
