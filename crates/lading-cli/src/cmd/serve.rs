//! `lading serve`, `token`, `provider`, `logs`, `witness`: a deployment on
//! the embedded store (`--data DIR`) or on PostgreSQL (`--postgres URL
//! --keys DIR`), see [`crate::backend::Deployment`].

use std::collections::BTreeMap;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context as _, Result, bail};
use lading_crypto::Signer as _;
use lading_log::{BatchConfig, LogDefinition, ProviderKey, Registry, Scope};
use lading_server::{AppState, Limiter, ServedLog, WitnessClient};
use serde_json::json;

use crate::backend::{AnyRegistry, Deployment};
use crate::cli::{
    DataArgs, LogsAddWitnessArgs, LogsCreateArgs, ProviderAddArgs, ServeArgs, TokenCreateArgs, TokenRevokeArgs,
    WitnessTrustArgs,
};
use crate::cmd::log::runtime;
use crate::{fsio, output};

/// The name of the log created on first start.
pub(crate) const FIRST_LOG: &str = "registry";
/// The log `lading serve --tsa-key` records every token it issues in.
pub(crate) const TIMESTAMP_LOG: &str = "timestamps";

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

fn valid_log_name(name: &str) -> bool {
    name.chars().next().is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && name.len() <= 64
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'))
}

/// Runs `f` with the deployment and its registry on a fresh runtime.
fn with_registry<T>(args: &DataArgs, f: impl AsyncFnOnce(&Deployment, &AnyRegistry) -> Result<T>) -> Result<T> {
    runtime()?.block_on(async {
        let deployment = Deployment::open(args).await?;
        let registry = deployment.registry()?;
        f(&deployment, &registry).await
    })
}

/// Why a log named `name` with `origin` cannot be created, if it cannot:
/// a bad name, an origin that is not a checkpoint key name, a name taken.
/// Checked before anything is written.
async fn refuse_new_log(registry: &AnyRegistry, name: &str, origin: &str) -> Result<Option<String>> {
    if !valid_log_name(name) {
        return Ok(Some(format!(
            "log name {name:?}: use 1–64 of a-z, 0-9, '.', '_', '-', starting with a letter or digit"
        )));
    }
    let any_key = ed25519_dalek::SigningKey::from_bytes(&[1; 32]).verifying_key();
    if lading_tlog::NoteVerifier::new(origin, lading_tlog::KeyKind::Ed25519, any_key).is_err() {
        return Ok(Some(format!("origin {origin:?}: a checkpoint origin is not empty and has no spaces or '+'")));
    }
    if registry.logs().await?.iter().any(|l| l.name == name) {
        return Ok(Some(format!("a log named {name:?} already exists")));
    }
    Ok(None)
}

/// Creates a log with a fresh Ed25519 key and registers it; returns its vkey.
async fn create_log(deployment: &Deployment, registry: &AnyRegistry, name: &str, origin: &str) -> Result<String> {
    if let Some(why) = refuse_new_log(registry, name, origin).await? {
        bail!("{why}");
    }
    create_checked_log(deployment, registry, name, origin).await
}

/// [`create_log`] once [`refuse_new_log`] found nothing against it.
async fn create_checked_log(
    deployment: &Deployment,
    registry: &AnyRegistry,
    name: &str,
    origin: &str,
) -> Result<String> {
    let key = lading_crypto::SigningKey::generate(lading_crypto::Algorithm::Ed25519)?;
    let lading_crypto::SigningKey::Ed25519(k) = &key else { bail!("generated key is not Ed25519") };
    let signer = lading_tlog::NoteSigner::new(origin, lading_tlog::KeyKind::Ed25519, k.clone())
        .map_err(|e| anyhow::anyhow!("origin {origin:?}: {e}"))?;
    let vkey = signer.verifier().to_vkey();
    deployment.write_log_key(name, &key, &vkey)?;
    let def = LogDefinition { name: name.to_owned(), origin: origin.to_owned(), created_at: now() };
    let (log, sqlite) = deployment.open_log(&def, BatchConfig::default()).await?;
    log.shutdown().await;
    if let Some(s) = sqlite {
        s.flush()?;
    }
    registry.add_log(def).await?;
    Ok(vkey)
}

/// Creates logs from the console's admin page while `lading serve` runs:
/// what `lading logs create` does, then the log opened and served at once.
/// Only admins of the deployment's first log ([`FIRST_LOG`]) may.
struct DeploymentLogCreator {
    deployment: Deployment,
    origin_prefix: String,
    config: BatchConfig,
    /// Embedded stores flushed when the server stops, shared with `serve`.
    stores: Arc<std::sync::Mutex<Vec<lading_store_sqlite::SqliteStore>>>,
    /// Logs this front-end is creating: the watcher of logs created
    /// elsewhere leaves them alone, so no log is opened twice.
    creating: Creating,
}

