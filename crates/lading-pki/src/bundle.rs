//! Certificate-bound Sigstore bundles v0.3: a DSSE envelope with the
//! signer's certificate chain (and RFC 3161 timestamps) as verification
//! material.
//!
//! A leaf alone goes in `verificationMaterial.certificate` of a v0.3
//! bundle. A leaf with intermediates goes in `x509CertificateChain` (leaf
//! first), so that the bundle verifies offline against the root alone — and
//! since Sigstore's v0.3 format forbids `x509CertificateChain` (the
//! reference validator in `@sigstore/bundle` refuses it; v0.3 expects
//! intermediates in the verifier's trusted root), such a bundle is written
//! with the v0.2 media type, which allows it and is otherwise identical. Each
//! `timestampVerificationData.rfc3161Timestamps[].signedTimestamp` is a whole
//! DER TimeStampResp (status and token), as Sigstore's verifiers expect.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use der::Encode as _;
use lading_crypto::Envelope;
use lading_crypto::dsse::SIGSTORE_BUNDLE_V03;
use serde_json::{Value, json};
use x509_cert::Certificate;

/// The media type of v0.2 bundles, written for certificate chains.
pub const SIGSTORE_BUNDLE_V02: &str = "application/vnd.dev.sigstore.bundle+json;version=0.2";

/// Media types of bundles read (v0.3 is written for a leaf alone, v0.2 for a chain).
pub const BUNDLE_MEDIA_TYPES: [&str; 3] =
    [SIGSTORE_BUNDLE_V03, SIGSTORE_BUNDLE_V02, "application/vnd.dev.sigstore.bundle+json;version=0.1"];

/// Why a bundle could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BundleError {
    /// A field is missing or has the wrong shape.
    #[error("Sigstore bundle at {pointer}: {detail}")]
    Malformed {
        /// JSON pointer of the field.
        pointer: String,
        /// What is wrong.
        detail: String,
    },
    /// A certificate in the bundle does not parse.
    #[error("Sigstore bundle at {pointer}: {detail}")]
    Certificate {
        /// JSON pointer of the certificate.
        pointer: String,
        /// What the parser said.
        detail: String,
    },
}

/// A certificate-bound bundle, parsed.
#[derive(Debug, Clone)]
pub struct CertificateBundle {
    /// The DSSE envelope, signatures as signed.
    pub envelope: Envelope,
    /// The chain, leaf first.
    pub chain: Vec<Certificate>,
    /// The DER TimeStampResp of each RFC 3161 timestamp.
    pub timestamps: Vec<Vec<u8>>,
}

fn b64_array(certs: &[Certificate]) -> Result<Vec<Value>, der::Error> {
    certs.iter().map(|c| Ok(json!({ "rawBytes": STANDARD.encode(c.to_der()?) }))).collect()
}

impl CertificateBundle {
    /// The bundle as protobuf-specs JSON.
    pub fn to_json(&self) -> Result<Value, der::Error> {
        let signatures: Vec<Value> = self
            .envelope
            .signatures
            .iter()
            .map(|s| json!({ "sig": STANDARD.encode(&s.sig), "keyid": s.keyid }))
            .collect();
        // Sigstore's v0.3 bundle forbids x509CertificateChain: a lone leaf is
        // v0.3 with `certificate`, a chain is written as v0.2, which allows it.
        let media_type = if self.chain.len() == 1 { SIGSTORE_BUNDLE_V03 } else { SIGSTORE_BUNDLE_V02 };
        Ok(json!({
            "mediaType": media_type,
            "verificationMaterial": material_json(&self.chain, &self.timestamps)?,
            "dsseEnvelope": {
                "payload": STANDARD.encode(&self.envelope.payload),
                "payloadType": self.envelope.payload_type,
                "signatures": signatures,
            }
        }))
    }

