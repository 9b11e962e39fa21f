//! `lading sign-blob` and `lading verify-blob`: any file, signed into a
//! Sigstore bundle with a message signature (v0.3; v0.2 when it carries a
//! certificate chain, which v0.3 forbids — as `CertificateBundle::to_json`).
//!
//! The bundle's `messageSignature` holds the file's SHA-256
//! (`messageDigest`, algorithm `SHA2_256`) and the signature over the file
//! as Sigstore's verifiers check it: Ed25519 over the file's bytes, ECDSA
//! P-256 over their SHA-256 (DER). The verification material is the key's
//! hint (its Lading key id) or the signer's certificate chain. With
//! `--tsa`, an RFC 3161 timestamp over the signature bytes joins it (the
//! whole DER TimeStampResp), and `verify-blob --tsa-ca` takes the signing
//! time from it.

use std::process::ExitCode;

use anyhow::{Context as _, Result, anyhow, bail};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use lading_crypto::dsse::SIGSTORE_BUNDLE_V03;
use lading_crypto::{Algorithm, Signer as _, VerifyingKey};
use lading_model::Sha256Digest;
use lading_pki::bundle::SIGSTORE_BUNDLE_V02;
use serde_json::{Value, json};

use super::pki;
use crate::cli::{SignBlobArgs, VerifyBlobArgs};
use crate::{fsio, output};

/// The largest file signed or verified (it is read whole: Ed25519 signs the message itself).
const MAX_BLOB: u64 = 1 << 30;
/// The largest bundle read.
const MAX_BUNDLE: u64 = 16 << 20;

