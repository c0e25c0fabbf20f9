//! The tensor operations the network is made of: candle's own in NCHW layout (any device), and
//! our channels-last CPU kernels (see [`super::cpu_ops`]).

use candle_core::{Result, Tensor};

use super::cpu_ops::{ConvLayer, ConvPoolLayer, MaxPool2};

use crate::rng::SeededRng;

/// A 2-D convolution, stride 1, of `x` (`[batch, in, h, w]`) with `weight`
/// (`[out, in, k, k]`), zero padding `padding` on every side, plus `bias` (`[out]`) if given.
pub fn conv2d(
    x: &Tensor,
    weight: &Tensor,
    bias: Option<&Tensor>,
    padding: usize,
) -> Result<Tensor> {
    let y = x.conv2d(weight, padding, 1, 1, 1)?;
    match bias {
        Some(bias) => y.broadcast_add(&bias.reshape((1, (), 1, 1))?),
        None => Ok(y),
    }
}

/// 2 x 2 max pooling with stride 2 of an NCHW tensor; an odd last row or column is dropped.
///
/// Written as a maximum over reshaped windows rather than with candle's `max_pool2d`, whose
/// gradient in candle 0.11.1 is scaled by a quarter (it multiplies by the share of maxima in
/// the window where it should divide by their count).
pub fn max_pool2(x: &Tensor) -> Result<Tensor> {
    let (b, c, h, w) = x.dims4()?;
    let (oh, ow) = (h / 2, w / 2);
    let even = x.narrow(2, 0, 2 * oh)?.narrow(3, 0, 2 * ow)?;
    even.reshape((b, c, oh, 2, ow, 2))?.max(5)?.max(3)
}

/// Inverted dropout: each value is zeroed with probability `p` and the others scaled by
/// `1 / (1 - p)`. The mask comes from our seeded generator, so a training run repeats exactly.
pub fn dropout(x: &Tensor, p: f32, rng: &mut SeededRng) -> Result<Tensor> {
    if p <= 0.0 {
        return Ok(x.clone());
    }
    let keep = 1.0 / (1.0 - p);
    let mask: Vec<f32> = (0..x.elem_count())
        .map(|_| if rng.next_f32() < p { 0.0 } else { keep })
        .collect();
    let mask = Tensor::from_vec(mask, x.shape(), x.device())?;
    x.mul(&mask)
}

/// A 2-D convolution, stride 1, of a channels-last `x` (`[batch, h, w, in]`) with `weight`
/// (`[out, in, k, k]`, the layout candle and PyTorch use), zero padding `padding`, plus `bias`
/// (zeros where there is none), followed by ReLU if `relu`: one [`ConvLayer`] op, whose
/// products and gradients run in `gemm`. CPU only.
pub fn conv2d_nhwc(
    x: &Tensor,
    weight: &Tensor,
    bias: Option<&Tensor>,
    padding: usize,
    relu: bool,
) -> Result<Tensor> {
    let (kernel, bias) = nhwc_kernel_and_bias(weight, bias)?;
    let layer = ConvLayer {
        kernel: weight.dim(2)?,
        padding,
        relu,
    };
    x.contiguous()?.apply_op3(&kernel, &bias, layer)
}

/// [`conv2d_nhwc`] with ReLU followed by 2 x 2 max pooling, as one [`ConvPoolLayer`] op.
/// CPU only.
pub fn conv2d_relu_pool_nhwc(
    x: &Tensor,
    weight: &Tensor,
    bias: Option<&Tensor>,
    padding: usize,
) -> Result<Tensor> {
    let (kernel, bias) = nhwc_kernel_and_bias(weight, bias)?;
    let layer = ConvPoolLayer::new(weight.dim(2)?, padding);
    x.contiguous()?.apply_op3(&kernel, &bias, layer)
}

/// The kernel `[out, in, k, k]` as the matrix `[out, k * k * in]` the channels-last ops take,
/// and the bias (zeros where there is none).
fn nhwc_kernel_and_bias(weight: &Tensor, bias: Option<&Tensor>) -> Result<(Tensor, Tensor)> {
    let (out, channels, k, _) = weight.dims4()?;
    let kernel = weight
        .permute((0, 2, 3, 1))?
        .reshape((out, k * k * channels))?;
    let bias = match bias {
        Some(bias) => bias.clone(),
        None => Tensor::zeros(out, weight.dtype(), weight.device())?,
    };
    Ok((kernel, bias))
}

/// 2 x 2 max pooling with stride 2 of a channels-last tensor. CPU only.
pub fn max_pool2_nhwc(x: &Tensor) -> Result<Tensor> {
    x.contiguous()?.apply_op1(MaxPool2)
}
