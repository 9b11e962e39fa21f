//! What the model made of one image: the result of judging it, whether
//! Lading ran the model (`run`) or the results were imported (`coco`).

use lading_model::Sha256Digest;
use lading_model::inspection::{Detection, Verdict};

/// What the model made of one image.
#[derive(Debug, Clone, PartialEq)]
pub struct Judged {
    /// SHA-256 of the image file.
    pub sha256: Sha256Digest,
    /// The image's width and height.
    pub size: (u32, u32),
    /// The first output, flattened.
    pub scores: Vec<f64>,
    /// Detections (detector heads), in the image's own pixels.
    pub detections: Vec<Detection>,
    /// Pass or fail.
    pub verdict: Verdict,
    /// Defect classes found, sorted.
    pub defect_classes: Vec<String>,
}
