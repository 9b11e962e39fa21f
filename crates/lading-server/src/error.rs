//! API errors as RFC 9457 problem documents. The only place that maps
//! errors to HTTP status codes.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// An API failure, answered as `application/problem+json`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ApiError {
    /// The request is malformed (bad JSON, bad envelope, bad path value).
    #[error("{0}")]
    BadRequest(String),
    /// No bearer token, or an unknown or revoked one.
    #[error("{0}")]
    Unauthorized(String),
    /// The token or the signer may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// No such log, entry or tile.
    #[error("{0}")]
    NotFound(String),
    /// The body is larger than allowed.
    #[error("{0}")]
    TooLarge(String),
    /// The content type is not accepted here.
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// Well-formed but not acceptable (bad signature, invalid document).
    #[error("{0}")]
    Unprocessable(String),
    /// The token exceeded its rate limit.
    #[error("{0}")]
    TooManyRequests(String),
    /// The server failed; the client did nothing wrong.
    #[error("{0}")]
    Internal(String),
    /// Storage is unavailable or stopped; retry elsewhere or later.
    #[error("{0}")]
    Unavailable(String),
    /// The request (its head or body) did not arrive in time.
    #[error("{0}")]
    Timeout(String),
}

impl ApiError {
    pub(crate) fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Timeout(_) => StatusCode::REQUEST_TIMEOUT,
        }
    }

    fn slug(&self) -> &'static str {
        match self {
            ApiError::BadRequest(_) => "bad-request",
            ApiError::Unauthorized(_) => "unauthorized",
            ApiError::Forbidden(_) => "forbidden",
            ApiError::NotFound(_) => "not-found",
            ApiError::TooLarge(_) => "too-large",
            ApiError::UnsupportedMediaType(_) => "unsupported-media-type",
            ApiError::Unprocessable(_) => "unprocessable",
            ApiError::TooManyRequests(_) => "rate-limited",
            ApiError::Internal(_) => "internal",
            ApiError::Unavailable(_) => "unavailable",
            ApiError::Timeout(_) => "timeout",
        }
    }
}

impl From<lading_log::LogError> for ApiError {
    fn from(e: lading_log::LogError) -> Self {
        use lading_log::LogError;
        match e {
            LogError::EntryTooLarge { .. } => ApiError::TooLarge(e.to_string()),
            LogError::OutOfRange(_) => ApiError::NotFound(e.to_string()),
            LogError::Stopped(_) | LogError::Unavailable(_) | LogError::Store(_) => {
                ApiError::Unavailable(lading_log::error_chain(&e))
            }
            other => ApiError::Internal(other.to_string()),
        }
    }
}

impl From<lading_log::StoreError> for ApiError {
    fn from(e: lading_log::StoreError) -> Self {
        ApiError::Unavailable(lading_log::error_chain(&e))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        problem(self.status(), self.slug(), &self.to_string())
    }
}

fn problem(status: StatusCode, slug: &str, detail: &str) -> Response {
    let body = json!({
        "type": format!("urn:lading:problem:{slug}"),
        "title": status.canonical_reason().unwrap_or("error"),
        "status": status.as_u16(),
        "detail": detail,
    });
    let mut response = (status, body.to_string()).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM));
    if status == StatusCode::UNAUTHORIZED {
        response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    }
    // Storage faults pass (a full disk freed, a database failed over):
    // clients retry in a moment rather than give up.
    if status == StatusCode::SERVICE_UNAVAILABLE {
        response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    }
    response
}

const PROBLEM: &str = "application/problem+json";

/// Every API response: `nosniff`, and an error in plain text made a
/// problem document — axum's own rejections (a body over the limit, a path that is
/// not UTF-8 once decoded, a malformed query) answer in plain text — made
/// one, its text as the detail.
pub(crate) async fn api_response(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    parts.headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    // Only plain text (axum's rejections) or nothing: the witness protocol's
    // own error bodies (a 409 with `text/x.tlog.size`) stay as they are.
    let plain = parts.headers.get(header::CONTENT_TYPE).is_none_or(|v| v.as_bytes().starts_with(b"text/plain"));
    if !(parts.status.is_client_error() || parts.status.is_server_error()) || !plain {
        return Response::from_parts(parts, body);
    }
    // Rejection texts are short; anything longer is cut, not buffered.
    let detail = match axum::body::to_bytes(body, 4096).await {
        Ok(b) => String::from_utf8_lossy(&b).trim().to_owned(),
        Err(_) => String::new(),
    };
    let slug = match parts.status {
        StatusCode::PAYLOAD_TOO_LARGE => "too-large",
        StatusCode::NOT_FOUND => "not-found",
        StatusCode::METHOD_NOT_ALLOWED => "method-not-allowed",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported-media-type",
        StatusCode::UNPROCESSABLE_ENTITY => "unprocessable",
        s if s.is_server_error() => "internal",
        _ => "bad-request",
    };
    let mut response = problem(parts.status, slug, &detail);
    let headers = response.headers_mut();
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    if let Some(allow) = parts.headers.get(header::ALLOW) {
        headers.insert(header::ALLOW, allow.clone());
    }
    response
}
