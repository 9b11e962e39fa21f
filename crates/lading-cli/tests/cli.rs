//! The `lading` command line: the contract other issues and users rely on,
//! including what happens with bad input (clear error, non-zero exit, no panic).

use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

fn lading() -> Command {
    Command::cargo_bin("lading").expect("binary built")
}

/// Runs lading in `dir`, asserting it never panics; returns (code, stdout, stderr).
fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = lading().current_dir(dir).args(args).output().expect("run lading");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "lading {args:?} panicked: {stderr}");
    (out.status.code().expect("exit code"), stdout, stderr)
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write");
    path
}

fn new_doc(dir: &Path, kind: &str) -> PathBuf {
    let (code, out, err) = run(dir, &["new", kind]);
    assert_eq!(code, 0, "{err}");
    write(dir, &format!("{kind}.json"), out.as_bytes())
}

fn keys(dir: &Path, alg: &str) -> (String, String) {
    let prefix = format!("k-{alg}");
    let (code, _, err) = run(dir, &["key", "generate", "--alg", alg, "--out", &prefix]);
    assert_eq!(code, 0, "{err}");
    (format!("{prefix}.key"), format!("{prefix}.pub"))
}

const KINDS: [&str; 4] = ["inspection-report", "maintenance-event", "maintenance-segment", "saas-release"];
const ALGS: [&str; 3] = ["ed25519", "p256", "sm2"];

#[test]
fn key_generate_writes_a_private_key_only_its_owner_can_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    for alg in ALGS {
        let (code, out, _) = run(dir.path(), &["--json", "key", "generate", "--alg", alg, "--out", alg]);
        assert_eq!(code, 0);
        let reply: Value = serde_json::from_str(&out).expect("json");
        let mode = std::fs::metadata(dir.path().join(format!("{alg}.key"))).expect("key").permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{alg}");
        let pem = std::fs::read_to_string(dir.path().join(format!("{alg}.key"))).expect("read");
        assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----"));
        let public = std::fs::read_to_string(dir.path().join(format!("{alg}.pub"))).expect("read");
        assert!(public.starts_with("-----BEGIN PUBLIC KEY-----"));
        // key show agrees on the key id, from either half.
        for file in [format!("{alg}.key"), format!("{alg}.pub")] {
            let (code, shown, _) = run(dir.path(), &["--json", "key", "show", &file]);
            assert_eq!(code, 0);
            let shown: Value = serde_json::from_str(&shown).expect("json");
            assert_eq!(shown["keyid"], reply["keyid"]);
            assert_eq!(shown["algorithm"], alg);
        }
        // Refuses to overwrite without --force.
        let (code, _, err) = run(dir.path(), &["key", "generate", "--alg", alg, "--out", alg]);
        assert_eq!(code, 1);
        assert!(err.contains("already exists"), "{err}");
    }
    // A private key others may read is refused, unless overridden — loudly.
    let key = dir.path().join("ed25519.key");
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    std::fs::write(dir.path().join("doc.json"), run(dir.path(), &["new", "saas-release"]).1).expect("doc");
    let (code, _, err) = run(dir.path(), &["sign", "doc.json", "--key", "ed25519.key"]);
    assert!(code == 1 && err.contains("readable by group or others (mode 644)"), "{err}");
    let (code, out, err) =
        run(dir.path(), &["--allow-loose-key-permissions", "sign", "doc.json", "--key", "ed25519.key"]);
    assert!(code == 0 && out.contains("payloadType") && err.contains("WARNING"), "{err}");
}

#[test]
fn unknown_algorithm_is_a_usage_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    lading()
        .current_dir(dir.path())
        .args(["key", "generate", "--alg", "rsa", "--out", "x"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("rsa").and(predicate::str::contains("ed25519")));
}

#[test]
fn new_prints_a_valid_document_of_every_kind() {
    let dir = tempfile::tempdir().expect("tempdir");
    let files: Vec<PathBuf> = KINDS.iter().map(|k| new_doc(dir.path(), k)).collect();
    let mut args = vec!["--json", "validate"];
    let names: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
    args.extend(names.iter().map(String::as_str));
    let (code, out, err) = run(dir.path(), &args);
    assert_eq!(code, 0, "{out}{err}");
    let reply: Value = serde_json::from_str(&out).expect("json");
    assert_eq!(reply["ok"], true);
    assert_eq!(reply["files"].as_array().expect("files").len(), 4);
}

