//! Evidence bundles and the offline verdict on them.
//!
//! An evidence bundle is a `.lading` package (kind [`BUNDLE_KIND`]) holding
//! deliverables, receipts (C2SP tlog-proof), the certificate, the conformity
//! report, the compliance statement and a trust-list snapshot. [`verify`]
//! answers one question — may I rely on this? — with the checks behind the
//! answer. A signer's standing is judged at the time its statement was
//! logged: the earliest cosignature of a trusted witness on the receipt's
//! checkpoint, or (without one, when the policy allows it) the time the
//! provider claims.

use chrono::{DateTime, Utc};
use lading_crypto::VerifyingKey;
use lading_model::Sha256Digest;
use lading_model::bundle::{BUNDLE_FORMAT, BundleIndex, Member, Package};
use serde::Serialize;
use serde_json::Value;

use crate::conclusion::{Conclusion, conclude};
use crate::credential;
use crate::deliverable;
use crate::policy::Policy;
use crate::reason;
use crate::reason::Reason;
use crate::status_list::{self, StatusEntry, StatusList, StatusPurpose};
use crate::trustlist::{Deliverable, Role, Status, TrustList};

/// The package kind of an evidence bundle.
pub const BUNDLE_KIND: &str = "evidence-bundle";
/// The type URI a compliance statement is logged under.
pub const STATEMENT_TYPE: &str = "urn:lading:compliance-statement:v1";
/// The type URI a status list version is logged under.
pub const STATUS_LIST_TYPE: &str = "urn:lading:status-list:v1";
/// The credential type of a certificate.
pub const CERTIFICATE_TYPE: &str = "LadingConformityCertificate";
/// The credential type of a compliance statement.
pub const STATEMENT_CREDENTIAL_TYPE: &str = "LadingComplianceStatement";

/// Member roles of an evidence bundle.
pub mod role {
    /// A deliverable: a release or segment package, or a signed document.
    pub const DELIVERABLE: &str = "deliverable";
    /// A C2SP tlog-proof receipt.
    pub const RECEIPT: &str = "receipt";
    /// The certification body's certificate (VC).
    pub const CERTIFICATE: &str = "certificate";
    /// The conformity report the certificate names.
    pub const REPORT: &str = "conformity-report";
    /// The provider's compliance statement (VC).
    pub const STATEMENT: &str = "statement";
    /// The signed white list.
    pub const TRUST_LIST: &str = "trust-list";
    /// A status list snapshot (W3C BitstringStatusListCredential) the
    /// certificates or the statement name in their credentialStatus.
    pub const STATUS_LIST: &str = "status-list";
    /// Anything else carried along (images, artefacts).
    pub const ATTACHMENT: &str = "attachment";
    /// A CRL (PEM or DER, one or more) for long-term validation of the
    /// certificate-bound signatures and timestamps the bundle carries.
    pub const CRL: &str = "crl";
    /// An RFC 3161 TimeStampResp (DER) over the statement member's bytes.
    pub const STATEMENT_TIMESTAMP: &str = "statement-timestamp";
    /// An X.509 chain (PEM, leaf first) whose leaf certifies the
    /// statement's issuer key: the provider identified by certificate.
    pub const STATEMENT_CERTIFICATE: &str = "statement-certificate";
}

mod pki_evidence;
use pki_evidence::Pki;

/// Builds an evidence bundle from `(role, path, media type, bytes)` members.
/// Paths must be relative, `/`-separated, without `.`/`..` segments, and unique.
pub fn assemble(members: Vec<(&str, String, &str, Vec<u8>)>) -> Result<Package, String> {
    let mut index = BundleIndex { format: BUNDLE_FORMAT.into(), kind: BUNDLE_KIND.into(), members: Vec::new() };
    let mut files = Vec::new();
    for (role, path, media_type, bytes) in members {
        lading_model::bundle::check_member_path(&path).map_err(|e| e.to_string())?;
        if index.members.iter().any(|m| m.path == path) {
            return Err(format!("two members would be named {path:?}"));
        }
        index.members.push(Member {
            path,
            sha256: Sha256Digest::of(&bytes),
            size: bytes.len() as u64,
            media_type: media_type.into(),
            role: role.into(),
        });
        files.push(bytes);
    }
    Ok(Package { index, files })
}

/// A check's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CheckStatus {
    /// Holds.
    Pass,
    /// Holds, with something a person should know (a certificate revoked
    /// after the statement was established); does not fail the verdict.
    Warn,
    /// Does not hold.
    Fail,
    /// Does not apply to this bundle.
    NotApplicable,
}

/// One check behind a verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerdictCheck {
    /// What was checked.
    pub name: String,
    /// Its outcome.
    pub status: CheckStatus,
    /// Why, for a person, in English.
    pub reason: String,
    /// Why, as a code with values, for rendering in other languages.
    pub why: Reason,
}

/// The answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    /// Every check passed or did not apply.
    pub verified: bool,
    /// When the verification ran.
    pub verified_at: DateTime<Utc>,
    /// The time the statement was logged, as judged.
    pub logged_at: Option<DateTime<Utc>>,
    /// Where that time comes from.
    pub logged_at_source: String,
    /// The same, typed, for renderers.
    pub time_source: TimeSource,
    /// The provider, as the white list names it.
    pub provider: Option<String>,
    /// The client the statement is addressed to.
    pub client: Option<String>,
    /// The deliverables the statement covers (name, kind, SHA-256).
    pub deliverables: Vec<(String, String, String)>,
    /// The status (revocation, suspension) of every certificate and of the
    /// statement, from the status lists the bundle carries.
    pub statuses: Vec<CredentialStatus>,
    /// What each deliverable the statement names concludes (a lot accepted
    /// or rejected, a release exact, a segment complete), in the
    /// statement's order; separate from whether the bundle verifies.
    pub conclusions: Vec<Conclusion>,
    /// The checks, in order.
    pub checks: Vec<VerdictCheck>,
}

/// Where the established time of a statement comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum TimeSource {
    /// Not established (the verification stopped before).
    Unknown,
    /// The earliest of trusted witnesses' cosignatures on a checkpoint
    /// covering the statement.
    Witness {
        /// How many trusted witnesses cosigned.
        count: usize,
    },
    /// An RFC 3161 timestamp over the statement's bytes, verified against
    /// the policy's TSA roots, earlier than any witness cosignature.
    Timestamp,
    /// The provider's own claim (the proof's created time): a warning, not a pass.
    ProviderClaim {
        /// Whether a receipt proves the statement is logged at all.
        logged: bool,
    },
}

