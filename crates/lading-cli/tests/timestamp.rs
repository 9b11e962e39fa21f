//! RFC 3161 end to end through the binary: `lading serve --tsa-key` is the
//! TSA, `lading sign --tsa` and `lading timestamp` ask it, and
//! `lading verify-signature --tsa-ca` takes the signing time from the token;
//! every token issued is in the `timestamps` log. Bad TSAs, altered tokens
//! and untrusted TSA roots are refused with a reason.

use std::path::Path;

use lading_testkit::cli::Lading;
use serde_json::Value;

fn lading(dir: &Path) -> Lading {
    Lading::new(env!("CARGO_BIN_EXE_lading"), dir)
}

/// P-256 root → intermediate → signer and TSA (and a signer-profile "TSA" without timeStamping).
fn hierarchy(l: &Lading, dir: &Path) {
    for k in ["root", "int", "signer", "tsa", "bad-tsa"] {
        l.ok(&["key", "generate", "--alg", "p256", "--out", k]);
    }
    l.ok(&["pki", "init-ca", "--key", "root.key", "--subject", "CN=T Root,O=Lading Test", "--out", "root.pem"]);
    l.pki_issue("root", "int", "CN=T Int,O=Lading Test", "ca", "int.pem");
    l.pki_issue(
        "int",
        "signer",
        "CN=Signer,O=Example Ltd,organizationIdentifier=91440300MA5EXAMPLE",
        "signer",
        "signer.pem",
    );
    l.pki_issue("int", "tsa", "CN=T TSA,O=Lading Test", "tsa", "tsa.pem");
    l.pki_issue("int", "bad-tsa", "CN=Not A TSA,O=Lading Test", "signer", "bad-tsa.pem");
    std::fs::write(dir.join("doc.json"), l.ok(&["new", "saas-release"])).expect("write");
}

