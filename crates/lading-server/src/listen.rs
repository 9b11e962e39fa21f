//! Serving the router on a TCP listener with limits on connections.
//!
//! `axum::serve` has no timeouts and no connection caps, so one client
//! that opens many sockets, or sends its request one byte at a time
//! ("slow loris"), could hold every slot or descriptor of the server.
//! [`serve`] is our own accept loop over hyper's HTTP/1 connection, with:
//!
//! - a **head timeout**: a request's line and headers must arrive within
//!   it, counted from when the connection is ready for a request — so it
//!   is also the idle keep-alive timeout (hyper arms the same timer while
//!   waiting for the next request);
//! - a **body deadline**: a body must arrive at an average of at least
//!   [`ConnectionLimits::min_body_rate`] bytes per second after a grace
//!   period of [`ConnectionLimits::body_timeout`] (a large upload on a good
//!   link goes through, a body trickled a byte at a time is cut off after
//!   the grace period);
//! - a **write stall timeout**: a client that stops reading its response
//!   is dropped after [`ConnectionLimits::write_timeout`];
//! - a cap on **concurrent connections** and one **per client address**:
//!   a connection past either cap is answered with `503 Service
//!   Unavailable` (an RFC 9457 problem, `Retry-After: 1`) once its request
//!   head is in, and closed — within one second, and at most 64 refusals
//!   at a time (past that a connection is closed unanswered).

use std::collections::HashMap;
use std::future::Future;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::Request;
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt as _;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::{Instant, Sleep};
use tower::ServiceExt as _;

/// Limits on the connections [`serve`] keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// Time allowed for a request's head, from when the connection is ready
    /// for a request (also the idle keep-alive timeout).
    pub header_timeout: Duration,
    /// Grace period for a request body, after which it must have arrived at
    /// [`Self::min_body_rate`] on average.
    pub body_timeout: Duration,
    /// Least average rate of a request body, in bytes per second, after
    /// [`Self::body_timeout`].
    pub min_body_rate: u64,
    /// How long a response write may make no progress.
    pub write_timeout: Duration,
    /// Most connections open at once.
    pub max_connections: usize,
    /// Most connections open at once from one client address.
    pub max_per_client: usize,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        Self {
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(10),
            min_body_rate: 64 * 1024,
            write_timeout: Duration::from_secs(10),
            max_connections: 1024,
            max_per_client: 64,
        }
    }
}

/// The answer to a connection past a cap.
static REFUSAL: std::sync::LazyLock<Vec<u8>> = std::sync::LazyLock::new(|| {
    let body = serde_json::json!({
        "type": "urn:lading:problem:unavailable",
        "title": "Service Unavailable",
        "status": 503,
        "detail": "too many open connections (in all, or from this address); retry in a moment",
    })
    .to_string();
    format!(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/problem+json\r\nretry-after: 1\r\n\
         connection: close\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
});

/// Refusals answered at once; past it a connection is closed unanswered.
const MAX_REFUSING: usize = 64;

/// How long a refusal may take in all.
const REFUSAL_TIME: Duration = Duration::from_secs(1);

/// Answers a connection past a cap with [`REFUSAL`]: reads the request's
/// head first (a client that gets an answer before it sent its request
/// takes it for a broken connection), then writes, then reads what is left
/// for a moment (closing with unread bytes resets the connection, which
/// can destroy the answer before the client reads it). At most
/// [`REFUSAL_TIME`] and 64 KiB in all.
async fn refuse(mut stream: TcpStream) {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let mut buf = [0u8; 4096];
    let _ = tokio::time::timeout(REFUSAL_TIME / 2, async {
        let mut head = Vec::new();
        while head.len() < 16 * 1024 && !head.windows(4).any(|w| w == b"\r\n\r\n") {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => head.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    let _ = tokio::time::timeout(REFUSAL_TIME / 2, async {
        if stream.write_all(&REFUSAL).await.is_ok() && stream.shutdown().await.is_ok() {
            let mut drained = 0;
            while drained < 64 * 1024 {
                match stream.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => drained += n,
                }
            }
        }
    })
    .await;
}

/// Connections open, in all and per client address.
#[derive(Debug, Default)]
struct Slots {
    total: usize,
    per_client: HashMap<IpAddr, usize>,
}

/// A connection's place in [`Slots`], given back when dropped.
struct Slot {
    slots: Arc<Mutex<Slots>>,
    client: IpAddr,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
        slots.total = slots.total.saturating_sub(1);
        if let Some(n) = slots.per_client.get_mut(&self.client) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                slots.per_client.remove(&self.client);
            }
        }
    }
}

