//! Operating `lading serve`, end to end over loopback with the real binary:
//! Prometheus metrics, health and readiness, request ids in the JSON log,
//! `--config` and `LADING_SERVE_*`, TLS with a reload on SIGHUP (an openssl
//! certificate, checked by curl and `openssl s_client`), graceful shutdown
//! draining appends in flight, and a full disk the sequencer survives.

use std::io::BufRead as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_lading");

/// A `lading serve` whose standard error (the structured log) goes to a file.
struct Served {
    child: Child,
    url: String,
    log: PathBuf,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Served {
    fn start(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Self {
        let log = dir.join(format!("serve-{}.log", std::process::id() ^ rand_u32()));
        let child = Command::new(BIN)
            .current_dir(dir)
            .args(["--json", "serve", "--listen", "127.0.0.1:0"])
            .args(args)
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log).expect("log file"))
            .spawn()
            .expect("spawn lading serve");
        let mut served = Served { child, url: String::new(), log };
        let stdout = served.child.stdout.take().expect("stdout");
        let mut lines = std::io::BufReader::new(stdout).lines();
        loop {
            let Some(Ok(line)) = lines.next() else {
                panic!("lading serve exited before listening: {}", served.log_text());
            };
            let event: Value = serde_json::from_str(&line).expect("a JSON event");
            if event["event"] == "listening" {
                served.url = format!("http://{}", event["address"].as_str().expect("address"));
                std::thread::spawn(move || for _ in lines {});
                return served;
            }
        }
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    fn signal(&self, signal: &str) {
        let ok = Command::new("kill").args([&format!("-{signal}"), &self.child.id().to_string()]).status();
        assert!(ok.is_ok_and(|s| s.success()), "kill -{signal}");
    }
}

fn rand_u32() -> u32 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos())
}

