//! The certification journey end to end through the binary — white list,
//! stream segment, evaluation, certificate, statement, evidence bundle,
//! verdict — and every trust failure the verifier must catch: a changed
//! byte of any member, a member missing, a provider suspended before its
//! statement was logged (but not after), a certificate expired or out of
//! scope or from a body the list does not accredit, a stale list under a
//! strict policy, and a list from an operator the policy does not know.

use std::path::Path;

use chrono::{Duration, Utc};
use lading_model::Sha256Digest;
use lading_model::bundle::Package;
use serde_json::{Value, json};

/// The binary, run in `dir`.
fn cli(dir: &Path) -> lading_testkit::cli::Lading {
    lading_testkit::cli::Lading::new(env!("CARGO_BIN_EXE_lading"), dir)
}

/// Exit code, stdout and stderr of `lading ARGS` in `dir` (a panic fails the test).
fn lading(dir: &Path, args: &[&str]) -> (i32, String, String) {
    cli(dir).run(args)
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let (code, out, err) = lading(dir, args);
    assert_eq!(code, 0, "lading {args:?}: {err}{out}");
    out
}

fn repo(rel: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join(rel).to_string_lossy().into_owned()
}

fn rfc3339(t: chrono::DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// What varies between journeys.
#[derive(Default)]
struct Options {
    /// The certification body's accredited scope (default maintenance-log).
    cb_scope: Option<&'static str>,
    /// Leave the certification body off the list.
    cb_unlisted: bool,
    /// Certificate validity start and length.
    cert_from: Option<String>,
    cert_days: Option<u32>,
    /// A status change of the provider recorded before signing the list.
    provider_status: Option<(&'static str, String)>,
    /// Status lists: the body's revocation and suspension lists (`rev.json`, `susp.json`) and the
    /// provider's revocation list (`srev.json`), used at issue and carried in the bundle.
    status: bool,
    /// Run between issuing the certificate and the statement.
    before_statement: Option<fn(&Path)>,
    /// A P-256 root (`root.pem`) and issuing CA (`int.pem`), the latter accepted for the provider
    /// on the white list (`--ca`) beside its key.
    provider_ca: bool,
}

/// The status lists a journey with `status` makes.
const STATUS_LISTS: [(&str, &str, &str, &str); 3] = [
    ("rev.json", "cb.key", "revocation", "https://cb.example/status/revocation"),
    ("susp.json", "cb.key", "suspension", "https://cb.example/status/suspension"),
    ("srev.json", "acme.key", "revocation", "https://acme.example/status/statements"),
];

/// Runs the whole journey in `d`; returns the bundle's path.
fn journey(d: &Path, o: &Options) -> &'static str {
    for k in ["op", "acme", "cb", "reglog", "stranger"] {
        ok(d, &["key", "generate", "--out", k]);
    }
    ok(
        d,
        &[
            "maint",
            "stream",
            "create",
            "fleet",
            "--data",
            "data",
            "--key",
            "acme.key",
            "--provider",
            "Acme",
            "--registration-id",
            "9144",
        ],
    );
    ok(d, &["maint", "ingest", "fleet", &repo("samples/maint/events.jsonl"), "--data", "data", "--format", "jsonl"]);
    ok(d, &["maint", "export", "fleet", "--data", "data", "--out", "seg.lading"]);
    let vkey = ok(d, &["log", "init", "reg", "--origin", "example.com/registry", "--key", "reglog.key"]);
    std::fs::write(d.join("logpolicy.txt"), format!("log {}\nquorum none\n", vkey.trim())).expect("write");
    ok(
        d,
        &[
            "trust-list",
            "new",
            "list.json",
            "--operator",
            "Shenzhen pilot zone",
            "--zone",
            "CN-Shenzhen",
            "--key",
            "op.pub",
        ],
    );
    let from = "2026-01-01T00:00:00Z";
    if o.provider_ca {
        for k in ["root", "int"] {
            ok(d, &["key", "generate", "--alg", "p256", "--out", k]);
        }
        ok(d, &["pki", "init-ca", "--key", "root.key", "--subject", "CN=T Root,O=Lading Test", "--out", "root.pem"]);
        cli(d).pki_issue("root", "int", "CN=T Int,O=Lading Test", "ca", "int.pem");
    }
    let ca: &[&str] = if o.provider_ca { &["--ca", "int.pem"] } else { &[] };
    ok(
        d,
        &[
            "trust-list",
            "add",
            "list.json",
            "--id",
            "acme",
            "--legal-name",
            "Acme",
            "--registration-id",
            "9144",
            "--role",
            "provider",
            "--scope",
            "maintenance-log",
            "--pubkey",
            "acme.pub",
            "--from",
            from,
        ]
        .iter()
        .chain(ca)
        .copied()
        .collect::<Vec<_>>(),
    );
    if !o.cb_unlisted {
        ok(
            d,
            &[
                "trust-list",
                "add",
                "list.json",
                "--id",
                "cb-1",
                "--legal-name",
                "Cert Co",
                "--registration-id",
                "9110",
                "--role",
                "certification-body",
                "--scope",
                o.cb_scope.unwrap_or("maintenance-log"),
                "--pubkey",
                "cb.pub",
                "--from",
                from,
            ],
        );
    }
    if let Some((status, at)) = &o.provider_status {
        ok(
            d,
            &[
                "trust-list",
                "set-status",
                "list.json",
                "--id",
                "acme",
                "--status",
                status,
                "--reason",
                "audit",
                "--at",
                at,
            ],
        );
    }
    ok(d, &["trust-list", "sign", "list.json", "--key", "op.key", "--out", "list.signed.json"]);
    ok(d, &["bundle", "create", "--deliverable", "seg.lading", "--log", "reg", "--out", "eval.lading"]);
    ok(
        d,
        &[
            "certify",
            "evaluate",
            "eval.lading",
            "--profile",
            &repo("profiles/maintenance-log.reference.json"),
            "--provider-key",
            "acme.pub",
            "--log-policy",
            "logpolicy.txt",
            "--out",
            "report.json",
        ],
    );
    let days = o.cert_days.unwrap_or(365).to_string();
    let mut issue = vec![
        "certify",
        "issue",
        "--report",
        "report.json",
        "--key",
        "cb.key",
        "--provider-id",
        "acme",
        "--provider-name",
        "Acme",
        "--valid-days",
        &days,
        "--out",
        "cert.json",
    ];
    if let Some(f) = &o.cert_from {
        issue.extend(["--valid-from", f.as_str()]);
    }
    if o.status {
        for (out, key, purpose, url) in STATUS_LISTS {
            ok(d, &["status-list", "new", "--key", key, "--url", url, "--purpose", purpose, "--out", out]);
        }
        issue.extend(["--status-list", "rev.json", "--suspension-list", "susp.json"]);
    }
    ok(d, &issue);
    if let Some(hook) = o.before_statement {
        hook(d);
    }
    let mut statement = vec![
        "statement",
        "issue",
        "--deliverable",
        "seg.lading",
        "--certificate",
        "cert.json",
        "--trust-list",
        "list.signed.json",
        "--operator-key",
        "op.pub",
        "--entity",
        "acme",
        "--client",
        "Müller GmbH",
        "--contract",
        "MSA-1",
        "--jurisdiction",
        "DE",
        "--key",
        "acme.key",
        "--out",
        "statement.json",
    ];
    if o.status {
        statement.extend(["--status-list", "srev.json"]);
    }
    ok(d, &statement);
    bundle(d, o.status);
    policy(d, "policy.json", "op.pub", false);
    "final.lading"
}

/// The final evidence bundle, `final.lading` (with the status lists as they are now when `status`).
fn bundle(d: &Path, status: bool) {
    let mut extra = Vec::new();
    if status {
        for (list, ..) in STATUS_LISTS {
            extra.extend(["--status-list", list]);
        }
    }
    ok(d, &bundle_args("final.lading", &extra));
}

/// `bundle create` of the journey's files into `out`, with `extra` flags.
fn bundle_args<'a>(out: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "bundle",
        "create",
        "--deliverable",
        "seg.lading",
        "--certificate",
        "cert.json",
        "--report",
        "report.json",
        "--statement",
        "statement.json",
        "--trust-list",
        "list.signed.json",
        "--log",
        "reg",
        "--out",
        out,
    ];
    args.extend_from_slice(extra);
    args
}

