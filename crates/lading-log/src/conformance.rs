//! The conformance suite every [`LogStore`] backend runs.
//!
//! A backend's tests implement [`Harness`] (how to make a fresh store, how
//! to open one again as after a restart, and how to name its location to a
//! child process) and call [`run_all`], or the checks one by one. Each check
//! panics with a message on failure.
//!
//! Crash consistency is checked with real processes: the backend's test
//! binary must also contain a test named [`CHILD_TEST`] that calls
//! [`crash_child`]; [`crash_at_random_moments_loses_nothing_acknowledged`]
//! runs that test as a child appending in a loop and kills it with SIGKILL
//! at random moments.

// A test suite asserts by panicking.
#![allow(clippy::unwrap_used, clippy::missing_panics_doc)]

use std::future::Future;

use ed25519_dalek::SigningKey;
use lading_tlog::{Checkpoint, Hash, KeyKind, NoteSigner, Policy, SignedCheckpoint, leaf_hash, verify_consistency};

use crate::log::{BatchConfig, Log, LogError};
use crate::store::{Batch, LogStore, StoreError};

/// How the suite makes and reopens stores of one backend.
pub trait Harness: Send + Sync {
    /// The backend.
    type Store: LogStore;
    /// Where a store lives (a directory, a database schema…).
    type Location: Clone + Send + Sync;
    /// A new, empty location.
    fn fresh(&self) -> Self::Location;
    /// Opens the store at `at` (again, as a restarted process would).
    fn open(&self, at: &Self::Location) -> impl Future<Output = Self::Store> + Send;
    /// `at` as a string a child process can take back with [`Harness::location_from_arg`].
    fn location_to_arg(&self, at: &Self::Location) -> String;
    /// The location named by [`Harness::location_to_arg`].
    fn location_from_arg(&self, arg: &str) -> Self::Location;
}

/// The name of the test in the backend's test binary that calls [`crash_child`].
pub const CHILD_TEST: &str = "conformance_crash_child";
/// Set for the child process: the location of the log to append to.
pub const CHILD_ENV: &str = "LADING_CONFORMANCE_CHILD";

/// The origin of the suite's logs.
pub const ORIGIN: &str = "conformance.lading.example/log";

/// The suite's log key (fixed, so failures reproduce).
pub fn signer() -> NoteSigner {
    NoteSigner::new(ORIGIN, KeyKind::Ed25519, SigningKey::from_bytes(&[42; 32])).unwrap()
}

fn config() -> BatchConfig {
    BatchConfig { max_batch: 1000, max_wait: std::time::Duration::from_millis(2) }
}

async fn open<H: Harness>(h: &H, at: &H::Location) -> Log<H::Store> {
    Log::open(h.open(at).await, signer(), config()).await.unwrap()
}

fn entry(i: u64) -> Vec<u8> {
    format!("conformance entry {i}").into_bytes()
}

fn checkpoint_of<S: LogStore>(log: &Log<S>) -> Checkpoint {
    let (_, text) = log.checkpoint();
    SignedCheckpoint::verify(text.as_bytes(), signer().verifier(), &[]).unwrap().checkpoint
}

/// Runs every check.
pub async fn run_all<H: Harness>(h: &H) {
    new_log_has_a_signed_empty_checkpoint(h).await;
    appends_get_consecutive_indices_and_verifiable_receipts(h).await;
    identical_entries_are_deduplicated(h).await;
    a_log_appending_all_keeps_repeats(h).await;
    reopened_log_continues_consistently(h).await;
    committed_batches_survive_a_restart(h).await;
    conflicting_state_update_is_refused(h).await;
    another_key_is_refused(h).await;
    oversized_entries_are_refused(h).await;
    crash_at_random_moments_loses_nothing_acknowledged(h).await;
}

