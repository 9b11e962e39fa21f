//! Importing detections computed elsewhere, in the COCO results format
//! (`[{"image_id", "category_id", "bbox": [x, y, w, h], "score"}]`, boxes in
//! the image's pixels), for providers whose inference does not run in
//! Lading. Such a report is traceable — every image and the results file
//! are pinned by digest — but Lading cannot reproduce it.

use std::collections::BTreeMap;

use lading_model::Sha256Digest;
use lading_model::inspection::{Detection, Verdict};
use serde::Deserialize;
use serde_json::Value;

use crate::judged::Judged;
use crate::lot::LotImage;
use crate::profile::{Head, Profile};

/// Largest results or dataset file read.
pub const MAX_COCO_BYTES: u64 = 256 << 20;

/// What a report says about imported results.
pub const STATEMENT: &str = "The model outputs in this report were computed outside Lading and imported from a COCO results file. Every image and the results file are pinned by SHA-256, so the report is traceable, but Lading did not run the model and cannot reproduce the outputs.";

/// Why results cannot be imported; names the file and JSON pointer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}{pointer}: {message}")]
pub struct CocoError {
    /// `results` or `dataset`.
    pub file: &'static str,
    /// JSON pointer, or empty.
    pub pointer: String,
    /// What is wrong.
    pub message: String,
}

fn err(file: &'static str, pointer: impl Into<String>, message: impl Into<String>) -> CocoError {
    CocoError { file, pointer: pointer.into(), message: message.into() }
}

/// An image id: COCO datasets use numbers; some tools write the file stem.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(untagged)]
enum ImageId {
    Number(u64),
    Text(String),
}

impl std::fmt::Display for ImageId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ImageId::Number(n) => write!(f, "{n}"),
            ImageId::Text(t) => write!(f, "{t:?}"),
        }
    }
}

#[derive(Debug, Deserialize)]
struct Result_ {
    image_id: ImageId,
    category_id: u64,
    bbox: [f64; 4],
    score: f64,
}

#[derive(Debug, Deserialize)]
struct Dataset {
    images: Vec<DatasetImage>,
    #[serde(default)]
    categories: Vec<Category>,
}

#[derive(Debug, Deserialize)]
struct DatasetImage {
    id: u64,
    file_name: String,
}

#[derive(Debug, Deserialize)]
struct Category {
    id: u64,
    name: String,
}

fn parse(file: &'static str, bytes: &[u8]) -> Result<Value, CocoError> {
    lading_model::json::parse_strict(bytes).map_err(|e| err(file, "", e.to_string()))
}

/// The detections of `results` (with `dataset` mapping ids to file names and
/// categories to class names, when given) for the `chosen` images, judged
/// with the profile's detector head: detections below its confidence are
/// dropped; an item with a detection left fails with the defect classes of
/// its classes. Without a dataset, `image_id` is the file stem (as text, or
/// a number equal to a numeric stem) and `category_id` the class index.
pub fn judge(
    results: &[u8],
    dataset: Option<&[u8]>,
    profile: &Profile,
    lot: &[LotImage],
    chosen: &[&LotImage],
    digests: &BTreeMap<String, Sha256Digest>,
) -> Result<Vec<Judged>, CocoError> {
    let Head::Detector { classes, confidence, .. } = &profile.head else {
        return Err(err("profile", "", "COCO results are detections: the profile's head must be a detector"));
    };
    let value = parse("results", results)?;
    let Value::Array(rows) = value else { return Err(err("results", "", "must be a JSON array of detections")) };
    // image_id → file name, category id → class index.
    let mut names: BTreeMap<ImageId, String> = BTreeMap::new();
    let mut categories: BTreeMap<u64, usize> = BTreeMap::new();
    match dataset {
        Some(bytes) => {
            let d: Dataset = serde_json::from_value(parse("dataset", bytes)?)
                .map_err(|e| err("dataset", "", format!("not a COCO dataset: {e}")))?;
            for (i, image) in d.images.iter().enumerate() {
                let base = image.file_name.rsplit('/').next().unwrap_or(&image.file_name).to_owned();
                if names.insert(ImageId::Number(image.id), base).is_some() {
                    return Err(err(
                        "dataset",
                        format!("/images/{i}/id"),
                        format!("image id {} is listed twice", image.id),
                    ));
                }
            }
            for (i, c) in d.categories.iter().enumerate() {
                let index = classes.iter().position(|n| n == &c.name).ok_or_else(|| {
                    err(
                        "dataset",
                        format!("/categories/{i}/name"),
                        format!("{:?} is not a class of the profile", c.name),
                    )
                })?;
                categories.insert(c.id, index);
            }
        }
        None => {
            for image in lot {
                let stem = image.name.rsplit_once('.').map_or(image.name.as_str(), |(s, _)| s);
                names.insert(ImageId::Text(stem.to_owned()), image.name.clone());
                if let Ok(n) = stem.parse::<u64>() {
                    names.insert(ImageId::Number(n), image.name.clone());
                }
            }
            for i in 0..classes.len() {
                categories.insert(i as u64, i);
            }
        }
    }
    let in_lot: BTreeMap<&str, ()> = lot.iter().map(|i| (i.name.as_str(), ())).collect();
    let mut by_image: BTreeMap<String, Vec<Detection>> = BTreeMap::new();
    for (i, row) in rows.into_iter().enumerate() {
        let at = |field: &str| format!("/{i}/{field}");
        let r: Result_ = serde_json::from_value(row).map_err(|e| err("results", format!("/{i}"), e.to_string()))?;
        let name = names
            .get(&r.image_id)
            .ok_or_else(|| err("results", at("image_id"), format!("{} names no image of the lot", r.image_id)))?;
        if !in_lot.contains_key(name.as_str()) {
            return Err(err("results", at("image_id"), format!("{name} is not in the image folder")));
        }
        let class = *categories.get(&r.category_id).ok_or_else(|| {
            err("results", at("category_id"), format!("{} is not a class of the profile", r.category_id))
        })?;
        if !(r.score.is_finite() && (0.0..=1.0).contains(&r.score)) {
            return Err(err("results", at("score"), "must be a number from 0 to 1"));
        }
        if !r.bbox.iter().all(|v| v.is_finite()) || r.bbox[2] < 0.0 || r.bbox[3] < 0.0 {
            return Err(err(
                "results",
                at("bbox"),
                "must be [x, y, width, height] with finite values, width and height ≥ 0",
            ));
        }
        if r.score < f64::from(*confidence) {
            continue;
        }
        by_image.entry(name.clone()).or_default().push(Detection {
            category_id: u32::try_from(class).unwrap_or(u32::MAX),
            bbox: r.bbox,
            score: r.score,
        });
    }
    chosen
        .iter()
        .map(|image| {
            let mut detections = by_image.remove(&image.name).unwrap_or_default();
            detections.sort_by(|a, b| b.score.total_cmp(&a.score));
            let found: std::collections::BTreeSet<String> = detections
                .iter()
                .filter_map(|d| profile.defects.get(&classes[d.category_id as usize]).cloned())
                .collect();
            let sha256 = digests
                .get(&image.name)
                .cloned()
                .ok_or_else(|| err("results", "", format!("{} was not hashed", image.name)))?;
            Ok(Judged {
                sha256,
                size: (0, 0),
                scores: Vec::new(),
                detections,
                verdict: if found.is_empty() { Verdict::Pass } else { Verdict::Fail },
                defect_classes: found.into_iter().collect(),
            })
        })
        .collect()
}
