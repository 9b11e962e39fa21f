//! # lading-server
//!
//! The HTTP API of a Lading deployment, as one axum [`Router`] built by
//! [`app`]: submission of signed statements (DSSE envelopes checked against
//! registered provider keys) and raw entries with `tlog-proof` receipts, the
//! C2SP tlog-tiles read paths, receipts and look-up by leaf hash, the OpenAPI
//! document. Errors are RFC 9457 problem documents (see [`ApiError`]). The
//! web console is another crate (`lading-console`) whose routes the binary
//! merges with these over the same [`AppState`].
//!
//! This crate knows HTTP and nothing of SQL or files: it is generic over the
//! [`LogStore`] and [`Registry`] backends, which the binary picks.
//!
//! ```text
//! let state = Arc::new(AppState { logs: logs.into(), log_creator: None, registry, limiter: Limiter::new(1000), … });
//! listen::serve(listener, app(state), ConnectionLimits::default(), shutdown, drain).await?;
//! ```

mod auth;
mod error;
pub mod http_client;
pub mod listen;
pub mod ops;
pub mod otlp;
pub mod scitt;
pub mod status;
pub mod syslog;
pub mod tsa;
mod witness;

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use lading_crypto::statement::document_subject_name;
use lading_crypto::{Envelope, VerifyingKey, registry_leaf, verify_statement};
use lading_log::{Log, LogStore, Registry, Scope, SearchKey};
use lading_tlog::{Hash, TileId, TileKind, leaf_hash};
use serde::Deserialize;
use serde_json::json;

pub use auth::{Limiter, NewToken, authorize, mint, token_hash};
pub use error::ApiError;
pub use witness::{WitnessClient, Witnessed, WitnessedLogTask, cosign_latest, run_witnessing};

/// The OpenAPI 3.1 description of this API.
pub const OPENAPI: &str = include_str!("../openapi.json");

/// Media types accepted for DSSE envelopes.
pub const DSSE_MEDIA_TYPES: [&str; 2] = ["application/json", "application/vnd.dsse.envelope.v1+json"];

/// Media types of a certificate-bound Sigstore bundle (`lading sign --cert`):
/// v0.3 (a lone leaf) and v0.2 (a chain; the `version` parameter is ignored).
pub const SIGSTORE_BUNDLE_MEDIA_TYPES: [&str; 2] =
    ["application/vnd.dev.sigstore.bundle.v0.3+json", "application/vnd.dev.sigstore.bundle+json"];

/// A log served by this deployment.
pub struct ServedLog<S: LogStore> {
    /// The running log.
    pub log: Log<S>,
    /// Its vkey.
    pub vkey: String,
    /// The witnesses it asks for cosignatures.
    pub witnesses: Vec<WitnessClient>,
    /// Its latest cosigned checkpoint, kept by [`run_witnessing`].
    pub witnessed: Arc<std::sync::RwLock<Option<Witnessed>>>,
    /// The log's key, for COSE receipts (RFC 9942); `None`: no COSE receipts.
    pub receipt_key: Option<Arc<dyn lading_crypto::Signer>>,
}

impl<S: LogStore> ServedLog<S> {
    /// A log with no witnesses.
    pub fn new(log: Log<S>, vkey: String) -> Self {
        Self { log, vkey, witnesses: Vec::new(), witnessed: Arc::default(), receipt_key: None }
    }

    /// This log signing COSE receipts with `key` (the log's own Ed25519 key).
    pub fn with_receipt_key(mut self, key: Arc<dyn lading_crypto::Signer>) -> Self {
        self.receipt_key = Some(key);
        self
    }
}

/// The logs a deployment serves, by URL name. Those it starts with, and
/// those an admin creates while it runs ([`LogCreator`]).
pub struct ServedLogs<S: LogStore>(std::sync::RwLock<BTreeMap<String, Arc<ServedLog<S>>>>);