/// Names of logs being created by this front-end's admin page.
type Creating = Arc<std::sync::Mutex<std::collections::BTreeSet<String>>>;

impl lading_server::LogCreator<crate::backend::AnyStore> for DeploymentLogCreator {
    fn default_origin(&self, name: &str) -> String {
        format!("{}/{name}", self.origin_prefix.trim_end_matches('/'))
    }

    fn create<'a>(
        &'a self,
        by: &'a str,
        name: &'a str,
        origin: &'a str,
    ) -> std::pin::Pin<
        Box<
            dyn Future<Output = Result<ServedLog<crate::backend::AnyStore>, lading_server::LogCreateError>> + Send + 'a,
        >,
    > {
        use lading_server::LogCreateError::{Failed, Forbidden, Invalid};
        Box::pin(async move {
            if by != FIRST_LOG {
                return Err(Forbidden(format!(
                    "only admins of the {FIRST_LOG} log create logs; this session is an admin of {by}"
                )));
            }
            if origin.len() > 255 {
                return Err(Invalid(format!("origin: {} bytes; at most 255", origin.len())));
            }
            let failed = |e: anyhow::Error| Failed(format!("{e:#}"));
            // Marked before the registry knows the log; unmarked once the admin page has served
            // it (it inserts right after this returns), so the watcher never opens it too.
            self.creating.lock().unwrap_or_else(std::sync::PoisonError::into_inner).insert(name.to_owned());
            let creating = Arc::clone(&self.creating);
            let owned = name.to_owned();
            let _unmark = scopeguard_unmark(move || {
                tokio::spawn(async move {
                    tokio::time::sleep(NEW_LOGS_EVERY * 8).await;
                    creating.lock().unwrap_or_else(std::sync::PoisonError::into_inner).remove(&owned);
                });
            });
            let registry = self.deployment.registry().map_err(failed)?;
            if let Some(why) = refuse_new_log(&registry, name, origin).await.map_err(failed)? {
                return Err(Invalid(why));
            }
            create_checked_log(&self.deployment, &registry, name, origin).await.map_err(failed)?;
            let def = registry
                .logs()
                .await
                .map_err(|e| Failed(e.to_string()))?
                .into_iter()
                .find(|l| l.name == name)
                .ok_or_else(|| Failed(format!("log {name} is not in the registry after creation")))?;
            let (served, sqlite) = open_served(&self.deployment, &def, self.config).await.map_err(failed)?;
            self.stores.lock().unwrap_or_else(std::sync::PoisonError::into_inner).extend(sqlite);
            Ok(served)
        })
    }
}

/// Runs `f` when dropped (when `create` returns, whichever way).
fn scopeguard_unmark(f: impl FnOnce()) -> impl Drop {
    struct Guard<F: FnOnce()>(Option<F>);
    impl<F: FnOnce()> Drop for Guard<F> {
        fn drop(&mut self) {
            if let Some(f) = self.0.take() {
                f();
            }
        }
    }
    Guard(Some(f))
}

/// How often a front-end looks for logs created elsewhere (another
/// front-end's admin page, or `lading logs create`).
const NEW_LOGS_EVERY: Duration = Duration::from_millis(250);

/// Serves the logs that appear in the registry while this front-end runs,
/// within [`NEW_LOGS_EVERY`]: opened as at start (a shared deployment's
/// checkpoints refreshed from the other front-ends). Holds only a weak
/// reference, so shutting down is not held up.
fn serve_logs_created_elsewhere(
    state: std::sync::Weak<AppState<crate::backend::AnyStore, AnyRegistry>>,
    deployment: Deployment,
    config: BatchConfig,
    stores: Arc<std::sync::Mutex<Vec<lading_store_sqlite::SqliteStore>>>,
    creating: Creating,
) {
    tokio::spawn(async move {
        let mut reported = std::collections::BTreeSet::new();
        let mut registry = None;
        loop {
            tokio::time::sleep(NEW_LOGS_EVERY).await;
            let Some(state) = state.upgrade() else { return };
            if registry.is_none() {
                registry = deployment.registry().ok();
            }
            let Some(registry) = registry.as_ref() else { continue };
            let Ok(defs) = registry.logs().await else { continue };
            for def in defs {
                let being_created =
                    creating.lock().unwrap_or_else(std::sync::PoisonError::into_inner).contains(&def.name);
                if being_created || state.logs.get(&def.name).is_some() {
                    continue;
                }
                match open_served(&deployment, &def, config).await {
                    Ok((served, sqlite)) => {
                        if state.logs.insert(&def.name, served).is_ok() {
                            stores.lock().unwrap_or_else(std::sync::PoisonError::into_inner).extend(sqlite);
                            tracing::info!(log = %def.name, "serving a log created elsewhere");
                        }
                    }
                    // Its key or store may not be written yet: try again next time, say so once.
                    Err(e) => {
                        if reported.insert(def.name.clone()) {
                            tracing::warn!(log = %def.name, "a log created elsewhere cannot be opened yet: {e:#}");
                        }
                    }
                }
            }
        }
    });
}