fn lading(dir: &Path, args: &[&str]) -> Value {
    let out = Command::new(BIN).current_dir(dir).arg("--json").args(args).output().expect("run lading");
    assert!(out.status.success(), "lading {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("JSON")
}

fn submit_token(dir: &Path, data: &str) -> String {
    let v = lading(dir, &["token", "create", "--data", data, "--log", "registry", "--scope", "submit"]);
    v["token"].as_str().expect("token").to_owned()
}

fn rt() -> tokio::runtime::Runtime {
    // reqwest is built with `rustls-no-provider` (lading remote): pick ring, as the binary does.
    #[allow(deprecated)] // ring: see lading_server::listen::TlsFiles::load
    let _ = rustls::crypto::ring::default_provider().install_default();
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime")
}

/// The value of the sample `name{labels}` in OpenMetrics text.
fn sample(text: &str, name_and_labels: &str) -> Option<f64> {
    text.lines().find_map(|l| l.strip_prefix(name_and_labels)?.strip_prefix(' ')?.trim().parse().ok())
}

#[test]
fn metrics_health_readiness_and_request_ids_over_loopback() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let server = Served::start(d, &["--data", "dep"], &[]);
    let token = submit_token(d, "dep");
    let url = server.url.clone();
    let (metrics, readyz, healthz, echoed, made_up) = rt().block_on(async move {
        let client = lading_server::http_client::client();
        for i in 0..25 {
            let r = client
                .post(format!("{url}/v1/logs/registry/entries"))
                .bearer_auth(&token)
                .header("content-type", "application/octet-stream")
                .body(format!("entry {i}"))
                .send()
                .await
                .expect("submit");
            assert_eq!(r.status(), 201);
        }
        let missing = client.get(format!("{url}/no/such/page")).send().await.expect("404");
        assert_eq!(missing.status(), 404);
        let echoed = client
            .get(format!("{url}/v1/logs"))
            .header("x-request-id", "trace-me-42")
            .send()
            .await
            .expect("logs")
            .headers()["x-request-id"]
            .to_str()
            .expect("ascii")
            .to_owned();
        let made_up = client
            .get(format!("{url}/v1/logs"))
            .header("x-request-id", "no spaces allowed")
            .send()
            .await
            .expect("logs")
            .headers()["x-request-id"]
            .to_str()
            .expect("ascii")
            .to_owned();
        let readyz = client.get(format!("{url}/readyz")).send().await.expect("readyz");
        let readyz = (readyz.status().as_u16(), readyz.json::<Value>().await.expect("json"));
        let healthz = client.get(format!("{url}/healthz")).send().await.expect("healthz");
        let healthz = (healthz.status().as_u16(), healthz.json::<Value>().await.expect("json"));
        let metrics = client.get(format!("{url}/metrics")).send().await.expect("metrics");
        assert!(
            metrics.headers()["content-type"].to_str().expect("ascii").starts_with("application/openmetrics-text"),
            "{:?}",
            metrics.headers()
        );
        (metrics.text().await.expect("text"), readyz, healthz, echoed, made_up)
    });
    assert_eq!(readyz, (200, serde_json::json!({ "ready": true, "logs": { "registry": "ok" } })));
    assert_eq!(healthz.0, 200);
    assert_eq!(healthz.1["status"], "alive");
    assert_eq!(echoed, "trace-me-42");
    assert_eq!(made_up.len(), 32, "a new id replaces one with spaces: {made_up}");
    let entries = r#"lading_http_requests_total{route="/v1/logs/{log}/entries",method="POST",status="201"}"#;
    assert_eq!(sample(&metrics, entries), Some(25.0), "{metrics}");
    let unmatched = r#"lading_http_requests_total{route="unmatched",method="GET",status="404"}"#;
    assert_eq!(sample(&metrics, unmatched), Some(1.0), "{metrics}");
    let latency = r#"lading_http_request_duration_seconds_count{route="/v1/logs/{log}/entries",method="POST"}"#;
    assert_eq!(sample(&metrics, latency), Some(25.0), "{metrics}");
    // Every entry went through a batch; every batch is counted.
    assert_eq!(sample(&metrics, r#"lading_log_batch_entries_sum{log="registry"}"#), Some(25.0), "{metrics}");
    let batches = sample(&metrics, r#"lading_log_batch_entries_count{log="registry"}"#).expect("batches");
    assert!((1.0..=25.0).contains(&batches), "{batches}");
    assert_eq!(sample(&metrics, r#"lading_log_size_entries{log="registry"}"#), Some(25.0), "{metrics}");
    assert_eq!(sample(&metrics, r#"lading_log_storage_ok{log="registry"}"#), Some(1.0), "{metrics}");
    assert_eq!(sample(&metrics, r#"lading_log_queue_depth{log="registry"}"#), Some(0.0), "{metrics}");
    let age = sample(&metrics, r#"lading_log_checkpoint_age_seconds{log="registry"}"#).expect("age");
    assert!((0.0..60.0).contains(&age), "{age}");
    assert!(metrics.trim_end().ends_with("# EOF"), "OpenMetrics ends with # EOF");
    // The JSON log: one event per request, with its request id.
    let log = server.log_text();
    let line =
        log.lines().find(|l| l.contains("trace-me-42")).unwrap_or_else(|| panic!("no log line for the id: {log}"));
    let event: Value = serde_json::from_str(line).expect("a JSON log line");
    assert_eq!(event["span"]["request_id"], "trace-me-42", "{event}");
    assert_eq!(event["span"]["route"], "/v1/logs", "{event}");
    assert_eq!(event["status"], 200, "{event}");
}

#[test]
fn the_config_file_and_the_environment_set_flags_and_bad_keys_are_named() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    std::fs::write(d.join("serve.toml"), "data = \"dep\"\nmax-body = 64\nrate-limit = 1000\n").expect("config");
    let server = Served::start(d, &["--config", "serve.toml"], &[("LADING_SERVE_LOG_FORMAT", "text")]);
    let token = submit_token(d, "dep");
    let url = server.url.clone();
    let (small, large) = rt().block_on(async move {
        let client = lading_server::http_client::client();
        let post = |body: Vec<u8>| {
            client
                .post(format!("{url}/v1/logs/registry/entries"))
                .bearer_auth(&token)
                .header("content-type", "application/octet-stream")
                .body(body)
                .send()
        };
        (post(vec![b'a'; 64]).await.expect("small").status(), post(vec![b'b'; 65]).await.expect("large").status())
    });
    assert_eq!((small.as_u16(), large.as_u16()), (201, 413), "max-body = 64 from the file");
    drop(server);
    // The log is text, as the environment asked: not JSON.
    let log = std::fs::read_dir(d).expect("dir").flatten().find(|e| e.file_name().to_string_lossy().ends_with(".log"));
    let text = std::fs::read_to_string(log.expect("a log").path()).expect("log");
    assert!(text.lines().any(|l| l.contains("request") && !l.starts_with('{')), "{text}");

    let fails = |config: &str| {
        std::fs::write(d.join("bad.toml"), config).expect("config");
        let out = Command::new(BIN).current_dir(d).args(["serve", "--config", "bad.toml"]).output().expect("run");
        assert!(!out.status.success(), "{config:?} was accepted");
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    assert!(fails("data = \"dep\"\nmax-bdy = 1\n").contains("bad.toml: unknown key `max-bdy`"));
    assert!(fails("data = \"dep\"\nbatch = \"big\"\n").contains("bad.toml: key `batch`"));
    assert!(
        fails("data = \"dep\"\npublic-streams = \"yes\"\n").contains("key `public-streams`: expected true or false")
    );
}

fn have(tool: &str) -> bool {
    Command::new(tool).arg("--version").output().is_ok_and(|o| o.status.success())
        || Command::new(tool).arg("version").output().is_ok_and(|o| o.status.success())
}

/// A self-signed P-256 certificate for `localhost` and 127.0.0.1, by openssl.
fn openssl_cert(dir: &Path, name: &str) -> (PathBuf, PathBuf) {
    let (cert, key) = (dir.join(format!("{name}.crt")), dir.join(format!("{name}.key")));
    let out = Command::new("openssl")
        .args(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2"])
        .args(["-subj", &format!("/CN={name}"), "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .expect("openssl");
    assert!(out.status.success(), "openssl req: {}", String::from_utf8_lossy(&out.stderr));
    (cert, key)
}

/// The SHA-256 fingerprint of the certificate the server presents, by `openssl s_client`.
fn presented_fingerprint(addr: &str) -> String {
    let script = format!(
        "openssl s_client -connect {addr} -servername localhost </dev/null 2>/dev/null | openssl x509 -noout -fingerprint -sha256"
    );
    let out = Command::new("sh").args(["-c", &script]).output().expect("s_client");
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

fn fingerprint(cert: &Path) -> String {
    let out = Command::new("openssl").args(["x509", "-noout", "-fingerprint", "-sha256", "-in"]).arg(cert).output();
    String::from_utf8_lossy(&out.expect("openssl x509").stdout).trim().to_owned()
}

/// `curl --cacert CA https://localhost:PORT/healthz`: the status code, or curl's failure.
fn curl_healthz(addr: &str, ca: &Path) -> String {
    let port = addr.rsplit(':').next().expect("port");
    let out = Command::new("curl")
        .args(["-sS", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "5", "--resolve"])
        .arg(format!("localhost:{port}:127.0.0.1"))
        .arg("--cacert")
        .arg(ca)
        .arg(format!("https://localhost:{port}/healthz"))
        .output()
        .expect("curl");
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr).trim())
}

#[test]
fn tls_serves_the_certificate_and_a_new_one_after_sighup() {
    if !(have("openssl") && have("curl")) {
        panic!("this test needs openssl and curl (scripts/test installs them)");
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let (cert_a, key_a) = openssl_cert(d, "first");
    let (cert_b, key_b) = openssl_cert(d, "second");
    std::fs::copy(&cert_a, d.join("tls.crt")).expect("copy");
    std::fs::copy(&key_a, d.join("tls.key")).expect("copy");
    let server = Served::start(d, &["--data", "dep", "--tls-cert", "tls.crt", "--tls-key", "tls.key"], &[]);
    let addr = server.url.trim_start_matches("http://").to_owned();
    assert_eq!(curl_healthz(&addr, &cert_a), "200");
    assert_eq!(presented_fingerprint(&addr), fingerprint(&cert_a));
    // Plain HTTP on the TLS port gets no HTTP answer.
    let plain = Command::new("curl")
        .args(["-sS", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "5"])
        .arg(format!("http://{addr}/healthz"))
        .output()
        .expect("curl");
    assert_ne!(String::from_utf8_lossy(&plain.stdout), "200");

    // A renewed certificate: files replaced, SIGHUP, served without a restart.
    std::fs::copy(&cert_b, d.join("tls.crt")).expect("copy");
    std::fs::copy(&key_b, d.join("tls.key")).expect("copy");
    server.signal("HUP");
    let deadline = Instant::now() + Duration::from_secs(5);
    while presented_fingerprint(&addr) != fingerprint(&cert_b) {
        assert!(Instant::now() < deadline, "still the first certificate 5 s after SIGHUP: {}", server.log_text());
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(curl_healthz(&addr, &cert_b), "200");
    assert!(server.log_text().contains("TLS certificate and key reloaded"), "{}", server.log_text());

    // A broken renewal keeps the certificate in use, and says so.
    std::fs::write(d.join("tls.key"), "not a key").expect("write");
    server.signal("HUP");
    let deadline = Instant::now() + Duration::from_secs(5);
    while !server.log_text().contains("TLS reload failed") {
        assert!(Instant::now() < deadline, "no reload failure logged: {}", server.log_text());
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(curl_healthz(&addr, &cert_b), "200");

    // A key that is not PEM is refused at start, naming the file.
    let out = Command::new(BIN)
        .current_dir(d)
        .args(["serve", "--data", "dep2", "--listen", "127.0.0.1:0", "--tls-cert", "tls.crt", "--tls-key", "tls.key"])
        .output()
        .expect("run");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("tls.key"), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn sigterm_drains_appends_in_flight_and_loses_none_acknowledged() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    // A long batch window keeps appends in flight when SIGTERM arrives.
    let mut server = Served::start(d, &["--data", "dep", "--max-wait-ms", "300", "--batch", "100000"], &[]);
    let token = submit_token(d, "dep");
    let url = server.url.clone();
    let pid = server.child.id();
    let acknowledged: Vec<u64> = rt().block_on(async move {
        let client = lading_server::http_client::client();
        let mut tasks = Vec::new();
        for i in 0..40 {
            let (client, url, token) = (client.clone(), url.clone(), token.clone());
            tasks.push(tokio::spawn(async move {
                let r = client
                    .post(format!("{url}/v1/logs/registry/entries"))
                    .bearer_auth(&token)
                    .header("content-type", "application/octet-stream")
                    .body(format!("drained {i}"))
                    .send()
                    .await
                    .ok()?;
                if r.status() != 201 {
                    return None;
                }
                r.json::<Value>().await.ok()?["index"].as_u64()
            }));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        let _ = Command::new("kill").args(["-TERM", &pid.to_string()]).status();
        let mut acknowledged = Vec::new();
        for t in tasks {
            acknowledged.extend(t.await.expect("task"));
        }
        acknowledged
    });
    let status = server.child.wait().expect("wait");
    assert!(status.success(), "exit {status:?}: {}", server.log_text());
    assert_eq!(acknowledged.len(), 40, "every append in flight was answered 201 before the exit");
    // After a restart every acknowledged entry is in the log.
    let again = Served::start(d, &["--data", "dep"], &[]);
    let url = again.url.clone();
    let size = rt().block_on(async move {
        let logs: Value = lading_server::http_client::client()
            .get(format!("{url}/v1/logs"))
            .send()
            .await
            .expect("logs")
            .json()
            .await
            .expect("json");
        logs["logs"][0]["size"].as_u64().expect("size")
    });
    assert_eq!(size, 40);
    assert!(acknowledged.iter().all(|i| *i < size));
    assert!(server.log_text().contains("requests in flight answered"), "{}", server.log_text());
}

/// A client of one deployment's API.
struct Api {
    client: reqwest::Client,
    url: String,
    token: String,
}

impl Api {
    fn new(url: String, token: String) -> Self {
        Self { client: lading_server::http_client::client(), url, token }
    }

    /// Submits a raw entry: status, JSON body, `Retry-After`.
    async fn submit(&self, entry: String) -> (u16, Value, Option<String>) {
        let r = self
            .client
            .post(format!("{}/v1/logs/registry/entries", self.url))
            .bearer_auth(&self.token)
            .header("content-type", "application/octet-stream")
            .body(entry)
            .send()
            .await
            .expect("submit");
        Self::json(r).await
    }

    async fn get(&self, path: &str) -> (u16, Value, Option<String>) {
        Self::json(self.client.get(format!("{}{path}", self.url)).send().await.expect("get")).await
    }

    async fn text(&self, path: &str) -> (u16, String) {
        let r = self.client.get(format!("{}{path}", self.url)).send().await.expect("get");
        (r.status().as_u16(), r.text().await.expect("text"))
    }

    async fn json(r: reqwest::Response) -> (u16, Value, Option<String>) {
        let status = r.status().as_u16();
        let retry = r.headers().get("retry-after").and_then(|v| v.to_str().ok()).map(str::to_owned);
        (status, r.json().await.unwrap_or(Value::Null), retry)
    }
}

/// A 4 MiB tmpfs mounted for a test, unmounted when dropped.
struct SmallDisk {
    at: PathBuf,
}

impl SmallDisk {
    /// `None` when this process may not mount (not root, or in a container without the capability).
    fn mount(at: &Path) -> Option<Self> {
        std::fs::create_dir_all(at).expect("mount point");
        let out = Command::new("mount").args(["-t", "tmpfs", "-o", "size=4m", "tmpfs"]).arg(at).output().ok()?;
        out.status.success().then(|| Self { at: at.to_owned() })
    }

    /// Fills the file system to the last block.
    fn fill(&self) {
        let out = Command::new("dd")
            .arg("if=/dev/zero")
            .arg(format!("of={}", self.at.join("ballast").display()))
            .arg("bs=64k")
            .output();
        assert!(out.is_ok());
    }

    fn free(&self) {
        std::fs::remove_file(self.at.join("ballast")).expect("ballast");
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.at).status();
    }
}

#[test]
// Says loudly when it is skipped, as the PostgreSQL tests do.
#[allow(clippy::print_stderr)]
fn a_full_disk_is_reported_truthfully_and_survived_without_a_restart() {
    let dir = tempfile::tempdir().expect("tempdir");
    let Some(disk) = SmallDisk::mount(&dir.path().join("disk")) else {
        eprintln!("\n!!! WARNING: mounting a tmpfs needs root (CAP_SYS_ADMIN); the full-disk test is SKIPPED !!!\n");
        return;
    };
    let d = dir.path();
    let data = disk.at.join("dep");
    let data = data.to_str().expect("utf-8");
    let server = Served::start(d, &["--data", data], &[]);
    let token = submit_token(d, data);
    let url = server.url.clone();
    let client = Api::new(url, token);
    let rt = rt();
    let mut acknowledged = Vec::new();
    for i in 0..5 {
        let (status, body, _) = rt.block_on(client.submit(format!("before {i}")));
        assert_eq!(status, 201, "{body}");
        acknowledged.push(body["index"].as_u64().expect("index"));
    }
    assert_eq!(rt.block_on(client.get("/readyz")).0, 200);

    disk.fill();
    let (status, body, retry_after) = rt.block_on(client.submit("during".into()));
    assert_eq!(status, 503, "{body}");
    assert_eq!(retry_after.as_deref(), Some("1"));
    assert!(body["detail"].as_str().is_some_and(|d| d.contains("full") || d.contains("No space")), "{body}");
    let (status, ready, retry_after) = rt.block_on(client.get("/readyz"));
    assert_eq!((status, retry_after.as_deref()), (503, Some("1")), "{ready}");
    assert_eq!(ready["ready"], false);
    let (status, health, _) = rt.block_on(client.get("/healthz"));
    assert_eq!(status, 200, "alive all along: {health}");
    assert!(health["storage_faults"]["registry"].is_string(), "{health}");
    assert!(
        server.log_text().lines().any(|l| l.contains("\"level\":\"ERROR\"") && l.contains("a durable step failed")),
        "the fault is logged when it happens: {}",
        server.log_text()
    );

    // Storage works again: the server recovers by itself.
    disk.free();
    let deadline = Instant::now() + Duration::from_secs(10);
    while rt.block_on(client.get("/readyz")).0 != 200 {
        assert!(Instant::now() < deadline, "not ready 10 s after the disk was freed: {}", server.log_text());
        std::thread::sleep(Duration::from_millis(100));
    }
    for i in 0..5 {
        let (status, body, _) = rt.block_on(client.submit(format!("after {i}")));
        assert_eq!(status, 201, "{body}");
        acknowledged.push(body["index"].as_u64().expect("index"));
    }
    assert!(server.log_text().contains("storage works again"), "{}", server.log_text());
    let (_, metrics) = rt.block_on(client.text("/metrics"));
    assert_eq!(sample(&metrics, r#"lading_log_storage_recoveries_total{log="registry"}"#), Some(1.0), "{metrics}");
    // Nothing acknowledged is lost, the indices are the log's, and every
    // receipt verifies under the latest checkpoint, also after a restart.
    drop(server);
    let again = Served::start(d, &["--data", data], &[]);
    let client = Api::new(again.url.clone(), String::new());
    let (_, checkpoint) = rt.block_on(client.text("/v1/logs/registry/checkpoint"));
    let size: u64 = checkpoint.lines().nth(1).and_then(|l| l.parse().ok()).expect("size");
    assert!(acknowledged.iter().all(|i| *i < size), "{acknowledged:?} under size {size}");
    let mut sorted = acknowledged.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(sorted.len(), 10, "ten distinct indices: {acknowledged:?}");
    for i in &acknowledged {
        let (status, receipt) = rt.block_on(client.text(&format!("/v1/logs/registry/receipts/{i}")));
        assert_eq!(status, 200, "receipt {i}: {receipt}");
    }
}

#[test]
fn verifications_past_the_bound_are_refused_before_their_upload_is_read() {
    use std::io::Write as _;
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let server = Served::start(d, &["--data", "dep", "--max-verifications", "1"], &[]);
    let addr = server.url.trim_start_matches("http://").to_owned();
    // One upload under way: its head sent, its body trickling (it holds the one slot).
    let mut first = std::net::TcpStream::connect(&addr).expect("connect");
    first
        .write_all(
            b"POST /verify HTTP/1.1\r\nhost: x\r\ncontent-type: multipart/form-data; boundary=XYZ\r\ncontent-length: 100000\r\n\r\n--XYZ\r\n",
        )
        .expect("write");
    std::thread::sleep(Duration::from_millis(300));
    let second = Command::new("curl")
        .args(["-s", "-D", "-", "-o", "/dev/null", "--max-time", "5", "-F", "bundle=@/dev/null", "-F", "policy_name=x"])
        .arg(format!("http://{addr}/verify"))
        .output()
        .expect("curl");
    let head = String::from_utf8_lossy(&second.stdout).to_ascii_lowercase();
    assert!(head.starts_with("http/1.1 503"), "{head}");
    assert!(head.contains("retry-after: 2"), "{head}");
    // The first one gives up: the slot is free again.
    drop(first);
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let third = Command::new("curl")
            .args(["-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "5", "-F", "policy_name=x"])
            .arg(format!("http://{addr}/verify"))
            .output()
            .expect("curl");
        let code = String::from_utf8_lossy(&third.stdout).into_owned();
        if code == "400" {
            break; // judged: no bundle in the form
        }
        assert!(Instant::now() < deadline, "the slot was not freed: {code}");
        std::thread::sleep(Duration::from_millis(100));
    }
}
