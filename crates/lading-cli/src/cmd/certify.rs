//! `lading certify …`, `lading statement issue`, `lading bundle create` and
//! `lading verify`: certification, compliance statements, evidence bundles
//! and the offline verdict, over `lading-trust`.

use crate::cmd::credential_doc::CredentialView;
use lading_console::credential_sheet::CredentialKind;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context as _, Result, anyhow, bail};
use chrono::Utc;
use lading_crypto::VerifyingKey;
use lading_model::Sha256Digest;
use lading_trust::status_list::StatusPurpose;
use lading_trust::verify::{self as verdict, role};
use lading_trust::{credential, deliverable, profile};
use serde_json::{Value, json};

use crate::cli::{BundleCreateArgs, CertifyEvaluateArgs, CertifyIssueArgs, StatementIssueArgs};
use crate::cmd::status;
use crate::cmd::trust::{ed25519_key, open_list, time_or_now};
use crate::{fsio, output};

fn read(path: &Path) -> Result<Vec<u8>> {
    fsio::read_limited(path, lading_model::bundle::MAX_PACKAGE_BYTES)
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned())
}

/// The roots and CRLs a certification body judges certificate-bound deliverables with.
struct Anchors {
    ca: Vec<lading_pki::Certificate>,
    tsa: Vec<lading_pki::Certificate>,
    crls: Vec<lading_pki::CertificateList>,
    /// Bundle CRL members that do not parse: a failure of every certificate-bound deliverable.
    unreadable: Vec<String>,
}

impl Anchors {
    fn read(args: &CertifyEvaluateArgs, package: &lading_model::bundle::Package) -> Result<Self> {
        let (ca, mut crls) = crate::cmd::pki::read_trust(&args.ca, &args.crl)?;
        let (tsa, _) = crate::cmd::pki::read_trust(&args.tsa_ca, &[])?;
        // The bundle's own CRLs count only through their signatures, checked by path validation.
        let mut unreadable = Vec::new();
        for (m, b) in package.members(role::CRL) {
            match lading_pki::parse_crls(b) {
                Ok(found) => crls.extend(found),
                Err(e) => unreadable.push(format!("{}: {e}", m.path)),
            }
        }
        Ok(Anchors { ca, tsa, crls, unreadable })
    }

    /// The `certificate` checks of a certificate-bound deliverable whose
    /// envelope `key` (the provider's) signed.
    fn judge(
        &self,
        bundle: &lading_pki::bundle::CertificateBundle,
        key: &VerifyingKey,
        now: chrono::DateTime<Utc>,
    ) -> Vec<(String, Result<lading_trust::reason::Reason, lading_trust::reason::Reason>)> {
        use lading_trust::certified::{Fallback, Revocation};
        use lading_trust::reason::Reason;
        let fail = |why: String| vec![("certificate".to_owned(), Err(Reason::error(why)))];
        if self.ca.is_empty() {
            return fail(
                "the deliverable is certificate-bound: give --ca ROOT (the CA roots you accept) to validate its chain"
                    .into(),
            );
        }
        if !self.unreadable.is_empty() {
            return fail(format!("the bundle carries CRLs that do not parse: {}", self.unreadable.join("; ")));
        }
        // The certificate must be for the key that signed, or it names someone the signature does not bind.
        match bundle.chain.first().map(lading_pki::path::certified_key) {
            Some(Ok(leaf)) if &leaf == key => {}
            Some(Ok(leaf)) => {
                return fail(format!(
                    "the certificate certifies key {}, not {}, the provider's key that signed the deliverable",
                    leaf.key_id(),
                    key.key_id()
                ));
            }
            Some(Err(e)) => return fail(e.to_string()),
            None => return fail("the bundle carries no certificate".into()),
        }
        match lading_trust::certified::judge(bundle, &self.ca, &self.tsa, &self.crls, (now, Fallback::Evaluation)) {
            Ok(signer) => {
                // Evidence a body records; a chain revoked before the signing time already failed.
                let revocation = Revocation::of(&signer.path).reason(signer.at(), Fallback::Evaluation);
                let mut out = vec![
                    ("certificate".to_owned(), Ok(signer.reason())),
                    ("certificate: revocation".to_owned(), Ok(revocation)),
                ];
                if let Some(t) = signer.stamp() {
                    let tsa = Revocation::of(&t.path).reason(t.path.at, Fallback::Evaluation);
                    out.push(("certificate: timestamp revocation".to_owned(), Ok(tsa)));
                }
                out
            }
            Err(lading_trust::certified::CertifiedError::Timestamp { index, error }) => {
                vec![(format!("certificate: timestamp #{index}"), Err(Reason::error(error)))]
            }
            Err(e) => vec![("certificate".into(), Err(Reason::error(e)))],
        }
    }
}

