//! RFC 9162 §2.1.1 hashing: SHA-256 with 0x00 / 0x01 domain separation.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest as _, Sha256};

/// A SHA-256 Merkle tree hash.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Hash(pub [u8; 32]);

/// Why bytes or text are not a hash.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a SHA-256 hash: {0}")]
pub struct HashParseError(pub String);

impl Hash {
    /// The root of the empty tree: SHA-256 of the empty string.
    pub fn empty() -> Self {
        Hash(Sha256::digest([]).into())
    }

    /// A hash from exactly 32 bytes.
    pub fn from_slice(bytes: &[u8]) -> Result<Self, HashParseError> {
        <[u8; 32]>::try_from(bytes).map(Hash).map_err(|_| HashParseError(format!("{} bytes, expected 32", bytes.len())))
    }

    /// Parses standard base64 (as in checkpoints and proofs).
    pub fn from_base64(text: &str) -> Result<Self, HashParseError> {
        let bytes = STANDARD.decode(text).map_err(|e| HashParseError(format!("bad base64 {text:?}: {e}")))?;
        Self::from_slice(&bytes)
    }

    /// Standard base64.
    pub fn to_base64(&self) -> String {
        STANDARD.encode(self.0)
    }

    /// Lowercase hex.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }
}

impl fmt::Debug for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Hash({})", self.to_hex())
    }
}

impl fmt::Display for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_base64())
    }
}

/// The leaf hash of an entry: SHA-256(0x00 ‖ entry).
pub fn leaf_hash(entry: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([0u8]);
    h.update(entry);
    Hash(h.finalize().into())
}

/// The hash of an interior node: SHA-256(0x01 ‖ left ‖ right).
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut buf = [0u8; 65];
    buf[0] = 1;
    buf[1..33].copy_from_slice(&left.0);
    buf[33..].copy_from_slice(&right.0);
    Hash(Sha256::digest(buf).into())
}
