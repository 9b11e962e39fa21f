//! A certificate-bound signature (a Sigstore bundle from `lading sign
//! --cert`) judged against pinned CA roots: its signing time (the earliest
//! RFC 3161 timestamp over the signature that verifies against the TSA
//! roots, else the time given), then its chain validated at that time with
//! the CRLs at hand. `lading verify` and `lading certify evaluate` both judge
//! so; what each adds (attribution to a white-list entity, revocation
//! reporting under a policy) stays with them.

use chrono::{DateTime, Utc};
use lading_pki::bundle::CertificateBundle;
use lading_pki::timestamp::VerifiedTimestamp;
use lading_pki::{Certificate, CertificateList, PathError, ValidatedPath};

use crate::reason;
use crate::reason::{Reason, ReasonCode};

/// A certificate-bound signer whose chain validated.
#[derive(Debug)]
pub struct CertifiedSigner {
    /// The validated path, leaf first.
    pub path: ValidatedPath,
    /// Every timestamp over the signature that verified; the earliest set the time.
    pub stamps: Vec<VerifiedTimestamp>,
    /// The bundle carries timestamps, but no TSA roots were given to trust them.
    pub stamps_untrusted: bool,
    /// What the time was when no timestamp set it.
    pub fallback: Fallback,
}

/// The time a certificate-bound signature is judged at when no trusted
/// timestamp sets it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fallback {
    /// The established time of the statement that names it (`lading verify`).
    StatementTime,
    /// The moment of a certification body's evaluation (`lading certify evaluate`).
    Evaluation,
}

impl Fallback {
    fn text(self) -> &'static str {
        match self {
            Fallback::StatementTime => "the statement's established time",
            Fallback::Evaluation => "the time of evaluation",
        }
    }
}

/// Why a certificate-bound signature is not accepted.
#[derive(Debug, thiserror::Error)]
pub enum CertifiedError {
    /// A carried timestamp does not verify.
    #[error("timestamp #{index}: {error}")]
    Timestamp {
        /// Its position in the bundle.
        index: usize,
        /// Why.
        error: lading_pki::timestamp::TimestampError,
    },
    /// The chain does not validate at the signing time.
    #[error("{error} (judged at {}, {source_text})", at.to_rfc3339())]
    Path {
        /// Why.
        error: PathError,
        /// The signing time it was judged at.
        at: DateTime<Utc>,
        /// Where that time came from.
        source_text: String,
    },
}

/// Judges `bundle`'s chain against `ca_roots` at its signing time: the
/// earliest of its timestamps that verifies against `tsa_roots` (each TSA
/// chain judged at its genTime with `crls`), else `at`. Any timestamp that
/// does not verify fails the signature (with no TSA roots, timestamps are
/// not judged and `at` is used; `fallback` says what `at` is).
pub fn judge(
    bundle: &CertificateBundle,
    ca_roots: &[Certificate],
    tsa_roots: &[Certificate],
    crls: &[CertificateList],
    (at, fallback): (DateTime<Utc>, Fallback),
) -> Result<CertifiedSigner, CertifiedError> {
    let data = match bundle.envelope.signatures.as_slice() {
        [one] => one.sig.clone(),
        _ => Vec::new(),
    };
    let mut stamps = Vec::new();
    if !tsa_roots.is_empty() {
        for (index, reply) in bundle.timestamps.iter().enumerate() {
            let t = lading_pki::timestamp::verify(reply, &data, tsa_roots, crls)
                .map_err(|error| CertifiedError::Timestamp { index, error })?;
            stamps.push(t);
        }
    }
    let stamps_untrusted = stamps.is_empty() && !bundle.timestamps.is_empty();
    let earliest = earliest(&stamps);
    let at = earliest.map_or(at, |t| t.token.gen_time);
    let options = lading_pki::Options::at(at).with_crls(crls);
    match lading_pki::validate(&bundle.chain, ca_roots, &options) {
        Ok(path) => Ok(CertifiedSigner { path, stamps, stamps_untrusted, fallback }),
        Err(error) => {
            let source_text = match earliest {
                Some(t) => format!("RFC 3161 timestamp by {} (serial {})", t.token.signer_subject(), t.token.serial),
                None if stamps_untrusted => {
                    format!("{}; its timestamps are not trusted: no TSA roots", fallback.text())
                }
                None => fallback.text().to_owned(),
            };
            Err(CertifiedError::Path { error, at, source_text })
        }
    }
}