/// The facts evaluation needs about each deliverable in a bundle.
fn facts_of(
    package: &lading_model::bundle::Package,
    key: &VerifyingKey,
    logs: Option<&lading_tlog::Policy>,
    anchors: &Anchors,
) -> Vec<profile::Facts> {
    let receipts = verdict::receipts(package);
    package
        .members(role::DELIVERABLE)
        .iter()
        .map(|(m, b)| match deliverable::examine(b) {
            Ok(x) => {
                let signer_ok = x.keyid == key.key_id().as_str();
                let checked = if signer_ok { deliverable::check(b, &x, key) } else { deliverable::Checked::default() };
                let logged = logs
                    .and_then(|p| verdict::find_receipt(&receipts, &x.registry_leaf(), p))
                    .map(|(_, witnesses)| witnesses.len());
                let mut integrity = checked.integrity.clone();
                if let Some(bundle) = &x.certificate {
                    integrity.extend(anchors.judge(bundle, key, chrono::SubsecRound::trunc_subsecs(Utc::now(), 0)));
                }
                if !signer_ok {
                    integrity.push((
                        "signer".into(),
                        Err(lading_trust::reason!(NotTheProvidersKey, key = x.keyid, provider_key = key.key_id())),
                    ));
                }
                profile::Facts {
                    name: m.path.clone(),
                    kind: x.kind,
                    sha256: x.sha256,
                    algorithm: (signer_ok && checked.ok()).then(|| key.algorithm().name().to_owned()),
                    document: checked.document,
                    integrity,
                    logged,
                    retention_days: checked.retention_days,
                    sboms: checked.sboms,
                    reproduction: None,
                }
            }
            Err(e) => profile::Facts {
                name: m.path.clone(),
                kind: lading_trust::trustlist::Deliverable::SaasRelease,
                sha256: Sha256Digest::of(b),
                algorithm: None,
                document: None,
                integrity: vec![("deliverable".into(), Err(lading_trust::reason::Reason::error(e)))],
                logged: None,
                retention_days: None,
                sboms: None,
                reproduction: None,
            },
        })
        .collect()
}

