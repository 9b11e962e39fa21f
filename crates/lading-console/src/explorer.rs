//! The log explorer: a log's entries page by page, newest first (any page
//! of a log of tens of millions of entries reads one or two entry
//! bundles), look-up by index or leaf hash, and an entry's page with its
//! content, its receipt and its inclusion path drawn.

use std::sync::Arc;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use lading_log::{LogStore, Registry};
use serde::Deserialize;

use super::i18n::{Lang, Strings};
use super::{LangParam, error_back, lang, page};
use crate::ConsoleState;

/// Entries per page.
pub(crate) const PAGE: u64 = 50;

/// One entry as listed.
#[derive(Debug)]
struct Row {
    index: u64,
    kind: String,
    signer: String,
    leaf_hash: String,
}

/// What a registry entry says: its kind and signer, when it is one.
fn describe(entry: &[u8], verified_signer: Option<&str>, s: &Strings) -> (String, String) {
    // An entry is a signed statement only when the service verified its
    // signature when it logged it (recorded as a `signer:` search key);
    // JSON that merely looks like a statement leaf is a raw entry.
    let parsed: Option<serde_json::Value> = serde_json::from_slice(entry).ok();
    let field = |k: &str| parsed.as_ref().and_then(|v| v[k].as_str()).map(str::to_owned);
    match (field("kind"), field("keyid"), verified_signer) {
        (Some(kind), Some(keyid), Some(verified)) if keyid == verified => (kind, keyid),
        _ => (s.unknown_kind.to_owned(), String::new()),
    }
}

/// The key id the service verified entry `index` of `log` with when it
/// logged it, if it verified a signature; `None` also when the index cannot
/// be read (the entry is then shown as raw, never as signed).
async fn verified_signer<S: LogStore, R: Registry>(
    state: &ConsoleState<S, R>,
    log: &str,
    index: u64,
) -> Option<String> {
    let keys = state.api.registry.entry_keys(log.to_owned(), index).await.ok()?;
    keys.iter().find_map(|k| k.signer_keyid().map(str::to_owned))
}

#[derive(Template)]
#[template(path = "log.html")]
struct LogPage {
    lang: Lang,
    s: &'static Strings,
    here: String,
    name: String,
    origin: String,
    size: u64,
    rows: Vec<Row>,
    newer: Option<u64>,
    older: Option<u64>,
}

/// The log named in the path, or the page saying there is none.
fn served_log<S: LogStore, R: Registry>(
    state: &ConsoleState<S, R>,
    name: &str,
    lang: Lang,
) -> Result<Arc<lading_server::ServedLog<S>>, Box<Response>> {
    state.api.logs.get(name).ok_or_else(|| {
        Box::new(error_back(StatusCode::NOT_FOUND, lang, format!("{} {name:?}", lang.strings().err_no_such_log), "/"))
    })
}

/// `?page=N&lang=…`.
#[derive(Debug, Deserialize)]
pub(crate) struct PageQuery {
    page: Option<u64>,
}

pub(crate) async fn log_page<S: LogStore, R: Registry>(
    State(state): State<Arc<ConsoleState<S, R>>>,
    Path(name): Path<String>,
    query: LangParam,
    page_query: Result<Query<PageQuery>, axum::extract::rejection::QueryRejection>,
    headers: HeaderMap,
) -> Response {
    let lang = lang(&query, &headers);
    let s = lang.strings();
    let served = match served_log(&state, &name, lang) {
        Ok(l) => l,
        Err(page) => return *page,
    };
    let size = served.log.checkpoint().0;
    let n = page_query.ok().and_then(|q| q.page).unwrap_or(0);
    let end = size.saturating_sub(n.saturating_mul(PAGE));
    if n > 0 && end == 0 {
        return error_back(
            StatusCode::NOT_FOUND,
            lang,
            format!("{} page {n}", s.err_no_such_entry),
            &format!("/logs/{name}"),
        );
    }
    let start = end.saturating_sub(PAGE);
    let entries = match served.log.entries(start, end).await {
        Ok(e) => e,
        Err(e) => {
            return error_back(StatusCode::INTERNAL_SERVER_ERROR, lang, format!("{} {e}", s.err_log_unreadable), "/");
        }
    };
    let mut rows = Vec::with_capacity(entries.len());
    for (i, e) in entries.iter().enumerate().rev() {
        let index = start + i as u64;
        let (kind, signer) = describe(e, verified_signer(&state, &name, index).await.as_deref(), s);
        rows.push(Row { index, kind, signer, leaf_hash: hex::encode(lading_tlog::leaf_hash(e).0) });
    }
    let view = LogPage {
        lang,
        s,
        here: format!("/logs/{name}"),
        origin: served.log.verifier().name().to_owned(),
        name,
        size,
        rows,
        newer: n.checked_sub(1),
        older: (start > 0).then_some(n + 1),
    };
    page(StatusCode::OK, &view, lang)
}