/// What a status list says about one credential, for the verdict's readers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CredentialStatus {
    /// The credential: `statement` or the certificate's member path.
    pub credential: String,
    /// Revocation or suspension.
    pub purpose: StatusPurpose,
    /// `valid`, `revoked`, `suspended`, or `unknown` (no usable list).
    pub status: String,
    /// The list's URL.
    pub list: String,
    /// The list's version, when numbered.
    pub version: Option<u64>,
    /// When the list version was issued.
    pub issued: Option<DateTime<Utc>>,
    /// When the credential's entry was set, when the list records it.
    pub since: Option<DateTime<Utc>>,
}

#[derive(Default)]
struct Checks(Vec<VerdictCheck>);

impl Checks {
    fn push(&mut self, name: impl Into<String>, r: Result<Reason, Reason>) -> bool {
        let ok = r.is_ok();
        let (status, why) = match r {
            Ok(s) => (CheckStatus::Pass, s),
            Err(s) => (CheckStatus::Fail, s),
        };
        self.0.push(VerdictCheck { name: name.into(), status, reason: why.to_string(), why });
        ok
    }
    fn warn(&mut self, name: impl Into<String>, why: Reason) {
        self.0.push(VerdictCheck { name: name.into(), status: CheckStatus::Warn, reason: why.to_string(), why });
    }
    fn na(&mut self, name: impl Into<String>, why: Reason) {
        self.0.push(VerdictCheck {
            name: name.into(),
            status: CheckStatus::NotApplicable,
            reason: why.to_string(),
            why,
        });
    }
}

fn one<'a>(package: &'a Package, role: &str) -> Result<(&'a Member, &'a [u8]), Reason> {
    match package.members(role).as_slice() {
        [only] => Ok(*only),
        [] => Err(reason!(MemberAbsent, role = role)),
        many => Err(reason!(MemberRepeated, count = many.len(), role = role)),
    }
}

fn json_of(bytes: &[u8], path: &str) -> Result<Value, Reason> {
    lading_model::json::parse_strict(bytes).map_err(|e| reason!(MemberUnreadable, path = path, error = e))
}

/// The Ed25519 key and SPKI key id behind a credential's `did:key` issuer.
fn issuer_key(did: &str) -> Result<(VerifyingKey, String), String> {
    let k = lading_crypto::di::resolve_did_key(did).map_err(|e| e.to_string())?;
    let key = VerifyingKey::Ed25519(k);
    let id = key.key_id().to_string();
    Ok((key, id))
}

/// The registry-log entry of a compliance statement issued by `issuer` (its `did:key`).
pub fn statement_leaf(statement_bytes: &[u8], issuer: &str) -> Result<Vec<u8>, String> {
    let (_, key_id) = issuer_key(issuer)?;
    Ok(lading_crypto::registry_leaf(STATEMENT_TYPE, statement_bytes, &key_id))
}

/// The registry-log entry of a status list version issued by `issuer` (its `did:key`).
pub fn status_list_leaf(list_bytes: &[u8], issuer: &str) -> Result<Vec<u8>, String> {
    let (_, key_id) = issuer_key(issuer)?;
    Ok(lading_crypto::registry_leaf(STATUS_LIST_TYPE, list_bytes, &key_id))
}

/// The receipts of a bundle that parse (the others prove nothing and are ignored).
pub fn receipts(package: &Package) -> Vec<lading_tlog::Receipt> {
    package
        .members(role::RECEIPT)
        .iter()
        .filter_map(|(_, b)| std::str::from_utf8(b).ok().and_then(|t| lading_tlog::Receipt::parse(t).ok()))
        .collect()
}

/// A receipt that proves `leaf` under `logs`: where (a
/// [`ReasonCode::ReceiptVerifies`] reason) and the cosignature times of the
/// witnesses `logs` trusts.
pub fn find_receipt(
    receipts: &[lading_tlog::Receipt],
    leaf: &[u8],
    logs: &lading_tlog::Policy,
) -> Option<(Reason, Vec<u64>)> {
    let hash = lading_tlog::leaf_hash(leaf);
    receipts.iter().find_map(|r| {
        let signed = r.verify(&hash, logs).ok()?;
        let cosigned: Vec<&lading_tlog::note::VerifiedSignature> =
            signed.verified.iter().filter(|s| s.timestamp.is_some()).collect();
        let (index, origin, size) = (r.index, &signed.checkpoint.origin, signed.checkpoint.size);
        let reason = if cosigned.is_empty() {
            reason!(ReceiptVerifies, index = index, origin = origin, size = size)
        } else {
            let names: Vec<&str> = cosigned.iter().map(|s| s.name.as_str()).collect();
            reason!(ReceiptWitnessed, index = index, origin = origin, size = size, witnesses = names.join(", "))
        };
        Some((reason, cosigned.iter().filter_map(|s| s.timestamp).collect()))
    })
}

fn kinds_of(list: &[Value]) -> Vec<String> {
    list.iter().filter_map(|d| d["kind"].as_str().map(str::to_owned)).collect()
}

/// Verifies an evidence bundle against a trust policy at `now`.
pub fn verify(bytes: &[u8], policy: &Policy, now: DateTime<Utc>) -> Verdict {
    let mut v = Verdict {
        verified: false,
        verified_at: now,
        logged_at: None,
        logged_at_source: String::new(),
        time_source: TimeSource::Unknown,
        provider: None,
        client: None,
        deliverables: Vec::new(),
        statuses: Vec::new(),
        conclusions: Vec::new(),
        checks: Vec::new(),
    };
    let mut c = Checks::default();
    run(bytes, policy, now, &mut v, &mut c);
    v.verified = !c.0.is_empty() && c.0.iter().all(|x| x.status != CheckStatus::Fail);
    v.checks = c.0;
    v
}

