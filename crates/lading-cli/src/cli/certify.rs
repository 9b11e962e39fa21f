//! Arguments of `lading certify`, `statement`, `bundle` and `verify`.

use std::path::PathBuf;

use clap::Subcommand;

use super::StatusChangeArgs;

#[derive(Debug, Subcommand)]
pub(crate) enum CertifyCommand {
    /// Evaluate a bundle's deliverables against a scheme profile into a conformity report.
    Evaluate(CertifyEvaluateArgs),
    /// Issue a certificate (VC) from a passed conformity report.
    Issue(CertifyIssueArgs),
    /// Revoke a certificate (permanently): the next version of its revocation list.
    Revoke(StatusChangeArgs),
    /// Suspend a certificate: the next version of its suspension list.
    Suspend(StatusChangeArgs),
    /// Lift a certificate's suspension: the next version of its suspension list.
    Reinstate(StatusChangeArgs),
}

#[derive(Debug, clap::Args)]
pub(crate) struct CertifyEvaluateArgs {
    /// The evidence bundle holding the deliverables (and their receipts).
    pub(crate) bundle: PathBuf,
    /// The scheme profile (JSON).
    #[arg(long)]
    pub(crate) profile: PathBuf,
    /// The provider's public key the deliverables must be signed with.
    #[arg(long)]
    pub(crate) provider_key: PathBuf,
    /// C2SP tlog-policy text naming the logs (and witnesses) whose receipts count.
    #[arg(long)]
    pub(crate) log_policy: Option<PathBuf>,
    /// CA roots (PEM or DER, repeatable) a certificate-bound deliverable's chain must run to (RFC 5280, judged at its timestamp's time, else now); without one such a deliverable fails its `certificate` check.
    #[arg(long)]
    pub(crate) ca: Vec<PathBuf>,
    /// TSA roots (repeatable): a certificate-bound deliverable's RFC 3161 timestamps verified against them set the time its chain is judged at.
    #[arg(long)]
    pub(crate) tsa_ca: Vec<PathBuf>,
    /// CRLs (PEM or DER, repeatable) to judge revocation with, besides those the bundle carries.
    #[arg(long)]
    pub(crate) crl: Vec<PathBuf>,
    /// Inspection reports: the ONNX model to re-run them with (the reproduction check).
    #[arg(long, requires = "inspect_images")]
    pub(crate) inspect_model: Option<PathBuf>,
    /// Inspection reports: the image folder to re-run them on.
    #[arg(long, requires = "inspect_model")]
    pub(crate) inspect_images: Option<PathBuf>,
    /// Where to write the conformity report.
    #[arg(long)]
    pub(crate) out: PathBuf,
}

#[derive(Debug, clap::Args)]
pub(crate) struct CertifyIssueArgs {
    /// The conformity report (must record a pass).
    #[arg(long)]
    pub(crate) report: PathBuf,
    /// The certification body's Ed25519 key (a key file or a pkcs11: URI).
    #[arg(long)]
    pub(crate) key: PathBuf,
    /// The provider's id on the white list.
    #[arg(long)]
    pub(crate) provider_id: String,
    /// The provider's legal name.
    #[arg(long)]
    pub(crate) provider_name: String,
    /// Days the certificate is valid.
    #[arg(long, default_value_t = 365)]
    pub(crate) valid_days: u32,
    /// Start of validity (RFC 3339; default now).
    #[arg(long)]
    pub(crate) valid_from: Option<String>,
    /// The body's revocation list: the certificate gets a credentialStatus entry at a fresh index
    /// (allocated indexes are recorded in LIST.indexes beside it).
    #[arg(long)]
    pub(crate) status_list: Option<PathBuf>,
    /// The body's suspension list: a second credentialStatus entry, for suspension.
    #[arg(long, requires = "status_list")]
    pub(crate) suspension_list: Option<PathBuf>,
    /// Where to write the certificate.
    #[arg(long)]
    pub(crate) out: PathBuf,
    /// Also write the certificate as a self-contained HTML page here.
    #[arg(long)]
    pub(crate) html: Option<PathBuf>,
    /// Also write the certificate as PDF/A-3b here, the signed credential embedded as its source.
    #[arg(long)]
    pub(crate) pdf: Option<PathBuf>,
    /// The language of the HTML page and the PDF.
    #[arg(long, value_enum, default_value = "en")]
    pub(crate) lang: super::LangArg,
    #[command(flatten)]
    pub(crate) font: super::FontArgs,
}

#[derive(Debug, Subcommand)]
pub(crate) enum StatementCommand {
    /// Issue a compliance statement (VC) naming deliverables by digest, the certificate,
    /// the white-list entry and the governing terms.
    Issue(Box<StatementIssueArgs>),
    /// Revoke a compliance statement: the next version of the provider's revocation list.
    Revoke(StatusChangeArgs),
}

