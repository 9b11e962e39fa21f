//! The web console, served at `/` beside the API: server-rendered pages
//! (askama templates, checked at compile time, every value escaped), no
//! script, every asset served by the binary, a strict
//! Content-Security-Policy, in English and Simplified Chinese.
//!
//! Pages so far: the dashboard of logs (`/`), the white list with status
//! timelines (`/trust`), the log explorer
//! (`/logs/NAME`, `/logs/NAME/entries/INDEX`, `/logs/NAME/search?q=`) and
//! the verifier (`/verify`:
//! a `multipart/form-data` POST of a `.lading` bundle, field `bundle`, and a
//! policy chosen from the deployment's (`policy_name`) or uploaded
//! (`policy`); the verdict and every check; nothing is stored). The verify
//! form changes nothing on the server, so it carries no CSRF token; forms
//! that change state will.

mod admin;
pub mod credential_sheet;
mod deliverables;
mod explorer;
pub mod i18n;
pub mod inspection_pdf;
pub mod report;
pub mod streams;
mod trust;

use std::sync::Arc;

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{DefaultBodyLimit, Multipart, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Router, middleware};
use lading_log::{LogStore, Registry};
use lading_trust::verify::CheckStatus;
use serde::Deserialize;

use deliverables::View;
use i18n::{Lang, Strings};
use lading_server::AppState;

/// The console's Content-Security-Policy: nothing but the binary's own
/// stylesheet and data-URI images; no script at all; forms post only here.
pub const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

pub(crate) const STYLESHEET: &str = include_str!("../static/console.css");

/// `?lang=`.
#[derive(Debug, Deserialize)]
pub(crate) struct LangQuery {
    lang: Option<String>,
}

/// A malformed query string only loses the language choice.
pub(crate) type LangParam = Result<Query<LangQuery>, QueryRejection>;

pub(crate) fn lang(query: &LangParam, headers: &HeaderMap) -> Lang {
    Lang::choose(
        query.as_ref().ok().and_then(|q| q.lang.as_deref()),
        headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()),
    )
}

/// Security headers on every console response.
async fn secure(request: axum::extract::Request, next: middleware::Next) -> Response {
    let mut r = next.run(request).await;
    let h = r.headers_mut();
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    // Same-origin requests carry the page's origin (the admin forms' Origin check needs it;
    // `no-referrer` makes browsers send `Origin: null`); other sites learn nothing.
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    r
}

pub(crate) fn page(status: StatusCode, t: &impl Template, lang: Lang) -> Response {
    match t.render() {
        Ok(html) => {
            let mut r = (status, html).into_response();
            r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
            r.headers_mut().insert(header::CONTENT_LANGUAGE, HeaderValue::from_static(lang.tag()));
            r.headers_mut().insert(header::VARY, HeaderValue::from_static("accept-language"));
            r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            r
        }
        // A template that fails to render is a bug; say so without details.
        Err(_) => (StatusCode::INTERNAL_SERVER_ERROR, "the page could not be rendered").into_response(),
    }
}

/// One row of the dashboard.
#[derive(Debug)]
struct LogRow {
    name: String,
    origin: String,
    size: u64,
    witnesses: usize,
    /// The latest cosigned checkpoint's size and its cosignatures.
    cosigned: Option<(u64, usize)>,
    /// Seconds since this process signed the latest checkpoint (`None`: loaded at start).
    age: Option<u64>,
    /// Entries appended over the last minute.
    rate: u64,
    /// Each witness, and how long ago its latest cosignature we hold was made.
    cosigners: Vec<(String, Option<u64>)>,
}

