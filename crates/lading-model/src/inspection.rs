//! AI visual quality inspection report (`urn:lading:inspection-report:v1`).

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::Sha256Digest;
use crate::meta::Metadata;

/// One inspected lot: how it was sampled, imaged and judged, item by item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InspectionReport {
    /// The metadata envelope.
    pub meta: Metadata,
    /// Who the inspection was done for.
    pub client: Client,
    /// The lot inspected.
    pub lot: Lot,
    /// Acceptance sampling plan, or 100 % inspection.
    pub inspection: Inspection,
    /// How the images were acquired.
    pub acquisition: Acquisition,
    /// The model that judged the images.
    pub model: ModelInfo,
    /// One entry per inspected item (image).
    pub items: Vec<Item>,
    /// Totals and the lot decision.
    pub summary: LotSummary,
    /// What a re-run needs and what it showed.
    pub reproducibility: Reproducibility,
}

/// The client of the inspection service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Client {
    /// Legal name.
    #[schemars(length(min = 1, max = 512))]
    pub name: String,
    /// ISO 3166-1 alpha-2 country code.
    #[schemars(regex(pattern = r"^[A-Z]{2}$"))]
    pub country: String,
    /// The client's purchase order or contract reference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
}

/// A production lot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Lot {
    /// Lot id.
    #[schemars(length(min = 1, max = 256))]
    pub id: String,
    /// Part number.
    #[schemars(length(min = 1, max = 256))]
    pub part_number: String,
    /// Part revision.
    pub part_revision: String,
    /// Number of items in the lot.
    #[schemars(range(min = 1))]
    pub lot_size: u64,
    /// Production site.
    pub site: String,
    /// Production line.
    pub line: String,
    /// Inspection station.
    pub station: String,
    /// Start of the inspection window.
    pub started_at: DateTime<Utc>,
    /// End of the inspection window.
    pub ended_at: DateTime<Utc>,
    /// SHA-256 of the lot's image listing: one line `<sha256 hex>  <name>\n`
    /// per image, names in byte order — what `LC_ALL=C sha256sum -- *` prints
    /// in the image folder — so the sample can be checked against the lot.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub images_sha256: Option<Sha256Digest>,
}

/// How items were selected for inspection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "mode", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Inspection {
    /// Single acceptance sampling from the lot.
    Sampling(SamplingPlan),
    /// Every item of the lot inspected.
    Full {
        /// Per defect class, the most nonconforming items the lot may hold.
        classes: Vec<FullInspectionClass>,
    },
}

/// An acceptance sampling plan (ISO 2859-1 single sampling).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SamplingPlan {
    /// The standard the plan comes from.
    pub standard: SamplingStandard,
    /// General (I–III) or special (S-1…S-4) inspection level.
    pub inspection_level: InspectionLevel,
    /// Normal, tightened or reduced inspection.
    pub severity: Severity,
    /// Sample size code letter (A–R).
    #[schemars(regex(pattern = r"^[A-HJ-NPQR]$"))]
    pub code_letter: String,
    /// Sample size n.
    #[schemars(range(min = 1))]
    pub sample_size: u64,
    /// AQL, acceptance and rejection numbers per defect class.
    #[schemars(length(min = 1))]
    pub classes: Vec<ClassPlan>,
    /// Seed of the deterministic sample selection, as hex.
    #[schemars(regex(pattern = r"^[0-9a-f]{16,128}$"))]
    pub sample_seed: String,
}

/// Identical single-sampling standards.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum SamplingStandard {
    /// ISO 2859-1:1999.
    #[serde(rename = "ISO 2859-1")]
    Iso2859_1,
    /// GB/T 2828.1-2012 (identical to ISO 2859-1).
    #[serde(rename = "GB/T 2828.1")]
    Gbt2828_1,
    /// ANSI/ASQ Z1.4-2003.
    #[serde(rename = "ANSI/ASQ Z1.4")]
    AnsiAsqZ1_4,
}

/// Inspection level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum InspectionLevel {
    /// General level I.
    #[serde(rename = "I")]
    I,
    /// General level II (the default).
    #[serde(rename = "II")]
    II,
    /// General level III.
    #[serde(rename = "III")]
    III,
    /// Special level S-1.
    #[serde(rename = "S-1")]
    S1,
    /// Special level S-2.
    #[serde(rename = "S-2")]
    S2,
    /// Special level S-3.
    #[serde(rename = "S-3")]
    S3,
    /// Special level S-4.
    #[serde(rename = "S-4")]
    S4,
}

/// Severity of inspection under the switching rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    /// Normal inspection.
    Normal,
    /// Tightened inspection.
    Tightened,
    /// Reduced inspection.
    Reduced,
}

