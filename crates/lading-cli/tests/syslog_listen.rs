//! `lading maint listen` end to end over loopback: RFC 5424 over TCP
//! (octet counting and LF framing, RFC 6587), UDP and TLS (RFC 5425); bad
//! and oversized messages between good ones; SIGKILL mid-stream and a
//! restart. Every record is compared with what `lading maint ingest
//! --format syslog` stores from the same lines in a file: byte for byte,
//! but for the two fields that are the time of receipt (`observed_at` and
//! `meta.created_at`).

use std::io::{BufRead as _, Read as _, Write as _};
use std::net::{Shutdown, TcpStream, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use lading_model::bundle::Package;
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_lading");

fn lading(dir: &Path, args: &[&str]) -> String {
    lading_testkit::cli::Lading::new(BIN, dir).ok(args)
}

/// Message `i`: a line like samples/maint/syslog.log's, `i` seconds after
/// the first, with a non-ASCII MSG.
fn line(i: usize) -> String {
    format!(
        "<134>1 2026-11-22T08:{:02}:{:02}.000Z cnc-0019 maint-agent 4711 SESSION [maint@32473 event_id=\"net-{i:04}\" \
         actor=\"svc-remote-ops\" role=\"service-account\" org=\"X Co\" auth=\"service-account\" session=\"rs-77a1\" \
         access=\"api\" serial=\"SN-2291-0019\" model=\"VMC-850\" site=\"Plant Leipzig\" category=\"access-control\" \
         action=\"session.open\" target=\"jump-host\" result=\"success\"] message {i}: Spindel geprüft \u{2713}",
        i / 60,
        i % 60
    )
}

/// Two deployments with the same stream `fleet` (one key, one config): `net`
/// for the listener, `file` for `maint ingest`.
fn deployments(d: &Path) {
    lading(d, &["key", "generate", "--out", "k"]);
    lading(
        d,
        &[
            "maint",
            "stream",
            "create",
            "fleet",
            "--data",
            "net",
            "--key",
            "k.key",
            "--provider",
            "X Co",
            "--registration-id",
            "9132",
        ],
    );
    let status = Command::new("cp").args(["-a", "net", "file"]).current_dir(d).status().expect("cp");
    assert!(status.success());
}

/// A running `lading --json maint listen`.
struct Listener {
    child: Child,
    addresses: std::collections::HashMap<String, String>,
    events: mpsc::Receiver<Value>,
    stderr: PathBuf,
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Listener {
    fn start(d: &Path, data: &str, extra: &[&str]) -> Self {
        let stderr = d.join(format!("listen-{}.err", next()));
        let mut child = Command::new(BIN)
            .current_dir(d)
            .args(["--json", "maint", "listen", "fleet", "--data", data])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&stderr).expect("stderr file"))
            .spawn()
            .expect("spawn lading maint listen");
        let stdout = child.stdout.take().expect("stdout");
        let wanted = extra.iter().filter(|a| ["--tcp", "--udp", "--tls"].contains(a)).count();
        let (tx, events) = mpsc::channel();
        std::thread::spawn(move || {
            for l in std::io::BufReader::new(stdout).lines() {
                let Ok(l) = l else { return };
                let v: Value = serde_json::from_str(&l).unwrap_or_else(|e| panic!("{e}: {l}"));
                if tx.send(v).is_err() {
                    return;
                }
            }
        });
        let mut addresses = std::collections::HashMap::new();
        while addresses.len() < wanted {
            let v = events.recv_timeout(Duration::from_secs(30)).unwrap_or_else(|_| {
                panic!("lading maint listen did not start: {}", std::fs::read_to_string(&stderr).unwrap_or_default())
            });
            assert_eq!(v["event"], "listening", "{v}");
            addresses.insert(
                v["transport"].as_str().expect("transport").to_owned(),
                v["address"].as_str().expect("address").to_owned(),
            );
        }
        Listener { child, addresses, events, stderr }
    }

    fn addr(&self, transport: &str) -> &str {
        &self.addresses[transport]
    }

    /// SIGTERM, then the summary it prints.
    fn terminate(mut self) -> (Value, String) {
        let pid = self.child.id().to_string();
        assert!(Command::new("kill").args(["-TERM", &pid]).status().expect("kill").success());
        let stopped = self.events.recv_timeout(Duration::from_secs(30)).expect("the stopped event");
        assert_eq!(stopped["event"], "stopped", "{stopped}");
        let status = self.child.wait().expect("wait");
        assert!(status.success(), "{status}");
        (stopped, std::fs::read_to_string(&self.stderr).expect("stderr"))
    }

    /// SIGKILL: nothing is flushed or committed on the way out.
    fn kill(mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().expect("wait");
    }
}

