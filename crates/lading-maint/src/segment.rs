//! Segments: a contiguous run `[first, last]` of a stream's events with the
//! signed checkpoint and the range proof that they are exactly those leaves
//! of the stream's log — packed as a `.lading` package, and verified.

use std::collections::HashMap;
use std::fmt;

use chrono::{DateTime, Utc};
use lading_model::bundle::{BUNDLE_FORMAT, BundleError, BundleIndex, Member, Package};
use lading_model::maintenance::{CheckpointRef, MaintenanceEvent, MaintenanceSegment, TimeRange};
use lading_model::meta::Metadata;
use lading_model::{Document, Kind, Sha256Digest, json, validate_value};
use lading_tlog::{Hash, NoteVerifier, SignedCheckpoint, leaf_hash, root_from_range_proof, verify_range};

/// Package member paths.
pub const SEGMENT_JSON: &str = "segment.json";
/// The events, one canonical JSON entry per line, in sequence order.
pub const EVENTS_JSONL: &str = "events.jsonl";
/// The signed checkpoint (C2SP signed note).
pub const CHECKPOINT_TXT: &str = "checkpoint.txt";
/// The range proof: base64 hashes, one per line.
pub const RANGE_PROOF_TXT: &str = "range-proof.txt";
/// The segment document signed (DSSE envelope of an in-toto statement).
pub const SEGMENT_DSSE: &str = "segment.dsse.json";

/// A segment being exported.
#[derive(Debug, Clone)]
pub struct Export<'a> {
    /// Metadata (`kind` is set to `maintenance-segment`).
    pub meta: Metadata,
    /// The stream.
    pub stream: &'a str,
    /// Sequence number (log index) of the first entry.
    pub first_sequence: u64,
    /// The log entries, canonical event JSON, in order.
    pub entries: &'a [Vec<u8>],
    /// The checkpoint's signed note.
    pub checkpoint: &'a str,
    /// The range proof for `entries` under `checkpoint`.
    pub proof: &'a [Hash],
    /// The stream's clock tolerance.
    pub clock_tolerance_ms: u64,
    /// How long the stream keeps events after they occurred: the segment's
    /// `retention_until` is its latest event's time plus this.
    pub retention: chrono::Duration,
    /// The stream's key (Ed25519, the key of its log): signs the segment
    /// document, which the checkpoint alone does not cover.
    pub key: &'a dyn lading_crypto::Signer,
}

/// Why a segment cannot be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SegmentError {
    /// No events.
    #[error("a segment holds at least one event")]
    Empty,
    /// A stored entry is not a valid event.
    #[error("log entry {index} is not a valid maintenance event: {message}")]
    BadEntry {
        /// Its index.
        index: u64,
        /// Why.
        message: String,
    },
    /// The checkpoint note does not parse.
    #[error("checkpoint: {0}")]
    Checkpoint(String),
    /// The segment document could not be signed.
    #[error("signing the segment document: {0}")]
    Sign(String),
    /// The container failed.
    #[error(transparent)]
    Bundle(#[from] BundleError),
}

