//! # lading-stream
//!
//! Maintenance streams: one transparency log per stream whose entries are
//! maintenance events, each event's `sequence` being its log index. This
//! crate holds what every deployment shares — the writer and its numbering
//! invariant ([`StreamWriter`]), duplicates and clock tolerance checked
//! against the stream, batches applied whole or not at all, retention and
//! legal holds ([`Holds`], [`ops::retention`]), token records, segment
//! export ([`ops::export`]) and the server's [`Sink`] — over the
//! [`StreamStore`] trait that each storage backend implements in its own
//! crate (`lading-store-sqlite`, `lading-store-postgres`);
//! [`conformance`] is the suite every backend runs.
//!
//! It is not a parser (events are normalised by `lading-maint`), knows no
//! SQL, files, HTTP or private key files: callers pass the stream's
//! signing key ([`StreamKey`]: in memory, or a signer held in a PKCS#11
//! token known by its URI), ids and times in.
//!
//! ```text
//! let config = StreamConfig::new(new_stream, id, now)?;
//! let vkey = ops::create(&store, &config, &key).await?;
//! let (outcome, appended, first) =
//!     ops::ingest(&store, "fleet", &key, false, now, |ctx| lading_maint::prepare(Format::Jsonl, ctx, &text)).await?;
//! ```

pub mod config;
pub mod conformance;
mod error;
pub mod holds;
pub mod key;
pub mod ops;
pub mod sink;
pub mod store;
pub mod writer;

pub use config::{MIN_RETENTION_DAYS, NewStream, STREAM_FORMAT, StreamConfig, check_name};
pub use error::StreamError;
pub use holds::{HOLDS_FORMAT, Hold, Holds, StreamToken, parse_tokens, tokens_to_bytes};
pub use key::StreamKey;
pub use sink::{IngestError, KeySource, Sink};
pub use store::{IndexedEvent, OpenStream, StreamStore};
pub use writer::{Applied, BUNDLE, Request, StreamWriter};

/// The note signer of a stream's log with `origin` (see [`StreamKey::note_signer`]).
pub fn note_signer(origin: &str, key: &StreamKey) -> Result<lading_tlog::NoteSigner, StreamError> {
    key.note_signer(origin)
}
