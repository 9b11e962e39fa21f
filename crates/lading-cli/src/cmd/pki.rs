//! `lading pki …`: the test CA, and the certificate helpers `sign` and `verify-signature` share.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context as _, Result, anyhow, bail};
use chrono::{DateTime, Duration, Utc};
use lading_pki::issue::{CertProfile, IssueRequest, Revoked, issue_certificate, issue_crl};
use lading_pki::{Certificate, CertificateList, Identity};
use serde_json::{Value, json};

use crate::cli::pki::{CertProfileArg, PkiCrlArgs, PkiInitCaArgs, PkiIssueArgs, PkiShowArgs, PkiValidityArgs};
use crate::{fsio, output};

/// The largest certificate or CRL file read.
pub(crate) const MAX_PKI_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// An RFC 3339 time named `what` in errors.
pub(crate) fn parse_time(text: &str, what: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .with_context(|| format!("{what} {text:?} is not an RFC 3339 time (e.g. 2026-12-05T09:00:00Z)"))
}

/// Certificates from a PEM or DER file; errors name the file and the position.
pub(crate) fn read_certificates(path: &Path) -> Result<Vec<Certificate>> {
    let bytes = fsio::read_limited(path, MAX_PKI_FILE_BYTES)?;
    lading_pki::parse_certificates(&bytes).with_context(|| format!("{}", path.display()))
}

/// CRLs from a PEM or DER file.
pub(crate) fn read_crls(path: &Path) -> Result<Vec<CertificateList>> {
    let bytes = fsio::read_limited(path, MAX_PKI_FILE_BYTES)?;
    lading_pki::parse_crls(&bytes).with_context(|| format!("{}", path.display()))
}

/// The identity as JSON.
pub(crate) fn identity_json(id: &Identity) -> Value {
    json!({
        "subject": id.subject,
        "common_name": id.common_name,
        "organization": id.organization,
        "organization_identifier": id.organization_identifier,
        "subject_serial_number": id.subject_serial_number,
        "issuer": id.issuer,
        "serial": id.serial,
        "not_before": id.not_before.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "not_after": id.not_after.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    })
}

/// The identity as indented lines.
pub(crate) fn identity_text(id: &Identity) -> String {
    let mut text = format!("  subject: {}\n", id.subject);
    if let Some(o) = &id.organization_identifier {
        text.push_str(&format!("  organizationIdentifier: {o}\n"));
    }
    if let Some(s) = &id.subject_serial_number {
        text.push_str(&format!("  serialNumber: {s}\n"));
    }
    text.push_str(&format!("  issuer: {}\n  serial: {}\n", id.issuer, id.serial));
    text.push_str(&format!(
        "  valid: {} to {}",
        id.not_before.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        id.not_after.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    ));
    text
}

fn validity(args: &PkiValidityArgs) -> Result<(DateTime<Utc>, DateTime<Utc>)> {
    let not_before = match &args.not_before {
        Some(t) => parse_time(t, "--not-before")?,
        None => Utc::now(),
    };
    let not_after = match &args.not_after {
        Some(t) => parse_time(t, "--not-after")?,
        None => not_before + Duration::days(i64::from(args.days)),
    };
    Ok((not_before, not_after))
}

fn subject_key(path: &Path) -> Result<lading_crypto::VerifyingKey> {
    crate::keys::public_key(path)
}

fn parse_serial(text: &str) -> Result<Vec<u8>> {
    let digits = text.trim_start_matches("0x");
    let padded = if digits.len() % 2 == 1 { format!("0{digits}") } else { digits.to_owned() };
    let mut bytes = hex::decode(&padded).with_context(|| format!("serial {text:?} is not hex"))?;
    while bytes.len() > 1 && bytes[0] == 0 && bytes[1] < 0x80 {
        bytes.remove(0);
    }
    if bytes.first().is_some_and(|b| *b >= 0x80) {
        bytes.insert(0, 0);
    }
    if bytes.iter().all(|b| *b == 0) {
        bail!("serial {text:?} must be positive");
    }
    Ok(bytes)
}

fn first_certificate(path: &Path) -> Result<(Certificate, Vec<Certificate>)> {
    let mut certs = read_certificates(path)?;
    if certs.is_empty() {
        bail!("{}: no certificate", path.display());
    }
    let first = certs.remove(0);
    Ok((first, certs))
}

fn is_self_signed(cert: &Certificate) -> bool {
    cert.tbs_certificate().subject() == cert.tbs_certificate().issuer()
}

