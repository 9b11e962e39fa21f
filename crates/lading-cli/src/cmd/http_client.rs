//! The HTTP client of `lading remote` and `lading monitor`: one base URL,
//! an optional bearer token, capped response bodies, and retries with
//! exponential backoff of requests answered 503 or 429 (honouring
//! Retry-After) or that could not connect.

use std::time::Duration;

use anyhow::{Context as _, Result, anyhow, bail};

/// The largest response body read (tiles are 8 KiB, receipts a few KiB).
const MAX_BODY: usize = 16 << 20;
/// The first backoff; doubled on each retry.
const FIRST_BACKOFF: Duration = Duration::from_millis(250);
/// The longest backoff between two attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(8);
/// The longest wait a Retry-After header may ask for.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);
/// One request's time limit.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// A response: status, the headers a client acts on, and body.
pub(crate) struct Reply {
    pub(crate) status: u16,
    /// The Content-Type, without parameters, lowercase.
    pub(crate) content_type: String,
    /// The Location header, resolved against the request's URL.
    pub(crate) location: Option<String>,
    /// The Retry-After header, as sent.
    pub(crate) retry_after: String,
    pub(crate) body: Vec<u8>,
}

impl Reply {
    pub(crate) fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The body as JSON.
    pub(crate) fn json(&self, what: &str) -> Result<serde_json::Value> {
        serde_json::from_slice(&self.body).with_context(|| format!("{what}: the server's answer is not JSON"))
    }

    /// The body as UTF-8 text.
    pub(crate) fn text(&self, what: &str) -> Result<String> {
        String::from_utf8(self.body.clone()).with_context(|| format!("{what}: the server's answer is not UTF-8"))
    }

    /// An error naming the status and, for an RFC 9457 problem or an RFC 9290
    /// concise problem (CBOR, as SCRAPI answers), its title and detail.
    pub(crate) fn error(&self, what: &str) -> anyhow::Error {
        if self.content_type == lading_scitt::media::PROBLEM {
            return match lading_scitt::scrapi::read_problem_details(&self.body) {
                Some((title, detail)) => {
                    let title = title.unwrap_or_else(|| "(no title)".into());
                    let detail = detail.map(|d| format!(": {}", d.trim())).unwrap_or_default();
                    anyhow!("{what}: the server answered {} {title}{detail}", self.status)
                }
                None => anyhow!("{what}: the server answered {} with malformed concise problem details", self.status),
            };
        }
        let detail = serde_json::from_slice::<serde_json::Value>(&self.body)
            .ok()
            .and_then(|v| v["detail"].as_str().or(v["title"].as_str()).map(str::to_owned))
            .unwrap_or_else(|| String::from_utf8_lossy(&self.body).chars().take(300).collect());
        anyhow!("{what}: the server answered {}: {}", self.status, detail.trim())
    }
}

/// A client of one base URL.
pub(crate) struct Client {
    http: reqwest::Client,
    /// The same, not following redirects: SCRAPI answers 303 with a location to poll.
    http_manual: reqwest::Client,
    base: String,
    token: Option<String>,
    retries: u32,
    runtime: tokio::runtime::Runtime,
}

