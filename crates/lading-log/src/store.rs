//! The storage contract every log backend implements.

use std::future::Future;

use lading_tlog::{Hash, TileId};

/// What a backend persists about a log besides its tiles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredState {
    /// Number of entries.
    pub size: u64,
    /// The tree's frontier: roots of its maximal complete subtrees, largest first.
    pub frontier: Vec<Hash>,
    /// The latest signed checkpoint (signed-note text) for `size`.
    pub checkpoint: String,
    /// The partial (rightmost, not full) hash tiles and entry bundle of
    /// `size`. They are part of the durable state, so only *full* tiles need
    /// a durable write of their own; a backend may publish partial tiles as
    /// files or rows without fsync and restore them from here after a crash.
    pub partial: Vec<(TileId, Vec<u8>)>,
}

/// One durable step of a log: the new leaves, the full tiles and entry
/// bundles they completed, and the new state (with its partial tiles).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch {
    /// The size the batch extends; the backend refuses the batch unless its
    /// stored size is exactly this (optimistic concurrency between writers).
    pub old_size: u64,
    /// Leaf hash and index of every new entry, for deduplication.
    pub leaves: Vec<(Hash, u64)>,
    /// Full hash tiles and entry bundles completed by the batch.
    pub full_tiles: Vec<(TileId, Vec<u8>)>,
    /// The state after the batch, checkpoint and partial tiles included.
    pub state: StoredState,
}

/// Why a backend operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// Another writer moved the log on: the stored size is not the batch's `old_size`.
    #[error("log was changed by another writer: stored size {stored}, batch expected {expected}")]
    Conflict {
        /// Size found in storage.
        stored: u64,
        /// Size the batch expected.
        expected: u64,
    },
    /// Stored data is damaged or inconsistent.
    #[error("log storage is damaged: {0}")]
    Corrupt(String),
    /// The backend failed (I/O, database).
    #[error("log storage failed: {context}")]
    Backend {
        /// What failed, and where (a file, a table).
        context: String,
        /// The driver's or the operating system's error, kept so callers can
        /// tell faults apart (a full disk, a lost connection) and print the chain.
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
    },
    /// Another process holds the log (a running `lading serve`, or another
    /// command): one process at a time writes a log.
    #[error("log is locked by another process: {0}")]
    Locked(String),
}

/// An error and its causes on one line ("log storage failed: log.db: disk
/// I/O error"), for messages that outlive the error value (a stopped
/// sequencer's reason, an HTTP problem document).
pub fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        let more = c.to_string();
        // Wrappers that print their source themselves would repeat it.
        if !text.ends_with(&more) {
            text.push_str(": ");
            text.push_str(&more);
        }
        cause = c.source();
    }
    text
}

impl StoreError {
    /// The backend failed doing `context` because of `source`.
    pub fn backend(context: impl Into<String>, source: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        Self::Backend { context: context.into(), source: Some(source.into()) }
    }

    /// The backend refused something with no underlying error to keep.
    pub fn backend_msg(context: impl Into<String>) -> Self {
        Self::Backend { context: context.into(), source: None }
    }
}

/// A log backend.
///
/// [`LogStore::commit`] is the one durable step of a batch: when it returns,
/// the batch (state, full tiles, partial tiles, leaves) survives a crash at
/// any later moment; if it fails or the process dies inside it, the stored
/// state is the old one. How a backend gets there is its own business (the
/// SQLite backend makes it one WAL fsync). After `commit` returns,
/// [`LogStore::read_tile`] serves every tile of the new state, and
/// [`LogStore::lookup`] answers exactly for every committed leaf. The
/// conformance suite ([`crate::conformance`]) checks all of this.
pub trait LogStore: Send + Sync + 'static {
    /// The stored state, or `None` for a log that has never committed.
    fn load(&self) -> impl Future<Output = Result<Option<StoredState>, StoreError>> + Send;

    /// The index of each leaf hash already in the log, if any.
    fn lookup(&self, leaves: Vec<Hash>) -> impl Future<Output = Result<Vec<Option<u64>>, StoreError>> + Send;

    /// Durably and atomically applies a batch; fails with
    /// [`StoreError::Conflict`] unless the stored size is `batch.old_size`.
    fn commit(&self, batch: Batch) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// The bytes of a tile or entry bundle, or `None` when it does not exist.
    fn read_tile(&self, tile: TileId) -> impl Future<Output = Result<Option<Vec<u8>>, StoreError>> + Send;

    /// Several tiles at once, in the order asked (`None` for each that does
    /// not exist): a backend across a network answers in one round trip.
    fn read_tiles(&self, tiles: Vec<TileId>) -> impl Future<Output = Result<Vec<Option<Vec<u8>>>, StoreError>> + Send {
        async move {
            let mut out = Vec::with_capacity(tiles.len());
            for t in tiles {
                out.push(self.read_tile(t).await?);
            }
            Ok(out)
        }
    }

    /// The latest checkpoint this log signed, as the backend keeps it apart
    /// from the state [`LogStore::load`] returns (the SQLite backend: a file
    /// beside its database, written after each commit), so that a state
    /// rolled back — a lost write-ahead log, a restored backup — or swapped
    /// for another history is told apart from the log's own past. `None`:
    /// no such record (a log that never committed, or a backend that keeps
    /// none). [`crate::Log`] refuses to open over a state smaller than or
    /// inconsistent with it.
    fn last_signed(&self) -> impl Future<Output = Result<Option<String>, StoreError>> + Send {
        std::future::ready(Ok(None))
    }

    /// Checks, with a real write, that the backend takes writes now (a file
    /// written and synced on the log's file system; a write transaction on
    /// the database's primary). Used by readiness checks and by a sequencer
    /// waiting out a storage fault. The default does nothing.
    fn probe_writable(&self) -> impl Future<Output = Result<(), StoreError>> + Send {
        std::future::ready(Ok(()))
    }
}

