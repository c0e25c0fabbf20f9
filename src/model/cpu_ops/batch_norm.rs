//! Batch normalisation with ReLU over the rows of a channels-last map, as one op for
//! training. candle-nn's batch norm is a dozen graph nodes, each with a full-size buffer and
//! a gradient buffer; this is one, and it keeps only the per-channel statistics for backward.

use std::sync::{Arc, Mutex};

use candle_core::{CpuStorage, CustomOp3, Layout, Result, Shape, Tensor};
use rayon::prelude::*;

use super::buffer::fill_in_chunks;
use super::contiguous_f32;
use super::matmul::CpuValues;

/// The batch statistics of one forward pass, per channel.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BatchStats {
    /// Mean of each channel.
    pub mean: Vec<f32>,
    /// Biased variance of each channel.
    pub variance: Vec<f32>,
}

/// `relu?(gamma * (x - mean) / sqrt(var + eps) + beta)` over `x` `[rows, channels]`, with the
/// mean and variance of each channel taken over the rows (training mode). The arguments are
/// `x`, `gamma` `[channels]` and `beta` `[channels]`. After the forward pass, `stats` holds the
/// batch statistics, for the caller's running averages.
#[derive(Debug, Clone)]
pub struct BatchNormRelu {
    /// Added to the variance.
    pub eps: f32,
    /// Whether ReLU follows.
    pub relu: bool,
    /// Filled by the forward pass.
    pub stats: Arc<Mutex<Option<BatchStats>>>,
}

impl BatchNormRelu {
    /// An op for one forward pass.
    pub fn new(eps: f32, relu: bool) -> Self {
        Self {
            eps,
            relu,
            stats: Arc::new(Mutex::new(None)),
        }
    }

    fn inv_std(&self, variance: &[f32]) -> Vec<f32> {
        variance
            .iter()
            .map(|v| 1.0 / (v + self.eps).sqrt())
            .collect()
    }
}

impl CustomOp3 for BatchNormRelu {
    fn name(&self) -> &'static str {
        "batch-norm-relu-rows"
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
        let x = contiguous_f32(s1, l1, self.name())?;
        let gamma = contiguous_f32(s2, l2, self.name())?;
        let beta = contiguous_f32(s3, l3, self.name())?;
        let &[rows, channels] = l1.dims() else {
            candle_core::bail!("batch norm takes [rows, channels]");
        };
        if gamma.len() != channels || beta.len() != channels || rows == 0 {
            candle_core::bail!("batch norm: {channels} channels, parameters do not fit");
        }

        let sums = column_sums(x, channels);
        let mean: Vec<f32> = sums.iter().map(|s| (s / rows as f64) as f32).collect();
        let squares = column_sums_centered(x, &mean);
        let variance: Vec<f32> = squares.iter().map(|s| (s / rows as f64) as f32).collect();
        let inv_std = self.inv_std(&variance);
        let scale: Vec<f32> = gamma.iter().zip(&inv_std).map(|(g, s)| g * s).collect();
        let shift: Vec<f32> = beta
            .iter()
            .zip(&mean)
            .zip(&scale)
            .map(|((b, m), s)| b - m * s)
            .collect();