#[derive(Debug, clap::Args)]
pub(crate) struct StatementIssueArgs {
    /// Deliverables covered (release or segment packages, signed documents).
    #[arg(long, required = true)]
    pub(crate) deliverable: Vec<PathBuf>,
    /// The certificates covering the deliverables' kinds (repeat for several).
    #[arg(long, required = true)]
    pub(crate) certificate: Vec<PathBuf>,
    /// The signed white list the provider is on.
    #[arg(long)]
    pub(crate) trust_list: PathBuf,
    /// The list operator's public key.
    #[arg(long)]
    pub(crate) operator_key: PathBuf,
    /// The provider's id on the list.
    #[arg(long)]
    pub(crate) entity: String,
    /// The client's name.
    #[arg(long)]
    pub(crate) client: String,
    /// The contract reference.
    #[arg(long)]
    pub(crate) contract: String,
    /// The client's jurisdiction, e.g. DE.
    #[arg(long)]
    pub(crate) jurisdiction: String,
    /// The governing terms.
    #[arg(long, default_value = "Delivered under the contract named; certified per the certificate named.")]
    pub(crate) terms: String,
    /// The provider's Ed25519 key (on the white list; a key file or a pkcs11: URI).
    #[arg(long)]
    pub(crate) key: PathBuf,
    /// The provider's revocation list: the statement gets a credentialStatus entry at a fresh
    /// index (allocated indexes are recorded in LIST.indexes beside it).
    #[arg(long)]
    pub(crate) status_list: Option<PathBuf>,
    /// Where to write the statement.
    #[arg(long)]
    pub(crate) out: PathBuf,
    /// The provider's X.509 chain (PEM, leaf first) whose leaf certifies --key: for a provider the
    /// white list identifies by certificates (a CA it accepts and its registration id) rather than
    /// by a listed key. Copied beside the statement as OUT.chain.pem, which `bundle create`
    /// carries.
    #[arg(long)]
    pub(crate) cert: Option<PathBuf>,
    /// Ask this RFC 3161 time-stamp authority (http://…) for a token over the statement's bytes,
    /// written beside it as OUT.tsr (`bundle create` carries it; `lading verify` takes its time
    /// when it is the earliest trusted one).
    #[arg(long)]
    pub(crate) tsa: Option<String>,
    /// How long to wait for the TSA (ms).
    #[arg(long, default_value_t = 10_000)]
    pub(crate) tsa_timeout_ms: u64,
    /// Also write the statement as a self-contained HTML page here.
    #[arg(long)]
    pub(crate) html: Option<PathBuf>,
    /// Also write the statement as PDF/A-3b here, the signed credential embedded as its source.
    #[arg(long)]
    pub(crate) pdf: Option<PathBuf>,
    /// The language of the HTML page and the PDF.
    #[arg(long, value_enum, default_value = "en")]
    pub(crate) lang: super::LangArg,
    #[command(flatten)]
    pub(crate) font: super::FontArgs,
}

#[derive(Debug, Subcommand)]
pub(crate) enum BundleCommand {
    /// Create an evidence bundle.
    Create(BundleCreateArgs),
}

#[derive(Debug, clap::Args)]
pub(crate) struct BundleCreateArgs {
    /// Deliverables (release or segment packages, signed documents).
    #[arg(long, required = true)]
    pub(crate) deliverable: Vec<PathBuf>,
    /// Receipts (c2sp.org/tlog-proof) already obtained.
    #[arg(long)]
    pub(crate) receipt: Vec<PathBuf>,
    /// Log the deliverables' envelopes (and the statement) in this local registry log and add the receipts.
    #[arg(long)]
    pub(crate) log: Option<PathBuf>,
    /// Certificates (repeat for several).
    #[arg(long)]
    pub(crate) certificate: Vec<PathBuf>,
    /// Conformity reports the certificates name (repeat for several).
    #[arg(long)]
    pub(crate) report: Vec<PathBuf>,
    /// The compliance statement.
    #[arg(long)]
    pub(crate) statement: Option<PathBuf>,
    /// The signed white list.
    #[arg(long)]
    pub(crate) trust_list: Option<PathBuf>,
    /// Status list snapshots (revocation, suspension) the certificates and statement name (repeat
    /// for several; several versions of one list may be carried). The receipt `--log` wrote beside
    /// a list (LIST.tlog-proof) is carried with it.
    #[arg(long)]
    pub(crate) status_list: Vec<PathBuf>,
    /// CRLs (PEM or DER) of the CAs behind the certificate-bound signatures and timestamps the
    /// bundle carries, so that revocation is judged offline at the signing time (repeat for
    /// several).
    #[arg(long)]
    pub(crate) crl: Vec<PathBuf>,
    /// RFC 3161 timestamps (TimeStampResp, DER) over the statement's exact bytes (repeat for
    /// several); the STATEMENT.tsr `statement issue --tsa` wrote beside the statement is carried
    /// without this flag.
    #[arg(long)]
    pub(crate) statement_timestamp: Vec<PathBuf>,
    /// The X.509 chain (PEM, leaf first) certifying the statement's issuer key; the
    /// STATEMENT.chain.pem `statement issue --cert` wrote beside the statement is carried without
    /// this flag.
    #[arg(long)]
    pub(crate) statement_cert: Option<PathBuf>,
    /// Other files to carry along.
    #[arg(long)]
    pub(crate) attach: Vec<PathBuf>,
    /// Where to write the bundle.
    #[arg(long)]
    pub(crate) out: PathBuf,
}

#[derive(Debug, clap::Args)]
pub(crate) struct VerifyArgs {
    /// The evidence bundle, or a verdict PDF made by `--pdf` (its embedded bundle is verified
    /// and its visible verdict compared with the result).
    pub(crate) bundle: PathBuf,
    /// The trust policy (JSON).
    #[arg(long)]
    pub(crate) policy: PathBuf,
    /// Verify as of this time (RFC 3339; default now).
    #[arg(long)]
    pub(crate) at: Option<String>,
    /// Also write a self-contained HTML report here.
    #[arg(long)]
    pub(crate) html: Option<PathBuf>,
    /// Also write the verdict as PDF/A-3b here, with the bundle embedded in it (verify such a
    /// PDF later with `lading verify REPORT.pdf --policy P`).
    #[arg(long)]
    pub(crate) pdf: Option<PathBuf>,
    /// The language of the HTML and PDF reports.
    #[arg(long, value_enum, default_value = "en")]
    pub(crate) lang: super::LangArg,
    #[command(flatten)]
    pub(crate) font: super::FontArgs,
}
