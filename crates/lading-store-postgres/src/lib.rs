//! # lading-store-postgres
//!
//! The server backend: a [`LogStore`] and a [`Registry`] on PostgreSQL, for
//! deployments past one machine. Several `lading serve` processes may share
//! one database and one log: every batch commits in one transaction that
//! locks the log's state row (`SELECT … FOR UPDATE`) and refuses to extend
//! any size but the stored one, so there is one tree and every entry gets
//! exactly one index; a writer that loses the race reloads the state and
//! redoes its batch ([`lading_log::Log`] does this on
//! [`StoreError::Conflict`]). Tiles, leaves and state live in tables; the
//! schema is created on connect (migrations embedded, applied under an
//! advisory lock).
//!
//! It speaks only PostgreSQL's protocol and SQL (no extensions), the path to
//! engines such as CockroachDB or YugabyteDB; only PostgreSQL 15 is tested.

mod registry;
pub mod streams;

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use lading_log::{
    Batch, LogStore, StoreError, StoredState, decode_frontier, decode_partial, encode_frontier, encode_partial,
};
use lading_tlog::{Hash, TileId};
use tokio_postgres::NoTls;

pub use registry::PostgresRegistry;
pub use streams::PostgresStreams;

/// The schema, applied on connect; every statement is idempotent.
const MIGRATIONS: &str = "
CREATE TABLE IF NOT EXISTS lading_log_state (
    log TEXT PRIMARY KEY, size BIGINT NOT NULL, frontier BYTEA NOT NULL,
    checkpoint TEXT NOT NULL, partial BYTEA NOT NULL);
CREATE TABLE IF NOT EXISTS lading_tiles (
    log TEXT NOT NULL, path TEXT NOT NULL, data BYTEA NOT NULL, PRIMARY KEY (log, path));
CREATE TABLE IF NOT EXISTS lading_leaves (
    log TEXT NOT NULL, hash BYTEA NOT NULL, idx BIGINT NOT NULL, PRIMARY KEY (log, hash));
CREATE TABLE IF NOT EXISTS lading_logs (name TEXT PRIMARY KEY, origin TEXT NOT NULL UNIQUE, created_at BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS lading_tokens (
    id TEXT PRIMARY KEY, hash BYTEA NOT NULL UNIQUE, log TEXT NOT NULL, scope TEXT NOT NULL,
    label TEXT NOT NULL, created_at BIGINT NOT NULL, revoked_at BIGINT);
CREATE TABLE IF NOT EXISTS lading_provider_keys (
    log TEXT NOT NULL, keyid TEXT NOT NULL, spki_der BYTEA NOT NULL, label TEXT NOT NULL, PRIMARY KEY (log, keyid));
CREATE TABLE IF NOT EXISTS lading_log_witnesses (log TEXT NOT NULL, url TEXT NOT NULL, vkey TEXT NOT NULL, PRIMARY KEY (log, vkey));
CREATE TABLE IF NOT EXISTS lading_witnessed_logs (vkey TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS lading_witness_state (origin TEXT PRIMARY KEY, size BIGINT NOT NULL, root BYTEA NOT NULL);
CREATE TABLE IF NOT EXISTS lading_entry_index (
    log TEXT NOT NULL, key TEXT NOT NULL, idx BIGINT NOT NULL, PRIMARY KEY (log, key, idx));
CREATE INDEX IF NOT EXISTS lading_entry_index_by_entry ON lading_entry_index (log, idx);
";

/// Advisory lock key serialising schema migrations between processes.
const MIGRATION_LOCK: i64 = 0x6c61_6469_6e67;

pub(crate) fn backend(e: impl std::error::Error + Send + Sync + 'static) -> StoreError {
    StoreError::backend("PostgreSQL", e)
}

/// Connects a pool to `url` (`postgres://user@host:port/db` or key=value form)
/// and applies the migrations.
pub async fn connect(url: &str) -> Result<Pool, StoreError> {
    let config: tokio_postgres::Config = url.parse().map_err(|e| StoreError::backend("connection string", e))?;
    let manager = Manager::from_config(config, NoTls, ManagerConfig { recycling_method: RecyclingMethod::Fast });
    let pool = Pool::builder(manager).max_size(16).build().map_err(backend)?;
    let mut client = pool.get().await.map_err(backend)?;
    let tx = client.transaction().await.map_err(backend)?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK]).await.map_err(backend)?;
    tx.batch_execute(MIGRATIONS).await.map_err(backend)?;
    tx.batch_execute(streams::MIGRATIONS).await.map_err(backend)?;
    tx.commit().await.map_err(backend)?;
    Ok(pool)
}