impl<S: LogStore> ServedLogs<S> {
    /// The log named `name`.
    pub fn get(&self, name: &str) -> Option<Arc<ServedLog<S>>> {
        self.0.read().unwrap_or_else(std::sync::PoisonError::into_inner).get(name).cloned()
    }

    /// Every log, by name.
    pub fn all(&self) -> Vec<(String, Arc<ServedLog<S>>)> {
        let logs = self.0.read().unwrap_or_else(std::sync::PoisonError::into_inner);
        logs.iter().map(|(n, l)| (n.clone(), Arc::clone(l))).collect()
    }

    /// Serves `log` as `name`; refused (and handed back) when a log of that name is served.
    pub fn insert(&self, name: &str, log: ServedLog<S>) -> Result<(), ServedLog<S>> {
        let mut logs = self.0.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        if logs.contains_key(name) {
            return Err(log);
        }
        logs.insert(name.to_owned(), Arc::new(log));
        Ok(())
    }
}

impl<S: LogStore> From<BTreeMap<String, ServedLog<S>>> for ServedLogs<S> {
    fn from(logs: BTreeMap<String, ServedLog<S>>) -> Self {
        Self(std::sync::RwLock::new(logs.into_iter().map(|(n, l)| (n, Arc::new(l))).collect()))
    }
}

/// Why a log was not created.
#[derive(Debug, thiserror::Error)]
pub enum LogCreateError {
    /// The admin may not create logs.
    #[error("{0}")]
    Forbidden(String),
    /// The name or origin is not acceptable, or taken.
    #[error("{0}")]
    Invalid(String),
    /// Storage failed.
    #[error("{0}")]
    Failed(String),
}

/// Creates logs for a running deployment: a key, storage and the registry
/// record, then the log opened for serving. Implemented by the composition
/// root, which knows where keys and stores live.
pub trait LogCreator<S: LogStore>: Send + Sync {
    /// The origin a log named `name` gets when the admin gives none.
    fn default_origin(&self, name: &str) -> String;
    /// Creates log `name` with `origin` for an admin of log `by`.
    fn create<'a>(
        &'a self,
        by: &'a str,
        name: &'a str,
        origin: &'a str,
    ) -> std::pin::Pin<Box<dyn Future<Output = Result<ServedLog<S>, LogCreateError>> + Send + 'a>>;
}

/// Everything the handlers share.
pub struct AppState<S: LogStore, R: Registry> {
    /// Logs by URL name.
    pub logs: ServedLogs<S>,
    /// Creates logs from the admin page; `None`: logs are fixed at start.
    pub log_creator: Option<Arc<dyn LogCreator<S>>>,
    /// Tokens and provider keys.
    pub registry: R,
    /// Per-token rate limits.
    pub limiter: Limiter,
    /// Largest request body accepted, in bytes.
    pub max_body: usize,
    /// This deployment's witness key, if it acts as a witness.
    pub witness: Option<lading_tlog::NoteSigner>,
    /// How long `?wait=receipt` waits for witnesses before answering with
    /// a receipt under the (not yet cosigned) latest checkpoint.
    pub witness_wait: std::time::Duration,
    /// Where OTLP log requests (`POST /v1/logs`) go; `None`: not served.
    pub otlp: Option<Arc<dyn otlp::LogSink>>,
    /// The CA roots a certificate-bound SCITT statement's x5chain must run
    /// to (RFC 5280 at registration time); empty: such statements are refused.
    pub scitt_ca_roots: Vec<lading_pki::Certificate>,
}

/// `POST /v1/logs`: OTLP/HTTP logs into the token's maintenance stream.
async fn otlp_logs<S: LogStore, R: Registry>(
    State(state): State<Arc<AppState<S, R>>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let sink =
        state.otlp.clone().ok_or_else(|| ApiError::NotFound("this deployment has no maintenance streams".into()))?;
    otlp::export_logs(sink.as_ref(), &headers, body).await
}

