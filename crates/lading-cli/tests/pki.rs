//! `lading pki …`, certificate-bound `lading sign --cert` and
//! `lading verify-signature --ca` end to end through the binary: a test
//! hierarchy made (SM2 and P-256 CAs; SM2, P-256 and Ed25519 signers; a TSA),
//! bundles signed and verified, revocation at the signing time, and bad
//! input refused with the certificate named and nothing written.

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

fn fail(dir: &Path, args: &[&str]) -> String {
    let (code, _, err) = run(dir, args);
    assert_eq!(code, 1, "lading {args:?} should fail: {err}");
    err
}

fn json(dir: &Path, args: &[&str]) -> Value {
    let mut a = vec!["--json"];
    a.extend_from_slice(args);
    serde_json::from_str(ok(dir, &a).trim()).expect("json")
}

/// Root (alg) → intermediate (alg) → signer (leaf_alg); returns nothing, writes
/// `{p}-root.pem`, `{p}-int.pem`, `{p}-leaf.pem` (leaf + intermediate) and keys.
fn hierarchy(d: &Path, p: &str, alg: &str, leaf_alg: &str) {
    ok(d, &["key", "generate", "--alg", alg, "--out", &format!("{p}-root")]);
    ok(d, &["key", "generate", "--alg", alg, "--out", &format!("{p}-int")]);
    ok(d, &["key", "generate", "--alg", leaf_alg, "--out", &format!("{p}-leaf")]);
    let root_subject = format!("CN={p} Root,O=Lading Test,C=CN");
    let root_key = format!("{p}-root.key");
    let root_pem = format!("{p}-root.pem");
    ok(d, &["pki", "init-ca", "--key", &root_key, "--subject", &root_subject, "--days", "3650", "--out", &root_pem]);
    let int_pub = format!("{p}-int.pub");
    let int_pem = format!("{p}-int.pem");
    let int_subject = format!("CN={p} Intermediate,O=Lading Test");
    ok(
        d,
        &[
            "pki",
            "issue",
            "--ca-cert",
            &root_pem,
            "--ca-key",
            &root_key,
            "--subject-key",
            &int_pub,
            "--subject",
            &int_subject,
            "--profile",
            "ca",
            "--path-len",
            "0",
            "--out",
            &int_pem,
        ],
    );
    let leaf_pub = format!("{p}-leaf.pub");
    let leaf_pem = format!("{p}-leaf.pem");
    let int_key = format!("{p}-int.key");
    ok(
        d,
        &[
            "pki",
            "issue",
            "--ca-cert",
            &int_pem,
            "--ca-key",
            &int_key,
            "--subject-key",
            &leaf_pub,
            "--subject",
            "CN=Signer,O=Example Ltd,organizationIdentifier=91440300MA5EXAMPLE",
            "--profile",
            "signer",
            "--out",
            &leaf_pem,
        ],
    );
}

fn document(d: &Path) {
    let doc = ok(d, &["new", "maintenance-event"]);
    std::fs::write(d.join("doc.json"), doc).expect("write");
}

