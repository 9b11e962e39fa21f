//! Syslog over the network: RFC 5424 messages over TCP (RFC 6587, octet
//! counting or LF framing, chosen per connection by its first byte: a digit
//! means octet counting), over TLS (RFC 5425) and over UDP (RFC 5426, one
//! message per datagram). Where the messages go — parsing them with the
//! stream's metadata and appending them — is the composition root's
//! business ([`SyslogSink`]).
//!
//! Durability: a TCP or TLS connection is read in chunks; the complete
//! messages of a chunk are appended and committed durably *before* the
//! connection is read again. Syslog over TCP has no acknowledgement at the
//! application level, so this is the whole guarantee: bytes the listener
//! has not committed are bytes it has not read, and they are still in the
//! sender's socket buffer (or lost with the sender's connection, which the
//! sender sees as a reset). UDP gives no guarantee at all.
//!
//! A bad message (not UTF-8, not RFC 5424, refused by the stream) is
//! logged with the peer, its message number on the connection and its
//! byte offset, counted, and skipped; the connection stays open. A frame
//! longer than the cap is refused the same way and the reader
//! resynchronises: LF framing skips to the next LF, octet counting skips
//! the announced length. Only a malformed octet count (which leaves no way
//! to find the next frame) closes the connection, with a logged reason.

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt as _};
use tokio::net::{TcpListener, UdpSocket};
use tokio::sync::{mpsc, watch};
use tokio_rustls::rustls::ServerConfig;

use crate::listen::{TlsError, TlsFiles};

/// Longest frame accepted unless configured otherwise (a log entry is at
/// most 64 KiB, and so is a line `lading maint ingest` reads).
pub const DEFAULT_MAX_FRAME: usize = 64 * 1024;
/// Bytes read from a connection at a time (each read is committed before the next).
const READ_CHUNK: usize = 64 * 1024;
/// Datagrams appended together at most.
const UDP_BATCH: usize = 1024;
/// How long a TLS handshake may take.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// Digits of an octet count at most (RFC 6587 sets no limit; ten is beyond any cap).
const MAX_COUNT_DIGITS: usize = 10;
/// TCP and TLS connections served at once unless configured otherwise.
pub const DEFAULT_MAX_CONNECTIONS: usize = 1024;
/// Connections one client address may hold at once unless configured otherwise.
pub const DEFAULT_MAX_CONNECTIONS_PER_CLIENT: usize = 16;

/// How much a listener takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    /// Longest message accepted, in bytes.
    pub max_frame: usize,
    /// TCP and TLS connections served at once; more are closed on accept.
    pub max_connections: usize,
    /// Connections one client address may hold at once, so that one
    /// sender's idle connections cannot take every slot.
    pub max_connections_per_client: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            max_frame: DEFAULT_MAX_FRAME,
            max_connections: DEFAULT_MAX_CONNECTIONS,
            max_connections_per_client: DEFAULT_MAX_CONNECTIONS_PER_CLIENT,
        }
    }
}

/// One message read from a peer, not yet parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// 1-based number of the message on its connection (UDP: on the listener).
    pub number: u64,
    /// Byte offset of the frame in the connection (UDP: 0).
    pub offset: u64,
    /// The message, its framing (octet count, trailing LF or CR LF) removed.
    pub text: String,
}

/// What a sink made of messages.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Appended {
    /// Messages appended (durably, before this is returned).
    pub accepted: u64,
    /// Messages refused: their number and why.
    pub refused: Vec<(u64, String)>,
}

/// A boxed future, for the object-safe [`SyslogSink`].
pub type SyslogFuture = Pin<Box<dyn Future<Output = Result<Appended, String>> + Send>>;

/// Where received syslog messages go.
pub trait SyslogSink: Send + Sync + 'static {
    /// Parses each message and appends the good ones in one durable
    /// commit, refusing the others one by one. An `Err` means nothing could
    /// be appended (storage unavailable).
    fn append(&self, messages: Vec<Message>) -> SyslogFuture;
}

/// Counters of a listener, for the summary and metrics.
#[derive(Debug, Default)]
pub struct Stats {
    /// TCP and TLS connections accepted.
    pub connections: AtomicU64,
    /// Messages received (good or bad, oversized ones included).
    pub received: AtomicU64,
    /// Messages appended.
    pub stored: AtomicU64,
    /// Messages refused (not UTF-8, not RFC 5424, refused by the stream).
    pub refused: AtomicU64,
    /// Frames longer than the cap.
    pub oversized: AtomicU64,
    /// Connections closed by the listener: malformed octet count, storage failure.
    pub closed: AtomicU64,
    /// Connections closed on accept: the listener or the client was at its cap.
    pub turned_away: AtomicU64,
}

