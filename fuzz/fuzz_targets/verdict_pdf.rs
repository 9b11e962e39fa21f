//! The reading path of `lading verify REPORT.pdf`: a PDF parsed by lopdf within size caps, its
//! associated files (/AF) extracted and decompressed, its page text extracted, and a carried
//! verdict.json parsed as strict JSON.
#![no_main]
use libfuzzer_sys::fuzz_target;
use lading_report::read::{Limits, Report};

fuzz_target!(|data: &[u8]| {
    let limits = Limits { pdf: 1 << 20, stream: 4 << 20 };
    let Ok(report) = Report::parse(data, limits) else { return };
    if let Ok(carried) = report.attachments() {
        for c in carried.iter().filter(|c| c.name == "verdict.json") {
            let _ = lading_model::json::parse_strict(&c.bytes);
        }
    }
    let _ = report.page_text();
});
