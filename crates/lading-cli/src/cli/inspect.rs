//! Arguments of `lading inspect`: AI visual inspection.

use std::path::PathBuf;

use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub(crate) enum InspectCommand {
    /// The ISO 2859-1 single sampling plan for a lot: code letter, sample size, Ac and Re per AQL.
    Plan(InspectPlanArgs),
    /// Draw the items to inspect from a seed (the report's sample_seed), repeatably.
    Sample(InspectSampleArgs),
    /// Run an ONNX model over a lot's images and write the inspection report.
    Run(Box<InspectRunArgs>),
    /// Re-run a report's items and compare outputs and verdicts (exit 0 only when reproducible).
    Reproduce(InspectReproduceArgs),
    /// Build a report from detections computed elsewhere (COCO results): traceable, not reproducible by Lading.
    Import(Box<InspectImportArgs>),
    /// Render a report for people: a self-contained HTML page (--out) and/or PDF/A-3b (--pdf), in
    /// English or Simplified Chinese (--lang).
    Render(InspectRenderArgs),
}

#[derive(Debug, clap::Args)]
pub(crate) struct InspectRunArgs {
    /// The ONNX model.
    #[arg(long)]
    pub(crate) model: PathBuf,
    /// Largest difference of a raw output a re-run may show.
    #[arg(long, default_value_t = 1e-4)]
    pub(crate) tolerance: f64,
    /// Threads to run inference on (default: every core).
    #[arg(long)]
    pub(crate) threads: Option<usize>,
    #[command(flatten)]
    pub(crate) lot: LotArgs,
}

#[derive(Debug, clap::Args)]
pub(crate) struct InspectImportArgs {
    /// Detections in the COCO results format: [{"image_id", "category_id", "bbox", "score"}].
    #[arg(long)]
    pub(crate) coco: PathBuf,
    /// The COCO dataset file mapping image ids to file names and category ids to class names
    /// (without it, image_id is the file stem and category_id the profile's class index).
    #[arg(long)]
    pub(crate) coco_dataset: Option<PathBuf>,
    /// The model file the results came from (its SHA-256 is recorded).
    #[arg(long, required_unless_present = "model_sha256", conflicts_with = "model_sha256")]
    pub(crate) model: Option<PathBuf>,
    /// The model file's SHA-256, when the file is not at hand.
    #[arg(long)]
    pub(crate) model_sha256: Option<String>,
    /// The runtime that computed the results, NAME/VERSION (e.g. onnxruntime/1.20.1).
    #[arg(long, default_value = "unknown/unknown")]
    pub(crate) runtime: String,
    #[command(flatten)]
    pub(crate) lot: LotArgs,
}

/// What an inspection report needs besides the model's outputs.
#[derive(Debug, clap::Args)]
pub(crate) struct LotArgs {
    /// The lot's images: one file per item, in name order (the whole lot), or exactly the sampled items.
    #[arg(long)]
    pub(crate) images: PathBuf,
    /// The inspection profile (TOML): input, head, defect classes.
    #[arg(long)]
    pub(crate) profile: PathBuf,
    /// The lot description (TOML): provider, client, lot, acquisition, model name.
    #[arg(long = "lot")]
    pub(crate) description: PathBuf,
    /// The lot id (overrides the lot description's).
    #[arg(long)]
    pub(crate) lot_id: Option<String>,
    /// Items in the lot (default: the number of images).
    #[arg(long)]
    pub(crate) lot_size: Option<u64>,
    /// Inspection level: I, II, III, S-1, S-2, S-3, S-4.
    #[arg(long, default_value = "II", value_parser = ["I", "II", "III", "S-1", "S-2", "S-3", "S-4"])]
    pub(crate) level: String,
    /// normal, tightened or reduced.
    #[arg(long, default_value = "normal", value_parser = ["normal", "tightened", "reduced"])]
    pub(crate) severity: String,
    /// The standard named in the report (the three are identical).
    #[arg(long, default_value = "ISO 2859-1", value_parser = ["ISO 2859-1", "GB/T 2828.1", "ANSI/ASQ Z1.4"])]
    pub(crate) standard: String,
    /// AQL per defect class, CLASS=AQL (repeat or comma-separate), e.g. major=2.5,critical=0.65.
    #[arg(long, value_delimiter = ',')]
    pub(crate) aql: Vec<String>,
    /// Inspect every item instead of sampling; with --max-defects.
    #[arg(long, conflicts_with = "aql")]
    pub(crate) full: bool,
    /// 100 % inspection: the most nonconforming items per class, CLASS=N (repeat or comma-separate).
    #[arg(long, value_delimiter = ',', requires = "full")]
    pub(crate) max_defects: Vec<String>,
    /// Seed of the sample draw, as hex (default: 16 random bytes, recorded in the report).
    #[arg(long)]
    pub(crate) seed: Option<String>,
    /// Where to write the report (JSON).
    #[arg(long)]
    pub(crate) out: PathBuf,
}

#[derive(Debug, clap::Args)]
pub(crate) struct InspectRenderArgs {
    /// The inspection report (JSON).
    pub(crate) report: PathBuf,
    /// The image folder (images of non-conforming items are embedded when their digest matches).
    #[arg(long)]
    pub(crate) images: Option<PathBuf>,
    /// Where to write the report as one self-contained HTML page.
    #[arg(long, required_unless_present = "pdf")]
    pub(crate) out: Option<PathBuf>,
    /// Also (or only) write the report as PDF/A-3b here: every non-conforming item's image with
    /// its boxes, the report's JSON attached.
    #[arg(long)]
    pub(crate) pdf: Option<PathBuf>,
    /// The language of the HTML page and the PDF.
    #[arg(long, value_enum, default_value = "en")]
    pub(crate) lang: super::LangArg,
    #[command(flatten)]
    pub(crate) font: super::FontArgs,
}

#[derive(Debug, clap::Args)]
pub(crate) struct InspectReproduceArgs {
    /// The inspection report (JSON).
    pub(crate) report: PathBuf,
    /// The ONNX model.
    #[arg(long)]
    pub(crate) model: PathBuf,
    /// The image folder.
    #[arg(long)]
    pub(crate) images: PathBuf,
    /// An inspection profile whose parameters must equal the report's.
    #[arg(long)]
    pub(crate) profile: Option<PathBuf>,
    /// Threads (default: every core).
    #[arg(long)]
    pub(crate) threads: Option<usize>,
}

#[derive(Debug, clap::Args)]
pub(crate) struct InspectPlanArgs {
    /// Items in the lot.
    #[arg(long)]
    pub(crate) lot_size: u64,
    /// Inspection level: I, II, III, S-1, S-2, S-3, S-4.
    #[arg(long, default_value = "II", value_parser = ["I", "II", "III", "S-1", "S-2", "S-3", "S-4"])]
    pub(crate) level: String,
    /// normal, tightened or reduced.
    #[arg(long, default_value = "normal", value_parser = ["normal", "tightened", "reduced"])]
    pub(crate) severity: String,
    /// AQLs (repeat or comma-separate), from 0.010 to 1000.
    #[arg(long, value_delimiter = ',', required = true)]
    pub(crate) aql: Vec<f64>,
}

#[derive(Debug, clap::Args)]
pub(crate) struct InspectSampleArgs {
    /// Items in the lot (positions 0 … lot size − 1, in the order the lot's items are listed).
    #[arg(long)]
    pub(crate) lot_size: u64,
    /// Items to draw.
    #[arg(long)]
    pub(crate) sample_size: u64,
    /// The seed, as hex.
    #[arg(long)]
    pub(crate) seed: String,
}
