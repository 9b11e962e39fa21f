//! Every document kind: schema, typed parse and consistency checks.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(value) = lading_model::json::parse_strict(data) else { return };
    let _ = lading_model::validate_value(&value);
});
