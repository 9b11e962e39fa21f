//! `lading serve` end to end over loopback: two deployments, one a log with a
//! witness, the other that witness; receipts carry the cosignature and verify
//! offline against a witness policy; the witness answers every status the
//! C2SP tlog-witness spec defines.

use std::path::Path;

use lading_testkit::cli::{Lading, Server};

use serde_json::Value;

/// Stdout of `lading ARGS` in `dir`, which must succeed.
fn lading(dir: &Path, args: &[&str]) -> String {
    lading_testkit::cli::Lading::new(env!("CARGO_BIN_EXE_lading"), dir).ok(args)
}

/// Starts `lading serve --data DATA EXTRA…` in `dir`.
fn serve(dir: &Path, data: &str, extra: &[&str]) -> Server {
    Lading::new(env!("CARGO_BIN_EXE_lading"), dir).serve(&[&["--data", data][..], extra].concat())
}

type LogsRequest = opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;

/// The OTLP request of samples/maint/otlp.jsonl.
fn sample_request() -> LogsRequest {
    let sample = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples/maint/otlp.jsonl"))
        .expect("sample");
    serde_json::from_str(sample.trim()).expect("otlp json")
}

/// `base` with every record at one time, `delay_ns` after its latest (observed
/// 1 ns apart), and its event ids renamed `PREFIX-i`.
fn one_time_batch(base: &LogsRequest, delay_ns: u64, prefix: &str) -> LogsRequest {
    let mut r = base.clone();
    let records = &mut r.resource_logs[0].scope_logs[0].log_records;
    let at = records.iter().map(|x| x.time_unix_nano).max().unwrap_or(0) + delay_ns;
    for (i, rec) in records.iter_mut().enumerate() {
        rec.time_unix_nano = at;
        rec.observed_time_unix_nano = at + i as u64;
        for a in &mut rec.attributes {
            if a.key == "maint.event_id" {
                a.value = Some(opentelemetry_proto::tonic::common::v1::AnyValue {
                    value: Some(opentelemetry_proto::tonic::common::v1::any_value::Value::StringValue(format!(
                        "{prefix}-{i}"
                    ))),
                });
            }
        }
    }
    r
}

/// A deployment `dep` with a maintenance stream `fleet`; returns the stream's token.
fn stream_deployment(d: &Path) -> String {
    lading(d, &["key", "generate", "--out", "k"]);
    lading(
        d,
        &[
            "maint",
            "stream",
            "create",
            "fleet",
            "--data",
            "dep",
            "--key",
            "k.key",
            "--provider",
            "X Co",
            "--registration-id",
            "9132",
        ],
    );
    lading(d, &["maint", "token", "fleet", "--data", "dep"]).trim().to_owned()
}

