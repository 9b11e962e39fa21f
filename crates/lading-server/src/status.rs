//! Publishing W3C Bitstring Status List credentials at stable URLs.
//!
//! [`routes`] serves each list at one fixed path (the path of the list's
//! `id`, so the URL credentials name is the URL that answers), reading the
//! current bytes from a [`StatusListSource`] on every request: a list
//! updated in place (`lading certify revoke …`) is published at once. The
//! answer carries `Content-Type: application/vc+json`, `Cache-Control:
//! public, max-age=N` (how long a verifier may rely on its copy), an `ETag`
//! (the SHA-256 of the bytes; `If-None-Match` gets `304 Not Modified`) and
//! `Access-Control-Allow-Origin: *` (lists are public; browser verifiers
//! fetch them). The router has no fallback, so it merges with [`crate::app`].

use std::sync::Arc;

use axum::Router;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use sha2::{Digest as _, Sha256};

use crate::error::ApiError;

/// The media type of a status list credential.
pub const MEDIA_TYPE: &str = "application/vc+json";

/// Where the published lists come from (the composition root reads files).
pub trait StatusListSource: Send + Sync + 'static {
    /// The paths served, each starting with `/`.
    fn paths(&self) -> Vec<String>;
    /// The current bytes of the list at `path`, or why it cannot be served
    /// now. Called on the blocking pool.
    fn current(&self, path: &str) -> Result<Vec<u8>, String>;
}

/// The routes publishing `source`'s lists, each cacheable for `max_age_secs`.
pub fn routes(source: Arc<dyn StatusListSource>, max_age_secs: u32) -> Router {
    let cache = HeaderValue::from_str(&format!("public, max-age={max_age_secs}"))
        .unwrap_or(HeaderValue::from_static("no-cache"));
    let mut router = Router::new();
    for path in source.paths() {
        let (source, cache, served) = (Arc::clone(&source), cache.clone(), path.clone());
        router = router.route(
            &path,
            get(move |headers: HeaderMap| {
                let (source, cache, served) = (Arc::clone(&source), cache.clone(), served.clone());
                async move { publish(source, &served, cache, &headers).await }
            }),
        );
    }
    router
}

async fn publish(
    source: Arc<dyn StatusListSource>,
    path: &str,
    cache: HeaderValue,
    headers: &HeaderMap,
) -> Result<Response, ApiError> {
    let owned = path.to_owned();
    let bytes = tokio::task::spawn_blocking(move || source.current(&owned))
        .await
        .map_err(|e| ApiError::Unavailable(format!("reading the status list failed: {e}")))?
        .map_err(|e| ApiError::Unavailable(format!("the status list at {path} cannot be served now: {e}")))?;
    let etag = format!("\"{}\"", hex::encode(Sha256::digest(&bytes)));
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    let mut response = if matches { StatusCode::NOT_MODIFIED.into_response() } else { bytes.into_response() };
    let h = response.headers_mut();
    if !matches {
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static(MEDIA_TYPE));
    }
    h.insert(header::CACHE_CONTROL, cache);
    h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    Ok(response)
}

/// Why a status list could not be fetched.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FetchError {
    /// Not an `http://` or `https://` URL.
    #[error("{url}: only http:// and https:// URLs are fetched; fetch the list another way and give it as a file")]
    Unsupported {
        /// The URL.
        url: String,
    },
    /// The request failed (connection, timeout, redirect).
    #[error("{url}: {message}")]
    Request {
        /// The URL.
        url: String,
        /// What failed.
        message: String,
    },
    /// An answer other than 200 or 304.
    #[error("{url}: answered HTTP {status}")]
    Status {
        /// The URL.
        url: String,
        /// The status code.
        status: u16,
    },
    /// The body is larger than the cap.
    #[error("{url}: the answer is larger than {limit} bytes, the most accepted for a status list")]
    TooLarge {
        /// The URL.
        url: String,
        /// The cap.
        limit: usize,
    },
}

/// What a fetch brought back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetched {
    /// The body; `None` when the server answered 304 (the cached copy is current).
    pub bytes: Option<Vec<u8>>,
    /// The `ETag`, for revalidating later.
    pub etag: Option<String>,
    /// `Cache-Control: max-age`, in seconds, when given.
    pub max_age: Option<u64>,
}

/// GETs the status list at `url` (http:// or https://, no redirects),
/// revalidating with `etag` when given, reading at most `limit` bytes within
/// `timeout`. https is checked against the platform's roots through
/// rustls-platform-verifier (on Linux the system store, or the file named by
/// `SSL_CERT_FILE`).
pub async fn fetch(
    url: &str,
    etag: Option<&str>,
    limit: usize,
    timeout: std::time::Duration,
) -> Result<Fetched, FetchError> {
    let err = |e: reqwest::Error| FetchError::Request { url: url.to_owned(), message: error_chain(&e) };
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return Err(FetchError::Unsupported { url: url.to_owned() });
    }
    let client = crate::http_client::builder()
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(err)?;
    let mut req = client.get(url).header(header::ACCEPT, MEDIA_TYPE);
    if let Some(e) = etag {
        req = req.header(header::IF_NONE_MATCH, e);
    }
    let mut resp = req.send().await.map_err(err)?;
    let header_text =
        |name: header::HeaderName| resp.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let new_etag = header_text(header::ETAG);
    let max_age = header_text(header::CACHE_CONTROL).and_then(|c| cache_seconds(&c));
    match resp.status() {
        StatusCode::NOT_MODIFIED => return Ok(Fetched { bytes: None, etag: new_etag, max_age }),
        StatusCode::OK => {}
        other => return Err(FetchError::Status { url: url.to_owned(), status: other.as_u16() }),
    }
    if resp.content_length().is_some_and(|n| n > limit as u64) {
        return Err(FetchError::TooLarge { url: url.to_owned(), limit });
    }
    let mut bytes = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(err)? {
        if bytes.len() + chunk.len() > limit {
            return Err(FetchError::TooLarge { url: url.to_owned(), limit });
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(Fetched { bytes: Some(bytes), etag: new_etag, max_age })
}

/// An error and its causes (reqwest's own text leaves out why: the TLS or
/// connection failure underneath).
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        let more = c.to_string();
        if !text.contains(&more) {
            text.push_str(": ");
            text.push_str(&more);
        }
        cause = c.source();
    }
    text
}

