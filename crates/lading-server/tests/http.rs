//! The API over real HTTP on loopback: submissions and receipts, every
//! client fault answered with the right 4xx problem document and the log
//! untouched, and every response checked against the OpenAPI document.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::TimeZone as _;
use lading_crypto::{Algorithm, SigningKey, sign_document};
use lading_log::{BatchConfig, Log, ProviderKey, Registry, Scope};
use lading_server::{AppState, Limiter, ServedLog, app, mint};
use lading_store_sqlite::{SqliteRegistry, SqliteStore};
use lading_tlog::{KeyKind, Note, NoteSigner, Policy, Receipt, leaf_hash};
use reqwest::StatusCode;
use serde_json::Value;

struct Server {
    base: String,
    submit: String,
    other_log_token: String,
    revoked: String,
    provider: SigningKey,
    policy: Policy,
    _dir: tempfile::TempDir,
}

fn log_signer(name: &str, seed: u8) -> NoteSigner {
    NoteSigner::new(name, KeyKind::Ed25519, ed25519_dalek::SigningKey::from_bytes(&[seed; 32])).expect("signer")
}

async fn start(rate_limit: u32) -> Server {
    start_with_witness(rate_limit, None).await
}

async fn start_with_witness(rate_limit: u32, witness: Option<(NoteSigner, String)>) -> Server {
    let dir = tempfile::tempdir().expect("tempdir");
    let registry = SqliteRegistry::open(dir.path()).expect("registry");
    let mut logs = BTreeMap::new();
    let mut policy = None;
    for (name, seed) in [("registry", 1u8), ("other", 2)] {
        let path = dir.path().join(name);
        std::fs::create_dir_all(&path).expect("mkdir");
        let signer = log_signer(&format!("test.lading.example/{name}"), seed);
        if name == "registry" {
            policy = Some(Policy::single_log(signer.verifier().clone()));
        }
        let vkey = signer.verifier().to_vkey();
        let config = BatchConfig { max_batch: 256, max_wait: Duration::from_millis(2) };
        let log = Log::open(SqliteStore::open(&path).expect("store"), signer, config).await.expect("log");
        registry
            .add_log(lading_log::LogDefinition {
                name: name.into(),
                origin: format!("test.lading.example/{name}"),
                created_at: 0,
            })
            .await
            .expect("add log");
        let receipt_key: Arc<dyn lading_crypto::Signer> =
            Arc::new(SigningKey::Ed25519(ed25519_dalek::SigningKey::from_bytes(&[seed; 32])));
        logs.insert(name.to_owned(), ServedLog::new(log, vkey).with_receipt_key(receipt_key));
    }
    let submit = mint("registry", Scope::Submit, "acme", 0).expect("mint");
    registry.add_token(submit.record).await.expect("token");
    let other = mint("other", Scope::Submit, "acme", 0).expect("mint");
    registry.add_token(other.record).await.expect("token");
    let revoked = mint("registry", Scope::Submit, "gone", 0).expect("mint");
    registry.add_token(revoked.record.clone()).await.expect("token");
    assert!(registry.revoke_token(revoked.record.id.clone(), 1).await.expect("revoke"));
    if let Some((_, trusted)) = &witness {
        registry.add_witnessed_log(trusted.clone()).await.expect("trust");
    }
    let provider = SigningKey::generate(Algorithm::P256).expect("key");
    let public = provider.verifying_key();
    registry
        .add_provider_key(ProviderKey {
            log: "registry".into(),
            keyid: public.key_id().to_string(),
            spki_der: public.to_spki_der(),
            label: "acme".into(),
        })
        .await
        .expect("provider");
    let state = Arc::new(AppState {
        logs: logs.into(),
        log_creator: None,
        registry,
        limiter: Limiter::new(rate_limit),
        max_body: 64 * 1024,
        witness: witness.map(|(signer, _)| signer),
        witness_wait: Duration::from_secs(5),
        otlp: None,
        scitt_ca_roots: Vec::new(),
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, app(state)).await.expect("serve") });
    Server {
        base,
        submit: submit.token,
        other_log_token: other.token,
        revoked: revoked.token,
        provider,
        policy: policy.expect("policy"),
        _dir: dir,
    }
}

/// name, token, content type, body, query, expected status
type Case<'a> = (&'a str, Option<&'a str>, &'a str, Vec<u8>, &'a str, StatusCode);

fn document(n: u128) -> Value {
    let now = chrono::Utc.with_ymd_and_hms(2026, 11, 27, 9, 0, 0).single().expect("time");
    lading_model::example(lading_model::Kind::MaintenanceEvent, uuid::Uuid::from_u128(n), now)
}

