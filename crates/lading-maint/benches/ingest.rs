//! Maintenance event normalisation: JSON Lines and syslog lines to numbered,
//! canonical log entries, next to a naive baseline in the same run (parsing
//! the same lines into `serde_json::Value`, nothing checked). `lading bench
//! maint` measures the whole CLI path including durable appends; figures are
//! in docs/benchmarks.md.

use std::collections::HashSet;

use chrono::{Duration, TimeZone as _, Utc};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use lading_maint::{Context, Format, StreamState, parse, prepare, sequence_batch};

const N: usize = 10_000;

fn ctx() -> Context {
    let meta =
        lading_model::example(lading_model::Kind::MaintenanceEvent, uuid::Uuid::nil(), Utc::now())["meta"].clone();
    Context { stream: "bench".into(), meta: serde_json::from_value(meta).expect("meta"), observed_at: Utc::now() }
}

fn jsonl() -> String {
    let mut ev = lading_model::example(lading_model::Kind::MaintenanceEvent, uuid::Uuid::nil(), Utc::now());
    let obj = ev.as_object_mut().expect("object");
    obj.remove("sequence");
    obj.remove("stream");
    let t0 = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).single().expect("t0");
    (0..N)
        .map(|i| {
            ev["event_id"] = format!("bench-{i:07}").into();
            ev["occurred_at"] = (t0 + Duration::milliseconds(100 * i as i64)).to_rfc3339().into();
            serde_json::to_string(&ev).expect("json")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn syslog() -> String {
    let t0 = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).single().expect("t0");
    (0..N)
        .map(|i| {
            format!(
                "<134>1 {} cnc-0019 maint-agent 4711 SET [maint@32473 event_id=\"sl-{i}\" actor=\"svc-remote-ops\" auth=\"service-account\" access=\"api\" category=\"configuration-changes\" action=\"parameter.set\" target=\"spindle.max_rpm\" result=\"success\"] parameter.set on spindle.max_rpm",
                (t0 + Duration::milliseconds(100 * i as i64)).to_rfc3339()
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn ingest(c: &mut Criterion) {
    let ctx = ctx();
    let state = StreamState { next_sequence: 0, latest_occurred: None, tolerance: Duration::seconds(5) };
    let known = HashSet::new();
    let mut group = c.benchmark_group("maint_normalise");
    group.sample_size(10);
    group.throughput(Throughput::Elements(N as u64));
    let text = jsonl();
    group.bench_function("jsonl_baseline_serde_value_only", |b| {
        b.iter(|| {
            for l in text.lines() {
                std::hint::black_box(serde_json::from_str::<serde_json::Value>(l).expect("json"));
            }
        })
    });
    group.bench_function("jsonl_parse_only", |b| b.iter(|| parse(Format::Jsonl, &ctx, &text).len()));
    let events: Vec<_> = parse(Format::Jsonl, &ctx, &text).into_iter().map(|p| p.expect("parsed").event).collect();
    group.bench_function("jcs_only", |b| {
        b.iter(|| {
            events.iter().map(|e| lading_model::json::canonicalize_serialize(e).expect("jcs").len()).sum::<usize>()
        })
    });
    group.bench_function("serde_json_to_vec_only", |b| {
        b.iter(|| events.iter().map(|e| serde_json::to_vec(e).expect("json").len()).sum::<usize>())
    });
    group.bench_function("jsonl_to_entries", |b| {
        b.iter(|| {
            let out = sequence_batch(prepare(Format::Jsonl, &ctx, &text), state, &known);
            assert_eq!(out.accepted.len(), N);
        })
    });
    let text = syslog();
    group.bench_function("syslog_to_entries", |b| {
        b.iter(|| {
            let out = sequence_batch(prepare(Format::Syslog, &ctx, &text), state, &known);
            assert_eq!(out.accepted.len(), N, "{:?}", out.rejected.first());
        })
    });
    group.finish();
}

criterion_group!(benches, ingest);
criterion_main!(benches);