#[allow(clippy::too_many_lines)]
fn run(bytes: &[u8], policy: &Policy, now: DateTime<Utc>, v: &mut Verdict, c: &mut Checks) {
    // 1. The container: every member matches its digest in bundle.json.
    let package = match Package::from_zip(bytes) {
        Ok(p) if p.index.kind == BUNDLE_KIND => p,
        Ok(p) => {
            c.push("bundle", Err(reason!(NotABundle, kind = format!("{:?}", p.index.kind))));
            return;
        }
        Err(e) => {
            c.push("bundle", Err(Reason::error(e)));
            return;
        }
    };
    c.push("bundle", Ok(reason!(BundleIntact, count = package.files.len())));

    // 2. The white list: signed by a recognised operator, fresh enough.
    let list = one(&package, role::TRUST_LIST).and_then(|(m, b)| {
        let env = lading_crypto::Envelope::from_json_bytes(b)
            .map_err(|e| reason!(MemberUnreadable, path = m.path, error = e))?;
        let mut why = Vec::new();
        for (i, (name, key)) in policy.operator_keys.iter().enumerate() {
            match TrustList::open_signed(&env, key) {
                Ok(l) => {
                    return Ok((l, name.clone(), policy.text.operators.get(i).and_then(|o| o.min_sequence_number)));
                }
                Err(e) => why.push(format!("{name}: {e}")),
            }
        }
        Err(reason!(TrustListUnrecognised, path = m.path, why = why.join("; ")))
    });
    let list = match list {
        Ok((l, operator, min_sequence)) => {
            c.push(
                "trust list signature",
                Ok(reason!(
                    TrustListSigned,
                    list = l.operator.name,
                    sequence = l.sequence_number,
                    operator = operator,
                    zone = l.operator.zone
                )),
            );
            if let Some(min) = min_sequence {
                c.push(
                    "trust list version",
                    if l.sequence_number >= min {
                        Ok(reason!(TrustListRecentEnough, sequence = l.sequence_number, min = min, operator = operator))
                    } else {
                        Err(reason!(TrustListReplayed, sequence = l.sequence_number, min = min, operator = operator))
                    },
                );
            }
            // A list dated after the moment of verification is not yet in
            // force: a wrong clock, or a list dated ahead to outlive a change.
            if l.issued_at > now + chrono::Duration::minutes(5) {
                c.push(
                    "trust list issued",
                    Err(reason!(TrustListFromTheFuture, issued = l.issued_at.to_rfc3339(), now = now.to_rfc3339())),
                );
            }
            let due = l.next_update.to_rfc3339();
            if now <= l.next_update {
                c.push("trust list freshness", Ok(reason!(TrustListCurrent, until = due)));
            } else if policy.text.require_fresh_trust_list {
                c.push("trust list freshness", Err(reason!(TrustListStaleRefused, due = due)));
            } else {
                c.push("trust list freshness", Ok(reason!(TrustListStaleAccepted, due = due)));
            }
            Some(l)
        }
        Err(e) => {
            c.push("trust list signature", Err(e));
            None
        }
    };

    // 3. The compliance statement: a valid credential.
    let receipts = receipts(&package);
    let statement = one(&package, role::STATEMENT).and_then(|(m, b)| {
        let value = json_of(b, &m.path)?;
        let verified =
            credential::verify(&value, now).map_err(|e| reason!(CredentialInvalid, path = m.path, error = e))?;
        if !verified.shape.types.iter().any(|t| t == STATEMENT_CREDENTIAL_TYPE) {
            return Err(reason!(WrongCredentialType, path = m.path, credential_type = STATEMENT_CREDENTIAL_TYPE));
        }
        Ok((value, verified, b.to_vec()))
    });
    let Ok((statement, st, statement_bytes)) = statement.inspect_err(|e| {
        c.push("statement signature", Err(e.clone()));
    }) else {
        return;
    };
    c.push("statement signature", Ok(reason!(SignedBy, issuer = st.shape.issuer)));
    v.client = statement["credentialSubject"]["client"].as_str().map(str::to_owned);
    let (statement_key, provider_key_id) = match issuer_key(&st.shape.issuer) {
        Ok(k) => k,
        Err(e) => {
            c.push("statement signer", Err(Reason::error(e)));
            return;
        }
    };

    // 4. When the statement was logged, or existed: the earliest trusted
    // time of an RFC 3161 timestamp over it and the witnesses' cosignatures.
    let pki = Pki::read(&package, policy, c);
    let leaf = lading_crypto::registry_leaf(STATEMENT_TYPE, &statement_bytes, &provider_key_id);
    let claimed = st.proof.created;
    let stamped = pki.statement_time(c, &package, &statement_bytes);
    let receipt = find_receipt(&receipts, &leaf, &policy.logs);
    let witnessed = receipt.as_ref().and_then(|(_, w)| {
        let t = w.iter().min().and_then(|t| DateTime::from_timestamp(i64::try_from(*t).ok()?, 0))?;
        Some((t, w.len()))
    });
    match &receipt {
        Some((where_, _)) => c.push("statement logged", Ok(where_.clone())),
        None => c.push("statement logged", Err(reason!(StatementNotLogged))),
    };
    // The timestamp counts when no witness cosigned earlier.
    let stamped = stamped.filter(|s| witnessed.is_none_or(|(w, _)| s.token.gen_time <= w));
    let logged_at = match (witnessed, stamped) {
        (_, Some(s)) => {
            let (at, tsa, serial) = (s.token.gen_time, s.token.signer_subject(), s.token.serial);
            v.logged_at_source = format!("RFC 3161 timestamp by {tsa} (serial {serial})");
            v.time_source = TimeSource::Timestamp;
            c.push(
                "time of logging",
                Ok(reason!(LoggedAtTimestamped, time = at.to_rfc3339(), tsa = tsa, serial = serial)),
            );
            at
        }
        (Some((t, count)), _) => {
            v.logged_at_source = format!("earliest of {count} trusted witness cosignature(s)");
            v.time_source = TimeSource::Witness { count };
            c.push("time of logging", Ok(reason!(LoggedAtWitnessed, time = t.to_rfc3339(), count = count)));
            t
        }
        (None, None) if receipt.is_none() => {
            v.logged_at_source = "claimed by the provider (not logged)".into();
            v.time_source = TimeSource::ProviderClaim { logged: false };
            claimed
        }
        (None, None) if policy.text.require_witnessed_time => {
            v.logged_at_source = "not witnessed".into();
            v.time_source = TimeSource::ProviderClaim { logged: true };
            c.push("time of logging", Err(reason!(WitnessedTimeRequired)));
            claimed
        }
        (None, None) => {
            v.logged_at_source = "claimed by the provider (the proof's created time; no witness cosignature)".into();
            v.time_source = TimeSource::ProviderClaim { logged: true };
            // Only the provider's word: shown as a warning, never as a plain pass.
            c.warn("time of logging", reason!(LoggedAtClaimed, time = claimed.to_rfc3339()));
            claimed
        }
    };
    v.logged_at = Some(logged_at);

    // 4b. Status lists: the statement not revoked; certificates judged at the time of logging (below).
    let carried = status_lists(&package, &receipts, policy, now, c);
    let status = StatusContext {
        lists: carried.lists,
        later: carried.later,
        witnessed: carried.witnessed,
        now,
        max_age: policy
            .text
            .max_status_age_hours
            // An age too large to represent limits nothing.
            .and_then(|h| i64::try_from(h).ok().and_then(chrono::Duration::try_hours)),
        established: logged_at,
        named: std::cell::RefCell::new(Vec::new()),
    };
    check_status(c, &mut v.statuses, "statement", &statement, &st.shape.issuer, &status, Rule::Statement);
    let Some(list) = list else { return };

    // 5. The provider's standing on the white list at that time: by its
    // listed key, else by a certificate for the statement's key.
    let by_certificate = pki.statement_certificate(c, &package, &statement_key, &list, logged_at);
    let standing = match list.standing_of_key(&provider_key_id, logged_at) {
        Some(s) => Some((s, false)),
        None => by_certificate.map(|s| (s, true)),
    };
    let provider = match standing {
        None => {
            c.push("provider on the white list", Err(reason!(StatementKeyNotListed, key = provider_key_id)));
            return;
        }
        Some((s, by_certificate)) => {
            let name = format!("{} ({})", s.entity.legal_name, s.entity.id);
            v.provider = Some(name.clone());
            // A certificate-identified signer has no listed key: its chain stands for it.
            let key_valid = s.key.is_some() || by_certificate;
            let r = match (s.entity.role, s.status, key_valid) {
                (Role::Provider, Some(st), true) if st.status == Status::Granted => {
                    Ok(reason!(ProviderGranted, name = name, since = st.at.to_rfc3339()))
                }
                (Role::Provider, Some(st), _) if st.status != Status::Granted => Err(reason!(
                    ProviderNotGranted,
                    name = name,
                    status = st.status,
                    at = logged_at.to_rfc3339(),
                    since = st.at.to_rfc3339(),
                    why = st.reason
                )),
                (Role::Provider, None, _) => Err(reason!(NotYetListed, name = name, at = logged_at.to_rfc3339())),
                (Role::Provider, _, false) => {
                    Err(reason!(ProviderKeyNotValid, name = name, key = provider_key_id, at = logged_at.to_rfc3339()))
                }
                (role, ..) => Err(reason!(NotAProvider, name = name, role = role)),
            };
            c.push("provider on the white list", r);
            s.entity.clone()
        }
    };

    // 6. The certificate: valid at the time of logging, issued by an accredited body, for this provider and scope.
    let subject = &statement["credentialSubject"];
    let named: Vec<Value> = subject["deliverables"].as_array().cloned().unwrap_or_default();
    v.deliverables = named
        .iter()
        .map(|d| {
            let s = |k: &str| d[k].as_str().unwrap_or("?").to_owned();
            (s("name"), s("kind"), s("sha256"))
        })
        .collect();
    let kinds: Vec<Deliverable> = kinds_of(&named).iter().filter_map(|k| k.parse().ok()).collect();
    let wanted: Vec<Value> = subject["certificates"].as_array().cloned().unwrap_or_default();
    let certs = package.members(role::CERTIFICATE);
    if certs.is_empty() {
        c.push("certificates", Err(reason!(NoCertificate)));
    }
    for w in &wanted {
        let sha = w["sha256"].as_str().unwrap_or_default();
        if !certs.iter().any(|(_, b)| Sha256Digest::of(b).to_hex() == sha) {
            c.push(
                format!("certificate {}", w["id"].as_str().unwrap_or("?")),
                Err(reason!(NamedButMissing, sha256 = sha)),
            );
        }
    }
    // Kinds each valid certificate from an accredited body covers.
    let mut covered: Vec<(Deliverable, String)> = Vec::new();
    for (m, b) in &certs {
        let hex = Sha256Digest::of(b).to_hex();
        if !wanted.iter().any(|w| w["sha256"].as_str() == Some(hex.as_str())) {
            c.push(format!("certificate {}", m.path), Err(reason!(NotNamedByStatement)));
            continue;
        }
        let cert = CertificateContext { list: &list, provider: &provider, logged_at, status: &status };
        for kind in check_certificate(c, &mut v.statuses, &package, m, b, &cert) {
            covered.push((kind, m.path.clone()));
        }
    }
    let named_reports: Vec<String> = certs
        .iter()
        .filter_map(|(_, b)| serde_json::from_slice::<Value>(b).ok())
        .filter_map(|v| v["credentialSubject"]["conformityReport"]["sha256"].as_str().map(str::to_owned))
        .collect();
    for (m, b) in package.members(role::REPORT) {
        if !named_reports.contains(&Sha256Digest::of(b).to_hex()) {
            c.push(format!("report {}", m.path), Err(reason!(ReportNotNamed)));
        }
    }
    for kind in &kinds {
        let by: Vec<&str> = covered.iter().filter(|(k, _)| k == kind).map(|(_, p)| p.as_str()).collect();
        c.push(
            format!("certified for {kind}"),
            if by.is_empty() {
                Err(reason!(NotCertified, kind = kind))
            } else {
                Ok(reason!(CertifiedBy, certificates = by.join(", ")))
            },
        );
    }

    // 7. The deliverables: exactly those the statement names, each signed by the provider, logged and intact.
    let members = package.members(role::DELIVERABLE);
    if named.is_empty() {
        c.push("deliverables", Err(reason!(NoDeliverables)));
    }
    // Digests the verified deliverables name (images of an inspection
    // report, artefacts of a release), and the leaves receipts may prove.
    let mut vouched: Vec<(String, String)> = Vec::new();
    let mut leaves = vec![leaf.clone()];
    for d in &named {
        let name = d["name"].as_str().unwrap_or("?");
        let want = d["sha256"].as_str().unwrap_or_default();
        let kind = d["kind"].as_str().unwrap_or("?");
        let Some((m, b)) = members.iter().find(|(_, b)| Sha256Digest::of(b).to_hex() == want) else {
            c.push(format!("deliverable {name}"), Err(reason!(NamedButMissing, sha256 = want)));
            v.conclusions.push(conclude(name, kind, None));
            continue;
        };
        let before = c.0.len();
        let checked = check_deliverable(c, name, m, b, d, &provider, &list, &receipts, &pki, logged_at);
        // A deliverable concludes something only when none of its own checks failed.
        let held = c.0[before..].iter().all(|x| x.status != CheckStatus::Fail);
        v.conclusions.push(conclude(name, kind, checked.as_ref().filter(|_| held).map(|(doc, _)| doc)));
        if let Some((document, leaf)) = checked {
            let mut digests = Vec::new();
            named_digests(&document, &mut digests);
            vouched.extend(digests.into_iter().map(|x| (x, name.to_owned())));
            leaves.push(leaf);
        }
    }
    for (m, b) in &members {
        let hex = Sha256Digest::of(b).to_hex();
        if !named.iter().any(|d| d["sha256"].as_str() == Some(hex.as_str())) {
            c.push(format!("deliverable {}", m.path), Err(reason!(NotNamedByStatement)));
        }
    }

    // 8. Nothing else: every other member is named by digest in a signed document.
    // Status lists some credential names, and the receipts of their versions.
    let named_lists = status.named.take();
    let is_named = |l: &StatusList| {
        status.lists.iter().any(|(p, n)| named_lists.contains(p) && n.id == l.id && n.issuer == l.issuer)
    };
    for (m, b) in package.members(role::STATUS_LIST) {
        let used = status.lists.iter().find(|(p, _)| *p == m.path).filter(|_| named_lists.contains(&m.path));
        // A later version of a named list (verification at a past time) may carry its receipt too.
        let later = status.later.iter().find(|(p, l)| *p == m.path && is_named(l));
        if let Some((_, l)) = used.or(later)
            && let Ok(leaf) = status_list_leaf(b, &l.issuer)
        {
            leaves.push(leaf);
        }
    }
    let verified_lists: Vec<String> = status.lists.iter().map(|(p, _)| p.clone()).collect();
    check_unsigned_members(c, &package, &vouched, &leaves, &named_lists, &verified_lists, &pki);
}

