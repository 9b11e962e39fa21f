//! `lading sign` and `lading verify-signature`.

use std::process::ExitCode;

use anyhow::{Context as _, Result, anyhow};
use lading_crypto::{Envelope, sign_document, verify_statement};
use lading_model::json;
use serde_json::json;

use crate::cli::{SignArgs, SigstoreBundleArgs, VerifySignatureArgs};
use lading_pki::bundle::CertificateBundle;

use super::pki;
use crate::{fsio, output};
use lading_crypto::Signer as _;

/// Signs the document in `bytes` (named `name` in errors) with `key`.
pub(crate) fn sign_bytes(name: &str, bytes: &[u8], key: &dyn lading_crypto::Signer) -> Result<Envelope> {
    let value = json::parse_strict(bytes).map_err(|e| anyhow!("{name}: {e}"))?;
    sign_document(&value, key).with_context(|| format!("cannot sign {name}"))
}

/// The envelope's JSON text, as written to files.
pub(crate) fn envelope_text(envelope: &Envelope) -> String {
    let mut text = serde_json::to_string_pretty(&envelope.to_json()).unwrap_or_default();
    text.push('\n');
    text
}

pub(crate) fn sign(args: &SignArgs, json_out: bool) -> Result<ExitCode> {
    let key = crate::keys::signer(&args.key)?;
    let name = args.file.display().to_string();
    let bytes = fsio::read_limited(&args.file, fsio::MAX_DOCUMENT_BYTES)?;
    let chain = match &args.cert {
        Some(path) => {
            let chain = super::pki::read_certificates(path)?;
            let leaf = chain.first().ok_or_else(|| anyhow!("{}: no certificate", path.display()))?;
            lading_pki::path::check_signing_leaf(leaf, &key.verifying_key(), chrono::Utc::now())
                .with_context(|| format!("{}: refusing to sign with this certificate", path.display()))?;
            Some(chain)
        }
        None => None,
    };
    let envelope = sign_bytes(&name, &bytes, &key)?;
    let text = match chain {
        Some(chain) => {
            let mut bundle = lading_pki::bundle::CertificateBundle { envelope, chain, timestamps: Vec::new() };
            if let Some(url) = &args.tsa {
                let data = super::timestamp::stamped_bytes(&bundle)?.to_vec();
                let (reply, _) = super::timestamp::request(url, &data, args.tsa_timeout_ms)?;
                bundle.timestamps.push(reply);
            }
            let mut text = serde_json::to_string_pretty(&bundle.to_json()?)?;
            text.push('\n');
            text
        }
        None => envelope_text(&envelope),
    };
    match &args.out {
        Some(out) => {
            fsio::write_output(out, text.as_bytes())?;
            let keyid = key.verifying_key().key_id();
            if json_out {
                output::json_line(&json!({
                    "ok": true, "envelope": out, "keyid": keyid.as_str(), "algorithm": key.algorithm().name(),
                }))?;
            } else {
                output::line(&format!("signed {name} with {} key {keyid} → {}", key.algorithm(), out.display()))?;
            }
        }
        None => output::line(text.trim_end())?,
    }
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn verify_signature(args: &VerifySignatureArgs, json_out: bool) -> Result<ExitCode> {
    let Some(pubkey) = &args.pubkey else {
        return verify_certificate_bound(args, json_out);
    };
    let key = fsio::read_public_key(pubkey)?;
    let name = args.envelope.display().to_string();
    let bytes = fsio::read_limited(&args.envelope, fsio::MAX_DOCUMENT_BYTES)?;
    let result = Envelope::from_json_bytes(&bytes)
        .map_err(lading_crypto::StatementError::from)
        .and_then(|envelope| verify_statement(&envelope, &key));
    let keyid = key.key_id().to_string();
    match result {
        Ok(v) => {
            let meta = v.document.meta();
            if json_out {
                output::json_line(&json!({
                    "ok": true, "valid": true, "envelope": name, "keyid": keyid, "algorithm": key.algorithm().name(),
                    "kind": meta.kind.name(), "document_id": meta.id, "predicate_type": v.statement.predicate_type,
                    "subjects": v.statement.subject.len(),
                }))?;
            } else {
                output::line(&format!(
                    "OK: {name}: valid {} signature by {keyid} over {} {} ({} subjects)",
                    key.algorithm(),
                    meta.kind,
                    meta.id,
                    v.statement.subject.len()
                ))?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            if json_out {
                output::json_line(&json!({
                    "ok": false, "valid": false, "envelope": name, "keyid": keyid, "reason": e.to_string(),
                }))?;
            }
            eprintln!("FAIL: {name}: {e}");
            Ok(ExitCode::from(1))
        }
    }
}

pub(crate) fn sigstore_bundle(args: &SigstoreBundleArgs, json_out: bool) -> Result<ExitCode> {
    let bytes = fsio::read_limited(&args.input, lading_release::package::MAX_PACKAGE_BYTES)?;
    let envelope_bytes = if bytes.starts_with(b"PK") {
        let package = lading_release::Package::from_zip(&bytes).with_context(|| format!("{}", args.input.display()))?;
        package
            .member("envelope")
            .map(|(_, b)| b.to_vec())
            .ok_or_else(|| anyhow!("{}: the package holds no envelope", args.input.display()))?
    } else {
        bytes
    };
    let text = match json::parse_strict(&envelope_bytes) {
        // `sign --cert` made it a Sigstore bundle already, chain and timestamps included: a
        // bundle with a public-key hint instead would lose them, so it is written as it is.
        Ok(value) if CertificateBundle::is_certificate_bound(&value) => {
            let bundle = CertificateBundle::from_json(&value).with_context(|| format!("{}", args.input.display()))?;
            if bundle.envelope.signatures.len() != 1 {
                anyhow::bail!(
                    "{}: a Sigstore bundle carries exactly one signature; this one has {}",
                    args.input.display(),
                    bundle.envelope.signatures.len()
                );
            }
            String::from_utf8(envelope_bytes).with_context(|| format!("{}", args.input.display()))?
        }
        _ => {
            let envelope =
                Envelope::from_json_bytes(&envelope_bytes).with_context(|| format!("{}", args.input.display()))?;
            if envelope.signatures.len() != 1 {
                anyhow::bail!(
                    "{}: a Sigstore bundle carries exactly one signature; this envelope has {}",
                    args.input.display(),
                    envelope.signatures.len()
                );
            }
            serde_json::to_string_pretty(&envelope.to_sigstore_bundle())? + "\n"
        }
    };
    match &args.out {
        Some(out) => {
            fsio::write_output(out, text.as_bytes())?;
            if json_out {
                output::json_line(&json!({ "ok": true, "bundle": out }))?;
            }
        }
        None => output::line(text.trim_end())?,
    }
    Ok(ExitCode::SUCCESS)
}

/// `verify-signature X --ca ROOT…`: the bundle's chain is validated at the
/// signing time, then the envelope is verified with the leaf's key.
fn verify_certificate_bound(args: &VerifySignatureArgs, json_out: bool) -> Result<ExitCode> {
    let name = args.envelope.display().to_string();
    let bytes = fsio::read_limited(&args.envelope, fsio::MAX_DOCUMENT_BYTES)?;
    let value = json::parse_strict(&bytes).map_err(|e| anyhow!("{name}: {e}"))?;
    if !CertificateBundle::is_bundle(&value) {
        anyhow::bail!(
            "{name}: not a Sigstore bundle; --ca verifies certificate-bound bundles (use --pubkey for an envelope)"
        );
    }
    let bundle = CertificateBundle::from_json(&value).with_context(|| name.clone())?;
    let (roots, crls) = pki::read_trust(&args.ca, &args.crl)?;
    let (tsa_roots, _) = pki::read_trust(&args.tsa_ca, &[])?;
    let established = super::timestamp::establish_time(&bundle, &tsa_roots, &crls, args.at.as_deref());
    let (time, timestamps) = match established {
        Ok(t) => t,
        Err(e) => {
            if json_out {
                output::json_line(
                    &json!({ "ok": false, "valid": false, "envelope": name, "reason": format!("{e:#}") }),
                )?;
            }
            eprintln!("FAIL: {name}: {e:#}");
            return Ok(ExitCode::from(1));
        }
    };
    let options = lading_pki::Options::at(time.at).with_crls(&crls);
    let result = lading_pki::validate(&bundle.chain, &roots, &options)
        .map_err(|e| anyhow!("certificate path: {e}"))
        .and_then(|path| {
            let key = lading_pki::path::certified_key(&bundle.chain[0])?;
            let verified = verify_statement(&bundle.envelope, &key)?;
            Ok((path, key, verified))
        });
    match result {
        Ok((path, key, v)) => {
            let meta = v.document.meta();
            if json_out {
                let mut out = pki::path_json(&path, &time);
                let extra = json!({
                    "ok": true, "valid": true, "envelope": name, "keyid": key.key_id().as_str(),
                    "algorithm": key.algorithm().name(), "kind": meta.kind.name(), "document_id": meta.id,
                    "predicate_type": v.statement.predicate_type, "subjects": v.statement.subject.len(),
                    "timestamps": timestamps,
                });
                if let (Some(o), Some(e)) = (out.as_object_mut(), extra.as_object()) {
                    o.extend(e.clone());
                }
                output::json_line(&out)?;
            } else {
                output::line(&format!(
                    "OK: {name}: valid {} signature over {} {} ({} subjects)\n{}",
                    key.algorithm(),
                    meta.kind,
                    meta.id,
                    v.statement.subject.len(),
                    pki::path_text(&path, &time)
                ))?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            if json_out {
                output::json_line(&json!({
                    "ok": false, "valid": false, "envelope": name, "reason": format!("{e:#}"),
                    "time": time.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true), "time_source": time.source,
                }))?;
            }
            eprintln!("FAIL: {name}: {e:#}");
            Ok(ExitCode::from(1))
        }
    }
}