/// A fresh number for file names.
fn next() -> usize {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    N.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// Writes `bytes` on a fresh TCP connection, closes its sending side and
/// waits until the listener closes the connection: by then everything it
/// read is committed.
fn tcp_send(addr: &str, bytes: &[u8]) {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.write_all(bytes).expect("write");
    s.shutdown(Shutdown::Write).expect("shutdown");
    s.set_read_timeout(Some(Duration::from_secs(30))).expect("timeout");
    let mut rest = Vec::new();
    s.read_to_end(&mut rest).expect("the listener closes the connection");
    assert!(rest.is_empty(), "the listener never writes");
}

fn octet_counted(lines: &[String]) -> Vec<u8> {
    lines.iter().flat_map(|l| format!("{} {l}", l.len()).into_bytes()).collect()
}

fn lf_framed(lines: &[String]) -> Vec<u8> {
    lines.iter().flat_map(|l| format!("{l}\n").into_bytes()).collect()
}

/// The stream's events as stored (the log entries, in sequence order).
fn stored(d: &Path, data: &str) -> Vec<String> {
    let out = format!("{data}-{}.lading", next());
    let (code, _, err) =
        lading_testkit::cli::Lading::new(BIN, d).run(&["maint", "export", "fleet", "--data", data, "--out", &out]);
    if code != 0 && err.contains("no events") {
        return Vec::new();
    }
    assert_eq!(code, 0, "{err}");
    let p = Package::from_zip(&std::fs::read(d.join(&out)).expect("read")).expect("package");
    let ei = p.index.members.iter().position(|m| m.role == "events").expect("events");
    String::from_utf8(p.files[ei].clone()).expect("utf8").lines().map(str::to_owned).collect()
}

/// An entry with its two receipt-time fields blanked, sequence kept.
fn without_receipt_time(entry: &str) -> String {
    let mut v: Value = serde_json::from_str(entry).expect("json");
    v["observed_at"] = Value::from("RECEIPT");
    v["meta"]["created_at"] = Value::from("RECEIPT");
    String::from_utf8(lading_model::json::canonicalize(&v)).expect("utf8")
}

/// What `maint ingest --format syslog` stores from `lines` in a file, in
/// the deployment `file`.
fn ingested_from_file(d: &Path, lines: &[String]) -> Vec<String> {
    std::fs::write(d.join("lines.log"), lf_framed(lines)).expect("write");
    lading(d, &["maint", "ingest", "fleet", "lines.log", "--data", "file", "--format", "syslog"]);
    stored(d, "file")
}

/// The network's entries equal the file's, byte for byte once the time of
/// receipt is blanked; and the entries themselves are canonical JSON that
/// differ from each other only there.
fn assert_same_records(net: &[String], file: &[String]) {
    assert_eq!(net.len(), file.len(), "record counts");
    for (n, f) in net.iter().zip(file) {
        assert_eq!(without_receipt_time(n), without_receipt_time(f));
        assert_eq!(n.len(), f.len(), "only the receipt times differ, and they are the same length: {n}\n{f}");
    }
}

fn wait_for(d: &Path, data: &str, count: usize) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let events = stored(d, data);
        if events.len() >= count || Instant::now() > deadline {
            return events;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn tcp_octet_counted_and_lf_framed_and_udp_store_what_ingest_stores() {
    let t = tempfile::tempdir().expect("tempdir");
    let d = t.path();
    deployments(d);
    let lines: Vec<String> = (0..30).map(line).collect();
    let l = Listener::start(d, "net", &["--tcp", "127.0.0.1:0", "--udp", "127.0.0.1:0"]);
    // Octet counting, written in pieces that split frames and counts.
    let bytes = octet_counted(&lines[..10]);
    let mut s = TcpStream::connect(l.addr("tcp")).expect("connect");
    for piece in bytes.chunks(37) {
        s.write_all(piece).expect("write");
        std::thread::sleep(Duration::from_millis(2));
    }
    s.shutdown(Shutdown::Write).expect("shutdown");
    s.read_to_end(&mut Vec::new()).expect("closed by the listener");
    // LF framing, CR LF on some lines.
    let mut lf = lf_framed(&lines[10..20]);
    lf.splice(0..0, b"\n".iter().copied());
    let lf = String::from_utf8(lf).expect("utf8").replacen('\n', "\r\n", 3);
    tcp_send(l.addr("tcp"), lf.as_bytes());
    assert_eq!(stored(d, "net").len(), 20);
    // UDP, one message per datagram (one with a trailing LF).
    let u = UdpSocket::bind("127.0.0.1:0").expect("udp");
    for (i, m) in lines[20..].iter().enumerate() {
        let m = if i == 0 { format!("{m}\n") } else { m.clone() };
        u.send_to(m.as_bytes(), l.addr("udp")).expect("send");
        // Loopback drops datagrams only when the receive buffer overflows.
        std::thread::sleep(Duration::from_millis(5));
    }
    let net = wait_for(d, "net", 30);
    let (summary, _) = l.terminate();
    assert_eq!(summary["stored"], 30, "{summary}");
    assert_eq!((summary["refused"].as_u64(), summary["oversized"].as_u64()), (Some(0), Some(0)), "{summary}");
    assert_same_records(&net, &ingested_from_file(d, &lines));
}

#[test]
fn bad_and_oversized_messages_are_refused_one_by_one_and_the_connection_stays() {
    let t = tempfile::tempdir().expect("tempdir");
    let d = t.path();
    deployments(d);
    let good: Vec<String> = (0..6).map(line).collect();
    let l = Listener::start(d, "net", &["--tcp", "127.0.0.1:0", "--max-frame", "2000"]);
    let big = format!("<134>1 2026-11-22T08:00:00Z h a p m - {}", "x".repeat(3000));
    // Octet counting: good, not RFC 5424 (RFC 3164), good, not UTF-8, oversized, good.
    let mut octets = octet_counted(&good[..2]);
    octets.extend(octet_counted(&["Oct 11 22:14:15 mymachine su: 'su root' failed".to_owned()]));
    octets.extend(octet_counted(&good[2..3]));
    octets.extend(b"5 <1>\xff\xfe");
    octets.extend(octet_counted(std::slice::from_ref(&big)));
    octets.extend(octet_counted(&good[3..4]));
    tcp_send(l.addr("tcp"), &octets);
    // LF framing: oversized, then good ones.
    let mut lf = lf_framed(std::slice::from_ref(&big));
    lf.extend(lf_framed(&good[4..]));
    tcp_send(l.addr("tcp"), &lf);
    // A malformed octet count closes that connection only, after what came before it.
    let c = format!("{} {}0x12 {}", good[0].len(), good[0], good[5]);
    tcp_send(l.addr("tcp"), c.as_bytes());
    let net = stored(d, "net");
    let (summary, log) = l.terminate();
    // good[0] came twice: the second, identical but for the time of receipt, is already stored
    // (a sender's resend): neither stored again nor refused.
    assert_eq!(summary["stored"], 6, "{summary}\n{log}");
    assert_eq!(summary["refused"], 2, "{summary}\n{log}");
    assert_eq!(summary["received"], 11, "{summary}\n{log}");
    assert_eq!(summary["oversized"], 2, "{summary}\n{log}");
    assert_eq!(summary["closed"], 1, "{summary}\n{log}");
    assert_eq!(summary["connections"], 3, "{summary}");
    for (number, why) in [
        (3, "not RFC 5424 syslog: column 1: expected <PRI> at the start of the line".to_owned()),
        (5, "not UTF-8 (from byte 3 of the message)".to_owned()),
        (6, format!("{} bytes, the cap is 2000 bytes; skipped", big.len())),
    ] {
        let found = log.lines().any(|l| {
            l.contains(&why)
                && l.contains("peer=\"127.0.0.1:")
                && l.contains(&format!("message_number={number} offset="))
        });
        assert!(found, "message {number}: {why}\n{log}");
    }
    assert!(log.contains("closing the syslog connection") && log.contains("expected an octet count"), "{log}");
    assert!(log.contains("peer=\"127.0.0.1:"), "{log}");
    assert_same_records(&net, &ingested_from_file(d, &good));
}

#[test]
fn tls_with_a_test_certificate() {
    let t = tempfile::tempdir().expect("tempdir");
    let d = t.path();
    deployments(d);
    let ok = Command::new("openssl")
        .current_dir(d)
        .args(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2"])
        .args(["-keyout", "tls.key", "-out", "tls.crt", "-subj", "/CN=localhost"])
        .args(["-addext", "subjectAltName=IP:127.0.0.1", "-addext", "basicConstraints=critical,CA:FALSE"])
        .output()
        .expect("openssl (scripts/test requires OpenSSL 3)");
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    let lines: Vec<String> = (0..8).map(line).collect();
    let l = Listener::start(d, "net", &["--tls", "127.0.0.1:0", "--tls-cert", "tls.crt", "--tls-key", "tls.key"]);
    let addr = l.addr("tls").to_owned();
    let rt = tokio::runtime::Runtime::new().expect("rt");
    let cert = std::fs::read(d.join("tls.crt")).expect("cert");
    let send = |bytes: Vec<u8>| {
        rt.block_on(async {
            use rustls_pki_types::CertificateDer;
            use rustls_pki_types::pem::PemObject as _;
            use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
            let mut roots = tokio_rustls::rustls::RootCertStore::empty();
            roots.add(CertificateDer::from_pem_slice(&cert).expect("pem")).expect("root");
            #[allow(deprecated)]
            let provider = std::sync::Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
            let config = tokio_rustls::rustls::ClientConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                .expect("versions")
                .with_root_certificates(roots)
                .with_no_client_auth();
            let connector = tokio_rustls::TlsConnector::from(std::sync::Arc::new(config));
            let tcp = tokio::net::TcpStream::connect(&addr).await.expect("connect");
            let name = rustls_pki_types::ServerName::try_from("127.0.0.1").expect("name");
            let mut tls = connector.connect(name, tcp).await.expect("TLS handshake");
            tls.write_all(&bytes).await.expect("write");
            tls.shutdown().await.expect("close_notify");
            let mut rest = Vec::new();
            let _ = tls.read_to_end(&mut rest).await;
        });
    };
    send(octet_counted(&lines[..4]));
    send(lf_framed(&lines[4..]));
    let net = stored(d, "net");
    let (summary, log) = l.terminate();
    assert_eq!(summary["stored"], 8, "{summary}\n{log}");
    assert_same_records(&net, &ingested_from_file(d, &lines));
    // A plain-TCP client on the TLS port is a failed handshake, not a record.
    let l = Listener::start(d, "net", &["--tls", "127.0.0.1:0", "--tls-cert", "tls.crt", "--tls-key", "tls.key"]);
    let mut s = TcpStream::connect(l.addr("tls")).expect("connect");
    s.write_all(&octet_counted(&[line(99)])).expect("write");
    s.set_read_timeout(Some(Duration::from_secs(30))).expect("timeout");
    // rustls answers with an alert, then the listener closes the connection.
    let _ = s.read_to_end(&mut Vec::new());
    let (summary, log) = l.terminate();
    assert_eq!(summary["stored"], 0, "{summary}");
    assert!(log.contains("TLS handshake failed"), "{log}");
}

#[test]
fn sigkill_mid_stream_then_restart_stores_every_record_once() {
    let t = tempfile::tempdir().expect("tempdir");
    let d = t.path();
    deployments(d);
    let lines: Vec<String> = (0..400).map(line).collect();
    let l = Listener::start(d, "net", &["--tcp", "127.0.0.1:0"]);
    let mut s = TcpStream::connect(l.addr("tcp")).expect("connect");
    let bytes = octet_counted(&lines);
    // The stream in 100 writes over about five seconds; SIGKILL as soon as
    // something is committed, while the sender keeps writing.
    let sender = std::thread::spawn(move || {
        for piece in bytes.chunks(bytes.len().div_ceil(100)) {
            if s.write_all(piece).is_err() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    });
    let deadline = Instant::now() + Duration::from_secs(30);
    // The signed checkpoint is written after each commit (the stream is locked while the listener writes).
    let committed = || {
        std::fs::read_to_string(d.join("net/streams/fleet/checkpoint.signed"))
            .ok()
            .and_then(|c| c.lines().nth(1).and_then(|n| n.parse::<u64>().ok()))
            .unwrap_or(0)
    };
    while committed() == 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    l.kill();
    sender.join().expect("sender");
    // What was committed before the kill is a clean prefix of what was sent.
    let before = stored(d, "net");
    assert!(!before.is_empty() && before.len() < lines.len(), "{} stored before the kill", before.len());
    for (i, e) in before.iter().enumerate() {
        let v: Value = serde_json::from_str(e).expect("json");
        assert_eq!(v["event_id"], format!("net-{i:04}"));
    }
    // The sender starts over after the reset (it cannot know what was read): what is stored is not
    // stored again — a read whose messages are all stored is answered as stored, the stored ones in
    // a read with new ones are refused as duplicates.
    let l = Listener::start(d, "net", &["--tcp", "127.0.0.1:0"]);
    tcp_send(l.addr("tcp"), &octet_counted(&lines));
    let net = stored(d, "net");
    let (summary, _) = l.terminate();
    assert_eq!(summary["stored"].as_u64(), Some((lines.len() - before.len()) as u64), "{summary}");
    assert!(summary["refused"].as_u64().is_some_and(|r| r <= before.len() as u64), "{summary}");
    assert_eq!(&net[..before.len()], &before[..]);
    assert_same_records(&net, &ingested_from_file(d, &lines));
}

#[test]
fn bad_arguments_are_clear_errors() {
    let t = tempfile::tempdir().expect("tempdir");
    let d = t.path();
    deployments(d);
    let l = lading_testkit::cli::Lading::new(BIN, d);
    assert!(l.fails(&["maint", "listen", "fleet", "--data", "net"]).contains("at least one of --tcp"));
    assert!(l.fails(&["maint", "listen", "nope", "--data", "net", "--tcp", "127.0.0.1:0"]).contains("nope"));
    assert!(l.fails(&["maint", "listen", "fleet", "--data", "net", "--tls", "127.0.0.1:0"]).contains("--tls-cert"));
    let e = l.fails(&[
        "maint",
        "listen",
        "fleet",
        "--data",
        "net",
        "--tls",
        "127.0.0.1:0",
        "--tls-cert",
        "no.crt",
        "--tls-key",
        "no.key",
    ]);
    assert!(e.contains("no.crt"), "{e}");
}

#[test]
fn connections_past_a_clients_cap_are_closed_on_accept_and_others_still_served() {
    let t = tempfile::tempdir().expect("tempdir");
    let d = t.path();
    deployments(d);
    let l = Listener::start(d, "net", &["--tcp", "127.0.0.1:0", "--max-connections-per-client", "2"]);
    // Two idle connections hold this client's slots.
    let idle: Vec<TcpStream> = (0..2).map(|_| TcpStream::connect(l.addr("tcp")).expect("connect")).collect();
    std::thread::sleep(Duration::from_millis(300));
    // A third from the same address is closed at once, without a record.
    let mut third = TcpStream::connect(l.addr("tcp")).expect("connect");
    third.set_read_timeout(Some(Duration::from_secs(30))).expect("timeout");
    let _ = third.write_all(&octet_counted(&[line(0)]));
    let mut rest = Vec::new();
    let _ = third.read_to_end(&mut rest);
    assert!(rest.is_empty());
    // Once one idle connection goes, a new one is served.
    drop(idle);
    std::thread::sleep(Duration::from_millis(300));
    tcp_send(l.addr("tcp"), &octet_counted(&[line(1)]));
    let net = stored(d, "net");
    let (summary, log) = l.terminate();
    assert_eq!(summary["turned_away"], 1, "{summary}\n{log}");
    assert_eq!(summary["stored"], 1, "{summary}\n{log}");
    assert!(log.contains("already holds 2 connections, its maximum"), "{log}");
    assert_same_records(&net, &ingested_from_file(d, &[line(1)]));
    // The listener's own cap, whoever connects.
    let l = Listener::start(d, "net", &["--tcp", "127.0.0.1:0", "--max-connections", "1"]);
    let idle = TcpStream::connect(l.addr("tcp")).expect("connect");
    std::thread::sleep(Duration::from_millis(300));
    let mut second = TcpStream::connect(l.addr("tcp")).expect("connect");
    second.set_read_timeout(Some(Duration::from_secs(30))).expect("timeout");
    let _ = second.read_to_end(&mut Vec::new());
    drop(idle);
    let (summary, log) = l.terminate();
    assert_eq!(summary["turned_away"], 1, "{summary}\n{log}");
    assert!(log.contains("the listener serves its maximum of connections"), "{log}");
    let e = lading_testkit::cli::Lading::new(BIN, d).fails(&[
        "maint",
        "listen",
        "fleet",
        "--data",
        "net",
        "--tcp",
        "127.0.0.1:0",
        "--max-connections",
        "0",
    ]);
    assert!(e.contains("--max-connections must be at least 1"), "{e}");
}

/// `lading serve` takes syslog into a stream when its configuration says
/// so: the same listener, the same records as `maint ingest` stores.
#[test]
fn serve_listens_for_syslog_by_configuration() {
    let t = tempfile::tempdir().expect("tempdir");
    let d = t.path();
    deployments(d);
    std::fs::write(
        d.join("serve.toml"),
        "listen = \"127.0.0.1:0\"\nsyslog-stream = \"fleet\"\nsyslog-tcp = \"127.0.0.1:0\"\nsyslog-udp = \"127.0.0.1:0\"\n",
    )
    .expect("config");
    let stderr = d.join("serve.err");
    let mut child = Command::new(BIN)
        .current_dir(d)
        .args(["--json", "serve", "--data", "net", "--config", "serve.toml"])
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&stderr).expect("stderr file"))
        .spawn()
        .expect("spawn lading serve");
    let mut out = std::io::BufReader::new(child.stdout.take().expect("stdout"));
    let mut syslog = std::collections::HashMap::new();
    while syslog.len() < 2 {
        let mut l = String::new();
        if out.read_line(&mut l).expect("read") == 0 {
            let _ = child.wait();
            panic!("lading serve stopped: {}", std::fs::read_to_string(&stderr).unwrap_or_default());
        }
        let v: Value = serde_json::from_str(&l).unwrap_or_else(|e| panic!("{e}: {l}"));
        if let (Some(t), Some(a)) = (v["transport"].as_str(), v["address"].as_str()) {
            assert_eq!(v["stream"], "fleet", "{v}");
            syslog.insert(t.to_owned(), a.to_owned());
        }
    }
    let lines: Vec<String> = (0..6).map(line).collect();
    tcp_send(&syslog["tcp"], &octet_counted(&lines[..4]));
    let u = UdpSocket::bind("127.0.0.1:0").expect("udp");
    for m in &lines[4..] {
        u.send_to(m.as_bytes(), &syslog["udp"]).expect("send");
        std::thread::sleep(Duration::from_millis(5));
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    while stored(d, "net").len() < 6 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(200));
    }
    assert!(Command::new("kill").args(["-TERM", &child.id().to_string()]).status().expect("kill").success());
    assert!(child.wait().expect("wait").success());
    let log = std::fs::read_to_string(&stderr).expect("stderr");
    assert!(log.contains("syslog listener stopped; everything read was committed"), "{log}");
    assert_same_records(&stored(d, "net"), &ingested_from_file(d, &lines));
    // A syslog address without a stream, or a stream that does not exist, is refused before serving.
    let l = lading_testkit::cli::Lading::new(BIN, d);
    let e = l.fails(&["serve", "--data", "net", "--listen", "127.0.0.1:0", "--syslog-tcp", "127.0.0.1:0"]);
    assert!(e.contains("--syslog-stream"), "{e}");
    let e = l.fails(&[
        "serve",
        "--data",
        "net",
        "--listen",
        "127.0.0.1:0",
        "--syslog-stream",
        "nope",
        "--syslog-tcp",
        "127.0.0.1:0",
    ]);
    assert!(e.contains("nope"), "{e}");
}

/// The bytes util-linux `logger` and rsyslog's `omfwd` wrote on the wire
/// (tests/data/syslog, how they were captured in its README), sent to the
/// listener as they are: every message is stored once, as `maint ingest`
/// stores the same messages from a file.
#[test]
fn captured_logger_and_rsyslog_streams_are_stored_as_ingest_stores_their_messages() {
    let t = tempfile::tempdir().expect("tempdir");
    let d = t.path();
    deployments(d);
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/syslog");
    let read = |name: &str| std::fs::read(data.join(name)).expect("captured bytes");
    let l = Listener::start(d, "net", &["--tcp", "127.0.0.1:0"]);
    let mut messages = Vec::new();
    for name in ["logger-tcp-octet-counted.bin", "rsyslog-omfwd-octet-counted.bin"] {
        let bytes = read(name);
        tcp_send(l.addr("tcp"), &bytes);
        // Octet counting: "LEN SP MSG", the count in bytes; rsyslog's MSG ends with its LF.
        let mut rest = bytes.as_slice();
        while !rest.is_empty() {
            let sp = rest.iter().position(|b| *b == b' ').expect("count");
            let len: usize = std::str::from_utf8(&rest[..sp]).expect("digits").parse().expect("count");
            let msg = std::str::from_utf8(&rest[sp + 1..sp + 1 + len]).expect("utf8");
            messages.push(msg.trim_end_matches('\n').to_owned());
            rest = &rest[sp + 1 + len..];
        }
    }
    let lf = read("logger-tcp-lf.bin");
    tcp_send(l.addr("tcp"), &lf);
    messages.extend(String::from_utf8(lf).expect("utf8").lines().map(str::to_owned));
    let net = stored(d, "net");
    let (summary, log) = l.terminate();
    assert_eq!(summary["stored"], 5, "{summary}\n{log}");
    assert_eq!(summary["refused"], 0, "{summary}\n{log}");
    let ids: Vec<String> = net
        .iter()
        .map(|e| serde_json::from_str::<Value>(e).expect("json")["event_id"].as_str().expect("id").to_owned())
        .collect();
    assert_eq!(ids, ["cap-1", "cap-2", "cap-4", "cap-5", "cap-3"]);
    assert_same_records(&net, &ingested_from_file(d, &messages));
}
