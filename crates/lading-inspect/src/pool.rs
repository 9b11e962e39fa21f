//! A 2×2, stride-2 max-pool for tract.
//!
//! tract-core 0.23.9 evaluates `MaxPool` with a generic loop over patch
//! offsets that has no vector path for strides other than 1; in the demo
//! models that loop was 58 % of inference time (`perf`, docs/benchmarks.md).
//! [`rewrite`] replaces each `MaxPool` whose geometry is exactly a 2×2
//! window, stride 2, no padding, no dilation, NCHW, on `f32` with
//! [`MaxPool2x2`], whose inner loop the compiler vectorises. Every other
//! pool keeps tract's operator. The result is bit-for-bit the same: both
//! take the maximum of the same four values (tested against tract's own
//! operator on the demo models, and against onnxruntime in the interop
//! tests). Written here because no crate offers it as a tract operator.

use tract_onnx::prelude::*;
use tract_onnx::tract_core::internal::*;
use tract_onnx::tract_core::ops::cnn::{MaxPool, PaddingSpec};
use tract_onnx::tract_core::ops::nn::DataFormat;

/// Max over each 2×2 block of an `[N, C, H, W]` `f32` tensor, stride 2;
/// an odd last row or column is dropped (ONNX `ceil_mode = 0`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MaxPool2x2;

impl Op for MaxPool2x2 {
    fn name(&self) -> StaticName {
        "LadingMaxPool2x2".into()
    }

    op_as_typed_op!();
}

impl EvalOp for MaxPool2x2 {
    op_out_of_plan!();

    fn eval(&self, _ctx: &EvalContext<'_>, inputs: TVec<TValue>) -> TractResult<TVec<TValue>> {
        let input = args_1!(inputs);
        let &[n, c, h, w] = input.shape() else { bail!("LadingMaxPool2x2 takes a 4-D input, got {:?}", input.shape()) };
        let (oh, ow) = (h / 2, w / 2);
        let plain = input.try_as_plain_ram()?;
        let src = plain.as_slice::<f32>()?;
        let mut out = Tensor::zero::<f32>(&[n, c, oh, ow])?;
        let mut out_plain = out.try_as_plain_ram_mut()?;
        let dst = out_plain.as_slice_mut::<f32>()?;
        if oh > 0 && ow > 0 {
            for (plane, out_plane) in src.chunks_exact(h * w).zip(dst.chunks_exact_mut(oh * ow)) {
                for (pair, out_row) in plane.chunks_exact(2 * w).zip(out_plane.chunks_exact_mut(ow)) {
                    let (top, bottom) = pair.split_at(w);
                    pool_rows(&top[..2 * ow], &bottom[..2 * ow], out_row);
                }
            }
        }
        Ok(tvec!(out.into_tvalue()))
    }
}

/// `out[i] = max(top[2i], top[2i+1], bottom[2i], bottom[2i+1])`.
#[inline]
fn pool_rows(top: &[f32], bottom: &[f32], out: &mut [f32]) {
    for ((o, t), b) in out.iter_mut().zip(top.chunks_exact(2)).zip(bottom.chunks_exact(2)) {
        *o = t[0].max(t[1]).max(b[0].max(b[1]));
    }
}

impl TypedOp for MaxPool2x2 {
    fn output_facts(&self, inputs: &[&TypedFact]) -> TractResult<TVec<TypedFact>> {
        let Some(&[n, c, h, w]) = inputs[0].shape.as_concrete() else {
            bail!("LadingMaxPool2x2 needs a concrete 4-D input shape, got {:?}", inputs[0].shape)
        };
        Ok(tvec!(f32::fact([n, c, h / 2, w / 2])))
    }

    as_op!();
}

/// Whether tract's `pool` on an input of `fact` is what [`MaxPool2x2`] computes.
fn is_plain_2x2(pool: &MaxPool, fact: &TypedFact) -> bool {
    let spec = &pool.pool_spec;
    let ones = |v: &Option<TVec<usize>>| v.as_ref().is_none_or(|d| d.iter().all(|x| *x == 1));
    let zeros = |v: &[usize]| v.iter().all(|x| *x == 0);
    let unpadded = match &spec.padding {
        PaddingSpec::Valid => true,
        PaddingSpec::Explicit(before, after) => zeros(before) && zeros(after),
        // With ceil_mode an odd size would get one more (partial) window.
        PaddingSpec::ExplicitOnnxPool(before, after, ceil) => {
            zeros(before)
                && zeros(after)
                && (!ceil || fact.shape.as_concrete().is_some_and(|s| s.len() == 4 && s[2] % 2 == 0 && s[3] % 2 == 0))
        }
        PaddingSpec::SameUpper | PaddingSpec::SameLower => false,
    };
    pool.with_index_outputs.is_none()
        && spec.data_format == DataFormat::NCHW
        && spec.kernel_shape.as_slice() == [2, 2]
        && spec.strides.as_ref().is_some_and(|s| s.as_slice() == [2, 2])
        && ones(&spec.dilations)
        && unpadded
        && fact.datum_type == f32::datum_type()
        && fact.shape.as_concrete().is_some_and(|s| s.len() == 4)
}

/// Replaces every plain 2×2 stride-2 `MaxPool` of a decluttered model with
/// [`MaxPool2x2`]; returns how many.
pub fn rewrite(model: &mut TypedModel) -> TractResult<usize> {
    let mut replaced = 0;
    for id in model.eval_order()? {
        let node = model.node(id);
        let Some(pool) = node.op_as::<MaxPool>() else { continue };
        if !is_plain_2x2(pool, model.outlet_fact(node.inputs[0])?) {
            continue;
        }
        let patch = TypedModelPatch::replace_single_op(model, node, &node.inputs, MaxPool2x2)?;
        patch.apply(model)?;
        replaced += 1;
    }
    Ok(replaced)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pools_each_block_and_drops_an_odd_edge() {
        // One 3×5 plane: the last row and column have no full block.
        let data: Vec<f32> = vec![
            1.0, 5.0, -2.0, -1.0, 9.0, //
            3.0, 2.0, -3.0, -4.0, 9.0, //
            8.0, 8.0, 8.0, 8.0, 8.0,
        ];
        let input = Tensor::from_shape(&[1, 1, 3, 5], &data).expect("tensor");
        let out = MaxPool2x2.eval(&EvalContext::out_of_plan(), tvec!(input.into_tvalue())).expect("eval");
        assert_eq!(out[0].shape(), &[1, 1, 1, 2]);
        assert_eq!(out[0].try_as_plain_ram().expect("plain").as_slice::<f32>().expect("f32"), &[5.0, -1.0]);
    }
}