/// Log `def` opened to be served (at start, from the admin page, or when
/// created elsewhere): its receipt key read, a shared deployment's
/// checkpoints refreshed from the other front-ends; with the embedded store
/// the caller flushes when the server stops.
async fn open_served(
    deployment: &Deployment,
    def: &LogDefinition,
    config: BatchConfig,
) -> Result<(ServedLog<crate::backend::AnyStore>, Option<lading_store_sqlite::SqliteStore>)> {
    let (log, sqlite) = deployment.open_log(def, config).await?;
    let key = deployment.log_key(&def.name)?;
    if deployment.is_shared() {
        refresh_from_other_front_ends(log.clone());
    }
    let vkey = log.verifier().to_vkey();
    Ok((ServedLog::new(log, vkey).with_receipt_key(key), sqlite))
}

/// Other front-ends append to a shared deployment's logs: pick up their checkpoints.
fn refresh_from_other_front_ends(log: lading_log::Log<crate::backend::AnyStore>) {
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(Duration::from_millis(200)).await;
            let _ = log.refresh().await;
        }
    });
}

pub(crate) fn serve(args: &ServeArgs, json_out: bool) -> Result<ExitCode> {
    let config = BatchConfig { max_batch: args.batch.max(1), max_wait: Duration::from_millis(args.max_wait_ms) };
    crate::cmd::serve_ops::init_logging(&args.ops)?;
    let rt = runtime()?;
    rt.block_on(async {
        let deployment = Deployment::open(&args.data).await?;
        let registry = deployment.registry()?;
        if registry.logs().await?.is_empty() {
            let origin = format!("{}/{FIRST_LOG}", args.origin_prefix.trim_end_matches('/'));
            // Two front-ends starting together on one database: one creates it.
            match create_log(&deployment, &registry, FIRST_LOG, &origin).await {
                Ok(vkey) => {
                    let msg = json!({ "event": "created", "log": FIRST_LOG, "origin": origin, "vkey": vkey });
                    if json_out {
                        output::json_line(&msg)?
                    } else {
                        output::line(&format!("created log {FIRST_LOG}: origin {origin}, vkey {vkey}"))?
                    }
                }
                Err(e) if registry.logs().await?.iter().any(|l| l.name == FIRST_LOG) => drop(e),
                Err(e) => return Err(e),
            }
        }
        let (scitt_ca_roots, _) = super::pki::read_trust(&args.scitt_ca_root, &[])?;
        let tsa = match (&args.tsa_key, &args.tsa_cert) {
            (Some(key), Some(cert)) => {
                let tsa = super::timestamp::authority(key, cert)?;
                if !registry.logs().await?.iter().any(|l| l.name == TIMESTAMP_LOG) {
                    let origin = format!("{}/{TIMESTAMP_LOG}", args.origin_prefix.trim_end_matches('/'));
                    if let Err(e) = create_log(&deployment, &registry, TIMESTAMP_LOG, &origin).await
                        && !registry.logs().await?.iter().any(|l| l.name == TIMESTAMP_LOG)
                    {
                        return Err(e);
                    }
                }
                Some(tsa)
            }
            _ => None,
        };
        let witness = witness_signer(deployment.key_dir(), &args.origin_prefix)?;
        let all_witnesses = registry.log_witnesses().await?;
        let mut logs = BTreeMap::new();
        let stores = Arc::new(std::sync::Mutex::new(Vec::new()));
        let mut witnessing = Vec::new();
        for def in registry.logs().await? {
            let (mut served, sqlite) = open_served(&deployment, &def, config).await?;
            stores.lock().unwrap_or_else(std::sync::PoisonError::into_inner).extend(sqlite);
            for w in all_witnesses.iter().filter(|w| w.log == def.name) {
                let verifier = lading_tlog::NoteVerifier::from_vkey(&w.vkey)
                    .with_context(|| format!("witness of log {}", def.name))?;
                served.witnesses.push(WitnessClient { url: w.url.clone(), verifier });
            }
            if !served.witnesses.is_empty() {
                witnessing.push((Arc::clone(&served.witnessed), served.log.clone(), served.witnesses.clone()));
            }
            logs.insert(def.name.clone(), served);
        }
        if !witnessing.is_empty() {
            tokio::spawn(lading_server::run_witnessing(witnessing, Duration::from_millis(args.witness_interval_ms)));
        }
        // Maintenance streams take OTLP logs at POST /v1/logs.
        // The same streams back the console's stream pages.
        // And syslog over the network into one of them, with --syslog-stream.
        let syslog_wanted = args.syslog.wanted()?;
        let served_streams = crate::cmd::maint::served_streams(&deployment, syslog_wanted.map(|(s, _)| s)).await?;
        let (otlp, streams, syslog_sink) = match served_streams {
            Some(s) => (Some(s.otlp), Some(s.browser), s.syslog),
            None => (None, None, None),
        };
        let streams_measured = streams.clone();
        // Trust policies offered by the console's /verify page, named by file stem.
        let mut policies = Vec::new();
        for path in &args.policy {
            let bytes = fsio::read_limited(path, fsio::MAX_DOCUMENT_BYTES)?;
            let policy =
                lading_trust::policy::Policy::parse(&bytes).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
            let name =
                path.file_stem().map_or_else(|| path.display().to_string(), |s| s.to_string_lossy().into_owned());
            policies.push((name, policy));
        }
        // The white list the console shows, opened with its operator's key.
        // Admins may replace it with a newer one signed by the same operator.
        let (trust_list, publisher) = match (&args.trust_list, &args.trust_list_key) {
            (Some(path), Some(key)) => {
                let key = fsio::read_public_key(key)?;
                let list = open_trust_list(&fsio::read_limited(path, fsio::MAX_DOCUMENT_BYTES)?, &key)
                    .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
                let publisher =
                    FilePublisher { path: path.clone(), key, sequence: std::sync::Mutex::new(list.sequence_number) };
                (Some(list), Some(Arc::new(publisher) as Arc<dyn lading_console::TrustListPublisher>))
            }
            _ => (None, None),
        };
        let status_lists = crate::cmd::status::PublishedLists::open(&args.status_list)?;
        let tsa_routes = match tsa {
            Some((signer, chain)) => {
                let served =
                    logs.get(TIMESTAMP_LOG).ok_or_else(|| anyhow::anyhow!("the {TIMESTAMP_LOG} log is missing"))?;
                let state = lading_server::tsa::TsaState {
                    signer,
                    chain,
                    policy: lading_pki::timestamp::DEFAULT_POLICY,
                    log: served.log.clone(),
                };
                Some(lading_server::tsa::routes(Arc::new(state)))
            }
            None => None,
        };
        let tls = crate::cmd::serve_ops::tls(&args.ops)?;
        let syslog = match (syslog_wanted, syslog_sink) {
            (Some((stream, settings)), Some(sink)) => {
                let s = &args.syslog;
                let tls = (s.syslog_tls, s.syslog_tls_cert.as_ref(), s.syslog_tls_key.as_ref());
                let listeners = crate::cmd::listen::bind(s.syslog_tcp, s.syslog_udp, tls).await?;
                Some((stream.to_owned(), settings, sink, listeners))
            }
            _ => None,
        };
        let listener = tokio::net::TcpListener::bind(&args.listen)
            .await
            .with_context(|| format!("listening on {}", args.listen))?;
        let addr = listener.local_addr()?;
        let names: Vec<String> = logs.iter().map(|(n, s)| format!("{n} ({})", s.vkey)).collect();
        let witness_vkey = witness.verifier().to_vkey();
        let log_creator = DeploymentLogCreator {
            deployment: deployment.clone(),
            origin_prefix: args.origin_prefix.clone(),
            config,
            stores: Arc::clone(&stores),
            creating: Creating::default(),
        };
        let creating = Arc::clone(&log_creator.creating);
        let state = Arc::new(AppState {
            logs: logs.into(),
            log_creator: Some(Arc::new(log_creator)),
            registry,
            limiter: Limiter::new(args.rate_limit),
            max_body: args.max_body,
            witness: Some(witness),
            witness_wait: Duration::from_millis(args.witness_wait_ms),
            otlp,
            scitt_ca_roots,
        });
        serve_logs_created_elsewhere(Arc::downgrade(&state), deployment.clone(), config, Arc::clone(&stores), creating);
        let console = Arc::new(lading_console::ConsoleState {
            api: Arc::clone(&state),
            config: lading_console::ConsoleConfig {
                policies,
                max_upload: args.max_upload,
                trust_list: std::sync::RwLock::new(trust_list),
                publisher,
                streams,
                public_streams: args.public_streams,
                sessions: lading_console::Sessions::default(),
                verifications: Some(Arc::new(tokio::sync::Semaphore::new(args.ops.max_verifications as usize))),
            },
        });
        let msg = json!({ "event": "listening", "address": addr.to_string(), "logs": names, "witness": witness_vkey });
        if json_out {
            output::json_line(&msg)?
        } else {
            let scheme = if tls.is_some() { "https" } else { "http" };
            output::line(&format!(
                "listening on {scheme}://{addr}; logs: {}; witness {witness_vkey}",
                names.join(", ")
            ))?
        }
        let limits = connection_limits(&args.connections);
        let mut router = lading_server::app(Arc::clone(&state))
            .merge(lading_console::routes(console))
            .merge(lading_server::status::routes(Arc::new(status_lists), args.status_list_max_age));
        if let Some(tsa) = tsa_routes {
            router = router.merge(tsa);
        }
        // Metrics, health and readiness, and a request id and log event per request.
        let metrics = crate::cmd::serve_ops::metrics(&state, &deployment, streams_measured);
        let router = router.merge(lading_server::ops::routes(Arc::clone(&state), Arc::clone(&metrics)));
        let router = lading_server::ops::track(router, metrics);
        tracing::info!(address = %addr, tls = tls.is_some(), "listening");
        let drain = Duration::from_millis(args.ops.drain_ms);
        // The syslog listener stops with the HTTP server: no new connections,
        // what was read is committed before the logs are flushed.
        let (stop_syslog, syslog_stopped) = tokio::sync::watch::channel(false);
        let syslog_task = syslog.map(|(stream, settings, sink, listeners)| {
            // An error writing this to standard output does not stop the server.
            let _ = crate::cmd::listen::announce(&listeners, &stream, json_out);
            let stats = Arc::new(lading_server::syslog::Stats::default());
            let mut stopped = syslog_stopped;
            let shutdown = async move {
                let _ = stopped.wait_for(|s| *s).await;
            };
            tokio::spawn(async move {
                lading_server::syslog::serve(listeners, sink, Arc::clone(&stats), settings, shutdown).await;
                tracing::info!(stream = %stream, summary = %stats.to_json(), "syslog listener stopped; everything read was committed");
            })
        });
        let served = lading_server::listen::serve_with(listener, router, limits, shutdown_signal("no new connections; answering the requests in flight"), drain, tls).await;
        let _ = stop_syslog.send(true);
        if let Some(task) = syslog_task {
            let _ = task.await;
        }
        served.context("serving")?;
        tracing::info!("stopped taking connections; requests in flight answered; flushing the logs");
        // Stop appending, then publish the embedded logs' files.
        drop(state);
        for store in std::mem::take(&mut *stores.lock().unwrap_or_else(std::sync::PoisonError::into_inner)) {
            store.flush()?;
        }
        Ok::<_, anyhow::Error>(())
    })?;
    Ok(ExitCode::SUCCESS)
}

