//! `lading serve` under hostile connections, over loopback only: slow-loris
//! heads and bodies, idle keep-alive connections, one address opening many
//! connections, more connections than the cap — while a normal client keeps
//! being served. Every client loop here is bounded in count and time.
//!
//! Clients bind source addresses in 127.0.0.0/8 (all loopback on Linux), so
//! "many clients" and "one client with many connections" can be told apart.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::{Duration, Instant};

use lading_testkit::cli::{Lading, Server};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpSocket, TcpStream};

fn server(dir: &std::path::Path, extra: &[&str]) -> (Server, SocketAddr) {
    let data = dir.join("data");
    let data = data.to_str().expect("utf-8 path");
    let server = Lading::new(env!("CARGO_BIN_EXE_lading"), dir).serve(&[&["--data", data][..], extra].concat());
    let addr = server.url.trim_start_matches("http://").parse().expect("address");
    (server, addr)
}

/// A connection to `server` from `127.0.0.<last>`.
async fn connect_from(last: u8, server: SocketAddr) -> TcpStream {
    let socket = TcpSocket::new_v4().expect("socket");
    socket.bind(SocketAddr::new(IpAddr::V4(Ipv4Addr::new(127, 0, 0, last)), 0)).expect("bind loopback");
    socket.connect(server).await.expect("connect")
}

/// What the server sends until it closes the connection, and how long
/// that took; `None` when it is still open after `limit`.
async fn read_until_closed(stream: &mut TcpStream, limit: Duration) -> Option<(String, Duration)> {
    let start = Instant::now();
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let left = limit.checked_sub(start.elapsed())?;
        match tokio::time::timeout(left, stream.read(&mut buf)).await {
            Err(_) => return None,
            Ok(Ok(0) | Err(_)) => return Some((String::from_utf8_lossy(&got).into_owned(), start.elapsed())),
            Ok(Ok(n)) => got.extend_from_slice(&buf[..n]),
        }
    }
}

/// `GET /healthz` on a new connection from 127.0.0.1: the status line.
async fn healthz(server: SocketAddr) -> String {
    let mut s = connect_from(1, server).await;
    s.write_all(b"GET /healthz HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n").await.expect("write");
    let (reply, _) = read_until_closed(&mut s, Duration::from_secs(5)).await.expect("an answer within 5 s");
    reply.lines().next().unwrap_or_default().to_owned()
}

