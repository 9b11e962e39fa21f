//! # lading-store-sqlite
//!
//! The embedded [`LogStore`] backend, the default. One directory per log:
//!
//! ```text
//! DIR/log.db       SQLite (WAL, synchronous=FULL): the state — size, frontier,
//!                  signed checkpoint and the partial tiles of that size
//! DIR/index.db     SQLite: leaf hash → index, for deduplication (derived data)
//! DIR/checkpoint   the latest checkpoint
//! DIR/checkpoint.signed  the latest checkpoint signed and committed, kept
//!                  outside log.db (written durably after each commit), so
//!                  a rolled-back log.db is refused (`LogStore::last_signed`)
//! DIR/tile/…       C2SP tlog-tiles hash tiles and entry bundles
//! DIR/log.lock     held while a process has the log open
//! ```
//!
//! The `tile/` tree and `checkpoint` are exactly the tlog-tiles layout, so any
//! static file server can serve the log.
//!
//! Durability, per batch: one SQLite transaction in `log.db` (one WAL fsync)
//! holds the new state, its partial tiles, and the full tiles the batch
//! completed (table `unsynced_tiles`). The tile files are then written
//! without waiting for the disk; a background thread fsyncs them (and their
//! directories) every [`SYNC_INTERVAL`] and only then drops their rows, and
//! the same thread publishes the partial tiles and `checkpoint` file of the
//! latest state. Opening the log rewrites, with fsync, every tile still in
//! `unsynced_tiles`, and republishes the partial tiles and checkpoint, so a
//! crash at any moment loses nothing that was acknowledged.
//!
//! The leaf index is built by another background thread from committed
//! batches; until a leaf is indexed it is answered from memory, and on open
//! the index catches up from the level-0 tiles. A fixed 16 MiB Bloom filter
//! over all leaf hashes (filled from `index.db` by a third thread at open)
//! lets most lookups of new entries skip the database. Memory stays bounded:
//! at most [`MAX_UNINDEXED`] leaves wait in memory (appends wait beyond that),
//! whatever the size of the log.

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::fs::{self, File};
use std::io::{ErrorKind, Write as _};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};

use lading_log::{
    Batch, LogStore, StoreError, StoredState, decode_frontier, decode_partial, encode_frontier, encode_partial,
};

mod events;
mod private;
mod registry;
pub mod streams;
pub use events::{EventIndex, IndexedEvent};
use lading_tlog::tile::tile_hashes;
use lading_tlog::{Hash, TileId, TileKind};
pub use registry::SqliteRegistry;
use rusqlite::{Connection, OptionalExtension as _, params};
pub use streams::SqliteStreams;

/// The state database inside a log directory.
pub const DB_FILE: &str = "log.db";
/// The latest signed and committed checkpoint, kept outside the database.
pub const SIGNED_FILE: &str = "checkpoint.signed";
/// The leaf index database inside a log directory.
pub const INDEX_FILE: &str = "index.db";
/// Most committed leaves that may wait for the background indexer.
pub const MAX_UNINDEXED: usize = 1 << 19;
/// Leaves the indexer writes per transaction.
const INDEX_CHUNK: usize = 262_144;
/// How often the background thread fsyncs tile files and republishes.
pub const SYNC_INTERVAL: std::time::Duration = std::time::Duration::from_millis(200);