#[test]
fn sm2_p256_and_ed25519_signers_sign_and_verify_with_their_chain() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    document(d);
    for (p, alg, leaf) in [("sm2", "sm2", "sm2"), ("p256", "p256", "p256"), ("ed", "p256", "ed25519")] {
        hierarchy(d, p, alg, leaf);
        let chain = std::fs::read_to_string(d.join(format!("{p}-leaf.pem"))).expect("chain");
        assert_eq!(chain.matches("BEGIN CERTIFICATE").count(), 2, "leaf then intermediate");
        let bundle = format!("{p}.bundle.json");
        ok(
            d,
            &[
                "sign",
                "doc.json",
                "--key",
                &format!("{p}-leaf.key"),
                "--cert",
                &format!("{p}-leaf.pem"),
                "--out",
                &bundle,
            ],
        );
        let b: Value = serde_json::from_str(&std::fs::read_to_string(d.join(&bundle)).expect("bundle")).expect("json");
        // A chain is v0.2: Sigstore's v0.3 forbids x509CertificateChain.
        assert_eq!(b["mediaType"], "application/vnd.dev.sigstore.bundle+json;version=0.2");
        assert_eq!(b["verificationMaterial"]["x509CertificateChain"]["certificates"].as_array().map(Vec::len), Some(2));
        assert!(b["dsseEnvelope"]["signatures"][0]["sig"].is_string());
        let v = json(d, &["verify-signature", &bundle, "--ca", &format!("{p}-root.pem")]);
        assert_eq!(v["valid"], true);
        assert_eq!(v["signer"]["organization_identifier"], "91440300MA5EXAMPLE");
        assert_eq!(v["signer"]["issuer"], format!("CN={p} Intermediate,O=Lading Test"));
        assert_eq!(v["algorithm"], leaf);
        assert!(v["time_source"].as_str().expect("source").starts_with("now"), "{v}");
        let text = ok(d, &["verify-signature", &bundle, "--ca", &format!("{p}-root.pem")]);
        assert!(text.contains("organizationIdentifier: 91440300MA5EXAMPLE"), "{text}");
        // Already a Sigstore bundle: `sigstore-bundle` writes it as it is (no key hint replacing the chain).
        ok(d, &["sigstore-bundle", &bundle, "--out", "exported.json"]);
        assert_eq!(std::fs::read(d.join("exported.json")).expect("x"), std::fs::read(d.join(&bundle)).expect("b"));
    }
    // Another hierarchy's root does not anchor this chain.
    let err = fail(d, &["verify-signature", "sm2.bundle.json", "--ca", "p256-root.pem"]);
    assert!(err.contains("certificate #1 in the chain (CN=sm2 Intermediate,O=Lading Test)"), "{err}");
    assert!(err.contains("broken chain"), "{err}");
}

#[test]
fn signing_is_refused_for_a_wrong_key_expired_or_non_signing_certificate() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    document(d);
    hierarchy(d, "sm2", "sm2", "sm2");
    let err = fail(d, &["sign", "doc.json", "--key", "sm2-int.key", "--cert", "sm2-leaf.pem", "--out", "x.json"]);
    assert!(
        err.contains("certificate #0 (leaf) (CN=Signer,O=Example Ltd,organizationIdentifier=91440300MA5EXAMPLE)"),
        "{err}"
    );
    assert!(err.contains("not the signing key"), "{err}");
    // The intermediate's own certificate has keyUsage keyCertSign only.
    let err = fail(d, &["sign", "doc.json", "--key", "sm2-int.key", "--cert", "sm2-int.pem", "--out", "x.json"]);
    assert!(err.contains("keyUsage lacks digitalSignature"), "{err}");
    ok(
        d,
        &[
            "pki",
            "issue",
            "--ca-cert",
            "sm2-int.pem",
            "--ca-key",
            "sm2-int.key",
            "--subject-key",
            "sm2-leaf.pub",
            "--subject",
            "CN=Old Signer",
            "--profile",
            "signer",
            "--not-before",
            "2020-01-01T00:00:00Z",
            "--not-after",
            "2021-01-01T00:00:00Z",
            "--out",
            "old.pem",
        ],
    );
    let err = fail(d, &["sign", "doc.json", "--key", "sm2-leaf.key", "--cert", "old.pem", "--out", "x.json"]);
    assert!(err.contains("(CN=Old Signer): expired: notAfter 2021-01-01T00:00:00Z"), "{err}");
    assert!(!d.join("x.json").exists(), "nothing written");
}

fn serial_of(d: &Path, pem: &str) -> String {
    let v = json(d, &["pki", "show", pem]);
    v["certificates"][0]["certificate"]["serial"].as_str().expect("serial").to_owned()
}

/// `lading pki crl` by the CA `{ca}.pem`/`{ca}.key` with `extra` flags, to `out`.
fn crl(d: &Path, ca: &str, extra: &[&str], out: &str) {
    let (cert, key) = (format!("{ca}.pem"), format!("{ca}.key"));
    ok(d, &[&["pki", "crl", "--ca-cert", &cert, "--ca-key", &key][..], extra, &["--out", out][..]].concat());
}

