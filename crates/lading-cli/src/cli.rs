//! Command-line definitions.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// Lading: certifiable, tamper-evident, verifiable digital service deliverables.
#[derive(Debug, Parser)]
#[command(name = "lading", version, about, propagate_version = true)]
pub(crate) struct Cli {
    /// Machine-readable JSON output on stdout.
    #[arg(long, global = true)]
    pub(crate) json: bool,

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
    /// Print the RFC 8785 canonical form of a JSON file.
    Canonicalize(CanonicalizeArgs),
    /// Print the JSON Schema of a document kind.
    Schema(SchemaArgs),
    /// Run the whole journey that exists so far in a temporary directory.
    Demo(DemoArgs),
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
    /// Write the envelope here instead of stdout.
    #[arg(long)]
    pub(crate) out: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub(crate) struct VerifySignatureArgs {
    /// The DSSE envelope (JSON).
    pub(crate) envelope: PathBuf,
    /// Public key (SPKI PEM).
    #[arg(long)]
    pub(crate) pubkey: PathBuf,
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
    /// Keep the demo's files in this directory instead of a temporary one.
    #[arg(long)]
    pub(crate) keep: Option<PathBuf>,
}
