//! `lading scitt …` end to end through the binary: statements signed
//! (ES256, EdDSA, certificate-bound, hash envelope), logged in a local log,
//! COSE receipts made and verified, transparent statements, and bad input
//! (another statement's receipt, another log's key, SM2, garbage) refused.

use std::path::Path;

use lading_testkit::cli::Lading;

fn lading(dir: &Path) -> Lading {
    Lading::new(env!("CARGO_BIN_EXE_lading"), dir)
}

/// Signs `doc` with `key` into `out`; returns the log entry (hex) of the statement.
fn sign(l: &Lading, doc: &str, key: &str, out: &str, extra: &[&str]) -> String {
    let mut args = vec!["scitt", "sign", doc, "--key", key, "--out", out];
    args.extend_from_slice(extra);
    let (code, v) = l.json(&args);
    assert_eq!(code, 0, "{v}");
    v["entry"].as_str().expect("entry").to_owned()
}

/// Appends the statement's entry to the log in `log`.
fn append(l: &Lading, dir: &Path, log: &str, entry_hex: &str, name: &str) {
    std::fs::write(dir.join(name), hex::decode(entry_hex).expect("hex")).expect("write");
    l.ok(&["log", "append", log, name]);
}

fn setup(dir: &Path) -> Lading {
    let l = lading(dir);
    for (name, alg) in [("ed", "ed25519"), ("p256", "p256"), ("sm2", "sm2"), ("logk", "ed25519"), ("other", "ed25519")]
    {
        l.ok(&["key", "generate", "--alg", alg, "--out", name]);
    }
    std::fs::write(dir.join("doc.json"), l.ok(&["new", "inspection-report"])).expect("doc");
    l.ok(&["log", "init", "log", "--origin", "example.com/registry", "--key", "logk.key"]);
    l.ok(&["log", "init", "otherlog", "--origin", "example.com/other", "--key", "other.key"]);
    l
}

#[test]
fn statements_are_logged_and_their_receipts_verify_for_es256_and_eddsa() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    let l = setup(d);
    let e1 = sign(&l, "doc.json", "ed.key", "ed.cose", &[]);
    let e2 = sign(&l, "doc.json", "p256.key", "p256.cose", &[]);
    append(&l, d, "log", &e1, "e1");
    append(&l, d, "log", &e2, "e2");
    l.ok(&["scitt", "receipt", "log", "--index", "0", "--out", "r0.cose"]);
    l.ok(&["scitt", "receipt", "log", "--index", "1", "--out", "r1.cose"]);
    let (code, v) = l.json(&["scitt", "verify", "ed.cose", "--receipt", "r0.cose", "--log-key", "log/log.vkey"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["checks"].as_array().expect("checks").len(), 4, "{v}");
    l.ok(&["scitt", "verify", "p256.cose", "--receipt", "r1.cose", "--log-key", "log/log.vkey"]);
    // A transparent statement carries its receipt.
    l.ok(&["scitt", "attach", "p256.cose", "--receipt", "r1.cose", "--out", "t.cose"]);
    let (code, v) = l.json(&["scitt", "verify", "t.cose", "--log-key", "log/log.vkey"]);
    assert_eq!(code, 0, "{v}");
    assert!(v["checks"][3]["check"].as_str().expect("check").contains("embedded receipt"), "{v}");
    // The receipt of another statement, or under another log's key or origin, fails.
    let err = l.fails(&["scitt", "verify", "ed.cose", "--receipt", "r1.cose", "--log-key", "log/log.vkey"]);
    assert!(err.contains("not this one"), "{err}");
    let err = l.fails(&["scitt", "verify", "ed.cose", "--receipt", "r0.cose", "--log-key", "otherlog/log.vkey"]);
    assert!(err.contains("not \"example.com/other\""), "{err}");
    let err = l.fails(&["scitt", "verify", "ed.cose", "--receipt", "r0.cose", "--log-key", "other.pub"]);
    assert!(err.contains("signature does not verify"), "{err}");
    // A receipt needs a log key to be trusted.
    let err = l.fails(&["scitt", "verify", "ed.cose", "--receipt", "r0.cose"]);
    assert!(err.contains("--log-key"), "{err}");
}

