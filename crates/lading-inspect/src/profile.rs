//! Inspection profiles: what the model expects and how its outputs become
//! verdicts. A TOML file:
//!
//! ```toml
//! [input]
//! width = 64
//! height = 64
//! channels = "gray"        # gray, rgb or bgr
//! layout = "nchw"          # nchw or nhwc
//! resize = "stretch"       # stretch or center-crop
//! filter = "triangle"      # nearest, triangle (default), catmull-rom, gaussian or lanczos3
//! scale = 0.00392156862745098   # 1/255
//! mean = [0.5]
//! std = [0.25]
//!
//! [head]
//! kind = "classifier"      # classifier, anomaly or detector
//! classes = ["ok", "scratch", "spot", "dent"]
//! ok_class = "ok"          # classifier: the class that passes
//! # anomaly: threshold = 0.5 ; detector: confidence = 0.25, iou = 0.45
//!
//! [defects]                # model class -> the report's defect class
//! scratch = "major"
//! spot = "major"
//! dent = "critical"
//! ```

use std::collections::BTreeMap;

use lading_model::inspection as report;
use serde::Deserialize;

/// Why a profile is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct ProfileError {
    /// The offending field, as `table.key`.
    pub field: String,
    /// What is wrong.
    pub message: String,
}

/// Where a TOML error is: `line N` (and the table it is in, when the line starts one).
pub(crate) fn toml_place(text: &str, e: &toml::de::Error) -> String {
    let Some(span) = e.span() else { return "the file".into() };
    let before = &text[..span.start.min(text.len())];
    debug_assert!(text.is_char_boundary(span.start.min(text.len())));
    let line = before.lines().count().max(1) + usize::from(before.ends_with('\n'));
    // The table the error is in: the header at or above its line.
    let upto = &text[..text[span.start.min(text.len())..].find('\n').map_or(text.len(), |n| span.start + n)];
    let table = upto.lines().rev().find_map(|l| l.trim().strip_prefix('[').and_then(|l| l.split(']').next()));
    match table {
        Some(t) => format!("line {line} ([{t}])"),
        None => format!("line {line}"),
    }
}

fn bad(field: &str, message: impl Into<String>) -> ProfileError {
    ProfileError { field: field.into(), message: message.into() }
}

/// Channel order of the model's input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Channels {
    /// One channel, luminance.
    Gray,
    /// Red, green, blue.
    Rgb,
    /// Blue, green, red.
    Bgr,
}

impl Channels {
    /// How many.
    pub fn count(self) -> usize {
        if self == Channels::Gray { 1 } else { 3 }
    }
}

/// Tensor layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Layout {
    /// Batch, channels, height, width.
    Nchw,
    /// Batch, height, width, channels.
    Nhwc,
}

/// How an image is brought to the input size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Resize {
    /// Scale both axes to the input size.
    Stretch,
    /// Scale the shorter side to fit, then cut the centre.
    CenterCrop,
}

/// `[input]`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Input {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Channel order.
    pub channels: Channels,
    /// Tensor layout.
    pub layout: Layout,
    /// Resizing.
    pub resize: Resize,
    /// The resize's resampling filter (`triangle` unless given).
    #[serde(default = "triangle")]
    pub filter: report::ResizeFilter,
    /// Pixel values (0–255) are multiplied by this first.
    pub scale: f32,
    /// Then this is subtracted, per channel (one value for all, or one per channel).
    pub mean: Vec<f32>,
    /// Then divided by this, per channel.
    pub std: Vec<f32>,
}

fn triangle() -> report::ResizeFilter {
    report::ResizeFilter::Triangle
}

/// What the model's output means.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase", deny_unknown_fields)]
pub enum Head {
    /// Softmax (or logits) over `classes`; an image passes when the top class is `ok_class`.
    Classifier {
        /// Class names in output order.
        classes: Vec<String>,
        /// The class that passes.
        ok_class: String,
    },
    /// One score; an image fails when it is at or above `threshold`.
    Anomaly {
        /// The decision threshold.
        threshold: f32,
        /// The class name of a failing image.
        #[serde(default = "anomaly_class")]
        class: String,
    },
    /// YOLOv8 layout `[1, 4 + classes, anchors]` (cx, cy, w, h in input pixels, then class scores).
    Detector {
        /// Class names in output order.
        classes: Vec<String>,
        /// Least class score kept.
        confidence: f32,
        /// Boxes of one class overlapping more than this are suppressed.
        iou: f32,
    },
}

fn anomaly_class() -> String {
    "anomaly".into()
}

/// An inspection profile.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// The input.
    pub input: Input,
    /// The output.
    pub head: Head,
    /// Model class → the report's defect class.
    #[serde(default)]
    pub defects: BTreeMap<String, String>,
}

