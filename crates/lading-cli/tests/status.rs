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

/// Exit code, stdout and stderr of `lading ARGS` in `dir` (a panic fails the test).
fn lading(dir: &Path, args: &[&str]) -> (i32, String, String) {
    lading_testkit::cli::Lading::new(env!("CARGO_BIN_EXE_lading"), dir).run(args)
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
    credential_at(d, URL, SUSP_URL)
}

/// [`credential`] with entries in the lists at `rev` and `susp`.
fn credential_at(d: &Path, rev: &str, susp: &str) -> &'static str {
    let unsigned = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": "urn:uuid:5b0b3f7e-2a43-4c1a-9f57-0d8c3c0c0c01",
        "type": ["VerifiableCredential", "LadingConformityCertificate"],
        "issuer": did(d, "cb"),
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": "urn:lading:entity:acme"},
        "credentialStatus": [
            {"id": format!("{rev}#17"), "type": "BitstringStatusListEntry", "statusPurpose": "revocation",
             "statusListIndex": "17", "statusListCredential": rev},
            {"id": format!("{susp}#23"), "type": "BitstringStatusListEntry", "statusPurpose": "suspension",
             "statusListIndex": "23", "statusListCredential": susp},
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

/// A `lading serve` child, killed and reaped when dropped.
struct Served(std::process::Child);

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `lading --json serve --data dep --listen 127.0.0.1:PORT EXTRA…` and waits until it listens.
fn serve(d: &Path, port: u16, extra: &[&str]) -> Served {
    use std::io::BufRead as _;
    let listen = format!("127.0.0.1:{port}");
    let mut child = Command::new(env!("CARGO_BIN_EXE_lading"))
        .current_dir(d)
        .args(["--json", "serve", "--data", "dep", "--listen", &listen])
        .args(extra)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::inherit())
        .spawn()
        .expect("spawn lading serve");
    let stdout = child.stdout.take().expect("stdout");
    let served = Served(child);
    let mut lines = std::io::BufReader::new(stdout).lines();
    loop {
        let line = lines.next().expect("lading serve exited before listening").expect("a line");
        if line.contains("\"listening\"") {
            std::thread::spawn(move || for _ in lines {});
            return served;
        }
    }
}

#[test]
fn lading_serve_publishes_lists_and_credential_verify_online_fetches_caches_and_revalidates_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    for k in ["cb", "other"] {
        ok(d, &["key", "generate", "--out", k]);
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port();
    let (rev, susp) = (format!("http://127.0.0.1:{port}/status/rev"), format!("http://127.0.0.1:{port}/status/susp"));
    ok(d, &["status-list", "new", "--key", "cb.key", "--url", &rev, "--purpose", "revocation", "--out", "rev.json"]);
    ok(d, &["status-list", "new", "--key", "cb.key", "--url", &susp, "--purpose", "suspension", "--out", "susp.json"]);
    let cred = credential_at(d, &rev, &susp);
    // A list outside /status/ is not published: serve refuses to start, naming it.
    ok(
        d,
        &[
            "status-list",
            "new",
            "--key",
            "cb.key",
            "--url",
            "http://x.example/v1/logs",
            "--purpose",
            "revocation",
            "--out",
            "clash.json",
        ],
    );
    refused(
        d,
        &["serve", "--data", "dep", "--listen", "127.0.0.1:0", "--status-list", "clash.json"],
        "no path under /status/",
    );
    std::fs::copy(d.join("rev.json"), d.join("rev.v1.json")).expect("copy");

    let _server =
        serve(d, port, &["--status-list", "rev.json", "--status-list", "susp.json", "--status-list-max-age", "0"]);
    let verify = |d: &Path| {
        let (code, out, err) = lading(d, &["--json", "credential", "verify", cred, "--online", "--cache", "cache"]);
        (code, serde_json::from_str::<Value>(out.trim()).unwrap_or_else(|e| panic!("{e}: {out}{err}")))
    };
    let (code, v) = verify(d);
    assert_eq!((code, v["status"].as_str()), (0, Some("valid")), "{v}");
    assert_eq!(v["statuses"][0]["source"], "fetched");
    // max-age 0: asked again, the ETag matches, 304.
    let (_, v) = verify(d);
    assert_eq!((v["status"].as_str(), v["statuses"][0]["source"].as_str()), (Some("valid"), Some("revalidated")));
    // Revoked in place: published at once.
    ok(d, &["certify", "revoke", cred, "--status-list", "rev.json", "--key", "cb.key", "--reason", "fraud"]);
    let (code, v) = verify(d);
    assert_eq!(
        (code, v["status"].as_str(), v["statuses"][0]["source"].as_str()),
        (1, Some("revoked"), Some("fetched"))
    );
    assert_eq!(v["statuses"][0]["version"], 2);
    // The file rolled back to version 1: the server refuses to publish it (503), the client says so.
    std::fs::copy(d.join("rev.v1.json"), d.join("rev.json")).expect("copy");
    let (code, v) = verify(d);
    assert_eq!(code, 1);
    assert!(v["error"].as_str().expect("error").contains("answered HTTP 503"), "{v}");
    // An entry whose list (fetched) is of the other purpose is refused.
    let (code, v) = {
        let unsigned = read(d, "cred.unsigned.json");
        let mut wrong = unsigned.clone();
        wrong["credentialStatus"][1]["statusListCredential"] = json!(format!("http://127.0.0.1:{port}/status/rev"));
        wrong["credentialStatus"][1]["id"] = json!("urn:x");
        std::fs::write(d.join("wrong.unsigned.json"), wrong.to_string()).expect("write");
        ok(d, &["credential", "sign", "wrong.unsigned.json", "--key", "cb.key", "--out", "wrong.json"]);
        ok(
            d,
            &[
                "status-list",
                "set",
                "rev.v1.json",
                "--index",
                "17",
                "--value",
                "1",
                "--key",
                "cb.key",
                "--out",
                "rev.json",
            ],
        );
        let (code, out, _) =
            lading(d, &["--json", "credential", "verify", "wrong.json", "--online", "--cache", "cache"]);
        (code, serde_json::from_str::<Value>(out.trim()).expect("json"))
    };
    assert_eq!(code, 1);
    assert!(v["error"].as_str().expect("error").contains("status purpose is suspension"), "{v}");
}

