//! The SCITT Reference APIs (draft-ietf-scitt-scrapi) over the registry log:
//! `POST /entries` registers a COSE signed statement and answers with its
//! COSE receipt, `GET /entries/{id}` resolves a receipt, the receipt keys
//! are a COSE key set at `/.well-known/scitt-keys` (and one key at
//! `/.well-known/scitt-keys/{kid}`), and `/.well-known/transparency-configuration`
//! describes the service. Errors here are RFC 9290 concise problem details
//! in CBOR, as SCRAPI requires, not the JSON problems of the rest of the API.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use lading_crypto::VerifyingKey;
use lading_log::{LogStore, Registry, Scope};
use lading_scitt::policy::{self, IssuerKey, PolicyError};
use lading_scitt::statement::StatementError;
use lading_scitt::{SignedStatement, media};
use lading_tlog::{Hash, leaf_hash};

use crate::{ApiError, AppState, ServedLog, served};

/// The log SCITT statements are registered in: the deployment's first log.
pub const SCITT_LOG: &str = "registry";

/// A concise problem details answer (RFC 9290): `{-1: title, -2: detail}`.
#[derive(Debug)]
pub struct Problem {
    status: StatusCode,
    title: &'static str,
    detail: String,
}

impl Problem {
    fn new(status: StatusCode, title: &'static str, detail: impl Into<String>) -> Self {
        Self { status, title, detail: detail.into() }
    }
}

impl From<ApiError> for Problem {
    fn from(e: ApiError) -> Self {
        let status = e.status();
        Problem { status, title: status.canonical_reason().unwrap_or("Error"), detail: e.to_string() }
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let body = lading_scitt::scrapi::problem_details(self.title, &self.detail);
        let mut r = (self.status, body).into_response();
        r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(media::PROBLEM));
        if self.status == StatusCode::UNAUTHORIZED {
            r.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        r
    }
}

fn statement_problem(e: StatementError) -> Problem {
    match e {
        StatementError::Cbor(_) | StatementError::Cose(_) => {
            Problem::new(StatusCode::BAD_REQUEST, "Malformed request", e.to_string())
        }
        StatementError::Algorithm(_) => Problem::new(StatusCode::BAD_REQUEST, "Bad Signature Algorithm", e.to_string()),
        StatementError::Detached => Problem::new(StatusCode::BAD_REQUEST, "Payload Missing", e.to_string()),
        StatementError::Signature(_) => Problem::new(StatusCode::BAD_REQUEST, "Bad Signature", e.to_string()),
        _ => Problem::new(StatusCode::BAD_REQUEST, "Invalid Signed Statement", e.to_string()),
    }
}

/// The receipt-signing key of a served log, as a COSE key (its `kid` the RFC 9679 thumbprint).
pub(crate) fn receipt_public_key<S: LogStore>(served: &ServedLog<S>) -> Option<VerifyingKey> {
    served.receipt_key.as_ref().map(|k| k.verifying_key())
}

/// The COSE receipt of entry `index` of `served`, under its latest checkpoint.
pub(crate) async fn cose_receipt<S: LogStore>(served: &ServedLog<S>, index: u64) -> Result<Vec<u8>, ApiError> {
    let key = served
        .receipt_key
        .as_ref()
        .ok_or_else(|| ApiError::NotFound("this log has no receipt-signing key configured".into()))?;
    let tlog = served.log.prove(index).await?;
    let entry = served.log.entry(index).await?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0);
    lading_scitt::receipt::from_tlog_receipt(&tlog, &leaf_hash(&entry), now, &**key)
        .map_err(|e| ApiError::Internal(format!("COSE receipt: {e}")))
}

fn cose_response(status: StatusCode, body: Vec<u8>, location: Option<&str>) -> Response {
    let mut r = (status, body).into_response();
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(media::COSE));
    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if let Some(location) = location.and_then(|l| HeaderValue::from_str(l).ok()) {
        r.headers_mut().insert(header::LOCATION, location);
    }
    r
}

fn scitt_log<S: LogStore, R: Registry>(state: &AppState<S, R>) -> Result<Arc<ServedLog<S>>, Problem> {
    served(state, SCITT_LOG).map_err(|_| {
        Problem::new(
            StatusCode::NOT_FOUND,
            "Not Found",
            format!("this deployment serves no {SCITT_LOG:?} log for SCITT"),
        )
    })
}

