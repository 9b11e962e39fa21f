//! C2SP tlog-tiles: tile coordinates and paths, partial tiles, entry
//! bundles, and reading tree hashes out of tiles.
//!
//! A tile at level `L` and index `N` holds up to 256 consecutive hashes of
//! complete subtrees of height `8L`; the levels in between are recomputed by
//! hashing within the tile.

use std::fmt;

use crate::hash::{Hash, node_hash};
use crate::tree::{HashReader, TreeError};

/// Tile height: every tile spans 8 tree levels (256 hashes).
pub const TILE_HEIGHT: u8 = 8;
/// Hashes in a full tile.
pub const TILE_WIDTH: u64 = 256;
/// Bytes in a full tile.
pub const FULL_TILE_BYTES: usize = 256 * 32;
/// The largest entry a bundle can hold (uint16 length prefix).
pub const MAX_ENTRY_BYTES: usize = u16::MAX as usize;

/// Which kind of resource a tile path names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TileKind {
    /// A hash tile at a level (0–63).
    Hashes(u8),
    /// An entry bundle (`tile/entries/…`).
    Entries,
}

/// A tile or entry bundle: kind, index and width (1–256; 256 = full).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TileId {
    /// Hash level or entry bundle.
    pub kind: TileKind,
    /// Index within the level.
    pub index: u64,
    /// Number of hashes or entries, 1–256.
    pub width: u16,
}

/// Why a path is not a tile path.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a tlog-tiles path {path:?}: {reason}")]
pub struct TilePathError {
    /// The path.
    pub path: String,
    /// What is wrong.
    pub reason: &'static str,
}

impl TileId {
    /// Whether the tile is full (256 wide).
    pub fn is_full(&self) -> bool {
        u64::from(self.width) == TILE_WIDTH
    }

    /// The path under the log prefix, e.g. `tile/0/x001/234.p/5`.
    pub fn path(&self) -> String {
        let level = match self.kind {
            TileKind::Hashes(l) => l.to_string(),
            TileKind::Entries => "entries".to_owned(),
        };
        let mut path = format!("tile/{level}/{}", encode_index(self.index));
        if !self.is_full() {
            path.push_str(&format!(".p/{}", self.width));
        }
        path
    }

    /// Parses a path as written by [`TileId::path`], strictly.
    pub fn parse_path(path: &str) -> Result<Self, TilePathError> {
        let err = |reason| TilePathError { path: path.chars().take(200).collect(), reason };
        let rest = path.strip_prefix("tile/").ok_or_else(|| err("does not start with tile/"))?;
        let (level, rest) = rest.split_once('/').ok_or_else(|| err("no index"))?;
        let kind = if level == "entries" {
            TileKind::Entries
        } else {
            let l = parse_decimal(level).ok_or_else(|| err("level is not a decimal without leading zeroes"))?;
            if l > 63 {
                return Err(err("level above 63"));
            }
            TileKind::Hashes(l as u8)
        };
        let (index_part, width) = match rest.split_once(".p/") {
            Some((index_part, w)) => {
                let w = parse_decimal(w).ok_or_else(|| err("width is not a decimal without leading zeroes"))?;
                if !(1..=255).contains(&w) {
                    return Err(err("partial width outside 1–255"));
                }
                (index_part, w as u16)
            }
            None => (rest, TILE_WIDTH as u16),
        };
        let index = decode_index(index_part).ok_or_else(|| err("index is not x-prefixed 3-digit groups"))?;
        // A tile covers 256 entries or nodes: one at 2^56 or past it would
        // start beyond any tree of at most 2^64 entries (and `index · 256`
        // overflows). Refused here, before anyone computes with it.
        if index >= 1 << 56 {
            return Err(err("index at or past 2^56: beyond any tree of at most 2^64 entries"));
        }
        Ok(TileId { kind, index, width })
    }

    /// The hash tile at `level` holding tree-hash level `8·level` node `node_index`,
    /// as it stands in a tree of `size` leaves.
    pub fn for_node(level: u8, node_index: u64, size: u64) -> Self {
        let index = node_index / TILE_WIDTH;
        TileId { kind: TileKind::Hashes(level), index, width: width_at(level, index, size) }
    }
}

impl fmt::Display for TileId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.path())
    }
}

