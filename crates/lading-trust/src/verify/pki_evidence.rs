//! The X.509 evidence an evidence bundle carries so that it verifies offline
//! for years (long-term validation): CRLs (role [`role::CRL`]) consulted
//! for every certificate-bound chain and every TSA chain, RFC 3161
//! timestamps over the statement's bytes (role
//! [`role::STATEMENT_TIMESTAMP`]) that establish when it existed, and the
//! certificate-bound signers of deliverables.
//!
//! A CRL is evidence only once its signature was checked: it must be issued
//! by a certificate of a path that validated (or a pinned root); any other
//! carried CRL fails the bundle, like any member no signature covers.

use std::cell::RefCell;

use chrono::{DateTime, Utc};
use lading_crypto::VerifyingKey;
use lading_model::bundle::{Member, Package};
use lading_pki::timestamp::VerifiedTimestamp;
use lading_pki::{Certificate, CertificateList, ValidatedPath};

use super::{Checks, role};
use crate::policy::Policy;
use crate::reason;
use crate::reason::Reason;
use crate::trustlist::{Standing, TrustList, TrustedEntity};

/// The CRLs a bundle carries and the certificates of the paths validated
/// so far (the issuers a carried CRL may be signed by).
pub(super) struct Pki<'a> {
    policy: &'a Policy,
    /// Every CRL parsed from the bundle's `crl` members, in member order.
    crls: Vec<CertificateList>,
    /// The member path of each CRL in `crls`.
    crl_paths: Vec<String>,
    /// Certificates of chains that validated (leaf, intermediates).
    validated: RefCell<Vec<Certificate>>,
}

impl<'a> Pki<'a> {
    /// Reads the bundle's CRLs; one that does not parse fails its own check.
    pub(super) fn read(package: &Package, policy: &'a Policy, c: &mut Checks) -> Self {
        let mut crls = Vec::new();
        let mut crl_paths = Vec::new();
        for (m, b) in package.members(role::CRL) {
            match lading_pki::parse_crls(b) {
                Ok(list) if !list.is_empty() => {
                    crl_paths.extend(std::iter::repeat_n(m.path.clone(), list.len()));
                    crls.extend(list);
                }
                Ok(_) => {
                    c.push(
                        format!("crl {}", m.path),
                        Err(reason!(CrlUnreadable, path = m.path, error = "no CRL in it")),
                    );
                }
                Err(e) => {
                    c.push(format!("crl {}", m.path), Err(reason!(CrlUnreadable, path = m.path, error = e)));
                }
            }
        }
        Pki { policy, crls, crl_paths, validated: RefCell::new(Vec::new()) }
    }

