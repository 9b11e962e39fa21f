//! Lading's registration policy for SCITT statements, as pure checks: who
//! the issuer is (a `did:key` bound to `kid`, or a certificate in `x5chain`)
//! and whether the payload is a Lading document, a DSSE envelope Lading made
//! (verified with the issuer's key), or a hash envelope of one of those or
//! of a release package. The service adds what needs state: that the key is
//! registered for the log.

use lading_crypto::{Envelope, VerifyingKey, verify_statement};
use lading_model::{Document, json};
use lading_pki::Certificate;

use crate::key::{did_key, lading_kid};
use crate::media;
use crate::statement::{Content, SignedStatement};

/// Why a statement does not meet the policy.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PolicyError {
    /// The issuer's identity or key binding is wrong.
    #[error("issuer: {0}")]
    Issuer(String),
    /// The payload is not a Lading document (or envelope, or hash envelope of one).
    #[error("payload: {0}")]
    NotLading(String),
    /// The x5chain does not validate: no path to a trusted root, a certificate
    /// expired or revoked, or a leaf that may not sign documents.
    #[error("x5chain: {0}")]
    Chain(String),
}

/// Judges a certificate-bound statement's chain as a registration policy
/// must: the leaf certifies `key`, is valid at `at` and allows
/// digitalSignature for document signing, and the chain validates (RFC 5280)
/// to one of `roots` at `at`. The error names the certificate (subject and
/// position) and what is wrong with it.
pub fn check_certificate_chain(
    chain: &[Certificate],
    key: &VerifyingKey,
    roots: &[Certificate],
    at: chrono::DateTime<chrono::Utc>,
) -> Result<lading_pki::ValidatedPath, PolicyError> {
    let leaf = chain.first().ok_or_else(|| PolicyError::Chain("empty".into()))?;
    if roots.is_empty() {
        return Err(PolicyError::Chain(format!(
            "the service trusts no CA roots, so the certificate of {} cannot be judged",
            lading_pki::Identity::of(leaf).subject
        )));
    }
    lading_pki::path::check_signing_leaf(leaf, key, at).map_err(|e| PolicyError::Chain(e.to_string()))?;
    lading_pki::validate(chain, roots, &lading_pki::Options::at(at)).map_err(|e| PolicyError::Chain(e.to_string()))
}

/// `sub` for a document: `<kind>/<id>`.
pub fn subject_of(document: &Document) -> String {
    let meta = document.meta();
    format!("{}/{}", meta.kind.name(), meta.id)
}

