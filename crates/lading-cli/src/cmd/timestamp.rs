//! RFC 3161 timestamps: asking a TSA (`sign --tsa`, `lading timestamp`) and
//! establishing the signing time from a bundle's tokens (`verify-signature --tsa-ca`).

use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context as _, Result, anyhow, bail};
use chrono::SecondsFormat;
use lading_model::json;
use lading_pki::bundle::CertificateBundle;
use lading_pki::timestamp::{self, Token};
use lading_pki::{Certificate, CertificateList};
use serde_json::{Value, json};

use super::pki::SigningTime;
use crate::cli::TimestampArgs;
use crate::{fsio, output};

/// Asks the TSA at `url` for a token over `data` and checks the reply
/// (status, imprint, nonce, the signer's critical timeStamping EKU).
pub(crate) fn request(url: &str, data: &[u8], timeout_ms: u64) -> Result<(Vec<u8>, Token)> {
    let mut nonce = [0u8; 16];
    getrandom::fill(&mut nonce).map_err(|e| anyhow!("no randomness for a nonce: {e}"))?;
    let req = timestamp::request(data, &nonce)?;
    // reqwest is linked with rustls (for `lading remote`), which needs its provider even for http://.
    super::http_client::install_crypto_provider();
    let rt = super::log::runtime()?;
    let reply =
        rt.block_on(lading_server::tsa::request_timestamp(url, req.der.clone(), Duration::from_millis(timeout_ms)))?;
    let token = timestamp::check_reply(&reply, &req).with_context(|| format!("{url}: refusing the TSA's reply"))?;
    Ok((reply, token))
}

/// The bytes a bundle's timestamps are over: its (one) DSSE signature, as
/// Sigstore's verifiers expect.
pub(crate) fn stamped_bytes(bundle: &CertificateBundle) -> Result<&[u8]> {
    match bundle.envelope.signatures.as_slice() {
        [one] => Ok(&one.sig),
        other => bail!("a timestamped bundle carries exactly one signature; this one has {}", other.len()),
    }
}

pub(crate) fn token_json(token: &Token) -> Value {
    json!({
        "gen_time": token.gen_time.to_rfc3339_opts(SecondsFormat::AutoSi, true),
        "tsa": token.signer_subject(),
        "serial": token.serial,
        "policy": token.policy,
        "accuracy_micros": token.accuracy_micros,
    })
}

/// "at GENTIME by TSA (serial S)", for people.
pub(crate) fn token_summary(token: &Token) -> String {
    format!(
        "at {} by {} (serial {})",
        token.gen_time.to_rfc3339_opts(SecondsFormat::AutoSi, true),
        token.signer_subject(),
        token.serial
    )
}

