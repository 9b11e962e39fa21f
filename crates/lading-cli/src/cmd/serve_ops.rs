//! Operating `lading serve`: the structured log, the metrics' sources, TLS
//! configuration (see `docs/operations.md`).

use std::sync::Arc;

use anyhow::{Context as _, Result};
use lading_server::ops::{Metrics, PoolStatus};

use crate::backend::{AnyRegistry, AnyStore, Deployment};
use crate::cli::OpsArgs;

/// Sends `tracing` events to standard error: JSON lines (each with the
/// span of its request: id, method, route) or text.
pub(crate) fn init_logging(args: &OpsArgs) -> Result<()> {
    let level: tracing::Level =
        args.log_level.parse().map_err(|_| anyhow::anyhow!("--log-level {}", args.log_level))?;
    let builder = tracing_subscriber::fmt().with_writer(std::io::stderr).with_max_level(level).with_target(false);
    // A second `serve` in one process (tests) keeps the first subscriber.
    let _ = if args.log_format == "json" {
        builder.json().flatten_event(true).with_current_span(true).with_span_list(false).try_init()
    } else {
        builder.with_ansi(false).try_init()
    };
    Ok(())
}

/// The deployment's metrics: every log observed, the database pool and the
/// maintenance streams read at each scrape.
pub(crate) fn metrics(
    state: &lading_server::AppState<AnyStore, AnyRegistry>,
    deployment: &Deployment,
    streams: Option<Arc<dyn lading_console::StreamBrowser>>,
) -> Arc<Metrics> {
    let metrics = Arc::new(Metrics::new());
    for (name, served) in state.logs.all() {
        metrics.observe_log(&name, &served.log);
    }
    if let Deployment::Postgres { pool, .. } = deployment {
        let pool = pool.clone();
        metrics.set_pool_source(Box::new(move || {
            let s = pool.status();
            PoolStatus {
                max: s.max_size as u64,
                open: s.size as u64,
                idle: u64::try_from(s.available).unwrap_or(0),
                waiting: s.waiting as u64,
            }
        }));
    }
    if let Some(streams) = streams {
        metrics.set_stream_source(Box::new(move || {
            streams.list().map(|list| list.into_iter().map(|s| (s.name, s.events)).collect()).unwrap_or_default()
        }));
    }
    metrics
}

/// `--tls-cert` and `--tls-key`, loaded now and again on every SIGHUP (a
/// reload that fails is logged and the certificate in use stays).
pub(crate) fn tls(args: &OpsArgs) -> Result<Option<Arc<lading_server::listen::Tls>>> {
    let (Some(cert), Some(key)) = (&args.tls_cert, &args.tls_key) else { return Ok(None) };
    let files = lading_server::listen::TlsFiles { cert: cert.clone(), key: key.clone() };
    let tls = Arc::new(lading_server::listen::Tls::new(files).context("--tls-cert/--tls-key")?);
    let mut hangups = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup()).context("SIGHUP")?;
    let reloading = Arc::clone(&tls);
    tokio::spawn(async move {
        while hangups.recv().await.is_some() {
            match reloading.reload() {
                Ok(()) => {
                    tracing::info!(cert = %reloading_cert(&reloading), "SIGHUP: TLS certificate and key reloaded")
                }
                Err(e) => {
                    tracing::error!(error = %e, "SIGHUP: TLS reload failed; still serving the previous certificate")
                }
            }
        }
    });
    Ok(Some(tls))
}

fn reloading_cert(tls: &lading_server::listen::Tls) -> String {
    tls.files().cert.display().to_string()
}
