//! RFC 5280 certification path validation.
//!
//! The caller gives the chain as presented (leaf first, then intermediates;
//! a copy of the root at the end is tolerated), the trust anchors, the time to
//! judge validity at, the purpose and any CRLs. The path is built by issuer
//! name, each signature verified by the next certificate's key, and every
//! certificate checked at that time:
//!
//! | rule | RFC 5280 |
//! |---|---|
//! | signature by the issuer, same algorithm inside and outside | 6.1.3 (a)(1), 4.1.1.2 |
//! | notBefore ≤ time ≤ notAfter | 6.1.3 (a)(2) |
//! | not revoked at the time (CRL signed by the issuer and fresh) | 6.1.3 (a)(3), 6.3 |
//! | issuers: basicConstraints cA, pathLenConstraint | 6.1.4 (k), (l), (m) |
//! | issuers: keyUsage keyCertSign when keyUsage is present | 6.1.4 (n) |
//! | leaf: keyUsage digitalSignature when keyUsage is present | 4.2.1.3 |
//! | extKeyUsage, where present, allows the purpose (TSA: critical, timeStamping only, RFC 3161 2.3) | 4.2.1.12 |
//! | no unrecognised critical extension, no extension twice | 6.1.4 (o), 4.2 |
//!
//! Not implemented, and therefore refused when marked critical: name
//! constraints and policy constraints. Certificate policies are accepted
//! without processing (the initial policy set is anyPolicy and no explicit
//! policy is required). The trust anchor's validity is checked too, which is
//! stricter than RFC 5280 asks.

use std::fmt;

use chrono::{DateTime, SecondsFormat, Utc};
use der::Encode;
use der::asn1::ObjectIdentifier;
use lading_crypto::VerifyingKey;
use x509_cert::Certificate;
use x509_cert::certificate::Version;
use x509_cert::crl::CertificateList;
use x509_cert::ext::pkix::{BasicConstraints, ExtendedKeyUsage, KeyUsage};

use crate::identity::{Identity, display_name, to_chrono};
use crate::{crl, oid, sig};

/// The default cap on certificates in a path, the trust anchor included.
pub const DEFAULT_MAX_PATH: usize = 6;

/// What the leaf certificate is used for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Signing documents: an extKeyUsage, if present, must allow document
    /// signing, code signing, e-mail protection or any purpose.
    DocumentSigning,
    /// An RFC 3161 time-stamp authority: extKeyUsage present, critical, and
    /// timeStamping only.
    TimeStamping,
    /// No usage constraint on the leaf beyond keyUsage digitalSignature.
    Any,
}

/// How to validate.
#[derive(Debug, Clone)]
pub struct Options<'a> {
    /// The time validity and revocation are judged at.
    pub at: DateTime<Utc>,
    /// The leaf's purpose.
    pub purpose: Purpose,
    /// CRLs to consult; a certificate whose issuer has none is reported as
    /// not checked for revocation.
    pub crls: &'a [CertificateList],
    /// The most certificates a path may have, anchor included.
    pub max_path: usize,
}

impl Options<'static> {
    /// Document signing at `at`, no CRLs, the default length cap.
    pub fn at(at: DateTime<Utc>) -> Self {
        Options { at, purpose: Purpose::DocumentSigning, crls: &[], max_path: DEFAULT_MAX_PATH }
    }
}

impl<'a> Options<'a> {
    /// The same options with these CRLs.
    pub fn with_crls<'b>(self, crls: &'b [CertificateList]) -> Options<'b> {
        Options { at: self.at, purpose: self.purpose, crls, max_path: self.max_path }
    }

    /// The same options for another purpose.
    pub fn for_purpose(mut self, purpose: Purpose) -> Self {
        self.purpose = purpose;
        self
    }
}

/// Where a certificate sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Position {
    /// Index in the presented chain (0 = leaf).
    Chain(usize),
    /// Index among the trust anchors given.
    Anchor(usize),
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Position::Chain(0) => f.write_str("certificate #0 (leaf)"),
            Position::Chain(i) => write!(f, "certificate #{i} in the chain"),
            Position::Anchor(i) => write!(f, "trust anchor #{i}"),
        }
    }
}

