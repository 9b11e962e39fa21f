//! Inspection profiles and lot descriptions (TOML); a profile that parses
//! survives the round trip through the report's record unchanged.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = lading_inspect::lot::LotInfo::parse(text);
    let Ok(profile) = lading_inspect::Profile::parse(text) else { return };
    let (preprocessing, head, class_map) = profile.to_report();
    let model = lading_model::inspection::ModelInfo {
        id: "m".into(),
        version: "1".into(),
        sha256: lading_model::Sha256Digest::of(b"m"),
        runtime: lading_model::inspection::Runtime { name: "tract-onnx".into(), version: "0".into() },
        preprocessing,
        head,
        class_map,
    };
    let back = lading_inspect::Profile::from_report(&model).expect("a valid profile's record is valid");
    assert_eq!(back, profile, "the report's record must give back the same profile");
});
