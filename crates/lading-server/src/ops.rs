//! Operating a deployment: Prometheus metrics (`GET /metrics`, OpenMetrics
//! text from `prometheus-client`), liveness (`GET /healthz`), readiness
//! (`GET /readyz`: every log's storage really takes a write), and a request
//! id with one structured log event (`tracing`) per request.
//!
//! ```text
//! let metrics = Arc::new(Metrics::new());
//! for (name, served) in state.logs.all() { metrics.observe_log(&name, &served.log); }
//! let router = ops::track(app(state.clone()).merge(ops::routes(state, metrics.clone())), metrics);
//! ```
//!
//! Label values are bounded: a request's route is its matched route
//! template (`/v1/logs/{log}/entries`), or `unmatched`; its method is one
//! of the standard ones or `OTHER`.

use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use lading_log::{Log, LogStore, Registry};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry as MetricRegistry;
use serde_json::json;
use tracing::Instrument as _;

use crate::AppState;

/// The header carrying a request's id, taken from the client when it sends
/// a sane one (1–64 of `A-Za-z0-9._-`), else made up; echoed in the response.
pub const REQUEST_ID: &str = "x-request-id";

/// How long `/readyz` waits for a store to take its probe write.
const PROBE_TIMEOUT: Duration = Duration::from_secs(3);

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    route: String,
    method: &'static str,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: String,
    method: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct LogLabels {
    log: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StreamLabels {
    stream: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PoolLabels {
    state: &'static str,
}

/// A database connection pool's state, for `lading_db_pool_connections`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PoolStatus {
    /// Most connections the pool opens.
    pub max: u64,
    /// Connections open.
    pub open: u64,
    /// Open connections not in use.
    pub idle: u64,
    /// Callers waiting for a connection.
    pub waiting: u64,
}

/// Reads the pool's state at scrape time.
pub type PoolSource = Box<dyn Fn() -> PoolStatus + Send + Sync>;
/// Reads every maintenance stream's size (events) at scrape time.
pub type StreamSource = Box<dyn Fn() -> Vec<(String, u64)> + Send + Sync>;

/// The deployment's metrics. Request counters and histograms are fed by
/// [`track`], batch histograms by the logs' sequencers
/// ([`Metrics::observe_log`]); gauges are read from the logs when scraped.
pub struct Metrics {
    registry: MetricRegistry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram>,
    in_flight: Gauge,
    batch_entries: Family<LogLabels, Histogram>,
    batch_seconds: Family<LogLabels, Histogram>,
    log_size: Family<LogLabels, Gauge>,
    checkpoint_age: Family<LogLabels, Gauge<f64, AtomicU64>>,
    queue_depth: Family<LogLabels, Gauge>,
    storage_ok: Family<LogLabels, Gauge>,
    storage_faults: Family<LogLabels, Counter>,
    storage_recoveries: Family<LogLabels, Counter>,
    stream_size: Family<StreamLabels, Gauge>,
    pool: Family<PoolLabels, Gauge>,
    pool_source: Mutex<Option<PoolSource>>,
    stream_source: Mutex<Option<StreamSource>>,
    started: Instant,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    /// Every metric, registered under the `lading_` prefix.
    pub fn new() -> Self {
        let latency_buckets = || Histogram::new(exponential_buckets(0.000_5, 2.0, 16));
        let m = Self {
            registry: MetricRegistry::with_prefix("lading"),
            requests: Family::default(),
            latency: Family::new_with_constructor(latency_buckets),
            in_flight: Gauge::default(),
            batch_entries: Family::new_with_constructor(|| Histogram::new(exponential_buckets(1.0, 2.0, 14))),
            batch_seconds: Family::new_with_constructor(latency_buckets),
            log_size: Family::default(),
            checkpoint_age: Family::default(),
            queue_depth: Family::default(),
            storage_ok: Family::default(),
            storage_faults: Family::default(),
            storage_recoveries: Family::default(),
            stream_size: Family::default(),
            pool: Family::default(),
            pool_source: Mutex::new(None),
            stream_source: Mutex::new(None),
            started: Instant::now(),
        };
        let mut m = m;
        let r = &mut m.registry;
        r.register("http_requests", "HTTP requests answered, by route template, method and status", m.requests.clone());
        r.register(
            "http_request_duration_seconds",
            "Time to answer an HTTP request, by route template and method",
            m.latency.clone(),
        );
        r.register("http_requests_in_flight", "HTTP requests being answered now", m.in_flight.clone());
        r.register("log_batch_entries", "Entries per durable batch of a log's sequencer", m.batch_entries.clone());
        r.register(
            "log_batch_duration_seconds",
            "Time of a log's durable step (integrate, sign, commit)",
            m.batch_seconds.clone(),
        );
        r.register("log_size_entries", "Entries under a log's latest signed checkpoint", m.log_size.clone());
        r.register(
            "log_checkpoint_age_seconds",
            "Seconds since this process signed or loaded a log's latest checkpoint",
            m.checkpoint_age.clone(),
        );
        r.register("log_queue_depth", "Append requests waiting for a log's sequencer", m.queue_depth.clone());
        r.register(
            "log_storage_ok",
            "1 when a log's sequencer takes appends, 0 while it waits out a storage fault",
            m.storage_ok.clone(),
        );
        r.register(
            "log_storage_faults",
            "Storage faults a log's sequencer has seen (a full disk, a lost database)",
            m.storage_faults.clone(),
        );
        r.register(
            "log_storage_recoveries",
            "Times a log's sequencer resumed after a storage fault (database failovers included)",
            m.storage_recoveries.clone(),
        );
        r.register("stream_size_events", "Events in a maintenance stream", m.stream_size.clone());
        r.register(
            "db_pool_connections",
            "Database pool connections: max, open, idle, and callers waiting",
            m.pool.clone(),
        );
        m
    }

    /// Feeds `log`'s batch histograms from its sequencer.
    pub fn observe_log<S: LogStore>(&self, name: &str, log: &Log<S>) {
        let labels = LogLabels { log: name.to_owned() };
        let entries = self.batch_entries.get_or_create(&labels).clone();
        let seconds = self.batch_seconds.get_or_create(&labels).clone();
        log.observe_batches(Arc::new(move |count, took| {
            // Batch sizes are far below 2^52: exact as f64.
            #[allow(clippy::cast_precision_loss)]
            entries.observe(count as f64);
            seconds.observe(took.as_secs_f64());
        }));
    }

    /// Reads the database pool's state at every scrape.
    pub fn set_pool_source(&self, source: PoolSource) {
        *self.pool_source.lock().unwrap_or_else(PoisonError::into_inner) = Some(source);
    }

    /// Reads the maintenance streams' sizes at every scrape.
    pub fn set_stream_source(&self, source: StreamSource) {
        *self.stream_source.lock().unwrap_or_else(PoisonError::into_inner) = Some(source);
    }

    /// Counts one answered request.
    fn record(&self, route: &str, method: &'static str, status: StatusCode, took: Duration) {
        let labels = RequestLabels { route: route.to_owned(), method, status: status.as_u16() };
        self.requests.get_or_create(&labels).inc();
        self.latency.get_or_create(&RouteLabels { route: route.to_owned(), method }).observe(took.as_secs_f64());
    }

    /// Reads the gauges from the logs, then encodes everything.
    fn render<S: LogStore, R: Registry>(&self, state: &AppState<S, R>) -> Result<String, std::fmt::Error> {
        let now = SystemTime::now();
        for (name, served) in state.logs.all() {
            let labels = LogLabels { log: name };
            let (size, _) = served.log.checkpoint();
            self.log_size.get_or_create(&labels).set(i64::try_from(size).unwrap_or(i64::MAX));
            let since = served.log.checkpoint_signed_at().unwrap_or(now - self.started.elapsed());
            let age = now.duration_since(since).unwrap_or_default();
            self.checkpoint_age.get_or_create(&labels).set(age.as_secs_f64());
            self.queue_depth.get_or_create(&labels).set(i64::try_from(served.log.queue_depth()).unwrap_or(i64::MAX));
            let health = served.log.health();
            self.storage_ok.get_or_create(&labels).set(i64::from(health.fault.is_none()));
            catch_up(&self.storage_faults.get_or_create(&labels), health.faults);
            catch_up(&self.storage_recoveries.get_or_create(&labels), health.recoveries);
        }
        if let Some(source) = &*self.pool_source.lock().unwrap_or_else(PoisonError::into_inner) {
            let s = source();
            for (state, n) in [("max", s.max), ("open", s.open), ("idle", s.idle), ("waiting", s.waiting)] {
                self.pool.get_or_create(&PoolLabels { state }).set(i64::try_from(n).unwrap_or(i64::MAX));
            }
        }
        if let Some(source) = &*self.stream_source.lock().unwrap_or_else(PoisonError::into_inner) {
            for (stream, events) in source() {
                self.stream_size.get_or_create(&StreamLabels { stream }).set(i64::try_from(events).unwrap_or(i64::MAX));
            }
        }
        let mut text = String::new();
        prometheus_client::encoding::text::encode(&mut text, &self.registry)?;
        Ok(text)
    }
}

/// Raises a counter mirroring a monotonic count kept elsewhere.
fn catch_up(counter: &Counter, to: u64) {
    let now = counter.get();
    if to > now {
        counter.inc_by(to - now);
    }
}

/// `/metrics`, `/healthz` and `/readyz` over the API's state.
pub fn routes<S: LogStore, R: Registry>(state: Arc<AppState<S, R>>, metrics: Arc<Metrics>) -> Router {
    Router::new()
        .route("/metrics", get(render_metrics::<S, R>))
        .route("/healthz", get(healthz::<S, R>))
        .route("/readyz", get(readyz::<S, R>))
        .with_state((state, metrics))
}

type OpsState<S, R> = (Arc<AppState<S, R>>, Arc<Metrics>);

async fn render_metrics<S: LogStore, R: Registry>(State((state, metrics)): State<OpsState<S, R>>) -> Response {
    match metrics.render(&state) {
        Ok(text) => {
            let mut r = text.into_response();
            r.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/openmetrics-text; version=1.0.0; charset=utf-8"),
            );
            r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            r
        }
        Err(_) => crate::ApiError::Internal("encoding the metrics failed".into()).into_response(),
    }
}

