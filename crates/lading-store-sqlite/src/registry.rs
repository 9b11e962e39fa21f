//! The service registry of an embedded deployment: `DATA/registry.db`.

use std::path::Path;
use std::sync::{Arc, Mutex};

use lading_log::{LogDefinition, LogWitness, ProviderKey, Registry, Scope, SearchKey, StoreError, TokenRecord};
use rusqlite::{Connection, OptionalExtension as _, params};

const FILE: &str = "registry.db";

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS logs (name TEXT PRIMARY KEY, origin TEXT NOT NULL UNIQUE, created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS tokens (
    id TEXT PRIMARY KEY, hash BLOB NOT NULL UNIQUE, log TEXT NOT NULL, scope TEXT NOT NULL,
    label TEXT NOT NULL, created_at INTEGER NOT NULL, revoked_at INTEGER
);
CREATE TABLE IF NOT EXISTS provider_keys (
    log TEXT NOT NULL, keyid TEXT NOT NULL, spki_der BLOB NOT NULL, label TEXT NOT NULL,
    PRIMARY KEY (log, keyid)
);
CREATE TABLE IF NOT EXISTS log_witnesses (log TEXT NOT NULL, url TEXT NOT NULL, vkey TEXT NOT NULL, PRIMARY KEY (log, vkey));
CREATE TABLE IF NOT EXISTS witnessed_logs (vkey TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS witness_state (origin TEXT PRIMARY KEY, size INTEGER NOT NULL, root BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS entry_index (
    log TEXT NOT NULL, key TEXT NOT NULL, idx INTEGER NOT NULL, PRIMARY KEY (log, key, idx)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS entry_index_by_entry ON entry_index (log, idx);
";

/// The registry in `DIR/registry.db` (SQLite, WAL, synchronous=FULL).
#[derive(Clone)]
pub struct SqliteRegistry {
    db: Arc<Mutex<Connection>>,
}

fn err(e: rusqlite::Error) -> StoreError {
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase) => {
            StoreError::Corrupt(format!("{FILE}: {e}"))
        }
        _ => StoreError::backend(FILE, e),
    }
}

impl SqliteRegistry {
    /// Opens (creating if needed) the registry in `dir`.
    pub fn open(dir: &Path) -> Result<Self, StoreError> {
        crate::private::precreate(&dir.join(FILE)).map_err(|e| StoreError::backend(FILE, e))?;
        let conn = Connection::open(dir.join(FILE)).map_err(err)?;
        conn.busy_timeout(std::time::Duration::from_secs(10)).map_err(err)?;
        conn.pragma_update(None, "journal_mode", "WAL").map_err(err)?;
        conn.pragma_update(None, "synchronous", "FULL").map_err(err)?;
        conn.execute_batch(SCHEMA).map_err(err)?;
        Ok(Self { db: Arc::new(Mutex::new(conn)) })
    }

    async fn with<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Connection) -> rusqlite::Result<T> + Send + 'static,
    ) -> Result<T, StoreError> {
        let db = Arc::clone(&self.db);
        tokio::task::spawn_blocking(move || {
            let conn = db.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            f(&conn).map_err(err)
        })
        .await
        .map_err(|e| StoreError::backend(FILE, e))?
    }
}

fn token_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<TokenRecord> {
    let hash: Vec<u8> = r.get(1)?;
    let scope: String = r.get(3)?;
    Ok(TokenRecord {
        id: r.get(0)?,
        hash: hash.try_into().unwrap_or([0; 32]),
        log: r.get(2)?,
        scope: scope.parse().unwrap_or(Scope::Submit),
        label: r.get(4)?,
        created_at: r.get(5)?,
        revoked_at: r.get(6)?,
    })
}

const TOKEN_COLUMNS: &str = "id, hash, log, scope, label, created_at, revoked_at";