const STATE_SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS state (
    id INTEGER PRIMARY KEY CHECK (id = 0),
    size INTEGER NOT NULL,
    frontier BLOB NOT NULL,
    checkpoint TEXT NOT NULL,
    partial BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS unsynced_tiles (path TEXT PRIMARY KEY, data BLOB NOT NULL);
";

const INDEX_SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS leaves (hash BLOB PRIMARY KEY, idx INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS indexed (id INTEGER PRIMARY KEY CHECK (id = 0), size INTEGER NOT NULL);
";

fn backend(e: impl std::error::Error + Send + Sync + 'static) -> StoreError {
    StoreError::backend("SQLite store", e)
}

fn db_error(file: &'static str) -> impl Fn(rusqlite::Error) -> StoreError {
    move |e| match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase) => {
            StoreError::Corrupt(format!("{file}: {e}"))
        }
        _ => StoreError::backend(file, e),
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A log stored in a directory. Cheap to clone.
#[derive(Clone)]
pub struct SqliteStore {
    inner: Arc<Inner>,
}

struct Inner {
    dir: PathBuf,
    /// The index writer connection until the write path starts (see `start_writing`).
    index_writer: Mutex<Option<Connection>>,
    bloom: Arc<Bloom>,
    state_db: Mutex<Connection>,
    index_reader: Mutex<Connection>,
    index: Arc<IndexShared>,
    publication: Arc<PublishShared>,
    temp_counter: AtomicU64,
    /// Whether `index.db` is kept up (see [`SqliteStore::open_unindexed`]).
    leaf_index: bool,
    _lock: File,
}

/// A Bloom filter over leaf hashes: 2^27 bits, 6 probes taken straight from
/// the (uniformly random) hash bytes. At 10 million leaves it answers
/// "maybe present" for about 0.2 % of absent ones.
struct Bloom {
    words: Vec<std::sync::atomic::AtomicU64>,
    /// Set once every stored leaf has been added.
    ready: std::sync::atomic::AtomicBool,
}

impl Bloom {
    const BITS_LOG2: u32 = 27;

    fn new() -> Self {
        let words = (0..(1usize << (Self::BITS_LOG2 - 6))).map(|_| std::sync::atomic::AtomicU64::new(0)).collect();
        Self { words, ready: std::sync::atomic::AtomicBool::new(false) }
    }

    fn probes(h: &Hash) -> impl Iterator<Item = usize> + '_ {
        (0..6).map(move |i| {
            let b = &h.0[i * 4..i * 4 + 4];
            (u32::from_le_bytes([b[0], b[1], b[2], b[3]]) & ((1 << Self::BITS_LOG2) - 1)) as usize
        })
    }

    fn insert(&self, h: &Hash) {
        for bit in Self::probes(h) {
            self.words[bit / 64].fetch_or(1 << (bit % 64), Ordering::Relaxed);
        }
    }

    /// `false` only when `h` was certainly never inserted (and the filter is ready).
    fn may_contain(&self, h: &Hash) -> bool {
        !self.ready.load(Ordering::Acquire)
            || Self::probes(h).all(|bit| self.words[bit / 64].load(Ordering::Relaxed) & (1 << (bit % 64)) != 0)
    }
}

/// Fills the filter from `index.db`; leaves not there yet were added when
/// they were queued or committed.
fn fill_bloom(bloom: &Bloom, path: &Path) {
    let Ok(conn) = open_db(path, INDEX_FILE, "NORMAL", 2, INDEX_SCHEMA) else { return };
    let Ok(mut stmt) = conn.prepare("SELECT hash FROM leaves") else { return };
    let Ok(mut rows) = stmt.query([]) else { return };
    while let Ok(Some(row)) = rows.next() {
        match row.get_ref(0).map(|v| v.as_blob().map(Hash::from_slice)) {
            Ok(Ok(Ok(h))) => bloom.insert(&h),
            // Anything unexpected: leave the filter not ready (lookups then
            // always consult the database, which stays correct).
            _ => return,
        }
    }
    bloom.ready.store(true, Ordering::Release);
}

/// Shared with the background sync thread, which must not keep [`Inner`]
/// (and so the directory lock) alive while it waits.
#[derive(Default)]
struct PublishShared {
    state: Mutex<Publication>,
    signal: Condvar,
    /// Serialises publication steps, so an older step never writes after a newer one.
    step: Mutex<()>,
}

/// What the background thread still has to make durable or publish.
#[derive(Default)]
struct Publication {
    /// Full tile files written since the last sync.
    unsynced: Vec<TileId>,
    /// Partial tiles of the latest state, served from memory until published.
    partial: HashMap<TileId, Vec<u8>>,
    /// The latest checkpoint, if not yet written to `checkpoint`.
    checkpoint: Option<String>,
    partial_dirty: bool,
    closed: bool,
    failed: Option<String>,
}

/// Leaves committed but not yet in `index.db`, shared with the indexer thread.
#[derive(Default)]
struct IndexShared {
    pending: Mutex<Pending>,
    changed: Condvar,
}

#[derive(Default)]
struct Pending {
    map: HashMap<Hash, u64>,
    queue: VecDeque<(Hash, u64)>,
    closed: bool,
    failed: Option<String>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        lock(&self.index.pending).closed = true;
        self.index.changed.notify_all();
        lock(&self.publication.state).closed = true;
        self.publication.signal.notify_all();
    }
}

