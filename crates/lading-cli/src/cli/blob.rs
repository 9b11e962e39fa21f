//! Arguments of `lading sign-blob` and `lading verify-blob`.

use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub(crate) struct SignBlobArgs {
    /// The file to sign (any bytes).
    pub(crate) file: PathBuf,
    /// Private key (PKCS#8 PEM): Ed25519 or ECDSA P-256, the algorithms Sigstore verifies.
    #[arg(long)]
    pub(crate) key: PathBuf,
    /// The signer's certificate chain (PEM, leaf first, then intermediates): the bundle carries
    /// it instead of a public-key hint. The leaf must certify --key, allow digitalSignature and
    /// be valid now.
    #[arg(long)]
    pub(crate) cert: Option<PathBuf>,
    /// An RFC 3161 time-stamp authority (http://…): the bundle gets a token over the signature
    /// bytes (the whole DER TimeStampResp in
    /// timestampVerificationData.rfc3161Timestamps[].signedTimestamp); the reply must be
    /// granted, over that signature, echo the nonce and be signed by a certificate with critical
    /// extKeyUsage timeStamping.
    #[arg(long)]
    pub(crate) tsa: Option<String>,
    /// How long to wait for the TSA (ms).
    #[arg(long, default_value_t = 10_000, requires = "tsa")]
    pub(crate) tsa_timeout_ms: u64,
    /// Write the Sigstore bundle here (e.g. FILE.sigstore.json).
    #[arg(long)]
    pub(crate) out: PathBuf,
}

#[derive(Debug, clap::Args)]
pub(crate) struct VerifyBlobArgs {
    /// The file that was signed.
    pub(crate) file: PathBuf,
    /// The Sigstore bundle (message signature) `lading sign-blob` or cosign wrote.
    #[arg(long)]
    pub(crate) bundle: PathBuf,
    /// The signer's public key (SPKI PEM), for a public-key bundle.
    #[arg(long, required_unless_present = "ca", conflicts_with = "ca")]
    pub(crate) pubkey: Option<PathBuf>,
    /// Trusted root certificates (PEM or DER; repeatable): validate the bundle's chain (RFC 5280).
    #[arg(long)]
    pub(crate) ca: Vec<PathBuf>,
    /// CRLs to check revocation against (PEM or DER; repeatable).
    #[arg(long, requires = "ca")]
    pub(crate) crl: Vec<PathBuf>,
    /// Trusted TSA root certificates (repeatable): the bundle's RFC 3161 timestamps are verified
    /// against them (each must be over the signature) and the earliest genTime becomes the
    /// signing time at which the chain is judged.
    #[arg(long, requires = "ca")]
    pub(crate) tsa_ca: Vec<PathBuf>,
    /// Judge validity and revocation at this time (RFC 3339) instead of now, when no
    /// timestamp verified.
    #[arg(long, requires = "ca")]
    pub(crate) at: Option<String>,
}
