//! `lading remote` against real `lading serve` processes on loopback: every
//! receipt it saves verifies with `lading log verify-proof`, entries are found
//! by what the server verified, and a server answering 503 for a while is
//! waited for, not given up on.

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use lading_testkit::cli::{Lading, Server};

fn cli(dir: &Path) -> Lading {
    Lading::new(env!("CARGO_BIN_EXE_lading"), dir)
}

/// A deployment in `dir/dep` with provider key `k` registered on `registry`
/// and a submit token in `dir/token`; started with `extra` flags.
fn deployment(dir: &Path, extra: &[&str]) -> Server {
    let l = cli(dir);
    l.ok(&["key", "generate", "--out", "k"]);
    drop(l.serve(&["--data", "dep"]));
    l.ok(&["provider", "add", "--data", "dep", "--log", "registry", "--pubkey", "k.pub"]);
    let token = l.ok(&["token", "create", "--data", "dep", "--log", "registry", "--scope", "submit"]);
    std::fs::write(dir.join("token"), token.trim()).expect("token");
    l.serve(&[&["--data", "dep"][..], extra].concat())
}

fn signed_document(dir: &Path, name: &str) -> String {
    let l = cli(dir);
    let doc = l.ok(&["new", "maintenance-event"]);
    std::fs::write(dir.join(format!("{name}.json")), &doc).expect("doc");
    l.ok(&["sign", &format!("{name}.json"), "--key", "k.key", "--out", &format!("{name}.dsse.json")]);
    let value: serde_json::Value = serde_json::from_str(&doc).expect("json");
    format!("maintenance-event/{}", value["meta"]["id"].as_str().expect("id"))
}

#[test]
fn submitted_statements_bundles_and_raw_entries_get_receipts_that_verify_offline() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let d = tmp.path();
    let server = deployment(d, &[]);
    let l = cli(d);
    let s = server.url.as_str();
    let doc_id = signed_document(d, "a");
    let vkey = std::fs::read_to_string(d.join("dep/logs/registry/log.vkey")).expect("vkey").trim().to_owned();

    // An envelope: index and leaf hash printed, the receipt saved and verifiable offline.
    let out = l.ok(&[
        "remote",
        "submit",
        "a.dsse.json",
        "--server",
        s,
        "--log",
        "registry",
        "--token-file",
        "token",
        "--out",
        "a.tlog",
        "--vkey",
        &vkey,
    ]);
    let (index, leaf) = out.trim().split_once(' ').expect("INDEX LEAF");
    assert_eq!(index, "0");
    assert_eq!(leaf.len(), 64);
    l.ok(&["log", "verify-proof", "a.tlog", "--envelope", "a.dsse.json", "--vkey", &vkey]);

    // The same statement as a Sigstore bundle is the same entry.
    l.ok(&["sigstore-bundle", "a.dsse.json", "--out", "a.sigstore.json"]);
    let (_, v) = l.json(&[
        "remote",
        "submit",
        "a.sigstore.json",
        "--server",
        s,
        "--log",
        "registry",
        "--token-file",
        "token",
        "--out",
        "b.tlog",
    ]);
    assert_eq!((v["index"].as_u64(), v["duplicate"].as_bool()), (Some(0), Some(true)), "{v}");
    l.ok(&["log", "verify-proof", "b.tlog", "--envelope", "a.sigstore.json", "--vkey", &vkey]);

    // A raw entry from standard input, the token from LADING_TOKEN.
    let token = std::fs::read_to_string(d.join("token")).expect("token");
    let mut child = Command::new(env!("CARGO_BIN_EXE_lading"))
        .current_dir(d)
        .args(["--json", "remote", "submit", "-", "--server", s, "--log", "registry", "--out", "raw.tlog"])
        .env("LADING_TOKEN", token.trim())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child.stdin.take().expect("stdin").write_all(b"a raw entry").expect("write");
    let out = child.wait_with_output().expect("wait");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["index"], 1);
    std::fs::write(d.join("raw.entry"), b"a raw entry").expect("entry");
    l.ok(&["log", "verify-proof", "raw.tlog", "--entry", "raw.entry", "--vkey", &vkey]);

    // Receipts by index and by leaf hash; entries checked against the tree.
    l.ok(&["remote", "receipt", "--server", s, "--log", "registry", "--index", "1", "--out", "r1.tlog"]);
    l.ok(&["log", "verify-proof", "r1.tlog", "--entry", "raw.entry", "--vkey", &vkey]);
    l.ok(&["remote", "receipt", "--server", s, "--log", "registry", "--leaf", leaf, "--out", "r0.tlog"]);
    l.ok(&["log", "verify-proof", "r0.tlog", "--envelope", "a.dsse.json", "--vkey", &vkey]);
    let entry = l.ok(&["remote", "get", "--server", s, "--log", "registry", "--index", "1", "--vkey", &vkey]);
    assert_eq!(entry, "a raw entry");

    // Search by document id and by digest; nothing found exits 1.
    let found = l.ok(&["remote", "search", "--server", s, "--log", "registry", "--document", &doc_id]);
    assert_eq!(found.trim(), "0");
    let digest = {
        use sha2::Digest as _;
        format!("sha256:{}", hex::encode(sha2::Sha256::digest(b"a raw entry")))
    };
    let (code, v) = l.json(&["remote", "search", "--server", s, "--log", "registry", "--digest", &digest]);
    assert_eq!((code, v["indices"].clone()), (0, serde_json::json!([1])), "{v}");
    let none = l.ok(&["remote", "search", "--server", s, "--log", "registry", "--document", "maintenance-event/none"]);
    assert_eq!(none, "");
    let (code, v) = l.json(&["remote", "get", "--server", s, "--log", "registry", "--index", "1", "--vkey", &vkey]);
    assert_eq!((code, v["entry"].as_str()), (0, Some("a raw entry")), "{v}");
    let (_, v) = l.json(&["remote", "logs", "--server", s]);
    assert_eq!(v["logs"][0]["name"], "registry");
    assert_eq!(v["logs"][0]["size"], 2);

    // Faults: no token, a wrong key, a bad log name, a wrong token — clear errors.
    let err = l.fails(&["remote", "submit", "a.dsse.json", "--server", s, "--log", "registry"]);
    assert!(err.contains("needs an API token"), "{err}");
    std::fs::write(d.join("bad-token"), "lad_00000000_nope").expect("write");
    let err =
        l.fails(&["remote", "submit", "raw.entry", "--server", s, "--log", "registry", "--token-file", "bad-token"]);
    assert!(err.contains("401"), "{err}");
    let err = l.fails(&["remote", "get", "--server", s, "--log", "Bad/Name", "--index", "0"]);
    assert!(err.contains("a log name is"), "{err}");
    l.ok(&["key", "generate", "--out", "k2"]);
    let other = l.ok(&["log", "init", "other", "--origin", "lading.localhost/registry", "--key", "k2.key"]);
    let err = l.fails(&["remote", "get", "--server", s, "--log", "registry", "--index", "0", "--vkey", other.trim()]);
    assert!(err.contains("checkpoint does not verify"), "{err}");
    let err = l.fails(&["remote", "get", "--server", s, "--log", "registry", "--index", "9", "--vkey", &vkey]);
    assert!(err.contains("beyond the log's latest checkpoint"), "{err}");
}

