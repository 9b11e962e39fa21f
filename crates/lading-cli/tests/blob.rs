//! `lading sign-blob` / `verify-blob`: Sigstore bundles v0.3 with a message
//! signature over a file's SHA-256, with a public-key hint or the signer's
//! certificate chain (`lading pki`), and every way a check must fail.

use std::path::Path;

use lading_testkit::cli::Lading;

fn cli(dir: &Path) -> Lading {
    Lading::new(env!("CARGO_BIN_EXE_lading"), dir)
}

#[test]
fn blobs_signed_with_ed25519_and_p256_keys_verify_and_any_change_fails() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let d = tmp.path();
    let l = cli(d);
    let blob: Vec<u8> = (0..70_000u32).map(|i| (i * 7 % 251) as u8).collect();
    std::fs::write(d.join("app.tar"), &blob).expect("blob");
    for alg in ["ed25519", "p256"] {
        l.ok(&["key", "generate", "--alg", alg, "--out", alg]);
        let bundle = format!("{alg}.sigstore.json");
        l.ok(&["sign-blob", "app.tar", "--key", &format!("{alg}.key"), "--out", &bundle]);
        let b: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(d.join(&bundle)).expect("bundle")).expect("json");
        assert_eq!(b["mediaType"], "application/vnd.dev.sigstore.bundle.v0.3+json");
        assert_eq!(b["messageSignature"]["messageDigest"]["algorithm"], "SHA2_256");
        let (code, v) = l.json(&["verify-blob", "app.tar", "--bundle", &bundle, "--pubkey", &format!("{alg}.pub")]);
        assert_eq!(code, 0, "{v}");
        assert_eq!(v["algorithm"], alg);
        assert_eq!(b["verificationMaterial"]["publicKey"]["hint"], v["keyid"]);
    }
    // Another file, another key, a changed signature: refused with the reason.
    let mut changed = blob.clone();
    changed[40_000] ^= 1;
    std::fs::write(d.join("changed.tar"), &changed).expect("changed");
    let err = l.fails(&["verify-blob", "changed.tar", "--bundle", "p256.sigstore.json", "--pubkey", "p256.pub"]);
    assert!(err.contains("not the signed file"), "{err}");
    let err = l.fails(&["verify-blob", "app.tar", "--bundle", "p256.sigstore.json", "--pubkey", "ed25519.pub"]);
    assert!(err.contains("names key"), "{err}");
    let text = std::fs::read_to_string(d.join("ed25519.sigstore.json")).expect("bundle");
    let mut b: serde_json::Value = serde_json::from_str(&text).expect("json");
    let sig = b["messageSignature"]["signature"].as_str().expect("sig").to_owned();
    let flipped = if sig.starts_with('A') { sig.replacen('A', "B", 1) } else { format!("A{}", &sig[1..]) };
    b["messageSignature"]["signature"] = flipped.into();
    std::fs::write(d.join("bad.json"), b.to_string()).expect("write");
    let err = l.fails(&["verify-blob", "app.tar", "--bundle", "bad.json", "--pubkey", "ed25519.pub"]);
    assert!(err.contains("the signature over app.tar"), "{err}");
    b["messageSignature"]["messageDigest"]["algorithm"] = "SHA2_384".into();
    std::fs::write(d.join("bad.json"), b.to_string()).expect("write");
    let err = l.fails(&["verify-blob", "app.tar", "--bundle", "bad.json", "--pubkey", "ed25519.pub"]);
    assert!(err.contains("/messageSignature/messageDigest/algorithm"), "{err}");
    // A DSSE bundle is pointed to the command that reads it; SM2 is not a Sigstore algorithm.
    let doc = l.ok(&["new", "maintenance-event"]);
    std::fs::write(d.join("doc.json"), doc).expect("doc");
    l.ok(&["sign", "doc.json", "--key", "p256.key", "--out", "doc.dsse.json"]);
    l.ok(&["sigstore-bundle", "doc.dsse.json", "--out", "doc.sigstore.json"]);
    let err = l.fails(&["verify-blob", "doc.json", "--bundle", "doc.sigstore.json", "--pubkey", "p256.pub"]);
    assert!(err.contains("verify-signature"), "{err}");
    l.ok(&["key", "generate", "--alg", "sm2", "--out", "sm2"]);
    let err = l.fails(&["sign-blob", "app.tar", "--key", "sm2.key", "--out", "x.json"]);
    assert!(err.contains("SM2"), "{err}");
}

