//! Arguments of `lading remote` (a client of a deployment's HTTP API) and
//! `lading monitor` (following any C2SP tlog-tiles log).

use std::path::PathBuf;

use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub(crate) enum RemoteCommand {
    /// Submit a DSSE envelope, a Sigstore bundle, a SCITT signed statement (COSE_Sign1,
    /// registered through SCRAPI `POST /entries`) or a raw entry (FILE, or `-` for standard
    /// input); print its index and leaf hash and save the receipt (checked before it is saved).
    Submit(RemoteSubmitArgs),
    /// Fetch the receipt (c2sp.org/tlog-proof@v1) of an entry by index or leaf hash.
    Receipt(RemoteReceiptArgs),
    /// Fetch entry N from the log's entry bundles, checked against its receipt.
    Get(RemoteGetArgs),
    /// Find entries by a digest or a document id the server verified when it logged them.
    Search(RemoteSearchArgs),
    /// List the deployment's logs: name, origin, vkey, size.
    Logs(RemoteArgs),
}

#[derive(Debug, Clone, clap::Args)]
pub(crate) struct RemoteArgs {
    /// The deployment's base URL, e.g. https://log.example.com or http://127.0.0.1:8080.
    #[arg(long)]
    pub(crate) server: String,
    /// A file holding the API token (else the LADING_TOKEN environment variable). Tokens are
    /// never taken on the command line, where other users can read them.
    #[arg(long)]
    pub(crate) token_file: Option<PathBuf>,
    /// How many times to retry a request the server answers 503 (or 429), or that cannot
    /// connect, with exponential backoff; a Retry-After header sets the wait (at most 60 s).
    #[arg(long, default_value_t = 6)]
    pub(crate) retries: u32,
}

#[derive(Debug, clap::Args)]
pub(crate) struct RemoteSubmitArgs {
    #[command(flatten)]
    pub(crate) remote: RemoteArgs,
    /// The file to submit, or `-` for standard input.
    pub(crate) file: PathBuf,
    /// The log's name, e.g. `registry`.
    #[arg(long)]
    pub(crate) log: String,
    /// Submit the bytes as a raw entry (at most 65,535 bytes) even if they are a DSSE envelope or bundle.
    #[arg(long)]
    pub(crate) raw: bool,
    /// Write the receipt here: c2sp.org/tlog-proof@v1 (it verifies with `lading log
    /// verify-proof`), or for a COSE statement the COSE receipt (RFC 9942; it verifies with
    /// `lading scitt verify S.cose --receipt R.cose --log-key VKEY`).
    #[arg(long)]
    pub(crate) out: Option<PathBuf>,
    /// The log's vkey (or a file holding it) to check the receipt's checkpoint against;
    /// default: the vkey the server lists for the log (trust on first use).
    #[arg(long)]
    pub(crate) vkey: Option<String>,
    /// For a COSE statement: ask the service to answer at once with a location to poll
    /// (SCRAPI `Prefer: respond-async`) instead of waiting for the receipt.
    #[arg(long)]
    pub(crate) prefer_async: bool,
    /// For a COSE statement: how long to poll the registration's location (seconds).
    #[arg(long, default_value_t = 120)]
    pub(crate) poll_timeout: u64,
}

#[derive(Debug, clap::Args)]
pub(crate) struct RemoteReceiptArgs {
    #[command(flatten)]
    pub(crate) remote: RemoteArgs,
    /// The log's name.
    #[arg(long)]
    pub(crate) log: String,
    /// The entry's index.
    #[arg(long, required_unless_present = "leaf", conflicts_with = "leaf")]
    pub(crate) index: Option<u64>,
    /// The entry's RFC 9162 leaf hash (64 hex digits).
    #[arg(long)]
    pub(crate) leaf: Option<String>,
    /// Write the receipt here instead of stdout.
    #[arg(long)]
    pub(crate) out: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub(crate) struct RemoteGetArgs {
    #[command(flatten)]
    pub(crate) remote: RemoteArgs,
    /// The log's name.
    #[arg(long)]
    pub(crate) log: String,
    /// The entry's index.
    #[arg(long)]
    pub(crate) index: u64,
    /// The log's vkey (or a file holding it); default: the vkey the server lists.
    #[arg(long)]
    pub(crate) vkey: Option<String>,
    /// Write the entry here instead of stdout.
    #[arg(long)]
    pub(crate) out: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub(crate) struct RemoteSearchArgs {
    #[command(flatten)]
    pub(crate) remote: RemoteArgs,
    /// The log's name.
    #[arg(long)]
    pub(crate) log: String,
    /// A SHA-256 digest, `sha256:HEX`: of a submitted envelope or raw entry, or of a subject
    /// (the document or an artefact it names).
    #[arg(long, required_unless_present = "document", conflicts_with = "document")]
    pub(crate) digest: Option<String>,
    /// A document id, KIND/ID (e.g. inspection-report/0b5e…).
    #[arg(long)]
    pub(crate) document: Option<String>,
}

#[derive(Debug, clap::Args)]
pub(crate) struct MonitorArgs {
    /// A Lading deployment's base URL (with --log); the log's tlog-tiles prefix is
    /// SERVER/v1/logs/LOG.
    #[arg(long, required_unless_present = "prefix", requires = "log")]
    pub(crate) server: Option<String>,
    /// The log's name on --server.
    #[arg(long, requires = "server")]
    pub(crate) log: Option<String>,
    /// Any C2SP tlog-tiles log: its monitoring prefix (PREFIX/checkpoint, PREFIX/tile/…).
    #[arg(long, conflicts_with_all = ["server", "log"])]
    pub(crate) prefix: Option<String>,
    /// The log's vkey, or a file holding it.
    #[arg(long)]
    pub(crate) vkey: String,
    /// A C2SP tlog-policy file: the checkpoint must carry the cosignatures its quorum asks for.
    #[arg(long)]
    pub(crate) policy: Option<PathBuf>,
    /// The directory keeping the last verified checkpoint (created); evidence of a log that
    /// shrank, rewrote or forked its history is saved under DIR/evidence/.
    #[arg(long)]
    pub(crate) state: PathBuf,
    /// Entries that must stay included: lines `INDEX LEAF_HASH_HEX` (as `lading remote submit`
    /// prints them), `#` comments allowed.
    #[arg(long)]
    pub(crate) watch: Option<PathBuf>,
    /// Keep running: check again every this many seconds (until interrupted or a failure).
    #[arg(long)]
    pub(crate) interval: Option<u64>,
    /// Retries of a request answered 503/429 or that cannot connect (backoff, Retry-After honoured).
    #[arg(long, default_value_t = 6)]
    pub(crate) retries: u32,
}
