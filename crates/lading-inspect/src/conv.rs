//! A direct convolution for tract, for the small-to-moderate channel
//! counts of inspection models.
//!
//! tract-core 0.23.9 lowers every convolution to a matrix product over a
//! lazily packed im2col of the input. For the few channels of the demo
//! models (1–32) the packing and the panel bookkeeping cost more than the
//! arithmetic (`perf`, docs/benchmarks.md). [`rewrite`] replaces each plain
//! convolution — NCHW, `f32`, stride 1, no dilation, one group, at most
//! [`MAX_INPUT_CHANNELS`] input channels, constant kernel and bias — by
//! [`DirectConv`], which runs the convolution directly over a zero-padded
//! copy of the input:
//!
//! * the output is computed at every position of the padded width
//!   (`y · Wp + x`), so one contiguous vector of the input serves a whole
//!   row of outputs for each kernel tap; the `Wp − W'` extra columns per
//!   row are computed and dropped;
//! * eight output channels at a time, 4–32 positions at a time (the widest
//!   vector the CPU has, picked at run time through `pulp`), each input
//!   vector loaded once for eight fused multiply-adds.
//!
//! **Every output is the same bits on every CPU it runs on:** it starts from the bias
//! and adds `w · x` with one fused multiply-add per input channel and tap,
//! in the same order, whatever the vector width (tested by running the
//! kernel at every width). The rewrite is only made where the CPU has fused
//! multiply-add (x86-64 with AVX2+FMA, every aarch64); elsewhere tract's
//! own convolution runs. Outputs differ from tract's in the last bits
//! (tract sums in another order); the difference is bounded by tests
//! against tract and against onnxruntime. Written here because no crate
//! offers a direct convolution as a tract operator.

use std::sync::Arc;

use pulp::{Simd, WithSimd, bytemuck};
use tract_onnx::prelude::*;
use tract_onnx::tract_core::internal::*;
use tract_onnx::tract_core::ops::cnn::{Conv, KernelFormat, PaddingSpec};
use tract_onnx::tract_core::ops::nn::DataFormat;

/// Output channels computed together.
const OCB: usize = 8;
/// The widest vector of positions any CPU path uses (the padding of the
/// working buffers).
const MAX_LANES: usize = 32;
/// The most input channels a convolution may have to be taken over: up to
/// 128 the direct kernel was faster than tract's (1.1× at 128 → 128 on
/// 20 × 20, `cargo bench -p lading-inspect --bench conv`); at 256 → 256 on
/// 10 × 10 tract's matrix kernels were 4 % faster.
pub const MAX_INPUT_CHANNELS: usize = 128;

/// The shape of a convolution [`DirectConv`] runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Geometry {
    /// Input channels.
    pub cin: usize,
    /// Output channels.
    pub cout: usize,
    /// Kernel height and width.
    pub kernel: [usize; 2],
    /// Zero padding: top, left, bottom, right.
    pub pads: [usize; 4],
}

/// A stride-1 convolution of an `[N, C, H, W]` `f32` tensor, computed
/// directly (see the module documentation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectConv {
    geometry: Geometry,
    /// Weights as `[cout / 8 (rounded up), cin, kh · kw, 8]`, zero past `cout`.
    packed: Arc<Tensor>,
    /// Bias per output channel, zero past `cout`.
    bias: Arc<Tensor>,
}

impl DirectConv {
    /// From an OIHW kernel (`cout · cin · kh · kw` values) and a bias of
    /// `cout` values (or one shared value, or none).
    pub fn new(geometry: Geometry, kernel: &[f32], bias: &[f32]) -> TractResult<Self> {
        let Geometry { cin, cout, kernel: [kh, kw], .. } = geometry;
        let taps = kh * kw;
        ensure!(cin > 0 && cout > 0 && taps > 0, "empty convolution {geometry:?}");
        ensure!(kernel.len() == cout * cin * taps, "kernel of {} values for {geometry:?}", kernel.len());
        let blocks = cout.div_ceil(OCB);
        let mut packed = vec![0f32; blocks * cin * taps * OCB];
        for (o, per_out) in kernel.chunks_exact(cin * taps).enumerate() {
            for (i, per_in) in per_out.chunks_exact(taps).enumerate() {
                for (t, &value) in per_in.iter().enumerate() {
                    packed[(((o / OCB) * cin + i) * taps + t) * OCB + o % OCB] = value;
                }
            }
        }
        let mut padded_bias = vec![0f32; blocks * OCB];
        match bias.len() {
            0 => {}
            1 => padded_bias[..cout].fill(bias[0]),
            n if n == cout => padded_bias[..cout].copy_from_slice(bias),
            n => bail!("bias of {n} values for {cout} output channels"),
        }
        Ok(Self {
            geometry,
            packed: Arc::new(Tensor::from_shape(&[blocks, cin, taps, OCB], &packed)?),
            bias: Arc::new(Tensor::from_shape(&[blocks * OCB], &padded_bias)?),
        })
    }

