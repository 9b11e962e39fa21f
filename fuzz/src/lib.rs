//! Fixed keys and policies the fuzz targets check their inputs against, so
//! that inputs reach the verification code and not only the parsers.

use lading_crypto::{SigningKey, VerifyingKey};

/// A fixed Ed25519 key.
pub fn ed25519(seed: u8) -> ed25519_dalek::SigningKey {
    ed25519_dalek::SigningKey::from_bytes(&[seed; 32])
}

/// The provider key envelopes are checked with.
pub fn provider() -> VerifyingKey {
    SigningKey::Ed25519(ed25519(1)).verifying_key()
}

/// A log verifier for notes, checkpoints, receipts and segments.
pub fn log_verifier() -> lading_tlog::NoteVerifier {
    lading_tlog::NoteSigner::new("example.com/log", lading_tlog::KeyKind::Ed25519, ed25519(2))
        .expect("signer")
        .verifier()
        .clone()
}

/// A witness verifier.
pub fn witness_verifier() -> lading_tlog::NoteVerifier {
    lading_tlog::NoteSigner::new("example.com/witness", lading_tlog::KeyKind::Cosignature, ed25519(3))
        .expect("witness")
        .verifier()
        .clone()
}

/// A log policy trusting [`log_verifier`] and [`witness_verifier`].
pub fn log_policy() -> lading_tlog::Policy {
    lading_tlog::Policy::parse(&format!(
        "log {}\nwitness w {}\nquorum none\n",
        log_verifier().to_vkey(),
        witness_verifier().to_vkey()
    ))
    .expect("policy")
}

/// A trust policy for evidence bundles.
pub fn trust_policy() -> lading_trust::policy::Policy {
    let text = serde_json::json!({
        "format": "lading-trust-policy/v1",
        "operators": [{"name": "op", "public_key": SigningKey::Ed25519(ed25519(4)).verifying_key().to_spki_pem()}],
        "log_policy": format!("log {}\nquorum none\n", log_verifier().to_vkey()),
    });
    lading_trust::policy::Policy::parse(text.to_string().as_bytes()).expect("policy")
}

/// A fixed time for verdicts.
pub fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(1_795_000_000, 0).expect("time")
}
