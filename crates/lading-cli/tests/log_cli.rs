//! `lading log …`: the CLI contract of the transparency log, witness
//! policies, and what happens with bad input and damaged logs.

use std::path::{Path, PathBuf};
use std::process::Command;

use lading_tlog::{KeyKind, Note, NoteSigner, Receipt};

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn lading(dir: &Path, args: &[&str]) -> Run {
    let (code, stdout, stderr) = lading_testkit::cli::Lading::new(env!("CARGO_BIN_EXE_lading"), dir).run(args);
    Run { code, stdout, stderr }
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let r = lading(dir, args);
    assert_eq!(r.code, 0, "lading {args:?}: {}", r.stderr);
    r.stdout
}

fn fails(dir: &Path, args: &[&str], needle: &str) {
    let r = lading(dir, args);
    assert_eq!(r.code, 1, "lading {args:?} should fail: {}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains(needle), "lading {args:?}: expected {needle:?} in {:?}", r.stderr);
}

/// A log with entries "e0".."e9" in `log/`; returns (tempdir, vkey).
fn setup() -> (tempfile::TempDir, String) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let d = tmp.path();
    ok(d, &["key", "generate", "--out", "k"]);
    let vkey = ok(d, &["log", "init", "log", "--origin", "cli.lading.example/log", "--key", "k.key"]).trim().to_owned();
    for i in 0..10 {
        std::fs::write(d.join(format!("e{i}")), format!("entry {i}")).expect("write");
    }
    let files: Vec<String> = (0..10).map(|i| format!("e{i}")).collect();
    let mut args = vec!["log", "append", "log"];
    args.extend(files.iter().map(String::as_str));
    assert_eq!(ok(d, &args).lines().collect::<Vec<_>>(), (0..10).map(|i| i.to_string()).collect::<Vec<_>>());
    (tmp, vkey)
}

#[test]
fn init_append_prove_verify() {
    let (tmp, vkey) = setup();
    let d = tmp.path();
    assert!(vkey.starts_with("cli.lading.example/log+"));
    // Appending the same content again returns the existing index.
    assert!(ok(d, &["log", "append", "log", "e3"]).starts_with("3 (duplicate"));
    let json = ok(d, &["--json", "log", "append", "log", "e3"]);
    assert!(json.contains("\"duplicate\":true"), "{json}");
    let cp = ok(d, &["log", "checkpoint", "log"]);
    assert!(cp.starts_with("cli.lading.example/log\n10\n"), "{cp}");
    assert_eq!(std::fs::read_to_string(d.join("log/checkpoint")).expect("static checkpoint"), cp);
    ok(d, &["log", "prove", "log", "--index", "7", "--out", "r7"]);
    assert!(ok(d, &["log", "verify-proof", "r7", "--entry", "e7", "--vkey", "log/log.vkey"]).starts_with("OK"));
    ok(d, &["log", "verify-proof", "r7", "--entry", "e7", "--vkey", &vkey]);
    assert_eq!(ok(d, &["log", "get", "log", "--index", "7"]), "entry 7");
    fails(d, &["log", "verify-proof", "r7", "--entry", "e6", "--vkey", &vkey], "inclusion");
    fails(d, &["log", "prove", "log", "--index", "10"], "not below the log size 10");
}

