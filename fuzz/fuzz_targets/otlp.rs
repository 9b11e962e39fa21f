//! OTLP logs: protobuf and JSON ExportLogsServiceRequests mapped to events.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let ctx = lading_maint::Context {
        stream: "s".into(),
        meta: serde_json::from_value(
            lading_model::example(lading_model::Kind::MaintenanceEvent, Default::default(), lading_fuzz::now())["meta"]
                .clone(),
        )
        .expect("meta"),
        observed_at: lading_fuzz::now(),
    };
    for request in
        [lading_maint::otlp::decode_protobuf(data), lading_maint::otlp::decode_json(data)].into_iter().flatten()
    {
        let parsed = lading_maint::otlp::events(&ctx, 1, &request);
        let _ = lading_maint::prepare_all(parsed);
    }
});
