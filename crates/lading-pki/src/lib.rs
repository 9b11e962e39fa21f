//! # lading-pki
//!
//! X.509 for Lading: signer identities from certificates.
//!
//! - [`parse`]: PEM or DER certificate chains and CRLs, with errors naming the
//!   certificate's position (and PEM line).
//! - [`path`]: RFC 5280 path validation against caller-supplied trust anchors:
//!   signatures (SM2-with-SM3 with the GB/T 32918 default distinguishing id
//!   `1234567812345678`, ECDSA P-256/SHA-256, Ed25519), validity at a given
//!   time, basicConstraints and pathLen, keyUsage, extended key usage where
//!   present, unknown critical extensions refused, a chain length cap, and
//!   revocation by CRL at that time ([`crl`]).
//! - [`identity`]: who a certificate names (subject, organizationIdentifier,
//!   serialNumber — the unified social credit code —, issuer, serial).
//! - [`bundle`]: certificate-bound Sigstore bundles v0.3 (DSSE envelope,
//!   certificate chain, RFC 3161 timestamps).
//! - [`timestamp`]: RFC 3161 tokens — the client's request and reply
//!   checks, verification against trusted TSA roots at genTime, and a TSA
//!   that issues tokens; [`tsp`] holds the ASN.1.
//! - [`issue`]: a small test CA (roots, intermediates, leaves, TSA
//!   certificates, CRLs) signing through lading-crypto's [`Signer`] (a key in memory or in a token).
//!
//! What it is not: a certificate store, an HTTP client or a policy engine.
//! Validation does no I/O; the caller reads files and chooses the time.
//!
//! ```
//! use chrono::{Duration, Utc};
//! use lading_crypto::{Algorithm, SigningKey};
//! use lading_pki::issue::{CertProfile, IssueRequest, issue_certificate};
//! use lading_pki::path::{Options, validate};
//!
//! let now = Utc::now();
//! let root_key = SigningKey::generate(Algorithm::Sm2).unwrap();
//! let root = issue_certificate(&IssueRequest::self_signed(
//!     "CN=Test Root,O=Example", CertProfile::Ca { path_len: None }, now, now + Duration::days(30),
//! ), &root_key).unwrap();
//! let leaf_key = SigningKey::generate(Algorithm::Ed25519).unwrap();
//! let leaf = issue_certificate(&IssueRequest::issued_by(
//!     "CN=Signer,O=Example", &root, &leaf_key.verifying_key(), CertProfile::Signer, now, now + Duration::days(30),
//! ), &root_key).unwrap();
//! let path = validate(&[leaf], &[root], &Options::at(now)).unwrap();
//! assert_eq!(path.signer().common_name.as_deref(), Some("Signer"));
//! ```
//!
//! [`SigningKey`]: lading_crypto::SigningKey
//! [`Signer`]: lading_crypto::Signer

pub mod bundle;
pub mod crl;
pub mod identity;
pub mod issue;
pub mod oid;
pub mod parse;
pub mod path;
mod sig;
#[cfg(test)]
mod tests;
pub mod timestamp;
#[cfg(test)]
mod timestamp_tests;
pub mod tsp;

pub use identity::Identity;
pub use parse::{ParseError, certificates_to_pem, crl_to_pem, parse_certificates, parse_crls};
pub use path::{Options, PathError, Position, Purpose, ValidatedPath, Violation, validate};
pub use x509_cert::{Certificate, crl::CertificateList};
