//! `lading trust-list …` and `lading credential …` end to end through the
//! binary: a list built, signed in versions and read back; status history
//! judged at a time; credentials signed and verified; bad input refused with
//! the file and field named, and nothing written.

use std::path::Path;

use serde_json::Value;

/// Exit code, stdout and stderr of `lading ARGS` in `dir` (a panic fails the test).
fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    lading_testkit::cli::Lading::new(env!("CARGO_BIN_EXE_lading"), dir).run(args)
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let (code, out, err) = run(dir, args);
    assert_eq!(code, 0, "lading {args:?}: {err}");
    out
}

fn json(dir: &Path, args: &[&str]) -> Value {
    let mut a = vec!["--json"];
    a.extend_from_slice(args);
    serde_json::from_str(ok(dir, &a).trim()).expect("json")
}

fn list(d: &Path) {
    for k in ["op", "prov", "cb", "p256"] {
        let alg = if k == "p256" { "p256" } else { "ed25519" };
        ok(d, &["key", "generate", "--alg", alg, "--out", k]);
    }
    ok(
        d,
        &[
            "trust-list",
            "new",
            "list.json",
            "--operator",
            "Suzhou pilot zone",
            "--zone",
            "CN-Suzhou",
            "--key",
            "op.pub",
        ],
    );
    ok(
        d,
        &[
            "trust-list",
            "add",
            "list.json",
            "--id",
            "acme",
            "--legal-name",
            "Acme Co.",
            "--registration-id",
            "9132",
            "--role",
            "provider",
            "--scope",
            "maintenance-log",
            "--scope",
            "saas-release",
            "--pubkey",
            "prov.pub",
            "--pubkey",
            "p256.pub",
            "--from",
            "2026-01-01T00:00:00Z",
        ],
    );
    ok(
        d,
        &[
            "trust-list",
            "add",
            "list.json",
            "--id",
            "cb",
            "--legal-name",
            "Cert Co.",
            "--registration-id",
            "9133",
            "--role",
            "certification-body",
            "--scope",
            "maintenance-log",
            "--pubkey",
            "cb.pub",
            "--from",
            "2026-01-01T00:00:00Z",
        ],
    );
}

#[test]
fn a_list_is_signed_in_versions_and_status_is_judged_at_a_time() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    list(d);
    ok(
        d,
        &[
            "trust-list",
            "set-status",
            "list.json",
            "--id",
            "acme",
            "--status",
            "suspended",
            "--reason",
            "audit",
            "--at",
            "2026-06-01T00:00:00Z",
        ],
    );
    ok(
        d,
        &[
            "trust-list",
            "set-status",
            "list.json",
            "--id",
            "acme",
            "--status",
            "granted",
            "--reason",
            "closed",
            "--at",
            "2026-07-01T00:00:00Z",
        ],
    );
    ok(d, &["trust-list", "sign", "list.json", "--key", "op.key", "--out", "v1.json"]);
    let v2 =
        json(d, &["trust-list", "sign", "list.json", "--key", "op.key", "--out", "v2.json", "--next-update-days", "7"]);
    assert_eq!(v2["sequence_number"], 2);
    let shown = json(d, &["trust-list", "show", "v1.json", "--pubkey", "op.pub", "--at", "2026-06-15T00:00:00Z"]);
    assert_eq!((shown["signed"].as_bool(), shown["sequence_number"].as_u64()), (Some(true), Some(1)));
    assert_eq!(shown["entries"][0]["status"], "suspended");
    assert_eq!(shown["entries"][0]["keys"].as_array().map(Vec::len), Some(2));
    let later = json(d, &["trust-list", "show", "v2.json", "--pubkey", "op.pub", "--at", "2026-07-15T00:00:00Z"]);
    assert_eq!(later["entries"][0]["status"], "granted");
    let before = json(d, &["trust-list", "show", "list.json", "--at", "2025-12-31T00:00:00Z"]);
    assert_eq!(before["entries"][1]["status"], "not yet granted");

    // The operator's key, and only it, opens the signed list.
    let (code, _, err) = run(d, &["trust-list", "show", "v1.json", "--pubkey", "cb.pub"]);
    assert!(code != 0 && err.contains("signature"), "{err}");
    let (code, _, err) = run(d, &["trust-list", "show", "v1.json"]);
    assert!(code != 0 && err.contains("--pubkey"), "{err}");
    let (code, _, err) = run(d, &["trust-list", "sign", "list.json", "--key", "cb.key", "--out", "v3.json"]);
    assert!(code != 0 && err.contains("/operator/key_id"), "{err}");
    assert!(!d.join("v3.json").exists());
    // A changed byte of the signed payload fails.
    let mut env: Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("v1.json")).expect("read")).expect("json");
    let payload = env["payload"].as_str().expect("payload").to_owned();
    let first = if payload.starts_with('e') { 'f' } else { 'e' };
    let flipped = format!("{first}{}", payload.get(1..).expect("payload"));
    env["payload"] = flipped.into();
    std::fs::write(d.join("bad.json"), env.to_string()).expect("write");
    let (code, _, err) = run(d, &["trust-list", "show", "bad.json", "--pubkey", "op.pub"]);
    assert!(code != 0, "{err}");
}

