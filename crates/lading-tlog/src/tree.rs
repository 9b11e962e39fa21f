//! Merkle tree hashes, inclusion and consistency proofs (RFC 9162 §2.1),
//! over any storage that can read the hashes of complete subtrees.
//!
//! Edge cases follow transparency-dev/merkle, as the conformance vectors do:
//! a consistency proof from size 0 is an error (even `0 → 0`), and a proof
//! between equal sizes must be empty.

use std::error::Error as StdError;

use crate::hash::{Hash, leaf_hash, node_hash};

/// Reads stored hashes of *complete* subtrees.
///
/// `node_hash(level, index)` is the Merkle tree hash of leaves
/// `[index · 2^level, (index + 1) · 2^level)`. Every algorithm here only asks
/// for subtrees that are complete in the tree it works on.
pub trait HashReader {
    /// The hash of the complete subtree at `level` and `index`.
    fn node_hash(&self, level: u8, index: u64) -> Result<Hash, TreeError>;
}

/// Why a tree operation or proof check failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TreeError {
    /// An index is not below the tree size.
    #[error("index {index} is not below the tree size {size}")]
    IndexOutOfRange {
        /// The index asked for.
        index: u64,
        /// The tree size.
        size: u64,
    },
    /// The sizes of a consistency proof are not `0 < old ≤ new`.
    #[error("cannot prove consistency from size {old} to size {new}")]
    BadSizes {
        /// Old size.
        old: u64,
        /// New size.
        new: u64,
    },
    /// A proof has the wrong number of hashes for its sizes.
    #[error("proof has {found} hashes; sizes require {expected}")]
    WrongProofLength {
        /// Hashes found.
        found: usize,
        /// Hashes required.
        expected: usize,
    },
    /// A proof does not lead to the expected root.
    #[error("proof does not match: computed root {computed:?}, expected {expected:?}")]
    RootMismatch {
        /// What the proof computes.
        computed: Hash,
        /// What the checkpoint says.
        expected: Hash,
    },
    /// The storage could not provide a hash.
    #[error("cannot read node (level {level}, index {index}): {source}")]
    Storage {
        /// Node level.
        level: u8,
        /// Node index.
        index: u64,
        /// The backend's error.
        source: Box<dyn StdError + Send + Sync>,
    },
}

/// The complete subtrees `(level, index)` that make up `[lo, hi)`, left to right.
///
/// `lo` must be a multiple of a power of two at least `hi - lo`, which holds
/// for every range RFC 9162 proofs use; the result's sizes then strictly
/// decrease and folding them from the right gives the range's tree hash.
fn range_nodes(lo: u64, hi: u64) -> Vec<(u8, u64)> {
    let mut out = Vec::new();
    let mut at = lo;
    while at < hi {
        let mut level = if at == 0 { 63 } else { at.trailing_zeros().min(63) as u8 };
        while level > 0 && (hi - at) < (1u64 << level) {
            level -= 1;
        }
        out.push((level, at >> level));
        at += 1u64 << level;
    }
    out
}

/// The Merkle tree hash of leaves `[lo, hi)` (with `lo < hi`).
pub fn range_hash<R: HashReader + ?Sized>(reader: &R, lo: u64, hi: u64) -> Result<Hash, TreeError> {
    let nodes = range_nodes(lo, hi);
    let mut iter = nodes.iter().rev();
    let Some(&(level, index)) = iter.next() else { return Ok(Hash::empty()) };
    let mut acc = reader.node_hash(level, index)?;
    for &(level, index) in iter {
        acc = node_hash(&reader.node_hash(level, index)?, &acc);
    }
    Ok(acc)
}

/// The root hash of the tree of `size` leaves.
pub fn tree_hash<R: HashReader + ?Sized>(reader: &R, size: u64) -> Result<Hash, TreeError> {
    if size == 0 { Ok(Hash::empty()) } else { range_hash(reader, 0, size) }
}

/// The largest power of two strictly below `n` (for `n ≥ 2`).
fn split_point(n: u64) -> u64 {
    1u64 << (63 - (n - 1).leading_zeros())
}

/// The inclusion proof of leaf `index` in the tree of `size` leaves
/// (RFC 9162 §2.1.3.1), from the leaf's sibling up.
pub fn inclusion_proof<R: HashReader + ?Sized>(reader: &R, index: u64, size: u64) -> Result<Vec<Hash>, TreeError> {
    if index >= size {
        return Err(TreeError::IndexOutOfRange { index, size });
    }
    let mut top_down = Vec::new();
    let (mut lo, mut hi) = (0u64, size);
    while hi - lo > 1 {
        let k = split_point(hi - lo);
        if index < lo + k {
            top_down.push(range_hash(reader, lo + k, hi)?);
            hi = lo + k;
        } else {
            top_down.push(range_hash(reader, lo, lo + k)?);
            lo += k;
        }
    }
    top_down.reverse();
    Ok(top_down)
}

