//! Crash safety of the embedded log: `lading log append --lines` is killed
//! with SIGKILL at arbitrary moments while it streams entries; after each
//! restart no acknowledged entry is lost and every checkpoint seen is
//! consistent with the final one.

use std::collections::BTreeMap;
use std::io::{BufRead as _, BufReader, Write as _};
use std::process::{Command, Stdio};
use std::time::Duration;

use lading_log::{BatchConfig, Log};
use lading_store_sqlite::SqliteStore;
use lading_tlog::{KeyKind, NoteSigner, SignedCheckpoint, verify_consistency};

fn lading() -> Command {
    Command::new(env!("CARGO_BIN_EXE_lading"))
}

fn run_ok(args: &[&str]) -> String {
    let out = lading().args(args).output().expect("run lading");
    assert!(out.status.success(), "lading {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("utf8")
}

#[test]
fn acknowledged_appends_survive_kill_9_at_random_moments() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("log");
    let key = tmp.path().join("k");
    run_ok(&["key", "generate", "--out", key.to_str().expect("path")]);
    let vkey = run_ok(&[
        "log",
        "init",
        dir.to_str().expect("path"),
        "--origin",
        "crash.lading.example/log",
        "--key",
        &format!("{}.key", key.display()),
    ]);

    let mut acked: BTreeMap<u64, Vec<u8>> = BTreeMap::new();
    let mut checkpoints: Vec<String> = Vec::new();
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    for round in 0..10u64 {
        let mut child = lading()
            .args(["log", "append", dir.to_str().expect("path"), "--lines", "--batch", "300", "--max-wait-ms", "1"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn append");
        let mut stdin = child.stdin.take().expect("stdin");
        let writer = std::thread::spawn(move || {
            for i in 0..2_000_000u64 {
                if writeln!(stdin, "round {round} entry {i}").is_err() {
                    return; // the child died
                }
            }
        });
        let stdout = child.stdout.take().expect("stdout");
        let reader = std::thread::spawn(move || {
            let mut got = Vec::new();
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                got.push(line);
            }
            got
        });
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        std::thread::sleep(Duration::from_millis(150 + seed % 600));
        child.kill().expect("SIGKILL");
        child.wait().expect("wait");
        let lines = reader.join().expect("reader");
        writer.join().expect("writer");
        for (i, line) in lines.iter().enumerate() {
            let index: u64 = line
                .split_whitespace()
                .next()
                .and_then(|t| t.parse().ok())
                .unwrap_or_else(|| panic!("bad ack {line:?}"));
            let entry = format!("round {round} entry {i}").into_bytes();
            if let Some(previous) = acked.insert(index, entry.clone()) {
                panic!("index {index} acknowledged twice: {previous:?} and {entry:?}");
            }
        }
        // Reopening after the kill works and yields a checkpoint.
        checkpoints.push(run_ok(&["log", "checkpoint", dir.to_str().expect("path")]));
    }
    assert!(acked.len() > 1000, "too few entries were acknowledged ({}) for the test to mean anything", acked.len());

    let verifier = lading_tlog::NoteVerifier::from_vkey(vkey.trim()).expect("vkey");
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let store = SqliteStore::open(&dir).expect("store");
        let pem = std::fs::read_to_string(dir.join("log.key")).expect("key");
        let lading_crypto::SigningKey::Ed25519(k) = lading_crypto::SigningKey::from_pkcs8_pem(&pem).expect("key")
        else {
            panic!("not ed25519")
        };
        let signer = NoteSigner::new("crash.lading.example/log", KeyKind::Ed25519, k).expect("signer");
        let log = Log::open(store, signer, BatchConfig::default()).await.expect("open");
        for (index, entry) in &acked {
            assert_eq!(&log.entry(*index).await.expect("acknowledged entry"), entry, "entry {index}");
        }
        let (_, final_text) = log.checkpoint();
        let last = SignedCheckpoint::verify(final_text.as_bytes(), &verifier, &[]).expect("final").checkpoint;
        let mut previous_size = 0;
        for text in &checkpoints {
            let cp = SignedCheckpoint::verify(text.as_bytes(), &verifier, &[]).expect("checkpoint").checkpoint;
            assert!(cp.size >= previous_size, "the log shrank from {previous_size} to {}", cp.size);
            previous_size = cp.size;
            if cp.size > 0 {
                let proof = log.consistency(cp.size, last.size).await.expect("proof");
                verify_consistency(cp.size, last.size, &proof, &cp.root, &last.root).expect("consistent");
            }
        }
        assert!(last.size > *acked.keys().last().expect("acked"));
        log.shutdown().await;
    });
}
