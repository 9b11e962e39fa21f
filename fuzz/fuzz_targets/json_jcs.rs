//! Strict I-JSON parsing, and RFC 8785 output compared with
//! serde_json_canonicalizer (a differential target): equal bytes, and the
//! canonical form is a fixed point of parse + canonicalise.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(value) = lading_model::json::parse_strict(data) else { return };
    let ours = lading_model::json::canonicalize(&value);
    let theirs = serde_json_canonicalizer::to_vec(&value).expect("oracle");
    assert_eq!(ours, theirs, "RFC 8785 output differs from serde_json_canonicalizer");
    let again = lading_model::json::parse_strict(&ours).expect("canonical output parses");
    assert_eq!(lading_model::json::canonicalize(&again), ours, "not a fixed point");
});