fn parse_decimal(s: &str) -> Option<u64> {
    let canonical = !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) && (s == "0" || !s.starts_with('0'));
    if canonical { s.parse().ok() } else { None }
}

fn encode_index(mut n: u64) -> String {
    let mut parts = vec![format!("{:03}", n % 1000)];
    while n >= 1000 {
        n /= 1000;
        parts.push(format!("x{:03}", n % 1000));
    }
    parts.reverse();
    parts.join("/")
}

fn decode_index(s: &str) -> Option<u64> {
    let parts: Vec<&str> = s.split('/').collect();
    let (last, init) = parts.split_last()?;
    let mut n: u64 = 0;
    for (i, part) in init.iter().chain(std::iter::once(last)).enumerate() {
        let digits = if i < init.len() { part.strip_prefix('x')? } else { part };
        if digits.len() != 3 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        n = n.checked_mul(1000)?.checked_add(digits.parse::<u64>().ok()?)?;
    }
    // Leading zero groups would give two paths for one index.
    if init.first().is_some_and(|first| *first == "x000") {
        return None;
    }
    Some(n)
}

/// Width of hash tile `index` at `level` in a tree of `size` leaves (0 if absent).
fn width_at(level: u8, index: u64, size: u64) -> u16 {
    let hashes_at_level = size.checked_shr(u32::from(level) * 8).unwrap_or(0);
    let start = index * TILE_WIDTH;
    hashes_at_level.saturating_sub(start).min(TILE_WIDTH) as u16
}

/// Every hash tile and entry bundle a tree of `size` leaves has, full and partial.
pub fn tiles_for_size(size: u64) -> Vec<TileId> {
    let mut out = Vec::new();
    for level in 0..=63u8 {
        let count = size.checked_shr(u32::from(level) * 8).unwrap_or(0);
        if count == 0 {
            break;
        }
        for index in 0..count.div_ceil(TILE_WIDTH) {
            out.push(TileId { kind: TileKind::Hashes(level), index, width: width_at(level, index, size) });
        }
    }
    for index in 0..size.div_ceil(TILE_WIDTH) {
        out.push(TileId { kind: TileKind::Entries, index, width: width_at(0, index, size) });
    }
    out
}

/// The tiles and bundles that change when the tree grows from `old` to `new`
/// leaves: for each level, every tile from the one holding the old edge to
/// the one holding the new edge, at its new width.
pub fn tiles_to_write(old: u64, new: u64) -> Vec<TileId> {
    let mut out = Vec::new();
    for level in 0..=63u8 {
        let (old_count, new_count) =
            (old.checked_shr(u32::from(level) * 8).unwrap_or(0), new.checked_shr(u32::from(level) * 8).unwrap_or(0));
        if new_count == 0 {
            break;
        }
        for index in old_count / TILE_WIDTH..new_count.div_ceil(TILE_WIDTH) {
            let width = width_at(level, index, new);
            let old_width = width_at(level, index, old);
            if width > old_width {
                out.push(TileId { kind: TileKind::Hashes(level), index, width });
                if level == 0 {
                    out.push(TileId { kind: TileKind::Entries, index, width });
                }
            }
        }
    }
    out
}

/// Reads tile contents; stores implement it over files or tables.
pub trait TileReader {
    /// The bytes of `tile` (`32 · width` bytes for hash tiles).
    fn read_tile(&self, tile: TileId) -> Result<Vec<u8>, TreeError>;
}

/// A [`HashReader`] over the tiles of a tree of a given size.
pub struct TileHashReader<'a, T: TileReader + ?Sized> {
    size: u64,
    tiles: &'a T,
}

impl<'a, T: TileReader + ?Sized> TileHashReader<'a, T> {
    /// Reads hashes of the tree of `size` leaves from `tiles`.
    pub fn new(size: u64, tiles: &'a T) -> Self {
        Self { size, tiles }
    }
}

/// The Merkle tree hash of a run of consecutive, aligned, complete subtree
/// hashes whose count is a power of two.
pub fn subtree_hash_of(hashes: &[Hash]) -> Hash {
    match hashes.len() {
        0 => Hash::empty(),
        1 => hashes[0],
        n => {
            let half = n / 2;
            node_hash(&subtree_hash_of(&hashes[..half]), &subtree_hash_of(&hashes[half..]))
        }
    }
}

