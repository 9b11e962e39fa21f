//! Remote maintenance logs, I/O-free: sources normalised into
//! `maintenance-event` documents ([`input`], [`syslog`], [`otlp`]; what they
//! share is in [`event`]), batches checked
//! and numbered ([`batch`]), and segments exported and verified
//! ([`segment`]). Storage, the stream's log and files are the caller's.

pub mod batch;
pub mod event;
mod fields;
pub mod input;
pub mod otlp;
mod parallel;
pub mod segment;
pub mod syslog;

pub use batch::{Outcome, Prepared, Sequenced, StreamState, prepare_all, sequence_batch};
pub use event::{Context, LineError, Parsed};
pub use input::{Format, parse, prepare, prepare_bytes, prepare_message};
pub use segment::{Check, Export, SegmentError, Status, TimelineRow, Verification, export, verify};
