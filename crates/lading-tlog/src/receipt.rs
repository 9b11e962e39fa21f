//! C2SP tlog-proof receipts: index, inclusion path and the (cosigned)
//! checkpoint, verifiable offline against a policy.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::checkpoint::SignedCheckpoint;
use crate::hash::Hash;
use crate::policy::{Policy, PolicyError};
use crate::tree::{TreeError, verify_inclusion};

/// The first line of every receipt.
pub const RECEIPT_HEADER: &str = "c2sp.org/tlog-proof@v1";

/// A `c2sp.org/tlog-proof@v1` receipt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    /// Opaque, unauthenticated extra data.
    pub extra: Option<Vec<u8>>,
    /// Index of the entry.
    pub index: u64,
    /// Inclusion path, from the leaf's sibling up.
    pub proof: Vec<Hash>,
    /// The signed checkpoint note, verbatim.
    pub checkpoint: String,
}

/// Why a receipt is malformed or does not verify.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReceiptError {
    /// The text is not a tlog-proof.
    #[error("malformed tlog-proof receipt, line {line}: {reason}")]
    Malformed {
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        reason: String,
    },
    /// The checkpoint does not satisfy the policy.
    #[error("checkpoint: {0}")]
    Policy(#[from] PolicyError),
    /// The entry is not included under the checkpoint.
    #[error("inclusion: {0}")]
    Inclusion(#[from] TreeError),
}

impl Receipt {
    /// The receipt text.
    pub fn to_text(&self) -> String {
        let mut out = format!("{RECEIPT_HEADER}\n");
        if let Some(extra) = &self.extra {
            out.push_str(&format!("extra {}\n", STANDARD.encode(extra)));
        }
        out.push_str(&format!("index {}\n", self.index));
        for h in &self.proof {
            out.push_str(&h.to_base64());
            out.push('\n');
        }
        out.push('\n');
        out.push_str(&self.checkpoint);
        out
    }

    /// Parses a receipt strictly (the checkpoint is checked by [`Receipt::verify`]).
    pub fn parse(text: &str) -> Result<Self, ReceiptError> {
        let bad = |line: usize, reason: String| ReceiptError::Malformed { line, reason };
        let (head, checkpoint) =
            text.split_once("\n\n").ok_or_else(|| bad(1, "no blank line before the checkpoint".into()))?;
        let mut lines = head.split('\n').enumerate().map(|(i, l)| (i + 1, l));
        match lines.next() {
            Some((_, RECEIPT_HEADER)) => {}
            _ => return Err(bad(1, format!("first line is not {RECEIPT_HEADER}"))),
        }
        let mut extra = None;
        let mut next = lines.next();
        if let Some((n, line)) = next
            && let Some(b64) = line.strip_prefix("extra ")
        {
            extra = Some(STANDARD.decode(b64).map_err(|e| bad(n, format!("extra is not base64: {e}")))?);
            next = lines.next();
        }
        let (n, index_line) = next.ok_or_else(|| bad(2, "no index line".into()))?;
        let index_text = index_line.strip_prefix("index ").ok_or_else(|| bad(n, "expected `index N`".into()))?;
        let canonical = !index_text.is_empty()
            && index_text.bytes().all(|b| b.is_ascii_digit())
            && (index_text == "0" || !index_text.starts_with('0'));
        let index = canonical
            .then(|| index_text.parse::<u64>().ok())
            .flatten()
            .ok_or_else(|| bad(n, format!("index {index_text:?} is not a decimal without leading zeroes")))?;
        let mut proof = Vec::new();
        for (n, line) in lines {
            if proof.len() >= 64 {
                return Err(bad(n, "more than 64 proof hashes".into()));
            }
            proof.push(Hash::from_base64(line).map_err(|e| bad(n, e.to_string()))?);
        }
        Ok(Receipt { extra, index, proof, checkpoint: checkpoint.to_owned() })
    }

    /// Like [`Receipt::verify`], but checks each distinct checkpoint's
    /// signatures and quorum only once, remembering it in `cache`: a client
    /// verifying many receipts under one checkpoint then pays for one
    /// signature check and a few dozen hashes per receipt.
    pub fn verify_cached(&self, leaf: &Hash, policy: &Policy, cache: &mut CheckpointCache) -> Result<(), ReceiptError> {
        let cp = match cache.verified.get(&self.checkpoint) {
            Some(cp) => cp.clone(),
            None => {
                let signed = policy.verify_checkpoint(self.checkpoint.as_bytes())?;
                if cache.verified.len() >= CheckpointCache::CAPACITY {
                    cache.verified.clear();
                }
                cache.verified.insert(self.checkpoint.clone(), signed.checkpoint.clone());
                signed.checkpoint
            }
        };
        verify_inclusion(leaf, self.index, cp.size, &self.proof, &cp.root)?;
        Ok(())
    }

    /// Verifies that the entry with leaf hash `leaf` is included under a
    /// checkpoint that satisfies `policy`.
    pub fn verify(&self, leaf: &Hash, policy: &Policy) -> Result<SignedCheckpoint, ReceiptError> {
        let signed = policy.verify_checkpoint(self.checkpoint.as_bytes())?;
        let cp = &signed.checkpoint;
        verify_inclusion(leaf, self.index, cp.size, &self.proof, &cp.root)?;
        Ok(signed)
    }
}

/// Checkpoints already verified against one policy, by their exact note text.
#[derive(Debug, Default)]
pub struct CheckpointCache {
    verified: std::collections::HashMap<String, crate::checkpoint::Checkpoint>,
}

impl CheckpointCache {
    /// Most checkpoints remembered before the cache starts over.
    pub const CAPACITY: usize = 1024;

    /// An empty cache. Use one cache per policy.
    pub fn new() -> Self {
        Self::default()
    }
}