/// Trickles `bytes` one at a time every 100 ms until the server closes or
/// `limit` passes; returns how long the server kept it open.
async fn trickle(mut s: TcpStream, head: &'static [u8], bytes: &'static [u8], limit: Duration) -> Option<Duration> {
    let start = Instant::now();
    if s.write_all(head).await.is_err() {
        return Some(start.elapsed());
    }
    for b in bytes.iter().cycle() {
        if start.elapsed() > limit {
            return None;
        }
        if s.write_all(&[*b]).await.is_err() {
            return Some(start.elapsed());
        }
        let mut buf = [0u8; 1024];
        // An answer (408) before the close is fine; keep reading until it closes.
        if let Ok(Ok(0) | Err(_)) = tokio::time::timeout(Duration::from_millis(100), s.read(&mut buf)).await {
            return Some(start.elapsed());
        }
    }
    None
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_loris_heads_and_bodies_are_cut_off_while_others_are_served() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (_server, addr) = server(
        dir.path(),
        &["--header-timeout-ms", "1000", "--body-timeout-ms", "1000", "--max-connections-per-client", "16"],
    );
    // 60 slow clients from 6 addresses, 10 each: half trickle a head, half a body.
    let mut slow = Vec::new();
    for i in 0..60u8 {
        let s = connect_from(2 + i / 10, addr).await;
        let limit = Duration::from_secs(8);
        slow.push(tokio::spawn(if i % 2 == 0 {
            trickle(s, b"GET /healthz HTTP/1.1\r\nhost: x\r\n", b"x-slow: yes\r\n", limit)
        } else {
            trickle(
                s,
                b"POST /v1/logs/registry/entries HTTP/1.1\r\nhost: x\r\ncontent-type: application/octet-stream\r\ncontent-length: 100000\r\n\r\n",
                b"slow body ",
                limit,
            )
        }));
    }
    // Meanwhile a normal client is served, promptly, again and again.
    for _ in 0..10 {
        let started = Instant::now();
        assert_eq!(healthz(addr).await, "HTTP/1.1 200 OK");
        assert!(started.elapsed() < Duration::from_secs(2), "healthz took {:?}", started.elapsed());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    for (i, task) in slow.into_iter().enumerate() {
        let held = task.await.expect("client task");
        let held = held.unwrap_or_else(|| panic!("slow client {i} was still connected after 8 s"));
        assert!(held < Duration::from_secs(5), "slow client {i} held its connection {held:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_body_is_answered_408_as_a_problem() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (_server, addr) = server(dir.path(), &["--body-timeout-ms", "500", "--min-body-rate", "1000"]);
    let mut s = connect_from(1, addr).await;
    s.write_all(b"POST /v1/logs/registry/entries HTTP/1.1\r\nhost: x\r\ncontent-type: application/octet-stream\r\ncontent-length: 5000\r\n\r\nabc")
        .await
        .expect("write");
    let (reply, took) = read_until_closed(&mut s, Duration::from_secs(5)).await.expect("closed within 5 s");
    assert!(reply.starts_with("HTTP/1.1 408"), "{reply}");
    assert!(reply.contains("application/problem+json") && reply.contains("urn:lading:problem:timeout"), "{reply}");
    assert!(took < Duration::from_secs(3), "{took:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_keep_alive_connections_are_closed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (_server, addr) = server(dir.path(), &["--header-timeout-ms", "800"]);
    let mut s = connect_from(1, addr).await;
    s.write_all(b"GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n").await.expect("write");
    let mut buf = [0u8; 1024];
    let n = s.read(&mut buf).await.expect("read");
    assert!(buf[..n].starts_with(b"HTTP/1.1 200"), "{}", String::from_utf8_lossy(&buf[..n]));
    // Kept alive, then closed once idle past the head timeout.
    let (_, took) = read_until_closed(&mut s, Duration::from_secs(5)).await.expect("closed within 5 s");
    assert!(took >= Duration::from_millis(500), "closed too early: {took:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_past_either_cap_are_refused_with_503_and_others_still_served() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (_server, addr) = server(
        dir.path(),
        &["--header-timeout-ms", "3000", "--max-connections", "24", "--max-connections-per-client", "8"],
    );
    // One address: 8 connections held, the 9th refused at once.
    let mut held = Vec::new();
    for _ in 0..8 {
        held.push(connect_from(20, addr).await);
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut ninth = connect_from(20, addr).await;
    let (reply, took) = read_until_closed(&mut ninth, Duration::from_secs(2)).await.expect("refused at once");
    assert!(reply.starts_with("HTTP/1.1 503"), "{reply}");
    assert!(reply.contains("retry-after: 1") && reply.contains("application/problem+json"), "{reply}");
    assert!(took < Duration::from_secs(2), "{took:?}");
    // Another address is still served.
    assert_eq!(healthz(addr).await, "HTTP/1.1 200 OK");
    // Fill the global cap from two more addresses: the next one is refused too.
    for last in [21, 22] {
        for _ in 0..8 {
            held.push(connect_from(last, addr).await);
        }
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut over = connect_from(23, addr).await;
    let (reply, _) = read_until_closed(&mut over, Duration::from_secs(2)).await.expect("refused at once");
    assert!(reply.starts_with("HTTP/1.1 503"), "{reply}");
    // The held connections send nothing: they are closed after the head
    // timeout, and their slots serve others again.
    for (i, s) in held.iter_mut().enumerate() {
        let (_, took) = read_until_closed(s, Duration::from_secs(6)).await.unwrap_or_else(|| panic!("held {i} open"));
        assert!(took < Duration::from_secs(6));
    }
    assert_eq!(healthz(addr).await, "HTTP/1.1 200 OK");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_reads_nothing_is_dropped_after_the_write_timeout() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (_server, addr) = server(dir.path(), &["--write-timeout-ms", "500", "--header-timeout-ms", "60000"]);
    // Pipeline requests for the largest document we serve (far more than the
    // socket buffers hold), then read nothing for 2 s: the server's writes stall.
    let mut s = connect_from(1, addr).await;
    let request = b"GET /openapi.json HTTP/1.1\r\nhost: x\r\n\r\n";
    let start = Instant::now();
    for _ in 0..2_000 {
        match tokio::time::timeout(Duration::from_secs(2), s.write_all(request)).await {
            Ok(Ok(())) => {}
            // Dropped already, or our own writes block because the server stopped reading.
            Ok(Err(_)) | Err(_) => break,
        }
    }
    tokio::time::sleep(Duration::from_secs(2).saturating_sub(start.elapsed())).await;
    // Now drain: the connection must end rather than deliver all 2,000 answers.
    let mut buf = vec![0u8; 1 << 16];
    let mut received = 0usize;
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        assert!(Instant::now() < deadline, "the server kept a non-reading client for over 10 s");
        match tokio::time::timeout(Duration::from_secs(1), s.read(&mut buf)).await {
            Ok(Ok(0) | Err(_)) => break,
            Ok(Ok(n)) => received += n,
            Err(_) => {}
        }
    }
    let all = 2_000 * crate_openapi_len();
    assert!(received < all, "received all {received} bytes: the stalled connection was kept");
}

/// The size of the OpenAPI document the server answers with.
fn crate_openapi_len() -> usize {
    std::fs::metadata(concat!(env!("CARGO_MANIFEST_DIR"), "/../lading-server/openapi.json"))
        .map_or(0, |m| m.len() as usize)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn six_hundred_slow_clients_against_a_512_descriptor_limit_do_not_starve_others() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().expect("tempdir");
    // The server under a 512-descriptor limit, with its default connection caps.
    let wrapper = dir.path().join("lading-512");
    let script = format!("#!/bin/sh\nulimit -n 512 || exit 1\nexec '{}' \"$@\"\n", env!("CARGO_BIN_EXE_lading"));
    std::fs::write(&wrapper, script).expect("write wrapper");
    std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let data = dir.path().join("data");
    let server = Lading::new(wrapper.to_str().expect("utf-8"), dir.path()).serve(&[
        "--data",
        data.to_str().expect("utf-8"),
        "--header-timeout-ms",
        "1500",
    ]);
    let addr: SocketAddr = server.url.trim_start_matches("http://").parse().expect("address");
    // 600 slow heads from 60 addresses, each cut off by the server or given up after 8 s.
    let mut slow = Vec::new();
    for i in 0..600u16 {
        let last = 2 + u8::try_from(i / 10).expect("< 255");
        let s = connect_from(last, addr).await;
        slow.push(tokio::spawn(trickle(
            s,
            b"GET /healthz HTTP/1.1\r\nhost: x\r\n",
            b"x-slow: yes\r\n",
            Duration::from_secs(8),
        )));
    }
    // A normal client is never kept waiting — 200, or at worst a quick
    // refusal while the cap is full — and is served again and again.
    let start = Instant::now();
    let mut served = 0;
    while start.elapsed() < Duration::from_secs(4) {
        let t = Instant::now();
        let status = healthz(addr).await;
        assert!(t.elapsed() < Duration::from_secs(2), "a normal request waited {:?}", t.elapsed());
        // Past the cap a 503, or under a flood of refusals a connection closed at once.
        assert!(status == "HTTP/1.1 200 OK" || status.starts_with("HTTP/1.1 503") || status.is_empty(), "{status}");
        served += usize::from(status == "HTTP/1.1 200 OK");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(served > 0, "the normal client was never served in 4 s");
    let mut cut = 0;
    for task in slow {
        if task.await.expect("client task").is_some() {
            cut += 1;
        }
    }
    assert_eq!(cut, 600, "every slow client was cut off or refused");
    // And the server is still there.
    assert_eq!(healthz(addr).await, "HTTP/1.1 200 OK");
}