/// Splits tile bytes into hashes, checking the length against the width.
pub fn tile_hashes(tile: TileId, bytes: &[u8]) -> Result<Vec<Hash>, TreeError> {
    if bytes.len() != usize::from(tile.width) * 32 {
        return Err(TreeError::Storage {
            level: match tile.kind {
                TileKind::Hashes(l) => l * TILE_HEIGHT,
                TileKind::Entries => 0,
            },
            index: tile.index,
            source: format!("tile {tile} has {} bytes, expected {}", bytes.len(), usize::from(tile.width) * 32).into(),
        });
    }
    Ok(bytes.chunks_exact(32).map(|c| Hash(c.try_into().unwrap_or([0; 32]))).collect())
}

impl<T: TileReader + ?Sized> HashReader for TileHashReader<'_, T> {
    fn node_hash(&self, level: u8, index: u64) -> Result<Hash, TreeError> {
        let end = index.checked_add(1).and_then(|e| e.checked_shl(u32::from(level)));
        if level > 63 || end.is_none_or(|e| e > self.size) {
            return Err(TreeError::Storage {
                level,
                index,
                source: format!("not a complete subtree of a tree of size {}", self.size).into(),
            });
        }
        let tile_level = level / TILE_HEIGHT;
        let within = level % TILE_HEIGHT;
        // The node covers 2^within consecutive hashes of the tile's level.
        let first = index << within;
        let tile = TileId::for_node(tile_level, first, self.size);
        let hashes = tile_hashes(tile, &self.tiles.read_tile(tile)?)?;
        let offset = (first % TILE_WIDTH) as usize;
        let count = 1usize << within;
        let slice = hashes.get(offset..offset + count).ok_or_else(|| TreeError::Storage {
            level,
            index,
            source: format!("tile {tile} is too narrow").into(),
        })?;
        Ok(subtree_hash_of(slice))
    }
}

/// A hash tile with every level inside it computed: `levels[0]` are the
/// tile's hashes, `levels[k]` the hashes of its complete aligned runs of
/// `2^k` of them. Reading any node inside the tile is then a lookup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpandedTile {
    id: TileId,
    levels: Vec<Vec<Hash>>,
}

impl ExpandedTile {
    /// Expands a tile from its bytes (`32 · width`).
    pub fn new(id: TileId, bytes: &[u8]) -> Result<Self, TreeError> {
        Ok(Self::from_hashes(id, tile_hashes(id, bytes)?))
    }

    /// Expands a tile from its hashes.
    pub fn from_hashes(id: TileId, hashes: Vec<Hash>) -> Self {
        let mut levels = vec![hashes];
        while let Some(last) = levels.last() {
            if last.len() < 2 {
                break;
            }
            let next: Vec<Hash> = last.chunks_exact(2).map(|p| node_hash(&p[0], &p[1])).collect();
            levels.push(next);
        }
        Self { id, levels }
    }

    /// The tile.
    pub fn id(&self) -> TileId {
        self.id
    }

    /// The tile's own hashes.
    pub fn hashes(&self) -> &[Hash] {
        &self.levels[0]
    }

    /// The hash `within` levels above the tile's base, at `offset` in that level.
    pub fn node(&self, within: u8, offset: usize) -> Option<Hash> {
        self.levels.get(usize::from(within)).and_then(|l| l.get(offset)).copied()
    }
}

/// The tiles holding `nodes` in a tree of `size` leaves.
pub fn tiles_for_nodes(nodes: &[(u8, u64)], size: u64) -> Vec<TileId> {
    let mut out: Vec<TileId> = nodes
        .iter()
        .map(|&(level, index)| TileId::for_node(level / TILE_HEIGHT, index << (level % TILE_HEIGHT), size))
        .collect();
    out.sort();
    out.dedup();
    out
}

/// A [`HashReader`] over a set of expanded tiles of a tree of `size` leaves.
#[derive(Debug, Clone, Default)]
pub struct TileSet {
    size: u64,
    tiles: std::collections::HashMap<TileId, std::sync::Arc<ExpandedTile>>,
}

impl TileSet {
    /// An empty set for a tree of `size` leaves.
    pub fn new(size: u64) -> Self {
        Self { size, tiles: Default::default() }
    }

    /// Adds a tile.
    pub fn insert(&mut self, tile: std::sync::Arc<ExpandedTile>) {
        self.tiles.insert(tile.id(), tile);
    }
}

