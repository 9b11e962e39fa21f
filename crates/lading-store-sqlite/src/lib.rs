//! # lading-store-sqlite
//!
//! The embedded [`LogStore`] backend, the default. One directory per log:
//!
//! ```text
//! DIR/log.db         SQLite (WAL, synchronous=FULL): state (size, frontier,
//!                    signed checkpoint) and the leaf-hash → index table
//! DIR/checkpoint     the latest checkpoint, refreshed after every commit
//! DIR/tile/…         C2SP tlog-tiles hash tiles and entry bundles
//! ```
//!
//! The `tile/` tree and `checkpoint` are exactly the tlog-tiles layout, so
//! any static file server can serve the log. Every tile file is written to a
//! temporary name, fsynced and renamed into place, and its directory fsynced;
//! the state is committed after the tiles, in one SQLite transaction, so a
//! crash at any moment leaves the last committed state intact.

use std::collections::BTreeSet;
use std::fs::{self, File, OpenOptions};
use std::io::{ErrorKind, Write as _};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use lading_log::{LogStore, StateUpdate, StoreError, StoredState};
use lading_tlog::{Hash, TileId};
use rusqlite::{Connection, OptionalExtension as _, params};

/// The database file inside a log directory.
pub const DB_FILE: &str = "log.db";

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS state (
    id INTEGER PRIMARY KEY CHECK (id = 0),
    size INTEGER NOT NULL,
    frontier BLOB NOT NULL,
    checkpoint TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS leaves (
    hash BLOB PRIMARY KEY,
    idx INTEGER NOT NULL
) WITHOUT ROWID;
";

/// A log stored in a directory.
#[derive(Clone)]
pub struct SqliteStore {
    inner: Arc<Inner>,
}

struct Inner {
    dir: PathBuf,
    db: Mutex<Connection>,
    temp_counter: AtomicU64,
}

fn backend(e: impl std::fmt::Display) -> StoreError {
    StoreError::Backend(e.to_string())
}

fn db_error(e: rusqlite::Error) -> StoreError {
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase) => {
            StoreError::Corrupt(format!("{DB_FILE}: {e}"))
        }
        _ => StoreError::Backend(format!("{DB_FILE}: {e}")),
    }
}

impl SqliteStore {
    /// Opens (creating if needed) the store in `dir`, which must exist.
    pub fn open(dir: &Path) -> Result<Self, StoreError> {
        if !dir.is_dir() {
            return Err(StoreError::Backend(format!("{} is not a directory", dir.display())));
        }
        let conn = Connection::open(dir.join(DB_FILE)).map_err(db_error)?;
        conn.pragma_update(None, "journal_mode", "WAL").map_err(db_error)?;
        // FULL: the WAL is fsynced at every commit, so an acknowledged batch
        // survives power loss, not only a process crash.
        conn.pragma_update(None, "synchronous", "FULL").map_err(db_error)?;
        conn.pragma_update(None, "cache_size", -65_536).map_err(db_error)?;
        conn.execute_batch(SCHEMA).map_err(db_error)?;
        // A truncated or foreign file fails here rather than later.
        conn.query_row("PRAGMA quick_check", [], |r| r.get::<_, String>(0))
            .map_err(db_error)
            .and_then(|s| if s == "ok" { Ok(()) } else { Err(StoreError::Corrupt(format!("{DB_FILE}: {s}"))) })?;
        Ok(Self {
            inner: Arc::new(Inner { dir: dir.to_owned(), db: Mutex::new(conn), temp_counter: AtomicU64::new(0) }),
        })
    }

    /// The log directory.
    pub fn dir(&self) -> &Path {
        &self.inner.dir
    }

