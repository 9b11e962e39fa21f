//! Consistency checks a JSON Schema cannot express.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use crate::Sha256Digest;
use crate::inspection::{Inspection, InspectionReport, LotDecision, SamplingPlan, Verdict};
use crate::maintenance::{MaintenanceEvent, MaintenanceSegment};
use crate::release::{Artefact, SaasRelease};
use crate::{Kind, Pointer};

/// One thing wrong with a document, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// JSON pointer of the offending value.
    pub pointer: Pointer,
    /// What is wrong, for a person.
    pub message: String,
}

impl Problem {
    /// A problem at `pointer`.
    pub fn new(pointer: Pointer, message: impl Into<String>) -> Self {
        Self { pointer, message: message.into() }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.pointer, self.message)
    }
}

struct Problems(Vec<Problem>);

impl Problems {
    fn at(&mut self, pointer: &str, message: impl Into<String>) {
        self.0.push(Problem::new(Pointer::from(pointer), message));
    }
}

fn meta_kind(p: &mut Problems, found: Kind, expected: Kind) {
    if found != expected {
        p.at("/meta/kind", format!("is {found} but the document is a {expected}"));
    }
}

pub(crate) fn inspection_report(r: &InspectionReport) -> Vec<Problem> {
    let mut p = Problems(Vec::new());
    meta_kind(&mut p, r.meta.kind, Kind::InspectionReport);
    if r.lot.ended_at < r.lot.started_at {
        p.at("/lot/ended_at", "is before /lot/started_at");
    }
    let classes: BTreeSet<&str> = match &r.inspection {
        Inspection::Sampling(plan) => {
            if plan.sample_size > r.lot.lot_size {
                p.at(
                    "/inspection/sample_size",
                    format!("{} exceeds the lot size {}", plan.sample_size, r.lot.lot_size),
                );
            }
            let n = r.items.len() as u64;
            if n != plan.sample_size.min(r.lot.lot_size) {
                p.at("/items", format!("holds {n} items but the plan's sample size is {}", plan.sample_size));
            }
            for (i, c) in plan.classes.iter().enumerate() {
                if c.accept >= c.reject {
                    p.at(
                        &format!("/inspection/classes/{i}/reject"),
                        format!("Re {} must exceed Ac {}", c.reject, c.accept),
                    );
                }
            }
            recompute_plan(&mut p, r.lot.lot_size, plan);
            plan.classes.iter().map(|c| c.class.as_str()).collect()
        }
        Inspection::Full { classes } => {
            if r.items.len() as u64 != r.lot.lot_size {
                p.at(
                    "/items",
                    format!("100 % inspection of a lot of {} holds {} items", r.lot.lot_size, r.items.len()),
                );
            }
            classes.iter().map(|c| c.class.as_str()).collect()
        }
    };
    check_positions(&mut p, r);
    check_model(&mut p, r);
    let mut seen_images: BTreeMap<&Sha256Digest, usize> = BTreeMap::new();
    for (i, item) in r.items.iter().enumerate() {
        if let Some(first) = seen_images.insert(&item.image.sha256, i) {
            p.at(
                &format!("/items/{i}/image/sha256"),
                format!("is the same image as /items/{first} ({}): one image per item", r.items[first].image.name),
            );
        }
    }
    let mut seen_indices = BTreeSet::new();
    for (i, c) in r.model.class_map.iter().enumerate() {
        if !seen_indices.insert(c.index) {
            p.at(&format!("/model/class_map/{i}/index"), format!("output index {} is mapped twice", c.index));
        }
        if let Some(dc) = &c.defect_class
            && !classes.contains(dc.as_str())
        {
            p.at(
                &format!("/model/class_map/{i}/defect_class"),
                format!("{dc:?} is not a defect class of the inspection plan"),
            );
        }
    }
    let mut counted: BTreeMap<&str, u64> = classes.iter().map(|c| (*c, 0)).collect();
    for (i, item) in r.items.iter().enumerate() {
        if item.acquired_at < r.lot.started_at || item.acquired_at > r.lot.ended_at {
            p.at(&format!("/items/{i}/acquired_at"), "lies outside the lot's inspection window");
        }
        let found_defects = !item.defect_classes.is_empty();
        if found_defects != (item.verdict == Verdict::Fail) {
            p.at(&format!("/items/{i}/verdict"), "must be `fail` exactly when defect_classes is not empty");
        }
        if let Some(review) = &item.review {
            if review.defect_classes.is_empty() != (review.verdict == Verdict::Pass) {
                p.at(
                    &format!("/items/{i}/review/verdict"),
                    "must be `fail` exactly when the review's defect_classes is not empty",
                );
            }
            if review.at < item.acquired_at {
                p.at(&format!("/items/{i}/review/at"), "is before the image was acquired");
            }
        }
        for d in &item.detections {
            if !r.model.class_map.iter().any(|c| c.index == d.category_id) {
                p.at(
                    &format!("/items/{i}/detections"),
                    format!("category_id {} is not in the class map", d.category_id),
                );
            }
        }
        let effective: BTreeSet<&str> = item.effective_defect_classes().iter().map(String::as_str).collect();
        for class in effective {
            match counted.get_mut(class) {
                Some(count) => *count += 1,
                None => p.at(
                    &format!("/items/{i}"),
                    format!("defect class {class:?} is not a defect class of the inspection plan"),
                ),
            }
        }
    }
    if r.summary.inspected != r.items.len() as u64 {
        p.at("/summary/inspected", format!("is {} but the report holds {} items", r.summary.inspected, r.items.len()));
    }
    let summary: BTreeMap<&str, u64> = r.summary.defects_by_class.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    if summary != counted {
        p.at("/summary/defects_by_class", format!("disagrees with the item verdicts, which give {counted:?}"));
    }
    let accept = match &r.inspection {
        Inspection::Sampling(plan) => {
            plan.classes.iter().all(|c| counted.get(c.class.as_str()).copied().unwrap_or(0) <= c.accept)
        }
        Inspection::Full { classes } => {
            classes.iter().all(|c| counted.get(c.class.as_str()).copied().unwrap_or(0) <= c.max_nonconforming)
        }
    };
    let expected = if accept { LotDecision::Accept } else { LotDecision::Reject };
    if r.summary.decision != expected {
        p.at("/summary/decision", format!("is {:?} but the defect counts give {expected:?}", r.summary.decision));
    }
    p.0
}