fn ts(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// A rule a certificate breaks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Violation {
    /// notAfter is before the validation time.
    #[error("expired: notAfter {} is before {} (validity, RFC 5280 6.1.3 (a)(2))", ts(not_after), ts(at))]
    Expired {
        /// End of validity.
        not_after: DateTime<Utc>,
        /// The validation time.
        at: DateTime<Utc>,
    },
    /// notBefore is after the validation time.
    #[error("not yet valid: notBefore {} is after {} (validity, RFC 5280 6.1.3 (a)(2))", ts(not_before), ts(at))]
    NotYetValid {
        /// Start of validity.
        not_before: DateTime<Utc>,
        /// The validation time.
        at: DateTime<Utc>,
    },
    /// No trust anchor or following certificate is named as this one's issuer.
    #[error("issuer {issuer:?} is neither a trust anchor nor the next certificate in the chain (broken chain)")]
    IssuerNotFound {
        /// The issuer name wanted.
        issuer: String,
    },
    /// The issuer's key does not verify the signature.
    #[error("signature by {issuer:?} does not hold: {detail} (RFC 5280 6.1.3 (a)(1))")]
    BadSignature {
        /// The issuer's subject.
        issuer: String,
        /// What failed.
        detail: String,
    },
    /// tbsCertificate.signature differs from signatureAlgorithm.
    #[error("tbsCertificate.signature {inner} differs from signatureAlgorithm {outer} (RFC 5280 4.1.1.2)")]
    AlgorithmMismatch {
        /// The inner algorithm.
        inner: String,
        /// The outer algorithm.
        outer: String,
    },
    /// An issuing certificate is not a CA.
    #[error("issues certificates but basicConstraints cA is {found} (RFC 5280 6.1.4 (k))")]
    NotCa {
        /// What was found.
        found: &'static str,
    },
    /// pathLenConstraint exceeded.
    #[error("pathLenConstraint {path_len} but {below} intermediate certificate(s) follow it (RFC 5280 6.1.4 (m))")]
    PathLenExceeded {
        /// The constraint.
        path_len: u8,
        /// Intermediate CAs below this one.
        below: usize,
    },
    /// keyUsage lacks a bit the role needs.
    #[error("keyUsage lacks {needed} (RFC 5280 4.2.1.3)")]
    KeyUsage {
        /// The bit needed.
        needed: &'static str,
    },
    /// extKeyUsage does not allow the purpose.
    #[error("extKeyUsage {detail} (RFC 5280 4.2.1.12)")]
    ExtendedKeyUsage {
        /// What is wrong.
        detail: String,
    },
    /// A critical extension Lading does not process.
    #[error("unknown critical extension {oid} (RFC 5280 6.1.4 (o))")]
    UnknownCriticalExtension {
        /// The extension's OID.
        oid: String,
    },
    /// An extension could not be decoded or appears twice.
    #[error("malformed extension {oid}: {detail}")]
    MalformedExtension {
        /// The extension's OID.
        oid: String,
        /// What is wrong.
        detail: String,
    },
    /// The path has too many certificates.
    #[error("the path would have more than {max} certificates (chain length cap)")]
    TooLong {
        /// The cap.
        max: usize,
    },
    /// A certificate in the chain is not part of the path.
    #[error("is not part of the path from the leaf to a trust anchor")]
    Unused,
    /// Revoked at or before the validation time.
    #[error(
        "revoked at {} (serial {serial}), at or before {} (CRL of {crl_issuer:?} thisUpdate {})",
        ts(revoked_at),
        ts(at),
        ts(this_update)
    )]
    Revoked {
        /// Serial number, hex.
        serial: String,
        /// Revocation date.
        revoked_at: DateTime<Utc>,
        /// The validation time.
        at: DateTime<Utc>,
        /// The CRL issuer.
        crl_issuer: String,
        /// The CRL's thisUpdate.
        this_update: DateTime<Utc>,
    },
    /// A CRL carrying the issuer's name is not signed by the issuer.
    #[error("CRL #{index} names the issuer but its signature does not hold: {detail} (RFC 5280 6.3.3 (g))")]
    CrlSignature {
        /// The CRL's position among those given.
        index: usize,
        /// What failed.
        detail: String,
    },
    /// The newest CRL of the issuer had expired by the validation time.
    #[error(
        "the newest CRL of the issuer (#{index}) is stale: nextUpdate {} is before {} (RFC 5280 6.3.3 (a))",
        ts(next_update),
        ts(at)
    )]
    CrlStale {
        /// The CRL's position among those given.
        index: usize,
        /// Its nextUpdate.
        next_update: DateTime<Utc>,
        /// The validation time.
        at: DateTime<Utc>,
    },
    /// A CRL uses a feature Lading does not process.
    #[error("CRL #{index} is not usable: {detail}")]
    CrlUnsupported {
        /// The CRL's position among those given.
        index: usize,
        /// What is wrong.
        detail: String,
    },
    /// The certificate does not certify the signing key.
    #[error("certifies key {certified}, not the signing key {key}")]
    KeyNotCertified {
        /// Key id certified.
        certified: String,
        /// Key id of the signing key.
        key: String,
    },
    /// The certificate's public key is not one Lading can use.
    #[error("unusable public key: {detail}")]
    UnusableKey {
        /// What is wrong.
        detail: String,
    },
}

