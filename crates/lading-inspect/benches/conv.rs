//! Lading's direct convolution (`lading_inspect::conv`) against tract's own
//! convolution (im2col + matrix product) on the same 3×3, pad-1 layer, from
//! the demo models' channel counts up to those of larger detectors: where
//! the rewrite pays and where it would not (the 256-channel layer is left
//! to tract by the rewrite, so both rows time tract there; the direct
//! figure for it in docs/benchmarks.md was measured before that limit). Figures
//! are in docs/benchmarks.md.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use tract_onnx::prelude::*;
use tract_onnx::tract_core::ops::cnn::{Conv, KernelFormat, PaddingSpec, PoolSpec};
use tract_onnx::tract_core::ops::nn::DataFormat;

/// A one-layer model: `[1, cin, size, size]` → 3×3 convolution, pad 1 → `[1, cout, size, size]`.
fn layer(cin: usize, cout: usize, size: usize) -> TypedModel {
    let mut model = TypedModel::default();
    let x = model.add_source("x", f32::fact([1, cin, size, size])).expect("source");
    let weights: Vec<f32> = (0..cout * cin * 9).map(|i| ((i * 7919) % 1000) as f32 / 1000.0 - 0.5).collect();
    let kernel =
        model.add_const("kernel", Tensor::from_shape(&[cout, cin, 3, 3], &weights).expect("kernel")).expect("kernel");
    let bias = model.add_const("bias", Tensor::zero::<f32>(&[cout]).expect("bias")).expect("bias");
    let conv = Conv {
        pool_spec: PoolSpec {
            data_format: DataFormat::NCHW,
            kernel_shape: tvec![3, 3],
            padding: PaddingSpec::Explicit(tvec![1, 1], tvec![1, 1]),
            dilations: None,
            strides: None,
            input_channels: cin,
            output_channels: cout,
        },
        kernel_fmt: KernelFormat::OIHW,
        group: 1,
        q_params: None,
    };
    let y = model.wire_node("conv", conv, &[x, kernel, bias]).expect("conv");
    model.select_output_outlets(&y).expect("output");
    model.into_decluttered().expect("declutter")
}

fn convolutions(c: &mut Criterion) {
    let mut group = c.benchmark_group("conv3x3");
    for (cin, cout, size) in [(1, 8, 64), (8, 16, 32), (32, 32, 8), (64, 64, 40), (128, 128, 20), (256, 256, 10)] {
        let input: Tensor = Tensor::from_shape(
            &[1, cin, size, size],
            &(0..cin * size * size).map(|i| (i % 255) as f32 / 255.0).collect::<Vec<_>>(),
        )
        .expect("input");
        let tract_plan = layer(cin, cout, size).into_optimized().expect("optimize").into_runnable().expect("plan");
        let mut direct = layer(cin, cout, size);
        let replaced = lading_inspect::conv::rewrite(&mut direct).expect("rewrite");
        let taken = lading_inspect::conv::available() && cin <= lading_inspect::conv::MAX_INPUT_CHANNELS;
        assert_eq!(replaced, usize::from(taken));
        let direct_plan = direct.into_optimized().expect("optimize").into_runnable().expect("plan");
        let label = format!("{cin}to{cout}_{size}x{size}");
        let mut tract_state = tract_plan.spawn().expect("state");
        group.bench_function(BenchmarkId::new("tract", &label), |b| {
            b.iter(|| tract_state.run(tvec![input.clone().into()]).expect("runs"))
        });
        let mut direct_state = direct_plan.spawn().expect("state");
        group.bench_function(BenchmarkId::new("direct", &label), |b| {
            b.iter(|| direct_state.run(tvec![input.clone().into()]).expect("runs"))
        });
    }
    group.finish();
}

criterion_group!(benches, convolutions);
criterion_main!(benches);
