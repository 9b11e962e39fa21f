//! # lading-tlog
//!
//! The pure core of Lading's transparency logs: RFC 9162 Merkle hashing,
//! inclusion and consistency proofs over a [`HashReader`], C2SP tlog-tiles
//! coordinates and entry bundles, signed notes, checkpoints, witness
//! cosignatures, tlog-proof receipts and tlog-policy quorums.
//!
//! No I/O: storage is a trait ([`HashReader`], [`TileReader`]) so the same
//! algorithms run over a `Vec` in tests and over SQLite or PostgreSQL
//! backends in `lading-log`'s stores.
//!
//! ```
//! use lading_tlog::{MemoryTree, inclusion_proof, verify_inclusion, leaf_hash};
//!
//! let mut tree = MemoryTree::new();
//! for entry in [b"a".as_slice(), b"b", b"c"] {
//!     tree.push(entry);
//! }
//! let proof = inclusion_proof(&tree, 1, 3).unwrap();
//! verify_inclusion(&leaf_hash(b"b"), 1, 3, &proof, &tree.root()).unwrap();
//! ```

pub mod audit;
mod checkpoint;
mod hash;
pub mod note;
mod policy;
mod receipt;
pub mod tile;
mod tree;
pub mod watch;
pub mod witness;

pub use audit::{AuditError, tiles_with_ancestors, verify_tiles};
pub use checkpoint::{Checkpoint, CheckpointError, SignedCheckpoint};
pub use hash::{Hash, HashParseError, leaf_hash, node_hash};
pub use note::{KeyKind, Note, NoteError, NoteSignature, NoteSigner, NoteVerifier};
pub use policy::{Policy, PolicyError};
pub use receipt::{CheckpointCache, RECEIPT_HEADER, Receipt, ReceiptError};
pub use tile::{ExpandedTile, TileId, TileKind, TileReader, TileSet, tiles_for_nodes};
pub use tree::{
    CompletedNode, Frontier, HashReader, MemoryTree, RecordingReader, TreeError, consistency_proof,
    consistency_proof_len, consistency_proof_nodes, inclusion_proof, inclusion_proof_len, inclusion_proof_nodes,
    range_hash, range_proof, range_proof_nodes, root_from_inclusion_proof, root_from_range_proof, tree_hash,
    tree_hash_nodes, verify_consistency, verify_inclusion, verify_range,
};
