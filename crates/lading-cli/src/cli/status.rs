//! Command-line definitions of status lists (W3C Bitstring Status List v1.0):
//! `lading status-list …` and the revoke / suspend / reinstate commands of
//! certificates and statements.

use std::path::PathBuf;

use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub(crate) enum StatusListCommand {
    /// Write a new, all-clear, signed status list (BitstringStatusListCredential, sequence 1).
    New(StatusListNewArgs),
    /// Write the next signed version of a list with one entry changed.
    Set(StatusListSetArgs),
    /// Print a list (its proof checked): issuer, purpose, version, size, entries set.
    Show(StatusListShowArgs),
}

#[derive(Debug, clap::Args)]
pub(crate) struct StatusListNewArgs {
    /// The issuer's Ed25519 key: the list's issuer is its did:key (the certification body's or provider's).
    #[arg(long)]
    pub(crate) key: PathBuf,
    /// The URL the list will be published at (the credential's `id`, named by every entry).
    #[arg(long)]
    pub(crate) url: String,
    /// What a set bit means.
    #[arg(long, value_parser = ["revocation", "suspension"])]
    pub(crate) purpose: String,
    /// Entries in the list (at least 131,072, the Recommendation's minimum).
    #[arg(long, default_value_t = lading_trust::status_list::MIN_ENTRIES)]
    pub(crate) size: u64,
    /// Where to write the signed list.
    #[arg(long)]
    pub(crate) out: PathBuf,
    /// Append this version to the transparency log in DIR (`lading log init`) before writing it,
    /// and write the log's receipt (tlog-proof) beside it as OUT.tlog-proof; `bundle create
    /// --status-list` carries it. Without --log a stale OUT.tlog-proof is removed.
    #[arg(long, value_name = "DIR")]
    pub(crate) log: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub(crate) struct StatusListSetArgs {
    /// The current version of the list.
    pub(crate) list: PathBuf,
    /// The entry to change.
    #[arg(long)]
    pub(crate) index: u64,
    /// 1 = revoked / suspended, 0 = clear (a revocation is never cleared).
    #[arg(long, value_parser = clap::value_parser!(u8).range(0..=1))]
    pub(crate) value: u8,
    /// The list issuer's Ed25519 key.
    #[arg(long)]
    pub(crate) key: PathBuf,
    /// Why (recorded in the list's public history).
    #[arg(long, default_value = "no reason given")]
    pub(crate) reason: String,
    /// Where to write the new version (may be LIST itself).
    #[arg(long)]
    pub(crate) out: PathBuf,
    /// Append this version to the transparency log in DIR (`lading log init`) before writing it,
    /// and write the log's receipt (tlog-proof) beside it as OUT.tlog-proof; `bundle create
    /// --status-list` carries it. Without --log a stale OUT.tlog-proof is removed.
    #[arg(long, value_name = "DIR")]
    pub(crate) log: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub(crate) struct StatusListShowArgs {
    /// The list.
    pub(crate) list: PathBuf,
    /// Show this entry's value and history.
    #[arg(long)]
    pub(crate) index: Option<u64>,
}

/// `lading certify revoke|suspend|reinstate` and `lading statement revoke`.
#[derive(Debug, clap::Args)]
pub(crate) struct StatusChangeArgs {
    /// The certificate or statement (its credentialStatus names the list and index).
    pub(crate) credential: PathBuf,
    /// The current version of the list to change (revocation list to revoke, suspension list to
    /// suspend or reinstate).
    #[arg(long)]
    pub(crate) status_list: PathBuf,
    /// The issuer's Ed25519 key (the credential's and the list's issuer).
    #[arg(long)]
    pub(crate) key: PathBuf,
    /// Why (recorded in the list's public history).
    #[arg(long, default_value = "no reason given")]
    pub(crate) reason: String,
    /// Where to write the new version of the list (default: replace --status-list).
    #[arg(long)]
    pub(crate) out: Option<PathBuf>,
    /// Append this version to the transparency log in DIR (`lading log init`) before writing it,
    /// and write the log's receipt (tlog-proof) beside it as OUT.tlog-proof; `bundle create
    /// --status-list` carries it. Without --log a stale OUT.tlog-proof is removed.
    #[arg(long, value_name = "DIR")]
    pub(crate) log: Option<PathBuf>,
}