/// The connection limits of `lading serve`'s flags. Without
/// `--max-connections`, 3/4 of the open-file limit (at most 4096): the rest
/// of the descriptors stay for the logs' files, and a connection past the
/// cap is still accepted and answered 503 instead of failing `accept`.
fn connection_limits(args: &crate::cli::ConnectionArgs) -> lading_server::listen::ConnectionLimits {
    let descriptors = rustix::process::getrlimit(rustix::process::Resource::Nofile).current.unwrap_or(4096 * 4);
    let max_connections = args.max_connections.unwrap_or((descriptors / 4 * 3).clamp(16, 4096));
    lading_server::listen::ConnectionLimits {
        header_timeout: Duration::from_millis(args.header_timeout_ms),
        body_timeout: Duration::from_millis(args.body_timeout_ms),
        min_body_rate: args.min_body_rate,
        write_timeout: Duration::from_millis(args.write_timeout_ms),
        max_connections: usize::try_from(max_connections).unwrap_or(usize::MAX),
        max_per_client: usize::try_from(args.max_connections_per_client).unwrap_or(usize::MAX),
    }
}

/// A signed white list opened with its operator's key.
fn open_trust_list(
    bytes: &[u8],
    key: &lading_crypto::VerifyingKey,
) -> std::result::Result<lading_trust::trustlist::TrustList, String> {
    let envelope = lading_crypto::Envelope::from_json_bytes(bytes).map_err(|e| e.to_string())?;
    lading_trust::trustlist::TrustList::open_signed(&envelope, key).map_err(|e| e.to_string())
}

