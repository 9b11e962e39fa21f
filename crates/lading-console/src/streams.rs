//! Maintenance stream pages: the deployment's streams, a stream's events by
//! asset and time with filters (time range, asset, category, result), and
//! a button exporting the sequences shown as a signed segment package.
//!
//! The server reaches streams through [`StreamBrowser`], which the
//! composition root implements over its storage. Events name people and
//! network addresses, so the pages need an admin session unless the
//! deployment made them public.

use std::sync::Arc;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use lading_log::{LogStore, Registry};
use lading_model::maintenance::MaintenanceEvent;
use serde::Deserialize;

use super::deliverables::{EventRow, Timeline};
use super::i18n::{Lang, Strings};
use super::{LangParam, error_back, lang, page};
use crate::ConsoleState;

/// Events shown per page at most.
pub const PAGE_EVENTS: usize = 200;
/// Sequences read per page at most when a field filter (asset, category,
/// result) is searched for; without one a page reads [`PAGE_EVENTS`].
pub const SCAN: u64 = 5_000;

/// A stream as listed.
#[derive(Debug, Clone)]
pub struct StreamInfo {
    /// Its name.
    pub name: String,
    /// Events logged.
    pub events: u64,
    /// When its latest event occurred.
    pub latest: Option<DateTime<Utc>>,
}

/// Which events to read.
#[derive(Debug, Clone, Default)]
pub struct StreamQuery {
    /// Events that occurred at or after this time.
    pub from: Option<DateTime<Utc>>,
    /// Events that occurred before this time.
    pub to: Option<DateTime<Utc>>,
    /// Read sequences below this one (paging back); default: the end.
    pub before: Option<u64>,
    /// Read at most this many sequences.
    pub scan: u64,
    /// Field filters (asset id, category, result; each empty: any) and how
    /// many of the newest matches to return; `None`: every event read.
    pub select: Option<(String, String, String, usize)>,
}

/// Events read for a page, oldest first.
#[derive(Debug, Clone)]
pub struct StreamRead {
    /// The stream's size.
    pub size: u64,
    /// The sequences read: `[start, end)`.
    pub range: (u64, u64),
    /// The first sequence the time filter admits (paging stops there).
    pub floor: u64,
    /// The events of `range` (with a `select`, its newest matches).
    pub events: Vec<MaintenanceEvent>,
    /// How many events of `range` matched the `select` (all without one).
    pub matched: u64,
}

/// Why a stream could not be read.
#[derive(Debug, Clone)]
pub enum StreamError {
    /// No such stream.
    NotFound(String),
    /// The request names sequences or times the stream does not hold.
    BadRequest(String),
    /// The stream is busy or its storage failed.
    Unavailable(String),
}

/// The deployment's maintenance streams, as the console reads them
/// (blocking calls; the console runs them on the blocking pool).
pub trait StreamBrowser: Send + Sync {
    /// Every stream.
    fn list(&self) -> Result<Vec<StreamInfo>, StreamError>;
    /// Events of `stream` as `query` asks.
    fn read(&self, stream: &str, query: &StreamQuery) -> Result<StreamRead, StreamError>;
    /// A signed segment package of sequences `[from, to)`.
    fn export(&self, stream: &str, from: u64, to: u64) -> Result<Vec<u8>, StreamError>;
}

fn error_page(e: StreamError, lang: Lang) -> Response {
    let s = lang.strings();
    let (status, message) = match e {
        StreamError::NotFound(n) => (StatusCode::NOT_FOUND, format!("{} {n:?}", s.streams.err_no_stream)),
        StreamError::BadRequest(m) => (StatusCode::BAD_REQUEST, format!("{} {m}", s.streams.err_bad_range)),
        StreamError::Unavailable(m) => (StatusCode::SERVICE_UNAVAILABLE, format!("{} {m}", s.streams.err_stream)),
    };
    error_back(status, lang, message, "/streams")
}

