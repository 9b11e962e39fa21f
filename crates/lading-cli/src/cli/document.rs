//! Arguments of `lading new`, `validate`, `canonicalize` and `schema`.

use std::path::PathBuf;

use super::KindArg;

#[derive(Debug, clap::Args)]
pub(crate) struct NewArgs {
    /// Document kind.
    #[arg(value_enum)]
    pub(crate) kind: KindArg,
    /// Document id (default: a random UUID v4).
    #[arg(long)]
    pub(crate) id: Option<uuid::Uuid>,
    /// Creation time, RFC 3339 (default: now).
    #[arg(long)]
    pub(crate) created_at: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(Debug, clap::Args)]
pub(crate) struct ValidateArgs {
    /// Document files (JSON).
    #[arg(required = true)]
    pub(crate) files: Vec<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub(crate) struct CanonicalizeArgs {
    /// A JSON file (I-JSON: no duplicate keys, no lone surrogates).
    pub(crate) file: PathBuf,
}

#[derive(Debug, clap::Args)]
pub(crate) struct SchemaArgs {
    /// Document kind.
    #[arg(value_enum)]
    pub(crate) kind: KindArg,
}