/// Holds the store's inner state only weakly between steps, so dropping the
/// last [`SqliteStore`] releases the directory at once and ends the thread.
fn run_publisher(shared: &PublishShared, inner: &std::sync::Weak<Inner>) {
    loop {
        {
            let guard = lock(&shared.state);
            let (guard, _) = shared.signal.wait_timeout(guard, SYNC_INTERVAL).unwrap_or_else(PoisonError::into_inner);
            if guard.closed {
                return;
            }
        }
        let Some(strong) = inner.upgrade() else { return };
        // A failed step (a full disk, a read-only moment) is retried from
        // the database, which holds every committed tile, until it works.
        let failed = lock(&shared.state).failed.is_some();
        let step = if failed { strong.republish_all() } else { strong.sync_and_publish() };
        let mut state = lock(&shared.state);
        match step {
            Ok(()) => state.failed = None,
            Err(e) => state.failed = Some(lading_log::error_chain(&e)),
        }
    }
}

fn open_db(
    path: &Path,
    file: &'static str,
    synchronous: &str,
    cache_mib: i64,
    schema: &str,
) -> Result<Connection, StoreError> {
    let err = db_error(file);
    private::precreate(path).map_err(|e| StoreError::backend(format!("creating {}", path.display()), e))?;
    let conn = Connection::open(path).map_err(&err)?;
    conn.busy_timeout(std::time::Duration::from_secs(10)).map_err(&err)?;
    conn.pragma_update(None, "journal_mode", "WAL").map_err(&err)?;
    conn.pragma_update(None, "synchronous", synchronous).map_err(&err)?;
    conn.pragma_update(None, "cache_size", -1024 * cache_mib).map_err(&err)?;
    conn.execute_batch(schema).map_err(&err)?;
    Ok(conn)
}

fn quick_check(conn: &Connection, file: &'static str) -> Result<(), StoreError> {
    let s: String = conn.query_row("PRAGMA quick_check", [], |r| r.get(0)).map_err(db_error(file))?;
    if s == "ok" { Ok(()) } else { Err(StoreError::Corrupt(format!("{file}: {s}"))) }
}

/// How long [`SqliteStore::open`] waits for the directory's lock.
const LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(1);

impl SqliteStore {
    /// Opens (creating if needed) the store in `dir`, which must exist.
    ///
    /// Takes an exclusive lock on the directory: a second process (or a
    /// second open in this one) gets an error, after waiting up to a second,
    /// until the first is dropped.
    pub fn open(dir: &Path) -> Result<Self, StoreError> {
        Self::open_with(dir, true)
    }

    /// Opens the store like [`open`](Self::open) but keeps no leaf index:
    /// commits do not feed `index.db` and [`LogStore::lookup`] fails. For a
    /// log opened with `Log::open_appending_all`, whose caller deduplicates
    /// by its own keys; it saves the indexer's work and reading every leaf
    /// hash into the Bloom filter at each open. The next [`open`](Self::open)
    /// of the directory brings the index up to date from the hash tiles.
    pub fn open_unindexed(dir: &Path) -> Result<Self, StoreError> {
        Self::open_with(dir, false)
    }

    fn open_with(dir: &Path, leaf_index: bool) -> Result<Self, StoreError> {
        if !dir.is_dir() {
            return Err(StoreError::backend_msg(format!("{} is not a directory", dir.display())));
        }
        let lock_path = dir.join("log.lock");
        let lock_file = private::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|e| StoreError::backend(format!("opening {}", lock_path.display()), e))?;
        // A store closed a moment ago may still be finishing its last tile
        // sync on the publisher thread (which releases the lock when done).
        let deadline = std::time::Instant::now() + LOCK_WAIT;
        loop {
            match lock_file.try_lock() {
                Ok(()) => break,
                Err(fs::TryLockError::WouldBlock) if std::time::Instant::now() < deadline => {
                    std::thread::sleep(std::time::Duration::from_millis(10));
                }
                Err(fs::TryLockError::WouldBlock) => {
                    return Err(StoreError::Locked(format!("{} is in use by another process", dir.display())));
                }
                Err(e) => return Err(StoreError::backend(format!("locking {}", lock_path.display()), e)),
            }
        }

