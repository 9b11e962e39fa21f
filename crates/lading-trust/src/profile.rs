//! Scheme profiles: versioned documents saying what a certification body
//! requires of one deliverable kind; and [`evaluate`], which turns what was
//! found in a provider's deliverables into a conformity report — each
//! requirement pass, fail or not applicable, with its evidence.
//!
//! Official criteria are not published; Lading ships one reference profile
//! per kind (`profiles/*.json`), labelled as Lading's own.

use chrono::{DateTime, Utc};
use lading_model::Sha256Digest;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::trustlist::Deliverable;

/// The format tag of a profile.
pub const PROFILE_FORMAT: &str = "lading-scheme-profile/v1";
/// The format tag of a conformity report.
pub const REPORT_FORMAT: &str = "lading-conformity-report/v1";

/// What one requirement checks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "check", rename_all = "kebab-case")]
pub enum Check {
    /// The deliverable is signed with one of these algorithms (`ed25519`, `p256`, `sm2`).
    SignatureAlgorithm {
        /// Allowed algorithm names.
        allowed: Vec<String>,
    },
    /// The deliverable's envelope is in a log the evaluator trusts, with at
    /// least `witnesses` witness cosignatures on the receipt's checkpoint.
    LogInclusion {
        /// Witness cosignatures required.
        #[serde(default)]
        witnesses: usize,
    },
    /// These JSON pointers are present in the signed document.
    RequiredFields {
        /// JSON pointers.
        pointers: Vec<String>,
    },
    /// The deliverable's own integrity checks hold (segment completeness,
    /// release package digests, signature).
    Integrity,
    /// Maintenance logs: events are kept at least this many days after the last one.
    MinRetentionDays {
        /// Days.
        days: i64,
    },
    /// SaaS releases: at least one SBOM is in the package.
    SbomRequired,
    /// Inspection reports: the sampling plan recomputes from lot size, level and AQL.
    SamplingPlan,
    /// Inspection reports: the report reproduces within this tolerance.
    Reproduction {
        /// Largest difference of a raw output.
        tolerance: f64,
    },
}

/// One requirement of a profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Requirement {
    /// Stable id within the profile, e.g. `ML-03`.
    pub id: String,
    /// What it asks, for people.
    pub text: String,
    /// How it is checked.
    #[serde(flatten)]
    pub check: Check,
}

/// A scheme profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SchemeProfile {
    /// [`PROFILE_FORMAT`].
    pub format: String,
    /// A URN naming the profile.
    pub id: String,
    /// Semantic version.
    pub version: String,
    /// Its title.
    pub title: String,
    /// Whose profile this is and on what authority (Lading's reference profiles say so).
    pub notice: String,
    /// The kind it applies to.
    pub deliverable: Deliverable,
    /// The requirements.
    pub requirements: Vec<Requirement>,
}

impl SchemeProfile {
    /// Parses and checks a profile (unique requirement ids, at least one).
    pub fn parse(bytes: &[u8]) -> Result<Self, String> {
        let value = lading_model::json::parse_strict(bytes).map_err(|e| e.to_string())?;
        let p: SchemeProfile = serde_json::from_value(value).map_err(|e| e.to_string())?;
        if p.format != PROFILE_FORMAT {
            return Err(format!("/format: is {:?}, expected {PROFILE_FORMAT:?}", p.format));
        }
        if p.requirements.is_empty() {
            return Err("/requirements: a profile requires something".into());
        }
        let mut seen = std::collections::HashSet::new();
        for (i, r) in p.requirements.iter().enumerate() {
            if !seen.insert(r.id.as_str()) {
                return Err(format!("/requirements/{i}/id: {:?} is used twice", r.id));
            }
        }
        Ok(p)
    }
}

