//! Published vectors: the DSSE specification example (secure-systems-lab/dsse
//! protocol.md) and the GB/T 32918 / GB/T 32905 SM2 and SM3 examples, read
//! from the shared conformance vectors (see their README for provenance).

use lading_crypto::{Algorithm, Envelope, SigningKey, VerifyingKey, pae};
use lading_testkit::{read_json, vectors_dir};

fn hex(s: &serde_json::Value) -> Vec<u8> {
    hex::decode(s.as_str().expect("hex string").to_lowercase()).expect("hex")
}

#[test]
fn dsse_spec_example_pae_and_signature_verify() {
    let Some(dir) = vectors_dir() else { return };
    let v = read_json(&dir, "dsse/spec-example.json");
    let published = &v["as_published"];
    let derived = &v["derived"];
    let payload_type = published["payload_type"].as_str().expect("payload_type");
    let body = published["serialized_body"].as_str().expect("body");
    assert_eq!(pae(payload_type, body.as_bytes()), published["pae"].as_str().expect("pae").as_bytes());
    assert_eq!(pae(payload_type, body.as_bytes()), hex(&derived["pae_hex"]));

    let key = VerifyingKey::from_spki_pem(derived["public_key_spki_pem"].as_str().expect("pem")).expect("spki");
    assert_eq!(key.algorithm(), Algorithm::P256);
    assert_eq!(key.key_id().as_str(), derived["spki_der_sha256_hex"].as_str().expect("keyid"));

    // The published envelope has no keyid (DSSE makes it optional) and a raw
    // r‖s signature; both are accepted as published.
    let envelope = Envelope::from_json(&published["envelope"]).expect("envelope parses");
    assert_eq!(envelope.payload, body.as_bytes());
    assert_eq!(envelope.signatures[0].keyid, "");
    assert_eq!(envelope.verify(&key), Ok(0));

    let mut tampered = envelope.clone();
    tampered.payload[0] ^= 1;
    assert!(tampered.verify(&key).is_err());
}

#[test]
fn sm2_gbt_example_signature_verifies_with_the_default_user_id() {
    let Some(dir) = vectors_dir() else { return };
    let v = read_json(&dir, "sm/gbt-examples.json");
    let ex = &v["sm2_signature_example"];
    assert_eq!(ex["user_id"], lading_crypto::SM2_DEFAULT_ID);
    let message = ex["message"].as_str().expect("message").as_bytes();

    let public = VerifyingKey::from_spki_pem(ex["public_key_spki_pem"].as_str().expect("pem")).expect("spki");
    assert_eq!(public.algorithm(), Algorithm::Sm2);
    assert_eq!(public.key_id().as_str(), ex["public_key_spki_der_sha256"].as_str().expect("keyid"));
    // Both encodings of the published (r, s) verify.
    assert_eq!(public.verify(message, &hex(&ex["signature_der"])), Ok(()));
    assert_eq!(public.verify(message, &hex(&ex["signature_raw_r_s"])), Ok(()));
    assert!(public.verify(b"message digesT", &hex(&ex["signature_der"])).is_err());

    // The private key reads from PKCS#8 and yields the published public key.
    let private = SigningKey::from_pkcs8_pem(ex["private_key_pkcs8_pem"].as_str().expect("pem")).expect("pkcs8");
    assert_eq!(private.verifying_key(), public);
    let ours = private.sign(message);
    assert_eq!(public.verify(message, &ours), Ok(()));
}

#[test]
fn sm3_known_answers() {
    let Some(dir) = vectors_dir() else { return };
    let v = read_json(&dir, "sm/gbt-examples.json");
    let vectors = v["sm3_examples"]["vectors"].as_array().expect("vectors");
    assert!(vectors.len() >= 5);
    for case in vectors {
        let message = case["message"].as_str().expect("message");
        assert_eq!(
            lading_model::Sm3Digest::of(message.as_bytes()).to_hex(),
            case["digest"].as_str().expect("digest"),
            "SM3({message:?})"
        );
    }
}