        let relu = self.relu;
        let block = channels * 128;
        let y = fill_in_chunks(x.len(), block, |index, out| {
            let input = &x[index * block..];
            for (o_row, i_row) in out
                .chunks_exact_mut(channels)
                .zip(input.chunks_exact(channels))
            {
                let per_channel = scale.iter().zip(&shift);
                for ((o, x), (scale, shift)) in o_row.iter_mut().zip(i_row).zip(per_channel) {
                    let v = x * scale + shift;
                    *o = if relu && v < 0.0 { 0.0 } else { v };
                }
            }
        });
        if let Ok(mut slot) = self.stats.lock() {
            *slot = Some(BatchStats { mean, variance });
        }
        Ok((CpuStorage::F32(y), Shape::from((rows, channels))))
    }

    fn bwd(
        &self,
        x: &Tensor,
        gamma: &Tensor,
        _beta: &Tensor,
        res: &Tensor,
        grad_res: &Tensor,
    ) -> Result<(Option<Tensor>, Option<Tensor>, Option<Tensor>)> {
        let Some(stats) = self.stats.lock().ok().and_then(|s| s.clone()) else {
            candle_core::bail!("batch norm: backward before forward");
        };
        let (rows, channels) = x.dims2()?;
        let (x, gamma, res, grad_res) = (
            x.contiguous()?,
            gamma.contiguous()?,
            res.contiguous()?,
            grad_res.contiguous()?,
        );
        let (xv, gv, yv, dyv) = (
            CpuValues::of(&x)?,
            CpuValues::of(&gamma)?,
            CpuValues::of(&res)?,
            CpuValues::of(&grad_res)?,
        );
        let (x, gamma, y, dy) = (xv.slice(), gv.slice(), yv.slice(), dyv.slice());
        let inv_std = self.inv_std(&stats.variance);
        let mean = &stats.mean;
        let relu = self.relu;

        // Per channel: sum of g and of g * xhat, where g is the gradient before ReLU.
        let (sum_g, sum_gx) = x
            .par_chunks(channels * 128)
            .zip(y.par_chunks(channels * 128))
            .zip(dy.par_chunks(channels * 128))
            .map(|((xb, yb), db)| {
                // f32 within a block of rows (SIMD-friendly), f64 across blocks.
                let mut sg = vec![0f32; channels];
                let mut sgx = vec![0f32; channels];
                for ((xr, yr), dr) in xb
                    .chunks_exact(channels)
                    .zip(yb.chunks_exact(channels))
                    .zip(db.chunks_exact(channels))
                {
                    let per_channel = sg
                        .iter_mut()
                        .zip(sgx.iter_mut())
                        .zip(mean.iter().zip(&inv_std));
                    let values = xr.iter().zip(yr).zip(dr);
                    for (((sg, sgx), (m, is)), ((x, y), d)) in per_channel.zip(values) {
                        let g = if relu && *y <= 0.0 { 0.0 } else { *d };
                        *sg += g;
                        *sgx += g * ((x - m) * is);
                    }
                }
                (widen(&sg), widen(&sgx))
            })
            .reduce(
                || (vec![0f64; channels], vec![0f64; channels]),
                |(mut a, mut b), (c, d)| {
                    a.iter_mut().zip(&c).for_each(|(x, y)| *x += y);
                    b.iter_mut().zip(&d).for_each(|(x, y)| *x += y);
                    (a, b)
                },
            );

        let mean_g: Vec<f32> = sum_g.iter().map(|s| (*s / rows as f64) as f32).collect();
        let mean_gx: Vec<f32> = sum_gx.iter().map(|s| (*s / rows as f64) as f32).collect();
        // Per channel: (mean, 1 / std) and (gamma / std, mean of g, mean of g * xhat).
        let centring: Vec<(f32, f32)> = mean.iter().copied().zip(inv_std.iter().copied()).collect();
        let factors: Vec<(f32, f32, f32)> = (0..channels)
            .map(|c| (gamma[c] * inv_std[c], mean_g[c], mean_gx[c]))
            .collect();
        let block = channels * 128;
        let dx = fill_in_chunks(x.len(), block, |index, out| {
            let start = index * block;
            for (((o, xr), yr), dr) in out
                .chunks_exact_mut(channels)
                .zip(x[start..].chunks_exact(channels))
                .zip(y[start..].chunks_exact(channels))
                .zip(dy[start..].chunks_exact(channels))
            {
                let values = o.iter_mut().zip(xr).zip(yr.iter().zip(dr));
                for ((((o, x), (y, d)), &(m, is)), &(scale, mg, mgx)) in
                    values.zip(&centring).zip(&factors)
                {
                    let g = if relu && *y <= 0.0 { 0.0 } else { *d };
                    let xhat = (x - m) * is;
                    *o = scale * (g - mg - xhat * mgx);
                }
            }
        });
        let device = res.device();
        let grad_gamma: Vec<f32> = sum_gx.iter().map(|s| *s as f32).collect();
        let grad_beta: Vec<f32> = sum_g.iter().map(|s| *s as f32).collect();
        Ok((
            Some(Tensor::from_vec(dx, (rows, channels), device)?),
            Some(Tensor::from_vec(grad_gamma, channels, device)?),
            Some(Tensor::from_vec(grad_beta, channels, device)?),
        ))
    }
}

/// The sum down each column: in f32 within blocks of 128 rows, in f64 across them.
fn column_sums(values: &[f32], columns: usize) -> Vec<f64> {
    values
        .par_chunks(columns * 128)
        .map(|block| {
            let mut sums = vec![0f32; columns];
            for row in block.chunks_exact(columns) {
                for (s, v) in sums.iter_mut().zip(row) {
                    *s += v;
                }
            }
            widen(&sums)
        })
        .reduce(|| vec![0f64; columns], add_into)
}

/// The sum of `(value - mean)^2` down each column, summed as in [`column_sums`].
fn column_sums_centered(values: &[f32], mean: &[f32]) -> Vec<f64> {
    let columns = mean.len();
    values
        .par_chunks(columns * 128)
        .map(|block| {
            let mut sums = vec![0f32; columns];
            for row in block.chunks_exact(columns) {
                for ((s, v), m) in sums.iter_mut().zip(row).zip(mean) {
                    let d = v - m;
                    *s += d * d;
                }
            }
            widen(&sums)
        })
        .reduce(|| vec![0f64; columns], add_into)
}

fn widen(values: &[f32]) -> Vec<f64> {
    values.iter().map(|&v| f64::from(v)).collect()
}

fn add_into(mut a: Vec<f64>, b: Vec<f64>) -> Vec<f64> {
    a.iter_mut().zip(&b).for_each(|(x, y)| *x += y);
    a
}
