//! Arguments of `lading maint`: maintenance streams, ingestion, segments, holds, retention.

use std::path::PathBuf;

use clap::{Subcommand, ValueEnum};

#[derive(Debug, Subcommand)]
pub(crate) enum MaintCommand {
    /// Manage maintenance streams (one transparency log each).
    #[command(subcommand)]
    Stream(StreamCommand),
    /// Ingest events from a file: all or nothing unless --per-line.
    Ingest(MaintIngestArgs),
    /// Take RFC 5424 syslog over TCP, TLS and UDP into the stream, committing each read before the next.
    Listen(crate::cli::MaintListenArgs),
    /// Export events [FROM, TO) as a verifiable segment package.
    Export(MaintExportArgs),
    /// Verify a segment package: completeness, integrity, signatures, time order.
    Verify(MaintVerifyArgs),
    /// Legal holds: events under a hold are never pruned.
    #[command(subcommand)]
    Hold(HoldCommand),
    /// Report what the retention policy keeps, holds and may prune; --prune prunes it.
    Retention(MaintRetentionArgs),
    /// Mint a token for OTLP/HTTP ingestion into the stream (`POST /v1/logs` on `lading serve`).
    Token(MaintTokenArgs),
    /// Copy an embedded stream into PostgreSQL and prove the two logs' roots equal (resumable).
    Migrate(MaintMigrateArgs),
}

#[derive(Debug, clap::Args)]
pub(crate) struct MaintMigrateArgs {
    /// The stream.
    pub(crate) name: String,
    /// The data directory holding the embedded stream (streams/NAME).
    #[arg(long)]
    pub(crate) from_data: PathBuf,
    /// PostgreSQL connection URL to copy it to.
    #[arg(long)]
    pub(crate) to_postgres: String,
    /// The PostgreSQL deployment's key directory (the stream's key, or its pkcs11: URI, is copied to streams/NAME.key).
    #[arg(long)]
    pub(crate) keys: PathBuf,
}

#[derive(Debug, clap::Args)]
pub(crate) struct MaintTokenArgs {
    /// The stream.
    pub(crate) name: String,
    #[command(flatten)]
    pub(crate) data: MaintDataArgs,
    /// Who the token is for.
    #[arg(long, default_value = "otlp")]
    pub(crate) label: String,
    /// Revoke the token with this id instead of minting one (every `lading serve` stops taking it within a second).
    #[arg(long, value_name = "ID", conflicts_with = "label")]
    pub(crate) revoke: Option<String>,
}

#[derive(Debug, Subcommand)]
pub(crate) enum HoldCommand {
    /// Place a legal hold on sequences [FROM, TO) (TO omitted: every later event too).
    Add(HoldAddArgs),
    /// Release a hold (it stays on record with its release time).
    Release(HoldReleaseArgs),
    /// List the stream's holds.
    List(HoldListArgs),
}

#[derive(Debug, clap::Args)]
pub(crate) struct HoldAddArgs {
    /// The stream.
    pub(crate) name: String,
    #[command(flatten)]
    pub(crate) data: MaintDataArgs,
    /// Hold id, e.g. a case number.
    #[arg(long)]
    pub(crate) id: String,
    /// First sequence number held.
    #[arg(long, default_value_t = 0)]
    pub(crate) from: u64,
    /// End of the hold, exclusive (default: open-ended).
    #[arg(long)]
    pub(crate) to: Option<u64>,
    /// Why, e.g. the matter and who ordered it.
    #[arg(long)]
    pub(crate) reason: String,
}

#[derive(Debug, clap::Args)]
pub(crate) struct HoldReleaseArgs {
    /// The stream.
    pub(crate) name: String,
    #[command(flatten)]
    pub(crate) data: MaintDataArgs,
    /// Hold id.
    #[arg(long)]
    pub(crate) id: String,
}

#[derive(Debug, clap::Args)]
pub(crate) struct HoldListArgs {
    /// The stream.
    pub(crate) name: String,
    #[command(flatten)]
    pub(crate) data: MaintDataArgs,
}

#[derive(Debug, clap::Args)]
pub(crate) struct MaintRetentionArgs {
    /// The stream.
    pub(crate) name: String,
    #[command(flatten)]
    pub(crate) data: MaintDataArgs,
    /// Delete the bodies of prunable events (whole 256-event bundles; leaf hashes stay).
    #[arg(long)]
    pub(crate) prune: bool,
    /// Judge retention as of this RFC 3339 time instead of now.
    #[arg(long)]
    pub(crate) now: Option<String>,
}

