//! The streams a server takes requests for. Requests are parsed on the
//! blocking pool as they arrive; each stream has one writer thread that
//! holds the stream open while requests keep coming, checks queued requests
//! in order (each all or nothing) and appends them in one durable commit,
//! and closes the stream after [`WRITER_IDLE`] without requests, so CLI
//! commands can take it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use chrono::Utc;
use lading_maint::{LineError, Prepared};
use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;

use crate::writer::{Applied, StreamWriter};
use crate::{StreamConfig, StreamError, StreamKey, StreamStore};

/// Where a sink finds each stream's signing key (the composition root
/// reads key files or opens token keys; a store never holds private keys).
pub type KeySource = Arc<dyn Fn(&str) -> Result<StreamKey, StreamError> + Send + Sync>;

/// How long a stream's writer keeps it open without requests.
pub const WRITER_IDLE: Duration = Duration::from_millis(500);
/// Requests queued for one stream before more are refused as unavailable.
pub const WRITER_QUEUE: usize = 256;
/// Events appended in one commit at most (a request is never split).
const WRITER_GROUP_EVENTS: usize = 65_536;

/// A request for a stream's writer: its events, whether a bad one refuses
/// only itself, and where the result goes.
type Job = (Vec<Result<Prepared, LineError>>, bool, tokio::sync::oneshot::Sender<Result<Applied, String>>);

/// Running writers by stream, each with a generation so an exiting writer
/// removes only itself.
#[derive(Default)]
struct Writers {
    next_generation: u64,
    running: HashMap<String, (u64, std::sync::mpsc::SyncSender<Job>)>,
}

/// Why a request was not appended.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IngestError {
    /// Records the stream refuses (each with its reason); nothing was appended.
    #[error("{} records refused", .0.len())]
    Rejected(Vec<String>),
    /// The stream cannot take the request now; nothing was appended.
    #[error("{0}")]
    Unavailable(String),
}

/// A deployment's streams as a server serves them: token look-up and
/// batched, durable ingestion.
pub struct Sink<S: StreamStore> {
    store: S,
    keys: KeySource,
    catalog: RwLock<Arc<Catalog>>,
    writers: Arc<Mutex<Writers>>,
    /// The runtime the writers run their store's futures on: the one the
    /// sink was loaded on when it is multi-threaded. A store's pooled
    /// connections spawn their driver tasks on the runtime that opened
    /// them; a runtime per writer thread, dropped when the writer idles
    /// out, closed connections other writers then took from the pool
    /// ("connection closed" under 1,000 PostgreSQL streams).
    runtime: Option<tokio::runtime::Handle>,
}

/// The streams and tokens a sink serves, replaced whole on reload.
#[derive(Default)]
struct Catalog {
    tokens: HashMap<[u8; 32], String>,
    /// Each stream's settings (events are parsed with its metadata).
    configs: HashMap<String, Arc<StreamConfig>>,
}

impl Catalog {
    async fn load<S: StreamStore>(store: &S) -> Result<Self, StreamError> {
        let mut tokens = HashMap::new();
        let mut configs = HashMap::new();
        for config in store.streams().await? {
            for t in store.tokens(&config.name).await? {
                tokens.insert(t.hash()?, config.name.clone());
            }
            configs.insert(config.name.clone(), Arc::new(config));
        }
        Ok(Self { tokens, configs })
    }
}

impl<S: StreamStore> Sink<S> {
    /// Loads every stream's settings and token hashes.
    pub async fn load(store: S, keys: KeySource) -> Result<Self, StreamError> {
        let catalog = Catalog::load(&store).await?;
        let runtime = tokio::runtime::Handle::try_current()
            .ok()
            .filter(|h| h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread);
        Ok(Self { store, keys, catalog: RwLock::new(Arc::new(catalog)), writers: Arc::default(), runtime })
    }

    fn catalog(&self) -> Arc<Catalog> {
        Arc::clone(&self.catalog.read().unwrap_or_else(std::sync::PoisonError::into_inner))
    }

    /// Reads every stream's settings and tokens again: streams created and
    /// tokens added or revoked since are served from now on.
    pub async fn reload(&self) -> Result<(), StreamError> {
        let catalog = Arc::new(Catalog::load(&self.store).await?);
        *self.catalog.write().unwrap_or_else(std::sync::PoisonError::into_inner) = catalog;
        Ok(())
    }

