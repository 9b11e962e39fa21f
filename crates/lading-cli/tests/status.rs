//! Status lists through the binary: `lading status-list new|set|show`,
//! `lading credential verify --status-list`, and every refusal — another
//! issuer's key, an index beyond the list, a revocation reversed, a list
//! shorter than the minimum, a list of the wrong purpose or from another
//! issuer, malformed and oversized (GZIP bomb) lists. Errors are clear,
//! exit non-zero, never panic and write nothing.

use std::path::Path;
use std::process::Command;

use serde_json::{Value, json};

const URL: &str = "https://cb.example/status/revocation/1";
const SUSP_URL: &str = "https://cb.example/status/suspension/1";

fn lading(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_lading")).current_dir(dir).args(args).output().expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{stderr}");
    (out.status.code().expect("code"), String::from_utf8_lossy(&out.stdout).into_owned(), stderr)
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let (code, out, err) = lading(dir, args);
    assert_eq!(code, 0, "lading {args:?}: {err}{out}");
    out
}

fn ok_json(dir: &Path, args: &[&str]) -> Value {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    serde_json::from_str(ok(dir, &all).trim()).expect("json")
}

/// Fails with exit 1 or 2 and an error containing `wanted`.
fn refused(dir: &Path, args: &[&str], wanted: &str) {
    let (code, out, err) = lading(dir, args);
    assert_ne!(code, 0, "lading {args:?} succeeded: {out}");
    assert!(err.contains(wanted), "lading {args:?}: wanted {wanted:?} in {err}");
}

fn read(dir: &Path, name: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join(name)).expect("read")).expect("json")
}

fn did(dir: &Path, key: &str) -> String {
    ok_json(dir, &["key", "show", &format!("{key}.pub")])["did"].as_str().expect("did").to_owned()
}

/// Keys `cb` and `other`, a revocation list `rev.json` and a suspension list `susp.json` of `cb`.
fn setup(d: &Path) {
    for k in ["cb", "other"] {
        ok(d, &["key", "generate", "--out", k]);
    }
    ok(d, &["status-list", "new", "--key", "cb.key", "--url", URL, "--purpose", "revocation", "--out", "rev.json"]);
    ok(
        d,
        &["status-list", "new", "--key", "cb.key", "--url", SUSP_URL, "--purpose", "suspension", "--out", "susp.json"],
    );
}

/// A credential of `cb` with revocation index 17 and suspension index 23, signed.
fn credential(d: &Path) -> &'static str {
    let unsigned = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": "urn:uuid:5b0b3f7e-2a43-4c1a-9f57-0d8c3c0c0c01",
        "type": ["VerifiableCredential", "LadingConformityCertificate"],
        "issuer": did(d, "cb"),
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": "urn:lading:entity:acme"},
        "credentialStatus": [
            {"id": format!("{URL}#17"), "type": "BitstringStatusListEntry", "statusPurpose": "revocation",
             "statusListIndex": "17", "statusListCredential": URL},
            {"id": format!("{SUSP_URL}#23"), "type": "BitstringStatusListEntry", "statusPurpose": "suspension",
             "statusListIndex": "23", "statusListCredential": SUSP_URL},
        ],
    });
    std::fs::write(d.join("cred.unsigned.json"), unsigned.to_string()).expect("write");
    ok(d, &["credential", "sign", "cred.unsigned.json", "--key", "cb.key", "--out", "cred.json"]);
    "cred.json"
}

