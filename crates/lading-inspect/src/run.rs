//! Running a model over a lot: each image judged (decoded, preprocessed,
//! inferred, its head applied), images in parallel on every core, and the
//! inspection report built from the results with the ISO 2859-1 plan.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::{DateTime, Utc};
use lading_model::Sha256Digest;
use lading_model::inspection::{
    Acquisition, Client, Detection, Environment, ImageRef, Inspection, InspectionReport, Item, Lot, LotDecision,
    LotSummary, ModelInfo, Origin, Reproducibility, Runtime, Verdict,
};
use lading_model::meta::Metadata;

use crate::engine::{Engine, Session};
use crate::heads;
pub use crate::judged::Judged;
use crate::lot::{self, LotImage};
use crate::preprocess;
use crate::profile::{Head, Profile, Resize};

/// Why a run stopped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RunError {
    /// An image of the lot.
    #[error("{name}: {message}")]
    Image {
        /// The image's name.
        name: String,
        /// What is wrong.
        message: String,
    },
    /// The lot as a whole (folder, counts, plan).
    #[error("{0}")]
    Lot(String),
}

fn image_err(name: &str, message: impl Into<String>) -> RunError {
    RunError::Image { name: name.to_owned(), message: message.into() }
}

/// Judges one image: decode, preprocess, infer, apply the head.
pub fn judge(session: &mut Session, profile: &Profile, name: &str, bytes: &[u8]) -> Result<Judged, RunError> {
    let sha256 = Sha256Digest::of(bytes);
    let image = preprocess::decode(bytes).map_err(|e| image_err(name, e.to_string()))?;
    let size = (image.width(), image.height());
    let outputs = session.run(preprocess::tensor(&image, profile)).map_err(|e| image_err(name, e.to_string()))?;
    let Some((shape, values)) = outputs.into_iter().next() else {
        return Err(image_err(name, "the model gave no output"));
    };
    let classes = profile.classes();
    let defect = |class: &str| profile.defects.get(class).cloned();
    let mut detections = Vec::new();
    let mut found: BTreeSet<String> = BTreeSet::new();
    match &profile.head {
        Head::Classifier { ok_class, .. } => {
            if values.len() != classes.len() {
                return Err(image_err(
                    name,
                    format!(
                        "the model's output {shape:?} holds {} values but head.classes names {}",
                        values.len(),
                        classes.len()
                    ),
                ));
            }
            let (top, _) =
                heads::top_class(&values).ok_or_else(|| image_err(name, "the model's output holds no finite value"))?;
            if &classes[top] != ok_class {
                found.extend(defect(&classes[top]));
            }
        }
        Head::Anomaly { threshold, class } => {
            let [score] = values.as_slice() else {
                return Err(image_err(
                    name,
                    format!("an anomaly head needs one output value; the model gave {shape:?}"),
                ));
            };
            if !score.is_finite() {
                return Err(image_err(name, "the anomaly score is not a number"));
            }
            if score >= threshold {
                found.extend(defect(class));
            }
        }
        Head::Detector { confidence, iou, .. } => {
            let kept = heads::detect(&shape, &values, classes.len(), *confidence, *iou)
                .map_err(|e| image_err(name, e.to_string()))?;
            for d in kept {
                found.extend(defect(&classes[d.class]));
                detections.push(Detection {
                    category_id: u32::try_from(d.class).unwrap_or(u32::MAX),
                    bbox: to_image_pixels(&d.bbox, profile, size),
                    score: f64::from(d.score),
                });
            }
        }
    }
    let verdict = if found.is_empty() { Verdict::Pass } else { Verdict::Fail };
    Ok(Judged {
        sha256,
        size,
        scores: values.into_iter().map(f64::from).collect(),
        detections,
        verdict,
        defect_classes: found.into_iter().collect(),
    })
}

