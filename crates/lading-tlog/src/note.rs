//! C2SP signed notes with Ed25519 signatures (type 0x01) and timestamped
//! Ed25519 witness cosignatures (type 0x04, C2SP tlog-cosignature v1), and
//! verifier keys (`vkey`s).
//!
//! Written here rather than taken from the `signed_note` crate: that crate is
//! built on ed25519-dalek 2 / signature 2 / sha2 0.10, which cannot take the
//! ed25519-dalek 3 keys the rest of Lading uses.

use std::fmt;
use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use ed25519_dalek::{SigningKey, VerifyingKey};
use sha2::{Digest as _, Sha256};

/// Largest note accepted (bytes); bounds the work a hostile note can cause.
pub const MAX_NOTE_BYTES: usize = 1 << 20;
/// Most signature lines accepted (the spec requires at least 16).
pub const MAX_SIGNATURES: usize = 100;

/// Signature type byte of an Ed25519 note signature.
pub const TYPE_ED25519: u8 = 0x01;
/// Signature type byte of a timestamped Ed25519 cosignature (tlog-cosignature v1).
pub const TYPE_COSIGNATURE_V1: u8 = 0x04;

/// Why a note, a key or a signature is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NoteError {
    /// The note text is malformed.
    #[error("malformed signed note: {0}")]
    Malformed(String),
    /// A verifier key string is malformed.
    #[error("malformed verifier key {vkey:?}: {reason}")]
    BadVkey {
        /// The vkey (shortened).
        vkey: String,
        /// What is wrong.
        reason: String,
    },
    /// A signature by a known key did not verify.
    #[error("signature by {name} (key id {key_id:08x}) does not verify")]
    BadSignature {
        /// Key name.
        name: String,
        /// Key id.
        key_id: u32,
    },
    /// No signature from any known key.
    #[error("no signature from a known key (signed by: {signers})")]
    NoKnownSignature {
        /// The signers present, as `name/keyid`.
        signers: String,
    },
    /// The key could not sign (for example a hardware token refused).
    #[error("signing as {name} failed: {reason}")]
    Sign {
        /// Key name.
        name: String,
        /// What went wrong (never secret material).
        reason: String,
    },
}

/// One signature line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteSignature {
    /// Key name.
    pub name: String,
    /// Key id (first 4 bytes of the decoded signature, big-endian).
    pub key_id: u32,
    /// The signature bytes after the key id.
    pub signature: Vec<u8>,
}

impl NoteSignature {
    /// The line, without its newline: `— name base64(keyid ‖ sig)`.
    pub fn line(&self) -> String {
        let mut bytes = self.key_id.to_be_bytes().to_vec();
        bytes.extend_from_slice(&self.signature);
        format!("\u{2014} {} {}", self.name, STANDARD.encode(bytes))
    }
}

/// A signed note: text plus signature lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// The text, ending in a newline.
    pub text: String,
    /// The signatures, in order.
    pub signatures: Vec<NoteSignature>,
}

fn valid_key_name(name: &str) -> bool {
    !name.is_empty() && !name.chars().any(|c| c.is_whitespace() || c == '+')
}

impl Note {
    /// Parses a signed note.
    pub fn parse(bytes: &[u8]) -> Result<Self, NoteError> {
        let bad = |m: &str| NoteError::Malformed(m.to_owned());
        if bytes.len() > MAX_NOTE_BYTES {
            return Err(NoteError::Malformed(format!("{} bytes, limit {MAX_NOTE_BYTES}", bytes.len())));
        }
        let text = std::str::from_utf8(bytes).map_err(|_| bad("not UTF-8"))?;
        if text.chars().any(|c| c.is_control() && c != '\n') {
            return Err(bad("contains a control character other than newline"));
        }
        if !text.ends_with('\n') {
            return Err(bad("does not end with a newline"));
        }
        let split = text.rfind("\n\n").ok_or_else(|| bad("no blank line before the signatures"))?;
        let (body, sigs) = (&text[..=split], &text[split + 2..]);
        if sigs.is_empty() {
            return Err(bad("no signature lines"));
        }
        let mut signatures = Vec::new();
        for line in sigs.strip_suffix('\n').unwrap_or(sigs).split('\n') {
            if signatures.len() == MAX_SIGNATURES {
                return Err(NoteError::Malformed(format!("more than {MAX_SIGNATURES} signatures")));
            }
            let rest = line
                .strip_prefix("\u{2014} ")
                .ok_or_else(|| bad("signature line does not start with an em dash and a space"))?;
            let (name, b64) = rest.split_once(' ').ok_or_else(|| bad("signature line has no signature"))?;
            if !valid_key_name(name) {
                return Err(NoteError::Malformed(format!("invalid key name {name:?}")));
            }
            let decoded = STANDARD
                .decode(b64)
                .map_err(|e| NoteError::Malformed(format!("signature of {name}: bad base64: {e}")))?;
            if decoded.len() < 5 {
                return Err(NoteError::Malformed(format!("signature of {name} is too short")));
            }
            let key_id = u32::from_be_bytes([decoded[0], decoded[1], decoded[2], decoded[3]]);
            signatures.push(NoteSignature { name: name.to_owned(), key_id, signature: decoded[4..].to_vec() });
        }
        Ok(Note { text: body.to_owned(), signatures })
    }

