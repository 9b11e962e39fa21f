//! Signature checks for certificates and CRLs.
//!
//! Certificates carry ECDSA and SM2 signatures as DER `SEQUENCE { r, s }`
//! only (RFC 5758, GB/T 35276); unlike DSSE, raw `r ‖ s` is refused here.

use der::asn1::ObjectIdentifier;
use der::{Encode, Tagged as _};
use lading_crypto::VerifyingKey;
use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};

use crate::oid;

/// Why a signature over a certificate or CRL does not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SigProblem {
    Unsupported(String),
    IssuerKey(String),
    AlgorithmKeyMismatch { algorithm: String, key: &'static str },
    Encoding(String),
    Mismatch,
}

impl std::fmt::Display for SigProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SigProblem::Unsupported(a) => write!(f, "unsupported signature algorithm {a}"),
            SigProblem::IssuerKey(e) => write!(f, "the issuer's public key is unusable: {e}"),
            SigProblem::AlgorithmKeyMismatch { algorithm, key } => {
                write!(f, "signature algorithm {algorithm} does not fit the issuer's {key} key")
            }
            SigProblem::Encoding(e) => write!(f, "malformed signature: {e}"),
            SigProblem::Mismatch => f.write_str("the signature does not verify with the issuer's key"),
        }
    }
}

/// Parameters must be absent, or NULL where some encoders write it for ECDSA/SM2.
fn params_ok(alg: &AlgorithmIdentifierOwned, null_allowed: bool) -> bool {
    match &alg.parameters {
        None => true,
        Some(p) => null_allowed && p.tag() == der::Tag::Null && p.value().is_empty(),
    }
}

/// The issuer key from an SPKI.
pub(crate) fn issuer_key(spki: &SubjectPublicKeyInfoOwned) -> Result<VerifyingKey, SigProblem> {
    let der = spki.to_der().map_err(|e| SigProblem::IssuerKey(e.to_string()))?;
    VerifyingKey::from_spki_der(&der).map_err(|e| SigProblem::IssuerKey(e.to_string()))
}

/// Verifies `signature` by `key` over `tbs` under `algorithm`.
pub(crate) fn verify(
    key: &VerifyingKey,
    algorithm: &AlgorithmIdentifierOwned,
    tbs: &[u8],
    signature: &[u8],
) -> Result<(), SigProblem> {
    use signature::Verifier as _;
    let name = oid::describe(&algorithm.oid);
    let misfit = |key: &'static str| SigProblem::AlgorithmKeyMismatch { algorithm: name.clone(), key };
    let expected: ObjectIdentifier = match key {
        VerifyingKey::Ed25519(_) => oid::ED25519,
        VerifyingKey::P256(_) => oid::ECDSA_WITH_SHA256,
        VerifyingKey::Sm2(_) => oid::SM2_WITH_SM3,
    };
    if ![oid::ED25519, oid::ECDSA_WITH_SHA256, oid::SM2_WITH_SM3].contains(&algorithm.oid) {
        return Err(SigProblem::Unsupported(name));
    }
    if algorithm.oid != expected {
        return Err(misfit(key.algorithm().name()));
    }
    if !params_ok(algorithm, algorithm.oid != oid::ED25519) {
        return Err(SigProblem::Encoding(format!("{name} must not carry parameters")));
    }
    let encoding = |e: String| SigProblem::Encoding(e);
    match key {
        VerifyingKey::Ed25519(k) => {
            let sig = ed25519_dalek::Signature::from_slice(signature).map_err(|e| encoding(e.to_string()))?;
            k.verify_strict(tbs, &sig).map_err(|_| SigProblem::Mismatch)
        }
        VerifyingKey::P256(k) => {
            let sig =
                p256::ecdsa::Signature::from_der(signature).map_err(|e| encoding(format!("not DER ECDSA: {e}")))?;
            k.verify(tbs, &sig).map_err(|_| SigProblem::Mismatch)
        }
        VerifyingKey::Sm2(k) => {
            // The DER check comes first: a raw 64-byte r‖s is what the x509-cert
            // builder writes by mistake and OpenSSL refuses, so refuse it too.
            let sig = sm2::dsa::Signature::from_der(signature).map_err(|e| encoding(format!("not DER SM2: {e}")))?;
            k.verify(tbs, &sig).map_err(|_| SigProblem::Mismatch)
        }
    }
}

/// The DER of a to-be-signed structure (x509-cert decodes DER strictly, so
/// re-encoding gives back the signed bytes).
pub(crate) fn tbs_der<T: Encode>(tbs: &T) -> Result<Vec<u8>, SigProblem> {
    tbs.to_der().map_err(|e| SigProblem::Encoding(e.to_string()))
}