fn post(url: &str, token: Option<&str>, content_type: &str, body: Vec<u8>) -> (u16, String, String) {
    let rt = tokio::runtime::Runtime::new().expect("rt");
    rt.block_on(async {
        let mut req = lading_server::http_client::client().post(url).header("content-type", content_type).body(body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let resp = req.send().await.expect("request");
        let status = resp.status().as_u16();
        let ct = resp.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
        (status, ct, resp.text().await.expect("body"))
    })
}

#[test]
fn a_log_gets_its_checkpoints_cosigned_by_a_witness_deployment() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let d = tmp.path();
    // Deployment A: the log. First start creates it; stop it to configure.
    drop(serve(d, "a", &["--origin-prefix", "a.lading.example"]));
    let log_vkey = std::fs::read_to_string(d.join("a/logs/registry/log.vkey")).expect("vkey").trim().to_owned();
    // Deployment B: the witness, trusting A's log key.
    let witness_vkey =
        lading(d, &["witness", "show", "--data", "b", "--origin-prefix", "b.lading.example"]).trim().to_owned();
    lading(d, &["witness", "trust", "--data", "b", "--vkey", &log_vkey]);
    let b = serve(d, "b", &["--origin-prefix", "b.lading.example"]);
    lading(d, &["logs", "add-witness", "--data", "a", "--log", "registry", "--url", &b.url, "--vkey", &witness_vkey]);
    let token =
        lading(d, &["token", "create", "--data", "a", "--log", "registry", "--scope", "submit"]).trim().to_owned();
    let a = serve(d, "a", &["--witness-interval-ms", "50"]);

    let entry = b"an entry witnessed by b".to_vec();
    let (status, _, body) = post(
        &format!("{}/v1/logs/registry/entries?wait=receipt", a.url),
        Some(&token),
        "application/octet-stream",
        entry.clone(),
    );
    assert_eq!(status, 201, "{body}");
    let reply: Value = serde_json::from_str(&body).expect("json");
    assert_eq!(reply["cosigners"], 1, "{body}");
    std::fs::write(d.join("receipt"), reply["receipt"].as_str().expect("receipt")).expect("write");
    std::fs::write(d.join("entry"), &entry).expect("write");
    std::fs::write(d.join("policy"), format!("log {log_vkey}\nwitness b {witness_vkey}\nquorum b\n")).expect("write");
    let out =
        lading(d, &["log", "verify-proof", "receipt", "--entry", "entry", "--vkey", &log_vkey, "--policy", "policy"]);
    assert!(out.contains("b.lading.example/witness"), "{out}");
    // The console's dashboard: the witness and the age of its cosignature, the submission counted.
    let dashboard = reqwest::blocking_get(&format!("{}/", a.url));
    assert!(dashboard.contains("<code>b.lading.example/witness</code>: "), "{dashboard}");
    assert!(dashboard.contains(" s ago<br>") && !dashboard.contains("none yet"), "{dashboard}");
    assert!(dashboard.contains("<td class=\"num rate\">1</td>"), "{dashboard}");

    // The witness's own answers, straight from the spec.
    let checkpoint = reqwest::blocking_get(&format!("{}/v1/logs/registry/checkpoint", a.url));
    let wrong_old = format!("old 0\n\n{checkpoint}");
    let (status, ct, body) = post(&format!("{}/add-checkpoint", b.url), None, "text/plain", wrong_old.into_bytes());
    assert_eq!((status, ct.as_str()), (409, "text/x.tlog.size"), "{body}");
    let cosigned: u64 = body.trim().parse().expect("size");
    assert!(cosigned >= 1);
    let old_above = format!("old 999999\n\n{checkpoint}");
    assert_eq!(post(&format!("{}/add-checkpoint", b.url), None, "text/plain", old_above.into_bytes()).0, 400);
    let stranger = lading_tlog::NoteSigner::new(
        "somewhere.else/log",
        lading_tlog::KeyKind::Ed25519,
        ed25519_dalek::SigningKey::from_bytes(&[9; 32]),
    )
    .expect("signer");
    let other = lading_tlog::Checkpoint {
        origin: "somewhere.else/log".into(),
        size: 1,
        root: lading_tlog::leaf_hash(b"x"),
        extensions: vec![],
    };
    let unknown = format!("old 0\n\n{}", other.sign(&stranger).expect("sign").to_text());
    assert_eq!(post(&format!("{}/add-checkpoint", b.url), None, "text/plain", unknown.into_bytes()).0, 404);
    // The log's signature with its last base64 character before the padding changed.
    let sig_at = checkpoint.rfind('=').expect("padding") - 1;
    let mut forged = checkpoint.clone();
    let swapped = if &checkpoint[sig_at..=sig_at] == "A" { "B" } else { "A" };
    forged.replace_range(sig_at..=sig_at, swapped);
    let (status, _, _) = post(
        &format!("{}/add-checkpoint", b.url),
        None,
        "text/plain",
        format!("old {cosigned}\n\n{forged}").into_bytes(),
    );
    assert!(status == 403 || status == 400, "forged checkpoint: {status}");
    let (status, _, body) = post(&format!("{}/add-checkpoint", b.url), None, "text/plain", b"garbage".to_vec());
    assert_eq!(status, 400, "{body}");
}

