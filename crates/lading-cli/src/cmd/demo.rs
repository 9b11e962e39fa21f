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
    use lading_model::meta::{Metadata, Provider};
    use lading_model::release::{ReleaseScope, ServiceTerms};
    let sbom = |openssl: &str| {
        format!(
            r#"{{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{{"name":"openssl","version":"{openssl}","licenses":[{{"license":{{"id":"Apache-2.0"}}}}]}},{{"name":"serde","version":"1.0.228","licenses":[{{"expression":"MIT OR Apache-2.0"}}]}}]}}"#
        )
    };
    let options = |version: &str, tree: &Path, previous| lading_release::PackOptions {
        meta: Metadata::new(
            Kind::SaasRelease,
            uuid::Uuid::new_v4(),
            Provider {
                legal_name: "Example MES Cloud Ltd.".into(),
                registration_id: "91440300MA5EXAMPLE".into(),
                white_list_entry: None,
                pilot_zone: Some("shenzhen".into()),
            },
            vec!["DE".into()],
            now_seconds(),
        ),
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
        strict_licences: false,
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
/// The seed the demo draws its inspection sample with (hex of "lading-demo-lot1").
const DEMO_SAMPLE_SEED: &str = "6c6164696e672d64656d6f2d6c6f7431";
const SAMPLE_INVENTORY: &str = include_str!("../../../../samples/inventory/offerings.csv");
pub(crate) const SAMPLE_EVENTS: &str = include_str!("../../../../samples/maint/events.jsonl");
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
        data: MaintDataArgs { data: dir.join("maint"), postgres: None, keys: None },
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

/// Lading's reference scheme profiles, written into the demo directory.
const PROFILES: [(&str, &str); 3] = [
    ("maintenance-log.reference.json", include_str!("../../../../profiles/maintenance-log.reference.json")),
    ("saas-release.reference.json", include_str!("../../../../profiles/saas-release.reference.json")),
    ("inspection-report.reference.json", include_str!("../../../../profiles/inspection-report.reference.json")),
];

/// Runs this binary with `args` (and `--json`) in `dir`; its JSON answer.
fn lading(dir: &Path, args: &[&str]) -> Result<serde_json::Value> {
    let exe = std::env::current_exe().context("finding the lading binary")?;
    let out = std::process::Command::new(&exe)
        .current_dir(dir)
        .arg("--json")
        .args(args)
        .output()
        .with_context(|| format!("running lading {}", args.join(" ")))?;
    let text = String::from_utf8_lossy(&out.stdout);
    let last = text.lines().last().unwrap_or_default();
    let value: serde_json::Value = serde_json::from_str(last).unwrap_or(serde_json::Value::Null);
    // A verdict or a reproduction that fails is an answer, not an error.
    let answers = args.first() == Some(&"verify") || args.starts_with(&["inspect", "reproduce"]);
    let answered = out.status.success() || (answers && value.is_object());
    if !answered {
        bail!("lading {} failed: {}{}", args.join(" "), String::from_utf8_lossy(&out.stderr), text);
    }
    Ok(value)
}

/// A `lading serve` this demo started (its RFC 3161 TSA), killed when dropped.
struct Served {
    child: std::process::Child,
    url: String,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `lading serve ARGS --listen 127.0.0.1:0` in `dir` and waits for
/// the address it listens on.
fn serve(dir: &Path, args: &[&str]) -> Result<Served> {
    use std::io::BufRead as _;
    let exe = std::env::current_exe().context("finding the lading binary")?;
    let child = std::process::Command::new(&exe)
        .current_dir(dir)
        .args(["--json", "serve"])
        .args(args)
        .args(["--listen", "127.0.0.1:0", "--log-level", "warn"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .with_context(|| format!("starting lading serve {}", args.join(" ")))?;
    let mut served = Served { child, url: String::new() };
    let stdout = served.child.stdout.take().context("the server's output")?;
    let mut lines = std::io::BufReader::new(stdout).lines();
    for line in lines.by_ref() {
        let event: serde_json::Value = serde_json::from_str(&line?).unwrap_or_default();
        if event["event"] == "listening" {
            served.url = format!("http://{}", event["address"].as_str().context("the listening address")?);
            // Keep reading, so the server never blocks on a full pipe.
            std::thread::spawn(move || lines.for_each(drop));
            return Ok(served);
        }
    }
    bail!("lading serve {} exited before listening", args.join(" "))
}

/// The demo's PKI: a P-256 root CA, an issuing CA, a time-stamp authority
/// and the provider's signing certificate (Ed25519, its unified social credit
/// code as organizationIdentifier) under it, and both CAs' CRLs (`lading
/// pki`), as a licensed CA and TSA would provide them.
fn demo_pki(t: &Path) -> Result<()> {
    for k in ["ca-root", "ca-issuing", "tsa"] {
        lading(t, &["key", "generate", "--alg", "p256", "--out", k, "--force"])?;
    }
    lading(t, &["key", "generate", "--out", "provider-signer", "--force"])?;
    lading(
        t,
        &[
            "pki",
            "init-ca",
            "--key",
            "ca-root.key",
            "--subject",
            "CN=Demo Root CA,O=Lading demo,C=CN",
            "--out",
            "ca-root.pem",
        ],
    )?;
    for (ca, key, subject, profile) in [
        ("ca-root", "ca-issuing", "CN=Demo Issuing CA,O=Lading demo,C=CN", "ca"),
        ("ca-issuing", "tsa", "CN=Demo Time-Stamp Authority,O=Lading demo,C=CN", "tsa"),
        (
            "ca-issuing",
            "provider-signer",
            "CN=Suzhou Example Cloud Operations Co.\\, Ltd.,organizationIdentifier=91320500MA1EXAMPLE,C=CN",
            "signer",
        ),
    ] {
        let (ca_cert, ca_key, subject_key, out) =
            (format!("{ca}.pem"), format!("{ca}.key"), format!("{key}.pub"), format!("{key}.pem"));
        lading(
            t,
            &[
                "pki",
                "issue",
                "--ca-cert",
                &ca_cert,
                "--ca-key",
                &ca_key,
                "--subject-key",
                &subject_key,
                "--subject",
                subject,
                "--profile",
                profile,
                "--out",
                &out,
            ],
        )?;
    }
    for ca in ["ca-root", "ca-issuing"] {
        let (cert, key, out) = (format!("{ca}.pem"), format!("{ca}.key"), format!("{ca}.crl"));
        lading(t, &["pki", "crl", "--ca-cert", &cert, "--ca-key", &key, "--days", "30", "--out", &out])?;
    }
    Ok(())
}

include!(concat!(env!("OUT_DIR"), "/demo_lot.rs"));

/// The demo classifier, its profile and the lot's description.
const DEMO_MODEL: &[u8] = include_bytes!("../../../../models/surface/surface-classifier.onnx");
const DEMO_PROFILE: &str = include_str!("../../../../models/surface/profile.toml");
const DEMO_LOT_TOML: &str = include_str!("../../../../models/surface/lot.toml");
const DEMO_DETECTOR: &[u8] = include_bytes!("../../../../models/detector/surface-detector.onnx");
const DEMO_DETECTOR_PROFILE: &str = include_str!("../../../../models/detector/profile.toml");

/// Step 9: an AI vision integrator inspects a lot with its model, signs the
/// report, re-runs it, shows that a replaced image is caught, and renders it
/// for people — through the CLI itself.
fn inspection_journey(dir: &Path) -> Result<Vec<String>> {
    let d = dir.join("inspection");
    std::fs::create_dir_all(d.join("lot"))?;
    for (name, bytes) in DEMO_LOT {
        std::fs::write(d.join("lot").join(name), bytes)?;
    }
    std::fs::write(d.join("surface-classifier.onnx"), DEMO_MODEL)?;
    std::fs::write(d.join("profile.toml"), DEMO_PROFILE)?;
    std::fs::write(d.join("lot.toml"), DEMO_LOT_TOML)?;
    let mut lines = Vec::new();
    let model = ["--model", "surface-classifier.onnx"];
    let run = lading(
        &d,
        &[
            &["inspect", "run"][..],
            &model,
            &["--images", "lot", "--profile", "profile.toml", "--lot", "lot.toml"],
            // A fixed seed: the demo, its tests and screenshots draw the same sample every run
            // (a provider's real run draws a random one and records it).
            &["--aql", "major=2.5,critical=0.4", "--seed", DEMO_SAMPLE_SEED, "--out", "report.json"],
        ]
        .concat(),
    )?;
    let report: serde_json::Value = serde_json::from_slice(&std::fs::read(d.join("report.json"))?)?;
    lines.push(format!(
        "   lot of {} parts, ISO 2859-1 level II: code letter {}, {} sampled (seed {}); {} nonconforming {} → lot {}",
        run["lot_size"],
        report["inspection"]["code_letter"].as_str().unwrap_or("?"),
        run["inspected"],
        report["inspection"]["sample_seed"].as_str().unwrap_or("?"),
        run["nonconforming"],
        run["defects_by_class"],
        if run["decision"] == "accept" { "ACCEPTED" } else { "REJECTED" }
    ));
    lading(&d, &["key", "generate", "--out", "vision", "--force"])?;
    lading(&d, &["sign", "report.json", "--key", "vision.key", "--out", "report.dsse.json"])?;
    lines.push(format!(
        "   model {} (tract {}), every image's SHA-256 and raw outputs recorded; signed → {}",
        &report["model"]["sha256"].as_str().unwrap_or("?")[..16],
        lading_inspect::engine::TRACT_VERSION,
        d.join("report.dsse.json").display()
    ));
    let again = lading(&d, &[&["inspect", "reproduce", "report.json"][..], &model, &["--images", "lot"]].concat())?;
    if again["reproducible"] != true {
        bail!("the demo's inspection report did not reproduce: {again}");
    }
    lines.push(format!(
        "   re-run by a certification body: REPRODUCIBLE ({} items, largest output difference {})",
        again["result"]["rerun"], again["result"]["max_abs_diff"]
    ));
    // One sampled item's image replaced by another part's: the re-run names it.
    std::fs::create_dir_all(d.join("lot-swapped"))?;
    for (name, bytes) in DEMO_LOT {
        std::fs::write(d.join("lot-swapped").join(name), bytes)?;
    }
    let victim = report["items"][0]["image"]["name"].as_str().context("a sampled item")?;
    let other = DEMO_LOT.iter().find(|(n, _)| *n != victim).context("another image")?;
    std::fs::write(d.join("lot-swapped").join(victim), other.1)?;
    let swapped =
        lading(&d, &[&["inspect", "reproduce", "report.json"][..], &model, &["--images", "lot-swapped"]].concat())?;
    if swapped["reproducible"] != false {
        bail!("a replaced image went unnoticed; this is a bug");
    }
    let differences = swapped["result"]["differences"].as_array().cloned().unwrap_or_default();
    let first = differences.iter().find(|d| d["item"].is_string()).context("an item's difference")?;
    lines.push(format!(
        "   with {victim} replaced: NOT REPRODUCIBLE — {}: {}",
        first["item"].as_str().unwrap_or(""),
        first["kind"].as_str().unwrap_or("")
    ));
    lading(&d, &["inspect", "render", "report.json", "--images", "lot", "--out", "report.html"])?;
    lines.push(format!("   for people: {}", d.join("report.html").display()));
    // The detection path: the YOLOv8-layout demo detector over 12 parts, every part inspected.
    std::fs::create_dir_all(d.join("parts"))?;
    for (name, bytes) in DEMO_PARTS {
        std::fs::write(d.join("parts").join(name), bytes)?;
    }
    std::fs::write(d.join("surface-detector.onnx"), DEMO_DETECTOR)?;
    std::fs::write(d.join("detector.toml"), DEMO_DETECTOR_PROFILE)?;
    let detector = ["--model", "surface-detector.onnx"];
    let run = lading(
        &d,
        &[
            &["inspect", "run"][..],
            &detector,
            &["--images", "parts", "--profile", "detector.toml", "--lot", "lot.toml", "--lot-id", "LOT-DEMO-0002"],
            &["--full", "--max-defects", "major=0,critical=0", "--out", "detections.json"],
        ]
        .concat(),
    )?;
    let report: serde_json::Value = serde_json::from_slice(&std::fs::read(d.join("detections.json"))?)?;
    let boxes: usize = report["items"]
        .as_array()
        .map_or(0, |i| i.iter().map(|i| i["detections"].as_array().map_or(0, Vec::len)).sum());
    let again =
        lading(&d, &[&["inspect", "reproduce", "detections.json"][..], &detector, &["--images", "parts"]].concat())?;
    if again["reproducible"] != true {
        bail!("the demo's detection report did not reproduce: {again}");
    }
    lading(&d, &["inspect", "render", "detections.json", "--images", "parts", "--out", "detections.html"])?;
    lines.push(format!(
        "   the YOLOv8-layout detector on {} parts: {boxes} boxes, {} parts nonconforming; reproducible; {}",
        run["inspected"],
        run["nonconforming"],
        d.join("detections.html").display()
    ));
    Ok(lines)
}

/// Step 10: the white list, certification, a compliance statement, the
/// evidence bundle and the overseas client's verdict — through the CLI
/// itself, each party with its own key. Returns the lines to show, the
/// bundle, the HTML report and whether the bundle verified.
/// The image files of the items an inspection report found non-conforming.
fn flagged_images(report: &Path, lot: &Path) -> Result<Vec<String>> {
    let r: lading_model::inspection::InspectionReport =
        serde_json::from_slice(&std::fs::read(report)?).with_context(|| format!("reading {}", report.display()))?;
    Ok(r.items
        .iter()
        .filter(|i| i.effective_verdict() == lading_model::inspection::Verdict::Fail)
        .map(|i| lot.join(&i.image.name).to_string_lossy().into_owned())
        .collect())
}

fn trust_journey(dir: &Path) -> Result<(Vec<String>, std::path::PathBuf, std::path::PathBuf, bool)> {
    let t = dir.join("trust");
    std::fs::create_dir_all(t.join("profiles"))?;
    for (name, text) in PROFILES {
        std::fs::write(t.join("profiles").join(name), text)?;
    }
    let rel = |p: &str| dir.join(p).to_string_lossy().into_owned();
    let (segment, stream_pub) = (rel("fleet-example-de.lading"), rel("stream-fleet-example-de.pub"));
    let (release, release_pub) = (rel("example-mes-1.1.0.lading"), rel("provider-p256.pub"));
    let (inspection, vision_pub) = (rel("inspection/report.dsse.json"), rel("inspection/vision.pub"));
    let mut lines = Vec::new();
    for k in ["authority", "certifier", "registry"] {
        lading(&t, &["key", "generate", "--out", k, "--force"])?;
    }
    let vkey = lading(
        &t,
        &["log", "init", "registry-log", "--origin", "demo.lading.example/statements", "--key", "registry.key"],
    )?;
    let vkey = vkey["vkey"].as_str().context("the registry's vkey")?.to_owned();
    // Trust services the provider does not run (`lading serve`): an RFC 3161 time-stamp
    // authority under the demo CA, which logs every token it issues, and a C2SP witness
    // that cosigns the registry log's checkpoints after every append, so receipts carry
    // a time the provider cannot choose.
    demo_pki(&t)?;
    let services = "trust-services";
    let witness =
        lading(&t, &["witness", "show", "--data", services, "--origin-prefix", "witness.demo.lading.example"])?;
    let witness = witness["vkey"].as_str().context("the witness's vkey")?.to_owned();
    lading(&t, &["witness", "trust", "--data", services, "--vkey", &vkey])?;
    let served = serve(&t, &["--data", services, "--tsa-key", "tsa.key", "--tsa-cert", "tsa.pem"])?;
    lading(&t, &["log", "add-witness", "registry-log", "--url", &served.url, "--vkey", &witness])?;
    std::fs::write(t.join("log-policy.txt"), format!("log {vkey}\nwitness demo {witness}\nquorum demo\n"))?;
    lines.push(
        "   trust services the provider does not run: a time-stamp authority under the demo CA and a witness \
         cosigning the registry log"
            .into(),
    );

    lading(
        &t,
        &[
            "trust-list",
            "new",
            "white-list.json",
            "--operator",
            "Suzhou pilot zone authority (demo)",
            "--zone",
            "CN-Suzhou",
            "--key",
            "authority.pub",
        ],
    )?;
    let since = "2026-01-01T00:00:00Z";
    lading(
        &t,
        &[
            "trust-list",
            "add",
            "white-list.json",
            "--id",
            "sz-provider-0001",
            "--legal-name",
            "Suzhou Example Cloud Operations Co., Ltd.",
            "--registration-id",
            "91320500MA1EXAMPLE",
            "--role",
            "provider",
            "--scope",
            "maintenance-log,saas-release,inspection-report",
            "--pubkey",
            &stream_pub,
            "--pubkey",
            &release_pub,
            "--pubkey",
            &vision_pub,
            // Its statements are signed with a key its CA certified (subject carrying the registration id).
            "--ca",
            "ca-issuing.pem",
            "--from",
            since,
        ],
    )?;
    lading(
        &t,
        &[
            "trust-list",
            "add",
            "white-list.json",
            "--id",
            "cb-0001",
            "--legal-name",
            "Example Certification Body Co., Ltd.",
            "--registration-id",
            "91110000MA0EXAMPLE",
            "--role",
            "certification-body",
            "--scope",
            "maintenance-log,saas-release,inspection-report",
            "--pubkey",
            "certifier.pub",
            "--from",
            since,
        ],
    )?;
    let signed = lading(
        &t,
        &["trust-list", "sign", "white-list.json", "--key", "authority.key", "--out", "white-list.signed.json"],
    )?;
    lines.push(format!(
        "   the pilot-zone authority signs its white list (sequence {}): one provider, one certification body",
        signed["sequence_number"]
    ));

    let mut certificates = Vec::new();
    // The inspection report is re-run by the certification body (IR-05).
    let (model, lot) = (rel("inspection/surface-classifier.onnx"), rel("inspection/lot"));
    let rerun = ["--inspect-model", model.as_str(), "--inspect-images", lot.as_str()];
    for (kind, deliverable, key, extra) in [
        ("maintenance-log", &segment, &stream_pub, &[][..]),
        ("saas-release", &release, &release_pub, &[][..]),
        ("inspection-report", &inspection, &vision_pub, &rerun[..]),
    ] {
        let eval = format!("evaluate-{kind}.lading");
        lading(&t, &["bundle", "create", "--deliverable", deliverable, "--log", "registry-log", "--out", &eval])?;
        let report = format!("report-{kind}.json");
        let r = lading(
            &t,
            &[
                "certify",
                "evaluate",
                &eval,
                "--profile",
                &format!("profiles/{kind}.reference.json"),
                "--provider-key",
                key,
                "--log-policy",
                "log-policy.txt",
                "--out",
                &report,
            ]
            .iter()
            .chain(extra)
            .copied()
            .collect::<Vec<_>>(),
        )?;
        let results = r["report"]["results"].as_array().map_or(0, Vec::len);
        let cert = format!("certificate-{kind}.json");
        lading(
            &t,
            &[
                "certify",
                "issue",
                "--report",
                &report,
                "--key",
                "certifier.key",
                "--provider-id",
                "sz-provider-0001",
                "--provider-name",
                "Suzhou Example Cloud Operations Co., Ltd.",
                "--out",
                &cert,
            ],
        )?;
        lines.push(format!("   {kind}: evaluated against Lading's reference profile ({results} requirements pass), certificate issued (VC, eddsa-jcs-2022)"));
        certificates.push((cert, report));
    }
    let mut statement = vec![
        "statement",
        "issue",
        "--deliverable",
        &segment,
        "--deliverable",
        &release,
        "--deliverable",
        &inspection,
        "--trust-list",
        "white-list.signed.json",
        "--operator-key",
        "authority.pub",
        "--entity",
        "sz-provider-0001",
        "--client",
        "Müller Maschinenbau GmbH",
        "--contract",
        "MSA-2026-114",
        "--jurisdiction",
        "DE",
        "--key",
        "provider-signer.key",
        "--cert",
        "provider-signer.pem",
        "--out",
        "statement.json",
    ];
    for (cert, _) in &certificates {
        statement.extend(["--certificate", cert.as_str()]);
    }
    // The time-stamp authority stamps the statement when it is issued.
    let tsa_url = format!("{}/v1/timestamp", served.url);
    statement.extend(["--tsa", tsa_url.as_str()]);
    let issued = lading(&t, &statement)?;
    lines.push(
        "   the provider issues a compliance statement to its client in Germany naming the three deliverables by digest, \
         signed with a key its CA certified (the certificate names its registration id 91320500MA1EXAMPLE)"
            .into(),
    );
    lines.push(format!(
        "   an RFC 3161 time-stamp authority under the demo CA stamps it: {} by {}",
        issued["timestamp"]["gen_time"].as_str().unwrap_or("?"),
        issued["timestamp"]["tsa"].as_str().unwrap_or("?")
    ));
    // The images of the non-conforming items travel along, so a reader sees what the model flagged.
    let flagged = flagged_images(&dir.join("inspection/report.json"), &dir.join("inspection/lot"))?;
    let mut bundle = vec![
        "bundle",
        "create",
        "--deliverable",
        &segment,
        "--deliverable",
        &release,
        "--deliverable",
        &inspection,
        "--statement",
        "statement.json",
        "--trust-list",
        "white-list.signed.json",
        "--log",
        "registry-log",
        "--crl",
        "ca-issuing.crl",
        "--crl",
        "ca-root.crl",
        "--out",
        "evidence.lading",
    ];
    for (cert, report) in &certificates {
        bundle.extend(["--certificate", cert.as_str(), "--report", report.as_str()]);
    }
    for image in &flagged {
        bundle.extend(["--attach", image.as_str()]);
    }
    let b = lading(&t, &bundle)?;
    drop(served);
    lines.push(format!(
        "   evidence bundle: {} members, statement and deliverables logged with witnessed receipts, the \
         statement's timestamp and the CAs' CRLs carried for long-term validation",
        b["members"]
    ));

    let policy = serde_json::json!({
        "format": "lading-trust-policy/v1",
        "operators": [{"name": "Suzhou pilot zone authority (demo)", "public_key": std::fs::read_to_string(t.join("authority.pub"))?}],
        "log_policy": std::fs::read_to_string(t.join("log-policy.txt"))?,
        "require_fresh_trust_list": true,
        // The time the statement existed must come from a trusted source, not the provider.
        "require_witnessed_time": true,
        // The CA the provider's signing certificate and the TSA's chain run to, pinned by the client.
        "ca_roots": [{"name": "Demo Root CA", "certificate": std::fs::read_to_string(t.join("ca-root.pem"))?}],
        "tsa_roots": [{"name": "Demo Root CA", "certificate": std::fs::read_to_string(t.join("ca-root.pem"))?}],
        "require_revocation_data": true,
    });
    std::fs::write(t.join("policy.json"), serde_json::to_string_pretty(&policy)?)?;
    let v = lading(&t, &["verify", "evidence.lading", "--policy", "policy.json", "--html", "verdict.html"])?;
    let verified = v["verified"].as_bool() == Some(true);
    let checks = v["checks"].as_array().map_or(0, Vec::len);
    lines.push(format!(
        "   the client verifies it offline against its trust policy: {} ({checks} checks); statement established at {} ({})",
        if verified { "VERIFIED" } else { "NOT VERIFIED" },
        v["time_of_logging"]["time"].as_str().unwrap_or("?"),
        v["time_of_logging"]["source"].as_str().unwrap_or("?")
    ));
    // The client's copy with one byte of the statement changed.
    let mut package = lading_model::bundle::Package::from_zip(&std::fs::read(t.join("evidence.lading"))?)?;
    let at = package.index.members.iter().position(|m| m.role == "statement").context("statement member")?;
    let text = String::from_utf8(package.files[at].clone())?.replacen("MSA-2026-114", "MSA-2026-115", 1);
    package.files[at] = text.into_bytes();
    package.index.members[at].sha256 = lading_model::Sha256Digest::of(&package.files[at]);
    package.index.members[at].size = package.files[at].len() as u64;
    std::fs::write(t.join("evidence-altered.lading"), package.to_zip()?)?;
    let altered = lading(&t, &["verify", "evidence-altered.lading", "--policy", "policy.json"])?;
    if altered["verified"].as_bool() != Some(false) {
        bail!("an altered statement was not caught");
    }
    let first = altered["checks"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["status"] == "fail"))
        .map(|c| format!("{}: {}", c["name"].as_str().unwrap_or(""), c["reason"].as_str().unwrap_or("")))
        .unwrap_or_default();
    lines.push(format!("   a copy with the contract number changed is rejected ({first})"));
    Ok((lines, t.join("evidence.lading"), t.join("verdict.html"), verified))
}

pub(crate) fn run(args: &DemoArgs, json_out: bool) -> Result<ExitCode> {
    // The files stay: the run ends by pointing at the bundle and the report.
    let dir_buf = match &args.keep {
        Some(dir) => {
            std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
            dir.clone()
        }
        None => tempfile::Builder::new()
            .prefix("lading-demo-")
            .tempdir()
            .context("cannot create a temporary directory")?
            .keep(),
    };
    let dir_buf = std::fs::canonicalize(&dir_buf).with_context(|| format!("cannot resolve {}", dir_buf.display()))?;
    let dir: &Path = &dir_buf;
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
        lading_inventory::report::html(
            &assessed,
            &rules,
            "samples/inventory/offerings.csv",
            &lading_inventory::report::EN,
        )
        .as_bytes(),
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

    say("\n9. An AI vision integrator inspects a lot with its ONNX model (tract, pure Rust), signs the report, and a"
        .into())?;
    say("   certification body re-runs it.".into())?;
    let inspection_lines = inspection_journey(dir)?;
    for line in &inspection_lines {
        say(line.clone())?;
    }

    say(
        "\n10. A pilot-zone authority lists the provider and a certification body; the body certifies the maintenance"
            .into(),
    )?;
    say("    log, the SaaS release and the inspection report (re-running it); the provider issues a compliance statement".into())?;
    say("    time-stamped by an RFC 3161 TSA under a demo CA; the client verifies the evidence bundle.".into())?;
    let (trust_lines, bundle, verdict_html, verified) = trust_journey(dir)?;
    for line in trust_lines {
        say(line)?;
    }
    if !verified {
        bail!(
            "the demo's evidence bundle did not verify; run `lading verify {} --policy …` to see why",
            bundle.display()
        );
    }
    say(format!("\nThe evidence bundle: {}", bundle.display()))?;
    say(format!("The verification report (open it in a browser): {}", verdict_html.display()))?;
    say("Next: `lading verify BUNDLE --policy POLICY` checks any bundle; `lading verify-signature` any envelope."
        .into())?;
    if args.keep.is_none() {
        say(format!("(Everything is in {}; `lading demo --keep DIR` puts it where you choose.)", dir.display()))?;
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
            "inspection": dir.join("inspection"),
            "evidence_bundle": bundle,
            "verification_report": verdict_html,
            "verified": verified,
        }))?;
    }
    if args.serve {
        let (token, serve_args) = crate::cmd::serve::demo_deployment(dir, &args.listen, None)?;
        let url = format!("http://{}", args.listen);
        if json_out {
            output::json_line(&json!({
                "event": "console",
                "admin_token": token,
                "bundle": bundle,
                "policy": "policy",
            }))?;
        } else {
            say(format!("\n11. The web console: open {url}/ (English / 简体中文)."))?;
            say(format!(
                "    /verify: upload {} with the policy \"policy\" and read the deliverables;",
                bundle.display()
            ))?;
            say("    /logs/registry: the demo's signed documents, each signer's standing on the white list;".into())?;
            say(format!("    /admin: sign in with the admin token {token}"))?;
            say("    (then /streams shows the maintenance stream). Stop with Ctrl-C.".into())?;
        }
        return crate::cmd::serve::serve(&serve_args, json_out);
    }
    Ok(ExitCode::SUCCESS)
}