/// Publishes white lists uploaded by admins to the `--trust-list` file:
/// signed by the operator (`--trust-list-key`), strictly newer than the
/// list served, written atomically (a crash keeps the old list whole).
struct FilePublisher {
    path: std::path::PathBuf,
    key: lading_crypto::VerifyingKey,
    sequence: std::sync::Mutex<u64>,
}

impl lading_console::TrustListPublisher for FilePublisher {
    fn publish(&self, signed: &[u8]) -> std::result::Result<lading_trust::trustlist::TrustList, String> {
        if signed.len() as u64 > fsio::MAX_DOCUMENT_BYTES {
            return Err(format!("over {} bytes", fsio::MAX_DOCUMENT_BYTES));
        }
        let list = open_trust_list(signed, &self.key)?;
        if list.issued_at > chrono::Utc::now() + chrono::Duration::minutes(5) {
            return Err(format!("issued at {}, in the future: refused", list.issued_at.to_rfc3339()));
        }
        let mut current = self.sequence.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if list.sequence_number <= *current {
            return Err(format!(
                "sequence {} is not newer than the list served (sequence {})",
                list.sequence_number, *current
            ));
        }
        fsio::write_output(&self.path, signed).map_err(|e| format!("{e:#}"))?;
        *current = list.sequence_number;
        Ok(list)
    }
}