/// Runs openssl with `args` in `d`, asserting success.
fn openssl(d: &Path, args: &[&str]) {
    let out = Command::new("openssl").current_dir(d).args(args).output().expect("openssl");
    assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn credential_verify_online_fetches_over_https_from_lading_serve_trusting_a_test_ca() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    for (args, what) in [
        (
            vec![
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-days",
                "2",
                "-subj",
                "/CN=Lading test CA",
                "-keyout",
                "ca.key",
                "-out",
                "ca.crt",
            ],
            "CA",
        ),
        (
            vec![
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-days",
                "2",
                "-subj",
                "/CN=Another CA",
                "-keyout",
                "other-ca.key",
                "-out",
                "other-ca.crt",
            ],
            "other CA",
        ),
        (
            vec![
                "req",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-subj",
                "/CN=127.0.0.1",
                "-keyout",
                "tls.key",
                "-out",
                "tls.csr",
            ],
            "CSR",
        ),
    ] {
        let out = Command::new("openssl").current_dir(d).args(&args).output().expect("openssl");
        assert!(out.status.success(), "openssl {what}: {}", String::from_utf8_lossy(&out.stderr));
    }
    std::fs::write(
        d.join("leaf.ext"),
        "subjectAltName=IP:127.0.0.1\nbasicConstraints=critical,CA:FALSE\nextendedKeyUsage=serverAuth\n",
    )
    .expect("write");
    openssl(
        d,
        &[
            "x509",
            "-req",
            "-in",
            "tls.csr",
            "-CA",
            "ca.crt",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            "2",
            "-extfile",
            "leaf.ext",
            "-out",
            "tls.crt",
        ],
    );
    for k in ["cb", "other"] {
        ok(d, &["key", "generate", "--out", k]);
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port();
    let (rev, susp) = (format!("https://127.0.0.1:{port}/status/rev"), format!("https://127.0.0.1:{port}/status/susp"));
    ok(d, &["status-list", "new", "--key", "cb.key", "--url", &rev, "--purpose", "revocation", "--out", "rev.json"]);
    ok(d, &["status-list", "new", "--key", "cb.key", "--url", &susp, "--purpose", "suspension", "--out", "susp.json"]);
    let cred = credential_at(d, &rev, &susp);
    let _server = serve(
        d,
        port,
        &["--status-list", "rev.json", "--status-list", "susp.json", "--tls-cert", "tls.crt", "--tls-key", "tls.key"],
    );
    let verify = |ca: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_lading"))
            .current_dir(d)
            .env("SSL_CERT_FILE", ca)
            .env_remove("SSL_CERT_DIR")
            .args(["--json", "credential", "verify", cred, "--online", "--cache", "cache"])
            .output()
            .expect("lading");
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        (out.status.code(), serde_json::from_str::<Value>(text.trim()).unwrap_or_else(|e| panic!("{e}: {text}")))
    };
    // The server's certificate chains to the CA SSL_CERT_FILE names: fetched over TLS, cached.
    let (code, v) = verify("ca.crt");
    assert_eq!((code, v["status"].as_str()), (Some(0), Some("valid")), "{v}");
    assert_eq!(v["statuses"][0]["source"], "fetched");
    assert_eq!(v["statuses"][0]["list"], rev.as_str());
    // Within the served max-age (300 s) the cached copy is used, without asking the server.
    let (code, v) = verify("ca.crt");
    assert_eq!((code, v["statuses"][0]["source"].as_str()), (Some(0), Some("cached")), "{v}");
    // Trusting another CA only: the TLS handshake fails and nothing is relied on.
    std::fs::remove_dir_all(d.join("cache")).expect("clear the cache");
    let (code, v) = verify("other-ca.crt");
    assert_eq!(code, Some(1), "{v}");
    let error = v["error"].as_str().expect("error");
    assert!(error.contains(&rev) && error.to_lowercase().contains("certificate"), "{error}");
}

