//! The storage contract every stream backend implements.
//!
//! A backend keeps, per stream: its settings, its transparency log (the
//! record; a [`LogStore`]), an event index derived from the log (event id
//! and occurrence time by sequence), legal holds and token hashes. Private
//! keys are never the backend's: callers pass the stream's signing key in.

use std::collections::HashSet;
use std::future::Future;

use lading_log::{Log, LogStore};

use crate::{Holds, StreamConfig, StreamError, StreamToken};

/// One indexed event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexedEvent {
    /// Sequence number (log index).
    pub sequence: u64,
    /// Event id.
    pub event_id: String,
    /// `occurred_at`, milliseconds since the Unix epoch.
    pub occurred_ms: i64,
}

/// A deployment's streams.
pub trait StreamStore: Clone + Send + Sync + 'static {
    /// The log backend of an open stream.
    type Log: LogStore + Clone;
    /// A stream opened by [`open`](Self::open).
    type Open: OpenStream<Log = Self::Log>;

    /// Every stream's settings, by name.
    fn streams(&self) -> impl Future<Output = Result<Vec<StreamConfig>, StreamError>> + Send;
    /// One stream's settings; [`StreamError::NotFound`] when there is none.
    fn config(&self, name: &str) -> impl Future<Output = Result<StreamConfig, StreamError>> + Send;
    /// Creates a stream with an empty log signed by `key`; refuses a name in use.
    fn create(
        &self,
        config: &StreamConfig,
        key: &crate::StreamKey,
    ) -> impl Future<Output = Result<(), StreamError>> + Send;
    /// Opens a stream for writing and reading, exclusively: while it is
    /// open nobody else appends to it (a second opener waits a while, then
    /// gets [`StreamError::Busy`]). `key` signs its checkpoints.
    fn open(
        &self,
        config: &StreamConfig,
        key: &crate::StreamKey,
    ) -> impl Future<Output = Result<Self::Open, StreamError>> + Send;
    /// The size of the event index and its latest occurrence time, read
    /// without the writer's lock (it may lag the log by the last batch).
    fn indexed(&self, name: &str) -> impl Future<Output = Result<(u64, Option<i64>), StreamError>> + Send;
    /// The stream's holds.
    fn holds(&self, name: &str) -> impl Future<Output = Result<Holds, StreamError>> + Send;
    /// Changes the stream's holds with `change`, atomically under the
    /// writer's lock; nothing is stored when `change` fails.
    fn update_holds<T: Send + 'static>(
        &self,
        name: &str,
        change: impl FnOnce(&mut Holds) -> Result<T, StreamError> + Send + 'static,
    ) -> impl Future<Output = Result<T, StreamError>> + Send;
    /// The stream's tokens (hashes only).
    fn tokens(&self, name: &str) -> impl Future<Output = Result<Vec<StreamToken>, StreamError>> + Send;
    /// Adds a token.
    fn add_token(&self, name: &str, token: StreamToken) -> impl Future<Output = Result<(), StreamError>> + Send;
    /// Removes token `id` of the stream; returns whether there was one.
    fn revoke_token(&self, name: &str, id: &str) -> impl Future<Output = Result<bool, StreamError>> + Send;
    /// A value that changes whenever any process creates a stream or adds
    /// or revokes a token, so a server can reload its streams and tokens
    /// (see [`Sink::watch`](crate::Sink::watch)); `None` when the backend
    /// does not track changes.
    fn changes(&self) -> impl Future<Output = Result<Option<i64>, StreamError>> + Send {
        async { Ok(None) }
    }
    /// Whether several processes write this deployment's streams (front-ends
    /// on one database): a [`Sink`](crate::Sink)'s writer then gives the
    /// stream up after each commit, so writers on other front-ends take turns.
    fn shared(&self) -> bool {
        false
    }
}

/// A stream open for writing: its log and its event index. Dropping it
/// without [`close`](Self::close) loses nothing durable.
pub trait OpenStream: Send + 'static {
    /// The log backend.
    type Log: LogStore + Clone;

    /// The stream's log.
    fn log(&self) -> &Log<Self::Log>;
    /// The sequence after the last indexed event.
    fn next_indexed(&mut self) -> impl Future<Output = Result<u64, StreamError>> + Send;
    /// The latest occurrence time indexed.
    fn latest_occurred_ms(&mut self) -> impl Future<Output = Result<Option<i64>, StreamError>> + Send;
    /// Which of `ids` are indexed.
    fn known(&mut self, ids: Vec<String>) -> impl Future<Output = Result<HashSet<String>, StreamError>> + Send;
    /// The sequence number of the event `event_id`, when indexed.
    fn sequence_of(&mut self, event_id: String) -> impl Future<Output = Result<Option<u64>, StreamError>> + Send;
    /// Indexes events continuing the index, in one transaction.
    fn index_events(&mut self, rows: Vec<IndexedEvent>) -> impl Future<Output = Result<(), StreamError>> + Send;
    /// The latest occurrence time among sequences `[from, to)`.
    fn max_occurred_in(&mut self, from: u64, to: u64) -> impl Future<Output = Result<Option<i64>, StreamError>> + Send;
    /// How many events in `[from, to)` occurred before `ms`.
    fn count_before(&mut self, ms: i64, from: u64, to: u64) -> impl Future<Output = Result<u64, StreamError>> + Send;
    /// The first sequence whose event occurred at or after `ms` (events are
    /// in time order within `tolerance_ms`).
    fn first_at_or_after(
        &mut self,
        ms: i64,
        tolerance_ms: i64,
    ) -> impl Future<Output = Result<Option<u64>, StreamError>> + Send;
    /// The last sequence whose event occurred before `ms`.
    fn last_before(
        &mut self,
        ms: i64,
        tolerance_ms: i64,
    ) -> impl Future<Output = Result<Option<u64>, StreamError>> + Send;
    /// Whether the bodies of full entry bundle `bundle` (256 events) are kept.
    fn has_entry_bundle(&self, bundle: u64) -> impl Future<Output = Result<bool, StreamError>> + Send;
    /// Deletes the bodies of full entry bundle `bundle` (the leaf hashes
    /// stay); returns whether anything was deleted.
    fn prune_entry_bundle(&self, bundle: u64, size: u64) -> impl Future<Output = Result<bool, StreamError>> + Send;
    /// Closes the stream, making what was published durable.
    fn close(self) -> impl Future<Output = Result<(), StreamError>> + Send;
}
