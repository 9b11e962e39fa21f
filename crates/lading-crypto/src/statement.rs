//! in-toto Statement v1 (`https://in-toto.io/Statement/v1`) carrying a Lading
//! document as its predicate, signed into a DSSE envelope.

use std::collections::BTreeMap;

use lading_model::release::Artefact;
use lading_model::{Document, Kind, Problem, Sha256Digest, Sm3Digest, json};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::dsse::{Envelope, EnvelopeError, IN_TOTO_PAYLOAD_TYPE};
use crate::key::{Algorithm, VerifyingKey};
use crate::signer::Signer;

/// The in-toto Statement v1 type URI.
pub const STATEMENT_TYPE: &str = "https://in-toto.io/Statement/v1";

/// A resource the statement is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Subject {
    /// Name of the resource.
    pub name: String,
    /// Digests by algorithm name (`sha256`, `sm3`), lowercase hex.
    pub digest: BTreeMap<String, String>,
}

/// An in-toto Statement v1 whose predicate is a Lading document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Statement {
    /// Always [`STATEMENT_TYPE`].
    #[serde(rename = "_type")]
    pub type_: String,
    /// What the statement is about: the document, then the artefacts it names.
    pub subject: Vec<Subject>,
    /// The document kind's type URI.
    #[serde(rename = "predicateType")]
    pub predicate_type: String,
    /// The document.
    pub predicate: Value,
}

