//! Log benchmarks on the embedded store: durable appends at batch sizes 1,
//! 64 and 1024, receipt generation and receipt verification.
//! Figures and the machine are recorded in docs/benchmarks.md.

use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use ed25519_dalek::SigningKey;
use lading_log::{BatchConfig, Log};
use lading_store_sqlite::SqliteStore;
use lading_tlog::{CheckpointCache, KeyKind, NoteSigner, Policy, Receipt, leaf_hash};

fn signer() -> NoteSigner {
    NoteSigner::new("bench.lading.example/log", KeyKind::Ed25519, SigningKey::from_bytes(&[1; 32])).expect("signer")
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime")
}

/// A 100-byte entry, unique per counter value.
fn entry(n: u64) -> Vec<u8> {
    let mut e = format!("{n:020}").into_bytes();
    e.resize(100, b'.');
    e
}

fn appends(c: &mut Criterion) {
    let rt = runtime();
    let mut group = c.benchmark_group("durable_appends");
    group.sample_size(10).measurement_time(Duration::from_secs(8));
    for batch in [1usize, 64, 1024] {
        let dir = tempfile::tempdir().expect("tempdir");
        let config = BatchConfig { max_batch: batch, max_wait: Duration::from_micros(200) };
        let log = rt.block_on(Log::open(SqliteStore::open(dir.path()).expect("store"), signer(), config)).expect("log");
        let mut next = 0u64;
        group.throughput(Throughput::Elements(batch as u64));
        group.bench_with_input(BenchmarkId::from_parameter(batch), &batch, |b, &batch| {
            b.iter(|| {
                let entries: Vec<Vec<u8>> = (next..next + batch as u64).map(entry).collect();
                next += batch as u64;
                rt.block_on(log.append_many(entries)).expect("append")
            });
        });
    }
    group.finish();
}

fn receipts(c: &mut Criterion) {
    let rt = runtime();
    let dir = tempfile::tempdir().expect("tempdir");
    let size = 1_000_000u64;
    let config = BatchConfig { max_batch: 65_536, max_wait: Duration::from_millis(1) };
    let log = rt.block_on(Log::open(SqliteStore::open(dir.path()).expect("store"), signer(), config)).expect("log");
    for start in (0..size).step_by(65_536) {
        rt.block_on(log.append_many((start..(start + 65_536).min(size)).map(entry).collect())).expect("fill");
    }
    let mut group = c.benchmark_group("receipts");
    group.throughput(Throughput::Elements(1));
    // Random indices over the whole log (cold tiles are read from disk and cached).
    let mut x = 0x9e37_79b9_7f4a_7c15u64;
    group.bench_function("generate_random_index_1m", |b| {
        b.iter(|| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            rt.block_on(log.prove(x % size)).expect("prove")
        });
    });
    let policy = Policy::single_log(signer().verifier().clone());
    let samples: Vec<(String, lading_tlog::Hash)> = (0..1000u64)
        .map(|i| {
            let index = i * 997 % size;
            (rt.block_on(log.prove(index)).expect("prove").to_text(), leaf_hash(&entry(index)))
        })
        .collect();
    let mut cache = CheckpointCache::new();
    let mut i = 0usize;
    group.bench_function("verify_cached_checkpoint", |b| {
        b.iter(|| {
            let (text, leaf) = &samples[i % samples.len()];
            i += 1;
            Receipt::parse(text).expect("parse").verify_cached(leaf, &policy, &mut cache).expect("verify")
        });
    });
    group.finish();
}

criterion_group!(benches, appends, receipts);
criterion_main!(benches);