// One byte encoding of a `StoredState`'s frontier and partial tiles, for
// every backend that keeps them as byte strings (SQLite, PostgreSQL).

/// The frontier as stored: its hashes concatenated.
pub fn encode_frontier(frontier: &[Hash]) -> Vec<u8> {
    frontier.iter().flat_map(|h| h.0).collect()
}

/// Reads [`encode_frontier`]'s bytes back.
pub fn decode_frontier(bytes: &[u8]) -> Result<Vec<Hash>, StoreError> {
    if !bytes.len().is_multiple_of(32) {
        return Err(StoreError::Corrupt(format!("stored frontier is {} bytes, not a multiple of 32", bytes.len())));
    }
    Ok(bytes.chunks_exact(32).map(|c| Hash(c.try_into().unwrap_or([0; 32]))).collect())
}

/// The partial tiles as stored: `u16 path length ‖ path ‖ u32 length ‖ bytes`, per tile.
pub fn encode_partial(partial: &[(TileId, Vec<u8>)]) -> Vec<u8> {
    let mut out = Vec::new();
    for (id, bytes) in partial {
        let path = id.path();
        out.extend_from_slice(&(path.len() as u16).to_be_bytes());
        out.extend_from_slice(path.as_bytes());
        out.extend_from_slice(&(bytes.len() as u32).to_be_bytes());
        out.extend_from_slice(bytes);
    }
    out
}

/// Reads [`encode_partial`]'s bytes back.
pub fn decode_partial(mut bytes: &[u8]) -> Result<Vec<(TileId, Vec<u8>)>, StoreError> {
    let bad = |m: &str| StoreError::Corrupt(format!("stored partial tiles: {m}"));
    let mut out = Vec::new();
    while !bytes.is_empty() {
        let (len, rest) = bytes.split_at_checked(2).ok_or_else(|| bad("truncated"))?;
        let (path, rest) =
            rest.split_at_checked(usize::from(u16::from_be_bytes([len[0], len[1]]))).ok_or_else(|| bad("truncated"))?;
        let path = std::str::from_utf8(path).map_err(|_| bad("path is not UTF-8"))?;
        let id = TileId::parse_path(path).map_err(|e| bad(&e.to_string()))?;
        let (len, rest) = rest.split_at_checked(4).ok_or_else(|| bad("truncated"))?;
        let n = u32::from_be_bytes([len[0], len[1], len[2], len[3]]) as usize;
        let (data, rest) = rest.split_at_checked(n).ok_or_else(|| bad("truncated"))?;
        out.push((id, data.to_vec()));
        bytes = rest;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::{StoreError, error_chain};

    /// Regression: `Backend` kept only a string, so a caller could not tell a
    /// full disk from a lost connection, and the driver's error was gone.
    #[test]
    fn a_backend_error_keeps_its_source_and_prints_the_chain() {
        let full = std::io::Error::new(std::io::ErrorKind::StorageFull, "No space left on device");
        let e = StoreError::backend("writing tile/0/000", full);
        let source = std::error::Error::source(&e).expect("the source is kept");
        let io = source.downcast_ref::<std::io::Error>().expect("an io::Error");
        assert_eq!(io.kind(), std::io::ErrorKind::StorageFull);
        assert_eq!(e.to_string(), "log storage failed: writing tile/0/000");
        assert_eq!(error_chain(&e), "log storage failed: writing tile/0/000: No space left on device");
        let plain = StoreError::backend_msg("entry bundle 3 is not full");
        assert!(std::error::Error::source(&plain).is_none());
        assert_eq!(error_chain(&plain), "log storage failed: entry bundle 3 is not full");
    }
}