/// Item positions: distinct, inside the lot, and for sampling exactly the
/// positions the recorded seed draws.
fn check_positions(p: &mut Problems, r: &InspectionReport) {
    let mut seen = BTreeSet::new();
    for (i, item) in r.items.iter().enumerate() {
        if item.position >= r.lot.lot_size {
            p.at(
                &format!("/items/{i}/position"),
                format!("{} lies outside a lot of {}", item.position, r.lot.lot_size),
            );
        }
        if !seen.insert(item.position) {
            p.at(&format!("/items/{i}/position"), format!("position {} is inspected twice", item.position));
        }
    }
    if let Inspection::Sampling(plan) = &r.inspection
        && let Ok(seed) = hex::decode(&plan.sample_seed)
        && plan.sample_size <= r.lot.lot_size
        && r.lot.lot_size <= 1 << 40
    {
        let drawn: BTreeSet<u64> =
            crate::sampling::select(r.lot.lot_size, plan.sample_size, &seed).into_iter().collect();
        if drawn != seen {
            let missing: Vec<u64> = drawn.difference(&seen).copied().take(5).collect();
            let extra: Vec<u64> = seen.difference(&drawn).copied().take(5).collect();
            p.at(
                "/items",
                format!(
                    "the items' positions are not the sample the seed draws (not drawn: {extra:?}; drawn but missing: {missing:?})"
                ),
            );
        }
    }
}