impl Profile {
    /// Parses and checks a profile; errors name the field.
    pub fn parse(text: &str) -> Result<Self, ProfileError> {
        let p: Profile = toml::from_str(text).map_err(|e| bad(&toml_place(text, &e), e.message().to_owned()))?;
        p.check()?;
        Ok(p)
    }

    fn check(&self) -> Result<(), ProfileError> {
        let i = &self.input;
        if i.width == 0 || i.height == 0 || i.width > 4096 || i.height > 4096 {
            return Err(bad("input.width", "width and height must be 1 to 4096 pixels"));
        }
        if !(i.scale.is_finite() && i.scale > 0.0) {
            return Err(bad("input.scale", "must be a positive number"));
        }
        for (name, v) in [("input.mean", &i.mean), ("input.std", &i.std)] {
            if v.len() != 1 && v.len() != i.channels.count() {
                return Err(bad(name, format!("needs 1 or {} values, has {}", i.channels.count(), v.len())));
            }
            if v.iter().any(|x| !x.is_finite()) {
                return Err(bad(name, "values must be finite"));
            }
        }
        if i.std.contains(&0.0) {
            return Err(bad("input.std", "values must not be 0"));
        }
        let classes = match &self.head {
            Head::Classifier { classes, ok_class } => {
                if !classes.contains(ok_class) {
                    return Err(bad("head.ok_class", format!("{ok_class:?} is not one of head.classes")));
                }
                classes.clone()
            }
            Head::Anomaly { threshold, class } => {
                if !threshold.is_finite() {
                    return Err(bad("head.threshold", "must be a number"));
                }
                vec![class.clone()]
            }
            Head::Detector { classes, confidence, iou } => {
                if !(0.0..=1.0).contains(confidence) {
                    return Err(bad("head.confidence", "must be between 0 and 1"));
                }
                if !(0.0..=1.0).contains(iou) {
                    return Err(bad("head.iou", "must be between 0 and 1"));
                }
                classes.clone()
            }
        };
        if classes.is_empty() {
            return Err(bad("head.classes", "names no class"));
        }
        for (i, c) in classes.iter().enumerate() {
            if classes[..i].contains(c) {
                return Err(bad("head.classes", format!("{c:?} is listed twice")));
            }
        }
        for k in self.defects.keys() {
            if !classes.contains(k) {
                return Err(bad(&format!("defects.{k}"), "is not one of the head's classes"));
            }
        }
        for (k, v) in &self.defects {
            let ok = v.len() <= 64
                && v.starts_with(|c: char| c.is_ascii_lowercase())
                && v.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
            if !ok {
                return Err(bad(
                    &format!("defects.{k}"),
                    format!("{v:?} is not a defect class name (a-z, 0-9, _ or -)"),
                ));
            }
        }
        let ok_class = match &self.head {
            Head::Classifier { ok_class, .. } => Some(ok_class),
            _ => None,
        };
        if let Some(ok) = ok_class
            && self.defects.contains_key(ok)
        {
            return Err(bad(&format!("defects.{ok}"), "is the class that passes (head.ok_class)"));
        }
        for c in &classes {
            if Some(c) != ok_class && !self.defects.contains_key(c) {
                return Err(bad(
                    &format!("defects.{c}"),
                    "is missing: every class that fails an item counts toward a defect class",
                ));
            }
        }
        Ok(())
    }

    /// The classes of the head, in output order.
    pub fn classes(&self) -> Vec<String> {
        match &self.head {
            Head::Classifier { classes, .. } | Head::Detector { classes, .. } => classes.clone(),
            Head::Anomaly { class, .. } => vec![class.clone()],
        }
    }

    /// The defect classes the profile's model classes count toward, sorted, without repeats.
    pub fn defect_classes(&self) -> Vec<String> {
        let set: std::collections::BTreeSet<&String> = self.defects.values().collect();
        set.into_iter().cloned().collect()
    }

    /// The report's record of this profile: preprocessing, head and class map.
    pub fn to_report(&self) -> (report::Preprocessing, report::ModelHead, Vec<report::ClassMapEntry>) {
        let i = &self.input;
        let pre = report::Preprocessing {
            width: i.width,
            height: i.height,
            channels: match i.channels {
                Channels::Gray => report::Channels::Gray,
                Channels::Rgb => report::Channels::Rgb,
                Channels::Bgr => report::Channels::Bgr,
            },
            layout: match i.layout {
                Layout::Nchw => report::Layout::Nchw,
                Layout::Nhwc => report::Layout::Nhwc,
            },
            resize: match i.resize {
                Resize::Stretch => report::ResizeMode::Stretch,
                Resize::CenterCrop => report::ResizeMode::CenterCrop,
            },
            scale: f64::from(i.scale),
            mean: i.mean.iter().map(|v| f64::from(*v)).collect(),
            std: i.std.iter().map(|v| f64::from(*v)).collect(),
            resize_filter: Some(i.filter),
            decoder: Some(crate::preprocess::decoder()),
        };
        let head = match &self.head {
            Head::Classifier { ok_class, .. } => report::ModelHead::Classifier { ok_class: ok_class.clone() },
            Head::Anomaly { threshold, class } => {
                report::ModelHead::AnomalyScore { threshold: f64::from(*threshold), class: class.clone() }
            }
            Head::Detector { confidence, iou, .. } => report::ModelHead::Detector {
                confidence_threshold: f64::from(*confidence),
                iou_threshold: f64::from(*iou),
            },
        };
        let map = self
            .classes()
            .into_iter()
            .enumerate()
            .map(|(index, name)| report::ClassMapEntry {
                index: u32::try_from(index).unwrap_or(u32::MAX),
                defect_class: self.defects.get(&name).cloned(),
                name,
            })
            .collect();
        (pre, head, map)
    }

