//! C2SP tlog-checkpoint: the note body `origin \n size \n base64(root) \n [extensions]`.

use crate::hash::Hash;
use crate::note::{Note, NoteError, NoteSigner, NoteVerifier, VerifiedSignature};

/// A log's tree head.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    /// The log's origin line.
    pub origin: String,
    /// Number of leaves.
    pub size: u64,
    /// Root hash.
    pub root: Hash,
    /// Extension lines (opaque, non-empty; not recommended).
    pub extensions: Vec<String>,
}

/// Why a checkpoint is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CheckpointError {
    /// The body is not a checkpoint.
    #[error("malformed checkpoint: {0}")]
    Malformed(String),
    /// The note around it is malformed or its signatures fail.
    #[error(transparent)]
    Note(#[from] NoteError),
    /// The log key's name does not match the origin line.
    #[error("checkpoint origin {origin:?} is not the log key's name {key_name:?}")]
    OriginMismatch {
        /// Origin in the checkpoint.
        origin: String,
        /// The key name expected.
        key_name: String,
    },
}

impl Checkpoint {
    /// The note text (body) of the checkpoint.
    pub fn to_text(&self) -> String {
        let mut out = format!("{}\n{}\n{}\n", self.origin, self.size, self.root.to_base64());
        for e in &self.extensions {
            out.push_str(e);
            out.push('\n');
        }
        out
    }

    /// Parses a checkpoint body strictly.
    pub fn parse_text(text: &str) -> Result<Self, CheckpointError> {
        let bad = |m: String| CheckpointError::Malformed(m);
        let body = text.strip_suffix('\n').ok_or_else(|| bad("does not end with a newline".into()))?;
        let lines: Vec<&str> = body.split('\n').collect();
        if lines.len() < 3 {
            return Err(bad(format!("{} lines, a checkpoint has at least 3", lines.len())));
        }
        if let Some(i) = lines.iter().position(|l| l.is_empty()) {
            return Err(bad(format!("line {} is empty", i + 1)));
        }
        let size_text = lines[1];
        let canonical =
            size_text.bytes().all(|b| b.is_ascii_digit()) && (size_text == "0" || !size_text.starts_with('0'));
        let size = canonical
            .then(|| size_text.parse::<u64>().ok())
            .flatten()
            .ok_or_else(|| bad(format!("tree size {size_text:?} is not a decimal without leading zeroes")))?;
        let root = Hash::from_base64(lines[2]).map_err(|e| bad(format!("root hash: {e}")))?;
        Ok(Checkpoint {
            origin: lines[0].to_owned(),
            size,
            root,
            extensions: lines[3..].iter().map(|s| (*s).to_owned()).collect(),
        })
    }

    /// Signs the checkpoint with the log's key; the key name must be the origin.
    pub fn sign(&self, log: &NoteSigner) -> Result<Note, CheckpointError> {
        if log.verifier().name() != self.origin {
            return Err(CheckpointError::OriginMismatch {
                origin: self.origin.clone(),
                key_name: log.verifier().name().to_owned(),
            });
        }
        let text = self.to_text();
        let signature = log.sign(&text)?;
        Ok(Note { text, signatures: vec![signature] })
    }
}

/// A checkpoint whose log signature verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedCheckpoint {
    /// The checkpoint.
    pub checkpoint: Checkpoint,
    /// The whole note, as received.
    pub note: Note,
    /// Every signature that verified (log and witnesses known to the caller).
    pub verified: Vec<VerifiedSignature>,
}

impl SignedCheckpoint {
    /// Parses a signed checkpoint and verifies it with the log key `log` plus
    /// any known `witnesses` (whose cosignatures are verified if present).
    pub fn verify(note_bytes: &[u8], log: &NoteVerifier, witnesses: &[NoteVerifier]) -> Result<Self, CheckpointError> {
        let note = Note::parse(note_bytes)?;
        let checkpoint = Checkpoint::parse_text(&note.text)?;
        if checkpoint.origin != log.name() {
            return Err(CheckpointError::OriginMismatch { origin: checkpoint.origin, key_name: log.name().to_owned() });
        }
        let mut verifiers = vec![log.clone()];
        verifiers.extend(witnesses.iter().cloned());
        let verified = note.verify(&verifiers)?;
        if !verified.iter().any(|v| v.name == log.name() && v.key_id == log.key_id()) {
            return Err(CheckpointError::Note(NoteError::NoKnownSignature {
                signers: note
                    .signatures
                    .iter()
                    .map(|s| format!("{}/{:08x}", s.name, s.key_id))
                    .collect::<Vec<_>>()
                    .join(", "),
            }));
        }
        Ok(Self { checkpoint, note, verified })
    }
}
