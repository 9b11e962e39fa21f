//! A running log: the batching sequencer, checkpoint signing, proofs.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use lading_tlog::tile::{MAX_ENTRY_BYTES, decode_bundle_prefix, tile_hashes};
use lading_tlog::{
    Checkpoint, ExpandedTile, Hash, NoteSigner, NoteVerifier, Receipt, SignedCheckpoint, TileId, TileKind, TileSet,
    consistency_proof, consistency_proof_nodes, inclusion_proof, inclusion_proof_nodes, leaf_hash, range_proof,
    range_proof_nodes, tiles_for_nodes, tree_hash, tree_hash_nodes, verify_consistency, verify_inclusion, verify_range,
};
use tokio::sync::{mpsc, oneshot};

use crate::integrate::Integrator;
use crate::store::{Batch, LogStore, StoreError, StoredState};

/// How a log batches appends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchConfig {
    /// Most entries integrated in one durable step.
    pub max_batch: usize,
    /// Longest time the first entry of a batch waits for more.
    pub max_wait: Duration,
}

impl Default for BatchConfig {
    fn default() -> Self {
        Self { max_batch: 4096, max_wait: Duration::from_millis(5) }
    }
}

/// Where an entry landed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Appended {
    /// Its index in the log.
    pub index: u64,
    /// Whether an identical entry was already logged (the index is the earlier one's).
    pub duplicate: bool,
}

/// Why a log operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LogError {
    /// The backend failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// An entry is too large for a tlog-tiles bundle.
    #[error("entry {position} is {len} bytes; entries are at most {MAX_ENTRY_BYTES} bytes")]
    EntryTooLarge {
        /// Position in the submitted list.
        position: usize,
        /// Its size.
        len: usize,
    },
    /// The stored log does not match its own checkpoint, key or tiles.
    #[error("log is inconsistent: {0}")]
    Inconsistent(String),
    /// A requested index or size is outside the log.
    #[error("{0}")]
    OutOfRange(String),
    /// The sequencer stopped (the log is shutting down).
    #[error("the log's sequencer has stopped: {0}")]
    Stopped(String),
    /// Storage failed earlier and does not work yet; the sequencer retries
    /// by itself, so the same request may succeed in a moment.
    #[error("the log's storage is failing; appends resume by themselves once it works: {0}")]
    Unavailable(String),
    /// The stored state is smaller than a checkpoint the log already signed.
    #[error(
        "the log's state was rolled back: it holds a tree of size {stored}, but the log already signed a checkpoint of size {signed} \
         (a lost write-ahead log, or a backup restored over it?). Nothing was signed. To recover, restore the database \
         files of a state that holds at least {signed} entries; if those entries are lost for good, this log cannot go on \
         without forking its history: start a new log, with a new key and origin, and tell its verifiers"
    )]
    RolledBack {
        /// Size of the signed checkpoint.
        signed: u64,
        /// Size of the stored state.
        stored: u64,
    },
    /// The stored tree is not an extension of a checkpoint the log already signed.
    #[error(
        "the log's state is a fork: its tree at size {size} has root {found}, but the log already signed root {signed} \
         for that size. Nothing was signed. Restore the database files of the log's own history (`lading log \
         verify-consistency` checks a restored state against the signed checkpoint); if it is lost, start a new log, \
         with a new key and origin"
    )]
    Forked {
        /// The size compared.
        size: u64,
        /// The root the log signed for it.
        signed: Hash,
        /// The root of the stored tree at that size.
        found: Hash,
    },
}

struct Published {
    size: u64,
    root: Hash,
    checkpoint: String,
    /// When this process signed it (`None`: it was loaded from the store).
    at: Option<std::time::SystemTime>,
}

/// How far back [`Log::appended_last_minute`] counts.
const RATE_WINDOW: std::time::Duration = std::time::Duration::from_secs(60);

/// Entries appended per batch over the last [`RATE_WINDOW`].
#[derive(Default)]
struct Recent(std::collections::VecDeque<(std::time::Instant, u64)>);

impl Recent {
    fn prune(&mut self, now: std::time::Instant) {
        while self.0.front().is_some_and(|(t, _)| now.duration_since(*t) > RATE_WINDOW) {
            self.0.pop_front();
        }
    }
}

/// Called after every durable batch with the number of entries it
/// carried (repeats included) and how long the durable step took.
pub type BatchObserver = Arc<dyn Fn(usize, Duration) + Send + Sync>;

/// How a log's sequencer is doing (see [`Log::health`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SequencerHealth {
    /// The storage fault the sequencer is waiting out, if any: appends
    /// fail until storage works again, then the sequencer reloads the stored
    /// state and carries on by itself.
    pub fault: Option<String>,
    /// Storage faults seen since the log was opened.
    pub faults: u64,
    /// Times the sequencer recovered from one.
    pub recoveries: u64,
}

