//! The white list page: the operator, and every provider and certification
//! body with its status now and its status history as a timeline.

use std::sync::Arc;

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::{DateTime, Utc};
use lading_log::{LogStore, Registry};
use lading_trust::trustlist::{Role, Status, TrustList};

use super::i18n::{Lang, Strings};
use super::{LangParam, lang, page};
use crate::ConsoleState;

/// A status in the page's language, with its CSS class.
pub(crate) fn status_text(s: &Strings, status: Option<Status>) -> (&'static str, &'static str) {
    match status {
        Some(Status::Granted) => (s.status_granted, "granted"),
        Some(Status::Suspended) => (s.status_suspended, "suspended"),
        Some(Status::Withdrawn) => (s.status_withdrawn, "withdrawn"),
        None => (s.status_none, "none"),
    }
}

#[derive(Debug)]
struct HistoryRow {
    at: String,
    status: &'static str,
    class: &'static str,
    reason: String,
}

#[derive(Debug)]
struct EntityView {
    id: String,
    name: String,
    role: &'static str,
    scope: String,
    keys: usize,
    status: &'static str,
    status_class: &'static str,
    history: Vec<HistoryRow>,
}

#[derive(Debug)]
struct ListView {
    operator: String,
    sequence: u64,
    issued_at: String,
    next_update: String,
    entities: Vec<EntityView>,
}

#[derive(Template)]
#[template(path = "trust.html")]
struct TrustPage {
    lang: Lang,
    s: &'static Strings,
    here: &'static str,
    list: Option<ListView>,
}

fn view(l: &TrustList, s: &'static Strings, now: DateTime<Utc>) -> ListView {
    let entities = l
        .entries
        .iter()
        .map(|e| {
            let (status, status_class) = status_text(s, e.status_at(now).map(|c| c.status));
            EntityView {
                id: e.id.clone(),
                name: e.legal_name.clone(),
                role: match e.role {
                    Role::Provider => s.role_provider,
                    Role::CertificationBody => s.role_certification_body,
                },
                scope: e.scope.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "),
                keys: e.keys.len(),
                status,
                status_class,
                history: e
                    .status_history
                    .iter()
                    .map(|h| {
                        let (status, class) = status_text(s, Some(h.status));
                        HistoryRow { at: h.at.to_rfc3339(), status, class, reason: h.reason.clone() }
                    })
                    .collect(),
            }
        })
        .collect();
    ListView {
        operator: format!("{} ({})", l.operator.name, l.operator.zone),
        sequence: l.sequence_number,
        issued_at: l.issued_at.to_rfc3339(),
        next_update: l.next_update.to_rfc3339(),
        entities,
    }
}

pub(crate) async fn trust_page<S: LogStore, R: Registry>(
    State(state): State<Arc<ConsoleState<S, R>>>,
    query: LangParam,
    headers: HeaderMap,
) -> Response {
    let lang = lang(&query, &headers);
    let s = lang.strings();
    let list = state
        .config
        .trust_list
        .read()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .as_ref()
        .map(|l| view(l, s, Utc::now()));
    page(StatusCode::OK, &TrustPage { lang, s, here: "/trust", list }, lang)
}