fn report(json_out: bool, what: &str, out: &Path, cert: &Certificate) -> Result<ExitCode> {
    let id = Identity::of(cert);
    if json_out {
        output::json_line(&json!({ "ok": true, "out": out, "certificate": identity_json(&id) }))?;
    } else {
        output::line(&format!("{what} → {}\n{}", out.display(), identity_text(&id)))?;
    }
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn init_ca(args: &PkiInitCaArgs, json_out: bool) -> Result<ExitCode> {
    let key = crate::keys::signer(&args.key)?;
    let (not_before, not_after) = validity(&args.validity)?;
    let request =
        IssueRequest::self_signed(&args.subject, CertProfile::Ca { path_len: args.path_len }, not_before, not_after);
    let cert = issue_certificate(&request, &key)?;
    fsio::write_output(&args.out, lading_pki::certificates_to_pem(std::slice::from_ref(&cert))?.as_bytes())?;
    report(json_out, &format!("self-signed {} root CA", key.algorithm()), &args.out, &cert)
}

pub(crate) fn issue(args: &PkiIssueArgs, json_out: bool) -> Result<ExitCode> {
    let (ca, ca_chain) = first_certificate(&args.ca_cert)?;
    let ca_key = crate::keys::signer(&args.ca_key)?;
    let key = subject_key(&args.subject_key)?;
    let (not_before, not_after) = validity(&args.validity)?;
    let profile = match args.profile {
        CertProfileArg::Ca => CertProfile::Ca { path_len: args.path_len },
        CertProfileArg::Signer => CertProfile::Signer,
        CertProfileArg::Tsa => CertProfile::TimeStamping,
    };
    if args.path_len.is_some() && !matches!(args.profile, CertProfileArg::Ca) {
        bail!("--path-len applies to --profile ca only");
    }
    let mut request = IssueRequest::issued_by(&args.subject, &ca, &key, profile, not_before, not_after);
    request.serial = args.serial.as_deref().map(parse_serial).transpose()?;
    let cert = issue_certificate(&request, &ca_key)
        .with_context(|| format!("cannot issue from {}", args.ca_cert.display()))?;
    let mut chain = vec![cert.clone()];
    if !is_self_signed(&ca) {
        chain.push(ca);
    }
    chain.extend(ca_chain.into_iter().filter(|c| !is_self_signed(c)));
    fsio::write_output(&args.out, lading_pki::certificates_to_pem(&chain)?.as_bytes())?;
    report(
        json_out,
        &format!("issued {} {:?} certificate", key.algorithm(), args.profile).to_lowercase(),
        &args.out,
        &cert,
    )
}

pub(crate) fn crl(args: &PkiCrlArgs, json_out: bool) -> Result<ExitCode> {
    let (ca, _) = first_certificate(&args.ca_cert)?;
    let ca_key = crate::keys::signer(&args.ca_key)?;
    let this_update = match &args.this_update {
        Some(t) => parse_time(t, "--this-update")?,
        None => Utc::now(),
    };
    let next_update = match &args.next_update {
        Some(t) => parse_time(t, "--next-update")?,
        None => this_update + Duration::days(i64::from(args.days)),
    };
    let mut revoked = Vec::new();
    for item in &args.revoke {
        let (serial, at) = match item.split_once('@') {
            Some((s, t)) => (s, parse_time(t, "--revoke time")?),
            None => (item.as_str(), this_update),
        };
        revoked.push(Revoked { serial: parse_serial(serial)?, at });
    }
    let list = issue_crl(&ca, &ca_key, args.number, this_update, next_update, &revoked)
        .map_err(|e| anyhow!("cannot make the CRL of {}: {e}", args.ca_cert.display()))?;
    fsio::write_output(&args.out, lading_pki::crl_to_pem(&list)?.as_bytes())?;
    let serials: Vec<String> = revoked.iter().map(|r| hex::encode(&r.serial)).collect();
    if json_out {
        output::json_line(&json!({
            "ok": true, "out": args.out, "issuer": Identity::of(&ca).subject, "number": args.number,
            "this_update": this_update.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            "next_update": next_update.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            "revoked": serials,
        }))?;
    } else {
        output::line(&format!(
            "CRL #{} of {} → {} (revokes {})",
            args.number,
            Identity::of(&ca).subject,
            args.out.display(),
            if serials.is_empty() { "nothing".to_owned() } else { serials.join(", ") }
        ))?;
    }
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn show(args: &PkiShowArgs, json_out: bool) -> Result<ExitCode> {
    let mut all = Vec::new();
    for file in &args.files {
        for (i, cert) in read_certificates(file)?.iter().enumerate() {
            let id = Identity::of(cert);
            if !json_out {
                output::line(&format!("{} #{i}:\n{}", file.display(), identity_text(&id)))?;
            }
            all.push(json!({ "file": file, "position": i, "certificate": identity_json(&id) }));
        }
    }
    if json_out {
        output::json_line(&json!({ "ok": true, "certificates": all }))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The time certificates are judged at, and where it came from.
pub(crate) struct SigningTime {
    pub(crate) at: DateTime<Utc>,
    pub(crate) source: String,
}

impl SigningTime {
    /// `--at`, else now.
    pub(crate) fn from_flag(at: Option<&str>) -> Result<Self> {
        Ok(match at {
            Some(t) => SigningTime { at: parse_time(t, "--at")?, source: "--at".into() },
            None => SigningTime { at: Utc::now(), source: "now (no trusted timestamp, no --at)".into() },
        })
    }
}

/// Trusted roots and CRLs from files.
pub(crate) fn read_trust(
    ca: &[std::path::PathBuf],
    crl: &[std::path::PathBuf],
) -> Result<(Vec<Certificate>, Vec<CertificateList>)> {
    let mut roots = Vec::new();
    for path in ca {
        roots.extend(read_certificates(path)?);
    }
    let mut crls = Vec::new();
    for path in crl {
        crls.extend(read_crls(path)?);
    }
    Ok((roots, crls))
}

fn revocation_text(r: &lading_pki::path::Revocation) -> String {
    use lading_pki::path::Revocation;
    let ts = |t: &DateTime<Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    match r {
        Revocation::Anchor => "trust anchor".into(),
        Revocation::NotChecked => "not checked (no CRL of its issuer given)".into(),
        Revocation::Good { crl_this_update } => format!("not revoked (CRL of {})", ts(crl_this_update)),
        Revocation::RevokedLater { revoked_at } => {
            format!("revoked later, at {} (after the signing time)", ts(revoked_at))
        }
    }
}

/// A validated path as JSON.
pub(crate) fn path_json(path: &lading_pki::ValidatedPath, time: &SigningTime) -> Value {
    let chain: Vec<Value> = path
        .certificates
        .iter()
        .map(|c| {
            let mut v = identity_json(&c.identity);
            v["position"] = json!(c.position.to_string());
            v["revocation"] = json!(revocation_text(&c.revocation));
            v
        })
        .collect();
    json!({
        "signer": identity_json(path.signer()),
        "anchor": path.anchor().subject,
        "chain": chain,
        "time": time.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "time_source": time.source,
    })
}

/// A validated path as text.
pub(crate) fn path_text(path: &lading_pki::ValidatedPath, time: &SigningTime) -> String {
    let mut text = format!("signed by:\n{}\n", identity_text(path.signer()));
    text.push_str(&format!(
        "  time: {} (from {})\n  chain:",
        time.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        time.source
    ));
    for c in &path.certificates {
        text.push_str(&format!("\n    {}: {} — {}", c.position, c.identity.subject, revocation_text(&c.revocation)));
    }
    text
}

pub(crate) fn verify(args: &crate::cli::pki::PkiVerifyArgs, json_out: bool) -> Result<ExitCode> {
    use crate::cli::pki::PurposeArg;
    let chain = read_certificates(&args.chain)?;
    let (roots, crls) = read_trust(&args.ca, &args.crl)?;
    let time = SigningTime::from_flag(args.at.as_deref())?;
    let purpose = match args.purpose {
        PurposeArg::Signer => lading_pki::Purpose::DocumentSigning,
        PurposeArg::Tsa => lading_pki::Purpose::TimeStamping,
        PurposeArg::Any => lading_pki::Purpose::Any,
    };
    let options = lading_pki::Options::at(time.at).for_purpose(purpose).with_crls(&crls);
    let name = args.chain.display().to_string();
    match lading_pki::validate(&chain, &roots, &options) {
        Ok(path) => {
            if json_out {
                let mut v = path_json(&path, &time);
                v["ok"] = json!(true);
                v["valid"] = json!(true);
                v["chain_file"] = json!(name);
                output::json_line(&v)?;
            } else {
                output::line(&format!("OK: {name}: valid certificate path\n{}", path_text(&path, &time)))?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            if json_out {
                output::json_line(
                    &json!({ "ok": false, "valid": false, "chain_file": name, "reason": e.to_string() }),
                )?;
            }
            eprintln!("FAIL: {name}: {e}");
            Ok(ExitCode::from(1))
        }
    }
}