/// `?q=INDEX|LEAF_HASH`.
#[derive(Debug, Deserialize)]
pub(crate) struct SearchQuery {
    q: Option<String>,
}

pub(crate) async fn search<S: LogStore, R: Registry>(
    State(state): State<Arc<ConsoleState<S, R>>>,
    Path(name): Path<String>,
    query: LangParam,
    search: Result<Query<SearchQuery>, axum::extract::rejection::QueryRejection>,
    headers: HeaderMap,
) -> Response {
    let lang = lang(&query, &headers);
    let s = lang.strings();
    let served = match served_log(&state, &name, lang) {
        Ok(l) => l,
        Err(page) => return *page,
    };
    let back = format!("/logs/{name}");
    let q = search.ok().and_then(|Query(q)| q.q).unwrap_or_default();
    let q = q.trim();
    let index = if q.len() == 64 && q.chars().all(|c| c.is_ascii_hexdigit()) {
        let mut hash = [0u8; 32];
        if hex::decode_to_slice(q.to_ascii_lowercase(), &mut hash).is_err() {
            return error_back(StatusCode::BAD_REQUEST, lang, s.err_bad_search.into(), &back);
        }
        match served.log.index_of(lading_tlog::Hash(hash)).await {
            Ok(Some(i)) => i,
            Ok(None) => return error_back(StatusCode::NOT_FOUND, lang, format!("{} {q}", s.err_no_such_entry), &back),
            Err(e) => {
                return error_back(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    lang,
                    format!("{} {e}", s.err_log_unreadable),
                    &back,
                );
            }
        }
    } else if let Ok(i) = q.parse::<u64>() {
        i
    } else {
        return error_back(StatusCode::BAD_REQUEST, lang, s.err_bad_search.into(), &back);
    };
    let mut r = StatusCode::SEE_OTHER.into_response();
    let target = format!("/logs/{name}/entries/{index}?lang={}", lang.tag());
    if let Ok(v) = HeaderValue::from_str(&target) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r
}

/// One step of the inclusion path, placed for drawing.
#[derive(Debug)]
struct Step {
    label: String,
    side: &'static str,
    hash: String,
    short: String,
    y: u32,
    x_path: u32,
    x_parent: u32,
    x_sibling: u32,
}

#[derive(Template)]
#[template(path = "entry.html")]
struct EntryPage {
    lang: Lang,
    s: &'static Strings,
    here: String,
    name: String,
    index: u64,
    tree_size: u64,
    leaf_hash: String,
    kind: String,
    signer: String,
    standing: Option<String>,
    content: String,
    path: Vec<Step>,
    root_x: u32,
    svg_height: u32,
}

/// Which side each proof hash joins on, per RFC 9162 §2.1.3.2: `true` = left.
fn sides(index: u64, size: u64, steps: usize) -> Vec<bool> {
    let (mut f, mut l) = (index, size.saturating_sub(1));
    let mut out = Vec::with_capacity(steps);
    for _ in 0..steps {
        if f & 1 == 1 || f == l {
            out.push(true);
            if f & 1 == 0 {
                while f & 1 == 0 && f != 0 {
                    f >>= 1;
                    l >>= 1;
                }
            }
        } else {
            out.push(false);
        }
        f >>= 1;
        l >>= 1;
    }
    out
}