/// The browser, when the request may read streams; else the page saying why.
fn browser<S: LogStore, R: Registry>(
    state: &ConsoleState<S, R>,
    headers: &HeaderMap,
    lang: Lang,
) -> Result<Arc<dyn StreamBrowser>, Box<Response>> {
    let s = lang.strings();
    let Some(b) = state.config.streams.clone() else {
        return Err(Box::new(error_back(StatusCode::NOT_FOUND, lang, s.streams.none.into(), "/")));
    };
    if !state.config.public_streams && state.config.sessions.get(headers).is_none() {
        return Err(Box::new(error_back(StatusCode::UNAUTHORIZED, lang, s.streams.sign_in_needed.into(), "/admin")));
    }
    Ok(b)
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, StreamError> + Send + 'static,
) -> Result<T, StreamError> {
    tokio::task::spawn_blocking(f).await.map_err(|e| StreamError::Unavailable(e.to_string()))?
}

#[derive(Template)]
#[template(path = "streams.html")]
struct StreamsPage {
    lang: Lang,
    s: &'static Strings,
    here: &'static str,
    streams: Vec<(String, u64, String)>,
}

/// `GET /streams`.
pub(crate) async fn list_page<S: LogStore, R: Registry>(
    State(state): State<Arc<ConsoleState<S, R>>>,
    query: LangParam,
    headers: HeaderMap,
) -> Response {
    let lang = lang(&query, &headers);
    let b = match browser(&state, &headers, lang) {
        Ok(b) => b,
        Err(r) => return *r,
    };
    match blocking(move || b.list()).await {
        Ok(list) => {
            let streams = list
                .into_iter()
                .map(|i| (i.name, i.events, i.latest.map(|t| t.to_rfc3339()).unwrap_or_default()))
                .collect();
            page(StatusCode::OK, &StreamsPage { lang, s: lang.strings(), here: "/streams", streams }, lang)
        }
        Err(e) => error_page(e, lang),
    }
}

/// `?from=&to=&asset=&category=&result=&before=`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct Filters {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    asset: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    result: String,
    before: Option<u64>,
}

/// Event categories and results, for the filter menus.
const CATEGORIES: [&str; 6] = [
    "access-control",
    "request-errors",
    "control-system-events",
    "backup-restore",
    "configuration-changes",
    "audit-log-events",
];
const RESULTS: [&str; 4] = ["success", "failure", "partial", "unknown"];