    /// The output's height and width for an input of `h` × `w`.
    fn output_size(&self, h: usize, w: usize) -> TractResult<[usize; 2]> {
        let Geometry { kernel: [kh, kw], pads: [top, left, bottom, right], .. } = self.geometry;
        let (hp, wp) = (h + top + bottom, w + left + right);
        ensure!(hp >= kh && wp >= kw, "a {h}×{w} input is smaller than the {kh}×{kw} kernel");
        Ok([hp - kh + 1, wp - kw + 1])
    }

    /// Where the kernel reads and writes for an input of `h` × `w`.
    fn layout(&self, h: usize, w: usize) -> TractResult<Layout> {
        let Geometry { kernel: [kh, kw], pads: [top, left, bottom, right], .. } = self.geometry;
        let [oh, ow] = self.output_size(h, w)?;
        let wp = w + left + right;
        // Outputs at every position y · wp + x of the padded width, rounded
        // up to whole vectors; the input plane holds every tap of them.
        let positions = (oh * wp).div_ceil(MAX_LANES) * MAX_LANES;
        let plane = positions + (kh - 1) * wp + (kw - 1);
        debug_assert!(plane >= (h + top + bottom) * wp);
        let taps = (0..kh).flat_map(|ky| (0..kw).map(move |kx| ky * wp + kx)).collect();
        Ok(Layout { input: [h, w], output: [oh, ow], wp, positions, plane, taps })
    }

    /// Convolves one `[cin, h, w]` image into `out` (`[cout, h', w']`),
    /// `layout` being [`DirectConv::layout`] for `h` × `w`.
    fn convolve(&self, image: &[f32], layout: &Layout, out: &mut [f32]) -> TractResult<()> {
        let Geometry { cin, cout, pads: [top, left, ..], .. } = self.geometry;
        let Layout { input: [h, w], output: [oh, ow], wp, positions, plane, .. } = *layout;
        let mut padded = vec![0f32; cin * plane];
        for (src, dst) in image.chunks_exact(h * w).zip(padded.chunks_exact_mut(plane)) {
            for (row, src_row) in src.chunks_exact(w).enumerate() {
                let at = (row + top) * wp + left;
                dst[at..at + w].copy_from_slice(src_row);
            }
        }
        let mut wide = vec![0f32; cout.div_ceil(OCB) * OCB * positions];
        self.job(&padded, layout)?.run(&mut wide);
        for (o, dst) in out.chunks_exact_mut(oh * ow).enumerate().take(cout) {
            let src = &wide[o * positions..];
            for (y, dst_row) in dst.chunks_exact_mut(ow).enumerate() {
                dst_row.copy_from_slice(&src[y * wp..y * wp + ow]);
            }
        }
        Ok(())
    }

    /// The kernel's job over `padded` (`cin` planes as `layout` places them).
    fn job<'a>(&'a self, padded: &'a [f32], layout: &'a Layout) -> TractResult<Job<'a>> {
        Ok(Job {
            input: padded,
            plane: layout.plane,
            cin: self.geometry.cin,
            taps: &layout.taps,
            weights: self.packed.try_as_plain_ram()?.as_slice::<f32>()?,
            bias: self.bias.try_as_plain_ram()?.as_slice::<f32>()?,
            positions: layout.positions,
        })
    }
}