#[test]
fn otlp_http_receiver_appends_whole_batches_and_refuses_bad_requests() {
    use prost::Message as _;

    let tmp = tempfile::tempdir().expect("tempdir");
    let d = tmp.path();
    let token = stream_deployment(d);
    let server = serve(d, "dep", &[]);
    let url = format!("{}/v1/logs", server.url);
    let request = sample_request();
    let size = || -> u64 {
        let v: Value =
            serde_json::from_str(&lading(d, &["--json", "log", "checkpoint", "dep/streams/fleet"])).expect("json");
        v["size"].as_u64().expect("size")
    };
    let proto = "application/x-protobuf";

    let (status, _, body) = post(&url, None, proto, request.encode_to_vec());
    assert_eq!(status, 401, "{body}");
    let (status, _, body) = post(&url, Some("lad_00000000_wrong"), proto, request.encode_to_vec());
    assert_eq!(status, 401, "{body}");
    let (status, _, body) = post(&url, Some(&token), "text/plain", b"hello".to_vec());
    assert_eq!(status, 415, "{body}");
    let (status, ct, body) = post(&url, Some(&token), proto, b"\xff\xff\xff garbage".to_vec());
    assert_eq!(status, 400, "{body}");
    assert!(ct.starts_with("application/problem+json"), "{ct}");
    assert_eq!(size(), 0);

    let (status, ct, _) = post(&url, Some(&token), proto, request.encode_to_vec());
    assert_eq!((status, ct.as_str()), (200, proto));
    assert_eq!(size(), 4);
    // The same request again (an exporter retrying after a lost answer) is answered as stored,
    // nothing appended; the same event ids with other content are duplicates, the request refused.
    let (status, _, _) = post(&url, Some(&token), proto, request.encode_to_vec());
    assert_eq!(status, 200);
    assert_eq!(size(), 4);
    let mut altered = request.clone();
    altered.resource_logs[0].scope_logs[0].log_records[0].severity_number += 1;
    let (status, _, body) = post(&url, Some(&token), proto, altered.encode_to_vec());
    assert_eq!(status, 400);
    assert!(body.contains("already in the stream"), "{body}");
    assert_eq!(size(), 4);
    // The observed time is the exporter's here, not the time of receipt: another one is other content.
    let mut observed = request.clone();
    observed.resource_logs[0].scope_logs[0].log_records[0].observed_time_unix_nano += 1_000_000;
    let (status, _, body) = post(&url, Some(&token), proto, observed.encode_to_vec());
    assert_eq!(status, 400);
    assert!(body.contains("already in the stream"), "{body}");
    assert_eq!(size(), 4);
    // JSON encoding; one bad record refuses the batch.
    let mut next = request.clone();
    for r in &mut next.resource_logs[0].scope_logs[0].log_records {
        r.time_unix_nano += 3_600_000_000_000;
        for a in &mut r.attributes {
            if a.key == "maint.event_id" {
                a.value = Some(opentelemetry_proto::tonic::common::v1::AnyValue {
                    value: Some(opentelemetry_proto::tonic::common::v1::any_value::Value::StringValue(format!(
                        "json-{}",
                        r.time_unix_nano
                    ))),
                });
            }
        }
    }
    let mut bad = next.clone();
    bad.resource_logs[0].scope_logs[0].log_records[1].attributes.retain(|a| a.key != "maint.category");
    let (status, _, body) = post(&url, Some(&token), "application/json", serde_json::to_vec(&bad).expect("json"));
    assert_eq!(status, 400);
    assert!(body.contains("logRecords/1") && body.contains("maint.category"), "{body}");
    assert_eq!(size(), 4);
    let (status, _, body) = post(&url, Some(&token), "application/json", serde_json::to_vec(&next).expect("json"));
    assert_eq!((status, body.as_str()), (200, "{}"));
    assert_eq!(size(), 8);

    // Concurrent requests queue for the stream's one writer: all land, each
    // whole, with consecutive sequence numbers between them.
    // One time for every record, so arrival order cannot trip the clock check.
    let requests: Vec<Vec<u8>> =
        (0..8u64).map(|k| one_time_batch(&next, 60_000_000_000, &format!("concurrent-{k}")).encode_to_vec()).collect();
    let statuses: Vec<(u16, String, String)> = std::thread::scope(|scope| {
        let handles: Vec<_> =
            requests.into_iter().map(|body| scope.spawn(|| post(&url, Some(&token), proto, body))).collect();
        handles.into_iter().map(|h| h.join().expect("thread")).collect()
    });
    assert!(statuses.iter().all(|(status, ..)| *status == 200), "{statuses:?}");
    assert_eq!(size(), 8 + 8 * 4);

    drop(server);
    lading(d, &["maint", "export", "fleet", "--data", "dep", "--out", "s.lading"]);
    let vkey = std::fs::read_to_string(d.join("dep/streams/fleet/log.vkey")).expect("vkey");
    lading(d, &["maint", "verify", "s.lading", "--vkey", vkey.trim()]);
}