pub(crate) fn evaluate(args: &CertifyEvaluateArgs, json_out: bool) -> Result<ExitCode> {
    let profile_bytes = read(&args.profile)?;
    let profile =
        profile::SchemeProfile::parse(&profile_bytes).map_err(|e| anyhow!("{}: {e}", args.profile.display()))?;
    let package = lading_model::bundle::Package::from_zip(&read(&args.bundle)?)
        .with_context(|| args.bundle.display().to_string())?;
    let key = fsio::read_public_key(&args.provider_key)?;
    let logs = args
        .log_policy
        .as_deref()
        .map(|p| {
            let text = fsio::read_text(p, fsio::MAX_KEY_BYTES)?;
            lading_tlog::Policy::parse(&text).map_err(|e| anyhow!("{}: {e}", p.display()))
        })
        .transpose()?;
    let anchors = Anchors::read(args, &package)?;
    let mut facts = facts_of(&package, &key, logs.as_ref(), &anchors);
    if facts.is_empty() {
        bail!("{} holds no deliverable", args.bundle.display());
    }
    if let (Some(model), Some(images)) = (&args.inspect_model, &args.inspect_images) {
        let model = fsio::read_limited(model, 1 << 30)?;
        for f in facts.iter_mut().filter(|f| f.kind == lading_trust::trustlist::Deliverable::InspectionReport) {
            f.reproduction = Some(reproduce(f.document.as_ref(), &model, images));
        }
    }
    let report =
        profile::evaluate(&profile, Sha256Digest::of(&profile_bytes), key.key_id().as_str(), &facts, Utc::now());
    fsio::write_output(&args.out, (serde_json::to_string_pretty(&report)? + "\n").as_bytes())?;
    if json_out {
        output::json_line(&json!({ "ok": report.passed, "out": args.out, "report": report }))?;
    } else {
        for r in &report.results {
            output::line(&format!(
                "{:<8} {:<14} {:<40} {}",
                r.requirement,
                format!("{:?}", r.outcome).to_lowercase(),
                r.deliverable,
                r.evidence
            ))?;
        }
        output::line(&format!(
            "{} against {} {}: {}",
            args.out.display(),
            report.profile_id,
            report.profile_version,
            if report.passed { "PASSED" } else { "FAILED" }
        ))?;
    }
    Ok(if report.passed { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

/// Re-runs a signed inspection report with the evaluator's copy of the model and images.
fn reproduce(document: Option<&serde_json::Value>, model: &[u8], images: &Path) -> Result<(usize, f64), String> {
    let doc = document.ok_or("the signed document could not be read")?;
    let report: lading_model::inspection::InspectionReport =
        serde_json::from_value(doc.clone()).map_err(|e| format!("not an inspection report: {e}"))?;
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let r = lading_inspect::reproduce::reproduce(&report, model, images, None, threads, &|| {})
        .map_err(|e| e.to_string())?;
    if r.reproducible() {
        Ok((r.rerun, r.max_abs_diff))
    } else {
        let shown: Vec<String> = r
            .differences
            .iter()
            .take(5)
            .map(|d| {
                format!("{}{}: {}", d.item.as_deref().map(|i| format!("{i} ")).unwrap_or_default(), d.kind, d.detail)
            })
            .collect();
        Err(format!("not reproducible ({} difference(s)): {}", r.differences.len(), shown.join("; ")))
    }
}

pub(crate) fn issue(args: &CertifyIssueArgs, json_out: bool) -> Result<ExitCode> {
    let report_bytes = read(&args.report)?;
    let report: profile::ConformityReport = serde_json::from_value(
        lading_model::json::parse_strict(&report_bytes).with_context(|| args.report.display().to_string())?,
    )
    .with_context(|| format!("{} is not a conformity report", args.report.display()))?;
    if !report.passed {
        bail!("{} records a failed evaluation; a certificate is issued only on a pass", args.report.display());
    }
    let key = ed25519_key(&args.key)?;
    let from = time_or_now(args.valid_from.as_deref(), "--valid-from")?;
    let until = from + chrono::Duration::days(i64::from(args.valid_days.max(1)));
    let id = format!("urn:uuid:{}", uuid::Uuid::new_v4());
    let issuer = lading_crypto::di::did_key(&key.verifying_key());
    let status = [(&args.status_list, StatusPurpose::Revocation), (&args.suspension_list, StatusPurpose::Suspension)]
        .into_iter()
        .filter_map(|(path, purpose)| path.as_deref().map(|p| (p, purpose)))
        .map(|(path, purpose)| status::allocate(path, purpose, &issuer, &id).map(|e| e.to_json()))
        .collect::<Result<Vec<_>>>()?;
    let mut unsigned = json!({
        "@context": [credential::VC_V2_CONTEXT],
        "id": id,
        "type": ["VerifiableCredential", verdict::CERTIFICATE_TYPE],
        "issuer": lading_crypto::di::did_key(&key.verifying_key()),
        "validFrom": from.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "validUntil": until.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "name": format!("Conformity certificate: {}", report.deliverable_kind),
        "credentialSubject": {
            "id": format!("urn:lading:entity:{}", args.provider_id),
            "provider": { "entity": args.provider_id, "legalName": args.provider_name, "keyId": report.provider_key_id },
            "scope": [report.deliverable_kind.name()],
            "profile": { "id": report.profile_id, "version": report.profile_version, "sha256": report.profile_sha256.to_hex() },
            "conformityReport": { "sha256": Sha256Digest::of(&report_bytes).to_hex() },
            "deliverables": report.deliverables.iter().map(|d| json!({"name": d.name, "kind": d.kind.name(), "sha256": d.sha256.to_hex()})).collect::<Vec<_>>(),
        },
    });
    if !status.is_empty() {
        unsigned["credentialStatus"] = Value::Array(status);
    }
    let fonts = crate::cmd::credential_doc::fonts_for(&args.pdf, &args.font)?;
    let signed = credential::issue(&unsigned, &key, Utc::now()).map_err(|e| anyhow!("{e}"))?;
    let bytes = serde_json::to_string_pretty(&signed)? + "\n";
    fsio::write_output(&args.out, bytes.as_bytes())?;
    let view = CredentialView { out: &args.out, html: &args.html, pdf: &args.pdf, lang: args.lang };
    crate::cmd::credential_doc::write(&view, fonts.as_ref(), bytes.as_bytes(), CredentialKind::Certificate)?;
    if json_out {
        output::json_line(
            &json!({ "ok": true, "out": args.out, "id": signed["id"], "valid_until": signed["validUntil"], "html": args.html, "pdf": args.pdf }),
        )?;
    } else {
        output::line(&format!(
            "certificate {} for {} valid until {}",
            args.out.display(),
            args.provider_id,
            until.to_rfc3339()
        ))?;
    }
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn statement_issue(args: &StatementIssueArgs, json_out: bool) -> Result<ExitCode> {
    let key = ed25519_key(&args.key)?;
    let operator = fsio::read_public_key(&args.operator_key)?;
    let (list, _) = open_list(&args.trust_list, Some(&operator))?;
    let provider_id = VerifyingKey::Ed25519(key.verifying_key()).key_id().to_string();
    let entity = list
        .entity(&args.entity)
        .ok_or_else(|| anyhow!("{}: no entity {:?}", args.trust_list.display(), args.entity))?;
    // The provider's identity: a key on the list, or a certificate chain the list accepts.
    let chain = match &args.cert {
        Some(path) => {
            let bytes = read(path)?;
            let chain = lading_pki::parse_certificates(&bytes).with_context(|| path.display().to_string())?;
            let leaf = chain.first().ok_or_else(|| anyhow!("{}: no certificate in it", path.display()))?;
            let public = VerifyingKey::Ed25519(key.verifying_key());
            lading_pki::path::check_signing_leaf(leaf, &public, Utc::now())
                .with_context(|| format!("{}: the leaf cannot sign with {}", path.display(), args.key.display()))?;
            if !entity.is_certified_by(&chain, &lading_pki::Identity::of(leaf)) {
                bail!(
                    "{}: {} does not accept this certificate (a CA in its certificate_authorities and its \
                     registration id {:?} in the subject)",
                    path.display(),
                    args.entity,
                    entity.registration_id
                );
            }
            Some(bytes)
        }
        None if entity.keys.iter().any(|k| k.key_id == provider_id) => None,
        None => bail!(
            "the key {} is not one of {}'s keys on the list (for a provider listed by certificate, give --cert)",
            args.key.display(),
            args.entity
        ),
    };
    let mut certificates = Vec::new();
    for path in &args.certificate {
        let bytes = read(path)?;
        let value = lading_model::json::parse_strict(&bytes).with_context(|| path.display().to_string())?;
        credential::shape(&value).map_err(|e| anyhow!("{}: {e}", path.display()))?;
        certificates.push(json!({ "id": value["id"], "sha256": Sha256Digest::of(&bytes).to_hex() }));
    }
    let mut deliverables = Vec::new();
    for path in &args.deliverable {
        let bytes = read(path)?;
        let x = deliverable::examine(&bytes).map_err(|e| anyhow!("{}: {e}", path.display()))?;
        deliverables.push(json!({ "name": file_name(path), "kind": x.kind.name(), "sha256": x.sha256.to_hex() }));
    }
    let id = format!("urn:uuid:{}", uuid::Uuid::new_v4());
    let issuer = lading_crypto::di::did_key(&key.verifying_key());
    let status = match &args.status_list {
        Some(path) => Some(status::allocate(path, StatusPurpose::Revocation, &issuer, &id)?.to_json()),
        None => None,
    };
    let mut unsigned = json!({
        "@context": [credential::VC_V2_CONTEXT],
        "id": id,
        "type": ["VerifiableCredential", verdict::STATEMENT_CREDENTIAL_TYPE],
        "issuer": lading_crypto::di::did_key(&key.verifying_key()),
        "validFrom": Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "name": "Compliance statement",
        "credentialSubject": {
            "id": format!("urn:lading:client:{}", args.client.to_lowercase().replace(|c: char| !c.is_ascii_alphanumeric(), "-")),
            "client": args.client,
            "contract": args.contract,
            "jurisdiction": args.jurisdiction,
            "deliverables": deliverables,
            "certificates": certificates,
            "whiteList": {
                "operatorKeyId": list.operator.key_id,
                "zone": list.operator.zone,
                "sequenceNumber": list.sequence_number,
                "entity": args.entity,
            },
            "terms": args.terms,
        },
    });
    if let Some(entry) = status {
        unsigned["credentialStatus"] = entry;
    }
    let fonts = crate::cmd::credential_doc::fonts_for(&args.pdf, &args.font)?;
    let signed = credential::issue(&unsigned, &key, Utc::now()).map_err(|e| anyhow!("{e}"))?;
    let bytes = serde_json::to_string_pretty(&signed)? + "\n";
    // The token is asked for before anything is written: a TSA that fails leaves no statement.
    let stamp = match &args.tsa {
        Some(url) => Some(crate::cmd::timestamp::request(url, bytes.as_bytes(), args.tsa_timeout_ms)?),
        None => None,
    };
    fsio::write_output(&args.out, bytes.as_bytes())?;
    if let Some(chain) = &chain {
        fsio::write_output(&statement_chain_path(&args.out), chain)?;
    }
    let stamp_path = statement_timestamp_path(&args.out);
    if let Some((reply, _)) = &stamp {
        fsio::write_output(&stamp_path, reply)?;
    }
    let view = CredentialView { out: &args.out, html: &args.html, pdf: &args.pdf, lang: args.lang };
    crate::cmd::credential_doc::write(&view, fonts.as_ref(), bytes.as_bytes(), CredentialKind::Statement)?;
    if json_out {
        let timestamp = stamp.as_ref().map(|(_, token)| {
            let mut t = crate::cmd::timestamp::token_json(token);
            t["out"] = json!(stamp_path);
            t
        });
        output::json_line(&json!({
            "ok": true, "out": args.out, "id": signed["id"], "html": args.html, "pdf": args.pdf, "timestamp": timestamp,
        }))?;
    } else {
        output::line(&format!(
            "statement {} to {} covering {} deliverable(s)",
            args.out.display(),
            args.client,
            args.deliverable.len()
        ))?;
        if let Some((_, token)) = &stamp {
            output::line(&format!(
                "timestamped {} → {}",
                crate::cmd::timestamp::token_summary(token),
                stamp_path.display()
            ))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Where `statement issue --tsa` writes the statement's RFC 3161 token,
/// and where `bundle create` looks for it: STATEMENT.tsr beside it.
pub(crate) fn statement_timestamp_path(statement: &Path) -> std::path::PathBuf {
    fsio::with_suffix(statement, ".tsr")
}

/// Where `statement issue --cert` copies the provider's chain, and where
/// `bundle create` looks for it: STATEMENT.chain.pem beside it.
pub(crate) fn statement_chain_path(statement: &Path) -> std::path::PathBuf {
    fsio::with_suffix(statement, ".chain.pem")
}

/// The chain certifying the statement's issuer key: `--statement-cert`, or
/// STATEMENT.chain.pem beside the statement; its leaf must certify the key
/// of the statement's did:key issuer.
fn statement_chain(args: &BundleCreateArgs, statement: Option<&[u8]>) -> Result<Option<Vec<u8>>> {
    let path = match (&args.statement_cert, &args.statement) {
        (Some(p), _) => p.clone(),
        (None, Some(s)) if statement_chain_path(s).exists() => statement_chain_path(s),
        (None, _) => return Ok(None),
    };
    let Some(statement) = statement else {
        bail!("{}: a statement certificate needs the statement (--statement)", path.display());
    };
    let bytes = read(&path)?;
    let chain = lading_pki::parse_certificates(&bytes).with_context(|| path.display().to_string())?;
    let leaf = chain.first().ok_or_else(|| anyhow!("{}: no certificate in it", path.display()))?;
    let certified = lading_pki::path::certified_key(leaf).with_context(|| path.display().to_string())?;
    let value = lading_model::json::parse_strict(statement).context("the statement")?;
    let did = value["issuer"].as_str().ok_or_else(|| anyhow!("the statement has no issuer"))?;
    let issuer = lading_crypto::di::resolve_did_key(did).map_err(|e| anyhow!("the statement's issuer: {e}"))?;
    if certified != VerifyingKey::Ed25519(issuer) {
        bail!("{}: the certificate certifies another key than the statement's issuer {did}", path.display());
    }
    Ok(Some(bytes))
}

/// The statement's RFC 3161 timestamps: the `--statement-timestamp` files
/// and STATEMENT.tsr beside the statement, each checked to be a granted
/// reply over the statement's bytes (its TSA is judged by `lading verify`).
fn statement_timestamps(args: &BundleCreateArgs, statement: Option<&[u8]>) -> Result<Vec<(String, Vec<u8>)>> {
    let mut paths = args.statement_timestamp.clone();
    if let Some(s) = &args.statement {
        let beside = statement_timestamp_path(s);
        if beside.exists() && !paths.contains(&beside) {
            paths.push(beside);
        }
    }
    let Some(statement) = statement else {
        if let Some(p) = paths.first() {
            bail!("{}: a statement timestamp needs the statement (--statement)", p.display());
        }
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for (i, path) in paths.iter().enumerate() {
        let bytes = read(path)?;
        let token = lading_pki::timestamp::open_reply(&bytes)
            .with_context(|| format!("{}: not an RFC 3161 TimeStampResp", path.display()))?;
        let expected = lading_pki::timestamp::digest(&token.hash_algorithm, statement);
        if expected.as_deref() != Some(token.imprint.as_slice()) {
            bail!(
                "{}: the timestamp is not over the statement's bytes (another file, or the statement changed)",
                path.display()
            );
        }
        out.push((format!("statement-timestamps/{i}-{}", file_name(path)), bytes));
    }
    Ok(out)
}

pub(crate) fn bundle_create(args: &BundleCreateArgs, json_out: bool) -> Result<ExitCode> {
    let mut members: Vec<(&str, String, &str, Vec<u8>)> = Vec::new();
    let mut leaves = Vec::new();
    for path in &args.deliverable {
        let bytes = read(path)?;
        let x = deliverable::examine(&bytes).map_err(|e| anyhow!("{}: {e}", path.display()))?;
        leaves.push(x.registry_leaf());
        let media = if bytes.starts_with(b"PK") {
            "application/vnd.lading.package+zip"
        } else {
            "application/vnd.dsse.envelope.v1+json"
        };
        members.push((role::DELIVERABLE, format!("deliverables/{}", file_name(path)), media, bytes));
    }
    for path in &args.certificate {
        members.push((
            role::CERTIFICATE,
            format!("certificates/{}", file_name(path)),
            "application/vc+json",
            read(path)?,
        ));
    }
    for path in &args.report {
        members.push((role::REPORT, format!("reports/{}", file_name(path)), "application/json", read(path)?));
    }
    let mut single = |role: &'static str,
                      path: &Option<std::path::PathBuf>,
                      name: &str,
                      media: &'static str|
     -> Result<Option<Vec<u8>>> {
        let Some(p) = path else { return Ok(None) };
        let bytes = read(p)?;
        members.push((role, name.to_owned(), media, bytes.clone()));
        Ok(Some(bytes))
    };
    let statement = single(role::STATEMENT, &args.statement, "statement.json", "application/vc+json")?;
    single(role::TRUST_LIST, &args.trust_list, "trust-list.json", "application/vnd.dsse.envelope.v1+json")?;
    // The receipts `--log` wrote beside the lists when each version was made.
    let mut list_receipts = Vec::new();
    for (i, path) in args.status_list.iter().enumerate() {
        let sidecar = status::receipt_path(path);
        if sidecar.exists() {
            list_receipts.push(fsio::read_text(&sidecar, fsio::MAX_KEY_BYTES)?);
        }
        let bytes = read(path)?;
        let value = lading_model::json::parse_strict(&bytes).with_context(|| path.display().to_string())?;
        let list = lading_trust::status_list::StatusList::open(&value, Utc::now())
            .with_context(|| format!("{} is not a valid status list", path.display()))?;
        // With --log, each carried version is logged too: a receipt proves it existed by then.
        leaves.push(verdict::status_list_leaf(&bytes, &list.issuer).map_err(|e| anyhow!("{}: {e}", path.display()))?);
        members.push((
            role::STATUS_LIST,
            format!("status-lists/{i}-{}", file_name(path)),
            "application/vc+json",
            bytes,
        ));
    }
    if let Some(s) = &statement {
        let value = lading_model::json::parse_strict(s).context("the statement")?;
        let did = value["issuer"].as_str().ok_or_else(|| anyhow!("the statement has no issuer"))?;
        leaves.push(verdict::statement_leaf(s, did).map_err(|e| anyhow!("the statement's issuer: {e}"))?);
    }
    let mut receipts: Vec<String> =
        args.receipt.iter().map(|p| fsio::read_text(p, fsio::MAX_KEY_BYTES)).collect::<Result<_>>()?;
    for r in list_receipts {
        if !receipts.contains(&r) {
            receipts.push(r);
        }
    }
    if let Some(dir) = &args.log {
        let rt = crate::cmd::log::runtime()?;
        receipts.extend(rt.block_on(async {
            let open = crate::cmd::log::open_log(dir, lading_log::BatchConfig::default()).await?;
            let result = async {
                let landed = open.append_witnessed(leaves.clone()).await?;
                Ok::<_, anyhow::Error>(landed.into_iter().map(|(_, r)| r.to_text()).collect::<Vec<_>>())
            }
            .await;
            let closed = open.close().await;
            let r = result?;
            closed?;
            Ok::<_, anyhow::Error>(r)
        })?);
    }
    for (i, r) in receipts.into_iter().enumerate() {
        members.push((role::RECEIPT, format!("receipts/{i}.tlog-proof"), "text/x.tlog.proof", r.into_bytes()));
    }
    if let Some(chain) = statement_chain(args, statement.as_deref())? {
        members.push((role::STATEMENT_CERTIFICATE, "statement.chain.pem".into(), "application/x-pem-file", chain));
    }
    for (path, bytes) in statement_timestamps(args, statement.as_deref())? {
        members.push((role::STATEMENT_TIMESTAMP, path, "application/timestamp-reply", bytes));
    }
    for (i, path) in args.crl.iter().enumerate() {
        let bytes = read(path)?;
        let crls = lading_pki::parse_crls(&bytes).with_context(|| format!("{}: not a CRL", path.display()))?;
        if crls.is_empty() {
            bail!("{}: no CRL in it", path.display());
        }
        members.push((role::CRL, format!("crls/{i}-{}", file_name(path)), "application/pkix-crl", bytes));
    }
    for path in &args.attach {
        members.push((
            role::ATTACHMENT,
            format!("attachments/{}", file_name(path)),
            "application/octet-stream",
            read(path)?,
        ));
    }
    let package = verdict::assemble(members).map_err(|e| anyhow!("{e}"))?;
    let bytes = package.to_zip()?;
    fsio::write_output(&args.out, &bytes)?;
    if json_out {
        output::json_line(
            &json!({ "ok": true, "out": args.out, "members": package.index.members.len(), "sha256": Sha256Digest::of(&bytes).to_hex() }),
        )?;
    } else {
        output::line(&format!("{}: {} members", args.out.display(), package.index.members.len()))?;
    }
    Ok(ExitCode::SUCCESS)
}