    /// Checks the store's [`changes`](StreamStore::changes) every `every`
    /// and reloads when they changed, until the sink is dropped (a failed
    /// check or reload is tried again at the next tick). Does nothing for a
    /// store that tracks no changes.
    pub fn watch(self: &Arc<Self>, every: Duration) {
        let weak = Arc::downgrade(self);
        tokio::spawn(async move {
            let mut seen = match weak.upgrade() {
                Some(sink) => match sink.store.changes().await {
                    Ok(None) => return,
                    Ok(v) => v,
                    Err(_) => None,
                },
                None => return,
            };
            loop {
                tokio::time::sleep(every).await;
                let Some(sink) = weak.upgrade() else { return };
                if let Ok(now) = sink.store.changes().await
                    && now != seen
                    && sink.reload().await.is_ok()
                {
                    seen = now;
                }
            }
        });
    }

    /// The store.
    pub fn store(&self) -> &S {
        &self.store
    }

    /// The stream a token (by its SHA-256) may write to, with the stored
    /// hash to compare in constant time.
    pub fn stream_for(&self, token_hash: [u8; 32]) -> Option<(String, [u8; 32])> {
        self.catalog().tokens.get(&token_hash).map(|s| (s.clone(), token_hash))
    }

    /// The settings of a stream this sink serves.
    pub fn config(&self, stream: &str) -> Option<Arc<StreamConfig>> {
        self.catalog().configs.get(stream).cloned()
    }

    /// The names of the streams this sink serves, sorted.
    pub fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.catalog().configs.keys().cloned().collect();
        names.sort();
        names
    }

    /// The signing key of `stream`.
    pub fn key(&self, stream: &str) -> Result<StreamKey, StreamError> {
        (self.keys)(stream)
    }

    /// Appends an OTLP request's records to `stream` as one batch, all or
    /// nothing, acknowledged once durable: returns how many were appended
    /// and the first sequence.
    pub async fn ingest_otlp(
        &self,
        stream: String,
        request: ExportLogsServiceRequest,
    ) -> Result<(u64, u64), IngestError> {
        let config =
            self.config(&stream).ok_or_else(|| IngestError::Unavailable(format!("stream {stream} is not loaded")))?;
        let prepared = tokio::task::spawn_blocking(move || {
            lading_maint::prepare_all(lading_maint::otlp::events(&config.context(Utc::now()), 1, &request))
        })
        .await
        .map_err(|e| IngestError::Unavailable(format!("parsing the request: {e}")))?;
        match self.submit(&stream, prepared).await? {
            (outcome, appended, first) if outcome.rejected.is_empty() => Ok((appended as u64, first)),
            (outcome, ..) => Err(IngestError::Rejected(outcome.rejected.iter().map(ToString::to_string).collect())),
        }
    }

    /// Appends syslog messages (`(number, text)`, e.g. frames received over
    /// the network) to `stream`, each read exactly as a line of a file by
    /// `lading maint ingest --format syslog`; a bad message refuses only
    /// itself (its number is the [`LineError`]'s line). Returns once the
    /// good ones are durable.
    pub async fn ingest_syslog(&self, stream: &str, messages: Vec<(usize, String)>) -> Result<Applied, IngestError> {
        let config =
            self.config(stream).ok_or_else(|| IngestError::Unavailable(format!("stream {stream} is not loaded")))?;
        let prepared = tokio::task::spawn_blocking(move || {
            let ctx = config.context(Utc::now());
            messages
                .iter()
                .flat_map(|(n, text)| lading_maint::prepare_message(lading_maint::Format::Syslog, &ctx, *n, text))
                .collect::<Vec<_>>()
        })
        .await
        .map_err(|e| IngestError::Unavailable(format!("parsing the messages: {e}")))?;
        self.submit_with(stream, prepared, true).await
    }

    /// Hands prepared events to the stream's writer as one request, starting
    /// the writer when none runs, and waits for the durable result.
    pub async fn submit(
        &self,
        stream: &str,
        prepared: Vec<Result<Prepared, LineError>>,
    ) -> Result<Applied, IngestError> {
        self.submit_with(stream, prepared, false).await
    }

    /// [`submit`](Self::submit), all or nothing unless `per_line`.
    async fn submit_with(
        &self,
        stream: &str,
        prepared: Vec<Result<Prepared, LineError>>,
        per_line: bool,
    ) -> Result<Applied, IngestError> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.enqueue(stream, (prepared, per_line, tx)).map_err(IngestError::Unavailable)?;
        match rx.await {
            Ok(Ok(applied)) => Ok(applied),
            Ok(Err(why)) => Err(IngestError::Unavailable(why)),
            Err(_) => Err(IngestError::Unavailable("the stream writer stopped".into())),
        }
    }

    fn enqueue(&self, stream: &str, job: Job) -> Result<(), String> {
        let mut w = self.writers.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let job = match w.running.get(stream) {
            Some((_, tx)) => match tx.try_send(job) {
                Ok(()) => return Ok(()),
                Err(std::sync::mpsc::TrySendError::Full(_)) => {
                    return Err(format!("stream {stream} has {WRITER_QUEUE} requests queued; retry later"));
                }
                Err(std::sync::mpsc::TrySendError::Disconnected(job)) => job,
            },
            None => job,
        };
        let config = self.config(stream).ok_or_else(|| format!("stream {stream} is not loaded"))?;
        let (tx, rx) = std::sync::mpsc::sync_channel(WRITER_QUEUE);
        let generation = w.next_generation;
        w.next_generation += 1;
        let (store, keys, registry) = (self.store.clone(), Arc::clone(&self.keys), Arc::clone(&self.writers));
        let runtime = self.runtime.clone();
        let name = stream.to_owned();
        std::thread::Builder::new()
            .name(format!("stream-{stream}"))
            .spawn(move || run_writer(&store, &keys, &config, generation, &rx, &registry, runtime.as_ref()))
            .map_err(|e| format!("starting the writer of stream {stream}: {e}"))?;
        tx.try_send(job).map_err(|_| format!("the writer of stream {name} stopped"))?;
        w.running.insert(stream.to_owned(), (generation, tx));
        Ok(())
    }
}