        let state_db = open_db(&dir.join(DB_FILE), DB_FILE, "FULL", 8, STATE_SCHEMA)?;
        quick_check(&state_db, DB_FILE)?;
        // The index is derived data: if it cannot be opened, start it again.
        // (No quick_check here: it reads the whole file, seconds for a large
        // log; damage found later is reported as an index.db error.)
        let index_path = dir.join(INDEX_FILE);
        let index_writer = match open_db(&index_path, INDEX_FILE, "NORMAL", 64, INDEX_SCHEMA) {
            Ok(c) => c,
            Err(_) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = fs::remove_file(dir.join(format!("{INDEX_FILE}{suffix}")));
                }
                open_db(&index_path, INDEX_FILE, "NORMAL", 64, INDEX_SCHEMA)?
            }
        };
        let index_reader = open_db(&index_path, INDEX_FILE, "NORMAL", 16, INDEX_SCHEMA)?;
        let store = Self {
            inner: Arc::new(Inner {
                dir: dir.to_owned(),
                bloom: Arc::new(Bloom::new()),
                state_db: Mutex::new(state_db),
                index_reader: Mutex::new(index_reader),
                index: Arc::new(IndexShared::default()),
                index_writer: Mutex::new(Some(index_writer)),
                publication: Arc::new(PublishShared::default()),
                temp_counter: AtomicU64::new(0),
                leaf_index,
                _lock: lock_file,
            }),
        };
        store.inner.restore_unsynced_tiles()?;
        store.inner.restore_published_files()?;
        let weak = Arc::downgrade(&store.inner);
        let shared = Arc::clone(&store.inner.publication);
        std::thread::Builder::new()
            .name("lading-tile-sync".into())
            .spawn(move || run_publisher(&shared, &weak))
            .map_err(|e| StoreError::backend("starting the tile sync thread", e))?;
        Ok(store)
    }

    /// Makes every written tile durable and publishes the latest partial
    /// tiles and `checkpoint` file now, instead of at the next interval.
    pub fn flush(&self) -> Result<(), StoreError> {
        self.inner.sync_and_publish()
    }

    /// Whether the full entry bundle `index` (entries `256·index ..
    /// 256·index + 256`) is stored; `false` once pruned.
    pub fn has_entry_bundle(&self, index: u64) -> bool {
        self.inner.tile_path(TileId { kind: TileKind::Entries, index, width: 256 }).exists()
    }

    /// Deletes the full entry bundle `index` — the entries' bodies — after
    /// making every written tile durable. Hash tiles are untouched, so the
    /// tree, its checkpoints and every inclusion proof stay verifiable; only
    /// the entries themselves can no longer be read. Returns whether a
    /// bundle was deleted. Partial bundles are never pruned.
    pub fn prune_entry_bundle(&self, index: u64, size: u64) -> Result<bool, StoreError> {
        if (index + 1) * 256 > size {
            return Err(StoreError::backend_msg(format!(
                "entry bundle {index} is not full at size {size}; only full bundles are pruned"
            )));
        }
        self.flush()?;
        let id = TileId { kind: TileKind::Entries, index, width: 256 };
        let path = self.inner.tile_path(id);
        let pending: i64 = lock(&self.inner.state_db)
            .query_row("SELECT COUNT(*) FROM unsynced_tiles WHERE path = ?1", [id.path()], |r| r.get(0))
            .map_err(|e| StoreError::backend("log.db", e))?;
        if pending > 0 {
            return Err(StoreError::backend_msg(format!("{} is not yet durable; try again", path.display())));
        }
        match fs::remove_file(&path) {
            Ok(()) => {
                if let Some(dir) = path.parent() {
                    File::open(dir)
                        .and_then(|d| d.sync_all())
                        .map_err(|e| StoreError::backend(dir.display().to_string(), e))?;
                }
                Ok(true)
            }
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(false),
            Err(e) => Err(StoreError::backend(format!("deleting {}", path.display()), e)),
        }
    }

    /// The log directory.
    pub fn dir(&self) -> &Path {
        &self.inner.dir
    }

    /// Waits until every committed leaf is in `index.db` (for tests and tools).
    pub fn wait_indexed(&self) -> Result<(), StoreError> {
        let mut p = lock(&self.inner.index.pending);
        while !p.queue.is_empty() {
            if let Some(why) = &p.failed {
                return Err(StoreError::backend_msg(why.clone()));
            }
            p = self.inner.index.changed.wait(p).unwrap_or_else(PoisonError::into_inner);
        }
        Ok(())
    }

    async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Inner) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let inner = Arc::clone(&self.inner);
        tokio::task::spawn_blocking(move || f(&inner)).await.map_err(backend)?
    }
}

impl Inner {
    fn tile_path(&self, id: TileId) -> PathBuf {
        self.dir.join(id.path())
    }

    /// Writes `bytes` to `path` atomically: temporary file, optional fsync, rename.
    fn write_atomic(&self, path: &Path, bytes: &[u8], sync: bool) -> Result<(), StoreError> {
        let dir = path.parent().ok_or_else(|| StoreError::backend_msg(format!("{} has no parent", path.display())))?;
        let n = self.temp_counter.fetch_add(1, Ordering::Relaxed);
        let tmp = dir.join(format!(".tmp-{}-{n}", std::process::id()));
        let result = (|| {
            let mut f = private::options().write(true).create(true).truncate(true).open(&tmp)?;
            f.write_all(bytes)?;
            if sync {
                f.sync_data()?;
            }
            fs::rename(&tmp, path)
        })();
        result.map_err(|e| {
            let _ = fs::remove_file(&tmp);
            StoreError::backend(format!("writing {}", path.display()), e)
        })
    }

