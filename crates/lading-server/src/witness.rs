//! Witnessing in both directions (C2SP tlog-witness):
//! - as a witness, `POST /add-checkpoint` cosigns other logs' checkpoints;
//! - as a log, a background task asks the configured witnesses to cosign
//!   new checkpoints and keeps the latest cosigned note for receipts.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use lading_log::{Log, LogStore, Registry};
use lading_tlog::witness::{
    AddCheckpoint, WitnessError, WitnessedLog, check_add_checkpoint, cosignature_response, parse_cosignature_response,
    parse_size_response,
};
use lading_tlog::{Checkpoint, Hash, Note, NoteVerifier};

use crate::error::ApiError;
use crate::{AppState, ServedLog};

fn unix_now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// The latest checkpoint of a log that its witnesses cosigned.
#[derive(Debug, Clone)]
pub struct Witnessed {
    /// The checkpoint.
    pub checkpoint: Checkpoint,
    /// Its note with the log's signature and the cosignatures.
    pub note: String,
    /// How many witnesses cosigned it.
    pub cosigners: usize,
    /// When each witness that cosigned it did (its key id, Unix seconds), as verified.
    pub cosigned_at: Vec<(u32, u64)>,
}

/// A witness a log asks, with what it last cosigned for us.
#[derive(Debug, Clone)]
pub struct WitnessClient {
    /// Submission prefix.
    pub url: String,
    /// Its cosignature key.
    pub verifier: NoteVerifier,
}

fn witness_problem(e: &WitnessError) -> Response {
    match e {
        WitnessError::Conflict { latest } => size_conflict(*latest),
        WitnessError::BadRequest(m) => ApiError::BadRequest(m.clone()).into_response(),
        WitnessError::Forbidden(m) => ApiError::Forbidden(m.clone()).into_response(),
        WitnessError::UnknownOrigin(_) => ApiError::NotFound(e.to_string()).into_response(),
        WitnessError::BadProof(m) => ApiError::Unprocessable(m.clone()).into_response(),
        _ => ApiError::BadRequest(e.to_string()).into_response(),
    }
}

fn size_conflict(latest: u64) -> Response {
    let mut r = (StatusCode::CONFLICT, format!("{latest}\n")).into_response();
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/x.tlog.size"));
    r
}

/// `POST /add-checkpoint`.
pub(crate) async fn add_checkpoint<S: LogStore, R: Registry>(
    State(state): State<Arc<AppState<S, R>>>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let Some(signer) = &state.witness else {
        return Err(ApiError::NotFound("this deployment does not act as a witness".into()));
    };
    let body = body.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let text = std::str::from_utf8(&body).map_err(|_| ApiError::BadRequest("request body is not UTF-8".into()))?;
    let request = match AddCheckpoint::parse(text) {
        Ok(r) => r,
        Err(e) => return Ok(witness_problem(&e)),
    };
    let origin = Note::parse(request.checkpoint.as_bytes())
        .ok()
        .and_then(|n| Checkpoint::parse_text(&n.text).ok())
        .map(|c| c.origin)
        .ok_or_else(|| ApiError::BadRequest("the checkpoint is malformed".into()))?;
    let trusted: Vec<NoteVerifier> =
        state.registry.witnessed_logs().await?.iter().filter_map(|v| NoteVerifier::from_vkey(v).ok()).collect();
    let latest =
        state.registry.witness_state(origin.clone()).await?.map(|(size, root)| WitnessedLog { size, root: Hash(root) });
    let checkpoint = match check_add_checkpoint(&request, &trusted, latest.as_ref()) {
        Ok(c) => c,
        Err(e) => return Ok(witness_problem(&e)),
    };
    // Sign before recording: a key that cannot sign (a token removed) must
    // not leave the witness's state advanced without a cosignature given.
    let body = cosignature_response(std::slice::from_ref(signer), &checkpoint.to_text(), unix_now())
        .map_err(|e| ApiError::Unavailable(format!("the witness key cannot sign: {e}")))?;
    if !state.registry.witness_advance(origin.clone(), request.old_size, checkpoint.size, checkpoint.root.0).await? {
        // Another request moved the record first.
        let now = state.registry.witness_state(origin).await?.map_or(0, |(s, _)| s);
        return Ok(size_conflict(now));
    }
    let mut r = (StatusCode::OK, body).into_response();
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    Ok(r)
}

