//! Every document kind: schema, typed parse and consistency checks; inspection
//! reports rendered as HTML, in English and in Chinese.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(value) = lading_model::json::parse_strict(data) else { return };
    // A report that passes its checks renders without panicking, every value escaped.
    if let Ok(lading_model::Document::InspectionReport(report)) = lading_model::validate_value(&value) {
        for words in [&lading_inspect::render::EN, &lading_inspect::render::ZH_CN] {
            let page = lading_inspect::render::html(&report, &std::collections::BTreeMap::new(), words);
            assert!(!page.contains("<script"), "a rendered report holds a script element");
        }
    }
});
