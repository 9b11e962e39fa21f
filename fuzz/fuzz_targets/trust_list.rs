//! White lists: unsigned JSON and signed envelopes, checked and opened.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(list) = lading_trust::trustlist::TrustList::parse(data) {
        let _ = list.check();
        for e in &list.entries {
            let _ = e.status_at(lading_fuzz::now());
        }
    }
    if let Ok(env) = lading_crypto::Envelope::from_json_bytes(data) {
        let _ = lading_trust::trustlist::TrustList::open_signed(&env, &lading_fuzz::provider());
    }
});
