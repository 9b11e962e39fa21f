//! Maintenance streams on the embedded store: one directory per stream,
//!
//! ```text
//! DATA/streams/NAME/stream.json    settings (lading_stream::StreamConfig)
//! DATA/streams/NAME/log.key, log.vkey, log.db, tile/…   the stream's log
//! DATA/streams/NAME/events.sqlite  event id and time by sequence (derived
//!                                  from the log, reindexed when it lags)
//! DATA/streams/NAME/holds.json     legal holds
//! DATA/streams/NAME/tokens.json    token hashes (never the tokens)
//! DATA/streams/NAME/stream.lock    held by the one writer
//! ```
//!
//! Writers take an exclusive lock on `stream.lock`, because events carry
//! their sequence numbers and so must be numbered by the one writer that
//! appends them.

use std::collections::HashSet;
use std::fs::{self, File, OpenOptions};
use std::io::{Read as _, Write as _};
use std::os::unix::fs::OpenOptionsExt as _;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use lading_log::{BatchConfig, Log, StoreError};
use lading_stream::{
    Holds, IndexedEvent, OpenStream, StreamConfig, StreamError, StreamStore, StreamToken, check_name, note_signer,
    parse_tokens, tokens_to_bytes,
};

use crate::{EventIndex, SqliteStore};

/// Stream settings file.
pub const CONFIG_FILE: &str = "stream.json";
/// Event index file.
pub const INDEX_FILE: &str = "events.sqlite";
/// Writer lock file.
pub const LOCK_FILE: &str = "stream.lock";
/// Legal holds file.
pub const HOLDS_FILE: &str = "holds.json";
/// Token hashes file.
pub const TOKENS_FILE: &str = "tokens.json";
/// The stream log's private key, beside the log (the embedded layout).
pub const KEY_FILE: &str = "log.key";
/// The stream log's vkey.
pub const VKEY_FILE: &str = "log.vkey";
/// How long a writer waits for another to release the stream.
pub const LOCK_WAIT: Duration = Duration::from_secs(5);
/// Largest settings, holds or tokens file read.
const MAX_FILE_BYTES: u64 = 64 << 20;

/// The streams under a data directory (`DATA/streams/NAME`).
#[derive(Debug, Clone)]
pub struct SqliteStreams {
    data: PathBuf,
}

fn io(what: String) -> impl FnOnce(std::io::Error) -> StreamError {
    move |e| StreamError::Store(StoreError::backend(what, e))
}

impl SqliteStreams {
    /// The streams under `data`.
    pub fn new(data: &Path) -> Self {
        Self { data: data.to_owned() }
    }

    /// The directory of stream `name` (checked to be a valid name).
    pub fn dir(&self, name: &str) -> Result<PathBuf, StreamError> {
        check_name(name)?;
        Ok(self.data.join("streams").join(name))
    }

    fn read(path: &Path) -> Result<Vec<u8>, StreamError> {
        let file = File::open(path).map_err(io(format!("opening {}", path.display())))?;
        let mut bytes = Vec::new();
        file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes).map_err(io(format!("reading {}", path.display())))?;
        if bytes.len() as u64 > MAX_FILE_BYTES {
            return Err(StreamError::Corrupt(format!("{} is larger than {MAX_FILE_BYTES} bytes", path.display())));
        }
        Ok(bytes)
    }

    fn read_config(dir: &Path) -> Result<StreamConfig, StreamError> {
        let path = dir.join(CONFIG_FILE);
        if !path.exists() {
            return Err(StreamError::NotFound {
                stream: dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
                detail: format!(
                    "{} is not a stream (no {CONFIG_FILE}); create it with `lading maint stream create`",
                    dir.display()
                ),
            });
        }
        StreamConfig::parse(&Self::read(&path)?, &path.display().to_string())
    }

    fn read_holds(dir: &Path) -> Result<Holds, StreamError> {
        let path = dir.join(HOLDS_FILE);
        if !path.exists() {
            return Ok(Holds::default());
        }
        Holds::parse(&Self::read(&path)?, &path.display().to_string())
    }

    fn read_tokens(dir: &Path) -> Result<Vec<StreamToken>, StreamError> {
        let path = dir.join(TOKENS_FILE);
        if !path.exists() {
            return Ok(Vec::new());
        }
        parse_tokens(&Self::read(&path)?, &path.display().to_string())
    }
}

/// Writes `bytes` to `path` with `mode` through a temporary file renamed
/// into place (fsynced, and the directory after), so a crash never leaves
/// a half-written file; refuses to replace a file unless `replace`.
fn write_file(path: &Path, bytes: &[u8], mode: u32, replace: bool) -> Result<(), StreamError> {
    if !replace && path.exists() {
        return Err(StreamError::Invalid(format!("{} already exists", path.display())));
    }
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let written = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(mode)
        .open(&tmp)
        .and_then(|mut f| f.write_all(bytes).and_then(|()| f.sync_all()));
    if let Err(e) = written {
        let _ = fs::remove_file(&tmp);
        return Err(io(format!("writing {}", tmp.display()))(e));
    }
    fs::rename(&tmp, path).map_err(io(format!("renaming {} to {}", tmp.display(), path.display())))?;
    File::open(dir).and_then(|d| d.sync_all()).map_err(io(format!("syncing {}", dir.display())))
}