/// A slot for a connection from `client`, if neither cap is reached.
fn take_slot(slots: &Arc<Mutex<Slots>>, limits: &ConnectionLimits, client: IpAddr) -> Option<Slot> {
    let mut s = slots.lock().unwrap_or_else(PoisonError::into_inner);
    let from_client = s.per_client.get(&client).copied().unwrap_or(0);
    if s.total >= limits.max_connections || from_client >= limits.max_per_client {
        return None;
    }
    s.total += 1;
    s.per_client.insert(client, from_client + 1);
    Some(Slot { slots: Arc::clone(slots), client })
}

/// A certificate chain and its private key in PEM files: read at start and
/// again by [`Tls::reload`] (on SIGHUP), so a renewed certificate is served
/// without a restart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFiles {
    /// The chain, leaf first.
    pub cert: std::path::PathBuf,
    /// Its private key (PKCS#8, SEC1 or PKCS#1).
    pub key: std::path::PathBuf,
}

/// Why a TLS configuration was not loaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TlsError {
    /// A PEM file could not be read or parsed.
    #[error("{path}: {why}")]
    Pem {
        /// The file.
        path: String,
        /// What is wrong with it.
        why: String,
    },
    /// rustls refused the pair (a key that does not match the certificate,
    /// an unsupported key type).
    #[error("the certificate and key were refused: {0}")]
    Refused(String),
}

impl TlsFiles {
    /// Reads both files into a server configuration (TLS 1.2 and 1.3,
    /// ALPN `http/1.1`).
    ///
    /// # Errors
    /// [`TlsError`] naming the file, or the refusal.
    pub fn load(&self) -> Result<Arc<tokio_rustls::rustls::ServerConfig>, TlsError> {
        use rustls_pki_types::pem::PemObject as _;
        use rustls_pki_types::{CertificateDer, PrivateKeyDer};
        let cert_path = self.cert.display().to_string();
        let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(&self.cert)
            .and_then(Iterator::collect)
            .map_err(|e| TlsError::Pem { path: cert_path.clone(), why: e.to_string() })?;
        if certs.is_empty() {
            return Err(TlsError::Pem { path: cert_path, why: "no CERTIFICATE block".into() });
        }
        let key = PrivateKeyDer::from_pem_file(&self.key)
            .map_err(|e| TlsError::Pem { path: self.key.display().to_string(), why: e.to_string() })?;
        // ring, not aws-lc-rs: aws-lc-rs builds a C library with cmake
        // (minutes on the 2-core machine). rustls deprecates ring's provider
        // only for lacking post-quantum key exchange; its suites are sound.
        #[allow(deprecated)]
        let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
        let mut config = tokio_rustls::rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| TlsError::Refused(e.to_string()))?
            .with_no_client_auth()
            .with_single_cert(certs, key)
            .map_err(|e| TlsError::Refused(e.to_string()))?;
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Arc::new(config))
    }
}

/// The TLS configuration [`serve_with`] uses for each new connection;
/// [`Tls::reload`] swaps it while connections stay open.
#[derive(Debug)]
pub struct Tls {
    files: TlsFiles,
    current: std::sync::RwLock<Arc<tokio_rustls::rustls::ServerConfig>>,
}

impl Tls {
    /// Loads `files` now.
    ///
    /// # Errors
    /// As [`TlsFiles::load`].
    pub fn new(files: TlsFiles) -> Result<Self, TlsError> {
        let config = files.load()?;
        Ok(Self { files, current: std::sync::RwLock::new(config) })
    }

    /// Reads the files again; on an error the configuration in use stays.
    ///
    /// # Errors
    /// As [`TlsFiles::load`].
    pub fn reload(&self) -> Result<(), TlsError> {
        let config = self.files.load()?;
        *self.current.write().unwrap_or_else(PoisonError::into_inner) = config;
        Ok(())
    }