/// Why a path does not validate.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PathError {
    /// No certificates were presented.
    #[error("the chain is empty")]
    EmptyChain,
    /// No trust anchors were given.
    #[error("no trust anchors given")]
    NoAnchors,
    /// A certificate breaks a rule.
    #[error("{position} ({subject}): {violation}")]
    Certificate {
        /// Where it sits.
        position: Position,
        /// Its subject, RFC 4514.
        subject: String,
        /// The rule broken (boxed: it is large and errors travel far).
        violation: Box<Violation>,
    },
}

impl PathError {
    fn at(position: Position, cert: &Certificate, violation: Violation) -> Self {
        PathError::Certificate {
            position,
            subject: display_name(cert.tbs_certificate().subject()),
            violation: Box::new(violation),
        }
    }

    /// The rule broken, when a certificate broke one.
    pub fn violation(&self) -> Option<&Violation> {
        match self {
            PathError::Certificate { violation, .. } => Some(violation),
            _ => None,
        }
    }
}

/// What revocation checking found for one certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Revocation {
    /// The trust anchor: not subject to revocation checking.
    Anchor,
    /// No CRL of its issuer was given.
    NotChecked,
    /// Not on the issuer's newest CRL.
    Good {
        /// That CRL's thisUpdate.
        crl_this_update: DateTime<Utc>,
    },
    /// Revoked, but only after the validation time.
    RevokedLater {
        /// When.
        revoked_at: DateTime<Utc>,
    },
}

/// One certificate of a validated path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathCertificate {
    /// Where it came from.
    pub position: Position,
    /// Who it names.
    pub identity: Identity,
    /// Revocation status at the validation time.
    pub revocation: Revocation,
}

/// A path that validated: leaf first, trust anchor last.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidatedPath {
    /// The certificates, leaf first.
    pub certificates: Vec<PathCertificate>,
    /// The time it was validated at.
    pub at: DateTime<Utc>,
}

impl ValidatedPath {
    /// The leaf's identity.
    pub fn signer(&self) -> &Identity {
        // A validated path always has its leaf (validate refuses an empty chain).
        &self.certificates[0].identity
    }

    /// The trust anchor's identity.
    pub fn anchor(&self) -> &Identity {
        &self.certificates[self.certificates.len() - 1].identity
    }
}

