//! A whole convolution layer as one op: patches, matrix product, bias and optionally ReLU
//! forward; the three gradients in one backward step. One graph node instead of five keeps
//! candle's autograd from allocating and summing a gradient buffer for each of them.

use candle_core::{CpuStorage, CustomOp3, Layout, Result, Shape, Tensor};
use rayon::prelude::*;

use super::buffer::fill_in_chunks;
use super::im2col::{col2im, im2col};
use super::matmul::{CpuValues, Operand, matmul};
use super::{contiguous_f32, dims4};

/// `relu?(conv(x, kernel) + bias)` in NHWC layout, stride 1. The arguments are the input
/// `[b, h, w, c]`, the kernel as `[o, k * k * c]` (kernel row, kernel column, channel) and the
/// bias `[o]`; the output is `[b, oh, ow, o]`.
#[derive(Debug, Clone, Copy)]
pub struct ConvLayer {
    /// Kernel side.
    pub kernel: usize,
    /// Zero padding on every side.
    pub padding: usize,
    /// Whether ReLU follows.
    pub relu: bool,
}

/// The most patch values the forward pass makes at once (32 MB): a batch whose patches are
/// more is convolved a few images at a time.
const PATCH_BUDGET: usize = 8 << 20;

/// Values per task when the output gradient is masked by ReLU.
const MASK_CHUNK: usize = 1 << 14;

impl ConvLayer {
    /// The side of the output map for an input side.
    pub(super) fn out_side(&self, side: usize) -> usize {
        side + 2 * self.padding + 1 - self.kernel
    }

    /// The layer's output values for `input` of shape `dims` (NHWC), and the output's shape.
    fn forward_values(
        &self,
        input: &[f32],
        dims: [usize; 4],
        kernel: &[f32],
        bias: &[f32],
    ) -> Result<(Vec<f32>, [usize; 4])> {
        let [b, h, w, c] = dims;
        let row_len = self.kernel * self.kernel * c;
        let out = bias.len();
        if kernel.len() != out * row_len {
            candle_core::bail!("conv layer: the kernel does not fit {c} input channels");
        }
        let (oh, ow) = (self.out_side(h), self.out_side(w));
        let rows = b * oh * ow;

        // The patches of a few images at a time, so that a large batch (inference runs 128
        // faces at once) never holds all of its patches: they are several times the input.
        let image_values = h * w * c;
        let per_image = oh * ow * row_len;
        let images_per_part = (PATCH_BUDGET / per_image.max(1)).clamp(1, b.max(1));
        let transposed_kernel = Operand {
            values: kernel,
            transposed: true,
        };
        let mut y = Vec::new();
        for first in (0..b).step_by(images_per_part) {
            let images = images_per_part.min(b - first);
            let part = &input[first * image_values..(first + images) * image_values];
            let cols = im2col(part, [images, h, w, c], self.kernel, self.padding)?;
            let patches = Operand {
                values: &cols,
                transposed: false,
            };
            let part_rows = images * oh * ow;
            let product = matmul(part_rows, out, row_len, patches, transposed_kernel);
            if images == b {
                y = product;
            } else {
                y.extend_from_slice(&product);
            }
        }
        debug_assert_eq!(y.len(), rows * out);

        let relu = self.relu;
        y.par_chunks_mut(out * 64).for_each(|block| {
            for row in block.chunks_exact_mut(out) {
                for (v, b) in row.iter_mut().zip(bias) {
                    *v += b;
                    if relu && *v < 0.0 {
                        *v = 0.0;
                    }
                }
            }
        });
        Ok((y, [b, oh, ow, out]))
    }

