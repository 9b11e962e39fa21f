//! `lading scitt …`: SCITT signed statements and COSE receipts.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context as _, Result, anyhow, bail};
use lading_crypto::{Envelope, VerifyingKey, verify_statement};
use lading_log::BatchConfig;
use lading_model::json;
use lading_scitt::policy::{self, IssuerKey};
use lading_scitt::{Binding, Claims, Payload, Receipt, SignedStatement, build_statement, key, media};
use lading_tlog::{Hash, NoteVerifier, leaf_hash};
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};

use crate::cli::{ScittAttachArgs, ScittCommand, ScittReceiptArgs, ScittSignArgs, ScittVerifyArgs};
use crate::{fsio, output};

/// The largest statement or receipt read.
const MAX_COSE_BYTES: u64 = 64 << 20;

pub(crate) fn run(command: ScittCommand, json_out: bool) -> Result<ExitCode> {
    match command {
        ScittCommand::Sign(args) => sign(&args, json_out),
        ScittCommand::Verify(args) => verify(&args, json_out),
        ScittCommand::Receipt(args) => receipt(&args, json_out),
        ScittCommand::Attach(args) => attach(&args, json_out),
    }
}

/// What DOC is, and the `sub` read from it.
fn describe(doc: &Path, bytes: &[u8], signer: &VerifyingKey) -> Result<(&'static str, Option<String>)> {
    let name = doc.display();
    if bytes.starts_with(b"PK") {
        return Ok((media::LADING_PACKAGE, None));
    }
    let value = json::parse_strict(bytes).map_err(|e| anyhow!("{name}: {e}"))?;
    let bundle_type = match value.get("mediaType").and_then(Value::as_str) {
        Some(media::SIGSTORE_BUNDLE_V03) => Some(media::SIGSTORE_BUNDLE_V03),
        Some(media::SIGSTORE_BUNDLE_V02) => Some(media::SIGSTORE_BUNDLE_V02),
        Some(other) if other.starts_with("application/vnd.dev.sigstore.bundle") => {
            bail!("{name}: a Sigstore bundle of media type {other:?}; statements wrap v0.3 or v0.2 bundles")
        }
        _ => None,
    };
    if let Some(content_type) = bundle_type {
        let envelope = policy::bundle_envelope(bytes, content_type).map_err(|e| anyhow!("{name}: {e}"))?;
        let verified = verify_statement(&envelope, signer)
            .with_context(|| format!("{name}: the bundle's DSSE envelope does not verify with --key's public key"))?;
        return Ok((content_type, Some(policy::subject_of(&verified.document))));
    }
    if value.get("payloadType").is_some() {
        let envelope = Envelope::from_json_bytes(bytes).with_context(|| format!("{name}"))?;
        let verified = verify_statement(&envelope, signer)
            .with_context(|| format!("{name}: the DSSE envelope does not verify with --key's public key"))?;
        return Ok((media::DSSE, Some(policy::subject_of(&verified.document))));
    }
    let document = lading_model::validate_value(&value).map_err(|problems| {
        let list: Vec<String> = problems.iter().take(5).map(ToString::to_string).collect();
        anyhow!("{name}: not a valid Lading document: {}", list.join("; "))
    })?;
    Ok((media::LADING_DOCUMENT, Some(policy::subject_of(&document))))
}

