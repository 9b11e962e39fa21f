//! Arguments of `lading sign`, `verify-signature` and `sigstore-bundle`.

use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub(crate) struct SignArgs {
    /// The document to sign (JSON).
    pub(crate) file: PathBuf,
    /// Private key: a PEM file (plain or encrypted) or a pkcs11: URI.
    #[arg(long)]
    pub(crate) key: PathBuf,
    /// The signer's certificate chain (PEM, leaf first, then intermediates): the output
    /// becomes a Sigstore bundle v0.3 carrying the chain. The leaf must certify --key,
    /// allow digitalSignature and be valid now.
    #[arg(long)]
    pub(crate) cert: Option<PathBuf>,
    /// An RFC 3161 time-stamp authority (http://…): the bundle gets a token over the signature,
    /// whose reply must be granted, over that signature, echo the nonce and be signed by a
    /// certificate with critical extKeyUsage timeStamping.
    #[arg(long, requires = "cert")]
    pub(crate) tsa: Option<String>,
    /// How long to wait for the TSA (ms).
    #[arg(long, default_value_t = 10_000, requires = "tsa")]
    pub(crate) tsa_timeout_ms: u64,
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
    /// Trusted TSA root certificates (repeatable): the bundle's RFC 3161 timestamps are verified
    /// against them and the earliest genTime becomes the signing time.
    #[arg(long, requires = "ca")]
    pub(crate) tsa_ca: Vec<PathBuf>,
    /// Judge validity and revocation at this time (RFC 3339) instead of now, when no
    /// timestamp verified.
    #[arg(long, requires = "ca")]
    pub(crate) at: Option<String>,
}

#[derive(Debug, clap::Args)]
pub(crate) struct SigstoreBundleArgs {
    /// A DSSE envelope (JSON), a certificate-bound bundle, or a .lading package.
    pub(crate) input: PathBuf,
    /// Write the bundle here instead of stdout.
    #[arg(long)]
    pub(crate) out: Option<PathBuf>,
}
