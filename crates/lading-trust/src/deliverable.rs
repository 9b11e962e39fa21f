//! A deliverable as it travels in an evidence bundle — a release package,
//! a maintenance-log segment package, or a DSSE envelope of any Lading
//! document — examined: its kind, its signed envelope (what the registry
//! log records), who signed it, and its own checks once the signer's key is
//! known.

use lading_crypto::{Envelope, VerifyingKey};
use lading_model::Sha256Digest;
use lading_model::bundle::Package;
use serde_json::Value;

use crate::reason;
use crate::reason::Reason;
use crate::trustlist::Deliverable;

/// What is known of a deliverable before any key is trusted.
#[derive(Debug, Clone)]
pub struct Examined {
    /// Its kind.
    pub kind: Deliverable,
    /// The in-toto predicate type of its statement (`urn:lading:…:v1`).
    pub predicate_type: String,
    /// SHA-256 of the deliverable's bytes as shipped.
    pub sha256: Sha256Digest,
    /// The bytes of its signed envelope.
    pub envelope_bytes: Vec<u8>,
    /// The envelope.
    pub envelope: Envelope,
    /// The key id of its first signature.
    pub keyid: String,
    /// What it is: `release package`, `segment package`, `signed document`,
    /// `certificate-bound document`.
    pub form: &'static str,
    /// A certificate-bound Sigstore bundle's chain and timestamps (the
    /// signer's key is then the leaf's, judged by the policy's CA roots).
    pub certificate: Option<lading_pki::bundle::CertificateBundle>,
}

impl Examined {
    /// The registry-log entry that records the deliverable's envelope.
    pub fn registry_leaf(&self) -> Vec<u8> {
        lading_crypto::registry_leaf(&self.predicate_type, &self.envelope_bytes, &self.keyid)
    }
}

/// What a deliverable's own checks found, with the signer's key.
#[derive(Debug, Clone, Default)]
pub struct Checked {
    /// The signed document, as JSON.
    pub document: Option<Value>,
    /// Signature and kind checks: `Ok(what held)` or `Err(what failed)`.
    pub integrity: Vec<(String, Result<Reason, Reason>)>,
    /// Maintenance logs: days between the last event and `retention_until`.
    pub retention_days: Option<i64>,
    /// SaaS releases: SBOMs in the package.
    pub sboms: Option<usize>,
}

impl Checked {
    /// Whether every integrity check held.
    pub fn ok(&self) -> bool {
        self.integrity.iter().all(|(_, r)| r.is_ok())
    }
}

fn predicate_type(envelope: &Envelope) -> Result<String, String> {
    let v: Value =
        serde_json::from_slice(&envelope.payload).map_err(|e| format!("the envelope's payload is not JSON: {e}"))?;
    v["predicateType"].as_str().map(str::to_owned).ok_or_else(|| "the statement has no predicateType".into())
}

fn kind_of(predicate_type: &str) -> Result<Deliverable, String> {
    lading_model::Kind::ALL
        .into_iter()
        .find(|k| k.type_uri() == predicate_type)
        .map(Deliverable::of)
        .ok_or_else(|| format!("{predicate_type:?} is not a Lading deliverable type"))
}