impl Stats {
    /// The counters as JSON numbers.
    pub fn to_json(&self) -> serde_json::Value {
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        serde_json::json!({
            "connections": get(&self.connections),
            "received": get(&self.received),
            "stored": get(&self.stored),
            "refused": get(&self.refused),
            "oversized": get(&self.oversized),
            "closed": get(&self.closed),
            "turned_away": get(&self.turned_away),
        })
    }
}

/// The sockets to serve, already bound.
#[derive(Default)]
pub struct Listeners {
    /// Plain TCP (RFC 6587).
    pub tcp: Option<TcpListener>,
    /// UDP (RFC 5426).
    pub udp: Option<UdpSocket>,
    /// TLS over TCP (RFC 5425), with its configuration from [`tls_config`].
    pub tls: Option<(TcpListener, Arc<ServerConfig>)>,
}

/// The rustls configuration of `lading serve` (same files, same checks),
/// without ALPN: syslog clients offer none.
///
/// # Errors
/// As [`TlsFiles::load`].
pub fn tls_config(files: &TlsFiles) -> Result<Arc<ServerConfig>, TlsError> {
    let mut config = (*files.load()?).clone();
    config.alpn_protocols.clear();
    Ok(Arc::new(config))
}

/// A frame cut from a byte stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frame {
    /// A complete frame.
    Message {
        /// 1-based number on the connection.
        number: u64,
        /// Offset of the frame (its octet count, if any) in the stream.
        offset: u64,
        /// The frame's bytes, without octet count or LF.
        bytes: Vec<u8>,
    },
    /// A frame longer than the cap, skipped.
    Oversized {
        /// 1-based number on the connection.
        number: u64,
        /// Offset of the frame in the stream.
        offset: u64,
        /// Its announced length (octet counting), or `None` (LF framing: at least the cap).
        length: Option<u64>,
    },
}

/// The octet count of a frame is malformed: the stream cannot be resynchronised.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("byte offset {offset}: {why}")]
pub struct FramingError {
    /// Where the count starts.
    pub offset: u64,
    /// What is wrong.
    pub why: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Framing {
    Unknown,
    OctetCounting,
    Lf,
}

/// Cuts a TCP byte stream into frames (RFC 6587), keeping only an
/// incomplete frame between reads (never more than the cap).
#[derive(Debug)]
pub struct Framer {
    max: usize,
    framing: Framing,
    buf: Vec<u8>,
    /// Offset of `buf[0]` in the stream.
    base: u64,
    /// Bytes of an oversized octet-counted frame still to skip.
    skip: u64,
    /// Skipping an oversized LF-framed frame up to its LF.
    discarding: bool,
    number: u64,
}

impl Framer {
    /// A framer refusing frames longer than `max` bytes.
    pub fn new(max: usize) -> Self {
        Self { max, framing: Framing::Unknown, buf: Vec::new(), base: 0, skip: 0, discarding: false, number: 0 }
    }

    /// Bytes of an incomplete frame held.
    pub fn pending(&self) -> usize {
        self.buf.len()
    }

    fn next_number(&mut self) -> u64 {
        self.number += 1;
        self.number
    }

    /// Takes `data`, appending every frame it completes to `out`.
    ///
    /// # Errors
    /// A malformed octet count; the frames before it are in `out`.
    pub fn push(&mut self, data: &[u8], out: &mut Vec<Frame>) -> Result<(), FramingError> {
        if self.framing == Framing::Unknown
            && let Some(&first) = data.first()
        {
            self.framing = if first.is_ascii_digit() { Framing::OctetCounting } else { Framing::Lf };
        }
        self.buf.extend_from_slice(data);
        let mut pos = 0;
        let result = match self.framing {
            Framing::Unknown => Ok(()),
            Framing::OctetCounting => self.octet_frames(&mut pos, out),
            Framing::Lf => {
                self.lf_frames(&mut pos, out);
                Ok(())
            }
        };
        self.buf.drain(..pos);
        self.base += pos as u64;
        result
    }