    /// Writes tile files (creating directories), without waiting for the disk.
    fn write_tile_files(&self, tiles: &[(TileId, Vec<u8>)]) -> Result<(), StoreError> {
        let mut dirs = BTreeSet::new();
        for (id, bytes) in tiles {
            let path = self.tile_path(*id);
            if let Some(dir) = path.parent()
                && dirs.insert(dir.to_path_buf())
            {
                private::create_dirs(dir).map_err(|e| StoreError::backend(format!("creating {}", dir.display()), e))?;
            }
            self.write_atomic(&path, bytes, false)?;
        }
        Ok(())
    }

    /// fsyncs tile files and then their directories.
    fn sync_tile_files(&self, tiles: &[TileId]) -> Result<(), StoreError> {
        let mut dirs = BTreeSet::new();
        for id in tiles {
            let path = self.tile_path(*id);
            File::open(&path)
                .and_then(|f| f.sync_data())
                .map_err(|e| StoreError::backend(format!("syncing {}", path.display()), e))?;
            if let Some(dir) = path.parent() {
                dirs.insert(dir.to_path_buf());
            }
        }
        for dir in dirs {
            File::open(&dir)
                .and_then(|d| d.sync_all())
                .map_err(|e| StoreError::backend(format!("syncing {}", dir.display()), e))?;
        }
        Ok(())
    }

