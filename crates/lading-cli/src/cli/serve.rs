//! Arguments of `lading serve` and of the deployment commands (`token`, `provider`, `logs`, `witness`).

use std::path::PathBuf;

use clap::Subcommand;

use super::DataArgs;

#[derive(Debug, clap::Args)]
pub(crate) struct ServeArgs {
    #[command(flatten)]
    pub(crate) data: DataArgs,
    /// Address and port to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub(crate) listen: String,
    /// Prefix of the origin of logs created on first start: `<prefix>/registry`.
    #[arg(long, default_value = "lading.localhost")]
    pub(crate) origin_prefix: String,
    /// Most entries per durable batch.
    #[arg(long, default_value_t = 1024)]
    pub(crate) batch: usize,
    /// Longest wait in milliseconds for a batch to fill.
    #[arg(long, default_value_t = 5)]
    pub(crate) max_wait_ms: u64,
    /// Requests per second allowed per token (bursts of twice that).
    #[arg(long, default_value_t = 2000)]
    pub(crate) rate_limit: u32,
    /// Largest request body, in bytes.
    #[arg(long, default_value_t = 1 << 20)]
    pub(crate) max_body: usize,
    /// Trust policies the web console's /verify page offers (repeat; named by file stem).
    #[arg(long)]
    pub(crate) policy: Vec<PathBuf>,
    /// Largest upload to the web console's /verify page, in bytes.
    #[arg(long, default_value_t = 64 << 20)]
    pub(crate) max_upload: usize,
    /// A signed white list the web console shows (with --trust-list-key, its operator's public key).
    #[arg(long, requires = "trust_list_key")]
    pub(crate) trust_list: Option<PathBuf>,
    /// The white list operator's public key.
    #[arg(long, requires = "trust_list")]
    pub(crate) trust_list_key: Option<PathBuf>,
    /// Let the console show maintenance streams without signing in (their
    /// events name people and network addresses; by default only admins see them).
    #[arg(long)]
    pub(crate) public_streams: bool,
    /// Status lists (W3C Bitstring Status List credentials) to publish, each at the path of its
    /// URL (`id`), which must start with /status/ (repeat; the file is re-read on every request,
    /// so a list updated in place is published at once).
    #[arg(long)]
    pub(crate) status_list: Vec<PathBuf>,
    /// How long verifiers may cache a published status list (Cache-Control max-age, seconds).
    #[arg(long, default_value_t = 300)]
    pub(crate) status_list_max_age: u32,
    /// Act as an RFC 3161 time-stamp authority at POST /v1/timestamp with this key (PKCS#8 PEM;
    /// P-256, SM2 or Ed25519). Every token issued is first appended to the log `timestamps`.
    #[arg(long, requires = "tsa_cert")]
    pub(crate) tsa_key: Option<PathBuf>,
    /// The TSA's certificate chain (PEM, the TSA certificate first: it must certify --tsa-key and
    /// carry a critical extKeyUsage timeStamping), put into every token.
    #[arg(long, requires = "tsa_key")]
    pub(crate) tsa_cert: Option<PathBuf>,
    /// A CA root certificate (PEM or DER; repeatable) that certificate-bound submissions must
    /// chain to: SCITT statements with an x5chain at POST /entries, and Sigstore bundles from
    /// `lading sign --cert` at POST /v1/logs/{log}/entries (RFC 5280, judged at submission:
    /// unexpired, leaf allowing digitalSignature). Without one, such submissions are refused.
    #[arg(long, visible_alias = "ca-root")]
    pub(crate) scitt_ca_root: Vec<PathBuf>,
    /// How often to ask the logs' witnesses to cosign a new checkpoint (ms).
    #[arg(long, default_value_t = 1000)]
    pub(crate) witness_interval_ms: u64,
    /// How long `?wait=receipt` waits for a cosigned checkpoint (ms).
    #[arg(long, default_value_t = 5000)]
    pub(crate) witness_wait_ms: u64,
    #[command(flatten)]
    pub(crate) connections: ConnectionArgs,
    #[command(flatten)]
    pub(crate) ops: super::OpsArgs,
    #[command(flatten)]
    pub(crate) syslog: super::ServeSyslogArgs,
}

