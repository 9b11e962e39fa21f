//! `lading credential …` and `lading trust-list …`: Verifiable Credentials
//! and the pilot zone's white list, over `lading-trust`.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context as _, Result, anyhow, bail};
use chrono::{DateTime, Utc};
use lading_crypto::{Envelope, VerifyingKey};
use lading_trust::credential;
use lading_trust::trustlist::{
    Deliverable, Operator, Role, ServiceKey, Status, StatusChange, TrustList, TrustedEntity,
};
use serde_json::{Value, json};

use crate::cli::{
    CredentialSignArgs, CredentialVerifyArgs, TrustListAddArgs, TrustListNewArgs, TrustListSetStatusArgs,
    TrustListShowArgs, TrustListSignArgs,
};
use crate::{fsio, output};

/// An RFC 3339 time from a flag, or now.
pub(crate) fn time_or_now(arg: Option<&str>, flag: &str) -> Result<DateTime<Utc>> {
    match arg {
        None => Ok(now()),
        Some(s) => DateTime::parse_from_rfc3339(s)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|e| anyhow!("{flag} {s:?} is not an RFC 3339 time (e.g. 2026-11-27T09:00:00Z): {e}")),
    }
}

/// Now, to the second (lists and proofs carry whole seconds).
pub(crate) fn now() -> DateTime<Utc> {
    let t = Utc::now();
    DateTime::from_timestamp(t.timestamp(), 0).unwrap_or(t)
}

/// The Ed25519 key `--key` names (Data Integrity proofs here are eddsa-jcs-2022).
pub(crate) fn ed25519_key(path: &Path) -> Result<crate::keys::Ed25519Key> {
    crate::keys::ed25519_key(path, "credentials are signed with eddsa-jcs-2022")
}

fn read_json_value(path: &Path) -> Result<Value> {
    let bytes = fsio::read_limited(path, fsio::MAX_DOCUMENT_BYTES)?;
    lading_model::json::parse_strict(&bytes).with_context(|| format!("{} is not acceptable JSON", path.display()))
}

pub(crate) fn credential_sign(args: &CredentialSignArgs, json_out: bool) -> Result<ExitCode> {
    let unsigned = read_json_value(&args.credential)?;
    let key = ed25519_key(&args.key)?;
    let created = time_or_now(args.created.as_deref(), "--created")?;
    let signed = credential::issue(&unsigned, &key, created).with_context(|| args.credential.display().to_string())?;
    let text = serde_json::to_string_pretty(&signed)? + "\n";
    match &args.out {
        Some(out) => {
            fsio::write_output(out, text.as_bytes())?;
            if json_out {
                output::json_line(&json!({ "ok": true, "out": out, "issuer": signed["issuer"] }))?;
            } else {
                output::line(&format!("signed {} as {}", out.display(), di_issuer(&signed)))?;
            }
        }
        None => print!("{text}"),
    }
    Ok(ExitCode::SUCCESS)
}

fn di_issuer(v: &Value) -> String {
    v["proof"]["verificationMethod"].as_str().and_then(|m| m.split('#').next()).unwrap_or("?").to_owned()
}