/// Where [`DirectConv`]'s kernel reads and writes for one input size.
#[derive(Debug, Clone)]
struct Layout {
    /// Input height and width.
    input: [usize; 2],
    /// Output height and width.
    output: [usize; 2],
    /// The padded input's width (the row stride of planes and outputs).
    wp: usize,
    /// Output positions per channel (a multiple of [`MAX_LANES`]).
    positions: usize,
    /// Values per padded input plane (every tap of every position).
    plane: usize,
    /// The offset of each kernel tap in a padded plane.
    taps: Vec<usize>,
}

/// One convolution's working data, for the vector kernel.
#[derive(Debug, Clone, Copy)]
struct Job<'a> {
    /// `cin` zero-padded planes of `plane` values.
    input: &'a [f32],
    plane: usize,
    cin: usize,
    /// The offset of each kernel tap in a padded plane.
    taps: &'a [usize],
    weights: &'a [f32],
    bias: &'a [f32],
    /// Output positions per channel (a multiple of [`MAX_LANES`]).
    positions: usize,
}

impl Job<'_> {
    /// Runs the kernel at the widest vector the CPU has.
    fn run(self, out: &mut [f32]) {
        pulp::Arch::new().dispatch(Kernel { job: self, out });
    }

    /// `out[o][p] = bias[o] + Σ_ic Σ_tap w[o][ic][tap] · input[ic][p + tap]`,
    /// each term one fused multiply-add, in that order; `R` vectors of `S`
    /// positions at a time (the order, hence every bit, depends on neither).
    #[inline(always)]
    fn blocks<S: Simd, const R: usize>(self, simd: S, out: &mut [f32]) {
        let lanes = S::F32_LANES;
        let step = R * lanes;
        debug_assert!(MAX_LANES.is_multiple_of(step));
        let load = |from: &[f32]| bytemuck::pod_read_unaligned::<S::f32s>(bytemuck::cast_slice(&from[..lanes]));
        let ntaps = self.taps.len();
        let per_block = self.cin * ntaps * OCB;
        for ((weights, bias), out) in self
            .weights
            .chunks_exact(per_block)
            .zip(self.bias.chunks_exact(OCB))
            .zip(out.chunks_exact_mut(OCB * self.positions))
        {
            for p0 in (0..self.positions).step_by(step) {
                let mut acc: [[S::f32s; R]; OCB] = std::array::from_fn(|o| [simd.splat_f32s(bias[o]); R]);
                for (ic, per_in) in weights.chunks_exact(ntaps * OCB).enumerate() {
                    let input = &self.input[ic * self.plane + p0..];
                    for (&offset, w) in self.taps.iter().zip(per_in.chunks_exact(OCB)) {
                        let x: [S::f32s; R] = std::array::from_fn(|r| load(&input[offset + r * lanes..]));
                        for (vectors, &w) in acc.iter_mut().zip(w) {
                            let w = simd.splat_f32s(w);
                            for (a, &x) in vectors.iter_mut().zip(&x) {
                                *a = simd.mul_add_f32s(w, x, *a);
                            }
                        }
                    }
                }
                for (o, vectors) in acc.iter().enumerate() {
                    let at = o * self.positions + p0;
                    out[at..at + step].copy_from_slice(bytemuck::cast_slice(vectors.as_slice()));
                }
            }
        }
    }
}

/// [`Job::blocks`] at the vector width of the CPU `pulp` picked.
struct Kernel<'a, 'o> {
    job: Job<'a>,
    out: &'o mut [f32],
}

impl WithSimd for Kernel<'_, '_> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) {
        // Two vectors of positions where registers are many and wide
        // (AVX-512: 8 × 2 accumulators of 32), one elsewhere.
        if S::F32_LANES >= 16 {
            self.job.blocks::<S, 2>(simd, self.out)
        } else {
            self.job.blocks::<S, 1>(simd, self.out)
        }
    }
}

impl Op for DirectConv {
    fn name(&self) -> StaticName {
        "LadingDirectConv".into()
    }

    fn info(&self) -> TractResult<Vec<String>> {
        Ok(vec![format!("{:?}", self.geometry)])
    }

    op_as_typed_op!();
}

impl EvalOp for DirectConv {
    op_out_of_plan!();