impl Registry for SqliteRegistry {
    async fn logs(&self) -> Result<Vec<LogDefinition>, StoreError> {
        self.with(|c| {
            let mut stmt = c.prepare("SELECT name, origin, created_at FROM logs ORDER BY name")?;
            let rows = stmt
                .query_map([], |r| Ok(LogDefinition { name: r.get(0)?, origin: r.get(1)?, created_at: r.get(2)? }))?;
            rows.collect()
        })
        .await
    }

    async fn add_log(&self, log: LogDefinition) -> Result<(), StoreError> {
        self.with(move |c| {
            c.execute(
                "INSERT INTO logs (name, origin, created_at) VALUES (?1, ?2, ?3)",
                params![log.name, log.origin, log.created_at],
            )
            .map(|_| ())
        })
        .await
    }

    async fn token_by_hash(&self, hash: [u8; 32]) -> Result<Option<TokenRecord>, StoreError> {
        self.with(move |c| {
            c.query_row(&format!("SELECT {TOKEN_COLUMNS} FROM tokens WHERE hash = ?1"), [&hash[..]], token_from_row)
                .optional()
        })
        .await
    }

    async fn tokens(&self) -> Result<Vec<TokenRecord>, StoreError> {
        self.with(|c| {
            let mut stmt = c.prepare(&format!("SELECT {TOKEN_COLUMNS} FROM tokens ORDER BY created_at, id"))?;
            let rows = stmt.query_map([], token_from_row)?;
            rows.collect()
        })
        .await
    }

    async fn add_token(&self, t: TokenRecord) -> Result<(), StoreError> {
        self.with(move |c| {
            c.execute(
                &format!("INSERT INTO tokens ({TOKEN_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"),
                params![t.id, &t.hash[..], t.log, t.scope.name(), t.label, t.created_at, t.revoked_at],
            )
            .map(|_| ())
        })
        .await
    }

    async fn revoke_token(&self, id: String, at: i64) -> Result<bool, StoreError> {
        self.with(move |c| {
            c.execute("UPDATE tokens SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL", params![id, at])
                .map(|n| n > 0)
        })
        .await
    }

    async fn provider_key(&self, log: String, keyid: String) -> Result<Option<ProviderKey>, StoreError> {
        self.with(move |c| {
            c.query_row(
                "SELECT log, keyid, spki_der, label FROM provider_keys WHERE log = ?1 AND keyid = ?2",
                params![log, keyid],
                |r| Ok(ProviderKey { log: r.get(0)?, keyid: r.get(1)?, spki_der: r.get(2)?, label: r.get(3)? }),
            )
            .optional()
        })
        .await
    }

    async fn provider_keys(&self) -> Result<Vec<ProviderKey>, StoreError> {
        self.with(|c| {
            let mut stmt = c.prepare("SELECT log, keyid, spki_der, label FROM provider_keys ORDER BY log, keyid")?;
            let rows = stmt.query_map([], |r| {
                Ok(ProviderKey { log: r.get(0)?, keyid: r.get(1)?, spki_der: r.get(2)?, label: r.get(3)? })
            })?;
            rows.collect()
        })
        .await
    }

    async fn add_provider_key(&self, k: ProviderKey) -> Result<(), StoreError> {
        self.with(move |c| {
            c.execute(
                "INSERT OR REPLACE INTO provider_keys (log, keyid, spki_der, label) VALUES (?1, ?2, ?3, ?4)",
                params![k.log, k.keyid, k.spki_der, k.label],
            )
            .map(|_| ())
        })
        .await
    }

    async fn log_witnesses(&self) -> Result<Vec<LogWitness>, StoreError> {
        self.with(|c| {
            let mut stmt = c.prepare("SELECT log, url, vkey FROM log_witnesses ORDER BY log, url")?;
            let rows = stmt.query_map([], |r| Ok(LogWitness { log: r.get(0)?, url: r.get(1)?, vkey: r.get(2)? }))?;
            rows.collect()
        })
        .await
    }