    /// The file path of a tile.
    pub fn tile_path(&self, tile: TileId) -> PathBuf {
        self.inner.dir.join(tile.path())
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
    fn db(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.db.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Writes `bytes` to `path` atomically: temporary file, fsync, rename.
    fn write_atomic(&self, path: &Path, bytes: &[u8], sync: bool) -> Result<(), StoreError> {
        let dir = path.parent().ok_or_else(|| backend(format!("{} has no parent", path.display())))?;
        let n = self.temp_counter.fetch_add(1, Ordering::Relaxed);
        let tmp = dir.join(format!(".tmp-{}-{n}", std::process::id()));
        let result = (|| {
            let mut f = OpenOptions::new().write(true).create(true).truncate(true).open(&tmp)?;
            f.write_all(bytes)?;
            if sync {
                f.sync_data()?;
            }
            fs::rename(&tmp, path)
        })();
        result.map_err(|e| {
            let _ = fs::remove_file(&tmp);
            backend(format!("writing {}: {e}", path.display()))
        })
    }
}

fn encode_frontier(frontier: &[Hash]) -> Vec<u8> {
    frontier.iter().flat_map(|h| h.0).collect()
}

fn decode_frontier(bytes: &[u8]) -> Result<Vec<Hash>, StoreError> {
    if !bytes.len().is_multiple_of(32) {
        return Err(StoreError::Corrupt(format!("stored frontier is {} bytes, not a multiple of 32", bytes.len())));
    }
    Ok(bytes.chunks_exact(32).map(|c| Hash(c.try_into().unwrap_or([0; 32]))).collect())
}

impl LogStore for SqliteStore {
    async fn load(&self) -> Result<Option<StoredState>, StoreError> {
        self.blocking(|inner| {
            let row = inner
                .db()
                .query_row("SELECT size, frontier, checkpoint FROM state WHERE id = 0", [], |r| {
                    Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?, r.get::<_, String>(2)?))
                })
                .optional()
                .map_err(db_error)?;
            row.map(|(size, frontier, checkpoint)| {
                let size =
                    u64::try_from(size).map_err(|_| StoreError::Corrupt(format!("stored size {size} is negative")))?;
                Ok(StoredState { size, frontier: decode_frontier(&frontier)?, checkpoint })
            })
            .transpose()
        })
        .await
    }

    async fn lookup(&self, leaves: Vec<Hash>) -> Result<Vec<Option<u64>>, StoreError> {
        self.blocking(move |inner| {
            let db = inner.db();
            let mut stmt = db.prepare_cached("SELECT idx FROM leaves WHERE hash = ?1").map_err(db_error)?;
            leaves
                .iter()
                .map(|h| {
                    stmt.query_row([&h.0[..]], |r| r.get::<_, i64>(0))
                        .optional()
                        .map_err(db_error)
                        .map(|i| i.map(|i| i as u64))
                })
                .collect()
        })
        .await
    }

    async fn write_tiles(&self, tiles: Vec<(TileId, Vec<u8>)>) -> Result<(), StoreError> {
        self.blocking(move |inner| {
            let mut dirs = BTreeSet::new();
            for (id, bytes) in &tiles {
                let path = inner.dir.join(id.path());
                let dir = path.parent().map(Path::to_path_buf).unwrap_or_else(|| inner.dir.clone());
                if dirs.insert(dir.clone()) {
                    fs::create_dir_all(&dir).map_err(|e| backend(format!("creating {}: {e}", dir.display())))?;
                }
                inner.write_atomic(&path, bytes, true)?;
            }
            // Make the renames themselves durable.
            for dir in dirs {
                File::open(&dir)
                    .and_then(|d| d.sync_all())
                    .map_err(|e| backend(format!("syncing {}: {e}", dir.display())))?;
            }
            Ok(())
        })
        .await
    }

    async fn commit(&self, update: StateUpdate) -> Result<(), StoreError> {
        self.blocking(move |inner| {
            {
                let mut db = inner.db();
                let tx = db.transaction().map_err(db_error)?;
                let stored: u64 = tx
                    .query_row("SELECT size FROM state WHERE id = 0", [], |r| r.get::<_, i64>(0))
                    .optional()
                    .map_err(db_error)?
                    .map_or(0, |s| s as u64);
                if stored != update.old_size {
                    return Err(StoreError::Conflict { stored, expected: update.old_size });
                }
                {
                    let mut insert = tx.prepare_cached("INSERT INTO leaves (hash, idx) VALUES (?1, ?2)").map_err(db_error)?;
                    for (hash, index) in &update.leaves {
                        insert.execute(params![&hash.0[..], *index as i64]).map_err(db_error)?;
                    }
                }
                tx.execute(
                    "INSERT INTO state (id, size, frontier, checkpoint) VALUES (0, ?1, ?2, ?3)
                     ON CONFLICT (id) DO UPDATE SET size = excluded.size, frontier = excluded.frontier, checkpoint = excluded.checkpoint",
                    params![update.state.size as i64, encode_frontier(&update.state.frontier), update.state.checkpoint],
                )
                .map_err(db_error)?;
                tx.commit().map_err(db_error)?;
            }
            // The static `checkpoint` file follows the database; the database
            // is the truth and `open` rewrites it.
            inner.write_atomic(&inner.dir.join("checkpoint"), update.state.checkpoint.as_bytes(), false)
        })
        .await
    }

    async fn read_tile(&self, tile: TileId) -> Result<Option<Vec<u8>>, StoreError> {
        let path = self.tile_path(tile);
        tokio::task::spawn_blocking(move || match fs::read(&path) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
            Err(e) => Err(backend(format!("reading {}: {e}", path.display()))),
        })
        .await
        .map_err(backend)?
    }
}