    fn eval(&self, _ctx: &EvalContext<'_>, inputs: TVec<TValue>) -> TractResult<TVec<TValue>> {
        let input = args_1!(inputs);
        let &[n, c, h, w] = input.shape() else { bail!("LadingDirectConv takes a 4-D input, got {:?}", input.shape()) };
        ensure!(c == self.geometry.cin, "{c} input channels for {:?}", self.geometry);
        let layout = self.layout(h, w)?;
        let [oh, ow] = layout.output;
        let plain = input.try_as_plain_ram()?;
        let src = plain.as_slice::<f32>()?;
        let mut out = Tensor::zero::<f32>(&[n, self.geometry.cout, oh, ow])?;
        let mut out_plain = out.try_as_plain_ram_mut()?;
        let dst = out_plain.as_slice_mut::<f32>()?;
        if n > 0 && h * w > 0 {
            for (image, out) in src.chunks_exact(c * h * w).zip(dst.chunks_exact_mut(self.geometry.cout * oh * ow)) {
                self.convolve(image, &layout, out)?;
            }
        }
        Ok(tvec!(out.into_tvalue()))
    }
}

impl TypedOp for DirectConv {
    fn output_facts(&self, inputs: &[&TypedFact]) -> TractResult<TVec<TypedFact>> {
        let Some(&[n, _, h, w]) = inputs[0].shape.as_concrete() else {
            bail!("LadingDirectConv needs a concrete 4-D input shape, got {:?}", inputs[0].shape)
        };
        let [oh, ow] = self.output_size(h, w)?;
        Ok(tvec!(f32::fact([n, self.geometry.cout, oh, ow])))
    }

    as_op!();
}

/// Whether this CPU fuses multiply-add in hardware (the kernel's every
/// step is one; without it each would be a slow software call).
pub fn available() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        pulp::x86::V3::try_new().is_some()
    }
    #[cfg(target_arch = "aarch64")]
    {
        true
    }
    #[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
    {
        false
    }
}

/// The [`DirectConv`] computing tract's `conv` on an input of `fact`, with
/// the given constant kernel and bias, when it is one.
fn direct(conv: &Conv, fact: &TypedFact, kernel: &Tensor, bias: &Tensor) -> TractResult<Option<DirectConv>> {
    let spec = &conv.pool_spec;
    let ones = |v: &Option<TVec<usize>>| v.as_ref().is_none_or(|d| d.iter().all(|x| *x == 1));
    let pads = match &spec.padding {
        PaddingSpec::Valid => [0; 4],
        PaddingSpec::Explicit(before, after) | PaddingSpec::ExplicitOnnxPool(before, after, _)
            if before.len() == 2 && after.len() == 2 =>
        {
            [before[0], before[1], after[0], after[1]]
        }
        _ => return Ok(None),
    };
    let Some(&[_, c, _, _]) = fact.shape.as_concrete() else { return Ok(None) };
    let &[cout, cin, kh, kw] = kernel.shape() else { return Ok(None) };
    let plain = conv.q_params.is_none()
        && conv.group == 1
        && conv.kernel_fmt == KernelFormat::OIHW
        && spec.data_format == DataFormat::NCHW
        && spec.kernel_shape.as_slice() == [kh, kw]
        && ones(&spec.strides)
        && ones(&spec.dilations)
        && c == cin
        && cin <= MAX_INPUT_CHANNELS
        && fact.datum_type == f32::datum_type()
        && kernel.datum_type() == f32::datum_type()
        && bias.datum_type() == f32::datum_type()
        && (bias.len() == 1 || bias.len() == cout)
        // Padding as convolutions use it (less than the kernel); anything
        // else stays with tract, which checks it.
        && pads[0] < kh
        && pads[2] < kh
        && pads[1] < kw
        && pads[3] < kw;
    if !plain {
        return Ok(None);
    }
    let geometry = Geometry { cin, cout, kernel: [kh, kw], pads };
    let kernel = kernel.try_as_plain_ram()?;
    let bias = bias.try_as_plain_ram()?;
    Ok(Some(DirectConv::new(geometry, kernel.as_slice::<f32>()?, bias.as_slice::<f32>()?)?))
}

