//! DSSE v1 envelopes (secure-systems-lab/dsse `envelope.md`, `protocol.md`).
//!
//! The signature covers the pre-authentication encoding
//! `PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body`.
//! The payload bytes are kept exactly as signed; nothing re-serialises them.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::key::{SignatureError, VerifyingKey};
use crate::signer::{SignError, Signer};

/// The in-toto payload type.
pub const IN_TOTO_PAYLOAD_TYPE: &str = "application/vnd.in-toto+json";

/// The largest envelope Lading reads (16 MiB of JSON).
pub const MAX_ENVELOPE_BYTES: usize = 16 << 20;

/// The DSSE pre-authentication encoding of `payload_type` and `payload`.
pub fn pae(payload_type: &str, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(payload_type.len() + payload.len() + 32);
    out.extend_from_slice(format!("DSSEv1 {} {} {} ", payload_type.len(), payload_type, payload.len()).as_bytes());
    out.extend_from_slice(payload);
    out
}

/// One signature of an envelope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvelopeSignature {
    /// The signer's key id (hex SHA-256 of its SPKI DER).
    pub keyid: String,
    /// The signature bytes.
    pub sig: Vec<u8>,
}

/// A DSSE envelope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    /// The payload type, e.g. [`IN_TOTO_PAYLOAD_TYPE`].
    pub payload_type: String,
    /// The payload bytes, exactly as signed.
    pub payload: Vec<u8>,
    /// One or more signatures.
    pub signatures: Vec<EnvelopeSignature>,
}

/// Why an envelope could not be read or did not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EnvelopeError {
    /// The envelope is not the JSON DSSE shape.
    #[error("malformed DSSE envelope at {pointer}: {detail}")]
    Malformed {
        /// JSON pointer of the offending field.
        pointer: String,
        /// What was wrong.
        detail: String,
    },
    /// The envelope is larger than [`MAX_ENVELOPE_BYTES`].
    #[error("DSSE envelope is {len} bytes; the limit is {MAX_ENVELOPE_BYTES}")]
    TooLarge {
        /// Size found.
        len: usize,
    },
    /// No signature carries the verifying key's id.
    #[error("no signature with key id {keyid} (the envelope is signed by: {present})")]
    NoSignatureForKey {
        /// The key id looked for.
        keyid: String,
        /// The key ids present, comma-separated.
        present: String,
    },
    /// A signature with the key's id did not verify.
    #[error("signature {index} (key id {keyid}): {source}")]
    BadSignature {
        /// Index in `/signatures`.
        index: usize,
        /// Its key id.
        keyid: String,
        /// Why.
        source: SignatureError,
    },
}

// DSSE envelope.md: `keyid` is optional (unset means empty) and consumers
// MUST ignore unrecognised fields, so neither wire type denies unknown ones.
#[derive(Serialize, Deserialize)]
struct WireSignature {
    #[serde(default)]
    keyid: String,
    sig: String,
}

#[derive(Serialize, Deserialize)]
struct WireEnvelope {
    payload: String,
    #[serde(rename = "payloadType")]
    payload_type: String,
    signatures: Vec<WireSignature>,
}

/// Decodes standard or URL-safe base64, padded or not, as DSSE allows.
fn decode_base64(text: &str) -> Result<Vec<u8>, String> {
    let engine = if text.contains(['-', '_']) { URL_SAFE } else { STANDARD };
    let padded = match text.len() % 4 {
        2 => format!("{text}=="),
        3 => format!("{text}="),
        _ => text.to_owned(),
    };
    engine.decode(padded).map_err(|e| e.to_string())
}

impl Envelope {
    /// Signs `payload` of `payload_type` with `key`.
    pub fn sign(payload_type: &str, payload: Vec<u8>, key: &dyn Signer) -> Result<Self, SignError> {
        let sig = key.try_sign(&pae(payload_type, &payload))?;
        Ok(Envelope {
            payload_type: payload_type.to_owned(),
            payload,
            signatures: vec![EnvelopeSignature { keyid: key.key_id().to_string(), sig }],
        })
    }

    /// Adds a signature by `key` over the same payload.
    pub fn add_signature(&mut self, key: &dyn Signer) -> Result<(), SignError> {
        let sig = key.try_sign(&pae(&self.payload_type, &self.payload))?;
        self.signatures.push(EnvelopeSignature { keyid: key.key_id().to_string(), sig });
        Ok(())
    }