/// Each witness of `log` with the age in seconds of its cosignature on the
/// latest cosigned checkpoint (verified when it was gathered), if it made one.
fn cosigners<S: LogStore>(log: &lading_server::ServedLog<S>, now: std::time::SystemTime) -> Vec<(String, Option<u64>)> {
    let cosigned_at =
        log.witnessed.read().ok().and_then(|w| w.as_ref().map(|w| w.cosigned_at.clone())).unwrap_or_default();
    let unix = now.duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    log.witnesses
        .iter()
        .map(|w| {
            let at = cosigned_at.iter().find(|(id, _)| *id == w.verifier.key_id()).map(|(_, t)| *t);
            (w.verifier.name().to_owned(), at.map(|t| unix.saturating_sub(t)))
        })
        .collect()
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct Dashboard {
    lang: Lang,
    s: &'static Strings,
    here: &'static str,
    logs: Vec<LogRow>,
}

async fn dashboard<S: LogStore, R: Registry>(
    State(state): State<Arc<ConsoleState<S, R>>>,
    query: LangParam,
    headers: HeaderMap,
) -> Response {
    let lang = lang(&query, &headers);
    let now = std::time::SystemTime::now();
    let logs = state
        .api
        .logs
        .all()
        .iter()
        .map(|(name, s)| LogRow {
            name: name.clone(),
            origin: s.log.verifier().name().to_owned(),
            size: s.log.checkpoint().0,
            witnesses: s.witnesses.len(),
            cosigned: s.witnessed.read().ok().and_then(|w| w.as_ref().map(|w| (w.checkpoint.size, w.cosigners))),
            age: s.log.checkpoint_signed_at().and_then(|t| now.duration_since(t).ok()).map(|d| d.as_secs()),
            rate: s.log.appended_last_minute(),
            cosigners: cosigners(s, now),
        })
        .collect();
    page(StatusCode::OK, &Dashboard { lang, s: lang.strings(), here: "/", logs }, lang)
}

#[derive(Template)]
#[template(path = "verify.html")]
struct VerifyForm {
    lang: Lang,
    s: &'static Strings,
    here: &'static str,
    policies: Vec<String>,
}

async fn verify_form<S: LogStore, R: Registry>(
    State(state): State<Arc<ConsoleState<S, R>>>,
    query: LangParam,
    headers: HeaderMap,
) -> Response {
    let lang = lang(&query, &headers);
    let policies = state.config.policies.iter().map(|(n, _)| n.clone()).collect();
    page(StatusCode::OK, &VerifyForm { lang, s: lang.strings(), here: "/verify", policies }, lang)
}

/// One check of the verdict, as shown.
#[derive(Debug)]
struct CheckRow {
    name: String,
    class: &'static str,
    result: &'static str,
    reason: String,
}

#[derive(Template)]
#[template(path = "verdict.html")]
struct VerdictPage {
    lang: Lang,
    s: &'static Strings,
    here: &'static str,
    verified: bool,
    bundle: String,
    policy: String,
    provider: Option<String>,
    logged_at: Option<String>,
    checks: Vec<CheckRow>,
    /// Revocation and suspension of the certificates and the statement.
    rs: &'static report::ReportStrings,
    statuses: Vec<report::SheetRow>,
    views: Vec<View>,
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    lang: Lang,
    s: &'static Strings,
    here: &'a str,
    message: String,
    back: &'a str,
}

/// A page saying what went wrong, with a way back to `back`.
pub(crate) fn error_back(status: StatusCode, lang: Lang, message: String, back: &str) -> Response {
    page(status, &ErrorPage { lang, s: lang.strings(), here: back, message, back }, lang)
}

fn error(status: StatusCode, lang: Lang, message: String) -> Response {
    error_back(status, lang, message, "/verify")
}

pub use admin::{COOKIE, MAX_FAILED_LOGINS, SESSION_TTL, Sessions, TrustListPublisher};
pub use streams::StreamBrowser;

/// The console's settings and its sessions.
#[derive(Default)]
pub struct ConsoleConfig {
    /// Trust policies offered on `/verify`, by name.
    pub policies: Vec<(String, lading_trust::policy::Policy)>,
    /// Largest upload to `/verify`, in bytes (the bundle and the policy together).
    pub max_upload: usize,
    /// The white list shown on `/trust` and used for signers' standing on entry pages
    /// (verified against its operator's key by whoever configures it).
    /// Replaced when an admin publishes a newer one.
    pub trust_list: std::sync::RwLock<Option<lading_trust::trustlist::TrustList>>,
    /// Where an admin's new white list goes; `None`: publication is off.
    pub publisher: Option<Arc<dyn TrustListPublisher>>,
    /// The deployment's maintenance streams; `None`: no stream pages.
    pub streams: Option<Arc<dyn StreamBrowser>>,
    /// Stream pages without signing in (events name people and addresses).
    pub public_streams: bool,
    /// Admin sessions.
    pub sessions: Sessions,
    /// Verifications (`POST /verify`) that may run at once, upload
    /// included; one more is answered 503 with `Retry-After` before its
    /// body is read. `None`: no bound. A verification holds its upload and
    /// the bundle's members inflated (within `lading_model::bundle::Limits`),
    /// so this bounds the console's memory.
    pub verifications: Option<Arc<tokio::sync::Semaphore>>,
}

impl std::fmt::Debug for ConsoleConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConsoleConfig")
            .field("policies", &self.policies.len())
            .field("max_upload", &self.max_upload)
            .field("publisher", &self.publisher.is_some())
            .field("streams", &self.streams.is_some())
            .field("public_streams", &self.public_streams)
            .finish_non_exhaustive()
    }
}