fn same_der(a: &Certificate, b: &Certificate) -> bool {
    match (a.to_der(), b.to_der()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// Checks that `cert` is signed by `issuer` (same algorithm inside and out).
fn check_signature(cert: &Certificate, issuer: &Certificate) -> Result<(), Violation> {
    let inner = cert.tbs_certificate().signature();
    let outer = cert.signature_algorithm();
    if inner != outer {
        return Err(Violation::AlgorithmMismatch {
            inner: oid::describe(&inner.oid),
            outer: oid::describe(&outer.oid),
        });
    }
    let bad =
        |detail: String| Violation::BadSignature { issuer: display_name(issuer.tbs_certificate().subject()), detail };
    let key = sig::issuer_key(issuer.tbs_certificate().subject_public_key_info()).map_err(|e| bad(e.to_string()))?;
    let tbs = sig::tbs_der(cert.tbs_certificate()).map_err(|e| bad(e.to_string()))?;
    let signature =
        cert.signature().as_bytes().ok_or_else(|| bad("the signature BIT STRING has unused bits".into()))?;
    sig::verify(&key, outer, &tbs, signature).map_err(|e| bad(e.to_string()))
}

/// Builds the path: indexes into `chain` or `roots`, leaf first, anchor last.
fn build<'c>(
    chain: &'c [Certificate],
    roots: &'c [Certificate],
    max: usize,
) -> Result<Vec<(&'c Certificate, Position)>, PathError> {
    let mut path: Vec<(&Certificate, Position)> = vec![(&chain[0], Position::Chain(0))];
    let mut next = 1;
    loop {
        let (current, position) = path[path.len() - 1];
        if let Some(r) = roots.iter().position(|r| same_der(r, current)) {
            // The presented certificate is itself a trust anchor.
            let last = path.len() - 1;
            path[last] = (&roots[r], Position::Anchor(r));
            break;
        }
        if path.len() == max {
            return Err(PathError::at(position, current, Violation::TooLong { max }));
        }
        let issuer = current.tbs_certificate().issuer();
        let mut signature_error = None;
        let mut anchored = false;
        for (r, root) in roots.iter().enumerate().filter(|(_, r)| r.tbs_certificate().subject() == issuer) {
            match check_signature(current, root) {
                Ok(()) => {
                    path.push((root, Position::Anchor(r)));
                    anchored = true;
                    break;
                }
                Err(e) => signature_error = Some(e),
            }
        }
        if anchored {
            break;
        }
        match chain.get(next) {
            Some(candidate) if candidate.tbs_certificate().subject() == issuer => {
                path.push((candidate, Position::Chain(next)));
                next += 1;
            }
            _ => {
                let violation =
                    signature_error.unwrap_or_else(|| Violation::IssuerNotFound { issuer: display_name(issuer) });
                return Err(PathError::at(position, current, violation));
            }
        }
    }
    let anchor = path[path.len() - 1].0;
    for (i, extra) in chain.iter().enumerate().skip(next) {
        if !same_der(extra, anchor) {
            return Err(PathError::at(Position::Chain(i), extra, Violation::Unused));
        }
    }
    Ok(path)
}

/// The extensions Lading reads from a certificate.
#[derive(Debug, Default)]
struct Extensions {
    basic: Option<BasicConstraints>,
    key_usage: Option<KeyUsage>,
    ext_key_usage: Option<(bool, ExtendedKeyUsage)>,
}

/// Extensions understood well enough to accept when critical.
const PROCESSED: [ObjectIdentifier; 9] = [
    oid::EXT_BASIC_CONSTRAINTS,
    oid::EXT_KEY_USAGE,
    oid::EXT_EXT_KEY_USAGE,
    oid::EXT_SUBJECT_ALT_NAME,
    oid::EXT_ISSUER_ALT_NAME,
    oid::EXT_SUBJECT_KEY_ID,
    oid::EXT_AUTHORITY_KEY_ID,
    oid::EXT_CERTIFICATE_POLICIES,
    oid::EXT_CRL_DISTRIBUTION_POINTS,
];

fn extensions(cert: &Certificate) -> Result<Extensions, Violation> {
    use der::Decode as _;
    let mut found = Extensions::default();
    let mut seen: Vec<ObjectIdentifier> = Vec::new();
    for ext in cert.tbs_certificate().extensions().map(|e| e.as_slice()).unwrap_or_default() {
        let name = oid::describe(&ext.extn_id);
        if seen.contains(&ext.extn_id) {
            return Err(Violation::MalformedExtension { oid: name, detail: "appears twice (RFC 5280 4.2)".into() });
        }
        seen.push(ext.extn_id);
        let malformed = |e: der::Error| Violation::MalformedExtension { oid: name.clone(), detail: e.to_string() };
        let value = ext.extn_value.as_bytes();
        match ext.extn_id {
            oid::EXT_BASIC_CONSTRAINTS => found.basic = Some(BasicConstraints::from_der(value).map_err(malformed)?),
            oid::EXT_KEY_USAGE => found.key_usage = Some(KeyUsage::from_der(value).map_err(malformed)?),
            oid::EXT_EXT_KEY_USAGE => {
                found.ext_key_usage = Some((ext.critical, ExtendedKeyUsage::from_der(value).map_err(malformed)?));
            }
            other if ext.critical && !PROCESSED.contains(&other) => {
                return Err(Violation::UnknownCriticalExtension { oid: name });
            }
            _ => {}
        }
    }
    Ok(found)
}

fn check_validity(cert: &Certificate, at: DateTime<Utc>) -> Result<(), Violation> {
    let validity = cert.tbs_certificate().validity();
    let (not_before, not_after) = (to_chrono(validity.not_before), to_chrono(validity.not_after));
    if at < not_before {
        return Err(Violation::NotYetValid { not_before, at });
    }
    if at > not_after {
        return Err(Violation::Expired { not_after, at });
    }
    Ok(())
}

fn eku_list(eku: &ExtendedKeyUsage) -> String {
    eku.0.iter().map(oid::describe).collect::<Vec<_>>().join(", ")
}

const SIGNING_PURPOSES: [ObjectIdentifier; 4] =
    [oid::KP_DOCUMENT_SIGNING, oid::KP_CODE_SIGNING, oid::KP_EMAIL_PROTECTION, oid::KP_ANY];

fn check_leaf(ext: &Extensions, purpose: Purpose) -> Result<(), Violation> {
    if let Some(ku) = &ext.key_usage
        && !ku.digital_signature()
    {
        return Err(Violation::KeyUsage { needed: "digitalSignature" });
    }
    match (purpose, &ext.ext_key_usage) {
        (Purpose::Any, _) | (Purpose::DocumentSigning, None) => Ok(()),
        (Purpose::DocumentSigning, Some((_, eku))) => {
            if eku.0.iter().any(|p| SIGNING_PURPOSES.contains(p)) {
                Ok(())
            } else {
                Err(Violation::ExtendedKeyUsage {
                    detail: format!(
                        "[{}] allows no document signing (documentSigning, codeSigning, emailProtection or anyExtendedKeyUsage)",
                        eku_list(eku)
                    ),
                })
            }
        }
        (Purpose::TimeStamping, None) => Err(Violation::ExtendedKeyUsage {
            detail: "is absent; a time-stamp authority needs a critical timeStamping (RFC 3161 2.3)".into(),
        }),
        (Purpose::TimeStamping, Some((critical, eku))) => {
            if eku.0.as_slice() != [oid::KP_TIME_STAMPING] {
                Err(Violation::ExtendedKeyUsage {
                    detail: format!("[{}] must be timeStamping alone for a TSA (RFC 3161 2.3)", eku_list(eku)),
                })
            } else if !critical {
                Err(Violation::ExtendedKeyUsage {
                    detail: "timeStamping must be critical for a TSA (RFC 3161 2.3)".into(),
                })
            } else {
                Ok(())
            }
        }
    }
}

/// `below` = intermediate CAs between this issuer and the leaf.
fn check_issuer(
    cert: &Certificate,
    ext: &Extensions,
    anchor: bool,
    below: usize,
    purpose: Purpose,
) -> Result<(), Violation> {
    match &ext.basic {
        Some(bc) if !bc.ca => return Err(Violation::NotCa { found: "false" }),
        Some(bc) => {
            if let Some(path_len) = bc.path_len_constraint
                && below > usize::from(path_len)
            {
                return Err(Violation::PathLenExceeded { path_len, below });
            }
        }
        // Version 1 roots predate extensions; OpenSSL trusts them as anchors too.
        None if anchor && cert.tbs_certificate().version() == Version::V1 => {}
        None => return Err(Violation::NotCa { found: "absent" }),
    }
    if let Some(ku) = &ext.key_usage
        && !ku.key_cert_sign()
    {
        return Err(Violation::KeyUsage { needed: "keyCertSign" });
    }
    if let (Some((_, eku)), wanted) = (&ext.ext_key_usage, purpose) {
        let allowed: &[ObjectIdentifier] = match wanted {
            Purpose::Any => return Ok(()),
            Purpose::DocumentSigning => &SIGNING_PURPOSES,
            Purpose::TimeStamping => &[oid::KP_TIME_STAMPING, oid::KP_ANY],
        };
        if !eku.0.iter().any(|p| allowed.contains(p)) {
            return Err(Violation::ExtendedKeyUsage {
                detail: format!("of this CA [{}] does not allow the leaf's purpose", eku_list(eku)),
            });
        }
    }
    Ok(())
}

/// Validates `chain` (leaf first) against `roots` under `options`.
pub fn validate(
    chain: &[Certificate],
    roots: &[Certificate],
    options: &Options<'_>,
) -> Result<ValidatedPath, PathError> {
    if chain.is_empty() {
        return Err(PathError::EmptyChain);
    }
    if roots.is_empty() {
        return Err(PathError::NoAnchors);
    }
    let path = build(chain, roots, options.max_path.max(1))?;
    let last = path.len() - 1;
    let mut certificates = Vec::with_capacity(path.len());
    for (k, &(cert, position)) in path.iter().enumerate() {
        let fail = |violation: Violation| PathError::at(position, cert, violation);
        let is_anchor = k == last;
        if !is_anchor {
            check_signature(cert, path[k + 1].0).map_err(fail)?;
        }
        check_validity(cert, options.at).map_err(fail)?;
        let ext = extensions(cert).map_err(fail)?;
        if k == 0 {
            check_leaf(&ext, options.purpose).map_err(fail)?;
        } else {
            check_issuer(cert, &ext, is_anchor, k - 1, options.purpose).map_err(fail)?;
        }
        let revocation = if is_anchor {
            Revocation::Anchor
        } else {
            crl::status(cert, path[k + 1].0, options.crls, options.at).map_err(fail)?
        };
        certificates.push(PathCertificate { position, identity: Identity::of(cert), revocation });
    }
    Ok(ValidatedPath { certificates, at: options.at })
}

/// Checks, without any trust anchor, that `leaf` may sign with `key` at `at`:
/// it certifies that very key, is within its validity, and its keyUsage
/// (if present) has digitalSignature. `lading sign` runs this before signing.
pub fn check_signing_leaf(leaf: &Certificate, key: &VerifyingKey, at: DateTime<Utc>) -> Result<(), PathError> {
    let fail = |violation: Violation| PathError::at(Position::Chain(0), leaf, violation);
    let certified = sig::issuer_key(leaf.tbs_certificate().subject_public_key_info())
        .map_err(|e| fail(Violation::UnusableKey { detail: e.to_string() }))?;
    if &certified != key {
        return Err(fail(Violation::KeyNotCertified {
            certified: certified.key_id().to_string(),
            key: key.key_id().to_string(),
        }));
    }
    check_validity(leaf, at).map_err(fail)?;
    let ext = extensions(leaf).map_err(fail)?;
    check_leaf(&ext, Purpose::DocumentSigning).map_err(fail)
}

/// Checks the usage of a leaf certificate for `purpose` alone (keyUsage,
/// extKeyUsage, critical extensions), with no path or time: what a TSA
/// client checks of the signer of a reply before any trust decision.
pub fn check_purpose(leaf: &Certificate, purpose: Purpose) -> Result<(), PathError> {
    let fail = |violation: Violation| PathError::at(Position::Chain(0), leaf, violation);
    let ext = extensions(leaf).map_err(fail)?;
    check_leaf(&ext, purpose).map_err(fail)
}

/// The public key a certificate certifies.
pub fn certified_key(cert: &Certificate) -> Result<VerifyingKey, PathError> {
    sig::issuer_key(cert.tbs_certificate().subject_public_key_info())
        .map_err(|e| PathError::at(Position::Chain(0), cert, Violation::UnusableKey { detail: e.to_string() }))
}
