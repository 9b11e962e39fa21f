//! SCITT signed statements: COSE_Sign1 (tag 18) whose protected header
//! carries `alg`, the content type (or the hash-envelope headers), the
//! issuer's key binding (`kid`, or `x5chain`/`x5t`) and CWT claims `iss` and
//! `sub` (and `iat`).
//!
//! No header is marked critical: the hash envelope's `payload-hash-alg`
//! (258) is required in the protected header and label 3 is then absent, so a
//! verifier that does not know 258 finds a payload without a content type
//! rather than a misread document. A statement from elsewhere whose `crit`
//! names a label not in [`UNDERSTOOD`] is refused.

use std::ops::Range;

use coset::cbor::value::Value;
use coset::{CoseSign1, CoseSign1Builder, HeaderBuilder, TaggedCborSerializable as _};
use lading_crypto::VerifyingKey;
use lading_tlog::Hash;
use sha2::{Digest as _, Sha256};

use crate::cbor::{self, CborError, Limits};
use crate::key::{CoseAlgorithm, CoseSigner, verify_cose};
use crate::{ScittError, label};

/// Protected header labels this implementation understands (for `crit`).
pub const UNDERSTOOD: [i64; 12] = [
    label::ALG,
    label::CRIT,
    label::CONTENT_TYPE,
    label::KID,
    label::CWT_CLAIMS,
    label::TYP,
    label::X5CHAIN,
    label::X5T,
    label::PAYLOAD_HASH_ALG,
    label::PREIMAGE_CONTENT_TYPE,
    label::PAYLOAD_LOCATION,
    label::VDS,
];

/// What a statement carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Payload {
    /// The content itself, with its media type (label 3).
    Embedded {
        /// Media type of `bytes`.
        content_type: String,
        /// The content.
        bytes: Vec<u8>,
    },
    /// A hash envelope: the SHA-256 of the content (labels 258, 259, 260).
    Hashed {
        /// Media type of the content that was hashed (label 259).
        preimage_content_type: String,
        /// SHA-256 of the content.
        digest: [u8; 32],
        /// Where the content can be fetched (label 260), if anywhere.
        location: Option<String>,
    },
}

/// The CWT claims of a statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claims {
    /// `iss`: a `did:key`, or the certificate's identity.
    pub issuer: String,
    /// `sub`: the deliverable, `<kind>/<id>`.
    pub subject: String,
    /// `iat`, Unix seconds.
    pub issued_at: Option<i64>,
}

/// How the issuer's key is named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Binding {
    /// `kid` (Lading: SHA-256 of the SPKI DER).
    Key {
        /// The key identifier.
        kid: Vec<u8>,
    },
    /// `x5chain` in the protected header: DER certificates, leaf first.
    Chain {
        /// The chain.
        certificates: Vec<Vec<u8>>,
    },
}

/// Signs a statement; returns the tagged COSE_Sign1 bytes.
pub fn build_statement<S: CoseSigner + ?Sized>(
    payload: &Payload,
    claims: &Claims,
    binding: &Binding,
    signer: &S,
) -> Result<Vec<u8>, ScittError> {
    let algorithm = signer.cose_algorithm();
    let mut cwt = vec![
        (Value::from(label::CLAIM_ISS), Value::Text(claims.issuer.clone())),
        (Value::from(label::CLAIM_SUB), Value::Text(claims.subject.clone())),
    ];
    if let Some(iat) = claims.issued_at {
        cwt.push((Value::from(label::CLAIM_IAT), Value::from(iat)));
    }
    let mut header = HeaderBuilder::new().algorithm(algorithm.coset());
    let body = match payload {
        Payload::Embedded { content_type, bytes } => {
            header = header.content_type(content_type.clone());
            bytes.clone()
        }
        Payload::Hashed { preimage_content_type, digest, location } => {
            header = header
                .value(label::PAYLOAD_HASH_ALG, Value::from(label::SHA_256))
                .value(label::PREIMAGE_CONTENT_TYPE, Value::Text(preimage_content_type.clone()));
            if let Some(location) = location {
                header = header.value(label::PAYLOAD_LOCATION, Value::Text(location.clone()));
            }
            digest.to_vec()
        }
    };
    match binding {
        Binding::Key { kid } => header = header.key_id(kid.clone()),
        Binding::Chain { certificates } => {
            let chain = match certificates.as_slice() {
                [one] => Value::Bytes(one.clone()),
                many => Value::Array(many.iter().cloned().map(Value::Bytes).collect()),
            };
            header = header.value(label::X5CHAIN, chain);
        }
    }
    header = header.value(label::CWT_CLAIMS, Value::Map(cwt));
    let sign1 = CoseSign1Builder::new()
        .protected(header.build())
        .payload(body)
        .try_create_signature(&[], |tbs| signer.cose_sign(tbs))?
        .build();
    sign1.to_tagged_vec().map_err(|e| ScittError::Encode(e.to_string()))
}