#[test]
fn a_blob_signed_with_a_certificate_chain_verifies_against_the_root() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let d = tmp.path();
    let l = cli(d);
    for name in ["root", "int", "leaf", "other"] {
        l.ok(&["key", "generate", "--alg", "p256", "--out", name]);
    }
    l.ok(&["pki", "init-ca", "--key", "root.key", "--subject", "CN=Blob Root,O=Lading Test", "--out", "root.pem"]);
    l.ok(&["pki", "init-ca", "--key", "other.key", "--subject", "CN=Other Root,O=Lading Test", "--out", "other.pem"]);
    l.ok(&[
        "pki",
        "issue",
        "--ca-cert",
        "root.pem",
        "--ca-key",
        "root.key",
        "--subject-key",
        "int.pub",
        "--subject",
        "CN=Blob Intermediate,O=Lading Test",
        "--profile",
        "ca",
        "--path-len",
        "0",
        "--out",
        "int.pem",
    ]);
    l.ok(&[
        "pki",
        "issue",
        "--ca-cert",
        "int.pem",
        "--ca-key",
        "int.key",
        "--subject-key",
        "leaf.pub",
        "--subject",
        "CN=Release Signer,O=Example Ltd",
        "--profile",
        "signer",
        "--out",
        "leaf.pem",
    ]);
    std::fs::write(d.join("release.zip"), b"release bytes").expect("blob");
    l.ok(&["sign-blob", "release.zip", "--key", "leaf.key", "--cert", "leaf.pem", "--out", "r.sigstore.json"]);
    let b: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("r.sigstore.json")).expect("bundle")).expect("json");
    assert!(b["verificationMaterial"]["publicKey"].is_null(), "{b}");
    let (code, v) = l.json(&["verify-blob", "release.zip", "--bundle", "r.sigstore.json", "--ca", "root.pem"]);
    assert_eq!(code, 0, "{v}");
    assert!(v["signer"].to_string().contains("Release Signer"), "{v}");
    let err = l.fails(&["verify-blob", "release.zip", "--bundle", "r.sigstore.json", "--ca", "other.pem"]);
    assert!(err.contains("certificate path"), "{err}");
    // A certificate that does not certify the key is refused at signing time.
    let err = l.fails(&["sign-blob", "release.zip", "--key", "other.key", "--cert", "leaf.pem", "--out", "x.json"]);
    assert!(err.contains("refusing to sign with this certificate"), "{err}");
}

/// P-256 root → intermediate → signer and TSA, `pki` commands only.
fn hierarchy(l: &Lading) {
    for k in ["root", "int", "signer", "tsa", "other"] {
        l.ok(&["key", "generate", "--alg", "p256", "--out", k]);
    }
    l.ok(&["pki", "init-ca", "--key", "root.key", "--subject", "CN=T Root,O=Lading Test", "--out", "root.pem"]);
    l.ok(&["pki", "init-ca", "--key", "other.key", "--subject", "CN=Other Root,O=Lading Test", "--out", "other.pem"]);
    l.pki_issue("root", "int", "CN=T Int,O=Lading Test", "ca", "int.pem");
    l.pki_issue("int", "signer", "CN=Blob Signer,O=Example Ltd", "signer", "signer.pem");
    l.pki_issue("int", "tsa", "CN=T TSA,O=Lading Test", "tsa", "tsa.pem");
    l.pki_issue("root", "signer", "CN=Direct Signer,O=Example Ltd", "signer", "direct.pem");
}

fn read_json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).expect("read")).expect("json")
}

