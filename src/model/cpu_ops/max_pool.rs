//! 2 x 2 max pooling in channels-last layout, and its gradient.

use candle_core::{CpuStorage, CustomOp1, CustomOp3, Layout, Result, Shape, Tensor};
use rayon::prelude::*;

use super::matmul::parallel_zeros;
use super::{contiguous_f32, dims4};

/// 2 x 2 max pooling, stride 2, of an NHWC tensor `[b, h, w, c]` into
/// `[b, h / 2, w / 2, c]`; an odd last row or column is dropped, as candle's pooling does.
#[derive(Debug, Clone, Copy)]
pub struct MaxPool2;

impl CustomOp1 for MaxPool2 {
    fn name(&self) -> &'static str {
        "max-pool2-nhwc"
    }

    fn cpu_fwd(&self, storage: &CpuStorage, layout: &Layout) -> Result<(CpuStorage, Shape)> {
        let input = contiguous_f32(storage, layout, self.name())?;
        let (b, h, w, c) = dims4(layout, self.name())?;
        let (oh, ow) = (h / 2, w / 2);
        let mut out = parallel_zeros(b * oh * ow * c);
        if !out.is_empty() {
            out.par_chunks_mut(ow * c)
                .enumerate()
                .for_each(|(task, row)| {
                    let (image, oy) = (task / oh, task % oh);
                    let top = (image * h + 2 * oy) * w * c;
                    let bottom = top + w * c;
                    for ox in 0..ow {
                        let (a, d) = (top + 2 * ox * c, bottom + 2 * ox * c);
                        for ch in 0..c {
                            let pair_top = input[a + ch].max(input[a + c + ch]);
                            let pair_bottom = input[d + ch].max(input[d + c + ch]);
                            row[ox * c + ch] = pair_top.max(pair_bottom);
                        }
                    }
                });
        }
        Ok((CpuStorage::F32(out), Shape::from((b, oh, ow, c))))
    }

    fn bwd(&self, arg: &Tensor, res: &Tensor, grad_res: &Tensor) -> Result<Option<Tensor>> {
        let grad = grad_res.contiguous()?;
        Ok(Some(arg.apply_op3_no_bwd(res, &grad, &MaxPool2Grad)?))
    }
}

/// The gradient of [`MaxPool2`] from its input, its output and the output's gradient: each
/// window's gradient goes to the first of its values that equals the maximum (top left, top
/// right, bottom left, bottom right), as in PyTorch.
#[derive(Debug, Clone, Copy)]
pub struct MaxPool2Grad;

impl CustomOp3 for MaxPool2Grad {
    fn name(&self) -> &'static str {
        "max-pool2-nhwc-grad"
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
        let pooled = contiguous_f32(s2, l2, self.name())?;
        let grad = contiguous_f32(s3, l3, self.name())?;
        let (b, h, w, c) = dims4(l1, self.name())?;
        let (oh, ow) = (h / 2, w / 2);
        if pooled.len() != b * oh * ow * c || grad.len() != pooled.len() {
            candle_core::bail!("max-pool gradient: the shapes do not fit");
        }
        let mut out = parallel_zeros(b * h * w * c);
        if oh > 0 && ow > 0 {
            // Images are independent: each task owns one image's gradient.
            out.par_chunks_mut(h * w * c)
                .enumerate()
                .for_each(|(image, image_grad)| {
                    for oy in 0..oh {
                        let top = 2 * oy * w * c;
                        let out_row = (image * oh + oy) * ow * c;
                        let image_input = &input[image * h * w * c..];
                        for ox in 0..ow {
                            for ch in 0..c {
                                let max = pooled[out_row + ox * c + ch];
                                let candidates = [
                                    top + 2 * ox * c + ch,
                                    top + (2 * ox + 1) * c + ch,
                                    top + w * c + 2 * ox * c + ch,
                                    top + w * c + (2 * ox + 1) * c + ch,
                                ];
                                if let Some(&at) =
                                    candidates.iter().find(|&&at| image_input[at] == max)
                                {
                                    image_grad[at] = grad[out_row + ox * c + ch];
                                }
                            }
                        }
                    }
                });
        }
        Ok((CpuStorage::F32(out), Shape::from((b, h, w, c))))
    }
}
