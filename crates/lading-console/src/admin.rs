//! Admin pages: an admin-scope API token is exchanged (once, on
//! `POST /admin/login`) for a session cookie — `HttpOnly`, `Secure`,
//! `SameSite=Strict` — holding 32 random bytes whose SHA-256 is all the
//! server keeps, for [`SESSION_TTL`]. Every state-changing form carries the
//! session's CSRF token (synchronizer pattern, compared in constant time)
//! and a request whose `Origin` is another site is refused.
//!
//! An admin manages the tokens of the log its token is for, sees the logs
//! served, and publishes a new white list: the upload goes to the
//! deployment's [`TrustListPublisher`], which checks it against the
//! operator's key and the list served (it must be newer) and makes it
//! durable; the console then serves it.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use askama::Template;
use axum::Form;
use axum::extract::{Multipart, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use lading_log::{LogStore, Registry, Scope};
use serde::Deserialize;
use sha2::Digest as _;
use subtle::ConstantTimeEq as _;

use super::i18n::{Lang, Strings};
use super::{LangParam, error_back, lang, page};
use crate::ConsoleState;

/// The session cookie's name.
pub const COOKIE: &str = "lading_session";
/// How long a session lasts.
pub const SESSION_TTL: Duration = Duration::from_secs(8 * 3600);
/// Failed sign-ins tolerated per minute (all clients together) before
/// further attempts are refused for the rest of the minute.
pub const MAX_FAILED_LOGINS: usize = 10;
/// Sessions held at most; the oldest is dropped beyond this.
const MAX_SESSIONS: usize = 1024;

/// Publishes a signed white list for the deployment: checks it (operator
/// key, newer than the one served) and makes it durable. Implemented by
/// the composition root, which knows where the list lives.
pub trait TrustListPublisher: Send + Sync {
    /// Checks and stores `signed` (a DSSE envelope); returns the list now served.
    fn publish(&self, signed: &[u8]) -> Result<lading_trust::trustlist::TrustList, String>;
}

/// A signed-in admin.
#[derive(Debug, Clone)]
pub(crate) struct Session {
    /// The token it was opened with.
    pub(crate) token_id: String,
    /// The log that token is for.
    pub(crate) log: String,
    /// The CSRF token its forms carry.
    pub(crate) csrf: String,
    expires: Instant,
}

/// Open sessions (by SHA-256 of the cookie value) and recent failed sign-ins.
#[derive(Debug, Default)]
pub struct Sessions {
    open: Mutex<HashMap<[u8; 32], Session>>,
    /// Failed sign-ins of the last minute, per client (an IPv6 client by
    /// its /64): one address guessing must not lock every admin out.
    failures: Mutex<HashMap<IpAddr, VecDeque<Instant>>>,
}

/// Clients whose failures are remembered at most (the quietest are forgotten first).
const MAX_THROTTLED_CLIENTS: usize = 4096;

/// The key a client's failures are counted under: its IPv4 address, or the
/// /64 of its IPv6 address (one host has a whole /64 to pick from);
/// unspecified when the address is unknown.
fn client_key(addr: Option<IpAddr>) -> IpAddr {
    match addr {
        Some(IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
        Some(v4) => v4,
        None => IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED),
    }
}

fn random() -> Result<String, String> {
    let mut b = [0u8; 32];
    getrandom::fill(&mut b).map_err(|e| e.to_string())?;
    Ok(URL_SAFE_NO_PAD.encode(b))
}

fn hash(value: &str) -> [u8; 32] {
    sha2::Sha256::digest(value.as_bytes()).into()
}

impl Sessions {
    /// Opens a session; returns the cookie value.
    fn open(&self, token_id: String, log: String) -> Result<String, String> {
        let cookie = random()?;
        let session = Session { token_id, log, csrf: random()?, expires: Instant::now() + SESSION_TTL };
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        let now = Instant::now();
        open.retain(|_, s| s.expires > now);
        if open.len() >= MAX_SESSIONS
            && let Some(oldest) = open.iter().min_by_key(|(_, s)| s.expires).map(|(k, _)| *k)
        {
            open.remove(&oldest);
        }
        open.insert(hash(&cookie), session);
        Ok(cookie)
    }

    /// The live session the request's cookie names.
    pub(crate) fn get(&self, headers: &HeaderMap) -> Option<Session> {
        let value = cookie(headers)?;
        let open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        open.get(&hash(&value)).filter(|s| s.expires > Instant::now()).cloned()
    }

    fn close(&self, headers: &HeaderMap) {
        if let Some(value) = cookie(headers) {
            self.open.lock().unwrap_or_else(PoisonError::into_inner).remove(&hash(&value));
        }
    }

    /// Whether sign-ins from `client` are refused for now; records a
    /// failure when `failed`.
    fn throttled(&self, client: Option<IpAddr>, failed: bool) -> bool {
        let key = client_key(client);
        let mut all = self.failures.lock().unwrap_or_else(PoisonError::into_inner);
        let now = Instant::now();
        let recent = |t: &Instant| now.duration_since(*t) <= Duration::from_secs(60);
        if failed && !all.contains_key(&key) && all.len() >= MAX_THROTTLED_CLIENTS {
            all.retain(|_, f| f.back().is_some_and(recent));
            if all.len() >= MAX_THROTTLED_CLIENTS
                && let Some(quietest) = all.iter().min_by_key(|(_, f)| f.back().copied()).map(|(k, _)| *k)
            {
                all.remove(&quietest);
            }
        }
        let f = if failed {
            all.entry(key).or_default()
        } else {
            match all.get_mut(&key) {
                Some(f) => f,
                None => return false,
            }
        };
        while f.front().is_some_and(|t| !recent(t)) {
            f.pop_front();
        }
        if failed {
            f.push_back(now);
        }
        f.len() >= MAX_FAILED_LOGINS
    }
}

/// The session cookie's value, if the request carries one.
fn cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|p| p.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE)
        .map(|(_, v)| v.to_owned())
}