    /// The end of the stream: an LF-framed message without its LF is
    /// complete (the peer closed after it); anything else left is a
    /// truncated frame, returned as an error.
    pub fn finish(&mut self, out: &mut Vec<Frame>) -> Result<(), FramingError> {
        if self.buf.is_empty() && self.skip == 0 {
            return Ok(());
        }
        let offset = self.base;
        if self.framing == Framing::Lf && !self.discarding {
            let bytes = std::mem::take(&mut self.buf);
            let number = self.next_number();
            out.push(Frame::Message { number, offset, bytes });
            return Ok(());
        }
        let held = self.buf.len();
        self.buf.clear();
        Err(FramingError { offset, why: format!("the connection ended inside a frame ({held} bytes of it received)") })
    }

    fn octet_frames(&mut self, pos: &mut usize, out: &mut Vec<Frame>) -> Result<(), FramingError> {
        loop {
            if self.skip > 0 {
                let n = self.skip.min((self.buf.len() - *pos) as u64);
                *pos += usize::try_from(n).unwrap_or(usize::MAX);
                self.skip -= n;
                if self.skip > 0 {
                    return Ok(());
                }
            }
            // Tolerate an LF (or CR LF) after a frame: some senders add one.
            while matches!(self.buf.get(*pos), Some(b'\n' | b'\r')) {
                *pos += 1;
            }
            let start = *pos;
            let offset = self.base + start as u64;
            let rest = &self.buf[start..];
            let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
            if digits > MAX_COUNT_DIGITS {
                return Err(FramingError {
                    offset,
                    why: format!("an octet count of more than {MAX_COUNT_DIGITS} digits"),
                });
            }
            match rest.get(digits) {
                None => return Ok(()),
                Some(b' ') if digits > 0 && rest[0] != b'0' => {}
                Some(&b) => {
                    return Err(FramingError {
                        offset,
                        why: format!(
                            "expected an octet count (a non-zero number without leading zeros, then a space), found byte 0x{b:02x} at offset {}",
                            offset + digits as u64
                        ),
                    });
                }
            }
            let length: u64 =
                std::str::from_utf8(&rest[..digits]).ok().and_then(|s| s.parse().ok()).unwrap_or(u64::MAX);
            let body = start + digits + 1;
            if length > self.max as u64 {
                let number = self.next_number();
                out.push(Frame::Oversized { number, offset, length: Some(length) });
                *pos = body;
                self.skip = length;
                continue;
            }
            let length = usize::try_from(length).unwrap_or(usize::MAX);
            if self.buf.len() - body < length {
                return Ok(());
            }
            let number = self.next_number();
            out.push(Frame::Message { number, offset, bytes: self.buf[body..body + length].to_vec() });
            *pos = body + length;
        }
    }