#[test]
fn validate_names_file_and_pointer_of_each_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let good = new_doc(dir.path(), "maintenance-segment");
    let mut doc: Value = serde_json::from_slice(&std::fs::read(&good).expect("read")).expect("json");
    doc["event_count"] = Value::from(7);
    doc["stream"] = Value::from("Not A Stream");
    write(dir.path(), "bad.json", doc.to_string().as_bytes());
    let (code, _, err) = run(dir.path(), &["validate", "maintenance-segment.json", "bad.json"]);
    assert_eq!(code, 1);
    assert!(err.contains("bad.json: /stream"), "{err}");
    assert!(!err.contains("maintenance-segment.json:"), "{err}");

    let (code, out, _) = run(dir.path(), &["--json", "validate", "bad.json"]);
    assert_eq!(code, 1);
    let reply: Value = serde_json::from_str(&out).expect("json");
    assert_eq!(reply["files"][0]["valid"], false);
    assert_eq!(reply["files"][0]["errors"][0]["pointer"], "/stream");
}

#[test]
fn malformed_files_get_a_clear_error_and_exit_1() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    write(d, "truncated.json", b"{\n  \"meta\": {\n    \"kind\": \"saas-");
    write(d, "binary.json", &[0x00, 0xff, 0xfe, 0x01]);
    write(d, "dupe.json", br#"{"meta": {}, "meta": {}}"#);
    write(d, "array.json", b"[1, 2, 3]");
    write(d, "bom.json", b"\xEF\xBB\xBF{}");
    let huge = std::fs::File::create(d.join("huge.json")).expect("create");
    huge.set_len(1 << 30).expect("sparse 1 GiB file");
    std::fs::create_dir(d.join("folder.json")).expect("mkdir");
    let cases = [
        ("truncated.json", "truncated.json:3:"),
        ("binary.json", "not UTF-8"),
        ("dupe.json", "duplicate object key at /meta"),
        ("array.json", "must be a JSON object"),
        ("bom.json", "byte order mark"),
        ("huge.json", "limit"),
        ("folder.json", "directory"),
        ("missing.json", "cannot open missing.json"),
    ];
    for (file, needle) in cases {
        let (code, _, err) = run(d, &["validate", file]);
        assert_eq!(code, 1, "{file}");
        assert!(err.contains(needle), "{file}: {err}");
    }
}

#[test]
fn sign_and_verify_with_every_algorithm() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    for alg in ALGS {
        let (key, public) = keys(d, alg);
        for kind in KINDS {
            new_doc(d, kind);
            let env = format!("{kind}.{alg}.dsse.json");
            let (code, _, err) = run(d, &["sign", &format!("{kind}.json"), "--key", &key, "--out", &env]);
            assert_eq!(code, 0, "{err}");
            let (code, out, err) = run(d, &["--json", "verify-signature", &env, "--pubkey", &public]);
            assert_eq!(code, 0, "{err}");
            let reply: Value = serde_json::from_str(&out).expect("json");
            assert_eq!(reply["valid"], true);
            assert_eq!(reply["kind"], kind);
            let envelope: Value = serde_json::from_slice(&std::fs::read(d.join(&env)).expect("read")).expect("json");
            assert_eq!(envelope["payloadType"], "application/vnd.in-toto+json");
            assert_eq!(envelope["signatures"][0]["keyid"], reply["keyid"]);
        }
    }
}

#[test]
fn sign_to_stdout_prints_the_envelope() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (key, _) = keys(dir.path(), "ed25519");
    new_doc(dir.path(), "maintenance-event");
    let (code, out, _) = run(dir.path(), &["sign", "maintenance-event.json", "--key", &key]);
    assert_eq!(code, 0);
    let envelope: Value = serde_json::from_str(&out).expect("envelope JSON");
    assert!(envelope["payload"].is_string());
}

#[test]
fn verification_failures_say_why_and_exit_1() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let (key, public) = keys(d, "ed25519");
    let (_, other_public) = keys(d, "p256");
    new_doc(d, "saas-release");
    run(d, &["sign", "saas-release.json", "--key", &key, "--out", "env.json"]);
    let envelope: Value = serde_json::from_slice(&std::fs::read(d.join("env.json")).expect("read")).expect("json");

    let mut tampered = envelope.clone();
    let payload = tampered["payload"].as_str().expect("payload").to_owned();
    let first = if payload.starts_with('e') { 'f' } else { 'e' };
    let flipped = format!("{first}{}", &payload[1..]);
    tampered["payload"] = Value::from(flipped);
    write(d, "tampered.json", tampered.to_string().as_bytes());
    let mut bad_b64 = envelope.clone();
    bad_b64["signatures"][0]["sig"] = Value::from("***");
    write(d, "bad-b64.json", bad_b64.to_string().as_bytes());
    write(d, "truncated.json", &std::fs::read(d.join("env.json")).expect("read")[..100]);

    let cases = [
        ("tampered.json", public.as_str(), "does not match"),
        ("env.json", other_public.as_str(), "no signature with key id"),
        ("bad-b64.json", public.as_str(), "/signatures/0/sig"),
        ("truncated.json", public.as_str(), "EOF"),
    ];
    for (file, pubkey, needle) in cases {
        let (code, _, err) = run(d, &["verify-signature", file, "--pubkey", pubkey]);
        assert_eq!(code, 1, "{file}");
        assert!(err.contains(needle), "{file}: {err}");
        let (code, out, _) = run(d, &["--json", "verify-signature", file, "--pubkey", pubkey]);
        assert_eq!(code, 1);
        let reply: Value = serde_json::from_str(&out).expect("json");
        assert_eq!(reply["valid"], false);
        assert!(reply["reason"].as_str().expect("reason").contains(needle));
    }
}