/// How often a faulted sequencer checks whether storage works again.
const RECOVERY_INTERVAL: Duration = Duration::from_millis(500);

struct Shared<S> {
    sequencer: std::sync::Mutex<Option<tokio::task::JoinHandle<()>>>,
    observer: RwLock<Option<BatchObserver>>,
    health: std::sync::Mutex<SequencerHealth>,
    store: S,
    verifier: NoteVerifier,
    published: RwLock<Published>,
    recent: std::sync::Mutex<Recent>,
    tiles: quick_cache::sync::Cache<TileId, Arc<ExpandedTile>>,
}

type Reply = oneshot::Sender<Result<Vec<Appended>, LogError>>;

/// A log over a backend `S`. Cheap to clone; all clones share one sequencer.
pub struct Log<S: LogStore> {
    shared: Arc<Shared<S>>,
    requests: mpsc::Sender<(Vec<Vec<u8>>, Reply)>,
}

impl<S: LogStore> Clone for Log<S> {
    fn clone(&self) -> Self {
        Self { shared: Arc::clone(&self.shared), requests: self.requests.clone() }
    }
}

/// Tiles cached for proofs (each at most ~16 KiB expanded): 64 MiB at most.
const TILE_CACHE_ENTRIES: usize = 4096;
/// Entry bundles (each with its hash tile) asked of the store at once by
/// [`Log::entries`]: one round trip for a console page's 5,000 events (at
/// most 21 bundles), and at most 24 bundles (each up to 256 entries of
/// 64 KiB, typically ~1 KiB) held beside the entries returned.
const ENTRY_BUNDLES_PER_READ: usize = 24;

impl<S: LogStore> Log<S> {
    /// Opens the log in `store`, creating it (an empty, signed checkpoint)
    /// when the store is new. Checks the stored state against its checkpoint
    /// and the signer's key before anything is appended.
    pub async fn open(store: S, signer: NoteSigner, config: BatchConfig) -> Result<Self, LogError> {
        Self::open_with(store, signer, config, true).await
    }

    /// Opens a log that appends every entry, repeats included, without
    /// consulting the store's leaf index: for callers that deduplicate by
    /// keys of their own (a maintenance stream by event id, whose entries
    /// carry distinct sequence numbers anyway), so the store need not keep
    /// an index of leaf hashes.
    pub async fn open_appending_all(store: S, signer: NoteSigner, config: BatchConfig) -> Result<Self, LogError> {
        Self::open_with(store, signer, config, false).await
    }

    async fn open_with(store: S, signer: NoteSigner, config: BatchConfig, dedup: bool) -> Result<Self, LogError> {
        let verifier = signer.verifier().clone();
        let last_signed = match store.last_signed().await? {
            None => None,
            Some(text) => Some(
                SignedCheckpoint::verify(text.as_bytes(), &verifier, &[])
                    .map_err(|e| {
                        LogError::Inconsistent(format!(
                            "the checkpoint this log signed last does not verify with this log's key: {e}"
                        ))
                    })?
                    .checkpoint,
            ),
        };
        let stored = store.load().await?;
        let stored_size = stored.as_ref().map_or(0, |s| s.size);
        if let Some(signed) = &last_signed
            && signed.size > stored_size
        {
            return Err(LogError::RolledBack { signed: signed.size, stored: stored_size });
        }
        let (integrator, published) = match stored {
            None => {
                let integrator = Integrator::new();
                let checkpoint = sign(&signer, &integrator)?;
                let state =
                    StoredState { size: 0, frontier: Vec::new(), checkpoint: checkpoint.clone(), partial: Vec::new() };
                store.commit(Batch { old_size: 0, leaves: Vec::new(), full_tiles: Vec::new(), state }).await?;
                let root = integrator.root();
                (integrator, Published { size: 0, root, checkpoint, at: Some(std::time::SystemTime::now()) })
            }
            Some(state) => resume(&verifier, state)?,
        };
        let shared = Arc::new(Shared {
            sequencer: std::sync::Mutex::new(None),
            observer: RwLock::new(None),
            health: std::sync::Mutex::default(),
            store,
            verifier,
            published: RwLock::new(published),
            recent: std::sync::Mutex::default(),
            tiles: quick_cache::sync::Cache::new(TILE_CACHE_ENTRIES),
        });
        let (tx, rx) = mpsc::channel(1024);
        // The stored tree must extend the checkpoint signed last. Checked
        // before the sequencer exists, so nothing can be signed before.
        let log = Self { shared, requests: tx };
        if let Some(signed) = last_signed
            && signed.size > 0
        {
            let found = log.root_at(signed.size).await?;
            if found != signed.root {
                return Err(LogError::Forked { size: signed.size, signed: signed.root, found });
            }
        }
        let handle = tokio::spawn(sequence(Arc::clone(&log.shared), signer, integrator, config, dedup, rx));
        *log.shared.sequencer.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(handle);
        Ok(log)
    }

