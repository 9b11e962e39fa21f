//! PKCS#11 URIs (RFC 7512) as `--key` takes them: parsing never panics, and
//! the canonical form (what errors show) parses back to the same URI.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(uri) = lading_pkcs11::Pkcs11Uri::parse(text) {
        let shown = uri.to_string();
        let again = lading_pkcs11::Pkcs11Uri::parse(&shown).expect("the canonical form parses");
        assert_eq!(uri, again, "{shown}");
        let _ = uri.pin_file();
    }
});
