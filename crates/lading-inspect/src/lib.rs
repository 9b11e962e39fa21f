//! # lading-inspect
//!
//! AI visual quality inspection, the part that needs an inference engine:
//! [`profile`] (what a model expects and how its outputs become verdicts,
//! from a TOML inspection profile), [`preprocess`] (decoding an image and
//! turning it into the model's input tensor: resize, channel order,
//! normalisation, layout), [`engine`] (the ONNX model run in pure Rust by
//! tract, its input shape checked against the profile) and [`heads`] (an
//! image classifier's softmax, an anomaly score against a threshold, and a
//! YOLOv8-style detector's `[1, 4 + classes, anchors]` output with a
//! confidence threshold and class-wise non-maximum suppression).
//!
//! Only this crate links the inference engine.

pub mod coco;
pub mod engine;
pub mod heads;
pub mod lot;
pub mod preprocess;
pub mod profile;
pub mod render;
pub mod reproduce;
pub mod run;

pub use engine::{Engine, EngineError};
pub use profile::{Profile, ProfileError};
