//! OTLP/HTTP log ingestion at the standard path `POST /v1/logs`: protobuf
//! (`application/x-protobuf`) or JSON (`application/json`) bodies, decoded
//! by the OpenTelemetry protocol types; the stream is the one the bearer
//! token was minted for. Where the events go is the composition root's
//! business ([`LogSink`]).

use std::future::Future;
use std::pin::Pin;

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use subtle::ConstantTimeEq as _;

use crate::auth::token_hash;
use crate::error::ApiError;

/// What a sink made of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ingested {
    /// Events appended.
    pub accepted: u64,
    /// First sequence number appended.
    pub first_sequence: u64,
}

/// Why a sink refused a request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SinkError {
    /// Records failed validation; nothing was appended. One line per record.
    #[error("{} log records refused, nothing appended: {}", .0.len(), .0.join("; "))]
    Rejected(Vec<String>),
    /// The stream is busy or its storage failed; retry later.
    #[error("{0}")]
    Unavailable(String),
}

/// A boxed future, for the object-safe [`LogSink`].
pub type SinkFuture = Pin<Box<dyn Future<Output = Result<Ingested, SinkError>> + Send>>;

/// Where OTLP log requests go.
pub trait LogSink: Send + Sync + 'static {
    /// The stream a token (by the SHA-256 of its text) may write to, with the
    /// stored hash to compare in constant time.
    fn stream_for(&self, token_hash: [u8; 32]) -> Option<(String, [u8; 32])>;
    /// Appends the request's records to `stream` as one batch, all or nothing.
    fn ingest(&self, stream: String, request: ExportLogsServiceRequest) -> SinkFuture;
}

fn content_is(headers: &HeaderMap, wanted: &str) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case(wanted))
}

/// `POST /v1/logs`.
pub async fn export_logs(sink: &dyn LogSink, headers: &HeaderMap, body: Bytes) -> Result<Response, ApiError> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .ok_or_else(|| ApiError::Unauthorized("missing Authorization: Bearer token for a maintenance stream".into()))?;
    let hash = token_hash(token);
    let stream = match sink.stream_for(hash) {
        Some((stream, stored)) if bool::from(stored.ct_eq(&hash)) => stream,
        _ => return Err(ApiError::Unauthorized("unknown or revoked stream token".into())),
    };
    let protobuf = content_is(headers, "application/x-protobuf");
    let request = if protobuf {
        lading_maint::otlp::decode_protobuf(&body).map_err(ApiError::BadRequest)?
    } else if content_is(headers, "application/json") {
        lading_maint::otlp::decode_json(&body).map_err(ApiError::BadRequest)?
    } else {
        return Err(ApiError::UnsupportedMediaType(
            "OTLP/HTTP bodies are application/x-protobuf or application/json".into(),
        ));
    };
    match sink.ingest(stream, request).await {
        // An empty ExportLogsServiceResponse: full success.
        Ok(_) if protobuf => {
            Ok((StatusCode::OK, [(header::CONTENT_TYPE, "application/x-protobuf")], Vec::new()).into_response())
        }
        Ok(_) => Ok((StatusCode::OK, [(header::CONTENT_TYPE, "application/json")], "{}").into_response()),
        Err(e @ SinkError::Rejected(_)) => Err(ApiError::BadRequest(e.to_string())),
        Err(SinkError::Unavailable(why)) => Err(ApiError::Unavailable(why)),
    }
}
