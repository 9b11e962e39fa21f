//! The one way Lading signs: the [`Signer`] trait.
//!
//! A signer holds a private key somewhere — in memory ([`SigningKey`], read
//! from a file by the caller) or in a hardware token (`lading-pkcs11`) — and
//! signs bytes with it. Signing can fail (a token is removed, a PIN expires),
//! so [`Signer::try_sign`] returns a [`Result`]. Every signing function in
//! Lading (DSSE envelopes, Data Integrity proofs, X.509 certificates, signed
//! notes through [`Ed25519Signer`]) takes a `&dyn Signer`, so a key file and an
//! HSM key are interchangeable everywhere.
//!
//! Signature encodings are fixed by the trait, not by the key's home:
//! Ed25519 is the raw 64 bytes (RFC 8032), ECDSA P-256 and SM2 are ASN.1 DER
//! `SEQUENCE { r, s }`. A token that returns raw `r ‖ s` converts it with
//! [`ecdsa_raw_to_der`] before returning.

use std::fmt;
use std::sync::Arc;

use crate::key::{Algorithm, KeyId, SigningKey, VerifyingKey};

/// Why a signer could not sign.
///
/// It names the signer (a key id, a file or a PKCS#11 URI without its PIN)
/// and the reason; it never carries secret material.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("signing with {signer} failed: {reason}")]
pub struct SignError {
    /// The signer, as a person can find it (never a PIN or passphrase).
    pub signer: String,
    /// What went wrong.
    pub reason: String,
}

/// A private key that signs: in memory, in a file read by the caller, or in
/// a hardware token.
pub trait Signer: Send + Sync {
    /// The matching public key.
    fn verifying_key(&self) -> VerifyingKey;

    /// Signs `message`: Ed25519 raw 64 bytes; ECDSA P-256 (SHA-256) and SM2
    /// (SM3, default user id) as DER `SEQUENCE { r, s }`.
    fn try_sign(&self, message: &[u8]) -> Result<Vec<u8>, SignError>;

    /// Where the key lives, for messages: a key id, a file, a PKCS#11 URI
    /// (never with a PIN).
    fn describe(&self) -> String {
        format!("key {}", self.verifying_key().key_id())
    }

    /// The key's algorithm.
    fn algorithm(&self) -> Algorithm {
        self.verifying_key().algorithm()
    }

    /// The key id of the public key.
    fn key_id(&self) -> KeyId {
        self.verifying_key().key_id()
    }

    /// Whether a caller may use the signatures without verifying them
    /// again: true for a key in memory (it cannot sign with another key)
    /// and for a signer that verifies each signature itself before
    /// returning it (a token signer). A signer that says nothing is
    /// checked by callers that care (signed notes).
    fn signatures_need_no_check(&self) -> bool {
        false
    }
}

impl Signer for SigningKey {
    fn verifying_key(&self) -> VerifyingKey {
        SigningKey::verifying_key(self)
    }

    fn try_sign(&self, message: &[u8]) -> Result<Vec<u8>, SignError> {
        Ok(self.sign(message))
    }

    fn algorithm(&self) -> Algorithm {
        SigningKey::algorithm(self)
    }

    fn signatures_need_no_check(&self) -> bool {
        true
    }
}

/// A shared signer signs as the signer it holds.
impl<T: Signer + ?Sized> Signer for Arc<T> {
    fn verifying_key(&self) -> VerifyingKey {
        (**self).verifying_key()
    }

    fn try_sign(&self, message: &[u8]) -> Result<Vec<u8>, SignError> {
        (**self).try_sign(message)
    }

    fn describe(&self) -> String {
        (**self).describe()
    }

    fn algorithm(&self) -> Algorithm {
        (**self).algorithm()
    }

    fn key_id(&self) -> KeyId {
        (**self).key_id()
    }

    fn signatures_need_no_check(&self) -> bool {
        (**self).signatures_need_no_check()
    }
}

/// A bare Ed25519 key signs as the Ed25519 [`SigningKey`] would.
impl Signer for ed25519_dalek::SigningKey {
    fn verifying_key(&self) -> VerifyingKey {
        VerifyingKey::Ed25519(ed25519_dalek::SigningKey::verifying_key(self))
    }

    fn try_sign(&self, message: &[u8]) -> Result<Vec<u8>, SignError> {
        Ok(ed25519_dalek::Signer::sign(self, message).to_bytes().to_vec())
    }

    fn algorithm(&self) -> Algorithm {
        Algorithm::Ed25519
    }

    fn signatures_need_no_check(&self) -> bool {
        true
    }
}

impl fmt::Debug for dyn Signer + '_ {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Signer({})", self.describe())
    }
}

/// The Ed25519 public key of a signer, or an error naming it if its key is
/// of another algorithm (signed notes and `eddsa-jcs-2022` need Ed25519).
pub fn ed25519_public_key(signer: &dyn Signer) -> Result<ed25519_dalek::VerifyingKey, SignError> {
    match signer.verifying_key() {
        VerifyingKey::Ed25519(k) => Ok(k),
        other => Err(SignError {
            signer: signer.describe(),
            reason: format!("this needs an Ed25519 key, the key is {}", other.algorithm()),
        }),
    }
}

