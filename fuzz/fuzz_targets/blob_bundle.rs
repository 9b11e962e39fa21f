//! `lading verify-blob --bundle B`: Sigstore message-signature bundles (media
//! type, message digest, signature, key hint) and their certificate material
//! and RFC 3161 timestamps; a bundle that reads is verified under a fixed
//! key, and its timestamps against the bundle's own last certificate.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(value) = lading_model::json::parse_strict(data) else { return };
    let Ok(m) = lading_pki::bundle::MessageSignature::from_json(&value) else { return };
    assert_eq!(m.digest.len(), 32);
    // Message signatures are over the file; the digest stands in for it here.
    let _ = lading_fuzz::provider().verify(&m.digest, &m.signature);
    if let Ok((chain, timestamps)) = lading_pki::bundle::read_material(&value) {
        assert!(!chain.is_empty());
        for reply in &timestamps {
            let _ = lading_pki::timestamp::verify(reply, &m.signature, &chain[chain.len() - 1..], &[]);
        }
    }
});