/// The child side of the crash check: when [`CHILD_ENV`] is set, appends
/// batches forever, printing `ack INDEX HEX-ENTRY` for each entry once its
/// batch is durable. Does nothing otherwise.
pub async fn crash_child<H: Harness>(h: &H) {
    use std::io::Write as _;
    let Ok(arg) = std::env::var(CHILD_ENV) else { return };
    let log = open(h, &h.location_from_arg(&arg)).await;
    let pid = std::process::id();
    let mut out = std::io::stdout();
    for n in 0u64.. {
        let entries: Vec<Vec<u8>> = (0..50).map(|i| format!("crash {pid} {n} {i}").into_bytes()).collect();
        let appended = log.append_many(entries.clone()).await.unwrap();
        let mut text = String::new();
        for (e, a) in entries.iter().zip(appended) {
            text.push_str(&format!("ack {} {}\n", a.index, e.iter().map(|b| format!("{b:02x}")).collect::<String>()));
        }
        out.write_all(text.as_bytes()).unwrap();
        out.flush().unwrap();
    }
}

/// Kills a child appending in a loop with SIGKILL at random moments, six
/// times; after each restart, no acknowledged entry is lost and every
/// checkpoint is consistent with the final one.
pub async fn crash_at_random_moments_loses_nothing_acknowledged<H: Harness>(h: &H) {
    use std::io::BufRead as _;
    let at = h.fresh();
    open(h, &at).await.shutdown().await;
    let mut acked: Vec<(u64, Vec<u8>)> = Vec::new();
    let mut seen: Vec<Checkpoint> = Vec::new();
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    for _ in 0..6 {
        let mut child = std::process::Command::new(std::env::current_exe().unwrap())
            .args(["--exact", CHILD_TEST, "--nocapture", "--test-threads=1"])
            .env(CHILD_ENV, h.location_to_arg(&at))
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let reader = std::thread::spawn(move || {
            std::io::BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
                .filter(|l| l.starts_with("ack "))
                .collect::<Vec<_>>()
        });
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        tokio::time::sleep(std::time::Duration::from_millis(200 + seed % 500)).await;
        child.kill().unwrap();
        child.wait().unwrap();
        for line in reader.join().unwrap() {
            let mut parts = line.split(' ').skip(1);
            let (Some(index), Some(hex)) = (parts.next(), parts.next()) else { continue };
            let Ok(index) = index.parse::<u64>() else { continue };
            let bytes: Option<Vec<u8>> =
                (0..hex.len() / 2).map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok()).collect();
            if let Some(bytes) = bytes {
                acked.push((index, bytes));
            }
        }
        let log = open(h, &at).await;
        seen.push(checkpoint_of(&log));
        log.shutdown().await;
    }
    assert!(acked.len() >= 50, "the child acknowledged only {} entries", acked.len());
    let log = open(h, &at).await;
    for (index, entry) in &acked {
        assert_eq!(&log.entry(*index).await.unwrap(), entry, "acknowledged entry {index} lost or changed");
    }
    let last = checkpoint_of(&log);
    for old in seen.iter().filter(|c| c.size > 0) {
        let proof = log.consistency(old.size, last.size).await.unwrap();
        verify_consistency(old.size, last.size, &proof, &old.root, &last.root).unwrap();
    }
}

/// A new log has a signed checkpoint of size 0 with the empty root.
pub async fn new_log_has_a_signed_empty_checkpoint<H: Harness>(h: &H) {
    let at = h.fresh();
    let log = open(h, &at).await;
    let cp = checkpoint_of(&log);
    assert_eq!((cp.origin.as_str(), cp.size, cp.root), (ORIGIN, 0, Hash::empty()));
    assert!(matches!(log.prove(0).await, Err(LogError::OutOfRange(_))));
}

/// Concurrent appends of uneven sizes across tile boundaries get every index
/// exactly once, and receipts and entries read back verify.
pub async fn appends_get_consecutive_indices_and_verifiable_receipts<H: Harness>(h: &H) {
    let at = h.fresh();
    let log = open(h, &at).await;
    let total: u64 = 66_000;
    let mut tasks = Vec::new();
    let mut start = 0u64;
    let mut step = 1u64;
    while start < total {
        let end = (start + step).min(total);
        let log = log.clone();
        tasks.push(tokio::spawn(
            async move { (start, log.append_many((start..end).map(entry).collect()).await.unwrap()) },
        ));
        start = end;
        step = step * 7 % 3001 + 1;
    }
    let mut seen = vec![false; total as usize];
    for t in tasks {
        let (_, results) = t.await.unwrap();
        for r in results {
            assert!(!r.duplicate);
            assert!(!seen[r.index as usize], "index {} assigned twice", r.index);
            seen[r.index as usize] = true;
        }
    }
    assert!(seen.iter().all(|s| *s), "indices are not exactly 0..{total}");
    let cp = checkpoint_of(&log);
    assert_eq!(cp.size, total);
    let policy = Policy::single_log(signer().verifier().clone());
    for index in [0, 1, 255, 256, 65_535, 65_536, total - 1] {
        let stored = log.entry(index).await.unwrap();
        let receipt = log.prove(index).await.unwrap();
        let parsed = lading_tlog::Receipt::parse(&receipt.to_text()).unwrap();
        parsed.verify(&leaf_hash(&stored), &policy).unwrap();
        assert!(parsed.verify(&leaf_hash(b"not logged"), &policy).is_err());
    }
}

