//! Arguments of `lading timestamp`.

use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub(crate) struct TimestampArgs {
    /// A certificate-bound Sigstore bundle (from `lading sign --cert`): the token over its
    /// signature is added to it. Or a signed credential such as a compliance statement: the token
    /// over its exact bytes is written to --out (DER TimeStampResp; name it STATEMENT.tsr so
    /// `bundle create` carries it).
    pub(crate) input: PathBuf,
    /// The RFC 3161 time-stamp authority's URL (http://…, e.g. `lading serve --tsa-key …`'s
    /// http://HOST/v1/timestamp).
    #[arg(long)]
    pub(crate) tsa: String,
    /// Where to write the bundle with the new timestamp added (or, for a credential, the token).
    #[arg(long)]
    pub(crate) out: PathBuf,
    /// How long to wait for the TSA (ms).
    #[arg(long, default_value_t = 10_000)]
    pub(crate) tsa_timeout_ms: u64,
}