/// One log in a PostgreSQL database.
#[derive(Clone)]
pub struct PostgresStore {
    pool: Pool,
    log: String,
}

impl PostgresStore {
    /// The log named `log` in the database behind `pool`.
    pub fn new(pool: Pool, log: &str) -> Self {
        Self { pool, log: log.to_owned() }
    }

    /// The log's name.
    pub fn log(&self) -> &str {
        &self.log
    }

    /// The connection pool (its status feeds metrics).
    pub fn pool(&self) -> &Pool {
        &self.pool
    }
}

impl LogStore for PostgresStore {
    async fn load(&self) -> Result<Option<StoredState>, StoreError> {
        let client = self.pool.get().await.map_err(backend)?;
        let row = client
            .query_opt("SELECT size, frontier, checkpoint, partial FROM lading_log_state WHERE log = $1", &[&self.log])
            .await
            .map_err(backend)?;
        row.map(|r| {
            let size: i64 = r.get(0);
            let frontier: Vec<u8> = r.get(1);
            let partial: Vec<u8> = r.get(3);
            Ok(StoredState {
                size: u64::try_from(size).map_err(|_| StoreError::Corrupt(format!("negative size {size}")))?,
                frontier: decode_frontier(&frontier)?,
                checkpoint: r.get(2),
                partial: decode_partial(&partial)?,
            })
        })
        .transpose()
    }

    async fn lookup(&self, leaves: Vec<Hash>) -> Result<Vec<Option<u64>>, StoreError> {
        let client = self.pool.get().await.map_err(backend)?;
        let hashes: Vec<Vec<u8>> = leaves.iter().map(|h| h.0.to_vec()).collect();
        let rows = client
            .query("SELECT hash, idx FROM lading_leaves WHERE log = $1 AND hash = ANY($2)", &[&self.log, &hashes])
            .await
            .map_err(backend)?;
        let found: std::collections::HashMap<Vec<u8>, i64> = rows.iter().map(|r| (r.get(0), r.get(1))).collect();
        Ok(hashes.iter().map(|h| found.get(h).map(|i| *i as u64)).collect())
    }

