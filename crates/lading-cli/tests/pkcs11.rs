//! Keys in a PKCS#11 token (issue 22), through a real SoftHSM2 token that
//! each test initialises in its own temporary directory (`SOFTHSM2_CONF`).
//! Keys are made by `lading key generate --pkcs11` and by OpenSSC's
//! `pkcs11-tool`; what they sign is verified like any file key's.
//!
//! SoftHSM2 missing is a failure that says what to install, never a skip.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

const MODULES: [&str; 2] = ["/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so"];
const PIN: &str = "246810";

/// A SoftHSM2 token initialised in a temporary directory.
struct Token {
    dir: tempfile::TempDir,
    module: PathBuf,
    conf: PathBuf,
    pin_file: PathBuf,
}

fn module() -> PathBuf {
    let found = MODULES.iter().map(PathBuf::from).find(|p| p.is_file());
    found.unwrap_or_else(|| {
        panic!(
            "SoftHSM2 is not installed (no {MODULES:?}): apt-get install softhsm2 opensc \
             (scripts/test installs them); the PKCS#11 tests need a real token"
        )
    })
}

impl Token {
    fn new() -> Self {
        let module = module();
        let dir = tempfile::tempdir().expect("tempdir");
        let tokens = dir.path().join("tokens");
        std::fs::create_dir(&tokens).expect("tokens dir");
        let conf = dir.path().join("softhsm2.conf");
        std::fs::write(
            &conf,
            format!("directories.tokendir = {}\nobjectstore.backend = file\nlog.level = ERROR\n", tokens.display()),
        )
        .expect("conf");
        let out = Command::new("softhsm2-util")
            .env("SOFTHSM2_CONF", &conf)
            .args(["--init-token", "--free", "--label", "lading-test", "--pin", PIN, "--so-pin", "13579"])
            .output()
            .expect("softhsm2-util missing: apt-get install softhsm2 (scripts/test installs it)");
        assert!(out.status.success(), "softhsm2-util: {}", String::from_utf8_lossy(&out.stderr));
        let pin_file = dir.path().join("pin");
        std::fs::write(&pin_file, format!("{PIN}\n")).expect("pin");
        Self { dir, module, conf, pin_file }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The URI of object `label`, module and PIN file in it.
    fn uri(&self, label: &str) -> String {
        format!(
            "pkcs11:token=lading-test;object={label}?module-path={}&pin-source=file:{}",
            self.module.display(),
            self.pin_file.display()
        )
    }

    /// `lading ARGS` with this token's SoftHSM2 configuration.
    fn run(&self, args: &[&str]) -> (i32, String, String) {
        let out = Command::new(env!("CARGO_BIN_EXE_lading"))
            .current_dir(self.path())
            .env("SOFTHSM2_CONF", &self.conf)
            .env_remove("LADING_PKCS11_MODULE")
            .env_remove("LADING_PKCS11_PIN_FILE")
            .args(args)
            .output()
            .expect("run lading");
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(!stderr.contains("panicked"), "lading {args:?} panicked: {stderr}");
        (out.status.code().expect("exit code"), String::from_utf8_lossy(&out.stdout).into_owned(), stderr)
    }

    fn ok(&self, args: &[&str]) -> String {
        let (code, out, err) = self.run(args);
        assert_eq!(code, 0, "lading {args:?}: {err}{out}");
        out
    }

    fn fails(&self, args: &[&str]) -> String {
        let (code, out, err) = self.run(args);
        assert_ne!(code, 0, "lading {args:?} should fail: {out}");
        let text = format!("{err}{out}");
        assert!(!text.contains(PIN), "the PIN leaked into: {text}");
        text
    }

    /// `pkcs11-tool` (OpenSC) against this token.
    fn pkcs11_tool(&self, args: &[&str]) {
        let out = Command::new("pkcs11-tool")
            .env("SOFTHSM2_CONF", &self.conf)
            .arg("--module")
            .arg(&self.module)
            .args(["--token-label", "lading-test", "--login", "--pin", PIN])
            .args(args)
            .output()
            .expect("pkcs11-tool missing: apt-get install opensc (scripts/test installs it)");
        assert!(out.status.success(), "pkcs11-tool {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    }

    fn new_doc(&self) -> String {
        let doc = self.ok(&["new", "maintenance-event"]);
        std::fs::write(self.path().join("doc.json"), doc).expect("doc");
        "doc.json".into()
    }
}

#[test]
fn keys_generated_in_the_token_sign_documents_that_verify_with_their_public_key() {
    let t = Token::new();
    let doc = t.new_doc();
    for alg in ["ed25519", "p256"] {
        let uri = t.uri(&format!("signer-{alg}"));
        let reply: Value =
            serde_json::from_str(&t.ok(&["--json", "key", "generate", "--alg", alg, "--pkcs11", &uri, "--out", alg]))
                .expect("json");
        assert!(t.path().join(format!("{alg}.pub")).is_file());
        assert!(!t.path().join(format!("{alg}.key")).exists(), "no private key file for a token key");
        let keyid = reply["keyid"].as_str().expect("keyid").to_owned();
        // key show reads the same key from the token.
        let shown: Value = serde_json::from_str(&t.ok(&["--json", "key", "show", &uri])).expect("json");
        assert_eq!(shown["keyid"], keyid.as_str());
        assert_eq!(shown["algorithm"], alg);
        assert_eq!(shown["did"].is_string(), alg == "ed25519");
        let out = format!("{alg}.dsse.json");
        let signed: Value =
            serde_json::from_str(&t.ok(&["--json", "sign", &doc, "--key", &uri, "--out", &out])).expect("json");
        assert_eq!(signed["keyid"], keyid.as_str());
        let pubkey = format!("{alg}.pub");
        t.ok(&["verify-signature", &out, "--pubkey", &pubkey]);
        // A second key under the same label is refused, the token untouched.
        let again = t.fails(&["key", "generate", "--alg", alg, "--pkcs11", &uri, "--out", "again"]);
        assert!(again.contains("already holds a key"), "{again}");
        assert!(!t.path().join("again.pub").exists());
    }
}

#[test]
fn a_key_made_by_pkcs11_tool_is_used_as_it_is() {
    let t = Token::new();
    t.pkcs11_tool(&["--keypairgen", "--key-type", "EC:prime256v1", "--label", "opensc-p256", "--id", "0a0b"]);
    let doc = t.new_doc();
    // Named by id this time (RFC 7512 percent-encoded bytes).
    let uri = format!(
        "pkcs11:token=lading-test;id=%0A%0B?module-path={}&pin-source=file:{}",
        t.module.display(),
        t.pin_file.display()
    );
    let shown: Value = serde_json::from_str(&t.ok(&["--json", "key", "show", &uri])).expect("json");
    assert_eq!(shown["algorithm"], "p256");
    std::fs::write(t.path().join("opensc.pub"), shown["public_key_pem"].as_str().expect("pem")).expect("pub");
    t.ok(&["sign", &doc, "--key", &uri, "--out", "opensc.dsse.json"]);
    t.ok(&["verify-signature", "opensc.dsse.json", "--pubkey", "opensc.pub"]);
}

#[test]
fn a_log_whose_key_is_in_the_token_signs_checkpoints_that_verify() {
    let t = Token::new();
    let uri = t.uri("log");
    t.ok(&["key", "generate", "--alg", "ed25519", "--pkcs11", &uri, "--out", "log"]);
    t.ok(&["log", "init", "thelog", "--origin", "example.com/hsm-log", "--key", &uri]);
    // The log keeps a reference to the token key, never key material.
    let stored = std::fs::read_to_string(t.path().join("thelog/log.key")).expect("log.key");
    assert!(stored.starts_with("pkcs11:") && !stored.contains("PRIVATE KEY") && !stored.contains(PIN), "{stored}");
    let doc = t.new_doc();
    t.ok(&["sign", &doc, "--key", &uri, "--out", "doc.dsse.json"]);
    let appended = t.ok(&["log", "append", "thelog", "doc.dsse.json"]);
    assert!(appended.starts_with('0'), "{appended}");
    let checkpoint = t.ok(&["log", "checkpoint", "thelog"]);
    assert!(checkpoint.starts_with("example.com/hsm-log\n1\n"), "{checkpoint}");
    t.ok(&["log", "prove", "thelog", "--index", "0", "--out", "r0"]);
    let verified = t.ok(&["log", "verify-proof", "r0", "--entry", "doc.dsse.json", "--vkey", "thelog/log.vkey"]);
    assert!(verified.starts_with("OK"), "{verified}");
}

#[test]
fn bad_pins_objects_tokens_and_modules_are_clear_errors_that_write_nothing() {
    let t = Token::new();
    let uri = t.uri("k");
    t.ok(&["key", "generate", "--alg", "ed25519", "--pkcs11", &uri, "--out", "k"]);
    let doc = t.new_doc();
    let bad_pin = t.path().join("bad-pin");
    std::fs::write(&bad_pin, "999999\n").expect("pin");
    let module = t.module.display().to_string();
    let cases: Vec<(String, &str)> = vec![
        (
            format!("pkcs11:token=lading-test;object=k?module-path={module}&pin-source=file:{}", bad_pin.display()),
            "wrong PIN",
        ),
        (t.uri("nothing-here"), "no private key on the token matches"),
        (uri.replace("token=lading-test", "token=absent"), "no token matches"),
        (
            format!(
                "pkcs11:token=lading-test;object=k?module-path={}&pin-source=file:{}",
                bad_pin.display(),
                bad_pin.display()
            ),
            "cannot load the PKCS#11 module",
        ),
        (
            format!("pkcs11:token=lading-test;object=k?module-path={module}&pin-value={PIN}"),
            "pin-value is not accepted",
        ),
        (format!("pkcs11:token=lading-test;object=k?module-path={module}"), "needs a PIN"),
        ("pkcs11:token=lading-test;object=k".to_owned(), "no PKCS#11 module"),
    ];
    for (bad, expected) in cases {
        let err = t.fails(&["sign", &doc, "--key", &bad, "--out", "never.json"]);
        assert!(err.contains(expected), "{bad}: expected {expected:?} in {err}");
        assert!(!t.path().join("never.json").exists(), "{bad}: wrote output");
        if expected != "pin-value is not accepted" {
            assert!(err.contains("pkcs11:"), "{bad}: the error names the URI: {err}");
        }
    }
    // An unsupported key: RSA, made by pkcs11-tool.
    t.pkcs11_tool(&["--keypairgen", "--key-type", "rsa:2048", "--label", "rsa"]);
    let err = t.fails(&["sign", &doc, "--key", &t.uri("rsa"), "--out", "never.json"]);
    assert!(err.contains("not Ed25519, P-256 or SM2") || err.contains("EC_POINT"), "{err}");
    // SM2 cannot be generated in a standard token.
    let err = t.fails(&["key", "generate", "--alg", "sm2", "--pkcs11", &t.uri("sm2"), "--out", "sm2"]);
    assert!(err.contains("vendor"), "{err}");
    assert!(!t.path().join("sm2.pub").exists());
    // The environment's fallbacks work where the URI says nothing.
    let out = Command::new(env!("CARGO_BIN_EXE_lading"))
        .current_dir(t.path())
        .env("SOFTHSM2_CONF", &t.conf)
        .env("LADING_PKCS11_MODULE", &t.module)
        .env("LADING_PKCS11_PIN_FILE", &t.pin_file)
        .args(["sign", &doc, "--key", "pkcs11:token=lading-test;object=k", "--out", "env.json"])
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

fn maint_sample(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples/maint").join(name).to_string_lossy().into_owned()
}

/// POSTs `body` to `url` with a bearer token; returns the status and body.
fn post_json(url: &str, token: &str, body: Vec<u8>) -> (u16, String) {
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
fn a_stream_whose_key_is_in_the_token_ingests_serves_and_exports_segments_that_verify() {
    let t = Token::new();
    let uri = t.uri("stream");
    t.ok(&["key", "generate", "--alg", "ed25519", "--pkcs11", &uri, "--out", "stream"]);
    let create = |name: &str, key: &str| {
        t.run(&[
            "maint",
            "stream",
            "create",
            name,
            "--data",
            "data",
            "--key",
            key,
            "--provider",
            "Suzhou Example Cloud Operations Co., Ltd.",
            "--registration-id",
            "91320500MA1EXAMPLE",
            "--jurisdiction",
            "DE",
        ])
    };
    let (code, vkey, err) = create("s", &uri);
    assert_eq!(code, 0, "{err}");
    std::fs::write(t.path().join("vkey"), &vkey).expect("vkey");
    // The stream keeps only the URI: no key material, no PIN.
    let stored = std::fs::read_to_string(t.path().join("data/streams/s/log.key")).expect("log.key");
    assert!(stored.starts_with("pkcs11:") && !stored.contains("PRIVATE KEY") && !stored.contains(PIN), "{stored}");
    // The vkey carries the token key's public key (its SPKI's last 32 bytes).
    let spki = std::fs::read_to_string(t.path().join("stream.pub")).expect("stream.pub");
    let der: String = spki.lines().filter(|l| !l.starts_with("-----")).collect();
    let b64 = |s: &str| base64::Engine::decode(&base64::engine::general_purpose::STANDARD, s).expect("base64");
    let vkey_key = b64(vkey.trim().splitn(3, '+').nth(2).expect("vkey"));
    assert_eq!(vkey_key[1..], b64(&der)[12..], "{vkey}");

    let ingested =
        t.ok(&["--json", "maint", "ingest", "s", &maint_sample("events.jsonl"), "--data", "data", "--format", "jsonl"]);
    let ingested: Value = serde_json::from_str(&ingested).expect("json");
    assert_eq!(ingested["accepted"], 28, "{ingested}");

    // Through `lading serve`: the stream's writer signs with the token key.
    let token = t.ok(&["maint", "token", "s", "--data", "data"]).trim().to_owned();
    let server = lading_testkit::cli::Lading::new(env!("CARGO_BIN_EXE_lading"), t.path())
        .with_env("SOFTHSM2_CONF", &t.conf)
        .serve(&["--data", "data"]);
    let otlp = std::fs::read(maint_sample("otlp.jsonl")).expect("otlp sample");
    let (status, body) = post_json(&format!("{}/v1/logs", server.url), &token, otlp);
    assert_eq!(status, 200, "{body}");
    drop(server);

    let exported = t.ok(&["--json", "maint", "export", "s", "--data", "data", "--out", "seg.lading"]);
    assert!(exported.contains("\"ok\":true"), "{exported}");
    let verified: Value =
        serde_json::from_str(&t.ok(&["--json", "maint", "verify", "seg.lading", "--vkey", "vkey"])).expect("json");
    assert_eq!(verified["ok"], true, "{verified}");
    assert_eq!(verified["segment"]["event_count"], 32, "{verified}");

    // A stream key that is not Ed25519 is refused before anything is made.
    let p256 = t.uri("p256");
    t.ok(&["key", "generate", "--alg", "p256", "--pkcs11", &p256, "--out", "p256"]);
    let (code, _, err) = create("p", &p256);
    assert_ne!(code, 0);
    assert!(err.contains("Ed25519") && err.contains("pkcs11:") && !err.contains(PIN), "{err}");
    assert!(!t.path().join("data/streams/p").exists(), "a refused stream left a directory");
}

#[test]
fn a_tsa_whose_key_is_in_the_token_issues_timestamps_that_verify_against_its_certificate() {
    let t = Token::new();
    let l = lading_testkit::cli::Lading::new(env!("CARGO_BIN_EXE_lading"), t.path()).with_env("SOFTHSM2_CONF", &t.conf);
    for k in ["root", "signer"] {
        l.ok(&["key", "generate", "--alg", "p256", "--out", k]);
    }
    l.ok(&["pki", "init-ca", "--key", "root.key", "--subject", "CN=T Root,O=Lading Test", "--out", "root.pem"]);
    let issue = |subject_key: &str, subject: &str, profile: &str, out: &str| {
        let args = ["--subject-key", subject_key, "--subject", subject, "--profile", profile, "--out", out];
        l.ok(&[&["pki", "issue", "--ca-cert", "root.pem", "--ca-key", "root.key"][..], &args[..]].concat());
    };
    issue("signer.pub", "CN=Signer,O=Example Ltd", "signer", "signer.pem");
    t.new_doc();
    for alg in ["p256", "ed25519"] {
        let uri = t.uri(&format!("tsa-{alg}"));
        let public = format!("tsa-{alg}");
        l.ok(&["key", "generate", "--alg", alg, "--pkcs11", &uri, "--out", &public]);
        let cert = format!("tsa-{alg}.pem");
        issue(&format!("{public}.pub"), &format!("CN=Token TSA {alg},O=Lading Test"), "tsa", &cert);
        let server = l.serve(&["--data", &format!("dep-{alg}"), "--tsa-key", &uri, "--tsa-cert", &cert]);
        let tsa = format!("{}/v1/timestamp", server.url);
        let out = format!("b-{alg}.json");
        l.ok(&["sign", "doc.json", "--key", "signer.key", "--cert", "signer.pem", "--tsa", &tsa, "--out", &out]);
        drop(server);
        let (code, v) = l.json(&["verify-signature", &out, "--ca", "root.pem", "--tsa-ca", "root.pem"]);
        assert_eq!(code, 0, "{v}");
        let source = v["time_source"].as_str().expect("time_source");
        assert!(source.starts_with(&format!("RFC 3161 timestamp by CN=Token TSA {alg}")), "{source}");
        // A certificate for another key than the token's is refused at start, naming both.
        let err = l.fails(&["serve", "--data", "dep-x", "--tsa-key", &uri, "--tsa-cert", "signer.pem"]);
        assert!(err.contains("not --tsa-key") && err.contains("pkcs11:") && !err.contains(PIN), "{err}");
    }
}

/// SoftHSM2 never locks a user PIN (after wrong PINs it only sets
/// CKF_USER_PIN_COUNT_LOW; the right PIN still works), so a locked token
/// cannot be made here: its mapping is unit-tested in lading-pkcs11. What a
/// real token can be is initialised without a user PIN (`C_InitToken`
/// without `C_InitPIN`): every role refuses it clearly and writes nothing.
#[test]
fn a_token_whose_user_pin_was_never_set_is_refused_by_every_role_writing_nothing() {
    let t = Token::new();
    let out = Command::new("pkcs11-tool")
        .env("SOFTHSM2_CONF", &t.conf)
        .arg("--module")
        .arg(&t.module)
        .args(["--init-token", "--label", "nopin", "--so-pin", "24680", "--slot-index", "1"])
        .output()
        .expect("pkcs11-tool missing: apt-get install opensc (scripts/test installs it)");
    assert!(out.status.success(), "pkcs11-tool --init-token: {}", String::from_utf8_lossy(&out.stderr));
    let uri = t.uri("k").replace("token=lading-test", "token=nopin");
    let doc = t.new_doc();
    let cases: [(&[&str], &str); 4] = [
        (&["sign", &doc, "--key", &uri, "--out", "never.json"], "never.json"),
        (&["log", "init", "never-log", "--origin", "example.com/x", "--key", &uri], "never-log"),
        (
            &[
                "maint",
                "stream",
                "create",
                "s",
                "--data",
                "never-data",
                "--key",
                &uri,
                "--provider",
                "X",
                "--registration-id",
                "9",
            ],
            "never-data/streams/s",
        ),
        (&["key", "generate", "--alg", "ed25519", "--pkcs11", &uri, "--out", "never"], "never.pub"),
    ];
    for (args, output) in cases {
        let err = t.fails(args);
        assert!(
            err.contains("user PIN was never initialised") && err.contains("pkcs11:token=nopin"),
            "{args:?}: {err}"
        );
        assert!(!t.path().join(output).exists(), "{args:?} wrote {output}");
    }
}

/// The same on PostgreSQL (`--postgres URL --keys DIR`, needs
/// `LADING_TEST_POSTGRES`, set by `scripts/test`; skipped loudly without it,
/// failing under CI): the key directory holds only the URI.
#[test]
#[allow(clippy::print_stderr)] // a skipped test says so loudly
fn a_postgres_stream_whose_key_is_in_the_token_keeps_only_its_uri_in_the_key_directory() {
    let Ok(base) = std::env::var("LADING_TEST_POSTGRES") else {
        assert!(
            std::env::var_os("CI").is_none(),
            "LADING_TEST_POSTGRES is not set; CI must run this through scripts/test"
        );
        eprintln!("\n!!! WARNING: LADING_TEST_POSTGRES is not set; the PostgreSQL token-stream test is SKIPPED !!!\n");
        return;
    };
    let mut r = [0u8; 6];
    getrandom::fill(&mut r).expect("random");
    let db = format!("pkcs11_{}", r.iter().map(|b| format!("{b:02x}")).collect::<String>());
    tokio::runtime::Runtime::new().expect("rt").block_on(async {
        let (client, conn) = tokio_postgres::connect(&base, tokio_postgres::NoTls).await.expect("connect");
        tokio::spawn(conn);
        client.batch_execute(&format!("CREATE DATABASE {db}")).await.expect("create database");
    });
    let url = format!("{}/{db}", base.rsplit_once('/').expect("url").0);
    let t = Token::new();
    let uri = t.uri("pg-stream");
    t.ok(&["key", "generate", "--alg", "ed25519", "--pkcs11", &uri, "--out", "pg-stream"]);
    let pg = ["--postgres", url.as_str(), "--keys", "keys"];
    let create = ["maint", "stream", "create", "s", "--key", &uri, "--provider", "X Co", "--registration-id", "9132"];
    let vkey = t.ok(&[&create[..], &pg[..]].concat());
    std::fs::write(t.path().join("vkey"), &vkey).expect("vkey");
    let stored = std::fs::read_to_string(t.path().join("keys/streams/s.key")).expect("keys/streams/s.key");
    assert!(stored.starts_with("pkcs11:") && !stored.contains("PRIVATE KEY") && !stored.contains(PIN), "{stored}");
    let events = maint_sample("events.jsonl");
    t.ok(&[&["maint", "ingest", "s", &events, "--format", "jsonl"][..], &pg[..]].concat());
    let token = t.ok(&[&["maint", "token", "s"][..], &pg[..]].concat()).trim().to_owned();
    let server = lading_testkit::cli::Lading::new(env!("CARGO_BIN_EXE_lading"), t.path())
        .with_env("SOFTHSM2_CONF", &t.conf)
        .serve(&pg);
    let (status, body) =
        post_json(&format!("{}/v1/logs", server.url), &token, std::fs::read(maint_sample("otlp.jsonl")).expect("otlp"));
    assert_eq!(status, 200, "{body}");
    drop(server);
    t.ok(&[&["maint", "export", "s", "--out", "pg.lading"][..], &pg[..]].concat());
    let verified: Value =
        serde_json::from_str(&t.ok(&["--json", "maint", "verify", "pg.lading", "--vkey", "vkey"])).expect("json");
    assert_eq!(verified["ok"], true, "{verified}");
    assert_eq!(verified["segment"]["event_count"], 32, "{verified}");
}