#[test]
fn keys_of_the_wrong_type_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let (key, public) = keys(d, "sm2");
    new_doc(d, "maintenance-event");
    run(d, &["sign", "maintenance-event.json", "--key", &key, "--out", "env.json"]);
    let (code, _, err) = run(d, &["sign", "maintenance-event.json", "--key", &public]);
    assert_eq!(code, 1);
    assert!(err.contains("PRIVATE KEY"), "{err}");
    let (code, _, err) = run(d, &["verify-signature", "env.json", "--pubkey", &key]);
    assert_eq!(code, 1);
    assert!(err.contains("PUBLIC KEY"), "{err}");
    let (code, _, err) = run(d, &["verify-signature", "env.json", "--pubkey", "maintenance-event.json"]);
    assert_eq!(code, 1);
    assert!(err.contains("cannot read public key"), "{err}");
}

#[test]
fn invalid_documents_are_not_signed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let (key, _) = keys(d, "ed25519");
    let good = new_doc(d, "inspection-report");
    let mut doc: Value = serde_json::from_slice(&std::fs::read(good).expect("read")).expect("json");
    doc["summary"]["decision"] = Value::from("reject");
    write(d, "bad.json", doc.to_string().as_bytes());
    let (code, _, err) = run(d, &["sign", "bad.json", "--key", &key, "--out", "env.json"]);
    assert_eq!(code, 1);
    assert!(err.contains("/predicate/summary/decision"), "{err}");
    assert!(!d.join("env.json").exists(), "no envelope is written for an invalid document");
}

