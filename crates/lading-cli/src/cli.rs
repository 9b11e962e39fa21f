//! Command-line definitions.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

pub(crate) mod pki;

/// Lading: certifiable, tamper-evident, verifiable digital service deliverables.
#[derive(Debug, Parser)]
#[command(name = "lading", version, about)]
pub(crate) struct Cli {
    /// Machine-readable JSON output on stdout.
    #[arg(long, global = true)]
    pub(crate) json: bool,

    /// Read private keys that group or others may read (refused otherwise; says so on every use).
    #[arg(long, global = true)]
    pub(crate) allow_loose_key_permissions: bool,

    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Manage signing keys.
    #[command(subcommand)]
    Key(KeyCommand),
    /// Print a complete, valid example document of a kind.
    New(NewArgs),
    /// Check documents against their schema and consistency rules.
    Validate(ValidateArgs),
    /// Sign a document into a DSSE envelope of an in-toto Statement v1.
    Sign(SignArgs),
    /// Verify a signed envelope with a public key.
    VerifySignature(VerifySignatureArgs),
    /// Export a DSSE envelope (or a release package's manifest) as a Sigstore bundle v0.3
    /// with a public-key hint, for Sigstore's verifiers.
    SigstoreBundle(SigstoreBundleArgs),
    /// Print the RFC 8785 canonical form of a JSON file.
    Canonicalize(CanonicalizeArgs),
    /// Print the JSON Schema of a document kind.
    Schema(SchemaArgs),
    /// Transparency logs: init, append, checkpoint, prove, verify.
    #[command(subcommand)]
    Log(LogCommand),
    /// Run the transparency service (HTTP API over the logs in --data).
    Serve(ServeArgs),
    /// Manage the API tokens of a deployment.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Manage the provider keys a deployment's logs accept statements from.
    #[command(subcommand)]
    Provider(ProviderCommand),
    /// Manage the logs of a deployment.
    #[command(subcommand)]
    Logs(LogsCommand),
    /// This deployment as a witness for other logs (C2SP tlog-witness).
    #[command(subcommand)]
    Witness(WitnessCommand),
    /// Take stock of a provider's offerings against the three deliverable kinds.
    #[command(subcommand)]
    Inventory(InventoryCommand),
    /// SaaS delivery packages: pack, verify a delivered tree, diff, history.
    #[command(subcommand)]
    Release(ReleaseCommand),
    /// Remote maintenance logs: streams, ingestion, verifiable segments.
    #[command(subcommand)]
    Maint(MaintCommand),
    /// Verifiable Credentials (VC 2.0, eddsa-jcs-2022 Data Integrity proofs, did:key issuers).
    #[command(subcommand)]
    Credential(CredentialCommand),
    /// The pilot zone's white list: entities, keys, status history; signed versions.
    #[command(subcommand, name = "trust-list")]
    TrustList(TrustListCommand),
    /// AI visual inspection: ISO 2859-1 sampling plans and sample selection.
    #[command(subcommand)]
    Inspect(InspectCommand),
    /// Certification bodies: evaluate deliverables against a scheme profile; issue certificates.
    #[command(subcommand)]
    Certify(CertifyCommand),
    /// Providers: issue compliance statements to clients.
    #[command(subcommand)]
    Statement(StatementCommand),
    /// Evidence bundles: deliverables, receipts, certificate, statement, trust list in one file.
    #[command(subcommand)]
    Bundle(BundleCommand),
    /// Verify an evidence bundle against a trust policy: a verdict and the checks behind it.
    Verify(VerifyArgs),
    /// Measure performance on this machine.
    #[command(subcommand)]
    Bench(BenchCommand),
    /// Run the whole journey that exists so far in a temporary directory.
    Demo(DemoArgs),
    /// A private X.509 test hierarchy: root and intermediate CAs, signer and TSA certificates, CRLs.
    #[command(subcommand)]
    Pki(pki::PkiCommand),
}

#[derive(Debug, Subcommand)]
pub(crate) enum LogCommand {
    /// Create a log in DIR (SQLite + C2SP tiles) and print its vkey.
    Init(LogInitArgs),
    /// Append entries: one per FILE, or one per line of stdin with --lines.
    Append(LogAppendArgs),
    /// Print the latest signed checkpoint.
    Checkpoint(LogDirArgs),
    /// Write a c2sp.org/tlog-proof@v1 receipt for entry N.
    Prove(LogProveArgs),
    /// Print entry N (as stored) on stdout.
    Get(LogGetArgs),
    /// Verify a receipt for an entry against a log key (and a witness policy).
    VerifyProof(LogVerifyProofArgs),
    /// Print a consistency proof between two tree sizes, base64 hashes one per line.
    Consistency(LogConsistencyArgs),
    /// Verify that a newer checkpoint is consistent with an older one.
    VerifyConsistency(LogVerifyConsistencyArgs),
}

#[derive(Debug, clap::Args)]
pub(crate) struct LogInitArgs {
    /// The log directory (created; must be empty if it exists).
    pub(crate) dir: PathBuf,
    /// Checkpoint origin line, e.g. `log.example.com/registry`.
    #[arg(long)]
    pub(crate) origin: String,
    /// The log's Ed25519 private key (PKCS#8 PEM), copied into DIR/log.key.
    #[arg(long)]
    pub(crate) key: PathBuf,
}