/// Refuses a form posted from another site: the `Origin` header, when
/// sent (browsers send it with every POST), must be this site — scheme and
/// host: `http://` (what `lading serve` speaks), or the scheme a reverse
/// proxy in front reports (`Forwarded: proto=`, `X-Forwarded-Proto`; a
/// browser cannot set these on a cross-site form). `null` (an opaque or
/// hidden origin) is refused too.
fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else { return true };
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let forwarded = text("forwarded").and_then(|f| {
        f.split(',').next()?.split(';').find_map(|p| {
            let (k, v) = p.trim().split_once('=')?;
            k.eq_ignore_ascii_case("proto").then(|| v.trim_matches('"').to_ascii_lowercase())
        })
    });
    let scheme = forwarded
        .or_else(|| text("x-forwarded-proto").map(|p| p.split(',').next().unwrap_or("").trim().to_ascii_lowercase()))
        .unwrap_or_else(|| "http".to_owned());
    !host.is_empty()
        && origin
            .split_once("://")
            .is_some_and(|(s, h)| s.eq_ignore_ascii_case(&scheme) && h.eq_ignore_ascii_case(host))
}

fn csrf_ok(session: &Session, presented: &str) -> bool {
    bool::from(session.csrf.as_bytes().ct_eq(presented.as_bytes()))
}