/// Asks one witness to cosign `note_text` (size `size`), using what it last
/// cosigned for us (`known`, learned from a 409 if unknown); returns the
/// verified cosignature lines and their timestamp.
async fn ask<S: LogStore>(
    client: &reqwest::Client,
    log: &Log<S>,
    witness: &WitnessClient,
    known: &mut u64,
    size: u64,
    note_text: &str,
) -> Result<(Vec<lading_tlog::NoteSignature>, Option<u64>), String> {
    for _ in 0..2 {
        let proof = if *known == 0 || *known == size {
            Vec::new()
        } else {
            log.consistency(*known, size).await.map_err(|e| e.to_string())?
        };
        let body = AddCheckpoint { old_size: *known, proof, checkpoint: note_text.to_owned() }.to_text();
        let resp = client
            .post(format!("{}/add-checkpoint", witness.url.trim_end_matches('/')))
            .body(body)
            .send()
            .await
            .map_err(|e| format!("{}: {e}", witness.url))?;
        let status = resp.status();
        let text = resp.text().await.map_err(|e| e.to_string())?;
        if status == reqwest::StatusCode::CONFLICT {
            *known = parse_size_response(&text).ok_or_else(|| format!("{}: 409 without a size", witness.url))?;
            if *known > size {
                return Err(format!("{} has cosigned size {known}, beyond our {size}", witness.url));
            }
            continue;
        }
        if !status.is_success() {
            return Err(format!("{}: {status}: {}", witness.url, text.chars().take(200).collect::<String>()));
        }
        let lines = parse_cosignature_response(&text).map_err(|e| format!("{}: {e}", witness.url))?;
        let note = Note::parse(note_text.as_bytes()).map_err(|e| e.to_string())?;
        let mine: Vec<_> = lines
            .into_iter()
            .filter(|l| l.name == witness.verifier.name() && l.key_id == witness.verifier.key_id())
            .collect();
        let check = Note { text: note.text, signatures: mine.clone() };
        let verified =
            check.verify(std::slice::from_ref(&witness.verifier)).map_err(|e| format!("{}: {e}", witness.url))?;
        *known = size;
        return Ok((mine, verified.iter().find_map(|v| v.timestamp)));
    }
    Err(format!("{}: kept answering 409", witness.url))
}

/// A log to witness: where to keep its cosigned checkpoint, the log, its witnesses.
pub type WitnessedLogTask<S> = (Arc<RwLock<Option<Witnessed>>>, Log<S>, Vec<WitnessClient>);

/// Asks each of `witnesses` to cosign `log`'s latest checkpoint (`known[j]`:
/// the size witness `j` last cosigned for us, learned from a 409 when 0) and
/// returns the note with every cosignature that verified, or `None` when no
/// witness cosigned; each witness that did not is named in the errors.
pub async fn cosign_latest<S: LogStore>(
    client: &reqwest::Client,
    log: &Log<S>,
    witnesses: &[WitnessClient],
    known: &mut [u64],
) -> (Option<Witnessed>, Vec<String>) {
    let (size, text) = log.checkpoint();
    let parsed = Note::parse(text.as_bytes())
        .map_err(|e| e.to_string())
        .and_then(|n| Checkpoint::parse_text(&n.text).map(|c| (n, c)).map_err(|e| e.to_string()));
    let (mut note, checkpoint) = match parsed {
        Ok(p) => p,
        Err(e) => return (None, vec![format!("the log's checkpoint: {e}")]),
    };
    let (mut cosigners, mut cosigned_at, mut errors) = (0, Vec::new(), Vec::new());
    for (w, k) in witnesses.iter().zip(known.iter_mut()) {
        match ask(client, log, w, k, size, &text).await {
            Ok((lines, at)) => {
                note.signatures.extend(lines);
                cosigners += 1;
                cosigned_at.extend(at.map(|t| (w.verifier.key_id(), t)));
            }
            Err(e) => errors.push(e),
        }
    }
    let witnessed = (cosigners > 0).then(|| Witnessed { checkpoint, note: note.to_text(), cosigners, cosigned_at });
    (witnessed, errors)
}

/// Runs forever: every `interval`, for each log with witnesses whose
/// checkpoint moved, gathers cosignatures and stores the cosigned note.
pub async fn run_witnessing<S: LogStore>(logs: Vec<WitnessedLogTask<S>>, interval: Duration) {
    let client = crate::http_client::builder().timeout(Duration::from_secs(10)).build().unwrap_or_default();
    let mut known: Vec<Vec<u64>> = logs.iter().map(|(_, _, w)| vec![0; w.len()]).collect();
    let mut last_size: HashMap<usize, u64> = HashMap::new();
    loop {
        for (i, ((slot, log, witnesses), known)) in logs.iter().zip(known.iter_mut()).enumerate() {
            let size = log.checkpoint().0;
            if size == 0 || last_size.get(&i) == Some(&size) || witnesses.is_empty() {
                continue;
            }
            if let (Some(w), _) = cosign_latest(&client, log, witnesses, known).await {
                // The size cosigned: the log may have grown since `size` was read.
                last_size.insert(i, w.checkpoint.size);
                let mut guard = slot.write().unwrap_or_else(std::sync::PoisonError::into_inner);
                *guard = Some(w);
            }
        }
        tokio::time::sleep(interval).await;
    }
}

/// The receipt for `index`: under the latest cosigned checkpoint when it
/// covers the entry, else under the latest checkpoint.
pub(crate) async fn receipt_for<S: LogStore>(
    served: &ServedLog<S>,
    index: u64,
) -> Result<(lading_tlog::Receipt, usize), ApiError> {
    let witnessed = served.witnessed.read().unwrap_or_else(std::sync::PoisonError::into_inner).clone();
    if let Some(w) = witnessed.filter(|w| index < w.checkpoint.size) {
        return Ok((served.log.prove_under(index, &w.checkpoint, w.note.clone()).await?, w.cosigners));
    }
    Ok((served.log.prove(index).await?, 0))
}