/// A box `[x0, y0, x1, y1]` in model-input pixels as COCO `[x, y, w, h]` in
/// the original image's pixels, undoing the profile's resize.
fn to_image_pixels(b: &[f32; 4], profile: &Profile, (w, h): (u32, u32)) -> [f64; 4] {
    let (iw, ih) = (f64::from(profile.input.width), f64::from(profile.input.height));
    let (w, h) = (f64::from(w), f64::from(h));
    let (sx, sy, ox, oy) = match profile.input.resize {
        Resize::Stretch => (iw / w, ih / h, 0.0, 0.0),
        Resize::CenterCrop => {
            let s = (iw / w).max(ih / h);
            (s, s, (w * s - iw) / 2.0, (h * s - ih) / 2.0)
        }
    };
    let x0 = ((f64::from(b[0]) + ox) / sx).clamp(0.0, w);
    let y0 = ((f64::from(b[1]) + oy) / sy).clamp(0.0, h);
    let x1 = ((f64::from(b[2]) + ox) / sx).clamp(0.0, w);
    let y1 = ((f64::from(b[3]) + oy) / sy).clamp(0.0, h);
    let r = |v: f64| (v * 100.0).round() / 100.0;
    [r(x0), r(y0), r(x1 - x0), r(y1 - y0)]
}

/// `f` over `items` on `threads` threads (at least one), each thread with
/// its own state from `init`, calling `progress` after each item; results
/// in the order given.
pub fn par_map_with<S, T: Sync, R: Send>(
    items: &[T],
    threads: usize,
    init: &(dyn Fn() -> S + Sync),
    f: &(dyn Fn(&mut S, &T) -> R + Sync),
    progress: &(dyn Fn() + Sync),
) -> Vec<R> {
    let next = AtomicUsize::new(0);
    let done: Mutex<Vec<(usize, R)>> = Mutex::new(Vec::with_capacity(items.len()));
    std::thread::scope(|s| {
        for _ in 0..threads.clamp(1, items.len().max(1)) {
            s.spawn(|| {
                let mut state = init();
                let mut mine = Vec::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(item) = items.get(i) else { break };
                    mine.push((i, f(&mut state, item)));
                    progress();
                }
                if let Ok(mut d) = done.lock() {
                    d.extend(mine);
                }
            });
        }
    });
    let mut done = done.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
}

/// `f` over `items` on `threads` threads; results in the order given.
pub fn par_map<T: Sync, R: Send>(
    items: &[T],
    threads: usize,
    f: &(dyn Fn(&T) -> R + Sync),
    progress: &(dyn Fn() + Sync),
) -> Vec<R> {
    par_map_with(items, threads, &|| (), &|(), item| f(item), progress)
}

/// Reads and judges one image of the lot.
pub fn judge_file(session: &mut Session, profile: &Profile, image: &LotImage) -> Result<Judged, RunError> {
    let bytes = lot::read(&image.path).map_err(|e| image_err(&image.name, e.message))?;
    judge(session, profile, &image.name, &bytes)
}

/// Judges images on `threads` threads, each with its own session; results in
/// the order given. The first image (in that order) that fails is the error.
pub fn judge_all(
    engine: &Engine,
    profile: &Profile,
    images: &[&LotImage],
    threads: usize,
    progress: &(dyn Fn() + Sync),
) -> Result<Vec<Judged>, RunError> {
    let init = || engine.session();
    let f = |session: &mut Result<Session, crate::EngineError>, image: &&LotImage| match session {
        Ok(s) => judge_file(s, profile, image),
        Err(e) => Err(image_err(&image.name, e.to_string())),
    };
    par_map_with(images, threads, &init, &f, progress).into_iter().collect()
}

/// How the lot is inspected.
#[derive(Debug, Clone, PartialEq)]
pub enum Mode {
    /// ISO 2859-1 single sampling.
    Sampling {
        /// The standard named in the report.
        standard: lading_model::inspection::SamplingStandard,
        /// Inspection level.
        level: lading_model::inspection::InspectionLevel,
        /// Normal, tightened or reduced.
        severity: lading_model::inspection::Severity,
        /// AQL per defect class.
        aql: Vec<(String, f64)>,
        /// Seed of the sample draw.
        seed: Vec<u8>,
    },
    /// 100 % inspection: per defect class, the most nonconforming items accepted.
    Full(Vec<(String, u64)>),
}

