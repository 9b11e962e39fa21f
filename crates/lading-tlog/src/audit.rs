//! Checking hash tiles downloaded from a log against its signed root, so
//! that a monitor can read any node of the tree from them and trust it.
//!
//! Every tile is bound to the root: a *full* tile's hashes roll up to one
//! hash of the tile above it (which is checked in turn), and the rightmost,
//! *partial* tile of each level is folded whole into the root, so a wrong
//! hash anywhere changes what the root computes to. A monitor therefore
//! asks for the tiles holding the nodes it needs *and their ancestors*
//! ([`tiles_with_ancestors`]), checks them with [`verify_tiles`], and reads
//! the old root, or a watched leaf, out of the verified [`TileSet`]: a
//! consistency proof made of tiles rather than of a proof the log chose.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::hash::Hash;
use crate::tile::{ExpandedTile, TILE_HEIGHT, TILE_WIDTH, TileId, TileKind, TileSet, subtree_hash_of, tiles_for_nodes};
use crate::tree::{TreeError, tree_hash, tree_hash_nodes};

/// Why downloaded tiles do not fit the signed tree.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AuditError {
    /// A tile has the wrong length or is not a hash tile of this tree.
    #[error("tile {tile}: {reason}")]
    BadTile {
        /// The tile's path.
        tile: String,
        /// What is wrong.
        reason: String,
    },
    /// A tile needed to check another, or the root, was not given.
    #[error("tile {0} is needed and was not given")]
    Missing(String),
    /// A full tile does not roll up to the hash its parent tile holds.
    #[error("tile {tile} does not match the hash tile {parent} holds for it: the log's tiles are not one tree")]
    ParentMismatch {
        /// The tile.
        tile: String,
        /// Its parent tile.
        parent: String,
    },
    /// The tiles compute to another root than the signed one.
    #[error("the tiles compute root {computed}, but the checkpoint of size {size} says {expected}")]
    RootMismatch {
        /// The tree size.
        size: u64,
        /// Root computed from the tiles.
        computed: Hash,
        /// Root in the checkpoint.
        expected: Hash,
    },
    /// Reading the tree from the tiles failed.
    #[error(transparent)]
    Tree(#[from] TreeError),
}

/// The hash tiles a tree of `size` leaves must serve so that `nodes`
/// (`(level, index)` of complete subtrees) can be read and every tile read
/// checked: the tiles holding them, the rightmost tile of every level (which
/// the root is made of) and, for each, the chain of tiles above it.
pub fn tiles_with_ancestors(nodes: &[(u8, u64)], size: u64) -> Vec<TileId> {
    let mut all: Vec<(u8, u64)> = nodes.to_vec();
    all.extend(tree_hash_nodes(size));
    let mut out = tiles_for_nodes(&all, size);
    let mut at = 0;
    while at < out.len() {
        let tile = out[at];
        if let (TileKind::Hashes(level), true) = (tile.kind, tile.is_full()) {
            let parent = TileId::for_node(level + 1, tile.index, size);
            if parent.width > 0 && !out.contains(&parent) {
                out.push(parent);
            }
        }
        at += 1;
    }
    out.sort();
    out
}

