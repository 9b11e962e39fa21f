//! C2SP tlog-witness: the `add-checkpoint` request and the witness's
//! decision, as pure functions. The HTTP exchange and the witness's
//! persistent state live in the server and its stores.

use crate::checkpoint::{Checkpoint, SignedCheckpoint};
use crate::hash::Hash;
use crate::note::{Note, NoteError, NoteSignature, NoteSigner, NoteVerifier};
use crate::tree::verify_consistency;

/// Most consistency proof lines a request may carry (the spec's limit).
pub const MAX_PROOF_LINES: usize = 63;

/// A parsed `add-checkpoint` request body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddCheckpoint {
    /// The size of the latest checkpoint the client believes the witness cosigned.
    pub old_size: u64,
    /// Consistency proof from `old_size` to the checkpoint's size.
    pub proof: Vec<Hash>,
    /// The signed checkpoint note, verbatim.
    pub checkpoint: String,
}

/// Why a witness refuses to cosign, with the HTTP status the spec assigns.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WitnessError {
    /// Malformed request, or an old size above the checkpoint's (400).
    #[error("bad request: {0}")]
    BadRequest(String),
    /// No signature by a trusted key for the origin (403).
    #[error("checkpoint not signed by a trusted log key: {0}")]
    Forbidden(String),
    /// Unknown origin (404).
    #[error("unknown log origin {0:?}")]
    UnknownOrigin(String),
    /// The old size is not the latest cosigned size, or equal sizes with other roots (409).
    #[error("conflict: the latest cosigned size is {latest}")]
    Conflict {
        /// The latest size the witness cosigned for the origin.
        latest: u64,
    },
    /// The consistency proof does not verify (422).
    #[error("consistency proof does not verify: {0}")]
    BadProof(String),
}

impl WitnessError {
    /// The HTTP status code the spec requires.
    pub fn status(&self) -> u16 {
        match self {
            WitnessError::BadRequest(_) => 400,
            WitnessError::Forbidden(_) => 403,
            WitnessError::UnknownOrigin(_) => 404,
            WitnessError::Conflict { .. } => 409,
            WitnessError::BadProof(_) => 422,
        }
    }
}

impl AddCheckpoint {
    /// The request body.
    pub fn to_text(&self) -> String {
        let mut out = format!("old {}\n", self.old_size);
        for h in &self.proof {
            out.push_str(&h.to_base64());
            out.push('\n');
        }
        out.push('\n');
        out.push_str(&self.checkpoint);
        out
    }

    /// Parses a request body strictly.
    pub fn parse(body: &str) -> Result<Self, WitnessError> {
        let bad = |m: String| WitnessError::BadRequest(m);
        let (head, checkpoint) =
            body.split_once("\n\n").ok_or_else(|| bad("no blank line before the checkpoint".into()))?;
        let mut lines = head.split('\n');
        let old =
            lines.next().and_then(|l| l.strip_prefix("old ")).ok_or_else(|| bad("first line is not `old N`".into()))?;
        let canonical =
            !old.is_empty() && old.bytes().all(|b| b.is_ascii_digit()) && (old == "0" || !old.starts_with('0'));
        let old_size = canonical
            .then(|| old.parse::<u64>().ok())
            .flatten()
            .ok_or_else(|| bad(format!("old size {old:?} is not a decimal without leading zeroes")))?;
        let mut proof = Vec::new();
        for (i, line) in lines.enumerate() {
            if i >= MAX_PROOF_LINES {
                return Err(bad(format!("more than {MAX_PROOF_LINES} proof lines")));
            }
            proof.push(Hash::from_base64(line).map_err(|e| bad(format!("proof line {}: {e}", i + 1)))?);
        }
        Ok(Self { old_size, proof, checkpoint: checkpoint.to_owned() })
    }
}

/// What a witness knows about one log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WitnessedLog {
    /// Size of the latest checkpoint cosigned for the origin (0 if none).
    pub size: u64,
    /// Its root hash (the empty-tree hash if none).
    pub root: Hash,
}

/// Checks an `add-checkpoint` request against the log keys the witness
/// trusts for the checkpoint's origin and its record for that origin.
/// On success, the caller must atomically replace the record (only if it is
/// still `latest`) and then cosign.
pub fn check_add_checkpoint(
    request: &AddCheckpoint,
    trusted: &[NoteVerifier],
    latest: Option<&WitnessedLog>,
) -> Result<Checkpoint, WitnessError> {
    let note = Note::parse(request.checkpoint.as_bytes()).map_err(|e| WitnessError::BadRequest(e.to_string()))?;
    let checkpoint = Checkpoint::parse_text(&note.text).map_err(|e| WitnessError::BadRequest(e.to_string()))?;
    let keys: Vec<NoteVerifier> = trusted.iter().filter(|v| v.name() == checkpoint.origin).cloned().collect();
    let Some(log_key) = keys.first() else { return Err(WitnessError::UnknownOrigin(checkpoint.origin)) };
    SignedCheckpoint::verify(request.checkpoint.as_bytes(), log_key, &keys[1..]).map_err(|e| match e {
        crate::checkpoint::CheckpointError::Note(NoteError::Malformed(m)) => WitnessError::BadRequest(m),
        other => WitnessError::Forbidden(other.to_string()),
    })?;
    if request.old_size > checkpoint.size {
        return Err(WitnessError::BadRequest(format!(
            "old size {} is above the checkpoint size {}",
            request.old_size, checkpoint.size
        )));
    }
    let latest_size = latest.map_or(0, |l| l.size);
    if request.old_size != latest_size {
        return Err(WitnessError::Conflict { latest: latest_size });
    }
    match latest {
        None => {
            if !request.proof.is_empty() {
                return Err(WitnessError::BadProof("the proof must be empty when the old size is 0".into()));
            }
        }
        Some(l) if l.size == 0 => {
            if !request.proof.is_empty() {
                return Err(WitnessError::BadProof("the proof must be empty when the old size is 0".into()));
            }
        }
        Some(l) if l.size == checkpoint.size => {
            if l.root != checkpoint.root {
                return Err(WitnessError::Conflict { latest: l.size });
            }
        }
        Some(l) => verify_consistency(l.size, checkpoint.size, &request.proof, &l.root, &checkpoint.root)
            .map_err(|e| WitnessError::BadProof(e.to_string()))?,
    }
    Ok(checkpoint)
}

