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
    (fsio::with_suffix(prefix, ".key"), fsio::with_suffix(prefix, ".pub"))
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

/// `key generate --pkcs11 URI`: the key pair is made inside the token;
/// only the public key is written.
fn generate_in_token(args: &KeyGenerateArgs, uri: &str, json: bool) -> Result<ExitCode> {
    let uri = crate::keys::parse_uri(uri, None)?;
    let (_, public_path) = key_paths(&args.out);
    // Refuse before touching the token when the file cannot be written.
    if public_path.exists() && !args.force {
        anyhow::bail!("{} exists (use --force to replace it)", public_path.display());
    }
    let public = lading_pkcs11::generate(&uri, &crate::keys::pkcs11_fallbacks(), args.alg.into())?;
    fsio::write_new(&public_path, public.to_spki_pem().as_bytes(), 0o644, args.force)?;
    let keyid = public.key_id();
    if json {
        output::json_line(&json!({
            "ok": true, "algorithm": public.algorithm().name(), "keyid": keyid.as_str(),
            "pkcs11_uri": uri.to_string(), "public_key": public_path,
        }))?;
    } else {
        output::line(&format!(
            "generated {} key {keyid} in the token\n  private: {uri} (sensitive, not extractable)\n  public:  {}",
            public.algorithm(),
            public_path.display()
        ))?;
    }
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn generate(args: &KeyGenerateArgs, json: bool) -> Result<ExitCode> {
    if let Some(uri) = &args.pkcs11 {
        return generate_in_token(args, uri, json);
    }
    let key = if args.encrypt {
        let passphrase = crate::keys::passphrase("passphrase for the new key: ", true)?;
        let key = SigningKey::generate(args.alg.into())?;
        let (private_path, public_path) = key_paths(&args.out);
        let pem = key.to_encrypted_pkcs8_pem(passphrase.as_bytes())?;
        fsio::write_new(&private_path, pem.as_bytes(), 0o600, args.force)?;
        fsio::write_new(&public_path, key.verifying_key().to_spki_pem().as_bytes(), 0o644, args.force)?;
        key
    } else {
        generate_to(args.alg.into(), &args.out, args.force)?
    };
    let (private_path, public_path) = key_paths(&args.out);
    let keyid = key.verifying_key().key_id();
    if json {
        output::json_line(&json!({
            "ok": true,
            "algorithm": key.algorithm().name(),
            "keyid": keyid.as_str(),
            "private_key": private_path,
            "public_key": public_path,
            "encrypted": args.encrypt,
        }))?;
    } else {
        output::line(&format!(
            "generated {} key {keyid}\n  private: {} (mode 0600{})\n  public:  {}",
            key.algorithm(),
            if args.encrypt { ", encrypted" } else { "" },
            private_path.display(),
            public_path.display()
        ))?;
    }
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn show(args: &KeyShowArgs, json: bool) -> Result<ExitCode> {
    let uri = args.file.to_str().filter(|t| lading_pkcs11::is_pkcs11_uri(t));
    let pem = match uri {
        Some(_) => String::new(),
        None => fsio::read_text(&args.file, fsio::MAX_KEY_BYTES)?,
    };
    let (public, private) = if uri.is_some() {
        (crate::keys::public_key(&args.file)?, true)
    } else if pem.contains("-----BEGIN PUBLIC KEY-----") {
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
