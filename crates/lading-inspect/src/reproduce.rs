//! Re-running a report: every recorded item judged again with the model and
//! the parameters the report records, raw outputs compared within the
//! report's tolerance and verdicts exactly.

use std::collections::BTreeMap;
use std::path::Path;

use lading_model::inspection::{InspectionReport, Item, Origin};

use crate::engine::Engine;
use crate::lot;
use crate::profile::Profile;
use crate::run::{self, Judged};

/// Why a report cannot be re-run at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReproduceError {
    /// Imported results carry no raw outputs to re-run.
    #[error(
        "the report's results were imported ({0}); it is traceable but Lading cannot reproduce it (/reproducibility/origin)"
    )]
    Imported(String),
    /// The report's own parameters do not make a profile.
    #[error("the report's model parameters are unusable: {0}")]
    Parameters(String),
    /// The image folder.
    #[error("{0}")]
    Folder(String),
}

/// One way a re-run differs from the report.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Difference {
    /// The image, when the difference is an item's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item: Option<String>,
    /// What differs: `model`, `parameters`, `image`, `missing`, `scores`, `verdict`, `detections`, `listing`, `error`.
    pub kind: &'static str,
    /// In words.
    pub detail: String,
}

/// What a re-run showed.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Reproduction {
    /// Items in the report.
    pub items: usize,
    /// Items re-run.
    pub rerun: usize,
    /// The largest absolute difference of a raw output over the items re-run.
    pub max_abs_diff: f64,
    /// The report's tolerance.
    pub tolerance: f64,
    /// Every difference found.
    pub differences: Vec<Difference>,
    /// What the re-run did differently without it being a difference: the
    /// report's images were decoded by other decoder versions (the raw
    /// outputs are still compared within the tolerance).
    pub notes: Vec<String>,
}

impl Reproduction {
    /// Whether the report reproduced: nothing differs.
    pub fn reproducible(&self) -> bool {
        self.differences.is_empty()
    }
}

fn diff(item: Option<&str>, kind: &'static str, detail: impl Into<String>) -> Difference {
    Difference { item: item.map(str::to_owned), kind, detail: detail.into() }
}