fn envelope(key: &SigningKey, n: u128) -> Vec<u8> {
    serde_json::to_vec(&sign_document(&document(n), key).expect("sign").to_json()).expect("json")
}

/// Checks a response against the OpenAPI document: the status is one the
/// operation declares, and a JSON body validates against its schema.
fn check_openapi(path_template: &str, method: &str, status: StatusCode, content_type: &str, body: &str) {
    let doc: Value = serde_json::from_str(lading_server::OPENAPI).expect("openapi");
    let op = &doc["paths"][path_template][method];
    assert!(op.is_object(), "{method} {path_template} is not documented");
    let mut response = op["responses"][status.as_str()].clone();
    assert!(response.is_object(), "{method} {path_template}: status {status} is not documented");
    if let Some(r) = response.get("$ref").and_then(Value::as_str) {
        response = doc["components"]["responses"][r.rsplit('/').next().expect("ref")].clone();
    }
    let media = content_type.split(';').next().expect("type").trim();
    let schema = &response["content"][media]["schema"];
    assert!(schema.is_object(), "{method} {path_template} {status}: content type {media} is not documented");
    if media.ends_with("json") {
        let mut schema = schema.clone();
        if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
            schema = doc["components"]["schemas"][r.rsplit('/').next().expect("ref")].clone();
        }
        let instance: Value = serde_json::from_str(body).expect("JSON body");
        let validator = jsonschema::validator_for(&schema).expect("schema");
        let errors: Vec<String> = validator.iter_errors(&instance).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{method} {path_template} {status}: {errors:?} in {body}");
    }
}

async fn send(
    s: &Server,
    token: Option<&str>,
    content_type: &str,
    body: Vec<u8>,
    query: &str,
) -> (StatusCode, String, String) {
    send_to(s, "registry", token, content_type, body, query).await
}