impl HashReader for TileSet {
    fn node_hash(&self, level: u8, index: u64) -> Result<Hash, TreeError> {
        let missing = |why: String| TreeError::Storage { level, index, source: why.into() };
        let first =
            index.checked_shl(u32::from(level % TILE_HEIGHT)).ok_or_else(|| missing("index overflow".into()))?;
        let id = TileId::for_node(level / TILE_HEIGHT, first, self.size);
        let tile = self.tiles.get(&id).ok_or_else(|| missing(format!("tile {id} not loaded")))?;
        let offset = ((first % TILE_WIDTH) >> (level % TILE_HEIGHT)) as usize;
        tile.node(level % TILE_HEIGHT, offset).ok_or_else(|| missing(format!("tile {id} does not hold it")))
    }
}

/// Encodes entries as a bundle: each a big-endian uint16 length, then the bytes.
pub fn encode_bundle<'a>(entries: impl IntoIterator<Item = &'a [u8]>) -> Result<Vec<u8>, BundleError> {
    let mut out = Vec::new();
    for (i, e) in entries.into_iter().enumerate() {
        let len = u16::try_from(e.len()).map_err(|_| BundleError::EntryTooLarge { index: i, len: e.len() })?;
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(e);
    }
    Ok(out)
}

/// Why an entry bundle is malformed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BundleError {
    /// An entry is over 65,535 bytes.
    #[error("entry {index} is {len} bytes; entries are at most 65535 bytes")]
    EntryTooLarge {
        /// Position in the bundle.
        index: usize,
        /// Its length.
        len: usize,
    },
    /// The bundle ends inside an entry.
    #[error("bundle truncated inside entry {index}")]
    Truncated {
        /// Position in the bundle.
        index: usize,
    },
    /// The bundle holds a different number of entries than its width.
    #[error("bundle holds {found} entries, expected {expected}")]
    WrongCount {
        /// Entries found.
        found: usize,
        /// Entries expected.
        expected: usize,
    },
}

/// Splits a bundle into its entries, checking it holds exactly `expected`.
pub fn decode_bundle(bytes: &[u8], expected: usize) -> Result<Vec<&[u8]>, BundleError> {
    let out = decode_bundle_prefix(bytes)?;
    if out.len() != expected {
        return Err(BundleError::WrongCount { found: out.len(), expected });
    }
    Ok(out)
}