#[test]
fn canonicalize_rejects_what_it_would_have_to_alter() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    write(d, "ok.json", br#"{"b": 2, "a": [1.0, "\u00e9"]}"#);
    lading().current_dir(d).args(["canonicalize", "ok.json"]).assert().success().stdout(r#"{"a":[1,"é"],"b":2}"#);
    for (name, text) in [
        ("dupe.json", r#"{"a": 1, "a": 2}"#),
        ("surrogate.json", r#"["\udc00"]"#),
        ("big.json", "[18446744073709551615]"),
        ("inf.json", "[1e999]"),
    ] {
        write(d, name, text.as_bytes());
        let (code, _, err) = run(d, &["canonicalize", name]);
        assert_eq!(code, 1, "{name}");
        assert!(err.contains(name), "{name}: {err}");
    }
}

#[test]
fn schema_prints_the_committed_schema() {
    let (code, out, _) = run(Path::new("."), &["schema", "saas-release"]);
    assert_eq!(code, 0);
    let schema: Value = serde_json::from_str(&out).expect("json");
    assert_eq!(schema["$id"], "urn:lading:schema:saas-release:v1");
}

#[test]
fn demo_runs_the_journey() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (code, out, err) = run(dir.path(), &["--json", "demo", "--keep", "demo"]);
    assert_eq!(code, 0, "{err}");
    let reply: Value = serde_json::from_str(&out).expect("json");
    assert_eq!(reply["envelopes_verified"], 12);
    assert_eq!(reply["receipts_verified"], 12);
    assert!(dir.path().join("demo/saas-release.sm2.dsse.json").exists());
    // Step 8 leaves a maintenance segment that verifies with the stream's vkey.
    let vkey = std::fs::read_to_string(dir.path().join("demo/maint/streams/fleet-example-de/log.vkey")).expect("vkey");
    let (code, out, err) = run(dir.path(), &["maint", "verify", "demo/fleet-example-de.lading", "--vkey", vkey.trim()]);
    assert_eq!(code, 0, "{out}{err}");
    // Step 9 leaves a signed inspection report that reproduces, and its HTML rendering.
    let (code, out, err) = run(
        dir.path(),
        &[
            "inspect",
            "reproduce",
            "demo/inspection/report.json",
            "--model",
            "demo/inspection/surface-classifier.onnx",
            "--images",
            "demo/inspection/lot",
        ],
    );
    assert!(code == 0 && out.contains("REPRODUCIBLE"), "{out}{err}");
    assert!(dir.path().join("demo/inspection/report.dsse.json").exists());
    assert!(dir.path().join("demo/inspection/report.html").exists());
    // Step 10 leaves an evidence bundle that verifies against the demo's policy, and its HTML report.
    assert_eq!(reply["verified"], true);
    let bundle = reply["evidence_bundle"].as_str().expect("bundle");
    assert!(Path::new(reply["verification_report"].as_str().expect("report")).exists());
    let (code, out, err) = run(dir.path(), &["verify", bundle, "--policy", "demo/trust/policy.json"]);
    assert!(code == 0 && out.contains("VERIFIED"), "{out}{err}");
}

#[test]
fn version_names_the_commit_and_the_build_date() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (code, out, err) = run(dir.path(), &["--version"]);
    assert_eq!(code, 0, "{err}");
    // "lading 0.1.0 (commit 0123456789ab, built 2026-12-05)"; "unknown" outside a checkout.
    let re = regex_lite_version(&out);
    assert!(re, "--version printed {out:?}");
}

/// `lading X.Y.Z (commit HASH|unknown[-modified], built YYYY-MM-DD)`, checked without a regex crate.
fn regex_lite_version(out: &str) -> bool {
    let Some(rest) = out.trim().strip_prefix(&format!("lading {} (commit ", env!("CARGO_PKG_VERSION"))) else {
        return false;
    };
    let Some((commit, date)) = rest.strip_suffix(')').and_then(|r| r.split_once(", built ")) else { return false };
    let commit = commit.strip_suffix("-modified").unwrap_or(commit);
    let commit_ok = commit == "unknown" || (commit.len() == 12 && commit.bytes().all(|b| b.is_ascii_hexdigit()));
    let date_ok = date.len() == 10 && chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").is_ok();
    commit_ok && date_ok
}

#[test]
fn a_usage_error_under_json_is_one_json_object_with_ok_false() {
    let dir = tempfile::tempdir().expect("tempdir");
    for args in [&["--json", "verify"][..], &["--json", "no-such-command"], &["sign", "--json", "--bogus-flag", "x"]] {
        let (code, out, err) = run(dir.path(), args);
        assert_eq!(code, 2, "lading {args:?}: {err}");
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 1, "lading {args:?} printed {out:?}");
        let v: Value = serde_json::from_str(lines[0]).expect("one JSON object");
        assert_eq!(v["ok"], false, "{v}");
        assert_eq!(v["kind"], "usage", "{v}");
        assert!(!v["error"].as_str().unwrap_or_default().is_empty(), "{v}");
        assert!(err.contains("Usage:"), "the usage still goes to stderr: {err}");
    }
    // Without --json: clap's own message on stderr, nothing on stdout, exit 2.
    let (code, out, err) = run(dir.path(), &["verify"]);
    assert_eq!((code, out.as_str()), (2, ""), "{err}");
    assert!(err.contains("--policy"), "{err}");
}

#[test]
fn completions_and_manual_pages_are_generated_for_every_shell_and_command() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef lading"),
        ("fish", "complete -c lading"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let (code, out, err) = run(dir.path(), &["completions", shell]);
        assert_eq!(code, 0, "{shell}: {err}");
        assert!(out.contains(marker), "{shell} completion lacks {marker:?}");
        assert!(out.contains("verify-signature"), "{shell} completion lacks the subcommands");
    }
    let (code, _, err) = run(dir.path(), &["completions", "tcsh"]);
    assert_eq!(code, 2, "an unknown shell is a usage error: {err}");

    let (code, page, err) = run(dir.path(), &["man"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        page.starts_with(".ie") || page.contains(".TH lading 1"),
        "not a man page: {}",
        &page[..page.len().min(200)]
    );
    let (code, out, err) = run(dir.path(), &["--json", "man", "--out", "man"]);
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(out.trim()).expect("json");
    assert_eq!(v["ok"], true);
    let pages: Vec<&str> = v["pages"].as_array().expect("pages").iter().filter_map(Value::as_str).collect();
    for want in ["lading.1", "lading-log-prove.1", "lading-maint-hold-add.1", "lading-verify.1"] {
        assert!(pages.contains(&want), "{want} missing from {pages:?}");
        let text = std::fs::read_to_string(dir.path().join("man").join(want)).expect("page written");
        assert!(text.contains(".TH"), "{want} is not a man page");
    }
    assert!(!pages.iter().any(|p| p.contains("-help")), "clap's help subcommands get no page: {pages:?}");
    // The global flags reach every subcommand's page.
    let prove = std::fs::read_to_string(dir.path().join("man/lading-log-prove.1")).expect("page");
    assert!(prove.contains("json"), "lading-log-prove.1 lacks --json");
}
