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
}

/// The state step of a batch: new leaves and the new state, applied atomically.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateUpdate {
    /// The size the batch extends; the backend refuses the update unless its
    /// stored size is exactly this (optimistic concurrency between writers).
    pub old_size: u64,
    /// Leaf hash and index of every new entry, for deduplication.
    pub leaves: Vec<(Hash, u64)>,
    /// The state after the batch, checkpoint included.
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

/// A log backend. A batch is made durable in two steps: [`LogStore::write_tiles`]
/// (hash tiles and entry bundles, each written atomically and durably), then
/// [`LogStore::commit`] (the new state and leaf index, atomically and
/// durably). A crash between or inside them leaves the old state; tiles
/// written beyond the stored size may remain and are overwritten by later
/// batches, as no checkpoint covers them. The conformance suite
/// ([`crate::conformance`]) checks exactly this.
pub trait LogStore: Send + Sync + 'static {
    /// The stored state, or `None` for a log that has never committed.
    fn load(&self) -> impl Future<Output = Result<Option<StoredState>, StoreError>> + Send;

    /// The index of each leaf hash already in the log, if any.
    fn lookup(&self, leaves: Vec<Hash>) -> impl Future<Output = Result<Vec<Option<u64>>, StoreError>> + Send;

    /// Durably writes tiles and entry bundles, replacing any at the same paths.
    fn write_tiles(&self, tiles: Vec<(TileId, Vec<u8>)>) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Durably and atomically applies a state update; fails with
    /// [`StoreError::Conflict`] unless the stored size is `update.old_size`.
    fn commit(&self, update: StateUpdate) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// The bytes of a tile or entry bundle, or `None` when it does not exist.
    fn read_tile(&self, tile: TileId) -> impl Future<Output = Result<Option<Vec<u8>>, StoreError>> + Send;
}
