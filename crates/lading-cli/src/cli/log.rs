//! Arguments of `lading log`: a transparency log in a local directory.

use std::path::PathBuf;

use clap::Subcommand;

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
    /// Ask a C2SP witness to cosign the log's checkpoint after every append (receipts then carry its cosignature).
    AddWitness(LogAddWitnessArgs),
    /// Ask the log's witnesses to cosign its latest checkpoint now.
    Witness(LogDirArgs),
}

#[derive(Debug, clap::Args)]
pub(crate) struct LogAddWitnessArgs {
    /// The log directory.
    pub(crate) dir: PathBuf,
    /// The witness's submission prefix (it serves `<url>/add-checkpoint`, C2SP tlog-witness), e.g. a `lading serve` that trusts this log's vkey (`lading witness trust`).
    #[arg(long)]
    pub(crate) url: String,
    /// The witness's cosignature vkey (type 0x04, as `lading witness show` prints).
    #[arg(long)]
    pub(crate) vkey: String,
}

#[derive(Debug, clap::Args)]
pub(crate) struct LogInitArgs {
    /// The log directory (created; must be empty if it exists).
    pub(crate) dir: PathBuf,
    /// Checkpoint origin line, e.g. `log.example.com/registry`.
    #[arg(long)]
    pub(crate) origin: String,
    /// The log's Ed25519 private key (a key file, copied into DIR/log.key, or a pkcs11: URI, recorded there).
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
    /// The entry the receipt is for, as stored in the log.
    #[arg(long, required_unless_present = "envelope", conflicts_with = "envelope")]
    pub(crate) entry: Option<PathBuf>,
    /// A signed statement the receipt is for: the DSSE envelope file as
    /// submitted, a Sigstore bundle `lading sigstore-bundle` made of it, or a
    /// `.lading` package holding it. The registry entry (kind, envelope
    /// SHA-256, signer's key id) is derived from it, as the server does.
    #[arg(long)]
    pub(crate) envelope: Option<PathBuf>,
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