/// The API router.
pub fn app<S: LogStore, R: Registry>(state: Arc<AppState<S, R>>) -> Router {
    let max_body = state.max_body;
    Router::new()
        .route("/openapi.json", get(openapi))
        .route("/add-checkpoint", post(witness::add_checkpoint::<S, R>))
        .route("/entries", post(scitt::register::<S, R>))
        .route("/entries/{id}", get(scitt::resolve::<S, R>))
        .route("/.well-known/transparency-configuration", get(scitt::configuration::<S, R>))
        .route("/.well-known/scitt-keys", get(scitt::keys::<S, R>))
        .route("/.well-known/scitt-keys/{kid}", get(scitt::key::<S, R>))
        .route("/v1/logs", get(list_logs::<S, R>).post(otlp_logs::<S, R>))
        .route("/v1/logs/{log}/entries", post(submit::<S, R>))
        .route("/v1/logs/{log}/checkpoint", get(checkpoint::<S, R>))
        .route("/v1/logs/{log}/tile/{*path}", get(tile::<S, R>))
        .route("/v1/logs/{log}/receipts/{index}", get(receipt::<S, R>))
        .route("/v1/logs/{log}/leaves/{leaf_hash}", get(leaf::<S, R>))
        .route("/v1/logs/{log}/search", get(search::<S, R>))
        .fallback(|| async { ApiError::NotFound("no such endpoint; see /openapi.json".into()) })
        .layer(DefaultBodyLimit::max(max_body))
        .layer(axum::middleware::map_response(error::api_response))
        .with_state(state)
}

fn served<S: LogStore, R: Registry>(state: &AppState<S, R>, log: &str) -> Result<Arc<ServedLog<S>>, ApiError> {
    state.logs.get(log).ok_or_else(|| ApiError::NotFound(format!("no log named {log:?}")))
}

fn with_headers(
    status: StatusCode,
    content_type: &'static str,
    cache: &'static str,
    body: impl Into<axum::body::Body>,
) -> Response {
    let mut r = (status, body.into()).into_response();
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    r
}

async fn openapi() -> Response {
    with_headers(StatusCode::OK, "application/json", "public, max-age=300", OPENAPI)
}

async fn list_logs<S: LogStore, R: Registry>(State(state): State<Arc<AppState<S, R>>>) -> Response {
    let logs: Vec<_> = state
        .logs
        .all()
        .iter()
        .map(|(name, s)| {
            let (size, _) = s.log.checkpoint();
            let mut log = json!({ "name": name, "origin": s.log.verifier().name(), "vkey": s.vkey, "size": size });
            let receipt_key = scitt::receipt_key_json(s);
            if !receipt_key.is_null() {
                log["receipt_key"] = receipt_key;
            }
            log
        })
        .collect();
    axum::Json(json!({ "logs": logs })).into_response()
}

/// `?wait=receipt` asks for the receipt in the response.
#[derive(Debug, Deserialize)]
struct SubmitQuery {
    wait: Option<String>,
}

