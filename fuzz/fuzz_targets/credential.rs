//! Verifiable Credentials: shape, Data Integrity proof (did:key), validity.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(value) = lading_model::json::parse_strict(data) else { return };
    let _ = lading_trust::credential::verify(&value, lading_fuzz::now());
    let _ = lading_crypto::di::verify(&value);
    if let Some(s) = value.as_str() {
        let _ = lading_crypto::di::resolve_did_key(s);
    }
});
