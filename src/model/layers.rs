//! The tensor operations the network is made of, in one place so that faster kernels can
//! replace candle's where they pay.

use candle_core::{Result, Tensor};

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

/// 2 x 2 max pooling with stride 2; an odd last row or column is dropped.
pub fn max_pool2(x: &Tensor) -> Result<Tensor> {
    x.max_pool2d(2)
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