fn policy(d: &Path, name: &str, operator: &str, strict: bool) {
    let pem = std::fs::read_to_string(d.join(operator)).expect("operator key");
    let log_policy = std::fs::read_to_string(d.join("logpolicy.txt")).expect("log policy");
    let p = json!({
        "format": "lading-trust-policy/v1",
        "operators": [{"name": "Shenzhen pilot zone", "public_key": pem}],
        "log_policy": log_policy,
        "require_fresh_trust_list": strict,
    });
    std::fs::write(d.join(name), p.to_string()).expect("write policy");
}

/// The verdict as JSON, with the exit code.
fn verdict(d: &Path, bundle: &str, policy: &str, at: Option<&str>) -> (i32, Value) {
    let mut args = vec!["--json", "verify", bundle, "--policy", policy];
    if let Some(t) = at {
        args.extend(["--at", t]);
    }
    let (code, out, err) = lading(d, &args);
    (code, serde_json::from_str(out.trim()).unwrap_or_else(|e| panic!("{e}: {out}{err}")))
}

fn failed(v: &Value) -> Vec<String> {
    v["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .filter(|c| c["status"] == "fail")
        .map(|c| format!("{}: {}", c["name"].as_str().unwrap_or(""), c["reason"].as_str().unwrap_or("")))
        .collect()
}

fn assert_fails_with(v: &(i32, Value), check: &str, reason: &str) {
    assert_eq!(v.0, 1, "{:?}", v.1);
    assert_eq!(v.1["verified"], false);
    let f = failed(&v.1);
    assert!(f.iter().any(|x| x.starts_with(check) && x.contains(reason)), "wanted {check}: …{reason}…, got {f:#?}");
}

#[test]
fn the_journey_verifies_and_any_changed_byte_or_missing_member_fails() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let bundle = journey(d, &Options::default());
    let (code, v) = verdict(d, bundle, "policy.json", None);
    assert_eq!(code, 0, "{:#?}", failed(&v));
    assert_eq!(v["client"], "Müller GmbH");
    assert!(v["provider"].as_str().expect("provider").contains("acme"));
    ok(d, &["verify", bundle, "--policy", "policy.json", "--html", "verdict.html"]);
    let html = std::fs::read_to_string(d.join("verdict.html")).expect("html");
    assert!(
        html.contains("VERIFIED: the evidence holds under this trust policy") && !html.contains("<script"),
        "{html}"
    );
    assert!(
        html.contains(&Sha256Digest::of(&std::fs::read(d.join(bundle)).expect("bundle")).to_hex()),
        "bundle digest"
    );
    // In Chinese: the verdict, the check names and reasons from the console's tables.
    ok(d, &["verify", bundle, "--policy", "policy.json", "--html", "verdict-zh.html", "--lang", "zh-CN"]);
    let zh = std::fs::read_to_string(d.join("verdict-zh.html")).expect("html");
    assert!(zh.contains("lang=\"zh-CN\"") && zh.contains("验证通过") && zh.contains("白名单签名"), "{zh}");
    assert!(!zh.contains(">pass<") && !zh.contains("trust list signature"), "English left in the Chinese page");

    let bytes = std::fs::read(d.join(bundle)).expect("bundle");
    let package = Package::from_zip(&bytes).expect("package");
    // Every member, byte by byte at 24 spread positions, digests in bundle.json recomputed.
    for m in 0..package.files.len() {
        let len = package.files[m].len();
        for k in 0..24 {
            let at = (k * 7919 + 13) % len;
            let mut p = package.clone();
            p.files[m][at] ^= 0x20;
            p.index.members[m].sha256 = Sha256Digest::of(&p.files[m]);
            std::fs::write(d.join("altered.lading"), p.to_zip().expect("zip")).expect("write");
            let (code, v) = verdict(d, "altered.lading", "policy.json", None);
            assert_eq!(
                (code, &v["verified"]),
                (1, &json!(false)),
                "{} byte {at} changed still verified",
                p.index.members[m].path
            );
        }
    }
    // A member missing fails with its name.
    for role in ["deliverable", "certificate", "statement", "trust-list"] {
        let mut p = package.clone();
        let at = p.index.members.iter().position(|m| m.role == role).expect("member");
        let path = p.index.members.remove(at).path;
        p.files.remove(at);
        std::fs::write(d.join("missing.lading"), p.to_zip().expect("zip")).expect("write");
        let v = verdict(d, "missing.lading", "policy.json", None);
        let f = failed(&v.1);
        let name = path.rsplit('/').next().expect("name").to_owned();
        assert!(v.0 == 1 && f.iter().any(|x| x.contains(&name) || x.contains(role)), "{path}: {f:#?}");
    }
    // Not a bundle at all, and a truncated one.
    std::fs::write(d.join("junk.lading"), b"not a zip").expect("write");
    assert_fails_with(&verdict(d, "junk.lading", "policy.json", None), "bundle", "ZIP");
    std::fs::write(d.join("short.lading"), &bytes[..bytes.len() / 2]).expect("write");
    assert_fails_with(&verdict(d, "short.lading", "policy.json", None), "bundle", "");
}

