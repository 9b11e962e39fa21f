//! # lading-log
//!
//! The log service core: a batching sequencer (group commit: one durable
//! step per batch, bounded by size and wait), integration of new entries into
//! the Merkle tree and its C2SP tiles, deduplication (an identical entry gets
//! its existing index), checkpoint signing, receipts and consistency proofs.
//!
//! Storage is the [`LogStore`] trait; each backend lives in its own crate
//! (`lading-store-sqlite`, later `lading-store-postgres`) and must pass the
//! [`conformance`] suite. This crate knows nothing of files, SQL or HTTP.
//!
//! ```text
//! let log = Log::open(store, signer, BatchConfig::default()).await?;
//! let appended = log.append(b"entry".to_vec()).await?;   // durable when it returns
//! let receipt = log.prove(appended.index).await?;        // c2sp.org/tlog-proof@v1
//! ```

pub mod conformance;
mod integrate;
mod log;
pub mod registry;
mod store;

pub use integrate::{Integrator, ResumeError};
pub use log::{Appended, BatchConfig, BatchObserver, Log, LogError, SequencerHealth};
pub use registry::{LogDefinition, LogWitness, ProviderKey, Registry, Scope, SearchKey, TokenRecord};
pub use store::{
    Batch, LogStore, StoreError, StoredState, decode_frontier, decode_partial, encode_frontier, encode_partial,
    error_chain,
};