/// Holds the stream's writer lock until dropped; waits up to [`LOCK_WAIT`]
/// for another writer (an ingest, or `lading serve` flushing its batches).
fn lock(dir: &Path) -> Result<File, StreamError> {
    let path = dir.join(LOCK_FILE);
    let file = crate::private::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(io(format!("opening {}", path.display())))?;
    let deadline = std::time::Instant::now() + LOCK_WAIT;
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(file),
            Err(fs::TryLockError::WouldBlock) if std::time::Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(fs::TryLockError::WouldBlock) => {
                return Err(StreamError::Busy(format!(
                    "another process has been writing to this stream for {} s ({} is locked); \
                     if `lading serve` is taking events for it, send them there or retry when it is idle",
                    LOCK_WAIT.as_secs(),
                    path.display()
                )));
            }
            Err(fs::TryLockError::Error(e)) => return Err(io(format!("locking {}", path.display()))(e)),
        }
    }
}

/// What to say when another process holds the stream's log: most often
/// the `lading serve` that serves it.
fn locked(dir: &Path, detail: &str) -> StreamError {
    StreamError::Busy(format!(
        "{detail}: the log of stream {} is locked, most likely by a running `lading serve`; \
         send events to it over HTTP, or stop it and run this again",
        dir.display()
    ))
}

impl StreamStore for SqliteStreams {
    type Log = SqliteStore;
    type Open = SqliteOpenStream;

