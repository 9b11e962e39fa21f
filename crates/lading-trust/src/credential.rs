//! Verifiable Credentials 2.0 (W3C VC Data Model 2.0) secured with an
//! `eddsa-jcs-2022` Data Integrity proof whose verification method is the
//! issuer's `did:key`.
//!
//! [`issue`] checks the credential's shape before signing; [`verify`]
//! checks the shape, the proof, that the proof was made by the issuer, and
//! the validity period at a given time. Every error names the field.

use chrono::{DateTime, Utc};
use lading_crypto::di::{self, DiError, ProofOptions, VerifiedProof};
use serde_json::Value;

/// The base context every VC 2.0 credential lists first.
pub const VC_V2_CONTEXT: &str = "https://www.w3.org/ns/credentials/v2";
/// The base type every credential has.
pub const VERIFIABLE_CREDENTIAL: &str = "VerifiableCredential";

/// Why a credential cannot be issued or relied on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CredentialError {
    /// The credential is not shaped as VC 2.0 requires.
    #[error("{pointer}: {message}")]
    Malformed {
        /// Where, as a JSON pointer.
        pointer: String,
        /// What is wrong.
        message: String,
    },
    /// The Data Integrity proof is malformed or does not verify.
    #[error("proof: {0}")]
    Proof(#[from] DiError),
    /// The proof was made by a key other than the issuer's.
    #[error("/issuer: the credential names issuer {issuer} but is signed by {signer}")]
    IssuerMismatch {
        /// The issuer the credential names.
        issuer: String,
        /// The `did:key` that made the proof.
        signer: String,
    },
    /// `validFrom` is after the time of checking.
    #[error("/validFrom: the credential is valid from {valid_from}, after {at}")]
    NotYetValid {
        /// Start of validity.
        valid_from: DateTime<Utc>,
        /// The time checked.
        at: DateTime<Utc>,
    },
    /// `validUntil` is before the time of checking.
    #[error("/validUntil: the credential expired at {valid_until}, before {at}")]
    Expired {
        /// End of validity.
        valid_until: DateTime<Utc>,
        /// The time checked.
        at: DateTime<Utc>,
    },
}

fn malformed(pointer: &str, message: impl Into<String>) -> CredentialError {
    CredentialError::Malformed { pointer: pointer.to_owned(), message: message.into() }
}

/// A credential's checked shape.
#[derive(Debug, Clone, PartialEq)]
pub struct Shape {
    /// `id`, when present.
    pub id: Option<String>,
    /// `type`, always holding `VerifiableCredential`.
    pub types: Vec<String>,
    /// The issuer's identifier (`issuer` or `issuer.id`).
    pub issuer: String,
    /// `validFrom`.
    pub valid_from: Option<DateTime<Utc>>,
    /// `validUntil`.
    pub valid_until: Option<DateTime<Utc>>,
}

fn time(doc: &serde_json::Map<String, Value>, field: &str) -> Result<Option<DateTime<Utc>>, CredentialError> {
    match doc.get(field) {
        None => Ok(None),
        Some(Value::String(s)) => DateTime::parse_from_rfc3339(s)
            .map(|t| Some(t.with_timezone(&Utc)))
            .map_err(|e| malformed(&format!("/{field}"), format!("{s:?} is not a dateTime with a time zone: {e}"))),
        Some(_) => Err(malformed(&format!("/{field}"), "must be a string")),
    }
}

/// Checks that `credential` is shaped as VC 2.0 requires (ignoring any proof).
pub fn shape(credential: &Value) -> Result<Shape, CredentialError> {
    let Value::Object(doc) = credential else { return Err(malformed("", "a credential is a JSON object")) };
    match doc.get("@context") {
        Some(Value::Array(items)) if items.first().and_then(Value::as_str) == Some(VC_V2_CONTEXT) => {}
        Some(_) => return Err(malformed("/@context", format!("must be an array starting with {VC_V2_CONTEXT:?}"))),
        None => return Err(malformed("/@context", "is missing")),
    }
    let types: Vec<String> = match doc.get("type") {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, t)| {
                t.as_str().map(str::to_owned).ok_or_else(|| malformed(&format!("/type/{i}"), "must be a string"))
            })
            .collect::<Result<_, _>>()?,
        Some(_) => return Err(malformed("/type", "must be a string or an array of strings")),
        None => return Err(malformed("/type", "is missing")),
    };
    if !types.iter().any(|t| t == VERIFIABLE_CREDENTIAL) {
        return Err(malformed("/type", format!("must include {VERIFIABLE_CREDENTIAL:?}")));
    }
    let issuer = match doc.get("issuer") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Object(o)) => match o.get("id") {
            Some(Value::String(s)) => s.clone(),
            _ => return Err(malformed("/issuer/id", "an issuer object needs a string id")),
        },
        Some(_) => return Err(malformed("/issuer", "must be a URL string or an object with an id")),
        None => return Err(malformed("/issuer", "is missing")),
    };
    match doc.get("credentialSubject") {
        Some(Value::Object(_)) => {}
        Some(Value::Array(items)) if !items.is_empty() && items.iter().all(Value::is_object) => {}
        Some(_) => return Err(malformed("/credentialSubject", "must be an object or a non-empty array of objects")),
        None => return Err(malformed("/credentialSubject", "is missing")),
    }
    let id = match doc.get("id") {
        None => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return Err(malformed("/id", "must be a URL string")),
    };
    let valid_from = time(doc, "validFrom")?;
    let valid_until = time(doc, "validUntil")?;
    if let (Some(f), Some(u)) = (valid_from, valid_until)
        && u < f
    {
        return Err(malformed("/validUntil", format!("{u} is before validFrom {f}")));
    }
    Ok(Shape { id, types, issuer, valid_from, valid_until })
}