    async fn commit(&self, batch: Batch) -> Result<(), StoreError> {
        let mut client = self.pool.get().await.map_err(backend)?;
        let tx = client.transaction().await.map_err(backend)?;
        tx.execute(
            "INSERT INTO lading_log_state (log, size, frontier, checkpoint, partial) VALUES ($1, 0, ''::bytea, '', ''::bytea)
             ON CONFLICT (log) DO NOTHING",
            &[&self.log],
        )
        .await
        .map_err(backend)?;
        let stored: i64 = tx
            .query_one("SELECT size FROM lading_log_state WHERE log = $1 FOR UPDATE", &[&self.log])
            .await
            .map_err(backend)?
            .get(0);
        if stored as u64 != batch.old_size {
            return Err(StoreError::Conflict { stored: stored as u64, expected: batch.old_size });
        }
        let tiles = batch.full_tiles.iter().chain(batch.state.partial.iter());
        let (paths, datas): (Vec<String>, Vec<Vec<u8>>) = tiles.map(|(id, b)| (id.path(), b.clone())).unzip();
        if !paths.is_empty() {
            tx.execute(
                "INSERT INTO lading_tiles (log, path, data) SELECT $1, p, d FROM UNNEST($2::text[], $3::bytea[]) AS t(p, d)
                 ON CONFLICT (log, path) DO UPDATE SET data = excluded.data",
                &[&self.log, &paths, &datas],
            )
            .await
            .map_err(backend)?;
        }
        if !batch.leaves.is_empty() {
            let hashes: Vec<Vec<u8>> = batch.leaves.iter().map(|(h, _)| h.0.to_vec()).collect();
            let idxs: Vec<i64> = batch.leaves.iter().map(|(_, i)| *i as i64).collect();
            // The state row lock above serialises writers, so a leaf that is
            // already indexed is a repeat the log chose to append (a log
            // opened with `open_appending_all`): it keeps its first index.
            tx.execute(
                "INSERT INTO lading_leaves (log, hash, idx) SELECT $1, h, i FROM UNNEST($2::bytea[], $3::bigint[]) AS t(h, i)
                 ON CONFLICT (log, hash) DO NOTHING",
                &[&self.log, &hashes, &idxs],
            )
            .await
            .map_err(backend)?;
        }
        let s = &batch.state;
        tx.execute(
            "UPDATE lading_log_state SET size = $2, frontier = $3, checkpoint = $4, partial = $5 WHERE log = $1",
            &[&self.log, &(s.size as i64), &encode_frontier(&s.frontier), &s.checkpoint, &encode_partial(&s.partial)],
        )
        .await
        .map_err(backend)?;
        tx.commit().await.map_err(backend)
    }

    async fn probe_writable(&self) -> Result<(), StoreError> {
        // `txid_current()` assigns a transaction id, which only a primary
        // taking writes does (a standby, or a primary that lost its
        // synchronous standby and cannot commit, fails or stalls here).
        let client = self.pool.get().await.map_err(backend)?;
        let probe = client.query_one("SELECT txid_current()", &[]);
        match tokio::time::timeout(std::time::Duration::from_secs(2), probe).await {
            Ok(row) => row.map(drop).map_err(backend),
            Err(_) => Err(StoreError::backend_msg("PostgreSQL: a write probe took longer than 2 s")),
        }
    }

    async fn read_tile(&self, tile: TileId) -> Result<Option<Vec<u8>>, StoreError> {
        let client = self.pool.get().await.map_err(backend)?;
        // Prepared once per connection: a page reads dozens of tiles, each otherwise two round trips.
        let statement = client
            .prepare_cached("SELECT data FROM lading_tiles WHERE log = $1 AND path = $2")
            .await
            .map_err(backend)?;
        let row = client.query_opt(&statement, &[&self.log, &tile.path()]).await.map_err(backend)?;
        Ok(row.map(|r| r.get(0)))
    }

    async fn read_tiles(&self, tiles: Vec<TileId>) -> Result<Vec<Option<Vec<u8>>>, StoreError> {
        let client = self.pool.get().await.map_err(backend)?;
        let statement = client
            .prepare_cached("SELECT path, data FROM lading_tiles WHERE log = $1 AND path = ANY($2)")
            .await
            .map_err(backend)?;
        let paths: Vec<String> = tiles.iter().map(TileId::path).collect();
        let rows = client.query(&statement, &[&self.log, &paths]).await.map_err(backend)?;
        let mut found: std::collections::HashMap<String, Vec<u8>> = rows.iter().map(|r| (r.get(0), r.get(1))).collect();
        let mut out: Vec<Option<Vec<u8>>> = Vec::with_capacity(paths.len());
        for (i, p) in paths.iter().enumerate() {
            // A tile asked twice gets the bytes the first ask took.
            let again = || paths.iter().take(i).position(|q| q == p).and_then(|j| out.get(j).cloned().flatten());
            let bytes = found.remove(p).or_else(again);
            out.push(bytes);
        }
        Ok(out)
    }
}