/// What was found of one deliverable, for evaluation.
#[derive(Debug, Clone)]
pub struct Facts {
    /// Its name in the bundle.
    pub name: String,
    /// Its kind.
    pub kind: Deliverable,
    /// SHA-256 of its bytes.
    pub sha256: Sha256Digest,
    /// The signer's algorithm name.
    pub algorithm: Option<String>,
    /// The signed document.
    pub document: Option<Value>,
    /// Integrity checks: what held or failed.
    pub integrity: Vec<(String, Result<crate::reason::Reason, crate::reason::Reason>)>,
    /// Whether a receipt verified, with how many trusted witness cosignatures.
    pub logged: Option<usize>,
    /// Maintenance logs: retention after the last event, in days.
    pub retention_days: Option<i64>,
    /// SaaS releases: SBOMs in the package.
    pub sboms: Option<usize>,
    /// Inspection reports: what re-running the report showed, when the
    /// evaluator re-ran it — `Ok((items re-run, largest output difference))`
    /// when it reproduced, `Err(why not)` otherwise.
    pub reproduction: Option<Result<(usize, f64), String>>,
}

/// The outcome of one requirement for one deliverable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// Met.
    Pass,
    /// Not met.
    Fail,
    /// Does not apply (or cannot be judged yet, said in the evidence).
    NotApplicable,
}

/// One line of a conformity report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequirementResult {
    /// The requirement's id.
    pub requirement: String,
    /// The deliverable it was judged on.
    pub deliverable: String,
    /// The outcome.
    pub outcome: Outcome,
    /// What was found.
    pub evidence: String,
}

/// A deliverable as the report names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportDeliverable {
    /// Its name in the bundle.
    pub name: String,
    /// Its kind.
    pub kind: Deliverable,
    /// SHA-256 of its bytes.
    pub sha256: Sha256Digest,
}

/// The conformity report a certification body's evaluation produces.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConformityReport {
    /// [`REPORT_FORMAT`].
    pub format: String,
    /// The profile's id.
    pub profile_id: String,
    /// The profile's version.
    pub profile_version: String,
    /// SHA-256 of the profile file evaluated against.
    pub profile_sha256: Sha256Digest,
    /// The kind evaluated.
    pub deliverable_kind: Deliverable,
    /// When.
    pub evaluated_at: DateTime<Utc>,
    /// The provider's signing key (key id) the deliverables were checked with.
    pub provider_key_id: String,
    /// What was evaluated.
    pub deliverables: Vec<ReportDeliverable>,
    /// Every requirement on every deliverable.
    pub results: Vec<RequirementResult>,
    /// No requirement failed.
    pub passed: bool,
}

fn judge(check: &Check, f: &Facts) -> (Outcome, String) {
    use Outcome::{Fail, NotApplicable, Pass};
    let yes = |ok: bool, pass: String, fail: String| if ok { (Pass, pass) } else { (Fail, fail) };
    match check {
        Check::SignatureAlgorithm { allowed } => match &f.algorithm {
            Some(a) => yes(
                allowed.contains(a),
                format!("signed with {a}"),
                format!("signed with {a}; allowed: {}", allowed.join(", ")),
            ),
            None => (Fail, "the signature did not verify".into()),
        },
        Check::LogInclusion { witnesses } => match f.logged {
            Some(n) => yes(
                n >= *witnesses,
                format!("receipt verifies; {n} witness cosignature(s)"),
                format!("receipt verifies but has {n} witness cosignature(s); {witnesses} required"),
            ),
            None => (Fail, "no receipt proves the deliverable's envelope is in a trusted log".into()),
        },
        Check::RequiredFields { pointers } => match &f.document {
            Some(doc) => {
                let missing: Vec<&str> =
                    pointers.iter().map(String::as_str).filter(|p| doc.pointer(p).is_none_or(Value::is_null)).collect();
                yes(
                    missing.is_empty(),
                    format!("{} field(s) present", pointers.len()),
                    format!("missing: {}", missing.join(", ")),
                )
            }
            None => (Fail, "the signed document could not be read".into()),
        },
        Check::Integrity => {
            let failed: Vec<String> =
                f.integrity.iter().filter_map(|(n, r)| r.as_ref().err().map(|e| format!("{n}: {e}"))).collect();
            let held: Vec<String> =
                f.integrity.iter().filter_map(|(n, r)| r.as_ref().ok().map(|e| format!("{n}: {e}"))).collect();
            yes(failed.is_empty() && !held.is_empty(), held.join("; "), failed.join("; "))
        }
        Check::MinRetentionDays { days } => match f.retention_days {
            Some(d) => yes(
                d >= *days,
                format!("kept {d} days after the last event"),
                format!("kept {d} days; {days} required"),
            ),
            None if f.kind == Deliverable::MaintenanceLog => (Fail, "the segment's retention could not be read".into()),
            None => (NotApplicable, "not a maintenance log".into()),
        },
        Check::SbomRequired => match f.sboms {
            Some(n) => yes(n > 0, format!("{n} SBOM(s) in the package"), "no SBOM in the package".into()),
            None if f.kind == Deliverable::SaasRelease => (Fail, "the release package could not be read".into()),
            None => (NotApplicable, "not a SaaS release".into()),
        },
        Check::SamplingPlan => match (&f.document, f.kind) {
            (_, k) if k != Deliverable::InspectionReport => (NotApplicable, "not an inspection report".into()),
            (None, _) => (Fail, "the signed document could not be read".into()),
            (Some(doc), _) => sampling_plan(doc),
        },
        Check::Reproduction { tolerance } => match (&f.reproduction, f.kind) {
            (_, k) if k != Deliverable::InspectionReport => (NotApplicable, "not an inspection report".into()),
            (None, _) => (
                Fail,
                "not re-run: the evaluator gives the model and the images (certify evaluate --inspect-model --inspect-images)"
                    .into(),
            ),
            (Some(Err(why)), _) => (Fail, why.clone()),
            (Some(Ok((items, worst))), _) => yes(
                *worst <= *tolerance,
                format!("{items} item(s) re-run, outputs within {worst:e} (≤ {tolerance:e}), every verdict the same"),
                format!("{items} item(s) re-run, outputs differ by up to {worst:e}, beyond {tolerance:e}"),
            ),
        },
    }
}

