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
    #[error("log storage failed: {0}")]
    Backend(String),
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
}