    /// Whether `value` looks like a Sigstore bundle (has a Sigstore media type).
    pub fn is_bundle(value: &Value) -> bool {
        value
            .get("mediaType")
            .and_then(Value::as_str)
            .is_some_and(|m| m.starts_with("application/vnd.dev.sigstore.bundle"))
    }

    /// Whether `value` is a Sigstore bundle of a DSSE envelope whose
    /// verification material is a certificate or a chain (not a public key).
    pub fn is_certificate_bound(value: &Value) -> bool {
        let material = &value["verificationMaterial"];
        Self::is_bundle(value)
            && value.get("dsseEnvelope").is_some()
            && (material.get("certificate").is_some() || material.get("x509CertificateChain").is_some())
    }

    /// Reads a bundle carrying a certificate or certificate chain and a DSSE envelope.
    pub fn from_json(value: &Value) -> Result<Self, BundleError> {
        let malformed =
            |pointer: &str, detail: &str| BundleError::Malformed { pointer: pointer.into(), detail: detail.into() };
        let (chain, timestamps) = read_material(value)?;
        let dsse = value
            .get("dsseEnvelope")
            .ok_or_else(|| malformed("/dsseEnvelope", "missing (only DSSE bundles are read)"))?;
        let envelope = Envelope::from_json(dsse).map_err(|e| malformed("/dsseEnvelope", &e.to_string()))?;
        Ok(CertificateBundle { envelope, chain, timestamps })
    }
}

/// The checked media type, certificate chain (leaf first) and RFC 3161
/// timestamps of a certificate-bound bundle, whatever its content (a DSSE
/// envelope or a message signature).
pub fn read_material(value: &Value) -> Result<(Vec<Certificate>, Vec<Vec<u8>>), BundleError> {
    let malformed =
        |pointer: &str, detail: &str| BundleError::Malformed { pointer: pointer.into(), detail: detail.into() };
    let media = value.get("mediaType").and_then(Value::as_str).ok_or_else(|| malformed("/mediaType", "missing"))?;
    if !BUNDLE_MEDIA_TYPES.contains(&media) {
        return Err(malformed("/mediaType", &format!("{media:?} is not a Sigstore bundle v0.1-v0.3")));
    }
    let material = value.get("verificationMaterial").ok_or_else(|| malformed("/verificationMaterial", "missing"))?;
    let raw: Vec<(String, &Value)> = if let Some(c) = material.get("certificate") {
        vec![("/verificationMaterial/certificate/rawBytes".into(), c)]
    } else if let Some(chain) = material.get("x509CertificateChain") {
        let list = chain
            .get("certificates")
            .and_then(Value::as_array)
            .ok_or_else(|| malformed("/verificationMaterial/x509CertificateChain/certificates", "missing"))?;
        list.iter()
            .enumerate()
            .map(|(i, c)| (format!("/verificationMaterial/x509CertificateChain/certificates/{i}/rawBytes"), c))
            .collect()
    } else {
        return Err(malformed(
            "/verificationMaterial",
            "has no certificate or x509CertificateChain (a public-key bundle needs --pubkey)",
        ));
    };
    if raw.is_empty() || raw.len() > crate::parse::MAX_ITEMS {
        return Err(malformed("/verificationMaterial", "the certificate chain must hold 1 to 64 certificates"));
    }
    let mut chain = Vec::with_capacity(raw.len());
    for (pointer, item) in raw {
        let text = item.get("rawBytes").and_then(Value::as_str).ok_or_else(|| malformed(&pointer, "missing"))?;
        let der = STANDARD.decode(text).map_err(|e| malformed(&pointer, &format!("bad base64: {e}")))?;
        let mut certs = crate::parse::parse_certificates(&der)
            .map_err(|e| BundleError::Certificate { pointer: pointer.clone(), detail: e.to_string() })?;
        if certs.len() != 1 {
            return Err(malformed(&pointer, "must hold exactly one DER certificate"));
        }
        chain.append(&mut certs);
    }
    let mut timestamps = Vec::new();
    let list = material.pointer("/timestampVerificationData/rfc3161Timestamps").and_then(Value::as_array);
    for (i, t) in list.into_iter().flatten().enumerate() {
        let pointer = format!("/verificationMaterial/timestampVerificationData/rfc3161Timestamps/{i}/signedTimestamp");
        let text = t.get("signedTimestamp").and_then(Value::as_str).ok_or_else(|| malformed(&pointer, "missing"))?;
        timestamps.push(STANDARD.decode(text).map_err(|e| malformed(&pointer, &format!("bad base64: {e}")))?);
    }
    Ok((chain, timestamps))
}