#[test]
fn a_new_list_is_signed_all_clear_and_versions_count_up() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    setup(d);
    let list = read(d, "rev.json");
    assert_eq!(list["type"], json!(["VerifiableCredential", "BitstringStatusListCredential"]));
    assert_eq!(list["issuer"], did(d, "cb"));
    assert_eq!(list["proof"]["cryptosuite"], "eddsa-jcs-2022");
    assert!(list["credentialSubject"]["encodedList"].as_str().expect("list").starts_with('u'));
    let shown = ok_json(d, &["status-list", "show", "rev.json"]);
    assert_eq!(
        (shown["entries"].as_u64(), shown["set"].as_u64(), shown["sequence_number"].as_u64()),
        (Some(131_072), Some(0), Some(1))
    );

    let set = ok_json(
        d,
        &[
            "status-list",
            "set",
            "rev.json",
            "--index",
            "17",
            "--value",
            "1",
            "--key",
            "cb.key",
            "--reason",
            "withdrawn",
            "--out",
            "rev2.json",
        ],
    );
    assert_eq!(set["sequence_number"], 2);
    let shown = ok_json(d, &["status-list", "show", "rev2.json", "--index", "17"]);
    assert_eq!((shown["set"].as_u64(), shown["index"]["value"].as_u64()), (Some(1), Some(1)));
    assert_eq!(shown["index"]["changes"][0]["reason"], "withdrawn");
    let text = ok(d, &["status-list", "show", "rev2.json", "--index", "17"]);
    assert!(text.contains("version 2") && text.contains("index 17: revoked") && text.contains("withdrawn"), "{text}");

    // Refusals, each writing nothing.
    refused(
        d,
        &["status-list", "set", "rev2.json", "--index", "17", "--value", "0", "--key", "cb.key", "--out", "x.json"],
        "cannot be reversed",
    );
    refused(
        d,
        &["status-list", "set", "rev2.json", "--index", "18", "--value", "1", "--key", "other.key", "--out", "x.json"],
        "only the issuer may change it",
    );
    refused(
        d,
        &["status-list", "set", "rev2.json", "--index", "131072", "--value", "1", "--key", "cb.key", "--out", "x.json"],
        "beyond the status list",
    );
    refused(
        d,
        &["status-list", "set", "rev2.json", "--index", "17", "--value", "1", "--key", "cb.key", "--out", "x.json"],
        "already has value 1",
    );
    refused(
        d,
        &["status-list", "set", "rev2.json", "--index", "1", "--value", "2", "--key", "cb.key", "--out", "x.json"],
        "--value",
    );
    refused(
        d,
        &[
            "status-list",
            "new",
            "--key",
            "cb.key",
            "--url",
            URL,
            "--purpose",
            "revocation",
            "--size",
            "1000",
            "--out",
            "x.json",
        ],
        "the minimum is 131072",
    );
    refused(
        d,
        &["status-list", "new", "--key", "cb.key", "--url", URL, "--purpose", "refresh", "--out", "x.json"],
        "--purpose",
    );
    refused(
        d,
        &["status-list", "new", "--key", "cb.key", "--url", "not a url", "--purpose", "revocation", "--out", "x.json"],
        "is not a URL",
    );
    assert!(!d.join("x.json").exists());

    // A suspension is lifted; its history keeps both changes.
    ok(
        d,
        &[
            "status-list",
            "set",
            "susp.json",
            "--index",
            "5",
            "--value",
            "1",
            "--key",
            "cb.key",
            "--reason",
            "audit",
            "--out",
            "susp.json",
        ],
    );
    ok(
        d,
        &[
            "status-list",
            "set",
            "susp.json",
            "--index",
            "5",
            "--value",
            "0",
            "--key",
            "cb.key",
            "--reason",
            "audit passed",
            "--out",
            "susp.json",
        ],
    );
    let shown = ok_json(d, &["status-list", "show", "susp.json", "--index", "5"]);
    assert_eq!((shown["sequence_number"].as_u64(), shown["index"]["value"].as_u64()), (Some(3), Some(0)));
    assert_eq!(shown["index"]["changes"].as_array().map(Vec::len), Some(2));
}

#[test]
fn credential_verify_reports_valid_revoked_and_suspended_with_the_lists_issuer_version_and_age() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    setup(d);
    let cred = credential(d);
    let v = ok_json(d, &["credential", "verify", cred, "--status-list", "rev.json", "--status-list", "susp.json"]);
    assert_eq!(v["status"], "valid");
    let statuses = v["statuses"].as_array().expect("statuses");
    assert_eq!(statuses.len(), 2);
    assert_eq!(statuses[0]["list_issuer"], did(d, "cb"));
    assert_eq!((statuses[0]["version"].as_u64(), statuses[0]["index"].as_u64()), (Some(1), Some(17)));
    assert!(statuses[0]["age_seconds"].as_i64().is_some_and(|a| (0..600).contains(&a)));
    // Without the lists: valid, but the status is said to be unchecked.
    let (code, out, err) = lading(d, &["credential", "verify", cred]);
    assert_eq!(code, 0);
    assert!(out.starts_with("valid, status not checked") && err.contains("give --status-list"), "{out}{err}");

    ok(
        d,
        &[
            "status-list",
            "set",
            "susp.json",
            "--index",
            "23",
            "--value",
            "1",
            "--key",
            "cb.key",
            "--reason",
            "audit",
            "--out",
            "susp2.json",
        ],
    );
    let (code, out, _) = lading(
        d,
        &[
            "credential",
            "verify",
            cred,
            "--status-list",
            "rev.json",
            "--status-list",
            "susp.json",
            "--status-list",
            "susp2.json",
        ],
    );
    assert_eq!(code, 1);
    assert!(
        out.starts_with("suspended:") && out.contains("suspension: suspended since") && out.contains("version 2"),
        "{out}"
    );
    ok(d, &["certify", "revoke", cred, "--status-list", "rev.json", "--key", "cb.key", "--reason", "fraud"]);
    let (code, out, _) =
        lading(d, &["--json", "credential", "verify", cred, "--status-list", "rev.json", "--status-list", "susp.json"]);
    let v: Value = serde_json::from_str(out.trim()).expect("json");
    assert_eq!((code, v["status"].as_str()), (1, Some("revoked")));
    assert_eq!(v["statuses"][0]["reason"], "fraud");
}