#[derive(Debug, Subcommand)]
pub(crate) enum StreamCommand {
    /// Create a stream in DIR/streams/NAME and print its log's vkey.
    Create(StreamCreateArgs),
}

#[derive(Debug, clap::Args)]
pub(crate) struct MaintDataArgs {
    /// The data directory holding streams/NAME (embedded store).
    #[arg(long, default_value = "lading-data", conflicts_with = "postgres")]
    pub(crate) data: PathBuf,
    /// PostgreSQL connection URL (server store), e.g. postgres://lading@127.0.0.1/lading.
    #[arg(long)]
    pub(crate) postgres: Option<String>,
    /// With --postgres: the directory holding the private keys (streams/NAME.key).
    #[arg(long, requires = "postgres")]
    pub(crate) keys: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub(crate) struct StreamCreateArgs {
    /// Stream name, e.g. `fleet-acme-de` (lowercase letters, digits, `.`, `_`, `-`).
    pub(crate) name: String,
    #[command(flatten)]
    pub(crate) data: MaintDataArgs,
    /// The stream log's Ed25519 private key: a key file (plain or encrypted; its PEM is kept with the stream) or a pkcs11: URI (only the URI is kept).
    #[arg(long)]
    pub(crate) key: PathBuf,
    /// Checkpoint origin (default `lading.local/maint/NAME`).
    #[arg(long)]
    pub(crate) origin: Option<String>,
    /// Provider's registered legal name, for event and segment metadata.
    #[arg(long)]
    pub(crate) provider: String,
    /// Provider's registration id (e.g. unified social credit code).
    #[arg(long)]
    pub(crate) registration_id: String,
    /// EBOPS 2010 code(s) of the service.
    #[arg(long = "ebops", default_values_t = ["SB".to_owned()])]
    pub(crate) ebops: Vec<String>,
    /// UN CPC 2.1 code(s) of the service.
    #[arg(long = "cpc", default_values_t = ["8715".to_owned()])]
    pub(crate) cpc: Vec<String>,
    /// ISO 3166-1 alpha-2 code(s) of the client jurisdictions.
    #[arg(long = "jurisdiction")]
    pub(crate) jurisdictions: Vec<String>,
    /// How far (ms) an event's occurred_at may fall behind the latest one.
    #[arg(long, default_value_t = 5_000)]
    pub(crate) clock_tolerance_ms: u64,
    /// Days events are kept before they may be pruned (at least 180).
    #[arg(long, default_value_t = 180)]
    pub(crate) retention_days: u32,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum EventFormatArg {
    /// JSON Lines in Lading's maintenance-event schema (without `sequence`).
    Jsonl,
    /// RFC 5424 syslog lines with a [maint@32473 ...] element.
    Syslog,
    /// OTLP logs: one ExportLogsServiceRequest in JSON per line (the Collector's file exporter format).
    OtlpJson,
}

#[derive(Debug, clap::Args)]
pub(crate) struct MaintIngestArgs {
    /// The stream.
    pub(crate) name: String,
    /// The file to ingest (`-` for stdin).
    pub(crate) file: PathBuf,
    #[command(flatten)]
    pub(crate) data: MaintDataArgs,
    /// Source format.
    #[arg(long, value_enum)]
    pub(crate) format: EventFormatArg,
    /// Append the lines that pass and report the others, instead of refusing the whole file.
    #[arg(long)]
    pub(crate) per_line: bool,
}

#[derive(Debug, clap::Args)]
pub(crate) struct MaintExportArgs {
    /// The stream.
    pub(crate) name: String,
    #[command(flatten)]
    pub(crate) data: MaintDataArgs,
    /// First event: a sequence number, or an RFC 3339 time (the first event at or after it).
    #[arg(long)]
    pub(crate) from: Option<String>,
    /// End, exclusive: a sequence number, or an RFC 3339 time (events before it).
    #[arg(long)]
    pub(crate) to: Option<String>,
    /// The segment package to write.
    #[arg(long)]
    pub(crate) out: PathBuf,
}

#[derive(Debug, clap::Args)]
pub(crate) struct MaintVerifyArgs {
    /// The segment package.
    pub(crate) segment: PathBuf,
    /// The stream log's vkey, or a file holding it.
    #[arg(long)]
    pub(crate) vkey: String,
    /// Print every event of the timeline (default: the first and last 10).
    #[arg(long)]
    pub(crate) full_timeline: bool,
}
