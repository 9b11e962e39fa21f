//! Remote maintenance logs, I/O-free: sources normalised into
//! `maintenance-event` documents ([`input`], [`syslog`]), batches checked
//! and numbered ([`batch`]), and segments exported and verified
//! ([`segment`]). Storage, the stream's log and files are the caller's.

pub mod batch;
mod fields;
pub mod input;
pub mod otlp;
mod parallel;
pub mod segment;
pub mod syslog;

pub use batch::{Outcome, Prepared, Sequenced, StreamState, prepare_all, sequence_batch};
pub use input::{Context, Format, LineError, Parsed, parse, prepare};
pub use segment::{Check, Export, SegmentError, Status, TimelineRow, Verification, export, verify};