    /// Stops taking appends, waits for the batch in flight to finish and
    /// releases the store once no other clone of this log holds it.
    pub async fn shutdown(self) {
        let Self { shared, requests } = self;
        drop(requests);
        let handle = shared.sequencer.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take();
        if let Some(handle) = handle {
            // The sequencer ends when every sender is gone; other clones may
            // still hold one, in which case this only waits for them.
            let _ = handle.await;
        }
    }

    /// Calls `observer` after every durable batch from now on (metrics).
    pub fn observe_batches(&self, observer: BatchObserver) {
        *self.shared.observer.write().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(observer);
    }

    /// Append requests waiting for the sequencer (each may carry many entries).
    pub fn queue_depth(&self) -> usize {
        self.requests.max_capacity() - self.requests.capacity()
    }

    /// Whether the sequencer is waiting out a storage fault, and how many it saw.
    pub fn health(&self) -> SequencerHealth {
        self.shared.health.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    /// The log's verifier key.
    pub fn verifier(&self) -> &NoteVerifier {
        &self.shared.verifier
    }

    /// The backend.
    pub fn store(&self) -> &S {
        &self.shared.store
    }

    /// Appends entries; returns where each landed once the batch holding
    /// them is durable and its checkpoint is signed and stored.
    pub async fn append_many(&self, entries: Vec<Vec<u8>>) -> Result<Vec<Appended>, LogError> {
        if let Some((position, e)) = entries.iter().enumerate().find(|(_, e)| e.len() > MAX_ENTRY_BYTES) {
            return Err(LogError::EntryTooLarge { position, len: e.len() });
        }
        if entries.is_empty() {
            return Ok(Vec::new());
        }
        let (tx, rx) = oneshot::channel();
        self.requests.send((entries, tx)).await.map_err(|_| LogError::Stopped("request channel closed".into()))?;
        rx.await.map_err(|_| LogError::Stopped("no reply".into()))?
    }

    /// Appends one entry.
    pub async fn append(&self, entry: Vec<u8>) -> Result<Appended, LogError> {
        let mut out = self.append_many(vec![entry]).await?;
        out.pop().ok_or_else(|| LogError::Stopped("empty reply".into()))
    }

    /// The index of the entry with leaf hash `leaf`, if it is in the log
    /// under the latest checkpoint.
    pub async fn index_of(&self, leaf: Hash) -> Result<Option<u64>, LogError> {
        let size = self.published().0;
        let found = self.shared.store.lookup(vec![leaf]).await?.pop().flatten();
        // A batch may be committed a moment before its checkpoint is published.
        Ok(found.filter(|i| *i < size))
    }

    /// Picks up entries that other writers sharing the store have appended
    /// (the stored checkpoint is verified like at open).
    pub async fn refresh(&self) -> Result<(), LogError> {
        let Some(state) = self.shared.store.load().await? else { return Ok(()) };
        if state.size > self.published().0 {
            let (_, published) = resume(&self.shared.verifier, state)?;
            self.shared.publish_if_newer(published);
        }
        Ok(())
    }

    /// The latest signed checkpoint (signed-note text) and its size.
    pub fn checkpoint(&self) -> (u64, String) {
        let p = self.shared.published.read().unwrap_or_else(std::sync::PoisonError::into_inner);
        (p.size, p.checkpoint.clone())
    }

    /// When this process signed the latest checkpoint; `None` when it was
    /// loaded from the store and nothing was appended since.
    pub fn checkpoint_signed_at(&self) -> Option<std::time::SystemTime> {
        self.shared.published.read().unwrap_or_else(std::sync::PoisonError::into_inner).at
    }

    /// Entries this process appended over the last minute (repeats that
    /// were deduplicated are not counted).
    pub fn appended_last_minute(&self) -> u64 {
        let mut r = self.shared.recent.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        r.prune(std::time::Instant::now());
        r.0.iter().map(|(_, n)| n).sum()
    }

    fn published(&self) -> (u64, Hash, String) {
        let p = self.shared.published.read().unwrap_or_else(std::sync::PoisonError::into_inner);
        (p.size, p.root, p.checkpoint.clone())
    }

    /// Loads the tiles holding `nodes` of the tree of `size`.
    async fn tile_set(&self, nodes: &[(u8, u64)], size: u64) -> Result<TileSet, LogError> {
        let current = self.published().0;
        let mut set = TileSet::new(size);
        for id in tiles_for_nodes(nodes, size) {
            set.insert(self.expanded_tile(id, current).await?);
        }
        Ok(set)
    }

    /// A hash tile, from the cache when it is there; a partial tile that was
    /// not written for exactly this size is cut from a wider one.
    async fn expanded_tile(&self, id: TileId, current_size: u64) -> Result<Arc<ExpandedTile>, LogError> {
        if let Some(t) = self.shared.tiles.get(&id) {
            return Ok(t);
        }
        let bytes = self.read_tile_or_wider(id, current_size).await?;
        let tile = Arc::new(ExpandedTile::new(id, &bytes).map_err(|e| LogError::Inconsistent(e.to_string()))?);
        // A tile id names its width, and a tile of a given width never changes
        // (partial tiles are prefixes of the full one), so partial ones cache too.
        self.shared.tiles.insert(id, Arc::clone(&tile));
        Ok(tile)
    }

    async fn read_tile_or_wider(&self, id: TileId, current_size: u64) -> Result<Vec<u8>, LogError> {
        let mut candidates = vec![id];
        if !id.is_full() {
            candidates.push(TileId { width: 256, ..id });
            if let Some(wider) = lading_tlog::tile::tiles_for_size(current_size)
                .into_iter()
                .find(|t| t.kind == id.kind && t.index == id.index)
            {
                candidates.push(wider);
            }
        }
        for c in candidates {
            if let Some(bytes) = self.shared.store.read_tile(c).await? {
                return cut_to(id, c, bytes);
            }
        }
        Err(LogError::Inconsistent(format!("tile {id} is missing from storage")))
    }

    /// Tiles `ids` as [`Self::read_tile_or_wider`] reads each, asked of the
    /// store together (one round trip on a networked backend); only a tile
    /// not stored at its own width is looked for again, alone.
    async fn read_tiles_or_wider(&self, ids: &[TileId], current_size: u64) -> Result<Vec<Vec<u8>>, LogError> {
        let fetched = self.shared.store.read_tiles(ids.to_vec()).await?;
        let mut out = Vec::with_capacity(ids.len());
        for (&id, bytes) in ids.iter().zip(fetched) {
            out.push(match bytes {
                Some(bytes) => cut_to(id, id, bytes)?,
                None => self.read_tile_or_wider(id, current_size).await?,
            });
        }
        Ok(out)
    }

    /// A `c2sp.org/tlog-proof@v1` receipt for entry `index` under the latest
    /// checkpoint. The proof is checked against the checkpoint before it is
    /// returned, so damaged tiles give an error, never a wrong receipt.
    pub async fn prove(&self, index: u64) -> Result<Receipt, LogError> {
        if index >= self.published().0 {
            self.refresh().await?;
        }
        let (size, root, checkpoint) = self.published();
        if index >= size {
            return Err(LogError::OutOfRange(format!("index {index} is not below the log size {size}")));
        }
        let nodes = inclusion_proof_nodes(index, size).map_err(|e| LogError::OutOfRange(e.to_string()))?;
        let mut all_nodes = nodes.clone();
        all_nodes.push((0, index));
        let set = self.tile_set(&all_nodes, size).await?;
        let proof = inclusion_proof(&set, index, size).map_err(|e| LogError::Inconsistent(e.to_string()))?;
        let leaf =
            lading_tlog::HashReader::node_hash(&set, 0, index).map_err(|e| LogError::Inconsistent(e.to_string()))?;
        verify_inclusion(&leaf, index, size, &proof, &root).map_err(|e| {
            LogError::Inconsistent(format!("stored tiles do not match the checkpoint (damaged tile?): {e}"))
        })?;
        Ok(Receipt { extra: None, index, proof, checkpoint })
    }

    /// A receipt for entry `index` under an earlier checkpoint of this log
    /// (for example one that witnesses have cosigned): the proof is computed
    /// for `checkpoint.size` and checked against its root; `note` (the
    /// checkpoint's signed note, with any cosignatures) is carried verbatim.
    pub async fn prove_under(&self, index: u64, checkpoint: &Checkpoint, note: String) -> Result<Receipt, LogError> {
        let current = self.published().0;
        let size = checkpoint.size;
        if size > current || index >= size {
            return Err(LogError::OutOfRange(format!(
                "index {index} is not covered by a checkpoint of size {size} (log size {current})"
            )));
        }
        let mut nodes = inclusion_proof_nodes(index, size).map_err(|e| LogError::OutOfRange(e.to_string()))?;
        nodes.push((0, index));
        nodes.extend(tree_hash_nodes(size));
        let set = self.tile_set(&nodes, size).await?;
        let proof = inclusion_proof(&set, index, size).map_err(|e| LogError::Inconsistent(e.to_string()))?;
        let leaf =
            lading_tlog::HashReader::node_hash(&set, 0, index).map_err(|e| LogError::Inconsistent(e.to_string()))?;
        verify_inclusion(&leaf, index, size, &proof, &checkpoint.root).map_err(|e| {
            LogError::Inconsistent(format!("stored tiles do not match the checkpoint of size {size}: {e}"))
        })?;
        Ok(Receipt { extra: None, index, proof, checkpoint: note })
    }

    /// The entry at `index`, checked against its leaf hash in the tiles.
    pub async fn entry(&self, index: u64) -> Result<Vec<u8>, LogError> {
        let (size, ..) = self.published();
        if index >= size {
            return Err(LogError::OutOfRange(format!("index {index} is not below the log size {size}")));
        }
        let width = (size - index / 256 * 256).min(256) as u16;
        let id = TileId { kind: TileKind::Entries, index: index / 256, width };
        let bytes = self.read_tile_or_wider(id, size).await?;
        let entries =
            decode_bundle_prefix(&bytes).map_err(|e| LogError::Inconsistent(format!("entry bundle {id}: {e}")))?;
        let entry = entries
            .get((index % 256) as usize)
            .ok_or_else(|| LogError::Inconsistent(format!("entry bundle {id} is short")))?
            .to_vec();
        let tile = TileId { kind: TileKind::Hashes(0), index: index / 256, width };
        let hashes = tile_hashes(tile, &self.read_tile_or_wider(tile, size).await?)
            .map_err(|e| LogError::Inconsistent(e.to_string()))?;
        if hashes.get((index % 256) as usize) != Some(&leaf_hash(&entry)) {
            return Err(LogError::Inconsistent(format!(
                "entry {index} in bundle {id} does not match its leaf hash (damaged bundle?)"
            )));
        }
        Ok(entry)
    }

    /// Entries `[start, end)`, each checked against its leaf hash; every
    /// entry bundle is read once.
    pub async fn entries(&self, start: u64, end: u64) -> Result<Vec<Vec<u8>>, LogError> {
        let (size, ..) = self.published();
        if start > end || end > size {
            return Err(LogError::OutOfRange(format!("entries [{start}, {end}) are not within the log size {size}")));
        }
        let mut out = Vec::with_capacity(usize::try_from(end - start).unwrap_or(0));
        // Each entry bundle with the hash tile of its leaves, fetched a chunk of bundles at a time.
        let tiles: Vec<(TileId, TileId)> = (start / 256..end.div_ceil(256))
            .map(|index| {
                let width = (size - index * 256).min(256) as u16;
                (TileId { kind: TileKind::Entries, index, width }, TileId { kind: TileKind::Hashes(0), index, width })
            })
            .collect();
        for chunk in tiles.chunks(ENTRY_BUNDLES_PER_READ) {
            let ids: Vec<TileId> = chunk.iter().flat_map(|&(e, h)| [e, h]).collect();
            let mut read = self.read_tiles_or_wider(&ids, size).await?.into_iter();
            for &(id, hashes_id) in chunk {
                let (Some(bytes), Some(hash_bytes)) = (read.next(), read.next()) else {
                    return Err(LogError::Inconsistent(format!("tile {id} was not read")));
                };
                check_bundle_range((id, &bytes), (hashes_id, &hash_bytes), start, end, &mut out)?;
            }
        }
        Ok(out)
    }

    /// A range proof that entries `[start, end)` are exactly those leaves of
    /// the tree under the latest checkpoint: the proof, checked against the
    /// checkpoint's root before it is returned, and the checkpoint's note.
    pub async fn prove_range(&self, start: u64, end: u64) -> Result<(Vec<Hash>, String), LogError> {
        let (size, root, checkpoint) = self.published();
        let mut nodes = range_proof_nodes(start, end, size).map_err(|e| LogError::OutOfRange(e.to_string()))?;
        nodes.extend((start..end).map(|i| (0u8, i)));
        let set = self.tile_set(&nodes, size).await?;
        let proof = range_proof(&set, start, end, size).map_err(|e| LogError::Inconsistent(e.to_string()))?;
        let leaves = (start..end)
            .map(|i| lading_tlog::HashReader::node_hash(&set, 0, i))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| LogError::Inconsistent(e.to_string()))?;
        verify_range(start, &leaves, size, &proof, &root).map_err(|e| {
            LogError::Inconsistent(format!("stored tiles do not match the checkpoint (damaged tile?): {e}"))
        })?;
        Ok((proof, checkpoint))
    }

