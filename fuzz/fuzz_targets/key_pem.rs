//! Key files: the PEM reader behind every `--key`/`--pubkey` (any line
//! length and line ends, labels, headers), PKCS#8 v1/v2 and SEC1 private
//! keys of every algorithm, SPKI public keys and encrypted PKCS#8 (whose
//! KDF cost is refused above a bound before any work, so the target stays fast).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(key) = lading_crypto::SigningKey::from_pkcs8_pem(text) {
        let _ = key.to_pkcs8_pem();
    }
    if let Ok(key) = lading_crypto::VerifyingKey::from_spki_pem(text) {
        let _ = key.key_id();
    }
    if lading_crypto::SigningKey::is_encrypted_pem(text) {
        let _ = lading_crypto::SigningKey::from_encrypted_pkcs8_pem(text, b"fuzz");
    }
});