#[test]
fn bad_list_input_is_refused_and_leaves_the_list_unchanged() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    list(d);
    let before = std::fs::read(d.join("list.json")).expect("read");
    let add = |id: &str, scope: &str, pubkey: &str| -> Vec<String> {
        let fixed =
            ["trust-list", "add", "list.json", "--legal-name", "x", "--registration-id", "1", "--role", "provider"];
        let mut a: Vec<String> = fixed.iter().map(|s| (*s).to_owned()).collect();
        a.extend(["--id", id, "--scope", scope, "--pubkey", pubkey].map(str::to_owned));
        a
    };
    let status = |id: &str, at: &str| -> Vec<String> {
        ["trust-list", "set-status", "list.json", "--id", id, "--status", "suspended", "--reason", "r", "--at", at]
            .map(str::to_owned)
            .to_vec()
    };
    let cases: [(Vec<String>, &str); 7] = [
        (add("acme", "saas-release", "op.pub"), "already listed"),
        (add("new", "saas", "op.pub"), "--scope"),
        (add("new", "saas-release", "prov.pub"), "/entries/2/keys/0/key_id"),
        (add("new", "saas-release", "op.key"), "public key"),
        (status("ghost", "2026-06-01T00:00:00Z"), "no entity \"ghost\""),
        (status("acme", "2025-01-01T00:00:00Z"), "time order"),
        (status("acme", "yesterday"), "--at"),
    ];
    for (args, wanted) in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (code, _, err) = run(d, &args);
        assert!(code != 0 && err.contains(wanted), "{args:?}: {err}");
        assert_eq!(std::fs::read(d.join("list.json")).expect("read"), before, "{args:?} changed the list");
    }
    std::fs::write(d.join("broken.json"), b"{\"format\": \"lading-trust-list/v1\", \"format\": 1}").expect("write");
    let (code, _, err) = run(d, &["trust-list", "show", "broken.json"]);
    assert!(code != 0 && err.contains("duplicate"), "{err}");
    let (code, _, err) =
        run(d, &["trust-list", "new", "list.json", "--operator", "x", "--zone", "y", "--key", "op.pub"]);
    assert!(code != 0 && err.contains("already exists"), "{err}");
}

#[test]
fn credentials_sign_as_their_issuer_and_verify_within_validity() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    ok(d, &["key", "generate", "--out", "cb"]);
    ok(d, &["key", "generate", "--alg", "p256", "--out", "p"]);
    let did = json(d, &["key", "show", "cb.pub"])["did"].as_str().expect("did").to_owned();
    let cred = serde_json::json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential", "LadingCertificate"],
        "issuer": did,
        "validFrom": "2026-11-01T00:00:00Z",
        "validUntil": "2027-11-01T00:00:00Z",
        "credentialSubject": {"id": "urn:lading:provider:acme"},
    });
    std::fs::write(d.join("c.json"), cred.to_string()).expect("write");
    ok(d, &["credential", "sign", "c.json", "--key", "cb.key", "--out", "c.signed.json"]);
    let v = json(d, &["credential", "verify", "c.signed.json", "--at", "2027-01-01T00:00:00Z"]);
    assert_eq!(v["issuer"], did.as_str());
    let (code, out, _) = run(d, &["--json", "credential", "verify", "c.signed.json", "--at", "2028-01-01T00:00:00Z"]);
    assert_eq!(code, 1);
    assert!(out.contains("/validUntil"), "{out}");
    // Not the issuer's key; not an Ed25519 key; not a credential.
    ok(d, &["key", "generate", "--out", "other"]);
    let (code, _, err) = run(d, &["credential", "sign", "c.json", "--key", "other.key"]);
    assert!(code != 0 && err.contains("names issuer"), "{err}");
    let (code, _, err) = run(d, &["credential", "sign", "c.json", "--key", "p.key"]);
    assert!(code != 0 && err.contains("Ed25519"), "{err}");
    std::fs::write(
        d.join("x.json"),
        b"{\"@context\": [\"https://www.w3.org/ns/credentials/v2\"], \"type\": \"Thing\"}",
    )
    .expect("w");
    let (code, _, err) = run(d, &["credential", "sign", "x.json", "--key", "cb.key"]);
    assert!(code != 0 && err.contains("/type"), "{err}");
}