/// Issue 24, item 3: no unsigned bytes in a verified bundle. A member that no
/// signed document names by digest — whatever its role — fails the verdict,
/// naming the member; the journey's own bundle still verifies.
#[test]
fn a_member_no_signed_document_names_fails_whatever_its_role() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let bundle = journey(d, &Options::default());
    let package = Package::from_zip(&std::fs::read(d.join(bundle)).expect("bundle")).expect("package");
    let cases: [(&str, &str, &[u8]); 7] = [
        ("attachment", "attachments/photo.png", b"\x89PNG not named by any signed document"),
        ("conformity-report", "reports/extra.json", br#"{"passed": true}"#),
        ("receipt", "receipts/extra.tlog-proof", b"c2sp.org/tlog-proof@v1\nindex 0\nnot a receipt\n"),
        ("certificate", "certificates/extra.json", br#"{"credentialSubject": {}}"#),
        ("deliverable", "deliverables/extra.dsse.json", br#"{"payload": "", "payloadType": "", "signatures": []}"#),
        ("other", "notes/readme.txt", b"trust me"),
        ("Attachment", "attachments/case.txt", b"a role in another case"),
    ];
    for (role, path, bytes) in cases {
        let mut p = package.clone();
        p.index.members.push(lading_model::bundle::Member {
            path: path.into(),
            sha256: Sha256Digest::of(bytes),
            size: bytes.len() as u64,
            media_type: "application/octet-stream".into(),
            role: role.into(),
        });
        p.files.push(bytes.to_vec());
        std::fs::write(d.join("extra.lading"), p.to_zip().expect("zip")).expect("write");
        let (code, v) = verdict(d, "extra.lading", "policy.json", None);
        let f = failed(&v);
        assert_eq!((code, &v["verified"]), (1, &json!(false)), "an unsigned {role} member verified: {f:#?}");
        assert!(f.iter().any(|x| x.contains(path)), "the failure names {path}: {f:#?}");
    }
}

/// Issue 24, item 7: a white list issued after the moment of verification
/// (a clock set wrong, or a list dated ahead to outlive a suspension) is refused.
#[test]
fn a_white_list_issued_in_the_future_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let bundle = journey(d, &Options::default());
    // Verified as of a day before the list was signed: the list is from the future.
    let before = rfc3339(Utc::now() - Duration::days(1));
    assert_fails_with(&verdict(d, bundle, "policy.json", Some(&before)), "trust list issued", "in the future");
}

#[test]
fn standing_is_judged_when_the_statement_was_logged() {
    // Suspended an hour before the statement was logged: fails.
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let earlier = rfc3339(Utc::now() - Duration::hours(1));
    let bundle = journey(d, &Options { provider_status: Some(("suspended", earlier)), ..Options::default() });
    assert_fails_with(&verdict(d, bundle, "policy.json", None), "provider on the white list", "was suspended");

    // Suspended a day after it was logged (the list says so): still valid, even checked later.
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let later = rfc3339(Utc::now() + Duration::days(1));
    let bundle = journey(d, &Options { provider_status: Some(("suspended", later)), ..Options::default() });
    let after = rfc3339(Utc::now() + Duration::days(2));
    let (code, v) = verdict(d, bundle, "policy.json", Some(&after));
    assert_eq!(code, 0, "{:#?}", failed(&v));
}

#[test]
fn certificates_expired_out_of_scope_or_from_an_unlisted_body_fail() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let o = Options { cert_from: Some("2025-01-01T00:00:00Z".into()), cert_days: Some(30), ..Options::default() };
    let bundle = journey(d, &o);
    assert_fails_with(&verdict(d, bundle, "policy.json", None), "certificate", "expired");

    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let bundle = journey(d, &Options { cb_scope: Some("saas-release"), ..Options::default() });
    assert_fails_with(&verdict(d, bundle, "policy.json", None), "certificate", "not accredited for maintenance-log");

    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let bundle = journey(d, &Options { cb_unlisted: true, ..Options::default() });
    assert_fails_with(&verdict(d, bundle, "policy.json", None), "certificate", "not on the white list");
}

#[test]
fn stale_lists_fail_a_strict_policy_and_unknown_operators_fail_any() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let bundle = journey(d, &Options::default());
    let stale = rfc3339(Utc::now() + Duration::days(31));
    let (code, v) = verdict(d, bundle, "policy.json", Some(&stale));
    assert_eq!(code, 0, "a lenient policy accepts a stale list: {:#?}", failed(&v));
    policy(d, "strict.json", "op.pub", true);
    assert_fails_with(&verdict(d, bundle, "strict.json", Some(&stale)), "trust list freshness", "stale");
    let (code, _) = verdict(d, bundle, "strict.json", None);
    assert_eq!(code, 0);
    policy(d, "stranger.json", "stranger.pub", false);
    assert_fails_with(
        &verdict(d, bundle, "stranger.json", None),
        "trust list signature",
        "not signed by an operator this policy recognises",
    );
    // A policy pinning the oldest list it accepts refuses an older (replayed) one.
    let (_, v) = verdict(d, bundle, "policy.json", None);
    let detail = v["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .find(|c| c["name"] == "trust list signature")
        .and_then(|c| c["reason"].as_str())
        .expect("the list's signature check")
        .to_owned();
    let sequence: u64 = detail
        .split_whitespace()
        .skip_while(|w| *w != "sequence")
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("a sequence number in {detail:?}"));
    for (min, passes) in [(sequence, true), (sequence + 1, false)] {
        let mut p: Value =
            serde_json::from_slice(&std::fs::read(d.join("policy.json")).expect("policy")).expect("json");
        p["operators"][0]["min_sequence_number"] = json!(min);
        std::fs::write(d.join("pinned.json"), p.to_string()).expect("write");
        if passes {
            let (code, v) = verdict(d, bundle, "pinned.json", None);
            assert_eq!(code, 0, "{:#?}", failed(&v));
        } else {
            assert_fails_with(&verdict(d, bundle, "pinned.json", None), "trust list version", "replayed");
        }
    }
    // A malformed policy is an error naming the field, not a verdict.
    std::fs::write(
        d.join("bad.json"),
        b"{\"format\": \"lading-trust-policy/v1\", \"operators\": [], \"log_policy\": \"\"}",
    )
    .expect("w");
    let (code, _, err) = lading(d, &["verify", bundle, "--policy", "bad.json"]);
    assert!(code != 0 && err.contains("/operators"), "{err}");
}

