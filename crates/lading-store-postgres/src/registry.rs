//! The service registry of a PostgreSQL deployment, shared by every front-end.

use deadpool_postgres::Pool;
use lading_log::{LogDefinition, LogWitness, ProviderKey, Registry, Scope, SearchKey, StoreError, TokenRecord};
use tokio_postgres::Row;

use crate::backend;

/// Logs, tokens, provider keys and witness state in PostgreSQL.
#[derive(Clone)]
pub struct PostgresRegistry {
    pool: Pool,
}

impl PostgresRegistry {
    /// The registry in the database behind `pool` (see [`crate::connect`]).
    pub fn new(pool: Pool) -> Self {
        Self { pool }
    }

    async fn query(
        &self,
        sql: &str,
        params: &[&(dyn tokio_postgres::types::ToSql + Sync)],
    ) -> Result<Vec<Row>, StoreError> {
        let client = self.pool.get().await.map_err(backend)?;
        client.query(sql, params).await.map_err(backend)
    }

    async fn execute(
        &self,
        sql: &str,
        params: &[&(dyn tokio_postgres::types::ToSql + Sync)],
    ) -> Result<u64, StoreError> {
        let client = self.pool.get().await.map_err(backend)?;
        client.execute(sql, params).await.map_err(backend)
    }
}

const TOKEN_COLUMNS: &str = "id, hash, log, scope, label, created_at, revoked_at";

fn token(r: &Row) -> TokenRecord {
    let hash: Vec<u8> = r.get(1);
    let scope: String = r.get(3);
    TokenRecord {
        id: r.get(0),
        hash: hash.try_into().unwrap_or([0; 32]),
        log: r.get(2),
        scope: scope.parse().unwrap_or(Scope::Submit),
        label: r.get(4),
        created_at: r.get(5),
        revoked_at: r.get(6),
    }
}

fn provider(r: &Row) -> ProviderKey {
    ProviderKey { log: r.get(0), keyid: r.get(1), spki_der: r.get(2), label: r.get(3) }
}

impl Registry for PostgresRegistry {
    async fn logs(&self) -> Result<Vec<LogDefinition>, StoreError> {
        let rows = self.query("SELECT name, origin, created_at FROM lading_logs ORDER BY name", &[]).await?;
        Ok(rows.iter().map(|r| LogDefinition { name: r.get(0), origin: r.get(1), created_at: r.get(2) }).collect())
    }

    async fn add_log(&self, log: LogDefinition) -> Result<(), StoreError> {
        self.execute(
            "INSERT INTO lading_logs (name, origin, created_at) VALUES ($1, $2, $3)",
            &[&log.name, &log.origin, &log.created_at],
        )
        .await
        .map(|_| ())
    }

    async fn token_by_hash(&self, hash: [u8; 32]) -> Result<Option<TokenRecord>, StoreError> {
        let rows = self
            .query(&format!("SELECT {TOKEN_COLUMNS} FROM lading_tokens WHERE hash = $1"), &[&hash.to_vec()])
            .await?;
        Ok(rows.first().map(token))
    }

    async fn tokens(&self) -> Result<Vec<TokenRecord>, StoreError> {
        let rows =
            self.query(&format!("SELECT {TOKEN_COLUMNS} FROM lading_tokens ORDER BY created_at, id"), &[]).await?;
        Ok(rows.iter().map(token).collect())
    }

    async fn add_token(&self, t: TokenRecord) -> Result<(), StoreError> {
        self.execute(
            &format!("INSERT INTO lading_tokens ({TOKEN_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)"),
            &[&t.id, &t.hash.to_vec(), &t.log, &t.scope.name(), &t.label, &t.created_at, &t.revoked_at],
        )
        .await
        .map(|_| ())
    }

    async fn revoke_token(&self, id: String, at: i64) -> Result<bool, StoreError> {
        Ok(self
            .execute("UPDATE lading_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL", &[&id, &at])
            .await?
            > 0)
    }

    async fn provider_key(&self, log: String, keyid: String) -> Result<Option<ProviderKey>, StoreError> {
        let rows = self
            .query(
                "SELECT log, keyid, spki_der, label FROM lading_provider_keys WHERE log = $1 AND keyid = $2",
                &[&log, &keyid],
            )
            .await?;
        Ok(rows.first().map(provider))
    }

    async fn provider_keys(&self) -> Result<Vec<ProviderKey>, StoreError> {
        let rows =
            self.query("SELECT log, keyid, spki_der, label FROM lading_provider_keys ORDER BY log, keyid", &[]).await?;
        Ok(rows.iter().map(provider).collect())
    }

