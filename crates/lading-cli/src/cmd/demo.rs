//! `lading demo`: the journey that exists so far, end to end, in a scratch
//! directory: keys → documents → validate → sign → verify → tamper → reject.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context as _, Result, bail};
use lading_crypto::{Algorithm, Envelope, verify_statement};
use lading_model::Kind;
use serde_json::json;

use crate::cli::DemoArgs;
use crate::cmd::document::now_seconds;
use crate::cmd::key::{generate_to, key_paths};
use crate::cmd::sign::{envelope_text, sign_bytes};
use crate::{fsio, output};

/// Packs two releases of a sample service, checks the chain, and checks a
/// delivered tree with one file edited; returns the chain length and what
/// the check reported.
fn release_journey(dir: &Path, key: &lading_crypto::SigningKey) -> Result<(usize, String)> {
    use lading_model::meta::{Classification, Metadata, Provider};
    use lading_model::release::{ReleaseScope, ServiceTerms};
    let sbom = |openssl: &str| {
        format!(
            r#"{{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{{"name":"openssl","version":"{openssl}","licenses":[{{"license":{{"id":"Apache-2.0"}}}}]}},{{"name":"serde","version":"1.0.228","licenses":[{{"expression":"MIT OR Apache-2.0"}}]}}]}}"#
        )
    };
    let options = |version: &str, tree: &Path, previous| lading_release::PackOptions {
        meta: Metadata {
            id: uuid::Uuid::new_v4(),
            kind: Kind::SaasRelease,
            schema_version: "v1".into(),
            provider: Provider {
                legal_name: "Example MES Cloud Ltd.".into(),
                registration_id: "91440300MA5EXAMPLE".into(),
                white_list_entry: None,
                pilot_zone: Some("shenzhen".into()),
            },
            classification: Classification { ebops_2010: vec!["SI2".into()], cpc_2_1: vec!["8315".into()] },
            jurisdictions: vec!["DE".into()],
            created_at: now_seconds(),
            language: "en".into(),
        },
        service: "example-mes".into(),
        version: version.into(),
        channel: "stable".into(),
        sboms: vec![tree.join("sbom/mes.cdx.json")],
        provenance: None,
        oci: Vec::new(),
        source_repo: Some("https://git.example.invalid/mes".into()),
        commit: Some("4f1c2d9e8b7a".into()),
        builder: Some("demo".into()),
        notes: format!("Release {version}"),
        terms: ServiceTerms {
            availability_target: 99.9,
            support_hours: "24x7".into(),
            data_location: vec!["DE".into()],
        },
        scope: ReleaseScope { tenants: Vec::new(), regions: vec!["eu-central-1".into()] },
        previous,
        threads: 0,
    };
    let mut loaded = Vec::new();
    for (version, openssl, binary) in
        [("1.0.0", "3.0.18", "mes server 1.0.0\n"), ("1.1.0", "3.0.19", "mes server 1.1.0\n")]
    {
        let tree = dir.join(format!("release-{version}"));
        std::fs::create_dir_all(tree.join("bin"))?;
        std::fs::create_dir_all(tree.join("sbom"))?;
        std::fs::write(tree.join("bin/mes-server"), binary)?;
        std::fs::write(tree.join("config.yaml"), "port: 8443\n")?;
        std::fs::write(tree.join("sbom/mes.cdx.json"), sbom(openssl))?;
        let previous = loaded.last().map(|r: &lading_release::LoadedRelease| (dir.join("previous"), r.clone()));
        let package = lading_release::pack(&tree, &options(version, &tree, previous), key, &|_| {})?;
        let zip = package.to_zip()?;
        fsio::write_output(&dir.join(format!("example-mes-{version}.lading")), &zip)?;
        loaded.push(lading_release::load_release(&zip, &key.verifying_key())?);
    }
    let chain = lading_release::history(&loaded).map_err(|e| anyhow::anyhow!("{e}"))?.len();
    let delivered = dir.join("release-1.1.0");
    std::fs::write(delivered.join("config.yaml"), "port: 80\n")?;
    let report = lading_release::verify_tree(&loaded[1].manifest, &delivered, 0, &|_| {})?;
    if report.is_exact() {
        bail!("an edited delivery verified; this is a bug");
    }
    let what = report.modified.iter().map(|m| format!("modified {}", m.path)).collect::<Vec<_>>().join(", ");
    Ok((chain, what))
}