/// The plan for one defect class.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClassPlan {
    /// Defect class, e.g. `critical`, `major`, `minor`.
    #[schemars(regex(pattern = r"^[a-z][a-z0-9_-]{0,63}$"))]
    pub class: String,
    /// Acceptance quality limit, in percent nonconforming.
    #[schemars(range(min = 0.0, max = 1000.0))]
    pub aql: f64,
    /// Acceptance number Ac.
    pub accept: u64,
    /// Rejection number Re.
    #[schemars(range(min = 1))]
    pub reject: u64,
}

/// The limit for one defect class under 100 % inspection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FullInspectionClass {
    /// Defect class.
    #[schemars(regex(pattern = r"^[a-z][a-z0-9_-]{0,63}$"))]
    pub class: String,
    /// The lot is accepted while it holds at most this many nonconforming items.
    pub max_nonconforming: u64,
}

/// Image acquisition set-up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Acquisition {
    /// The camera.
    pub camera: Camera,
    /// Name or id of the lighting recipe.
    pub lighting_recipe: String,
    /// Calibration record of the station.
    pub calibration: Calibration,
}

/// A camera.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Camera {
    /// Manufacturer.
    pub make: String,
    /// Model.
    pub model: String,
    /// Serial number.
    pub serial: String,
}

/// A calibration record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Calibration {
    /// Calibration certificate or record id.
    pub id: String,
    /// Date of calibration.
    pub date: NaiveDate,
}

/// The model and everything around it that changes its output.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ModelInfo {
    /// Model id.
    #[schemars(length(min = 1, max = 256))]
    pub id: String,
    /// Model version.
    #[schemars(length(min = 1, max = 128))]
    pub version: String,
    /// SHA-256 of the model file (ONNX).
    pub sha256: Sha256Digest,
    /// The inference runtime.
    pub runtime: Runtime,
    /// Image pre-processing.
    pub preprocessing: Preprocessing,
    /// Output head and its post-processing.
    pub head: ModelHead,
    /// Output index to class name and defect class.
    #[schemars(length(min = 1))]
    pub class_map: Vec<ClassMapEntry>,
}

/// An inference runtime.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Runtime {
    /// Name, e.g. `tract`.
    pub name: String,
    /// Version.
    pub version: String,
}

/// Image pre-processing before inference: the inspection profile's `[input]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Preprocessing {
    /// Model input width in pixels.
    #[schemars(range(min = 1, max = 4096))]
    pub width: u32,
    /// Model input height in pixels.
    #[schemars(range(min = 1, max = 4096))]
    pub height: u32,
    /// Channels fed to the model, in order.
    pub channels: Channels,
    /// Tensor layout fed to the model.
    pub layout: Layout,
    /// How an image is brought to the input size.
    pub resize: ResizeMode,
    /// Pixel values (0–255) are multiplied by this first.
    pub scale: f64,
    /// Then this is subtracted, per channel (one value for all, or one per channel).
    #[schemars(length(min = 1, max = 3))]
    pub mean: Vec<f64>,
    /// Then divided by this, per channel.
    #[schemars(length(min = 1, max = 3))]
    pub std: Vec<f64>,
    /// The resize's resampling filter (absent in reports made before it
    /// was recorded: those used `triangle`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resize_filter: Option<ResizeFilter>,
    /// The software that decoded the images, by crate and version, so that
    /// a third party knows what to compare its own decoder with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decoder: Option<ImageDecoder>,
}

/// A resampling filter, as the Rust `image` crate implements it
/// (`image::imageops::FilterType`; support scaled by the ratio when
/// shrinking, pixel centres aligned, results rounded to 8 bits).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ResizeFilter {
    /// Nearest neighbour.
    Nearest,
    /// Linear (bilinear; Pillow's `BILINEAR`).
    Triangle,
    /// Cubic, Catmull-Rom (Pillow's `BICUBIC` uses a = −0.5 too).
    CatmullRom,
    /// Gaussian, sigma 0.5.
    Gaussian,
    /// Lanczos with a = 3 (Pillow's `LANCZOS`).
    Lanczos3,
}

/// The image decoders of a run, each `crate version`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ImageDecoder {
    /// The image library, e.g. `image 0.25.10`.
    #[schemars(length(min = 1, max = 128))]
    pub library: String,
    /// The JPEG decoder, e.g. `zune-jpeg 0.5.15`.
    #[schemars(length(min = 1, max = 128))]
    pub jpeg: String,
    /// The PNG decoder, e.g. `png 0.18.1`.
    #[schemars(length(min = 1, max = 128))]
    pub png: String,
}

/// Channels fed to the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Channels {
    /// One channel, luminance.
    Gray,
    /// Red, green, blue.
    Rgb,
    /// Blue, green, red.
    Bgr,
}

/// How an image is brought to the model's input size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ResizeMode {
    /// Scale both axes to the input size (with the resize filter).
    Stretch,
    /// Scale the shorter side to fit, then cut the centre (with the resize filter).
    CenterCrop,
}

/// Tensor layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Layout {
    /// Batch, channel, height, width.
    Nchw,
    /// Batch, height, width, channel.
    Nhwc,
}

