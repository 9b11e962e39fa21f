//! W3C Data Integrity proofs with the `eddsa-jcs-2022` cryptosuite (VC Data
//! Integrity EdDSA Cryptosuites v1.0, §3.3), and `did:key` identifiers for
//! Ed25519 keys (did:key Method v0.9: multicodec `ed25519-pub` 0xed01,
//! multibase base58btc).
//!
//! Signing: the proof configuration (the proof without `proofValue`, with
//! the document's `@context`) and the document without its proof are each
//! canonicalised with RFC 8785 and hashed with SHA-256; the Ed25519
//! signature over the proof-configuration hash followed by the document hash
//! is the `proofValue`, base58btc with the multibase `z` prefix.
//!
//! Only `did:key` verification methods are resolved (offline, from the
//! identifier itself); a single proof object per document.

use chrono::{DateTime, SecondsFormat, Utc};
use lading_model::json::canonicalize;
use serde_json::{Map, Value};
use sha2::{Digest as _, Sha256};

/// The cryptosuite this module implements.
pub const CRYPTOSUITE: &str = "eddsa-jcs-2022";
/// The proof type of every Data Integrity proof.
pub const PROOF_TYPE: &str = "DataIntegrityProof";
/// The proof purpose of credentials (an issuer asserting claims).
pub const ASSERTION_METHOD: &str = "assertionMethod";

/// Multicodec prefix of an Ed25519 public key (`ed25519-pub`, varint 0xed).
const ED25519_PUB: [u8; 2] = [0xed, 0x01];
/// Multicodec prefix of an Ed25519 private key (`ed25519-priv`, varint 0x1300).
const ED25519_PRIV: [u8; 2] = [0x80, 0x26];

/// Why a proof could not be made or does not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DiError {
    /// The document or its proof is not shaped as the cryptosuite requires;
    /// `pointer` is the JSON pointer of the offending field.
    #[error("{pointer}: {message}")]
    Malformed {
        /// Where, as a JSON pointer.
        pointer: String,
        /// What is wrong.
        message: String,
    },
    /// A `did:key` or multibase key that is not an Ed25519 key.
    #[error("{0}")]
    Key(String),
    /// The signature does not verify over the document and proof options.
    #[error(
        "the proof's signature does not verify with {verification_method}: the document or proof was altered, or signed by another key"
    )]
    BadSignature {
        /// The key the proof names.
        verification_method: String,
    },
    /// The signer could not sign, or its key is not Ed25519.
    #[error(transparent)]
    Sign(#[from] crate::signer::SignError),
}

fn malformed(pointer: &str, message: impl Into<String>) -> DiError {
    DiError::Malformed { pointer: pointer.to_owned(), message: message.into() }
}

/// `z` + base58btc of `prefix ‖ bytes`.
fn multibase(prefix: &[u8], bytes: &[u8]) -> String {
    let mut all = Vec::with_capacity(prefix.len() + bytes.len());
    all.extend_from_slice(prefix);
    all.extend_from_slice(bytes);
    format!("z{}", bs58::encode(all).into_string())
}

/// The bytes of a base58btc multibase string with `prefix`.
fn from_multibase(text: &str, prefix: &[u8], what: &str) -> Result<Vec<u8>, DiError> {
    let body = text
        .strip_prefix('z')
        .ok_or_else(|| DiError::Key(format!("{what} {text:?} is not multibase base58btc (no leading 'z')")))?;
    let bytes = bs58::decode(body).into_vec().map_err(|e| DiError::Key(format!("{what} {text:?}: {e}")))?;
    bytes.strip_prefix(prefix).map(<[u8]>::to_vec).ok_or_else(|| {
        DiError::Key(format!("{what} {text:?} is not an Ed25519 key (multicodec {prefix:02x?} expected)"))
    })
}

/// The Multikey `publicKeyMultibase` of an Ed25519 key (`z6Mk…`).
pub fn public_key_multibase(key: &ed25519_dalek::VerifyingKey) -> String {
    multibase(&ED25519_PUB, key.as_bytes())
}