#[test]
fn bad_profiles_reports_and_statement_inputs_are_clear_errors_that_write_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    journey(d, &Options::default());
    let profile = std::fs::read_to_string(repo("profiles/maintenance-log.reference.json")).expect("profile");
    let cases = [
        (profile.replace("lading-scheme-profile/v1", "v0"), "/format"),
        (profile.replace("\"ML-02\"", "\"ML-01\""), "/requirements/1/id"),
        (profile.replacen("\"check\": \"integrity\"", "\"check\": \"telepathy\"", 1), "telepathy"),
        ("{\"format\": 1, \"format\": 2}".to_owned(), "duplicate"),
    ];
    for (text, wanted) in cases {
        std::fs::write(d.join("bad-profile.json"), text).expect("write");
        let (code, _, err) = lading(
            d,
            &[
                "certify",
                "evaluate",
                "eval.lading",
                "--profile",
                "bad-profile.json",
                "--provider-key",
                "acme.pub",
                "--out",
                "r2.json",
            ],
        );
        assert!(code != 0 && err.contains(wanted), "{wanted}: {err}");
        assert!(!d.join("r2.json").exists());
    }
    // A report that records a failure gets no certificate.
    let mut report: Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("report.json")).expect("report")).expect("json");
    report["passed"] = json!(false);
    std::fs::write(d.join("failed.json"), report.to_string()).expect("write");
    let (code, _, err) = lading(
        d,
        &[
            "certify",
            "issue",
            "--report",
            "failed.json",
            "--key",
            "cb.key",
            "--provider-id",
            "acme",
            "--provider-name",
            "Acme",
            "--out",
            "c2.json",
        ],
    );
    assert!(code != 0 && err.contains("failed evaluation"), "{err}");
    assert!(!d.join("c2.json").exists());
    // A statement for an entity whose keys do not include the signer's, or not on the list.
    for (entity, wanted) in [("cb-1", "not one of cb-1's keys"), ("ghost", "no entity")] {
        let (code, _, err) = lading(
            d,
            &[
                "statement",
                "issue",
                "--deliverable",
                "seg.lading",
                "--certificate",
                "cert.json",
                "--trust-list",
                "list.signed.json",
                "--operator-key",
                "op.pub",
                "--entity",
                entity,
                "--client",
                "C",
                "--contract",
                "K",
                "--jurisdiction",
                "DE",
                "--key",
                "acme.key",
                "--out",
                "s2.json",
            ],
        );
        assert!(code != 0 && err.contains(wanted), "{entity}: {err}");
        assert!(!d.join("s2.json").exists());
    }
    // A bundle with a file that is not a deliverable, or two members of one name.
    std::fs::write(d.join("junk.bin"), b"junk").expect("write");
    let (code, _, err) = lading(d, &["bundle", "create", "--deliverable", "junk.bin", "--out", "b2.lading"]);
    assert!(code != 0 && err.contains("junk.bin"), "{err}");
    let (code, _, err) = lading(
        d,
        &["bundle", "create", "--deliverable", "seg.lading", "--deliverable", "seg.lading", "--out", "b2.lading"],
    );
    assert!(code != 0 && err.contains("two members"), "{err}");
    assert!(!d.join("b2.lading").exists());
}

fn credential_status<'a>(v: &'a Value, credential: &str, purpose: &str) -> &'a Value {
    v["statuses"]
        .as_array()
        .expect("statuses")
        .iter()
        .find(|s| s["credential"] == credential && s["purpose"] == purpose)
        .unwrap_or_else(|| panic!("no status of {credential} ({purpose}): {v:#}"))
}

fn status_of<'a>(v: &'a Value, name: &str) -> &'a Value {
    v["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no check {name}: {v:#}"))
}

