//! RFC 3161: a TimeStampResp as a client or verifier reads it (status, CMS
//! token, TSTInfo, signed attributes, the TSA's chain validated against the
//! last certificate the token carries), and a TimeStampReq as Lading's TSA
//! answers it.
#![no_main]
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use lading_crypto::SigningKey;
use lading_pki::issue::{CertProfile, IssueRequest, issue_certificate};
use lading_pki::timestamp::{Authority, DEFAULT_POLICY, open_reply, respond, verify};
use lading_pki::tsp::{TimeStampReq, TimeStampResp};
use der::Decode as _;

fn tsa() -> &'static (SigningKey, Vec<lading_pki::Certificate>) {
    static TSA: OnceLock<(SigningKey, Vec<lading_pki::Certificate>)> = OnceLock::new();
    TSA.get_or_init(|| {
        let key = SigningKey::Ed25519(lading_fuzz::ed25519(9));
        let now = lading_fuzz::now();
        let cert = issue_certificate(
            &IssueRequest::self_signed("CN=Fuzz TSA", CertProfile::TimeStamping, now, now + chrono::Duration::days(1)),
            &key,
        )
        .expect("certificate");
        (key, vec![cert])
    })
}

fuzz_target!(|data: &[u8]| {
    if let Ok(token) = open_reply(data) {
        let anchors: Vec<_> = token.chain.last().cloned().into_iter().collect();
        let _ = verify(data, b"signature", &anchors, &[]);
    }
    let (key, chain) = tsa();
    let authority = Authority { signer: key, chain, policy: DEFAULT_POLICY };
    let issued = respond(&authority, data, lading_fuzz::now(), &[1, 2, 3]);
    // Whatever the TSA answers is a DER TimeStampResp; a granted reply to a
    // request with certReq is one the client can open (without certReq the
    // token carries no certificate, RFC 3161 §2.4.1, and the client says so).
    assert!(TimeStampResp::from_der(&issued.reply).is_ok());
    let cert_req = TimeStampReq::from_der(data).is_ok_and(|r| r.cert_req);
    assert!(issued.granted.is_none() || !cert_req || open_reply(&issued.reply).is_ok());
});