#[test]
fn sign_with_a_tsa_establishes_the_signing_time_and_logs_the_token() {
    let tmp = tempfile::tempdir().expect("tmp");
    let l = lading(tmp.path());
    hierarchy(&l, tmp.path());
    let server = l.serve(&["--data", "dep", "--tsa-key", "tsa.key", "--tsa-cert", "tsa.pem"]);
    let tsa = format!("{}/v1/timestamp", server.url);

    l.ok(&["sign", "doc.json", "--key", "signer.key", "--cert", "signer.pem", "--tsa", &tsa, "--out", "b.json"]);
    let (code, v) = l.json(&["verify-signature", "b.json", "--ca", "root.pem", "--tsa-ca", "root.pem"]);
    assert_eq!(code, 0, "{v}");
    let source = v["time_source"].as_str().expect("time_source");
    assert!(source.starts_with("RFC 3161 timestamp by CN=T TSA"), "{source}");
    assert_eq!(v["timestamps"].as_array().map(Vec::len), Some(1));
    assert_eq!(v["time"].as_str().map(|t| &t[..10]), v["timestamps"][0]["gen_time"].as_str().map(|t| &t[..10]));

    // Without --tsa-ca the token is not trusted, and the output says so.
    let (_, v) = l.json(&["verify-signature", "b.json", "--ca", "root.pem", "--at", "2027-01-01T00:00:00Z"]);
    assert_eq!(v["time"], "2027-01-01T00:00:00Z");
    assert!(v["time_source"].as_str().is_some_and(|s| s.contains("not verified: no --tsa-ca")), "{v}");

    // A second timestamp added by `lading timestamp`; both verify, the earliest counts.
    l.ok(&["timestamp", "b.json", "--tsa", &tsa, "--out", "b2.json"]);
    let (code, v) = l.json(&["verify-signature", "b2.json", "--ca", "root.pem", "--tsa-ca", "root.pem"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["timestamps"].as_array().map(Vec::len), Some(2));

    // Both tokens are in the TSA's log.
    let logs: Value = serde_json::from_str(&lading_testkit_get(&format!("{}/v1/logs", server.url))).expect("json");
    let size = logs["logs"].as_array().and_then(|a| a.iter().find(|l| l["name"] == "timestamps")).map(|l| &l["size"]);
    assert_eq!(size, Some(&Value::from(2)));

    // A TSA root that is not trusted: the verdict fails naming the timestamp.
    l.ok(&["key", "generate", "--alg", "p256", "--out", "other"]);
    l.ok(&["pki", "init-ca", "--key", "other.key", "--subject", "CN=Other Root", "--out", "other.pem"]);
    let err = l.fails(&["verify-signature", "b.json", "--ca", "root.pem", "--tsa-ca", "other.pem"]);
    assert!(err.contains("timestamp #0") && err.contains("TSA certificate path"), "{err}");

    // A token moved onto another signature (of another document) is over other bytes.
    std::fs::write(tmp.path().join("doc2.json"), l.ok(&["new", "saas-release"])).expect("write");
    l.ok(&["sign", "doc2.json", "--key", "signer.key", "--cert", "signer.pem", "--out", "c.json"]);
    let mut b: Value = serde_json::from_slice(&std::fs::read(tmp.path().join("b.json")).expect("read")).expect("json");
    let c: Value = serde_json::from_slice(&std::fs::read(tmp.path().join("c.json")).expect("read")).expect("json");
    b["dsseEnvelope"] = c["dsseEnvelope"].clone();
    std::fs::write(tmp.path().join("moved.json"), serde_json::to_vec(&b).expect("json")).expect("write");
    let err = l.fails(&["verify-signature", "moved.json", "--ca", "root.pem", "--tsa-ca", "root.pem"]);
    assert!(err.contains("over other bytes"), "{err}");
}

fn lading_testkit_get(url: &str) -> String {
    // Plain HTTP/1.0 over a socket: the test needs no client library (reqwest here wants a rustls provider).
    use std::io::{Read as _, Write as _};
    let rest = url.strip_prefix("http://").expect("http url");
    let (host, path) = rest.split_once('/').expect("path");
    let mut s = std::net::TcpStream::connect(host).expect("connect");
    write!(s, "GET /{path} HTTP/1.0\r\nHost: {host}\r\n\r\n").expect("write");
    let mut text = String::new();
    s.read_to_string(&mut text).expect("read");
    text.split_once("\r\n\r\n").map(|(_, body)| body.to_owned()).expect("body")
}

#[test]
fn bad_tsas_are_refused_with_a_reason() {
    let tmp = tempfile::tempdir().expect("tmp");
    let l = lading(tmp.path());
    hierarchy(&l, tmp.path());
    // serve refuses a TSA certificate without timeStamping, or not certifying the key.
    let err = l.fails(&["serve", "--data", "dep", "--tsa-key", "bad-tsa.key", "--tsa-cert", "bad-tsa.pem"]);
    assert!(err.contains("bad-tsa.pem: cannot be the TSA's certificate") && err.contains("extKeyUsage"), "{err}");
    let err = l.fails(&["serve", "--data", "dep", "--tsa-key", "signer.key", "--tsa-cert", "tsa.pem"]);
    assert!(err.contains("not --tsa-key"), "{err}");
    // An endpoint that is not a TSA: nothing written.
    let server = l.serve(&["--data", "dep"]);
    let url = format!("{}/v1/timestamp", server.url);
    let err =
        l.fails(&["sign", "doc.json", "--key", "signer.key", "--cert", "signer.pem", "--tsa", &url, "--out", "x.json"]);
    assert!(err.contains("the TSA answered HTTP 404"), "{err}");
    assert!(!tmp.path().join("x.json").exists());
    let err = l.fails(&[
        "sign",
        "doc.json",
        "--key",
        "signer.key",
        "--cert",
        "signer.pem",
        "--tsa",
        "https://tsa.example",
        "--out",
        "x.json",
    ]);
    assert!(err.contains("only http://"), "{err}");
    // --tsa needs --cert: a bare envelope has no place for a timestamp.
    let (code, _, err) = l.run(&["sign", "doc.json", "--key", "signer.key", "--tsa", &url]);
    assert_eq!(code, 2, "{err}");
}
