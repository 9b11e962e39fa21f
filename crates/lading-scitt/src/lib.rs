//! # lading-scitt
//!
//! IETF SCITT for Lading, I/O-free: signed statements (RFC 9943, a COSE_Sign1
//! of RFC 9052 with CWT claims in the protected header), COSE receipts of
//! inclusion (RFC 9942, verifiable data structure `RFC9162_SHA256`),
//! transparent statements (receipts in unprotected header 394), and the
//! bodies of the SCITT Reference APIs (draft-ietf-scitt-scrapi): COSE key
//! sets, the transparency configuration and RFC 9290 concise problem details.
//!
//! What it is not: an HTTP server (that is `lading-server`), a log (that is
//! `lading-log`), or a general COSE library (that is `coset`, which this crate
//! uses for every COSE structure). Every input from outside first passes a
//! strict CBOR pre-parse ([`cbor::check`]): no indefinite lengths, no
//! duplicate map keys, bounded depth and size.
//!
//! How the log entry is derived from a signed statement ([`SignedStatement::entry`]):
//! RFC 9943 §"Registration" requires the unprotected header to be emptied
//! before a statement joins the log, so the entry is the SHA-256 of the
//! tagged COSE_Sign1 re-assembled from the statement's own protected header,
//! payload and signature bytes with `{}` as unprotected header; the Merkle
//! leaf is RFC 9162's `SHA-256(0x00 ‖ entry)`. Receipts and statements can
//! thus be re-checked by any COSE implementation and a SHA-256.
//!
//! ```
//! use lading_crypto::{Algorithm, SigningKey};
//! use lading_scitt::{Binding, Claims, Payload, SignedStatement, build_statement};
//!
//! let key = SigningKey::generate(Algorithm::Ed25519).unwrap();
//! let issuer = lading_scitt::key::did_key(&key.verifying_key()).unwrap();
//! let bytes = build_statement(
//!     &Payload::Embedded { content_type: "application/json".into(), bytes: b"{}".to_vec() },
//!     &Claims { issuer, subject: "maintenance-event/1".into(), issued_at: Some(1_764_000_000) },
//!     &Binding::Key { kid: lading_scitt::key::lading_kid(&key.verifying_key()) },
//!     &key,
//! ).unwrap();
//! let statement = SignedStatement::parse(&bytes).unwrap();
//! statement.verify_signature(&key.verifying_key()).unwrap();
//! ```

pub mod cbor;
pub mod key;
pub mod policy;
pub mod receipt;
pub mod scrapi;
pub mod statement;

pub use key::{CoseAlgorithm, CoseSigner};
pub use receipt::{InclusionProof, Receipt, ReceiptClaims, VerifiedReceipt, build_receipt};
pub use statement::{Binding, Claims, Content, Payload, SignedStatement, build_statement};

/// COSE header labels and values used here (IANA COSE registries, RFC 9597,
/// RFC 9942, draft-ietf-cose-hash-envelope).
pub mod label {
    /// `alg`.
    pub const ALG: i64 = 1;
    /// `crit`.
    pub const CRIT: i64 = 2;
    /// `content type`.
    pub const CONTENT_TYPE: i64 = 3;
    /// `kid`.
    pub const KID: i64 = 4;
    /// `CWT Claims` (RFC 9597).
    pub const CWT_CLAIMS: i64 = 15;
    /// `typ` (RFC 9596).
    pub const TYP: i64 = 16;
    /// `x5chain` (RFC 9360).
    pub const X5CHAIN: i64 = 33;
    /// `x5t` (RFC 9360).
    pub const X5T: i64 = 34;
    /// `payload-hash-alg` (hash envelope).
    pub const PAYLOAD_HASH_ALG: i64 = 258;
    /// `preimage content type` (hash envelope).
    pub const PREIMAGE_CONTENT_TYPE: i64 = 259;
    /// `payload-location` (hash envelope).
    pub const PAYLOAD_LOCATION: i64 = 260;
    /// `receipts` (RFC 9942), unprotected.
    pub const RECEIPTS: i64 = 394;
    /// `vds` (RFC 9942), protected.
    pub const VDS: i64 = 395;
    /// `vdp` (RFC 9942), unprotected.
    pub const VDP: i64 = 396;
    /// Inclusion proofs inside `vdp`.
    pub const INCLUSION_PROOFS: i64 = -1;
    /// `RFC9162_SHA256`, the only verifiable data structure Lading issues.
    pub const VDS_RFC9162_SHA256: i64 = 1;
    /// SHA-256 in the COSE algorithms registry (for `payload-hash-alg`, `x5t`).
    pub const SHA_256: i64 = -16;
    /// CWT `iss`.
    pub const CLAIM_ISS: i64 = 1;
    /// CWT `sub`.
    pub const CLAIM_SUB: i64 = 2;
    /// CWT `iat`.
    pub const CLAIM_IAT: i64 = 6;
}

/// Media types.
pub mod media {
    /// A COSE object (RFC 9052), as SCRAPI sends statements and receipts.
    pub const COSE: &str = "application/cose";
    /// CBOR.
    pub const CBOR: &str = "application/cbor";
    /// RFC 9290 concise problem details.
    pub const PROBLEM: &str = "application/concise-problem-details+cbor";
    /// A Lading document (JSON), as a statement payload.
    pub const LADING_DOCUMENT: &str = "application/vnd.lading.document+json";
    /// A DSSE envelope Lading made, as a statement payload.
    pub const DSSE: &str = "application/vnd.dsse.envelope.v1+json";
    /// A Sigstore bundle v0.3 (a DSSE envelope Lading made), as a statement payload.
    pub const SIGSTORE_BUNDLE_V03: &str = "application/vnd.dev.sigstore.bundle.v0.3+json";
    /// A Sigstore bundle v0.2 (Lading writes it for certificate chains), as a statement payload.
    pub const SIGSTORE_BUNDLE_V02: &str = "application/vnd.dev.sigstore.bundle+json;version=0.2";
    /// A release package (`.lading` ZIP), as a hash envelope's preimage.
    pub const LADING_PACKAGE: &str = "application/vnd.lading.package+zip";
}

/// Why a COSE object could not be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ScittError {
    /// The key cannot sign COSE (SM2) or gave an unusable signature.
    #[error("{0}")]
    UnsupportedKey(String),
    /// The issuer is not usable.
    #[error("issuer: {0}")]
    Issuer(String),
    /// CBOR encoding failed.
    #[error("CBOR encoding failed: {0}")]
    Encode(String),
    /// The signer failed (a token, for example).
    #[error("signing failed: {0}")]
    Signer(String),
}
