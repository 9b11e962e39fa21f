//! Why a stream operation failed.

use lading_log::{LogError, StoreError};
use lading_model::maintenance::STREAM_NAME_PATTERN;

/// A stream operation's failure, each naming the stream, file or range it is about.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StreamError {
    /// The name is not a valid stream name.
    #[error("stream name {0:?} must match {STREAM_NAME_PATTERN}")]
    BadName(String),
    /// No stream of that name (the detail says where it was looked for).
    #[error("{detail}")]
    NotFound {
        /// The stream.
        stream: String,
        /// Where it was looked for, and what to do.
        detail: String,
    },
    /// A stream of that name exists already.
    #[error("stream {stream} already exists in {place}")]
    Exists {
        /// The stream.
        stream: String,
        /// Where (a directory, a database).
        place: String,
    },
    /// Settings, a hold or a request that the stream refuses.
    #[error("{0}")]
    Invalid(String),
    /// Another writer holds the stream.
    #[error("{0}")]
    Busy(String),
    /// Events whose bodies were pruned were asked for.
    #[error("events [{from}, {to}) were pruned under the retention policy; their leaf hashes remain in the log")]
    Pruned {
        /// First pruned sequence.
        from: u64,
        /// End of the pruned range (exclusive).
        to: u64,
    },
    /// The event index could not be brought up to the log.
    #[error("rebuilding the event index from the log")]
    Reindex(#[source] Box<StreamError>),
    /// The event index records more events than the log holds.
    #[error("the event index is ahead of the log ({next} > {size}); {remedy}")]
    IndexAhead {
        /// The index's next sequence.
        next: u64,
        /// The log's size.
        size: u64,
        /// How to rebuild it.
        remedy: String,
    },
    /// The log placed an event elsewhere than its number: another writer.
    #[error(
        "the log placed line {line} at index {index} but it was numbered {sequence}; the stream was written concurrently"
    )]
    Concurrent {
        /// The event's source line.
        line: usize,
        /// Where the log put it.
        index: u64,
        /// The number it carries.
        sequence: u64,
    },
    /// A stored file or row is damaged.
    #[error("{0}")]
    Corrupt(String),
    /// The storage backend failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The stream's log failed.
    #[error(transparent)]
    Log(#[from] LogError),
    /// A segment could not be built.
    #[error(transparent)]
    Segment(#[from] lading_maint::SegmentError),
    /// The stream cannot take requests now (queue full, writer stopped).
    #[error("{0}")]
    Unavailable(String),
}