/// Re-submitting an entry returns its existing index, in one request, across
/// requests and after a restart.
pub async fn identical_entries_are_deduplicated<H: Harness>(h: &H) {
    let at = h.fresh();
    let log = open(h, &at).await;
    let r = log.append_many(vec![b"a".to_vec(), b"b".to_vec(), b"a".to_vec()]).await.unwrap();
    assert_eq!((r[0].index, r[1].index, r[2].index), (0, 1, 0));
    assert_eq!((r[0].duplicate, r[2].duplicate), (false, true));
    let again = log.append(b"b".to_vec()).await.unwrap();
    assert_eq!((again.index, again.duplicate), (1, true));
    assert_eq!(checkpoint_of(&log).size, 2);
    log.shutdown().await;
    let log = open(h, &at).await;
    let after = log.append_many(vec![b"a".to_vec(), b"c".to_vec()]).await.unwrap();
    assert_eq!((after[0].index, after[0].duplicate, after[1].index), (0, true, 2));
}

/// A log opened with `open_appending_all` appends repeats as new entries,
/// and a log opened normally afterwards goes on from it consistently.
pub async fn a_log_appending_all_keeps_repeats<H: Harness>(h: &H) {
    let at = h.fresh();
    let log = Log::open_appending_all(h.open(&at).await, signer(), config()).await.unwrap();
    let r = log.append_many(vec![b"a".to_vec(), b"b".to_vec(), b"a".to_vec()]).await.unwrap();
    assert_eq!((r[0].index, r[1].index, r[2].index), (0, 1, 2));
    assert!(r.iter().all(|a| !a.duplicate));
    assert_eq!(log.append(b"b".to_vec()).await.unwrap().index, 3);
    let first = checkpoint_of(&log);
    assert_eq!(first.size, 4);
    assert_eq!(log.entries(0, 4).await.unwrap(), [&b"a"[..], b"b", b"a", b"b"]);
    log.shutdown().await;
    let log = open(h, &at).await;
    let next = log.append(b"c".to_vec()).await.unwrap();
    assert_eq!((next.index, next.duplicate), (4, false));
    let proof = log.consistency(4, 5).await.unwrap();
    verify_consistency(4, 5, &proof, &first.root, &checkpoint_of(&log).root).unwrap();
}

/// After a restart the log goes on, and every later checkpoint is consistent
/// with every earlier one.
pub async fn reopened_log_continues_consistently<H: Harness>(h: &H) {
    let at = h.fresh();
    let mut seen: Vec<Checkpoint> = Vec::new();
    let mut next = 0u64;
    for round in 0..4u64 {
        let log = open(h, &at).await;
        for _ in 0..3 {
            let n = 100 + round * 97;
            log.append_many((next..next + n).map(entry).collect()).await.unwrap();
            next += n;
            seen.push(checkpoint_of(&log));
        }
        log.shutdown().await;
    }
    let log = open(h, &at).await;
    let last = checkpoint_of(&log);
    assert_eq!(last.size, next);
    for old in &seen {
        let proof = log.consistency(old.size, last.size).await.unwrap();
        verify_consistency(old.size, last.size, &proof, &old.root, &last.root).unwrap();
    }
}