/// The consistency proof from size `old` to size `new` (RFC 9162 §2.1.4.1).
pub fn consistency_proof<R: HashReader + ?Sized>(reader: &R, old: u64, new: u64) -> Result<Vec<Hash>, TreeError> {
    if old == 0 || old > new {
        return Err(TreeError::BadSizes { old, new });
    }
    let mut top_down = Vec::new();
    let (mut lo, mut hi, mut m, mut complete) = (0u64, new, old, true);
    loop {
        let n = hi - lo;
        if m == n {
            if !complete {
                top_down.push(range_hash(reader, lo, hi)?);
            }
            break;
        }
        let k = split_point(n);
        if m <= k {
            top_down.push(range_hash(reader, lo + k, hi)?);
            hi = lo + k;
        } else {
            top_down.push(range_hash(reader, lo, lo + k)?);
            lo += k;
            m -= k;
            complete = false;
        }
    }
    top_down.reverse();
    Ok(top_down)
}

/// Checks that `leaf` is leaf `index` of the tree of `size` leaves with root `root`.
pub fn verify_inclusion(leaf: &Hash, index: u64, size: u64, proof: &[Hash], root: &Hash) -> Result<(), TreeError> {
    let computed = root_from_inclusion_proof(leaf, index, size, proof)?;
    if computed == *root { Ok(()) } else { Err(TreeError::RootMismatch { computed, expected: *root }) }
}

/// The root an inclusion proof leads to (RFC 9162 §2.1.3.2).
pub fn root_from_inclusion_proof(leaf: &Hash, index: u64, size: u64, proof: &[Hash]) -> Result<Hash, TreeError> {
    if index >= size {
        return Err(TreeError::IndexOutOfRange { index, size });
    }
    let expected = inclusion_proof_len(index, size);
    if proof.len() != expected {
        return Err(TreeError::WrongProofLength { found: proof.len(), expected });
    }
    let (mut fnode, mut snode) = (index, size - 1);
    let mut r = *leaf;
    for p in proof {
        if fnode & 1 == 1 || fnode == snode {
            r = node_hash(p, &r);
            while fnode & 1 == 0 && fnode != 0 {
                fnode >>= 1;
                snode >>= 1;
            }
        } else {
            r = node_hash(&r, p);
        }
        fnode >>= 1;
        snode >>= 1;
    }
    Ok(r)
}

/// Number of hashes in the inclusion proof of `index` in a tree of `size`.
pub fn inclusion_proof_len(index: u64, size: u64) -> usize {
    let (mut lo, mut hi, mut len) = (0u64, size, 0usize);
    while hi - lo > 1 {
        let k = split_point(hi - lo);
        if index < lo + k {
            hi = lo + k
        } else {
            lo += k
        }
        len += 1;
    }
    len
}

/// Checks that the tree of size `old` with root `old_root` is a prefix of the
/// tree of size `new` with root `new_root` (RFC 9162 §2.1.4.2).
pub fn verify_consistency(
    old: u64,
    new: u64,
    proof: &[Hash],
    old_root: &Hash,
    new_root: &Hash,
) -> Result<(), TreeError> {
    if old == 0 || old > new {
        return Err(TreeError::BadSizes { old, new });
    }
    if old == new {
        if !proof.is_empty() {
            return Err(TreeError::WrongProofLength { found: proof.len(), expected: 0 });
        }
        return if old_root == new_root {
            Ok(())
        } else {
            Err(TreeError::RootMismatch { computed: *old_root, expected: *new_root })
        };
    }
    let expected = consistency_proof_len(old, new);
    if proof.len() != expected {
        return Err(TreeError::WrongProofLength { found: proof.len(), expected });
    }
    let mut path: Vec<Hash> = Vec::with_capacity(proof.len() + 1);
    if old.is_power_of_two() {
        path.push(*old_root);
    }
    path.extend_from_slice(proof);
    let (mut fnode, mut snode) = (old - 1, new - 1);
    while fnode & 1 == 1 {
        fnode >>= 1;
        snode >>= 1;
    }
    let (mut fr, mut sr) = (path[0], path[0]);
    for c in &path[1..] {
        if snode == 0 {
            return Err(TreeError::WrongProofLength { found: proof.len(), expected });
        }
        if fnode & 1 == 1 || fnode == snode {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            while fnode & 1 == 0 && fnode != 0 {
                fnode >>= 1;
                snode >>= 1;
            }
        } else {
            sr = node_hash(&sr, c);
        }
        fnode >>= 1;
        snode >>= 1;
    }
    if fr != *old_root {
        return Err(TreeError::RootMismatch { computed: fr, expected: *old_root });
    }
    if sr != *new_root {
        return Err(TreeError::RootMismatch { computed: sr, expected: *new_root });
    }
    Ok(())
}

