//! Round trips, key files and tampering for every algorithm.

use chrono::TimeZone as _;
use lading_crypto::{
    Algorithm, Envelope, KeyError, SigningKey, StatementError, VerifyingKey, sign_document, verify_statement,
};
use lading_model::Kind;
use proptest::prelude::*;

fn example(kind: Kind) -> serde_json::Value {
    let now = chrono::Utc.with_ymd_and_hms(2026, 11, 27, 9, 0, 0).single().expect("valid time");
    lading_model::example(kind, uuid::Uuid::from_u128(7), now)
}

#[test]
fn keys_round_trip_through_pem_and_keep_their_id() {
    for alg in Algorithm::ALL {
        let key = SigningKey::generate(alg).expect("generate");
        let pem = key.to_pkcs8_pem().expect("pem");
        assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----\n"), "{alg}: {pem}");
        let again = SigningKey::from_pkcs8_pem(&pem).expect("read back");
        assert_eq!(again.verifying_key(), key.verifying_key());
        let public_pem = key.verifying_key().to_spki_pem();
        assert!(public_pem.starts_with("-----BEGIN PUBLIC KEY-----\n"));
        let public = VerifyingKey::from_spki_pem(&public_pem).expect("read public");
        assert_eq!(public.key_id(), key.verifying_key().key_id());
        assert_eq!(public.key_id().as_str().len(), 64);
    }
}

#[test]
fn wrong_pem_labels_and_garbage_are_clear_errors() {
    let key = SigningKey::generate(Algorithm::Ed25519).expect("generate");
    let public_pem = key.verifying_key().to_spki_pem();
    let e = SigningKey::from_pkcs8_pem(&public_pem).expect_err("a public key is not a private key");
    assert!(e.to_string().contains("PRIVATE KEY"), "{e}");
    let e = VerifyingKey::from_spki_pem(&key.to_pkcs8_pem().expect("pem")).expect_err("private is not public");
    assert!(e.to_string().contains("PUBLIC KEY"), "{e}");
    assert!(matches!(SigningKey::from_pkcs8_pem("not pem"), Err(KeyError::Pem { .. })));
    let truncated = &public_pem[..public_pem.len() - 40];
    assert!(VerifyingKey::from_spki_pem(truncated).is_err());
    assert!("rsa".parse::<Algorithm>().is_err());
}

#[test]
fn unsupported_curves_are_named() {
    // A secp256k1 SPKI (OID 1.3.132.0.10) is well-formed but not supported.
    let secp256k1 = "-----BEGIN PUBLIC KEY-----\nMFYwEAYHKoZIzj0CAQYFK4EEAAoDQgAEGZJPYAFbKjtLQQ9M0b8pjXngkA1zmdsA\nuaWNuMmIwPGi0/mCEpTNPThu0wURVlZZqxmo8mmvv0qzMWlq9a3nyA==\n-----END PUBLIC KEY-----\n";
    let e = VerifyingKey::from_spki_pem(secp256k1).expect_err("unsupported");
    assert!(e.to_string().contains("1.3.132.0.10"), "{e}");
}

#[test]
fn every_kind_signs_and_verifies_with_every_algorithm() {
    for alg in Algorithm::ALL {
        let key = SigningKey::generate(alg).expect("generate");
        for kind in Kind::ALL {
            let envelope = sign_document(&example(kind), &key).expect("sign");
            assert_eq!(envelope.signatures[0].keyid, key.verifying_key().key_id().as_str());
            let json = serde_json::to_vec(&envelope.to_json()).expect("json");
            let parsed = Envelope::from_json_bytes(&json).expect("parse");
            let verified = verify_statement(&parsed, &key.verifying_key()).expect("verify");
            assert_eq!(verified.document.kind(), kind);
            assert_eq!(verified.statement.subject[0].digest.contains_key("sm3"), alg == Algorithm::Sm2);
        }
    }
}

#[test]
fn every_flipped_signature_byte_is_rejected() {
    for alg in Algorithm::ALL {
        let key = SigningKey::generate(alg).expect("generate");
        let envelope = sign_document(&example(Kind::MaintenanceEvent), &key).expect("sign");
        for i in 0..envelope.signatures[0].sig.len() {
            for bit in [0x01u8, 0x80] {
                let mut t = envelope.clone();
                t.signatures[0].sig[i] ^= bit;
                assert!(verify_statement(&t, &key.verifying_key()).is_err(), "{alg}: flip {bit:#x} at {i} accepted");
            }
        }
    }
}

