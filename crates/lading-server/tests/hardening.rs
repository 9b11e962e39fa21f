//! Issue 24, item 7: the smaller findings of the red-team pass against the
//! API, each a request answered through the router (`app(state)`, no socket).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use lading_log::{BatchConfig, Log, Registry, Scope};
use lading_server::{AppState, Limiter, ServedLog, app, mint};
use lading_store_sqlite::{SqliteRegistry, SqliteStore};
use lading_tlog::{KeyKind, NoteSigner};
use tower::ServiceExt as _;

struct Api {
    router: axum::Router,
    token: String,
    _dir: tempfile::TempDir,
}

async fn api() -> Api {
    let dir = tempfile::tempdir().expect("tempdir");
    let registry = SqliteRegistry::open(dir.path()).expect("registry");
    let path = dir.path().join("registry");
    std::fs::create_dir_all(&path).expect("mkdir");
    let signer = NoteSigner::new(
        "test.lading.example/registry",
        KeyKind::Ed25519,
        ed25519_dalek::SigningKey::from_bytes(&[1; 32]),
    )
    .expect("signer");
    let vkey = signer.verifier().to_vkey();
    let config = BatchConfig { max_batch: 64, max_wait: Duration::from_millis(1) };
    let log = Log::open(SqliteStore::open(&path).expect("store"), signer, config).await.expect("log");
    registry
        .add_log(lading_log::LogDefinition {
            name: "registry".into(),
            origin: "test.lading.example/registry".into(),
            created_at: 0,
        })
        .await
        .expect("add log");
    let submit = mint("registry", Scope::Submit, "acme", 0).expect("mint");
    registry.add_token(submit.record).await.expect("token");
    let mut logs = BTreeMap::new();
    logs.insert("registry".to_owned(), ServedLog::new(log, vkey));
    let state = Arc::new(AppState {
        logs: logs.into(),
        log_creator: None,
        registry,
        limiter: Limiter::new(1000),
        max_body: 1024,
        witness: None,
        witness_wait: Duration::from_secs(1),
        otlp: None,
        scitt_ca_roots: Vec::new(),
    });
    Api { router: app(state), token: submit.token, _dir: dir }
}

async fn call(api: &Api, req: Request<Body>) -> (StatusCode, axum::http::HeaderMap, String) {
    let resp = api.router.clone().oneshot(req).await.expect("infallible");
    let (parts, body) = resp.into_parts();
    let bytes = axum::body::to_bytes(body, 1 << 20).await.expect("body");
    (parts.status, parts.headers, String::from_utf8_lossy(&bytes).into_owned())
}

fn get(uri: &str) -> Request<Body> {
    Request::get(uri).body(Body::empty()).expect("request")
}

fn is_problem(headers: &axum::http::HeaderMap) -> bool {
    headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) == Some("application/problem+json")
}

#[tokio::test]
async fn tile_indices_at_or_past_2_pow_56_are_refused_before_any_arithmetic() {
    let api = api().await;
    // 2^56 = 72057594037927936: index · 256 overflows a u64.
    for path in [
        "/v1/logs/registry/tile/0/x072/x057/x594/x037/x927/936",
        "/v1/logs/registry/tile/entries/x072/x057/x594/x037/x927/936",
        "/v1/logs/registry/tile/2/x999/x999/x999/x999/x999/999.p/7",
    ] {
        let (status, headers, body) = call(&api, get(path)).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}: {body}");
        assert!(is_problem(&headers) && body.contains("2^56"), "{path}: {body}");
    }
}

#[tokio::test]
async fn api_responses_tell_browsers_not_to_sniff() {
    let api = api().await;
    for path in ["/v1/logs", "/v1/logs/registry/checkpoint", "/v1/logs/nope/checkpoint", "/openapi.json", "/nowhere"] {
        let (_, headers, _) = call(&api, get(path)).await;
        assert_eq!(headers.get("x-content-type-options").map(|v| v.as_bytes()), Some(&b"nosniff"[..]), "{path}");
    }
}

#[tokio::test]
async fn an_oversized_body_and_a_non_utf8_path_get_problem_documents() {
    let api = api().await;
    // OTLP takes its body before anything else: axum's own 413.
    let big = Request::post("/v1/logs")
        .header(header::CONTENT_TYPE, "application/x-protobuf")
        .body(Body::from(vec![0u8; 4096]))
        .expect("request");
    let (status, headers, body) = call(&api, big).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert!(is_problem(&headers), "{headers:?} {body}");
    let v: serde_json::Value = serde_json::from_str(&body).expect("a problem document");
    assert_eq!(v["status"], 413);
    // A path segment that is not UTF-8 once percent-decoded.
    let (status, headers, body) = call(&api, get("/v1/logs/%FF%FE/checkpoint")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(is_problem(&headers), "{headers:?} {body}");
    let v: serde_json::Value = serde_json::from_str(&body).expect("a problem document");
    assert_eq!(v["status"], 400);
}

#[tokio::test]
async fn the_bearer_scheme_is_case_insensitive() {
    let api = api().await;
    for (i, scheme) in ["bearer", "BEARER", "Bearer"].into_iter().enumerate() {
        let req = Request::post("/v1/logs/registry/entries")
            .header(header::CONTENT_TYPE, "application/octet-stream")
            .header(header::AUTHORIZATION, format!("{scheme} {}", api.token))
            .body(Body::from(format!("entry {i}")))
            .expect("request");
        let (status, _, body) = call(&api, req).await;
        assert_eq!(status, StatusCode::CREATED, "{scheme}: {body}");
    }
}