/// Every string under a `sha256` key of a signed document, lowercase.
fn named_digests(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                match v {
                    Value::String(s) if k == "sha256" => out.push(s.to_ascii_lowercase()),
                    _ => named_digests(v, out),
                }
            }
        }
        Value::Array(list) => list.iter().for_each(|v| named_digests(v, out)),
        _ => {}
    }
}

/// The members the steps above do not vouch for: receipts must prove the
/// statement or a verified deliverable under the policy's logs; attachments
/// must be named by digest in a verified deliverable; any other role is no
/// evidence at all. Each failure names the member: a verified bundle
/// carries no byte that no signature covers.
fn check_unsigned_members(
    c: &mut Checks,
    package: &Package,
    vouched: &[(String, String)],
    leaves: &[Vec<u8>],
    named_lists: &[String],
    verified_lists: &[String],
    pki: &Pki<'_>,
) {
    let policy = pki.policy();
    let hashes: Vec<lading_tlog::Hash> = leaves.iter().map(|l| lading_tlog::leaf_hash(l)).collect();
    for (m, b) in package.index.members.iter().zip(&package.files) {
        match m.role.as_str() {
            // Statement timestamps were each checked with the time of logging.
            role::DELIVERABLE
            | role::CERTIFICATE
            | role::REPORT
            | role::STATEMENT
            | role::TRUST_LIST
            | role::STATEMENT_TIMESTAMP
            | role::STATEMENT_CERTIFICATE => {}
            role::CRL => pki.check_crl_member(c, m),
            // One that did not verify has failed already; one that verified must be named.
            role::STATUS_LIST if named_lists.contains(&m.path) => {}
            role::STATUS_LIST => {
                if verified_lists.contains(&m.path) {
                    c.push(format!("status list {}", m.path), Err(reason!(StatusListNotNamed)));
                }
            }
            role::RECEIPT => {
                let parsed = std::str::from_utf8(b)
                    .map_err(|e| e.to_string())
                    .and_then(|t| lading_tlog::Receipt::parse(t).map_err(|e| e.to_string()));
                match parsed {
                    Err(e) => {
                        c.push(format!("receipt {}", m.path), Err(reason!(MemberUnreadable, path = m.path, error = e)));
                    }
                    Ok(r) if hashes.iter().any(|h| r.verify(h, &policy.logs).is_ok()) => {}
                    Ok(_) => {
                        c.push(format!("receipt {}", m.path), Err(reason!(ReceiptProvesNothing)));
                    }
                }
            }
            role::ATTACHMENT => {
                let hex = m.sha256.to_hex();
                c.push(
                    format!("attachment {}", m.path),
                    match vouched.iter().find(|(d, _)| *d == hex) {
                        Some((_, by)) => Ok(reason!(AttachmentNamed, by = by)),
                        None => Err(reason!(AttachmentNotNamed)),
                    },
                );
            }
            other => {
                c.push(format!("member {}", m.path), Err(reason!(UnknownRole, role = format!("{other:?}"))));
            }
        }
    }
}