/// Re-runs `report` with the model file's bytes and the images in `dir`.
/// When `given` is a profile, its parameters must equal the report's.
pub fn reproduce(
    report: &InspectionReport,
    model: &[u8],
    dir: &Path,
    given: Option<&Profile>,
    threads: usize,
    progress: &(dyn Fn() + Sync),
) -> Result<Reproduction, ReproduceError> {
    if let Origin::Imported { format, .. } = &report.reproducibility.origin {
        return Err(ReproduceError::Imported(format.clone()));
    }
    let profile = Profile::from_report(&report.model).map_err(|e| ReproduceError::Parameters(e.to_string()))?;
    let tolerance = report.reproducibility.tolerance;
    let mut out = Reproduction {
        items: report.items.len(),
        rerun: 0,
        max_abs_diff: 0.0,
        tolerance,
        differences: Vec::new(),
        notes: Vec::new(),
    };
    let here = crate::preprocess::decoder();
    match &report.model.preprocessing.decoder {
        Some(recorded) if *recorded != here => out.notes.push(format!(
            "the report's images were decoded with {}, {}, {}; this re-run decodes with {}, {}, {}",
            recorded.library, recorded.jpeg, recorded.png, here.library, here.jpeg, here.png
        )),
        Some(_) => {}
        None => out.notes.push(format!(
            "the report does not record its image decoders (made before they were recorded); this re-run decodes with {}, {}, {}",
            here.library, here.jpeg, here.png
        )),
    }
    if let Some(given) = given {
        for d in profile.differences(given) {
            out.differences.push(diff(None, "parameters", format!("the report's and the profile's {d}")));
        }
    }
    let sha = lading_model::Sha256Digest::of(model);
    if sha != report.model.sha256 {
        out.differences.push(diff(
            None,
            "model",
            format!("the model file's SHA-256 is {sha}; the report was produced with {}", report.model.sha256),
        ));
    }
    let engine = match Engine::load(model, &profile) {
        Ok(e) => e,
        Err(e) => {
            out.differences.push(diff(None, "model", format!("cannot run with the report's parameters: {e}")));
            return Ok(out);
        }
    };
    let images = lot::list(dir).map_err(|e| ReproduceError::Folder(e.to_string()))?;
    let by_name: BTreeMap<&str, &lot::LotImage> = images.iter().map(|i| (i.name.as_str(), i)).collect();
    if let Some(recorded) = &report.lot.images_sha256 {
        let digests = run::digest_all(&images, threads).map_err(|e| ReproduceError::Folder(e.to_string()))?;
        let listing = lot::listing_sha256(digests.iter().map(|(n, d)| (n.as_str(), d)));
        if &listing != recorded {
            out.differences.push(diff(
                None,
                "listing",
                format!(
                    "the folder's image listing hashes to {listing}; the lot's recorded listing is {recorded} (an image added, removed, renamed or changed)"
                ),
            ));
        }
    }
    let rerun =
        |session: &mut Result<crate::engine::Session, crate::EngineError>, item: &Item| -> Result<Judged, Difference> {
            let name = item.image.name.as_str();
            let image = by_name.get(name).ok_or_else(|| diff(Some(name), "missing", "not in the image folder"))?;
            let bytes = lot::read(&image.path).map_err(|e| diff(Some(name), "error", e.message))?;
            let sha = lading_model::Sha256Digest::of(&bytes);
            if sha != item.image.sha256 {
                return Err(diff(
                    Some(name),
                    "image",
                    format!("the file's SHA-256 is {sha}; the report recorded {}", item.image.sha256),
                ));
            }
            let session = session.as_mut().map_err(|e| diff(Some(name), "error", e.to_string()))?;
            run::judge(session, &profile, name, &bytes).map_err(|e| diff(Some(name), "error", e.to_string()))
        };
    let results = run::par_map_with(&report.items, threads, &|| engine.session(), &rerun, progress);
    for (item, result) in report.items.iter().zip(results) {
        match result {
            Err(d) => out.differences.push(d),
            Ok(j) => {
                out.rerun += 1;
                compare(item, &j, tolerance, &mut out);
            }
        }
    }
    Ok(out)
}

fn compare(item: &Item, j: &Judged, tolerance: f64, out: &mut Reproduction) {
    let name = Some(item.image.name.as_str());
    if item.scores.len() == j.scores.len() {
        let mut worst: Option<(usize, f64)> = None;
        for (i, (a, b)) in item.scores.iter().zip(&j.scores).enumerate() {
            let d = (a - b).abs();
            let d = if d.is_nan() { f64::INFINITY } else { d };
            out.max_abs_diff = out.max_abs_diff.max(d);
            if worst.is_none_or(|(_, w)| d > w) {
                worst = Some((i, d));
            }
        }
        if let Some((i, d)) = worst
            && d > tolerance
        {
            out.differences.push(diff(
                name,
                "scores",
                format!(
                    "output {i} is {} on re-run, {} in the report: differs by {d:e}, beyond the tolerance {tolerance:e}",
                    j.scores[i], item.scores[i]
                ),
            ));
        }
    } else {
        out.differences.push(diff(
            name,
            "scores",
            format!("the re-run gives {} output values; the report holds {}", j.scores.len(), item.scores.len()),
        ));
    }
    if item.verdict != j.verdict || item.defect_classes != j.defect_classes {
        out.differences.push(diff(
            name,
            "verdict",
            format!(
                "{:?} {:?} on re-run; the report says {:?} {:?}",
                j.verdict, j.defect_classes, item.verdict, item.defect_classes
            ),
        ));
    }
    let cats = |d: &[lading_model::inspection::Detection]| d.iter().map(|d| d.category_id).collect::<Vec<_>>();
    if cats(&item.detections) != cats(&j.detections) {
        out.differences.push(diff(
            name,
            "detections",
            format!("classes {:?} on re-run; the report holds {:?}", cats(&j.detections), cats(&item.detections)),
        ));
    }
}
