//! Three `lading serve` front-ends on one PostgreSQL database, clients spread
//! over them, one front-end killed with SIGKILL mid-load: every entry is
//! sequenced exactly once into one tree, no acknowledged entry is lost, and a
//! monitor that rebuilds the tree from the tiles alone agrees with every
//! checkpoint it saw.
//!
//! Needs `LADING_TEST_POSTGRES` (set by `scripts/test`, which starts a
//! throwaway server); without it the test says so loudly and skips, except
//! under CI, where it fails.

// Test support reports on the terminal by design.
#![allow(clippy::print_stderr)]

use std::collections::BTreeMap;
use std::io::{BufRead as _, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use lading_tlog::tile::decode_bundle;
use lading_tlog::{HashReader as _, MemoryTree, NoteVerifier, SignedCheckpoint, TileId, TileKind, tree_hash};
use serde_json::Value;

struct Server {
    child: Child,
    url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(dir: &Path, url: &str) -> Server {
    let child = Command::new(env!("CARGO_BIN_EXE_lading"))
        .current_dir(dir)
        .args(["--json", "serve", "--postgres", url, "--keys", "keys", "--listen", "127.0.0.1:0", "--max-wait-ms", "2"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn serve");
    let mut server = Server { child, url: String::new() };
    let mut lines = BufReader::new(server.child.stdout.take().expect("stdout")).lines();
    loop {
        let line = lines.next().expect("serve exited before listening").expect("line");
        let event: Value = serde_json::from_str(&line).expect("json");
        if event["event"] == "listening" {
            server.url = format!("http://{}", event["address"].as_str().expect("address"));
            std::thread::spawn(move || for _ in lines {});
            return server;
        }
    }
}

/// Stdout of `lading ARGS` in `dir`, which must succeed.
fn lading(dir: &Path, args: &[&str]) -> String {
    lading_testkit::cli::Lading::new(env!("CARGO_BIN_EXE_lading"), dir).ok(args)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_front_ends_one_tree_one_killed() {
    let Ok(base) = std::env::var("LADING_TEST_POSTGRES") else {
        assert!(
            std::env::var_os("CI").is_none(),
            "LADING_TEST_POSTGRES is not set; CI must run this through scripts/test"
        );
        eprintln!("\n!!! WARNING: LADING_TEST_POSTGRES is not set; the PostgreSQL cluster test is SKIPPED !!!\n");
        return;
    };
    // A database of its own.
    let mut r = [0u8; 6];
    getrandom::fill(&mut r).expect("random");
    let db = format!("cluster_{}", r.iter().map(|b| format!("{b:02x}")).collect::<String>());
    let (client, conn) = tokio_postgres::connect(&base, tokio_postgres::NoTls).await.expect("connect");
    tokio::spawn(conn);
    client.batch_execute(&format!("CREATE DATABASE {db}")).await.expect("create database");
    let url = format!("{}/{db}", base.rsplit_once('/').expect("url").0);

    let tmp = tempfile::tempdir().expect("tempdir");
    let d = tmp.path();
    let mut servers = vec![serve(d, &url)];
    servers.push(serve(d, &url));
    servers.push(serve(d, &url));
    let token =
        lading(d, &["token", "create", "--postgres", &url, "--keys", "keys", "--log", "registry", "--scope", "submit"])
            .trim()
            .to_owned();
    assert!(d.join("keys/registry.key").exists(), "the log key stays in --keys, not in the database");
    assert!(lading(d, &["--json", "logs", "list", "--postgres", &url, "--keys", "keys"]).contains("\"registry\""));
    let urls: Vec<String> = servers.iter().map(|s| s.url.clone()).collect();

    // The monitor polls checkpoints from the first front-end throughout.
    let seen: Arc<Mutex<Vec<String>>> = Arc::default();
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let monitor = {
        let (seen, stop, first) = (Arc::clone(&seen), Arc::clone(&stop), urls[0].clone());
        tokio::spawn(async move {
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                if let Ok(r) = lading_server::http_client::client()
                    .get(format!("{first}/v1/logs/registry/checkpoint"))
                    .send()
                    .await
                    && let Ok(text) = r.text().await
                {
                    seen.lock().expect("lock").push(text);
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        })
    };

    let clients = 24u32;
    let per_client = 40u32;
    let http = lading_server::http_client::builder().timeout(Duration::from_secs(10)).build().expect("client");
    let mut tasks = Vec::new();
    for c in 0..clients {
        let (http, urls, token) = (http.clone(), urls.clone(), token.clone());
        tasks.push(tokio::spawn(async move {
            let mut acked = Vec::new();
            for i in 0..per_client {
                let entry = format!("cluster client {c} entry {i}");
                let mut attempt = (c + i) as usize;
                let index = loop {
                    assert!(attempt < (c + i) as usize + 12, "entry {entry:?} was never acknowledged");
                    let target = &urls[attempt % urls.len()];
                    attempt += 1;
                    let resp = http
                        .post(format!("{target}/v1/logs/registry/entries"))
                        .bearer_auth(&token)
                        .header("content-type", "application/octet-stream")
                        .body(entry.clone())
                        .send()
                        .await;
                    match resp {
                        Ok(r) if r.status().is_success() => {
                            let v: Value = r.json().await.expect("json");
                            break v["index"].as_u64().expect("index");
                        }
                        // A killed front-end or a transient failure: retry elsewhere.
                        _ => tokio::time::sleep(Duration::from_millis(20)).await,
                    }
                };
                acked.push((entry, index));
            }
            acked
        }));
    }
    // Kill the second front-end mid-load.
    tokio::time::sleep(Duration::from_millis(400)).await;
    let mut victim = servers.remove(1);
    victim.child.kill().expect("SIGKILL");
    victim.child.wait().expect("wait");

    let mut by_index: BTreeMap<u64, String> = BTreeMap::new();
    for t in tasks {
        for (entry, index) in t.await.expect("client") {
            if let Some(other) = by_index.insert(index, entry.clone()) {
                assert_eq!(other, entry, "index {index} given to two different entries");
            }
        }
    }
    let total = u64::from(clients * per_client);
    assert_eq!(by_index.len() as u64, total, "every entry acknowledged exactly once");
    tokio::time::sleep(Duration::from_millis(500)).await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    monitor.await.expect("monitor");

    // The monitor rebuilds the tree from the tiles alone.
    let base_url = &urls[0];
    let checkpoint = lading_server::http_client::client()
        .get(format!("{base_url}/v1/logs/registry/checkpoint"))
        .send()
        .await
        .expect("get")
        .text()
        .await
        .expect("text");
    let list: Value = lading_server::http_client::client()
        .get(format!("{base_url}/v1/logs"))
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    let verifier = NoteVerifier::from_vkey(list["logs"][0]["vkey"].as_str().expect("vkey")).expect("vkey");
    let last = SignedCheckpoint::verify(checkpoint.as_bytes(), &verifier, &[]).expect("checkpoint").checkpoint;
    assert_eq!(last.size, total, "the tree holds exactly the acknowledged entries");
    let mut tree = MemoryTree::new();
    for n in 0..total.div_ceil(256) {
        let width = (total - n * 256).min(256) as u16;
        let id = TileId { kind: TileKind::Entries, index: n, width };
        let bytes = lading_server::http_client::client()
            .get(format!("{base_url}/v1/logs/registry/{}", id.path()))
            .send()
            .await
            .expect("get")
            .bytes()
            .await
            .expect("bytes");
        for e in decode_bundle(&bytes, usize::from(width)).expect("bundle") {
            tree.push(e);
        }
        let tile_id = TileId { kind: TileKind::Hashes(0), ..id };
        let tile = lading_server::http_client::client()
            .get(format!("{base_url}/v1/logs/registry/{}", tile_id.path()))
            .send()
            .await
            .expect("get")
            .bytes()
            .await
            .expect("bytes");
        for (i, h) in tile.chunks_exact(32).enumerate() {
            assert_eq!(h, tree.node_hash(0, n * 256 + i as u64).expect("leaf").0, "tile {tile_id} hash {i}");
        }
    }
    assert_eq!(tree.root(), last.root, "the tiles rebuild the checkpointed tree");
    for (index, entry) in &by_index {
        assert_eq!(tree.node_hash(0, *index).expect("leaf"), lading_tlog::leaf_hash(entry.as_bytes()), "entry {index}");
    }
    let seen = seen.lock().expect("lock").clone();
    assert!(seen.len() > 3, "the monitor saw too few checkpoints");
    for text in seen {
        let cp = SignedCheckpoint::verify(text.as_bytes(), &verifier, &[]).expect("seen checkpoint").checkpoint;
        assert_eq!(
            tree_hash(&tree, cp.size).expect("root"),
            cp.root,
            "checkpoint of size {} is not a prefix of the final tree",
            cp.size
        );
    }
}