/// Checks `tiles` (path → bytes, as downloaded for a tree of `size` leaves)
/// against the signed `root` and returns them as a [`TileSet`] to read
/// nodes from. Every tile must be a hash tile of this tree at its width in
/// it; every full tile must roll up to the hash its parent tile holds; the
/// tiles must compute `root`.
pub fn verify_tiles(size: u64, root: &Hash, tiles: &BTreeMap<TileId, Vec<u8>>) -> Result<TileSet, AuditError> {
    let mut expanded = BTreeMap::new();
    for (&id, bytes) in tiles {
        let bad = |reason: String| AuditError::BadTile { tile: id.path(), reason };
        let TileKind::Hashes(level) = id.kind else {
            return Err(bad("an entry bundle is not a hash tile".into()));
        };
        if level >= 8 {
            return Err(bad("level above 7: beyond any tree of at most 2^64 entries".into()));
        }
        let want = TileId::for_node(level, id.index.saturating_mul(TILE_WIDTH), size);
        if want.width != id.width || want.width == 0 {
            return Err(bad(format!("a tree of size {size} has no such tile (its width there is {})", want.width)));
        }
        let tile = ExpandedTile::new(id, bytes).map_err(|e| bad(e.to_string()))?;
        expanded.insert(id, Arc::new(tile));
    }
    for (id, tile) in &expanded {
        let TileKind::Hashes(level) = id.kind else { continue };
        if !id.is_full() {
            continue;
        }
        let parent_id = TileId::for_node(level + 1, id.index, size);
        let parent = expanded.get(&parent_id).ok_or_else(|| AuditError::Missing(parent_id.path()))?;
        let held = parent.hashes().get((id.index % TILE_WIDTH) as usize);
        if held != Some(&subtree_hash_of(tile.hashes())) {
            return Err(AuditError::ParentMismatch { tile: id.path(), parent: parent_id.path() });
        }
    }
    let mut set = TileSet::new(size);
    for tile in expanded.into_values() {
        set.insert(tile);
    }
    // The rightmost tiles: folded whole into the root.
    let computed = tree_hash(&set, size).map_err(|e| match e {
        TreeError::Storage { level, index, .. } => {
            let first = index << (level % TILE_HEIGHT);
            AuditError::Missing(TileId::for_node(level / TILE_HEIGHT, first, size).path())
        }
        other => AuditError::Tree(other),
    })?;
    if computed != *root {
        return Err(AuditError::RootMismatch { size, computed, expected: *root });
    }
    Ok(set)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::{AuditError, tiles_with_ancestors, verify_tiles};
    use crate::hash::Hash;
    use crate::tile::{TILE_HEIGHT, TileId, TileKind};
    use crate::tree::{HashReader, MemoryTree, tree_hash};

    /// The bytes of hash tile `id` of `tree`.
    fn tile_bytes(tree: &MemoryTree, id: TileId) -> Vec<u8> {
        let TileKind::Hashes(level) = id.kind else { panic!("hash tile") };
        (0..u64::from(id.width))
            .flat_map(|i| tree.node_hash(level * TILE_HEIGHT, id.index * 256 + i).expect("node").0)
            .collect()
    }

    fn tree(size: u64, salt: &str) -> MemoryTree {
        let mut t = MemoryTree::new();
        for i in 0..size {
            t.push(format!("{salt}{i}").as_bytes());
        }
        t
    }

    fn download(t: &MemoryTree, ids: &[TileId]) -> BTreeMap<TileId, Vec<u8>> {
        ids.iter().map(|&id| (id, tile_bytes(t, id))).collect()
    }

    #[test]
    fn an_old_root_read_from_verified_tiles_proves_consistency() {
        for (old, new) in [(0, 1), (1, 1), (5, 300), (256, 257), (300, 70_000), (65_536, 65_537), (1000, 1000)] {
            let t = tree(new, "e");
            let ids = tiles_with_ancestors(&crate::tree::tree_hash_nodes(old), new);
            let set = verify_tiles(new, &t.root(), &download(&t, &ids)).expect("verifies");
            let old_root = tree_hash(&set, old).expect("old root");
            assert_eq!(old_root, tree(old, "e").root(), "{old} → {new}");
            // A fork: another history of the old size is not what the new tree holds.
            if old > 0 {
                assert_ne!(old_root, tree(old, "fork").root());
            }
        }
    }

    #[test]
    fn a_changed_hash_in_any_tile_is_caught() {
        let size = 70_000;
        let t = tree(size, "e");
        let ids = tiles_with_ancestors(&[(0, 12_345)], size);
        let good = download(&t, &ids);
        verify_tiles(size, &t.root(), &good).expect("verifies");
        for id in &ids {
            for position in [0, usize::from(id.width) - 1] {
                let mut bad = good.clone();
                bad.get_mut(id).expect("tile")[position * 32] ^= 1;
                let err = verify_tiles(size, &t.root(), &bad).expect_err("caught");
                assert!(
                    matches!(err, AuditError::ParentMismatch { .. } | AuditError::RootMismatch { .. }),
                    "{id}: {err}"
                );
            }
        }
        // A wrong root, a missing ancestor, a tile of the wrong width.
        assert!(matches!(verify_tiles(size, &Hash([1; 32]), &good), Err(AuditError::RootMismatch { .. })));
        let mut missing = good.clone();
        missing.remove(&TileId { kind: TileKind::Hashes(1), index: 0, width: 256 });
        assert!(matches!(verify_tiles(size, &t.root(), &missing), Err(AuditError::Missing(_))));
        let mut narrow = good;
        let id = TileId { kind: TileKind::Hashes(0), index: 48, width: 256 };
        let bytes = narrow.remove(&id).expect("tile");
        narrow.insert(TileId { width: 255, ..id }, bytes[..255 * 32].to_vec());
        assert!(matches!(verify_tiles(size, &t.root(), &narrow), Err(AuditError::BadTile { .. })));
    }

    #[test]
    fn an_empty_tree_needs_no_tiles() {
        assert!(tiles_with_ancestors(&[], 0).is_empty());
        let set = verify_tiles(0, &Hash::empty(), &BTreeMap::new()).expect("empty");
        assert_eq!(tree_hash(&set, 0).expect("root"), Hash::empty());
    }
}
