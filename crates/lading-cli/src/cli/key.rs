//! Arguments of `lading key`.

use std::path::PathBuf;

use clap::Subcommand;

use super::AlgArg;

#[derive(Debug, Subcommand)]
pub(crate) enum KeyCommand {
    /// Generate a key pair: PREFIX.key (PKCS#8 PEM, mode 0600) and PREFIX.pub (SPKI PEM).
    Generate(KeyGenerateArgs),
    /// Show a key's algorithm and key id.
    Show(KeyShowArgs),
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