#[test]
fn a_server_answering_503_for_a_while_is_retried_with_backoff_honouring_retry_after() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let d = tmp.path();
    // One connection at a time: while the test holds it, every other request
    // is answered 503 with Retry-After: 1.
    let server = deployment(d, &["--max-connections", "1"]);
    let address = server.url.trim_start_matches("http://").to_owned();
    let held = std::net::TcpStream::connect(&address).expect("hold the only slot");
    std::thread::sleep(Duration::from_millis(200));
    let started = Instant::now();
    let child = Command::new(env!("CARGO_BIN_EXE_lading"))
        .current_dir(d)
        .args(["remote", "logs", "--server", &server.url, "--retries", "8"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    std::thread::sleep(Duration::from_millis(2500));
    drop(held);
    let out = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("registry\t"));
    assert!(stderr.contains("the server answered 503"), "{stderr}");
    // Retry-After: 1 was honoured (not the first backoff of 250 ms).
    assert!(stderr.contains("in 1.0 s"), "{stderr}");
    assert!(started.elapsed() >= Duration::from_millis(2500));

    // With no retries left, the 503 is the answer. A half-sent request keeps
    // the slot taken for certain (the first client's slot may take a moment
    // to be released on a loaded machine).
    std::thread::sleep(Duration::from_millis(500));
    let mut held = std::net::TcpStream::connect(&address).expect("hold the only slot");
    std::io::Write::write_all(&mut held, b"GET /v1/logs HTTP/1.1\r\n").expect("half a request");
    std::thread::sleep(Duration::from_millis(1000));
    let err = cli(d).fails(&["remote", "logs", "--server", &server.url, "--retries", "0"]);
    assert!(err.contains("503"), "{err}");
    drop(held);
}