/// Number of hashes in the consistency proof from `old` to `new` (`0 < old < new`).
pub fn consistency_proof_len(old: u64, new: u64) -> usize {
    let (mut lo, mut hi, mut m, mut complete, mut len) = (0u64, new, old, true, 0usize);
    loop {
        let n = hi - lo;
        if m == n {
            return len + usize::from(!complete);
        }
        let k = split_point(n);
        if m <= k {
            hi = lo + k;
        } else {
            lo += k;
            m -= k;
            complete = false;
        }
        len += 1;
    }
}

/// The right edge of a tree: the roots of its maximal complete subtrees,
/// one per set bit of the size. Appending a leaf costs one hash amortised
/// per level merged and reports every subtree it completes, which is what a
/// log needs to write its tiles.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Frontier {
    size: u64,
    /// Subtree roots from the largest (leftmost) to the smallest.
    roots: Vec<Hash>,
}

/// A complete subtree formed by an append.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CompletedNode {
    /// Its level (0 = a leaf).
    pub level: u8,
    /// Its index at that level.
    pub index: u64,
    /// Its hash.
    pub hash: Hash,
}

impl Frontier {
    /// The frontier of the empty tree.
    pub fn new() -> Self {
        Self::default()
    }

    /// Rebuilds a frontier from stored subtree roots (largest first).
    ///
    /// Returns `None` when the number of roots does not match `size`.
    pub fn from_parts(size: u64, roots: Vec<Hash>) -> Option<Self> {
        (roots.len() == size.count_ones() as usize).then_some(Self { size, roots })
    }

    /// Reads the frontier of a tree of `size` leaves from storage.
    pub fn from_reader<R: HashReader + ?Sized>(reader: &R, size: u64) -> Result<Self, TreeError> {
        let roots = range_nodes(0, size)
            .into_iter()
            .map(|(level, index)| reader.node_hash(level, index))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self { size, roots })
    }

    /// Number of leaves.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The subtree roots, largest first.
    pub fn roots(&self) -> &[Hash] {
        &self.roots
    }

    /// Appends the leaf with hash `leaf`, calling `completed` for the leaf
    /// and every subtree the append completes, lowest level first.
    pub fn append(&mut self, leaf: Hash, mut completed: impl FnMut(CompletedNode)) {
        let index = self.size;
        completed(CompletedNode { level: 0, index, hash: leaf });
        let mut hash = leaf;
        let mut level = 0u8;
        // Each trailing one bit of the old size is a subtree of the same
        // height waiting on its right sibling.
        while (index >> level) & 1 == 1 {
            // The frontier holds one root per set bit; its last is the smallest.
            let left = self.roots.pop().unwrap_or_default();
            hash = node_hash(&left, &hash);
            level += 1;
            completed(CompletedNode { level, index: index >> level, hash });
        }
        self.roots.push(hash);
        self.size += 1;
    }

    /// Appends an entry (hashing it as a leaf).
    pub fn append_entry(&mut self, entry: &[u8], completed: impl FnMut(CompletedNode)) -> Hash {
        let leaf = leaf_hash(entry);
        self.append(leaf, completed);
        leaf
    }

    /// The root hash of the tree.
    pub fn root(&self) -> Hash {
        let mut iter = self.roots.iter().rev();
        let Some(last) = iter.next() else { return Hash::empty() };
        iter.fold(*last, |acc, left| node_hash(left, &acc))
    }
}

/// A tree held in memory: every level of complete subtrees. For tests,
/// tools and small logs; stores implement [`HashReader`] over their tiles.
#[derive(Debug, Clone, Default)]
pub struct MemoryTree {
    levels: Vec<Vec<Hash>>,
    frontier: Frontier,
}

impl MemoryTree {
    /// An empty tree.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends an entry; returns its index.
    pub fn push(&mut self, entry: &[u8]) -> u64 {
        self.push_leaf_hash(leaf_hash(entry))
    }