/// The sample inventory shipped with the repository.
const SAMPLE_INVENTORY: &str = include_str!("../../../../samples/inventory/offerings.csv");
const SAMPLE_EVENTS: &str = include_str!("../../../../samples/maint/events.jsonl");
const SAMPLE_SYSLOG: &str = include_str!("../../../../samples/maint/syslog.log");
const SAMPLE_OTLP: &str = include_str!("../../../../samples/maint/otlp.jsonl");
const SAMPLE_MALFORMED_EVENTS: &str = include_str!("../../../../samples/maint/malformed.jsonl");

/// Step 8: a stream fed from the three sources, a bad batch refused, a
/// segment exported and verified, and a forged copy rejected.
fn maint_journey(dir: &Path) -> Result<Vec<String>> {
    use lading_maint::Format;

    use crate::cli::{MaintDataArgs, StreamCreateArgs};
    use crate::cmd::maint::{create_stream, export_segment, ingest_text};

    let key = dir.join("stream-fleet-example-de");
    generate_to(Algorithm::Ed25519, &key, true)?;
    let args = StreamCreateArgs {
        name: "fleet-example-de".into(),
        data: MaintDataArgs { data: dir.join("maint") },
        key: key_paths(&key).0,
        origin: None,
        provider: "Suzhou Example Cloud Operations Co., Ltd.".into(),
        registration_id: "91320500MA1EXAMPLE".into(),
        ebops: vec!["SB".into()],
        cpc: vec!["8715".into()],
        jurisdictions: vec!["DE".into()],
        clock_tolerance_ms: 5_000,
        retention_days: 180,
    };
    let (stream, origin, vkey) = create_stream(&args)?;
    let mut lines = vec![format!("   stream {} ({origin}), its own log in {}", args.name, stream.display())];
    for (format, name, text) in [
        (Format::Jsonl, "JSON Lines", SAMPLE_EVENTS),
        (Format::Syslog, "RFC 5424 syslog", SAMPLE_SYSLOG),
        (Format::OtlpJson, "OTLP/JSON", SAMPLE_OTLP),
    ] {
        let (_, appended, first) = ingest_text(&stream, format, text.to_owned(), false)?;
        lines.push(format!("   {name:<16} {appended} events, sequences {first}..={}", first + appended as u64 - 1));
    }
    let (bad, appended, _) = ingest_text(&stream, Format::Jsonl, SAMPLE_MALFORMED_EVENTS.to_owned(), false)?;
    if appended != 0 || bad.rejected.is_empty() {
        bail!("the malformed sample was not refused whole");
    }
    lines.push(format!(
        "   a file with {} bad lines is refused whole (first: {})",
        bad.rejected.len(),
        bad.rejected.first().map(ToString::to_string).unwrap_or_default()
    ));
    let (segment, bytes) = export_segment(&stream, Some("5"), None)?;
    let file = dir.join("fleet-example-de.lading");
    fsio::write_output(&file, &bytes)?;
    let verifier = lading_tlog::NoteVerifier::from_vkey(&vkey)?;
    let verified = lading_maint::verify(&bytes, &verifier);
    if !verified.ok() {
        bail!("the exported segment does not verify: {:?}", verified.checks);
    }
    lines.push(format!(
        "   segment {}..={} exported to {}: {} checks pass, incl. the range proof against the signed checkpoint",
        segment.first_sequence,
        segment.last_sequence,
        file.display(),
        verified.checks.len()
    ));
    // A forger edits one event and rewrites every digest it can.
    let mut package = lading_model::bundle::Package::from_zip(&bytes)?;
    let at = package.index.members.iter().position(|m| m.role == "events").context("events member")?;
    let edited =
        String::from_utf8(package.files[at].clone())?.replacen("\"result\":\"failure\"", "\"result\":\"success\"", 1);
    package.files[at] = edited.into_bytes();
    package.index.members[at].sha256 = lading_model::Sha256Digest::of(&package.files[at]);
    package.index.members[at].size = package.files[at].len() as u64;
    let forged = lading_maint::verify(&package.to_zip()?, &verifier);
    let failed: Vec<&str> =
        forged.checks.iter().filter(|c| c.status == lading_maint::Status::Fail).map(|c| c.name).collect();
    if forged.ok() || !failed.contains(&"range proof") {
        bail!("a forged segment was not rejected by its range proof");
    }
    lines.push(format!("   a copy with one failure turned into a success is rejected: {}", failed.join(", ")));
    Ok(lines)
}