/// Why a statement is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StatementError {
    /// Not acceptable CBOR.
    #[error("malformed CBOR: {0}")]
    Cbor(#[from] CborError),
    /// CBOR, but not a COSE_Sign1 or a header of one.
    #[error("malformed COSE_Sign1: {0}")]
    Cose(String),
    /// A required header is missing or wrong (named).
    #[error("header {label} ({name}): {reason}")]
    Header {
        /// The header label.
        label: i64,
        /// Its name.
        name: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// `crit` names labels this implementation does not understand.
    #[error("unknown critical header(s) {0:?}: refused (RFC 9052 §3.1)")]
    UnknownCritical(Vec<String>),
    /// The algorithm is not ES256 or EdDSA.
    #[error("unsupported signature algorithm {0} (ES256 = -7 and EdDSA = -8 are accepted; SM2 stays on DSSE)")]
    Algorithm(String),
    /// The payload is detached.
    #[error("the payload is detached: Lading statements carry their payload (or its SHA-256, as a hash envelope)")]
    Detached,
    /// The signature does not verify.
    #[error("bad signature: {0}")]
    Signature(String),
}

fn header_error(label: i64, name: &'static str, reason: impl Into<String>) -> StatementError {
    StatementError::Header { label, name, reason: reason.into() }
}

/// The payload a statement carries, as its headers describe it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    /// The content itself, of `content_type`.
    Embedded {
        /// Label 3.
        content_type: String,
    },
    /// A hash envelope over content of `preimage_content_type`.
    Hashed {
        /// Label 259.
        preimage_content_type: String,
        /// Label 260.
        location: Option<String>,
    },
}

/// A parsed, not yet verified, signed (or transparent) statement.
#[derive(Debug, Clone)]
pub struct SignedStatement {
    bytes: Vec<u8>,
    parts: [Range<usize>; 4],
    sign1: CoseSign1,
    /// `alg`.
    pub algorithm: CoseAlgorithm,
    /// CWT claims.
    pub claims: Claims,
    /// What the payload is.
    pub content: Content,
    /// `kid`, if any.
    pub kid: Option<Vec<u8>>,
    /// `x5chain` (protected, or unprotected when `x5t` is protected), DER, leaf first.
    pub x5chain: Vec<Vec<u8>>,
    /// `x5t` (hash algorithm, thumbprint), if any.
    pub x5t: Option<(i64, Vec<u8>)>,
    /// Receipts in unprotected header 394 (a transparent statement), as bytes.
    pub receipts: Vec<Vec<u8>>,
}

fn int_of(value: &Value) -> Option<i64> {
    match value {
        Value::Integer(i) => i64::try_from(*i).ok(),
        _ => None,
    }
}

fn rest_value(header: &coset::Header, label: i64) -> Option<&Value> {
    header.rest.iter().find(|(l, _)| *l == coset::Label::Int(label)).map(|(_, v)| v)
}

fn chain_of(value: &Value, label: i64) -> Result<Vec<Vec<u8>>, StatementError> {
    match value {
        Value::Bytes(one) => Ok(vec![one.clone()]),
        Value::Array(many) if !many.is_empty() => many
            .iter()
            .map(|v| v.as_bytes().cloned().ok_or_else(|| header_error(label, "x5chain", "an element is not a bstr")))
            .collect(),
        _ => Err(header_error(label, "x5chain", "not a bstr or a non-empty array of bstr")),
    }
}

