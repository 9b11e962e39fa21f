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
    fn status(&self) -> StatusCode {
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
            LogError::Stopped(_) | LogError::Store(_) => ApiError::Unavailable(lading_log::error_chain(&e)),
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
        let status = self.status();
        let body = json!({
            "type": format!("urn:lading:problem:{}", self.slug()),
            "title": status.canonical_reason().unwrap_or("error"),
            "status": status.as_u16(),
            "detail": self.to_string(),
        });
        let mut response = (status, body.to_string()).into_response();
        response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}