/// The report's sampling plan against ISO 2859-1: code letter, sample size,
/// Ac/Re per class, and the items being the sample its seed draws.
fn sampling_plan(doc: &Value) -> (Outcome, String) {
    use lading_model::inspection::Inspection;
    let problems = match lading_model::validate_value(doc) {
        Ok(_) => Vec::new(),
        Err(p) => p,
    };
    let relevant: Vec<String> = problems
        .iter()
        .filter(|p| {
            let at = p.pointer.to_string();
            at.starts_with("/inspection") || at.starts_with("/items") || at.starts_with("/lot/lot_size")
        })
        .map(|p| format!("{}: {}", p.pointer, p.message))
        .collect();
    if !relevant.is_empty() {
        return (Outcome::Fail, relevant.join("; "));
    }
    match serde_json::from_value::<lading_model::inspection::InspectionReport>(doc.clone()).map(|r| r.inspection) {
        Ok(Inspection::Sampling(p)) => (
            Outcome::Pass,
            format!(
                "code letter {}, sample of {}, Ac/Re per class recompute from the lot size, level and AQL; the items are the sample the seed draws",
                p.code_letter, p.sample_size
            ),
        ),
        Ok(Inspection::Full { .. }) => (Outcome::Pass, "100 % inspection: every item of the lot".into()),
        Err(e) => (Outcome::Fail, format!("not an inspection report: {e}")),
    }
}

/// Evaluates deliverables against a profile. A deliverable of another kind
/// than the profile's fails every requirement.
pub fn evaluate(
    profile: &SchemeProfile,
    profile_sha256: Sha256Digest,
    provider_key_id: &str,
    facts: &[Facts],
    at: DateTime<Utc>,
) -> ConformityReport {
    let mut results = Vec::new();
    for f in facts {
        for r in &profile.requirements {
            let (outcome, evidence) = if f.kind == profile.deliverable {
                judge(&r.check, f)
            } else {
                (Outcome::Fail, format!("a {} is not in this profile's scope ({})", f.kind, profile.deliverable))
            };
            results.push(RequirementResult {
                requirement: r.id.clone(),
                deliverable: f.name.clone(),
                outcome,
                evidence,
            });
        }
    }
    let passed = !facts.is_empty() && results.iter().all(|r| r.outcome != Outcome::Fail);
    ConformityReport {
        format: REPORT_FORMAT.into(),
        profile_id: profile.id.clone(),
        profile_version: profile.version.clone(),
        profile_sha256,
        deliverable_kind: profile.deliverable,
        evaluated_at: at,
        provider_key_id: provider_key_id.to_owned(),
        deliverables: facts
            .iter()
            .map(|f| ReportDeliverable { name: f.name.clone(), kind: f.kind, sha256: f.sha256 })
            .collect(),
        results,
        passed,
    }
}
