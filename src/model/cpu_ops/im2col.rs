//! The patch copy of a convolution in channels-last layout, and its gradient.

use candle_core::Result;
use rayon::prelude::*;

use super::matmul::parallel_zeros;

/// Copies every `k x k` patch of the NHWC values `input` of shape `dims` `[b, h, w, c]`
/// (stride 1, zero padding `padding`) into one row of a matrix `[b * oh * ow, k * k * c]`, the
/// row's values ordered by kernel row, kernel column, channel. The matrix times the kernel
/// `[o, k, k, c]` seen as `[o, k * k * c]`, transposed, is the convolution in NHWC layout.
pub fn im2col(input: &[f32], dims: [usize; 4], k: usize, padding: usize) -> Result<Vec<f32>> {
    let [b, h, w, c] = dims;
    if h + 2 * padding < k || w + 2 * padding < k || input.len() != b * h * w * c {
        candle_core::bail!("im2col: a {h}x{w} map does not fit a {k}x{k} kernel");
    }
    let pad = padding as isize;
    let (oh, ow) = (h + 2 * padding + 1 - k, w + 2 * padding + 1 - k);
    let row_len = k * k * c;
    let mut out = parallel_zeros(b * oh * ow * row_len);
    // One output row of an image (all ox for one oy) per task.
    out.par_chunks_mut(ow * row_len)
        .enumerate()
        .for_each(|(task, rows)| {
            let (image, oy) = (task / oh, task % oh);
            let base = image * h * w * c;
            for ky in 0..k {
                let iy = oy as isize + ky as isize - pad;
                if iy < 0 || iy >= h as isize {
                    continue;
                }
                let line = base + iy as usize * w * c;
                for ox in 0..ow {
                    let row = &mut rows[ox * row_len..(ox + 1) * row_len];
                    for kx in 0..k {
                        let ix = ox as isize + kx as isize - pad;
                        if ix < 0 || ix >= w as isize {
                            continue;
                        }
                        let from = line + ix as usize * c;
                        let to = (ky * k + kx) * c;
                        if c == 1 {
                            // A grayscale input: one value, not worth a memcpy call.
                            row[to] = input[from];
                        } else {
                            row[to..to + c].copy_from_slice(&input[from..from + c]);
                        }
                    }
                }
            }
        });
    Ok(out)
}

/// The gradient of [`im2col`]: the patch rows `cols` added back onto an NHWC tensor of shape
/// `dims`.
pub fn col2im(cols: &[f32], dims: [usize; 4], k: usize, padding: usize) -> Result<Vec<f32>> {
    let [b, h, w, c] = dims;
    let pad = padding as isize;
    let (oh, ow) = (h + 2 * padding + 1 - k, w + 2 * padding + 1 - k);
    let row_len = k * k * c;
    if cols.len() != b * oh * ow * row_len {
        candle_core::bail!(
            "col2im: {} values do not make {b}x{oh}x{ow} patches",
            cols.len()
        );
    }
    let mut out = parallel_zeros(b * h * w * c);
    // Images are independent, so each task owns one image's gradient.
    out.par_chunks_mut(h * w * c)
        .enumerate()
        .for_each(|(image, grad)| {
            let image_cols = &cols[image * oh * ow * row_len..(image + 1) * oh * ow * row_len];
            for oy in 0..oh {
                for ky in 0..k {
                    let iy = oy as isize + ky as isize - pad;
                    if iy < 0 || iy >= h as isize {
                        continue;
                    }
                    let line = iy as usize * w * c;
                    for ox in 0..ow {
                        let row = &image_cols[(oy * ow + ox) * row_len..][..row_len];
                        for kx in 0..k {
                            let ix = ox as isize + kx as isize - pad;
                            if ix < 0 || ix >= w as isize {
                                continue;
                            }
                            let to = line + ix as usize * c;
                            let from = (ky * k + kx) * c;
                            for (g, v) in grad[to..to + c].iter_mut().zip(&row[from..from + c]) {
                                *g += v;
                            }
                        }
                    }
                }
            }
        });
    Ok(out)
}
