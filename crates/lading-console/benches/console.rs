//! Server-side page time of the web console on a large log: the dashboard,
//! the newest and an old page of the log explorer, an entry's page (entry,
//! receipt and drawn path) and a look-up by leaf hash (followed to the
//! entry's page) — each request served by the real router over loopback
//! HTTP. The log holds `LADING_BENCH_ENTRIES` entries (default 1,000,000;
//! docs/benchmarks.md records 10,000,000), appended in large batches before
//! measuring; with `LADING_BENCH_DIR` set the store is kept there, so a
//! second run skips the build. Target: every page ≤ 50 ms. The baseline in
//! the same run is `/healthz`, the HTTP round trip alone.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use lading_log::{BatchConfig, Log};
use lading_server::{AppState, Limiter, ServedLog, app};
use lading_store_sqlite::{SqliteRegistry, SqliteStore};
use lading_tlog::{KeyKind, NoteSigner};

fn entry(i: u64) -> Vec<u8> {
    format!(
        "{{\"envelope_sha256\":\"{:064x}\",\"keyid\":\"{:064x}\",\"kind\":\"urn:lading:maintenance-segment:v1\"}}",
        i,
        i % 97
    )
    .into_bytes()
}

fn console(c: &mut Criterion) {
    let entries: u64 = std::env::var("LADING_BENCH_ENTRIES").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    let temp = tempfile::tempdir().expect("tempdir");
    let dir = std::env::var_os("LADING_BENCH_DIR").map_or_else(|| temp.path().to_path_buf(), std::path::PathBuf::from);
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let url = rt.block_on(async {
        std::fs::create_dir_all(dir.join("registry")).expect("dir");
        let signer = NoteSigner::new(
            "bench.lading.example/registry",
            KeyKind::Ed25519,
            ed25519_dalek::SigningKey::from_bytes(&[7; 32]),
        )
        .expect("signer");
        let vkey = signer.verifier().to_vkey();
        let config = BatchConfig { max_batch: 65_536, max_wait: Duration::from_millis(5) };
        let log =
            Log::open(SqliteStore::open(&dir.join("registry")).expect("store"), signer, config).await.expect("log");
        let mut next = log.checkpoint().0;
        while next < entries {
            let end = (next + 200_000).min(entries);
            log.append_many((next..end).map(entry).collect()).await.expect("append");
            next = end;
        }
        let mut logs = BTreeMap::new();
        logs.insert("registry".to_owned(), ServedLog::new(log, vkey));
        let state = Arc::new(AppState {
            logs: logs.into(),
            log_creator: None,
            registry: SqliteRegistry::open(&dir).expect("registry"),
            limiter: Limiter::new(1000),
            max_body: 1 << 20,
            witness: None,
            witness_wait: Duration::from_secs(1),
            otlp: None,
            scitt_ca_roots: Vec::new(),
        });
        let console = Arc::new(lading_console::ConsoleState {
            api: Arc::clone(&state),
            config: lading_console::ConsoleConfig { max_upload: 1 << 20, ..Default::default() },
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        tokio::spawn(async move {
            axum::serve(listener, app(state).merge(lading_console::routes(console))).await.expect("serve")
        });
        url
    });
    let client = lading_server::http_client::client();
    let leaf = hex::encode(lading_tlog::leaf_hash(&entry(entries / 3)).0);
    let pages = [
        // The floor: an HTTP round trip to a handler that does nothing.
        ("baseline_healthz", "/healthz".to_owned()),
        ("dashboard", "/".to_owned()),
        ("log_newest_page", "/logs/registry".to_owned()),
        ("log_page_near_the_start", format!("/logs/registry?page={}", (entries / 50).saturating_sub(1))),
        ("entry_with_inclusion_path", format!("/logs/registry/entries/{}", entries / 2)),
        ("lookup_by_leaf_hash_then_entry", format!("/logs/registry/search?q={leaf}")),
    ];
    let mut group = c.benchmark_group(format!("console_{entries}_entries"));
    group.sample_size(50);
    for (name, path) in pages {
        let url = format!("{url}{path}");
        group.bench_function(name, |b| {
            b.iter(|| {
                rt.block_on(async {
                    let r = client.get(&url).send().await.expect("get");
                    assert!(r.status().is_success(), "{url}: {}", r.status());
                    r.bytes().await.expect("body")
                })
            });
        });
    }
    group.finish();
}

criterion_group!(benches, console);
criterion_main!(benches);