    /// Rewrites, durably, every tile a crash may have kept off the disk.
    fn restore_unsynced_tiles(&self) -> Result<(), StoreError> {
        let rows: Vec<(String, Vec<u8>)> = {
            let db = lock(&self.state_db);
            let mut stmt = db.prepare("SELECT path, data FROM unsynced_tiles").map_err(db_error(DB_FILE))?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).map_err(db_error(DB_FILE))?;
            rows.collect::<Result<_, _>>().map_err(db_error(DB_FILE))?
        };
        let mut tiles = Vec::with_capacity(rows.len());
        for (path, data) in rows {
            let id = TileId::parse_path(&path).map_err(|e| StoreError::Corrupt(format!("unsynced_tiles: {e}")))?;
            tiles.push((id, data));
        }
        self.write_tile_files(&tiles)?;
        let ids: Vec<TileId> = tiles.iter().map(|(id, _)| *id).collect();
        self.sync_tile_files(&ids)?;
        lock(&self.state_db).execute("DELETE FROM unsynced_tiles", []).map_err(db_error(DB_FILE))?;
        Ok(())
    }

    /// The background step: fsync the tile files written since the last
    /// step, forget their rows, publish the latest partial tiles and checkpoint.
    fn sync_and_publish(&self) -> Result<(), StoreError> {
        let _step = lock(&self.publication.step);
        let (unsynced, partial, checkpoint) = {
            let mut p = lock(&self.publication.state);
            if let Some(why) = &p.failed {
                return Err(StoreError::backend_msg(why.clone()));
            }
            let partial: Vec<(TileId, Vec<u8>)> =
                if p.partial_dirty { p.partial.iter().map(|(k, v)| (*k, v.clone())).collect() } else { Vec::new() };
            p.partial_dirty = false;
            (std::mem::take(&mut p.unsynced), partial, p.checkpoint.take())
        };
        if !unsynced.is_empty() {
            self.sync_tile_files(&unsynced)?;
            let mut db = lock(&self.state_db);
            let tx = db.transaction().map_err(db_error(DB_FILE))?;
            {
                let mut delete =
                    tx.prepare_cached("DELETE FROM unsynced_tiles WHERE path = ?1").map_err(db_error(DB_FILE))?;
                for id in &unsynced {
                    delete.execute([id.path()]).map_err(db_error(DB_FILE))?;
                }
            }
            tx.commit().map_err(db_error(DB_FILE))?;
        }
        self.write_tile_files(&partial)?;
        if let Some(cp) = checkpoint {
            self.write_atomic(&self.dir.join("checkpoint"), cp.as_bytes(), false)?;
        }
        Ok(())
    }

    /// Starts what only writers need — catching the leaf index up, the
    /// indexer and the Bloom filter — on the first lookup or commit, so that
    /// reading a large log (proofs, entries) opens at once.
    fn start_writing(&self) -> Result<(), StoreError> {
        if !self.leaf_index {
            return Ok(());
        }
        let Some(index_writer) = lock(&self.index_writer).take() else { return Ok(()) };
        self.queue_unindexed(&index_writer)?;
        let (bloom, path) = (Arc::clone(&self.bloom), self.dir.join(INDEX_FILE));
        std::thread::Builder::new()
            .name("lading-bloom".into())
            .spawn(move || fill_bloom(&bloom, &path))
            .map_err(|e| StoreError::backend("starting the bloom thread", e))?;
        let index = Arc::clone(&self.index);
        std::thread::Builder::new()
            .name("lading-indexer".into())
            .spawn(move || run_indexer(&index, index_writer))
            .map_err(|e| StoreError::backend("starting the indexer thread", e))?;
        Ok(())
    }

    fn load_state(&self) -> Result<Option<StoredState>, StoreError> {
        let row = lock(&self.state_db)
            .query_row("SELECT size, frontier, checkpoint, partial FROM state WHERE id = 0", [], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?, r.get::<_, String>(2)?, r.get::<_, Vec<u8>>(3)?))
            })
            .optional()
            .map_err(db_error(DB_FILE))?;
        row.map(|(size, frontier, checkpoint, partial)| {
            let size =
                u64::try_from(size).map_err(|_| StoreError::Corrupt(format!("stored size {size} is negative")))?;
            Ok(StoredState {
                size,
                frontier: decode_frontier(&frontier)?,
                checkpoint,
                partial: decode_partial(&partial)?,
            })
        })
        .transpose()
    }

    /// After a failed publication step: the signed checkpoint, every tile
    /// still in `unsynced_tiles`, the partial tiles and `checkpoint`,
    /// rewritten durably from the committed state.
    fn republish_all(&self) -> Result<(), StoreError> {
        let _step = lock(&self.publication.step);
        if let Some(state) = self.load_state()? {
            // The state in log.db is this process's own last commit.
            self.write_atomic(&self.dir.join(SIGNED_FILE), state.checkpoint.as_bytes(), true)?;
        }
        self.restore_unsynced_tiles()?;
        self.restore_published_files()?;
        let mut p = lock(&self.publication.state);
        p.unsynced.clear();
        Ok(())
    }

    /// After a crash the partial tile files and `checkpoint` may be missing
    /// or stale: rewrite them from the committed state.
    /// A state that is not the one last signed (rolled back or forked, for
    /// `Log::open` to refuse) is not published.
    fn restore_published_files(&self) -> Result<(), StoreError> {
        if let Some(state) = self.load_state()? {
            self.write_tile_files(&state.partial)?;
            lock(&self.publication.state).partial = state.partial.iter().cloned().collect();
            let signed = fs::read(self.dir.join(SIGNED_FILE)).ok();
            if signed.is_none_or(|s| s == state.checkpoint.as_bytes()) {
                self.write_atomic(&self.dir.join("checkpoint"), state.checkpoint.as_bytes(), false)?;
            }
        }
        Ok(())
    }

    /// Queues the committed leaves that `index.db` does not hold yet, read
    /// from the level-0 tiles.
    fn queue_unindexed(&self, index: &Connection) -> Result<(), StoreError> {
        let Some(state) = self.load_state()? else { return Ok(()) };
        let indexed: u64 = index
            .query_row("SELECT size FROM indexed WHERE id = 0", [], |r| r.get::<_, i64>(0))
            .optional()
            .map_err(db_error(INDEX_FILE))?
            .map_or(0, |s| s as u64)
            .min(state.size);
        let mut p = lock(&self.index.pending);
        let mut at = indexed;
        while at < state.size {
            let tile_index = at / 256;
            let width = (state.size - tile_index * 256).min(256) as u16;
            let id = TileId { kind: TileKind::Hashes(0), index: tile_index, width };
            let bytes = match state.partial.iter().find(|(t, _)| *t == id) {
                Some((_, b)) => b.clone(),
                None => fs::read(self.tile_path(id))
                    .map_err(|e| StoreError::Corrupt(format!("tile {id} needed to index leaves: {e}")))?,
            };
            let hashes = tile_hashes(id, &bytes).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            for (i, h) in hashes.iter().enumerate().skip((at % 256) as usize) {
                let index = tile_index * 256 + i as u64;
                self.bloom.insert(h);
                p.map.entry(*h).or_insert(index);
                p.queue.push_back((*h, index));
            }
            at = tile_index * 256 + u64::from(width);
        }
        Ok(())
    }
}