    async fn add_provider_key(&self, k: ProviderKey) -> Result<(), StoreError> {
        self.execute(
            "INSERT INTO lading_provider_keys (log, keyid, spki_der, label) VALUES ($1, $2, $3, $4)
             ON CONFLICT (log, keyid) DO UPDATE SET spki_der = excluded.spki_der, label = excluded.label",
            &[&k.log, &k.keyid, &k.spki_der, &k.label],
        )
        .await
        .map(|_| ())
    }

    async fn log_witnesses(&self) -> Result<Vec<LogWitness>, StoreError> {
        let rows = self.query("SELECT log, url, vkey FROM lading_log_witnesses ORDER BY log, url", &[]).await?;
        Ok(rows.iter().map(|r| LogWitness { log: r.get(0), url: r.get(1), vkey: r.get(2) }).collect())
    }

    async fn add_log_witness(&self, w: LogWitness) -> Result<(), StoreError> {
        self.execute(
            "INSERT INTO lading_log_witnesses (log, url, vkey) VALUES ($1, $2, $3) ON CONFLICT (log, vkey) DO UPDATE SET url = excluded.url",
            &[&w.log, &w.url, &w.vkey],
        )
        .await
        .map(|_| ())
    }

    async fn index_entry(&self, log: String, index: u64, keys: Vec<SearchKey>) -> Result<(), StoreError> {
        let keys: Vec<&str> = keys.iter().map(SearchKey::as_str).collect();
        // One statement for every key: the entry's keys are recorded together or not at all.
        self.execute(
            "INSERT INTO lading_entry_index (log, key, idx) SELECT $1, k, $3 FROM unnest($2::text[]) AS k
             ON CONFLICT DO NOTHING",
            &[&log, &keys, &(index as i64)],
        )
        .await
        .map(|_| ())
    }

    async fn search(&self, log: String, key: SearchKey, limit: u32) -> Result<Vec<u64>, StoreError> {
        let rows = self
            .query(
                "SELECT idx FROM lading_entry_index WHERE log = $1 AND key = $2 ORDER BY idx LIMIT $3",
                &[&log, &key.as_str(), &i64::from(limit)],
            )
            .await?;
        Ok(rows.iter().map(|r| r.get::<_, i64>(0) as u64).collect())
    }

    async fn entry_keys(&self, log: String, index: u64) -> Result<Vec<SearchKey>, StoreError> {
        let rows = self
            .query(
                "SELECT key FROM lading_entry_index WHERE log = $1 AND idx = $2 ORDER BY key",
                &[&log, &(index as i64)],
            )
            .await?;
        rows.iter().map(|r| SearchKey::from_stored(r.get::<_, &str>(0)).map_err(StoreError::Corrupt)).collect()
    }

    async fn witnessed_logs(&self) -> Result<Vec<String>, StoreError> {
        let rows = self.query("SELECT vkey FROM lading_witnessed_logs ORDER BY vkey", &[]).await?;
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }

    async fn add_witnessed_log(&self, vkey: String) -> Result<(), StoreError> {
        self.execute("INSERT INTO lading_witnessed_logs (vkey) VALUES ($1) ON CONFLICT DO NOTHING", &[&vkey])
            .await
            .map(|_| ())
    }

    async fn witness_state(&self, origin: String) -> Result<Option<(u64, [u8; 32])>, StoreError> {
        let rows = self.query("SELECT size, root FROM lading_witness_state WHERE origin = $1", &[&origin]).await?;
        Ok(rows.first().map(|r| {
            let size: i64 = r.get(0);
            let root: Vec<u8> = r.get(1);
            (size as u64, root.try_into().unwrap_or([0; 32]))
        }))
    }

    async fn witness_advance(
        &self,
        origin: String,
        expected: u64,
        size: u64,
        root: [u8; 32],
    ) -> Result<bool, StoreError> {
        // Compare-and-set in one statement: concurrent requests cannot roll back.
        let changed = if expected == 0 {
            self.execute(
                "INSERT INTO lading_witness_state (origin, size, root) VALUES ($1, $2, $3)
                 ON CONFLICT (origin) DO UPDATE SET size = excluded.size, root = excluded.root WHERE lading_witness_state.size = 0",
                &[&origin, &(size as i64), &root.to_vec()],
            )
            .await?
        } else {
            self.execute(
                "UPDATE lading_witness_state SET size = $2, root = $3 WHERE origin = $1 AND size = $4",
                &[&origin, &(size as i64), &root.to_vec(), &(expected as i64)],
            )
            .await?
        };
        Ok(changed > 0)
    }
}
