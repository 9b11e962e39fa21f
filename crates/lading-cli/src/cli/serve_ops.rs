//! Operating flags of `lading serve`: configuration file, logs, TLS, shutdown.

use std::path::PathBuf;

/// How `lading serve` is operated (see `docs/operations.md`).
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct OpsArgs {
    /// A TOML file of `lading serve` flags: keys are the flags' long names
    /// without `--` (`listen = "0.0.0.0:8443"`, `max-body = 1048576`,
    /// `policy = ["a.json"]`). The command line wins over the environment
    /// (`LADING_SERVE_<KEY>`, e.g. `LADING_SERVE_MAX_BODY`), which wins over the file.
    #[arg(long)]
    pub(crate) config: Option<PathBuf>,
    /// Format of the structured log on standard error: one JSON object per
    /// line (with the request id of the request it belongs to), or text.
    #[arg(long, default_value = "json", value_parser = ["json", "text"])]
    pub(crate) log_format: String,
    /// Least severe events logged (every request is logged at `info`).
    #[arg(long, default_value = "info", value_parser = ["error", "warn", "info", "debug", "trace"])]
    pub(crate) log_level: String,
    /// Serve HTTPS with this certificate chain (PEM, leaf first); with --tls-key.
    /// Both files are read again on SIGHUP, without dropping connections.
    #[arg(long, requires = "tls_key")]
    pub(crate) tls_cert: Option<PathBuf>,
    /// The private key of --tls-cert (PKCS#8, SEC1 or PKCS#1 PEM).
    #[arg(long, requires = "tls_cert")]
    pub(crate) tls_key: Option<PathBuf>,
    /// Web console verifications (`POST /verify`, upload included) run at
    /// once; one more is answered 503 with Retry-After before its upload is
    /// read. Each may hold its upload plus the bundle's members inflated (up
    /// to 512 MiB), so this bounds the console's memory.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub(crate) max_verifications: u32,
    /// On SIGTERM or Ctrl-C: how long requests in flight (and the batches
    /// they wait for) may take to finish before the server exits (ms).
    #[arg(long, default_value_t = 10_000)]
    pub(crate) drain_ms: u64,
}