/// A part of a `multipart/form-data` upload: field name, file name (empty
/// for a text field), bytes.
pub(crate) type Part = (String, String, axum::body::Bytes);

/// Reads every part of an upload (the route's body limit applies); a
/// malformed form or a part over `max_upload` bytes is the status and the
/// reason to show.
pub(crate) async fn read_form(
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
    max_upload: usize,
    s: &Strings,
) -> Result<Vec<Part>, (StatusCode, String)> {
    let mut multipart =
        multipart.map_err(|e| (StatusCode::BAD_REQUEST, format!("{} {}", s.err_bad_form, e.body_text())))?;
    let failed = |e: axum::extract::multipart::MultipartError| {
        let status = e.status();
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            (status, format!("{} {max_upload} bytes", s.err_too_large))
        } else {
            (status, format!("{} {}", s.err_bad_form, e.body_text()))
        }
    };
    let mut parts = Vec::new();
    while let Some(field) = multipart.next_field().await.map_err(failed)? {
        let name = field.name().unwrap_or("").to_owned();
        let file_name = field.file_name().unwrap_or("").to_owned();
        parts.push((name, file_name, field.bytes().await.map_err(failed)?));
    }
    Ok(parts)
}

async fn verify_post<S: LogStore, R: Registry>(
    State(state): State<Arc<ConsoleState<S, R>>>,
    query: LangParam,
    headers: HeaderMap,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let lang = lang(&query, &headers);
    let s = lang.strings();
    // Taken before the upload is read, held until the verdict is rendered.
    let _slot = match state.config.verifications.as_ref().map(|v| Arc::clone(v).try_acquire_owned()) {
        Some(Err(_)) => {
            let mut r = error(StatusCode::SERVICE_UNAVAILABLE, lang, s.err_busy.into());
            r.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("2"));
            r.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
            return r;
        }
        Some(Ok(permit)) => Some(permit),
        None => None,
    };
    let parts = match read_form(multipart, state.config.max_upload, s).await {
        Ok(p) => p,
        Err((status, message)) => return error(status, lang, message),
    };
    let (mut bundle, mut bundle_name, mut policy_upload, mut policy_name) = (None, String::new(), None, None);
    for (name, file_name, bytes) in parts {
        match name.as_str() {
            "bundle" if !bytes.is_empty() => {
                bundle = Some(bytes);
                bundle_name = file_name;
            }
            "policy" if !bytes.is_empty() => policy_upload = Some((bytes, file_name)),
            "policy_name" if !bytes.is_empty() => policy_name = Some(String::from_utf8_lossy(&bytes).into_owned()),
            _ => {}
        }
    }
    let Some(bundle) = bundle else { return error(StatusCode::BAD_REQUEST, lang, s.err_no_bundle.into()) };
    let (policy, policy_label) = match (policy_upload, policy_name) {
        (Some((bytes, file)), _) => match lading_trust::policy::Policy::parse(&bytes) {
            Ok(p) => (p, file),
            Err(e) => return error(StatusCode::BAD_REQUEST, lang, format!("{} {e}", s.err_bad_policy)),
        },
        (None, Some(name)) => match state.config.policies.iter().find(|(n, _)| *n == name) {
            Some((n, p)) => (p.clone(), n.clone()),
            None => return error(StatusCode::BAD_REQUEST, lang, format!("{} {name:?}", s.err_unknown_policy)),
        },
        (None, None) => return error(StatusCode::BAD_REQUEST, lang, s.err_no_policy.into()),
    };
    let now = chrono::Utc::now();
    let judged = tokio::task::spawn_blocking(move || {
        (lading_trust::verify::verify(&bundle, &policy, now), deliverables::views(&bundle, s))
    });
    let (verdict, views) = match judged.await {
        Ok(v) => v,
        Err(_) => return error(StatusCode::INTERNAL_SERVER_ERROR, lang, s.err_bad_form.into()),
    };
    let checks = verdict
        .checks
        .iter()
        .map(|c| {
            let (class, result) = match c.status {
                CheckStatus::Pass => ("pass", s.pass),
                CheckStatus::Warn => ("warn", s.warn),
                CheckStatus::Fail => ("fail", s.fail),
                CheckStatus::NotApplicable => ("na", s.not_applicable),
            };
            CheckRow { name: s.check_name(&c.name), class, result, reason: s.reason(&c.why) }
        })
        .collect();
    let view = VerdictPage {
        lang,
        s,
        here: "/verify",
        verified: verdict.verified,
        bundle: bundle_name,
        policy: policy_label,
        provider: verdict.provider.clone(),
        logged_at: verdict.logged_at.map(|t| t.to_rfc3339()),
        checks,
        rs: lang.report_strings(),
        statuses: report::status_rows(&verdict, lang),
        views,
    };
    page(StatusCode::OK, &view, lang)
}

