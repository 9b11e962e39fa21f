//! Arguments of `lading scitt`: IETF SCITT signed statements and COSE receipts.

use std::path::PathBuf;

use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub(crate) enum ScittCommand {
    /// Sign a deliverable as a SCITT signed statement (COSE_Sign1, ES256 or EdDSA).
    Sign(ScittSignArgs),
    /// Verify a signed or transparent statement, and receipts for it (or for a log entry).
    Verify(ScittVerifyArgs),
    /// Write the COSE receipt (RFC 9942) of entry N of a local log.
    Receipt(ScittReceiptArgs),
    /// Make a transparent statement: the statement with receipts in its unprotected header.
    Attach(ScittAttachArgs),
}

#[derive(Debug, clap::Args)]
pub(crate) struct ScittSignArgs {
    /// The deliverable: a Lading document (JSON), a DSSE envelope `lading sign` made,
    /// or (with --hash-envelope) any file, such as a release package.
    pub(crate) doc: PathBuf,
    /// Private key (PKCS#8 PEM), Ed25519 or P-256. SM2 has no COSE algorithm: use `lading sign`.
    #[arg(long)]
    pub(crate) key: PathBuf,
    /// The signer's certificate chain (PEM, leaf first): x5chain in the protected header,
    /// iss the certificate's subject. The leaf must certify --key and be valid now.
    #[arg(long)]
    pub(crate) cert: Option<PathBuf>,
    /// Sign the SHA-256 of DOC (a COSE hash envelope, labels 258/259/260) instead of DOC.
    #[arg(long)]
    pub(crate) hash_envelope: bool,
    /// Where DOC can be fetched (payload-location, 260); with --hash-envelope.
    #[arg(long, requires = "hash_envelope")]
    pub(crate) location: Option<String>,
    /// `sub`, when DOC is not a document Lading can read it from (`<kind>/<id>`).
    #[arg(long)]
    pub(crate) subject: Option<String>,
    /// Write the statement here.
    #[arg(long)]
    pub(crate) out: PathBuf,
}

#[derive(Debug, clap::Args)]
pub(crate) struct ScittVerifyArgs {
    /// The signed or transparent statement (COSE_Sign1).
    #[arg(required_unless_present = "entry")]
    pub(crate) statement: Option<PathBuf>,
    /// Instead of a statement: a log entry as stored (a raw entry, a registry leaf, a
    /// maintenance event record), for its receipt.
    #[arg(long, conflicts_with = "statement", requires = "receipt")]
    pub(crate) entry: Option<PathBuf>,
    /// A COSE receipt to check (repeatable); receipts inside a transparent statement are checked too.
    #[arg(long)]
    pub(crate) receipt: Vec<PathBuf>,
    /// The log's public key: SPKI PEM, a vkey, or a file holding either (a vkey also pins the origin).
    #[arg(long)]
    pub(crate) log_key: Option<String>,
    /// The log's origin the receipts must name as issuer.
    #[arg(long)]
    pub(crate) origin: Option<String>,
    /// The issuer's public key (SPKI PEM), instead of resolving the statement's did:key.
    #[arg(long)]
    pub(crate) issuer_key: Option<PathBuf>,
    /// Trusted root certificates (repeatable): validate a certificate-bound statement's x5chain now.
    #[arg(long)]
    pub(crate) ca: Vec<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub(crate) struct ScittReceiptArgs {
    /// The log directory (`lading log init`).
    pub(crate) log: PathBuf,
    /// Entry index.
    #[arg(long)]
    pub(crate) index: u64,
    /// Write the receipt here (CBOR).
    #[arg(long)]
    pub(crate) out: PathBuf,
}

#[derive(Debug, clap::Args)]
pub(crate) struct ScittAttachArgs {
    /// The signed statement.
    pub(crate) statement: PathBuf,
    /// Receipts to put in unprotected header 394 (repeatable).
    #[arg(long, required = true)]
    pub(crate) receipt: Vec<PathBuf>,
    /// Write the transparent statement here.
    #[arg(long)]
    pub(crate) out: PathBuf,
}