fn redirect(to: &str, cookie: Option<String>) -> Response {
    let mut r = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(to) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    if let Some(c) = cookie.and_then(|c| HeaderValue::from_str(&c).ok()) {
        r.headers_mut().insert(header::SET_COOKIE, c);
    }
    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

fn admin_error(status: StatusCode, lang: Lang, message: String) -> Response {
    error_back(status, lang, message, "/admin")
}

#[derive(Debug)]
struct TokenRow {
    id: String,
    label: String,
    scope: &'static str,
    created: String,
    revoked: bool,
}

#[derive(Debug)]
struct LogRow {
    name: String,
    origin: String,
    size: u64,
    vkey: String,
}

#[derive(Template)]
#[template(path = "admin.html")]
struct AdminPage {
    lang: Lang,
    s: &'static Strings,
    here: &'static str,
    /// `None`: the sign-in form.
    session: Option<Session>,
    tokens: Vec<TokenRow>,
    logs: Vec<LogRow>,
    can_publish: bool,
    can_create_logs: bool,
    /// A message after an action, and a token to show once.
    notice: Option<String>,
    secret: Option<String>,
}

async fn render<S: LogStore, R: Registry>(
    state: &ConsoleState<S, R>,
    lang: Lang,
    session: Option<Session>,
    notice: Option<String>,
    secret: Option<String>,
) -> Response {
    let s = lang.strings();
    let (mut tokens, mut logs) = (Vec::new(), Vec::new());
    if let Some(session) = &session {
        match state.api.registry.tokens().await {
            Ok(all) => {
                tokens = all
                    .into_iter()
                    .filter(|t| t.log == session.log)
                    .map(|t| TokenRow {
                        id: t.id,
                        label: t.label,
                        scope: t.scope.name(),
                        created: chrono::DateTime::from_timestamp(t.created_at, 0)
                            .map(|d| d.to_rfc3339())
                            .unwrap_or_default(),
                        revoked: t.revoked_at.is_some(),
                    })
                    .collect();
            }
            Err(e) => return admin_error(StatusCode::SERVICE_UNAVAILABLE, lang, e.to_string()),
        }
        logs = state
            .api
            .logs
            .all()
            .iter()
            .map(|(name, l)| LogRow {
                name: name.clone(),
                origin: l.log.verifier().name().to_owned(),
                size: l.log.checkpoint().0,
                vkey: l.vkey.clone(),
            })
            .collect();
    }
    let view = AdminPage {
        lang,
        s,
        here: "/admin",
        session,
        tokens,
        logs,
        can_publish: state.config.publisher.is_some(),
        can_create_logs: state.api.log_creator.is_some(),
        notice,
        secret,
    };
    page(StatusCode::OK, &view, lang)
}

/// `GET /admin`: the sign-in form, or the admin page.
pub(crate) async fn admin_page<S: LogStore, R: Registry>(
    State(state): State<Arc<ConsoleState<S, R>>>,
    query: LangParam,
    headers: HeaderMap,
) -> Response {
    let lang = lang(&query, &headers);
    let session = state.config.sessions.get(&headers);
    render(&state, lang, session, None, None).await
}

/// The sign-in form.
#[derive(Debug, Deserialize)]
pub(crate) struct LoginForm {
    token: String,
}

/// `POST /admin/login`.
pub(crate) async fn login<S: LogStore, R: Registry>(
    State(state): State<Arc<ConsoleState<S, R>>>,
    query: LangParam,
    client: lading_server::listen::ClientAddr,
    headers: HeaderMap,
    form: Result<Form<LoginForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    let lang = lang(&query, &headers);
    let s = lang.strings();
    if !same_origin(&headers) {
        return admin_error(StatusCode::FORBIDDEN, lang, s.admin.err_csrf.into());
    }
    let Ok(Form(form)) = form else { return admin_error(StatusCode::BAD_REQUEST, lang, s.admin.err_login.into()) };
    if state.config.sessions.throttled(client.0, false) {
        return admin_error(StatusCode::TOO_MANY_REQUESTS, lang, s.admin.err_too_many.into());
    }
    let token = form.token.trim();
    let presented = lading_server::token_hash(token);
    let record = if token.starts_with("lad_") && token.len() < 200 {
        state
            .api
            .registry
            .token_by_hash(presented)
            .await
            .ok()
            .flatten()
            .filter(|r| bool::from(r.hash.ct_eq(&presented)))
    } else {
        None
    };
    let Some(record) = record.filter(|r| r.revoked_at.is_none() && r.scope == Scope::Admin) else {
        state.config.sessions.throttled(client.0, true);
        return admin_error(StatusCode::UNAUTHORIZED, lang, s.admin.err_login.into());
    };
    match state.config.sessions.open(record.id, record.log) {
        Ok(value) => redirect(
            &format!("/admin?lang={}", lang.tag()),
            Some(format!(
                "{COOKIE}={value}; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age={}",
                SESSION_TTL.as_secs()
            )),
        ),
        Err(e) => admin_error(StatusCode::SERVICE_UNAVAILABLE, lang, e),
    }
}

/// A form that needs only its CSRF token.
#[derive(Debug, Deserialize)]
pub(crate) struct CsrfForm {
    csrf: String,
}

/// The session of a state-changing request, or the page refusing it.
fn authorised(sessions: &Sessions, headers: &HeaderMap, csrf: &str, lang: Lang) -> Result<Session, Box<Response>> {
    let s = lang.strings();
    let Some(session) = sessions.get(headers) else {
        return Err(Box::new(admin_error(StatusCode::UNAUTHORIZED, lang, s.admin.err_session.into())));
    };
    if !same_origin(headers) || !csrf_ok(&session, csrf) {
        return Err(Box::new(admin_error(StatusCode::FORBIDDEN, lang, s.admin.err_csrf.into())));
    }
    Ok(session)
}

/// An admin form with its CSRF token.
trait WithCsrf {
    fn csrf(&self) -> &str;
}

/// The form of a signed-in admin, or the page saying why not: a malformed
/// form (400), no session (401), a forged one (403).
fn admin_form<F: WithCsrf>(
    sessions: &Sessions,
    headers: &HeaderMap,
    form: Result<Form<F>, axum::extract::rejection::FormRejection>,
    lang: Lang,
) -> Result<(F, Session), Box<Response>> {
    let Ok(Form(form)) = form else {
        return Err(Box::new(admin_error(StatusCode::BAD_REQUEST, lang, lang.strings().admin.err_csrf.into())));
    };
    let session = authorised(sessions, headers, form.csrf(), lang)?;
    Ok((form, session))
}

/// `POST /admin/logout`.
pub(crate) async fn logout<S: LogStore, R: Registry>(
    State(state): State<Arc<ConsoleState<S, R>>>,
    query: LangParam,
    headers: HeaderMap,
    form: Result<Form<CsrfForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    let lang = lang(&query, &headers);
    let csrf = form.map(|Form(f)| f.csrf).unwrap_or_default();
    if let Err(r) = authorised(&state.config.sessions, &headers, &csrf, lang) {
        return *r;
    }
    state.config.sessions.close(&headers);
    redirect(
        &format!("/?lang={}", lang.tag()),
        Some(format!("{COOKIE}=; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=0")),
    )
}

/// `POST /admin/tokens`: mints a token for the session's log.
#[derive(Debug, Deserialize)]
pub(crate) struct MintForm {
    csrf: String,
    label: String,
    scope: String,
}

impl WithCsrf for MintForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

pub(crate) async fn mint<S: LogStore, R: Registry>(
    State(state): State<Arc<ConsoleState<S, R>>>,
    query: LangParam,
    headers: HeaderMap,
    form: Result<Form<MintForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    let lang = lang(&query, &headers);
    let (form, session) = match admin_form(&state.config.sessions, &headers, form, lang) {
        Ok(x) => x,
        Err(r) => return *r,
    };
    let scope: Scope = match form.scope.parse() {
        Ok(s) => s,
        Err(e) => return admin_error(StatusCode::BAD_REQUEST, lang, e),
    };
    let label = form.label.trim();
    if label.is_empty() || label.len() > 128 || label.chars().any(char::is_control) {
        return admin_error(
            StatusCode::BAD_REQUEST,
            lang,
            format!("{}: 1–128 characters, no control characters", lang.strings().admin.label),
        );
    }
    let new = match lading_server::mint(&session.log, scope, label, chrono::Utc::now().timestamp()) {
        Ok(n) => n,
        Err(e) => return admin_error(StatusCode::SERVICE_UNAVAILABLE, lang, e.to_string()),
    };
    if let Err(e) = state.api.registry.add_token(new.record.clone()).await {
        return admin_error(StatusCode::SERVICE_UNAVAILABLE, lang, e.to_string());
    }
    let notice = format!("{} {} ({})", lang.strings().admin.minted, new.record.id, scope.name());
    render(&state, lang, Some(session), Some(notice), Some(new.token)).await
}

/// `POST /admin/tokens/revoke`.
#[derive(Debug, Deserialize)]
pub(crate) struct RevokeForm {
    csrf: String,
    id: String,
}

impl WithCsrf for RevokeForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

pub(crate) async fn revoke<S: LogStore, R: Registry>(
    State(state): State<Arc<ConsoleState<S, R>>>,
    query: LangParam,
    headers: HeaderMap,
    form: Result<Form<RevokeForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    let lang = lang(&query, &headers);
    let s = lang.strings();
    let (form, session) = match admin_form(&state.config.sessions, &headers, form, lang) {
        Ok(x) => x,
        Err(r) => return *r,
    };
    let tokens = match state.api.registry.tokens().await {
        Ok(t) => t,
        Err(e) => return admin_error(StatusCode::SERVICE_UNAVAILABLE, lang, e.to_string()),
    };
    if !tokens.iter().any(|t| t.id == form.id && t.log == session.log) {
        return admin_error(StatusCode::NOT_FOUND, lang, format!("{} {:?}", s.admin.err_no_token, form.id));
    }
    if let Err(e) = state.api.registry.revoke_token(form.id.clone(), chrono::Utc::now().timestamp()).await {
        return admin_error(StatusCode::SERVICE_UNAVAILABLE, lang, e.to_string());
    }
    let notice = format!("{} {}", s.admin.token_revoked, form.id);
    render(&state, lang, Some(session), Some(notice), None).await
}

/// `POST /admin/logs`: creates a log and serves it at once.
#[derive(Debug, Deserialize)]
pub(crate) struct CreateLogForm {
    csrf: String,
    name: String,
    #[serde(default)]
    origin: String,
}

impl WithCsrf for CreateLogForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

pub(crate) async fn create_log<S: LogStore, R: Registry>(
    State(state): State<Arc<ConsoleState<S, R>>>,
    query: LangParam,
    headers: HeaderMap,
    form: Result<Form<CreateLogForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    let lang = lang(&query, &headers);
    let s = lang.strings();
    let (form, session) = match admin_form(&state.config.sessions, &headers, form, lang) {
        Ok(x) => x,
        Err(r) => return *r,
    };
    let Some(creator) = state.api.log_creator.clone() else {
        return admin_error(StatusCode::CONFLICT, lang, s.admin.err_no_log_creator.into());
    };
    let name = form.name.trim();
    if state.api.logs.get(name).is_some() {
        return admin_error(StatusCode::CONFLICT, lang, format!("{} {name:?}", s.admin.err_log_exists));
    }
    let origin = match form.origin.trim() {
        "" => creator.default_origin(name),
        o => o.to_owned(),
    };
    let served = match creator.create(&session.log, name, &origin).await {
        Ok(served) => served,
        Err(e) => {
            let status = match e {
                lading_server::LogCreateError::Forbidden(_) => StatusCode::FORBIDDEN,
                lading_server::LogCreateError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
                lading_server::LogCreateError::Failed(_) => StatusCode::SERVICE_UNAVAILABLE,
            };
            return admin_error(status, lang, format!("{} {e}", s.admin.err_create_log));
        }
    };
    let vkey = served.vkey.clone();
    if state.api.logs.insert(name, served).is_err() {
        return admin_error(StatusCode::CONFLICT, lang, format!("{} {name:?}", s.admin.err_log_exists));
    }
    let notice = format!("{} {name} ({origin}): {vkey}", s.admin.log_created);
    render(&state, lang, Some(session), Some(notice), None).await
}

/// `POST /admin/trust-list` (`multipart/form-data`: `csrf`, `list`).
pub(crate) async fn publish<S: LogStore, R: Registry>(
    State(state): State<Arc<ConsoleState<S, R>>>,
    query: LangParam,
    headers: HeaderMap,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let lang = lang(&query, &headers);
    let s = lang.strings();
    let parts = match super::read_form(multipart, state.config.max_upload, s).await {
        Ok(p) => p,
        Err((status, message)) => return admin_error(status, lang, message),
    };
    let (mut csrf, mut list) = (String::new(), None);
    for (name, _, bytes) in parts {
        match name.as_str() {
            "csrf" => csrf = String::from_utf8_lossy(&bytes).into_owned(),
            "list" if !bytes.is_empty() => list = Some(bytes),
            _ => {}
        }
    }
    let session = match authorised(&state.config.sessions, &headers, &csrf, lang) {
        Ok(s) => s,
        Err(r) => return *r,
    };
    let Some(publisher) = state.config.publisher.clone() else {
        return admin_error(StatusCode::CONFLICT, lang, s.admin.err_no_publisher.into());
    };
    let Some(list) = list else {
        return admin_error(StatusCode::BAD_REQUEST, lang, format!("{} {}", s.admin.err_publish, s.admin.file));
    };
    match tokio::task::spawn_blocking(move || publisher.publish(&list)).await {
        Ok(Ok(published)) => {
            let notice = format!("{} {}", s.admin.published, published.sequence_number);
            *state.config.trust_list.write().unwrap_or_else(PoisonError::into_inner) = Some(published);
            render(&state, lang, Some(session), Some(notice), None).await
        }
        Ok(Err(e)) => admin_error(StatusCode::UNPROCESSABLE_ENTITY, lang, format!("{} {e}", s.admin.err_publish)),
        Err(e) => admin_error(StatusCode::SERVICE_UNAVAILABLE, lang, e.to_string()),
    }
}