/// Everything a report needs besides the model, the profile and the images.
#[derive(Debug, Clone)]
pub struct Spec {
    /// The report's metadata.
    pub meta: Metadata,
    /// The client.
    pub client: Client,
    /// The lot; its size, window and listing digest are filled in from the images.
    pub lot: Lot,
    /// The inspection window, when known; otherwise the images' earliest and
    /// latest modification times.
    pub window: Option<(DateTime<Utc>, DateTime<Utc>)>,
    /// How images were acquired.
    pub acquisition: Acquisition,
    /// Model id.
    pub model_id: String,
    /// Model version.
    pub model_version: String,
    /// Sampling or full inspection.
    pub mode: Mode,
    /// Largest difference of a raw output a re-run may show.
    pub tolerance: f64,
    /// Lading's version.
    pub lading_version: String,
}

/// The images to judge: positions in the lot and the images standing for them.
#[derive(Debug, Clone)]
pub struct Selection<'a> {
    /// The inspection section of the report.
    pub inspection: Inspection,
    /// (position, image) per item to inspect, by position.
    pub items: Vec<(u64, &'a LotImage)>,
    /// The lot size.
    pub lot_size: u64,
}

/// Chooses the items to inspect. The folder holds either the whole lot (one
/// image per item, in name order; `lot_size` must then equal the count when
/// given) or exactly the sampled items (in name order, standing for the
/// drawn positions in ascending order).
pub fn select<'a>(
    images: &'a [LotImage],
    lot_size: Option<u64>,
    mode: &Mode,
    profile: &Profile,
) -> Result<Selection<'a>, RunError> {
    use lading_model::inspection::{ClassPlan, FullInspectionClass, SamplingPlan};
    use lading_model::sampling;
    let count = images.len() as u64;
    let lot_size = lot_size.unwrap_or(count);
    if lot_size == 0 {
        return Err(RunError::Lot("--lot-size must be at least 1".into()));
    }
    let mapped: BTreeSet<String> = profile.defect_classes().into_iter().collect();
    let named: BTreeSet<String> = match mode {
        Mode::Sampling { aql, .. } => aql.iter().map(|(c, _)| c.clone()).collect(),
        Mode::Full(classes) => classes.iter().map(|(c, _)| c.clone()).collect(),
    };
    if let Some(missing) = mapped.difference(&named).next() {
        return Err(RunError::Lot(format!(
            "the profile counts items toward defect class {missing:?} but no plan is given for it (--aql {missing}=… or --max-defects {missing}=…)"
        )));
    }
    match mode {
        Mode::Full(classes) => {
            if count != lot_size {
                return Err(RunError::Lot(format!(
                    "100 % inspection of a lot of {lot_size} needs {lot_size} images; the folder holds {count}"
                )));
            }
            let inspection = Inspection::Full {
                classes: classes
                    .iter()
                    .map(|(class, max)| FullInspectionClass { class: class.clone(), max_nonconforming: *max })
                    .collect(),
            };
            Ok(Selection { inspection, items: (0..count).zip(images).collect(), lot_size })
        }
        Mode::Sampling { standard, level, severity, aql, seed } => {
            let letter =
                sampling::code_letter(lot_size, *level).map_err(|e| RunError::Lot(format!("--lot-size: {e}")))?;
            let mut classes = Vec::new();
            let mut size: Option<(u64, &str)> = None;
            for (class, a) in aql {
                let p = sampling::plan(lot_size, *level, *severity, *a)
                    .map_err(|e| RunError::Lot(format!("--aql {class}={a}: {e}")))?;
                if let Some((n, other)) = size
                    && n != p.sample_size
                {
                    return Err(RunError::Lot(format!(
                        "defect classes {other:?} and {class:?} need samples of {n} and {} items; ISO 2859-1 samples them separately: run one report per sample size",
                        p.sample_size
                    )));
                }
                size = Some((p.sample_size, class));
                classes.push(ClassPlan { class: class.clone(), aql: *a, accept: p.accept, reject: p.reject });
            }
            let n = size.map(|s| s.0).ok_or_else(|| RunError::Lot("no --aql given".into()))?;
            let positions = sampling::select(lot_size, n, seed);
            let items: Vec<(u64, &LotImage)> = if count == lot_size {
                positions.iter().map(|p| (*p, &images[usize::try_from(*p).unwrap_or(usize::MAX)])).collect()
            } else if count == n {
                positions.iter().copied().zip(images).collect()
            } else if count < n {
                return Err(RunError::Lot(format!(
                    "the sample is {n} items (code letter {letter}) but the folder holds only {count} images; a lot of {lot_size} needs either all {lot_size} images or exactly the {n} sampled items (lading inspect sample)"
                )));
            } else {
                return Err(RunError::Lot(format!(
                    "the folder holds {count} images: neither the whole lot of {lot_size} (one image per item, in name order) nor exactly the {n} sampled items"
                )));
            };
            let inspection = Inspection::Sampling(SamplingPlan {
                standard: *standard,
                inspection_level: *level,
                severity: *severity,
                code_letter: letter.to_string(),
                sample_size: n,
                classes,
                sample_seed: hex::encode(seed),
            });
            Ok(Selection { inspection, items, lot_size })
        }
    }
}