#[test]
fn lists_of_the_wrong_purpose_or_issuer_and_broken_lists_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    setup(d);
    let cred = credential(d);
    // Another issuer's list at the same URL.
    ok(
        d,
        &["status-list", "new", "--key", "other.key", "--url", URL, "--purpose", "revocation", "--out", "foreign.json"],
    );
    refused(
        d,
        &["credential", "verify", cred, "--status-list", "foreign.json", "--status-list", "susp.json"],
        "not by the credential's issuer",
    );
    // A suspension list at the revocation list's URL: wrong purpose.
    ok(d, &["status-list", "new", "--key", "cb.key", "--url", URL, "--purpose", "suspension", "--out", "wrong.json"]);
    refused(
        d,
        &["credential", "verify", cred, "--status-list", "wrong.json", "--status-list", "susp.json"],
        "status purpose is revocation",
    );
    // No list for an entry.
    refused(
        d,
        &["credential", "verify", cred, "--status-list", "rev.json"],
        "no --status-list given is https://cb.example/status/suspension/1",
    );
    // Revoking with the suspension list, or another body's list, is refused.
    refused(d, &["certify", "revoke", cred, "--status-list", "susp.json", "--key", "cb.key"], "names status list");
    refused(
        d,
        &["certify", "revoke", cred, "--status-list", "foreign.json", "--key", "other.key"],
        "not by the credential's issuer",
    );
    refused(
        d,
        &["statement", "revoke", cred, "--status-list", "rev.json", "--key", "cb.key"],
        "is not a LadingComplianceStatement",
    );

    // Malformed lists: altered encodedList (proof breaks), a bad multibase, a GZIP bomb, a short list.
    let mut list = read(d, "rev.json");
    list["credentialSubject"]["encodedList"] = json!("zABC");
    std::fs::write(d.join("bad.json"), list.to_string()).expect("write");
    refused(d, &["status-list", "show", "bad.json"], "does not verify");
    for (name, encoded, wanted) in [
        ("multibase.json", "zH4sIAAAAAAAAA".to_owned(), "not multibase base64url"),
        ("base64.json", "u!!".to_owned(), "not base64url"),
        ("bomb.json", bomb(), "a GZIP bomb"),
        ("short.json", short(), "the minimum is 131072"),
    ] {
        let mut unsigned = read(d, "rev.json");
        unsigned.as_object_mut().expect("object").remove("proof");
        unsigned["credentialSubject"]["encodedList"] = json!(encoded);
        std::fs::write(d.join("u.json"), unsigned.to_string()).expect("write");
        ok(d, &["credential", "sign", "u.json", "--key", "cb.key", "--out", name]);
        refused(d, &["status-list", "show", name], wanted);
        refused(d, &["credential", "verify", cred, "--status-list", name, "--status-list", "susp.json"], wanted);
        refused(
            d,
            &["status-list", "set", name, "--index", "1", "--value", "1", "--key", "cb.key", "--out", "x.json"],
            wanted,
        );
    }
    refused(d, &["status-list", "show", "missing.json"], "cannot open missing.json");
    std::fs::write(d.join("notjson.json"), "{").expect("write");
    refused(d, &["status-list", "show", "notjson.json"], "not acceptable JSON");
    assert!(!d.join("x.json").exists());
}

fn gzip_b64(bytes: &[u8]) -> String {
    // The test builds its GZIP with the system's gzip, independent of the code under test.
    use std::io::Write as _;
    let mut child = Command::new("gzip")
        .args(["-c", "-9", "-n"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("gzip");
    let mut stdin = child.stdin.take().expect("stdin");
    let data = bytes.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&data));
    let out = child.wait_with_output().expect("gzip output");
    writer.join().expect("join").expect("write");
    let mut b64 = String::new();
    for chunk in out.stdout.chunks(3) {
        const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let n = chunk.iter().fold(0u32, |acc, b| (acc << 8) | u32::from(*b)) << (8 * (3 - chunk.len()));
        for i in 0..=chunk.len() {
            b64.push(char::from(A[((n >> (18 - 6 * i)) & 63) as usize]));
        }
    }
    format!("u{b64}")
}

/// 64 MiB of zeros: far past the 16 MiB cap.
fn bomb() -> String {
    gzip_b64(&vec![0u8; 64 << 20])
}

/// 1,000 entries: below the minimum.
fn short() -> String {
    gzip_b64(&[0u8; 125])
}