pub(crate) async fn entry_page<S: LogStore, R: Registry>(
    State(state): State<Arc<ConsoleState<S, R>>>,
    Path((name, index)): Path<(String, String)>,
    query: LangParam,
    headers: HeaderMap,
) -> Response {
    let lang = lang(&query, &headers);
    let s = lang.strings();
    let served = match served_log(&state, &name, lang) {
        Ok(l) => l,
        Err(page) => return *page,
    };
    let back = format!("/logs/{name}");
    let Ok(index) = index.parse::<u64>() else {
        return error_back(StatusCode::NOT_FOUND, lang, format!("{} {index:?}", s.err_no_such_entry), &back);
    };
    let (entry, receipt) = match (served.log.entry(index).await, served.log.prove(index).await) {
        (Ok(e), Ok(r)) => (e, r),
        (Err(lading_log::LogError::OutOfRange(m)), _) | (_, Err(lading_log::LogError::OutOfRange(m))) => {
            return error_back(StatusCode::NOT_FOUND, lang, format!("{} {m}", s.err_no_such_entry), &back);
        }
        (Err(e), _) | (_, Err(e)) => {
            return error_back(StatusCode::INTERNAL_SERVER_ERROR, lang, format!("{} {e}", s.err_log_unreadable), &back);
        }
    };
    let tree_size = lading_tlog::SignedCheckpoint::verify(receipt.checkpoint.as_bytes(), served.log.verifier(), &[])
        .map_or(0, |c| c.checkpoint.size);
    let (kind, signer) = describe(&entry, verified_signer(&state, &name, index).await.as_deref(), s);
    let list = state.config.trust_list.read().unwrap_or_else(std::sync::PoisonError::into_inner).clone();
    let standing = match (&list, signer.is_empty()) {
        (Some(list), false) => Some(match list.standing_of_key(&signer, chrono::Utc::now()) {
            None => s.not_listed.to_owned(),
            Some(st) => {
                let (status, _) = super::trust::status_text(s, st.status.map(|c| c.status));
                let key = if st.key.is_some() { String::new() } else { format!(" ({})", s.key_not_valid) };
                format!("{} ({}): {status}{key}", st.entity.legal_name, st.entity.id)
            }
        }),
        _ => None,
    };
    let content = match std::str::from_utf8(&entry) {
        Ok(text) => serde_json::from_str::<serde_json::Value>(text)
            .ok()
            .and_then(|v| serde_json::to_string_pretty(&v).ok())
            .unwrap_or_else(|| text.to_owned()),
        Err(_) => hex::encode(&entry),
    };
    let levels = receipt.proof.len() as u32;
    let path = receipt
        .proof
        .iter()
        .zip(sides(index, tree_size, receipt.proof.len()))
        .enumerate()
        .map(|(k, (h, left))| {
            let hash = hex::encode(h.0);
            Step {
                label: if k == 0 { format!("{} {index}", s.leaf) } else { format!("{} {k}", s.level) },
                side: if left { s.left_sibling } else { s.right_sibling },
                short: format!("{}…", &hash[..16]),
                hash,
                y: 4 + (levels - k as u32) * 60,
                x_path: 260,
                x_parent: 260,
                x_sibling: if left { 20 } else { 420 },
            }
        })
        .collect();
    let view = EntryPage {
        lang,
        s,
        here: format!("/logs/{name}/entries/{index}"),
        leaf_hash: hex::encode(lading_tlog::leaf_hash(&entry).0),
        name,
        index,
        tree_size,
        kind,
        signer,
        standing,
        content,
        path,
        root_x: 260,
        svg_height: 4 + (levels + 1) * 60 + 8,
    };
    page(StatusCode::OK, &view, lang)
}

#[cfg(test)]
mod tests {
    use super::sides;

    #[test]
    fn proof_sides_follow_rfc_9162() {
        // Tree of 7: leaf 6's path is [h(4..6) left, h(0..4) left].
        assert_eq!(sides(6, 7, 2), [true, true]);
        // Leaf 0 of 8: siblings all on the right.
        assert_eq!(sides(0, 8, 3), [false, false, false]);
        // Leaf 5 of 8: left, right, left.
        assert_eq!(sides(5, 8, 3), [true, false, true]);
    }
}