    /// The full note text: body, blank line, signature lines.
    pub fn to_text(&self) -> String {
        let mut out = self.text.clone();
        out.push('\n');
        for s in &self.signatures {
            out.push_str(&s.line());
            out.push('\n');
        }
        out
    }

    /// Verifies the note against `verifiers`: signatures from unknown keys
    /// are ignored, a failing signature from a known key rejects the note,
    /// and at least one known signature must verify.
    pub fn verify(&self, verifiers: &[NoteVerifier]) -> Result<Vec<VerifiedSignature>, NoteError> {
        let mut verified = Vec::new();
        for sig in &self.signatures {
            let Some(v) = verifiers.iter().find(|v| v.name == sig.name && v.key_id == sig.key_id) else { continue };
            let timestamp = v.verify_signature(self.text.as_bytes(), &sig.signature)?;
            verified.push(VerifiedSignature { name: v.name.clone(), key_id: v.key_id, kind: v.kind, timestamp });
        }
        if verified.is_empty() {
            return Err(NoteError::NoKnownSignature {
                signers: self
                    .signatures
                    .iter()
                    .map(|s| format!("{}/{:08x}", s.name, s.key_id))
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
        Ok(verified)
    }
}

/// The kind of a note key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyKind {
    /// Ed25519 note signatures (logs).
    Ed25519,
    /// Timestamped Ed25519 cosignatures (witnesses).
    Cosignature,
}

impl KeyKind {
    /// The signature type byte.
    pub const fn type_byte(self) -> u8 {
        match self {
            KeyKind::Ed25519 => TYPE_ED25519,
            KeyKind::Cosignature => TYPE_COSIGNATURE_V1,
        }
    }
}

/// A signature that verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedSignature {
    /// Key name.
    pub name: String,
    /// Key id.
    pub key_id: u32,
    /// Kind of key.
    pub kind: KeyKind,
    /// The cosignature's timestamp (seconds since the epoch), for cosignatures.
    pub timestamp: Option<u64>,
}

/// The note key id: SHA-256(name ‖ 0x0A ‖ type ‖ public key)[:4], big-endian.
pub fn key_id(name: &str, kind: KeyKind, public_key: &[u8; 32]) -> u32 {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update([b'\n', kind.type_byte()]);
    h.update(public_key);
    let d = h.finalize();
    u32::from_be_bytes([d[0], d[1], d[2], d[3]])
}

/// The message a v1 cosignature signs.
pub fn cosignature_message(timestamp: u64, note_text: &[u8]) -> Vec<u8> {
    let mut m = format!("cosignature/v1\ntime {timestamp}\n").into_bytes();
    m.extend_from_slice(note_text);
    m
}

/// A public key that verifies note signatures of one name.
#[derive(Clone, PartialEq, Eq)]
pub struct NoteVerifier {
    name: String,
    key_id: u32,
    kind: KeyKind,
    key: VerifyingKey,
}

impl fmt::Debug for NoteVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_vkey())
    }
}

impl NoteVerifier {
    /// A verifier for `name` with `key` of `kind`.
    pub fn new(name: &str, kind: KeyKind, key: VerifyingKey) -> Result<Self, NoteError> {
        if !valid_key_name(name) {
            return Err(NoteError::BadVkey { vkey: name.to_owned(), reason: "invalid key name".into() });
        }
        Ok(Self { name: name.to_owned(), key_id: key_id(name, kind, key.as_bytes()), kind, key })
    }