/// Issue 19: a certificate-bound Sigstore bundle (`sign --cert`) submitted to `lading serve` is
/// logged as it was sent, chain included — the entry `lading verify` and `log verify-proof` look
/// for — when its chain runs to a `--ca-root` and the key it certifies is a registered provider
/// key; another CA's chain, or an unregistered key, is refused with 403 naming why.
#[test]
fn certificate_bound_bundles_are_logged_as_sent_when_chain_and_key_are_trusted() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let d = tmp.path();
    let l = cli(d);
    for k in ["root", "int", "other-root", "k3"] {
        l.ok(&["key", "generate", "--alg", "p256", "--out", k]);
    }
    l.ok(&["pki", "init-ca", "--key", "root.key", "--subject", "CN=R,O=Lading Test", "--out", "root.pem"]);
    l.ok(&[
        "pki",
        "init-ca",
        "--key",
        "other-root.key",
        "--subject",
        "CN=Other,O=Elsewhere",
        "--out",
        "other-root.pem",
    ]);
    let server = deployment(d, &["--ca-root", "root.pem"]);
    let s = server.url.as_str();
    l.pki_issue("root", "int", "CN=I,O=Lading Test", "ca", "int.pem");
    let who = "CN=Signer,O=Example Ltd,organizationIdentifier=91440300MA5EXAMPLE";
    l.pki_issue("int", "k", who, "signer", "signer.pem");
    l.pki_issue("other-root", "k", who, "signer", "elsewhere.pem");
    l.pki_issue("int", "k3", who, "signer", "k3.pem");
    let doc_id = signed_document(d, "a");
    let vkey = std::fs::read_to_string(d.join("dep/logs/registry/log.vkey")).expect("vkey").trim().to_owned();
    l.ok(&["sign", "a.json", "--key", "k.key", "--cert", "signer.pem", "--out", "a.cert.json"]);

    let submit = |file: &str, out: &str| {
        l.run(&[
            "--json",
            "remote",
            "submit",
            file,
            "--server",
            s,
            "--log",
            "registry",
            "--token-file",
            "token",
            "--out",
            out,
        ])
    };
    let (code, out, err) = submit("a.cert.json", "a.tlog");
    assert_eq!(code, 0, "{err}{out}");
    let v: serde_json::Value = serde_json::from_str(out.trim()).expect("json");
    assert_eq!(v["index"], 0, "{v}");
    l.ok(&["log", "verify-proof", "a.tlog", "--envelope", "a.cert.json", "--vkey", &vkey]);
    // The bundle's entry is not the bare envelope's: the chain is part of what was logged.
    let err = l.fails(&["log", "verify-proof", "a.tlog", "--envelope", "a.dsse.json", "--vkey", &vkey]);
    assert!(!err.is_empty());
    let found = l.ok(&["remote", "search", "--server", s, "--log", "registry", "--document", &doc_id]);
    assert_eq!(found.trim(), "0");

    // Another CA's chain: 403, naming the certificate; an unregistered key: 403.
    l.ok(&["sign", "a.json", "--key", "k.key", "--cert", "elsewhere.pem", "--out", "b.cert.json"]);
    let (code, out, err) = submit("b.cert.json", "b.tlog");
    assert!(
        code != 0 && format!("{out}{err}").contains("403") && format!("{out}{err}").contains("untrusted certificate"),
        "{out}{err}"
    );
    l.ok(&["sign", "a.json", "--key", "k3.key", "--cert", "k3.pem", "--out", "c.cert.json"]);
    let (code, out, err) = submit("c.cert.json", "c.tlog");
    assert!(code != 0 && format!("{out}{err}").contains("not a provider key registered"), "{out}{err}");
    assert!(!d.join("b.tlog").exists() && !d.join("c.tlog").exists());

    // Malformed bodies under the bundle media type: 400, naming what is wrong; nothing logged.
    let token = std::fs::read_to_string(d.join("token")).expect("token").trim().to_owned();
    let bundle = std::fs::read_to_string(d.join("a.cert.json")).expect("bundle");
    let no_material = {
        let mut v: serde_json::Value = serde_json::from_str(&bundle).expect("json");
        v.as_object_mut().expect("object").remove("verificationMaterial");
        v.to_string()
    };
    for body in ["not json".to_owned(), "{}".to_owned(), bundle[..bundle.len() / 2].to_owned(), no_material] {
        let rt = tokio::runtime::Runtime::new().expect("rt");
        let (status, text) = rt.block_on(async {
            let resp = lading_server::http_client::client()
                .post(format!("{s}/v1/logs/registry/entries"))
                .header("content-type", "application/vnd.dev.sigstore.bundle.v0.3+json")
                .bearer_auth(&token)
                .body(body.clone())
                .send()
                .await
                .expect("request");
            (resp.status().as_u16(), resp.text().await.expect("body"))
        });
        assert_eq!(status, 400, "{body:.60}: {text}");
        assert!(text.to_lowercase().contains("bundle"), "{body:.60}: {text}");
    }
    let logs: serde_json::Value =
        serde_json::from_str(l.ok(&["--json", "remote", "logs", "--server", s]).trim()).expect("json");
    assert_eq!(logs["logs"][0]["size"], 1, "{logs}");
}
