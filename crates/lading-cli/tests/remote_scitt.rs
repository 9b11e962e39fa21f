//! `lading remote submit S.cose` against a real `lading serve`: SCITT signed
//! statements register through SCRAPI `POST /entries` (201, 200 when already
//! registered, 303 polled with `--prefer-async`), the COSE receipt saved
//! verifies with `lading scitt verify`, and the service's RFC 9290 problem
//! details become a clear error.

use std::path::Path;

use lading_testkit::cli::{Lading, Server};

fn cli(dir: &Path) -> Lading {
    Lading::new(env!("CARGO_BIN_EXE_lading"), dir)
}

/// A deployment with provider key `k` (Ed25519) registered on `registry` and a submit token.
fn deployment(dir: &Path) -> Server {
    let l = cli(dir);
    l.ok(&["key", "generate", "--out", "k"]);
    l.ok(&["key", "generate", "--alg", "p256", "--out", "stranger"]);
    drop(l.serve(&["--data", "dep"]));
    l.ok(&["provider", "add", "--data", "dep", "--log", "registry", "--pubkey", "k.pub"]);
    let token = l.ok(&["token", "create", "--data", "dep", "--log", "registry", "--scope", "submit"]);
    std::fs::write(dir.join("token"), token.trim()).expect("token");
    l.serve(&["--data", "dep"])
}

fn statement(l: &Lading, dir: &Path, key: &str, out: &str) {
    std::fs::write(dir.join(format!("{out}.json")), l.ok(&["new", "inspection-report"])).expect("doc");
    l.ok(&["scitt", "sign", &format!("{out}.json"), "--key", key, "--out", out]);
}

#[test]
fn cose_statements_register_through_scrapi_and_their_receipts_verify() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let d = tmp.path();
    let server = deployment(d);
    let l = cli(d);
    let s = server.url.as_str();
    let vkey = "dep/logs/registry/log.vkey";
    statement(&l, d, "k.key", "a.cose");
    let submit = |file: &str, extra: &[&str]| {
        let mut args = vec!["remote", "submit", file, "--server", s, "--log", "registry", "--token-file", "token"];
        args.extend_from_slice(extra);
        args.iter().map(|a| (*a).to_owned()).collect::<Vec<String>>()
    };
    let run = |args: Vec<String>| {
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        l.run(&refs)
    };

    // 201: index and leaf printed, the COSE receipt saved; it verifies with `lading scitt verify`.
    let (code, out, err) = run(submit("a.cose", &["--out", "a.receipt.cose", "--vkey", vkey]));
    assert_eq!(code, 0, "{err}");
    let (index, leaf) = out.trim().split_once(' ').expect("INDEX LEAF");
    assert_eq!(index, "0", "{out}");
    assert_eq!(leaf.len(), 64, "{out}");
    let (code, v) = l.json(&["scitt", "verify", "a.cose", "--receipt", "a.receipt.cose", "--log-key", vkey]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["leaf_hash"], leaf, "{v}");

    // 200: already registered; same index and leaf.
    let mut args = submit("a.cose", &["--out", "again.cose"]);
    args.insert(0, "--json".into());
    let (code, out, err) = run(args);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(out.trim()).expect("json");
    assert_eq!((v["duplicate"].as_bool(), v["index"].as_u64()), (Some(true), Some(0)), "{v}");
    assert_eq!(v["leaf_hash"], leaf);
    l.ok(&["scitt", "verify", "a.cose", "--receipt", "again.cose", "--log-key", vkey]);

    // 303 with a location (Prefer: respond-async): polled until the receipt comes.
    statement(&l, d, "k.key", "b.cose");
    let mut args = submit("b.cose", &["--out", "b.receipt.cose", "--prefer-async"]);
    args.insert(0, "--json".into());
    let (code, out, err) = run(args);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(out.trim()).expect("json");
    assert_eq!((v["polled"].as_bool(), v["index"].as_u64()), (Some(true), Some(1)), "{v}");
    l.ok(&["scitt", "verify", "b.cose", "--receipt", "b.receipt.cose", "--log-key", vkey]);
    // A receipt for one statement does not verify another.
    let err = l.fails(&["scitt", "verify", "a.cose", "--receipt", "b.receipt.cose", "--log-key", vkey]);
    assert!(err.contains("FAIL") || err.contains("not this one"), "{err}");

    // An issuer the service does not know: its CBOR problem details are the error; nothing is written.
    statement(&l, d, "stranger.key", "c.cose");
    let (code, _, err) = run(submit("c.cose", &["--out", "c.receipt.cose"]));
    assert_ne!(code, 0);
    assert!(err.contains("403 Unregistered Issuer") && err.contains("is not a provider key registered"), "{err}");
    assert!(!d.join("c.receipt.cose").exists());

    // Another log, or bytes that only look like COSE, are refused before anything is sent.
    let (code, _, err) =
        l.run(&["remote", "submit", "a.cose", "--server", s, "--log", "other", "--token-file", "token"]);
    assert_ne!(code, 0);
    assert!(err.contains("SCRAPI registers statements in log \"registry\""), "{err}");
    std::fs::write(d.join("junk.cose"), [0xd2, 0x84, 0x40]).expect("junk");
    let (code, _, err) = run(submit("junk.cose", &[]));
    assert_ne!(code, 0);
    assert!(err.contains("junk.cose: not a SCITT signed statement"), "{err}");
    // Without a token the service is not asked.
    let (code, _, err) = l.run(&["remote", "submit", "a.cose", "--server", s, "--log", "registry"]);
    assert_ne!(code, 0);
    assert!(err.contains("API token"), "{err}");
}

