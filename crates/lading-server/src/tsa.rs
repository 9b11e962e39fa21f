//! RFC 3161 over HTTP (RFC 3161 3.4): the TSA's route and the client's POST.
//!
//! [`routes`] answers `POST /v1/timestamp` (`application/timestamp-query` →
//! `application/timestamp-reply`) with [`lading_pki::timestamp::respond`],
//! and, before answering, appends every token it grants to a transparency
//! log, so that the times a deployment issues are as public as what it logs:
//! a token is never handed out unless it is durably logged.
//! [`request_timestamp`] is the client side `lading sign --tsa` and
//! `lading timestamp` use.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use lading_log::{Log, LogStore};
use lading_pki::Certificate;
use lading_pki::timestamp::{Authority, MAX_REPLY_BYTES, QUERY_MEDIA_TYPE, REPLY_MEDIA_TYPE, respond};

use crate::ApiError;

/// The largest request accepted (a TimeStampReq is about 100 bytes).
pub const MAX_QUERY_BYTES: usize = 16 * 1024;

/// What the TSA route needs.
pub struct TsaState<S: LogStore> {
    /// The TSA's key: a key file's or a token's, through the one signing trait.
    pub signer: std::sync::Arc<dyn lading_crypto::Signer>,
    /// Its certificate, then the issuers without the root.
    pub chain: Vec<Certificate>,
    /// The policy written into tokens.
    pub policy: der::asn1::ObjectIdentifier,
    /// The log every granted token is appended to (the DER token is the entry).
    pub log: Log<S>,
}

/// The route `POST /v1/timestamp`.
pub fn routes<S: LogStore>(state: Arc<TsaState<S>>) -> Router {
    Router::new()
        .route("/v1/timestamp", post(timestamp::<S>))
        .layer(axum::extract::DefaultBodyLimit::max(MAX_QUERY_BYTES))
        .with_state(state)
}

fn serial() -> Result<[u8; 16], ApiError> {
    let mut serial = [0u8; 16];
    getrandom::fill(&mut serial).map_err(|e| ApiError::Internal(format!("no randomness for a serial: {e}")))?;
    // Positive and 16 bytes long: the top bit clear, the top byte non-zero.
    serial[0] = (serial[0] & 0x7f) | 0x01;
    Ok(serial)
}

async fn timestamp<S: LogStore>(
    State(state): State<Arc<TsaState<S>>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or("").trim().to_ascii_lowercase())
        .unwrap_or_default();
    if content_type != QUERY_MEDIA_TYPE {
        return Err(ApiError::UnsupportedMediaType(format!(
            "content type {content_type:?}: send a DER TimeStampReq as {QUERY_MEDIA_TYPE}"
        )));
    }
    let body = body.map_err(|e| match e.status() {
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::TooLarge(format!("a TimeStampReq is under {MAX_QUERY_BYTES} bytes")),
        _ => ApiError::BadRequest(e.body_text()),
    })?;
    let serial = serial()?;
    let issued = {
        let authority = Authority { signer: state.signer.as_ref(), chain: &state.chain, policy: state.policy };
        respond(&authority, &body, chrono::Utc::now(), &serial)
    };
    if let Some((token, _, _)) = issued.granted {
        // Logged before it is handed out: an unlogged time is never issued.
        state.log.append(token).await?;
    }
    let mut response = (StatusCode::OK, issued.reply).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, header::HeaderValue::from_static(REPLY_MEDIA_TYPE));
    response.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
    Ok(response)
}

/// Why a TSA could not be asked.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TsaClientError {
    /// Only plain HTTP is linked (no TLS client).
    #[error("{url}: only http:// TSAs are supported (no TLS client is linked)")]
    Unsupported {
        /// The URL.
        url: String,
    },
    /// The request failed.
    #[error("{url}: {message}")]
    Request {
        /// The URL.
        url: String,
        /// What failed.
        message: String,
    },
    /// The TSA answered with an HTTP error or the wrong media type.
    #[error("{url}: the TSA answered {detail}")]
    Reply {
        /// The URL.
        url: String,
        /// What it answered.
        detail: String,
    },
}

/// Posts a DER TimeStampReq to `url` and returns the DER reply (at most
/// [`MAX_REPLY_BYTES`]), refusing an HTTP error or a non-timestamp reply.
pub async fn request_timestamp(
    url: &str,
    query: Vec<u8>,
    timeout: std::time::Duration,
) -> Result<Vec<u8>, TsaClientError> {
    let err = |e: reqwest::Error| TsaClientError::Request { url: url.to_owned(), message: e.to_string() };
    let reply = |detail: String| TsaClientError::Reply { url: url.to_owned(), detail };
    if !url.starts_with("http://") {
        return Err(TsaClientError::Unsupported { url: url.to_owned() });
    }
    let client = crate::http_client::builder()
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(err)?;
    let mut resp = client
        .post(url)
        .header(header::CONTENT_TYPE, QUERY_MEDIA_TYPE)
        .header(header::ACCEPT, REPLY_MEDIA_TYPE)
        .body(query)
        .send()
        .await
        .map_err(err)?;
    if resp.status() != StatusCode::OK {
        return Err(reply(format!("HTTP {}", resp.status())));
    }
    let media = resp.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    if media.split(';').next().unwrap_or("").trim() != REPLY_MEDIA_TYPE {
        return Err(reply(format!("content type {media:?}, not {REPLY_MEDIA_TYPE}")));
    }
    let mut bytes = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(err)? {
        if bytes.len() + chunk.len() > MAX_REPLY_BYTES {
            return Err(reply(format!("more than {MAX_REPLY_BYTES} bytes")));
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}