    /// The policy judged by.
    pub(super) fn policy(&self) -> &'a Policy {
        self.policy
    }

    fn remember(&self, chain: &[Certificate]) {
        self.validated.borrow_mut().extend(chain.iter().cloned());
    }

    /// Reports the revocation status of a validated path's certificates:
    /// a pass when every one was checked against a carried CRL, a warning
    /// (a failure under `require_revocation_data`) when some were not, a
    /// warning naming the date when one was revoked after `path.at`.
    fn revocation(&self, c: &mut Checks, name: String, path: &ValidatedPath) {
        use crate::certified::Revocation;
        let found = Revocation::of(path);
        match &found {
            Revocation::RevokedLater { .. } => {
                c.warn(name, found.reason(path.at, crate::certified::Fallback::StatementTime))
            }
            Revocation::NotChecked(subjects) if self.policy.text.require_revocation_data => {
                c.push(name, Err(reason!(RevocationDataRequired, subjects = subjects.join("; "))));
            }
            Revocation::NotChecked(_) => c.warn(name, found.reason(path.at, crate::certified::Fallback::StatementTime)),
            Revocation::Checked { .. } => {
                c.push(name, Ok(found.reason(path.at, crate::certified::Fallback::StatementTime)));
            }
        }
    }

    /// Verifies every `statement-timestamp` member over `statement` (the
    /// statement member's exact bytes) against the policy's TSA roots, each
    /// TSA chain judged at its genTime with the carried CRLs. Each member
    /// has its own check; returns the earliest that verified.
    pub(super) fn statement_time(
        &self,
        c: &mut Checks,
        package: &Package,
        statement: &[u8],
    ) -> Option<VerifiedTimestamp> {
        let mut earliest: Option<VerifiedTimestamp> = None;
        for (m, b) in package.members(role::STATEMENT_TIMESTAMP) {
            let name = format!("statement timestamp {}", m.path);
            if self.policy.tsa_roots.is_empty() {
                c.push(name, Err(reason!(TimestampUntrusted)));
                continue;
            }
            match lading_pki::timestamp::verify(b, statement, &self.policy.tsa_roots, &self.crls) {
                Ok(t) => {
                    c.push(
                        name.clone(),
                        Ok(reason!(
                            StatementTimestamped,
                            time = t.token.gen_time.to_rfc3339(),
                            tsa = t.token.signer_subject(),
                            serial = t.token.serial
                        )),
                    );
                    self.remember(&t.token.chain);
                    self.revocation(c, format!("{name}: revocation"), &t.path);
                    if earliest.as_ref().is_none_or(|e| t.token.gen_time < e.token.gen_time) {
                        earliest = Some(t);
                    }
                }
                Err(e) => {
                    c.push(name, Err(reason!(MemberUnreadable, path = m.path, error = e)));
                }
            }
        }
        earliest
    }

    /// A certificate-bound deliverable's signer: its chain validated
    /// against the policy's CA roots, with the carried CRLs, at its signing
    /// time — the earliest of its RFC 3161 timestamps verified against the
    /// policy's TSA roots, else the statement's established time — and
    /// attributed to the provider by the white list (a CA accepted for the
    /// provider, and the provider's registration id in the subject).
    /// Returns the leaf's key.
    pub(super) fn certificate_signer(
        &self,
        c: &mut Checks,
        label: &str,
        bundle: &lading_pki::bundle::CertificateBundle,
        provider: &TrustedEntity,
        list: &TrustList,
        logged_at: DateTime<Utc>,
    ) -> Option<VerifyingKey> {
        let policy = self.policy;
        let name = format!("{label}: certificate");
        if policy.ca_roots.is_empty() {
            c.push(
                name,
                Err(Reason::error("the deliverable is certificate-bound but the policy pins no CA roots (ca_roots)")),
            );
            return None;
        }
        let tsa_roots: &[Certificate] = &policy.tsa_roots;
        let fallback = (logged_at, crate::certified::Fallback::StatementTime);
        let signer = match crate::certified::judge(bundle, &policy.ca_roots, tsa_roots, &self.crls, fallback) {
            Ok(s) => s,
            Err(crate::certified::CertifiedError::Timestamp { index, error }) => {
                c.push(format!("{label}: timestamp #{index}"), Err(Reason::error(error)));
                return None;
            }
            Err(e) => {
                c.push(name, Err(Reason::error(e)));
                return None;
            }
        };
        for t in &signer.stamps {
            self.remember(&t.token.chain);
        }
        if let Some(t) = signer.stamp() {
            self.revocation(c, format!("{label}: timestamp revocation"), &t.path);
        }
        self.remember(&bundle.chain);
        let leaf = signer.path.signer().clone();
        if !provider.is_certified_by(&bundle.chain, &leaf) {
            let owner = list.standing_of_certificate(&bundle.chain, &leaf, signer.at()).map(|s| s.entity.id.clone());
            let why = match owner {
                Some(o) => {
                    format!("the certificate of {} is {o:?}'s on the white list, not the provider's", leaf.subject)
                }
                None => unaccepted(&leaf),
            };
            c.push(name, Err(Reason::error(why)));
            return None;
        }
        c.push(name, Ok(signer.reason()));
        self.revocation(c, format!("{label}: revocation"), &signer.path);
        match lading_pki::path::certified_key(&bundle.chain[0]) {
            Ok(k) => Some(k),
            Err(e) => {
                c.push(format!("{label}: signer"), Err(Reason::error(e)));
                None
            }
        }
    }

    /// The statement's X.509 identity, when the bundle carries a chain for
    /// its issuer key (role [`role::STATEMENT_CERTIFICATE`]): validated
    /// against the policy's CA roots at `at` with the carried CRLs, its leaf
    /// certifying `key` (the statement's did:key), and attributed by the
    /// white list (a CA the entity accepts, its registration id in the
    /// subject). Pushes its checks; `None` when absent or not attributed.
    pub(super) fn statement_certificate<'l>(
        &self,
        c: &mut Checks,
        package: &Package,
        key: &VerifyingKey,
        list: &'l TrustList,
        at: DateTime<Utc>,
    ) -> Option<Standing<'l>> {
        let name = "statement certificate";
        let members = package.members(role::STATEMENT_CERTIFICATE);
        let (m, b) = match members.as_slice() {
            [] => return None,
            [one] => *one,
            many => {
                let r = reason!(MemberRepeated, count = many.len(), role = role::STATEMENT_CERTIFICATE);
                c.push(name, Err(r));
                return None;
            }
        };
        let chain = match lading_pki::parse_certificates(b) {
            Ok(chain) if !chain.is_empty() => chain,
            Ok(_) => {
                c.push(name, Err(reason!(MemberUnreadable, path = m.path, error = "no certificate in it")));
                return None;
            }
            Err(e) => {
                c.push(name, Err(reason!(MemberUnreadable, path = m.path, error = e)));
                return None;
            }
        };
        if self.policy.ca_roots.is_empty() {
            let why = "the statement is certificate-bound but the policy pins no CA roots (ca_roots)";
            c.push(name, Err(Reason::error(why)));
            return None;
        }
        match lading_pki::path::certified_key(&chain[0]) {
            Ok(k) if &k == key => {}
            Ok(k) => {
                let why = format!(
                    "{}: the certificate certifies key {}, not {}, the statement's issuer key",
                    m.path,
                    k.key_id(),
                    key.key_id()
                );
                c.push(name, Err(Reason::error(why)));
                return None;
            }
            Err(e) => {
                c.push(name, Err(Reason::error(format!("{}: {e}", m.path))));
                return None;
            }
        }
        let options = lading_pki::Options::at(at).with_crls(&self.crls);
        let path = match lading_pki::validate(&chain, &self.policy.ca_roots, &options) {
            Ok(p) => p,
            Err(e) => {
                let why = format!("{e} (judged at {}, the statement's established time)", at.to_rfc3339());
                c.push(name, Err(Reason::error(why)));
                return None;
            }
        };
        self.remember(&chain);
        let leaf = path.signer().clone();
        let Some(standing) = list.standing_of_certificate(&chain, &leaf, at) else {
            c.push(name, Err(Reason::error(unaccepted(&leaf))));
            return None;
        };
        c.push(
            name,
            Ok(reason!(
                StatementCertificate,
                subject = leaf.subject,
                registration_id = leaf.registration_id().unwrap_or_default(),
                anchor = path.anchor().subject,
                time = at.to_rfc3339()
            )),
        );
        self.revocation(c, format!("{name}: revocation"), &path);
        Some(standing)
    }

    /// A carried CRL member: evidence when each CRL in it is signed by a
    /// certificate of a validated path or a pinned root; otherwise no
    /// signature over it was checked, and the member fails.
    pub(super) fn check_crl_member(&self, c: &mut Checks, m: &Member) {
        let validated = self.validated.borrow();
        let issuers: Vec<&Certificate> =
            validated.iter().chain(&self.policy.ca_roots).chain(&self.policy.tsa_roots).collect();
        for (i, crl) in self.crls.iter().enumerate().filter(|(i, _)| self.crl_paths[*i] == m.path) {
            let tbs = &crl.tbs_cert_list;
            let issuer = lading_pki::identity::display_name(&tbs.issuer);
            let signed = issuers.iter().any(|cert| {
                cert.tbs_certificate().subject() == &tbs.issuer
                    && lading_pki::crl::check_crl_signature(crl, cert, i).is_ok()
            });
            let name = format!("crl {}", m.path);
            if signed {
                let this_update = lading_pki::identity::to_chrono(tbs.this_update).to_rfc3339();
                let next_update =
                    tbs.next_update.map(|t| lading_pki::identity::to_chrono(t).to_rfc3339()).unwrap_or_default();
                c.push(
                    name,
                    Ok(reason!(CrlUsed, issuer = issuer, this_update = this_update, next_update = next_update)),
                );
            } else {
                c.push(name, Err(reason!(CrlNotUsed, issuer = issuer)));
            }
        }
    }
}

/// Why a validated chain is nobody's on the white list.
fn unaccepted(leaf: &lading_pki::Identity) -> String {
    format!(
        "no white-list entity accepts a CA of this chain for registration id {:?} ({})",
        leaf.registration_id().unwrap_or("none"),
        leaf.subject
    )
}
