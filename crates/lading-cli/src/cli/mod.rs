//! Command-line definitions: the top-level command here, each family of subcommands in its own
//! module (mirroring `cmd/`).

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

mod bench;
mod blob;
mod certify;
mod document;
mod inspect;
mod inventory;
mod key;
mod listen;
mod log;
mod maint;
pub(crate) mod pki;
mod release;
mod remote;
mod report;
mod scitt;
mod serve;
mod serve_ops;
mod sign;
mod status;
mod timestamp;
mod trust;

pub(crate) use bench::*;
pub(crate) use blob::*;
pub(crate) use certify::*;
pub(crate) use document::*;
pub(crate) use inspect::*;
pub(crate) use inventory::*;
pub(crate) use key::*;
pub(crate) use listen::*;
pub(crate) use log::*;
pub(crate) use maint::*;
pub(crate) use release::*;
pub(crate) use remote::*;
pub(crate) use report::*;
pub(crate) use scitt::*;
pub(crate) use serve::*;
pub(crate) use serve_ops::*;
pub(crate) use sign::*;
pub(crate) use status::{
    StatusChangeArgs, StatusListCommand, StatusListNewArgs, StatusListSetArgs, StatusListShowArgs,
};
pub(crate) use timestamp::*;
pub(crate) use trust::*;

/// `lading --version`: the release, the commit it was built from and the build date (see build.rs).
pub(crate) const VERSION: &str =
    concat!(env!("CARGO_PKG_VERSION"), " (commit ", env!("LADING_COMMIT"), ", built ", env!("LADING_BUILD_DATE"), ")");

/// Sign, log, bundle and verify digital service deliverables (AI inspection reports, maintenance
/// logs, SaaS releases) so that anyone can check them offline.
#[derive(Debug, Parser)]
#[command(name = "lading", version = VERSION, about)]
pub(crate) struct Cli {
    /// Machine-readable JSON output on stdout.
    #[arg(long, global = true)]
    pub(crate) json: bool,

    /// Read private keys that group or others may read (refused otherwise; says so on every use).
    #[arg(long, global = true)]
    pub(crate) allow_loose_key_permissions: bool,

    /// The passphrase of encrypted private keys, read from this file (else LADING_KEY_PASSPHRASE,
    /// else a prompt); never give a passphrase as an argument.
    #[arg(long, global = true, value_name = "FILE")]
    pub(crate) passphrase_file: Option<std::path::PathBuf>,

    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
// One value, parsed once at start: the size of its largest variant (serve's flags) costs nothing.
#[allow(clippy::large_enum_variant)]
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
    /// Sign any file into a Sigstore bundle v0.3 with a message signature over its SHA-256.
    SignBlob(SignBlobArgs),
    /// Verify a file against a message-signature Sigstore bundle (public key or certificate chain).
    VerifyBlob(VerifyBlobArgs),
    /// Export a DSSE envelope (or a release package's manifest) as a Sigstore bundle v0.3
    /// with a public-key hint, for Sigstore's verifiers (a certificate-bound bundle from
    /// `sign --cert` is one already, chain and timestamps included, and is written as it is).
    SigstoreBundle(SigstoreBundleArgs),
    /// Add an RFC 3161 timestamp from a TSA over a certificate-bound bundle's signature or a statement.
    Timestamp(TimestampArgs),
    /// Print the RFC 8785 canonical form of a JSON file.
    Canonicalize(CanonicalizeArgs),
    /// Print the JSON Schema of a document kind.
    Schema(SchemaArgs),
    /// Transparency logs: init, append, checkpoint, prove, verify.
    #[command(subcommand)]
    Log(LogCommand),
    /// A client of a deployment's HTTP API: submit, receipt, get, search, logs.
    #[command(subcommand)]
    Remote(RemoteCommand),
    /// Follow a C2SP tlog-tiles log: verify its checkpoint, prove it consistent with the last
    /// one kept from tiles it checks against the tree, re-check watched entries.
    Monitor(MonitorArgs),
    /// Run the transparency service (HTTP API over the logs in --data).
    Serve(ServeArgs),
    /// Manage the API tokens of a deployment.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Manage the provider keys a deployment's logs accept statements from.
    #[command(subcommand)]
    Provider(ProviderCommand),
    /// Manage the logs of a deployment.
    #[command(subcommand)]
    Logs(LogsCommand),
    /// This deployment as a witness for other logs (C2SP tlog-witness).
    #[command(subcommand)]
    Witness(WitnessCommand),
    /// Take stock of a provider's offerings against the three deliverable kinds.
    #[command(subcommand)]
    Inventory(InventoryCommand),
    /// SaaS delivery packages: pack, verify a delivered tree, diff, history.
    #[command(subcommand)]
    Release(ReleaseCommand),
    /// Remote maintenance logs: streams, ingestion, verifiable segments.
    #[command(subcommand)]
    Maint(MaintCommand),
    /// Verifiable Credentials (VC 2.0, eddsa-jcs-2022 Data Integrity proofs, did:key issuers).
    #[command(subcommand)]
    Credential(CredentialCommand),
    /// The pilot zone's white list: entities, keys, status history; signed versions.
    #[command(subcommand, name = "trust-list")]
    TrustList(TrustListCommand),
    /// Revocation and suspension lists (W3C Bitstring Status List v1.0): new, set, show.
    #[command(subcommand, name = "status-list")]
    StatusList(StatusListCommand),
    /// AI visual inspection: ISO 2859-1 sampling plans and sample selection.
    #[command(subcommand)]
    Inspect(InspectCommand),
    /// Certification bodies: evaluate deliverables against a scheme profile; issue certificates.
    #[command(subcommand)]
    Certify(CertifyCommand),
    /// Providers: issue compliance statements to clients.
    #[command(subcommand)]
    Statement(StatementCommand),
    /// Evidence bundles: deliverables, receipts, certificate, statement, trust list in one file.
    #[command(subcommand)]
    Bundle(BundleCommand),
    /// Verify an evidence bundle against a trust policy: a verdict and the checks behind it.
    Verify(VerifyArgs),
    /// Measure performance on this machine.
    #[command(subcommand)]
    Bench(BenchCommand),
    /// Run the whole journey that exists so far in a temporary directory.
    Demo(DemoArgs),
    /// A private X.509 test hierarchy: root and intermediate CAs, signer and TSA certificates, CRLs.
    #[command(subcommand)]
    Pki(pki::PkiCommand),
    /// IETF SCITT: signed statements (COSE_Sign1) and COSE receipts (RFC 9942) for Lading's logs.
    #[command(subcommand)]
    Scitt(ScittCommand),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish) on stdout.
    Completions(CompletionsArgs),
    /// Write the manual pages (lading.1 and one per subcommand), or print lading.1.
    Man(ManArgs),
}