async fn submit<S: LogStore, R: Registry>(
    State(state): State<Arc<AppState<S, R>>>,
    Path(log): Path<String>,
    query: Result<Query<SubmitQuery>, axum::extract::rejection::QueryRejection>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let served = served(&state, &log)?;
    auth::authorize(&state.registry, &state.limiter, &headers, &log, Scope::Submit).await?;
    let Query(query) = query.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let want_receipt = match query.wait.as_deref() {
        None => false,
        Some("receipt") => true,
        Some(other) => return Err(ApiError::BadRequest(format!("wait={other:?}: the only value is `receipt`"))),
    };
    let body = body.map_err(|e| match e.status() {
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::TooLarge(format!("request body is over {} bytes", state.max_body)),
        _ => ApiError::BadRequest(e.body_text()),
    })?;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or("").trim().to_ascii_lowercase())
        .unwrap_or_default();
    let (entry, kind, keys) = if content_type == "application/octet-stream" {
        (body.to_vec(), None, vec![digest_key(&body)])
    } else if SIGSTORE_BUNDLE_MEDIA_TYPES.contains(&content_type.as_str()) {
        let (leaf, kind, keys) = certificate_bundle_leaf(&state.registry, &state.scitt_ca_roots, &log, &body).await?;
        (leaf, Some(kind), keys)
    } else if DSSE_MEDIA_TYPES.contains(&content_type.as_str()) {
        let (leaf, kind, keys) = statement_leaf(&state.registry, &log, &body).await?;
        (leaf, Some(kind), keys)
    } else {
        return Err(ApiError::UnsupportedMediaType(format!(
            "content type {content_type:?}: send a DSSE envelope as application/json (or {}), a certificate-bound \
             Sigstore bundle as {}, or a raw entry as application/octet-stream",
            DSSE_MEDIA_TYPES[1], SIGSTORE_BUNDLE_MEDIA_TYPES[0]
        )));
    };
    let leaf = leaf_hash(&entry);
    let appended = served.log.append(entry).await?;
    // Indexed once the entry is durable; a re-submission (a duplicate)
    // records the same keys again, which also repairs an index a crash
    // between the two steps left short.
    state.registry.index_entry(log.clone(), appended.index, keys).await?;
    let mut reply = json!({
        "log": log,
        "index": appended.index,
        "duplicate": appended.duplicate,
        "leaf_hash": leaf.to_hex(),
        "kind": kind,
    });
    if want_receipt {
        // With witnesses, wait (bounded) for a cosigned checkpoint covering the entry.
        if !served.witnesses.is_empty() {
            let deadline = tokio::time::Instant::now() + state.witness_wait;
            while tokio::time::Instant::now() < deadline {
                let covered = served
                    .witnessed
                    .read()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .as_ref()
                    .is_some_and(|w| appended.index < w.checkpoint.size);
                if covered {
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            }
        }
        let (receipt, cosigners) = witness::receipt_for(&served, appended.index).await?;
        reply["receipt"] = json!(receipt.to_text());
        reply["cosigners"] = json!(cosigners);
    }
    let status = if appended.duplicate { StatusCode::OK } else { StatusCode::CREATED };
    Ok((status, axum::Json(reply)).into_response())
}

/// Checks a DSSE envelope against the log's registered provider keys and
/// returns the log entry recording it, with its predicate type and the
/// search keys of what was verified: the envelope's SHA-256, every subject's
/// SHA-256 and the document's id.
async fn statement_leaf<R: Registry>(
    registry: &R,
    log: &str,
    body: &[u8],
) -> Result<(Vec<u8>, String, Vec<SearchKey>), ApiError> {
    let envelope = Envelope::from_json_bytes(body).map_err(|e| ApiError::BadRequest(e.to_string()))?;
    let mut registered = None;
    for s in &envelope.signatures {
        if let Some(k) = registry.provider_key(log.to_owned(), s.keyid.clone()).await? {
            registered = Some(k);
            break;
        }
    }
    let key = registered.ok_or_else(|| {
        let ids: Vec<&str> = envelope.signatures.iter().map(|s| s.keyid.as_str()).collect();
        ApiError::Forbidden(format!("no signature is by a provider key registered for log {log:?} (key ids: {ids:?})"))
    })?;
    let public = VerifyingKey::from_spki_der(&key.spki_der)
        .map_err(|e| ApiError::Internal(format!("registered key {}: {e}", key.keyid)))?;
    let verified = verify_statement(&envelope, &public).map_err(|e| ApiError::Unprocessable(e.to_string()))?;
    Ok(verified_entry(body, &verified, &key.keyid))
}

/// The registry entry recording `body` (an envelope, or a bundle carrying
/// it) whose statement verified with key `keyid`, its predicate type, and
/// the search keys of what was verified: the body's SHA-256, every
/// subject's SHA-256, the document's id and the signer.
fn verified_entry(
    body: &[u8],
    verified: &lading_crypto::statement::VerifiedStatement,
    keyid: &str,
) -> (Vec<u8>, String, Vec<SearchKey>) {
    let mut keys = vec![digest_key(body)];
    for subject in &verified.statement.subject {
        if let Some(key) = subject.digest.get("sha256").and_then(|d| SearchKey::digest(&format!("sha256:{d}")).ok()) {
            keys.push(key);
        }
    }
    if let Ok(key) = SearchKey::document(&document_subject_name(&verified.document)) {
        keys.push(key);
    }
    // What the console relies on to show the entry as a signed statement.
    if let Ok(key) = SearchKey::signer(keyid) {
        keys.push(key);
    }
    keys.sort();
    keys.dedup();
    let kind = verified.statement.predicate_type.clone();
    (registry_leaf(&kind, body, keyid), kind, keys)
}