/// Alive: the process answers. Says which logs wait out a storage fault
/// (a restart would not help them; they recover by themselves).
async fn healthz<S: LogStore, R: Registry>(State((state, _)): State<OpsState<S, R>>) -> Response {
    let faults: serde_json::Map<String, serde_json::Value> =
        state.logs.all().into_iter().filter_map(|(name, s)| s.log.health().fault.map(|f| (name, json!(f)))).collect();
    let mut r = axum::Json(json!({ "status": "alive", "storage_faults": faults })).into_response();
    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

/// Ready: every log's sequencer takes appends and its store takes a real
/// write now. `503` with `Retry-After` and the reasons otherwise.
async fn readyz<S: LogStore, R: Registry>(State((state, _)): State<OpsState<S, R>>) -> Response {
    let mut logs = serde_json::Map::new();
    let mut ready = true;
    for (name, served) in state.logs.all() {
        let verdict = match tokio::time::timeout(PROBE_TIMEOUT, served.log.store().probe_writable()).await {
            Err(_) => Err(format!("storage did not take a probe write within {} s", PROBE_TIMEOUT.as_secs())),
            Ok(Err(e)) => Err(lading_log::error_chain(&e)),
            Ok(Ok(())) => served.log.health().fault.map_or(Ok(()), |f| {
                Err(format!("storage works again; the sequencer resumes within a second (last fault: {f})"))
            }),
        };
        match verdict {
            Ok(()) => {
                logs.insert(name, json!("ok"));
            }
            Err(why) => {
                ready = false;
                logs.insert(name, json!(why));
            }
        }
    }
    let status = if ready { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    let mut r = (status, axum::Json(json!({ "ready": ready, "logs": logs }))).into_response();
    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if !ready {
        r.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    }
    r
}

/// Wraps every route of `router`: a request id (the client's, when sane,
/// else a new one) in a `tracing` span around the handler and in the
/// response's `x-request-id`; one log event per request (method, route,
/// path, status, milliseconds); the request metrics. Apply it last, to the
/// merged router, so that every route is covered.
pub fn track(router: Router, metrics: Arc<Metrics>) -> Router {
    router.layer(axum::middleware::from_fn_with_state(metrics, track_request))
}

async fn track_request(State(metrics): State<Arc<Metrics>>, mut req: Request, next: Next) -> Response {
    let started = Instant::now();
    let id = req
        .headers()
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            (1..=64).contains(&v.len())
                && v.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        })
        .map_or_else(new_request_id, str::to_owned);
    if let Ok(value) = HeaderValue::from_str(&id) {
        req.headers_mut().insert(REQUEST_ID, value);
    }
    let route = req.extensions().get::<MatchedPath>().map_or("unmatched", MatchedPath::as_str).to_owned();
    let method = method_label(req.method());
    let path = req.uri().path().to_owned();
    let span = tracing::info_span!("request", request_id = %id, method, route = %route);
    metrics.in_flight.inc();
    let mut response = next.run(req).instrument(span.clone()).await;
    metrics.in_flight.dec();
    let took = started.elapsed();
    let status = response.status();
    metrics.record(&route, method, status, took);
    let ms = took.as_secs_f64() * 1000.0;
    if status.is_server_error() {
        tracing::warn!(parent: &span, status = status.as_u16(), ms, path = %path, "request failed");
    } else {
        tracing::info!(parent: &span, status = status.as_u16(), ms, path = %path, "request");
    }
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID, value);
    }
    response
}

/// 16 random bytes, hex.
fn new_request_id() -> String {
    let mut bytes = [0u8; 16];
    // Without randomness, a counter still tells requests apart.
    if getrandom::fill(&mut bytes).is_err() {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        bytes[..8].copy_from_slice(&NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed).to_be_bytes());
    }
    hex::encode(bytes)
}

fn method_label(method: &axum::http::Method) -> &'static str {
    use axum::http::Method;
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        Method::PATCH => "PATCH",
        _ => "OTHER",
    }
}
