//! `.lading` packages (ZIP): reading with limits, then the full verdict of
//! an evidence bundle, a segment's verification and a release's loading.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = lading_model::bundle::Package::from_zip(data);
    let v = lading_trust::verify::verify(data, &lading_fuzz::trust_policy(), lading_fuzz::now());
    assert!(!v.verified, "arbitrary bytes verified as an evidence bundle");
    let _ = lading_maint::verify(data, &lading_fuzz::log_verifier());
    let _ = lading_release::load_release(data, &lading_fuzz::provider());
});