/// `iss` for a certificate-bound statement: `urn:lading:x509:` and the
/// subject's RFC 4514 name, percent-encoded (RFC 8392 needs a URI once a
/// value holds a colon).
pub fn certificate_issuer(leaf: &Certificate) -> String {
    let subject = lading_pki::Identity::of(leaf).subject;
    let mut out = String::from("urn:lading:x509:");
    for b in subject.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~=,+".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The DER encodings of a chain, for `x5chain`.
pub fn chain_der(chain: &[Certificate]) -> Result<Vec<Vec<u8>>, crate::ScittError> {
    chain.iter().map(|c| der::Encode::to_der(c).map_err(|e| crate::ScittError::Encode(e.to_string()))).collect()
}

/// The issuer key a statement names, and the Lading key id to look up.
#[derive(Debug, Clone)]
pub enum IssuerKey {
    /// Named by `kid` only: the key id (hex) to look up in the registry.
    KeyId(String),
    /// Certified by the `x5chain` leaf (not yet validated against anchors).
    Certificate {
        /// The certified key.
        key: VerifyingKey,
        /// The parsed chain, leaf first.
        chain: Vec<Certificate>,
    },
}

/// Which key the statement claims to be signed with.
pub fn issuer_key(statement: &SignedStatement) -> Result<IssuerKey, PolicyError> {
    if !statement.x5chain.is_empty() {
        let mut chain = Vec::new();
        for (i, der) in statement.x5chain.iter().enumerate() {
            let mut certs = lading_pki::parse_certificates(der)
                .map_err(|e| PolicyError::Issuer(format!("x5chain certificate {i}: {e}")))?;
            if certs.len() != 1 {
                return Err(PolicyError::Issuer(format!("x5chain element {i} is not one DER certificate")));
            }
            chain.append(&mut certs);
        }
        let key = lading_pki::path::certified_key(&chain[0]).map_err(|e| PolicyError::Issuer(e.to_string()))?;
        let expected = certificate_issuer(&chain[0]);
        if statement.claims.issuer != expected {
            return Err(PolicyError::Issuer(format!(
                "iss is {:?}, but the x5chain leaf names {expected:?}",
                statement.claims.issuer
            )));
        }
        return Ok(IssuerKey::Certificate { key, chain });
    }
    match &statement.kid {
        Some(kid) if kid.len() == 32 => Ok(IssuerKey::KeyId(hex::encode(kid))),
        Some(kid) => Err(PolicyError::Issuer(format!(
            "kid is {} bytes; Lading names keys by the 32-byte SHA-256 of their SPKI DER",
            kid.len()
        ))),
        None => Err(PolicyError::Issuer("x5t without x5chain: the certificate is not in the statement".into())),
    }
}

/// Checks that a key-bound statement's `kid` and `iss` both name `key`.
pub fn check_key_binding(statement: &SignedStatement, key: &VerifyingKey) -> Result<(), PolicyError> {
    if statement.kid.as_deref() != Some(lading_kid(key).as_slice()) {
        return Err(PolicyError::Issuer("kid does not name this key".into()));
    }
    let did = did_key(key).map_err(|e| PolicyError::Issuer(e.to_string()))?;
    if statement.claims.issuer != did {
        return Err(PolicyError::Issuer(format!(
            "iss is {:?}, but the key's did:key is {did:?}",
            statement.claims.issuer
        )));
    }
    Ok(())
}

/// Checks the payload against Lading's kinds; returns what it is (for replies).
pub fn check_payload(statement: &SignedStatement, issuer: &VerifyingKey) -> Result<String, PolicyError> {
    let not = |why: String| PolicyError::NotLading(why);
    let subject_matches = |document: &Document| {
        let expected = subject_of(document);
        if statement.claims.subject == expected {
            Ok(format!("{}", document.kind()))
        } else {
            Err(not(format!("sub is {:?}, but the document is {expected:?}", statement.claims.subject)))
        }
    };
    match &statement.content {
        Content::Embedded { content_type } if content_type == media::LADING_DOCUMENT => {
            let value = json::parse_strict(statement.payload()).map_err(|e| not(e.to_string()))?;
            let document = lading_model::validate_value(&value).map_err(|problems| {
                let list: Vec<String> = problems.iter().take(5).map(|p| p.to_string()).collect();
                not(format!("not a valid Lading document: {}", list.join("; ")))
            })?;
            subject_matches(&document)
        }
        Content::Embedded { content_type } if content_type == media::DSSE => {
            let envelope = Envelope::from_json_bytes(statement.payload()).map_err(|e| not(e.to_string()))?;
            let verified = verify_statement(&envelope, issuer)
                .map_err(|e| not(format!("the wrapped DSSE envelope does not verify with the issuer's key: {e}")))?;
            subject_matches(&verified.document)
        }
        Content::Embedded { content_type }
            if content_type == media::SIGSTORE_BUNDLE_V03 || content_type == media::SIGSTORE_BUNDLE_V02 =>
        {
            let envelope = bundle_envelope(statement.payload(), content_type).map_err(not)?;
            let verified = verify_statement(&envelope, issuer).map_err(|e| {
                not(format!("the wrapped Sigstore bundle's DSSE envelope does not verify with the issuer's key: {e}"))
            })?;
            subject_matches(&verified.document)
        }
        Content::Embedded { content_type } => Err(not(format!(
            "content type {content_type:?}: expected {}, {}, {} or {} (or a hash envelope of one)",
            media::LADING_DOCUMENT,
            media::DSSE,
            media::SIGSTORE_BUNDLE_V03,
            media::SIGSTORE_BUNDLE_V02
        ))),
        Content::Hashed { preimage_content_type, .. } => {
            let known = [media::LADING_DOCUMENT, media::DSSE, media::LADING_PACKAGE];
            if !known.contains(&preimage_content_type.as_str()) {
                return Err(not(format!("hash envelope of {preimage_content_type:?}: expected one of {known:?}")));
            }
            let kind = statement.claims.subject.split_once('/').map(|(k, _)| k).unwrap_or_default();
            if kind.parse::<lading_model::Kind>().is_err() {
                return Err(not(format!(
                    "sub {:?} does not start with a Lading document kind",
                    statement.claims.subject
                )));
            }
            Ok(format!("{kind} (hash envelope)"))
        }
    }
}

/// The DSSE envelope of a Sigstore bundle payload whose `mediaType` must be
/// the one `content_type` names (v0.3 or v0.2).
pub fn bundle_envelope(payload: &[u8], content_type: &str) -> Result<Envelope, String> {
    let value = json::parse_strict(payload).map_err(|e| format!("the Sigstore bundle: {e}"))?;
    let expected = if content_type == media::SIGSTORE_BUNDLE_V03 {
        media::SIGSTORE_BUNDLE_V03
    } else {
        media::SIGSTORE_BUNDLE_V02
    };
    let media_type = value.get("mediaType").and_then(|v| v.as_str()).unwrap_or_default();
    if media_type != expected {
        return Err(format!("the Sigstore bundle's /mediaType is {media_type:?}, not {expected:?} (the content type)"));
    }
    let dsse = value
        .get("dsseEnvelope")
        .ok_or_else(|| "the Sigstore bundle has no /dsseEnvelope (only DSSE bundles of Lading documents)".to_owned())?;
    Envelope::from_json(dsse).map_err(|e| format!("the Sigstore bundle's /dsseEnvelope: {e}"))
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone as _, Utc};
    use lading_crypto::{Algorithm, SigningKey};
    use lading_pki::issue::{CertProfile, IssueRequest, issue_certificate};

    use super::check_certificate_chain;

    /// The registration policy refuses, naming the certificate, a leaf that
    /// expired, one not for signing (a CA profile: no digitalSignature), one
    /// that certifies another key, and a chain to an untrusted root.
    #[test]
    fn registration_refuses_expired_non_signing_and_foreign_leaves() {
        let t0 = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).single().expect("time");
        let root_key = SigningKey::generate(Algorithm::P256).expect("key");
        let root = issue_certificate(
            &IssueRequest::self_signed("CN=Root", CertProfile::Ca { path_len: None }, t0, t0 + Duration::days(3650)),
            &root_key,
        )
        .expect("root");
        let leaf_key = SigningKey::generate(Algorithm::P256).expect("key");
        let leaf = |subject: &str, profile, days| {
            let request = IssueRequest::issued_by(
                subject,
                &root,
                &leaf_key.verifying_key(),
                profile,
                t0,
                t0 + Duration::days(days),
            );
            issue_certificate(&request, &root_key).expect("leaf")
        };
        let now = t0 + Duration::days(30);
        let good = leaf("CN=Good Signer", CertProfile::Signer, 365);
        check_certificate_chain(
            std::slice::from_ref(&good),
            &leaf_key.verifying_key(),
            std::slice::from_ref(&root),
            now,
        )
        .expect("a signer certificate under the trusted root passes");

        let expired = leaf("CN=Old Signer", CertProfile::Signer, 10);
        let err = check_certificate_chain(&[expired], &leaf_key.verifying_key(), std::slice::from_ref(&root), now)
            .expect_err("expired")
            .to_string();
        assert!(err.contains("CN=Old Signer") && err.contains("expired"), "{err}");

        let ca = leaf("CN=Not A Signer", CertProfile::Ca { path_len: None }, 365);
        let err = check_certificate_chain(&[ca], &leaf_key.verifying_key(), std::slice::from_ref(&root), now)
            .expect_err("no digitalSignature")
            .to_string();
        assert!(err.contains("CN=Not A Signer") && err.contains("digitalSignature"), "{err}");

        let other = SigningKey::generate(Algorithm::P256).expect("key");
        let err = check_certificate_chain(
            std::slice::from_ref(&good),
            &other.verifying_key(),
            std::slice::from_ref(&root),
            now,
        )
        .expect_err("another key")
        .to_string();
        assert!(err.contains("CN=Good Signer"), "{err}");

        let other_root = issue_certificate(
            &IssueRequest::self_signed(
                "CN=Other Root",
                CertProfile::Ca { path_len: None },
                t0,
                t0 + Duration::days(3650),
            ),
            &other,
        )
        .expect("root");
        let err = check_certificate_chain(&[good], &leaf_key.verifying_key(), &[other_root], now)
            .expect_err("untrusted root")
            .to_string();
        assert!(!err.is_empty(), "{err}");
    }
}
