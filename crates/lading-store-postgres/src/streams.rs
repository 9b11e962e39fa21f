//! Maintenance streams on PostgreSQL, for deployments whose front-ends
//! share one database. A stream is a row of `lading_streams` (its settings),
//! a log named `stream/NAME` in the log tables, its event index in
//! `lading_stream_events`, its holds and token hashes in their own tables.
//! Private keys stay in files (the caller's `--keys DIR`).
//!
//! One writer at a time: [`StreamStore::open`] takes a session-level
//! advisory lock on the stream, held on a connection of its own for as
//! long as the stream is open, so every front-end numbers events against
//! the log's true size. A front-end that dies releases the lock with its
//! connection. The log reloads its state at open, so a front-end continues
//! from whatever another one appended.

use std::collections::HashSet;
use std::time::Duration;

use deadpool_postgres::{Object, Pool};
use lading_log::{BatchConfig, Log, StoreError};
use lading_stream::{
    Holds, IndexedEvent, OpenStream, StreamConfig, StreamError, StreamStore, StreamToken, check_name, note_signer,
};
use lading_tlog::{TileId, TileKind};

use crate::{PostgresStore, backend};

/// The schema of streams, applied with the other migrations.
pub(crate) const MIGRATIONS: &str = "
CREATE TABLE IF NOT EXISTS lading_streams (name TEXT PRIMARY KEY, config BYTEA NOT NULL);
CREATE TABLE IF NOT EXISTS lading_stream_events (
    stream TEXT NOT NULL, sequence BIGINT NOT NULL, event_id TEXT NOT NULL, occurred_ms BIGINT NOT NULL,
    PRIMARY KEY (stream, sequence), UNIQUE (stream, event_id));
CREATE INDEX IF NOT EXISTS lading_stream_events_time ON lading_stream_events (stream, occurred_ms);
CREATE TABLE IF NOT EXISTS lading_stream_holds (stream TEXT PRIMARY KEY, holds BYTEA NOT NULL);
CREATE TABLE IF NOT EXISTS lading_stream_tokens (
    id TEXT PRIMARY KEY, stream TEXT NOT NULL, hash BYTEA NOT NULL UNIQUE, record BYTEA NOT NULL);
CREATE TABLE IF NOT EXISTS lading_stream_changes (id INT PRIMARY KEY CHECK (id = 0), version BIGINT NOT NULL);
INSERT INTO lading_stream_changes (id, version) VALUES (0, 0) ON CONFLICT (id) DO NOTHING;
";

/// Counts a change of streams or tokens (front-ends poll the count) and
/// notifies `LISTEN lading_streams` listeners, in the caller's transaction.
const BUMP: &str = "UPDATE lading_stream_changes SET version = version + 1 WHERE id = 0; NOTIFY lading_streams";

/// How long an opener waits for another front-end to release the stream.
pub const LOCK_WAIT: Duration = Duration::from_secs(5);

fn pg(e: impl std::error::Error + Send + Sync + 'static) -> StreamError {
    StreamError::Store(backend(e))
}

/// The log of stream `name` (a name registry logs cannot take: they have no `/`).
pub fn log_name(name: &str) -> String {
    format!("stream/{name}")
}

/// The streams of a PostgreSQL deployment.
#[derive(Clone)]
pub struct PostgresStreams {
    pool: Pool,
}

impl PostgresStreams {
    /// The streams in the database behind `pool` (from [`crate::connect`]).
    pub fn new(pool: Pool) -> Self {
        Self { pool }
    }

    async fn client(&self) -> Result<Object, StreamError> {
        self.pool.get().await.map_err(pg)
    }

    fn not_found(name: &str) -> StreamError {
        StreamError::NotFound {
            stream: name.to_owned(),
            detail: format!(
                "no stream {name:?} in the PostgreSQL deployment; create it with `lading maint stream create`"
            ),
        }
    }

