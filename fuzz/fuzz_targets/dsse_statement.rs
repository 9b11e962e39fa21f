//! DSSE envelopes and the in-toto statements in them, through signature,
//! statement, predicate-type, document and subject checks.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(envelope) = lading_crypto::Envelope::from_json_bytes(data) else { return };
    let key = lading_fuzz::provider();
    let _ = envelope.verify(&key);
    let _ = lading_crypto::verify_statement(&envelope, &key);
    let _ = envelope.to_sigstore_bundle();
});