#[test]
fn revocation_is_judged_at_the_signing_time() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    document(d);
    hierarchy(d, "p256", "p256", "p256");
    ok(d, &["sign", "doc.json", "--key", "p256-leaf.key", "--cert", "p256-leaf.pem", "--out", "b.json"]);
    let serial = serial_of(d, "p256-leaf.pem");
    let now = chrono::Utc::now();
    let revoked_at = (now + chrono::Duration::hours(1)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    crl(d, "p256-int", &["--revoke", &format!("{serial}@{revoked_at}")], "int.crl");
    // Signed now, revoked in an hour: still valid now, noted as revoked later.
    let v = json(d, &["verify-signature", "b.json", "--ca", "p256-root.pem", "--crl", "int.crl"]);
    assert!(v["chain"][0]["revocation"].as_str().expect("rev").starts_with("revoked later"), "{v}");
    // Judged two hours from now, it was revoked before.
    let later = (now + chrono::Duration::hours(2)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let err = fail(d, &["verify-signature", "b.json", "--ca", "p256-root.pem", "--crl", "int.crl", "--at", &later]);
    assert!(err.contains(&format!("revoked at {revoked_at} (serial {serial})")), "{err}");
    // A CRL under the intermediate's name signed by another key is an error.
    ok(d, &["key", "generate", "--alg", "p256", "--out", "twin"]);
    ok(
        d,
        &[
            "pki",
            "init-ca",
            "--key",
            "twin.key",
            "--subject",
            "CN=p256 Intermediate,O=Lading Test",
            "--out",
            "twin.pem",
        ],
    );
    crl(d, "twin", &[], "twin.crl");
    let err = fail(d, &["verify-signature", "b.json", "--ca", "p256-root.pem", "--crl", "twin.crl"]);
    assert!(err.contains("CRL #0 names the issuer but its signature does not hold"), "{err}");
    // A stale CRL.
    crl(
        d,
        "p256-int",
        &["--this-update", "2026-01-01T00:00:00Z", "--next-update", "2026-01-08T00:00:00Z"],
        "stale.crl",
    );
    let err = fail(d, &["verify-signature", "b.json", "--ca", "p256-root.pem", "--crl", "stale.crl"]);
    assert!(err.contains("is stale: nextUpdate 2026-01-08T00:00:00Z"), "{err}");
}

#[test]
fn tsa_certificates_carry_a_critical_time_stamping_eku() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    hierarchy(d, "p256", "p256", "p256");
    ok(d, &["key", "generate", "--alg", "p256", "--out", "tsa"]);
    ok(
        d,
        &[
            "pki",
            "issue",
            "--ca-cert",
            "p256-int.pem",
            "--ca-key",
            "p256-int.key",
            "--subject-key",
            "tsa.pub",
            "--subject",
            "CN=Test TSA,O=Lading Test",
            "--profile",
            "tsa",
            "--out",
            "tsa.pem",
        ],
    );
    ok(d, &["pki", "verify", "tsa.pem", "--ca", "p256-root.pem", "--purpose", "tsa"]);
    let err = fail(d, &["pki", "verify", "p256-leaf.pem", "--ca", "p256-root.pem", "--purpose", "tsa"]);
    assert!(err.contains("extKeyUsage is absent"), "{err}");
}

