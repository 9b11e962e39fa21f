//! Revocation by CRL (RFC 5280 section 5 and 6.3), judged at a given time.
//!
//! Of the CRLs given, those whose issuer name is the certificate's issuer
//! are considered; each must be signed by the issuer's key (a CRL under the
//! issuer's name that does not verify is an error, not something to skip),
//! and the issuer's keyUsage, if present, must allow cRLSign. The newest
//! (latest thisUpdate) decides: stale if its nextUpdate is before the
//! validation time; the certificate fails if listed with a revocation date
//! at or before that time, and is reported "revoked later" if after (a
//! signature made before revocation stays valid). Delta CRLs, indirect CRLs
//! and critical issuing distribution points are refused as unsupported.

use chrono::{DateTime, Utc};
use der::Decode as _;
use der::asn1::ObjectIdentifier;
use x509_cert::Certificate;
use x509_cert::crl::CertificateList;
use x509_cert::ext::pkix::KeyUsage;

use crate::identity::to_chrono;
use crate::path::{Revocation, Violation};
use crate::{oid, sig};

const CRL_EXTENSIONS: [ObjectIdentifier; 2] = [oid::CRL_NUMBER, oid::EXT_AUTHORITY_KEY_ID];
const ENTRY_EXTENSIONS: [ObjectIdentifier; 2] = [oid::CRL_REASON, oid::CRL_INVALIDITY_DATE];

/// Checks that `crl` (number `index` among those given) is signed by `issuer`.
pub fn check_crl_signature(crl: &CertificateList, issuer: &Certificate, index: usize) -> Result<(), Violation> {
    let bad = |detail: String| Violation::CrlSignature { index, detail };
    if crl.tbs_cert_list.signature != crl.signature_algorithm {
        return Err(bad("tbsCertList.signature differs from signatureAlgorithm".into()));
    }
    let key = sig::issuer_key(issuer.tbs_certificate().subject_public_key_info()).map_err(|e| bad(e.to_string()))?;
    let tbs = sig::tbs_der(&crl.tbs_cert_list).map_err(|e| bad(e.to_string()))?;
    let signature = crl.signature.as_bytes().ok_or_else(|| bad("the signature BIT STRING has unused bits".into()))?;
    sig::verify(&key, &crl.signature_algorithm, &tbs, signature).map_err(|e| bad(e.to_string()))?;
    let usage = issuer.tbs_certificate().extensions().into_iter().flatten().find(|e| e.extn_id == oid::EXT_KEY_USAGE);
    if let Some(ext) = usage {
        let ku = KeyUsage::from_der(ext.extn_value.as_bytes()).map_err(|e| bad(format!("issuer keyUsage: {e}")))?;
        if !ku.crl_sign() {
            return Err(bad("the issuer's keyUsage lacks cRLSign".into()));
        }
    }
    Ok(())
}

fn check_supported(crl: &CertificateList, index: usize) -> Result<(), Violation> {
    let unsupported = |detail: String| Violation::CrlUnsupported { index, detail };
    for ext in crl.tbs_cert_list.crl_extensions.iter().flatten() {
        if ext.critical && !CRL_EXTENSIONS.contains(&ext.extn_id) {
            return Err(unsupported(format!("critical CRL extension {}", oid::describe(&ext.extn_id))));
        }
    }
    for entry in crl.tbs_cert_list.revoked_certificates.iter().flatten() {
        for ext in entry.crl_entry_extensions.iter().flatten() {
            if ext.critical && !ENTRY_EXTENSIONS.contains(&ext.extn_id) {
                return Err(unsupported(format!("critical CRL entry extension {}", oid::describe(&ext.extn_id))));
            }
        }
    }
    Ok(())
}

/// The revocation status of `cert`, issued by `issuer`, at `at`.
pub(crate) fn status(
    cert: &Certificate,
    issuer: &Certificate,
    crls: &[CertificateList],
    at: DateTime<Utc>,
) -> Result<Revocation, Violation> {
    let mut newest: Option<(usize, &CertificateList)> = None;
    for (index, crl) in crls.iter().enumerate() {
        if &crl.tbs_cert_list.issuer != cert.tbs_certificate().issuer() {
            continue;
        }
        check_crl_signature(crl, issuer, index)?;
        check_supported(crl, index)?;
        let this_update = to_chrono(crl.tbs_cert_list.this_update);
        if newest.is_none_or(|(_, n)| to_chrono(n.tbs_cert_list.this_update) < this_update) {
            newest = Some((index, crl));
        }
    }
    let Some((index, crl)) = newest else {
        return Ok(Revocation::NotChecked);
    };
    let tbs = &crl.tbs_cert_list;
    if let Some(next) = tbs.next_update.map(to_chrono)
        && next < at
    {
        return Err(Violation::CrlStale { index, next_update: next, at });
    }
    let serial = cert.tbs_certificate().serial_number();
    let entry = tbs.revoked_certificates.iter().flatten().find(|e| &e.serial_number == serial);
    match entry {
        None => Ok(Revocation::Good { crl_this_update: to_chrono(tbs.this_update) }),
        Some(e) => {
            let revoked_at = to_chrono(e.revocation_date);
            if revoked_at <= at {
                Err(Violation::Revoked {
                    serial: hex::encode(serial.as_bytes()),
                    revoked_at,
                    at,
                    crl_issuer: crate::identity::display_name(&tbs.issuer),
                    this_update: to_chrono(tbs.this_update),
                })
            } else {
                Ok(Revocation::RevokedLater { revoked_at })
            }
        }
    }
}