    /// The gradients of the input (where it has one), the kernel and the bias, from `grad`, the
    /// gradient of the output before ReLU (`[b * oh * ow, o]` row-major).
    pub(super) fn backward_from(
        &self,
        x: &Tensor,
        kernel: &Tensor,
        bias: &Tensor,
        grad: &[f32],
    ) -> Result<(Option<Tensor>, Option<Tensor>, Option<Tensor>)> {
        let (b, h, w, c) = x.dims4()?;
        let (out, row_len) = kernel.dims2()?;
        let rows = grad.len() / out;
        let grad_bias = column_sums(grad, out);

        let x = x.contiguous()?;
        let cols = im2col(
            CpuValues::of(&x)?.slice(),
            [b, h, w, c],
            self.kernel,
            self.padding,
        )?;
        let grad_t = Operand {
            values: grad,
            transposed: true,
        };
        let patches = Operand {
            values: &cols,
            transposed: false,
        };
        let grad_kernel = matmul(out, row_len, rows, grad_t, patches);
        drop(cols);

        // The input's gradient, where the input has one: not for the faces themselves.
        let grad_input = if x.track_op() {
            let kernel = kernel.contiguous()?;
            let kernel_values = CpuValues::of(&kernel)?;
            let grad_rows = Operand {
                values: grad,
                transposed: false,
            };
            let kernel_rows = Operand {
                values: kernel_values.slice(),
                transposed: false,
            };
            let grad_cols = matmul(rows, row_len, out, grad_rows, kernel_rows);
            let values = col2im(&grad_cols, [b, h, w, c], self.kernel, self.padding)?;
            Some(Tensor::from_vec(values, (b, h, w, c), x.device())?)
        } else {
            None
        };

        let device = x.device();
        Ok((
            grad_input,
            Some(Tensor::from_vec(grad_kernel, (out, row_len), device)?),
            Some(Tensor::from_vec(grad_bias, bias.dims(), device)?),
        ))
    }
}

impl CustomOp3 for ConvLayer {
    fn name(&self) -> &'static str {
        "conv-layer-nhwc"
    }

    fn cpu_fwd(
        &self,
        s1: &CpuStorage,
        l1: &Layout,
        s2: &CpuStorage,
        l2: &Layout,
        s3: &CpuStorage,
        l3: &Layout,
    ) -> Result<(CpuStorage, Shape)> {
        let input = contiguous_f32(s1, l1, self.name())?;
        let kernel = contiguous_f32(s2, l2, self.name())?;
        let bias = contiguous_f32(s3, l3, self.name())?;
        let (b, h, w, c) = dims4(l1, self.name())?;
        let (y, [_, oh, ow, out]) = self.forward_values(input, [b, h, w, c], kernel, bias)?;
        Ok((CpuStorage::F32(y), Shape::from((b, oh, ow, out))))
    }

    fn bwd(
        &self,
        x: &Tensor,
        kernel: &Tensor,
        bias: &Tensor,
        res: &Tensor,
        grad_res: &Tensor,
    ) -> Result<(Option<Tensor>, Option<Tensor>, Option<Tensor>)> {
        let grad_res = grad_res.contiguous()?;
        let grad_values = CpuValues::of(&grad_res)?;
        if !self.relu {
            return self.backward_from(x, kernel, bias, grad_values.slice());
        }
        // The gradient before ReLU: zero where the output was clipped.
        let res = res.contiguous()?;
        let output = CpuValues::of(&res)?;
        let (grads, outputs) = (grad_values.slice(), output.slice());
        let masked = fill_in_chunks(grads.len(), MASK_CHUNK, |index, part| {
            let start = index * MASK_CHUNK;
            let pairs = grads[start..].iter().zip(&outputs[start..]);
            for (value, (g, y)) in part.iter_mut().zip(pairs) {
                *value = if *y > 0.0 { *g } else { 0.0 };
            }
        });
        self.backward_from(x, kernel, bias, &masked)
    }
}

/// The sum of each column of a row-major matrix with `columns` columns.
fn column_sums(values: &[f32], columns: usize) -> Vec<f32> {
    values
        .par_chunks(columns * 256)
        .map(|block| {
            let mut sums = vec![0f32; columns];
            for row in block.chunks_exact(columns) {
                for (s, v) in sums.iter_mut().zip(row) {
                    *s += v;
                }
            }
            sums
        })
        .reduce(
            || vec![0f32; columns],
            |mut a, b| {
                for (x, y) in a.iter_mut().zip(&b) {
                    *x += y;
                }
                a
            },
        )
}