fn run_indexer(shared: &IndexShared, mut conn: Connection) {
    loop {
        let chunk: Vec<(Hash, u64)> = {
            let mut p = lock(&shared.pending);
            while p.queue.is_empty() && !p.closed {
                p = shared.changed.wait(p).unwrap_or_else(PoisonError::into_inner);
            }
            if p.queue.is_empty() {
                return;
            }
            p.queue.iter().take(INDEX_CHUNK).copied().collect()
        };
        let written = (|| -> rusqlite::Result<()> {
            let tx = conn.transaction()?;
            {
                let mut insert = tx.prepare_cached("INSERT OR IGNORE INTO leaves (hash, idx) VALUES (?1, ?2)")?;
                for (h, i) in &chunk {
                    insert.execute(params![&h.0[..], *i as i64])?;
                }
            }
            let end = chunk.last().map_or(0, |(_, i)| i + 1);
            tx.execute(
                "INSERT INTO indexed (id, size) VALUES (0, ?1) ON CONFLICT (id) DO UPDATE SET size = excluded.size",
                [end as i64],
            )?;
            tx.commit()
        })();
        let mut p = lock(&shared.pending);
        match written {
            Ok(()) => {
                for (h, i) in &chunk {
                    if p.map.get(h) == Some(i) {
                        p.map.remove(h);
                    }
                }
                p.queue.drain(..chunk.len());
            }
            Err(e) => {
                // A full disk or a read-only moment: retry the same chunk.
                p.failed = Some(format!("{INDEX_FILE}: {e}"));
                shared.changed.notify_all();
                if p.closed {
                    return;
                }
                drop(p);
                std::thread::sleep(SYNC_INTERVAL);
                continue;
            }
        }
        p.failed = None;
        shared.changed.notify_all();
    }
}

impl LogStore for SqliteStore {
    async fn load(&self) -> Result<Option<StoredState>, StoreError> {
        self.blocking(Inner::load_state).await
    }

    async fn lookup(&self, leaves: Vec<Hash>) -> Result<Vec<Option<u64>>, StoreError> {
        self.blocking(move |inner| {
            if !inner.leaf_index {
                return Err(StoreError::backend_msg(format!(
                    "{} is open without its leaf index; look entries up by their own keys",
                    inner.dir.display()
                )));
            }
            inner.start_writing()?;
            // Pending first, then the index: a leaf leaves `pending` only
            // after its index transaction has committed.
            let mut out: Vec<Option<u64>> = {
                let p = lock(&inner.index.pending);
                leaves.iter().map(|h| p.map.get(h).copied()).collect()
            };
            let db = lock(&inner.index_reader);
            let mut stmt = db.prepare_cached("SELECT idx FROM leaves WHERE hash = ?1").map_err(db_error(INDEX_FILE))?;
            for (slot, h) in out.iter_mut().zip(&leaves) {
                if slot.is_none() && inner.bloom.may_contain(h) {
                    *slot = stmt
                        .query_row([&h.0[..]], |r| r.get::<_, i64>(0))
                        .optional()
                        .map_err(db_error(INDEX_FILE))?
                        .map(|i| i as u64);
                }
            }
            Ok(out)
        })
        .await
    }