#[derive(Debug, clap::Args)]
pub(crate) struct LogDirArgs {
    /// The log directory.
    pub(crate) dir: PathBuf,
}

#[derive(Debug, clap::Args)]
pub(crate) struct LogAppendArgs {
    /// The log directory.
    pub(crate) dir: PathBuf,
    /// Files to append, one entry each (at most 65,535 bytes).
    pub(crate) files: Vec<PathBuf>,
    /// Read entries from stdin, one per line (without the newline).
    #[arg(long, conflicts_with = "files")]
    pub(crate) lines: bool,
    /// Most entries per durable batch.
    #[arg(long, default_value_t = 4096)]
    pub(crate) batch: usize,
    /// Longest wait in milliseconds for a batch to fill.
    #[arg(long, default_value_t = 2)]
    pub(crate) max_wait_ms: u64,
}

#[derive(Debug, clap::Args)]
pub(crate) struct LogProveArgs {
    /// The log directory.
    pub(crate) dir: PathBuf,
    /// Entry index.
    #[arg(long)]
    pub(crate) index: u64,
    /// Write the receipt here instead of stdout.
    #[arg(long)]
    pub(crate) out: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub(crate) struct LogGetArgs {
    /// The log directory.
    pub(crate) dir: PathBuf,
    /// Entry index.
    #[arg(long)]
    pub(crate) index: u64,
}

#[derive(Debug, clap::Args)]
pub(crate) struct LogVerifyProofArgs {
    /// The receipt (c2sp.org/tlog-proof@v1).
    pub(crate) receipt: PathBuf,
    /// The entry the receipt is for.
    #[arg(long)]
    pub(crate) entry: PathBuf,
    /// The log's vkey, or a file holding it.
    #[arg(long)]
    pub(crate) vkey: String,
    /// A C2SP tlog-policy file: known logs, witnesses and the quorum.
    #[arg(long)]
    pub(crate) policy: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub(crate) struct LogConsistencyArgs {
    /// The log directory.
    pub(crate) dir: PathBuf,
    /// The older tree size.
    #[arg(long)]
    pub(crate) from: u64,
    /// The newer tree size (default: the latest).
    #[arg(long)]
    pub(crate) to: Option<u64>,
}

#[derive(Debug, clap::Args)]
pub(crate) struct LogVerifyConsistencyArgs {
    /// The older signed checkpoint.
    #[arg(long)]
    pub(crate) old: PathBuf,
    /// The newer signed checkpoint.
    #[arg(long)]
    pub(crate) new: PathBuf,
    /// The proof: base64 hashes, one per line.
    #[arg(long)]
    pub(crate) proof: PathBuf,
    /// The log's vkey, or a file holding it.
    #[arg(long)]
    pub(crate) vkey: String,
}

#[derive(Debug, Subcommand)]
pub(crate) enum MaintCommand {
    /// Manage maintenance streams (one transparency log each).
    #[command(subcommand)]
    Stream(StreamCommand),
    /// Ingest events from a file: all or nothing unless --per-line.
    Ingest(MaintIngestArgs),
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
    /// The data directory holding streams/NAME.
    #[arg(long, default_value = "lading-data")]
    pub(crate) data: PathBuf,
}

#[derive(Debug, clap::Args)]
pub(crate) struct StreamCreateArgs {
    /// Stream name, e.g. `fleet-acme-de` (lowercase letters, digits, `.`, `_`, `-`).
    pub(crate) name: String,
    #[command(flatten)]
    pub(crate) data: MaintDataArgs,
    /// The stream log's Ed25519 private key (PKCS#8 PEM).
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

#[derive(Debug, Subcommand)]
pub(crate) enum BenchCommand {
    /// Durable appends at batch sizes 1, 64 and 1024, receipt generation and
    /// verification, next to this disk's raw fsync rate.
    Log(BenchLogArgs),
    /// Release hashing: one large file against `openssl dgst -sha256` on the same
    /// file, and many small files on one core against all cores.
    Hash(BenchHashArgs),
    /// Maintenance event ingestion (JSON Lines into a stream) against raw durable
    /// appends of the same canonical entries.
    Maint(BenchMaintArgs),
    /// Inference per image with tract against onnxruntime on the same input
    /// tensors, and a whole lot judged on one core against all cores.
    Inspect(BenchInspectArgs),
    /// The web console's pages on the demo deployment with a large maintenance stream (stream pages,
    /// admin, /verify with the demo's bundle) against /healthz on the same server.
    Console(BenchConsoleArgs),
}

#[derive(Debug, clap::Args)]
pub(crate) struct BenchConsoleArgs {
    /// Directory for the demo deployment (default: a temporary one); kept, a second run reuses its stream.
    #[arg(long)]
    pub(crate) dir: Option<PathBuf>,
    /// Events the demo's maintenance stream holds before measuring (added as needed).
    #[arg(long, default_value_t = 1_000_000)]
    pub(crate) events: u64,
    /// Timed requests per page.
    #[arg(long, default_value_t = 50)]
    pub(crate) repeats: usize,
}

#[derive(Debug, clap::Args)]
pub(crate) struct BenchInspectArgs {
    /// The ONNX model.
    #[arg(long, default_value = "models/surface/surface-classifier.onnx")]
    pub(crate) model: PathBuf,
    /// Its inspection profile.
    #[arg(long, default_value = "models/surface/profile.toml")]
    pub(crate) profile: PathBuf,
    /// Images to time inference on (and to build the lot from).
    #[arg(long, default_value = "models/surface/samples")]
    pub(crate) images: PathBuf,
    /// Items of the synthetic lot judged end to end (images re-encoded with noise from the folder's).
    #[arg(long, default_value_t = 1000)]
    pub(crate) items: usize,
    /// Timed passes over the images for the per-image figures.
    #[arg(long, default_value_t = 50)]
    pub(crate) repeats: usize,
    /// The Python with onnxruntime for the baseline (default: .venv-interop/bin/python, else python3).
    #[arg(long)]
    pub(crate) python: Option<PathBuf>,
    /// Leave out the onnxruntime baseline (said in the output).
    #[arg(long)]
    pub(crate) no_baseline: bool,
}

#[derive(Debug, clap::Args)]
pub(crate) struct BenchMaintArgs {
    /// Directory for the benchmark streams (default: a temporary one).
    #[arg(long)]
    pub(crate) dir: Option<PathBuf>,
    /// Events per batch (one file = one batch).
    #[arg(long, default_value_t = 20_000)]
    pub(crate) events: u64,
    /// Batches.
    #[arg(long, default_value_t = 5)]
    pub(crate) batches: u64,
}

#[derive(Debug, clap::Args)]
pub(crate) struct BenchHashArgs {
    /// Directory for the test files (default: a temporary one).
    #[arg(long)]
    pub(crate) dir: Option<PathBuf>,
    /// Size of the large file in MiB.
    #[arg(long, default_value_t = 2048)]
    pub(crate) size_mib: u64,
    /// Number of small files.
    #[arg(long, default_value_t = 100_000)]
    pub(crate) files: usize,
}

#[derive(Debug, clap::Args)]
pub(crate) struct BenchLogArgs {
    /// Directory for the benchmark logs (default: a temporary one).
    #[arg(long)]
    pub(crate) dir: Option<PathBuf>,
    /// Seconds per measurement.
    #[arg(long, default_value_t = 3.0)]
    pub(crate) seconds: f64,
    /// Entries in the log used for receipts.
    #[arg(long, default_value_t = 1_000_000)]
    pub(crate) receipt_log_size: u64,
}

#[derive(Debug, Subcommand)]
pub(crate) enum KeyCommand {
    /// Generate a key pair: PREFIX.key (PKCS#8 PEM, mode 0600) and PREFIX.pub (SPKI PEM).
    Generate(KeyGenerateArgs),
    /// Show a key's algorithm and key id.
    Show(KeyShowArgs),
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum AlgArg {
    Ed25519,
    P256,
    Sm2,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum KindArg {
    InspectionReport,
    MaintenanceEvent,
    MaintenanceSegment,
    SaasRelease,
}

#[derive(Debug, clap::Args)]
pub(crate) struct KeyGenerateArgs {
    /// Signature algorithm.
    #[arg(long, value_enum, default_value = "ed25519")]
    pub(crate) alg: AlgArg,
    /// Output prefix: writes PREFIX.key and PREFIX.pub.
    #[arg(long)]
    pub(crate) out: PathBuf,
    /// Overwrite existing files.
    #[arg(long)]
    pub(crate) force: bool,
}

#[derive(Debug, clap::Args)]
pub(crate) struct KeyShowArgs {
    /// A private (.key) or public (.pub) PEM key file.
    pub(crate) file: PathBuf,
}

#[derive(Debug, clap::Args)]
pub(crate) struct NewArgs {
    /// Document kind.
    #[arg(value_enum)]
    pub(crate) kind: KindArg,
    /// Document id (default: a random UUID v4).
    #[arg(long)]
    pub(crate) id: Option<uuid::Uuid>,
    /// Creation time, RFC 3339 (default: now).
    #[arg(long)]
    pub(crate) created_at: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(Debug, clap::Args)]
pub(crate) struct ValidateArgs {
    /// Document files (JSON).
    #[arg(required = true)]
    pub(crate) files: Vec<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub(crate) struct SignArgs {
    /// The document to sign (JSON).
    pub(crate) file: PathBuf,
    /// Private key (PKCS#8 PEM).
    #[arg(long)]
    pub(crate) key: PathBuf,
    /// The signer's certificate chain (PEM, leaf first, then intermediates): the output
    /// becomes a Sigstore bundle v0.3 carrying the chain. The leaf must certify --key,
    /// allow digitalSignature and be valid now.
    #[arg(long)]
    pub(crate) cert: Option<PathBuf>,
    /// Write the envelope (or bundle) here instead of stdout.
    #[arg(long)]
    pub(crate) out: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub(crate) struct VerifySignatureArgs {
    /// The DSSE envelope or certificate-bound Sigstore bundle (JSON).
    pub(crate) envelope: PathBuf,
    /// Public key (SPKI PEM), for a bare envelope.
    #[arg(long, required_unless_present = "ca", conflicts_with = "ca")]
    pub(crate) pubkey: Option<PathBuf>,
    /// Trusted root certificates (PEM or DER; repeatable): validate the bundle's chain (RFC 5280).
    #[arg(long)]
    pub(crate) ca: Vec<PathBuf>,
    /// CRLs to check revocation against (PEM or DER; repeatable).
    #[arg(long, requires = "ca")]
    pub(crate) crl: Vec<PathBuf>,
    /// Judge validity and revocation at this time (RFC 3339) instead of now.
    #[arg(long, requires = "ca")]
    pub(crate) at: Option<String>,
}

#[derive(Debug, clap::Args)]
pub(crate) struct CanonicalizeArgs {
    /// A JSON file (I-JSON: no duplicate keys, no lone surrogates).
    pub(crate) file: PathBuf,
}

#[derive(Debug, clap::Args)]
pub(crate) struct SchemaArgs {
    /// Document kind.
    #[arg(value_enum)]
    pub(crate) kind: KindArg,
}

#[derive(Debug, clap::Args)]
pub(crate) struct DemoArgs {
    /// Write the demo's files into this directory (default: a new directory under the system's temporary one, kept).
    #[arg(long)]
    pub(crate) keep: Option<PathBuf>,
    /// Then serve the web console over the demo's files: its logs, maintenance stream, white list and trust
    /// policy (an admin token is printed; stop with Ctrl-C).
    #[arg(long)]
    pub(crate) serve: bool,
    /// Where `--serve` listens.
    #[arg(long, default_value = "127.0.0.1:8080", requires = "serve")]
    pub(crate) listen: String,
}

#[derive(Debug, clap::Args)]
pub(crate) struct DataArgs {
    /// The deployment's data directory (embedded store: registry.db and logs/).
    #[arg(long, conflicts_with = "postgres")]
    pub(crate) data: Option<PathBuf>,
    /// PostgreSQL connection URL (server store), e.g. postgres://lading@127.0.0.1/lading.
    #[arg(long)]
    pub(crate) postgres: Option<String>,
    /// With --postgres: the directory holding the logs' and witness's private keys.
    #[arg(long, requires = "postgres")]
    pub(crate) keys: Option<PathBuf>,
}

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
    /// How often to ask the logs' witnesses to cosign a new checkpoint (ms).
    #[arg(long, default_value_t = 1000)]
    pub(crate) witness_interval_ms: u64,
    /// How long `?wait=receipt` waits for a cosigned checkpoint (ms).
    #[arg(long, default_value_t = 5000)]
    pub(crate) witness_wait_ms: u64,
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

#[derive(Debug, Subcommand)]
pub(crate) enum InventoryCommand {
    /// Map offerings (CSV or JSON) to deliverable kinds, with tags, gaps and market notes.
    Classify(InventoryClassifyArgs),
}

#[derive(Debug, clap::Args)]
pub(crate) struct InventoryClassifyArgs {
    /// The offerings: CSV with a header row, or a JSON array (by extension .json).
    pub(crate) offerings: PathBuf,
    /// A rules file instead of Lading's reference rules (rules/inventory-rules.v1.toml).
    #[arg(long)]
    pub(crate) rules: Option<PathBuf>,
    /// Print CSV (one row per offering and kind) instead of the table.
    #[arg(long, conflicts_with = "json")]
    pub(crate) csv: bool,
    /// Also write a self-contained HTML summary here.
    #[arg(long)]
    pub(crate) html: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub(crate) enum ReleaseCommand {
    /// Pack a release tree into a signed, version-chained .lading package.
    Pack(Box<ReleasePackArgs>),
    /// Check a delivered tree against a release: missing, extra, modified, re-moded files.
    Verify(ReleaseVerifyArgs),
    /// Compare two releases: files and SBOM components.
    Diff(ReleaseDiffArgs),
    /// Check and print the version chain of releases.
    History(ReleaseHistoryArgs),
}

#[derive(Debug, clap::Args)]
pub(crate) struct ReleasePackArgs {
    /// The release tree.
    pub(crate) dir: PathBuf,
    /// Service name.
    #[arg(long)]
    pub(crate) name: String,
    /// Semantic version.
    #[arg(long)]
    pub(crate) version: String,
    /// Release channel.
    #[arg(long, default_value = "stable")]
    pub(crate) channel: String,
    /// An SBOM inside the tree (CycloneDX 1.4–1.6 or SPDX 2.3 JSON); repeatable.
    #[arg(long)]
    pub(crate) sbom: Vec<PathBuf>,
    /// SLSA v1 provenance (DSSE envelope) naming the artefacts.
    #[arg(long)]
    pub(crate) provenance: Option<PathBuf>,
    /// An OCI image, REPOSITORY[:TAG]@sha256:DIGEST; repeatable.
    #[arg(long)]
    pub(crate) oci: Vec<String>,
    /// Source repository URL.
    #[arg(long)]
    pub(crate) source_repo: Option<String>,
    /// Source commit (hex).
    #[arg(long)]
    pub(crate) commit: Option<String>,
    /// Builder id.
    #[arg(long)]
    pub(crate) builder: Option<String>,
    /// Release notes (Markdown file).
    #[arg(long)]
    pub(crate) notes: Option<PathBuf>,
    /// The previous release (.lading package or DSSE envelope), signed with the same key.
    #[arg(long)]
    pub(crate) previous: Option<PathBuf>,
    /// The provider's signing key.
    #[arg(long)]
    pub(crate) key: PathBuf,
    /// The package to write.
    #[arg(long)]
    pub(crate) out: PathBuf,
    /// Provider legal name.
    #[arg(long)]
    pub(crate) provider: String,
    /// Provider registration id (e.g. unified social credit code).
    #[arg(long)]
    pub(crate) registration_id: String,
    /// ISO 3166-1 alpha-2 jurisdictions the release is for; repeatable.
    #[arg(long)]
    pub(crate) jurisdiction: Vec<String>,
    /// Monthly availability target in percent (your SLA).
    #[arg(long)]
    pub(crate) availability: f64,
    /// Support hours (your SLA), e.g. "24x7".
    #[arg(long)]
    pub(crate) support_hours: String,
    /// ISO 3166-1 alpha-2 countries where customer data is stored; repeatable.
    #[arg(long)]
    pub(crate) data_location: Vec<String>,
    /// Regions the release rolls out to; repeatable.
    #[arg(long)]
    pub(crate) region: Vec<String>,
    /// Hashing threads (0: all cores).
    #[arg(long, default_value_t = 0)]
    pub(crate) threads: usize,
}

#[derive(Debug, clap::Args)]
pub(crate) struct ReleaseVerifyArgs {
    /// The release package.
    pub(crate) package: PathBuf,
    /// The delivered tree.
    #[arg(long)]
    pub(crate) dir: PathBuf,
    /// The provider's public key.
    #[arg(long)]
    pub(crate) pubkey: PathBuf,
}

#[derive(Debug, clap::Args)]
pub(crate) struct ReleaseDiffArgs {
    /// The older release.
    pub(crate) a: PathBuf,
    /// The newer release.
    pub(crate) b: PathBuf,
    /// The provider's public key.
    #[arg(long)]
    pub(crate) pubkey: PathBuf,
}

#[derive(Debug, clap::Args)]
pub(crate) struct ReleaseHistoryArgs {
    /// The releases (.lading packages or envelopes), in any order.
    #[arg(required = true)]
    pub(crate) releases: Vec<PathBuf>,
    /// The provider's public key.
    #[arg(long)]
    pub(crate) pubkey: PathBuf,
}

#[cfg(test)]
mod tests {
    /// Regression: a subcommand flag named like a generated one (`release pack --version`)
    /// made clap panic at run time; clap's own consistency checks catch it here.
    #[test]
    fn the_command_line_definition_is_consistent() {
        <super::Cli as clap::CommandFactory>::command().debug_assert();
    }
}

#[derive(Debug, clap::Args)]
pub(crate) struct SigstoreBundleArgs {
    /// A DSSE envelope (JSON) or a .lading package.
    pub(crate) input: PathBuf,
    /// Write the bundle here instead of stdout.
    #[arg(long)]
    pub(crate) out: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub(crate) enum CredentialCommand {
    /// Sign a credential (without a proof) as its issuer, whose did:key must be the key's.
    Sign(CredentialSignArgs),
    /// Verify a credential: VC 2.0 shape, its eddsa-jcs-2022 proof by the issuer, its validity period.
    Verify(CredentialVerifyArgs),
}

#[derive(Debug, clap::Args)]
pub(crate) struct CredentialSignArgs {
    /// The unsigned credential (JSON; `-` for stdin).
    pub(crate) credential: PathBuf,
    /// The issuer's Ed25519 private key (PKCS#8 PEM).
    #[arg(long)]
    pub(crate) key: PathBuf,
    /// The proof's `created` time (RFC 3339; default now).
    #[arg(long)]
    pub(crate) created: Option<String>,
    /// Where to write the signed credential (default stdout).
    #[arg(long)]
    pub(crate) out: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub(crate) struct CredentialVerifyArgs {
    /// The credential (JSON; `-` for stdin).
    pub(crate) credential: PathBuf,
    /// Judge validity at this time (RFC 3339; default now).
    #[arg(long)]
    pub(crate) at: Option<String>,
}

#[derive(Debug, Subcommand)]
pub(crate) enum TrustListCommand {
    /// Start an unsigned list for an operator (the pilot-zone authority) and its signing key.
    New(TrustListNewArgs),
    /// List a provider or certification body (status: granted).
    Add(TrustListAddArgs),
    /// Record a status change of a listed entity (suspended, withdrawn, or granted again).
    SetStatus(TrustListSetStatusArgs),
    /// Sign the list as its next version (sequence number + 1) into a DSSE envelope.
    Sign(TrustListSignArgs),
    /// Print a list (unsigned, or signed and checked with the operator's public key).
    Show(TrustListShowArgs),
}

#[derive(Debug, clap::Args)]
pub(crate) struct TrustListNewArgs {
    /// The list file to create.
    pub(crate) list: PathBuf,
    /// The operator's name.
    #[arg(long)]
    pub(crate) operator: String,
    /// The pilot zone, e.g. CN-Shenzhen.
    #[arg(long)]
    pub(crate) zone: String,
    /// The operator's public (or private) key that will sign the list.
    #[arg(long)]
    pub(crate) key: PathBuf,
}

#[derive(Debug, clap::Args)]
pub(crate) struct TrustListAddArgs {
    /// The unsigned list file.
    pub(crate) list: PathBuf,
    /// The entity's id on the list.
    #[arg(long)]
    pub(crate) id: String,
    /// Legal name.
    #[arg(long)]
    pub(crate) legal_name: String,
    /// Registration id (unified social credit code).
    #[arg(long)]
    pub(crate) registration_id: String,
    /// The pilot zone (default: the operator's).
    #[arg(long)]
    pub(crate) zone: Option<String>,
    /// provider or certification-body.
    #[arg(long, value_parser = ["provider", "certification-body"])]
    pub(crate) role: String,
    /// Deliverable kinds: inspection-report, maintenance-log, saas-release (repeat or comma-separate).
    #[arg(long, value_delimiter = ',', required = true)]
    pub(crate) scope: Vec<String>,
    /// The entity's public keys (SPKI PEM; repeat for several).
    #[arg(long, required = true)]
    pub(crate) pubkey: Vec<PathBuf>,
    /// From when the keys and the grant hold (RFC 3339; default now).
    #[arg(long)]
    pub(crate) from: Option<String>,
    /// Until when the keys may be used (RFC 3339).
    #[arg(long)]
    pub(crate) until: Option<String>,
    /// Why the entity is listed.
    #[arg(long, default_value = "listed")]
    pub(crate) reason: String,
}

#[derive(Debug, clap::Args)]
pub(crate) struct TrustListSetStatusArgs {
    /// The unsigned list file.
    pub(crate) list: PathBuf,
    /// The entity's id.
    #[arg(long)]
    pub(crate) id: String,
    /// granted, suspended or withdrawn.
    #[arg(long, value_parser = ["granted", "suspended", "withdrawn"])]
    pub(crate) status: String,
    /// Why.
    #[arg(long)]
    pub(crate) reason: String,
    /// When it takes effect (RFC 3339; default now).
    #[arg(long)]
    pub(crate) at: Option<String>,
}

#[derive(Debug, clap::Args)]
pub(crate) struct TrustListSignArgs {
    /// The unsigned list file; its sequence number and times are updated to what was signed.
    pub(crate) list: PathBuf,
    /// The operator's private key.
    #[arg(long)]
    pub(crate) key: PathBuf,
    /// Days until the next list is due.
    #[arg(long, default_value_t = 30)]
    pub(crate) next_update_days: u32,
    /// Where to write the signed list (a DSSE envelope).
    #[arg(long)]
    pub(crate) out: PathBuf,
}

#[derive(Debug, clap::Args)]
pub(crate) struct TrustListShowArgs {
    /// The list: unsigned JSON, or a signed envelope (then --pubkey is required).
    pub(crate) list: PathBuf,
    /// The operator's public key, to check a signed list.
    #[arg(long)]
    pub(crate) pubkey: Option<PathBuf>,
    /// Show each entity's status at this time (RFC 3339; default now).
    #[arg(long)]
    pub(crate) at: Option<String>,
}

#[derive(Debug, Subcommand)]
pub(crate) enum CertifyCommand {
    /// Evaluate a bundle's deliverables against a scheme profile into a conformity report.
    Evaluate(CertifyEvaluateArgs),
    /// Issue a certificate (VC) from a passed conformity report.
    Issue(CertifyIssueArgs),
}

#[derive(Debug, clap::Args)]
pub(crate) struct CertifyEvaluateArgs {
    /// The evidence bundle holding the deliverables (and their receipts).
    pub(crate) bundle: PathBuf,
    /// The scheme profile (JSON).
    #[arg(long)]
    pub(crate) profile: PathBuf,
    /// The provider's public key the deliverables must be signed with.
    #[arg(long)]
    pub(crate) provider_key: PathBuf,
    /// C2SP tlog-policy text naming the logs (and witnesses) whose receipts count.
    #[arg(long)]
    pub(crate) log_policy: Option<PathBuf>,
    /// Inspection reports: the ONNX model to re-run them with (the reproduction check).
    #[arg(long, requires = "inspect_images")]
    pub(crate) inspect_model: Option<PathBuf>,
    /// Inspection reports: the image folder to re-run them on.
    #[arg(long, requires = "inspect_model")]
    pub(crate) inspect_images: Option<PathBuf>,
    /// Where to write the conformity report.
    #[arg(long)]
    pub(crate) out: PathBuf,
}

#[derive(Debug, clap::Args)]
pub(crate) struct CertifyIssueArgs {
    /// The conformity report (must record a pass).
    #[arg(long)]
    pub(crate) report: PathBuf,
    /// The certification body's Ed25519 key.
    #[arg(long)]
    pub(crate) key: PathBuf,
    /// The provider's id on the white list.
    #[arg(long)]
    pub(crate) provider_id: String,
    /// The provider's legal name.
    #[arg(long)]
    pub(crate) provider_name: String,
    /// Days the certificate is valid.
    #[arg(long, default_value_t = 365)]
    pub(crate) valid_days: u32,
    /// Start of validity (RFC 3339; default now).
    #[arg(long)]
    pub(crate) valid_from: Option<String>,
    /// Where to write the certificate.
    #[arg(long)]
    pub(crate) out: PathBuf,
}

#[derive(Debug, Subcommand)]
pub(crate) enum StatementCommand {
    /// Issue a compliance statement (VC) naming deliverables by digest, the certificate,
    /// the white-list entry and the governing terms.
    Issue(StatementIssueArgs),
}

#[derive(Debug, clap::Args)]
pub(crate) struct StatementIssueArgs {
    /// Deliverables covered (release or segment packages, signed documents).
    #[arg(long, required = true)]
    pub(crate) deliverable: Vec<PathBuf>,
    /// The certificates covering the deliverables' kinds (repeat for several).
    #[arg(long, required = true)]
    pub(crate) certificate: Vec<PathBuf>,
    /// The signed white list the provider is on.
    #[arg(long)]
    pub(crate) trust_list: PathBuf,
    /// The list operator's public key.
    #[arg(long)]
    pub(crate) operator_key: PathBuf,
    /// The provider's id on the list.
    #[arg(long)]
    pub(crate) entity: String,
    /// The client's name.
    #[arg(long)]
    pub(crate) client: String,
    /// The contract reference.
    #[arg(long)]
    pub(crate) contract: String,
    /// The client's jurisdiction, e.g. DE.
    #[arg(long)]
    pub(crate) jurisdiction: String,
    /// The governing terms.
    #[arg(long, default_value = "Delivered under the contract named; certified per the certificate named.")]
    pub(crate) terms: String,
    /// The provider's Ed25519 key (on the white list).
    #[arg(long)]
    pub(crate) key: PathBuf,
    /// Where to write the statement.
    #[arg(long)]
    pub(crate) out: PathBuf,
}

#[derive(Debug, Subcommand)]
pub(crate) enum BundleCommand {
    /// Create an evidence bundle.
    Create(BundleCreateArgs),
}

#[derive(Debug, clap::Args)]
pub(crate) struct BundleCreateArgs {
    /// Deliverables (release or segment packages, signed documents).
    #[arg(long, required = true)]
    pub(crate) deliverable: Vec<PathBuf>,
    /// Receipts (c2sp.org/tlog-proof) already obtained.
    #[arg(long)]
    pub(crate) receipt: Vec<PathBuf>,
    /// Log the deliverables' envelopes (and the statement) in this local registry log and add the receipts.
    #[arg(long)]
    pub(crate) log: Option<PathBuf>,
    /// Certificates (repeat for several).
    #[arg(long)]
    pub(crate) certificate: Vec<PathBuf>,
    /// Conformity reports the certificates name (repeat for several).
    #[arg(long)]
    pub(crate) report: Vec<PathBuf>,
    /// The compliance statement.
    #[arg(long)]
    pub(crate) statement: Option<PathBuf>,
    /// The signed white list.
    #[arg(long)]
    pub(crate) trust_list: Option<PathBuf>,
    /// Other files to carry along.
    #[arg(long)]
    pub(crate) attach: Vec<PathBuf>,
    /// Where to write the bundle.
    #[arg(long)]
    pub(crate) out: PathBuf,
}

#[derive(Debug, clap::Args)]
pub(crate) struct VerifyArgs {
    /// The evidence bundle.
    pub(crate) bundle: PathBuf,
    /// The trust policy (JSON).
    #[arg(long)]
    pub(crate) policy: PathBuf,
    /// Verify as of this time (RFC 3339; default now).
    #[arg(long)]
    pub(crate) at: Option<String>,
    /// Also write a self-contained HTML report here.
    #[arg(long)]
    pub(crate) html: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub(crate) enum InspectCommand {
    /// The ISO 2859-1 single sampling plan for a lot: code letter, sample size, Ac and Re per AQL.
    Plan(InspectPlanArgs),
    /// Draw the items to inspect from a seed (the report's sample_seed), repeatably.
    Sample(InspectSampleArgs),
    /// Run an ONNX model over a lot's images and write the inspection report.
    Run(Box<InspectRunArgs>),
    /// Re-run a report's items and compare outputs and verdicts (exit 0 only when reproducible).
    Reproduce(InspectReproduceArgs),
    /// Build a report from detections computed elsewhere (COCO results): traceable, not reproducible by Lading.
    Import(Box<InspectImportArgs>),
    /// Render a report as one self-contained HTML file for people.
    Render(InspectRenderArgs),
}

#[derive(Debug, clap::Args)]
pub(crate) struct InspectRunArgs {
    /// The ONNX model.
    #[arg(long)]
    pub(crate) model: PathBuf,
    /// Largest difference of a raw output a re-run may show.
    #[arg(long, default_value_t = 1e-4)]
    pub(crate) tolerance: f64,
    /// Threads to run inference on (default: every core).
    #[arg(long)]
    pub(crate) threads: Option<usize>,
    #[command(flatten)]
    pub(crate) lot: LotArgs,
}

#[derive(Debug, clap::Args)]
pub(crate) struct InspectImportArgs {
    /// Detections in the COCO results format: [{"image_id", "category_id", "bbox", "score"}].
    #[arg(long)]
    pub(crate) coco: PathBuf,
    /// The COCO dataset file mapping image ids to file names and category ids to class names
    /// (without it, image_id is the file stem and category_id the profile's class index).
    #[arg(long)]
    pub(crate) coco_dataset: Option<PathBuf>,
    /// The model file the results came from (its SHA-256 is recorded).
    #[arg(long, required_unless_present = "model_sha256", conflicts_with = "model_sha256")]
    pub(crate) model: Option<PathBuf>,
    /// The model file's SHA-256, when the file is not at hand.
    #[arg(long)]
    pub(crate) model_sha256: Option<String>,
    /// The runtime that computed the results, NAME/VERSION (e.g. onnxruntime/1.20.1).
    #[arg(long, default_value = "unknown/unknown")]
    pub(crate) runtime: String,
    #[command(flatten)]
    pub(crate) lot: LotArgs,
}

/// What an inspection report needs besides the model's outputs.
#[derive(Debug, clap::Args)]
pub(crate) struct LotArgs {
    /// The lot's images: one file per item, in name order (the whole lot), or exactly the sampled items.
    #[arg(long)]
    pub(crate) images: PathBuf,
    /// The inspection profile (TOML): input, head, defect classes.
    #[arg(long)]
    pub(crate) profile: PathBuf,
    /// The lot description (TOML): provider, client, lot, acquisition, model name.
    #[arg(long = "lot")]
    pub(crate) description: PathBuf,
    /// The lot id (overrides the lot description's).
    #[arg(long)]
    pub(crate) lot_id: Option<String>,
    /// Items in the lot (default: the number of images).
    #[arg(long)]
    pub(crate) lot_size: Option<u64>,
    /// Inspection level: I, II, III, S-1, S-2, S-3, S-4.
    #[arg(long, default_value = "II", value_parser = ["I", "II", "III", "S-1", "S-2", "S-3", "S-4"])]
    pub(crate) level: String,
    /// normal, tightened or reduced.
    #[arg(long, default_value = "normal", value_parser = ["normal", "tightened", "reduced"])]
    pub(crate) severity: String,
    /// The standard named in the report (the three are identical).
    #[arg(long, default_value = "ISO 2859-1", value_parser = ["ISO 2859-1", "GB/T 2828.1", "ANSI/ASQ Z1.4"])]
    pub(crate) standard: String,
    /// AQL per defect class, CLASS=AQL (repeat or comma-separate), e.g. major=2.5,critical=0.65.
    #[arg(long, value_delimiter = ',')]
    pub(crate) aql: Vec<String>,
    /// Inspect every item instead of sampling; with --max-defects.
    #[arg(long, conflicts_with = "aql")]
    pub(crate) full: bool,
    /// 100 % inspection: the most nonconforming items per class, CLASS=N (repeat or comma-separate).
    #[arg(long, value_delimiter = ',', requires = "full")]
    pub(crate) max_defects: Vec<String>,
    /// Seed of the sample draw, as hex (default: 16 random bytes, recorded in the report).
    #[arg(long)]
    pub(crate) seed: Option<String>,
    /// Where to write the report (JSON).
    #[arg(long)]
    pub(crate) out: PathBuf,
}

#[derive(Debug, clap::Args)]
pub(crate) struct InspectRenderArgs {
    /// The inspection report (JSON).
    pub(crate) report: PathBuf,
    /// The image folder (images of non-conforming items are embedded when their digest matches).
    #[arg(long)]
    pub(crate) images: Option<PathBuf>,
    /// Where to write the HTML file.
    #[arg(long)]
    pub(crate) out: PathBuf,
}

#[derive(Debug, clap::Args)]
pub(crate) struct InspectReproduceArgs {
    /// The inspection report (JSON).
    pub(crate) report: PathBuf,
    /// The ONNX model.
    #[arg(long)]
    pub(crate) model: PathBuf,
    /// The image folder.
    #[arg(long)]
    pub(crate) images: PathBuf,
    /// An inspection profile whose parameters must equal the report's.
    #[arg(long)]
    pub(crate) profile: Option<PathBuf>,
    /// Threads (default: every core).
    #[arg(long)]
    pub(crate) threads: Option<usize>,
}

#[derive(Debug, clap::Args)]
pub(crate) struct InspectPlanArgs {
    /// Items in the lot.
    #[arg(long)]
    pub(crate) lot_size: u64,
    /// Inspection level: I, II, III, S-1, S-2, S-3, S-4.
    #[arg(long, default_value = "II", value_parser = ["I", "II", "III", "S-1", "S-2", "S-3", "S-4"])]
    pub(crate) level: String,
    /// normal, tightened or reduced.
    #[arg(long, default_value = "normal", value_parser = ["normal", "tightened", "reduced"])]
    pub(crate) severity: String,
    /// AQLs (repeat or comma-separate), from 0.010 to 1000.
    #[arg(long, value_delimiter = ',', required = true)]
    pub(crate) aql: Vec<f64>,
}

#[derive(Debug, clap::Args)]
pub(crate) struct InspectSampleArgs {
    /// Items in the lot (positions 0 … lot size − 1, in the order the lot's items are listed).
    #[arg(long)]
    pub(crate) lot_size: u64,
    /// Items to draw.
    #[arg(long)]
    pub(crate) sample_size: u64,
    /// The seed, as hex.
    #[arg(long)]
    pub(crate) seed: String,
}
