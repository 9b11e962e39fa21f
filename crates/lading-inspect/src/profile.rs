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
    /// Pixel values (0–255) are multiplied by this first.
    pub scale: f32,
    /// Then this is subtracted, per channel (one value for all, or one per channel).
    pub mean: Vec<f32>,
    /// Then divided by this, per channel.
    pub std: Vec<f32>,
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
        let p: Profile = toml::from_str(text).map_err(|e| {
            let field = e.span().map(|s| format!("bytes {}..{}", s.start, s.end)).unwrap_or_default();
            bad(&field, e.message().to_owned())
        })?;
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
        Ok(())
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