/// The model section: preprocessing values usable, head classes in the class map.
fn check_model(p: &mut Problems, r: &InspectionReport) {
    use crate::inspection::{Channels, ModelHead};
    let pre = &r.model.preprocessing;
    let channels = if pre.channels == Channels::Gray { 1 } else { 3 };
    if !(pre.scale.is_finite() && pre.scale > 0.0) {
        p.at("/model/preprocessing/scale", "must be a positive number");
    }
    for (name, v) in [("mean", &pre.mean), ("std", &pre.std)] {
        if v.len() != 1 && v.len() != channels {
            p.at(&format!("/model/preprocessing/{name}"), format!("needs 1 or {channels} values, has {}", v.len()));
        }
        if v.iter().any(|x| !x.is_finite()) {
            p.at(&format!("/model/preprocessing/{name}"), "values must be finite");
        }
    }
    if pre.std.contains(&0.0) {
        p.at("/model/preprocessing/std", "values must not be 0");
    }
    let named = |n: &str| r.model.class_map.iter().find(|c| c.name == n);
    match &r.model.head {
        ModelHead::Classifier { ok_class } => match named(ok_class) {
            None => p.at("/model/head/ok_class", format!("{ok_class:?} is not in the class map")),
            Some(c) if c.defect_class.is_some() => {
                p.at("/model/head/ok_class", format!("{ok_class:?} passes, so it cannot count toward a defect class"));
            }
            Some(_) => {}
        },
        ModelHead::AnomalyScore { threshold, class } => {
            if !threshold.is_finite() {
                p.at("/model/head/threshold", "must be a number");
            }
            if named(class).is_none() {
                p.at("/model/head/class", format!("{class:?} is not in the class map"));
            }
        }
        ModelHead::Detector { .. } => {}
    }
}

/// Recomputes the plan from the lot size, level, severity and each class's
/// AQL (ISO 2859-1 Table 1 and the single-sampling master tables, arrows
/// followed) and names every number of the report that disagrees.
fn recompute_plan(p: &mut Problems, lot_size: u64, plan: &SamplingPlan) {
    use crate::sampling;
    let level = plan.inspection_level;
    match sampling::code_letter(lot_size, level) {
        Err(e) => {
            p.at("/lot/lot_size", e.to_string());
            return;
        }
        Ok(letter) if plan.code_letter != letter.to_string() => p.at(
            "/inspection/code_letter",
            format!(
                "is {} but Table 1 gives {letter} for a lot of {lot_size} at level {}",
                plan.code_letter,
                serde_json::to_value(level).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
            ),
        ),
        Ok(_) => {}
    }
    for (i, c) in plan.classes.iter().enumerate() {
        match sampling::plan(lot_size, level, plan.severity, c.aql) {
            Err(e) => p.at(&format!("/inspection/classes/{i}/aql"), e.to_string()),
            Ok(x) => {
                if (c.accept, c.reject) != (x.accept, x.reject) {
                    p.at(
                        &format!("/inspection/classes/{i}"),
                        format!(
                            "Ac {}, Re {} but the {} plan for AQL {} is Ac {}, Re {}",
                            c.accept,
                            c.reject,
                            serde_json::to_value(plan.severity)
                                .ok()
                                .and_then(|v| v.as_str().map(str::to_owned))
                                .unwrap_or_default(),
                            c.aql,
                            x.accept,
                            x.reject
                        ),
                    );
                }
                if x.sample_size != plan.sample_size {
                    p.at(
                        "/inspection/sample_size",
                        format!(
                            "is {} but class {:?} (AQL {}) needs {}{}; classes whose plans differ in size are sampled separately",
                            plan.sample_size,
                            c.class,
                            c.aql,
                            x.sample_size,
                            if x.whole_lot { " (the whole lot)" } else { "" }
                        ),
                    );
                }
            }
        }
    }
}