    /// The root hash of the tree at `size` (up to the latest checkpoint).
    pub async fn root_at(&self, size: u64) -> Result<Hash, LogError> {
        let current = self.published().0;
        if size > current {
            return Err(LogError::OutOfRange(format!("size {size} is beyond the log size {current}")));
        }
        let set = self.tile_set(&tree_hash_nodes(size), size).await?;
        tree_hash(&set, size).map_err(|e| LogError::Inconsistent(e.to_string()))
    }

    /// A consistency proof from `old` to `new` (both at most the latest
    /// size), checked against the roots computed from the tiles and, when
    /// `new` is the latest size, the signed checkpoint.
    pub async fn consistency(&self, old: u64, new: u64) -> Result<Vec<Hash>, LogError> {
        let (size, root, _) = self.published();
        if old == 0 || old > new || new > size {
            return Err(LogError::OutOfRange(format!(
                "cannot prove consistency from {old} to {new} in a log of size {size}"
            )));
        }
        let mut nodes = consistency_proof_nodes(old, new).map_err(|e| LogError::OutOfRange(e.to_string()))?;
        nodes.extend(tree_hash_nodes(old));
        nodes.extend(tree_hash_nodes(new));
        let set = self.tile_set(&nodes, new).await?;
        let proof = consistency_proof(&set, old, new).map_err(|e| LogError::Inconsistent(e.to_string()))?;
        let old_root = tree_hash(&set, old).map_err(|e| LogError::Inconsistent(e.to_string()))?;
        let new_root = tree_hash(&set, new).map_err(|e| LogError::Inconsistent(e.to_string()))?;
        if new == size && new_root != root {
            return Err(LogError::Inconsistent("stored tiles do not match the checkpoint root (damaged tile?)".into()));
        }
        verify_consistency(old, new, &proof, &old_root, &new_root)
            .map_err(|e| LogError::Inconsistent(e.to_string()))?;
        Ok(proof)
    }
}

