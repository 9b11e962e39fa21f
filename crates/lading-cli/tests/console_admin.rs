//! Issue 24, item 7: the console's admin sign-in, against `lading serve`
//! over loopback. Failed sign-ins are throttled per client address (one
//! address guessing tokens must not lock every admin out), and a form's
//! `Origin` must match the server's scheme as well as its host.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;

use lading_testkit::cli::Lading;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpSocket;

/// `POST /admin/login` with `token` from `127.0.0.<last>`: the status code.
async fn login(server: SocketAddr, last: u8, token: &str, origin: Option<&str>) -> u16 {
    let socket = TcpSocket::new_v4().expect("socket");
    socket.bind(SocketAddr::new(IpAddr::V4(Ipv4Addr::new(127, 0, 0, last)), 0)).expect("bind loopback");
    let mut s = socket.connect(server).await.expect("connect");
    let body = format!("token={token}");
    let origin = origin.map(|o| format!("origin: {o}\r\n")).unwrap_or_default();
    let request = format!(
        "POST /admin/login HTTP/1.1\r\nhost: {server}\r\n{origin}content-type: application/x-www-form-urlencoded\r\n\
         content-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    s.write_all(request.as_bytes()).await.expect("write");
    let mut reply = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), s.read_to_end(&mut reply)).await.expect("answered").expect("read");
    let reply = String::from_utf8_lossy(&reply);
    reply.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or_else(|| panic!("no status: {reply}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_sign_ins_are_throttled_per_address_and_origins_compared_with_their_scheme() {
    let dir = tempfile::tempdir().expect("tempdir");
    let l = Lading::new(env!("CARGO_BIN_EXE_lading"), dir.path());
    let server = l.serve(&["--data", "srv"]);
    let token = l.ok(&["token", "create", "--data", "srv", "--log", "registry", "--scope", "admin"]);
    let token = token.trim();
    let addr: SocketAddr = server.url.trim_start_matches("http://").parse().expect("address");
    let wrong = "lad_00000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    // 127.0.0.2 guesses until it is throttled.
    let mut statuses = Vec::new();
    for _ in 0..11 {
        statuses.push(login(addr, 2, wrong, None).await);
    }
    assert_eq!(statuses.iter().filter(|s| **s == 401).count(), 10, "{statuses:?}");
    assert_eq!(statuses.last(), Some(&429), "{statuses:?}");
    // Even the right token from that address waits out the minute...
    assert_eq!(login(addr, 2, token, None).await, 429);
    // ...but an admin elsewhere signs in (a redirect to /admin with the session).
    assert_eq!(login(addr, 3, token, None).await, 303);
    // The right host with the wrong scheme is another origin: refused.
    let https_origin = format!("https://{addr}");
    assert_eq!(login(addr, 4, token, Some(&https_origin)).await, 403);
    let http_origin = format!("http://{addr}");
    assert_eq!(login(addr, 4, token, Some(&http_origin)).await, 303);
    assert_eq!(login(addr, 4, token, Some(&format!("http://{addr}.evil.example"))).await, 403);
}