    async fn streams(&self) -> Result<Vec<StreamConfig>, StreamError> {
        let root = self.data.join("streams");
        if !root.is_dir() {
            return Ok(Vec::new());
        }
        let mut out = Vec::new();
        for entry in fs::read_dir(&root).map_err(io(format!("reading {}", root.display())))? {
            let dir = entry.map_err(io(format!("reading {}", root.display())))?.path();
            if dir.join(CONFIG_FILE).exists() {
                out.push(Self::read_config(&dir)?);
            }
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    async fn config(&self, name: &str) -> Result<StreamConfig, StreamError> {
        Self::read_config(&self.dir(name)?)
    }

    async fn create(&self, config: &StreamConfig, key: &lading_stream::StreamKey) -> Result<(), StreamError> {
        let dir = self.dir(&config.name)?;
        if dir.exists() {
            return Err(StreamError::Exists { stream: config.name.clone(), place: dir.display().to_string() });
        }
        let signer = note_signer(&config.origin, key)?;
        crate::private::create_dirs(&dir).map_err(io(format!("creating {}", dir.display())))?;
        // The key's PEM, or only the reference of a key held in a token.
        let stored = key.stored()?;
        write_file(&dir.join(KEY_FILE), stored.as_bytes(), 0o600, false)?;
        write_file(&dir.join(VKEY_FILE), format!("{}\n", signer.verifier().to_vkey()).as_bytes(), 0o644, false)?;
        // An empty log: its first checkpoint, signed.
        let store = SqliteStore::open(&dir)?;
        let log = Log::open(store.clone(), signer, BatchConfig::default()).await?;
        log.shutdown().await;
        store.flush()?;
        drop(store);
        write_file(&dir.join(CONFIG_FILE), &config.to_bytes(), 0o600, false)?;
        EventIndex::open(&dir.join(INDEX_FILE))?;
        Ok(())
    }

    async fn open(
        &self,
        config: &StreamConfig,
        key: &lading_stream::StreamKey,
    ) -> Result<SqliteOpenStream, StreamError> {
        let dir = self.dir(&config.name)?;
        let lock = lock(&dir)?;
        let signer = note_signer(&config.origin, key)?;
        // No leaf index: every entry is appended (the stream deduplicates by
        // event id, and its entries carry their sequence numbers, so no two
        // are alike).
        let store = match SqliteStore::open_unindexed(&dir) {
            Ok(store) => store,
            Err(StoreError::Locked(detail)) => return Err(locked(&dir, &detail)),
            Err(e) => return Err(e.into()),
        };
        let log =
            Log::open_appending_all(store.clone(), signer, BatchConfig { max_batch: 1, max_wait: Duration::ZERO })
                .await?;
        match EventIndex::open(&dir.join(INDEX_FILE)) {
            Ok(index) => Ok(SqliteOpenStream { log, store, index: Mutex::new(index), _lock: lock }),
            Err(e) => {
                log.shutdown().await;
                Err(e.into())
            }
        }
    }

    async fn indexed(&self, name: &str) -> Result<(u64, Option<i64>), StreamError> {
        let index = EventIndex::open(&self.dir(name)?.join(INDEX_FILE))?;
        Ok((index.next_sequence()?, index.latest_occurred_ms()?))
    }

    async fn holds(&self, name: &str) -> Result<Holds, StreamError> {
        let dir = self.dir(name)?;
        Self::read_config(&dir)?;
        Self::read_holds(&dir)
    }

    async fn update_holds<T: Send + 'static>(
        &self,
        name: &str,
        change: impl FnOnce(&mut Holds) -> Result<T, StreamError> + Send + 'static,
    ) -> Result<T, StreamError> {
        let dir = self.dir(name)?;
        Self::read_config(&dir)?;
        let _lock = lock(&dir)?;
        let mut holds = Self::read_holds(&dir)?;
        let out = change(&mut holds)?;
        write_file(&dir.join(HOLDS_FILE), &holds.to_bytes(), 0o600, true)?;
        Ok(out)
    }

    async fn tokens(&self, name: &str) -> Result<Vec<StreamToken>, StreamError> {
        Self::read_tokens(&self.dir(name)?)
    }

    async fn add_token(&self, name: &str, token: StreamToken) -> Result<(), StreamError> {
        let dir = self.dir(name)?;
        Self::read_config(&dir)?;
        let _lock = lock(&dir)?;
        let mut tokens = Self::read_tokens(&dir)?;
        tokens.push(token);
        write_file(&dir.join(TOKENS_FILE), &tokens_to_bytes(&tokens), 0o600, true)
    }

    async fn revoke_token(&self, name: &str, id: &str) -> Result<bool, StreamError> {
        let dir = self.dir(name)?;
        Self::read_config(&dir)?;
        let _lock = lock(&dir)?;
        let mut tokens = Self::read_tokens(&dir)?;
        let before = tokens.len();
        tokens.retain(|t| t.id != id);
        if tokens.len() == before {
            return Ok(false);
        }
        write_file(&dir.join(TOKENS_FILE), &tokens_to_bytes(&tokens), 0o600, true)?;
        Ok(true)
    }

    /// The names of the stream directories and the modification times and
    /// sizes of their settings and token files, hashed: a CLI that creates
    /// a stream or mints or revokes a token changes it.
    async fn changes(&self) -> Result<Option<i64>, StreamError> {
        use std::hash::{Hash as _, Hasher as _};
        let root = self.data.join("streams");
        let mut seen = Vec::new();
        if let Ok(entries) = fs::read_dir(&root) {
            for entry in entries.flatten() {
                let dir = entry.path();
                for file in [CONFIG_FILE, TOKENS_FILE] {
                    let meta = fs::metadata(dir.join(file)).ok();
                    seen.push((dir.clone(), file, meta.and_then(|m| Some((m.modified().ok()?, m.len())))));
                }
            }
        }
        seen.sort();
        let mut h = std::collections::hash_map::DefaultHasher::new();
        seen.hash(&mut h);
        Ok(Some(i64::from_ne_bytes(h.finish().to_ne_bytes())))
    }
}

/// An embedded stream open for writing: its lock, log and event index.
pub struct SqliteOpenStream {
    log: Log<SqliteStore>,
    store: SqliteStore,
    index: Mutex<EventIndex>,
    _lock: File,
}

impl SqliteOpenStream {
    fn ix(&self) -> std::sync::MutexGuard<'_, EventIndex> {
        self.index.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl OpenStream for SqliteOpenStream {
    type Log = SqliteStore;

    fn log(&self) -> &Log<SqliteStore> {
        &self.log
    }

    async fn next_indexed(&mut self) -> Result<u64, StreamError> {
        Ok(self.ix().next_sequence()?)
    }

    async fn latest_occurred_ms(&mut self) -> Result<Option<i64>, StreamError> {
        Ok(self.ix().latest_occurred_ms()?)
    }

    async fn known(&mut self, ids: Vec<String>) -> Result<HashSet<String>, StreamError> {
        Ok(self.ix().known(ids.iter().map(String::as_str))?)
    }

    async fn sequence_of(&mut self, event_id: String) -> Result<Option<u64>, StreamError> {
        Ok(self.ix().sequence_of(&event_id)?)
    }

    async fn index_events(&mut self, rows: Vec<IndexedEvent>) -> Result<(), StreamError> {
        Ok(self.ix().append(&rows)?)
    }

    async fn max_occurred_in(&mut self, from: u64, to: u64) -> Result<Option<i64>, StreamError> {
        Ok(self.ix().max_occurred_in(from, to)?)
    }

    async fn count_before(&mut self, ms: i64, from: u64, to: u64) -> Result<u64, StreamError> {
        Ok(self.ix().count_before(ms, from, to)?)
    }

    async fn first_at_or_after(&mut self, ms: i64, tolerance_ms: i64) -> Result<Option<u64>, StreamError> {
        Ok(self.ix().first_at_or_after(ms, tolerance_ms)?)
    }

    async fn last_before(&mut self, ms: i64, tolerance_ms: i64) -> Result<Option<u64>, StreamError> {
        Ok(self.ix().last_before(ms, tolerance_ms)?)
    }

    async fn has_entry_bundle(&self, bundle: u64) -> Result<bool, StreamError> {
        Ok(self.store.has_entry_bundle(bundle))
    }

    async fn prune_entry_bundle(&self, bundle: u64, size: u64) -> Result<bool, StreamError> {
        Ok(self.store.prune_entry_bundle(bundle, size)?)
    }

    async fn close(self) -> Result<(), StreamError> {
        self.log.shutdown().await;
        Ok(self.store.flush()?)
    }
}