/// Replaces every plain convolution of a decluttered model (see the module
/// documentation) with [`DirectConv`]; returns how many. Replaces none on a
/// CPU without fused multiply-add ([`available`]).
pub fn rewrite(model: &mut TypedModel) -> TractResult<usize> {
    if !available() {
        return Ok(0);
    }
    let mut replaced = 0;
    for id in model.eval_order()? {
        let node = model.node(id);
        let Some(conv) = node.op_as::<Conv>() else { continue };
        let [input, kernel, bias] = node.inputs.as_slice() else { continue };
        let (Some(kernel), Some(bias)) =
            (model.outlet_fact(*kernel)?.konst.clone(), model.outlet_fact(*bias)?.konst.clone())
        else {
            continue;
        };
        let Some(op) = direct(conv, model.outlet_fact(*input)?, &kernel, &bias)? else { continue };
        let patch = TypedModelPatch::replace_single_op(model, node, &[*input], op)?;
        patch.apply(model)?;
        replaced += 1;
    }
    Ok(replaced)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The textbook sum, in the kernel's order, one fused multiply-add per term.
    fn reference(geometry: Geometry, image: &[f32], h: usize, w: usize, kernel: &[f32], bias: &[f32]) -> Vec<f32> {
        let Geometry { cin, cout, kernel: [kh, kw], pads: [top, left, bottom, right] } = geometry;
        let (oh, ow) = (h + top + bottom - kh + 1, w + left + right - kw + 1);
        let at = |i: usize, y: isize, x: isize| {
            if y < 0 || x < 0 || y >= h as isize || x >= w as isize {
                0.0
            } else {
                image[(i * h + y as usize) * w + x as usize]
            }
        };
        let mut out = Vec::new();
        for o in 0..cout {
            for y in 0..oh {
                for x in 0..ow {
                    let mut sum = bias[o];
                    for i in 0..cin {
                        for ky in 0..kh {
                            for kx in 0..kw {
                                let v = at(i, (y + ky) as isize - top as isize, (x + kx) as isize - left as isize);
                                sum = kernel[((o * cin + i) * kh + ky) * kw + kx].mul_add(v, sum);
                            }
                        }
                    }
                    out.push(sum);
                }
            }
        }
        out
    }

    fn values(n: usize, seed: u32) -> Vec<f32> {
        let mut state = seed;
        (0..n)
            .map(|_| {
                state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                (state >> 8) as f32 / (1u32 << 24) as f32 - 0.5
            })
            .collect()
    }

    #[test]
    fn every_output_is_the_textbook_sum_bit_for_bit() {
        for (geometry, h, w) in [
            (Geometry { cin: 1, cout: 8, kernel: [3, 3], pads: [1; 4] }, 64, 64),
            (Geometry { cin: 3, cout: 5, kernel: [3, 3], pads: [1; 4] }, 7, 9),
            (Geometry { cin: 4, cout: 11, kernel: [1, 1], pads: [0; 4] }, 8, 8),
            (Geometry { cin: 2, cout: 3, kernel: [2, 3], pads: [0, 2, 1, 0] }, 5, 4),
            (Geometry { cin: 2, cout: 9, kernel: [5, 5], pads: [0; 4] }, 5, 5),
        ] {
            let Geometry { cin, cout, kernel: [kh, kw], .. } = geometry;
            let image = values(cin * h * w, 1);
            let kernel = values(cout * cin * kh * kw, 2);
            let bias = values(cout, 3);
            let op = DirectConv::new(geometry, &kernel, &bias).expect("op");
            let layout = op.layout(h, w).expect("layout");
            let [oh, ow] = layout.output;
            let mut out = vec![f32::NAN; cout * oh * ow];
            op.convolve(&image, &layout, &mut out).expect("convolve");
            let expected = reference(geometry, &image, h, w, &kernel, &bias);
            let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&out), bits(&expected), "{geometry:?} on {h}×{w}");
        }
    }

    #[test]
    fn the_vector_width_changes_no_bit() {
        let geometry = Geometry { cin: 5, cout: 12, kernel: [3, 3], pads: [1; 4] };
        let (h, w): (usize, usize) = (13, 21);
        let op = DirectConv::new(geometry, &values(12 * 5 * 9, 4), &values(12, 5)).expect("op");
        let layout = op.layout(h, w).expect("layout");
        let positions = layout.positions;
        let input = values(5 * layout.plane, 6);
        let job = op.job(&input, &layout).expect("job");
        let bits = |out: &[f32]| out.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        let mut scalar = vec![0f32; 16 * positions];
        job.blocks::<_, 1>(pulp::Scalar, &mut scalar);
        let mut two = vec![0f32; 16 * positions];
        job.blocks::<_, 2>(pulp::Scalar, &mut two);
        assert_eq!(bits(&two), bits(&scalar), "two positions at a time");
        let mut dispatched = vec![0f32; 16 * positions];
        job.run(&mut dispatched);
        assert_eq!(bits(&dispatched), bits(&scalar), "the CPU's own vector path ({:?})", pulp::Arch::new());
        #[cfg(target_arch = "x86_64")]
        if let Some(simd) = pulp::x86::V3::try_new() {
            let mut avx2 = vec![0f32; 16 * positions];
            job.blocks::<_, 1>(simd, &mut avx2);
            assert_eq!(bits(&avx2), bits(&scalar), "AVX2");
        }
    }

    #[test]
    fn only_plain_convolutions_are_replaced() {
        use tract_onnx::tract_core::ops::cnn::PoolSpec;
        let conv = |strides: [usize; 2], group: usize, pad: usize| Conv {
            pool_spec: PoolSpec {
                data_format: DataFormat::NCHW,
                kernel_shape: tvec![3, 3],
                padding: PaddingSpec::Explicit(tvec![pad, pad], tvec![pad, pad]),
                dilations: None,
                strides: Some(tvec![strides[0], strides[1]]),
                input_channels: 2,
                output_channels: 4,
            },
            kernel_fmt: KernelFormat::OIHW,
            group,
            q_params: None,
        };
        let fact = f32::fact([1, 2, 8, 8]);
        let kernel = Tensor::zero::<f32>(&[4, 2, 3, 3]).expect("kernel");
        let bias = Tensor::zero::<f32>(&[4]).expect("bias");
        let replaced = |c: Conv| direct(&c, &fact, &kernel, &bias).expect("inspects").is_some();
        assert!(replaced(conv([1, 1], 1, 1)));
        assert!(!replaced(conv([2, 2], 1, 1)), "strided");
        assert!(!replaced(conv([1, 1], 2, 1)), "grouped");
        assert!(!replaced(conv([1, 1], 1, usize::MAX / 2)), "padding wider than the kernel");
        let wrong_bias = Tensor::zero::<f32>(&[3]).expect("bias");
        assert!(direct(&conv([1, 1], 1, 1), &fact, &kernel, &wrong_bias).expect("inspects").is_none());
        let wide =
            Conv { pool_spec: PoolSpec { input_channels: 256, ..conv([1, 1], 1, 1).pool_spec }, ..conv([1, 1], 1, 1) };
        let wide_kernel = Tensor::zero::<f32>(&[4, 256, 3, 3]).expect("kernel");
        let wide_fact = f32::fact([1, 256, 8, 8]);
        assert!(direct(&wide, &wide_fact, &wide_kernel, &bias).expect("inspects").is_none(), "256 input channels");
        let ints = i32::fact([1, 2, 8, 8]);
        assert!(direct(&conv([1, 1], 1, 1), &ints, &kernel, &bias).expect("inspects").is_none(), "not f32");
    }

    #[test]
    fn refuses_a_kernel_or_bias_of_the_wrong_size() {
        let geometry = Geometry { cin: 2, cout: 3, kernel: [3, 3], pads: [1; 4] };
        assert!(DirectConv::new(geometry, &[0.0; 53], &[0.0; 3]).is_err());
        assert!(DirectConv::new(geometry, &[0.0; 54], &[0.0; 2]).is_err());
        assert!(DirectConv::new(geometry, &[0.0; 54], &[]).is_ok());
        let op =
            DirectConv::new(Geometry { kernel: [5, 5], pads: [0; 4], ..geometry }, &[0.0; 150], &[0.0]).expect("op");
        assert!(op.output_size(4, 9).is_err(), "a 4-row input under a 5-row kernel");
    }
}