impl Client {
    /// A client of `base` (http or https; a trailing slash is ignored).
    pub(crate) fn new(base: &str, token: Option<String>, retries: u32) -> Result<Self> {
        let url = reqwest::Url::parse(base).with_context(|| format!("--server {base:?} is not a URL"))?;
        if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
            bail!("--server {base:?}: expected an http:// or https:// URL with a host");
        }
        if url.query().is_some() || url.fragment().is_some() {
            bail!("--server {base:?}: a base URL has no query or fragment");
        }
        install_crypto_provider();
        let builder = |redirects| {
            reqwest::Client::builder()
                .timeout(REQUEST_TIMEOUT)
                .redirect(redirects)
                .user_agent(concat!("lading/", env!("CARGO_PKG_VERSION")))
                .build()
                .context("setting up the HTTP client")
        };
        let http = builder(reqwest::redirect::Policy::limited(3))?;
        let http_manual = builder(reqwest::redirect::Policy::none())?;
        let runtime =
            tokio::runtime::Builder::new_current_thread().enable_all().build().context("starting the async runtime")?;
        Ok(Self { http, http_manual, base: base.trim_end_matches('/').to_owned(), token, retries, runtime })
    }

    /// Whether requests carry a bearer token.
    pub(crate) fn has_token(&self) -> bool {
        self.token.is_some()
    }

    /// The URL of `path` (which starts with `/`).
    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub(crate) fn get(&self, path: &str) -> Result<Reply> {
        self.send(reqwest::Method::GET, path, None, &[], true)
    }

    pub(crate) fn post(&self, path: &str, content_type: &str, body: Vec<u8>) -> Result<Reply> {
        self.send(reqwest::Method::POST, path, Some((content_type, body)), &[], true)
    }

    /// A POST whose redirects are answered to the caller (SCRAPI registration), with extra headers.
    pub(crate) fn post_manual(
        &self,
        path: &str,
        content_type: &str,
        body: Vec<u8>,
        headers: &[(&'static str, &str)],
    ) -> Result<Reply> {
        self.send(reqwest::Method::POST, path, Some((content_type, body)), headers, false)
    }

    /// A GET of `url` (absolute, on any host the server named) whose redirects are answered to the caller.
    pub(crate) fn get_manual(&self, url: &str) -> Result<Reply> {
        self.send(reqwest::Method::GET, url, None, &[], false)
    }

    fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<(&str, Vec<u8>)>,
        headers: &[(&'static str, &str)],
        follow_redirects: bool,
    ) -> Result<Reply> {
        let url = if path.starts_with('/') { self.url(path) } else { path.to_owned() };
        let http = if follow_redirects { &self.http } else { &self.http_manual };
        let mut attempt = 0u32;
        loop {
            let mut request = http.request(method.clone(), &url);
            if let Some(token) = &self.token {
                request = request.bearer_auth(token);
            }
            for (name, value) in headers {
                request = request.header(*name, *value);
            }
            if let Some((content_type, bytes)) = &body {
                request = request.header(reqwest::header::CONTENT_TYPE, *content_type).body(bytes.clone());
            }
            let outcome = self.runtime.block_on(async {
                let response = request.send().await?;
                let status = response.status().as_u16();
                let header = |name| {
                    response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned).unwrap_or_default()
                };
                let retry_after = header(reqwest::header::RETRY_AFTER);
                let content_type = header(reqwest::header::CONTENT_TYPE)
                    .split(';')
                    .next()
                    .unwrap_or_default()
                    .trim()
                    .to_ascii_lowercase();
                let location = response
                    .headers()
                    .get(reqwest::header::LOCATION)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|l| response.url().join(l).ok())
                    .map(String::from);
                let body = read_capped(response).await?;
                Ok::<_, anyhow::Error>(Reply { status, content_type, location, retry_after, body })
            });
            let wait = match &outcome {
                Ok(reply) if matches!(reply.status, 503 | 429) => {
                    let backoff = backoff(attempt);
                    Some((
                        retry_after_wait(&reply.retry_after).unwrap_or(backoff),
                        format!("the server answered {}", reply.status),
                    ))
                }
                Ok(_) => None,
                Err(e) if is_connect_error(e) => Some((backoff(attempt), format!("{e:#}"))),
                Err(_) => None,
            };
            match wait {
                Some((wait, why)) if attempt < self.retries => {
                    attempt += 1;
                    eprintln!(
                        "note: {method} {url}: {why}; retry {attempt} of {} in {:.1} s",
                        self.retries,
                        wait.as_secs_f64()
                    );
                    std::thread::sleep(wait);
                }
                _ => {
                    return outcome.with_context(|| format!("{method} {url} (after {} attempt(s))", attempt + 1));
                }
            }
        }
    }
}

