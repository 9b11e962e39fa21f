//! One test per validation rule, over hierarchies the test CA makes.

#![allow(clippy::unwrap_used, clippy::cloned_ref_to_slice_refs)]

use chrono::{DateTime, Duration, TimeZone, Utc};
use der::asn1::{BitString, ObjectIdentifier};
use der::{Decode, Encode, Sequence};
use lading_crypto::{Algorithm, SigningKey};
use spki::AlgorithmIdentifierOwned;
use x509_cert::Certificate;
use x509_cert::crl::CertificateList;
use x509_cert::ext::pkix::{BasicConstraints, ExtendedKeyUsage, KeyUsage, KeyUsages};

use crate::issue::{CertProfile, IssueRequest, Revoked, extension, issue_certificate, issue_crl};
use crate::path::{Options, PathError, Position, Purpose, Revocation, Violation, check_signing_leaf, validate};
use crate::{oid, parse};

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 1, 0, 0, 0).unwrap()
}

fn year() -> Duration {
    Duration::days(365)
}

struct Ca {
    key: SigningKey,
    cert: Certificate,
}

fn root(alg: Algorithm, path_len: Option<u8>) -> Ca {
    let key = SigningKey::generate(alg).unwrap();
    let req = IssueRequest::self_signed(
        &format!("CN=Root {alg},O=Lading Test"),
        CertProfile::Ca { path_len },
        t0() - year(),
        t0() + year() * 10,
    );
    let cert = issue_certificate(&req, &key).unwrap();
    Ca { key, cert }
}

fn sub_ca(parent: &Ca, alg: Algorithm, name: &str) -> Ca {
    let key = SigningKey::generate(alg).unwrap();
    let req = IssueRequest::issued_by(
        name,
        &parent.cert,
        &key.verifying_key(),
        CertProfile::Ca { path_len: None },
        t0() - year(),
        t0() + year() * 5,
    );
    let cert = issue_certificate(&req, &parent.key).unwrap();
    Ca { key, cert }
}

