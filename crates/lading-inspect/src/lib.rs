//! # lading-inspect
//!
//! AI visual quality inspection reports, built and re-run:
//! [`profile`] (what a model expects and how its outputs become verdicts,
//! from a TOML inspection profile), [`preprocess`] (decoding an image and
//! turning it into the model's input tensor: resize, channel order,
//! normalisation, layout), [`engine`] (the ONNX model run in pure Rust by
//! tract, its input shape checked against the profile), [`heads`] (an
//! image classifier's softmax, an anomaly score against a threshold, and a
//! YOLOv8-style detector's `[1, 4 + classes, anchors]` output with a
//! confidence threshold and class-wise non-maximum suppression), [`lot`]
//! (the lot's image folder and description), [`run`] (a lot into a report),
//! [`reproduce`] (a report re-run), [`coco`] (imported results) and
//! [`render`] (the report as HTML).
//!
//! Only this crate links the inference engine, behind the default
//! `inference` feature: without it (the fuzz targets) the parsers, the
//! decoder, the heads, COCO import and rendering build with no tract.

pub mod coco;
#[cfg(feature = "inference")]
pub mod conv;
#[cfg(feature = "inference")]
pub mod engine;
pub mod heads;
pub mod judged;
pub mod lot;
#[cfg(feature = "inference")]
pub mod pool;
pub mod preprocess;
pub mod profile;
pub mod render;
#[cfg(feature = "inference")]
pub mod reproduce;
#[cfg(feature = "inference")]
pub mod run;

#[cfg(feature = "inference")]
pub use engine::{Engine, EngineError, Rewrites};
pub use profile::{Profile, ProfileError};
