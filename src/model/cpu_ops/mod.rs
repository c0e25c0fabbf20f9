//! Channels-last (NHWC) kernels for the CPU, as candle custom ops with their gradients.
//!
//! candle's own CPU convolution is fast forward but slow backward (a direct transposed
//! convolution for the input gradient, a tiled convolution for the kernel gradient). Here a
//! convolution is a patch copy ([`im2col`]) followed by one large matrix product in `gemm`,
//! and both gradients are matrix products too, the input's followed by [`col2im`]. In the
//! channels-last layout the product's output is already the next layer's input, with no
//! transposition. [`ConvLayer`] does a whole layer (with bias and ReLU) as one graph node,
//! [`ConvPoolLayer`] the same followed by 2 x 2 max pooling,
//! [`MaxPool2`] pools 2 x 2 windows in the same layout, and [`BatchNormRelu`] normalises and
//! clips a map for training in one step.
//!
//! These ops have no GPU kernels: on CUDA the network uses candle's own NCHW operations.

mod batch_norm;
mod buffer;
mod conv;
mod conv_pool;
mod im2col;
mod matmul;
mod max_pool;

pub use batch_norm::{BatchNormRelu, BatchStats};
pub use buffer::{fill_in_chunks, parallel_zeros};
pub use conv::ConvLayer;
pub use conv_pool::ConvPoolLayer;
pub use im2col::{col2im, im2col};
pub use matmul::{CpuValues, Operand, matmul};
pub use max_pool::{MaxPool2, MaxPool2Grad};

use candle_core::{CpuStorage, Layout, Result};

/// The `f32` values of a contiguous tensor's storage.
fn contiguous_f32<'a>(storage: &'a CpuStorage, layout: &Layout, op: &str) -> Result<&'a [f32]> {
    let CpuStorage::F32(values) = storage else {
        candle_core::bail!("{op} takes f32 tensors");
    };
    let Some((start, end)) = layout.contiguous_offsets() else {
        candle_core::bail!("{op} takes contiguous tensors");
    };
    Ok(&values[start..end])
}

/// The four dimensions of an NHWC tensor.
fn dims4(layout: &Layout, op: &str) -> Result<(usize, usize, usize, usize)> {
    match layout.dims() {
        &[b, h, w, c] => Ok((b, h, w, c)),
        other => candle_core::bail!("{op} takes [batch, height, width, channels], not {other:?}"),
    }
}