    async fn add_log_witness(&self, w: LogWitness) -> Result<(), StoreError> {
        self.with(move |c| {
            c.execute(
                "INSERT OR REPLACE INTO log_witnesses (log, url, vkey) VALUES (?1, ?2, ?3)",
                params![w.log, w.url, w.vkey],
            )
            .map(|_| ())
        })
        .await
    }

    async fn index_entry(&self, log: String, index: u64, keys: Vec<SearchKey>) -> Result<(), StoreError> {
        self.with(move |c| {
            let tx = c.unchecked_transaction()?;
            {
                let mut stmt =
                    tx.prepare_cached("INSERT OR IGNORE INTO entry_index (log, key, idx) VALUES (?1, ?2, ?3)")?;
                for key in &keys {
                    stmt.execute(params![log, key.as_str(), index as i64])?;
                }
            }
            tx.commit()
        })
        .await
    }

    async fn search(&self, log: String, key: SearchKey, limit: u32) -> Result<Vec<u64>, StoreError> {
        self.with(move |c| {
            let mut stmt =
                c.prepare_cached("SELECT idx FROM entry_index WHERE log = ?1 AND key = ?2 ORDER BY idx LIMIT ?3")?;
            let rows = stmt.query_map(params![log, key.as_str(), limit], |r| Ok(r.get::<_, i64>(0)? as u64))?;
            rows.collect()
        })
        .await
    }

    async fn entry_keys(&self, log: String, index: u64) -> Result<Vec<SearchKey>, StoreError> {
        let stored: Vec<String> = self
            .with(move |c| {
                let mut stmt =
                    c.prepare_cached("SELECT key FROM entry_index WHERE log = ?1 AND idx = ?2 ORDER BY key")?;
                let rows = stmt.query_map(params![log, index as i64], |r| r.get::<_, String>(0))?;
                rows.collect()
            })
            .await?;
        stored.iter().map(|k| SearchKey::from_stored(k).map_err(StoreError::Corrupt)).collect()
    }

    async fn witnessed_logs(&self) -> Result<Vec<String>, StoreError> {
        self.with(|c| {
            let mut stmt = c.prepare("SELECT vkey FROM witnessed_logs ORDER BY vkey")?;
            let rows = stmt.query_map([], |r| r.get(0))?;
            rows.collect()
        })
        .await
    }

    async fn add_witnessed_log(&self, vkey: String) -> Result<(), StoreError> {
        self.with(move |c| c.execute("INSERT OR IGNORE INTO witnessed_logs (vkey) VALUES (?1)", [vkey]).map(|_| ()))
            .await
    }

    async fn witness_state(&self, origin: String) -> Result<Option<(u64, [u8; 32])>, StoreError> {
        self.with(move |c| {
            c.query_row("SELECT size, root FROM witness_state WHERE origin = ?1", [origin], |r| {
                let root: Vec<u8> = r.get(1)?;
                Ok((r.get::<_, i64>(0)? as u64, root.try_into().unwrap_or([0; 32])))
            })
            .optional()
        })
        .await
    }

    async fn witness_advance(
        &self,
        origin: String,
        expected: u64,
        size: u64,
        root: [u8; 32],
    ) -> Result<bool, StoreError> {
        self.with(move |c| {
            // One statement each way, under SQLite's write lock: a
            // compare-and-set on the stored size.
            let changed = if expected == 0 {
                c.execute(
                    "INSERT INTO witness_state (origin, size, root) VALUES (?1, ?2, ?3)
                     ON CONFLICT (origin) DO UPDATE SET size = excluded.size, root = excluded.root WHERE witness_state.size = 0",
                    params![origin, size as i64, &root[..]],
                )?
            } else {
                c.execute(
                    "UPDATE witness_state SET size = ?2, root = ?3 WHERE origin = ?1 AND size = ?4",
                    params![origin, size as i64, &root[..], expected as i64],
                )?
            };
            Ok(changed > 0)
        })
        .await
    }
}