    /// Takes the stream's advisory lock on `client`, waiting up to
    /// [`LOCK_WAIT`] in PostgreSQL's queue of waiters (first come, first
    /// served, so front-ends take turns).
    async fn lock(client: &Object, name: &str) -> Result<(), StreamError> {
        let ms = i64::try_from(LOCK_WAIT.as_millis()).unwrap_or(i64::MAX);
        client.execute(&format!("SET lock_timeout = {ms}"), &[]).await.map_err(pg)?;
        let locked = client.execute("SELECT pg_advisory_lock(hashtextextended($1, 0))", &[&log_name(name)]).await;
        client.execute("RESET lock_timeout", &[]).await.map_err(pg)?;
        match locked {
            Ok(_) => Ok(()),
            Err(e) if e.code() == Some(&tokio_postgres::error::SqlState::LOCK_NOT_AVAILABLE) => {
                Err(StreamError::Busy(format!(
                    "another front-end has been writing to stream {name} for {} s; retry, or send its events there",
                    LOCK_WAIT.as_secs()
                )))
            }
            Err(e) => Err(pg(e)),
        }
    }

    async fn unlock(client: &Object, name: &str) -> Result<(), StreamError> {
        client.execute("SELECT pg_advisory_unlock(hashtextextended($1, 0))", &[&log_name(name)]).await.map_err(pg)?;
        Ok(())
    }
}

impl StreamStore for PostgresStreams {
    type Log = PostgresStore;
    type Open = PostgresOpenStream;

    async fn streams(&self) -> Result<Vec<StreamConfig>, StreamError> {
        let rows = self
            .client()
            .await?
            .query("SELECT name, config FROM lading_streams ORDER BY name", &[])
            .await
            .map_err(pg)?;
        rows.iter()
            .map(|r| {
                let name: String = r.get(0);
                StreamConfig::parse(r.get::<_, &[u8]>(1), &format!("lading_streams row {name:?}"))
            })
            .collect()
    }

    async fn config(&self, name: &str) -> Result<StreamConfig, StreamError> {
        check_name(name)?;
        let row = self
            .client()
            .await?
            .query_opt("SELECT config FROM lading_streams WHERE name = $1", &[&name])
            .await
            .map_err(pg)?
            .ok_or_else(|| Self::not_found(name))?;
        StreamConfig::parse(row.get::<_, &[u8]>(0), &format!("lading_streams row {name:?}"))
    }

    async fn create(&self, config: &StreamConfig, key: &lading_stream::StreamKey) -> Result<(), StreamError> {
        check_name(&config.name)?;
        let signer = note_signer(&config.origin, key)?;
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(pg)?;
        let inserted = tx
            .execute(
                "INSERT INTO lading_streams (name, config) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
                &[&config.name, &config.to_bytes()],
            )
            .await
            .map_err(pg)?;
        if inserted == 0 {
            return Err(StreamError::Exists { stream: config.name.clone(), place: "the PostgreSQL deployment".into() });
        }
        let existing: Option<i64> = tx
            .query_opt("SELECT size FROM lading_log_state WHERE log = $1", &[&log_name(&config.name)])
            .await
            .map_err(pg)?
            .map(|r| r.get(0));
        if existing.is_some() {
            return Err(StreamError::Exists {
                stream: config.name.clone(),
                place: format!("the PostgreSQL deployment (log {} exists)", log_name(&config.name)),
            });
        }
        tx.batch_execute(BUMP).await.map_err(pg)?;
        tx.commit().await.map_err(pg)?;
        // An empty log: its first checkpoint, signed.
        let store = PostgresStore::new(self.pool.clone(), &log_name(&config.name));
        let log = Log::open(store, signer, BatchConfig::default()).await?;
        log.shutdown().await;
        Ok(())
    }

    async fn open(
        &self,
        config: &StreamConfig,
        key: &lading_stream::StreamKey,
    ) -> Result<PostgresOpenStream, StreamError> {
        check_name(&config.name)?;
        let signer = note_signer(&config.origin, key)?;
        let lock = self.client().await?;
        Self::lock(&lock, &config.name).await?;
        let store = PostgresStore::new(self.pool.clone(), &log_name(&config.name));
        let config_batch = BatchConfig { max_batch: 1, max_wait: Duration::ZERO };
        match Log::open_appending_all(store, signer, config_batch).await {
            Ok(log) => Ok(PostgresOpenStream {
                log,
                pool: self.pool.clone(),
                name: config.name.clone(),
                lock: LockedConnection(Some(lock)),
            }),
            Err(e) => {
                let _ = Self::unlock(&lock, &config.name).await;
                Err(e.into())
            }
        }
    }