    /// The files it reads.
    pub fn files(&self) -> &TlsFiles {
        &self.files
    }

    fn acceptor(&self) -> tokio_rustls::TlsAcceptor {
        tokio_rustls::TlsAcceptor::from(Arc::clone(&self.current.read().unwrap_or_else(PoisonError::into_inner)))
    }
}

/// Serves `router` on `listener` within `limits` until `shutdown` completes,
/// then lets open connections finish their requests (at most `drain` long).
///
/// Handlers can read the client's address with
/// `ConnectInfo<SocketAddr>`.
///
/// # Errors
/// None while serving: a failed accept (out of descriptors, a connection
/// reset before it was accepted) is retried after a short pause.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()> + Send,
    drain: Duration,
) -> std::io::Result<()> {
    serve_with(listener, router, limits, shutdown, drain, None).await
}

/// [`serve`], over TLS when `tls` is given (the handshake must finish
/// within [`ConnectionLimits::header_timeout`]).
///
/// # Errors
/// As [`serve`].
pub async fn serve_with(
    listener: TcpListener,
    router: Router,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()> + Send,
    drain: Duration,
    tls: Option<Arc<Tls>>,
) -> std::io::Result<()> {
    let slots = Arc::new(Mutex::new(Slots::default()));
    let refusing = Arc::new(tokio::sync::Semaphore::new(MAX_REFUSING));
    // Every connection holds a receiver; the sender sees them all gone.
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(());
    let router = router.layer(axum::middleware::from_fn(move |req, next| body_deadline(req, next, limits)));
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(_) => {
                    // EMFILE and friends: give connections time to close.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let Some(slot) = take_slot(&slots, &limits, peer.ip()) else {
            match Arc::clone(&refusing).try_acquire_owned() {
                Ok(permit) => {
                    tokio::spawn(async move {
                        refuse(stream).await;
                        drop(permit);
                    });
                }
                // Too many refusals under way: close at once.
                Err(_) => drop(stream),
            }
            continue;
        };
        let _ = stream.set_nodelay(true);
        let router = router.clone();
        let stop = stop_rx.clone();
        let acceptor = tls.as_ref().map(|t| t.acceptor());
        tokio::spawn(async move {
            let _slot = slot;
            let guarded = StallGuard::new(stream, limits.write_timeout);
            match acceptor {
                None => serve_connection(guarded, router, peer, limits, stop).await,
                Some(acceptor) => {
                    if let Ok(Ok(tls)) = tokio::time::timeout(limits.header_timeout, acceptor.accept(guarded)).await {
                        serve_connection(tls, router, peer, limits, stop).await;
                    }
                }
            }
        });
    }
    drop(listener);
    let _ = stop_tx.send(());
    drop(stop_rx);
    let _ = tokio::time::timeout(drain, stop_tx.closed()).await;
    Ok(())
}

/// One connection's requests, until it closes or the server stops (then
/// the request in progress finishes first).
async fn serve_connection<I>(
    io: I,
    router: Router,
    peer: std::net::SocketAddr,
    limits: ConnectionLimits,
    mut stop: tokio::sync::watch::Receiver<()>,
) where
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let service = hyper::service::service_fn(move |mut req: Request<hyper::body::Incoming>| {
        req.extensions_mut().insert(ConnectInfo(peer));
        router.clone().oneshot(req.map(Body::new))
    });
    let conn = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .keep_alive(true)
        .serve_connection(TokioIo::new(io), service);
    tokio::pin!(conn);
    tokio::select! {
        _ = conn.as_mut() => return,
        _ = stop.changed() => conn.as_mut().graceful_shutdown(),
    }
    let _ = conn.await;
}

/// Why a request body was cut off.
#[derive(Debug, thiserror::Error)]
#[error("request body too slow: {received} bytes after {elapsed_ms} ms")]
struct SlowBody {
    received: u64,
    elapsed_ms: u128,
}