/// Checks one certificate; returns the kinds it validly covers (valid at
/// the time of logging, issued by a body accredited for them then, to this
/// provider, with its conformity report when the bundle carries it).
fn check_certificate(
    c: &mut Checks,
    statuses: &mut Vec<CredentialStatus>,
    package: &Package,
    m: &Member,
    b: &[u8],
    cert: &CertificateContext<'_>,
) -> Vec<Deliverable> {
    let CertificateContext { list, provider, logged_at, status } = *cert;
    let label = format!("certificate {}", m.path);
    let cert = json_of(b, &m.path).and_then(|value| {
        credential::verify(&value, logged_at).map(|vc| (value, vc)).map_err(|e| reason!(CertificateInvalid, error = e))
    });
    let (value, vc) = match cert {
        Ok(x) => x,
        Err(e) => {
            c.push(label, Err(e));
            return Vec::new();
        }
    };
    let mut ok =
        c.push(label.clone(), Ok(reason!(CertificateValid, issuer = vc.shape.issuer, at = logged_at.to_rfc3339())));
    if !vc.shape.types.iter().any(|t| t == CERTIFICATE_TYPE) {
        ok &= c.push(format!("{label}: type"), Err(reason!(NotOfType, credential_type = CERTIFICATE_TYPE)));
    }
    let cs = &value["credentialSubject"];
    let scope: Vec<Deliverable> =
        cs["scope"].as_array().into_iter().flatten().filter_map(|x| x.as_str().and_then(|s| s.parse().ok())).collect();
    let body = issuer_key(&vc.shape.issuer).ok().and_then(|(_, id)| list.standing_of_key(&id, logged_at));
    ok &= c.push(
        format!("{label}: certification body accredited"),
        match body {
            None => Err(reason!(IssuerNotListed, issuer = vc.shape.issuer)),
            Some(s) if s.entity.role != Role::CertificationBody => {
                Err(reason!(NotACertificationBody, id = s.entity.id, role = s.entity.role))
            }
            Some(s) => match s.status {
                Some(st) if st.status == Status::Granted && s.key.is_some() => {
                    let outside: Vec<String> =
                        scope.iter().filter(|k| !s.entity.scope.contains(k)).map(ToString::to_string).collect();
                    if outside.is_empty() {
                        Ok(reason!(
                            BodyAccredited,
                            name = s.entity.legal_name,
                            id = s.entity.id,
                            scope = join(&s.entity.scope)
                        ))
                    } else {
                        Err(reason!(BodyNotAccreditedFor, id = s.entity.id, kinds = outside.join(", ")))
                    }
                }
                Some(st) => {
                    Err(reason!(BodyNotGranted, id = s.entity.id, status = st.status, at = logged_at.to_rfc3339()))
                }
                None => Err(reason!(NotYetListed, name = s.entity.id, at = logged_at.to_rfc3339())),
            },
        },
    );
    let cert_provider = cs["provider"]["entity"].as_str().unwrap_or_default();
    ok &= c.push(
        format!("{label}: names the provider"),
        if cert_provider == provider.id {
            Ok(reason!(IssuedTo, provider = provider.id))
        } else {
            Err(reason!(IssuedToAnother, named = format!("{cert_provider:?}"), provider = provider.id))
        },
    );
    ok &= check_status(c, statuses, &label, &value, &vc.shape.issuer, status, Rule::Certificate);
    let want = cs["conformityReport"]["sha256"].as_str().unwrap_or_default();
    match package.members(role::REPORT).into_iter().find(|(_, rb)| Sha256Digest::of(rb).to_hex() == want) {
        None => c.na(format!("{label}: conformity report"), reason!(ReportNotCarried)),
        Some((rm, rb)) => {
            let passed = serde_json::from_slice::<Value>(rb).ok().and_then(|r| r["passed"].as_bool());
            ok &= c.push(
                format!("{label}: conformity report"),
                if passed == Some(true) {
                    Ok(reason!(ReportPassed, path = rm.path))
                } else {
                    Err(reason!(ReportNotPassed, path = rm.path))
                },
            );
        }
    }
    if ok { scope } else { Vec::new() }
}

