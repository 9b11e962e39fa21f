//! `lading key …`

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, Result};
use lading_crypto::{SigningKey, VerifyingKey};
use serde_json::json;

use crate::cli::{KeyGenerateArgs, KeyShowArgs};
use crate::{fsio, output};

/// `PREFIX.key` and `PREFIX.pub`.
pub(crate) fn key_paths(prefix: &Path) -> (PathBuf, PathBuf) {
    let with = |ext: &str| {
        let mut p = prefix.as_os_str().to_owned();
        p.push(ext);
        PathBuf::from(p)
    };
    (with(".key"), with(".pub"))
}

/// Generates a key pair and writes it under `prefix`; returns the key.
pub(crate) fn generate_to(alg: lading_crypto::Algorithm, prefix: &Path, force: bool) -> Result<SigningKey> {
    let key = SigningKey::generate(alg)?;
    let (private_path, public_path) = key_paths(prefix);
    let pem = key.to_pkcs8_pem()?;
    fsio::write_new(&private_path, pem.as_bytes(), 0o600, force)?;
    fsio::write_new(&public_path, key.verifying_key().to_spki_pem().as_bytes(), 0o644, force)?;
    Ok(key)
}

pub(crate) fn generate(args: &KeyGenerateArgs, json: bool) -> Result<ExitCode> {
    let key = generate_to(args.alg.into(), &args.out, args.force)?;
    let (private_path, public_path) = key_paths(&args.out);
    let keyid = key.verifying_key().key_id();
    if json {
        output::json_line(&json!({
            "ok": true,
            "algorithm": key.algorithm().name(),
            "keyid": keyid.as_str(),
            "private_key": private_path,
            "public_key": public_path,
        }))?;
    } else {
        output::line(&format!(
            "generated {} key {keyid}\n  private: {} (mode 0600)\n  public:  {}",
            key.algorithm(),
            private_path.display(),
            public_path.display()
        ))?;
    }
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn show(args: &KeyShowArgs, json: bool) -> Result<ExitCode> {
    let pem = fsio::read_text(&args.file, fsio::MAX_KEY_BYTES)?;
    let (public, private) = if pem.contains("-----BEGIN PUBLIC KEY-----") {
        (VerifyingKey::from_spki_pem(&pem).with_context(|| format!("cannot read {}", args.file.display()))?, false)
    } else {
        (crate::keys::signer(&args.file)?.verifying_key(), true)
    };
    // An Ed25519 key is also a did:key: the issuer id of its credentials.
    let did = match &public {
        VerifyingKey::Ed25519(k) => Some(lading_crypto::di::did_key(k)),
        _ => None,
    };
    if json {
        output::json_line(&json!({
            "ok": true,
            "algorithm": public.algorithm().name(),
            "keyid": public.key_id().as_str(),
            "did": did,
            "private": private,
            "public_key_pem": public.to_spki_pem(),
        }))?;
    } else {
        output::line(&format!(
            "{} {} key {}{}",
            public.algorithm(),
            if private { "private" } else { "public" },
            public.key_id(),
            did.map(|d| format!(" {d}")).unwrap_or_default()
        ))?;
    }
    Ok(ExitCode::SUCCESS)
}