fn leaf_with(parent: &Ca, alg: Algorithm, edit: impl FnOnce(&mut IssueRequest<'_>)) -> (SigningKey, Certificate) {
    let key = SigningKey::generate(alg).unwrap();
    let mut req = IssueRequest::issued_by(
        "CN=Signer,O=Example Ltd,organizationIdentifier=91440300MA5EXAMPLE",
        &parent.cert,
        &key.verifying_key(),
        CertProfile::Signer,
        t0() - Duration::days(30),
        t0() + year(),
    );
    edit(&mut req);
    let cert = issue_certificate(&req, &parent.key).unwrap();
    (key, cert)
}

fn leaf(parent: &Ca, alg: Algorithm) -> (SigningKey, Certificate) {
    leaf_with(parent, alg, |_| {})
}

fn violation(result: Result<crate::ValidatedPath, PathError>) -> (Position, Violation) {
    match result.unwrap_err() {
        PathError::Certificate { position, violation, .. } => (position, *violation),
        other => panic!("unexpected {other}"),
    }
}

#[test]
fn sm2_p256_and_ed25519_chains_validate() {
    for (root_alg, int_alg, leaf_alg) in [
        (Algorithm::Sm2, Algorithm::Sm2, Algorithm::Sm2),
        (Algorithm::P256, Algorithm::P256, Algorithm::P256),
        (Algorithm::P256, Algorithm::P256, Algorithm::Ed25519),
        (Algorithm::Sm2, Algorithm::Sm2, Algorithm::Ed25519),
        (Algorithm::Ed25519, Algorithm::Sm2, Algorithm::P256),
    ] {
        let r = root(root_alg, None);
        let i = sub_ca(&r, int_alg, "CN=Intermediate,O=Lading Test");
        let (_, l) = leaf(&i, leaf_alg);
        let path = validate(&[l, i.cert.clone()], &[r.cert.clone()], &Options::at(t0())).unwrap();
        assert_eq!(path.certificates.len(), 3);
        let who = path.signer();
        assert_eq!(who.common_name.as_deref(), Some("Signer"));
        assert_eq!(who.organization_identifier.as_deref(), Some("91440300MA5EXAMPLE"));
        assert_eq!(who.issuer, "CN=Intermediate,O=Lading Test");
        assert_eq!(path.certificates[2].position, Position::Anchor(0));
        assert_eq!(path.certificates[0].revocation, Revocation::NotChecked);
    }
}

#[test]
fn a_trailing_copy_of_the_root_is_tolerated_other_extras_are_not() {
    let r = root(Algorithm::P256, None);
    let i = sub_ca(&r, Algorithm::P256, "CN=Intermediate");
    let (_, l) = leaf(&i, Algorithm::P256);
    validate(&[l.clone(), i.cert.clone(), r.cert.clone()], &[r.cert.clone()], &Options::at(t0())).unwrap();
    let other = root(Algorithm::P256, None);
    let (pos, v) = violation(validate(&[l, i.cert, other.cert], &[r.cert], &Options::at(t0())));
    assert_eq!((pos, v), (Position::Chain(2), Violation::Unused));
}

#[test]
fn expired_and_not_yet_valid_leaf() {
    let r = root(Algorithm::Sm2, None);
    let (_, l) = leaf(&r, Algorithm::Sm2);
    let later = t0() + year() * 2;
    let (pos, v) = violation(validate(&[l.clone()], &[r.cert.clone()], &Options::at(later)));
    assert_eq!(pos, Position::Chain(0));
    assert!(matches!(v, Violation::Expired { .. }), "{v}");
    let err = validate(&[l.clone()], &[r.cert.clone()], &Options::at(later)).unwrap_err().to_string();
    assert!(
        err.starts_with(
            "certificate #0 (leaf) (CN=Signer,O=Example Ltd,organizationIdentifier=91440300MA5EXAMPLE): expired"
        ),
        "{err}"
    );
    let (_, v) = violation(validate(&[l], &[r.cert], &Options::at(t0() - Duration::days(31))));
    assert!(matches!(v, Violation::NotYetValid { .. }), "{v}");
}

#[test]
fn expired_intermediate_is_named() {
    let r = root(Algorithm::P256, None);
    let key = SigningKey::generate(Algorithm::P256).unwrap();
    let mut req = IssueRequest::issued_by(
        "CN=Old Intermediate",
        &r.cert,
        &key.verifying_key(),
        CertProfile::Ca { path_len: None },
        t0() - year() * 2,
        t0() - year(),
    );
    req.serial = Some(vec![0x42]);
    let i = Ca { cert: issue_certificate(&req, &r.key).unwrap(), key };
    let (_, l) = leaf(&i, Algorithm::P256);
    let err = validate(&[l, i.cert], &[r.cert], &Options::at(t0())).unwrap_err();
    assert!(err.to_string().starts_with("certificate #1 in the chain (CN=Old Intermediate): expired"), "{err}");
}

#[test]
fn missing_intermediate_is_a_broken_chain() {
    let r = root(Algorithm::Sm2, None);
    let i = sub_ca(&r, Algorithm::Sm2, "CN=Intermediate");
    let (_, l) = leaf(&i, Algorithm::Sm2);
    let (pos, v) = violation(validate(&[l], &[r.cert], &Options::at(t0())));
    assert_eq!(pos, Position::Chain(0));
    assert_eq!(v, Violation::IssuerNotFound { issuer: "CN=Intermediate".into() });
}

#[test]
fn root_with_the_right_name_but_another_key_fails_the_signature() {
    let r = root(Algorithm::Sm2, None);
    let impostor = root(Algorithm::Sm2, None);
    let (_, l) = leaf(&r, Algorithm::Sm2);
    let (_, v) = violation(validate(&[l], &[impostor.cert], &Options::at(t0())));
    assert!(matches!(&v, Violation::BadSignature { detail, .. } if detail.contains("does not verify")), "{v}");
}

#[test]
fn no_chain_or_no_anchors() {
    let r = root(Algorithm::P256, None);
    assert_eq!(validate(&[], &[r.cert.clone()], &Options::at(t0())).unwrap_err(), PathError::EmptyChain);
    assert_eq!(validate(&[r.cert], &[], &Options::at(t0())).unwrap_err(), PathError::NoAnchors);
}

#[test]
fn issuer_without_basic_constraints_ca_is_refused() {
    let r = root(Algorithm::P256, None);
    let (not_ca_key, not_ca) = leaf(&r, Algorithm::P256);
    let fake = Ca { key: not_ca_key, cert: not_ca };
    let (_, l) = leaf(&fake, Algorithm::P256);
    let (pos, v) = violation(validate(&[l, fake.cert], &[r.cert], &Options::at(t0())));
    assert_eq!(pos, Position::Chain(1));
    assert_eq!(v, Violation::NotCa { found: "false" });
}

#[test]
fn path_len_constraint_is_enforced() {
    let r = root(Algorithm::Sm2, Some(0));
    let i = sub_ca(&r, Algorithm::Sm2, "CN=Intermediate");
    let (_, l) = leaf(&i, Algorithm::Sm2);
    let (pos, v) = violation(validate(&[l.clone(), i.cert.clone()], &[r.cert.clone()], &Options::at(t0())));
    assert_eq!(pos, Position::Anchor(0));
    assert_eq!(v, Violation::PathLenExceeded { path_len: 0, below: 1 });
    // pathLen 0 still lets the root issue leaves directly.
    let (_, direct) = leaf(&r, Algorithm::Sm2);
    validate(&[direct], &[r.cert], &Options::at(t0())).unwrap();
}

#[test]
fn ca_key_usage_needs_key_cert_sign() {
    let r = root(Algorithm::P256, None);
    let key = SigningKey::generate(Algorithm::P256).unwrap();
    let mut req = IssueRequest::issued_by(
        "CN=No CertSign",
        &r.cert,
        &key.verifying_key(),
        CertProfile::Ca { path_len: None },
        t0() - year(),
        t0() + year(),
    );
    req.extra_extensions.push(extension(oid::EXT_KEY_USAGE, true, &KeyUsage(KeyUsages::CRLSign.into())).unwrap());
    let i = Ca { cert: issue_certificate(&req, &r.key).unwrap(), key };
    let (_, l) = leaf(&i, Algorithm::P256);
    let (_, v) = violation(validate(&[l, i.cert], &[r.cert], &Options::at(t0())));
    assert_eq!(v, Violation::KeyUsage { needed: "keyCertSign" });
}

#[test]
fn leaf_key_usage_needs_digital_signature() {
    let r = root(Algorithm::P256, None);
    let (key, l) = leaf_with(&r, Algorithm::Ed25519, |req| {
        req.extra_extensions
            .push(extension(oid::EXT_KEY_USAGE, true, &KeyUsage(KeyUsages::KeyEncipherment.into())).unwrap());
    });
    let (_, v) = violation(validate(&[l.clone()], &[r.cert], &Options::at(t0())));
    assert_eq!(v, Violation::KeyUsage { needed: "digitalSignature" });
    let err = check_signing_leaf(&l, &key.verifying_key(), t0()).unwrap_err();
    assert_eq!(err.violation(), Some(&Violation::KeyUsage { needed: "digitalSignature" }));
}

#[test]
fn extended_key_usage_must_allow_the_purpose() {
    let r = root(Algorithm::P256, None);
    let server_auth = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.1");
    let (_, l) = leaf_with(&r, Algorithm::P256, |req| {
        req.extra_extensions
            .push(extension(oid::EXT_EXT_KEY_USAGE, false, &ExtendedKeyUsage(vec![server_auth])).unwrap());
    });
    let (_, v) = violation(validate(&[l.clone()], &[r.cert.clone()], &Options::at(t0())));
    assert!(matches!(&v, Violation::ExtendedKeyUsage { detail } if detail.contains("1.3.6.1.5.5.7.3.1")), "{v}");
    validate(&[l], &[r.cert.clone()], &Options::at(t0()).for_purpose(Purpose::Any)).unwrap();
    let (_, doc) = leaf_with(&r, Algorithm::P256, |req| {
        req.extra_extensions
            .push(extension(oid::EXT_EXT_KEY_USAGE, false, &ExtendedKeyUsage(vec![oid::KP_DOCUMENT_SIGNING])).unwrap());
    });
    validate(&[doc], &[r.cert], &Options::at(t0())).unwrap();
}

#[test]
fn time_stamping_needs_a_critical_sole_time_stamping_eku() {
    let r = root(Algorithm::P256, None);
    let tsa = Options::at(t0()).for_purpose(Purpose::TimeStamping);
    let (_, good) = leaf_with(&r, Algorithm::P256, |req| req.profile = CertProfile::TimeStamping);
    validate(&[good], &[r.cert.clone()], &tsa).unwrap();
    let (_, signer) = leaf(&r, Algorithm::P256);
    let (_, v) = violation(validate(&[signer], &[r.cert.clone()], &tsa));
    assert!(matches!(&v, Violation::ExtendedKeyUsage { detail } if detail.contains("absent")), "{v}");
    let (_, soft) = leaf_with(&r, Algorithm::P256, |req| {
        req.profile = CertProfile::TimeStamping;
        req.extra_extensions
            .push(extension(oid::EXT_EXT_KEY_USAGE, false, &ExtendedKeyUsage(vec![oid::KP_TIME_STAMPING])).unwrap());
    });
    let (_, v) = violation(validate(&[soft], &[r.cert.clone()], &tsa));
    assert!(matches!(&v, Violation::ExtendedKeyUsage { detail } if detail.contains("critical")), "{v}");
    let (_, wide) = leaf_with(&r, Algorithm::P256, |req| {
        req.profile = CertProfile::TimeStamping;
        req.extra_extensions.push(
            extension(
                oid::EXT_EXT_KEY_USAGE,
                true,
                &ExtendedKeyUsage(vec![oid::KP_TIME_STAMPING, oid::KP_CODE_SIGNING]),
            )
            .unwrap(),
        );
    });
    let (_, v) = violation(validate(&[wide], &[r.cert], &tsa));
    assert!(matches!(&v, Violation::ExtendedKeyUsage { detail } if detail.contains("alone")), "{v}");
}

#[test]
fn unknown_critical_extension_is_refused_non_critical_accepted() {
    let r = root(Algorithm::Sm2, None);
    let private = ObjectIdentifier::new_unwrap("1.3.6.1.4.1.99999.1");
    let (_, critical) = leaf_with(&r, Algorithm::Sm2, |req| {
        req.extra_extensions.push(extension(private, true, &der::asn1::Null).unwrap());
    });
    let (_, v) = violation(validate(&[critical], &[r.cert.clone()], &Options::at(t0())));
    assert_eq!(v, Violation::UnknownCriticalExtension { oid: "1.3.6.1.4.1.99999.1".into() });
    let (_, plain) = leaf_with(&r, Algorithm::Sm2, |req| {
        req.extra_extensions.push(extension(private, false, &der::asn1::Null).unwrap());
    });
    validate(&[plain], &[r.cert], &Options::at(t0())).unwrap();
}

#[test]
fn critical_name_constraints_are_refused_as_unprocessed() {
    let r = root(Algorithm::P256, None);
    let key = SigningKey::generate(Algorithm::P256).unwrap();
    let mut req = IssueRequest::issued_by(
        "CN=Constrained",
        &r.cert,
        &key.verifying_key(),
        CertProfile::Ca { path_len: None },
        t0() - year(),
        t0() + year(),
    );
    let empty = x509_cert::ext::pkix::NameConstraints { permitted_subtrees: None, excluded_subtrees: None };
    req.extra_extensions.push(extension(oid::EXT_NAME_CONSTRAINTS, true, &empty).unwrap());
    let i = Ca { cert: issue_certificate(&req, &r.key).unwrap(), key };
    let (_, l) = leaf(&i, Algorithm::P256);
    let (pos, v) = violation(validate(&[l, i.cert], &[r.cert], &Options::at(t0())));
    assert_eq!(pos, Position::Chain(1));
    assert!(matches!(v, Violation::UnknownCriticalExtension { .. }), "{v}");
}

#[test]
fn duplicate_extension_is_malformed() {
    let r = root(Algorithm::P256, None);
    let bc = extension(oid::EXT_BASIC_CONSTRAINTS, true, &BasicConstraints { ca: false, path_len_constraint: None });
    let (_, l) = leaf_with(&r, Algorithm::P256, |req| {
        req.extra_extensions.push(bc.clone().unwrap());
        req.extra_extensions.push(bc.unwrap());
    });
    let (_, v) = violation(validate(&[l], &[r.cert], &Options::at(t0())));
    assert!(matches!(&v, Violation::MalformedExtension { detail, .. } if detail.contains("twice")), "{v}");
}

#[test]
fn chain_length_cap() {
    let r = root(Algorithm::P256, None);
    let a = sub_ca(&r, Algorithm::P256, "CN=A");
    let b = sub_ca(&a, Algorithm::P256, "CN=B");
    let (_, l) = leaf(&b, Algorithm::P256);
    let chain = [l, b.cert, a.cert];
    validate(&chain, &[r.cert.clone()], &Options::at(t0())).unwrap();
    let mut short = Options::at(t0());
    short.max_path = 3;
    let (pos, v) = violation(validate(&chain, &[r.cert], &short));
    assert_eq!((pos, v), (Position::Chain(2), Violation::TooLong { max: 3 }));
}

#[derive(Sequence)]
struct RawCertificate {
    tbs: der::Any,
    algorithm: AlgorithmIdentifierOwned,
    signature: BitString,
}

#[test]
fn raw_r_s_sm2_signature_is_refused() {
    let r = root(Algorithm::Sm2, None);
    let (_, l) = leaf(&r, Algorithm::Sm2);
    let mut raw = RawCertificate::from_der(&l.to_der().unwrap()).unwrap();
    let der_sig = raw.signature.as_bytes().unwrap().to_vec();
    let rs = sm2::dsa::Signature::from_der(&der_sig).unwrap().to_bytes();
    raw.signature = BitString::from_bytes(&rs).unwrap();
    let forged = Certificate::from_der(&raw.to_der().unwrap()).unwrap();
    let (_, v) = violation(validate(&[forged], &[r.cert], &Options::at(t0())));
    assert!(matches!(&v, Violation::BadSignature { detail, .. } if detail.contains("not DER SM2")), "{v}");
}

#[test]
fn tampered_tbs_fails_the_signature() {
    let r = root(Algorithm::Ed25519, None);
    let (_, l) = leaf(&r, Algorithm::P256);
    let mut der = l.to_der().unwrap();
    let at = der.windows(6).position(|w| w == b"Signer").unwrap();
    der[at] = b's';
    let tampered = Certificate::from_der(&der).unwrap();
    let (_, v) = violation(validate(&[tampered], &[r.cert], &Options::at(t0())));
    assert!(matches!(v, Violation::BadSignature { .. }), "{v}");
}

fn crl(ca: &Ca, this_update: DateTime<Utc>, next_update: DateTime<Utc>, revoked: &[Revoked]) -> CertificateList {
    issue_crl(&ca.cert, &ca.key, 1, this_update, next_update, revoked).unwrap()
}

fn serial(cert: &Certificate) -> Vec<u8> {
    cert.tbs_certificate().serial_number().as_bytes().to_vec()
}

#[test]
fn revoked_before_the_time_fails_after_it_passes() {
    let r = root(Algorithm::Sm2, None);
    let i = sub_ca(&r, Algorithm::Sm2, "CN=Intermediate");
    let (_, l) = leaf(&i, Algorithm::Sm2);
    let revoked_at = t0() - Duration::days(1);
    let list = [crl(&i, t0(), t0() + Duration::days(7), &[Revoked { serial: serial(&l), at: revoked_at }])];
    let chain = [l, i.cert.clone()];
    let roots = [r.cert.clone()];
    let (pos, v) = violation(validate(&chain, &roots, &Options::at(t0()).with_crls(&list)));
    assert_eq!(pos, Position::Chain(0));
    assert!(matches!(&v, Violation::Revoked { revoked_at: when, .. } if *when == revoked_at), "{v}");
    let earlier = t0() - Duration::days(2);
    let path = validate(&chain, &roots, &Options::at(earlier).with_crls(&list)).unwrap();
    assert_eq!(path.certificates[0].revocation, Revocation::RevokedLater { revoked_at });
    assert_eq!(path.certificates[1].revocation, Revocation::NotChecked);
}

#[test]
fn unrevoked_certificate_is_good_on_a_fresh_crl() {
    let r = root(Algorithm::P256, None);
    let (_, l) = leaf(&r, Algorithm::Ed25519);
    let list =
        [crl(&r, t0() - Duration::days(1), t0() + Duration::days(7), &[Revoked { serial: vec![1, 2, 3], at: t0() }])];
    let path = validate(&[l], &[r.cert], &Options::at(t0()).with_crls(&list)).unwrap();
    assert_eq!(path.certificates[0].revocation, Revocation::Good { crl_this_update: t0() - Duration::days(1) });
}

#[test]
fn crl_not_signed_by_the_issuer_is_an_error() {
    let r = root(Algorithm::Sm2, None);
    let (_, l) = leaf(&r, Algorithm::Sm2);
    // A second root of the same name: its CRL carries the issuer's name, not its key.
    let twin = root(Algorithm::Sm2, None);
    let list = [crl(&twin, t0(), t0() + Duration::days(7), &[])];
    let (_, v) = violation(validate(&[l], &[r.cert], &Options::at(t0()).with_crls(&list)));
    assert!(matches!(&v, Violation::CrlSignature { index: 0, .. }), "{v}");
}

#[test]
fn stale_crl_fails_unless_a_newer_one_is_given() {
    let r = root(Algorithm::P256, None);
    let (_, l) = leaf(&r, Algorithm::P256);
    let old = crl(&r, t0() - Duration::days(20), t0() - Duration::days(13), &[]);
    let (_, v) =
        violation(validate(&[l.clone()], &[r.cert.clone()], &Options::at(t0()).with_crls(std::slice::from_ref(&old))));
    assert!(matches!(v, Violation::CrlStale { index: 0, .. }), "{v}");
    let fresh = crl(&r, t0() - Duration::days(2), t0() + Duration::days(5), &[]);
    let both = [old, fresh];
    validate(&[l], &[r.cert], &Options::at(t0()).with_crls(&both)).unwrap();
}

#[test]
fn signing_leaf_must_certify_the_key_and_be_valid_now() {
    let r = root(Algorithm::Sm2, None);
    let (key, l) = leaf(&r, Algorithm::Sm2);
    check_signing_leaf(&l, &key.verifying_key(), t0()).unwrap();
    let other = SigningKey::generate(Algorithm::Sm2).unwrap();
    let err = check_signing_leaf(&l, &other.verifying_key(), t0()).unwrap_err();
    assert!(matches!(err.violation(), Some(Violation::KeyNotCertified { .. })), "{err}");
    assert!(err.to_string().contains("CN=Signer"), "{err}");
    let err = check_signing_leaf(&l, &key.verifying_key(), t0() + year() * 3).unwrap_err();
    assert!(matches!(err.violation(), Some(Violation::Expired { .. })), "{err}");
}

#[test]
fn pem_and_der_round_trip_with_positions() {
    let r = root(Algorithm::Sm2, None);
    let i = sub_ca(&r, Algorithm::P256, "CN=Intermediate");
    let pem = parse::certificates_to_pem(&[i.cert.clone(), r.cert.clone()]).unwrap();
    assert_eq!(parse::parse_certificates(pem.as_bytes()).unwrap(), vec![i.cert.clone(), r.cert.clone()]);
    let mut der = i.cert.to_der().unwrap();
    der.extend(r.cert.to_der().unwrap());
    assert_eq!(parse::parse_certificates(&der).unwrap().len(), 2);
    der.truncate(der.len() - 3);
    let err = parse::parse_certificates(&der).unwrap_err();
    assert!(err.to_string().starts_with("certificate #1: bad DER"), "{err}");
    let list = crl(&r, t0(), t0() + Duration::days(1), &[]);
    let text = parse::crl_to_pem(&list).unwrap();
    assert_eq!(parse::parse_crls(text.as_bytes()).unwrap(), vec![list]);
    let err = parse::parse_crls(pem.as_bytes()).unwrap_err();
    assert!(err.to_string().contains("expected \"X509 CRL\""), "{err}");
}

#[test]
fn issuing_with_a_key_the_issuer_does_not_certify_is_refused() {
    let r = root(Algorithm::P256, None);
    let wrong = SigningKey::generate(Algorithm::P256).unwrap();
    let req =
        IssueRequest::issued_by("CN=X", &r.cert, &wrong.verifying_key(), CertProfile::Signer, t0(), t0() + year());
    assert!(matches!(issue_certificate(&req, &wrong), Err(crate::issue::IssueError::IssuerKey { .. })));
    let bad = IssueRequest::self_signed("not a name", CertProfile::Signer, t0(), t0() + year());
    assert!(matches!(issue_certificate(&bad, &wrong), Err(crate::issue::IssueError::Subject { .. })));
}

#[test]
fn crl_authority_key_id_is_the_issuers_own_key_id_not_its_issuers() {
    // x509-cert's CrlBuilder copied an intermediate's authorityKeyIdentifier (the
    // root's key id) into its CRLs, and OpenSSL found no CRL for the leaf.
    use x509_cert::ext::pkix::{AuthorityKeyIdentifier, SubjectKeyIdentifier};
    let r = root(Algorithm::P256, None);
    let i = sub_ca(&r, Algorithm::P256, "CN=Intermediate");
    let list = crl(&i, t0(), t0() + Duration::days(1), &[]);
    let aki =
        list.tbs_cert_list.crl_extensions.iter().flatten().find(|e| e.extn_id == oid::EXT_AUTHORITY_KEY_ID).unwrap();
    let aki = AuthorityKeyIdentifier::from_der(aki.extn_value.as_bytes()).unwrap();
    let (_, ski) = i.cert.tbs_certificate().get_extension::<SubjectKeyIdentifier>().unwrap().unwrap();
    assert_eq!(aki.key_identifier, Some(ski.0));
}
