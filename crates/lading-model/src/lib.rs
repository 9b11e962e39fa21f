//! # lading-model
//!
//! The documents Lading signs, logs and bundles, as typed Rust values with a
//! JSON Schema (2020-12) per kind, plus the pure checks that make a document
//! consistent beyond what a schema can say.
//!
//! This crate does no I/O, spawns nothing and knows nothing of files, HTTP or
//! SQL: it turns bytes into checked documents and documents into canonical
//! bytes. Keys and signatures live in `lading-crypto`.
//!
//! ```
//! use lading_model::{Kind, parse_document};
//! use chrono::TimeZone;
//!
//! let now = chrono::Utc.with_ymd_and_hms(2026, 11, 27, 9, 0, 0).unwrap();
//! let example = lading_model::example(Kind::SaasRelease, uuid::Uuid::nil(), now);
//! let bytes = serde_json::to_vec(&example).unwrap();
//! let doc = parse_document(&bytes).expect("the example is valid");
//! assert_eq!(doc.kind(), Kind::SaasRelease);
//! assert_eq!(Kind::SaasRelease.type_uri(), "urn:lading:saas-release:v1");
//! ```

pub mod bundle;
mod check;
mod digest;
mod document;
mod example;
pub mod html;
pub mod inspection;
pub mod json;
pub mod maintenance;
pub mod meta;
pub mod release;
pub mod sampling;
pub mod schema;

pub use check::{Problem, relative_path_problem};
pub use digest::{DigestParseError, Sha256Digest, Sm3Digest};
pub use document::{Document, Kind, UnknownKind, parse_document, validate_value};
pub use example::example;
pub use json::{JsonError, Pointer};
