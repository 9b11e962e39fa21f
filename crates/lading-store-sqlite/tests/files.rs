//! SQLite-backend specifics: the static tlog-tiles layout on disk, recovery
//! of tiles a crash kept off the disk, stray tiles, damage and locking.

use std::path::Path;
use std::time::Duration;

use ed25519_dalek::SigningKey;
use lading_log::{BatchConfig, Log, LogError};
use lading_store_sqlite::SqliteStore;
use lading_tlog::tile::tiles_for_size;
use lading_tlog::{
    ExpandedTile, KeyKind, NoteSigner, Policy, SignedCheckpoint, TileKind, TileSet, inclusion_proof, leaf_hash,
    verify_inclusion,
};

fn signer() -> NoteSigner {
    NoteSigner::new("files.lading.example/log", KeyKind::Ed25519, SigningKey::from_bytes(&[5; 32])).expect("signer")
}

fn entry(i: u64) -> Vec<u8> {
    format!("file test entry {i}").into_bytes()
}

async fn open(dir: &Path) -> (Log<SqliteStore>, SqliteStore) {
    let store = SqliteStore::open(dir).expect("open store");
    let config = BatchConfig { max_batch: 512, max_wait: Duration::from_millis(1) };
    (Log::open(store.clone(), signer(), config).await.expect("open log"), store)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_directory_is_a_static_tlog_tiles_log() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (log, store) = open(dir.path()).await;
    log.append_many((0..70_000).map(entry).collect()).await.expect("append");
    let (size, checkpoint) = log.checkpoint();
    log.shutdown().await;
    store.flush().expect("flush");
    // The checkpoint file is the latest checkpoint and verifies.
    let published = std::fs::read_to_string(dir.path().join("checkpoint")).expect("checkpoint file");
    assert_eq!(published, checkpoint);
    let cp = SignedCheckpoint::verify(published.as_bytes(), signer().verifier(), &[]).expect("verifies").checkpoint;
    assert_eq!(cp.size, size);
    // Every tile the spec requires for this size is a file of the right size,
    // and a proof computed from the files alone verifies.
    let mut set = TileSet::new(size);
    for id in tiles_for_size(size) {
        let bytes = std::fs::read(dir.path().join(id.path())).unwrap_or_else(|e| panic!("{id}: {e}"));
        if let TileKind::Hashes(_) = id.kind {
            assert_eq!(bytes.len(), usize::from(id.width) * 32, "{id}");
            set.insert(std::sync::Arc::new(ExpandedTile::new(id, &bytes).expect("tile")));
        }
    }
    for index in [0u64, 65_535, 69_999] {
        let proof = inclusion_proof(&set, index, size).expect("proof from files");
        verify_inclusion(&leaf_hash(&entry(index)), index, size, &proof, &cp.root).expect("verifies");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tiles_a_crash_kept_off_the_disk_are_restored_from_the_database() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (log, store) = open(dir.path()).await;
    log.append_many((0..1000).map(entry).collect()).await.expect("append");
    log.shutdown().await;
    store.flush().expect("flush");
    drop(store);
    // Simulate a power loss before the background sync: the rows are still
    // there, the files are gone.
    let tile = dir.path().join("tile/0/001");
    let bytes = std::fs::read(&tile).expect("tile");
    let bundle = dir.path().join("tile/entries/001");
    let bundle_bytes = std::fs::read(&bundle).expect("bundle");
    {
        let db = rusqlite_open(dir.path());
        db.execute(
            "INSERT INTO unsynced_tiles (path, data) VALUES ('tile/0/001', ?1), ('tile/entries/001', ?2)",
            (&bytes, &bundle_bytes),
        )
        .expect("insert");
    }
    std::fs::remove_file(&tile).expect("rm");
    std::fs::remove_file(&bundle).expect("rm");
    std::fs::remove_file(dir.path().join("checkpoint")).expect("rm");
    let (log, _store) = open(dir.path()).await;
    assert_eq!(std::fs::read(&tile).expect("restored tile"), bytes);
    assert!(dir.path().join("checkpoint").exists());
    assert_eq!(log.entry(300).await.expect("entry"), entry(300));
}

fn rusqlite_open(dir: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open(dir.join("log.db")).expect("db")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stray_tiles_beyond_the_checkpoint_are_overwritten() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (log, store) = open(dir.path()).await;
    log.append_many((0..1000).map(entry).collect()).await.expect("append");
    log.shutdown().await;
    store.flush().expect("flush");
    drop(store);
    // Tiles for entries 1024.. that no checkpoint covers (an interrupted batch).
    std::fs::write(dir.path().join("tile/0/003"), vec![9u8; 8192]).expect("junk");
    std::fs::write(dir.path().join("tile/entries/003"), vec![0u8; 512]).expect("junk");
    let (log, _store) = open(dir.path()).await;
    log.append_many((1000..1100).map(entry).collect()).await.expect("append");
    let policy = Policy::single_log(signer().verifier().clone());
    for index in [999, 1000, 1023, 1024, 1099] {
        assert_eq!(log.entry(index).await.expect("entry"), entry(index));
        log.prove(index).await.expect("prove").verify(&leaf_hash(&entry(index)), &policy).expect("verify");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn damaged_tiles_give_an_error_not_a_wrong_receipt() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (log, store) = open(dir.path()).await;
    log.append_many((0..2000).map(entry).collect()).await.expect("append");
    log.shutdown().await;
    store.flush().expect("flush");
    drop(store);
    let tile = dir.path().join("tile/0/002");
    let mut bytes = std::fs::read(&tile).expect("tile");
    bytes[100] ^= 1;
    std::fs::write(&tile, &bytes).expect("write");
    let bundle = dir.path().join("tile/entries/001");
    let mut b = std::fs::read(&bundle).expect("bundle");
    let last = b.len() - 1;
    b[last] ^= 1;
    std::fs::write(&bundle, &b).expect("write");
    let truncated = dir.path().join("tile/0/004");
    std::fs::write(&truncated, vec![0u8; 100]).expect("truncate");

    let (log, _store) = open(dir.path()).await;
    for (index, needle) in [(600u64, "damaged"), (511, "damaged bundle"), (1100, "bytes")] {
        let err = match index {
            511 => log.entry(index).await.map(|_| ()),
            _ => log.prove(index).await.map(|_| ()),
        }
        .expect_err("damage must be reported");
        assert!(matches!(err, LogError::Inconsistent(_)), "{err}");
        assert!(err.to_string().contains(needle), "{index}: {err}");
    }
    // Undamaged parts still work.
    log.prove(10).await.expect("prove undamaged");
}

#[test]
fn a_truncated_database_is_reported_not_used() {
    let dir = tempfile::tempdir().expect("tempdir");
    let rt = tokio::runtime::Runtime::new().expect("rt");
    rt.block_on(async {
        let (log, store) = open(dir.path()).await;
        log.append_many((0..100).map(entry).collect()).await.expect("append");
        log.shutdown().await;
        store.flush().expect("flush");
    });
    let db = dir.path().join("log.db");
    // Checkpoint the WAL into the main file, then cut the file in half.
    rusqlite_open(dir.path()).execute_batch("PRAGMA wal_checkpoint(TRUNCATE)").expect("checkpoint wal");
    let len = std::fs::metadata(&db).expect("meta").len();
    let f = std::fs::OpenOptions::new().write(true).open(&db).expect("open");
    f.set_len(len / 2).expect("truncate");
    let err = SqliteStore::open(dir.path()).err().expect("a truncated database must not open");
    assert!(err.to_string().contains("log.db"), "{err}");
}

#[test]
fn a_log_directory_is_opened_by_one_process_at_a_time() {
    let dir = tempfile::tempdir().expect("tempdir");
    let first = SqliteStore::open(dir.path()).expect("first");
    let err = SqliteStore::open(dir.path()).err().expect("second open must fail");
    assert!(err.to_string().contains("in use"), "{err}");
    drop(first);
    SqliteStore::open(dir.path()).expect("open after the first is dropped");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unindexed_store_appends_repeats_and_the_index_catches_up_on_the_next_open() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = BatchConfig { max_batch: 512, max_wait: Duration::from_millis(1) };
    {
        let store = SqliteStore::open_unindexed(dir.path()).expect("open unindexed");
        let log = Log::open_appending_all(store.clone(), signer(), config).await.expect("open log");
        let mut entries: Vec<Vec<u8>> = (0..600).map(entry).collect();
        entries.push(entry(3));
        let landed = log.append_many(entries).await.expect("append");
        // The repeat is appended, not answered with the first index.
        assert_eq!((landed[600].index, landed[600].duplicate), (600, false));
        let err = log.index_of(leaf_hash(&entry(3))).await.expect_err("no leaf index");
        assert!(err.to_string().contains("without its leaf index"), "{err}");
        log.shutdown().await;
        store.flush().expect("flush");
    }
    // Opened with its index, the log finds every leaf (the first of repeats).
    let (log, store) = open(dir.path()).await;
    assert_eq!(log.checkpoint().0, 601);
    store.wait_indexed().expect("indexed");
    assert_eq!(log.index_of(leaf_hash(&entry(599))).await.expect("lookup"), Some(599));
    assert_eq!(log.index_of(leaf_hash(&entry(3))).await.expect("lookup"), Some(3));
    // And deduplicates again.
    let again = log.append(entry(7)).await.expect("append");
    assert_eq!((again.index, again.duplicate), (7, true));
    log.shutdown().await;
}