fn sign(signer: &NoteSigner, integrator: &Integrator) -> Result<String, LogError> {
    let cp = Checkpoint {
        origin: signer.verifier().name().to_owned(),
        size: integrator.size(),
        root: integrator.root(),
        extensions: Vec::new(),
    };
    Ok(cp.sign(signer).map_err(|e| LogError::Inconsistent(e.to_string()))?.to_text())
}

/// Rebuilds the integrator from the stored state and checks it against the
/// stored checkpoint and the signer's key.
fn resume(verifier: &NoteVerifier, state: StoredState) -> Result<(Integrator, Published), LogError> {
    let signed = SignedCheckpoint::verify(state.checkpoint.as_bytes(), verifier, &[])
        .map_err(|e| LogError::Inconsistent(format!("stored checkpoint does not verify with this log's key: {e}")))?;
    let cp = &signed.checkpoint;
    if cp.size != state.size {
        return Err(LogError::Inconsistent(format!("stored size {} but the checkpoint says {}", state.size, cp.size)));
    }
    let integrator = Integrator::resume_from_partial(state.size, state.frontier, &state.partial)
        .map_err(|e| LogError::Inconsistent(e.to_string()))?;
    if integrator.root() != cp.root {
        return Err(LogError::Inconsistent(format!(
            "the stored tree's root {} is not the checkpoint's root {}; refusing to sign anything inconsistent with it",
            integrator.root(),
            cp.root
        )));
    }
    Ok((integrator, Published { size: state.size, root: cp.root, checkpoint: state.checkpoint, at: None }))
}