    fn lf_frames(&mut self, pos: &mut usize, out: &mut Vec<Frame>) {
        loop {
            let start = *pos;
            let found = self.buf[start..].iter().position(|&b| b == b'\n');
            if self.discarding {
                match found {
                    Some(i) => {
                        *pos = start + i + 1;
                        self.discarding = false;
                        continue;
                    }
                    None => {
                        *pos = self.buf.len();
                        return;
                    }
                }
            }
            let offset = self.base + start as u64;
            match found {
                Some(i) if i <= self.max => {
                    let number = self.next_number();
                    out.push(Frame::Message { number, offset, bytes: self.buf[start..start + i].to_vec() });
                    *pos = start + i + 1;
                }
                Some(i) => {
                    let number = self.next_number();
                    out.push(Frame::Oversized { number, offset, length: None });
                    *pos = start + i + 1;
                }
                None if self.buf.len() - start > self.max => {
                    let number = self.next_number();
                    out.push(Frame::Oversized { number, offset, length: None });
                    *pos = self.buf.len();
                    self.discarding = true;
                    return;
                }
                None => return,
            }
        }
    }
}

/// A frame's text: UTF-8, a trailing LF or CR LF removed (as a line of a
/// file loses it), `None` when blank (blank lines of a file are skipped too).
///
/// # Errors
/// Where the text stops being UTF-8.
pub fn frame_text(bytes: Vec<u8>) -> Result<Option<String>, String> {
    let mut text = String::from_utf8(bytes)
        .map_err(|e| format!("not UTF-8 (from byte {} of the message)", e.utf8_error().valid_up_to()))?;
    if text.ends_with('\n') {
        text.pop();
    }
    if text.ends_with('\r') {
        text.pop();
    }
    Ok(if text.trim().is_empty() { None } else { Some(text) })
}

/// What every connection shares.
struct Shared {
    sink: Arc<dyn SyslogSink>,
    stats: Arc<Stats>,
    max_frame: usize,
    slots: Arc<tokio::sync::Semaphore>,
    per_client: std::sync::Mutex<std::collections::HashMap<std::net::IpAddr, usize>>,
    max_per_client: usize,
}

/// A connection's hold on its slots: the listener's and its client's.
struct Held {
    shared: Arc<Shared>,
    ip: std::net::IpAddr,
    _slot: tokio::sync::OwnedSemaphorePermit,
}

impl Drop for Held {
    fn drop(&mut self) {
        let mut clients = self.shared.per_client.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(n) = clients.get_mut(&self.ip) {
            *n -= 1;
            if *n == 0 {
                clients.remove(&self.ip);
            }
        }
    }
}

impl Shared {
    /// A slot for a connection from `peer`, or why there is none.
    fn hold(self: &Arc<Self>, peer: SocketAddr) -> Result<Held, String> {
        let Ok(slot) = Arc::clone(&self.slots).try_acquire_owned() else {
            return Err("the listener serves its maximum of connections".to_owned());
        };
        let mut clients = self.per_client.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let n = clients.entry(peer.ip()).or_insert(0);
        if *n >= self.max_per_client {
            return Err(format!("{} already holds {} connections, its maximum", peer.ip(), *n));
        }
        *n += 1;
        Ok(Held { shared: Arc::clone(self), ip: peer.ip(), _slot: slot })
    }
}

impl Shared {
    /// Turns frames into messages, appends them and logs and counts what
    /// was refused. Returns only after the commit.
    async fn commit(&self, peer: &str, frames: Vec<Frame>) -> Result<(), String> {
        let mut messages = Vec::with_capacity(frames.len());
        for frame in frames {
            self.stats.received.fetch_add(1, Ordering::Relaxed);
            match frame {
                Frame::Message { number, offset, bytes } => match frame_text(bytes) {
                    Ok(Some(text)) => messages.push(Message { number, offset, text }),
                    Ok(None) => {
                        self.stats.received.fetch_sub(1, Ordering::Relaxed);
                    }
                    Err(why) => {
                        self.stats.refused.fetch_add(1, Ordering::Relaxed);
                        tracing::warn!(peer, message_number = number, offset, "syslog message refused: {why}");
                    }
                },
                Frame::Oversized { number, offset, length } => {
                    self.stats.oversized.fetch_add(1, Ordering::Relaxed);
                    let size =
                        length.map_or_else(|| format!("more than {} bytes", self.max_frame), |l| format!("{l} bytes"));
                    tracing::warn!(
                        peer,
                        message_number = number,
                        offset,
                        "syslog message refused: {size}, the cap is {} bytes; skipped",
                        self.max_frame
                    );
                }
            }
        }
        if messages.is_empty() {
            return Ok(());
        }
        let offsets: std::collections::HashMap<u64, u64> = messages.iter().map(|m| (m.number, m.offset)).collect();
        let appended = self.sink.append(messages).await?;
        self.stats.stored.fetch_add(appended.accepted, Ordering::Relaxed);
        for (number, why) in appended.refused {
            self.stats.refused.fetch_add(1, Ordering::Relaxed);
            let offset = offsets.get(&number).copied().unwrap_or(0);
            tracing::warn!(peer, message_number = number, offset, "syslog message refused: {why}");
        }
        Ok(())
    }