pub(crate) fn sign_blob(args: &SignBlobArgs, json_out: bool) -> Result<ExitCode> {
    let key = crate::keys::signer(&args.key)?;
    if key.algorithm() == Algorithm::Sm2 {
        bail!("{}: an SM2 key; Sigstore bundles carry Ed25519 or ECDSA P-256 signatures", args.key.display());
    }
    if key.algorithm() == Algorithm::Ed25519 {
        eprintln!(
            "note: Sigstore's JavaScript verifier (@sigstore/verify) cannot check Ed25519 message signatures \
             (it asks Node for a SHA-256 Ed25519 check, which Node refuses); sign with a P-256 key for it"
        );
    }
    let chain = match &args.cert {
        Some(path) => {
            let chain = pki::read_certificates(path)?;
            let leaf = chain.first().ok_or_else(|| anyhow!("{}: no certificate", path.display()))?;
            lading_pki::path::check_signing_leaf(leaf, &key.verifying_key(), chrono::Utc::now())
                .with_context(|| format!("{}: refusing to sign with this certificate", path.display()))?;
            Some(chain)
        }
        None => None,
    };
    let bytes = fsio::read_limited(&args.file, MAX_BLOB)?;
    let digest = Sha256Digest::of(&bytes);
    let signature = key.try_sign(&bytes)?;
    let keyid = key.key_id();
    let mut timestamps = Vec::new();
    if let Some(url) = &args.tsa {
        let (reply, _) = super::timestamp::request(url, &signature, args.tsa_timeout_ms)?;
        timestamps.push(reply);
    }
    let material = match &chain {
        Some(chain) => lading_pki::bundle::material_json(chain, &timestamps)?,
        None => {
            let stamps: Vec<Value> =
                timestamps.iter().map(|t| json!({ "signedTimestamp": STANDARD.encode(t) })).collect();
            json!({
                "publicKey": { "hint": keyid.as_str() },
                "tlogEntries": [],
                "timestampVerificationData": { "rfc3161Timestamps": stamps },
            })
        }
    };
    let bundle = json!({
        "mediaType": blob_media_type(chain.as_deref()),
        "verificationMaterial": material,
        "messageSignature": {
            "messageDigest": { "algorithm": "SHA2_256", "digest": STANDARD.encode(digest.as_bytes()) },
            "signature": STANDARD.encode(&signature),
        },
    });
    let mut text = serde_json::to_string_pretty(&bundle)?;
    text.push('\n');
    fsio::write_output(&args.out, text.as_bytes())?;
    if json_out {
        output::json_line(&json!({
            "ok": true, "file": args.file, "sha256": digest.to_hex(), "keyid": keyid.as_str(),
            "algorithm": key.algorithm().name(), "bundle": args.out, "certificate": chain.is_some(),
            "timestamps": timestamps.len(),
        }))?;
    } else {
        output::line(&format!(
            "signed {} (sha256:{}) with {} key {keyid} → {}",
            args.file.display(),
            digest.to_hex(),
            key.algorithm(),
            args.out.display()
        ))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Sigstore's v0.3 bundle forbids `x509CertificateChain`: a lone leaf (or a
/// key hint) is v0.3, a chain is written as v0.2, which allows it.
fn blob_media_type(chain: Option<&[lading_pki::Certificate]>) -> &'static str {
    match chain {
        Some(chain) if chain.len() > 1 => SIGSTORE_BUNDLE_V02,
        _ => SIGSTORE_BUNDLE_V03,
    }
}

pub(crate) fn verify_blob(args: &VerifyBlobArgs, json_out: bool) -> Result<ExitCode> {
    let file = args.file.display().to_string();
    let name = args.bundle.display().to_string();
    let bundle_bytes = fsio::read_limited(&args.bundle, MAX_BUNDLE)?;
    let bundle = lading_model::json::parse_strict(&bundle_bytes).map_err(|e| anyhow!("{name}: {e}"))?;
    let bytes = fsio::read_limited(&args.file, MAX_BLOB)?;
    let digest = Sha256Digest::of(&bytes);
    let result = (|| -> Result<(VerifyingKey, Option<Value>, String)> {
        let m = lading_pki::bundle::MessageSignature::from_json(&bundle).map_err(|e| {
            let hint =
                if bundle.get("dsseEnvelope").is_some() { " (check it with `lading verify-signature`)" } else { "" };
            anyhow!("{name}: {e}{hint}")
        })?;
        if &m.digest != digest.as_bytes() {
            bail!(
                "{file} has SHA-256 {}, but {name} signs {}: not the signed file",
                digest.to_hex(),
                hex::encode(m.digest)
            );
        }
        let (key, path, path_text) = match &args.pubkey {
            Some(p) => {
                let key = fsio::read_public_key(p)?;
                if let Some(hint) = m.hint.as_deref().filter(|h| *h != key.key_id().as_str()) {
                    bail!("{name} names key {hint}, not {} ({})", key.key_id(), p.display());
                }
                (key, None, String::new())
            }
            None => {
                let (chain, timestamps) = lading_pki::bundle::read_material(&bundle).with_context(|| name.clone())?;
                let (roots, crls) = pki::read_trust(&args.ca, &args.crl)?;
                let (tsa_roots, _) = pki::read_trust(&args.tsa_ca, &[])?;
                // The timestamps are over the signature bytes, as Sigstore's verifiers check them.
                let (time, stamps) = super::timestamp::establish_time_over(
                    &timestamps,
                    &m.signature,
                    &tsa_roots,
                    &crls,
                    args.at.as_deref(),
                )
                .with_context(|| name.clone())?;
                let options = lading_pki::Options::at(time.at).with_crls(&crls);
                let path =
                    lading_pki::validate(&chain, &roots, &options).map_err(|e| anyhow!("certificate path: {e}"))?;
                let key = lading_pki::path::certified_key(&chain[0])?;
                let mut report = pki::path_json(&path, &time);
                report["timestamps"] = json!(stamps);
                (key, Some(report), pki::path_text(&path, &time))
            }
        };
        key.verify(&bytes, &m.signature).map_err(|e| anyhow!("{name}: the signature over {file}: {e}"))?;
        Ok((key, path, path_text))
    })();
    match result {
        Ok((key, path, path_text)) => {
            if json_out {
                let mut v = path.unwrap_or_else(|| json!({}));
                v["ok"] = json!(true);
                v["valid"] = json!(true);
                v["file"] = json!(file);
                v["sha256"] = json!(digest.to_hex());
                v["bundle"] = json!(name);
                v["keyid"] = json!(key.key_id().as_str());
                v["algorithm"] = json!(key.algorithm().name());
                output::json_line(&v)?;
            } else {
                let mut text = format!(
                    "OK: {file}: valid {} signature by {} over sha256:{}",
                    key.algorithm(),
                    key.key_id(),
                    digest.to_hex()
                );
                if !path_text.is_empty() {
                    text.push('\n');
                    text.push_str(&path_text);
                }
                output::line(&text)?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            if json_out {
                output::json_line(&json!({
                    "ok": false, "valid": false, "file": file, "bundle": name, "reason": format!("{e:#}"),
                }))?;
            }
            eprintln!("FAIL: {e:#}");
            Ok(ExitCode::from(1))
        }
    }
}
