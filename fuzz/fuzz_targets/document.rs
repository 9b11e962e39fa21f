//! Every document kind: schema, typed parse and consistency checks; inspection
//! reports rendered as HTML.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(value) = lading_model::json::parse_strict(data) else { return };
    // A report that passes its checks renders without panicking, every value escaped.
    if let Ok(lading_model::Document::InspectionReport(report)) = lading_model::validate_value(&value) {
        let page = lading_inspect::render::html(&report, &std::collections::BTreeMap::new());
        assert!(!page.contains("<script"), "a rendered report holds a script element");
    }
});