/// Builds the segment document and its package.
pub fn export(x: &Export<'_>) -> Result<(MaintenanceSegment, Vec<u8>), SegmentError> {
    let (Some(_), Some(last)) = (x.entries.first(), x.entries.len().checked_sub(1)) else {
        return Err(SegmentError::Empty);
    };
    let mut times = Vec::with_capacity(x.entries.len());
    for (i, entry) in x.entries.iter().enumerate() {
        let index = x.first_sequence + i as u64;
        let event: MaintenanceEvent =
            serde_json::from_slice(entry).map_err(|e| SegmentError::BadEntry { index, message: e.to_string() })?;
        times.push(event.occurred_at);
    }
    let note =
        lading_tlog::Note::parse(x.checkpoint.as_bytes()).map_err(|e| SegmentError::Checkpoint(e.to_string()))?;
    let cp = lading_tlog::Checkpoint::parse_text(&note.text).map_err(|e| SegmentError::Checkpoint(e.to_string()))?;
    let earliest = times.iter().copied().min().unwrap_or_default();
    let latest = times.iter().copied().max().unwrap_or_default();
    let leaves: Vec<Hash> = x.entries.iter().map(|e| leaf_hash(e)).collect();
    let mut meta = x.meta.clone();
    meta.kind = Kind::MaintenanceSegment;
    let segment = MaintenanceSegment {
        meta,
        stream: x.stream.to_owned(),
        first_sequence: x.first_sequence,
        last_sequence: x.first_sequence + last as u64,
        event_count: x.entries.len() as u64,
        time_range: TimeRange { from: earliest, to: latest },
        clock_tolerance_ms: x.clock_tolerance_ms,
        merkle_root: digest(&merkle_root(&leaves)),
        checkpoint: CheckpointRef {
            origin: cp.origin.clone(),
            tree_size: cp.size,
            root_hash: digest(&cp.root),
            note_sha256: Sha256Digest::of(x.checkpoint.as_bytes()),
        },
        retention_until: latest + x.retention,
    };
    let segment_json = json::canonicalize_serialize(&segment).map_err(|e| SegmentError::Checkpoint(e.to_string()))?;
    let value = serde_json::to_value(&segment).map_err(|e| SegmentError::Checkpoint(e.to_string()))?;
    let envelope = lading_crypto::sign_document(&value, x.key).map_err(|e| SegmentError::Sign(e.to_string()))?;
    let envelope_json =
        serde_json::to_vec_pretty(&envelope.to_json()).map_err(|e| SegmentError::Sign(e.to_string()))?;
    let mut events = Vec::with_capacity(x.entries.iter().map(|e| e.len() + 1).sum());
    for e in x.entries {
        events.extend_from_slice(e);
        events.push(b'\n');
    }
    let proof: String = x.proof.iter().map(|h| format!("{}\n", h.to_base64())).collect();
    let files = vec![
        (SEGMENT_JSON, "application/json", "manifest", segment_json),
        (SEGMENT_DSSE, "application/vnd.dsse.envelope.v1+json", "envelope", envelope_json),
        (EVENTS_JSONL, "application/jsonl", "events", events),
        (CHECKPOINT_TXT, "text/plain; charset=utf-8", "checkpoint", x.checkpoint.as_bytes().to_vec()),
        (RANGE_PROOF_TXT, "text/plain; charset=utf-8", "range-proof", proof.into_bytes()),
    ];
    let package = Package {
        index: BundleIndex {
            format: BUNDLE_FORMAT.into(),
            kind: Kind::MaintenanceSegment.name().into(),
            members: files
                .iter()
                .map(|(path, media, role, bytes)| Member {
                    path: (*path).into(),
                    sha256: Sha256Digest::of(bytes),
                    size: bytes.len() as u64,
                    media_type: (*media).into(),
                    role: (*role).into(),
                })
                .collect(),
        },
        files: files.into_iter().map(|(.., b)| b).collect(),
    };
    Ok((segment, package.to_zip()?))
}

fn digest(h: &Hash) -> Sha256Digest {
    Sha256Digest::from_bytes(h.0)
}

/// RFC 9162 root over `leaves` (a tree of exactly these leaves).
fn merkle_root(leaves: &[Hash]) -> Hash {
    root_from_range_proof(0, leaves, leaves.len() as u64, &[]).unwrap_or_else(|_| Hash::empty())
}

/// Outcome of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Holds.
    Pass,
    /// Does not hold.
    Fail,
    /// Could not be checked because an earlier check failed.
    NotApplicable,
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::NotApplicable => "not-applicable",
        })
    }
}

/// One check of a verification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// Short name, e.g. `completeness`.
    pub name: &'static str,
    /// Outcome.
    pub status: Status,
    /// What was found, readable by a person.
    pub detail: String,
}

/// One event of the timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineRow {
    /// Sequence number.
    pub sequence: u64,
    /// When it occurred.
    pub occurred_at: DateTime<Utc>,
    /// Asset id.
    pub asset: String,
    /// Actor id.
    pub actor: String,
    /// Action.
    pub action: String,
    /// Result.
    pub result: String,
}

/// A segment's verification.
#[derive(Debug, Clone, PartialEq)]
pub struct Verification {
    /// The segment document, when it parsed.
    pub segment: Option<MaintenanceSegment>,
    /// Every check, in order.
    pub checks: Vec<Check>,
    /// The events that parsed, in file order.
    pub timeline: Vec<TimelineRow>,
}

impl Verification {
    /// Whether every check passed.
    pub fn ok(&self) -> bool {
        !self.checks.is_empty() && self.checks.iter().all(|c| c.status == Status::Pass)
    }
}

struct Checks(Vec<Check>);