/// The sequencer: one task, one writer. Collects requests into batches (up
/// to `max_batch` entries or `max_wait` after the first), deduplicates,
/// integrates, signs a checkpoint and commits the batch in one durable step
/// before answering anyone.
///
/// A failed durable step (a full disk, a read-only file system, a lost
/// database) leaves the integrator possibly ahead of storage, so nothing is
/// signed from it again: the sequencer answers appends with
/// [`LogError::Unavailable`] and, every [`RECOVERY_INTERVAL`] and before
/// each batch, checks storage ([`LogStore::probe_writable`]) and reloads the
/// stored state (verified like at open). Once both work it carries on from
/// the stored state, which holds every acknowledged entry.
async fn sequence<S: LogStore>(
    shared: Arc<Shared<S>>,
    signer: NoteSigner,
    mut integrator: Integrator,
    config: BatchConfig,
    dedup: bool,
    mut rx: mpsc::Receiver<(Vec<Vec<u8>>, Reply)>,
) {
    let mut failed: Option<String> = None;
    loop {
        let first = if failed.is_some() {
            match tokio::time::timeout(RECOVERY_INTERVAL, rx.recv()).await {
                Ok(Some(first)) => Some(first),
                Ok(None) => break,
                Err(_) => None,
            }
        } else {
            match rx.recv().await {
                Some(first) => Some(first),
                None => break,
            }
        };
        if let Some(why) = &failed {
            match recover(&shared, &signer).await {
                Ok(fresh) => {
                    integrator = fresh;
                    failed = None;
                    let mut h = shared.health.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                    h.fault = None;
                    h.recoveries += 1;
                    tracing::info!(
                        log = shared.verifier.name(),
                        size = integrator.size(),
                        "storage works again; the sequencer resumed from the stored state"
                    );
                }
                Err(e) => {
                    let now = crate::store::error_chain(&e);
                    if &now != why {
                        tracing::warn!(log = shared.verifier.name(), error = %now, "storage still failing");
                        shared.health.lock().unwrap_or_else(std::sync::PoisonError::into_inner).fault =
                            Some(now.clone());
                        failed = Some(now);
                    }
                }
            }
        }
        let Some(first) = first else { continue };
        let mut requests = vec![first];
        let mut count = requests[0].0.len();
        let deadline = tokio::time::Instant::now() + config.max_wait;
        while count < config.max_batch {
            match tokio::time::timeout_at(deadline, rx.recv()).await {
                Ok(Some(r)) => {
                    count += r.0.len();
                    requests.push(r);
                }
                Ok(None) | Err(_) => break,
            }
        }
        if let Some(why) = &failed {
            for (_, reply) in requests {
                let _ = reply.send(Err(LogError::Unavailable(why.clone())));
            }
            continue;
        }
        let started = std::time::Instant::now();
        match integrate_with_retry(&shared, &signer, &mut integrator, &requests, dedup).await {
            Ok(results) => {
                let observer = shared.observer.read().unwrap_or_else(std::sync::PoisonError::into_inner).clone();
                if let Some(observe) = observer {
                    observe(count, started.elapsed());
                }
                for ((_, reply), result) in requests.into_iter().zip(results) {
                    let _ = reply.send(Ok(result));
                }
            }
            Err(e) => {
                // The integrator may now be ahead of storage: sign nothing
                // from it; wait for storage and reload (above).
                let why = crate::store::error_chain(&e);
                tracing::error!(log = shared.verifier.name(), error = %why, entries = count, "a durable step failed; appends are refused until storage works again");
                {
                    let mut h = shared.health.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                    h.fault = Some(why.clone());
                    h.faults += 1;
                }
                failed = Some(why.clone());
                let mut first_error = Some(e);
                for (_, reply) in requests {
                    let err = first_error.take().unwrap_or_else(|| LogError::Unavailable(why.clone()));
                    let _ = reply.send(Err(err));
                }
            }
        }
    }
}

