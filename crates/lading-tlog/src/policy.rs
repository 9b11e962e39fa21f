//! C2SP tlog-policy: known logs, known witnesses, witness groups and the quorum.

use std::collections::{HashMap, HashSet};

use crate::checkpoint::{Checkpoint, CheckpointError, SignedCheckpoint};
use crate::note::{KeyKind, Note, NoteVerifier};

/// Why a policy file is malformed or a checkpoint does not satisfy it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PolicyError {
    /// A line of the policy file is wrong.
    #[error("policy line {line}: {reason}")]
    Syntax {
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        reason: String,
    },
    /// The policy has no quorum line.
    #[error("policy has no quorum line")]
    NoQuorum,
    /// No log of the policy has the checkpoint's origin.
    #[error("no log in the policy has origin {0:?}")]
    UnknownLog(String),
    /// The checkpoint's signatures fail.
    #[error(transparent)]
    Checkpoint(#[from] CheckpointError),
    /// Too few witnesses cosigned.
    #[error("witness quorum not met: cosigned by {cosigned:?}, quorum {quorum}")]
    QuorumNotMet {
        /// Policy names of the witnesses whose cosignatures verified.
        cosigned: Vec<String>,
        /// The quorum rule's name.
        quorum: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Group {
    threshold: usize,
    members: Vec<String>,
}

/// A parsed policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    logs: Vec<NoteVerifier>,
    witnesses: Vec<(String, NoteVerifier)>,
    groups: HashMap<String, Group>,
    quorum: String,
}

/// Upper bounds on policy size (the spec recommends supporting at least 32 of each).
const MAX_ENTRIES: usize = 256;

impl Policy {
    /// A policy with one log and no witness requirement (`quorum none`).
    pub fn single_log(log: NoteVerifier) -> Self {
        Policy { logs: vec![log], witnesses: Vec::new(), groups: HashMap::new(), quorum: "none".into() }
    }

    /// Parses a policy file.
    pub fn parse(text: &str) -> Result<Self, PolicyError> {
        let mut logs: Vec<NoteVerifier> = Vec::new();
        let mut witnesses: Vec<(String, NoteVerifier)> = Vec::new();
        let mut groups: HashMap<String, Group> = HashMap::new();
        let mut quorum = None;
        for (i, raw) in text.split('\n').enumerate() {
            let line = i + 1;
            let err = |reason: String| PolicyError::Syntax { line, reason };
            if raw.bytes().any(|b| b < 0x20 && b != b'\t' || b == 0x7f) {
                return Err(err("control character".into()));
            }
            let words: Vec<&str> = raw.split([' ', '\t']).filter(|w| !w.is_empty()).collect();
            let Some((&keyword, args)) = words.split_first() else { continue };
            if keyword.starts_with('#') {
                continue;
            }
            let defined = |name: &str, witnesses: &[(String, NoteVerifier)], groups: &HashMap<String, Group>| {
                witnesses.iter().any(|(n, _)| n == name) || groups.contains_key(name)
            };
            match keyword {
                "log" => {
                    let vkey = args.first().ok_or_else(|| err("log needs a vkey".into()))?;
                    if args.len() > 2 {
                        return Err(err("log takes a vkey and an optional URL".into()));
                    }
                    let v = NoteVerifier::from_vkey(vkey).map_err(|e| err(e.to_string()))?;
                    if v.kind() != KeyKind::Ed25519 {
                        return Err(err("a log key must be an Ed25519 (type 0x01) vkey".into()));
                    }
                    if logs.iter().any(|l| l.public_key() == v.public_key()) {
                        return Err(err("duplicate log key".into()));
                    }
                    logs.push(v);
                }
                "witness" => {
                    let (Some(name), Some(vkey)) = (args.first(), args.get(1)) else {
                        return Err(err("witness needs a name and a vkey".into()));
                    };
                    if args.len() > 3 {
                        return Err(err("witness takes a name, a vkey and an optional URL".into()));
                    }
                    if *name == "none" || defined(name, &witnesses, &groups) {
                        return Err(err(format!("name {name:?} is reserved or already defined")));
                    }
                    let v = NoteVerifier::from_vkey(vkey).map_err(|e| err(e.to_string()))?;
                    if v.kind() != KeyKind::Cosignature {
                        return Err(err("a witness key must be a cosignature (type 0x04) vkey".into()));
                    }
                    if witnesses.iter().any(|(_, w)| w.public_key() == v.public_key()) {
                        return Err(err("duplicate witness key".into()));
                    }
                    witnesses.push(((*name).to_owned(), v));
                }
                "group" => {
                    let (Some(name), Some(k), members) = (args.first(), args.get(1), args.get(2..).unwrap_or(&[]))
                    else {
                        return Err(err("group needs a name, a threshold and members".into()));
                    };
                    if *name == "none" || defined(name, &witnesses, &groups) {
                        return Err(err(format!("name {name:?} is reserved or already defined")));
                    }
                    if members.is_empty() {
                        return Err(err("a group needs at least one member".into()));
                    }
                    let mut seen = HashSet::new();
                    for m in members {
                        if !defined(m, &witnesses, &groups) {
                            return Err(err(format!("member {m:?} is not defined on an earlier line")));
                        }
                        if !seen.insert(*m) {
                            return Err(err(format!("member {m:?} is listed twice")));
                        }
                    }
                    let threshold = match *k {
                        "all" => members.len(),
                        "any" => 1,
                        n => {
                            let canonical = n.bytes().all(|b| b.is_ascii_digit()) && !n.starts_with('0');
                            let k = canonical
                                .then(|| n.parse::<usize>().ok())
                                .flatten()
                                .ok_or_else(|| err(format!("threshold {n:?} is not all, any or a decimal")))?;
                            if !(1..=members.len()).contains(&k) {
                                return Err(err(format!("threshold {k} is not between 1 and {}", members.len())));
                            }
                            k
                        }
                    };
                    groups.insert(
                        (*name).to_owned(),
                        Group { threshold, members: members.iter().map(|m| (*m).to_owned()).collect() },
                    );
                }
                "quorum" => {
                    let [name] = args else { return Err(err("quorum takes exactly one name".into())) };
                    if quorum.is_some() {
                        return Err(err("a second quorum line".into()));
                    }
                    if *name != "none" && !defined(name, &witnesses, &groups) {
                        return Err(err(format!("quorum {name:?} is not defined on an earlier line")));
                    }
                    quorum = Some((*name).to_owned());
                }
                other => return Err(err(format!("unknown keyword {other:?}"))),
            }
            if logs.len() + witnesses.len() + groups.len() > MAX_ENTRIES {
                return Err(err(format!("more than {MAX_ENTRIES} logs, witnesses and groups")));
            }
        }
        Ok(Policy { logs, witnesses, groups, quorum: quorum.ok_or(PolicyError::NoQuorum)? })
    }

    /// The logs the policy accepts.
    pub fn logs(&self) -> &[NoteVerifier] {
        &self.logs
    }

    /// The witnesses' verifiers.
    pub fn witness_verifiers(&self) -> Vec<NoteVerifier> {
        self.witnesses.iter().map(|(_, v)| v.clone()).collect()
    }

    fn witnessed(&self, name: &str, cosigned: &HashSet<&str>) -> bool {
        match self.groups.get(name) {
            Some(g) => g.members.iter().filter(|m| self.witnessed(m, cosigned)).count() >= g.threshold,
            None => cosigned.contains(name),
        }
    }

    /// Whether the witnesses named (policy names) satisfy the quorum.
    pub fn quorum_met(&self, cosigned: &HashSet<&str>) -> bool {
        self.quorum == "none" || self.witnessed(&self.quorum, cosigned)
    }

    /// Verifies a signed checkpoint: signed by a known log (whose key name is
    /// the origin), and cosigned per the quorum.
    pub fn verify_checkpoint(&self, note_bytes: &[u8]) -> Result<SignedCheckpoint, PolicyError> {
        let note = Note::parse(note_bytes).map_err(CheckpointError::from)?;
        let checkpoint = Checkpoint::parse_text(&note.text)?;
        let log = self
            .logs
            .iter()
            .find(|l| l.name() == checkpoint.origin)
            .ok_or_else(|| PolicyError::UnknownLog(checkpoint.origin.clone()))?;
        let signed = SignedCheckpoint::verify(note_bytes, log, &self.witness_verifiers())?;
        let cosigned: HashSet<&str> = self
            .witnesses
            .iter()
            .filter(|(_, w)| signed.verified.iter().any(|v| v.name == w.name() && v.key_id == w.key_id()))
            .map(|(n, _)| n.as_str())
            .collect();
        if !self.quorum_met(&cosigned) {
            let mut names: Vec<String> = cosigned.iter().map(|s| (*s).to_owned()).collect();
            names.sort();
            return Err(PolicyError::QuorumNotMet { cosigned: names, quorum: self.quorum.clone() });
        }
        Ok(signed)
    }
}
