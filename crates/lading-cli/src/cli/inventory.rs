//! Arguments of `lading inventory`.

use std::path::PathBuf;

use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub(crate) enum InventoryCommand {
    /// Map offerings (CSV or JSON) to deliverable kinds, with tags, gaps and market notes.
    Classify(InventoryClassifyArgs),
}

#[derive(Debug, clap::Args)]
pub(crate) struct InventoryClassifyArgs {
    /// The offerings: CSV with a header row, or a JSON array (by extension .json).
    pub(crate) offerings: PathBuf,
    /// A rules file instead of Lading's reference rules (rules/inventory-rules.v1.toml).
    #[arg(long)]
    pub(crate) rules: Option<PathBuf>,
    /// Print CSV (one row per offering and kind) instead of the table (not with --json).
    #[arg(long)]
    pub(crate) csv: bool,
    /// Also write a self-contained HTML summary here.
    #[arg(long)]
    pub(crate) html: Option<PathBuf>,
    /// The language of the HTML summary.
    #[arg(long, value_enum, default_value = "en")]
    pub(crate) lang: super::LangArg,
}
