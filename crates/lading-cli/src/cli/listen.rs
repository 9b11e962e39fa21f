//! Arguments of `lading maint listen`: syslog over the network into a stream.

use std::net::SocketAddr;
use std::path::PathBuf;

use crate::cli::MaintDataArgs;

#[derive(Debug, clap::Args)]
pub(crate) struct MaintListenArgs {
    /// The stream the messages go to.
    pub(crate) name: String,
    #[command(flatten)]
    pub(crate) data: MaintDataArgs,
    /// Take RFC 5424 syslog over TCP here (RFC 6587: octet counting or LF framing, detected per connection).
    #[arg(long, value_name = "ADDR")]
    pub(crate) tcp: Option<SocketAddr>,
    /// Take RFC 5424 syslog over UDP here (RFC 5426: one message per datagram; no delivery guarantee).
    #[arg(long, value_name = "ADDR")]
    pub(crate) udp: Option<SocketAddr>,
    /// Take RFC 5424 syslog over TLS here (RFC 5425; octet counting or LF framing).
    #[arg(long, value_name = "ADDR", requires_all = ["tls_cert", "tls_key"])]
    pub(crate) tls: Option<SocketAddr>,
    /// The TLS certificate chain (PEM, leaf first).
    #[arg(long, value_name = "FILE", requires = "tls")]
    pub(crate) tls_cert: Option<PathBuf>,
    /// The TLS private key (PEM, PKCS#8, SEC1 or PKCS#1).
    #[arg(long, value_name = "FILE", requires = "tls")]
    pub(crate) tls_key: Option<PathBuf>,
    /// Longest message accepted, in bytes; longer ones are refused one by one and skipped.
    #[arg(long, value_name = "BYTES", default_value_t = lading_server::syslog::DEFAULT_MAX_FRAME)]
    pub(crate) max_frame: usize,
    /// TCP and TLS connections served at once; more are closed on accept and logged.
    #[arg(long, value_name = "N", default_value_t = lading_server::syslog::DEFAULT_MAX_CONNECTIONS)]
    pub(crate) max_connections: usize,
    /// Connections one client address may hold at once (so one sender's idle connections cannot take every slot).
    #[arg(long, value_name = "N", default_value_t = lading_server::syslog::DEFAULT_MAX_CONNECTIONS_PER_CLIENT)]
    pub(crate) max_connections_per_client: usize,
}

impl MaintListenArgs {
    /// The listener's settings, checked.
    pub(crate) fn settings(&self) -> anyhow::Result<lading_server::syslog::Settings> {
        settings(self.max_frame, self.max_connections, self.max_connections_per_client, "")
    }
}

/// Syslog listener settings from flags (named with `prefix`), each at least 1.
pub(crate) fn settings(
    max_frame: usize,
    max_connections: usize,
    max_connections_per_client: usize,
    prefix: &str,
) -> anyhow::Result<lading_server::syslog::Settings> {
    for (flag, value) in [
        ("max-frame", max_frame),
        ("max-connections", max_connections),
        ("max-connections-per-client", max_connections_per_client),
    ] {
        if value == 0 {
            anyhow::bail!("--{prefix}{flag} must be at least 1");
        }
    }
    Ok(lading_server::syslog::Settings { max_frame, max_connections, max_connections_per_client })
}

/// `lading serve`'s syslog listener: the same listener as `lading maint
/// listen`, into one stream of the deployment, configured like every other
/// flag of `lading serve` (`--config` TOML keys, `LADING_SERVE_*`).
#[derive(Debug, clap::Args)]
pub(crate) struct ServeSyslogArgs {
    /// The maintenance stream that syslog messages received by `lading serve` go to.
    #[arg(long, value_name = "STREAM")]
    pub(crate) syslog_stream: Option<String>,
    /// Take RFC 5424 syslog over TCP here (RFC 6587 framing), into --syslog-stream.
    #[arg(long, value_name = "ADDR", requires = "syslog_stream")]
    pub(crate) syslog_tcp: Option<SocketAddr>,
    /// Take RFC 5424 syslog over UDP here (RFC 5426), into --syslog-stream.
    #[arg(long, value_name = "ADDR", requires = "syslog_stream")]
    pub(crate) syslog_udp: Option<SocketAddr>,
    /// Take RFC 5424 syslog over TLS here (RFC 5425), into --syslog-stream.
    #[arg(long, value_name = "ADDR", requires_all = ["syslog_stream", "syslog_tls_cert", "syslog_tls_key"])]
    pub(crate) syslog_tls: Option<SocketAddr>,
    /// The syslog TLS certificate chain (PEM, leaf first).
    #[arg(long, value_name = "FILE", requires = "syslog_tls")]
    pub(crate) syslog_tls_cert: Option<PathBuf>,
    /// The syslog TLS private key (PEM).
    #[arg(long, value_name = "FILE", requires = "syslog_tls")]
    pub(crate) syslog_tls_key: Option<PathBuf>,
    /// Longest syslog message accepted, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = lading_server::syslog::DEFAULT_MAX_FRAME)]
    pub(crate) syslog_max_frame: usize,
    /// Syslog TCP and TLS connections served at once.
    #[arg(long, value_name = "N", default_value_t = lading_server::syslog::DEFAULT_MAX_CONNECTIONS)]
    pub(crate) syslog_max_connections: usize,
    /// Syslog connections one client address may hold at once.
    #[arg(long, value_name = "N", default_value_t = lading_server::syslog::DEFAULT_MAX_CONNECTIONS_PER_CLIENT)]
    pub(crate) syslog_max_connections_per_client: usize,
}

impl ServeSyslogArgs {
    /// The stream and settings, when `lading serve` is to listen for syslog.
    pub(crate) fn wanted(&self) -> anyhow::Result<Option<(&str, lading_server::syslog::Settings)>> {
        let Some(stream) = &self.syslog_stream else { return Ok(None) };
        if self.syslog_tcp.is_none() && self.syslog_udp.is_none() && self.syslog_tls.is_none() {
            anyhow::bail!("--syslog-stream needs at least one of --syslog-tcp, --syslog-udp, --syslog-tls");
        }
        lading_stream::check_name(stream)?;
        let settings = settings(
            self.syslog_max_frame,
            self.syslog_max_connections,
            self.syslog_max_connections_per_client,
            "syslog-",
        )?;
        Ok(Some((stream, settings)))
    }
}
