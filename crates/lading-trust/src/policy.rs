//! The overseas client's trust policy: which trust-list operators it
//! recognises (several zones = mutual recognition), which logs and
//! witnesses (C2SP tlog-policy) its receipts must come from, and how strict
//! to be about freshness and the time of logging.

use lading_crypto::VerifyingKey;
use serde::{Deserialize, Serialize};

/// The format tag of a trust policy.
pub const FORMAT: &str = "lading-trust-policy/v1";

/// A trust-list operator the policy recognises.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecognisedOperator {
    /// A name for reports.
    pub name: String,
    /// Its list-signing public key, SPKI PEM.
    pub public_key: String,
    /// The oldest list of this operator the client accepts: a list with a
    /// lower sequence number is refused (an old list replayed, say one
    /// from before a suspension). Raise it as newer lists are seen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_sequence_number: Option<u64>,
}

/// A CA or TSA root the policy pins.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PinnedRoot {
    /// A name for reports.
    pub name: String,
    /// The root certificate, PEM.
    pub certificate: String,
}

/// `policy.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrustPolicy {
    /// [`FORMAT`].
    pub format: String,
    /// Operators whose white lists are accepted.
    pub operators: Vec<RecognisedOperator>,
    /// C2SP tlog-policy text: `log VKEY` lines, optional `witness NAME VKEY`, `group`, `quorum`.
    pub log_policy: String,
    /// Refuse a trust list after its `next_update`.
    #[serde(default)]
    pub require_fresh_trust_list: bool,
    /// Refuse a statement whose time of logging no trusted witness attests.
    #[serde(default)]
    pub require_witnessed_time: bool,
    /// The oldest status information (W3C Bitstring Status List versions
    /// carried in the bundle) accepted, in hours since the list version was
    /// issued; absent = any age (the age is still reported).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_status_age_hours: Option<u64>,
    /// Refuse a carried status list version that no receipt proves is in
    /// a log the policy trusts.
    #[serde(default)]
    pub require_logged_status_lists: bool,
    /// X.509 roots certificate-bound signatures must chain to (several:
    /// mutual recognition of licensed CAs).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ca_roots: Vec<PinnedRoot>,
    /// RFC 3161 TSA roots whose timestamps establish signing times.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tsa_roots: Vec<PinnedRoot>,
    /// Refuse a certificate-bound signature (or timestamp) whose path has a
    /// certificate with no CRL of its issuer in the bundle; otherwise that is
    /// a warning.
    #[serde(default)]
    pub require_revocation_data: bool,
}

/// A policy checked and ready to use.
#[derive(Debug, Clone)]
pub struct Policy {
    /// As written.
    pub text: TrustPolicy,
    /// The operators' keys, in order.
    pub operator_keys: Vec<(String, VerifyingKey)>,
    /// The log policy.
    pub logs: lading_tlog::Policy,
    /// The pinned CA roots, parsed.
    pub ca_roots: Vec<lading_pki::Certificate>,
    /// The pinned TSA roots, parsed.
    pub tsa_roots: Vec<lading_pki::Certificate>,
}

fn roots(list: &[PinnedRoot], field: &str) -> Result<Vec<lading_pki::Certificate>, String> {
    let mut out = Vec::new();
    for (i, r) in list.iter().enumerate() {
        let certs = lading_pki::parse_certificates(r.certificate.as_bytes())
            .map_err(|e| format!("/{field}/{i}/certificate: {e}"))?;
        if certs.len() != 1 {
            return Err(format!("/{field}/{i}/certificate: holds {} certificates, not one", certs.len()));
        }
        out.extend(certs);
    }
    Ok(out)
}

impl Policy {
    /// Parses and checks a policy; errors name the field.
    pub fn parse(bytes: &[u8]) -> Result<Self, String> {
        let value = lading_model::json::parse_strict(bytes).map_err(|e| e.to_string())?;
        let text: TrustPolicy = serde_json::from_value(value).map_err(|e| e.to_string())?;
        if text.format != FORMAT {
            return Err(format!("/format: is {:?}, expected {FORMAT:?}", text.format));
        }
        if text.operators.is_empty() {
            return Err("/operators: recognises no trust-list operator".into());
        }
        let operator_keys = text
            .operators
            .iter()
            .enumerate()
            .map(|(i, o)| {
                VerifyingKey::from_spki_pem(&o.public_key)
                    .map(|k| (o.name.clone(), k))
                    .map_err(|e| format!("/operators/{i}/public_key: {e}"))
            })
            .collect::<Result<_, _>>()?;
        let logs = lading_tlog::Policy::parse(&text.log_policy).map_err(|e| format!("/log_policy: {e}"))?;
        let ca_roots = roots(&text.ca_roots, "ca_roots")?;
        let tsa_roots = roots(&text.tsa_roots, "tsa_roots")?;
        Ok(Self { text, operator_keys, logs, ca_roots, tsa_roots })
    }
}