    /// Parses a vkey: `name+hex(key id)+base64(type ‖ public key)`.
    pub fn from_vkey(vkey: &str) -> Result<Self, NoteError> {
        let bad =
            |reason: &str| NoteError::BadVkey { vkey: vkey.chars().take(200).collect(), reason: reason.to_owned() };
        let vkey = vkey.trim_end_matches(['\n', '\r']);
        // The name and key id hold no `+`; the base64 key may.
        let mut parts = vkey.splitn(3, '+');
        let (Some(name), Some(id_hex), Some(b64)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(bad("expected name+keyid+key"));
        };
        if id_hex.len() != 8 || !id_hex.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()) {
            return Err(bad("key id is not 8 lowercase hex digits"));
        }
        let claimed = u32::from_str_radix(id_hex, 16).map_err(|_| bad("key id is not hex"))?;
        let raw = STANDARD.decode(b64).map_err(|_| bad("key is not base64"))?;
        let (kind, key) = match raw.split_first() {
            Some((&TYPE_ED25519, key)) => (KeyKind::Ed25519, key),
            Some((&TYPE_COSIGNATURE_V1, key)) => (KeyKind::Cosignature, key),
            Some((t, _)) => return Err(bad(&format!("unsupported signature type 0x{t:02x}; expected 0x01 or 0x04"))),
            None => return Err(bad("empty key")),
        };
        let key: [u8; 32] = key.try_into().map_err(|_| bad("Ed25519 key is not 32 bytes"))?;
        let key = VerifyingKey::from_bytes(&key).map_err(|_| bad("not an Ed25519 point"))?;
        let verifier = Self::new(name, kind, key).map_err(|_| bad("invalid key name"))?;
        if verifier.key_id != claimed {
            return Err(bad(&format!("key id {id_hex} does not match the key (expected {:08x})", verifier.key_id)));
        }
        Ok(verifier)
    }

    /// The vkey string.
    pub fn to_vkey(&self) -> String {
        let mut raw = vec![self.kind.type_byte()];
        raw.extend_from_slice(self.key.as_bytes());
        format!("{}+{:08x}+{}", self.name, self.key_id, STANDARD.encode(raw))
    }

    /// Key name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Key id.
    pub fn key_id(&self) -> u32 {
        self.key_id
    }

    /// Kind.
    pub fn kind(&self) -> KeyKind {
        self.kind
    }

    /// The Ed25519 public key.
    pub fn public_key(&self) -> &VerifyingKey {
        &self.key
    }

    /// Verifies one signature over `text`; returns the cosignature timestamp.
    fn verify_signature(&self, text: &[u8], signature: &[u8]) -> Result<Option<u64>, NoteError> {
        let bad = || NoteError::BadSignature { name: self.name.clone(), key_id: self.key_id };
        match self.kind {
            KeyKind::Ed25519 => {
                let sig = ed25519_dalek::Signature::from_slice(signature).map_err(|_| bad())?;
                self.key.verify_strict(text, &sig).map_err(|_| bad())?;
                Ok(None)
            }
            KeyKind::Cosignature => {
                let (ts, sig) = signature.split_at_checked(8).ok_or_else(bad)?;
                let timestamp = u64::from_be_bytes(ts.try_into().map_err(|_| bad())?);
                if timestamp > i64::MAX as u64 {
                    return Err(bad());
                }
                let sig = ed25519_dalek::Signature::from_slice(sig).map_err(|_| bad())?;
                self.key.verify_strict(&cosignature_message(timestamp, text), &sig).map_err(|_| bad())?;
                Ok(Some(timestamp))
            }
        }
    }
}

/// A private Ed25519 key that signs notes: in memory, or anything else that
/// implements [`ed25519_dalek::Signer`] (a key in a hardware token).
pub type NoteKey = dyn ed25519_dalek::Signer<ed25519_dalek::Signature> + Send + Sync;

/// A private key that signs notes under one name.
#[derive(Clone)]
pub struct NoteSigner {
    verifier: NoteVerifier,
    key: Arc<NoteKey>,
    /// Whether each signature is verified before use (keys held elsewhere).
    check: bool,
}

impl fmt::Debug for NoteSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "NoteSigner({})", self.verifier.to_vkey())
    }
}

impl NoteSigner {
    /// A signer for `name` of `kind` with `key`.
    pub fn new(name: &str, kind: KeyKind, key: SigningKey) -> Result<Self, NoteError> {
        Ok(Self { verifier: NoteVerifier::new(name, kind, key.verifying_key())?, key: Arc::new(key), check: false })
    }

    /// A signer for `name` of `kind` whose private key `key` lives elsewhere
    /// (a hardware token); `public` is its public key.
    pub fn from_key(name: &str, kind: KeyKind, public: VerifyingKey, key: Arc<NoteKey>) -> Result<Self, NoteError> {
        Ok(Self { verifier: NoteVerifier::new(name, kind, public)?, key, check: true })
    }

    /// As [`NoteSigner::from_key`], for a key whose signatures need no
    /// check here: it verifies each one itself (a token signer) or cannot
    /// sign with another key. Saves one verification per signature.
    pub fn from_checked_key(
        name: &str,
        kind: KeyKind,
        public: VerifyingKey,
        key: Arc<NoteKey>,
    ) -> Result<Self, NoteError> {
        Ok(Self { verifier: NoteVerifier::new(name, kind, public)?, key, check: false })
    }