    async fn indexed(&self, name: &str) -> Result<(u64, Option<i64>), StreamError> {
        let row = self
            .client()
            .await?
            .query_one("SELECT MAX(sequence), MAX(occurred_ms) FROM lading_stream_events WHERE stream = $1", &[&name])
            .await
            .map_err(pg)?;
        let max: Option<i64> = row.get(0);
        Ok((max.map_or(0, |m| m as u64 + 1), row.get(1)))
    }

    async fn holds(&self, name: &str) -> Result<Holds, StreamError> {
        self.config(name).await?;
        let row = self
            .client()
            .await?
            .query_opt("SELECT holds FROM lading_stream_holds WHERE stream = $1", &[&name])
            .await
            .map_err(pg)?;
        match row {
            Some(r) => Holds::parse(r.get::<_, &[u8]>(0), &format!("lading_stream_holds row {name:?}")),
            None => Ok(Holds::default()),
        }
    }

    async fn update_holds<T: Send + 'static>(
        &self,
        name: &str,
        change: impl FnOnce(&mut Holds) -> Result<T, StreamError> + Send + 'static,
    ) -> Result<T, StreamError> {
        self.config(name).await?;
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(pg)?;
        // The stream's row serialises changes to its holds.
        tx.execute("SELECT 1 FROM lading_streams WHERE name = $1 FOR UPDATE", &[&name]).await.map_err(pg)?;
        let row =
            tx.query_opt("SELECT holds FROM lading_stream_holds WHERE stream = $1", &[&name]).await.map_err(pg)?;
        let mut holds = match row {
            Some(r) => Holds::parse(r.get::<_, &[u8]>(0), &format!("lading_stream_holds row {name:?}"))?,
            None => Holds::default(),
        };
        let out = change(&mut holds)?;
        tx.execute(
            "INSERT INTO lading_stream_holds (stream, holds) VALUES ($1, $2)
             ON CONFLICT (stream) DO UPDATE SET holds = excluded.holds",
            &[&name, &holds.to_bytes()],
        )
        .await
        .map_err(pg)?;
        tx.commit().await.map_err(pg)?;
        Ok(out)
    }

    async fn tokens(&self, name: &str) -> Result<Vec<StreamToken>, StreamError> {
        let rows = self
            .client()
            .await?
            .query("SELECT id, record FROM lading_stream_tokens WHERE stream = $1 ORDER BY id", &[&name])
            .await
            .map_err(pg)?;
        rows.iter()
            .map(|r| {
                let id: String = r.get(0);
                let list =
                    lading_stream::parse_tokens(r.get::<_, &[u8]>(1), &format!("lading_stream_tokens row {id:?}"))?;
                list.into_iter()
                    .next()
                    .ok_or_else(|| StreamError::Corrupt(format!("lading_stream_tokens row {id:?} is empty")))
            })
            .collect()
    }

    fn shared(&self) -> bool {
        true
    }

    async fn add_token(&self, name: &str, token: StreamToken) -> Result<(), StreamError> {
        self.config(name).await?;
        let hash = token.hash()?.to_vec();
        let record = lading_stream::tokens_to_bytes(std::slice::from_ref(&token));
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(pg)?;
        tx.execute(
            "INSERT INTO lading_stream_tokens (id, stream, hash, record) VALUES ($1, $2, $3, $4)",
            &[&token.id, &name, &hash, &record],
        )
        .await
        .map_err(pg)?;
        tx.batch_execute(BUMP).await.map_err(pg)?;
        tx.commit().await.map_err(pg)
    }

    async fn revoke_token(&self, name: &str, id: &str) -> Result<bool, StreamError> {
        self.config(name).await?;
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(pg)?;
        let deleted = tx
            .execute("DELETE FROM lading_stream_tokens WHERE stream = $1 AND id = $2", &[&name, &id])
            .await
            .map_err(pg)?;
        tx.batch_execute(BUMP).await.map_err(pg)?;
        tx.commit().await.map_err(pg)?;
        Ok(deleted > 0)
    }

    async fn changes(&self) -> Result<Option<i64>, StreamError> {
        let row = self
            .client()
            .await?
            .query_one("SELECT version FROM lading_stream_changes WHERE id = 0", &[])
            .await
            .map_err(pg)?;
        Ok(Some(row.get(0)))
    }
}

