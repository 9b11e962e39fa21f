//! Arguments of `lading bench`.

use std::path::PathBuf;

use clap::Subcommand;

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
    /// X.509 chain validation (3 certificates, root cached) and RFC 3161 token verification per
    /// second, next to `openssl speed ecdsap256` in the same run.
    Pki(BenchPkiArgs),
    /// Signatures per second of each --key (files, encrypted files, pkcs11: URIs), as ratios to the first.
    Sign(BenchSignArgs),
}

#[derive(Debug, clap::Args)]
pub(crate) struct BenchPkiArgs {
    /// Seconds per measurement.
    #[arg(long, default_value_t = 3.0)]
    pub(crate) seconds: f64,
}

#[derive(Debug, clap::Args)]
pub(crate) struct BenchSignArgs {
    /// Keys to time, the first the baseline (a key file or a pkcs11: URI); repeatable.
    #[arg(long, required = true)]
    pub(crate) key: Vec<PathBuf>,
    /// Seconds of signing per key.
    #[arg(long, default_value_t = 3.0)]
    pub(crate) seconds: f64,
    /// Sign as a log signs its checkpoints: a signed note through the same note signer a log
    /// with this key uses (Ed25519 keys only).
    #[arg(long)]
    pub(crate) checkpoint: bool,
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
    /// Keep the deployment (registry, tokens, the stream) in PostgreSQL instead of the demo's
    /// SQLite files: the demo's stream is copied there (`maint migrate`) and grown, and the server
    /// runs with `--postgres`.
    #[arg(long, requires = "keys")]
    pub(crate) postgres: Option<String>,
    /// With --postgres: the directory for the deployment's private keys.
    #[arg(long, requires = "postgres")]
    pub(crate) keys: Option<PathBuf>,
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