/// Applies the registration policy; returns the verified statement.
async fn admit<R: Registry>(
    registry: &R,
    ca_roots: &[lading_pki::Certificate],
    body: &[u8],
) -> Result<SignedStatement, Problem> {
    let statement = SignedStatement::parse(body).map_err(statement_problem)?;
    let rejected = |e: PolicyError| Problem::new(StatusCode::FORBIDDEN, "Unregistered Issuer", e.to_string());
    let key = match policy::issuer_key(&statement).map_err(rejected)? {
        IssuerKey::KeyId(keyid) => {
            let record = registry
                .provider_key(SCITT_LOG.to_owned(), keyid.clone())
                .await
                .map_err(|e| Problem::from(ApiError::from(e)))?
                .ok_or_else(|| {
                    Problem::new(
                        StatusCode::FORBIDDEN,
                        "Unregistered Issuer",
                        format!("kid {keyid} is not a provider key registered for log {SCITT_LOG:?}"),
                    )
                })?;
            let key = VerifyingKey::from_spki_der(&record.spki_der)
                .map_err(|e| Problem::from(ApiError::Internal(format!("registered key {keyid}: {e}"))))?;
            policy::check_key_binding(&statement, &key).map_err(rejected)?;
            key
        }
        IssuerKey::Certificate { key, chain } => {
            // The chain must run to a CA root this service trusts, be valid now, and the leaf
            // must allow digitalSignature; the problem names the certificate at fault.
            policy::check_certificate_chain(&chain, &key, ca_roots, chrono::Utc::now())
                .map_err(|e| Problem::new(StatusCode::FORBIDDEN, "Untrusted Issuer Certificate", e.to_string()))?;
            let keyid = key.key_id().to_string();
            if registry
                .provider_key(SCITT_LOG.to_owned(), keyid.clone())
                .await
                .map_err(|e| Problem::from(ApiError::from(e)))?
                .is_none()
            {
                return Err(Problem::new(
                    StatusCode::FORBIDDEN,
                    "Unregistered Issuer",
                    format!("the x5chain leaf certifies key {keyid}, which is not registered for log {SCITT_LOG:?}"),
                ));
            }
            key
        }
    };
    statement.verify_signature(&key).map_err(statement_problem)?;
    policy::check_payload(&statement, &key)
        .map_err(|e| Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "Rejected", e.to_string()))?;
    Ok(statement)
}

/// `POST /entries`.
pub(crate) async fn register<S: LogStore, R: Registry>(
    State(state): State<Arc<AppState<S, R>>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, Problem> {
    let served = scitt_log(&state)?;
    crate::auth::authorize(&state.registry, &state.limiter, &headers, SCITT_LOG, Scope::Submit).await?;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or("").trim().to_ascii_lowercase())
        .unwrap_or_default();
    if content_type != media::COSE {
        return Err(Problem::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Unsupported Media Type",
            format!("content type {content_type:?}: send the signed statement as {}", media::COSE),
        ));
    }
    let body = body.map_err(|e| match e.status() {
        StatusCode::PAYLOAD_TOO_LARGE => Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "Payload Too Large",
            format!("request body is over {} bytes", state.max_body),
        ),
        _ => Problem::new(StatusCode::BAD_REQUEST, "Malformed request", e.body_text()),
    })?;
    let statement = admit(&state.registry, &state.scitt_ca_roots, &body).await?;
    let leaf = statement.leaf_hash();
    let appended = served.log.append(statement.entry().to_vec()).await.map_err(ApiError::from)?;
    let location = format!("/entries/{}", leaf.to_hex());
    let prefer_async = headers
        .get("prefer")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|p| p.trim().eq_ignore_ascii_case("respond-async")));
    if prefer_async {
        let mut r = cose_response(StatusCode::SEE_OTHER, Vec::new(), Some(&location));
        r.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        return Ok(r);
    }
    let receipt = cose_receipt(&served, appended.index).await?;
    let status = if appended.duplicate { StatusCode::OK } else { StatusCode::CREATED };
    Ok(cose_response(status, receipt, Some(&location)))
}

/// `GET /entries/{id}`: `id` is the entry's RFC 9162 leaf hash, lowercase hex.
pub(crate) async fn resolve<S: LogStore, R: Registry>(
    State(state): State<Arc<AppState<S, R>>>,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let served = scitt_log(&state)?;
    let bytes: [u8; 32] = hex::decode(&id)
        .ok()
        .filter(|_| id.len() == 64 && !id.bytes().any(|b| b.is_ascii_uppercase()))
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| {
            Problem::new(StatusCode::BAD_REQUEST, "Invalid locator", format!("{id:?} is not 64 lowercase hex digits"))
        })?;
    let index = served.log.index_of(Hash(bytes)).await.map_err(ApiError::from)?.ok_or_else(|| {
        Problem::new(
            StatusCode::NOT_FOUND,
            "Not Found",
            format!("Receipt with entry ID {id} not known to this Transparency Service"),
        )
    })?;
    let receipt = cose_receipt(&served, index).await?;
    Ok(cose_response(StatusCode::OK, receipt, Some(&format!("/entries/{id}"))))
}