/// A PostgreSQL stream open for writing: its log, and the connection
/// holding its advisory lock.
pub struct PostgresOpenStream {
    log: Log<PostgresStore>,
    pool: Pool,
    name: String,
    lock: LockedConnection,
}

/// The connection holding a stream's advisory lock; `None` once released.
struct LockedConnection(Option<Object>);

impl Drop for LockedConnection {
    /// A stream dropped without [`OpenStream::close`] (an error path) must
    /// not return a connection that still holds its lock to the pool: the
    /// connection is taken out of the pool and closed, which releases it.
    fn drop(&mut self) {
        if let Some(conn) = self.0.take() {
            drop(Object::take(conn));
        }
    }
}

fn seq(v: i64) -> Result<u64, StreamError> {
    u64::try_from(v).map_err(|_| StreamError::Corrupt(format!("negative sequence {v} in lading_stream_events")))
}

fn int(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

fn bundle_path(bundle: u64) -> String {
    TileId { kind: TileKind::Entries, index: bundle, width: 256 }.path()
}

impl PostgresOpenStream {
    async fn client(&self) -> Result<Object, StreamError> {
        self.pool.get().await.map_err(pg)
    }

    /// The locked connection, which serves the index's queries too.
    fn conn(&self) -> Result<&Object, StreamError> {
        self.lock.0.as_ref().ok_or_else(|| StreamError::Unavailable(format!("stream {} is closed", self.name)))
    }
}

impl OpenStream for PostgresOpenStream {
    type Log = PostgresStore;

    fn log(&self) -> &Log<PostgresStore> {
        &self.log
    }

    async fn next_indexed(&mut self) -> Result<u64, StreamError> {
        let row = self
            .conn()?
            .query_one("SELECT MAX(sequence) FROM lading_stream_events WHERE stream = $1", &[&self.name])
            .await
            .map_err(pg)?;
        row.get::<_, Option<i64>>(0).map_or(Ok(0), |m| Ok(seq(m)? + 1))
    }

    async fn latest_occurred_ms(&mut self) -> Result<Option<i64>, StreamError> {
        let row = self
            .conn()?
            .query_one("SELECT MAX(occurred_ms) FROM lading_stream_events WHERE stream = $1", &[&self.name])
            .await
            .map_err(pg)?;
        Ok(row.get(0))
    }

    async fn known(&mut self, ids: Vec<String>) -> Result<HashSet<String>, StreamError> {
        let rows = self
            .conn()?
            .query(
                "SELECT event_id FROM lading_stream_events WHERE stream = $1 AND event_id = ANY($2)",
                &[&self.name, &ids],
            )
            .await
            .map_err(pg)?;
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }

    async fn sequence_of(&mut self, event_id: String) -> Result<Option<u64>, StreamError> {
        let row = self
            .conn()?
            .query_opt(
                "SELECT sequence FROM lading_stream_events WHERE stream = $1 AND event_id = $2",
                &[&self.name, &event_id],
            )
            .await
            .map_err(pg)?;
        row.map(|r| seq(r.get(0))).transpose()
    }

    async fn index_events(&mut self, rows: Vec<IndexedEvent>) -> Result<(), StreamError> {
        if rows.is_empty() {
            return Ok(());
        }
        let next = self.next_indexed().await?;
        for (i, r) in rows.iter().enumerate() {
            if r.sequence != next + i as u64 {
                return Err(StreamError::Store(StoreError::Conflict { stored: next + i as u64, expected: r.sequence }));
            }
        }
        let seqs: Vec<i64> = rows.iter().map(|r| int(r.sequence)).collect();
        let ids: Vec<&str> = rows.iter().map(|r| r.event_id.as_str()).collect();
        let times: Vec<i64> = rows.iter().map(|r| r.occurred_ms).collect();
        self.conn()?
            .execute(
                "INSERT INTO lading_stream_events (stream, sequence, event_id, occurred_ms)
                 SELECT $1, s, e, t FROM UNNEST($2::bigint[], $3::text[], $4::bigint[]) AS x(s, e, t)",
                &[&self.name, &seqs, &ids, &times],
            )
            .await
            .map_err(|e| {
                if e.code() == Some(&tokio_postgres::error::SqlState::UNIQUE_VIOLATION) {
                    StreamError::Corrupt(format!("stream {}: an event id is indexed twice ({e})", self.name))
                } else {
                    pg(e)
                }
            })?;
        Ok(())
    }

    async fn max_occurred_in(&mut self, from: u64, to: u64) -> Result<Option<i64>, StreamError> {
        let row = self
            .conn()?
            .query_one(
                "SELECT MAX(occurred_ms) FROM lading_stream_events WHERE stream = $1 AND sequence >= $2 AND sequence < $3",
                &[&self.name, &int(from), &int(to)],
            )
            .await
            .map_err(pg)?;
        Ok(row.get(0))
    }

    async fn count_before(&mut self, ms: i64, from: u64, to: u64) -> Result<u64, StreamError> {
        let row = self
            .conn()?
            .query_one(
                "SELECT COUNT(*) FROM lading_stream_events
                 WHERE stream = $1 AND occurred_ms < $2 AND sequence >= $3 AND sequence < $4",
                &[&self.name, &ms, &int(from), &int(to)],
            )
            .await
            .map_err(pg)?;
        seq(row.get(0))
    }

    async fn first_at_or_after(&mut self, ms: i64, tolerance_ms: i64) -> Result<Option<u64>, StreamError> {
        // As the embedded index: the first such event occurred within the
        // tolerance of the earliest time at or after `ms`.
        let row = self
            .conn()?
            .query_one(
                "WITH t AS (SELECT MIN(occurred_ms) AS at FROM lading_stream_events WHERE stream = $1 AND occurred_ms >= $2)
                 SELECT MIN(sequence) FROM lading_stream_events, t
                 WHERE stream = $1 AND occurred_ms >= t.at AND occurred_ms <= t.at + $3",
                &[&self.name, &ms, &tolerance_ms.max(0)],
            )
            .await
            .map_err(pg)?;
        row.get::<_, Option<i64>>(0).map(seq).transpose()
    }

    async fn last_before(&mut self, ms: i64, tolerance_ms: i64) -> Result<Option<u64>, StreamError> {
        let row = self
            .conn()?
            .query_one(
                "WITH t AS (SELECT MAX(occurred_ms) AS at FROM lading_stream_events WHERE stream = $1 AND occurred_ms < $2)
                 SELECT MAX(sequence) FROM lading_stream_events, t
                 WHERE stream = $1 AND occurred_ms <= t.at AND occurred_ms >= t.at - $3",
                &[&self.name, &ms, &tolerance_ms.max(0)],
            )
            .await
            .map_err(pg)?;
        row.get::<_, Option<i64>>(0).map(seq).transpose()
    }

    async fn has_entry_bundle(&self, bundle: u64) -> Result<bool, StreamError> {
        let row = self
            .client()
            .await?
            .query_opt(
                "SELECT 1 FROM lading_tiles WHERE log = $1 AND path = $2",
                &[&log_name(&self.name), &bundle_path(bundle)],
            )
            .await
            .map_err(pg)?;
        Ok(row.is_some())
    }

    async fn prune_entry_bundle(&self, bundle: u64, size: u64) -> Result<bool, StreamError> {
        if (bundle + 1) * 256 > size {
            return Err(StreamError::Invalid(format!(
                "entry bundle {bundle} is not full at size {size}; only full bundles are pruned"
            )));
        }
        let deleted = self
            .client()
            .await?
            .execute(
                "DELETE FROM lading_tiles WHERE log = $1 AND path = $2",
                &[&log_name(&self.name), &bundle_path(bundle)],
            )
            .await
            .map_err(pg)?;
        Ok(deleted > 0)
    }

    async fn close(mut self) -> Result<(), StreamError> {
        self.log.shutdown().await;
        let conn =
            self.lock.0.take().ok_or_else(|| StreamError::Unavailable(format!("stream {} is closed", self.name)))?;
        let unlocked = PostgresStreams::unlock(&conn, &self.name).await;
        if unlocked.is_err() {
            drop(Object::take(conn));
        }
        unlocked
    }
}