    /// The JSON form (`payload`, `payloadType`, `signatures[{keyid, sig}]`), base64 standard.
    pub fn to_json(&self) -> Value {
        serde_json::json!({
            "payload": STANDARD.encode(&self.payload),
            "payloadType": self.payload_type,
            "signatures": self.signatures.iter().map(|s| serde_json::json!({
                "keyid": s.keyid,
                "sig": STANDARD.encode(&s.sig),
            })).collect::<Vec<_>>(),
        })
    }

    /// Reads an envelope from JSON bytes (strict I-JSON).
    pub fn from_json_bytes(bytes: &[u8]) -> Result<Self, EnvelopeError> {
        if bytes.len() > MAX_ENVELOPE_BYTES {
            return Err(EnvelopeError::TooLarge { len: bytes.len() });
        }
        let value = lading_model::json::parse_strict(bytes)
            .map_err(|e| EnvelopeError::Malformed { pointer: "/".into(), detail: e.to_string() })?;
        Self::from_json(&value)
    }

    /// Reads an envelope from a parsed JSON value.
    pub fn from_json(value: &Value) -> Result<Self, EnvelopeError> {
        let malformed = |pointer: &str, detail: String| EnvelopeError::Malformed { pointer: pointer.into(), detail };
        let wire = WireEnvelope::deserialize(value).map_err(|e| malformed("/", e.to_string()))?;
        let payload = decode_base64(&wire.payload).map_err(|e| malformed("/payload", format!("bad base64: {e}")))?;
        if wire.signatures.is_empty() {
            return Err(malformed("/signatures", "an envelope needs at least one signature".into()));
        }
        let mut signatures = Vec::with_capacity(wire.signatures.len());
        for (i, s) in wire.signatures.into_iter().enumerate() {
            let sig = decode_base64(&s.sig)
                .map_err(|e| malformed(&format!("/signatures/{i}/sig"), format!("bad base64: {e}")))?;
            signatures.push(EnvelopeSignature { keyid: s.keyid, sig });
        }
        Ok(Envelope { payload_type: wire.payload_type, payload, signatures })
    }

    /// Verifies the signature made by `key`.
    ///
    /// Signatures carrying the key's id are tried first, then those with no
    /// key id (DSSE makes `keyid` an optional, unauthenticated hint);
    /// signatures naming another key are skipped. Returns the index of the
    /// verified signature.
    pub fn verify(&self, key: &VerifyingKey) -> Result<usize, EnvelopeError> {
        let keyid = key.key_id();
        let message = pae(&self.payload_type, &self.payload);
        let mut found = None;
        let candidates = self
            .signatures
            .iter()
            .enumerate()
            .filter(|(_, s)| s.keyid == keyid.as_str())
            .chain(self.signatures.iter().enumerate().filter(|(_, s)| s.keyid.is_empty()));
        for (index, s) in candidates {
            match key.verify(&message, &s.sig) {
                Ok(()) => return Ok(index),
                Err(source) => found = Some(EnvelopeError::BadSignature { index, keyid: s.keyid.clone(), source }),
            }
        }
        Err(found.unwrap_or_else(|| EnvelopeError::NoSignatureForKey {
            keyid: keyid.to_string(),
            present: self.signatures.iter().map(|s| s.keyid.as_str()).collect::<Vec<_>>().join(", "),
        }))
    }
}

/// The Sigstore bundle media type this crate writes.
pub const SIGSTORE_BUNDLE_V03: &str = "application/vnd.dev.sigstore.bundle.v0.3+json";

impl Envelope {
    /// This envelope as a Sigstore bundle v0.3 (protobuf-specs JSON form)
    /// whose verification material is a public-key hint — the key id of the
    /// first signature — with no transparency-log entries or timestamps:
    /// verifiable offline by Sigstore's verifiers given that public key.
    pub fn to_sigstore_bundle(&self) -> Value {
        let hint = self.signatures.first().map(|s| s.keyid.clone()).unwrap_or_default();
        serde_json::json!({
            "mediaType": SIGSTORE_BUNDLE_V03,
            "verificationMaterial": {
                "publicKey": { "hint": hint },
                "tlogEntries": [],
                "timestampVerificationData": { "rfc3161Timestamps": [] }
            },
            "dsseEnvelope": {
                "payload": STANDARD.encode(&self.payload),
                "payloadType": self.payload_type,
                "signatures": self.signatures.iter().map(|s| serde_json::json!({
                    "sig": STANDARD.encode(&s.sig),
                    "keyid": s.keyid,
                })).collect::<Vec<_>>(),
            }
        })
    }
}
