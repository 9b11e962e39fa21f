//! Scheme profiles and trust policies.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = lading_trust::profile::SchemeProfile::parse(data);
    let _ = lading_trust::policy::Policy::parse(data);
});