#[test]
fn sign_blob_with_a_tsa_carries_the_whole_timestamp_reply_and_verify_blob_takes_the_signing_time_from_it() {
    use base64::Engine as _;
    let tmp = tempfile::tempdir().expect("tempdir");
    let d = tmp.path();
    let l = cli(d);
    hierarchy(&l);
    std::fs::write(d.join("app.tar"), b"release bytes, stamped").expect("blob");
    let server = l.serve(&["--data", "dep", "--tsa-key", "tsa.key", "--tsa-cert", "tsa.pem"]);
    let tsa = format!("{}/v1/timestamp", server.url);
    let (code, v) = l.json(&[
        "sign-blob",
        "app.tar",
        "--key",
        "signer.key",
        "--cert",
        "signer.pem",
        "--tsa",
        &tsa,
        "--out",
        "b.sigstore.json",
    ]);
    assert_eq!((code, &v["timestamps"]), (0, &serde_json::json!(1)), "{v}");
    let b = read_json(&d.join("b.sigstore.json"));
    let stamp = b["verificationMaterial"]["timestampVerificationData"]["rfc3161Timestamps"][0]["signedTimestamp"]
        .as_str()
        .expect("signedTimestamp");
    let der = base64::engine::general_purpose::STANDARD.decode(stamp).expect("base64");
    // A whole TimeStampResp: SEQUENCE { PKIStatusInfo SEQUENCE { status INTEGER 0 (granted) … }, token }.
    assert_eq!(der[0], 0x30, "a DER SEQUENCE");
    let status_info = if der[1] & 0x80 != 0 { 2 + usize::from(der[1] & 0x7f) } else { 2 };
    assert_eq!(&der[status_info..status_info + 1], &[0x30], "PKIStatusInfo first");

    let (code, v) =
        l.json(&["verify-blob", "app.tar", "--bundle", "b.sigstore.json", "--ca", "root.pem", "--tsa-ca", "root.pem"]);
    assert_eq!(code, 0, "{v}");
    let source = v["time_source"].as_str().expect("time_source");
    assert!(source.starts_with("RFC 3161 timestamp by CN=T TSA"), "{source}");
    assert_eq!(v["timestamps"].as_array().map(Vec::len), Some(1), "{v}");
    // Text output names the time source too.
    let text =
        l.ok(&["verify-blob", "app.tar", "--bundle", "b.sigstore.json", "--ca", "root.pem", "--tsa-ca", "root.pem"]);
    assert!(text.contains("from RFC 3161 timestamp by CN=T TSA"), "{text}");
    // Without --tsa-ca the token is reported as not verified.
    let (code, v) = l.json(&["verify-blob", "app.tar", "--bundle", "b.sigstore.json", "--ca", "root.pem"]);
    assert_eq!(code, 0, "{v}");
    assert!(v["time_source"].as_str().is_some_and(|s| s.contains("not verified: no --tsa-ca")), "{v}");
    // A TSA root that is not trusted fails, naming the timestamp.
    let err = l.fails(&[
        "verify-blob",
        "app.tar",
        "--bundle",
        "b.sigstore.json",
        "--ca",
        "root.pem",
        "--tsa-ca",
        "other.pem",
    ]);
    assert!(err.contains("timestamp #0"), "{err}");
    // A token moved onto another blob's signature is over other bytes.
    std::fs::write(d.join("other.tar"), b"other bytes").expect("blob");
    l.ok(&["sign-blob", "other.tar", "--key", "signer.key", "--cert", "signer.pem", "--out", "o.sigstore.json"]);
    let mut o = read_json(&d.join("o.sigstore.json"));
    o["verificationMaterial"]["timestampVerificationData"] =
        b["verificationMaterial"]["timestampVerificationData"].clone();
    std::fs::write(d.join("moved.json"), serde_json::to_vec(&o).expect("json")).expect("write");
    let err =
        l.fails(&["verify-blob", "other.tar", "--bundle", "moved.json", "--ca", "root.pem", "--tsa-ca", "root.pem"]);
    assert!(err.contains("timestamp #0") && err.contains("over other bytes"), "{err}");
    // A public-key bundle gets a timestamp too.
    l.ok(&["sign-blob", "app.tar", "--key", "signer.key", "--tsa", &tsa, "--out", "k.sigstore.json"]);
    let k = read_json(&d.join("k.sigstore.json"));
    assert_eq!(
        k["verificationMaterial"]["timestampVerificationData"]["rfc3161Timestamps"].as_array().map(Vec::len),
        Some(1)
    );
    l.ok(&["verify-blob", "app.tar", "--bundle", "k.sigstore.json", "--pubkey", "signer.pub"]);
}

/// Regression: sign-blob wrote a certificate chain into a v0.3 bundle, whose
/// format forbids `x509CertificateChain` (`@sigstore/bundle` refuses it).
#[test]
fn blob_bundles_with_a_chain_are_v02_and_a_lone_leaf_stays_v03() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let d = tmp.path();
    let l = cli(d);
    hierarchy(&l);
    std::fs::write(d.join("app.tar"), b"bytes").expect("blob");
    // `pki issue` writes the leaf and its issuer's chain: signer.pem is leaf + intermediate,
    // direct.pem (issued by the root) the leaf alone.
    l.ok(&["sign-blob", "app.tar", "--key", "signer.key", "--cert", "signer.pem", "--out", "chain.sigstore.json"]);
    let b = read_json(&d.join("chain.sigstore.json"));
    assert_eq!(b["mediaType"], "application/vnd.dev.sigstore.bundle+json;version=0.2", "{b}");
    assert_eq!(b["verificationMaterial"]["x509CertificateChain"]["certificates"].as_array().map(Vec::len), Some(2));
    l.ok(&["verify-blob", "app.tar", "--bundle", "chain.sigstore.json", "--ca", "root.pem"]);

    l.ok(&["sign-blob", "app.tar", "--key", "signer.key", "--cert", "direct.pem", "--out", "leaf.sigstore.json"]);
    let b = read_json(&d.join("leaf.sigstore.json"));
    assert_eq!(b["mediaType"], "application/vnd.dev.sigstore.bundle.v0.3+json", "{b}");
    assert!(b["verificationMaterial"]["certificate"]["rawBytes"].is_string(), "{b}");
    assert!(b["verificationMaterial"]["x509CertificateChain"].is_null(), "{b}");
    l.ok(&["verify-blob", "app.tar", "--bundle", "leaf.sigstore.json", "--ca", "root.pem"]);

    l.ok(&["sign-blob", "app.tar", "--key", "signer.key", "--out", "key.sigstore.json"]);
    assert_eq!(read_json(&d.join("key.sigstore.json"))["mediaType"], "application/vnd.dev.sigstore.bundle.v0.3+json");
}
