//! The patch copy of a convolution in channels-last layout, and its gradient.

use candle_core::Result;

use super::buffer::fill_in_chunks;

/// Copies every `k x k` patch of the NHWC values `input` of shape `dims` `[b, h, w, c]`
/// (stride 1, zero padding `padding`) into one row of a matrix `[b * oh * ow, k * k * c]`, the
/// row's values ordered by kernel row, kernel column, channel. The matrix times the kernel
/// `[o, k, k, c]` seen as `[o, k * k * c]`, transposed, is the convolution in NHWC layout.
pub fn im2col(input: &[f32], dims: [usize; 4], k: usize, padding: usize) -> Result<Vec<f32>> {
    let [b, h, w, c] = dims;
    if h + 2 * padding < k || w + 2 * padding < k || input.len() != b * h * w * c {
        candle_core::bail!("im2col: a {h}x{w} map does not fit a {k}x{k} kernel");
    }
    let (oh, ow) = (h + 2 * padding + 1 - k, w + 2 * padding + 1 - k);
    let row_len = k * k * c;
    // One output row of an image (all ox for one oy) per task.
    let out = fill_in_chunks(b * oh * ow * row_len, ow * row_len, |task, rows| {
        let (image, oy) = (task / oh, task % oh);
        let image_input = &input[image * h * w * c..(image + 1) * h * w * c];
        for ky in 0..k {
            let Some(iy) = (oy + ky).checked_sub(padding).filter(|&iy| iy < h) else {
                continue;
            };
            let line = &image_input[iy * w * c..(iy + 1) * w * c];
            for (ox, row) in rows.chunks_exact_mut(row_len).enumerate() {
                let kernel_row = &mut row[ky * k * c..(ky + 1) * k * c];
                // The input columns ox - padding .. ox - padding + k, clipped to the map: one
                // contiguous run of values in channels-last layout.
                let first = ox.saturating_sub(padding);
                let end = (ox + k).saturating_sub(padding).min(w);
                if first < end {
                    let skipped = first + padding - ox;
                    kernel_row[skipped * c..(skipped + end - first) * c]
                        .copy_from_slice(&line[first * c..end * c]);
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
    if h + 2 * padding < k || w + 2 * padding < k {
        candle_core::bail!("col2im: a {h}x{w} map does not fit a {k}x{k} kernel");
    }
    let (oh, ow) = (h + 2 * padding + 1 - k, w + 2 * padding + 1 - k);
    let row_len = k * k * c;
    if cols.len() != b * oh * ow * row_len {
        candle_core::bail!(
            "col2im: {} values do not make {b}x{oh}x{ow} patches",
            cols.len()
        );
    }
    // Images are independent, so each task owns one image's gradient.
    let out = fill_in_chunks(b * h * w * c, h * w * c, |image, grad| {
        let image_cols = &cols[image * oh * ow * row_len..(image + 1) * oh * ow * row_len];
        for oy in 0..oh {
            for ky in 0..k {
                let Some(iy) = (oy + ky).checked_sub(padding).filter(|&iy| iy < h) else {
                    continue;
                };
                let line = &mut grad[iy * w * c..(iy + 1) * w * c];
                for ox in 0..ow {
                    let row = &image_cols[(oy * ow + ox) * row_len..][..row_len];
                    let kernel_row = &row[ky * k * c..(ky + 1) * k * c];
                    let first = ox.saturating_sub(padding);
                    let end = (ox + k).saturating_sub(padding).min(w);
                    if first < end {
                        let skipped = first + padding - ox;
                        let from = &kernel_row[skipped * c..(skipped + end - first) * c];
                        for (g, v) in line[first * c..end * c].iter_mut().zip(from) {
                            *g += v;
                        }
                    }
                }
            }
        }
    });
    Ok(out)
}