pub(crate) fn maintenance_event(e: &MaintenanceEvent) -> Vec<Problem> {
    let mut p = Problems(Vec::new());
    meta_kind(&mut p, e.meta.kind, Kind::MaintenanceEvent);
    for (key, value) in &e.attributes {
        inexact_numbers(&mut p, &Pointer::from("/attributes").key(key), value);
    }
    if !e.value_types.is_empty() {
        let attributes = serde_json::Value::Object(e.attributes.clone().into_iter().collect());
        for (pointer, ty) in &e.value_types {
            let at = Pointer::from("/value_types").key(pointer);
            let found = pointer
                .strip_prefix("/attributes")
                .filter(|rest| rest.starts_with('/'))
                .map(|rest| attributes.pointer(rest));
            match found {
                None => p.0.push(Problem::new(at, "must point under /attributes")),
                Some(None) => p.0.push(Problem::new(at, format!("{pointer} is not in the event"))),
                Some(Some(serde_json::Value::String(text))) if ty.accepts(text) => {}
                Some(Some(other)) => p.0.push(Problem::new(
                    at,
                    format!(
                        "{pointer} is {other}, which is not a {} as a string",
                        serde_json::to_value(ty).unwrap_or_default()
                    ),
                )),
            }
        }
    }
    p.0
}

/// RFC 8785 writes every number as a double: an integer a double does not
/// hold would be signed altered, so it must be a string typed in
/// `value_types`. (Values parsed with `json::parse_strict` never get here.)
fn inexact_numbers(p: &mut Problems, at: &Pointer, value: &serde_json::Value) {
    match value {
        serde_json::Value::Number(n) => {
            let magnitude = n.as_i64().map(i64::unsigned_abs).or_else(|| n.as_u64());
            if let Some(m) = magnitude.filter(|&m| m > crate::json::MAX_EXACT_INTEGER) {
                #[allow(clippy::cast_precision_loss)]
                let canonical = ryu_js::Buffer::new().format_finite(m as f64) == m.to_string();
                if !canonical {
                    p.0.push(Problem::new(
                        at.clone(),
                        format!("{n} is beyond what a JSON number (a double) holds exactly: keep it as a string typed int64 in /value_types"),
                    ));
                }
            }
        }
        serde_json::Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                inexact_numbers(p, &at.index(i), item);
            }
        }
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                inexact_numbers(p, &at.key(k), v);
            }
        }
        _ => {}
    }
}

pub(crate) fn maintenance_segment(s: &MaintenanceSegment) -> Vec<Problem> {
    let mut p = Problems(Vec::new());
    meta_kind(&mut p, s.meta.kind, Kind::MaintenanceSegment);
    if s.last_sequence < s.first_sequence {
        p.at("/last_sequence", format!("{} is before first_sequence {}", s.last_sequence, s.first_sequence));
    } else if s.event_count != s.last_sequence - s.first_sequence + 1 {
        p.at(
            "/event_count",
            format!(
                "is {} but sequences {}..={} hold {}",
                s.event_count,
                s.first_sequence,
                s.last_sequence,
                s.last_sequence - s.first_sequence + 1
            ),
        );
    }
    if s.time_range.to < s.time_range.from {
        p.at("/time_range/to", "is before /time_range/from");
    }
    if s.retention_until < s.time_range.to {
        p.at("/retention_until", "is before the last event of the segment");
    }
    if s.checkpoint.tree_size <= s.last_sequence {
        p.at(
            "/checkpoint/tree_size",
            format!("{} does not cover last_sequence {}", s.checkpoint.tree_size, s.last_sequence),
        );
    }
    p.0
}

/// Why `path` is not a normalised relative path, or `None` when it is.
///
/// Normalised: `/`-separated, not empty, no leading or trailing `/`, no empty,
/// `.` or `..` component, no backslash, no control character.
pub fn relative_path_problem(path: &str) -> Option<&'static str> {
    if path.is_empty() {
        Some("is empty")
    } else if path.starts_with('/') {
        Some("is absolute")
    } else if path.ends_with('/') {
        Some("ends with `/`")
    } else if path.contains('\\') {
        Some("contains a backslash; use `/`")
    } else if path.chars().any(char::is_control) {
        Some("contains a control character")
    } else if path.split('/').any(|c| c.is_empty() || c == "." || c == "..") {
        Some("has an empty, `.` or `..` component")
    } else {
        None
    }
}

