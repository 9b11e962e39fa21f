//! Integration: appending leaves to the tree and producing the tiles and
//! entry bundles that change. Pure: no I/O, no clock.

use lading_tlog::tile::{TILE_HEIGHT, TILE_WIDTH, encode_bundle};
use lading_tlog::{Frontier, Hash, TileId, TileKind};

/// The right edge of a log: its frontier and the contents of its partial
/// (rightmost, not yet full) tile at each level and partial entry bundle.
/// Memory is bounded by 255 hashes per level and 255 entries.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Integrator {
    frontier: Frontier,
    /// `open[l]`: hashes of the partial tile at tile level `l`.
    open: Vec<Vec<Hash>>,
    open_entries: Vec<Vec<u8>>,
}

/// Why an integrator cannot be resumed from stored parts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot resume the log at size {size}: {reason}")]
pub struct ResumeError {
    /// The stored size.
    pub size: u64,
    /// What does not fit.
    pub reason: String,
}

impl Integrator {
    /// The integrator of an empty log.
    pub fn new() -> Self {
        Self::default()
    }

    /// The partial tiles a log of `size` entries has (hash tiles by level, then the bundle).
    pub fn partial_tiles(size: u64) -> Vec<TileId> {
        let mut out = Vec::new();
        for level in 0..=7u8 {
            let count = size.checked_shr(u32::from(level) * 8).unwrap_or(0);
            if count == 0 {
                break;
            }
            let width = count % TILE_WIDTH;
            if width > 0 {
                out.push(TileId { kind: TileKind::Hashes(level), index: count / TILE_WIDTH, width: width as u16 });
            }
        }
        if !size.is_multiple_of(TILE_WIDTH) {
            out.push(TileId { kind: TileKind::Entries, index: size / TILE_WIDTH, width: (size % TILE_WIDTH) as u16 });
        }
        out
    }

    /// The current partial tiles and bundle with their contents, as stored
    /// with the state.
    pub fn partial_contents(&self) -> Vec<(TileId, Vec<u8>)> {
        let size = self.size();
        Self::partial_tiles(size)
            .into_iter()
            .map(|id| {
                let bytes = match id.kind {
                    TileKind::Hashes(level) => self.open[usize::from(level)].iter().flat_map(|h| h.0).collect(),
                    TileKind::Entries => self.bundle(),
                };
                (id, bytes)
            })
            .collect()
    }

    /// Resumes from a stored frontier and the partial tiles stored with it
    /// (exactly those [`Integrator::partial_tiles`] lists for `size`).
    pub fn resume_from_partial(
        size: u64,
        frontier: Vec<Hash>,
        partial: &[(TileId, Vec<u8>)],
    ) -> Result<Self, ResumeError> {
        let err = |reason: String| ResumeError { size, reason };
        let expected = Self::partial_tiles(size);
        let found: Vec<TileId> = partial.iter().map(|(id, _)| *id).collect();
        if found != expected {
            return Err(err(format!("stored partial tiles are {found:?}, expected {expected:?}")));
        }
        let mut open_hashes = Vec::new();
        let mut open_entries = Vec::new();
        for (id, bytes) in partial {
            match id.kind {
                TileKind::Hashes(level) => {
                    open_hashes
                        .push((level, lading_tlog::tile::tile_hashes(*id, bytes).map_err(|e| err(e.to_string()))?));
                }
                TileKind::Entries => {
                    open_entries = lading_tlog::tile::decode_bundle(bytes, usize::from(id.width))
                        .map_err(|e| err(format!("partial bundle {id}: {e}")))?
                        .into_iter()
                        .map(<[u8]>::to_vec)
                        .collect();
                }
            }
        }
        Self::resume(size, frontier, open_hashes, open_entries)
    }