/// Whether the receipt `receipt` proves the status list file `list` (issued by `issuer`) in the
/// log whose vkey is `vkey`.
fn receipt_proves(d: &Path, receipt: &str, list: &str, issuer: &str, vkey: &str) -> bool {
    let bytes = std::fs::read(d.join(list)).expect("list");
    let leaf = lading_trust::verify::status_list_leaf(&bytes, issuer).expect("leaf");
    let text = std::fs::read_to_string(d.join(receipt)).expect("receipt");
    let policy = lading_tlog::Policy::parse(&format!("log {vkey}\nquorum none\n")).expect("policy");
    lading_tlog::Receipt::parse(&text).expect("receipt parses").verify(&lading_tlog::leaf_hash(&leaf), &policy).is_ok()
}

#[test]
fn every_version_made_with_log_is_logged_first_and_its_receipt_kept_beside_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    for k in ["cb", "other", "log"] {
        ok(d, &["key", "generate", "--out", k]);
    }
    let vkey = ok(d, &["log", "init", "status", "--origin", "cb.example/status", "--key", "log.key"]);
    let vkey = vkey.trim();
    let issuer = did(d, "cb");
    // new: logged at index 0, receipt rev.json.tlog-proof proves exactly the bytes written.
    let v = ok_json(
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
            "--out",
            "rev.json",
            "--log",
            "status",
        ],
    );
    assert_eq!(v["logged"]["index"], 0, "{v}");
    assert_eq!(v["logged"]["receipt"], "rev.json.tlog-proof");
    assert!(receipt_proves(d, "rev.json.tlog-proof", "rev.json", &issuer, vkey));
    ok(
        d,
        &[
            "status-list",
            "new",
            "--key",
            "cb.key",
            "--url",
            SUSP_URL,
            "--purpose",
            "suspension",
            "--out",
            "susp.json",
            "--log",
            "status",
        ],
    );
    // set --out elsewhere: the new version logged, its receipt beside it; the old one's kept.
    let v = ok_json(
        d,
        &[
            "status-list",
            "set",
            "rev.json",
            "--index",
            "3",
            "--value",
            "1",
            "--key",
            "cb.key",
            "--out",
            "rev.v2.json",
            "--log",
            "status",
        ],
    );
    assert_eq!((v["sequence_number"].as_u64(), v["logged"]["index"].as_u64()), (Some(2), Some(2)), "{v}");
    assert!(receipt_proves(d, "rev.v2.json.tlog-proof", "rev.v2.json", &issuer, vkey));
    assert!(receipt_proves(d, "rev.json.tlog-proof", "rev.json", &issuer, vkey));
    assert!(!receipt_proves(d, "rev.json.tlog-proof", "rev.v2.json", &issuer, vkey));
    // certify suspend / reinstate in place: each version logged, the receipt replaced.
    let cred = credential_at(d, URL, SUSP_URL);
    for (cmd, index) in [("suspend", 3), ("reinstate", 4)] {
        let v = ok_json(d, &["certify", cmd, cred, "--status-list", "susp.json", "--key", "cb.key", "--log", "status"]);
        assert_eq!(v["logged"]["index"], index, "{v}");
        assert!(receipt_proves(d, "susp.json.tlog-proof", "susp.json", &issuer, vkey), "{cmd}");
    }
    let text =
        ok(d, &["certify", "revoke", cred, "--status-list", "rev.v2.json", "--key", "cb.key", "--log", "status"]);
    assert!(text.contains("logged at index 5; receipt rev.v2.json.tlog-proof"), "{text}");
    assert!(receipt_proves(d, "rev.v2.json.tlog-proof", "rev.v2.json", &issuer, vkey));
    // A version made without --log: the receipt of the version it replaces is removed, not left lying.
    ok(d, &["status-list", "set", "rev.json", "--index", "9", "--value", "1", "--key", "cb.key", "--out", "rev.json"]);
    assert!(!d.join("rev.json.tlog-proof").exists());
    // The log cannot be written: nothing is published (the list file is unchanged).
    let before = std::fs::read(d.join("susp.json")).expect("read");
    refused(
        d,
        &["certify", "suspend", cred, "--status-list", "susp.json", "--key", "cb.key", "--log", "nowhere"],
        "nowhere",
    );
    assert_eq!(std::fs::read(d.join("susp.json")).expect("read"), before);
    // The log holds every version: 6 entries.
    let cp = ok(d, &["log", "checkpoint", "status"]);
    assert_eq!(cp.lines().nth(1), Some("6"), "{cp}");
}