/// The model's output head and its decision parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "kebab-case", deny_unknown_fields)]
pub enum ModelHead {
    /// Softmax image classifier: the top class decides; an item passes when it is `ok_class`.
    Classifier {
        /// The class that passes.
        ok_class: String,
    },
    /// Scalar anomaly score compared with a threshold.
    AnomalyScore {
        /// Scores at or above this are anomalous.
        threshold: f64,
        /// The class a failing item is counted under (in the class map).
        class: String,
    },
    /// YOLOv8-style detector with `[1, 4 + nc, N]` output.
    Detector {
        /// Detections below this confidence are dropped.
        #[schemars(range(min = 0.0, max = 1.0))]
        confidence_threshold: f64,
        /// Class-wise non-maximum suppression IoU threshold.
        #[schemars(range(min = 0.0, max = 1.0))]
        iou_threshold: f64,
    },
}

/// One output class.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClassMapEntry {
    /// Output index.
    pub index: u32,
    /// Class name.
    pub name: String,
    /// Defect class the class counts toward, or none for a good class.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub defect_class: Option<String>,
}

/// One inspected item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Item {
    /// The item's place in the lot, counted from 0 in the order the lot's
    /// items are listed (for sampling, one of the positions drawn from the seed).
    pub position: u64,
    /// The image.
    pub image: ImageRef,
    /// When the image was acquired.
    pub acquired_at: DateTime<Utc>,
    /// Raw model outputs, flattened in row-major order (class probabilities,
    /// the anomaly score, or a detector's whole `[1, 4 + classes, anchors]`
    /// output); empty for imported results, whose raw outputs are unknown.
    pub scores: Vec<f64>,
    /// Detections, COCO-style, for detector heads.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub detections: Vec<Detection>,
    /// The model's verdict.
    pub verdict: Verdict,
    /// Defect classes the model found the item nonconforming in.
    #[serde(default)]
    pub defect_classes: Vec<String>,
    /// A reviewer's override of the model, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review: Option<Review>,
}

impl Item {
    /// The verdict after any review.
    pub fn effective_verdict(&self) -> Verdict {
        self.review.as_ref().map_or(self.verdict, |r| r.verdict)
    }

    /// The defect classes after any review.
    pub fn effective_defect_classes(&self) -> &[String] {
        self.review.as_ref().map_or(&self.defect_classes, |r| &r.defect_classes)
    }
}

/// An image by name and digest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ImageRef {
    /// File name as provided.
    #[schemars(length(min = 1, max = 1024))]
    pub name: String,
    /// SHA-256 of the image file.
    pub sha256: Sha256Digest,
}

/// A COCO-style detection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Detection {
    /// Class index in the class map.
    pub category_id: u32,
    /// `[x, y, width, height]` in the original image's pixels (COCO).
    pub bbox: [f64; 4],
    /// Confidence.
    pub score: f64,
}

/// Pass or fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Conforming.
    Pass,
    /// Nonconforming.
    Fail,
}

/// A reviewer's override.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Review {
    /// The verdict after review.
    pub verdict: Verdict,
    /// Defect classes after review.
    #[serde(default)]
    pub defect_classes: Vec<String>,
    /// Reviewer id.
    pub reviewer: String,
    /// Why the model was overridden.
    #[schemars(length(min = 1))]
    pub reason: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// Lot totals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LotSummary {
    /// Number of items inspected.
    pub inspected: u64,
    /// Nonconforming items per defect class (after review).
    pub defects_by_class: BTreeMap<String, u64>,
    /// The lot decision.
    pub decision: LotDecision,
}

/// Lot decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum LotDecision {
    /// Lot accepted.
    Accept,
    /// Lot rejected.
    Reject,
}

/// What a re-run needs and what it showed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Reproducibility {
    /// The machine and software the report was produced on.
    pub environment: Environment,
    /// Largest absolute difference of any score a re-run may show.
    #[schemars(range(min = 0.0))]
    pub tolerance: f64,
    /// Whether a re-run reproduced the report within tolerance; absent until re-run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reproducible: Option<bool>,
    /// Where the model outputs came from.
    pub origin: Origin,
}

/// Where a report's model outputs came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "method", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Origin {
    /// Lading ran the model on the images itself: the report can be
    /// re-run and compared (`lading inspect reproduce`).
    LadingInference,
    /// Results computed elsewhere and imported: traceable (every image and
    /// the results file are pinned by digest) but not reproducible by Lading.
    Imported {
        /// The results' format, e.g. `coco`.
        format: String,
        /// SHA-256 of the results file.
        results_sha256: Sha256Digest,
        /// What this means, in words, for the reader.
        statement: String,
    },
}

/// A run environment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Environment {
    /// Operating system.
    pub os: String,
    /// CPU architecture.
    pub arch: String,
    /// Lading version that produced the report.
    pub lading_version: String,
}