#[test]
fn certificates_revoked_after_the_statement_warn_and_a_revoked_statement_fails() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let bundle_path = journey(d, &Options { status: true, ..Options::default() });
    let (code, v) = verdict(d, bundle_path, "policy.json", None);
    assert_eq!(code, 0, "{:#?}", failed(&v));
    let statuses = v["statuses"].as_array().expect("statuses");
    assert_eq!(statuses.len(), 3, "{statuses:#?}");
    assert!(statuses.iter().all(|s| s["status"] == "valid" && s["version"] == 1), "{statuses:#?}");
    let rev = status_of(&v, "certificate certificates/cert.json: revocation");
    assert_eq!(rev["status"], "pass");
    assert!(
        rev["reason"]
            .as_str()
            .expect("reason")
            .starts_with("not revoked: https://cb.example/status/revocation version 1"),
        "{rev}"
    );
    // bundle create --log logged each carried list version: a receipt proves it.
    let logged = status_of(&v, "status list status-lists/0-rev.json: logged");
    assert!(
        logged["status"] == "pass" && logged["reason"].as_str().expect("reason").starts_with("receipt verifies"),
        "{logged}"
    );
    let mut p: Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("policy.json")).expect("policy")).expect("json");
    p["require_logged_status_lists"] = json!(true);
    std::fs::write(d.join("logged.json"), p.to_string()).expect("write");
    assert_eq!(verdict(d, bundle_path, "logged.json", None).0, 0);
    // A new list version bundled without --log beside the logged one (the receipts of the first
    // bundle given as files): a policy requiring logged lists fails it; others show the check as
    // not applicable.
    let receipts: Vec<String> = {
        let pkg = Package::from_zip(&std::fs::read(d.join(bundle_path)).expect("bundle")).expect("package");
        let mut out = Vec::new();
        for (i, (_, b)) in pkg.members("receipt").iter().enumerate() {
            let name = format!("r{i}.tlog-proof");
            std::fs::write(d.join(&name), b).expect("write");
            out.push(name);
        }
        out
    };
    ok(
        d,
        &[
            "status-list",
            "set",
            "susp.json",
            "--index",
            "0",
            "--value",
            "1",
            "--key",
            "cb.key",
            "--out",
            "susp.new.json",
        ],
    );
    let mut args = vec![
        "bundle",
        "create",
        "--deliverable",
        "seg.lading",
        "--certificate",
        "cert.json",
        "--report",
        "report.json",
        "--statement",
        "statement.json",
        "--trust-list",
        "list.signed.json",
        "--out",
        "unlogged.lading",
        "--status-list",
        "rev.json",
        "--status-list",
        "susp.new.json",
        "--status-list",
        "srev.json",
        "--status-list",
        "susp.json",
    ];
    for r in &receipts {
        args.extend(["--receipt", r.as_str()]);
    }
    ok(d, &args);
    let unlogged = verdict(d, "unlogged.lading", "policy.json", None);
    assert_eq!(unlogged.0, 0, "{:#?}", failed(&unlogged.1));
    assert_eq!(status_of(&unlogged.1, "status list status-lists/1-susp.new.json: logged")["status"], "not-applicable");
    assert_eq!(status_of(&unlogged.1, "status list status-lists/0-rev.json: logged")["status"], "pass");
    assert_fails_with(
        &verdict(d, "unlogged.lading", "logged.json", None),
        "status list status-lists/1-susp.new.json: logged",
        "no receipt proves version 2",
    );
    // The same version made with --log: logged as it is made, and `bundle create` (without --log)
    // carries the receipt written beside it, so a policy requiring logged lists accepts it.
    ok(
        d,
        &[
            "status-list",
            "set",
            "susp.json",
            "--index",
            "0",
            "--value",
            "1",
            "--key",
            "cb.key",
            "--out",
            "susp.logged.json",
            "--log",
            "reg",
        ],
    );
    let sidecar: Vec<&str> = args
        .iter()
        .map(|a| match *a {
            "susp.new.json" => "susp.logged.json",
            "unlogged.lading" => "sidecar.lading",
            other => other,
        })
        .collect();
    ok(d, &sidecar);
    let logged_now = verdict(d, "sidecar.lading", "logged.json", None);
    assert_eq!(logged_now.0, 0, "{:#?}", failed(&logged_now.1));
    assert_eq!(status_of(&logged_now.1, "status list status-lists/1-susp.logged.json: logged")["status"], "pass");
    // A list nobody in the bundle names (here: another issuer's at the body's URL) is no evidence.
    ok(
        d,
        &[
            "status-list",
            "new",
            "--key",
            "acme.key",
            "--url",
            "https://cb.example/status/revocation",
            "--purpose",
            "revocation",
            "--out",
            "foreign.json",
        ],
    );
    args.extend(["--status-list", "foreign.json"]);
    ok(d, &args);
    assert_fails_with(
        &verdict(d, "unlogged.lading", "policy.json", None),
        "status list status-lists/4-foreign.json",
        "names this status list",
    );

    // Revoked a second or more after the statement was logged: verified, with a warning naming the date.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let out = ok(
        d,
        &[
            "--json",
            "certify",
            "revoke",
            "cert.json",
            "--status-list",
            "rev.json",
            "--key",
            "cb.key",
            "--reason",
            "scope withdrawn",
        ],
    );
    let revoked_at = serde_json::from_str::<Value>(out.trim()).expect("json")["at"].as_str().expect("at").to_owned();
    bundle(d, true);
    let (code, v) = verdict(d, bundle_path, "policy.json", None);
    assert_eq!(code, 0, "{:#?}", failed(&v));
    let rev = status_of(&v, "certificate certificates/cert.json: revocation");
    let reason = rev["reason"].as_str().expect("reason");
    assert_eq!(rev["status"], "warn");
    let date = revoked_at.trim_end_matches('Z');
    assert!(
        reason.starts_with("revoked on ")
            && reason.contains(date)
            && reason.contains("scope withdrawn")
            && reason.contains("after the statement was established"),
        "{reason} / {revoked_at}"
    );
    assert_eq!(credential_status(&v, "certificates/cert.json", "revocation")["status"], "revoked");
    ok(d, &["verify", bundle_path, "--policy", "policy.json", "--html", "verdict.html"]);
    let html = std::fs::read_to_string(d.join("verdict.html")).expect("html");
    assert!(
        html.contains("<h2>Revocation and suspension</h2>") && html.contains(">warning<") && html.contains(">revoked<"),
        "{html}"
    );
    // The console's verify page shows the same status table, in both languages (curl uploads the bundle).
    let l = cli(d);
    let server = l.serve(&["--data", "console-dep", "--policy", "policy.json"]);
    for (lang, revoked, valid) in [("en", "revoked", "valid"), ("zh-CN", "已撤销", "有效")] {
        let out = std::process::Command::new("curl")
            .current_dir(d)
            .args(["-sS", "-F", &format!("bundle=@{bundle_path}"), "-F", "policy_name=policy"])
            .arg(format!("{}/verify?lang={lang}", server.url))
            .output()
            .expect("curl");
        let page = String::from_utf8_lossy(&out.stdout);
        let table = page.split("<table id=\"statuses\">").nth(1).unwrap_or_else(|| panic!("{lang}: {page}"));
        assert!(
            table.contains("<tr class=\"fail\"><td>certificates/cert.json</td>")
                && table.contains(&format!("<td>{revoked}</td><td>https://cb.example/status/revocation (2)</td>"))
                && table.contains(&format!("<td>{valid}</td>")),
            "{lang}: {table}"
        );
    }
    drop(server);

    // Status information older than the policy accepts fails.
    let mut p: Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("policy.json")).expect("policy")).expect("json");
    p["max_status_age_hours"] = json!(24);
    std::fs::write(d.join("strict.json"), p.to_string()).expect("write");
    assert_eq!(verdict(d, bundle_path, "strict.json", None).0, 0);
    let later = rfc3339(Utc::now() + Duration::days(2));
    assert_fails_with(
        &verdict(d, bundle_path, "strict.json", Some(&later)),
        "certificate certificates/cert.json: suspension",
        "the policy accepts status information at most 24.0 h old",
    );

    // The provider revokes its statement: not verified, whenever it was revoked.
    ok(
        d,
        &[
            "statement",
            "revoke",
            "statement.json",
            "--status-list",
            "srev.json",
            "--key",
            "acme.key",
            "--reason",
            "contract ended",
        ],
    );
    bundle(d, true);
    assert_fails_with(
        &verdict(d, bundle_path, "policy.json", None),
        "statement: revocation",
        "revoked by its provider",
    );

    // A bundle without the lists the credentials name cannot show their status: fails.
    bundle(d, false);
    assert_fails_with(
        &verdict(d, bundle_path, "policy.json", None),
        "statement: revocation",
        "the bundle carries no status list https://acme.example/status/statements",
    );
}