    /// Appends a leaf by its hash; returns its index.
    pub fn push_leaf_hash(&mut self, leaf: Hash) -> u64 {
        let index = self.frontier.size();
        let levels = &mut self.levels;
        self.frontier.append(leaf, |node| {
            let level = usize::from(node.level);
            if levels.len() <= level {
                levels.resize_with(level + 1, Vec::new);
            }
            levels[level].push(node.hash);
        });
        index
    }

    /// Number of leaves.
    pub fn size(&self) -> u64 {
        self.frontier.size()
    }

    /// The current root.
    pub fn root(&self) -> Hash {
        self.frontier.root()
    }
}

impl HashReader for MemoryTree {
    fn node_hash(&self, level: u8, index: u64) -> Result<Hash, TreeError> {
        self.levels
            .get(usize::from(level))
            .and_then(|l| usize::try_from(index).ok().and_then(|i| l.get(i)))
            .copied()
            .ok_or_else(|| TreeError::Storage { level, index, source: "no such complete subtree".into() })
    }
}

/// A proof that given entries are exactly leaves `[start, end)` of the tree
/// of `size` leaves: the Merkle tree hashes of the parts of the tree outside
/// the range, in the order the RFC 9162 tree hash visits them. With the
/// range's leaf hashes it recomputes the root, so nothing in the range can
/// be removed, inserted, reordered or altered.
pub fn range_proof<R: HashReader + ?Sized>(
    reader: &R,
    start: u64,
    end: u64,
    size: u64,
) -> Result<Vec<Hash>, TreeError> {
    if start >= end || end > size {
        return Err(TreeError::BadSizes { old: start, new: end });
    }
    let mut out = Vec::new();
    range_proof_walk(reader, 0, size, start, end, &mut out)?;
    Ok(out)
}

fn range_proof_walk<R: HashReader + ?Sized>(
    reader: &R,
    lo: u64,
    hi: u64,
    start: u64,
    end: u64,
    out: &mut Vec<Hash>,
) -> Result<(), TreeError> {
    if hi <= start || lo >= end {
        out.push(range_hash(reader, lo, hi)?);
        return Ok(());
    }
    if start <= lo && hi <= end {
        return Ok(());
    }
    let k = split_point(hi - lo);
    range_proof_walk(reader, lo, lo + k, start, end, out)?;
    range_proof_walk(reader, lo + k, hi, start, end, out)
}

/// The root that leaves `[start, start + leaves.len())` and a range proof
/// give for a tree of `size` leaves.
pub fn root_from_range_proof(start: u64, leaves: &[Hash], size: u64, proof: &[Hash]) -> Result<Hash, TreeError> {
    let end = start + leaves.len() as u64;
    if leaves.is_empty() || end > size {
        return Err(TreeError::BadSizes { old: start, new: end });
    }
    let mut proof_iter = proof.iter();
    let root = range_root_walk(0, size, start, leaves, &mut proof_iter)?;
    if proof_iter.next().is_some() {
        return Err(TreeError::WrongProofLength { found: proof.len(), expected: proof.len() - proof_iter.count() - 1 });
    }
    Ok(root)
}

fn range_root_walk(
    lo: u64,
    hi: u64,
    start: u64,
    leaves: &[Hash],
    proof: &mut std::slice::Iter<'_, Hash>,
) -> Result<Hash, TreeError> {
    let end = start + leaves.len() as u64;
    if hi <= start || lo >= end {
        return proof.next().copied().ok_or(TreeError::WrongProofLength { found: 0, expected: 1 });
    }
    if hi - lo == 1 {
        return Ok(leaves[(lo - start) as usize]);
    }
    let k = split_point(hi - lo);
    let left = range_root_walk(lo, lo + k, start, leaves, proof)?;
    let right = range_root_walk(lo + k, hi, start, leaves, proof)?;
    Ok(node_hash(&left, &right))
}

/// Checks that `leaves` are exactly leaves `[start, start + leaves.len())`
/// of the tree of `size` leaves with root `root`.
pub fn verify_range(start: u64, leaves: &[Hash], size: u64, proof: &[Hash], root: &Hash) -> Result<(), TreeError> {
    let computed = root_from_range_proof(start, leaves, size, proof)?;
    if computed == *root { Ok(()) } else { Err(TreeError::RootMismatch { computed, expected: *root }) }
}

/// The nodes a range proof reads.
pub fn range_proof_nodes(start: u64, end: u64, size: u64) -> Result<Vec<(u8, u64)>, TreeError> {
    let r = RecordingReader::default();
    range_proof(&r, start, end, size)?;
    Ok(r.into_nodes())
}