pub(crate) fn run(args: &DemoArgs, json_out: bool) -> Result<ExitCode> {
    let temp;
    let dir: &Path = match &args.keep {
        Some(dir) => {
            std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
            dir
        }
        None => {
            temp = tempfile::tempdir().context("cannot create a temporary directory")?;
            temp.path()
        }
    };
    let say = |text: String| -> Result<()> { if json_out { Ok(()) } else { output::line(&text) } };
    say(format!("Lading demo in {}", dir.display()))?;

    say("\n1. A provider generates signing keys (PKCS#8 PEM, mode 0600; SPKI PEM public keys).".into())?;
    let mut keys = Vec::new();
    for alg in Algorithm::ALL {
        let prefix = dir.join(format!("provider-{alg}"));
        let key = generate_to(alg, &prefix, true)?;
        say(format!("   {alg:<8} key id {}", key.verifying_key().key_id()))?;
        keys.push((key, key_paths(&prefix).1));
    }

    say("\n2. It writes one document of each kind and validates it (schema + consistency).".into())?;
    let mut signed = 0usize;
    let mut envelopes = Vec::new();
    for kind in Kind::ALL {
        let value = lading_model::example(kind, uuid::Uuid::new_v4(), now_seconds());
        let path = dir.join(format!("{kind}.json"));
        let text = serde_json::to_string_pretty(&value)?;
        fsio::write_output(&path, text.as_bytes())?;
        let document = lading_model::parse_document(text.as_bytes()).map_err(|problems| {
            anyhow::anyhow!(
                "example {kind} is invalid: {}",
                problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
            )
        })?;
        say(format!("   {kind:<20} {} valid ({} bytes)", document.meta().id, text.len()))?;

        for (key, public_path) in &keys {
            let envelope = sign_bytes(&path.display().to_string(), text.as_bytes(), key)?;
            let out = dir.join(format!("{kind}.{}.dsse.json", key.algorithm()));
            fsio::write_output(&out, envelope_text(&envelope).as_bytes())?;
            let public = fsio::read_public_key(public_path)?;
            let reread = Envelope::from_json_bytes(&fsio::read_limited(&out, fsio::MAX_DOCUMENT_BYTES)?)?;
            verify_statement(&reread, &public).with_context(|| format!("verifying {}", out.display()))?;
            signed += 1;
            envelopes.push((out, reread, public));
        }
    }
    say(format!(
        "\n3. It signed each as a DSSE envelope of an in-toto Statement v1 with each key: {signed} envelopes, all verified."
    ))?;

    say("\n4. A client rejects what was tampered with or signed by someone else.".into())?;
    let Some((path, envelope, public)) = envelopes.first() else { bail!("no envelope was made") };
    let mut tampered = envelope.clone();
    if let Some(byte) = tampered.payload.iter_mut().rev().find(|b| b.is_ascii_digit()) {
        *byte = if *byte == b'9' { b'0' } else { *byte + 1 };
    }
    let tamper_reason = match verify_statement(&tampered, public) {
        Ok(_) => bail!("a tampered envelope verified; this is a bug"),
        Err(e) => e.to_string(),
    };
    say(format!("   one digit changed in {}: {tamper_reason}", path.display()))?;
    let (_, _, other_public) = &envelopes[1];
    let wrong_key_reason = match verify_statement(envelope, other_public) {
        Ok(_) => bail!("an envelope verified under another key; this is a bug"),
        Err(e) => e.to_string(),
    };
    say(format!("   checked with another provider key: {wrong_key_reason}"))?;

    say("\n5. Each envelope is recorded in a transparency log (RFC 9162 tree, C2SP tiles, signed checkpoint);".into())?;
    say("   each leaf holds the kind, the envelope's SHA-256 and the signer's key id, never the document.".into())?;
    let log_dir = dir.join("registry-log");
    let log_key = generate_to(Algorithm::Ed25519, &dir.join("log-operator"), true)?;
    let lading_crypto::SigningKey::Ed25519(k) = &log_key else { bail!("the log key is not Ed25519") };
    let signer =
        lading_tlog::NoteSigner::new("demo.lading.example/registry", lading_tlog::KeyKind::Ed25519, k.clone())?;
    let vkey = signer.verifier().clone();
    std::fs::create_dir_all(&log_dir)?;
    let rt = crate::cmd::log::runtime()?;
    let leaves: Vec<Vec<u8>> = envelopes
        .iter()
        .map(|(path, envelope, public)| {
            let kind = verify_statement(envelope, public)?.statement.predicate_type;
            Ok(lading_crypto::registry_leaf(&kind, &std::fs::read(path)?, public.key_id().as_str()))
        })
        .collect::<Result<_>>()?;
    let receipts = rt.block_on(async {
        let store = lading_store_sqlite::SqliteStore::open(&log_dir)?;
        let log = lading_log::Log::open(store.clone(), signer, lading_log::BatchConfig::default()).await?;
        let appended = log.append_many(leaves.clone()).await?;
        let mut receipts = Vec::new();
        for a in &appended {
            receipts.push(log.prove(a.index).await?);
        }
        log.shutdown().await;
        store.flush()?;
        Ok::<_, anyhow::Error>(receipts)
    })?;
    let policy = lading_tlog::Policy::single_log(vkey.clone());
    for (i, (receipt, leaf)) in receipts.iter().zip(&leaves).enumerate() {
        let path = dir.join(format!("receipt-{i}.tlog-proof"));
        fsio::write_output(&path, receipt.to_text().as_bytes())?;
        let reread = lading_tlog::Receipt::parse(&std::fs::read_to_string(&path)?)?;
        reread.verify(&lading_tlog::leaf_hash(leaf), &policy)?;
    }
    say(format!(
        "   {} entries logged in {}; {} receipts (c2sp.org/tlog-proof@v1) verified offline against",
        leaves.len(),
        log_dir.display(),
        receipts.len()
    ))?;
    say(format!("   the log's vkey {}", vkey.to_vkey()))?;

    say("\n6. A provider takes stock of its offerings (samples/inventory/offerings.csv, Lading's reference rules)."
        .into())?;
    let rules = lading_inventory::Rules::reference()?;
    let inventory = lading_inventory::parse_csv(SAMPLE_INVENTORY.as_bytes())
        .map_err(|e| anyhow::anyhow!("sample inventory: {e}"))?;
    let assessed = lading_inventory::classify(&inventory.offerings, &rules);
    let mut per_kind: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for a in &assessed {
        match a.kinds.first() {
            Some(k) => *per_kind.entry(k.kind.as_str()).or_default() += 1,
            None => *per_kind.entry("out of scope").or_default() += 1,
        }
    }
    let html = dir.join("inventory.html");
    fsio::write_output(
        &html,
        lading_inventory::report::html(&assessed, &rules, "samples/inventory/offerings.csv").as_bytes(),
    )?;
    let gaps: usize = assessed.iter().flat_map(|a| &a.kinds).map(|k| k.gaps.len()).sum();
    say(format!(
        "   {} offerings: {per_kind:?}; {gaps} readiness gaps, each with the command that closes it",
        assessed.len()
    ))?;
    say(format!("   summary for managers: {}", html.display()))?;

    say("\n7. A SaaS vendor packs two releases (SBOM, version chain), and a client checks what it received.".into())?;
    let (chain_len, tamper_report) = release_journey(dir, &keys[1].0)?;
    say(format!("   releases 1.0.0 → 1.1.0 packed as .lading packages; the chain verifies ({chain_len} releases)"))?;
    say(format!("   a delivered tree with one edited file: {tamper_report}"))?;

    say(
        "\n8. A cloud ops platform logs remote maintenance of a client's fleet; the client verifies a segment offline."
            .into(),
    )?;
    for line in maint_journey(dir)? {
        say(line)?;
    }

    say("\nNext: `lading verify-signature FILE --pubkey KEY.pub` checks any envelope; `lading log verify-proof` any receipt.".into())?;
    say("Certificates, white lists and evidence bundles are not built yet (see README).".into())?;
    if args.keep.is_none() {
        say("(The demo's files are removed now; run `lading demo --keep DIR` to keep them.)".into())?;
    }
    if json_out {
        output::json_line(&json!({
            "ok": true,
            "dir": dir,
            "kept": args.keep.is_some(),
            "keys": keys.iter().map(|(k, _)| json!({"algorithm": k.algorithm().name(), "keyid": k.verifying_key().key_id().as_str()})).collect::<Vec<_>>(),
            "documents": Kind::ALL.iter().map(|k| k.name()).collect::<Vec<_>>(),
            "envelopes_verified": signed,
            "tampered_rejected": tamper_reason,
            "wrong_key_rejected": wrong_key_reason,
            "log_vkey": vkey.to_vkey(),
            "receipts_verified": receipts.len(),
            "inventory": { "offerings": assessed.len(), "by_kind": per_kind, "html": html },
        }))?;
    }
    Ok(ExitCode::SUCCESS)
}