/// Checks a certificate-bound Sigstore bundle (`lading sign --cert`): its
/// chain runs to a CA root this deployment trusts (`serve --ca-root`) and is
/// valid now with a leaf allowing digitalSignature, the key the leaf
/// certifies is a provider key registered for the log, the envelope names
/// that key and its statement verifies with it. The entry records the
/// bundle as sent (chain and timestamps included), as `lading verify` and
/// `bundle create --log` expect.
async fn certificate_bundle_leaf<R: Registry>(
    registry: &R,
    ca_roots: &[lading_pki::Certificate],
    log: &str,
    body: &[u8],
) -> Result<(Vec<u8>, String, Vec<SearchKey>), ApiError> {
    let value = lading_model::json::parse_strict(body)
        .map_err(|e| ApiError::BadRequest(format!("the Sigstore bundle is not JSON Lading accepts: {e}")))?;
    let bundle =
        lading_pki::bundle::CertificateBundle::from_json(&value).map_err(|e| ApiError::BadRequest(e.to_string()))?;
    let leaf = bundle.chain.first().ok_or_else(|| ApiError::BadRequest("the bundle carries no certificate".into()))?;
    let key = lading_pki::path::certified_key(leaf)
        .map_err(|e| ApiError::BadRequest(format!("the bundle's leaf certificate: {e}")))?;
    let keyid = key.key_id().to_string();
    lading_scitt::policy::check_certificate_chain(&bundle.chain, &key, ca_roots, chrono::Utc::now())
        .map_err(|e| ApiError::Forbidden(format!("untrusted certificate: {e}")))?;
    if registry.provider_key(log.to_owned(), keyid.clone()).await?.is_none() {
        return Err(ApiError::Forbidden(format!(
            "the bundle's certificate certifies key {keyid}, which is not a provider key registered for log {log:?}"
        )));
    }
    match bundle.envelope.signatures.as_slice() {
        [one] if one.keyid == keyid => {}
        [one] => {
            return Err(ApiError::Unprocessable(format!(
                "the envelope's signature names key {:?}, not {keyid}, the key the certificate certifies",
                one.keyid
            )));
        }
        other => {
            return Err(ApiError::Unprocessable(format!(
                "a certificate-bound bundle carries exactly one signature; this one has {}",
                other.len()
            )));
        }
    }
    let verified = verify_statement(&bundle.envelope, &key).map_err(|e| ApiError::Unprocessable(e.to_string()))?;
    Ok(verified_entry(body, &verified, &keyid))
}

async fn checkpoint<S: LogStore, R: Registry>(
    State(state): State<Arc<AppState<S, R>>>,
    Path(log): Path<String>,
) -> Result<Response, ApiError> {
    let (_, text) = served(&state, &log)?.log.checkpoint();
    Ok(with_headers(StatusCode::OK, "text/plain; charset=utf-8", "public, max-age=1", text))
}