/// Wraps the request body so that reading it fails once it falls behind
/// the deadline of [`ConnectionLimits`]; the handler then answers (axum's
/// body extractors reject the request) and hyper closes the connection,
/// whose body was not read to its end.
async fn body_deadline(req: Request<Body>, next: axum::middleware::Next, limits: ConnectionLimits) -> Response {
    let start = Instant::now();
    let cut_off = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let (parts, body) = req.into_parts();
    let deadline = move |received: u64| {
        // Precision is irrelevant here: whole bytes at whole bytes per second.
        #[allow(clippy::cast_precision_loss)]
        let earned = Duration::from_secs_f64(received as f64 / limits.min_body_rate.max(1) as f64);
        start + limits.body_timeout + earned
    };
    let stream = body.into_data_stream();
    let flag = Arc::clone(&cut_off);
    let timed = futures_util::stream::unfold(Some((stream, 0u64)), move |state| {
        let flag = Arc::clone(&flag);
        async move {
            let (mut stream, received) = state?;
            match tokio::time::timeout_at(deadline(received), stream.next()).await {
                Ok(Some(Ok(chunk))) => {
                    let received = received + chunk.len() as u64;
                    Some((Ok(chunk), Some((stream, received))))
                }
                Ok(Some(Err(e))) => Some((Err(e), None)),
                Ok(None) => None,
                Err(_) => {
                    flag.store(true, std::sync::atomic::Ordering::Relaxed);
                    let slow = SlowBody { received, elapsed_ms: start.elapsed().as_millis() };
                    Some((Err(axum::Error::new(slow)), None))
                }
            }
        }
    });
    let response = next.run(Request::from_parts(parts, Body::from_stream(timed))).await;
    if cut_off.load(std::sync::atomic::Ordering::Relaxed) {
        let detail = format!(
            "the request body arrived slower than {} bytes per second after {} ms",
            limits.min_body_rate,
            limits.body_timeout.as_millis()
        );
        let mut r = crate::ApiError::Timeout(detail).into_response();
        r.headers_mut().insert(axum::http::header::CONNECTION, axum::http::HeaderValue::from_static("close"));
        return r;
    }
    response
}

/// A stream whose writes fail once they have made no progress for a while.
struct StallGuard {
    stream: TcpStream,
    timeout: Duration,
    stalled_since: Option<Pin<Box<Sleep>>>,
}

impl StallGuard {
    fn new(stream: TcpStream, timeout: Duration) -> Self {
        Self { stream, timeout, stalled_since: None }
    }

    /// `Ready(Err)` once a pending write has waited past the timeout.
    fn poll_stall(&mut self, cx: &mut Context<'_>) -> Poll<std::io::Error> {
        let timeout = self.timeout;
        let sleep = self.stalled_since.get_or_insert_with(|| Box::pin(tokio::time::sleep(timeout)));
        match sleep.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                format!("the client read nothing for {} ms", timeout.as_millis()),
            )),
            Poll::Pending => Poll::Pending,
        }
    }

    /// Passes `result` on; a pending write arms the stall timer, progress
    /// disarms it. (A flush of a TCP stream is always ready, so only writes
    /// count as progress.)
    fn track<T>(
        &mut self,
        cx: &mut Context<'_>,
        result: Poll<std::io::Result<T>>,
        progress: bool,
    ) -> Poll<std::io::Result<T>> {
        match result {
            Poll::Pending => match self.poll_stall(cx) {
                Poll::Ready(e) => Poll::Ready(Err(e)),
                Poll::Pending => Poll::Pending,
            },
            ready => {
                if progress {
                    self.stalled_since = None;
                }
                ready
            }
        }
    }
}

impl AsyncRead for StallGuard {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for StallGuard {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<std::io::Result<usize>> {
        let result = Pin::new(&mut self.stream).poll_write(cx, buf);
        self.track(cx, result, true)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        let result = Pin::new(&mut self.stream).poll_flush(cx);
        self.track(cx, result, false)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        let result = Pin::new(&mut self.stream).poll_shutdown(cx);
        self.track(cx, result, false)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        let result = Pin::new(&mut self.stream).poll_write_vectored(cx, bufs);
        self.track(cx, result, true)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }
}

/// The address a request came from, when it was served by [`serve`]
/// (`None` for a request handed to the router otherwise, as tests do).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub Option<IpAddr>);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(parts.extensions.get::<ConnectInfo<std::net::SocketAddr>>().map(|c| c.0.ip())))
    }
}
