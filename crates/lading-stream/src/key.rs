//! A stream's signing key: in memory (read from a key file by the caller)
//! or held elsewhere (a PKCS#11 token), and what a store keeps of it.

use std::fmt;
use std::sync::Arc;

use lading_crypto::{Signer, SigningKey};
use lading_tlog::{KeyKind, NoteSigner};
use zeroize::Zeroizing;

use crate::StreamError;

/// The key that signs a stream's checkpoints and segments.
///
/// A store keeps beside the stream what [`StreamKey::stored`] returns: the
/// PKCS#8 PEM of a key in memory (as it always has), or only the reference
/// of a key held elsewhere — a `pkcs11:` URI, which never holds a PIN.
#[derive(Clone)]
#[non_exhaustive]
pub enum StreamKey {
    /// A private key in memory.
    InMemory(SigningKey),
    /// A private key held elsewhere (a hardware token), signing through
    /// `signer`.
    Reference {
        /// Signs with the key.
        signer: Arc<dyn Signer>,
        /// Where the key is, as a store keeps it: a `pkcs11:` URI (module
        /// and PIN file paths, never a PIN).
        reference: String,
    },
}

impl fmt::Debug for StreamKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StreamKey::InMemory(k) => write!(f, "StreamKey::InMemory({})", k.verifying_key().key_id()),
            StreamKey::Reference { reference, .. } => write!(f, "StreamKey::Reference({reference})"),
        }
    }
}

impl From<SigningKey> for StreamKey {
    fn from(key: SigningKey) -> Self {
        StreamKey::InMemory(key)
    }
}

impl StreamKey {
    /// A key held elsewhere, known by `reference`; refused when the
    /// reference spans lines (a store keeps it as one line).
    pub fn reference(signer: Arc<dyn Signer>, reference: &str) -> Result<Self, StreamError> {
        let reference = reference.trim();
        if reference.is_empty() || reference.contains(['\n', '\r']) {
            return Err(StreamError::Invalid(format!(
                "the reference of {} must be one non-empty line",
                signer.describe()
            )));
        }
        Ok(StreamKey::Reference { signer, reference: reference.to_owned() })
    }

    /// The key as a [`Signer`] (segments are signed through it).
    pub fn signer(&self) -> &dyn Signer {
        match self {
            StreamKey::InMemory(k) => k,
            StreamKey::Reference { signer, .. } => signer.as_ref(),
        }
    }

    /// What a store keeps of the key: the PKCS#8 PEM of a key in memory,
    /// the reference line of a key held elsewhere.
    pub fn stored(&self) -> Result<Zeroizing<String>, StreamError> {
        match self {
            StreamKey::InMemory(k) => {
                k.to_pkcs8_pem().map(Zeroizing::new).map_err(|e| StreamError::Invalid(format!("the stream's key: {e}")))
            }
            StreamKey::Reference { reference, .. } => Ok(Zeroizing::new(format!("{reference}\n"))),
        }
    }

    /// The note signer of a stream's log with `origin`: stream logs are
    /// Ed25519, as C2SP checkpoints are. A key held elsewhere is checked
    /// against its public key at every signature, once: by its signer
    /// when it says so, else by the note signer ([`NoteSigner::from_key`]).
    pub fn note_signer(&self, origin: &str) -> Result<NoteSigner, StreamError> {
        let bad_origin = |e: lading_tlog::NoteError| StreamError::Invalid(format!("origin {origin:?}: {e}"));
        match self {
            StreamKey::InMemory(SigningKey::Ed25519(k)) => {
                NoteSigner::new(origin, KeyKind::Ed25519, k.clone()).map_err(bad_origin)
            }
            StreamKey::Reference { signer, .. } if signer.algorithm() == lading_crypto::Algorithm::Ed25519 => {
                let key = lading_crypto::Ed25519Signer::new(Arc::clone(signer))
                    .map_err(|e| StreamError::Invalid(e.to_string()))?;
                let public = key.public_key();
                if key.signatures_need_no_check() {
                    NoteSigner::from_checked_key(origin, KeyKind::Ed25519, public, Arc::new(key)).map_err(bad_origin)
                } else {
                    NoteSigner::from_key(origin, KeyKind::Ed25519, public, Arc::new(key)).map_err(bad_origin)
                }
            }
            other => Err(StreamError::Invalid(format!(
                "a log key must be Ed25519 (C2SP checkpoints are signed with Ed25519); {} is {}",
                other.signer().describe(),
                other.signer().algorithm()
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ed25519() -> SigningKey {
        SigningKey::Ed25519(ed25519_dalek::SigningKey::from_bytes(&[9; 32]))
    }

    #[test]
    fn a_key_held_elsewhere_signs_the_same_checkpoints_and_is_stored_as_its_reference_only() {
        let in_memory = StreamKey::from(ed25519());
        let elsewhere = StreamKey::reference(Arc::new(ed25519()), "pkcs11:token=t;object=k\n").expect("reference");
        let a = in_memory.note_signer("example.com/s").expect("signer").sign("text\n").expect("sign");
        let b = elsewhere.note_signer("example.com/s").expect("signer").sign("text\n").expect("sign");
        assert_eq!(a, b, "Ed25519 is deterministic: the same key signs the same bytes wherever it is");
        assert!(in_memory.stored().expect("pem").contains("PRIVATE KEY"));
        assert_eq!(elsewhere.stored().expect("reference").as_str(), "pkcs11:token=t;object=k\n");
    }

    #[test]
    fn non_ed25519_keys_and_multi_line_references_are_refused() {
        let p256 = SigningKey::generate(lading_crypto::Algorithm::P256).expect("key");
        let err = StreamKey::from(p256.clone()).note_signer("o").expect_err("P-256");
        assert!(err.to_string().contains("must be Ed25519"), "{err}");
        let held = StreamKey::reference(Arc::new(p256), "pkcs11:object=p").expect("reference");
        let err = held.note_signer("o").expect_err("P-256");
        assert!(err.to_string().contains("must be Ed25519"), "{err}");
        assert!(StreamKey::reference(Arc::new(ed25519()), "pkcs11:a\npkcs11:b").is_err());
        assert!(StreamKey::reference(Arc::new(ed25519()), " \n").is_err());
    }
}
