//! Arguments of `lading sign`, `verify-signature` and `sigstore-bundle`.

use std::path::PathBuf;

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
pub(crate) struct SigstoreBundleArgs {
    /// A DSSE envelope (JSON) or a .lading package.
    pub(crate) input: PathBuf,
    /// Write the bundle here instead of stdout.
    #[arg(long)]
    pub(crate) out: Option<PathBuf>,
}