    /// Resumes from a stored frontier and the contents of the partial tiles
    /// listed by [`Integrator::partial_tiles`] (hashes per tile level, entries).
    pub fn resume(
        size: u64,
        frontier: Vec<Hash>,
        open_hashes: Vec<(u8, Vec<Hash>)>,
        open_entries: Vec<Vec<u8>>,
    ) -> Result<Self, ResumeError> {
        let err = |reason: String| ResumeError { size, reason };
        let frontier = Frontier::from_parts(size, frontier)
            .ok_or_else(|| err(format!("the frontier does not have {} subtree roots", size.count_ones())))?;
        let mut open: Vec<Vec<Hash>> = Vec::new();
        for (level, hashes) in open_hashes {
            let want = size.checked_shr(u32::from(level) * 8).unwrap_or(0) % TILE_WIDTH;
            if hashes.len() as u64 != want {
                return Err(err(format!(
                    "partial tile at level {level} holds {} hashes, expected {want}",
                    hashes.len()
                )));
            }
            let level = usize::from(level);
            if open.len() <= level {
                open.resize_with(level + 1, Vec::new);
            }
            open[level] = hashes;
        }
        if open_entries.len() as u64 != size % TILE_WIDTH {
            return Err(err(format!(
                "partial bundle holds {} entries, expected {}",
                open_entries.len(),
                size % TILE_WIDTH
            )));
        }
        Ok(Self { frontier, open, open_entries })
    }

    /// Number of entries.
    pub fn size(&self) -> u64 {
        self.frontier.size()
    }

    /// The root hash.
    pub fn root(&self) -> Hash {
        self.frontier.root()
    }

    /// The frontier.
    pub fn frontier(&self) -> &Frontier {
        &self.frontier
    }

    /// Appends entries with their leaf hashes; returns every tile and bundle
    /// that is new or wider: full ones completed on the way and the partial
    /// ones at the end.
    pub fn append(&mut self, entries: &[Vec<u8>], leaves: &[Hash]) -> Vec<(TileId, Vec<u8>)> {
        debug_assert_eq!(entries.len(), leaves.len());
        let mut out = Vec::new();
        // Levels whose partial tile received a hash since it was last emitted.
        let mut touched: Vec<bool> = vec![false; self.open.len()];
        for (entry, leaf) in entries.iter().zip(leaves) {
            let (open, touched_ref, out_ref) = (&mut self.open, &mut touched, &mut out);
            self.frontier.append(*leaf, |node| {
                if node.level % TILE_HEIGHT != 0 {
                    return;
                }
                let tile_level = node.level / TILE_HEIGHT;
                let l = usize::from(tile_level);
                if open.len() <= l {
                    open.resize_with(l + 1, Vec::new);
                    touched_ref.resize(l + 1, false);
                }
                open[l].push(node.hash);
                touched_ref[l] = true;
                if open[l].len() as u64 == TILE_WIDTH {
                    let bytes: Vec<u8> = open[l].iter().flat_map(|h| h.0).collect();
                    let id = TileId {
                        kind: TileKind::Hashes(tile_level),
                        index: node.index / TILE_WIDTH,
                        width: TILE_WIDTH as u16,
                    };
                    out_ref.push((id, bytes));
                    open[l].clear();
                    touched_ref[l] = false;
                }
            });
            self.open_entries.push(entry.clone());
            if self.open_entries.len() as u64 == TILE_WIDTH {
                let index = (self.size() - 1) / TILE_WIDTH;
                out.push((TileId { kind: TileKind::Entries, index, width: TILE_WIDTH as u16 }, self.bundle()));
                self.open_entries.clear();
            }
        }
        let size = self.size();
        for (l, hashes) in self.open.iter().enumerate() {
            if touched[l] && !hashes.is_empty() {
                let level = l as u8;
                let count = size >> (u32::from(level) * 8);
                let id =
                    TileId { kind: TileKind::Hashes(level), index: count / TILE_WIDTH, width: hashes.len() as u16 };
                out.push((id, hashes.iter().flat_map(|h| h.0).collect()));
            }
        }
        if !entries.is_empty() && !self.open_entries.is_empty() {
            let id =
                TileId { kind: TileKind::Entries, index: size / TILE_WIDTH, width: self.open_entries.len() as u16 };
            out.push((id, self.bundle()));
        }
        out
    }