/// The Ed25519 key of a Multikey `publicKeyMultibase`.
pub fn public_key_from_multibase(text: &str) -> Result<ed25519_dalek::VerifyingKey, DiError> {
    let bytes = from_multibase(text, &ED25519_PUB, "public key")?;
    let raw: [u8; 32] = bytes.try_into().map_err(|_| DiError::Key(format!("public key {text:?} is not 32 bytes")))?;
    ed25519_dalek::VerifyingKey::from_bytes(&raw).map_err(|e| DiError::Key(format!("public key {text:?}: {e}")))
}

/// The Ed25519 key of a Multikey `secretKeyMultibase` (`z3u2…`).
pub fn secret_key_from_multibase(text: &str) -> Result<ed25519_dalek::SigningKey, DiError> {
    let bytes = from_multibase(text, &ED25519_PRIV, "secret key")?;
    let raw: [u8; 32] = bytes.try_into().map_err(|_| DiError::Key("secret key is not 32 bytes".into()))?;
    Ok(ed25519_dalek::SigningKey::from_bytes(&raw))
}

/// The `did:key` of an Ed25519 key.
pub fn did_key(key: &ed25519_dalek::VerifyingKey) -> String {
    format!("did:key:{}", public_key_multibase(key))
}

/// The verification method of a `did:key`: `did:key:z…#z…`.
pub fn verification_method(key: &ed25519_dalek::VerifyingKey) -> String {
    let mb = public_key_multibase(key);
    format!("did:key:{mb}#{mb}")
}

/// The Ed25519 key a `did:key` (or a `did:key` verification method) names.
/// A verification method's fragment must be the key itself.
pub fn resolve_did_key(did: &str) -> Result<ed25519_dalek::VerifyingKey, DiError> {
    let rest = did.strip_prefix("did:key:").ok_or_else(|| {
        DiError::Key(format!(
            "{did:?} is not a did:key; only did:key issuers are resolved (offline, from the identifier)"
        ))
    })?;
    let (id, fragment) = match rest.split_once('#') {
        Some((id, fragment)) => (id, Some(fragment)),
        None => (rest, None),
    };
    if fragment.is_some_and(|f| f != id) {
        return Err(DiError::Key(format!("{did:?}: the fragment must repeat the did:key's key")));
    }
    public_key_from_multibase(id)
}

/// How to make a proof.
#[derive(Debug, Clone)]
pub struct ProofOptions {
    /// `created`, written to the second.
    pub created: DateTime<Utc>,
    /// `proofPurpose`; credentials use [`ASSERTION_METHOD`].
    pub proof_purpose: String,
}

/// The document's `@context`, for the proof; documents without one have none.
fn context(document: &Map<String, Value>) -> Option<Value> {
    document.get("@context").cloned()
}

fn hash_data(proof_config: &Value, unsecured: &Value) -> Vec<u8> {
    let mut out = Sha256::digest(canonicalize(proof_config)).to_vec();
    out.extend_from_slice(&Sha256::digest(canonicalize(unsecured)));
    out
}

/// `document` (a JSON object without a `proof`) with an `eddsa-jcs-2022`
/// proof by `key`, whose verification method is the key's `did:key`.
pub fn sign(document: &Value, key: &dyn crate::signer::Signer, options: &ProofOptions) -> Result<Value, DiError> {
    let public = crate::signer::ed25519_public_key(key)?;
    let Value::Object(doc) = document else { return Err(malformed("", "a secured document must be a JSON object")) };
    if doc.contains_key("proof") {
        return Err(malformed("/proof", "the document already has a proof (proof sets and chains are not made here)"));
    }
    let mut proof = Map::new();
    proof.insert("type".into(), PROOF_TYPE.into());
    proof.insert("cryptosuite".into(), CRYPTOSUITE.into());
    proof.insert("created".into(), options.created.to_rfc3339_opts(SecondsFormat::Secs, true).into());
    proof.insert("verificationMethod".into(), verification_method(&public).into());
    proof.insert("proofPurpose".into(), options.proof_purpose.clone().into());
    if let Some(ctx) = context(doc) {
        proof.insert("@context".into(), ctx);
    }
    let signature = key.try_sign(&hash_data(&Value::Object(proof.clone()), document))?;
    proof.insert("proofValue".into(), format!("z{}", bs58::encode(signature).into_string()).into());
    let mut secured = doc.clone();
    secured.insert("proof".into(), Value::Object(proof));
    Ok(Value::Object(secured))
}

