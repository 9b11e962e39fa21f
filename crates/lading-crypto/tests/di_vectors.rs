//! The W3C vc-di-eddsa test vectors for `eddsa-jcs-2022` (TestVectors/ of
//! w3c/vc-di-eddsa, see the shared vectors' README): every intermediate
//! value, the signature, and the signed credential, in both directions.

use lading_crypto::di;
use lading_testkit::{read, read_json, vectors_dir};
use sha2::{Digest as _, Sha256};

const DIR: &str = "vc-di-eddsa/eddsa-jcs-2022";

fn text(dir: &std::path::Path, name: &str) -> String {
    String::from_utf8(read(dir, &format!("{DIR}/{name}"))).expect("utf-8").trim().to_owned()
}

#[test]
fn w3c_eddsa_jcs_2022_vectors_reproduce_and_verify() {
    let Some(dir) = vectors_dir() else { return };
    let keys = read_json(&dir, "vc-di-eddsa/keyPair.json");
    let secret =
        di::secret_key_from_multibase(keys["privateKeyMultibase"].as_str().expect("secret")).expect("secret key");
    let public = keys["publicKeyMultibase"].as_str().expect("public");
    assert_eq!(di::public_key_multibase(&secret.verifying_key()), public);
    assert_eq!(di::public_key_from_multibase(public).expect("public key"), secret.verifying_key());

    // The intermediate values: canonical forms and their hashes.
    let unsigned = read_json(&dir, "vc-di-eddsa/unsigned.json");
    let config = read_json(&dir, &format!("{DIR}/proofConfigJCS.json"));
    let canon_doc = lading_model::json::canonicalize(&unsigned);
    let canon_proof = lading_model::json::canonicalize(&config);
    assert_eq!(String::from_utf8(canon_doc.clone()).expect("utf-8"), text(&dir, "canonDocJCS.txt"));
    assert_eq!(String::from_utf8(canon_proof.clone()).expect("utf-8"), text(&dir, "proofCanonJCS.txt"));
    assert_eq!(hex::encode(Sha256::digest(&canon_doc)), text(&dir, "docHashJCS.txt"));
    assert_eq!(hex::encode(Sha256::digest(&canon_proof)), text(&dir, "proofHashJCS.txt"));
    let combined = format!("{}{}", text(&dir, "proofHashJCS.txt"), text(&dir, "docHashJCS.txt"));
    assert_eq!(combined, text(&dir, "combinedHashJCS.txt"));

    // Signing the unsigned credential gives the published proof exactly
    // (Ed25519 is deterministic).
    let created = chrono::DateTime::parse_from_rfc3339(config["created"].as_str().expect("created"))
        .expect("time")
        .with_timezone(&chrono::Utc);
    let options = di::ProofOptions { created, proof_purpose: di::ASSERTION_METHOD.into() };
    let signed = di::sign(&unsigned, &secret, &options).expect("sign");
    let published = read_json(&dir, &format!("{DIR}/signedJCS.json"));
    assert_eq!(signed, published);
    let proof_value = published["proof"]["proofValue"].as_str().expect("proofValue");
    assert_eq!(proof_value, text(&dir, "sigBTC58JCS.txt"));
    assert_eq!(hex::encode(bs58::decode(&proof_value[1..]).into_vec().expect("b58")), text(&dir, "sigHexJCS.txt"));

    // The published credential verifies; any change to it does not.
    let verified = di::verify(&published).expect("verifies");
    assert_eq!(verified.signer, format!("did:key:{public}"));
    assert_eq!(verified.proof_purpose, "assertionMethod");
    let mut altered = published.clone();
    altered["credentialSubject"]["alumniOf"] = "Another School".into();
    assert!(matches!(di::verify(&altered), Err(di::DiError::BadSignature { .. })));
    let mut altered = published.clone();
    altered["proof"]["created"] = "2023-02-24T23:36:39Z".into();
    assert!(matches!(di::verify(&altered), Err(di::DiError::BadSignature { .. })));
    let mut altered = published;
    altered["@context"].as_array_mut().expect("context").reverse();
    let err = di::verify(&altered).expect_err("context order");
    assert!(err.to_string().contains("@context"), "{err}");
}