/// How long a `Cache-Control` value lets a copy be used without asking
/// again: 0 for `no-store` / `no-cache`, else its `max-age`.
fn cache_seconds(cache_control: &str) -> Option<u64> {
    let directives: Vec<String> = cache_control.split(',').map(|d| d.trim().to_ascii_lowercase()).collect();
    if directives.iter().any(|d| d == "no-store" || d == "no-cache") {
        return Some(0);
    }
    directives.iter().find_map(|d| d.strip_prefix("max-age=").and_then(|n| n.trim_matches('"').parse::<u64>().ok()))
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;

    struct Fixed(Mutex<Result<Vec<u8>, String>>);

    impl StatusListSource for Fixed {
        fn paths(&self) -> Vec<String> {
            vec!["/status/revocation".into()]
        }
        fn current(&self, _: &str) -> Result<Vec<u8>, String> {
            self.0.lock().map_err(|e| e.to_string())?.clone()
        }
    }

    #[test]
    fn cache_control_gives_the_time_a_copy_may_be_used() {
        assert_eq!(cache_seconds("public, max-age=300"), Some(300));
        assert_eq!(cache_seconds("Max-Age=\"60\""), Some(60));
        assert_eq!(cache_seconds("max-age=300, no-cache"), Some(0));
        assert_eq!(cache_seconds("no-store"), Some(0));
        assert_eq!(cache_seconds("public"), None);
        assert_eq!(cache_seconds("max-age=-1"), None);
    }

    #[tokio::test]
    async fn lists_are_served_with_cache_headers_and_etags_and_follow_updates() {
        let source = Arc::new(Fixed(Mutex::new(Ok(b"{\"v\":1}".to_vec()))));
        let router = routes(Arc::clone(&source) as Arc<dyn StatusListSource>, 300);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        tokio::spawn(async move { axum::serve(listener, router).await });
        let client = crate::http_client::client();
        let get = |path: &str, etag: Option<&str>| {
            let mut req = client.get(format!("{base}{path}"));
            if let Some(e) = etag {
                req = req.header(header::IF_NONE_MATCH, e);
            }
            req.send()
        };
        let r = get("/status/revocation", None).await.expect("get");
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(r.headers()[header::CONTENT_TYPE], MEDIA_TYPE);
        assert_eq!(r.headers()[header::CACHE_CONTROL], "public, max-age=300");
        assert_eq!(r.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");
        let etag = r.headers()[header::ETAG].to_str().expect("etag").to_owned();
        assert_eq!(etag, format!("\"{}\"", hex::encode(Sha256::digest(b"{\"v\":1}"))));
        assert_eq!(&r.bytes().await.expect("body")[..], b"{\"v\":1}");
        assert_eq!(get("/status/revocation", Some(&etag)).await.expect("get").status(), StatusCode::NOT_MODIFIED);
        // A new version: the old ETag no longer matches.
        *source.0.lock().expect("lock") = Ok(b"{\"v\":2}".to_vec());
        assert_eq!(get("/status/revocation", Some(&etag)).await.expect("get").status(), StatusCode::OK);
        *source.0.lock().expect("lock") = Err("not a status list".into());
        assert_eq!(get("/status/revocation", None).await.expect("get").status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(get("/status/other", None).await.expect("get").status(), StatusCode::NOT_FOUND);

        // fetch: a body, then 304 with the ETag, a cap, and refusals by name.
        *source.0.lock().expect("lock") = Ok(vec![b'x'; 4096]);
        let url = format!("{base}/status/revocation");
        let t = std::time::Duration::from_secs(5);
        let first = fetch(&url, None, 1 << 20, t).await.expect("fetch");
        assert_eq!((first.bytes.as_ref().map(Vec::len), first.max_age), (Some(4096), Some(300)));
        let again = fetch(&url, first.etag.as_deref(), 1 << 20, t).await.expect("revalidate");
        assert_eq!(again.bytes, None);
        assert!(matches!(fetch(&url, None, 4095, t).await, Err(FetchError::TooLarge { limit: 4095, .. })));
        assert!(matches!(
            fetch(&format!("{base}/status/other"), None, 1 << 20, t).await,
            Err(FetchError::Status { status: 404, .. })
        ));
        assert!(matches!(fetch("ftp://cb.example/s", None, 1 << 20, t).await, Err(FetchError::Unsupported { .. })));
        // https is spoken: a TLS handshake with a plain-HTTP server fails as a request error.
        let tls_to_plain = fetch(&url.replacen("http://", "https://", 1), None, 1 << 20, t).await;
        assert!(matches!(tls_to_plain, Err(FetchError::Request { .. })), "{tls_to_plain:?}");
        assert!(matches!(fetch("http://127.0.0.1:1/s", None, 1 << 20, t).await, Err(FetchError::Request { .. })));
    }
}