/// While another process holds the stream's lock, its writer waits; the
/// requests beyond the queue's 256 are answered 503 at once with the reason,
/// the queued ones land when the lock is released, and nothing is lost or
/// half-written: the stream holds exactly the events of the requests
/// answered 200.
#[test]
fn a_full_stream_queue_answers_503_and_loses_nothing() {
    use prost::Message as _;
    use std::sync::Arc;

    let tmp = tempfile::tempdir().expect("tempdir");
    let d = tmp.path();
    let token = stream_deployment(d);
    // 320 connections at once from one address: past the default per-client cap of 64.
    let server = serve(d, "dep", &["--max-connections-per-client", "400"]);
    let url = format!("{}/v1/logs", server.url);
    let base = sample_request();
    let requests: Vec<Vec<u8>> =
        (0..320u64).map(|k| one_time_batch(&base, 0, &format!("flood-{k}")).encode_to_vec()).collect();
    let per_request = base.resource_logs[0].scope_logs[0].log_records.len() as u64;
    // Hold the stream's writer lock, as another ingest would.
    let lock = std::fs::File::options().write(true).open(d.join("dep/streams/fleet/stream.lock")).expect("lock file");
    lock.lock().expect("lock");
    let rt = tokio::runtime::Runtime::new().expect("rt");
    let statuses: Vec<(u16, String)> = rt.block_on(async {
        let client = Arc::new(lading_server::http_client::client());
        let mut set = tokio::task::JoinSet::new();
        for (k, body) in requests.into_iter().enumerate() {
            let (client, url, token) = (Arc::clone(&client), url.clone(), token.clone());
            set.spawn(async move {
                let resp = client
                    .post(&url)
                    .header("content-type", "application/x-protobuf")
                    .bearer_auth(token)
                    .body(body)
                    .send()
                    .await
                    .expect("request");
                (k, resp.status().as_u16(), resp.text().await.expect("body"))
            });
        }
        // Every request is answered or queued well within the writer's 5 s lock wait.
        tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
        lock.unlock().expect("unlock");
        let mut out = Vec::new();
        while let Some(r) = set.join_next().await {
            let (_, status, body) = r.expect("task");
            out.push((status, body));
        }
        out
    });
    let ok = statuses.iter().filter(|(s, _)| *s == 200).count() as u64;
    let full: Vec<&(u16, String)> = statuses.iter().filter(|(s, _)| *s == 503).collect();
    assert_eq!(ok + full.len() as u64, 320, "only 200 and 503: {statuses:?}");
    assert!(ok >= 256, "the queue takes 256 requests: {ok} landed");
    assert!(!full.is_empty(), "320 requests against a queue of 256 while the writer waits must overflow it");
    assert!(full.iter().all(|(_, body)| body.contains("256 requests queued")), "{full:?}");
    drop(server);
    let v: Value =
        serde_json::from_str(&lading(d, &["--json", "log", "checkpoint", "dep/streams/fleet"])).expect("json");
    assert_eq!(v["size"].as_u64(), Some(ok * per_request), "exactly the accepted requests' events");
    lading(d, &["maint", "export", "fleet", "--data", "dep", "--out", "s.lading"]);
    let vkey = std::fs::read_to_string(d.join("dep/streams/fleet/log.vkey")).expect("vkey");
    lading(d, &["maint", "verify", "s.lading", "--vkey", vkey.trim()]);
}