/// A [`Signer`] holding an Ed25519 key, usable where an
/// [`ed25519_dalek::Signer`] is expected (signed notes in `lading-tlog`).
#[derive(Clone)]
pub struct Ed25519Signer {
    inner: Arc<dyn Signer>,
    public: ed25519_dalek::VerifyingKey,
}

impl fmt::Debug for Ed25519Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Ed25519Signer({})", self.inner.describe())
    }
}

impl Ed25519Signer {
    /// Wraps `signer`; fails if its key is not Ed25519.
    pub fn new(signer: Arc<dyn Signer>) -> Result<Self, SignError> {
        let public = ed25519_public_key(signer.as_ref())?;
        Ok(Self { inner: signer, public })
    }

    /// The Ed25519 public key.
    pub fn public_key(&self) -> ed25519_dalek::VerifyingKey {
        self.public
    }

    /// See [`Signer::signatures_need_no_check`].
    pub fn signatures_need_no_check(&self) -> bool {
        self.inner.signatures_need_no_check()
    }
}

impl ed25519_dalek::Signer<ed25519_dalek::Signature> for Ed25519Signer {
    fn try_sign(&self, message: &[u8]) -> Result<ed25519_dalek::Signature, ed25519_dalek::SignatureError> {
        let bytes = self.inner.try_sign(message).map_err(ed25519_dalek::SignatureError::from_source)?;
        ed25519_dalek::Signature::from_slice(&bytes)
    }
}

/// Converts a raw ECDSA/SM2 signature `r ‖ s` (two 32-byte big-endian
/// integers, as PKCS#11 `CKM_ECDSA` returns it) into DER `SEQUENCE { r, s }`.
pub fn ecdsa_raw_to_der(raw: &[u8]) -> Result<Vec<u8>, String> {
    let sig = p256::ecdsa::Signature::from_slice(raw).map_err(|e| format!("not a raw r‖s signature: {e}"))?;
    Ok(sig.to_der().as_bytes().to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signing_key_signs_through_the_trait_as_it_does_directly() {
        for alg in Algorithm::ALL {
            let key = SigningKey::generate(alg).expect("key");
            let signer: &dyn Signer = &key;
            let sig = signer.try_sign(b"message").expect("sign");
            key.verifying_key().verify(b"message", &sig).expect("verifies");
            assert_eq!(signer.algorithm(), alg);
            assert_eq!(signer.key_id(), key.verifying_key().key_id());
        }
    }

    #[test]
    fn only_keys_in_memory_say_their_signatures_need_no_check_by_default() {
        struct Elsewhere(SigningKey);
        impl Signer for Elsewhere {
            fn verifying_key(&self) -> VerifyingKey {
                self.0.verifying_key()
            }
            fn try_sign(&self, message: &[u8]) -> Result<Vec<u8>, SignError> {
                Ok(self.0.sign(message))
            }
        }
        let key = SigningKey::generate(Algorithm::Ed25519).expect("key");
        assert!(Signer::signatures_need_no_check(&key));
        let shared: Arc<dyn Signer> = Arc::new(key.clone());
        assert!(Ed25519Signer::new(shared).expect("ed25519").signatures_need_no_check());
        let elsewhere: Arc<dyn Signer> = Arc::new(Elsewhere(key));
        assert!(!elsewhere.signatures_need_no_check());
        assert!(!Ed25519Signer::new(elsewhere).expect("ed25519").signatures_need_no_check());
    }

    #[test]
    fn raw_ecdsa_signatures_become_der_that_verifies() {
        let key = SigningKey::generate(Algorithm::P256).expect("key");
        let SigningKey::P256(k) = &key else { unreachable!("generated P-256") };
        let sig: p256::ecdsa::Signature = signature::Signer::sign(k, b"m");
        let der = ecdsa_raw_to_der(&sig.to_bytes()).expect("der");
        key.verifying_key().verify(b"m", &der).expect("verifies");
        assert!(ecdsa_raw_to_der(&[1, 2, 3]).is_err());
    }

    #[test]
    fn ed25519_signer_refuses_other_algorithms_and_signs_notes_bytes() {
        let p256: Arc<dyn Signer> = Arc::new(SigningKey::generate(Algorithm::P256).expect("key"));
        let err = Ed25519Signer::new(p256).expect_err("not Ed25519");
        assert!(err.reason.contains("Ed25519"), "{err}");
        let key = SigningKey::generate(Algorithm::Ed25519).expect("key");
        let signer = Ed25519Signer::new(Arc::new(key.clone())).expect("ed25519");
        let sig = ed25519_dalek::Signer::try_sign(&signer, b"n").expect("sign");
        key.verifying_key().verify(b"n", &sig.to_bytes()).expect("verifies");
    }
}