/// A [`HashReader`] that records which nodes an algorithm reads and answers
/// with placeholder hashes: the way to learn which tiles a proof needs before
/// fetching them from asynchronous storage.
#[derive(Debug, Default)]
pub struct RecordingReader {
    nodes: std::cell::RefCell<Vec<(u8, u64)>>,
}

impl RecordingReader {
    /// The nodes read so far.
    pub fn into_nodes(self) -> Vec<(u8, u64)> {
        self.nodes.into_inner()
    }
}

impl HashReader for RecordingReader {
    fn node_hash(&self, level: u8, index: u64) -> Result<Hash, TreeError> {
        self.nodes.borrow_mut().push((level, index));
        Ok(Hash::default())
    }
}

/// The nodes the inclusion proof of `index` in a tree of `size` reads.
pub fn inclusion_proof_nodes(index: u64, size: u64) -> Result<Vec<(u8, u64)>, TreeError> {
    let r = RecordingReader::default();
    inclusion_proof(&r, index, size)?;
    Ok(r.into_nodes())
}

/// The nodes the consistency proof from `old` to `new` reads.
pub fn consistency_proof_nodes(old: u64, new: u64) -> Result<Vec<(u8, u64)>, TreeError> {
    let r = RecordingReader::default();
    consistency_proof(&r, old, new)?;
    Ok(r.into_nodes())
}

/// The nodes the root hash of a tree of `size` reads.
pub fn tree_hash_nodes(size: u64) -> Vec<(u8, u64)> {
    range_nodes(0, size)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_points() {
        assert_eq!(split_point(2), 1);
        assert_eq!(split_point(3), 2);
        assert_eq!(split_point(4), 2);
        assert_eq!(split_point(5), 4);
        assert_eq!(split_point(1 << 40), 1 << 39);
    }

    #[test]
    fn frontier_root_matches_range_hash_for_every_size() {
        let mut tree = MemoryTree::new();
        for i in 0..300u32 {
            tree.push(&i.to_be_bytes());
            let size = tree.size();
            assert_eq!(tree.root(), tree_hash(&tree, size).expect("hash"), "size {size}");
            assert_eq!(Frontier::from_reader(&tree, size).expect("frontier").root(), tree.root());
        }
    }

    #[test]
    fn range_proofs_verify_and_catch_every_change() {
        let mut tree = MemoryTree::new();
        for i in 0..70u32 {
            tree.push(&i.to_le_bytes());
        }
        for size in [1u64, 2, 7, 8, 33, 70] {
            let root = tree_hash(&tree, size).expect("root");
            for start in 0..size {
                for end in start + 1..=size {
                    let proof = range_proof(&tree, start, end, size).expect("proof");
                    let leaves: Vec<Hash> = (start..end).map(|i| tree.node_hash(0, i).expect("leaf")).collect();
                    verify_range(start, &leaves, size, &proof, &root).expect("verifies");
                    if leaves.len() > 1 {
                        let mut removed = leaves.clone();
                        removed.remove(0);
                        assert!(verify_range(start + 1, &removed[..removed.len() - 1], size, &proof, &root).is_err());
                        let mut swapped = leaves.clone();
                        swapped.swap(0, 1);
                        assert!(verify_range(start, &swapped, size, &proof, &root).is_err());
                    }
                    let mut edited = leaves.clone();
                    edited[0].0[0] ^= 1;
                    assert!(verify_range(start, &edited, size, &proof, &root).is_err());
                    let mut shifted = leaves.clone();
                    shifted.push(leaf_hash(b"inserted"));
                    assert!(verify_range(start, &shifted, size, &proof, &root).is_err());
                }
            }
        }
    }

    #[test]
    fn every_proof_of_small_trees_verifies() {
        let mut tree = MemoryTree::new();
        let mut roots = vec![Hash::empty()];
        for i in 0..70u32 {
            tree.push(&i.to_le_bytes());
            roots.push(tree.root());
        }
        for size in 1..=70u64 {
            for index in 0..size {
                let proof = inclusion_proof(&tree, index, size).expect("proof");
                let leaf = tree.node_hash(0, index).expect("leaf");
                verify_inclusion(&leaf, index, size, &proof, &roots[size as usize]).expect("verifies");
            }
            for old in 1..=size {
                let proof = consistency_proof(&tree, old, size).expect("proof");
                assert_eq!(proof.len(), if old == size { 0 } else { consistency_proof_len(old, size) });
                verify_consistency(old, size, &proof, &roots[old as usize], &roots[size as usize]).expect("consistent");
            }
        }
    }
}