#[test]
fn a_certificate_revoked_or_suspended_before_the_statement_fails_it() {
    fn revoke(d: &Path) {
        ok(d, &["certify", "revoke", "cert.json", "--status-list", "rev.json", "--key", "cb.key", "--reason", "fraud"]);
        std::thread::sleep(std::time::Duration::from_millis(1100));
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let bundle_path = journey(d, &Options { status: true, before_statement: Some(revoke), ..Options::default() });
    assert_fails_with(
        &verdict(d, bundle_path, "policy.json", None),
        "certificate certificates/cert.json: revocation",
        "revoked when the statement was established",
    );
    assert_fails_with(
        &verdict(d, bundle_path, "policy.json", None),
        "certified for maintenance-log",
        "no valid certificate",
    );

    // Suspended before the statement and reinstated since: still fails, the suspension covered that time.
    fn suspend(d: &Path) {
        ok(
            d,
            &["certify", "suspend", "cert.json", "--status-list", "susp.json", "--key", "cb.key", "--reason", "audit"],
        );
        std::thread::sleep(std::time::Duration::from_millis(1100));
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let bundle_path = journey(d, &Options { status: true, before_statement: Some(suspend), ..Options::default() });
    std::thread::sleep(std::time::Duration::from_millis(1100));
    ok(
        d,
        &[
            "certify",
            "reinstate",
            "cert.json",
            "--status-list",
            "susp.json",
            "--key",
            "cb.key",
            "--reason",
            "audit passed",
        ],
    );
    bundle(d, true);
    let v = verdict(d, bundle_path, "policy.json", None);
    assert_fails_with(
        &v,
        "certificate certificates/cert.json: suspension",
        "suspended when the statement was established",
    );
    assert_eq!(credential_status(&v.1, "certificates/cert.json", "suspension")["status"], "valid");
    // The index ledgers recorded one index per list and credential.
    for list in ["rev.json", "susp.json", "srev.json"] {
        let ledger = std::fs::read_to_string(d.join(format!("{list}.indexes"))).expect("ledger");
        assert_eq!(ledger.lines().count(), 1, "{list}: {ledger}");
    }
}

/// `lading verify --pdf`: PDF/A-3 with the bundle attached, the same bytes twice; `lading verify
/// REPORT.pdf` re-verifies the attached bundle, and a PDF whose attached bundle was replaced by
/// an altered copy fails, naming what its pages show that verification does not find.
#[test]
fn the_verdict_pdf_carries_its_bundle_and_one_with_an_altered_bundle_fails() {
    if let Err(e) = std::fs::metadata("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc") {
        assert!(std::env::var_os("CI").is_none(), "Noto Sans CJK: {e} (apt-get install fonts-noto-cjk)");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let bundle = journey(d, &Options::default());
    let at = rfc3339(Utc::now());
    let args = |out: &'static str| -> Vec<String> {
        ["verify", bundle, "--policy", "policy.json", "--lang", "zh-CN", "--at", at.as_str(), "--pdf", out]
            .iter()
            .map(|s| (*s).to_owned())
            .collect()
    };
    let run = |a: Vec<String>| ok(d, &a.iter().map(String::as_str).collect::<Vec<_>>());
    run(args("a.pdf"));
    run(args("b.pdf"));
    let pdf = std::fs::read(d.join("a.pdf")).expect("pdf");
    assert!(pdf.starts_with(b"%PDF-1.7") && pdf == std::fs::read(d.join("b.pdf")).expect("pdf"), "not the same bytes");

    let (code, out, err) = lading(d, &["--json", "verify", "a.pdf", "--policy", "policy.json"]);
    let v: Value = serde_json::from_str(out.trim()).unwrap_or_else(|e| panic!("{e}: {out}{err}"));
    assert_eq!((code, &v["ok"], &v["pdf"]["visible_verdict_matches"]), (0, &json!(true), &json!(true)), "{v:#}");

    // The attached bundle swapped for a copy with one byte of the statement changed.
    let mut package = Package::from_zip(&std::fs::read(d.join(bundle)).expect("bundle")).expect("package");
    let at_statement = package.index.members.iter().position(|m| m.role == "statement").expect("statement");
    package.files[at_statement][40] ^= 0x01;
    package.index.members[at_statement].sha256 = Sha256Digest::of(&package.files[at_statement]);
    let altered = package.to_zip().expect("zip");
    let mut doc = lopdf::Document::load_mem(&pdf).expect("lopdf");
    let af: Vec<lopdf::Object> =
        doc.catalog().expect("catalog").get(b"AF").expect("AF").as_array().expect("array").clone();
    let mut swapped = false;
    for spec in af {
        let spec_id = spec.as_reference().expect("reference");
        let spec = doc.get_object(spec_id).expect("spec").as_dict().expect("dict").clone();
        if spec.get(b"AFRelationship").and_then(lopdf::Object::as_name).ok() == Some(b"Source".as_slice()) {
            let file_id = spec
                .get(b"EF")
                .expect("EF")
                .as_dict()
                .expect("dict")
                .get(b"F")
                .expect("F")
                .as_reference()
                .expect("ref");
            let stream = lopdf::Stream::new(
                lopdf::Dictionary::from_iter([("Type", lopdf::Object::Name(b"EmbeddedFile".to_vec()))]),
                altered.clone(),
            );
            doc.objects.insert(file_id, lopdf::Object::Stream(stream));
            swapped = true;
        }
    }
    assert!(swapped, "no Source attachment");
    doc.save(d.join("altered.pdf")).expect("save");
    let (code, out, err) = lading(d, &["--json", "verify", "altered.pdf", "--policy", "policy.json"]);
    let v: Value = serde_json::from_str(out.trim()).unwrap_or_else(|e| panic!("{e}: {out}{err}"));
    assert_eq!((code, &v["ok"], &v["verified"]), (1, &json!(false), &json!(false)), "{v:#}");
    assert_eq!(v["pdf"]["visible_verdict_matches"], false, "{v:#}");
    assert!(v["pdf"]["mismatches"].as_array().is_some_and(|m| !m.is_empty()), "{v:#}");

    // Not a verdict PDF, and a file that is not a PDF at all: clear errors.
    std::fs::write(d.join("junk.pdf"), b"%PDF-1.7\nnothing").expect("write");
    let (code, _, err) = lading(d, &["verify", "junk.pdf", "--policy", "policy.json"]);
    assert!(code != 0 && err.contains("junk.pdf") && err.contains("not a readable PDF"), "{err}");
    let (code, _, err) =
        lading(d, &["verify", bundle, "--policy", "policy.json", "--pdf", "x.pdf", "--font", "no-such.ttc"]);
    assert!(code != 0 && err.contains("no-such.ttc") && err.contains("fonts-noto-cjk"), "{err}");
}

/// Every string value of the JSON documents `names` in `d`: the data a page shows as recorded.
fn data_of(d: &Path, names: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    for n in names {
        let v: Value = serde_json::from_slice(&std::fs::read(d.join(n)).expect("read")).expect(n);
        out.extend(lading_testkit::page_language::strings_of(&v));
    }
    out
}

/// The zh-CN `page` holds no English outside the data it shows as recorded: the JSON documents
/// `inputs`, the journey's names and the bundle's member paths, the maintenance events, `more`.
fn assert_chinese_only(d: &Path, page: &str, bundle: &str, inputs: &[&str], more: &[&str]) {
    let html = std::fs::read_to_string(d.join(page)).expect("page");
    assert!(html.contains("lang=\"zh-CN\""), "{page}");
    let mut data = data_of(d, inputs);
    // File names and the white list's names given on the command line are data too.
    data.extend(
        [bundle, "policy.json", "Shenzhen pilot zone", "CN-Shenzhen", "Acme", "acme", "fleet", "example.com/registry"]
            .map(String::from),
    );
    data.extend(more.iter().map(|s| (*s).to_owned()));
    // The bundle's member paths (check names and reasons name them).
    let package = Package::from_zip(&std::fs::read(d.join(bundle)).expect("bundle")).expect("package");
    data.extend(package.index.members.iter().map(|m| m.path.clone()));
    data.push("bundle.json".into());
    // The maintenance events the segment carries, shown as recorded (assets, actors, actions, results).
    data.extend(
        std::fs::read_to_string(repo("samples/maint/events.jsonl"))
            .expect("events")
            .lines()
            .filter_map(|l| serde_json::from_str::<Value>(l).ok())
            .flat_map(|v| lading_testkit::page_language::strings_of(&v)),
    );
    let english = lading_testkit::page_language::english_in(&html, &data);
    assert!(english.is_empty(), "{page} shows English:\n{}", english.join("\n"));
}

/// The zh-CN pages of a verdict, a certificate and a statement hold no English outside what
/// `lading_testkit::page_language` exempts (code, the documents' own values, URLs, digests, names of
/// standards); the certificate and statement PDFs are PDF/A-3 with the signed credential attached
/// as their source, show its id in Chinese pages, and are the same bytes for the same credential.
#[test]
fn chinese_pages_of_verdict_certificate_and_statement_hold_no_english() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let bundle = journey(d, &Options { status: true, ..Options::default() });
    ok(d, &["verify", bundle, "--policy", "policy.json", "--html", "verdict-zh.html", "--lang", "zh-CN"]);
    let issue_cert = |out: &str, pdf: &str| {
        ok(
            d,
            &[
                "certify",
                "issue",
                "--report",
                "report.json",
                "--key",
                "cb.key",
                "--provider-id",
                "acme",
                "--provider-name",
                "Acme",
                "--status-list",
                "rev.json",
                "--suspension-list",
                "susp.json",
                "--out",
                out,
                "--html",
                "cert-zh.html",
                "--pdf",
                pdf,
                "--lang",
                "zh-CN",
            ],
        )
    };
    issue_cert("cert2.json", "cert.pdf");
    ok(
        d,
        &[
            "statement",
            "issue",
            "--deliverable",
            "seg.lading",
            "--certificate",
            "cert2.json",
            "--trust-list",
            "list.signed.json",
            "--operator-key",
            "op.pub",
            "--entity",
            "acme",
            "--client",
            "Müller GmbH",
            "--contract",
            "MSA-1",
            "--jurisdiction",
            "DE",
            "--key",
            "acme.key",
            "--out",
            "statement2.json",
            "--html",
            "statement-zh.html",
            "--pdf",
            "statement.pdf",
            "--lang",
            "zh-CN",
        ],
    );
    let inputs = ["list.json", "list.signed.json", "cert.json", "statement.json", "report.json", "policy.json"];
    let pages: [(&str, Vec<&str>); 3] = [
        ("verdict-zh.html", inputs.to_vec()),
        ("cert-zh.html", vec!["cert2.json"]),
        ("statement-zh.html", vec!["statement2.json"]),
    ];
    for (page, data) in pages {
        assert_chinese_only(d, page, bundle, &data, &[]);
    }
    // The certificate PDF: PDF/A-3 with the credential as its source, its id on the pages.
    let cert = std::fs::read(d.join("cert2.json")).expect("cert");
    let id = serde_json::from_slice::<Value>(&cert).expect("json")["id"].as_str().expect("id").to_owned();
    for (pdf, credential, title) in [
        ("cert.pdf", cert.clone(), "合格评定证书"),
        ("statement.pdf", std::fs::read(d.join("statement2.json")).expect("s"), "合规声明"),
    ] {
        let bytes = std::fs::read(d.join(pdf)).expect("pdf");
        assert!(bytes.starts_with(b"%PDF-1.7"), "{pdf}");
        let report = lading_report::read::Report::parse(&bytes, lading_report::read::Limits::default()).expect(pdf);
        let carried = report.attachments().expect("attachments");
        assert_eq!(carried.len(), 1, "{pdf}");
        assert_eq!((carried[0].relationship.as_deref(), &carried[0].bytes), (Some("Source"), &credential), "{pdf}");
        let text: String = report.page_text().expect("text").concat().chars().filter(|c| !c.is_whitespace()).collect();
        assert!(text.contains(title), "{pdf}: {text}");
        if pdf == "cert.pdf" {
            assert!(text.contains(&id), "{pdf} does not show {id}: {text}");
        }
    }
    // Same credential, same bytes: the PDF is a function of the signed credential (its date is the
    // proof's), so rendering it again from cert2.json alone gives the very same file.
    let value: Value = serde_json::from_slice(&cert).expect("json");
    let sheet = lading_console::credential_sheet::CredentialSheet::new(
        &value,
        lading_console::credential_sheet::CredentialKind::Certificate,
        lading_console::i18n::Lang::ZhCn,
    );
    assert!(sheet.visible_essentials().contains(&id));
    let created = chrono::DateTime::parse_from_rfc3339(value["proof"]["created"].as_str().expect("created"))
        .expect("time")
        .with_timezone(&Utc);
    use chrono::{Datelike as _, Timelike as _};
    let small = |v: u32| u8::try_from(v).expect("small");
    let stamp = lading_report::Stamp {
        year: u16::try_from(created.year()).expect("year"),
        month: small(created.month()),
        day: small(created.day()),
        hour: small(created.hour()),
        minute: small(created.minute()),
        second: small(created.second()),
    };
    let font = std::fs::read(lading_report::DEBIAN_NOTO_CJK).expect("Debian's fonts-noto-cjk");
    let fonts =
        lading_report::Fonts::from_collection(font, lading_report::NOTO_CJK_SC, lading_report::NOTO_CJK_SC_MONO)
            .expect("fonts");
    let again = lading_report::render(&sheet.to_doc(stamp, "cert2.json", &cert), &fonts).expect("pdf");
    assert!(again == std::fs::read(d.join("cert.pdf")).expect("pdf"), "the same credential gave other bytes");
}

/// Issue 19: a statement timestamped by an RFC 3161 TSA (`statement issue --tsa`) and CRLs carried
/// in the bundle (`bundle create --crl`): `lading verify` takes the statement's time from the
/// token (no witness cosigned earlier), judges the TSA's chain with the carried CRLs, offline.
#[test]
fn a_timestamped_statement_and_carried_crls_verify_offline_with_the_tsa_time() {
    let tmp = tempfile::tempdir().expect("tmp");
    let d = tmp.path();
    journey(d, &Options { provider_ca: true, ..Options::default() });
    let l = cli(d);
    l.ok(&["key", "generate", "--alg", "p256", "--out", "tsa"]);
    l.pki_issue("int", "tsa", "CN=T TSA,O=Lading Test", "tsa", "tsa.pem");
    // The provider's certificate for its statement key, under the CA the white list accepts for it.
    l.pki_issue("int", "acme", "CN=Acme Signing,O=Acme,organizationIdentifier=9144", "signer", "acme-cert.pem");
    for ca in ["root", "int"] {
        let (cert, key, out) = (format!("{ca}.pem"), format!("{ca}.key"), format!("{ca}.crl"));
        l.ok(&["pki", "crl", "--ca-cert", &cert, "--ca-key", &key, "--days", "3650", "--out", &out]);
    }
    // `pki issue` wrote tsa.pem as the chain: the TSA's certificate, then the intermediate.
    let server = l.serve(&["--data", "tsa-dep", "--tsa-key", "tsa.key", "--tsa-cert", "tsa.pem"]);
    let tsa = format!("{}/v1/timestamp", server.url);

    // The statement again, timestamped: statement.json.tsr beside it.
    let statement = [
        "statement",
        "issue",
        "--deliverable",
        "seg.lading",
        "--certificate",
        "cert.json",
        "--trust-list",
        "list.signed.json",
        "--operator-key",
        "op.pub",
        "--entity",
        "acme",
        "--client",
        "Müller GmbH",
        "--contract",
        "MSA-1",
        "--jurisdiction",
        "DE",
        "--key",
        "acme.key",
        "--out",
        "statement.json",
        "--tsa",
        &tsa,
    ];
    // A chain for another key, or one the provider's entry does not accept: refused, nothing written.
    l.pki_issue("root", "acme", "CN=Acme Signing,O=Acme,organizationIdentifier=9144", "signer", "acme-root.pem");
    for (chain, why) in [("tsa.pem", "cannot sign"), ("acme-root.pem", "does not accept")] {
        let mut args = statement.to_vec();
        args.extend(["--cert", chain]);
        let out = args.iter().position(|a| *a == "statement.json").expect("out");
        args[out] = "refused.json";
        let err = l.fails(&args);
        assert!(err.contains(chain) && err.contains(why), "{chain}: {err}");
        assert!(!d.join("refused.json").exists());
    }
    // A TSA that cannot be reached, or that answers with no token: no statement is written.
    let unreachable = "http://127.0.0.1:9/v1/timestamp";
    let not_a_tsa = format!("{}/v1/no-such-endpoint", server.url);
    for url in [unreachable, not_a_tsa.as_str()] {
        let mut args = statement.to_vec();
        let at = args.iter().position(|a| *a == tsa.as_str()).expect("tsa");
        args[at] = url;
        let out = args.iter().position(|a| *a == "statement.json").expect("out");
        args[out] = "refused.json";
        let err = l.fails(&args);
        assert!(err.contains(url) && (err.contains("sending request") || err.contains("404")), "{url}: {err}");
        assert!(!d.join("refused.json").exists() && !d.join("refused.json.tsr").exists(), "{url}");
    }
    let statement = [&statement[..], &["--cert", "acme-cert.pem"]].concat();
    let (code, v) = l.json(&statement);
    assert_eq!(code, 0, "{v}");
    assert!(v["timestamp"]["tsa"].as_str().is_some_and(|s| s.contains("CN=T TSA")), "{v}");
    assert!(d.join("statement.json.tsr").exists() && d.join("statement.json.chain.pem").exists());
    // `lading timestamp` over another credential: a token to misuse below.
    let (code, v) = l.json(&["timestamp", "cert.json", "--tsa", &tsa, "--out", "cert.tsr"]);
    assert_eq!(code, 0, "{v}");
    drop(server); // verification is offline from here on

    let (code, _, err) = l.run(&bundle_args("ltv.lading", &["--crl", "int.crl", "--crl", "root.crl"]));
    assert_eq!(code, 0, "{err}");

    // A policy pinning the TSA root: the time is the token's; the CRLs are evidence.
    policy(d, "policy.json", "op.pub", false);
    let mut p: Value = serde_json::from_str(&std::fs::read_to_string(d.join("policy.json")).expect("p")).expect("p");
    let root = std::fs::read_to_string(d.join("root.pem")).expect("root");
    p["tsa_roots"] = json!([{"name": "T Root", "certificate": root}]);
    p["ca_roots"] = json!([{"name": "T Root", "certificate": root}]);
    p["require_revocation_data"] = json!(true);
    std::fs::write(d.join("tsa-policy.json"), p.to_string()).expect("write");
    let (code, v) = verdict(d, "ltv.lading", "tsa-policy.json", None);
    assert_eq!(code, 0, "{:#?}", failed(&v));
    assert_eq!(v["time_source"]["kind"], "timestamp", "{v}");
    let time = status_of(&v, "time of logging");
    assert_eq!(time["status"], "pass");
    assert!(time["reason"].as_str().is_some_and(|r| r.contains("RFC 3161 timestamp by CN=T TSA")), "{time}");
    assert_eq!(
        status_of(&v, "statement timestamp statement-timestamps/0-statement.json.tsr: revocation")["status"],
        "pass"
    );
    // The statement's chain, carried from statement.json.chain.pem: valid, attributed, not revoked.
    let cert = status_of(&v, "statement certificate");
    assert!(cert["status"] == "pass" && cert["reason"].as_str().is_some_and(|r| r.contains("(9144)")), "{cert}");
    assert_eq!(status_of(&v, "statement certificate: revocation")["status"], "pass");
    for crl in ["crls/0-int.crl", "crls/1-root.crl"] {
        assert_eq!(status_of(&v, &format!("crl {crl}"))["status"], "pass", "{crl}");
    }

    // In Chinese, the new checks and reasons hold no English outside data (certificate names).
    l.ok(&["verify", "ltv.lading", "--policy", "tsa-policy.json", "--lang", "zh-CN", "--html", "ltv-zh.html"]);
    let inputs = ["list.json", "list.signed.json", "cert.json", "statement.json", "report.json", "tsa-policy.json"];
    let names = [
        "CN=T TSA,O=Lading Test",
        "CN=T Int,O=Lading Test",
        "CN=T Root,O=Lading Test",
        "CN=Acme Signing,O=Acme,organizationIdentifier=9144",
        "T Root",
        "tsa-policy.json",
    ];
    assert_chinese_only(d, "ltv-zh.html", "ltv.lading", &inputs, &names);

    // The policy without TSA roots cannot judge the token: the bundle fails, naming it.
    let v = verdict(d, "ltv.lading", "policy.json", None);
    assert_fails_with(&v, "statement timestamp statement-timestamps/0-statement.json.tsr", "pins no TSA roots");

    // Bad input at bundle time: garbage CRL, a token over other bytes, a token without the statement.
    std::fs::write(d.join("junk.crl"), "-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n").expect("w");
    let (code, _, err) = l.run(&bundle_args("ltv.lading", &["--crl", "junk.crl"]));
    assert!(code != 0 && err.contains("junk.crl"), "{err}");
    let (code, _, err) = l.run(&bundle_args("ltv.lading", &["--statement-timestamp", "cert.tsr"]));
    assert!(code != 0 && err.contains("cert.tsr") && err.contains("not over the statement's bytes"), "{err}");
    let (code, _, err) =
        l.run(&["bundle", "create", "--deliverable", "seg.lading", "--statement-timestamp", "cert.tsr", "--out", "x"]);
    assert!(code != 0 && err.contains("needs the statement"), "{err}");
    assert!(!d.join("x").exists());
    // A statement chain for another key (the TSA's) is refused at bundle time, nothing written.
    let (code, _, err) = l.run(&bundle_args("other-chain.lading", &["--statement-cert", "tsa.pem"]));
    assert!(code != 0 && err.contains("tsa.pem") && err.contains("another key than the statement's issuer"), "{err}");
    assert!(!d.join("other-chain.lading").exists());
}