impl SignedStatement {
    /// Parses a tagged COSE_Sign1 statement (or transparent statement) strictly.
    pub fn parse(bytes: &[u8]) -> Result<Self, StatementError> {
        let parts = cbor::sign1_parts(bytes, Limits::STATEMENT, "signed statement")?;
        let sign1 = CoseSign1::from_tagged_slice(bytes).map_err(|e| StatementError::Cose(e.to_string()))?;
        let protected = &sign1.protected.header;
        if let Some(data) = &sign1.protected.original_data {
            cbor::check(data, Limits::STATEMENT, "protected header")?;
        }
        let unknown: Vec<String> = protected
            .crit
            .iter()
            .filter(|l| match l {
                coset::RegisteredLabelWithPrivate::Assigned(a) => !UNDERSTOOD.contains(&(*a as i64)),
                coset::RegisteredLabelWithPrivate::PrivateUse(i) => !UNDERSTOOD.contains(i),
                coset::RegisteredLabelWithPrivate::Text(_) => true,
            })
            .map(|l| format!("{l:?}"))
            .collect();
        if !unknown.is_empty() {
            return Err(StatementError::UnknownCritical(unknown));
        }
        let algorithm = match &protected.alg {
            Some(coset::Algorithm::Assigned(a)) => CoseAlgorithm::from_value(*a as i64)
                .ok_or_else(|| StatementError::Algorithm(format!("{a:?} ({})", *a as i64)))?,
            Some(other) => return Err(StatementError::Algorithm(format!("{other:?}"))),
            None => return Err(header_error(label::ALG, "alg", "missing from the protected header")),
        };
        // CWT claims.
        let cwt = rest_value(protected, label::CWT_CLAIMS)
            .ok_or_else(|| header_error(label::CWT_CLAIMS, "CWT claims", "missing from the protected header"))?;
        let Value::Map(cwt) = cwt else {
            return Err(header_error(label::CWT_CLAIMS, "CWT claims", "not a map"));
        };
        let claim = |key: i64| cwt.iter().find(|(k, _)| int_of(k) == Some(key)).map(|(_, v)| v);
        let text_claim = |key: i64, name: &'static str| -> Result<String, StatementError> {
            match claim(key) {
                Some(Value::Text(t)) if !t.is_empty() && t.len() <= 8192 => Ok(t.clone()),
                Some(_) => Err(header_error(
                    label::CWT_CLAIMS,
                    "CWT claims",
                    format!("{name} is not a text of 1 to 8192 characters"),
                )),
                None => Err(header_error(label::CWT_CLAIMS, "CWT claims", format!("{name} ({key}) is missing"))),
            }
        };
        let issuer = text_claim(label::CLAIM_ISS, "iss")?;
        let subject = text_claim(label::CLAIM_SUB, "sub")?;
        let issued_at = match claim(label::CLAIM_IAT) {
            None => None,
            Some(v) => {
                Some(int_of(v).ok_or_else(|| header_error(label::CWT_CLAIMS, "CWT claims", "iat is not an integer"))?)
            }
        };
        // Content: embedded, or a hash envelope.
        let hash_alg = rest_value(protected, label::PAYLOAD_HASH_ALG);
        let unprotected = &sign1.unprotected;
        for l in [label::PAYLOAD_HASH_ALG, label::PREIMAGE_CONTENT_TYPE, label::PAYLOAD_LOCATION] {
            if rest_value(unprotected, l).is_some() {
                return Err(header_error(l, "hash envelope", "must not be in the unprotected header"));
            }
        }
        let content = match hash_alg {
            Some(alg) => {
                if int_of(alg) != Some(label::SHA_256) {
                    return Err(header_error(
                        label::PAYLOAD_HASH_ALG,
                        "payload-hash-alg",
                        format!("{alg:?}: only SHA-256 (-16) is accepted"),
                    ));
                }
                if protected.content_type.is_some() || unprotected.content_type.is_some() {
                    return Err(header_error(
                        label::CONTENT_TYPE,
                        "content type",
                        "must be absent in a hash envelope (use 259)",
                    ));
                }
                let preimage_content_type = match rest_value(protected, label::PREIMAGE_CONTENT_TYPE) {
                    Some(Value::Text(t)) => t.clone(),
                    _ => {
                        return Err(header_error(
                            label::PREIMAGE_CONTENT_TYPE,
                            "preimage content type",
                            "missing or not a text",
                        ));
                    }
                };
                let location = match rest_value(protected, label::PAYLOAD_LOCATION) {
                    None => None,
                    Some(Value::Text(t)) => Some(t.clone()),
                    Some(_) => return Err(header_error(label::PAYLOAD_LOCATION, "payload-location", "not a text")),
                };
                if sign1.payload.as_ref().is_some_and(|p| p.len() != 32) {
                    return Err(header_error(
                        label::PAYLOAD_HASH_ALG,
                        "payload-hash-alg",
                        "the payload is not a 32-byte SHA-256 digest",
                    ));
                }
                Content::Hashed { preimage_content_type, location }
            }
            None => match &protected.content_type {
                Some(coset::ContentType::Text(t)) => Content::Embedded { content_type: t.clone() },
                Some(other) => {
                    return Err(header_error(
                        label::CONTENT_TYPE,
                        "content type",
                        format!("{other:?}: a media type name is required"),
                    ));
                }
                None => {
                    return Err(header_error(label::CONTENT_TYPE, "content type", "missing from the protected header"));
                }
            },
        };
        if sign1.payload.is_none() {
            return Err(StatementError::Detached);
        }
        // Key binding.
        let kid = (!protected.key_id.is_empty()).then(|| protected.key_id.clone());
        let x5t = match rest_value(protected, label::X5T) {
            None => None,
            Some(Value::Array(a)) if a.len() == 2 => match (int_of(&a[0]), a[1].as_bytes()) {
                (Some(alg), Some(hash)) => Some((alg, hash.clone())),
                _ => return Err(header_error(label::X5T, "x5t", "not [hash algorithm, thumbprint]")),
            },
            Some(_) => return Err(header_error(label::X5T, "x5t", "not [hash algorithm, thumbprint]")),
        };
        let x5chain = match (rest_value(protected, label::X5CHAIN), rest_value(unprotected, label::X5CHAIN)) {
            (Some(chain), _) => chain_of(chain, label::X5CHAIN)?,
            (None, Some(chain)) if x5t.is_some() => chain_of(chain, label::X5CHAIN)?,
            _ => Vec::new(),
        };
        if kid.is_none() && x5chain.is_empty() && x5t.is_none() {
            return Err(header_error(label::KID, "kid", "no kid, x5chain or x5t names the issuer's key"));
        }
        if let (Some((alg, hash)), Some(leaf)) = (&x5t, x5chain.first())
            && (*alg != label::SHA_256 || hash.as_slice() != Sha256::digest(leaf).as_slice())
        {
            return Err(header_error(label::X5T, "x5t", "does not match the x5chain leaf (SHA-256 expected)"));
        }
        let receipts = match rest_value(unprotected, label::RECEIPTS) {
            None => Vec::new(),
            Some(Value::Array(items)) => items
                .iter()
                .map(|r| {
                    r.as_bytes()
                        .cloned()
                        .ok_or_else(|| header_error(label::RECEIPTS, "receipts", "an element is not a bstr"))
                })
                .collect::<Result<_, _>>()?,
            Some(_) => return Err(header_error(label::RECEIPTS, "receipts", "not an array")),
        };
        Ok(SignedStatement {
            bytes: bytes.to_vec(),
            parts,
            sign1,
            algorithm,
            claims: Claims { issuer, subject, issued_at },
            content,
            kid,
            x5chain,
            x5t,
            receipts,
        })
    }

    /// The statement's bytes, as given.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The payload (the content, or its digest in a hash envelope).
    pub fn payload(&self) -> &[u8] {
        self.sign1.payload.as_deref().unwrap_or_default()
    }

    /// The statement as registered: the same protected header, payload and
    /// signature bytes with an empty unprotected header (RFC 9943).
    pub fn registered_bytes(&self) -> Vec<u8> {
        let [protected, _, payload, signature] = &self.parts;
        let mut out = Vec::with_capacity(self.bytes.len());
        out.extend_from_slice(&[0xd2, 0x84]);
        out.extend_from_slice(&self.bytes[protected.clone()]);
        out.push(0xa0);
        out.extend_from_slice(&self.bytes[payload.clone()]);
        out.extend_from_slice(&self.bytes[signature.clone()]);
        out
    }

    /// The log entry recording this statement: SHA-256 of [`Self::registered_bytes`].
    pub fn entry(&self) -> [u8; 32] {
        Sha256::digest(self.registered_bytes()).into()
    }

    /// The RFC 9162 Merkle leaf hash of [`Self::entry`].
    pub fn leaf_hash(&self) -> Hash {
        lading_tlog::leaf_hash(&self.entry())
    }

    /// Verifies the issuer's signature with `key`.
    pub fn verify_signature(&self, key: &VerifyingKey) -> Result<(), StatementError> {
        let tbs = self.sign1.tbs_data(&[]);
        verify_cose(self.algorithm, key, &tbs, &self.sign1.signature).map_err(StatementError::Signature)
    }

    /// This statement with `receipts` in unprotected header 394 (a
    /// transparent statement); other unprotected headers are kept, earlier
    /// receipts replaced.
    pub fn with_receipts(&self, receipts: &[Vec<u8>]) -> Result<Vec<u8>, ScittError> {
        let [protected, _, payload, signature] = &self.parts;
        let mut unprotected: Vec<(Value, Value)> = Vec::new();
        let header = self.sign1.unprotected.clone();
        let mut rest = coset::Header { rest: Vec::new(), ..header.clone() };
        rest.rest = header.rest.into_iter().filter(|(l, _)| *l != coset::Label::Int(label::RECEIPTS)).collect();
        if let Value::Map(entries) =
            coset::AsCborValue::to_cbor_value(rest).map_err(|e| ScittError::Encode(e.to_string()))?
        {
            unprotected.extend(entries);
        }
        unprotected
            .push((Value::from(label::RECEIPTS), Value::Array(receipts.iter().cloned().map(Value::Bytes).collect())));
        let mut out = vec![0xd2, 0x84];
        out.extend_from_slice(&self.bytes[protected.clone()]);
        out.extend(crate::key::encode(&Value::Map(unprotected))?);
        out.extend_from_slice(&self.bytes[payload.clone()]);
        out.extend_from_slice(&self.bytes[signature.clone()]);
        Ok(out)
    }
}

