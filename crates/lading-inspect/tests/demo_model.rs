//! The demo model under tract against onnxruntime's outputs for the same
//! images (recorded by models/surface/make_samples.py), and the profile's
//! input shape checked against the model's.

use std::path::{Path, PathBuf};

use lading_inspect::{Engine, EngineError, Profile, Rewrites, heads, preprocess};

fn model_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models/surface")
}

fn profile() -> Profile {
    Profile::parse(&std::fs::read_to_string(model_dir().join("profile.toml")).expect("profile")).expect("valid profile")
}

#[test]
fn tract_agrees_with_onnxruntime_on_every_sample() {
    let profile = profile();
    let model = std::fs::read(model_dir().join("surface-classifier.onnx")).expect("model");
    let engine = Engine::load(&model, &profile).expect("loads");
    let expected: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(model_dir().join("samples/expected.json")).expect("expected"))
            .expect("json");
    let images = expected["images"].as_object().expect("images");
    assert_eq!(images.len(), 12);
    let mut worst = 0f32;
    for (name, want) in images {
        let bytes = std::fs::read(model_dir().join("samples").join(name)).expect("image");
        let image = preprocess::decode(&bytes).expect("decodes");
        let outputs = engine.run(preprocess::tensor(&image, &profile)).expect("runs");
        let (shape, probs) = &outputs[0];
        assert_eq!(shape, &[1, 4]);
        let want: Vec<f32> =
            want["probabilities"].as_array().expect("probs").iter().map(|v| v.as_f64().expect("f") as f32).collect();
        for (a, b) in probs.iter().zip(&want) {
            worst = worst.max((a - b).abs());
        }
        // The same decision as onnxruntime, always.
        assert_eq!(heads::top_class(probs).map(|t| t.0), heads::top_class(&want).map(|t| t.0), "{name}");
    }
    assert!(worst < 1e-5, "tract and onnxruntime differ by {worst}");
}

#[test]
fn a_profile_that_does_not_fit_the_model_is_refused_naming_it() {
    let model = std::fs::read(model_dir().join("surface-classifier.onnx")).expect("model");
    let text =
        std::fs::read_to_string(model_dir().join("profile.toml")).expect("profile").replace("width = 64", "width = 32");
    let err = Engine::load(&model, &Profile::parse(&text).expect("valid")).expect_err("wrong shape");
    assert!(matches!(err, EngineError::InputShape { .. }), "{err}");
    assert!(err.to_string().contains("input.width"), "{err}");
    let text =
        std::fs::read_to_string(model_dir().join("profile.toml")).expect("profile").replace("\"gray\"", "\"rgb\"");
    let text =
        text.replace("mean = [0.5]", "mean = [0.5, 0.5, 0.5]").replace("std = [0.25]", "std = [0.25, 0.25, 0.25]");
    assert!(matches!(
        Engine::load(&model, &Profile::parse(&text).expect("valid")),
        Err(EngineError::InputShape { .. })
    ));
    assert!(matches!(Engine::load(b"not onnx", &profile()), Err(EngineError::Load(_))));
}

#[test]
fn bad_profiles_and_images_name_the_problem() {
    let base = std::fs::read_to_string(model_dir().join("profile.toml")).expect("profile");
    for (from, to, field) in [
        ("ok_class = \"ok\"", "ok_class = \"good\"", "head.ok_class"),
        ("std = [0.25]", "std = [0.0]", "input.std"),
        ("mean = [0.5]", "mean = [0.5, 0.5]", "input.mean"),
        ("dent = \"critical\"", "dent = \"critical\"\nrust = \"minor\"", "defects.rust"),
        ("width = 64", "width = 0", "input.width"),
    ] {
        let err = Profile::parse(&base.replace(from, to)).expect_err(field).to_string();
        assert!(err.starts_with(field), "{field}: {err}");
    }
    assert!(Profile::parse(&base.replace("[head]", "[head]\ncolour = 1")).is_err());
    assert!(preprocess::decode(b"GIF89a....").is_err());
    let err =
        preprocess::decode(&[0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]).expect_err("truncated").to_string();
    assert!(err.contains("decode") || err.contains("read"), "{err}");
}