/// Issue 20: a certificate-bound statement (x5chain) registers only when its
/// chain runs to a CA root the service trusts (`lading serve --scitt-ca-root`);
/// otherwise the CBOR problem detail names the certificate.
#[test]
fn certificate_bound_statements_must_chain_to_a_root_the_service_trusts() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let d = tmp.path();
    let l = cli(d);
    for (name, alg) in [("signer", "p256"), ("root", "p256"), ("other", "p256")] {
        l.ok(&["key", "generate", "--alg", alg, "--out", name]);
    }
    l.ok(&["pki", "init-ca", "--key", "root.key", "--subject", "CN=SCITT Root,O=Lading Test", "--out", "root.pem"]);
    l.ok(&["pki", "init-ca", "--key", "other.key", "--subject", "CN=Other Root,O=Lading Test", "--out", "other.pem"]);
    l.ok(&[
        "pki",
        "issue",
        "--ca-cert",
        "root.pem",
        "--ca-key",
        "root.key",
        "--subject-key",
        "signer.pub",
        "--subject",
        "CN=Cert Signer,O=Example Ltd",
        "--profile",
        "signer",
        "--out",
        "leaf.pem",
    ]);
    std::fs::write(d.join("doc.json"), l.ok(&["new", "inspection-report"])).expect("doc");
    l.ok(&["scitt", "sign", "doc.json", "--key", "signer.key", "--cert", "leaf.pem", "--out", "c.cose"]);
    drop(l.serve(&["--data", "dep"]));
    l.ok(&["provider", "add", "--data", "dep", "--log", "registry", "--pubkey", "signer.pub"]);
    let token = l.ok(&["token", "create", "--data", "dep", "--log", "registry", "--scope", "submit"]);
    std::fs::write(d.join("token"), token.trim()).expect("token");
    let submit = |server: &Server| {
        l.run(&[
            "remote",
            "submit",
            "c.cose",
            "--server",
            &server.url,
            "--log",
            "registry",
            "--token-file",
            "token",
            "--out",
            "c.receipt.cose",
        ])
    };

    // No trusted CA root: refused, naming the certificate.
    let server = l.serve(&["--data", "dep"]);
    let (code, _, err) = submit(&server);
    assert_ne!(code, 0);
    assert!(err.contains("403 Untrusted Issuer Certificate") && err.contains("trusts no CA roots"), "{err}");
    assert!(err.contains("CN=Cert Signer"), "{err}");
    drop(server);

    // Another root: the chain does not run to it; the problem names the certificate.
    let server = l.serve(&["--data", "dep", "--scitt-ca-root", "other.pem"]);
    let (code, _, err) = submit(&server);
    assert_ne!(code, 0);
    assert!(err.contains("403 Untrusted Issuer Certificate") && err.contains("CN=Cert Signer"), "{err}");
    assert!(!d.join("c.receipt.cose").exists());
    drop(server);

    // The right root: registered, and the receipt verifies.
    let server = l.serve(&["--data", "dep", "--scitt-ca-root", "root.pem"]);
    let (code, out, err) = submit(&server);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("0 "), "{out}");
    l.ok(&[
        "scitt",
        "verify",
        "c.cose",
        "--receipt",
        "c.receipt.cose",
        "--log-key",
        "dep/logs/registry/log.vkey",
        "--ca",
        "root.pem",
    ]);
}

/// Issue 20: a Lading Sigstore bundle (`lading sigstore-bundle`) wrapped by
/// `lading scitt sign` registers when its DSSE envelope verifies with the
/// issuer's key; a bundle of another signer is refused at signing.
#[test]
fn sigstore_bundles_register_as_statement_payloads() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let d = tmp.path();
    let server = deployment(d);
    let l = cli(d);
    std::fs::write(d.join("doc.json"), l.ok(&["new", "inspection-report"])).expect("doc");
    l.ok(&["sign", "doc.json", "--key", "k.key", "--out", "doc.dsse.json"]);
    l.ok(&["sigstore-bundle", "doc.dsse.json", "--out", "doc.sigstore.json"]);
    let (code, v) = l.json(&["scitt", "sign", "doc.sigstore.json", "--key", "k.key", "--out", "b.cose"]);
    assert_eq!(code, 0, "{v}");
    let out = l.ok(&[
        "remote",
        "submit",
        "b.cose",
        "--server",
        &server.url,
        "--log",
        "registry",
        "--token-file",
        "token",
        "--out",
        "b.receipt.cose",
    ]);
    assert!(out.starts_with("0 "), "{out}");
    l.ok(&["scitt", "verify", "b.cose", "--receipt", "b.receipt.cose", "--log-key", "dep/logs/registry/log.vkey"]);
    // A bundle another key signed does not verify with the statement's key.
    let err = l.fails(&["scitt", "sign", "doc.sigstore.json", "--key", "stranger.key", "--out", "x.cose"]);
    assert!(err.contains("does not verify with --key"), "{err}");
}
