//! `lading pki …`: a private test hierarchy (roots, intermediates, signers, TSAs, CRLs).

use std::path::PathBuf;

use clap::{Subcommand, ValueEnum};

#[derive(Debug, Subcommand)]
pub(crate) enum PkiCommand {
    /// Make a self-signed root CA certificate for an existing lading key.
    InitCa(PkiInitCaArgs),
    /// Issue a certificate (intermediate CA, signer or TSA) signed by a CA.
    Issue(PkiIssueArgs),
    /// Make a CRL signed by a CA, revoking serial numbers.
    Crl(PkiCrlArgs),
    /// Print who certificates name (subject, organizationIdentifier, issuer, serial, validity).
    Show(PkiShowArgs),
    /// Validate a certificate chain against trusted roots (RFC 5280, CRLs) and print who it names.
    Verify(PkiVerifyArgs),
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum PurposeArg {
    /// Document signing (extKeyUsage, if present, allows it).
    Signer,
    /// A time-stamp authority (critical extKeyUsage timeStamping only).
    Tsa,
    /// No extended key usage requirement.
    Any,
}

#[derive(Debug, clap::Args)]
pub(crate) struct PkiVerifyArgs {
    /// The chain (PEM or DER; leaf first, then intermediates).
    pub(crate) chain: PathBuf,
    /// Trusted root certificates (repeatable).
    #[arg(long, required = true)]
    pub(crate) ca: Vec<PathBuf>,
    /// CRLs (repeatable).
    #[arg(long)]
    pub(crate) crl: Vec<PathBuf>,
    /// Validate at this time (RFC 3339) instead of now.
    #[arg(long)]
    pub(crate) at: Option<String>,
    /// What the leaf is for.
    #[arg(long, value_enum, default_value = "signer")]
    pub(crate) purpose: PurposeArg,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum CertProfileArg {
    /// An intermediate CA: basicConstraints cA, keyUsage keyCertSign + cRLSign.
    Ca,
    /// A document signer: keyUsage digitalSignature + nonRepudiation.
    Signer,
    /// A time-stamp authority: extKeyUsage timeStamping, critical.
    Tsa,
}

#[derive(Debug, clap::Args)]
pub(crate) struct PkiInitCaArgs {
    /// The root's private key (SM2, P-256 or Ed25519: a key file or a pkcs11: URI).
    #[arg(long)]
    pub(crate) key: PathBuf,
    /// Subject, RFC 4514, e.g. "CN=Test Root CA,O=Example,C=CN".
    #[arg(long)]
    pub(crate) subject: String,
    /// pathLenConstraint (intermediate CAs allowed below the root).
    #[arg(long)]
    pub(crate) path_len: Option<u8>,
    #[command(flatten)]
    pub(crate) validity: PkiValidityArgs,
    /// Where to write the certificate (PEM).
    #[arg(long)]
    pub(crate) out: PathBuf,
}

#[derive(Debug, clap::Args)]
pub(crate) struct PkiValidityArgs {
    /// Start of validity (RFC 3339; default now).
    #[arg(long)]
    pub(crate) not_before: Option<String>,
    /// End of validity (RFC 3339; default --days after the start).
    #[arg(long)]
    pub(crate) not_after: Option<String>,
    /// Days of validity when --not-after is not given.
    #[arg(long, default_value_t = 365)]
    pub(crate) days: u32,
}

#[derive(Debug, clap::Args)]
pub(crate) struct PkiIssueArgs {
    /// The issuing CA's certificate (PEM; its first certificate issues; the
    /// others, except a self-signed root, are appended to the output chain).
    #[arg(long)]
    pub(crate) ca_cert: PathBuf,
    /// The issuing CA's private key (a key file or a pkcs11: URI).
    #[arg(long)]
    pub(crate) ca_key: PathBuf,
    /// The subject's key: a public (SPKI PEM) or private lading key file.
    #[arg(long)]
    pub(crate) subject_key: PathBuf,
    /// Subject, RFC 4514, e.g. "CN=Signer,O=Example Ltd,organizationIdentifier=91440300MA5EXAMPLE".
    #[arg(long)]
    pub(crate) subject: String,
    /// What the certificate is for.
    #[arg(long, value_enum)]
    pub(crate) profile: CertProfileArg,
    /// pathLenConstraint, for --profile ca.
    #[arg(long)]
    pub(crate) path_len: Option<u8>,
    /// Serial number in hex (default 16 random bytes).
    #[arg(long)]
    pub(crate) serial: Option<String>,
    #[command(flatten)]
    pub(crate) validity: PkiValidityArgs,
    /// Where to write the certificate followed by the issuer's chain (PEM, leaf first).
    #[arg(long)]
    pub(crate) out: PathBuf,
}

#[derive(Debug, clap::Args)]
pub(crate) struct PkiCrlArgs {
    /// The CA's certificate (PEM; the first certificate).
    #[arg(long)]
    pub(crate) ca_cert: PathBuf,
    /// The CA's private key (a key file or a pkcs11: URI).
    #[arg(long)]
    pub(crate) ca_key: PathBuf,
    /// A serial number to revoke, hex, optionally with the revocation time:
    /// SERIAL or SERIAL@RFC3339 (default: --this-update). Repeatable.
    #[arg(long)]
    pub(crate) revoke: Vec<String>,
    /// cRLNumber.
    #[arg(long, default_value_t = 1)]
    pub(crate) number: u64,
    /// thisUpdate (RFC 3339; default now).
    #[arg(long)]
    pub(crate) this_update: Option<String>,
    /// nextUpdate (RFC 3339; default --days after thisUpdate).
    #[arg(long)]
    pub(crate) next_update: Option<String>,
    /// Days until nextUpdate when --next-update is not given.
    #[arg(long, default_value_t = 7)]
    pub(crate) days: u32,
    /// Where to write the CRL (PEM).
    #[arg(long)]
    pub(crate) out: PathBuf,
}

#[derive(Debug, clap::Args)]
pub(crate) struct PkiShowArgs {
    /// Certificate files (PEM or DER).
    #[arg(required = true)]
    pub(crate) files: Vec<PathBuf>,
}