/// Who produced the outputs: the model file's digest, the runtime, and
/// whether Lading ran it.
#[derive(Debug, Clone, PartialEq)]
pub struct Producer {
    /// SHA-256 of the model file.
    pub model_sha256: Sha256Digest,
    /// The runtime.
    pub runtime: Runtime,
    /// Lading's run, or imported results.
    pub origin: Origin,
}

impl Producer {
    /// Lading running `engine` with tract.
    pub fn tract(engine: &Engine) -> Result<Self, RunError> {
        Ok(Self {
            model_sha256: engine
                .sha256
                .parse()
                .map_err(|e: lading_model::DigestParseError| RunError::Lot(e.to_string()))?,
            runtime: Runtime { name: "tract-onnx".into(), version: crate::engine::TRACT_VERSION.into() },
            origin: Origin::LadingInference,
        })
    }
}

/// Builds the report from the judged items (in the selection's order).
pub fn report(
    spec: &Spec,
    producer: &Producer,
    profile: &Profile,
    images: &[LotImage],
    digests: &BTreeMap<String, Sha256Digest>,
    selection: &Selection<'_>,
    judged: Vec<Judged>,
) -> Result<InspectionReport, RunError> {
    // One image per item: the same bytes twice means a copied image.
    let mut seen: BTreeMap<&Sha256Digest, &str> = BTreeMap::new();
    for image in images {
        if let Some(d) = digests.get(&image.name)
            && let Some(first) = seen.insert(d, &image.name)
        {
            return Err(image_err(&image.name, format!("is the same image as {first}: one image per item")));
        }
    }
    let (preprocessing, head, class_map) = profile.to_report();
    let times: Vec<DateTime<Utc>> = selection.items.iter().map(|(_, i)| i.modified).collect();
    let mut lot = spec.lot.clone();
    lot.lot_size = selection.lot_size;
    let (first, last) = (times.iter().min().copied(), times.iter().max().copied());
    match (spec.window, first, last) {
        (None, Some(first), Some(last)) => (lot.started_at, lot.ended_at) = (first, last),
        (Some((from, to)), _, _) => {
            (lot.started_at, lot.ended_at) = (from, to);
            if let Some((_, image)) = selection.items.iter().find(|(_, i)| i.modified < from || i.modified > to) {
                return Err(image_err(
                    &image.name,
                    format!(
                        "acquired (modified) at {}, outside the lot's inspection window {from} – {to}",
                        image.modified
                    ),
                ));
            }
        }
        _ => {}
    }
    lot.images_sha256 =
        Some(lot::listing_sha256(images.iter().filter_map(|i| Some((i.name.as_str(), digests.get(&i.name)?)))));
    for ((_, image), j) in selection.items.iter().zip(&judged) {
        if digests.get(&image.name) != Some(&j.sha256) {
            return Err(image_err(&image.name, "changed while the lot was being read"));
        }
    }
    let items: Vec<Item> = selection
        .items
        .iter()
        .zip(judged)
        .map(|((position, image), j)| Item {
            position: *position,
            image: ImageRef { name: image.name.clone(), sha256: j.sha256 },
            acquired_at: image.modified,
            scores: j.scores,
            detections: j.detections,
            verdict: j.verdict,
            defect_classes: j.defect_classes,
            review: None,
        })
        .collect();
    let summary = summarise(&selection.inspection, &items);
    let report = InspectionReport {
        meta: spec.meta.clone(),
        client: spec.client.clone(),
        lot,
        inspection: selection.inspection.clone(),
        acquisition: spec.acquisition.clone(),
        model: ModelInfo {
            id: spec.model_id.clone(),
            version: spec.model_version.clone(),
            sha256: producer.model_sha256,
            runtime: producer.runtime.clone(),
            preprocessing,
            head,
            class_map,
        },
        items,
        summary,
        reproducibility: Reproducibility {
            environment: Environment {
                os: std::env::consts::OS.into(),
                arch: std::env::consts::ARCH.into(),
                lading_version: spec.lading_version.clone(),
            },
            tolerance: spec.tolerance,
            reproducible: None,
            origin: producer.origin.clone(),
        },
    };
    Ok(report)
}