async fn tile<S: LogStore, R: Registry>(
    State(state): State<Arc<AppState<S, R>>>,
    Path((log, path)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let served = served(&state, &log)?;
    let id = TileId::parse_path(&format!("tile/{path}")).map_err(|e| ApiError::NotFound(e.to_string()))?;
    let (size, _) = served.log.checkpoint();
    // Serve only what the latest checkpoint covers.
    // Checked arithmetic even though `TileId::parse_path` bounds the index.
    let end = id.index.checked_mul(256).and_then(|start| start.checked_add(u64::from(id.width)));
    let covered = match id.kind {
        TileKind::Hashes(level) => {
            let count = size.checked_shr(u32::from(level) * 8).unwrap_or(0);
            end.is_some_and(|end| end <= count)
        }
        TileKind::Entries => end.is_some_and(|end| end <= size),
    };
    if !covered {
        return Err(ApiError::NotFound(format!("{} is beyond the latest checkpoint (size {size})", id.path())));
    }
    let bytes = served
        .log
        .store()
        .read_tile(id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("{} does not exist", id.path())))?;
    let cache = if id.is_full() { "public, max-age=31536000, immutable" } else { "public, max-age=60" };
    Ok(with_headers(StatusCode::OK, "application/octet-stream", cache, bytes))
}

async fn receipt<S: LogStore, R: Registry>(
    State(state): State<Arc<AppState<S, R>>>,
    Path((log, index)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let served = served(&state, &log)?;
    let index: u64 = index.parse().map_err(|_| ApiError::BadRequest(format!("index {index:?} is not a number")))?;
    // `Accept: application/cose` asks for the COSE receipt (RFC 9942) instead of the tlog-proof.
    let wants_cose = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.split(';').next().unwrap_or("").trim() == lading_scitt::media::COSE));
    if wants_cose {
        let cose = scitt::cose_receipt(&served, index).await?;
        return Ok(with_headers(StatusCode::OK, lading_scitt::media::COSE, "no-cache", cose));
    }
    let (receipt, _) = witness::receipt_for(&served, index).await?;
    Ok(with_headers(StatusCode::OK, "text/plain; charset=utf-8", "no-cache", receipt.to_text()))
}

async fn leaf<S: LogStore, R: Registry>(
    State(state): State<Arc<AppState<S, R>>>,
    Path((log, hash)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let served = served(&state, &log)?;
    let bytes: [u8; 32] = hex::decode(&hash)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| ApiError::BadRequest(format!("{hash:?} is not 64 hex digits")))?;
    let index = served
        .log
        .index_of(Hash(bytes))
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no entry with leaf hash {hash}")))?;
    let (receipt, _) = witness::receipt_for(&served, index).await?;
    Ok(axum::Json(json!({ "log": log, "index": index, "leaf_hash": hash, "receipt": receipt.to_text() }))
        .into_response())
}

/// The search key of `bytes`' SHA-256.
fn digest_key(bytes: &[u8]) -> SearchKey {
    use sha2::Digest as _;
    SearchKey::sha256(&sha2::Sha256::digest(bytes).into())
}

/// The most indices one search answers.
pub const MAX_SEARCH_RESULTS: u32 = 1000;

/// `?digest=sha256:HEX` or `?document=KIND/ID`.
#[derive(Debug, Deserialize)]
struct SearchQuery {
    digest: Option<String>,
    document: Option<String>,
}

async fn search<S: LogStore, R: Registry>(
    State(state): State<Arc<AppState<S, R>>>,
    Path(log): Path<String>,
    query: Result<Query<SearchQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    served(&state, &log)?;
    let Query(query) = query.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let key = match (&query.digest, &query.document) {
        (Some(d), None) => SearchKey::digest(d),
        (None, Some(id)) => SearchKey::document(id),
        _ => Err("give exactly one of ?digest=sha256:HEX and ?document=KIND/ID".to_owned()),
    }
    .map_err(ApiError::BadRequest)?;
    // One more than the cap tells a full page from a complete answer.
    let mut indices = state.registry.search(log.clone(), key.clone(), MAX_SEARCH_RESULTS + 1).await?;
    let truncated = indices.len() > MAX_SEARCH_RESULTS as usize;
    indices.truncate(MAX_SEARCH_RESULTS as usize);
    let (size, _) = served(&state, &log)?.log.checkpoint();
    // Only entries under the latest checkpoint (a receipt can be had for each).
    indices.retain(|&i| i < size);
    let mut r = axum::Json(json!({ "log": log, "key": key.as_str(), "indices": indices, "truncated": truncated }))
        .into_response();
    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    Ok(r)
}
