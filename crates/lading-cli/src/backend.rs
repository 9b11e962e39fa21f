//! The composition root's choice of backend: the embedded SQLite store or
//! PostgreSQL, behind one concrete type each for the log store and the
//! registry, so the server and commands are written once.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};
use lading_crypto::Signer as _;
use lading_log::{
    Batch, BatchConfig, Log, LogDefinition, LogStore, LogWitness, ProviderKey, Registry, SearchKey, StoreError,
    StoredState, TokenRecord,
};
use lading_store_postgres::{PostgresRegistry, PostgresStore};
use lading_store_sqlite::{SqliteRegistry, SqliteStore};
use lading_tlog::{Hash, TileId};

use crate::cli::DataArgs;
use crate::fsio;

/// Either log backend.
#[derive(Clone)]
pub(crate) enum AnyStore {
    Sqlite(SqliteStore),
    Postgres(PostgresStore),
}

macro_rules! delegate {
    ($self:ident, $s:ident => $e:expr) => {
        match $self {
            Self::Sqlite($s) => $e,
            Self::Postgres($s) => $e,
        }
    };
}

impl LogStore for AnyStore {
    async fn load(&self) -> Result<Option<StoredState>, StoreError> {
        delegate!(self, s => s.load().await)
    }
    async fn lookup(&self, leaves: Vec<Hash>) -> Result<Vec<Option<u64>>, StoreError> {
        delegate!(self, s => s.lookup(leaves).await)
    }
    async fn commit(&self, batch: Batch) -> Result<(), StoreError> {
        delegate!(self, s => s.commit(batch).await)
    }
    async fn read_tile(&self, tile: TileId) -> Result<Option<Vec<u8>>, StoreError> {
        delegate!(self, s => s.read_tile(tile).await)
    }
    async fn read_tiles(&self, tiles: Vec<TileId>) -> Result<Vec<Option<Vec<u8>>>, StoreError> {
        delegate!(self, s => s.read_tiles(tiles).await)
    }
    async fn last_signed(&self) -> Result<Option<String>, StoreError> {
        delegate!(self, s => s.last_signed().await)
    }
    async fn probe_writable(&self) -> Result<(), StoreError> {
        delegate!(self, s => s.probe_writable().await)
    }
}

/// Either registry backend.
#[derive(Clone)]
pub(crate) enum AnyRegistry {
    Sqlite(SqliteRegistry),
    Postgres(PostgresRegistry),
}

impl Registry for AnyRegistry {
    async fn logs(&self) -> Result<Vec<LogDefinition>, StoreError> {
        delegate!(self, r => r.logs().await)
    }
    async fn add_log(&self, log: LogDefinition) -> Result<(), StoreError> {
        delegate!(self, r => r.add_log(log).await)
    }
    async fn token_by_hash(&self, hash: [u8; 32]) -> Result<Option<TokenRecord>, StoreError> {
        delegate!(self, r => r.token_by_hash(hash).await)
    }
    async fn tokens(&self) -> Result<Vec<TokenRecord>, StoreError> {
        delegate!(self, r => r.tokens().await)
    }
    async fn add_token(&self, token: TokenRecord) -> Result<(), StoreError> {
        delegate!(self, r => r.add_token(token).await)
    }
    async fn revoke_token(&self, id: String, at: i64) -> Result<bool, StoreError> {
        delegate!(self, r => r.revoke_token(id, at).await)
    }
    async fn provider_key(&self, log: String, keyid: String) -> Result<Option<ProviderKey>, StoreError> {
        delegate!(self, r => r.provider_key(log, keyid).await)
    }
    async fn provider_keys(&self) -> Result<Vec<ProviderKey>, StoreError> {
        delegate!(self, r => r.provider_keys().await)
    }
    async fn add_provider_key(&self, key: ProviderKey) -> Result<(), StoreError> {
        delegate!(self, r => r.add_provider_key(key).await)
    }
    async fn log_witnesses(&self) -> Result<Vec<LogWitness>, StoreError> {
        delegate!(self, r => r.log_witnesses().await)
    }
    async fn add_log_witness(&self, witness: LogWitness) -> Result<(), StoreError> {
        delegate!(self, r => r.add_log_witness(witness).await)
    }
    async fn index_entry(&self, log: String, index: u64, keys: Vec<SearchKey>) -> Result<(), StoreError> {
        delegate!(self, r => r.index_entry(log, index, keys).await)
    }
    async fn search(&self, log: String, key: SearchKey, limit: u32) -> Result<Vec<u64>, StoreError> {
        delegate!(self, r => r.search(log, key, limit).await)
    }
    async fn entry_keys(&self, log: String, index: u64) -> Result<Vec<SearchKey>, StoreError> {
        delegate!(self, r => r.entry_keys(log, index).await)
    }
    async fn witnessed_logs(&self) -> Result<Vec<String>, StoreError> {
        delegate!(self, r => r.witnessed_logs().await)
    }
    async fn add_witnessed_log(&self, vkey: String) -> Result<(), StoreError> {
        delegate!(self, r => r.add_witnessed_log(vkey).await)
    }
    async fn witness_state(&self, origin: String) -> Result<Option<(u64, [u8; 32])>, StoreError> {
        delegate!(self, r => r.witness_state(origin).await)
    }
    async fn witness_advance(
        &self,
        origin: String,
        expected: u64,
        size: u64,
        root: [u8; 32],
    ) -> Result<bool, StoreError> {
        delegate!(self, r => r.witness_advance(origin, expected, size, root).await)
    }
}