/// Encodes a value for tests and callers that build maps.
pub fn to_vec(value: &Value) -> Result<Vec<u8>, ScittError> {
    crate::key::encode(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::key::{did_key, lading_kid};
    use coset::CborSerializable as _;
    use lading_crypto::{Algorithm, SigningKey};

    fn statement(key: &SigningKey, payload: Payload) -> Vec<u8> {
        let claims = Claims {
            issuer: did_key(&key.verifying_key()).expect("did"),
            subject: "inspection-report/0b7f2a3c".into(),
            issued_at: Some(1_764_000_000),
        };
        build_statement(&payload, &claims, &Binding::Key { kid: lading_kid(&key.verifying_key()) }, key).expect("built")
    }

    fn embedded() -> Payload {
        Payload::Embedded { content_type: crate::media::LADING_DOCUMENT.into(), bytes: br#"{"a":1}"#.to_vec() }
    }

    #[test]
    fn statements_round_trip_and_verify_for_es256_and_eddsa() {
        for algorithm in [Algorithm::Ed25519, Algorithm::P256] {
            let key = SigningKey::generate(algorithm).expect("key");
            let bytes = statement(&key, embedded());
            let s = SignedStatement::parse(&bytes).expect("parses");
            s.verify_signature(&key.verifying_key()).expect("verifies");
            assert_eq!(s.claims.subject, "inspection-report/0b7f2a3c");
            assert_eq!(s.payload(), br#"{"a":1}"#);
            assert_eq!(s.registered_bytes(), bytes, "no unprotected header: registered as is");
            let other = SigningKey::generate(algorithm).expect("key");
            assert!(matches!(s.verify_signature(&other.verifying_key()), Err(StatementError::Signature(_))));
        }
    }

    #[test]
    fn sm2_keys_cannot_sign_cose() {
        let key = SigningKey::generate(Algorithm::Sm2).expect("key");
        let claims = Claims { issuer: "x".into(), subject: "y".into(), issued_at: None };
        let err = build_statement(&embedded(), &claims, &Binding::Key { kid: vec![1] }, &key).expect_err("SM2");
        assert!(err.to_string().contains("DSSE"), "{err}");
    }

    #[test]
    fn hash_envelopes_carry_the_digest_and_no_content_type() {
        let key = SigningKey::generate(Algorithm::Ed25519).expect("key");
        let digest: [u8; 32] = Sha256::digest(b"package").into();
        let bytes = statement(
            &key,
            Payload::Hashed { preimage_content_type: crate::media::LADING_PACKAGE.into(), digest, location: None },
        );
        let s = SignedStatement::parse(&bytes).expect("parses");
        assert_eq!(s.payload(), digest);
        assert!(matches!(s.content, Content::Hashed { .. }));
        s.verify_signature(&key.verifying_key()).expect("verifies");
    }

    #[test]
    fn the_entry_ignores_the_unprotected_header() {
        let key = SigningKey::generate(Algorithm::Ed25519).expect("key");
        let bytes = statement(&key, embedded());
        let s = SignedStatement::parse(&bytes).expect("parses");
        let transparent = s.with_receipts(&[vec![1, 2, 3]]).expect("adds");
        let t = SignedStatement::parse(&transparent).expect("parses");
        assert_eq!(t.receipts, vec![vec![1, 2, 3]]);
        assert_eq!(t.entry(), s.entry());
        t.verify_signature(&key.verifying_key()).expect("still verifies");
    }

    #[test]
    fn bad_statements_are_refused_with_the_header_named() {
        let key = SigningKey::generate(Algorithm::Ed25519).expect("key");
        let sign = |header: coset::Header, payload: Option<Vec<u8>>| {
            let mut b = CoseSign1Builder::new().protected(header);
            if let Some(p) = payload {
                b = b.payload(p);
            }
            b.create_signature(&[], |tbs| key.sign(tbs)).build().to_tagged_vec().expect("encodes")
        };
        let cwt =
            Value::Map(vec![(Value::from(1), Value::Text("i".into())), (Value::from(2), Value::Text("s".into()))]);
        let base = || {
            HeaderBuilder::new()
                .algorithm(coset::iana::Algorithm::EdDSA)
                .content_type("application/json".into())
                .key_id(vec![1])
        };
        // No CWT claims.
        let err = SignedStatement::parse(&sign(base().build(), Some(vec![]))).expect_err("no claims");
        assert!(err.to_string().contains("CWT claims"), "{err}");
        // Unknown critical header.
        let h = base()
            .value(15, cwt.clone())
            .add_critical_label(coset::RegisteredLabelWithPrivate::PrivateUse(-70000))
            .value(-70000, Value::from(1))
            .build();
        let err = SignedStatement::parse(&sign(h, Some(vec![]))).expect_err("crit");
        assert!(matches!(err, StatementError::UnknownCritical(_)), "{err}");
        // Detached payload.
        let err = SignedStatement::parse(&sign(base().value(15, cwt.clone()).build(), None)).expect_err("detached");
        assert_eq!(err, StatementError::Detached);
        // Untagged.
        let untagged = CoseSign1Builder::new()
            .protected(base().value(15, cwt).build())
            .payload(vec![])
            .build()
            .to_vec()
            .expect("encodes");
        assert!(SignedStatement::parse(&untagged).is_err());
        // Garbage, truncation.
        assert!(SignedStatement::parse(&[]).is_err());
        assert!(SignedStatement::parse(&[0xd2, 0x84, 0x40]).is_err());
    }
}