#[test]
fn consistency_between_checkpoints() {
    let (tmp, vkey) = setup();
    let d = tmp.path();
    std::fs::write(d.join("old.cp"), ok(d, &["log", "checkpoint", "log"])).expect("write");
    let lines: String = (100..400).map(|i| format!("line {i}\n")).collect();
    let mut child = Command::new(env!("CARGO_BIN_EXE_lading"))
        .current_dir(d)
        .args(["log", "append", "log", "--lines"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("spawn");
    std::io::Write::write_all(&mut child.stdin.take().expect("stdin"), lines.as_bytes()).expect("write");
    assert!(child.wait().expect("wait").success());
    std::fs::write(d.join("new.cp"), ok(d, &["log", "checkpoint", "log"])).expect("write");
    let proof = ok(d, &["log", "consistency", "log", "--from", "10"]);
    std::fs::write(d.join("proof"), &proof).expect("write");
    ok(d, &["log", "verify-consistency", "--old", "old.cp", "--new", "new.cp", "--proof", "proof", "--vkey", &vkey]);
    // A changed hash, swapped checkpoints, or a foreign key all fail.
    let mut bad = proof.clone();
    bad.replace_range(0..1, if proof.starts_with('A') { "B" } else { "A" });
    std::fs::write(d.join("bad-proof"), bad).expect("write");
    fails(
        d,
        &["log", "verify-consistency", "--old", "old.cp", "--new", "new.cp", "--proof", "bad-proof", "--vkey", &vkey],
        "proof",
    );
    fails(
        d,
        &["log", "verify-consistency", "--old", "new.cp", "--new", "old.cp", "--proof", "proof", "--vkey", &vkey],
        "cannot prove",
    );
    ok(d, &["key", "generate", "--out", "other"]);
    ok(d, &["log", "init", "other-log", "--origin", "cli.lading.example/log", "--key", "other.key"]);
    fails(
        d,
        &[
            "log",
            "verify-consistency",
            "--old",
            "old.cp",
            "--new",
            "new.cp",
            "--proof",
            "proof",
            "--vkey",
            "other-log/log.vkey",
        ],
        "no signature from a known key",
    );
    std::fs::write(d.join("garbage.cp"), "cli.lading.example/log\nten\nxx\n\n— x y\n").expect("write");
    fails(
        d,
        &["log", "verify-consistency", "--old", "garbage.cp", "--new", "new.cp", "--proof", "proof", "--vkey", &vkey],
        "garbage.cp",
    );
    std::fs::write(d.join("bad-b64"), "not base64!\n").expect("write");
    fails(
        d,
        &["log", "verify-consistency", "--old", "old.cp", "--new", "new.cp", "--proof", "bad-b64", "--vkey", &vkey],
        "bad-b64 line 1",
    );
}

#[test]
fn witness_policy_quorum() {
    let (tmp, vkey) = setup();
    let d = tmp.path();
    ok(d, &["log", "prove", "log", "--index", "2", "--out", "r2"]);
    let receipt = Receipt::parse(&std::fs::read_to_string(d.join("r2")).expect("read")).expect("receipt");
    let witness =
        |seed: u8, name: &str| NoteSigner::new(name, KeyKind::Cosignature, ed25519_key(seed)).expect("witness");
    let (w1, w2, w3) =
        (witness(1, "w1.example/witness"), witness(2, "w2.example/witness"), witness(3, "w3.example/witness"));
    let policy = format!(
        "# two of three witnesses\nlog {vkey}\nwitness a {}\nwitness b {}\nwitness c {}\ngroup g 2 a b c\nquorum g\n",
        w1.verifier().to_vkey(),
        w2.verifier().to_vkey(),
        w3.verifier().to_vkey()
    );
    std::fs::write(d.join("policy"), policy).expect("write");
    let cosigned = |signers: &[&NoteSigner], name: &str| -> PathBuf {
        let mut note = Note::parse(receipt.checkpoint.as_bytes()).expect("note");
        for s in signers {
            note.signatures.push(s.cosign(&note.text, 1_790_000_000).expect("cosign"));
        }
        let r = Receipt { checkpoint: note.to_text(), ..receipt.clone() };
        std::fs::write(d.join(name), r.to_text()).expect("write");
        d.join(name)
    };
    cosigned(&[&w1], "one");
    cosigned(&[&w1, &w3], "two");
    fails(d, &["log", "verify-proof", "one", "--entry", "e2", "--vkey", &vkey, "--policy", "policy"], "quorum not met");
    let out = ok(d, &["log", "verify-proof", "two", "--entry", "e2", "--vkey", &vkey, "--policy", "policy"]);
    assert!(out.contains("w1.example/witness") && out.contains("w3.example/witness"), "{out}");
    // A forged cosignature from a known witness rejects the receipt.
    let mut note = Note::parse(receipt.checkpoint.as_bytes()).expect("note");
    let mut forged = w2.cosign(&note.text, 1_790_000_000).expect("cosign");
    forged.signature[20] ^= 1;
    note.signatures.extend([w1.cosign(&note.text, 1).expect("cosign"), forged]);
    std::fs::write(d.join("forged"), Receipt { checkpoint: note.to_text(), ..receipt.clone() }.to_text())
        .expect("write");
    fails(
        d,
        &["log", "verify-proof", "forged", "--entry", "e2", "--vkey", &vkey, "--policy", "policy"],
        "does not verify",
    );
    // Malformed policies name their line.
    std::fs::write(d.join("bad-policy"), format!("log {vkey}\ngroup g 2 a b\nquorum g\n")).expect("write");
    fails(
        d,
        &["log", "verify-proof", "two", "--entry", "e2", "--vkey", &vkey, "--policy", "bad-policy"],
        "policy line 2",
    );
    std::fs::write(d.join("no-quorum"), format!("log {vkey}\n")).expect("write");
    fails(d, &["log", "verify-proof", "two", "--entry", "e2", "--vkey", &vkey, "--policy", "no-quorum"], "no quorum");
}

fn ed25519_key(seed: u8) -> ed25519_dalek::SigningKey {
    let lading_crypto::SigningKey::Ed25519(k) =
        lading_crypto::SigningKey::from_pkcs8_pem(&test_pem(seed)).expect("pem")
    else {
        panic!("ed25519")
    };
    k
}

/// An Ed25519 PKCS#8 PEM with a fixed seed (RFC 8410 layout).
fn test_pem(seed: u8) -> String {
    use base64::Engine as _;
    let mut der = vec![0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20];
    der.extend([seed; 32]);
    format!(
        "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n",
        base64::engine::general_purpose::STANDARD.encode(der)
    )
}

#[test]
fn bad_receipts_and_keys_are_clear_errors() {
    let (tmp, vkey) = setup();
    let d = tmp.path();
    ok(d, &["log", "prove", "log", "--index", "1", "--out", "r1"]);
    let good = std::fs::read_to_string(d.join("r1")).expect("read");
    let cases = [
        ("garbage", "hello\n".to_owned(), "malformed tlog-proof receipt, line 1"),
        ("leading-zero", good.replacen("index 1", "index 01", 1), "leading zeroes"),
        ("bad-hash", good.replacen("\n\n", "\nnot-base64\n\n", 1), "line 7: not a SHA-256 hash"),
        ("truncated", good[..good.len() / 2].to_owned(), "receipt"),
        ("no-checkpoint", "c2sp.org/tlog-proof@v1\nindex 1\n".to_owned(), "blank line"),
    ];
    for (name, text, needle) in cases {
        std::fs::write(d.join(name), text).expect("write");
        fails(d, &["log", "verify-proof", name, "--entry", "e1", "--vkey", &vkey], needle);
    }
    fails(d, &["log", "verify-proof", "r1", "--entry", "e1", "--vkey", "not-a-vkey"], "--vkey");
    // A log key must be Ed25519; an origin must be a valid key name; a log dir must be new.
    ok(d, &["key", "generate", "--alg", "p256", "--out", "p"]);
    fails(d, &["log", "init", "l2", "--origin", "x.example/log", "--key", "p.key"], "must be Ed25519");
    fails(d, &["log", "init", "l3", "--origin", "has space", "--key", "k.key"], "origin");
    fails(d, &["log", "init", "log", "--origin", "x.example/log", "--key", "k.key"], "not empty");
    fails(d, &["log", "append", "e1", "e2"], "not a log directory");
    std::fs::write(d.join("big"), vec![b'x'; 70_000]).expect("write");
    fails(d, &["log", "append", "log", "big"], "65,535");
}

#[test]
fn damaged_logs_are_reported() {
    let (tmp, _) = setup();
    let d = tmp.path();
    let lines: String = (0..600).map(|i| format!("more {i}\n")).collect();
    let mut child = Command::new(env!("CARGO_BIN_EXE_lading"))
        .current_dir(d)
        .args(["log", "append", "log", "--lines"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("spawn");
    std::io::Write::write_all(&mut child.stdin.take().expect("stdin"), lines.as_bytes()).expect("write");
    assert!(child.wait().expect("wait").success());
    // A flipped bit in a full tile: proofs through it fail, loudly.
    let tile = d.join("log/tile/0/000");
    let mut bytes = std::fs::read(&tile).expect("tile");
    bytes[40] ^= 0x10;
    std::fs::write(&tile, bytes).expect("write");
    fails(d, &["log", "prove", "log", "--index", "5"], "damaged");
    // A wrong key in the log directory is refused before anything is signed.
    ok(d, &["key", "generate", "--out", "intruder"]);
    std::fs::copy(d.join("intruder.key"), d.join("log/log.key")).expect("copy");
    fails(d, &["log", "append", "log", "e1"], "does not verify with this log's key");
    // A truncated database.
    let db = d.join("log/log.db");
    let len = std::fs::metadata(&db).expect("meta").len();
    std::fs::OpenOptions::new().write(true).open(&db).expect("open").set_len(len / 3).expect("truncate");
    let _ = std::fs::remove_file(d.join("log/log.db-wal"));
    fails(d, &["log", "checkpoint", "log"], "log.db");
}

/// Every file under `dir` (mode, path) that another local user could read,
/// and every directory they could enter; `public` names files meant to be
/// handed out.
fn readable_by_others(dir: &Path, public: &[&str]) -> Vec<String> {
    use std::os::unix::fs::PermissionsExt as _;
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(here) = stack.pop() {
        let mode = std::fs::metadata(&here).expect("stat").permissions().mode() & 0o777;
        if here.is_dir() {
            if mode != 0o700 {
                found.push(format!("{mode:o} {}", here.display()));
            }
            stack.extend(std::fs::read_dir(&here).expect("read_dir").map(|e| e.expect("entry").path()));
        } else if mode != 0o600 && !public.iter().any(|p| here.ends_with(p)) {
            found.push(format!("{mode:o} {}", here.display()));
        }
    }
    found
}

#[test]
fn log_and_stream_files_are_private_to_their_owner() {
    // Issue 24: stream and log files are created 0600 in 0700 directories
    // (the verifier key is public), whatever the umask lets through.
    let (tmp, _) = setup();
    let d = tmp.path();
    assert_eq!(readable_by_others(&d.join("log"), &["log.vkey"]), Vec::<String>::new());
    ok(
        d,
        &[
            "maint",
            "stream",
            "create",
            "s",
            "--data",
            "data",
            "--key",
            "k.key",
            "--provider",
            "P",
            "--registration-id",
            "R-1",
        ],
    );
    let line =
        std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../samples/maint/events.jsonl"))
            .expect("sample");
    std::fs::write(d.join("e.jsonl"), line.lines().next().expect("line")).expect("write");
    ok(d, &["maint", "ingest", "s", "e.jsonl", "--data", "data", "--format", "jsonl"]);
    assert_eq!(readable_by_others(&d.join("data"), &["log.vkey"]), Vec::<String>::new());
}