/// Reads a deliverable's form, kind, envelope and signer, checking nothing
/// that needs a key.
pub fn examine(bytes: &[u8]) -> Result<Examined, String> {
    let sha256 = Sha256Digest::of(bytes);
    let (envelope_bytes, form) = if bytes.starts_with(b"PK") {
        let package = Package::from_zip(bytes).map_err(|e| e.to_string())?;
        let form = match package.index.kind.as_str() {
            "saas-release" => "release package",
            "maintenance-segment" => "segment package",
            other => return Err(format!("a {other:?} package is not a deliverable")),
        };
        let (_, env) = package.member("envelope").ok_or("the package has no envelope member")?;
        (env.to_vec(), form)
    } else if let Some(bundle) = certificate_bundle(bytes)? {
        // The bundle as shipped is what was logged; its envelope is what was signed.
        let envelope = bundle.envelope.clone();
        let predicate_type = predicate_type(&envelope)?;
        let kind = kind_of(&predicate_type)?;
        let keyid = envelope.signatures.first().map(|s| s.keyid.clone()).unwrap_or_default();
        let form = "certificate-bound document";
        return Ok(Examined {
            kind,
            predicate_type,
            sha256,
            envelope_bytes: bytes.to_vec(),
            envelope,
            keyid,
            form,
            certificate: Some(bundle),
        });
    } else {
        (bytes.to_vec(), "signed document")
    };
    let envelope = Envelope::from_json_bytes(&envelope_bytes).map_err(|e| e.to_string())?;
    let predicate_type = predicate_type(&envelope)?;
    let kind = kind_of(&predicate_type)?;
    let keyid = envelope.signatures.first().map(|s| s.keyid.clone()).unwrap_or_default();
    if keyid.is_empty() {
        return Err("the envelope's signature names no keyid; Lading deliverables always do".into());
    }
    Ok(Examined { kind, predicate_type, sha256, envelope_bytes, envelope, keyid, form, certificate: None })
}

/// A certificate-bound Sigstore bundle, when `bytes` is one.
fn certificate_bundle(bytes: &[u8]) -> Result<Option<lading_pki::bundle::CertificateBundle>, String> {
    let Ok(value) = lading_model::json::parse_strict(bytes) else { return Ok(None) };
    if !lading_pki::bundle::CertificateBundle::is_bundle(&value) {
        return Ok(None);
    }
    lading_pki::bundle::CertificateBundle::from_json(&value).map(Some).map_err(|e| e.to_string())
}

/// Runs the deliverable's own checks with the signer's key.
pub fn check(bytes: &[u8], examined: &Examined, key: &VerifyingKey) -> Checked {
    let mut out = Checked::default();
    match lading_crypto::verify_statement(&examined.envelope, key) {
        Ok(v) => {
            out.document = Some(v.statement.predicate.clone());
            out.integrity.push(("signature".into(), Ok(reason!(SignedByKey, key = key.key_id()))));
        }
        Err(e) => out.integrity.push(("signature".into(), Err(Reason::error(e)))),
    }
    match examined.form {
        "release package" => match lading_release::load_release(bytes, key) {
            Ok(r) => {
                out.sboms = Some(r.sboms.len());
                out.integrity.push((
                    "release package".into(),
                    Ok(reason!(
                        ReleaseVerifies,
                        service = r.manifest.service,
                        version = r.manifest.version,
                        count = r.sboms.len()
                    )),
                ));
            }
            Err(e) => out.integrity.push(("release package".into(), Err(Reason::error(e)))),
        },
        "segment package" => {
            let verifier = match (key, &out.document) {
                (VerifyingKey::Ed25519(k), Some(doc)) => {
                    doc["checkpoint"]["origin"].as_str().ok_or_else(|| reason!(SegmentNoOrigin)).and_then(|origin| {
                        lading_tlog::NoteVerifier::new(origin, lading_tlog::KeyKind::Ed25519, *k).map_err(Reason::error)
                    })
                }
                (VerifyingKey::Ed25519(_), None) => Err(reason!(SegmentDocumentInvalid)),
                _ => Err(reason!(StreamKeyNotEd25519)),
            };
            match verifier {
                Ok(v) => {
                    let verification = lading_maint::segment::verify(bytes, &v);
                    if let Some(seg) = &verification.segment {
                        out.retention_days = Some((seg.retention_until - seg.time_range.to).num_days());
                    }
                    let failed: Vec<String> = verification
                        .checks
                        .iter()
                        .filter(|c| c.status != lading_maint::Status::Pass)
                        .map(|c| format!("{}: {}", c.name, c.detail))
                        .collect();
                    out.integrity.push((
                        "segment".into(),
                        if verification.ok() {
                            Ok(reason!(SegmentComplete, count = verification.timeline.len()))
                        } else {
                            Err(Reason::error(failed.join("; ")))
                        },
                    ));
                }
                Err(e) => out.integrity.push(("segment".into(), Err(e))),
            }
        }
        _ => {}
    }
    out
}