/// The integrator of the stored state, once storage takes writes again.
async fn recover<S: LogStore>(shared: &Shared<S>, signer: &NoteSigner) -> Result<Integrator, LogError> {
    shared.store.probe_writable().await?;
    let state = shared
        .store
        .load()
        .await?
        .ok_or_else(|| LogError::Inconsistent("the log's state disappeared from storage".into()))?;
    let (integrator, published) = resume(signer.verifier(), state)?;
    shared.publish_if_newer(published);
    Ok(integrator)
}

/// Integrates a batch; when another writer sharing the store extended the
/// log first ([`StoreError::Conflict`]), reloads its state — verified like at
/// open — and redoes the batch on top of it.
async fn integrate_with_retry<S: LogStore>(
    shared: &Shared<S>,
    signer: &NoteSigner,
    integrator: &mut Integrator,
    requests: &[(Vec<Vec<u8>>, Reply)],
    dedup: bool,
) -> Result<Vec<Vec<Appended>>, LogError> {
    for _ in 0..64 {
        match integrate_batch(shared, signer, integrator, requests, dedup).await {
            Err(LogError::Store(StoreError::Conflict { .. })) => {
                let state = shared
                    .store
                    .load()
                    .await?
                    .ok_or_else(|| LogError::Inconsistent("the log's state disappeared from storage".into()))?;
                let (fresh, published) = resume(&shared.verifier, state)?;
                *integrator = fresh;
                shared.publish_if_newer(published);
            }
            other => return other,
        }
    }
    Err(LogError::Stopped("64 conflicting writers in a row; giving up this batch".into()))
}

impl<S: LogStore> Shared<S> {
    fn publish_if_newer(&self, candidate: Published) {
        let mut p = self.published.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        if candidate.size > p.size {
            *p = candidate;
        }
    }
}