/// Entries and proofs survive a restart right after the batch committed
/// (backends that write tiles lazily must restore them on open).
pub async fn committed_batches_survive_a_restart<H: Harness>(h: &H) {
    let at = h.fresh();
    let log = open(h, &at).await;
    log.append_many((0..1000).map(entry).collect()).await.unwrap();
    let before = checkpoint_of(&log);
    log.shutdown().await;
    let log = open(h, &at).await;
    assert_eq!(checkpoint_of(&log), before);
    log.append_many((1000..1500).map(entry).collect()).await.unwrap();
    let after = checkpoint_of(&log);
    let proof = log.consistency(before.size, after.size).await.unwrap();
    verify_consistency(before.size, after.size, &proof, &before.root, &after.root).unwrap();
    let policy = Policy::single_log(signer().verifier().clone());
    for index in [0, 999, 1000, 1023, 1024, 1299, 1499] {
        assert_eq!(log.entry(index).await.unwrap(), entry(index));
        log.prove(index).await.unwrap().verify(&leaf_hash(&entry(index)), &policy).unwrap();
    }
}

/// A state update that does not extend the stored size is refused and
/// changes nothing.
pub async fn conflicting_state_update_is_refused<H: Harness>(h: &H) {
    let at = h.fresh();
    let log = open(h, &at).await;
    log.append_many((0..10).map(entry).collect()).await.unwrap();
    let before = checkpoint_of(&log);
    log.shutdown().await;
    let store = h.open(&at).await;
    let mut state = store.load().await.unwrap().unwrap();
    state.size = 99;
    let err = store.commit(Batch { old_size: 5, leaves: Vec::new(), full_tiles: Vec::new(), state }).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict { stored: 10, expected: 5 }), "{err}");
    drop(store);
    assert_eq!(checkpoint_of(&open(h, &at).await), before);
}

/// A log refuses to open with a key other than the one that signed its checkpoint.
pub async fn another_key_is_refused<H: Harness>(h: &H) {
    let at = h.fresh();
    open(h, &at).await.shutdown().await;
    let other = NoteSigner::new(ORIGIN, KeyKind::Ed25519, SigningKey::from_bytes(&[7; 32])).unwrap();
    let err = Log::open(h.open(&at).await, other, config()).await.err().expect("opening with another key must fail");
    assert!(matches!(err, LogError::Inconsistent(_)), "{err}");
}

/// Entries over 65,535 bytes are refused before anything is written.
pub async fn oversized_entries_are_refused<H: Harness>(h: &H) {
    let at = h.fresh();
    let log = open(h, &at).await;
    let err = log.append_many(vec![vec![1], vec![0; 65_536]]).await.unwrap_err();
    assert!(matches!(err, LogError::EntryTooLarge { position: 1, len: 65_536 }), "{err}");
    assert_eq!(checkpoint_of(&log).size, 0);
}

/// The search index every [`crate::Registry`] backend keeps: keys are
/// recorded idempotently, searched per log, answered ascending and capped.
/// `log` must be a name no other test uses.
pub async fn registry_search_index<R: crate::Registry>(registry: &R, log: &str) {
    use crate::SearchKey;
    let digest = SearchKey::sha256(&[7; 32]);
    let document = SearchKey::document("inspection-report/0b5e5d4e").expect("document id");
    let other = SearchKey::sha256(&[8; 32]);
    assert_eq!(registry.search(log.into(), digest.clone(), 10).await.expect("search"), Vec::<u64>::new());
    registry.index_entry(log.into(), 5, vec![digest.clone(), document.clone()]).await.expect("index");
    registry.index_entry(log.into(), 2, vec![digest.clone()]).await.expect("index");
    // Recording the same keys again (a re-submitted entry) changes nothing.
    registry.index_entry(log.into(), 5, vec![digest.clone(), document.clone()]).await.expect("index again");
    registry.index_entry(format!("{log}-other"), 9, vec![digest.clone()]).await.expect("index other log");
    assert_eq!(registry.search(log.into(), digest.clone(), 10).await.expect("search"), vec![2, 5]);
    assert_eq!(registry.search(log.into(), digest.clone(), 1).await.expect("search"), vec![2]);
    assert_eq!(registry.search(log.into(), document, 10).await.expect("search"), vec![5]);
    assert_eq!(registry.search(log.into(), other, 10).await.expect("search"), Vec::<u64>::new());
    assert_eq!(registry.search(format!("{log}-other"), digest, 10).await.expect("search"), vec![9]);
}