/// rustls needs a process-wide crypto provider; ring is the one linked.
/// rustls 0.23.48 deprecates ring's for lacking post-quantum key exchange;
/// aws-lc-rs has it but costs minutes of C build on the 2-core machines this
/// builds on. Classical X25519/ECDHE is what the servers here offer anyway.
#[allow(deprecated)]
pub(crate) fn install_crypto_provider() {
    lading_server::http_client::install_crypto_provider();
}

async fn read_capped(mut response: reqwest::Response) -> Result<Vec<u8>> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        if body.len() + chunk.len() > MAX_BODY {
            bail!("the response is larger than {MAX_BODY} bytes");
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

fn is_connect_error(e: &anyhow::Error) -> bool {
    e.chain().any(|c| c.downcast_ref::<reqwest::Error>().is_some_and(|r| r.is_connect() || r.is_timeout()))
}

/// 250 ms, 500 ms, 1 s … at most [`MAX_BACKOFF`], with up to 25 % jitter so
/// that many clients do not come back at the same moment.
pub(crate) fn backoff(attempt: u32) -> Duration {
    let base = FIRST_BACKOFF.saturating_mul(1 << attempt.min(16)).min(MAX_BACKOFF);
    let mut r = [0u8; 2];
    let jitter = if getrandom::fill(&mut r).is_ok() { u16::from_le_bytes(r) } else { 0 };
    base + base.mul_f64(f64::from(jitter) / f64::from(u16::MAX) / 4.0)
}

/// The wait a Retry-After header asks for: delay-seconds or an HTTP-date
/// (RFC 9110 §10.2.3), at most [`MAX_RETRY_AFTER`].
pub(crate) fn retry_after_wait(value: &str) -> Option<Duration> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    let wait = if let Ok(seconds) = value.parse::<u64>() {
        Duration::from_secs(seconds)
    } else {
        let at = chrono::DateTime::parse_from_rfc2822(value).ok()?;
        (at.with_timezone(&chrono::Utc) - chrono::Utc::now()).to_std().unwrap_or(Duration::ZERO)
    };
    Some(wait.min(MAX_RETRY_AFTER))
}

/// The API token: `--token-file`, else `LADING_TOKEN`, else none.
pub(crate) fn token(file: Option<&std::path::Path>) -> Result<Option<String>> {
    let token = match file {
        Some(path) => Some(crate::fsio::read_text(path, 4096)?.trim().to_owned()),
        None => std::env::var("LADING_TOKEN").ok().map(|t| t.trim().to_owned()),
    };
    match token {
        Some(t) if t.is_empty() => bail!("the API token is empty"),
        Some(t) if !t.bytes().all(|b| b.is_ascii_graphic()) => {
            bail!("the API token has characters a token cannot have")
        }
        t => Ok(t),
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::{backoff, retry_after_wait};

    #[test]
    fn retry_after_takes_seconds_or_an_http_date_and_is_capped() {
        assert_eq!(retry_after_wait("3"), Some(Duration::from_secs(3)));
        assert_eq!(retry_after_wait(" 0 "), Some(Duration::ZERO));
        assert_eq!(retry_after_wait("86400"), Some(Duration::from_secs(60)));
        assert_eq!(retry_after_wait("Sun, 06 Nov 1994 08:49:37 GMT"), Some(Duration::ZERO));
        let soon = (chrono::Utc::now() + chrono::Duration::seconds(30)).to_rfc2822();
        let wait = retry_after_wait(&soon).expect("a date");
        assert!(wait > Duration::from_secs(25) && wait <= Duration::from_secs(30), "{wait:?}");
        assert_eq!(retry_after_wait(""), None);
        assert_eq!(retry_after_wait("soon"), None);
    }

    #[test]
    fn backoff_doubles_up_to_its_cap() {
        assert!(backoff(0) >= Duration::from_millis(250) && backoff(0) <= Duration::from_millis(313));
        assert!(backoff(2) >= Duration::from_secs(1) && backoff(2) <= Duration::from_millis(1250));
        assert!(backoff(40) >= Duration::from_secs(8) && backoff(40) <= Duration::from_secs(10));
    }
}
