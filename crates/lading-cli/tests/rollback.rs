//! Issue 24, item 5: no silent rollback or fork. A log keeps the latest
//! checkpoint it signed beside its database (`checkpoint.signed`); opened
//! over a state smaller than that checkpoint (a lost write-ahead log, a
//! restored backup) or inconsistent with it (a fork), it refuses to sign
//! anything and says how to recover — and a restore that does extend the
//! signed checkpoint opens and proves it with `log verify-consistency`.

use std::path::Path;

use lading_testkit::cli::Lading;

fn lading(d: &Path) -> Lading {
    Lading::new(env!("CARGO_BIN_EXE_lading"), d)
}

/// A log in `d/name` signed by `d/key.key`, with `entries` appended one by one.
fn log_with(d: &Path, name: &str, entries: &[&str]) {
    let l = lading(d);
    if !d.join("key.key").exists() {
        l.ok(&["key", "generate", "--out", "key"]);
    }
    l.ok(&["log", "init", name, "--origin", "example.test/rollback", "--key", "key.key"]);
    for e in entries {
        std::fs::write(d.join(e), e.as_bytes()).expect("entry");
        l.ok(&["log", "append", name, e]);
    }
}

/// Copies the database files of log `from` over those of log `to`, as a
/// restore from backup does (the signed-checkpoint file of `to` stays).
fn restore_db(d: &Path, from: &str, to: &str) {
    for suffix in ["", "-wal", "-shm"] {
        let src = d.join(from).join(format!("log.db{suffix}"));
        let dst = d.join(to).join(format!("log.db{suffix}"));
        let _ = std::fs::remove_file(&dst);
        if src.exists() {
            std::fs::copy(&src, &dst).expect("copy");
        }
    }
    // The leaf index is derived data; a restore brings its own or none.
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(d.join(to).join(format!("index.db{suffix}")));
    }
}

fn size(d: &Path, log: &str) -> u64 {
    let out = lading(d).ok(&["--json", "log", "checkpoint", log]);
    serde_json::from_str::<serde_json::Value>(&out).expect("json")["size"].as_u64().expect("size")
}

#[test]
fn a_log_restored_from_an_older_backup_refuses_to_sign_and_says_how_to_recover() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let d = tmp.path();
    log_with(d, "log", &["a", "b"]);
    // A backup of the database at size 2.
    std::fs::create_dir(d.join("backup")).expect("mkdir");
    restore_db(d, "log", "backup");
    std::fs::write(d.join("c"), "c").expect("entry");
    lading(d).ok(&["log", "append", "log", "c"]);
    assert_eq!(size(d, "log"), 3);
    let db_before = std::fs::read(d.join("log/log.db")).ok();
    // The backup restored over the live log: size 2, but 3 was signed.
    restore_db(d, "backup", "log");
    let restored = std::fs::read(d.join("log/log.db")).expect("db");
    std::fs::write(d.join("d"), "d").expect("entry");
    let err = lading(d).fails(&["log", "append", "log", "d"]);
    assert!(err.contains("rolled back") && err.contains("size 3") && err.contains("size 2"), "{err}");
    assert!(err.contains("restore") && err.contains("new log"), "the error says how to recover: {err}");
    // Nothing was signed or written over the restored state.
    assert_eq!(std::fs::read(d.join("log/log.db")).expect("db"), restored);
    assert_ne!(Some(restored), db_before);
    let err = lading(d).fails(&["log", "checkpoint", "log"]);
    assert!(err.contains("rolled back"), "{err}");
}

#[test]
fn a_deleted_database_is_not_silently_recreated_empty() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let d = tmp.path();
    log_with(d, "log", &["a"]);
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(d.join(format!("log/log.db{suffix}")));
    }
    let err = lading(d).fails(&["log", "checkpoint", "log"]);
    assert!(err.contains("rolled back") && err.contains("size 1") && err.contains("size 0"), "{err}");
}

#[test]
fn a_forked_state_of_the_same_or_a_larger_size_is_refused() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let d = tmp.path();
    // Two histories under one key: "a" and then "b", "c".
    log_with(d, "one", &["a"]);
    log_with(d, "two", &["b"]);
    // Same size, another root.
    std::fs::copy(d.join("one/checkpoint.signed"), d.join("two/checkpoint.signed")).expect("copy mark");
    let err = lading(d).fails(&["log", "checkpoint", "two"]);
    assert!(err.contains("fork"), "{err}");
    // A larger tree that does not extend the signed one.
    log_with(d, "three", &["b", "c"]);
    std::fs::copy(d.join("one/checkpoint.signed"), d.join("three/checkpoint.signed")).expect("copy mark");
    let err = lading(d).fails(&["log", "checkpoint", "three"]);
    assert!(err.contains("fork"), "{err}");
}

#[test]
fn a_restore_that_extends_the_signed_checkpoint_opens_and_proves_it() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let d = tmp.path();
    log_with(d, "log", &["a", "b"]);
    let signed = std::fs::read_to_string(d.join("log/checkpoint.signed")).expect("mark");
    std::fs::write(d.join("old.checkpoint"), &signed).expect("write");
    std::fs::write(d.join("c"), "c").expect("entry");
    lading(d).ok(&["log", "append", "log", "c"]);
    assert_eq!(size(d, "log"), 3);
    // The operator's check: the current checkpoint extends the signed one.
    let proof = lading(d).ok(&["log", "consistency", "log", "--from", "2", "--to", "3"]);
    std::fs::write(d.join("proof"), proof).expect("write");
    let current = lading(d).ok(&["log", "checkpoint", "log"]);
    std::fs::write(d.join("new.checkpoint"), current).expect("write");
    let vkey = std::fs::read_to_string(d.join("log/log.vkey")).expect("vkey");
    lading(d).ok(&[
        "log",
        "verify-consistency",
        "--old",
        "old.checkpoint",
        "--new",
        "new.checkpoint",
        "--proof",
        "proof",
        "--vkey",
        vkey.trim(),
    ]);
}