/// Completes on Ctrl-C or SIGTERM, logging `then` (what happens next).
pub(crate) async fn shutdown_signal(then: &str) {
    let ctrl_c = tokio::signal::ctrl_c();
    let Ok(mut term) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) else {
        let _ = ctrl_c.await;
        return;
    };
    tokio::select! {
        _ = ctrl_c => {}
        _ = term.recv() => {}
    }
    tracing::info!("shutting down: {then}");
}

async fn require_log(registry: &AnyRegistry, log: &str) -> Result<()> {
    if !registry.logs().await?.iter().any(|l| l.name == log) {
        bail!("no log named {log:?} in this deployment (see `lading logs list`)");
    }
    Ok(())
}

pub(crate) fn token_create(args: &TokenCreateArgs, json_out: bool) -> Result<ExitCode> {
    let scope: Scope = args.scope.parse().map_err(anyhow::Error::msg)?;
    let new = with_registry(&args.data, async |_, registry| {
        require_log(registry, &args.log).await?;
        let new = lading_server::mint(&args.log, scope, &args.label, now())?;
        registry.add_token(new.record.clone()).await?;
        Ok(new)
    })?;
    if json_out {
        output::json_line(
            &json!({ "ok": true, "id": new.record.id, "log": args.log, "scope": scope.name(), "token": new.token }),
        )?;
    } else {
        output::line(&new.token)?;
    }
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn token_list(args: &DataArgs, json_out: bool) -> Result<ExitCode> {
    let tokens = with_registry(args, async |_, r| Ok(r.tokens().await?))?;
    if json_out {
        let list: Vec<_> = tokens
            .iter()
            .map(|t| json!({ "id": t.id, "log": t.log, "scope": t.scope.name(), "label": t.label, "created_at": t.created_at, "revoked_at": t.revoked_at }))
            .collect();
        output::json_line(&json!({ "ok": true, "tokens": list }))?;
    } else {
        for t in tokens {
            let state = if t.revoked_at.is_some() { "revoked" } else { "active" };
            output::line(&format!("{}  {:<12} {:<6} {:<8} {}", t.id, t.log, t.scope, state, t.label))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn token_revoke(args: &TokenRevokeArgs, json_out: bool) -> Result<ExitCode> {
    let revoked = with_registry(&args.data, async |_, r| Ok(r.revoke_token(args.id.clone(), now()).await?))?;
    if !revoked {
        bail!("no active token with id {:?}", args.id);
    }
    if json_out {
        output::json_line(&json!({ "ok": true, "revoked": args.id }))?;
    } else {
        output::line(&format!("revoked token {}", args.id))?;
    }
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn provider_add(args: &ProviderAddArgs, json_out: bool) -> Result<ExitCode> {
    let key = fsio::read_public_key(&args.pubkey)?;
    let keyid = key.key_id().to_string();
    with_registry(&args.data, async |_, registry| {
        require_log(registry, &args.log).await?;
        let record = ProviderKey {
            log: args.log.clone(),
            keyid: keyid.clone(),
            spki_der: key.to_spki_der(),
            label: args.label.clone(),
        };
        Ok(registry.add_provider_key(record).await?)
    })?;
    if json_out {
        output::json_line(
            &json!({ "ok": true, "log": args.log, "keyid": keyid, "algorithm": key.algorithm().name() }),
        )?;
    } else {
        output::line(&format!("log {} accepts statements signed by {} key {keyid}", args.log, key.algorithm()))?;
    }
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn provider_list(args: &DataArgs, json_out: bool) -> Result<ExitCode> {
    let keys = with_registry(args, async |_, r| Ok(r.provider_keys().await?))?;
    if json_out {
        let list: Vec<_> = keys.iter().map(|k| json!({ "log": k.log, "keyid": k.keyid, "label": k.label })).collect();
        output::json_line(&json!({ "ok": true, "provider_keys": list }))?;
    } else {
        for k in keys {
            output::line(&format!("{:<12} {} {}", k.log, k.keyid, k.label))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn logs_create(args: &LogsCreateArgs, json_out: bool) -> Result<ExitCode> {
    let vkey = with_registry(&args.data, async |d, r| create_log(d, r, &args.name, &args.origin).await)?;
    if json_out {
        output::json_line(&json!({ "ok": true, "log": args.name, "origin": args.origin, "vkey": vkey }))?;
    } else {
        output::line(&vkey)?;
    }
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn logs_list(args: &DataArgs, json_out: bool) -> Result<ExitCode> {
    let logs = with_registry(args, async |_, r| Ok(r.logs().await?))?;
    if json_out {
        let list: Vec<_> =
            logs.iter().map(|l| json!({ "name": l.name, "origin": l.origin, "created_at": l.created_at })).collect();
        output::json_line(&json!({ "ok": true, "logs": list }))?;
    } else {
        for l in logs {
            output::line(&format!("{:<12} {}", l.name, l.origin))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The deployment's witness key (`witness.key`, created on first use) and
/// name (`witness.name`), in `dir`.
fn witness_signer(dir: &Path, origin_prefix: &str) -> Result<lading_tlog::NoteSigner> {
    let key_path = dir.join("witness.key");
    let name_path = dir.join("witness.name");
    if !key_path.exists() {
        let key = lading_crypto::SigningKey::generate(lading_crypto::Algorithm::Ed25519)?;
        fsio::write_new(&key_path, key.to_pkcs8_pem()?.as_bytes(), 0o600, false)?;
        let name = format!("{}/witness", origin_prefix.trim_end_matches('/'));
        fsio::write_new(&name_path, format!("{name}\n").as_bytes(), 0o644, false)?;
    }
    let key = crate::keys::signer(&key_path)?;
    let name = fsio::read_text(&name_path, 1024)?.trim().to_owned();
    if key.algorithm() != lading_crypto::Algorithm::Ed25519 {
        bail!("{} is not an Ed25519 key", key.describe());
    }
    crate::keys::note_signer(&name, lading_tlog::KeyKind::Cosignature, key)
        .with_context(|| format!("witness name {name:?}"))
}

pub(crate) fn witness_show(args: &DataArgs, origin_prefix: &str, json_out: bool) -> Result<ExitCode> {
    let vkey = runtime()?.block_on(async {
        let deployment = Deployment::open(args).await?;
        Ok::<_, anyhow::Error>(witness_signer(deployment.key_dir(), origin_prefix)?.verifier().to_vkey())
    })?;
    if json_out {
        output::json_line(&json!({ "ok": true, "vkey": vkey }))?;
    } else {
        output::line(&vkey)?;
    }
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn witness_trust(args: &WitnessTrustArgs, json_out: bool) -> Result<ExitCode> {
    let verifier = lading_tlog::NoteVerifier::from_vkey(args.vkey.trim()).context("--vkey")?;
    if verifier.kind() != lading_tlog::KeyKind::Ed25519 {
        bail!("--vkey must be a log's Ed25519 (type 0x01) vkey");
    }
    with_registry(&args.data, async |_, r| Ok(r.add_witnessed_log(verifier.to_vkey()).await?))?;
    if json_out {
        output::json_line(&json!({ "ok": true, "origin": verifier.name() }))?;
    } else {
        output::line(&format!("this deployment now cosigns checkpoints of {}", verifier.name()))?;
    }
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn logs_add_witness(args: &LogsAddWitnessArgs, json_out: bool) -> Result<ExitCode> {
    let verifier = lading_tlog::NoteVerifier::from_vkey(args.vkey.trim()).context("--vkey")?;
    if verifier.kind() != lading_tlog::KeyKind::Cosignature {
        bail!("--vkey must be a witness cosignature (type 0x04) vkey");
    }
    if !args.url.starts_with("http://") {
        bail!("--url must be an http:// submission prefix (this build speaks plain HTTP to witnesses)");
    }
    with_registry(&args.data, async |_, registry| {
        require_log(registry, &args.log).await?;
        let w = lading_log::LogWitness { log: args.log.clone(), url: args.url.clone(), vkey: verifier.to_vkey() };
        Ok(registry.add_log_witness(w).await?)
    })?;
    if json_out {
        output::json_line(&json!({ "ok": true, "log": args.log, "witness": verifier.name() }))?;
    } else {
        output::line(&format!(
            "log {} will ask {} ({}) to cosign its checkpoints",
            args.log,
            verifier.name(),
            args.url
        ))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The `lading serve` flags that serve the demo's files in `dir`.
/// With `postgres` (URL, keys directory) the deployment lives in PostgreSQL
/// instead of the demo's `maint` directory.
pub(crate) fn demo_serve_flags(dir: &Path, listen: &str, postgres: Option<(&str, &Path)>) -> Vec<String> {
    let path = |p: &Path| p.to_string_lossy().into_owned();
    let trust = dir.join("trust");
    let store = match postgres {
        Some((url, keys)) => vec!["--postgres".into(), url.to_owned(), "--keys".into(), path(keys)],
        None => vec!["--data".into(), path(&dir.join("maint"))],
    };
    store
        .into_iter()
        .chain([
            "--listen".into(),
            listen.to_owned(),
            "--origin-prefix".into(),
            "demo.lading.example".into(),
            "--policy".into(),
            path(&trust.join("policy.json")),
            "--trust-list".into(),
            path(&trust.join("white-list.signed.json")),
            "--trust-list-key".into(),
            path(&trust.join("authority.pub")),
        ])
        .collect()
}

/// `lading demo --serve`: a deployment over the demo's files — its
/// maintenance stream, a registry log holding the demo's signed documents
/// (their provider keys registered), an admin token, the white list and
/// the client's trust policy — served with the console. Returns the admin
/// token and the `serve` arguments.
pub(crate) fn demo_deployment(
    dir: &Path,
    listen: &str,
    postgres: Option<(&str, &Path)>,
) -> Result<(String, ServeArgs)> {
    use clap::Parser as _;
    /// `lading serve`'s flags, parsed as the command line would.
    #[derive(clap::Parser)]
    struct Flags {
        #[command(flatten)]
        serve: ServeArgs,
    }
    let path = |p: &Path| p.to_string_lossy().into_owned();
    let args =
        Flags::try_parse_from(std::iter::once("serve".to_owned()).chain(demo_serve_flags(dir, listen, postgres)))
            .map_err(|e| anyhow::anyhow!("demo serve flags: {e}"))?
            .serve;
    // The signed documents of the demo, with the keys that signed them.
    let mut signed: Vec<(std::path::PathBuf, std::path::PathBuf)> = Vec::new();
    for kind in lading_model::Kind::ALL {
        for alg in lading_crypto::Algorithm::ALL {
            signed.push((dir.join(format!("{kind}.{alg}.dsse.json")), dir.join(format!("provider-{alg}.pub"))));
        }
    }
    signed.push((dir.join("inspection/report.dsse.json"), dir.join("inspection/vision.pub")));
    let token = with_registry(&args.data, async |deployment, registry| {
        if !registry.logs().await?.iter().any(|l| l.name == FIRST_LOG) {
            create_log(deployment, registry, FIRST_LOG, &format!("demo.lading.example/{FIRST_LOG}")).await?;
        }
        let def =
            registry.logs().await?.into_iter().find(|l| l.name == FIRST_LOG).context("the demo's registry log")?;
        let (log, sqlite) = deployment.open_log(&def, BatchConfig::default()).await?;
        for (envelope_path, key_path) in &signed {
            let key = fsio::read_public_key(key_path)?;
            let keyid = key.key_id().to_string();
            let record = ProviderKey {
                log: FIRST_LOG.into(),
                keyid: keyid.clone(),
                spki_der: key.to_spki_der(),
                label: path(key_path),
            };
            if !registry.provider_keys().await?.iter().any(|k| k.log == record.log && k.keyid == keyid) {
                registry.add_provider_key(record).await?;
            }
            let bytes = fsio::read_limited(envelope_path, fsio::MAX_DOCUMENT_BYTES)?;
            let envelope = lading_crypto::Envelope::from_json_bytes(&bytes)?;
            let kind = lading_crypto::verify_statement(&envelope, &key)
                .with_context(|| format!("verifying {}", envelope_path.display()))?
                .statement
                .predicate_type;
            log.append(lading_crypto::registry_leaf(&kind, &bytes, &keyid)).await?;
        }
        log.shutdown().await;
        if let Some(s) = sqlite {
            s.flush()?;
        }
        let new = lading_server::mint(FIRST_LOG, Scope::Admin, "lading demo --serve", now())
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        registry.add_token(new.record).await?;
        Ok(new.token)
    })?;
    Ok((token, args))
}