async fn send_to(
    s: &Server,
    log: &str,
    token: Option<&str>,
    content_type: &str,
    body: Vec<u8>,
    query: &str,
) -> (StatusCode, String, String) {
    let client = lading_server::http_client::client();
    let mut req =
        client.post(format!("{}/v1/logs/{log}/entries{query}", s.base)).header("content-type", content_type).body(body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let resp = req.send().await.expect("request");
    let status = resp.status();
    let ct = resp.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    let text = resp.text().await.expect("body");
    check_openapi("/v1/logs/{log}/entries", "post", status, &ct, &text);
    (status, ct, text)
}

async fn get(s: &Server, path: &str, template: &str) -> (StatusCode, reqwest::header::HeaderMap, Vec<u8>) {
    let resp = lading_server::http_client::client().get(format!("{}{path}", s.base)).send().await.expect("get");
    let status = resp.status();
    let headers = resp.headers().clone();
    let body = resp.bytes().await.expect("body").to_vec();
    let ct = headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    check_openapi(template, "get", status, &ct, &String::from_utf8_lossy(&body));
    (status, headers, body)
}

async fn size(s: &Server) -> u64 {
    let (_, _, body) = get(s, "/v1/logs/registry/checkpoint", "/v1/logs/{log}/checkpoint").await;
    String::from_utf8(body).expect("utf8").lines().nth(1).expect("size line").parse().expect("size")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signed_statements_get_receipts_that_verify_offline() {
    let s = start(10_000).await;
    let body = envelope(&s.provider, 1);
    let (status, _, text) = send(&s, Some(&s.submit), "application/json", body.clone(), "?wait=receipt").await;
    assert_eq!(status, StatusCode::CREATED, "{text}");
    let reply: Value = serde_json::from_str(&text).expect("json");
    assert_eq!(reply["kind"], "urn:lading:maintenance-event:v1");
    let leaf = lading_crypto::registry_leaf(
        "urn:lading:maintenance-event:v1",
        &body,
        s.provider.verifying_key().key_id().as_str(),
    );
    assert_eq!(reply["leaf_hash"], leaf_hash(&leaf).to_hex());
    let receipt = Receipt::parse(reply["receipt"].as_str().expect("receipt")).expect("parse");
    receipt.verify(&leaf_hash(&leaf), &s.policy).expect("verifies offline");

    // Re-submitting returns the same index with 200.
    let (status, _, text) = send(&s, Some(&s.submit), "application/vnd.dsse.envelope.v1+json", body, "").await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert_eq!(serde_json::from_str::<Value>(&text).expect("json")["duplicate"], true);

    // Raw entries, receipts by index, look-up by leaf hash.
    let (status, _, text) = send(&s, Some(&s.submit), "application/octet-stream", b"raw entry".to_vec(), "").await;
    assert_eq!(status, StatusCode::CREATED, "{text}");
    let (status, _, receipt) = get(&s, "/v1/logs/registry/receipts/1", "/v1/logs/{log}/receipts/{index}").await;
    assert_eq!(status, StatusCode::OK);
    Receipt::parse(&String::from_utf8(receipt).expect("utf8"))
        .expect("receipt")
        .verify(&leaf_hash(b"raw entry"), &s.policy)
        .expect("verify");
    let path = format!("/v1/logs/registry/leaves/{}", leaf_hash(b"raw entry").to_hex());
    let (status, _, found) = get(&s, &path, "/v1/logs/{log}/leaves/{leaf_hash}").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(serde_json::from_slice::<Value>(&found).expect("json")["index"], 1);

    // Tiles: the level-0 tile for size 2, with cache headers; none beyond it.
    let (status, headers, tile) = get(&s, "/v1/logs/registry/tile/0/000.p/2", "/v1/logs/{log}/tile/{path}").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(tile.len(), 64);
    assert_eq!(headers["cache-control"], "public, max-age=60");
    let (status, ..) = get(&s, "/v1/logs/registry/tile/0/000.p/3", "/v1/logs/{log}/tile/{path}").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, bundle) = get(&s, "/v1/logs/registry/tile/entries/000.p/2", "/v1/logs/{log}/tile/{path}").await;
    assert_eq!(status, StatusCode::OK);
    assert!(bundle.ends_with(b"raw entry"));
    let (status, headers, _) = get(&s, "/v1/logs/registry/checkpoint", "/v1/logs/{log}/checkpoint").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["cache-control"], "public, max-age=1");
    let (status, _, logs) = get(&s, "/v1/logs", "/v1/logs").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(serde_json::from_slice::<Value>(&logs).expect("json")["logs"].as_array().expect("logs").len(), 2);
    let (status, ..) = get(&s, "/openapi.json", "/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn entries_are_found_by_the_digests_and_document_ids_verified_at_logging_time() {
    let s = start(10_000).await;
    let search = |query: String| {
        let s = &s;
        async move { get(s, &format!("/v1/logs/registry/search?{query}"), "/v1/logs/{log}/search").await }
    };
    let indices = |body: &[u8]| serde_json::from_slice::<Value>(body).expect("json")["indices"].clone();
    let first = envelope(&s.provider, 41);
    let (status, _, text) = send(&s, Some(&s.submit), "application/json", first.clone(), "").await;
    assert_eq!(status, StatusCode::CREATED, "{text}");
    let (status, _, text) = send(&s, Some(&s.submit), "application/octet-stream", b"raw 41".to_vec(), "").await;
    assert_eq!(status, StatusCode::CREATED, "{text}");
    let sha = |b: &[u8]| {
        use sha2::Digest as _;
        hex::encode(sha2::Sha256::digest(b))
    };

    let id = uuid::Uuid::from_u128(41);
    let (status, _, body) = search(format!("document=maintenance-event/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(indices(&body), serde_json::json!([0]));
    // The envelope's digest, in upper case too; the raw entry's digest.
    let (_, _, body) = search(format!("digest=sha256:{}", sha(&first).to_uppercase())).await;
    assert_eq!(indices(&body), serde_json::json!([0]));
    let (_, _, body) = search(format!("digest=sha256:{}", sha(b"raw 41"))).await;
    assert_eq!(indices(&body), serde_json::json!([1]));
    // The document's subject digest (its RFC 8785 form).
    let canonical = lading_model::json::canonicalize(&document(41));
    let (_, _, body) = search(format!("digest=sha256:{}", sha(&canonical))).await;
    assert_eq!(indices(&body), serde_json::json!([0]));
    // Nothing else matches; the other log knows nothing of these.
    let (_, _, body) = search(format!("document=maintenance-event/{}", uuid::Uuid::from_u128(42))).await;
    assert_eq!(indices(&body), serde_json::json!([]));
    let (status, _, body) =
        get(&s, &format!("/v1/logs/other/search?digest=sha256:{}", sha(b"raw 41")), "/v1/logs/{log}/search").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(indices(&body), serde_json::json!([]));

    for bad in ["", "digest=sha256:12", "digest=md5:00", "document=noslash", "digest=x&document=a/b"] {
        let (status, ..) = search(bad.to_owned()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
    }
    let (status, ..) = get(&s, "/v1/logs/nope/search?document=a/b", "/v1/logs/{log}/search").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_faults_get_the_right_problem_and_leave_the_log_untouched() {
    let s = start(10_000).await;
    let good = envelope(&s.provider, 2);
    let stranger = SigningKey::generate(Algorithm::Ed25519).expect("key");
    let mut tampered: Value = serde_json::from_slice(&envelope(&s.provider, 3)).expect("json");
    let sig = tampered["signatures"][0]["sig"].as_str().expect("sig").to_owned();
    let first = if sig.starts_with('M') { 'N' } else { 'M' };
    let flipped = format!("{first}{}", &sig[1..]);
    tampered["signatures"][0]["sig"] = Value::from(flipped);
    let mut bad_statement: Value = serde_json::from_slice(&envelope(&s.provider, 5)).expect("json");
    bad_statement["payloadType"] = Value::from("text/plain");

    let cases: Vec<Case<'_>> = vec![
        ("no token", None, "application/json", good.clone(), "", StatusCode::UNAUTHORIZED),
        ("unknown token", Some("lad_00000000_nope"), "application/json", good.clone(), "", StatusCode::UNAUTHORIZED),
        ("revoked token", Some(&s.revoked), "application/json", good.clone(), "", StatusCode::UNAUTHORIZED),
        (
            "token for another log",
            Some(&s.other_log_token),
            "application/json",
            good.clone(),
            "",
            StatusCode::FORBIDDEN,
        ),
        ("malformed JSON", Some(&s.submit), "application/json", b"{\"payload\":".to_vec(), "", StatusCode::BAD_REQUEST),
        (
            "duplicate keys",
            Some(&s.submit),
            "application/json",
            b"{\"payload\":\"\",\"payload\":\"\"}".to_vec(),
            "",
            StatusCode::BAD_REQUEST,
        ),
        ("wrong content type", Some(&s.submit), "text/plain", good.clone(), "", StatusCode::UNSUPPORTED_MEDIA_TYPE),
        (
            "oversized body",
            Some(&s.submit),
            "application/octet-stream",
            vec![7; 70 * 1024],
            "",
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
        ("unregistered signer", Some(&s.submit), "application/json", envelope(&stranger, 6), "", StatusCode::FORBIDDEN),
        (
            "bad signature",
            Some(&s.submit),
            "application/json",
            tampered.to_string().into_bytes(),
            "",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "not an in-toto payload",
            Some(&s.submit),
            "application/json",
            bad_statement.to_string().into_bytes(),
            "",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        ("bad wait value", Some(&s.submit), "application/json", good.clone(), "?wait=forever", StatusCode::BAD_REQUEST),
    ];
    for (name, token, ct, body, query, want) in cases {
        let (status, content_type, text) = send(&s, token, ct, body, query).await;
        assert_eq!(status, want, "{name}: {text}");
        assert!(content_type.starts_with("application/problem+json"), "{name}: {content_type}");
        let problem: Value = serde_json::from_str(&text).expect("problem json");
        assert_eq!(problem["status"], want.as_u16(), "{name}");
        assert!(!problem["detail"].as_str().expect("detail").is_empty(), "{name}");
    }
    let (status, _, text) = send_to(&s, "nope", Some(&s.submit), "application/json", good, "").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{text}");
    assert_eq!(size(&s).await, 0, "no fault may change the log");
    for (path, template, want) in [
        ("/v1/logs/registry/receipts/0", "/v1/logs/{log}/receipts/{index}", StatusCode::NOT_FOUND),
        ("/v1/logs/registry/receipts/x", "/v1/logs/{log}/receipts/{index}", StatusCode::BAD_REQUEST),
        ("/v1/logs/registry/leaves/zz", "/v1/logs/{log}/leaves/{leaf_hash}", StatusCode::BAD_REQUEST),
        ("/v1/logs/registry/tile/0/abc", "/v1/logs/{log}/tile/{path}", StatusCode::NOT_FOUND),
        ("/v1/logs/nope/checkpoint", "/v1/logs/{log}/checkpoint", StatusCode::NOT_FOUND),
    ] {
        let (status, headers, _) = get(&s, path, template).await;
        assert_eq!(status, want, "{path}");
        assert_eq!(headers["content-type"], "application/problem+json", "{path}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_are_rate_limited() {
    let s = start(1).await;
    let mut statuses = Vec::new();
    for i in 0..4u8 {
        statuses.push(send(&s, Some(&s.submit), "application/octet-stream", vec![i], "").await.0);
    }
    assert_eq!(&statuses[..2], &[StatusCode::CREATED, StatusCode::CREATED]);
    assert!(statuses[2..].contains(&StatusCode::TOO_MANY_REQUESTS), "{statuses:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_clients_get_every_index_exactly_once() {
    let s = Arc::new(start(100_000).await);
    let mut tasks = Vec::new();
    for client in 0..32u32 {
        let s = Arc::clone(&s);
        tasks.push(tokio::spawn(async move {
            let mut got = Vec::new();
            for i in 0..40u32 {
                let (status, _, text) =
                    send(&s, Some(&s.submit), "application/octet-stream", format!("{client}/{i}").into_bytes(), "")
                        .await;
                assert_eq!(status, StatusCode::CREATED, "{text}");
                got.push(serde_json::from_str::<Value>(&text).expect("json")["index"].as_u64().expect("index"));
            }
            got
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.expect("client"));
    }
    all.sort_unstable();
    assert_eq!(all, (0..1280).collect::<Vec<u64>>());
    assert_eq!(size(&s).await, 1280);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_witness_endpoint_answers_every_status_of_the_spec() {
    use lading_tlog::witness::AddCheckpoint;
    use lading_tlog::{Checkpoint, MemoryTree, consistency_proof};
    let witness = NoteSigner::new(
        "w.lading.example/witness",
        KeyKind::Cosignature,
        ed25519_dalek::SigningKey::from_bytes(&[8; 32]),
    )
    .expect("witness");
    let foreign = log_signer("foreign.lading.example/log", 9);
    let s = start_with_witness(100, Some((witness.clone(), foreign.verifier().to_vkey()))).await;
    let mut tree = MemoryTree::new();
    let checkpoint_at = |tree: &MemoryTree| {
        Checkpoint {
            origin: "foreign.lading.example/log".into(),
            size: tree.size(),
            root: tree.root(),
            extensions: vec![],
        }
        .sign(&foreign)
        .expect("sign")
        .to_text()
    };
    let post = |body: String| {
        let url = format!("{}/add-checkpoint", s.base);
        async move {
            let r = lading_server::http_client::client().post(url).body(body).send().await.expect("post");
            let status = r.status().as_u16();
            let ct = r.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
            (status, ct, r.text().await.expect("text"))
        }
    };
    for i in 0..10u8 {
        tree.push(&[i]);
    }
    let cp10 = checkpoint_at(&tree);
    let (status, _, body) =
        post(AddCheckpoint { old_size: 0, proof: vec![], checkpoint: cp10.clone() }.to_text()).await;
    assert_eq!(status, 200, "{body}");
    let note = Note::parse(format!("{}{body}", cp10).as_bytes()).expect("cosigned note");
    note.verify(&[witness.verifier().clone()]).expect("the cosignature verifies");
    for i in 10..20u8 {
        tree.push(&[i]);
    }
    let cp20 = checkpoint_at(&tree);
    let mut proof = consistency_proof(&tree, 10, 20).expect("proof");
    proof[0].0[0] ^= 1;
    let cases = [
        (AddCheckpoint { old_size: 10, proof: proof.clone(), checkpoint: cp20.clone() }.to_text(), 422),
        (AddCheckpoint { old_size: 3, proof: vec![], checkpoint: cp20.clone() }.to_text(), 409),
        (AddCheckpoint { old_size: 30, proof: vec![], checkpoint: cp20.clone() }.to_text(), 400),
        (
            AddCheckpoint {
                old_size: 0,
                proof: vec![],
                checkpoint: cp20.replace("foreign.lading.example/log", "x.example/log"),
            }
            .to_text(),
            404,
        ),
        ("old 0\n\nnot a checkpoint\n".to_owned(), 400),
    ];
    for (body, want) in cases {
        let (status, ct, text) = post(body).await;
        assert_eq!(status, want, "{text}");
        if want == 409 {
            assert_eq!((ct.as_str(), text.as_str()), ("text/x.tlog.size", "10\n"));
        }
    }
    // A checkpoint signed by another key with the trusted origin: 403.
    let impostor = log_signer("foreign.lading.example/log", 10);
    let forged =
        Checkpoint { origin: "foreign.lading.example/log".into(), size: 20, root: tree.root(), extensions: vec![] }
            .sign(&impostor)
            .expect("sign")
            .to_text();
    let good_proof = consistency_proof(&tree, 10, 20).expect("proof");
    assert_eq!(
        post(AddCheckpoint { old_size: 10, proof: good_proof.clone(), checkpoint: forged }.to_text()).await.0,
        403
    );
    // And the honest next step is cosigned.
    assert_eq!(post(AddCheckpoint { old_size: 10, proof: good_proof, checkpoint: cp20 }.to_text()).await.0, 200);
}

/// `POST /entries` with `content_type`, `body` and the submit token (if `token`); checked against the OpenAPI document.
async fn post_entries(
    s: &Server,
    token: Option<&str>,
    content_type: &str,
    body: Vec<u8>,
) -> (StatusCode, reqwest::header::HeaderMap, Vec<u8>) {
    let mut req = lading_server::http_client::client()
        .post(format!("{}/entries", s.base))
        .header("content-type", content_type)
        .body(body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let resp = req.send().await.expect("request");
    let status = resp.status();
    let headers = resp.headers().clone();
    let body = resp.bytes().await.expect("body").to_vec();
    let ct = headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    check_openapi("/entries", "post", status, &ct, "");
    (status, headers, body)
}

fn cose_statement(key: &SigningKey, payload: Vec<u8>, content_type: &str, subject: &str) -> Vec<u8> {
    use lading_scitt::{Binding, Claims, Payload, build_statement, key};
    let public = key.verifying_key();
    let claims = Claims { issuer: key::did_key(&public).expect("did"), subject: subject.into(), issued_at: Some(1) };
    build_statement(
        &Payload::Embedded { content_type: content_type.into(), bytes: payload },
        &claims,
        &Binding::Key { kid: key::lading_kid(&public) },
        key,
    )
    .expect("statement")
}

fn document_statement(key: &SigningKey, n: u128) -> Vec<u8> {
    let doc = document(n);
    let subject = format!("maintenance-event/{}", uuid::Uuid::from_u128(n));
    cose_statement(key, serde_json::to_vec(&doc).expect("json"), lading_scitt::media::LADING_DOCUMENT, &subject)
}

fn log_key(seed: u8) -> lading_crypto::VerifyingKey {
    lading_crypto::VerifyingKey::Ed25519(ed25519_dalek::SigningKey::from_bytes(&[seed; 32]).verifying_key())
}

/// The `(title, detail)` of a concise problem details body.
fn problem(body: &[u8]) -> (String, String) {
    lading_scitt::cbor::check(body, lading_scitt::cbor::Limits::RECEIPT, "problem").expect("strict CBOR");
    let value: coset::cbor::value::Value = coset::cbor::de::from_reader(body).expect("cbor");
    let map = value.into_map().expect("a map");
    let text = |k: i64| {
        map.iter()
            .find(|(key, _)| key.as_integer().is_some_and(|i| i64::try_from(i).ok() == Some(k)))
            .and_then(|(_, v)| v.as_text().map(str::to_owned))
            .unwrap_or_default()
    };
    (text(-1), text(-2))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scitt_statements_register_with_cose_receipts_that_verify() {
    let s = start(10_000).await;
    let bytes = document_statement(&s.provider, 7);
    let statement = lading_scitt::SignedStatement::parse(&bytes).expect("parses");
    let (status, headers, body) = post_entries(&s, Some(&s.submit), "application/cose", bytes.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{:?}", problem(&body));
    assert_eq!(headers["content-type"], "application/cose");
    let location = headers["location"].to_str().expect("location").to_owned();
    assert_eq!(location, format!("/entries/{}", statement.leaf_hash().to_hex()));
    let receipt = lading_scitt::Receipt::parse(&body).expect("receipt");
    let verified =
        receipt.verify(&statement.leaf_hash(), &log_key(1), Some("test.lading.example/registry")).expect("verifies");
    assert_eq!(verified.proof.leaf_index, 0);
    // The same statement again: already registered, same index.
    let (status, _, body) = post_entries(&s, Some(&s.submit), "application/cose", bytes.clone()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(lading_scitt::Receipt::parse(&body).expect("receipt").proof.leaf_index, 0);
    // GET /entries/{id} resolves the receipt.
    let (status, _, body) = get(&s, &location, "/entries/{id}").await;
    assert_eq!(status, StatusCode::OK);
    lading_scitt::Receipt::parse(&body)
        .expect("receipt")
        .verify(&statement.leaf_hash(), &log_key(1), None)
        .expect("ok");
    // Prefer: respond-async gets 303 and a Location to poll.
    let other = document_statement(&s.provider, 8);
    let resp = lading_server::http_client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
        .post(format!("{}/entries", s.base))
        .header("content-type", "application/cose")
        .header("prefer", "respond-async")
        .bearer_auth(&s.submit)
        .body(other)
        .send()
        .await
        .expect("post");
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let poll = resp.headers()["location"].to_str().expect("location").to_owned();
    let (status, _, _) = get(&s, &poll, "/entries/{id}").await;
    assert_eq!(status, StatusCode::OK);
    // Keys: a COSE key set, one key by kid, and in GET /v1/logs.
    let (status, headers, body) = get(&s, "/.well-known/scitt-keys", "/.well-known/scitt-keys").await;
    assert_eq!((status, headers["content-type"].to_str().expect("ct")), (StatusCode::OK, "application/cbor"));
    let set: coset::cbor::value::Value = coset::cbor::de::from_reader(body.as_slice()).expect("cbor");
    assert_eq!(set.as_array().expect("array").len(), 2);
    let kid = base64::Engine::encode(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD,
        lading_scitt::key::thumbprint(&log_key(1)).expect("kid"),
    );
    assert_eq!(receipt.kid, lading_scitt::key::thumbprint(&log_key(1)).expect("kid"));
    let (status, ..) = get(&s, &format!("/.well-known/scitt-keys/{kid}"), "/.well-known/scitt-keys/{kid}").await;
    assert_eq!(status, StatusCode::OK);
    let (status, ..) = get(&s, "/.well-known/scitt-keys/AAAA", "/.well-known/scitt-keys/{kid}").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, _, body) = get(&s, "/v1/logs", "/v1/logs").await;
    let logs: Value = serde_json::from_slice(&body).expect("json");
    assert_eq!(logs["logs"][1]["receipt_key"]["kid"], kid.as_str(), "{logs}");
    let (status, _, body) =
        get(&s, "/.well-known/transparency-configuration", "/.well-known/transparency-configuration").await;
    assert_eq!(status, StatusCode::OK);
    let config: coset::cbor::value::Value = coset::cbor::de::from_reader(body.as_slice()).expect("cbor");
    let issuer =
        config.as_map().expect("map").iter().find(|(k, _)| k.as_text() == Some("issuer")).map(|(_, v)| v.clone());
    assert_eq!(issuer.and_then(|v| v.as_text().map(str::to_owned)).as_deref(), Some("test.lading.example/registry"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_log_gives_cose_receipts_for_its_entries() {
    let s = start(10_000).await;
    let (status, _, _) =
        send_to(&s, "other", Some(&s.other_log_token), "application/octet-stream", b"raw".to_vec(), "").await;
    assert_eq!(status, StatusCode::CREATED);
    let resp = lading_server::http_client::client()
        .get(format!("{}/v1/logs/other/receipts/0", s.base))
        .header("accept", "application/cose")
        .send()
        .await
        .expect("get");
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.headers()["content-type"], "application/cose");
    let body = resp.bytes().await.expect("body");
    let receipt = lading_scitt::Receipt::parse(&body).expect("receipt");
    receipt.verify(&leaf_hash(b"raw"), &log_key(2), Some("test.lading.example/other")).expect("verifies");
    // Another log's key does not verify it.
    assert!(receipt.verify(&leaf_hash(b"raw"), &log_key(1), None).is_err());
}

/// name, token, content type, body, expected status, expected problem title
type ScrapiCase<'a> = (&'a str, Option<&'a str>, &'a str, Vec<u8>, StatusCode, &'a str);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scrapi_refusals_are_concise_problem_details_and_leave_the_log_alone() {
    let s = start(10_000).await;
    let good = document_statement(&s.provider, 9);
    let stranger = SigningKey::generate(Algorithm::Ed25519).expect("key");
    let mut bad_signature = good.clone();
    let last = bad_signature.len() - 1;
    bad_signature[last] ^= 1;
    let not_lading = cose_statement(&s.provider, b"{}".to_vec(), lading_scitt::media::LADING_DOCUMENT, "x/y");
    let wrong_type = cose_statement(&s.provider, b"hello".to_vec(), "text/plain", "x/y");
    let cases: Vec<ScrapiCase<'_>> = vec![
        ("no token", None, "application/cose", good.clone(), StatusCode::UNAUTHORIZED, "Unauthorized"),
        (
            "JSON",
            Some(&s.submit),
            "application/json",
            good.clone(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Unsupported Media Type",
        ),
        ("not CBOR", Some(&s.submit), "application/cose", b"{}".to_vec(), StatusCode::BAD_REQUEST, "Malformed request"),
        (
            "indefinite",
            Some(&s.submit),
            "application/cose",
            vec![0xd2, 0x9f, 0xff],
            StatusCode::BAD_REQUEST,
            "Malformed request",
        ),
        (
            "duplicate key",
            Some(&s.submit),
            "application/cose",
            vec![0xd2, 0x84, 0x40, 0xa2, 1, 1, 1, 2, 0xf6, 0x40],
            StatusCode::BAD_REQUEST,
            "Malformed request",
        ),
        (
            "unregistered",
            Some(&s.submit),
            "application/cose",
            document_statement(&stranger, 9),
            StatusCode::FORBIDDEN,
            "Unregistered Issuer",
        ),
        ("bad signature", Some(&s.submit), "application/cose", bad_signature, StatusCode::BAD_REQUEST, "Bad Signature"),
        (
            "not a document",
            Some(&s.submit),
            "application/cose",
            not_lading,
            StatusCode::UNPROCESSABLE_ENTITY,
            "Rejected",
        ),
        (
            "other payload",
            Some(&s.submit),
            "application/cose",
            wrong_type,
            StatusCode::UNPROCESSABLE_ENTITY,
            "Rejected",
        ),
        (
            "too large",
            Some(&s.submit),
            "application/cose",
            vec![0; 70_000],
            StatusCode::PAYLOAD_TOO_LARGE,
            "Payload Too Large",
        ),
    ];
    let before = size(&s).await;
    for (name, token, ct, body, want, title) in cases {
        let (status, headers, body) = post_entries(&s, token, ct, body).await;
        assert_eq!(status, want, "{name}: {:?}", problem(&body));
        assert_eq!(headers["content-type"], "application/concise-problem-details+cbor", "{name}");
        let (got_title, detail) = problem(&body);
        assert_eq!(got_title, title, "{name}: {detail}");
        assert!(!detail.is_empty(), "{name}");
    }
    assert_eq!(size(&s).await, before, "no refused statement was logged");
    let (status, _, body) = get(&s, "/entries/nothex", "/entries/{id}").await;
    assert_eq!((status, problem(&body).0.as_str()), (StatusCode::BAD_REQUEST, "Invalid locator"));
    let (status, _, body) = get(&s, &format!("/entries/{}", "0".repeat(64)), "/entries/{id}").await;
    assert_eq!((status, problem(&body).0.as_str()), (StatusCode::NOT_FOUND, "Not Found"));
}

/// One list, whose bytes the test changes.
struct OneList(std::sync::Mutex<Result<Vec<u8>, String>>);

impl lading_server::status::StatusListSource for OneList {
    fn paths(&self) -> Vec<String> {
        vec!["/status/cb/revocation".into()]
    }
    fn current(&self, _: &str) -> Result<Vec<u8>, String> {
        self.0.lock().map_err(|e| e.to_string())?.clone()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn published_status_lists_answer_as_the_openapi_document_says() {
    let s = start(1000).await;
    let list = serde_json::json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"], "id": "https://cb.example/status/cb/revocation",
        "type": ["VerifiableCredential", "BitstringStatusListCredential"], "issuer": "did:key:z6Mk",
        "credentialSubject": {"type": "BitstringStatusList"}, "proof": {},
    });
    let source = Arc::new(OneList(std::sync::Mutex::new(Ok(list.to_string().into_bytes()))));
    let router =
        lading_server::status::routes(Arc::clone(&source) as Arc<dyn lading_server::status::StatusListSource>, 60);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, router).await.expect("serve") });
    let client = lading_server::http_client::client();
    let template = "/status/{list}";
    let r = client.get(format!("{base}/status/cb/revocation")).send().await.expect("get");
    let (status, ct) = (r.status(), r.headers()["content-type"].to_str().expect("ct").to_owned());
    let etag = r.headers()["etag"].to_str().expect("etag").to_owned();
    check_openapi(template, "get", status, &ct, &r.text().await.expect("body"));
    assert_eq!(status, StatusCode::OK);
    let r =
        client.get(format!("{base}/status/cb/revocation")).header("if-none-match", &etag).send().await.expect("get");
    assert_eq!(r.status(), StatusCode::NOT_MODIFIED);
    let doc: Value = serde_json::from_str(lading_server::OPENAPI).expect("openapi");
    assert!(doc["paths"][template]["get"]["responses"]["304"].is_object());
    *source.0.lock().expect("lock") = Err("rolled back".into());
    let r = client.get(format!("{base}/status/cb/revocation")).send().await.expect("get");
    let (status, ct) = (r.status(), r.headers()["content-type"].to_str().expect("ct").to_owned());
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    check_openapi(template, "get", status, &ct, &r.text().await.expect("body"));
    // A list not published: the API's fallback answers 404 with a problem document.
    let (status, _, body) = get(&s, "/status/nope", template).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{}", String::from_utf8_lossy(&body));
}