/// What a certificate is checked against.
#[derive(Clone, Copy)]
struct CertificateContext<'a> {
    list: &'a TrustList,
    provider: &'a crate::trustlist::TrustedEntity,
    logged_at: DateTime<Utc>,
    status: &'a StatusContext,
}

/// The status lists a bundle carries and how to judge them.
struct StatusContext {
    /// Every carried list that verified, with its member path.
    lists: Vec<(String, StatusList)>,
    /// Carried versions issued after the time of verification (not used).
    later: Vec<(String, StatusList)>,
    /// Member paths of the carried versions a receipt proves in a trusted
    /// log whose checkpoint a trusted witness cosigned, with the earliest
    /// such cosignature: the version existed by then.
    witnessed: Vec<(String, DateTime<Utc>)>,
    now: DateTime<Utc>,
    /// The policy's `max_status_age_hours`.
    max_age: Option<chrono::Duration>,
    /// The statement's time of logging.
    established: DateTime<Utc>,
    /// Member paths of the carried lists some credential's entry names, from that credential's
    /// issuer (every carried version of such a list): the others are no evidence.
    named: std::cell::RefCell<Vec<String>>,
}

/// How a set bit is judged.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Rule {
    /// A certificate: set before the statement was established fails; set later warns.
    Certificate,
    /// The statement itself: revoked by its provider at any time fails (a
    /// withdrawn statement is not to be relied on, whenever it was withdrawn).
    Statement,
}

/// The status lists a bundle carries, each verified at `now`; one that does not is a failed check,
/// except a version issued after `now` that verifies at its own issue time: a verification at a
/// past time (`--at`) leaves later versions aside. Each that verified is also looked up in the
/// receipts: a version proven in a trusted log existed by then, whoever shows it later (required
/// when the policy says so), and by the earliest trusted witness cosignature when there is one.
fn status_lists(
    package: &Package,
    receipts: &[lading_tlog::Receipt],
    policy: &Policy,
    now: DateTime<Utc>,
    c: &mut Checks,
) -> Carried {
    let mut out = Carried { lists: Vec::new(), later: Vec::new(), witnessed: Vec::new() };
    for (m, b) in package.members(role::STATUS_LIST) {
        let opened = json_of(b, &m.path).and_then(|value| match StatusList::open(&value, now) {
            Err(status_list::StatusListError::Credential(credential::CredentialError::NotYetValid {
                valid_from,
                ..
            })) => match StatusList::open(&value, valid_from) {
                Ok(later) => Ok(Err(later)),
                Err(e) => Err(reason!(MemberUnreadable, path = m.path, error = e)),
            },
            other => other.map(Ok).map_err(|e| reason!(MemberUnreadable, path = m.path, error = e)),
        });
        match opened {
            Ok(Err(later)) => {
                c.na(
                    format!("status list {}", m.path),
                    reason!(
                        StatusListLater,
                        version = version_text(&later),
                        issued = later.issued.to_rfc3339(),
                        at = now.to_rfc3339()
                    ),
                );
                out.later.push((m.path.clone(), later));
            }
            Ok(Ok(l)) => {
                let logged =
                    status_list_leaf(b, &l.issuer).ok().and_then(|leaf| find_receipt(receipts, &leaf, &policy.logs));
                let name = format!("status list {}: logged", m.path);
                match logged {
                    Some((w, times)) => {
                        if let Some(t) =
                            times.iter().min().and_then(|t| DateTime::from_timestamp(i64::try_from(*t).ok()?, 0))
                        {
                            out.witnessed.push((m.path.clone(), t));
                        }
                        c.push(name, Ok(w));
                    }
                    None if policy.text.require_logged_status_lists => {
                        c.push(name, Err(reason!(StatusListNotLogged, version = version_text(&l))));
                    }
                    None => c.na(name, reason!(StatusListNotLogged, version = version_text(&l))),
                }
                out.lists.push((m.path.clone(), l));
            }
            Err(e) => {
                c.push(format!("status list {}", m.path), Err(e));
            }
        }
    }
    out
}

