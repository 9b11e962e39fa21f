//! Maintenance event sources: RFC 5424 syslog lines and JSON Lines, through
//! parsing, schema checks, RFC 8785 encoding and sequencing.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let ctx = lading_maint::Context {
        stream: "s".into(),
        meta: serde_json::from_value(
            lading_model::example(lading_model::Kind::MaintenanceEvent, Default::default(), lading_fuzz::now())["meta"]
                .clone(),
        )
        .expect("meta"),
        observed_at: lading_fuzz::now(),
    };
    for line in text.lines() {
        let _ = lading_maint::syslog::parse_line(line);
    }
    for format in [lading_maint::Format::Jsonl, lading_maint::Format::Syslog, lading_maint::Format::OtlpJson] {
        let state = lading_maint::StreamState {
            next_sequence: 0,
            latest_occurred: None,
            tolerance: chrono::Duration::seconds(5),
        };
        let out = lading_maint::sequence_batch(lading_maint::prepare(format, &ctx, text), state, &Default::default());
        for s in &out.accepted {
            assert!(s.entry.len() <= 65_535, "an accepted entry is over the log's limit");
        }
    }
});