/// A stream's writer thread: open, apply queued jobs in groups, close when
/// idle (or, on a shared store, after each group, so that writers on other
/// front-ends take turns).
fn run_writer<S: StreamStore>(
    store: &S,
    keys: &KeySource,
    config: &StreamConfig,
    generation: u64,
    rx: &std::sync::mpsc::Receiver<Job>,
    registry: &Mutex<Writers>,
    shared: Option<&tokio::runtime::Handle>,
) {
    let stream = config.name.as_str();
    let retire = || {
        let mut w = registry.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if w.running.get(stream).is_some_and(|(g, _)| *g == generation) {
            w.running.remove(stream);
        }
    };
    // The sink's runtime when it has one (see `Sink::runtime`), else one of the writer's own.
    let own: tokio::runtime::Runtime;
    let rt = match shared {
        Some(handle) => handle.clone(),
        None => match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
            Ok(built) => {
                own = built;
                own.handle().clone()
            }
            Err(e) => {
                retire();
                while let Ok((_, _, reply)) = rx.try_recv() {
                    let _ = reply.send(Err(format!("stream {stream}: starting the writer's runtime: {e}")));
                }
                return;
            }
        },
    };
    let open = || {
        rt.block_on(async {
            let key = keys(stream)?;
            StreamWriter::open(store, config.clone(), &key).await
        })
        .map_err(|e| format!("stream {stream}: {}", lading_log::error_chain(&e)))
    };
    let mut writer = None;
    let mut failed: Option<String> = None;
    loop {
        let first = match rx.recv_timeout(WRITER_IDLE) {
            Ok(job) => job,
            Err(_) => {
                // Stop taking jobs, then finish the ones already queued.
                retire();
                match rx.try_recv() {
                    Ok(job) => job,
                    Err(_) => break,
                }
            }
        };
        let mut group = vec![first];
        let mut events = group[0].0.len();
        while events < WRITER_GROUP_EVENTS {
            match rx.try_recv() {
                Ok(job) => {
                    events += job.0.len();
                    group.push(job);
                }
                Err(_) => break,
            }
        }
        let (batches, replies): (Vec<_>, Vec<_>) = group.into_iter().map(|(p, per_line, r)| ((p, per_line), r)).unzip();
        if failed.is_none() && writer.is_none() {
            match open() {
                Ok(w) => writer = Some(w),
                Err(why) => {
                    // Nothing was written: the next request tries again.
                    for reply in replies {
                        let _ = reply.send(Err(why.clone()));
                    }
                    retire();
                    break;
                }
            }
        }
        let result = match (&failed, writer.as_mut()) {
            (Some(why), _) => Err(why.clone()),
            (None, Some(w)) => {
                rt.block_on(w.apply(batches)).map_err(|e| format!("stream {stream}: {}", lading_log::error_chain(&e)))
            }
            (None, None) => Err(format!("stream {stream}: not open")),
        };
        match result {
            Ok(applied) => {
                for (reply, a) in replies.into_iter().zip(applied) {
                    let _ = reply.send(Ok(a));
                }
            }
            Err(why) => {
                // The log refuses appends after a failed commit; so does this writer.
                failed = Some(why.clone());
                retire();
                for reply in replies {
                    let _ = reply.send(Err(why.clone()));
                }
            }
        }
        if store.shared()
            && let Some(w) = writer.take()
        {
            // Nothing is lost by a failed close: every reply was sent after its commit.
            let _ = rt.block_on(w.close());
        }
    }
    if let Some(w) = writer {
        let _ = rt.block_on(w.close());
    }
}
