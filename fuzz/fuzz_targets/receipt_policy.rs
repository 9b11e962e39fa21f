//! tlog-proof receipts verified under a policy, and tlog-policy text.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = lading_tlog::Policy::parse(text);
    if let Ok(receipt) = lading_tlog::Receipt::parse(text) {
        let leaf = lading_tlog::leaf_hash(b"entry");
        let _ = receipt.verify(&leaf, &lading_fuzz::log_policy());
        assert!(lading_tlog::Receipt::parse(&receipt.to_text()).is_ok(), "a parsed receipt re-parses");
    }
});