/// `verificationMaterial` for a chain (leaf first) and timestamps: a leaf
/// alone as `certificate`, a longer chain as `x509CertificateChain`.
pub fn material_json(chain: &[Certificate], timestamps: &[Vec<u8>]) -> Result<Value, der::Error> {
    let mut certs = b64_array(chain)?;
    let material_key = if certs.len() == 1 { "certificate" } else { "x509CertificateChain" };
    let material = if certs.len() == 1 { certs.remove(0) } else { json!({ "certificates": certs }) };
    let timestamps: Vec<Value> = timestamps.iter().map(|t| json!({ "signedTimestamp": STANDARD.encode(t) })).collect();
    Ok(json!({
        material_key: material,
        "tlogEntries": [],
        "timestampVerificationData": { "rfc3161Timestamps": timestamps },
    }))
}

/// The message signature of a blob bundle (`lading sign-blob`, cosign
/// `sign-blob`): the file's SHA-256 and the signature over the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageSignature {
    /// `messageSignature.messageDigest.digest` (algorithm SHA2_256).
    pub digest: [u8; 32],
    /// `messageSignature.signature`.
    pub signature: Vec<u8>,
    /// `verificationMaterial.publicKey.hint`, when the bundle names a key.
    pub hint: Option<String>,
}

impl MessageSignature {
    /// Reads the media type and message signature of a bundle strictly (the
    /// certificate material, if any, is [`read_material`]'s).
    pub fn from_json(bundle: &Value) -> Result<Self, BundleError> {
        let malformed = |pointer: &str, detail: String| BundleError::Malformed { pointer: pointer.into(), detail };
        let media = bundle.get("mediaType").and_then(Value::as_str).unwrap_or_default();
        if !BUNDLE_MEDIA_TYPES.contains(&media) {
            return Err(malformed("/mediaType", format!("{media:?} is not a Sigstore bundle v0.1-v0.3")));
        }
        let m = bundle.get("messageSignature").ok_or_else(|| {
            let detail = if bundle.get("dsseEnvelope").is_some() {
                "missing; this bundle holds a DSSE envelope, not a message signature"
            } else {
                "missing"
            };
            malformed("/messageSignature", detail.into())
        })?;
        let b64 = |pointer: &str| -> Result<Vec<u8>, BundleError> {
            let at = format!("/messageSignature{pointer}");
            let text = m.pointer(pointer).and_then(Value::as_str).ok_or_else(|| malformed(&at, "missing".into()))?;
            STANDARD.decode(text).map_err(|e| malformed(&at, format!("bad base64: {e}")))
        };
        let algorithm = m.pointer("/messageDigest/algorithm").and_then(Value::as_str).unwrap_or_default();
        if algorithm != "SHA2_256" {
            return Err(malformed(
                "/messageSignature/messageDigest/algorithm",
                format!("{algorithm:?}; only SHA2_256 is read"),
            ));
        }
        let digest = b64("/messageDigest/digest")?;
        let digest: [u8; 32] = digest.as_slice().try_into().map_err(|_| {
            malformed("/messageSignature/messageDigest/digest", format!("{} bytes, a SHA-256 is 32", digest.len()))
        })?;
        let signature = b64("/signature")?;
        let hint = bundle.pointer("/verificationMaterial/publicKey/hint").and_then(Value::as_str).map(str::to_owned);
        Ok(MessageSignature { digest, signature, hint })
    }
}