#[test]
fn the_recorded_tract_version_is_the_one_in_cargo_lock() {
    let lock = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../Cargo.lock")).expect("lock");
    let at = lock.find("name = \"tract-onnx\"\nversion = \"").expect("tract-onnx in Cargo.lock");
    let version = lock[at..].split('"').nth(3).expect("version");
    assert_eq!(lading_inspect::engine::TRACT_VERSION, version);
}

/// The demo detector (models/detector) under tract against onnxruntime's
/// recorded raw output and decoded detections for the same images.
#[test]
fn the_demo_detector_agrees_with_onnxruntime_box_for_box() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models/detector");
    let profile =
        Profile::parse(&std::fs::read_to_string(dir.join("profile.toml")).expect("profile")).expect("valid profile");
    let lading_inspect::profile::Head::Detector { confidence, iou, classes } = &profile.head else {
        panic!("the detector's profile has a detector head")
    };
    let engine =
        Engine::load(&std::fs::read(dir.join("surface-detector.onnx")).expect("model"), &profile).expect("loads");
    let expected: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("samples/expected.json")).expect("expected"))
            .expect("json");
    let images = expected["images"].as_object().expect("images");
    assert_eq!(images.len(), 12);
    let mut found = 0;
    for (name, want) in images {
        let bytes = std::fs::read(dir.join("samples").join(name)).expect("image");
        let image = preprocess::decode(&bytes).expect("decodes");
        let outputs = engine.run(preprocess::tensor(&image, &profile)).expect("runs");
        let (shape, raw) = &outputs[0];
        assert_eq!(shape, &[1, 7, 64]);
        let want_raw: Vec<f32> =
            want["output0"].as_array().expect("output0").iter().map(|v| v.as_f64().expect("f") as f32).collect();
        for (a, b) in raw.iter().zip(&want_raw) {
            // Boxes are in pixels (up to 64), scores in [0, 1]: relative to the value's size.
            assert!((a - b).abs() <= 1e-5 * b.abs().max(1.0), "{name}: {a} vs {b}");
        }
        let got = heads::detect(shape, raw, classes.len(), *confidence, *iou).expect("decodes");
        let want_d = want["detections"].as_array().expect("detections");
        assert_eq!(got.len(), want_d.len(), "{name}");
        for (g, w) in got.iter().zip(want_d) {
            assert_eq!(classes[g.class], w["class"].as_str().expect("class"), "{name}");
            assert!((f64::from(g.score) - w["score"].as_f64().expect("score")).abs() < 1e-5, "{name}");
            for (a, b) in g.bbox.iter().zip(w["box"].as_array().expect("box")) {
                assert!((f64::from(*a) - b.as_f64().expect("coordinate")).abs() < 1e-3, "{name}");
            }
        }
        found += got.len();
    }
    assert!(found >= 15, "the samples hold many defects; found {found}");
}

/// A demo model with its profile and its sample images' input tensors.
struct DemoModel {
    model: &'static str,
    bytes: Vec<u8>,
    profile: Profile,
    inputs: Vec<(PathBuf, Vec<f32>)>,
}

fn demo_inputs() -> Vec<DemoModel> {
    [("surface", "surface-classifier.onnx"), ("detector", "surface-detector.onnx")]
        .into_iter()
        .map(|(dir, model)| {
            let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models").join(dir);
            let profile =
                Profile::parse(&std::fs::read_to_string(dir.join("profile.toml")).expect("profile")).expect("valid");
            let mut samples: Vec<_> = std::fs::read_dir(dir.join("samples"))
                .expect("samples")
                .map(|e| e.expect("entry").path())
                .filter(|p| p.extension().is_some_and(|x| x == "png"))
                .collect();
            samples.sort();
            assert!(samples.len() >= 12, "{model}");
            let inputs = samples
                .into_iter()
                .map(|path| {
                    let image = preprocess::decode(&std::fs::read(&path).expect("image")).expect("decodes");
                    let input = preprocess::tensor(&image, &profile);
                    (path, input)
                })
                .collect();
            DemoModel { model, bytes: std::fs::read(dir.join(model)).expect("model"), profile, inputs }
        })
        .collect()
}