#[test]
fn garbage_certificates_and_bundles_are_refused_clearly() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    document(d);
    hierarchy(d, "ed", "ed25519", "ed25519");
    std::fs::write(d.join("garbage.pem"), "not a certificate\n").expect("write");
    let err = fail(d, &["pki", "verify", "garbage.pem", "--ca", "ed-root.pem"]);
    assert!(err.contains("garbage.pem: no PEM CERTIFICATE block and not DER"), "{err}");
    let err = fail(d, &["sign", "doc.json", "--key", "ed-leaf.key", "--cert", "garbage.pem", "--out", "x.json"]);
    assert!(err.contains("garbage.pem"), "{err}");
    let broken = "-----BEGIN CERTIFICATE-----\nMIIBAAAA\n-----END CERTIFICATE-----\n";
    std::fs::write(
        d.join("broken.pem"),
        format!("{}{broken}", std::fs::read_to_string(d.join("ed-root.pem")).expect("root")),
    )
    .expect("write");
    let err = fail(d, &["pki", "verify", "ed-leaf.pem", "--ca", "broken.pem"]);
    assert!(err.contains("broken.pem: certificate #1 (PEM block at line"), "{err}");
    ok(d, &["sign", "doc.json", "--key", "ed-leaf.key", "--cert", "ed-leaf.pem", "--out", "b.json"]);
    let mut b: Value = serde_json::from_str(&std::fs::read_to_string(d.join("b.json")).expect("b")).expect("json");
    b["verificationMaterial"]["x509CertificateChain"]["certificates"][1]["rawBytes"] = "AAAA".into();
    std::fs::write(d.join("bad.json"), b.to_string()).expect("write");
    let err = fail(d, &["verify-signature", "bad.json", "--ca", "ed-root.pem"]);
    assert!(err.contains("/verificationMaterial/x509CertificateChain/certificates/1/rawBytes"), "{err}");
    let (code, _, err) = run(d, &["verify-signature", "doc.json", "--ca", "ed-root.pem"]);
    assert_eq!(code, 1);
    assert!(err.contains("not a Sigstore bundle"), "{err}");
}

