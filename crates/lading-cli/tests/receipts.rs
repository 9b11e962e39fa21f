//! Issue 23: receipts people can check. `lading log verify-proof RECEIPT
//! --envelope ENV` derives the registry entry from the signed statement (as
//! the server does) instead of asking for it by hand, from the envelope, a
//! Sigstore bundle of it, or nothing else; and a log held by a running
//! server says so and points at the HTTP API.

use lading_testkit::cli::Lading;
use serde_json::Value;

fn post(url: &str, token: &str, body: Vec<u8>) -> (u16, String) {
    let rt = tokio::runtime::Runtime::new().expect("rt");
    rt.block_on(async {
        let resp = lading_server::http_client::client()
            .post(url)
            .header("content-type", "application/json")
            .bearer_auth(token)
            .body(body)
            .send()
            .await
            .expect("request");
        (resp.status().as_u16(), resp.text().await.expect("body"))
    })
}

#[test]
fn a_statement_receipt_verifies_from_the_envelope_or_its_sigstore_bundle() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let d = tmp.path();
    let l = Lading::new(env!("CARGO_BIN_EXE_lading"), d);
    drop(l.serve(&["--data", "dep"]));
    let vkey = std::fs::read_to_string(d.join("dep/logs/registry/log.vkey")).expect("vkey").trim().to_owned();
    l.ok(&["key", "generate", "--out", "p"]);
    l.ok(&["provider", "add", "--data", "dep", "--log", "registry", "--pubkey", "p.pub"]);
    let token = l.ok(&["token", "create", "--data", "dep", "--log", "registry", "--scope", "submit"]).trim().to_owned();
    for (doc, kind) in [("a.json", "maintenance-event"), ("b.json", "saas-release")] {
        std::fs::write(d.join(doc), l.ok(&["new", kind])).expect("write");
        l.ok(&["sign", doc, "--key", "p.key", "--out", &format!("{doc}.dsse.json")]);
    }
    let server = l.serve(&["--data", "dep"]);
    let envelope = std::fs::read(d.join("a.json.dsse.json")).expect("envelope");
    let (status, body) = post(&format!("{}/v1/logs/registry/entries?wait=receipt", server.url), &token, envelope);
    assert_eq!(status, 201, "{body}");
    let reply: Value = serde_json::from_str(&body).expect("json");
    std::fs::write(d.join("receipt"), reply["receipt"].as_str().expect("receipt")).expect("write");

    // While the server runs, the log directory is locked: say so, and where to ask instead.
    let e = l.fails(&["log", "prove", "dep/logs/registry", "--index", "0"]);
    assert!(e.contains("locked") && e.contains("GET /v1/logs/registry/receipts/INDEX"), "{e}");

    // From the envelope as submitted: the entry is derived.
    let out = l.ok(&["--json", "log", "verify-proof", "receipt", "--envelope", "a.json.dsse.json", "--vkey", &vkey]);
    let out: Value = serde_json::from_str(&out).expect("json");
    assert_eq!(out["valid"], true, "{out}");
    assert_eq!(out["entry"]["kind"], "urn:lading:maintenance-event:v1");
    let keyid = l.ok(&["--json", "key", "show", "p.pub"]);
    assert_eq!(out["entry"]["keyid"], serde_json::from_str::<Value>(&keyid).expect("json")["keyid"]);
    // From a Sigstore bundle of it.
    l.ok(&["sigstore-bundle", "a.json.dsse.json", "--out", "a.sigstore.json"]);
    l.ok(&["log", "verify-proof", "receipt", "--envelope", "a.sigstore.json", "--vkey", &vkey]);
    // Another statement, or the same one with a byte changed, is not the entry.
    let e = l.fails(&["log", "verify-proof", "receipt", "--envelope", "b.json.dsse.json", "--vkey", &vkey]);
    assert!(e.contains("FAIL") && e.contains("registry entries of b.json.dsse.json"), "{e}");
    let mut changed = std::fs::read(d.join("a.json.dsse.json")).expect("envelope");
    changed.insert(1, b' ');
    std::fs::write(d.join("changed.dsse.json"), changed).expect("write");
    l.fails(&["log", "verify-proof", "receipt", "--envelope", "changed.dsse.json", "--vkey", &vkey]);
    // One of --entry and --envelope is needed.
    let e = l.fails(&["log", "verify-proof", "receipt", "--vkey", &vkey]);
    assert!(e.contains("--envelope") || e.contains("--entry"), "{e}");
    drop(server);
    // Stopped, the log opens again.
    l.ok(&["log", "prove", "dep/logs/registry", "--index", "0", "--out", "receipt2"]);
    l.ok(&["log", "verify-proof", "receipt2", "--envelope", "a.json.dsse.json", "--vkey", &vkey]);
}