#[test]
fn every_flipped_payload_byte_is_rejected() {
    let key = SigningKey::generate(Algorithm::Ed25519).expect("generate");
    let envelope = sign_document(&example(Kind::MaintenanceSegment), &key).expect("sign");
    for i in 0..envelope.payload.len() {
        let mut t = envelope.clone();
        t.payload[i] ^= 0x01;
        assert!(verify_statement(&t, &key.verifying_key()).is_err(), "payload flip at {i} accepted");
    }
    let mut t = envelope.clone();
    t.payload_type.push('x');
    assert!(verify_statement(&t, &key.verifying_key()).is_err());
}

#[test]
fn a_validly_signed_statement_with_a_wrong_subject_digest_is_rejected() {
    // Sign a statement whose first subject digest does not match the
    // predicate: the signature is fine, the statement is not.
    let key = SigningKey::generate(Algorithm::Ed25519).expect("generate");
    let envelope = sign_document(&example(Kind::SaasRelease), &key).expect("sign");
    let mut statement: serde_json::Value = serde_json::from_slice(&envelope.payload).expect("payload");
    statement["subject"][0]["digest"]["sha256"] = serde_json::json!("00".repeat(32));
    let payload = lading_model::json::canonicalize(&statement);
    let forged = Envelope::sign(lading_crypto::IN_TOTO_PAYLOAD_TYPE, payload, &key).expect("sign");
    let e = verify_statement(&forged, &key.verifying_key()).expect_err("digest mismatch");
    assert!(matches!(e, StatementError::SubjectDigest { .. }), "{e}");
}

#[test]
fn invalid_documents_are_not_signed() {
    let key = SigningKey::generate(Algorithm::Ed25519).expect("generate");
    let mut doc = example(Kind::MaintenanceSegment);
    doc["event_count"] = serde_json::json!(3);
    let e = sign_document(&doc, &key).expect_err("inconsistent segment");
    assert!(e.to_string().contains("/predicate/event_count"), "{e}");
}

#[test]
fn malformed_envelopes_name_the_field() {
    let cases = [
        (r#"{"payload": "!!", "payloadType": "t", "signatures": [{"keyid": "", "sig": ""}]}"#, "/payload"),
        (r#"{"payload": "", "payloadType": "t", "signatures": [{"keyid": "", "sig": "%%"}]}"#, "/signatures/0/sig"),
        (r#"{"payload": "", "payloadType": "t", "signatures": []}"#, "/signatures"),
        (r#"{"payload": "", "payloadType": "t"}"#, "signatures"),
        (r#"{"payload": "", "payload": "", "payloadType": "t", "signatures": []}"#, "duplicate"),
        (r#"[1, 2"#, "EOF"),
    ];
    for (text, needle) in cases {
        let e = Envelope::from_json_bytes(text.as_bytes()).expect_err(text);
        assert!(e.to_string().contains(needle), "{text}: {e}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn arbitrary_payloads_round_trip_and_any_change_is_caught(
        payload in proptest::collection::vec(any::<u8>(), 0..512),
        flip in any::<prop::sample::Index>(),
        alg in prop::sample::select(Algorithm::ALL.to_vec()),
    ) {
        let key = SigningKey::generate(alg).expect("generate");
        let envelope = Envelope::sign("application/octet-stream", payload.clone(), &key).expect("sign");
        let parsed = Envelope::from_json(&envelope.to_json()).expect("parse");
        prop_assert_eq!(&parsed, &envelope);
        prop_assert_eq!(parsed.verify(&key.verifying_key()), Ok(0));
        if !payload.is_empty() {
            let mut t = parsed.clone();
            let i = flip.index(payload.len());
            t.payload[i] ^= 0x01;
            prop_assert!(t.verify(&key.verifying_key()).is_err());
        }
    }
}

#[test]
fn an_envelope_over_the_size_limit_is_refused_before_parsing() {
    let limit = lading_crypto::dsse::MAX_ENVELOPE_BYTES;
    let big = vec![b' '; limit + 1];
    let err = lading_crypto::Envelope::from_json_bytes(&big).expect_err("too large").to_string();
    assert!(err.contains(&format!("the limit is {limit}")), "{err}");
}