#[test]
fn certify_evaluate_validates_a_certificate_bound_deliverable_s_chain() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    document(d);
    hierarchy(d, "p256", "p256", "p256");
    hierarchy(d, "other", "p256", "p256");
    ok(d, &["sign", "doc.json", "--key", "p256-leaf.key", "--cert", "p256-leaf.pem", "--out", "doc.sigstore.json"]);
    ok(d, &["bundle", "create", "--deliverable", "doc.sigstore.json", "--out", "eval.lading"]);
    let profile = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../profiles/maintenance-log.reference.json");
    let profile = profile.to_str().expect("path");
    // The outcome and evidence of the requirement holding the certificate checks (the integrity
    // one); the profile's other requirements (a segment's retention, a receipt) do not concern a
    // lone document.
    let evaluate = |bundle: &str, key: &str, extra: &[&str]| {
        let base = ["certify", "evaluate", bundle, "--profile", profile, "--provider-key", key];
        let args = [&["--json"][..], &base[..], extra, &["--out", "report.json"][..]].concat();
        let (_, out, err) = run(d, &args);
        let v: Value = serde_json::from_str(out.trim()).unwrap_or_else(|_| panic!("{out}{err}"));
        let results = v["report"]["results"].as_array().expect("results").clone();
        let r = results.iter().find(|r| r["evidence"].as_str().is_some_and(|e| e.contains("certificate")));
        let r = r.unwrap_or_else(|| panic!("no certificate evidence: {v}"));
        (r["outcome"] == "pass", r["evidence"].as_str().unwrap_or_default().to_owned())
    };
    let leaf = |extra: &[&str]| evaluate("eval.lading", "p256-leaf.pub", extra);
    // Without roots the chain cannot be judged: the integrity requirement fails, saying what to give.
    let (passed, evidence) = leaf(&[]);
    assert!(!passed && evidence.contains("give --ca ROOT"), "{evidence}");
    // Under its root: who signed and via which root, revocation not checked without a CRL.
    let (passed, evidence) = leaf(&["--ca", "p256-root.pem"]);
    assert!(passed, "{evidence}");
    assert!(evidence.contains("91440300MA5EXAMPLE") && evidence.contains("CN=p256 Root"), "{evidence}");
    assert!(evidence.contains("revocation not checked for CN=Signer"), "{evidence}");
    assert!(evidence.contains("(the time of evaluation)"), "{evidence}");
    // With the intermediate's and the root's CRLs, both certificates below the anchor are checked.
    crl(d, "p256-int", &[], "int.crl");
    crl(d, "p256-root", &[], "root.crl");
    let (passed, evidence) = leaf(&["--ca", "p256-root.pem", "--crl", "int.crl", "--crl", "root.crl"]);
    assert!(passed && evidence.contains("not revoked at"), "{evidence}");
    assert!(evidence.contains("2 certificate(s) checked against the CRLs given"), "{evidence}");
    // Revoked before now: fails, naming the certificate and its serial.
    let serial = serial_of(d, "p256-leaf.pem");
    crl(d, "p256-int", &["--revoke", &serial], "revoked.crl");
    let (passed, evidence) = leaf(&["--ca", "p256-root.pem", "--crl", "revoked.crl"]);
    assert!(!passed && evidence.contains(&format!("(serial {serial})")), "{evidence}");
    // Another hierarchy's root: the chain does not run to it.
    let (passed, evidence) = leaf(&["--ca", "other-root.pem"]);
    assert!(!passed && evidence.contains("certificate #1 in the chain"), "{evidence}");

    // A bundle signed by one key carrying another key's valid certificate: the certificate names
    // someone the signature does not bind, so it fails even under the right root.
    ok(d, &["sign", "doc.json", "--key", "other-leaf.key", "--cert", "other-leaf.pem", "--out", "own.json"]);
    let mut swapped: Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("own.json")).expect("own")).expect("json");
    let theirs: Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("doc.sigstore.json")).expect("doc")).expect("json");
    swapped["verificationMaterial"] = theirs["verificationMaterial"].clone();
    std::fs::write(d.join("swapped.json"), swapped.to_string()).expect("write");
    ok(d, &["bundle", "create", "--deliverable", "swapped.json", "--out", "swapped.lading"]);
    let (passed, evidence) = evaluate("swapped.lading", "other-leaf.pub", &["--ca", "p256-root.pem"]);
    assert!(!passed && evidence.contains("not") && evidence.contains("the provider's key that signed"), "{evidence}");

    // Timestamped by a TSA under the same root: with --tsa-ca its time is the signing time, and the
    // TSA's chain is recorded too.
    ok(d, &["key", "generate", "--alg", "p256", "--out", "tsa"]);
    let tsa_args = ["--subject-key", "tsa.pub", "--subject", "CN=Eval TSA,O=Lading Test", "--profile", "tsa"];
    let issue =
        [&["pki", "issue", "--ca-cert", "p256-int.pem", "--ca-key", "p256-int.key"][..], &tsa_args[..]].concat();
    ok(d, &[&issue[..], &["--out", "tsa.pem"][..]].concat());
    let server = lading_testkit::cli::Lading::new(env!("CARGO_BIN_EXE_lading"), d).serve(&[
        "--data",
        "tsa-dep",
        "--tsa-key",
        "tsa.key",
        "--tsa-cert",
        "tsa.pem",
    ]);
    let tsa = format!("{}/v1/timestamp", server.url);
    let sign = ["sign", "doc.json", "--key", "p256-leaf.key", "--cert", "p256-leaf.pem", "--tsa", &tsa];
    ok(d, &[&sign[..], &["--out", "stamped.json"][..]].concat());
    drop(server);
    ok(d, &["bundle", "create", "--deliverable", "stamped.json", "--out", "stamped.lading"]);
    let roots = ["--ca", "p256-root.pem", "--tsa-ca", "p256-root.pem", "--crl", "int.crl", "--crl", "root.crl"];
    let (passed, evidence) = evaluate("stamped.lading", "p256-leaf.pub", &roots);
    assert!(passed && evidence.contains("RFC 3161 timestamp by CN=Eval TSA"), "{evidence}");
    assert!(evidence.contains("certificate: timestamp revocation: not revoked at"), "{evidence}");
    // Without --tsa-ca its timestamps are not trusted, and the time of evaluation is used.
    let (passed, evidence) = evaluate("stamped.lading", "p256-leaf.pub", &["--ca", "p256-root.pem"]);
    assert!(passed && evidence.contains("its timestamps are not trusted"), "{evidence}");

    // A roots file with no certificate, and a CRL file with none, are errors that write nothing.
    std::fs::remove_file(d.join("report.json")).expect("rm");
    std::fs::write(d.join("empty.pem"), "nothing here\n").expect("write");
    for flag in ["--ca", "--crl"] {
        let base = ["certify", "evaluate", "eval.lading", "--profile", profile, "--provider-key", "p256-leaf.pub"];
        let err = fail(d, &[&base[..], &[flag, "empty.pem", "--out", "report.json"][..]].concat());
        assert!(err.contains("empty.pem"), "{err}");
        assert!(!d.join("report.json").exists());
    }
}
