//! Batch normalisation for the network: candle-nn's on any device in NCHW layout, our fused
//! [`BatchNormRelu`] for training on the CPU in channels-last layout. Both share the same
//! parameters and running statistics, stored under candle-nn's names.

use candle_core::{Tensor, Var};
use candle_nn::{BatchNorm, ModuleT, VarBuilder};

use super::cpu_ops::BatchNormRelu;

/// Added to the variance.
const EPS: f64 = 1e-5;

/// Weight of the newest batch in the running statistics.
const MOMENTUM: f64 = 0.1;

/// A batch-norm layer over `channels` channels.
pub struct NormLayer {
    weight: Tensor,
    bias: Tensor,
    running_mean: Var,
    running_var: Var,
    candle: BatchNorm,
}

impl NormLayer {
    /// The layer's parameters in `vb` (`weight`, `bias`, `running_mean`, `running_var`).
    pub fn new(channels: usize, vb: VarBuilder) -> candle_core::Result<Self> {
        let zero = candle_nn::Init::Const(0.0);
        let one = candle_nn::Init::Const(1.0);
        let running_mean = Var::from_tensor(&vb.get_with_hints(channels, "running_mean", zero)?)?;
        let running_var = Var::from_tensor(&vb.get_with_hints(channels, "running_var", one)?)?;
        let weight = vb.get_with_hints(channels, "weight", one)?;
        let bias = vb.get_with_hints(channels, "bias", zero)?;
        let candle = BatchNorm::new_with_momentum(
            channels,
            running_mean.as_tensor().clone(),
            running_var.as_tensor().clone(),
            weight.clone(),
            bias.clone(),
            EPS,
            MOMENTUM,
        )?;
        Ok(Self {
            weight,
            bias,
            running_mean,
            running_var,
            candle,
        })
    }

    /// Normalises an NCHW map (any device), without ReLU.
    pub fn forward_nchw(&self, x: &Tensor, train: bool) -> candle_core::Result<Tensor> {
        self.candle.forward_t(x, train)
    }

    /// Normalises rows of channels `[rows, channels]` and applies ReLU: on batch statistics
    /// (updating the running ones) when training, on the running statistics otherwise.
    pub fn forward_rows_relu(&self, x: &Tensor, train: bool) -> candle_core::Result<Tensor> {
        if !train {
            let scale = (&self.weight / (self.running_var.as_tensor() + EPS)?.sqrt()?)?;
            let shift = (&self.bias - (self.running_mean.as_tensor() * &scale)?)?;
            return x.broadcast_mul(&scale)?.broadcast_add(&shift)?.relu();
        }
        let op = BatchNormRelu::new(EPS as f32, true);
        let stats = op.stats.clone();
        let y = x.contiguous()?.apply_op3(&self.weight, &self.bias, op)?;
        let batch = stats.lock().ok().and_then(|s| s.clone());
        if let Some(batch) = batch {
            let rows = x.dim(0)? as f64;
            let unbiased = rows / (rows - 1.0).max(1.0);
            let device = x.device();
            let mean = Tensor::from_vec(batch.mean, self.weight.dims(), device)?;
            let var = (Tensor::from_vec(batch.variance, self.weight.dims(), device)? * unbiased)?;
            let keep = 1.0 - MOMENTUM;
            self.running_mean
                .set(&((self.running_mean.as_tensor() * keep)? + (mean * MOMENTUM)?)?)?;
            self.running_var
                .set(&((self.running_var.as_tensor() * keep)? + (var * MOMENTUM)?)?)?;
        }
        Ok(y)
    }
}