async fn stylesheet() -> Response {
    let mut r = STYLESHEET.into_response();
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/css; charset=utf-8"));
    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600"));
    r
}

/// What the console's pages read: the API's state (logs, registry, the log
/// creator) and the console's own settings and sessions.
pub struct ConsoleState<S: LogStore, R: Registry> {
    /// The state the API serves from; the console reads the same logs.
    pub api: Arc<AppState<S, R>>,
    /// The console's settings and sessions.
    pub config: ConsoleConfig,
}

/// The console's routes, with their security headers; `/verify` takes
/// uploads up to [`ConsoleConfig::max_upload`]. Merge them with
/// [`lading_server::app`] over the same `AppState`.
pub fn routes<S: LogStore, R: Registry>(state: Arc<ConsoleState<S, R>>) -> Router {
    let max_upload = state.config.max_upload;
    Router::new()
        .route("/", get(dashboard::<S, R>))
        .route("/verify", get(verify_form::<S, R>).post(verify_post::<S, R>).layer(DefaultBodyLimit::max(max_upload)))
        .route("/trust", get(trust::trust_page::<S, R>))
        .route("/logs/{log}", get(explorer::log_page::<S, R>))
        .route("/logs/{log}/search", get(explorer::search::<S, R>))
        .route("/logs/{log}/entries/{index}", get(explorer::entry_page::<S, R>))
        .route("/streams", get(streams::list_page::<S, R>))
        .route("/streams/{name}", get(streams::stream_page::<S, R>))
        .route("/streams/{name}/export", get(streams::export::<S, R>))
        .route("/admin", get(admin::admin_page::<S, R>))
        .route("/admin/login", post(admin::login::<S, R>))
        .route("/admin/logout", post(admin::logout::<S, R>))
        .route("/admin/tokens", post(admin::mint::<S, R>))
        .route("/admin/tokens/revoke", post(admin::revoke::<S, R>))
        .route("/admin/logs", post(admin::create_log::<S, R>))
        .route("/admin/trust-list", post(admin::publish::<S, R>).layer(DefaultBodyLimit::max(max_upload)))
        .route("/static/console.css", get(stylesheet))
        .layer(middleware::from_fn(secure))
        .with_state(state)
}