impl Checks {
    fn push(&mut self, name: &'static str, result: Result<String, String>) -> bool {
        let ok = result.is_ok();
        let (status, detail) = match result {
            Ok(d) => (Status::Pass, d),
            Err(d) => (Status::Fail, d),
        };
        self.0.push(Check { name, status, detail });
        ok
    }

    fn skip(&mut self, name: &'static str, why: &str) {
        self.0.push(Check { name, status: Status::NotApplicable, detail: why.to_owned() });
    }
}

/// Verifies a segment package against the stream log's key: package
/// integrity, checkpoint signature, the segment document, every event,
/// completeness (contiguous sequences, count, range proof), unique ids and
/// time order within the declared tolerance.
pub fn verify(package_bytes: &[u8], log_key: &NoteVerifier) -> Verification {
    let mut checks = Checks(Vec::new());
    let mut out = Verification { segment: None, checks: Vec::new(), timeline: Vec::new() };
    let package = match Package::from_zip(package_bytes) {
        Ok(p) if p.index.kind == Kind::MaintenanceSegment.name() => p,
        Ok(p) => {
            checks.push("package", Err(format!("the package holds a {}, not a maintenance-segment", p.index.kind)));
            out.checks = checks.0;
            return out;
        }
        Err(e) => {
            checks.push("package", Err(e.to_string()));
            out.checks = checks.0;
            return out;
        }
    };
    let member = |role: &str| package.member(role).map(|(_, b)| b);
    let (Some(doc), Some(events), Some(note), Some(proof)) =
        (member("manifest"), member("events"), member("checkpoint"), member("range-proof"))
    else {
        checks.push("package", Err("a segment package needs manifest, events, checkpoint and range-proof".into()));
        out.checks = checks.0;
        return out;
    };
    checks.push("package", Ok(format!("{} members, each matching its SHA-256 in bundle.json", package.files.len())));

    let cp = SignedCheckpoint::verify(note, log_key, &[]);
    let cp = match cp {
        Ok(s) => {
            let c = s.checkpoint;
            checks
                .push("checkpoint signature", Ok(format!("{} size {} signed by {}", c.origin, c.size, log_key.name())));
            Some(c)
        }
        Err(e) => {
            checks.push("checkpoint signature", Err(e.to_string()));
            None
        }
    };

    let segment = match json::parse_strict(doc).map_err(|e| e.to_string()).and_then(|v| {
        validate_value(&v)
            .map_err(|ps| ps.iter().map(|p| format!("{}: {}", p.pointer, p.message)).collect::<Vec<_>>().join("; "))
    }) {
        Ok(Document::MaintenanceSegment(s)) => {
            checks.push(
                "segment document",
                Ok(format!("stream {}, sequences {}..={}", s.stream, s.first_sequence, s.last_sequence)),
            );
            Some(*s)
        }
        Ok(d) => {
            checks
                .push("segment document", Err(format!("{SEGMENT_JSON} is a {}, not a maintenance-segment", d.kind())));
            None
        }
        Err(e) => {
            checks.push("segment document", Err(format!("{SEGMENT_JSON}: {e}")));
            None
        }
    };

    // The document's fields beyond the events (metadata, retention) are
    // covered by its signature, made with the stream's key.
    match member("envelope") {
        None => {
            checks.push("segment signature", Err(format!("no {SEGMENT_DSSE} in the package")));
        }
        Some(env) => {
            let key = lading_crypto::VerifyingKey::Ed25519(*log_key.public_key());
            let r = lading_crypto::Envelope::from_json_bytes(env)
                .map_err(|e| e.to_string())
                .and_then(|e| {
                    // DSSE leaves `keyid` and unknown fields unsigned and
                    // accepts several base64 forms; the file must be exactly
                    // what the exporter wrote, so no unsigned byte can change.
                    let written = serde_json::to_vec_pretty(&e.to_json()).map_err(|e| e.to_string())?;
                    if written == env {
                        Ok(e)
                    } else {
                        Err(format!(
                            "{SEGMENT_DSSE} is not the envelope as written (a field renamed, added or re-encoded)"
                        ))
                    }
                })
                .and_then(|e| lading_crypto::verify_statement(&e, &key).map_err(|e| e.to_string()))
                .and_then(|v| {
                    if json::canonicalize(&v.statement.predicate) == doc {
                        Ok(format!("{SEGMENT_DSSE} signs {SEGMENT_JSON} with the stream's key"))
                    } else {
                        Err(format!("{SEGMENT_DSSE} signs a different segment document than {SEGMENT_JSON}"))
                    }
                });
            checks.push("segment signature", r);
        }
    }

    // Leaves come from the bytes as shipped, so any edit to an event changes them.
    let text = std::str::from_utf8(events);
    let lines: Vec<&[u8]> = match text {
        Ok(t) if t.is_empty() || t.ends_with('\n') => t.lines().map(str::as_bytes).collect(),
        Ok(_) => {
            checks.push("events", Err(format!("{EVENTS_JSONL} does not end with a newline (truncated?)")));
            Vec::new()
        }
        Err(e) => {
            checks.push("events", Err(format!("{EVENTS_JSONL} is not UTF-8: {e}")));
            Vec::new()
        }
    };
    let leaves: Vec<Hash> = lines.iter().map(|l| leaf_hash(l)).collect();
    let mut parsed: Vec<Option<MaintenanceEvent>> = Vec::with_capacity(lines.len());
    let mut bad = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        match crate::event::typed_event(i + 1, &json::parse_strict(l).unwrap_or(serde_json::Value::Null)) {
            Ok(e) if json::canonicalize_serialize(&e).ok().as_deref() == Some(*l) => parsed.push(Some(e)),
            Ok(_) => {
                bad.push(format!("line {}: not in canonical (RFC 8785) form", i + 1));
                parsed.push(None);
            }
            Err(e) => {
                bad.push(e.to_string());
                parsed.push(None);
            }
        }
    }
    if checks.0.iter().all(|c| c.name != "events") {
        checks.push(
            "events",
            if bad.is_empty() {
                Ok(format!("{} events, each schema-valid and canonical", lines.len()))
            } else {
                Err(format!("{} of {} events invalid: {}", bad.len(), lines.len(), bad.join("; ")))
            },
        );
    }
    out.timeline = parsed
        .iter()
        .flatten()
        .map(|e| TimelineRow {
            sequence: e.sequence,
            occurred_at: e.occurred_at,
            asset: e.asset.id.clone(),
            actor: e.actor.id.clone(),
            action: e.action.clone(),
            result: format!("{:?}", e.result).to_lowercase(),
        })
        .collect();

    let Some(seg) = segment else {
        for name in
            ["checkpoint reference", "completeness", "merkle root", "range proof", "unique event ids", "time order"]
        {
            checks.skip(name, "the segment document did not validate");
        }
        out.checks = checks.0;
        return out;
    };

    match &cp {
        Some(c) => {
            let r = &seg.checkpoint;
            let mut problems = Vec::new();
            if r.origin != c.origin {
                problems.push(format!("origin {:?} but the checkpoint's is {:?}", r.origin, c.origin));
            }
            if r.tree_size != c.size {
                problems.push(format!("tree_size {} but the checkpoint's is {}", r.tree_size, c.size));
            }
            if r.root_hash != digest(&c.root) {
                problems.push("root_hash is not the checkpoint's root".into());
            }
            if r.note_sha256 != Sha256Digest::of(note) {
                problems.push("note_sha256 is not the SHA-256 of checkpoint.txt".into());
            }
            checks.push(
                "checkpoint reference",
                if problems.is_empty() { Ok("matches the signed checkpoint".into()) } else { Err(problems.join("; ")) },
            );
        }
        None => checks.skip("checkpoint reference", "the checkpoint did not verify"),
    }

    checks.push("completeness", completeness(&seg, &parsed));

    let root = merkle_root(&leaves);
    checks.push(
        "merkle root",
        if digest(&root) == seg.merkle_root {
            Ok(format!("{} over {} events", seg.merkle_root, leaves.len()))
        } else {
            Err(format!("the events hash to {}, the segment says {}", digest(&root), seg.merkle_root))
        },
    );

    match (&cp, parse_proof(proof)) {
        (_, Err(e)) => {
            checks.push("range proof", Err(e));
        }
        (None, Ok(_)) => checks.skip("range proof", "the checkpoint did not verify"),
        (Some(c), Ok(p)) => {
            let r = if leaves.is_empty() {
                Err("no events".to_owned())
            } else {
                verify_range(seg.first_sequence, &leaves, c.size, &p, &c.root)
                    .map(|()| {
                        format!(
                            "the {} events are exactly leaves [{}, {}) of the log at size {}",
                            leaves.len(),
                            seg.first_sequence,
                            seg.first_sequence + leaves.len() as u64,
                            c.size
                        )
                    })
                    .map_err(|e| {
                        format!(
                            "the events are not leaves [{}, {}) of the signed log: {e}",
                            seg.first_sequence,
                            seg.first_sequence + leaves.len() as u64
                        )
                    })
            };
            checks.push("range proof", r);
        }
    }

    let mut first_line: HashMap<&str, usize> = HashMap::new();
    let mut dups = Vec::new();
    for (i, e) in parsed.iter().enumerate() {
        if let Some(e) = e
            && let Some(prev) = first_line.insert(&e.event_id, i + 1)
        {
            dups.push(format!("{:?} on lines {prev} and {}", e.event_id, i + 1));
        }
    }
    checks.push(
        "unique event ids",
        if dups.is_empty() { Ok("no event id repeats".into()) } else { Err(dups.join("; ")) },
    );
    checks.push("time order", time_order(&seg, &parsed));
    out.segment = Some(seg);
    out.checks = checks.0;
    out
}