/// Limits on the connections `lading serve` keeps (see `docs/serve.md`).
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct ConnectionArgs {
    /// Time allowed for a request's line and headers, counted from when the
    /// connection is ready for a request; also the idle keep-alive timeout (ms).
    #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1..))]
    pub(crate) header_timeout_ms: u64,
    /// Grace period for a request body (ms); after it the body must keep up
    /// with --min-body-rate on average, or the request is answered 408 and closed.
    #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1..))]
    pub(crate) body_timeout_ms: u64,
    /// Least average rate of a request body after its grace period, bytes per second.
    #[arg(long, default_value_t = 65_536, value_parser = clap::value_parser!(u64).range(1..))]
    pub(crate) min_body_rate: u64,
    /// How long a response may wait on a client that reads nothing (ms).
    #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1..))]
    pub(crate) write_timeout_ms: u64,
    /// Most connections open at once [default: 3/4 of the open-file limit, at most 4096].
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    pub(crate) max_connections: Option<u64>,
    /// Most connections open at once from one client address; more are answered 503.
    #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u64).range(1..))]
    pub(crate) max_connections_per_client: u64,
}

#[derive(Debug, Subcommand)]
pub(crate) enum TokenCommand {
    /// Create a token and print it (once; only its hash is stored).
    Create(TokenCreateArgs),
    /// List tokens (ids, logs, scopes, never the secrets).
    List(DataArgs),
    /// Revoke a token by id.
    Revoke(TokenRevokeArgs),
}

#[derive(Debug, clap::Args)]
pub(crate) struct TokenCreateArgs {
    #[command(flatten)]
    pub(crate) data: DataArgs,
    /// The log the token is for.
    #[arg(long)]
    pub(crate) log: String,
    /// What it may do.
    #[arg(long, value_parser = ["submit", "admin"])]
    pub(crate) scope: String,
    /// Who holds it.
    #[arg(long, default_value = "")]
    pub(crate) label: String,
}

#[derive(Debug, clap::Args)]
pub(crate) struct TokenRevokeArgs {
    #[command(flatten)]
    pub(crate) data: DataArgs,
    /// The token id (from `lading token list`).
    pub(crate) id: String,
}

#[derive(Debug, Subcommand)]
pub(crate) enum ProviderCommand {
    /// Accept DSSE envelopes signed by this public key on a log.
    Add(ProviderAddArgs),
    /// List registered provider keys.
    List(DataArgs),
}

#[derive(Debug, clap::Args)]
pub(crate) struct ProviderAddArgs {
    #[command(flatten)]
    pub(crate) data: DataArgs,
    /// The log.
    #[arg(long)]
    pub(crate) log: String,
    /// The provider's public key (SPKI PEM).
    #[arg(long)]
    pub(crate) pubkey: PathBuf,
    /// Who it belongs to.
    #[arg(long, default_value = "")]
    pub(crate) label: String,
}

#[derive(Debug, Subcommand)]
pub(crate) enum LogsCommand {
    /// Create another log in the deployment (with its own key).
    Create(LogsCreateArgs),
    /// List the deployment's logs.
    List(DataArgs),
    /// Ask a witness to cosign a log's checkpoints.
    AddWitness(LogsAddWitnessArgs),
}

#[derive(Debug, clap::Args)]
pub(crate) struct LogsAddWitnessArgs {
    #[command(flatten)]
    pub(crate) data: DataArgs,
    /// The log.
    #[arg(long)]
    pub(crate) log: String,
    /// The witness's submission prefix (it serves `<url>/add-checkpoint`).
    #[arg(long)]
    pub(crate) url: String,
    /// The witness's cosignature vkey.
    #[arg(long)]
    pub(crate) vkey: String,
}

#[derive(Debug, Subcommand)]
pub(crate) enum WitnessCommand {
    /// Print this deployment's witness vkey (creating the key if needed).
    Show(WitnessShowArgs),
    /// Cosign checkpoints of the log with this vkey.
    Trust(WitnessTrustArgs),
}

#[derive(Debug, clap::Args)]
pub(crate) struct WitnessShowArgs {
    #[command(flatten)]
    pub(crate) data: DataArgs,
    /// Prefix of the witness name on first use: `<prefix>/witness`.
    #[arg(long, default_value = "lading.localhost")]
    pub(crate) origin_prefix: String,
}

#[derive(Debug, clap::Args)]
pub(crate) struct WitnessTrustArgs {
    #[command(flatten)]
    pub(crate) data: DataArgs,
    /// The log's vkey (Ed25519, type 0x01).
    #[arg(long)]
    pub(crate) vkey: String,
}

#[derive(Debug, clap::Args)]
pub(crate) struct LogsCreateArgs {
    #[command(flatten)]
    pub(crate) data: DataArgs,
    /// URL name of the log.
    #[arg(long)]
    pub(crate) name: String,
    /// Checkpoint origin line.
    #[arg(long)]
    pub(crate) origin: String,
}