    /// Reads a TCP or TLS connection until it ends or `shutdown` is set,
    /// committing what each read completes before reading again.
    async fn read_connection<R: AsyncRead + Unpin>(&self, mut io: R, peer: &str, mut shutdown: watch::Receiver<bool>) {
        let mut framer = Framer::new(self.max_frame);
        let mut chunk = vec![0u8; READ_CHUNK];
        loop {
            let read = tokio::select! {
                biased;
                () = stopped(&mut shutdown) => {
                    if framer.pending() > 0 {
                        tracing::info!(peer, "shutting down: {} bytes of an incomplete frame discarded", framer.pending());
                    }
                    return;
                }
                r = io.read(&mut chunk) => r,
            };
            let mut frames = Vec::new();
            let (framing, ended) = match read {
                Ok(0) => (framer.finish(&mut frames), true),
                Ok(n) => (framer.push(&chunk[..n], &mut frames), false),
                Err(e) => {
                    tracing::info!(peer, "syslog connection ended: {e}");
                    (framer.finish(&mut frames), true)
                }
            };
            if let Err(why) = self.commit(peer, frames).await {
                self.stats.closed.fetch_add(1, Ordering::Relaxed);
                tracing::error!(peer, "closing the syslog connection: nothing could be appended: {why}");
                return;
            }
            if let Err(e) = framing {
                if ended {
                    self.stats.refused.fetch_add(1, Ordering::Relaxed);
                    tracing::warn!(peer, offset = e.offset, "syslog message refused: {}", e.why);
                } else {
                    self.stats.closed.fetch_add(1, Ordering::Relaxed);
                    tracing::warn!(peer, offset = e.offset, "closing the syslog connection: {}", e.why);
                }
                return;
            }
            if ended {
                return;
            }
        }
    }
}

/// Serves `listeners` until `shutdown` completes, then stops accepting and
/// reading and returns once every commit in flight has finished (what was
/// read is committed; what was not is left to the senders).
pub async fn serve(
    listeners: Listeners,
    sink: Arc<dyn SyslogSink>,
    stats: Arc<Stats>,
    settings: Settings,
    shutdown: impl Future<Output = ()> + Send,
) {
    let shared = Arc::new(Shared {
        sink,
        stats,
        max_frame: settings.max_frame,
        slots: Arc::new(tokio::sync::Semaphore::new(settings.max_connections)),
        per_client: std::sync::Mutex::default(),
        max_per_client: settings.max_connections_per_client,
    });
    let (stop_tx, stop_rx) = watch::channel(false);
    // Every task holds a sender; when all are dropped, everything is committed.
    let (done_tx, mut done_rx) = mpsc::channel::<()>(1);
    if let Some(listener) = listeners.tcp {
        tokio::spawn(accept(listener, None, Arc::clone(&shared), stop_rx.clone(), done_tx.clone()));
    }
    if let Some((listener, config)) = listeners.tls {
        tokio::spawn(accept(listener, Some(config), Arc::clone(&shared), stop_rx.clone(), done_tx.clone()));
    }
    if let Some(socket) = listeners.udp {
        tokio::spawn(receive(socket, Arc::clone(&shared), stop_rx.clone(), done_tx.clone()));
    }
    drop(done_tx);
    shutdown.await;
    let _ = stop_tx.send(true);
    let _ = done_rx.recv().await;
}

async fn accept(
    listener: TcpListener,
    tls: Option<Arc<ServerConfig>>,
    shared: Arc<Shared>,
    mut stop: watch::Receiver<bool>,
    done: mpsc::Sender<()>,
) {
    let acceptor = tls.map(tokio_rustls::TlsAcceptor::from);
    loop {
        let (stream, peer) = tokio::select! {
            biased;
            () = stopped(&mut stop) => return,
            r = listener.accept() => match r {
                Ok(a) => a,
                Err(e) => {
                    tracing::warn!("syslog accept failed: {e}; retrying");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let held = match shared.hold(peer) {
            Ok(held) => held,
            Err(why) => {
                shared.stats.turned_away.fetch_add(1, Ordering::Relaxed);
                tracing::warn!(peer = %peer, "syslog connection closed on accept: {why}");
                drop(stream);
                continue;
            }
        };
        shared.stats.connections.fetch_add(1, Ordering::Relaxed);
        let (shared, stop, done, acceptor) = (Arc::clone(&shared), stop.clone(), done.clone(), acceptor.clone());
        tokio::spawn(async move {
            let _done = done;
            let _held = held;
            let peer = peer_name(peer);
            match acceptor {
                None => shared.read_connection(stream, &peer, stop).await,
                Some(acceptor) => match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await {
                    Ok(Ok(tls)) => shared.read_connection(tls, &peer, stop).await,
                    Ok(Err(e)) => tracing::warn!(peer, "syslog TLS handshake failed: {e}"),
                    Err(_) => tracing::warn!(peer, "syslog TLS handshake took longer than {HANDSHAKE_TIMEOUT:?}"),
                },
            }
        });
    }
}

async fn receive(socket: UdpSocket, shared: Arc<Shared>, mut stop: watch::Receiver<bool>, done: mpsc::Sender<()>) {
    let _done = done;
    // One byte more than the largest UDP payload, so a longer one is seen as such.
    let mut buf = vec![0u8; 65_536];
    let mut number = 0u64;
    loop {
        let first = tokio::select! {
            biased;
            () = stopped(&mut stop) => return,
            r = socket.recv_from(&mut buf) => r,
        };
        let mut datagrams = Vec::new();
        let mut next = first;
        loop {
            match next {
                Ok((n, peer)) => {
                    number += 1;
                    let frame = if n > shared.max_frame {
                        Frame::Oversized { number, offset: 0, length: Some(n as u64) }
                    } else {
                        Frame::Message { number, offset: 0, bytes: buf[..n].to_vec() }
                    };
                    datagrams.push((peer_name(peer), frame));
                }
                Err(e) => tracing::warn!("syslog UDP receive failed: {e}"),
            }
            if datagrams.len() >= UDP_BATCH {
                break;
            }
            next = match socket.try_recv_from(&mut buf) {
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => break,
                r => r,
            };
        }
        // One commit for the batch; refusals are logged with the listener's address.
        let peers: std::collections::BTreeSet<&str> = datagrams.iter().map(|(p, _)| p.as_str()).collect();
        let peer = peers.into_iter().collect::<Vec<_>>().join(",");
        let frames = datagrams.into_iter().map(|(_, f)| f).collect();
        if let Err(why) = shared.commit(&format!("udp:{peer}"), frames).await {
            tracing::error!("syslog UDP datagrams lost: nothing could be appended: {why}");
        }
    }
}

/// Completes once `stop` is set (or its sender is gone).
async fn stopped(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|s| *s).await;
}

fn peer_name(peer: SocketAddr) -> String {
    peer.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(max: usize, chunks: &[&[u8]]) -> (Vec<Frame>, Result<(), FramingError>) {
        let mut framer = Framer::new(max);
        let mut out = Vec::new();
        for chunk in chunks {
            if let Err(e) = framer.push(chunk, &mut out) {
                return (out, Err(e));
            }
        }
        let end = framer.finish(&mut out);
        (out, end)
    }

    fn texts(frames: &[Frame]) -> Vec<String> {
        frames
            .iter()
            .map(|f| match f {
                Frame::Message { bytes, .. } => String::from_utf8_lossy(bytes).into_owned(),
                Frame::Oversized { .. } => "<oversized>".into(),
            })
            .collect()
    }

    #[test]
    fn octet_counting_across_reads() {
        let (out, end) = frames(100, &[b"5 hel", b"lo3 ab", b"c11 hello world"]);
        assert_eq!(end, Ok(()));
        assert_eq!(texts(&out), ["hello", "abc", "hello world"]);
        assert!(matches!(out[1], Frame::Message { number: 2, offset: 7, .. }), "{out:?}");
    }

    #[test]
    fn lf_framing_and_a_last_line_without_lf() {
        let (out, end) = frames(100, &[b"<1>a\r\n<2>b", b"\n\n<3>c"]);
        assert_eq!(end, Ok(()));
        assert_eq!(texts(&out), ["<1>a\r", "<2>b", "", "<3>c"]);
    }

    #[test]
    fn oversized_frames_are_skipped_and_the_stream_resynchronises() {
        let (out, end) = frames(4, &[b"<1>abcdefgh", b"ij\n<2>\n"]);
        assert_eq!(end, Ok(()));
        assert_eq!(texts(&out), ["<oversized>", "<2>"]);
        let (out, end) = frames(4, &[b"3 abc10 0123", b"456789", b"2 ok"]);
        assert_eq!(end, Ok(()));
        assert_eq!(texts(&out), ["abc", "<oversized>", "ok"]);
        assert!(matches!(out[1], Frame::Oversized { number: 2, offset: 5, length: Some(10) }), "{out:?}");
    }

    #[test]
    fn a_malformed_octet_count_is_an_error_after_the_good_frames() {
        let (out, end) = frames(100, &[b"2 ok<1> no count"]);
        assert_eq!(texts(&out), ["ok"]);
        assert_eq!(end.map_err(|e| e.offset), Err(4));
        let (_, end) = frames(100, &[b"05 hello"]);
        assert!(end.is_err());
        let (_, end) = frames(1 << 30, &[b"12345678901 x"]);
        assert!(end.is_err());
    }

    #[test]
    fn a_truncated_octet_counted_frame_is_reported_at_the_end() {
        let (out, end) = frames(100, &[b"10 abc"]);
        assert!(out.is_empty());
        assert!(end.is_err_and(|e| e.why.contains("6 bytes")));
    }

    #[test]
    fn frame_text_drops_the_lf_and_refuses_bad_utf8() {
        assert_eq!(frame_text(b"<1>a\r\n".to_vec()), Ok(Some("<1>a".into())));
        assert_eq!(frame_text(b"  ".to_vec()), Ok(None));
        assert!(frame_text(vec![b'<', 0xff]).is_err_and(|e| e.contains("byte 1")));
    }
}