mod reqwest {
    /// GET a URL's body as text.
    pub(crate) fn blocking_get(url: &str) -> String {
        let rt = tokio::runtime::Runtime::new().expect("rt");
        rt.block_on(async {
            lading_server::http_client::client().get(url).send().await.expect("get").text().await.expect("text")
        })
    }
}

/// `lading logs create` refuses a bad name, an origin that cannot name a checkpoint key and a taken
/// name, each with the reason, leaving the registry and the data directory as they were.
#[test]
fn logs_create_refuses_bad_names_and_origins_writing_nothing() {
    let d = tempfile::tempdir().expect("tempdir");
    let l = Lading::new(env!("CARGO_BIN_EXE_lading"), d.path());
    l.ok(&["logs", "create", "--data", "srv", "--name", "fleet-a", "--origin", "example.test/fleet-a"]);
    for (name, origin, why) in [
        ("Fleet B", "example.test/b", "log name"),
        ("../etc", "example.test/b", "log name"),
        ("fleet-b", "has space", "origin"),
        ("fleet-b", "a+b", "origin"),
        ("fleet-a", "example.test/again", "already exists"),
    ] {
        let err = l.fails(&["logs", "create", "--data", "srv", "--name", name, "--origin", origin]);
        assert!(err.contains(why), "{name} {origin}: {err}");
    }
    let listed = l.ok(&["logs", "list", "--data", "srv"]);
    assert_eq!(listed.lines().count(), 1, "{listed}");
    assert!(listed.contains("fleet-a") && listed.contains("example.test/fleet-a"), "{listed}");
    let dirs: Vec<_> = std::fs::read_dir(d.path().join("srv/logs")).expect("logs").collect();
    assert_eq!(dirs.len(), 1, "{dirs:?}");
}

