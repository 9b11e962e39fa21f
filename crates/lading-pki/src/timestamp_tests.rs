//! RFC 3161: Lading's TSA against Lading's client and verifier, and every
//! refusal the client and verifier owe.

#![allow(clippy::unwrap_used, clippy::cloned_ref_to_slice_refs)]

use chrono::{Duration, TimeZone, Utc};
use der::{Decode as _, Encode as _};
use lading_crypto::{Algorithm, SigningKey};
use x509_cert::Certificate;

use crate::issue::{CertProfile, IssueRequest, issue_certificate};
use crate::path::{PathError, Violation};
use crate::timestamp::{Authority, DEFAULT_POLICY, TimestampError, check_reply, open_reply, request, respond, verify};
use crate::tsp::{TimeStampReq, TimeStampResp};

struct Hierarchy {
    root: Certificate,
    tsa_key: SigningKey,
    chain: Vec<Certificate>,
}

fn hierarchy(alg: Algorithm, profile: CertProfile) -> Hierarchy {
    let t0 = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    let root_key = SigningKey::generate(Algorithm::P256).unwrap();
    let root = issue_certificate(
        &IssueRequest::self_signed(
            "CN=TSA Root,O=Lading Test",
            CertProfile::Ca { path_len: None },
            t0,
            t0 + Duration::days(3650),
        ),
        &root_key,
    )
    .unwrap();
    let int_key = SigningKey::generate(Algorithm::Sm2).unwrap();
    let int = issue_certificate(
        &IssueRequest::issued_by(
            "CN=TSA CA,O=Lading Test",
            &root,
            &int_key.verifying_key(),
            CertProfile::Ca { path_len: Some(0) },
            t0,
            t0 + Duration::days(1000),
        ),
        &root_key,
    )
    .unwrap();
    let tsa_key = SigningKey::generate(alg).unwrap();
    let tsa = issue_certificate(
        &IssueRequest::issued_by(
            "CN=Test TSA,O=Lading Test",
            &int,
            &tsa_key.verifying_key(),
            profile,
            t0,
            t0 + Duration::days(500),
        ),
        &int_key,
    )
    .unwrap();
    Hierarchy { root, tsa_key, chain: vec![tsa, int] }
}

fn at() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 1, 12, 0, 0).unwrap()
}

fn stamp(h: &Hierarchy, data: &[u8]) -> (crate::timestamp::Request, Vec<u8>) {
    let req = request(data, &[7; 12]).unwrap();
    let authority = Authority { signer: &h.tsa_key, chain: &h.chain, policy: DEFAULT_POLICY };
    let issued = respond(&authority, &req.der, at(), &[1, 2, 3]);
    assert!(issued.granted.is_some(), "{:?}", open_reply(&issued.reply).err());
    (req, issued.reply)
}

#[test]
fn tokens_of_every_algorithm_check_and_verify() {
    for alg in [Algorithm::P256, Algorithm::Sm2, Algorithm::Ed25519] {
        let h = hierarchy(alg, CertProfile::TimeStamping);
        let (req, reply) = stamp(&h, b"signature bytes");
        let token = check_reply(&reply, &req).unwrap();
        assert_eq!(token.gen_time, at());
        assert_eq!(token.serial, "010203");
        assert_eq!(token.chain.len(), 2);
        let verified = verify(&reply, b"signature bytes", &[h.root.clone()], &[]).unwrap();
        assert_eq!(verified.path.signer().common_name.as_deref(), Some("Test TSA"));
        assert_eq!(verified.path.at, at());
    }
}

#[test]
fn a_token_over_other_bytes_is_refused() {
    let h = hierarchy(Algorithm::P256, CertProfile::TimeStamping);
    let (_, reply) = stamp(&h, b"signature bytes");
    let err = verify(&reply, b"other bytes", &[h.root.clone()], &[]).unwrap_err();
    assert!(matches!(err, TimestampError::ImprintMismatch { .. }), "{err}");
    assert!(err.to_string().contains("over other bytes"));
}

#[test]
fn the_client_refuses_a_reply_to_another_request() {
    let h = hierarchy(Algorithm::P256, CertProfile::TimeStamping);
    let (_, reply) = stamp(&h, b"signature bytes");
    let other_data = request(b"different", &[7; 12]).unwrap();
    assert!(matches!(check_reply(&reply, &other_data), Err(TimestampError::ImprintMismatch { .. })));
    let other_nonce = request(b"signature bytes", &[8; 12]).unwrap();
    assert!(matches!(check_reply(&reply, &other_nonce), Err(TimestampError::NonceMismatch { .. })));
}