/// Totals per defect class (after review) and the lot decision.
pub fn summarise(inspection: &Inspection, items: &[Item]) -> LotSummary {
    let limits: Vec<(&str, u64)> = match inspection {
        Inspection::Sampling(plan) => plan.classes.iter().map(|c| (c.class.as_str(), c.accept)).collect(),
        Inspection::Full { classes } => classes.iter().map(|c| (c.class.as_str(), c.max_nonconforming)).collect(),
    };
    let mut counts: BTreeMap<String, u64> = limits.iter().map(|(c, _)| ((*c).to_owned(), 0)).collect();
    for item in items {
        for class in item.effective_defect_classes() {
            *counts.entry(class.clone()).or_default() += 1;
        }
    }
    let accept = limits.iter().all(|(c, max)| counts.get(*c).copied().unwrap_or(0) <= *max);
    LotSummary {
        inspected: items.len() as u64,
        defects_by_class: counts,
        decision: if accept { LotDecision::Accept } else { LotDecision::Reject },
    }
}

/// Hashes every image of the lot (on `threads` threads): name → SHA-256.
pub fn digest_all(images: &[LotImage], threads: usize) -> Result<BTreeMap<String, Sha256Digest>, RunError> {
    let f = |image: &LotImage| {
        digest_file(&image.path).map(|d| (image.name.clone(), d)).map_err(|e| image_err(&image.name, e.message))
    };
    par_map(images, threads, &f, &|| {}).into_iter().collect()
}

fn digest_file(path: &Path) -> Result<Sha256Digest, lot::LotError> {
    use sha2::{Digest as _, Sha256};
    use std::io::Read as _;
    let mut file = std::fs::File::open(path)
        .map_err(|e| lot::LotError { path: path.to_path_buf(), message: format!("cannot open: {e}") })?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = file
            .read(&mut buf)
            .map_err(|e| lot::LotError { path: path.to_path_buf(), message: format!("cannot read: {e}") })?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(Sha256Digest::from_bytes(h.finalize().into()))
}