#[derive(Debug, clap::Args)]
pub(crate) struct CompletionsArgs {
    /// The shell, e.g. `lading completions bash > /etc/bash_completion.d/lading`.
    #[arg(value_enum)]
    pub(crate) shell: clap_complete::Shell,
}

#[derive(Debug, clap::Args)]
pub(crate) struct ManArgs {
    /// Write lading.1 and lading-<command>.1 for every subcommand into this directory
    /// (created); without it, print lading.1 on stdout.
    #[arg(long, conflicts_with = "markdown")]
    pub(crate) out: Option<PathBuf>,
    /// Print the whole command-line reference as Markdown instead (docs/reference/cli.md).
    #[arg(long)]
    pub(crate) markdown: bool,
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
pub(crate) struct DemoArgs {
    /// Write the demo's files into this directory (default: a new directory under the system's temporary one, kept).
    #[arg(long)]
    pub(crate) keep: Option<PathBuf>,
    /// Then serve the web console over the demo's files: its logs, maintenance stream, white list and trust
    /// policy (an admin token is printed; stop with Ctrl-C).
    #[arg(long)]
    pub(crate) serve: bool,
    /// Where `--serve` listens.
    #[arg(long, default_value = "127.0.0.1:8080", requires = "serve")]
    pub(crate) listen: String,
}

#[derive(Debug, clap::Args)]
pub(crate) struct DataArgs {
    /// The deployment's data directory (embedded store: registry.db and logs/).
    #[arg(long, conflicts_with = "postgres")]
    pub(crate) data: Option<PathBuf>,
    /// PostgreSQL connection URL (server store), e.g. postgres://lading@127.0.0.1/lading.
    #[arg(long)]
    pub(crate) postgres: Option<String>,
    /// With --postgres: the directory holding the logs' and witness's private keys.
    #[arg(long, requires = "postgres")]
    pub(crate) keys: Option<PathBuf>,
}

#[cfg(test)]
mod tests {
    /// Regression: a subcommand flag named like a generated one (`release pack --version`)
    /// made clap panic at run time; clap's own consistency checks catch it here.
    #[test]
    fn the_command_line_definition_is_consistent() {
        <super::Cli as clap::CommandFactory>::command().debug_assert();
    }
}
