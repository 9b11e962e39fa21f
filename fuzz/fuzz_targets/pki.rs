//! X.509: certificate chains and CRLs (PEM or DER), path validation over what
//! parsed (the last certificate as trust anchor, the CRLs consulted), and
//! certificate-bound Sigstore bundles.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let crls = lading_pki::parse_crls(data).unwrap_or_default();
    if let Ok(chain) = lading_pki::parse_certificates(data) {
        for cert in &chain {
            let _ = lading_pki::Identity::of(cert);
        }
        if let Some(anchor) = chain.last() {
            let options = lading_pki::Options::at(lading_fuzz::now()).with_crls(&crls);
            let _ = lading_pki::validate(&chain, std::slice::from_ref(anchor), &options);
        }
    }
    if let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) {
        let _ = lading_pki::bundle::CertificateBundle::from_json(&value);
    }
});