fn sign(args: &ScittSignArgs, json_out: bool) -> Result<ExitCode> {
    let signing = crate::keys::signer(&args.key)?;
    let public = signing.verifying_key();
    key::CoseAlgorithm::for_key(&public).with_context(|| format!("{}", args.key.display()))?;
    let bytes = fsio::read_limited(&args.doc, lading_model::bundle::MAX_PACKAGE_BYTES)?;
    let (content_type, derived) = describe(&args.doc, &bytes, &public)?;
    if content_type == media::LADING_PACKAGE && !args.hash_envelope {
        bail!("{}: a package is registered by digest: add --hash-envelope", args.doc.display());
    }
    let subject = match (&args.subject, derived) {
        (Some(given), Some(derived)) if *given != derived => {
            bail!("--subject {given:?} differs from the document's {derived:?}")
        }
        (Some(given), _) => given.clone(),
        (None, Some(derived)) => derived,
        (None, None) => bail!("{}: give --subject <kind>/<id> (it cannot be read from this file)", args.doc.display()),
    };
    let (binding, issuer) = match &args.cert {
        Some(path) => {
            let chain = super::pki::read_certificates(path)?;
            let leaf = chain.first().ok_or_else(|| anyhow!("{}: no certificate", path.display()))?;
            lading_pki::path::check_signing_leaf(leaf, &public, chrono::Utc::now())
                .with_context(|| format!("{}: refusing to sign with this certificate", path.display()))?;
            let certificates = policy::chain_der(&chain)?;
            (Binding::Chain { certificates }, policy::certificate_issuer(leaf))
        }
        None => (Binding::Key { kid: key::lading_kid(&public) }, key::did_key(&public)?),
    };
    let payload = if args.hash_envelope {
        Payload::Hashed {
            preimage_content_type: content_type.to_owned(),
            digest: Sha256::digest(&bytes).into(),
            location: args.location.clone(),
        }
    } else {
        Payload::Embedded { content_type: content_type.to_owned(), bytes }
    };
    let claims = Claims { issuer, subject, issued_at: Some(chrono::Utc::now().timestamp()) };
    let statement = build_statement(&payload, &claims, &binding, &*signing)?;
    let parsed = SignedStatement::parse(&statement).context("the statement just made does not parse")?;
    fsio::write_output(&args.out, &statement)?;
    let leaf = parsed.leaf_hash().to_hex();
    if json_out {
        output::json_line(&json!({
            "ok": true, "statement": args.out, "alg": parsed.algorithm.name(), "iss": claims.issuer,
            "sub": claims.subject, "content_type": content_type, "hash_envelope": args.hash_envelope,
            "leaf_hash": leaf, "entry": hex::encode(parsed.entry()),
        }))?;
    } else {
        output::line(&format!(
            "signed {} ({}) as {} → {} (leaf hash {leaf})",
            claims.subject,
            parsed.algorithm.name(),
            claims.issuer,
            args.out.display()
        ))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// A log key given as SPKI PEM or vkey, inline or in a file; with the origin a vkey names.
fn read_log_key(arg: &str) -> Result<(VerifyingKey, Option<String>)> {
    let text =
        if Path::new(arg).is_file() { fsio::read_text(Path::new(arg), fsio::MAX_KEY_BYTES)? } else { arg.to_owned() };
    if text.contains("-----BEGIN") {
        return Ok((VerifyingKey::from_spki_pem(&text).with_context(|| format!("--log-key {arg}"))?, None));
    }
    let verifier =
        NoteVerifier::from_vkey(text.trim()).with_context(|| format!("--log-key {arg}: not a PEM key or a vkey"))?;
    Ok((VerifyingKey::Ed25519(*verifier.public_key()), Some(verifier.name().to_owned())))
}

struct Check {
    name: String,
    ok: bool,
    detail: String,
}

/// Verifies the statement's signature and issuer; returns what was checked.
fn statement_checks(statement: &SignedStatement, args: &ScittVerifyArgs, checks: &mut Vec<Check>) -> Result<()> {
    let mut push = |name: &str, result: Result<String>| {
        let (ok, detail) = match result {
            Ok(d) => (true, d),
            Err(e) => (false, format!("{e:#}")),
        };
        checks.push(Check { name: name.to_owned(), ok, detail });
    };
    let key: Result<VerifyingKey> = (|| {
        if let Some(path) = &args.issuer_key {
            return fsio::read_public_key(path);
        }
        match policy::issuer_key(statement)? {
            IssuerKey::Certificate { key, chain } => {
                if !args.ca.is_empty() {
                    let (roots, _) = super::pki::read_trust(&args.ca, &[])?;
                    lading_pki::validate(&chain, &roots, &lading_pki::Options::at(chrono::Utc::now()))
                        .map_err(|e| anyhow!("certificate path: {e}"))?;
                }
                Ok(key)
            }
            IssuerKey::KeyId(_) => Ok(key::resolve_did_key(&statement.claims.issuer)?),
        }
    })();
    let key = match key {
        Ok(k) => k,
        Err(e) => {
            push("issuer", Err(e));
            return Ok(());
        }
    };
    let binding = if statement.x5chain.is_empty() {
        policy::check_key_binding(statement, &key).map(|()| format!("iss and kid name key {}", key.key_id()))
    } else if args.ca.is_empty() {
        Ok(format!("{} (x5chain leaf; chain not validated: no --ca)", statement.claims.issuer))
    } else {
        Ok(format!("{} (x5chain validated to a --ca root)", statement.claims.issuer))
    };
    push("issuer", binding.map_err(Into::into));
    push(
        "signature",
        statement
            .verify_signature(&key)
            .map(|()| format!("{} by {}", statement.algorithm.name(), key.key_id()))
            .map_err(Into::into),
    );
    push("payload", policy::check_payload(statement, &key).map_err(Into::into));
    Ok(())
}

fn verify(args: &ScittVerifyArgs, json_out: bool) -> Result<ExitCode> {
    let mut checks = Vec::new();
    let (leaf, mut receipts, subject): (Hash, Vec<(String, Vec<u8>)>, Value) = match (&args.statement, &args.entry) {
        (Some(path), _) => {
            let bytes = fsio::read_limited(path, MAX_COSE_BYTES)?;
            let statement = SignedStatement::parse(&bytes).with_context(|| format!("{}", path.display()))?;
            statement_checks(&statement, args, &mut checks)?;
            let embedded =
                statement.receipts.iter().enumerate().map(|(i, r)| (format!("embedded receipt {i}"), r.clone()));
            let subject = json!({ "iss": statement.claims.issuer, "sub": statement.claims.subject });
            (statement.leaf_hash(), embedded.collect(), subject)
        }
        (None, Some(path)) => {
            let entry = fsio::read_limited(path, 65_535)?;
            (leaf_hash(&entry), Vec::new(), json!({ "entry": path }))
        }
        (None, None) => bail!("give a statement or --entry"),
    };
    for path in &args.receipt {
        receipts.push((path.display().to_string(), fsio::read_limited(path, MAX_COSE_BYTES)?));
    }
    if !receipts.is_empty() {
        let Some(log_key) = &args.log_key else {
            bail!("--log-key is needed to trust a receipt's signer (the log's SPKI PEM or vkey)");
        };
        let (key, vkey_origin) = read_log_key(log_key)?;
        let origin = args.origin.clone().or(vkey_origin);
        for (name, bytes) in &receipts {
            let result = Receipt::parse(bytes).and_then(|r| r.verify(&leaf, &key, origin.as_deref()));
            checks.push(match result {
                Ok(v) => Check {
                    name: format!("receipt {name}"),
                    ok: true,
                    detail: format!(
                        "entry {} of {} in {} (root {})",
                        v.proof.leaf_index,
                        v.proof.tree_size,
                        v.claims.issuer,
                        v.root.to_hex()
                    ),
                },
                Err(e) => Check { name: format!("receipt {name}"), ok: false, detail: e.to_string() },
            });
        }
    }
    let valid = checks.iter().all(|c| c.ok);
    if json_out {
        let list: Vec<Value> =
            checks.iter().map(|c| json!({ "check": c.name, "ok": c.ok, "detail": c.detail })).collect();
        output::json_line(
            &json!({ "ok": valid, "valid": valid, "leaf_hash": leaf.to_hex(), "subject": subject, "checks": list }),
        )?;
    } else {
        for c in &checks {
            output::line(&format!("{} {}: {}", if c.ok { "PASS" } else { "FAIL" }, c.name, c.detail))?;
        }
    }
    if valid {
        Ok(ExitCode::SUCCESS)
    } else {
        if !json_out {
            eprintln!("FAIL: not every check passed");
        }
        Ok(ExitCode::from(1))
    }
}

fn receipt(args: &ScittReceiptArgs, json_out: bool) -> Result<ExitCode> {
    let log_key = crate::keys::signer(&args.log.join("log.key"))?;
    let rt = super::log::runtime()?;
    let (tlog, entry) = rt.block_on(async {
        // Opened without consulting a leaf index (nothing is appended), so a
        // maintenance stream's log, which keeps none, opens as well as any other.
        let open = super::log::open_stream_log(&args.log, BatchConfig::default()).await?;
        let receipt = open.log.prove(args.index).await;
        let entry = open.log.entry(args.index).await;
        open.close().await?;
        Ok::<_, anyhow::Error>((
            receipt.with_context(|| format!("proving entry {}", args.index))?,
            entry.with_context(|| format!("reading entry {}", args.index))?,
        ))
    })?;
    let leaf = leaf_hash(&entry);
    let cose = lading_scitt::receipt::from_tlog_receipt(&tlog, &leaf, chrono::Utc::now().timestamp(), &*log_key)?;
    fsio::write_output(&args.out, &cose)?;
    if json_out {
        output::json_line(
            &json!({ "ok": true, "index": args.index, "leaf_hash": leaf.to_hex(), "receipt": args.out }),
        )?;
    } else {
        output::line(&format!(
            "COSE receipt for entry {} (leaf {}) → {}",
            args.index,
            leaf.to_hex(),
            args.out.display()
        ))?;
    }
    Ok(ExitCode::SUCCESS)
}

fn attach(args: &ScittAttachArgs, json_out: bool) -> Result<ExitCode> {
    let bytes = fsio::read_limited(&args.statement, MAX_COSE_BYTES)?;
    let statement = SignedStatement::parse(&bytes).with_context(|| format!("{}", args.statement.display()))?;
    let mut receipts = statement.receipts.clone();
    for path in &args.receipt {
        let r = fsio::read_limited(path, MAX_COSE_BYTES)?;
        Receipt::parse(&r).with_context(|| format!("{}", path.display()))?;
        receipts.push(r);
    }
    let transparent = statement.with_receipts(&receipts)?;
    fsio::write_output(&args.out, &transparent)?;
    if json_out {
        output::json_line(&json!({ "ok": true, "statement": args.out, "receipts": receipts.len() }))?;
    } else {
        output::line(&format!("transparent statement with {} receipt(s) → {}", receipts.len(), args.out.display()))?;
    }
    Ok(ExitCode::SUCCESS)
}