    fn bundle(&self) -> Vec<u8> {
        // Entries were checked against the uint16 limit before integration.
        encode_bundle(self.open_entries.iter().map(Vec::as_slice)).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use lading_tlog::tile::{decode_bundle, tile_hashes, tiles_for_size};
    use lading_tlog::{MemoryTree, leaf_hash};

    use super::*;

    fn entries(range: std::ops::Range<u32>) -> (Vec<Vec<u8>>, Vec<Hash>) {
        let e: Vec<Vec<u8>> = range.map(|i| i.to_be_bytes().to_vec()).collect();
        let h = e.iter().map(|x| leaf_hash(x)).collect();
        (e, h)
    }

    /// Integrates in uneven batches and checks that the tiles written, last
    /// version of each path winning, are exactly the tiles of the final tree.
    #[test]
    fn tiles_written_in_batches_are_the_tiles_of_the_tree() {
        let total = 70_000u32;
        let mut integrator = Integrator::new();
        let mut written: HashMap<TileId, Vec<u8>> = HashMap::new();
        let mut tree = MemoryTree::new();
        let mut at = 0u32;
        let mut step = 1u32;
        while at < total {
            let end = (at + step).min(total);
            let (e, h) = entries(at..end);
            for tile in integrator.append(&e, &h) {
                written.insert(tile.0, tile.1);
            }
            for x in &e {
                tree.push(x);
            }
            assert_eq!(integrator.root(), tree.root());
            // Every partial tile of the current size has been written.
            for id in Integrator::partial_tiles(integrator.size()) {
                assert!(written.contains_key(&id), "missing {id} at size {}", integrator.size());
            }
            at = end;
            step = (step * 3 + 1) % 1000 + 1;
        }
        for id in tiles_for_size(u64::from(total)) {
            let bytes = written.get(&id).unwrap_or_else(|| panic!("tile {id} never written"));
            match id.kind {
                TileKind::Hashes(level) => {
                    let hashes = tile_hashes(id, bytes).expect("length");
                    for (i, h) in hashes.iter().enumerate() {
                        let node = lading_tlog::HashReader::node_hash(&tree, level * 8, id.index * 256 + i as u64);
                        assert_eq!(*h, node.expect("node"), "{id} hash {i}");
                    }
                }
                TileKind::Entries => {
                    let got = decode_bundle(bytes, usize::from(id.width)).expect("bundle");
                    assert_eq!(got[0], (id.index as u32 * 256).to_be_bytes());
                }
            }
        }
    }

    #[test]
    fn resume_continues_where_the_stored_parts_left_off() {
        let mut a = Integrator::new();
        let mut written: HashMap<TileId, Vec<u8>> = HashMap::new();
        let (e, h) = entries(0..66_000);
        for t in a.append(&e, &h) {
            written.insert(t.0, t.1);
        }
        let size = a.size();
        let mut open_hashes = Vec::new();
        let mut open_entries = Vec::new();
        for id in Integrator::partial_tiles(size) {
            let bytes = &written[&id];
            match id.kind {
                TileKind::Hashes(level) => open_hashes.push((level, tile_hashes(id, bytes).expect("tile"))),
                TileKind::Entries => {
                    open_entries = decode_bundle(bytes, usize::from(id.width))
                        .expect("bundle")
                        .into_iter()
                        .map(<[u8]>::to_vec)
                        .collect()
                }
            }
        }
        let mut b = Integrator::resume(size, a.frontier().roots().to_vec(), open_hashes, open_entries).expect("resume");
        assert_eq!(b, a);
        let c = Integrator::resume_from_partial(size, a.frontier().roots().to_vec(), &a.partial_contents())
            .expect("resume");
        assert_eq!(c, a);
        let (e2, h2) = entries(66_000..70_000);
        assert_eq!(b.append(&e2, &h2), a.append(&e2, &h2));
        assert!(Integrator::resume(size, vec![], vec![], vec![]).is_err());
    }
}
