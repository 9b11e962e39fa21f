//! `lading bench pki`: certificate chain validation and RFC 3161 token
//! verification per second, next to `openssl speed ecdsap256` in the same run.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, anyhow};
use chrono::Utc;
use lading_crypto::{Algorithm, SigningKey};
use lading_pki::issue::{CertProfile, IssueRequest, issue_certificate};
use lading_pki::timestamp::{Authority, DEFAULT_POLICY, request, respond, verify};
use serde_json::json;

use crate::cli::BenchPkiArgs;
use crate::output;

/// Runs `f` repeatedly for about `secs` seconds; operations per second.
fn rate(secs: f64, mut f: impl FnMut() -> Result<()>) -> Result<f64> {
    let start = Instant::now();
    let mut n = 0u64;
    while start.elapsed() < Duration::from_secs_f64(secs) {
        f()?;
        n += 1;
    }
    Ok(n as f64 / start.elapsed().as_secs_f64())
}

/// `openssl speed -seconds S ecdsap256`: (signs/s, verifies/s) from its table line.
fn openssl_ecdsap256(secs: u32) -> Result<(f64, f64)> {
    let out = std::process::Command::new("openssl")
        .args(["speed", "-seconds", &secs.to_string(), "ecdsap256"])
        .output()
        .context("running openssl speed")?;
    anyhow::ensure!(out.status.success(), "openssl speed failed");
    let text = String::from_utf8_lossy(&out.stdout);
    // " 256 bits ecdsa (nistp256)   0.0000s   0.0001s  40000.0  13000.0"
    let line = text.lines().find(|l| l.contains("ecdsa (nistp256)")).ok_or_else(|| anyhow!("no nistp256 line"))?;
    let numbers: Vec<f64> = line.split_whitespace().filter_map(|w| w.parse().ok()).collect();
    match numbers.as_slice() {
        [.., sign, verify] => Ok((*sign, *verify)),
        _ => Err(anyhow!("unexpected openssl speed line {line:?}")),
    }
}

pub(crate) fn pki(args: &BenchPkiArgs, json_out: bool) -> Result<ExitCode> {
    let now = Utc::now();
    let year = chrono::Duration::days(365);
    let key = || SigningKey::generate(Algorithm::P256);
    let (root_key, int_key, leaf_key, tsa_key) = (key()?, key()?, key()?, key()?);
    let root = issue_certificate(
        &IssueRequest::self_signed("CN=Bench Root", CertProfile::Ca { path_len: None }, now, now + year),
        &root_key,
    )?;
    let int = issue_certificate(
        &IssueRequest::issued_by(
            "CN=Bench CA",
            &root,
            &int_key.verifying_key(),
            CertProfile::Ca { path_len: Some(0) },
            now,
            now + year,
        ),
        &root_key,
    )?;
    let leaf = issue_certificate(
        &IssueRequest::issued_by(
            "CN=Bench Signer",
            &int,
            &leaf_key.verifying_key(),
            CertProfile::Signer,
            now,
            now + year,
        ),
        &int_key,
    )?;
    let tsa = issue_certificate(
        &IssueRequest::issued_by(
            "CN=Bench TSA",
            &int,
            &tsa_key.verifying_key(),
            CertProfile::TimeStamping,
            now,
            now + year,
        ),
        &int_key,
    )?;
    let chain = [leaf, int.clone()];
    let roots = [root];
    let options = lading_pki::Options::at(now);
    let validations = rate(args.seconds, || {
        lading_pki::validate(&chain, &roots, &options)?;
        Ok(())
    })?;
    let data = b"a DSSE signature's bytes";
    let req = request(data, &[7; 16])?;
    let tsa_chain = [tsa, int];
    let reply =
        respond(&Authority { signer: &tsa_key, chain: &tsa_chain, policy: DEFAULT_POLICY }, &req.der, now, &[1]).reply;
    let tokens = rate(args.seconds, || {
        verify(&reply, data, &roots, &[])?;
        Ok(())
    })?;
    let message = b"one ECDSA verification";
    let signature = leaf_key.sign(message);
    let public = leaf_key.verifying_key();
    let ecdsa = rate(args.seconds, || {
        public.verify(message, &signature)?;
        Ok(())
    })?;
    let (openssl_sign, openssl_verify) = openssl_ecdsap256(args.seconds.ceil() as u32)?;
    if json_out {
        output::json_line(&json!({
            "ok": true,
            "chain_validations_per_s": validations,
            "token_verifications_per_s": tokens,
            "lading_ecdsap256_verify_per_s": ecdsa,
            "openssl_ecdsap256_verify_per_s": openssl_verify,
            "openssl_ecdsap256_sign_per_s": openssl_sign,
        }))?;
    } else {
        output::line(&format!(
            "chain validation (leaf, intermediate, cached root; 2 P-256 verifications): {validations:.0}/s\n\
             RFC 3161 token verification (imprint, CMS signature, TSA path of 3): {tokens:.0}/s\n\
             one P-256 verification: lading {ecdsa:.0}/s, openssl speed ecdsap256 {openssl_verify:.0}/s"
        ))?;
    }
    Ok(ExitCode::SUCCESS)
}