fn earliest(stamps: &[VerifiedTimestamp]) -> Option<&VerifiedTimestamp> {
    stamps.iter().min_by_key(|t| t.token.gen_time)
}

impl CertifiedSigner {
    /// The time the chain was judged at.
    pub fn at(&self) -> DateTime<Utc> {
        self.path.at
    }

    /// The timestamp that set that time, if one did.
    pub fn stamp(&self) -> Option<&VerifiedTimestamp> {
        earliest(&self.stamps)
    }

    /// Who signed, via which root, when and by which time source: one
    /// reason code per source, so that other languages show no English value.
    pub fn reason(&self) -> Reason {
        let leaf = self.path.signer();
        let (subject, anchor, time) = (&leaf.subject, &self.path.anchor().subject, self.at().to_rfc3339());
        let registration_id = leaf.registration_id().unwrap_or_default();
        match self.stamp() {
            Some(t) => reason!(
                CertificateSignerTimestamped,
                subject = subject,
                registration_id = registration_id,
                anchor = anchor,
                time = time,
                tsa = t.token.signer_subject(),
                serial = t.token.serial
            ),
            None => {
                let code = match (self.fallback, self.stamps_untrusted) {
                    (Fallback::StatementTime, false) => ReasonCode::CertificateSigner,
                    (Fallback::StatementTime, true) => ReasonCode::CertificateSignerTimestampsUntrusted,
                    (Fallback::Evaluation, false) => ReasonCode::CertificateSignerAtEvaluation,
                    (Fallback::Evaluation, true) => ReasonCode::CertificateSignerAtEvaluationTimestampsUntrusted,
                };
                let args = vec![
                    ("subject", subject.clone()),
                    ("registration_id", registration_id.to_owned()),
                    ("anchor", anchor.clone()),
                    ("time", time),
                ];
                Reason { code, args }
            }
        }
    }
}

/// What a validated path says about revocation at its validation time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Revocation {
    /// Every certificate below the anchor was checked against a CRL of its issuer.
    Checked {
        /// How many.
        count: usize,
        /// The newest thisUpdate among the CRLs used.
        newest: Option<DateTime<Utc>>,
    },
    /// A certificate was revoked, but after the validation time.
    RevokedLater {
        /// Its subject.
        subject: String,
        /// When.
        revoked_at: DateTime<Utc>,
    },
    /// These certificates' issuers' CRLs were not at hand.
    NotChecked(Vec<String>),
}

impl Revocation {
    /// Summarises `path` (a certificate revoked before its time fails validation itself).
    pub fn of(path: &ValidatedPath) -> Self {
        use lading_pki::path::Revocation as R;
        let (mut unchecked, mut count, mut newest) = (Vec::new(), 0usize, None);
        for cert in &path.certificates {
            match &cert.revocation {
                R::Anchor => {}
                R::NotChecked => unchecked.push(cert.identity.subject.clone()),
                R::Good { crl_this_update } => {
                    count += 1;
                    newest = newest.max(Some(*crl_this_update));
                }
                R::RevokedLater { revoked_at } => {
                    return Revocation::RevokedLater {
                        subject: cert.identity.subject.clone(),
                        revoked_at: *revoked_at,
                    };
                }
            }
        }
        if unchecked.is_empty() { Revocation::Checked { count, newest } } else { Revocation::NotChecked(unchecked) }
    }

    /// The reason that says so, for a path validated at `at` by `lading
    /// verify` (CRLs from the bundle) or at an evaluation (CRLs given too).
    pub fn reason(&self, at: DateTime<Utc>, by: Fallback) -> Reason {
        let time = at.to_rfc3339();
        let evaluation = by == Fallback::Evaluation;
        match self {
            Revocation::Checked { count, newest } => {
                let this_update = newest.map(|t| t.to_rfc3339()).unwrap_or_default();
                let code =
                    if evaluation { ReasonCode::RevocationCheckedAtEvaluation } else { ReasonCode::RevocationChecked };
                let args = vec![("time", time), ("count", count.to_string()), ("this_update", this_update)];
                Reason { code, args }
            }
            Revocation::RevokedLater { subject, revoked_at } => {
                reason!(RevokedAfterSigning, subject = subject, revoked_at = revoked_at.to_rfc3339(), time = time)
            }
            Revocation::NotChecked(subjects) if evaluation => {
                reason!(RevocationNotCheckedAtEvaluation, subjects = subjects.join("; "))
            }
            Revocation::NotChecked(subjects) => reason!(RevocationNotChecked, subjects = subjects.join("; ")),
        }
    }
}
