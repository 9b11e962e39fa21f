//! Arguments of `lading release`: SaaS delivery packages.

use std::path::PathBuf;

use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub(crate) enum ReleaseCommand {
    /// Pack a release tree into a signed, version-chained .lading package.
    Pack(Box<ReleasePackArgs>),
    /// Check a delivered tree against a release: missing, extra, modified, re-moded files.
    Verify(ReleaseVerifyArgs),
    /// Compare two releases: files and SBOM components.
    Diff(ReleaseDiffArgs),
    /// Check and print the version chain of releases.
    History(ReleaseHistoryArgs),
}

#[derive(Debug, clap::Args)]
pub(crate) struct ReleasePackArgs {
    /// The release tree.
    pub(crate) dir: PathBuf,
    /// Service name.
    #[arg(long)]
    pub(crate) name: String,
    /// Semantic version.
    #[arg(long)]
    pub(crate) version: String,
    /// Release channel.
    #[arg(long, default_value = "stable")]
    pub(crate) channel: String,
    /// An SBOM inside the tree (CycloneDX 1.4–1.6 or SPDX 2.3 JSON); repeatable.
    #[arg(long)]
    pub(crate) sbom: Vec<PathBuf>,
    /// SLSA v1 provenance (DSSE envelope) naming the artefacts.
    #[arg(long)]
    pub(crate) provenance: Option<PathBuf>,
    /// An OCI image, REPOSITORY[:TAG]@sha256:DIGEST; repeatable.
    #[arg(long)]
    pub(crate) oci: Vec<String>,
    /// Source repository URL.
    #[arg(long)]
    pub(crate) source_repo: Option<String>,
    /// Source commit (hex).
    #[arg(long)]
    pub(crate) commit: Option<String>,
    /// Builder id.
    #[arg(long)]
    pub(crate) builder: Option<String>,
    /// Release notes (Markdown file).
    #[arg(long)]
    pub(crate) notes: Option<PathBuf>,
    /// The previous release (.lading package or DSSE envelope), signed with the same key.
    #[arg(long)]
    pub(crate) previous: Option<PathBuf>,
    /// The provider's signing key (a key file or a pkcs11: URI).
    #[arg(long)]
    pub(crate) key: PathBuf,
    /// The package to write.
    #[arg(long)]
    pub(crate) out: PathBuf,
    /// Provider legal name.
    #[arg(long)]
    pub(crate) provider: String,
    /// Provider registration id (e.g. unified social credit code).
    #[arg(long)]
    pub(crate) registration_id: String,
    /// ISO 3166-1 alpha-2 jurisdictions the release is for; repeatable.
    #[arg(long)]
    pub(crate) jurisdiction: Vec<String>,
    /// Monthly availability target in percent (your SLA).
    #[arg(long)]
    pub(crate) availability: f64,
    /// Support hours (your SLA), e.g. "24x7".
    #[arg(long)]
    pub(crate) support_hours: String,
    /// ISO 3166-1 alpha-2 countries where customer data is stored; repeatable.
    #[arg(long)]
    pub(crate) data_location: Vec<String>,
    /// Regions the release rolls out to; repeatable.
    #[arg(long)]
    pub(crate) region: Vec<String>,
    /// Hashing threads (0: all cores).
    #[arg(long, default_value_t = 0)]
    pub(crate) threads: usize,
    /// Refuse an SBOM whose licences are not all valid SPDX expressions
    /// (otherwise each is reported, per component, and the pack goes on).
    #[arg(long)]
    pub(crate) strict: bool,
}

#[derive(Debug, clap::Args)]
pub(crate) struct ReleaseVerifyArgs {
    /// The release package.
    pub(crate) package: PathBuf,
    /// The delivered tree.
    #[arg(long)]
    pub(crate) dir: PathBuf,
    /// The provider's public key.
    #[arg(long)]
    pub(crate) pubkey: PathBuf,
}

#[derive(Debug, clap::Args)]
pub(crate) struct ReleaseDiffArgs {
    /// The older release.
    pub(crate) a: PathBuf,
    /// The newer release.
    pub(crate) b: PathBuf,
    /// The provider's public key.
    #[arg(long)]
    pub(crate) pubkey: PathBuf,
}

#[derive(Debug, clap::Args)]
pub(crate) struct ReleaseHistoryArgs {
    /// The releases (.lading packages or envelopes), in any order.
    #[arg(required = true)]
    pub(crate) releases: Vec<PathBuf>,
    /// The provider's public key.
    #[arg(long)]
    pub(crate) pubkey: PathBuf,
}