/// What a verified proof says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedProof {
    /// The `did:key` that signed (the verification method without its fragment).
    pub signer: String,
    /// The key.
    pub key: ed25519_dalek::VerifyingKey,
    /// `created`.
    pub created: DateTime<Utc>,
    /// `proofPurpose`.
    pub proof_purpose: String,
}

fn string<'a>(proof: &'a Map<String, Value>, field: &str) -> Result<&'a str, DiError> {
    match proof.get(field) {
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(malformed(&format!("/proof/{field}"), "must be a string")),
        None => Err(malformed(&format!("/proof/{field}"), "is missing")),
    }
}

/// Verifies the `eddsa-jcs-2022` proof of `secured` (VC DI EdDSA §3.3.2).
pub fn verify(secured: &Value) -> Result<VerifiedProof, DiError> {
    use ed25519_dalek::Verifier as _;
    let Value::Object(doc) = secured else { return Err(malformed("", "a secured document must be a JSON object")) };
    let proof = match doc.get("proof") {
        Some(Value::Object(p)) => p,
        Some(Value::Array(_)) => return Err(malformed("/proof", "proof sets are not supported; one proof object")),
        Some(_) => return Err(malformed("/proof", "must be an object")),
        None => return Err(malformed("/proof", "is missing: the document is not secured")),
    };
    let kind = string(proof, "type")?;
    if kind != PROOF_TYPE {
        return Err(malformed("/proof/type", format!("is {kind:?}, expected {PROOF_TYPE:?}")));
    }
    let suite = string(proof, "cryptosuite")?;
    if suite != CRYPTOSUITE {
        return Err(malformed("/proof/cryptosuite", format!("is {suite:?}, expected {CRYPTOSUITE:?}")));
    }
    let method = string(proof, "verificationMethod")?;
    let key = resolve_did_key(method)?;
    let purpose = string(proof, "proofPurpose")?.to_owned();
    let created_text = string(proof, "created")?;
    let created = DateTime::parse_from_rfc3339(created_text)
        .map_err(|e| malformed("/proof/created", format!("{created_text:?} is not an XML Schema dateTime: {e}")))?
        .with_timezone(&Utc);
    let value = string(proof, "proofValue")?;
    let sig_bytes = value
        .strip_prefix('z')
        .and_then(|b| bs58::decode(b).into_vec().ok())
        .ok_or_else(|| malformed("/proof/proofValue", "is not multibase base58btc"))?;
    let sig = ed25519_dalek::Signature::from_slice(&sig_bytes).map_err(|_| {
        malformed("/proof/proofValue", format!("is {} bytes; an Ed25519 signature is 64", sig_bytes.len()))
    })?;
    let mut options = proof.clone();
    options.remove("proofValue");
    let mut unsecured = doc.clone();
    unsecured.remove("proof");
    if let Some(ctx) = options.get("@context") {
        // §3.3.2: the document's @context must start with the proof's, in order.
        let as_list = |v: &Value| match v {
            Value::Array(a) => a.clone(),
            other => vec![other.clone()],
        };
        let (proof_ctx, doc_ctx) = (as_list(ctx), unsecured.get("@context").map(as_list).unwrap_or_default());
        if !doc_ctx.starts_with(&proof_ctx) {
            return Err(malformed("/proof/@context", "the document's @context does not start with the proof's"));
        }
        unsecured.insert("@context".into(), ctx.clone());
    }
    let data = hash_data(&Value::Object(options), &Value::Object(unsecured));
    key.verify(&data, &sig).map_err(|_| DiError::BadSignature { verification_method: method.to_owned() })?;
    Ok(VerifiedProof {
        signer: method.split('#').next().unwrap_or(method).to_owned(),
        key,
        created,
        proof_purpose: purpose,
    })
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone as _;
    use serde_json::json;

    use super::*;

    fn signed() -> (Value, ed25519_dalek::SigningKey) {
        let key = ed25519_dalek::SigningKey::from_bytes(&[3; 32]);
        let doc = json!({
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential"],
            "issuer": did_key(&key.verifying_key()),
            "credentialSubject": {"id": "urn:example:s", "name": "Ünïcödé 😀"},
        });
        let options = ProofOptions {
            created: Utc.with_ymd_and_hms(2026, 11, 27, 9, 0, 0).single().expect("time"),
            proof_purpose: ASSERTION_METHOD.into(),
        };
        (sign(&doc, &key, &options).expect("sign"), key)
    }

    fn error_of(doc: &Value) -> String {
        verify(doc).expect_err("must not verify").to_string()
    }

    #[test]
    fn a_signed_document_verifies_and_names_its_signer() {
        let (doc, key) = signed();
        let v = verify(&doc).expect("verifies");
        assert_eq!(v.signer, did_key(&key.verifying_key()));
        assert!(v.signer.starts_with("did:key:z6Mk"), "{}", v.signer);
        assert_eq!(v.created, Utc.with_ymd_and_hms(2026, 11, 27, 9, 0, 0).single().expect("time"));
        assert_eq!(doc["proof"]["created"], "2026-11-27T09:00:00Z");
        // Signing again is refused rather than making a proof set.
        let err = sign(&doc, &key, &ProofOptions { created: v.created, proof_purpose: "x".into() }).expect_err("set");
        assert!(err.to_string().starts_with("/proof"), "{err}");
    }

    #[test]
    fn malformed_proofs_name_the_field() {
        let (doc, _) = signed();
        let with = |pointer: &str, value: Value| {
            let mut d = doc.clone();
            *d.pointer_mut(pointer).expect("field") = value;
            d
        };
        assert!(error_of(&with("/proof", json!([]))).contains("proof sets"));
        assert!(error_of(&with("/proof/cryptosuite", json!("ecdsa-jcs-2019"))).starts_with("/proof/cryptosuite"));
        assert!(error_of(&with("/proof/type", json!("Ed25519Signature2020"))).starts_with("/proof/type"));
        assert!(error_of(&with("/proof/created", json!("yesterday"))).starts_with("/proof/created"));
        assert!(error_of(&with("/proof/proofValue", json!("uAAAA"))).contains("base58btc"));
        assert!(error_of(&with("/proof/proofValue", json!("z3yMFU"))).contains("bytes"));
        assert!(error_of(&with("/proof/verificationMethod", json!("did:web:example.com#k"))).contains("did:key"));
        let vm = doc["proof"]["verificationMethod"].as_str().expect("vm").to_owned();
        let other = verification_method(&ed25519_dalek::SigningKey::from_bytes(&[4; 32]).verifying_key());
        let mismatched = format!("{}#{}", vm.split('#').next().expect("id"), other.split('#').nth(1).expect("frag"));
        assert!(error_of(&with("/proof/verificationMethod", json!(mismatched))).contains("fragment"));
        // Another key named: the signature does not verify.
        assert!(matches!(verify(&with("/proof/verificationMethod", json!(other))), Err(DiError::BadSignature { .. })));
        // A P-256 Multikey (multicodec 0x1200) is not taken for Ed25519.
        let p256 = format!("did:key:{}", multibase(&[0x80, 0x24], &[2; 33]));
        assert!(error_of(&with("/proof/verificationMethod", json!(p256))).contains("not an Ed25519 key"));
        let mut missing = doc.clone();
        missing["proof"].as_object_mut().expect("proof").remove("proofValue");
        assert_eq!(error_of(&missing), "/proof/proofValue: is missing");
        let mut unsecured = doc;
        unsecured.as_object_mut().expect("object").remove("proof");
        assert!(error_of(&unsecured).contains("not secured"));
        assert!(error_of(&json!([1])).contains("JSON object"));
    }

    proptest::proptest! {
        /// Changing any string of the signed credential breaks the proof.
        #[test]
        fn any_changed_field_fails(which in 0usize..8, suffix in "[a-z]{1,4}") {
            let (doc, _) = signed();
            let pointers = ["/issuer", "/credentialSubject/id", "/credentialSubject/name", "/type/0",
                "/@context/0", "/proof/created", "/proof/proofPurpose", "/proof/@context/0"];
            let mut d = doc.clone();
            let field = d.pointer_mut(pointers[which]).expect("field");
            *field = Value::String(format!("{}{suffix}", field.as_str().expect("string")));
            proptest::prop_assert!(verify(&d).is_err());
        }
    }
}