/// The status lists a bundle carries: see [`status_lists`].
struct Carried {
    lists: Vec<(String, StatusList)>,
    later: Vec<(String, StatusList)>,
    witnessed: Vec<(String, DateTime<Utc>)>,
}

fn version_text(l: &StatusList) -> String {
    l.sequence.map_or_else(|| "(unnumbered)".to_owned(), |s| s.to_string())
}

fn hours(d: chrono::Duration) -> String {
    format!("{:.1} h", d.num_seconds() as f64 / 3600.0)
}

/// Checks every credentialStatus entry of a credential; false when one fails.
fn check_status(
    c: &mut Checks,
    statuses: &mut Vec<CredentialStatus>,
    label: &str,
    credential: &Value,
    issuer: &str,
    ctx: &StatusContext,
    rule: Rule,
) -> bool {
    let entries = match status_list::entries(credential) {
        Ok(e) => e,
        Err(e) => return c.push(format!("{label}: status"), Err(reason!(StatusEntryInvalid, error = e))),
    };
    let mut ok = true;
    for e in &entries {
        let name = format!("{label}: {}", e.purpose);
        let (outcome, view) = judge_entry(e, issuer, ctx, rule);
        statuses.push(CredentialStatus {
            credential: label.strip_prefix("certificate ").unwrap_or(label).to_owned(),
            purpose: e.purpose,
            status: view.status,
            list: e.list.clone(),
            version: view.list.and_then(|l| l.sequence),
            issued: view.list.map(|l| l.issued),
            since: view.since,
        });
        match outcome {
            Outcome::Pass(r) => {
                c.push(name, Ok(r));
            }
            Outcome::Warn(r) => c.warn(name, r),
            Outcome::Fail(r) => ok &= c.push(name, Err(r)),
        }
    }
    ok
}

/// What the verdict's status table shows of one entry.
struct Seen<'a> {
    status: String,
    list: Option<&'a StatusList>,
    since: Option<DateTime<Utc>>,
}

enum Outcome {
    Pass(Reason),
    Warn(Reason),
    Fail(Reason),
}

/// One entry against the newest carried version of its list from the credential's issuer.
fn judge_entry<'a>(e: &StatusEntry, issuer: &str, ctx: &'a StatusContext, rule: Rule) -> (Outcome, Seen<'a>) {
    let unknown = |r: Reason| (Outcome::Fail(r), Seen { status: "unknown".to_owned(), list: None, since: None });
    let named: Vec<&(String, StatusList)> = ctx.lists.iter().filter(|(_, l)| l.id == e.list).collect();
    let Some(first) = named.first() else {
        return unknown(reason!(StatusListMissing, list = e.list, purpose = e.purpose));
    };
    ctx.named.borrow_mut().extend(named.iter().filter(|(_, l)| l.issuer == issuer).map(|(p, _)| p.clone()));
    let Some((path, list)) =
        named.iter().filter(|(_, l)| l.issuer == issuer).max_by_key(|(_, l)| (l.sequence, l.issued)).copied()
    else {
        let why = first.1.check(e, issuer).err().map(|x| x.to_string()).unwrap_or_default();
        return unknown(reason!(StatusListRefused, path = first.0, error = why));
    };
    let set = match list.check(e, issuer) {
        Ok(set) => set,
        Err(why) => return unknown(reason!(StatusListRefused, path = path, error = why)),
    };
    let word = e.purpose.set_word();
    let version = version_text(list);
    let age = ctx.now - list.issued;
    if let Some(max) = ctx.max_age
        && age > max
    {
        return unknown(reason!(
            StatusListStale,
            list = e.list,
            version = version,
            issued = list.issued.to_rfc3339(),
            age = hours(age),
            max = hours(max)
        ));
    }
    let logged = logged_evidence(e, issuer, ctx);
    // What a logged version proves wins over what the newest version records.
    let at_t = match &logged {
        Some(Logged::SetBy { .. }) => Some(true),
        Some(Logged::ValueThen { value, .. }) => Some(*value),
        None => list.value_at(e.index, ctx.established).ok().flatten(),
    };
    // The version whose history says since when it was set at the established time.
    let basis = match &logged {
        Some(Logged::ValueThen { list: l, .. }) => *l,
        _ => list,
    };
    let last = list.last_change(e.index);
    let why =
        |c: Option<&status_list::StatusChange>| c.map_or_else(|| "no reason recorded".to_owned(), |c| c.reason.clone());
    let established = ctx.established.to_rfc3339();
    let view = |status: &str, since: Option<DateTime<Utc>>| Seen { status: status.to_owned(), list: Some(list), since };
    match (rule, set, at_t) {
        (Rule::Statement, true, _) => {
            let since = last.map(|c| c.at);
            (
                Outcome::Fail(reason!(
                    StatementRevoked,
                    since = since.map_or_else(
                        || format!("an unrecorded time, by {}", list.issued.to_rfc3339()),
                        |t| t.to_rfc3339()
                    ),
                    why = why(last),
                    list = e.list,
                    version = version
                )),
                view(word, since),
            )
        }
        (Rule::Certificate, _, Some(true)) if let Some(Logged::SetBy { list: l, witnessed }) = &logged => (
            Outcome::Fail(reason!(
                StatusProvenBefore,
                word = word,
                established = established,
                list = e.list,
                version = version_text(l),
                witnessed = witnessed.to_rfc3339()
            )),
            view(if set { word } else { "valid" }, last.map(|c| c.at)),
        ),
        (Rule::Certificate, true, Some(false)) if let Some(Logged::ValueThen { list: l, witnessed, .. }) = &logged => {
            let since = last.map(|c| c.at);
            (
                Outcome::Warn(reason!(
                    StatusSetAfterLogged,
                    word = word,
                    established = established,
                    list = e.list,
                    logged_version = version_text(l),
                    witnessed = witnessed.to_rfc3339(),
                    version = version,
                    since = since.map_or_else(|| list.issued.to_rfc3339(), |t| t.to_rfc3339()),
                    why = why(last)
                )),
                view(word, since),
            )
        }
        (Rule::Certificate, _, Some(true)) => {
            let from =
                basis.history.iter().flatten().rfind(|c| c.index == e.index && c.at <= ctx.established && c.value);
            let since = from.map(|c| c.at);
            (
                Outcome::Fail(reason!(
                    StatusSetBefore,
                    word = word,
                    established = established,
                    since = since.map_or_else(
                        || format!("an unrecorded time, by {}", list.issued.to_rfc3339()),
                        |t| t.to_rfc3339()
                    ),
                    why = why(from),
                    list = e.list,
                    version = version
                )),
                view(if set { word } else { "valid" }, since),
            )
        }
        (Rule::Certificate, true, Some(false)) => {
            let since = last.map(|c| c.at);
            (
                Outcome::Warn(reason!(
                    StatusSetAfter,
                    word = word,
                    since = since.map_or_else(|| list.issued.to_rfc3339(), |t| t.to_rfc3339()),
                    why = why(last),
                    established = established,
                    list = e.list,
                    version = version
                )),
                view(word, since),
            )
        }
        (Rule::Certificate, true, None) => (
            Outcome::Fail(reason!(
                StatusSetUnknownSince,
                word = word,
                list = e.list,
                version = version,
                issued = list.issued.to_rfc3339(),
                established = established
            )),
            view(word, None),
        ),
        (_, false, _) => (
            Outcome::Pass(reason!(
                StatusClear,
                word = word,
                list = e.list,
                version = version,
                issued = list.issued.to_rfc3339(),
                age = hours(age),
                issuer = list.issuer
            )),
            view("valid", None),
        ),
    }
}