/// Signs `credential` (without a proof) as its issuer, which must be the
/// `did:key` of `key`.
pub fn issue(
    credential: &Value,
    key: &dyn lading_crypto::Signer,
    created: DateTime<Utc>,
) -> Result<Value, CredentialError> {
    let s = shape(credential)?;
    let signer = di::did_key(&lading_crypto::signer::ed25519_public_key(key).map_err(DiError::from)?);
    if s.issuer != signer {
        return Err(CredentialError::IssuerMismatch { issuer: s.issuer, signer });
    }
    Ok(di::sign(credential, key, &ProofOptions { created, proof_purpose: di::ASSERTION_METHOD.into() })?)
}

/// A credential that verified.
#[derive(Debug, Clone, PartialEq)]
pub struct VerifiedCredential {
    /// Its checked shape.
    pub shape: Shape,
    /// The proof.
    pub proof: VerifiedProof,
}

/// Verifies `credential`: its shape, its proof (purpose `assertionMethod`,
/// made by the issuer's `did:key`) and that `at` is within its validity.
pub fn verify(credential: &Value, at: DateTime<Utc>) -> Result<VerifiedCredential, CredentialError> {
    let shape = shape(credential)?;
    let proof = di::verify(credential)?;
    if proof.proof_purpose != di::ASSERTION_METHOD {
        return Err(malformed(
            "/proof/proofPurpose",
            format!("is {:?}; a credential's proof is {:?}", proof.proof_purpose, di::ASSERTION_METHOD),
        ));
    }
    if shape.issuer != proof.signer {
        return Err(CredentialError::IssuerMismatch { issuer: shape.issuer, signer: proof.signer });
    }
    if let Some(valid_from) = shape.valid_from
        && at < valid_from
    {
        return Err(CredentialError::NotYetValid { valid_from, at });
    }
    if let Some(valid_until) = shape.valid_until
        && at > valid_until
    {
        return Err(CredentialError::Expired { valid_until, at });
    }
    Ok(VerifiedCredential { shape, proof })
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone as _;
    use serde_json::json;

    use super::*;

    fn t(day: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, day, 0, 0, 0).single().expect("time")
    }

    fn unsigned(key: &ed25519_dalek::SigningKey) -> Value {
        json!({
            "@context": [VC_V2_CONTEXT],
            "id": "urn:uuid:00000000-0000-4000-8000-000000000001",
            "type": ["VerifiableCredential", "LadingCertificate"],
            "issuer": di::did_key(&key.verifying_key()),
            "validFrom": "2026-11-01T00:00:00Z",
            "validUntil": "2026-11-30T00:00:00Z",
            "credentialSubject": {"id": "urn:example:provider"},
        })
    }

    #[test]
    fn an_issued_credential_verifies_within_its_validity_only() {
        let key = ed25519_dalek::SigningKey::from_bytes(&[8; 32]);
        let vc = issue(&unsigned(&key), &key, t(1)).expect("issue");
        let v = verify(&vc, t(15)).expect("verifies");
        assert_eq!(v.shape.issuer, di::did_key(&key.verifying_key()));
        assert!(matches!(verify(&vc, t(30) + chrono::Duration::seconds(1)), Err(CredentialError::Expired { .. })));
        let before = Utc.with_ymd_and_hms(2026, 10, 31, 0, 0, 0).single().expect("time");
        assert!(matches!(verify(&vc, before), Err(CredentialError::NotYetValid { .. })));
    }

    #[test]
    fn a_credential_signed_by_another_key_than_its_issuer_is_refused() {
        let key = ed25519_dalek::SigningKey::from_bytes(&[8; 32]);
        let other = ed25519_dalek::SigningKey::from_bytes(&[9; 32]);
        let err = issue(&unsigned(&key), &other, t(1)).expect_err("not the issuer");
        assert!(matches!(err, CredentialError::IssuerMismatch { .. }), "{err}");
        // Signed directly with the other key's proof: verification names both.
        let forged =
            di::sign(&unsigned(&key), &other, &ProofOptions { created: t(1), proof_purpose: "assertionMethod".into() })
                .expect("sign");
        let err = verify(&forged, t(15)).expect_err("forged").to_string();
        assert!(err.contains("names issuer") && err.contains("signed by"), "{err}");
    }

    #[test]
    fn malformed_credentials_name_the_field() {
        let key = ed25519_dalek::SigningKey::from_bytes(&[8; 32]);
        let cases: [(&str, Value, &str); 7] = [
            ("/@context", json!(["https://www.w3.org/2018/credentials/v1"]), "/@context"),
            ("/type", json!(["LadingCertificate"]), "/type"),
            ("/type", json!([1]), "/type/0"),
            ("/issuer", json!({"name": "x"}), "/issuer/id"),
            ("/credentialSubject", json!([]), "/credentialSubject"),
            ("/validFrom", json!("2026-11-01"), "/validFrom"),
            ("/validUntil", json!("2026-10-01T00:00:00Z"), "/validUntil"),
        ];
        for (field, value, pointer) in cases {
            let mut doc = unsigned(&key);
            *doc.pointer_mut(field).expect("field") = value;
            let err = issue(&doc, &key, t(1)).expect_err("malformed").to_string();
            assert!(err.starts_with(pointer), "{field}: {err}");
        }
    }
}