fn parse_proof(bytes: &[u8]) -> Result<Vec<Hash>, String> {
    let text = std::str::from_utf8(bytes).map_err(|e| format!("{RANGE_PROOF_TXT} is not UTF-8: {e}"))?;
    text.lines()
        .enumerate()
        .map(|(i, l)| Hash::from_base64(l).map_err(|e| format!("{RANGE_PROOF_TXT} line {}: {e}", i + 1)))
        .collect()
}

fn completeness(seg: &MaintenanceSegment, events: &[Option<MaintenanceEvent>]) -> Result<String, String> {
    let mut problems = Vec::new();
    if events.len() as u64 != seg.event_count {
        problems.push(format!("{} events, but the segment declares {}", events.len(), seg.event_count));
    }
    for (i, e) in events.iter().enumerate() {
        let want = seg.first_sequence + i as u64;
        let Some(e) = e else { continue };
        if e.stream != seg.stream {
            problems.push(format!("line {}: stream {:?}, not {:?}", i + 1, e.stream, seg.stream));
        }
        if e.sequence != want {
            problems.push(format!(
                "line {}: sequence {} where {want} was expected (an event is missing, inserted or out of place)",
                i + 1,
                e.sequence
            ));
            break;
        }
    }
    if problems.is_empty() {
        Ok(format!("sequences {}..={} contiguous, {} events", seg.first_sequence, seg.last_sequence, seg.event_count))
    } else {
        Err(problems.join("; "))
    }
}