    async fn commit(&self, batch: Batch) -> Result<(), StoreError> {
        self.blocking(move |inner| {
            inner.start_writing()?;
            if let Some(why) = &lock(&inner.publication.state).failed {
                return Err(StoreError::backend_msg(format!("tile files could not be written (retrying): {why}")));
            }
            {
                let mut db = lock(&inner.state_db);
                let err = db_error(DB_FILE);
                let tx = db.transaction().map_err(&err)?;
                let stored: u64 = tx
                    .query_row("SELECT size FROM state WHERE id = 0", [], |r| r.get::<_, i64>(0))
                    .optional()
                    .map_err(&err)?
                    .map_or(0, |s| s as u64);
                if stored != batch.old_size {
                    return Err(StoreError::Conflict { stored, expected: batch.old_size });
                }
                {
                    let mut insert = tx
                        .prepare_cached("INSERT OR REPLACE INTO unsynced_tiles (path, data) VALUES (?1, ?2)")
                        .map_err(&err)?;
                    for (id, bytes) in &batch.full_tiles {
                        insert.execute(params![id.path(), bytes]).map_err(&err)?;
                    }
                }
                let s = &batch.state;
                tx.execute(
                    "INSERT INTO state (id, size, frontier, checkpoint, partial) VALUES (0, ?1, ?2, ?3, ?4)
                     ON CONFLICT (id) DO UPDATE SET size = excluded.size, frontier = excluded.frontier,
                         checkpoint = excluded.checkpoint, partial = excluded.partial",
                    params![s.size as i64, encode_frontier(&s.frontier), s.checkpoint, encode_partial(&s.partial)],
                )
                .map_err(&err)?;
                // The one fsync of the batch's state (synchronous=FULL).
                tx.commit().map_err(&err)?;
            }
            // Committed: from here the batch is durable, whatever fails
            // below (the publisher rewrites tile files from log.db then).
            {
                let mut p = lock(&inner.publication.state);
                p.partial = batch.state.partial.iter().cloned().collect();
                p.partial_dirty = true;
                p.checkpoint = Some(batch.state.checkpoint.clone());
            }
            if inner.leaf_index {
                let mut p = lock(&inner.index.pending);
                for (h, i) in &batch.leaves {
                    inner.bloom.insert(h);
                    p.map.entry(*h).or_insert(*i);
                    p.queue.push_back((*h, *i));
                }
                inner.index.changed.notify_all();
            }
            // The checkpoint, durably outside log.db before anyone sees it: a
            // log.db rolled back later (lost WAL, restored backup) is then
            // smaller than this file and refused at open. Written after the
            // commit, so it never names a state log.db does not hold; a crash
            // in between only leaves it older, which is harmless.
            let files = inner
                .write_atomic(&inner.dir.join(SIGNED_FILE), batch.state.checkpoint.as_bytes(), true)
                .and_then(|()| inner.write_tile_files(&batch.full_tiles));
            if let Err(e) = files {
                lock(&inner.publication.state).failed = Some(lading_log::error_chain(&e));
                return Err(e);
            }
            // The files follow, synced in the background.
            lock(&inner.publication.state).unsynced.extend(batch.full_tiles.iter().map(|(id, _)| *id));
            if !inner.leaf_index {
                return Ok(());
            }
            // Wait if the indexer is far behind.
            let mut p = lock(&inner.index.pending);
            while p.queue.len() > MAX_UNINDEXED {
                if let Some(why) = &p.failed {
                    return Err(StoreError::backend_msg(format!("leaf indexer failing: {why}")));
                }
                p = inner.index.changed.wait(p).unwrap_or_else(PoisonError::into_inner);
            }
            Ok(())
        })
        .await
    }

    async fn probe_writable(&self) -> Result<(), StoreError> {
        self.blocking(|inner| {
            if let Some(why) = &lock(&inner.publication.state).failed {
                return Err(StoreError::backend_msg(format!("tile files could not be written: {why}")));
            }
            if let Some(why) = &lock(&inner.index.pending).failed {
                return Err(StoreError::backend_msg(format!("leaf indexer failing: {why}")));
            }
            // A real write, synced: a full disk or a read-only file system fails it.
            let path = inner.dir.join(".probe");
            inner.write_atomic(&path, b"probe", true)?;
            fs::remove_file(&path).map_err(|e| StoreError::backend(format!("removing {}", path.display()), e))?;
            // And the database takes a write lock.
            let db = lock(&inner.state_db);
            db.execute_batch("BEGIN IMMEDIATE; ROLLBACK;").map_err(db_error(DB_FILE))
        })
        .await
    }

    async fn last_signed(&self) -> Result<Option<String>, StoreError> {
        let path = self.inner.dir.join(SIGNED_FILE);
        tokio::task::spawn_blocking(move || match fs::read(&path) {
            Ok(bytes) if bytes.len() > lading_tlog::note::MAX_NOTE_BYTES => {
                Err(StoreError::Corrupt(format!("{} is {} bytes, more than a checkpoint", path.display(), bytes.len())))
            }
            Ok(bytes) => String::from_utf8(bytes)
                .map(Some)
                .map_err(|_| StoreError::Corrupt(format!("{} is not UTF-8", path.display()))),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
            Err(e) => Err(StoreError::backend(format!("reading {}", path.display()), e)),
        })
        .await
        .map_err(backend)?
    }

    async fn read_tile(&self, tile: TileId) -> Result<Option<Vec<u8>>, StoreError> {
        if let Some(bytes) = lock(&self.inner.publication.state).partial.get(&tile) {
            return Ok(Some(bytes.clone()));
        }
        let path = self.inner.tile_path(tile);
        tokio::task::spawn_blocking(move || match fs::read(&path) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
            Err(e) => Err(StoreError::backend(format!("reading {}", path.display()), e)),
        })
        .await
        .map_err(backend)?
    }
}
