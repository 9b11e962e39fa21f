//! # lading-crypto
//!
//! Keys and signatures for Lading: Ed25519 (default), ECDSA P-256 and SM2
//! (with SM3 and the GB/T 32918 default user id), PKCS#8 / SPKI PEM keys with
//! key id = hex SHA-256 of the SPKI DER, DSSE envelopes, in-toto
//! Statement v1 carrying a Lading document, and W3C Data Integrity proofs
//! (`eddsa-jcs-2022`, [`di`]) with `did:key` identifiers for credentials.
//!
//! This crate does no I/O: it turns bytes into keys and envelopes and back.
//! Reading files and choosing file modes is the caller's business.
//!
//! ```
//! use lading_crypto::{Algorithm, SigningKey, sign_document, verify_statement};
//! use chrono::TimeZone;
//!
//! let key = SigningKey::generate(Algorithm::Ed25519).unwrap();
//! let now = chrono::Utc.with_ymd_and_hms(2026, 11, 27, 9, 0, 0).unwrap();
//! let doc = lading_model::example(lading_model::Kind::MaintenanceEvent, uuid::Uuid::nil(), now);
//! let envelope = sign_document(&doc, &key).unwrap();
//! let verified = verify_statement(&envelope, &key.verifying_key()).unwrap();
//! assert_eq!(verified.statement.predicate_type, "urn:lading:maintenance-event:v1");
//! ```

pub mod di;
pub mod dsse;
pub mod key;
mod pem;
pub mod signer;
pub mod statement;

pub use dsse::{Envelope, EnvelopeError, IN_TOTO_PAYLOAD_TYPE, pae};
pub use key::{Algorithm, KeyError, KeyId, SM2_DEFAULT_ID, SignatureError, SigningKey, VerifyingKey};
pub use signer::{Ed25519Signer, SignError, Signer};
pub use statement::{
    Statement, StatementError, Subject, VerifiedStatement, registry_leaf, sign_document, verify_statement,
};