    fn raw_sign(&self, message: &[u8]) -> Result<ed25519_dalek::Signature, NoteError> {
        let signature = self
            .key
            .try_sign(message)
            .map_err(|e| NoteError::Sign { name: self.verifier.name.clone(), reason: error_chain(&e) })?;
        // A key elsewhere is checked once per signature: a token holding
        // another key than the one named must not produce a checkpoint
        // nobody can verify.
        if self.check && self.verifier.key.verify_strict(message, &signature).is_err() {
            return Err(NoteError::Sign {
                name: self.verifier.name.clone(),
                reason: "the key produced a signature its public key does not verify".into(),
            });
        }
        Ok(signature)
    }

    /// The matching verifier.
    pub fn verifier(&self) -> &NoteVerifier {
        &self.verifier
    }

    /// Signs `text` (Ed25519 keys) as a signature line.
    ///
    /// For cosigner keys use [`NoteSigner::cosign`].
    pub fn sign(&self, text: &str) -> Result<NoteSignature, NoteError> {
        Ok(NoteSignature {
            name: self.verifier.name.clone(),
            key_id: self.verifier.key_id,
            signature: self.raw_sign(text.as_bytes())?.to_bytes().to_vec(),
        })
    }

    /// Cosigns `text` at `timestamp` (tlog-cosignature v1).
    pub fn cosign(&self, text: &str, timestamp: u64) -> Result<NoteSignature, NoteError> {
        let sig = self.raw_sign(&cosignature_message(timestamp, text.as_bytes()))?;
        let mut signature = timestamp.to_be_bytes().to_vec();
        signature.extend_from_slice(&sig.to_bytes());
        Ok(NoteSignature { name: self.verifier.name.clone(), key_id: self.verifier.key_id, signature })
    }
}

fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(e) = source {
        text.push_str(": ");
        text.push_str(&e.to_string());
        source = e.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signer(name: &str, kind: KeyKind, seed: u8) -> NoteSigner {
        NoteSigner::new(name, kind, SigningKey::from_bytes(&[seed; 32])).expect("signer")
    }

    #[test]
    fn sign_verify_and_round_trip() {
        let log = signer("example.com/log", KeyKind::Ed25519, 1);
        let witness = signer("witness.example/w1", KeyKind::Cosignature, 2);
        let text = "example.com/log\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n";
        let note = Note {
            text: text.into(),
            signatures: vec![log.sign(text).expect("sign"), witness.cosign(text, 1_700_000_000).expect("cosign")],
        };
        let parsed = Note::parse(note.to_text().as_bytes()).expect("parse");
        assert_eq!(parsed, note);
        let verified = parsed.verify(&[log.verifier().clone(), witness.verifier().clone()]).expect("verify");
        assert_eq!(verified.len(), 2);
        assert_eq!(verified[1].timestamp, Some(1_700_000_000));
        // Unknown keys are ignored, known ones must verify.
        assert_eq!(parsed.verify(std::slice::from_ref(log.verifier())).expect("log only").len(), 1);
        let other = signer("example.com/log", KeyKind::Ed25519, 3);
        assert!(matches!(parsed.verify(&[other.verifier().clone()]), Err(NoteError::NoKnownSignature { .. })));
        let mut tampered = parsed.clone();
        tampered.text = tampered.text.replace("\n1\n", "\n2\n");
        assert!(matches!(tampered.verify(&[log.verifier().clone()]), Err(NoteError::BadSignature { .. })));
    }

    #[test]
    fn vkeys_whose_base64_holds_a_plus_parse() {
        // Regression: found by the crash test, whose random key encoded with a `+`.
        for seed in 0..=255u8 {
            let v = signer("example.com/log", KeyKind::Ed25519, seed).verifier().clone();
            assert_eq!(NoteVerifier::from_vkey(&v.to_vkey()).expect("parses"), v);
        }
    }

    #[test]
    fn vkeys_round_trip_and_reject_a_wrong_id() {
        let log = signer("example.com/log", KeyKind::Ed25519, 9);
        let vkey = log.verifier().to_vkey();
        assert_eq!(NoteVerifier::from_vkey(&vkey).expect("parse"), *log.verifier());
        let mut parts: Vec<&str> = vkey.split('+').collect();
        parts[1] = "00000000";
        assert!(NoteVerifier::from_vkey(&parts.join("+")).is_err());
        assert!(NoteVerifier::from_vkey("no-plus").is_err());
    }

    #[test]
    fn malformed_notes_are_rejected() {
        for bad in [
            "no newline",
            "text\n",
            "text\n\n",
            "text\n\n- name AAAAAAAA\n",
            "text\n\n\u{2014} name !!!\n",
            "text\n\n\u{2014} na+me AAAAAAAA\n",
            "text\n\n\u{2014} name AAAA\n",
            "te\u{7}xt\n\n\u{2014} name AAAAAAAA\n",
        ] {
            assert!(Note::parse(bad.as_bytes()).is_err(), "{bad:?}");
        }
    }
}
