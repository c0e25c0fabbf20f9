//! 2 x 2 max pooling in channels-last layout, and its gradient.

use candle_core::{CpuStorage, CustomOp1, CustomOp3, Layout, Result, Shape, Tensor};

use super::buffer::fill_in_chunks;
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
        // One output row of an image per task.
        let out = fill_in_chunks(b * oh * ow * c, ow * c, |task, row| {
            let (image, oy) = (task / oh, task % oh);
            let top = &input[(image * h + 2 * oy) * w * c..][..w * c];
            let bottom = &input[(image * h + 2 * oy + 1) * w * c..][..w * c];
            let windows = top.chunks_exact(2 * c).zip(bottom.chunks_exact(2 * c));
            for (pooled, (upper, lower)) in row.chunks_exact_mut(c).zip(windows) {
                let (top_left, top_right) = upper.split_at(c);
                let (bottom_left, bottom_right) = lower.split_at(c);
                let tops = top_left.iter().zip(top_right);
                let bottoms = bottom_left.iter().zip(bottom_right);
                for (value, ((a, b), (d, e))) in pooled.iter_mut().zip(tops.zip(bottoms)) {
                    *value = a.max(*b).max(d.max(*e));
                }
            }
        });
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
        if oh == 0 || ow == 0 {
            return Ok((
                CpuStorage::F32(vec![0.0; b * h * w * c]),
                Shape::from((b, h, w, c)),
            ));
        }
        // Images are independent: each task owns one image's gradient. Every window writes all
        // four of its places (the gradient or zero), without branches.
        let out = fill_in_chunks(b * h * w * c, h * w * c, |image, image_grad| {
            let image_input = &input[image * h * w * c..][..h * w * c];
            for oy in 0..oh {
                let out_row = (image * oh + oy) * ow * c;
                let maxima = &pooled[out_row..out_row + ow * c];
                let grads = &grad[out_row..out_row + ow * c];
                let (upper_in, lower_in) =
                    image_input[2 * oy * w * c..][..2 * w * c].split_at(w * c);
                let (upper, lower) = image_grad[2 * oy * w * c..][..2 * w * c].split_at_mut(w * c);
                for ox in 0..ow {
                    let window = 2 * ox * c..(2 * ox + 2) * c;
                    let (a, b) = upper_in[window.clone()].split_at(c);
                    let (d, e) = lower_in[window.clone()].split_at(c);
                    let (ga, gb) = upper[window.clone()].split_at_mut(c);
                    let (gd, ge) = lower[window].split_at_mut(c);
                    let maxima = &maxima[ox * c..(ox + 1) * c];
                    let grads = &grads[ox * c..(ox + 1) * c];
                    for ch in 0..c {
                        let (max, g) = (maxima[ch], grads[ch]);
                        let first = a[ch] == max;
                        let second = !first && b[ch] == max;
                        let third = !first && !second && d[ch] == max;
                        let fourth = !first && !second && !third && e[ch] == max;
                        ga[ch] = if first { g } else { 0.0 };
                        gb[ch] = if second { g } else { 0.0 };
                        gd[ch] = if third { g } else { 0.0 };
                        ge[ch] = if fourth { g } else { 0.0 };
                    }
                }
            }
        });
        Ok((CpuStorage::F32(out), Shape::from((b, h, w, c))))
    }
}
