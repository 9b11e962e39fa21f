//! Arguments of `lading credential` and `lading trust-list`.

use std::path::PathBuf;

use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub(crate) enum CredentialCommand {
    /// Sign a credential (without a proof) as its issuer, whose did:key must be the key's.
    Sign(CredentialSignArgs),
    /// Verify a credential: VC 2.0 shape, its eddsa-jcs-2022 proof by the issuer, its validity period.
    Verify(CredentialVerifyArgs),
}

#[derive(Debug, clap::Args)]
pub(crate) struct CredentialSignArgs {
    /// The unsigned credential (JSON; `-` for stdin).
    pub(crate) credential: PathBuf,
    /// The issuer's Ed25519 private key (a key file or a pkcs11: URI).
    #[arg(long)]
    pub(crate) key: PathBuf,
    /// The proof's `created` time (RFC 3339; default now).
    #[arg(long)]
    pub(crate) created: Option<String>,
    /// Where to write the signed credential (default stdout).
    #[arg(long)]
    pub(crate) out: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub(crate) struct CredentialVerifyArgs {
    /// The credential (JSON; `-` for stdin).
    pub(crate) credential: PathBuf,
    /// Judge validity at this time (RFC 3339; default now).
    #[arg(long)]
    pub(crate) at: Option<String>,
    /// Status lists (BitstringStatusListCredential) to check the credential's credentialStatus
    /// entries against, offline (repeat for several; matched by their id).
    #[arg(long)]
    pub(crate) status_list: Vec<PathBuf>,
    /// Fetch each status list no --status-list gives from its statusListCredential URL (http:// or
    /// https://, the server checked against the system's roots or the file SSL_CERT_FILE names;
    /// no redirects; at most 32 MiB; kept in --cache for the server's Cache-Control max-age,
    /// default 300 s, at most a day, none for no-cache/no-store; then revalidated with its ETag).
    #[arg(long)]
    pub(crate) online: bool,
    /// The cache of fetched status lists (default $XDG_CACHE_HOME/lading/status-lists).
    #[arg(long, requires = "online")]
    pub(crate) cache: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub(crate) enum TrustListCommand {
    /// Start an unsigned list for an operator (the pilot-zone authority) and its signing key.
    New(TrustListNewArgs),
    /// List a provider or certification body (status: granted).
    Add(TrustListAddArgs),
    /// Record a status change of a listed entity (suspended, withdrawn, or granted again).
    SetStatus(TrustListSetStatusArgs),
    /// Sign the list as its next version (sequence number + 1) into a DSSE envelope.
    Sign(TrustListSignArgs),
    /// Print a list (unsigned, or signed and checked with the operator's public key).
    Show(TrustListShowArgs),
}

#[derive(Debug, clap::Args)]
pub(crate) struct TrustListNewArgs {
    /// The list file to create.
    pub(crate) list: PathBuf,
    /// The operator's name.
    #[arg(long)]
    pub(crate) operator: String,
    /// The pilot zone, e.g. CN-Shenzhen.
    #[arg(long)]
    pub(crate) zone: String,
    /// The operator's public (or private) key that will sign the list.
    #[arg(long)]
    pub(crate) key: PathBuf,
}

#[derive(Debug, clap::Args)]
pub(crate) struct TrustListAddArgs {
    /// The unsigned list file.
    pub(crate) list: PathBuf,
    /// The entity's id on the list.
    #[arg(long)]
    pub(crate) id: String,
    /// Legal name.
    #[arg(long)]
    pub(crate) legal_name: String,
    /// Registration id (unified social credit code).
    #[arg(long)]
    pub(crate) registration_id: String,
    /// The pilot zone (default: the operator's).
    #[arg(long)]
    pub(crate) zone: Option<String>,
    /// provider or certification-body.
    #[arg(long, value_parser = ["provider", "certification-body"])]
    pub(crate) role: String,
    /// Deliverable kinds: inspection-report, maintenance-log, saas-release (repeat or comma-separate).
    #[arg(long, value_delimiter = ',', required = true)]
    pub(crate) scope: Vec<String>,
    /// The entity's public keys (SPKI PEM; repeat for several).
    #[arg(long, required_unless_present = "ca")]
    pub(crate) pubkey: Vec<PathBuf>,
    /// CA certificates (PEM, repeat for several) the authority accepts for the entity: a
    /// certificate-bound signature is the entity's when its chain runs through one of them and
    /// its subject carries --registration-id (organizationIdentifier or serialNumber).
    #[arg(long)]
    pub(crate) ca: Vec<PathBuf>,
    /// From when the keys and the grant hold (RFC 3339; default now).
    #[arg(long)]
    pub(crate) from: Option<String>,
    /// Until when the keys may be used (RFC 3339).
    #[arg(long)]
    pub(crate) until: Option<String>,
    /// Why the entity is listed.
    #[arg(long, default_value = "listed")]
    pub(crate) reason: String,
}

#[derive(Debug, clap::Args)]
pub(crate) struct TrustListSetStatusArgs {
    /// The unsigned list file.
    pub(crate) list: PathBuf,
    /// The entity's id.
    #[arg(long)]
    pub(crate) id: String,
    /// granted, suspended or withdrawn.
    #[arg(long, value_parser = ["granted", "suspended", "withdrawn"])]
    pub(crate) status: String,
    /// Why.
    #[arg(long)]
    pub(crate) reason: String,
    /// When it takes effect (RFC 3339; default now).
    #[arg(long)]
    pub(crate) at: Option<String>,
}

#[derive(Debug, clap::Args)]
pub(crate) struct TrustListSignArgs {
    /// The unsigned list file; its sequence number and times are updated to what was signed.
    pub(crate) list: PathBuf,
    /// The operator's private key (a key file or a pkcs11: URI).
    #[arg(long)]
    pub(crate) key: PathBuf,
    /// Days until the next list is due.
    #[arg(long, default_value_t = 30)]
    pub(crate) next_update_days: u32,
    /// Where to write the signed list (a DSSE envelope).
    #[arg(long)]
    pub(crate) out: PathBuf,
}

#[derive(Debug, clap::Args)]
pub(crate) struct TrustListShowArgs {
    /// The list: unsigned JSON, or a signed envelope (then --pubkey is required).
    pub(crate) list: PathBuf,
    /// The operator's public key, to check a signed list.
    #[arg(long)]
    pub(crate) pubkey: Option<PathBuf>,
    /// Show each entity's status at this time (RFC 3339; default now).
    #[arg(long)]
    pub(crate) at: Option<String>,
}