pub(crate) fn saas_release(r: &SaasRelease) -> Vec<Problem> {
    let mut p = Problems(Vec::new());
    meta_kind(&mut p, r.meta.kind, Kind::SaasRelease);
    let version = semver::Version::parse(&r.version);
    if let Err(e) = &version {
        p.at("/version", format!("is not a semantic version: {e}"));
    }
    if let Some(prev) = &r.previous {
        match (semver::Version::parse(&prev.version), &version) {
            (Err(e), _) => p.at("/previous/version", format!("is not a semantic version: {e}")),
            (Ok(prev_v), Ok(v)) if prev_v >= *v => {
                p.at("/previous/version", format!("{prev_v} is not older than this release {v}"));
            }
            _ => {}
        }
    }
    let mut files: BTreeMap<&str, &crate::Sha256Digest> = BTreeMap::new();
    let mut dirs: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, a) in r.artefacts.iter().enumerate() {
        match a {
            Artefact::File { path, sha256, .. } => {
                if let Some(why) = relative_path_problem(path) {
                    p.at(&format!("/artefacts/{i}/path"), format!("{path:?} {why}"));
                }
                if files.insert(path.as_str(), sha256).is_some() || dirs.contains_key(path.as_str()) {
                    p.at(&format!("/artefacts/{i}/path"), format!("{path:?} is listed twice"));
                }
            }
            Artefact::Directory { path, .. } => {
                if let Some(why) = relative_path_problem(path) {
                    p.at(&format!("/artefacts/{i}/path"), format!("{path:?} {why}"));
                }
                if dirs.insert(path.as_str(), i).is_some() || files.contains_key(path.as_str()) {
                    p.at(&format!("/artefacts/{i}/path"), format!("{path:?} is listed twice"));
                }
            }
            Artefact::OciImage { .. } => {}
        }
    }
    // A file cannot sit where a released path is a directory's ancestor: a
    // file's parent must not be a file.
    for (i, a) in r.artefacts.iter().enumerate() {
        let (Artefact::File { path, .. } | Artefact::Directory { path, .. }) = a else { continue };
        let mut parent = path.as_str();
        while let Some((up, _)) = parent.rsplit_once('/') {
            if files.contains_key(up) {
                p.at(&format!("/artefacts/{i}/path"), format!("{path:?} is inside {up:?}, which is listed as a file"));
                break;
            }
            parent = up;
        }
    }
    for (i, s) in r.sboms.iter().enumerate() {
        match files.get(s.path.as_str()) {
            None => p.at(&format!("/sboms/{i}/path"), format!("{:?} is not among the file artefacts", s.path)),
            Some(d) if **d != s.sha256 => p.at(&format!("/sboms/{i}/sha256"), "differs from the artefact's digest"),
            Some(_) => {}
        }
    }
    p.0
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::{Kind, example, validate_value};

    /// Issue 23: an int64 attribute beyond ±(2^53 − 1) put into an event by
    /// code (not parsed, so `parse_strict` never saw it) would be signed as
    /// the nearest double. It is refused where it is.
    #[test]
    fn an_integer_a_double_cannot_hold_is_refused_in_attributes() {
        let mut event = example(Kind::MaintenanceEvent, uuid::Uuid::nil(), chrono::Utc::now());
        event["attributes"]["n"] = json!([9_007_199_254_740_993_u64]);
        event["attributes"]["ok"] = json!([9_007_199_254_740_992_u64, i64::from(i32::MIN)]);
        let problems = validate_value(&event).expect_err("refused");
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].pointer.as_str(), "/attributes/n/0");
        assert!(problems[0].message.contains("int64 in /value_types"), "{}", problems[0]);
    }
}