async fn integrate_batch<S: LogStore>(
    shared: &Shared<S>,
    signer: &NoteSigner,
    integrator: &mut Integrator,
    requests: &[(Vec<Vec<u8>>, Reply)],
    dedup: bool,
) -> Result<Vec<Vec<Appended>>, LogError> {
    let old_size = integrator.size();
    // Leaf hashes, and (deduplicating) the ones already in the log.
    let all: Vec<(&Vec<u8>, Hash)> = requests.iter().flat_map(|(e, _)| e.iter()).map(|e| (e, leaf_hash(e))).collect();
    let known: HashMap<Hash, u64> = if dedup {
        let mut seen: HashSet<Hash> = HashSet::with_capacity(all.len());
        let distinct: Vec<Hash> = all.iter().map(|(_, h)| *h).filter(|h| seen.insert(*h)).collect();
        let existing = shared.store.lookup(distinct.clone()).await?;
        distinct.iter().zip(existing).filter_map(|(h, i)| i.map(|i| (*h, i))).collect()
    } else {
        HashMap::new()
    };

    let mut new_entries: Vec<Vec<u8>> = Vec::with_capacity(all.len());
    let mut new_leaves: Vec<Hash> = Vec::with_capacity(all.len());
    let mut assigned: HashMap<Hash, u64> = HashMap::new();
    let mut results: Vec<Appended> = Vec::with_capacity(all.len());
    for (entry, h) in &all {
        if let Some(&index) = known.get(h) {
            results.push(Appended { index, duplicate: true });
        } else if let Some(&index) = assigned.get(h) {
            results.push(Appended { index, duplicate: true });
        } else {
            let index = old_size + new_entries.len() as u64;
            if dedup {
                assigned.insert(*h, index);
            }
            new_entries.push((*entry).clone());
            new_leaves.push(*h);
            results.push(Appended { index, duplicate: false });
        }
    }
    if !new_entries.is_empty() {
        let mut tiles = integrator.append(&new_entries, &new_leaves);
        // Partial tiles travel with the state; only full ones need their own durable write.
        tiles.retain(|(id, _)| id.is_full());
        let checkpoint = sign(signer, integrator)?;
        let state = StoredState {
            size: integrator.size(),
            frontier: integrator.frontier().roots().to_vec(),
            checkpoint: checkpoint.clone(),
            partial: integrator.partial_contents(),
        };
        let leaves = new_leaves.iter().zip(old_size..).map(|(h, i)| (*h, i)).collect();
        shared.store.commit(Batch { old_size, leaves, full_tiles: tiles, state }).await?;
        let now = std::time::Instant::now();
        {
            let mut recent = shared.recent.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            recent.prune(now);
            recent.0.push_back((now, integrator.size() - old_size));
        }
        shared.publish_if_newer(Published {
            size: integrator.size(),
            root: integrator.root(),
            checkpoint,
            at: Some(std::time::SystemTime::now()),
        });
    }
    // Split the flat results back per request.
    let mut out = Vec::with_capacity(requests.len());
    let mut rest = results.as_slice();
    for (entries, _) in requests {
        let (mine, tail) = rest.split_at(entries.len());
        out.push(mine.to_vec());
        rest = tail;
    }
    Ok(out)
}

/// Appends to `out` the entries of bundle `id` within `[start, end)`, each
/// checked against its leaf hash in `hashes_id`.
fn check_bundle_range(
    (id, bytes): (TileId, &[u8]),
    (hashes_id, hash_bytes): (TileId, &[u8]),
    start: u64,
    end: u64,
    out: &mut Vec<Vec<u8>>,
) -> Result<(), LogError> {
    let bundle = decode_bundle_prefix(bytes).map_err(|e| LogError::Inconsistent(format!("entry bundle {id}: {e}")))?;
    let hashes = tile_hashes(hashes_id, hash_bytes).map_err(|e| LogError::Inconsistent(e.to_string()))?;
    let lo = start.max(id.index * 256);
    let hi = end.min(id.index * 256 + u64::from(id.width));
    for index in lo..hi {
        let at = (index % 256) as usize;
        let entry = bundle.get(at).ok_or_else(|| LogError::Inconsistent(format!("entry bundle {id} is short")))?;
        if hashes.get(at) != Some(&leaf_hash(entry)) {
            return Err(LogError::Inconsistent(format!(
                "entry {index} in bundle {id} does not match its leaf hash (damaged bundle?)"
            )));
        }
        out.push(entry.to_vec());
    }
    Ok(())
}

/// `bytes`, read from tile `read` for tile `id`: a hash tile is cut to
/// `id`'s width (a wider tile holds it as a prefix).
fn cut_to(id: TileId, read: TileId, mut bytes: Vec<u8>) -> Result<Vec<u8>, LogError> {
    if let TileKind::Hashes(_) = id.kind {
        let want = usize::from(id.width) * 32;
        if bytes.len() < want {
            return Err(LogError::Inconsistent(format!(
                "tile {read} has {} bytes, expected at least {want}",
                bytes.len()
            )));
        }
        bytes.truncate(want);
    }
    Ok(bytes)
}