/// Why a statement could not be made or checked.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum StatementError {
    /// The envelope is malformed or its signature does not verify.
    #[error(transparent)]
    Envelope(#[from] EnvelopeError),
    /// The envelope's payload type is not in-toto.
    #[error("payloadType is {0:?}, expected {IN_TOTO_PAYLOAD_TYPE:?}")]
    PayloadType(String),
    /// The payload is not an in-toto Statement v1.
    #[error("payload is not an in-toto Statement v1: {0}")]
    NotAStatement(String),
    /// The predicate type is not a Lading kind, or disagrees with the document.
    #[error("predicateType {found:?}: {detail}")]
    PredicateType {
        /// The predicate type found.
        found: String,
        /// What is wrong with it.
        detail: String,
    },
    /// The predicate is not a valid document.
    #[error("predicate is not a valid document: {}", problems.iter().map(|p| format!("/predicate{}: {}", p.pointer.as_str(), p.message)).collect::<Vec<_>>().join("; "))]
    InvalidDocument {
        /// Every problem found.
        problems: Vec<Problem>,
    },
    /// The first subject's digest is not the digest of the predicate.
    #[error("subject {name:?} has {algorithm} digest {found} but the predicate's canonical digest is {expected}")]
    SubjectDigest {
        /// The subject's name.
        name: String,
        /// The algorithm.
        algorithm: &'static str,
        /// Digest found.
        found: String,
        /// Digest computed.
        expected: String,
    },
    /// The signer could not sign (a token refused, a key is unreachable).
    #[error(transparent)]
    Sign(#[from] crate::signer::SignError),
}

/// The subject name of a document: `<kind>/<id>`.
pub fn document_subject_name(document: &Document) -> String {
    format!("{}/{}", document.kind(), document.meta().id)
}

fn subject(name: String, sha256: Sha256Digest) -> Subject {
    Subject { name, digest: BTreeMap::from([("sha256".to_owned(), sha256.to_hex())]) }
}

/// The artefacts a document names, as subjects.
pub fn artefact_subjects(document: &Document) -> Vec<Subject> {
    match document {
        Document::InspectionReport(r) => {
            let mut out = vec![subject(format!("model/{}@{}", r.model.id, r.model.version), r.model.sha256)];
            out.extend(r.items.iter().map(|i| subject(format!("image/{}", i.image.name), i.image.sha256)));
            out
        }
        Document::SaasRelease(r) => r
            .artefacts
            .iter()
            // Directories have no content to digest: the manifest (the first subject) holds them.
            .filter_map(|a| match a {
                Artefact::File { path, sha256, .. } => Some(subject(path.clone(), *sha256)),
                Artefact::OciImage { repository, sha256, .. } => {
                    Some(subject(format!("{repository}@sha256:{}", sha256.to_hex()), *sha256))
                }
                Artefact::Directory { .. } => None,
            })
            .collect(),
        Document::MaintenanceEvent(_) | Document::MaintenanceSegment(_) => Vec::new(),
        _ => Vec::new(),
    }
}

/// Builds the statement for a validated document given as its JSON value.
///
/// The first subject is the document itself, digested over its RFC 8785
/// canonical form; with an SM2 key it carries an SM3 digest beside SHA-256.
pub fn statement_for(document: &Document, value: &Value, algorithm: Algorithm) -> Statement {
    let canonical = json::canonicalize(value);
    let mut digest = BTreeMap::from([("sha256".to_owned(), Sha256Digest::of(&canonical).to_hex())]);
    if algorithm == Algorithm::Sm2 {
        digest.insert("sm3".to_owned(), Sm3Digest::of(&canonical).to_hex());
    }
    let mut subjects = vec![Subject { name: document_subject_name(document), digest }];
    subjects.extend(artefact_subjects(document));
    Statement {
        type_: STATEMENT_TYPE.to_owned(),
        subject: subjects,
        predicate_type: document.kind().type_uri().to_owned(),
        predicate: value.clone(),
    }
}

/// Validates `value` as a document and signs its statement with `key`.
pub fn sign_document(value: &Value, key: &dyn Signer) -> Result<Envelope, StatementError> {
    let document =
        lading_model::validate_value(value).map_err(|problems| StatementError::InvalidDocument { problems })?;
    let statement = statement_for(&document, value, key.algorithm());
    // The payload is the statement's canonical JSON: these bytes are signed
    // once and carried as they are from here on.
    let payload = json::canonicalize_serialize(&statement).map_err(|e| StatementError::NotAStatement(e.to_string()))?;
    Ok(Envelope::sign(IN_TOTO_PAYLOAD_TYPE, payload, key)?)
}

/// A verified statement and the document it carries.
#[derive(Debug, Clone)]
pub struct VerifiedStatement {
    /// The statement.
    pub statement: Statement,
    /// The validated document.
    pub document: Document,
    /// Index of the signature that verified.
    pub signature_index: usize,
}

/// Verifies an envelope's signature by `key`, then its statement and document.
pub fn verify_statement(envelope: &Envelope, key: &VerifyingKey) -> Result<VerifiedStatement, StatementError> {
    let signature_index = envelope.verify(key)?;
    if envelope.payload_type != IN_TOTO_PAYLOAD_TYPE {
        return Err(StatementError::PayloadType(envelope.payload_type.clone()));
    }
    let value = json::parse_strict(&envelope.payload).map_err(|e| StatementError::NotAStatement(e.to_string()))?;
    let statement = Statement::deserialize(&value).map_err(|e| StatementError::NotAStatement(e.to_string()))?;
    if statement.type_ != STATEMENT_TYPE {
        return Err(StatementError::NotAStatement(format!(
            "_type is {:?}, expected {STATEMENT_TYPE:?}",
            statement.type_
        )));
    }
    let Some(kind) = Kind::from_type_uri(&statement.predicate_type) else {
        return Err(StatementError::PredicateType {
            found: statement.predicate_type,
            detail: "not a Lading document type".into(),
        });
    };
    let document = lading_model::validate_value(&statement.predicate)
        .map_err(|problems| StatementError::InvalidDocument { problems })?;
    if document.kind() != kind {
        return Err(StatementError::PredicateType {
            found: statement.predicate_type,
            detail: format!("the predicate is a {}", document.kind()),
        });
    }
    let Some(first) = statement.subject.first() else {
        return Err(StatementError::NotAStatement("subject is empty".into()));
    };
    let canonical = json::canonicalize(&statement.predicate);
    let expected_sha256 = Sha256Digest::of(&canonical).to_hex();
    let mismatch = |algorithm: &'static str, found: &str, expected: String| StatementError::SubjectDigest {
        name: first.name.clone(),
        algorithm,
        found: found.to_owned(),
        expected,
    };
    match first.digest.get("sha256") {
        Some(found) if *found == expected_sha256 => {}
        Some(found) => return Err(mismatch("sha256", found, expected_sha256)),
        None => return Err(mismatch("sha256", "(none)", expected_sha256)),
    }
    if let Some(found) = first.digest.get("sm3") {
        let expected = Sm3Digest::of(&canonical).to_hex();
        if *found != expected {
            return Err(mismatch("sm3", found, expected));
        }
    }
    Ok(VerifiedStatement { statement, document, signature_index })
}

/// The log entry that records a signed statement: the RFC 8785 form of
/// `{"kind": <predicateType>, "envelope_sha256": <hex>, "keyid": <hex>}`.
/// Small and fixed (well under the 64 KiB tlog-tiles limit): the log proves
/// that the envelope existed; the envelope itself travels in bundles.
pub fn registry_leaf(predicate_type: &str, envelope_bytes: &[u8], keyid: &str) -> Vec<u8> {
    let leaf = serde_json::json!({
        "kind": predicate_type,
        "envelope_sha256": Sha256Digest::of(envelope_bytes).to_hex(),
        "keyid": keyid,
    });
    json::canonicalize(&leaf)
}