/// Where a deployment keeps its logs, registry and keys.
#[derive(Clone)]
pub(crate) enum Deployment {
    /// `--data DIR`: `DIR/registry.db`, `DIR/logs/<name>/` with each log's key.
    Embedded { data: PathBuf },
    /// `--postgres URL --keys DIR`: everything in PostgreSQL but the private
    /// keys, which stay in files (`DIR/<log>.key`, `DIR/witness.key`).
    Postgres { pool: deadpool_postgres::Pool, keys: PathBuf },
}

impl Deployment {
    /// The deployment named by the command line.
    pub(crate) async fn open(args: &DataArgs) -> Result<Self> {
        match (&args.data, &args.postgres) {
            (Some(data), None) => {
                fsio::create_private_dir(data)?;
                Ok(Deployment::Embedded { data: data.clone() })
            }
            (None, Some(url)) => {
                let Some(keys) = &args.keys else { bail!("--postgres needs --keys DIR for the logs' private keys") };
                fsio::create_private_dir(keys)?;
                let pool = lading_store_postgres::connect(url).await.context("connecting to PostgreSQL")?;
                Ok(Deployment::Postgres { pool, keys: keys.clone() })
            }
            _ => bail!("give either --data DIR (embedded) or --postgres URL --keys DIR"),
        }
    }

    pub(crate) fn registry(&self) -> Result<AnyRegistry> {
        Ok(match self {
            Deployment::Embedded { data } => AnyRegistry::Sqlite(
                SqliteRegistry::open(data).with_context(|| format!("opening the registry in {}", data.display()))?,
            ),
            Deployment::Postgres { pool, .. } => AnyRegistry::Postgres(PostgresRegistry::new(pool.clone())),
        })
    }

    /// Where this deployment's witness key and name live.
    pub(crate) fn key_dir(&self) -> &Path {
        match self {
            Deployment::Embedded { data } => data,
            Deployment::Postgres { keys, .. } => keys,
        }
    }

    fn log_key_path(&self, name: &str) -> PathBuf {
        match self {
            Deployment::Embedded { data } => data.join("logs").join(name).join("log.key"),
            Deployment::Postgres { keys, .. } => keys.join(format!("{name}.key")),
        }
    }

    /// A log's private key, which also signs its COSE receipts.
    pub(crate) fn log_key(&self, name: &str) -> Result<crate::keys::SharedSigner> {
        crate::keys::signer(&self.log_key_path(name))
    }

    /// Writes a new log's key (and, embedded, its directory and vkey).
    pub(crate) fn write_log_key(&self, name: &str, key: &lading_crypto::SigningKey, vkey: &str) -> Result<()> {
        let path = self.log_key_path(name);
        if let Some(dir) = path.parent() {
            fsio::create_private_dir(dir)?;
        }
        fsio::write_new(&path, key.to_pkcs8_pem()?.as_bytes(), 0o600, false)?;
        if let Deployment::Embedded { data } = self {
            fsio::write_new(
                &data.join("logs").join(name).join("log.vkey"),
                format!("{vkey}\n").as_bytes(),
                0o644,
                false,
            )?;
        }
        Ok(())
    }

    /// Opens a log of the deployment; the SQLite store is returned too, to be flushed on exit.
    pub(crate) async fn open_log(
        &self,
        def: &LogDefinition,
        config: BatchConfig,
    ) -> Result<(Log<AnyStore>, Option<SqliteStore>)> {
        let key = crate::keys::signer(&self.log_key_path(&def.name))?;
        if key.algorithm() != lading_crypto::Algorithm::Ed25519 {
            bail!("the key of log {} ({}) is not Ed25519", def.name, key.describe());
        }
        let signer = crate::keys::note_signer(&def.origin, lading_tlog::KeyKind::Ed25519, key)
            .with_context(|| format!("origin {:?}", def.origin))?;
        let (store, sqlite) = match self {
            Deployment::Embedded { data } => {
                let dir = data.join("logs").join(&def.name);
                let s = SqliteStore::open(&dir).with_context(|| format!("opening the log in {}", dir.display()))?;
                (AnyStore::Sqlite(s.clone()), Some(s))
            }
            Deployment::Postgres { pool, .. } => {
                (AnyStore::Postgres(PostgresStore::new(pool.clone(), &def.name)), None)
            }
        };
        let log = Log::open(store, signer, config).await.with_context(|| format!("opening log {}", def.name))?;
        Ok((log, sqlite))
    }

    /// Whether other processes may append to the same logs.
    pub(crate) fn is_shared(&self) -> bool {
        matches!(self, Deployment::Postgres { .. })
    }
}