#[test]
fn receipts_cover_raw_entries_and_hash_envelopes() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    let l = setup(d);
    std::fs::write(d.join("raw"), b"a raw entry").expect("raw");
    l.ok(&["log", "append", "log", "raw"]);
    l.ok(&["scitt", "receipt", "log", "--index", "0", "--out", "raw.cose"]);
    l.ok(&["scitt", "verify", "--entry", "raw", "--receipt", "raw.cose", "--log-key", "log/log.vkey"]);
    std::fs::write(d.join("raw2"), b"another entry").expect("raw");
    let err = l.fails(&["scitt", "verify", "--entry", "raw2", "--receipt", "raw.cose", "--log-key", "log/log.vkey"]);
    assert!(err.contains("not this one"), "{err}");
    // A maintenance stream's events get COSE receipts too.
    l.ok(&["key", "generate", "--out", "stream"]);
    l.ok(&[
        "maint",
        "stream",
        "create",
        "fleet",
        "--data",
        "d",
        "--key",
        "stream.key",
        "--origin",
        "example.com/fleet",
        "--provider",
        "Acme",
        "--registration-id",
        "91440300MA5EXAMPLE",
    ]);
    let events = concat!(env!("CARGO_MANIFEST_DIR"), "/../../samples/maint/events.jsonl");
    l.ok(&["maint", "ingest", "fleet", events, "--data", "d", "--format", "jsonl"]);
    l.ok(&["scitt", "receipt", "d/streams/fleet", "--index", "3", "--out", "ev.cose"]);
    let (code, out, err) = l.run(&["log", "get", "d/streams/fleet", "--index", "3"]);
    assert_eq!(code, 0, "{err}");
    std::fs::write(d.join("ev3"), out).expect("event");
    l.ok(&["scitt", "verify", "--entry", "ev3", "--receipt", "ev.cose", "--log-key", "d/streams/fleet/log.vkey"]);
    // A hash envelope of the document: the digest is signed, the subject still read from the document.
    let entry = sign(&l, "doc.json", "ed.key", "h.cose", &["--hash-envelope", "--location", "https://example.com/doc"]);
    append(&l, d, "log", &entry, "h");
    l.ok(&["scitt", "receipt", "log", "--index", "1", "--out", "h-r.cose"]);
    l.ok(&["scitt", "verify", "h.cose", "--receipt", "h-r.cose", "--log-key", "log/log.vkey"]);
    // A DSSE envelope Lading made can be wrapped too.
    l.ok(&["sign", "doc.json", "--key", "ed.key", "--out", "doc.dsse.json"]);
    sign(&l, "doc.dsse.json", "ed.key", "dsse.cose", &[]);
    l.ok(&["scitt", "verify", "dsse.cose"]);
}

#[test]
fn certificate_bound_statements_name_the_certificate() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    let l = setup(d);
    l.ok(&["key", "generate", "--alg", "p256", "--out", "root"]);
    l.ok(&["pki", "init-ca", "--key", "root.key", "--subject", "CN=Test Root,O=Lading Test", "--out", "root.pem"]);
    l.ok(&[
        "pki",
        "issue",
        "--ca-cert",
        "root.pem",
        "--ca-key",
        "root.key",
        "--subject-key",
        "p256.pub",
        "--subject",
        "CN=Signer,O=Example Ltd",
        "--profile",
        "signer",
        "--out",
        "leaf.pem",
    ]);
    let (code, v) =
        l.json(&["scitt", "sign", "doc.json", "--key", "p256.key", "--cert", "leaf.pem", "--out", "c.cose"]);
    assert_eq!(code, 0, "{v}");
    assert!(v["iss"].as_str().expect("iss").starts_with("urn:lading:x509:CN=Signer,O=Example%20Ltd"), "{v}");
    let out = l.ok(&["scitt", "verify", "c.cose", "--ca", "root.pem"]);
    assert!(out.contains("x5chain validated"), "{out}");
    // Another root does not validate the chain.
    l.ok(&["key", "generate", "--alg", "p256", "--out", "root2"]);
    l.ok(&["pki", "init-ca", "--key", "root2.key", "--subject", "CN=Other Root", "--out", "root2.pem"]);
    let err = l.fails(&["scitt", "verify", "c.cose", "--ca", "root2.pem"]);
    assert!(err.contains("certificate path"), "{err}");
    // A certificate for another key is refused at signing.
    let err = l.fails(&["scitt", "sign", "doc.json", "--key", "ed.key", "--cert", "leaf.pem", "--out", "x.cose"]);
    assert!(err.contains("refusing to sign"), "{err}");
    assert!(!d.join("x.cose").exists());
}

#[test]
fn bad_input_is_refused_with_a_reason() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    let l = setup(d);
    // SM2 stays on DSSE.
    let err = l.fails(&["scitt", "sign", "doc.json", "--key", "sm2.key", "--out", "s.cose"]);
    assert!(err.contains("DSSE"), "{err}");
    assert!(!d.join("s.cose").exists());
    // Not a document.
    std::fs::write(d.join("bad.json"), br#"{"meta": {}}"#).expect("bad");
    let err = l.fails(&["scitt", "sign", "bad.json", "--key", "ed.key", "--out", "s.cose"]);
    assert!(err.contains("not a valid Lading document"), "{err}");
    // Garbage, truncated and indefinite-length statements.
    sign(&l, "doc.json", "ed.key", "ok.cose", &[]);
    let good = std::fs::read(d.join("ok.cose")).expect("read");
    for (name, bytes) in [
        ("empty", Vec::new()),
        ("truncated", good[..good.len() / 2].to_vec()),
        ("indefinite", vec![0xd2, 0x9f, 0xff]),
        ("text", b"not cbor".to_vec()),
    ] {
        std::fs::write(d.join(name), &bytes).expect("write");
        let err = l.fails(&["scitt", "verify", name]);
        assert!(err.contains(name) && err.contains("CBOR"), "{name}: {err}");
    }
    // A tampered payload fails the signature check.
    let mut tampered = good.clone();
    let at = tampered.len() - 80;
    tampered[at] ^= 1;
    std::fs::write(d.join("tampered.cose"), &tampered).expect("write");
    let err = l.fails(&["scitt", "verify", "tampered.cose"]);
    assert!(err.contains("FAIL signature"), "{err}");
}