#[test]
fn a_local_log_asks_its_witness_after_every_append_and_proves_under_the_cosigned_checkpoint() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let d = tmp.path();
    let cli = Lading::new(env!("CARGO_BIN_EXE_lading"), d);
    cli.ok(&["key", "generate", "--out", "lk"]);
    let log_vkey =
        cli.ok(&["log", "init", "lg", "--origin", "provider.example/log", "--key", "lk.key"]).trim().to_owned();
    let witness_vkey =
        cli.ok(&["witness", "show", "--data", "w", "--origin-prefix", "w.lading.example"]).trim().to_owned();
    cli.ok(&["witness", "trust", "--data", "w", "--vkey", &log_vkey]);
    std::fs::write(d.join("e0"), "before any witness").expect("write");
    cli.ok(&["log", "append", "lg", "e0"]);

    // What add-witness refuses, writing nothing.
    let err = cli.fails(&["log", "add-witness", "lg", "--url", "http://127.0.0.1:9", "--vkey", &log_vkey]);
    assert!(err.contains("type 0x04"), "{err}");
    let err = cli.fails(&["log", "add-witness", "lg", "--url", "ftp://w.example", "--vkey", &witness_vkey]);
    assert!(err.contains("http://"), "{err}");
    let err = cli.fails(&["log", "add-witness", "nolog", "--url", "http://127.0.0.1:9", "--vkey", &witness_vkey]);
    assert!(err.contains("nolog"), "{err}");
    assert!(!d.join("lg/witnesses").exists());

    let w = serve(d, "w", &[]);
    cli.ok(&["log", "add-witness", "lg", "--url", &w.url, "--vkey", &witness_vkey]);
    let err = cli.fails(&["log", "add-witness", "lg", "--url", &w.url, "--vkey", &witness_vkey]);
    assert!(err.contains("already asks"), "{err}");
    // An append is followed by a cosignature; receipts (old and new entries) carry it.
    std::fs::write(d.join("e1"), "after").expect("write");
    cli.ok(&["log", "append", "lg", "e1"]);
    let policy = format!("log {log_vkey}\nwitness w {witness_vkey}\nquorum w\n");
    std::fs::write(d.join("policy"), policy).expect("write");
    for (index, entry) in [("0", "e0"), ("1", "e1")] {
        cli.ok(&["log", "prove", "lg", "--index", index, "--out", "r"]);
        let out = cli.ok(&["log", "verify-proof", "r", "--entry", entry, "--vkey", &log_vkey, "--policy", "policy"]);
        assert!(out.contains("cosigned by w.lading.example/witness"), "{out}");
    }
    // Status list versions logged there carry the cosignature too.
    cli.ok(&["key", "generate", "--out", "sk"]);
    cli.ok(&[
        "status-list",
        "new",
        "--key",
        "sk.key",
        "--url",
        "https://p.example/status/1",
        "--purpose",
        "revocation",
        "--out",
        "list.json",
        "--log",
        "lg",
    ]);
    let receipt = std::fs::read_to_string(d.join("list.json.tlog-proof")).expect("receipt");
    assert!(receipt.contains("— w.lading.example/witness "), "{receipt}");

    // The witness down: the entry is logged, the append says so and fails; a
    // receipt for it is proved under the latest checkpoint, not the cosigned one.
    drop(w);
    std::fs::write(d.join("e2"), "while the witness is away").expect("write");
    let err = cli.fails(&["log", "append", "lg", "e2"]);
    assert!(err.contains("no witness cosigned") && err.contains("lading log witness"), "{err}");
    cli.ok(&["log", "prove", "lg", "--index", "3", "--out", "r"]);
    let err = cli.fails(&["log", "verify-proof", "r", "--entry", "e2", "--vkey", &log_vkey, "--policy", "policy"]);
    assert!(err.contains("quorum"), "{err}");
    // Back: `log witness` asks now, and the receipt verifies under the quorum.
    let w = serve(d, "w", &[]);
    let lines = std::fs::read_to_string(d.join("lg/witnesses")).expect("witnesses");
    let old_url = lines.split_whitespace().next().expect("url").to_owned();
    std::fs::write(d.join("lg/witnesses"), lines.replace(&old_url, &w.url)).expect("write");
    let out = cli.ok(&["log", "witness", "lg"]);
    assert!(out.contains("cosigned by 1 witness"), "{out}");
    cli.ok(&["log", "prove", "lg", "--index", "3", "--out", "r"]);
    cli.ok(&["log", "verify-proof", "r", "--entry", "e2", "--vkey", &log_vkey, "--policy", "policy"]);

    // A malformed witnesses file is named with its line before anything is appended.
    std::fs::write(d.join("lg/witnesses"), format!("{} {witness_vkey}\nhttp://x\n", w.url)).expect("write");
    let size = |cli: &Lading| cli.ok(&["log", "checkpoint", "lg"]).lines().nth(1).unwrap_or("").to_owned();
    let before = size(&cli);
    std::fs::write(d.join("e3"), "never appended").expect("write");
    let err = cli.fails(&["log", "append", "lg", "e3"]);
    assert!(err.contains("witnesses line 2") && err.contains("URL VKEY"), "{err}");
    assert_eq!(size(&cli), before);
}