#[derive(Template)]
#[template(path = "stream.html")]
struct StreamPage {
    lang: Lang,
    s: &'static Strings,
    here: String,
    name: String,
    size: u64,
    from: String,
    to: String,
    asset: String,
    category: String,
    result: String,
    categories: [&'static str; 6],
    results: [&'static str; 4],
    range: (u64, u64),
    timeline: Option<Timeline>,
    rows: Vec<EventRow>,
    /// The link to older events, when there are any.
    older: Option<String>,
}

fn time(value: &str, s: &Strings) -> Result<Option<DateTime<Utc>>, String> {
    if value.trim().is_empty() {
        return Ok(None);
    }
    DateTime::parse_from_rfc3339(value.trim())
        .map(|t| Some(t.with_timezone(&Utc)))
        .map_err(|e| format!("{} {value:?} ({e})", s.streams.err_bad_time))
}

/// `GET /streams/NAME`.
pub(crate) async fn stream_page<S: LogStore, R: Registry>(
    State(state): State<Arc<ConsoleState<S, R>>>,
    Path(name): Path<String>,
    query: LangParam,
    filters: Result<Query<Filters>, axum::extract::rejection::QueryRejection>,
    headers: HeaderMap,
) -> Response {
    let lang = lang(&query, &headers);
    let s = lang.strings();
    let b = match browser(&state, &headers, lang) {
        Ok(b) => b,
        Err(r) => return *r,
    };
    let f = match filters {
        Ok(Query(f)) => f,
        Err(e) => return error_back(StatusCode::BAD_REQUEST, lang, e.body_text(), "/streams"),
    };
    let (from, to) = match (time(&f.from, s), time(&f.to, s)) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => return error_back(StatusCode::BAD_REQUEST, lang, e, &format!("/streams/{name}")),
    };
    // Without a field filter the newest PAGE_EVENTS sequences are the page; with one, SCAN
    // sequences are searched for matches.
    let searched = !(f.asset.is_empty() && f.category.is_empty() && f.result.is_empty());
    let scan = if searched { SCAN } else { PAGE_EVENTS as u64 };
    // The field filters are tested where the events are read, and only the newest matches parsed.
    let select = searched.then(|| (f.asset.clone(), f.category.clone(), f.result.clone(), PAGE_EVENTS));
    let q = StreamQuery { from, to, before: f.before, scan, select };
    let stream = name.clone();
    let read = match blocking(move || b.read(&stream, &q)).await {
        Ok(r) => r,
        Err(e) => return error_page(e, lang),
    };
    let keep = |e: &MaintenanceEvent| {
        let row = EventRow::of(e);
        (f.asset.is_empty() || row.asset == f.asset)
            && (f.category.is_empty() || row.category == f.category)
            && (f.result.is_empty() || row.result == f.result)
            && from.is_none_or(|t| e.occurred_at >= t)
            && to.is_none_or(|t| e.occurred_at < t)
    };
    let matched: Vec<&MaintenanceEvent> = read.events.iter().filter(|e| keep(e)).collect();
    // The newest matches of the range read; paging back goes on below the oldest one shown,
    // so that no match is skipped (the reader may have kept only the newest of more matches).
    let skip = matched.len().saturating_sub(PAGE_EVENTS);
    let before = if skip > 0 {
        matched.get(skip).map_or(read.range.0, |e| e.sequence)
    } else if read.matched > read.events.len() as u64 {
        read.events.first().map_or(read.range.0, |e| e.sequence)
    } else {
        read.range.0
    };
    let rows: Vec<EventRow> = matched.iter().skip(skip).map(|e| EventRow::of(e)).collect();
    // The name is one of the browser's streams (it read it): a-z, 0-9, '.', '_', '-'.
    let older = (before > read.floor).then(|| {
        let query = form_urlencoded::Serializer::new(String::new())
            .append_pair("lang", lang.tag())
            .append_pair("from", &f.from)
            .append_pair("to", &f.to)
            .append_pair("asset", &f.asset)
            .append_pair("category", &f.category)
            .append_pair("result", &f.result)
            .append_pair("before", &before.to_string())
            .finish();
        format!("/streams/{name}?{query}")
    });
    let view = StreamPage {
        lang,
        s,
        here: format!("/streams/{name}"),
        timeline: Timeline::of(&rows, s.view.other_assets),
        rows,
        size: read.size,
        from: f.from,
        to: f.to,
        asset: f.asset,
        category: f.category,
        result: f.result,
        categories: CATEGORIES,
        results: RESULTS,
        range: read.range,
        older,
        name,
    };
    page(StatusCode::OK, &view, lang)
}

/// `?from=SEQ&to=SEQ`.
#[derive(Debug, Deserialize)]
pub(crate) struct ExportQuery {
    from: u64,
    to: u64,
}

/// `GET /streams/NAME/export?from=&to=`: the segment package, as a download.
pub(crate) async fn export<S: LogStore, R: Registry>(
    State(state): State<Arc<ConsoleState<S, R>>>,
    Path(name): Path<String>,
    query: LangParam,
    range: Result<Query<ExportQuery>, axum::extract::rejection::QueryRejection>,
    headers: HeaderMap,
) -> Response {
    let lang = lang(&query, &headers);
    let b = match browser(&state, &headers, lang) {
        Ok(b) => b,
        Err(r) => return *r,
    };
    let Ok(Query(range)) = range else {
        return error_page(StreamError::BadRequest("from and to must be sequence numbers".into()), lang);
    };
    let stream = name.clone();
    match blocking(move || b.export(&stream, range.from, range.to)).await {
        Ok(bytes) => {
            let mut r = bytes.into_response();
            let h = r.headers_mut();
            h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/zip"));
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            // The name is one of the browser's streams (it exported it): a-z, 0-9, '.', '_', '-'.
            if let Ok(v) =
                HeaderValue::from_str(&format!("attachment; filename=\"{name}-{}-{}.lading\"", range.from, range.to))
            {
                h.insert(header::CONTENT_DISPOSITION, v);
            }
            r
        }
        Err(e) => error_page(e, lang),
    }
}
