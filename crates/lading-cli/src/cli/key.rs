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
    /// Encrypt the private key (PKCS#8 PBES2: PBKDF2-HMAC-SHA256, AES-256-CBC) with the passphrase
    /// from --passphrase-file, LADING_KEY_PASSPHRASE or a prompt.
    #[arg(long, conflicts_with = "pkcs11")]
    pub(crate) encrypt: bool,
    /// Generate the key inside the PKCS#11 token this URI names (object=LABEL; sensitive,
    /// non-extractable); writes only PREFIX.pub.
    #[arg(long, value_name = "URI")]
    pub(crate) pkcs11: Option<String>,
}

#[derive(Debug, clap::Args)]
pub(crate) struct KeyShowArgs {
    /// A private (.key) or public (.pub) PEM key file, or a pkcs11: URI.
    pub(crate) file: PathBuf,
}