/// Every served log's receipt key, once each.
fn receipt_keys<S: LogStore, R: Registry>(state: &AppState<S, R>) -> Vec<VerifyingKey> {
    let mut keys: Vec<VerifyingKey> = Vec::new();
    for (_, served) in state.logs.all() {
        if let Some(k) = receipt_public_key(&served)
            && !keys.contains(&k)
        {
            keys.push(k);
        }
    }
    keys
}

fn cbor_response(body: Vec<u8>) -> Response {
    let mut r = (StatusCode::OK, body).into_response();
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(media::CBOR));
    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=300"));
    r
}

/// `GET /.well-known/scitt-keys`: a COSE key set.
pub(crate) async fn keys<S: LogStore, R: Registry>(
    State(state): State<Arc<AppState<S, R>>>,
) -> Result<Response, Problem> {
    let set = lading_scitt::key::cose_key_set(&receipt_keys(&state))
        .map_err(|e| Problem::from(ApiError::Internal(e.to_string())))?;
    Ok(cbor_response(set))
}

/// `GET /.well-known/scitt-keys/{kid}`: one COSE key; `kid` base64url without padding.
pub(crate) async fn key<S: LogStore, R: Registry>(
    State(state): State<Arc<AppState<S, R>>>,
    Path(kid): Path<String>,
) -> Result<Response, Problem> {
    let wanted = URL_SAFE_NO_PAD.decode(&kid).map_err(|_| {
        Problem::new(StatusCode::BAD_REQUEST, "Invalid kid", format!("{kid:?} is not base64url without padding"))
    })?;
    for k in receipt_keys(&state) {
        if lading_scitt::key::thumbprint(&k).is_ok_and(|t| t.as_slice() == wanted.as_slice()) {
            let key = lading_scitt::key::cose_key(&k).map_err(|e| Problem::from(ApiError::Internal(e.to_string())))?;
            let mut body = Vec::new();
            coset::cbor::ser::into_writer(&key, &mut body)
                .map_err(|e| Problem::from(ApiError::Internal(e.to_string())))?;
            return Ok(cbor_response(body));
        }
    }
    Err(Problem::new(StatusCode::NOT_FOUND, "No such key", "No key could be found for this kid value"))
}

/// `GET /.well-known/transparency-configuration`.
pub(crate) async fn configuration<S: LogStore, R: Registry>(
    State(state): State<Arc<AppState<S, R>>>,
) -> Result<Response, Problem> {
    let served = scitt_log(&state)?;
    let config = lading_scitt::scrapi::TransparencyConfiguration {
        issuer: served.log.verifier().name().to_owned(),
        keys_uri: "/.well-known/scitt-keys".into(),
        registration_uri: "/entries".into(),
        algorithms: vec![-7, -8],
        verifiable_data_structures: vec![lading_scitt::label::VDS_RFC9162_SHA256],
        content_types: vec![
            media::LADING_DOCUMENT.into(),
            media::DSSE.into(),
            media::SIGSTORE_BUNDLE_V03.into(),
            media::SIGSTORE_BUNDLE_V02.into(),
        ],
        registration_policy: format!(
            "COSE_Sign1 (ES256 or EdDSA) whose kid or x5chain leaf is a provider key registered for log \
             {SCITT_LOG:?}, iss its did:key or certificate subject, payload a valid Lading document ({}), a DSSE \
             envelope by the same key ({}) or a Sigstore bundle of one, or a SHA-256 hash envelope of one or of a \
             release package; an x5chain must run to a CA root the service trusts; a bearer token with submit scope",
            media::LADING_DOCUMENT,
            media::DSSE
        ),
    };
    let body = config.to_cbor().map_err(|e| Problem::from(ApiError::Internal(e.to_string())))?;
    Ok(cbor_response(body))
}

/// The JSON describing a log's receipt key in `GET /v1/logs`.
pub(crate) fn receipt_key_json<S: LogStore>(served: &ServedLog<S>) -> serde_json::Value {
    let Some(key) = receipt_public_key(served) else { return serde_json::Value::Null };
    let kid = lading_scitt::key::thumbprint(&key).map(|t| URL_SAFE_NO_PAD.encode(t)).unwrap_or_default();
    let cose_key = lading_scitt::key::cose_key(&key)
        .ok()
        .and_then(|k| {
            let mut out = Vec::new();
            coset::cbor::ser::into_writer(&k, &mut out).ok().map(|()| URL_SAFE_NO_PAD.encode(out))
        })
        .unwrap_or_default();
    serde_json::json!({ "kid": kid, "alg": "EdDSA", "cose_key": cose_key, "spki_pem": key.to_spki_pem() })
}