/// What the logged and witnessed versions of an entry's list prove about
/// its value when the statement was established.
enum Logged<'a> {
    /// A revocation: a version witnessed by then already has the bit set
    /// (revocation is permanent, so it was revoked then, whatever the
    /// newest version records).
    SetBy { list: &'a StatusList, witnessed: DateTime<Utc> },
    /// The earliest version issued and witnessed at or after that time
    /// records the value then (its history, which covers that time and is
    /// fixed in the log since; or, for a revocation, a clear bit): a later
    /// version recording another date cannot rewrite it.
    ValueThen { value: bool, list: &'a StatusList, witnessed: DateTime<Utc> },
}

fn logged_evidence<'a>(e: &StatusEntry, issuer: &str, ctx: &'a StatusContext) -> Option<Logged<'a>> {
    let t = ctx.established;
    let versions: Vec<(&StatusList, DateTime<Utc>)> = ctx
        .lists
        .iter()
        .filter(|(_, l)| l.id == e.list && l.issuer == issuer && l.purpose == e.purpose)
        .filter_map(|(p, l)| ctx.witnessed.iter().find(|(w, _)| w == p).map(|(_, at)| (l, *at)))
        .collect();
    let revocation = e.purpose == StatusPurpose::Revocation;
    let set_by =
        versions.iter().filter(|(l, w)| revocation && *w <= t && l.get(e.index) == Ok(true)).min_by_key(|(_, w)| *w);
    if let Some((list, witnessed)) = set_by {
        return Some(Logged::SetBy { list, witnessed: *witnessed });
    }
    let (list, witnessed) = versions.iter().filter(|(l, w)| *w >= t && l.issued >= t).min_by_key(|(_, w)| *w)?;
    let value = match (&list.history, list.get(e.index)) {
        (Some(_), _) => list.value_at(e.index, t).ok().flatten()?,
        (None, Ok(false)) if revocation => false,
        (None, _) => return None,
    };
    Some(Logged::ValueThen { value, list, witnessed: *witnessed })
}

fn join(kinds: &[Deliverable]) -> String {
    kinds.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
}

#[allow(clippy::too_many_arguments)]
fn check_deliverable(
    c: &mut Checks,
    name: &str,
    m: &Member,
    b: &[u8],
    named: &Value,
    provider: &crate::trustlist::TrustedEntity,
    list: &TrustList,
    receipts: &[lading_tlog::Receipt],
    pki: &Pki<'_>,
    logged_at: DateTime<Utc>,
) -> Option<(Value, Vec<u8>)> {
    let policy = pki.policy();
    let label = format!("deliverable {name}");
    let examined = match deliverable::examine(b) {
        Ok(x) => x,
        Err(e) => {
            c.push(label, Err(reason!(MemberUnreadable, path = m.path, error = e)));
            return None;
        }
    };
    if named["kind"].as_str() != Some(examined.kind.name()) {
        c.push(label.clone(), Err(reason!(KindMismatch, named = named["kind"], kind = examined.kind)));
    }
    if let Some(bundle) = &examined.certificate {
        let key = pki.certificate_signer(c, &label, bundle, provider, list, logged_at)?;
        return finish_deliverable(c, &label, b, &examined, &key, provider, receipts, policy);
    }
    let key = provider
        .keys
        .iter()
        .find(|k| k.key_id == examined.keyid)
        .and_then(|k| VerifyingKey::from_spki_pem(&k.public_key).ok());
    let Some(key) = key else {
        let whose = list.standing_of_key(&examined.keyid, logged_at).map(|s| s.entity.id.clone());
        c.push(
            format!("{label}: signer"),
            Err(match whose {
                None => reason!(SignerNotListed, key = examined.keyid),
                Some(owner) => reason!(SignerNotTheProvider, key = examined.keyid, owner = owner),
            }),
        );
        return None;
    };
    finish_deliverable(c, &label, b, &examined, &key, provider, receipts, policy)
}

/// The checks of a deliverable once its signer's key is known.
#[allow(clippy::too_many_arguments)]
fn finish_deliverable(
    c: &mut Checks,
    label: &str,
    b: &[u8],
    examined: &deliverable::Examined,
    key: &VerifyingKey,
    provider: &crate::trustlist::TrustedEntity,
    receipts: &[lading_tlog::Receipt],
    policy: &Policy,
) -> Option<(Value, Vec<u8>)> {
    if !provider.scope.contains(&examined.kind) {
        c.push(
            format!("{label}: scope"),
            Err(reason!(ProviderOutOfScope, provider = provider.id, kind = examined.kind)),
        );
    }
    let checked = deliverable::check(b, examined, key);
    for (what, r) in &checked.integrity {
        c.push(format!("{label}: {what}"), r.clone());
    }
    let leaf = examined.registry_leaf();
    c.push(
        format!("{label}: logged"),
        find_receipt(receipts, &leaf, &policy.logs).map(|(w, _)| w).ok_or_else(|| reason!(DeliverableNotLogged)),
    );
    let document = checked.document.filter(|_| checked.integrity.iter().all(|(_, r)| r.is_ok()))?;
    Some((document, leaf))
}