/// The response body: one cosignature line per witness key.
pub fn cosignature_response(
    signers: &[NoteSigner],
    checkpoint_text: &str,
    timestamp: u64,
) -> Result<String, NoteError> {
    signers.iter().map(|s| Ok(format!("{}\n", s.cosign(checkpoint_text, timestamp)?.line()))).collect()
}

/// Parses a response body into signature lines (the caller verifies them).
pub fn parse_cosignature_response(body: &str) -> Result<Vec<NoteSignature>, NoteError> {
    // Reuse the note parser: a dummy text, a blank line, then the lines.
    let note = Note::parse(format!("x\n\n{body}").as_bytes())?;
    Ok(note.signatures)
}

/// Decodes the body of a 409 response (`text/x.tlog.size`).
pub fn parse_size_response(body: &str) -> Option<u64> {
    let s = body.strip_suffix('\n')?;
    (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) && (s == "0" || !s.starts_with('0')))
        .then(|| s.parse().ok())
        .flatten()
}

#[cfg(test)]
mod tests {
    use ed25519_dalek::SigningKey;

    use super::*;
    use crate::note::KeyKind;
    use crate::tree::{MemoryTree, consistency_proof};

    fn log_key() -> NoteSigner {
        NoteSigner::new("example.com/log", KeyKind::Ed25519, SigningKey::from_bytes(&[3; 32])).expect("signer")
    }

    fn checkpoint(tree: &MemoryTree) -> String {
        let cp =
            Checkpoint { origin: "example.com/log".into(), size: tree.size(), root: tree.root(), extensions: vec![] };
        cp.sign(&log_key()).expect("sign").to_text()
    }

    #[test]
    fn the_spec_example_request_parses() {
        let body = "old 20852014\nPlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=\njrJZDmY8Y7SyJE0MWLpLozkIVMSMZcD5kvuKxPC3swk=\n\nexample.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n\u{2014} example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n";
        let r = AddCheckpoint::parse(body).expect("parse");
        assert_eq!((r.old_size, r.proof.len()), (20_852_014, 2));
        assert_eq!(r.to_text(), body);
    }

    #[test]
    fn every_spec_status_is_reachable() {
        let trusted = [log_key().verifier().clone()];
        let mut tree = MemoryTree::new();
        for i in 0..10u8 {
            tree.push(&[i]);
        }
        let cp10 = checkpoint(&tree);
        let first = AddCheckpoint { old_size: 0, proof: vec![], checkpoint: cp10.clone() };
        let ok = check_add_checkpoint(&first, &trusted, None).expect("first cosign");
        let latest = WitnessedLog { size: ok.size, root: ok.root };
        for i in 10..20u8 {
            tree.push(&[i]);
        }
        let cp20 = checkpoint(&tree);
        let proof = consistency_proof(&tree, 10, 20).expect("proof");
        let next = AddCheckpoint { old_size: 10, proof: proof.clone(), checkpoint: cp20.clone() };
        assert!(check_add_checkpoint(&next, &trusted, Some(&latest)).is_ok());
        // 409: stale old size; 422: bad proof; 400: old above size; 404; 403.
        let stale = AddCheckpoint { old_size: 5, ..next.clone() };
        assert_eq!(check_add_checkpoint(&stale, &trusted, Some(&latest)), Err(WitnessError::Conflict { latest: 10 }));
        let mut broken = next.clone();
        broken.proof[0].0[0] ^= 1;
        assert_eq!(check_add_checkpoint(&broken, &trusted, Some(&latest)).map_err(|e| e.status()), Err(422));
        let above = AddCheckpoint { old_size: 30, proof: vec![], checkpoint: cp20.clone() };
        assert_eq!(check_add_checkpoint(&above, &trusted, Some(&latest)).map_err(|e| e.status()), Err(400));
        let stranger =
            NoteSigner::new("example.com/other", KeyKind::Ed25519, SigningKey::from_bytes(&[4; 32])).expect("s");
        assert_eq!(
            check_add_checkpoint(&next, &[stranger.verifier().clone()], Some(&latest)).map_err(|e| e.status()),
            Err(404)
        );
        let impostor =
            NoteSigner::new("example.com/log", KeyKind::Ed25519, SigningKey::from_bytes(&[5; 32])).expect("s");
        assert_eq!(
            check_add_checkpoint(&next, &[impostor.verifier().clone()], Some(&latest)).map_err(|e| e.status()),
            Err(403)
        );
        // Same size, other root: 409.
        let mut other = MemoryTree::new();
        for i in 100..110u8 {
            other.push(&[i]);
        }
        let fork = AddCheckpoint { old_size: 10, proof: vec![], checkpoint: checkpoint(&other) };
        assert_eq!(check_add_checkpoint(&fork, &trusted, Some(&latest)), Err(WitnessError::Conflict { latest: 10 }));
        assert_eq!(parse_size_response("10\n"), Some(10));
        assert_eq!(parse_size_response("010\n"), None);
    }
}