    /// The profile a report was produced with, rebuilt from what it records
    /// (for re-running it). Errors name the report's field.
    pub fn from_report(model: &report::ModelInfo) -> Result<Self, ProfileError> {
        let p = &model.preprocessing;
        // Values recorded from f32 convert back exactly.
        let f = |v: f64| v as f32;
        let input = Input {
            width: p.width,
            height: p.height,
            channels: match p.channels {
                report::Channels::Gray => Channels::Gray,
                report::Channels::Rgb => Channels::Rgb,
                report::Channels::Bgr => Channels::Bgr,
            },
            layout: match p.layout {
                report::Layout::Nchw => Layout::Nchw,
                report::Layout::Nhwc => Layout::Nhwc,
            },
            resize: match p.resize {
                report::ResizeMode::Stretch => Resize::Stretch,
                report::ResizeMode::CenterCrop => Resize::CenterCrop,
            },
            scale: f(p.scale),
            mean: p.mean.iter().copied().map(f).collect(),
            std: p.std.iter().copied().map(f).collect(),
            filter: p.resize_filter.unwrap_or(report::ResizeFilter::Triangle),
        };
        let mut map: Vec<&report::ClassMapEntry> = model.class_map.iter().collect();
        map.sort_by_key(|c| c.index);
        for (i, c) in map.iter().enumerate() {
            if c.index as usize != i {
                return Err(bad("/model/class_map", "output indices must run 0, 1, 2, … without gaps"));
            }
        }
        let classes: Vec<String> = map.iter().map(|c| c.name.clone()).collect();
        let defects = map.iter().filter_map(|c| Some((c.name.clone(), c.defect_class.clone()?))).collect();
        let head = match &model.head {
            report::ModelHead::Classifier { ok_class } => Head::Classifier { classes, ok_class: ok_class.clone() },
            report::ModelHead::AnomalyScore { threshold, class } => {
                Head::Anomaly { threshold: f(*threshold), class: class.clone() }
            }
            report::ModelHead::Detector { confidence_threshold, iou_threshold } => {
                Head::Detector { classes, confidence: f(*confidence_threshold), iou: f(*iou_threshold) }
            }
        };
        let profile = Profile { input, head, defects };
        profile.check().map_err(|e| bad(&format!("/model ({})", e.field), e.message))?;
        Ok(profile)
    }

    /// Where this profile and `other` differ, field by field (`head.threshold`, …).
    pub fn differences(&self, other: &Profile) -> Vec<String> {
        let mut out = Vec::new();
        let (a, b) = (&self.input, &other.input);
        let mut field = |name: &str, x: String, y: String| {
            if x != y {
                out.push(format!("{name}: {x} ≠ {y}"));
            }
        };
        field("input.width", a.width.to_string(), b.width.to_string());
        field("input.height", a.height.to_string(), b.height.to_string());
        field("input.channels", format!("{:?}", a.channels), format!("{:?}", b.channels));
        field("input.layout", format!("{:?}", a.layout), format!("{:?}", b.layout));
        field("input.resize", format!("{:?}", a.resize), format!("{:?}", b.resize));
        field("input.filter", format!("{:?}", a.filter), format!("{:?}", b.filter));
        field("input.scale", a.scale.to_string(), b.scale.to_string());
        field("input.mean", format!("{:?}", a.mean), format!("{:?}", b.mean));
        field("input.std", format!("{:?}", a.std), format!("{:?}", b.std));
        field("head", format!("{:?}", self.head), format!("{:?}", other.head));
        field("defects", format!("{:?}", self.defects), format!("{:?}", other.defects));
        out
    }

    /// The input tensor's shape.
    pub fn input_shape(&self) -> [usize; 4] {
        let (w, h, c) = (self.input.width as usize, self.input.height as usize, self.input.channels.count());
        match self.input.layout {
            Layout::Nchw => [1, c, h, w],
            Layout::Nhwc => [1, h, w, c],
        }
    }
}