#[test]
fn a_signer_without_critical_time_stamping_is_refused() {
    let h = hierarchy(Algorithm::P256, CertProfile::Signer);
    let req = request(b"x", &[1; 8]).unwrap();
    let authority = Authority { signer: &h.tsa_key, chain: &h.chain, policy: DEFAULT_POLICY };
    let reply = respond(&authority, &req.der, at(), &[5]).reply;
    let err = check_reply(&reply, &req).unwrap_err();
    let TimestampError::Signer(PathError::Certificate { violation, .. }) = &err else { panic!("{err}") };
    assert!(matches!(**violation, Violation::ExtendedKeyUsage { .. }), "{err}");
}

#[test]
fn a_tsa_chain_to_another_root_or_outside_validity_fails() {
    let h = hierarchy(Algorithm::P256, CertProfile::TimeStamping);
    let other = hierarchy(Algorithm::P256, CertProfile::TimeStamping);
    let (_, reply) = stamp(&h, b"s");
    assert!(matches!(verify(&reply, b"s", &[other.root.clone()], &[]), Err(TimestampError::Path { .. })));
    // A token dated after the TSA certificate expired.
    let req = request(b"s", &[1; 8]).unwrap();
    let authority = Authority { signer: &h.tsa_key, chain: &h.chain, policy: DEFAULT_POLICY };
    let late = respond(&authority, &req.der, at() + Duration::days(400), &[9]).reply;
    let err = verify(&late, b"s", &[h.root.clone()], &[]).unwrap_err();
    assert!(err.to_string().contains("expired"), "{err}");
}

#[test]
fn an_altered_token_is_refused() {
    let h = hierarchy(Algorithm::P256, CertProfile::TimeStamping);
    let (req, reply) = stamp(&h, b"s");
    // Flip one byte of the genTime inside the TSTInfo: the messageDigest no longer matches.
    let pos = reply.windows(4).position(|w| w == b"2026").unwrap();
    let mut altered = reply.clone();
    altered[pos + 3] = b'7';
    let err = check_reply(&altered, &req).unwrap_err();
    assert!(err.to_string().contains("altered"), "{err}");
}

#[test]
fn rejections_carry_status_and_fail_info() {
    let h = hierarchy(Algorithm::P256, CertProfile::TimeStamping);
    let authority = Authority { signer: &h.tsa_key, chain: &h.chain, policy: DEFAULT_POLICY };
    let garbage = respond(&authority, b"not a request", at(), &[1]);
    assert!(garbage.granted.is_none());
    let err = open_reply(&garbage.reply).unwrap_err();
    assert!(
        matches!(&err, TimestampError::Status { status: 2, failures, .. } if failures == &["badDataFormat"]),
        "{err}"
    );
    let mut req = TimeStampReq::from_der(&request(b"x", &[1; 8]).unwrap().der).unwrap();
    req.req_policy = Some(der::asn1::ObjectIdentifier::new_unwrap("1.2.3.4"));
    let err = open_reply(&respond(&authority, &req.to_der().unwrap(), at(), &[1]).reply).unwrap_err();
    assert!(err.to_string().contains("unacceptedPolicy"), "{err}");
    let parsed = TimeStampResp::from_der(&garbage.reply).unwrap();
    assert_eq!(parsed.status.status, 2);
}

#[test]
fn garbage_replies_are_errors_not_panics() {
    for bytes in [&b""[..], b"\x30\x00", b"\x30\x03\x02\x01\x00", b"\x30\x80\x00\x00", &[0x30; 64]] {
        assert!(open_reply(bytes).is_err());
    }
}

/// Found by the `timestamp` fuzz target: a request without certReq (here
/// FALSE encoded explicitly, which DER forbids but readers accept) is granted
/// with a token that carries no certificate, as RFC 3161 §2.4.1 says; the
/// client then names what is missing instead of failing somewhere deeper.
#[test]
fn a_request_without_cert_req_gets_a_token_without_the_tsa_certificate() {
    let request: &[u8] = &[
        48, 68, 2, 1, 1, 48, 49, 48, 13, 6, 9, 96, 134, 72, 1, 101, 3, 4, 2, 1, 5, 0, 4, 32, 26, 47, 194, 109, 199,
        234, 90, 42, 71, 72, 183, 203, 43, 30, 241, 147, 217, 106, 83, 187, 96, 108, 9, 47, 105, 230, 48, 117, 178,
        141, 18, 120, 2, 9, 0, 224, 51, 100, 92, 200, 167, 167, 163, 1, 1, 0,
    ];
    assert!(!TimeStampReq::from_der(request).unwrap().cert_req);
    let h = hierarchy(Algorithm::Ed25519, CertProfile::TimeStamping);
    let authority = Authority { signer: &h.tsa_key, chain: &h.chain, policy: DEFAULT_POLICY };
    let issued = respond(&authority, request, Utc::now(), &[1, 2, 3]);
    assert!(issued.granted.is_some());
    assert_eq!(TimeStampResp::from_der(&issued.reply).unwrap().status.status, 0);
    let err = open_reply(&issued.reply).unwrap_err().to_string();
    assert!(err.contains("certReq"), "{err}");
}
