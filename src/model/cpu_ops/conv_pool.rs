//! A convolution layer with ReLU followed by 2 x 2 max pooling, as one op.
//!
//! The convolution's output is the largest map of a network (four times its pooled size), and
//! as a graph node of its own it would cost candle's autograd a zeroed gradient buffer and a
//! sum the size of the map, the pooling's gradient a pass over it, and the ReLU mask two more.
//! Here the op keeps only which of the four values won each window (one byte each) and turns
//! the pooled gradient straight into the convolution's gradient before ReLU.

use std::sync::Mutex;

use candle_core::{CpuStorage, CustomOp3, Layout, Result, Shape, Tensor};
use rayon::prelude::*;

use super::buffer::{fill_in_chunks, parallel_zeros};
use super::conv::ConvLayer;
use super::matmul::CpuValues;

/// The window place (0 top left, 1 top right, 2 bottom left, 3 bottom right) of a maximum that
/// ReLU clipped to zero: its gradient is zero whichever place it came from.
const CLIPPED: u8 = 4;

/// `max_pool2(relu(conv(x, kernel) + bias))` in NHWC layout: the arguments are those of
/// [`ConvLayer`]; the output is `[b, oh / 2, ow / 2, o]` for a convolution output of
/// `[b, oh, ow, o]` (an odd last row or column is dropped). Ties in a window go to the first
/// place, as in PyTorch.
#[derive(Debug)]
pub struct ConvPoolLayer {
    conv: ConvLayer,
    /// The winning place of each pooled value, from the last forward pass.
    winners: Mutex<Vec<u8>>,
}

impl ConvPoolLayer {
    /// A layer with a `kernel x kernel` kernel and zero padding `padding`.
    pub fn new(kernel: usize, padding: usize) -> Self {
        Self {
            conv: ConvLayer {
                kernel,
                padding,
                relu: true,
            },
            winners: Mutex::new(Vec::new()),
        }
    }
}

impl CustomOp3 for ConvPoolLayer {
    fn name(&self) -> &'static str {
        "conv-relu-pool-nhwc"
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
        let (CpuStorage::F32(y), shape) = self.conv.cpu_fwd(s1, l1, s2, l2, s3, l3)? else {
            candle_core::bail!("{}: the convolution gave no f32 values", self.name());
        };
        let (b, ch, cw, o) = shape.dims4()?;
        let (ph, pw) = (ch / 2, cw / 2);
        let mut pooled = parallel_zeros(b * ph * pw * o);
        let mut winners = vec![CLIPPED; pooled.len()];
        if !pooled.is_empty() {
            // One pooled row of an image per task.
            pooled
                .par_chunks_mut(pw * o)
                .zip(winners.par_chunks_mut(pw * o))
                .enumerate()
                .for_each(|(task, (row, row_winners))| {
                    let (image, py) = (task / ph, task % ph);
                    let top = &y[(image * ch + 2 * py) * cw * o..][..cw * o];
                    let bottom = &y[(image * ch + 2 * py + 1) * cw * o..][..cw * o];
                    for px in 0..pw {
                        let window = 2 * px * o..(2 * px + 2) * o;
                        let (a, b) = top[window.clone()].split_at(o);
                        let (d, e) = bottom[window].split_at(o);
                        let out = &mut row[px * o..(px + 1) * o];
                        let places = &mut row_winners[px * o..(px + 1) * o];
                        for k in 0..o {
                            let (mut best, mut place) = (a[k], 0u8);
                            for (candidate, at) in [(b[k], 1u8), (d[k], 2), (e[k], 3)] {
                                if candidate > best {
                                    (best, place) = (candidate, at);
                                }
                            }
                            out[k] = best;
                            places[k] = if best > 0.0 { place } else { CLIPPED };
                        }
                    }
                });
        }
        drop(y);
        match self.winners.lock() {
            Ok(mut slot) => *slot = winners,
            Err(_) => candle_core::bail!("{}: a previous pass panicked", self.name()),
        }
        Ok((CpuStorage::F32(pooled), Shape::from((b, ph, pw, o))))
    }

    fn bwd(
        &self,
        x: &Tensor,
        kernel: &Tensor,
        bias: &Tensor,
        _res: &Tensor,
        grad_res: &Tensor,
    ) -> Result<(Option<Tensor>, Option<Tensor>, Option<Tensor>)> {
        let (b, h, w, _) = x.dims4()?;
        let (o, _) = kernel.dims2()?;
        let (ch, cw) = (self.conv.out_side(h), self.conv.out_side(w));
        let (ph, pw) = (ch / 2, cw / 2);
        let grad_res = grad_res.contiguous()?;
        let grad_values = CpuValues::of(&grad_res)?;
        let grads = grad_values.slice();
        let Ok(winners) = self.winners.lock() else {
            candle_core::bail!("{}: a previous pass panicked", self.name());
        };
        if winners.len() != grads.len() || grads.len() != b * ph * pw * o {
            candle_core::bail!("{}: backward without its forward pass", self.name());
        }
        // The gradient of the convolution's output before ReLU, one output row per task: each
        // window's gradient goes to its winner; an odd last row or column stays zero.
        let grad = fill_in_chunks(b * ch * cw * o, cw * o, |task, row| {
            let (image, cy) = (task / ch, task % ch);
            let py = cy / 2;
            if py >= ph {
                return;
            }
            let pooled_row = (image * ph + py) * pw * o;
            let row_winners = &winners[pooled_row..pooled_row + pw * o];
            let row_grads = &grads[pooled_row..pooled_row + pw * o];
            for px in 0..pw {
                let places = &row_winners[px * o..(px + 1) * o];
                let window_grads = &row_grads[px * o..(px + 1) * o];
                for dx in 0..2 {
                    let place = (2 * (cy % 2) + dx) as u8;
                    let column = &mut row[(2 * px + dx) * o..(2 * px + dx + 1) * o];
                    let sources = places.iter().zip(window_grads);
                    for (value, (&winner, &g)) in column.iter_mut().zip(sources) {
                        *value = if winner == place { g } else { 0.0 };
                    }
                }
            }
        });
        drop(winners);
        self.conv.backward_from(x, kernel, bias, &grad)
    }
}