/// Splits a bundle into all its entries, however many.
pub fn decode_bundle_prefix(bytes: &[u8]) -> Result<Vec<&[u8]>, BundleError> {
    let mut out = Vec::new();
    let mut rest = bytes;
    while !rest.is_empty() {
        let index = out.len();
        let (len, tail) = rest.split_at_checked(2).ok_or(BundleError::Truncated { index })?;
        let len = usize::from(u16::from_be_bytes([len[0], len[1]]));
        let (entry, tail) = tail.split_at_checked(len).ok_or(BundleError::Truncated { index })?;
        out.push(entry);
        rest = tail;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_follow_the_spec_examples() {
        let t = TileId { kind: TileKind::Hashes(0), index: 1_234_067, width: 256 };
        assert_eq!(t.path(), "tile/0/x001/x234/067");
        let p = TileId { kind: TileKind::Entries, index: 5, width: 17 };
        assert_eq!(p.path(), "tile/entries/005.p/17");
        for tile in [t, p, TileId { kind: TileKind::Hashes(63), index: (1 << 56) - 1, width: 1 }] {
            assert_eq!(TileId::parse_path(&tile.path()), Ok(tile));
        }
        for bad in [
            "tile/0/1234",
            "tile/00/001",
            "tile/0/x000/001",
            "tile/0/001.p/0",
            "tile/0/001.p/256",
            "tile/64/001",
            "tile/0/001.p/05",
            // 2^56 and u64::MAX: index · 256 would overflow.
            "tile/0/x072/x057/x594/x037/x927/936",
            "tile/63/x018/x446/x744/x073/x709/x551/615.p/1",
            "tiles/0/001",
            "tile/0/x001",
            "tile/0/001/",
        ] {
            assert!(TileId::parse_path(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn tiles_for_size_matches_the_spec_example() {
        // "a tree of size 70,000 will be represented by 273 full level 0 tiles,
        // one partial level 0 tile of width 112, one full level 1 tile, one
        // partial level 1 tile of width 17, and one partial level 2 tile of width 1."
        let tiles = tiles_for_size(70_000);
        let hashes = |level| tiles.iter().filter(move |t| t.kind == TileKind::Hashes(level));
        assert_eq!(hashes(0).filter(|t| t.is_full()).count(), 273);
        assert_eq!(hashes(0).filter(|t| !t.is_full()).map(|t| t.width).collect::<Vec<_>>(), vec![112]);
        assert_eq!(hashes(1).map(|t| t.width).collect::<Vec<_>>(), vec![256, 17]);
        assert_eq!(hashes(2).map(|t| t.width).collect::<Vec<_>>(), vec![1]);
        assert_eq!(hashes(3).count(), 0);
        // "a tree of size 256 will be represented by a full level 0 tile and a
        // partial level 1 tile of width 1."
        let t256 = tiles_for_size(256);
        assert!(t256.contains(&TileId { kind: TileKind::Hashes(0), index: 0, width: 256 }));
        assert!(t256.contains(&TileId { kind: TileKind::Hashes(1), index: 0, width: 1 }));
    }

    #[test]
    fn tiles_to_write_covers_exactly_what_changed() {
        let changed = tiles_to_write(250, 260);
        assert!(changed.contains(&TileId { kind: TileKind::Hashes(0), index: 0, width: 256 }));
        assert!(changed.contains(&TileId { kind: TileKind::Hashes(0), index: 1, width: 4 }));
        assert!(changed.contains(&TileId { kind: TileKind::Entries, index: 1, width: 4 }));
        assert!(changed.contains(&TileId { kind: TileKind::Hashes(1), index: 0, width: 1 }));
        assert_eq!(changed.len(), 5);
        assert!(tiles_to_write(300, 300).is_empty());
    }

    #[test]
    fn tile_sets_answer_like_the_tree_they_were_cut_from() {
        use crate::tree::{
            MemoryTree, consistency_proof, consistency_proof_nodes, inclusion_proof, inclusion_proof_nodes,
        };
        let mut tree = MemoryTree::new();
        for i in 0..70_000u32 {
            tree.push(&i.to_be_bytes());
        }
        let size = tree.size();
        // Cut every tile of the tree out of the in-memory levels.
        let mut set = TileSet::new(size);
        for id in tiles_for_size(size) {
            let TileKind::Hashes(level) = id.kind else { continue };
            let hashes = (0..u64::from(id.width))
                .map(|i| tree.node_hash(level * TILE_HEIGHT, id.index * TILE_WIDTH + i).expect("node"))
                .collect();
            set.insert(std::sync::Arc::new(ExpandedTile::from_hashes(id, hashes)));
        }
        for index in [0, 1, 255, 256, 65_535, 65_536, 69_999] {
            let nodes = inclusion_proof_nodes(index, size).expect("nodes");
            assert!(tiles_for_nodes(&nodes, size).len() <= 6);
            assert_eq!(
                inclusion_proof(&set, index, size).expect("from tiles"),
                inclusion_proof(&tree, index, size).expect("from tree")
            );
        }
        for old in [1, 300, 65_536, 69_000] {
            let nodes = consistency_proof_nodes(old, size).expect("nodes");
            assert!(!tiles_for_nodes(&nodes, size).is_empty());
            assert_eq!(
                consistency_proof(&set, old, size).expect("tiles"),
                consistency_proof(&tree, old, size).expect("tree")
            );
        }
        assert_eq!(crate::tree::tree_hash(&set, size).expect("root"), tree.root());
    }

    #[test]
    fn bundles_round_trip_and_reject_truncation() {
        let entries: Vec<&[u8]> = vec![b"", b"a", &[7u8; 300]];
        let bundle = encode_bundle(entries.iter().copied()).expect("encode");
        assert_eq!(decode_bundle(&bundle, 3).expect("decode"), entries);
        assert!(matches!(decode_bundle(&bundle[..bundle.len() - 1], 3), Err(BundleError::Truncated { index: 2 })));
        assert!(matches!(decode_bundle(&bundle, 2), Err(BundleError::WrongCount { .. })));
        assert!(encode_bundle([&vec![0u8; 65536][..]]).is_err());
    }
}