fn time_order(seg: &MaintenanceSegment, events: &[Option<MaintenanceEvent>]) -> Result<String, String> {
    let tolerance = chrono::Duration::milliseconds(i64::try_from(seg.clock_tolerance_ms).unwrap_or(i64::MAX));
    let mut latest: Option<DateTime<Utc>> = None;
    let mut problems = Vec::new();
    let (mut min, mut max) = (None::<DateTime<Utc>>, None::<DateTime<Utc>>);
    for (i, e) in events.iter().enumerate() {
        let Some(e) = e else { continue };
        if let Some(l) = latest
            && e.occurred_at + tolerance < l
        {
            problems.push(format!(
                "line {} (sequence {}): occurred {} ms before an earlier event, beyond the {} ms tolerance",
                i + 1,
                e.sequence,
                (l - e.occurred_at).num_milliseconds(),
                seg.clock_tolerance_ms
            ));
        }
        latest = Some(latest.map_or(e.occurred_at, |l| l.max(e.occurred_at)));
        min = Some(min.map_or(e.occurred_at, |m| m.min(e.occurred_at)));
        max = Some(max.map_or(e.occurred_at, |m| m.max(e.occurred_at)));
    }
    if let (Some(min), Some(max)) = (min, max)
        && (min != seg.time_range.from || max != seg.time_range.to)
    {
        problems.push(format!(
            "time_range is {} – {}, the events span {} – {}",
            seg.time_range.from.to_rfc3339(),
            seg.time_range.to.to_rfc3339(),
            min.to_rfc3339(),
            max.to_rfc3339()
        ));
    }
    if problems.is_empty() {
        Ok(format!(
            "in order within {} ms, {} – {}",
            seg.clock_tolerance_ms,
            seg.time_range.from.to_rfc3339(),
            seg.time_range.to.to_rfc3339()
        ))
    } else {
        Err(problems.join("; "))
    }
}