/// `lading timestamp IN --tsa URL --out OUT`.
pub(crate) fn timestamp(args: &TimestampArgs, json_out: bool) -> Result<ExitCode> {
    let name = args.input.display().to_string();
    let bytes = fsio::read_limited(&args.input, fsio::MAX_DOCUMENT_BYTES)?;
    let value = json::parse_strict(&bytes).map_err(|e| anyhow!("{name}: {e}"))?;
    let token = if CertificateBundle::is_bundle(&value) {
        let mut bundle = CertificateBundle::from_json(&value).with_context(|| name.clone())?;
        let data = stamped_bytes(&bundle).with_context(|| name.clone())?.to_vec();
        let (reply, token) = request(&args.tsa, &data, args.tsa_timeout_ms)?;
        bundle.timestamps.push(reply);
        let mut text = serde_json::to_string_pretty(&bundle.to_json()?)?;
        text.push('\n');
        fsio::write_output(&args.out, text.as_bytes())?;
        token
    } else if value.get("proof").is_some() && value.get("credentialSubject").is_some() {
        // A signed credential (a compliance statement): the token is over its exact bytes and
        // travels beside it (`bundle create` carries STATEMENT.tsr), the credential untouched.
        let (reply, token) = request(&args.tsa, &bytes, args.tsa_timeout_ms)?;
        fsio::write_output(&args.out, &reply)?;
        token
    } else {
        bail!(
            "{name}: neither a Sigstore bundle (`lading sign --cert`) nor a signed credential (`statement issue`); \
             those are what timestamps are taken over"
        );
    };
    if json_out {
        output::json_line(&json!({ "ok": true, "out": args.out, "timestamp": token_json(&token) }))?;
    } else {
        output::line(&format!("timestamped {name} {} → {}", token_summary(&token), args.out.display()))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The signing time of a bundle: the earliest genTime of its timestamps
/// verified against `tsa_roots` (every one must verify when roots are
/// given), else `--at`, else now — and a report of each timestamp.
pub(crate) fn establish_time(
    bundle: &CertificateBundle,
    tsa_roots: &[Certificate],
    crls: &[CertificateList],
    at: Option<&str>,
) -> Result<(SigningTime, Vec<Value>)> {
    if bundle.timestamps.is_empty() {
        return establish_time_over(&[], &[], tsa_roots, crls, at);
    }
    let data = stamped_bytes(bundle)?;
    establish_time_over(&bundle.timestamps, data, tsa_roots, crls, at)
}

/// The signing time from RFC 3161 replies (`timestamps`, each a DER
/// TimeStampResp) over `data` (the signature they stamp), as
/// [`establish_time`] judges it; shared by DSSE and message-signature bundles.
pub(crate) fn establish_time_over(
    timestamps: &[Vec<u8>],
    data: &[u8],
    tsa_roots: &[Certificate],
    crls: &[CertificateList],
    at: Option<&str>,
) -> Result<(SigningTime, Vec<Value>)> {
    let mut fallback = SigningTime::from_flag(at)?;
    if timestamps.is_empty() {
        return Ok((fallback, Vec::new()));
    }
    if tsa_roots.is_empty() {
        fallback.source =
            format!("{} ({} timestamp(s) in the bundle not verified: no --tsa-ca)", fallback.source, timestamps.len());
        return Ok((fallback, Vec::new()));
    }
    let mut report = Vec::new();
    let mut earliest: Option<timestamp::VerifiedTimestamp> = None;
    for (i, reply) in timestamps.iter().enumerate() {
        let verified = timestamp::verify(reply, data, tsa_roots, crls)
            .with_context(|| format!("timestamp #{i} (rfc3161Timestamps/{i})"))?;
        let mut v = token_json(&verified.token);
        v["anchor"] = json!(verified.path.anchor().subject);
        report.push(v);
        if earliest.as_ref().is_none_or(|e| verified.token.gen_time < e.token.gen_time) {
            earliest = Some(verified);
        }
    }
    // Non-empty timestamps all verified, so there is an earliest.
    let earliest = earliest.ok_or_else(|| anyhow!("no timestamp"))?;
    let source = format!(
        "RFC 3161 timestamp by {} (serial {}), trusted via {}",
        earliest.token.signer_subject(),
        earliest.token.serial,
        earliest.path.anchor().subject
    );
    Ok((SigningTime { at: earliest.token.gen_time, source }, report))
}

/// The TSA of `lading serve --tsa-key K --tsa-cert CHAIN`: the certificate
/// must certify the key, be valid now and carry a critical timeStamping EKU.
pub(crate) fn authority(
    key: &std::path::Path,
    cert: &std::path::Path,
) -> Result<(crate::keys::SharedSigner, Vec<Certificate>)> {
    let signer = crate::keys::signer(key)?;
    let chain = super::pki::read_certificates(cert)?;
    let leaf = chain.first().ok_or_else(|| anyhow!("{}: no certificate", cert.display()))?;
    let refuse = || format!("{}: cannot be the TSA's certificate", cert.display());
    let certified = lading_pki::path::certified_key(leaf).with_context(refuse)?;
    if certified != signer.verifying_key() {
        bail!(
            "{}: it certifies key {}, not --tsa-key {} ({})",
            refuse(),
            certified.key_id(),
            signer.verifying_key().key_id(),
            signer.describe()
        );
    }
    lading_pki::path::check_purpose(leaf, lading_pki::Purpose::TimeStamping).with_context(refuse)?;
    let id = lading_pki::Identity::of(leaf);
    let now = chrono::Utc::now();
    if now < id.not_before || now > id.not_after {
        bail!("{}: it is not valid now (valid {} to {})", refuse(), id.not_before, id.not_after);
    }
    Ok((signer, chain))
}