pub(crate) fn credential_verify(args: &CredentialVerifyArgs, json_out: bool) -> Result<ExitCode> {
    let value = read_json_value(&args.credential)?;
    let at = time_or_now(args.at.as_deref(), "--at")?;
    let result = credential::verify(&value, at);
    // The status is checked only for a credential that verifies.
    let status = match &result {
        Ok(_) if args.status_list.is_empty() && !args.online => Some(Ok(Vec::new())),
        Ok(v) => Some(
            (if args.online { crate::cmd::status::Online::new(args.cache.as_deref()).map(Some) } else { Ok(None) })
                .and_then(|online| {
                    crate::cmd::status::check_entries(&value, &v.shape.issuer, &args.status_list, online.as_ref(), at)
                }),
        ),
        Err(_) => None,
    };
    let has_entries = lading_trust::status_list::entries(&value).is_ok_and(|e| !e.is_empty());
    let unchecked = has_entries && args.status_list.is_empty() && !args.online;
    let (overall, ok) = match &status {
        None => ("invalid", false),
        Some(Err(_)) => ("status unknown", false),
        Some(Ok(_)) if unchecked => ("valid, status not checked", true),
        Some(Ok(entries)) => match entries.iter().find(|e| e.status != "valid") {
            Some(e) => (e.status, false),
            None => ("valid", true),
        },
    };
    if json_out {
        output::json_line(&match (&result, &status) {
            (Ok(v), Some(Ok(entries))) => json!({
                "ok": ok,
                "status": overall,
                "issuer": v.shape.issuer,
                "types": v.shape.types,
                "id": v.shape.id,
                "valid_from": v.shape.valid_from,
                "valid_until": v.shape.valid_until,
                "created": v.proof.created,
                "status_checked": !unchecked,
                "statuses": entries,
            }),
            (Ok(_), Some(Err(e))) => json!({ "ok": false, "status": overall, "error": format!("{e:#}") }),
            (Err(e), _) => json!({ "ok": false, "status": overall, "error": e.to_string() }),
            (Ok(_), None) => json!({ "ok": false }),
        })?;
    } else {
        match (&result, &status) {
            (Ok(v), Some(Ok(entries))) => {
                output::line(&format!(
                    "{overall}: {} issued by {} (proof created {})",
                    v.shape.types.join(", "),
                    v.shape.issuer,
                    v.proof.created.to_rfc3339()
                ))?;
                for e in entries {
                    output::line(&format!(
                        "  {}: {}{} — index {} of {} (issuer {}, version {}, issued {}, {} s old; {})",
                        e.purpose,
                        e.status,
                        e.since.map(|t| format!(" since {}", t.to_rfc3339())).unwrap_or_default(),
                        e.index,
                        e.list,
                        e.list_issuer,
                        e.version.map_or_else(|| "unnumbered".to_owned(), |s| s.to_string()),
                        e.issued.to_rfc3339(),
                        e.age_seconds,
                        e.source
                    ))?;
                }
                if unchecked {
                    eprintln!(
                        "{}: the credential has a credentialStatus; give --status-list to check it",
                        args.credential.display()
                    );
                }
            }
            (Ok(_), Some(Err(e))) => eprintln!("{}: status unknown: {e:#}", args.credential.display()),
            (Err(e), _) => eprintln!("{}: not valid: {e}", args.credential.display()),
            (Ok(_), None) => {}
        }
    }
    Ok(if ok { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

fn read_list(path: &Path) -> Result<TrustList> {
    let bytes = fsio::read_limited(path, fsio::MAX_DOCUMENT_BYTES)?;
    TrustList::parse(&bytes).with_context(|| format!("{} is not a trust list", path.display()))
}

fn write_list(path: &Path, list: &TrustList) -> Result<()> {
    fsio::write_output(path, (serde_json::to_string_pretty(list)? + "\n").as_bytes())
}

/// A public key from a public or private key file.
fn public_key(path: &Path) -> Result<VerifyingKey> {
    crate::keys::public_key(path)
}

pub(crate) fn list_new(args: &TrustListNewArgs, json_out: bool) -> Result<ExitCode> {
    let key = public_key(&args.key)?;
    let operator = Operator { name: args.operator.clone(), zone: args.zone.clone(), key_id: key.key_id().to_string() };
    let list = TrustList::new(operator, now());
    let text = serde_json::to_string_pretty(&list)? + "\n";
    fsio::write_new(&args.list, text.as_bytes(), 0o644, false)?;
    if json_out {
        output::json_line(&json!({ "ok": true, "list": args.list, "operator_key_id": list.operator.key_id }))?;
    } else {
        output::line(&format!("created {} for {} ({})", args.list.display(), args.operator, args.zone))?;
    }
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn list_add(args: &TrustListAddArgs, json_out: bool) -> Result<ExitCode> {
    let mut list = read_list(&args.list)?;
    if list.entity(&args.id).is_some() {
        bail!(
            "{}: {:?} is already listed; use `lading trust-list set-status` to change it",
            args.list.display(),
            args.id
        );
    }
    let from = time_or_now(args.from.as_deref(), "--from")?;
    let until = args.until.as_deref().map(|u| time_or_now(Some(u), "--until")).transpose()?;
    let scope = args
        .scope
        .iter()
        .map(|s| s.parse::<Deliverable>().map_err(|e| anyhow!("--scope: {e}")))
        .collect::<Result<Vec<_>>>()?;
    let keys = args
        .pubkey
        .iter()
        .map(|p| {
            let k = fsio::read_public_key(p)?;
            let did = match &k {
                VerifyingKey::Ed25519(e) => Some(lading_crypto::di::did_key(e)),
                _ => None,
            };
            Ok(ServiceKey {
                key_id: k.key_id().to_string(),
                public_key: k.to_spki_pem(),
                did,
                valid_from: from,
                valid_until: until,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let mut certificate_authorities = Vec::new();
    for path in &args.ca {
        for cert in super::pki::read_certificates(path)? {
            certificate_authorities.push(lading_pki::certificates_to_pem(std::slice::from_ref(&cert))?);
        }
    }
    let role = if args.role == "provider" { Role::Provider } else { Role::CertificationBody };
    list.entries.push(TrustedEntity {
        // Stored in NFC: the same id typed on another keyboard is the same id.
        id: lading_trust::trustlist::normalise_entity_id(&args.id),
        legal_name: args.legal_name.clone(),
        registration_id: args.registration_id.clone(),
        zone: args.zone.clone().unwrap_or_else(|| list.operator.zone.clone()),
        role,
        scope,
        keys,
        certificate_authorities,
        status_history: vec![StatusChange { status: Status::Granted, at: from, reason: args.reason.clone() }],
    });
    check_draft(&list, &args.list)?;
    write_list(&args.list, &list)?;
    if json_out {
        output::json_line(&json!({ "ok": true, "list": args.list, "id": args.id, "entries": list.entries.len() }))?;
    } else {
        output::line(&format!("listed {} ({role}) in {}", args.id, args.list.display()))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Checks a draft's entries as signing will, so mistakes surface when made.
fn check_draft(list: &TrustList, path: &Path) -> Result<()> {
    let mut probe = list.clone();
    probe.next_update = probe.issued_at + chrono::Duration::days(1);
    probe.check().with_context(|| format!("{} would not be a valid list", path.display()))
}

pub(crate) fn list_set_status(args: &TrustListSetStatusArgs, json_out: bool) -> Result<ExitCode> {
    let mut list = read_list(&args.list)?;
    let at = time_or_now(args.at.as_deref(), "--at")?;
    let status = match args.status.as_str() {
        "granted" => Status::Granted,
        "suspended" => Status::Suspended,
        _ => Status::Withdrawn,
    };
    let entity = list
        .entries
        .iter_mut()
        .find(|e| e.id == args.id)
        .ok_or_else(|| anyhow!("{}: no entity {:?} on the list", args.list.display(), args.id))?;
    entity.status_history.push(StatusChange { status, at, reason: args.reason.clone() });
    check_draft(&list, &args.list)?;
    write_list(&args.list, &list)?;
    if json_out {
        output::json_line(&json!({ "ok": true, "id": args.id, "status": args.status, "at": at }))?;
    } else {
        output::line(&format!("{} is {} from {}", args.id, args.status, at.to_rfc3339()))?;
    }
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn list_sign(args: &TrustListSignArgs, json_out: bool) -> Result<ExitCode> {
    let mut list = read_list(&args.list)?;
    let key = crate::keys::signer(&args.key)?;
    let envelope = list
        .sign(&key, now(), chrono::Duration::days(i64::from(args.next_update_days.max(1))))
        .with_context(|| format!("signing {}", args.list.display()))?;
    let text = serde_json::to_string_pretty(&envelope.to_json())? + "\n";
    fsio::write_output(&args.out, text.as_bytes())?;
    write_list(&args.list, &list)?;
    if json_out {
        output::json_line(&json!({
            "ok": true, "out": args.out, "sequence_number": list.sequence_number, "next_update": list.next_update,
        }))?;
    } else {
        output::line(&format!(
            "signed {} as sequence {} (next update {})",
            args.out.display(),
            list.sequence_number,
            list.next_update.to_rfc3339()
        ))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Reads a signed list (checked with `operator`) or an unsigned one.
pub(crate) fn open_list(path: &Path, operator: Option<&VerifyingKey>) -> Result<(TrustList, bool)> {
    let value = read_json_value(path)?;
    if value.get("payloadType").is_some() {
        let key =
            operator.ok_or_else(|| anyhow!("{} is a signed list: give the operator's --pubkey", path.display()))?;
        let envelope = Envelope::from_json(&value).with_context(|| path.display().to_string())?;
        Ok((TrustList::open_signed(&envelope, key).with_context(|| path.display().to_string())?, true))
    } else {
        Ok((read_list(path)?, false))
    }
}

pub(crate) fn list_show(args: &TrustListShowArgs, json_out: bool) -> Result<ExitCode> {
    let operator = args.pubkey.as_deref().map(public_key).transpose()?;
    let (list, signed) = open_list(&args.list, operator.as_ref())?;
    let at = time_or_now(args.at.as_deref(), "--at")?;
    let status = |e: &TrustedEntity| e.status_at(at).map_or("not yet granted".to_owned(), |s| s.status.to_string());
    if json_out {
        let entries: Vec<Value> = list
            .entries
            .iter()
            .map(|e| {
                json!({
                    "id": e.id, "legal_name": e.legal_name, "role": e.role.to_string(), "zone": e.zone,
                    "scope": e.scope, "status": status(e), "keys": e.keys.iter().map(|k| &k.key_id).collect::<Vec<_>>(),
                })
            })
            .collect();
        output::json_line(&json!({
            "ok": true, "signed": signed, "operator": list.operator, "sequence_number": list.sequence_number,
            "issued_at": list.issued_at, "next_update": list.next_update, "at": at, "entries": entries,
        }))?;
    } else {
        output::line(&format!(
            "{} trust list of {} ({}), sequence {}, issued {}, next update {}{}",
            if signed { "signed" } else { "unsigned" },
            list.operator.name,
            list.operator.zone,
            list.sequence_number,
            list.issued_at.to_rfc3339(),
            list.next_update.to_rfc3339(),
            if signed && list.next_update < at { " — STALE" } else { "" }
        ))?;
        for e in &list.entries {
            let scope: Vec<&str> = e.scope.iter().map(|d| d.name()).collect();
            output::line(&format!(
                "  {:<20} {:<18} {:<16} {:<40} {}",
                e.id,
                e.role.to_string(),
                status(e),
                scope.join(","),
                e.legal_name
            ))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