/// Lading's 2×2 max-pool (`lading_inspect::pool`) in place of tract's gives bit-for-bit the same
/// outputs on both demo models, and it is really in the plan (both models pool 2×2, stride 2).
#[test]
fn the_two_by_two_pool_rewrite_changes_no_output_bit() {
    for DemoModel { model, bytes, profile, inputs } in demo_inputs() {
        let fast = Engine::load_with(&bytes, &profile, Rewrites { pool: true, conv: false }).expect("loads");
        let plain = Engine::load_tract_only(&bytes, &profile).expect("loads");
        assert!(fast.operators().iter().any(|op| op == "LadingMaxPool2x2"), "{model}: {:?}", fast.operators());
        assert!(!plain.operators().iter().any(|op| op == "LadingMaxPool2x2"), "{model}");
        for (path, input) in inputs {
            let (a, b) = (fast.run(input.clone()).expect("runs"), plain.run(input).expect("runs"));
            let bits = |o: &Vec<(Vec<usize>, Vec<f32>)>| {
                o.iter()
                    .map(|(s, v)| (s.clone(), v.iter().map(|x| x.to_bits()).collect::<Vec<_>>()))
                    .collect::<Vec<_>>()
            };
            assert_eq!(bits(&a), bits(&b), "{}", path.display());
        }
    }
}

/// Lading's direct convolution (`lading_inspect::conv`) runs every convolution of both demo models
/// and agrees with tract's own within 2e-6 (relative to the larger of the value and 1): it sums
/// in another order, so the last bits may differ, never a verdict.
#[test]
fn the_direct_convolution_agrees_with_tracts() {
    for DemoModel { model, bytes, profile, inputs } in demo_inputs() {
        let fast = Engine::load(&bytes, &profile).expect("loads");
        let plain = Engine::load_tract_only(&bytes, &profile).expect("loads");
        if lading_inspect::conv::available() {
            let ops = fast.operators();
            assert!(ops.iter().any(|op| op == "LadingDirectConv"), "{model}: {ops:?}");
        }
        for (path, input) in inputs {
            let (a, b) = (fast.run(input.clone()).expect("runs"), plain.run(input).expect("runs"));
            assert_eq!(a.len(), b.len());
            for ((sa, va), (sb, vb)) in a.iter().zip(&b) {
                assert_eq!(sa, sb, "{}", path.display());
                for (x, y) in va.iter().zip(vb) {
                    let diff = (x - y).abs() / y.abs().max(1.0);
                    assert!(diff <= 2e-6, "{}: {x} vs tract's {y}", path.display());
                }
            }
        }
    }
}

/// The resize filter is one of the `image` crate's: another is refused with
/// its line, table and the names allowed; without one it is `triangle`.
#[test]
fn the_resize_filter_is_checked_and_defaults_to_triangle() {
    let text = std::fs::read_to_string(model_dir().join("profile.toml")).expect("profile");
    let bad = text.replace("resize = \"stretch\"", "resize = \"stretch\"\nfilter = \"bicubic\"");
    let err = Profile::parse(&bad).expect_err("unknown filter").to_string();
    assert!(err.contains("line 8 ([input])") && err.contains("bicubic") && err.contains("lanczos3"), "{err}");
    let lanczos = text.replace("resize = \"stretch\"", "resize = \"stretch\"\nfilter = \"lanczos3\"");
    let profile = Profile::parse(&lanczos).expect("valid");
    assert_eq!(profile.input.filter, lading_model::inspection::ResizeFilter::Lanczos3);
    assert_eq!(Profile::parse(&text).expect("valid").input.filter, lading_model::inspection::ResizeFilter::Triangle);
}
