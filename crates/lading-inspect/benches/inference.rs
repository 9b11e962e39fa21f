//! Per-image cost of the inspection path on the demo classifier: decoding
//! and preprocessing a 64×64 PNG, inference in a reused session (the
//! engine Lading runs, and as baseline tract with its own operators only),
//! and the whole judgement (decode, preprocess, infer, head). `lading bench
//! inspect` runs the same inference next to onnxruntime on the same tensors;
//! figures are in docs/benchmarks.md.

use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use lading_inspect::{Engine, Profile, preprocess, run};

fn inference(c: &mut Criterion) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models/surface");
    let profile =
        Profile::parse(&std::fs::read_to_string(dir.join("profile.toml")).expect("profile")).expect("profile");
    let model = std::fs::read(dir.join("surface-classifier.onnx")).expect("model");
    let engine = Engine::load(&model, &profile).expect("model loads");
    let mut tract_only = Engine::load_tract_only(&model, &profile).expect("model loads").session().expect("session");
    let png = std::fs::read(dir.join("samples/scratch-0.png")).expect("sample");
    let image = preprocess::decode(&png).expect("decodes");
    let tensor = preprocess::tensor(&image, &profile);
    let mut session = engine.session().expect("session");
    let mut group = c.benchmark_group("inspect_surface_classifier");
    group.bench_function("decode_and_preprocess", |b| {
        b.iter(|| preprocess::tensor(&preprocess::decode(&png).expect("decodes"), &profile))
    });
    group.bench_function("tract_inference", |b| b.iter(|| session.run(tensor.clone()).expect("runs")));
    group
        .bench_function("tract_operators_only_inference", |b| b.iter(|| tract_only.run(tensor.clone()).expect("runs")));
    group.bench_function("judge_one_image", |b| {
        b.iter(|| run::judge(&mut session, &profile, "scratch-0.png", &png).expect("judged"))
    });
    group.finish();
}

criterion_group!(benches, inference);
criterion_main!(benches);
